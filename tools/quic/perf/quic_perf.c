// SPDX-License-Identifier: GPL-2.0
/*
 * quic_perf: an iperf3-style throughput, handshake-rate and latency tool
 * for in-kernel QUIC (IPPROTO_QUIC), plain TCP and kernel TLS over TCP, so
 * that the three can be compared with the same code on the same machine.
 *
 *   quic_perf -s [-B ADDR] [-p PORT] [-1] (--cert F --key F | --psk F)
 *             [--no-encryption]
 *   quic_perf -c HOST [-p PORT] [--quic | --tcp | --ktls] [-t SECS | -n BYTES]
 *             [-l LEN] [-P N] [-R] [-N] [-J] [-i SECS] [--cipher NAME]
 *             [--no-encryption] [--psk F | --ca F] [--handshakes | --latency |
 *             --idle N]
 *
 * See Documentation/networking/quic-perf.rst for the full description.
 *
 * One server serves all three transports at once: it listens on QUIC (UDP)
 * and TCP on the same port number, and tells a kTLS client from a plain TCP
 * one by the first byte it sends (a TLS handshake record starts with 0x16,
 * our hello with 'Q').  There is no separate control connection: after the
 * handshake, every connection starts with a fixed-size hello from the
 * client that carries the test parameters, and the server answers one
 * byte when it is ready.  The sender then writes until its time or byte
 * budget is spent and ends its direction (FIN on QUIC stream 0, shutdown
 * on TCP); the receiver answers with a trailer (bytes received, receive
 * time) and the connection is closed.
 *
 * Exit status: 0 success, 1 transfer or connection error, 2 usage or
 * setup error, 3 handshake failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <linux/tls.h>
#include <netinet/quic.h>

#include "quic_tool.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif

#define EXIT_FAIL	1
#define EXIT_SETUP	2
#define EXIT_HANDSHAKE	3

#define DEFAULT_PORT	5201
#define DEFAULT_LEN	65536
#define MAX_LEN		(1 << 20)
#define MAX_PARALLEL	128
#define QUIC_SID	0	/* every QUIC test uses client stream 0 */

#define HELLO_MAGIC	0x51505246u	/* "QPRF" */
#define HELLO_VERSION	1
#define READY_BYTE	'G'
#define TLS_HANDSHAKE_RECORD	0x16
#define TLS_RECORD_ALERT	21
#define TLS_RECORD_APPDATA	23

enum transport { T_QUIC, T_TCP, T_KTLS };
enum mode { M_STREAM, M_HANDSHAKE, M_LATENCY, M_IDLE, M_END };

static const char *const transport_names[] = { "quic", "tcp", "ktls" };
static const char *const mode_names[] = {
	"stream", "handshake", "latency", "idle", "end"
};

/* The test parameters, sent by the client in network byte order. */
struct hello {
	uint32_t magic;
	uint8_t version;
	uint8_t mode;		/* enum mode */
	uint8_t reverse;	/* the server sends */
	uint8_t nodelay;	/* the sender turns Nagle's algorithm off */
	uint32_t parallel;	/* connections in this test */
	uint32_t len;		/* write size */
	uint64_t test_id;	/* the same for every connection of a test */
	uint64_t duration_ms;	/* sender's time budget (0: bytes only) */
	uint64_t bytes;		/* this connection's byte budget (0: time) */
	uint64_t count;		/* M_END: handshakes/connections made */
} __attribute__((packed));

/* What the receiver saw, sent back to the sender after its FIN. */
struct trailer {
	uint64_t bytes;
	uint64_t usec;
} __attribute__((packed));

static const struct cipher {
	const char *arg;	/* --cipher */
	const char *gnutls;	/* priority string name */
	const char *report;	/* name in results */
	uint32_t tls;		/* TLS_CIPHER_* */
} ciphers[] = {
	{ "aes128", "AES-128-GCM", "aes-128-gcm", TLS_CIPHER_AES_GCM_128 },
	{ "aes256", "AES-256-GCM", "aes-256-gcm", TLS_CIPHER_AES_GCM_256 },
	{ "chacha20", "CHACHA20-POLY1305", "chacha20-poly1305",
	  TLS_CIPHER_CHACHA20_POLY1305 },
};

static struct {
	bool server, one_off, reverse, json, no_encryption, nodelay;
	const char *host, *bind_addr;
	int port;
	double duration;	/* -t */
	uint64_t bytes;		/* -n */
	size_t len;		/* -l */
	unsigned int parallel;	/* -P */
	double interval;	/* -i */
	enum transport transport;
	enum mode mode;
	unsigned int idle_conns;
	const struct cipher *cipher;
	const char *cert, *key, *psk, *ca;
} opt = {
	.port = DEFAULT_PORT,
	.duration = 10,
	.len = DEFAULT_LEN,
	.parallel = 1,
	.interval = 1,
	.transport = T_QUIC,
	.cipher = &ciphers[0],
};

/* SIGINT/SIGTERM: senders stop early, an idle client lets go. */
static volatile sig_atomic_t stop_flag;

/* ---- reporting ---- */

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((format(printf, 1, 2))) msg(const char *fmt, ...)
{
	FILE *f = opt.json ? stderr : stdout;
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
	pthread_mutex_unlock(&out_lock);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "quic_perf: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

#define die_errno(code, what, ...) \
	die(code, what ": %s", ##__VA_ARGS__, strerror(errno))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mbits(uint64_t bytes, double secs)
{
	return secs > 0 ? (double)bytes * 8 / secs / 1e6 : 0;
}

/* ---- credentials and TLS ---- */

static gnutls_certificate_credentials_t cert_creds;
static gnutls_psk_server_credentials_t psk_server;
static gnutls_psk_client_credentials_t psk_client;

static void gnutls_check(int ret, const char *what)
{
	if (ret < 0)
		die(EXIT_SETUP, "%s: %s", what, gnutls_strerror(ret));
}

/* Loaded once: GnuTLS credentials are shared read-only by all sessions. */
static void load_credentials(void)
{
	if (opt.psk && opt.server) {
		gnutls_check(gnutls_psk_allocate_server_credentials(&psk_server),
			     "PSK credentials");
		gnutls_check(gnutls_psk_set_server_credentials_file(psk_server,
								    opt.psk),
			     opt.psk);
	} else if (opt.psk) {
		char why[512];

		if (qt_psk_client_creds(opt.psk, &psk_client, why,
					sizeof(why)))
			die(EXIT_SETUP, "%s", why);
	}
	if (opt.server && !opt.cert)
		return;
	gnutls_check(gnutls_certificate_allocate_credentials(&cert_creds),
		     "certificate credentials");
	if (opt.server)
		gnutls_check(gnutls_certificate_set_x509_key_file(cert_creds,
				opt.cert, opt.key, GNUTLS_X509_FMT_PEM),
			     opt.cert);
	else if (opt.ca)
		gnutls_check(gnutls_certificate_set_x509_trust_file(cert_creds,
				opt.ca, GNUTLS_X509_FMT_PEM), opt.ca);
}

/*
 * A GnuTLS session for @fd.  QUIC narrows libquic's priorities; kTLS uses
 * TLS 1.3 with the ciphers the kernel's TLS module implements.  Session
 * tickets are off for kTLS: a NewSessionTicket arriving after the switch
 * would reach the kernel as a non-data record.
 */
static gnutls_session_t tls_session(int fd, bool server, enum transport t,
				    const struct cipher *c)
{
	static const char ktls_prio[] =
		"NORMAL:-VERS-ALL:+VERS-TLS1.3:+PSK:+ECDHE-PSK:%DISABLE_TLS13_COMPAT_MODE:"
		"-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305";
	unsigned int flags = server ? GNUTLS_SERVER : GNUTLS_CLIENT;
	char prio[512];
	const char *err = NULL;
	gnutls_session_t s;
	int ret;

	flags |= t == T_QUIC ? GNUTLS_NO_END_OF_EARLY_DATA : GNUTLS_NO_TICKETS;
	gnutls_check(gnutls_init(&s, flags), "gnutls_init");
	snprintf(prio, sizeof(prio), "%s%s%s",
		 t == T_QUIC ? QUIC_PRIORITY : ktls_prio,
		 c ? ":-CIPHER-ALL:+" : "", c ? c->gnutls : "");
	ret = gnutls_priority_set_direct(s, prio, &err);
	if (ret)
		die(EXIT_SETUP, "priority '%s' (at '%s'): %s", prio,
		    err ? err : "?", gnutls_strerror(ret));
	if (server) {
		if (psk_server)
			gnutls_check(gnutls_credentials_set(s, GNUTLS_CRD_PSK,
							    psk_server), "PSK");
	} else if (psk_client) {
		gnutls_check(gnutls_credentials_set(s, GNUTLS_CRD_PSK,
						    psk_client), "PSK");
	}
	if (cert_creds) {
		gnutls_check(gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE,
						    cert_creds), "certificate");
		/* With --ca the chain is verified; without, it is not. */
		if (!server && opt.ca)
			gnutls_session_set_verify_cert(s, NULL, 0);
	}
	gnutls_transport_set_int(s, fd);
	return s;
}

static const struct cipher *cipher_by_gnutls(gnutls_cipher_algorithm_t a)
{
	const char *name = gnutls_cipher_get_name(a);
	unsigned int i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (name && !strcmp(ciphers[i].gnutls, name))
			return &ciphers[i];
	return NULL;
}

/* Hand one direction of an established TLS 1.3 session to the kernel. */
static int ktls_install(int fd, gnutls_session_t s, const struct cipher *c,
			bool rx)
{
	union {
		struct tls12_crypto_info_aes_gcm_128 a128;
		struct tls12_crypto_info_aes_gcm_256 a256;
		struct tls12_crypto_info_chacha20_poly1305 cc;
	} ci;
	gnutls_datum_t iv, key;
	unsigned char seq[8];
	socklen_t len;
	int ret;

	ret = gnutls_record_get_state(s, rx, NULL, &iv, &key, seq);
	if (ret < 0 || iv.size != 12) {
		errno = EINVAL;
		return -1;
	}
	memset(&ci, 0, sizeof(ci));
	/* TLS 1.3's 12-byte IV: the kernel wants a 4-byte salt + 8-byte iv. */
	switch (c->tls) {
	case TLS_CIPHER_AES_GCM_128:
		if (key.size != sizeof(ci.a128.key))
			goto bad;
		ci.a128.info.version = TLS_1_3_VERSION;
		ci.a128.info.cipher_type = c->tls;
		memcpy(ci.a128.salt, iv.data, 4);
		memcpy(ci.a128.iv, iv.data + 4, 8);
		memcpy(ci.a128.key, key.data, key.size);
		memcpy(ci.a128.rec_seq, seq, 8);
		len = sizeof(ci.a128);
		break;
	case TLS_CIPHER_AES_GCM_256:
		if (key.size != sizeof(ci.a256.key))
			goto bad;
		ci.a256.info.version = TLS_1_3_VERSION;
		ci.a256.info.cipher_type = c->tls;
		memcpy(ci.a256.salt, iv.data, 4);
		memcpy(ci.a256.iv, iv.data + 4, 8);
		memcpy(ci.a256.key, key.data, key.size);
		memcpy(ci.a256.rec_seq, seq, 8);
		len = sizeof(ci.a256);
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		/* ChaCha20's nonce is the whole 12-byte IV, no salt. */
		if (key.size != sizeof(ci.cc.key))
			goto bad;
		ci.cc.info.version = TLS_1_3_VERSION;
		ci.cc.info.cipher_type = c->tls;
		memcpy(ci.cc.iv, iv.data, 12);
		memcpy(ci.cc.key, key.data, key.size);
		memcpy(ci.cc.rec_seq, seq, 8);
		len = sizeof(ci.cc);
		break;
	default:
		goto bad;
	}
	ret = setsockopt(fd, SOL_TLS, rx ? TLS_RX : TLS_TX, &ci, len);
	gnutls_memset(&ci, 0, sizeof(ci));
	return ret;
bad:
	errno = EINVAL;
	return -1;
}

/* ---- connections: one API over the three transports ---- */

struct conn {
	int fd;
	enum transport transport;
	const struct cipher *cipher;	/* NULL: no encryption */
	bool opened;			/* QUIC: stream 0 exists */
	bool eof;			/* the peer ended its direction */
};

static void conn_init(struct conn *c, int fd, enum transport t)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->transport = t;
}

