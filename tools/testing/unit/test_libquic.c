// SPDX-License-Identifier: GPL-2.0
/*
 * libquic without a kernel.  The library is compiled into this file with its
 * socket calls (sendmsg, recvmsg, setsockopt, getsockopt) redirected to a
 * fake kernel: two ends of a SOCK_SEQPACKET socketpair stand for a client
 * and a server QUIC socket, CRYPTO data travels as "level byte + bytes",
 * secrets and transport parameters are recorded per socket.  Real GnuTLS
 * handshakes then run through the library end to end, blocking (two threads)
 * and through the step API, and the test checks what reached the "kernel":
 * matching secrets, their order against the handshake messages, MSG_MORE,
 * transport parameters, close codes, ALPN, tickets and the key log.
 */
#include <linux/quic.h>		/* before the libc headers, on purpose */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "tap.h"

/* ------------------------------------------------------------------ */
/* The fake kernel                                                     */
/* ------------------------------------------------------------------ */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define FK_MAX_FD	256
#define FK_CLOSE	0xff	/* "level" of a connection close packet */

enum fk_mode { FK_UNUSED, FK_QUIC, FK_RAW };

struct fk_sock {
	enum fk_mode mode;
	bool server;
	uint32_t idle_us;			/* reported max_idle_timeout */
	uint32_t cipher;			/* config payload_cipher_type */
	size_t chunk;				/* split CRYPTO data */
	int tp_errno;				/* fail the peer's params */
	uint8_t tp_local[64];
	size_t tp_local_len;
	uint8_t tp_peer[512];
	size_t tp_peer_len;
	int tp_peer_sets;
	struct quic_crypto_secret secret[QUIC_CRYPTO_MAX][2];
	bool have[QUIC_CRYPTO_MAX][2];
	int secret_dups;
	char alpn[130];
	uint32_t close_code;
	bool close_set;
	bool peer_closed;
	uint8_t ticket_key[64];
	bool ticket_key_ok;
	char ev[2048];				/* what happened, in order */
	/* FK_RAW: the last quic_sendmsg()/quic_recvmsg() seen */
	int last_flags;
	size_t last_controllen;
	int last_cmsg_level, last_cmsg_type;
	size_t last_cmsg_len;
	struct quic_stream_info last_info;
	struct quic_stream_info inject;		/* recvmsg adds this */
	bool inject_info;
	int inject_msg_flags;
	int seen_recv_flags;
};

static struct fk_sock fk[FK_MAX_FD];
static pthread_mutex_t fk_lock = PTHREAD_MUTEX_INITIALIZER;

static struct fk_sock *fk_get(int fd)
{
	if (fd < 0 || fd >= FK_MAX_FD || fk[fd].mode == FK_UNUSED)
		return NULL;
	return &fk[fd];
}

static void fk_event(struct fk_sock *s, const char *fmt, ...)
{
	size_t n = strlen(s->ev);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->ev + n, sizeof(s->ev) - n, fmt, ap);
	va_end(ap);
}

static void fk_init_quic(int fd, bool server)
{
	struct fk_sock *s = &fk[fd];

	memset(s, 0, sizeof(*s));
	s->mode = FK_QUIC;
	s->server = server;
	s->idle_us = 10000000;
	s->tp_local_len = (size_t)snprintf((char *)s->tp_local,
					    sizeof(s->tp_local),
					    "tp-of-%s-%d",
					    server ? "server" : "client", fd);
	memset(s->ticket_key, 0x5a, sizeof(s->ticket_key));
	s->ticket_key_ok = true;
}

/* A connected pair: *cfd is the client socket, *sfd the server's. */
static int fk_pair(int *cfd, int *sfd)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -1;
	if (sv[0] >= FK_MAX_FD || sv[1] >= FK_MAX_FD)
		return -1;
	fk_init_quic(sv[0], false);
	fk_init_quic(sv[1], true);
	*cfd = sv[0];
	*sfd = sv[1];
	return 0;
}

static void fk_close(int fd)
{
	if (fd >= 0 && fd < FK_MAX_FD)
		memset(&fk[fd], 0, sizeof(fk[fd]));
	if (fd >= 0)
		close(fd);
}

static int fk_level_of(const struct msghdr *msg)
{
	struct quic_handshake_info info;
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level == SOL_QUIC &&
		    c->cmsg_type == QUIC_HANDSHAKE_INFO) {
			memcpy(&info, CMSG_DATA(c), sizeof(info));
			return info.crypto_level;
		}
	}
	return -1;
}

static ssize_t fake_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct fk_sock *s = fk_get(fd);
	uint8_t pkt[1 + 65536];
	size_t len, off, n;
	struct cmsghdr *c;
	int level;

	if (!s) {
		errno = EBADF;
		return -1;
	}
	if (s->mode == FK_RAW) {
		struct msghdr plain = *msg;

		s->last_flags = flags;
		s->last_controllen = msg->msg_controllen;
		s->last_cmsg_level = -1;
		c = msg->msg_controllen ?
			CMSG_FIRSTHDR((struct msghdr *)msg) : NULL;
		if (c) {
			s->last_cmsg_level = c->cmsg_level;
			s->last_cmsg_type = c->cmsg_type;
			s->last_cmsg_len = c->cmsg_len;
			memcpy(&s->last_info, CMSG_DATA(c),
			       sizeof(s->last_info));
		}
		plain.msg_control = NULL;
		plain.msg_controllen = 0;
		return sendmsg(fd, &plain, flags & MSG_DONTWAIT);
	}

	level = fk_level_of(msg);
	if (level < 0 || level >= QUIC_CRYPTO_MAX || msg->msg_iovlen != 1) {
		errno = EINVAL;
		return -1;
	}
	len = msg->msg_iov[0].iov_len;
	pthread_mutex_lock(&fk_lock);
	fk_event(s, "M%d%c ", level, flags & MSG_MORE ? '+' : '.');
	pthread_mutex_unlock(&fk_lock);

	for (off = 0; off < len || !len; off += n) {
		n = len - off;
		if (s->chunk && n > s->chunk)
			n = s->chunk;
		pkt[0] = (uint8_t)level;
		memcpy(pkt + 1, (uint8_t *)msg->msg_iov[0].iov_base + off, n);
		if (send(fd, pkt, n + 1, 0) < 0)
			return -1;
		if (!len)
			break;
	}
	return (ssize_t)len;
}

static ssize_t fake_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct fk_sock *s = fk_get(fd);
	struct quic_handshake_info info;
	uint8_t pkt[1 + 65536];
	struct cmsghdr *c;
	ssize_t n;

	if (!s) {
		errno = EBADF;
		return -1;
	}
	if (s->mode == FK_RAW) {
		size_t room = msg->msg_controllen;

		s->seen_recv_flags = flags;
		n = recvmsg(fd, msg, flags & MSG_DONTWAIT);
		if (n < 0)
			return n;
		msg->msg_flags = s->inject_msg_flags;
		msg->msg_controllen = room;
		if (s->inject_info &&
		    room >= CMSG_SPACE(sizeof(struct quic_stream_info))) {
			c = CMSG_FIRSTHDR(msg);
			c->cmsg_level = SOL_QUIC;
			c->cmsg_type = QUIC_STREAM_INFO;
			c->cmsg_len = CMSG_LEN(sizeof(s->inject));
			memcpy(CMSG_DATA(c), &s->inject, sizeof(s->inject));
			msg->msg_controllen =
				CMSG_SPACE(sizeof(struct quic_stream_info));
		} else {
			msg->msg_controllen = 0;
		}
		return n;
	}

	n = recv(fd, pkt, sizeof(pkt), flags & MSG_DONTWAIT);
	if (n < 0)
		return n;	/* like the kernel: msghdr untouched */
	if (!n) {
		msg->msg_controllen = 0;
		return 0;
	}
	if (pkt[0] == FK_CLOSE) {
		s->peer_closed = true;
		errno = ECONNREFUSED;
		return -1;
	}
	if ((size_t)(n - 1) > msg->msg_iov[0].iov_len) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(msg->msg_iov[0].iov_base, pkt + 1, n - 1);
	info.crypto_level = pkt[0];
	c = CMSG_FIRSTHDR(msg);
	c->cmsg_level = SOL_QUIC;
	c->cmsg_type = QUIC_HANDSHAKE_INFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	msg->msg_controllen = CMSG_SPACE(sizeof(info));
	msg->msg_flags = 0;
	pthread_mutex_lock(&fk_lock);
	fk_event(s, "R%d ", pkt[0]);
	pthread_mutex_unlock(&fk_lock);
	return n - 1;
}

