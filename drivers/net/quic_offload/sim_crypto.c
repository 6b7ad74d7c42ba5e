// SPDX-License-Identifier: GPL-2.0
/*
 * quicsim: the "hardware" QUIC crypto engine behind the offload interface
 * of include/net/quic_offload.h.
 *
 * Transmit: a plaintext 1-RTT datagram (skb->decrypted) of one of the
 * port's connections is sealed in place before it goes on the cable: AEAD
 * over the payload with the header as associated data, then header
 * protection (RFC 9001 5.3, 5.4).
 *
 * Receive: the receiving port looks short header packets up by UDP
 * destination and connection ID among its own connections and opens them
 * in a bounce buffer. Only a packet that opened is written back into the
 * skb, so one that did not reaches the stack exactly as it arrived.
 *
 * Keys: a connection has four key slots, [direction][key phase], each an
 * RCU pointer to a key object that never changes once published.
 * quic_dev_set_keys() builds a new object, publishes it and frees the old
 * one after a grace period; the data path runs in ndo_start_xmit
 * (transmit) and in the receiving port's NAPI poll, under rcu_read_lock().
 */

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/chacha.h>
#include <crypto/internal/simd.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/unaligned.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <asm/simd.h>

#include "sim.h"

/* First byte of a QUIC packet (RFC 9000 17.2, 17.3.1) */
#define QUICSIM_HDR_FORM_LONG	0x80
#define QUICSIM_HDR_FIXED	0x40
#define QUICSIM_HDR_KEY_PHASE	0x04
#define QUICSIM_HDR_PN_LEN	0x03
/* The bits of a short header's first byte under header protection */
#define QUICSIM_HDR_HP_BITS	0x1f

/* Header protection: sample and mask (RFC 9001 5.4.2) */
#define QUICSIM_SAMPLE_OFF	4
#define QUICSIM_SAMPLE_LEN	16
#define QUICSIM_MASK_LEN	5

#define QUICSIM_CHACHA_ROUNDS	20
#define QUICSIM_CHACHA_KEY_WORDS	(CHACHA_KEY_SIZE / sizeof(u32))
#define QUICSIM_PHASES		2

/**
 * struct quicsim_key - one key slot's content; immutable once published
 * @aead: the payload AEAD, synchronous
 * @req: its one request, preallocated
 * @simd_req: for AES-GCM where the architecture has one, a request of its
 *	SIMD AEAD, used where the FPU is (see quicsim_key_set_simd()); NULL
 *	otherwise
 * @lock: serialises use of @req and @simd_req
 * @cipher: QUIC_OFFLOAD_* cipher
 * @iv: AEAD IV
 * @hp: header protection key: AES key schedule, or ChaCha20 key words
 * @hp.aes: AES key schedule
 * @hp.chacha: ChaCha20 key as little-endian words
 * @rcu: frees a replaced key after a grace period
 */
struct quicsim_key {
	struct crypto_aead *aead;
	struct aead_request *req;
	struct aead_request *simd_req;
	spinlock_t lock;	/* serialises use of @req and @simd_req */
	u32 cipher;
	u8 iv[QUIC_OFFLOAD_IV_LEN];
	union {
		struct crypto_aes_ctx aes;
		u32 chacha[QUICSIM_CHACHA_KEY_WORDS];
	} hp;
	struct rcu_head rcu;
};

/**
 * struct quicsim_conn - the driver's state of one connection (drv_priv)
 * @node: on the port's @conns, RCU
 * @ctx: the stack's context
 * @keys_mutex: serialises replacing the slots of @keys
 * @keys: key slots, [enum quic_offload_dir][key phase], RCU
 * @rx_next: largest packet number opened + 1; 0 for none, so that the
 *	stack's U64_MAX for none compares the same way once incremented
 */
struct quicsim_conn {
	struct list_head node;
	struct quic_offload_ctx *ctx;
	struct mutex keys_mutex;	/* serialises replacing @keys */
	struct quicsim_key __rcu *keys[2][QUICSIM_PHASES];
	u64 rx_next;
};

/**
 * struct quicsim_udp - where a datagram's QUIC packet lies in an skb
 * @family: AF_INET or AF_INET6
 * @thoff: UDP header offset, from skb->data
 * @off: UDP payload offset, from skb->data
 * @len: UDP payload length
 * @dport: UDP destination port
 * @saddr: IP source address
 * @daddr: IP destination address
 */
