// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC RTT estimation and loss detection arithmetic (RFC 9002 5, 6, 7.6 and
 * Appendix A), without timers or sockets: the caller feeds in send times,
 * ACK ranges and "now", and arms its own timers from the results.
 */
#include "recovery.h"

static u64 quic_sat_add(u64 a, u64 b)
{
	return a > U64_MAX - b ? U64_MAX : a + b;
}

/**
 * quic_rtt_init() - reset an RTT estimator before the first sample
 * @rtt: estimator
 * @initial_rtt_us: kInitialRtt; 0 selects the RFC 9002 default of 333 ms
 *
 * Until a sample arrives smoothed_rtt is the initial RTT and rttvar half of
 * it (RFC 9002 6.2.2, A.4).
 */
void quic_rtt_init(struct quic_rtt *rtt, u64 initial_rtt_us)
{
	if (!initial_rtt_us)
		initial_rtt_us = QUIC_RTT_INITIAL_US;
	initial_rtt_us = min_t(u64, initial_rtt_us, QUIC_RTT_MAX_US);

	memset(rtt, 0, sizeof(*rtt));
	rtt->smoothed_rtt = initial_rtt_us;
	rtt->rttvar = initial_rtt_us >> 1;
}
EXPORT_SYMBOL_GPL(quic_rtt_init);

/**
 * quic_rtt_update() - feed one RTT sample (RFC 9002 5.3)
 * @rtt: estimator
 * @latest_rtt_us: time from sending the largest newly acknowledged packet
 *	to receiving its acknowledgment
 * @ack_delay_us: the peer's ACK Delay, already scaled by its
 *	ack_delay_exponent; pass 0 for Initial packets
 * @max_ack_delay_us: the peer's max_ack_delay
 * @handshake_confirmed: once true, @ack_delay_us is capped at
 *	@max_ack_delay_us; before, the peer's delay is taken as reported
 *
 * min_rtt tracks raw samples only. The ack delay is subtracted from a
 * sample only when the result stays at or above min_rtt. Then
 * rttvar = 3/4 rttvar + 1/4 |smoothed_rtt - adjusted| and
 * smoothed_rtt = 7/8 smoothed_rtt + 1/8 adjusted, rounded down.
 */
void quic_rtt_update(struct quic_rtt *rtt, u64 latest_rtt_us, u64 ack_delay_us,
		     u64 max_ack_delay_us, bool handshake_confirmed)
{
	u64 adjusted, diff;

	/* 1 us at least: min_rtt is 0 only before the first sample. */
	latest_rtt_us = clamp_t(u64, latest_rtt_us, 1, QUIC_RTT_MAX_US);
	rtt->latest_rtt = latest_rtt_us;
	if (!quic_rtt_has_sample(rtt)) {
		rtt->min_rtt = latest_rtt_us;
		rtt->smoothed_rtt = latest_rtt_us;
		rtt->rttvar = latest_rtt_us >> 1;
		return;
	}

	rtt->min_rtt = min(rtt->min_rtt, latest_rtt_us);
	if (handshake_confirmed)
		ack_delay_us = min(ack_delay_us, max_ack_delay_us);

	adjusted = latest_rtt_us;
	if (latest_rtt_us >= quic_sat_add(rtt->min_rtt, ack_delay_us))
		adjusted = latest_rtt_us - ack_delay_us;

	if (rtt->smoothed_rtt > adjusted)
		diff = rtt->smoothed_rtt - adjusted;
	else
		diff = adjusted - rtt->smoothed_rtt;
	/* All terms are <= 2^40, so the sums below cannot overflow. */
	rtt->rttvar = (3 * rtt->rttvar + diff) >> 2;
	rtt->smoothed_rtt = (7 * rtt->smoothed_rtt + adjusted) >> 3;
}
EXPORT_SYMBOL_GPL(quic_rtt_update);