static int fake_setsockopt(int fd, int level, int opt, const void *val,
			   socklen_t len)
{
	struct fk_sock *s = fk_get(fd);
	const struct quic_crypto_secret *sec = val;
	uint8_t pkt[5];
	int ret = 0;

	if (!s || level != SOL_QUIC)
		return setsockopt(fd, level, opt, val, len);
	pthread_mutex_lock(&fk_lock);
	switch (opt) {
	case QUIC_SOCKOPT_CRYPTO_SECRET:
		if (len != sizeof(*sec) || sec->level >= QUIC_CRYPTO_MAX) {
			errno = EINVAL;
			ret = -1;
			break;
		}
		if (s->have[sec->level][!!sec->send])
			s->secret_dups++;
		s->secret[sec->level][!!sec->send] = *sec;
		s->have[sec->level][!!sec->send] = true;
		fk_event(s, "K%d%c ", sec->level, sec->send ? 't' : 'r');
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		if (s->tp_errno) {
			errno = s->tp_errno;
			ret = -1;
			break;
		}
		if (len > sizeof(s->tp_peer)) {
			errno = EINVAL;
			ret = -1;
			break;
		}
		memcpy(s->tp_peer, val, len);
		s->tp_peer_len = len;
		s->tp_peer_sets++;
		break;
	case QUIC_SOCKOPT_ALPN:
		if (len >= sizeof(s->alpn)) {
			errno = EINVAL;
			ret = -1;
			break;
		}
		memcpy(s->alpn, val, len);
		s->alpn[len] = '\0';
		break;
	case QUIC_SOCKOPT_CONNECTION_CLOSE:
		s->close_code =
			((const struct quic_connection_close *)val)->errcode;
		s->close_set = true;
		pkt[0] = FK_CLOSE;
		memcpy(pkt + 1, &s->close_code, 4);
		send(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		break;
	default:
		errno = ENOPROTOOPT;
		ret = -1;
	}
	pthread_mutex_unlock(&fk_lock);
	return ret;
}

/* The client kernel keeps 1-RTT CRYPTO data (tickets) for this option. */
static int fk_take_ticket(int fd, void *val, socklen_t *len)
{
	uint8_t pkt[1 + 65536];
	socklen_t got = 0;
	ssize_t n;

	while ((n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT)) > 0) {
		if (pkt[0] != QUIC_CRYPTO_APP || got + n - 1 > *len)
			continue;
		memcpy((uint8_t *)val + got, pkt + 1, n - 1);
		got += n - 1;
	}
	*len = got;
	return 0;
}

static int fake_getsockopt(int fd, int level, int opt, void *val,
			   socklen_t *len)
{
	struct fk_sock *s = fk_get(fd);
	struct quic_transport_param param = {};
	struct quic_config cfg = {};
	int ret = 0;

	if (!s || level != SOL_QUIC)
		return getsockopt(fd, level, opt, val, len);
	pthread_mutex_lock(&fk_lock);
	switch (opt) {
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		if (*len < s->tp_local_len) {
			errno = EINVAL;
			ret = -1;
			break;
		}
		memcpy(val, s->tp_local, s->tp_local_len);
		*len = s->tp_local_len;
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM:
		param.max_idle_timeout = s->idle_us;
		*len = *len < sizeof(param) ? *len : sizeof(param);
		memcpy(val, &param, *len);
		break;
	case QUIC_SOCKOPT_CONFIG:
		cfg.payload_cipher_type = s->cipher;
		*len = *len < sizeof(cfg) ? *len : sizeof(cfg);
		memcpy(val, &cfg, *len);
		break;
	case QUIC_SOCKOPT_TOKEN:
		if (s->server) {
			errno = EINVAL;
			ret = -1;
			break;
		}
		*len = 0;
		break;
	case QUIC_SOCKOPT_SESSION_TICKET:
		if (s->server) {
			if (!s->ticket_key_ok || *len < sizeof(s->ticket_key)) {
				errno = EINVAL;
				ret = -1;
				break;
			}
			memcpy(val, s->ticket_key, sizeof(s->ticket_key));
			*len = sizeof(s->ticket_key);
			break;
		}
		ret = fk_take_ticket(fd, val, len);
		break;
	default:
		errno = ENOPROTOOPT;
		ret = -1;
	}
	pthread_mutex_unlock(&fk_lock);
	return ret;
}

/* Everything the library calls on a socket now lands above. */
#define sendmsg		fake_sendmsg
#define recvmsg		fake_recvmsg
#define setsockopt	fake_setsockopt
#define getsockopt	fake_getsockopt

#include "../../lib/quic/log.c"
#include "../../lib/quic/msg.c"
#include "../../lib/quic/parse.c"
#include "../../lib/quic/tls.c"
#include "../../lib/quic/handshake.c"
#include "../../lib/quic/session.c"
#include "../../lib/quic/client.c"
#include "../../lib/quic/server.c"
#include "../../lib/quic/replay.c"

#undef sendmsg
#undef recvmsg
#undef setsockopt
#undef getsockopt

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char tmpdir[64];
static char psk_file[128], psk_other[128], key_file[128], cert_file[128];
static gnutls_datum_t cert_pem;		/* the test CA = server certificate */

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");
	size_t n;

	if (!f)
		return -1;
	n = fwrite(data, 1, len, f);
	fclose(f);
	return n == len ? 0 : -1;
}

static char *read_file(const char *path)
{
	char *buf = NULL;
	size_t cap = 0, len = 0, n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	do {
		cap += 4096;
		buf = realloc(buf, cap + 1);
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* A self-signed ECDSA certificate for server.test, written as PEM files. */
static int make_cert(void)
{
	gnutls_x509_privkey_t key;
	gnutls_datum_t key_pem;
	gnutls_x509_crt_t crt;
	unsigned char serial[] = { 1 };
	unsigned int bits = GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1);
	time_t now = time(NULL);
	const char *err;
	int ret = -1;

	if (gnutls_x509_privkey_init(&key))
		return -1;
	if (gnutls_x509_crt_init(&crt))
		goto out_key;
	if (gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, bits, 0) ||
	    gnutls_x509_crt_set_version(crt, 3) ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) ||
	    gnutls_x509_crt_set_activation_time(crt, now - 3600) ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 86400) ||
	    gnutls_x509_crt_set_dn(crt, "CN=server.test", &err) ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME,
						 "server.test", 11,
						 GNUTLS_FSAN_SET) ||
	    gnutls_x509_crt_set_basic_constraints(crt, 1, -1) ||
	    gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
					  GNUTLS_KEY_KEY_CERT_SIGN) ||
	    gnutls_x509_crt_set_key(crt, key) ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) ||
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cert_pem) ||
	    gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &key_pem))
		goto out_crt;
	ret = write_file(cert_file, cert_pem.data, cert_pem.size) ||
	      write_file(key_file, key_pem.data, key_pem.size);
	gnutls_free(key_pem.data);
