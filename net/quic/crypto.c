// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC packet protection on the kernel crypto API. keys.c decides every
 * byte position and derives every key; this file only drives ciphers.
 *
 * Every transform is synchronous (CRYPTO_ALG_ASYNC masked out): packets are
 * protected in process and softirq context and nothing here can wait for a
 * completion.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/internal/simd.h>
#include <crypto/aes.h>
#include <crypto/chacha.h>
#include <crypto/utils.h>
#include <linux/bottom_half.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <asm/simd.h>

#include <net/quic_offload.h>

#include "crypto.h"
#include "gcm_soft.h"

/* A QUIC packet never exceeds one UDP datagram. */
#define QUIC_CRYPTO_MAX_PKT	U16_MAX

/* Packet numbers are at most 2^62 - 1 (RFC 9000 section 12.3). */
#define QUIC_CRYPTO_PN_LIMIT	BIT_ULL(62)

/*
 * HMAC for keys.c. The shash is allocated on first use and freed when the
 * derivation ends: keys are derived a handful of times per connection, so
 * holding a transform per context would cost more than it saves.
 */
struct quic_crypto_hmac {
	struct crypto_shash *tfm;
	u8 hash;
};

static int quic_crypto_hmac(void *ctx, u8 hash, const u8 *key, u32 key_len,
			    const u8 *data, u32 data_len, u8 *out)
{
	struct quic_crypto_hmac *h = ctx;
	struct crypto_shash *tfm;
	int err;

	if (!h->tfm || h->hash != hash) {
		tfm = crypto_alloc_shash(hash == QUIC_HASH_SHA384 ?
					 "hmac(sha384)" : "hmac(sha256)", 0, 0);
		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		if (h->tfm)
			crypto_free_shash(h->tfm);
		h->tfm = tfm;
		h->hash = hash;
	}
	err = crypto_shash_setkey(h->tfm, key, key_len);
	if (!err)
		err = crypto_shash_tfm_digest(h->tfm, data, data_len, out);
	return err;
}

static const struct quic_hmac_ops quic_crypto_hmac_ops = {
	.hmac = quic_crypto_hmac,
};

static void quic_crypto_hmac_done(struct quic_crypto_hmac *h)
{
	if (h->tfm)
		crypto_free_shash(h->tfm);
	h->tfm = NULL;
}

static const char *quic_crypto_aead_name(u32 cipher)
{
	switch (cipher) {
	case QUIC_CIPHER_AES_128_CCM:
		return "ccm(aes)";
	case QUIC_CIPHER_CHACHA20_POLY1305:
		return "rfc7539(chacha20,poly1305)";
	default:
		return "gcm(aes)";
	}
}

/* Free the transform of @k, if any; its raw keys stay. */
static void quic_crypto_key_put_tfm(struct quic_crypto_key *k)
{
	if (k->req)
		aead_request_free(k->req);
	if (k->aead)
		crypto_free_aead(k->aead);
	k->req = NULL;
	k->aead = NULL;
	k->simd = false;
}

static void quic_crypto_key_clear(struct quic_crypto_key *k)
{
	quic_crypto_key_put_tfm(k);
	memzero_explicit(k, sizeof(*k));
}

static void quic_crypto_dir_clear(struct quic_crypto_dir *d)
{
	quic_crypto_key_clear(&d->key[0]);
	quic_crypto_key_clear(&d->key[1]);
	kfree_sensitive(d->hp_aes);
	memzero_explicit(d, sizeof(*d));
}

/*
 * The SIMD implementation of @cipher, used directly rather than through
 * the crypto API's asynchronous wrapper.
 *
 * Architectures register their SIMD AEADs as internal algorithms ("__"
 * names) and expose them only behind a wrapper that defers to cryptd when
 * the FPU is busy, which makes them asynchronous. Masking out
 * CRYPTO_ALG_ASYNC therefore does not select them: it builds the generic
 * gcm template over single-block AES calls, each saving and restoring the
 * FPU, several times slower per packet. A packet must be sealed or opened
 * before we return (softirq, socket lock held), so we call the internal
 * algorithm ourselves, only where crypto_simd_usable() says the FPU may be
 * used, and fall back to the FPU-free AES-GCM of gcm_soft.c elsewhere.
 */
static struct crypto_aead *
quic_crypto_simd_alloc(u32 cipher, const u8 *key, u32 key_len)
{
	/* jiffies | 1 of the last failed lookup, 0 if none */
	static unsigned long missed;
	unsigned long last = READ_ONCE(missed);
	struct crypto_aead *simd;

	if (cipher != QUIC_CIPHER_AES_128_GCM &&
	    cipher != QUIC_CIPHER_AES_256_GCM)
		return NULL;
	/*
	 * Where no SIMD AES-GCM is registered, a lookup is not cheap: the
	 * crypto manager tries to build "__gcm" as a template and asks
	 * modprobe for it, for every key. Ask again only once a minute, in
	 * case the module providing it was loaded meanwhile.
	 */
	if (last && time_before(jiffies, last + 60 * HZ))
		return NULL;
	simd = crypto_alloc_aead("__gcm(aes)", CRYPTO_ALG_INTERNAL,
				 CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC |
				 CRYPTO_NOLOAD);
	if (IS_ERR(simd)) {
		WRITE_ONCE(missed, jiffies | 1);
		return NULL;
	}
	WRITE_ONCE(missed, 0);
	if (crypto_aead_setkey(simd, key, key_len) ||
	    crypto_aead_setauthsize(simd, QUIC_TAG_LEN)) {
		crypto_free_aead(simd);
		return NULL;
	}
	return simd;
}

/* A transform usable in any context: the generic template. */
static struct crypto_aead *
quic_crypto_sync_alloc(u32 cipher, const u8 *key, u32 key_len)
{
	struct crypto_aead *aead;
	int err;

	aead = crypto_alloc_aead(quic_crypto_aead_name(cipher), 0,
				 CRYPTO_ALG_ASYNC);
	if (IS_ERR(aead))
		return aead;
	err = crypto_aead_setkey(aead, key, key_len);
	if (!err)
		err = crypto_aead_setauthsize(aead, QUIC_TAG_LEN);
	if (err) {
		crypto_free_aead(aead);
		return ERR_PTR(err);
	}
	return aead;
}

/*
 * Keys whose packets gcm_soft.c can seal and open: a slot of such a cipher
 * may hold only its raw key, with no transform, until process context
 * attaches one (quic_crypto_attach()).
 */
static bool quic_crypto_soft_capable(u32 cipher)
{
	return cipher == QUIC_CIPHER_AES_128_GCM ||
	       cipher == QUIC_CIPHER_AES_256_GCM;
}