struct quicsim_udp {
	int family;
	unsigned int thoff;
	unsigned int off;
	unsigned int len;
	__be16 dport;
	union {
		__be32 v4;
		struct in6_addr v6;
	} saddr, daddr;
};

static void quicsim_skb_set_decrypted(struct sk_buff *skb, bool decrypted)
{
#ifdef CONFIG_SKB_DECRYPTED
	skb->decrypted = decrypted;
#endif
}

/* Failure injection: take one of the next @budget calls that must fail. */
static bool quicsim_fail_take(u32 *budget)
{
	u32 old = READ_ONCE(*budget);

	do {
		if (!old)
			return false;
	} while (!try_cmpxchg(budget, &old, old - 1));
	return true;
}

/* ---- Key objects ---- */

static void quicsim_key_free(struct quicsim_key *key)
{
	if (!key)
		return;
	aead_request_free(key->req);
	if (key->aead)
		crypto_free_aead(key->aead);
	if (key->simd_req) {
		struct crypto_aead *simd = crypto_aead_reqtfm(key->simd_req);

		aead_request_free(key->simd_req);
		crypto_free_aead(simd);
	}
	/* The header protection key lives in the object itself. */
	kfree_sensitive(key);
}

static void quicsim_key_free_rcu(struct rcu_head *head)
{
	quicsim_key_free(container_of(head, struct quicsim_key, rcu));
}

/* The crypto API name of @keys' AEAD, or NULL if the keys are malformed. */
static const char *quicsim_aead_name(const struct quic_offload_keys *keys)
{
	switch (keys->cipher) {
	case QUIC_OFFLOAD_AES_128_GCM:
		return keys->key_len == AES_KEYSIZE_128 ? "gcm(aes)" : NULL;
	case QUIC_OFFLOAD_AES_256_GCM:
		return keys->key_len == AES_KEYSIZE_256 ? "gcm(aes)" : NULL;
	case QUIC_OFFLOAD_CHACHA20_POLY1305:
		return keys->key_len == CHACHA_KEY_SIZE ?
		       "rfc7539(chacha20,poly1305)" : NULL;
	}
	return NULL;
}

static int quicsim_key_set_aead(struct quicsim_key *key, const char *name,
				const struct quic_offload_keys *keys)
{
	struct crypto_aead *aead;
	int err;

	/* The engine runs in softirq: only a synchronous AEAD will do. */
	aead = crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(aead))
		return PTR_ERR(aead);
	key->aead = aead;
	if (WARN_ON_ONCE(crypto_aead_ivsize(aead) != QUIC_OFFLOAD_IV_LEN))
		return -EINVAL;
	err = crypto_aead_setkey(aead, keys->key, keys->key_len);
	if (!err)
		err = crypto_aead_setauthsize(aead, QUIC_OFFLOAD_TAG_LEN);
	if (err)
		return err;
	key->req = aead_request_alloc(aead, GFP_KERNEL);
	if (!key->req)
		return -ENOMEM;
	aead_request_set_callback(key->req, 0, NULL, NULL);
	return 0;
}

/*
 * AES-GCM also gets the architecture's SIMD implementation, which the
 * crypto API offers only as an internal algorithm behind an asynchronous
 * wrapper: several times faster than the generic template, and usable
 * wherever crypto_simd_usable() says the FPU is. A "hardware" as fast as
 * the stack's own cipher keeps the benchmark's offload rows about the
 * stack's offload path rather than about the simulator. Optional: without
 * it the generic template serves every packet.
 */
static void quicsim_key_set_simd(struct quicsim_key *key,
				 const struct quic_offload_keys *keys)
{
	struct aead_request *req;
	struct crypto_aead *simd;

	if (keys->cipher == QUIC_OFFLOAD_CHACHA20_POLY1305)
		return;
	simd = crypto_alloc_aead("__gcm(aes)", CRYPTO_ALG_INTERNAL,
				 CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC |
				 CRYPTO_NOLOAD);
	if (IS_ERR(simd))
		return;
	req = NULL;
	if (!crypto_aead_setkey(simd, keys->key, keys->key_len) &&
	    !crypto_aead_setauthsize(simd, QUIC_OFFLOAD_TAG_LEN))
		req = aead_request_alloc(simd, GFP_KERNEL);
	if (!req) {
		crypto_free_aead(simd);
		return;
	}
	aead_request_set_callback(req, 0, NULL, NULL);
	key->simd_req = req;
}

