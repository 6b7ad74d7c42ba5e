// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the datagram size bookkeeping (net/quic/pmtu.c): the
 * DPLPMTUD search (RFC 9000 14.3, RFC 8899 5) against simulated paths,
 * its raise timer, and black-hole detection (RFC 8899 4.3) with and
 * without a search.
 */
#include "tap.h"
#include "../../../net/quic/pmtu.c"

#define INTERVAL	1000	/* time between searches, in test ticks */

/* A connection as the kernel drives it: the size in use and a clock. */
struct conn {
	struct quic_pmtu p;
	u32 cur;
	u32 now;
	u64 pn;
	u32 probes;	/* search probes sent */
	u32 above;	/* sizes used that the path does not carry */
};

static void conn_init(struct conn *c, u32 now)
{
	memset(c, 0, sizeof(*c));
	quic_pmtu_reset(&c->p);
	c->cur = QUIC_PMTU_BASE;
	c->now = now;
}

/*
 * Search over a path carrying up to @path bytes, the largest size allowed
 * being @bound: every probe is acknowledged or declared lost at once, one
 * tick apart. Stops when no probe is due; at most @max probes.
 */
static void search(struct conn *c, u32 path, u32 bound, u32 max)
{
	u32 size;

	while (c->probes < max) {
		size = quic_pmtu_probe_size(&c->p, c->cur, bound, c->now,
					    INTERVAL);
		if (!size)
			break;
		quic_pmtu_probe_sent(&c->p, c->pn, true);
		c->probes++;
		if (size <= path)
			c->cur = quic_pmtu_on_acked(&c->p, c->cur, c->pn, size);
		else
			c->cur = quic_pmtu_on_lost(&c->p, c->cur, c->pn, size,
						   INTERVAL);
		if (c->cur > path)
			c->above++;
		c->pn++;
		c->now++;
	}
}

static void test_search_next(void)
{
	tap_result(quic_pmtu_search_next(1200, 0, 1472) == 1472 &&
		   quic_pmtu_search_next(1200, 1500, 1472) == 1472,
		   "unit: pmtu: the first probe has the largest size allowed");
	tap_result(quic_pmtu_search_next(1200, 1472, 1472) == 1336 &&
		   quic_pmtu_search_next(1336, 1472, 1472) == 1404,
		   "unit: pmtu: then halfway between confirmed and failed");
	tap_result(quic_pmtu_search_next(1456, 1472, 1472) == 0 &&
		   quic_pmtu_search_next(1455, 1472, 1472) == 1463,
		   "unit: pmtu: the search ends within QUIC_PMTU_SEARCH_STEP bytes");
	tap_result(quic_pmtu_search_next(1472, 0, 1472) == 0 &&
		   quic_pmtu_search_next(1400, 0, 1300) == 0 &&
		   quic_pmtu_search_next(1400, 1300, 1472) == 0,
		   "unit: pmtu: nothing to probe at or above the bound, or below the size in use");
}

static void test_search_paths(void)
{
	u32 path, worst = 0, most = 0, bad = 0;
	struct conn c;

	conn_init(&c, 0);
	search(&c, 1472, 1472, 100);
	tap_result(c.cur == 1472 && c.probes == 1 &&
		   c.p.search == QUIC_PMTU_SEARCH_DONE,
		   "unit: pmtu: a path that carries the bound: one probe, then done");

	/* Every path between the base and the bound, IPv4 on 1500 bytes. */
	for (path = QUIC_PMTU_BASE; path <= 1472; path++) {
		conn_init(&c, 0);
		search(&c, path, 1472, 100);
		if (c.cur > path || path - c.cur > QUIC_PMTU_SEARCH_STEP ||
		    c.above || c.p.search != QUIC_PMTU_SEARCH_DONE)
			bad++;
		worst = max(worst, path - min(path, c.cur));
		most = max(most, c.probes);
	}
	tap_diag("paths 1200-1472: at most %u bytes short, %u probes", worst,
		 most);
	tap_result(!bad, "unit: pmtu: every path 1200-1472: the search ends within %u bytes below it, never above",
		   QUIC_PMTU_SEARCH_STEP);
	/* log2(272 / 16) halvings and the first probe, each failed size
	 * taking MAX_PROBES probes.
	 */
	tap_result(most <= 6 * QUIC_PMTU_MAX_PROBES,
		   "unit: pmtu: and within %u probes (%u)",
		   6 * QUIC_PMTU_MAX_PROBES, most);

	conn_init(&c, 0);
	search(&c, 8972, 8972, 100);
	tap_result(c.cur == 8972 && c.probes == 1,
		   "unit: pmtu: a jumbo-frame path: one probe");
	conn_init(&c, 0);
	search(&c, 1300, 8972, 100);
	tap_result(c.cur <= 1300 && c.cur > 1300 - QUIC_PMTU_SEARCH_STEP &&
		   !c.above && c.probes <= 10 * QUIC_PMTU_MAX_PROBES,
		   "unit: pmtu: a 1300-byte path under a jumbo-frame bound (%u, %u probes)",
		   c.cur, c.probes);
}

