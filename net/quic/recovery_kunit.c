// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the loss detection arithmetic of recovery.c (RFC 9002):
 * the RTT estimator, PTO with backoff, the time and packet thresholds and
 * persistent congestion, checked against values worked out by hand from
 * the RFC's formulas.
 */
#include <kunit/test.h>

#include "recovery.h"

static void quic_kunit_rtt_estimator(struct kunit *test)
{
	struct quic_rtt rtt;

	/* RFC 9002 6.2.2: before a sample, kInitialRtt and half of it. */
	quic_rtt_init(&rtt, 0);
	KUNIT_EXPECT_EQ(test, rtt.smoothed_rtt, 333000ULL);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 166500ULL);
	KUNIT_EXPECT_FALSE(test, quic_rtt_has_sample(&rtt));

	/* First sample: taken as is, ack delay ignored. */
	quic_rtt_update(&rtt, 100000, 5000, 25000, true);
	KUNIT_EXPECT_EQ(test, rtt.min_rtt, 100000ULL);
	KUNIT_EXPECT_EQ(test, rtt.smoothed_rtt, 100000ULL);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 50000ULL);

	/*
	 * 120 ms with 10 ms of ack delay: adjusted 110 ms, so
	 * rttvar = (3 * 50000 + 10000) / 4 and
	 * smoothed = (7 * 100000 + 110000) / 8.
	 */
	quic_rtt_update(&rtt, 120000, 10000, 25000, true);
	KUNIT_EXPECT_EQ(test, rtt.latest_rtt, 120000ULL);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 40000ULL);
	KUNIT_EXPECT_EQ(test, rtt.smoothed_rtt, 101250ULL);

	/* An ack delay that would go below min_rtt is not subtracted. */
	quic_rtt_update(&rtt, 101250, 20000, 25000, true);
	KUNIT_EXPECT_EQ(test, rtt.smoothed_rtt, 101250ULL);
	KUNIT_EXPECT_EQ(test, rtt.rttvar, 30000ULL);

	/* Once the handshake is confirmed the delay is capped. */
	quic_rtt_update(&rtt, 200000, 90000, 25000, true);
	KUNIT_EXPECT_EQ(test, rtt.smoothed_rtt, (7 * 101250ULL + 175000) / 8);
}

static void quic_kunit_pto(struct kunit *test)
{
	struct quic_rtt rtt;

	quic_rtt_init(&rtt, 0);
	quic_rtt_update(&rtt, 100000, 0, 25000, false);
	/* 100 ms + 4 * 50 ms (+ 25 ms of max_ack_delay in 1-RTT). */
	KUNIT_EXPECT_EQ(test, quic_pto_us(&rtt, 25000, 0, false), 300000ULL);
	KUNIT_EXPECT_EQ(test, quic_pto_us(&rtt, 25000, 0, true), 325000ULL);
	KUNIT_EXPECT_EQ(test, quic_pto_us(&rtt, 25000, 3, true), 2600000ULL);
	KUNIT_EXPECT_EQ(test, quic_pto_us(&rtt, 25000, 64, true), U64_MAX);

	/* A tiny rttvar is floored at kGranularity (1 ms). */
	rtt.smoothed_rtt = 10;
	rtt.rttvar = 0;
	KUNIT_EXPECT_EQ(test, quic_pto_us(&rtt, 0, 0, false), 1010ULL);

	/* Three PTOs of 1-RTT without an acknowledgment. */
	quic_rtt_init(&rtt, 0);
	quic_rtt_update(&rtt, 100000, 0, 25000, false);
	KUNIT_EXPECT_EQ(test, quic_persistent_congestion_duration_us(&rtt,
								     25000),
			975000ULL);
}

static void quic_kunit_time_threshold(struct kunit *test)
{
	struct quic_rtt rtt;

	quic_rtt_init(&rtt, 0);
	quic_rtt_update(&rtt, 80000, 0, 0, false);
	/* 9/8 of max(smoothed, latest). */
	KUNIT_EXPECT_EQ(test, quic_loss_time_threshold_us(&rtt), 90000ULL);
	rtt.latest_rtt = 160000;
	KUNIT_EXPECT_EQ(test, quic_loss_time_threshold_us(&rtt), 180000ULL);
	/* Never below kGranularity. */
	rtt.latest_rtt = 8;
	rtt.smoothed_rtt = 8;
	KUNIT_EXPECT_EQ(test, quic_loss_time_threshold_us(&rtt), 1000ULL);
}

