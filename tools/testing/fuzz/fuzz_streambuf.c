// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the QUIC stream buffers. The input is a sequence of
 * operations on one receive buffer (insert, read, peek/consume, reset,
 * window update, insert with a failing allocation) and on one send buffer
 * (append, reserve/commit, transmit, ack, loss, credit). Every stream byte
 * is a fixed function of its offset, so a shadow model can check what is
 * read and what is buffered. At the end the sender is driven to completion
 * over a lossless path: ack and loss handling must never have lost data.
 * A transmit burst may also make the range sets' heap arrays fail to
 * allocate until the next burst: the sets must then degrade safely.
 */
#include <stdio.h>
#include <stdlib.h>

static long fail_after = -1;
static long live_allocs;

static void *fuzz_alloc(size_t n)
{
	if (!fail_after)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	live_allocs++;
	return malloc(n);
}

static void fuzz_free(void *p)
{
	if (p)
		live_allocs--;
	free(p);
}

#define quic_sb_alloc(n)	fuzz_alloc(n)
#define quic_sb_free(p)		fuzz_free(p)

#include "../../../net/quic/streambuf.c"

#include "fuzz_check.h"

#define RB_SPAN		8192
#define RB_MAP		(RB_SPAN + 2048)
#define MAX_FLIGHT	256
#define SB_MAX		65536

struct input {
	const u8 *p;
	size_t n;
};

static u32 take(struct input *in, int bytes)
{
	u32 v = 0;

	while (bytes--) {
		v <<= 8;
		if (in->n) {
			v |= *in->p++;
			in->n--;
		}
	}
	return v;
}

static u8 pat(u64 i)
{
	return (u8)((i * 2654435761u) >> 13) ^ (u8)i;
}

static u8 frame[SB_MAX + 4096];

static void make_frame(u64 off, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		frame[i] = pat(off + i);
}

/* ---- receive side and its model ---- */

struct rmodel {
	u8 have[RB_MAP];	/* byte received and not yet read */
	u64 read_off;
	u64 highest;
	u64 final_size;
	bool fin_known;
	bool reset;
};

static u64 model_readable(const struct rmodel *m)
{
	u64 i = m->read_off;

	while (i < RB_MAP && m->have[i])
		i++;
	return i - m->read_off;
}

static void recv_invariants(const struct quic_recvbuf *rb,
			    const struct rmodel *m)
{
	const struct quic_sb_chunk *c, *prev = NULL;
	u64 mem = 0, held = 0, want = 0, i, from;

	for (c = rb->head; c; prev = c, c = c->next) {
		CHECK(c->len && c->len <= c->cap);
		CHECK(quic_sb_end(c) > rb->read_off);
		CHECK(!prev || quic_sb_end(prev) <= c->offset);
		CHECK(quic_sb_end(c) <= rb->highest);
		from = max(c->offset, rb->read_off);
		for (i = from; i < quic_sb_end(c); i++) {
			CHECK(c->data[i - c->offset] == pat(i));
			CHECK(i < RB_MAP && m->have[i]);
		}
		held += quic_sb_end(c) - from;
		mem += c->size;
	}
	CHECK(rb->tail == prev);
	for (i = m->read_off; i < RB_MAP; i++)
		want += m->have[i];
	CHECK(held == want);
	CHECK(rb->mem == mem);
	CHECK(rb->read_off == m->read_off && rb->highest == m->highest);
	CHECK(quic_recvbuf_readable(rb) == model_readable(m));
}

/* The RFC 9000 4.5 and 4.1 rules, restated against the model. */
static u32 model_err(const struct quic_recvbuf *rb, const struct rmodel *m,
		     u64 end, bool fin)
{
	if (m->fin_known && (end > m->final_size ||
			     (fin && end != m->final_size)))
		return QUIC_SB_ERR_FINAL_SIZE;
	if (!m->fin_known && fin && end < m->highest)
		return QUIC_SB_ERR_FINAL_SIZE;
	if (end > rb->max_offset)
		return rb->limit_err;
	return 0;
}