/* Precompute the header protection key, so the data path never sets one. */
static int quicsim_key_set_hp(struct quicsim_key *key,
			      const struct quic_offload_keys *keys)
{
	unsigned int i;

	if (keys->cipher != QUIC_OFFLOAD_CHACHA20_POLY1305)
		return aes_expandkey(&key->hp.aes, keys->hp_key, keys->key_len);
	for (i = 0; i < ARRAY_SIZE(key->hp.chacha); i++)
		key->hp.chacha[i] = get_unaligned_le32(keys->hp_key + 4 * i);
	return 0;
}

static struct quicsim_key *
quicsim_key_alloc(const struct quic_offload_keys *keys)
{
	const char *name = quicsim_aead_name(keys);
	struct quicsim_key *key;
	int err;

	if (!name)
		return ERR_PTR(-EINVAL);
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&key->lock);
	key->cipher = keys->cipher;
	memcpy(key->iv, keys->iv, sizeof(key->iv));
	err = quicsim_key_set_aead(key, name, keys);
	if (!err)
		err = quicsim_key_set_hp(key, keys);
	if (!err)
		quicsim_key_set_simd(key, keys);
	if (err) {
		quicsim_key_free(key);
		return ERR_PTR(err);
	}
	return key;
}

/* ---- Packet protection (RFC 9001 5.3, 5.4) ---- */

static unsigned int quicsim_pn_len(u8 first)
{
	return (first & QUICSIM_HDR_PN_LEN) + 1;
}

static unsigned int quicsim_key_phase(u8 first)
{
	return !!(first & QUICSIM_HDR_KEY_PHASE);
}

static u32 quicsim_pn_read(const u8 *p, unsigned int len)
{
	u32 v = 0;

	while (len--)
		v = (v << 8) | *p++;
	return v;
}

/* The header protection mask of @sample (RFC 9001 5.4.3, 5.4.4). */
static void quicsim_hp_mask(const struct quicsim_key *key, const u8 *sample,
			    u8 *mask)
{
	static const u8 zeros[QUICSIM_MASK_LEN];
	u32 state[CHACHA_STATE_WORDS];
	u8 block[AES_BLOCK_SIZE];

	if (key->cipher == QUIC_OFFLOAD_CHACHA20_POLY1305) {
		/* The sample is the counter (4 bytes LE) and the nonce. */
		chacha_init(state, key->hp.chacha, sample);
		chacha_crypt(state, mask, zeros, QUICSIM_MASK_LEN,
			     QUICSIM_CHACHA_ROUNDS);
		memzero_explicit(state, sizeof(state));
		return;
	}
	aes_encrypt(&key->hp.aes, block, sample);
	memcpy(mask, block, QUICSIM_MASK_LEN);
	memzero_explicit(block, sizeof(block));
}

/*
 * Apply (@protect) or remove the header protection of the short header
 * packet @pkt whose packet number starts at @pn_off. The caller has checked
 * that the sample lies inside the packet.
 *
 * Return: the packet number length, read from the first byte where it is
 * in clear: before protecting, after unprotecting.
 */
static unsigned int quicsim_hp_toggle(const struct quicsim_key *key, u8 *pkt,
				      unsigned int pn_off, bool protect)
{
	u8 mask[QUICSIM_MASK_LEN];
	unsigned int pn_len, i;

	quicsim_hp_mask(key, pkt + pn_off + QUICSIM_SAMPLE_OFF, mask);
	pn_len = quicsim_pn_len(pkt[0]);
	pkt[0] ^= mask[0] & QUICSIM_HDR_HP_BITS;
	if (!protect)
		pn_len = quicsim_pn_len(pkt[0]);
	for (i = 0; i < pn_len; i++)
		pkt[pn_off + i] ^= mask[1 + i];
	return pn_len;
}

/*
 * Seal (@enc) or open @pkt in place: @ad_len bytes of header, then @len
 * bytes to encrypt (followed by room for the tag) or to decrypt (the tag
 * included), with the nonce of packet number @pn.
 */
