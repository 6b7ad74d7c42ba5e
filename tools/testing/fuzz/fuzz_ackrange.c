// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the received packet number set (net/quic/ackrange.c).
 * The first byte picks a mode. Either the rest is a program of up to 511
 * add / remove_below operations (16 bits each) on packet numbers in an
 * 8192-wide window, placed at 0 or just below 2^62, checked after every step
 * against a bitmap of what was really added: the set never claims or
 * re-admits a packet number that was not added, stays sorted, disjoint and
 * within capacity, and survives an ACK frame encode/decode round trip. Or
 * the rest is an ACK frame's Largest Acknowledged, First ACK Range and
 * Gap/Length values for the range decoder. Bit 2 of the first byte makes
 * every array allocation fail, so the set stays inline.
 */
#include <stdbool.h>
#include <stdlib.h>

static bool fail_allocs;

static void *fuzz_alloc(size_t n)
{
	return fail_allocs ? NULL : malloc(n);
}

#define quic_ackrange_alloc(n)	fuzz_alloc(n)
#define quic_ackrange_free(p)	free(p)
#include "../../../net/quic/ackrange.c"

#include <stdio.h>

#include "fuzz_check.h"

#define WIN	8192

static u8 shadow[WIN / 8];

static bool added(u64 base, u64 pn)
{
	u64 off = pn - base;

	return pn >= base && off < WIN && (shadow[off / 8] >> (off % 8)) & 1;
}

static void check_set(const struct quic_ackrange_set *set, u64 base,
		      bool has_largest, u64 largest)
{
	u64 pairs[2 * QUIC_ACKRANGE_MAX], s, e, ps = 0, first = 0, pn;
	struct quic_ackrange_iter it;
	u32 i, n = quic_ackrange_count(set);
	int r;

	CHECK(n <= (set->heap ? QUIC_ACKRANGE_MAX : QUIC_ACKRANGE_INLINE));
	CHECK(!(fail_allocs && set->heap));
	CHECK(set->has_largest == has_largest);
	if (has_largest)
		CHECK(set->largest == largest);
	for (i = 0; i < n; i++) {
		CHECK(!quic_ackrange_get(set, i, &s, &e));
		CHECK(s <= e && s >= set->floor);
		CHECK(e <= largest);
		if (i)
			CHECK(e + 1 < ps);
		/* Never claim a packet number that was not added. */
		for (pn = s; pn <= e; pn++)
			CHECK(added(base, pn));
		if (!i) {
			first = e - s;
		} else {
			pairs[2 * (i - 1)] = ps - e - 2;
			pairs[2 * (i - 1) + 1] = e - s;
		}
		ps = s;
	}
	CHECK(quic_ackrange_get(set, n, &s, &e) == -ENOENT);
	if (!n)
		return;

	/* What an ACK frame would carry decodes back to the same set. */
	quic_ackrange_get(set, 0, &s, &e);
	quic_ackrange_iter_init(&it, e, first, pairs, n - 1);
	for (i = 0; (r = quic_ackrange_iter_next(&it, &s, &e)) == 1; i++) {
		u64 ws, we;

		CHECK(i < n);
		CHECK(!quic_ackrange_get(set, i, &ws, &we));
		CHECK(s == ws && e == we);
	}
	CHECK(r == 0 && i == n && !it.err);
}

static u64 rd64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Arbitrary ACK frame fields: intervals descend, never wrap, stay in range */
static void fuzz_decode(const u8 *data, size_t size)
{
	u64 pairs[64], largest, first, s, e, prev = 0;
	struct quic_ackrange_iter it;
	u32 n = 0, i = 0;
	int r;

	if (size < 16)
		return;
	largest = rd64(data) >> (data[0] & 1 ? 2 : 50);
	first = rd64(data + 8) >> (data[8] & 1 ? 2 : 54);
	data += 16;
	size -= 16;
	while (size && n < 64) {
		if ((data[0] & 1) && size >= 9) {
			pairs[n++] = rd64(data + 1) >> 2;
			data += 9;
			size -= 9;
		} else {
			pairs[n++] = (data[0] >> 1) & 15;
			data++;
			size--;
		}
	}
	quic_ackrange_iter_init(&it, largest, first, pairs, n / 2);
	while ((r = quic_ackrange_iter_next(&it, &s, &e)) == 1) {
		CHECK(s <= e && e <= largest);
		if (i++)
			CHECK(e + 1 < prev);
		prev = s;
	}
	CHECK(r == 0 || (r == -EINVAL && it.err == 0x07));
	if (r < 0)
		CHECK(quic_ackrange_iter_next(&it, &s, &e) == -EINVAL);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct quic_ackrange_set set;
	u64 base, pn, largest = 0;
	bool has_largest = false;
	size_t i;
	int r;

	if (size < 1)
		return 0;
	if (data[0] & 2) {
		fuzz_decode(data + 1, size - 1);
		return 0;
	}
	base = data[0] & 1 ? QUIC_ACKRANGE_PN_MAX + 1 - WIN : 0;
	fail_allocs = data[0] & 4;
	memset(shadow, 0, sizeof(shadow));
	quic_ackrange_init(&set);

	for (i = 1; i + 2 <= size && i < 1024; i += 2) {
		u16 v = data[i] | (u16)data[i + 1] << 8;

		pn = base + (v & (WIN - 1));
		if ((v >> 13) == 7) {
			/* remove_below: the floor only rises, set shrinks */
			u64 old_floor = set.floor;

			quic_ackrange_remove_below(&set, pn);
			CHECK(set.floor >= old_floor);
			if (has_largest)
				CHECK(set.floor <= largest + 1);
		} else {
			bool was = added(base, pn);

			r = quic_ackrange_add(&set, pn, i);
			CHECK(r == 0 || r == 1);
			/* A duplicate is never reported new... */
			if (was)
				CHECK(r == 0);
			/* ...and a new one only refused if forgotten. */
			if (r == 0 && !was)
				CHECK(pn < set.floor);
			if (r == 1) {
				CHECK(set.out_of_order ==
				      (has_largest &&
				       (pn < largest || pn > largest + 1)));
				if (!has_largest || pn > largest) {
					largest = pn;
					CHECK(set.largest_recv_ns == i);
				}
				has_largest = true;
			} else {
				CHECK(!set.out_of_order);
			}
			shadow[(pn - base) / 8] |= 1 << ((pn - base) % 8);
		}
		check_set(&set, base, has_largest, largest);
	}
	CHECK(quic_ackrange_add(&set, QUIC_ACKRANGE_PN_MAX + 1, 0) == -EINVAL);
	/* Releasing keeps a well-formed set that admits nothing new twice. */
	quic_ackrange_release(&set);
	CHECK(!set.heap);
	check_set(&set, base, has_largest, largest);
	return 0;
}
