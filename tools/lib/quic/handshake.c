// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake step machine and quic_handshake() on top of it.
 *
 * The machine never calls sendmsg() or recvmsg(): each step names the call
 * the caller must make on the socket, with a msghdr the machine owns, and
 * the caller reports the result before asking for the next step.  Socket
 * options (secrets, transport parameters) are set directly, in the order
 * GnuTLS produced them relative to the handshake messages.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define QUIC_HS_DEFAULT_TIMEOUT_MS	30000

static bool quic_hs_transient(ssize_t err)
{
	return err == -EAGAIN || err == -EWOULDBLOCK || err == -EINTR;
}

static int quic_hs_fail(struct quic_hs *hs, int err)
{
	if (!hs->err) {
		hs->err = err;
		quic_log_error("handshake failed: %s", strerror(-err));
	}
	return hs->err;
}

/* Ask for @op to be sent, with MSG_MORE unless it ends the flight. */
static void quic_hs_arm_send(struct quic_hs *hs, struct quic_hs_op *op)
{
	struct quic_handshake_info info = { .crypto_level = op->level };
	struct quic_hs_op *it;
	struct cmsghdr *cmsg;
	int flags = 0;

	for (it = op->next; it; it = it->next) {
		if (it->kind == QUIC_HS_OP_MSG) {
			flags = MSG_MORE;
			break;
		}
	}

	memset(&hs->msg, 0, sizeof(hs->msg));
	memset(&hs->cmsg, 0, sizeof(hs->cmsg));
	hs->iov.iov_base = op->data + op->off;
	hs->iov.iov_len = op->len - op->off;
	hs->msg.msg_iov = &hs->iov;
	hs->msg.msg_iovlen = 1;
	hs->msg.msg_control = hs->cmsg.buf;
	hs->msg.msg_controllen = CMSG_SPACE(sizeof(info));
	cmsg = CMSG_FIRSTHDR(&hs->msg);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_HANDSHAKE_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(cmsg), &info, sizeof(info));

	hs->step.op = QUIC_HANDSHAKE_STEP_OP_SENDMSG;
	hs->step.s_sendmsg.msg = &hs->msg;
	hs->step.s_sendmsg.flags = flags;
	hs->step.s_sendmsg.retval = 0;
}

static void quic_hs_arm_recv(struct quic_hs *hs)
{
	memset(&hs->msg, 0, sizeof(hs->msg));
	hs->iov.iov_base = hs->rbuf;
	hs->iov.iov_len = sizeof(hs->rbuf);
	hs->msg.msg_iov = &hs->iov;
	hs->msg.msg_iovlen = 1;
	hs->msg.msg_control = hs->cmsg.buf;
	hs->msg.msg_controllen = sizeof(hs->cmsg.buf);

	hs->step.op = QUIC_HANDSHAKE_STEP_OP_RECVMSG;
	hs->step.s_recvmsg.msg = &hs->msg;
	hs->step.s_recvmsg.flags = 0;
	hs->step.s_recvmsg.retval = 0;
}

/* Tell the kernel the protocol chosen, for consumers that route on it. */
static void quic_hs_publish_alpn(struct quic_hs *hs)
{
	gnutls_datum_t alpn;

	if (gnutls_alpn_get_selected_protocol(hs->session, &alpn))
		return;
	if (setsockopt(hs->sockfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn.data,
		       alpn.size))
		quic_log_debug("set selected ALPN: %s", strerror(errno));
}

/*
 * Work through the queue: set secrets until a message needs sending, then
 * ask for it; with nothing queued, wait for the peer or finish.
 */
static int quic_hs_advance(struct quic_hs *hs,
			   struct quic_handshake_step **pstep)
{
	struct quic_hs_op *op;
	int ret;

	while ((op = hs->head)) {
		if (op->kind == QUIC_HS_OP_MSG) {
			quic_hs_arm_send(hs, op);
			*pstep = &hs->step;
			return 0;
		}
		hs->head = op->next;
		if (!hs->head)
			hs->tail = NULL;
		ret = quic_hs_set_secret(hs, &op->secret);
		gnutls_memset(op, 0, sizeof(*op));
		free(op);
		if (ret)
			return quic_hs_fail(hs, ret);
	}
	if (hs->completed) {
		if (hs->step.op)
			quic_hs_publish_alpn(hs);
		hs->step.op = 0;
		*pstep = NULL;
		return 0;
	}
	quic_hs_arm_recv(hs);
	*pstep = &hs->step;
	return 0;
}