static void op_insert(struct quic_recvbuf *rb, struct rmodel *m,
		      struct input *in, long fail)
{
	u64 off = take(in, 2) % RB_SPAN, end, i, mem = rb->mem;
	u32 len = take(in, 2) % 1500, flags = take(in, 1), err, want;
	bool fin = flags & 1;
	int ret;

	if (flags & 2)		/* probe the 2^62 - 1 bound */
		off = QUIC_SB_MAX_OFFSET + 1 - off;
	end = off + len;
	want = end > QUIC_SB_MAX_OFFSET ? QUIC_SB_ERR_FRAME_ENCODING :
	       model_err(rb, m, end, fin);
	make_frame(off, len);
	fail_after = fail;
	ret = quic_recvbuf_insert(rb, off, frame, len, fin, &err);
	fail_after = -1;
	if (ret == -ENOMEM) {
		CHECK(fail >= 0 && !want && rb->mem == mem);
		return;
	}
	CHECK(want ? ret == -EPROTO && err == want : !ret && !err);
	if (ret)
		return;
	if (end > m->highest)
		m->highest = end;
	if (fin) {
		m->fin_known = true;
		m->final_size = end;
	}
	for (i = max(off, m->read_off); !m->reset && i < end; i++)
		m->have[i] = 1;
}

static void op_read(struct quic_recvbuf *rb, struct rmodel *m,
		    struct input *in, bool peek)
{
	u32 n = take(in, 2) % 3000, got = 0, k, i;
	u64 avail = model_readable(m);
	static u8 buf[3000];
	const u8 *p;

	if (peek) {
		p = quic_recvbuf_peek(rb, &k);
		CHECK(!p == !avail && (!p || (k && k <= avail)));
		if (p) {
			n = min(n, k);
			memcpy(buf, p, n);
			quic_recvbuf_consume(rb, n);
			got = n;
		}
	} else {
		got = quic_recvbuf_read(rb, buf, n);
		CHECK(got == min_t(u64, n, avail));
	}
	for (i = 0; i < got; i++) {
		CHECK(buf[i] == pat(m->read_off));
		m->have[m->read_off++] = 0;
	}
}

static void op_reset(struct quic_recvbuf *rb, struct rmodel *m,
		     struct input *in)
{
	u64 fs = take(in, 2) % RB_MAP;
	u32 want = model_err(rb, m, fs, true), err;
	int ret;

	ret = quic_recvbuf_reset(rb, fs, &err);
	CHECK(want ? ret == -EPROTO && err == want : !ret);
	if (ret)
		return;
	memset(m->have, 0, sizeof(m->have));
	m->reset = m->fin_known = true;
	m->final_size = m->highest = fs;
	CHECK(!rb->mem && !rb->head);
}

static void op_window(struct quic_recvbuf *rb, struct input *in)
{
	u64 window = take(in, 2), old = rb->max_offset, nm = 0;

	if (quic_recvbuf_window_update(rb, window, &nm))
		CHECK(nm == rb->max_offset && nm > old &&
		      nm == rb->read_off + window);
	else
		CHECK(rb->max_offset == old);
}

/* ---- send side and its model ---- */

struct flight {
	u64 off;
	u32 len;
	bool fin;
	bool delivered;
};

struct smodel {
	struct flight fl[MAX_FLIGHT];
	u32 nfl;
	u64 peer_max;
	bool fin;
	bool fail_ranges;	/* range-set arrays cannot be allocated */
	struct quic_recvbuf peer;	/* what the receiving end got */
};

/*
 * Ack and loss handling allocate nothing but range-set arrays, so a
 * failing allocator there only tests their fallback.
 */
static void ranges_alloc(const struct smodel *s)
{
	fail_after = s->fail_ranges ? 0 : -1;
}

