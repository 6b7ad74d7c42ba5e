// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC frame codec (RFC 9000 section 19, RFC 9221 DATAGRAM).
 *
 * Every byte handed to the decoder is treated as hostile: all reads go
 * through a cursor that refuses to step past the end, all lengths are
 * compared against what is left before pointers are formed, and sums of
 * peer-controlled values are range-checked before they are computed.
 *
 * The encoder runs each frame description through one emitter that counts
 * the bytes it needs and writes them only while they fit. Running it without
 * a buffer yields the encoded length, so length and layout cannot disagree.
 */

#include "codec_compat.h"
#include "varint.h"
#include "frame.h"

/* Per-type properties, RFC 9000 Table 3 and RFC 9221 section 4. */
#define QUIC_FF_INITIAL		BIT(QUIC_FRAME_PKT_INITIAL)
#define QUIC_FF_0RTT		BIT(QUIC_FRAME_PKT_0RTT)
#define QUIC_FF_HANDSHAKE	BIT(QUIC_FRAME_PKT_HANDSHAKE)
#define QUIC_FF_1RTT		BIT(QUIC_FRAME_PKT_1RTT)
#define QUIC_FF_ELICIT		BIT(4)	/* ack-eliciting (RFC 9002 2) */
#define QUIC_FF_PROBE		BIT(5)	/* probing frame (RFC 9000 9.1) */

#define QUIC_FF_ALL	(QUIC_FF_INITIAL | QUIC_FF_0RTT | QUIC_FF_HANDSHAKE | \
			 QUIC_FF_1RTT)
#define QUIC_FF_IH1	(QUIC_FF_INITIAL | QUIC_FF_HANDSHAKE | QUIC_FF_1RTT)
#define QUIC_FF_01	(QUIC_FF_0RTT | QUIC_FF_1RTT | QUIC_FF_ELICIT)
#define QUIC_FF_1	(QUIC_FF_1RTT | QUIC_FF_ELICIT)

static const u8 quic_frame_flags_tbl[] = {
	[QUIC_FRAME_PADDING]		  = QUIC_FF_ALL | QUIC_FF_PROBE,
	[QUIC_FRAME_PING]		  = QUIC_FF_ALL | QUIC_FF_ELICIT,
	[QUIC_FRAME_ACK]		  = QUIC_FF_IH1,
	[QUIC_FRAME_ACK_ECN]		  = QUIC_FF_IH1,
	[QUIC_FRAME_RESET_STREAM]	  = QUIC_FF_01,
	[QUIC_FRAME_STOP_SENDING]	  = QUIC_FF_01,
	[QUIC_FRAME_CRYPTO]		  = QUIC_FF_IH1 | QUIC_FF_ELICIT,
	[QUIC_FRAME_NEW_TOKEN]		  = QUIC_FF_1,
	[0x08 ... 0x0f]			  = QUIC_FF_01,
	[QUIC_FRAME_MAX_DATA]		  = QUIC_FF_01,
	[QUIC_FRAME_MAX_STREAM_DATA]	  = QUIC_FF_01,
	[QUIC_FRAME_MAX_STREAMS_BIDI]	  = QUIC_FF_01,
	[QUIC_FRAME_MAX_STREAMS_UNI]	  = QUIC_FF_01,
	[QUIC_FRAME_DATA_BLOCKED]	  = QUIC_FF_01,
	[QUIC_FRAME_STREAM_DATA_BLOCKED]  = QUIC_FF_01,
	[QUIC_FRAME_STREAMS_BLOCKED_BIDI] = QUIC_FF_01,
	[QUIC_FRAME_STREAMS_BLOCKED_UNI]  = QUIC_FF_01,
	[QUIC_FRAME_NEW_CONNECTION_ID]	  = QUIC_FF_01 | QUIC_FF_PROBE,
	[QUIC_FRAME_RETIRE_CONNECTION_ID] = QUIC_FF_1,
	[QUIC_FRAME_PATH_CHALLENGE]	  = QUIC_FF_01 | QUIC_FF_PROBE,
	[QUIC_FRAME_PATH_RESPONSE]	  = QUIC_FF_1 | QUIC_FF_PROBE,
	/* Application close would leak state before the handshake is done */
	[QUIC_FRAME_CONNECTION_CLOSE]	  = QUIC_FF_ALL,
	[QUIC_FRAME_CONNECTION_CLOSE_APP] = QUIC_FF_0RTT | QUIC_FF_1RTT,
	[QUIC_FRAME_HANDSHAKE_DONE]	  = QUIC_FF_1,
};

