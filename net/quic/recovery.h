/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC loss detection arithmetic (RFC 9002 sections 5, 6 and Appendix A):
 * the RTT estimator, PTO and loss-delay computation, and per packet number
 * space bookkeeping of sent packets (acknowledgment, packet and time
 * threshold loss, bytes in flight, persistent congestion span).
 *
 * Pure: no timers, no sockets, no allocation. The caller owns every
 * struct quic_sent_pkt (e.g. from a kmem_cache), links it in with
 * quic_recovery_on_sent() and gets it back, unlinked, through a callback
 * when it is acknowledged, declared lost or discarded. Times are
 * microseconds on any monotonic clock the caller picks.
 *
 * Congestion control is not here; it consumes the results.
 */
#ifndef _NET_QUIC_RECOVERY_H
#define _NET_QUIC_RECOVERY_H

#include "codec_compat.h"

#ifdef __KERNEL__
#include <linux/list.h>
#else
/* Just enough of <linux/list.h> for this file, same names and meaning. */
#ifndef _QUIC_USER_LIST
#define _QUIC_USER_LIST
struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

#ifndef container_of
#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define list_entry(ptr, type, member)	container_of(ptr, type, member)

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_del_init(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	INIT_LIST_HEAD(e);
}
#endif /* _QUIC_USER_LIST */
#endif /* __KERNEL__ */

/* RFC 9002 6.2.2 / A.2 */
#define QUIC_RTT_INITIAL_US		333000ULL
#define QUIC_GRANULARITY_US		1000ULL
#define QUIC_PACKET_THRESHOLD		3
/*
 * Reordering adaptation (RFC 9002 6.1.1 and 6.1.2 allow it): the packet
 * threshold grows to the reordering seen up to this, the time threshold
 * from 9/8 to 16/8 of the RTT, and both return to the RFC's values after
 * this many round trips with loss and no spurious loss.
 */
#define QUIC_PACKET_THRESHOLD_MAX	256
#define QUIC_TIME_THRESHOLD_STEPS_MAX	8
#define QUIC_REORDER_CALM_ROUNDS	16
#define QUIC_PERSISTENT_CONGESTION_THRESHOLD	3
/* Ack-eliciting packets sent per PTO expiration (RFC 9002 6.2.4: 1 or 2) */
#define QUIC_PTO_PROBES			2
/* RTT samples are clamped here so the EWMA arithmetic cannot overflow. */
#define QUIC_RTT_MAX_US			BIT_ULL(40)

#define QUIC_RECOVERY_PN_MAX		((1ULL << 62) - 1)
/* "No packet acknowledged yet" in struct quic_recovery_space.largest_acked */
#define QUIC_RECOVERY_PN_NONE		U64_MAX
/* Transport error for an ACK of a packet number never sent (RFC 9000 13.1) */
#define QUIC_RECOVERY_ERR_PROTOCOL_VIOLATION	0x0a
/* Transport error for a malformed ACK range (RFC 9000 20.1) */
#define QUIC_RECOVERY_ERR_FRAME_ENCODING	0x07

/**
 * struct quic_rtt - RTT estimator state (RFC 9002 5)
 * @latest_rtt: last raw sample
 * @min_rtt: minimum raw sample (ack delay never subtracted); 0 until the
 *	first sample, as samples are at least 1 us (quic_rtt_has_sample())
 * @smoothed_rtt: exponentially weighted average of adjusted samples
 * @rttvar: mean deviation estimate
 * @first_sample_us: time of the first sample when taken through
 *	quic_recovery_ack_done(), for persistent congestion; else 0
 *
 * Every connection embeds one: no flag of its own for "sampled", which
 * would cost a padded word.
 */
struct quic_rtt {
	u64 latest_rtt;
	u64 min_rtt;
	u64 smoothed_rtt;
	u64 rttvar;
	u64 first_sample_us;
};

/* At least one RTT sample was taken. */
static inline bool quic_rtt_has_sample(const struct quic_rtt *rtt)
{
	return rtt->min_rtt != 0;
}

void quic_rtt_init(struct quic_rtt *rtt, u64 initial_rtt_us);
void quic_rtt_update(struct quic_rtt *rtt, u64 latest_rtt_us, u64 ack_delay_us,
		     u64 max_ack_delay_us, bool handshake_confirmed);
u64 quic_pto_us(const struct quic_rtt *rtt, u64 max_ack_delay_us,
		u32 pto_count, bool include_max_ack_delay);
