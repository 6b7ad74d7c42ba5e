// SPDX-License-Identifier: GPL-2.0
/*
 * Stream table: creation of streams by us and by the peer under the
 * limits each side granted (MAX_STREAMS), the ID rules of RFC 9000 2.1,
 * and freeing streams once both directions are finished.
 *
 * Context: all functions run with the socket lock held (process context or
 * softirq with the socket not owned by a user).
 */

#include <linux/hash.h>
#include <linux/slab.h>

#include "stream.h"

/* Stream hash buckets: 4 at first, at most 1024 (8 KiB). */
#define QUIC_STREAM_HASH_MIN_BITS	2
#define QUIC_STREAM_HASH_MAX_BITS	10

/*
 * Streams come from their own cache: a struct quic_stream is 336 bytes,
 * which kmalloc would round up to 512.
 */
static struct kmem_cache *quic_stream_cache;

int quic_stream_init(void)
{
	quic_stream_cache = KMEM_CACHE(quic_stream, 0);
	return quic_stream_cache ? 0 : -ENOMEM;
}

void quic_stream_exit(void)
{
	kmem_cache_destroy(quic_stream_cache);
}

/* Index of a stream among those of its type: IDs are (index << 2) | type. */
static u64 quic_stream_index(s64 id)
{
	return (u64)id >> 2;
}

void quic_stream_table_init(struct quic_stream_table *t, bool is_server)
{
	memset(t, 0, sizeof(*t));
	INIT_LIST_HEAD(&t->send_list);
	INIT_LIST_HEAD(&t->readable);
	INIT_LIST_HEAD(&t->ctrl_list);
	t->is_server = is_server;
	t->last_active = -1;
}

static struct hlist_head *quic_stream_bucket(const struct quic_stream_table *t,
					     s64 id)
{
	return &t->hash[hash_64((u64)id, t->hash_bits)];
}

struct quic_stream *quic_stream_find(struct quic_stream_table *t, s64 id)
{
	struct quic_stream *s;

	if (!t->hash)
		return NULL;
	hlist_for_each_entry(s, quic_stream_bucket(t, id), node)
		if (s->id == id)
			return s;
	return NULL;
}

/*
 * Make room for one more stream: the first buckets, or twice as many once
 * the table holds two streams per bucket. Only the first allocation must
 * succeed; without a larger table, chains just grow longer.
 */
static int quic_stream_hash_grow(struct quic_stream_table *t)
{
	u8 bits = t->hash ? t->hash_bits + 1 : QUIC_STREAM_HASH_MIN_BITS;
	struct hlist_head *old = t->hash;
	u32 i, old_size = old ? 1U << t->hash_bits : 0;
	struct hlist_node *tmp;
	struct quic_stream *s;

	if (old && (t->nr_streams < 2 * old_size ||
		    bits > QUIC_STREAM_HASH_MAX_BITS))
		return 0;
	t->hash = kmalloc_array(1U << bits, sizeof(*t->hash), GFP_ATOMIC);
	if (!t->hash) {
		t->hash = old;
		return old ? 0 : -ENOMEM;
	}
	t->hash_bits = bits;
	for (i = 0; i < 1U << bits; i++)
		INIT_HLIST_HEAD(&t->hash[i]);
	for (i = 0; i < old_size; i++)
		hlist_for_each_entry_safe(s, tmp, &old[i], node)
			hlist_add_head(&s->node, quic_stream_bucket(t, s->id));
	kfree(old);
	return 0;
}

/**
 * quic_stream_wake_senders() - put every stream that may send on the send list
 * @t: stream table
 *
 * For when connection credit comes back; the send path drops the streams
 * that have nothing to send.
 */
void quic_stream_wake_senders(struct quic_stream_table *t)
{
	struct quic_stream *s;
	u32 i;

	for (i = 0; t->hash && i < 1U << t->hash_bits; i++)
		hlist_for_each_entry(s, &t->hash[i], node)
			if (s->can_send && list_empty(&s->send_node))
				list_add_tail(&s->send_node, &t->send_list);
}

static bool quic_stream_freed(struct quic_stream_table *t, s64 id)
{
	struct quic_ackrange_set *set;

	if (!t->freed)
		return false;
	set = &t->freed->set[quic_stream_id_uni(id)]
			    [!quic_stream_id_local(t, id)];
	return quic_stream_index(id) < set->floor ||
	       quic_ackrange_contains(set, quic_stream_index(id));
}

