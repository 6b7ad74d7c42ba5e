/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path validation (RFC 9000 8.2) and the peer's address changes (9.3).
 */
#ifndef _NET_QUIC_PATH_H
#define _NET_QUIC_PATH_H

#include "frame.h"
#include "socket.h"

/*
 * The smallest datagram worth sending to an address the anti-amplification
 * limit holds to less than a full one: room for a short header, a
 * PATH_CHALLENGE or PATH_RESPONSE, an ACK and the tag.
 */
#define QUIC_PATH_MIN_DGRAM	64

/* Our PATH_CHALLENGE data of one validation, kept for the response. */
#define QUIC_PATH_CHALLENGES	4

/**
 * struct quic_path - path state, allocated the first time a path needs any
 * @prev_peer: last validated peer address while the current one is being
 *	validated (family 0 when none)
 * @challenge: data of the PATH_CHALLENGE frames sent in this validation,
 *	the newest at (@nchallenges - 1) % QUIC_PATH_CHALLENGES
 * @nchallenges: how many were sent
 * @response: data of the PATH_CHALLENGE to answer
 * @response_pending: @response is still to be sent
 * @challenge_pending: a PATH_CHALLENGE is to be sent
 * @validating: the peer's current address is being validated
 * @local: ... after our own move to a new local address (a client's
 *	QUIC_SOCKOPT_CONNECTION_MIGRATION), not the peer's
 * @deadline_us: when the validation is abandoned (8.2.4)
 */
struct quic_path {
	union quic_addr	prev_peer;
	u8		challenge[QUIC_PATH_CHALLENGES]
				 [QUIC_FRAME_PATH_DATA_LEN];
	u8		nchallenges;
	u8		response[QUIC_FRAME_PATH_DATA_LEN];
	bool		response_pending;
	bool		challenge_pending;
	bool		validating;
	bool		local;
	u64		deadline_us;
};

/**
 * struct quic_rx_path - what a received packet's frames say of its path
 * @non_probing: a frame other than PATH_CHALLENGE, PATH_RESPONSE,
 *	NEW_CONNECTION_ID or PADDING (RFC 9000 9.1)
 * @challenged: it held a PATH_CHALLENGE; @challenge is the last one's data
 * @challenge: that data
 * @dcid: the packet's destination connection ID (set by the caller)
 * @dcid_len: its length
 */
struct quic_rx_path {
	bool		non_probing;
	bool		challenged;
	u8		challenge[QUIC_FRAME_PATH_DATA_LEN];
	u8		dcid_len;
	const u8	*dcid;
};

bool quic_addr_equal(const union quic_addr *a, const union quic_addr *b);
int quic_path_migrate_local(struct sock *sk, union quic_addr *addr);
void quic_path_rcv(struct sock *sk, const union quic_addr *from, u32 dgram_len,
		   u64 pn, const struct quic_rx_path *rx);
void quic_path_response_rcv(struct sock *sk, const u8 *data);
bool quic_path_tx_pending(const struct quic_sock *qs);
bool quic_path_response_pending(const struct quic_sock *qs, u8 *data);
void quic_path_response_sent(struct quic_sock *qs);
bool quic_path_challenge_pending(const struct quic_sock *qs);
void quic_path_challenge_sent(struct quic_sock *qs, const u8 *data);
u64 quic_path_deadline(const struct quic_sock *qs);
bool quic_path_timeout(struct sock *sk);
void quic_path_on_pto(struct quic_sock *qs);
void quic_path_free(struct quic_sock *qs);

#endif /* _NET_QUIC_PATH_H */
