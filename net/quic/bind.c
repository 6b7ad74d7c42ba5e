// SPDX-License-Identifier: GPL-2.0
/*
 * bind(2) for QUIC sockets. QUIC sockets share UDP sockets (see udp.c), so
 * UDP's own conflict check cannot tell two QUIC sockets apart: this table
 * does, with UDP's rules: two sockets may not own overlapping addresses on
 * one port (a wildcard overlaps everything of its family, and a dual-stack
 * IPv6 wildcard overlaps IPv4 too) unless both set SO_REUSEADDR.
 */

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <net/sock.h>
#include <net/inet_common.h>
#include <net/ip.h>

#include "bind.h"
#include "udp.h"

static DEFINE_MUTEX(quic_bind_mutex);
static DEFINE_HASHTABLE(quic_bind_table, 8);

static u32 quic_bind_hash(const struct net *net, __be16 port)
{
	return net_hash_mix(net) ^ ntohs(port);
}

/**
 * quic_addr_is_any() - is this the wildcard address of its family
 * @a: a local address
 */
bool quic_addr_is_any(const union quic_addr *a)
{
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_addr.s_addr == htonl(INADDR_ANY);
	return ipv6_addr_any(&a->v6.sin6_addr);
}

/* Does an IPv6 socket bound to @a also own IPv4 address @v4? */
static bool quic_v6_covers_v4(const struct sock *sk6, const union quic_addr *a,
			      const union quic_addr *v4)
{
	if (ipv6_addr_any(&a->v6.sin6_addr))
		return !sk6->sk_ipv6only;
	return ipv6_addr_v4mapped(&a->v6.sin6_addr) &&
	       (a->v6.sin6_addr.s6_addr32[3] == v4->v4.sin_addr.s_addr ||
		v4->v4.sin_addr.s_addr == htonl(INADDR_ANY));
}

static bool quic_addrs_overlap(const struct sock *ska, const union quic_addr *a,
			       const struct sock *skb, const union quic_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family) {
		if (a->sa.sa_family == AF_INET6)
			return quic_v6_covers_v4(ska, a, b);
		return quic_v6_covers_v4(skb, b, a);
	}
	if (quic_addr_is_any(a) || quic_addr_is_any(b))
		return true;
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	return ipv6_addr_equal(&a->v6.sin6_addr, &b->v6.sin6_addr);
}

static bool quic_bind_conflict(struct sock *sk, const union quic_addr *addr)
{
	u32 hash = quic_bind_hash(sock_net(sk), addr->v4.sin_port);
	struct quic_sock *qs;

	hash_for_each_possible(quic_bind_table, qs, bind_node, hash) {
		struct sock *other = &qs->inet.sk;

		if (other == sk || !net_eq(sock_net(other), sock_net(sk)) ||
		    qs->local.v4.sin_port != addr->v4.sin_port)
			continue;
		if (sk->sk_reuse && other->sk_reuse)
			continue;
		if (quic_addrs_overlap(sk, addr, other, &qs->local))
			return true;
	}
	return false;
}

