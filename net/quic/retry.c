// SPDX-License-Identifier: GPL-2.0
/*
 * Address validation (RFC 9000 8.1).
 *
 * Tokens. A server proves a client's address by handing it a token that
 * only it can make and that names that address: in a Retry packet, for
 * the Initial the client sends next, and in a NEW_TOKEN frame, for a later
 * connection. Ours are AES-128-GCM sealed under a key drawn at module load:
 * the kind in clear (so that a damaged Retry token can be told from a
 * stranger's token), a random nonce, then sealed the issue time, the
 * client's address (and port, for Retry tokens: the next Initial comes from
 * the same socket) and, for Retry tokens, the DCID of the Initial answered,
 * which the server must echo in original_destination_connection_id (RFC
 * 9000 7.3) and would otherwise have to keep. The server keeps no state
 * per token. The sealing runs in softirq with no FPU (gcm_soft.c): tokens
 * are made and checked once per connection.
 *
 * A listener with validate_peer_address set answers an Initial that has
 * no valid token with a Retry and keeps nothing; the Initial that comes
 * back with the token starts the connection. A token of ours that fails
 * its checks (a Retry token gone stale, or from another address) closes
 * that connection with INVALID_TOKEN (RFC 9000 8.1.2); a stranger's token
 * counts as none (8.1.3). A valid token of either kind validates the
 * address, which lifts the anti-amplification limit.
 *
 * A client takes one Retry per connection attempt, before any Initial
 * from the server, if its integrity tag checks out (RFC 9001 5.8): it
 * derives new Initial keys from the Retry's SCID, its next DCID, and sends
 * its Initial data again, with the token, in new packets.
 */
#include <linux/random.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>

#include "conn.h"
#include "crypto.h"
#include "gcm_soft.h"
#include "proc.h"
#include "retry.h"
#include "udp.h"

/* How long a token is good for. A Retry token is used at once, one round
 * trip after it was made; a NEW_TOKEN token by a later connection.
 */
#define QUIC_TOKEN_RETRY_LIFETIME	10		/* seconds */
#define QUIC_TOKEN_NEW_LIFETIME		(60 * 60)	/* seconds */

#define QUIC_TOKEN_NONCE_LEN	QUIC_GCM_SOFT_IV_LEN
#define QUIC_TOKEN_AAD_LEN	(1 + QUIC_TOKEN_NONCE_LEN)

/* The sealed part of a token; its layout on the wire, byte for byte. */
struct quic_token_plain {
	__be64	issued;		/* boot time, seconds */
	u8	family;		/* AF_INET or AF_INET6 */
	u8	addr[16];	/* IPv4 in the first four bytes */
	__be16	port;		/* Retry tokens; 0 in NEW_TOKEN ones */
	u8	odcid_len;	/* Retry tokens; 0 in NEW_TOKEN ones */
	u8	odcid[QUIC_CID_MAX_LEN];
} __packed;

static_assert(QUIC_TOKEN_AAD_LEN + sizeof(struct quic_token_plain) +
	      QUIC_GCM_SOFT_TAG_LEN == QUIC_TOKEN_LEN);
static_assert(QUIC_TOKEN_LEN <= QUIC_TOKEN_MAX_LEN);

#define QUIC_TOKEN_KEY_LEN	16	/* AES-128 */

static u8 quic_token_key[QUIC_TOKEN_KEY_LEN] __read_mostly;

/**
 * quic_token_init() - draw the token key, as the module loads
 *
 * Tokens die with the module: a key drawn again on the next load opens
 * none of the old ones, and a client whose token fails is simply
 * validated again (RFC 9000 8.1.3).
 */
void quic_token_init(void)
{
	get_random_bytes(quic_token_key, sizeof(quic_token_key));
}

static void quic_token_put_addr(struct quic_token_plain *t,
				const union quic_addr *peer, bool with_port)
{
	t->family = peer->sa.sa_family;
	if (peer->sa.sa_family == AF_INET) {
		memcpy(t->addr, &peer->v4.sin_addr, 4);
		t->port = with_port ? peer->v4.sin_port : 0;
	} else {
		memcpy(t->addr, &peer->v6.sin6_addr, 16);
		t->port = with_port ? peer->v6.sin6_port : 0;
	}
}

