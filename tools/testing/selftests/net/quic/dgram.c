// SPDX-License-Identifier: GPL-2.0
/*
 * dgram: unreliable datagrams (RFC 9221, MSG_QUIC_DATAGRAM) between two
 * kernel QUIC sockets, for datagram_test.sh.
 *
 *   dgram -s -a ADDR -p PORT --psk F [--max N] [--tick MS] [--idle MS]
 *	echo server: advertises max_datagram_frame_size N (0: none, the
 *	default), serves one connection after another, sends every datagram
 *	back as a datagram and stream data back on its stream; with --tick
 *	it also sends a 1-byte datagram every MS ms. When a connection ends
 *	it prints "ended: peer close errcode N" (the peer's code) or
 *	"ended: ERROR"; --idle sets its max_idle_timeout
 *   dgram -c -a ADDR -p PORT --psk F -t TEST [--max N] [--rcvbuf B]
 *	one test as the client, which advertises N (default 65535):
 *	echo     datagrams of 0 to 997 bytes echoed one at a time, compared
 *	limits   997 bytes pass, 998 and 65535 get EMSGSIZE, a handshake
 *		 cmsg EINVAL (the server advertises 1000)
 *	path     after a stream echo (so the handshake is confirmed), 1400
 *		 bytes pass and 1500 get EMSGSIZE: they fit no packet on a
 *		 1500-byte link (the server advertises 65535)
 *	noadvert EINVAL from a server that advertises nothing, and the
 *		 stream still echoes
 *	partial  a 900-byte datagram read 256 bytes at a time (MSG_EOR only
 *		 on the last part), after a MSG_PEEK of 16 bytes
 *	mixed    1 MiB on a stream and 64 datagrams interleaved, all back
 *	loss     300 datagrams over a lossy link: some, not all, come back
 *		 (nothing resends them), and the stream still echoes
 *	flood    100 datagrams echoed to a client that reads none for 1.5 s
 *		 (--rcvbuf small): it keeps only what SO_RCVBUF allows
 *	closing  after a stream echo, prints "closing", waits for a line on
 *		 stdin (the script drops the client's datagrams meanwhile),
 *		 then closes with application error code 4660 and exits
 *	reset    after a stream echo, prints "ready", waits for a line on
 *		 stdin (the script makes the server lose the connection
 *		 meanwhile), then sends a datagram every 100 ms until the
 *		 connection ends: it must end by a Stateless Reset
 *		 (ECONNRESET) within 5 s; --idle sets the client's idle
 *		 timeout too (what ended it before)
 *
 * Output: "# ..." notes, then "PASS TEST: ..." (exit 0) or "FAIL TEST:
 * ..." (exit 1); 2 for a setup error.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/quic.h>
#include <netinet/quic.h>

#include "quic_tool.h"

#define DG_BUF		65536
#define FRAME_LIMIT	1000	/* what limits/echo servers advertise */
#define LIMIT_LEN	997	/* 1 type + 2 Length + 997 = 1000 */

static struct {
	bool server;
	const char *addr, *psk, *test;
	int port, rcvbuf, tick_ms;
	long max, idle_ms;
} opt = { .max = -1 };

static const char *test_name = "setup";

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", test_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void setup_err(const char *what)
{
	printf("FAIL %s: setup: %s: %s\n", test_name, what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Datagram @seq of @len bytes: the sequence number, then a pattern. */
static void fill(uint8_t *p, uint32_t seq, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 131 + i * 7 + len);
	if (len >= 4)
		memcpy(p, &seq, 4);
}

/* The sequence number of an intact datagram, or -1. */
static long check(const uint8_t *p, uint32_t len, long expect)
{
	uint8_t want[DG_BUF];
	uint32_t seq = expect;

	if (len >= 4)
		memcpy(&seq, p, 4);
	else if (expect < 0)
		return -1;
	if (seq > 1000000)
		return -1;
	fill(want, seq, len);
	return memcmp(want, p, len) ? -1 : (long)seq;
}

static void set_max_frame(int fd, long max)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		setup_err("getsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM)");
	p.remote = 0;
	p.max_datagram_frame_size = max;
	if (opt.idle_ms > 0)
		p.max_idle_timeout = opt.idle_ms * 1000;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
		       sizeof(p)))
		setup_err("setsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM)");
}

