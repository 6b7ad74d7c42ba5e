// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of packet number truncation and recovery (net/quic/pnum.c).
 */
#include "tap.h"
#include "../../../net/quic/pnum.c"

static bool dec(u64 largest, u32 trunc, u8 len, u64 want)
{
	u64 pn = ~0ULL;

	return quic_pnum_decode(largest, trunc, len, &pn) && pn == want;
}

/* Truncate with the chosen length, recover, compare. */
static bool round_trip(u64 pn, u64 largest_acked)
{
	u8 len = quic_pnum_encode_len(pn, largest_acked);
	u8 buf[4];
	u64 out;

	quic_pnum_write(buf, pn, len);
	/* The receiver may have seen anything up to pn - 1 since then. */
	if (!quic_pnum_decode(largest_acked, quic_pnum_read(buf, len), len,
			      &out) || out != pn)
		return false;
	if (!pn)
		return true;
	return quic_pnum_decode(pn - 1, quic_pnum_read(buf, len), len, &out) &&
	       out == pn;
}

static void test_rfc_examples(void)
{
	tap_result(dec(0xa82f30ea, 0x9b32, 2, 0xa82f9b32),
		   "unit: pnum: RFC 9000 A.3 decode 0x9b32 after 0xa82f30ea");
	tap_result(quic_pnum_encode_len(0xac5c02, 0xabe8b3) == 2,
		   "unit: pnum: RFC 9000 A.2 encode 0xac5c02 acked 0xabe8b3 is 2 bytes");
	tap_result(quic_pnum_encode_len(0xace8fe, 0xabe8b3) == 3,
		   "unit: pnum: RFC 9000 A.2 encode 0xace8fe acked 0xabe8b3 is 3 bytes");
}

static void test_encode_len(void)
{
	tap_result(quic_pnum_encode_len(0, QUIC_PN_NONE) == 1,
		   "unit: pnum: first packet with nothing acked is 1 byte");
	tap_result(quic_pnum_encode_len(126, QUIC_PN_NONE) == 1 &&
		   quic_pnum_encode_len(127, QUIC_PN_NONE) == 2,
		   "unit: pnum: nothing acked switches to 2 bytes at 128 packets");
	tap_result(quic_pnum_encode_len(1000 + 127, 1000) == 1 &&
		   quic_pnum_encode_len(1000 + 128, 1000) == 2,
		   "unit: pnum: 1/2 byte boundary at 128 unacked");
	tap_result(quic_pnum_encode_len(0x8000 - 1 + 5, 5) == 2 &&
		   quic_pnum_encode_len(0x8000 + 5, 5) == 3,
		   "unit: pnum: 2/3 byte boundary at 2^15 unacked");
	tap_result(quic_pnum_encode_len(0x800000 - 1, 0) == 3 &&
		   quic_pnum_encode_len(0x800000, 0) == 4,
		   "unit: pnum: 3/4 byte boundary at 2^23 unacked");
	tap_result(quic_pnum_encode_len(1ULL << 40, 0) == 4,
		   "unit: pnum: huge gap clamps to 4 bytes");
	tap_result(quic_pnum_encode_len(5, 9) == 1,
		   "unit: pnum: pn below largest acked gives 1 byte");
	tap_result(quic_pnum_encode_len(QUIC_PN_MAX, QUIC_PN_MAX - 1) == 1,
		   "unit: pnum: pn 2^62-1 right after its predecessor is 1 byte");
}

static void test_send_len(void)
{
	tap_result(quic_pnum_send_len(0, QUIC_PN_NONE) == 2 &&
		   quic_pnum_send_len(1000 + 5, 1000) == 2,
		   "unit: pnum: we send at least 2 bytes where 1 would do");
	tap_result(quic_pnum_send_len(0x8000 + 5, 5) == 3 &&
		   quic_pnum_send_len(1ULL << 40, 0) == 4,
		   "unit: pnum: longer encodings the span needs are kept");
}

/*
 * @pn sent with @len bytes when the peer had acknowledged up to
 * @largest_acked; @overtaken later packets reach the receiver first.
 */
static bool survives_reorder(u64 pn, u64 largest_acked, u8 len,
			     u64 overtaken)
{
	u8 buf[4];
	u64 out;

	quic_pnum_write(buf, pn, len);
	return quic_pnum_decode(pn + overtaken, quic_pnum_read(buf, len), len,
				&out) && out == pn;
}

/*
 * Two GSO runs of 64 sent after a packet overtake it: with the RFC's
 * minimum of 1 byte (5 packets unacknowledged) it is rebuilt as pn + 256,
 * a number not sent yet; with what we send it is rebuilt right, up to
 * 2^15 - 2 packets overtaking it.
 */
static void test_send_len_reorder(void)
{
	u64 pn = 268711, acked = pn - 5;
	u8 rfc = quic_pnum_encode_len(pn, acked);
	u8 ours = quic_pnum_send_len(pn, acked);
	u64 n;
	bool ok = true;

	tap_result(rfc == 1 && survives_reorder(pn, acked, rfc, 126) &&
		   !survives_reorder(pn, acked, rfc, 127),
		   "unit: pnum: the RFC minimum fails once 127 packets overtake one");
	for (n = 0; n < 0x7fff; n++)
		ok &= survives_reorder(pn, acked, ours, n);
	tap_result(ok && !survives_reorder(pn, acked, ours, 0x7fff),
		   "unit: pnum: our length survives up to 2^15 - 2 packets overtaking it");
}

