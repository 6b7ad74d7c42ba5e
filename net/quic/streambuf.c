// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC stream byte buffers: receive-side reassembly, send-side retransmission
 * queue and flow-control credit (RFC 9000 sections 2.2 and 4).
 */
#include "streambuf.h"

#ifdef __KERNEL__
#include <linux/slab.h>
#endif

/*
 * Callers run in softirq or with the socket lock held, hence GFP_ATOMIC;
 * they bound the total through ->mem. Unit tests define their own pair
 * before including this file to inject allocation failures.
 */
#ifndef quic_sb_alloc
#ifdef __KERNEL__
#define quic_sb_alloc(n)	kmalloc(n, GFP_ATOMIC)
#define quic_sb_free(p)		kfree(p)
#else
#define quic_sb_alloc(n)	malloc(n)
#define quic_sb_free(p)		free(p)
#endif
#endif

/*
 * What an allocation of n bytes really takes. Charging the slab size keeps
 * ->mem honest, and the slack becomes room later data can be copied into.
 */
#ifndef quic_sb_alloc_size
#ifdef __KERNEL__
#define quic_sb_alloc_size(n)	kmalloc_size_roundup(n)
#else
#define quic_sb_alloc_size(n)	quic_sb_user_roundup(n)

/* Mimic the power-of-two kmalloc caches so tests exercise the slack. */
static size_t quic_sb_user_roundup(size_t n)
{
	size_t r = 32;

	while (r < n)
		r <<= 1;
	return r;
}
#endif
#endif

/**
 * struct quic_sb_chunk - a run of stream bytes, header and data together
 * @next: next chunk in offset order
 * @offset: stream offset of @data[0]
 * @len: bytes of @data in use
 * @cap: bytes @data can hold
 * @size: bytes allocated, as charged to ->mem
 * @data: the bytes
 */
struct quic_sb_chunk {
	struct quic_sb_chunk *next;
	u64 offset;
	u32 len;
	u32 cap;
	u32 size;
	u8 data[];
};

/* One page per allocation at most: order-0 atomic allocations rarely fail. */
#define QUIC_SB_CHUNK_ALLOC	4096
#define QUIC_SB_CHUNK_DATA	\
	(QUIC_SB_CHUNK_ALLOC - sizeof(struct quic_sb_chunk))
/* Small writes get some room so the next ones need no allocation. */
#define QUIC_SB_SEND_MIN	(256 - sizeof(struct quic_sb_chunk))

static u64 quic_sb_end(const struct quic_sb_chunk *c)
{
	return c->offset + c->len;
}

static int quic_sb_error(u32 *err, u32 code)
{
	*err = code;
	return -EPROTO;
}

/*
 * A chunk for at least @want bytes (at most QUIC_SB_CHUNK_DATA): a
 * full-size one from @pool (may be NULL) if it has one, as it costs
 * nothing and its room serves the writes that follow; else allocated.
 */
static struct quic_sb_chunk *quic_sb_chunk_new(struct quic_sb_pool *pool,
					       u32 want)
{
	size_t size = quic_sb_alloc_size(sizeof(struct quic_sb_chunk) + want);
	struct quic_sb_chunk *c;

	if (pool && pool->free) {
		c = pool->free;
		pool->free = c->next;
		pool->count--;
		size = c->size;
	} else {
		c = quic_sb_alloc(size);
		if (!c)
			return NULL;
	}
	c->next = NULL;
	c->offset = 0;
	c->len = 0;
	c->size = size;
	c->cap = size - sizeof(*c);
	return c;
}

/* Free @c, or keep it in @pool (may be NULL) if it is full-size. */
static void quic_sb_chunk_put(struct quic_sb_pool *pool,
			      struct quic_sb_chunk *c)
{
	if (pool && c->size == QUIC_SB_CHUNK_ALLOC &&
	    pool->count < QUIC_SB_POOL_MAX) {
		c->next = pool->free;
		pool->free = c;
		pool->count++;
		return;
	}
	quic_sb_free(c);
}

static void quic_sb_chain_free(struct quic_sb_pool *pool,
			       struct quic_sb_chunk *c)
{
	struct quic_sb_chunk *next;

	for (; c; c = next) {
		next = c->next;
		quic_sb_chunk_put(pool, c);
	}
}

/**
 * quic_sb_pool_drain() - free the chunks a pool keeps
 * @pool: pool; empty afterwards, and may be used again
 *
 * Context: caller owns the socket of the buffers using @pool.
 */
void quic_sb_pool_drain(struct quic_sb_pool *pool)
{
	struct quic_sb_chunk *c = pool->free;

	pool->free = NULL;
	pool->count = 0;
	quic_sb_chain_free(NULL, c);
}
EXPORT_SYMBOL_GPL(quic_sb_pool_drain);

/*
 * Allocate, unlinked from any buffer, the chunks that will hold @bytes.
 * Done before anything is changed so that a failure leaves no trace.
 */
static int quic_sb_chain_alloc(struct quic_sb_pool *pool, u64 bytes,
			       u32 min_want, struct quic_sb_chunk **first,
			       struct quic_sb_chunk **last)
{
	struct quic_sb_chunk *head = NULL, *c = NULL;
	struct quic_sb_chunk **link = &head;
	u32 want;

	while (bytes) {
		want = min_t(u64, bytes, QUIC_SB_CHUNK_DATA);
		want = max(want, min_want);
		c = quic_sb_chunk_new(pool, want);
		if (!c) {
			quic_sb_chain_free(pool, head);
			return -ENOMEM;
		}
		*link = c;
		link = &c->next;
		bytes -= min_t(u64, bytes, c->cap);
	}
	*first = head;
	*last = c;
	return 0;
}

/* Copy @bytes at stream offset @offset into a quic_sb_chain_alloc() chain. */
static void quic_sb_chain_fill(struct quic_sb_chunk *c, u64 offset,
			       const u8 *data, u64 bytes, u64 *mem)
{
	u32 n;

	for (; c; c = c->next) {
		n = min_t(u64, bytes, c->cap);
		c->offset = offset;
		c->len = n;
		memcpy(c->data, data, n);
		*mem += c->size;
		offset += n;
		data += n;
		bytes -= n;
	}
}

/*
 * Grow the credit once the reader has used up half of it: sending an update
 * per read would waste packets, sending none would stall the peer.
 */