static int quic_hs_sent(struct quic_hs *hs)
{
	ssize_t ret = hs->step.s_sendmsg.retval;
	struct quic_hs_op *op = hs->head;

	if (ret < 0)
		return quic_hs_transient(ret) ? 0 : quic_hs_fail(hs, (int)ret);
	if (!op || op->kind != QUIC_HS_OP_MSG ||
	    (size_t)ret > op->len - op->off)
		return quic_hs_fail(hs, -EINVAL);
	if (!ret && op->len)
		return quic_hs_fail(hs, -EPIPE);
	op->off += ret;
	if (op->off < op->len)
		return 0;		/* the rest goes in the next step */
	hs->head = op->next;
	if (!hs->head)
		hs->tail = NULL;
	free(op);
	return 0;
}

static int quic_hs_received(struct quic_hs *hs)
{
	ssize_t ret = hs->step.s_recvmsg.retval;
	gnutls_record_encryption_level_t glevel;
	struct quic_handshake_info info;
	struct cmsghdr *cmsg;
	bool found = false;
	int err;

	if (ret < 0)
		return quic_hs_transient(ret) ? 0 : quic_hs_fail(hs, (int)ret);
	if (hs->msg.msg_flags & MSG_QUIC_NOTIFICATION)
		return 0;
	for (cmsg = CMSG_FIRSTHDR(&hs->msg); cmsg;
	     cmsg = CMSG_NXTHDR(&hs->msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_QUIC &&
		    cmsg->cmsg_type == QUIC_HANDSHAKE_INFO &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(info))) {
			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			found = true;
			break;
		}
	}
	if (!found) {
		if (!ret)
			return quic_hs_fail(hs, -ECONNRESET);
		quic_log_notice("ignored %zd bytes of non-handshake data",
				ret);
		return 0;
	}
	if (quic_level_to_gnutls(info.crypto_level, &glevel))
		return quic_hs_fail(hs, -EPROTO);
	if ((size_t)ret > sizeof(hs->rbuf))
		return quic_hs_fail(hs, -EINVAL);

	quic_log_debug("received %zd bytes at level %u", ret,
		       info.crypto_level);
	if (ret) {
		err = gnutls_handshake_write(hs->session, glevel, hs->rbuf,
					     ret);
		if (err < 0 && (hs->err || gnutls_error_is_fatal(err)))
			return quic_hs_tls_error(hs, err);
	}
	return quic_hs_drive(hs);
}

/**
 * quic_handshake_init - start a non-blocking handshake
 * @session: a configured gnutls session whose transport is the QUIC
 *	     socket (gnutls_transport_set_int()); client or server
 * @pstep: receives the first step to perform
 *
 * Installs the QUIC callbacks on @session (it then carries no TLS records)
 * and, for a client, produces the ClientHello.  After a successful call,
 * quic_handshake_deinit() must be called once the handshake has ended.
 *
 * Returns 0 or a negative errno (-EALREADY if @session is already in a
 * handshake).
 */
QUIC_EXPORT int quic_handshake_init(gnutls_session_t session,
				    struct quic_handshake_step **pstep)
{
	struct quic_hs *hs;
	int ret;

	if (!session || !pstep)
		return -EINVAL;
	if (quic_hs_find(session))
		return -EALREADY;
	hs = quic_hs_create(session, gnutls_transport_get_int(session));
	if (!hs)
		return -ENOMEM;

	ret = quic_hs_install_callbacks(hs);
	if (!ret)
		ret = quic_hs_drive(hs);
	if (!ret)
		ret = quic_hs_advance(hs, pstep);
	if (ret)
		quic_hs_destroy(hs);
	return ret;
}

/**
 * quic_handshake_step - report a step's result and get the next one
 * @session: the session given to quic_handshake_init()
 * @pstep: in: the step just performed, its retval filled in with the
 *	   sendmsg()/recvmsg() result or -errno; out: the next step, or NULL
 *	   when the handshake is complete
 *
 * A transient error (-EAGAIN, -EINTR) returns the same step again.
 * Returns 0 or the negative errno the handshake failed with; it keeps
 * failing the same way afterwards.
 */
