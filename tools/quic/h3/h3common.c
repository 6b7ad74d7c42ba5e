// SPDX-License-Identifier: GPL-2.0
/*
 * h3common: socket glue between nghttp3 and an IPPROTO_QUIC socket, and
 * the TLS handshake through libquic.  See h3common.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <netinet/quic.h>

#include "h3common.h"
#include "quic_tool.h"

void h3_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void h3_die(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int h3_parse_addr(const char *addr, int port, struct sockaddr_storage *ss,
		  socklen_t *len)
{
	int family = qt_parse_addr(addr, port, ss, len);

	if (family < 0)
		h3_die("bad address '%s' (numeric IPv4 or IPv6 expected)",
		       addr);
	return family;
}

unsigned int h3_arg_num(const char *s, const char *what, unsigned int max)
{
	uint64_t v;

	if (qt_parse_range(s, 0, max, &v))
		h3_die("bad %s '%s' (0..%u expected)", what, s, max);
	return (unsigned int)v;
}

int h3_start(const struct h3_tls *tls, unsigned int timeout,
	     void (*on_alarm)(int), const char *addr, int port,
	     struct sockaddr_storage *ss, socklen_t *len)
{
	int fd;

	if (tls->cipher && !h3_cipher_name(tls->cipher))
		h3_die("unknown --cipher %s", tls->cipher);
	if (timeout) {
		if (on_alarm)
			signal(SIGALRM, on_alarm);
		alarm(timeout);
	}
	fd = socket(h3_parse_addr(addr, port, ss, len), SOCK_STREAM,
		    IPPROTO_QUIC);
	if (fd < 0)
		h3_die("socket(IPPROTO_QUIC): %s (is quic.ko loaded?)",
		       strerror(errno));
	return fd;
}

/* ---- TLS ---- */

const char *h3_cipher_name(const char *arg)
{
	const struct qt_cipher *c = qt_cipher_by_arg(arg);

	return c ? c->gnutls : NULL;
}

/* Accept any server certificate: --insecure, for tests only. */
static int verify_none(gnutls_session_t s)
{
	(void)s;
	return 0;
}

/*
 * A server's session tickets, under the key every connection of the
 * listener shares (QUIC_SOCKOPT_SESSION_TICKET), and 0-RTT for the
 * clients that resume with one.
 */
static int h3_enable_tickets(gnutls_session_t s, int fd)
{
	unsigned char key[64];
	socklen_t len = sizeof(key);
	gnutls_datum_t d = { key, 0 };
	int ret;

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key, &len)) {
		h3_log("QUIC_SOCKOPT_SESSION_TICKET: %s", strerror(errno));
		return -1;
	}
	d.size = len;
	ret = gnutls_session_ticket_enable_server(s, &d);
	gnutls_memset(key, 0, sizeof(key));
	if (ret) {
		h3_log("session tickets: %s", gnutls_strerror(ret));
		return -1;
	}
	ret = quic_session_enable_early_data(s);
	if (ret)
		h3_log("0-RTT: %s", strerror(-ret));
	return ret ? -1 : 0;
}

int h3_handshake(int fd, const struct h3_tls *t)
{
	return h3_handshake_keep(fd, t, NULL);
}

void h3_tls_session_free(struct h3_tls_session *keep)
{
	if (keep->session)
		gnutls_deinit(keep->session);
	if (keep->cred)
		gnutls_certificate_free_credentials(keep->cred);
	memset(keep, 0, sizeof(*keep));
}

int h3_handshake_keep(int fd, const struct h3_tls *t,
		      struct h3_tls_session *keep)
{
	char prio[sizeof(QUIC_PRIORITY) + 64];
	gnutls_certificate_credentials_t cred;
	const char *err = NULL, *cn;
	gnutls_session_t s;
	int ret;

