// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the QUIC key schedule and header protection layout
 * (net/quic/keys.c). GnuTLS supplies HMAC for the key schedule and the AEAD
 * and header protection ciphers, so the RFC 9001 / RFC 9369 Appendix A
 * packets are rebuilt byte for byte with keys.c deciding everything that is
 * not a cipher: nonce, AAD extent, sample offset, which header bits are
 * masked. The same vectors drive the kernel self-test (crypto_selftest.c).
 */
#include <stdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "../../../net/quic/keys.c"
#include "../../../net/quic/crypto_vectors.h"
#include "tap.h"

static int test_hmac(void *ctx, u8 hash, const u8 *key, u32 key_len,
		     const u8 *data, u32 data_len, u8 *out)
{
	gnutls_mac_algorithm_t alg;

	(void)ctx;
	if (hash == QUIC_HASH_SHA256)
		alg = GNUTLS_MAC_SHA256;
	else if (hash == QUIC_HASH_SHA384)
		alg = GNUTLS_MAC_SHA384;
	else
		return -EINVAL;
	return gnutls_hmac_fast(alg, key, key_len, data, data_len, out) ?
	       -EIO : 0;
}

static const struct quic_hmac_ops test_hmac_ops = { .hmac = test_hmac };

/* Fails the n-th HMAC call (ctx points at n), to check error paths. */
static int test_hmac_failing(void *ctx, u8 hash, const u8 *key, u32 key_len,
			     const u8 *data, u32 data_len, u8 *out)
{
	int *left = ctx;

	if (--*left == 0)
		return -ENOMEM;
	return test_hmac(NULL, hash, key, key_len, data, data_len, out);
}

static const struct quic_hmac_ops test_failing_ops = {
	.hmac = test_hmac_failing,
};

static void hexdump(const char *what, const u8 *p, u32 len)
{
	char line[80];
	u32 i, n = 0;

	tap_diag("%s (%u bytes):", what, len);
	for (i = 0; i < len; i++) {
		n += snprintf(line + n, sizeof(line) - n, "%02x", p[i]);
		if ((i & 31) == 31 || i == len - 1) {
			tap_diag("  %s", line);
			n = 0;
		}
	}
}

static int same(const char *what, const u8 *got, const u8 *want, u32 len)
{
	if (!memcmp(got, want, len))
		return 1;
	hexdump(what, got, len);
	hexdump("expected", want, len);
	return 0;
}

static gnutls_cipher_algorithm_t test_aead_alg(u32 cipher)
{
	switch (cipher) {
	case QUIC_CIPHER_AES_128_GCM:
		return GNUTLS_CIPHER_AES_128_GCM;
	case QUIC_CIPHER_AES_256_GCM:
		return GNUTLS_CIPHER_AES_256_GCM;
	case QUIC_CIPHER_AES_128_CCM:
		return GNUTLS_CIPHER_AES_128_CCM;
	default:
		return GNUTLS_CIPHER_CHACHA20_POLY1305;
	}
}

/* AEAD seal (@enc) or open of @in into @out; AAD is separate. */
static int test_aead(u32 cipher, const u8 *key, u32 key_len, const u8 *nonce,
		     const u8 *aad, u32 aad_len, const u8 *in, u32 in_len,
		     u8 *out, bool enc)
{
	gnutls_datum_t k = { .data = (u8 *)key, .size = key_len };
	size_t out_len = in_len + QUIC_TAG_LEN;
	gnutls_aead_cipher_hd_t h;
	int ret;

	if (gnutls_aead_cipher_init(&h, test_aead_alg(cipher), &k))
		return -EIO;
	if (enc)
		ret = gnutls_aead_cipher_encrypt(h, nonce, QUIC_IV_LEN, aad,
						 aad_len, QUIC_TAG_LEN, in,
						 in_len, out, &out_len);
	else
		ret = gnutls_aead_cipher_decrypt(h, nonce, QUIC_IV_LEN, aad,
						 aad_len, QUIC_TAG_LEN, in,
						 in_len, out, &out_len);
	gnutls_aead_cipher_deinit(h);
	return ret ? -EBADMSG : 0;
}

