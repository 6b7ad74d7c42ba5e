// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the key schedule (keys.c) against the RFC 9001 and
 * RFC 9369 Appendix A vectors of crypto_vectors.h: Initial secrets, packet
 * keys of v1 and v2, the key update secret, nonces and the header
 * protection layout. HMAC comes from the kernel crypto API; the AES block
 * for the header protection mask from the AES library.
 */
#include <kunit/test.h>
#include <crypto/aes.h>
#include <crypto/hash.h>

#include "keys.h"
#include "crypto_vectors.h"

struct quic_kunit_hmac {
	struct crypto_shash *sha256;
	struct crypto_shash *sha384;
};

static int quic_kunit_hmac(void *ctx, u8 hash, const u8 *key, u32 key_len,
			   const u8 *data, u32 data_len, u8 *out)
{
	struct quic_kunit_hmac *h = ctx;
	struct crypto_shash *tfm;
	int err;

	switch (hash) {
	case QUIC_HASH_SHA256:
		tfm = h->sha256;
		break;
	case QUIC_HASH_SHA384:
		tfm = h->sha384;
		break;
	default:
		return -EINVAL;
	}
	err = crypto_shash_setkey(tfm, key, key_len);
	if (err)
		return err;
	return crypto_shash_tfm_digest(tfm, data, data_len, out);
}

static const struct quic_hmac_ops quic_kunit_hmac_ops = {
	.hmac = quic_kunit_hmac,
};

static int quic_keys_kunit_init(struct kunit *test)
{
	struct quic_kunit_hmac *h;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->sha256 = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(h->sha256))
		return PTR_ERR(h->sha256);
	h->sha384 = crypto_alloc_shash("hmac(sha384)", 0, 0);
	if (IS_ERR(h->sha384)) {
		crypto_free_shash(h->sha256);
		return PTR_ERR(h->sha384);
	}
	test->priv = h;
	return 0;
}

static void quic_keys_kunit_exit(struct kunit *test)
{
	struct quic_kunit_hmac *h = test->priv;

	if (!h)
		return;
	crypto_free_shash(h->sha384);
	crypto_free_shash(h->sha256);
}

struct quic_kunit_initial {
	const char *name;
	u32 version;
	const u8 *client_secret, *client_key, *client_iv, *client_hp;
	const u8 *server_secret, *server_key, *server_iv, *server_hp;
};

static const struct quic_kunit_initial quic_kunit_initials[] = {
	{ "v1", QUIC_KEYS_VERSION_1,
	  quic_vec_v1_client_secret, quic_vec_v1_client_key,
	  quic_vec_v1_client_iv, quic_vec_v1_client_hp,
	  quic_vec_v1_server_secret, quic_vec_v1_server_key,
	  quic_vec_v1_server_iv, quic_vec_v1_server_hp },
	{ "v2", QUIC_KEYS_VERSION_2,
	  quic_vec_v2_client_secret, quic_vec_v2_client_key,
	  quic_vec_v2_client_iv, quic_vec_v2_client_hp,
	  quic_vec_v2_server_secret, quic_vec_v2_server_key,
	  quic_vec_v2_server_iv, quic_vec_v2_server_hp },
};

static void quic_kunit_expect_keys(struct kunit *test, u32 version,
				   const u8 *secret, const u8 *key,
				   const u8 *iv, const u8 *hp)
{
	struct quic_packet_keys k = {};

	KUNIT_ASSERT_EQ(test, quic_keys_derive(&quic_kunit_hmac_ops, test->priv,
					       version,
					       QUIC_CIPHER_AES_128_GCM,
					       secret, 32, &k), 0);
	KUNIT_EXPECT_EQ(test, k.key_len, 16U);
	KUNIT_EXPECT_MEMEQ(test, k.key, key, 16);
	KUNIT_EXPECT_MEMEQ(test, k.iv, iv, QUIC_IV_LEN);
	KUNIT_EXPECT_MEMEQ(test, k.hp, hp, 16);
}