static int dg_send(int fd, const void *buf, size_t len, int flags)
{
	return send(fd, buf, len, MSG_QUIC_DATAGRAM | flags);
}

/*
 * One message; @flags_out gets msg_flags, @sid the stream (-1: none).
 * Returns the length or -1 (errno).
 */
static ssize_t recv_msg(int fd, void *buf, size_t len, int flags,
			int *flags_out, int64_t *sid)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))];
	struct iovec iov = { buf, len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c;
	ssize_t n;

	*sid = -1;
	n = recvmsg(fd, &m, flags);
	if (n < 0)
		return n;
	*flags_out = m.msg_flags;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		struct quic_stream_info si;

		if (c->cmsg_level != SOL_QUIC ||
		    c->cmsg_type != QUIC_STREAM_INFO)
			continue;
		memcpy(&si, CMSG_DATA(c), sizeof(si));
		*sid = si.stream_id;
	}
	return n;
}

static ssize_t send_stream(int fd, int64_t sid, const void *buf, size_t len,
			   uint32_t flags, int msg_flags)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_stream_info))] = {};
	struct quic_stream_info si = { .stream_id = sid, .stream_flags = flags };
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_QUIC;
	c->cmsg_type = QUIC_STREAM_INFO;
	c->cmsg_len = CMSG_LEN(sizeof(si));
	memcpy(CMSG_DATA(c), &si, sizeof(si));
	return sendmsg(fd, &m, msg_flags);
}

static int quic_socket(struct sockaddr_storage *ss, socklen_t *sl)
{
	int fam = qt_parse_addr(opt.addr, opt.port, ss, sl), fd;

	if (fam < 0) {
		errno = EINVAL;
		setup_err(opt.addr);
	}
	fd = socket(fam, SOCK_STREAM, IPPROTO_QUIC);
	if (fd < 0)
		setup_err("socket(IPPROTO_QUIC)");
	return fd;
}

/* How the connection ended, as the server saw it. */
static void report_end(int fd, int err)
{
	struct quic_connection_close cc = {};
	socklen_t len = sizeof(cc);

	if (err == ECONNRESET &&
	    !getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len))
		printf("ended: peer close errcode %u\n", cc.errcode);
	else
		printf("ended: %s\n", strerror(err));
}

/* Server: echo one connection until the client closes it. */
static void serve(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	static uint8_t buf[DG_BUF];
	int flags, ret;
	int64_t sid;
	ssize_t n;

	for (;;) {
		if (opt.tick_ms &&
		    !poll(&p, 1, opt.tick_ms)) {
			/* A send may be first to hear how the connection
			 * ended (and then the error is reported only there).
			 */
			if (dg_send(fd, "t", 1, MSG_DONTWAIT) < 0 &&
			    errno != EAGAIN && errno != ENOBUFS) {
				report_end(fd, errno);
				return;
			}
			continue;
		}
		n = recv_msg(fd, buf, sizeof(buf), 0, &flags, &sid);
		if (n < 0) {
			report_end(fd, errno);
			return;
		}
		if (flags & MSG_QUIC_DATAGRAM) {
			ret = dg_send(fd, buf, n, 0);
			if (ret < 0)
				printf("# echo of a %zd-byte datagram: %s\n",
				       n, strerror(errno));
			continue;
		}
		if (sid < 0) {
			if (!n) {
				report_end(fd, 0);
				return;
			}
			continue;	/* an event */
		}
		if (send_stream(fd, sid, buf, n,
				flags & MSG_QUIC_STREAM_FIN, 0) < 0)
			return;
	}
}

static void run_server(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int lfd, fd;

	lfd = quic_socket(&ss, &sl);
	if (opt.max > 0 || opt.idle_ms > 0)
		set_max_frame(lfd, opt.max > 0 ? opt.max : 0);
	if (bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, 8))
		setup_err("bind/listen");
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			setup_err("accept");
		if (!quic_server_handshake(fd, opt.psk, NULL, NULL))
			serve(fd);
		close(fd);
	}
}