/**
 * quic_pto_us() - probe timeout period (RFC 9002 6.2.1)
 * @rtt: estimator
 * @max_ack_delay_us: the peer's max_ack_delay
 * @pto_count: consecutive PTO expirations (exponential backoff)
 * @include_max_ack_delay: true for the Application Data space, false for
 *	Initial and Handshake
 *
 * Return: (smoothed_rtt + max(4 * rttvar, kGranularity)
 * [+ max_ack_delay]) << pto_count, saturating at U64_MAX.
 */
u64 quic_pto_us(const struct quic_rtt *rtt, u64 max_ack_delay_us,
		u32 pto_count, bool include_max_ack_delay)
{
	u64 var = rtt->rttvar > (U64_MAX >> 2) ? U64_MAX : rtt->rttvar << 2;
	u64 pto;

	pto = quic_sat_add(rtt->smoothed_rtt, max(var, QUIC_GRANULARITY_US));
	if (include_max_ack_delay)
		pto = quic_sat_add(pto, max_ack_delay_us);
	if (pto_count >= 64 || pto > (U64_MAX >> pto_count))
		return U64_MAX;
	return pto << pto_count;
}
EXPORT_SYMBOL_GPL(quic_pto_us);

/* (8 + @steps) / 8 of max(smoothed_rtt, latest_rtt), at least kGranularity */
static u64 quic_loss_delay(const struct quic_rtt *rtt, u32 steps)
{
	u64 base = max(rtt->smoothed_rtt, rtt->latest_rtt);

	/* base <= 2^40 (QUIC_RTT_MAX_US), steps <= 8: no overflow. */
	return max(base + (base >> 3) * steps, QUIC_GRANULARITY_US);
}

/**
 * quic_loss_time_threshold_us() - time-threshold loss delay (RFC 9002 6.1.2)
 * @rtt: estimator
 *
 * Return: max(9/8 * max(smoothed_rtt, latest_rtt), kGranularity).
 */
u64 quic_loss_time_threshold_us(const struct quic_rtt *rtt)
{
	return quic_loss_delay(rtt, 1);
}
EXPORT_SYMBOL_GPL(quic_loss_time_threshold_us);

/**
 * quic_persistent_congestion_duration_us() - RFC 9002 7.6.1
 * @rtt: estimator
 * @max_ack_delay_us: the peer's max_ack_delay
 *
 * Return: (smoothed_rtt + max(4 * rttvar, kGranularity) + max_ack_delay) *
 * kPersistentCongestionThreshold, saturating.
 */
u64 quic_persistent_congestion_duration_us(const struct quic_rtt *rtt,
					   u64 max_ack_delay_us)
{
	u64 pto = quic_pto_us(rtt, max_ack_delay_us, 0, true);

	if (pto > U64_MAX / QUIC_PERSISTENT_CONGESTION_THRESHOLD)
		return U64_MAX;
	return pto * QUIC_PERSISTENT_CONGESTION_THRESHOLD;
}
EXPORT_SYMBOL_GPL(quic_persistent_congestion_duration_us);

/**
 * quic_persistent_congestion() - is a span of loss persistent congestion
 * @rtt: estimator
 * @max_ack_delay_us: the peer's max_ack_delay
 * @first_sent_us: send time of the earlier of two lost ack-eliciting
 *	packets with nothing acknowledged sent between them
 * @last_sent_us: send time of the later one
 *
 * RFC 9002 7.6.2: only once an RTT sample exists, only for packets sent
 * after the first sample (when its time is known), and only if the span
 * exceeds the persistent congestion duration.
 *
 * Return: true if the congestion window should collapse to the minimum.
 */
bool quic_persistent_congestion(const struct quic_rtt *rtt,
				u64 max_ack_delay_us, u64 first_sent_us,
				u64 last_sent_us)
{
	if (!quic_rtt_has_sample(rtt) || last_sent_us <= first_sent_us)
		return false;
	if (rtt->first_sample_us && first_sent_us <= rtt->first_sample_us)
		return false;
	return last_sent_us - first_sent_us >
	       quic_persistent_congestion_duration_us(rtt, max_ack_delay_us);
}
EXPORT_SYMBOL_GPL(quic_persistent_congestion);

