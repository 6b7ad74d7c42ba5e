// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the QUIC frame codec: round trips of every frame type,
 * truncation sweeps, malformed input with the transport error it must map
 * to, the per-packet-type rules, and the ACK and header-only encoders.
 */
#include "../../../net/quic/frame.c"

#include <inttypes.h>
#include "tap.h"

#define FE	QUIC_ERR_FRAME_ENCODING
#define PV	QUIC_ERR_PROTOCOL_VIOLATION

static int bytes_eq(const u8 *a, const u8 *b, u32 n)
{
	return !n || (a && b && !memcmp(a, b, n));
}

/* Field-by-field equality; data fields compare by content, not pointer. */
static int frames_equal(const struct quic_frame *a, const struct quic_frame *b)
{
	if (a->type != b->type)
		return 0;
	if (quic_frame_is_stream(a->type))
		return a->stream.stream_id == b->stream.stream_id &&
		       a->stream.offset == b->stream.offset &&
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
	case QUIC_FRAME_RESET_STREAM:
		return !memcmp(&a->reset_stream, &b->reset_stream,
			       sizeof(a->reset_stream));
	case QUIC_FRAME_STOP_SENDING:
		return !memcmp(&a->stop_sending, &b->stop_sending,
			       sizeof(a->stop_sending));
	case QUIC_FRAME_CRYPTO:
		return a->crypto.offset == b->crypto.offset &&
		       a->crypto.len == b->crypto.len &&
		       bytes_eq(a->crypto.data, b->crypto.data, a->crypto.len);
	case QUIC_FRAME_NEW_TOKEN:
		return a->new_token.len == b->new_token.len &&
		       bytes_eq(a->new_token.token, b->new_token.token,
				a->new_token.len);
	case QUIC_FRAME_MAX_DATA ... QUIC_FRAME_STREAMS_BLOCKED_UNI:
		return a->max_data.stream_id == b->max_data.stream_id &&
		       a->max_data.max == b->max_data.max;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		return a->new_cid.seq == b->new_cid.seq &&
		       a->new_cid.retire_prior_to ==
		       b->new_cid.retire_prior_to &&
		       a->new_cid.cid_len == b->new_cid.cid_len &&
		       !memcmp(a->new_cid.cid, b->new_cid.cid,
			       a->new_cid.cid_len) &&
		       !memcmp(a->new_cid.reset_token, b->new_cid.reset_token,
			       QUIC_FRAME_RESET_TOKEN_LEN);
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		return a->retire_cid.seq == b->retire_cid.seq;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		return !memcmp(a->path.data, b->path.data, 8);
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
	return 1;
}

/*
 * Frames without a Length field (STREAM without LEN, DATAGRAM 0x30,
 * PADDING) run to the end of the buffer, so a shorter buffer that still
 * holds the header is a valid, shorter frame. Returns the header size for
 * those, 0 for self-delimiting frames.
 */
static u32 open_ended_hdr(const struct quic_frame *f, u32 enc_len)
{
	if (f->type == QUIC_FRAME_PADDING)
		return 1;
	if (quic_frame_is_stream(f->type) &&
	    !(f->type & QUIC_FRAME_STREAM_LEN))
		return enc_len - f->stream.len;
	if (f->type == QUIC_FRAME_DATAGRAM)
		return enc_len - f->datagram.len;
	return 0;
}

static u32 open_ended_len(const struct quic_frame *f)
{
	if (f->type == QUIC_FRAME_PADDING)
		return f->padding.len - 1;
	if (quic_frame_is_stream(f->type))
		return f->stream.len;
	return f->datagram.len;
}

/* Encode, decode, compare, re-encode; then -ENOSPC for one byte less. */
static int check_roundtrip(const struct quic_frame *f)
{
	u8 buf[256], again[256], small[256];
	struct quic_frame d;
	int n, m;

	n = quic_frame_encode(buf, sizeof(buf), f);
	if (n <= 0 || (u32)n != quic_frame_encoded_len(f))
		return 0;
	if (quic_frame_decode(buf, n, &d) != n || !frames_equal(f, &d))
		return 0;
	if (quic_frame_is_stream(f->type) &&
	    d.stream.fin != !!(f->type & QUIC_FRAME_STREAM_FIN))
		return 0;
	m = quic_frame_encode(again, sizeof(again), &d);
	if (m != n || memcmp(buf, again, n))
		return 0;
	memset(small, 0xa5, sizeof(small));
	if (quic_frame_encode(small, n - 1, f) != -ENOSPC ||
	    small[0] != 0xa5)
		return 0;
	return 1;
}

