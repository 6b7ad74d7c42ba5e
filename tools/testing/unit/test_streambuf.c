// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the QUIC stream byte buffers (net/quic/streambuf.c):
 * reassembly, final-size and flow-control errors, window updates, the send
 * side's transmit/ack/loss cycle, memory accounting and allocation failure.
 */
#include <stdlib.h>

/* Allocation hook: fail_after allocations succeed, then all fail. */
static long fail_after = -1;
static long live_allocs;
static long total_allocs;

static void *test_alloc(size_t n)
{
	if (!fail_after)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	live_allocs++;
	total_allocs++;
	return malloc(n);
}

static void test_free(void *p)
{
	if (p)
		live_allocs--;
	free(p);
}

#define quic_sb_alloc(n)	test_alloc(n)
#define quic_sb_free(p)		test_free(p)

#include "tap.h"
#include "../../../net/quic/streambuf.c"

#define T(ok, ...) tap_result(!!(ok), "unit: streambuf: " __VA_ARGS__)

static u64 rng_state;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state >> 16);
}

static u32 rnd_range(u32 lo, u32 hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static void fill_pattern(u8 *b, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		b[i] = (u8)rnd();
}

static int ins(struct quic_recvbuf *rb, u64 off, const u8 *d, u32 len,
	       bool fin, u32 *err)
{
	return quic_recvbuf_insert(rb, off, d, len, fin, err);
}

static bool read_eq(struct quic_recvbuf *rb, const u8 *want, u32 n)
{
	u8 *buf = malloc(n + 1);
	u32 got;
	bool ok;

	got = quic_recvbuf_read(rb, buf, n + 1);
	ok = got == n && (!n || !memcmp(buf, want, n));
	free(buf);
	return ok;
}

static void test_in_order(void)
{
	struct quic_recvbuf rb;
	u8 data[300];
	u32 err;
	bool ok;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, 1000, QUIC_SB_ERR_FLOW_CONTROL);
	ok = !ins(&rb, 0, data, 100, false, &err) &&
	     !ins(&rb, 100, data + 100, 100, false, &err) &&
	     !ins(&rb, 200, data + 200, 100, true, &err);
	T(ok && quic_recvbuf_readable(&rb) == 300 && rb.highest == 300,
	  "in-order segments are readable");
	T(rb.mem > 300 && !quic_recvbuf_fin_reached(&rb),
	  "mem counts data and headers; fin not reached before reading");
	T(read_eq(&rb, data, 300), "in-order bytes read back exactly");
	T(quic_recvbuf_fin_reached(&rb) && rb.mem == 0 && !live_allocs,
	  "fin reached after reading; mem back to 0");
	quic_recvbuf_free(&rb);
}

static void test_out_of_order(void)
{
	struct quic_recvbuf rb;
	u8 data[300];
	u32 err;
	bool ok;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, 1000, QUIC_SB_ERR_FLOW_CONTROL);
	ok = !ins(&rb, 200, data + 200, 100, true, &err) &&
	     !ins(&rb, 100, data + 100, 100, false, &err);
	T(ok && quic_recvbuf_readable(&rb) == 0 && rb.fin_known &&
	  rb.highest == 300, "gap at the start: nothing readable yet");
	T(!ins(&rb, 0, data, 100, false, &err) &&
	  quic_recvbuf_readable(&rb) == 300, "filling the gap makes all readable");
	T(read_eq(&rb, data, 300) && quic_recvbuf_fin_reached(&rb),
	  "out-of-order bytes read back exactly");
	T(rb.mem == 0 && !live_allocs, "out-of-order: mem back to 0");
	quic_recvbuf_free(&rb);
}

static void test_overlap(void)
{
	struct quic_recvbuf rb;
	u8 data[400], buf[64];
	u64 mem;
	u32 err;
	bool ok;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, 1000, QUIC_SB_ERR_FLOW_CONTROL);
	ok = !ins(&rb, 100, data + 100, 50, false, &err) &&
	     !ins(&rb, 200, data + 200, 50, false, &err);
	mem = rb.mem;
	ok = ok && !ins(&rb, 100, data + 100, 50, false, &err) &&
	     !ins(&rb, 110, data + 110, 20, false, &err) &&
	     !ins(&rb, 200, data + 200, 50, false, &err);
	T(ok && rb.mem == mem, "exact and contained duplicates add no memory");
	ok = !ins(&rb, 120, data + 120, 100, false, &err);
	T(ok && rb.highest == 250, "overlap bridging two chunks accepted");
	ok = !ins(&rb, 50, data + 50, 300, false, &err);
	T(ok && rb.mem <= 300 + 4 * 64 + 512,
	  "overlap over everything keeps a single copy");
	T(!ins(&rb, 0, data, 60, false, &err) &&
	  quic_recvbuf_readable(&rb) == 350, "prefix fills the stream to 350");
	T(quic_recvbuf_read(&rb, buf, 40) == 40 && !memcmp(buf, data, 40),
	  "partial read");
	mem = rb.mem;
	T(!ins(&rb, 0, data, 40, false, &err) && rb.mem == mem &&
	  quic_recvbuf_readable(&rb) == 310,
	  "data below the read offset is ignored");
	T(!ins(&rb, 30, data + 30, 370, true, &err) &&
	  read_eq(&rb, data + 40, 360), "overlap across the read offset");
	T(quic_recvbuf_fin_reached(&rb) && !rb.mem && !live_allocs,
	  "overlap: fin reached, mem back to 0");
	quic_recvbuf_free(&rb);
}

static void test_peek_consume(void)
{
	struct quic_recvbuf rb;
	u8 data[9000], out[9000];
	const u8 *p;
	u32 err, n, done = 0;
	int runs = 0;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, 10000, QUIC_SB_ERR_FLOW_CONTROL);
	T(!quic_recvbuf_peek(&rb, &n) && !n, "peek on empty buffer");
	T(!ins(&rb, 0, data, sizeof(data), true, &err),
	  "large frame split over several chunks");
	while ((p = quic_recvbuf_peek(&rb, &n))) {
		n = n > 1000 ? 1000 : n;
		memcpy(out + done, p, n);
		quic_recvbuf_consume(&rb, n);
		done += n;
		runs++;
	}
	T(done == sizeof(data) && !memcmp(out, data, done) && runs > 9,
	  "peek/consume returns every byte in runs");
	T(quic_recvbuf_fin_reached(&rb) && !rb.mem && !live_allocs,
	  "peek/consume frees chunks");
	quic_recvbuf_consume(&rb, 100);
	T(rb.read_off == sizeof(data), "consume is clamped to available data");
	quic_recvbuf_free(&rb);
}

/* quic_recvbuf_peek_at(): a reader ahead of the application's */
static void test_peek_at(void)
{
	struct quic_recvbuf rb;
	u8 data[6000], out[6000];
	u32 err, n, done;
	const u8 *p;
	u64 off;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, 10000, QUIC_SB_ERR_FLOW_CONTROL);
	T(!quic_recvbuf_peek_at(&rb, 0, &n) && !n, "peek_at on empty buffer");
	T(!ins(&rb, 0, data, 3000, false, &err) &&
	  !ins(&rb, 4000, data + 4000, 2000, true, &err),
	  "peek_at: data, a hole, data");
	/* Everything from 100 up to the hole, in runs */
	for (off = 100, done = 0; (p = quic_recvbuf_peek_at(&rb, off, &n));
	     off += n) {
		memcpy(out + done, p, n);
		done += n;
	}
	T(off == 3000 && !memcmp(out, data + 100, done),
	  "peek_at reads up to the hole, every byte right");
	T(!quic_recvbuf_peek_at(&rb, 4500, &n) && !n,
	  "peek_at: nothing past a hole");
	T(quic_recvbuf_readable(&rb) == 3000 && rb.read_off == 0,
	  "peek_at leaves the bytes unread");
	quic_recvbuf_consume(&rb, 1500);
	T(!quic_recvbuf_peek_at(&rb, 1499, &n) && !n,
	  "peek_at: nothing below what was read");
	p = quic_recvbuf_peek_at(&rb, 1500, &n);
	T(p && *p == data[1500], "peek_at at the read offset");
	T(!ins(&rb, 3000, data + 3000, 1000, false, &err),
	  "peek_at: the hole filled");
	for (off = 2999, done = 0; (p = quic_recvbuf_peek_at(&rb, off, &n));
	     off += n) {
		memcpy(out + done, p, n);
		done += n;
	}
	T(off == 6000 && !memcmp(out, data + 2999, done),
	  "peek_at reads on to the end once the hole is filled");
	quic_recvbuf_free(&rb);
}