/* A lost probe is tried again: one loss may be congestion. */
static void test_probe_retries(void)
{
	struct conn c;
	u32 size, i;

	conn_init(&c, 0);
	for (i = 0; i < QUIC_PMTU_MAX_PROBES - 1; i++) {
		size = quic_pmtu_probe_size(&c.p, c.cur, 1472, 0, INTERVAL);
		quic_pmtu_probe_sent(&c.p, i, true);
		c.cur = quic_pmtu_on_lost(&c.p, c.cur, i, size, INTERVAL);
	}
	size = quic_pmtu_probe_size(&c.p, c.cur, 1472, 0, INTERVAL);
	tap_result(size == 1472 && c.p.high == 0 && c.cur == 1200,
		   "unit: pmtu: a size lost %u times is probed again",
		   QUIC_PMTU_MAX_PROBES - 1);
	quic_pmtu_probe_sent(&c.p, i, true);
	tap_result(!quic_pmtu_probe_size(&c.p, c.cur, 1472, 0, INTERVAL),
		   "unit: pmtu: one probe out at a time");
	c.cur = quic_pmtu_on_lost(&c.p, c.cur, i, size, INTERVAL);
	size = quic_pmtu_probe_size(&c.p, c.cur, 1472, 0, INTERVAL);
	tap_result(c.p.high == 1472 && size == 1336,
		   "unit: pmtu: lost %u times, it bounds the search",
		   QUIC_PMTU_MAX_PROBES);
	/* An acknowledgment of another packet settles no probe. */
	quic_pmtu_probe_sent(&c.p, 10, true);
	c.cur = quic_pmtu_on_acked(&c.p, c.cur, 9, 1200);
	c.cur = quic_pmtu_on_acked(&c.p, c.cur, 11, 1300);
	tap_result(c.p.probing && c.cur == 1200,
		   "unit: pmtu: other packets acknowledged leave the probe out");
	c.cur = quic_pmtu_on_acked(&c.p, c.cur, 10, 1336);
	tap_result(!c.p.probing && c.cur == 1336,
		   "unit: pmtu: the probe acknowledged raises the size to it");
}

/* Done, the search starts again an interval later while below the bound. */
static void test_raise(void)
{
	struct conn c;

	conn_init(&c, 0xffffff00);	/* the clock wraps during the test */
	search(&c, 1300, 1472, 100);
	tap_result(c.p.search == QUIC_PMTU_SEARCH_DONE &&
		   c.p.raise_at == c.now + INTERVAL,
		   "unit: pmtu: a finished search waits an interval");
	c.now += INTERVAL - 1;
	tap_result(!quic_pmtu_probe_size(&c.p, c.cur, 1472, c.now, INTERVAL),
		   "unit: pmtu: no probe before the interval is over");
	c.now++;
	c.probes = 0;
	search(&c, 1472, 1472, 100);
	tap_result(c.cur == 1472 && c.probes == 1,
		   "unit: pmtu: after it, a path that grew is found with one probe");
	c.now += 10 * INTERVAL;
	tap_result(!quic_pmtu_probe_size(&c.p, c.cur, 1472, c.now, INTERVAL),
		   "unit: pmtu: at the bound, no search again");
	tap_result(quic_pmtu_probe_size(&c.p, c.cur, 1500, c.now, INTERVAL) ==
		   1500, "unit: pmtu: a bound that grew is probed once the interval is over");
}

/* Three large datagrams lost after the last large one acknowledged. */
static void suspect(struct conn *c, u32 size)
{
	int i;

	for (i = 0; i < QUIC_PMTU_BLACKHOLE_LOSSES; i++) {
		c->cur = quic_pmtu_on_lost(&c->p, c->cur, c->pn, size, 0);
		c->pn++;
	}
}

