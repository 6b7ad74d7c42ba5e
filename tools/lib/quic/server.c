// SPDX-License-Identifier: GPL-2.0
/*
 * quic_server_handshake(): a ready-made server session, certificate mode
 * (PEM certificate and key) or PSK mode (a psktool file), with session
 * tickets keyed by the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define QUIC_TICKET_KEY_LEN	64	/* gnutls and the kernel agree */

struct quic_server_creds {
	gnutls_certificate_credentials_t	cert;
	gnutls_psk_server_credentials_t		psk;
	struct quic_psk_list			keys;
};

/* Look the client's identity up in the PSK file (the session is ours). */
static int quic_server_psk_lookup(gnutls_session_t session,
				  const char *identity, gnutls_datum_t *key)
{
	const struct quic_server_creds *creds = gnutls_session_get_ptr(session);
	const struct quic_psk *psk;

	psk = quic_psk_find(&creds->keys, identity);
	if (!psk) {
		quic_log_error("unknown PSK identity '%s'", identity);
		return -1;
	}
	key->data = gnutls_malloc(psk->keylen);
	if (!key->data)
		return -1;
	memcpy(key->data, psk->key, psk->keylen);
	key->size = psk->keylen;
	return 0;
}

static int quic_server_set_psk(gnutls_session_t session, const char *file,
			       struct quic_server_creds *creds)
{
	int ret;

	ret = quic_psk_load(file, &creds->keys);
	if (ret)
		return ret;
	if (gnutls_psk_allocate_server_credentials(&creds->psk))
		return -ENOMEM;
	gnutls_psk_set_server_credentials_function(creds->psk,
						   quic_server_psk_lookup);
	gnutls_session_set_ptr(session, creds);
	if (gnutls_credentials_set(session, GNUTLS_CRD_PSK, creds->psk))
		return -EINVAL;
	return 0;
}

static int quic_server_set_cert(gnutls_session_t session, const char *pkey,
				const char *cert, const struct quic_config *cfg,
				struct quic_server_creds *creds)
{
	gnutls_certificate_request_t req;
	int ret;

	if (gnutls_certificate_allocate_credentials(&creds->cert))
		return -ENOMEM;
	ret = gnutls_certificate_set_x509_key_file(creds->cert, cert, pkey,
						   GNUTLS_X509_FMT_PEM);
	if (ret) {
		quic_log_gnutls(LOG_ERR, "load certificate and key", ret);
		return -EINVAL;
	}
	/* A kernel consumer may ask for client certificates (1 or 2). */
	if (cfg->certificate_request == 1 || cfg->certificate_request == 2) {
		req = cfg->certificate_request == 1 ? GNUTLS_CERT_REQUEST :
						      GNUTLS_CERT_REQUIRE;
		if (gnutls_certificate_set_x509_system_trust(creds->cert) < 0)
			return -EINVAL;
		gnutls_certificate_server_set_request(session, req);
		gnutls_session_set_verify_cert(session, NULL, 0);
	}
	if (gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE,
				   creds->cert))
		return -EINVAL;
	return 0;
}

/* Session tickets, when the kernel hands out a ticket key. */
static void quic_server_enable_tickets(gnutls_session_t session, int sockfd)
{
	uint8_t key[QUIC_TICKET_KEY_LEN];
	socklen_t len = sizeof(key);
	gnutls_datum_t datum;
	int ret;

	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key,
		       &len) || len != sizeof(key)) {
		quic_log_debug("no session ticket key, tickets disabled");
		return;
	}
	datum.data = key;
	datum.size = len;
	ret = gnutls_session_ticket_enable_server(session, &datum);
	if (ret)
		quic_log_gnutls(LOG_NOTICE, "enable session tickets", ret);
	else
		quic_session_enable_early_data(session);
	gnutls_memset(key, 0, sizeof(key));
}

/**
 * quic_server_handshake - handshake as a server on an accepted QUIC socket
 * @sockfd: the socket
 * @pkey_file: the private key (PEM) for certificate mode, or a PSK file
 *	       ("identity:hexkey" lines) when @cert_file is NULL
 * @cert_file: the certificate chain (PEM), or NULL for PSK mode
 * @alpns: comma-separated protocols accepted, or NULL; a client offering
 *	   none of them is refused with no_application_protocol
 *
 * Returns 0 or a negative errno, as quic_handshake().
 */
QUIC_EXPORT int quic_server_handshake(int sockfd, const char *pkey_file,
				      const char *cert_file, const char *alpns)
{
	struct quic_server_creds creds = {};
	gnutls_session_t session;
	struct quic_config cfg;
	int ret;

	if (!pkey_file)
		return -EINVAL;
	/* The ticket goes after the handshake, see quic_hs_send_ticket(). */
	if (gnutls_init(&session, GNUTLS_SERVER | GNUTLS_NO_AUTO_SEND_TICKET |
			GNUTLS_ENABLE_EARLY_DATA | GNUTLS_NO_END_OF_EARLY_DATA))
		return -ENOMEM;

	quic_session_get_config(sockfd, &cfg);
	ret = quic_session_set_priority(session, &cfg);
	if (ret)
		goto out;
	if (cert_file)
		ret = quic_server_set_cert(session, pkey_file, cert_file, &cfg,
					   &creds);
	else
		ret = quic_server_set_psk(session, pkey_file, &creds);
	if (ret)
		goto out;
	if (alpns) {
		ret = quic_session_apply_alpns(session, alpns, strlen(alpns));
		if (ret)
			goto out;
	}
	quic_server_enable_tickets(session, sockfd);
	gnutls_transport_set_int(session, sockfd);
	ret = quic_handshake(session);
out:
	gnutls_deinit(session);
	if (creds.cert)
		gnutls_certificate_free_credentials(creds.cert);
	if (creds.psk)
		gnutls_psk_free_server_credentials(creds.psk);
	quic_psk_free(&creds.keys);
	return ret;
}
