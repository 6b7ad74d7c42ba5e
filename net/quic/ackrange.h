/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC received packet number sets and ACK range arithmetic (RFC 9000
 * sections 13.2 and 19.3).
 *
 * A receiver remembers which packet numbers it has seen in one packet number
 * space as disjoint inclusive intervals, largest first. Memory stays
 * bounded however many gaps a peer opens: a few intervals live in the set
 * itself, which is all a connection in order needs; the first gap beyond
 * them moves the intervals to one array of QUIC_ACKRANGE_MAX allocated on
 * demand, and the set moves back in and frees it once few intervals remain.
 * Idle connections thus keep no array of 32 (512 bytes) for each of their
 * spaces. When the array is full, or could not be allocated, the oldest
 * (smallest) interval is forgotten and everything at or below it becomes
 * "unknown"; such packet numbers are then reported as duplicates so a
 * replayed old packet is never processed twice (RFC 9000 13.2.3 allows
 * dropping them).
 *
 * The same file also walks the Gap/ACK Range Length pairs of a received ACK
 * frame and turns them into intervals, rejecting any that would go below 0.
 */
#ifndef _NET_QUIC_ACKRANGE_H
#define _NET_QUIC_ACKRANGE_H

#include "codec_compat.h"

/* Intervals kept per packet number space, at most. */
#define QUIC_ACKRANGE_MAX		32
/* Intervals kept inside the set itself, before an array is allocated. */
#define QUIC_ACKRANGE_INLINE		4
/* Largest packet number representable (a 62-bit variable-length integer). */
#define QUIC_ACKRANGE_PN_MAX		((1ULL << 62) - 1)
/* Transport error code for a malformed ACK frame (RFC 9000 20.1). */
#define QUIC_ACKRANGE_ERR_FRAME_ENCODING	0x07

/* One interval of packet numbers, inclusive: @start <= @end. */
struct quic_ackrange {
	u64 start;
	u64 end;
};

/**
 * struct quic_ackrange_set - packet numbers received in one space
 * @heap: array of QUIC_ACKRANGE_MAX intervals once more than
 *	QUIC_ACKRANGE_INLINE are needed, else NULL
 * @inline_ranges: the intervals while @heap is NULL
 * @largest: largest packet number ever added (valid if @has_largest)
 * @largest_recv_ns: receive time of @largest, as passed to add()
 * @floor: packet numbers below this are forgotten and count as duplicates
 * @count: intervals in use (in @heap, else in @inline_ranges); they are
 *	disjoint, non-adjacent and sorted largest first
 * @has_largest: at least one packet number was added
 * @out_of_order: the last add() saw a new packet that calls for an
 *	immediate ACK (RFC 9000 13.2.1): below the largest, or leaving a gap
 *	above it
 */
struct quic_ackrange_set {
	struct quic_ackrange *heap;
	struct quic_ackrange inline_ranges[QUIC_ACKRANGE_INLINE];
	u64 largest;
	u64 largest_recv_ns;
	u64 floor;
	u32 count;
	bool has_largest;
	bool out_of_order;
};

void quic_ackrange_init(struct quic_ackrange_set *set);
void quic_ackrange_release(struct quic_ackrange_set *set);
int quic_ackrange_add(struct quic_ackrange_set *set, u64 pn, u64 recv_ns);
bool quic_ackrange_contains(const struct quic_ackrange_set *set, u64 pn);
int quic_ackrange_get(const struct quic_ackrange_set *set, u32 idx,
		      u64 *start, u64 *end);
void quic_ackrange_remove_below(struct quic_ackrange_set *set, u64 pn);
bool quic_ackrange_largest(const struct quic_ackrange_set *set, u64 *pn,
			   u64 *recv_ns);

static inline u32 quic_ackrange_count(const struct quic_ackrange_set *set)
{
	return set->count;
}

static inline bool
quic_ackrange_out_of_order(const struct quic_ackrange_set *set)
{
	return set->out_of_order;
}

/**
 * struct quic_ackrange_iter - walk the ranges of a received ACK frame
 * @pairs: Gap and ACK Range Length values, alternating (2 * @nr_pairs)
 * @nr_pairs: number of (gap, length) pairs
 * @idx: next pair to consume
 * @largest: Largest Acknowledged field
 * @first_range: First ACK Range field
 * @smallest: smallest packet number of the interval returned last
 * @started: the first interval was returned
 * @err: QUIC transport error code once next() failed, else 0
 */
struct quic_ackrange_iter {
	const u64 *pairs;
	u32 nr_pairs;
	u32 idx;
	u64 largest;
	u64 first_range;
	u64 smallest;
	bool started;
	u32 err;
};

void quic_ackrange_iter_init(struct quic_ackrange_iter *it, u64 largest,
			     u64 first_range, const u64 *pairs, u32 nr_pairs);
int quic_ackrange_iter_next(struct quic_ackrange_iter *it, u64 *start,
			    u64 *end);

#endif /* _NET_QUIC_ACKRANGE_H */
