// SPDX-License-Identifier: GPL-2.0
/*
 * Session resumption for kernel clients (draft-lxin-quic-socket-apis,
 * QUIC_SOCKOPT_SESSION_TICKET "for kernel consumers" and the
 * receive_session_ticket field of QUIC_SOCKOPT_CONFIG).
 *
 * A kernel client cannot run GnuTLS, so the session data that resumes a
 * TLS session travels through its socket: before the upcall the consumer
 * sets what an earlier connection gave it, and this side hands it to
 * GnuTLS; after the handshake, when the consumer asked for it, this side
 * waits for the server's NewSessionTicket, which the kernel keeps under
 * the same option, turns it into session data and sets that on the socket
 * for the consumer to read once the handshake is reported done.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netinet/quic.h>

#include "handshaked.h"

/* How often the socket is asked whether the ticket came. */
#define HSD_TICKET_POLL_MS	10

/*
 * Offer the session data the consumer set on @fd, if any, for resumption.
 * Data GnuTLS refuses (stale, or from another server's session) is logged
 * and left out: the handshake goes on as a full one, as a TLS client does
 * whose cached session is no good.
 */
void hsd_resume_prepare(gnutls_session_t session, int fd,
			struct hsd_resume *r)
{
	socklen_t len = sizeof(r->given);

	r->given_len = 0;
	r->data_len = 0;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, r->given,
		       &len) || !len)
		return;
	r->given_len = len;
	if (quic_session_set_data(session, r->given, len))
		hsd_log("session data from the consumer (%u bytes) refused: full handshake",
			len);
	else
		hsd_debug("resuming with %u bytes of session data", len);
}

/*
 * The NewSessionTicket has come when the option holds something other
 * than what the consumer set: the kernel replaces that with the message.
 */
static bool hsd_ticket_arrived(int fd, const struct hsd_resume *r)
{
	uint8_t now[HSD_TICKET_MAX];
	socklen_t len = sizeof(now);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, now, &len) ||
	    !len)
		return false;	/* none yet, or one still arriving */
	return len != r->given_len || memcmp(now, r->given, len);
}

static void hsd_sleep_ms(long long ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000,
	};

	nanosleep(&ts, NULL);
}

/*
 * After a client handshake: wait up to @wait_ms for the server's ticket,
 * then set the session data it makes on @fd.  Returns 0, -ETIMEDOUT when
 * no ticket came in time, or another -errno; either way the handshake
 * itself stands.
 */
int hsd_resume_collect(gnutls_session_t session, int fd, struct hsd_resume *r,
		       long long wait_ms)
{
	long long deadline = hsd_now_ms() + wait_ms;
	uint8_t data[HSD_TICKET_MAX];
	size_t size = sizeof(data);
	int ret;

	while (!hsd_ticket_arrived(fd, r)) {
		if (hsd_now_ms() >= deadline)
			return -ETIMEDOUT;
		hsd_sleep_ms(HSD_TICKET_POLL_MS);
	}
	/* Takes the ticket from the socket, as libquic's clients do. */
	ret = quic_session_get_data(session, data, &size);
	if (ret)
		return ret;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data,
		       (socklen_t)size))
		return -errno;
	r->data_len = size;
	return 0;
}
