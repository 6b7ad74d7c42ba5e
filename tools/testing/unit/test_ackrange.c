// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of received packet number sets and ACK range decoding
 * (net/quic/ackrange.c).
 */
#include <stdbool.h>
#include <stdlib.h>
#include "tap.h"

/* Count the array allocations, and fail them on demand. */
static long live_allocs;
static long total_allocs;
static bool fail_allocs;

static void *test_alloc(size_t n)
{
	void *p;

	if (fail_allocs)
		return NULL;
	p = malloc(n);
	if (p) {
		live_allocs++;
		total_allocs++;
	}
	return p;
}

static void test_free(void *p)
{
	if (p)
		live_allocs--;
	free(p);
}

#define quic_ackrange_alloc(n)	test_alloc(n)
#define quic_ackrange_free(p)	test_free(p)
#include "../../../net/quic/ackrange.c"

/* The set holds exactly these intervals, given largest first. */
static bool ranges_are(const struct quic_ackrange_set *set,
		       const u64 (*want)[2], u32 n)
{
	u64 s, e;
	u32 i;

	if (quic_ackrange_count(set) != n)
		return false;
	for (i = 0; i < n; i++) {
		if (quic_ackrange_get(set, i, &s, &e) ||
		    s != want[i][0] || e != want[i][1])
			return false;
	}
	return quic_ackrange_get(set, n, &s, &e) == -ENOENT;
}

/* Sorted descending, disjoint, non-adjacent, within capacity and floor. */
static bool well_formed(const struct quic_ackrange_set *set)
{
	u64 s, e, prev_s = 0;
	u32 i;

	if (set->count > (set->heap ? QUIC_ACKRANGE_MAX : QUIC_ACKRANGE_INLINE))
		return false;
	for (i = 0; i < set->count; i++) {
		if (quic_ackrange_get(set, i, &s, &e))
			return false;
		if (s > e || s < set->floor)
			return false;
		if (i && e + 1 >= prev_s)
			return false;
		prev_s = s;
	}
	return true;
}

static void test_in_order(void)
{
	static const u64 want[][2] = { { 0, 99 } };
	struct quic_ackrange_set set;
	bool all_new = true, ooo = false;
	u64 pn, t;

	quic_ackrange_init(&set);
	tap_result(!quic_ackrange_largest(&set, &pn, &t) &&
		   quic_ackrange_count(&set) == 0,
		   "unit: ackrange: empty set has no largest and no ranges");
	for (pn = 0; pn < 100; pn++) {
		all_new &= quic_ackrange_add(&set, pn, 1000 + pn) == 1;
		ooo |= quic_ackrange_out_of_order(&set);
	}
	tap_result(all_new && !ooo && ranges_are(&set, want, 1),
		   "unit: ackrange: in-order 0..99 is one range, never out of order");
	tap_result(quic_ackrange_largest(&set, &pn, &t) && pn == 99 &&
		   t == 1099,
		   "unit: ackrange: largest 99 with its receive time");
	tap_result(quic_ackrange_contains(&set, 0) &&
		   quic_ackrange_contains(&set, 99) &&
		   !quic_ackrange_contains(&set, 100),
		   "unit: ackrange: contains() matches the range edges");
	tap_result(quic_ackrange_add(&set, QUIC_ACKRANGE_PN_MAX + 1, 0) ==
		   -EINVAL && quic_ackrange_count(&set) == 1,
		   "unit: ackrange: packet number above 2^62-1 rejected");
	quic_ackrange_release(&set);
}

static void test_reordered(void)
{
	static const u64 mid[][2] = { { 3, 3 }, { 0, 1 } };
	static const u64 end[][2] = { { 0, 3 } };
	struct quic_ackrange_set set;
	u64 pn, t;
	bool ok;

	quic_ackrange_init(&set);
	ok = quic_ackrange_add(&set, 1, 10) == 1 &&
	     quic_ackrange_add(&set, 0, 20) == 1 &&
	     quic_ackrange_add(&set, 3, 30) == 1;
	tap_result(ok && ranges_are(&set, mid, 2),
		   "unit: ackrange: reordered 1,0,3 gives [3] [0,1]");
	tap_result(quic_ackrange_add(&set, 2, 40) == 1 &&
		   ranges_are(&set, end, 1),
		   "unit: ackrange: filling the hole merges into [0,3]");
	tap_result(quic_ackrange_largest(&set, &pn, &t) && pn == 3 && t == 30,
		   "unit: ackrange: late packet keeps largest's receive time");
	quic_ackrange_release(&set);
}