static int64_t stream_open(int fd)
{
	struct quic_stream_info si = { .stream_id = -1 };
	socklen_t len = sizeof(si);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &si, &len))
		setup_err("QUIC_SOCKOPT_STREAM_OPEN");
	return si.stream_id;
}

/* A 4 KiB stream echo: the connection works (and is confirmed). */
static void stream_echo(int fd, const char *when)
{
	static uint8_t out[4096], in[4096];
	int64_t sid = stream_open(fd), rsid;
	size_t got = 0;
	int flags;
	ssize_t n;

	fill(out, 7, sizeof(out));
	if (send_stream(fd, sid, out, sizeof(out), 0, 0) != sizeof(out))
		fail("%s: stream write: %s", when, strerror(errno));
	while (got < sizeof(out)) {
		n = recv_msg(fd, in + got, sizeof(in) - got, 0, &flags, &rsid);
		if (n <= 0)
			fail("%s: stream echo: %s", when,
			     n ? strerror(errno) : "end of connection");
		if (flags & MSG_QUIC_DATAGRAM)
			continue;
		if (rsid == sid)
			got += n;
	}
	if (memcmp(in, out, sizeof(out)))
		fail("%s: stream echo differs", when);
}

/* Send datagram @seq of @len bytes and read its echo. */
static void echo_one(int fd, uint32_t seq, uint32_t len)
{
	static uint8_t out[DG_BUF], in[DG_BUF];
	int flags;
	int64_t sid;
	ssize_t n;

	fill(out, seq, len);
	if (dg_send(fd, out, len, 0) != (ssize_t)len)
		fail("datagram %u of %u bytes: send: %s", seq, len,
		     strerror(errno));
	do {
		n = recv_msg(fd, in, sizeof(in), 0, &flags, &sid);
		if (n < 0)
			fail("datagram %u: recvmsg: %s", seq, strerror(errno));
	} while (!(flags & MSG_QUIC_DATAGRAM));
	if (!(flags & MSG_EOR))
		fail("datagram %u: no MSG_EOR on a whole datagram", seq);
	if ((size_t)n != len || check(in, n, seq) != seq)
		fail("datagram %u: %u bytes sent, %zd different bytes back",
		     seq, len, n);
}

static void test_echo(int fd)
{
	static const uint32_t sizes[] = { 0, 1, 3, 4, 63, 64, 65, 500,
					  996, LIMIT_LEN };
	uint32_t i, n = 200, bytes = 0;

	for (i = 0; i < n; i++) {
		echo_one(fd, i, sizes[i % 10]);
		bytes += sizes[i % 10];
	}
	printf("PASS echo: %u datagrams of 0 to %u bytes (%u bytes) echoed intact, MSG_EOR on each\n",
	       n, LIMIT_LEN, bytes);
}

static void expect_errno(int fd, size_t len, int err, const char *what)
{
	static uint8_t buf[DG_BUF];

	if (dg_send(fd, buf, len, MSG_DONTWAIT) >= 0)
		fail("%s: %zu bytes accepted", what, len);
	if (errno != err)
		fail("%s: %s, not %s", what, strerror(errno), strerror(err));
}

static void test_limits(int fd)
{
	char ctl[CMSG_SPACE(sizeof(struct quic_handshake_info))] = {};
	struct quic_handshake_info hi = { .crypto_level = QUIC_CRYPTO_APP };
	uint8_t b[16] = {};
	struct iovec iov = { b, sizeof(b) };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	echo_one(fd, 1, LIMIT_LEN);
	expect_errno(fd, LIMIT_LEN + 1, EMSGSIZE,
		     "one byte over the peer's max_datagram_frame_size");
	expect_errno(fd, 65535, EMSGSIZE, "65535 bytes");
	c->cmsg_level = SOL_QUIC;
	c->cmsg_type = QUIC_HANDSHAKE_INFO;
	c->cmsg_len = CMSG_LEN(sizeof(hi));
	memcpy(CMSG_DATA(c), &hi, sizeof(hi));
	if (sendmsg(fd, &m, MSG_QUIC_DATAGRAM) >= 0 || errno != EINVAL)
		fail("a handshake cmsg with MSG_QUIC_DATAGRAM: %s, not EINVAL",
		     strerror(errno));
	echo_one(fd, 2, 10);
	printf("PASS limits: %u bytes echoed; %u and 65535 bytes EMSGSIZE; handshake cmsg EINVAL; still echoes\n",
	       LIMIT_LEN, LIMIT_LEN + 1);
}