static void quic_stream_free(struct quic_stream_table *t,
			     struct quic_stream *s)
{
	WRITE_ONCE(t->tx_mem, t->tx_mem - s->tx.mem);
	t->rx_mem -= s->rx.mem;
	hlist_del(&s->node);
	t->nr_streams--;
	list_del(&s->send_node);
	list_del(&s->read_node);
	list_del(&s->ctrl_node);
	quic_sendbuf_free(&s->tx);
	quic_recvbuf_free(&s->rx);
	kmem_cache_free(quic_stream_cache, s);
}

/* Windows each side starts with depend on who opened the stream. */
static void quic_stream_set_windows(struct quic_stream_table *t,
				    struct quic_stream *s, bool local)
{
	if (quic_stream_id_uni(s->id)) {
		s->tx_max = t->tx_window_uni;
		s->rx_window = t->rx_window_uni;
	} else if (local) {
		s->tx_max = t->tx_window_bidi_remote;
		s->rx_window = t->rx_window_bidi_local;
	} else {
		s->tx_max = t->tx_window_bidi_local;
		s->rx_window = t->rx_window_bidi_remote;
	}
}

static struct quic_stream *quic_stream_create(struct quic_stream_table *t,
					      s64 id, bool local)
{
	bool uni = quic_stream_id_uni(id);
	struct quic_stream *s;

	if (quic_stream_hash_grow(t))
		return NULL;
	s = kmem_cache_zalloc(quic_stream_cache, GFP_ATOMIC);
	if (!s)
		return NULL;
	s->id = id;
	s->can_send = !uni || local;
	s->can_recv = !uni || !local;
	INIT_LIST_HEAD(&s->send_node);
	INIT_LIST_HEAD(&s->read_node);
	INIT_LIST_HEAD(&s->ctrl_node);
	quic_sendbuf_init(&s->tx);
	s->tx.pool = &t->tx_pool;
	quic_stream_set_windows(t, s, local);
	/* Exceeding our advertised window is FLOW_CONTROL_ERROR (0x03). */
	quic_recvbuf_init(&s->rx, s->rx_window,
			  QUIC_TRANSPORT_ERROR_FLOW_CONTROL);
	s->rx.pool = &t->rx_pool;
	s->recv_done = !s->can_recv;
	hlist_add_head(&s->node, quic_stream_bucket(t, id));
	t->nr_streams++;
	return s;
}

/**
 * quic_stream_next_local_id() - the ID the next stream we open would get
 * @t: stream table
 * @uni: unidirectional
 */
s64 quic_stream_next_local_id(const struct quic_stream_table *t, bool uni)
{
	s64 type = (t->is_server ? QUIC_STREAM_TYPE_SERVER_MASK : 0) |
		   (uni ? QUIC_STREAM_TYPE_UNI_MASK : 0);

	return (s64)(t->local_opened[uni] << 2) | type;
}

/**
 * quic_stream_open_local() - open (or find) a stream we initiate
 * @t: stream table
 * @id: stream ID, which must be of our type
 * @sp: the stream
 *
 * Opening a stream opens every lower-numbered stream of its type too
 * (RFC 9000 2.1); they get objects when first used.
 *
 * Return: 0; -EINVAL for a peer-type ID that the peer has not opened;
 * -EAGAIN when the peer's MAX_STREAMS forbids it (the caller waits or
 * fails, per MSG_QUIC_STREAM_DONTWAIT); -ENOMEM.
 */
int quic_stream_open_local(struct quic_stream_table *t, s64 id,
			   struct quic_stream **sp)
{
	bool uni = quic_stream_id_uni(id);
	u64 idx = quic_stream_index(id);
	struct quic_stream *s;

	if (id < 0)
		return -EINVAL;
	s = quic_stream_find(t, id);
	if (s) {
		*sp = s;
		return 0;
	}
	/* A peer stream not open, or any stream finished and freed. */
	if (!quic_stream_id_local(t, id) || quic_stream_freed(t, id))
		return -EINVAL;
	if (idx >= t->peer_limit[uni])
		return -EAGAIN;
	s = quic_stream_create(t, id, true);
	if (!s)
		return -ENOMEM;
	t->local_opened[uni] = max(t->local_opened[uni], idx + 1);
	*sp = s;
	return 0;
}