/* A transform for the raw key of @k, which has none yet. */
static int quic_crypto_key_attach(struct quic_crypto_key *k, u32 cipher)
{
	struct aead_request *req;
	struct crypto_aead *aead;
	bool simd = true;

	aead = quic_crypto_simd_alloc(cipher, k->key, k->key_len);
	if (!aead) {
		simd = false;
		aead = quic_crypto_sync_alloc(cipher, k->key, k->key_len);
		if (IS_ERR(aead))
			return PTR_ERR(aead);
	}
	req = aead_request_alloc(aead, GFP_KERNEL);
	if (!req) {
		crypto_free_aead(aead);
		return -ENOMEM;
	}
	aead_request_set_callback(req, 0, NULL, NULL);
	k->aead = aead;
	k->req = req;
	k->simd = simd;
	return 0;
}

/*
 * Keys @k for @pk, with a transform if @attach or if only a transform can
 * serve @cipher. On failure @k keeps whatever it held.
 */
static int quic_crypto_key_set(struct quic_crypto_key *k, u32 cipher,
			       const struct quic_packet_keys *pk,
			       const u8 *secret, u32 secret_len, bool attach)
{
	struct quic_crypto_key nk = {};
	int err = 0;

	memcpy(nk.key, pk->key, pk->key_len);
	nk.key_len = pk->key_len;
	memcpy(nk.iv, pk->iv, QUIC_IV_LEN);
	memcpy(nk.secret, secret, secret_len);
	if (attach || !quic_crypto_soft_capable(cipher))
		err = quic_crypto_key_attach(&nk, cipher);
	if (!err) {
		quic_crypto_key_clear(k);
		*k = nk;
	}
	memzero_explicit(&nk, sizeof(nk));
	return err;
}

/*
 * Header protection costs one block per packet and its key never changes
 * (key updates keep it, RFC 9001 section 6), so the AES and ChaCha20
 * libraries serve it from a key kept here: no transform, which with its
 * context would take a 1 KiB allocation per direction of every connection.
 */
static int quic_crypto_hp_expand(struct quic_crypto_dir *d, gfp_t gfp)
{
	struct crypto_aes_ctx *aes;
	int err;

	aes = kmalloc(sizeof(*aes), gfp);
	if (!aes)
		return -ENOMEM;
	err = aes_expandkey(aes, d->hp_key, d->hp_key_len);
	if (err) {
		kfree_sensitive(aes);
		return err;
	}
	d->hp_aes = aes;
	return 0;
}

static int quic_crypto_hp_set(struct quic_crypto_dir *d,
			      const struct quic_packet_keys *pk)
{
	int i;

	if (d->cipher == QUIC_CIPHER_CHACHA20_POLY1305) {
		for (i = 0; i < ARRAY_SIZE(d->hp_chacha); i++)
			d->hp_chacha[i] = get_unaligned_le32(pk->hp + 4 * i);
		return 0;
	}
	memcpy(d->hp_key, pk->hp, pk->key_len);
	d->hp_key_len = pk->key_len;
	return quic_crypto_hp_expand(d, GFP_KERNEL);
}

/*
 * Derive the phase after @phase into the other slot of @d. Most
 * connections never update their keys, so for the ciphers gcm_soft.c
 * covers the slot gets only the keys; a transform (about 1 KiB with its
 * request) follows once a key update has switched to it.
 */
static int quic_crypto_next_set(struct quic_crypto_dir *d, u8 phase,
				struct quic_crypto_hmac *h)
{
	u8 secret[QUIC_SECRET_MAX_LEN];
	struct quic_packet_keys pk;
	int err;

	err = quic_keys_next_secret(&quic_crypto_hmac_ops, h, d->version,
				    d->cipher, d->key[phase].secret,
				    d->secret_len, secret);
	if (!err)
		err = quic_keys_derive(&quic_crypto_hmac_ops, h, d->version,
				       d->cipher, secret, d->secret_len, &pk);
	if (!err)
		err = quic_crypto_key_set(&d->key[!phase], d->cipher, &pk,
					  secret, d->secret_len, false);
	if (!err)
		d->next_ready = true;
	memzero_explicit(secret, sizeof(secret));
	memzero_explicit(&pk, sizeof(pk));
	return err;
}

/* Fill an empty @d from @secret; the caller clears @d on failure. */
static int quic_crypto_dir_build(struct quic_crypto_dir *d, u32 version,
				 u32 cipher, const u8 *secret, u32 len,
				 u8 phase, bool with_next)
{
	struct quic_crypto_hmac h = {};
	struct quic_packet_keys pk;
	int err;

	d->version = version;
	d->cipher = cipher;
	d->secret_len = len;
	err = quic_keys_derive(&quic_crypto_hmac_ops, &h, version, cipher,
			       secret, len, &pk);
	if (!err)
		err = quic_crypto_hp_set(d, &pk);
	if (!err)
		err = quic_crypto_key_set(&d->key[phase], cipher, &pk, secret,
					  len, true);
	/* 1-RTT: ready the next phase now, to recognise the peer's update */
	if (!err && with_next)
		err = quic_crypto_next_set(d, phase, &h);
	memzero_explicit(&pk, sizeof(pk));
	quic_crypto_hmac_done(&h);
	return err;
}

/**
 * quic_crypto_init() - prepare an empty context
 * @c: context, zeroed here
 * @one_rtt: @c will protect 1-RTT packets (key phases, plaintext mode)
 *
 * Context: any. No allocation.
 */
void quic_crypto_init(struct quic_crypto *c, bool one_rtt)
{
	memset(c, 0, sizeof(*c));
	c->one_rtt = one_rtt;
	c->rx_min_pn = U64_MAX;
}
EXPORT_SYMBOL_GPL(quic_crypto_init);

/**
 * quic_crypto_set_plaintext() - switch 1-RTT protection off or on
 * @c: a 1-RTT context
 * @on: true when both endpoints sent disable_1rtt_encryption
 *
 * With @on, quic_crypto_encrypt() and quic_crypto_decrypt() leave 1-RTT
 * packets as they are, and the packet builder reserves no tag room (see
 * quic_crypto_tag_len()). Keys may still be installed; they are unused.
 *
 * Context: any; excludes the data path as key installation does.
 * Return: 0, or -EINVAL if @c is not a 1-RTT context.
 */
int quic_crypto_set_plaintext(struct quic_crypto *c, bool on)
{
	if (!c->one_rtt)
		return -EINVAL;
	c->plaintext = on;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_crypto_set_plaintext);