/* Every strict prefix must fail with FRAME_ENCODING_ERROR. */
static int check_truncation(const struct quic_frame *f)
{
	struct quic_frame d;
	u8 buf[256];
	u32 hdr, cut;
	int n;

	n = quic_frame_encode(buf, sizeof(buf), f);
	if (n <= 0)
		return 0;
	hdr = open_ended_hdr(f, n);
	for (cut = 0; cut < (u32)n; cut++) {
		/* An exact-size copy lets ASan catch reads past the cut */
		u8 *copy = malloc(cut ? cut : 1);
		int ret;

		memcpy(copy, buf, cut);
		ret = quic_frame_decode(copy, cut, &d);
		free(copy);
		if (hdr && cut >= hdr) {
			if (ret != (int)cut || open_ended_len(&d) != cut - hdr)
				return 0;
		} else if (ret != -EINVAL || d.err != FE) {
			return 0;
		}
	}
	return 1;
}

static const u8 data16[16] = "0123456789abcdef";
static const u8 ack_pairs[] = { 1, 3, 0, 0 };	/* 95..92, then 90 */

struct frame_case {
	const char *name;
	struct quic_frame f;
};

static const struct frame_case cases[] = {
	{ "PADDING run of 5", { .type = 0x00, .padding.len = 5 } },
	{ "PING", { .type = 0x01 } },
	{ "ACK with two extra ranges", { .type = 0x02, .ack = {
		.largest = 100, .delay = 25, .range_count = 2,
		.first_range = 2, .ranges = ack_pairs, .ranges_len = 4 } } },
	{ "ACK_ECN", { .type = 0x03, .ack = {
		.largest = QUIC_VARINT_MAX, .delay = 16384, .range_count = 0,
		.first_range = QUIC_VARINT_MAX, .ect0 = 1, .ect1 = 64,
		.ce = 1ULL << 30 } } },
	{ "RESET_STREAM", { .type = 0x04, .reset_stream = {
		.stream_id = 4, .app_error = 0x101,
		.final_size = 1ULL << 40 } } },
	{ "STOP_SENDING", { .type = 0x05, .stop_sending = {
		.stream_id = QUIC_VARINT_MAX, .app_error = 7 } } },
	{ "CRYPTO", { .type = 0x06, .crypto = {
		.offset = 1000, .len = 5, .data = data16 } } },
	{ "NEW_TOKEN", { .type = 0x07, .new_token = {
		.len = 16, .token = data16 } } },
	{ "STREAM 0x08 (no OFF/LEN/FIN)", { .type = 0x08, .stream = {
		.stream_id = 0, .len = 3, .data = data16 } } },
	{ "STREAM 0x09 (FIN)", { .type = 0x09, .stream = {
		.stream_id = 1, .len = 0 } } },
	{ "STREAM 0x0a (LEN)", { .type = 0x0a, .stream = {
		.stream_id = 2, .len = 16, .data = data16 } } },
	{ "STREAM 0x0b (LEN|FIN)", { .type = 0x0b, .stream = {
		.stream_id = 3, .len = 0 } } },
	{ "STREAM 0x0c (OFF)", { .type = 0x0c, .stream = {
		.stream_id = 4, .offset = 70000, .len = 4, .data = data16 } } },
	{ "STREAM 0x0d (OFF|FIN)", { .type = 0x0d, .stream = {
		.stream_id = 5, .offset = 1, .len = 1, .data = data16 } } },
	{ "STREAM 0x0e (OFF|LEN)", { .type = 0x0e, .stream = {
		.stream_id = 6, .offset = QUIC_VARINT_MAX - 16, .len = 16,
		.data = data16 } } },
	{ "STREAM 0x0f (OFF|LEN|FIN)", { .type = 0x0f, .stream = {
		.stream_id = 7, .offset = 64, .len = 2, .data = data16 } } },
	{ "MAX_DATA", { .type = 0x10, .max_data.max = QUIC_VARINT_MAX } },
	{ "MAX_STREAM_DATA", { .type = 0x11, .max_stream_data = {
		.stream_id = 8, .max = 65536 } } },
	{ "MAX_STREAMS bidi at 2^60", { .type = 0x12,
		.max_streams.max = 1ULL << 60 } },
	{ "MAX_STREAMS uni", { .type = 0x13, .max_streams.max = 100 } },
	{ "DATA_BLOCKED", { .type = 0x14, .data_blocked.max = 12345 } },
	{ "STREAM_DATA_BLOCKED", { .type = 0x15, .stream_data_blocked = {
		.stream_id = 9, .max = 0 } } },
	{ "STREAMS_BLOCKED bidi at 2^60", { .type = 0x16,
		.streams_blocked.max = 1ULL << 60 } },
	{ "STREAMS_BLOCKED uni", { .type = 0x17,
		.streams_blocked.max = 3 } },
	{ "NEW_CONNECTION_ID cid length 8", { .type = 0x18, .new_cid = {
		.seq = 3, .retire_prior_to = 3, .cid_len = 8,
		.cid = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.reset_token = "fedcba9876543210" } } },
	{ "NEW_CONNECTION_ID cid length 20", { .type = 0x18, .new_cid = {
		.seq = 1000, .retire_prior_to = 0, .cid_len = 20,
		.cid = "abcdefghijklmnopqrs",
		.reset_token = "0123456789abcdef" } } },
	{ "RETIRE_CONNECTION_ID", { .type = 0x19, .retire_cid.seq = 77 } },
	{ "PATH_CHALLENGE", { .type = 0x1a, .path.data = "chal1234" } },
	{ "PATH_RESPONSE", { .type = 0x1b, .path.data = "resp5678" } },
	{ "CONNECTION_CLOSE transport", { .type = 0x1c, .close = {
		.error = 0x0a, .frame_type = 0x08, .reason_len = 6,
		.reason = data16 } } },
	{ "CONNECTION_CLOSE application", { .type = 0x1d, .close = {
		.error = 0x1234, .reason_len = 0 } } },
	{ "HANDSHAKE_DONE", { .type = 0x1e } },
	{ "DATAGRAM 0x30 (no length)", { .type = 0x30, .datagram = {
		.len = 10, .data = data16 } } },
	{ "DATAGRAM 0x31 (with length)", { .type = 0x31, .datagram = {
		.len = 16, .data = data16 } } },
};