/**
 * quic_token_seal() - make a token for a client address
 * @kind: QUIC_TOKEN_RETRY or QUIC_TOKEN_NEW
 * @peer: the client's address (and port: Retry tokens bind it)
 * @odcid: Retry tokens: the DCID of the Initial the Retry answers
 * @out: QUIC_TOKEN_LEN bytes
 *
 * Context: any.
 * Return: QUIC_TOKEN_LEN, or -EINVAL.
 */
int quic_token_seal(u8 kind, const union quic_addr *peer,
		    const struct quic_cid *odcid, u8 *out)
{
	struct quic_token_plain t = {};
	int err;

	if ((kind != QUIC_TOKEN_RETRY && kind != QUIC_TOKEN_NEW) ||
	    (kind == QUIC_TOKEN_RETRY && !odcid))
		return -EINVAL;
	t.issued = cpu_to_be64(ktime_get_boottime_seconds());
	quic_token_put_addr(&t, peer, kind == QUIC_TOKEN_RETRY);
	if (kind == QUIC_TOKEN_RETRY) {
		t.odcid_len = odcid->len;
		memcpy(t.odcid, odcid->data, odcid->len);
	}
	out[0] = kind;
	get_random_bytes(out + 1, QUIC_TOKEN_NONCE_LEN);
	memcpy(out + QUIC_TOKEN_AAD_LEN, &t, sizeof(t));
	err = quic_gcm_soft_encrypt(quic_token_key, QUIC_TOKEN_KEY_LEN,
				    out + 1, out, QUIC_TOKEN_AAD_LEN,
				    sizeof(t));
	memzero_explicit(&t, sizeof(t));
	return err ?: QUIC_TOKEN_LEN;
}

/**
 * quic_token_open() - check a token a client sent in an Initial
 * @token: the token
 * @len: its length
 * @peer: the address the Initial came from
 * @info: filled with what a token of ours says
 *
 * Context: any.
 * Return: 0 for a valid token; -ENOKEY if it is not one of ours (another
 * server's, or damaged); -ETIMEDOUT if it is ours but too old,
 * -EADDRNOTAVAIL if it is ours but for another address (@info->kind is
 * set for both).
 */
int quic_token_open(const u8 *token, u32 len, const union quic_addr *peer,
		    struct quic_token_info *info)
{
	u8 buf[QUIC_TOKEN_LEN];
	struct quic_token_plain t, want = {};
	u64 issued, now, life;
	int err;

	memset(info, 0, sizeof(*info));
	if (len != QUIC_TOKEN_LEN ||
	    (token[0] != QUIC_TOKEN_RETRY && token[0] != QUIC_TOKEN_NEW))
		return -ENOKEY;
	memcpy(buf, token, len);
	err = quic_gcm_soft_decrypt(quic_token_key, QUIC_TOKEN_KEY_LEN,
				    buf + 1, buf, QUIC_TOKEN_AAD_LEN,
				    len - QUIC_TOKEN_AAD_LEN);
	if (err)
		return -ENOKEY;
	memcpy(&t, buf + QUIC_TOKEN_AAD_LEN, sizeof(t));
	memzero_explicit(buf, sizeof(buf));
	info->kind = token[0];
	if (t.odcid_len > QUIC_CID_MAX_LEN)
		return -ENOKEY;	/* cannot be: we sealed it */
	info->odcid.len = t.odcid_len;
	memcpy(info->odcid.data, t.odcid, t.odcid_len);

	issued = be64_to_cpu(t.issued);
	now = ktime_get_boottime_seconds();
	life = info->kind == QUIC_TOKEN_RETRY ? QUIC_TOKEN_RETRY_LIFETIME :
						QUIC_TOKEN_NEW_LIFETIME;
	if (issued > now || now - issued > life)
		return -ETIMEDOUT;
	quic_token_put_addr(&want, peer, info->kind == QUIC_TOKEN_RETRY);
	if (t.family != want.family || t.port != want.port ||
	    memcmp(t.addr, want.addr, sizeof(t.addr)))
		return -EADDRNOTAVAIL;
	return 0;
}

