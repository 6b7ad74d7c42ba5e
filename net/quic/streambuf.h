/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte-stream buffers for QUIC STREAM and CRYPTO data (RFC 9000 sections 2-4).
 *
 * A receive buffer reassembles frames that arrive out of order, overlapping
 * or duplicated into the byte stream the application reads, and enforces the
 * flow-control limit and the final-size rules. A send buffer keeps written
 * bytes until the peer acknowledges them, hands out ranges to (re)transmit
 * and honours the peer's flow-control limit.
 *
 * Data lives in chunks allocated here (header and bytes in one allocation).
 * Every allocation is charged to ->mem, header included, so the caller can
 * bound what a peer makes it hold. Nothing here locks: callers own the
 * socket (socket lock held, or softirq with the socket owned).
 *
 * Receiving a STREAM frame, with connection-level credit in a quic_fc:
 *
 *	delta = quic_recvbuf_fc_delta(rb, off, len);
 *	if (!quic_fc_recv_check(fc, delta))
 *		close with FLOW_CONTROL_ERROR;
 *	ret = quic_recvbuf_insert(rb, off, data, len, fin, &err);
 *	if (!ret)
 *		quic_fc_add(fc, delta);
 *
 * Sending: quic_sendbuf_next(), quic_sendbuf_copy() into the packet,
 * quic_sendbuf_mark_sent(); later quic_sendbuf_on_acked() or
 * quic_sendbuf_on_lost() with the same range.
 */
#ifndef _NET_QUIC_STREAMBUF_H
#define _NET_QUIC_STREAMBUF_H

#include "codec_compat.h"

/* Largest value a variable-length integer carries (RFC 9000 16). */
#define QUIC_SB_MAX_OFFSET	((1ULL << 62) - 1)

/* Transport error codes reported through *err (RFC 9000 20.1). */
enum quic_sb_err {
	QUIC_SB_ERR_NONE			= 0x00,
	QUIC_SB_ERR_FLOW_CONTROL		= 0x03,
	QUIC_SB_ERR_FINAL_SIZE			= 0x06,
	QUIC_SB_ERR_FRAME_ENCODING		= 0x07,
	QUIC_SB_ERR_CRYPTO_BUFFER_EXCEEDED	= 0x0d,
};

/*
 * Ranges the send side remembers as acknowledged above the contiguous
 * prefix, and as lost. Each set is a small vector: QUIC_SB_RANGES_INLINE
 * entries inside the buffer, moved to one heap array of QUIC_SB_RANGES
 * entries only while more are needed, and back once few are left.
 *
 * Every stream and every packet-number space embeds a send buffer, and an
 * idle connection (the target is at most 8 KiB of memory each) almost never
 * has more than one or two holes per set: two fixed arrays of
 * QUIC_SB_RANGES entries made a buffer 584 bytes on 64-bit, 512 of them
 * mostly unused; inline entries bring it to 152.
 *
 * When a set is full (QUIC_SB_RANGES entries, or the heap array could not
 * be allocated) the buffer falls back to retransmitting more than needed,
 * never less.
 */
#define QUIC_SB_RANGES		16
#define QUIC_SB_RANGES_INLINE	2

struct quic_sb_chunk;

struct quic_sb_range {
	u64 start;
	u64 end;
};

/**
 * struct quic_sb_rangevec - entries of one range set of a send buffer
 * @heap: array of QUIC_SB_RANGES entries while the set needs more than
 *	QUIC_SB_RANGES_INLINE of them, else NULL; not charged to ->mem, as
 *	it is small and bounded (QUIC_SB_RANGES entries per set)
 * @inl: the entries while @heap is NULL
 *
 * No pointer into the buffer itself, so a buffer may be copied before it
 * is initialised. The number of entries in use is kept by the buffer.
 */
struct quic_sb_rangevec {
	struct quic_sb_range *heap;
	struct quic_sb_range inl[QUIC_SB_RANGES_INLINE];
};

