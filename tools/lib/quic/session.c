// SPDX-License-Identifier: GPL-2.0
/*
 * Session data (resumption tickets) and ALPN of a QUIC TLS session.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define QUIC_TICKET_MAX	4096

/* The socket's configuration; all zero (defaults) if it cannot be read. */
void quic_session_get_config(int sockfd, struct quic_config *cfg)
{
	socklen_t len = sizeof(*cfg);

	memset(cfg, 0, sizeof(*cfg));
	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, cfg, &len))
		memset(cfg, 0, sizeof(*cfg));
}

/*
 * QUIC_PRIORITY, narrowed to the one cipher a kernel consumer asked for in
 * payload_cipher_type, if any.
 */
int quic_session_set_priority(gnutls_session_t session,
			      const struct quic_config *cfg)
{
	const char *cipher = quic_tls_cipher_name(cfg->payload_cipher_type);
	char prio[sizeof(QUIC_PRIORITY) + 64];
	const char *err = NULL;
	int ret;

	if (cipher)
		snprintf(prio, sizeof(prio), "%s:-CIPHER-ALL:+%s",
			 QUIC_PRIORITY, cipher);
	else
		snprintf(prio, sizeof(prio), "%s", QUIC_PRIORITY);
	ret = gnutls_priority_set_direct(session, prio, &err);
	if (ret) {
		quic_log_gnutls(LOG_ERR, "set priority", ret);
		return -EINVAL;
	}
	return 0;
}

int quic_session_apply_alpns(gnutls_session_t session, const char *alpns,
			     size_t len)
{
	struct quic_alpn_list list;
	int ret;

	ret = quic_alpn_parse(alpns, len, &list);
	if (ret) {
		quic_log_error("invalid ALPN list");
		return ret;
	}
	/*
	 * RFC 9001 section 8.1: without an agreed protocol the connection
	 * fails with no_application_protocol, on either side.
	 */
	ret = gnutls_alpn_set_protocols(session, list.proto, list.count,
					GNUTLS_ALPN_MANDATORY);
	if (ret) {
		quic_log_gnutls(LOG_ERR, "set ALPN", ret);
		return -EINVAL;
	}
	return 0;
}

/**
 * quic_session_set_alpn - offer (client) or accept (server) protocols
 * @session: the session, before the handshake
 * @data: a comma-separated list, e.g. "h3,smb"
 * @size: its length, at most 128
 *
 * Returns 0 or -EINVAL.
 */
QUIC_EXPORT int quic_session_set_alpn(gnutls_session_t session,
				      const void *data, size_t size)
{
	return quic_session_apply_alpns(session, data, size);
}

/**
 * quic_session_get_alpn - the protocol the handshake agreed on
 * @session: the session, after the handshake
 * @data: receives the name, NUL-terminated when there is room
 * @size: in: size of @data; out: length of the name
 *
 * Returns 0, -ENOENT when no protocol was negotiated, or -EINVAL when
 * @data is too small.
 */
QUIC_EXPORT int quic_session_get_alpn(gnutls_session_t session, void *data,
				      size_t *size)
{
	gnutls_datum_t alpn;

	if (gnutls_alpn_get_selected_protocol(session, &alpn))
		return -ENOENT;
	if (!size || *size < alpn.size)
		return -EINVAL;
	memcpy(data, alpn.data, alpn.size);
	if (*size > alpn.size)
		((char *)data)[alpn.size] = '\0';
	*size = alpn.size;
	return 0;
}

/*
 * After the handshake the kernel keeps NewSessionTicket messages for the
 * client; feed what arrived to GnuTLS.  Only a client may do this: on a
 * server the same option yields the ticket key.  A server socket refuses
 * to read a token, which tells the two apart.
 */
static void quic_session_take_ticket(gnutls_session_t session)
{
	uint8_t ticket[QUIC_TICKET_MAX];
	int sockfd, ret;
	socklen_t len;

	sockfd = gnutls_transport_get_int(session);
	len = sizeof(ticket);
	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, ticket, &len))
		return;
	len = sizeof(ticket);
	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, ticket,
		       &len) || !len)
		return;
	ret = gnutls_handshake_write(session,
				     GNUTLS_ENCRYPTION_LEVEL_APPLICATION,
				     ticket, len);
	if (ret)	/* e.g. a ticket the kernel handed out before */
		quic_log_gnutls(LOG_NOTICE, "process session ticket", ret);
}

/**
 * quic_session_get_data - resumption data after a handshake
 * @session: the session, after quic_handshake()
 * @data: receives the data; NULL to learn the size
 * @size: in: size of @data; out: size of the data
 *
 * On a client, first takes the session ticket the server sent, if the
 * kernel has received it by now.  Returns 0, -ENOBUFS when @data is too
 * small (*size then tells how much is needed; with @data NULL that is a
 * size query and returns 0) or -EINVAL.
 */
QUIC_EXPORT int quic_session_get_data(gnutls_session_t session, void *data,
				      size_t *size)
{
	int ret;

	if (!size)
		return -EINVAL;
	quic_session_take_ticket(session);
	ret = gnutls_session_get_data(session, data, size);
	if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
		return data ? -ENOBUFS : 0;	/* NULL: a size query */
	if (ret) {
		quic_log_gnutls(LOG_ERR, "get session data", ret);
		return -EINVAL;
	}
	return 0;
}

/**
 * quic_session_set_data - resume a previous session
 * @session: a client session, before the handshake
 * @data: what quic_session_get_data() returned for the earlier session
 * @size: its size
 *
 * Returns 0 or -EINVAL.
 */
QUIC_EXPORT int quic_session_set_data(gnutls_session_t session,
				      const void *data, size_t size)
{
	int ret;

	ret = gnutls_session_set_data(session, data, size);
	if (ret) {
		quic_log_gnutls(LOG_ERR, "set session data", ret);
		return -EINVAL;
	}
	return 0;
}