/**
 * quic_crypto_tag_len() - tag room the packet builder leaves after payload
 * @c: context
 *
 * Context: any.
 * Return: QUIC_TAG_LEN, or 0 when @c is in plaintext mode.
 */
u32 quic_crypto_tag_len(const struct quic_crypto *c)
{
	return c->plaintext ? 0 : QUIC_TAG_LEN;
}
EXPORT_SYMBOL_GPL(quic_crypto_tag_len);

/**
 * quic_crypto_set_secret() - install the keys of a traffic secret
 * @c: context
 * @version: QUIC_KEYS_VERSION_* (selects the HKDF labels)
 * @cipher: QUIC_CIPHER_* of the negotiated TLS cipher suite
 * @secret: traffic secret exported by TLS
 * @len: length of @secret; must be the hash length of @cipher
 * @send: install for sending (else for receiving)
 *
 * Derives key, IV and header protection key and allocates the transforms
 * for that direction, in the slot of the current key phase. A 1-RTT
 * context also derives the next key phase at once (for AES-GCM without a
 * transform: see quic_crypto_attach()). Existing keys of that
 * direction are replaced only once everything new is allocated, so on
 * failure the direction keeps its old keys.
 *
 * Context: process context; allocates with GFP_KERNEL and may sleep. The
 * caller excludes encrypt/decrypt on @c (socket lock).
 * Return: 0; -EINVAL for an unknown version or cipher or a wrong @len;
 * -ENOMEM or -ENOENT (cipher not available) from the crypto API.
 */