/* RFC 9001 A.1, RFC 9369 A.1: secrets and keys from the client's DCID. */
static void quic_kunit_initial_keys(struct kunit *test)
{
	u8 client[QUIC_INITIAL_SECRET_LEN], server[QUIC_INITIAL_SECRET_LEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(quic_kunit_initials); i++) {
		const struct quic_kunit_initial *v = &quic_kunit_initials[i];

		kunit_info(test, "QUIC %s Initial keys\n", v->name);
		KUNIT_ASSERT_EQ(test,
				quic_keys_initial_secrets(&quic_kunit_hmac_ops,
							  test->priv,
							  v->version,
							  quic_vec_dcid,
							  sizeof(quic_vec_dcid),
							  client, server), 0);
		KUNIT_EXPECT_MEMEQ(test, client, v->client_secret,
				   sizeof(client));
		KUNIT_EXPECT_MEMEQ(test, server, v->server_secret,
				   sizeof(server));
		quic_kunit_expect_keys(test, v->version, v->client_secret,
				       v->client_key, v->client_iv,
				       v->client_hp);
		quic_kunit_expect_keys(test, v->version, v->server_secret,
				       v->server_key, v->server_iv,
				       v->server_hp);
	}
}

/* RFC 9001 A.5, RFC 9369 A.5: ChaCha20-Poly1305 keys and key update. */
static void quic_kunit_chacha_keys(struct kunit *test)
{
	static const struct {
		u32 version;
		const u8 *key, *iv, *hp, *ku;
	} vecs[] = {
		{ QUIC_KEYS_VERSION_1, quic_vec_v1_chacha_key,
		  quic_vec_v1_chacha_iv, quic_vec_v1_chacha_hp,
		  quic_vec_v1_chacha_ku },
		{ QUIC_KEYS_VERSION_2, quic_vec_v2_chacha_key,
		  quic_vec_v2_chacha_iv, quic_vec_v2_chacha_hp,
		  quic_vec_v2_chacha_ku },
	};
	const u32 cipher = QUIC_CIPHER_CHACHA20_POLY1305;
	u8 next[QUIC_SECRET_MAX_LEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vecs); i++) {
		struct quic_packet_keys k = {};

		KUNIT_ASSERT_EQ(test,
				quic_keys_derive(&quic_kunit_hmac_ops,
						 test->priv, vecs[i].version,
						 cipher, quic_vec_chacha_secret,
						 32, &k), 0);
		KUNIT_EXPECT_EQ(test, k.key_len, 32U);
		KUNIT_EXPECT_MEMEQ(test, k.key, vecs[i].key, 32);
		KUNIT_EXPECT_MEMEQ(test, k.iv, vecs[i].iv, QUIC_IV_LEN);
		KUNIT_EXPECT_MEMEQ(test, k.hp, vecs[i].hp, 32);

		KUNIT_ASSERT_EQ(test,
				quic_keys_next_secret(&quic_kunit_hmac_ops,
						      test->priv,
						      vecs[i].version, cipher,
						      quic_vec_chacha_secret,
						      32, next), 0);
		KUNIT_EXPECT_MEMEQ(test, next, vecs[i].ku, 32);
	}
}

static void quic_kunit_cipher_params(struct kunit *test)
{
	struct quic_cipher_params p;

	KUNIT_ASSERT_EQ(test, quic_cipher_params(QUIC_CIPHER_AES_256_GCM, &p),
			0);
	KUNIT_EXPECT_EQ(test, p.key_len, 32U);
	KUNIT_EXPECT_EQ(test, p.secret_len, 48U);
	KUNIT_EXPECT_EQ(test, p.tag_len, 16U);
	KUNIT_EXPECT_EQ(test, p.hash, (u8)QUIC_HASH_SHA384);
	KUNIT_EXPECT_EQ(test, quic_hash_len(QUIC_HASH_SHA256), 32U);
	KUNIT_EXPECT_NE(test, quic_cipher_params(0, &p), 0);
}

/* RFC 9001 A.5: the nonce of packet number 654360564. */
static void quic_kunit_nonce(struct kunit *test)
{
	static const u8 want[QUIC_IV_LEN] = {
		0xe0, 0x45, 0x9b, 0x34, 0x74, 0xbd, 0xd0, 0xe4,
		0x6d, 0x41, 0x7e, 0xb0,
	};
	u8 nonce[QUIC_IV_LEN];

	quic_keys_nonce(quic_vec_v1_chacha_iv, 654360564, nonce);
	KUNIT_EXPECT_MEMEQ(test, nonce, want, sizeof(want));
}

