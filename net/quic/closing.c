// SPDX-License-Identifier: GPL-2.0
/*
 * The closing state (RFC 9000 10.2.1).
 *
 * A CONNECTION_CLOSE we send is not acknowledged; if it is lost, the peer
 * keeps sending until its idle timeout ends the connection. So for three
 * PTOs after sending one, an endpoint answers what the peer still sends
 * with another. We keep only the datagram that carried ours and send it
 * again as it was: 10.2.1 allows resending that very packet (its packet
 * number included), so the keys, streams and packet number spaces need
 * not outlive the close. Answers go to the 1st, 2nd, 4th, 8th... datagram
 * that arrives, which bounds what a peer can make us send.
 *
 * close() during the period keeps the socket, orphaned, until the period
 * ends: its connection IDs still route the peer's datagrams to it, and it
 * still holds the UDP socket to answer from; its address goes back to the
 * bind table at once, and everything else is freed. A work item on our
 * own workqueue, which module exit drains, then lets it go. A kernel
 * socket holds its network namespace for the period, as a user's socket
 * always does (quic_closing_hold_net()).
 *
 * Context: socket lock held, unless said otherwise.
 */

#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "bind.h"
#include "cid.h"
#include "closing.h"
#include "conn.h"
#include "proc.h"

/**
 * struct quic_closing - what the closing state keeps
 * @end: after close(): ends the period, then drops the socket
 * @sk: the socket, for @end
 * @until: end of the period, in jiffies
 * @rx: datagrams that arrived since our CONNECTION_CLOSE
 * @len: bytes of @dgram
 * @lingers: close() came during the period; @end is queued
 * @net: the namespace a kernel socket holds while it lingers, else NULL
 * @dgram: the UDP payload that carried our CONNECTION_CLOSE
 */
struct quic_closing {
	struct delayed_work	end;
	struct sock		*sk;
	struct net		*net;
	unsigned long		until;
	u32			rx;
	u16			len;
	bool			lingers;
	u8			dgram[];
};

static struct workqueue_struct *quic_closing_wq;

int quic_closing_init(void)
{
	quic_closing_wq = alloc_workqueue("quic_closing", 0, 0);
	return quic_closing_wq ? 0 : -ENOMEM;
}

/* Every lingering socket is gone (each held the module); drain the tail. */
void quic_closing_exit(void)
{
	destroy_workqueue(quic_closing_wq);
}

/**
 * quic_closing_keep() - we sent CONNECTION_CLOSE: keep its datagram
 * @sk: socket
 * @dgram: the UDP payload
 * @len: its length
 *
 * Without memory there is no closing state: the peer's idle timeout ends
 * the connection, as before.
 */
void quic_closing_keep(struct sock *sk, const u8 *dgram, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_closing *c;

	if (qs->close_state || len > U16_MAX)
		return;
	c = kmalloc(struct_size(c, dgram, len), GFP_ATOMIC);
	if (!c)
		return;
	c->until = jiffies + usecs_to_jiffies(3 * quic_conn_pto_us(qs)) + 1;
	c->net = NULL;
	c->rx = 0;
	c->len = len;
	c->lingers = false;
	memcpy(c->dgram, dgram, len);
	qs->close_state = c;
}

/**
 * quic_closing_rcv() - a datagram of @len bytes arrived in the closing state
 * @sk: socket, closing (bh-locked or owned)
 * @len: its length
 */
void quic_closing_rcv(struct sock *sk, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_closing *c = qs->close_state;

	if (!c || time_after(jiffies, c->until))
		return;
	c->rx++;
	qs->amp_rx_bytes += len;
	if (is_power_of_2(c->rx)) {
		quic_output_resend(sk, c->dgram, c->len);
		quic_mib_inc(sock_net(sk), QUIC_MIB_CLOSE_RESENT);
	}
}

/* Context: process context, our workqueue. */
static void quic_closing_end(struct work_struct *work)
{
	struct quic_closing *c = container_of(to_delayed_work(work),
					      struct quic_closing, end);
	struct sock *sk = c->sk;
	struct quic_sock *qs = quic_sk(sk);
	struct net *net = c->net;

	lock_sock(sk);
	quic_cid_remove_all(&qs->scids);
	quic_unbind(sk);
	qs->close_state = NULL;
	release_sock(sk);
	quic_proc_sock_del(sk);
	dst_cache_destroy(&qs->dst_cache);
	kfree(c);
	sock_put(sk);	/* the period's reference: the last one */
	if (net)
		put_net(net);
}

/*
 * A user's socket holds its network namespace until it is freed; a
 * kernel socket (sock_create_kern(), sk_net_refcnt clear) does not, and
 * its user may close it just before the namespace goes. Lingering, it
 * would then outlive the namespace its UDP socket, bind table entries and
 * counters belong to: so it takes a reference for the period, and does
 * not linger at all when the namespace is already being dismantled.
 */
static bool quic_closing_hold_net(struct sock *sk, struct quic_closing *c)
{
	if (sk->sk_net_refcnt)
		return true;
	c->net = maybe_get_net(sock_net(sk));
	return c->net;
}

/**
 * quic_closing_linger() - close() came: keep the socket for the period?
 * @sk: socket, being closed
 *
 * Return: true if the period has not ended: the socket holds a reference
 * for it, and its connection IDs, UDP socket and route cache must stay.
 */
bool quic_closing_linger(struct sock *sk)
{
	struct quic_closing *c = quic_sk(sk)->close_state;

	if (!c || time_after_eq(jiffies, c->until) ||
	    !quic_closing_hold_net(sk, c))
		return false;
	c->sk = sk;
	c->lingers = true;
	sock_hold(sk);
	INIT_DELAYED_WORK(&c->end, quic_closing_end);
	return true;
}

/**
 * quic_closing_start() - the lingering socket's destroy is done
 * @sk: socket that quic_closing_linger() kept
 *
 * Queued only now, so that the end never runs before the rest of the
 * socket's teardown.
 */
void quic_closing_start(struct sock *sk)
{
	struct quic_closing *c = quic_sk(sk)->close_state;
	long left = (long)(c->until - jiffies);

	queue_delayed_work(quic_closing_wq, &c->end, max(left, 1L));
}

/* Is @sk an orphan that waits out the closing period? */
bool quic_closing_lingers(const struct sock *sk)
{
	const struct quic_closing *c = quic_sk(sk)->close_state;

	return c && c->lingers;
}

/* Free what quic_closing_keep() kept, when the socket does not linger. */
void quic_closing_free(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (quic_closing_lingers(sk))
		return;
	kfree(qs->close_state);
	qs->close_state = NULL;
}
