// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the congestion controllers (net/quic/cong*.c): NewReno's
 * window arithmetic against a trace worked out by hand from RFC 9002 B.5-B.8,
 * CUBIC's constants and window against RFC 9438's formulas evaluated in
 * floating point (an independent oracle for the integer code), the shared
 * recovery-period and unused-window rules, and the pacing rate.
 */
#include <math.h>
#include "tap.h"
#include "../../../net/quic/cong.c"
#include "../../../net/quic/cong_reno.c"
#include "../../../net/quic/cong_cubic.c"

#define MSS	1200

static void test_cbrt(void)
{
	static const struct { u64 x, r; } v[] = {
		{ 0, 0 }, { 1, 1 }, { 7, 1 }, { 8, 2 }, { 26, 2 }, { 27, 3 },
		{ 999999, 99 }, { 1000000, 100 }, { 1ULL << 63, 1ULL << 21 },
		{ U64_MAX, 2642245 },
	};
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		if (quic_cong_cbrt(v[i].x) != v[i].r) {
			tap_diag("cbrt(%llu) = %llu, want %llu",
				 (unsigned long long)v[i].x,
				 (unsigned long long)quic_cong_cbrt(v[i].x),
				 (unsigned long long)v[i].r);
			bad++;
		}
	}
	tap_result(!bad, "cong: integer cube root, exact on cubes and between");
}

static void test_initial(void)
{
	struct quic_cong c;

	quic_cong_init(&c, &quic_cong_reno, MSS);
	/* min(10 * 1200, max(14720, 2400)) = 12000 */
	tap_result(c.cwnd == 12000 && c.ssthresh == QUIC_CONG_SSTHRESH_INF,
		   "cong: initial window 10 x 1200 = 12000 bytes, ssthresh infinite (RFC 9002 7.2)");
	quic_cong_init(&c, &quic_cong_cubic, 1500);
	/* min(15000, max(14720, 3000)) = 14720 */
	tap_result(c.cwnd == 14720,
		   "cong: initial window with mss 1500 is 14720 bytes (the max() term)");
	tap_result(quic_cong_min_window(&c) == 3000,
		   "cong: minimum window is two datagrams (3000 bytes at mss 1500)");
	tap_result(quic_cong_ops_find(0) == &quic_cong_reno &&
		   quic_cong_ops_find(1) == &quic_cong_cubic &&
		   !quic_cong_ops_find(2),
		   "cong: QUIC_CONG_ALG_RENO/CUBIC find their ops, 2 finds none");
}

/* The path MTU grew, then shrank (quic_conn_update_dgram_size()). */
static void test_set_mss(void)
{
	struct quic_cong c;

	quic_cong_init(&c, &quic_cong_reno, MSS);
	c.cwnd = 2400;		/* the minimum window at 1200 bytes */
	quic_cong_set_mss(&c, 1472);
	tap_result(c.mss == 1472 && c.cwnd == 2944,
		   "cong: mss 1200 -> 1472 raises a window at the old minimum (2400) to the new one (2944)");
	c.cwnd = 50000;
	quic_cong_set_mss(&c, 1200);
	tap_result(c.mss == 1200 && c.cwnd == 50000 &&
		   quic_cong_min_window(&c) == 2400,
		   "cong: mss 1472 -> 1200 keeps the window in bytes (50000), minimum 2400");
	c.ssthresh = 0;		/* avoidance: one mss per window */
	c.ca_acked = 0;
	quic_cong_on_acked(&c, 50000, 100, 200, 100, 50000);
	tap_result(c.cwnd == 51200,
		   "reno: a full window acked in avoidance adds one mss of the current size (1200)");
}

