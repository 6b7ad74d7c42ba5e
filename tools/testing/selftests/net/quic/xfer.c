// SPDX-License-Identifier: GPL-2.0
/*
 * xfer: a QUIC echo transfer over IPPROTO_QUIC sockets, for the handshake
 * and transfer selftests.
 *
 *   xfer -s -a ADDR -p PORT (--cert F --key F | --psk F) [common options]
 *	[--conns N] [--validate]
 *   xfer -c -a ADDR -p PORT (--ca F [--host NAME] | --psk F) [common options]
 *	[--streams N --bytes B | --one-stream B] [--uni] [--chunk B]
 *	[--open sockopt|sendmsg] [--close-code C] [--close-phrase S]
 *	[--key-update B] [--migrate-after B] [--pause-after B --pause MS]
 *	[--token-in F] [--token-out F] [--session F] [--more]
 *   common: [--alpn LIST] [--cipher aes128|aes256|chacha20|aes128ccm]
 *	[--api lib|session] [--keylog F] [--idle-timeout MS] [--timeout S]
 *	[--cc reno|cubic] [--no-encryption] [--window B] [--rcvbuf B]
 *	[--dgram-max B] [--nodelay before|after]
 *   xfer --pattern SID:OFF:LEN	(the data pattern's bytes, in hex)
 *
 * The client opens N client-initiated streams (bidirectional 0, 4, 8, ...
 * or, with --uni, unidirectional 2, 6, 10, ...), writes B bytes of
 * pseudo-random data (a function of stream ID and offset) to each,
 * interleaved in --chunk pieces across the streams, and ends each with a
 * FIN.  The server echoes every bidirectional stream back on the same
 * stream, FIN included; unidirectional streams are only consumed.  Both
 * ends check every byte against the pattern and hash every stream with
 * SHA-256, printing
 *
 *   server: stream <id> rx <bytes> sha256 <hex>
 *   client: stream <id> tx <bytes> sha256 <hex>
 *           stream <id> rx <bytes> sha256 <hex>	(bidirectional only)
 *
 * With --uni the client waits for QUIC_EVENT_STREAM_UPDATE reporting
 * QUIC_STREAM_SEND_STATE_RECVD (all data acknowledged) on every stream,
 * then echoes 16 bytes on bidirectional stream 0 before closing, so the
 * server has read everything when the connection goes away.
 *
 * Both ends print "drops <n>" at the end of a connection: datagrams the
 * kernel dropped for the socket (SO_MEMINFO), none on a clean link.
 *
 * With --pause-after B the client stops for --pause MS (default 2500)
 * once B bytes are sent, reading nothing meanwhile: the connection goes
 * quiet, as idle connections do, then carries on.
 *
 * Address validation: a server with --validate sets validate_peer_address
 * (a Retry before each connection, unless the client's Initial carries a
 * valid token). A client with --token-in F offers the token in F
 * (QUIC_SOCKOPT_TOKEN before connect()); after the transfer it prints
 * "token <n> bytes" (the NEW_TOKEN token the server gave it, read with
 * QUIC_SOCKOPT_TOKEN) and with --token-out F writes it to F.
 *
 * Session resumption: a client with --session F (GnuTLS session API)
 * resumes the session whose data F holds, if F is there and not empty,
 * prints "tls resumed yes|no" after the handshake, then waits up to 5 s
 * for the server's session ticket and writes the data it makes to F
 * ("session data <n> bytes"; "no session ticket" if none came).
 *
 * With --migrate-after B the client moves to a fresh local port once B
 * bytes are sent (QUIC_SOCKOPT_CONNECTION_MIGRATION with its address and
 * port 0, retried on EAGAIN until the server's spare connection ID is
 * there) and prints "migrated: port <old> -> <new>" (getsockname());
 * both ends count QUIC_EVENT_CONNECTION_MIGRATION: the client prints
 * "own moves validated <n>", the server "peer address changes <n>", and
 * at each such event "peer moved to <addr> port <p>" (getpeername()).
 *
 * With --key-update B the client asks for a 1-RTT key update
 * (QUIC_SOCKOPT_KEY_UPDATE) each time B more bytes were sent, retrying on
 * EAGAIN (the kernel allows one only every few PTOs). Both ends count
 * QUIC_EVENT_KEY_UPDATE notifications and print "key updates <started>
 * events <n> phase <p>" at the end of a connection (phase: the last one
 * an event reported, - if none).
 *
 * The client sets QUIC_SOCKOPT_CONNECTION_CLOSE from --close-code and
 * --close-phrase before close(); the server waits for the peer's close
 * (QUIC_EVENT_CONNECTION_CLOSE, then recvmsg failing) and prints
 * "close errcode <n> phrase <s>" from getsockopt(CONNECTION_CLOSE).
 *
 * Handshake: --api lib uses quic_client_handshake()/quic_server_handshake();
 * --api session builds a GnuTLS session (needed for --ca, --cipher and
 * --keylog) and runs quic_handshake().  The default is lib where it can do
 * the job.  Both print "cipher <name>" and "alpn <name>" (the latter from
 * getsockopt(QUIC_SOCKOPT_ALPN)); "kernel cipher <name>" comes from reading
 * the 1-RTT secret back (QUIC_SOCKOPT_CRYPTO_SECRET, get for tests).
 *
 * Nagle's algorithm: --nodelay before sets stream_data_nodelay before
 * connect() (the server: on the listener), --nodelay after once the
 * handshake is done, with a get, change and set of QUIC_SOCKOPT_CONFIG,
 * which must refuse (EISCONN) any other change by then; either prints
 * "nodelay on". With --more the client sends every piece but a stream's
 * last (FIN) with MSG_MORE.
 *
 * The server prints "listening on ADDR port PORT" once it listens, serves
 * --conns connections one after another (a failed handshake is reported
 * and does not count), and exits.
 *
 * Exit status: 0 all verified, 1 data or connection error, 2 usage or
 * socket setup error, 3 handshake failed (also a handshake timeout),
 * 4 timeout (--timeout, default 120 s).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <linux/tls.h>
#include <netinet/quic.h>

#include "quic_tool.h"

#define EXIT_FAIL	1
#define EXIT_SETUP	2
#define EXIT_HANDSHAKE	3
#define EXIT_TIMEOUT	4

#define RXBUF		65536
#define SYNC_BYTES	16	/* the --uni closing echo on stream 0 */
#define SHA256_LEN	32
#define XFER_SESSION_MAX	4096	/* session data, as the socket API bounds it */

static struct {
	bool server, client;
	const char *addr;
	int port;
	const char *cert, *key, *psk, *ca, *host, *alpn, *cipher, *keylog;
	const char *cc;
	bool no_encryption;
	const char *api;	/* "lib", "session" or NULL: choose */
	bool open_sendmsg;	/* open streams by MSG_QUIC_STREAM_NEW */
	unsigned int streams;
	uint64_t bytes;
	size_t chunk;
	bool uni;
	bool close_set;
	uint32_t close_code;
	const char *close_phrase;
	unsigned int conns;
	unsigned int timeout;
	unsigned int idle_timeout_ms;
	uint64_t window;
	uint64_t dgram_max;	/* max_datagram_frame_size to advertise */
	int rcvbuf;
	uint64_t key_update;
	uint64_t migrate_after;
	uint64_t pause_after;
	unsigned int pause_ms;
	unsigned int plpmtud_ms;
	enum { NODELAY_NO, NODELAY_BEFORE, NODELAY_AFTER } nodelay;
	bool more;
	bool validate;
	const char *token_in, *token_out;
	const char *session;
} opt = {
	.port = -1,
	.streams = 1,
	.bytes = 65536,
	.chunk = 32768,
	.conns = 1,
	.timeout = 120,
	.pause_ms = 2500,
};

/* ---- reporting and time limits ---- */

enum { PH_SETUP, PH_ACCEPT, PH_HANDSHAKE, PH_TRANSFER, PH_CLOSE };
static volatile sig_atomic_t phase;
static struct timespec t_start;

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	printf("error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(code);
}

/* "what: ENAME (text)" for the current errno */
#define die_errno(code, what, ...) \
	die(code, what ": %s (%s)", ##__VA_ARGS__, errname(errno), \
	    strerror(errno))

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t_start.tv_sec) +
	       (double)(now.tv_nsec - t_start.tv_nsec) / 1e9;
}

static bool past_deadline(void)
{
	return elapsed() >= opt.timeout;
}

/* Backstop for blocking calls (accept, the handshake): async-signal-safe. */
static void on_alarm(int sig)
{
	static const char hs[] = "handshake failed: timeout (--timeout)\n";
	static const char other[] = "error: timeout (--timeout) while waiting\n";

	(void)sig;
	if (phase == PH_HANDSHAKE) {
		if (write(STDOUT_FILENO, hs, sizeof(hs) - 1) < 0)
			_exit(EXIT_HANDSHAKE);
		_exit(EXIT_HANDSHAKE);
	}
	if (write(STDOUT_FILENO, other, sizeof(other) - 1) < 0)
		_exit(EXIT_TIMEOUT);
	_exit(EXIT_TIMEOUT);
}

