// SPDX-License-Identifier: GPL-2.0
/*
 * Path validation (RFC 9000 8.2) and the peer's address changes (9.3).
 *
 * Both ends answer a PATH_CHALLENGE with a PATH_RESPONSE on the path it
 * came by. A server follows its client to a new address, which is how a
 * NAT rebinding looks from here: the client's next packets, under the
 * same connection ID, come from another address or port. The largest
 * packet number yet, with a frame other than the probing ones, moves the
 * connection there at once (9.3); until the client proves it owns the
 * address by echoing our PATH_CHALLENGE, the server sends it at most three
 * times what it received from it (9.3.1, the anti-amplification limit of
 * conn.c). If no echo comes in time, the connection falls back to the
 * last validated address (9.3.2): a single packet with a spoofed source,
 * or one an attacker on the path copied and raced ahead, diverts the
 * connection for that long at most, and the real client's next packet
 * brings it back sooner.
 *
 * A client follows its server to one address only: the server's
 * preferred_address (9.6). Once the handshake is confirmed it probes that
 * address in packets of their own (PATH_CHALLENGE, padded, to the
 * server's next connection ID) while everything else still goes to the
 * address it connected to, and moves there when the answer comes; if none
 * comes in time it stays where it is. Datagrams from any other address
 * are not its server's (input.c), but for those from the address it left
 * (the server sends from there until it has validated the client at its
 * preferred one).
 *
 * A server offers a preferred address when its listener was given one
 * (QUIC_SOCKOPT_CONNECTION_MIGRATION before the handshake): each
 * connection holds that address's UDP socket and issues its second
 * connection ID for it. Packets come there by that ID, as anywhere; the
 * client's first non-probing packet there makes the server validate the
 * client from that address (9.6.2: it sends from the old one until then),
 * and the answer moves the connection there.
 *
 * A PATH_CHALLENGE that comes from an address other than the peer's (a
 * peer probing a path before it moves, or a server's probe of us from its
 * preferred address) is answered there, in a packet of its own: 8.2.2
 * wants the response on the path the challenge came by. A server's answer
 * to an address it has not validated is at most three times the
 * challenge's datagram (8.1).
 *
 * The state lives in a struct quic_path allocated the first time a path
 * needs it, so that a connection whose peer stays put carries a pointer.
 * Everything here runs with the socket locked.
 */

#include <crypto/utils.h>
#include <linux/slab.h>

#include "bind.h"
#include "conn.h"
#include "connid.h"
#include "event.h"
#include "path.h"
#include "proc.h"
#include "udp.h"

/**
 * quic_addr_equal() - are two addresses the same IP address and port
 * @a: one
 * @b: the other; IPv4 may be IPv4-mapped IPv6 in either
 */
bool quic_addr_equal(const union quic_addr *a, const union quic_addr *b)
{
	if (a->sa.sa_family == AF_INET6 && b->sa.sa_family == AF_INET6)
		return a->v6.sin6_port == b->v6.sin6_port &&
		       ipv6_addr_equal(&a->v6.sin6_addr, &b->v6.sin6_addr);
	if (a->sa.sa_family == AF_INET && b->sa.sa_family == AF_INET)
		return a->v4.sin_port == b->v4.sin_port &&
		       a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	/* one IPv4, the other (to be equal) IPv4-mapped IPv6 */
	if (a->sa.sa_family == AF_INET6)
		swap(a, b);
	if (a->sa.sa_family != AF_INET || b->sa.sa_family != AF_INET6)
		return false;
	return a->v4.sin_port == b->v6.sin6_port &&
	       ipv6_addr_v4mapped(&b->v6.sin6_addr) &&
	       b->v6.sin6_addr.s6_addr32[3] == a->v4.sin_addr.s_addr;
}

