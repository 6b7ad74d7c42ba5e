// SPDX-License-Identifier: GPL-2.0
/*
 * Session resumption for kernel consumers (draft-lxin-quic-socket-apis,
 * QUIC_SOCKOPT_SESSION_TICKET "for kernel consumers" and the
 * receive_session_ticket field of QUIC_SOCKOPT_CONFIG).
 *
 * A kernel server's socket hands out the key its tickets are sealed
 * with, shared by every connection of its listener: with it GnuTLS
 * issues a ticket after each handshake (libquic sends it at 1-RTT) and
 * opens the ticket a returning client offers.
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
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <netinet/quic.h>

#include "handshaked.h"

/* How often the socket is asked whether the ticket came. */
#define HSD_TICKET_POLL_MS	10

/* The size of the key QUIC_SOCKOPT_SESSION_TICKET gives a server. */
#define HSD_TICKET_KEY_LEN	64

/*
 * Let a server session issue and accept tickets with its listener's key.
 * A socket that gives none leaves the server without tickets: resumption
 * is an optimisation, never a reason to fail the handshake.
 */
void hsd_tickets_enable(gnutls_session_t session, int fd)
{
	uint8_t key[HSD_TICKET_KEY_LEN];
	socklen_t len = sizeof(key);
	gnutls_datum_t datum = { .data = key, .size = sizeof(key) };
	int ret;

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key, &len) ||
	    len != sizeof(key)) {
		hsd_log("no session ticket key on the socket: no tickets");
		return;
	}
	ret = gnutls_session_ticket_enable_server(session, &datum);
	if (ret)
		hsd_log("session tickets refused: %s", gnutls_strerror(ret));
	gnutls_memset(key, 0, sizeof(key));
}

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

/*
 * Sleep up to @ms, less if the connection ends: poll() reports a hang-up
 * or an error whatever it is asked, and with no event asked for, data
 * the consumer has yet to read does not wake it.
 */
static int hsd_sleep_ms(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = 0 };

	if (poll(&pfd, 1, ms) > 0 && (pfd.revents & (POLLHUP | POLLERR)))
		return -ENOTCONN;
	return 0;
}

/*
 * After a client handshake: wait up to @wait_ms for the server's ticket,
 * then set the session data it makes on @fd.  Returns 0, -ETIMEDOUT when
 * no ticket came in time, -ENOTCONN when the connection ended first, or
 * another -errno; either way the handshake itself stands.
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
		ret = hsd_sleep_ms(fd, HSD_TICKET_POLL_MS);
		if (ret)
			return ret;
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
