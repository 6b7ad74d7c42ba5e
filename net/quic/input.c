// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: find the socket a datagram belongs to, split coalesced
 * packets, remove protection in one step per packet, and hand payloads to
 * the frame handlers.
 *
 * Offload design point: quic_packet_unprotect() is the only place a packet
 * is decrypted; a packet a device already decrypted will skip it.
 */

#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/udp.h>

#include "cid.h"
#include "closing.h"
#include "conn.h"
#include "early.h"
#include "header.h"
#include "offload.h"
#include "path.h"
#include "proc.h"
#include "reset.h"
#include "retry.h"
#include "udp.h"

/**
 * struct quic_rx_dgram - a received datagram, as its packets see it
 * @from: its source address
 * @len: its length
 * @ecn: the ECN field of its IP header (RFC 9000 13.4.1)
 * @opened: a device opened its packet, a lone 1-RTT one (offload.c)
 * @cb: its addresses, where known (not for a packet kept for its keys)
 */
struct quic_rx_dgram {
	const union quic_addr	*from;
	u32			len;
	u8			ecn;
	bool			opened;
	const struct quic_skb_cb *cb;
};

/*
 * Remember where the datagram came from before it may wait in a backlog,
 * and where it went: a connection of a listener bound to the wildcard
 * address takes that as its own (connect.c). The peer address overwrites
 * IP6CB(), so its interface is read first.
 */
static void quic_skb_save_peer(struct sk_buff *skb)
{
	struct quic_skb_cb *cb = quic_skb_cb(skb);
	struct udphdr *uh = udp_hdr(skb);
	int iif;

	if (ip_hdr(skb)->version == 4) {
		quic_addr_set_v4(&cb->peer, ip_hdr(skb)->saddr, uh->source);
		ipv6_addr_set_v4mapped(ip_hdr(skb)->daddr, &cb->local);
		cb->local_port = uh->dest;
		cb->ecn = ip_hdr(skb)->tos & INET_ECN_MASK;
		return;
	}
	iif = inet6_iif(skb);
	memset(&cb->peer, 0, sizeof(cb->peer));
	cb->peer.v6.sin6_family = AF_INET6;
	cb->peer.v6.sin6_addr = ipv6_hdr(skb)->saddr;
	cb->peer.v6.sin6_port = uh->source;
	cb->local = ipv6_hdr(skb)->daddr;
	cb->local_port = uh->dest;
	cb->ecn = ipv6_get_dsfield(ipv6_hdr(skb)) & INET_ECN_MASK;
	if (ipv6_addr_type(&cb->peer.v6.sin6_addr) & IPV6_ADDR_LINKLOCAL)
		cb->peer.v6.sin6_scope_id = iif;
}

/*
 * Enough of a packet to find its DCID: a long header up to the end of a
 * CID of the longest length version 1 allows (RFC 9000 17.2).
 */
#define QUIC_DCID_PEEK_LEN	(1 + 4 + 1 + QUIC_CID_MAX_LEN)

struct quic_dcid_peek {
	u8		buf[QUIC_DCID_PEEK_LEN];	/* when copied */
	const u8	*first;		/* the packet's first byte */
	const u8	*dcid;
	u8		dcid_len;
};

/*
 * A walk over the head and page fragments of an skb, at offsets that never
 * decrease: the datagrams of a GSO run, one after the other, each found
 * without starting again from the head.
 */
struct quic_skb_walk {
	const struct sk_buff	*skb;
	int			frag;	/* -1: the head */
	u32			start;	/* offset of that piece */
};

static void quic_skb_walk_init(struct quic_skb_walk *w,
			       const struct sk_buff *skb)
{
	w->skb = skb;
	w->frag = -1;
	w->start = 0;
}

/*
 * The @len bytes at @off as one run of memory, or NULL when they span two
 * pieces or lie in the frag_list.
 */
static u8 *quic_skb_walk_span(struct quic_skb_walk *w, u32 off, u32 len)
{
	const struct skb_shared_info *si = skb_shinfo(w->skb);
	const skb_frag_t *f;
	u32 size;
	u8 *base;

	for (;;) {
		size = w->frag < 0 ? skb_headlen(w->skb) :
				     skb_frag_size(&si->frags[w->frag]);
		if (off < w->start + size)
			break;
		if (w->frag + 1 >= si->nr_frags)
			return NULL;
		w->start += size;
		w->frag++;
	}
	if (WARN_ON_ONCE(off < w->start) || off + len > w->start + size)
		return NULL;
	if (w->frag < 0)
		return w->skb->data + off;
	f = &si->frags[w->frag];
	base = skb_frag_address_safe(f);
	return base ? base + (off - w->start) : NULL;
}

/*
 * The DCID of the datagram at @off (@len bytes) of the skb @w walks,
 * wherever its bytes lie. A long header CID over QUIC_CID_MAX_LEN bytes
 * is an error: it names no connection of ours, nor can it start one.
 */