static int quicsim_aead(struct quicsim_key *key, u8 *pkt, unsigned int ad_len,
			unsigned int len, u64 pn, bool enc)
{
	u8 nonce[QUIC_OFFLOAD_IV_LEN];
	struct aead_request *req;
	struct scatterlist sg;
	unsigned int i;
	int err;

	memcpy(nonce, key->iv, sizeof(nonce));
	for (i = 0; i < sizeof(pn); i++)
		nonce[sizeof(nonce) - 1 - i] ^= (u8)(pn >> (8 * i));
	sg_init_one(&sg, pkt, ad_len + len + (enc ? QUIC_OFFLOAD_TAG_LEN : 0));

	/*
	 * One request per key, allocated with it, rather than one per packet
	 * with GFP_ATOMIC: the engine then cannot fail for memory. The lock
	 * is uncontended in practice: a connection's transmit is serialised
	 * by its port's queue, its receive by the port's NAPI poll. The AEAD
	 * is synchronous, so the request is done when the call returns. Plain
	 * spin_lock(): we always run with BHs off (ndo_start_xmit, and the
	 * poll, threaded or not).
	 */
	spin_lock(&key->lock);
	req = key->simd_req && crypto_simd_usable() ? key->simd_req : key->req;
	aead_request_set_crypt(req, &sg, &sg, len, nonce);
	aead_request_set_ad(req, ad_len);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	spin_unlock(&key->lock);
	return err;
}

/*
 * Seal the short header packet @pkt of @conn in place: @len bytes, the
 * room for the tag at the end included.
 */
static int quicsim_seal(struct quicsim_conn *conn, u8 *pkt, unsigned int len)
{
	const struct quic_offload_ctx *ctx = conn->ctx;
	unsigned int pn_off = 1 + ctx->dcid_len, pn_len, hdr_len;
	struct quicsim_key *key;
	u32 truncated;
	u64 pn;
	int err;

	/* The sample's bound also leaves room for a 4-byte number + tag. */
	if (len < pn_off + QUICSIM_SAMPLE_OFF + QUICSIM_SAMPLE_LEN ||
	    (pkt[0] & QUICSIM_HDR_FORM_LONG))
		return -EINVAL;
	key = rcu_dereference(conn->keys[QUIC_OFFLOAD_TX]
					[quicsim_key_phase(pkt[0])]);
	if (!key)
		return -ENOKEY;
	pn_len = quicsim_pn_len(pkt[0]);
	hdr_len = pn_off + pn_len;
	truncated = quicsim_pn_read(pkt + pn_off, pn_len);
	if (!quic_offload_pn_decode(quic_offload_tx_pn_ref(ctx), truncated,
				    pn_len, &pn))
		return -EINVAL;
	err = quicsim_aead(key, pkt, hdr_len,
			   len - hdr_len - QUIC_OFFLOAD_TAG_LEN, pn, true);
	if (err)
		return err;
	quicsim_hp_toggle(key, pkt, pn_off, true);
	return 0;
}

/*
 * The header protection key of @conn's receive side. Key updates do not
 * change it (RFC 9001 6), so either installed phase has it: we need it
 * before the key phase bit can be read.
 */
static struct quicsim_key *quicsim_rx_hp_key(struct quicsim_conn *conn)
{
	struct quicsim_key *key;
	unsigned int phase;

	for (phase = 0; phase < QUICSIM_PHASES; phase++) {
		key = rcu_dereference(conn->keys[QUIC_OFFLOAD_RX][phase]);
		if (key)
			return key;
	}
	return NULL;
}

/* The larger of our largest opened and the stack's; U64_MAX for none. */
static u64 quicsim_rx_pn_ref(const struct quicsim_conn *conn)
{
	u64 ours = READ_ONCE(conn->rx_next);
	u64 stack = quic_offload_rx_pn_ref(conn->ctx) + 1;

	return max(ours, stack) - 1;
}

static void quicsim_rx_pn_seen(struct quicsim_conn *conn, u64 pn)
{
	u64 old = READ_ONCE(conn->rx_next);

	do {
		if (old > pn)
			return;
	} while (!try_cmpxchg64(&conn->rx_next, &old, pn + 1));
}

/*
 * Open the short header packet @pkt (@len bytes) of @conn in place. On
 * success @plain_len is the length of the header and plaintext, @pn the
 * full packet number. -ENOKEY: no key for it; -EBADMSG: it does not open.
 */