/* The largest Retry we send: a long header with our token, then the tag. */
#define QUIC_RETRY_MAX	(1 + 4 + 2 * (1 + QUIC_CID_MAX_LEN) + \
			 QUIC_TOKEN_LEN + QUIC_RETRY_TAG_LEN)

/* Build and send the Retry that answers the Initial @h (RFC 9000 17.2.5). */
static int quic_retry_send(struct sock *lsk, struct sk_buff *skb,
			   const struct quic_packet_hdr *h)
{
	u8 pkt[QUIC_RETRY_MAX], pseudo[1 + QUIC_CID_MAX_LEN + QUIC_RETRY_MAX];
	u8 token[QUIC_TOKEN_LEN];
	struct quic_packet_desc d = {};
	struct quic_packet_layout l;
	struct quic_cid odcid, scid;
	int hlen, plen, err;

	odcid.len = h->dcid_len;
	memcpy(odcid.data, h->dcid, h->dcid_len);
	/* Our new CID must differ from the one the client chose (17.2.5.1). */
	do {
		quic_cid_generate(&scid, QUIC_CID_LEN_DEFAULT);
	} while (scid.len == odcid.len && !memcmp(scid.data, odcid.data,
						  scid.len));
	err = quic_token_seal(QUIC_TOKEN_RETRY, &quic_skb_cb(skb)->peer,
			      &odcid, token);
	if (err < 0)
		return err;
	d.type = QUIC_PACKET_RETRY;
	d.version = h->version;
	d.dcid = h->scid;
	d.dcid_len = h->scid_len;
	d.scid = scid.data;
	d.scid_len = scid.len;
	d.token = token;
	d.token_len = sizeof(token);
	d.unused = get_random_u8();
	hlen = quic_packet_build_long_header(pkt, sizeof(pkt), &d, &l);
	if (hlen < 0)
		return hlen;
	plen = quic_retry_pseudo_packet(pseudo, sizeof(pseudo), h->dcid,
					h->dcid_len, pkt, hlen);
	if (plen < 0)
		return plen;
	err = quic_crypto_retry_tag(h->version, pseudo, plen, pkt + hlen);
	if (err)
		return err;
	quic_mib_inc(sock_net(lsk), QUIC_MIB_RETRY_SENT);
	return quic_output_stateless(quic_sk(lsk)->udp, lsk->sk_bound_dev_if,
				     &quic_skb_cb(skb)->peer, pkt,
				     hlen + QUIC_RETRY_TAG_LEN);
}

/**
 * quic_retry_answer() - answer an Initial with a Retry if it needs one
 * @lsk: listening socket
 * @skb: a client Initial that could start a connection
 * @h: its parsed header
 *
 * With validate_peer_address set, an Initial without a valid token of ours
 * gets a Retry; one with an invalid Retry token of ours goes on, and its
 * connection closes with INVALID_TOKEN (quic_retry_child_token()).
 *
 * Context: softirq or process context, @lsk locked.
 * Return: true if a Retry answered @skb: it starts no connection.
 */
bool quic_retry_answer(struct sock *lsk, struct sk_buff *skb,
		       const struct quic_packet_hdr *h)
{
	struct quic_token_info info = {};
	int err = -ENOKEY;

	if (!quic_sk(lsk)->config.validate_peer_address)
		return false;
	if (h->token_len)
		err = quic_token_open(h->token, h->token_len,
				      &quic_skb_cb(skb)->peer, &info);
	if (!err || (err != -ENOKEY && info.kind == QUIC_TOKEN_RETRY))
		return false;
	err = quic_retry_send(lsk, skb, h);
	if (err)
		net_dbg_ratelimited("quic: Retry not sent: %d\n", err);
	return true;
}

/**
 * quic_retry_child_token() - what the token of a connection's Initial says
 * @sk: new server connection, from the Initial @h
 * @h: the client's Initial
 * @peer: its source address
 *
 * A valid token validates the address (RFC 9000 8.1). After a Retry the
 * Initial's DCID is the Retry's SCID, retry_source_connection_id, and the
 * token holds the DCID the client first chose, which our transport
 * parameters must carry as original_destination_connection_id (7.3).
 *
 * Return: 0, or -EACCES for an invalid Retry token of ours: the caller
 * closes the connection with INVALID_TOKEN (8.1.2).
 */
