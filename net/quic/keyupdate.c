// SPDX-License-Identifier: GPL-2.0
/*
 * 1-RTT key updates (RFC 9001 section 6).
 *
 * crypto.c holds two key slots per direction: the current phase, and
 * the next phase (prepared) or, right after a switch, the previous one. A
 * key update, started by QUIC_SOCKOPT_KEY_UPDATE or by the peer (a packet
 * that opens with the next phase's keys), switches both directions at
 * once. Right after the switch, process context gives the new phase its
 * transforms (crypto.c prepares a next phase with its keys only, and
 * seals and opens without the SIMD cipher until then) and prepares the
 * following phase in the other slot, moving the previous receive keys
 * aside: late packets of the old phase still open, told from the peer's
 * next update by their packet numbers (6.5). About three PTOs later those
 * keys go. Allocating transforms may sleep, which the packet path cannot.
 * For an update of ours, the following phase waits for the peer's first
 * packet in the new one: until then the peer's packets are of the old
 * phase, which an offload device keeps opening from the slot.
 *
 * So the next keys are ready milliseconds after the peer has switched,
 * whatever either side's PTO, and the peer's next update, which it starts
 * only once we acknowledged a packet of its new phase, never finds us
 * without them.
 *
 * We start an update only once the handshake is confirmed and a packet
 * sent with the current keys was acknowledged (6.1), and, as 6.5 asks,
 * three PTOs after that acknowledgment. QUIC_EVENT_KEY_UPDATE tells
 * the application when both sides use the new phase: when the peer's
 * update arrives, or, for an update of ours, when the peer's first packet
 * in the new phase does.
 *
 * The same work drops the transforms of a connection idle for a second
 * (quic_crypto_detach(): about 2 KiB of an idle connection's memory), and
 * what else it need not keep (quic_conn_idle_trim()), and gives the
 * transforms back as soon as a packet comes or goes; until then the slow
 * path serves it, as it serves a new phase.
 *
 * Context: socket lock held (owned, or softirq with no owner), except the
 * work function, which takes it.
 */

#include <linux/workqueue.h>

#include "conn.h"
#include "event.h"
#include "offload.h"

/* Run the work at once: one reference per queued run; a pending run is
 * only moved up.
 */
static void quic_key_update_run_now(struct sock *sk)
{
	quic_sk_work_now(sk, &quic_sk(sk)->ku_work);
}

/*
 * Phase switched: note where it starts; attach its transforms and prepare
 * the next phase now.
 */
static void quic_key_update_switched(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 delay_us;

	qs->ku_first_pn = qs->space[QUIC_SPACE_APP]->sent.next_pn;
	qs->ku_acked = false;
	delay_us = 3 * quic_conn_pto_us(qs);
	qs->ku_drop_prev_at = jiffies + usecs_to_jiffies(delay_us) + 1;
	quic_key_update_run_now(sk);
}

static void quic_key_update_event(struct sock *sk)
{
	u8 phase = quic_sk(sk)->app_crypto.key_phase;

	quic_event_queue(sk, QUIC_EVENT_KEY_UPDATE, &phase, sizeof(phase));
}

/* Without packets for this long, a connection's transforms go. */
#define QUIC_CRYPTO_IDLE	HZ

/* Queue the work to run after @delay, unless it is queued already. */
static void quic_key_update_queue(struct sock *sk, unsigned long delay)
{
	quic_sk_work_queue(sk, &quic_sk(sk)->ku_work, delay);
}

/*
 * Give the current phase its transforms, or take them away once the
 * connection has been idle for QUIC_CRYPTO_IDLE; after a switch, prepare
 * the next phase's keys so that the peer can update again and so can we,
 * and from ku_drop_prev_at on drop the previous phase's. On failure
 * (memory), try again a second later: until then the slow path serves
 * the new phase, or no further update can start.
 */
static void quic_key_update_work(struct work_struct *work)
{
	struct quic_sock *qs = container_of(to_delayed_work(work),
					    struct quic_sock, ku_work);
	struct quic_crypto *c = &qs->app_crypto;
	struct sock *sk = &qs->inet.sk;
	unsigned long delay = 0, now, idle_at;
	int err = 0;

	lock_sock(sk);
	if (qs->closing || sk->sk_state != QUIC_SS_ESTABLISHED)
		goto out;
	/* one reading: a tick in between would make a delay 0 */
	now = jiffies;
	idle_at = qs->crypto_active + QUIC_CRYPTO_IDLE;
	if (time_before(now, idle_at)) {
		err = quic_crypto_attach(c);
		delay = idle_at - now;
	} else {
		quic_crypto_detach(c);
		quic_conn_idle_trim(sk);
		/* The next packet brings the work back, transforms or not:
		 * the buffers a burst keeps wait for it (unencrypted too).
		 */
		qs->idle_trimmed = true;
	}
	/* an update of ours: not while the peer still sends the old phase */
	if (!quic_crypto_next_prepared(c) && !qs->ku_wait_peer) {
		if (!quic_crypto_key_update(c))
			quic_offload_keys_changed(sk);
		else
			err = -ENOMEM;
	}
	if (c->rx_prev) {
		if (time_before(now, qs->ku_drop_prev_at))
			delay = min_not_zero(delay, qs->ku_drop_prev_at - now);
		else
			quic_crypto_drop_prev(c);
	}
	if (err)
		delay = HZ;
	if (delay)
		quic_key_update_queue(sk, delay);
out:
	release_sock(sk);
	sock_put(sk);
}

/**
 * quic_key_update_established() - the 1-RTT keys are in use
 * @sk: socket, lock held
 *
 * Starts watching for idleness (see quic_key_update_work()).
 */
void quic_key_update_established(struct sock *sk)
{
	quic_sk(sk)->crypto_active = jiffies;
	quic_key_update_queue(sk, QUIC_CRYPTO_IDLE);
}

/**
 * quic_key_update_touch() - a packet came or went: not idle
 * @sk: socket
 *
 * A plain store per packet; only after the work trimmed an idle connection
 * does it queue the work again, which gives the transforms back and
 * watches for the next idle time.
 */
void quic_key_update_touch(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	qs->crypto_active = jiffies;
	if (unlikely(qs->idle_trimmed)) {
		qs->idle_trimmed = false;
		quic_key_update_run_now(sk);
	}
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
	quic_sk_work_cancel(sk, &quic_sk(sk)->ku_work);
}

/**
 * quic_key_update_start() - QUIC_SOCKOPT_KEY_UPDATE: update our keys
 * @sk: socket, lock held
 *
 * Return: 0; -ENOTCONN if not established; -EAGAIN while an update may
 * not start yet: handshake not confirmed, no packet of the current phase
 * acknowledged (or less than three PTOs ago), or the next keys not
 * prepared yet (moments after the previous update).
 */
int quic_key_update_start(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state != QUIC_SS_ESTABLISHED || qs->closing)
		return -ENOTCONN;
	if (!qs->handshake_confirmed || !qs->ku_acked ||
	    time_before(jiffies, qs->ku_start_after))
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
		quic_key_update_run_now(sk);
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

	if (qs->ku_acked || largest < qs->ku_first_pn)
		return;
	qs->ku_acked = true;
	qs->ku_start_after = jiffies +
			     usecs_to_jiffies(3 * quic_conn_pto_us(qs)) + 1;
}
