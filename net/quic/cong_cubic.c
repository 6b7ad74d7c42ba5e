// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC (RFC 9438) for QUIC. After a congestion event the window follows
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max,  K = cbrt((W_max - cwnd) / C)
 *
 * (windows in datagrams, t in seconds since the avoidance epoch began),
 * concave up to the window where the last loss happened, then convex to
 * probe beyond it; never slower than an estimate of what Reno would do on
 * the same path (the Reno-friendly region, 4.3).
 *
 * Integer arithmetic only: windows in bytes, times in units of 1/1024 s
 * inside the cubic (so that cubes of a few minutes fit in 64 bits).
 */
#include "cong.h"

/* C = 0.4 and beta_cubic = 0.7, as fractions. */
#define CUBIC_C_NUM		4
#define CUBIC_C_DEN		10
#define CUBIC_BETA_NUM		7
#define CUBIC_BETA_DEN		10
/* alpha_cubic = 3 * (1 - beta) / (1 + beta) = 9 / 17 */
#define CUBIC_ALPHA_NUM		9
#define CUBIC_ALPHA_DEN		17
/* Time unit of the cubic: 2^-10 s. */
#define CUBIC_TIME_SHIFT	10
/* |t - K| is clamped to 2^18 units (256 s): its cube stays below 2^54. */
#define CUBIC_MAX_DELTA		((s64)BIT_ULL(18))

static void quic_cubic_init(struct quic_cong *cong)
{
	cong->w_max = 0;
	cong->k = 0;
	cong->epoch_start_us = 0;
	cong->cwnd_acc = 0;
	cong->w_est = 0;
	cong->est_acc = 0;
	cong->cwnd_prior = 0;
}

static u64 quic_cubic_us_to_units(u64 us)
{
	return div64_u64(us << CUBIC_TIME_SHIFT, 1000000ULL);
}

/*
 * K = cbrt((W_max - cwnd) / (C * mss)) seconds; in 1/1024 s units the cube
 * is (W_max - cwnd) * 2^30 / (0.4 * mss). The difference is below 2^32
 * (windows are clamped there), so the shift cannot overflow.
 */
static u64 quic_cubic_k(const struct quic_cong *cong)
{
	u64 diff = cong->w_max - cong->cwnd;
	u64 cube = div64_u64(diff << (3 * CUBIC_TIME_SHIFT), cong->mss);

	return quic_cong_cbrt(cube * CUBIC_C_DEN / CUBIC_C_NUM);
}

/* W_cubic at @t (1/1024 s since the epoch began), bytes, at least 0. */
static u64 quic_cubic_window(const struct quic_cong *cong, u64 t)
{
	s64 d = (s64)t - (s64)cong->k;
	s64 delta;

	d = clamp_t(s64, d, -CUBIC_MAX_DELTA, CUBIC_MAX_DELTA);
	/* C * mss * d^3 / 2^30, in steps that stay inside 63 bits. */
	delta = d * d * d;
	delta = delta / (1LL << CUBIC_TIME_SHIFT) * cong->mss;
	delta = delta * CUBIC_C_NUM / CUBIC_C_DEN / (1LL << 20);
	if (delta < 0 && (u64)-delta >= cong->w_max)
		return 0;
	return cong->w_max + delta;
}

static void quic_cubic_start_epoch(struct quic_cong *cong, u64 now_us)
{
	cong->epoch_start_us = now_us;
	cong->cwnd_acc = 0;
	cong->est_acc = 0;
	cong->w_est = cong->cwnd;
	/* Past the old maximum (or none yet): the plateau is here. */
	if (cong->w_max <= cong->cwnd) {
		cong->w_max = cong->cwnd;
		cong->k = 0;
	} else {
		cong->k = quic_cubic_k(cong);
	}
}

/*
 * RFC 9438 4.3: Reno's growth with CUBIC's beta, as the floor. The lower
 * alpha makes up for the gentler cut only until the estimate is back at
 * the window that was cut (cwnd_prior); from there on Reno's rate. Not
 * W_max: after fast convergence (4.7) W_max sits below cwnd_prior, and
 * switching there would speed up exactly when 4.7 means to yield.
 */
static void quic_cubic_grow_estimate(struct quic_cong *cong, u64 bytes)
{
	u64 alpha = cong->w_est >= cong->cwnd_prior ? CUBIC_ALPHA_DEN :
						      CUBIC_ALPHA_NUM;
	u64 den = CUBIC_ALPHA_DEN * cong->cwnd;

	cong->est_acc += bytes * cong->mss * alpha;
	cong->w_est += div64_u64(cong->est_acc, den);
	cong->est_acc %= den;
}

static void quic_cubic_on_acked(struct quic_cong *cong, u64 bytes,
				u64 now_us, u64 srtt_us)
{
	u64 t, now_w, target, inc;

	if (quic_cong_in_slow_start(cong)) {
		cong->cwnd += bytes;
		return;
	}
	if (!cong->epoch_start_us)
		quic_cubic_start_epoch(cong, now_us);

	quic_cubic_grow_estimate(cong, bytes);
	t = quic_cubic_us_to_units(now_us - cong->epoch_start_us);
	now_w = quic_cubic_window(cong, t);
	if (now_w < cong->w_est) {
		/* Reno-friendly region: Reno would be ahead; follow it. */
		cong->cwnd = max(cong->cwnd, cong->w_est);
		return;
	}
	/* 4.4: aim at where the curve is one RTT from now, within 1.5x. */
	target = quic_cubic_window(cong, t + quic_cubic_us_to_units(srtt_us));
	target = clamp_t(u64, target, cong->cwnd, cong->cwnd * 3 / 2);
	/* (target - cwnd) / cwnd per byte acked, remainder carried. */
	cong->cwnd_acc += (target - cong->cwnd) * bytes;
	inc = div64_u64(cong->cwnd_acc, cong->cwnd);
	cong->cwnd_acc -= inc * cong->cwnd;
	cong->cwnd += inc;
}

static void quic_cubic_on_congestion(struct quic_cong *cong, u64 now_us)
{
	cong->cwnd_prior = cong->cwnd;
	/* 4.7 fast convergence: still below the last maximum means the
	 * share of the path shrank; release some of it to newcomers.
	 */
	if (cong->cwnd < cong->w_max)
		cong->w_max = cong->cwnd * (CUBIC_BETA_DEN + CUBIC_BETA_NUM) /
			      (2 * CUBIC_BETA_DEN);
	else
		cong->w_max = cong->cwnd;
	/* 4.6: multiplicative decrease by beta_cubic. */
	cong->ssthresh = max(cong->cwnd * CUBIC_BETA_NUM / CUBIC_BETA_DEN,
			     quic_cong_min_window(cong));
	cong->cwnd = cong->ssthresh;
	cong->epoch_start_us = 0;
}

static void quic_cubic_on_persistent(struct quic_cong *cong)
{
	quic_cubic_init(cong);
}

const struct quic_cong_ops quic_cong_cubic = {
	.name		= "cubic",
	.algo		= 1,	/* QUIC_CONG_ALG_CUBIC */
	.init		= quic_cubic_init,
	.on_acked	= quic_cubic_on_acked,
	.on_congestion	= quic_cubic_on_congestion,
	.on_persistent	= quic_cubic_on_persistent,
};
EXPORT_SYMBOL_GPL(quic_cong_cubic);