out_crt:
	gnutls_x509_crt_deinit(crt);
out_key:
	gnutls_x509_privkey_deinit(key);
	return ret;
}

static int setup_files(void)
{
	static const char psk[] =
		"# test keys\n\n"
		"alice:00112233445566778899aabbccddeeff\r\n"
		"bob:0f0e0d0c0b0a09080706050403020100\n";
	static const char other[] =
		"alice:ffeeddccbbaa99887766554433221100\n";

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/libquic-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(psk_file, sizeof(psk_file), "%s/psk", tmpdir);
	snprintf(psk_other, sizeof(psk_other), "%s/psk-other", tmpdir);
	snprintf(key_file, sizeof(key_file), "%s/key.pem", tmpdir);
	snprintf(cert_file, sizeof(cert_file), "%s/cert.pem", tmpdir);
	if (write_file(psk_file, psk, sizeof(psk) - 1) ||
	    write_file(psk_other, other, sizeof(other) - 1))
		return -1;
	return make_cert();
}

static void cleanup_files(void)
{
	static const char *const files[] = {
		psk_file, psk_other, key_file, cert_file,
	};
	char keylog[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		unlink(files[i]);
	snprintf(keylog, sizeof(keylog), "%s/keylog", tmpdir);
	unlink(keylog);
	rmdir(tmpdir);
	gnutls_free(cert_pem.data);
}

/* Log capture, to check messages and keep expected errors quiet. */
static char last_log[512];
static int log_count;

static void capture_log(int level, const char *msg)
{
	(void)level;
	snprintf(last_log, sizeof(last_log), "%s", msg);
	log_count++;
}

/* Both sides of a connection, each in its own thread. */
struct side {
	pthread_t thread;
	int fd;
	int ret;
	const char *pkey;
	const char *cert_or_host;
	const char *alpns;
	gnutls_session_t session;	/* quic_handshake() instead */
};

static void *server_main(void *arg)
{
	struct side *s = arg;

	if (s->session)
		s->ret = quic_handshake(s->session);
	else
		s->ret = quic_server_handshake(s->fd, s->pkey, s->cert_or_host,
					       s->alpns);
	return NULL;
}

static void *client_main(void *arg)
{
	struct side *s = arg;

	if (s->session)
		s->ret = quic_handshake(s->session);
	else
		s->ret = quic_client_handshake(s->fd, s->pkey, s->cert_or_host,
					       s->alpns);
	return NULL;
}

static void run_pair(struct side *c, struct side *s)
{
	pthread_create(&s->thread, NULL, server_main, s);
	pthread_create(&c->thread, NULL, client_main, c);
	pthread_join(c->thread, NULL);
	pthread_join(s->thread, NULL);
}

static bool secret_eq(const struct quic_crypto_secret *a,
		      const struct quic_crypto_secret *b)
{
	return a->level == b->level && a->type == b->type &&
	       !memcmp(a->secret, b->secret, sizeof(a->secret));
}

/* Client send secrets are the server's receive secrets, and back. */
static bool secrets_match(int cfd, int sfd, int level)
{
	struct fk_sock *c = &fk[cfd], *s = &fk[sfd];

	return c->have[level][1] && c->have[level][0] &&
	       s->have[level][1] && s->have[level][0] &&
	       secret_eq(&c->secret[level][1], &s->secret[level][0]) &&
	       secret_eq(&s->secret[level][1], &c->secret[level][0]) &&
	       c->secret[level][1].type != 0;
}

/* Position of the first/last token starting with @tok in an event log. */
static int ev_first(const char *ev, const char *tok)
{
	const char *p = strstr(ev, tok);

	return p ? (int)(p - ev) : -1;
}

static int ev_last(const char *ev, const char *tok)
{
	const char *p = ev, *last = NULL;

	while ((p = strstr(p, tok))) {
		last = p;
		p++;
	}
	return last ? (int)(last - ev) : -1;
}

/* Last Initial or Handshake message sent, as an event position. */
static int ev_last_hs_msg(const char *ev)
{
	int a = ev_last(ev, "M1"), b = ev_last(ev, "M2");

	return a > b ? a : b;
}

/*
 * MSG_MORE: every message sent is followed by another one in the same
 * flight ('+') unless the next event is a receive or the log ends ('.').
 */
static bool ev_more_ok(const char *ev)
{
	const char *p = ev, *next;
	bool more;

	while ((p = strchr(p, 'M'))) {
		more = p[2] == '+';
		next = p + 4;
		while (*next && *next != 'M' && *next != 'R')
			next += strcspn(next, " ") + 1;
		if (more != (*next == 'M'))
			return false;
		p = next;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Pure helpers                                                        */
/* ------------------------------------------------------------------ */

static void test_alpn_parse(void)
{
	struct quic_alpn_list l;
	char big[200];
	int ret;

	ret = quic_alpn_parse("h3", 2, &l);
	tap_result(!ret && l.count == 1 && l.proto[0].size == 2 &&
		   !memcmp(l.proto[0].data, "h3", 2),
		   "unit: libquic: alpn: single name");

	ret = quic_alpn_parse(" h3, smb ,ksmbd", 15, &l);
	tap_result(!ret && l.count == 3 && l.proto[1].size == 3 &&
		   !memcmp(l.proto[1].data, "smb", 3) &&
		   l.proto[2].size == 5,
		   "unit: libquic: alpn: list split, blanks trimmed");

	tap_result(quic_alpn_parse("", 0, &l) == -EINVAL &&
		   quic_alpn_parse(NULL, 3, &l) == -EINVAL,
		   "unit: libquic: alpn: empty list refused");
	tap_result(quic_alpn_parse("h3,,smb", 7, &l) == -EINVAL &&
		   quic_alpn_parse("h3,", 3, &l) == -EINVAL &&
		   quic_alpn_parse(",h3", 3, &l) == -EINVAL &&
		   quic_alpn_parse("h3, ,x", 6, &l) == -EINVAL,
		   "unit: libquic: alpn: empty names refused");
	tap_result(quic_alpn_parse("h3\0x", 4, &l) == -EINVAL,
		   "unit: libquic: alpn: embedded NUL refused");

	memset(big, 'a', sizeof(big));
	tap_result(quic_alpn_parse(big, 128, &l) == 0 && l.count == 1 &&
		   l.proto[0].size == 128,
		   "unit: libquic: alpn: 128 bytes accepted");
	tap_result(quic_alpn_parse(big, 129, &l) == -EINVAL,
		   "unit: libquic: alpn: 129 bytes refused");

	tap_result(quic_alpn_parse("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", 31,
				   &l) == 0 && l.count == 16 &&
		   quic_alpn_parse("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", 33,
				   &l) == -EINVAL,
		   "unit: libquic: alpn: at most 16 names");
}

static void test_session_alpn(void)
{
	gnutls_session_t s;
	char big[200];
	size_t len = sizeof(big);

	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	gnutls_init(&s, GNUTLS_CLIENT);
	tap_result(quic_session_set_alpn(s, "h3,smb", 6) == 0,
		   "unit: libquic: quic_session_set_alpn accepts a list");
	tap_result(quic_session_set_alpn(s, big, strlen(big)) == -EINVAL,
		   "unit: libquic: quic_session_set_alpn refuses > 128 bytes");
	tap_result(quic_session_get_alpn(s, big, &len) == -ENOENT,
		   "unit: libquic: quic_session_get_alpn before handshake: -ENOENT");
	gnutls_deinit(s);
}

static void test_psk_parse(void)
{
	static const char good[] =
		"# comment\n\n  alice:00ff10  \r\nbob:DEADbeef\n";
	struct quic_psk_list l;
	const struct quic_psk *p;
	char big[400];
	int ret;

	ret = quic_psk_parse(good, sizeof(good) - 1, &l);
	tap_result(!ret && l.count == 2 &&
		   !strcmp(l.psk[0].identity, "alice") &&
		   l.psk[0].keylen == 3 && l.psk[0].key[0] == 0x00 &&
		   l.psk[0].key[1] == 0xff && l.psk[0].key[2] == 0x10 &&
		   l.psk[1].keylen == 4 && l.psk[1].key[0] == 0xde &&
		   l.psk[1].key[3] == 0xef,
		   "unit: libquic: psk: identity:hexkey lines, comments, CRLF");
	p = ret ? NULL : quic_psk_find(&l, "bob");
	tap_result(p && p == &l.psk[1] && !quic_psk_find(&l, "carol"),
		   "unit: libquic: psk: lookup by identity");
	if (!ret)
		quic_psk_free(&l);

	tap_result(quic_psk_parse("alice:0", 7, &l) == -EINVAL,
		   "unit: libquic: psk: odd hex length refused");
	tap_result(quic_psk_parse("alice:zz", 8, &l) == -EINVAL,
		   "unit: libquic: psk: non-hex key refused");
	tap_result(quic_psk_parse("alice", 5, &l) == -EINVAL &&
		   quic_psk_parse(":0011", 5, &l) == -EINVAL &&
		   quic_psk_parse("alice:", 6, &l) == -EINVAL,
		   "unit: libquic: psk: missing colon, identity or key refused");
	tap_result(quic_psk_parse("a:00\nbroken\n", 12, &l) == -EINVAL,
		   "unit: libquic: psk: one bad line fails the file");
	tap_result(quic_psk_parse("\n# nothing\n", 11, &l) == -EINVAL,
		   "unit: libquic: psk: file without keys refused");
	snprintf(big, sizeof(big), "k:");
	memset(big + 2, 'a', 258);
	big[260] = '\0';
	tap_result(quic_psk_parse(big, 258, &l) == 0 && l.psk[0].keylen == 128,
		   "unit: libquic: psk: 128-byte key accepted");
	quic_psk_free(&l);
	tap_result(quic_psk_parse(big, 260, &l) == -EINVAL,
		   "unit: libquic: psk: 129-byte key refused");

	ret = quic_psk_load(psk_file, &l);
	tap_result(!ret && l.count == 2 && l.psk[0].keylen == 16 &&
		   l.psk[1].keylen == 16 && l.psk[0].key[15] == 0xff,
		   "unit: libquic: psk: file loaded");
	if (!ret)
		quic_psk_free(&l);
	tap_result(quic_psk_load("/nonexistent/psk", &l) == -ENOENT,
		   "unit: libquic: psk: missing file is -ENOENT");
}

static void test_maps(void)
{
	static const gnutls_record_encryption_level_t gl[] = {
		GNUTLS_ENCRYPTION_LEVEL_INITIAL, GNUTLS_ENCRYPTION_LEVEL_EARLY,
		GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE,
		GNUTLS_ENCRYPTION_LEVEL_APPLICATION,
	};
	static const int ql[] = {
		QUIC_CRYPTO_INITIAL, QUIC_CRYPTO_EARLY, QUIC_CRYPTO_HANDSHAKE,
		QUIC_CRYPTO_APP,
	};
	gnutls_record_encryption_level_t back, bad;
	bool ok = true;
	size_t i;

	for (i = 0; i < 4; i++) {
		ok &= quic_level_from_gnutls(gl[i]) == ql[i];
		ok &= !quic_level_to_gnutls(ql[i], &back) && back == gl[i];
	}
	tap_result(ok, "unit: libquic: level map GnuTLS <-> QUIC round-trips");
	bad = (gnutls_record_encryption_level_t)9;
	tap_result(quic_level_to_gnutls(QUIC_CRYPTO_MAX, &back) == -EINVAL &&
		   quic_level_from_gnutls(bad) == -EINVAL,
		   "unit: libquic: level map refuses unknown levels");

	tap_result(quic_cipher_to_tls(GNUTLS_CIPHER_AES_128_GCM) == 51 &&
		   quic_cipher_to_tls(GNUTLS_CIPHER_AES_256_GCM) == 52 &&
		   quic_cipher_to_tls(GNUTLS_CIPHER_AES_128_CCM) == 53 &&
		   quic_cipher_to_tls(GNUTLS_CIPHER_CHACHA20_POLY1305) == 54 &&
		   quic_cipher_to_tls(GNUTLS_CIPHER_AES_256_CBC) == 0,
		   "unit: libquic: cipher map to TLS_CIPHER_* ids");
	tap_result(!strcmp(quic_tls_cipher_name(54), "CHACHA20-POLY1305") &&
		   !quic_tls_cipher_name(0) && !quic_tls_cipher_name(50),
		   "unit: libquic: TLS_CIPHER_* ids to priority names");
}

static void test_priority(void)
{
	struct quic_config cfg = {};
	gnutls_priority_t p;
	const char *err;
	gnutls_session_t s;
	bool ok;

	ok = !gnutls_priority_init(&p, QUIC_PRIORITY, &err);
	if (ok)
		gnutls_priority_deinit(p);
	tap_result(ok,
		   "unit: libquic: QUIC_PRIORITY is a valid priority string");
	tap_result(strstr(QUIC_PRIORITY, "-VERS-ALL:+VERS-TLS1.3") &&
		   strstr(QUIC_PRIORITY, "%DISABLE_TLS13_COMPAT_MODE") &&
		   strstr(QUIC_PRIORITY, "+ECDHE-PSK"),
		   "unit: libquic: QUIC_PRIORITY: TLS 1.3 only, PSK, no compat mode");

	gnutls_init(&s, GNUTLS_CLIENT);
	cfg.payload_cipher_type = 53;
	ok = !quic_session_set_priority(s, &cfg);
	cfg.payload_cipher_type = 0;
	ok &= !quic_session_set_priority(s, &cfg);
	tap_result(ok,
		   "unit: libquic: priority narrowed to a configured cipher");
	gnutls_deinit(s);
}

static void test_log(void)
{
	quic_set_log_func_t old_func;
	int old_level;

	old_func = quic_set_log_func(capture_log);
	old_level = quic_set_log_level(LOG_ERR);
	log_count = 0;
	quic_log_debug("hidden");
	quic_log_notice("hidden");
	quic_log_error("shown %d", 7);
	tap_result(log_count == 1 && !strcmp(last_log, "shown 7"),
		   "unit: libquic: log: default level shows errors only");
	quic_set_log_level(LOG_DEBUG);
	quic_log_debug("debug %s", "too");
	tap_result(log_count == 2 && !strcmp(last_log, "debug too"),
		   "unit: libquic: log: LOG_DEBUG shows debug messages");
	tap_result(quic_set_log_level(old_level) == LOG_DEBUG &&
		   old_level == LOG_ERR,
		   "unit: libquic: log: set_log_level returns the old level");
	tap_result(quic_set_log_func(old_func) == capture_log &&
		   quic_set_log_func(NULL) == old_func &&
		   quic_set_log_func(capture_log) == quic_log_stderr,
		   "unit: libquic: log: set_log_func returns the old function");
}

/* ------------------------------------------------------------------ */
/* quic_sendmsg() / quic_recvmsg()                                     */
/* ------------------------------------------------------------------ */

static void test_msg(void)
{
	struct fk_sock *a, *b;
	uint32_t flags;
	char buf[64];
	int64_t sid;
	ssize_t n;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || sv[1] >= FK_MAX_FD) {
		tap_result(0, "unit: libquic: msg: socketpair");
		return;
	}
	a = &fk[sv[0]];
	b = &fk[sv[1]];
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->mode = FK_RAW;
	b->mode = FK_RAW;

	n = quic_sendmsg(sv[0], "hello", 5, 4,
			 MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN);
	tap_result(n == 5,
		   "unit: libquic: msg: quic_sendmsg returns the length");
	tap_result(a->last_cmsg_level == SOL_QUIC &&
		   a->last_cmsg_type == QUIC_STREAM_INFO &&
		   a->last_cmsg_len ==
			CMSG_LEN(sizeof(struct quic_stream_info)) &&
		   a->last_controllen ==
			CMSG_SPACE(sizeof(struct quic_stream_info)),
		   "unit: libquic: msg: sendmsg carries one QUIC_STREAM_INFO cmsg");
	tap_result(a->last_info.stream_id == 4 &&
		   a->last_info.stream_flags ==
			(MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN) &&
		   a->last_flags == (MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN),
		   "unit: libquic: msg: stream id and flags in cmsg and flags");

	b->inject_info = true;
	b->inject.stream_id = 4;
	b->inject.stream_flags = MSG_QUIC_STREAM_FIN;
	b->inject_msg_flags = MSG_EOR;
	memset(buf, 0, sizeof(buf));
	sid = -7;
	flags = MSG_DONTWAIT;
	n = quic_recvmsg(sv[1], buf, sizeof(buf), &sid, &flags);
	tap_result(n == 5 && !memcmp(buf, "hello", 5),
		   "unit: libquic: msg: quic_recvmsg returns the data");
	tap_result(sid == 4 && flags == (MSG_EOR | MSG_QUIC_STREAM_FIN) &&
		   b->seen_recv_flags == MSG_DONTWAIT,
		   "unit: libquic: msg: recvmsg reports stream id and flags");

	quic_sendmsg(sv[0], "dgram", 5, -1, MSG_QUIC_DATAGRAM);
	tap_result(a->last_controllen == 0 && a->last_cmsg_level == -1 &&
		   a->last_flags == MSG_QUIC_DATAGRAM,
		   "unit: libquic: msg: a datagram goes without stream info");
	b->inject_info = false;
	b->inject_msg_flags = MSG_QUIC_DATAGRAM;
	sid = -7;
	flags = 0;
	n = quic_recvmsg(sv[1], buf, sizeof(buf), &sid, &flags);
	tap_result(n == 5 && sid == -7 && flags == MSG_QUIC_DATAGRAM,
		   "unit: libquic: msg: datagram received, sid untouched");

	quic_sendmsg(sv[0], "x", 1, 0, 0);
	n = quic_recvmsg(sv[1], buf, sizeof(buf), NULL, NULL);
	tap_result(n == 1, "unit: libquic: msg: NULL sid and flags allowed");

	errno = 0;
	flags = MSG_DONTWAIT;
	n = quic_recvmsg(sv[1], buf, sizeof(buf), &sid, &flags);
	tap_result(n == -1 && errno == EAGAIN,
		   "unit: libquic: msg: errors are -1 with errno");

	fk_close(sv[0]);
	fk_close(sv[1]);
}

/* ------------------------------------------------------------------ */
/* Handshakes through the fake kernel                                  */
/* ------------------------------------------------------------------ */

static void check_order(int cfd, int sfd, const char *what)
{
	const char *cev = fk[cfd].ev, *sev = fk[sfd].ev;

	/* 1-RTT keys reach the kernel after every earlier-level message. */
	tap_result(ev_first(cev, "K0") > ev_last_hs_msg(cev) &&
		   ev_first(sev, "K0") > ev_last_hs_msg(sev),
		   "unit: libquic: %s: 1-RTT secrets after all handshake messages",
		   what);
	/* The server's 1-RTT receive key waits for the client Finished. */
	tap_result(ev_first(sev, "K0r") > ev_last(sev, "R2"),
		   "unit: libquic: %s: server 1-RTT receive key after client Finished",
		   what);
	/* Handshake keys before the first handshake-level message. */
	tap_result(ev_first(sev, "K2t") >= 0 &&
		   ev_first(sev, "K2t") < ev_first(sev, "M2") &&
		   ev_first(cev, "K2r") < ev_first(cev, "R2"),
		   "unit: libquic: %s: handshake keys before handshake data",
		   what);
	tap_result(ev_more_ok(cev) && ev_more_ok(sev),
		   "unit: libquic: %s: MSG_MORE on all but the last of a flight",
		   what);
	tap_result(!fk[cfd].secret_dups && !fk[sfd].secret_dups,
		   "unit: libquic: %s: each secret set once", what);
	tap_diag("client: %s", cev);
	tap_diag("server: %s", sev);
}

static void test_psk_handshake(void)
{
	struct side c = { .pkey = psk_file, .alpns = "h3" };
	struct side s = { .pkey = psk_file, .alpns = "smb, h3" };
	char *keylog, line[400], hex[100];
	size_t i;

	if (fk_pair(&c.fd, &s.fd)) {
		tap_result(0, "unit: libquic: psk: socketpair");
		return;
	}
	s.fd = s.fd;
	fk[c.fd].chunk = 50;	/* CRYPTO data in pieces */
	fk[s.fd].chunk = 50;
	run_pair(&c, &s);

	tap_result(c.ret == 0 && s.ret == 0,
		   "unit: libquic: psk: client and server handshakes succeed");
	if (c.ret || s.ret)
		tap_diag("client %d server %d: %s", c.ret, s.ret, last_log);
	tap_result(secrets_match(c.fd, s.fd, QUIC_CRYPTO_HANDSHAKE),
		   "unit: libquic: psk: handshake secrets match across");
	tap_result(secrets_match(c.fd, s.fd, QUIC_CRYPTO_APP),
		   "unit: libquic: psk: 1-RTT secrets match across");
	tap_result(fk[c.fd].secret[QUIC_CRYPTO_APP][1].type >= 51 &&
		   fk[c.fd].secret[QUIC_CRYPTO_APP][1].type <= 54 &&
		   !fk[c.fd].have[QUIC_CRYPTO_INITIAL][0] &&
		   !fk[c.fd].have[QUIC_CRYPTO_INITIAL][1],
		   "unit: libquic: psk: TLS cipher id set; no Initial secret from TLS");
	tap_result(fk[s.fd].tp_peer_len == fk[c.fd].tp_local_len &&
		   !memcmp(fk[s.fd].tp_peer, fk[c.fd].tp_local,
			   fk[c.fd].tp_local_len) &&
		   fk[c.fd].tp_peer_len == fk[s.fd].tp_local_len &&
		   !memcmp(fk[c.fd].tp_peer, fk[s.fd].tp_local,
			   fk[s.fd].tp_local_len) &&
		   fk[c.fd].tp_peer_sets == 1 && fk[s.fd].tp_peer_sets == 1,
		   "unit: libquic: psk: transport parameters exchanged via 0x39");
	tap_result(!strcmp(fk[c.fd].alpn, "h3") && !strcmp(fk[s.fd].alpn, "h3"),
		   "unit: libquic: psk: negotiated ALPN given to the kernel");
	tap_result(!fk[c.fd].close_set && !fk[s.fd].close_set,
		   "unit: libquic: psk: no close on success");
	check_order(c.fd, s.fd, "psk");

	/* GnuTLS writes SSLKEYLOGFILE lines for these sessions too. */
	snprintf(line, sizeof(line), "%s/keylog", tmpdir);
	keylog = read_file(line);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x",
			fk[c.fd].secret[QUIC_CRYPTO_HANDSHAKE][1].secret[i]);
	tap_result(keylog &&
		   strstr(keylog, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ") &&
		   strstr(keylog, hex),
		   "unit: libquic: SSLKEYLOGFILE has the installed handshake secret");
	free(keylog);

	fk_close(c.fd);
	fk_close(s.fd);
}

static void test_alpn_mismatch(void)
{
	struct side c = { .pkey = psk_file, .alpns = "h3" };
	struct side s = { .pkey = psk_file, .alpns = "smb" };

	if (fk_pair(&c.fd, &s.fd))
		return;
	run_pair(&c, &s);
	tap_result(s.ret == -ECONNREFUSED &&
		   fk[s.fd].close_code == QUIC_TRANSPORT_ERROR_CRYPTO + 120,
		   "unit: libquic: alpn mismatch: server refuses, no_application_protocol");
	tap_result(c.ret == -ECONNREFUSED && !fk[c.fd].have[QUIC_CRYPTO_APP][0],
		   "unit: libquic: alpn mismatch: client fails, no 1-RTT keys");
	fk_close(c.fd);
	fk_close(s.fd);
}

static void test_wrong_psk(void)
{
	struct side c = { .pkey = psk_other };
	struct side s = { .pkey = psk_file };

	if (fk_pair(&c.fd, &s.fd))
		return;
	run_pair(&c, &s);
	tap_result(s.ret == -ECONNREFUSED &&
		   fk[s.fd].close_code > QUIC_TRANSPORT_ERROR_CRYPTO &&
		   c.ret < 0 && !fk[s.fd].have[QUIC_CRYPTO_APP][0],
		   "unit: libquic: wrong PSK: handshake refused with a CRYPTO error");
	fk_close(c.fd);
	fk_close(s.fd);
}

static void test_tp_errors(void)
{
	struct side c = { .pkey = psk_file };
	struct side s = { .pkey = psk_file };

	if (fk_pair(&c.fd, &s.fd))
		return;
	fk[s.fd].tp_errno = EINVAL;	/* the kernel refuses the client's */
	run_pair(&c, &s);
	tap_result(s.ret == -EINVAL &&
		   fk[s.fd].close_code ==
			QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM &&
		   c.ret < 0,
		   "unit: libquic: refused transport parameters fail with the kernel's errno");
	fk_close(c.fd);
	fk_close(s.fd);

	if (fk_pair(&c.fd, &s.fd))
		return;
	fk[s.fd].tp_local_len = 0;	/* server sends no extension */
	run_pair(&c, &s);
	tap_result(c.ret == -ECONNREFUSED &&
		   fk[c.fd].close_code == QUIC_TRANSPORT_ERROR_CRYPTO + 109 &&
		   !fk[c.fd].have[QUIC_CRYPTO_APP][0],
		   "unit: libquic: missing peer transport parameters: missing_extension");
	fk_close(c.fd);
	fk_close(s.fd);
}

static void test_cert_untrusted(void)
{
	struct side c = { .cert_or_host = "server.test", .alpns = "h3" };
	struct side s = { .pkey = key_file, .alpns = "h3" };

	s.cert_or_host = cert_file;
	if (fk_pair(&c.fd, &s.fd))
		return;
	run_pair(&c, &s);
	tap_result(c.ret == -ECONNREFUSED &&
		   fk[c.fd].close_code > QUIC_TRANSPORT_ERROR_CRYPTO &&
		   !fk[c.fd].have[QUIC_CRYPTO_APP][0] && s.ret < 0,
		   "unit: libquic: cert: self-signed server refused by system trust");
	fk_close(c.fd);
	fk_close(s.fd);
}

/* A client session trusting the test certificate, for quic_handshake(). */
static gnutls_session_t cert_client(int fd,
				    gnutls_certificate_credentials_t *cred,
				    const char *host, const char *prio)
{
	gnutls_session_t s;

	gnutls_certificate_allocate_credentials(cred);
	gnutls_certificate_set_x509_trust_mem(*cred, &cert_pem,
					      GNUTLS_X509_FMT_PEM);
	gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_ENABLE_EARLY_DATA |
		    GNUTLS_NO_END_OF_EARLY_DATA);
	gnutls_priority_set_direct(s, prio, NULL);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, *cred);
	gnutls_server_name_set(s, GNUTLS_NAME_DNS, host, strlen(host));
	gnutls_session_set_verify_cert(s, host, 0);
	quic_session_set_alpn(s, "h3", 2);
	gnutls_transport_set_int(s, fd);
	return s;
}

