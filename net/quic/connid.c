// SPDX-License-Identifier: GPL-2.0
/*
 * Connection ID management (RFC 9000 5.1, 19.15, 19.16).
 *
 * Ours: once the handshake is confirmed, the peer gets spare connection
 * IDs in NEW_CONNECTION_ID frames, QUIC_CONNID_ISSUED active at a time
 * (fewer if its active_connection_id_limit says so), so that it can move
 * to a new path under a new ID (9.5). Each is in the global CID table
 * from the moment it is issued, and its Stateless Reset token is derived
 * from it (reset.c), so nothing else is kept. A RETIRE_CONNECTION_ID from
 * the peer takes one out and a replacement is issued. The user may ask
 * the peer to retire every ID below a sequence number
 * (QUIC_SOCKOPT_CONNECTION_ID): fresh IDs go out carrying that Retire
 * Prior To.
 *
 * The peer's: the spares it gives us and their retirement are kept in
 * peercid.c's list. We move to a spare when the peer's Retire Prior To
 * covers the ID in use, when the user asks, or when the peer moves to a
 * new address; the Stateless Reset token we watch for follows the ID in
 * use.
 *
 * Both sides' frames are reliable: the ones to send are flagged (an
 * entry's announce flag, a peer ID's RETIRE state), QUIC_CTRL_CONNID says
 * some are, and every one sent is recorded in its packet, so that a loss
 * flags it again (and an acknowledged retirement is forgotten).
 *
 * The user hears of every retirement through QUIC_EVENT_CONNECTION_ID.
 */
#include <linux/slab.h>

#include "cid.h"
#include "connid.h"
#include "event.h"
#include "peercid.h"
#include "reset.h"

void quic_peer_cid_free(struct quic_peer_cid *c)
{
	kfree(c);
}

/* Our entries the peer may use: not the client's original DCID. */
static bool quic_connid_ours(const struct quic_cid_entry *e)
{
	return e->seq != U64_MAX;
}

/* The largest Retire Prior To we announced. */
static u32 quic_connid_prior_to(struct quic_sock *qs)
{
	struct quic_cid_entry *e;
	u32 prior_to = 0;

	list_for_each_entry(e, &qs->scids, list)
		if (quic_connid_ours(e))
			prior_to = max(prior_to, e->retire_prior_to);
	return prior_to;
}

/* Our IDs the peer holds and may still use: issued, not retired. */
static u32 quic_connid_usable(struct quic_sock *qs, u32 prior_to)
{
	struct quic_cid_entry *e;
	u32 n = 0;

	list_for_each_entry(e, &qs->scids, list)
		if (quic_connid_ours(e) && e->seq >= prior_to)
			n++;
	return n;
}

static void quic_connid_event(struct sock *sk, bool dest)
{
	struct quic_connection_id_info info = { .dest = dest };

	if (!quic_event_enabled(sk, QUIC_EVENT_CONNECTION_ID))
		return;
	quic_connid_get(sk, &info);
	quic_event_queue(sk, QUIC_EVENT_CONNECTION_ID, &info, sizeof(info));
}

/*
 * Issue IDs until the peer holds QUIC_CONNID_ISSUED usable ones, or as
 * many as its limit allows (5.1.1), each announcing @prior_to.
 */
static void quic_connid_top_up(struct sock *sk, u32 prior_to)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 want = min_t(u64, QUIC_CONNID_ISSUED,
			 qs->peer_tp.active_connection_id_limit);
	struct quic_cid_entry *e;

	/* Zero-length IDs: there is nothing to issue (5.1.1). */
	if (!qs->initial_scid.len)
		return;
	while (quic_connid_usable(qs, prior_to) < want &&
	       qs->scid_next_seq < U32_MAX) {
		/* The receive path may be in a softirq here. */
		e = quic_cid_issue(&qs->scids, sk, qs->scid_next_seq,
				   GFP_ATOMIC);
		if (IS_ERR(e))
			return;	/* memory: the next retirement tries again */
		qs->scid_next_seq++;
		e->announce = true;
		e->retire_prior_to = prior_to;
		qs->ctrl_pending |= QUIC_CTRL_CONNID;
	}
}

/**
 * quic_connid_issue() - give the peer its spare connection IDs
 * @sk: socket; the handshake is confirmed
 */
void quic_connid_issue(struct sock *sk)
{
	quic_connid_top_up(sk, quic_connid_prior_to(quic_sk(sk)));
}

static struct quic_cid_entry *quic_connid_find(struct quic_sock *qs, u64 seq)
{
	struct quic_cid_entry *e;

