/* SPDX-License-Identifier: GPL-2.0 */
/* SOL_QUIC socket options. */
#ifndef _NET_QUIC_SOCKOPT_H
#define _NET_QUIC_SOCKOPT_H

#include <linux/sockptr.h>

struct sock;

int quic_do_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen);
int quic_do_getsockopt(struct sock *sk, int optname, sockptr_t optval,
		       sockptr_t optlen);

#endif /* _NET_QUIC_SOCKOPT_H */