/* Segments covering [0, n) with overlap, in random order, random reads. */
static bool permute_once(u32 n, u32 maxseg)
{
	u64 *seg_off = malloc(sizeof(u64) * 4 * n);
	u32 *seg_len = malloc(sizeof(u32) * 4 * n);
	u8 *data = malloc(n), *out = malloc(n);
	u32 nseg = 0, i, j, pos = 0, got = 0, err;
	struct quic_recvbuf rb;
	bool ok = true;

	fill_pattern(data, n);
	while (pos < n) {
		u32 len = rnd_range(1, maxseg);
		u32 back = rnd() % 4 ? 0 : rnd_range(0, pos < 20 ? pos : 20);

		if (len > n - pos)
			len = n - pos;
		seg_off[nseg] = pos - back;
		seg_len[nseg++] = len + back;
		pos += len;
		if (!(rnd() % 5)) {	/* a duplicate somewhere */
			seg_off[nseg] = seg_off[nseg - 1];
			seg_len[nseg] = seg_len[nseg - 1];
			nseg++;
		}
	}
	for (i = nseg - 1; i > 0; i--) {
		u64 to;
		u32 tl;

		j = rnd() % (i + 1);
		to = seg_off[i];
		tl = seg_len[i];
		seg_off[i] = seg_off[j];
		seg_len[i] = seg_len[j];
		seg_off[j] = to;
		seg_len[j] = tl;
	}
	quic_recvbuf_init(&rb, n, QUIC_SB_ERR_FLOW_CONTROL);
	for (i = 0; i < nseg && ok; i++) {
		bool fin = seg_off[i] + seg_len[i] == n;

		ok = !ins(&rb, seg_off[i], data + seg_off[i], seg_len[i], fin,
			  &err);
		if (!(rnd() % 3))
			got += quic_recvbuf_read(&rb, out + got,
						 rnd_range(0, n - got));
	}
	got += quic_recvbuf_read(&rb, out + got, n - got);
	ok = ok && got == n && !memcmp(out, data, n) &&
	     quic_recvbuf_fin_reached(&rb) && !rb.mem && !live_allocs;
	quic_recvbuf_free(&rb);
	free(seg_off);
	free(seg_len);
	free(data);
	free(out);
	return ok;
}

static void test_permutations(void)
{
	int i, bad = 0;

	for (i = 0; i < 300; i++)
		if (!permute_once(rnd_range(1, 6000), rnd_range(1, 1500)))
			bad++;
	T(!bad, "300 random permutations of overlapping segments reassemble (%d bad)",
	  bad);
	for (i = 0, bad = 0; i < 50; i++)
		if (!permute_once(rnd_range(1, 400), 3))
			bad++;
	T(!bad, "50 permutations of 1-3 byte segments reassemble (%d bad)", bad);
}

static void test_small_frames(void)
{
	struct quic_recvbuf rb;
	u8 data[2000];
	u32 err, i;
	bool ok = true;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, 4000, QUIC_SB_ERR_FLOW_CONTROL);
	total_allocs = 0;
	for (i = 0; i < sizeof(data); i++)
		ok = ok && !ins(&rb, i, data + i, 1, false, &err);
	T(ok && total_allocs < 100 && quic_recvbuf_readable(&rb) == 2000,
	  "in-order 1-byte frames coalesce into chunk slack (%ld allocs)",
	  total_allocs);
	T(read_eq(&rb, data, 2000) && !rb.mem && !live_allocs,
	  "coalesced bytes read back exactly");
	/* Scattered single bytes: every allocation shows in mem. */
	for (i = 1; i < 2000; i += 2)
		ok = ok && !ins(&rb, 2000 + i, data + i, 1, false, &err);
	T(ok && rb.mem >= 1000 * (sizeof(struct quic_sb_chunk) + 1) &&
	  rb.mem <= 1000 * 64, "scattered bytes charged with headers (%llu)",
	  (unsigned long long)rb.mem);
	for (i = 0; i < 2000; i += 2)
		ok = ok && !ins(&rb, 2000 + i, data + i, 1, false, &err);
	T(ok && read_eq(&rb, data, 2000) && !rb.mem && !live_allocs,
	  "filled holes read back; mem back to 0");
	quic_recvbuf_free(&rb);
}

static void test_final_size(void)
{
	struct quic_recvbuf rb;
	u8 d[100] = { 0 };
	u64 mem, high;
	u32 err;
	int ret;

	quic_recvbuf_init(&rb, 1000, QUIC_SB_ERR_FLOW_CONTROL);
	ins(&rb, 0, d, 50, false, &err);
	ret = ins(&rb, 0, d, 40, true, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FINAL_SIZE && !rb.fin_known,
	  "FIN below data already received: FINAL_SIZE_ERROR");
	T(!ins(&rb, 50, d, 50, true, &err) && rb.final_size == 100,
	  "FIN sets the final size");
	T(!ins(&rb, 100, NULL, 0, true, &err) && !ins(&rb, 60, d, 40, true, &err),
	  "repeated FIN with the same final size accepted");
	T(!ins(&rb, 90, d, 10, false, &err) && !ins(&rb, 100, NULL, 0, false, &err),
	  "data ending at the final size accepted");
	high = rb.highest;
	mem = rb.mem;
	ret = ins(&rb, 95, d, 10, false, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FINAL_SIZE,
	  "data beyond the final size: FINAL_SIZE_ERROR");
	ret = ins(&rb, 50, d, 60, true, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FINAL_SIZE,
	  "larger final size: FINAL_SIZE_ERROR");
	ret = ins(&rb, 50, d, 40, true, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FINAL_SIZE,
	  "smaller final size: FINAL_SIZE_ERROR");
	T(rb.highest == high && rb.mem == mem && rb.final_size == 100,
	  "rejected frames leave the buffer unchanged");
	ret = quic_recvbuf_reset(&rb, 99, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FINAL_SIZE && !rb.reset,
	  "RESET_STREAM changing the final size: FINAL_SIZE_ERROR");
	T(!quic_recvbuf_reset(&rb, 100, &err) && rb.reset && !rb.mem &&
	  !live_allocs, "RESET_STREAM with the same final size drops data");
	T(!ins(&rb, 0, d, 100, true, &err) && !rb.mem && !quic_recvbuf_readable(&rb),
	  "data after reset is checked and dropped");
	T(!quic_recvbuf_fin_reached(&rb), "a reset stream never reaches fin");
	quic_recvbuf_free(&rb);

	quic_recvbuf_init(&rb, 1000, QUIC_SB_ERR_FLOW_CONTROL);
	ins(&rb, 200, d, 10, false, &err);
	ret = quic_recvbuf_reset(&rb, 150, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FINAL_SIZE,
	  "RESET_STREAM below highest received: FINAL_SIZE_ERROR");
	ret = quic_recvbuf_reset(&rb, 1001, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FLOW_CONTROL,
	  "RESET_STREAM beyond the limit: FLOW_CONTROL_ERROR");
	T(quic_recvbuf_fc_delta(&rb, 500, 0) == 290 &&
	  !quic_recvbuf_reset(&rb, 500, &err) && rb.highest == 500,
	  "RESET_STREAM final size counts towards flow control");
	ret = ins(&rb, 500, d, 1, false, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FINAL_SIZE,
	  "data past a reset's final size: FINAL_SIZE_ERROR");
	quic_recvbuf_free(&rb);

	quic_recvbuf_init(&rb, 1000, QUIC_SB_ERR_FLOW_CONTROL);
	T(!ins(&rb, 0, NULL, 0, true, &err) && quic_recvbuf_fin_reached(&rb),
	  "empty stream with FIN reaches fin at once");
	quic_recvbuf_free(&rb);
}

