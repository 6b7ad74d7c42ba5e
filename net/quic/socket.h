/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The QUIC socket: what every IPPROTO_QUIC socket carries, for AF_INET and
 * AF_INET6 alike.
 *
 * Locking: fields are protected by the socket lock (lock_sock) unless their
 * comment says otherwise.
 */
#ifndef _NET_QUIC_SOCKET_H
#define _NET_QUIC_SOCKET_H

#include <net/inet_sock.h>
#include <net/ipv6.h>

struct quic_udp_sock;

/* Local or remote address of a QUIC socket; the family says which arm. */
union quic_addr {
	struct sockaddr		sa;
	struct sockaddr_in	v4;
	struct sockaddr_in6	v6;
};

struct quic_sock {
	/* Must be first: the inet layer casts struct sock to inet_sock. */
	struct inet_sock	inet;

	/* UDP tunnel socket packets leave and arrive on; NULL until bound. */
	struct quic_udp_sock	*udp;
	union quic_addr		local;	/* as bound, port filled in */
	struct hlist_node	bind_node;	/* bind table, see bind.c */
};

/* AF_INET6 sockets: struct ipv6_pinfo follows, found via ipv6_pinfo_offset. */
struct quic6_sock {
	struct quic_sock	quic;
	struct ipv6_pinfo	inet6;
};

static inline struct quic_sock *quic_sk(const struct sock *sk)
{
	return (struct quic_sock *)sk;
}

extern struct proto quic_prot;
extern struct proto quicv6_prot;

#endif /* _NET_QUIC_SOCKET_H */
