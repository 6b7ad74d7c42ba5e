/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libquic: the userspace half of the in-kernel QUIC socket API
 * (draft-lxin-quic-socket-apis).  The kernel moves QUIC packets; the TLS 1.3
 * handshake runs here over GnuTLS and hands the kernel its secrets.
 *
 * Link with -lquic (pkg-config libquic).
 */
#ifndef _NETINET_QUIC_H
#define _NETINET_QUIC_H

#include <gnutls/abstract.h>
#include <sys/socket.h>
#include <linux/quic.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * GnuTLS priorities for QUIC: TLS 1.3 only (RFC 9001 section 4.2), the
 * ciphers the kernel implements, certificate or (EC)DHE-PSK key exchange,
 * and no middlebox compatibility mode (RFC 9001 section 8.4).
 */
#define QUIC_PRIORITY \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+PSK:+ECDHE-PSK:" \
	"-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:" \
	"+AES-128-CCM:-GROUP-ALL:+GROUP-SECP256R1:+GROUP-X25519:" \
	"+GROUP-SECP384R1:+GROUP-SECP521R1:%DISABLE_TLS13_COMPAT_MODE"

/*
 * Non-blocking handshake.  quic_handshake_init() and quic_handshake_step()
 * never touch the socket's data path themselves: each returns a step asking
 * the caller to call sendmsg() or recvmsg() on the socket with the given
 * msghdr and flags, and to store the result (the byte count, or -errno) in
 * retval before calling quic_handshake_step() again.  A NULL step means the
 * handshake is complete.
 */
enum quic_handshake_step_op {
	QUIC_HANDSHAKE_STEP_OP_SENDMSG = 1,
	QUIC_HANDSHAKE_STEP_OP_RECVMSG,
};

struct quic_handshake_step_sendmsg {
	const struct msghdr	*msg;
	int			flags;
	ssize_t			retval;
};

struct quic_handshake_step_recvmsg {
	struct msghdr		*msg;
	int			flags;
	ssize_t			retval;
};

struct quic_handshake_step {
	enum quic_handshake_step_op op;
	union {
		struct quic_handshake_step_sendmsg s_sendmsg;
		struct quic_handshake_step_recvmsg s_recvmsg;
	};
};

int quic_client_handshake(int sockfd, const char *pkey_file,
			  const char *hostname, const char *alpns);
int quic_server_handshake(int sockfd, const char *pkey_file,
			  const char *cert_file, const char *alpns);

int quic_handshake(gnutls_session_t session);

int quic_handshake_init(gnutls_session_t session,
			struct quic_handshake_step **pstep);
int quic_handshake_step(gnutls_session_t session,
			struct quic_handshake_step **pstep);
void quic_handshake_deinit(gnutls_session_t session);

int quic_session_get_data(gnutls_session_t session, void *data, size_t *size);
int quic_session_set_data(gnutls_session_t session, const void *data,
			  size_t size);
int quic_session_get_alpn(gnutls_session_t session, void *data, size_t *size);
int quic_session_set_alpn(gnutls_session_t session, const void *data,
			  size_t size);
/* An extension of the draft's API: a server session accepts 0-RTT. */
int quic_session_enable_early_data(gnutls_session_t session);

ssize_t quic_sendmsg(int sockfd, const void *msg, size_t len, int64_t sid,
		     uint32_t flags);
ssize_t quic_recvmsg(int sockfd, void *msg, size_t len, int64_t *sid,
		     uint32_t *flags);

/* Levels are syslog's: LOG_ERR (the default), LOG_NOTICE, LOG_DEBUG. */
int quic_set_log_level(int level);

typedef void (*quic_set_log_func_t)(int level, const char *msg);
quic_set_log_func_t quic_set_log_func(quic_set_log_func_t func);

#ifdef __cplusplus
}
#endif

#endif /* _NETINET_QUIC_H */
