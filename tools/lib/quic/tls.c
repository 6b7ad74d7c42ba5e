// SPDX-License-Identifier: GPL-2.0
/*
 * The GnuTLS side of a QUIC handshake (RFC 9001 section 4): GnuTLS emits
 * handshake messages and secrets through callbacks instead of records; they
 * are queued here for the step machine in handshake.c.  The QUIC transport
 * parameters extension (0x39) is read from and handed to the kernel, which
 * encodes and validates it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define QUIC_TP_EXT_ID		0x39
#define QUIC_ALERT_MISSING_EXT	109	/* missing_extension, RFC 8446 */

/*
 * Handshakes in progress.  The session's user pointer belongs to the
 * application, so callbacks find their state here; there are few at a time.
 */
static pthread_mutex_t quic_hs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct quic_hs *quic_hs_list;

struct quic_hs *quic_hs_find(gnutls_session_t session)
{
	struct quic_hs *hs;

	pthread_mutex_lock(&quic_hs_lock);
	for (hs = quic_hs_list; hs; hs = hs->next)
		if (hs->session == session)
			break;
	pthread_mutex_unlock(&quic_hs_lock);
	return hs;
}

/* Returns the new state, NULL if @session already has one or on ENOMEM. */
struct quic_hs *quic_hs_create(gnutls_session_t session, int sockfd)
{
	struct quic_hs *hs, *it;

	hs = calloc(1, sizeof(*hs));
	if (!hs)
		return NULL;
	hs->session = session;
	hs->sockfd = sockfd;
	hs->alert = -1;

	pthread_mutex_lock(&quic_hs_lock);
	for (it = quic_hs_list; it; it = it->next)
		if (it->session == session)
			break;
	if (!it) {
		hs->next = quic_hs_list;
		quic_hs_list = hs;
	}
	pthread_mutex_unlock(&quic_hs_lock);
	if (it) {
		free(hs);
		return NULL;
	}
	return hs;
}

static void quic_hs_op_free(struct quic_hs_op *op)
{
	if (!op)
		return;
	gnutls_memset(op, 0, sizeof(*op) + op->len);
	free(op);
}

void quic_hs_destroy(struct quic_hs *hs)
{
	struct quic_hs_op *op;
	struct quic_hs **pp;

	pthread_mutex_lock(&quic_hs_lock);
	for (pp = &quic_hs_list; *pp; pp = &(*pp)->next) {
		if (*pp == hs) {
			*pp = hs->next;
			break;
		}
	}
	pthread_mutex_unlock(&quic_hs_lock);

	while ((op = hs->head)) {
		hs->head = op->next;
		quic_hs_op_free(op);
	}
	quic_hs_op_free(hs->held[0]);
	quic_hs_op_free(hs->held[1]);
	free(hs);
}

static void quic_hs_enqueue(struct quic_hs *hs, struct quic_hs_op *op)
{
	op->next = NULL;
	if (hs->tail)
		hs->tail->next = op;
	else
		hs->head = op;
	hs->tail = op;
}

/*
 * Queue @op before the first message at @level (at any level for
 * QUIC_CRYPTO_MAX), or last.
 */
static void quic_hs_enqueue_before_msg(struct quic_hs *hs,
				       struct quic_hs_op *op, int level)
{
	struct quic_hs_op **pp;

	for (pp = &hs->head; *pp; pp = &(*pp)->next)
		if ((*pp)->kind == QUIC_HS_OP_MSG &&
		    (level == QUIC_CRYPTO_MAX || (*pp)->level == level))
			break;
	op->next = *pp;
	*pp = op;
	if (!op->next)
		hs->tail = op;
}

/*
 * Let held 1-RTT secrets go.  The server's receive secret waits for the
 * verified client Finished: RFC 9001 section 5.7 forbids processing 1-RTT
 * packets before that, and with it the kernel declares the connection up.
 */
void quic_hs_release_held(struct quic_hs *hs)
{
	struct quic_hs_op *op;
	int i;

	for (i = 0; i < 2; i++) {
		op = hs->held[i];
		if (!op)
			continue;
		if (hs->is_server && !op->secret.send && !hs->completed)
			continue;
		hs->held[i] = NULL;
		/* After every Initial/Handshake message queued so far,
		 * before the first message that needs the 1-RTT keys.
		 */
		quic_hs_enqueue_before_msg(hs, op, QUIC_CRYPTO_APP);
	}
}