static void test_cert_and_resumption(void)
{
	struct side c = {}, s = { .pkey = key_file, .alpns = "h3" };
	gnutls_certificate_credentials_t cred;
	uint8_t data[8192];
	size_t len = sizeof(data);
	char alpn[16];
	size_t alen = sizeof(alpn);
	int ret;

	s.cert_or_host = cert_file;
	if (fk_pair(&c.fd, &s.fd))
		return;
	c.session = cert_client(c.fd, &cred, "server.test", QUIC_PRIORITY);
	run_pair(&c, &s);
	tap_result(c.ret == 0 && s.ret == 0,
		   "unit: libquic: cert: verified handshake via quic_handshake()");
	if (c.ret || s.ret)
		tap_diag("client %d server %d: %s", c.ret, s.ret, last_log);
	tap_result(secrets_match(c.fd, s.fd, QUIC_CRYPTO_APP),
		   "unit: libquic: cert: 1-RTT secrets match across");
	tap_result(!quic_session_get_alpn(c.session, alpn, &alen) &&
		   alen == 2 && !strcmp(alpn, "h3"),
		   "unit: libquic: quic_session_get_alpn after handshake");
	check_order(c.fd, s.fd, "cert");
	tap_result(ev_first(fk[s.fd].ev, "M0") > ev_first(fk[s.fd].ev, "K0r") &&
		   ev_first(fk[s.fd].ev, "M0") > ev_last(fk[s.fd].ev, "R2"),
		   "unit: libquic: cert: server sends its ticket after the handshake");

	ret = quic_session_get_data(c.session, data, &len);
	tap_result(!ret && len > 64,
		   "unit: libquic: quic_session_get_data takes the ticket");
	{
		size_t need = 0, small = 8;

		tap_result(!quic_session_get_data(c.session, NULL, &need) &&
			   need == len &&
			   quic_session_get_data(c.session, data, &small) ==
				-ENOBUFS && small == len,
			   "unit: libquic: quic_session_get_data sizes: NULL, -ENOBUFS");
	}
	gnutls_deinit(c.session);
	gnutls_certificate_free_credentials(cred);
	fk_close(c.fd);
	fk_close(s.fd);
	if (ret)
		return;

	/* Resume with the ticket; early data is offered (0-RTT keys). */
	if (fk_pair(&c.fd, &s.fd))
		return;
	c.session = cert_client(c.fd, &cred, "server.test", QUIC_PRIORITY);
	tap_result(quic_session_set_data(c.session, data, len) == 0,
		   "unit: libquic: quic_session_set_data accepts the data");
	run_pair(&c, &s);
	tap_result(c.ret == 0 && s.ret == 0 &&
		   gnutls_session_is_resumed(c.session),
		   "unit: libquic: resumed handshake with the session ticket");
	tap_result(fk[c.fd].have[QUIC_CRYPTO_EARLY][1] &&
		   fk[c.fd].secret[QUIC_CRYPTO_EARLY][1].type != 0,
		   "unit: libquic: resumption: client installs a 0-RTT send secret");
	tap_diag("resumed client: %s", fk[c.fd].ev);
	tap_diag("resumed server: %s", fk[s.fd].ev);
	gnutls_deinit(c.session);
	gnutls_certificate_free_credentials(cred);
	fk_close(c.fd);
	fk_close(s.fd);
}