/*
 * Header protection mask (RFC 9001 5.4.3, 5.4.4). AES-ECB of one block is
 * AES-CBC with a zero IV; ChaCha20 takes the sample as counter || nonce.
 */
static int test_hp_mask(u32 cipher, const u8 *hp, u32 key_len,
			const u8 *sample, u8 *mask)
{
	u8 zero_iv[QUIC_HP_SAMPLE_LEN] = {}, in[QUIC_HP_SAMPLE_LEN] = {};
	gnutls_datum_t iv = { .data = zero_iv, .size = sizeof(zero_iv) };
	gnutls_datum_t k = { .data = (u8 *)hp, .size = key_len };
	gnutls_cipher_algorithm_t alg = GNUTLS_CIPHER_AES_128_CBC;
	u8 out[QUIC_HP_SAMPLE_LEN];
	gnutls_cipher_hd_t h;
	int ret;

	if (cipher == QUIC_CIPHER_CHACHA20_POLY1305) {
		alg = GNUTLS_CIPHER_CHACHA20_32;
		iv.data = (u8 *)sample;
	} else {
		memcpy(in, sample, sizeof(in));
		if (key_len == 32)
			alg = GNUTLS_CIPHER_AES_256_CBC;
	}
	if (gnutls_cipher_init(&h, alg, &k, &iv))
		return -EIO;
	ret = gnutls_cipher_encrypt2(h, in, sizeof(in), out, sizeof(out));
	gnutls_cipher_deinit(h);
	memcpy(mask, out, QUIC_HP_MASK_LEN);
	return ret ? -EIO : 0;
}

/*
 * The userspace twin of quic_crypto_encrypt(): AEAD over the laid-out
 * packet (AAD = header), then header protection from the pn_offset + 4
 * sample.
 */
static int test_protect(const struct quic_packet_keys *k, u32 cipher,
			u8 *pkt, u32 pn_offset, u32 pn_len, u32 payload_len,
			u64 pn)
{
	u8 nonce[QUIC_IV_LEN], mask[QUIC_HP_MASK_LEN];
	u8 *ct = malloc(payload_len + QUIC_TAG_LEN);
	u32 hdr_len = pn_offset + pn_len;
	int err;

	quic_keys_nonce(k->iv, pn, nonce);
	err = test_aead(cipher, k->key, k->key_len, nonce, pkt, hdr_len,
			pkt + hdr_len, payload_len, ct, true);
	if (!err)
		memcpy(pkt + hdr_len, ct, payload_len + QUIC_TAG_LEN);
	free(ct);
	if (!err && !quic_hp_sample_fits(pn_offset,
					 hdr_len + payload_len + QUIC_TAG_LEN))
		err = -EINVAL;
	if (!err)
		err = test_hp_mask(cipher, k->hp, k->key_len,
				   pkt + pn_offset + QUIC_HP_SAMPLE_SKIP, mask);
	if (!err)
		quic_hp_apply_mask(pkt, pn_offset, pn_len, mask);
	return err;
}

/*
 * Receive side: remove header protection, rebuild the full packet number
 * from the truncated one (the vectors never cross a window), open the AEAD
 * into @out.
 */