/* The same IP address, whatever the ports (9.4: a port change alone). */
static bool quic_addr_same_ip(const union quic_addr *a,
			      const union quic_addr *b)
{
	union quic_addr t = *b;

	if (t.sa.sa_family == AF_INET6)
		t.v6.sin6_port = a->sa.sa_family == AF_INET6 ?
				 a->v6.sin6_port : a->v4.sin_port;
	else
		t.v4.sin_port = a->sa.sa_family == AF_INET6 ?
				a->v6.sin6_port : a->v4.sin_port;
	return quic_addr_equal(a, &t);
}

static struct quic_path *quic_path_get(struct quic_sock *qs)
{
	if (!qs->path)
		qs->path = kzalloc(sizeof(*qs->path), GFP_ATOMIC);
	return qs->path;
}

/*
 * The draft's QUIC_EVENT_CONNECTION_MIGRATION: the peer's address changed,
 * or (@local) our own move was validated.
 */
static void quic_path_event(struct sock *sk, bool local)
{
	u8 local_migration = local;

	quic_event_queue(sk, QUIC_EVENT_CONNECTION_MIGRATION,
			 &local_migration, sizeof(local_migration));
}

/**
 * quic_path_from_server() - may a datagram from @from be our server's
 * @qs: socket, a client
 * @from: the datagram's source
 *
 * RFC 9000 9: a client discards what comes from anywhere but its server's
 * address, or the preferred address it is probing.
 */
bool quic_path_from_server(const struct quic_sock *qs,
			   const union quic_addr *from)
{
	const struct quic_path *p = qs->path;

	return quic_addr_equal(from, &qs->peer) ||
	       (p && p->probing && quic_addr_equal(from, &p->probe_peer)) ||
	       (p && quic_addr_equal(from, &p->former_server));
}

/*
 * Is the datagram of @cb addressed to @a? @cb has IPv4 as IPv4-mapped,
 * which quic_addr_equal() matches with either form of @a.
 */
static bool quic_path_cb_to(const struct quic_skb_cb *cb,
			    const union quic_addr *a)
{
	union quic_addr to = {
		.v6.sin6_family = AF_INET6,
		.v6.sin6_port = cb->local_port,
		.v6.sin6_addr = cb->local,
	};

	return quic_addr_equal(&to, a);
}

/**
 * quic_path_to_preferred() - did a datagram come to the server's preferred
 *	address, which the connection has not moved to yet
 * @qs: socket
 * @cb: the datagram's addresses
 */
bool quic_path_to_preferred(const struct quic_sock *qs,
			    const struct quic_skb_cb *cb)
{
	const struct quic_path *p = qs->path;

	return qs->is_server && p && p->pref_us && !p->on_preferred &&
	       quic_path_cb_to(cb, &p->preferred);
}

/* Packets go to @addr from now on, by a route looked up again. */
static void quic_path_set_peer(struct sock *sk, const union quic_addr *addr)
{
	struct quic_sock *qs = quic_sk(sk);

	qs->peer = *addr;
	quic_set_inet_daddr(sk, addr);	/* for getpeername() */
	dst_cache_reset(&qs->dst_cache);
}

/* 8.2.4: three times the larger of the current PTO and a new path's. */
static u64 quic_path_validation_time_us(struct quic_sock *qs)
{
	struct quic_rtt fresh;
	u64 pto = quic_conn_pto_us(qs);

	quic_rtt_init(&fresh, 0);	/* RFC 9002 6.2.2: kInitialRtt */
	return 3 * max(pto, quic_pto_us(&fresh, 0, 0, true));
}

/* 9.4: a new IP address (ours or the peer's) is a new path to learn. */
static void quic_path_restart_estimates(struct quic_sock *qs)
{
	quic_rtt_init(&qs->rtt, 0);
	quic_recovery_reorder_reset(&qs->app_space.sent);
	quic_conn_cong_reset(qs);
}

/* The peer's current address is not validated until it echoes one. */
static void quic_path_start_validation(struct sock *sk, struct quic_path *p)
{
	struct quic_sock *qs = quic_sk(sk);

	p->validating = true;
	p->challenge_pending = true;
	p->nchallenges = 0;
	p->deadline_us = quic_now_us() + quic_path_validation_time_us(qs);
}

