// SPDX-License-Identifier: GPL-2.0
/*
 * NewReno (RFC 9002 7.3 and B.5-B.8): the window doubles per round trip in
 * slow start, grows by one datagram per window acknowledged in congestion
 * avoidance, and halves on each congestion event.
 */
#include "cong.h"

static void quic_reno_init(struct quic_cong *cong)
{
	cong->ca_acked = 0;
}

static void quic_reno_on_acked(struct quic_cong *cong, u64 bytes, u64 now_us,
			       u64 srtt_us)
{
	if (quic_cong_in_slow_start(cong)) {
		cong->cwnd += bytes;
		return;
	}
	/*
	 * mss * bytes / cwnd per ACK, as B.5 writes it, loses the remainder
	 * at every step; counting acknowledged bytes up to a whole window
	 * gives exactly one mss per window instead.
	 */
	cong->ca_acked += bytes;
	while (cong->ca_acked >= cong->cwnd) {
		cong->ca_acked -= cong->cwnd;
		cong->cwnd += cong->mss;
	}
}

static void quic_reno_on_congestion(struct quic_cong *cong, u64 now_us)
{
	/* kLossReductionFactor 0.5 */
	cong->ssthresh = cong->cwnd / 2;
	cong->cwnd = max(cong->ssthresh, quic_cong_min_window(cong));
	cong->ca_acked = 0;
}

static void quic_reno_on_persistent(struct quic_cong *cong)
{
	cong->ca_acked = 0;
}

const struct quic_cong_ops quic_cong_reno = {
	.name		= "reno",
	.algo		= 0,	/* QUIC_CONG_ALG_RENO */
	.init		= quic_reno_init,
	.on_acked	= quic_reno_on_acked,
	.on_congestion	= quic_reno_on_congestion,
	.on_persistent	= quic_reno_on_persistent,
};
EXPORT_SYMBOL_GPL(quic_cong_reno);
