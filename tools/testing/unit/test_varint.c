// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the QUIC variable-length integer codec (RFC 9000 section 16
 * and the sample encodings of appendix A.1).
 */
#include "../../../net/quic/varint.h"

#include <inttypes.h>
#include "tap.h"

/* Decode @len bytes of @in; true if exactly @want came out of all of them. */
static int decodes_to(const u8 *in, u32 len, u64 want)
{
	const u8 *p = in;
	u32 left = len;
	u64 v;

	return quic_varint_get(&p, &left, &v) && v == want &&
	       p == in + len && left == 0;
}

static void test_boundaries(void)
{
	static const struct {
		u64 v;
		u8 len;
	} b[] = {
		{ 0, 1 }, { 63, 1 }, { 64, 2 }, { 16383, 2 }, { 16384, 4 },
		{ (1ULL << 30) - 1, 4 }, { 1ULL << 30, 8 },
		{ QUIC_VARINT_MAX, 8 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(b); i++) {
		u8 buf[9];
		u8 *end;
		int ok;

		memset(buf, 0xee, sizeof(buf));
		end = quic_varint_put(buf, b[i].v);
		ok = quic_varint_len(b[i].v) == b[i].len &&
		     end == buf + b[i].len && buf[b[i].len] == 0xee &&
		     quic_varint_len_from_byte(buf[0]) == b[i].len &&
		     decodes_to(buf, b[i].len, b[i].v);
		tap_result(ok, "unit: varint: %" PRIu64
			   " encodes in %u bytes and round-trips",
			   b[i].v, b[i].len);
	}
	tap_result(quic_varint_len(QUIC_VARINT_MAX + 1) == 0 &&
		   quic_varint_len(U64_MAX) == 0,
		   "unit: varint: values above 2^62-1 have no encoding");
}

static void test_rfc_samples(void)
{
	static const u8 s8[] = { 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c };
	static const u8 s4[] = { 0x9d, 0x7f, 0x3e, 0x7d };
	static const u8 s2[] = { 0x7b, 0xbd };
	static const u8 s1[] = { 0x25 };
	static const u8 s2nm[] = { 0x40, 0x25 };
	u8 buf[8];

	tap_result(decodes_to(s8, 8, 151288809941952652ULL) &&
		   quic_varint_put(buf, 151288809941952652ULL) == buf + 8 &&
		   !memcmp(buf, s8, 8),
		   "unit: varint: RFC 9000 A.1 8-byte sample 0xc2197c5eff14e88c");
	tap_result(decodes_to(s4, 4, 494878333) &&
		   quic_varint_put(buf, 494878333) == buf + 4 &&
		   !memcmp(buf, s4, 4),
		   "unit: varint: RFC 9000 A.1 4-byte sample 0x9d7f3e7d");
	tap_result(decodes_to(s2, 2, 15293) &&
		   quic_varint_put(buf, 15293) == buf + 2 &&
		   !memcmp(buf, s2, 2),
		   "unit: varint: RFC 9000 A.1 2-byte sample 0x7bbd");
	tap_result(decodes_to(s1, 1, 37) &&
		   quic_varint_put(buf, 37) == buf + 1 && buf[0] == 0x25,
		   "unit: varint: RFC 9000 A.1 1-byte sample 0x25");
	tap_result(decodes_to(s2nm, 2, 37),
		   "unit: varint: non-minimal 0x4025 decodes to 37");
}

static void test_truncated(void)
{
	static const u8 enc[][8] = {
		{ 0x40, 0x01 },
		{ 0x80, 0x00, 0x00, 0x01 },
		{ 0xc0, 0, 0, 0, 0, 0, 0, 1 },
	};
	int ok = 1;
	unsigned int i;
	u32 cut;

	for (i = 0; i < ARRAY_SIZE(enc); i++) {
		u32 full = quic_varint_len_from_byte(enc[i][0]);

		for (cut = 0; cut < full; cut++) {
			const u8 *p = enc[i];
			u32 left = cut;
			u64 v = 0x1234;

			if (quic_varint_get(&p, &left, &v) || p != enc[i] ||
			    left != cut || v != 0x1234)
				ok = 0;
		}
		if (!decodes_to(enc[i], full, 1))
			ok = 0;
	}
	tap_result(ok,
		   "unit: varint: truncated 2/4/8-byte inputs rejected, cursor untouched");
}

static void test_put_len(void)
{
	static const u8 widths[] = { 1, 2, 4, 8 };
	static const u64 vals[] = { 0, 1, 37, 63 };
	unsigned int i, j;
	int ok = 1;

	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		for (j = 0; j < ARRAY_SIZE(vals); j++) {
			u8 buf[8];

			if (quic_varint_put_len(buf, vals[j], widths[i]) !=
			    buf + widths[i] ||
			    quic_varint_len_from_byte(buf[0]) != widths[i] ||
			    !decodes_to(buf, widths[i], vals[j]))
				ok = 0;
		}
	}
	tap_result(ok,
		   "unit: varint: put_len fixed widths 1/2/4/8 round-trip small values");

	{
		u8 buf[8];

		ok = quic_varint_put_len(buf, 16383, 2) == buf + 2 &&
		     decodes_to(buf, 2, 16383) &&
		     quic_varint_put_len(buf, (1ULL << 30) - 1, 4) == buf + 4 &&
		     decodes_to(buf, 4, (1ULL << 30) - 1) &&
		     quic_varint_put_len(buf, QUIC_VARINT_MAX, 8) == buf + 8 &&
		     decodes_to(buf, 8, QUIC_VARINT_MAX);
		tap_result(ok,
			   "unit: varint: put_len at each width's maximum round-trips");
	}
}

int main(void)
{
	test_boundaries();
	test_rfc_samples();
	test_truncated();
	test_put_len();
	return tap_exit();
}