static void quic_path_end_validation(struct quic_path *p)
{
	p->validating = false;
	p->local = false;
	p->probing = false;
	p->probe_preferred = false;
	p->challenge_pending = false;
	p->prev_peer.sa.sa_family = 0;
}

/*
 * 9.3: the highest-numbered non-probing packet came from @from. Back to
 * the last validated address, nothing is to prove again; anywhere else,
 * the connection goes there unvalidated, with the anti-amplification
 * budget of this datagram, and challenges it.
 */
static void quic_path_migrate(struct sock *sk, const union quic_addr *from,
			      u32 dgram_len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p = quic_path_get(qs);

	if (!p)
		return;	/* stays where it was; the next packet tries again */
	quic_mib_inc(sock_net(sk), QUIC_MIB_PATH_MIGRATIONS);
	if (p->prev_peer.sa.sa_family && quic_addr_equal(from, &p->prev_peer)) {
		quic_path_set_peer(sk, from);
		quic_path_end_validation(p);
		qs->addr_validated = true;
		quic_conn_arm_loss_timer(sk);
		quic_path_event(sk, false);
		return;
	}
	if (qs->addr_validated)
		p->prev_peer = qs->peer;
	quic_path_set_peer(sk, from);
	/* 9.5: a new ID for the new address, where the peer gave a spare */
	quic_connid_new_path(sk);
	qs->addr_validated = false;
	qs->amp_rx_bytes = dgram_len;
	qs->amp_tx_bytes = 0;
	/* 13.4.2: ECN is validated per path. */
	quic_ecn_init(&qs->ecn);
	quic_path_start_validation(sk, p);
	quic_conn_arm_loss_timer(sk);
}

/*
 * 8.2.1, 8.2.2: a datagram with path validation frames fills 1200 bytes,
 * unless a server would send more than three times what came from an
 * address it has not validated (8.1).
 */
static u16 quic_path_probe_size(const struct quic_sock *qs,
				const union quic_addr *to, u32 dgram_len)
{
	if (!qs->is_server ||
	    (qs->addr_validated && quic_addr_equal(to, &qs->peer)))
		return QUIC_MIN_UDP_PAYLOAD;
	return min_t(u32, QUIC_MIN_UDP_PAYLOAD, 3 * dgram_len);
}

/*
 * 9.6.2: the client sent a non-probing packet to our preferred address.
 * Its address there is validated from there first; meanwhile packets
 * still leave from the address the connection has.
 */
static void quic_path_probe_from_preferred(struct sock *sk,
					   const union quic_addr *from,
					   u32 dgram_len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p = qs->path;

	if (p->validating)
		return;	/* the validation under way goes first */
	p->probe_peer = *from;
	p->probe_size = quic_path_probe_size(qs, from, dgram_len);
	quic_path_start_validation(sk, p);
	p->probing = true;
	p->probe_preferred = true;
	p->probe_at_us = 0;
	quic_conn_arm_loss_timer(sk);
}

/**
 * quic_path_rcv() - a 1-RTT packet was processed: follow the peer, answer
 *	its challenge
 * @sk: socket
 * @from: the datagram's source
 * @dgram_len: its length
 * @pn: the packet's number
 * @rx: what its frames said of the path
 */
