// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS side of quic-handshaked: build a GnuTLS session for one request,
 * as the kernel consumer configured its QUIC socket and as the request's
 * keys (or the daemon's --cert/--key/--cafile) say, run the QUIC handshake
 * on the socket with libquic, and log the outcome in one line.
 */
#define _GNU_SOURCE	/* memmem() */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/x509.h>
#include <netinet/quic.h>

#include "handshaked.h"

/* Room for the socket's ALPN list (the kernel allows 128 bytes). */
#define HSD_ALPN_MAX	256

/* Everything one handshake allocates, so that one function frees it. */
struct hsd_tls {
	const struct hsd_options		*opts;
	struct hsd_request			*req;
	struct quic_config			cfg;
	bool					server;
	gnutls_session_t			session;
	gnutls_certificate_credentials_t	cert;
	gnutls_psk_client_credentials_t		psk_client;
	gnutls_psk_server_credentials_t		psk_server;
	struct hsd_resume			resume;
	int					ticket_err;
};

/* The GnuTLS priority name of a TLS_CIPHER_* value, or NULL. */
static const char *hsd_cipher_priority(uint32_t type)
{
	switch (type) {
	case TLS_CIPHER_AES_GCM_128:
		return "AES-128-GCM";
	case TLS_CIPHER_AES_GCM_256:
		return "AES-256-GCM";
	case TLS_CIPHER_CHACHA20_POLY1305:
		return "CHACHA20-POLY1305";
	case TLS_CIPHER_AES_CCM_128:
		return "AES-128-CCM";
	}
	return NULL;
}

static const char *hsd_auth_name(uint32_t auth)
{
	switch (auth) {
	case HANDSHAKE_AUTH_UNAUTH:
		return "unauth";
	case HANDSHAKE_AUTH_PSK:
		return "psk";
	case HANDSHAKE_AUTH_X509:
		return "x509";
	}
	return "unknown-auth";
}

static const char *hsd_role_name(const struct hsd_request *req)
{
	switch (req->msg_type) {
	case HANDSHAKE_MSG_TYPE_CLIENTHELLO:
		return "client";
	case HANDSHAKE_MSG_TYPE_SERVERHELLO:
		return "server";
	}
	return "unknown-role";
}

/* "10.0.0.2:4433", "[2001:db8::1]:4433", or "?" for anything else. */
static void hsd_format_peer(int fd, char *out, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	snprintf(out, size, "?");
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len))
		return;
	if (ss.ss_family == AF_INET &&
	    inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host)))
		snprintf(out, size, "%s:%u", host, ntohs(sin->sin_port));
	else if (ss.ss_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host)))
		snprintf(out, size, "[%s]:%u", host, ntohs(sin6->sin6_port));
}

static bool hsd_is_quic_socket(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	return !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) &&
	       proto == IPPROTO_QUIC;
}

static bool hsd_is_ip_literal(const char *name)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, addr) == 1 ||
	       inet_pton(AF_INET6, name, addr) == 1;
}

/* PEM text carries its armour; anything else is taken to be DER. */
static gnutls_x509_crt_fmt_t hsd_format_of(const gnutls_datum_t *d)
{
	static const char armour[] = "-----BEGIN ";

	return memmem(d->data, d->size, armour, sizeof(armour) - 1) ?
	       GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER;
}

static int hsd_import_key(gnutls_x509_privkey_t *pkey,
			  const gnutls_datum_t *key)
{
	int ret;

	ret = gnutls_x509_privkey_init(pkey);
	if (ret < 0)
		return ret;
	ret = gnutls_x509_privkey_import2(*pkey, key, hsd_format_of(key),
					  NULL, 0);
	if (ret < 0) {
		gnutls_x509_privkey_deinit(*pkey);
		*pkey = NULL;
	}
	return ret;
}

