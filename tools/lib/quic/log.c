// SPDX-License-Identifier: GPL-2.0
/*
 * libquic logging: syslog-style levels, a replaceable sink, and by default
 * errors only, on stderr.
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static void quic_log_stderr(int level, const char *msg)
{
	(void)level;
	fprintf(stderr, "libquic: %s\n", msg);
}

static int quic_log_level = LOG_ERR;
static quic_set_log_func_t quic_log_sink = quic_log_stderr;

/**
 * quic_set_log_level - choose how verbose the library is
 * @level: a syslog level; messages above it (less severe) are dropped
 *
 * Returns the previous level.
 */
QUIC_EXPORT int quic_set_log_level(int level)
{
	int old = quic_log_level;

	quic_log_level = level;
	return old;
}

/**
 * quic_set_log_func - route library messages to the application
 * @func: called with the level and one line without newline; NULL restores
 *	  the default, which writes to stderr
 *
 * Returns the previous function.
 */
QUIC_EXPORT quic_set_log_func_t quic_set_log_func(quic_set_log_func_t func)
{
	quic_set_log_func_t old = quic_log_sink;

	quic_log_sink = func ? func : quic_log_stderr;
	return old;
}

void quic_log(int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (level > quic_log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	quic_log_sink(level, msg);
}

void quic_log_gnutls(int level, const char *what, int err)
{
	quic_log(level, "%s: %s (%d)", what, gnutls_strerror(err), err);
}