static u8 quic_frame_flags(u64 type)
{
	if (type < ARRAY_SIZE(quic_frame_flags_tbl))
		return quic_frame_flags_tbl[type];
	if (type == QUIC_FRAME_DATAGRAM || type == QUIC_FRAME_DATAGRAM_LEN)
		return QUIC_FF_01;
	return 0;
}

/**
 * quic_frame_allowed() - may a frame type appear in a packet type
 * @type: frame type
 * @pt: packet type the frame arrived in or is about to be sent in
 *
 * A frame in a packet type that does not allow it is a connection error of
 * type PROTOCOL_VIOLATION (RFC 9000 12.4).
 *
 * Return: true if allowed; false otherwise and for unknown frame types.
 */
bool quic_frame_allowed(u64 type, enum quic_frame_pkt_type pt)
{
	if (pt > QUIC_FRAME_PKT_1RTT)
		return false;
	return quic_frame_flags(type) & BIT(pt);
}

/**
 * quic_frame_ack_eliciting() - does a frame make its packet ack-eliciting
 * @type: frame type
 *
 * Return: false for ACK, PADDING and CONNECTION_CLOSE (RFC 9002 section 2)
 * and for unknown types; true for every other frame type.
 */
bool quic_frame_ack_eliciting(u64 type)
{
	return quic_frame_flags(type) & QUIC_FF_ELICIT;
}

/**
 * quic_frame_is_probing() - is a frame a probing frame
 * @type: frame type
 *
 * A packet holding only probing frames does not make a peer migrate to the
 * path it arrived on (RFC 9000 section 9.1).
 *
 * Return: true for PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID, PADDING.
 */
bool quic_frame_is_probing(u64 type)
{
	return quic_frame_flags(type) & QUIC_FF_PROBE;
}

/* Decoder */

struct quic_rd {
	const u8 *p;
	u32 left;
};

static bool rd_varint(struct quic_rd *r, u64 *v)
{
	return quic_varint_get(&r->p, &r->left, v);
}

/* Take @n bytes in place; @n is peer-controlled and may be anything. */
static bool rd_bytes(struct quic_rd *r, u64 n, const u8 **data)
{
	if (n > r->left)
		return false;
	*data = r->p;
	r->p += n;
	r->left -= n;
	return true;
}

static bool rd_copy(struct quic_rd *r, u8 *dst, u32 n)
{
	const u8 *src;

	if (!rd_bytes(r, n, &src))
		return false;
	memcpy(dst, src, n);
	return true;
}

/* A varint length followed by that many bytes. */
static bool rd_lenbytes(struct quic_rd *r, u32 *len, const u8 **data)
{
	u64 n;

	if (!rd_varint(r, &n) || !rd_bytes(r, n, data))
		return false;
	*len = n;
	return true;
}

/*
 * One Gap/ACK Range Length pair: from the smallest packet number of the
 * previous range, produce the next, lower range. Packet numbers below zero
 * are a FRAME_ENCODING_ERROR (RFC 9000 19.3.1). The cursor and *@smallest
 * only move on success.
 */
static bool quic_ack_step(const u8 **pos, u32 *left, u64 *smallest,
			  u64 *largest)
{
	struct quic_rd r = { .p = *pos, .left = *left };
	u64 gap, len, top;

	if (!rd_varint(&r, &gap) || !rd_varint(&r, &len))
		return false;
	/* gap <= 2^62 - 1, so the sum cannot wrap */
	if (gap + 2 > *smallest)
		return false;
	top = *smallest - gap - 2;
	if (len > top)
		return false;
	*smallest = top - len;
	*largest = top;
	*pos = r.p;
	*left = r.left;
	return true;
}

/*
 * The per-family decoders return false on any malformed or short field;
 * inside a frame every such fault is a FRAME_ENCODING_ERROR.
 */
static bool quic_dec_ack(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_ack *a = &f->ack;
	u64 smallest, largest, i;

	if (!rd_varint(r, &a->largest) || !rd_varint(r, &a->delay) ||
	    !rd_varint(r, &a->range_count) || !rd_varint(r, &a->first_range))
		return false;
	if (a->first_range > a->largest)
		return false;
	/* Each pair takes two bytes or more: bounds the walk by the input */
	if (a->range_count > r->left / 2)
		return false;
	a->ranges = r->p;
	smallest = a->largest - a->first_range;
	for (i = 0; i < a->range_count; i++)
		if (!quic_ack_step(&r->p, &r->left, &smallest, &largest))
			return false;
	a->ranges_len = r->p - a->ranges;
	if (f->type == QUIC_FRAME_ACK_ECN)
		return rd_varint(r, &a->ect0) && rd_varint(r, &a->ect1) &&
		       rd_varint(r, &a->ce);
	return true;
}