static void test_path(int fd)
{
	stream_echo(fd, "before");
	echo_one(fd, 1, 1400);
	expect_errno(fd, 1500, EMSGSIZE, "1500 bytes on a 1500-byte link");
	echo_one(fd, 2, 1400);
	printf("PASS path: 1400 bytes echoed, 1500 bytes EMSGSIZE (no packet holds them)\n");
}

static void test_noadvert(int fd)
{
	expect_errno(fd, 10, EINVAL, "a peer without max_datagram_frame_size");
	stream_echo(fd, "after EINVAL");
	printf("PASS noadvert: EINVAL, the stream still echoes\n");
}

static void test_partial(int fd)
{
	uint8_t out[900], in[900];
	uint32_t got = 0, parts = 0;
	int flags;
	int64_t sid;
	ssize_t n;

	fill(out, 5, sizeof(out));
	if (dg_send(fd, out, sizeof(out), 0) != sizeof(out))
		fail("send: %s", strerror(errno));
	do {
		n = recv_msg(fd, in, 16, MSG_PEEK, &flags, &sid);
		if (n < 0)
			fail("MSG_PEEK: %s", strerror(errno));
	} while (!(flags & MSG_QUIC_DATAGRAM));
	if (n != 16 || (flags & MSG_EOR) || memcmp(in, out, 16))
		fail("MSG_PEEK of 16 bytes: %zd bytes, flags 0x%x", n, flags);
	while (got < sizeof(out)) {
		n = recv_msg(fd, in + got, 256, 0, &flags, &sid);
		if (n <= 0 || !(flags & MSG_QUIC_DATAGRAM))
			fail("part %u: %zd bytes, flags 0x%x", parts, n, flags);
		got += n;
		parts++;
		if (!!(flags & MSG_EOR) != (got == sizeof(out)))
			fail("part %u (%u of %zu bytes): MSG_EOR %s", parts,
			     got, sizeof(out),
			     flags & MSG_EOR ? "early" : "missing");
	}
	if (parts != 4 || memcmp(in, out, sizeof(out)))
		fail("%u parts, bytes %s", parts,
		     memcmp(in, out, sizeof(out)) ? "differ" : "equal");
	echo_one(fd, 6, 10);
	printf("PASS partial: MSG_PEEK 16 bytes, then 900 bytes in 4 reads of up to 256, MSG_EOR on the last only\n");
}

/*
 * 1 MiB on one stream, a 500-byte datagram after each 16 KiB, everything
 * read back: poll() keeps both directions moving.
 */
static void test_mixed(int fd)
{
	static uint8_t out[1 << 20], buf[DG_BUF];
	uint32_t sent = 0, got = 0, dsent = 0, dgot = 0, chunk = 16384;
	bool seen[64] = {};
	int64_t sid = stream_open(fd), rsid;
	double end = now() + 60;
	struct pollfd p = { .fd = fd };
	int flags;
	ssize_t n;
	long seq;

	fill(out, 9, sizeof(out));
	while (got < sizeof(out) || dgot < 64) {
		if (now() > end)
			fail("timeout: stream %u of %zu bytes back, %u of 64 datagrams",
			     got, sizeof(out), dgot);
		p.events = POLLIN |
			   (dsent < 64 || sent < sizeof(out) ? POLLOUT : 0);
		if (poll(&p, 1, 1000) < 0)
			setup_err("poll");
		/* Datagram dsent is due once 16 KiB more went out. */
		if ((p.revents & POLLOUT) && dsent < 64 &&
		    sent >= (dsent + 1) * 16384) {
			fill(buf, dsent, 500);
			if (dg_send(fd, buf, 500, MSG_DONTWAIT) == 500)
				dsent++;
			else if (errno != EAGAIN)
				fail("datagram %u: %s", dsent, strerror(errno));
		}
		if ((p.revents & POLLOUT) && sent < sizeof(out)) {
			chunk = sizeof(out) - sent < 16384 ?
				sizeof(out) - sent : 16384;
			n = send_stream(fd, sid, out + sent, chunk, 0,
					MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN)
				fail("stream write: %s", strerror(errno));
			if (n > 0)
				sent += n;
		}
		if (!(p.revents & POLLIN))
			continue;
		n = recv_msg(fd, buf, sizeof(buf), MSG_DONTWAIT, &flags, &rsid);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0)
			fail("recvmsg: %s", strerror(errno));
		if (flags & MSG_QUIC_DATAGRAM) {
			seq = check(buf, n, -1);
			if (n != 500 || seq < 0 || seq >= 64 || seen[seq])
				fail("datagram of %zd bytes: bad or repeated", n);
			seen[seq] = true;
			dgot++;
		} else if (rsid == sid) {
			if (got + (size_t)n > sizeof(out) ||
			    memcmp(buf, out + got, n))
				fail("stream echo differs at %u", got);
			got += n;
		}
	}
	printf("PASS mixed: 1 MiB stream echo intact and all 64 datagrams back, each once\n");
}