void quic_path_rcv(struct sock *sk, const union quic_addr *from, u32 dgram_len,
		   u64 pn, const struct quic_rx_path *rx)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p;

	if (!from->sa.sa_family)
		return;	/* a packet of ours processed again (input.c) */
	if (qs->is_server && qs->handshake_confirmed && rx->non_probing &&
	    qs->space[QUIC_SPACE_APP]->recv.largest == pn) {
		if (rx->to_preferred)
			quic_path_probe_from_preferred(sk, from, dgram_len);
		else if (!quic_addr_equal(from, &qs->peer))
			quic_path_migrate(sk, from, dgram_len);
	}
	if (!rx->challenged)
		return;
	p = quic_path_get(qs);
	if (!p)
		return;	/* the peer challenges again */
	/*
	 * 8.2.2: the response goes back on the path the challenge came by:
	 * in the next packet to the peer's current address, or in one of
	 * its own to any other, padded as 8.2.2 asks, within three times
	 * what came from there (8.1) on a server.
	 */
	memcpy(p->response, rx->challenge, sizeof(p->response));
	p->response_pending = true;
	p->response_peer.sa.sa_family = 0;
	p->response_preferred = rx->to_preferred;
	if (!quic_addr_equal(from, &qs->peer) || rx->to_preferred) {
		p->response_peer = *from;
		p->response_size = quic_path_probe_size(qs, from, dgram_len);
	}
}

/*
 * 9.6.1: the server's preferred address of the family the client talks to
 * it in (an IPv4-mapped one for an IPv6 socket that reached IPv4). An
 * address or port of zero is no address; the server's current one needs
 * no move.
 */
static bool quic_path_pick_preferred(const struct quic_sock *qs,
				     const struct quic_tparam_pref_addr *a,
				     union quic_addr *to)
{
	const union quic_addr *peer = &qs->peer;
	bool mapped = peer->sa.sa_family == AF_INET6 &&
		      ipv6_addr_v4mapped(&peer->v6.sin6_addr);
	__be32 v4;

	memset(to, 0, sizeof(*to));
	if (peer->sa.sa_family == AF_INET || mapped) {
		if (!a->ipv4_port || !memchr_inv(a->ipv4_addr, 0, 4))
			return false;
		memcpy(&v4, a->ipv4_addr, sizeof(v4));
		if (mapped) {
			to->v6.sin6_family = AF_INET6;
			to->v6.sin6_port = htons(a->ipv4_port);
			ipv6_addr_set_v4mapped(v4, &to->v6.sin6_addr);
		} else {
			quic_addr_set_v4(to, v4, htons(a->ipv4_port));
		}
	} else {
		if (!a->ipv6_port || !memchr_inv(a->ipv6_addr, 0, 16))
			return false;
		to->v6.sin6_family = AF_INET6;
		to->v6.sin6_port = htons(a->ipv6_port);
		memcpy(&to->v6.sin6_addr, a->ipv6_addr, 16);
		if (ipv6_addr_type(&to->v6.sin6_addr) & IPV6_ADDR_LINKLOCAL)
			to->v6.sin6_scope_id = peer->v6.sin6_scope_id;
	}
	return !quic_addr_equal(to, peer);
}

/**
 * quic_path_set_preferred() - the server's transport parameters offer a
 *	preferred_address (RFC 9000 9.6)
 * @sk: socket, a client
 * @a: the parameter
 *
 * Its connection ID is the server's second (quic_connid_rx_preferred());
 * the address is kept to be probed once the handshake is confirmed.
 *
 * Return: 0 or -ENOMEM.
 */
int quic_path_set_preferred(struct sock *sk,
			    const struct quic_tparam_pref_addr *a)
{
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr to;
	struct quic_path *p;

	if (!quic_path_pick_preferred(qs, a, &to))
		return 0;
	p = quic_path_get(qs);
	if (!p)
		return -ENOMEM;
	p->preferred = to;
	return 0;
}

/**
 * quic_path_follow_preferred() - the handshake is confirmed: probe the
 *	server's preferred address, if it gave one
 * @sk: socket, a client
 *
 * 9.6.1: validated first, with the server's next connection ID (9.5; the
 * preferred address's own, unless the server retired it already); without
 * a spare ID the client stays where it is (9.6.1 allows it).
 */
void quic_path_follow_preferred(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p = qs->path;

	if (!p || !p->preferred.sa.sa_family || p->validating ||
	    !quic_connid_spare_above(sk))
		return;
	p->probe_peer = p->preferred;
	p->preferred.sa.sa_family = 0;
	p->probe_size = QUIC_MIN_UDP_PAYLOAD;
	quic_path_start_validation(sk, p);
	p->probing = true;
	p->probe_at_us = 0;
	quic_conn_arm_loss_timer(sk);
}

