// SPDX-License-Identifier: GPL-2.0
/*
 * Starting connections: connect() on a client, listen() and accept() on a
 * server. Neither blocks on the handshake: libquic drives it afterwards
 * over sendmsg/recvmsg on the returned socket.
 */

#include <net/inet_common.h>
#include <net/sock.h>

#include "bind.h"
#include "conn.h"
#include "early.h"
#include "header.h"
#include "path.h"
#include "ops.h"
#include "proc.h"
#include "retry.h"
#include "udp.h"

/*
 * An IPv4-mapped peer (RFC 4291 2.5.5.2) of an AF_INET6 socket, which TCP
 * and UDP take unless IPV6_V6ONLY is set: the connection is an IPv4 one
 * (quic_connect_local_v4()), its peer kept as the IPv4 address it is.
 */
static int quic_addr_unmap(struct sock *sk, union quic_addr *a)
{
	__be32 v4 = a->v6.sin6_addr.s6_addr32[3];
	__be16 port = a->v6.sin6_port;

	if (sk->sk_ipv6only)
		return -ENETUNREACH;
	if (!v4)
		return -EINVAL;
	quic_addr_set_v4(a, v4, port);
	return 0;
}

static int quic_addr_from_user(struct sock *sk, struct sockaddr *uaddr,
			       int len, union quic_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	if (uaddr->sa_family != sk->sk_family)
		return -EAFNOSUPPORT;
	if (sk->sk_family == AF_INET) {
		if (len < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		memcpy(&a->v4, uaddr, sizeof(a->v4));
		if (!a->v4.sin_port || !a->v4.sin_addr.s_addr)
			return -EINVAL;
		return 0;
	}
	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	memcpy(&a->v6, uaddr, min_t(int, len, sizeof(a->v6)));
	if (!a->v6.sin6_port || ipv6_addr_any(&a->v6.sin6_addr))
		return -EINVAL;
	if (ipv6_addr_v4mapped(&a->v6.sin6_addr))
		return quic_addr_unmap(sk, a);
	return 0;
}

static int quic_autobind(struct sock *sk)
{
	union quic_addr any = {};

	if (quic_sk(sk)->udp)
		return 0;
	any.sa.sa_family = sk->sk_family;
	return quic_bind_locked(sk, &any);
}

static void quic_set_peer(struct sock *sk, const union quic_addr *peer)
{
	quic_sk(sk)->peer = *peer;
	quic_set_inet_daddr(sk, peer);
}

/*
 * An AF_INET6 socket connecting to an IPv4 peer sends from an IPv4
 * address, as a dual-stack listener's connection with an IPv4 client does
 * (quic_child_set_local()): the wildcard it is bound to becomes IPv4's,
 * an IPv4-mapped address the IPv4 address it maps. Bound to an IPv6
 * address, it cannot reach an IPv4 peer. @l is the local address to take
 * once nothing else can fail.
 */
static int quic_connect_local_v4(const struct sock *sk, union quic_addr *l)
{
	const union quic_addr *bound = &quic_sk(sk)->local;
	__be32 v4;

	if (bound->sa.sa_family == AF_INET) {
		*l = *bound;
		return 0;
	}
	if (ipv6_addr_any(&bound->v6.sin6_addr))
		v4 = htonl(INADDR_ANY);
	else if (ipv6_addr_v4mapped(&bound->v6.sin6_addr))
		v4 = bound->v6.sin6_addr.s6_addr32[3];
	else
		return -ENETUNREACH;
	quic_addr_set_v4(l, v4, bound->v6.sin6_port);
	return 0;
}

/* Issue our first source CID; random IDs collide essentially never. */
static int quic_add_first_scid(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *e;

	e = quic_cid_issue(&qs->scids, sk, 0, GFP_KERNEL);
	if (IS_ERR(e))
		return PTR_ERR(e);
	qs->initial_scid = e->cid;
	qs->scid_next_seq = 1;
	return 0;
}

static int quic_connect_locked(struct sock *sk, struct sockaddr *uaddr,
			       int len)
{
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr peer, local4;
	struct quic_crypto *c;
	int err;

	if (sk->sk_state == QUIC_SS_ESTABLISHING)
		return -EALREADY;
	if (sk->sk_state != QUIC_SS_CLOSED || qs->closing)
		return -EISCONN;
	err = quic_addr_from_user(sk, uaddr, len, &peer);
	if (err)
		return err;
	err = quic_autobind(sk);
	if (!err && peer.sa.sa_family != sk->sk_family)
		err = quic_connect_local_v4(sk, &local4);
	if (err)
		return err;
	qs->is_server = false;
	quic_cid_generate(&qs->odcid, QUIC_CID_LEN_DEFAULT);
	qs->dcid.cid = qs->odcid;
	err = quic_add_first_scid(sk);
	if (err)
		return err;
	err = quic_conn_level_crypto(sk, QUIC_CRYPTO_INITIAL, &c);
	if (!err)
		err = quic_crypto_initial_keys(c, qs->version, qs->odcid.data,
					       qs->odcid.len, false);
	if (err)
		goto err_cids;
	err = quic_conn_fix_local_tparams(sk);
	if (err)
		goto err_cids;
	if (peer.sa.sa_family != sk->sk_family) {
		qs->local = local4;
		quic_set_inet_saddr(sk, &qs->local);
	}
	quic_set_peer(sk, &peer);
	inet_sk_set_state(sk, QUIC_SS_ESTABLISHING);
	quic_mib_inc(sock_net(sk), QUIC_MIB_ACTIVE_OPENS);
	return 0;

err_cids:
	quic_cid_remove_all(&qs->scids);
	return err;
}

int quic_connect(struct socket *sock, struct sockaddr *uaddr, int len,
		 int flags)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	err = quic_connect_locked(sk, uaddr, len);
	release_sock(sk);
	return err;
}