static int quicsim_open(struct quicsim_conn *conn, u8 *pkt, unsigned int len,
			unsigned int *plain_len, u64 *pn)
{
	unsigned int pn_off = 1 + conn->ctx->scid_len, pn_len, hdr_len;
	struct quicsim_key *key;
	int err;

	if (len < pn_off + QUICSIM_SAMPLE_OFF + QUICSIM_SAMPLE_LEN)
		return -EBADMSG;
	key = quicsim_rx_hp_key(conn);
	if (!key)
		return -ENOKEY;
	pn_len = quicsim_hp_toggle(key, pkt, pn_off, false);
	hdr_len = pn_off + pn_len;
	key = rcu_dereference(conn->keys[QUIC_OFFLOAD_RX]
					[quicsim_key_phase(pkt[0])]);
	if (!key)
		return -ENOKEY;
	if (!quic_offload_pn_decode(quicsim_rx_pn_ref(conn),
				    quicsim_pn_read(pkt + pn_off, pn_len),
				    pn_len, pn))
		return -EBADMSG;
	err = quicsim_aead(key, pkt, hdr_len, len - hdr_len, *pn, false);
	if (err)
		return err;
	*plain_len = len - QUIC_OFFLOAD_TAG_LEN;
	return 0;
}

/* ---- Finding the datagram in the frame ---- */

static int quicsim_ipv4_find(const struct sk_buff *skb, unsigned int nhoff,
			     struct quicsim_udp *u)
{
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5 ||
	    iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
		return -EINVAL;
	u->family = AF_INET;
	u->saddr.v4 = iph->saddr;
	u->daddr.v4 = iph->daddr;
	u->thoff = nhoff + iph->ihl * 4;
	return 0;
}

/* UDP right after the fixed header only: that rules out fragments too. */
static int quicsim_ipv6_find(const struct sk_buff *skb, unsigned int nhoff,
			     struct quicsim_udp *u)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;

	ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6 || ip6h->nexthdr != IPPROTO_UDP)
		return -EINVAL;
	u->family = AF_INET6;
	u->saddr.v6 = ip6h->saddr;
	u->daddr.v6 = ip6h->daddr;
	u->thoff = nhoff + sizeof(*ip6h);
	return 0;
}

/* Locate the UDP datagram whose IP header is at @nhoff in @skb. */
static int quicsim_udp_find(const struct sk_buff *skb, unsigned int nhoff,
			    struct quicsim_udp *u)
{
	const struct udphdr *uh;
	struct udphdr _uh;
	unsigned int ulen;
	int err;

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		err = quicsim_ipv4_find(skb, nhoff, u);
		break;
	case htons(ETH_P_IPV6):
		err = quicsim_ipv6_find(skb, nhoff, u);
		break;
	default:
		err = -EPROTONOSUPPORT;
	}
	if (err)
		return err;
	uh = skb_header_pointer(skb, u->thoff, sizeof(_uh), &_uh);
	if (!uh)
		return -EINVAL;
	/* The UDP length, not the frame's: a frame may carry padding. */
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len - u->thoff)
		return -EINVAL;
	u->dport = uh->dest;
	u->off = u->thoff + sizeof(*uh);
	u->len = ulen - sizeof(*uh);
	return 0;
}

/* The UDP checksum over the datagram as it is now (0: it verifies). */
static __sum16 quicsim_udp_csum(const struct sk_buff *skb,
				const struct quicsim_udp *u)
{
	unsigned int ulen = u->len + sizeof(struct udphdr);
	__wsum sum = skb_checksum(skb, u->thoff, ulen, 0);

	if (u->family == AF_INET)
		return csum_tcpudp_magic(u->saddr.v4, u->daddr.v4, ulen,
					 IPPROTO_UDP, sum);
	return csum_ipv6_magic(&u->saddr.v6, &u->daddr.v6, ulen, IPPROTO_UDP,
			       sum);
}

/* ---- Transmit ---- */

/*
 * The payload changed under the UDP checksum. A CHECKSUM_PARTIAL one is
 * still to be completed, and the cable, like veth, delivers it as valid:
 * nothing to do. One the stack computed over the plaintext we redo.
 */
static void quicsim_tx_csum(struct sk_buff *skb, const struct quicsim_udp *u)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + u->thoff);

	if (skb->ip_summed == CHECKSUM_PARTIAL || !uh->check)
		return;
	uh->check = 0;
	uh->check = quicsim_udp_csum(skb, u);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