static int quic_skb_peek_dcid(struct quic_skb_walk *w, u32 off, u32 len,
			      struct quic_dcid_peek *pk)
{
	u32 n = min_t(u32, len, QUIC_DCID_PEEK_LEN);

	pk->first = quic_skb_walk_span(w, off, n);
	if (!pk->first)
		pk->first = skb_header_pointer(w->skb, off, n, pk->buf);
	if (!pk->first)
		return -EINVAL;
	return quic_packet_peek_dcid(pk->first, n, QUIC_CID_LEN_DEFAULT,
				     &pk->dcid, &pk->dcid_len);
}

static struct sock *quic_lookup_listener(struct quic_udp_sock *us,
					 const struct quic_dcid_peek *pk)
{
	struct sock *sk;

	/* Only a long header may start a connection (an Initial) or come
	 * ahead of one (0-RTT): quic_listener_acceptable().
	 */
	if (!(pk->first[0] & QUIC_HDR_FORM_LONG))
		return NULL;
	sk = rcu_dereference(us->listener);
	if (sk && !refcount_inc_not_zero(&sk->sk_refcnt))
		sk = NULL;
	return sk;
}

/* Wake the tasks in quic_wait(), whatever they wait for. */
static void quic_wake_waiters(struct sock *sk)
{
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_all(&wq->wait);
	rcu_read_unlock();
}

/*
 * A reader that blocks in recvmsg() and got data from its last call is
 * between two calls: returning to user space, handling what it read,
 * coming back for more. What arrives meanwhile waits for it in the
 * backlog, as for a task asleep in quic_wait(), instead of being
 * decrypted in the softirq that received it. On a local path that softirq
 * runs on the sender's CPU, whose bottleneck it then adds to, and holds
 * the socket's spinlock through a whole GSO run, while the reader, back
 * already, spins on it in lock_sock(). kTLS decrypts in recvmsg() alone.
 *
 * A reader that does not come back within a tick (it reads one message,
 * then does something else) leaves its datagrams to rx_work, which
 * processes them and stops the waiting until the next read. Readers that
 * do not block (poll(), epoll, a kernel user's sk_data_ready) are never
 * waited for: they learn of data only once it is processed.
 */
#define QUIC_READER_GRACE	1	/* jiffies */

static void quic_input_reader_work(struct work_struct *work)
{
	struct quic_sock *qs = container_of(to_delayed_work(work),
					    struct quic_sock, rx_work);
	struct sock *sk = &qs->inet.sk;

	lock_sock(sk);
	/* Datagrams still wait: the reader did not come back for them. */
	if (READ_ONCE(sk->sk_backlog.tail))
		WRITE_ONCE(qs->rx_reader, false);
	release_sock(sk);	/* processes the backlog */
	sock_put(sk);		/* the queued work's reference */
}

/**
 * quic_input_reader_init() - set up the wait for a reader
 * @sk: new socket
 */
void quic_input_reader_init(struct sock *sk)
{
	INIT_DELAYED_WORK(&quic_sk(sk)->rx_work, quic_input_reader_work);
}

/**
 * quic_input_reader_stop() - cancel rx_work of a socket being closed
 * @sk: socket, lock held; whatever waits is processed on release
 *
 * A run already started waits for the lock, then finds the socket closed
 * and drops its reference.
 */
void quic_input_reader_stop(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	WRITE_ONCE(qs->rx_reader, false);
	quic_sk_work_cancel(sk, &qs->rx_work);
}

/**
 * quic_input_reader_back() - a recvmsg() call starts
 * @sk: socket, lock held; the caller processes the backlog next
 *
 * The reader is back for what waits in the backlog: rx_work, queued for
 * it by the backlog's first datagram, has nothing left to do. Left
 * queued, it would wake a worker a tick later on the CPU that received
 * that datagram (a veth peer's: the sender's, which it preempts) only to
 * find the backlog empty, or to sleep on the lock the reader holds.
 */
void quic_input_reader_back(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (delayed_work_pending(&qs->rx_work))
		quic_sk_work_cancel(sk, &qs->rx_work);
}

/**
 * quic_input_reader_seen() - a recvmsg() call ends
 * @sk: socket, lock held
 * @expected_back: it blocks when there is nothing and returned data, so
 *	the next call is likely to follow at once
 */
void quic_input_reader_seen(struct sock *sk, bool expected_back)
{
	WRITE_ONCE(quic_sk(sk)->rx_reader, expected_back);
}

/**
 * quic_input_reader_polls() - quic_poll() asks whether there is data
 * @sk: socket, not locked
 *
 * The reader waits for readiness now, not in recvmsg(): stop waiting for
 * it, and have rx_work process at once what already waits, so that the
 * poller hears of it.
 *
 * Context: process context.
 */
