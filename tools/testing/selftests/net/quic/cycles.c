// SPDX-License-Identifier: GPL-2.0
/*
 * cycles: many short QUIC connections, one after another, against an xfer
 * server (xfer -s --psk F --conns N), for the connection lifetime test.
 *
 *   cycles -a ADDR -p PORT --psk F [-n COUNT] [--bytes B] [--timeout S]
 *
 * Each cycle: socket(), connect(), quic_client_handshake() with the PSK,
 * B bytes (default 1024) of xfer's data pattern sent on bidirectional
 * stream 0 with a FIN, the echo read back up to its FIN and compared, then
 * close().  xfer's server checks the same pattern, so both ends verify.
 *
 * Prints "progress <done> <seconds>" every 100 cycles and at the end
 *
 *   cycles: <n> ok in <s> s, <ms> ms per cycle, handshake avg <ms> ms max <ms> ms
 *
 * Exit status: 0 all cycles ok; 1 a cycle failed ("cycle <i>: <stage>: ..."
 * says which and where); 2 usage or setup error; 4 a cycle took longer
 * than --timeout seconds (default 30).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/quic.h>

#include "quic_tool.h"

#define MAX_BYTES	65536

static const char *stage = "setup";
static unsigned long cur;

static void on_alarm(int sig)
{
	char line[160];
	int n;

	(void)sig;
	n = snprintf(line, sizeof(line),
		     "cycle %lu: %s: timeout (--timeout), kernel stalled?\n",
		     cur, stage);
	if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(4);
	_exit(4);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xfer's data pattern: SplitMix64 of stream ID and 8-byte offset. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void pattern(int64_t sid, uint64_t off, uint8_t *p, size_t len)
{
	while (len) {
		uint64_t v = mix64(((uint64_t)sid << 44) ^ (off >> 3));
		unsigned int i;

		for (i = off & 7; i < 8 && len; i++, len--, off++)
			*p++ = (uint8_t)(v >> (8 * i));
	}
}

static int fail(const char *what)
{
	printf("cycle %lu: %s: %s%s%s\n", cur, stage, what,
	       errno ? ": " : "", errno ? strerror(errno) : "");
	fflush(stdout);
	return -1;
}

/* One connection; 0 if the echo came back whole and equal. */
static int cycle(const struct sockaddr_storage *ss, socklen_t slen,
		 const char *psk, const uint8_t *tx, size_t bytes,
		 double *hs_secs)
{
	static uint8_t rx[MAX_BYTES + 1];
	size_t sent = 0, got = 0;
	bool fin = false;
	uint32_t flags;
	int64_t sid;
	double t0;
	ssize_t n;
	int fd, ret;

	errno = 0;
	stage = "socket";
	fd = socket(ss->ss_family, SOCK_STREAM, IPPROTO_QUIC);
	if (fd < 0)
		return fail("socket(IPPROTO_QUIC)");
	stage = "connect";
	if (connect(fd, (const struct sockaddr *)ss, slen)) {
		fail("connect");
		goto err;
	}
	stage = "handshake";
	t0 = now();
	ret = quic_client_handshake(fd, psk, NULL, NULL);
	*hs_secs = now() - t0;
	if (ret) {
		errno = -ret;
		fail("quic_client_handshake");
		goto err;
	}
	stage = "send";
	while (sent < bytes) {
		flags = MSG_QUIC_STREAM_FIN | (sent ? 0 : MSG_QUIC_STREAM_NEW);
		n = quic_sendmsg(fd, tx + sent, bytes - sent, 0, flags);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fail("sendmsg on stream 0");
			goto err;
		}
		sent += (size_t)n;
	}
	stage = "echo";
	while (!fin) {
		sid = -1;
		flags = 0;
		n = quic_recvmsg(fd, rx + got, sizeof(rx) - got, &sid, &flags);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fail("recvmsg");
			goto err;
		}
		if (flags & MSG_QUIC_NOTIFICATION)
			continue;
		if (sid != 0 || (!n && !(flags & MSG_QUIC_STREAM_FIN))) {
			errno = 0;
			printf("cycle %lu: echo: %zd bytes on stream %lld, flags 0x%x\n",
			       cur, n, (long long)sid, flags);
			goto err;
		}
		got += (size_t)n;
		fin = !!(flags & MSG_QUIC_STREAM_FIN);
		if (got > bytes) {
			errno = 0;
			fail("more echoed than sent");
			goto err;
		}
	}
	if (got != bytes || memcmp(rx, tx, bytes)) {
		errno = 0;
		printf("cycle %lu: echo: %zu of %zu bytes back, %s\n", cur, got,
		       bytes, got == bytes ? "contents differ" : "short");
		goto err;
	}
	stage = "close";
	close(fd);
	return 0;
err:
	close(fd);
	return -1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: cycles -a ADDR -p PORT --psk FILE [-n COUNT] [--bytes B] [--timeout S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "psk", required_argument, NULL, 'k' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct sockaddr_storage ss = {};
	unsigned long count = 1000, timeout = 30;
	const char *addr = NULL, *psk = NULL;
	double t0, hs = 0, hs_sum = 0, hs_max = 0, secs;
	size_t bytes = 1024;
	static uint8_t tx[MAX_BYTES];
	socklen_t slen;
	int port = -1, c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "a:p:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'k': psk = optarg; break;
		case 'b': bytes = strtoul(optarg, NULL, 0); break;
		case 't': timeout = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (optind != argc || !addr || !psk || port <= 0 || port > 65535 ||
	    !count || !bytes || bytes > MAX_BYTES || !timeout)
		usage();

	if (qt_parse_addr(addr, port, &ss, &slen) < 0) {
		fprintf(stderr, "cycles: bad address '%s'\n", addr);
		return 2;
	}
	pattern(0, 0, tx, bytes);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);

	t0 = now();
	for (cur = 1; cur <= count; cur++) {
		alarm((unsigned int)timeout);
		if (cycle(&ss, slen, psk, tx, bytes, &hs))
			return 1;
		hs_sum += hs;
		if (hs > hs_max)
			hs_max = hs;
		if (cur % 100 == 0)
			printf("progress %lu %.1f\n", cur, now() - t0);
	}
	alarm(0);
	secs = now() - t0;
	printf("cycles: %lu ok in %.1f s, %.1f ms per cycle, handshake avg %.1f ms max %.1f ms\n",
	       count, secs, secs * 1e3 / count, hs_sum * 1e3 / count,
	       hs_max * 1e3);
	return 0;
}
