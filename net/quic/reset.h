/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stateless reset (RFC 9000 10.3): tokens derived from connection IDs,
 * the reset sent for a datagram no connection takes, and its detection.
 */
#ifndef _NET_QUIC_RESET_H
#define _NET_QUIC_RESET_H

#include <net/sock.h>

#include "socket.h"

#define QUIC_RESET_TOKEN_LEN	16

struct quic_udp_sock;
struct quic_reset_entry;

int quic_reset_init(void);
void quic_reset_exit(void);
void quic_reset_token(const u8 *cid, u8 len, u8 *token);
int quic_reset_learn(struct sock *sk, const u8 *token, gfp_t gfp);
void quic_reset_forget(struct sock *sk);
struct sock *quic_reset_lookup(struct net *net, const struct sk_buff *skb,
			       const union quic_addr *peer);
void quic_reset_send(struct quic_udp_sock *us, const union quic_addr *peer,
		     const u8 *dcid, u8 dcid_len, u32 in_len);
bool quic_reset_check(struct sock *sk, const u8 *dgram, u32 len);

#endif /* _NET_QUIC_RESET_H */