static int quicsim_tx_seal(struct quicsim_port *port,
			   struct quicsim_conn *conn, struct sk_buff *skb)
{
	struct quicsim_udp u;
	int err;

	/* Without NETIF_F_GSO_UDP_L4 the core segments before we see it. */
	if (skb_is_gso(skb))
		return -EINVAL;
	/* Linear and our own: a packet tap may hold a clone of the plaintext */
	err = skb_ensure_writable(skb, skb->len);
	if (err)
		return err;
	err = quicsim_udp_find(skb, skb_network_offset(skb), &u);
	if (err)
		return err;
	err = quicsim_seal(conn, skb->data + u.off, u.len);
	if (err)
		return err;
	quicsim_tx_csum(skb, &u);
	atomic64_inc(&port->stats.tx_encrypted);
	atomic64_add(u.len, &port->stats.tx_encrypted_bytes);
	return 0;
}

/**
 * quicsim_crypto_tx() - the transmit engine: seal a plaintext datagram
 * @port: the sending port
 * @skb: the frame, about to go on the cable
 *
 * Context: ndo_start_xmit, under rcu_read_lock().
 * Return: 0 if @skb may go (sealed, or not the engine's), -errno if it
 * must be dropped: plaintext that this port cannot protect.
 */
int quicsim_crypto_tx(struct quicsim_port *port, struct sk_buff *skb)
{
	struct quic_offload_ctx *ctx;
	int err;

	if (!skb_is_decrypted(skb))
		return 0;
	ctx = quic_offload_tx_ctx(skb);
	if (!ctx || ctx->netdev != port->netdev || !ctx->drv_priv ||
	    !quicsim_offload_enabled(port)) {
		atomic64_inc(&port->stats.tx_no_ctx);
		return -ENOENT;
	}
	err = quicsim_tx_seal(port, ctx->drv_priv, skb);
	if (err) {
		atomic64_inc(&port->stats.tx_errors);
		return err;
	}
	quicsim_skb_set_decrypted(skb, false);
	return 0;
}

/* ---- Receive ---- */

/* Does @u arrive for @ctx's local address and port? */
static bool quicsim_local_match(const struct quic_offload_ctx *ctx,
				const struct quicsim_udp *u)
{
	const struct in6_addr *a6 = &ctx->local.v6.sin6_addr;
	__be32 a4 = ctx->local.v4.sin_addr.s_addr;

	if (ctx->family == AF_INET)
		return ctx->local.v4.sin_port == u->dport &&
		       u->family == AF_INET &&
		       (a4 == htonl(INADDR_ANY) || a4 == u->daddr.v4);
	if (ctx->local.v6.sin6_port != u->dport)
		return false;
	/* An IPv6 socket may also receive IPv4, as v4-mapped addresses. */
	if (ipv6_addr_any(a6))
		return true;
	if (u->family == AF_INET)
		return ipv6_addr_v4mapped(a6) &&
		       a6->s6_addr32[3] == u->daddr.v4;
	return ipv6_addr_equal(a6, &u->daddr.v6);
}

/* The connection of @port a short header with @cid (@room bytes) is for. */
static struct quicsim_conn *quicsim_conn_lookup(struct quicsim_port *port,
						const struct quicsim_udp *u,
						const u8 *cid,
						unsigned int room)
{
	struct quicsim_conn *conn;

	list_for_each_entry_rcu(conn, &port->conns, node) {
		const struct quic_offload_ctx *ctx = conn->ctx;

		if (ctx->scid_len <= room && quicsim_local_match(ctx, u) &&
		    !memcmp(cid, ctx->scid, ctx->scid_len))
			return conn;
	}
	return NULL;
}

/* We mark a datagram CHECKSUM_UNNECESSARY only if its checksum is good. */
static bool quicsim_rx_csum_ok(const struct sk_buff *skb,
			       const struct quicsim_udp *u)
{
	const __sum16 *check;
	__sum16 _check;

	if (skb->ip_summed == CHECKSUM_PARTIAL ||
	    skb->ip_summed == CHECKSUM_UNNECESSARY)
		return true;
	check = skb_header_pointer(skb,
				   u->thoff + offsetof(struct udphdr, check),
				   sizeof(_check), &_check);
	if (!check)
		return false;
	if (!*check && u->family == AF_INET)
		return true;
	return !quicsim_udp_csum(skb, u);
}