static void test_limits(void)
{
	struct quic_recvbuf rb;
	u8 d[100] = { 0 };
	u32 err;
	int ret;

	quic_recvbuf_init(&rb, 100, QUIC_SB_ERR_FLOW_CONTROL);
	T(!ins(&rb, 50, d, 50, false, &err), "data up to the limit accepted");
	ret = ins(&rb, 51, d, 50, false, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FLOW_CONTROL && rb.highest == 100,
	  "one byte beyond the limit: FLOW_CONTROL_ERROR");
	ret = ins(&rb, 100, NULL, 0, true, &err);
	T(!ret && rb.final_size == 100, "FIN at the limit accepted");
	quic_recvbuf_free(&rb);

	quic_recvbuf_init(&rb, 64, QUIC_SB_ERR_CRYPTO_BUFFER_EXCEEDED);
	ret = ins(&rb, 60, d, 5, false, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_CRYPTO_BUFFER_EXCEEDED,
	  "CRYPTO buffer limit reports CRYPTO_BUFFER_EXCEEDED");
	quic_recvbuf_free(&rb);

	quic_recvbuf_init(&rb, U64_MAX, QUIC_SB_ERR_FLOW_CONTROL);
	ret = ins(&rb, QUIC_SB_MAX_OFFSET, d, 1, false, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FRAME_ENCODING,
	  "offset + len past 2^62 - 1: FRAME_ENCODING_ERROR");
	ret = ins(&rb, U64_MAX - 5, d, 10, false, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FRAME_ENCODING,
	  "wrapping offset + len: FRAME_ENCODING_ERROR");
	ret = quic_recvbuf_reset(&rb, QUIC_SB_MAX_OFFSET + 1, &err);
	T(ret == -EPROTO && err == QUIC_SB_ERR_FRAME_ENCODING,
	  "RESET_STREAM final size past 2^62 - 1: FRAME_ENCODING_ERROR");
	T(!ins(&rb, QUIC_SB_MAX_OFFSET - 1, d, 1, true, &err) &&
	  rb.final_size == QUIC_SB_MAX_OFFSET, "final size of exactly 2^62 - 1");
	T(quic_recvbuf_fc_delta(&rb, U64_MAX, 10) == U64_MAX - rb.highest,
	  "fc_delta saturates");
	quic_recvbuf_free(&rb);
	T(!live_allocs, "limits: no allocation left");
}

static void test_window(void)
{
	struct quic_recvbuf rb;
	u8 d[200] = { 0 }, buf[200];
	struct quic_fc fc;
	u64 nm = 0;
	u32 err;

	quic_recvbuf_init(&rb, 100, QUIC_SB_ERR_FLOW_CONTROL);
	ins(&rb, 0, d, 100, false, &err);
	T(!quic_recvbuf_window_update(&rb, 100, &nm), "no update before reading");
	quic_recvbuf_read(&rb, buf, 49);
	T(!quic_recvbuf_window_update(&rb, 100, &nm) && rb.max_offset == 100,
	  "no update below half a window consumed");
	quic_recvbuf_read(&rb, buf, 1);
	T(quic_recvbuf_window_update(&rb, 100, &nm) && nm == 150 &&
	  rb.max_offset == 150, "update to read offset + window at half window");
	T(!quic_recvbuf_window_update(&rb, 100, &nm),
	  "no second update right after");
	T(!ins(&rb, 100, d, 50, false, &err), "peer may use the new credit");
	quic_recvbuf_read(&rb, buf, 100);
	T(quic_recvbuf_window_update(&rb, 100, &nm) && nm == 250,
	  "update after reading further");
	T(quic_recvbuf_window_update(&rb, 300, &nm) && nm == 450,
	  "a larger window grows the limit");
	ins(&rb, 150, d, 10, true, &err);
	quic_recvbuf_read(&rb, buf, 200);
	T(!quic_recvbuf_window_update(&rb, 1000, &nm),
	  "no update once the final size is known");
	quic_recvbuf_free(&rb);

	quic_recvbuf_init(&rb, 10, QUIC_SB_ERR_FLOW_CONTROL);
	rb.read_off = QUIC_SB_MAX_OFFSET - 5;
	T(quic_recvbuf_window_update(&rb, 100, &nm) && nm == QUIC_SB_MAX_OFFSET,
	  "window update capped at 2^62 - 1");
	quic_recvbuf_free(&rb);

	quic_fc_init(&fc, 1000);
	T(quic_fc_recv_check(&fc, 1000) && !quic_fc_recv_check(&fc, 1001),
	  "fc: check against the connection limit");
	quic_fc_add(&fc, 600);
	T(quic_fc_recv_check(&fc, 400) && !quic_fc_recv_check(&fc, 401) &&
	  quic_fc_avail(&fc) == 400, "fc: credit shrinks with received data");
	quic_fc_consumed(&fc, 499);
	T(!quic_fc_window_update(&fc, 1000, &nm), "fc: no MAX_DATA below half");
	quic_fc_consumed(&fc, 1);
	T(quic_fc_window_update(&fc, 1000, &nm) && nm == 1500 && fc.max == 1500,
	  "fc: MAX_DATA at half window");
	T(!quic_fc_update_max(&fc, 1200) && fc.max == 1500 &&
	  quic_fc_update_max(&fc, 2000) && quic_fc_avail(&fc) == 1400,
	  "fc: limits never shrink");
	quic_fc_add(&fc, 5000);
	T(!quic_fc_avail(&fc) && !quic_fc_recv_check(&fc, 0),
	  "fc: over the limit means no credit");
}

/* Window auto-tuning: doubling only when updates come within 2 RTTs. */
static void test_autotune(void)
{
	u64 w = 1000, last = 0;

	T(!quic_fc_autotune(&w, 8000, &last, 5000, 100) && w == 1000 &&
	  last == 5000, "autotune: the first update only starts the clock");
	T(!quic_fc_autotune(&w, 8000, &last, 5200, 100) && w == 1000 &&
	  last == 5200, "autotune: an update 2 RTTs later keeps the window");
	T(quic_fc_autotune(&w, 8000, &last, 5399, 100) && w == 2000,
	  "autotune: an update within 2 RTTs doubles the window");
	T(quic_fc_autotune(&w, 8000, &last, 5400, 100) && w == 4000 &&
	  quic_fc_autotune(&w, 8000, &last, 5401, 100) && w == 8000,
	  "autotune: doubling up to the cap");
	T(!quic_fc_autotune(&w, 8000, &last, 5402, 100) && w == 8000,
	  "autotune: never beyond the cap");
	w = 5000;
	T(quic_fc_autotune(&w, 8000, &last, 5403, 100) && w == 8000,
	  "autotune: the last step stops at the cap");
	w = 9000;
	T(!quic_fc_autotune(&w, 8000, &last, 5404, 100) && w == 9000,
	  "autotune: a window above a lowered cap is not shrunk");
	w = 1000;
	T(!quic_fc_autotune(&w, 8000, &last, 5405, 0) && w == 1000,
	  "autotune: no RTT sample, no growth");
	T(!quic_fc_autotune(&w, 8000, &last, 5000, 100) && w == 1000 &&
	  last == 5000, "autotune: a clock going backwards grows nothing");
}

static void test_recv_enomem(void)
{
	struct quic_recvbuf rb;
	u8 data[12000], out[12000];
	u64 mem, high;
	u32 err;
	long live;
	int ret;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, sizeof(data), QUIC_SB_ERR_FLOW_CONTROL);
	ins(&rb, 100, data + 100, 50, false, &err);
	ins(&rb, 300, data + 300, 50, false, &err);
	ins(&rb, 11000, data + 11000, 100, false, &err);
	mem = rb.mem;
	high = rb.highest;
	live = live_allocs;
	fail_after = 0;
	ret = ins(&rb, 0, data, 12000, true, &err);
	T(ret == -ENOMEM && rb.mem == mem && rb.highest == high &&
	  !rb.fin_known && live_allocs == live,
	  "failed allocation: -ENOMEM, state unchanged");
	fail_after = 2;
	ret = ins(&rb, 0, data, 12000, true, &err);
	T(ret == -ENOMEM && rb.mem == mem && rb.highest == high &&
	  !rb.fin_known && live_allocs == live && !quic_recvbuf_readable(&rb),
	  "allocation failing mid-frame: nothing kept, nothing leaked");
	fail_after = -1;
	T(!ins(&rb, 0, data, 12000, true, &err) &&
	  quic_recvbuf_read(&rb, out, sizeof(out)) == sizeof(out) &&
	  !memcmp(out, data, sizeof(out)) && !rb.mem && !live_allocs,
	  "retry after failure reassembles the stream");
	quic_recvbuf_free(&rb);

	quic_recvbuf_init(&rb, sizeof(data), QUIC_SB_ERR_FLOW_CONTROL);
	ins(&rb, 0, data, 5000, false, &err);
	ins(&rb, 6000, data + 6000, 10, false, &err);
	quic_recvbuf_free(&rb);
	T(!rb.mem && !live_allocs && !rb.head,
	  "free releases buffered chunks");
}

/* ---- send side ---- */

struct pkt {
	u64 off;
	u32 len;
	bool fin;
};