/* RFC 9002 B.5-B.8 by hand: times in us, every packet 1200 bytes. */
static void test_reno_trace(void)
{
	struct quic_cong c;
	int i;

	quic_cong_init(&c, &quic_cong_reno, MSS);
	quic_cong_on_acked(&c, 1200, 100, 200, 100, 12000);
	tap_result(c.cwnd == 13200, "reno: slow start adds each acked packet: 12000 + 1200 = 13200");
	quic_cong_on_acked(&c, 1200, 100, 200, 100, 6000);
	tap_result(c.cwnd == 13200,
		   "reno: no growth while less than half the window is in flight (RFC 9002 7.8)");
	quic_cong_on_congestion(&c, 500, 1000);
	tap_result(c.ssthresh == 6600 && c.cwnd == 6600 &&
		   c.recovery_start_us == 1000,
		   "reno: congestion event halves: ssthresh = cwnd = 6600, recovery from t=1000");
	quic_cong_on_congestion(&c, 900, 1100);
	tap_result(c.cwnd == 6600 && c.recovery_start_us == 1000,
		   "reno: a loss of a packet sent before recovery began (t=900) is the same event");
	quic_cong_on_acked(&c, 1200, 900, 1200, 100, 6600);
	tap_result(c.cwnd == 6600,
		   "reno: no growth for an ACK of a packet sent before recovery (B.5)");
	for (i = 0; i < 5; i++)
		quic_cong_on_acked(&c, 1200, 2000, 3000, 100, 6600);
	tap_result(c.cwnd == 6600 && c.ca_acked == 6000,
		   "reno: avoidance: 5 x 1200 acked < one window: still 6600 (6000 counted)");
	quic_cong_on_acked(&c, 1200, 2000, 3000, 100, 6600);
	tap_result(c.cwnd == 7800 && c.ca_acked == 600,
		   "reno: a whole window acked adds one mss: 7800, 600 carried");
	quic_cong_on_acked(&c, 1200, 2000, 3000, 100, 3000);
	tap_result(c.cwnd == 7800 && c.ca_acked == 600,
		   "reno: avoidance does not grow with 3000 of 7800 in flight (more than 3 mss unused)");
	quic_cong_on_congestion(&c, 2500, 4000);
	tap_result(c.ssthresh == 3900 && c.cwnd == 3900,
		   "reno: second event (packet sent after recovery began): 7800 -> 3900");
	quic_cong_on_congestion(&c, 4500, 5000);
	quic_cong_on_congestion(&c, 5500, 6000);
	/* 3900 -> ssthresh 1950, cwnd max(1950, 2400); -> ssthresh 1200 */
	tap_result(c.ssthresh == 1200 && c.cwnd == 2400,
		   "reno: the window stops at the minimum (2 x 1200) while ssthresh halves on (1200)");
	quic_cong_on_persistent(&c);
	tap_result(c.cwnd == 2400 && c.recovery_start_us == 0,
		   "reno: persistent congestion: minimum window, recovery period forgotten");
	quic_cong_on_acked(&c, 1200, 100, 7000, 100, 2400);
	quic_cong_on_acked(&c, 1200, 100, 7000, 100, 2400);
	tap_result(c.cwnd == 3600,
		   "reno: after persistent congestion (ssthresh 975: avoidance) a window of ACKs adds one mss: 3600");
}

/* RFC 9438 in floating point: the oracle. */
static double w_cubic(double t, double k, double w_max_seg)
{
	return 0.4 * pow(t - k, 3) + w_max_seg;
}

static void test_cubic_constants(void)
{
	struct quic_cong c;

	quic_cong_init(&c, &quic_cong_cubic, MSS);
	c.cwnd = 100 * MSS;
	quic_cong_on_congestion(&c, 10, 1000000);
	tap_result(c.w_max == 120000 && c.ssthresh == 84000 && c.cwnd == 84000,
		   "cubic: loss at 100 mss: W_max 120000, cwnd and ssthresh x0.7 = 84000 (4.6)");
	quic_cong_on_acked(&c, MSS, 1000001, 1000010, 100000, 84000);
	/* K = cbrt(100 * 0.3 / 0.4) = cbrt(75) = 4.2172 s = 4318.4 / 1024 s */
	tap_result(c.k == 4318 && c.epoch_start_us == 1000010,
		   "cubic: K = cbrt(W_max (1 - beta) / C) = 4.217 s = 4318/1024 s (4.2), epoch starts at the first ACK");
	tap_result(fabs(quic_cubic_window(&c, 0) / (double)MSS - 70.0) < 0.01,
		   "cubic: W_cubic(0) = cwnd after the reduction (70 mss): %.3f",
		   quic_cubic_window(&c, 0) / (double)MSS);
	tap_result(quic_cubic_window(&c, c.k) == c.w_max,
		   "cubic: W_cubic(K) = W_max exactly");
	/* Fast convergence: the next loss below W_max lowers it further. */
	c.cwnd = 90 * MSS;
	quic_cong_on_congestion(&c, 2000000, 3000000);
	tap_result(c.w_max == 91800 && c.cwnd == 75600,
		   "cubic: fast convergence: loss at 90 mss < W_max: W_max = 90 x 1.7 / 2 mss = 91800, cwnd 75600 (4.7)");
	c.cwnd = 2 * MSS;
	quic_cong_on_congestion(&c, 4000000, 5000000);
	tap_result(c.cwnd == 2 * MSS,
		   "cubic: never below the minimum window");
}

/*
 * One window acknowledged per RTT, packet by packet, for 12 s after a loss
 * at 100 mss; at every RTT the window must be where RFC 9438 puts it:
 * max(W_est, W_cubic(t)) within 2% (integer rounding, per-ACK stepping and
 * aiming one RTT ahead), with W_est growing alpha = 9/17 mss per RTT, then
 * 1 once past W_max (4.3); and the curve must be concave then convex.
 */