static void test_roundtrips(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tap_result(check_roundtrip(&cases[i].f),
			   "unit: frame: %s round-trips (encode, decode, re-encode identical, -ENOSPC one byte short)",
			   cases[i].name);
		tap_result(check_truncation(&cases[i].f),
			   "unit: frame: %s truncated at every length is rejected as FRAME_ENCODING_ERROR%s",
			   cases[i].name,
			   open_ended_hdr(&cases[i].f,
					  quic_frame_encoded_len(&cases[i].f)) ?
			   " (or shortened once the header is complete)" : "");
	}
}

/* Decode @in and check it fails with transport error @err. */
static int rejects(const u8 *in, u32 len, u32 err)
{
	struct quic_frame f;

	return quic_frame_decode(in, len, &f) == -EINVAL && f.err == err;
}

static int accepts(const u8 *in, u32 len)
{
	struct quic_frame f;

	return quic_frame_decode(in, len, &f) == (int)len;
}

#define REJECTS(err, ...) ({						\
	static const u8 in_[] = { __VA_ARGS__ };			\
	rejects(in_, sizeof(in_), err);					\
})
#define ACCEPTS(...) ({							\
	static const u8 in_[] = { __VA_ARGS__ };			\
	accepts(in_, sizeof(in_));					\
})

#define TOKEN16 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#define CID20 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, \
	      18, 19, 20