	list_for_each_entry(e, &qs->scids, list)
		if (quic_connid_ours(e) && e->seq == seq)
			return e;
	return NULL;
}

/**
 * quic_connid_rx_retire() - the peer retired one of our IDs
 * @sk: socket
 * @seq: its sequence number
 * @dcid: the destination connection ID of the packet that said so
 * @dcid_len: its length
 *
 * Return: 0, or PROTOCOL_VIOLATION for an ID never issued or the one
 * the packet itself was sent to (19.16).
 */
u32 quic_connid_rx_retire(struct sock *sk, u64 seq, const u8 *dcid,
			  u8 dcid_len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *e;

	if (seq >= qs->scid_next_seq)
		return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	e = quic_connid_find(qs, seq);
	if (!e)
		return 0;	/* retired already */
	if (e->cid.len == dcid_len && !memcmp(e->cid.data, dcid, dcid_len))
		return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	quic_cid_remove(e);
	quic_connid_issue(sk);
	quic_connid_event(sk, false);
	return 0;
}

static void quic_connid_cur(const struct quic_sock *qs,
			    struct quic_peer_cid_cur *cur)
{
	cur->seq = qs->dcid.seq;
	cur->len = qs->dcid.cid.len;
	cur->id = qs->dcid.cid.data;
}

/* Send to the peer's spare @to from now on; the ID in use is retired. */
static void quic_connid_switch(struct sock *sk, struct quic_peer_cid *to)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_dcid old = qs->dcid;

	qs->dcid.seq = to->seq;
	qs->dcid.cid.len = to->len;
	memcpy(qs->dcid.cid.data, to->id, to->len);
	/* Only the token of the ID in use can end the connection (10.3.1). */
	quic_reset_forget(sk);
	quic_reset_learn(sk, to->token, GFP_ATOMIC);
	quic_peer_cids_switch(&qs->peer_cids, to, old.seq, old.cid.len,
			      old.cid.data);
	qs->ctrl_pending |= QUIC_CTRL_CONNID;
}

/* Is there a spare of the peer's to move to? */
bool quic_connid_spare_above(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	return quic_peer_cids_spare_from(qs->peer_cids, qs->dcid.seq + 1);
}

/**
 * quic_connid_new_path() - we or the peer moved to a new address
 * @sk: socket
 *
 * RFC 9000 9.5: an ID sent to one address must not be sent to another,
 * so that an observer cannot link the two; where the peer gave a spare,
 * packets to the new address use it. (9.5 lets a connection keep its ID
 * when the peer did not choose to move, e.g. a NAT rebinding, which we
 * cannot tell apart: a spare is always taken.)
 */
void quic_connid_new_path(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_peer_cid *to;

	to = quic_peer_cids_spare_from(qs->peer_cids, qs->dcid.seq + 1);
	if (!to)
		return;
	quic_connid_switch(sk, to);
	quic_connid_event(sk, true);
}

/**
 * quic_connid_rx_new() - the peer issued a connection ID
 * @sk: socket
 * @f: its NEW_CONNECTION_ID frame
 *
 * Return: 0, QUIC_FRAMES_DROP_PACKET without memory to keep it (the peer
 * sends it again), or the transport error of quic_peer_cids_add(); a
 * peer using zero-length IDs may issue none (PROTOCOL_VIOLATION).
 */
u32 quic_connid_rx_new(struct sock *sk, const struct quic_frame_new_cid *f)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_peer_cid_cur cur;
	struct quic_peer_cid *node, *to;
	u32 retiring, err;
	u64 limit;

	if (!qs->dcid.cid.len)
		return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	node = kmalloc(sizeof(*node), GFP_ATOMIC);
	if (!node)
		return QUIC_FRAMES_DROP_PACKET;
	retiring = quic_peer_cids_count(qs->peer_cids, false);
	quic_connid_cur(qs, &cur);
	limit = qs->local_tp.active_connection_id_limit;
	err = quic_peer_cids_add(&qs->peer_cids, &cur, limit, f, &node);
	kfree(node);
	if (err)
		return err;
	if (f->retire_prior_to > cur.seq) {
		/* there is one: the frame's own ID is at or above it */
		to = quic_peer_cids_spare_from(qs->peer_cids,
					       f->retire_prior_to);
		if (!to)
			return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		quic_connid_switch(sk, to);
	}
	if (quic_peer_cids_count(qs->peer_cids, false) != retiring) {
		qs->ctrl_pending |= QUIC_CTRL_CONNID;
		quic_connid_event(sk, true);
	}
	return 0;
}