static int accept_all(void *ptr, time_t exp, const gnutls_datum_t *key,
		      const gnutls_datum_t *data)
{
	(void)ptr;
	(void)exp;
	(void)key;
	(void)data;
	return 0;
}

/* A server session of the test's own, for quic_handshake(). */
static gnutls_session_t cert_server(int fd,
				    gnutls_certificate_credentials_t *cred,
				    gnutls_anti_replay_t ar, const char *prio)
{
	static unsigned char stek[64] = { 1, 2, 3 };
	gnutls_datum_t key = { stek, sizeof(stek) };
	gnutls_session_t s;

	gnutls_certificate_allocate_credentials(cred);
	gnutls_certificate_set_x509_key_file(*cred, cert_file, key_file,
					     GNUTLS_X509_FMT_PEM);
	gnutls_init(&s, GNUTLS_SERVER | GNUTLS_ENABLE_EARLY_DATA |
		    GNUTLS_NO_END_OF_EARLY_DATA);
	gnutls_priority_set_direct(s, prio, NULL);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, *cred);
	gnutls_session_ticket_enable_server(s, &key);
	if (ar)
		gnutls_anti_replay_enable(s, ar);
	quic_session_set_alpn(s, "h3", 2);
	gnutls_transport_set_int(s, fd);
	return s;
}

