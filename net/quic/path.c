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
 * Clients do not follow a server that moves (9: only clients migrate, and
 * preferred_address is not supported); what a client may receive from
 * elsewhere is processed as before. Neither end starts a migration of its
 * own: we issue no connection IDs beyond the handshake's, which a peer
 * migrating on purpose would need (9.5).
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

/* Packets go to @addr from now on, by a route looked up again. */
static void quic_path_set_peer(struct sock *sk, const union quic_addr *addr)
{
	struct quic_sock *qs = quic_sk(sk);

	qs->peer = *addr;
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
	    qs->space[QUIC_SPACE_APP]->recv.largest == pn &&
	    !quic_addr_equal(from, &qs->peer))
		quic_path_migrate(sk, from, dgram_len);
	if (!rx->challenged)
		return;
	/*
	 * 8.2.2: the response goes back on the path the challenge came by.
	 * Ours is the one to the peer's current address: a probe from
	 * anywhere else goes unanswered, as the send path only sends to the
	 * peer's address (a peer that probes first retries; one that moves,
	 * as 9.2 allows, is followed above and challenged).
	 */
	if (!quic_addr_equal(from, &qs->peer))
		return;
	p = quic_path_get(qs);
	if (!p)
		return;	/* the peer challenges again */
	memcpy(p->response, rx->challenge, sizeof(p->response));
	p->response_pending = true;
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
 * Return: 0; -EOPNOTSUPP on a server (a preferred address is not
 * supported); -ENOTCONN before the handshake is confirmed; -EPERM if the
 * server sent disable_active_migration; -EBUSY while a validation runs;
 * -EAGAIN without a spare ID from the server yet; -ENOMEM; or bind()'s
 * errors for @addr.
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
 * quic_path_tx_pending() - are path frames waiting to be sent
 * @qs: socket
 */
bool quic_path_tx_pending(const struct quic_sock *qs)
{
	const struct quic_path *p = qs->path;

	return p && (p->response_pending || p->challenge_pending);
}

/**
 * quic_path_response_pending() - the PATH_RESPONSE to send, if any
 * @qs: socket
 * @data: filled with its data
 *
 * Return: true if there is one; quic_path_response_sent() once it is in
 * a packet.
 */
bool quic_path_response_pending(const struct quic_sock *qs, u8 *data)
{
	const struct quic_path *p = qs->path;

	if (!p || !p->response_pending)
		return false;
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
 * quic_path_challenge_pending() - is a PATH_CHALLENGE to be sent
 * @qs: socket
 */
bool quic_path_challenge_pending(const struct quic_sock *qs)
{
	return qs->path && qs->path->challenge_pending;
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

/**
 * quic_path_deadline() - when the validation under way ends, 0 if none
 * @qs: socket
 */
u64 quic_path_deadline(const struct quic_sock *qs)
{
	return qs->path && qs->path->validating ? qs->path->deadline_us : 0;
}

/**
 * quic_path_timeout() - abandon a validation past its deadline
 * @sk: socket
 *
 * 9.3.2: back to the last validated address. Without one, which a server
 * that followed its client from a validated address never lacks, the
 * connection ends silently.
 *
 * Return: true if the connection went back to that address.
 */
bool quic_path_timeout(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *p = qs->path;

	if (!p || !p->validating || quic_now_us() < p->deadline_us)
		return false;
	quic_mib_inc(sock_net(sk), QUIC_MIB_PATH_FAILED);
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
 * @qs: socket being destroyed
 */
void quic_path_free(struct quic_sock *qs)
{
	kfree(qs->path);
	qs->path = NULL;
}