/**
 * quic_connid_preferred() - a server's connection ID for its preferred
 *	address: sequence number 1 (RFC 9000 5.1.1), issued the first time
 * @sk: socket, a server's connection, locked, before its handshake
 * @cid: filled with the ID
 * @token: filled with its Stateless Reset token
 *
 * Return: 0, -EINVAL once other IDs were issued, or quic_cid_issue()'s
 * errors.
 */
int quic_connid_preferred(struct sock *sk, struct quic_tparam_cid *cid,
			  u8 *token)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *e;

	BUILD_BUG_ON(sizeof(cid->data) < QUIC_CID_MAX_LEN);
	e = quic_connid_find(qs, 1);
	if (!e) {
		if (qs->scid_next_seq != 1)
			return -EINVAL;
		e = quic_cid_issue(&qs->scids, sk, 1, GFP_KERNEL);
		if (IS_ERR(e))
			return PTR_ERR(e);
		qs->scid_next_seq = 2;
	}
	cid->len = e->cid.len;
	memcpy(cid->data, e->cid.data, e->cid.len);
	quic_reset_token(e->cid.data, e->cid.len, token);
	return 0;
}

/**
 * quic_connid_rx_preferred() - the connection ID of the server's
 *	preferred_address: sequence number 1 (RFC 9000 5.1.1), kept as any
 *	spare, usable on any path
 * @sk: socket, a client
 * @a: the transport parameter
 *
 * Return: as quic_connid_rx_new().
 */
u32 quic_connid_rx_preferred(struct sock *sk,
			     const struct quic_tparam_pref_addr *a)
{
	struct quic_frame_new_cid f = { .seq = 1, .cid_len = a->cid.len };

	BUILD_BUG_ON(sizeof(f.cid) < sizeof(a->cid.data));
	BUILD_BUG_ON(sizeof(f.reset_token) != sizeof(a->reset_token));
	memcpy(f.cid, a->cid.data, a->cid.len);
	memcpy(f.reset_token, a->reset_token, sizeof(f.reset_token));
	return quic_connid_rx_new(sk, &f);
}

/**
 * quic_connid_write_one() - the next connection ID frame to send
 * @sk: socket
 * @f: filled with the frame
 * @kind: its QUIC_TXF_ record kind
 * @seq: the sequence number it is about
 *
 * Return: false when none is left; quic_connid_written() follows a frame
 * that went into a packet.
 */
bool quic_connid_write_one(struct sock *sk, struct quic_frame *f, u8 *kind,
			   u64 *seq)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *e;
	struct quic_peer_cid *c;
	u32 prior_to = quic_connid_prior_to(qs);

	memset(f, 0, sizeof(*f));
	list_for_each_entry(e, &qs->scids, list) {
		/* one retired by a later Retire Prior To is not announced */
		if (!e->announce || !quic_connid_ours(e) || e->seq < prior_to)
			continue;
		f->type = QUIC_FRAME_NEW_CONNECTION_ID;
		f->new_cid.seq = e->seq;
		f->new_cid.retire_prior_to = e->retire_prior_to;
		f->new_cid.cid_len = e->cid.len;
		memcpy(f->new_cid.cid, e->cid.data, e->cid.len);
		quic_reset_token(e->cid.data, e->cid.len,
				 f->new_cid.reset_token);
		*kind = QUIC_TXF_NEW_CID;
		*seq = e->seq;
		return true;
	}
	for (c = qs->peer_cids; c; c = c->next) {
		if (c->state != QUIC_PCID_RETIRE)
			continue;
		f->type = QUIC_FRAME_RETIRE_CONNECTION_ID;
		f->retire_cid.seq = c->seq;
		*kind = QUIC_TXF_RETIRE_CID;
		*seq = c->seq;
		return true;
	}
	return false;
}

void quic_connid_written(struct sock *sk, u8 kind, u64 seq)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_peer_cid *c;
	struct quic_cid_entry *e;

	if (kind == QUIC_TXF_NEW_CID) {
		e = quic_connid_find(qs, seq);
		if (e)
			e->announce = false;
		return;
	}
	c = quic_peer_cids_find(qs->peer_cids, seq, QUIC_PCID_RETIRE);
	if (c)
		c->state = QUIC_PCID_RETIRE_SENT;
}

/* A packet with a connection ID frame was acknowledged. */
void quic_connid_acked(struct sock *sk, u8 kind, u64 seq)
{
	struct quic_sock *qs = quic_sk(sk);

	if (kind == QUIC_TXF_RETIRE_CID)
		quic_peer_cids_retire_acked(&qs->peer_cids, seq);
}

