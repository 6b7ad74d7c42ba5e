// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag for QUIC sockets (quic_diag.ko): the inet_diag handler of
 * IPPROTO_QUIC, as tcp_diag and mptcp_diag are for theirs. A request names
 * the protocol in its INET_DIAG_REQ_PROTOCOL attribute, since 261 does not
 * fit sdiag_protocol's byte.
 *
 * Each socket is reported as inet_diag reports any socket: addresses and
 * ports, state (QUIC's states are TCP's numbers), queues, owner, inode,
 * and the memory attributes on request; filters (state mask, ports,
 * bytecode) apply as for TCP. On request, INET_DIAG_INFO carries what is
 * QUIC's own (version, RTT, window: struct quic_diag_info of
 * <linux/quic_diag.h>) and INET_DIAG_CONG the congestion controller's
 * name. SOCK_DESTROY ends a connection or a listener (with
 * CONFIG_INET_DIAG_DESTROY, as for TCP). Sockets are found in the list of
 * their namespace that /proc/net/quic/sks reads (proc.c).
 */
#include <linux/inet_diag.h>
#include <linux/module.h>
#include <linux/sock_diag.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <linux/quic_diag.h>

#include "cong.h"
#include "proc.h"
#include "socket.h"

#define QUIC_DIAG_EXT(attr)	(1 << ((attr) - 1))

/* The socket's own figures, read without its lock as /proc/net/quic does */
static void quic_diag_info_fill(struct sock *sk, struct quic_diag_info *i)
{
	struct quic_sock *qs = quic_sk(sk);

	memset(i, 0, sizeof(*i));
	i->qdi_version = READ_ONCE(qs->version);
	if (READ_ONCE(qs->is_server) || sk->sk_state == QUIC_SS_LISTENING)
		i->qdi_flags |= QUIC_DIAG_SERVER;
	if (READ_ONCE(qs->handshake_confirmed))
		i->qdi_flags |= QUIC_DIAG_CONFIRMED;
	if (rcu_access_pointer(qs->offload))
		i->qdi_flags |= QUIC_DIAG_OFFLOAD;
	if (READ_ONCE(qs->app_crypto.tx.ready))
		i->qdi_cipher = READ_ONCE(qs->app_crypto.tx.cipher);
	i->qdi_pto_count = READ_ONCE(qs->pto_count);
	i->qdi_srtt_us = min_t(u64, READ_ONCE(qs->rtt.smoothed_rtt), U32_MAX);
	i->qdi_rttvar_us = min_t(u64, READ_ONCE(qs->rtt.rttvar), U32_MAX);
	i->qdi_min_rtt_us = min_t(u64, READ_ONCE(qs->rtt.min_rtt), U32_MAX);
	i->qdi_latest_rtt_us = min_t(u64, READ_ONCE(qs->rtt.latest_rtt),
				     U32_MAX);
	i->qdi_max_datagram = READ_ONCE(qs->cong.mss);
	i->qdi_cwnd = READ_ONCE(qs->cong.cwnd);
	i->qdi_ssthresh = READ_ONCE(qs->cong.ssthresh);
	i->qdi_bytes_in_flight = READ_ONCE(qs->bytes_in_flight);
}

/* INET_DIAG_INFO and INET_DIAG_CONG, as @ext asks. Non-zero: no room. */
static int quic_diag_put_info(struct sock *sk, struct sk_buff *skb, int ext)
{
	const struct quic_cong_ops *ops;
	struct nlattr *attr;

	if (ext & QUIC_DIAG_EXT(INET_DIAG_INFO)) {
		attr = nla_reserve_64bit(skb, INET_DIAG_INFO,
					 sizeof(struct quic_diag_info),
					 INET_DIAG_PAD);
		if (!attr)
			return -EMSGSIZE;
		quic_diag_info_fill(sk, nla_data(attr));
	}
	ops = READ_ONCE(quic_sk(sk)->cong.ops);
	if ((ext & QUIC_DIAG_EXT(INET_DIAG_CONG)) && ops &&
	    nla_put_string(skb, INET_DIAG_CONG, ops->name))
		return -EMSGSIZE;
	return 0;
}