/* ---- the data pattern ---- */

/* SplitMix64's output function: a good 64-bit mixer. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The bytes of stream @sid at offset @off: random access, so both ends agree. */
static void pattern(int64_t sid, uint64_t off, uint8_t *p, size_t len)
{
	while (len) {
		uint64_t v = mix64(((uint64_t)sid << 44) ^ (off >> 3));
		unsigned int i;

		for (i = off & 7; i < 8 && len; i++, len--, off++)
			*p++ = (uint8_t)(v >> (8 * i));
	}
}

/* --pattern SID:OFF:LEN: print those pattern bytes in hex, for tests that
 * look for stream data on the wire.
 */
static void print_pattern(const char *arg)
{
	unsigned long long sid, off;
	uint8_t b[64];
	unsigned int len, i;

	if (sscanf(arg, "%llu:%llu:%u", &sid, &off, &len) != 3 ||
	    len > sizeof(b)) {
		fprintf(stderr, "--pattern SID:OFF:LEN (LEN <= %zu)\n",
			sizeof(b));
		exit(2);
	}
	pattern((int64_t)sid, off, b, len);
	for (i = 0; i < len; i++)
		printf("%02x", b[i]);
	printf("\n");
}

/* ---- streams ---- */

struct stream {
	int64_t id;
	bool uni;
	bool opened;		/* client: the stream exists locally */
	bool deferred;		/* client: the --uni closing echo, not yet */
	uint64_t total;		/* client: bytes to send */
	uint64_t tx, rx;
	bool tx_fin, rx_fin;
	bool acked;		/* client: SEND_STATE_RECVD seen */
	bool echo_fin;		/* server: FIN echoed */
	bool bad;
	uint64_t bad_off;
	gnutls_hash_hd_t txh, rxh;
	uint8_t txd[SHA256_LEN], rxd[SHA256_LEN];
};

static struct stream *streams;
static unsigned int nstreams, streams_cap;

static void hash_init(gnutls_hash_hd_t *h)
{
	if (gnutls_hash_init(h, GNUTLS_DIG_SHA256))
		die(EXIT_SETUP, "gnutls_hash_init(SHA256) failed");
}

static struct stream *stream_add(int64_t id, bool uni)
{
	struct stream *s;

	if (nstreams == streams_cap) {
		streams_cap = streams_cap ? 2 * streams_cap : 64;
		streams = realloc(streams, streams_cap * sizeof(*streams));
		if (!streams)
			die(EXIT_SETUP, "out of memory");
	}
	s = &streams[nstreams++];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->uni = uni;
	hash_init(&s->txh);
	hash_init(&s->rxh);
	return s;
}

static struct stream *stream_find(int64_t id)
{
	static unsigned int last;
	unsigned int i;

	if (last < nstreams && streams[last].id == id)
		return &streams[last];
	for (i = 0; i < nstreams; i++) {
		if (streams[i].id == id) {
			last = i;
			return &streams[i];
		}
	}
	return NULL;
}

static void streams_reset(void)
{
	unsigned int i;

	for (i = 0; i < nstreams; i++) {
		if (!streams[i].tx_fin)
			gnutls_hash_deinit(streams[i].txh, NULL);
		if (!streams[i].rx_fin)
			gnutls_hash_deinit(streams[i].rxh, NULL);
	}
	nstreams = 0;
}

static const char *hex(const uint8_t *d, char *buf)
{
	unsigned int i;

	for (i = 0; i < SHA256_LEN; i++)
		sprintf(buf + 2 * i, "%02x", d[i]);
	return buf;
}

/* Account received bytes: check them against the pattern and hash them. */
static void stream_rx(struct stream *s, const uint8_t *p, size_t n)
{
	static uint8_t expect[RXBUF];
	size_t i;

	pattern(s->id, s->rx, expect, n);
	if (!s->bad && memcmp(expect, p, n)) {
		for (i = 0; i < n && expect[i] == p[i]; i++)
			;
		s->bad = true;
		s->bad_off = s->rx + i;
		msg("stream %lld: data mismatch at offset %llu",
		    (long long)s->id, (unsigned long long)s->bad_off);
	}
	gnutls_hash(s->rxh, p, n);
	s->rx += n;
}

static void stream_rx_fin(struct stream *s)
{
	char h[2 * SHA256_LEN + 1];

	s->rx_fin = true;
	gnutls_hash_deinit(s->rxh, s->rxd);
	msg("stream %lld rx %llu sha256 %s", (long long)s->id,
	    (unsigned long long)s->rx, hex(s->rxd, h));
}

/* ---- socket helpers ---- */

static int parse_addr(const char *a, int port, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	int family = qt_parse_addr(a, port, ss, len);

	if (family < 0)
		die(EXIT_SETUP,
		    "bad address '%s' (numeric IPv4 or IPv6 expected)", a);
	return family;
}

static const char *addr_str(const struct sockaddr_storage *ss, char *buf,
			    size_t len)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s port %u", ip, ntohs(s4->sin_port));
	} else {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s port %u", ip, ntohs(s6->sin6_port));
	}
	return buf;
}

static int quic_socket(int family)
{
	int fd = socket(family, SOCK_STREAM, IPPROTO_QUIC);

	if (fd < 0)
		die_errno(EXIT_SETUP, "socket(%s, SOCK_STREAM, IPPROTO_QUIC)",
			  family == AF_INET ? "AF_INET" : "AF_INET6");
	return fd;
}

static void set_idle_timeout(int fd)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	/* --rcvbuf B: SO_RCVBUF, the ceiling of receive-window growth. */
	if (opt.rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf,
				     sizeof(opt.rcvbuf)))
		die_errno(EXIT_SETUP, "setsockopt(SO_RCVBUF, %d)", opt.rcvbuf);
	if (!opt.idle_timeout_ms && !opt.no_encryption && !opt.window &&
	    !opt.dgram_max)
		return;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		die_errno(EXIT_SETUP, "getsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM)");
	p.remote = 0;
	if (opt.idle_timeout_ms)
		p.max_idle_timeout = opt.idle_timeout_ms * 1000;
	/* Takes effect only if the peer sends it too. */
	if (opt.no_encryption)
		p.disable_1rtt_encryption = 1;
	/* --window B: every initial receive window (connection, streams). */
	if (opt.window) {
		p.max_data = opt.window;
		p.max_stream_data_bidi_local = opt.window;
		p.max_stream_data_bidi_remote = opt.window;
		p.max_stream_data_uni = opt.window;
	}
	/* --dgram-max B: DATAGRAM frames of up to B bytes are taken. */
	p.max_datagram_frame_size = opt.dgram_max;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
		       sizeof(p)))
		die_errno(EXIT_SETUP, "setsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM, max_idle_timeout %u ms)",
			  opt.idle_timeout_ms);
}

/*
 * QUIC_SOCKOPT_CONFIG: --cc reno|cubic sets congestion_control_algo,
 * --plpmtud MS plpmtud_probe_interval (a datagram size search, RFC 9000
 * 14.3). Either way, print what the socket uses ("congestion control NAME",
 * "plpmtud interval MS ms").
 */
static void set_config(int fd)
{
	struct quic_config c = {};
	socklen_t len = sizeof(c);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len))
		die_errno(EXIT_SETUP, "getsockopt(QUIC_SOCKOPT_CONFIG)");
	if (!opt.cc)
		;
	else if (!strcmp(opt.cc, "reno"))
		c.congestion_control_algo = QUIC_CONG_ALG_RENO;
	else if (!strcmp(opt.cc, "cubic"))
		c.congestion_control_algo = QUIC_CONG_ALG_CUBIC;
	else
		die(EXIT_SETUP, "--cc %s: reno or cubic", opt.cc);
	if (opt.plpmtud_ms)
		c.plpmtud_probe_interval = opt.plpmtud_ms * 1000;
	if (opt.nodelay == NODELAY_BEFORE)
		c.stream_data_nodelay = 1;
	if ((opt.cc || opt.plpmtud_ms || c.stream_data_nodelay) &&
	    setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c)))
		die_errno(EXIT_SETUP, "setsockopt(QUIC_SOCKOPT_CONFIG, congestion_control_algo %s, plpmtud_probe_interval %u ms, stream_data_nodelay %u)",
			  opt.cc ? opt.cc : "unchanged", opt.plpmtud_ms,
			  c.stream_data_nodelay);
	len = sizeof(c);
	memset(&c, 0, sizeof(c));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len))
		die_errno(EXIT_SETUP, "getsockopt(QUIC_SOCKOPT_CONFIG)");
	msg("congestion control %s", c.congestion_control_algo ==
	    QUIC_CONG_ALG_RENO ? "reno" : "cubic");
	if (c.plpmtud_probe_interval)
		msg("plpmtud interval %u ms", c.plpmtud_probe_interval / 1000);
	if (c.stream_data_nodelay)
		msg("nodelay on");
}

