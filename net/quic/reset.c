// SPDX-License-Identifier: GPL-2.0
/*
 * Stateless reset (RFC 9000 10.3).
 *
 * A server that lost a connection's state (its closing period over, the
 * process restarted) still gets the peer's packets; without an answer the
 * peer waits out its idle timeout. A Stateless Reset tells it at once: a
 * datagram that looks like a short header packet and ends with a token
 * the peer was given for that connection ID, which only we can make again
 * without any state. Ours are SipHash of the connection ID under two keys
 * drawn as the module loads: a pseudo-random function of the CID,
 * unguessable without the keys, so nobody else can forge a reset (10.3.2
 * asks for no more). A server gives the token of its first CID in its
 * transport parameters, and every CID issued later comes with its token
 * in a NEW_CONNECTION_ID frame (connid.c), the only way a client can give
 * one.
 *
 * A datagram that no connection takes and that could be a short header
 * packet is answered with a reset one byte shorter than it (at most 43
 * bytes), never shorter than 21: a reset met by a peer that lost its state
 * too cannot bounce back and forth for long, and never amplifies
 * (10.3.3). A global rate limit (quic_output_stateless_allowed()) bounds
 * what junk can make us send.
 *
 * A reset carries no connection ID of ours (the peer has none left to
 * put there): it is found by its last 16 bytes, in a table of the tokens
 * peers gave us, keyed by token; the datagram must come from that
 * connection's peer address. A datagram none of whose packets could be
 * processed, whose last 16 bytes are the token the peer gave us, ends
 * the connection: no more packets are sent and the user sees ECONNRESET
 * (10.3.1).
 */
#include <crypto/utils.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include <net/ipv6.h>

#include "conn.h"
#include "header.h"
#include "path.h"
#include "proc.h"
#include "reset.h"
#include "udp.h"

/* RFC 9000 10.3: at least 5 unpredictable bytes before the token. */
#define QUIC_RESET_MIN	(1 + 4 + QUIC_RESET_TOKEN_LEN)
/* Up to the size of a short header packet with a 20-byte CID (10.3). */
#define QUIC_RESET_MAX	43

static siphash_key_t quic_reset_keys[2] __read_mostly;

/* A token a peer gave one of our connections, findable by its bytes. */
struct quic_reset_entry {
	struct rhash_head	node;
	u8			token[QUIC_RESET_TOKEN_LEN];
	struct sock		*sk;
	struct rcu_head		rcu;
};

static struct rhashtable quic_reset_table;

static const struct rhashtable_params quic_reset_params = {
	.head_offset		= offsetof(struct quic_reset_entry, node),
	.key_offset		= offsetof(struct quic_reset_entry, token),
	.key_len		= QUIC_RESET_TOKEN_LEN,
	.automatic_shrinking	= true,
};

/**
 * quic_reset_token() - the Stateless Reset Token of a connection ID of ours
 * @cid: the connection ID
 * @len: its length
 * @token: QUIC_RESET_TOKEN_LEN bytes out
 *
 * Context: any.
 */
void quic_reset_token(const u8 *cid, u8 len, u8 *token)
{
	put_unaligned_le64(siphash(cid, len, &quic_reset_keys[0]), token);
	put_unaligned_le64(siphash(cid, len, &quic_reset_keys[1]), token + 8);
}

/**
 * quic_reset_send() - answer a datagram for no connection with a reset
 * @us: the UDP socket it came in on
 * @peer: its source
 * @dcid: the DCID of its first packet, a short header one
 * @dcid_len: the DCID's length
 * @in_len: the datagram's length
 *
 * Context: softirq.
 */
void quic_reset_send(struct quic_udp_sock *us, const union quic_addr *peer,
		     const u8 *dcid, u8 dcid_len, u32 in_len)
{
	u8 pkt[QUIC_RESET_MAX];
	u32 len;

	if (in_len <= QUIC_RESET_MIN || !quic_output_stateless_allowed())
		return;
	len = min_t(u32, in_len - 1, QUIC_RESET_MAX);
	get_random_bytes(pkt, len - QUIC_RESET_TOKEN_LEN);
	/* A short header, as any 1-RTT packet: fixed bit set. */
	pkt[0] = (pkt[0] & ~QUIC_HDR_FORM_LONG) | QUIC_HDR_FIXED_BIT;
	quic_reset_token(dcid, dcid_len, pkt + len - QUIC_RESET_TOKEN_LEN);
	if (!quic_output_stateless(us, 0, peer, pkt, len))
		quic_mib_inc(us->net, QUIC_MIB_RESET_SENT);
}

