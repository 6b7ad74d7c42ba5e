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
 * application space: a server that refused the early data never
 * acknowledges them, and once the handshake is confirmed they are
 * declared lost and their frames go again in 1-RTT packets.
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
#include "tlsmsg.h"
#include "tparam.h"

/* RFC 8446 6 alerts as a QUIC CRYPTO_ERROR (RFC 9001 4.8) */
#define QUIC_TLS_ERR_UNEXPECTED		(QUIC_TRANSPORT_ERROR_CRYPTO + 10)
#define QUIC_TLS_ERR_DECODE		(QUIC_TRANSPORT_ERROR_CRYPTO + 50)

/**
 * quic_early_crypto() - the 0-RTT keys, to install new ones
 * @sk: socket, owned by the caller (process context: may sleep)
 * @c: set to the context, allocated on first use
 *
 * Return: 0; -EINVAL once the handshake is over (the keys are gone for
 * good), or -ENOMEM.
 */
int quic_early_crypto(struct sock *sk, struct quic_crypto **c)
{
	struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state != QUIC_SS_ESTABLISHING || qs->app_crypto.tx.ready)
		return -EINVAL;
	if (!qs->early_crypto) {
		qs->early_crypto = kmalloc(sizeof(*qs->early_crypto),
					   GFP_KERNEL);
		if (!qs->early_crypto)
			return -ENOMEM;
		quic_crypto_init(qs->early_crypto, false);
	}
	*c = qs->early_crypto;
	return 0;
}

/**
 * quic_early_discard() - drop the 0-RTT keys (RFC 9001 4.9.3)
 * @sk: socket, locked
 */
void quic_early_discard(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->early_crypto)
		return;
	quic_crypto_free(qs->early_crypto);
	kfree(qs->early_crypto);
	qs->early_crypto = NULL;
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

/**
 * quic_early_remember_tparams() - a server's parameters from before
 * @sk: client socket, connecting, before the server's parameters arrived
 * @p: the parameters the user gave
 *
 * RFC 9000 7.4.1: of what the server said last time, only the limits on
 * what 0-RTT may send are remembered (a 0-RTT packet issues no connection
 * ID, so the ID limit is not one of them); the rest (idle timeout, ACK
 * delay, migration) take their defaults until the server's own parameters
 * replace all of them.
 *
 * Return: 0, or -EINVAL on a server or once the handshake has its own.
 */
int quic_early_remember_tparams(struct sock *sk,
				const struct quic_tparam_values *p)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tparams def;
	struct quic_tparam_values *t = &qs->peer_tp;

	if (qs->is_server || qs->peer_tp_set ||
	    sk->sk_state != QUIC_SS_ESTABLISHING)
		return -EINVAL;
	quic_tparams_init_default(&def);
	*t = def.values;
	t->initial_max_data = p->initial_max_data;
	t->initial_max_stream_data_bidi_local =
		p->initial_max_stream_data_bidi_local;
	t->initial_max_stream_data_bidi_remote =
		p->initial_max_stream_data_bidi_remote;
	t->initial_max_stream_data_uni = p->initial_max_stream_data_uni;
	t->initial_max_streams_bidi = p->initial_max_streams_bidi;
	t->initial_max_streams_uni = p->initial_max_streams_uni;
	t->max_datagram_frame_size = p->max_datagram_frame_size;
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