void quic_input_reader_polls(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	bool waiting;

	if (!READ_ONCE(qs->rx_reader))
		return;
	/* Under the lock quic_input_deliver() decides under: a datagram it
	 * left for the reader before this is in the backlog now.
	 */
	spin_lock_bh(&sk->sk_lock.slock);
	WRITE_ONCE(qs->rx_reader, false);
	waiting = !sock_owned_by_user(sk) && sk->sk_backlog.tail;
	if (waiting)
		quic_sk_work_now(sk, &qs->rx_work);
	spin_unlock_bh(&sk->sk_lock.slock);
}

/**
 * quic_input_deliver() - hand a datagram to its socket, or to its backlog
 * @sk: socket
 * @skb: datagram, data at the QUIC payload
 *
 * A datagram is processed here, in softirq, only when no task sleeps in
 * the socket and no reader is expected back (see above). A task waiting
 * to read (or for send room) processes it itself: the softirq runs on the
 * CPU of whoever sent the datagram (a veth peer in the same host: the
 * sender's own CPU), so decrypting here put both ends' crypto on one CPU,
 * as kTLS, which decrypts in recvmsg, does not.
 *
 * Context: BH disabled.
 */
void quic_input_deliver(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);
	bool owned, first, wake = false;

	bh_lock_sock(sk);
	owned = sock_owned_by_user(sk);
	if (!owned && !READ_ONCE(qs->waiters) && !READ_ONCE(qs->rx_reader)) {
		quic_input_datagram(sk, skb);
		bh_unlock_sock(sk);
		return;
	}
	/* One wake-up per batch: the waiter takes the whole backlog. */
	first = !owned && !sk->sk_backlog.tail;
	if (sk_add_backlog(sk, skb, quic_rx_backlog_limit(sk))) {
		quic_mib_inc(sock_net(sk), QUIC_MIB_IN_BACKLOG_DROPS);
		sk_drops_add(sk, skb);
		kfree_skb(skb);
	} else if (first && READ_ONCE(qs->waiters)) {
		wake = true;
	} else if (first) {
		quic_sk_work_queue(sk, &qs->rx_work, QUIC_READER_GRACE);
	}
	bh_unlock_sock(sk);
	/* The task woken goes straight for this lock in lock_sock(): woken
	 * under it, it spun there while the wake-up (an IPI to its CPU)
	 * completed. The datagram is in the backlog already, and
	 * wait_woken() does not miss a wake-up that comes late.
	 */
	if (wake)
		quic_wake_waiters(sk);
}

static u32 quic_skb_seg_size(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? skb_shinfo(skb)->gso_size : skb->len;
}

/*
 * Does every datagram of the GSO run @skb carry the first one's DCID? A
 * run a device's GRO built may mix connections that share a 4-tuple.
 */
static bool quic_gso_run_one_dcid(const struct sk_buff *skb,
				  const struct quic_dcid_peek *first)
{
	u32 seg = skb_shinfo(skb)->gso_size, off, len;
	struct quic_dcid_peek pk;
	struct quic_skb_walk w;

	quic_skb_walk_init(&w, skb);
	for (off = seg; off < skb->len; off += seg) {
		len = min(seg, skb->len - off);
		if (quic_skb_peek_dcid(&w, off, len, &pk) ||
		    pk.dcid_len != first->dcid_len ||
		    memcmp(pk.dcid, first->dcid, pk.dcid_len))
			return false;
	}
	return true;
}

static void quic_rcv_datagram(struct quic_udp_sock *us, struct sk_buff *skb);

/* Route each datagram of the GSO run @skb on its own, as a copy. */
static void quic_rcv_split(struct quic_udp_sock *us, struct sk_buff *skb)
{
	u32 seg = skb_shinfo(skb)->gso_size, off, len;
	struct sk_buff *one;

	for (off = 0; off < skb->len; off += len) {
		len = min(seg, skb->len - off);
		one = alloc_skb(len, GFP_ATOMIC);
		if (!one)
			break;
		if (skb_copy_bits(skb, off, skb_put(one, len), len)) {
			kfree_skb(one);
			break;
		}
		*quic_skb_cb(one) = *quic_skb_cb(skb);
		skb_copy_decrypted(one, skb);
		one->skb_iif = skb->skb_iif;
		quic_rcv_datagram(us, one);
	}
	consume_skb(skb);
}

/*
 * Deliver @skb, data at the QUIC payload, to the connection its DCID
 * names, or to the listener. A GSO run (UDP GSO from a local sender, or
 * GRO) stays whole when it is all for one connection.
 */