/* A certificate chain and its key, each PEM or DER, as our identity. */
static int hsd_set_keypair(gnutls_certificate_credentials_t cred,
			   const gnutls_datum_t *chain,
			   const gnutls_datum_t *key)
{
	gnutls_x509_privkey_t pkey = NULL;
	gnutls_x509_crt_t *crts = NULL;
	unsigned int n = 0, i;
	int ret;

	ret = gnutls_x509_crt_list_import2(&crts, &n, chain,
					   hsd_format_of(chain), 0);
	if (ret < 0) {
		hsd_log("cannot read certificate: %s", gnutls_strerror(ret));
		return -EINVAL;
	}
	ret = hsd_import_key(&pkey, key);
	if (ret < 0) {
		hsd_log("cannot read private key: %s", gnutls_strerror(ret));
	} else {
		ret = gnutls_certificate_set_x509_key(cred, crts, n, pkey);
		if (ret < 0)
			hsd_log("certificate and key refused: %s",
				gnutls_strerror(ret));
		/* GnuTLS keeps copies of what it accepted. */
		gnutls_x509_privkey_deinit(pkey);
	}
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	return ret < 0 ? -EINVAL : 0;
}

/* The --cert/--key pair, read again for each request so it can be renewed. */
static int hsd_set_file_keypair(gnutls_certificate_credentials_t cred,
				const struct hsd_options *opts)
{
	gnutls_datum_t chain = {}, key = {};
	int ret = -ENOENT;

	if (gnutls_load_file(opts->cert_file, &chain) < 0)
		hsd_log("cannot read %s", opts->cert_file);
	else if (gnutls_load_file(opts->key_file, &key) < 0)
		hsd_log("cannot read %s", opts->key_file);
	else
		ret = hsd_set_keypair(cred, &chain, &key);
	gnutls_free(chain.data);
	hsd_datum_wipe(&key);
	return ret;
}

/* The pair the kernel consumer named by key serial. */
static int hsd_set_keyring_keypair(gnutls_certificate_credentials_t cred,
				   const struct hsd_request *req)
{
	gnutls_datum_t chain = {}, key = {};
	int ret;

	if (!req->cert_serial || !req->key_serial) {
		hsd_log("request names a certificate or a key, not both");
		return -ENOKEY;
	}
	ret = hsd_key_read(req->cert_serial, &chain);
	if (ret) {
		hsd_log("cannot read certificate key %d: %s", req->cert_serial,
			strerror(-ret));
		return ret;
	}
	ret = hsd_key_read(req->key_serial, &key);
	if (ret)
		hsd_log("cannot read private key %d: %s", req->key_serial,
			strerror(-ret));
	else
		ret = hsd_set_keypair(cred, &chain, &key);
	gnutls_free(chain.data);
	hsd_datum_wipe(&key);
	return ret;
}

/* Returns the number of CA certificates loaded, or a GnuTLS error. */
static int hsd_trust_file(gnutls_certificate_credentials_t cred,
			  const char *file)
{
	return gnutls_certificate_set_x509_trust_file(cred, file,
						      GNUTLS_X509_FMT_PEM);
}

static int hsd_set_trust(gnutls_certificate_credentials_t cred,
			 const struct hsd_options *opts)
{
	const char *where = opts->ca_file ? opts->ca_file : "the system store";
	int ret;

	if (opts->ca_file)
		ret = hsd_trust_file(cred, opts->ca_file);
	else
		ret = gnutls_certificate_set_x509_system_trust(cred);
	if (ret < 0) {
		hsd_log("cannot load trusted CAs from %s: %s", where,
			gnutls_strerror(ret));
		return -EINVAL;
	}
	/* An empty --cafile is a mistake; an empty system store may not be. */
	if (!ret) {
		hsd_log("no trusted CA in %s", where);
		return opts->ca_file ? -EINVAL : 0;
	}
	return 0;
}

/*
 * Our own certificate: a server always needs one; a client shows one only
 * in X509 mode, and only when it has one.  The request's keys win over
 * --cert/--key.
 */
static int hsd_setup_identity(struct hsd_tls *t)
{
	const struct hsd_request *req = t->req;

	if (!t->server && req->auth_mode != HANDSHAKE_AUTH_X509)
		return 0;
	if (req->cert_serial || req->key_serial)
		return hsd_set_keyring_keypair(t->cert, req);
	if (t->opts->cert_file)
		return hsd_set_file_keypair(t->cert, t->opts);
	if (!t->server)
		return 0;
	hsd_log("no server certificate: the request names none and no --cert/--key was given");
	return -ENOKEY;
}