static void deliver(struct smodel *s, u64 off, u32 len, bool fin)
{
	u32 err;

	CHECK(!quic_recvbuf_insert(&s->peer, off, frame, len, fin, &err));
}

static void op_append(struct quic_sendbuf *sb, struct smodel *s,
		      struct input *in, long fail)
{
	u32 len = take(in, 2) % 4000, flags = take(in, 1);
	u64 w = sb->write_offset, mem = sb->mem;
	bool fin = (flags & 0x81) == 0x81;
	int ret;

	if (w + len > SB_MAX || s->fin)
		return;
	make_frame(w, len);
	fail_after = fail;
	ret = quic_sendbuf_append(sb, frame, len, fin);
	fail_after = -1;
	if (ret) {
		CHECK(ret == -ENOMEM && fail >= 0);
		CHECK(sb->write_offset == w && sb->mem == mem && !sb->fin);
		return;
	}
	CHECK(sb->write_offset == w + len);
	s->fin = fin;
}

static void op_reserve(struct quic_sendbuf *sb, struct smodel *s,
		       struct input *in)
{
	u32 len = take(in, 2) % 5000, flags = take(in, 1), room = len;
	u64 w = sb->write_offset;
	u8 *p;

	if (w + len > SB_MAX || s->fin)
		return;
	p = quic_sendbuf_reserve(sb, &room);
	if (!p) {
		CHECK(!len);
		return;
	}
	CHECK(room && room <= len);
	make_frame(w, room);
	memcpy(p, frame, room);
	/* Sometimes commit less than was written. */
	if (flags & 1)
		room /= 2;
	quic_sendbuf_commit(sb, room, (flags & 0x82) == 0x82);
	CHECK(sb->write_offset == w + room);
	s->fin = sb->fin;
}

static void send_one(struct quic_sendbuf *sb, struct smodel *s, u32 max_len,
		     u32 flags, bool drop)
{
	u64 sent = sb->sent_offset, off;
	struct flight *f;
	u32 len, i;
	bool fin;

	if (s->nfl == MAX_FLIGHT)
		return;
	ranges_alloc(s);
	if (!quic_sendbuf_next(sb, s->peer_max, max_len, &off, &len, &fin)) {
		fail_after = -1;
		return;
	}
	fail_after = -1;
	CHECK(len <= max_len && off + len <= sb->write_offset);
	if (off < sent)
		CHECK(off + len <= sent && off >= sb->acked_offset);
	else
		CHECK(off == sent && (!len || off + len <= s->peer_max));
	CHECK(!fin || (s->fin && off + len == sb->write_offset));
	CHECK(!quic_sendbuf_copy(sb, off, frame, len));
	for (i = 0; i < len; i++)
		CHECK(frame[i] == pat(off + i));
	if ((flags & 4) && len > 1) {
		/* The packet had room for less than offered. */
		len /= 2;
		fin = false;
	} else if ((flags & 8) && len > 1) {
		/* Only the tail went out: the head must still be sent. */
		memmove(frame, frame + len / 2, len - len / 2);
		off += len / 2;
		len -= len / 2;
	}
	ranges_alloc(s);
	quic_sendbuf_mark_sent(sb, off, len, fin);
	fail_after = -1;
	f = &s->fl[s->nfl++];
	f->off = off;
	f->len = len;
	f->fin = fin;
	f->delivered = !drop;
	if (f->delivered)
		deliver(s, off, len, fin);
}

/*
 * A burst of frames; bit i of the mask drops frame i. Flag 2 makes range
 * arrays fail to allocate from now to the next burst.
 */
static void op_send(struct quic_sendbuf *sb, struct smodel *s,
		    struct input *in)
{
	u32 max_len = take(in, 2) % 1500 + 1, flags = take(in, 1);
	u32 count = (flags >> 4) + 1, mask = take(in, 2), i;

	s->fail_ranges = flags & 2;
	for (i = 0; i < count; i++)
		send_one(sb, s, max_len, flags, mask & (1u << (i % 16)));
}

