// SPDX-License-Identifier: GPL-2.0
/*
 * Session resumption and 0-RTT (RFC 9000 7.4.1, RFC 9001 4.6).
 *
 * A server's session tickets come after the handshake, in 1-RTT CRYPTO
 * frames; a client keeps the last one whole for libquic to take
 * (QUIC_SOCKOPT_SESSION_TICKET) and tells the application of each
 * (QUIC_EVENT_NEW_SESSION_TICKET). The next connection resumes with it.
 *
 * A client resuming a session may send stream data and datagrams before
 * its handshake completes, protected with keys libquic derives from the
 * ticket and its ClientHello (QUIC_SOCKOPT_CRYPTO_SECRET at
 * QUIC_CRYPTO_EARLY). What it may send is bounded by what the server said
 * on the connection the ticket came from: the user gives those transport
 * parameters back (QUIC_SOCKOPT_TRANSPORT_PARAM with remote set), and the
 * socket keeps the limits among them until the server's own arrive.
 *
 * 0-RTT packets share the application packet number space with 1-RTT
 * ones, so their acknowledgment and loss recovery are those of the
 * application space. Whether the server took them, the client learns
 * from the server's EncryptedExtensions (RFC 9001 4.6.2), read here as
 * it arrives, before libquic hands it to TLS: with early_data, the server
 * must have kept every limit the client remembered (RFC 9000 7.4.1,
 * RFC 9221 3), checked when its parameters come; without, none of the
 * 0-RTT packets will ever be acknowledged: their frames go back into
 * their queues at once, for the first 1-RTT packets (not a loss, RFC 9002
 * 6.4), the 0-RTT keys go, and an acknowledgment of one of those packets
 * is a PROTOCOL_VIOLATION.
 *
 * The keys live only while they can be used: a client stops using them
 * when its 1-RTT keys take over, and both ends drop them once established
 * (4.9.3 lets a server keep them a while for reordered packets; those are
 * resent instead).
 */
#include <linux/random.h>

#include "conn.h"
#include "crypto.h"
#include "early.h"
#include "event.h"
#include "proc.h"
#include "tlsmsg.h"
#include "tparam.h"

/* RFC 8446 6 alerts as a QUIC CRYPTO_ERROR (RFC 9001 4.8) */
#define QUIC_TLS_ERR_UNEXPECTED		(QUIC_TRANSPORT_ERROR_CRYPTO + 10)
#define QUIC_TLS_ERR_ILLEGAL_PARAM	(QUIC_TRANSPORT_ERROR_CRYPTO + 47)
#define QUIC_TLS_ERR_DECODE		(QUIC_TRANSPORT_ERROR_CRYPTO + 50)

/**
 * quic_early_crypto() - the 0-RTT keys, to install new ones
 * @sk: socket, owned by the caller (process context: may sleep)
 * @c: set to the context, allocated on first use
 *
 * Return: 0; -EINVAL once the handshake is over or the server refused
 * the 0-RTT data (the keys are gone for good), or -ENOMEM.
 */
int quic_early_crypto(struct sock *sk, struct quic_crypto **c)
{
	struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state != QUIC_SS_ESTABLISHING || qs->app_crypto.tx.ready ||
	    qs->early_verdict == QUIC_EARLY_REFUSED)
		return -EINVAL;
	if (!qs->early) {
		qs->early = kzalloc(sizeof(*qs->early), GFP_KERNEL);
		if (!qs->early)
			return -ENOMEM;
		quic_crypto_init(&qs->early->crypto, false);
	}
	*c = &qs->early->crypto;
	return 0;
}

/**
 * quic_early_discard() - drop the 0-RTT keys (RFC 9001 4.9.3)
 * @sk: socket, locked
 */
void quic_early_discard(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->early)
		return;
	quic_crypto_free(&qs->early->crypto);
	kfree(qs->early);
	qs->early = NULL;
}