/*
 * --nodelay after, on a connected socket: only stream_data_nodelay may
 * change now (a different congestion control must be refused), and it
 * must read back as set.
 */
static void set_nodelay_after(int fd)
{
	struct quic_config c = {}, other;
	socklen_t len = sizeof(c);

	if (opt.nodelay != NODELAY_AFTER)
		return;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len))
		die_errno(EXIT_SETUP, "getsockopt(QUIC_SOCKOPT_CONFIG)");
	other = c;
	other.stream_data_nodelay = 1;
	other.congestion_control_algo = c.congestion_control_algo ==
		QUIC_CONG_ALG_RENO ? QUIC_CONG_ALG_CUBIC : QUIC_CONG_ALG_RENO;
	if (!setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &other,
			sizeof(other)) || errno != EISCONN)
		die_errno(EXIT_FAIL, "setsockopt(QUIC_SOCKOPT_CONFIG) changing congestion_control_algo once connected: not EISCONN");
	c.stream_data_nodelay = 1;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c)))
		die_errno(EXIT_FAIL, "setsockopt(QUIC_SOCKOPT_CONFIG, stream_data_nodelay 1) once connected");
	memset(&c, 0, sizeof(c));
	len = sizeof(c);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len) ||
	    !c.stream_data_nodelay)
		die(EXIT_FAIL, "stream_data_nodelay does not read back as 1");
	msg("nodelay on");
}

/* --token-in F: offer the token an earlier connection was given. */
static void token_in(int fd)
{
	uint8_t tok[256];
	size_t n;
	FILE *f;

	if (!opt.token_in)
		return;
	f = fopen(opt.token_in, "rb");
	if (!f)
		die_errno(EXIT_SETUP, "%s", opt.token_in);
	n = fread(tok, 1, sizeof(tok), f);
	fclose(f);
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, tok, n))
		die_errno(EXIT_SETUP, "setsockopt(QUIC_SOCKOPT_TOKEN, %zu bytes)",
			  n);
	msg("token offered %zu bytes", n);
}

/* The token the server gave us for next time; --token-out F keeps it. */
static void token_out(int fd)
{
	uint8_t tok[256];
	socklen_t len = sizeof(tok);
	FILE *f;

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, tok, &len))
		die_errno(EXIT_FAIL, "getsockopt(QUIC_SOCKOPT_TOKEN)");
	msg("token %u bytes", (unsigned int)len);
	if (!opt.token_out)
		return;
	f = fopen(opt.token_out, "wb");
	if (!f || fwrite(tok, 1, len, f) != len || fclose(f))
		die_errno(EXIT_SETUP, "%s", opt.token_out);
}

static void enable_event(int fd, uint8_t type, const char *name)
{
	struct quic_event_option ev = { .type = type, .on = 1 };

	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev)))
		die_errno(EXIT_FAIL, "setsockopt(QUIC_SOCKOPT_EVENT, %s on)",
			  name);
}

/* ---- a quiet spell (--pause-after, --pause) ---- */

static void pause_sent(size_t n)
{
	static uint64_t sent;
	static bool done;

	sent += n;
	if (!opt.pause_after || done || sent < opt.pause_after)
		return;
	done = true;
	usleep(opt.pause_ms * 1000U);
}

/* ---- key updates (--key-update) ---- */

static struct {
	unsigned int started;	/* QUIC_SOCKOPT_KEY_UPDATE succeeded */
	unsigned int events;	/* QUIC_EVENT_KEY_UPDATE received */
	int phase;		/* phase of the last event, -1 if none */
	uint64_t next_at;	/* bytes sent when the next one is due */
	uint64_t sent;
} ku;

static void key_update_reset(int fd)
{
	memset(&ku, 0, sizeof(ku));
	ku.phase = -1;
	ku.next_at = opt.key_update;
	enable_event(fd, QUIC_EVENT_KEY_UPDATE, "QUIC_EVENT_KEY_UPDATE");
}

/* Count @n more bytes sent; ask for an update when one is due. */
static void key_update_sent(int fd, size_t n)
{
	ku.sent += n;
	if (!opt.key_update || ku.sent < ku.next_at)
		return;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0)) {
		if (errno != EAGAIN)
			die_errno(EXIT_FAIL, "setsockopt(QUIC_SOCKOPT_KEY_UPDATE)");
		return;	/* not allowed yet: try again on the next send */
	}
	ku.started++;
	ku.next_at = ku.sent + opt.key_update;
}

static void key_update_event(const uint8_t *p, size_t n)
{
	if (n < 2)
		die(EXIT_FAIL, "short KEY_UPDATE event (%zu bytes)", n);
	if (p[1] > 1)
		die(EXIT_FAIL, "KEY_UPDATE event with phase %u", p[1]);
	if (ku.phase == p[1])
		die(EXIT_FAIL, "two KEY_UPDATE events for phase %u in a row",
		    p[1]);
	ku.phase = p[1];
	ku.events++;
}

static void key_update_report(void)
{
	if (ku.phase < 0)
		msg("key updates %u events %u phase -", ku.started, ku.events);
	else
		msg("key updates %u events %u phase %d", ku.started, ku.events,
		    ku.phase);
}

/* ---- the client's own move (--migrate-after) ---- */

static struct {
	uint64_t sent;
	bool done;
	unsigned int events;	/* QUIC_EVENT_CONNECTION_MIGRATION, local */
} mig;

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die_errno(EXIT_FAIL, "getsockname");
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void migrate_reset(int fd)
{
	memset(&mig, 0, sizeof(mig));
	enable_event(fd, QUIC_EVENT_CONNECTION_MIGRATION,
		     "QUIC_EVENT_CONNECTION_MIGRATION");
}

/* Count @n more bytes sent; move once --migrate-after is reached. */
static void migrate_sent(int fd, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	uint16_t before;

	mig.sent += n;
	if (!opt.migrate_after || mig.done || mig.sent < opt.migrate_after)
		return;
	before = local_port(fd);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die_errno(EXIT_FAIL, "getsockname");
	/* the same address, a port of the kernel's choosing */
	((struct sockaddr_in *)&ss)->sin_port = 0;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &ss,
		       len)) {
		if (errno != EAGAIN)
			die_errno(EXIT_FAIL, "setsockopt(QUIC_SOCKOPT_CONNECTION_MIGRATION)");
		return;	/* no spare ID of the server's yet: next send */
	}
	mig.done = true;
	msg("migrated: port %u -> %u", before, local_port(fd));
}

/* sendmsg() of stream data with a QUIC_STREAM_INFO control message. */
static ssize_t stream_send(int fd, int64_t sid, uint32_t sflags,
			   const void *buf, size_t len, int flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} ctl;
	struct quic_stream_info info = {
		.stream_id = sid,
		.stream_flags = sflags,
	};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_QUIC;
	c->cmsg_type = QUIC_STREAM_INFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return sendmsg(fd, &m, flags | MSG_NOSIGNAL);
}

struct rx {
	bool notification;
	bool has_info;
	int64_t sid;
	uint32_t sflags;
};

/* recvmsg() returning the stream of the data from its QUIC_STREAM_INFO. */
static ssize_t stream_recv(int fd, void *buf, size_t len, int flags,
			   struct rx *r)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info)) +
			 CMSG_SPACE(sizeof(struct quic_handshake_info)) + 64];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct quic_stream_info info;
	struct cmsghdr *c;
	ssize_t n;

	/* DATAGRAM data (--dgram-max) is read and dropped: xfer echoes
	 * streams only.
	 */
	do {
		memset(r, 0, sizeof(*r));
		m.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(fd, &m, flags);
		if (n < 0)
			return n;
	} while (m.msg_flags & MSG_QUIC_DATAGRAM);
	r->notification = !!(m.msg_flags & MSG_QUIC_NOTIFICATION);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_QUIC || c->cmsg_type != QUIC_STREAM_INFO)
			continue;
		if (c->cmsg_len < CMSG_LEN(sizeof(info))) {
			msg("recvmsg: short QUIC_STREAM_INFO cmsg (%zu bytes)",
			    (size_t)c->cmsg_len);
			continue;
		}
		memcpy(&info, CMSG_DATA(c), sizeof(info));
		r->has_info = true;
		r->sid = info.stream_id;
		r->sflags = info.stream_flags;
	}
	if (m.msg_flags & MSG_CTRUNC)
		msg("recvmsg: control data truncated (MSG_CTRUNC)");
	return n;
}

static bool transient(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ENOSPC;
}