static void test_malformed(void)
{
	tap_result(REJECTS(PV, 0x40, 0x01) && REJECTS(PV, 0x40, 0x00) &&
		   REJECTS(PV, 0x80, 0x00, 0x00, 0x08, 0x00) &&
		   REJECTS(PV, 0xc0, 0, 0, 0, 0, 0, 0, 0x1e) &&
		   REJECTS(PV, 0x40, 0x1f),
		   "unit: frame: non-minimal frame type encoding rejected as PROTOCOL_VIOLATION");
	tap_result(REJECTS(FE, 0x1f) && REJECTS(FE, 0x20) &&
		   REJECTS(FE, 0x2f) && REJECTS(FE, 0x32) &&
		   REJECTS(FE, 0x3f) && REJECTS(FE, 0x40, 0x40) &&
		   REJECTS(FE, 0xbf, 0xff, 0xff, 0xff),
		   "unit: frame: unknown frame types rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x18, 1, 0, 0, TOKEN16),
		   "unit: frame: NEW_CONNECTION_ID with cid length 0 rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x18, 1, 0, 21, CID20, 21, TOKEN16) &&
		   ACCEPTS(0x18, 1, 0, 20, CID20, TOKEN16),
		   "unit: frame: NEW_CONNECTION_ID with cid length 21 rejected as FRAME_ENCODING_ERROR (20 accepted)");
	tap_result(REJECTS(FE, 0x18, 1, 2, 4, 1, 2, 3, 4, TOKEN16) &&
		   ACCEPTS(0x18, 2, 2, 4, 1, 2, 3, 4, TOKEN16),
		   "unit: frame: NEW_CONNECTION_ID with retire_prior_to > seq rejected as FRAME_ENCODING_ERROR");
	/* offset 2^62 - 1 plus one byte of data; then 2^62 - 2 plus one */
	tap_result(REJECTS(FE, 0x0e, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 1, 'x') &&
		   REJECTS(FE, 0x0c, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 'x') &&
		   ACCEPTS(0x0e, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xfe, 1, 'x') &&
		   ACCEPTS(0x0e, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0),
		   "unit: frame: STREAM offset+length beyond 2^62-1 rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 2, 'x', 'y') &&
		   ACCEPTS(0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xfd, 2, 'x', 'y'),
		   "unit: frame: CRYPTO offset+length beyond 2^62-1 rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x02, 5, 0, 0, 6) && ACCEPTS(0x02, 5, 0, 0, 5),
		   "unit: frame: ACK first range > largest acknowledged rejected as FRAME_ENCODING_ERROR");
	/* largest 10, first range 2 (8..10): gap 6 reaches 0, gap 7 below */
	tap_result(REJECTS(FE, 0x02, 10, 0, 1, 2, 7, 0) &&
		   REJECTS(FE, 0x02, 10, 0, 1, 2, 0, 7) &&
		   REJECTS(FE, 0x02, 10, 0, 2, 2, 0, 0, 5, 0) &&
		   ACCEPTS(0x02, 10, 0, 1, 2, 6, 0) &&
		   ACCEPTS(0x02, 10, 0, 1, 2, 0, 6),
		   "unit: frame: ACK gap or range length below packet number 0 rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x02, 10, 0, 0xbf, 0xff, 0xff, 0xff, 0, 0, 0) &&
		   REJECTS(FE, 0x03, 10, 0, 0, 0, 1, 1),
		   "unit: frame: ACK range count beyond the buffer and short ECN counts rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x12, 0xd0, 0, 0, 0, 0, 0, 0, 1) &&
		   REJECTS(FE, 0x13, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff) &&
		   ACCEPTS(0x13, 0xd0, 0, 0, 0, 0, 0, 0, 0),
		   "unit: frame: MAX_STREAMS > 2^60 rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x16, 0xd0, 0, 0, 0, 0, 0, 0, 1) &&
		   REJECTS(FE, 0x17, 0xd0, 0, 0, 0, 0, 0, 0, 1) &&
		   ACCEPTS(0x16, 0xd0, 0, 0, 0, 0, 0, 0, 0),
		   "unit: frame: STREAMS_BLOCKED > 2^60 rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x07, 0),
		   "unit: frame: NEW_TOKEN with empty token rejected as FRAME_ENCODING_ERROR");
	tap_result(REJECTS(FE, 0x1c, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 'a') &&
		   REJECTS(FE, 0x1d, 0, 4, 'a', 'b', 'c') &&
		   REJECTS(FE, 0x31, 0x80, 0, 1, 0, 'a') &&
		   REJECTS(FE, 0x0a, 0, 0xbf, 0xff, 0xff, 0xff, 'a') &&
		   REJECTS(FE, 0x06, 0, 2, 'a') &&
		   REJECTS(FE, 0x07, 0x7f, 0xff, 'a'),
		   "unit: frame: length fields past the end of the buffer rejected as FRAME_ENCODING_ERROR");
}