static int test_unprotect(const struct quic_packet_keys *k, u32 cipher,
			  u8 *pkt, u32 pkt_len, u32 pn_offset, u64 *pn,
			  u32 *pn_len, u8 *out)
{
	u8 nonce[QUIC_IV_LEN], mask[QUIC_HP_MASK_LEN];
	u32 hdr_len;
	u64 win;
	int err;

	if (!quic_hp_sample_fits(pn_offset, pkt_len))
		return -EINVAL;
	err = test_hp_mask(cipher, k->hp, k->key_len,
			   pkt + pn_offset + QUIC_HP_SAMPLE_SKIP, mask);
	if (err)
		return err;
	*pn_len = quic_hp_remove_mask(pkt, pn_offset, mask);
	win = 1ULL << (8 * *pn_len);
	*pn = (*pn & ~(win - 1)) | quic_hp_pn_get(pkt + pn_offset, *pn_len);
	hdr_len = pn_offset + *pn_len;
	quic_keys_nonce(k->iv, *pn, nonce);
	return test_aead(cipher, k->key, k->key_len, nonce, pkt, hdr_len,
			 pkt + hdr_len, pkt_len - hdr_len, out, false);
}

static void test_initial_secrets(void)
{
	struct quic_hkdf h = { &test_hmac_ops, NULL, QUIC_HASH_SHA256 };
	u8 prk[QUIC_HASH_MAX_LEN], client[32], server[32];
	const struct quic_vec_initial *v;
	int err;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_vec_initials); i++) {
		v = &quic_vec_initials[i];
		err = quic_hkdf_extract(&h, quic_keys_version(v->version)->salt,
					QUIC_SALT_LEN, quic_vec_dcid,
					sizeof(quic_vec_dcid), prk);
		tap_result(!err && same("initial_secret", prk, v->initial, 32),
			   "unit: keys: %s initial_secret", v->name);
		err = quic_keys_initial_secrets(&test_hmac_ops, NULL,
						v->version, quic_vec_dcid,
						sizeof(quic_vec_dcid), client,
						server);
		tap_result(!err && same("client", client, v->client, 32),
			   "unit: keys: %s client_initial_secret", v->name);
		tap_result(!err && same("server", server, v->server, 32),
			   "unit: keys: %s server_initial_secret", v->name);
	}
}

static void test_key_vectors(void)
{
	const struct quic_vec_keys *v;
	struct quic_cipher_params p;
	struct quic_packet_keys k;
	u8 ku[QUIC_SECRET_MAX_LEN];
	int err;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_vec_keys); i++) {
		v = &quic_vec_keys[i];
		quic_cipher_params(v->cipher, &p);
		err = quic_keys_derive(&test_hmac_ops, NULL, v->version,
				       v->cipher, v->secret, p.secret_len, &k);
		tap_result(!err && k.key_len == p.key_len &&
			   same("key", k.key, v->key, p.key_len),
			   "unit: keys: %s key", v->name);
		tap_result(!err && same("iv", k.iv, v->iv, QUIC_IV_LEN),
			   "unit: keys: %s iv", v->name);
		tap_result(!err && same("hp", k.hp, v->hp, p.key_len),
			   "unit: keys: %s hp", v->name);
		if (!v->ku)
			continue;
		err = quic_keys_next_secret(&test_hmac_ops, NULL, v->version,
					    v->cipher, v->secret,
					    p.secret_len, ku);
		tap_result(!err && same("ku", ku, v->ku, p.secret_len),
			   "unit: keys: %s key update secret (ku)", v->name);
	}
}

/*
 * The sender's packet protection keys of a packet vector. A key update
 * changes key and IV only: the header protection key stays the one of the
 * first secret (RFC 9001 section 6).
 */
static int test_vec_keys(const struct quic_vec_packet *v,
			 struct quic_packet_keys *k)
{
	u8 secret[QUIC_SECRET_MAX_LEN], next[QUIC_SECRET_MAX_LEN];
	u8 client[32], server[32], hp[QUIC_KEY_MAX_LEN];
	struct quic_cipher_params p;
	int err;
	u32 i;