/*
 * One socket's message. inet_sk_diag_fill() reserves INET_DIAG_INFO only
 * for sockets with an inet_connection_sock, which ours have not: what is
 * QUIC's own goes at the end of the message it just ended, the last in
 * @skb, which is then ended again.
 */
static int quic_diag_fill(struct sock *sk, struct sk_buff *skb,
			  struct netlink_callback *cb,
			  const struct inet_diag_req_v2 *req, u16 nlmsg_flags,
			  bool net_admin)
{
	unsigned char *start = skb_tail_pointer(skb);
	int err;

	err = inet_sk_diag_fill(sk, NULL, skb, cb, req, nlmsg_flags,
				net_admin);
	if (err < 0 || !(req->idiag_ext & (QUIC_DIAG_EXT(INET_DIAG_INFO) |
					   QUIC_DIAG_EXT(INET_DIAG_CONG))))
		return err;
	if (quic_diag_put_info(sk, skb, req->idiag_ext)) {
		nlmsg_trim(skb, start);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, (struct nlmsghdr *)start);
	return 0;
}

/* One dump call: where its messages go and what they must match. */
struct quic_diag_dump {
	struct sk_buff			*skb;
	struct netlink_callback		*cb;
	const struct inet_diag_req_v2	*req;
	const struct nlattr		*bc;
	bool				net_admin;
};

static bool quic_diag_wanted(const struct sock *sk,
			     const struct inet_diag_req_v2 *req)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (req->sdiag_family != AF_UNSPEC &&
	    sk->sk_family != req->sdiag_family)
		return false;
	if (!(req->idiag_states & BIT(READ_ONCE(sk->sk_state))))
		return false;
	if (req->id.idiag_sport && req->id.idiag_sport != inet->inet_sport)
		return false;
	return !req->id.idiag_dport || req->id.idiag_dport == inet->inet_dport;
}

/* Under the list lock: a message for @sk if it matches. Non-zero: full. */
static int quic_diag_dump_sock(struct sock *sk, void *arg)
{
	struct quic_diag_dump *d = arg;

	if (!quic_diag_wanted(sk, d->req))
		return 0;
	if (d->bc && !inet_diag_bc_sk(d->bc, sk))
		return 0;
	return quic_diag_fill(sk, d->skb, d->cb, d->req, NLM_F_MULTI,
			      d->net_admin) < 0;
}

/* cb->args[0]: sockets of the list already visited by earlier calls. */
static void quic_diag_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct inet_diag_req_v2 *req)
{
	struct inet_diag_dump_data *data = cb->data;
	struct quic_diag_dump d = {
		.skb = skb,
		.cb = cb,
		.req = req,
		.bc = data->inet_diag_nla_bc,
		.net_admin = netlink_net_capable(cb->skb, CAP_NET_ADMIN),
	};
	unsigned long pos = cb->args[0];

	quic_sock_walk(sock_net(cb->skb->sk), &pos, quic_diag_dump_sock, &d);
	cb->args[0] = pos;
}

/* A walk for quic_diag_find_one(): by cookie or by the addresses. */
struct quic_diag_find {
	const struct inet_diag_req_v2	*req;
	struct sock			*found;
};

static bool quic_diag_same_id(struct sock *sk,
			      const struct inet_diag_sockid *want)
{
	const size_t alen = sizeof(want->idiag_src);
	struct inet_diag_msg m = {};

	inet_diag_msg_common_fill(&m, sk);
	return m.id.idiag_sport == want->idiag_sport &&
	       m.id.idiag_dport == want->idiag_dport &&
	       !memcmp(m.id.idiag_src, want->idiag_src, alen) &&
	       !memcmp(m.id.idiag_dst, want->idiag_dst, alen) &&
	       (!want->idiag_if || want->idiag_if == m.id.idiag_if);
}

static int quic_diag_find_sock(struct sock *sk, void *arg)
{
	struct quic_diag_find *f = arg;
	const struct inet_diag_sockid *id = &f->req->id;
	bool by_cookie = id->idiag_cookie[0] != INET_DIAG_NOCOOKIE ||
			 id->idiag_cookie[1] != INET_DIAG_NOCOOKIE;

	if (f->req->sdiag_family != sk->sk_family)
		return 0;
	if (by_cookie ? sock_diag_check_cookie(sk, id->idiag_cookie) :
			!quic_diag_same_id(sk, id))
		return 0;
	sock_hold(sk);
	f->found = sk;
	return 1;
}