/**
 * quic_path_offer_preferred() - QUIC_SOCKOPT_CONNECTION_MIGRATION on a
 *	listener: the preferred address its connections offer (RFC 9000 9.6)
 * @sk: socket, a listener, locked
 * @addr: the address, checked as for bind(); a zero port: a fresh one
 *
 * A UDP socket is opened for @addr now, so that the address can be
 * reached as soon as a client learns it; connections accepted from then
 * on share it. Another call replaces it.
 *
 * Return: 0; -EINVAL for a wildcard address or the listener's own;
 * -ENOMEM; or bind()'s errors for @addr (another family than the
 * listener's included; an IPv4-mapped one on an IPv6 listener is offered
 * as IPv4).
 */
int quic_path_offer_preferred(struct sock *sk, union quic_addr *addr)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_udp_sock *us;
	struct quic_path *p;
	int err;

	if (quic_addr_is_any(addr) || quic_addr_equal(addr, &qs->local))
		return -EINVAL;
	p = quic_path_get(qs);
	if (!p)
		return -ENOMEM;
	err = quic_udp_sock_get(sock_net(sk), addr, sk->sk_ipv6only, &us);
	if (err)
		return err;
	if (p->pref_us)
		quic_udp_sock_put(p->pref_us);
	p->pref_us = us;
	p->preferred = *addr;
	p->preferred.v4.sin_port = us->addr.v4.sin_port;
	return 0;
}

/**
 * quic_path_inherit() - a listener's connection takes its preferred address
 * @sk: the new connection's socket
 * @lsk: the listener, locked
 *
 * Return: 0 or -ENOMEM.
 */
int quic_path_inherit(struct sock *sk, struct sock *lsk)
{
	const struct quic_path *lp = quic_sk(lsk)->path;
	struct quic_path *p;

	if (!lp || !lp->pref_us)
		return 0;
	p = quic_path_get(quic_sk(sk));
	if (!p)
		return -ENOMEM;
	p->preferred = lp->preferred;
	p->pref_us = lp->pref_us;
	refcount_inc(&p->pref_us->refs);
	return 0;
}

/**
 * quic_path_encode_preferred() - the preferred_address transport parameter
 *	of a server's connection
 * @sk: socket, a server's connection, locked
 * @a: filled, if the connection offers one
 * @has: set if it does
 *
 * Its connection ID is the connection's second (quic_connid_preferred()).
 *
 * Return: 0 or -errno.
 */
int quic_path_encode_preferred(struct sock *sk,
			       struct quic_tparam_pref_addr *a, bool *has)
{
	const struct quic_path *p = quic_sk(sk)->path;
	const union quic_addr *pa;
	int err;

	*has = false;
	if (!p || !p->pref_us)
		return 0;
	err = quic_connid_preferred(sk, &a->cid, a->reset_token);
	if (err)
		return err;
	pa = &p->preferred;
	if (pa->sa.sa_family == AF_INET) {
		memcpy(a->ipv4_addr, &pa->v4.sin_addr, 4);
		a->ipv4_port = ntohs(pa->v4.sin_port);
	} else if (ipv6_addr_v4mapped(&pa->v6.sin6_addr)) {
		memcpy(a->ipv4_addr, &pa->v6.sin6_addr.s6_addr32[3], 4);
		a->ipv4_port = ntohs(pa->v6.sin6_port);
	} else {
		memcpy(a->ipv6_addr, &pa->v6.sin6_addr, 16);
		a->ipv6_port = ntohs(pa->v6.sin6_port);
	}
	*has = true;
	return 0;
}

/*
 * The probed path answered: everything goes there from now on. A server
 * sends from its preferred address; the socket of the one it left stays
 * with the connection until it ends (it may be released only in process
 * context), and what comes there is still processed.
 */
