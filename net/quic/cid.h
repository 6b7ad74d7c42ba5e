/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection IDs. Every source connection ID a socket issues is in one
 * global table so the receive path can find the socket a packet belongs to
 * from its destination connection ID alone (RFC 9000 5.2), whatever UDP
 * socket or address it arrived on.
 */
#ifndef _NET_QUIC_CID_H
#define _NET_QUIC_CID_H

#include <linux/rhashtable-types.h>
#include <linux/list.h>
#include <net/sock.h>

#include "header.h"

#define QUIC_CID_LEN_DEFAULT	8

struct quic_cid {
	u8	len;
	u8	data[QUIC_CID_MAX_LEN];
};

/* One connection ID of ours, findable from the wire. */
struct quic_cid_entry {
	struct rhash_head	node;	/* quic_cid_table, keyed by cid */
	struct list_head	list;	/* owner's list */
	struct quic_cid		cid;
	bool			announce; /* NEW_CONNECTION_ID to send */
	u32			retire_prior_to; /* what that frame says */
	u64			seq;
	struct sock		*sk;	/* no reference: removed before free */
	struct rcu_head		rcu;
};

/* A destination connection ID the peer gave us. */
struct quic_dcid {
	struct quic_cid	cid;
	u64		seq;
};

int quic_cid_init(void);
void quic_cid_exit(void);
void quic_cid_generate(struct quic_cid *cid, u8 len);
struct quic_cid_entry *quic_cid_add(struct list_head *list,
				    struct sock *sk, const struct quic_cid *cid,
				    u64 seq, gfp_t gfp);
struct quic_cid_entry *quic_cid_issue(struct list_head *list,
				      struct sock *sk, u64 seq, gfp_t gfp);
void quic_cid_remove(struct quic_cid_entry *e);
void quic_cid_remove_all(struct list_head *list);
struct sock *quic_cid_lookup(struct net *net, const u8 *data, u8 len);
bool quic_cid_equal(const struct quic_cid *a, const struct quic_cid *b);

#endif /* _NET_QUIC_CID_H */