static bool quic_dec_reset_stream(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_reset_stream *rs = &f->reset_stream;

	return rd_varint(r, &rs->stream_id) && rd_varint(r, &rs->app_error) &&
	       rd_varint(r, &rs->final_size);
}

static bool quic_dec_stop_sending(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_stop_sending *ss = &f->stop_sending;

	return rd_varint(r, &ss->stream_id) && rd_varint(r, &ss->app_error);
}

/*
 * Stream and crypto data may not reach past 2^62 - 1 (RFC 9000 19.6, 19.8).
 * @len is a u32, so the right side cannot wrap.
 */
static bool quic_data_end_ok(u64 offset, u32 len)
{
	return offset <= QUIC_VARINT_MAX - len;
}

static bool quic_dec_crypto(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_crypto *c = &f->crypto;

	return rd_varint(r, &c->offset) &&
	       rd_lenbytes(r, &c->len, &c->data) &&
	       quic_data_end_ok(c->offset, c->len);
}

static bool quic_dec_new_token(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_new_token *t = &f->new_token;

	/* An empty token is explicitly an encoding error (RFC 9000 19.7) */
	return rd_lenbytes(r, &t->len, &t->token) && t->len;
}

static bool quic_dec_stream(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_stream *s = &f->stream;
	u64 len;

	if (!rd_varint(r, &s->stream_id))
		return false;
	if ((f->type & QUIC_FRAME_STREAM_OFF) && !rd_varint(r, &s->offset))
		return false;
	/* Without a Length field the data runs to the end of the packet */
	len = r->left;
	if ((f->type & QUIC_FRAME_STREAM_LEN) && !rd_varint(r, &len))
		return false;
	if (!rd_bytes(r, len, &s->data))
		return false;
	s->len = len;
	s->fin = !!(f->type & QUIC_FRAME_STREAM_FIN);
	return quic_data_end_ok(s->offset, s->len);
}

static bool quic_limit_has_id(u64 type)
{
	return type == QUIC_FRAME_MAX_STREAM_DATA ||
	       type == QUIC_FRAME_STREAM_DATA_BLOCKED;
}

/* Stream counts above 2^60 could not be turned into stream IDs */
static bool quic_limit_ok(u64 type, u64 max)
{
	switch (type) {
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_MAX_STREAMS_UNI:
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		return max <= QUIC_FRAME_STREAMS_MAX;
	}
	return true;
}

/* MAX_DATA .. STREAMS_BLOCKED_UNI (0x10 - 0x17) share one layout. */
static bool quic_dec_limit(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_limit *l = &f->max_data;

	if (quic_limit_has_id(f->type) && !rd_varint(r, &l->stream_id))
		return false;
	return rd_varint(r, &l->max) && quic_limit_ok(f->type, l->max);
}

static bool quic_dec_new_cid(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_new_cid *n = &f->new_cid;

	if (!rd_varint(r, &n->seq) || !rd_varint(r, &n->retire_prior_to) ||
	    !rd_copy(r, &n->cid_len, 1))
		return false;
	if (!n->cid_len || n->cid_len > QUIC_FRAME_CID_MAX ||
	    n->retire_prior_to > n->seq)
		return false;
	return rd_copy(r, n->cid, n->cid_len) &&
	       rd_copy(r, n->reset_token, QUIC_FRAME_RESET_TOKEN_LEN);
}

static bool quic_dec_close(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_close *c = &f->close;

	if (!rd_varint(r, &c->error))
		return false;
	if (f->type == QUIC_FRAME_CONNECTION_CLOSE &&
	    !rd_varint(r, &c->frame_type))
		return false;
	return rd_lenbytes(r, &c->reason_len, &c->reason);
}

static bool quic_dec_datagram(struct quic_rd *r, struct quic_frame *f)
{
	struct quic_frame_datagram *d = &f->datagram;

	if (f->type == QUIC_FRAME_DATAGRAM_LEN)
		return rd_lenbytes(r, &d->len, &d->data);
	d->len = r->left;
	return rd_bytes(r, r->left, &d->data);
}

