// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC received packet number sets and ACK range decoding (RFC 9000 13.2,
 * 19.3.1). Pure: no locking, the caller serialises access. The only
 * allocation is the array a set moves to when its inline intervals run out.
 */
#include "ackrange.h"

#ifdef __KERNEL__
#include <linux/slab.h>
#endif

/*
 * Sets are updated in softirq, hence GFP_ATOMIC; a failure only means the
 * set keeps fewer intervals. Unit tests define their own pair before
 * including this file to inject allocation failures.
 */
#ifndef quic_ackrange_alloc
#ifdef __KERNEL__
#define quic_ackrange_alloc(n)	kmalloc(n, GFP_ATOMIC | __GFP_NOWARN)
#define quic_ackrange_free(p)	kfree(p)
#else
#define quic_ackrange_alloc(n)	malloc(n)
#define quic_ackrange_free(p)	free(p)
#endif
#endif

/*
 * A set moves back inline once it holds this few intervals: half the inline
 * room, so that a peer whose gaps come and go around the inline size does
 * not make every packet allocate or free.
 */
#define QUIC_ACKRANGE_SHRINK	(QUIC_ACKRANGE_INLINE / 2)

static struct quic_ackrange *quic_ackrange_v(struct quic_ackrange_set *set)
{
	return set->heap ?: set->inline_ranges;
}

static const struct quic_ackrange *
quic_ackrange_cv(const struct quic_ackrange_set *set)
{
	return set->heap ?: set->inline_ranges;
}

static u32 quic_ackrange_cap(const struct quic_ackrange_set *set)
{
	return set->heap ? QUIC_ACKRANGE_MAX : QUIC_ACKRANGE_INLINE;
}

/* Move the intervals to the array; false if it cannot be allocated. */
static bool quic_ackrange_grow(struct quic_ackrange_set *set)
{
	struct quic_ackrange *v;

	if (set->heap)
		return false;
	v = quic_ackrange_alloc(QUIC_ACKRANGE_MAX * sizeof(*v));
	if (!v)
		return false;
	memcpy(v, set->inline_ranges, set->count * sizeof(*v));
	set->heap = v;
	return true;
}

/* Move the intervals back inline and free the array, once few are left. */
static void quic_ackrange_shrink(struct quic_ackrange_set *set)
{
	struct quic_ackrange *v = set->heap;

	if (!v || set->count > QUIC_ACKRANGE_SHRINK)
		return;
	memcpy(set->inline_ranges, v, set->count * sizeof(*v));
	set->heap = NULL;
	quic_ackrange_free(v);
}

/**
 * quic_ackrange_init() - empty a set
 * @set: set to initialise; its old content, if any, is not freed
 */
void quic_ackrange_init(struct quic_ackrange_set *set)
{
	memset(set, 0, sizeof(*set));
}
EXPORT_SYMBOL_GPL(quic_ackrange_init);

/**
 * quic_ackrange_release() - free what a set allocated
 * @set: set, initialised; it stays usable and keeps its intervals, floor
 *	and largest packet number as long as they fit inline (the smallest
 *	are forgotten and the floor raised otherwise)
 */
void quic_ackrange_release(struct quic_ackrange_set *set)
{
	struct quic_ackrange *v = set->heap;

	if (!v)
		return;
	if (set->count > QUIC_ACKRANGE_INLINE) {
		set->floor = v[QUIC_ACKRANGE_INLINE].end + 1;
		set->count = QUIC_ACKRANGE_INLINE;
	}
	memcpy(set->inline_ranges, v, set->count * sizeof(*v));
	set->heap = NULL;
	quic_ackrange_free(v);
}
EXPORT_SYMBOL_GPL(quic_ackrange_release);

/*
 * Index of the first interval lying wholly below @pn (all before it lie
 * above @pn), or -1 if an interval already holds @pn.
 */
static int quic_ackrange_slot(const struct quic_ackrange_set *set, u64 pn)
{
	const struct quic_ackrange *r = quic_ackrange_cv(set);
	u32 i;

	for (i = 0; i < set->count; i++) {
		if (pn > r[i].end)
			break;
		if (pn >= r[i].start)
			return -1;
	}
	return i;
}