/* Read whatever datagrams arrive for @secs; count intact ones by seq. */
static uint32_t drain(int fd, double secs, bool *seen, uint32_t n)
{
	static uint8_t buf[DG_BUF];
	double end = now() + secs;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t got = 0;
	int flags;
	int64_t sid;
	ssize_t r;
	long seq;

	while (now() < end) {
		if (poll(&p, 1, 50) <= 0)
			continue;
		r = recv_msg(fd, buf, sizeof(buf), MSG_DONTWAIT, &flags, &sid);
		if (r < 0 && errno == EAGAIN)
			continue;
		if (r < 0)
			fail("recvmsg: %s", strerror(errno));
		if (!(flags & MSG_QUIC_DATAGRAM))
			continue;
		seq = check(buf, r, -1);
		if (seq < 0 || seq >= n || seen[seq])
			fail("datagram of %zd bytes: bad or repeated", r);
		seen[seq] = true;
		got++;
	}
	return got;
}

static void test_loss(int fd)
{
	static uint8_t buf[200];
	bool seen[300] = {};
	struct timespec gap = { 0, 2000000 };
	uint32_t i, got;

	for (i = 0; i < 300; i++) {
		fill(buf, i, sizeof(buf));
		if (dg_send(fd, buf, sizeof(buf), 0) != sizeof(buf))
			fail("datagram %u: %s", i, strerror(errno));
		nanosleep(&gap, NULL);
	}
	got = drain(fd, 3, seen, 300);
	if (!got || got >= 300)
		fail("%u of 300 datagrams came back over a lossy link", got);
	stream_echo(fd, "after the datagrams");
	printf("PASS loss: %u of 300 datagrams came back (none resent), the stream still echoes\n",
	       got);
}

static void test_flood(int fd)
{
	static uint8_t buf[900];
	struct timespec wait = { 1, 500000000 };
	bool seen[100] = {};
	uint32_t i, got;
	int rcvbuf;
	socklen_t sl = sizeof(rcvbuf);

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl))
		setup_err("SO_RCVBUF");
	for (i = 0; i < 100; i++) {
		fill(buf, i, sizeof(buf));
		if (dg_send(fd, buf, sizeof(buf), 0) != sizeof(buf))
			fail("datagram %u: %s", i, strerror(errno));
	}
	nanosleep(&wait, NULL);
	got = drain(fd, 1, seen, 100);
	/* Each holds more than its 900 bytes (skb overhead). */
	if (!got || got * sizeof(buf) > (uint32_t)rcvbuf)
		fail("%u datagrams of %zu bytes kept with SO_RCVBUF %d", got,
		     sizeof(buf), rcvbuf);
	stream_echo(fd, "after the flood");
	printf("PASS flood: %u of 100 datagrams kept by a reader away 1.5 s (SO_RCVBUF %d), the stream still echoes\n",
	       got, rcvbuf);
}

/*
 * Close while the script drops what we send: the CONNECTION_CLOSE is
 * lost, and the socket, lingering in the closing state, must answer the
 * server's next datagrams with it again (RFC 9000 10.2.1).
 */