/**
 * quic_recovery_space_init() - empty per-space sent-packet state
 * @sp: space
 */
void quic_recovery_space_init(struct quic_recovery_space *sp)
{
	memset(sp, 0, sizeof(*sp));
	INIT_LIST_HEAD(&sp->sent);
	sp->largest_acked = QUIC_RECOVERY_PN_NONE;
	quic_recovery_reorder_reset(sp);
}
EXPORT_SYMBOL_GPL(quic_recovery_space_init);

/**
 * quic_recovery_reorder_reset() - back to RFC 9002's loss thresholds
 * @sp: space
 *
 * For a new space, and for a new path, whose reordering is yet to be
 * learnt (RFC 9000 9.4). Packets declared lost before are forgotten.
 */
void quic_recovery_reorder_reset(struct quic_recovery_space *sp)
{
	sp->lost_base = 0;
	sp->lost_mask = 0;
	sp->round_pn = 0;
	sp->pkt_threshold = QUIC_PACKET_THRESHOLD;
	sp->time_steps = 1;
	sp->calm_rounds = 0;
}
EXPORT_SYMBOL_GPL(quic_recovery_reorder_reset);

/**
 * quic_recovery_loss_delay_us() - the time threshold in force
 * @sp: space
 * @rtt: estimator
 *
 * RFC 9002 6.1.2 leaves room for adaptive thresholds: (8 + time_steps) / 8
 * of max(smoothed_rtt, latest_rtt), at least kGranularity. With one step,
 * quic_loss_time_threshold_us().
 *
 * Return: how long after its send time a packet below the largest
 * acknowledged one is declared lost.
 */
u64 quic_recovery_loss_delay_us(const struct quic_recovery_space *sp,
				const struct quic_rtt *rtt)
{
	return quic_loss_delay(rtt, sp->time_steps);
}
EXPORT_SYMBOL_GPL(quic_recovery_loss_delay_us);

/*
 * A packet is declared lost: remember its number in the window of 64
 * packet numbers that ends at the newest lost one, so that an ACK of it
 * later tells of reordering. Older numbers slide out, forgotten.
 */
static void quic_recovery_remember_lost(struct quic_recovery_space *sp,
					u64 pn)
{
	u64 shift;

	if (!sp->lost_mask) {
		sp->lost_base = pn;
	} else if (pn < sp->lost_base) {
		return;
	} else if (pn - sp->lost_base >= 64) {
		shift = pn - sp->lost_base - 63;
		sp->lost_mask = shift >= 64 ? 0 : sp->lost_mask >> shift;
		sp->lost_base += shift;
	}
	sp->lost_mask |= BIT_ULL(pn - sp->lost_base);
}

/* An ACK range covers [start, end]: take out the packets it shows arrived
 * after all, though declared lost, and count them in @res.
 */
static void quic_recovery_find_spurious(struct quic_recovery_space *sp,
					struct quic_ack_result *res,
					u64 start, u64 end)
{
	u64 lo, hi, bits, hits;

	if (!sp->lost_mask || end < sp->lost_base)
		return;
	lo = start > sp->lost_base ? start - sp->lost_base : 0;
	if (lo >= 64)
		return;
	hi = min_t(u64, end - sp->lost_base, 63);
	bits = GENMASK_ULL(hi, lo);
	hits = sp->lost_mask & bits;
	if (!hits)
		return;
	sp->lost_mask &= ~hits;
	lo = sp->lost_base + __ffs64(hits);
	if (!res->spurious || lo < res->spurious_lowest)
		res->spurious_lowest = lo;
	res->spurious += hweight64(hits);
}

/*
 * A new round trip for the thresholds: @largest_acked reached @round_pn,
 * then the next one starts with what is sent from now on. 32 bits, as
 * TCP compares sequence numbers: a round never spans 2^31 packets.
 */