int quic_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct quic_sock *qs = quic_sk(sk);
	int err = 0;

	lock_sock(sk);
	if (sk->sk_state == QUIC_SS_LISTENING) {
		WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
		goto out;
	}
	err = -EINVAL;
	if (sk->sk_state != QUIC_SS_CLOSED || qs->closing)
		goto out;
	err = quic_autobind(sk);
	if (err)
		goto out;
	err = -EADDRINUSE;
	if (rcu_access_pointer(qs->udp->listener))
		goto out;
	qs->is_server = true;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	inet_sk_set_state(sk, QUIC_SS_LISTENING);
	rcu_assign_pointer(qs->udp->listener, sk);
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* An inet socket like inet_create() would make, for an accepted connection. */
static struct sock *quic_sk_alloc_child(struct sock *lsk, bool kern)
{
	struct inet_sock *inet;
	struct sock *sk;

	sk = sk_alloc(sock_net(lsk), lsk->sk_family, GFP_KERNEL,
		      lsk->sk_prot, kern);
	if (!sk)
		return NULL;
	/* Grafted onto @newsock only once the connection is set up. */
	sock_init_data(NULL, sk);
	sk->sk_type = lsk->sk_type;
	sk->sk_protocol = IPPROTO_QUIC;
	sk->sk_destruct = lsk->sk_destruct;
	sk->sk_backlog_rcv = lsk->sk_backlog_rcv;
	sk->sk_rcvbuf = READ_ONCE(lsk->sk_rcvbuf);
	sk->sk_sndbuf = READ_ONCE(lsk->sk_sndbuf);
	/* SO_RCVBUF/SO_SNDBUF set on the listener stay fixed on children. */
	sk->sk_userlocks = READ_ONCE(lsk->sk_userlocks) &
			  (SOCK_RCVBUF_LOCK | SOCK_SNDBUF_LOCK);
	sk->sk_bound_dev_if = lsk->sk_bound_dev_if;
	inet = inet_sk(sk);
	inet->uc_ttl = -1;
	inet->mc_ttl = 1;
	inet->pmtudisc = IP_PMTUDISC_WANT;
	if (sk->sk_family == AF_INET6) {
		struct ipv6_pinfo *np;

		np = (struct ipv6_pinfo *)((u8 *)sk +
					   lsk->sk_prot->ipv6_pinfo_offset);
		inet->pinet6 = np;
		np->hop_limit = -1;
		np->mcast_hops = IPV6_DEFAULT_MCASTHOPS;
		np->pmtudisc = IPV6_PMTUDISC_WANT;
		sk->sk_ipv6only = lsk->sk_ipv6only;
	}
	if (sk->sk_prot->init(sk)) {
		sk->sk_prot->destroy(sk);
		sk_free(sk);
		return NULL;
	}
	return sk;
}