/**
 * quic_early_rx_wait() - keep a 0-RTT packet that cannot be opened yet
 * @qs: socket
 *
 * A server's keys come when libquic has read the ClientHello, which may be
 * after the packets that follow it arrived; once the client's Finished is
 * in (1-RTT receive keys) they never come: the server refused the early
 * data, and the client sends it again in 1-RTT packets.
 *
 * Return: true to keep it for later, false to drop it.
 */
bool quic_early_rx_wait(const struct quic_sock *qs)
{
	return qs->is_server && !qs->app_crypto.rx.ready &&
	       qs->inet.sk.sk_state == QUIC_SS_ESTABLISHING;
}

/*
 * The limits 0-RTT data is sent under (RFC 9000 7.4.1, RFC 9221 3): what
 * a client remembers of the server's parameters on the ticket's
 * connection, and what a server accepting 0-RTT may not lower. The
 * connection ID limit is not among them: 0-RTT issues no connection ID.
 */
#define QUIC_EARLY_LIMIT(f)	offsetof(struct quic_tparam_values, f)
static const size_t quic_early_limits[] = {
	QUIC_EARLY_LIMIT(initial_max_data),
	QUIC_EARLY_LIMIT(initial_max_stream_data_bidi_local),
	QUIC_EARLY_LIMIT(initial_max_stream_data_bidi_remote),
	QUIC_EARLY_LIMIT(initial_max_stream_data_uni),
	QUIC_EARLY_LIMIT(initial_max_streams_bidi),
	QUIC_EARLY_LIMIT(initial_max_streams_uni),
	QUIC_EARLY_LIMIT(max_datagram_frame_size),
};

/* Limit @i of quic_early_limits[] in @v */
static u64 *quic_early_limit(struct quic_tparam_values *v, u32 i)
{
	return (u64 *)((u8 *)v + quic_early_limits[i]);
}

static u64 quic_early_limit_of(const struct quic_tparam_values *v, u32 i)
{
	return *(const u64 *)((const u8 *)v + quic_early_limits[i]);
}

/* The server took the 0-RTT data: its parameters are checked on arrival. */
static void quic_early_accepted(struct sock *sk)
{
	quic_sk(sk)->early_verdict = QUIC_EARLY_ACCEPTED;
	quic_mib_inc(sock_net(sk), QUIC_MIB_EARLY_ACCEPTED);
}

/*
 * The server refused the 0-RTT data: it never opened those packets.
 * Sending more of them would be a waste; what they carried goes again as
 * soon as 1-RTT keys are in.
 */
static void quic_early_refused(struct sock *sk)
{
	quic_sk(sk)->early_verdict = QUIC_EARLY_REFUSED;
	quic_mib_inc(sock_net(sk), QUIC_MIB_EARLY_REFUSED);
	quic_early_discard(sk);
	quic_conn_early_refused(sk);
}

/**
 * quic_early_rx_handshake() - a client's Handshake CRYPTO data arrived
 * @sk: client socket, locked
 *
 * With 0-RTT keys in, the server's first handshake message, its
 * EncryptedExtensions, is followed through as it arrives (without taking
 * it from libquic, which reads it too) up to the server's answer. A
 * malformed message closes the connection with the alert TLS would send
 * for it: the kernel acts on what it read before TLS could object.
 *
 * Return: 0, or the transport error code to close with.
 */
u32 quic_early_rx_handshake(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_recvbuf *rb = &qs->space[QUIC_SPACE_HANDSHAKE]->crypto_rx;
	struct quic_early *e = qs->early;
	int ret = QUIC_TLS_EE_MORE;
	const u8 *p;
	u32 n, used;

	if (!e || qs->early_verdict != QUIC_EARLY_UNKNOWN)
		return 0;
	while (ret == QUIC_TLS_EE_MORE &&
	       (p = quic_recvbuf_peek_at(rb, e->ee_offset, &n))) {
		ret = quic_tls_ee_scan(&e->ee, p, n, &used);
		e->ee_offset += used;
	}
	switch (ret) {
	case QUIC_TLS_EE_MORE:
		return 0;
	case QUIC_TLS_EE_EARLY:
		quic_early_accepted(sk);
		return 0;
	case QUIC_TLS_EE_NO_EARLY:
		quic_early_refused(sk);
		return 0;
	case -EPROTO:
		return QUIC_TLS_ERR_UNEXPECTED;
	case -EEXIST:
		return QUIC_TLS_ERR_ILLEGAL_PARAM;
	default:
		return QUIC_TLS_ERR_DECODE;
	}
}