QUIC_EXPORT int quic_handshake_step(gnutls_session_t session,
				    struct quic_handshake_step **pstep)
{
	struct quic_hs *hs = quic_hs_find(session);
	int ret = 0;

	if (!hs || !pstep)
		return -EINVAL;
	if (hs->err)
		return hs->err;
	if (hs->step.op == QUIC_HANDSHAKE_STEP_OP_SENDMSG)
		ret = quic_hs_sent(hs);
	else if (hs->step.op == QUIC_HANDSHAKE_STEP_OP_RECVMSG)
		ret = quic_hs_received(hs);
	if (ret)
		return ret;
	return quic_hs_advance(hs, pstep);
}

/**
 * quic_handshake_deinit - forget the handshake state of a session
 * @session: the session
 *
 * The session itself stays usable, e.g. for quic_session_get_data().
 */
QUIC_EXPORT void quic_handshake_deinit(gnutls_session_t session)
{
	struct quic_hs *hs = quic_hs_find(session);

	if (hs)
		quic_hs_destroy(hs);
}

/*
 * How long to wait for the peer: the local idle timeout, which QUIC applies
 * to the handshake as well (RFC 9000 section 10.1).
 */
static int quic_hs_timeout_ms(int sockfd)
{
	struct quic_transport_param param = {};
	socklen_t len = sizeof(param);

	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &param,
		       &len) || !param.max_idle_timeout)
		return QUIC_HS_DEFAULT_TIMEOUT_MS;
	return (int)((param.max_idle_timeout + 999) / 1000);
}

/* Returns 0 when @events may be ready, or -ETIMEDOUT / -errno. */
static int quic_hs_wait(int sockfd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = sockfd, .events = events };
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	return ret ? 0 : -ETIMEDOUT;
}

static ssize_t quic_hs_do_send(int sockfd, struct quic_handshake_step *step,
			       int timeout_ms)
{
	ssize_t ret;

	ret = sendmsg(sockfd, step->s_sendmsg.msg, step->s_sendmsg.flags);
	if (ret >= 0)
		return ret;
	ret = -errno;
	if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
		ret = quic_hs_wait(sockfd, POLLOUT, timeout_ms);
		if (!ret)
			ret = -EAGAIN;
	}
	return ret;
}

static ssize_t quic_hs_do_recv(int sockfd, struct quic_handshake_step *step,
			       int timeout_ms)
{
	ssize_t ret;

	ret = quic_hs_wait(sockfd, POLLIN, timeout_ms);
	if (ret)
		return ret;
	ret = recvmsg(sockfd, step->s_recvmsg.msg,
		      step->s_recvmsg.flags | MSG_DONTWAIT);
	return ret < 0 ? -errno : ret;
}

/**
 * quic_handshake - run a whole handshake, blocking
 * @session: as for quic_handshake_init(); its priorities, credentials,
 *	     ALPN and session data are used as the application set them
 *
 * Returns 0 once the handshake is complete (the kernel then has the 1-RTT
 * secrets and the socket is established), or a negative errno:
 * -ECONNREFUSED for a TLS failure that raised an alert (see the log for
 * which), -ETIMEDOUT when the peer stayed silent for the idle timeout, or
 * what the socket reported.
 */
QUIC_EXPORT int quic_handshake(gnutls_session_t session)
{
	struct quic_handshake_step *step;
	int sockfd, timeout_ms, ret;

	ret = quic_handshake_init(session, &step);
	if (ret)
		return ret;
	sockfd = gnutls_transport_get_int(session);
	timeout_ms = quic_hs_timeout_ms(sockfd);

	while (step) {
		if (step->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG)
			step->s_sendmsg.retval =
				quic_hs_do_send(sockfd, step, timeout_ms);
		else
			step->s_recvmsg.retval =
				quic_hs_do_recv(sockfd, step, timeout_ms);
		ret = quic_handshake_step(session, &step);
		if (ret)
			break;
	}
	quic_handshake_deinit(session);
	return ret;
}