static void quic_ackrange_delete(struct quic_ackrange_set *set, u32 i)
{
	struct quic_ackrange *r = quic_ackrange_v(set);

	memmove(&r[i], &r[i + 1], (set->count - i - 1) * sizeof(r[0]));
	set->count--;
	quic_ackrange_shrink(set);
}

/**
 * quic_ackrange_add() - record a received packet number
 * @set: the space's set
 * @pn: packet number of a packet that was successfully decrypted
 * @recv_ns: time it was received; kept if @pn is the new largest (for the
 *	ACK Delay field)
 *
 * Adjacent intervals are merged. When all QUIC_ACKRANGE_MAX intervals are in
 * use (or the inline ones, if the array cannot be allocated) and @pn needs
 * a new one, the smallest interval is forgotten and the floor raised above
 * it: the largest packet numbers, which matter most to the peer's loss
 * detection, are always kept.
 *
 * A packet number below the floor may or may not have been seen. It is
 * reported as a duplicate, so the caller drops it rather than risk
 * processing a packet twice; such a packet is old enough that the peer
 * has, or will soon have, declared it lost and sent its frames again.
 *
 * Return: 1 if @pn is new (process the packet), 0 if it is a duplicate or
 * forgotten (drop it), -EINVAL if @pn exceeds 2^62 - 1.
 */
int quic_ackrange_add(struct quic_ackrange_set *set, u64 pn, u64 recv_ns)
{
	struct quic_ackrange *r = quic_ackrange_v(set);
	bool above, below;
	int slot;
	u32 i;

	if (pn > QUIC_ACKRANGE_PN_MAX)
		return -EINVAL;
	slot = pn < set->floor ? -1 : quic_ackrange_slot(set, pn);
	if (slot < 0) {
		set->out_of_order = false;
		return 0;
	}
	i = slot;

	/* RFC 9000 13.2.1: reordered, or a gap just opened above largest. */
	set->out_of_order = set->has_largest &&
			    (pn < set->largest || pn > set->largest + 1);
	if (!set->has_largest || pn > set->largest) {
		set->largest = pn;
		set->largest_recv_ns = recv_ns;
		set->has_largest = true;
	}

	above = i > 0 && r[i - 1].start == pn + 1;
	below = i < set->count && r[i].end + 1 == pn;
	if (above && below) {
		r[i - 1].start = r[i].start;
		quic_ackrange_delete(set, i);
		return 1;
	}
	if (above) {
		r[i - 1].start = pn;
		return 1;
	}
	if (below) {
		r[i].end = pn;
		return 1;
	}

	if (set->count == quic_ackrange_cap(set) && quic_ackrange_grow(set))
		r = set->heap;
	if (set->count == quic_ackrange_cap(set)) {
		if (i == set->count) {
			/* @pn would be the oldest interval: forget it now. */
			set->floor = pn + 1;
			return 1;
		}
		set->floor = r[set->count - 1].end + 1;
		set->count--;
	}
	memmove(&r[i + 1], &r[i], (set->count - i) * sizeof(r[0]));
	r[i].start = pn;
	r[i].end = pn;
	set->count++;
	return 1;
}
EXPORT_SYMBOL_GPL(quic_ackrange_add);

/**
 * quic_ackrange_contains() - whether a packet number is recorded
 * @set: the set
 * @pn: packet number
 *
 * Return: true only if @pn lies in a tracked interval; forgotten packet
 * numbers (below the floor) return false.
 */
bool quic_ackrange_contains(const struct quic_ackrange_set *set, u64 pn)
{
	return pn >= set->floor && quic_ackrange_slot(set, pn) < 0;
}
EXPORT_SYMBOL_GPL(quic_ackrange_contains);

/**
 * quic_ackrange_get() - one interval, for building an ACK frame
 * @set: the set
 * @idx: 0 for the interval holding the largest packet number, then down
 * @start: smallest packet number of the interval
 * @end: largest packet number of the interval
 *
 * Return: 0, or -ENOENT if @idx >= quic_ackrange_count().
 */
int quic_ackrange_get(const struct quic_ackrange_set *set, u32 idx,
		      u64 *start, u64 *end)
{
	const struct quic_ackrange *r = quic_ackrange_cv(set);

	if (idx >= set->count)
		return -ENOENT;
	*start = r[idx].start;
	*end = r[idx].end;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_ackrange_get);