	if (gnutls_certificate_allocate_credentials(&cred)) {
		h3_log("gnutls: out of memory");
		return -1;
	}
	if (t->server) {
		ret = gnutls_certificate_set_x509_key_file(cred, t->cert, t->key,
							   GNUTLS_X509_FMT_PEM);
		if (ret < 0) {
			h3_log("%s / %s: %s", t->cert, t->key,
			       gnutls_strerror(ret));
			goto free_cred;
		}
	} else if (t->ca) {
		ret = gnutls_certificate_set_x509_trust_file(cred, t->ca,
							     GNUTLS_X509_FMT_PEM);
		if (ret <= 0) {
			h3_log("%s: no CA certificate (%s)", t->ca,
			       ret ? gnutls_strerror(ret) : "empty");
			ret = -1;
			goto free_cred;
		}
	} else if (!t->insecure) {
		gnutls_certificate_set_x509_system_trust(cred);
	}

	/* A resuming client offers early data: its 0-RTT keys. */
	ret = gnutls_init(&s, (t->server ? GNUTLS_SERVER : GNUTLS_CLIENT) |
			  GNUTLS_NO_END_OF_EARLY_DATA |
			  (t->early_data ? GNUTLS_ENABLE_EARLY_DATA |
					   GNUTLS_NO_AUTO_SEND_TICKET : 0) |
			  (t->resume ? GNUTLS_ENABLE_EARLY_DATA : 0));
	if (ret)
		goto free_cred;
	if (t->early_data && h3_enable_tickets(s, fd)) {
		ret = -1;
		goto free_session;
	}
	/* libquic's priorities, narrowed to one cipher if asked. */
	cn = t->cipher ? h3_cipher_name(t->cipher) : NULL;
	snprintf(prio, sizeof(prio), "%s%s%s", QUIC_PRIORITY,
		 cn ? ":-CIPHER-ALL:+" : "", cn ? cn : "");
	ret = gnutls_priority_set_direct(s, prio, &err);
	if (ret) {
		h3_log("priority '%s' (at '%s'): %s", prio, err ? err : "?",
		       gnutls_strerror(ret));
		goto free_session;
	}
	ret = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	if (ret)
		goto free_session;
	if (!t->server) {
		if (t->insecure) {
			gnutls_session_set_verify_function(s, verify_none);
		} else {
			/* Verify the chain, and the name when we have one. */
			gnutls_session_set_verify_cert(s, t->host, 0);
		}
		qt_set_sni(s, t->host);
		if (t->resume &&
		    quic_session_set_data(s, t->resume, t->resume_len))
			h3_log("session data refused: a full handshake");
	}
	/* RFC 9114 section 3.1: HTTP/3 is negotiated as ALPN "h3". */
	ret = quic_session_set_alpn(s, "h3", 2);
	if (ret) {
		h3_log("quic_session_set_alpn(h3): %s", strerror(-ret));
		goto free_session;
	}
	if (t->keylog) {
		if (qt_keylog_open(t->keylog)) {
			h3_log("open %s: %s", t->keylog, strerror(errno));
			ret = -1;
			goto free_session;
		}
		qt_keylog_attach(s);
	}
	gnutls_transport_set_int(s, fd);

	ret = quic_handshake(s);
	if (ret)
		h3_log("handshake failed: %s", strerror(-ret));
	else
		h3_log("handshake ok: %s, alpn h3%s",
		       gnutls_cipher_get_name(gnutls_cipher_get(s)),
		       !gnutls_session_is_resumed(s) ? "" :
		       gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_DATA ?
		       ", resumed, 0-RTT accepted" : ", resumed");
	if (!ret && keep) {
		keep->session = s;
		keep->cred = cred;
		return 0;
	}
free_session:
	gnutls_deinit(s);
free_cred:
	gnutls_certificate_free_credentials(cred);
	return ret ? -1 : 0;
}

/* ---- streams ---- */

/*
 * A request stream stays open in nghttp3 until both directions are done:
 * we read the peer's FIN and nghttp3 had us send ours.  Then it is closed
 * with nghttp3_conn_close_stream(), which calls the stream_close callback
 * where the applications free what they kept per request.
 */
