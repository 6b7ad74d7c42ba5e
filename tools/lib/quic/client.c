// SPDX-License-Identifier: GPL-2.0
/*
 * quic_client_handshake(): a ready-made client session, certificate mode
 * (system trust, verified, SNI) or PSK mode (a psktool file).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "internal.h"

struct quic_client_creds {
	gnutls_certificate_credentials_t	cert;
	gnutls_psk_client_credentials_t		psk;
};

static bool quic_is_ip_literal(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 ||
	       inet_pton(AF_INET6, host, addr) == 1;
}

static int quic_client_set_psk(gnutls_session_t session, const char *file,
			       struct quic_client_creds *creds)
{
	struct quic_psk_list list;
	gnutls_datum_t key;
	int ret;

	ret = quic_psk_load(file, &list);
	if (ret)
		return ret;
	ret = -ENOMEM;
	if (gnutls_psk_allocate_client_credentials(&creds->psk))
		goto out;
	/* A client offers the first key of the file. */
	key.data = list.psk[0].key;
	key.size = list.psk[0].keylen;
	ret = -EINVAL;
	if (gnutls_psk_set_client_credentials(creds->psk, list.psk[0].identity,
					      &key, GNUTLS_PSK_KEY_RAW))
		goto out;
	if (gnutls_credentials_set(session, GNUTLS_CRD_PSK, creds->psk))
		goto out;
	ret = 0;
out:
	quic_psk_free(&list);
	return ret;
}

static int quic_client_set_cert(gnutls_session_t session, const char *host,
				struct quic_client_creds *creds)
{
	int ret;

	if (gnutls_certificate_allocate_credentials(&creds->cert))
		return -ENOMEM;
	ret = gnutls_certificate_set_x509_system_trust(creds->cert);
	if (ret < 0) {
		quic_log_gnutls(LOG_ERR, "load system trust", ret);
		return -EINVAL;
	}
	if (!ret)
		quic_log_notice("no trusted CA found in the system store");
	if (gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE,
				   creds->cert))
		return -EINVAL;

	/* Verified during the handshake; with a host name it must match. */
	gnutls_session_set_verify_cert(session, host, 0);
	if (host && !quic_is_ip_literal(host) &&
	    gnutls_server_name_set(session, GNUTLS_NAME_DNS, host,
				   strlen(host)))
		return -EINVAL;
	return 0;
}

/**
 * quic_client_handshake - handshake as a client on a connected QUIC socket
 * @sockfd: the socket
 * @pkey_file: a PSK file ("identity:hexkey" lines, the first is used) for
 *	       PSK mode, or NULL for certificate mode
 * @hostname: the server's name: sent as SNI and checked against its
 *	      certificate, which is always verified against the system trust
 *	      store; NULL checks the chain only
 * @alpns: comma-separated protocols to offer, or NULL
 *
 * Returns 0 or a negative errno, as quic_handshake().
 */
QUIC_EXPORT int quic_client_handshake(int sockfd, const char *pkey_file,
				      const char *hostname, const char *alpns)
{
	struct quic_client_creds creds = {};
	gnutls_session_t session;
	struct quic_config cfg;
	int ret;

	if (gnutls_init(&session, GNUTLS_CLIENT | GNUTLS_ENABLE_EARLY_DATA |
			GNUTLS_NO_END_OF_EARLY_DATA))
		return -ENOMEM;

	quic_session_get_config(sockfd, &cfg);
	ret = quic_session_set_priority(session, &cfg);
	if (ret)
		goto out;
	if (pkey_file)
		ret = quic_client_set_psk(session, pkey_file, &creds);
	else
		ret = quic_client_set_cert(session, hostname, &creds);
	if (ret)
		goto out;
	if (alpns) {
		ret = quic_session_apply_alpns(session, alpns, strlen(alpns));
		if (ret)
			goto out;
	}
	gnutls_transport_set_int(session, sockfd);
	ret = quic_handshake(session);
out:
	gnutls_deinit(session);
	if (creds.cert)
		gnutls_certificate_free_credentials(creds.cert);
	if (creds.psk)
		gnutls_psk_free_client_credentials(creds.psk);
	return ret;
}
