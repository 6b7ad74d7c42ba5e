// SPDX-License-Identifier: GPL-2.0
/*
 * Connection IDs the peer issued us (RFC 9000 5.1.1, 5.1.2, 19.15, 19.16).
 *
 * Besides the ID in use (the caller's), the peer's NEW_CONNECTION_ID
 * frames give spares, each with a Stateless Reset token, for a new path
 * or for when the peer asks us, with Retire Prior To, to stop using the
 * older ones. Every ID we stop using is retired by a RETIRE_CONNECTION_ID
 * frame, resent until acknowledged; only then is it forgotten. The list
 * is kept in sequence order and is short: at most our
 * active_connection_id_limit spares, and twice that many retirements.
 *
 * The ID in use only ever moves up: to the lowest spare at or above a
 * new Retire Prior To, or to a spare above it the user picks. So once a
 * frame is processed, every Retire Prior To received is at or below the
 * ID in use, and an ID that arrives below the ID in use is retired at
 * once rather than kept: it is either below a Retire Prior To, or a late
 * copy of one we retired already, whose peer may have forgotten it, or
 * one we skipped; retiring is always allowed, and the peer issues a
 * replacement. That is why no Retire Prior To needs keeping here.
 */
#include "peercid.h"

static void quic_peer_cids_link(struct quic_peer_cid **list,
				struct quic_peer_cid *c)
{
	struct quic_peer_cid **p = list;

	while (*p && (*p)->seq < c->seq)
		p = &(*p)->next;
	c->next = *p;
	*p = c;
}

static void quic_peer_cids_unlink(struct quic_peer_cid **list,
				  struct quic_peer_cid *c)
{
	struct quic_peer_cid **p = list;

	while (*p && *p != c)
		p = &(*p)->next;
	if (*p)
		*p = c->next;
	c->next = NULL;
}

static bool quic_peer_cid_same(u8 len, const u8 *id,
			       const struct quic_frame_new_cid *f)
{
	return len == f->cid_len && !memcmp(id, f->cid, len);
}

/**
 * quic_peer_cids_find() - the entry of a sequence number
 * @list: the list
 * @seq: its sequence number
 * @state: its state, or U8_MAX for any
 *
 * Return: the entry, or NULL.
 */
struct quic_peer_cid *quic_peer_cids_find(struct quic_peer_cid *list,
					  u64 seq, u8 state)
{
	struct quic_peer_cid *c;

	for (c = list; c && c->seq <= seq; c = c->next)
		if (c->seq == seq && (state == U8_MAX || c->state == state))
			return c;
	return NULL;
}

/* The lowest spare at or above @seq, or NULL. */
struct quic_peer_cid *quic_peer_cids_spare_from(struct quic_peer_cid *list,
						u64 seq)
{
	struct quic_peer_cid *c;

	for (c = list; c; c = c->next)
		if (c->state == QUIC_PCID_SPARE && c->seq >= seq)
			return c;
	return NULL;
}

/* Spares (@spare) or retirements not yet acknowledged (!@spare). */
u32 quic_peer_cids_count(const struct quic_peer_cid *list, bool spare)
{
	const struct quic_peer_cid *c;
	u32 n = 0;

	for (c = list; c; c = c->next)
		n += (c->state == QUIC_PCID_SPARE) == spare;
	return n;
}

/**
 * quic_peer_cids_retire_below() - retire every spare below @prior_to
 * @list: the list
 * @prior_to: sequence number
 *
 * Return: the spares retired.
 */
u32 quic_peer_cids_retire_below(struct quic_peer_cid *list, u64 prior_to)
{
	struct quic_peer_cid *c;
	u32 n = 0;

	for (c = list; c && c->seq < prior_to; c = c->next) {
		if (c->state != QUIC_PCID_SPARE)
			continue;
		c->state = QUIC_PCID_RETIRE;
		n++;
	}
	return n;
}

/**
 * quic_peer_cids_add() - process a NEW_CONNECTION_ID frame
 * @list: the list
 * @cur: the ID in use
 * @limit: our active_connection_id_limit
 * @f: the frame (decoded: retire_prior_to <= seq, 1..20 byte ID)
 * @node: a free entry, taken (set to NULL) if the ID is new
 *
 * When the frame's Retire Prior To is above @cur, the caller must move to
 * quic_peer_cids_spare_from() that value, which then exists.
 *
 * Return: 0, or the transport error to close the connection with:
 * PROTOCOL_VIOLATION for a sequence number seen with another ID or an ID
 * seen with another sequence number (19.15), CONNECTION_ID_LIMIT when
 * more IDs are active than @limit, or more retirements are unacknowledged
 * than we track (5.1.1, 5.1.2).
 */
