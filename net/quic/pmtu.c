// SPDX-License-Identifier: GPL-2.0
/*
 * Datagram size bookkeeping (see pmtu.h). Two mechanisms share it:
 *
 * Black-hole detection (RFC 8899 4.3) runs on every connection. A datagram
 * above QUIC_PMTU_BASE bytes declared lost while a later, smaller one
 * arrived looks like a path that drops large datagrams without an ICMP
 * message; so does a late burst of loss at the end of a write. Hence
 * QUIC_PMTU_BLACKHOLE_LOSSES of them with no large datagram acknowledged
 * meanwhile only raise the suspicion, and one packet of the full size (the
 * caller's, PING and PADDING at least) decides: acknowledged, the path is
 * fine; lost, the datagrams drop to QUIC_PMTU_BASE.
 *
 * The search (DPLPMTUD, RFC 9000 14.3, RFC 8899 5) runs when the user set
 * a probe interval. It starts at QUIC_PMTU_BASE once the handshake is
 * confirmed and sends probes: PING and PADDING packets larger than the
 * datagrams in use, which carry no data, so that losing one costs nothing
 * but the probe. The first probe has the largest size allowed (the route's
 * MTU, the peer's max_udp_payload_size), which most paths carry; then the
 * search halves the range between the confirmed size and the smallest that
 * failed. An acknowledged probe raises the size at once; one that fails
 * QUIC_PMTU_MAX_PROBES times bounds the range. A finished search starts
 * again an interval later, when the size is still below the bound, since
 * paths change; a black hole found meanwhile drops the size to the base
 * and searches again below the size that failed.
 */
#include "pmtu.h"

/**
 * quic_pmtu_reset() - a new path: no suspicion, no search yet
 * @p: state
 */
void quic_pmtu_reset(struct quic_pmtu *p)
{
	memset(p, 0, sizeof(*p));
}

/**
 * quic_pmtu_search_next() - the size a search probes next
 * @cur: the size confirmed so far
 * @high: smallest size found to fail, 0 if none
 * @bound: largest size allowed now
 *
 * Return: the size to probe, 0 when the search is over.
 */
u32 quic_pmtu_search_next(u32 cur, u32 high, u32 bound)
{
	/* A failure above the bound says nothing of what is below it. */
	if (!high || high > bound)
		return bound > cur ? bound : 0;
	if (high <= cur || high - cur <= QUIC_PMTU_SEARCH_STEP)
		return 0;
	return cur + (high - cur) / 2;
}

static void quic_pmtu_search_start(struct quic_pmtu *p, u32 high)
{
	p->search = QUIC_PMTU_SEARCH_ON;
	p->high = high;
	p->probe_lost = 0;
}

/* Signed distance, for times that wrap. */
static bool quic_pmtu_time_reached(u32 now, u32 at)
{
	return (s32)(now - at) >= 0;
}

/**
 * quic_pmtu_probe_size() - the search probe to send now, if any
 * @p: state
 * @cur: datagram size in use
 * @bound: largest size allowed now
 * @now: current time
 * @interval: time between searches (the user's probe interval)
 *
 * Called with the handshake confirmed and a search enabled. One probe is
 * out at a time, and none while a black-hole test is.
 *
 * Return: the probe's size, or 0.
 */
u32 quic_pmtu_probe_size(struct quic_pmtu *p, u32 cur, u32 bound, u32 now,
			 u32 interval)
{
	u32 size;

	if (p->probing || p->bh_pending)
		return 0;
	if (p->search == QUIC_PMTU_SEARCH_IDLE)
		quic_pmtu_search_start(p, 0);
	if (p->search == QUIC_PMTU_SEARCH_DONE) {
		if (cur >= bound || !quic_pmtu_time_reached(now, p->raise_at))
			return 0;
		quic_pmtu_search_start(p, 0);
	}
	size = quic_pmtu_search_next(cur, p->high, bound);
	if (!size) {
		p->search = QUIC_PMTU_SEARCH_DONE;
		p->raise_at = now + interval;
	}
	return size;
}