/* A run of PADDING is folded into one frame; the type byte is consumed. */
static bool quic_dec_padding(struct quic_rd *r, struct quic_frame *f)
{
	u32 n = 0;

	while (n < r->left && !r->p[n])
		n++;
	r->p += n;
	r->left -= n;
	f->padding.len = n + 1;
	return true;
}

static bool quic_dec_body(struct quic_rd *r, struct quic_frame *f)
{
	if (quic_frame_is_stream(f->type))
		return quic_dec_stream(r, f);

	switch (f->type) {
	case QUIC_FRAME_PADDING:
		return quic_dec_padding(r, f);
	case QUIC_FRAME_PING:
	case QUIC_FRAME_HANDSHAKE_DONE:
		return true;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		return quic_dec_ack(r, f);
	case QUIC_FRAME_RESET_STREAM:
		return quic_dec_reset_stream(r, f);
	case QUIC_FRAME_STOP_SENDING:
		return quic_dec_stop_sending(r, f);
	case QUIC_FRAME_CRYPTO:
		return quic_dec_crypto(r, f);
	case QUIC_FRAME_NEW_TOKEN:
		return quic_dec_new_token(r, f);
	case QUIC_FRAME_MAX_DATA ... QUIC_FRAME_STREAMS_BLOCKED_UNI:
		return quic_dec_limit(r, f);
	case QUIC_FRAME_NEW_CONNECTION_ID:
		return quic_dec_new_cid(r, f);
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		return rd_varint(r, &f->retire_cid.seq);
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		return rd_copy(r, f->path.data, QUIC_FRAME_PATH_DATA_LEN);
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		return quic_dec_close(r, f);
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		return quic_dec_datagram(r, f);
	}
	/* RFC 9000 12.4: an unknown frame type is a FRAME_ENCODING_ERROR */
	return false;
}

/**
 * quic_frame_decode() - decode the frame at the start of a buffer
 * @buf: packet payload, from the first byte of a frame
 * @len: bytes available at @buf (the rest of the payload)
 * @f: decoded frame; pointer fields point into @buf
 *
 * Checks everything that can be checked from the frame alone; whether the
 * frame may appear in the packet type it came in is for the caller to ask
 * quic_frame_allowed().
 *
 * Return: bytes consumed (> 0), or -EINVAL with @f->err set to the transport
 * error code to close the connection with: QUIC_ERR_PROTOCOL_VIOLATION for
 * a non-minimal frame type encoding, QUIC_ERR_FRAME_ENCODING otherwise.
 */
int quic_frame_decode(const u8 *buf, u32 len, struct quic_frame *f)
{
	struct quic_rd r = { .p = buf, .left = len };

	memset(f, 0, sizeof(*f));
	f->err = QUIC_ERR_FRAME_ENCODING;
	if (len > QUIC_FRAME_BUF_MAX || !rd_varint(&r, &f->type))
		return -EINVAL;
	/* Frame types must use the shortest encoding (RFC 9000 12.4) */
	if (len - r.left != quic_varint_len(f->type)) {
		f->err = QUIC_ERR_PROTOCOL_VIOLATION;
		return -EINVAL;
	}
	if (!quic_dec_body(&r, f))
		return -EINVAL;
	f->err = QUIC_ERR_NONE;
	return len - r.left;
}

/**
 * quic_ack_iter_init() - start walking the ranges of a decoded ACK frame
 * @it: iterator to set up
 * @ack: ACK frame as filled in by quic_frame_decode()
 */
void quic_ack_iter_init(struct quic_ack_iter *it,
			const struct quic_frame_ack *ack)
{
	it->pos = ack->ranges;
	it->left = ack->ranges_len;
	it->started = 0;
	it->remaining = ack->range_count;
	it->largest = ack->largest;
	it->first_range = ack->first_range;
	it->smallest = 0;
}

/**
 * quic_ack_range_next() - next acknowledged interval, highest first
 * @it: iterator from quic_ack_iter_init()
 * @smallest: lowest packet number of the interval
 * @largest: highest packet number of the interval
 *
 * The first interval comes from Largest Acknowledged and First ACK Range,
 * each later one from a Gap/ACK Range Length pair. The decoder has already
 * validated the ranges; they are checked again here so the iterator stays
 * safe on a hand-built frame.
 *
 * Return: 1 with an interval, 0 when done, -EINVAL if a range would go
 * below packet number 0 or the encoded ranges are short.
 */