static void test_zero_rtt(void)
{
	gnutls_certificate_credentials_t ccred, scred;
	struct side c = {}, s = {};
	gnutls_anti_replay_t ar;
	uint8_t data[8192];
	size_t len = sizeof(data);
	int ret;

	gnutls_anti_replay_init(&ar);
	gnutls_anti_replay_set_add_function(ar, accept_all);

	if (fk_pair(&c.fd, &s.fd))
		return;
	c.session = cert_client(c.fd, &ccred, "server.test", QUIC_PRIORITY);
	s.session = cert_server(s.fd, &scred, ar, QUIC_PRIORITY);
	run_pair(&c, &s);
	ret = c.ret || s.ret || quic_session_get_data(c.session, data, &len);
	gnutls_deinit(c.session);
	gnutls_deinit(s.session);
	gnutls_certificate_free_credentials(ccred);
	gnutls_certificate_free_credentials(scred);
	fk_close(c.fd);
	fk_close(s.fd);

	if (!ret && !fk_pair(&c.fd, &s.fd)) {
		c.session = cert_client(c.fd, &ccred, "server.test",
					QUIC_PRIORITY);
		s.session = cert_server(s.fd, &scred, ar, QUIC_PRIORITY);
		quic_session_set_data(c.session, data, len);
		run_pair(&c, &s);
		ret = c.ret || s.ret;
		tap_result(!ret && secrets_match(c.fd, s.fd, QUIC_CRYPTO_APP) &&
			   fk[s.fd].have[QUIC_CRYPTO_EARLY][0] &&
			   secret_eq(&fk[c.fd].secret[QUIC_CRYPTO_EARLY][1],
				     &fk[s.fd].secret[QUIC_CRYPTO_EARLY][0]) &&
			   (gnutls_session_get_flags(s.session) &
			    GNUTLS_SFLAGS_EARLY_DATA),
			   "unit: libquic: 0-RTT accepted: early keys match across");
		tap_result(ev_first(fk[s.fd].ev, "K3r") <
			   ev_first(fk[s.fd].ev, "M1"),
			   "unit: libquic: 0-RTT: server early key before its ServerHello");
		/* so the ClientHello's datagram carries 0-RTT too */
		tap_result(ev_first(fk[c.fd].ev, "K3t") >= 0 &&
			   ev_first(fk[c.fd].ev, "K3t") <
			   ev_first(fk[c.fd].ev, "M1"),
			   "unit: libquic: 0-RTT: client early key before its ClientHello");
		tap_diag("0-RTT client: %s", fk[c.fd].ev);
		tap_diag("0-RTT server: %s", fk[s.fd].ev);
		gnutls_deinit(c.session);
		gnutls_deinit(s.session);
		gnutls_certificate_free_credentials(ccred);
		gnutls_certificate_free_credentials(scred);
		fk_close(c.fd);
		fk_close(s.fd);
	} else {
		tap_result(0, "unit: libquic: 0-RTT: first connection");
	}
	gnutls_anti_replay_deinit(ar);
}