int quic_hs_set_secret(struct quic_hs *hs, const struct quic_crypto_secret *s)
{
	int ret;

	ret = setsockopt(hs->sockfd, SOL_QUIC, QUIC_SOCKOPT_CRYPTO_SECRET, s,
			 sizeof(*s));
	if (ret) {
		ret = -errno;
		quic_log_error("set %s secret at level %u: %s",
			       s->send ? "send" : "receive", s->level,
			       strerror(errno));
		return ret;
	}
	quic_log_debug("installed %s secret at level %u, cipher %u",
		       s->send ? "send" : "receive", s->level, s->type);
	return 0;
}

static int quic_hs_queue_secret(struct quic_hs *hs, int level, bool send,
				uint32_t type, const void *secret, size_t size)
{
	struct quic_hs_op *op;

	op = calloc(1, sizeof(*op));
	if (!op)
		return -ENOMEM;
	op->kind = QUIC_HS_OP_SECRET;
	op->level = level;
	op->secret.send = send;
	op->secret.level = level;
	op->secret.type = type;
	memcpy(op->secret.secret, secret, size);

	/*
	 * A client's 0-RTT send secret is derived from the ClientHello
	 * GnuTLS has just queued (unsent: GnuTLS only runs while nothing
	 * queued is being sent); the kernel gets it before that message, so
	 * that the ClientHello's sendmsg() sends the first 0-RTT packet in
	 * its datagram (the kernel sends none before it: see early.c).
	 */
	if (level == QUIC_CRYPTO_EARLY && send) {
		quic_hs_enqueue_before_msg(hs, op, QUIC_CRYPTO_MAX);
		return 0;
	}
	if (level != QUIC_CRYPTO_APP) {
		quic_hs_enqueue(hs, op);
		return 0;
	}
	if (hs->held[send]) {		/* GnuTLS gives each one once */
		quic_hs_op_free(op);
		return -EPROTO;
	}
	hs->held[send] = op;
	return 0;
}

static int quic_tls_secret_func(gnutls_session_t session,
				gnutls_record_encryption_level_t glevel,
				const void *rx, const void *tx, size_t size)
{
	struct quic_hs *hs = quic_hs_find(session);
	gnutls_cipher_algorithm_t cipher;
	int level, ret = 0;
	uint32_t type;

	if (!hs)
		return 0;
	level = quic_level_from_gnutls(glevel);
	if (level < 0 || size > QUIC_CRYPTO_SECRET_BUFFER_SIZE) {
		quic_log_error("unexpected secret at level %d size %zu",
			       glevel, size);
		return -1;
	}
	if (level == QUIC_CRYPTO_EARLY)
		cipher = gnutls_early_cipher_get(session);
	else
		cipher = gnutls_cipher_get(session);
	type = quic_cipher_to_tls(cipher);
	if (!type) {
		quic_log_error("cipher %s is not usable with QUIC",
			       gnutls_cipher_get_name(cipher));
		return -1;
	}

	if (tx)
		ret = quic_hs_queue_secret(hs, level, true, type, tx, size);
	if (!ret && rx)
		ret = quic_hs_queue_secret(hs, level, false, type, rx, size);
	if (ret) {
		hs->err = ret;
		return -1;
	}
	return 0;
}

/*
 * Queue handshake bytes; consecutive messages of one level go out in one
 * sendmsg().  GnuTLS only runs while nothing queued is being sent.
 */
static int quic_hs_append(struct quic_hs *hs, int level, const void *data,
			  size_t len)
{
	struct quic_hs_op *op, *last = hs->tail, **pp;

	if (last && last->kind == QUIC_HS_OP_MSG && last->level == level &&
	    !last->off) {
		op = realloc(last, sizeof(*op) + last->len + len);
		if (!op)
			return -ENOMEM;
		for (pp = &hs->head; *pp != last; pp = &(*pp)->next)
			;
		*pp = op;
		hs->tail = op;
		memcpy(op->data + op->len, data, len);
		op->len += len;
		return 0;
	}

	op = malloc(sizeof(*op) + len);
	if (!op)
		return -ENOMEM;
	memset(op, 0, sizeof(*op));
	op->kind = QUIC_HS_OP_MSG;
	op->level = level;
	op->len = len;
	memcpy(op->data, data, len);
	quic_hs_enqueue(hs, op);
	return 0;
}

