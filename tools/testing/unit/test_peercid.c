// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the peer's connection IDs (net/quic/peercid.c): RFC 9000
 * 5.1.1, 5.1.2, 19.15 and 19.16 as bookkeeping. Every node the code frees
 * is counted, and each test ends with none left allocated.
 */
#include <stdlib.h>

#include "tap.h"
#include "../../../net/quic/peercid.c"

static int live;	/* nodes allocated and not freed */

void quic_peer_cid_free(struct quic_peer_cid *c)
{
	live--;
	free(c);
}

static struct quic_peer_cid *node_new(void)
{
	live++;
	return calloc(1, sizeof(struct quic_peer_cid));
}

/* The ID in use: sequence number @seq, bytes all @seq + 0x40. */
struct cur {
	struct quic_peer_cid_cur c;
	u8 id[8];
};

static void cur_set(struct cur *k, u64 seq)
{
	memset(k->id, (u8)(seq + 0x40), sizeof(k->id));
	k->c.seq = seq;
	k->c.len = sizeof(k->id);
	k->c.id = k->id;
}

/* NEW_CONNECTION_ID @seq, Retire Prior To @rpt, ID bytes @fill or @seq +
 * 0x40.
 */
static u32 add(struct quic_peer_cid **l, struct cur *k, u64 limit,
	       u64 seq, u64 rpt, u8 fill)
{
	struct quic_frame_new_cid f = {};
	struct quic_peer_cid *node = node_new();
	u32 err;

	f.seq = seq;
	f.retire_prior_to = rpt;
	f.cid_len = 8;
	memset(f.cid, fill ? fill : (u8)(seq + 0x40), 8);
	memset(f.reset_token, (u8)seq, sizeof(f.reset_token));
	err = quic_peer_cids_add(l, &k->c, limit, &f, &node);
	if (node)
		quic_peer_cid_free(node);
	return err;
}

static int state_of(struct quic_peer_cid *l, u64 seq)
{
	struct quic_peer_cid *c = quic_peer_cids_find(l, seq, U8_MAX);

	return c ? c->state : -1;
}

static bool sorted(const struct quic_peer_cid *l)
{
	for (; l; l = l->next)
		if (l->next && l->next->seq <= l->seq)
			return false;
	return true;
}

#define SPARES(l)	quic_peer_cids_count(l, true)
#define RETIRING(l)	quic_peer_cids_count(l, false)

static void test_spares(void)
{
	struct quic_peer_cid *l = NULL;
	struct cur k;

	cur_set(&k, 0);
	tap_result(add(&l, &k, 4, 1, 0, 0) == 0 && SPARES(l) == 1,
		   "peercid: a new ID is a spare");
	tap_result(add(&l, &k, 4, 1, 0, 0) == 0 && SPARES(l) == 1,
		   "peercid: the same frame again changes nothing");
	tap_result(add(&l, &k, 4, 0, 0, 0) == 0 && SPARES(l) == 1,
		   "peercid: the ID in use announced again is no spare");
	tap_result(add(&l, &k, 4, 3, 0, 0) == 0 &&
		   add(&l, &k, 4, 2, 0, 0) == 0 && SPARES(l) == 3 &&
		   sorted(l) && l->seq == 1 && l->next->seq == 2,
		   "peercid: kept in sequence order");
	tap_result(quic_peer_cids_spare_from(l, 2) == l->next &&
		   !quic_peer_cids_spare_from(l, 4),
		   "peercid: the lowest spare from a sequence number on");
	tap_result(add(&l, &k, 4, 4, 0, 0) == QUIC_ERR_CONNECTION_ID_LIMIT,
		   "peercid: one more than active_connection_id_limit is CONNECTION_ID_LIMIT_ERROR");
	quic_peer_cids_clear(&l);
	tap_result(live == 0 && !l, "peercid: clear frees everything");
}

static void test_violations(void)
{
	struct quic_peer_cid *l = NULL;
	struct cur k;

	cur_set(&k, 0);
	add(&l, &k, 4, 1, 0, 0);
	tap_result(add(&l, &k, 4, 1, 0, 0x99) == QUIC_ERR_PROTOCOL_VIOLATION,
		   "peercid: a sequence number again with another ID is PROTOCOL_VIOLATION");
	tap_result(add(&l, &k, 4, 2, 0, 1 + 0x40) ==
		   QUIC_ERR_PROTOCOL_VIOLATION,
		   "peercid: an ID again with another sequence number is PROTOCOL_VIOLATION");
	tap_result(add(&l, &k, 4, 2, 0, 0x40) == QUIC_ERR_PROTOCOL_VIOLATION,
		   "peercid: the ID in use under another sequence number is PROTOCOL_VIOLATION");
	tap_result(add(&l, &k, 4, 0, 0, 0x77) == QUIC_ERR_PROTOCOL_VIOLATION,
		   "peercid: the sequence number in use with another ID is PROTOCOL_VIOLATION");
	tap_result(SPARES(l) == 1 && RETIRING(l) == 0 && sorted(l),
		   "peercid: nothing kept from a violation");
	quic_peer_cids_clear(&l);
	tap_result(live == 0, "peercid: no node leaked by violations");
}