/* The socket an exact request names, held; NULL if there is none. */
static struct sock *quic_diag_find_one(struct net *net,
				       const struct inet_diag_req_v2 *req)
{
	struct quic_diag_find f = { .req = req };
	unsigned long pos = 0;

	quic_sock_walk(net, &pos, quic_diag_find_sock, &f);
	return f.found;
}

/* What inet_sk_diag_fill() may put in one message for us. */
static size_t quic_diag_msg_size(void)
{
	return nla_total_size(sizeof(struct inet_diag_msg)) +
	       inet_diag_msg_attrs_size() +
	       nla_total_size(sizeof(struct inet_diag_meminfo)) +
	       nla_total_size(SK_MEMINFO_VARS * sizeof(u32)) +
	       nla_total_size_64bit(sizeof(struct quic_diag_info)) +
	       nla_total_size(QUIC_CONG_NAME_MAX) + 64;
}

static int quic_diag_dump_one(struct netlink_callback *cb,
			      const struct inet_diag_req_v2 *req)
{
	struct sk_buff *in_skb = cb->skb;
	struct net *net = sock_net(in_skb->sk);
	struct sk_buff *rep;
	struct sock *sk;
	int err;

	sk = quic_diag_find_one(net, req);
	if (!sk)
		return -ENOENT;
	rep = nlmsg_new(quic_diag_msg_size(), GFP_KERNEL);
	if (!rep) {
		err = -ENOMEM;
		goto out;
	}
	err = quic_diag_fill(sk, rep, cb, req, 0,
			     netlink_net_capable(in_skb, CAP_NET_ADMIN));
	if (err < 0) {
		WARN_ON_ONCE(err == -EMSGSIZE);
		nlmsg_free(rep);
		goto out;
	}
	err = nlmsg_unicast(net->diag_nlsk, rep, NETLINK_CB(in_skb).portid);
out:
	sock_put(sk);
	return err;
}

#if IS_ENABLED(CONFIG_INET_DIAG_DESTROY)
/* SOCK_DESTROY: the socket's protocol ends it (quic_sock_diag_destroy()). */
static int quic_diag_destroy(struct sk_buff *in_skb,
			     const struct inet_diag_req_v2 *req)
{
	struct sock *sk = quic_diag_find_one(sock_net(in_skb->sk), req);
	int err;

	if (!sk)
		return -ENOENT;
	err = sock_diag_destroy(sk, ECONNABORTED);
	sock_put(sk);
	return err;
}
#endif

/* Without an icsk inet_sk_diag_fill() asks only for the queues. */
static void quic_diag_get_info(struct sock *sk, struct inet_diag_msg *r,
			       void *info)
{
	r->idiag_rqueue = sk_rmem_alloc_get(sk);
	r->idiag_wqueue = READ_ONCE(sk->sk_wmem_queued);
}

static const struct inet_diag_handler quic_diag_handler = {
	.owner		= THIS_MODULE,
	.dump		= quic_diag_dump,
	.dump_one	= quic_diag_dump_one,
	.idiag_get_info	= quic_diag_get_info,
	.idiag_type	= IPPROTO_QUIC,
	.idiag_info_size = 0,
#if IS_ENABLED(CONFIG_INET_DIAG_DESTROY)
	.destroy	= quic_diag_destroy,
#endif
};

static int __init quic_diag_init(void)
{
	return inet_diag_register(&quic_diag_handler);
}

static void __exit quic_diag_exit(void)
{
	inet_diag_unregister(&quic_diag_handler);
}

module_init(quic_diag_init);
module_exit(quic_diag_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("QUIC socket monitoring via SOCK_DIAG");
/* inet_diag loads "net-pf-16-proto-4-type-2-<protocol>" on demand: AF_INET
 * (2) and IPPROTO_QUIC (261), both families' requests alike.
 */
MODULE_ALIAS("net-pf-16-proto-4-type-2-261");