int quic_crypto_set_secret(struct quic_crypto *c, u32 version, u32 cipher,
			   const u8 *secret, u32 len, bool send)
{
	struct quic_crypto_dir *d = send ? &c->tx : &c->rx;
	struct quic_crypto_dir nd = {};
	struct quic_cipher_params p;
	int err;

	if (!secret || quic_cipher_params(cipher, &p) || len != p.secret_len)
		return -EINVAL;
	err = quic_crypto_dir_build(&nd, version, cipher, secret, len,
				    c->key_phase, c->one_rtt);
	if (err) {
		quic_crypto_dir_clear(&nd);
		return err;
	}
	quic_crypto_dir_clear(d);
	*d = nd;
	d->ready = true;
	memzero_explicit(&nd, sizeof(nd));
	if (!send) {
		quic_crypto_drop_prev(c);
		c->rx_min_phase = c->key_phase;
		c->rx_min_pn = U64_MAX;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(quic_crypto_set_secret);

/**
 * quic_crypto_initial_keys() - install Initial keys for both directions
 * @c: the Initial context
 * @version: QUIC_KEYS_VERSION_* of the Initial packets
 * @dcid: Destination Connection ID of the client's first Initial packet
 * @dcid_len: length of @dcid, at most QUIC_KEYS_DCID_MAX_LEN
 * @is_server: we are the server (send with the server secret)
 *
 * Also called again after a Retry or a compatible version change, which
 * change the DCID or the version the keys derive from.
 *
 * Context: process context, may sleep; caller excludes the data path.
 * Return: 0, or an error of quic_crypto_set_secret(); on error @c holds no
 * keys at all, so a half-installed pair is never used.
 */
int quic_crypto_initial_keys(struct quic_crypto *c, u32 version,
			     const u8 *dcid, u8 dcid_len, bool is_server)
{
	u8 client[QUIC_INITIAL_SECRET_LEN], server[QUIC_INITIAL_SECRET_LEN];
	struct quic_crypto_hmac h = {};
	int err;

	err = quic_keys_initial_secrets(&quic_crypto_hmac_ops, &h, version,
					dcid, dcid_len, client, server);
	quic_crypto_hmac_done(&h);
	if (!err)
		err = quic_crypto_set_secret(c, version,
					     QUIC_CIPHER_AES_128_GCM,
					     is_server ? server : client,
					     QUIC_INITIAL_SECRET_LEN, true);
	if (!err)
		err = quic_crypto_set_secret(c, version,
					     QUIC_CIPHER_AES_128_GCM,
					     is_server ? client : server,
					     QUIC_INITIAL_SECRET_LEN, false);
	if (err)
		quic_crypto_free(c);
	memzero_explicit(client, sizeof(client));
	memzero_explicit(server, sizeof(server));
	return err;
}
EXPORT_SYMBOL_GPL(quic_crypto_initial_keys);

/*
 * Key slot of a packet: short headers of a 1-RTT context name their phase
 * in the key phase bit, everything else uses the current phase.
 */
static struct quic_crypto_key *quic_crypto_pick(const struct quic_crypto *c,
						struct quic_crypto_dir *d,
						u8 first)
{
	u8 phase = c->key_phase;

	if (!d->ready)
		return NULL;
	if (c->one_rtt && !(first & QUIC_HP_LONG_HEADER))
		phase = !!(first & QUIC_HP_KEY_PHASE);
	return d->key[phase].key_len ? &d->key[phase] : NULL;
}

/* The nonce in the form the AEAD template takes its IV. */
static void quic_crypto_nonce(struct quic_crypto_dir *d,
			      const struct quic_crypto_key *k, u64 pn)
{
	u8 *nonce = d->iv_buf;

	memset(d->iv_buf, 0, sizeof(d->iv_buf));
	if (d->cipher == QUIC_CIPHER_AES_128_CCM) {
		/* ccm(aes): flags byte L' = 15 - nonce length - 1, nonce */
		d->iv_buf[0] = 15 - QUIC_IV_LEN - 1;
		nonce++;
	}
	quic_keys_nonce(k->iv, pn, nonce);
}

/*
 * AEAD in place over a linear packet: the header is the AAD, @len is the
 * plaintext (encrypt; the tag room follows it) or the ciphertext with its
 * tag (decrypt).
 */
static int quic_crypto_aead_req(struct quic_crypto_key *k, u8 *pkt,
				u32 hdr_len, u32 len, bool enc, u8 *iv)
{
	struct aead_request *req = k->req;
	struct scatterlist sg;

	sg_init_one(&sg, pkt, hdr_len + len + (enc ? QUIC_TAG_LEN : 0));
	aead_request_set_ad(req, hdr_len);
	aead_request_set_crypt(req, &sg, &sg, len, iv);
	return enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
}

static int quic_crypto_aead(const struct quic_crypto *c,
			    struct quic_crypto_dir *d,
			    struct quic_crypto_key *k, u8 *pkt, u32 hdr_len,
			    u32 len, u64 pn, bool enc)
{
	int err;

	quic_crypto_nonce(d, k, pn);
	if (k->aead && !k->simd)
		return quic_crypto_aead_req(k, pkt, hdr_len, len, enc,
					    d->iv_buf);
	if (k->aead) {
		/*
		 * With bottom halves off, no softirq can interrupt our FPU
		 * section and find the FPU taken (which would send that
		 * softirq's packets down the slow path).
		 */
		local_bh_disable();
		if (!c->soft_only && crypto_simd_usable()) {
			err = quic_crypto_aead_req(k, pkt, hdr_len, len, enc,
						   d->iv_buf);
			local_bh_enable();
			return err;
		}
		local_bh_enable();
	}
	/* FPU busy, or a slot with no transform yet */
	if (enc)
		return quic_gcm_soft_encrypt(k->key, k->key_len, d->iv_buf,
					     pkt, hdr_len, len);
	return quic_gcm_soft_decrypt(k->key, k->key_len, d->iv_buf, pkt,
				     hdr_len, len);
}

/* Out of memory for the key schedule: a throwaway one, for this packet. */
static noinline void quic_crypto_hp_mask_once(struct quic_crypto_dir *d,
					      const u8 *sample)
{
	struct crypto_aes_ctx aes;

	if (aes_expandkey(&aes, d->hp_key, d->hp_key_len))
		memset(d->hp_buf, 0, sizeof(d->hp_buf));	/* cannot be */
	else
		aes_encrypt(&aes, d->hp_buf, sample);
	memzero_explicit(&aes, sizeof(aes));
}

/*
 * Header protection mask into @d->hp_buf (RFC 9001 5.4.3, 5.4.4): AES of
 * the sample, or ChaCha20 of zeros with the sample as block counter
 * (little-endian) and nonce, which is the 16-byte IV chacha_init() takes.
 */
static void quic_crypto_hp_mask(struct quic_crypto_dir *d, const u8 *sample)
{
	u32 state[CHACHA_STATE_WORDS];

	if (d->cipher != QUIC_CIPHER_CHACHA20_POLY1305) {
		/* The first packet after an idle spell (see detach) */
		if (unlikely(!d->hp_aes) &&
		    quic_crypto_hp_expand(d, GFP_ATOMIC)) {
			quic_crypto_hp_mask_once(d, sample);
			return;
		}
		aes_encrypt(d->hp_aes, d->hp_buf, sample);
		return;
	}
	chacha_init(state, d->hp_chacha, sample);
	memset(d->hp_buf, 0, QUIC_HP_MASK_LEN);
	chacha_crypt(state, d->hp_buf, d->hp_buf, QUIC_HP_MASK_LEN, 20);
	memzero_explicit(state, sizeof(state));
}

/* Offsets of a packet to protect agree with each other and its header. */
static bool quic_crypto_tx_layout_ok(const u8 *pkt, u32 hdr_len,
				     u32 pn_offset, u32 pn_len,
				     u32 payload_len)
{
	if (!pn_len || pn_len > QUIC_HP_PN_MAX_LEN || !pn_offset ||
	    pn_offset > QUIC_CRYPTO_MAX_PKT || hdr_len != pn_offset + pn_len)
		return false;
	if (hdr_len > QUIC_CRYPTO_MAX_PKT - QUIC_TAG_LEN ||
	    payload_len > QUIC_CRYPTO_MAX_PKT - QUIC_TAG_LEN - hdr_len)
		return false;
	return (pkt[0] & QUIC_HP_PN_LEN_MASK) + 1 == pn_len;
}

/**
 * quic_crypto_encrypt() - protect one packet in place
 * @c: context holding send keys
 * @pkt: linear buffer: plaintext header (packet number written), payload,
 *	then QUIC_TAG_LEN bytes of room for the tag (none in plaintext mode)
 * @hdr_len: header length, @pn_offset + @pn_len
 * @pn_offset: offset of the packet number field
 * @pn_len: packet number length; must match the low bits of @pkt[0]
 * @payload_len: plaintext payload length
 * @pn: full packet number (for the nonce)
 *
 * AEAD-seals the payload with the header as AAD and the nonce IV ^ @pn,
 * writes the tag after it, then applies header protection from the sample
 * at @pn_offset + 4. The key phase is taken from @pkt[0] (short headers of
 * a 1-RTT context), so the header decides the keys, as on a NIC.
 *
 * Context: process or softirq; no allocation, no sleeping. The caller
 * serialises the TX side of @c.
 * Return: 0; -EINVAL for inconsistent offsets or a packet too short to be
 * sampled (@pn_len + @payload_len < 4: pad it); -ENOKEY when no key is
 * installed for that phase; another error of the crypto API. On error the
 * buffer content is undefined.
 */
int quic_crypto_encrypt(struct quic_crypto *c, u8 *pkt, u32 hdr_len,
			u32 pn_offset, u32 pn_len, u32 payload_len, u64 pn)
{
	struct quic_crypto_dir *d = &c->tx;
	struct quic_crypto_key *k;
	int err;

	if (!quic_crypto_tx_layout_ok(pkt, hdr_len, pn_offset, pn_len,
				      payload_len))
		return -EINVAL;
	if (c->plaintext)
		return 0;
	if (!quic_hp_sample_fits(pn_offset,
				 hdr_len + payload_len + QUIC_TAG_LEN))
		return -EINVAL;
	k = quic_crypto_pick(c, d, pkt[0]);
	if (!k)
		return -ENOKEY;
	err = quic_crypto_aead(c, d, k, pkt, hdr_len, payload_len, pn,
			       true);
	if (err)
		return err;
	quic_crypto_hp_mask(d, pkt + pn_offset + QUIC_HP_SAMPLE_SKIP);
	quic_hp_apply_mask(pkt, pn_offset, pn_len, d->hp_buf);
	return 0;
}
EXPORT_SYMBOL_GPL(quic_crypto_encrypt);

/* RFC 9000 A.3: the packet number closest to the next one expected. */
static u64 quic_crypto_pn_decode(u64 largest_pn, u32 truncated, u32 pn_len)
{
	u64 win = 1ULL << (pn_len * 8), hwin = win / 2;
	u64 expected = largest_pn + 1;
	u64 candidate;

	candidate = (expected & ~(win - 1)) | truncated;
	if (candidate + hwin <= expected &&
	    candidate < QUIC_CRYPTO_PN_LIMIT - win)
		return candidate + win;
	if (candidate > expected + hwin && candidate >= win)
		return candidate - win;
	return candidate;
}

/* Fill @ri from an unprotected header. */
static void quic_crypto_rx_header(const struct quic_crypto *c, const u8 *pkt,
				  u32 pn_offset, u32 pn_len, u64 largest_pn,
				  struct quic_crypto_rx *ri)
{
	u32 truncated = quic_hp_pn_get(pkt + pn_offset, pn_len);

	ri->pn_len = pn_len;
	ri->hdr_len = pn_offset + pn_len;
	ri->pn = quic_crypto_pn_decode(largest_pn, truncated, pn_len);
	if (c->one_rtt && !(pkt[0] & QUIC_HP_LONG_HEADER))
		ri->key_phase = !!(pkt[0] & QUIC_HP_KEY_PHASE);
}

static int quic_crypto_decrypt_plain(const struct quic_crypto *c,
				     const u8 *pkt, u32 pkt_len,
				     u32 pn_offset, u64 largest_pn,
				     struct quic_crypto_rx *ri)
{
	u32 pn_len;

	if (!pn_offset || pn_offset >= pkt_len ||
	    pkt_len > QUIC_CRYPTO_MAX_PKT)
		return -EINVAL;
	pn_len = (pkt[0] & QUIC_HP_PN_LEN_MASK) + 1;
	if (pkt_len - pn_offset < pn_len)
		return -EINVAL;
	quic_crypto_rx_header(c, pkt, pn_offset, pn_len, largest_pn, ri);
	ri->payload_len = pkt_len - ri->hdr_len;
	return 0;
}

/*
 * The receive keys kept aside for a 1-RTT packet that is a late one of
 * the previous phase, or NULL. Once the next phase is prepared in the
 * slot its key phase bit names, the packet number tells which of the two
 * it is (RFC 9001 6.5): the previous phase ended before the lowest packet
 * number seen in the current one, and the peer's next update comes after
 * a packet of the current phase that we acknowledged.
 */
static struct quic_crypto_key *quic_crypto_rx_prev(const struct quic_crypto *c,
						   u8 first, u64 pn)
{
	u8 phase = !!(first & QUIC_HP_KEY_PHASE);

	if (!c->rx_prev || !c->rx.next_ready || !c->one_rtt ||
	    (first & QUIC_HP_LONG_HEADER) || phase == c->key_phase)
		return NULL;
	/* no packet of the current phase from the peer yet: all are late */
	if (c->rx_min_phase != c->key_phase || pn < c->rx_min_pn)
		return c->rx_prev;
	return NULL;
}

/*
 * A 1-RTT packet opened, with the keys kept aside if @late: unless it is
 * of the previous phase, note the lowest packet number of the peer's
 * newest phase, and whether the packet starts a key update.
 */
static void quic_crypto_rx_opened(struct quic_crypto *c, u8 first, bool late,
				  struct quic_crypto_rx *ri)
{
	if (!c->one_rtt || (first & QUIC_HP_LONG_HEADER) || late)
		return;
	/* the slot still holds the previous phase */
	if (ri->key_phase != c->key_phase && !c->rx.next_ready)
		return;
	if (ri->key_phase != c->rx_min_phase) {
		c->rx_min_phase = ri->key_phase;
		c->rx_min_pn = ri->pn;
	} else if (ri->pn < c->rx_min_pn) {
		c->rx_min_pn = ri->pn;
	}
	ri->key_update = ri->key_phase != c->key_phase;
}

/**
 * quic_crypto_decrypt() - open one received packet in place
 * @c: context holding receive keys
 * @pkt: the packet, linear; for a coalesced datagram only this packet
 * @pkt_len: length of this packet up to the end of its tag (for long
 *	headers, @pn_offset plus the Length field)
 * @pn_offset: offset of the packet number field
 * @largest_pn: largest packet number processed in this space, U64_MAX when
 *	none yet, to decode the truncated packet number (RFC 9000 A.3)
 * @ri: filled on success
 *
 * Checks that the header protection sample lies inside the packet before
 * any crypto, removes header protection, decodes the packet number, picks
 * the keys of the key phase bit (1-RTT) and opens the AEAD in place. On
 * success the header in @pkt is unprotected (the caller checks the reserved
 * bits) and the plaintext follows it. A packet that opens with the next
 * key phase sets @ri->key_update; the caller then runs
 * quic_crypto_key_update_commit().
 *
 * Context: process or softirq; no allocation, no sleeping. The caller
 * serialises the RX side of @c.
 * Return: 0; -EINVAL for a packet too short to sample or for bad offsets;
 * -ENOKEY when no key is installed for its phase; -EBADMSG when
 * authentication fails. On any error header protection may already have
 * been removed: the buffer is garbage and the packet must be dropped.
 */
int quic_crypto_decrypt(struct quic_crypto *c, u8 *pkt, u32 pkt_len,
			u32 pn_offset, u64 largest_pn,
			struct quic_crypto_rx *ri)
{
	struct quic_crypto_key *k, *prev;
	struct quic_crypto_dir *d = &c->rx;
	u32 pn_len;
	int err;

	memset(ri, 0, sizeof(*ri));
	if (c->plaintext)
		return quic_crypto_decrypt_plain(c, pkt, pkt_len, pn_offset,
						 largest_pn, ri);
	if (!quic_hp_sample_fits(pn_offset, pkt_len) ||
	    pkt_len > QUIC_CRYPTO_MAX_PKT)
		return -EINVAL;
	if (!d->ready)
		return -ENOKEY;
	quic_crypto_hp_mask(d, pkt + pn_offset + QUIC_HP_SAMPLE_SKIP);
	pn_len = quic_hp_remove_mask(pkt, pn_offset, d->hp_buf);
	quic_crypto_rx_header(c, pkt, pn_offset, pn_len, largest_pn, ri);
	prev = quic_crypto_rx_prev(c, pkt[0], ri->pn);
	k = prev ?: quic_crypto_pick(c, d, pkt[0]);
	if (!k)
		return -ENOKEY;
	err = quic_crypto_aead(c, d, k, pkt, ri->hdr_len,
			       pkt_len - ri->hdr_len, ri->pn, false);
	if (err)
		return err;
	ri->payload_len = pkt_len - ri->hdr_len - QUIC_TAG_LEN;
	quic_crypto_rx_opened(c, pkt[0], !!prev, ri);
	return 0;
}
EXPORT_SYMBOL_GPL(quic_crypto_decrypt);

static int quic_crypto_prepare(struct quic_crypto_dir *d, u8 phase,
			       struct quic_crypto_hmac *h)
{
	if (d->next_ready)
		return 0;
	return quic_crypto_next_set(d, phase, h);
}

/*
 * Move the previous phase's receive keys out of the slot the next phase
 * is about to take, so that late packets still open (RFC 9001 6.5) until
 * quic_crypto_drop_prev(). Keys of two phases ago kept until now go.
 */
static int quic_crypto_keep_prev(struct quic_crypto *c)
{
	struct quic_crypto_key *old = &c->rx.key[!c->key_phase];
	struct quic_crypto_key *prev;

	if (c->rx.next_ready || !old->key_len)
		return 0;
	prev = kmalloc(sizeof(*prev), GFP_KERNEL);
	if (!prev)
		return -ENOMEM;
	quic_crypto_drop_prev(c);
	/* the transform moves with the keys */
	*prev = *old;
	memzero_explicit(old, sizeof(*old));
	c->rx_prev = prev;
	return 0;
}

/**
 * quic_crypto_key_update() - derive the next key phase, both directions
 * @c: 1-RTT context with keys installed for both directions
 *
 * After a commit, the slot of the other phase still holds the previous
 * keys. Calling this puts the next phase in that slot, so that either
 * side may start the next update; the previous receive keys are kept
 * aside for delayed packets of the old phase (RFC 9001 6.5) until
 * quic_crypto_drop_prev(). It is a no-op for a direction whose next
 * phase is already prepared. Run soon after each commit.
 *
 * Context: process context, may sleep; caller excludes the data path.
 * Return: 0; -EINVAL if @c is not a 1-RTT context; -ENOKEY if a direction
 * has no keys; -ENOMEM or a crypto API error (call again later; late
 * packets of the previous phase open meanwhile).
 */
int quic_crypto_key_update(struct quic_crypto *c)
{
	struct quic_crypto_hmac h = {};
	int err;

	if (!c->one_rtt)
		return -EINVAL;
	if (!c->tx.ready || !c->rx.ready)
		return -ENOKEY;
	err = quic_crypto_prepare(&c->tx, c->key_phase, &h);
	if (!err)
		err = quic_crypto_keep_prev(c);
	if (!err)
		err = quic_crypto_prepare(&c->rx, c->key_phase, &h);
	quic_crypto_hmac_done(&h);
	return err;
}
EXPORT_SYMBOL_GPL(quic_crypto_key_update);

/**
 * quic_crypto_drop_prev() - forget the previous phase's receive keys
 * @c: context
 *
 * RFC 9001 6.5: about three PTOs after a key update, late packets of the
 * old phase are not worth keeping its keys for.
 *
 * Context: process context (a transform may be freed). Caller excludes
 * the data path.
 * Return: true if keys were dropped.
 */
bool quic_crypto_drop_prev(struct quic_crypto *c)
{
	if (!c->rx_prev)
		return false;
	quic_crypto_key_clear(c->rx_prev);
	kfree(c->rx_prev);
	c->rx_prev = NULL;
	return true;
}
EXPORT_SYMBOL_GPL(quic_crypto_drop_prev);

/**
 * quic_crypto_next_prepared() - whether the next key phase is ready
 * @c: context
 *
 * Context: any; caller excludes key changes.
 * Return: true when both directions hold the next phase's keys, so that
 * either side may start a key update.
 */
bool quic_crypto_next_prepared(const struct quic_crypto *c)
{
	return c->tx.next_ready && c->rx.next_ready;
}
EXPORT_SYMBOL_GPL(quic_crypto_next_prepared);

/**
 * quic_crypto_key_update_commit() - switch both directions to the next phase
 * @c: 1-RTT context whose next phase is prepared in both directions
 *
 * Used both to start a key update and to follow the peer's (after
 * quic_crypto_decrypt() reported @key_update). From now on the packet
 * builder writes the new @c->key_phase; the previous keys stay for late
 * packets until quic_crypto_key_update() prepares the following phase.
 *
 * Context: any; no allocation. Caller excludes the data path.
 * Return: 0; -EINVAL if @c is not a 1-RTT context; -ENOKEY if the next
 * phase is not prepared in both directions.
 */
int quic_crypto_key_update_commit(struct quic_crypto *c)
{
	if (!c->one_rtt)
		return -EINVAL;
	if (!c->tx.ready || !c->rx.ready || !quic_crypto_next_prepared(c))
		return -ENOKEY;
	c->key_phase = !c->key_phase;
	c->tx.next_ready = false;
	c->rx.next_ready = false;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_crypto_key_update_commit);

/**
 * quic_crypto_attach() - give the current key phase its transforms
 * @c: context
 *
 * A key update switches to keys prepared without transforms (see
 * quic_crypto_next_set()); gcm_soft.c protects their packets meanwhile,
 * several times slower than the SIMD cipher. Called from process context
 * soon after a switch. A direction whose current slot has a transform, or
 * holds no keys, is left as it is.
 *
 * Context: process context, may sleep; caller excludes the data path.
 * Return: 0, or an error from the crypto API (the slot keeps working from
 * its raw key; call again later).
 */
int quic_crypto_attach(struct quic_crypto *c)
{
	struct quic_crypto_dir *dirs[] = { &c->tx, &c->rx };
	struct quic_crypto_key *k;
	int err;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		k = &dirs[i]->key[c->key_phase];
		if (!dirs[i]->ready || !k->key_len || k->aead)
			continue;
		err = quic_crypto_key_attach(k, dirs[i]->cipher);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(quic_crypto_attach);

/**
 * quic_crypto_detach() - drop the transforms of an idle context
 * @c: context
 *
 * For the ciphers gcm_soft.c covers, every slot keeps only its keys:
 * packets are sealed and opened without the SIMD cipher until
 * quic_crypto_attach() gives the current phase its transforms back. A
 * connection that stays idle holds no transform, about 1 KiB each, and
 * no AES header protection key schedule (512 bytes each), which the next
 * packet rebuilds.
 *
 * Context: process context (transforms are freed). Caller excludes the
 * data path.
 * Return: true if a transform was dropped.
 */
bool quic_crypto_detach(struct quic_crypto *c)
{
	struct quic_crypto_dir *dirs[] = { &c->tx, &c->rx };
	struct quic_crypto_key *k;
	bool dropped = false;
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		/* Header protection: rebuilt at the next packet. */
		if (dirs[i]->hp_aes) {
			kfree_sensitive(dirs[i]->hp_aes);
			dirs[i]->hp_aes = NULL;
			dropped = true;
		}
		if (!quic_crypto_soft_capable(dirs[i]->cipher))
			continue;
		for (j = 0; j < ARRAY_SIZE(dirs[i]->key); j++) {
			k = &dirs[i]->key[j];
			if (!k->aead || !k->key_len)
				continue;
			quic_crypto_key_put_tfm(k);
			dropped = true;
		}
	}
	/* an idle connection is past its late packets */
	quic_crypto_drop_prev(c);
	return dropped;
}
EXPORT_SYMBOL_GPL(quic_crypto_detach);

/**
 * quic_crypto_free() - drop all keys and transforms of a context
 * @c: context; may hold no keys
 *
 * Secrets and keys are wiped. @c stays usable: it keeps its 1-RTT and
 * plaintext settings and can be given new keys.
 *
 * Context: process context (transforms are freed). Caller excludes the
 * data path.
 */
void quic_crypto_free(struct quic_crypto *c)
{
	quic_crypto_drop_prev(c);
	quic_crypto_dir_clear(&c->tx);
	quic_crypto_dir_clear(&c->rx);
	c->key_phase = 0;
	c->rx_min_phase = 0;
	c->rx_min_pn = U64_MAX;
}
EXPORT_SYMBOL_GPL(quic_crypto_free);

/**
 * quic_crypto_copy_tx() - an independent sender with the same 1-RTT keys
 * @dst: context to fill; must hold no keys
 * @src: 1-RTT context whose send keys to copy
 *
 * For the offload fallback (offload.c), which protects packets outside
 * the socket lock and so cannot share @src's requests and scratch
 * buffers. Both key phases are copied, each with its own transform.
 *
 * Context: process context, may sleep.
 * Return: 0; -ENOKEY if @src has no send keys; a crypto API errno (@dst
 * is then left empty).
 */
int quic_crypto_copy_tx(struct quic_crypto *dst, const struct quic_crypto *src)
{
	const struct quic_crypto_dir *s = &src->tx;
	struct quic_crypto_dir *d = &dst->tx;
	int err = 0;
	u32 i;

	quic_crypto_init(dst, true);
	if (!s->ready || src->plaintext)
		return -ENOKEY;
	d->version = s->version;
	d->cipher = s->cipher;
	d->secret_len = s->secret_len;
	memcpy(d->hp_key, s->hp_key, sizeof(d->hp_key));
	d->hp_key_len = s->hp_key_len;
	if (d->cipher != QUIC_CIPHER_CHACHA20_POLY1305)
		err = quic_crypto_hp_expand(d, GFP_KERNEL);
	for (i = 0; !err && i < ARRAY_SIZE(d->key); i++) {
		if (!s->key[i].key_len)
			continue;
		memcpy(d->key[i].key, s->key[i].key, s->key[i].key_len);
		d->key[i].key_len = s->key[i].key_len;
		memcpy(d->key[i].iv, s->key[i].iv, QUIC_IV_LEN);
		memcpy(d->key[i].secret, s->key[i].secret, s->secret_len);
		err = quic_crypto_key_attach(&d->key[i], d->cipher);
	}
	if (err) {
		quic_crypto_free(dst);
		return err;
	}
	d->ready = true;
	d->next_ready = s->next_ready;
	dst->key_phase = src->key_phase;
	return 0;
}

/**
 * quic_crypto_get_keys() - one key phase of one direction, for a device
 * @c: 1-RTT context
 * @send: the send keys, else the receive keys
 * @phase: key phase, 0 or 1
 * @k: filled on success
 *
 * Context: any; caller excludes key changes.
 * Return: 0; -ENOKEY if that slot is empty; -EOPNOTSUPP for a cipher
 * QUIC offload does not carry (AES-128-CCM).
 */
int quic_crypto_get_keys(const struct quic_crypto *c, bool send, u8 phase,
			 struct quic_offload_keys *k)
{
	const struct quic_crypto_dir *d = send ? &c->tx : &c->rx;
	const struct quic_crypto_key *key = &d->key[phase & 1];
	u32 i;

	if (!d->ready || !key->key_len)
		return -ENOKEY;
	if (d->cipher == QUIC_CIPHER_AES_128_CCM)
		return -EOPNOTSUPP;
	memset(k, 0, sizeof(*k));
	k->cipher = d->cipher;
	k->key_len = key->key_len;
	memcpy(k->key, key->key, key->key_len);
	memcpy(k->iv, key->iv, QUIC_IV_LEN);
	/* The ChaCha20 header key is kept as CPU-order words. */
	if (d->cipher == QUIC_CIPHER_CHACHA20_POLY1305) {
		for (i = 0; i < ARRAY_SIZE(d->hp_chacha); i++)
			put_unaligned_le32(d->hp_chacha[i], k->hp_key + 4 * i);
	} else {
		memcpy(k->hp_key, d->hp_key, d->hp_key_len);
	}
	return 0;
}

/**
 * quic_crypto_opened() - take in a 1-RTT packet a device already opened
 * @c: 1-RTT context holding receive keys
 * @pkt: the packet: unprotected short header, plaintext, then the tag
 *	room
 * @pkt_len: its length, tag included
 * @pn_offset: offset of the packet number field
 * @largest_pn: as for quic_crypto_decrypt()
 * @ri: filled on success, as quic_crypto_decrypt() fills it
 *
 * The device opened it with the keys of its key phase bit; this decodes
 * the header as quic_crypto_decrypt() would have after opening, and
 * refuses a phase the stack holds no keys for (discarded since).
 *
 * Context: any. The caller serialises the RX side of @c.
 * Return: 0; -EINVAL for a packet too short; -ENOKEY as above.
 */
int quic_crypto_opened(struct quic_crypto *c, const u8 *pkt,
		       u32 pkt_len, u32 pn_offset, u64 largest_pn,
		       struct quic_crypto_rx *ri)
{
	const struct quic_crypto_dir *d = &c->rx;
	u32 pn_len;
	bool late;

	memset(ri, 0, sizeof(*ri));
	if (!c->one_rtt || c->plaintext || !d->ready ||
	    (pkt[0] & QUIC_HP_LONG_HEADER))
		return -ENOKEY;
	pn_len = (pkt[0] & QUIC_HP_PN_LEN_MASK) + 1;
	if (!quic_hp_sample_fits(pn_offset, pkt_len) ||
	    pkt_len > QUIC_CRYPTO_MAX_PKT ||
	    pkt_len < pn_offset + pn_len + QUIC_TAG_LEN)
		return -EINVAL;
	quic_crypto_rx_header(c, pkt, pn_offset, pn_len, largest_pn, ri);
	late = !!quic_crypto_rx_prev(c, pkt[0], ri->pn);
	if (!late && !d->key[!!(pkt[0] & QUIC_HP_KEY_PHASE)].key_len)
		return -ENOKEY;
	ri->payload_len = pkt_len - ri->hdr_len - QUIC_TAG_LEN;
	quic_crypto_rx_opened(c, pkt[0], late, ri);
	return 0;
}

/**
 * quic_crypto_force_soft() - take the FPU-free path for SIMD keys
 * @c: context
 *
 * For the self-test, which seals with one implementation and opens with
 * the other: the packet bytes must not depend on which one ran.
 *
 * Context: any. Caller excludes the data path.
 * Return: true if @c holds a key with a SIMD transform.
 */
bool quic_crypto_force_soft(struct quic_crypto *c)
{
	const struct quic_crypto_dir *dirs[] = { &c->tx, &c->rx };
	bool had = false;
	u32 i, j;

	c->soft_only = true;
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		for (j = 0; j < ARRAY_SIZE(dirs[i]->key); j++)
			had |= dirs[i]->key[j].simd;
	return had;
}

/*
 * Retry integrity (RFC 9001 5.8): AES-128-GCM with a constant key per
 * version. A server may have to answer floods of Initials with Retries from
 * softirq, so the keyed transforms exist for the module's lifetime and a
 * tag costs one GFP_ATOMIC allocation, never a transform allocation.
 */
static const u32 quic_retry_versions[] = {
	QUIC_KEYS_VERSION_1,
	QUIC_KEYS_VERSION_2,
};

static struct crypto_aead *quic_retry_aead[ARRAY_SIZE(quic_retry_versions)];
static DEFINE_MUTEX(quic_retry_lock);
static u32 quic_retry_users;

static void quic_crypto_retry_free(void)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_retry_aead); i++) {
		if (quic_retry_aead[i])
			crypto_free_aead(quic_retry_aead[i]);
		WRITE_ONCE(quic_retry_aead[i], NULL);
	}
}