int quic_ack_range_next(struct quic_ack_iter *it, u64 *smallest,
			u64 *largest)
{
	if (!it->started) {
		if (it->first_range > it->largest)
			return -EINVAL;
		it->started = 1;
		it->smallest = it->largest - it->first_range;
		*smallest = it->smallest;
		*largest = it->largest;
		return 1;
	}
	if (!it->remaining)
		return 0;
	if (!quic_ack_step(&it->pos, &it->left, &it->smallest, largest))
		return -EINVAL;
	it->remaining--;
	*smallest = it->smallest;
	return 1;
}

/* Encoder */

struct quic_wr {
	u8 *p;		/* where the next byte goes; NULL: count only */
	u32 left;
	u32 need;	/* bytes the encoding takes so far */
	int err;	/* -EINVAL once a field cannot be encoded */
};

/* Account for @n more bytes; return where to put them, or NULL. */
static u8 *wr_room(struct quic_wr *w, u64 n)
{
	u8 *p = w->p;

	if (n > QUIC_FRAME_BUF_MAX - w->need) {
		w->err = -EINVAL;
		return NULL;
	}
	w->need += n;
	if (!p || n > w->left) {
		w->p = NULL;
		return NULL;
	}
	w->p += n;
	w->left -= n;
	return p;
}

static void wr_varint(struct quic_wr *w, u64 v)
{
	u8 n = quic_varint_len(v);
	u8 *p;

	if (!n) {
		w->err = -EINVAL;
		return;
	}
	p = wr_room(w, n);
	if (p)
		quic_varint_put(p, v);
}

static void wr_bytes(struct quic_wr *w, const u8 *src, u32 n)
{
	u8 *p = wr_room(w, n);

	if (p && n)
		memcpy(p, src, n);
}

static void wr_lenbytes(struct quic_wr *w, const u8 *src, u32 n, bool hdr)
{
	wr_varint(w, n);
	if (!hdr)
		wr_bytes(w, src, n);
}

static void quic_enc_ack(struct quic_wr *w, const struct quic_frame *f)
{
	const struct quic_frame_ack *a = &f->ack;

	if (a->first_range > a->largest)
		w->err = -EINVAL;
	wr_varint(w, a->largest);
	wr_varint(w, a->delay);
	wr_varint(w, a->range_count);
	wr_varint(w, a->first_range);
	/* Ranges of a decoded frame are re-emitted as they came */
	wr_bytes(w, a->ranges, a->ranges_len);
	if (f->type == QUIC_FRAME_ACK_ECN) {
		wr_varint(w, a->ect0);
		wr_varint(w, a->ect1);
		wr_varint(w, a->ce);
	}
}

static void quic_enc_stream(struct quic_wr *w, const struct quic_frame *f,
			    bool hdr)
{
	const struct quic_frame_stream *s = &f->stream;

	if (!quic_data_end_ok(s->offset, s->len))
		w->err = -EINVAL;
	wr_varint(w, s->stream_id);
	if (f->type & QUIC_FRAME_STREAM_OFF)
		wr_varint(w, s->offset);
	else if (s->offset)
		w->err = -EINVAL;
	if (f->type & QUIC_FRAME_STREAM_LEN)
		wr_varint(w, s->len);
	if (!hdr)
		wr_bytes(w, s->data, s->len);
}

static void quic_enc_limit(struct quic_wr *w, const struct quic_frame *f)
{
	const struct quic_frame_limit *l = &f->max_data;

	if (!quic_limit_ok(f->type, l->max))
		w->err = -EINVAL;
	if (quic_limit_has_id(f->type))
		wr_varint(w, l->stream_id);
	wr_varint(w, l->max);
}

static void quic_enc_new_cid(struct quic_wr *w, const struct quic_frame *f)
{
	const struct quic_frame_new_cid *n = &f->new_cid;

	if (!n->cid_len || n->cid_len > QUIC_FRAME_CID_MAX ||
	    n->retire_prior_to > n->seq)
		w->err = -EINVAL;
	wr_varint(w, n->seq);
	wr_varint(w, n->retire_prior_to);
	wr_bytes(w, &n->cid_len, 1);
	wr_bytes(w, n->cid, min_t(u32, n->cid_len, QUIC_FRAME_CID_MAX));
	wr_bytes(w, n->reset_token, QUIC_FRAME_RESET_TOKEN_LEN);
}

static void quic_enc_close(struct quic_wr *w, const struct quic_frame *f)
{
	const struct quic_frame_close *c = &f->close;

	wr_varint(w, c->error);
	if (f->type == QUIC_FRAME_CONNECTION_CLOSE)
		wr_varint(w, c->frame_type);
	wr_lenbytes(w, c->reason, c->reason_len, false);
}