/*
 * A client verifies the server during the handshake, against the name the
 * consumer gave when it gave one, and sends that name as SNI unless it is
 * an address.
 */
static int hsd_setup_server_check(struct hsd_tls *t)
{
	const char *name = t->req->peername[0] ? t->req->peername : NULL;

	gnutls_session_set_verify_cert(t->session, name, 0);
	if (name && !hsd_is_ip_literal(name) &&
	    gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, name,
				   strlen(name)))
		return -EINVAL;
	return 0;
}

/* Certificate mode: trust, identity, and who verifies whom. */
static int hsd_setup_x509(struct hsd_tls *t)
{
	int ret;

	if (gnutls_certificate_allocate_credentials(&t->cert))
		return -ENOMEM;
	ret = hsd_set_trust(t->cert, t->opts);
	if (!ret)
		ret = hsd_setup_identity(t);
	if (ret)
		return ret;
	if (gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
				   t->cert))
		return -EINVAL;

	if (!t->server)
		return hsd_setup_server_check(t);
	switch (t->cfg.certificate_request) {
	case 0:
		gnutls_certificate_server_set_request(t->session,
						      GNUTLS_CERT_IGNORE);
		return 0;
	case 1:
		gnutls_certificate_server_set_request(t->session,
						      GNUTLS_CERT_REQUEST);
		break;
	default:
		gnutls_certificate_server_set_request(t->session,
						      GNUTLS_CERT_REQUIRE);
		break;
	}
	/* A client certificate, when one comes, must verify. */
	gnutls_session_set_verify_cert(t->session, NULL, 0);
	return 0;
}

/* The client offers the first key the consumer named. */
static int hsd_setup_psk_client(struct hsd_tls *t)
{
	int32_t serial = t->req->peerids[0];
	gnutls_datum_t id, key = {};
	char *identity = NULL;
	int ret;

	ret = hsd_key_identity(serial, &identity);
	if (!ret)
		ret = hsd_key_read(serial, &key);
	if (ret) {
		hsd_log("cannot read PSK %d: %s", serial, strerror(-ret));
		goto out;
	}
	id.data = (unsigned char *)identity;
	id.size = (unsigned int)strlen(identity);
	ret = -ENOMEM;
	if (gnutls_psk_allocate_client_credentials(&t->psk_client))
		goto out;
	ret = -EINVAL;
	if (gnutls_psk_set_client_credentials2(t->psk_client, &id, &key,
					       GNUTLS_PSK_KEY_RAW) ||
	    gnutls_credentials_set(t->session, GNUTLS_CRD_PSK, t->psk_client))
		goto out;
	t->req->remote_peerid = serial;
	ret = 0;
out:
	free(identity);
	hsd_datum_wipe(&key);
	return ret;
}

/* The server looks the offered identity up among the consumer's keys. */
static int hsd_psk_lookup(gnutls_session_t session,
			  const gnutls_datum_t *username, gnutls_datum_t *key)
{
	struct hsd_tls *t = gnutls_session_get_ptr(session);
	struct hsd_request *req = t->req;
	unsigned int i;
	char *identity;
	bool match;
	int err;

	for (i = 0; i < req->n_peerids; i++) {
		if (hsd_key_identity(req->peerids[i], &identity))
			continue;
		match = strlen(identity) == username->size &&
			!memcmp(identity, username->data, username->size);
		free(identity);
		if (!match)
			continue;
		/* GnuTLS frees the key: hsd_key_read() gnutls_malloc()s it. */
		err = hsd_key_read(req->peerids[i], key);
		if (err) {
			hsd_log("cannot read PSK %d: %s", req->peerids[i],
				strerror(-err));
			return -1;
		}
		req->remote_peerid = req->peerids[i];
		return 0;
	}
	hsd_log("client offered a PSK identity the request does not name");
	return -1;
}