/**
 * quic_early_check_tparams() - did a server that took 0-RTT data keep
 *	its limits?
 * @qs: client socket, before @v replaces what it remembered
 * @v: the server's parameters on this connection
 *
 * RFC 9000 7.4.1: a server accepting 0-RTT data must not lower a limit
 * that data was sent under (quic_early_limits[]); RFC 9221 3 says the
 * same of max_datagram_frame_size and has the client close with
 * PROTOCOL_VIOLATION, which serves for all of them.
 *
 * Return: 0, or QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION.
 */
u32 quic_early_check_tparams(const struct quic_sock *qs,
			     const struct quic_tparam_values *v)
{
	u32 i;

	if (!qs->early_tp || qs->early_verdict != QUIC_EARLY_ACCEPTED)
		return 0;
	for (i = 0; i < ARRAY_SIZE(quic_early_limits); i++)
		if (quic_early_limit_of(v, i) <
		    quic_early_limit_of(&qs->peer_tp, i))
			return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	return 0;
}

/**
 * quic_early_remember_tparams() - a server's parameters from before
 * @sk: client socket, connecting, before the server's parameters arrived
 * @p: the parameters the user gave
 *
 * RFC 9000 7.4.1: of what the server said last time, only the limits on
 * what 0-RTT may send are remembered (quic_early_limits[]); the rest
 * (idle timeout, ACK delay, migration) take their defaults until the
 * server's own parameters replace all of them.
 *
 * Return: 0, or -EINVAL on a server or once the handshake has its own.
 */
int quic_early_remember_tparams(struct sock *sk,
				const struct quic_tparam_values *p)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tparams def;
	struct quic_tparam_values *t = &qs->peer_tp;
	u32 i;

	if (qs->is_server || qs->peer_tp_set ||
	    sk->sk_state != QUIC_SS_ESTABLISHING)
		return -EINVAL;
	quic_tparams_init_default(&def);
	*t = def.values;
	for (i = 0; i < ARRAY_SIZE(quic_early_limits); i++)
		*quic_early_limit(t, i) = quic_early_limit_of(p, i);
	qs->early_tp = true;
	quic_conn_apply_peer_tparams(qs);
	return 0;
}

/* Room for one message being put together in @qs->ticket. */
static int quic_early_msg_start(struct quic_sock *qs)
{
	kfree(qs->ticket);
	qs->ticket_len = 0;
	qs->ticket = kmalloc(QUIC_TICKET_MAX_LEN, GFP_ATOMIC);
	qs->ticket_partial = !!qs->ticket;
	return qs->ticket ? 0 : -ENOMEM;
}

/* The message put together is not kept: no ticket to hand out. */
static void quic_early_msg_drop(struct quic_sock *qs)
{
	kfree(qs->ticket);
	qs->ticket = NULL;
	qs->ticket_len = 0;
	qs->ticket_partial = false;
}

/*
 * A whole NewSessionTicket message: the client's ticket from now on, if
 * it is one a QUIC server may send (quic_tls_ticket_check()).
 * Return: 0, or the transport error code to close with.
 */
