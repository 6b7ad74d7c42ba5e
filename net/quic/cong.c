// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion window bookkeeping shared by all controllers (RFC 9002 7 and
 * B.5-B.8): the initial and minimum windows, the recovery period that makes
 * one loss burst a single congestion event, the rule that an unused window
 * does not grow, persistent congestion, and the pacing rate.
 */
#include "cong.h"

const struct quic_cong_ops *quic_cong_ops_find(u8 algo)
{
	if (algo == quic_cong_reno.algo)
		return &quic_cong_reno;
	if (algo == quic_cong_cubic.algo)
		return &quic_cong_cubic;
	return NULL;
}
EXPORT_SYMBOL_GPL(quic_cong_ops_find);

u64 quic_cong_min_window(const struct quic_cong *cong)
{
	return (u64)QUIC_CONG_MIN_WINDOW_PACKETS * cong->mss;
}
EXPORT_SYMBOL_GPL(quic_cong_min_window);

/**
 * quic_cong_init() - a fresh window for a new connection
 * @cong: state to set up
 * @ops: controller
 * @mss: max datagram size the window counts in, bytes (at least 1200)
 */
void quic_cong_init(struct quic_cong *cong, const struct quic_cong_ops *ops,
		    u32 mss)
{
	u64 iw = max_t(u64, QUIC_CONG_INITIAL_WINDOW_BYTES, 2ULL * mss);

	memset(cong, 0, sizeof(*cong));
	cong->ops = ops;
	cong->mss = mss;
	cong->cwnd = min_t(u64, (u64)QUIC_CONG_INITIAL_WINDOW_PACKETS * mss,
			   iw);
	cong->ssthresh = QUIC_CONG_SSTHRESH_INF;
	ops->init(cong);
}
EXPORT_SYMBOL_GPL(quic_cong_init);

/**
 * quic_cong_set_mss() - the max datagram size changed (path MTU)
 * @cong: state
 * @mss: new size, bytes (at least 1200)
 *
 * RFC 9002 counts the window in max datagram sizes: later growth and the
 * minimum window follow the new size; the window itself, in bytes, stays.
 */
void quic_cong_set_mss(struct quic_cong *cong, u32 mss)
{
	cong->mss = mss;
	cong->cwnd = max(cong->cwnd, quic_cong_min_window(cong));
}
EXPORT_SYMBOL_GPL(quic_cong_set_mss);

bool quic_cong_in_slow_start(const struct quic_cong *cong)
{
	return cong->cwnd < cong->ssthresh;
}
EXPORT_SYMBOL_GPL(quic_cong_in_slow_start);

/*
 * RFC 9002 7.8: a window the sender does not fill says nothing about the
 * path, so it must not grow. "Filled" as Linux TCP judges it: in slow start
 * half the window in flight (it doubles per round trip), in avoidance all
 * but three datagrams.
 */
static bool quic_cong_window_used(const struct quic_cong *cong,
				  u64 bytes_in_flight)
{
	if (quic_cong_in_slow_start(cong))
		return bytes_in_flight * 2 >= cong->cwnd;
	return bytes_in_flight + 3ULL * cong->mss >= cong->cwnd;
}

/**
 * quic_cong_on_acked() - an in-flight packet was acknowledged
 * @cong: state
 * @bytes: its size
 * @sent_us: when it was sent
 * @now_us: now
 * @srtt_us: smoothed RTT (CUBIC looks one RTT ahead)
 * @bytes_in_flight: bytes in flight before this ACK was processed
 */
void quic_cong_on_acked(struct quic_cong *cong, u64 bytes, u64 sent_us,
			u64 now_us, u64 srtt_us, u64 bytes_in_flight)
{
	/* RFC 9002 B.5: no growth for packets sent before recovery began. */
	if (sent_us <= cong->recovery_start_us)
		return;
	if (!quic_cong_window_used(cong, bytes_in_flight))
		return;
	cong->ops->on_acked(cong, bytes, now_us, srtt_us);
	cong->cwnd = min_t(u64, cong->cwnd, QUIC_CONG_MAX_WINDOW);
}
EXPORT_SYMBOL_GPL(quic_cong_on_acked);