	quic_cipher_params(v->cipher, &p);
	memcpy(secret, v->secret, p.secret_len);
	if (v->initial) {
		err = quic_keys_initial_secrets(&test_hmac_ops, NULL,
						v->version, quic_vec_dcid,
						sizeof(quic_vec_dcid), client,
						server);
		if (err || memcmp(v->server ? server : client, secret, 32))
			return -EPROTO;
	}
	err = quic_keys_derive(&test_hmac_ops, NULL, v->version, v->cipher,
			       secret, p.secret_len, k);
	memcpy(hp, k->hp, sizeof(hp));
	for (i = 0; i < v->key_updates && !err; i++) {
		err = quic_keys_next_secret(&test_hmac_ops, NULL, v->version,
					    v->cipher, secret, p.secret_len,
					    next);
		memcpy(secret, next, p.secret_len);
	}
	if (!err)
		err = quic_keys_derive(&test_hmac_ops, NULL, v->version,
				       v->cipher, secret, p.secret_len, k);
	memcpy(k->hp, hp, sizeof(hp));
	return err;
}

static void test_packet(const struct quic_vec_packet *v)
{
	u32 hdr_len = v->pn_offset + v->pn_len, pn_len = 0;
	u32 len = hdr_len + v->padded_len + QUIC_TAG_LEN;
	struct quic_packet_keys k;
	u64 pn = v->pn;
	u8 *pkt, *pt;
	int err;

	pkt = calloc(1, len);
	pt = calloc(1, len);
	memcpy(pkt, v->hdr, hdr_len);
	memcpy(pkt + hdr_len, v->payload, v->payload_len);
	err = test_vec_keys(v, &k);
	if (!err)
		err = test_protect(&k, v->cipher, pkt, v->pn_offset, v->pn_len,
				   v->padded_len, v->pn);
	if (!err && len != v->packet_len)
		hexdump("protected, expected length differs", pkt, len);
	tap_result(!err && len == v->packet_len &&
		   same("protected", pkt, v->packet, len),
		   "unit: keys: %s protect", v->name);
	if (len != v->packet_len)
		goto out;

	/* Receive the expected bytes (not ours), get the plaintext back. */
	memcpy(pkt, v->packet, len);
	err = err ?: test_unprotect(&k, v->cipher, pkt, len, v->pn_offset,
				    &pn, &pn_len, pt);
	tap_result(!err && pn_len == v->pn_len && pn == v->pn &&
		   same("header", pkt, v->hdr, hdr_len) &&
		   same("payload", pt, v->payload, v->payload_len),
		   "unit: keys: %s unprotect", v->name);

	/* One flipped ciphertext bit must fail authentication. */
	memcpy(pkt, v->packet, len);
	pkt[len - 1] ^= 0x01;
	err = test_unprotect(&k, v->cipher, pkt, len, v->pn_offset, &pn,
			     &pn_len, pt);
	tap_result(err == -EBADMSG, "unit: keys: %s tampered tag rejected",
		   v->name);
out:
	free(pkt);
	free(pt);
}

static void test_packets(void)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_vec_packets); i++)
		test_packet(&quic_vec_packets[i]);
}

/* RFC 9001 5.8: tag = AES-128-GCM(key, nonce, pt = "", aad = pseudo). */
static void test_retry(void)
{
	u8 pseudo[128], tag[QUIC_TAG_LEN];
	const struct quic_vec_retry *v;
	const u8 *key, *nonce, *tag_want;
	u32 i, n;
	int err;

	for (i = 0; i < ARRAY_SIZE(quic_vec_retries); i++) {
		v = &quic_vec_retries[i];
		n = 0;
		pseudo[n++] = sizeof(quic_vec_dcid);
		memcpy(pseudo + n, quic_vec_dcid, sizeof(quic_vec_dcid));
		n += sizeof(quic_vec_dcid);
		memcpy(pseudo + n, v->packet, v->len - QUIC_TAG_LEN);
		n += v->len - QUIC_TAG_LEN;
		tag_want = v->packet + v->len - QUIC_TAG_LEN;
		err = quic_keys_retry(v->version, &key, &nonce);
		err = err ?: test_aead(QUIC_CIPHER_AES_128_GCM, key,
				       QUIC_RETRY_KEY_LEN, nonce, pseudo, n,
				       NULL, 0, tag, true);
		tap_result(!err && same("tag", tag, tag_want, QUIC_TAG_LEN),
			   "unit: keys: %s integrity tag", v->name);
	}
	tap_result(quic_keys_retry(0xff00001d, &key, &nonce) == -EINVAL,
		   "unit: keys: retry constants of unknown version rejected");
}

