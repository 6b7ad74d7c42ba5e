/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel UDP sockets that carry QUIC packets. One kernel UDP socket exists
 * per (netns, local address, port) and is shared by every QUIC socket bound
 * there (a listener and the connections it accepts, or SO_REUSEADDR users).
 */
#ifndef _NET_QUIC_UDP_H
#define _NET_QUIC_UDP_H

#include "socket.h"

struct quic_udp_sock {
	struct hlist_node	node;	/* quic_udp_table, under its mutex */
	refcount_t		refs;
	/* No reference: every owner of a reference holds the netns. */
	struct net		*net;
	union quic_addr		addr;	/* bound address, port filled in */
	struct socket		*sock;
	void			(*saved_data_ready)(struct sock *usk);
	/* Listening QUIC socket that takes Initials for unknown CIDs. */
	struct sock __rcu	*listener;
	struct rcu_head		rcu;
};

int quic_udp_sock_get(struct net *net, union quic_addr *addr,
		      bool v6only, struct quic_udp_sock **usp);
void quic_udp_sock_put(struct quic_udp_sock *us);
void quic_udp_exit(void);

#endif /* _NET_QUIC_UDP_H */
