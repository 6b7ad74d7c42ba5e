/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC streams (RFC 9000 2-4): the per-connection table, stream ID rules
 * and stream limits. Data itself lives in each stream's send and receive
 * buffers (streambuf.c).
 */
#ifndef _NET_QUIC_STREAM_H
#define _NET_QUIC_STREAM_H

#include <linux/list.h>
#include <linux/quic.h>

#include "ackrange.h"
#include "streambuf.h"

struct quic_peeloff;

struct quic_stream {
	struct hlist_node	node;		/* table hash by id */
	struct list_head	send_node;	/* table send_list */
	struct list_head	read_node;	/* table readable */
	struct list_head	ctrl_node;	/* table ctrl_list */
	s64			id;
	struct quic_peeloff	*peel;		/* its socket (peeloff.c) */
	struct quic_sendbuf	tx;
	struct quic_recvbuf	rx;
	u64			tx_max;		/* peer's MAX_STREAM_DATA */
	u64			rx_window;	/* credit we keep granting */
	u64			rx_update_us;	/* last MAX_STREAM_DATA raise */
	bool			can_send;	/* we may send on it */
	bool			can_recv;	/* the peer may send on it */
	bool			max_data_pending;	/* MAX_STREAM_DATA */
	bool			blocked_pending; /* STREAM_DATA_BLOCKED */
	bool			reset_pending;		/* RESET_STREAM */
	bool			stop_pending;		/* STOP_SENDING */
	bool			reset_sent;
	bool			recv_done;	/* FIN or reset read by user */
	bool			send_done;	/* all data acknowledged */
	bool			tx_more;	/* MSG_MORE: its tail waits */
	bool			peeled;		/* never the connection's */
	/* QUIC_EVENT_STREAM_UPDATE states told already (frames.c, conn.c) */
	bool			told_recv;
	bool			told_size_known;
	bool			told_recvd;
	bool			told_reset_recvd;
	u32			reset_code;
	u32			stop_code;
};

struct quic_stream_freed {
	struct quic_ackrange_set set[2][2];
};

struct quic_stream_table {
	/*
	 * Streams by ID: no buckets until the first stream, then a table
	 * that doubles while it holds more than two streams per bucket
	 * (quic_stream_hash_grow()), so that an idle connection carries
	 * none of it.
	 */
	struct hlist_head	*hash;
	u32			nr_streams;
	u8			hash_bits;
	struct list_head	send_list;	/* streams with data to send */
	struct list_head	readable;	/* streams with data to read */
	struct list_head	ctrl_list;	/* with control frames */
	u64	local_opened[2];	/* [uni] streams we opened */
	u64	peer_limit[2];		/* [uni] peer's MAX_STREAMS */
	u64	peer_opened[2];		/* [uni] streams the peer opened */
	u64	local_limit[2];		/* [uni] MAX_STREAMS we granted */
	u64	tx_window_bidi_local;	/* peer's initial_max_stream_data_* */
	u64	tx_window_bidi_remote;
	u64	tx_window_uni;
	u64	rx_window_bidi_local;	/* ours */
	u64	rx_window_bidi_remote;
	u64	rx_window_uni;
	/*
	 * Indexes of finished, freed streams by [uni][peer], allocated when
	 * the first stream is freed (NULL: none yet). Opening a stream opens
	 * every lower one of its type (RFC 9000 2.1) without creating
	 * objects; this tells "freed" from "opened but not used yet". Very
	 * old entries may be forgotten: they then count as freed.
	 */
	struct quic_stream_freed *freed;
	s64	last_active;		/* target of write() without a cmsg */
	/* Send buffer bytes; read locklessly by writers waiting for room. */
	u64	tx_mem;
	/* Receive buffer bytes of all streams (see quic_rx_mem_limit()). */
	u64	rx_mem;
	/* Full-size chunks the streams reuse; emptied when idle. */
	struct quic_sb_pool	tx_pool;
	struct quic_sb_pool	rx_pool;
	bool	is_server;
	/*
	 * Nagle's algorithm and MSG_MORE (output.c): a stream's short tail
	 * waited in the last flush; close() sends it all the same; the last
	 * packet that left with a short tail is unacknowledged, and the low
	 * 32 bits of its number (as recovery's round_pn). In the padding
	 * here: a larger struct quic_sock costs IPv6 sockets a slab slot.
	 */
	bool	tx_held;
	bool	tx_push;
	bool	nagle_out;
	u32	nagle_pn;
};

static inline bool quic_stream_id_uni(s64 id)
{
	return id & QUIC_STREAM_TYPE_UNI_MASK;
}

static inline bool quic_stream_id_local(const struct quic_stream_table *t,
					s64 id)
{
	return !!(id & QUIC_STREAM_TYPE_SERVER_MASK) == t->is_server;
}

int quic_stream_init(void);
void quic_stream_exit(void);
void quic_stream_table_init(struct quic_stream_table *t, bool is_server);
void quic_stream_table_free(struct quic_stream_table *t);
struct quic_stream *quic_stream_find(struct quic_stream_table *t, s64 id);
void quic_stream_wake_senders(struct quic_stream_table *t);
int quic_stream_open_local(struct quic_stream_table *t, s64 id,
			   struct quic_stream **sp);
int quic_stream_get_peer(struct quic_stream_table *t, s64 id, bool sending,
			 struct quic_stream **sp, u32 *err);
s64 quic_stream_next_local_id(const struct quic_stream_table *t, bool uni);
void quic_stream_maybe_free(struct quic_stream_table *t,
			    struct quic_stream *s);
/* Charge a change of @s's send buffer memory since it was @before. */
static inline void quic_stream_tx_account(struct quic_stream_table *t,
					  const struct quic_stream *s,
					  u64 before)
{
	WRITE_ONCE(t->tx_mem, t->tx_mem + s->tx.mem - before);
}

/* Charge a change of @s's receive buffer memory since it was @before. */
static inline void quic_stream_rx_account(struct quic_stream_table *t,
					  const struct quic_stream *s,
					  u64 before)
{
	t->rx_mem += s->rx.mem - before;
}

#endif /* _NET_QUIC_STREAM_H */