/*
 * Header protection of the RFC 9001 A.2/A.3 Initial packets: the AES mask
 * of the sample in the protected packet, removed from the protected header,
 * gives the clear header; applied to the clear header, the protected one.
 */
static void quic_kunit_hp_aes(struct kunit *test, const u8 *hp_key,
			      const u8 *hdr, u32 hdr_len, const u8 *pkt,
			      u32 pkt_len, u32 pn_len)
{
	u32 pn_offset = hdr_len - pn_len;
	struct crypto_aes_ctx *aes;
	u8 block[AES_BLOCK_SIZE];
	u8 *buf;

	aes = kunit_kzalloc(test, sizeof(*aes), GFP_KERNEL);
	buf = kunit_kzalloc(test, hdr_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, aes);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_TRUE(test, quic_hp_sample_fits(pn_offset, pkt_len));
	KUNIT_ASSERT_EQ(test, aes_expandkey(aes, hp_key, 16), 0);
	aes_encrypt(aes, block, pkt + pn_offset + QUIC_HP_SAMPLE_SKIP);

	memcpy(buf, pkt, hdr_len);
	KUNIT_EXPECT_EQ(test, quic_hp_remove_mask(buf, pn_offset, block),
			pn_len);
	KUNIT_EXPECT_MEMEQ(test, buf, hdr, hdr_len);

	quic_hp_apply_mask(buf, pn_offset, pn_len, block);
	KUNIT_EXPECT_MEMEQ(test, buf, pkt, hdr_len);
	memzero_explicit(aes, sizeof(*aes));
}

static void quic_kunit_hp_initial(struct kunit *test)
{
	quic_kunit_hp_aes(test, quic_vec_v1_client_hp, quic_vec_v1_client_hdr,
			  sizeof(quic_vec_v1_client_hdr),
			  quic_vec_v1_client_packet,
			  sizeof(quic_vec_v1_client_packet), 4);
	quic_kunit_hp_aes(test, quic_vec_v1_server_hp, quic_vec_v1_server_hdr,
			  sizeof(quic_vec_v1_server_hdr),
			  quic_vec_v1_server_packet,
			  sizeof(quic_vec_v1_server_packet), 2);
	KUNIT_EXPECT_FALSE(test, quic_hp_sample_fits(18, 18 + 19));
}

/* RFC 9001 A.5: short header, ChaCha20 mask aefefe7d03, 3-byte pn. */
static void quic_kunit_hp_short(struct kunit *test)
{
	static const u8 mask[QUIC_HP_MASK_LEN] = {
		0xae, 0xfe, 0xfe, 0x7d, 0x03,
	};
	u8 hdr[sizeof(quic_vec_short_hdr)];

	memcpy(hdr, quic_vec_short_hdr, sizeof(hdr));
	quic_hp_apply_mask(hdr, 1, 3, mask);
	KUNIT_EXPECT_MEMEQ(test, hdr, quic_vec_v1_chacha_packet, sizeof(hdr));
	KUNIT_EXPECT_EQ(test, quic_hp_remove_mask(hdr, 1, mask), 3U);
	KUNIT_EXPECT_MEMEQ(test, hdr, quic_vec_short_hdr, sizeof(hdr));
	KUNIT_EXPECT_EQ(test, quic_hp_pn_get(hdr + 1, 3), 0xbff4U);
}

static struct kunit_case quic_keys_kunit_cases[] = {
	KUNIT_CASE(quic_kunit_initial_keys),
	KUNIT_CASE(quic_kunit_chacha_keys),
	KUNIT_CASE(quic_kunit_cipher_params),
	KUNIT_CASE(quic_kunit_nonce),
	KUNIT_CASE(quic_kunit_hp_initial),
	KUNIT_CASE(quic_kunit_hp_short),
	{}
};

static struct kunit_suite quic_keys_kunit_suite = {
	.name = "quic_keys",
	.init = quic_keys_kunit_init,
	.exit = quic_keys_kunit_exit,
	.test_cases = quic_keys_kunit_cases,
};

kunit_test_suite(quic_keys_kunit_suite);