static void test_closing(int fd)
{
	struct quic_connection_close cc = { .errcode = 4660 };
	char line[16];

	stream_echo(fd, "before closing");
	printf("closing\n");
	if (!fgets(line, sizeof(line), stdin))
		fail("no go on stdin");
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
		       sizeof(cc)))
		setup_err("QUIC_SOCKOPT_CONNECTION_CLOSE");
	printf("PASS closing: closed with application error code 4660\n");
}

/*
 * The server lost the connection: the next datagram we send draws a
 * Stateless Reset (RFC 9000 10.3), which ends the connection with
 * ECONNRESET, long before the idle timeout.
 */
static void test_reset(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	static uint8_t buf[DG_BUF];
	double t0, secs;
	int flags, err = 0;
	char line[16];
	int64_t sid;
	ssize_t n;

	stream_echo(fd, "before the reset");
	printf("ready\n");
	if (!fgets(line, sizeof(line), stdin))
		fail("no go on stdin");
	t0 = now();
	while (!err && now() - t0 < 30) {
		if (dg_send(fd, "r", 1, MSG_DONTWAIT) < 0 && errno != EAGAIN &&
		    errno != ENOBUFS) {
			err = errno;
			break;
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv_msg(fd, buf, sizeof(buf), MSG_DONTWAIT, &flags, &sid);
		if (n < 0 && errno != EAGAIN)
			err = errno;
		else if (!n && sid < 0 && !(flags & MSG_QUIC_DATAGRAM))
			err = -1;	/* end of file: a clean close */
	}
	secs = now() - t0;
	printf("# ended: %s, %.1f s after the first datagram\n",
	       err < 0 ? "end of file" : strerror(err), secs);
	if (err != ECONNRESET || secs > 5)
		fail("the connection ended by %s after %.1f s, expected a Stateless Reset (ECONNRESET) within 5 s",
		     err < 0 ? "end of file" : err ? strerror(err) : "nothing",
		     secs);
	printf("PASS reset: the server's Stateless Reset ended the connection (ECONNRESET) %.1f s after the first datagram\n",
	       secs);
}

static const struct {
	const char *name;
	void (*run)(int fd);
} tests[] = {
	{ "echo", test_echo }, { "limits", test_limits },
	{ "path", test_path }, { "noadvert", test_noadvert },
	{ "partial", test_partial }, { "mixed", test_mixed },
	{ "loss", test_loss }, { "flood", test_flood },
	{ "closing", test_closing }, { "reset", test_reset },
};

static int run_client(void)
{
	struct sockaddr_storage ss;
	unsigned int i;
	socklen_t sl;
	int fd;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(tests[i].name, opt.test))
			break;
	if (i == sizeof(tests) / sizeof(tests[0])) {
		errno = EINVAL;
		setup_err(opt.test);
	}
	test_name = opt.test;
	fd = quic_socket(&ss, &sl);
	set_max_frame(fd, opt.max < 0 ? 65535 : opt.max);
	if (opt.rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf,
				     sizeof(opt.rcvbuf)))
		setup_err("SO_RCVBUF");
	if (connect(fd, (struct sockaddr *)&ss, sl))
		setup_err("connect");
	if (quic_client_handshake(fd, opt.psk, NULL, NULL))
		setup_err("handshake");
	tests[i].run(fd);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "psk", required_argument, NULL, 'k' },
		{ "max", required_argument, NULL, 'm' },
		{ "rcvbuf", required_argument, NULL, 'r' },
		{ "tick", required_argument, NULL, 'T' },
		{ "idle", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "sca:p:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opt.server = true; break;
		case 'c': opt.server = false; break;
		case 'a': opt.addr = optarg; break;
		case 'p': opt.port = atoi(optarg); break;
		case 't': opt.test = optarg; break;
		case 'k': opt.psk = optarg; break;
		case 'm': opt.max = atol(optarg); break;
		case 'r': opt.rcvbuf = atoi(optarg); break;
		case 'T': opt.tick_ms = atoi(optarg); break;
		case 'i': opt.idle_ms = atol(optarg); break;
		default:
			fprintf(stderr, "usage: see the comment in dgram.c\n");
			return 2;
		}
	}
	if (!opt.addr || !opt.port || !opt.psk || (!opt.server && !opt.test)) {
		fprintf(stderr, "usage: see the comment in dgram.c\n");
		return 2;
	}
	if (opt.server)
		run_server();
	return run_client();
}