static void quic_path_move_to_probed(struct sock *sk, struct quic_path *p)
{
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr old = qs->peer, old_local = qs->local;
	bool new_ip;

	quic_mib_inc(sock_net(sk), QUIC_MIB_PATH_MIGRATIONS);
	if (p->probe_preferred) {
		swap(qs->udp, p->pref_us);
		qs->local = p->preferred;
		quic_set_inet_saddr(sk, &qs->local);	/* for getsockname() */
		inet_sk(sk)->inet_sport = qs->local.v4.sin_port;
		p->on_preferred = true;
	} else {
		p->former_server = old;
	}
	quic_path_set_peer(sk, &p->probe_peer);
	quic_connid_new_path(sk);
	new_ip = !quic_addr_same_ip(&old, &qs->peer) ||
		 !quic_addr_same_ip(&old_local, &qs->local);
	if (new_ip) {
		quic_path_restart_estimates(qs);
		quic_conn_update_dgram_size(qs);
	}
	quic_ecn_init(&qs->ecn);	/* 13.4.2: per path */
}

/**
 * quic_path_migrate_local() - QUIC_SOCKOPT_CONNECTION_MIGRATION: a client
 *	moves to a new local address (RFC 9000 9.2)
 * @sk: socket, locked
 * @addr: the address, checked as for bind(); a zero port: a fresh one
 *
 * The connection moves at once, as 9.2 allows, under a spare ID of the
 * server's (9.5: one ID is never sent from two addresses), and validates
 * the new path with PATH_CHALLENGE; the server, seeing the new address,
 * validates it too (9.3). The old UDP socket is given back, so a path
 * that fails validation cannot be returned from: as any client path that
 * fails (quic_path_timeout()), the connection ends. A new local IP
 * address restarts the congestion controller and RTT estimate (9.4).
 * QUIC_EVENT_CONNECTION_MIGRATION (local_migration 1) follows the
 * validation.
 *
 * Return: 0; -EOPNOTSUPP on a server's connection (a server offers a
 * preferred address through its listener instead); -ENOTCONN before the
 * handshake is confirmed; -EPERM if the server sent
 * disable_active_migration; -EBUSY while a validation runs; -EAGAIN
 * without a spare ID from the server yet; -ENOMEM; or bind()'s errors for
 * @addr.
 */
int quic_path_migrate_local(struct sock *sk, union quic_addr *addr)
{
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr old = qs->local;
	struct quic_path *p;
	int err;

	if (qs->is_server)
		return -EOPNOTSUPP;
	if (sk->sk_state != QUIC_SS_ESTABLISHED || qs->closing ||
	    !qs->handshake_confirmed)
		return -ENOTCONN;
	if (qs->peer_tp.disable_active_migration)
		return -EPERM;
	p = quic_path_get(qs);
	if (!p)
		return -ENOMEM;
	if (p->validating)
		return -EBUSY;
	if (!quic_connid_spare_above(sk))
		return -EAGAIN;
	err = quic_rebind_locked(sk, addr);
	if (err)
		return err;
	quic_mib_inc(sock_net(sk), QUIC_MIB_PATH_MIGRATIONS);
	quic_connid_new_path(sk);
	dst_cache_reset(&qs->dst_cache);
	if (!quic_addr_same_ip(&old, &qs->local))
		quic_path_restart_estimates(qs);
	quic_ecn_init(&qs->ecn);	/* 13.4.2: per path */
	quic_path_start_validation(sk, p);
	p->local = true;
	quic_conn_arm_loss_timer(sk);
	return 0;
}

/**
 * quic_path_response_rcv() - a PATH_RESPONSE arrived
 * @sk: socket
 * @data: its data
 *
 * 8.2.3: it validates the path its challenge went on, whichever path it
 * came by. One that answers nothing we sent is ignored (19.18 permits,
 * not requires, an error: it may answer a validation already over).
 */
