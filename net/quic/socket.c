// SPDX-License-Identifier: GPL-2.0
/*
 * struct proto of QUIC sockets: life cycle (init, close, destroy) and the
 * connection-level entry points the inet layer calls: connect, listen,
 * accept, shutdown, socket options.
 */

#include <net/sock.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "bind.h"
#include "closing.h"
#include "conn.h"
#include "proc.h"
#include "sockopt.h"
#include "udp.h"

#ifdef CONFIG_DEBUG_LOCK_ALLOC
/*
 * QUIC sockets get lock classes of their own. A socket's lock is held
 * while its UDP tunnel socket is made and bound (bind.c, udp.c), and that
 * socket is a kernel one: for a QUIC socket a kernel user (SMB, NFS) made,
 * both would otherwise share the class of every kernel AF_INET socket,
 * and lockdep would take two different sockets for one lock taken twice.
 * Indexed by AF_INET6.
 */
static struct lock_class_key quic_slock_keys[2];
static struct lock_class_key quic_sk_lock_keys[2];

static void quic_lock_reclassify(struct sock *sk)
{
	bool v6 = sk->sk_family == AF_INET6;

	if (WARN_ON_ONCE(!sock_allow_reclassification(sk)))
		return;
	sock_lock_init_class_and_name(sk,
				      v6 ? "slock-AF_INET6-QUIC" :
					   "slock-AF_INET-QUIC",
				      &quic_slock_keys[v6],
				      v6 ? "sk_lock-AF_INET6-QUIC" :
					   "sk_lock-AF_INET-QUIC",
				      &quic_sk_lock_keys[v6]);
}
#else
static void quic_lock_reclassify(struct sock *sk)
{
}
#endif

/*
 * quic_destroy_sock() undoes this, after a failure here too: inet_create()
 * calls it then, and so does quic_sk_alloc_child().
 */
static int quic_init_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	int err;

	quic_lock_reclassify(sk);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	quic_proc_sock_add(sk);
	qs->udp = NULL;
	INIT_HLIST_NODE(&qs->bind_node);
	/* Before anything can fail: quic_destroy_sock() empties it. */
	INIT_LIST_HEAD(&qs->tx_pkt_spare);
	/* CID lookups find sockets under RCU without a reference. */
	sock_set_flag(sk, SOCK_RCU_FREE);
	err = dst_cache_init(&qs->dst_cache, GFP_KERNEL);
	if (err)
		return err;
	return quic_conn_init(sk);
}

static void quic_destroy_sock(struct sock *sk)
{
	/* close() already unbound, unless the socket lingers in the
	 * closing state: its end lets go of the UDP socket and the route
	 * cache the answers use (closing.c).
	 */
	if (!quic_closing_lingers(sk)) {
		WARN_ON_ONCE(quic_sk(sk)->udp);
		dst_cache_destroy(&quic_sk(sk)->dst_cache);
	}
	/* After close() nothing is left: this covers a failed creation. */
	quic_conn_free_spaces(sk);
	quic_output_release_buffers(sk);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
	if (quic_closing_lingers(sk))
		quic_closing_start(sk);	/* listed until the period ends */
	else
		quic_proc_sock_del(sk);
}

static void quic_stop_listening(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->udp && rcu_access_pointer(qs->udp->listener) == sk)
		RCU_INIT_POINTER(qs->udp->listener, NULL);
}

static void quic_close(struct sock *sk, long timeout)
{
	struct quic_sock *qs = quic_sk(sk);
	bool linger;

	lock_sock(sk);
	if (sk->sk_state == QUIC_SS_LISTENING) {
		quic_stop_listening(sk);
	} else if (!qs->closing && sk->sk_state != QUIC_SS_CLOSED) {
		quic_output_push(sk);
		/* Code and phrase: QUIC_SOCKOPT_CONNECTION_CLOSE, if set. */
		quic_output_close(sk);
	}
	qs->closing = true;
	inet_sk_set_state(sk, QUIC_SS_CLOSED);
	sk->sk_shutdown = SHUTDOWN_MASK;
	sk_stop_timer_sync(sk, &qs->loss_timer);
	sk_stop_timer_sync(sk, &qs->ack_timer);
	sk_stop_timer_sync(sk, &qs->idle_timer);
	if (hrtimer_cancel(&qs->pace_timer))
		__sock_put(sk);
	quic_key_update_stop(sk);
	quic_input_reader_stop(sk);
	/* RFC 9000 10.2.1: our close may still have to be sent again. */
	linger = quic_closing_linger(sk);
	quic_conn_destroy(sk, linger);
	if (linger)
		quic_unbind_addr(sk);
	else
		quic_unbind(sk);
	release_sock(sk);
	sk_common_release(sk);
}

/*
 * SOCK_DESTROY (sock_diag, "ss -K"), as tcp_abort() is for TCP: a
 * connection ends at once (quic_conn_abort(): CONNECTION_CLOSE with
 * NO_ERROR) and its user sees @err; a listener stops taking connections,
 * and accept() fails. The socket itself stays the user's until close().
 * A socket already closed, or closed and lingering, is left as it is.
 */
static int quic_sock_diag_destroy(struct sock *sk, int err)
{
	int ret = 0;

	lock_sock(sk);
	if (sock_flag(sk, SOCK_DEAD) || quic_sk(sk)->closing ||
	    sk->sk_state == QUIC_SS_CLOSED) {
		ret = -ENOENT;
	} else if (sk->sk_state == QUIC_SS_LISTENING) {
		quic_stop_listening(sk);
		inet_sk_set_state(sk, QUIC_SS_CLOSED);
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		quic_conn_abort(sk, err);
	}
	release_sock(sk);
	return ret;
}

/*
 * QUIC sockets are found through the bind table and connection IDs, never
 * through the inet hash tables, so hash/unhash have nothing to do.
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
 * options to sockopt.c.
 */
static int quic_setsockopt(struct sock *sk, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	if (level == SOL_QUIC)
		return quic_do_setsockopt(sk, optname, optval, optlen);
	if (sk->sk_family == AF_INET6)
		return ipv6_setsockopt(sk, level, optname, optval, optlen);
	return ip_setsockopt(sk, level, optname, optval, optlen);
}

static int quic_getsockopt(struct sock *sk, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	if (level == SOL_QUIC)
		return quic_do_getsockopt(sk, optname, USER_SOCKPTR(optval),
					  USER_SOCKPTR(optlen));
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
	.backlog_rcv	= quic_backlog_rcv,			\
	.release_cb	= quic_conn_release_cb,			\
	.hash		= quic_hash,				\
	.unhash		= quic_unhash,				\
	.diag_destroy	= quic_sock_diag_destroy

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