static bool write_random(struct quic_sendbuf *sb, const u8 *data, u32 n)
{
	u32 pos = 0;

	while (pos < n) {
		u32 len = rnd_range(1, 3000);
		bool fin;

		if (len > n - pos)
			len = n - pos;
		fin = pos + len == n;
		if (rnd() % 2) {
			if (quic_sendbuf_append(sb, data + pos, len, fin))
				return false;
			pos += len;
			continue;
		}
		while (len) {
			u32 room = len;
			u8 *p = quic_sendbuf_reserve(sb, &room);

			if (!p || !room || room > len)
				return false;
			memcpy(p, data + pos, room);
			pos += room;
			len -= room;
			quic_sendbuf_commit(sb, room, fin && !len);
		}
	}
	if (!n)
		return !quic_sendbuf_append(sb, NULL, 0, true);
	return true;
}

/*
 * Drive a sender and a receiver over a lossy, reordering path. Every frame
 * the receiver accepts comes from next() + copy(); loss is decided with the
 * seeded generator. Returns true if the receiver got exactly @data.
 */
static long retx_frames;
static long idle_seen;	/* rounds quic_sendbuf_idle() said idle */
static long idle_wrong;	/* of them, rounds next() had a frame all the same */
static struct quic_sb_pool *transfer_pool;	/* the sender's, or NULL */

static bool transfer(u32 n, u32 loss_pct, u32 window, bool spurious)
{
	struct pkt *fl = malloc(sizeof(*fl) * 4096);
	u8 *data = malloc(n + 1), *out = malloc(n + 1), *frame;
	u64 peer_max = window, off, nm;
	struct quic_recvbuf rb;
	struct quic_sendbuf sb;
	u32 nfl = 0, len, err, got = 0, rounds = 0;
	bool fin, ok = true;

	frame = malloc(1500);
	fill_pattern(data, n);
	quic_sendbuf_init(&sb);
	sb.pool = transfer_pool;
	quic_recvbuf_init(&rb, window, QUIC_SB_ERR_FLOW_CONTROL);
	ok = write_random(&sb, data, n);
	while (ok && !quic_sendbuf_all_acked(&sb) && rounds++ < 200000) {
		/* The send path skips next() for a buffer idle() calls idle. */
		if (quic_sendbuf_idle(&sb)) {
			idle_seen++;
			if (quic_sendbuf_next(&sb, U64_MAX, 1400, &off, &len,
					      &fin))
				idle_wrong++;
		}
		/* Send a few frames. */
		while (nfl < 4096 && rnd() % 4 &&
		       quic_sendbuf_next(&sb, peer_max, rnd_range(1, 1400),
					 &off, &len, &fin)) {
			if (off < sb.sent_offset)
				retx_frames++;
			if (quic_sendbuf_copy(&sb, off, frame, len)) {
				ok = false;
				break;
			}
			if (len > 1 && !(rnd() % 8)) {
				len = rnd_range(1, len - 1);
				fin = false;
			}
			quic_sendbuf_mark_sent(&sb, off, len, fin);
			fl[nfl].off = off;
			fl[nfl].len = len;
			fl[nfl++].fin = fin;
			/* The wire: a lost frame is never seen by the peer. */
			if (rnd() % 100 < loss_pct) {
				fl[nfl - 1].len |= 0x80000000u;
				continue;
			}
			if (ins(&rb, off, frame, len, fin, &err))
				ok = false;
		}
		if (!nfl) {
			if (!quic_sendbuf_next(&sb, peer_max, 1400, &off, &len,
					       &fin) &&
			    !quic_sendbuf_blocked_at(&sb, peer_max))
				break;
		} else {
			/* Resolve one in-flight frame, in random order. */
			u32 i = rnd() % nfl;
			struct pkt p = fl[i];
			bool lost = p.len & 0x80000000u;

			p.len &= ~0x80000000u;
			fl[i] = fl[--nfl];
			if (lost) {
				quic_sendbuf_on_lost(&sb, p.off, p.len, p.fin);
			} else if (spurious && !(rnd() % 4)) {
				quic_sendbuf_on_lost(&sb, p.off, p.len, p.fin);
				quic_sendbuf_on_acked(&sb, p.off, p.len, p.fin);
			} else {
				quic_sendbuf_on_acked(&sb, p.off, p.len, p.fin);
			}
		}
		/* The application reads now and then; credit follows. */
		if (!(rnd() % 3))
			got += quic_recvbuf_read(&rb, out + got, n + 1 - got);
		if (quic_recvbuf_window_update(&rb, window, &nm))
			peer_max = nm;
	}
	got += quic_recvbuf_read(&rb, out + got, n + 1 - got);
	if (transfer_pool)
		quic_sb_pool_drain(transfer_pool);
	ok = ok && quic_sendbuf_all_acked(&sb) && got == n &&
	     !memcmp(out, data, n) && quic_recvbuf_fin_reached(&rb) &&
	     !sb.mem && !rb.mem && !live_allocs;
	if (!ok)
		tap_diag("lossy path n=%u loss=%u window=%u: got %u acked %llu/%llu",
			 n, loss_pct, window, got,
			 (unsigned long long)sb.acked_offset,
			 (unsigned long long)sb.write_offset);
	quic_sendbuf_free(&sb);
	quic_recvbuf_free(&rb);
	free(fl);
	free(data);
	free(out);
	free(frame);
	return ok;
}

static void test_transfer(void)
{
	int i, bad = 0;

	T(transfer(50000, 0, 1 << 20, false), "lossless transfer delivers every byte");
	T(transfer(0, 20, 1000, false), "empty stream: FIN alone is delivered");
	for (i = 0; i < 40; i++)
		if (!transfer(rnd_range(1, 60000), rnd_range(1, 40),
			      rnd_range(2000, 70000), i & 1))
			bad++;
	T(!bad && retx_frames > 1000,
	  "40 lossy transfers with reordering and flow control (%d bad, %ld resent)",
	  bad, retx_frames);
	for (i = 0, bad = 0; i < 10; i++)
		if (!transfer(rnd_range(100, 20000), 70, 100000, true))
			bad++;
	T(!bad, "10 transfers at 70%% loss with spurious losses (%d bad)", bad);
	T(idle_seen > 100 && !idle_wrong,
	  "sendbuf_idle: never idle where next() has a frame (%ld idle rounds, %ld wrong)",
	  idle_seen, idle_wrong);
}

static void test_send_flow_control(void)
{
	struct quic_sendbuf sb;
	u8 data[1000];
	u64 off;
	u32 len;
	bool fin;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	T(!quic_sendbuf_next(&sb, 100, 1000, &off, &len, &fin) &&
	  !quic_sendbuf_blocked_at(&sb, 0), "empty buffer has nothing to send");
	quic_sendbuf_append(&sb, data, 1000, true);
	T(quic_sendbuf_next(&sb, 300, 1000, &off, &len, &fin) && off == 0 &&
	  len == 300 && !fin, "new data limited by peer max");
	quic_sendbuf_mark_sent(&sb, off, len, fin);
	T(!quic_sendbuf_next(&sb, 300, 1000, &off, &len, &fin) &&
	  quic_sendbuf_blocked_at(&sb, 300), "at the limit: blocked");
	quic_sendbuf_on_lost(&sb, 100, 50, false);
	T(quic_sendbuf_next(&sb, 300, 1000, &off, &len, &fin) && off == 100 &&
	  len == 50, "retransmission allowed while blocked");
	quic_sendbuf_mark_sent(&sb, off, len, fin);
	T(quic_sendbuf_next(&sb, 1000, 400, &off, &len, &fin) && off == 300 &&
	  len == 400 && !fin, "raised limit: new data capped by max_len");
	quic_sendbuf_mark_sent(&sb, off, len, fin);
	T(quic_sendbuf_next(&sb, 1000, 400, &off, &len, &fin) && off == 700 &&
	  len == 300 && fin, "last range carries FIN");
	quic_sendbuf_mark_sent(&sb, off, len, fin);
	T(!quic_sendbuf_next(&sb, 1000, 400, &off, &len, &fin) &&
	  !quic_sendbuf_blocked_at(&sb, 1000), "all sent: nothing more");
	quic_sendbuf_on_acked(&sb, 0, 1000, false);
	T(!quic_sendbuf_all_acked(&sb) && !sb.mem && !live_allocs,
	  "bytes acked, FIN not yet: chunks freed, not all acked");
	quic_sendbuf_on_lost(&sb, 700, 300, true);
	T(quic_sendbuf_next(&sb, 1000, 400, &off, &len, &fin) && off == 1000 &&
	  !len && fin, "lost FIN resent alone when its bytes were acked");
	quic_sendbuf_mark_sent(&sb, off, len, fin);
	quic_sendbuf_on_acked(&sb, off, len, fin);
	T(quic_sendbuf_all_acked(&sb), "all acked after the FIN is acked");
	quic_sendbuf_free(&sb);
}