/* errnos that mean the connection is gone */
static bool conn_gone(int e)
{
	return e == ENOTCONN || e == ECONNRESET || e == EPIPE ||
	       e == ESHUTDOWN || e == ECONNABORTED || e == ETIMEDOUT;
}

/* ---- handshake ---- */

static const char *cipher_gnutls_name(const char *arg)
{
	const struct qt_cipher *c = qt_cipher_by_arg(arg);

	if (!c)
		die(EXIT_SETUP, "unknown --cipher '%s' (aes128, aes256, chacha20, aes128ccm)",
		    arg);
	return c->gnutls;
}

struct creds {
	gnutls_certificate_credentials_t cert;
	gnutls_psk_client_credentials_t pskc;
	gnutls_psk_server_credentials_t psks;
};

static void creds_free(struct creds *c)
{
	if (c->cert)
		gnutls_certificate_free_credentials(c->cert);
	if (c->pskc)
		gnutls_psk_free_client_credentials(c->pskc);
	if (c->psks)
		gnutls_psk_free_server_credentials(c->psks);
}

static void gnutls_check(int ret, const char *what)
{
	if (ret < 0)
		die(EXIT_SETUP, "%s: %s", what, gnutls_strerror(ret));
}

static void session_creds(gnutls_session_t s, struct creds *c)
{
	char why[512];

	if (opt.psk && opt.server) {
		gnutls_check(gnutls_psk_allocate_server_credentials(&c->psks),
			     "PSK credentials");
		gnutls_check(gnutls_psk_set_server_credentials_file(c->psks,
								    opt.psk),
			     opt.psk);
		gnutls_check(gnutls_credentials_set(s, GNUTLS_CRD_PSK, c->psks),
			     "set PSK credentials");
		return;
	}
	if (opt.psk) {
		if (qt_psk_client_creds(opt.psk, &c->pskc, why, sizeof(why)))
			die(EXIT_SETUP, "%s", why);
		gnutls_check(gnutls_credentials_set(s, GNUTLS_CRD_PSK, c->pskc),
			     "set PSK credentials");
		return;
	}
	gnutls_check(gnutls_certificate_allocate_credentials(&c->cert),
		     "certificate credentials");
	if (opt.server) {
		gnutls_check(gnutls_certificate_set_x509_key_file(c->cert,
				opt.cert, opt.key, GNUTLS_X509_FMT_PEM),
			     opt.cert);
	} else {
		if (opt.ca)
			gnutls_check(gnutls_certificate_set_x509_trust_file(c->cert,
					opt.ca, GNUTLS_X509_FMT_PEM), opt.ca);
		else
			gnutls_check(gnutls_certificate_set_x509_system_trust(c->cert),
				     "system trust");
		/* The certificate is verified; with --host, its name too. */
		gnutls_session_set_verify_cert(s, opt.host, 0);
		gnutls_check(qt_set_sni(s, opt.host), "SNI");
	}
	gnutls_check(gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE,
					    c->cert), "set credentials");
}

static bool use_lib_api(void)
{
	if (opt.api)
		return !strcmp(opt.api, "lib");
	if (opt.cipher || opt.keylog || opt.session)
		return false;
	/* quic_client_handshake() trusts the system store only. */
	return opt.server || opt.psk || !opt.ca;
}

static void report_kernel_side(int fd, const char *tls_cipher)
{
	struct quic_crypto_secret sec = {};
	char alpn[256] = "";
	socklen_t len = sizeof(sec);
	const struct qt_cipher *kc = NULL;

	sec.level = QUIC_CRYPTO_APP;
	sec.send = 1;
	if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CRYPTO_SECRET, &sec, &len)) {
		kc = qt_cipher_by_tls(sec.type);
		if (kc)
			msg("kernel cipher %s", kc->gnutls);
		else
			msg("kernel cipher type %u (unknown)", sec.type);
	} else {
		msg("kernel cipher unknown: getsockopt(QUIC_SOCKOPT_CRYPTO_SECRET): %s",
		    errname(errno));
	}
	gnutls_memset(&sec, 0, sizeof(sec));
	msg("cipher %s", tls_cipher ? tls_cipher : kc ? kc->gnutls : "unknown");

	len = sizeof(alpn) - 1;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn, &len)) {
		msg("alpn getsockopt(QUIC_SOCKOPT_ALPN) failed: %s",
		    errname(errno));
		return;
	}
	alpn[len < sizeof(alpn) ? len : sizeof(alpn) - 1] = '\0';
	msg("alpn %s", len && alpn[0] ? alpn : "(none)");
}

/* --session F: resume what an earlier connection left in F, if anything. */
static void session_in(gnutls_session_t s)
{
	uint8_t data[XFER_SESSION_MAX];
	size_t n;
	FILE *f;
	int ret;

	f = fopen(opt.session, "rb");
	if (!f)
		return;	/* the first connection: nothing to resume */
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	if (!n)
		return;
	ret = quic_session_set_data(s, data, n);
	if (ret)
		die(EXIT_SETUP, "quic_session_set_data(%zu bytes): %s", n,
		    strerror(-ret));
	msg("session offered %zu bytes", n);
}

/*
 * After the handshake: the server's ticket comes in its own CRYPTO
 * frames, which the kernel keeps for us (QUIC_SOCKOPT_SESSION_TICKET);
 * once it is there, turn it into session data for the next connection.
 */
static void session_out(int fd, gnutls_session_t s)
{
	uint8_t data[XFER_SESSION_MAX];
	size_t size = sizeof(data);
	socklen_t len;
	FILE *f;
	int i, ret;

	for (i = 0; i < 500; i++) {
		len = sizeof(data);
		if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data,
			       &len))
			die_errno(EXIT_FAIL, "getsockopt(QUIC_SOCKOPT_SESSION_TICKET)");
		if (len)
			break;
		usleep(10000);
	}
	if (!len) {
		msg("no session ticket");
		return;
	}
	ret = quic_session_get_data(s, data, &size);
	if (ret)
		die(EXIT_FAIL, "quic_session_get_data: %s", strerror(-ret));
	f = fopen(opt.session, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		die_errno(EXIT_SETUP, "%s", opt.session);
	msg("session data %zu bytes", size);
}

/* Returns 0, or -errno with "handshake failed: ..." printed. */
static int handshake(int fd)
{
	const char *who = opt.server ? "server" : "client";
	char prio[sizeof(QUIC_PRIORITY) + 64], alpn[256];
	const char *tls_cipher = NULL, *err = NULL;
	double t0 = elapsed();
	struct creds c = {};
	gnutls_session_t s;
	size_t alen;
	int ret;

	phase = PH_HANDSHAKE;
	if (use_lib_api()) {
		if (opt.server)
			ret = quic_server_handshake(fd, opt.psk ? opt.psk : opt.key,
						    opt.psk ? NULL : opt.cert,
						    opt.alpn);
		else
			ret = quic_client_handshake(fd, opt.psk, opt.host,
						    opt.alpn);
		if (ret) {
			msg("handshake failed: %s (%s) [quic_%s_handshake]",
			    errname(-ret), strerror(-ret), who);
			return ret;
		}
		msg("handshake ok: %s, quic_%s_handshake(), in %.3f s", who,
		    who, elapsed() - t0);
		report_kernel_side(fd, NULL);
		return 0;
	}

	if (gnutls_init(&s, (opt.server ? GNUTLS_SERVER : GNUTLS_CLIENT) |
			GNUTLS_NO_END_OF_EARLY_DATA))
		die(EXIT_SETUP, "gnutls_init failed");
	/* QUIC_PRIORITY, narrowed to one cipher if asked. */
	snprintf(prio, sizeof(prio), "%s%s%s", QUIC_PRIORITY,
		 opt.cipher ? ":-CIPHER-ALL:+" : "",
		 opt.cipher ? cipher_gnutls_name(opt.cipher) : "");
	ret = gnutls_priority_set_direct(s, prio, &err);
	if (ret)
		die(EXIT_SETUP, "priority '%s' (at '%s'): %s", prio,
		    err ? err : "?", gnutls_strerror(ret));
	session_creds(s, &c);
	if (opt.alpn) {
		ret = quic_session_set_alpn(s, opt.alpn, strlen(opt.alpn));
		if (ret)
			die(EXIT_SETUP, "quic_session_set_alpn(%s): %s",
			    opt.alpn, strerror(-ret));
	}
	qt_keylog_attach(s);
	gnutls_transport_set_int(s, fd);
	if (opt.session)
		session_in(s);

	ret = quic_handshake(s);
	if (ret) {
		msg("handshake failed: %s (%s) [quic_handshake, %s]",
		    errname(-ret), strerror(-ret), who);
		gnutls_deinit(s);
		creds_free(&c);
		return ret;
	}
	tls_cipher = gnutls_cipher_get_name(gnutls_cipher_get(s));
	alen = sizeof(alpn) - 1;
	if (quic_session_get_alpn(s, alpn, &alen))
		strcpy(alpn, "(none)");
	else
		alpn[alen] = '\0';
	msg("handshake ok: %s, quic_handshake(), %s, in %.3f s", who,
	    gnutls_protocol_get_name(gnutls_protocol_get_version(s)),
	    elapsed() - t0);
	msg("tls cipher %s", tls_cipher ? tls_cipher : "unknown");
	msg("tls alpn %s", alpn);
	report_kernel_side(fd, tls_cipher);
	if (opt.session) {
		msg("tls resumed %s", gnutls_session_is_resumed(s) ? "yes" : "no");
		session_out(fd, s);
	}
	gnutls_deinit(s);
	creds_free(&c);
	return 0;
}