struct h3_bidi {
	int64_t id;
	bool rx_fin, tx_fin;
	struct h3_bidi *next;
};

static bool is_bidi(int64_t id)
{
	return !(id & QUIC_STREAM_TYPE_UNI_MASK);
}

static struct h3_bidi *bidi_get(struct h3_conn *c, int64_t id)
{
	struct h3_bidi *b;

	for (b = c->bidi; b; b = b->next)
		if (b->id == id)
			return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		h3_die("out of memory");
	b->id = id;
	b->next = c->bidi;
	c->bidi = b;
	return b;
}

static int bidi_done(struct h3_conn *c, int64_t id, bool rx)
{
	struct h3_bidi **pp, *b = bidi_get(c, id);
	int rv;

	if (rx)
		b->rx_fin = true;
	else
		b->tx_fin = true;
	if (!b->rx_fin || !b->tx_fin)
		return 0;
	for (pp = &c->bidi; *pp != b; pp = &(*pp)->next)
		;
	*pp = b->next;
	free(b);
	rv = nghttp3_conn_close_stream(c->h3, id, H3_NO_ERROR);
	if (rv && rv != NGHTTP3_ERR_STREAM_NOT_FOUND) {
		h3_log("nghttp3_conn_close_stream(%lld): %s", (long long)id,
		       nghttp3_strerror(rv));
		return -1;
	}
	return 0;
}

/* Opens the next local stream of a type; the kernel picks the ID. */
static int64_t open_stream(int fd, bool uni)
{
	struct quic_stream_info info = {
		.stream_id = -1,
		.stream_flags = uni ? MSG_QUIC_STREAM_UNI : 0,
	};
	socklen_t len = sizeof(info);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &info, &len)) {
		h3_log("getsockopt(QUIC_SOCKOPT_STREAM_OPEN%s): %s",
		       uni ? ", uni" : "", strerror(errno));
		return -1;
	}
	return info.stream_id;
}

int h3_bind_streams(struct h3_conn *c)
{
	int64_t ctrl, qenc, qdec;
	int rv;

	/* RFC 9114 6.2.1 and RFC 9204 4.2: one of each, opened at once. */
	ctrl = open_stream(c->fd, true);
	qenc = open_stream(c->fd, true);
	qdec = open_stream(c->fd, true);
	if (ctrl < 0 || qenc < 0 || qdec < 0)
		return -1;
	rv = nghttp3_conn_bind_control_stream(c->h3, ctrl);
	if (!rv)
		rv = nghttp3_conn_bind_qpack_streams(c->h3, qenc, qdec);
	if (rv) {
		h3_log("nghttp3 bind streams: %s", nghttp3_strerror(rv));
		return -1;
	}
	return 0;
}

int64_t h3_open_request_stream(struct h3_conn *c)
{
	return open_stream(c->fd, false);
}

int h3_read(struct h3_conn *c)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} ctl;
	static uint8_t buf[65536];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct quic_stream_info info;
	bool have_info = false, fin;
	struct cmsghdr *cm;
	nghttp3_ssize rv;
	ssize_t n;

	n = recvmsg(c->fd, &m, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		c->peer_gone = true;
		h3_log("connection ended: %s", strerror(errno));
		return -1;
	}
	if (m.msg_flags & MSG_QUIC_NOTIFICATION)
		return 1;	/* no events are enabled; nothing to do */
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level == SOL_QUIC &&
		    cm->cmsg_type == QUIC_STREAM_INFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(info))) {
			memcpy(&info, CMSG_DATA(cm), sizeof(info));
			have_info = true;
		}
	}
	if (!have_info) {
		/* 0 bytes and no stream: the peer closed the connection. */
		c->peer_gone = true;
		return -1;
	}
	fin = info.stream_flags & MSG_QUIC_STREAM_FIN;
	/*
	 * nghttp3 returns how many bytes count against flow control; the
	 * kernel already credited them when recvmsg() copied them out.
	 */
	rv = nghttp3_conn_read_stream(c->h3, info.stream_id, buf, n, fin);
	if (rv < 0) {
		h3_log("nghttp3_conn_read_stream(stream %lld, %zd bytes): %s",
		       (long long)info.stream_id, n, nghttp3_strerror(rv));
		return -1;
	}
	if (fin && is_bidi(info.stream_id) &&
	    bidi_done(c, info.stream_id, true))
		return -1;
	return 1;
}