/* Write all of @len bytes; 0 or -1 with errno set. */
static int conn_write(struct conn *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		if (c->transport == T_QUIC) {
			uint32_t f = c->opened ? 0 : MSG_QUIC_STREAM_NEW;

			n = quic_sendmsg(c->fd, p, len, QUIC_SID, f);
			if (n >= 0)
				c->opened = true;
		} else {
			n = send(c->fd, p, len, MSG_NOSIGNAL);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* End our direction: a FIN on QUIC, a TCP shutdown otherwise. */
static int conn_finish(struct conn *c)
{
	if (c->transport == T_QUIC)
		return quic_sendmsg(c->fd, NULL, 0, QUIC_SID,
				    MSG_QUIC_STREAM_FIN) < 0 ? -1 : 0;
	return shutdown(c->fd, SHUT_WR);
}

/*
 * kTLS receive: recvmsg() with room for the record type, so that a
 * non-data record (an alert, a post-handshake message) is told from data
 * instead of failing with EIO.
 */
static ssize_t ktls_read(struct conn *c, void *buf, size_t len)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(unsigned char))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	for (;;) {
		m.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(c->fd, &m, 0);
		if (n <= 0)
			return n;
		cm = CMSG_FIRSTHDR(&m);
		if (!cm || cm->cmsg_level != SOL_TLS ||
		    cm->cmsg_type != TLS_GET_RECORD_TYPE ||
		    *CMSG_DATA(cm) == TLS_RECORD_APPDATA)
			return n;
		if (*CMSG_DATA(cm) == TLS_RECORD_ALERT)
			return 0;	/* close_notify or worse: the end */
		/* other records (e.g. KeyUpdate) carry no data for us */
	}
}

/* Read up to @len bytes; 0 at the end of the peer's direction. */
static ssize_t conn_read(struct conn *c, void *buf, size_t len)
{
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	if (c->eof)
		return 0;
	for (;;) {
		if (c->transport == T_QUIC) {
			flags = 0;
			sid = -1;
			n = quic_recvmsg(c->fd, buf, len, &sid, &flags);
			if (n >= 0 && (flags & MSG_QUIC_NOTIFICATION))
				continue;
			if (n == 0 && sid < 0) {
				/* the connection ended before the FIN */
				errno = ECONNRESET;
				return -1;
			}
			if (n >= 0 && (flags & MSG_QUIC_STREAM_FIN))
				c->eof = true;
			if (n == 0 && !c->eof)
				continue;	/* nothing, e.g. an empty frame */
		} else if (c->transport == T_KTLS && c->cipher) {
			n = ktls_read(c, buf, len);
			if (n == 0)
				c->eof = true;
		} else {
			n = recv(c->fd, buf, len, 0);
			if (n == 0)
				c->eof = true;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

/* Read exactly @len bytes; 0, or -1 (errno EPIPE at a premature end). */
static int conn_read_full(struct conn *c, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = conn_read(c, p, len);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EPIPE;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int set_no_encryption(int fd)
{
	struct quic_transport_param p;
	socklen_t len = sizeof(p);

	memset(&p, 0, sizeof(p));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		return -1;
	p.remote = 0;
	p.disable_1rtt_encryption = 1;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			  sizeof(p));
}

/* Both ends sent disable_1rtt_encryption: 1-RTT packets go in clear. */
static bool quic_unencrypted(int fd)
{
	struct quic_transport_param l, r;
	socklen_t len = sizeof(l);

	memset(&l, 0, sizeof(l));
	memset(&r, 0, sizeof(r));
	r.remote = 1;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &l, &len))
		return false;
	len = sizeof(r);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &r, &len))
		return false;
	return l.disable_1rtt_encryption && r.disable_1rtt_encryption;
}

/*
 * The handshake on a connected socket, as client or server.  Sets
 * c->cipher to what was negotiated (NULL when the data goes in clear).
 * Returns 0, or -1 with the reason printed.
 */
static int conn_handshake(struct conn *c, bool server)
{
	const struct cipher *want = server ? NULL : opt.cipher;
	gnutls_session_t s;
	int ret;

	c->cipher = NULL;
	if (c->transport == T_TCP)
		return 0;
	s = tls_session(c->fd, server, c->transport, want);
	if (c->transport == T_QUIC) {
		ret = quic_handshake(s);
		if (ret) {
			msg("quic handshake failed: %s", strerror(-ret));
			gnutls_deinit(s);
			return -1;
		}
		c->cipher = cipher_by_gnutls(gnutls_cipher_get(s));
		if (quic_unencrypted(c->fd))
			c->cipher = NULL;
		gnutls_deinit(s);
		return 0;
	}
	do {
		ret = gnutls_handshake(s);
	} while (ret < 0 && !gnutls_error_is_fatal(ret));
	if (ret < 0) {
		msg("tls handshake failed: %s", gnutls_strerror(ret));
		gnutls_deinit(s);
		return -1;
	}
	c->cipher = cipher_by_gnutls(gnutls_cipher_get(s));
	if (!c->cipher || gnutls_record_check_pending(s)) {
		msg("ktls: %s", c->cipher ? "records buffered in GnuTLS" :
			"negotiated cipher not supported by kernel TLS");
		gnutls_deinit(s);
		return -1;
	}
	if (setsockopt(c->fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) ||
	    ktls_install(c->fd, s, c->cipher, false) ||
	    ktls_install(c->fd, s, c->cipher, true)) {
		msg("ktls: enabling kernel TLS failed: %s (modprobe tls?)",
		    strerror(errno));
		gnutls_deinit(s);
		return -1;
	}
	gnutls_deinit(s);
	return 0;
}