static void test_cubic_curve(void)
{
	const u64 rtt = 100000;
	struct quic_cong c;
	double k = cbrt(75.0), worst = 0, west = 70.0;
	u64 now = 1000000, prev = 0, d_before = 0, d_after = 0;
	int r, i, n;
	bool monotone = true;

	quic_cong_init(&c, &quic_cong_cubic, MSS);
	c.cwnd = 100 * MSS;
	quic_cong_on_congestion(&c, 10, now);
	for (r = 0; r < 120; r++) {
		n = (int)(c.cwnd / MSS);
		for (i = 0; i < n; i++)
			quic_cong_on_acked(&c, MSS, now + 1, now + rtt, rtt,
					   c.cwnd);
		now += rtt;
		west += west >= 100.0 ? 1.0 : 9.0 / 17.0;
		if (prev && c.cwnd < prev)
			monotone = false;
		if (r == 20)	/* t ~ 2 s: concave, still climbing */
			d_before = c.cwnd - prev;
		if (r == 42)	/* t ~ K: flat */
			tap_result(fabs(c.cwnd / (double)MSS - 100.0) < 2.0,
				   "cubic: at t = K (4.2 s) the window is back at W_max: %.2f mss",
				   c.cwnd / (double)MSS);
		if (r == 80)	/* t ~ 8 s: convex, probing */
			d_after = c.cwnd - prev;
		if (r > 2 && r < 100) {
			double t = (now - c.epoch_start_us) / 1e6;
			double want = fmax(w_cubic(t, k, 100.0), west);
			double err = fabs(c.cwnd / (double)MSS - want) / want;

			if (err > worst)
				worst = err;
		}
		prev = c.cwnd;
	}
	tap_result(monotone, "cubic: the window never shrinks without a loss");
	tap_result(worst < 0.02,
		   "cubic: window tracks max(W_cubic(t), W_est) of RFC 9438 within 2%% over 10 s (worst %.3f%%)",
		   worst * 100);
	tap_result(d_before > 0 && d_after > d_before,
		   "cubic: growth per RTT near K is smaller than far past it (%llu then %llu bytes)",
		   (unsigned long long)d_before, (unsigned long long)d_after);
}

/* Tiny RTT: Reno (alpha 9/17 per RTT) outpaces the cubic; follow it. */
static void test_cubic_reno_friendly(void)
{
	const u64 rtt = 1000;
	struct quic_cong c;
	u64 now = 1000000;
	int r, i, n;

	quic_cong_init(&c, &quic_cong_cubic, MSS);
	c.cwnd = 100 * MSS;
	quic_cong_on_congestion(&c, 10, now);
	for (r = 0; r < 100; r++) {
		n = (int)(c.cwnd / MSS);
		for (i = 0; i < n; i++)
			quic_cong_on_acked(&c, MSS, now + 1, now + rtt, rtt,
					   c.cwnd);
		now += rtt;
	}
	/* 100 RTTs of 0.1 s total: the cubic moved ~nothing (70 -> 70.00x
	 * mss), Reno's estimate ~ 70 + 100 x 9/17 = 122.9 mss (then 1 per
	 * RTT past W_max); the window follows the estimate.
	 */
	tap_result(c.cwnd >= c.w_est && c.cwnd > 110 * MSS,
		   "cubic: Reno-friendly region: after 100 RTTs of 1 ms the window follows W_est (%.1f mss)",
		   c.cwnd / (double)MSS);
}

/*
 * 4.3 and 4.7 together: after a loss at 100 mss and another at 90 mss,
 * fast convergence puts W_max at 76.5 mss while the window cut was 90 mss
 * (now 63). The estimate grows at 9/17 mss per RTT until it is back at
 * 90 mss, 51 RTTs later, and only then at 1 mss per RTT; switching to 1 at
 * W_max instead (reached after 25.5 RTTs) would put it at 91 mss after 40
 * RTTs instead of 84.2, growing fastest just when 4.7 means to yield.
 */
/* One window acknowledged, packet by packet, over one RTT. */
static void cubic_ack_one_rtt(struct quic_cong *c, u64 *now, u64 rtt)
{
	int i, n = (int)(c->cwnd / MSS);

	for (i = 0; i < n; i++)
		quic_cong_on_acked(c, MSS, *now + 1, *now + rtt, rtt, c->cwnd);
	*now += rtt;
}