/* Put the opened packet (@len bytes of @buf) in place of the sealed one. */
static int quicsim_rx_commit(struct sk_buff *skb, const struct quicsim_udp *u,
			     const u8 *buf, unsigned int len)
{
	int err;

	/* May unshare or pull: fails with the skb as it was */
	err = skb_ensure_writable(skb, u->off + len);
	if (err)
		return err;
	memcpy(skb->data + u->off, buf, len);
	quicsim_skb_set_decrypted(skb, true);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = 0;
	return 0;
}

static void quicsim_rx_count(struct quicsim_port *port, int err,
			     unsigned int len)
{
	struct quicsim_stats *s = &port->stats;

	switch (err) {
	case 0:
		atomic64_inc(&s->rx_decrypted);
		atomic64_add(len, &s->rx_decrypted_bytes);
		break;
	case -ENOKEY:
		atomic64_inc(&s->rx_no_key);
		break;
	case -EBADMSG:
		atomic64_inc(&s->rx_auth_fail);
		break;
	default:
		atomic64_inc(&s->rx_errors);
	}
}

/*
 * Open the datagram @u of @conn. We work on a copy: a packet that does not
 * open (a forgery, a phase without a key) must reach the stack exactly as
 * it arrived, and the AEAD writes the plaintext before it knows the tag is
 * bad. kmalloc() rather than a per-port scratch buffer: receive of two
 * connections then need not serialise, and the simulator may be slow.
 */
static void quicsim_rx_open(struct quicsim_port *port,
			    struct quicsim_conn *conn, struct sk_buff *skb,
			    const struct quicsim_udp *u)
{
	unsigned int plain_len;
	u64 pn = 0;
	u8 *buf;
	int err;

	buf = kmalloc(u->len, GFP_ATOMIC);
	if (!buf) {
		quicsim_rx_count(port, -ENOMEM, u->len);
		return;
	}
	err = skb_copy_bits(skb, u->off, buf, u->len);
	if (!err)
		err = quicsim_open(conn, buf, u->len, &plain_len, &pn);
	if (!err)
		err = quicsim_rx_commit(skb, u, buf, plain_len);
	kfree_sensitive(buf);
	if (!err)
		quicsim_rx_pn_seen(conn, pn);
	quicsim_rx_count(port, err, u->len);
}

/**
 * quicsim_crypto_rx() - the receive engine: open a datagram if it is ours
 * @port: the receiving port
 * @skb: the frame, its Ethernet header pulled (skb->data at the IP header)
 *
 * A short header packet for one of @port's connections is opened in place
 * and marked decrypted; anything else is left exactly as it is.
 *
 * Context: the port's NAPI poll (sim_main.c), under rcu_read_lock().
 */
void quicsim_crypto_rx(struct quicsim_port *port, struct sk_buff *skb)
{
	u8 _hdr[1 + QUIC_OFFLOAD_CID_MAX_LEN];
	struct quicsim_conn *conn;
	struct quicsim_udp u;
	unsigned int room;
	const u8 *hdr;

	if (!READ_ONCE(port->rx_offload) || !quicsim_offload_enabled(port) ||
	    list_empty(&port->conns))
		return;
	if (quicsim_udp_find(skb, 0, &u) || !u.len)
		return;
	room = min_t(unsigned int, u.len, sizeof(_hdr));
	hdr = skb_header_pointer(skb, u.off, room, _hdr);
	if (!hdr ||
	    (hdr[0] & (QUICSIM_HDR_FORM_LONG | QUICSIM_HDR_FIXED)) !=
	    QUICSIM_HDR_FIXED)
		return;
	conn = quicsim_conn_lookup(port, &u, hdr + 1, room - 1);
	if (conn && quicsim_rx_csum_ok(skb, &u))
		quicsim_rx_open(port, conn, skb, &u);
}

/* ---- The offload operations ---- */

static int quicsim_dev_add(struct net_device *dev,
			   struct quic_offload_ctx *ctx)
{
	struct quicsim_port *port = netdev_priv(dev);
	struct quicsim_conn *conn;

	if (quicsim_fail_take(&port->fail_add))
		return -EIO;
	if (ctx->scid_len > QUIC_OFFLOAD_CID_MAX_LEN ||
	    ctx->dcid_len > QUIC_OFFLOAD_CID_MAX_LEN ||
	    (ctx->family != AF_INET && ctx->family != AF_INET6))
		return -EINVAL;
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return -ENOMEM;
	conn->ctx = ctx;
	mutex_init(&conn->keys_mutex);
	ctx->drv_priv = conn;

