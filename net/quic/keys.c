// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC key schedule: HKDF over an abstract HMAC, Initial secrets, packet
 * protection keys, key update, nonces, Retry integrity constants, and the
 * header protection byte layout. See keys.h.
 */
#include "keys.h"

#define QUIC_SALT_LEN		20

#ifdef __KERNEL__
#define quic_keys_wipe(p, n)	memzero_explicit(p, n)
#else
#define quic_keys_wipe(p, n)	explicit_bzero(p, n)
#endif

/*
 * Per-version constants. A new QUIC version changes the salt and the labels
 * so that its keys never collide with another version's (RFC 9001 9.6).
 */
struct quic_keys_version {
	u32 version;
	const u8 *salt;
	const char *key_label;
	const char *iv_label;
	const char *hp_label;
	const char *ku_label;
	const u8 *retry_key;
	const u8 *retry_nonce;
};

/* RFC 9001 section 5.2 */
static const u8 quic_v1_salt[QUIC_SALT_LEN] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};

/* RFC 9001 section 5.8 */
static const u8 quic_v1_retry_key[QUIC_RETRY_KEY_LEN] = {
	0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
	0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e,
};

static const u8 quic_v1_retry_nonce[QUIC_IV_LEN] = {
	0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2,
	0x23, 0x98, 0x25, 0xbb,
};

/* RFC 9369 section 3.3.1 */
static const u8 quic_v2_salt[QUIC_SALT_LEN] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};

/* RFC 9369 section 3.3.3 */
static const u8 quic_v2_retry_key[QUIC_RETRY_KEY_LEN] = {
	0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
	0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92,
};

static const u8 quic_v2_retry_nonce[QUIC_IV_LEN] = {
	0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99,
	0x90, 0xef, 0xb0, 0x4a,
};

static const struct quic_keys_version quic_keys_versions[] = {
	{
		.version	= QUIC_KEYS_VERSION_1,
		.salt		= quic_v1_salt,
		.key_label	= "quic key",
		.iv_label	= "quic iv",
		.hp_label	= "quic hp",
		.ku_label	= "quic ku",
		.retry_key	= quic_v1_retry_key,
		.retry_nonce	= quic_v1_retry_nonce,
	},
	{
		.version	= QUIC_KEYS_VERSION_2,
		.salt		= quic_v2_salt,
		.key_label	= "quicv2 key",
		.iv_label	= "quicv2 iv",
		.hp_label	= "quicv2 hp",
		.ku_label	= "quicv2 ku",
		.retry_key	= quic_v2_retry_key,
		.retry_nonce	= quic_v2_retry_nonce,
	},
};

static const struct quic_keys_version *quic_keys_version(u32 version)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_keys_versions); i++)
		if (quic_keys_versions[i].version == version)
			return &quic_keys_versions[i];
	return NULL;
}

/**
 * quic_cipher_params() - key schedule parameters of a cipher
 * @cipher: QUIC_CIPHER_*
 * @p: filled on success
 *
 * Context: any.
 * Return: 0, or -EINVAL for a cipher QUIC does not define.
 */
