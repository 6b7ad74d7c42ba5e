/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path validation (RFC 9000 8.2) and the peer's address changes (9.3).
 */
#ifndef _NET_QUIC_PATH_H
#define _NET_QUIC_PATH_H

#include "frame.h"
#include "socket.h"
#include "tparam.h"

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
 * @probe_peer: the peer's other address being probed while packets still
 *	go to the current one (@probing)
 * @response_peer: where @response goes when that is not the peer's current
 *	address (family 0: to the current one, in a packet like any other)
 * @preferred: a client's: the server's preferred_address, probed once the
 *	handshake is confirmed; a server's: the preferred address it offers
 *	(family 0 when none)
 * @former_server: a client's: the server address it left for the
 *	preferred one, whose datagrams are still the server's
 * @pref_us: a server's: the UDP socket of @preferred; once the connection
 *	moved there, of the address it left
 * @challenge: data of the PATH_CHALLENGE frames sent in this validation,
 *	the newest at (@nchallenges - 1) % QUIC_PATH_CHALLENGES
 * @nchallenges: how many were sent
 * @response: data of the PATH_CHALLENGE to answer
 * @response_size: the datagram size that answer fills to @response_peer
 * @response_pending: @response is still to be sent
 * @challenge_pending: a PATH_CHALLENGE is to be sent
 * @validating: the peer's current address, or @probe_peer, is being
 *	validated
 * @local: ... after our own move to a new local address (a client's
 *	QUIC_SOCKOPT_CONNECTION_MIGRATION), not the peer's
 * @probing: ... @probe_peer is, in packets of their own
 * @probe_preferred: ... from @preferred (a server's, whose client came to
 *	its preferred address): success moves the connection there
 * @response_preferred: @response goes from @preferred
 * @on_preferred: a server's connection moved to @preferred
 * @probe_size: the datagram size of those probes
 * @deadline_us: when the validation is abandoned (8.2.4)
 * @probe_at_us: when @probe_peer is challenged again
 */
struct quic_path {
	union quic_addr	prev_peer;
	union quic_addr	probe_peer;
	union quic_addr	response_peer;
	union quic_addr	preferred;
	union quic_addr	former_server;
	struct quic_udp_sock *pref_us;
	u8		challenge[QUIC_PATH_CHALLENGES]
				 [QUIC_FRAME_PATH_DATA_LEN];
	u8		nchallenges;
	u8		response[QUIC_FRAME_PATH_DATA_LEN];
	u16		response_size;
	u16		probe_size;
	bool		response_pending;
	bool		challenge_pending;
	bool		validating;
	bool		local;
	bool		probing;
	bool		probe_preferred;
	bool		response_preferred;
	bool		on_preferred;
	u64		deadline_us;
	u64		probe_at_us;
};

/**
 * struct quic_rx_path - what a received packet's frames say of its path
 * @non_probing: a frame other than PATH_CHALLENGE, PATH_RESPONSE,
 *	NEW_CONNECTION_ID or PADDING (RFC 9000 9.1)
 * @challenged: it held a PATH_CHALLENGE; @challenge is the last one's data
 * @challenge: that data
 * @to_preferred: the datagram came to the server's preferred address,
 *	which the connection has not moved to (set by the caller, after
 *	quic_frames_process())
 * @dcid: the packet's destination connection ID (set by the caller)
 * @dcid_len: its length
 */
struct quic_rx_path {
	bool		non_probing;
	bool		challenged;
	bool		to_preferred;
	u8		challenge[QUIC_FRAME_PATH_DATA_LEN];
	u8		dcid_len;
	const u8	*dcid;
};

bool quic_addr_equal(const union quic_addr *a, const union quic_addr *b);
bool quic_path_from_server(const struct quic_sock *qs,
			   const union quic_addr *from);
int quic_path_set_preferred(struct sock *sk,
			    const struct quic_tparam_pref_addr *a);
void quic_path_follow_preferred(struct sock *sk);
int quic_path_offer_preferred(struct sock *sk, union quic_addr *addr);
int quic_path_inherit(struct sock *sk, struct sock *lsk);
int quic_path_encode_preferred(struct sock *sk,
			       struct quic_tparam_pref_addr *a, bool *has);
bool quic_path_to_preferred(const struct quic_sock *qs,
			    const struct quic_skb_cb *cb);
void quic_path_send_probes(struct sock *sk);
int quic_path_migrate_local(struct sock *sk, union quic_addr *addr);
void quic_path_rcv(struct sock *sk, const union quic_addr *from, u32 dgram_len,
		   u64 pn, const struct quic_rx_path *rx);
void quic_path_response_rcv(struct sock *sk, const u8 *data);
bool __quic_path_tx_pending(const struct quic_sock *qs);

/*
 * Are path frames waiting to be sent? Asked for every datagram built, and
 * a connection that never moved has no path state: no call for it.
 */
static inline bool quic_path_tx_pending(const struct quic_sock *qs)
{
	return qs->path && __quic_path_tx_pending(qs);
}

bool quic_path_response_pending(const struct quic_sock *qs, u8 *data);
void quic_path_response_sent(struct quic_sock *qs);
bool quic_path_challenge_pending(const struct quic_sock *qs);
void quic_path_challenge_sent(struct quic_sock *qs, const u8 *data);
u64 quic_path_deadline(const struct quic_sock *qs);
bool quic_path_timeout(struct sock *sk);
void quic_path_on_pto(struct quic_sock *qs);
void quic_path_free(struct quic_sock *qs);

#endif /* _NET_QUIC_PATH_H */