/* RFC 5869 A.1: a multi-block Expand that is not QUIC-shaped. */
static void test_hkdf_rfc5869(void)
{
	static const u8 prk_want[32] = {
		0x07, 0x77, 0x09, 0x36, 0x2c, 0x2e, 0x32, 0xdf,
		0x0d, 0xdc, 0x3f, 0x0d, 0xc4, 0x7b, 0xba, 0x63,
		0x90, 0xb6, 0xc7, 0x3b, 0xb5, 0x0f, 0x9c, 0x31,
		0x22, 0xec, 0x84, 0x4a, 0xd7, 0xc2, 0xb3, 0xe5,
	};
	static const u8 okm_want[42] = {
		0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a, 0x90, 0x43,
		0x4f, 0x64, 0xd0, 0x36, 0x2f, 0x2a, 0x2d, 0x2d, 0x0a, 0x90,
		0xcf, 0x1a, 0x5a, 0x4c, 0x5d, 0xb0, 0x2d, 0x56, 0xec, 0xc4,
		0xc5, 0xbf, 0x34, 0x00, 0x72, 0x08, 0xd5, 0xb8, 0x87, 0x18,
		0x58, 0x65,
	};
	struct quic_hkdf h = { &test_hmac_ops, NULL, QUIC_HASH_SHA256 };
	u8 ikm[22], salt[13], info[10], prk[32], okm[42];
	u32 i;
	int err;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = i;
	for (i = 0; i < sizeof(info); i++)
		info[i] = 0xf0 + i;
	err = quic_hkdf_extract(&h, salt, sizeof(salt), ikm, sizeof(ikm),
				prk);
	tap_result(!err && same("prk", prk, prk_want, 32),
		   "unit: keys: RFC 5869 A.1 HKDF-Extract");
	err = quic_hkdf_expand(&h, prk, 32, info, sizeof(info), okm, 42);
	tap_result(!err && same("okm", okm, okm_want, 42),
		   "unit: keys: RFC 5869 A.1 HKDF-Expand (two blocks)");
}

static void test_cipher_params(void)
{
	static const u32 bad[] = { 0, 50, 55, 0x1301, U32_MAX };
	struct quic_cipher_params p;
	int ok = 1;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok &= quic_cipher_params(bad[i], &p) == -EINVAL;
	tap_result(ok, "unit: keys: unknown cipher ids rejected");
	ok = !quic_cipher_params(QUIC_CIPHER_AES_128_GCM, &p) &&
	     p.key_len == 16 && p.secret_len == 32 &&
	     p.hash == QUIC_HASH_SHA256 && p.tag_len == 16;
	ok &= !quic_cipher_params(QUIC_CIPHER_AES_256_GCM, &p) &&
	      p.key_len == 32 && p.secret_len == 48 &&
	      p.hash == QUIC_HASH_SHA384;
	ok &= !quic_cipher_params(QUIC_CIPHER_AES_128_CCM, &p) &&
	      p.key_len == 16 && p.hash == QUIC_HASH_SHA256;
	ok &= !quic_cipher_params(QUIC_CIPHER_CHACHA20_POLY1305, &p) &&
	      p.key_len == 32 && p.hash == QUIC_HASH_SHA256;
	tap_result(ok, "unit: keys: cipher key length, hash and tag length");
	tap_result(quic_hash_len(QUIC_HASH_SHA256) == 32 &&
		   quic_hash_len(QUIC_HASH_SHA384) == 48 && !quic_hash_len(0),
		   "unit: keys: hash lengths");
}

