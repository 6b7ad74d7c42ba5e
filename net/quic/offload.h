/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC crypto offload, the stack's side (offload.c); the device interface
 * is include/net/quic_offload.h.
 */
#ifndef _NET_QUIC_OFFLOAD_STACK_H
#define _NET_QUIC_OFFLOAD_STACK_H

#include <linux/skbuff.h>
#include <net/quic_offload.h>

#include "socket.h"

/* 0: opened in software as usual; 1: the device opened it; <0: drop */
int quic_offload_rx_opened(struct sock *sk, const struct sk_buff *skb);

void quic_offload_conn_start(struct sock *sk);
void quic_offload_conn_stop(struct sock *sk);
void quic_offload_keys_changed(struct sock *sk);
bool quic_offload_tx_ready(struct sock *sk);
void quic_offload_rx_seen(struct quic_sock *qs, u64 largest);

/* skb->decrypted marks plaintext that a device or the fallback protects. */
static inline void quic_offload_mark_plain(struct sk_buff *skb)
{
#ifdef CONFIG_SKB_DECRYPTED
	skb->decrypted = 1;
#endif
}

int quic_offload_init(void);
void quic_offload_exit(void);

#endif /* _NET_QUIC_OFFLOAD_STACK_H */