static void test_send_fin_only(void)
{
	struct quic_sendbuf sb;
	u8 data[10] = "0123456789", buf[10];
	u64 off;
	u32 len;
	bool fin;

	quic_sendbuf_init(&sb);
	quic_sendbuf_append(&sb, data, 10, false);
	quic_sendbuf_next(&sb, 100, 100, &off, &len, &fin);
	quic_sendbuf_mark_sent(&sb, off, len, fin);
	T(!fin && !quic_sendbuf_next(&sb, 100, 100, &off, &len, &fin),
	  "open stream: no FIN");
	T(!quic_sendbuf_append(&sb, NULL, 0, true) &&
	  quic_sendbuf_next(&sb, 10, 100, &off, &len, &fin) && off == 10 &&
	  !len && fin, "FIN after all data goes alone, even at the limit");
	T(quic_sendbuf_append(&sb, data, 1, false) == -EPIPE &&
	  !quic_sendbuf_append(&sb, NULL, 0, true) &&
	  !quic_sendbuf_reserve(&sb, &len), "no writes after FIN");
	quic_sendbuf_mark_sent(&sb, off, len, fin);
	T(!quic_sendbuf_copy(&sb, 3, buf, 7) && !memcmp(buf, data + 3, 7) &&
	  quic_sendbuf_copy(&sb, 3, buf, 8) == -EINVAL,
	  "copy within data; beyond it fails");
	quic_sendbuf_on_acked(&sb, 10, 0, true);
	quic_sendbuf_on_acked(&sb, 5, 5, false);
	T(!quic_sendbuf_all_acked(&sb) && sb.mem, "hole at the start: not done");
	quic_sendbuf_on_acked(&sb, 0, 5, false);
	T(quic_sendbuf_all_acked(&sb) && !sb.mem && !live_allocs,
	  "hole filled: all acked, mem 0");
	T(quic_sendbuf_copy(&sb, 0, buf, 1) == -EINVAL,
	  "acked bytes can no longer be copied");
	quic_sendbuf_free(&sb);
}

/* More holes than QUIC_SB_RANGES in both sets, then complete. */
static void test_send_ranges_overflow(void)
{
	struct quic_sendbuf sb;
	struct quic_recvbuf rb;
	u8 data[4000], out[4000], frame[100];
	u32 i, len, err;
	bool fin, ok = true;
	u64 off;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	quic_recvbuf_init(&rb, 4000, QUIC_SB_ERR_FLOW_CONTROL);
	quic_sendbuf_append(&sb, data, 4000, true);
	for (i = 0; i < 100; i++) {
		quic_sendbuf_next(&sb, 4000, 40, &off, &len, &fin);
		quic_sendbuf_copy(&sb, off, frame, len);
		quic_sendbuf_mark_sent(&sb, off, len, fin);
	}
	/* Odd frames acked (50 holes), even ones lost (50 ranges). */
	for (i = 1; i < 100; i += 2) {
		quic_sendbuf_on_acked(&sb, i * 40, 40, i == 99);
		ins(&rb, i * 40, data + i * 40, 40, i == 99, &err);
	}
	for (i = 0; i < 100; i += 2)
		quic_sendbuf_on_lost(&sb, i * 40, 40, false);
	T(sb.nacked <= QUIC_SB_RANGES && sb.nlost <= QUIC_SB_RANGES &&
	  sb.fin_acked, "range sets stay bounded");
	while (quic_sendbuf_next(&sb, 4000, 100, &off, &len, &fin)) {
		quic_sendbuf_copy(&sb, off, frame, len);
		quic_sendbuf_mark_sent(&sb, off, len, fin);
		ok = ok && !ins(&rb, off, frame, len, fin, &err);
		quic_sendbuf_on_acked(&sb, off, len, fin);
	}
	T(ok && quic_sendbuf_all_acked(&sb) && !sb.mem && !sb.nlost,
	  "overflowing range sets still end all acked");
	T(quic_recvbuf_read(&rb, out, 4000) == 4000 && !memcmp(out, data, 4000) &&
	  quic_recvbuf_fin_reached(&rb) && !live_allocs,
	  "overflowing range sets lose no data");
	quic_sendbuf_free(&sb);
	quic_recvbuf_free(&rb);
}

/* ---- range sets: inline entries, heap array, fallbacks ---- */

/* Send @n frames of @flen bytes each, in order. */
static void send_frames(struct quic_sendbuf *sb, u32 n, u32 flen)
{
	u32 i, len;
	bool fin;
	u64 off;

	for (i = 0; i < n; i++) {
		quic_sendbuf_next(sb, U64_MAX, flen, &off, &len, &fin);
		quic_sendbuf_mark_sent(sb, off, len, fin);
	}
}

/* The set holds exactly [first + k * step, first + k * step + len). */
static bool set_is(const struct quic_sb_rangevec *v, u8 n, u8 want,
		   u64 first, u64 step, u64 len)
{
	const struct quic_sb_range *r = quic_sb_rv_const(v);
	u8 i;

	if (n != want)
		return false;
	for (i = 0; i < n; i++)
		if (r[i].start != first + i * step ||
		    r[i].end != first + i * step + len)
			return false;
	return true;
}

/*
 * Ten holes in each set: more than the inline entries, fewer than
 * QUIC_SB_RANGES, so every range is kept exactly as with fixed arrays:
 * each lost frame is resent once, whole, and nothing else is.
 */
static void test_send_ranges_grow(void)
{
	long live, allocs;
	struct quic_sendbuf sb;
	u32 i, len, n = 0, bytes = 0;
	u8 data[400];
	bool fin, ok = true, kept = true;
	u64 off;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	quic_sendbuf_append(&sb, data, 400, false);
	send_frames(&sb, 40, 10);
	live = live_allocs;
	allocs = total_allocs;
	for (i = 1; i < 20; i += 2) {
		quic_sendbuf_on_acked(&sb, i * 10, 10, false);
		ok = ok && !sb.acked.heap ==
		     (sb.nacked <= QUIC_SB_RANGES_INLINE);
	}
	T(ok && set_is(&sb.acked, sb.nacked, 10, 10, 20, 10) &&
	  total_allocs == allocs + 1 && live_allocs == live + 1,
	  "acked set grows past %d inline entries once, keeps all 10 ranges",
	  QUIC_SB_RANGES_INLINE);
	for (i = 0; i < 20; i += 2)
		quic_sendbuf_on_lost(&sb, i * 10, 10, false);
	T(set_is(&sb.lost, sb.nlost, 10, 0, 20, 10) && sb.lost.heap &&
	  total_allocs == allocs + 2 && live_allocs == live + 2,
	  "lost set grows too, keeps all 10 ranges");
	while (quic_sendbuf_next(&sb, U64_MAX, 1000, &off, &len, &fin) &&
	       off < sb.sent_offset) {
		ok = ok && off == n * 20 && len == 10 && !fin;
		quic_sendbuf_mark_sent(&sb, off, len, fin);
		n++;
		bytes += len;
	}
	T(ok && n == 10 && bytes == 100 && off == 400,
	  "exactly the lost bytes are resent (%u frames, %u bytes)", n, bytes);
	T(!sb.nlost && !sb.lost.heap && live_allocs == live + 1,
	  "emptied lost set frees its array");
	for (i = 0; i < 20; i += 2) {
		quic_sendbuf_on_acked(&sb, i * 10, 10, false);
		if (sb.nacked > QUIC_SB_RANGES_INLINE / 2)
			kept = kept && sb.acked.heap;
		else
			ok = ok && !sb.acked.heap;
	}
	T(ok && kept && sb.acked_offset == 200 && !sb.nacked &&
	  live_allocs == live,
	  "acked set keeps its array down to %d entries, frees it below",
	  QUIC_SB_RANGES_INLINE / 2 + 1);
	quic_sendbuf_free(&sb);
	T(!live_allocs, "grown sets: nothing left after free");
}

/*
 * Around the inline size a set allocates once and keeps its array: an
 * ACK/loss pattern must not allocate and free on every call.
 */
