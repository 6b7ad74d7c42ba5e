// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC ECN counts and path validation; see ecn.h.
 *
 * The sender marks its first datagrams ECT(0) and looks at what the peer
 * reports. A path that clears the marks, or a peer that miscounts, would
 * make CE feedback meaningless, so any inconsistency ends marking for the
 * connection (RFC 9000 13.4.2.1); so does losing every testing packet, in
 * case marked packets are dropped on the way.
 */
#include "ecn.h"

/**
 * quic_ecn_init() - a new connection: testing, nothing counted
 * @e: state
 *
 * Context: any.
 */
void quic_ecn_init(struct quic_ecn *e)
{
	memset(e, 0, sizeof(*e));
	e->state = QUIC_ECN_TESTING;
}
EXPORT_SYMBOL_GPL(quic_ecn_init);

/**
 * quic_ecn_on_received() - count a packet we processed
 * @s: its packet number space's counts
 * @codepoint: the ECN field of the datagram that carried it
 *
 * Counted whatever our own validation state: the peer needs the feedback
 * to validate its side (RFC 9000 13.4.1). Duplicates are not counted; the
 * caller only passes packets it processed.
 *
 * Context: any.
 */
void quic_ecn_on_received(struct quic_ecn_space *s, u8 codepoint)
{
	struct quic_ecn_counts *c = &s->rx;

	switch (codepoint & QUIC_ECN_MASK) {
	case QUIC_ECN_ECT0:
		c->ect0++;
		break;
	case QUIC_ECN_ECT1:
		c->ect1++;
		break;
	case QUIC_ECN_CE:
		c->ce++;
		break;
	}
}
EXPORT_SYMBOL_GPL(quic_ecn_on_received);

/**
 * quic_ecn_ack_counts() - the counts an ACK for a space carries
 * @s: the space's counts
 * @out: the counts, when true is returned
 *
 * Context: any.
 * Return: true if any ECN-marked packet was received in the space: the ACK
 * is then an ACK_ECN frame; false for a plain ACK.
 */
bool quic_ecn_ack_counts(const struct quic_ecn_space *s,
			 struct quic_ecn_counts *out)
{
	const struct quic_ecn_counts *c = &s->rx;

	if (!c->ect0 && !c->ect1 && !c->ce)
		return false;
	*out = *c;
	return true;
}
EXPORT_SYMBOL_GPL(quic_ecn_ack_counts);

/**
 * quic_ecn_marking() - the ECN field of the next datagram
 * @e: state
 *
 * Context: any.
 * Return: true to send it ECT(0), false for Not-ECT.
 */
bool quic_ecn_marking(const struct quic_ecn *e)
{
	return e->state == QUIC_ECN_TESTING || e->state == QUIC_ECN_CAPABLE;
}
EXPORT_SYMBOL_GPL(quic_ecn_marking);

/**
 * quic_ecn_on_datagram() - a datagram left, ECT(0) if @marked
 * @e: state
 * @marked: what quic_ecn_marking() said for it
 *
 * Context: any.
 */
void quic_ecn_on_datagram(struct quic_ecn *e, bool marked)
{
	if (marked && e->state == QUIC_ECN_TESTING &&
	    ++e->testing_sent >= QUIC_ECN_TESTING_PACKETS)
		e->state = QUIC_ECN_UNKNOWN;
}
EXPORT_SYMBOL_GPL(quic_ecn_on_datagram);

/**
 * quic_ecn_on_sent() - count a packet sent in a space
 * @s: the space's counts
 * @marked: it went in an ECT(0) datagram
 *
 * Context: any.
 */
void quic_ecn_on_sent(struct quic_ecn_space *s, bool marked)
{
	if (marked)
		s->sent_ect0++;
}
EXPORT_SYMBOL_GPL(quic_ecn_on_sent);

/**
 * quic_ecn_on_lost() - a packet was declared lost
 * @e: state
 * @marked: it was sent ECT(0)
 *
 * Every testing packet lost, with no acknowledgment validating the path
 * before: marked packets may be what the path drops (RFC 9000 13.4.2).
 *
 * Context: any.
 */
void quic_ecn_on_lost(struct quic_ecn *e, bool marked)
{
	if (!marked || (e->state != QUIC_ECN_TESTING &&
			e->state != QUIC_ECN_UNKNOWN))
		return;
	if (++e->testing_lost >= QUIC_ECN_TESTING_PACKETS)
		e->state = QUIC_ECN_FAILED;
}
EXPORT_SYMBOL_GPL(quic_ecn_on_lost);

/* One count went down, or the peer saw more marks than we sent. */
static bool quic_ecn_counts_bogus(const struct quic_ecn_counts *old,
				  const struct quic_ecn_counts *now,
				  u64 sent_ect0)
{
	if (now->ect0 < old->ect0 || now->ect1 < old->ect1 ||
	    now->ce < old->ce)
		return true;
	/* We never send ECT(1); ECT(0) and CE together count our marks. */
	return now->ect1 || now->ect0 > sent_ect0 ||
	       now->ce > sent_ect0 - now->ect0;
}

/**
 * quic_ecn_on_ack() - validate the ECN feedback of one ACK frame
 * @e: path state
 * @s: the counts of the ACK's packet number space
 * @reported: the frame's counts (ACK_ECN), or NULL for a plain ACK
 * @newly_acked_ect0: packets it newly acknowledged that were sent ECT(0)
 * @largest_grew: it raised the largest acknowledged packet number; only
 *	such frames are checked, reordered ones may carry older counts
 * @ce_delta: the increase of the CE count, to be taken as a congestion
 *	signal; set to 0 unless the path is validated by or before this frame
 *
 * RFC 9000 13.4.2.1: validation fails when newly acknowledged ECT(0)
 * packets come without counts, when the ECT(0) and CE counts together grew
 * by less than such packets, or when the counts are inconsistent with what
 * was sent. A frame that passes validates the path.
 *
 * Context: any.
 * Return: true if validation failed with this frame (marking stops now).
 */
bool quic_ecn_on_ack(struct quic_ecn *e, struct quic_ecn_space *s,
		     const struct quic_ecn_counts *reported,
		     u64 newly_acked_ect0, bool largest_grew, u64 *ce_delta)
{
	struct quic_ecn_counts *old = &s->peer;
	u64 grown;

	*ce_delta = 0;
	if (e->state == QUIC_ECN_FAILED || !largest_grew)
		return false;
	if (!reported) {
		if (!newly_acked_ect0)
			return false;
		goto fail;
	}
	if (quic_ecn_counts_bogus(old, reported, s->sent_ect0))
		goto fail;
	grown = (reported->ect0 - old->ect0) + (reported->ce - old->ce);
	if (grown < newly_acked_ect0)
		goto fail;
	if (newly_acked_ect0)
		e->state = QUIC_ECN_CAPABLE;
	if (e->state == QUIC_ECN_CAPABLE)
		*ce_delta = reported->ce - old->ce;
	*old = *reported;
	return false;
fail:
	e->state = QUIC_ECN_FAILED;
	return true;
}
EXPORT_SYMBOL_GPL(quic_ecn_on_ack);