static int hsd_setup_psk(struct hsd_tls *t)
{
	if (!t->req->n_peerids) {
		hsd_log("PSK request names no key");
		return -ENOKEY;
	}
	if (!t->server)
		return hsd_setup_psk_client(t);
	if (gnutls_psk_allocate_server_credentials(&t->psk_server))
		return -ENOMEM;
	gnutls_psk_set_server_credentials_function2(t->psk_server,
						    hsd_psk_lookup);
	gnutls_session_set_ptr(t->session, t);
	if (gnutls_credentials_set(t->session, GNUTLS_CRD_PSK, t->psk_server))
		return -EINVAL;
	return 0;
}

/* QUIC_PRIORITY, narrowed to the consumer's cipher if it chose one. */
static int hsd_setup_priority(struct hsd_tls *t)
{
	uint32_t type = t->cfg.payload_cipher_type;
	char prio[sizeof(QUIC_PRIORITY) + 64];
	const char *cipher = hsd_cipher_priority(type);
	int ret;

	if (type && !cipher) {
		hsd_log("socket asks for cipher %u, which QUIC cannot use",
			type);
		return -EOPNOTSUPP;
	}
	if (cipher)
		snprintf(prio, sizeof(prio), "%s:-CIPHER-ALL:+%s",
			 QUIC_PRIORITY, cipher);
	else
		snprintf(prio, sizeof(prio), "%s", QUIC_PRIORITY);
	ret = gnutls_priority_set_direct(t->session, prio, NULL);
	if (ret) {
		hsd_log("priority \"%s\" refused: %s", prio,
			gnutls_strerror(ret));
		return -EINVAL;
	}
	return 0;
}

/* The protocols the consumer set on the socket, if any. */
static int hsd_setup_alpn(struct hsd_tls *t)
{
	char alpn[HSD_ALPN_MAX];
	socklen_t len = sizeof(alpn);

	if (getsockopt(t->req->fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn, &len))
		return -errno;
	if (!len)
		return 0;
	return quic_session_set_alpn(t->session, alpn, len);
}

static void hsd_read_config(struct hsd_tls *t)
{
	socklen_t len = sizeof(t->cfg);

	/* A socket that cannot say is taken to want the defaults. */
	if (getsockopt(t->req->fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &t->cfg,
		       &len))
		memset(&t->cfg, 0, sizeof(t->cfg));
}

static int hsd_setup(struct hsd_tls *t)
{
	unsigned int flags = GNUTLS_NO_END_OF_EARLY_DATA;
	int ret;

	hsd_read_config(t);
	/* A server's ticket goes after the handshake (libquic sends it). */
	flags |= t->server ? GNUTLS_SERVER | GNUTLS_NO_AUTO_SEND_TICKET :
			     GNUTLS_CLIENT;
	if (gnutls_init(&t->session, flags))
		return -ENOMEM;
	ret = hsd_setup_priority(t);
	if (!ret)
		ret = t->req->auth_mode == HANDSHAKE_AUTH_PSK ?
		      hsd_setup_psk(t) : hsd_setup_x509(t);
	if (!ret)
		ret = hsd_setup_alpn(t);
	if (ret)
		return ret;
	/*
	 * The deadline itself is kept by hsd_quic_handshake(); GnuTLS gets
	 * the same limit so that its own handshake timer, if it runs one,
	 * does not end a handshake the consumer still waits for.
	 */
	if (t->req->timeout_ms)
		gnutls_handshake_set_timeout(t->session, t->req->timeout_ms);
	gnutls_transport_set_int(t->session, t->req->fd);
	if (t->server)
		hsd_tickets_enable(t->session, t->req->fd);
	else
		hsd_resume_prepare(t->session, t->req->fd, &t->resume);
	return 0;
}

/*
 * receive_session_ticket (seconds) asks a client to wait for the
 * server's ticket before it reports the handshake done; never past the
 * request's own timeout, which the consumer's wait for DONE follows.
 */
static void hsd_collect_ticket(struct hsd_tls *t, long long start)
{
	long long wait = t->cfg.receive_session_ticket * 1000LL;
	long long left;

	if (t->server || !wait)
		return;
	if (t->req->timeout_ms) {
		left = start + t->req->timeout_ms - hsd_now_ms();
		if (left < wait)
			wait = left > 0 ? left : 0;
	}
	t->ticket_err = hsd_resume_collect(t->session, t->req->fd, &t->resume,
					   wait);
}