static bool quic_recovery_new_round(struct quic_recovery_space *sp)
{
	if ((s32)((u32)sp->largest_acked - sp->round_pn) < 0)
		return false;
	sp->round_pn = (u32)sp->next_pn;
	return true;
}

/*
 * A frame acknowledged packets declared lost before: the path reorders
 * more than the thresholds allowed. The packet threshold grows to the
 * reordering seen (RFC 9002 6.1.1, like TCP's reordering metric), the
 * time threshold by an eighth of the RTT once per round trip (6.1.2, like
 * RACK's reordering window). Losses are declared before they turn out
 * spurious: a round their declaration counted as calm counts for the time
 * threshold instead.
 */
static void quic_recovery_on_spurious(struct quic_recovery_space *sp,
				      const struct quic_ack_result *res)
{
	u64 seen = sp->largest_acked - res->spurious_lowest + 1;
	bool was_calm = sp->calm_rounds;

	sp->calm_rounds = 0;
	if (seen > sp->pkt_threshold)
		sp->pkt_threshold = min_t(u64, seen, QUIC_PACKET_THRESHOLD_MAX);
	if (sp->time_steps < QUIC_TIME_THRESHOLD_STEPS_MAX &&
	    (quic_recovery_new_round(sp) || was_calm))
		sp->time_steps++;
}

/*
 * Losses were declared. Once thresholds that grew have seen
 * QUIC_REORDER_CALM_ROUNDS round trips with loss and none of it
 * spurious, the reordering they were raised for is taken to be gone.
 */
static void quic_recovery_on_real_loss(struct quic_recovery_space *sp)
{
	if (sp->pkt_threshold == QUIC_PACKET_THRESHOLD && sp->time_steps == 1)
		return;
	if (!quic_recovery_new_round(sp))
		return;
	if (++sp->calm_rounds < QUIC_REORDER_CALM_ROUNDS)
		return;
	sp->pkt_threshold = QUIC_PACKET_THRESHOLD;
	sp->time_steps = 1;
	sp->calm_rounds = 0;
}

/* Only an ACK of the peer's ever tells us of it; nothing waits for it. */
static bool quic_recovery_is_ack_only(const struct quic_sent_pkt *pkt)
{
	return !pkt->ack_eliciting && !pkt->in_flight;
}

/**
 * quic_recovery_on_sent() - start tracking a sent packet (RFC 9002 A.5)
 * @sp: its packet number space
 * @pkt: filled-in packet record, owned by @sp until handed back
 *
 * Packet numbers must increase; gaps (skipped numbers) are allowed.
 * Ack-eliciting packets move the PTO base (time of last ack-eliciting
 * packet); in-flight packets add their size to bytes in flight.
 *
 * Return: 0, or -EINVAL if @pkt->pn is not above every number sent before
 * or exceeds 2^62 - 1 (nothing is linked then).
 */
int quic_recovery_on_sent(struct quic_recovery_space *sp,
			  struct quic_sent_pkt *pkt)
{
	if (pkt->pn < sp->next_pn || pkt->pn > QUIC_RECOVERY_PN_MAX)
		return -EINVAL;
	list_add_tail(&pkt->list, &sp->sent);
	sp->next_pn = pkt->pn + 1;
	quic_bytes_in_flight_add(&sp->bytes_in_flight, pkt);
	if (pkt->ack_eliciting) {
		sp->ack_eliciting_in_flight++;
		sp->last_ack_eliciting_us = pkt->time_sent_us;
	}
	if (quic_recovery_is_ack_only(pkt))
		sp->ack_only++;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_recovery_on_sent);

static void quic_recovery_unlink(struct quic_recovery_space *sp,
				 struct quic_sent_pkt *pkt)
{
	list_del_init(&pkt->list);
	quic_bytes_in_flight_sub(&sp->bytes_in_flight, pkt);
	if (pkt->ack_eliciting && sp->ack_eliciting_in_flight)
		sp->ack_eliciting_in_flight--;
	if (quic_recovery_is_ack_only(pkt) && sp->ack_only)
		sp->ack_only--;
}