/* A packet payload holding several frames decodes one after another. */
static void test_sequence(void)
{
	static const u8 pkt[] = {
		0x01,				/* PING */
		0x02, 9, 0, 0, 1,		/* ACK 8..9 */
		0x00, 0x00, 0x00,		/* PADDING x3 */
		0x1a, 1, 2, 3, 4, 5, 6, 7, 8,	/* PATH_CHALLENGE */
		0x08, 4, 'h', 'i',		/* STREAM to the end */
	};
	static const u64 want[] = { 0x01, 0x02, 0x00, 0x1a, 0x08 };
	struct quic_frame f;
	u32 off = 0, i = 0;
	int ok = 1, n;

	while (off < sizeof(pkt)) {
		n = quic_frame_decode(pkt + off, sizeof(pkt) - off, &f);
		if (n <= 0 || i >= ARRAY_SIZE(want) || f.type != want[i]) {
			ok = 0;
			break;
		}
		if (f.type == 0x00 && f.padding.len != 3)
			ok = 0;
		if (f.type == 0x08 && (f.stream.stream_id != 4 ||
				       f.stream.len != 2 ||
				       memcmp(f.stream.data, "hi", 2)))
			ok = 0;
		off += n;
		i++;
	}
	tap_result(ok && i == ARRAY_SIZE(want) && off == sizeof(pkt),
		   "unit: frame: packet payload of PING, ACK, PADDING run, PATH_CHALLENGE, STREAM decodes frame by frame");
}

/* Known frame types, for the table sweeps. */
static const u64 known[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x30, 0x31,
};

static int in_list(u64 t, const u64 *l, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (l[i] == t)
			return 1;
	return 0;
}

static void test_tables(void)
{
	static const u64 ih[] = { 0x00, 0x01, 0x02, 0x03, 0x06, 0x1c };
	static const u64 no0rtt[] = { 0x02, 0x03, 0x06, 0x07, 0x19, 0x1b,
				      0x1e };
	static const u64 nae[] = { 0x00, 0x02, 0x03, 0x1c, 0x1d };
	static const u64 probe[] = { 0x00, 0x18, 0x1a, 0x1b };
	static const u64 unknown[] = { 0x1f, 0x20, 0x2f, 0x32, 0x40,
				       QUIC_VARINT_MAX, U64_MAX };
	int ok_i = 1, ok_h = 1, ok_0 = 1, ok_1 = 1, ok_u = 1, ok_ae = 1;
	int ok_p = 1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		u64 t = known[i];
		int is_ih = in_list(t, ih, ARRAY_SIZE(ih));

		ok_i &= quic_frame_allowed(t, QUIC_FRAME_PKT_INITIAL) == is_ih;
		ok_h &= quic_frame_allowed(t, QUIC_FRAME_PKT_HANDSHAKE) ==
			is_ih;
		ok_0 &= quic_frame_allowed(t, QUIC_FRAME_PKT_0RTT) ==
			!in_list(t, no0rtt, ARRAY_SIZE(no0rtt));
		ok_1 &= quic_frame_allowed(t, QUIC_FRAME_PKT_1RTT);
		ok_ae &= quic_frame_ack_eliciting(t) ==
			 !in_list(t, nae, ARRAY_SIZE(nae));
		ok_p &= quic_frame_is_probing(t) ==
			in_list(t, probe, ARRAY_SIZE(probe));
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		ok_u &= !quic_frame_allowed(unknown[i], QUIC_FRAME_PKT_1RTT) &&
			!quic_frame_ack_eliciting(unknown[i]);
	ok_u &= !quic_frame_allowed(0x01, (enum quic_frame_pkt_type)4);

	tap_result(ok_i,
		   "unit: frame: Initial allows only PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE 0x1c");
	tap_result(ok_h,
		   "unit: frame: Handshake allows only PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE 0x1c");
	tap_result(ok_0,
		   "unit: frame: 0-RTT forbids ACK, CRYPTO, NEW_TOKEN, RETIRE_CONNECTION_ID, PATH_RESPONSE, HANDSHAKE_DONE only");
	tap_result(ok_1, "unit: frame: 1-RTT allows every known frame type");
	tap_result(ok_u,
		   "unit: frame: unknown frame types and packet types are never allowed");
	tap_result(ok_ae,
		   "unit: frame: every frame but ACK, PADDING, CONNECTION_CLOSE is ack-eliciting");
	tap_result(ok_p,
		   "unit: frame: probing frames are PADDING, NEW_CONNECTION_ID, PATH_CHALLENGE, PATH_RESPONSE");
}

/* Decode an ACK and compare the iterator's intervals with @r[0..nr). */
static int ack_matches(const u8 *buf, int len, const struct quic_ack_range *r,
		       u32 nr, const struct quic_ack_ecn *ecn)
{
	struct quic_ack_iter it;
	struct quic_frame f;
	u64 lo, hi;
	u32 i = 0;
	int ret;

	if (quic_frame_decode(buf, len, &f) != len)
		return 0;
	if (f.type != (ecn ? 0x03u : 0x02u) || f.ack.range_count != nr - 1)
		return 0;
	if (ecn && (f.ack.ect0 != ecn->ect0 || f.ack.ect1 != ecn->ect1 ||
		    f.ack.ce != ecn->ce))
		return 0;
	quic_ack_iter_init(&it, &f.ack);
	while ((ret = quic_ack_range_next(&it, &lo, &hi)) == 1) {
		if (i >= nr || lo != r[i].start || hi != r[i].end)
			return 0;
		i++;
	}
	return ret == 0 && i == nr;
}