/**
 * quic_stream_get_peer() - the stream a received frame refers to
 * @t: stream table
 * @id: stream ID from the frame
 * @sending: the frame carries data the peer sends (STREAM, RESET_STREAM,
 *	STREAM_DATA_BLOCKED) rather than feedback on data we send
 *	(MAX_STREAM_DATA, STOP_SENDING)
 * @sp: the stream, or NULL if it was already finished and freed (the frame
 *	is then ignored)
 * @err: transport error code on failure
 *
 * Return: 0, or -EPROTO with @err STREAM_STATE_ERROR (a frame for a
 * direction that does not exist, or for a stream of ours not yet opened)
 * or STREAM_LIMIT_ERROR (beyond what we allowed); -ENOMEM.
 */
int quic_stream_get_peer(struct quic_stream_table *t, s64 id, bool sending,
			 struct quic_stream **sp, u32 *err)
{
	bool uni = quic_stream_id_uni(id);
	bool local = quic_stream_id_local(t, id);
	u64 idx = quic_stream_index(id);
	struct quic_stream *s;

	*sp = NULL;
	*err = QUIC_TRANSPORT_ERROR_STREAM_STATE;
	/* Data from the peer on our unidirectional stream, or feedback on
	 * its own: both directions that do not exist.
	 */
	if (uni && local == sending)
		return -EPROTO;
	s = quic_stream_find(t, id);
	if (s) {
		*sp = s;
		return 0;
	}
	/* Feedback on a stream of ours we opened but have no object for
	 * (freed, or implicitly opened and unused) is ignored.
	 */
	if (local)
		return idx < t->local_opened[uni] ? 0 : -EPROTO;
	if (idx >= t->local_limit[uni]) {
		*err = QUIC_TRANSPORT_ERROR_STREAM_LIMIT;
		return -EPROTO;
	}
	if (quic_stream_freed(t, id))
		return 0;	/* finished and freed: ignore the frame */
	s = quic_stream_create(t, id, false);
	if (!s)
		return -ENOMEM;
	t->peer_opened[uni] = max(t->peer_opened[uni], idx + 1);
	*sp = s;
	return 0;
}

/*
 * Finished streams are recorded from the first one on: a connection that
 * finished none carries no record.
 */
static int quic_stream_freed_alloc(struct quic_stream_table *t)
{
	int i, j;

	t->freed = kmalloc(sizeof(*t->freed), GFP_ATOMIC);
	if (!t->freed)
		return -ENOMEM;
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			quic_ackrange_init(&t->freed->set[i][j]);
	return 0;
}

/**
 * quic_stream_maybe_free() - free a stream both of whose halves are done
 * @t: stream table
 * @s: stream
 *
 * Done means: everything we sent was acknowledged (or we reset it), and
 * the user read the peer's data to the end (or a reset). A finished peer
 * stream makes room for one more (MAX_STREAMS), see the caller.
 */
void quic_stream_maybe_free(struct quic_stream_table *t,
			    struct quic_stream *s)
{
	bool send_done = !s->can_send || s->reset_sent ||
			 quic_sendbuf_all_acked(&s->tx);

	if (!send_done || !s->recv_done)
		return;
	/* Without the record a frame could bring the stream back: keep it
	 * rather (out of memory), with the credit it would give back.
	 */
	if (!t->freed && quic_stream_freed_alloc(t))
		return;
	quic_ackrange_add(&t->freed->set[quic_stream_id_uni(s->id)]
					[!quic_stream_id_local(t, s->id)],
			  quic_stream_index(s->id), 0);
	if (!quic_stream_id_local(t, s->id))
		t->local_limit[quic_stream_id_uni(s->id)]++;
	if (t->last_active == s->id)
		t->last_active = -1;
	quic_stream_free(t, s);
}

void quic_stream_table_free(struct quic_stream_table *t)
{
	struct hlist_node *tmp;
	struct quic_stream *s;
	u32 i, j;

	for (i = 0; t->hash && i < 1U << t->hash_bits; i++)
		hlist_for_each_entry_safe(s, tmp, &t->hash[i], node)
			quic_stream_free(t, s);
	quic_sb_pool_drain(&t->tx_pool);
	quic_sb_pool_drain(&t->rx_pool);
	kfree(t->hash);
	t->hash = NULL;
	if (!t->freed)
		return;
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			quic_ackrange_release(&t->freed->set[i][j]);
	kfree(t->freed);
	t->freed = NULL;
}