int quic_retry_child_token(struct sock *sk, const struct quic_packet_hdr *h,
			   const union quic_addr *peer)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_token_info info;
	int err;

	if (!h->token_len)
		return 0;
	err = quic_token_open(h->token, h->token_len, peer, &info);
	if (err == -ENOKEY)
		return 0;	/* not ours: as if none (8.1.3) */
	if (err)
		return info.kind == QUIC_TOKEN_RETRY ? -EACCES : 0;
	qs->addr_validated = true;
	if (info.kind == QUIC_TOKEN_RETRY) {
		qs->retried = true;
		qs->odcid = info.odcid;
		qs->retry_scid.len = h->dcid_len;
		memcpy(qs->retry_scid.data, h->dcid, h->dcid_len);
	}
	return 0;
}

/* RFC 9000 17.2.5.2: which Retry a client may act on at all. */
static bool quic_retry_acceptable(struct sock *sk,
				  const struct quic_packet_hdr *h)
{
	struct quic_sock *qs = quic_sk(sk);

	return quic_conn_awaits_server(sk) &&
	       h->version == qs->version && h->token_len &&
	       h->token_len <= U8_MAX &&
	       !(h->scid_len == qs->dcid.cid.len &&
		 !memcmp(h->scid, qs->dcid.cid.data, h->scid_len));
}

/* The Retry Integrity Tag, against the DCID our Initials carried (5.8). */
static bool quic_retry_authentic(struct sock *sk,
				 const struct quic_packet_hdr *h,
				 const u8 *pkt)
{
	struct quic_sock *qs = quic_sk(sk);
	u32 len = h->len - QUIC_RETRY_TAG_LEN;
	u8 *pseudo;
	int plen;
	bool ok;

	pseudo = kmalloc(1 + QUIC_CID_MAX_LEN + len, GFP_ATOMIC);
	if (!pseudo)
		return false;
	plen = quic_retry_pseudo_packet(pseudo, 1 + QUIC_CID_MAX_LEN + len,
					qs->odcid.data, qs->odcid.len, pkt,
					len);
	ok = plen > 0 && !quic_crypto_retry_verify(h->version, pseudo, plen,
						    h->tag);
	kfree(pseudo);
	return ok;
}

/* Act on an authentic Retry; process context, socket owned. */
static int quic_retry_apply(struct sock *sk, const struct quic_packet_hdr *h)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_crypto *c;
	u8 *token;
	int err;

	token = kmemdup(h->token, h->token_len, GFP_KERNEL);
	if (!token)
		return -ENOMEM;
	err = quic_conn_level_crypto(sk, QUIC_CRYPTO_INITIAL, &c);
	if (!err)
		err = quic_crypto_initial_keys(c, qs->version, h->scid,
					       h->scid_len, false);
	if (err) {
		kfree(token);
		return err;
	}
	quic_conn_set_token(qs, token, h->token_len, true);
	qs->retried = true;
	qs->retry_scid.len = h->scid_len;
	memcpy(qs->retry_scid.data, h->scid, h->scid_len);
	qs->dcid.cid = qs->retry_scid;
	quic_conn_restart_initial(sk);
	quic_mib_inc(sock_net(sk), QUIC_MIB_RETRY_TAKEN);
	return 0;
}

/**
 * quic_retry_rcv() - a client received a Retry packet
 * @sk: socket
 * @h: its parsed header
 * @pkt: the packet; it runs to the end of the datagram
 *
 * One that passes the checks of RFC 9000 17.2.5.2 is acted on in process
 * context: new Initial keys are set up there. One that arrives in softirq
 * goes, copied, to the socket's backlog, which rx_work has processed at
 * once.
 */
void quic_retry_rcv(struct sock *sk, const struct quic_packet_hdr *h,
		    const u8 *pkt)
{
	int err;

	if (!quic_retry_acceptable(sk, h) || !quic_retry_authentic(sk, h, pkt))
		return;
	if (!in_task()) {
		quic_input_defer(sk, pkt, h->len);
		return;
	}
	err = quic_retry_apply(sk, h);
	if (err)
		quic_conn_error(sk, QUIC_TRANSPORT_ERROR_INTERNAL, 0);
}