static void test_retire_prior_to(void)
{
	struct quic_peer_cid *l = NULL, *to;
	struct cur k;

	cur_set(&k, 0);
	add(&l, &k, 2, 1, 0, 0);
	/* seq 2 retires 0 and 1: at most 2 active counts the new one only */
	tap_result(add(&l, &k, 2, 2, 2, 0) == 0 &&
		   state_of(l, 1) == QUIC_PCID_RETIRE && SPARES(l) == 1,
		   "peercid: Retire Prior To retires the spares below it, the ID in use not counted");
	to = quic_peer_cids_spare_from(l, 2);
	tap_result(to && to->seq == 2,
		   "peercid: the lowest spare at or above it is there to move to");
	quic_peer_cids_switch(&l, to, k.c.seq, k.c.len, k.id);
	cur_set(&k, 2);
	tap_result(state_of(l, 0) == QUIC_PCID_RETIRE && SPARES(l) == 0 &&
		   RETIRING(l) == 2 && sorted(l),
		   "peercid: switching records the old ID for retirement");
	tap_result(add(&l, &k, 2, 1, 0, 0) == 0 && RETIRING(l) == 2,
		   "peercid: a late copy of a retired ID changes nothing");
	tap_result(add(&l, &k, 2, 5, 4, 0) == 0 &&
		   quic_peer_cids_spare_from(l, 4)->seq == 5,
		   "peercid: a Retire Prior To above the ID in use leaves the frame's ID to move to");
	quic_peer_cids_switch(&l, quic_peer_cids_spare_from(l, 4), k.c.seq,
			      k.c.len, k.id);
	cur_set(&k, 5);
	tap_result(add(&l, &k, 2, 3, 0, 0) == 0 &&
		   state_of(l, 3) == QUIC_PCID_RETIRE,
		   "peercid: an ID below that Retire Prior To, arriving late, is retired at once");
	quic_peer_cids_clear(&l);
	tap_result(live == 0, "peercid: no node leaked");
}

static void test_retirement_acks(void)
{
	struct quic_peer_cid *l = NULL, *c;
	struct cur k;
	int i;

	cur_set(&k, 5);
	add(&l, &k, 2, 6, 0, 0);
	tap_result(add(&l, &k, 2, 4, 0, 0) == 0 &&
		   state_of(l, 4) == QUIC_PCID_RETIRE,
		   "peercid: an ID below the one in use is retired, not kept");
	c = quic_peer_cids_find(l, 4, QUIC_PCID_RETIRE);
	c->state = QUIC_PCID_RETIRE_SENT;
	tap_result(quic_peer_cids_retire_lost(l, 4) &&
		   state_of(l, 4) == QUIC_PCID_RETIRE &&
		   !quic_peer_cids_retire_lost(l, 4),
		   "peercid: a lost RETIRE_CONNECTION_ID is sent again, once");
	quic_peer_cids_retire_acked(&l, 4);
	tap_result(state_of(l, 4) == QUIC_PCID_RETIRE,
		   "peercid: an acknowledgment of a frame not yet sent again is ignored");
	c->state = QUIC_PCID_RETIRE_SENT;
	quic_peer_cids_retire_acked(&l, 4);
	tap_result(state_of(l, 4) == -1 && RETIRING(l) == 0 && live == 1,
		   "peercid: an acknowledged retirement is forgotten");
	tap_result(quic_peer_cids_retire_below(l, 7) == 1 &&
		   state_of(l, 6) == QUIC_PCID_RETIRE,
		   "peercid: our own Retire Prior To retires spares below it");
	quic_peer_cids_clear(&l);

	/* 5.1.2: more unacknowledged retirements than tracked */
	cur_set(&k, 100);
	for (i = 0; i <= QUIC_PEER_CID_RETIRING_MAX; i++)
		if (add(&l, &k, 2, i, 0, 0))
			break;
	tap_result(i == QUIC_PEER_CID_RETIRING_MAX &&
		   RETIRING(l) == QUIC_PEER_CID_RETIRING_MAX + 1,
		   "peercid: beyond %d retirements in flight is CONNECTION_ID_LIMIT_ERROR",
		   QUIC_PEER_CID_RETIRING_MAX);
	quic_peer_cids_clear(&l);
	tap_result(live == 0, "peercid: no node leaked");
}

int main(void)
{
	test_spares();
	test_violations();
	test_retire_prior_to();
	test_retirement_acks();
	return tap_exit();
}