/* ---- client ---- */

static bool stalled;	/* every sendable stream said EAGAIN/ENOSPC */
static unsigned int cursor;

static void open_stream(int fd, struct stream *s)
{
	struct quic_stream_info info = {
		.stream_id = s->id,
		.stream_flags = s->uni ? MSG_QUIC_STREAM_UNI : 0,
	};
	socklen_t len = sizeof(info);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &info, &len))
		die_errno(EXIT_FAIL, "getsockopt(QUIC_SOCKOPT_STREAM_OPEN, id %lld)",
			  (long long)s->id);
	if (info.stream_id != s->id)
		die(EXIT_FAIL, "QUIC_SOCKOPT_STREAM_OPEN for id %lld returned id %lld",
		    (long long)s->id, (long long)info.stream_id);
	s->opened = true;
}

static bool sendable(const struct stream *s)
{
	return !s->tx_fin && !s->deferred;
}

/* One send on @s; returns false if the stream is blocked for now. */
static bool send_chunk(int fd, struct stream *s, uint8_t *buf)
{
	uint64_t left = s->total - s->tx;
	size_t len = left < opt.chunk ? (size_t)left : opt.chunk;
	uint32_t sflags = 0;
	int flags = MSG_DONTWAIT;
	ssize_t n;

	if (len == left)
		sflags |= MSG_QUIC_STREAM_FIN;
	else if (opt.more)
		flags |= MSG_MORE;
	if (!s->opened) {
		/* First data opens the stream; block so it is not half-done. */
		sflags |= MSG_QUIC_STREAM_NEW;
		if (s->uni)
			sflags |= MSG_QUIC_STREAM_UNI;
		flags &= MSG_MORE;
	}
	pattern(s->id, s->tx, buf, len);
	n = stream_send(fd, s->id, sflags, buf, len, flags);
	if (n < 0) {
		if (transient(errno) && s->opened)
			return false;
		die_errno(EXIT_FAIL, "sendmsg(stream %lld, %zu bytes at %llu%s%s)",
			  (long long)s->id, len, (unsigned long long)s->tx,
			  sflags & MSG_QUIC_STREAM_NEW ? ", NEW" : "",
			  sflags & MSG_QUIC_STREAM_FIN ? ", FIN" : "");
	}
	if ((size_t)n > len)
		die(EXIT_FAIL, "sendmsg(stream %lld) returned %zd > %zu",
		    (long long)s->id, n, len);
	s->opened = true;
	gnutls_hash(s->txh, buf, n);
	s->tx += n;
	key_update_sent(fd, n);
	migrate_sent(fd, n);
	pause_sent(n);
	/* A partial send did not carry the FIN: it goes with the rest. */
	if ((size_t)n == len && (sflags & MSG_QUIC_STREAM_FIN)) {
		s->tx_fin = true;
		gnutls_hash_deinit(s->txh, s->txd);
	}
	return true;
}

/* Send round-robin, a chunk per stream, until blocked or a budget is spent. */
static void send_some(int fd, uint8_t *buf)
{
	unsigned int tried = 0, sent = 0;
	struct stream *s;

	while (tried < nstreams && sent < 16) {
		s = &streams[cursor];
		cursor = (cursor + 1) % nstreams;
		if (!sendable(s)) {
			tried++;
			continue;
		}
		if (send_chunk(fd, s, buf)) {
			sent++;
			tried = 0;
		} else {
			tried++;
		}
	}
	stalled = !sent && tried >= nstreams;
}

static void client_event(const uint8_t *p, size_t n)
{
	struct quic_stream_update up;
	struct stream *s;

	if (!n)
		die(EXIT_FAIL, "empty notification");
	switch (p[0]) {
	case QUIC_EVENT_STREAM_UPDATE:
		if (n < 1 + sizeof(up))
			die(EXIT_FAIL, "short STREAM_UPDATE event (%zu bytes)", n);
		memcpy(&up, p + 1, sizeof(up));
		s = stream_find(up.id);
		if (s && up.state == QUIC_STREAM_SEND_STATE_RECVD)
			s->acked = true;
		if (s && (up.state == QUIC_STREAM_SEND_STATE_RESET_SENT ||
			  up.state == QUIC_STREAM_SEND_STATE_RESET_RECVD ||
			  up.state == QUIC_STREAM_RECV_STATE_RESET_RECVD))
			die(EXIT_FAIL, "stream %lld reset (state %u, errcode %u)",
			    (long long)up.id, up.state, up.errcode);
		break;
	case QUIC_EVENT_CONNECTION_CLOSE:
		die(EXIT_FAIL, "peer closed the connection during the transfer");
	case QUIC_EVENT_KEY_UPDATE:
		key_update_event(p, n);
		break;
	case QUIC_EVENT_CONNECTION_MIGRATION:
		if (n != 2 || !p[1])
			die(EXIT_FAIL, "CONNECTION_MIGRATION event not of our own move (%zu bytes)",
			    n);
		mig.events++;
		break;
	default:
		break;	/* not asked for; harmless */
	}
}

/* Read what is there; returns false once nothing more is queued. */
static bool client_recv(int fd, uint8_t *buf)
{
	struct stream *s;
	struct rx r;
	ssize_t n;

	n = stream_recv(fd, buf, RXBUF, MSG_DONTWAIT, &r);
	if (n < 0) {
		if (transient(errno))
			return false;
		die_errno(EXIT_FAIL, "recvmsg");
	}
	if (r.notification) {
		client_event(buf, n);
		return true;
	}
	if (!r.has_info) {
		if (!n)
			die(EXIT_FAIL, "recvmsg returned 0: connection closed by the peer");
		die(EXIT_FAIL, "recvmsg: %zd bytes without QUIC_STREAM_INFO", n);
	}
	s = stream_find(r.sid);
	if (!s || s->uni)
		die(EXIT_FAIL, "recvmsg: %zd bytes on unexpected stream %lld",
		    n, (long long)r.sid);
	if (s->rx_fin)
		die(EXIT_FAIL, "recvmsg: %zd bytes on stream %lld after its FIN",
		    n, (long long)r.sid);
	stream_rx(s, buf, n);
	if (s->rx > s->total)
		die(EXIT_FAIL, "stream %lld: echoed %llu bytes, only %llu sent",
		    (long long)s->id, (unsigned long long)s->rx,
		    (unsigned long long)s->total);
	if (r.sflags & MSG_QUIC_STREAM_FIN)
		stream_rx_fin(s);
	return true;
}

static bool client_done(void)
{
	unsigned int i;

	for (i = 0; i < nstreams; i++) {
		const struct stream *s = &streams[i];

		if (!s->tx_fin || (s->uni ? !s->acked : !s->rx_fin))
			return false;
	}
	return true;
}

static void client_status(void)
{
	unsigned int i, txd = 0, rxd = 0, acked = 0, uni = 0;

	for (i = 0; i < nstreams; i++) {
		txd += streams[i].tx_fin;
		rxd += streams[i].rx_fin;
		acked += streams[i].acked;
		uni += streams[i].uni;
	}
	msg("status: %u streams, %u sent with FIN, %u of %u bidirectional echoed with FIN, %u of %u unidirectional acknowledged (STREAM_UPDATE SEND_STATE_RECVD)",
	    nstreams, txd, rxd, nstreams - uni, acked, uni);
	for (i = 0; i < nstreams && i < 8; i++)
		msg("status: stream %lld tx %llu/%llu%s rx %llu%s%s",
		    (long long)streams[i].id,
		    (unsigned long long)streams[i].tx,
		    (unsigned long long)streams[i].total,
		    streams[i].tx_fin ? " FIN" : "",
		    (unsigned long long)streams[i].rx,
		    streams[i].rx_fin ? " FIN" : "",
		    streams[i].acked ? " acked" : "");
}

/*
 * "drops <n>": datagrams the kernel dropped for this socket (SO_MEMINFO),
 * e.g. a full backlog while we held the socket. On a clean link every
 * drop is a loss the stack inflicted on itself.
 */
