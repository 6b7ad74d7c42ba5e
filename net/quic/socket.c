// SPDX-License-Identifier: GPL-2.0
/*
 * struct proto of QUIC sockets: life cycle (init, close, destroy) and the
 * entry points the inet layer calls. Connection state arrives in later
 * files; what is not implemented yet says so with EOPNOTSUPP.
 */

#include <linux/quic.h>
#include <net/sock.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "socket.h"
#include "bind.h"

static int quic_init_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	qs->udp = NULL;
	INIT_HLIST_NODE(&qs->bind_node);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	return 0;
}

static void quic_destroy_sock(struct sock *sk)
{
	/* close() already unbound; this covers a failed socket creation. */
	WARN_ON_ONCE(quic_sk(sk)->udp);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
}

static void quic_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	quic_unbind(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	release_sock(sk);
	sk_common_release(sk);
}

/*
 * QUIC sockets are found through the bind table and, later, connection IDs,
 * never through the inet hash tables, so hash/unhash have nothing to do.
 */
static int quic_hash(struct sock *sk)
{
	return 0;
}

static void quic_unhash(struct sock *sk)
{
}

/*
 * Options of the IP layers (IP_TOS, IPV6_V6ONLY, ...) go to them; SOL_QUIC
 * options arrive with the connection code.
 */
static int quic_setsockopt(struct sock *sk, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	if (level == SOL_QUIC)
		return -ENOPROTOOPT;
	if (sk->sk_family == AF_INET6)
		return ipv6_setsockopt(sk, level, optname, optval, optlen);
	return ip_setsockopt(sk, level, optname, optval, optlen);
}

static int quic_getsockopt(struct sock *sk, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	if (level == SOL_QUIC)
		return -ENOPROTOOPT;
	if (sk->sk_family == AF_INET6)
		return ipv6_getsockopt(sk, level, optname, optval, optlen);
	return ip_getsockopt(sk, level, optname, optval, optlen);
}

#define QUIC_PROTO_COMMON					\
	.owner		= THIS_MODULE,				\
	.init		= quic_init_sock,			\
	.destroy	= quic_destroy_sock,			\
	.close		= quic_close,				\
	.bind		= quic_bind,				\
	.setsockopt	= quic_setsockopt,			\
	.getsockopt	= quic_getsockopt,			\
	.hash		= quic_hash,				\
	.unhash		= quic_unhash

struct proto quic_prot = {
	QUIC_PROTO_COMMON,
	.name		= "QUIC",
	.obj_size	= sizeof(struct quic_sock),
};

struct proto quicv6_prot = {
	QUIC_PROTO_COMMON,
	.name		= "QUICv6",
	.obj_size	= sizeof(struct quic6_sock),
	.ipv6_pinfo_offset = offsetof(struct quic6_sock, inet6),
};