static void test_duplicates(void)
{
	struct quic_ackrange_set set;
	bool ok;

	quic_ackrange_init(&set);
	ok = quic_ackrange_add(&set, 5, 0) == 1 &&
	     quic_ackrange_add(&set, 5, 0) == 0 &&
	     quic_ackrange_add(&set, 7, 0) == 1 &&
	     quic_ackrange_add(&set, 5, 0) == 0 &&
	     quic_ackrange_add(&set, 7, 0) == 0;
	tap_result(ok && quic_ackrange_count(&set) == 2,
		   "unit: ackrange: duplicates return 0 and change nothing");
	tap_result(!quic_ackrange_out_of_order(&set),
		   "unit: ackrange: a duplicate does not ask for an immediate ACK");
	quic_ackrange_release(&set);
}

static void test_merging(void)
{
	static const u64 three[][2] = { { 14, 14 }, { 12, 12 }, { 10, 10 } };
	static const u64 two[][2] = { { 14, 14 }, { 10, 12 } };
	static const u64 one[][2] = { { 9, 15 } };
	struct quic_ackrange_set set;

	quic_ackrange_init(&set);
	quic_ackrange_add(&set, 10, 0);
	quic_ackrange_add(&set, 14, 0);
	quic_ackrange_add(&set, 12, 0);
	tap_result(ranges_are(&set, three, 3),
		   "unit: ackrange: 10,14,12 gives three singletons, largest first");
	quic_ackrange_add(&set, 11, 0);
	tap_result(ranges_are(&set, two, 2),
		   "unit: ackrange: 11 joins [10] and [12]");
	quic_ackrange_add(&set, 13, 0);
	quic_ackrange_add(&set, 15, 0);
	quic_ackrange_add(&set, 9, 0);
	tap_result(ranges_are(&set, one, 1) && well_formed(&set),
		   "unit: ackrange: 13, 15, 9 merge everything into [9,15]");
	quic_ackrange_release(&set);
}

static void test_adversarial(void)
{
	struct quic_ackrange_set set;
	bool ok = true, fits = true;
	u64 s, e;
	u32 i;

	/* 10,000 single packet numbers, each leaving a gap: 0, 2, ..., 19998 */
	quic_ackrange_init(&set);
	for (i = 0; i < 10000; i++) {
		ok &= quic_ackrange_add(&set, 2ULL * i, i) == 1;
		fits &= well_formed(&set);
	}
	tap_result(ok && fits && quic_ackrange_count(&set) == QUIC_ACKRANGE_MAX,
		   "unit: ackrange: 10000 gapped adds stay at %u ranges",
		   QUIC_ACKRANGE_MAX);
	for (i = 0; i < QUIC_ACKRANGE_MAX; i++) {
		quic_ackrange_get(&set, i, &s, &e);
		ok &= s == 19998 - 2ULL * i && e == s;
	}
	tap_result(ok, "unit: ackrange: the 32 largest (19998 down to 19936) are kept");
	/* Smallest kept is 19936; [19934] was the last forgotten. */
	tap_result(quic_ackrange_add(&set, 19934, 0) == 0 &&
		   quic_ackrange_add(&set, 0, 0) == 0 &&
		   !quic_ackrange_contains(&set, 19934),
		   "unit: ackrange: forgotten packet numbers count as duplicates");
	tap_result(quic_ackrange_add(&set, 19935, 0) == 1 &&
		   quic_ackrange_get(&set, QUIC_ACKRANGE_MAX - 1, &s, &e) == 0 &&
		   s == 19935 && e == 19936,
		   "unit: ackrange: a never-seen number above the floor is still new");

	/*
	 * Descending arrivals: once full, the 33rd would be the oldest range,
	 * so it is admitted but forgotten at once (floor 39937); everything
	 * after it is below the floor and reported as a possible duplicate.
	 */
	quic_ackrange_release(&set);
	quic_ackrange_init(&set);
	ok = true;
	for (i = 0; i < 10000; i++)
		ok &= quic_ackrange_add(&set, 40000 - 2ULL * i, 0) ==
		      (i <= QUIC_ACKRANGE_MAX);
	quic_ackrange_get(&set, 0, &s, &e);
	tap_result(ok && well_formed(&set) && set.floor == 39937 &&
		   quic_ackrange_count(&set) == QUIC_ACKRANGE_MAX &&
		   s == 40000 && quic_ackrange_add(&set, 39936, 0) == 0,
		   "unit: ackrange: descending gapped arrivals keep the largest, older are dropped");

	/* Pseudo-random order over a window, with a shadow bitmap. */
	{
		static u8 seen[4096];
		u32 x = 12345, pn, lies = 0, wrong_new = 0;
		int r;

		quic_ackrange_release(&set);
		quic_ackrange_init(&set);
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < 10000; i++) {
			x = x * 1103515245 + 12345;
			pn = (x >> 8) % 4096;
			r = quic_ackrange_add(&set, pn, 0);
			if (r == 1 && seen[pn])
				wrong_new++;
			seen[pn] = 1;
			fits &= well_formed(&set);
		}
		for (pn = 0; pn < 4096; pn++)
			if (quic_ackrange_contains(&set, pn) && !seen[pn])
				lies++;
		tap_result(!lies && !wrong_new && fits,
			   "unit: ackrange: random adds never invent or re-admit a packet number");
	}
	quic_ackrange_release(&set);
}