u64 quic_loss_time_threshold_us(const struct quic_rtt *rtt);
u64 quic_persistent_congestion_duration_us(const struct quic_rtt *rtt,
					   u64 max_ack_delay_us);
bool quic_persistent_congestion(const struct quic_rtt *rtt,
				u64 max_ack_delay_us, u64 first_sent_us,
				u64 last_sent_us);

/**
 * struct quic_sent_pkt - one sent packet awaiting acknowledgment
 * @list: link in struct quic_recovery_space.sent (owned by recovery while
 *	linked; unlinked and re-initialised before any callback)
 * @pn: packet number
 * @time_sent_us: send time
 * @size: bytes on the wire, counted in bytes in flight if @in_flight
 * @ack_eliciting: carries a frame other than ACK, PADDING, CONNECTION_CLOSE
 * @in_flight: ack-eliciting, PADDING or PATH_* content: counts in flight
 * @probe: a path MTU probe: its loss is no sign of congestion (RFC 9000
 *	14.4), so it starts no congestion event and ends any run of
 *	persistent congestion
 * @unconfirmed: sent before the handshake was confirmed: the peer may
 *	have held it until it had the keys to read it
 * @frames: caller's record of what the packet carried
 * @cookie: caller's spare word
 */
struct quic_sent_pkt {
	struct list_head list;
	u64 pn;
	u64 time_sent_us;
	u32 size;
	bool ack_eliciting;
	bool in_flight;
	bool probe;
	bool unconfirmed;
	void *frames;
	u64 cookie;
};

/**
 * struct quic_recovery_space - sent-packet state of one packet number space
 * @sent: packets not yet acknowledged or lost, ascending packet number
 * @next_pn: one above the largest packet number sent; an ACK at or above
 *	it is a protocol violation
 * @first_ackable: an ACK below it is one too: the packets there were
 *	refused unread (see quic_recovery_refused()); else 0
 * @largest_acked: largest packet number acknowledged, or
 *	QUIC_RECOVERY_PN_NONE
 * @loss_time_us: when the earliest outstanding packet at or below
 *	@largest_acked crosses the time threshold; 0 if none (RFC 9002 A.10)
 * @last_ack_eliciting_us: send time of the last ack-eliciting packet
 *	(time_of_last_ack_eliciting_packet, the PTO base)
 * @bytes_in_flight: this space's share of the connection's bytes in
 *	flight
 * @ack_eliciting_in_flight: ack-eliciting packets outstanding
 * @ack_only: packets outstanding that are neither ack-eliciting nor in
 *	flight (ACK frames only); see quic_recovery_shed_ack_only()
 * @lost_base: lowest packet number @lost_mask covers (the 64 up to the
 *	newest one declared lost)
 * @lost_mask: bit i set: @lost_base + i was declared lost and no ACK has
 *	covered it since; one that does shows the loss was spurious
 * @round_pn: low 32 bits of the packet number @largest_acked must reach
 *	before the time threshold grows again or another round of
 *	@calm_rounds counts (at most one of either per round trip)
 * @pkt_threshold: packet threshold in force, kPacketThreshold (3) or the
 *	largest reordering seen since, up to QUIC_PACKET_THRESHOLD_MAX
 * @time_steps: time threshold is (8 + @time_steps) / 8 of the RTT: 1 is
 *	RFC 9002's 9/8, one more per round trip with spurious loss
 * @calm_rounds: round trips with loss but no spurious loss since the
 *	thresholds last grew
 */
struct quic_recovery_space {
	struct list_head sent;
	u64 next_pn;
	u64 first_ackable;
	u64 largest_acked;
	u64 loss_time_us;
	u64 last_ack_eliciting_us;
	u64 bytes_in_flight;
	u32 ack_eliciting_in_flight;
	u32 ack_only;
	u64 lost_base;
	u64 lost_mask;
	u32 round_pn;
	u16 pkt_threshold;
	u8 time_steps;
	u8 calm_rounds;
};

/* Hands a packet, already unlinked, back to the caller, who now owns it. */
typedef void (*quic_sent_pkt_cb)(struct quic_sent_pkt *pkt, void *arg);