static const char *cipher_name(const struct conn *c)
{
	return c->cipher ? c->cipher->report : "none";
}

/* ---- addresses ---- */

static socklen_t make_addr(const char *a, int port,
			   struct sockaddr_storage *ss)
{
	socklen_t len;

	if (qt_parse_addr(a, port, ss, &len) < 0)
		die(EXIT_SETUP,
		    "bad address '%s' (numeric IPv4 or IPv6 expected)", a);
	return len;
}

static void addr_str(const struct sockaddr_storage *ss, char *ip, size_t len,
		     int *port)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	snprintf(ip, len, "?");
	*port = 0;
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, ip, len);
		*port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, len);
		*port = ntohs(s6->sin6_port);
	}
}

/* ---- the data movers, shared by client and server ---- */

static uint8_t *alloc_buf(size_t len)
{
	uint8_t *b = malloc(len);
	size_t i;

	if (!b)
		die(EXIT_SETUP, "out of memory");
	/* Not zeros: nothing below us should get to compress or skip it. */
	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 131 + 7);
	return b;
}

/*
 * Send for @secs seconds or @bytes bytes (whichever is set and comes
 * first), counting into @counter as we go so an observer can report
 * intervals.  Returns 0 or -1.
 */
static int send_data(struct conn *c, size_t len, double secs, uint64_t bytes,
		     _Atomic uint64_t *counter, double *t_end)
{
	uint8_t *buf = alloc_buf(len);
	double t0 = now(), stop = secs > 0 ? t0 + secs : 0;
	uint64_t sent = 0;
	size_t n;
	int ret = 0;

	for (;;) {
		n = len;
		if (bytes) {
			if (sent >= bytes)
				break;
			if (bytes - sent < n)
				n = (size_t)(bytes - sent);
		}
		if ((stop && now() >= stop) || stop_flag)
			break;
		if (conn_write(c, buf, n)) {
			ret = -1;
			break;
		}
		sent += n;
		atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
	}
	*t_end = now();
	free(buf);
	return ret;
}

/* Receive until the peer's end of data; returns bytes or -1. */
static int64_t recv_data(struct conn *c, size_t len, _Atomic uint64_t *counter)
{
	uint8_t *buf = malloc(len);
	uint64_t got = 0;
	ssize_t n;

	if (!buf)
		die(EXIT_SETUP, "out of memory");
	for (;;) {
		n = conn_read(c, buf, len);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0 && c->eof)
			break;
		got += (uint64_t)n;
		atomic_fetch_add_explicit(counter, (uint64_t)n,
					  memory_order_relaxed);
	}
	free(buf);
	return (int64_t)got;
}

/* Read and drop exactly @bytes bytes; 0, or -1. */
static int recv_exact(struct conn *c, uint64_t bytes)
{
	size_t n, cap = bytes < MAX_LEN ? (size_t)bytes : MAX_LEN;
	uint8_t *buf = malloc(cap ? cap : 1);
	int ret = 0;

	if (!buf)
		die(EXIT_SETUP, "out of memory");
	while (bytes && !ret) {
		n = bytes < cap ? (size_t)bytes : cap;
		ret = conn_read_full(c, buf, n);
		bytes -= n;
	}
	free(buf);
	return ret;
}

/*
 * --idle with -n: before a connection goes idle, @bytes go each way, the
 * client's first, so that both ends have sent and received a burst (and
 * kept whatever a burst leaves behind) when the idle hold starts.
 */
static int idle_exchange(struct conn *c, size_t len, uint64_t bytes,
			 bool client)
{
	static _Atomic uint64_t unused;
	double t;

	if (client)
		return send_data(c, len, 0, bytes, &unused, &t) ||
		       recv_exact(c, bytes) ? -1 : 0;
	return recv_exact(c, bytes) ||
	       send_data(c, len, 0, bytes, &unused, &t) ? -1 : 0;
}

static uint32_t tcp_retransmits(const struct conn *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (c->transport == T_QUIC || c->fd < 0)
		return 0;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(c->fd, SOL_TCP, TCP_INFO, &ti, &len))
		return 0;
	return ti.tcpi_total_retrans;
}

/*
 * After our last message: wait (bounded) until the peer closes, so that
 * closing our socket cannot discard data still in flight to it.
 */
static void wait_peer_close(struct conn *c)
{
	struct timeval tv = { .tv_sec = 10 };
	uint8_t buf[256];
	uint32_t flags;
	int64_t sid;
	ssize_t n;
	int i;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < 1000; i++) {
		if (c->transport == T_QUIC) {
			flags = 0;
			sid = -1;
			n = quic_recvmsg(c->fd, buf, sizeof(buf), &sid, &flags);
			if (n == 0 && sid < 0)
				return;
		} else {
			n = recv(c->fd, buf, sizeof(buf), 0);
			if (n == 0)
				return;
		}
		if (n < 0 && errno != EINTR)
			return;
	}
}

static void hello_encode(struct hello *h, enum mode mode, uint64_t test_id,
			 uint64_t bytes, uint64_t count)
{
	memset(h, 0, sizeof(*h));
	h->magic = htobe32(HELLO_MAGIC);
	h->version = HELLO_VERSION;
	h->mode = (uint8_t)mode;
	h->reverse = opt.reverse;
	h->nodelay = opt.nodelay;
	h->parallel = htobe32(opt.parallel);
	h->len = htobe32((uint32_t)opt.len);
	h->test_id = htobe64(test_id);
	h->duration_ms = htobe64(opt.bytes ? 0 :
				 (uint64_t)(opt.duration * 1000));
	h->bytes = htobe64(bytes);
	h->count = htobe64(count);
}

static int hello_decode(struct hello *h)
{
	if (be32toh(h->magic) != HELLO_MAGIC || h->version != HELLO_VERSION ||
	    h->mode > M_END)
		return -1;
	h->parallel = be32toh(h->parallel);
	h->len = be32toh(h->len);
	h->test_id = be64toh(h->test_id);
	h->duration_ms = be64toh(h->duration_ms);
	h->bytes = be64toh(h->bytes);
	h->count = be64toh(h->count);
	if (!h->len || h->len > MAX_LEN || !h->parallel ||
	    h->parallel > MAX_PARALLEL)
		return -1;
	return 0;
}

/*
 * Nagle's algorithm off: TCP_NODELAY, or QUIC's stream_data_nodelay (the
 * one QUIC_SOCKOPT_CONFIG setting that may change once connected). On by
 * default for every transport, as in iperf3; -N and the latency test turn
 * it off.
 */
static void set_nodelay(const struct conn *c)
{
	struct quic_config cfg = {};
	socklen_t len = sizeof(cfg);
	int one = 1;

	if (c->transport != T_QUIC) {
		setsockopt(c->fd, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
		return;
	}
	if (getsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len))
		return;
	cfg.stream_data_nodelay = 1;
	setsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg));
}

/* ---- server ---- */

/* What the server knows about one test (all its connections). */
struct test {
	uint64_t id;
	enum mode mode;
	bool reverse;
	enum transport transport;
	char cipher[24];
	unsigned int expected, finished, failed;
	uint64_t bytes, handshakes;
	double first, last;		/* receive or send period */
	int *idle_fds;
	unsigned int nidle, idle_cap;
	struct test *next;
};

static struct test *tests;
static pthread_mutex_t tests_lock = PTHREAD_MUTEX_INITIALIZER;

/* Called with tests_lock held. */
static struct test *test_get(const struct hello *h, const struct conn *c)
{
	struct test *t;

	for (t = tests; t; t = t->next)
		if (t->id == h->test_id)
			return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		die(EXIT_SETUP, "out of memory");
	t->id = h->test_id;
	t->mode = (enum mode)h->mode;
	t->reverse = h->reverse;
	t->transport = c->transport;
	snprintf(t->cipher, sizeof(t->cipher), "%s", cipher_name(c));
	t->expected = h->parallel;
	t->next = tests;
	tests = t;
	return t;
}

