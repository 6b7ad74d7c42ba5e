/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection IDs a peer issued us besides the one we send to (RFC 9000
 * 5.1): spares to switch to, and retired ones whose RETIRE_CONNECTION_ID
 * frame the peer has not acknowledged yet. Pure bookkeeping, no socket:
 * nodes are allocated by the caller and handed back through
 * quic_peer_cid_free(), which the includer defines.
 */
#ifndef _NET_QUIC_PEERCID_H
#define _NET_QUIC_PEERCID_H

#include "codec_compat.h"
#include "frame.h"

enum quic_peer_cid_state {
	QUIC_PCID_SPARE,	/* usable */
	QUIC_PCID_RETIRE,	/* RETIRE_CONNECTION_ID to send */
	QUIC_PCID_RETIRE_SENT,	/* sent, not acknowledged yet */
};

struct quic_peer_cid {
	struct quic_peer_cid	*next;	/* by sequence number */
	u64			seq;
	u8			state;
	u8			len;
	u8			id[QUIC_FRAME_CID_MAX];
	u8			token[QUIC_FRAME_RESET_TOKEN_LEN];
};

/*
 * RFC 9000 5.1.2: track at least twice active_connection_id_limit
 * retirements; more unacknowledged ones is CONNECTION_ID_LIMIT_ERROR.
 * Our limit is at most QUIC_PEER_CID_LIMIT_MAX (sockopt.c).
 */
#define QUIC_PEER_CID_LIMIT_MAX		8
#define QUIC_PEER_CID_RETIRING_MAX	(2 * QUIC_PEER_CID_LIMIT_MAX)

/* The peer's connection ID in use, as the caller keeps it. */
struct quic_peer_cid_cur {
	u64		seq;
	u8		len;
	const u8	*id;
};

void quic_peer_cid_free(struct quic_peer_cid *c);

u32 quic_peer_cids_add(struct quic_peer_cid **list,
		       const struct quic_peer_cid_cur *cur, u64 limit,
		       const struct quic_frame_new_cid *f,
		       struct quic_peer_cid **node);
struct quic_peer_cid *quic_peer_cids_find(struct quic_peer_cid *list,
					  u64 seq, u8 state);
struct quic_peer_cid *quic_peer_cids_spare_from(struct quic_peer_cid *list,
						u64 seq);
u32 quic_peer_cids_count(const struct quic_peer_cid *list, bool spare);
void quic_peer_cids_switch(struct quic_peer_cid **list,
			   struct quic_peer_cid *to, u64 cur_seq, u8 cur_len,
			   const u8 *cur_id);
u32 quic_peer_cids_retire_below(struct quic_peer_cid *list, u64 prior_to);
void quic_peer_cids_retire_acked(struct quic_peer_cid **list, u64 seq);
bool quic_peer_cids_retire_lost(struct quic_peer_cid *list, u64 seq);
void quic_peer_cids_clear(struct quic_peer_cid **list);

#endif /* _NET_QUIC_PEERCID_H */