static void test_blackhole(void)
{
	struct conn c;

	conn_init(&c, 0);
	c.cur = 1472;
	c.cur = quic_pmtu_on_acked(&c.p, c.cur, 9, 1472);
	c.pn = 5;
	suspect(&c, 1472);
	tap_result(!c.p.bh_pending && c.p.suspects == 0,
		   "unit: pmtu: losses of packets sent before a large one arrived are no suspects");
	c.pn = 10;
	c.cur = quic_pmtu_on_lost(&c.p, c.cur, c.pn++, 1200, 0);
	c.cur = quic_pmtu_on_lost(&c.p, c.cur, c.pn++, 1500, 0);
	tap_result(c.p.suspects == 0,
		   "unit: pmtu: nor losses of base-size packets, or of ones above the size in use");
	suspect(&c, 1472);
	tap_result(c.p.bh_pending && c.cur == 1472,
		   "unit: pmtu: %u large ones lost: a full-size test is due",
		   QUIC_PMTU_BLACKHOLE_LOSSES);
	quic_pmtu_probe_sent(&c.p, 20, false);
	c.cur = quic_pmtu_on_acked(&c.p, c.cur, 21, 1472);
	tap_result(!c.p.probing && !c.p.bh_pending && c.cur == 1472 &&
		   !c.p.blackhole,
		   "unit: pmtu: any large packet acknowledged clears the suspicion");
	suspect(&c, 1472);
	quic_pmtu_probe_sent(&c.p, 30, false);
	c.cur = quic_pmtu_on_lost(&c.p, c.cur, 30, 1472, 0);
	tap_result(c.cur == QUIC_PMTU_BASE && c.p.blackhole,
		   "unit: pmtu: the test lost: a black hole, 1200 bytes from now on");

	/* With a search, a black hole searches again below the size lost. */
	conn_init(&c, 0);
	search(&c, 1472, 1472, 100);
	c.pn = 100;
	suspect(&c, 1472);
	quic_pmtu_probe_sent(&c.p, 200, false);
	c.cur = quic_pmtu_on_lost(&c.p, c.cur, 200, 1472, INTERVAL);
	tap_result(c.cur == QUIC_PMTU_BASE && !c.p.blackhole &&
		   c.p.search == QUIC_PMTU_SEARCH_ON && c.p.high == 1472,
		   "unit: pmtu: with a search, a black hole restarts it below the size lost");
	c.probes = 0;
	c.pn = 300;
	search(&c, 1272, 1472, 100);
	tap_result(c.cur <= 1272 && c.cur > 1272 - QUIC_PMTU_SEARCH_STEP &&
		   !c.above, "unit: pmtu: and finds the size the path carries now (%u)",
		   c.cur);
}

static void test_pto(void)
{
	struct conn c;

	conn_init(&c, 0);
	c.cur = 1472;
	c.cur = quic_pmtu_on_pto(&c.p, c.cur, QUIC_PMTU_BLACKHOLE_PTOS - 1, 0);
	tap_result(c.cur == 1472, "unit: pmtu: two PTOs in a row change nothing");
	c.cur = quic_pmtu_on_pto(&c.p, c.cur, QUIC_PMTU_BLACKHOLE_PTOS, 0);
	tap_result(c.cur == QUIC_PMTU_BASE && c.p.blackhole,
		   "unit: pmtu: a third: a black hole");
	conn_init(&c, 0);
	search(&c, 1472, 1472, 100);
	quic_pmtu_probe_sent(&c.p, 50, false);
	c.cur = quic_pmtu_on_pto(&c.p, c.cur, QUIC_PMTU_BLACKHOLE_PTOS,
				 INTERVAL);
	tap_result(c.cur == QUIC_PMTU_BASE && !c.p.probing &&
		   c.p.search == QUIC_PMTU_SEARCH_ON && c.p.high == 1472 &&
		   quic_pmtu_probe_size(&c.p, c.cur, 1472, c.now, INTERVAL) == 1336,
		   "unit: pmtu: with a search, a third PTO searches again");
	conn_init(&c, 0);
	c.cur = quic_pmtu_on_pto(&c.p, c.cur, 5, INTERVAL);
	tap_result(c.cur == QUIC_PMTU_BASE && c.p.search == QUIC_PMTU_SEARCH_IDLE,
		   "unit: pmtu: at the base size PTOs change nothing");
}

int main(void)
{
	test_search_next();
	test_search_paths();
	test_probe_retries();
	test_raise();
	test_blackhole();
	test_pto();
	return tap_exit();
}
