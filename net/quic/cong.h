/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC congestion control (RFC 9002 section 7 and appendix B): the
 * controller-independent window bookkeeping, behind one small ops table
 * with NewReno (cong_reno.c) and CUBIC (cong_cubic.c, RFC 9438), and the
 * pacing rate derived from the window.
 *
 * Pure arithmetic on bytes and microseconds: no socket, no clock. The
 * caller passes "now" in, so the same code runs in userspace unit tests
 * against hand-computed traces.
 */
#ifndef _NET_QUIC_CONG_H
#define _NET_QUIC_CONG_H

#include "codec_compat.h"

/* RFC 9002 7.2: the initial window, min(10 * mss, max(14720, 2 * mss)). */
#define QUIC_CONG_INITIAL_WINDOW_PACKETS	10
#define QUIC_CONG_INITIAL_WINDOW_BYTES		14720
/* RFC 9002 7.2: never below two datagrams. */
#define QUIC_CONG_MIN_WINDOW_PACKETS		2
/* The window never grows past this (bounds all the arithmetic below). */
#define QUIC_CONG_MAX_WINDOW			BIT_ULL(32)
/* "No ssthresh yet": slow start until the first congestion event. */
#define QUIC_CONG_SSTHRESH_INF			U64_MAX

struct quic_cong;

/* Room for a controller's name and its NUL, as TCP_CA_NAME_MAX */
#define QUIC_CONG_NAME_MAX	16

/**
 * struct quic_cong_ops - one congestion controller
 * @name: for logs and the module parameter
 * @algo: enum quic_cong_algo of the socket API
 * @init: reset the controller's private state (window already set)
 * @on_acked: @bytes of an in-flight packet acknowledged outside recovery,
 *	while the sender used its window; grows @cong->cwnd
 * @on_congestion: a new congestion event (loss or ECN-CE) at @now_us;
 *	sets ssthresh and shrinks cwnd
 * @on_persistent: persistent congestion: the window already collapsed to
 *	the minimum; forget what the controller learnt
 */
struct quic_cong_ops {
	const char *name;
	u8 algo;
	void (*init)(struct quic_cong *cong);
	void (*on_acked)(struct quic_cong *cong, u64 bytes, u64 now_us,
			 u64 srtt_us);
	void (*on_congestion)(struct quic_cong *cong, u64 now_us);
	void (*on_persistent)(struct quic_cong *cong);
};

/**
 * struct quic_cong - a connection's congestion state
 * @ops: its controller
 * @mss: max datagram size (bytes) the window counts in
 * @cwnd: congestion window, bytes
 * @ssthresh: slow start threshold, or QUIC_CONG_SSTHRESH_INF
 * @recovery_start_us: start of the current recovery period; packets sent
 *	before it do not grow or shrink the window again (0: none yet)
 * @ca_acked: NewReno: bytes acknowledged toward the next mss of growth
 * @w_max: CUBIC: window before the last reduction, bytes
 * @k: CUBIC: time to reach @w_max from the epoch start, 1/1024 s
 * @epoch_start_us: CUBIC: start of the current avoidance epoch, 0 if none
 * @cwnd_acc: CUBIC: fractional growth carried between acks
 * @w_est: CUBIC: the Reno-friendly window estimate, bytes
 * @est_acc: CUBIC: fractional @w_est growth carried between acks
 * @cwnd_prior: CUBIC: the window when the last congestion event cut it,
 *	bytes; @w_est grows at Reno's full rate once it is back there
 */
struct quic_cong {
	const struct quic_cong_ops *ops;
	u32 mss;
	u64 cwnd;
	u64 ssthresh;
	u64 recovery_start_us;
	u64 ca_acked;
	u64 w_max;
	u64 k;
	u64 epoch_start_us;
	u64 cwnd_acc;
	u64 w_est;
	u64 est_acc;
	u64 cwnd_prior;
};

/**
 * struct quic_pacer - token bucket that spreads a window over an RTT
 * @tokens: bytes that may leave now
 * @last_us: when @tokens was last refilled
 */
struct quic_pacer {
	u64 tokens;
	u64 last_us;
};

extern const struct quic_cong_ops quic_cong_reno;
extern const struct quic_cong_ops quic_cong_cubic;

const struct quic_cong_ops *quic_cong_ops_find(u8 algo);
void quic_cong_init(struct quic_cong *cong, const struct quic_cong_ops *ops,
		    u32 mss);
void quic_cong_set_mss(struct quic_cong *cong, u32 mss);
u64 quic_cong_min_window(const struct quic_cong *cong);
bool quic_cong_in_slow_start(const struct quic_cong *cong);
void quic_cong_on_acked(struct quic_cong *cong, u64 bytes, u64 sent_us,
			u64 now_us, u64 srtt_us, u64 bytes_in_flight);
void quic_cong_on_congestion(struct quic_cong *cong, u64 sent_us,
			     u64 now_us);
void quic_cong_on_persistent(struct quic_cong *cong);
u64 quic_cong_pacing_rate(const struct quic_cong *cong, u64 srtt_us);
u64 quic_cong_cbrt(u64 x);
void quic_pacer_refill(struct quic_pacer *p, u64 rate, u64 burst,
		       u64 now_us);
u64 quic_pacer_wait_us(const struct quic_pacer *p, u64 rate, u64 need);
void quic_pacer_consume(struct quic_pacer *p, u64 bytes);

#endif /* _NET_QUIC_CONG_H */
