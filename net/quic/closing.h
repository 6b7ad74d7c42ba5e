/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The closing state (RFC 9000 10.2.1): after sending CONNECTION_CLOSE, the
 * datagram that carried it answers what the peer still sends, for three
 * PTOs, also after close() (the socket lingers, orphaned, that long).
 */
#ifndef _NET_QUIC_CLOSING_H
#define _NET_QUIC_CLOSING_H

#include <net/sock.h>

struct quic_closing;

int quic_closing_init(void);
void quic_closing_exit(void);
void quic_closing_keep(struct sock *sk, const u8 *dgram, u32 len);
void quic_closing_rcv(struct sock *sk, u32 len);
bool quic_closing_linger(struct sock *sk);
void quic_closing_start(struct sock *sk);
bool quic_closing_lingers(const struct sock *sk);
void quic_closing_free(struct sock *sk);

#endif /* _NET_QUIC_CLOSING_H */