static int quic_crypto_retry_alloc(u32 i)
{
	struct crypto_aead *aead;
	const u8 *key, *nonce;
	int err;

	err = quic_keys_retry(quic_retry_versions[i], &key, &nonce);
	if (err)
		return err;
	aead = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(aead))
		return PTR_ERR(aead);
	err = crypto_aead_setkey(aead, key, QUIC_RETRY_KEY_LEN);
	if (!err)
		err = crypto_aead_setauthsize(aead, QUIC_TAG_LEN);
	if (err) {
		crypto_free_aead(aead);
		return err;
	}
	WRITE_ONCE(quic_retry_aead[i], aead);
	return 0;
}

/**
 * quic_crypto_retry_init() - set up Retry integrity transforms
 *
 * Reference counted: each successful call is paired with one
 * quic_crypto_retry_exit(). Module init calls it once; the self-test takes
 * its own reference.
 *
 * Context: process context, may sleep.
 * Return: 0 or a crypto API error.
 */
int quic_crypto_retry_init(void)
{
	int err = 0;
	u32 i;

	mutex_lock(&quic_retry_lock);
	if (quic_retry_users) {
		quic_retry_users++;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(quic_retry_versions) && !err; i++)
		err = quic_crypto_retry_alloc(i);
	if (err)
		quic_crypto_retry_free();
	else
		quic_retry_users = 1;
out:
	mutex_unlock(&quic_retry_lock);
	return err;
}
EXPORT_SYMBOL_GPL(quic_crypto_retry_init);

