// SPDX-License-Identifier: GPL-2.0
/*
 * UDP tunnel glue: create, share and release the kernel UDP sockets that
 * carry QUIC, and take packets off them.
 */

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <net/udp_tunnel.h>

#include "conn.h"
#include "udp.h"

/*
 * Any non-zero encap type enables encap_rcv; the value only has to differ
 * from the ones the kernel defines (ESP, L2TP, GTP, RxRPC, ESP-in-TCP).
 */
#define QUIC_UDP_ENCAP_TYPE	16

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

/* Packets for QUIC arrive here, in softirq, under rcu_read_lock(). */
static int quic_udp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	return quic_udp_rcv(sk, skb);
}

static int quic_udp_sock_create(struct net *net, union quic_addr *addr,
				bool v6only, struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {};
	struct udp_port_cfg cfg = {};
	union quic_addr bound;
	int err;

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
	if (err < 0) {
		sock_release(*sockp);
		return err;
	}
	addr->v4.sin_port = bound.v4.sin_port;

	tcfg.encap_type = QUIC_UDP_ENCAP_TYPE;
	tcfg.encap_rcv = quic_udp_encap_rcv;
	setup_udp_tunnel_sock(net, *sockp, &tcfg);
	/* Take UDP GSO runs whole (quic_udp_rcv() splits them by DCID
	 * where needed) rather than have UDP build an skb per datagram.
	 */
	udp_set_bit(ACCEPT_L4, (*sockp)->sk);
	return 0;
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
	rcu_assign_sk_user_data(us->sock->sk, us);
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

	rcu_assign_sk_user_data(us->sock->sk, NULL);
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