static void quic_enc_padding(struct quic_wr *w, const struct quic_frame *f)
{
	u8 *p;

	/* The type byte already written is the first byte of the run */
	if (!f->padding.len) {
		w->err = -EINVAL;
		return;
	}
	p = wr_room(w, f->padding.len - 1);
	if (p)
		memset(p, 0, f->padding.len - 1);
}

/*
 * Emit @f. With @hdr set, STREAM, CRYPTO and DATAGRAM stop before their
 * data so the caller can place the payload right after the header.
 */
static void quic_enc_body(struct quic_wr *w, const struct quic_frame *f,
			  bool hdr)
{
	if (quic_frame_is_stream(f->type)) {
		quic_enc_stream(w, f, hdr);
		return;
	}

	switch (f->type) {
	case QUIC_FRAME_PADDING:
		quic_enc_padding(w, f);
		break;
	case QUIC_FRAME_PING:
	case QUIC_FRAME_HANDSHAKE_DONE:
		break;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		quic_enc_ack(w, f);
		break;
	case QUIC_FRAME_RESET_STREAM:
		wr_varint(w, f->reset_stream.stream_id);
		wr_varint(w, f->reset_stream.app_error);
		wr_varint(w, f->reset_stream.final_size);
		break;
	case QUIC_FRAME_STOP_SENDING:
		wr_varint(w, f->stop_sending.stream_id);
		wr_varint(w, f->stop_sending.app_error);
		break;
	case QUIC_FRAME_CRYPTO:
		if (!quic_data_end_ok(f->crypto.offset, f->crypto.len))
			w->err = -EINVAL;
		wr_varint(w, f->crypto.offset);
		wr_lenbytes(w, f->crypto.data, f->crypto.len, hdr);
		break;
	case QUIC_FRAME_NEW_TOKEN:
		if (!f->new_token.len)
			w->err = -EINVAL;
		wr_lenbytes(w, f->new_token.token, f->new_token.len, false);
		break;
	case QUIC_FRAME_MAX_DATA ... QUIC_FRAME_STREAMS_BLOCKED_UNI:
		quic_enc_limit(w, f);
		break;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		quic_enc_new_cid(w, f);
		break;
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		wr_varint(w, f->retire_cid.seq);
		break;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		wr_bytes(w, f->path.data, QUIC_FRAME_PATH_DATA_LEN);
		break;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		quic_enc_close(w, f);
		break;
	case QUIC_FRAME_DATAGRAM_LEN:
		wr_lenbytes(w, f->datagram.data, f->datagram.len, hdr);
		break;
	case QUIC_FRAME_DATAGRAM:
		if (!hdr)
			wr_bytes(w, f->datagram.data, f->datagram.len);
		break;
	default:
		w->err = -EINVAL;
		break;
	}
}

/* Size pass first, so nothing is written when the frame does not fit. */
static int quic_enc(u8 *buf, u32 len, const struct quic_frame *f, bool hdr)
{
	struct quic_wr w = { };

	wr_varint(&w, f->type);
	quic_enc_body(&w, f, hdr);
	if (w.err)
		return w.err;
	if (w.need > len)
		return -ENOSPC;

	w = (struct quic_wr){ .p = buf, .left = len };
	wr_varint(&w, f->type);
	quic_enc_body(&w, f, hdr);
	return w.need;
}

static u32 quic_enc_len(const struct quic_frame *f, bool hdr)
{
	int ret = quic_enc(NULL, QUIC_FRAME_BUF_MAX, f, hdr);

	return ret < 0 ? 0 : ret;
}

/**
 * quic_frame_encode() - encode a frame
 * @buf: output buffer
 * @len: room at @buf
 * @f: frame; the type selects the union member and, for STREAM, which of
 *     Offset and Length are present (a zero offset may omit OFF). ACK
 *     frames copy @f->ack.ranges verbatim; build new ones with
 *     quic_frame_ack_encode().
 *
 * Return: bytes written; -ENOSPC if the frame does not fit (nothing is
 * written); -EINVAL if @f cannot be encoded (unknown type, field out of
 * range, a value the decoder would reject).
 */
int quic_frame_encode(u8 *buf, u32 len, const struct quic_frame *f)
{
	return quic_enc(buf, len, f, false);
}

