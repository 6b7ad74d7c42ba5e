/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC key schedule (RFC 9001 sections 5 and 6, RFC 9369 section 3.3) and
 * the byte layout of header protection (RFC 9001 section 5.4).
 *
 * Pure arithmetic: the only primitive is HMAC, reached through a small ops
 * table, so the same source derives keys in the kernel (crypto_shash) and in
 * userspace unit tests (GnuTLS). Nothing here encrypts; crypto.c owns the
 * ciphers and calls these helpers for everything that is pure layout, so a
 * NIC driver or a software fallback sees exactly the same rules.
 */
#ifndef _NET_QUIC_KEYS_H
#define _NET_QUIC_KEYS_H

#include "codec_compat.h"

/* The TLS_CIPHER_* numbers of <linux/tls.h>, so the socket API shares them. */
#define QUIC_CIPHER_AES_128_GCM		51
#define QUIC_CIPHER_AES_256_GCM		52
#define QUIC_CIPHER_AES_128_CCM		53
#define QUIC_CIPHER_CHACHA20_POLY1305	54

/* Wire versions whose key schedule is known here. */
#define QUIC_KEYS_VERSION_1		0x00000001
#define QUIC_KEYS_VERSION_2		0x6b3343cf

enum quic_hash_alg {
	QUIC_HASH_SHA256 = 1,
	QUIC_HASH_SHA384 = 2,
};

#define QUIC_HASH_MAX_LEN	48
#define QUIC_SECRET_MAX_LEN	QUIC_HASH_MAX_LEN
#define QUIC_KEY_MAX_LEN	32
#define QUIC_IV_LEN		12
#define QUIC_TAG_LEN		16
#define QUIC_INITIAL_SECRET_LEN	32
#define QUIC_KEYS_DCID_MAX_LEN	20
#define QUIC_RETRY_KEY_LEN	16

/* Header protection: mask = 5 bytes derived from a 16-byte sample. */
#define QUIC_HP_SAMPLE_LEN	16
#define QUIC_HP_MASK_LEN	5
#define QUIC_HP_SAMPLE_SKIP	4	/* sample starts at pn_offset + 4 */
#define QUIC_HP_PN_MAX_LEN	4
#define QUIC_HP_LONG_HEADER	0x80	/* header form bit, never masked */
#define QUIC_HP_KEY_PHASE	0x04	/* short header key phase bit */
#define QUIC_HP_PN_LEN_MASK	0x03	/* packet number length - 1 */

/* Longest label and HKDF info accepted; QUIC's own are far shorter. */
#define QUIC_HKDF_LABEL_MAX	32
#define QUIC_HKDF_INFO_MAX	64

/**
 * struct quic_cipher_params - what the key schedule needs to know of a cipher
 * @key_len: AEAD key length, also the header protection key length
 * @secret_len: traffic secret length (the length of the TLS hash)
 * @tag_len: AEAD authentication tag length
 * @hash: enum quic_hash_alg of the TLS cipher suite
 */
struct quic_cipher_params {
	u32 key_len;
	u32 secret_len;
	u32 tag_len;
	u8 hash;
};

/**
 * struct quic_hmac_ops - the single primitive the key schedule runs on
 * @hmac: compute HMAC(@key, @data) with @hash (enum quic_hash_alg) into
 *	@out, which has room for the full hash length. Returns 0 or a negative
 *	errno that is passed back to the caller of the derivation. Called only
 *	while keys are derived, never per packet; may sleep if the caller of
 *	the derivation may.
 */
struct quic_hmac_ops {
	int (*hmac)(void *ctx, u8 hash, const u8 *key, u32 key_len,
		    const u8 *data, u32 data_len, u8 *out);
};

/**
 * struct quic_hkdf - an HKDF instance: an HMAC implementation and its hash
 * @ops: HMAC implementation
 * @ctx: passed to @ops as is
 * @hash: enum quic_hash_alg
 */
struct quic_hkdf {
	const struct quic_hmac_ops *ops;
	void *ctx;
	u8 hash;
};

/**
 * struct quic_packet_keys - packet protection material of one secret
 * @key: AEAD key, @key_len bytes
 * @iv: AEAD IV, XORed with the packet number to form each nonce
 * @hp: header protection key, @key_len bytes
 * @key_len: length of @key and @hp
 */
struct quic_packet_keys {
	u8 key[QUIC_KEY_MAX_LEN];
	u8 iv[QUIC_IV_LEN];
	u8 hp[QUIC_KEY_MAX_LEN];
	u32 key_len;
};

int quic_cipher_params(u32 cipher, struct quic_cipher_params *p);
u32 quic_hash_len(u8 hash);

int quic_hkdf_extract(const struct quic_hkdf *h, const u8 *salt, u32 salt_len,
		      const u8 *ikm, u32 ikm_len, u8 *prk);
int quic_hkdf_expand(const struct quic_hkdf *h, const u8 *prk, u32 prk_len,
		     const u8 *info, u32 info_len, u8 *out, u32 out_len);
int quic_hkdf_expand_label(const struct quic_hkdf *h, const u8 *secret,
			   u32 secret_len, const char *label, u8 *out,
			   u32 out_len);

int quic_keys_initial_secrets(const struct quic_hmac_ops *ops, void *ctx,
			      u32 version, const u8 *dcid, u32 dcid_len,
			      u8 *client, u8 *server);
int quic_keys_derive(const struct quic_hmac_ops *ops, void *ctx, u32 version,
		     u32 cipher, const u8 *secret, u32 secret_len,
		     struct quic_packet_keys *k);
int quic_keys_next_secret(const struct quic_hmac_ops *ops, void *ctx,
			  u32 version, u32 cipher, const u8 *secret,
			  u32 secret_len, u8 *next);
int quic_keys_retry(u32 version, const u8 **key, const u8 **nonce);
void quic_keys_nonce(const u8 *iv, u64 pn, u8 *nonce);

bool quic_hp_sample_fits(u32 pn_offset, u32 pkt_len);
void quic_hp_apply_mask(u8 *pkt, u32 pn_offset, u32 pn_len, const u8 *mask);
u32 quic_hp_remove_mask(u8 *pkt, u32 pn_offset, const u8 *mask);
u32 quic_hp_pn_get(const u8 *p, u32 pn_len);

#endif /* _NET_QUIC_KEYS_H */
