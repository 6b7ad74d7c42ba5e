// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ECN counting and validation (net/quic/ecn.c) against
 * RFC 9000 13.4 and A.4: what is counted, when datagrams are marked, which
 * feedback validates the path, which fails it, and when CE counts become
 * congestion signals.
 */
#include "tap.h"
#include "../../../net/quic/ecn.c"

#define T(ok, ...) tap_result(!!(ok), "unit: ecn: " __VA_ARGS__)

/* A connection's ECN state, as a socket holds it: the path's, and each
 * packet number space's counts.
 */
struct ecn_conn {
	struct quic_ecn e;
	struct quic_ecn_space sp[3];
};

static void ecn_conn_init(struct ecn_conn *c)
{
	memset(c, 0, sizeof(*c));
	quic_ecn_init(&c->e);
}

/* Sends a datagram the way the stack does; true if it went ECT(0). */
static bool quic_ecn_mark_datagram(struct ecn_conn *c)
{
	bool marked = quic_ecn_marking(&c->e);

	quic_ecn_on_datagram(&c->e, marked);
	return marked;
}

static void test_receive_counts(void)
{
	struct ecn_conn e;
	struct quic_ecn_counts c;

	ecn_conn_init(&e);
	T(!quic_ecn_ack_counts(&e.sp[2], &c),
	  "no marked packet received: a plain ACK");
	quic_ecn_on_received(&e.sp[2], QUIC_ECN_NOT_ECT);
	T(!quic_ecn_ack_counts(&e.sp[2], &c), "Not-ECT is not counted");
	quic_ecn_on_received(&e.sp[2], QUIC_ECN_ECT0);
	quic_ecn_on_received(&e.sp[2], QUIC_ECN_ECT0);
	quic_ecn_on_received(&e.sp[2], QUIC_ECN_ECT1);
	quic_ecn_on_received(&e.sp[2], QUIC_ECN_CE);
	quic_ecn_on_received(&e.sp[0], QUIC_ECN_CE);
	T(quic_ecn_ack_counts(&e.sp[2], &c) && c.ect0 == 2 && c.ect1 == 1 &&
	  c.ce == 1, "ACK_ECN counts each codepoint in its space");
	T(quic_ecn_ack_counts(&e.sp[0], &c) && c.ce == 1 && !c.ect0 &&
	  !quic_ecn_ack_counts(&e.sp[1], &c), "spaces are counted apart");
}

static void test_testing_marks(void)
{
	struct ecn_conn e;
	u32 i, marked = 0;

	ecn_conn_init(&e);
	for (i = 0; i < 50; i++)
		marked += quic_ecn_mark_datagram(&e);
	T(marked == QUIC_ECN_TESTING_PACKETS && e.e.state == QUIC_ECN_UNKNOWN,
	  "testing marks %u datagrams, then waits for validation",
	  QUIC_ECN_TESTING_PACKETS);
}

/* Sends @n marked packets in @space. */
static void sent(struct ecn_conn *c, u8 space, u32 n)
{
	while (n--)
		quic_ecn_on_sent(&c->sp[space], true);
}

static void test_validation(void)
{
	struct quic_ecn_counts r = {};
	struct ecn_conn e;
	u64 ce;
	u32 i;

	ecn_conn_init(&e);
	for (i = 0; i < 3; i++)
		quic_ecn_mark_datagram(&e);
	sent(&e, 2, 3);
	r.ect0 = 2;
	T(!quic_ecn_on_ack(&e.e, &e.sp[2], &r, 2, true, &ce) &&
	  e.e.state == QUIC_ECN_CAPABLE && !ce,
	  "counts covering the acked ECT(0) packets validate the path");
	T(quic_ecn_mark_datagram(&e) && quic_ecn_mark_datagram(&e),
	  "a validated path has every datagram marked");
	r.ce = 1;
	T(!quic_ecn_on_ack(&e.e, &e.sp[2], &r, 1, true, &ce) && ce == 1,
	  "a CE increase on a validated path is a congestion signal");
	T(!quic_ecn_on_ack(&e.e, &e.sp[2], &r, 0, true, &ce) && !ce,
	  "the same CE count again is no new signal");
	r.ce = 0;
	T(!quic_ecn_on_ack(&e.e, &e.sp[2], &r, 0, false, &ce) && !ce &&
	  e.e.state == QUIC_ECN_CAPABLE,
	  "a reordered ACK (largest not grown) is not checked");
	T(quic_ecn_on_ack(&e.e, &e.sp[2], &r, 0, true, &ce) &&
	  e.e.state == QUIC_ECN_FAILED && !quic_ecn_mark_datagram(&e),
	  "a count going down fails validation; marking stops");
}