/**
 * struct quic_sb_pool - full-size send chunks kept for reuse
 * @free: the chunks, linked through their next pointer
 * @count: how many
 *
 * A bulk sender frees a chunk for every four KiB each ACK covers and
 * allocates as many again with its next write; the slab round trip,
 * often across CPUs (ACKs may be processed on either), cost a bulk
 * sender about 4% of its time. A bulk receiver likewise frees what the
 * application read and allocates for what arrives next. Buffers sharing
 * a pool (the send or the receive buffers of one connection's streams)
 * put full-size chunks back into it, up to QUIC_SB_POOL_MAX, and take
 * them from it. Pooled chunks are charged to no buffer's ->mem: the
 * owner bounds them with that maximum and empties the pool with
 * quic_sb_pool_drain() when the connection goes idle.
 */
struct quic_sb_pool {
	struct quic_sb_chunk *free;
	u32 count;
};

/* Sixteen 4 KiB chunks: what one 64 KiB write takes. */
#define QUIC_SB_POOL_MAX	16

/**
 * struct quic_recvbuf - reassembly buffer of one receive stream
 * @head: buffered chunks, sorted by offset, disjoint, all ending past
 *	@read_off
 * @tail: last chunk of @head, for in-order appends
 * @read_off: next offset the application reads
 * @highest: one past the highest offset received (counts towards
 *	connection-level flow control)
 * @max_offset: flow-control limit advertised to the peer; the caller may
 *	raise it directly (CRYPTO buffers) or through
 *	quic_recvbuf_window_update()
 * @final_size: final size of the stream, valid once @fin_known
 * @mem: bytes allocated for buffered data, chunk headers included
 * @pool: where chunks read to their end go, and where in-order data takes
 *	full-size chunks from first; NULL: data is held in chunks of its own
 *	size. Set by the owner after quic_recvbuf_init().
 * @limit_err: error reported for data beyond @max_offset
 * @fin_known: the final size is known (FIN or RESET_STREAM received)
 * @reset: RESET_STREAM received: buffered data dropped, new data ignored
 */
struct quic_recvbuf {
	struct quic_sb_chunk *head;
	struct quic_sb_chunk *tail;
	struct quic_sb_pool *pool;
	u64 read_off;
	u64 highest;
	u64 max_offset;
	u64 final_size;
	u64 mem;
	u32 limit_err;
	u8 fin_known:1;
	u8 reset:1;
};

/**
 * struct quic_sendbuf - retransmission buffer of one send stream
 * @head: chunks holding bytes from @acked_offset (rounded down to a chunk
 *	start) to @write_offset, in offset order
 * @tail: last chunk, the one appended to
 * @hint: chunk the last quic_sendbuf_copy() ended in, to skip the walk
 * @spare: chunk handed out by quic_sendbuf_reserve(), linked on commit
 * @pool: where freed full-size chunks go and new ones come from first, or
 *	NULL; set by the owner after quic_sendbuf_init()
 * @write_offset: end of the data the application wrote
 * @sent_offset: end of the data sent at least once; new data starts here
 * @acked_offset: every byte below it is acknowledged
 * @mem: bytes allocated, chunk headers included
 * @acked: acknowledged ranges above @acked_offset, sorted, disjoint;
 *	a heap array it holds is released by quic_sendbuf_free()
 * @lost: ranges to retransmit, sorted, disjoint; likewise
 * @nacked: entries used in @acked
 * @nlost: entries used in @lost
 * @fin: the application closed the stream; final size is @write_offset
 * @fin_pending: the FIN still has to be (re)sent
 * @fin_sent: the FIN was sent at least once
 * @fin_acked: the FIN was acknowledged
 */
struct quic_sendbuf {
	struct quic_sb_chunk *head;
	struct quic_sb_chunk *tail;
	struct quic_sb_chunk *hint;
	struct quic_sb_chunk *spare;
	struct quic_sb_pool *pool;
	u64 write_offset;
	u64 sent_offset;
	u64 acked_offset;
	u64 mem;
	struct quic_sb_rangevec acked;
	struct quic_sb_rangevec lost;
	u8 nacked;
	u8 nlost;
	u8 fin:1;
	u8 fin_pending:1;
	u8 fin_sent:1;
	u8 fin_acked:1;
};