static void print_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) ||
	    len <= SK_MEMINFO_DROPS * sizeof(mem[0])) {
		msg("drops unknown: getsockopt(SO_MEMINFO): %s",
		    errname(errno));
		return;
	}
	msg("drops %u", mem[SK_MEMINFO_DROPS]);
}

static int client_verify(double secs)
{
	char h1[2 * SHA256_LEN + 1], h2[2 * SHA256_LEN + 1];
	uint64_t tx = 0, rx = 0;
	unsigned int i, bad = 0;

	for (i = 0; i < nstreams; i++) {
		struct stream *s = &streams[i];

		msg("stream %lld tx %llu sha256 %s", (long long)s->id,
		    (unsigned long long)s->tx, hex(s->txd, h1));
		tx += s->tx;
		if (s->uni)
			continue;
		rx += s->rx;
		if (s->bad || s->rx != s->tx ||
		    memcmp(s->rxd, s->txd, SHA256_LEN)) {
			msg("stream %lld: echo differs: tx %llu sha256 %s, rx %llu sha256 %s",
			    (long long)s->id, (unsigned long long)s->tx, h1,
			    (unsigned long long)s->rx, hex(s->rxd, h2));
			bad++;
		}
	}
	msg("%s: %u streams, %llu bytes sent, %llu echoed, %.3f s, %.1f Mbit/s",
	    bad ? "FAIL" : "OK", nstreams, (unsigned long long)tx,
	    (unsigned long long)rx, secs,
	    secs > 0 ? (double)(tx + rx) * 8 / secs / 1e6 : 0.0);
	return bad ? EXIT_FAIL : 0;
}

static int run_client(void)
{
	struct sockaddr_storage ss;
	uint8_t *txbuf, *rxbuf;
	struct stream *sync;
	struct pollfd pfd;
	unsigned int i, k;
	double t0, secs;
	socklen_t len;
	int fd, ret;

	txbuf = malloc(opt.chunk);
	rxbuf = malloc(RXBUF);
	if (!txbuf || !rxbuf)
		die(EXIT_SETUP, "out of memory");

	fd = quic_socket(parse_addr(opt.addr, opt.port, &ss, &len));
	set_idle_timeout(fd);
	set_config(fd);
	token_in(fd);
	if (connect(fd, (struct sockaddr *)&ss, len))
		die_errno(EXIT_SETUP, "connect(%s)", opt.addr);
	if (handshake(fd))
		return EXIT_HANDSHAKE;
	set_nodelay_after(fd);

	phase = PH_TRANSFER;
	/* streams[0] with --uni: the closing echo (pointers move on realloc) */
	if (opt.uni) {
		sync = stream_add(0, false);
		sync->total = SYNC_BYTES;
		sync->deferred = true;
	}
	for (i = 0; i < opt.streams; i++) {
		struct stream *s = stream_add(4 * (int64_t)i + (opt.uni ? 2 : 0),
					      opt.uni);

		s->total = opt.bytes;
	}
	if (opt.uni)
		enable_event(fd, QUIC_EVENT_STREAM_UPDATE,
			     "QUIC_EVENT_STREAM_UPDATE");
	key_update_reset(fd);
	migrate_reset(fd);
	if (!opt.open_sendmsg)
		for (i = 0; i < nstreams; i++)
			if (!streams[i].deferred)
				open_stream(fd, &streams[i]);
	msg("transfer: %u %s streams x %llu bytes, chunks of %zu, streams opened by %s",
	    opt.streams, opt.uni ? "unidirectional" : "bidirectional",
	    (unsigned long long)opt.bytes, opt.chunk,
	    opt.open_sendmsg ? "sendmsg(MSG_QUIC_STREAM_NEW)" :
			       "QUIC_SOCKOPT_STREAM_OPEN");

	t0 = elapsed();
	while (!client_done()) {
		if (past_deadline()) {
			msg("error: timeout (--timeout %u s) during the transfer",
			    opt.timeout);
			client_status();
			exit(EXIT_TIMEOUT);
		}
		sync = opt.uni ? &streams[0] : NULL;
		if (sync && sync->deferred) {
			for (i = 0; i < nstreams; i++)
				if (streams[i].uni && !streams[i].acked)
					break;
			if (i == nstreams) {
				sync->deferred = false;
				if (!opt.open_sendmsg)
					open_stream(fd, sync);
			}
		}
		for (i = 0; i < nstreams && !sendable(&streams[i]); i++)
			;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (i < nstreams && !stalled)
			pfd.events |= POLLOUT;
		pfd.revents = 0;
		/* Stalled: POLLOUT may not tell a flow-controlled stream. */
		ret = poll(&pfd, 1, stalled ? 1 : 200);
		if (ret < 0 && errno != EINTR)
			die_errno(EXIT_FAIL, "poll");
		if (pfd.revents & POLLIN)
			for (k = 0; k < 64 && client_recv(fd, rxbuf); k++)
				;
		if ((pfd.revents & (POLLERR | POLLHUP)) &&
		    !(pfd.revents & POLLIN) && !client_recv(fd, rxbuf))
			die(EXIT_FAIL, "poll reports %s%s on the connection",
			    pfd.revents & POLLERR ? "POLLERR " : "",
			    pfd.revents & POLLHUP ? "POLLHUP" : "");
		if (i < nstreams && ((pfd.revents & POLLOUT) || stalled))
			send_some(fd, txbuf);
	}
	secs = elapsed() - t0;
	print_drops(fd);
	key_update_report();
	if (opt.migrate_after)
		msg("own moves validated %u%s", mig.events,
		    mig.done ? "" : " (never moved)");
	token_out(fd);
	ret = client_verify(secs);

	phase = PH_CLOSE;
	if (opt.close_set) {
		struct quic_connection_close cc = {};

		cc.errcode = opt.close_code;
		if (opt.close_phrase)
			snprintf((char *)cc.phrase, sizeof(cc.phrase), "%s",
				 opt.close_phrase);
		if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
			       sizeof(cc)))
			die_errno(EXIT_FAIL, "setsockopt(QUIC_SOCKOPT_CONNECTION_CLOSE)");
		msg("close sent errcode %u phrase %s", cc.errcode,
		    (char *)cc.phrase);
	}
	close(fd);
	free(txbuf);
	free(rxbuf);
	return ret;
}

/* ---- server ---- */

struct close_info {
	bool event;
	unsigned int migrations;	/* QUIC_EVENT_CONNECTION_MIGRATION */
	uint32_t errcode;
	char phrase[QUIC_CLOSE_PHRASE_BUFFER_SIZE + 1];
};

static void server_event(int fd, const uint8_t *p, size_t n,
			 struct close_info *ci)
{
	struct quic_connection_close cc;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	char a[INET6_ADDRSTRLEN + 16];
	size_t plen;

	if (n && p[0] == QUIC_EVENT_KEY_UPDATE) {
		key_update_event(p, n);
		return;
	}
	if (n == 2 && p[0] == QUIC_EVENT_CONNECTION_MIGRATION) {
		/* the peer's move: not a local one */
		if (p[1])
			die(EXIT_FAIL, "QUIC_EVENT_CONNECTION_MIGRATION says local; the server never moved");
		ci->migrations++;
		/* where getpeername() says the peer is now */
		if (!getpeername(fd, (struct sockaddr *)&ss, &slen))
			msg("peer moved to %s", addr_str(&ss, a, sizeof(a)));
		return;
	}
	if (!n || p[0] != QUIC_EVENT_CONNECTION_CLOSE)
		return;
	memset(&cc, 0, sizeof(cc));
	memcpy(&cc, p + 1, n - 1 < sizeof(cc) ? n - 1 : sizeof(cc));
	ci->event = true;
	ci->errcode = cc.errcode;
	plen = n - 1 > offsetof(struct quic_connection_close, phrase) ?
	       n - 1 - offsetof(struct quic_connection_close, phrase) : 0;
	if (plen > QUIC_CLOSE_PHRASE_BUFFER_SIZE)
		plen = QUIC_CLOSE_PHRASE_BUFFER_SIZE;
	memcpy(ci->phrase, cc.phrase, plen);
	ci->phrase[plen] = '\0';
	msg("close event errcode %u frame %u phrase %s", cc.errcode, cc.frame,
	    ci->phrase);
}

static void server_close_info(int fd)
{
	union {
		struct quic_connection_close cc;
		uint8_t buf[sizeof(struct quic_connection_close) + 256];
	} u;
	socklen_t len = sizeof(u);

	memset(&u, 0, sizeof(u));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &u, &len)) {
		msg("close getsockopt(QUIC_SOCKOPT_CONNECTION_CLOSE) failed: %s",
		    errname(errno));
		return;
	}
	u.buf[sizeof(u.buf) - 1] = '\0';
	msg("close errcode %u phrase %s", u.cc.errcode,
	    len > offsetof(struct quic_connection_close, phrase) ?
	    (char *)u.cc.phrase : "");
}