void quic_path_response_rcv(struct sock *sk, const u8 *data)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p = qs->path;
	bool local;
	u8 i, n;

	if (!p || !p->validating)
		return;
	n = min_t(u8, p->nchallenges, QUIC_PATH_CHALLENGES);
	for (i = 0; i < n; i++)
		if (!crypto_memneq(data, p->challenge[i],
				   QUIC_FRAME_PATH_DATA_LEN))
			break;
	if (i == n)
		return;
	quic_mib_inc(sock_net(sk), QUIC_MIB_PATH_VALIDATED);
	if (p->probing)
		quic_path_move_to_probed(sk, p);
	/* 9.4: a new IP address is a new path to learn; a NAT that changed
	 * only the port leaves the path as it was.
	 */
	if (p->prev_peer.sa.sa_family &&
	    !quic_addr_same_ip(&p->prev_peer, &qs->peer)) {
		quic_path_restart_estimates(qs);
		quic_conn_update_dgram_size(qs);
	}
	local = p->local;
	quic_path_end_validation(p);
	qs->addr_validated = true;
	quic_path_event(sk, local);
	/* 9.3: a token for the address the client may return from. */
	if (qs->is_server)
		qs->ctrl_pending |= QUIC_CTRL_NEW_TOKEN;
	quic_conn_arm_loss_timer(sk);
}

/**
 * __quic_path_tx_pending() - are path frames waiting to be sent
 * @qs: socket with path state (quic_path_tx_pending() asks first)
 */
bool __quic_path_tx_pending(const struct quic_sock *qs)
{
	return quic_path_response_pending(qs, NULL) ||
	       quic_path_challenge_pending(qs);
}

/**
 * quic_path_response_pending() - the PATH_RESPONSE to send to the peer's
 *	current address, if any
 * @qs: socket
 * @data: filled with its data, unless NULL
 *
 * Return: true if there is one; quic_path_response_sent() once it is in
 * a packet.
 */
bool quic_path_response_pending(const struct quic_sock *qs, u8 *data)
{
	const struct quic_path *p = qs->path;

	if (!p || !p->response_pending || p->response_peer.sa.sa_family)
		return false;
	if (data)
		memcpy(data, p->response, QUIC_FRAME_PATH_DATA_LEN);
	return true;
}

/**
 * quic_path_response_sent() - the PATH_RESPONSE went into a packet
 * @qs: socket
 *
 * 8.2.2: sent once, never retransmitted; a lost one is answered by the
 * peer's next challenge.
 */
void quic_path_response_sent(struct quic_sock *qs)
{
	qs->path->response_pending = false;
	quic_mib_inc(sock_net(&qs->inet.sk), QUIC_MIB_PATH_RESPONSES);
}

/**
 * quic_path_challenge_pending() - is a PATH_CHALLENGE to be sent to the
 *	peer's current address
 * @qs: socket
 */
bool quic_path_challenge_pending(const struct quic_sock *qs)
{
	return qs->path && qs->path->challenge_pending && !qs->path->probing;
}

/**
 * quic_path_challenge_sent() - a PATH_CHALLENGE went into a packet
 * @qs: socket
 * @data: its data, fresh random bytes (8.2.1), kept for the response
 */
void quic_path_challenge_sent(struct quic_sock *qs, const u8 *data)
{
	struct quic_path *p = qs->path;

	memcpy(p->challenge[p->nchallenges % QUIC_PATH_CHALLENGES], data,
	       QUIC_FRAME_PATH_DATA_LEN);
	if (p->nchallenges < U8_MAX)
		p->nchallenges++;
	p->challenge_pending = false;
}

/* One path frame, from the connection's address or the preferred one. */
static int quic_path_send_one(struct sock *sk, struct quic_path *p,
			      bool from_preferred, const union quic_addr *to,
			      const struct quic_frame *f, u32 size)
{
	struct quic_sock *qs = quic_sk(sk);

	if (from_preferred && p->pref_us && !p->on_preferred)
		return quic_output_path_probe(sk, p->pref_us, &p->preferred,
					      to, f, size);
	return quic_output_path_probe(sk, qs->udp, &qs->local, to, f, size);
}