/* Called with tests_lock held; prints the test and forgets it. */
static void test_complete(struct test *t)
{
	struct test **pp;
	double secs = t->last - t->first;
	unsigned int i;

	switch (t->mode) {
	case M_STREAM:
		msg("server: test %016llx %s %s %s: %llu bytes in %.3f s = %.2f Mbit/s, %u connections, %u failed",
		    (unsigned long long)t->id, transport_names[t->transport],
		    t->cipher, t->reverse ? "sent" : "received",
		    (unsigned long long)t->bytes, secs,
		    mbits(t->bytes, secs), t->expected, t->failed);
		break;
	case M_HANDSHAKE:
		msg("server: test %016llx %s %s: %llu handshakes served",
		    (unsigned long long)t->id, transport_names[t->transport],
		    t->cipher, (unsigned long long)t->handshakes);
		break;
	default:
		msg("server: test %016llx %s %s %s: done, %u connections, %u failed",
		    (unsigned long long)t->id, transport_names[t->transport],
		    t->cipher, mode_names[t->mode],
		    t->mode == M_IDLE ? t->nidle : t->expected, t->failed);
		break;
	}
	for (i = 0; i < t->nidle; i++)
		close(t->idle_fds[i]);
	for (pp = &tests; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	free(t->idle_fds);
	free(t);
	if (opt.one_off)
		exit(EXIT_SUCCESS);
}

/* One connection of a stream or latency test is over. */
static void test_conn_done(const struct hello *h, const struct conn *c,
			   uint64_t bytes, double t0, double t1, bool ok)
{
	struct test *t;

	pthread_mutex_lock(&tests_lock);
	t = test_get(h, c);
	t->bytes += bytes;
	if (!t->first || t0 < t->first)
		t->first = t0;
	if (t1 > t->last)
		t->last = t1;
	t->failed += !ok;
	if (++t->finished >= t->expected)
		test_complete(t);
	pthread_mutex_unlock(&tests_lock);
}

static int server_stream(struct conn *c, const struct hello *h)
{
	static _Atomic uint64_t unused;
	struct trailer tr;
	double t0 = now(), t1;
	uint64_t budget = h->bytes;
	int64_t got;
	bool ok;

	if (h->reverse) {
		if (h->nodelay)
			set_nodelay(c);
		ok = !send_data(c, h->len, (double)h->duration_ms / 1000,
				budget, &unused, &t1) &&
		     !conn_finish(c) && !conn_read_full(c, &tr, sizeof(tr));
		tr.bytes = ok ? be64toh(tr.bytes) : 0;
		msg("server: %s connection sent, peer received %llu bytes",
		    transport_names[c->transport],
		    (unsigned long long)tr.bytes);
		test_conn_done(h, c, tr.bytes, t0, t1, ok);
		return ok ? 0 : -1;
	}
	got = recv_data(c, h->len, &unused);
	t1 = now();
	ok = got >= 0;
	tr.bytes = htobe64(ok ? (uint64_t)got : 0);
	tr.usec = htobe64((uint64_t)((t1 - t0) * 1e6));
	ok = ok && !conn_write(c, &tr, sizeof(tr)) && !conn_finish(c);
	if (ok)
		wait_peer_close(c);
	msg("server: %s connection received %lld bytes in %.3f s",
	    transport_names[c->transport], (long long)got, t1 - t0);
	test_conn_done(h, c, got > 0 ? (uint64_t)got : 0, t0, t1, ok);
	return ok ? 0 : -1;
}

static int server_latency(struct conn *c, const struct hello *h)
{
	double t0 = now();
	uint64_t n = 0;
	uint8_t b;
	ssize_t r;
	bool ok;

	set_nodelay(c);
	for (;;) {
		r = conn_read(c, &b, 1);
		if (r <= 0)
			break;
		if (conn_write(c, &b, 1)) {
			r = -1;
			break;
		}
		n++;
	}
	ok = r == 0 && c->eof && !conn_finish(c);
	if (ok)
		wait_peer_close(c);
	test_conn_done(h, c, n, t0, now(), ok);
	return ok ? 0 : -1;
}

struct srv_arg {
	int fd;
	bool quic;
	struct sockaddr_storage peer;
};

static void *server_conn(void *arg)
{
	struct srv_arg *a = arg;
	enum transport t = a->quic ? T_QUIC : T_TCP;
	const uint8_t ready = READY_BYTE;
	struct timeval tv = { .tv_sec = 30 };
	char ip[INET6_ADDRSTRLEN];
	struct hello h;
	struct conn c;
	struct test *tt;
	uint8_t first;
	int port;

	addr_str(&a->peer, ip, sizeof(ip), &port);
	/* A client that never says anything must not hold a thread forever. */
	setsockopt(a->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!a->quic) {
		if (recv(a->fd, &first, 1, MSG_PEEK) != 1)
			goto drop;
		if (first == TLS_HANDSHAKE_RECORD)
			t = T_KTLS;
	}
	conn_init(&c, a->fd, t);
	if (conn_handshake(&c, true))
		goto drop;
	if (conn_read_full(&c, &h, sizeof(h)) || hello_decode(&h)) {
		msg("server: bad or missing hello from %s port %d", ip, port);
		goto drop;
	}
	tv.tv_sec = 0;
	setsockopt(a->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (h.mode == M_STREAM)
		msg("server: %s %s connection from %s port %d, %s, %u byte writes",
		    transport_names[t], cipher_name(&c), ip, port,
		    h.reverse ? "sending" : "receiving", h.len);
	if (h.mode == M_END) {
		pthread_mutex_lock(&tests_lock);
		tt = test_get(&h, &c);
		tt->handshakes = h.count;
		test_complete(tt);
		pthread_mutex_unlock(&tests_lock);
		goto drop;
	}
	if (conn_write(&c, &ready, 1))
		goto drop;
	switch (h.mode) {
	case M_HANDSHAKE:
		wait_peer_close(&c);
		break;
	case M_IDLE:
		if (h.bytes && idle_exchange(&c, h.len, h.bytes, false)) {
			msg("server: idle connection from %s port %d: exchange failed: %s",
			    ip, port, strerror(errno));
			break;
		}
		/* Kept open, idle, until the client's M_END for this test. */
		pthread_mutex_lock(&tests_lock);
		tt = test_get(&h, &c);
		if (tt->nidle == tt->idle_cap) {
			tt->idle_cap = tt->idle_cap ? 2 * tt->idle_cap : 64;
			tt->idle_fds = realloc(tt->idle_fds, tt->idle_cap *
					       sizeof(int));
			if (!tt->idle_fds)
				die(EXIT_SETUP, "out of memory");
		}
		tt->idle_fds[tt->nidle++] = a->fd;
		pthread_mutex_unlock(&tests_lock);
		free(a);
		return NULL;
	case M_LATENCY:
		server_latency(&c, &h);
		break;
	default:
		server_stream(&c, &h);
		break;
	}
drop:
	close(a->fd);
	free(a);
	return NULL;
}

static int listen_on(bool quic, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(addr, opt.port, &ss);
	int one = 1, fd;

	fd = socket(ss.ss_family, SOCK_STREAM, quic ? IPPROTO_QUIC : 0);
	if (fd < 0 && quic && errno == EPROTONOSUPPORT) {
		/* no quic.ko: still useful for TCP and kTLS */
		msg("server: QUIC not available (modprobe quic?), serving TCP and kTLS only");
		return -1;
	}
	if (fd < 0)
		die_errno(EXIT_SETUP, "socket(%s)", quic ? "IPPROTO_QUIC" :
			  "TCP");
	if (!quic)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Offered to every client; only one that asks too goes unencrypted. */
	if (quic && opt.no_encryption && set_no_encryption(fd))
		die_errno(EXIT_SETUP, "disable_1rtt_encryption");
	if (bind(fd, (struct sockaddr *)&ss, len))
		die_errno(EXIT_SETUP, "bind %s port %d (%s)", addr, opt.port,
			  quic ? "QUIC" : "TCP");
	if (listen(fd, 1024))
		die_errno(EXIT_SETUP, "listen");
	return fd;
}

static int run_server(void)
{
	const char *addr = opt.bind_addr ? opt.bind_addr : "0.0.0.0";
	struct pollfd pfd[2];
	pthread_attr_t attr;
	struct srv_arg *a;
	socklen_t plen;
	pthread_t th;
	int i;

	pfd[0].fd = listen_on(true, addr);
	pfd[1].fd = listen_on(false, addr);
	pfd[0].events = pfd[1].events = POLLIN;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Small stacks: a handshake-rate test makes many threads. */
	pthread_attr_setstacksize(&attr, 256 * 1024);
	msg("Server listening on %s port %d (%stcp, ktls)", addr, opt.port,
	    pfd[0].fd >= 0 ? "quic, " : "");
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno(EXIT_FAIL, "poll");
		}
		for (i = 0; i < 2; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			a = calloc(1, sizeof(*a));
			if (!a)
				die(EXIT_SETUP, "out of memory");
			plen = sizeof(a->peer);
			a->quic = i == 0;
			a->fd = accept(pfd[i].fd, (struct sockaddr *)&a->peer,
				       &plen);
			if (a->fd < 0) {
				msg("server: accept: %s", strerror(errno));
				free(a);
				continue;
			}
			if (pthread_create(&th, &attr, server_conn, a)) {
				msg("server: cannot start a thread");
				close(a->fd);
				free(a);
			}
		}
	}
}

/* ---- client ---- */