static void quic_rcv_datagram(struct quic_udp_sock *us, struct sk_buff *skb)
{
	struct quic_dcid_peek pk;
	struct quic_skb_walk w;
	struct sock *sk;

	quic_skb_walk_init(&w, skb);
	if (quic_skb_peek_dcid(&w, 0, quic_skb_seg_size(skb), &pk))
		goto drop;
	sk = quic_cid_lookup(us->net, pk.dcid, pk.dcid_len);
	if (skb_is_gso(skb) && (!sk || !quic_gso_run_one_dcid(skb, &pk))) {
		if (sk)
			sock_put(sk);
		quic_rcv_split(us, skb);
		return;
	}
	if (!sk) {
		/* The listener queues the datagram: make it linear. */
		sk = quic_lookup_listener(us, &pk);
		if (sk && skb_linearize(skb)) {
			sock_put(sk);
			goto drop;
		}
	}
	/* A short header for no CID of ours: a Stateless Reset for one of
	 * our connections, or a packet of a connection we no longer know,
	 * which gets one (RFC 9000 10.3).
	 */
	if (!sk && !(pk.first[0] & QUIC_HDR_FORM_LONG)) {
		sk = quic_reset_lookup(us->net, skb, &quic_skb_cb(skb)->peer);
		if (!sk)
			quic_reset_send(us, &quic_skb_cb(skb)->peer, pk.dcid,
					pk.dcid_len, skb->len);
	}
	if (!sk)
		goto drop;
	quic_input_deliver(sk, skb);
	sock_put(sk);
	return;
drop:
	quic_mib_inc(us->net, QUIC_MIB_IN_DISCARDS);
	kfree_skb(skb);
}

/**
 * quic_udp_rcv() - a UDP datagram arrived on a QUIC socket's UDP socket
 * @us: the UDP socket's QUIC side
 * @skb: the datagram, or a UDP GSO run of them, data at the QUIC payload,
 *	checksum checked
 *
 * Context: softirq, under rcu_read_lock().
 */
void quic_udp_rcv(struct quic_udp_sock *us, struct sk_buff *skb)
{
	quic_skb_save_peer(skb);
	quic_rcv_datagram(us, skb);
}

static bool quic_input_process(struct sock *sk, struct sk_buff *skb);

/*
 * proto .backlog_rcv: datagrams that arrived while the user held the lock.
 * What they call for (ACKs, data the peer's credit lets out) is sent once
 * for the whole backlog, from quic_conn_release_cb(). Flushing after each
 * one made draining a long backlog slow enough that, with the sender still
 * going, the backlog outgrew its limit before it was drained (its length
 * only drops back to zero once it is empty) and datagrams were dropped.
 */
int quic_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	if (quic_input_process(sk, skb))
		quic_sk(sk)->backlog_flush = true;
	return 0;
}

static int quic_packet_space(const struct quic_packet_hdr *h)
{
	switch (h->type) {
	case QUIC_PACKET_INITIAL:
		return QUIC_SPACE_INITIAL;
	case QUIC_PACKET_HANDSHAKE:
		return QUIC_SPACE_HANDSHAKE;
	case QUIC_PACKET_0RTT:
	case QUIC_PACKET_1RTT:
		return QUIC_SPACE_APP;
	}
	return -1;	/* VN, Retry: not in a space */
}

/*
 * Keys for this packet are not installed yet: keep a copy for later, with
 * the time it arrived. RFC 9000 13.2.5: the ACK Delay of its
 * acknowledgment should include the time it waited for keys. Without it,
 * a client's 1-RTT packets that arrive before its Finished (lost, and
 * resent a PTO later) are acknowledged seconds after they were sent as if
 * at once, and that RTT sample inflates the client's PTO for the rest of
 * a short connection.
 */
static void quic_keep_undecryptable(struct sock *sk, const u8 *pkt, u32 len,
				    u8 level, const struct quic_rx_dgram *d)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *copy;

	if (skb_queue_len(&qs->undecryptable) >= QUIC_MAX_UNDECRYPTABLE)
		return;
	copy = alloc_skb(len, GFP_ATOMIC);
	if (!copy)
		return;
	skb_put_data(copy, pkt, len);
	quic_skb_cb(copy)->level = level;
	quic_skb_cb(copy)->ecn = d->ecn;
	quic_skb_cb(copy)->peer = *d->from;
	copy->tstamp = ns_to_ktime(qs->rx_now_ns);
	__skb_queue_tail(&qs->undecryptable, copy);
}

/*
 * The one decryption step; see the file comment. A 1-RTT packet the
 * device opened (@opened) has its header and payload in clear already.
 */
static int quic_packet_unprotect(struct quic_sock *qs, u8 space,
				 struct quic_crypto *c, u8 *pkt,
				 const struct quic_packet_hdr *h, bool opened,
				 struct quic_crypto_rx *ri)
{
	struct quic_space *sp = qs->space[space];
	u64 largest = sp->recv.has_largest ? sp->recv.largest : U64_MAX;

	if (opened)
		return h->type == QUIC_PACKET_1RTT ?
		       quic_crypto_opened(c, pkt, h->len, h->pn_offset,
					  largest, ri) : -EINVAL;
	return quic_crypto_decrypt(c, pkt, h->len, h->pn_offset, largest, ri);
}

