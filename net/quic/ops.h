/* SPDX-License-Identifier: GPL-2.0 */
/* proto_ops entry points of QUIC sockets (connect.c, msg.c). */
#ifndef _NET_QUIC_OPS_H
#define _NET_QUIC_OPS_H

#include <linux/net.h>

int quic_connect(struct socket *sock, struct sockaddr *uaddr, int len,
		 int flags);
int quic_listen(struct socket *sock, int backlog);
int quic_accept(struct socket *sock, struct socket *newsock,
		struct proto_accept_arg *arg);
int quic_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
int quic_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		 int flags);
__poll_t quic_poll(struct file *file, struct socket *sock,
		   struct poll_table_struct *wait);
int quic_shutdown(struct socket *sock, int how);
int quic_getname(struct socket *sock, struct sockaddr *uaddr, int peer);

#endif /* _NET_QUIC_OPS_H */