int quic_cipher_params(u32 cipher, struct quic_cipher_params *p)
{
	p->tag_len = QUIC_TAG_LEN;
	p->hash = QUIC_HASH_SHA256;
	p->secret_len = 32;
	switch (cipher) {
	case QUIC_CIPHER_AES_128_GCM:
	case QUIC_CIPHER_AES_128_CCM:
		p->key_len = 16;
		return 0;
	case QUIC_CIPHER_CHACHA20_POLY1305:
		p->key_len = 32;
		return 0;
	case QUIC_CIPHER_AES_256_GCM:
		p->key_len = 32;
		p->hash = QUIC_HASH_SHA384;
		p->secret_len = 48;
		return 0;
	}
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(quic_cipher_params);

/**
 * quic_hash_len() - output length of a hash
 * @hash: enum quic_hash_alg
 *
 * Context: any.
 * Return: the length in bytes, or 0 for an unknown hash.
 */
u32 quic_hash_len(u8 hash)
{
	switch (hash) {
	case QUIC_HASH_SHA256:
		return 32;
	case QUIC_HASH_SHA384:
		return 48;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(quic_hash_len);

/**
 * quic_hkdf_extract() - HKDF-Extract (RFC 5869 section 2.2)
 * @h: HMAC implementation and hash
 * @salt: salt; when @salt_len is 0 a string of hash-length zeros is used
 * @salt_len: length of @salt
 * @ikm: input keying material
 * @ikm_len: length of @ikm
 * @prk: output, hash length bytes
 *
 * Context: whatever @h->ops->hmac allows.
 * Return: 0, -EINVAL for an unknown hash, or the error of the HMAC op.
 */
int quic_hkdf_extract(const struct quic_hkdf *h, const u8 *salt, u32 salt_len,
		      const u8 *ikm, u32 ikm_len, u8 *prk)
{
	static const u8 zeros[QUIC_HASH_MAX_LEN];
	u32 hash_len = quic_hash_len(h->hash);

	if (!hash_len)
		return -EINVAL;
	if (!salt_len) {
		salt = zeros;
		salt_len = hash_len;
	}
	return h->ops->hmac(h->ctx, h->hash, salt, salt_len, ikm, ikm_len,
			    prk);
}
EXPORT_SYMBOL_GPL(quic_hkdf_extract);

/**
 * quic_hkdf_expand() - HKDF-Expand (RFC 5869 section 2.3)
 * @h: HMAC implementation and hash
 * @prk: pseudorandom key
 * @prk_len: length of @prk, not 0
 * @info: context and application specific information
 * @info_len: length of @info, at most QUIC_HKDF_INFO_MAX
 * @out: output keying material
 * @out_len: bytes wanted, 1 to 255 times the hash length
 *
 * Context: whatever @h->ops->hmac allows.
 * Return: 0, -EINVAL for bad lengths or an unknown hash, or the error of the
 * HMAC op (@out is then partly written and must not be used).
 */
int quic_hkdf_expand(const struct quic_hkdf *h, const u8 *prk, u32 prk_len,
		     const u8 *info, u32 info_len, u8 *out, u32 out_len)
{
	u8 buf[QUIC_HASH_MAX_LEN + QUIC_HKDF_INFO_MAX + 1];
	u32 hash_len = quic_hash_len(h->hash);
	u8 t[QUIC_HASH_MAX_LEN];
	u32 done = 0, tlen = 0;
	u8 counter = 0;
	int err = 0;

	if (!hash_len || !prk_len || info_len > QUIC_HKDF_INFO_MAX ||
	    !out_len || out_len > 255 * hash_len)
		return -EINVAL;
	while (done < out_len) {
		/* T(i) = HMAC(PRK, T(i - 1) | info | i), T(0) empty */
		memcpy(buf, t, tlen);
		if (info_len)
			memcpy(buf + tlen, info, info_len);
		buf[tlen + info_len] = ++counter;
		err = h->ops->hmac(h->ctx, h->hash, prk, prk_len, buf,
				   tlen + info_len + 1, t);
		if (err)
			break;
		tlen = hash_len;
		memcpy(out + done, t, min(out_len - done, hash_len));
		done += min(out_len - done, hash_len);
	}
	quic_keys_wipe(buf, sizeof(buf));
	quic_keys_wipe(t, sizeof(t));
	return err;
}
EXPORT_SYMBOL_GPL(quic_hkdf_expand);

/**
 * quic_hkdf_expand_label() - TLS 1.3 HKDF-Expand-Label with empty context
 * @h: HMAC implementation and hash
 * @secret: the secret to expand
 * @secret_len: length of @secret
 * @label: label without the "tls13 " prefix, at most QUIC_HKDF_LABEL_MAX
 * @out: output
 * @out_len: bytes wanted
 *
 * Builds the HkdfLabel structure of RFC 8446 section 7.1 (length, "tls13 "
 * + label, empty context) and runs HKDF-Expand over it.
 *
 * Context: whatever @h->ops->hmac allows.
 * Return: as quic_hkdf_expand(); -EINVAL for an over-long label.
 */
int quic_hkdf_expand_label(const struct quic_hkdf *h, const u8 *secret,
			   u32 secret_len, const char *label, u8 *out,
			   u32 out_len)
{
	static const char prefix[] = "tls13 ";
	u32 plen = sizeof(prefix) - 1;
	u8 info[QUIC_HKDF_INFO_MAX];
	u32 label_len, n = 0;

	label_len = strlen(label);
	if (label_len > QUIC_HKDF_LABEL_MAX || out_len > U16_MAX)
		return -EINVAL;
	info[n++] = out_len >> 8;
	info[n++] = out_len & 0xff;
	info[n++] = plen + label_len;
	memcpy(info + n, prefix, plen);
	n += plen;
	memcpy(info + n, label, label_len);
	n += label_len;
	info[n++] = 0;
	return quic_hkdf_expand(h, secret, secret_len, info, n, out, out_len);
}
EXPORT_SYMBOL_GPL(quic_hkdf_expand_label);

/**
 * quic_keys_initial_secrets() - client and server Initial secrets
 * @ops: HMAC implementation
 * @ctx: passed to @ops
 * @version: QUIC_KEYS_VERSION_*
 * @dcid: Destination Connection ID of the client's first Initial packet
 * @dcid_len: length of @dcid, at most QUIC_KEYS_DCID_MAX_LEN
 * @client: output, QUIC_INITIAL_SECRET_LEN bytes
 * @server: output, QUIC_INITIAL_SECRET_LEN bytes
 *
 * RFC 9001 section 5.2: HKDF-Extract with the version's salt, then
 * "client in" and "server in" (these two labels are the same in v2).
 *
 * Context: whatever @ops->hmac allows.
 * Return: 0, -EINVAL for an unknown version or over-long @dcid, or the
 * error of the HMAC op.
 */
int quic_keys_initial_secrets(const struct quic_hmac_ops *ops, void *ctx,
			      u32 version, const u8 *dcid, u32 dcid_len,
			      u8 *client, u8 *server)
{
	const struct quic_keys_version *v = quic_keys_version(version);
	struct quic_hkdf h = { .ops = ops, .ctx = ctx,
			       .hash = QUIC_HASH_SHA256 };
	u8 prk[QUIC_INITIAL_SECRET_LEN];
	int err;

	if (!v || dcid_len > QUIC_KEYS_DCID_MAX_LEN)
		return -EINVAL;
	err = quic_hkdf_extract(&h, v->salt, QUIC_SALT_LEN, dcid, dcid_len,
				prk);
	if (!err)
		err = quic_hkdf_expand_label(&h, prk, sizeof(prk), "client in",
					     client, QUIC_INITIAL_SECRET_LEN);
	if (!err)
		err = quic_hkdf_expand_label(&h, prk, sizeof(prk), "server in",
					     server, QUIC_INITIAL_SECRET_LEN);
	quic_keys_wipe(prk, sizeof(prk));
	return err;
}
EXPORT_SYMBOL_GPL(quic_keys_initial_secrets);

/* Common checks of a traffic secret against its version and cipher. */
static const struct quic_keys_version *
quic_keys_check(u32 version, u32 cipher, u32 secret_len,
		struct quic_cipher_params *p)
{
	const struct quic_keys_version *v = quic_keys_version(version);

	if (!v || quic_cipher_params(cipher, p) || secret_len != p->secret_len)
		return NULL;
	return v;
}

/**
 * quic_keys_derive() - packet protection keys of a traffic secret
 * @ops: HMAC implementation
 * @ctx: passed to @ops
 * @version: QUIC_KEYS_VERSION_*
 * @cipher: QUIC_CIPHER_*
 * @secret: traffic secret from TLS (or an Initial secret)
 * @secret_len: must be the hash length of @cipher
 * @k: output
 *
 * RFC 9001 section 5.1: key, iv and hp are HKDF-Expand-Label of the secret
 * with the version's "key", "iv" and "hp" labels.
 *
 * Context: whatever @ops->hmac allows.
 * Return: 0, -EINVAL for an unknown version or cipher or a secret of the
 * wrong length, or the error of the HMAC op (@k is then zeroed).
 */
int quic_keys_derive(const struct quic_hmac_ops *ops, void *ctx, u32 version,
		     u32 cipher, const u8 *secret, u32 secret_len,
		     struct quic_packet_keys *k)
{
	const struct quic_keys_version *v;
	struct quic_cipher_params p;
	struct quic_hkdf h;
	int err;

	v = quic_keys_check(version, cipher, secret_len, &p);
	if (!v)
		return -EINVAL;
	h = (struct quic_hkdf){ .ops = ops, .ctx = ctx, .hash = p.hash };
	k->key_len = p.key_len;
	err = quic_hkdf_expand_label(&h, secret, secret_len, v->key_label,
				     k->key, p.key_len);
	if (!err)
		err = quic_hkdf_expand_label(&h, secret, secret_len,
					     v->iv_label, k->iv, QUIC_IV_LEN);
	if (!err)
		err = quic_hkdf_expand_label(&h, secret, secret_len,
					     v->hp_label, k->hp, p.key_len);
	if (err)
		quic_keys_wipe(k, sizeof(*k));
	return err;
}
EXPORT_SYMBOL_GPL(quic_keys_derive);

/**
 * quic_keys_next_secret() - the secret of the next key phase
 * @ops: HMAC implementation
 * @ctx: passed to @ops
 * @version: QUIC_KEYS_VERSION_*
 * @cipher: QUIC_CIPHER_*
 * @secret: current traffic secret
 * @secret_len: must be the hash length of @cipher
 * @next: output, @secret_len bytes; may not alias @secret
 *
 * RFC 9001 section 6.1: HKDF-Expand-Label(secret, "quic ku", "", len). The
 * header protection key is not updated, so only the AEAD key and IV derived
 * from @next change.
 *
 * Context: whatever @ops->hmac allows.
 * Return: as quic_keys_derive().
 */
int quic_keys_next_secret(const struct quic_hmac_ops *ops, void *ctx,
			  u32 version, u32 cipher, const u8 *secret,
			  u32 secret_len, u8 *next)
{
	const struct quic_keys_version *v;
	struct quic_cipher_params p;
	struct quic_hkdf h;

	v = quic_keys_check(version, cipher, secret_len, &p);
	if (!v)
		return -EINVAL;
	h = (struct quic_hkdf){ .ops = ops, .ctx = ctx, .hash = p.hash };
	return quic_hkdf_expand_label(&h, secret, secret_len, v->ku_label,
				      next, secret_len);
}
EXPORT_SYMBOL_GPL(quic_keys_next_secret);

/**
 * quic_keys_retry() - Retry integrity key and nonce of a version
 * @version: QUIC_KEYS_VERSION_*
 * @key: set to QUIC_RETRY_KEY_LEN bytes of AES-128-GCM key
 * @nonce: set to QUIC_IV_LEN bytes of nonce
 *
 * Context: any.
 * Return: 0, or -EINVAL for an unknown version.
 */
int quic_keys_retry(u32 version, const u8 **key, const u8 **nonce)
{
	const struct quic_keys_version *v = quic_keys_version(version);

	if (!v)
		return -EINVAL;
	*key = v->retry_key;
	*nonce = v->retry_nonce;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_keys_retry);

/**
 * quic_keys_nonce() - AEAD nonce of a packet
 * @iv: QUIC_IV_LEN bytes
 * @pn: full (decoded) packet number
 * @nonce: output, QUIC_IV_LEN bytes
 *
 * RFC 9001 section 5.3: the IV XORed with the packet number left-padded
 * to the IV length in network byte order.
 *
 * Context: any.
 */
void quic_keys_nonce(const u8 *iv, u64 pn, u8 *nonce)
{
	u32 i;

	memcpy(nonce, iv, QUIC_IV_LEN);
	for (i = 0; i < sizeof(pn); i++)
		nonce[QUIC_IV_LEN - 1 - i] ^= (u8)(pn >> (8 * i));
}
EXPORT_SYMBOL_GPL(quic_keys_nonce);

/**
 * quic_hp_sample_fits() - whether a packet is long enough to be sampled
 * @pn_offset: offset of the packet number field (at least 1)
 * @pkt_len: length of the packet up to the end of its AEAD tag
 *
 * The header protection sample is always taken as if the packet number
 * were 4 bytes long (RFC 9001 section 5.4.2), so a packet needs
 * QUIC_HP_SAMPLE_SKIP + QUIC_HP_SAMPLE_LEN bytes from @pn_offset on. A
 * shorter packet cannot be authentic and is dropped before any crypto.
 *
 * Context: any.
 * Return: true if the sample lies inside the packet.
 */
bool quic_hp_sample_fits(u32 pn_offset, u32 pkt_len)
{
	u32 need = QUIC_HP_SAMPLE_SKIP + QUIC_HP_SAMPLE_LEN;

	return pn_offset && pkt_len >= need && pn_offset <= pkt_len - need;
}
EXPORT_SYMBOL_GPL(quic_hp_sample_fits);

/* Bits of the first byte covered by header protection. */
static u8 quic_hp_first_byte_mask(u8 first)
{
	return (first & QUIC_HP_LONG_HEADER) ? 0x0f : 0x1f;
}

/**
 * quic_hp_apply_mask() - add header protection to a packet
 * @pkt: packet, header in plaintext; @pkt[0] is the first byte
 * @pn_offset: offset of the packet number field
 * @pn_len: packet number length, 1 to 4
 * @mask: QUIC_HP_MASK_LEN bytes from the header protection cipher
 *
 * The header form bit of @pkt[0] is never masked, so it tells which low bits
 * are protected: 4 for long headers, 5 (with the key phase) for short ones.
 *
 * Context: any.
 */
void quic_hp_apply_mask(u8 *pkt, u32 pn_offset, u32 pn_len, const u8 *mask)
{
	u32 i;

	pn_len = min_t(u32, pn_len, QUIC_HP_PN_MAX_LEN);
	pkt[0] ^= mask[0] & quic_hp_first_byte_mask(pkt[0]);
	for (i = 0; i < pn_len; i++)
		pkt[pn_offset + i] ^= mask[1 + i];
}
EXPORT_SYMBOL_GPL(quic_hp_apply_mask);

/**
 * quic_hp_remove_mask() - remove header protection from a packet
 * @pkt: received packet; the caller checked quic_hp_sample_fits()
 * @pn_offset: offset of the packet number field
 * @mask: QUIC_HP_MASK_LEN bytes from the header protection cipher
 *
 * The packet number length is only known once the first byte is unmasked,
 * so this unmasks the first byte, reads the length from it, then unmasks
 * that many packet number bytes.
 *
 * Context: any.
 * Return: the packet number length, 1 to 4.
 */
u32 quic_hp_remove_mask(u8 *pkt, u32 pn_offset, const u8 *mask)
{
	u32 pn_len, i;

	pkt[0] ^= mask[0] & quic_hp_first_byte_mask(pkt[0]);
	pn_len = (pkt[0] & QUIC_HP_PN_LEN_MASK) + 1;
	for (i = 0; i < pn_len; i++)
		pkt[pn_offset + i] ^= mask[1 + i];
	return pn_len;
}
EXPORT_SYMBOL_GPL(quic_hp_remove_mask);

/**
 * quic_hp_pn_get() - read a truncated packet number
 * @p: the packet number field, unprotected
 * @pn_len: its length, 1 to 4
 *
 * Context: any.
 * Return: the truncated packet number (network byte order decoded).
 */
u32 quic_hp_pn_get(const u8 *p, u32 pn_len)
{
	u32 pn = 0, i;

	pn_len = min_t(u32, pn_len, QUIC_HP_PN_MAX_LEN);
	for (i = 0; i < pn_len; i++)
		pn = (pn << 8) | p[i];
	return pn;
}
EXPORT_SYMBOL_GPL(quic_hp_pn_get);