static void op_resolve(struct quic_sendbuf *sb, struct smodel *s,
		       struct input *in, bool lose)
{
	u32 i = take(in, 1);
	struct flight f;

	if (!s->nfl)
		return;
	i %= s->nfl;
	f = s->fl[i];
	ranges_alloc(s);
	if (lose) {
		/* A delivered frame declared lost is a spurious loss. */
		quic_sendbuf_on_lost(sb, f.off, f.len, f.fin);
		if (f.delivered) {
			fail_after = -1;
			return;
		}
	} else if (f.delivered) {
		quic_sendbuf_on_acked(sb, f.off, f.len, f.fin);
	} else {
		quic_sendbuf_on_lost(sb, f.off, f.len, f.fin);
	}
	fail_after = -1;
	s->fl[i] = s->fl[--s->nfl];
	CHECK(sb->nacked <= QUIC_SB_RANGES && sb->nlost <= QUIC_SB_RANGES);
}

/* Resolve everything in flight, in an order picked by the input. */
static void op_resolve_all(struct quic_sendbuf *sb, struct smodel *s,
			   struct input *in)
{
	u32 step = take(in, 1), k = 0;
	struct flight f;

	while (s->nfl) {
		k = (k + step) % s->nfl;
		f = s->fl[k];
		s->fl[k] = s->fl[--s->nfl];
		ranges_alloc(s);
		if (f.delivered)
			quic_sendbuf_on_acked(sb, f.off, f.len, f.fin);
		else
			quic_sendbuf_on_lost(sb, f.off, f.len, f.fin);
		fail_after = -1;
		CHECK(sb->nacked <= QUIC_SB_RANGES &&
		      sb->nlost <= QUIC_SB_RANGES);
	}
}

/*
 * A set uses its heap array only while it needs more than the inline
 * entries, give or take the hysteresis.
 */
static void rangevec_invariants(const struct quic_sb_rangevec *v, u8 n)
{
	if (v->heap)
		CHECK(n > QUIC_SB_RANGES_INLINE / 2 && n <= QUIC_SB_RANGES);
	else
		CHECK(n <= QUIC_SB_RANGES_INLINE);
}

static void send_invariants(const struct quic_sendbuf *sb)
{
	const struct quic_sb_range *acked = quic_sb_rv_const(&sb->acked);
	const struct quic_sb_range *lost = quic_sb_rv_const(&sb->lost);
	const struct quic_sb_chunk *c, *prev = NULL;
	u64 mem = 0;
	u32 i;

	CHECK(sb->acked_offset <= sb->sent_offset &&
	      sb->sent_offset <= sb->write_offset);
	for (c = sb->head; c; prev = c, c = c->next) {
		CHECK(!prev || quic_sb_end(prev) == c->offset);
		CHECK(c->len && c->len <= c->cap);
		CHECK(quic_sb_end(c) > sb->acked_offset);
		for (i = 0; i < c->len; i++)
			CHECK(c->data[i] == pat(c->offset + i));
		mem += c->size;
	}
	CHECK(sb->tail == prev && sb->mem == mem && !sb->spare);
	CHECK(!sb->head || sb->head->offset <= sb->acked_offset);
	CHECK(!prev || quic_sb_end(prev) == sb->write_offset);
	for (i = 0; i < sb->nlost; i++)
		CHECK(lost[i].start < lost[i].end &&
		      lost[i].end <= sb->sent_offset &&
		      (!i || lost[i - 1].end < lost[i].start));
	for (i = 0; i < sb->nacked; i++)
		CHECK(acked[i].start > sb->acked_offset &&
		      acked[i].end <= sb->sent_offset &&
		      (!i || acked[i - 1].end < acked[i].start));
	rangevec_invariants(&sb->acked, sb->nacked);
	rangevec_invariants(&sb->lost, sb->nlost);
}