/**
 * quic_ackrange_remove_below() - stop acknowledging old packet numbers
 * @set: the set
 * @pn: packet numbers below this are dropped from the set
 *
 * Called once the peer acknowledged a packet carrying an ACK frame whose
 * ranges covered everything below @pn (RFC 9000 13.2.4): the peer knows,
 * so those ranges need not be sent again. The floor rises to @pn, so a late
 * copy of such a packet is still recognised as a duplicate. @pn is clamped
 * to one above the largest packet number received.
 */
void quic_ackrange_remove_below(struct quic_ackrange_set *set, u64 pn)
{
	struct quic_ackrange *r = quic_ackrange_v(set);

	if (!set->has_largest)
		return;
	pn = min(pn, set->largest + 1);
	if (pn <= set->floor)
		return;
	set->floor = pn;
	while (set->count) {
		if (r[set->count - 1].end >= pn) {
			if (r[set->count - 1].start < pn)
				r[set->count - 1].start = pn;
			break;
		}
		set->count--;
	}
	quic_ackrange_shrink(set);
}
EXPORT_SYMBOL_GPL(quic_ackrange_remove_below);

/**
 * quic_ackrange_largest() - largest packet number received and its time
 * @set: the set
 * @pn: set to the largest packet number received
 * @recv_ns: set to the time it was received
 *
 * Return: false if nothing was received yet (outputs untouched).
 */
bool quic_ackrange_largest(const struct quic_ackrange_set *set, u64 *pn,
			   u64 *recv_ns)
{
	if (!set->has_largest)
		return false;
	*pn = set->largest;
	*recv_ns = set->largest_recv_ns;
	return true;
}
EXPORT_SYMBOL_GPL(quic_ackrange_largest);

/**
 * quic_ackrange_iter_init() - start walking a received ACK frame's ranges
 * @it: iterator
 * @largest: Largest Acknowledged
 * @first_range: First ACK Range
 * @pairs: Gap, ACK Range Length, Gap, ACK Range Length, ... as decoded;
 *	must stay valid while iterating
 * @nr_pairs: number of (Gap, ACK Range Length) pairs (ACK Range Count)
 */
void quic_ackrange_iter_init(struct quic_ackrange_iter *it, u64 largest,
			     u64 first_range, const u64 *pairs, u32 nr_pairs)
{
	memset(it, 0, sizeof(*it));
	it->pairs = pairs;
	it->nr_pairs = nr_pairs;
	it->largest = largest;
	it->first_range = first_range;
}
EXPORT_SYMBOL_GPL(quic_ackrange_iter_init);

/**
 * quic_ackrange_iter_next() - next acknowledged interval, largest first
 * @it: iterator
 * @start: smallest packet number of the interval
 * @end: largest packet number of the interval
 *
 * RFC 9000 19.3.1: the first interval is [largest - first_range, largest];
 * each following one ends Gap + 2 below the previous smallest and spans
 * ACK Range Length + 1 packet numbers. A computed packet number below 0 (or
 * a Largest Acknowledged beyond 2^62 - 1) makes the frame invalid.
 *
 * Return: 1 with an interval, 0 when done, -EINVAL on an invalid frame with
 * @it->err set to QUIC_ACKRANGE_ERR_FRAME_ENCODING (sticky).
 */
int quic_ackrange_iter_next(struct quic_ackrange_iter *it, u64 *start,
			    u64 *end)
{
	u64 gap, len, hi;

	if (it->err)
		return -EINVAL;
	if (!it->started) {
		if (it->largest > QUIC_ACKRANGE_PN_MAX ||
		    it->first_range > it->largest)
			goto invalid;
		it->started = true;
		it->smallest = it->largest - it->first_range;
		*start = it->smallest;
		*end = it->largest;
		return 1;
	}
	if (it->idx >= it->nr_pairs)
		return 0;
	gap = it->pairs[2 * it->idx];
	len = it->pairs[2 * it->idx + 1];
	if (it->smallest < 2 || gap > it->smallest - 2)
		goto invalid;
	hi = it->smallest - 2 - gap;
	if (len > hi)
		goto invalid;
	it->idx++;
	it->smallest = hi - len;
	*start = it->smallest;
	*end = hi;
	return 1;

invalid:
	it->err = QUIC_ACKRANGE_ERR_FRAME_ENCODING;
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(quic_ackrange_iter_next);
