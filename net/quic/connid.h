/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection ID management of a connection (RFC 9000 5.1): the IDs we
 * issue the peer and the ones it issues us. See connid.c.
 *
 * Context: socket lock held.
 */
#ifndef _NET_QUIC_CONNID_H
#define _NET_QUIC_CONNID_H

#include "conn.h"
#include "frame.h"
#include "tparam.h"

/* Source connection IDs a connection keeps active for its peer. */
#define QUIC_CONNID_ISSUED	2

void quic_connid_issue(struct sock *sk);
void quic_connid_new_path(struct sock *sk);
bool quic_connid_spare_above(struct sock *sk);
u32 quic_connid_rx_new(struct sock *sk, const struct quic_frame_new_cid *f);
int quic_connid_preferred(struct sock *sk, struct quic_tparam_cid *cid,
			  u8 *token);
u32 quic_connid_rx_preferred(struct sock *sk,
			     const struct quic_tparam_pref_addr *a);
u32 quic_connid_rx_retire(struct sock *sk, u64 seq, const u8 *dcid,
			  u8 dcid_len);
bool quic_connid_write_one(struct sock *sk, struct quic_frame *f, u8 *kind,
			   u64 *seq);
void quic_connid_written(struct sock *sk, u8 kind, u64 seq);
void quic_connid_acked(struct sock *sk, u8 kind, u64 seq);
void quic_connid_lost(struct sock *sk, u8 kind, u64 seq);
void quic_connid_free(struct sock *sk);
int quic_connid_get(struct sock *sk, struct quic_connection_id_info *info);
int quic_connid_set(struct sock *sk,
		    const struct quic_connection_id_info *info);

#endif /* _NET_QUIC_CONNID_H */
