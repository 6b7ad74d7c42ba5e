// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the pure codecs: variable-length integers and packet
 * numbers (RFC 9000 Appendix A examples), frame encode/decode round trips
 * and the received packet number set behind ACK frames.
 *
 * Built into quic.o when CONFIG_QUIC_KUNIT_TEST is set; the suites run when
 * the module loads (or at boot when QUIC is built in).
 */
#include <kunit/test.h>

#include "varint.h"
#include "pnum.h"
#include "frame.h"
#include "ackrange.h"

/* RFC 9000 A.1: one example per encoding length. */
static const struct {
	u8 wire[8];
	u8 len;
	u64 value;
} quic_kunit_varints[] = {
	{ { 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c }, 8,
	  151288809941952652ULL },
	{ { 0x9d, 0x7f, 0x3e, 0x7d }, 4, 494878333 },
	{ { 0x7b, 0xbd }, 2, 15293 },
	{ { 0x25 }, 1, 37 },
};

static void quic_kunit_varint_rfc(struct kunit *test)
{
	u8 buf[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(quic_kunit_varints); i++) {
		const u8 *pos = quic_kunit_varints[i].wire;
		u32 left = quic_kunit_varints[i].len;
		u64 v = 0;
		u8 *end;

		KUNIT_EXPECT_TRUE(test, quic_varint_get(&pos, &left, &v));
		KUNIT_EXPECT_EQ(test, v, quic_kunit_varints[i].value);
		KUNIT_EXPECT_EQ(test, left, 0U);
		KUNIT_EXPECT_EQ(test, quic_varint_len(v),
				quic_kunit_varints[i].len);

		end = quic_varint_put(buf, v);
		KUNIT_EXPECT_EQ(test, (int)(end - buf),
				(int)quic_kunit_varints[i].len);
		KUNIT_EXPECT_MEMEQ(test, buf, quic_kunit_varints[i].wire,
				   quic_kunit_varints[i].len);
	}
}

static void quic_kunit_varint_edges(struct kunit *test)
{
	/* 37 in two bytes is valid, merely not minimal (RFC 9000 A.1). */
	static const u8 two[] = { 0x40, 0x25 };
	static const u8 short_buf[] = { 0x9d, 0x7f, 0x3e };
	const u8 *pos;
	u32 left;
	u64 v;

	KUNIT_EXPECT_EQ(test, quic_varint_len(63), 1);
	KUNIT_EXPECT_EQ(test, quic_varint_len(64), 2);
	KUNIT_EXPECT_EQ(test, quic_varint_len(16383), 2);
	KUNIT_EXPECT_EQ(test, quic_varint_len(16384), 4);
	KUNIT_EXPECT_EQ(test, quic_varint_len(1073741823), 4);
	KUNIT_EXPECT_EQ(test, quic_varint_len(1073741824), 8);

	pos = two;
	left = sizeof(two);
	KUNIT_EXPECT_TRUE(test, quic_varint_get(&pos, &left, &v));
	KUNIT_EXPECT_EQ(test, v, 37ULL);

	/* A 4-byte encoding with 3 bytes left must not be read. */
	pos = short_buf;
	left = sizeof(short_buf);
	KUNIT_EXPECT_FALSE(test, quic_varint_get(&pos, &left, &v));
}

static void quic_kunit_pnum(struct kunit *test)
{
	u8 buf[4];
	u64 pn;

	/* RFC 9000 A.2: 0xac5c02 with 0xabe8b3 acked needs 16 bits ... */
	KUNIT_EXPECT_EQ(test, quic_pnum_encode_len(0xac5c02, 0xabe8b3), 2);
	/* ... and 0xace8fe needs 18 bits, so 3 bytes. */
	KUNIT_EXPECT_EQ(test, quic_pnum_encode_len(0xace8fe, 0xabe8b3), 3);
	KUNIT_EXPECT_EQ(test, quic_pnum_encode_len(0, QUIC_PN_NONE), 1);

	/* RFC 9000 A.3: 0x9b32 after 0xa82f30ea decodes to 0xa82f9b32. */
	KUNIT_EXPECT_TRUE(test, quic_pnum_decode(0xa82f30ea, 0x9b32, 2, &pn));
	KUNIT_EXPECT_EQ(test, pn, 0xa82f9b32ULL);

	quic_pnum_write(buf, 0xa82f9b32, 2);
	KUNIT_EXPECT_EQ(test, buf[0], 0x9b);
	KUNIT_EXPECT_EQ(test, buf[1], 0x32);
	KUNIT_EXPECT_EQ(test, quic_pnum_read(buf, 2), 0x9b32U);

	KUNIT_EXPECT_FALSE(test, quic_pnum_decode(0, 0, 5, &pn));
}