/**
 * struct quic_fc - connection-level flow control in one direction
 * @max: limit on @used: advertised to the peer (receive) or granted by
 *	the peer (send)
 * @used: sum over streams of the highest offset received or sent
 * @consumed: bytes the application read (receive side only)
 */
struct quic_fc {
	u64 max;
	u64 used;
	u64 consumed;
};

void quic_recvbuf_init(struct quic_recvbuf *rb, u64 max_offset, u32 limit_err);
void quic_recvbuf_free(struct quic_recvbuf *rb);
int quic_recvbuf_insert(struct quic_recvbuf *rb, u64 offset, const u8 *data,
			u32 len, bool fin, u32 *err);
int quic_recvbuf_reset(struct quic_recvbuf *rb, u64 final_size, u32 *err);
u64 quic_recvbuf_fc_delta(const struct quic_recvbuf *rb, u64 offset, u32 len);
const u8 *quic_recvbuf_peek(struct quic_recvbuf *rb, u32 *len);
const u8 *quic_recvbuf_peek_at(const struct quic_recvbuf *rb, u64 offset,
			       u32 *len);
void quic_recvbuf_consume(struct quic_recvbuf *rb, u32 len);
u32 quic_recvbuf_read(struct quic_recvbuf *rb, u8 *dst, u32 len);
u64 quic_recvbuf_readable(const struct quic_recvbuf *rb);
bool quic_recvbuf_may_store(const struct quic_recvbuf *rb, u64 offset,
			    u64 held, u64 limit);
bool quic_recvbuf_fin_reached(const struct quic_recvbuf *rb);
bool quic_recvbuf_window_update(struct quic_recvbuf *rb, u64 window,
				u64 *new_max);

void quic_sb_pool_drain(struct quic_sb_pool *pool);

void quic_sendbuf_init(struct quic_sendbuf *sb);
void quic_sendbuf_free(struct quic_sendbuf *sb);
u8 *quic_sendbuf_reserve(struct quic_sendbuf *sb, u32 *len);
void quic_sendbuf_commit(struct quic_sendbuf *sb, u32 len, bool fin);
int quic_sendbuf_append(struct quic_sendbuf *sb, const u8 *data, u32 len,
			bool fin);
/*
 * quic_sendbuf_idle() - nothing for quic_sendbuf_next() to offer: no lost
 * range, no unsent byte, no FIN to send. Asked before it by the send path
 * for every packet, of buffers that are nearly always idle (CRYPTO data
 * after the handshake).
 */
static inline bool quic_sendbuf_idle(const struct quic_sendbuf *sb)
{
	return !sb->nlost && sb->sent_offset == sb->write_offset &&
	       !(sb->fin && sb->fin_pending);
}

bool quic_sendbuf_next(struct quic_sendbuf *sb, u64 peer_max_offset,
		       u32 max_len, u64 *offset, u32 *len, bool *fin);
void quic_sendbuf_mark_sent(struct quic_sendbuf *sb, u64 offset, u32 len,
			    bool fin);
int quic_sendbuf_copy(struct quic_sendbuf *sb, u64 offset, u8 *dst, u32 len);
void quic_sendbuf_on_acked(struct quic_sendbuf *sb, u64 offset, u64 len,
			   bool fin);
void quic_sendbuf_on_lost(struct quic_sendbuf *sb, u64 offset, u32 len,
			  bool fin);
bool quic_sendbuf_all_acked(const struct quic_sendbuf *sb);
bool quic_sendbuf_blocked_at(const struct quic_sendbuf *sb, u64 peer_max);

void quic_fc_init(struct quic_fc *fc, u64 max);
bool quic_fc_recv_check(const struct quic_fc *fc, u64 delta);
void quic_fc_add(struct quic_fc *fc, u64 delta);
u64 quic_fc_avail(const struct quic_fc *fc);
bool quic_fc_update_max(struct quic_fc *fc, u64 max);
void quic_fc_consumed(struct quic_fc *fc, u64 n);
bool quic_fc_window_update(struct quic_fc *fc, u64 window, u64 *new_max);
bool quic_fc_autotune(u64 *window, u64 cap, u64 *last_us, u64 now_us,
		      u64 srtt_us);

#endif /* _NET_QUIC_STREAMBUF_H */