u32 quic_peer_cids_add(struct quic_peer_cid **list,
		       const struct quic_peer_cid_cur *cur, u64 limit,
		       const struct quic_frame_new_cid *f,
		       struct quic_peer_cid **node)
{
	bool known = f->seq == cur->seq;
	struct quic_peer_cid *c;
	u64 active;

	if (known != quic_peer_cid_same(cur->len, cur->id, f))
		return QUIC_ERR_PROTOCOL_VIOLATION;
	for (c = *list; c; c = c->next) {
		bool same_seq = c->seq == f->seq;

		if (same_seq != quic_peer_cid_same(c->len, c->id, f))
			return QUIC_ERR_PROTOCOL_VIOLATION;
		known |= same_seq;
	}
	quic_peer_cids_retire_below(*list, f->retire_prior_to);
	if (!known) {
		c = *node;
		*node = NULL;
		memset(c, 0, sizeof(*c));
		c->seq = f->seq;
		c->len = f->cid_len;
		memcpy(c->id, f->cid, f->cid_len);
		memcpy(c->token, f->reset_token, sizeof(c->token));
		c->state = f->seq < cur->seq ? QUIC_PCID_RETIRE :
					       QUIC_PCID_SPARE;
		quic_peer_cids_link(list, c);
	}
	/* The ID in use counts unless it is to be retired now. */
	active = quic_peer_cids_count(*list, true) +
		 (cur->seq >= f->retire_prior_to);
	if (active > limit ||
	    quic_peer_cids_count(*list, false) > QUIC_PEER_CID_RETIRING_MAX)
		return QUIC_ERR_CONNECTION_ID_LIMIT;
	return 0;
}

/**
 * quic_peer_cids_switch() - a spare becomes the ID in use
 * @list: the list
 * @to: the spare, above the ID in use, whose sequence number, ID and
 *	token the caller took
 * @cur_seq: sequence number of the ID in use until now
 * @cur_len: its length
 * @cur_id: its bytes
 *
 * @to's entry now records the old ID, to be retired.
 */
void quic_peer_cids_switch(struct quic_peer_cid **list,
			   struct quic_peer_cid *to, u64 cur_seq, u8 cur_len,
			   const u8 *cur_id)
{
	quic_peer_cids_unlink(list, to);
	memset(to, 0, sizeof(*to));
	to->seq = cur_seq;
	to->len = cur_len;
	memcpy(to->id, cur_id, cur_len);
	to->state = QUIC_PCID_RETIRE;
	quic_peer_cids_link(list, to);
}

/**
 * quic_peer_cids_retire_acked() - the peer has our RETIRE_CONNECTION_ID
 * @list: the list
 * @seq: the sequence number it retired
 */
void quic_peer_cids_retire_acked(struct quic_peer_cid **list, u64 seq)
{
	struct quic_peer_cid *c;

	c = quic_peer_cids_find(*list, seq, QUIC_PCID_RETIRE_SENT);
	if (!c)
		return;
	quic_peer_cids_unlink(list, c);
	quic_peer_cid_free(c);
}

/**
 * quic_peer_cids_retire_lost() - a RETIRE_CONNECTION_ID frame was lost
 * @list: the list
 * @seq: the sequence number it retired: its frame is sent again
 *
 * Return: true if it is to be sent again (not acknowledged meanwhile).
 */
bool quic_peer_cids_retire_lost(struct quic_peer_cid *list, u64 seq)
{
	struct quic_peer_cid *c;

	c = quic_peer_cids_find(list, seq, QUIC_PCID_RETIRE_SENT);
	if (c)
		c->state = QUIC_PCID_RETIRE;
	return c;
}

/* Everything goes: the connection is over. */
void quic_peer_cids_clear(struct quic_peer_cid **list)
{
	struct quic_peer_cid *c;

	while ((c = *list)) {
		*list = c->next;
		quic_peer_cid_free(c);
	}
}
