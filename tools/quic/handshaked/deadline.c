// SPDX-License-Identifier: GPL-2.0
/*
 * The QUIC handshake of one request in quic-handshaked, within the time
 * the kernel consumer allowed (HANDSHAKE_A_ACCEPT_TIMEOUT).
 *
 * quic_handshake() bounds each wait for the peer by the socket's idle
 * timeout (30 s when unset) and has no parameter for an overall limit; it
 * cannot be interrupted either, as it retries a wait that a signal broke.
 * So with a deadline the same handshake runs through libquic's step
 * interface, whose socket calls are ours to make and to time.  Without
 * one, quic_handshake() itself runs.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <time.h>

#include <netinet/quic.h>

#include "handshaked.h"

/* Milliseconds on the monotonic clock. */
long long hsd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* 0 once @events may be ready on @fd, -ETIMEDOUT past @deadline, -errno. */
static int hsd_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left;
	int ret;

	for (;;) {
		left = deadline - hsd_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (ret > 0)
			return 0;
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}

/* A full socket buffer gives -EAGAIN, which repeats the step. */
static ssize_t hsd_step_send(int fd, const struct quic_handshake_step *step,
			     long long deadline)
{
	ssize_t n;
	int err;

	n = sendmsg(fd, step->s_sendmsg.msg,
		    step->s_sendmsg.flags | MSG_DONTWAIT);
	if (n >= 0)
		return n;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return -errno;
	err = hsd_wait(fd, POLLOUT, deadline);
	return err ? err : -EAGAIN;
}

static ssize_t hsd_step_recv(int fd, const struct quic_handshake_step *step,
			     long long deadline)
{
	ssize_t n;
	int err;

	err = hsd_wait(fd, POLLIN, deadline);
	if (err)
		return err;
	n = recvmsg(fd, step->s_recvmsg.msg,
		    step->s_recvmsg.flags | MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

/*
 * Run the handshake of @session (its transport is the socket) for at most
 * @timeout_ms, 0 meaning libquic's own limits.  Returns what
 * quic_handshake() would: 0 or a negative errno, -ETIMEDOUT when the time
 * ran out.
 */
int hsd_quic_handshake(gnutls_session_t session, unsigned int timeout_ms)
{
	long long deadline = hsd_now_ms() + timeout_ms;
	struct quic_handshake_step *step;
	int fd, ret;

	if (!timeout_ms)
		return quic_handshake(session);
	fd = gnutls_transport_get_int(session);
	ret = quic_handshake_init(session, &step);
	if (ret)
		return ret;
	while (step) {
		if (step->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG)
			step->s_sendmsg.retval =
				hsd_step_send(fd, step, deadline);
		else
			step->s_recvmsg.retval =
				hsd_step_recv(fd, step, deadline);
		ret = quic_handshake_step(session, &step);
		if (ret)
			break;
	}
	quic_handshake_deinit(session);
	return ret;
}
