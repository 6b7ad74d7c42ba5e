// SPDX-License-Identifier: GPL-2.0
/*
 * UDP glue: create, share and release the kernel UDP sockets that carry
 * QUIC, and take packets off their receive queues.
 */

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "conn.h"
#include "udp.h"

/*
 * A UDP socket's receive queue only holds what arrives between two
 * quic_udp_data_ready() calls, but a device's GRO run of 64 datagrams has
 * a truesize of some 150 KiB: leave room for a few, from several CPUs.
 */
#define QUIC_UDP_RCVBUF		SZ_1M	/* doubled by sock_set_rcvbuf() */

/*
 * Creation and release happen in process context (bind/close), so a mutex
 * is enough; the receive path never looks entries up here, it finds its
 * quic_udp_sock through sk_user_data.
 */
static DEFINE_MUTEX(quic_udp_mutex);
static DEFINE_HASHTABLE(quic_udp_table, 8);

static u32 quic_udp_hash(const struct net *net, const union quic_addr *a)
{
	return net_hash_mix(net) ^ ntohs(a->v4.sin_port);
}

static bool quic_udp_addr_equal(const union quic_addr *a,
				const union quic_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family ||
	    a->v4.sin_port != b->v4.sin_port)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	return ipv6_addr_equal(&a->v6.sin6_addr, &b->v6.sin6_addr) &&
	       a->v6.sin6_scope_id == b->v6.sin6_scope_id;
}

/*
 * UDP defers checking the checksum of a queued datagram to recvmsg(), so
 * we are its recvmsg(). A GSO run is always covered: its checksum is
 * partial (a local sender) or was checked by GRO.
 */
static bool quic_udp_csum_ok(struct sock *usk, struct sk_buff *skb)
{
	struct net *net = sock_net(usk);

	if (udp_skb_csum_unnecessary(skb) || !__udp_lib_checksum_complete(skb))
		return true;
	if (ip_hdr(skb)->version == 4) {
		__UDP_INC_STATS(net, UDP_MIB_CSUMERRORS, 0);
		__UDP_INC_STATS(net, UDP_MIB_INERRORS, 0);
	} else {
		__UDP6_INC_STATS(net, UDP_MIB_CSUMERRORS, 0);
		__UDP6_INC_STATS(net, UDP_MIB_INERRORS, 0);
	}
	return false;
}

/*
 * sk_data_ready of our UDP sockets: UDP queued a datagram or a GSO run.
 * Take everything queued and route it at once, in the softirq that
 * queued it.
 *
 * Why not encap_rcv, as UDP tunnels do: UDP splits every GSO run into
 * one skb per datagram before an encap_rcv socket sees it (see
 * udp_unexpected_gso()), and on a local path (veth, loopback) that split
 * and the per-datagram lookups run in the sender's softirq, on the
 * sender's CPU. Through the queue, UDP_GRO lets a run arrive whole.
 *
 * Context: softirq (UDP's receive path), under rcu_read_lock().
 */
static void quic_udp_data_ready(struct sock *usk)
{
	struct quic_udp_sock *us;
	struct sk_buff *skb;
	bool retried = false;
	int off = 0, err;

	rcu_read_lock();
	us = rcu_dereference_sk_user_data(usk);
	while (us) {
		skb = __skb_recv_udp(usk, MSG_DONTWAIT, &off, &err);
		if (!skb) {
			/* A pending socket error is reported once, and
			 * before the queue: look again after it.
			 */
			if (err == -EAGAIN || retried)
				break;
			retried = true;
			continue;
		}
		if (quic_udp_csum_ok(usk, skb))
			quic_udp_rcv(us, skb);
		else
			kfree_skb_reason(skb, SKB_DROP_REASON_UDP_CSUM);
	}
	rcu_read_unlock();
}

/* Process context, BH enabled: take what arrived before the hook was in. */
static void quic_udp_drain(struct sock *usk)
{
	local_bh_disable();
	quic_udp_data_ready(usk);
	local_bh_enable();
}

static int quic_udp_sock_create(struct net *net, union quic_addr *addr,
				bool v6only, struct socket **sockp)
{
	struct udp_port_cfg cfg = {};
	union quic_addr bound;
	int one = 1, err;

	cfg.family = addr->sa.sa_family;
	if (cfg.family == AF_INET) {
		cfg.local_ip = addr->v4.sin_addr;
		cfg.local_udp_port = addr->v4.sin_port;
	} else {
		cfg.local_ip6 = addr->v6.sin6_addr;
		cfg.local_udp_port = addr->v6.sin6_port;
		cfg.ipv6_v6only = v6only;
		cfg.bind_ifindex = addr->v6.sin6_scope_id;
		cfg.use_udp6_tx_checksums = 1;
		cfg.use_udp6_rx_checksums = 1;
	}
	cfg.use_udp_checksums = 1;

	err = udp_sock_create(net, &cfg, sockp);
	if (err)
		return err;

	/* Port 0 asked for an ephemeral port: learn which one UDP chose. */
	err = kernel_getsockname(*sockp, &bound.sa);
	if (err < 0)
		goto err_release;
	addr->v4.sin_port = bound.v4.sin_port;

	/*
	 * UDP_GRO: GSO runs are queued whole (UDP_FLAGS_ACCEPT_L4), and a
	 * device's GRO may merge our datagrams into runs; quic_udp_rcv()
	 * splits them by DCID where needed.
	 */
	err = (*sockp)->ops->setsockopt(*sockp, SOL_UDP, UDP_GRO,
					KERNEL_SOCKPTR(&one), sizeof(one));
	if (err)
		goto err_release;
	sock_set_rcvbuf((*sockp)->sk, QUIC_UDP_RCVBUF);
	return 0;

err_release:
	sock_release(*sockp);
	return err;
}