/**
 * quic_frame_encoded_len() - bytes quic_frame_encode() would write
 * @f: frame
 *
 * Return: encoded length, or 0 if @f cannot be encoded.
 */
u32 quic_frame_encoded_len(const struct quic_frame *f)
{
	return quic_enc_len(f, false);
}

/*
 * The STREAM header of a packet's data, written without a struct
 * quic_frame: it is built for every packet a transfer sends, and the
 * generic encoder's two passes over a zeroed frame cost as much as the
 * rest of the packet's framing.
 */
static u32 quic_stream_hdr_size(u64 stream_id, u64 offset, u32 data_len,
				bool with_len, u8 *type)
{
	u8 id_len = quic_varint_len(stream_id);
	u32 size = 1 + id_len;

	if (!id_len || !quic_data_end_ok(offset, data_len))
		return 0;
	*type = QUIC_FRAME_STREAM;
	if (offset) {
		*type |= QUIC_FRAME_STREAM_OFF;
		size += quic_varint_len(offset);
	}
	if (with_len) {
		*type |= QUIC_FRAME_STREAM_LEN;
		size += quic_varint_len(data_len);
	}
	return size;
}

/**
 * quic_frame_stream_hdr_encode() - encode a STREAM frame up to its data
 * @buf: output buffer
 * @len: room at @buf
 * @stream_id: stream ID
 * @offset: offset of the data; OFF is set only when non-zero
 * @data_len: bytes of data the caller will place after the header
 * @fin: set the FIN bit
 * @with_len: write a Length field; without it the data must run to the end
 *	      of the packet, so only the last frame may leave it out
 *
 * Return: header bytes written, -ENOSPC or -EINVAL.
 */
int quic_frame_stream_hdr_encode(u8 *buf, u32 len, u64 stream_id, u64 offset,
				 u32 data_len, bool fin, bool with_len)
{
	u32 size;
	u8 type;

	size = quic_stream_hdr_size(stream_id, offset, data_len, with_len,
				    &type);
	if (!size)
		return -EINVAL;
	if (size > len)
		return -ENOSPC;
	*buf++ = fin ? type | QUIC_FRAME_STREAM_FIN : type;
	buf = quic_varint_put(buf, stream_id);
	if (offset)
		buf = quic_varint_put(buf, offset);
	if (with_len)
		quic_varint_put(buf, data_len);
	return size;
}

/**
 * quic_frame_stream_hdr_len() - size of a STREAM frame header
 * @stream_id: stream ID
 * @offset: offset of the data
 * @data_len: bytes of data (sizes the Length field)
 * @with_len: whether a Length field is written
 *
 * Return: header length, or 0 if it cannot be encoded.
 */
u32 quic_frame_stream_hdr_len(u64 stream_id, u64 offset, u32 data_len,
			      bool with_len)
{
	u8 type;

	return quic_stream_hdr_size(stream_id, offset, data_len, with_len,
				    &type);
}

/**
 * quic_frame_crypto_hdr_encode() - encode a CRYPTO frame up to its data
 * @buf: output buffer
 * @len: room at @buf
 * @offset: offset in the crypto stream of this encryption level
 * @data_len: bytes of data the caller will place after the header
 *
 * Return: header bytes written, -ENOSPC or -EINVAL.
 */
int quic_frame_crypto_hdr_encode(u8 *buf, u32 len, u64 offset, u32 data_len)
{
	struct quic_frame f = {
		.type = QUIC_FRAME_CRYPTO,
		.crypto = { .offset = offset, .len = data_len },
	};

	return quic_enc(buf, len, &f, true);
}

/**
 * quic_frame_crypto_hdr_len() - size of a CRYPTO frame header
 * @offset: offset in the crypto stream
 * @data_len: bytes of data
 *
 * Return: header length, or 0 if it cannot be encoded.
 */
u32 quic_frame_crypto_hdr_len(u64 offset, u32 data_len)
{
	struct quic_frame f = {
		.type = QUIC_FRAME_CRYPTO,
		.crypto = { .offset = offset, .len = data_len },
	};

	return quic_enc_len(&f, true);
}

/**
 * quic_frame_datagram_hdr_encode() - encode a DATAGRAM frame up to its data
 * @buf: output buffer
 * @len: room at @buf
 * @data_len: bytes of data the caller will place after the header
 * @with_len: type 0x31 with a Length field; else 0x30, running to the end
 *
 * Return: header bytes written, -ENOSPC or -EINVAL.
 */