/* The server wants P-384, which the client has no key share for: HRR. */
static void test_hello_retry(void)
{
	gnutls_certificate_credentials_t ccred, scred;
	struct side c = {}, s = {};

	if (fk_pair(&c.fd, &s.fd))
		return;
	c.session = cert_client(c.fd, &ccred, "server.test", QUIC_PRIORITY);
	s.session = cert_server(s.fd, &scred, NULL,
				QUIC_PRIORITY ":-GROUP-ALL:+GROUP-SECP384R1");
	run_pair(&c, &s);
	tap_result(c.ret == 0 && s.ret == 0 &&
		   secrets_match(c.fd, s.fd, QUIC_CRYPTO_APP) &&
		   ev_first(fk[c.fd].ev, "M1") != ev_last(fk[c.fd].ev, "M1"),
		   "unit: libquic: HelloRetryRequest: second ClientHello, success");
	tap_result(fk[s.fd].tp_peer_sets == 1,
		   "unit: libquic: HelloRetryRequest: peer parameters set once");
	tap_diag("HRR client: %s", fk[c.fd].ev);
	tap_diag("HRR server: %s", fk[s.fd].ev);
	gnutls_deinit(c.session);
	gnutls_deinit(s.session);
	gnutls_certificate_free_credentials(ccred);
	gnutls_certificate_free_credentials(scred);
	fk_close(c.fd);
	fk_close(s.fd);
}