static void test_failures(void)
{
	struct quic_ecn_counts r = {};
	struct ecn_conn e;
	u64 ce;
	u32 i;

	ecn_conn_init(&e);
	sent(&e, 2, 2);
	T(quic_ecn_on_ack(&e.e, &e.sp[2], NULL, 1, true, &ce) &&
	  e.e.state == QUIC_ECN_FAILED,
	  "ECT(0) packets acked without counts: the path clears marks");

	ecn_conn_init(&e);
	T(!quic_ecn_on_ack(&e.e, &e.sp[2], NULL, 0, true, &ce) &&
	  e.e.state == QUIC_ECN_TESTING,
	  "a plain ACK of unmarked packets says nothing");

	ecn_conn_init(&e);
	sent(&e, 2, 4);
	r.ect0 = 1;
	T(quic_ecn_on_ack(&e.e, &e.sp[2], &r, 2, true, &ce),
	  "counts grown by less than the newly acked ECT(0) packets fail");

	ecn_conn_init(&e);
	sent(&e, 2, 2);
	r.ect0 = 3;
	T(quic_ecn_on_ack(&e.e, &e.sp[2], &r, 2, true, &ce),
	  "more ECT(0) reported than sent fails");

	ecn_conn_init(&e);
	sent(&e, 2, 2);
	r.ect0 = 1;
	r.ce = 2;
	T(quic_ecn_on_ack(&e.e, &e.sp[2], &r, 2, true, &ce),
	  "ECT(0) and CE together beyond what was sent fail");

	ecn_conn_init(&e);
	sent(&e, 2, 2);
	r.ect0 = 2;
	r.ce = 0;
	r.ect1 = 1;
	T(quic_ecn_on_ack(&e.e, &e.sp[2], &r, 2, true, &ce),
	  "ECT(1) reported, never sent: fails");

	ecn_conn_init(&e);
	for (i = 0; i < QUIC_ECN_TESTING_PACKETS; i++)
		quic_ecn_mark_datagram(&e);
	for (i = 0; i < QUIC_ECN_TESTING_PACKETS - 1; i++)
		quic_ecn_on_lost(&e.e, true);
	quic_ecn_on_lost(&e.e, false);
	T(e.e.state == QUIC_ECN_UNKNOWN, "some testing packets lost: no verdict");
	quic_ecn_on_lost(&e.e, true);
	T(e.e.state == QUIC_ECN_FAILED && !quic_ecn_mark_datagram(&e),
	  "every testing packet lost: marking stops");
}

static void test_ce_while_testing(void)
{
	struct quic_ecn_counts r = {};
	struct ecn_conn e;
	u64 ce;

	ecn_conn_init(&e);
	quic_ecn_mark_datagram(&e);
	sent(&e, 0, 1);
	r.ce = 1;
	T(!quic_ecn_on_ack(&e.e, &e.sp[0], &r, 1, true, &ce) && ce == 1 &&
	  e.e.state == QUIC_ECN_CAPABLE,
	  "a CE-marked first packet validates the path and signals congestion");
}

int main(void)
{
	test_receive_counts();
	test_testing_marks();
	test_validation();
	test_failures();
	test_ce_while_testing();
	return tap_exit();
}
