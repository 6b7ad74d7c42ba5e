/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC_SOCKOPT_STREAM_PEELOFF: a stream of a connection on a socket of
 * its own (peeloff.c).
 */
#ifndef _NET_QUIC_PEELOFF_H
#define _NET_QUIC_PEELOFF_H

#include <linux/sockptr.h>

struct quic_stream;
struct sock;

int quic_peeloff_init(void);
void quic_peeloff_exit(void);
int quic_peeloff_stream(struct sock *sk, sockptr_t optval, sockptr_t optlen,
			u32 len);
void quic_peeloff_rx_ready(struct sock *sk, struct quic_stream *s);

#endif /* _NET_QUIC_PEELOFF_H */