static void test_ack_encode(void)
{
	static const struct quic_ack_range r3[] = {
		{ 90, 100 }, { 50, 80 }, { 10, 20 },
	};
	static const struct quic_ack_ecn ecn = { 5, 6, 70000 };
	struct quic_ack_range many[100], bad[2];
	u8 buf[1024];
	u32 nr, i;
	int n, full;

	n = quic_frame_ack_encode(buf, sizeof(buf), r3, 3, 7, NULL, &nr);
	tap_result(n > 0 && nr == 3 && ack_matches(buf, n, r3, 3, NULL),
		   "unit: frame: ACK built from 3 ranges decodes back to the same intervals");
	n = quic_frame_ack_encode(buf, sizeof(buf), r3, 3, 7, &ecn, &nr);
	tap_result(n > 0 && nr == 3 && ack_matches(buf, n, r3, 3, &ecn),
		   "unit: frame: ACK_ECN built from ranges carries the ECN counts");

	/* 100 ranges, 3 apart: crosses the 1- to 2-byte Range Count width */
	for (i = 0; i < 100; i++) {
		many[i].end = 1000 - 3 * i;
		many[i].start = many[i].end - (i % 2);
	}
	full = quic_frame_ack_encode(buf, sizeof(buf), many, 100, 0, NULL,
				     &nr);
	n = full > 0 && nr == 100 && ack_matches(buf, full, many, 100, NULL);
	for (i = 6; n && i < (u32)full; i++) {
		u8 *tight = malloc(i);
		u32 fit;
		int m, more;

		m = quic_frame_ack_encode(tight, i, many, 100, 0, NULL, &fit);
		/* Maximal prefix: one more range would not have fit */
		more = fit < 100 ? quic_frame_ack_encode(buf, sizeof(buf),
							 many, fit + 1, 0,
							 NULL, &nr) : 0;
		if (m <= 0 || (u32)m > i || !ack_matches(tight, m, many, fit,
							  NULL) ||
		    (fit < 100 && (u32)more <= i))
			n = 0;
		free(tight);
	}
	tap_result(n,
		   "unit: frame: ACK encoder fits the largest prefix of ranges into every buffer size");

	/* type, largest (2 bytes), delay, count, first range: 6 bytes */
	tap_result(quic_frame_ack_encode(buf, 5, r3, 3, 7, NULL, &nr) ==
		   -ENOSPC &&
		   quic_frame_ack_encode(buf, 6, r3, 3, 7, NULL, &nr) == 6 &&
		   nr == 1,
		   "unit: frame: ACK encoder returns -ENOSPC only when the first range does not fit");

	bad[0] = (struct quic_ack_range){ 10, 20 };
	bad[1] = (struct quic_ack_range){ 5, 9 };	/* adjacent: gap -1 */
	n = quic_frame_ack_encode(buf, sizeof(buf), bad, 2, 0, NULL, &nr) ==
	    -EINVAL;
	bad[1] = (struct quic_ack_range){ 5, 8 };	/* one missing: gap 0 */
	n &= quic_frame_ack_encode(buf, sizeof(buf), bad, 2, 0, NULL, &nr) > 0;
	bad[1] = (struct quic_ack_range){ 15, 30 };	/* overlapping */
	n &= quic_frame_ack_encode(buf, sizeof(buf), bad, 2, 0, NULL, &nr) ==
	     -EINVAL;
	bad[0] = (struct quic_ack_range){ 20, 10 };	/* start > end */
	n &= quic_frame_ack_encode(buf, sizeof(buf), bad, 1, 0, NULL, &nr) ==
	     -EINVAL;
	n &= quic_frame_ack_encode(buf, sizeof(buf), r3, 0, 0, NULL, &nr) ==
	     -EINVAL;
	tap_result(n,
		   "unit: frame: ACK encoder rejects empty, inverted, overlapping and adjacent ranges");
}