static void quic_kunit_persistent(struct kunit *test)
{
	struct quic_rtt rtt;

	quic_rtt_init(&rtt, 0);
	/* No RTT sample yet: never persistent congestion. */
	KUNIT_EXPECT_FALSE(test, quic_persistent_congestion(&rtt, 25000, 1,
							    10000000));
	quic_rtt_update(&rtt, 100000, 0, 25000, false);
	KUNIT_EXPECT_FALSE(test, quic_persistent_congestion(&rtt, 25000,
							    1000000,
							    1975000));
	KUNIT_EXPECT_TRUE(test, quic_persistent_congestion(&rtt, 25000,
							   1000000, 1975001));
	/* Packets sent before the first RTT sample do not count. */
	rtt.first_sample_us = 1500000;
	KUNIT_EXPECT_FALSE(test, quic_persistent_congestion(&rtt, 25000,
							    1000000,
							    9000000));
}

static void quic_kunit_count_pkt(struct quic_sent_pkt *pkt, void *arg)
{
	u64 *mask = arg;

	*mask |= BIT_ULL(pkt->pn);
}

/*
 * Six packets 1 ms apart, only the last one acknowledged 50 ms after the
 * first was sent: the three more than kPacketThreshold below it are lost at
 * once, the other two only after 9/8 of the RTT sample.
 */
static void quic_kunit_packet_threshold(struct kunit *test)
{
	struct quic_recovery_space *sp;
	struct quic_loss_result loss;
	struct quic_ack_result ack;
	struct quic_sent_pkt *pkts;
	u64 acked = 0, lost = 0;
	struct quic_rtt rtt;
	int i;

	sp = kunit_kzalloc(test, sizeof(*sp), GFP_KERNEL);
	pkts = kunit_kcalloc(test, 6, sizeof(*pkts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sp);
	KUNIT_ASSERT_NOT_NULL(test, pkts);
	quic_recovery_space_init(sp);
	quic_rtt_init(&rtt, 0);

	for (i = 0; i < 6; i++) {
		pkts[i].pn = i;
		pkts[i].time_sent_us = 1000 * i;
		pkts[i].size = 1200;
		pkts[i].ack_eliciting = true;
		pkts[i].in_flight = true;
		KUNIT_ASSERT_EQ(test, quic_recovery_on_sent(sp, &pkts[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, sp->bytes_in_flight, 6 * 1200ULL);
	/* Packet numbers must increase. */
	KUNIT_EXPECT_EQ(test, quic_recovery_on_sent(sp, &pkts[2]), -EINVAL);

	quic_recovery_ack_begin(sp, &ack);
	KUNIT_ASSERT_EQ(test, quic_recovery_on_ack_range(sp, &ack, 5, 5,
							 quic_kunit_count_pkt,
							 &acked), 0);
	KUNIT_EXPECT_TRUE(test, quic_recovery_ack_done(sp, &ack, &rtt, 50000,
						       0, 25000, false));
	KUNIT_EXPECT_EQ(test, acked, BIT_ULL(5));
	KUNIT_EXPECT_EQ(test, rtt.latest_rtt, 45000ULL);
	KUNIT_EXPECT_EQ(test, sp->largest_acked, 5ULL);

	memset(&loss, 0, sizeof(loss));
	quic_recovery_detect_lost(sp, &rtt, 50000, quic_kunit_count_pkt,
				  &lost, &loss);
	KUNIT_EXPECT_EQ(test, lost, BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(2));
	KUNIT_EXPECT_EQ(test, loss.lost, 3U);
	KUNIT_EXPECT_EQ(test, loss.lost_bytes, 3 * 1200ULL);
	KUNIT_EXPECT_EQ(test, loss.largest_lost_pn, 2ULL);
	/* Packet 3 is lost at its send time + 9/8 * 45 ms. */
	KUNIT_EXPECT_EQ(test, sp->loss_time_us, 3000ULL + 50625);
	KUNIT_EXPECT_EQ(test, sp->bytes_in_flight, 2 * 1200ULL);

	memset(&loss, 0, sizeof(loss));
	quic_recovery_detect_lost(sp, &rtt, 3000 + 50625, quic_kunit_count_pkt,
				  &lost, &loss);
	KUNIT_EXPECT_EQ(test, loss.lost, 1U);
	KUNIT_EXPECT_TRUE(test, lost & BIT_ULL(3));

	quic_recovery_discard(sp, quic_kunit_count_pkt, &lost);
	KUNIT_EXPECT_EQ(test, lost, BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(2) |
			BIT_ULL(3) | BIT_ULL(4));
	KUNIT_EXPECT_EQ(test, sp->bytes_in_flight, 0ULL);
	KUNIT_EXPECT_TRUE(test, list_empty(&sp->sent));
}

static struct kunit_case quic_recovery_kunit_cases[] = {
	KUNIT_CASE(quic_kunit_rtt_estimator),
	KUNIT_CASE(quic_kunit_pto),
	KUNIT_CASE(quic_kunit_time_threshold),
	KUNIT_CASE(quic_kunit_persistent),
	KUNIT_CASE(quic_kunit_packet_threshold),
	{}
};

static struct kunit_suite quic_recovery_kunit_suite = {
	.name = "quic_recovery",
	.test_cases = quic_recovery_kunit_cases,
};

kunit_test_suite(quic_recovery_kunit_suite);