/**
 * quic_pmtu_probe_sent() - a probe left
 * @p: state
 * @pn: its packet number
 * @search: a search probe (quic_pmtu_probe_size()), not the black-hole
 *	test of the size in use (@bh_pending)
 */
void quic_pmtu_probe_sent(struct quic_pmtu *p, u64 pn, bool search)
{
	p->probing = 1;
	p->probe_pn = pn;
	p->search_probe = search;
	if (!search)
		p->bh_pending = 0;
}

/**
 * quic_pmtu_on_acked() - a packet was acknowledged
 * @p: state
 * @cur: datagram size in use
 * @pn: its packet number
 * @size: its size
 *
 * Return: the datagram size to use from now on.
 */
u32 quic_pmtu_on_acked(struct quic_pmtu *p, u32 cur, u64 pn, u32 size)
{
	if (size <= QUIC_PMTU_BASE)
		return cur;
	/* A large datagram arrived: the path carries them. */
	p->big_acked_pn = max(p->big_acked_pn, pn + 1);
	p->suspects = 0;
	p->bh_pending = 0;
	if (!p->probing)
		return cur;
	if (pn != p->probe_pn) {
		/* Settles a black-hole test, not the size of a probe. */
		if (!p->search_probe)
			p->probing = 0;
		return cur;
	}
	p->probing = 0;
	if (!p->search_probe)
		return cur;
	p->probe_lost = 0;
	return max(cur, size);
}

/* The test of a suspicion failed: large datagrams do not get through. */
static u32 quic_pmtu_blackhole(struct quic_pmtu *p, u32 cur, u32 interval)
{
	p->suspects = 0;
	if (interval)
		quic_pmtu_search_start(p, cur);
	else
		p->blackhole = 1;
	return QUIC_PMTU_BASE;
}

/**
 * quic_pmtu_on_lost() - a packet was declared lost
 * @p: state
 * @cur: datagram size in use
 * @pn: its packet number
 * @size: its size
 * @interval: time between searches, 0 if there is no search
 *
 * Return: the datagram size to use from now on. When @bh_pending is newly
 * set, the caller sends its next datagram at full size and reports it with
 * quic_pmtu_probe_sent().
 */
u32 quic_pmtu_on_lost(struct quic_pmtu *p, u32 cur, u64 pn, u32 size,
		      u32 interval)
{
	if (p->probing && pn == p->probe_pn) {
		p->probing = 0;
		if (!p->search_probe)
			return quic_pmtu_blackhole(p, cur, interval);
		if (++p->probe_lost >= QUIC_PMTU_MAX_PROBES) {
			p->high = size;
			p->probe_lost = 0;
		}
		return cur;
	}
	/* Datagrams larger than the size in use were sent before it fell,
	 * or were probes: their loss is accounted for.
	 */
	if (size <= QUIC_PMTU_BASE || size > cur || p->blackhole ||
	    pn < p->big_acked_pn)
		return cur;
	if (++p->suspects < QUIC_PMTU_BLACKHOLE_LOSSES || p->bh_pending ||
	    (p->probing && !p->search_probe))
		return cur;
	p->bh_pending = 1;
	return cur;
}

/**
 * quic_pmtu_on_pto() - a probe timeout fired
 * @p: state
 * @cur: datagram size in use
 * @pto_count: PTOs in a row, this one included
 * @interval: time between searches, 0 if there is no search
 *
 * With no acknowledgment at all, loss detection cannot tell large
 * datagrams from small: a third PTO in a row with datagrams over the base
 * size is taken as a black hole, and the probes go small.
 *
 * Return: the datagram size to use from now on.
 */
u32 quic_pmtu_on_pto(struct quic_pmtu *p, u32 cur, u32 pto_count,
		     u32 interval)
{
	if (pto_count < QUIC_PMTU_BLACKHOLE_PTOS || cur <= QUIC_PMTU_BASE)
		return cur;
	p->probing = 0;
	p->bh_pending = 0;
	return quic_pmtu_blackhole(p, cur, interval);
}