struct worker {
	pthread_t th;
	struct conn c;
	_Atomic uint64_t bytes;		/* moved so far, read by the reporter */
	atomic_bool done;
	bool ok;
	double t0, t1;			/* our send or receive period */
	uint64_t peer_bytes;		/* the receiver's count (trailer) */
	double peer_secs;
	uint32_t retransmits;
	uint64_t budget;		/* -n share of this connection */
	uint64_t prev_bytes;		/* at the start of this interval */
	uint32_t prev_retr;
	char lip[INET6_ADDRSTRLEN], rip[INET6_ADDRSTRLEN];
	int lport, rport;
	uint32_t *rtt_us;		/* latency mode samples */
	size_t nrtt, rtt_cap;
	uint64_t handshakes, failed;	/* handshake mode */
};

struct interval {
	double start, end;
	uint64_t *bytes;		/* per worker */
	uint32_t *retr;
};

static struct worker *workers;
static struct interval *intervals;
static unsigned int nintervals, intervals_cap;
static uint64_t test_id;
static double t_start;
static enum transport client_transport;
static const char *neg_cipher = "none";

static int client_connect(struct conn *c)
{
	enum transport t = client_transport;
	struct sockaddr_storage ss;
	socklen_t len = make_addr(opt.host, opt.port, &ss);
	int fd;

	fd = socket(ss.ss_family, SOCK_STREAM, t == T_QUIC ? IPPROTO_QUIC : 0);
	if (fd < 0) {
		msg("socket: %s", strerror(errno));
		return -1;
	}
	if (t == T_QUIC && opt.no_encryption && set_no_encryption(fd)) {
		msg("disable_1rtt_encryption: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		msg("connect %s port %d: %s", opt.host, opt.port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	conn_init(c, fd, t);
	if (conn_handshake(c, false)) {
		close(fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

/* The hello, then the server's ready byte. */
static int client_hello(struct conn *c, enum mode mode, uint64_t bytes,
			uint64_t count)
{
	struct hello h;
	uint8_t r;

	hello_encode(&h, mode, test_id, bytes, count);
	if (conn_write(c, &h, sizeof(h)))
		return -1;
	if (mode == M_END)
		return 0;
	if (conn_read_full(c, &r, 1))
		return -1;
	if (r != READY_BYTE) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static void worker_addrs(struct worker *w)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (!getsockname(w->c.fd, (struct sockaddr *)&ss, &len))
		addr_str(&ss, w->lip, sizeof(w->lip), &w->lport);
	len = sizeof(ss);
	if (!getpeername(w->c.fd, (struct sockaddr *)&ss, &len))
		addr_str(&ss, w->rip, sizeof(w->rip), &w->rport);
}

static void *stream_worker(void *arg)
{
	struct worker *w = arg;
	struct trailer tr;
	int64_t got;

	w->t0 = now();
	if (!opt.reverse) {
		if (opt.nodelay)
			set_nodelay(&w->c);
		w->ok = !send_data(&w->c, opt.len, opt.bytes ? 0 : opt.duration,
				   w->budget, &w->bytes, &w->t1);
		w->retransmits = tcp_retransmits(&w->c);
		w->ok = w->ok && !conn_finish(&w->c) &&
			!conn_read_full(&w->c, &tr, sizeof(tr));
		if (w->ok) {
			w->peer_bytes = be64toh(tr.bytes);
			w->peer_secs = (double)be64toh(tr.usec) / 1e6;
		} else {
			msg("[%2u] transfer failed: %s",
			    (unsigned int)(w - workers) + 1, strerror(errno));
		}
	} else {
		got = recv_data(&w->c, opt.len, &w->bytes);
		w->t1 = now();
		w->ok = got >= 0;
		tr.bytes = htobe64(w->ok ? (uint64_t)got : 0);
		tr.usec = htobe64((uint64_t)((w->t1 - w->t0) * 1e6));
		w->ok = w->ok && !conn_write(&w->c, &tr, sizeof(tr)) &&
			!conn_finish(&w->c);
		if (w->ok)
			wait_peer_close(&w->c);
		else
			msg("[%2u] transfer failed: %s",
			    (unsigned int)(w - workers) + 1, strerror(errno));
		/* A clean FIN: everything the sender wrote arrived. */
		w->peer_bytes = w->ok ? (uint64_t)got : 0;
		w->peer_secs = w->t1 - w->t0;
	}
	conn_close(&w->c);
	atomic_store(&w->done, true);
	return NULL;
}

static void *latency_worker(void *arg)
{
	struct worker *w = arg;
	uint64_t limit = opt.bytes / opt.parallel;
	uint8_t b = 'x';
	double stop, t;

	set_nodelay(&w->c);
	w->t0 = now();
	stop = opt.bytes ? 0 : w->t0 + opt.duration;
	w->ok = true;
	while (!stop_flag && (limit ? w->nrtt < limit : now() < stop)) {
		t = now();
		if (conn_write(&w->c, &b, 1) || conn_read_full(&w->c, &b, 1)) {
			msg("[%2u] ping-pong failed: %s",
			    (unsigned int)(w - workers) + 1, strerror(errno));
			w->ok = false;
			break;
		}
		if (w->nrtt == w->rtt_cap) {
			w->rtt_cap = w->rtt_cap ? 2 * w->rtt_cap : 4096;
			w->rtt_us = realloc(w->rtt_us,
					    w->rtt_cap * sizeof(*w->rtt_us));
			if (!w->rtt_us)
				die(EXIT_SETUP, "out of memory");
		}
		w->rtt_us[w->nrtt++] = (uint32_t)((now() - t) * 1e6);
		atomic_fetch_add_explicit(&w->bytes, 1, memory_order_relaxed);
	}
	w->t1 = now();
	/* Our FIN; the server answers with its own when it has seen it. */
	if (w->ok && (conn_finish(&w->c) || conn_read(&w->c, &b, 1) != 0))
		w->ok = false;
	conn_close(&w->c);
	atomic_store(&w->done, true);
	return NULL;
}

static void *handshake_worker(void *arg)
{
	struct worker *w = arg;
	uint64_t limit = opt.bytes / opt.parallel;
	double stop = t_start + opt.duration;
	struct conn c;

	w->t0 = now();
	while (!stop_flag && (limit ? w->handshakes < limit : now() < stop)) {
		if (client_connect(&c)) {
			w->failed++;
			continue;
		}
		if (client_hello(&c, M_HANDSHAKE, 0, 0))
			w->failed++;
		else
			w->handshakes++;
		conn_close(&c);
	}
	w->t1 = now();
	w->ok = !w->failed;
	atomic_store(&w->done, true);
	return NULL;
}

static void fmt_bytes(char *buf, size_t len, uint64_t b)
{
	if (b >= 1024ULL * 1024 * 1024)
		snprintf(buf, len, "%6.2f GBytes", (double)b / (1 << 30));
	else if (b >= 1024 * 1024)
		snprintf(buf, len, "%6.2f MBytes", (double)b / (1 << 20));
	else
		snprintf(buf, len, "%6.2f KBytes", (double)b / 1024);
}

static void print_row(const char *id, double a, double b, uint64_t bytes,
		      const char *tail)
{
	char sz[32];

	fmt_bytes(sz, sizeof(sz), bytes);
	msg("[%4s] %7.2f-%-7.2f s  %s  %9.2f Mbit/s%s", id, a, b, sz,
	    mbits(bytes, b - a), tail);
}

/* Close one reporting interval: per-worker deltas since the last one. */
static void take_interval(double t)
{
	struct interval *iv;
	uint64_t sum = 0, cur;
	uint32_t rsum = 0, r;
	unsigned int i;
	char id[12], tail[32];

	if (nintervals == intervals_cap) {
		intervals_cap = intervals_cap ? 2 * intervals_cap : 64;
		intervals = realloc(intervals,
				    intervals_cap * sizeof(*intervals));
		if (!intervals)
			die(EXIT_SETUP, "out of memory");
	}
	iv = &intervals[nintervals++];
	iv->start = nintervals > 1 ? intervals[nintervals - 2].end : 0;
	iv->end = t - t_start;
	iv->bytes = calloc(opt.parallel, sizeof(*iv->bytes));
	iv->retr = calloc(opt.parallel, sizeof(*iv->retr));
	if (!iv->bytes || !iv->retr)
		die(EXIT_SETUP, "out of memory");
	for (i = 0; i < opt.parallel; i++) {
		struct worker *w = &workers[i];

		cur = atomic_load_explicit(&w->bytes, memory_order_relaxed);
		iv->bytes[i] = cur - w->prev_bytes;
		w->prev_bytes = cur;
		r = atomic_load(&w->done) ? w->retransmits :
					    tcp_retransmits(&w->c);
		iv->retr[i] = r >= w->prev_retr ? r - w->prev_retr : 0;
		w->prev_retr = r;
		sum += iv->bytes[i];
		rsum += iv->retr[i];
		if (opt.parallel > 1 || !opt.json) {
			snprintf(id, sizeof(id), "%u", i + 1);
			snprintf(tail, sizeof(tail), "  %5u retr",
				 iv->retr[i]);
			if (!opt.json)
				print_row(id, iv->start, iv->end,
					  iv->bytes[i], opt.reverse ? "" : tail);
		}
	}
	if (opt.parallel > 1 && !opt.json) {
		snprintf(tail, sizeof(tail), "  %5u retr", rsum);
		print_row("SUM", iv->start, iv->end, sum,
			  opt.reverse ? "" : tail);
	}
}

/* Wait for the workers, reporting every opt.interval seconds. */
static void watch_workers(void)
{
	double next = t_start + opt.interval, t;
	unsigned int i, done;
	struct timespec ts;

	for (;;) {
		for (i = 0, done = 0; i < opt.parallel; i++)
			done += atomic_load(&workers[i].done);
		t = now();
		if (opt.interval > 0 && (t >= next || done == opt.parallel)) {
			/* a last sliver of an interval is not worth a line,
			 * unless the whole test was that short
			 */
			if (t >= next || t - (next - opt.interval) > 0.05 ||
			    !nintervals)
				take_interval(t);
			next += opt.interval;
		}
		if (done == opt.parallel)
			break;
		t = next - now();
		if (t > 0.01 || opt.interval <= 0)
			t = 0.01;
		if (t > 0) {
			ts.tv_sec = 0;
			ts.tv_nsec = (long)(t * 1e9);
			nanosleep(&ts, NULL);
		}
	}
	for (i = 0; i < opt.parallel; i++)
		pthread_join(workers[i].th, NULL);
}

static double cpu_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* JSON: a "sum"-like object for intervals and end. */
static void json_sum(FILE *f, const char *name, double a, double b,
		     uint64_t bytes, long long retr, bool sender, bool comma)
{
	fprintf(f, "\t\t\"%s\": {\"start\": %.6f, \"end\": %.6f, \"seconds\": %.6f, \"bytes\": %llu, \"bits_per_second\": %.3f",
		name, a, b, b - a, (unsigned long long)bytes,
		mbits(bytes, b - a) * 1e6);
	if (retr >= 0)
		fprintf(f, ", \"retransmits\": %lld", retr);
	fprintf(f, ", \"omitted\": false, \"sender\": %s}%s\n",
		sender ? "true" : "false", comma ? "," : "");
}

static void json_start(FILE *f, const char *mode)
{
	struct utsname u;
	unsigned int i;
	time_t t = time(NULL);
	char ts[64];

	uname(&u);
	strftime(ts, sizeof(ts), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&t));
	fprintf(f, "{\n\t\"start\": {\n\t\t\"connected\": [");
	for (i = 0; i < opt.parallel && workers; i++)
		fprintf(f, "%s\n\t\t\t{\"socket\": %u, \"local_host\": \"%s\", \"local_port\": %d, \"remote_host\": \"%s\", \"remote_port\": %d}",
			i ? "," : "", i + 1, workers[i].lip, workers[i].lport,
			workers[i].rip, workers[i].rport);
	fprintf(f, "],\n\t\t\"version\": \"quic_perf 1.0\",\n");
	fprintf(f, "\t\t\"system_info\": \"%s %s %s %s\",\n", u.sysname,
		u.nodename, u.release, u.machine);
	fprintf(f, "\t\t\"timestamp\": {\"time\": \"%s\", \"timesecs\": %lld},\n",
		ts, (long long)t);
	fprintf(f, "\t\t\"connecting_to\": {\"host\": \"%s\", \"port\": %d},\n",
		opt.host, opt.port);
	fprintf(f, "\t\t\"cookie\": \"%016llx\",\n", (unsigned long long)test_id);
	fprintf(f, "\t\t\"test_start\": {\"protocol\": \"%s\", \"num_streams\": %u, \"blksize\": %zu, \"omit\": 0, \"duration\": %g, \"bytes\": %llu, \"blocks\": 0, \"reverse\": %d, \"tos\": 0},\n",
		transport_names[client_transport], opt.parallel, opt.len,
		opt.bytes ? 0 : opt.duration, (unsigned long long)opt.bytes,
		opt.reverse);
	/* ours, beyond iperf3's layout */
	fprintf(f, "\t\t\"transport\": \"%s\", \"cipher\": \"%s\", \"encrypted\": %s, \"mode\": \"%s\"\n\t},\n",
		transport_names[client_transport], neg_cipher,
		strcmp(neg_cipher, "none") ? "true" : "false", mode);
}

static void json_cpu(FILE *f, const struct rusage *r0, const struct rusage *r1,
		     double secs)
{
	double u = cpu_seconds(&r1->ru_utime) - cpu_seconds(&r0->ru_utime);
	double s = cpu_seconds(&r1->ru_stime) - cpu_seconds(&r0->ru_stime);

	if (secs <= 0)
		secs = 1e-9;
	fprintf(f, "\t\t\"cpu_utilization_percent\": {\"host_total\": %.3f, \"host_user\": %.3f, \"host_system\": %.3f}\n",
		100 * (u + s) / secs, 100 * u / secs, 100 * s / secs);
}

static int report_stream(const struct rusage *r0, const struct rusage *r1)
{
	uint64_t sent = 0, rcvd = 0;
	double s_secs = 0, r_secs = 0;
	long long retr = client_transport == T_QUIC || opt.reverse ? -1 : 0;
	unsigned int i, k, bad = 0;
	FILE *f = stdout;
	char id[12];

	for (i = 0; i < opt.parallel; i++) {
		struct worker *w = &workers[i];
		double mine = w->t1 - w->t0;
		uint64_t b = atomic_load(&w->bytes);

		bad += !w->ok;
		if (opt.reverse) {
			rcvd += b;
			sent += w->peer_bytes;
			r_secs = mine > r_secs ? mine : r_secs;
			s_secs = w->peer_secs > s_secs ? w->peer_secs : s_secs;
		} else {
			sent += b;
			rcvd += w->peer_bytes;
			s_secs = mine > s_secs ? mine : s_secs;
			r_secs = w->peer_secs > r_secs ? w->peer_secs : r_secs;
			if (retr >= 0)
				retr += w->retransmits;
		}
		if (!opt.json && opt.parallel > 1) {
			snprintf(id, sizeof(id), "%u", i + 1);
			print_row(id, 0, opt.reverse ? w->peer_secs : mine,
				  opt.reverse ? w->peer_bytes : b, "  sender");
			print_row(id, 0, opt.reverse ? mine : w->peer_secs,
				  opt.reverse ? b : w->peer_bytes,
				  "  receiver");
		}
	}
	if (!opt.json) {
		msg("- - - - - - - - - - - - - - - - - - - - - - - - -");
		print_row("SUM", 0, s_secs, sent, "  sender");
		print_row("SUM", 0, r_secs, rcvd, "  receiver");
		msg("quic_perf: %s %s, %zu byte writes, %u connection%s%s",
		    transport_names[client_transport], neg_cipher, opt.len,
		    opt.parallel, opt.parallel > 1 ? "s" : "",
		    bad ? ", FAILED" : "");
		return bad ? EXIT_FAIL : 0;
	}
	json_start(f, "stream");
	fprintf(f, "\t\"intervals\": [");
	for (k = 0; k < nintervals; k++) {
		struct interval *iv = &intervals[k];
		uint64_t sum = 0;
		long long rs = retr >= 0 ? 0 : -1;

		fprintf(f, "%s\n\t\t{\"streams\": [", k ? "," : "");
		for (i = 0; i < opt.parallel; i++) {
			fprintf(f, "%s{\"socket\": %u, \"start\": %.6f, \"end\": %.6f, \"seconds\": %.6f, \"bytes\": %llu, \"bits_per_second\": %.3f",
				i ? ", " : "", i + 1, iv->start, iv->end,
				iv->end - iv->start,
				(unsigned long long)iv->bytes[i],
				mbits(iv->bytes[i], iv->end - iv->start) * 1e6);
			if (rs >= 0)
				fprintf(f, ", \"retransmits\": %u",
					iv->retr[i]);
			fprintf(f, ", \"omitted\": false, \"sender\": %s}",
				opt.reverse ? "false" : "true");
			sum += iv->bytes[i];
			if (rs >= 0)
				rs += iv->retr[i];
		}
		fprintf(f, "],\n\t\t \"sum\": {\"start\": %.6f, \"end\": %.6f, \"seconds\": %.6f, \"bytes\": %llu, \"bits_per_second\": %.3f",
			iv->start, iv->end, iv->end - iv->start,
			(unsigned long long)sum,
			mbits(sum, iv->end - iv->start) * 1e6);
		if (rs >= 0)
			fprintf(f, ", \"retransmits\": %lld", rs);
		fprintf(f, ", \"omitted\": false, \"sender\": %s}}",
			opt.reverse ? "false" : "true");
	}
	fprintf(f, "\n\t],\n\t\"end\": {\n\t\t\"streams\": [");
	for (i = 0; i < opt.parallel; i++) {
		struct worker *w = &workers[i];
		double mine = w->t1 - w->t0;
		uint64_t b = atomic_load(&w->bytes);

		fprintf(f, "%s\n\t\t{\"sender\": {\"socket\": %u, \"start\": 0, \"end\": %.6f, \"seconds\": %.6f, \"bytes\": %llu, \"bits_per_second\": %.3f",
			i ? "," : "", i + 1,
			opt.reverse ? w->peer_secs : mine,
			opt.reverse ? w->peer_secs : mine,
			(unsigned long long)(opt.reverse ? w->peer_bytes : b),
			opt.reverse ? mbits(w->peer_bytes, w->peer_secs) * 1e6 :
				      mbits(b, mine) * 1e6);
		if (retr >= 0)
			fprintf(f, ", \"retransmits\": %u", w->retransmits);
		fprintf(f, ", \"sender\": true},\n\t\t \"receiver\": {\"socket\": %u, \"start\": 0, \"end\": %.6f, \"seconds\": %.6f, \"bytes\": %llu, \"bits_per_second\": %.3f, \"sender\": false}}",
			i + 1,
			opt.reverse ? mine : w->peer_secs,
			opt.reverse ? mine : w->peer_secs,
			(unsigned long long)(opt.reverse ? b : w->peer_bytes),
			opt.reverse ? mbits(b, mine) * 1e6 :
				      mbits(w->peer_bytes, w->peer_secs) * 1e6);
	}
	fprintf(f, "\n\t\t],\n");
	json_sum(f, "sum_sent", 0, s_secs, sent, retr, true, true);
	json_sum(f, "sum_received", 0, r_secs, rcvd, -1, false, true);
	json_cpu(f, r0, r1, s_secs > r_secs ? s_secs : r_secs);
	fprintf(f, "\t}%s\n}\n", bad ? ",\n\t\"error\": \"transfer failed\"" :
				       "");
	fflush(f);
	return bad ? EXIT_FAIL : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static uint32_t percentile(const uint32_t *v, size_t n, unsigned int p)
{
	size_t rank = (n * p + 99) / 100;

	return n ? v[rank ? rank - 1 : 0] : 0;
}

static int report_latency(void)
{
	size_t n = 0, k = 0;
	uint32_t *all;
	unsigned int i, bad = 0;
	double sum = 0;

	for (i = 0; i < opt.parallel; i++) {
		n += workers[i].nrtt;
		bad += !workers[i].ok;
	}
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all)
		die(EXIT_SETUP, "out of memory");
	for (i = 0; i < opt.parallel; i++) {
		memcpy(all + k, workers[i].rtt_us,
		       workers[i].nrtt * sizeof(*all));
		k += workers[i].nrtt;
	}
	qsort(all, n, sizeof(*all), cmp_u32);
	for (k = 0; k < n; k++)
		sum += all[k];
	if (!n)
		bad++;
	if (opt.json) {
		json_start(stdout, "latency");
		printf("\t\"intervals\": [],\n\t\"end\": {\n\t\t\"latency\": {\"round_trips\": %zu, \"message_bytes\": 1, \"min_us\": %u, \"mean_us\": %.1f, \"p50_us\": %u, \"p99_us\": %u, \"max_us\": %u}%s\n\t}\n}\n",
		       n, n ? all[0] : 0, n ? sum / (double)n : 0,
		       percentile(all, n, 50), percentile(all, n, 99),
		       n ? all[n - 1] : 0,
		       bad ? ",\n\t\t\"error\": \"ping-pong failed\"" : "");
	} else {
		msg("latency: %s %s, %zu round trips of 1 byte: min %u us, p50 %u us, p99 %u us, max %u us, mean %.1f us%s",
		    transport_names[client_transport], neg_cipher, n,
		    n ? all[0] : 0, percentile(all, n, 50),
		    percentile(all, n, 99), n ? all[n - 1] : 0,
		    n ? sum / (double)n : 0, bad ? ", FAILED" : "");
	}
	free(all);
	return bad ? EXIT_FAIL : 0;
}

/* The closing M_END hello: tells the server the test is over. */
static void client_end(uint64_t count)
{
	struct conn c;

	if (client_connect(&c) || client_hello(&c, M_END, 0, count)) {
		msg("could not tell the server the test ended");
		return;
	}
	wait_peer_close(&c);
	conn_close(&c);
}

static int report_handshakes(void)
{
	uint64_t hs = 0, failed = 0;
	double secs = 0, d;
	unsigned int i;

	for (i = 0; i < opt.parallel; i++) {
		hs += workers[i].handshakes;
		failed += workers[i].failed;
		d = workers[i].t1 - t_start;
		secs = d > secs ? d : secs;
	}
	client_end(hs);
	if (opt.json) {
		json_start(stdout, "handshake");
		printf("\t\"intervals\": [],\n\t\"end\": {\n\t\t\"handshakes\": {\"count\": %llu, \"failed\": %llu, \"seconds\": %.6f, \"per_second\": %.3f}\n\t}\n}\n",
		       (unsigned long long)hs, (unsigned long long)failed,
		       secs, secs > 0 ? (double)hs / secs : 0);
	} else {
		msg("handshakes: %s %s, %llu in %.3f s = %.1f connections/s, %llu failed",
		    transport_names[client_transport], neg_cipher,
		    (unsigned long long)hs, secs,
		    secs > 0 ? (double)hs / secs : 0,
		    (unsigned long long)failed);
	}
	return failed || !hs ? EXIT_FAIL : 0;
}

/* Open N connections, hold them idle, then let them go. */
static int run_idle(void)
{
	struct conn *c = calloc(opt.idle_conns, sizeof(*c));
	double stop;
	unsigned int i;

	if (!c)
		die(EXIT_SETUP, "out of memory");
	for (i = 0; i < opt.idle_conns; i++) {
		if (client_connect(&c[i]) ||
		    client_hello(&c[i], M_IDLE, opt.bytes, 0) ||
		    (opt.bytes &&
		     idle_exchange(&c[i], opt.len, opt.bytes, true))) {
			msg("idle: connection %u failed: %s", i + 1,
			    strerror(errno));
			return EXIT_FAIL;
		}
	}
	if (opt.bytes)
		msg("idle: %u connections open, %llu bytes sent and received on each",
		    opt.idle_conns, (unsigned long long)opt.bytes);
	else
		msg("idle: %u connections open", opt.idle_conns);
	stop = now() + opt.duration;
	while (!stop_flag && now() < stop)
		usleep(20000);
	client_end(opt.idle_conns);
	for (i = 0; i < opt.idle_conns; i++)
		conn_close(&c[i]);
	msg("idle: %u connections closed", opt.idle_conns);
	free(c);
	return 0;
}

static int run_client(void)
{
	void *(*fn)(void *) = stream_worker;
	struct rusage r0, r1;
	unsigned int i;
	struct conn probe;

	if (getentropy(&test_id, sizeof(test_id)))
		test_id = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	client_transport = opt.transport;
	if (client_transport == T_KTLS && opt.no_encryption)
		client_transport = T_TCP;	/* kTLS without a cipher */
	if (opt.mode == M_IDLE)
		return run_idle();

	workers = calloc(opt.parallel, sizeof(*workers));
	if (!workers)
		die(EXIT_SETUP, "out of memory");
	if (opt.mode == M_HANDSHAKE) {
		/* one probe for the negotiated cipher, then the clock */
		if (client_connect(&probe) ||
		    client_hello(&probe, M_HANDSHAKE, 0, 0))
			return EXIT_HANDSHAKE;
		neg_cipher = cipher_name(&probe);
		conn_close(&probe);
		fn = handshake_worker;
	} else {
		for (i = 0; i < opt.parallel; i++) {
			struct worker *w = &workers[i];

			if (client_connect(&w->c))
				return EXIT_HANDSHAKE;
			/* -n split over the connections, none left over */
			w->budget = opt.bytes / opt.parallel +
				    (i ? 0 : opt.bytes % opt.parallel);
			if (opt.bytes && !w->budget) {
				msg("-n %llu is less than a byte per connection",
				    (unsigned long long)opt.bytes);
				return EXIT_SETUP;
			}
			if (client_hello(&w->c, opt.mode, w->budget, 0)) {
				msg("hello: %s", strerror(errno));
				return EXIT_FAIL;
			}
			worker_addrs(w);
			neg_cipher = cipher_name(&w->c);
			if (!opt.json && opt.mode == M_STREAM)
				msg("[%4u] local %s port %d connected to %s port %d (%s, %s)",
				    i + 1, w->lip, w->lport, w->rip, w->rport,
				    transport_names[client_transport],
				    neg_cipher);
		}
		if (opt.mode == M_LATENCY)
			fn = latency_worker;
	}
	if (!opt.json && opt.mode == M_STREAM)
		msg("[  ID] Interval           Transfer        Bitrate");
	getrusage(RUSAGE_SELF, &r0);
	t_start = now();
	for (i = 0; i < opt.parallel; i++)
		if (pthread_create(&workers[i].th, NULL, fn, &workers[i]))
			die(EXIT_SETUP, "cannot start a thread");
	if (opt.mode == M_STREAM) {
		watch_workers();
	} else {
		for (i = 0; i < opt.parallel; i++)
			pthread_join(workers[i].th, NULL);
	}
	getrusage(RUSAGE_SELF, &r1);
	switch (opt.mode) {
	case M_HANDSHAKE:
		return report_handshakes();
	case M_LATENCY:
		return report_latency();
	default:
		return report_stream(&r0, &r1);
	}
}

/* ---- main ---- */

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: quic_perf -s [-B ADDR] [-p PORT] [-1] (--cert F --key F | --psk F)\n"
		"                 [--no-encryption]\n"
		"       quic_perf -c HOST [-p PORT] [--quic|--tcp|--ktls] [-t SECS | -n N]\n"
		"                 [-l LEN] [-P N] [-R] [-N] [-J] [-i SECS] [--cipher NAME]\n"
		"                 [--no-encryption] [--psk F | --ca F]\n"
		"                 [--handshakes | --latency | --idle N]\n"
		"  -s, --server        serve QUIC (UDP) and TCP/kTLS on PORT\n"
		"  -c, --client HOST   run a test against HOST (numeric address)\n"
		"  -p, --port PORT     port, default %d\n"
		"  -B, --bind ADDR     server address, default 0.0.0.0\n"
		"  -1, --one-off       server: exit after one test\n"
		"  -t, --time SECS     test length, default 10\n"
		"  -n, --bytes N       bytes to send instead of a time (K/M/G\n"
		"                      suffixes); with --handshakes/--latency:\n"
		"                      handshakes/round trips\n"
		"  -l, --len LEN       write size, default 64K\n"
		"  -P, --parallel N    connections, default 1\n"
		"  -R, --reverse       the server sends\n"
		"  -N, --no-delay      the sender turns Nagle's algorithm off\n"
		"                      (TCP_NODELAY, QUIC stream_data_nodelay)\n"
		"  -J, --json          iperf3-layout JSON on stdout\n"
		"  -i, --interval SECS report period, default 1 (0: none)\n"
		"  --quic | --tcp | --ktls   transport, default --quic\n"
		"  --cipher aes128|aes256|chacha20   default aes128\n"
		"  --no-encryption     QUIC: disable_1rtt_encryption (the server\n"
		"                      must offer it too); kTLS: plain TCP\n"
		"  --cert F --key F    server certificate and key (PEM)\n"
		"  --psk F             PSK file, identity:hexkey (psktool)\n"
		"  --ca F              client: verify the server against F\n"
		"  --handshakes        connections per second, each a full\n"
		"                      handshake and a one-byte exchange\n"
		"  --latency           1-byte ping-pong: p50/p99 round trip\n"
		"  --idle N            hold N idle connections for -t seconds;\n"
		"                      with -n, each first sends and receives\n"
		"                      that many bytes\n",
		DEFAULT_PORT);
	exit(code);
}

static uint64_t num(const char *s, const char *what)
{
	uint64_t v;

	if (qt_parse_u64(s, 10, true, &v))
		die(EXIT_SETUP, "bad %s '%s'", what, s);
	return v;
}

static double seconds(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0)
		die(EXIT_SETUP, "bad %s '%s'", what, s);
	return v;
}

enum {
	O_QUIC = 256, O_TCP, O_KTLS, O_CIPHER, O_NOENC, O_CERT, O_KEY, O_PSK,
	O_CA, O_HS, O_LAT, O_IDLE,
};

static const struct option longopts[] = {
	{ "server", no_argument, NULL, 's' },
	{ "client", required_argument, NULL, 'c' },
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'B' },
	{ "one-off", no_argument, NULL, '1' },
	{ "time", required_argument, NULL, 't' },
	{ "bytes", required_argument, NULL, 'n' },
	{ "len", required_argument, NULL, 'l' },
	{ "parallel", required_argument, NULL, 'P' },
	{ "reverse", no_argument, NULL, 'R' },
	{ "no-delay", no_argument, NULL, 'N' },
	{ "json", no_argument, NULL, 'J' },
	{ "interval", required_argument, NULL, 'i' },
	{ "quic", no_argument, NULL, O_QUIC },
	{ "tcp", no_argument, NULL, O_TCP },
	{ "ktls", no_argument, NULL, O_KTLS },
	{ "cipher", required_argument, NULL, O_CIPHER },
	{ "no-encryption", no_argument, NULL, O_NOENC },
	{ "cert", required_argument, NULL, O_CERT },
	{ "key", required_argument, NULL, O_KEY },
	{ "psk", required_argument, NULL, O_PSK },
	{ "ca", required_argument, NULL, O_CA },
	{ "handshakes", no_argument, NULL, O_HS },
	{ "latency", no_argument, NULL, O_LAT },
	{ "idle", required_argument, NULL, O_IDLE },
	{ "help", no_argument, NULL, 'h' },
	{}
};

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int i;
	int c;

	while ((c = getopt_long(argc, argv, "sc:p:B:1t:n:l:P:RNJi:h", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's': opt.server = true; break;
		case 'c': opt.host = optarg; break;
		case 'p': opt.port = (int)num(optarg, "port"); break;
		case 'B': opt.bind_addr = optarg; break;
		case '1': opt.one_off = true; break;
		case 't': opt.duration = seconds(optarg, "time"); break;
		case 'n': opt.bytes = num(optarg, "byte count"); break;
		case 'l': opt.len = (size_t)num(optarg, "length"); break;
		case 'P':
			opt.parallel = (unsigned int)num(optarg, "parallel");
			break;
		case 'R': opt.reverse = true; break;
		case 'N': opt.nodelay = true; break;
		case 'J': opt.json = true; break;
		case 'i': opt.interval = seconds(optarg, "interval"); break;
		case O_QUIC: opt.transport = T_QUIC; break;
		case O_TCP: opt.transport = T_TCP; break;
		case O_KTLS: opt.transport = T_KTLS; break;
		case O_CIPHER:
			for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
				if (!strcmp(optarg, ciphers[i].arg) ||
				    !strcmp(optarg, ciphers[i].report))
					break;
			if (i == sizeof(ciphers) / sizeof(ciphers[0]))
				die(EXIT_SETUP, "unknown cipher '%s' (aes128, aes256, chacha20)",
				    optarg);
			opt.cipher = &ciphers[i];
			break;
		case O_NOENC: opt.no_encryption = true; break;
		case O_CERT: opt.cert = optarg; break;
		case O_KEY: opt.key = optarg; break;
		case O_PSK: opt.psk = optarg; break;
		case O_CA: opt.ca = optarg; break;
		case O_HS: opt.mode = M_HANDSHAKE; break;
		case O_LAT: opt.mode = M_LATENCY; break;
		case O_IDLE:
			opt.mode = M_IDLE;
			opt.idle_conns = (unsigned int)num(optarg, "idle count");
			break;
		case 'h': usage(0); break;
		default: usage(EXIT_SETUP);
		}
	}
	if (optind != argc || opt.server == !!opt.host || opt.port <= 0 ||
	    opt.port > 65535)
		usage(EXIT_SETUP);
	if (!opt.len || opt.len > MAX_LEN)
		die(EXIT_SETUP, "-l must be 1..%d", MAX_LEN);
	if (!opt.parallel || opt.parallel > MAX_PARALLEL)
		die(EXIT_SETUP, "-P must be 1..%d", MAX_PARALLEL);
	if (opt.mode == M_IDLE && !opt.idle_conns)
		die(EXIT_SETUP, "--idle needs at least one connection");
	if (!opt.bytes && opt.duration <= 0)
		die(EXIT_SETUP, "-t must be > 0");
	/* TLS 1.3 binds a PSK to SHA-256; AES-256-GCM's suite is SHA-384. */
	if (opt.host && opt.psk && opt.cipher->tls == TLS_CIPHER_AES_GCM_256)
		die(EXIT_SETUP, "--cipher aes256 needs certificates, not --psk");
	if (opt.server && !opt.psk && (!opt.cert || !opt.key))
		die(EXIT_SETUP, "the server needs --cert and --key, or --psk");
	if (opt.host && opt.transport != T_TCP && !opt.psk && !opt.ca &&
	    !opt.no_encryption)
		fprintf(stderr, "quic_perf: no --psk or --ca: the server certificate is not verified\n");

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	/* A client stops early and reports; a server just goes. */
	if (!opt.server) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	gnutls_check(gnutls_global_init(), "gnutls_global_init");
	load_credentials();
	return opt.server ? run_server() : run_client();
}