/* Settings the listener's user chose carry over to each connection. */
static int quic_child_inherit(struct sock *sk, struct sock *lsk)
{
	struct quic_sock *qs = quic_sk(sk), *ls = quic_sk(lsk);

	qs->is_server = true;
	qs->streams.is_server = true;
	qs->local_tp = ls->local_tp;
	qs->config = ls->config;
	quic_conn_cong_reset(qs);
	qs->udp = ls->udp;
	refcount_inc(&qs->udp->refs);
	qs->local = ls->local;
	inet_sk(sk)->inet_sport = inet_sk(lsk)->inet_sport;
	inet_sk(sk)->inet_num = inet_sk(lsk)->inet_num;
	if (sk->sk_family == AF_INET)
		inet_sk(sk)->inet_rcv_saddr = inet_sk(lsk)->inet_rcv_saddr;
	else
		sk->sk_v6_rcv_saddr = lsk->sk_v6_rcv_saddr;
	if (ls->alpn) {
		qs->alpn = kstrdup(ls->alpn, GFP_KERNEL);
		if (!qs->alpn)
			return -ENOMEM;
	}
	if (quic_early_inherit_key(qs, ls))
		return -ENOMEM;
	return quic_path_inherit(sk, lsk);
}

/*
 * A listener bound to the wildcard address: the connection takes the
 * address the client's Initial was sent to, as a TCP child does. Its
 * packets then leave from the address the client knows (RFC 9000 9: a
 * client discards packets from an unknown server address), not from
 * whichever the route prefers, and getsockname() names it. An IPv4
 * client of an IPv6 listener gets an IPv4 local address, which the IPv4
 * output path reads; getsockname() gives it IPv4-mapped.
 */
static void quic_child_set_local(struct sock *sk, struct sk_buff *skb)
{
	const struct in6_addr *to = &quic_skb_cb(skb)->local;
	struct quic_sock *qs = quic_sk(sk);
	__be16 port = qs->local.v4.sin_port;
	__be32 v4 = to->s6_addr32[3];

	if (!quic_addr_is_any(&qs->local))
		return;
	if (ipv6_addr_v4mapped(to)) {
		if (ipv4_is_multicast(v4) || ipv4_is_lbcast(v4) || !v4)
			return;
		quic_addr_set_v4(&qs->local, v4, port);
	} else {
		if (ipv6_addr_is_multicast(to) || ipv6_addr_any(to))
			return;
		qs->local.v6.sin6_addr = *to;
		if (ipv6_addr_type(to) & IPV6_ADDR_LINKLOCAL)
			qs->local.v6.sin6_scope_id =
				quic_skb_cb(skb)->peer.v6.sin6_scope_id;
	}
	quic_set_inet_saddr(sk, &qs->local);
}

/* Set up the server side of a connection from the client's Initial. */
static int quic_child_start(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_packet_hdr h;
	struct quic_crypto *c;
	struct quic_cid dcid;
	int err, token;

	if (quic_packet_parse_header(skb->data, skb->len, QUIC_CID_LEN_DEFAULT,
				     &h) || h.type != QUIC_PACKET_INITIAL ||
	    h.dcid_len < 8)	/* RFC 9000 7.2: at least 8 bytes */
		return -EPROTO;
	qs->version = h.version;
	/* The client's chosen DCID; after a Retry, the Retry's SCID, and
	 * the token says what the first one was.
	 */
	dcid.len = h.dcid_len;
	memcpy(dcid.data, h.dcid, h.dcid_len);
	qs->odcid = dcid;
	token = quic_retry_child_token(sk, &h, &quic_skb_cb(skb)->peer);
	qs->dcid.cid.len = h.scid_len;
	memcpy(qs->dcid.cid.data, h.scid, h.scid_len);
	err = quic_add_first_scid(sk);
	if (err)
		return err;
	/* Retransmitted Initials still carry that DCID. */
	err = PTR_ERR_OR_ZERO(quic_cid_add(&qs->scids, sk, &dcid, U64_MAX,
					   GFP_KERNEL));
	if (err)
		return err;
	err = quic_conn_level_crypto(sk, QUIC_CRYPTO_INITIAL, &c);
	if (!err)
		err = quic_crypto_initial_keys(c, qs->version, dcid.data,
					       dcid.len, true);
	if (err)
		return err;
	err = quic_conn_fix_local_tparams(sk);
	if (err)
		return err;
	quic_set_peer(sk, &quic_skb_cb(skb)->peer);
	quic_child_set_local(sk, skb);
	inet_sk_set_state(sk, QUIC_SS_ESTABLISHING);
	return token;
}

