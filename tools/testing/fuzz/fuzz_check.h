/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets share: CHECK(), which reports the property
 * that failed and aborts, so that libFuzzer keeps the input as a crash.
 */
#ifndef _QUIC_FUZZ_CHECK_H
#define _QUIC_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "check failed: %s (line %d)\n", #c,	\
			__LINE__);					\
		abort();						\
	}								\
} while (0)

#endif /* _QUIC_FUZZ_CHECK_H */
