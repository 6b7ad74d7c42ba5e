// SPDX-License-Identifier: GPL-2.0
/*
 * AES-GCM on the kernel's AES library and GF(2^128) multiplication, with
 * no FPU: the fallback for a packet that arrives in a softirq which
 * interrupted another kernel FPU user, where the SIMD AEAD must not run.
 *
 * Nothing is kept per key but the raw key: the key schedule and the hash
 * key are derived on the stack for each packet. That costs a key
 * expansion per packet on a path that is rare, and saves every connection
 * a second, generic AEAD transform per key (with its 4 KiB GHASH table)
 * held only for that path. Both library routines are written to run in
 * constant time.
 *
 * Buffers are laid out as QUIC protects packets: associated data (the
 * header), then the text, then room for the tag; processing is in place.
 */
#include <crypto/aes.h>
#include <crypto/gf128mul.h>
#include <crypto/utils.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "gcm_soft.h"

#define QUIC_GCM_BLOCK	16

struct quic_gcm_soft {
	struct crypto_aes_ctx aes;
	be128 h;	/* hash key: E(K, 0^128) */
	be128 hash;	/* running GHASH value */
};

static int quic_gcm_soft_init(struct quic_gcm_soft *g, const u8 *key,
			      u32 key_len)
{
	static const u8 zero[QUIC_GCM_BLOCK];
	int err;

	err = aes_expandkey(&g->aes, key, key_len);
	if (err)
		return err;
	aes_encrypt(&g->aes, (u8 *)&g->h, zero);
	memset(&g->hash, 0, sizeof(g->hash));
	return 0;
}

/* GHASH over @len bytes, the last block zero-padded (XOR with nothing). */
static void quic_gcm_soft_ghash(struct quic_gcm_soft *g, const u8 *p, u32 len)
{
	u32 n;

	while (len) {
		n = min_t(u32, len, QUIC_GCM_BLOCK);
		crypto_xor((u8 *)&g->hash, p, n);
		gf128mul_lle(&g->hash, &g->h);
		p += n;
		len -= n;
	}
}

/* GCTR from inc32(J0): the text's counter blocks start at 2. */
static void quic_gcm_soft_ctr(struct quic_gcm_soft *g, const u8 *iv, u8 *p,
			      u32 len)
{
	u8 ctr[QUIC_GCM_BLOCK], ks[QUIC_GCM_BLOCK];
	u32 i = 2, n;

	memcpy(ctr, iv, QUIC_GCM_SOFT_IV_LEN);
	while (len) {
		put_unaligned_be32(i++, ctr + QUIC_GCM_SOFT_IV_LEN);
		aes_encrypt(&g->aes, ks, ctr);
		n = min_t(u32, len, QUIC_GCM_BLOCK);
		crypto_xor(p, ks, n);
		p += n;
		len -= n;
	}
	memzero_explicit(ks, sizeof(ks));
}

/* Tag over @assoc_len bytes of @aad and @len bytes of ciphertext @c. */
static void quic_gcm_soft_tag(struct quic_gcm_soft *g, const u8 *iv,
			      const u8 *aad, u32 assoc_len, const u8 *c,
			      u32 len, u8 *tag)
{
	u8 j0[QUIC_GCM_BLOCK], ek[QUIC_GCM_BLOCK];
	be128 lens;

	quic_gcm_soft_ghash(g, aad, assoc_len);
	quic_gcm_soft_ghash(g, c, len);
	lens.a = cpu_to_be64((u64)assoc_len * 8);
	lens.b = cpu_to_be64((u64)len * 8);
	quic_gcm_soft_ghash(g, (const u8 *)&lens, sizeof(lens));
	memcpy(j0, iv, QUIC_GCM_SOFT_IV_LEN);
	put_unaligned_be32(1, j0 + QUIC_GCM_SOFT_IV_LEN);
	aes_encrypt(&g->aes, ek, j0);
	crypto_xor_cpy(tag, ek, (const u8 *)&g->hash, QUIC_GCM_SOFT_TAG_LEN);
	memzero_explicit(ek, sizeof(ek));
}

/**
 * quic_gcm_soft_encrypt() - seal in place
 * @key: AES key
 * @key_len: 16 or 32
 * @iv: QUIC_GCM_SOFT_IV_LEN bytes
 * @buf: @assoc_len bytes of associated data, @len bytes of plaintext,
 *	then QUIC_GCM_SOFT_TAG_LEN bytes of room for the tag
 * @assoc_len: associated data length
 * @len: plaintext length
 *
 * Context: any; no allocation, no FPU. About 600 bytes of stack.
 * Return: 0, or -EINVAL for a bad key length.
 */
int quic_gcm_soft_encrypt(const u8 *key, u32 key_len, const u8 *iv, u8 *buf,
			  u32 assoc_len, u32 len)
{
	struct quic_gcm_soft g;
	u8 *text = buf + assoc_len;
	int err;

	err = quic_gcm_soft_init(&g, key, key_len);
	if (!err) {
		quic_gcm_soft_ctr(&g, iv, text, len);
		quic_gcm_soft_tag(&g, iv, buf, assoc_len, text, len,
				  text + len);
	}
	memzero_explicit(&g, sizeof(g));
	return err;
}

/**
 * quic_gcm_soft_decrypt() - open in place
 * @key: AES key
 * @key_len: 16 or 32
 * @iv: QUIC_GCM_SOFT_IV_LEN bytes
 * @buf: @assoc_len bytes of associated data, then @len bytes of
 *	ciphertext ending with its tag
 * @assoc_len: associated data length
 * @len: ciphertext length, tag included
 *
 * The tag is checked before anything is decrypted.
 *
 * Context: any; no allocation, no FPU.
 * Return: 0; -EBADMSG if the tag does not match (the buffer is then
 * unchanged); -EINVAL for a bad key length or @len shorter than a tag.
 */
int quic_gcm_soft_decrypt(const u8 *key, u32 key_len, const u8 *iv, u8 *buf,
			  u32 assoc_len, u32 len)
{
	u8 tag[QUIC_GCM_SOFT_TAG_LEN];
	struct quic_gcm_soft g;
	u8 *text = buf + assoc_len;
	int err;

	if (len < QUIC_GCM_SOFT_TAG_LEN)
		return -EINVAL;
	len -= QUIC_GCM_SOFT_TAG_LEN;
	err = quic_gcm_soft_init(&g, key, key_len);
	if (!err) {
		quic_gcm_soft_tag(&g, iv, buf, assoc_len, text, len, tag);
		if (crypto_memneq(tag, text + len, QUIC_GCM_SOFT_TAG_LEN))
			err = -EBADMSG;
		else
			quic_gcm_soft_ctr(&g, iv, text, len);
	}
	memzero_explicit(&g, sizeof(g));
	memzero_explicit(tag, sizeof(tag));
	return err;
}