/**
 * struct quic_ack_result - what one ACK frame did to a space
 * @largest: largest range end seen (the frame's Largest Acknowledged)
 * @largest_newly_acked: largest packet number newly acknowledged, or
 *	QUIC_RECOVERY_PN_NONE
 * @largest_newly_acked_sent_us: its send time
 * @largest_newly_acked_unconfirmed: it was sent before the handshake was
 *	confirmed
 * @newly_acked: packets newly acknowledged
 * @acked_bytes: in-flight bytes they released
 * @ack_eliciting_acked: at least one of them was ack-eliciting
 * @rtt_sampled: quic_recovery_ack_done() took an RTT sample
 * @spurious: packets declared lost before that this frame acknowledged
 * @spurious_lowest: the lowest of them (valid if @spurious)
 * @err: QUIC transport error code once on_ack_range() failed, else 0
 * @pos: internal cursor into the sent list
 * @prev_start: internal, start of the previous range
 */
struct quic_ack_result {
	u64 largest;
	u64 largest_newly_acked;
	u64 largest_newly_acked_sent_us;
	bool largest_newly_acked_unconfirmed;
	u32 newly_acked;
	u64 acked_bytes;
	bool ack_eliciting_acked;
	bool rtt_sampled;
	u32 spurious;
	u64 spurious_lowest;
	u32 err;
	struct list_head *pos;
	u64 prev_start;
};

/**
 * struct quic_loss_result - what one loss detection pass found
 * @loss_time_us: also stored in the space: earliest time a remaining
 *	packet crosses the time threshold, 0 if none (arm the loss timer)
 * @lost: packets declared lost, path MTU probes not counted
 * @lost_bytes: in-flight bytes they released
 * @largest_lost_pn: largest packet number declared lost, or
 *	QUIC_RECOVERY_PN_NONE
 * @largest_lost_sent_us: its send time (congestion event start)
 * @pc_first_sent_us: with @pc_last_sent_us, the longest span between two
 *	ack-eliciting packets lost in this pass with every packet number
 *	between them lost too, both sent after the first RTT sample; equal
 *	(0, 0) if no such pair. Feed to quic_persistent_congestion().
 * @pc_last_sent_us: see @pc_first_sent_us
 */
struct quic_loss_result {
	u64 loss_time_us;
	u32 lost;
	u64 lost_bytes;
	u64 largest_lost_pn;
	u64 largest_lost_sent_us;
	u64 pc_first_sent_us;
	u64 pc_last_sent_us;
};

void quic_recovery_space_init(struct quic_recovery_space *sp);
int quic_recovery_on_sent(struct quic_recovery_space *sp,
			  struct quic_sent_pkt *pkt);
void quic_recovery_ack_begin(struct quic_recovery_space *sp,
			     struct quic_ack_result *res);
int quic_recovery_on_ack_range(struct quic_recovery_space *sp,
			       struct quic_ack_result *res, u64 start, u64 end,
			       quic_sent_pkt_cb acked, void *arg);
bool quic_recovery_ack_done(struct quic_recovery_space *sp,
			    struct quic_ack_result *res, struct quic_rtt *rtt,
			    u64 now_us, u64 ack_delay_us, u64 max_ack_delay_us,
			    bool handshake_confirmed);
void quic_recovery_detect_lost(struct quic_recovery_space *sp,
			       const struct quic_rtt *rtt, u64 now_us,
			       quic_sent_pkt_cb lost, void *arg,
			       struct quic_loss_result *res);
struct quic_sent_pkt *
quic_recovery_shed_ack_only(struct quic_recovery_space *sp);
void quic_recovery_discard(struct quic_recovery_space *sp,
			   quic_sent_pkt_cb discarded, void *arg);
void quic_recovery_refused(struct quic_recovery_space *sp,
			   quic_sent_pkt_cb refused, void *arg);
void quic_recovery_reorder_reset(struct quic_recovery_space *sp);
u64 quic_recovery_loss_delay_us(const struct quic_recovery_space *sp,
				const struct quic_rtt *rtt);
u64 quic_recovery_pto_time_us(const struct quic_recovery_space *sp,
			      const struct quic_rtt *rtt, u64 max_ack_delay_us,
			      u32 pto_count, bool include_max_ack_delay);

/* Bytes in flight accounting (RFC 9002 A.4/B.4), for any counter. */
static inline void quic_bytes_in_flight_add(u64 *bif,
					    const struct quic_sent_pkt *pkt)
{
	if (pkt->in_flight)
		*bif += pkt->size;
}

static inline void quic_bytes_in_flight_sub(u64 *bif,
					    const struct quic_sent_pkt *pkt)
{
	if (pkt->in_flight)
		*bif -= min_t(u64, *bif, pkt->size);
}

#endif /* _NET_QUIC_RECOVERY_H */