/**
 * quic_recovery_ack_begin() - start processing one received ACK frame
 * @sp: the space the ACK frame acknowledges packets of
 * @res: result to fill in by the following calls
 *
 * Then call quic_recovery_on_ack_range() for each range, largest first as
 * the frame lists them, and quic_recovery_ack_done() at the end. The sent
 * list must not change in between except through those calls.
 */
void quic_recovery_ack_begin(struct quic_recovery_space *sp,
			     struct quic_ack_result *res)
{
	memset(res, 0, sizeof(*res));
	res->largest = QUIC_RECOVERY_PN_NONE;
	res->largest_newly_acked = QUIC_RECOVERY_PN_NONE;
	res->pos = sp->sent.prev;
	res->prev_start = U64_MAX;
}
EXPORT_SYMBOL_GPL(quic_recovery_ack_begin);

/**
 * quic_recovery_on_ack_range() - acknowledge packet numbers [start, end]
 * @sp: space
 * @res: from quic_recovery_ack_begin()
 * @start: smallest acknowledged packet number of the range
 * @end: largest acknowledged packet number of the range
 * @acked: called with each newly acknowledged packet, already unlinked and
 *	removed from bytes in flight; the caller owns it from then on (may
 *	free it). It must not touch other packets of @sp. May be NULL.
 * @arg: passed to @acked
 *
 * Packet numbers in the range that are no longer tracked (acknowledged or
 * declared lost before, or skipped) are ignored. Ranges in descending order
 * cost one walk of the sent list for the whole frame; any other order
 * works too, just slower.
 *
 * Return: 0, or -EINVAL with @res->err set (and nothing done) if @end is a
 * packet number never sent (QUIC_RECOVERY_ERR_PROTOCOL_VIOLATION, RFC 9000
 * 13.1) or @start > @end (QUIC_RECOVERY_ERR_FRAME_ENCODING). The
 * error is sticky for the rest of this frame.
 */
int quic_recovery_on_ack_range(struct quic_recovery_space *sp,
			       struct quic_ack_result *res, u64 start, u64 end,
			       quic_sent_pkt_cb acked, void *arg)
{
	struct list_head *pos, *prev;
	struct quic_sent_pkt *pkt;

	if (res->err)
		return -EINVAL;
	if (start > end) {
		res->err = QUIC_RECOVERY_ERR_FRAME_ENCODING;
		return -EINVAL;
	}
	if (end >= sp->next_pn || start < sp->first_ackable) {
		res->err = QUIC_RECOVERY_ERR_PROTOCOL_VIOLATION;
		return -EINVAL;
	}
	if (res->largest == QUIC_RECOVERY_PN_NONE || end > res->largest)
		res->largest = end;
	quic_recovery_find_spurious(sp, res, start, end);

	/* The cursor only moves down; restart if this range is not below. */
	pos = res->pos;
	if (end >= res->prev_start)
		pos = sp->sent.prev;
	res->prev_start = start;

	while (pos != &sp->sent) {
		pkt = list_entry(pos, struct quic_sent_pkt, list);
		if (pkt->pn > end) {
			pos = pos->prev;
			continue;
		}
		if (pkt->pn < start)
			break;
		prev = pos->prev;
		res->newly_acked++;
		if (res->largest_newly_acked == QUIC_RECOVERY_PN_NONE ||
		    pkt->pn > res->largest_newly_acked) {
			res->largest_newly_acked = pkt->pn;
			res->largest_newly_acked_sent_us = pkt->time_sent_us;
			res->largest_newly_acked_unconfirmed =
				pkt->unconfirmed;
		}
		if (pkt->ack_eliciting)
			res->ack_eliciting_acked = true;
		if (pkt->in_flight)
			res->acked_bytes += pkt->size;
		quic_recovery_unlink(sp, pkt);
		if (acked)
			acked(pkt, arg);
		pos = prev;
	}
	res->pos = pos;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_recovery_on_ack_range);

