/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unreliable datagrams (RFC 9221): messages sent with MSG_QUIC_DATAGRAM
 * travel in DATAGRAM frames, are never retransmitted and are not flow
 * controlled; the receiver may drop them.
 *
 * Messages to send wait on sk_write_queue, charged to sk_wmem_queued
 * (against SO_SNDBUF, with the streams' send buffers); received ones on
 * sk_receive_queue, charged to sk_rmem_alloc (against SO_RCVBUF).
 *
 * Context: socket lock held (owned, or bh-locked with no owner).
 */
#ifndef _NET_QUIC_DATAGRAM_H
#define _NET_QUIC_DATAGRAM_H

#include <net/sock.h>

#include "frame.h"

u32 quic_dgram_max_len(struct sock *sk);
int quic_dgram_queue(struct sock *sk, struct msghdr *msg, size_t len);
bool quic_dgram_tx_pending(const struct sock *sk);
u32 quic_dgram_write(struct sock *sk, u8 *buf, u32 room);
u32 quic_dgram_rcv(struct sock *sk, const struct quic_frame *f);
void quic_dgram_purge(struct sock *sk);

/* Bytes of queued datagrams; read locklessly by writers waiting for room. */
static inline u32 quic_dgram_tx_mem(const struct sock *sk)
{
	return READ_ONCE(sk->sk_wmem_queued);
}

#endif /* _NET_QUIC_DATAGRAM_H */