static void quic_after_packet(struct sock *sk, u8 space, u64 pn,
			      bool ack_eliciting, u8 ecn)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[space];

	quic_ackrange_add(&sp->recv, pn, qs->rx_now_ns);
	quic_ecn_on_received(&sp->ecn, ecn);
	if (space == QUIC_SPACE_APP) {
		quic_key_update_touch(sk);
		if (sp->recv.largest == pn)
			quic_offload_rx_seen(qs, pn);
	}
	qs->idle_sent_since_rx = false;
	quic_conn_touch_idle(sk);
	if (!ack_eliciting)
		return;
	if (sp->ack_eliciting_unacked < U8_MAX)
		sp->ack_eliciting_unacked++;
	/* RFC 9000 13.2.1: handshake packets and reordering are acked at
	 * once; 1-RTT packets every second one or after max_ack_delay.
	 */
	/* ... and so is CE, to shorten the sender's reaction to it. */
	if (space != QUIC_SPACE_APP || sp->ack_eliciting_unacked >= 2 ||
	    ecn == QUIC_ECN_CE || quic_ackrange_out_of_order(&sp->recv))
		sp->ack_now = true;
	else
		quic_conn_arm_ack_timer(sk);
	/* RFC 9001 4.9.1: a server drops Initial keys on its first
	 * Handshake packet; the client's address is then validated
	 * (RFC 9000 8.1: only it could have decrypted our Initial).
	 */
	if (qs->is_server && space == QUIC_SPACE_HANDSHAKE) {
		qs->addr_validated = true;
		quic_conn_discard_space(sk, QUIC_SPACE_INITIAL);
	}
}

/* Below the floor means acknowledged long ago: treat as a duplicate. */
static bool quic_pn_seen(const struct quic_ackrange_set *set, u64 pn)
{
	return pn < set->floor || quic_ackrange_contains(set, pn);
}

/*
 * RFC 9000 6.2: a Version Negotiation packet may answer a client's first
 * Initial, and only before any other packet from the server. One that
 * does not echo our CIDs (swapped) is not for us; one that lists our
 * version is stale or forged (dropped); otherwise the server speaks none
 * of ours, and the attempt ends.
 */
static void quic_vn_rcv(struct sock *sk, const struct quic_packet_hdr *h)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!quic_conn_awaits_server(sk) ||
	    h->dcid_len != qs->initial_scid.len ||
	    memcmp(h->dcid, qs->initial_scid.data, h->dcid_len) ||
	    h->scid_len != qs->dcid.cid.len ||
	    memcmp(h->scid, qs->dcid.cid.data, h->scid_len))
		return;
	if (quic_packet_vn_has_version(h, qs->version))
		return;
	quic_conn_version_refused(sk);
}

/* Returns true if @pkt was authentic (or is kept until it can tell). */
static bool quic_input_packet(struct sock *sk, struct quic_packet_hdr *h,
			      u8 *pkt, const struct quic_rx_dgram *d)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_rx_path path;
	struct quic_crypto_rx ri;
	bool ack_eliciting, early;
	struct quic_crypto *c;
	int space, err;
	u8 level;

	if (h->type == QUIC_PACKET_RETRY) {
		quic_retry_rcv(sk, h, pkt);
		return true;
	}
	if (h->type == QUIC_PACKET_VERSION_NEG) {
		quic_vn_rcv(sk, h);
		return true;
	}
	space = quic_packet_space(h);
	if (space < 0 || qs->space[space]->discarded)
		return false;
	if (h->long_header && h->version != qs->version)
		return false;
	early = h->type == QUIC_PACKET_0RTT;
	level = early ? QUIC_CRYPTO_EARLY : quic_space_level(space);
	c = quic_level_crypto(qs, level);
	if (!c || !c->rx.ready) {
		/* 0-RTT keys come to a server during its handshake or
		 * never (early.c); a client has none to open with.
		 */
		if (early && !quic_early_rx_wait(qs))
			return false;
		quic_keep_undecryptable(sk, pkt, h->len, level, d);
		return true;
	}
	if (quic_packet_unprotect(qs, space, c, pkt, h, d->opened, &ri)) {
		/* not authentic: dropped (RFC 9001 5.2) */
		quic_mib_inc(sock_net(sk), QUIC_MIB_IN_UNAUTHENTIC);
		return false;
	}
	quic_mib_inc(sock_net(sk), QUIC_MIB_IN_PACKETS);
	if (early)
		quic_mib_inc(sock_net(sk), QUIC_MIB_IN_EARLY);
	if (quic_packet_hdr_finish(h, pkt) == -EPROTO) {
		/* Reserved bits set in an authentic packet (17.2, 17.3.1). */
		quic_conn_error(sk, QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0);
		return true;
	}
	if (quic_pn_seen(&qs->space[space]->recv, ri.pn)) {
		/* duplicate (RFC 9000 12.3) */
		quic_mib_inc(sock_net(sk), QUIC_MIB_IN_DUPLICATES);
		return true;
	}
	if (h->type == QUIC_PACKET_1RTT)
		quic_key_update_on_rx(sk, ri.key_update, ri.key_phase);
	/* The client switches to the server's chosen CID (RFC 9000 7.2). */
	if (!qs->is_server && space == QUIC_SPACE_INITIAL &&
	    !qs->space[space]->recv.has_largest) {
		qs->dcid.cid.len = h->scid_len;
		memcpy(qs->dcid.cid.data, h->scid, h->scid_len);
	}
	path.dcid = h->dcid;
	path.dcid_len = h->dcid_len;
	err = quic_frames_process(sk, space, early, pkt + ri.hdr_len,
				  ri.payload_len, &ack_eliciting, &path);
	if (err)
		return true;
	/* asked per packet: the one before may have moved the connection */
	path.to_preferred = d->cb && quic_path_to_preferred(qs, d->cb);
	quic_after_packet(sk, space, ri.pn, ack_eliciting, d->ecn);
	/* A 0-RTT packet comes before there is a path to validate. */
	if (h->type == QUIC_PACKET_1RTT && !qs->closing)
		quic_path_rcv(sk, d->from, d->len, ri.pn, &path);
	return true;
}