/**
 * quic_crypto_retry_exit() - drop a reference taken by quic_crypto_retry_init
 *
 * Context: process context. No Retry tag may be in progress when the last
 * reference goes (module exit).
 */
void quic_crypto_retry_exit(void)
{
	mutex_lock(&quic_retry_lock);
	if (quic_retry_users && !--quic_retry_users)
		quic_crypto_retry_free();
	mutex_unlock(&quic_retry_lock);
}
EXPORT_SYMBOL_GPL(quic_crypto_retry_exit);

static struct crypto_aead *quic_crypto_retry_tfm(u32 version)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_retry_versions); i++)
		if (quic_retry_versions[i] == version)
			return READ_ONCE(quic_retry_aead[i]);
	return NULL;
}

/**
 * quic_crypto_retry_tag() - Retry Integrity Tag of a Retry pseudo-packet
 * @version: QUIC_KEYS_VERSION_* of the Retry packet
 * @pseudo: ODCID length, ODCID, then the Retry packet without its tag
 * @len: length of @pseudo
 * @tag: output, QUIC_TAG_LEN bytes
 *
 * Context: any (softirq included); allocates with GFP_ATOMIC. Needs
 * quic_crypto_retry_init().
 * Return: 0; -EINVAL for a bad length or unknown version; -ENOKEY if not
 * initialised; -ENOMEM.
 */