/**
 * quic_reset_learn() - the peer gave a token for its connection ID
 * @sk: socket, owned by the caller
 * @token: QUIC_RESET_TOKEN_LEN bytes
 * @gfp: allocation flags
 *
 * Return: 0 or -ENOMEM. A token another connection has already (only a
 * peer that hands out one twice could do that) is not taken: that
 * connection cannot be reset.
 */
int quic_reset_learn(struct sock *sk, const u8 *token, gfp_t gfp)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_reset_entry *e;

	if (qs->peer_reset)
		return 0;	/* one per connection: the CID in use's */
	e = kzalloc(sizeof(*e), gfp);
	if (!e)
		return -ENOMEM;
	memcpy(e->token, token, QUIC_RESET_TOKEN_LEN);
	e->sk = sk;
	if (rhashtable_lookup_insert_fast(&quic_reset_table, &e->node,
					  quic_reset_params)) {
		kfree(e);
		return 0;
	}
	qs->peer_reset = e;
	return 0;
}

/**
 * quic_reset_forget() - drop the socket's token from the table
 * @sk: socket, going away
 */
void quic_reset_forget(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->peer_reset)
		return;
	rhashtable_remove_fast(&quic_reset_table, &qs->peer_reset->node,
			       quic_reset_params);
	kfree_rcu(qs->peer_reset, rcu);
	qs->peer_reset = NULL;
}

/**
 * quic_reset_lookup() - the connection a datagram for no CID may reset
 * @net: its network namespace
 * @skb: the datagram, data at the QUIC payload, not a GSO run
 * @peer: its source
 *
 * Context: under rcu_read_lock().
 * Return: the socket whose peer gave the token the datagram ends with,
 * with a reference, if the datagram comes from that peer; else NULL.
 */
struct sock *quic_reset_lookup(struct net *net, const struct sk_buff *skb,
			       const union quic_addr *peer)
{
	u8 buf[QUIC_RESET_TOKEN_LEN];
	struct quic_reset_entry *e;
	const u8 *token;
	struct sock *sk;

	if (skb->len < QUIC_RESET_MIN)
		return NULL;
	token = skb_header_pointer(skb, skb->len - QUIC_RESET_TOKEN_LEN,
				   QUIC_RESET_TOKEN_LEN, buf);
	if (!token)
		return NULL;
	e = rhashtable_lookup(&quic_reset_table, token, quic_reset_params);
	if (!e)
		return NULL;
	sk = e->sk;
	if (!net_eq(sock_net(sk), net) ||
	    !quic_addr_equal(&quic_sk(sk)->peer, peer) ||
	    !refcount_inc_not_zero(&sk->sk_refcnt))
		return NULL;
	return sk;
}

/*
 * The reset token keys are drawn as the module loads, long after boot
 * has seeded the RNG: net_get_random_once() would buy nothing here, and
 * its first use patches a static key in our text while other CPUs run it.
 */
int quic_reset_init(void)
{
	get_random_bytes(quic_reset_keys, sizeof(quic_reset_keys));
	return rhashtable_init(&quic_reset_table, &quic_reset_params);
}

void quic_reset_exit(void)
{
	rhashtable_destroy(&quic_reset_table);
}

/**
 * quic_reset_check() - is a datagram we could not process a reset?
 * @sk: socket
 * @dgram: the datagram
 * @len: its length
 *
 * Return: true if it was, and the connection is over.
 */
bool quic_reset_check(struct sock *sk, const u8 *dgram, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->peer_reset || len < QUIC_RESET_MIN ||
	    (dgram[0] & QUIC_HDR_FORM_LONG))
		return false;
	if (crypto_memneq(dgram + len - QUIC_RESET_TOKEN_LEN,
			  qs->peer_reset->token, QUIC_RESET_TOKEN_LEN))
		return false;
	quic_conn_peer_reset(sk);
	return true;
}