static void hsd_teardown(struct hsd_tls *t)
{
	if (t->session)
		gnutls_deinit(t->session);
	if (t->cert)
		gnutls_certificate_free_credentials(t->cert);
	if (t->psk_client)
		gnutls_psk_free_client_credentials(t->psk_client);
	if (t->psk_server)
		gnutls_psk_free_server_credentials(t->psk_server);
}

static void hsd_log_result(const struct hsd_tls *t, int status)
{
	const struct hsd_request *req = t->req;
	char peer[INET6_ADDRSTRLEN + 16];
	char alpn[HSD_ALPN_MAX] = "none";
	size_t len = sizeof(alpn) - 1;
	char ticket[64] = "";
	const char *cipher;

	hsd_format_peer(req->fd, peer, sizeof(peer));
	if (status) {
		hsd_log("%s %s %s: failed: %s", hsd_role_name(req), peer,
			hsd_auth_name(req->auth_mode), strerror(status));
		return;
	}
	/* On failure the buffer still says "none". */
	if (!quic_session_get_alpn(t->session, alpn, &len))
		alpn[len] = '\0';
	cipher = gnutls_cipher_get_name(gnutls_cipher_get(t->session));
	/* A client asked to collect the server's ticket says how it went. */
	if (!t->server && t->cfg.receive_session_ticket) {
		if (t->ticket_err)
			snprintf(ticket, sizeof(ticket),
				 ", no session data: %s",
				 strerror(-t->ticket_err));
		else
			snprintf(ticket, sizeof(ticket),
				 ", session data %zu bytes",
				 t->resume.data_len);
	}
	hsd_log("%s %s %s: ok, alpn %s, cipher %s%s%s", hsd_role_name(req),
		peer, hsd_auth_name(req->auth_mode), alpn, cipher ? cipher : "?",
		gnutls_session_is_resumed(t->session) ? ", resumed" : "",
		ticket);
}

/* A negative return of libquic as a DONE status (a positive errno). */
static int hsd_status_of(int ret)
{
	/* Anything that is not a -errno is reported as an I/O error. */
	if (ret > 0 || ret < -HSD_MAX_ERRNO)
		ret = -EIO;
	return -ret;
}

/*
 * Run the handshake @req asks for.  Returns 0 on success or the positive
 * errno to report to the kernel; logs one line either way.
 */
int hsd_handshake(const struct hsd_options *opts, struct hsd_request *req)
{
	struct hsd_tls t = { .opts = opts, .req = req };
	long long start = hsd_now_ms();
	int status = req->status;

	if (status)
		hsd_log("the kernel's request is malformed");
	if (!status && !hsd_is_quic_socket(req->fd)) {
		hsd_log("socket %d is not a QUIC socket", req->fd);
		status = EPROTONOSUPPORT;
	}
	if (!status) {
		hsd_debug("%s request: auth %s, peer name \"%s\", timeout %u ms, %u key(s), certificate %d, key %d",
			  hsd_role_name(req), hsd_auth_name(req->auth_mode),
			  req->peername, req->timeout_ms, req->n_peerids,
			  req->cert_serial, req->key_serial);
		t.server = req->msg_type == HANDSHAKE_MSG_TYPE_SERVERHELLO;
		status = hsd_status_of(hsd_setup(&t));
	}
	if (!status)
		status = hsd_status_of(hsd_quic_handshake(t.session,
							  req->timeout_ms));
	if (!status)
		hsd_collect_ticket(&t, start);
	hsd_log_result(&t, status);
	hsd_teardown(&t);
	return status;
}

/*
 * At startup, catch a wrong --cert, --key or --cafile before any request
 * depends on it.
 */
int hsd_check_files(const struct hsd_options *opts)
{
	gnutls_certificate_credentials_t cred;
	int ret = 0;

	if (gnutls_certificate_allocate_credentials(&cred))
		return -ENOMEM;
	if (opts->cert_file)
		ret = hsd_set_file_keypair(cred, opts);
	if (!ret)
		ret = hsd_set_trust(cred, opts);
	gnutls_certificate_free_credentials(cred);
	return ret;
}