static void test_cipher_choice(void)
{
	struct side c = { .pkey = psk_file }, s = { .pkey = psk_file };
	gnutls_certificate_credentials_t cred;

	if (fk_pair(&c.fd, &s.fd))
		return;
	fk[s.fd].ticket_key_ok = false;	/* and no session tickets */
	fk[c.fd].cipher = 54;	/* config payload_cipher_type */
	fk[s.fd].cipher = 54;
	run_pair(&c, &s);
	tap_result(c.ret == 0 && s.ret == 0 &&
		   fk[c.fd].secret[QUIC_CRYPTO_APP][1].type == 54 &&
		   fk[s.fd].secret[QUIC_CRYPTO_HANDSHAKE][0].type == 54,
		   "unit: libquic: payload_cipher_type selects ChaCha20-Poly1305");
	tap_result(c.ret == 0 && s.ret == 0 && ev_first(fk[s.fd].ev, "M0") < 0,
		   "unit: libquic: without a ticket key no ticket is sent");
	fk_close(c.fd);
	fk_close(s.fd);

	/* The session's own priorities rule under quic_handshake(). */
	s = (struct side){ .pkey = key_file, .cert_or_host = cert_file };
	if (fk_pair(&c.fd, &s.fd))
		return;
	c.session = cert_client(c.fd, &cred, "server.test",
				QUIC_PRIORITY ":-CIPHER-ALL:+AES-256-GCM");
	run_pair(&c, &s);
	tap_result(c.ret == 0 && s.ret == 0 &&
		   fk[c.fd].secret[QUIC_CRYPTO_APP][0].type == 52 &&
		   secrets_match(c.fd, s.fd, QUIC_CRYPTO_APP),
		   "unit: libquic: session priority selects AES-256-GCM");
	{
		const uint8_t *sec = fk[c.fd].secret[QUIC_CRYPTO_APP][1].secret;
		int i, tail = 0;

		for (i = 32; i < 48; i++)
			tail |= sec[i];
		tap_result(tail != 0,
			   "unit: libquic: SHA-384 suite: all 48 secret bytes set");
	}
	gnutls_deinit(c.session);
	gnutls_certificate_free_credentials(cred);
	fk_close(c.fd);
	fk_close(s.fd);
}

static void test_timeout(void)
{
	struct side c = { .pkey = psk_file };
	struct timespec t0, t1;
	int sfd;
	long ms;

	if (fk_pair(&c.fd, &sfd))
		return;
	fk[c.fd].idle_us = 200000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	client_main(&c);	/* nobody answers */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	tap_result(c.ret == -ETIMEDOUT && ms >= 150 && ms < 5000,
		   "unit: libquic: silent peer: -ETIMEDOUT after the idle timeout");
	fk_close(c.fd);
	fk_close(sfd);
}

/* Drive both ends through the step API in one thread. */
static int perform(int fd, struct quic_handshake_step *step)
{
	ssize_t r;

	if (step->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG) {
		r = fake_sendmsg(fd, step->s_sendmsg.msg,
				 step->s_sendmsg.flags);
		step->s_sendmsg.retval = r < 0 ? -errno : r;
		return 1;
	}
	r = fake_recvmsg(fd, step->s_recvmsg.msg,
			 step->s_recvmsg.flags | MSG_DONTWAIT);
	step->s_recvmsg.retval = r < 0 ? -errno : r;
	return r >= 0;
}

static gnutls_session_t psk_session(int fd, unsigned int role,
				    gnutls_psk_client_credentials_t *cc,
				    gnutls_psk_server_credentials_t *sc)
{
	static const gnutls_datum_t key = {
		(unsigned char *)"0123456789abcdef0123456789abcdef", 32
	};
	gnutls_session_t s;

	gnutls_init(&s, role);
	gnutls_priority_set_direct(s, QUIC_PRIORITY, NULL);
	if (role == GNUTLS_CLIENT) {
		gnutls_psk_allocate_client_credentials(cc);
		gnutls_psk_set_client_credentials(*cc, "step", &key,
						  GNUTLS_PSK_KEY_HEX);
		gnutls_credentials_set(s, GNUTLS_CRD_PSK, *cc);
	} else {
		gnutls_psk_allocate_server_credentials(sc);
		gnutls_psk_set_server_credentials_file(*sc, psk_file);
		gnutls_credentials_set(s, GNUTLS_CRD_PSK, *sc);
	}
	gnutls_transport_set_int(s, fd);
	return s;
}

static void test_step_api(void)
{
	struct quic_handshake_step *cs = NULL, *ss = NULL, *again;
	gnutls_psk_client_credentials_t cc;
	gnutls_psk_server_credentials_t sc;
	gnutls_session_t c, s;
	int cfd, sfd, cret, sret, rounds = 0;
	bool eagain_ok = false, idle;
	FILE *f;

	if (fk_pair(&cfd, &sfd))
		return;
	/* The server's file names "step" with the client's hex key. */
	f = fopen(psk_file, "a");
	fputs("step:0123456789abcdef0123456789abcdef\n", f);
	fclose(f);
	c = psk_session(cfd, GNUTLS_CLIENT, &cc, NULL);
	s = psk_session(sfd, GNUTLS_SERVER, NULL, &sc);

	cret = quic_handshake_init(c, &cs);
	sret = quic_handshake_init(s, &ss);
	tap_result(!cret && !sret && cs &&
		   cs->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG && ss &&
		   ss->op == QUIC_HANDSHAKE_STEP_OP_RECVMSG,
		   "unit: libquic: step: client starts sending, server receiving");
	tap_result(quic_handshake_init(c, &again) == -EALREADY,
		   "unit: libquic: step: second init on a session: -EALREADY");

	/* A transient error asks for the same step again. */
	if (cs) {
		cs->s_sendmsg.retval = -EAGAIN;
		again = NULL;
		cret = quic_handshake_step(c, &again);
		eagain_ok = !cret && again == cs &&
			    again->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG;
	}
	tap_result(eagain_ok, "unit: libquic: step: -EAGAIN repeats the step");

	while ((cs || ss) && !cret && !sret && rounds++ < 1000) {
		idle = true;
		if (cs && perform(cfd, cs)) {
			cret = quic_handshake_step(c, &cs);
			idle = false;
		}
		if (ss && perform(sfd, ss)) {
			sret = quic_handshake_step(s, &ss);
			idle = false;
		}
		if (idle && cs && ss)
			break;		/* both wait: stuck */
	}
	tap_result(!cret && !sret && !cs && !ss,
		   "unit: libquic: step: both ends complete (%d rounds)",
		   rounds);
	if (cret || sret)
		tap_diag("client %d server %d: %s", cret, sret, last_log);
	tap_result(secrets_match(cfd, sfd, QUIC_CRYPTO_APP) &&
		   secrets_match(cfd, sfd, QUIC_CRYPTO_HANDSHAKE),
		   "unit: libquic: step: secrets match across");
	again = (void *)1;
	tap_result(!quic_handshake_step(c, &again) && !again,
		   "unit: libquic: step: after completion no more steps");
	check_order(cfd, sfd, "step");

	quic_handshake_deinit(c);
	quic_handshake_deinit(s);
	tap_result(quic_handshake_step(c, &again) == -EINVAL,
		   "unit: libquic: step: after deinit the session is unknown");
	gnutls_deinit(c);
	gnutls_deinit(s);
	gnutls_psk_free_client_credentials(cc);
	gnutls_psk_free_server_credentials(sc);
	fk_close(cfd);
	fk_close(sfd);
}

int main(int argc, char *argv[])
{
	char keylog[128];

	(void)argc;
	if (setup_files()) {
		tap_result(0, "unit: libquic: test files set up");
		return tap_exit();
	}
	/* Before the first handshake, so GnuTLS picks it up. */
	snprintf(keylog, sizeof(keylog), "%s/keylog", tmpdir);
	setenv("SSLKEYLOGFILE", keylog, 1);
	(void)argv;

	quic_set_log_func(capture_log);		/* expected errors stay quiet */

	test_alpn_parse();
	test_session_alpn();
	test_psk_parse();
	test_maps();
	test_priority();
	test_log();
	test_msg();
	test_psk_handshake();
	test_alpn_mismatch();
	test_wrong_psk();
	test_tp_errors();
	test_cert_untrusted();
	test_cert_and_resumption();
	test_zero_rtt();
	test_hello_retry();
	test_cipher_choice();
	test_timeout();
	test_step_api();

	cleanup_files();
	return tap_exit();
}