static bool quic_accept_ready(struct sock *sk)
{
	return !skb_queue_empty(&quic_sk(sk)->accept_queue) ||
	       sk->sk_state != QUIC_SS_LISTENING;
}

static struct sk_buff *quic_accept_wait(struct sock *sk, bool nonblock,
					int *err)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long timeo = sock_rcvtimeo(sk, nonblock);
	struct sk_buff *skb = NULL;

	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		*err = -EINVAL;
		if (sk->sk_state != QUIC_SS_LISTENING)
			break;
		skb = __skb_dequeue(&quic_sk(sk)->accept_queue);
		if (skb)
			break;
		*err = -EAGAIN;
		if (!timeo)
			break;
		*err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		sk_wait_event(sk, &timeo, quic_accept_ready(sk), &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return skb;
}

/* Drop a child that never became a connection, without a word on the wire. */
static void quic_child_discard(struct sock *nsk)
{
	quic_sk(nsk)->closing = true;
	sock_orphan(nsk);
	nsk->sk_prot->close(nsk, 0);
}

/*
 * Make a connection from a queued Initial. NULL if the packet did not
 * authenticate (Initial keys come from its own DCID, so junk cannot) or
 * set-up failed: the caller then tries the next one, after discarding
 * *@dead (if set) with quic_child_discard().
 */
static struct sock *quic_accept_one(struct sock *sk, struct sk_buff *skb,
				    bool kern, struct sock **dead)
{
	struct sock *nsk;
	int err;
	bool ok;

	*dead = NULL;
	nsk = quic_sk_alloc_child(sk, kern);
	if (!nsk) {
		kfree_skb(skb);
		return NULL;
	}
	err = quic_child_inherit(nsk, sk);
	lock_sock_nested(nsk, SINGLE_DEPTH_NESTING);
	if (!err)
		err = quic_child_start(nsk, skb);
	if (err && err != -EACCES) {
		kfree_skb(skb);
		ok = false;
	} else {
		struct quic_sock *nqs = quic_sk(nsk);

		quic_input_datagram(nsk, skb);
		/* An invalid Retry token of ours (RFC 9000 8.1.2): the
		 * client hears why, in an Initial packet.
		 */
		if (err == -EACCES &&
		    nqs->space[QUIC_SPACE_INITIAL]->recv.has_largest) {
			quic_mib_inc(sock_net(nsk), QUIC_MIB_INVALID_TOKENS);
			quic_conn_error(nsk, QUIC_TRANSPORT_ERROR_INVALID_TOKEN,
					0);
			quic_output_flush(nsk);
		}
		ok = nqs->space[QUIC_SPACE_INITIAL]->recv.has_largest &&
		     !nqs->closing;
	}
	release_sock(nsk);
	if (!ok) {
		*dead = nsk;
		return NULL;
	}
	return nsk;
}

int quic_accept(struct socket *sock, struct socket *newsock,
		struct proto_accept_arg *arg)
{
	struct sock *sk = sock->sk, *nsk = NULL, *dead;
	struct sk_buff *skb;
	int err;

	lock_sock(sk);
	while (!nsk) {
		skb = quic_accept_wait(sk, arg->flags & O_NONBLOCK, &err);
		if (!skb)
			goto out;
		if (quic_listener_redirect(sk, skb))
			continue;
		nsk = quic_accept_one(sk, skb, arg->kern, &dead);
		if (dead) {
			/* Closing takes the child's socket lock, of the same
			 * lock class as ours: not nested in it.
			 */
			release_sock(sk);
			quic_child_discard(dead);
			lock_sock(sk);
		}
	}
	/* Initials still queued for it (retransmissions, duplicates) */
	quic_listener_redirect_queue(sk, &quic_sk(sk)->accept_queue);
	quic_listener_release_held(sk);
	quic_mib_inc(sock_net(nsk), QUIC_MIB_PASSIVE_OPENS);
	sock_graft(nsk, newsock);
	newsock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}