static void test_ack_iter_hostile(void)
{
	static const u8 pairs[] = { 7, 0 };
	struct quic_frame_ack a = {
		.largest = 10, .first_range = 2, .range_count = 1,
		.ranges = pairs, .ranges_len = 2,
	};
	struct quic_ack_iter it;
	u64 lo, hi;
	int ok;

	quic_ack_iter_init(&it, &a);
	ok = quic_ack_range_next(&it, &lo, &hi) == 1 && lo == 8 && hi == 10 &&
	     quic_ack_range_next(&it, &lo, &hi) == -EINVAL;
	a.ranges_len = 1;	/* pair cut short */
	a.ranges = (const u8 *)"\x06";
	quic_ack_iter_init(&it, &a);
	ok &= quic_ack_range_next(&it, &lo, &hi) == 1 &&
	      quic_ack_range_next(&it, &lo, &hi) == -EINVAL;
	a.first_range = 11;
	quic_ack_iter_init(&it, &a);
	ok &= quic_ack_range_next(&it, &lo, &hi) == -EINVAL;
	tap_result(ok,
		   "unit: frame: ACK iterator on a hand-built frame reports underflow and short ranges");
}

/*
 * One STREAM header: the helper must write exactly the header the generic
 * encoder writes for the same frame, report its length, fail with -ENOSPC
 * in any shorter buffer, and fail with -EINVAL where the generic one fails.
 */
static bool stream_hdr_matches_generic(u64 id, u64 off, u32 len, bool fin,
				       bool with_len)
{
	static u8 data[16384], slow[64 + 16384];
	struct quic_frame f = { .type = QUIC_FRAME_STREAM };
	bool ok;
	u8 fast[64];
	int n, want;
	u32 room;

	if (off)
		f.type |= QUIC_FRAME_STREAM_OFF;
	if (with_len)
		f.type |= QUIC_FRAME_STREAM_LEN;
	if (fin)
		f.type |= QUIC_FRAME_STREAM_FIN;
	f.stream.stream_id = id;
	f.stream.offset = off;
	f.stream.len = len;
	f.stream.fin = fin;
	f.stream.data = data;
	want = quic_frame_encode(slow, sizeof(slow), &f);
	n = quic_frame_stream_hdr_encode(fast, sizeof(fast), id, off, len, fin,
					 with_len);
	if (want < 0)
		return n == -EINVAL &&
		       !quic_frame_stream_hdr_len(id, off, len, with_len);
	/* generic: header + data; the helper: the header only */
	ok = n > 0 && (u32)n + len == (u32)want && !memcmp(fast, slow, n) &&
	     quic_frame_stream_hdr_len(id, off, len, with_len) == (u32)n;
	for (room = 0; ok && room < (u32)n; room++)
		ok = quic_frame_stream_hdr_encode(fast, room, id, off, len, fin,
						  with_len) == -ENOSPC;
	return ok;
}

/* ... at every varint size boundary of the ID, offset and length. */
static void test_stream_hdr_matches_generic(void)
{
	static const u64 vals[] = {
		0, 1, 63, 64, 16383, 16384, (1ULL << 30) - 1, 1ULL << 30,
		QUIC_VARINT_MAX - 1500, QUIC_VARINT_MAX, QUIC_VARINT_MAX + 1,
	};
	static const u32 lens[] = { 0, 1, 63, 64, 1200, 16383, 16384 };
	unsigned int i, j, k, fl;
	int ok = 1, cases = 0;

	for (i = 0; i < ARRAY_SIZE(vals); i++)
		for (j = 0; j < ARRAY_SIZE(vals); j++)
			for (k = 0; k < ARRAY_SIZE(lens); k++)
				for (fl = 0; fl < 4; fl++, cases++)
					ok &= stream_hdr_matches_generic(vals[i],
						vals[j], lens[k], fl & 1, fl & 2);
	tap_result(ok && cases == 11 * 11 * 7 * 4,
		   "unit: frame: STREAM header helper writes what the generic encoder writes, at every varint boundary (%d cases)",
		   cases);
}

