/* SPDX-License-Identifier: GPL-2.0 */
/*
 * h3common: what the HTTP/3 example client and server share.
 *
 * HTTP/3 (RFC 9114) needs from QUIC: bidirectional streams for requests,
 * three unidirectional streams per side (control, QPACK encoder, QPACK
 * decoder), and the stream ID and end-of-stream of everything it reads.
 * An IPPROTO_QUIC socket gives all of that through sendmsg()/recvmsg()
 * with a QUIC_STREAM_INFO control message, so this glue is small:
 *
 *   h3_read()  - one recvmsg(), its bytes handed to nghttp3
 *   h3_flush() - everything nghttp3 wants to send, through sendmsg()
 *
 * The kernel owns retransmission and flow control: once sendmsg() has
 * taken bytes they are as good as acknowledged for nghttp3, and bytes
 * read with recvmsg() have already been credited back to the peer.
 */
#ifndef H3COMMON_H
#define H3COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <nghttp3/nghttp3.h>

/* HTTP/3 error codes (RFC 9114 section 8.1) used on close. */
#define H3_NO_ERROR		0x100
#define H3_INTERNAL_ERROR	0x102

void h3_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn, format(printf, 1, 2)))
h3_die(const char *fmt, ...);

/* A numeric IPv4 or IPv6 address and port; returns the family. */
int h3_parse_addr(const char *addr, int port, struct sockaddr_storage *ss,
		  socklen_t *len);

/* A decimal option argument in 0..@max, or h3_die() naming @what. */
unsigned int h3_arg_num(const char *s, const char *what, unsigned int max);

struct h3_tls;

/*
 * The start-up client and server share: checks --cipher, arms --timeout
 * (@timeout seconds, 0: none; SIGALRM goes to @on_alarm, or ends the
 * process when that is NULL), and returns an IPPROTO_QUIC socket of
 * @addr's family with @addr and @port in @ss and @len.  Dies on failure.
 */
int h3_start(const struct h3_tls *tls, unsigned int timeout,
	     void (*on_alarm)(int), const char *addr, int port,
	     struct sockaddr_storage *ss, socklen_t *len);

struct h3_tls {
	bool server;
	const char *cert, *key;	/* server */
	const char *ca;		/* client: trust these, not the system's */
	const char *host;	/* client: name to verify and send as SNI */
	bool insecure;		/* client: accept any certificate */
	const char *cipher;	/* aes128|aes256|chacha20|aes128ccm or NULL */
	const char *keylog;	/* append NSS key log lines here */
	bool early_data;	/* server: session tickets and 0-RTT */
	/* client: resume this session (quic_session_get_data()'s data) */
	const void *resume;
	size_t resume_len;
};

/*
 * The TLS 1.3 handshake over @fd with ALPN "h3", through libquic.
 * Returns 0, or -1 with the reason logged.
 */
int h3_handshake(int fd, const struct h3_tls *tls);

/* A client's session kept after its handshake, for its resumption data. */
struct h3_tls_session {
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
};

/*
 * h3_handshake(), the session left in @keep (on success) for
 * quic_session_get_data(); h3_tls_session_free() ends it.
 */
int h3_handshake_keep(int fd, const struct h3_tls *tls,
		      struct h3_tls_session *keep);
void h3_tls_session_free(struct h3_tls_session *keep);

/* Map a --cipher name to GnuTLS's; NULL if unknown. */
const char *h3_cipher_name(const char *arg);

/* One connection: the socket, nghttp3's state and stream bookkeeping. */
struct h3_conn {
	int fd;
	nghttp3_conn *h3;
	bool server;
	bool send_blocked;	/* sendmsg() said EAGAIN: wait for POLLOUT */
	bool peer_gone;		/* recvmsg() reported the end */
	struct h3_bidi *bidi;	/* request streams not closed yet */
};

/*
 * Opens our control and QPACK streams and binds them in nghttp3.  Call once
 * the handshake is done and @c->h3 is created.  Returns 0 or -1.
 */
int h3_bind_streams(struct h3_conn *c);

/*
 * Opens a bidirectional stream for a request (the kernel picks the ID),
 * waiting for the peer's MAX_STREAMS if it must.  Returns it or -1.
 */
int64_t h3_open_request_stream(struct h3_conn *c);

/*
 * Reads what the socket has (without blocking) and feeds it to nghttp3.
 * Returns 1 if something was read, 0 if nothing was there, -1 on error
 * (also when the connection ended: see c->peer_gone).
 */
int h3_read(struct h3_conn *c);

/*
 * Hands nghttp3's pending output to the socket until it has none left or
 * the socket's send buffer is full (c->send_blocked).  Returns 0 or -1.
 */
int h3_flush(struct h3_conn *c);

/* Waits up to @ms for the socket: readable, or writable if blocked. */
int h3_wait(struct h3_conn *c, int ms);

/* Sets the CONNECTION_CLOSE application error code sent on close(). */
void h3_set_close(int fd, uint64_t code, const char *phrase);

void h3_conn_free(struct h3_conn *c);

#endif /* H3COMMON_H */
