/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel QUIC for kernel consumers (SMB, NFS, ...): what they call
 * besides sock_create_kern() and the generic kernel_*() socket calls.
 * Documentation/networking/quic.rst, "Kernel consumers", shows the
 * sequence, the TLS handshake through net/handshake included.
 */
#ifndef _NET_QUIC_H
#define _NET_QUIC_H

#include <linux/quic.h>

struct sock;

int quic_kernel_setsockopt(struct sock *sk, int optname, const void *optval,
			   unsigned int optlen);
int quic_kernel_getsockopt(struct sock *sk, int optname, void *optval,
			   unsigned int *optlen);

#endif /* _NET_QUIC_H */