int quic_crypto_retry_tag(u32 version, const u8 *pseudo, u32 len, u8 *tag)
{
	struct aead_request *req;
	struct crypto_aead *aead;
	struct scatterlist sg;
	const u8 *key, *nonce;
	u8 *buf;
	int err;

	if (!len || len > QUIC_CRYPTO_MAX_PKT ||
	    quic_keys_retry(version, &key, &nonce))
		return -EINVAL;
	aead = quic_crypto_retry_tfm(version);
	if (!aead)
		return -ENOKEY;
	/* The buffer: pseudo-packet (AAD), tag, then the nonce. */
	buf = kmalloc(len + QUIC_TAG_LEN + QUIC_IV_LEN, GFP_ATOMIC);
	req = aead_request_alloc(aead, GFP_ATOMIC);
	err = -ENOMEM;
	if (buf && req) {
		memcpy(buf, pseudo, len);
		memcpy(buf + len + QUIC_TAG_LEN, nonce, QUIC_IV_LEN);
		sg_init_one(&sg, buf, len + QUIC_TAG_LEN);
		aead_request_set_callback(req, 0, NULL, NULL);
		aead_request_set_ad(req, len);
		aead_request_set_crypt(req, &sg, &sg, 0,
				       buf + len + QUIC_TAG_LEN);
		err = crypto_aead_encrypt(req);
		if (!err)
			memcpy(tag, buf + len, QUIC_TAG_LEN);
	}
	if (req)
		aead_request_free(req);
	kfree(buf);
	return err;
}
EXPORT_SYMBOL_GPL(quic_crypto_retry_tag);

/**
 * quic_crypto_retry_verify() - check the tag of a received Retry packet
 * @version: QUIC_KEYS_VERSION_* of the Retry packet
 * @pseudo: as for quic_crypto_retry_tag()
 * @len: length of @pseudo
 * @tag: the tag received, QUIC_TAG_LEN bytes
 *
 * Context: any; allocates with GFP_ATOMIC.
 * Return: 0 if the tag is right; -EBADMSG if not; errors as
 * quic_crypto_retry_tag().
 */
int quic_crypto_retry_verify(u32 version, const u8 *pseudo, u32 len,
			     const u8 *tag)
{
	u8 want[QUIC_TAG_LEN];
	int err;

	err = quic_crypto_retry_tag(version, pseudo, len, want);
	if (!err && crypto_memneq(want, tag, QUIC_TAG_LEN))
		err = -EBADMSG;
	return err;
}
EXPORT_SYMBOL_GPL(quic_crypto_retry_verify);