/* Copy and check the user's address; the family must match the socket's. */
int quic_bind_addr_from_user(struct sock *sk, struct sockaddr *uaddr,
			     int addr_len, union quic_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (sk->sk_family == AF_INET) {
		if (addr_len < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		if (uaddr->sa_family != AF_INET)
			return -EAFNOSUPPORT;
		memcpy(&addr->v4, uaddr, sizeof(addr->v4));
		return 0;
	}
	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (uaddr->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	memcpy(&addr->v6, uaddr, min_t(int, addr_len, sizeof(addr->v6)));
	if (ipv6_addr_v4mapped(&addr->v6.sin6_addr) && sk->sk_ipv6only)
		return -EINVAL;
	/* Only link-local addresses have a scope; ignore junk elsewhere. */
	if (!(ipv6_addr_type(&addr->v6.sin6_addr) & IPV6_ADDR_LINKLOCAL))
		addr->v6.sin6_scope_id = 0;
	else if (!addr->v6.sin6_scope_id)
		addr->v6.sin6_scope_id = sk->sk_bound_dev_if;
	return 0;
}

/**
 * quic_set_inet_saddr() - mirror a local address into inet_sock
 * @sk: socket
 * @addr: its local address; an IPv4 one on an AF_INET6 socket (a
 *	dual-stack listener's IPv4 connection) goes in IPv4-mapped
 *
 * So that inet_getname() reports it.
 */
void quic_set_inet_saddr(struct sock *sk, const union quic_addr *addr)
{
	if (sk->sk_family == AF_INET) {
		inet_sk(sk)->inet_rcv_saddr = addr->v4.sin_addr.s_addr;
		inet_sk(sk)->inet_saddr = addr->v4.sin_addr.s_addr;
		return;
	}
	if (addr->sa.sa_family == AF_INET)
		ipv6_addr_set_v4mapped(addr->v4.sin_addr.s_addr,
				       &sk->sk_v6_rcv_saddr);
	else
		sk->sk_v6_rcv_saddr = addr->v6.sin6_addr;
	inet6_sk(sk)->saddr = sk->sk_v6_rcv_saddr;
}

/**
 * quic_set_inet_daddr() - mirror the peer's address into inet_sock
 * @sk: socket
 * @peer: the address packets go to; an IPv4 one on an AF_INET6 socket
 *	goes in IPv4-mapped
 *
 * So that getpeername() (and accept()) report it, also after the peer
 * moved (RFC 9000 9).
 */
void quic_set_inet_daddr(struct sock *sk, const union quic_addr *peer)
{
	inet_sk(sk)->inet_dport = peer->v4.sin_port;
	if (peer->sa.sa_family == AF_INET6) {
		sk->sk_v6_daddr = peer->v6.sin6_addr;
		return;
	}
	inet_sk(sk)->inet_daddr = peer->v4.sin_addr.s_addr;
	if (sk->sk_family == AF_INET6)
		ipv6_addr_set_v4mapped(peer->v4.sin_addr.s_addr,
				       &sk->sk_v6_daddr);
}

/* The bound address and port, for inet_getname() and the IP layers. */
static void quic_bind_set_inet(struct sock *sk, const union quic_addr *addr)
{
	struct inet_sock *inet = inet_sk(sk);

	/* inet_num marks the socket bound for the IP layers' sockopts. */
	inet->inet_num = ntohs(addr->v4.sin_port);
	inet->inet_sport = addr->v4.sin_port;
	quic_set_inet_saddr(sk, addr);
	if (sk->sk_family == AF_INET6 && addr->v6.sin6_scope_id)
		sk->sk_bound_dev_if = addr->v6.sin6_scope_id;
}

/*
 * Take @addr for @sk: a UDP socket for it, and the bind-table entry,
 * replacing any the socket had. The caller puts the UDP socket it had.
 */
static int quic_bind_take(struct sock *sk, union quic_addr *addr)
{
	struct quic_sock *qs = quic_sk(sk);
	struct net *net = sock_net(sk);
	struct quic_udp_sock *us;
	int err;

	if (addr->v4.sin_port &&
	    inet_port_requires_bind_service(net, ntohs(addr->v4.sin_port)) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	mutex_lock(&quic_bind_mutex);
	if (addr->v4.sin_port && quic_bind_conflict(sk, addr)) {
		err = -EADDRINUSE;
		goto out;
	}
	err = quic_udp_sock_get(net, addr, sk->sk_ipv6only, &us);
	if (err)
		goto out;
	/* An ephemeral port is fresh in UDP, so it cannot conflict here. */
	if (!hlist_unhashed(&qs->bind_node))
		hash_del(&qs->bind_node);
	qs->udp = us;
	qs->local = *addr;
	hash_add(quic_bind_table, &qs->bind_node,
		 quic_bind_hash(net, addr->v4.sin_port));
	quic_bind_set_inet(sk, addr);
out:
	mutex_unlock(&quic_bind_mutex);
	return err;
}

/**
 * quic_bind_locked() - bind with the socket lock held (also autobind)
 * @sk: socket, locked
 * @addr: checked local address; a zero port becomes the ephemeral port
 *
 * Return: 0 or -errno, see quic_bind().
 */
int quic_bind_locked(struct sock *sk, union quic_addr *addr)
{
	if (quic_sk(sk)->udp)
		return -EINVAL;
	return quic_bind_take(sk, addr);
}

/**
 * quic_rebind_locked() - move a bound socket to another local address
 * @sk: socket, locked, bound (not an accepted one: those share the
 *	listener's port)
 * @addr: checked local address; a zero port becomes an ephemeral one
 *
 * A client's own migration (path.c): a UDP socket for @addr, the old one
 * given back once the new one is in place.
 *
 * Context: process context; may sleep.
 * Return: 0 or -errno, as quic_bind_locked().
 */
int quic_rebind_locked(struct sock *sk, union quic_addr *addr)
{
	struct quic_udp_sock *old = quic_sk(sk)->udp;
	int err;

	err = quic_bind_take(sk, addr);
	if (!err)
		quic_udp_sock_put(old);
	return err;
}

/**
 * quic_bind() - the proto .bind of QUIC sockets
 * @sk: socket, not locked
 * @uaddr: user's address
 * @addr_len: its length
 *
 * Context: process context; takes the socket lock.
 * Return: 0 or a negative errno, as UDP reports them: EINVAL (short
 * address, already bound), EAFNOSUPPORT (wrong family), EACCES (privileged
 * port), EADDRINUSE, EADDRNOTAVAIL (not a local address).
 */
int quic_bind(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	union quic_addr addr;
	int err;

	err = quic_bind_addr_from_user(sk, uaddr, addr_len, &addr);
	if (err)
		return err;

	lock_sock(sk);
	err = quic_bind_locked(sk, &addr);
	release_sock(sk);
	return err;
}

/**
 * quic_unbind_addr() - give up the local address, keep the UDP socket
 * @sk: socket, locked by the caller
 *
 * A socket that lingers after close() (closing.c) still answers from the
 * UDP socket; its address is free for others meanwhile.
 *
 * Context: process context; may sleep.
 */
void quic_unbind_addr(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	/* Accepted sockets share the listener's port without owning it. */
	if (!hlist_unhashed(&qs->bind_node)) {
		mutex_lock(&quic_bind_mutex);
		hash_del(&qs->bind_node);
		mutex_unlock(&quic_bind_mutex);
	}
}

/**
 * quic_unbind() - give up the local address and the UDP socket reference
 * @sk: socket, locked by the caller
 *
 * Context: process context; may sleep.
 */
void quic_unbind(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->udp)
		return;
	quic_unbind_addr(sk);
	quic_udp_sock_put(qs->udp);
	qs->udp = NULL;
}