static void test_send_ranges_hysteresis(void)
{
	struct quic_sendbuf sb;
	long live, allocs;
	u8 data[400];
	bool ok = true;
	u32 i;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	quic_sendbuf_append(&sb, data, 400, false);
	send_frames(&sb, 40, 10);
	quic_sendbuf_on_lost(&sb, 0, 10, false);
	quic_sendbuf_on_lost(&sb, 20, 10, false);
	live = live_allocs;
	allocs = total_allocs;
	T(sb.nlost == 2 && !sb.lost.heap, "two lost ranges stay inline");
	for (i = 0; i < 10; i++) {
		quic_sendbuf_on_lost(&sb, 40, 10, false);
		ok = ok && sb.nlost == 3 && sb.lost.heap;
		quic_sendbuf_mark_sent(&sb, 40, 10, false);
		ok = ok && sb.nlost == 2 && sb.lost.heap;
	}
	T(ok && total_allocs == allocs + 1 && live_allocs == live + 1,
	  "2 <-> 3 lost ranges: one allocation in 10 rounds");
	quic_sendbuf_mark_sent(&sb, 20, 10, false);
	T(sb.nlost == 1 && !sb.lost.heap && live_allocs == live &&
	  set_is(&sb.lost, sb.nlost, 1, 0, 0, 10),
	  "down to one range: back inline, array freed");
	for (i = 0; i < 3; i++)
		quic_sendbuf_on_acked(&sb, 50 + i * 20, 10, false);
	T(sb.acked.heap && set_is(&sb.acked, sb.nacked, 3, 50, 20, 10),
	  "acked set grows on its third range");
	quic_sendbuf_on_acked(&sb, 60, 20, false);
	T(sb.acked.heap && sb.nacked == 2 &&
	  quic_sb_rv(&sb.acked)[0].start == 50 &&
	  quic_sb_rv(&sb.acked)[0].end == 80 &&
	  quic_sb_rv(&sb.acked)[1].start == 90 &&
	  quic_sb_rv(&sb.acked)[1].end == 100,
	  "merge to two ranges keeps the array");
	quic_sendbuf_on_acked(&sb, 80, 10, false);
	T(!sb.acked.heap && set_is(&sb.acked, sb.nacked, 1, 50, 0, 50) &&
	  live_allocs == live, "merge to one range frees it");
	quic_sendbuf_free(&sb);
	T(!live_allocs, "hysteresis: nothing left after free");
}

/* Bytes the buffer claims acked must all be really acked. */
static bool claims_ok(const struct quic_sendbuf *sb, const u8 *really)
{
	const struct quic_sb_range *r = quic_sb_rv_const(&sb->acked);
	u64 i;
	u8 k;

	for (i = 0; i < sb->acked_offset; i++)
		if (!really[i])
			return false;
	for (k = 0; k < sb->nacked; k++)
		for (i = r[k].start; i < r[k].end; i++)
			if (!really[i])
				return false;
	return true;
}

/*
 * With no memory for the arrays the sets are full at the inline size: the
 * acked set forgets ranges (they are sent again), the lost set merges
 * (more is resent). Nothing is claimed acked that was not, no lost byte
 * is left unsent, and the stream completes. Only the sender's calls run
 * without memory; the receiver's reassembly is not under test here.
 */
static void test_send_ranges_enomem(void)
{
	u8 data[400], out[400], really[400] = { 0 }, frame[400];
	u32 i, len, err, resent = 0, rounds = 0;
	struct quic_sendbuf sb;
	struct quic_recvbuf rb;
	bool fin, more, ok = true;
	long allocs;
	u64 off;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	quic_recvbuf_init(&rb, 400, QUIC_SB_ERR_FLOW_CONTROL);
	quic_sendbuf_append(&sb, data, 400, true);
	send_frames(&sb, 40, 10);
	allocs = total_allocs;
	for (i = 1; i < 40; i += 2) {
		fail_after = 0;
		quic_sendbuf_on_acked(&sb, i * 10, 10, i == 39);
		fail_after = -1;
		ins(&rb, i * 10, data + i * 10, 10, i == 39, &err);
		memset(really + i * 10, 1, 10);
		ok = ok && claims_ok(&sb, really);
	}
	T(!sb.acked.heap && !sb.lost.heap &&
	  sb.nacked <= QUIC_SB_RANGES_INLINE &&
	  sb.nlost <= QUIC_SB_RANGES_INLINE && sb.fin_acked,
	  "acks without memory: sets stay inline");
	T(ok, "acks without memory: no byte claimed acked that was not");
	fail_after = 0;
	for (i = 0; i < 40; i += 2)
		quic_sendbuf_on_lost(&sb, i * 10, 10, false);
	fail_after = -1;
	T(!sb.lost.heap && sb.nlost <= QUIC_SB_RANGES_INLINE &&
	  claims_ok(&sb, really), "losses without memory: lost set merges");
	/* Still no memory for arrays: finish over a lossless path. */
	for (;;) {
		fail_after = 0;
		more = quic_sendbuf_next(&sb, U64_MAX, 25, &off, &len, &fin);
		if (more)
			quic_sendbuf_mark_sent(&sb, off, len, fin);
		fail_after = -1;
		if (!more || rounds++ >= 1000)
			break;
		ok = ok && !quic_sendbuf_copy(&sb, off, frame, len);
		ok = ok && !ins(&rb, off, frame, len, fin, &err);
		resent += len;
		memset(really + off, 1, len);
		fail_after = 0;
		quic_sendbuf_on_acked(&sb, off, len, fin);
		fail_after = -1;
		ok = ok && claims_ok(&sb, really) && !sb.acked.heap &&
		     !sb.lost.heap;
	}
	T(ok && quic_sendbuf_all_acked(&sb) && resent >= 200 && !sb.mem,
	  "without memory every lost byte is resent (%u bytes), all acked",
	  resent);
	T(quic_recvbuf_read(&rb, out, 400) == 400 && !memcmp(out, data, 400) &&
	  quic_recvbuf_fin_reached(&rb), "without memory no data is lost");
	quic_sendbuf_free(&sb);
	quic_recvbuf_free(&rb);
	T(!live_allocs, "without memory: nothing left after free");

	/* A failed growth is retried on the next range. */
	quic_sendbuf_init(&sb);
	quic_sendbuf_append(&sb, data, 400, false);
	send_frames(&sb, 40, 10);
	quic_sendbuf_on_acked(&sb, 10, 10, false);
	quic_sendbuf_on_acked(&sb, 30, 10, false);
	allocs = total_allocs;
	fail_after = 0;
	quic_sendbuf_on_acked(&sb, 50, 10, false);
	fail_after = -1;
	ok = !sb.acked.heap && sb.nacked == 2 &&
	     set_is(&sb.lost, sb.nlost, 1, 50, 0, 10);
	quic_sendbuf_on_acked(&sb, 70, 10, false);
	T(ok && sb.acked.heap && sb.nacked == 3 && total_allocs == allocs + 1,
	  "a failed growth requeues the range as lost; the next one grows");
	quic_sendbuf_free(&sb);
	T(!live_allocs, "failed growth: nothing left after free");
}

/*
 * Free releases chunks and both arrays and may be repeated; acks arriving
 * after it may grow a set again, which the next free releases.
 */
static void test_send_ranges_free(void)
{
	struct quic_sendbuf sb;
	u8 data[400];
	u32 i;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	quic_sendbuf_append(&sb, data, 400, false);
	send_frames(&sb, 40, 10);
	for (i = 1; i < 20; i += 2)
		quic_sendbuf_on_acked(&sb, i * 10, 10, false);
	for (i = 0; i < 20; i += 2)
		quic_sendbuf_on_lost(&sb, i * 10, 10, false);
	T(sb.acked.heap && sb.lost.heap && sb.head && live_allocs == 3,
	  "chunk and both arrays allocated");
	quic_sendbuf_free(&sb);
	T(!live_allocs && !sb.acked.heap && !sb.lost.heap && !sb.nacked &&
	  !sb.nlost && !sb.mem && !sb.head,
	  "free releases chunks and both range arrays");
	quic_sendbuf_free(&sb);
	T(!live_allocs, "free twice is harmless");
	for (i = 0; i < 3; i++)
		quic_sendbuf_on_acked(&sb, 50 + i * 20, 10, false);
	T(sb.acked.heap && sb.nacked == 3,
	  "late acks after free still grow the acked set");
	quic_sendbuf_free(&sb);
	T(!live_allocs && !sb.acked.heap, "a second free releases them");
}