static bool quic_sb_window(u64 consumed, u64 *max, u64 window, u64 *new_max)
{
	u64 target = QUIC_SB_MAX_OFFSET;

	if (consumed < QUIC_SB_MAX_OFFSET &&
	    window < QUIC_SB_MAX_OFFSET - consumed)
		target = consumed + window;
	if (target <= *max || target - *max < window / 2)
		return false;
	*max = target;
	*new_max = target;
	return true;
}

/**
 * quic_recvbuf_init() - prepare an empty receive buffer
 * @rb: buffer
 * @max_offset: initial flow-control limit advertised to the peer
 * @limit_err: error for data beyond @max_offset: QUIC_SB_ERR_FLOW_CONTROL
 *	for a stream, QUIC_SB_ERR_CRYPTO_BUFFER_EXCEEDED for CRYPTO data
 *
 * Context: any; the buffer is not shared yet.
 */
void quic_recvbuf_init(struct quic_recvbuf *rb, u64 max_offset, u32 limit_err)
{
	memset(rb, 0, sizeof(*rb));
	rb->max_offset = max_offset;
	rb->limit_err = limit_err;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_init);

/**
 * quic_recvbuf_free() - release every buffered chunk
 * @rb: buffer
 *
 * Offsets and final-size state are kept, so the buffer still checks frames
 * that arrive later; ->mem drops to zero.
 *
 * Context: caller owns the socket.
 */
void quic_recvbuf_free(struct quic_recvbuf *rb)
{
	quic_sb_chain_free(rb->pool, rb->head);
	rb->head = NULL;
	rb->tail = NULL;
	rb->mem = 0;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_free);

/* Final size (RFC 9000 4.5) and flow control (4.1) of data ending at @end. */
static int quic_recvbuf_check(const struct quic_recvbuf *rb, u64 end,
			      bool fin, u32 *err)
{
	if (rb->fin_known) {
		if (end > rb->final_size || (fin && end != rb->final_size))
			return quic_sb_error(err, QUIC_SB_ERR_FINAL_SIZE);
	} else if (fin && end < rb->highest) {
		return quic_sb_error(err, QUIC_SB_ERR_FINAL_SIZE);
	}
	if (end > rb->max_offset)
		return quic_sb_error(err, rb->limit_err);
	return 0;
}

/*
 * Find where [*start, end) goes: returns the link to the first chunk after
 * the data kept in place, with *left the chunk before it (or NULL). A chunk
 * already holding *start keeps its copy, so *start moves past it.
 */
static struct quic_sb_chunk **quic_recvbuf_find(struct quic_recvbuf *rb,
						u64 *start,
						struct quic_sb_chunk **left)
{
	struct quic_sb_chunk **link = &rb->head, *c;

	*left = NULL;
	/* In-order and after-a-gap arrivals append: skip the walk. */
	if (rb->tail && quic_sb_end(rb->tail) <= *start) {
		*left = rb->tail;
		return &rb->tail->next;
	}
	while ((c = *link) && quic_sb_end(c) <= *start) {
		*left = c;
		link = &c->next;
	}
	if (c && c->offset <= *start) {
		*start = quic_sb_end(c);
		*left = c;
		link = &c->next;
	}
	return link;
}

/*
 * Pool for the chunks of [start, end) going between @left and @right:
 * only data that continues the last chunk (or the read offset), as a
 * bulk transfer's does, gets full-size chunks, whose room the next frames
 * fill. Data after a gap, or before data held, gets chunks of its own
 * size. A peer can still have a full chunk held for a few bytes that
 * continue data it sent after a gap; every chunk is charged to ->mem,
 * which the caller bounds (quic_recvbuf_may_store()), so that only
 * spends the peer's own budget.
 */
static struct quic_sb_pool *quic_recvbuf_pool(const struct quic_recvbuf *rb,
					      const struct quic_sb_chunk *left,
					      const struct quic_sb_chunk *right,
					      u64 start)
{
	if (right)
		return NULL;
	if (left ? quic_sb_end(left) != start : start != rb->read_off)
		return NULL;
	return rb->pool;
}

/*
 * Store [start, end) of a frame that began at @offset. Chunks lying wholly
 * inside the range are replaced by the new copy (RFC 9000 2.2 lets the
 * receiver keep either), so every byte is held once and small fragments
 * coalesce. Everything is allocated before the list is touched.
 */
static int quic_recvbuf_place(struct quic_recvbuf *rb, u64 offset,
			      const u8 *data, u64 start, u64 end)
{
	struct quic_sb_chunk **link, *left, *right, *c;
	struct quic_sb_chunk *first = NULL, *last = NULL;
	struct quic_sb_pool *pool;
	u64 fill = 0;

	link = quic_recvbuf_find(rb, &start, &left);
	right = *link;
	while (right && quic_sb_end(right) <= end)
		right = right->next;
	if (right && right->offset < end)
		end = right->offset;
	if (start >= end)
		return 0;

	/* Fill the slack of the chunk just before, if it is adjacent. */
	if (left && quic_sb_end(left) == start)
		fill = min_t(u64, left->cap - left->len, end - start);
	pool = quic_recvbuf_pool(rb, left, right, start);
	if (quic_sb_chain_alloc(pool, end - start - fill,
				pool ? QUIC_SB_CHUNK_DATA : 0, &first, &last))
		return -ENOMEM;

	if (fill) {
		memcpy(left->data + left->len, data + (start - offset), fill);
		left->len += fill;
		start += fill;
	}
	while ((c = *link) != right) {
		*link = c->next;
		rb->mem -= c->size;
		quic_sb_chunk_put(rb->pool, c);
	}
	if (first) {
		quic_sb_chain_fill(first, start, data + (start - offset),
				   end - start, &rb->mem);
		last->next = right;
		*link = first;
	}
	if (!right)
		rb->tail = last ? last : left;
	return 0;
}

/**
 * quic_recvbuf_insert() - add the data of a STREAM or CRYPTO frame
 * @rb: buffer
 * @offset: stream offset of the first byte
 * @data: the bytes (may be NULL when @len is 0)
 * @len: number of bytes
 * @fin: the frame carries FIN: @offset + @len is the final size
 * @err: transport error code when -EPROTO is returned
 *
 * Data may arrive in any order and overlap what was received or read
 * before; only bytes not yet held are stored. After RESET_STREAM the frame
 * is still checked but its data is dropped.
 *
 * Connection-level flow control is the caller's: check
 * quic_recvbuf_fc_delta() against it before, and charge it on success.
 *
 * Context: caller owns the socket; no internal locking.
 * Return: 0; -EPROTO with *@err set (FRAME_ENCODING past 2^62 - 1,
 * FINAL_SIZE, or the buffer's limit error); -ENOMEM, in which case nothing
 * changed and the packet may be dropped unacknowledged.
 */