static void quic_kunit_frame_roundtrip(struct kunit *test)
{
	static const u8 data[] = "hello, quic";
	struct quic_frame in = {}, out = {};
	u8 buf[64];
	int n;

	in.type = QUIC_FRAME_MAX_DATA;
	in.max_data.max = 1234567;
	n = quic_frame_encode(buf, sizeof(buf), &in);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, (u32)n, quic_frame_encoded_len(&in));
	KUNIT_EXPECT_EQ(test, quic_frame_decode(buf, n, &out), n);
	KUNIT_EXPECT_EQ(test, out.type, (u64)QUIC_FRAME_MAX_DATA);
	KUNIT_EXPECT_EQ(test, out.max_data.max, 1234567ULL);

	memset(&in, 0, sizeof(in));
	in.type = QUIC_FRAME_STREAM | QUIC_FRAME_STREAM_OFF |
		  QUIC_FRAME_STREAM_LEN | QUIC_FRAME_STREAM_FIN;
	in.stream.stream_id = 4;
	in.stream.offset = 70000;
	in.stream.len = sizeof(data);
	in.stream.fin = 1;
	in.stream.data = data;
	n = quic_frame_encode(buf, sizeof(buf), &in);
	KUNIT_ASSERT_GT(test, n, 0);
	memset(&out, 0, sizeof(out));
	KUNIT_EXPECT_EQ(test, quic_frame_decode(buf, n, &out), n);
	KUNIT_EXPECT_EQ(test, out.stream.stream_id, 4ULL);
	KUNIT_EXPECT_EQ(test, out.stream.offset, 70000ULL);
	KUNIT_EXPECT_EQ(test, out.stream.len, (u32)sizeof(data));
	KUNIT_EXPECT_EQ(test, out.stream.fin, 1);
	KUNIT_ASSERT_NOT_NULL(test, out.stream.data);
	KUNIT_EXPECT_MEMEQ(test, out.stream.data, data, sizeof(data));

	/* Too small a buffer: nothing written. */
	KUNIT_EXPECT_EQ(test, quic_frame_encode(buf, 3, &in), -ENOSPC);

	/* A truncated frame is a FRAME_ENCODING_ERROR. */
	memset(&out, 0, sizeof(out));
	KUNIT_EXPECT_EQ(test, quic_frame_decode(buf, 3, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, out.err, (u32)QUIC_ERR_FRAME_ENCODING);
}

static void quic_kunit_frame_rules(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, quic_frame_allowed(QUIC_FRAME_CRYPTO,
						   QUIC_FRAME_PKT_INITIAL));
	KUNIT_EXPECT_FALSE(test, quic_frame_allowed(QUIC_FRAME_STREAM,
						    QUIC_FRAME_PKT_INITIAL));
	KUNIT_EXPECT_FALSE(test, quic_frame_allowed(QUIC_FRAME_HANDSHAKE_DONE,
						    QUIC_FRAME_PKT_0RTT));
	KUNIT_EXPECT_FALSE(test, quic_frame_ack_eliciting(QUIC_FRAME_ACK));
	KUNIT_EXPECT_FALSE(test, quic_frame_ack_eliciting(QUIC_FRAME_PADDING));
	KUNIT_EXPECT_TRUE(test, quic_frame_ack_eliciting(QUIC_FRAME_PING));
	KUNIT_EXPECT_TRUE(test,
			  quic_frame_is_probing(QUIC_FRAME_PATH_CHALLENGE));
	KUNIT_EXPECT_FALSE(test, quic_frame_is_probing(QUIC_FRAME_STREAM));
}

static void quic_kunit_ackrange(struct kunit *test)
{
	struct quic_ackrange_set *set;
	u64 start, end;

	set = kunit_kzalloc(test, sizeof(*set), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set);
	quic_ackrange_init(set);

	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, 0, 100), 1);
	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, 1, 200), 1);
	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, 1, 300), 0);
	KUNIT_EXPECT_EQ(test, quic_ackrange_count(set), 1U);

	/* A gap: a second interval, and an immediate ACK is due. */
	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, 5, 400), 1);
	KUNIT_EXPECT_TRUE(test, quic_ackrange_out_of_order(set));
	KUNIT_EXPECT_EQ(test, quic_ackrange_count(set), 2U);
	KUNIT_EXPECT_FALSE(test, quic_ackrange_contains(set, 3));

	/* Filling the gap merges everything into [0, 5]. */
	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, 3, 500), 1);
	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, 2, 500), 1);
	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, 4, 500), 1);
	KUNIT_EXPECT_EQ(test, quic_ackrange_count(set), 1U);
	KUNIT_EXPECT_EQ(test, quic_ackrange_get(set, 0, &start, &end), 0);
	KUNIT_EXPECT_EQ(test, start, 0ULL);
	KUNIT_EXPECT_EQ(test, end, 5ULL);
	KUNIT_EXPECT_EQ(test, quic_ackrange_get(set, 1, &start, &end),
			-ENOENT);

	KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, QUIC_ACKRANGE_PN_MAX + 1,
						0), -EINVAL);

	/* More gaps than fit inline: all intervals are kept, then freed. */
	for (start = 10; start < 30; start += 2)
		KUNIT_EXPECT_EQ(test, quic_ackrange_add(set, start, 600), 1);
	KUNIT_EXPECT_EQ(test, quic_ackrange_count(set), 11U);
	KUNIT_EXPECT_TRUE(test, quic_ackrange_contains(set, 10));
	quic_ackrange_release(set);
	KUNIT_EXPECT_EQ(test, quic_ackrange_count(set),
			(u32)QUIC_ACKRANGE_INLINE);
	KUNIT_EXPECT_TRUE(test, quic_ackrange_contains(set, 28));
	KUNIT_EXPECT_FALSE(test, quic_ackrange_contains(set, 10));
}

static struct kunit_case quic_codec_kunit_cases[] = {
	KUNIT_CASE(quic_kunit_varint_rfc),
	KUNIT_CASE(quic_kunit_varint_edges),
	KUNIT_CASE(quic_kunit_pnum),
	KUNIT_CASE(quic_kunit_frame_roundtrip),
	KUNIT_CASE(quic_kunit_frame_rules),
	KUNIT_CASE(quic_kunit_ackrange),
	{}
};

static struct kunit_suite quic_codec_kunit_suite = {
	.name = "quic_codec",
	.test_cases = quic_codec_kunit_cases,
};

kunit_test_suite(quic_codec_kunit_suite);