/* The packets of one datagram, @d->len bytes at @data. */
static void quic_input_payload(struct sock *sk, u8 *data,
			       const struct quic_rx_dgram *d)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_datagram_iter it;
	struct quic_packet_hdr h;
	bool authentic = false;
	const u8 *pkt;

	quic_datagram_iter_init(&it, data, d->len, QUIC_CID_LEN_DEFAULT);
	while (quic_datagram_next_packet(&it, &h, &pkt) > 0) {
		authentic |= quic_input_packet(sk, &h, (u8 *)pkt, d);
		if (qs->closing)
			return;
	}
	/* Nothing in it was ours: a Stateless Reset? (RFC 9000 10.3.1) */
	if (!authentic && !d->opened)
		quic_reset_check(sk, data, d->len);
}

/**
 * quic_input_retry_pending() - process packets kept for missing keys
 * @sk: socket, locked
 *
 * Called when receive keys are installed.
 */
void quic_input_retry_pending(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff_head retry;
	struct sk_buff *skb;

	__skb_queue_head_init(&retry);
	skb_queue_splice_init(&qs->undecryptable, &retry);
	while ((skb = __skb_dequeue(&retry))) {
		struct quic_rx_dgram d = {
			.from = &quic_skb_cb(skb)->peer, .len = skb->len,
			.ecn = quic_skb_cb(skb)->ecn,
		};

		/* received then, not now (quic_keep_undecryptable()) */
		qs->rx_now_ns = ktime_to_ns(skb->tstamp);
		if (!qs->closing)
			quic_input_payload(sk, skb->data, &d);
		kfree_skb(skb);
	}
	quic_output_flush(sk);
}

/**
 * quic_input_defer() - process a packet again, in process context
 * @sk: socket, bh-locked in softirq and not owned by the user
 * @pkt: the packet, the last of its datagram
 * @len: its length
 *
 * For a packet whose processing may sleep (a Retry: new keys). A copy
 * goes to the backlog as a datagram of its own, and rx_work runs at once
 * to take the socket lock and so process the backlog.
 */
void quic_input_defer(struct sock *sk, const u8 *pkt, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;

	skb = alloc_skb(len, GFP_ATOMIC);
	if (!skb)
		return;
	skb_put_data(skb, pkt, len);
	memset(quic_skb_cb(skb), 0, sizeof(struct quic_skb_cb));
	quic_skb_cb(skb)->peer = qs->peer;
	if (sk_add_backlog(sk, skb, quic_rx_backlog_limit(sk))) {
		quic_mib_inc(sock_net(sk), QUIC_MIB_IN_BACKLOG_DROPS);
		sk_drops_add(sk, skb);
		kfree_skb(skb);
		return;
	}
	quic_sk_work_now(sk, &qs->rx_work);
}

/*
 * Only what could start a connection waits for accept(): 0, or
 * -EPROTONOSUPPORT for a long header of a version we do not speak, which
 * @h describes (CIDs included), or -EINPROGRESS for a 0-RTT packet that
 * may belong to a connection accept() has yet to make, or another error.
 */
static int quic_listener_acceptable(struct sk_buff *skb,
				    struct quic_packet_hdr *h)
{
	/* RFC 9000 14.1: what may start a connection, or be answered with
	 * a Version Negotiation packet, fills at least 1200 bytes.
	 */
	bool small = skb->len < QUIC_MIN_UDP_PAYLOAD;
	int err;