int quic_frame_datagram_hdr_encode(u8 *buf, u32 len, u32 data_len,
				   bool with_len)
{
	u64 type = with_len ? QUIC_FRAME_DATAGRAM_LEN : QUIC_FRAME_DATAGRAM;
	struct quic_frame f = {
		.type = type,
		.datagram.len = data_len,
	};

	return quic_enc(buf, len, &f, true);
}

/**
 * quic_frame_datagram_hdr_len() - size of a DATAGRAM frame header
 * @data_len: bytes of data
 * @with_len: whether a Length field is written
 *
 * Return: header length.
 */
u32 quic_frame_datagram_hdr_len(u32 data_len, bool with_len)
{
	return with_len ? 1 + quic_varint_len(data_len) : 1;
}

/*
 * Check the ranges and work out how many fit in @len: everything but the
 * Gap/ACK Range Length pairs must fit, then pairs are added while the
 * frame, with its Range Count field grown to match, still fits.
 */
static int quic_ack_fit(u32 len, const struct quic_ack_range *r, u32 nr,
			u64 delay, const struct quic_ack_ecn *ecn, u32 *fit)
{
	u64 base, sum = 0, sz;
	u32 i;

	if (!nr || r[0].start > r[0].end || r[0].end > QUIC_VARINT_MAX ||
	    delay > QUIC_VARINT_MAX)
		return -EINVAL;
	base = 1 + quic_varint_len(r[0].end) + quic_varint_len(delay) +
	       quic_varint_len(r[0].end - r[0].start);
	if (ecn) {
		if (ecn->ect0 > QUIC_VARINT_MAX ||
		    ecn->ect1 > QUIC_VARINT_MAX || ecn->ce > QUIC_VARINT_MAX)
			return -EINVAL;
		base += quic_varint_len(ecn->ect0) +
			quic_varint_len(ecn->ect1) + quic_varint_len(ecn->ce);
	}
	if (base + 1 > len)
		return -ENOSPC;
	*fit = 1;
	for (i = 1; i < nr; i++) {
		/* Descending, disjoint and not adjacent, so each gap >= 0 */
		if (r[i].start > r[i].end || r[i].end + 2 > r[i - 1].start)
			return -EINVAL;
		sz = quic_varint_len(r[i - 1].start - r[i].end - 2) +
		     quic_varint_len(r[i].end - r[i].start);
		if (*fit == i && base + quic_varint_len(i) + sum + sz <= len) {
			sum += sz;
			*fit = i + 1;
		}
	}
	return 0;
}

/**
 * quic_frame_ack_encode() - build an ACK frame from acknowledged intervals
 * @buf: output buffer
 * @len: room at @buf
 * @ranges: acknowledged intervals, highest first, disjoint and not adjacent
 * @nr: entries in @ranges, at least one
 * @delay: ACK Delay field, already scaled down by ack_delay_exponent
 * @ecn: ECN counts for an ACK_ECN frame, or NULL for a plain ACK
 * @nr_encoded: how many of @ranges, from the first, the frame carries
 *
 * When room runs short the lowest intervals are dropped: the newest
 * information is what the peer's loss detection needs most.
 *
 * Return: bytes written, -ENOSPC if not even the first interval fits, or
 * -EINVAL for malformed @ranges.
 */
int quic_frame_ack_encode(u8 *buf, u32 len, const struct quic_ack_range *ranges,
			  u32 nr, u64 delay, const struct quic_ack_ecn *ecn,
			  u32 *nr_encoded)
{
	struct quic_wr w = { .p = buf, .left = len };
	u32 fit, i;
	int err;

	len = min_t(u32, len, QUIC_FRAME_BUF_MAX);
	err = quic_ack_fit(len, ranges, nr, delay, ecn, &fit);
	if (err)
		return err;
	wr_varint(&w, ecn ? QUIC_FRAME_ACK_ECN : QUIC_FRAME_ACK);
	wr_varint(&w, ranges[0].end);
	wr_varint(&w, delay);
	wr_varint(&w, fit - 1);
	wr_varint(&w, ranges[0].end - ranges[0].start);
	for (i = 1; i < fit; i++) {
		wr_varint(&w, ranges[i - 1].start - ranges[i].end - 2);
		wr_varint(&w, ranges[i].end - ranges[i].start);
	}
	if (ecn) {
		wr_varint(&w, ecn->ect0);
		wr_varint(&w, ecn->ect1);
		wr_varint(&w, ecn->ce);
	}
	*nr_encoded = fit;
	return w.need;
}