static int quic_tls_read_func(gnutls_session_t session,
			      gnutls_record_encryption_level_t glevel,
			      gnutls_handshake_description_t htype,
			      const void *data, size_t len)
{
	struct quic_hs *hs = quic_hs_find(session);
	int level;

	if (!hs || htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC)
		return 0;
	level = quic_level_from_gnutls(glevel);
	if (level < 0)
		return -1;
	if (htype == GNUTLS_HANDSHAKE_NEW_SESSION_TICKET)
		hs->ticket_sent = true;
	if (!hs->started) {
		/* A client always speaks first, with its ClientHello. */
		hs->started = true;
		hs->is_server = htype != GNUTLS_HANDSHAKE_CLIENT_HELLO;
	}

	if (quic_hs_append(hs, level, data, len)) {
		hs->err = -ENOMEM;
		return -1;
	}
	quic_log_debug("queued %s, %zu bytes at level %d",
		       gnutls_handshake_description_get_name(htype), len,
		       level);
	return 0;
}

/* GnuTLS calls this for the alerts it would send: they end the handshake. */
static int quic_tls_alert_func(gnutls_session_t session,
			       gnutls_record_encryption_level_t glevel,
			       gnutls_alert_level_t alert_level,
			       gnutls_alert_description_t desc)
{
	struct quic_hs *hs = quic_hs_find(session);

	(void)glevel;
	if (!hs || alert_level != GNUTLS_AL_FATAL || hs->alert >= 0)
		return 0;
	hs->alert = desc;
	quic_log_error("TLS alert %s (%d)", gnutls_alert_get_strname(desc),
		       desc);
	return 0;
}

static int quic_tls_tp_send(gnutls_session_t session, gnutls_buffer_t extdata)
{
	struct quic_hs *hs = quic_hs_find(session);
	uint8_t buf[2 * QUIC_TP_EXT_MAX];	/* room for any kernel */
	socklen_t len = sizeof(buf);
	int ret;

	if (!hs)
		return GNUTLS_E_INTERNAL_ERROR;
	if (getsockopt(hs->sockfd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT,
		       buf, &len)) {
		hs->err = -errno;
		quic_log_error("get local transport parameters: %s",
			       strerror(errno));
		return GNUTLS_E_INTERNAL_ERROR;
	}
	ret = gnutls_buffer_append_data(extdata, buf, len);
	if (ret < 0)
		return ret;
	return (int)len;
}

static int quic_tls_tp_recv(gnutls_session_t session,
			    const unsigned char *data, size_t len)
{
	struct quic_hs *hs = quic_hs_find(session);

	if (!hs)
		return GNUTLS_E_INTERNAL_ERROR;
	/* After a HelloRetryRequest the second ClientHello repeats them. */
	if (hs->tp_received && len == hs->tp_len &&
	    !memcmp(data, hs->tp_peer, len))
		return 0;
	if (setsockopt(hs->sockfd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT,
		       data, len)) {
		hs->err = -errno;
		hs->close_code = QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM;
		quic_log_error("peer transport parameters refused: %s",
			       strerror(errno));
		return GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER;
	}
	hs->tp_received = true;
	hs->tp_len = len <= sizeof(hs->tp_peer) ? len : 0;
	memcpy(hs->tp_peer, data, hs->tp_len);
	return 0;
}

/* The transport never carries records: GnuTLS must not read or write. */
static ssize_t quic_tls_pull(gnutls_transport_ptr_t ptr, void *buf, size_t n)
{
	(void)ptr;
	(void)buf;
	(void)n;
	errno = EAGAIN;
	return -1;
}

static ssize_t quic_tls_push(gnutls_transport_ptr_t ptr, const void *buf,
			     size_t n)
{
	(void)ptr;
	(void)buf;
	quic_log_debug("dropped %zu bytes of TLS records", n);
	return (ssize_t)n;
}

static int quic_tls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	(void)ptr;
	(void)ms;
	return 0;
}