/**
 * quic_path_send_probes() - send what goes to the peer's other addresses
 * @sk: socket, locked, with 1-RTT keys
 *
 * A PATH_RESPONSE to a challenge from elsewhere, and the PATH_CHALLENGE of
 * an address being probed, each in a packet of its own. The probe goes
 * again after a PTO (8.2.1: no more often than an Initial would); what
 * cannot be sent now (no memory, no route) is not retried but answered
 * by the next challenge.
 */
void quic_path_send_probes(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p = qs->path;
	struct quic_frame f = {};

	if (!p)
		return;
	if (p->response_pending && p->response_peer.sa.sa_family) {
		f.type = QUIC_FRAME_PATH_RESPONSE;
		memcpy(f.path.data, p->response, sizeof(f.path.data));
		p->response_pending = false;
		if (p->response_size >= QUIC_PATH_MIN_DGRAM &&
		    !quic_path_send_one(sk, p, p->response_preferred,
					&p->response_peer, &f,
					p->response_size))
			quic_mib_inc(sock_net(sk), QUIC_MIB_PATH_RESPONSES);
		p->response_peer.sa.sa_family = 0;
	}
	if (p->probing && p->challenge_pending) {
		f.type = QUIC_FRAME_PATH_CHALLENGE;
		get_random_bytes(f.path.data, sizeof(f.path.data));
		if (p->probe_size >= QUIC_PATH_MIN_DGRAM)
			quic_path_send_one(sk, p, p->probe_preferred,
					   &p->probe_peer, &f, p->probe_size);
		quic_path_challenge_sent(qs, f.path.data);
		p->probe_at_us = quic_now_us() + quic_conn_pto_us(qs);
	}
}

/**
 * quic_path_deadline() - when the validation under way ends, or its next
 *	probe goes; 0 if none
 * @qs: socket
 */
u64 quic_path_deadline(const struct quic_sock *qs)
{
	const struct quic_path *p = qs->path;

	if (!p || !p->validating)
		return 0;
	if (p->probing && p->probe_at_us)
		return min(p->deadline_us, p->probe_at_us);
	return p->deadline_us;
}

/**
 * quic_path_timeout() - abandon a validation past its deadline
 * @sk: socket
 *
 * 9.3.2: back to the last validated address. Without one, which a server
 * that followed its client from a validated address never lacks, the
 * connection ends silently. An address only probed is given up; until
 * then, each PTO it is challenged again.
 *
 * Return: true if there is something to send: the connection went back
 * to that address, or a probe is due.
 */
bool quic_path_timeout(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p = qs->path;
	u64 now = quic_now_us();

	if (!p || !p->validating)
		return false;
	if (now < p->deadline_us) {
		if (!p->probing || !p->probe_at_us || now < p->probe_at_us)
			return false;
		p->probe_at_us = 0;
		p->challenge_pending = true;
		return true;
	}
	quic_mib_inc(sock_net(sk), QUIC_MIB_PATH_FAILED);
	if (p->probing) {
		quic_path_end_validation(p);
		return false;
	}
	if (!p->prev_peer.sa.sa_family) {
		quic_path_end_validation(p);
		quic_conn_abandon(sk);
		return false;
	}
	quic_path_set_peer(sk, &p->prev_peer);
	quic_path_end_validation(p);
	qs->addr_validated = true;
	return true;
}

/**
 * quic_path_on_pto() - a PTO fired: challenge again (8.2.1 allows more
 *	than one; the lost one is not resent as such)
 * @qs: socket
 */
void quic_path_on_pto(struct quic_sock *qs)
{
	if (qs->path && qs->path->validating)
		qs->path->challenge_pending = true;
}

/**
 * quic_path_free() - free the path state
 * @qs: socket being destroyed, locked (process context: a UDP socket may
 *	go)
 */
void quic_path_free(struct quic_sock *qs)
{
	if (qs->path && qs->path->pref_us)
		quic_udp_sock_put(qs->path->pref_us);
	kfree(qs->path);
	qs->path = NULL;
}