/*
 * Before the handshake is confirmed a peer may hold packets it cannot
 * decrypt yet and acknowledge them once its keys come (RFC 9002 5.3), a
 * PTO or more later when the packets completing its handshake were lost;
 * the ACK Delay it reports says so. RFC 9002 5.3 keeps most of that wait
 * in the sample in three ways: a first sample is taken raw (smoothed_rtt
 * and min_rtt start at it); no delay is taken off when the rest would be
 * below min_rtt, as it is when the peer's measure of its hold comes out a
 * little long, and then the whole wait counts; and once the handshake is
 * confirmed the delay is capped at max_ack_delay, which a server meets
 * when the client's Finished and its ACK of the server's 0.5-RTT packets,
 * held with it, arrive in one datagram. Each made the RTT that wait, a
 * second or more over a path of a millisecond, and every PTO several
 * times as long until many samples brought it down: under loss, a few
 * PTOs in a row then outlast the idle timeout. An ACK of a packet sent
 * before confirmation, held for more than half the time measured, gives
 * no sample; the next one will.
 */
static bool quic_recovery_sample_held(u64 latest_rtt_us, u64 ack_delay_us,
				      bool sent_unconfirmed)
{
	return sent_unconfirmed && ack_delay_us > latest_rtt_us / 2;
}

/**
 * quic_recovery_ack_done() - finish an ACK frame: largest_acked and RTT
 * @sp: space
 * @res: after the last quic_recovery_on_ack_range()
 * @rtt: estimator to update
 * @now_us: time the ACK frame was received
 * @ack_delay_us: its ACK Delay, scaled (0 in the Initial space)
 * @max_ack_delay_us: the peer's max_ack_delay
 * @handshake_confirmed: see quic_rtt_update()
 *
 * Raises the space's largest_acked. An RTT sample is taken, as RFC 9002
 * 5.1 requires, only if the frame's largest acknowledged packet was newly
 * acknowledged and at least one newly acknowledged packet was
 * ack-eliciting, and only if the peer did not hold most of it for keys
 * (see quic_recovery_sample_held()); the first sample's time is
 * remembered for persistent congestion. Does nothing after an error.
 *
 * Return: true if an RTT sample was taken (@res->rtt_sampled).
 */
bool quic_recovery_ack_done(struct quic_recovery_space *sp,
			    struct quic_ack_result *res, struct quic_rtt *rtt,
			    u64 now_us, u64 ack_delay_us, u64 max_ack_delay_us,
			    bool handshake_confirmed)
{
	u64 sent, latest;

	if (res->err || res->largest == QUIC_RECOVERY_PN_NONE)
		return false;
	if (sp->largest_acked == QUIC_RECOVERY_PN_NONE ||
	    res->largest > sp->largest_acked)
		sp->largest_acked = res->largest;
	if (res->spurious)
		quic_recovery_on_spurious(sp, res);

	if (res->largest_newly_acked != res->largest ||
	    !res->ack_eliciting_acked)
		return false;
	sent = res->largest_newly_acked_sent_us;
	latest = now_us > sent ? now_us - sent : 0;
	if (quic_recovery_sample_held(latest, ack_delay_us,
				      res->largest_newly_acked_unconfirmed))
		return false;
	if (!quic_rtt_has_sample(rtt))
		rtt->first_sample_us = now_us;
	quic_rtt_update(rtt, latest, ack_delay_us, max_ack_delay_us,
			handshake_confirmed);
	res->rtt_sampled = true;
	return true;
}
EXPORT_SYMBOL_GPL(quic_recovery_ack_done);