int quic_recvbuf_insert(struct quic_recvbuf *rb, u64 offset, const u8 *data,
			u32 len, bool fin, u32 *err)
{
	u64 end, start;
	int ret;

	*err = QUIC_SB_ERR_NONE;
	if (offset > QUIC_SB_MAX_OFFSET || len > QUIC_SB_MAX_OFFSET - offset)
		return quic_sb_error(err, QUIC_SB_ERR_FRAME_ENCODING);
	end = offset + len;
	ret = quic_recvbuf_check(rb, end, fin, err);
	if (ret)
		return ret;

	start = max(offset, rb->read_off);
	if (!rb->reset && start < end) {
		ret = quic_recvbuf_place(rb, offset, data, start, end);
		if (ret)
			return ret;
	}
	if (end > rb->highest)
		rb->highest = end;
	if (fin) {
		rb->final_size = end;
		rb->fin_known = 1;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_insert);

/**
 * quic_recvbuf_reset() - apply a RESET_STREAM frame
 * @rb: buffer
 * @final_size: the frame's Final Size field
 * @err: transport error code when -EPROTO is returned
 *
 * Buffered data is dropped: the application gets the reset instead. The
 * final size still counts towards flow control (RFC 9000 4.5), which is why
 * ->highest moves up to it; the caller charges quic_recvbuf_fc_delta()
 * taken with @final_size before the call.
 *
 * Context: caller owns the socket.
 * Return: 0, or -EPROTO with *@err set and nothing changed.
 */
int quic_recvbuf_reset(struct quic_recvbuf *rb, u64 final_size, u32 *err)
{
	int ret;

	*err = QUIC_SB_ERR_NONE;
	if (final_size > QUIC_SB_MAX_OFFSET)
		return quic_sb_error(err, QUIC_SB_ERR_FRAME_ENCODING);
	ret = quic_recvbuf_check(rb, final_size, true, err);
	if (ret)
		return ret;
	quic_recvbuf_free(rb);
	rb->final_size = final_size;
	rb->highest = final_size;
	rb->fin_known = 1;
	rb->reset = 1;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_reset);

/**
 * quic_recvbuf_fc_delta() - growth of ->highest a frame would cause
 * @rb: buffer
 * @offset: frame offset (or a RESET_STREAM final size, with @len 0)
 * @len: frame length
 *
 * Connection-level flow control counts, over all streams, the highest
 * offset received, so only this growth is charged to it.
 *
 * Context: caller owns the socket.
 * Return: bytes beyond ->highest; saturates for offsets that
 * quic_recvbuf_insert() would reject anyway.
 */
u64 quic_recvbuf_fc_delta(const struct quic_recvbuf *rb, u64 offset, u32 len)
{
	u64 end = offset > U64_MAX - len ? U64_MAX : offset + len;

	return end > rb->highest ? end - rb->highest : 0;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_fc_delta);

/**
 * quic_recvbuf_peek() - the next in-order bytes, without copying
 * @rb: buffer
 * @len: set to the number of bytes at the returned pointer
 *
 * The run ends at a chunk boundary; more may follow in the next chunk, so
 * loop over peek and quic_recvbuf_consume().
 *
 * Context: caller owns the socket; the pointer is valid until the buffer
 * is next changed.
 * Return: pointer to the byte at ->read_off, or NULL (*@len = 0) if that
 * byte has not arrived.
 */
const u8 *quic_recvbuf_peek(struct quic_recvbuf *rb, u32 *len)
{
	struct quic_sb_chunk *c = rb->head;
	u32 skip;

	if (!c || c->offset > rb->read_off) {
		*len = 0;
		return NULL;
	}
	/* Chunks always end past read_off, so skip < c->len. */
	skip = rb->read_off - c->offset;
	*len = c->len - skip;
	return c->data + skip;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_peek);

/**
 * quic_recvbuf_peek_at() - in-order bytes from an offset, left unread
 * @rb: buffer
 * @offset: stream offset, at or past ->read_off
 * @len: set to the number of bytes at the returned pointer
 *
 * For the kernel's own reading of a stream the application reads too
 * (early.c follows a server's first TLS message as it arrives). The run
 * ends at a chunk boundary: loop, moving @offset on.
 *
 * Context: caller owns the socket; the pointer is valid until the buffer
 * is next changed.
 * Return: pointer to the byte at @offset, or NULL (*@len = 0) if that
 * byte was read already, has not arrived, or follows a hole.
 */
const u8 *quic_recvbuf_peek_at(const struct quic_recvbuf *rb, u64 offset,
			       u32 *len)
{
	const struct quic_sb_chunk *c;
	u64 pos = rb->read_off;

	*len = 0;
	if (offset < pos)
		return NULL;
	for (c = rb->head; c && c->offset <= pos; c = c->next) {
		pos = quic_sb_end(c);
		if (offset < pos) {
			*len = pos - offset;
			return c->data + (offset - c->offset);
		}
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_peek_at);

/**
 * quic_recvbuf_consume() - mark in-order bytes as read
 * @rb: buffer
 * @len: bytes read; clamped to what is contiguous
 *
 * Chunks read to their end go to the pool, or are freed, and leave ->mem.
 *
 * Context: caller owns the socket.
 */
void quic_recvbuf_consume(struct quic_recvbuf *rb, u32 len)
{
	struct quic_sb_chunk *c;
	u64 avail;
	u32 n;

	while (len && (c = rb->head) && c->offset <= rb->read_off) {
		avail = quic_sb_end(c) - rb->read_off;
		n = min_t(u64, len, avail);
		rb->read_off += n;
		len -= n;
		if (n < avail)
			break;
		rb->head = c->next;
		rb->mem -= c->size;
		quic_sb_chunk_put(rb->pool, c);
	}
	if (!rb->head)
		rb->tail = NULL;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_consume);

/**
 * quic_recvbuf_read() - copy out in-order bytes
 * @rb: buffer
 * @dst: destination
 * @len: room at @dst
 *
 * Context: caller owns the socket.
 * Return: bytes copied and consumed.
 */
u32 quic_recvbuf_read(struct quic_recvbuf *rb, u8 *dst, u32 len)
{
	const u8 *p;
	u32 done = 0;
	u32 n;

	while (done < len) {
		p = quic_recvbuf_peek(rb, &n);
		if (!p)
			break;
		n = min(n, len - done);
		memcpy(dst + done, p, n);
		quic_recvbuf_consume(rb, n);
		done += n;
	}
	return done;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_read);

/**
 * quic_recvbuf_readable() - bytes the application could read now
 * @rb: buffer
 *
 * Context: caller owns the socket. Walks the chunks that are contiguous
 * with ->read_off.
 * Return: contiguous bytes from ->read_off.
 */
u64 quic_recvbuf_readable(const struct quic_recvbuf *rb)
{
	const struct quic_sb_chunk *c;
	u64 pos = rb->read_off;

	for (c = rb->head; c && c->offset <= pos; c = c->next)
		pos = quic_sb_end(c);
	return pos - rb->read_off;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_readable);

/**
 * quic_recvbuf_may_store() - whether a frame's data may be stored
 * @rb: buffer
 * @offset: stream offset of the frame's first byte
 * @held: memory the receive buffers of the whole connection hold
 * @limit: what they may hold
 *
 * In-order data costs about what it carries and never exceeds its window;
 * out-of-order fragments may cost far more (a 1-byte frame takes a 64-byte
 * allocation), so a peer scattering them over its windows could make a
 * connection hold tens of times its windows. Past @limit only data that
 * continues what the application can read is stored: reading frees it, so
 * a stream never stalls behind holes it could not fill. The caller drops
 * what is refused with its packet, unacknowledged, as if it were lost.
 *
 * Context: caller owns the socket.
 */
bool quic_recvbuf_may_store(const struct quic_recvbuf *rb, u64 offset,
			    u64 held, u64 limit)
{
	return held < limit ||
	       offset <= rb->read_off + quic_recvbuf_readable(rb);
}
EXPORT_SYMBOL_GPL(quic_recvbuf_may_store);

/**
 * quic_recvbuf_fin_reached() - whole stream read
 * @rb: buffer
 *
 * Context: caller owns the socket.
 * Return: true once the final size is known and every byte up to it was
 * read; false after a reset.
 */
bool quic_recvbuf_fin_reached(const struct quic_recvbuf *rb)
{
	return rb->fin_known && !rb->reset && rb->read_off == rb->final_size;
}
EXPORT_SYMBOL_GPL(quic_recvbuf_fin_reached);

/**
 * quic_recvbuf_window_update() - decide on a MAX_STREAM_DATA
 * @rb: buffer
 * @window: credit to keep ahead of the reader
 * @new_max: new limit to advertise, set when true is returned
 *
 * The limit moves to ->read_off + @window once that is at least half a
 * window beyond the current one. Once the final size is known the peer
 * needs no more credit (RFC 9000 3.2, "Size Known").
 *
 * Context: caller owns the socket.
 * Return: true if ->max_offset was raised and the frame should be sent.
 */
bool quic_recvbuf_window_update(struct quic_recvbuf *rb, u64 window,
				u64 *new_max)
{
	if (rb->fin_known)
		return false;
	return quic_sb_window(rb->read_off, &rb->max_offset, window, new_max);
}
EXPORT_SYMBOL_GPL(quic_recvbuf_window_update);

/*
 * Sorted disjoint range sets of the send side. Adding merges ranges that
 * overlap or touch; it fails only when a new entry is needed and the set
 * can hold no more, and the caller then picks what to give up.
 *
 * A set holds QUIC_SB_RANGES_INLINE entries in the buffer; one more moves
 * it to a heap array of QUIC_SB_RANGES entries (see streambuf.h for why).
 * The array goes only once at most half the inline entries are used, so
 * a set hovering around the inline size does not allocate and free on
 * every ACK or loss. If the allocation fails the set is full at the inline
 * size: the same safe fallbacks as at QUIC_SB_RANGES apply.
 *
 * Entry points that change a set call quic_sendbuf_shrink() last, when no
 * pointer into the entries is held any more.
 */
#if QUIC_SB_RANGES_INLINE < 2 || QUIC_SB_RANGES_INLINE >= QUIC_SB_RANGES
#error "a full set merges two entries: QUIC_SB_RANGES_INLINE must be >= 2"
#endif

static struct quic_sb_range *quic_sb_rv(struct quic_sb_rangevec *v)
{
	return v->heap ?: v->inl;
}

static const struct quic_sb_range *
quic_sb_rv_const(const struct quic_sb_rangevec *v)
{
	return v->heap ?: v->inl;
}

/*
 * Make room for entry @n + 1. The heap array is not charged to ->mem: it
 * is bounded (QUIC_SB_RANGES entries, two sets per buffer) and goes away
 * with the holes that needed it.
 */
static bool quic_sb_rv_room(struct quic_sb_rangevec *v, u8 n)
{
	struct quic_sb_range *heap;

	if (n < (v->heap ? QUIC_SB_RANGES : QUIC_SB_RANGES_INLINE))
		return true;
	if (v->heap)
		return false;
	heap = quic_sb_alloc(QUIC_SB_RANGES * sizeof(*heap));
	if (!heap)
		return false;
	memcpy(heap, v->inl, n * sizeof(*heap));
	v->heap = heap;
	return true;
}

static void quic_sb_rv_shrink(struct quic_sb_rangevec *v, u8 n)
{
	if (!v->heap || n > QUIC_SB_RANGES_INLINE / 2)
		return;
	memcpy(v->inl, v->heap, n * sizeof(*v->heap));
	quic_sb_free(v->heap);
	v->heap = NULL;
}

static void quic_sb_ranges_del(struct quic_sb_range *r, u8 *n, u8 i)
{
	memmove(&r[i], &r[i + 1], (*n - i - 1) * sizeof(*r));
	(*n)--;
}

static bool quic_sb_ranges_add(struct quic_sb_rangevec *v, u8 *n, u64 start,
			       u64 end)
{
	struct quic_sb_range *r = quic_sb_rv(v);
	u8 i = 0, j;

	while (i < *n && r[i].end < start)
		i++;
	j = i;
	while (j < *n && r[j].start <= end)
		j++;
	if (j > i) {
		r[i].start = min(start, r[i].start);
		r[i].end = max(end, r[j - 1].end);
		memmove(&r[i + 1], &r[j], (*n - j) * sizeof(*r));
		*n -= j - i - 1;
		return true;
	}
	if (!quic_sb_rv_room(v, *n))
		return false;
	r = quic_sb_rv(v);
	memmove(&r[i + 1], &r[i], (*n - i) * sizeof(*r));
	r[i].start = start;
	r[i].end = end;
	(*n)++;
	return true;
}

/*
 * Take [start, end) out of a set. Splitting a range needs a free entry;
 * without one the range is kept whole, which for the lost set only means
 * sending some bytes again.
 */
static void quic_sb_ranges_remove(struct quic_sb_rangevec *v, u8 *n,
				  u64 start, u64 end)
{
	struct quic_sb_range *r = quic_sb_rv(v);
	u8 i = 0;

	if (start >= end)
		return;
	while (i < *n) {
		if (r[i].end <= start || r[i].start >= end) {
			i++;
		} else if (r[i].start >= start && r[i].end <= end) {
			quic_sb_ranges_del(r, n, i);
		} else if (r[i].start < start && r[i].end > end) {
			if (quic_sb_rv_room(v, *n)) {
				r = quic_sb_rv(v);
				memmove(&r[i + 1], &r[i],
					(*n - i) * sizeof(*r));
				(*n)++;
				r[i].end = start;
				r[i + 1].start = end;
			}
			i += 2;
		} else {
			if (r[i].start < start)
				r[i].end = start;
			else
				r[i].start = end;
			i++;
		}
	}
}

/* Return to the inline entries a set that no longer needs its array. */
static void quic_sendbuf_shrink(struct quic_sendbuf *sb)
{
	if (!sb->acked.heap && !sb->lost.heap)
		return;		/* the usual case: no holes, no arrays */
	quic_sb_rv_shrink(&sb->acked, sb->nacked);
	quic_sb_rv_shrink(&sb->lost, sb->nlost);
}

/* A full lost set merges its two closest ranges: more is resent, not less. */
static void quic_sendbuf_add_lost(struct quic_sendbuf *sb, u64 start, u64 end)
{
	struct quic_sb_range *r;
	u64 gap, best = U64_MAX;
	u8 i, k = 0;

	if (quic_sb_ranges_add(&sb->lost, &sb->nlost, start, end))
		return;
	r = quic_sb_rv(&sb->lost);
	for (i = 0; i + 1 < sb->nlost; i++) {
		gap = r[i + 1].start - r[i].end;
		if (gap < best) {
			best = gap;
			k = i;
		}
	}
	r[k].end = r[k + 1].end;
	quic_sb_ranges_del(r, &sb->nlost, k + 1);
	quic_sb_ranges_add(&sb->lost, &sb->nlost, start, end);
}

/*
 * A full acked set forgets its shortest range and queues it as lost: it is
 * then sent and acknowledged again. Never claiming more than was acked is
 * what keeps data from being lost.
 */
static void quic_sendbuf_add_acked(struct quic_sendbuf *sb, u64 start,
				   u64 end)
{
	struct quic_sb_range *r;
	u64 len, best = end - start;
	u8 i, k = QUIC_SB_RANGES;

	if (quic_sb_ranges_add(&sb->acked, &sb->nacked, start, end))
		return;
	r = quic_sb_rv(&sb->acked);
	for (i = 0; i < sb->nacked; i++) {
		len = r[i].end - r[i].start;
		if (len < best) {
			best = len;
			k = i;
		}
	}
	if (k == QUIC_SB_RANGES) {
		quic_sendbuf_add_lost(sb, start, end);
		return;
	}
	quic_sendbuf_add_lost(sb, r[k].start, r[k].end);
	quic_sb_ranges_del(r, &sb->nacked, k);
	quic_sb_ranges_add(&sb->acked, &sb->nacked, start, end);
}

/**
 * quic_sendbuf_init() - prepare an empty send buffer
 * @sb: buffer, uninitialised or released by quic_sendbuf_free(); what an
 *	initialised buffer holds would leak
 *
 * Context: any; the buffer is not shared yet.
 */
void quic_sendbuf_init(struct quic_sendbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}
EXPORT_SYMBOL_GPL(quic_sendbuf_init);

/**
 * quic_sendbuf_free() - release every chunk and range array
 * @sb: buffer; its full-size chunks go to its pool, if it has one
 *
 * The acked and lost range sets are emptied too: with no bytes held there
 * is nothing left to resend. Offsets and FIN state are kept. It may be
 * called again, and must be if acks or losses were reported since (they
 * may have grown a range set).
 *
 * Context: caller owns the socket. ->mem drops to zero; the buffer must
 * not be used for sending afterwards.
 */
void quic_sendbuf_free(struct quic_sendbuf *sb)
{
	quic_sb_chain_free(sb->pool, sb->head);
	if (sb->spare)
		quic_sb_chunk_put(sb->pool, sb->spare);
	sb->head = NULL;
	sb->tail = NULL;
	sb->hint = NULL;
	sb->spare = NULL;
	sb->mem = 0;
	quic_sb_free(sb->acked.heap);
	quic_sb_free(sb->lost.heap);
	sb->acked.heap = NULL;
	sb->lost.heap = NULL;
	sb->nacked = 0;
	sb->nlost = 0;
}
EXPORT_SYMBOL_GPL(quic_sendbuf_free);

static void quic_sendbuf_link(struct quic_sendbuf *sb, struct quic_sb_chunk *c)
{
	if (sb->tail)
		sb->tail->next = c;
	else
		sb->head = c;
}

/**
 * quic_sendbuf_reserve() - room to copy new data into
 * @sb: buffer
 * @len: bytes wanted; set to the bytes available at the returned pointer,
 *	which may be fewer (one chunk at a time)
 *
 * Lets the caller copy from user memory straight into the buffer; the copy
 * is made part of the stream by quic_sendbuf_commit(), which must follow
 * (with 0 if the copy failed) before anything else touches @sb.
 *
 * Context: caller owns the socket.
 * Return: the room, or NULL when allocation fails, the stream is closed
 * or it reached 2^62 - 1 bytes.
 */
u8 *quic_sendbuf_reserve(struct quic_sendbuf *sb, u32 *len)
{
	struct quic_sb_chunk *c = sb->tail;
	u64 room = QUIC_SB_MAX_OFFSET - sb->write_offset;
	u32 want = min_t(u64, *len, room);

	if (sb->fin || !want)
		return NULL;
	/* A new chunk stays aside until commit, so none is ever empty. */
	if (!c || c->len == c->cap) {
		c = sb->spare;
		want = min_t(u32, want, QUIC_SB_CHUNK_DATA);
	}
	if (!c) {
		c = quic_sb_chunk_new(sb->pool,
				      max_t(u32, want, QUIC_SB_SEND_MIN));
		if (!c)
			return NULL;
		sb->spare = c;
		sb->mem += c->size;
	}
	*len = min(want, c->cap - c->len);
	return c->data + c->len;
}
EXPORT_SYMBOL_GPL(quic_sendbuf_reserve);

/**
 * quic_sendbuf_commit() - make reserved bytes part of the stream
 * @sb: buffer
 * @len: bytes written at the pointer from quic_sendbuf_reserve(); clamped
 *	to the room it offered
 * @fin: the application closes the stream after these bytes
 *
 * Context: caller owns the socket.
 */
void quic_sendbuf_commit(struct quic_sendbuf *sb, u32 len, bool fin)
{
	struct quic_sb_chunk *c = sb->spare ? sb->spare : sb->tail;

	if (c && !sb->fin) {
		len = min(len, c->cap - c->len);
		c->len += len;
		sb->write_offset += len;
	}
	if (sb->spare) {
		c = sb->spare;
		sb->spare = NULL;
		c->offset = sb->write_offset - c->len;
		if (c->len) {
			quic_sendbuf_link(sb, c);
			sb->tail = c;
		} else {
			sb->mem -= c->size;
			quic_sb_chunk_put(sb->pool, c);
		}
	}
	if (fin && !sb->fin) {
		sb->fin = 1;
		sb->fin_pending = 1;
	}
}
EXPORT_SYMBOL_GPL(quic_sendbuf_commit);

/**
 * quic_sendbuf_append() - copy new data into the buffer
 * @sb: buffer
 * @data: bytes (may be NULL when @len is 0)
 * @len: number of bytes
 * @fin: close the stream after them
 *
 * Context: caller owns the socket.
 * Return: 0; -EPIPE if the stream was already closed; -EFBIG past
 * 2^62 - 1 bytes; -ENOMEM, with nothing appended.
 */
int quic_sendbuf_append(struct quic_sendbuf *sb, const u8 *data, u32 len,
			bool fin)
{
	struct quic_sb_chunk *c = sb->tail, *first = NULL, *last = NULL;
	u32 fill = 0;

	if (sb->fin)
		return len || !fin ? -EPIPE : 0;
	if (len > QUIC_SB_MAX_OFFSET - sb->write_offset)
		return -EFBIG;
	if (c)
		fill = min(len, c->cap - c->len);
	if (quic_sb_chain_alloc(sb->pool, len - fill, QUIC_SB_SEND_MIN, &first,
				&last))
		return -ENOMEM;

	if (fill) {
		memcpy(c->data + c->len, data, fill);
		c->len += fill;
	}
	if (first) {
		quic_sb_chain_fill(first, sb->write_offset + fill, data + fill,
				   len - fill, &sb->mem);
		quic_sendbuf_link(sb, first);
		sb->tail = last;
	}
	sb->write_offset += len;
	quic_sendbuf_commit(sb, 0, fin);
	return 0;
}
EXPORT_SYMBOL_GPL(quic_sendbuf_append);

/* Whether a frame ending at @end should carry the FIN. */
static bool quic_sendbuf_fin_at(const struct quic_sendbuf *sb, u64 end)
{
	return sb->fin && sb->fin_pending && end == sb->write_offset;
}

/*
 * Move *start past acknowledged bytes and stop *end at the next
 * acknowledged range: lost ranges are not trimmed when acks arrive in
 * their middle, so they are trimmed here.
 */
static void quic_sendbuf_skip_acked(const struct quic_sendbuf *sb,
				    u64 *start, u64 *end)
{
	const struct quic_sb_range *a = quic_sb_rv_const(&sb->acked);
	u8 i;

	for (i = 0; i < sb->nacked; i++, a++) {
		if (a->end <= *start)
			continue;
		if (a->start <= *start) {
			*start = a->end;
			continue;
		}
		*end = min(*end, a->start);
		break;
	}
}

/*
 * Drop acknowledged bytes from the ends of a newly lost range. Acked ranges
 * inside it stay: the range must not be cut short, and
 * quic_sendbuf_skip_acked() steps over them when it is resent.
 */
static void quic_sendbuf_trim_acked(const struct quic_sendbuf *sb,
				    u64 *start, u64 *end)
{
	const struct quic_sb_range *a = quic_sb_rv_const(&sb->acked);
	u8 i;

	for (i = 0; i < sb->nacked; i++, a++) {
		if (a->start <= *start && *start < a->end)
			*start = a->end;
		if (a->start < *end && *end <= a->end)
			*end = a->start;
	}
}

static bool quic_sendbuf_next_lost(struct quic_sendbuf *sb, u32 max_len,
				   u64 *offset, u32 *len, bool *fin)
{
	struct quic_sb_range *r = quic_sb_rv(&sb->lost);
	u64 start, end;

	while (sb->nlost) {
		start = max(r->start, sb->acked_offset);
		end = r->end;
		quic_sendbuf_skip_acked(sb, &start, &end);
		if (start >= r->end) {
			quic_sb_ranges_del(r, &sb->nlost, 0);
			continue;
		}
		r->start = start;
		*len = min_t(u64, end - start, max_len);
		*offset = start;
		*fin = quic_sendbuf_fin_at(sb, start + *len);
		return *len != 0;
	}
	return false;
}

/**
 * quic_sendbuf_next() - next range to put in a STREAM or CRYPTO frame
 * @sb: buffer
 * @peer_max_offset: the peer's flow-control limit for this stream; to
 *	apply connection-level credit too, pass at most
 *	->sent_offset + that credit
 * @max_len: most bytes the packet has room for
 * @offset: set to the range's offset
 * @len: set to its length (0 for a FIN alone)
 * @fin: set when the frame must carry FIN
 *
 * Lost ranges come first, lowest offset first, skipping bytes acknowledged
 * since; they were within the limit when first sent. Then new data from
 * ->sent_offset up to @peer_max_offset. A range is thus either entirely
 * resent or entirely new (starting at ->sent_offset, the bytes to charge
 * to connection-level credit). Nothing is marked: call
 * quic_sendbuf_mark_sent() with what was really sent.
 *
 * Context: caller owns the socket.
 * Return: true if a frame should be sent.
 */
bool quic_sendbuf_next(struct quic_sendbuf *sb, u64 peer_max_offset,
		       u32 max_len, u64 *offset, u32 *len, bool *fin)
{
	u64 start = sb->sent_offset;
	u64 avail = sb->write_offset - start;
	u64 credit = 0;
	bool lost;

	lost = quic_sendbuf_next_lost(sb, max_len, offset, len, fin);
	/* It may have dropped lost ranges acknowledged since. */
	quic_sendbuf_shrink(sb);
	if (lost)
		return true;
	if (peer_max_offset > start)
		credit = peer_max_offset - start;
	*offset = start;
	*len = min_t(u64, min(avail, credit), max_len);
	/* Alone, the FIN needs no credit: it adds no byte. */
	*fin = quic_sendbuf_fin_at(sb, start + *len);
	return *len || *fin;
}
EXPORT_SYMBOL_GPL(quic_sendbuf_next);

/**
 * quic_sendbuf_mark_sent() - record that a range went out in a packet
 * @sb: buffer
 * @offset: range offset, as returned by quic_sendbuf_next()
 * @len: bytes sent (may be fewer than offered)
 * @fin: the frame carried FIN
 *
 * Context: caller owns the socket.
 */
void quic_sendbuf_mark_sent(struct quic_sendbuf *sb, u64 offset, u32 len,
			    bool fin)
{
	u64 end;

	if (offset > sb->write_offset)
		return;
	end = min(offset + len, sb->write_offset);
	/* Bytes skipped over would otherwise never be sent. */
	if (offset > sb->sent_offset)
		quic_sendbuf_add_lost(sb, sb->sent_offset, offset);
	quic_sb_ranges_remove(&sb->lost, &sb->nlost, offset, end);
	quic_sendbuf_shrink(sb);
	if (end > sb->sent_offset)
		sb->sent_offset = end;
	if (fin && sb->fin && end == sb->write_offset) {
		sb->fin_sent = 1;
		sb->fin_pending = 0;
	}
}
EXPORT_SYMBOL_GPL(quic_sendbuf_mark_sent);

/**
 * quic_sendbuf_copy() - copy a range's bytes into a packet
 * @sb: buffer
 * @offset: range offset
 * @dst: destination
 * @len: range length
 *
 * The range may span chunks. Sequential copies are cheap: the chunk the
 * last one ended in is remembered.
 *
 * Context: caller owns the socket.
 * Return: 0, or -EINVAL if the bytes are not (or no longer) held.
 */
int quic_sendbuf_copy(struct quic_sendbuf *sb, u64 offset, u8 *dst, u32 len)
{
	struct quic_sb_chunk *c = sb->head;
	u32 skip, n;

	if (!len)
		return 0;
	if (!c || offset < c->offset || offset > sb->write_offset ||
	    len > sb->write_offset - offset)
		return -EINVAL;
	if (sb->hint && sb->hint->offset <= offset)
		c = sb->hint;
	while (quic_sb_end(c) <= offset)
		c = c->next;
	for (;;) {
		skip = offset - c->offset;
		n = min(len, c->len - skip);
		memcpy(dst, c->data + skip, n);
		dst += n;
		offset += n;
		len -= n;
		if (!len)
			break;
		c = c->next;
	}
	sb->hint = c;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_sendbuf_copy);

/* Extend the acked prefix over stored ranges and free what it covers. */
static void quic_sendbuf_advance(struct quic_sendbuf *sb)
{
	struct quic_sb_range *a = quic_sb_rv(&sb->acked);
	struct quic_sb_chunk *c;

	while (sb->nacked && a[0].start <= sb->acked_offset) {
		sb->acked_offset = max(sb->acked_offset, a[0].end);
		quic_sb_ranges_del(a, &sb->nacked, 0);
	}
	quic_sb_ranges_remove(&sb->lost, &sb->nlost, 0, sb->acked_offset);
	while ((c = sb->head) && quic_sb_end(c) <= sb->acked_offset) {
		sb->head = c->next;
		if (sb->hint == c)
			sb->hint = NULL;
		sb->mem -= c->size;
		quic_sb_chunk_put(sb->pool, c);
	}
	if (!sb->head)
		sb->tail = NULL;
}

/**
 * quic_sendbuf_on_acked() - a range sent in one or more packets was
 *	acknowledged
 * @sb: buffer
 * @offset: range offset
 * @len: range length
 * @fin: a frame of the range carried FIN
 *
 * Chunks are freed once every byte up to their end is acknowledged.
 *
 * Context: caller owns the socket (or softirq with it owned).
 */
void quic_sendbuf_on_acked(struct quic_sendbuf *sb, u64 offset, u64 len,
			   bool fin)
{
	u64 start = max(offset, sb->acked_offset);
	u64 end = sb->sent_offset;

	if (fin && sb->fin_sent) {
		sb->fin_acked = 1;
		sb->fin_pending = 0;
	}
	if (offset < sb->sent_offset && len < sb->sent_offset - offset)
		end = offset + len;
	if (start >= end)
		return;
	quic_sb_ranges_remove(&sb->lost, &sb->nlost, start, end);
	if (start > sb->acked_offset) {
		quic_sendbuf_add_acked(sb, start, end);
	} else {
		sb->acked_offset = end;
		quic_sendbuf_advance(sb);
	}
	quic_sendbuf_shrink(sb);
}
EXPORT_SYMBOL_GPL(quic_sendbuf_on_acked);

/**
 * quic_sendbuf_on_lost() - a packet carrying a range was declared lost
 * @sb: buffer
 * @offset: range offset
 * @len: range length
 * @fin: the frame carried FIN
 *
 * The bytes not yet acknowledged are queued for quic_sendbuf_next().
 *
 * Context: caller owns the socket (or softirq with it owned).
 */
void quic_sendbuf_on_lost(struct quic_sendbuf *sb, u64 offset, u32 len,
			  bool fin)
{
	u64 start = max(offset, sb->acked_offset);
	u64 end = sb->sent_offset;

	if (fin && sb->fin_sent && !sb->fin_acked)
		sb->fin_pending = 1;
	if (offset < sb->sent_offset && len < sb->sent_offset - offset)
		end = offset + len;
	quic_sendbuf_trim_acked(sb, &start, &end);
	if (start < end)
		quic_sendbuf_add_lost(sb, start, end);
	quic_sendbuf_shrink(sb);
}
EXPORT_SYMBOL_GPL(quic_sendbuf_on_lost);

/**
 * quic_sendbuf_all_acked() - stream fully delivered
 * @sb: buffer
 *
 * Context: caller owns the socket.
 * Return: true once the FIN and every byte before it are acknowledged
 * ("Data Recvd", RFC 9000 3.1).
 */
bool quic_sendbuf_all_acked(const struct quic_sendbuf *sb)
{
	return sb->fin && sb->fin_acked && sb->acked_offset == sb->write_offset;
}
EXPORT_SYMBOL_GPL(quic_sendbuf_all_acked);

/**
 * quic_sendbuf_blocked_at() - new data held back by flow control
 * @sb: buffer
 * @peer_max: the peer's limit for this stream
 *
 * Context: caller owns the socket.
 * Return: true if unsent data exists and @peer_max forbids sending any of
 * it: the caller sends STREAM_DATA_BLOCKED (or DATA_BLOCKED) with
 * @peer_max.
 */
bool quic_sendbuf_blocked_at(const struct quic_sendbuf *sb, u64 peer_max)
{
	return sb->write_offset > sb->sent_offset &&
	       sb->sent_offset >= peer_max;
}
EXPORT_SYMBOL_GPL(quic_sendbuf_blocked_at);

/**
 * quic_fc_init() - prepare connection-level flow-control state
 * @fc: state
 * @max: initial limit (our initial_max_data, or the peer's)
 *
 * Context: any.
 */
void quic_fc_init(struct quic_fc *fc, u64 max)
{
	fc->max = max;
	fc->used = 0;
	fc->consumed = 0;
}
EXPORT_SYMBOL_GPL(quic_fc_init);

/**
 * quic_fc_recv_check() - would received data stay within the limit
 * @fc: receive-side state
 * @delta: growth of a stream's highest offset, see quic_recvbuf_fc_delta()
 *
 * Context: caller owns the socket.
 * Return: false if the peer violates the limit: FLOW_CONTROL_ERROR.
 */
bool quic_fc_recv_check(const struct quic_fc *fc, u64 delta)
{
	return fc->used <= fc->max && delta <= fc->max - fc->used;
}
EXPORT_SYMBOL_GPL(quic_fc_recv_check);

/**
 * quic_fc_add() - charge bytes received or newly sent
 * @fc: state
 * @delta: bytes
 *
 * Context: caller owns the socket.
 */
void quic_fc_add(struct quic_fc *fc, u64 delta)
{
	fc->used = delta > U64_MAX - fc->used ? U64_MAX : fc->used + delta;
}
EXPORT_SYMBOL_GPL(quic_fc_add);

/**
 * quic_fc_avail() - send credit left
 * @fc: send-side state
 *
 * Context: caller owns the socket.
 * Return: bytes of new data that may still be sent; 0 means blocked.
 */
u64 quic_fc_avail(const struct quic_fc *fc)
{
	return fc->used < fc->max ? fc->max - fc->used : 0;
}
EXPORT_SYMBOL_GPL(quic_fc_avail);

/**
 * quic_fc_update_max() - apply a MAX_DATA frame
 * @fc: send-side state
 * @max: the frame's limit
 *
 * Limits never shrink; frames may arrive reordered (RFC 9000 19.9).
 *
 * Context: caller owns the socket.
 * Return: true if the limit grew.
 */
bool quic_fc_update_max(struct quic_fc *fc, u64 max)
{
	if (max <= fc->max)
		return false;
	fc->max = max;
	return true;
}
EXPORT_SYMBOL_GPL(quic_fc_update_max);

/**
 * quic_fc_consumed() - account bytes the application read
 * @fc: receive-side state
 * @n: bytes
 *
 * Context: caller owns the socket.
 */
void quic_fc_consumed(struct quic_fc *fc, u64 n)
{
	fc->consumed = n > U64_MAX - fc->consumed ? U64_MAX : fc->consumed + n;
}
EXPORT_SYMBOL_GPL(quic_fc_consumed);

/**
 * quic_fc_autotune() - grow a receive window that limits throughput
 * @window: credit kept ahead of the reader; doubled here, up to @cap
 * @cap: largest window allowed: the socket's receive buffer limit
 * @last_us: time of the previous window update, 0 if none; set to @now_us
 * @now_us: now, in microseconds
 * @srtt_us: smoothed RTT in microseconds, 0 if not measured yet
 *
 * Called when a window update is due, i.e. the reader consumed half a
 * window since the last one. If that took less than two round trips, the
 * peer could have sent faster than the window let it: a window is worth
 * growing only while it, and not the path, is what limits the transfer.
 * A window larger than @cap (set by the user before the buffer limit was
 * lowered) is left as it is, never shrunk: credit once granted stays.
 *
 * Context: any; pure arithmetic.
 * Return: true if @window grew.
 */
bool quic_fc_autotune(u64 *window, u64 cap, u64 *last_us, u64 now_us,
		      u64 srtt_us)
{
	u64 prev = *last_us;

	*last_us = now_us;
	if (!prev || !srtt_us || *window >= cap || now_us < prev ||
	    now_us - prev >= 2 * srtt_us)
		return false;
	*window = *window > cap / 2 ? cap : *window * 2;
	return true;
}
EXPORT_SYMBOL_GPL(quic_fc_autotune);

/**
 * quic_fc_window_update() - decide on a MAX_DATA
 * @fc: receive-side state
 * @window: credit to keep ahead of what the application read
 * @new_max: new limit to advertise, set when true is returned
 *
 * Same half-window rule as quic_recvbuf_window_update().
 *
 * Context: caller owns the socket.
 * Return: true if ->max was raised and MAX_DATA should be sent.
 */
bool quic_fc_window_update(struct quic_fc *fc, u64 window, u64 *new_max)
{
	return quic_sb_window(fc->consumed, &fc->max, window, new_max);
}
EXPORT_SYMBOL_GPL(quic_fc_window_update);
