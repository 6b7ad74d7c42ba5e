/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP emitter for the userspace unit tests. Lines are unnumbered
 * ("ok - suite: name"); scripts/tap-run.sh numbers and counts them so every
 * suite, native or in the VM, ends up in one stream.
 */
#ifndef _QUIC_UNIT_TAP_H
#define _QUIC_UNIT_TAP_H

#include <stdio.h>
#include <stdarg.h>

static int tap_failures;

static inline void tap_result(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void tap_result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_failures++;
}

/* Diagnostics go to stdout as TAP comments so they stay next to the result. */
#define tap_diag(...) do { printf("# " __VA_ARGS__); printf("\n"); } while (0)

/* Exit status of a unit test binary: non-zero if any check failed. */
static inline int tap_exit(void)
{
	return tap_failures ? 1 : 0;
}

#endif /* _QUIC_UNIT_TAP_H */