static void test_decode_windows(void)
{
	tap_result(dec(QUIC_PN_NONE, 0, 1, 0) && dec(QUIC_PN_NONE, 5, 1, 5),
		   "unit: pnum: decode with nothing received yet");
	tap_result(dec(0xff, 0x00, 1, 0x100),
		   "unit: pnum: 1-byte decode wraps forward past 0xff");
	tap_result(dec(0x100, 0xff, 1, 0xff),
		   "unit: pnum: 1-byte decode goes back below window base");
	tap_result(dec(0x17f, 0x00, 1, 0x200) && dec(0x17f, 0x7f, 1, 0x17f),
		   "unit: pnum: 1-byte decode half window edges");
	tap_result(dec(0x10, 0xf0, 1, 0xf0),
		   "unit: pnum: no wrap below zero near start");
	tap_result(dec(0xfffe, 0x0001, 2, 0x10001),
		   "unit: pnum: 2-byte decode wraps forward past 0xffff");
	tap_result(dec(0x1ffffffffULL, 0x00000000, 4, 0x200000000ULL),
		   "unit: pnum: 4-byte decode wraps forward past 2^33");
	tap_result(dec(0x12345678ULL, 0x12345679, 4, 0x12345679),
		   "unit: pnum: 4-byte decode next in sequence");
}

static void test_decode_near_max(void)
{
	u64 pn = 0;

	tap_result(dec(QUIC_PN_MAX - 1, 0xff, 1, QUIC_PN_MAX),
		   "unit: pnum: decode 2^62-1 after 2^62-2");
	tap_result(dec(QUIC_PN_MAX - 0x10, 0x00, 1,
		       (QUIC_PN_MAX & ~0xffULL)),
		   "unit: pnum: no forward wrap past 2^62");
	tap_result(!quic_pnum_decode(QUIC_PN_MAX, 0x00, 1, &pn) ||
		   pn <= QUIC_PN_MAX,
		   "unit: pnum: decode after 2^62-1 never exceeds 2^62-1");
	tap_result(!quic_pnum_decode(QUIC_PN_MAX, 0x7fffffff, 4, &pn),
		   "unit: pnum: candidate beyond 2^62-1 rejected");
	tap_result(!quic_pnum_decode(QUIC_PN_MAX + 1, 0, 1, &pn),
		   "unit: pnum: largest_pn above 2^62-1 rejected");
}

static void test_decode_bad_args(void)
{
	u64 pn;

	tap_result(!quic_pnum_decode(10, 0, 0, &pn) &&
		   !quic_pnum_decode(10, 0, 5, &pn),
		   "unit: pnum: pn_len 0 and 5 rejected");
	tap_result(!quic_pnum_decode(10, 0x100, 1, &pn) &&
		   !quic_pnum_decode(10, 0x10000, 2, &pn),
		   "unit: pnum: truncated value wider than pn_len rejected");
}

static void test_read_write(void)
{
	u8 buf[6] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
	bool ok = true;
	u8 n;

	quic_pnum_write(buf + 1, 0x1122334455ULL, 4);
	tap_result(buf[0] == 0xee && buf[1] == 0x22 && buf[4] == 0x55 &&
		   buf[5] == 0xee,
		   "unit: pnum: write 4 bytes big endian, no overrun");
	for (n = 1; n <= 4; n++)
		ok &= quic_pnum_read(buf + 1, n) ==
		      (u32)(0x22334455ULL >> (8 * (4 - n)));
	tap_result(ok, "unit: pnum: read 1..4 bytes");
	memset(buf, 0xee, sizeof(buf));
	quic_pnum_write(buf, 0xabcd, 9);
	tap_result(buf[4] == 0xee && buf[2] == 0xab && buf[3] == 0xcd,
		   "unit: pnum: bad write length clamped to 4 bytes");
}

static void test_round_trips(void)
{
	static const u64 pns[] = { 0, 1, 127, 128, 255, 256, 0x7fff, 0x8000,
				   0xffff, 0x10000, 0xabcdef, 0x12345678,
				   0xffffffffULL, 0x100000000ULL,
				   QUIC_PN_MAX - 1, QUIC_PN_MAX };
	static const u64 gaps[] = { 1, 2, 100, 127, 128, 0x7fff, 0x8000,
				    0x7fffff, 0x800000, 0x7fffffff };
	bool ok = true;
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(pns); i++) {
		ok &= round_trip(pns[i], QUIC_PN_NONE) || pns[i] >= 0x80000000;
		for (j = 0; j < ARRAY_SIZE(gaps); j++)
			if (pns[i] >= gaps[j])
				ok &= round_trip(pns[i], pns[i] - gaps[j]);
	}
	tap_result(ok, "unit: pnum: encode_len/write/read/decode round trips");
}

int main(void)
{
	test_rfc_examples();
	test_encode_len();
	test_send_len();
	test_send_len_reorder();
	test_decode_windows();
	test_decode_near_max();
	test_decode_bad_args();
	test_read_write();
	test_round_trips();
	return tap_exit();
}