	err = quic_packet_parse_header(skb->data, skb->len,
				       QUIC_CID_LEN_DEFAULT, h);
	if (err)
		return small ? -EINVAL : err;
	/* RFC 9000 7.2: a client's first DCID has at least 8 bytes. */
	if (h->dcid_len < 8 || !quic_version_supported(h->version))
		return -EINVAL;
	if (h->type == QUIC_PACKET_0RTT)
		return -EINPROGRESS;
	return h->type == QUIC_PACKET_INITIAL && !small ? 0 : -EINVAL;
}

/*
 * RFC 9001 5.7: 0-RTT packets that arrive before their connection exists
 * (its Initial waits in the accept queue, or is still on its way) may be
 * kept for it. Dropping them would make the client send their data again,
 * a PTO later, in 1-RTT. A listener holds a bounded number of such
 * datagrams in its undecryptable queue, which it has no other use for,
 * the oldest going first to make room; accept() gives each connection it
 * makes those for its DCID (quic_listener_release_held()).
 *
 * Not after a Retry: the client's 0-RTT packets from before it carry a
 * DCID no connection will have.
 */
static void quic_listener_hold_early(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff_head *held = &quic_sk(sk)->undecryptable;

	if (quic_sk(sk)->config.validate_peer_address) {
		kfree_skb(skb);
		return;
	}
	if (skb_queue_len(held) >= QUIC_LISTENER_MAX_HELD)
		kfree_skb(__skb_dequeue(held));
	__skb_queue_tail(held, skb);
}

/**
 * quic_listener_redirect_queue() - a listener's queue to the connections
 * @lsk: listening socket, owned by the caller (lock_sock())
 * @q: one of its queues
 *
 * Called by accept() once it made a connection: what @q holds for a
 * connection that exists now goes to it (quic_listener_redirect()). The
 * queue is taken off first: what stays goes back in order, and the walk
 * never meets it again.
 *
 * Return: how many datagrams went.
 */
u32 quic_listener_redirect_queue(struct sock *lsk, struct sk_buff_head *q)
{
	struct sk_buff_head queued;
	struct sk_buff *skb;
	u32 n = 0;

	__skb_queue_head_init(&queued);
	skb_queue_splice_init(q, &queued);
	while ((skb = __skb_dequeue(&queued))) {
		if (quic_listener_redirect(lsk, skb))
			n++;
		else
			__skb_queue_tail(q, skb);
	}
	return n;
}

/**
 * quic_listener_release_held() - 0-RTT datagrams to the connections made
 * @lsk: listening socket, owned by the caller (lock_sock())
 *
 * Those held for a connection accept() made go to it, where they wait
 * for the 0-RTT keys like any packet that comes before its keys
 * (QUIC_MAX_UNDECRYPTABLE of them).
 */
void quic_listener_release_held(struct sock *lsk)
{
	u32 n = quic_listener_redirect_queue(lsk,
					     &quic_sk(lsk)->undecryptable);

	if (n)
		quic_mib_add(sock_net(lsk), QUIC_MIB_IN_EARLY_HELD, n);
}

/*
 * RFC 9000 6.1: a datagram that could start a connection (the caller
 * found it large enough) in a version we do not speak gets a Version
 * Negotiation packet listing ours.
 */
static void quic_listener_answer_vn(struct sock *sk, struct sk_buff *skb,
				    const struct quic_packet_hdr *h)
{
	u8 vn[1 + 4 + 2 * (1 + QUIC_CID_MAX_LEN) + 4 * 2];
	int n;

	if (!quic_output_stateless_allowed())
		return;
	n = quic_packet_build_vn(vn, sizeof(vn), h, get_random_u8(), NULL, 0);
	if (n > 0 && !quic_output_stateless(quic_sk(sk)->udp,
					    sk->sk_bound_dev_if,
					    &quic_skb_cb(skb)->peer, vn, n))
		quic_mib_inc(sock_net(sk), QUIC_MIB_VN_SENT);
}

/**
 * quic_listener_redirect() - hand a listener's datagram to its connection
 * @lsk: listening socket, owned by the caller (lock_sock())
 * @skb: datagram, data at the QUIC payload
 *
 * An Initial that reached the listener because its DCID had no connection
 * when it arrived may have one now: accept() made it from an earlier copy
 * (a client's retransmission, or a duplicate in the network). It belongs
 * there, never to a second connection (RFC 9000 7.2).
 *
 * Return: true if @skb was delivered (and consumed).
 */
bool quic_listener_redirect(struct sock *lsk, struct sk_buff *skb)
{
	const u8 *dcid;
	struct sock *sk;
	u8 len;

	if (quic_packet_peek_dcid(skb->data, skb->len, QUIC_CID_LEN_DEFAULT,
				  &dcid, &len))
		return false;
	sk = quic_cid_lookup(sock_net(lsk), dcid, len);
	if (!sk)
		return false;
	local_bh_disable();
	quic_input_deliver(sk, skb);
	local_bh_enable();
	sock_put(sk);
	return true;
}

