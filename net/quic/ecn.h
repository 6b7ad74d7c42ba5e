/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC ECN (RFC 9000 13.4, RFC 9002 7.1 and B.7): the counts of the ECN
 * codepoints received in each packet number space, which ACK_ECN frames
 * report, and the sender's validation of the path: do packets marked
 * ECT(0) arrive marked, and does the peer report them correctly? Only
 * then are packets marked, and only then do CE reports count as
 * congestion signals.
 *
 * Pure bookkeeping, no socket and no clock: the same source builds in the
 * userspace unit tests.
 */
#ifndef _NET_QUIC_ECN_H
#define _NET_QUIC_ECN_H

#include "codec_compat.h"

/* The ECN field of the IP header (RFC 3168). */
#define QUIC_ECN_NOT_ECT	0
#define QUIC_ECN_ECT1		1
#define QUIC_ECN_ECT0		2
#define QUIC_ECN_CE		3
#define QUIC_ECN_MASK		3

/*
 * RFC 9000 A.4: mark this many datagrams while testing; more are marked
 * only once an acknowledgment validates the path.
 */
#define QUIC_ECN_TESTING_PACKETS	10

/**
 * enum quic_ecn_state - validation state of the path (RFC 9000 A.4)
 * @QUIC_ECN_TESTING: marking the first QUIC_ECN_TESTING_PACKETS datagrams
 * @QUIC_ECN_UNKNOWN: testing packets sent, no verdict yet: not marking
 * @QUIC_ECN_CAPABLE: validated: every datagram is marked ECT(0)
 * @QUIC_ECN_FAILED: validation failed: no marking for the connection
 */
enum quic_ecn_state {
	QUIC_ECN_TESTING,
	QUIC_ECN_UNKNOWN,
	QUIC_ECN_CAPABLE,
	QUIC_ECN_FAILED,
};

/**
 * struct quic_ecn_counts - cumulative counts of one space
 * @ect0: packets received with ECT(0)
 * @ect1: packets received with ECT(1)
 * @ce: packets received with CE
 */
struct quic_ecn_counts {
	u64 ect0;
	u64 ect1;
	u64 ce;
};

/**
 * struct quic_ecn_space - the counts of one packet number space
 * @rx: what we received, reported in our ACK_ECN frames
 * @peer: what the peer last reported about our packets
 * @sent_ect0: packets we sent marked ECT(0)
 *
 * Each space keeps its own (RFC 9000 13.4.1), so they live with the
 * space: an established connection no longer carries the Initial and
 * Handshake ones.
 */
struct quic_ecn_space {
	struct quic_ecn_counts rx;
	struct quic_ecn_counts peer;
	u64 sent_ect0;
};

/**
 * struct quic_ecn - a connection's ECN path state
 * @testing_sent: datagrams marked while testing
 * @testing_lost: of those, declared lost
 * @state: enum quic_ecn_state
 */
struct quic_ecn {
	u32 testing_sent;
	u32 testing_lost;
	u8 state;
};

void quic_ecn_init(struct quic_ecn *e);
void quic_ecn_on_received(struct quic_ecn_space *s, u8 codepoint);
bool quic_ecn_ack_counts(const struct quic_ecn_space *s,
			 struct quic_ecn_counts *out);
bool quic_ecn_marking(const struct quic_ecn *e);
void quic_ecn_on_datagram(struct quic_ecn *e, bool marked);
void quic_ecn_on_sent(struct quic_ecn_space *s, bool marked);
void quic_ecn_on_lost(struct quic_ecn *e, bool marked);
bool quic_ecn_on_ack(struct quic_ecn *e, struct quic_ecn_space *s,
		     const struct quic_ecn_counts *reported,
		     u64 newly_acked_ect0, bool largest_grew, u64 *ce_delta);

#endif /* _NET_QUIC_ECN_H */
