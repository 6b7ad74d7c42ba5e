// SPDX-License-Identifier: GPL-2.0
/*
 * 1-RTT key updates (RFC 9001 section 6).
 *
 * crypto.c holds two key slots per direction: the current phase, and
 * either the next phase (prepared) or the previous one (kept for late
 * packets). A key update, started by QUIC_SOCKOPT_KEY_UPDATE or by the
 * peer (a packet that opens with the next phase's keys), switches both
 * directions at once. About three PTOs later (6.5), once late packets of
 * the old phase are unlikely, process context replaces the old keys with
 * the following phase's; allocating transforms may sleep, which the
 * packet path cannot.
 *
 * We start an update only once the handshake is confirmed and a packet
 * sent with the current keys was acknowledged (6.1), and only with the
 * next keys prepared. QUIC_EVENT_KEY_UPDATE tells the application when
 * both sides use the new phase: when the peer's update arrives, or, for
 * an update of ours, when the peer's first packet in the new phase does.
 *
 * Context: socket lock held (owned, or softirq with no owner), except the
 * work function, which takes it.
 */

#include <linux/workqueue.h>

#include "conn.h"
#include "event.h"

/* Phase switched: note where it starts, plan the next preparation. */
static void quic_key_update_switched(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 delay_us;

	qs->ku_first_pn = qs->space[QUIC_SPACE_APP].sent.next_pn;
	qs->ku_acked = false;
	delay_us = 3 * quic_conn_pto_us(qs);
	if (queue_delayed_work(system_wq, &qs->ku_work,
			       usecs_to_jiffies(delay_us) + 1))
		sock_hold(sk);
}

static void quic_key_update_event(struct sock *sk)
{
	u8 phase = quic_sk(sk)->app_crypto.key_phase;

	quic_event_queue(sk, QUIC_EVENT_KEY_UPDATE, &phase, sizeof(phase));
}

/*
 * Drop the previous phase's keys and prepare the next phase's, so that the
 * peer can update again and so can we. On failure (memory), try again
 * later: until then neither side can update.
 */
static void quic_key_update_work(struct work_struct *work)
{
	struct quic_sock *qs = container_of(to_delayed_work(work),
					    struct quic_sock, ku_work);
	struct sock *sk = &qs->inet.sk;
	bool again = false;

	lock_sock(sk);
	if (!qs->closing && sk->sk_state == QUIC_SS_ESTABLISHED)
		again = quic_crypto_key_update(&qs->app_crypto) == -ENOMEM;
	if (again && queue_delayed_work(system_wq, &qs->ku_work, HZ))
		sock_hold(sk);
	release_sock(sk);
	sock_put(sk);
}

void quic_key_update_init(struct sock *sk)
{
	INIT_DELAYED_WORK(&quic_sk(sk)->ku_work, quic_key_update_work);
}

/**
 * quic_key_update_stop() - cancel a pending preparation
 * @sk: socket being closed, lock held
 *
 * A work function already running waits for the lock, then finds the
 * socket closed and only drops its reference.
 */
void quic_key_update_stop(struct sock *sk)
{
	if (cancel_delayed_work(&quic_sk(sk)->ku_work))
		__sock_put(sk);
}

/**
 * quic_key_update_start() - QUIC_SOCKOPT_KEY_UPDATE: update our keys
 * @sk: socket, lock held
 *
 * Return: 0; -ENOTCONN if not established; -EAGAIN while an update may
 * not start yet: handshake not confirmed, no packet of the current phase
 * acknowledged, or the next keys not prepared (about three PTOs after the
 * previous update).
 */
int quic_key_update_start(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state != QUIC_SS_ESTABLISHED || qs->closing)
		return -ENOTCONN;
	if (!qs->handshake_confirmed || !qs->ku_acked)
		return -EAGAIN;
	if (quic_crypto_key_update_commit(&qs->app_crypto))
		return -EAGAIN;
	qs->ku_wait_peer = true;
	quic_key_update_switched(sk);
	return 0;
}

/**
 * quic_key_update_on_rx() - a 1-RTT packet was opened
 * @sk: socket
 * @key_update: it was the peer's first packet of a key update it started
 * @key_phase: its key phase bit
 */
void quic_key_update_on_rx(struct sock *sk, bool key_update, u8 key_phase)
{
	struct quic_sock *qs = quic_sk(sk);

	if (key_update) {
		/* crypto.c reported it only with the next keys prepared */
		if (quic_crypto_key_update_commit(&qs->app_crypto))
			return;
		qs->ku_wait_peer = false;
		quic_key_update_switched(sk);
		quic_key_update_event(sk);
		return;
	}
	if (qs->ku_wait_peer && key_phase == qs->app_crypto.key_phase) {
		qs->ku_wait_peer = false;
		quic_key_update_event(sk);
	}
}

/**
 * quic_key_update_on_ack() - an ACK frame arrived in the 1-RTT space
 * @sk: socket
 * @largest: its Largest Acknowledged
 */
void quic_key_update_on_ack(struct sock *sk, u64 largest)
{
	struct quic_sock *qs = quic_sk(sk);

	if (largest >= qs->ku_first_pn)
		qs->ku_acked = true;
}