static void quic_listener_rcv(struct sock *sk, struct sk_buff *skb)
{
	u32 backlog = READ_ONCE(sk->sk_max_ack_backlog);
	struct quic_sock *qs = quic_sk(sk);
	struct quic_packet_hdr h;
	int err;

	/* From the backlog: accept() held the listener, and may have made
	 * this datagram's connection since it was routed here; then its
	 * lookup is worth repeating. (In softirq, where the listener's
	 * spinlock is held, the lookup has just been done.)
	 */
	if (sock_owned_by_user(sk) && quic_listener_redirect(sk, skb))
		return;
	err = quic_listener_acceptable(skb, &h);
	if (err == -EPROTONOSUPPORT)
		quic_listener_answer_vn(sk, skb, &h);
	if (err == -EINPROGRESS) {
		quic_listener_hold_early(sk, skb);
		return;
	}
	if (err || skb_queue_len(&qs->accept_queue) >= backlog) {
		quic_mib_inc(sock_net(sk), QUIC_MIB_IN_DISCARDS);
		kfree_skb(skb);
		return;
	}
	if (quic_retry_answer(sk, skb, &h)) {
		consume_skb(skb);	/* answered with a Retry */
		return;
	}
	__skb_queue_tail(&qs->accept_queue, skb);
	sk->sk_data_ready(sk);
}

/*
 * Process each datagram of @skb: one, or a GSO run. Decryption is in
 * place, so a datagram is used where it lies only if no one else can see
 * those bytes: not a clone's (a packet socket's, say), not a page the
 * skb shares (splice) or a sender's user page (zerocopy). Else, and where
 * a datagram is not contiguous, it is copied first. A local sender's GSO
 * run has its first datagram in the head and the others whole in page
 * fragments (output.c): in place, and with no skb per datagram.
 */
static void quic_input_skb(struct sock *sk, struct sk_buff *skb)
{
	bool private = !skb_cloned(skb) && !skb_has_shared_frag(skb) &&
		       !skb_zcopy(skb);
	u32 seg = quic_skb_seg_size(skb), off, len;
	int opened = quic_offload_rx_opened(sk, skb);
	struct quic_rx_dgram d = {
		.from = &quic_skb_cb(skb)->peer, .ecn = quic_skb_cb(skb)->ecn,
		.opened = opened > 0,
		.cb = quic_skb_cb(skb),
	};
	struct quic_skb_walk w;
	u8 *p, *copy;

	if (opened < 0)
		return;
	/* A GSO run arrived at once: one clock read for all its packets. */
	quic_sk(sk)->rx_now_ns = ktime_get_ns();
	quic_skb_walk_init(&w, skb);
	for (off = 0; off < skb->len; off += len) {
		if (quic_sk(sk)->closing)
			return;
		len = min(seg, skb->len - off);
		d.len = len;
		p = private ? quic_skb_walk_span(&w, off, len) : NULL;
		if (p) {
			quic_input_payload(sk, p, &d);
			continue;
		}
		copy = kmalloc(len, GFP_ATOMIC);
		if (!copy)
			return;
		if (!skb_copy_bits(skb, off, copy, len))
			quic_input_payload(sk, copy, &d);
		kfree(copy);
	}
}

/*
 * Process one datagram or GSO run, consuming @skb. Return: true if the
 * connection is still open and may have something to send in response.
 */
static bool quic_input_process(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state == QUIC_SS_LISTENING) {
		quic_listener_rcv(sk, skb);
		return false;
	}
	if (qs->closing || sk->sk_state == QUIC_SS_CLOSED) {
		/* RFC 9000 10.2: answered with our close, or drained. */
		quic_closing_rcv(sk, skb->len);
		kfree_skb(skb);
		return false;
	}
	/* RFC 9000 9: a client hears its server from the address it
	 * connected to and from the preferred address it probes or moved
	 * to (path.c); a datagram from anywhere else is not its server's.
	 */
	if (!qs->is_server &&
	    !quic_path_from_server(qs, &quic_skb_cb(skb)->peer)) {
		quic_mib_inc(sock_net(sk), QUIC_MIB_IN_UNKNOWN_SERVER);
		kfree_skb(skb);
		return false;
	}
	/* RFC 9000 8.1, 9.3.1: the budget of an address not yet validated
	 * grows with what arrives from that address alone (and a server's
	 * only: quic_conn_amp_room()).
	 */
	if (qs->is_server && !qs->addr_validated &&
	    quic_addr_equal(&quic_skb_cb(skb)->peer, &qs->peer))
		qs->amp_rx_bytes += skb->len;
	quic_input_skb(sk, skb);
	consume_skb(skb);
	return !qs->closing;
}

/**
 * quic_input_datagram() - process one received datagram on its socket
 * @sk: socket, locked (owned, or bh-locked with no owner)
 * @skb: datagram, data at the QUIC payload; consumed
 */
void quic_input_datagram(struct sock *sk, struct sk_buff *skb)
{
	if (quic_input_process(sk, skb))
		quic_output_flush(sk);
}