static void test_out_of_order(void)
{
	struct quic_ackrange_set set;
	bool f[6];

	quic_ackrange_init(&set);
	quic_ackrange_add(&set, 0, 0);
	f[0] = quic_ackrange_out_of_order(&set);
	quic_ackrange_add(&set, 1, 0);
	f[1] = quic_ackrange_out_of_order(&set);
	quic_ackrange_add(&set, 3, 0);
	f[2] = quic_ackrange_out_of_order(&set);
	quic_ackrange_add(&set, 4, 0);
	f[3] = quic_ackrange_out_of_order(&set);
	quic_ackrange_add(&set, 2, 0);
	f[4] = quic_ackrange_out_of_order(&set);
	quic_ackrange_add(&set, 5, 0);
	f[5] = quic_ackrange_out_of_order(&set);
	tap_result(!f[0] && !f[1] && !f[3] && !f[5],
		   "unit: ackrange: next-in-sequence packets are in order");
	tap_result(f[2], "unit: ackrange: a gap opened above largest is out of order");
	tap_result(f[4], "unit: ackrange: a packet below largest is out of order");

	quic_ackrange_release(&set);
	quic_ackrange_init(&set);
	quic_ackrange_add(&set, 7, 0);
	tap_result(!quic_ackrange_out_of_order(&set),
		   "unit: ackrange: the first packet is never out of order");
	quic_ackrange_release(&set);
}

static void test_remove_below(void)
{
	static const u64 trimmed[][2] = { { 20, 25 }, { 12, 15 } };
	static const u64 grown[][2] = { { 20, 25 }, { 12, 16 } };
	static const u64 last[][2] = { { 26, 26 } };
	struct quic_ackrange_set set;
	u64 pn, t;
	u32 i;

	quic_ackrange_init(&set);
	quic_ackrange_remove_below(&set, 10);
	tap_result(set.floor == 0,
		   "unit: ackrange: remove_below on an empty set does nothing");
	for (i = 1; i <= 5; i++)
		quic_ackrange_add(&set, i, 0);
	for (i = 10; i <= 15; i++)
		quic_ackrange_add(&set, i, 0);
	for (i = 20; i <= 25; i++)
		quic_ackrange_add(&set, i, 0);
	quic_ackrange_remove_below(&set, 12);
	tap_result(ranges_are(&set, trimmed, 2),
		   "unit: ackrange: remove_below(12) drops [1,5], trims [10,15]");
	tap_result(quic_ackrange_add(&set, 11, 0) == 0 &&
		   quic_ackrange_add(&set, 3, 0) == 0,
		   "unit: ackrange: removed packet numbers stay duplicates");
	tap_result(quic_ackrange_add(&set, 16, 0) == 1 &&
		   ranges_are(&set, grown, 2),
		   "unit: ackrange: new numbers above the cut still merge");
	quic_ackrange_remove_below(&set, 5);
	tap_result(ranges_are(&set, grown, 2) && set.floor == 12,
		   "unit: ackrange: remove_below never lowers the floor");
	quic_ackrange_remove_below(&set, 1000);
	tap_result(quic_ackrange_count(&set) == 0 && set.floor == 26 &&
		   quic_ackrange_largest(&set, &pn, &t) && pn == 25,
		   "unit: ackrange: remove_below past largest clamps, keeps largest");
	tap_result(quic_ackrange_add(&set, 25, 0) == 0 &&
		   quic_ackrange_add(&set, 26, 0) == 1 &&
		   ranges_are(&set, last, 1) && !quic_ackrange_out_of_order(&set),
		   "unit: ackrange: after clearing, largest + 1 is new and in order");
	quic_ackrange_release(&set);
}