/* sendmsg() of a vector on one stream, FIN set as asked. */
static ssize_t stream_sendv(int fd, int64_t id, const nghttp3_vec *vec,
			    size_t cnt, bool fin)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} ctl;
	struct quic_stream_info info = {
		.stream_id = id,
		.stream_flags = fin ? MSG_QUIC_STREAM_FIN : 0,
	};
	struct iovec iov[16];
	struct msghdr m = {
		.msg_iov = iov,
		.msg_iovlen = cnt,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	size_t i;

	for (i = 0; i < cnt; i++) {
		iov[i].iov_base = vec[i].base;
		iov[i].iov_len = vec[i].len;
	}
	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_QUIC;
	cm->cmsg_type = QUIC_STREAM_INFO;
	cm->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(cm), &info, sizeof(info));
	return sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
}

int h3_flush(struct h3_conn *c)
{
	nghttp3_vec vec[16];
	nghttp3_ssize cnt;
	int64_t id;
	size_t len;
	ssize_t n;
	int fin, rv;

	c->send_blocked = false;
	for (;;) {
		cnt = nghttp3_conn_writev_stream(c->h3, &id, &fin, vec, 16);
		if (cnt < 0) {
			h3_log("nghttp3_conn_writev_stream: %s",
			       nghttp3_strerror(cnt));
			return -1;
		}
		if (id < 0)
			return 0;	/* nothing left to send */
		len = nghttp3_vec_len(vec, cnt);
		n = stream_sendv(c->fd, id, vec, cnt, fin);
		if (n < 0) {
			if (errno == EAGAIN || errno == ENOSPC) {
				/* Send buffer full: resume on POLLOUT. */
				c->send_blocked = true;
				return 0;
			}
			h3_log("sendmsg(stream %lld, %zu bytes%s): %s",
			       (long long)id, len, fin ? ", FIN" : "",
			       strerror(errno));
			return -1;
		}
		/*
		 * The kernel took n bytes and will deliver them: tell nghttp3
		 * they are written and acknowledged, so it can release them.
		 * A partial write did not carry the FIN; nghttp3 hands the
		 * rest (and the FIN) back on the next writev.
		 */
		rv = nghttp3_conn_add_write_offset(c->h3, id, n);
		if (!rv && n)
			rv = nghttp3_conn_add_ack_offset(c->h3, id, n);
		if (rv) {
			h3_log("nghttp3 write/ack offset: %s",
			       nghttp3_strerror(rv));
			return -1;
		}
		if ((size_t)n < len) {
			c->send_blocked = true;
			return 0;
		}
		if (fin && is_bidi(id) && bidi_done(c, id, false))
			return -1;
	}
}

int h3_wait(struct h3_conn *c, int ms)
{
	struct pollfd p = {
		.fd = c->fd,
		.events = POLLIN | (c->send_blocked ? POLLOUT : 0),
	};
	int n = poll(&p, 1, ms);

	if (n < 0 && errno != EINTR) {
		h3_log("poll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void h3_set_close(int fd, uint64_t code, const char *phrase)
{
	struct quic_connection_close cc = { .errcode = code };

	snprintf((char *)cc.phrase, sizeof(cc.phrase), "%s", phrase);
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
		       sizeof(cc)))
		h3_log("setsockopt(QUIC_SOCKOPT_CONNECTION_CLOSE): %s",
		       strerror(errno));
}

void h3_conn_free(struct h3_conn *c)
{
	struct h3_bidi *b;

	while ((b = c->bidi)) {
		c->bidi = b->next;
		free(b);
	}
	if (c->h3)
		nghttp3_conn_del(c->h3);
	c->h3 = NULL;
}