static u32 quic_early_keep_ticket(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *fit;
	int err;

	err = quic_tls_ticket_check(qs->ticket, qs->ticket_len);
	if (err) {
		quic_early_msg_drop(qs);
		if (err == -EPROTO)
			return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return QUIC_TLS_ERR_DECODE;
	}
	qs->ticket_partial = false;
	/* Kept for the connection's life: no bigger than it is. */
	fit = krealloc(qs->ticket, qs->ticket_len, GFP_ATOMIC);
	if (fit)
		qs->ticket = fit;
	quic_event_queue(sk, QUIC_EVENT_NEW_SESSION_TICKET, qs->ticket,
			 qs->ticket_len);
	return 0;
}

/**
 * quic_early_rx_tickets() - a client's 1-RTT CRYPTO data
 * @sk: client socket, locked
 *
 * After the handshake a server sends TLS messages of one kind in QUIC:
 * NewSessionTicket (a KeyUpdate is forbidden, RFC 9001 6). Each is put
 * together where the ticket is kept (@qs->ticket_partial meanwhile: no
 * ticket to hand out until it is whole); a message of another type is
 * dropped once whole. A ticket is read through before it is kept: RFC
 * 9001 4.6.1 is enforced there (quic_tls_ticket_check()).
 *
 * Return: 0, a transport error code to close with, or
 * QUIC_FRAMES_DROP_PACKET without memory.
 */
u32 quic_early_rx_tickets(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_recvbuf *rb = &qs->space[QUIC_SPACE_APP]->crypto_rx;
	u32 need, err;
	u8 *m;

	while (quic_recvbuf_readable(rb)) {
		if (!qs->ticket_partial && quic_early_msg_start(qs))
			return QUIC_FRAMES_DROP_PACKET;
		m = qs->ticket;
		need = QUIC_TLS_MSG_HDR_LEN;
		if (qs->ticket_len >= QUIC_TLS_MSG_HDR_LEN)
			need = quic_tls_msg_len(m);
		if (need > QUIC_TICKET_MAX_LEN)
			return QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED;
		qs->ticket_len += quic_recvbuf_read(rb, m + qs->ticket_len,
						    need - qs->ticket_len);
		if (qs->ticket_len < need || need == QUIC_TLS_MSG_HDR_LEN)
			continue;	/* more to come, or the body next */
		if (m[0] == QUIC_TLS_KEY_UPDATE)
			return QUIC_TLS_ERR_UNEXPECTED;
		if (m[0] == QUIC_TLS_NEW_SESSION_TICKET) {
			err = quic_early_keep_ticket(sk);
			if (err)
				return err;
			continue;
		}
		quic_early_msg_drop(qs);	/* not for us: skipped */
	}
	return 0;
}

/**
 * quic_early_ticket_key() - a listener's session ticket key
 * @qs: listener or server socket
 *
 * Made at random when first asked for, unless the user set one. Every
 * connection a listener accepts gets a copy (quic_early_inherit_key()):
 * a ticket of one connection must open on the next, or no client could
 * resume (and send 0-RTT).
 *
 * Return: 0 or -ENOMEM.
 */
int quic_early_ticket_key(struct quic_sock *qs)
{
	if (qs->ticket)
		return 0;
	qs->ticket = kmalloc(QUIC_TICKET_MIN_LEN, GFP_KERNEL);
	if (!qs->ticket)
		return -ENOMEM;
	get_random_bytes(qs->ticket, QUIC_TICKET_MIN_LEN);
	qs->ticket_len = QUIC_TICKET_MIN_LEN;
	return 0;
}

/**
 * quic_early_inherit_key() - an accepted connection takes its listener's
 *	ticket key
 * @qs: the new connection's socket
 * @ls: its listener, locked
 *
 * Return: 0 or -ENOMEM.
 */
int quic_early_inherit_key(struct quic_sock *qs, struct quic_sock *ls)
{
	int err = quic_early_ticket_key(ls);

	if (err)
		return err;
	qs->ticket = kmemdup(ls->ticket, ls->ticket_len, GFP_KERNEL);
	if (!qs->ticket)
		return -ENOMEM;
	qs->ticket_len = ls->ticket_len;
	return 0;
}