/* Decode (largest, first_range, pairs) fully; -1 on error, else count. */
static int decode(u64 largest, u64 first, const u64 *pairs, u32 n,
		  u64 (*out)[2], u32 max, u32 *err)
{
	struct quic_ackrange_iter it;
	int r, cnt = 0;
	u64 s, e;

	quic_ackrange_iter_init(&it, largest, first, pairs, n);
	while ((r = quic_ackrange_iter_next(&it, &s, &e)) == 1) {
		if (cnt < (int)max) {
			out[cnt][0] = s;
			out[cnt][1] = e;
		}
		cnt++;
	}
	*err = it.err;
	return r < 0 ? -1 : cnt;
}

static void test_ack_decode(void)
{
	static const u64 pairs[] = { 3, 10, 0, 0 };
	u64 out[4][2], bad[2];
	u32 err;
	int n;

	/* [95,100]; gap 3: ends at 95-2-3 = 90, len 10: [80,90]; [78,78] */
	n = decode(100, 5, pairs, 2, out, 4, &err);
	tap_result(n == 3 && !err && out[0][0] == 95 && out[0][1] == 100 &&
		   out[1][0] == 80 && out[1][1] == 90 &&
		   out[2][0] == 78 && out[2][1] == 78,
		   "unit: ackrange: decode 100/5/(3,10)/(0,0) = [95,100] [80,90] [78]");
	tap_result(decode(7, 7, NULL, 0, out, 4, &err) == 1 &&
		   out[0][0] == 0 && out[0][1] == 7,
		   "unit: ackrange: first range reaching exactly 0 is valid");
	tap_result(decode(7, 8, NULL, 0, out, 4, &err) == -1 &&
		   err == QUIC_ACKRANGE_ERR_FRAME_ENCODING,
		   "unit: ackrange: first range below 0 is FRAME_ENCODING_ERROR");

	bad[0] = 8;
	bad[1] = 0;
	tap_result(decode(10, 0, bad, 1, out, 4, &err) == 2 &&
		   out[1][0] == 0 && out[1][1] == 0,
		   "unit: ackrange: gap landing exactly on 0 is valid");
	bad[0] = 9;
	tap_result(decode(10, 0, bad, 1, out, 4, &err) == -1 &&
		   err == QUIC_ACKRANGE_ERR_FRAME_ENCODING,
		   "unit: ackrange: gap underflow rejected");
	bad[0] = 0;
	bad[1] = 9;
	tap_result(decode(10, 0, bad, 1, out, 4, &err) == -1 &&
		   err == QUIC_ACKRANGE_ERR_FRAME_ENCODING,
		   "unit: ackrange: range length underflow rejected");
	bad[0] = 0;
	bad[1] = 0;
	tap_result(decode(1, 0, bad, 1, out, 4, &err) == -1 &&
		   decode(0, 0, bad, 1, out, 4, &err) == -1,
		   "unit: ackrange: no room for a gap below 0 or 1 rejected");
	bad[0] = U64_MAX;
	bad[1] = U64_MAX;
	tap_result(decode(QUIC_ACKRANGE_PN_MAX, 0, bad, 1, out, 4, &err) == -1 &&
		   decode(QUIC_ACKRANGE_PN_MAX + 1, 0, NULL, 0, out, 4, &err) == -1,
		   "unit: ackrange: huge gap and largest above 2^62-1 rejected");
	{
		struct quic_ackrange_iter it;
		u64 s, e;

		bad[0] = 50;
		quic_ackrange_iter_init(&it, 10, 0, bad, 1);
		quic_ackrange_iter_next(&it, &s, &e);
		tap_result(quic_ackrange_iter_next(&it, &s, &e) == -EINVAL &&
			   quic_ackrange_iter_next(&it, &s, &e) == -EINVAL,
			   "unit: ackrange: decode error is sticky");
	}
}

/* Encode a set as an ACK frame would, decode it back, compare. */
static void test_ack_round_trip(void)
{
	struct quic_ackrange_set set;
	u64 pairs[2 * QUIC_ACKRANGE_MAX], out[QUIC_ACKRANGE_MAX][2];
	u64 s, e, ps, pe, first;
	bool ok = true;
	u32 i, n, err;
	int got;

	quic_ackrange_init(&set);
	for (i = 0; i < 200; i++)
		if (i % 7 && i % 11)
			quic_ackrange_add(&set, 1000 + i * 3 / 2, 0);
	n = quic_ackrange_count(&set);
	quic_ackrange_get(&set, 0, &ps, &pe);
	first = pe - ps;
	for (i = 1; i < n; i++) {
		quic_ackrange_get(&set, i, &s, &e);
		pairs[2 * (i - 1)] = ps - e - 2;
		pairs[2 * (i - 1) + 1] = e - s;
		ps = s;
	}
	quic_ackrange_get(&set, 0, &s, &e);
	got = decode(e, first, pairs, n - 1, out, QUIC_ACKRANGE_MAX, &err);
	ok = got == (int)n;
	for (i = 0; ok && i < n; i++) {
		quic_ackrange_get(&set, i, &s, &e);
		ok = out[i][0] == s && out[i][1] == e;
	}
	tap_result(ok && n > 1, "unit: ackrange: set -> gaps -> decode round trip (%u ranges)",
		   n);
	quic_ackrange_release(&set);
}