/* Resolve everything in flight, then finish over a lossless path. */
static void send_drain(struct quic_sendbuf *sb, struct smodel *s)
{
	static u8 out[SB_MAX];
	int rounds = 0;
	u32 len, got;
	bool fin;
	u64 off;

	while (s->nfl) {
		struct flight *f = &s->fl[--s->nfl];

		if (f->delivered)
			quic_sendbuf_on_acked(sb, f->off, f->len, f->fin);
		else
			quic_sendbuf_on_lost(sb, f->off, f->len, f->fin);
	}
	if (!s->fin)
		CHECK(!quic_sendbuf_append(sb, NULL, 0, true));
	while (quic_sendbuf_next(sb, QUIC_SB_MAX_OFFSET, 1200, &off, &len,
				 &fin)) {
		CHECK(rounds++ < 10000);
		CHECK(!quic_sendbuf_copy(sb, off, frame, len));
		quic_sendbuf_mark_sent(sb, off, len, fin);
		deliver(s, off, len, fin);
		quic_sendbuf_on_acked(sb, off, len, fin);
	}
	CHECK(quic_sendbuf_all_acked(sb) && !sb->mem && !sb->head);
	/* Nothing left in flight: the range sets are empty and inline. */
	CHECK(!sb->nacked && !sb->nlost && !sb->acked.heap && !sb->lost.heap);
	got = quic_recvbuf_read(&s->peer, out, sizeof(out));
	CHECK(got == sb->write_offset && quic_recvbuf_fin_reached(&s->peer));
	for (off = 0; off < got; off++)
		CHECK(out[off] == pat(off));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct rmodel m;
	static struct smodel s;
	struct input in = { data, size };
	struct quic_recvbuf rb;
	struct quic_sendbuf sb;
	u32 op;

	memset(&m, 0, sizeof(m));
	memset(&s, 0, sizeof(s));
	quic_recvbuf_init(&rb, take(&in, 2) % RB_MAP,
			  take(&in, 1) & 1 ? QUIC_SB_ERR_CRYPTO_BUFFER_EXCEEDED :
					     QUIC_SB_ERR_FLOW_CONTROL);
	quic_sendbuf_init(&sb);
	quic_recvbuf_init(&s.peer, U64_MAX, QUIC_SB_ERR_FLOW_CONTROL);
	s.peer_max = take(&in, 2);

	while (in.n) {
		op = take(&in, 1) % 17;
		switch (op) {
		case 0:
		case 1:
			op_insert(&rb, &m, &in, -1);
			break;
		case 2:
			op_read(&rb, &m, &in, false);
			break;
		case 3:
			op_read(&rb, &m, &in, true);
			break;
		case 4:
			op_reset(&rb, &m, &in);
			break;
		case 5:
			op_window(&rb, &in);
			break;
		case 6:
			op_insert(&rb, &m, &in, take(&in, 1) % 3);
			break;
		case 7:
		case 8:
			op_append(&sb, &s, &in, -1);
			break;
		case 9:
			op_reserve(&sb, &s, &in);
			break;
		case 10:
		case 11:
			op_send(&sb, &s, &in);
			break;
		case 12:
			op_resolve(&sb, &s, &in, false);
			break;
		case 13:
			op_resolve(&sb, &s, &in, true);
			break;
		case 14:
			s.peer_max += take(&in, 2);
			break;
		case 15:
			op_append(&sb, &s, &in, take(&in, 1) % 3);
			break;
		default:
			op_resolve_all(&sb, &s, &in);
			break;
		}
		recv_invariants(&rb, &m);
		send_invariants(&sb);
	}
	CHECK(quic_recvbuf_fin_reached(&rb) ==
	      (m.fin_known && !m.reset && m.read_off == m.final_size));
	send_drain(&sb, &s);
	quic_recvbuf_free(&rb);
	quic_recvbuf_free(&s.peer);
	quic_sendbuf_free(&sb);
	CHECK(!live_allocs);
	return 0;
}