/* Route the socket's datagrams to us; @us is its sk_user_data from now. */
static void quic_udp_sock_hook(struct quic_udp_sock *us)
{
	struct sock *usk = us->sock->sk;

	write_lock_bh(&usk->sk_callback_lock);
	us->saved_data_ready = usk->sk_data_ready;
	rcu_assign_sk_user_data(usk, us);
	WRITE_ONCE(usk->sk_data_ready, quic_udp_data_ready);
	write_unlock_bh(&usk->sk_callback_lock);
	quic_udp_drain(usk);
}

/*
 * Undo quic_udp_sock_hook(). A receive running on another CPU either
 * still sees @us, which stays valid for an RCU grace period, or sees NULL
 * and leaves the datagram to be freed with the socket.
 */
static void quic_udp_sock_unhook(struct quic_udp_sock *us)
{
	struct sock *usk = us->sock->sk;

	write_lock_bh(&usk->sk_callback_lock);
	WRITE_ONCE(usk->sk_data_ready, us->saved_data_ready);
	rcu_assign_sk_user_data(usk, NULL);
	write_unlock_bh(&usk->sk_callback_lock);
}

static struct quic_udp_sock *quic_udp_lookup(struct net *net,
					     const union quic_addr *addr)
{
	struct quic_udp_sock *us;

	hash_for_each_possible(quic_udp_table, us, node,
			       quic_udp_hash(net, addr))
		if (net_eq(us->net, net) &&
		    quic_udp_addr_equal(&us->addr, addr))
			return us;
	return NULL;
}

/**
 * quic_udp_sock_get() - find or create the UDP socket for a local address
 * @net: network namespace of the QUIC socket
 * @addr: local address; a zero port is replaced by the ephemeral port chosen
 * @v6only: for AF_INET6, do not also receive IPv4 (IPV6_V6ONLY)
 * @usp: the shared socket, with a reference the caller must put
 *
 * Context: process context; may sleep.
 * Return: 0, or the errno UDP's bind reported (EADDRINUSE, EADDRNOTAVAIL,
 * EINVAL, ...), or -ENOMEM.
 */
int quic_udp_sock_get(struct net *net, union quic_addr *addr,
		      bool v6only, struct quic_udp_sock **usp)
{
	struct quic_udp_sock *us;
	int err;

	mutex_lock(&quic_udp_mutex);
	if (addr->v4.sin_port) {
		us = quic_udp_lookup(net, addr);
		if (us) {
			refcount_inc(&us->refs);
			goto out;
		}
	}

	err = -ENOMEM;
	us = kzalloc(sizeof(*us), GFP_KERNEL);
	if (!us)
		goto err_unlock;
	err = quic_udp_sock_create(net, addr, v6only, &us->sock);
	if (err) {
		kfree(us);
		goto err_unlock;
	}
	us->net = net;
	us->addr = *addr;
	refcount_set(&us->refs, 1);
	quic_udp_sock_hook(us);
	hash_add(quic_udp_table, &us->node, quic_udp_hash(net, addr));
out:
	mutex_unlock(&quic_udp_mutex);
	*usp = us;
	return 0;

err_unlock:
	mutex_unlock(&quic_udp_mutex);
	return err;
}

/**
 * quic_udp_sock_put() - drop a reference; the last one closes the socket
 * @us: shared UDP socket from quic_udp_sock_get()
 *
 * The UDP socket is unhashed at once, so the port is free again when this
 * returns (close then bind must work, as with UDP). A receive running
 * concurrently on another CPU either still sees @us, which stays valid
 * until an RCU grace period passes, or sees NULL and drops.
 *
 * Context: process context; may sleep.
 */
void quic_udp_sock_put(struct quic_udp_sock *us)
{
	mutex_lock(&quic_udp_mutex);
	if (!refcount_dec_and_test(&us->refs)) {
		mutex_unlock(&quic_udp_mutex);
		return;
	}
	hash_del(&us->node);
	mutex_unlock(&quic_udp_mutex);

	quic_udp_sock_unhook(us);
	kernel_sock_shutdown(us->sock, SHUT_RDWR);
	sock_release(us->sock);
	kfree_rcu(us, rcu);
}

/* Module exit: no receive may still run our code or touch freed entries. */
void quic_udp_exit(void)
{
	WARN_ON(!hash_empty(quic_udp_table));
	synchronize_rcu();
	rcu_barrier();
}