int quic_hs_install_callbacks(struct quic_hs *hs)
{
	gnutls_session_t s = hs->session;
	int ret;

	ret = gnutls_session_ext_register(s, "quic_transport_parameters",
					  QUIC_TP_EXT_ID, GNUTLS_EXT_TLS,
					  quic_tls_tp_recv, quic_tls_tp_send,
					  NULL, NULL, NULL,
					  GNUTLS_EXT_FLAG_TLS |
					  GNUTLS_EXT_FLAG_CLIENT_HELLO |
					  GNUTLS_EXT_FLAG_EE);
	/* Already there when a session is driven a second time. */
	if (ret < 0 && ret != GNUTLS_E_ALREADY_REGISTERED) {
		quic_log_gnutls(LOG_ERR, "register transport parameters", ret);
		return -EINVAL;
	}
	gnutls_handshake_set_secret_function(s, quic_tls_secret_func);
	gnutls_handshake_set_read_function(s, quic_tls_read_func);
	gnutls_alert_set_read_function(s, quic_tls_alert_func);
	gnutls_transport_set_pull_function(s, quic_tls_pull);
	gnutls_transport_set_pull_timeout_function(s, quic_tls_pull_timeout);
	gnutls_transport_set_push_function(s, quic_tls_push);
	/*
	 * RFC 9001 section 4.6.1: a server allowing 0-RTT advertises
	 * max_early_data_size 0xffffffff.  GnuTLS refuses this on clients.
	 */
	gnutls_record_set_max_early_data_size(s, UINT32_MAX);
	return 0;
}

/* The transport parameters extension is mandatory in QUIC. */
static bool quic_hs_tp_missing(const struct quic_hs *hs)
{
	if (hs->tp_received)
		return false;
	return hs->completed || (hs->is_server && hs->started);
}

static int quic_tls_errno(int gnutls_err)
{
	switch (gnutls_err) {
	case GNUTLS_E_MEMORY_ERROR:
		return -ENOMEM;
	case GNUTLS_E_INVALID_REQUEST:
		return -EINVAL;
	default:
		return -EPROTO;
	}
}

/*
 * Fail the handshake for a GnuTLS error (0 = the missing transport
 * parameters check): raise the alert GnuTLS finds appropriate and tell the
 * kernel to close with CRYPTO_ERROR + alert (RFC 9001 section 4.8).
 * Returns the negative errno the handshake fails with: what a socket call
 * reported if one failed, else -ECONNREFUSED when an alert was raised.
 */
int quic_hs_tls_error(struct quic_hs *hs, int gnutls_err)
{
	struct quic_connection_close close = {};

	if (hs->err)
		goto close;
	if (gnutls_err) {
		quic_log_gnutls(LOG_ERR, "TLS handshake", gnutls_err);
		gnutls_alert_send_appropriate(hs->session, gnutls_err);
	} else {
		quic_log_error("peer sent no QUIC transport parameters");
		hs->alert = QUIC_ALERT_MISSING_EXT;
	}
	if (gnutls_err == GNUTLS_E_TIMEDOUT)
		hs->err = -ETIMEDOUT;
	else
		hs->err = hs->alert >= 0 ? -ECONNREFUSED :
					   quic_tls_errno(gnutls_err);
close:
	if (!hs->close_code)
		hs->close_code = hs->alert >= 0 ?
			QUIC_TRANSPORT_ERROR_CRYPTO + hs->alert :
			QUIC_TRANSPORT_ERROR_INTERNAL;
	close.errcode = (uint32_t)hs->close_code;
	if (setsockopt(hs->sockfd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
		       &close, sizeof(close)))
		quic_log_debug("set close code: %s", strerror(errno));
	return hs->err;
}

/*
 * A server session made with GNUTLS_NO_AUTO_SEND_TICKET sent no ticket
 * during the handshake: send one now it is complete, at 1-RTT.  Nothing
 * goes out when tickets are not enabled on the session.
 */
static void quic_hs_send_ticket(struct quic_hs *hs)
{
	int ret;

	if (!hs->is_server || hs->ticket_sent)
		return;
	ret = gnutls_session_ticket_send(hs->session, 1, 0);
	if (ret)
		quic_log_debug("no session ticket sent: %s",
			       gnutls_strerror(ret));
}

/* Run GnuTLS once more; returns 0 (complete or waiting) or -errno. */
int quic_hs_drive(struct quic_hs *hs)
{
	gnutls_cipher_algorithm_t cipher;
	int ret;

	if (!hs->completed) {
		ret = gnutls_handshake(hs->session);
		if (ret == 0) {
			cipher = gnutls_cipher_get(hs->session);
			hs->completed = true;
			quic_log_notice("TLS handshake complete, %s",
					gnutls_cipher_get_name(cipher));
			quic_hs_send_ticket(hs);
		} else if (hs->err || gnutls_error_is_fatal(ret)) {
			return quic_hs_tls_error(hs, ret);
		}
	}
	if (quic_hs_tp_missing(hs))
		return quic_hs_tls_error(hs, 0);
	quic_hs_release_held(hs);
	return 0;
}