static void test_bad_arguments(void)
{
	const char *long_label = "123456789012345678901234567890123";
	struct quic_hkdf h = { &test_hmac_ops, NULL, QUIC_HASH_SHA256 };
	u8 secret[48] = { 1 }, out[255 * 32 + 1], c[32], s[32];
	u8 dcid[QUIC_KEYS_DCID_MAX_LEN + 1] = {};
	struct quic_packet_keys k;

	tap_result(quic_keys_derive(&test_hmac_ops, NULL, 1,
				    QUIC_CIPHER_AES_128_GCM, secret, 48,
				    &k) == -EINVAL &&
		   quic_keys_derive(&test_hmac_ops, NULL, 1,
				    QUIC_CIPHER_AES_256_GCM, secret, 32,
				    &k) == -EINVAL &&
		   quic_keys_derive(&test_hmac_ops, NULL, 1, 99, secret, 32,
				    &k) == -EINVAL,
		   "unit: keys: secret length must match the cipher's hash");
	tap_result(quic_keys_derive(&test_hmac_ops, NULL, 0xff00001d,
				    QUIC_CIPHER_AES_128_GCM, secret, 32,
				    &k) == -EINVAL &&
		   quic_keys_initial_secrets(&test_hmac_ops, NULL, 0, dcid, 8,
					     c, s) == -EINVAL &&
		   quic_keys_next_secret(&test_hmac_ops, NULL, 2, 51, secret,
					 32, c) == -EINVAL,
		   "unit: keys: unknown versions rejected");
	tap_result(quic_keys_initial_secrets(&test_hmac_ops, NULL, 1, dcid,
					     sizeof(dcid), c, s) == -EINVAL &&
		   !quic_keys_initial_secrets(&test_hmac_ops, NULL, 1, dcid,
					      sizeof(dcid) - 1, c, s) &&
		   !quic_keys_initial_secrets(&test_hmac_ops, NULL, 1, NULL, 0,
					      c, s),
		   "unit: keys: initial DCID length 0..20 only");
	tap_result(quic_hkdf_expand(&h, secret, 32, NULL, 0, out,
				    sizeof(out)) == -EINVAL &&
		   !quic_hkdf_expand(&h, secret, 32, NULL, 0, out,
				     sizeof(out) - 1) &&
		   quic_hkdf_expand(&h, secret, 32, NULL, 0, out, 0) ==
		   -EINVAL &&
		   quic_hkdf_expand(&h, secret, 0, NULL, 0, out, 16) ==
		   -EINVAL &&
		   quic_hkdf_expand(&h, secret, 32, out,
				    QUIC_HKDF_INFO_MAX + 1, out, 16) ==
		   -EINVAL,
		   "unit: keys: HKDF-Expand length limits");
	tap_result(quic_hkdf_expand_label(&h, secret, 32, long_label, out,
					  16) == -EINVAL &&
		   !quic_hkdf_expand_label(&h, secret, 32, long_label + 1, out,
					   16),
		   "unit: keys: HKDF-Expand-Label label limit");
	h.hash = 7;
	tap_result(quic_hkdf_expand(&h, secret, 32, NULL, 0, out, 16) ==
		   -EINVAL &&
		   quic_hkdf_extract(&h, NULL, 0, secret, 32, out) == -EINVAL,
		   "unit: keys: unknown hash rejected");
}