/* Echo one connection until the peer closes it; returns 0 if all is well. */
static int serve_conn(int fd)
{
	struct quic_event_option ev = {};
	struct close_info ci = {};
	unsigned int i, bad = 0, stalls = 0;
	struct stream *pend = NULL;
	size_t plen = 0, poff = 0;
	bool pfin = false, closed = false;
	uint8_t *buf = malloc(RXBUF);
	struct pollfd pfd;
	uint32_t flags;
	struct stream *s;
	int64_t sid;
	ssize_t n;

	if (!buf)
		die(EXIT_SETUP, "out of memory");
	phase = PH_TRANSFER;
	ev.type = QUIC_EVENT_CONNECTION_CLOSE;
	ev.on = 1;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev)))
		msg("warning: setsockopt(QUIC_SOCKOPT_EVENT, QUIC_EVENT_CONNECTION_CLOSE on): %s",
		    errname(errno));
	streams_reset();
	key_update_reset(fd);

	while (!closed) {
		if (past_deadline()) {
			msg("error: timeout (--timeout %u s) while serving: %u streams seen",
			    opt.timeout, nstreams);
			exit(EXIT_TIMEOUT);
		}
		pfd.fd = fd;
		pfd.revents = 0;
		if (pend) {
			/* Echo before reading more: that is the back-pressure. */
			uint32_t sf = pfin ? MSG_QUIC_STREAM_FIN : 0;

			n = stream_send(fd, pend->id, sf, buf + poff,
					plen - poff, MSG_DONTWAIT);
			if (n >= 0) {
				poff += n;
				stalls = 0;
				if (poff == plen) {
					pend->echo_fin = pfin;
					pend = NULL;
				}
				continue;
			}
			if (conn_gone(errno)) {
				msg("peer went away while echoing stream %lld: %s",
				    (long long)pend->id, errname(errno));
				break;
			}
			if (!transient(errno))
				die_errno(EXIT_FAIL, "sendmsg(echo stream %lld, %zu bytes)",
					  (long long)pend->id, plen - poff);
			/* A blocked stream may still poll writable: back off. */
			pfd.events = stalls ? 0 : POLLOUT;
			if (poll(&pfd, 1, stalls ? 1 : 200) < 0 && errno != EINTR)
				die_errno(EXIT_FAIL, "poll");
			stalls++;
			continue;
		}
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) < 0 && errno != EINTR)
			die_errno(EXIT_FAIL, "poll");
		if (!pfd.revents)
			continue;
		sid = -1;
		flags = MSG_DONTWAIT;
		n = quic_recvmsg(fd, buf, RXBUF, &sid, &flags);
		if (n < 0) {
			if (transient(errno))
				continue;
			if (!conn_gone(errno)) {
				msg("error: recvmsg: %s (%s)", errname(errno),
				    strerror(errno));
				bad++;
			} else {
				msg("connection ended: recvmsg: %s",
				    errname(errno));
			}
			closed = true;
			continue;
		}
		if (flags & MSG_QUIC_NOTIFICATION) {
			server_event(fd, buf, n, &ci);
			continue;
		}
		if (flags & MSG_QUIC_DATAGRAM) {
			msg("datagram of %zd bytes", n);
			continue;	/* --dgram-max: taken, not echoed */
		}
		if (sid < 0) {
			if (n)
				die(EXIT_FAIL, "recvmsg: %zd bytes without QUIC_STREAM_INFO",
				    n);
			closed = true;	/* EOF */
			continue;
		}
		s = stream_find(sid);
		if (!s) {
			if (sid & QUIC_STREAM_TYPE_SERVER_MASK)
				die(EXIT_FAIL, "data on server-initiated stream %lld that was never opened",
				    (long long)sid);
			s = stream_add(sid, sid & QUIC_STREAM_TYPE_UNI_MASK);
		}
		if (s->rx_fin)
			die(EXIT_FAIL, "recvmsg: %zd bytes on stream %lld after its FIN",
			    n, (long long)sid);
		stream_rx(s, buf, n);
		pfin = !!(flags & MSG_QUIC_STREAM_FIN);
		if (pfin)
			stream_rx_fin(s);
		if (!s->uni && (n || pfin)) {
			pend = s;
			plen = n;
			poff = 0;
		}
	}

	/* What is still queued: the loop may have ended on an echo the
	 * peer's close cut short, before reading its notifications.
	 */
	for (i = 0; i < 64; i++) {
		sid = -1;
		flags = MSG_DONTWAIT;
		n = quic_recvmsg(fd, buf, RXBUF, &sid, &flags);
		if (n <= 0)
			break;
		if (flags & MSG_QUIC_NOTIFICATION)
			server_event(fd, buf, n, &ci);
	}
	phase = PH_CLOSE;
	server_close_info(fd);
	if (!ci.event)
		msg("close event QUIC_EVENT_CONNECTION_CLOSE not received");
	for (i = 0; i < nstreams; i++) {
		s = &streams[i];
		if (s->bad || !s->rx_fin || (!s->uni && !s->echo_fin)) {
			msg("stream %lld incomplete or wrong: rx %llu%s%s%s",
			    (long long)s->id, (unsigned long long)s->rx,
			    s->rx_fin ? " FIN" : " (no FIN)",
			    s->uni ? "" : s->echo_fin ? ", FIN echoed" :
						      ", FIN not echoed",
			    s->bad ? ", data mismatch" : "");
			bad++;
		}
	}
	print_drops(fd);
	key_update_report();
	msg("peer address changes %u (QUIC_EVENT_CONNECTION_MIGRATION)",
	    ci.migrations);
	msg("connection done: %u streams, %s", nstreams, bad ? "FAIL" : "OK");
	free(buf);
	return bad ? EXIT_FAIL : 0;
}

static int run_server(void)
{
	struct sockaddr_storage ss, peer;
	unsigned int served = 0, failed = 0, hsfail = 0;
	char a[INET6_ADDRSTRLEN + 16];
	socklen_t len, plen;
	int lfd, fd;

	lfd = quic_socket(parse_addr(opt.addr, opt.port, &ss, &len));
	set_idle_timeout(lfd);
	set_config(lfd);
	/* --validate: a Retry before each connection */
	if (opt.validate && qt_validate_peer_address(lfd))
		die_errno(EXIT_SETUP, "setsockopt(QUIC_SOCKOPT_CONFIG, validate_peer_address)");
	if (opt.validate)
		msg("validate peer address");
	/* ALPNs go on the listener before listen(): the kernel routes by them. */
	if (opt.alpn && setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, opt.alpn,
				   strlen(opt.alpn)))
		die_errno(EXIT_SETUP, "setsockopt(QUIC_SOCKOPT_ALPN, %s)",
			  opt.alpn);
	if (bind(lfd, (struct sockaddr *)&ss, len))
		die_errno(EXIT_SETUP, "bind(%s port %d)", opt.addr, opt.port);
	if (listen(lfd, 16))
		die_errno(EXIT_SETUP, "listen");
	len = sizeof(ss);
	if (getsockname(lfd, (struct sockaddr *)&ss, &len))
		die_errno(EXIT_SETUP, "getsockname");
	msg("listening on %s", addr_str(&ss, a, sizeof(a)));

	while (served < opt.conns) {
		phase = PH_ACCEPT;
		plen = sizeof(peer);
		fd = accept(lfd, (struct sockaddr *)&peer, &plen);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			die_errno(EXIT_FAIL, "accept");
		}
		msg("connection from %s", addr_str(&peer, a, sizeof(a)));
		/* Before the handshake: once it is done, the client may
		 * send and move before this process is scheduled again.
		 */
		enable_event(fd, QUIC_EVENT_CONNECTION_MIGRATION,
			     "QUIC_EVENT_CONNECTION_MIGRATION");
		if (handshake(fd)) {
			hsfail++;
			close(fd);
			continue;	/* keep listening */
		}
		set_nodelay_after(fd);
		if (serve_conn(fd))
			failed++;
		close(fd);
		served++;
	}
	close(lfd);
	msg("server done: %u connections served, %u failed, %u handshakes failed",
	    served, failed, hsfail);
	return failed ? EXIT_FAIL : 0;
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: xfer -s -a ADDR -p PORT (--cert F --key F | --psk F) [--conns N] [common]\n"
		"       xfer -c -a ADDR -p PORT (--ca F [--host NAME] | --psk F) [common]\n"
		"            [--streams N --bytes B | --one-stream B] [--uni] [--chunk B]\n"
		"            [--open sockopt|sendmsg] [--close-code C] [--close-phrase S]\n"
		"  common:   [--alpn LIST] [--cipher aes128|aes256|chacha20|aes128ccm]\n"
		"            [--cc reno|cubic] [--plpmtud MS] [--no-encryption] [--api lib|session] [--keylog F] [--idle-timeout MS]\n"
		"            [--timeout S] [--window B] [--rcvbuf B] [--key-update B]\n"
		"            [--migrate-after B]\n"
		"            [--pause-after B [--pause MS]] [--token-in F] [--token-out F]\n"
		"            [--session F]\n"
		"  server:   [--validate]\n");
	exit(EXIT_SETUP);
}

