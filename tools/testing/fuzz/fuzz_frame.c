// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the QUIC frame decoder. The input is treated as a
 * packet payload: frames are decoded one after another until the end or the
 * first error. Every decoded frame is re-encoded and decoded again, and the
 * two decodings must agree; ACK frames are also walked with the range
 * iterator and rebuilt with the ACK encoder.
 */
#include "../../../net/quic/frame.c"

#include <stdio.h>

#include "fuzz_check.h"

static int bytes_eq(const u8 *a, const u8 *b, u32 n)
{
	return !n || !memcmp(a, b, n);
}

static int same(const struct quic_frame *a, const struct quic_frame *b)
{
	if (a->type != b->type)
		return 0;
	if (quic_frame_is_stream(a->type))
		return a->stream.stream_id == b->stream.stream_id &&
		       a->stream.offset == b->stream.offset &&
		       a->stream.fin == b->stream.fin &&
		       a->stream.len == b->stream.len &&
		       bytes_eq(a->stream.data, b->stream.data, a->stream.len);
	switch (a->type) {
	case QUIC_FRAME_PADDING:
		return a->padding.len == b->padding.len;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		return a->ack.largest == b->ack.largest &&
		       a->ack.delay == b->ack.delay &&
		       a->ack.range_count == b->ack.range_count &&
		       a->ack.first_range == b->ack.first_range &&
		       a->ack.ranges_len == b->ack.ranges_len &&
		       bytes_eq(a->ack.ranges, b->ack.ranges,
				a->ack.ranges_len) &&
		       a->ack.ect0 == b->ack.ect0 &&
		       a->ack.ect1 == b->ack.ect1 && a->ack.ce == b->ack.ce;
	case QUIC_FRAME_CRYPTO:
		return a->crypto.offset == b->crypto.offset &&
		       a->crypto.len == b->crypto.len &&
		       bytes_eq(a->crypto.data, b->crypto.data, a->crypto.len);
	case QUIC_FRAME_NEW_TOKEN:
		return a->new_token.len == b->new_token.len &&
		       bytes_eq(a->new_token.token, b->new_token.token,
				a->new_token.len);
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		return a->close.error == b->close.error &&
		       a->close.frame_type == b->close.frame_type &&
		       a->close.reason_len == b->close.reason_len &&
		       bytes_eq(a->close.reason, b->close.reason,
				a->close.reason_len);
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		return a->datagram.len == b->datagram.len &&
		       bytes_eq(a->datagram.data, b->datagram.data,
				a->datagram.len);
	}
	/*
	 * The remaining members hold no pointers and the decoder zeroes the
	 * frame first; new_cid is the largest of them, so it covers them all.
	 */
	return !memcmp(&a->new_cid, &b->new_cid, sizeof(a->new_cid));
}

#define MAX_RANGES 256

/* Walk the ranges, then rebuild the frame from them and compare. */
static void check_ack(const struct quic_frame *f)
{
	static struct quic_ack_range r[MAX_RANGES];
	struct quic_ack_ecn ecn = {
		f->ack.ect0, f->ack.ect1, f->ack.ce,
	};
	struct quic_ack_iter it;
	struct quic_frame g;
	u64 lo, hi, prev_lo = 0, n = 0;
	u8 buf[MAX_RANGES * 20 + 64];
	u32 nr;
	int ret, len;

	quic_ack_iter_init(&it, &f->ack);
	while ((ret = quic_ack_range_next(&it, &lo, &hi)) == 1) {
		CHECK(lo <= hi);
		/* Descending, with at least one missing packet in between */
		if (n)
			CHECK(hi + 2 <= prev_lo);
		prev_lo = lo;
		if (n < MAX_RANGES)
			r[n] = (struct quic_ack_range){ lo, hi };
		n++;
	}
	CHECK(ret == 0 && n == f->ack.range_count + 1);
	if (n > MAX_RANGES)
		return;

	len = quic_frame_ack_encode(buf, sizeof(buf), r, n, f->ack.delay,
				    f->type == QUIC_FRAME_ACK_ECN ? &ecn : NULL,
				    &nr);
	CHECK(len > 0 && nr == n);
	CHECK(quic_frame_decode(buf, len, &g) == len);
	CHECK(g.type == f->type && g.ack.largest == f->ack.largest &&
	      g.ack.first_range == f->ack.first_range &&
	      g.ack.range_count == f->ack.range_count &&
	      g.ack.delay == f->ack.delay && g.ack.ce == f->ack.ce);
}

static void check_frame(const struct quic_frame *f, u32 consumed)
{
	struct quic_frame g, h;
	u8 *a, *b;
	u32 need;
	int n, m;

	need = quic_frame_encoded_len(f);
	/* Minimal varints never take more room than what was parsed */
	CHECK(need > 0 && need <= consumed);
	a = malloc(need);
	b = malloc(need);
	CHECK(a && b);
	n = quic_frame_encode(a, need, f);
	CHECK(n == (int)need);
	if (need > 1)
		CHECK(quic_frame_encode(b, need - 1, f) == -ENOSPC);
	CHECK(quic_frame_decode(a, n, &g) == n);
	CHECK(same(f, &g));
	/* The minimal encoding is a fixed point */
	m = quic_frame_encode(b, need, &g);
	CHECK(m == n && !memcmp(a, b, n));
	CHECK(quic_frame_decode(b, m, &h) == m && same(&g, &h));
	if (f->type == QUIC_FRAME_ACK || f->type == QUIC_FRAME_ACK_ECN)
		check_ack(f);
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quic_frame f;
	u32 off = 0;
	int n;

	if (size > 65536)
		return 0;
	while (off < size) {
		n = quic_frame_decode(data + off, size - off, &f);
		if (n < 0) {
			CHECK(n == -EINVAL);
			CHECK(f.err == QUIC_ERR_FRAME_ENCODING ||
			      f.err == QUIC_ERR_PROTOCOL_VIOLATION);
			break;
		}
		CHECK(n > 0 && (u32)n <= size - off);
		(void)quic_frame_allowed(f.type, QUIC_FRAME_PKT_0RTT);
		check_frame(&f, n);
		off += n;
	}
	return 0;
}