static void test_send_enomem(void)
{
	struct quic_sendbuf sb;
	u8 data[10000], buf[10000];
	u64 mem;
	u32 len;
	long live;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	quic_sendbuf_append(&sb, data, 100, false);
	mem = sb.mem;
	live = live_allocs;
	fail_after = 1;
	T(quic_sendbuf_append(&sb, data + 100, 9000, true) == -ENOMEM &&
	  sb.write_offset == 100 && sb.mem == mem && !sb.fin &&
	  live_allocs == live, "append failing mid-way: nothing appended");
	fail_after = 0;
	len = 5000;
	T(quic_sendbuf_reserve(&sb, &len) && len == sb.tail->cap - sb.tail->len,
	  "reserve offers the tail's room without allocating");
	quic_sendbuf_commit(&sb, 0, false);
	sb.tail->len = sb.tail->cap;	/* pretend the tail is full */
	sb.write_offset = sb.tail->offset + sb.tail->len;
	len = 5000;
	T(!quic_sendbuf_reserve(&sb, &len) && sb.mem == mem && !sb.spare,
	  "reserve without memory gives NULL");
	fail_after = -1;
	T(quic_sendbuf_reserve(&sb, &len) && sb.spare && sb.mem > mem,
	  "reserve of a new chunk keeps it aside");
	quic_sendbuf_commit(&sb, 0, false);
	T(!sb.spare && sb.mem == mem && live_allocs == live,
	  "commit of nothing releases the reserved chunk");
	sb.tail->len = 100;
	sb.write_offset = 100;
	T(!quic_sendbuf_append(&sb, data + 100, 9900, true) &&
	  !quic_sendbuf_copy(&sb, 0, buf, 10000) && !memcmp(buf, data, 10000),
	  "retry appends; copy spans chunks");
	T(sb.mem <= 10000 + 4 * 256, "send mem near data size (%llu)",
	  (unsigned long long)sb.mem);
	quic_sendbuf_free(&sb);
	T(!sb.mem && !live_allocs, "sendbuf free releases everything");

	quic_sendbuf_init(&sb);
	sb.write_offset = QUIC_SB_MAX_OFFSET - 5;
	len = 10;
	T(quic_sendbuf_append(&sb, data, 6, false) == -EFBIG &&
	  quic_sendbuf_reserve(&sb, &len) && len == 5,
	  "stream length capped at 2^62 - 1");
	quic_sendbuf_commit(&sb, 5, true);
	T(sb.write_offset == QUIC_SB_MAX_OFFSET && !quic_sendbuf_reserve(&sb, &len),
	  "nothing fits past 2^62 - 1");
	quic_sendbuf_free(&sb);
	T(!live_allocs, "no allocation left");
}

/* Write @n bytes of @data the way sendmsg() does: reserve, copy, commit. */
static bool write_reserved(struct quic_sendbuf *sb, const u8 *data, u32 n)
{
	u32 done = 0, len;
	u8 *p;

	while (done < n) {
		len = n - done;
		p = quic_sendbuf_reserve(sb, &len);
		if (!p) {
			tap_diag("reserve failed at byte %u of %u", done, n);
			return false;
		}
		memcpy(p, data + done, len);
		quic_sendbuf_commit(sb, len, false);
		done += len;
	}
	return true;
}

/*
 * Send everything new in 1400-byte frames, then acknowledge them largest
 * first, as an ACK frame's packets are. True if the copies matched @data
 * (the stream's bytes from offset @base).
 */
static bool send_and_ack(struct quic_sendbuf *sb, const u8 *data, u64 base)
{
	static struct pkt fl[512];
	u8 frame[1400];
	u32 n = 0, len;
	u64 off;
	bool fin, ok = true;

	while (n < 512 && quic_sendbuf_next(sb, U64_MAX, sizeof(frame), &off,
					    &len, &fin)) {
		if (quic_sendbuf_copy(sb, off, frame, len) ||
		    memcmp(frame, data + (off - base), len))
			ok = false;
		quic_sendbuf_mark_sent(sb, off, len, fin);
		fl[n].off = off;
		fl[n].len = len;
		fl[n++].fin = fin;
	}
	while (n--)
		quic_sendbuf_on_acked(sb, fl[n].off, fl[n].len, fl[n].fin);
	return ok;
}

static void test_send_pool(void)
{
	struct quic_sb_pool pool = {};
	struct quic_sendbuf sb;
	static u8 data[128 << 10];
	long allocs;
	u64 base;
	u32 len;
	int i, bad = 0;
	bool ok;

	fill_pattern(data, sizeof(data));
	quic_sendbuf_init(&sb);
	sb.pool = &pool;
	allocs = total_allocs;
	T(write_reserved(&sb, data, 64 << 10) && send_and_ack(&sb, data, 0) &&
	  sb.acked_offset == 64 << 10 && !sb.mem,
	  "pool: a 64 KiB write is sent and acknowledged");
	T(pool.count == QUIC_SB_POOL_MAX && live_allocs == pool.count,
	  "pool: the acknowledged chunks wait in the pool (%u)", pool.count);
	allocs = total_allocs - allocs;
	T(allocs >= QUIC_SB_POOL_MAX, "pool: the first write allocated (%ld)",
	  allocs);
	allocs = total_allocs;
	ok = write_reserved(&sb, data + (64 << 10), 60 << 10);
	allocs = total_allocs - allocs;
	T(ok && !allocs,
	  "pool: the next write takes its chunks from the pool (%ld allocations, %u left in it)",
	  allocs, pool.count);
	T(send_and_ack(&sb, data, 0) && !sb.mem &&
	  sb.acked_offset == 124 << 10,
	  "pool: reused chunks carry the new bytes");

	/* Never more than the maximum, whatever is freed at once. */
	quic_sb_pool_drain(&pool);
	T(!pool.count && !pool.free && !live_allocs,
	  "pool: drain frees every chunk");
	T(write_reserved(&sb, data, sizeof(data)) &&
	  send_and_ack(&sb, data, 124 << 10),
	  "pool: a 128 KiB write is sent and acknowledged");
	T(pool.count == QUIC_SB_POOL_MAX && live_allocs == QUIC_SB_POOL_MAX,
	  "pool: holds at most QUIC_SB_POOL_MAX chunks (%u)", pool.count);

	/* With the pool stocked, a write needs no memory. */
	fail_after = 0;
	len = 1000;
	T(quic_sendbuf_reserve(&sb, &len) && len == 1000,
	  "pool: reserve succeeds from the pool when allocation fails");
	quic_sendbuf_commit(&sb, 0, false);
	fail_after = -1;
	T(pool.count == QUIC_SB_POOL_MAX && live_allocs == pool.count,
	  "pool: a reserved chunk left unused goes back to the pool");

	/* Small chunks are freed, not pooled. */
	quic_sb_pool_drain(&pool);
	base = sb.write_offset;
	T(!quic_sendbuf_append(&sb, data, 10, false) &&
	  sb.tail->size < QUIC_SB_CHUNK_ALLOC &&
	  send_and_ack(&sb, data, base) && !pool.count && !live_allocs,
	  "pool: a small chunk is freed, not pooled");

	/* Freeing a buffer that still holds data fills the pool. */
	T(write_reserved(&sb, data, 20 << 10), "pool: 20 KiB written");
	quic_sendbuf_free(&sb);
	T(!sb.mem && pool.count == 5 && live_allocs == 5,
	  "pool: sendbuf free puts its full chunks into the pool (%u)",
	  pool.count);
	quic_sb_pool_drain(&pool);
	T(!live_allocs, "pool: nothing left after the drain");

	/* Lossy, reordered transfers through a pool deliver every byte. */
	transfer_pool = &pool;
	for (i = 0; i < 10; i++)
		if (!transfer(rnd_range(10000, 60000), rnd_range(1, 30),
			      rnd_range(2000, 70000), i & 1))
			bad++;
	transfer_pool = NULL;
	T(!bad && !pool.count && !live_allocs,
	  "pool: 10 lossy transfers through a pool (%d bad)", bad);
}

/* Insert [off, end) in frames of @frame bytes, in order. */
static bool ins_run(struct quic_recvbuf *rb, const u8 *data, u32 off, u32 end,
		    u32 frame)
{
	u32 err, n;

	for (; off < end; off += n) {
		n = end - off < frame ? end - off : frame;
		if (ins(rb, off, data + off, n, false, &err))
			return false;
	}
	return true;
}