static uint64_t num(const char *s, const char *what)
{
	uint64_t v;

	if (qt_parse_u64(s, 0, false, &v))
		die(EXIT_SETUP, "bad %s '%s'", what, s);
	return v;
}

enum {
	O_CERT = 256, O_KEY, O_PSK, O_CA, O_HOST, O_ALPN, O_CIPHER, O_KEYLOG,
	O_API, O_OPEN, O_STREAMS, O_BYTES, O_ONE, O_UNI, O_CHUNK, O_CCODE,
	O_CPHRASE, O_CONNS, O_TIMEOUT, O_IDLE, O_CC, O_PLPMTUD, O_NOENC, O_PATTERN, O_WINDOW, O_RCVBUF, O_DGRAM,
	O_KEYUPDATE,
	O_MIGRATE,
	O_PAUSEAFTER,
	O_PAUSE,
	O_VALIDATE,
	O_TOKENIN,
	O_NODELAY,
	O_MORE,
	O_SESSION,
	O_TOKENOUT,
};

static const struct option longopts[] = {
	{ "cert", required_argument, NULL, O_CERT },
	{ "key", required_argument, NULL, O_KEY },
	{ "psk", required_argument, NULL, O_PSK },
	{ "ca", required_argument, NULL, O_CA },
	{ "host", required_argument, NULL, O_HOST },
	{ "alpn", required_argument, NULL, O_ALPN },
	{ "cipher", required_argument, NULL, O_CIPHER },
	{ "keylog", required_argument, NULL, O_KEYLOG },
	{ "api", required_argument, NULL, O_API },
	{ "open", required_argument, NULL, O_OPEN },
	{ "streams", required_argument, NULL, O_STREAMS },
	{ "bytes", required_argument, NULL, O_BYTES },
	{ "one-stream", required_argument, NULL, O_ONE },
	{ "uni", no_argument, NULL, O_UNI },
	{ "chunk", required_argument, NULL, O_CHUNK },
	{ "close-code", required_argument, NULL, O_CCODE },
	{ "close-phrase", required_argument, NULL, O_CPHRASE },
	{ "conns", required_argument, NULL, O_CONNS },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "idle-timeout", required_argument, NULL, O_IDLE },
	{ "cc", required_argument, NULL, O_CC },
	{ "plpmtud", required_argument, NULL, O_PLPMTUD },
	{ "no-encryption", no_argument, NULL, O_NOENC },
	{ "pattern", required_argument, NULL, O_PATTERN },
	{ "window", required_argument, NULL, O_WINDOW },
	{ "dgram-max", required_argument, NULL, O_DGRAM },
	{ "rcvbuf", required_argument, NULL, O_RCVBUF },
	{ "key-update", required_argument, NULL, O_KEYUPDATE },
	{ "migrate-after", required_argument, NULL, O_MIGRATE },
	{ "pause-after", required_argument, NULL, O_PAUSEAFTER },
	{ "pause", required_argument, NULL, O_PAUSE },
	{ "validate", no_argument, NULL, O_VALIDATE },
	{ "nodelay", required_argument, NULL, O_NODELAY },
	{ "more", no_argument, NULL, O_MORE },
	{ "token-in", required_argument, NULL, O_TOKENIN },
	{ "token-out", required_argument, NULL, O_TOKENOUT },
	{ "session", required_argument, NULL, O_SESSION },
	{ "help", no_argument, NULL, 'h' },
	{}
};

int main(int argc, char **argv)
{
	int c, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "sca:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opt.server = true; break;
		case 'c': opt.client = true; break;
		case 'a': opt.addr = optarg; break;
		case 'p': opt.port = (int)num(optarg, "port"); break;
		case O_CERT: opt.cert = optarg; break;
		case O_KEY: opt.key = optarg; break;
		case O_PSK: opt.psk = optarg; break;
		case O_CA: opt.ca = optarg; break;
		case O_HOST: opt.host = optarg; break;
		case O_ALPN: opt.alpn = optarg; break;
		case O_CIPHER:
			cipher_gnutls_name(optarg);	/* validates */
			opt.cipher = optarg;
			break;
		case O_KEYLOG: opt.keylog = optarg; break;
		case O_API:
			if (strcmp(optarg, "lib") && strcmp(optarg, "session"))
				usage();
			opt.api = optarg;
			break;
		case O_OPEN:
			if (!strcmp(optarg, "sendmsg"))
				opt.open_sendmsg = true;
			else if (strcmp(optarg, "sockopt"))
				usage();
			break;
		case O_STREAMS:
			opt.streams = (unsigned int)num(optarg, "--streams");
			break;
		case O_BYTES: opt.bytes = num(optarg, "--bytes"); break;
		case O_ONE:
			opt.streams = 1;
			opt.bytes = num(optarg, "--one-stream");
			break;
		case O_UNI: opt.uni = true; break;
		case O_VALIDATE: opt.validate = true; break;
		case O_NODELAY:
			if (!strcmp(optarg, "before"))
				opt.nodelay = NODELAY_BEFORE;
			else if (!strcmp(optarg, "after"))
				opt.nodelay = NODELAY_AFTER;
			else
				die(EXIT_SETUP, "--nodelay %s: before or after",
				    optarg);
			break;
		case O_MORE: opt.more = true; break;
		case O_TOKENIN: opt.token_in = optarg; break;
		case O_TOKENOUT: opt.token_out = optarg; break;
		case O_SESSION: opt.session = optarg; break;
		case O_CC: opt.cc = optarg; break;
		case O_PLPMTUD:
			opt.plpmtud_ms = (unsigned int)num(optarg, "--plpmtud");
			break;
		case O_NOENC: opt.no_encryption = true; break;
		case O_PATTERN: print_pattern(optarg); exit(0);
		case O_CHUNK: opt.chunk = num(optarg, "--chunk"); break;
		case O_CCODE:
			opt.close_set = true;
			opt.close_code = (uint32_t)num(optarg, "--close-code");
			break;
		case O_CPHRASE:
			opt.close_set = true;
			opt.close_phrase = optarg;
			break;
		case O_CONNS:
			opt.conns = (unsigned int)num(optarg, "--conns");
			break;
		case O_TIMEOUT:
			opt.timeout = (unsigned int)num(optarg, "--timeout");
			break;
		case O_IDLE:
			opt.idle_timeout_ms = (unsigned int)num(optarg,
								"--idle-timeout");
			break;
		case O_WINDOW:
			opt.window = num(optarg, "--window");
			break;
		case O_DGRAM:
			opt.dgram_max = num(optarg, "--dgram-max");
			break;
		case O_RCVBUF:
			opt.rcvbuf = (int)num(optarg, "--rcvbuf");
			break;
		case O_KEYUPDATE:
			opt.key_update = num(optarg, "--key-update");
			break;
		case O_MIGRATE:
			opt.migrate_after = num(optarg, "--migrate-after");
			break;
		case O_PAUSEAFTER:
			opt.pause_after = num(optarg, "--pause-after");
			break;
		case O_PAUSE:
			opt.pause_ms = (unsigned int)num(optarg, "--pause");
			break;
		default:
			usage();
		}
	}
	if (optind != argc || opt.server == opt.client || !opt.addr ||
	    opt.port < 0 || opt.port > 65535 || !opt.timeout)
		usage();
	if (opt.server && !opt.psk && (!opt.cert || !opt.key))
		die(EXIT_SETUP, "server needs --cert and --key, or --psk");
	if (opt.client && (!opt.streams || !opt.chunk || opt.chunk > RXBUF))
		die(EXIT_SETUP, "need --streams >= 1 and 1 <= --chunk <= %d",
		    RXBUF);
	if (opt.close_phrase &&
	    strlen(opt.close_phrase) >= QUIC_CLOSE_PHRASE_BUFFER_SIZE)
		die(EXIT_SETUP, "--close-phrase longer than %d bytes",
		    QUIC_CLOSE_PHRASE_BUFFER_SIZE - 1);
	if (opt.api && !strcmp(opt.api, "lib") && (opt.cipher || opt.keylog))
		die(EXIT_SETUP, "--cipher and --keylog need --api session");
	if (opt.keylog && qt_keylog_open(opt.keylog))
		die_errno(EXIT_SETUP, "open %s", opt.keylog);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	/* The loops watch the deadline; this catches blocking calls. */
	alarm(opt.timeout + 2);

	ret = opt.server ? run_server() : run_client();
	qt_keylog_close();
	return ret;
}