/**
 * quic_cong_on_congestion() - loss or ECN-CE seen (RFC 9002 B.6)
 * @cong: state
 * @sent_us: send time of the newest packet lost (or CE-marked)
 * @now_us: now
 *
 * Only the first signal about packets sent after the current recovery
 * period began is a new congestion event: a burst of losses from one
 * window halves (or cuts by beta) the window once.
 */
void quic_cong_on_congestion(struct quic_cong *cong, u64 sent_us, u64 now_us)
{
	if (sent_us <= cong->recovery_start_us)
		return;
	cong->recovery_start_us = now_us;
	cong->ops->on_congestion(cong, now_us);
}
EXPORT_SYMBOL_GPL(quic_cong_on_congestion);

/* RFC 9002 7.6.2: the window collapses; slow start begins anew. */
void quic_cong_on_persistent(struct quic_cong *cong)
{
	cong->cwnd = quic_cong_min_window(cong);
	cong->recovery_start_us = 0;
	cong->ops->on_persistent(cong);
}
EXPORT_SYMBOL_GPL(quic_cong_on_persistent);

/**
 * quic_cong_pacing_rate() - how fast to release the window (RFC 9002 7.7)
 * @cong: state
 * @srtt_us: smoothed RTT
 *
 * Return: bytes per second: the window per RTT times N, N = 2 in slow
 * start (so pacing never slows the doubling) and 1.25 after, as RFC 9002
 * suggests; U64_MAX (no pacing) before an RTT is known.
 */
u64 quic_cong_pacing_rate(const struct quic_cong *cong, u64 srtt_us)
{
	u64 num = quic_cong_in_slow_start(cong) ? 8 : 5;

	if (!srtt_us)
		return U64_MAX;
	/* cwnd <= 2^32 and num * 10^6 < 2^23: no overflow. */
	return div64_u64(cong->cwnd * num * 1000000ULL, srtt_us * 4);
}
EXPORT_SYMBOL_GPL(quic_cong_pacing_rate);

/* Integer cube root, rounded down: one bit of the result at a time. */
u64 quic_cong_cbrt(u64 x)
{
	u64 r = 0, b;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		r <<= 1;
		b = 3 * r * (r + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			r++;
		}
	}
	return r;
}
EXPORT_SYMBOL_GPL(quic_cong_cbrt);

/**
 * quic_pacer_refill() - add the tokens earned since the last refill
 * @p: pacer
 * @rate: bytes per second (quic_cong_pacing_rate()), U64_MAX: no pacing
 * @burst: most tokens kept (RFC 9002 7.7: bursts no larger than the
 *	initial window)
 * @now_us: now
 */
void quic_pacer_refill(struct quic_pacer *p, u64 rate, u64 burst, u64 now_us)
{
	u64 elapsed = now_us > p->last_us ? now_us - p->last_us : 0;
	u64 full_us;

	p->last_us = now_us;
	if (p->tokens >= burst)
		return;
	if (rate == U64_MAX) {
		p->tokens = burst;
		return;
	}
	/* Compare times first: rate * elapsed may not fit in 64 bits. */
	full_us = div64_u64((burst - p->tokens) * 1000000ULL, rate ?: 1);
	if (elapsed >= full_us)
		p->tokens = burst;
	else
		p->tokens += div64_u64(rate * elapsed, 1000000ULL);
}
EXPORT_SYMBOL_GPL(quic_pacer_refill);

/* Microseconds until @need tokens are there at @rate (0: now). */
u64 quic_pacer_wait_us(const struct quic_pacer *p, u64 rate, u64 need)
{
	if (p->tokens >= need || rate == U64_MAX)
		return 0;
	return div64_u64((need - p->tokens) * 1000000ULL + rate - 1,
			 rate ?: 1);
}
EXPORT_SYMBOL_GPL(quic_pacer_wait_us);

void quic_pacer_consume(struct quic_pacer *p, u64 bytes)
{
	p->tokens = p->tokens > bytes ? p->tokens - bytes : 0;
}
EXPORT_SYMBOL_GPL(quic_pacer_consume);