	spin_lock(&port->conns_lock);
	list_add_tail_rcu(&conn->node, &port->conns);
	spin_unlock(&port->conns_lock);
	atomic_inc(&port->contexts);
	return 0;
}

/* Free @conn and its keys; nothing may reach it any more. */
static void quicsim_conn_free(struct quicsim_conn *conn)
{
	unsigned int dir, phase;
	struct quicsim_key *key;

	for (dir = 0; dir < ARRAY_SIZE(conn->keys); dir++) {
		for (phase = 0; phase < QUICSIM_PHASES; phase++) {
			key = rcu_dereference_protected(conn->keys[dir][phase],
							true);
			quicsim_key_free(key);
		}
	}
	mutex_destroy(&conn->keys_mutex);
	kfree(conn);
}

static void quicsim_dev_del(struct net_device *dev,
			    struct quic_offload_ctx *ctx)
{
	struct quicsim_port *port = netdev_priv(dev);
	struct quicsim_conn *conn = ctx->drv_priv;

	if (!conn)
		return;
	spin_lock(&port->conns_lock);
	list_del_rcu(&conn->node);
	spin_unlock(&port->conns_lock);
	atomic_dec(&port->contexts);
	/*
	 * The stack has no plaintext of @ctx in flight to us, but the peer's
	 * transmit may be opening a packet of it on our behalf.
	 */
	synchronize_net();
	ctx->drv_priv = NULL;
	quicsim_conn_free(conn);
}

static int quicsim_dev_set_keys(struct net_device *dev,
				struct quic_offload_ctx *ctx,
				enum quic_offload_dir dir, u8 phase,
				const struct quic_offload_keys *keys)
{
	struct quicsim_port *port = netdev_priv(dev);
	struct quicsim_conn *conn = ctx->drv_priv;
	struct quicsim_key *key, *old;

	if (quicsim_fail_take(&port->fail_set_keys))
		return -EIO;
	if (!conn || (dir != QUIC_OFFLOAD_TX && dir != QUIC_OFFLOAD_RX) ||
	    phase >= QUICSIM_PHASES)
		return -EINVAL;
	key = quicsim_key_alloc(keys);
	if (IS_ERR(key))
		return PTR_ERR(key);

	mutex_lock(&conn->keys_mutex);
	old = rcu_replace_pointer(conn->keys[dir][phase], key,
				  lockdep_is_held(&conn->keys_mutex));
	mutex_unlock(&conn->keys_mutex);
	/*
	 * The stack never replaces the phase in use, but a late packet of
	 * the old key may still be in the engine: free it after a grace
	 * period. Not synchronize_net() here: the stack installs a key
	 * update's slots one after the other (send, then receive), and the
	 * peer may already use the new phase; every grace period we waited
	 * would be a window in which its packets reach the receive slot's
	 * old key and go to the software path. (Like macsec, we free the
	 * transform from the RCU callback; quicsim_crypto_drain() waits for
	 * the callbacks before the module goes.)
	 */
	if (old)
		call_rcu(&old->rcu, quicsim_key_free_rcu);
	atomic64_inc(&port->stats.keys_installed);
	return 0;
}

static bool quicsim_dev_enabled(const struct net_device *dev)
{
	return quicsim_offload_enabled(netdev_priv(dev));
}

const struct quic_offload_ops quicsim_quic_ops = {
	.quic_dev_add		= quicsim_dev_add,
	.quic_dev_del		= quicsim_dev_del,
	.quic_dev_set_keys	= quicsim_dev_set_keys,
	.quic_dev_enabled	= quicsim_dev_enabled,
};

/* Set up @port's engine, before the port is registered. */
void quicsim_crypto_port_init(struct quicsim_port *port)
{
	INIT_LIST_HEAD(&port->conns);
	spin_lock_init(&port->conns_lock);
	port->rx_offload = true;
}

/* After quic_offload_unregister(): the stack has taken back every context */
void quicsim_crypto_port_exit(struct quicsim_port *port)
{
	WARN_ON_ONCE(!list_empty(&port->conns));
}

/* Wait for the keys quic_dev_set_keys() replaced to be freed: module exit */
void quicsim_crypto_drain(void)
{
	rcu_barrier();
}
