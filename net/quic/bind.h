/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local address ownership among QUIC sockets: bind(2) semantics, conflicts
 * reported like UDP (EADDRINUSE unless both sockets set SO_REUSEADDR).
 */
#ifndef _NET_QUIC_BIND_H
#define _NET_QUIC_BIND_H

#include "socket.h"

int quic_bind(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int quic_bind_locked(struct sock *sk, union quic_addr *addr);
int quic_rebind_locked(struct sock *sk, union quic_addr *addr);
int quic_bind_addr_from_user(struct sock *sk, struct sockaddr *uaddr,
			     int addr_len, union quic_addr *addr);
bool quic_addr_is_any(const union quic_addr *a);
void quic_set_inet_saddr(struct sock *sk, const union quic_addr *addr);
void quic_set_inet_daddr(struct sock *sk, const union quic_addr *peer);
void quic_unbind_addr(struct sock *sk);
void quic_unbind(struct sock *sk);

#endif /* _NET_QUIC_BIND_H */
