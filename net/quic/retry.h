/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address validation (RFC 9000 8.1): the tokens a server hands out in
 * Retry packets and NEW_TOKEN frames, the Retry a listener answers an
 * Initial with, and a client's processing of a Retry (RFC 9000 17.2.5).
 */
#ifndef _NET_QUIC_RETRY_H
#define _NET_QUIC_RETRY_H

#include <net/sock.h>

#include "cid.h"
#include "header.h"
#include "socket.h"

/* What a token of ours was issued for; in clear, as its first byte. */
enum quic_token_kind {
	QUIC_TOKEN_RETRY	= 0x52,	/* Retry: for the next Initial */
	QUIC_TOKEN_NEW		= 0x4e,	/* NEW_TOKEN: for a later connection */
};

/* Kind, nonce, sealed issue time, address, port and ODCID, then the tag. */
#define QUIC_TOKEN_LEN	(1 + 12 + 8 + 1 + 16 + 2 + 1 + QUIC_CID_MAX_LEN + 16)

/**
 * struct quic_token_info - what a token of ours says
 * @kind: enum quic_token_kind
 * @odcid: a Retry token's ODCID, the DCID of the Initial it answered
 */
struct quic_token_info {
	u8		kind;
	struct quic_cid	odcid;
};

void quic_token_init(void);
int quic_token_seal(u8 kind, const union quic_addr *peer,
		    const struct quic_cid *odcid, u8 *out);
int quic_token_open(const u8 *token, u32 len, const union quic_addr *peer,
		    struct quic_token_info *info);

bool quic_retry_answer(struct sock *lsk, struct sk_buff *skb,
		       const struct quic_packet_hdr *h);
int quic_retry_child_token(struct sock *sk, const struct quic_packet_hdr *h,
			   const union quic_addr *peer);
void quic_retry_rcv(struct sock *sk, const struct quic_packet_hdr *h,
		    const u8 *pkt);

#endif /* _NET_QUIC_RETRY_H */
