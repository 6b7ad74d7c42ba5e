// SPDX-License-Identifier: GPL-2.0
/*
 * IPPROTO_QUIC registration: proto_ops for SOCK_STREAM and SOCK_DGRAM over
 * AF_INET and AF_INET6, and the protosw entries that let socket(2) find them.
 */

#include <linux/module.h>
#include <linux/quic.h>
#include <net/inet_common.h>
#include <net/protocol.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>

#include "ops.h"
#include "protocol.h"
#include "socket.h"

#define QUIC_OPS_COMMON					\
	.owner		= THIS_MODULE,			\
	.connect	= quic_connect,			\
	.socketpair	= sock_no_socketpair,		\
	.accept		= quic_accept,			\
	.getname	= quic_getname,			\
	.poll		= quic_poll,			\
	.listen		= quic_listen,			\
	.shutdown	= quic_shutdown,		\
	.setsockopt	= sock_common_setsockopt,	\
	.getsockopt	= sock_common_getsockopt,	\
	.sendmsg	= quic_sendmsg,			\
	.recvmsg	= quic_recvmsg,			\
	.mmap		= sock_no_mmap

static const struct proto_ops quic_inet_ops = {
	QUIC_OPS_COMMON,
	.family		= PF_INET,
	.release	= inet_release,
	.bind		= inet_bind,
	.ioctl		= inet_ioctl,
};

static const struct proto_ops quic_inet6_ops = {
	QUIC_OPS_COMMON,
	.family		= PF_INET6,
	.bind		= inet6_bind,
	.release	= inet6_release,
	.ioctl		= inet6_ioctl,
};

static struct inet_protosw quic_protosw[] = {
	{ .type = SOCK_STREAM, .protocol = IPPROTO_QUIC,
	  .prot = &quic_prot, .ops = &quic_inet_ops },
	{ .type = SOCK_DGRAM, .protocol = IPPROTO_QUIC,
	  .prot = &quic_prot, .ops = &quic_inet_ops },
};

static struct inet_protosw quic6_protosw[] = {
	{ .type = SOCK_STREAM, .protocol = IPPROTO_QUIC,
	  .prot = &quicv6_prot, .ops = &quic_inet6_ops },
	{ .type = SOCK_DGRAM, .protocol = IPPROTO_QUIC,
	  .prot = &quicv6_prot, .ops = &quic_inet6_ops },
};

static void quic_protosw_unregister(struct inet_protosw *sw, int n, bool v6)
{
	while (n--) {
		if (v6)
			inet6_unregister_protosw(&sw[n]);
		else
			inet_unregister_protosw(&sw[n]);
	}
}

static int quic_protosw_register(struct inet_protosw *sw, int n, bool v6)
{
	int i, err = 0;

	for (i = 0; i < n; i++) {
		if (v6)
			err = inet6_register_protosw(&sw[i]);
		else
			inet_register_protosw(&sw[i]);
		if (err) {
			quic_protosw_unregister(sw, i, v6);
			return err;
		}
	}
	return 0;
}

/**
 * quic_protocol_init() - make socket(2) able to create QUIC sockets
 *
 * Context: module init.
 * Return: 0 or a negative errno from proto or protosw registration.
 */
int quic_protocol_init(void)
{
	int err;

	err = proto_register(&quic_prot, 1);
	if (err)
		return err;
	err = proto_register(&quicv6_prot, 1);
	if (err)
		goto err_v4_proto;
	err = quic_protosw_register(quic_protosw, ARRAY_SIZE(quic_protosw),
				    false);
	if (err)
		goto err_v6_proto;
	err = quic_protosw_register(quic6_protosw, ARRAY_SIZE(quic6_protosw),
				    true);
	if (err)
		goto err_v4_sw;
	return 0;

err_v4_sw:
	quic_protosw_unregister(quic_protosw, ARRAY_SIZE(quic_protosw), false);
err_v6_proto:
	proto_unregister(&quicv6_prot);
err_v4_proto:
	proto_unregister(&quic_prot);
	return err;
}

/**
 * quic_protocol_exit() - undo quic_protocol_init()
 *
 * Context: module exit; no QUIC socket exists (each holds a module ref).
 */
void quic_protocol_exit(void)
{
	quic_protosw_unregister(quic6_protosw, ARRAY_SIZE(quic6_protosw), true);
	quic_protosw_unregister(quic_protosw, ARRAY_SIZE(quic_protosw), false);
	proto_unregister(&quicv6_prot);
	proto_unregister(&quic_prot);
}