static void test_hmac_errors(void)
{
	u8 secret[32] = { 2 }, c[32], s[32];
	struct quic_packet_keys k;
	int n, ok = 1;

	/* Each of the three expansions failing must fail the derivation. */
	for (n = 1; n <= 3; n++) {
		int left = n;

		memset(&k, 0xaa, sizeof(k));
		ok &= quic_keys_derive(&test_failing_ops, &left, 1,
				       QUIC_CIPHER_AES_128_GCM, secret, 32,
				       &k) == -ENOMEM;
		ok &= k.key[0] == 0 && k.key_len == 0;
	}
	tap_result(ok, "unit: keys: HMAC failure fails derivation, keys wiped");
	ok = 1;
	for (n = 1; n <= 3; n++) {
		int left = n;

		ok &= quic_keys_initial_secrets(&test_failing_ops, &left, 1,
						quic_vec_dcid, 8, c, s) ==
		      -ENOMEM;
	}
	tap_result(ok, "unit: keys: HMAC failure fails initial secrets");
}

static void test_nonce(void)
{
	static const u8 want[QUIC_IV_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xfe, 0xdc, 0xba, 0x98,
		0x76, 0x54, 0x32, 0x10,
	};
	u8 iv[QUIC_IV_LEN], nonce[QUIC_IV_LEN];

	memset(iv, 0xff, sizeof(iv));
	quic_keys_nonce(iv, 0x0123456789abcdefULL, nonce);
	tap_result(same("nonce", nonce, want, QUIC_IV_LEN),
		   "unit: keys: nonce is iv xor left-padded pn");
}

static void test_hp_layout(void)
{
	static const u8 mask[QUIC_HP_MASK_LEN] = { 0xff, 0x11, 0x22, 0x33,
						    0x44 };
	u8 pkt[24] = { 0xc1, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	u8 orig[24];
	u32 pn_len;

	tap_result(!quic_hp_sample_fits(0, 100) &&
		   quic_hp_sample_fits(1, 21) && !quic_hp_sample_fits(2, 21) &&
		   !quic_hp_sample_fits(1, 20) &&
		   !quic_hp_sample_fits(U32_MAX, 19) &&
		   !quic_hp_sample_fits(U32_MAX - 19, U32_MAX) &&
		   quic_hp_sample_fits(U32_MAX - 20, U32_MAX),
		   "unit: keys: sample bounds (pn_offset + 4 + 16)");

	/* Long header: 4 low bits masked, 2-byte pn at offset 5. */
	memcpy(orig, pkt, sizeof(pkt));
	quic_hp_apply_mask(pkt, 5, 2, mask);
	tap_result(pkt[0] == (0xc1 ^ 0x0f) && pkt[5] == (5 ^ 0x11) &&
		   pkt[6] == (6 ^ 0x22) && pkt[7] == 7,
		   "unit: keys: long header masks 4 bits and pn only");
	pn_len = quic_hp_remove_mask(pkt, 5, mask);
	tap_result(pn_len == 2 && !memcmp(pkt, orig, sizeof(pkt)),
		   "unit: keys: long header mask removal restores header");

	/* Short header: 5 low bits (key phase too), 4-byte pn. */
	pkt[0] = 0x47;
	memcpy(orig, pkt, sizeof(pkt));
	quic_hp_apply_mask(pkt, 1, 4, mask);
	tap_result(pkt[0] == (0x47 ^ 0x1f) && pkt[4] == (4 ^ 0x44) &&
		   pkt[5] == 5,
		   "unit: keys: short header masks 5 bits");
	pn_len = quic_hp_remove_mask(pkt, 1, mask);
	tap_result(pn_len == 4 && !memcmp(pkt, orig, sizeof(pkt)) &&
		   quic_hp_pn_get(pkt + 1, pn_len) == 0x01020304 &&
		   quic_hp_pn_get(pkt + 1, 1) == 1,
		   "unit: keys: short header mask removal and pn read");
}

int main(void)
{
	test_cipher_params();
	test_hkdf_rfc5869();
	test_initial_secrets();
	test_key_vectors();
	test_packets();
	test_retry();
	test_bad_arguments();
	test_hmac_errors();
	test_nonce();
	test_hp_layout();
	return tap_exit();
}