static void test_hdr_helpers(void)
{
	struct quic_frame f;
	u8 buf[128];
	int n, ok;

	/* STREAM header, then payload placed by the caller */
	n = quic_frame_stream_hdr_encode(buf, sizeof(buf), 4, 100000, 5, true,
					 true);
	ok = n > 0 && (u32)n == quic_frame_stream_hdr_len(4, 100000, 5, true);
	memcpy(buf + n, "hello", 5);
	ok &= quic_frame_decode(buf, n + 5, &f) == n + 5 && f.type == 0x0f &&
	      f.stream.stream_id == 4 && f.stream.offset == 100000 &&
	      f.stream.len == 5 && f.stream.fin &&
	      !memcmp(f.stream.data, "hello", 5);
	n = quic_frame_stream_hdr_encode(buf, sizeof(buf), 1, 0, 3, false,
					 false);
	ok &= n == 2 && quic_frame_stream_hdr_len(1, 0, 3, false) == 2;
	memcpy(buf + n, "abc", 3);
	ok &= quic_frame_decode(buf, n + 3, &f) == n + 3 && f.type == 0x08 &&
	      f.stream.len == 3 && !f.stream.fin;
	tap_result(ok,
		   "unit: frame: STREAM header helper (OFF only when non-zero, LEN optional) decodes with caller-placed data");

	ok = quic_frame_stream_hdr_encode(buf, sizeof(buf), 0,
					  QUIC_VARINT_MAX, 1, false, true) ==
	     -EINVAL &&
	     quic_frame_stream_hdr_len(0, QUIC_VARINT_MAX, 1, true) == 0 &&
	     quic_frame_stream_hdr_encode(buf, 3, 0, 100000, 1, false,
					  true) == -ENOSPC;
	tap_result(ok,
		   "unit: frame: STREAM header helper rejects offset+length past 2^62-1 and short buffers");

	n = quic_frame_crypto_hdr_encode(buf, sizeof(buf), 300, 4);
	ok = n == 4 && quic_frame_crypto_hdr_len(300, 4) == 4;
	memcpy(buf + n, "tls!", 4);
	ok &= quic_frame_decode(buf, n + 4, &f) == n + 4 && f.type == 0x06 &&
	      f.crypto.offset == 300 && f.crypto.len == 4 &&
	      !memcmp(f.crypto.data, "tls!", 4);
	tap_result(ok,
		   "unit: frame: CRYPTO header helper decodes with caller-placed data");

	n = quic_frame_datagram_hdr_encode(buf, sizeof(buf), 100, true);
	ok = n == 3 && quic_frame_datagram_hdr_len(100, true) == 3 &&
	     buf[0] == 0x31;
	memset(buf + n, 'd', 100);
	ok &= quic_frame_decode(buf, n + 100, &f) == n + 100 &&
	      f.datagram.len == 100;
	n = quic_frame_datagram_hdr_encode(buf, sizeof(buf), 100, false);
	ok &= n == 1 && quic_frame_datagram_hdr_len(100, false) == 1 &&
	      buf[0] == 0x30;
	ok &= quic_frame_datagram_hdr_encode(buf, 2, 100, true) == -ENOSPC;
	tap_result(ok,
		   "unit: frame: DATAGRAM header helper writes 0x31 with length or 0x30 without");
}

static void test_encode_invalid(void)
{
	struct quic_frame f = { .type = 0x1f };
	u8 buf[64];
	int ok;

	ok = quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL &&
	     quic_frame_encoded_len(&f) == 0;
	f = (struct quic_frame){ .type = 0x10,
				 .max_data.max = QUIC_VARINT_MAX + 1 };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL &&
	      quic_frame_encoded_len(&f) == 0;
	f = (struct quic_frame){ .type = 0x18, .new_cid.cid_len = 21 };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL;
	f = (struct quic_frame){ .type = 0x18, .new_cid.cid_len = 0 };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL;
	f = (struct quic_frame){ .type = 0x18, .new_cid = { .cid_len = 4,
				 .seq = 1, .retire_prior_to = 2 } };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL;
	f = (struct quic_frame){ .type = 0x12,
				 .max_streams.max = (1ULL << 60) + 1 };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL;
	f = (struct quic_frame){ .type = 0x08, .stream.offset = 1 };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL;
	f = (struct quic_frame){ .type = 0x07 };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL;
	f = (struct quic_frame){ .type = 0x00 };
	ok &= quic_frame_encode(buf, sizeof(buf), &f) == -EINVAL;
	tap_result(ok,
		   "unit: frame: encoder rejects unknown types, values > 2^62-1, bad cid length, retire_prior_to > seq, streams > 2^60, offset without OFF, empty token");
}

int main(void)
{
	test_roundtrips();
	test_malformed();
	test_sequence();
	test_tables();
	test_ack_encode();
	test_ack_iter_hostile();
	test_hdr_helpers();
	test_stream_hdr_matches_generic();
	test_encode_invalid();
	return tap_exit();
}