static void test_cubic_alpha_after_fast_convergence(void)
{
	const u64 rtt = 1000;
	struct quic_cong c;
	u64 now = 1000000, before;
	int r;

	quic_cong_init(&c, &quic_cong_cubic, MSS);
	c.cwnd = 100 * MSS;
	quic_cong_on_congestion(&c, 10, now);
	c.cwnd = 90 * MSS;
	quic_cong_on_congestion(&c, now + 1, now + 2);
	tap_result(c.w_max == 91800 && c.cwnd_prior == 90 * MSS &&
		   c.cwnd == 75600,
		   "cubic: loss at 90 mss below W_max: W_max 76.5 mss, cwnd_prior 90 mss, cwnd 63 mss");
	now += 10;
	for (r = 0; r < 40; r++)
		cubic_ack_one_rtt(&c, &now, rtt);
	/* Per-ACK stepping rounds: 40 x 9/17 = 21.2 mss, within 1.5 mss. */
	tap_result(fabs(c.w_est / (double)MSS - 84.2) < 1.5 &&
		   c.cwnd == c.w_est,
		   "cubic: 40 RTTs after fast convergence W_est is 63 + 40 x 9/17 = 84.2 mss, not 91 (%.1f mss)",
		   c.w_est / (double)MSS);
	while (c.w_est < 90 * MSS && r < 80) {
		cubic_ack_one_rtt(&c, &now, rtt);
		r++;
	}
	tap_result(r >= 49 && r <= 53,
		   "cubic: W_est back at cwnd_prior (90 mss) after 27 / (9/17) = 51 RTTs (%d)",
		   r);
	before = c.w_est;
	cubic_ack_one_rtt(&c, &now, rtt);
	tap_result(c.w_est - before >= MSS - MSS / 10,
		   "cubic: past cwnd_prior W_est grows by 1 mss per RTT (%.2f mss)",
		   (c.w_est - before) / (double)MSS);
}

static void test_pacing(void)
{
	struct quic_cong c;

	quic_cong_init(&c, &quic_cong_reno, MSS);
	/* slow start, N = 2: 2 x 12000 B / 0.1 s = 240000 B/s */
	tap_result(quic_cong_pacing_rate(&c, 100000) == 240000,
		   "cong: pacing in slow start: 2 x cwnd / srtt = 240000 B/s");
	quic_cong_on_congestion(&c, 1, 2);
	/* avoidance, N = 1.25: 1.25 x 6000 / 0.1 = 75000 */
	tap_result(quic_cong_pacing_rate(&c, 100000) == 75000,
		   "cong: pacing in avoidance: 1.25 x cwnd / srtt = 75000 B/s");
	tap_result(quic_cong_pacing_rate(&c, 0) == U64_MAX,
		   "cong: no pacing before an RTT sample");
}

/* 1200 bytes per ms, bursts of 10 x 1200. */
static void test_pacer(void)
{
	struct quic_pacer p = { .tokens = 0, .last_us = 0 };
	const u64 rate = 1200000, burst = 12000;

	quic_pacer_refill(&p, rate, burst, 1000000);
	tap_result(p.tokens == burst,
		   "pacer: after a long pause the bucket holds one burst (12000), no more");
	quic_pacer_consume(&p, 12000);
	tap_result(p.tokens == 0 && quic_pacer_wait_us(&p, rate, 1200) == 1000,
		   "pacer: burst spent: the next 1200-byte datagram may leave in 1000 us");
	quic_pacer_refill(&p, rate, burst, 1000500);
	tap_result(p.tokens == 600 && quic_pacer_wait_us(&p, rate, 1200) == 500,
		   "pacer: 500 us later 600 bytes earned, 500 us to wait");
	quic_pacer_refill(&p, rate, burst, 1000400);
	tap_result(p.tokens == 600,
		   "pacer: a clock that steps back earns nothing");
	quic_pacer_consume(&p, 5000);
	tap_result(p.tokens == 0, "pacer: consuming more than held leaves 0");
	quic_pacer_refill(&p, U64_MAX, burst, 1000600);
	tap_result(p.tokens == burst && !quic_pacer_wait_us(&p, U64_MAX, 1200),
		   "pacer: without a rate (no RTT yet) nothing is held back");
	p.tokens = 0;
	quic_pacer_refill(&p, 1ULL << 50, burst, 2000000000ULL);
	tap_result(p.tokens == burst,
		   "pacer: a huge rate times a long pause does not overflow");
}

int main(void)
{
	test_cbrt();
	test_initial();
	test_set_mss();
	test_reno_trace();
	test_cubic_constants();
	test_cubic_curve();
	test_cubic_reno_friendly();
	test_cubic_alpha_after_fast_convergence();
	test_pacing();
	test_pacer();
	return tap_exit();
}
