/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The size of the datagrams a connection sends (RFC 9000 14), as
 * bookkeeping: black-hole detection (RFC 8899 4.3), and the search for
 * the largest size the path carries by probe packets (DPLPMTUD, RFC 9000
 * 14.3 and RFC 8899 5) when the user set a probe interval.
 *
 * Pure code, no socket and no clock: the caller passes packet numbers,
 * sizes and a time in any wrapping 32-bit unit (jiffies in the kernel),
 * sends the probes, and takes the size each call returns. The same source
 * builds in the userspace unit tests.
 */
#ifndef _NET_QUIC_PMTU_H
#define _NET_QUIC_PMTU_H

#include "codec_compat.h"

/* RFC 9000 14: the datagram size every QUIC path carries. */
#define QUIC_PMTU_BASE			1200
/* RFC 8899 5.1.2 MAX_PROBES: a size fails when this many probes of it
 * are lost, one lost probe being as likely congestion.
 */
#define QUIC_PMTU_MAX_PROBES		3
/* A search ends when no size this much above the confirmed one is left
 * untried: the last few bytes are not worth their probes.
 */
#define QUIC_PMTU_SEARCH_STEP		16
/* Large datagrams lost while smaller later ones arrive, and PTOs in a row,
 * that make the path suspect of dropping large datagrams.
 */
#define QUIC_PMTU_BLACKHOLE_LOSSES	3
#define QUIC_PMTU_BLACKHOLE_PTOS	3

/**
 * enum quic_pmtu_search - DPLPMTUD states (RFC 8899 5.2), when enabled
 * @QUIC_PMTU_SEARCH_IDLE: no search yet (handshake not confirmed)
 * @QUIC_PMTU_SEARCH_ON: probing; the next probe goes when none is out
 * @QUIC_PMTU_SEARCH_DONE: nothing larger to try until @raise_at
 */
enum quic_pmtu_search {
	QUIC_PMTU_SEARCH_IDLE,
	QUIC_PMTU_SEARCH_ON,
	QUIC_PMTU_SEARCH_DONE,
};

/**
 * struct quic_pmtu - datagram size state of one path
 * @big_acked_pn: one above the largest packet over QUIC_PMTU_BASE bytes
 *	acknowledged: only later ones are black-hole suspects
 * @probe_pn: packet number of the probe out (@probing)
 * @raise_at: when a finished search starts again, to find a path that
 *	grew (RFC 8899 PMTU_RAISE_TIMER)
 * @high: smallest size known to fail in this search, 0 if none yet
 * @suspects: large packets lost since @big_acked_pn
 * @blackhole: without a search, the path turned out to drop large
 *	datagrams: QUIC_PMTU_BASE from now on
 * @bh_pending: a full-size packet is to be sent to test the suspicion
 * @probing: a probe is out (@probe_pn); @search_probe says which kind
 * @search_probe: the probe is a search probe, larger than the datagrams
 *	sent, not a black-hole test of their size
 * @search: enum quic_pmtu_search
 * @probe_lost: search probes of the next size lost so far
 */
struct quic_pmtu {
	u64	big_acked_pn;
	u64	probe_pn;
	u32	raise_at;
	u16	high;
	u8	suspects;
	u8	blackhole:1;
	u8	bh_pending:1;
	u8	probing:1;
	u8	search_probe:1;
	u8	search:2;
	u8	probe_lost:2;
};

void quic_pmtu_reset(struct quic_pmtu *p);
u32 quic_pmtu_search_next(u32 cur, u32 high, u32 bound);
u32 quic_pmtu_probe_size(struct quic_pmtu *p, u32 cur, u32 bound, u32 now,
			 u32 interval);
void quic_pmtu_probe_sent(struct quic_pmtu *p, u64 pn, bool search);
u32 quic_pmtu_on_acked(struct quic_pmtu *p, u32 cur, u64 pn, u32 size);
u32 quic_pmtu_on_lost(struct quic_pmtu *p, u32 cur, u64 pn, u32 size,
		      u32 interval);
u32 quic_pmtu_on_pto(struct quic_pmtu *p, u32 cur, u32 pto_count,
		     u32 interval);

#endif /* _NET_QUIC_PMTU_H */