/* ... or lost: its frame goes again, if it still says something. */
void quic_connid_lost(struct sock *sk, u8 kind, u64 seq)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *e;

	if (kind == QUIC_TXF_NEW_CID) {
		e = quic_connid_find(qs, seq);
		if (!e)
			return;
		e->announce = true;
	} else if (!quic_peer_cids_retire_lost(qs->peer_cids, seq)) {
		return;
	}
	qs->ctrl_pending |= QUIC_CTRL_CONNID;
}

/* The connection is gone: the peer's IDs go (ours: quic_cid_remove_all()). */
void quic_connid_free(struct sock *sk)
{
	quic_peer_cids_clear(&quic_sk(sk)->peer_cids);
}

/**
 * quic_connid_get() - QUIC_SOCKOPT_CONNECTION_ID and its event
 * @sk: socket
 * @info: @info->dest says which IDs; filled with the sequence number of
 *	the one in use and the lowest one not retired
 *
 * Which of our IDs the peer uses is its choice: "active" for ours is the
 * lowest one it may still use, the one a peer following Retire Prior To
 * moves to.
 *
 * Return: 0.
 */
int quic_connid_get(struct sock *sk, struct quic_connection_id_info *info)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_peer_cid *c;
	struct quic_cid_entry *e;
	u32 lowest = U32_MAX, usable = U32_MAX;
	u32 prior_to;

	if (info->dest) {
		info->active = qs->dcid.seq;
		info->prior_to = qs->dcid.seq;
		for (c = qs->peer_cids; c; c = c->next)
			if (c->state == QUIC_PCID_SPARE)
				info->prior_to = min_t(u64, info->prior_to,
						       c->seq);
		return 0;
	}
	prior_to = quic_connid_prior_to(qs);
	list_for_each_entry(e, &qs->scids, list) {
		if (!quic_connid_ours(e))
			continue;
		lowest = min_t(u64, lowest, e->seq);
		if (e->seq >= prior_to)
			usable = min_t(u64, usable, e->seq);
	}
	info->active = usable != U32_MAX ? usable : 0;
	info->prior_to = lowest != U32_MAX ? lowest : 0;
	return 0;
}

/* The peer's IDs: move to @active, retire every one below @prior_to. */
static int quic_connid_set_dest(struct sock *sk, u32 active, u32 prior_to)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_peer_cid *to = NULL;
	u32 retired;

	/* The ID in use only moves up (peercid.c). */
	if (prior_to > active || active < qs->dcid.seq)
		return -EINVAL;
	if (active != qs->dcid.seq) {
		to = quic_peer_cids_find(qs->peer_cids, active,
					 QUIC_PCID_SPARE);
		if (!to)
			return -EINVAL;	/* not a spare the peer gave */
	}
	retired = quic_peer_cids_retire_below(qs->peer_cids, prior_to);
	if (to)
		quic_connid_switch(sk, to);
	if (retired || to) {
		qs->ctrl_pending |= QUIC_CTRL_CONNID;
		quic_connid_event(sk, true);
	}
	return 0;
}

/* Ours: ask the peer to retire every ID below @prior_to. */
static int quic_connid_set_source(struct sock *sk, u32 prior_to)
{
	struct quic_sock *qs = quic_sk(sk);
	u32 now = quic_connid_prior_to(qs);

	if (prior_to > qs->scid_next_seq)
		return -EINVAL;	/* never issued */
	if (prior_to <= now)
		return 0;
	if (!qs->initial_scid.len)
		return -EINVAL;	/* zero-length IDs cannot be retired */
	/* Fresh IDs carrying the new Retire Prior To (5.1.2). */
	quic_connid_top_up(sk, prior_to);
	if (quic_connid_prior_to(qs) != prior_to)
		return -ENOMEM;
	return 0;
}

/**
 * quic_connid_set() - QUIC_SOCKOPT_CONNECTION_ID
 * @sk: socket, established
 * @info: for the peer's IDs (dest), the one to send to from now on
 *	(active: the one in use or a spare above it) and the lowest to keep
 *	(prior_to <= active); for ours, the
 *	lowest the peer may keep using (prior_to; active is the peer's
 *	choice and ignored)
 *
 * Return: 0; -ENOTCONN before the handshake is confirmed; -EINVAL for a
 * sequence number that names no such ID; -ENOMEM.
 */
int quic_connid_set(struct sock *sk,
		    const struct quic_connection_id_info *info)
{
	struct quic_sock *qs = quic_sk(sk);
	int err;

	if (sk->sk_state != QUIC_SS_ESTABLISHED || qs->closing ||
	    !qs->handshake_confirmed)
		return -ENOTCONN;
	if (info->dest)
		err = quic_connid_set_dest(sk, info->active, info->prior_to);
	else
		err = quic_connid_set_source(sk, info->prior_to);
	return err;
}