/**
 * quic_recovery_detect_lost() - declare packets lost (RFC 9002 6.1, A.10)
 * @sp: space
 * @rtt: estimator
 * @now_us: current time
 * @lost: called with each lost packet, already unlinked and removed from
 *	bytes in flight; the caller owns it (queue its frames again, free it).
 *	It must not touch other packets of @sp. May be NULL.
 * @arg: passed to @lost
 * @res: filled with what was found
 *
 * Only packets at or below the space's largest acknowledged are candidates.
 * One is lost if it was sent the packet threshold (kPacketThreshold, 3,
 * until reordering raised it) or more packet numbers before
 * largest_acked, or at least the loss delay (quic_recovery_loss_delay_us())
 * before @now_us. Lost packet numbers are remembered a while: an ACK of
 * one later (quic_ack_result.spurious) raises both thresholds, and round
 * trips of real loss bring them back down. For the others, the
 * earliest time the delay will have passed is stored in @sp->loss_time_us
 * (0 if none): arm the loss timer for it. A lost path MTU probe goes to
 * @lost too, but counts nowhere in @res but @lost_bytes.
 *
 * Also measures, for quic_persistent_congestion(), the longest span between
 * two lost ack-eliciting packets with consecutive packet numbers lost all
 * the way between them. A gap in packet numbers (an acknowledged, earlier
 * lost, skipped or still outstanding packet) ends a span: conservative,
 * since a packet acknowledged in between must end it (RFC 9002 7.6.2).
 */
void quic_recovery_detect_lost(struct quic_recovery_space *sp,
			       const struct quic_rtt *rtt, u64 now_us,
			       quic_sent_pkt_cb lost, void *arg,
			       struct quic_loss_result *res)
{
	u64 delay, deadline, run_next = 0, run_first = 0;
	bool in_run = false, run_has_first = false;
	struct list_head *pos, *next;
	struct quic_sent_pkt *pkt;
	u64 largest = sp->largest_acked;

	memset(res, 0, sizeof(*res));
	res->largest_lost_pn = QUIC_RECOVERY_PN_NONE;
	sp->loss_time_us = 0;
	if (largest == QUIC_RECOVERY_PN_NONE)
		return;
	delay = quic_recovery_loss_delay_us(sp, rtt);

	for (pos = sp->sent.next; pos != &sp->sent; pos = next) {
		next = pos->next;
		pkt = list_entry(pos, struct quic_sent_pkt, list);
		if (pkt->pn > largest)
			break;
		deadline = quic_sat_add(pkt->time_sent_us, delay);
		if (deadline > now_us &&
		    largest < pkt->pn + sp->pkt_threshold) {
			if (!res->loss_time_us || deadline < res->loss_time_us)
				res->loss_time_us = deadline;
			in_run = false;
			continue;
		}

		if (pkt->in_flight)
			res->lost_bytes += pkt->size;
		if (pkt->probe) {
			in_run = false;
			quic_recovery_unlink(sp, pkt);
			if (lost)
				lost(pkt, arg);
			continue;
		}
		res->lost++;
		res->largest_lost_pn = pkt->pn;
		res->largest_lost_sent_us = pkt->time_sent_us;

		if (!in_run || pkt->pn != run_next) {
			in_run = true;
			run_has_first = false;
		}
		run_next = pkt->pn + 1;
		if (pkt->ack_eliciting && quic_rtt_has_sample(rtt) &&
		    (!rtt->first_sample_us ||
		     pkt->time_sent_us > rtt->first_sample_us)) {
			if (!run_has_first) {
				run_has_first = true;
				run_first = pkt->time_sent_us;
			} else if (pkt->time_sent_us - run_first >
				   res->pc_last_sent_us -
				   res->pc_first_sent_us) {
				res->pc_first_sent_us = run_first;
				res->pc_last_sent_us = pkt->time_sent_us;
			}
		}

		quic_recovery_remember_lost(sp, pkt->pn);
		quic_recovery_unlink(sp, pkt);
		if (lost)
			lost(pkt, arg);
	}
	sp->loss_time_us = res->loss_time_us;
	if (res->lost)
		quic_recovery_on_real_loss(sp);
}
EXPORT_SYMBOL_GPL(quic_recovery_detect_lost);

