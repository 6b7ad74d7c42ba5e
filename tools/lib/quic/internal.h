/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libquic internals shared between its source files.  Nothing here is
 * exported: the library is built with -fvisibility=hidden and only the
 * functions marked QUIC_EXPORT are visible to applications.
 */
#ifndef _LIBQUIC_INTERNAL_H
#define _LIBQUIC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include "netinet/quic.h"

#define QUIC_EXPORT	__attribute__((visibility("default")))

/* log.c */
void quic_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void quic_log_gnutls(int level, const char *what, int err);

#define quic_log_error(...)	quic_log(LOG_ERR, __VA_ARGS__)
#define quic_log_notice(...)	quic_log(LOG_NOTICE, __VA_ARGS__)
#define quic_log_debug(...)	quic_log(LOG_DEBUG, __VA_ARGS__)

/* parse.c: pure helpers, no I/O except quic_psk_load() reading a file. */
#define QUIC_ALPNS_MAX_LEN	128	/* the whole comma-separated list */
#define QUIC_ALPN_MAX_COUNT	16

struct quic_alpn_list {
	gnutls_datum_t	proto[QUIC_ALPN_MAX_COUNT];
	unsigned int	count;
	char		buf[QUIC_ALPNS_MAX_LEN + 1];
};

int quic_alpn_parse(const char *alpns, size_t len, struct quic_alpn_list *list);

#define QUIC_PSK_IDENTITY_MAX	255
#define QUIC_PSK_KEY_MAX	128
#define QUIC_PSK_FILE_MAX	65536

struct quic_psk {
	char		identity[QUIC_PSK_IDENTITY_MAX + 1];
	unsigned char	key[QUIC_PSK_KEY_MAX];
	unsigned int	keylen;
};

struct quic_psk_list {
	struct quic_psk	*psk;
	unsigned int	count;
};

int quic_psk_parse(const char *text, size_t len, struct quic_psk_list *list);
int quic_psk_load(const char *file, struct quic_psk_list *list);
const struct quic_psk *quic_psk_find(const struct quic_psk_list *list,
				     const char *identity);
void quic_psk_free(struct quic_psk_list *list);

int quic_level_from_gnutls(gnutls_record_encryption_level_t level);
int quic_level_to_gnutls(unsigned int level,
			 gnutls_record_encryption_level_t *out);
uint32_t quic_cipher_to_tls(gnutls_cipher_algorithm_t cipher);
const char *quic_tls_cipher_name(uint32_t tls_cipher);

/* tls.c: the GnuTLS side of one handshake in progress. */
enum quic_hs_op_kind {
	QUIC_HS_OP_MSG,		/* a handshake message to sendmsg() */
	QUIC_HS_OP_SECRET,	/* a secret to setsockopt() */
};

struct quic_hs_op {
	struct quic_hs_op		*next;
	enum quic_hs_op_kind		kind;
	uint8_t				level;	/* enum quic_crypto_level */
	struct quic_crypto_secret	secret;
	size_t				len;
	size_t				off;	/* bytes already sent */
	uint8_t				data[];
};

#define QUIC_HS_RECV_BUF	65536
#define QUIC_TP_EXT_MAX		512	/* the kernel takes no more */
#define QUIC_HS_CMSG_SPACE	(CMSG_SPACE(sizeof(struct quic_stream_info)) + \
				 CMSG_SPACE(sizeof(struct quic_handshake_info)))

/*
 * One handshake in progress, found from its gnutls session through a
 * registry (the session's user pointer belongs to the application).
 *
 * GnuTLS callbacks queue what they produce (messages and secrets) in the
 * order produced; the step machine hands messages to the caller and sets
 * secrets with setsockopt() in that same order, so the kernel never holds
 * a key before the handshake data that precedes it.  Application (1-RTT)
 * secrets are held back until the handshake messages queued before them
 * are out, and a server's 1-RTT receive secret until the client Finished
 * has been verified: with both 1-RTT secrets in, the kernel considers the
 * connection established.
 */
struct quic_hs {
	struct quic_hs			*next;		/* registry */
	gnutls_session_t		session;
	int				sockfd;
	int				err;	/* -errno once failed */
	int				alert;	/* alert raised, or -1 */
	uint64_t			close_code; /* for CONNECTION_CLOSE */
	bool				started; /* first message seen */
	bool				is_server;
	bool				completed;
	bool				tp_received;
	bool				ticket_sent;
	struct quic_hs_op		*head;
	struct quic_hs_op		*tail;
	struct quic_hs_op		*held[2];	/* 1-RTT secrets held */
	uint8_t				tp_peer[QUIC_TP_EXT_MAX];
	size_t				tp_len;		/* peer's, as set */
	struct quic_handshake_step	step;
	struct msghdr			msg;
	struct iovec			iov;
	union {
		size_t			align;	/* as struct cmsghdr */
		uint8_t			buf[QUIC_HS_CMSG_SPACE];
	} cmsg;
	uint8_t				rbuf[QUIC_HS_RECV_BUF];
};

struct quic_hs *quic_hs_create(gnutls_session_t session, int sockfd);
struct quic_hs *quic_hs_find(gnutls_session_t session);
void quic_hs_destroy(struct quic_hs *hs);
int quic_hs_install_callbacks(struct quic_hs *hs);
void quic_hs_release_held(struct quic_hs *hs);
int quic_hs_set_secret(struct quic_hs *hs, const struct quic_crypto_secret *s);
int quic_hs_tls_error(struct quic_hs *hs, int gnutls_err);
int quic_hs_drive(struct quic_hs *hs);

/* session.c */
void quic_session_get_config(int sockfd, struct quic_config *cfg);
int quic_session_set_priority(gnutls_session_t session,
			      const struct quic_config *cfg);
int quic_session_apply_alpns(gnutls_session_t session, const char *alpns,
			     size_t len);

#endif /* _LIBQUIC_INTERNAL_H */