static void test_recv_pool(void)
{
	struct quic_sb_pool pool = {};
	static u8 data[128 << 10];
	struct quic_recvbuf rb;
	long allocs, want;
	u32 err;

	fill_pattern(data, sizeof(data));
	quic_recvbuf_init(&rb, sizeof(data), 3);
	rb.pool = &pool;

	/* A bulk transfer's frames: full-size chunks whose room the next
	 * frames fill, one allocation per chunk rather than per frame.
	 */
	want = (32 << 10) / QUIC_SB_CHUNK_DATA + 1;
	allocs = total_allocs;
	T(ins_run(&rb, data, 0, 32 << 10, 1452),
	  "rx pool: 32 KiB of in-order 1452-byte frames stored");
	allocs = total_allocs - allocs;
	T(allocs == want && rb.mem == (u64)want * QUIC_SB_CHUNK_ALLOC,
	  "rx pool: in full-size chunks (%ld allocations, %llu bytes held)",
	  allocs, (unsigned long long)rb.mem);
	T(read_eq(&rb, data, 32 << 10) && !rb.mem && !rb.head,
	  "rx pool: the bytes read back intact");
	T(pool.count == want && live_allocs == pool.count,
	  "rx pool: chunks read go to the pool (%u)", pool.count);

	/* The next run takes them back: no allocation at all. */
	allocs = total_allocs;
	T(ins_run(&rb, data, 32 << 10, 64 << 10, 1200),
	  "rx pool: the next 32 KiB stored");
	allocs = total_allocs - allocs;
	T(!allocs, "rx pool: from the pool (%ld allocations)", allocs);
	T(read_eq(&rb, data + (32 << 10), 32 << 10),
	  "rx pool: read back intact");

	/* More chunks read at once than the pool keeps: the rest are freed. */
	T(ins_run(&rb, data, 64 << 10, 128 << 10, 1452) &&
	  read_eq(&rb, data + (64 << 10), 64 << 10),
	  "rx pool: 64 KiB stored and read back intact");
	T(pool.count == QUIC_SB_POOL_MAX && live_allocs == pool.count,
	  "rx pool: the pool keeps at most QUIC_SB_POOL_MAX chunks (%u)",
	  pool.count);

	/* Data after a gap, or before data already held, gets chunks of its
	 * own size: a peer's scattered frames cost no full chunk each.
	 */
	quic_recvbuf_init(&rb, 1 << 20, 3);
	rb.pool = &pool;
	T(!ins(&rb, 5000, data, 10, false, &err) && rb.head &&
	  rb.head->size < QUIC_SB_CHUNK_ALLOC,
	  "rx pool: 10 bytes after a gap take a small chunk");
	T(!ins(&rb, 9000, data, 10, false, &err) &&
	  rb.mem < QUIC_SB_CHUNK_ALLOC / 8,
	  "rx pool: so does the next one (%llu bytes held)",
	  (unsigned long long)rb.mem);
	T(!ins(&rb, 0, data, 100, false, &err) && rb.head->offset == 0 &&
	  rb.head->size < QUIC_SB_CHUNK_ALLOC,
	  "rx pool: data at the read offset but before held data too");
	T(!ins(&rb, 9010, data, 100, false, &err) &&
	  rb.tail->size == QUIC_SB_CHUNK_ALLOC && rb.tail->offset > 9010,
	  "rx pool: data continuing the last chunk fills its room, then a full-size chunk");
	T(pool.count == QUIC_SB_POOL_MAX - 1,
	  "rx pool: taken from the pool (%u left)", pool.count);

	/* With the pool stocked, in-order data needs no memory. */
	quic_recvbuf_free(&rb);
	T(!rb.mem && pool.count == QUIC_SB_POOL_MAX,
	  "rx pool: recvbuf free puts the full chunk back");
	quic_recvbuf_init(&rb, 1 << 20, 3);
	rb.pool = &pool;
	fail_after = 0;
	T(ins_run(&rb, data, 0, 8 << 10, 1452),
	  "rx pool: in-order data is stored from the pool when allocation fails");
	T(ins(&rb, 20000, data, 10, false, &err) == -ENOMEM &&
	  rb.highest == 8 << 10,
	  "rx pool: data after a gap still fails cleanly (-ENOMEM, nothing kept)");
	fail_after = -1;
	T(read_eq(&rb, data, 8 << 10), "rx pool: read back intact");
	quic_recvbuf_free(&rb);
	quic_sb_pool_drain(&pool);
	T(!pool.count && !live_allocs, "rx pool: nothing left after the drain");
}

/*
 * quic_recvbuf_may_store(): what the kernel checks before each STREAM
 * frame, with the connection's memory and limit (here one stream's).
 */
static int ins_bounded(struct quic_recvbuf *rb, u64 off, const u8 *d,
		       u32 len, u64 limit, u32 *refused)
{
	u32 err;

	if (!quic_recvbuf_may_store(rb, off, rb->mem, limit)) {
		(*refused)++;
		return 0;
	}
	return ins(rb, off, d, len, false, &err);
}

static void test_recv_mem_bound(void)
{
	const u64 window = 1 << 20, limit = 128 << 10;
	static u8 data[256 << 10];
	static u32 order[(256 << 10) / 1400 + 1];
	struct quic_recvbuf rb;
	u32 refused = 0, stored, i, j, t, n;
	u64 off, peak = 0;
	bool ok = true;
	u8 two[2];

	fill_pattern(data, sizeof(data));
	/* A peer scattering 1-byte frames over a 1 MiB window. */
	quic_recvbuf_init(&rb, window, QUIC_SB_ERR_FLOW_CONTROL);
	for (off = 1; off < window; off += 2)
		ok = ok && !ins_bounded(&rb, off, data, 1, limit, &refused);
	stored = (window / 2) - refused;
	T(ok && rb.mem >= limit && rb.mem < limit + 64,
	  "scattered 1-byte frames: memory stops at the limit (%llu of %llu)",
	  (unsigned long long)rb.mem, (unsigned long long)limit);
	T(stored < 4096 && refused > (window / 2) - 4096,
	  "scattered 1-byte frames: %u stored, %u refused", stored, refused);
	/* What the application can read next is still taken... */
	T(quic_recvbuf_may_store(&rb, 0, rb.mem, limit) &&
	  !ins(&rb, 0, data, 1, false, &t) &&
	  quic_recvbuf_readable(&rb) == 2,
	  "over the limit, the missing first byte is still stored");
	T(quic_recvbuf_may_store(&rb, 2, rb.mem, limit) &&
	  !quic_recvbuf_may_store(&rb, 5, rb.mem, limit),
	  "over the limit: data continuing the readable bytes is taken, data past a hole is not");
	/* ... and reading frees room for more. */
	two[0] = data[0];
	two[1] = data[0];
	T(read_eq(&rb, two, 2) && rb.mem < limit &&
	  quic_recvbuf_may_store(&rb, 7, rb.mem, limit),
	  "reading below the limit lets scattered data in again");
	quic_recvbuf_free(&rb);
	T(!rb.mem && !live_allocs, "freed");

	/* Full-size frames of a 256 KiB window in any order stay under 2x. */
	quic_recvbuf_init(&rb, sizeof(data), QUIC_SB_ERR_FLOW_CONTROL);
	n = ARRAY_SIZE(order);
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	refused = 0;
	for (i = 0; i < n; i++) {
		off = (u64)order[i] * 1400;
		t = min_t(u64, 1400, sizeof(data) - off);
		ok = ok && !ins_bounded(&rb, off, data + off, t,
					2 * sizeof(data), &refused);
		peak = max(peak, rb.mem);
	}
	T(ok && !refused && read_eq(&rb, data, sizeof(data)),
	  "reordered full-size frames are never refused (peak %llu bytes for a %zu byte window)",
	  (unsigned long long)peak, sizeof(data));
	quic_recvbuf_free(&rb);
	T(!rb.mem && !live_allocs, "nothing left");
}

int main(void)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	test_in_order();
	test_out_of_order();
	test_overlap();
	test_peek_consume();
	test_permutations();
	test_small_frames();
	test_final_size();
	test_limits();
	test_window();
	test_autotune();
	test_recv_enomem();
	test_recv_mem_bound();
	test_transfer();
	test_send_flow_control();
	test_send_fin_only();
	test_send_ranges_overflow();
	test_send_ranges_grow();
	test_send_ranges_hysteresis();
	test_send_ranges_enomem();
	test_send_ranges_free();
	test_send_enomem();
	test_send_pool();
	test_recv_pool();
	test_peek_at();		/* last: fill_pattern() draws on the RNG */
	return tap_exit();
}