/**
 * quic_recovery_discard() - drop a space's keys (RFC 9002 6.4)
 * @sp: space
 * @discarded: called with each outstanding packet, unlinked and removed
 *	from bytes in flight; the caller owns it. May be NULL.
 * @arg: passed to @discarded
 *
 * Bytes in flight and the loss and PTO bases of the space return to 0.
 */
void quic_recovery_discard(struct quic_recovery_space *sp,
			   quic_sent_pkt_cb discarded, void *arg)
{
	struct quic_sent_pkt *pkt;

	while (!list_empty(&sp->sent)) {
		pkt = list_entry(sp->sent.next, struct quic_sent_pkt, list);
		quic_recovery_unlink(sp, pkt);
		if (discarded)
			discarded(pkt, arg);
	}
	sp->bytes_in_flight = 0;
	sp->ack_eliciting_in_flight = 0;
	sp->ack_only = 0;
	sp->loss_time_us = 0;
	sp->last_ack_eliciting_us = 0;
}
EXPORT_SYMBOL_GPL(quic_recovery_discard);

/**
 * quic_recovery_refused() - the peer refused every packet sent so far
 * @sp: space
 * @refused: called with each outstanding packet, as by
 *	quic_recovery_discard()
 * @arg: passed to @refused
 *
 * A server refusing a client's 0-RTT data never opens those packets (RFC
 * 9001 4.6.2), so it cannot acknowledge them: from now on an ACK of one
 * is a PROTOCOL_VIOLATION, as for a packet never sent. Packet numbers go
 * on from where they are.
 */
void quic_recovery_refused(struct quic_recovery_space *sp,
			   quic_sent_pkt_cb refused, void *arg)
{
	quic_recovery_discard(sp, refused, arg);
	sp->first_ackable = sp->next_pn;
}
EXPORT_SYMBOL_GPL(quic_recovery_refused);

/**
 * quic_recovery_shed_ack_only() - stop tracking the oldest ACK-only packet
 * @sp: space
 *
 * A peer acknowledges our packets only in ACK frames of its own, which it
 * owes us only for ack-eliciting packets (RFC 9000 13.2.1): the records of
 * a receiver's ACK-only packets could pile up here for as long as the
 * peer keeps sending. They are worth little (nothing to repeat, nothing
 * in flight), so past a limit the caller drops the oldest.
 *
 * Return: the record, unlinked and now the caller's, or NULL if @sp tracks
 * no ACK-only packet.
 */
struct quic_sent_pkt *
quic_recovery_shed_ack_only(struct quic_recovery_space *sp)
{
	struct quic_sent_pkt *pkt;
	struct list_head *pos;

	if (!sp->ack_only)
		return NULL;
	for (pos = sp->sent.next; pos != &sp->sent; pos = pos->next) {
		pkt = list_entry(pos, struct quic_sent_pkt, list);
		if (quic_recovery_is_ack_only(pkt)) {
			quic_recovery_unlink(sp, pkt);
			return pkt;
		}
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(quic_recovery_shed_ack_only);

/**
 * quic_recovery_pto_time_us() - when this space's PTO fires (RFC 9002 A.8)
 * @sp: space
 * @rtt: estimator
 * @max_ack_delay_us: the peer's max_ack_delay
 * @pto_count: consecutive PTO expirations
 * @include_max_ack_delay: see quic_pto_us()
 *
 * Return: time of the last ack-eliciting packet plus quic_pto_us(),
 * saturating, or 0 if no ack-eliciting packet is outstanding in @sp.
 */
u64 quic_recovery_pto_time_us(const struct quic_recovery_space *sp,
			      const struct quic_rtt *rtt, u64 max_ack_delay_us,
			      u32 pto_count, bool include_max_ack_delay)
{
	if (!sp->ack_eliciting_in_flight)
		return 0;
	return quic_sat_add(sp->last_ack_eliciting_us,
			    quic_pto_us(rtt, max_ack_delay_us, pto_count,
					include_max_ack_delay));
}
EXPORT_SYMBOL_GPL(quic_recovery_pto_time_us);
