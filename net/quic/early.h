/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session resumption and 0-RTT (RFC 9000 7.4.1, RFC 9001 4.6): see
 * early.c.
 */
#ifndef _NET_QUIC_EARLY_H
#define _NET_QUIC_EARLY_H

#include "socket.h"

struct quic_tparam_values;

int quic_early_crypto(struct sock *sk, struct quic_crypto **c);
void quic_early_discard(struct sock *sk);
bool quic_early_tx_ready(const struct quic_sock *qs);
bool quic_early_rx_wait(const struct quic_sock *qs);
bool quic_early_send_allowed(const struct sock *sk);
int quic_early_remember_tparams(struct sock *sk,
				const struct quic_tparam_values *p);
u32 quic_early_rx_tickets(struct sock *sk);
int quic_early_ticket_key(struct quic_sock *qs);
int quic_early_inherit_key(struct quic_sock *qs, struct quic_sock *ls);

#endif /* _NET_QUIC_EARLY_H */