/* Inline intervals first, the array only while there are many. */
static void test_small_vector(void)
{
	static const u64 four[][2] = { { 6, 6 }, { 4, 4 }, { 2, 2 }, { 0, 0 } };
	static const u64 kept[][2] = { { 10, 10 }, { 8, 8 }, { 6, 6 }, { 4, 4 } };
	static const u64 tail[][2] = { { 16, 16 }, { 12, 14 } };
	long total_before = total_allocs;
	struct quic_ackrange_set set;
	bool ok = true;
	u64 s, e;
	u32 i;

	quic_ackrange_init(&set);
	for (i = 0; i < QUIC_ACKRANGE_INLINE; i++)
		quic_ackrange_add(&set, 2 * i, 0);
	tap_result(!set.heap && !live_allocs && ranges_are(&set, four, 4),
		   "unit: ackrange: %u gapped intervals stay inline, nothing allocated",
		   QUIC_ACKRANGE_INLINE);
	for (; i < 9; i++)
		quic_ackrange_add(&set, 2 * i, 0);
	for (i = 0; i < 9; i++) {
		ok &= !quic_ackrange_get(&set, i, &s, &e) &&
		      s == 16 - 2 * i && e == s;
	}
	tap_result(set.heap && live_allocs == 1 &&
		   total_allocs == total_before + 1 && ok &&
		   quic_ackrange_count(&set) == 9 && well_formed(&set),
		   "unit: ackrange: the 5th interval moves all to one array, none lost");
	quic_ackrange_remove_below(&set, 11);
	tap_result(set.heap && live_allocs == 1 && quic_ackrange_count(&set) == 3,
		   "unit: ackrange: 3 intervals left, array kept (hysteresis)");
	quic_ackrange_add(&set, 13, 0);
	tap_result(!set.heap && !live_allocs && ranges_are(&set, tail, 2) &&
		   !quic_ackrange_add(&set, 12, 0) &&
		   quic_ackrange_contains(&set, 14),
		   "unit: ackrange: a merge down to 2 intervals moves back inline, frees the array");

	/* No memory: the inline intervals are all there is. */
	quic_ackrange_release(&set);
	quic_ackrange_init(&set);
	fail_allocs = true;
	for (i = 0; i <= QUIC_ACKRANGE_INLINE; i++)
		quic_ackrange_add(&set, 2 * i + 2, 0);
	fail_allocs = false;
	tap_result(!set.heap && !live_allocs && ranges_are(&set, kept, 4) &&
		   set.floor == 3 && !quic_ackrange_add(&set, 2, 0) &&
		   quic_ackrange_add(&set, 3, 0) == 1 && well_formed(&set),
		   "unit: ackrange: failed allocation forgets the oldest interval, floor raised");
	quic_ackrange_release(&set);

	/* Releasing a set with many intervals keeps the largest inline. */
	quic_ackrange_init(&set);
	for (i = 0; i < 20; i++)
		quic_ackrange_add(&set, 100 + 3 * i, 0);
	quic_ackrange_release(&set);
	quic_ackrange_get(&set, 3, &s, &e);
	tap_result(!set.heap && !live_allocs &&
		   quic_ackrange_count(&set) == QUIC_ACKRANGE_INLINE &&
		   s == 148 && set.floor == 146 && well_formed(&set) &&
		   !quic_ackrange_add(&set, 145, 0) &&
		   quic_ackrange_add(&set, 158, 0) == 1,
		   "unit: ackrange: release keeps the %u largest, older become duplicates",
		   QUIC_ACKRANGE_INLINE);
	quic_ackrange_release(&set);
	quic_ackrange_release(&set);
	tap_result(!live_allocs, "unit: ackrange: release twice is harmless");
}

int main(void)
{
	test_in_order();
	test_reordered();
	test_duplicates();
	test_merging();
	test_adversarial();
	test_out_of_order();
	test_remove_below();
	test_ack_decode();
	test_ack_round_trip();
	test_small_vector();
	tap_result(!live_allocs, "unit: ackrange: every array freed (%ld allocated in all)",
		   total_allocs);
	return tap_exit();
}
