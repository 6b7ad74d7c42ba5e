// SPDX-License-Identifier: GPL-2.0
/*
 * Connection ID table: maps every connection ID this host issued to the
 * socket that owns it. Writers run in process context under the owner's
 * socket lock; the receive path reads under RCU.
 */

#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "cid.h"

static struct rhashtable quic_cid_table;

static u32 quic_cid_hashfn(const void *data, u32 len, u32 seed)
{
	const struct quic_cid *cid = data;

	return jhash(cid->data, cid->len, seed);
}

static u32 quic_cid_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct quic_cid_entry *e = data;

	return quic_cid_hashfn(&e->cid, len, seed);
}

static int quic_cid_obj_cmpfn(struct rhashtable_compare_arg *arg,
			      const void *obj)
{
	const struct quic_cid_entry *e = obj;
	const struct quic_cid *key = arg->key;

	return !quic_cid_equal(&e->cid, key);
}

static const struct rhashtable_params quic_cid_params = {
	.head_offset		= offsetof(struct quic_cid_entry, node),
	.key_offset		= offsetof(struct quic_cid_entry, cid),
	.key_len		= sizeof(struct quic_cid),
	.hashfn			= quic_cid_hashfn,
	.obj_hashfn		= quic_cid_obj_hashfn,
	.obj_cmpfn		= quic_cid_obj_cmpfn,
	.automatic_shrinking	= true,
};

bool quic_cid_equal(const struct quic_cid *a, const struct quic_cid *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* Random CIDs: unpredictable, so they cannot be used to link paths. */
void quic_cid_generate(struct quic_cid *cid, u8 len)
{
	cid->len = len;
	get_random_bytes(cid->data, len);
}

/**
 * quic_cid_add() - publish a connection ID of @sk
 * @list: the owner's list of entries
 * @sk: owning socket
 * @cid: the connection ID
 * @seq: its sequence number (RFC 9000 5.1.1)
 * @gfp: allocation flags
 *
 * Context: socket lock held.
 * Return: the new entry; ERR_PTR(-ENOMEM), or ERR_PTR(-EEXIST) if the ID
 * is in use (vanishingly rare for random IDs; callers generate another).
 */
struct quic_cid_entry *quic_cid_add(struct list_head *list,
				    struct sock *sk, const struct quic_cid *cid,
				    u64 seq, gfp_t gfp)
{
	struct quic_cid_entry *e;
	int err;

	e = kzalloc(sizeof(*e), gfp);
	if (!e)
		return ERR_PTR(-ENOMEM);
	e->cid = *cid;
	e->seq = seq;
	e->sk = sk;
	err = rhashtable_lookup_insert_key(&quic_cid_table, &e->cid, &e->node,
					   quic_cid_params);
	if (err) {
		kfree(e);
		return ERR_PTR(err);
	}
	list_add_tail(&e->list, list);
	return e;
}

/**
 * quic_cid_issue() - publish a new random connection ID of @sk
 * @list: the owner's list of entries
 * @sk: owning socket
 * @seq: its sequence number
 * @gfp: allocation flags
 *
 * Context: socket lock held.
 * Return: the new entry, or an ERR_PTR() as quic_cid_add().
 */
struct quic_cid_entry *quic_cid_issue(struct list_head *list,
				      struct sock *sk, u64 seq, gfp_t gfp)
{
	struct quic_cid_entry *e;
	struct quic_cid cid;
	int tries = 3;

	do {
		quic_cid_generate(&cid, QUIC_CID_LEN_DEFAULT);
		e = quic_cid_add(list, sk, &cid, seq, gfp);
	} while (e == ERR_PTR(-EEXIST) && --tries);
	return e;
}

/**
 * quic_cid_remove() - withdraw one connection ID
 * @e: its entry, unlinked from its owner's list and freed
 *
 * As for quic_cid_remove_all(), a lookup may find it for a grace period.
 *
 * Context: socket lock held.
 */
void quic_cid_remove(struct quic_cid_entry *e)
{
	rhashtable_remove_fast(&quic_cid_table, &e->node, quic_cid_params);
	list_del(&e->list);
	kfree_rcu(e, rcu);
}

/**
 * quic_cid_remove_all() - withdraw every connection ID on @list
 * @list: the owner's list
 *
 * A concurrent lookup may still return the socket until a grace period
 * passes; lookups take a socket reference only if it is not being freed.
 *
 * Context: process context, socket lock held.
 */
void quic_cid_remove_all(struct list_head *list)
{
	struct quic_cid_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, list, list)
		quic_cid_remove(e);
}

/**
 * quic_cid_lookup() - find the socket owning a connection ID
 * @net: namespace the packet arrived in
 * @data: connection ID bytes from the packet
 * @len: their length
 *
 * Context: any; takes rcu_read_lock() itself.
 * Return: the socket with a reference the caller must drop, or NULL.
 */
struct sock *quic_cid_lookup(struct net *net, const u8 *data, u8 len)
{
	struct quic_cid_entry *e;
	struct sock *sk = NULL;
	struct quic_cid key;

	if (len > QUIC_CID_MAX_LEN)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.len = len;
	memcpy(key.data, data, len);

	rcu_read_lock();
	e = rhashtable_lookup(&quic_cid_table, &key, quic_cid_params);
	if (e && net_eq(sock_net(e->sk), net) &&
	    refcount_inc_not_zero(&e->sk->sk_refcnt))
		sk = e->sk;
	rcu_read_unlock();
	return sk;
}

int quic_cid_init(void)
{
	return rhashtable_init(&quic_cid_table, &quic_cid_params);
}

void quic_cid_exit(void)
{
	rhashtable_destroy(&quic_cid_table);
}
