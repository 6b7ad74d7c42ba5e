// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of QUIC packet protection through the kernel crypto API, run at
 * module load on request: the RFC 9001 / RFC 9369 Appendix A packets byte
 * for byte, AES-256-GCM and AES-128-CCM against GnuTLS-made vectors (each
 * through the CPU's SIMD AEAD and the FPU-free fallback, crosswise), key
 * updates in both directions (ChaCha20 and AES-GCM, whose next phase starts
 * without a transform), AES-GCM at many payload lengths (fallback against
 * the installed AEAD), Retry tags, plaintext mode, hostile lengths.
 * The vectors are shared with the userspace unit test (crypto_vectors.h).
 */
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "crypto.h"
#include "crypto_vectors.h"

#define QUIC_ST_PAYLOAD		20	/* short header test payload */
#define QUIC_ST_PKT_LEN		(3 + QUIC_ST_PAYLOAD + QUIC_TAG_LEN)

/* Two endpoints' contexts; heap-allocated as scatterlists point into them. */
struct quic_st_pair {
	struct quic_crypto a;
	struct quic_crypto b;
};

static int quic_st_fail(const char *name, const char *what, int err)
{
	pr_err("crypto self-test: %s: %s (%d)\n", name, what, err);
	return -EINVAL;
}

/* Install both directions of @c with one secret; enough for a commit. */
static int quic_st_both(struct quic_crypto *c, u32 version, u32 cipher,
			const u8 *secret)
{
	struct quic_cipher_params p;
	int err;

	err = quic_cipher_params(cipher, &p);
	if (!err)
		err = quic_crypto_set_secret(c, version, cipher, secret,
					     p.secret_len, true);
	if (!err)
		err = quic_crypto_set_secret(c, version, cipher, secret,
					     p.secret_len, false);
	return err;
}

/* Sender keys in @s, receiver keys in @r, as vector @v describes. */
static int quic_st_keys(const struct quic_vec_packet *v, struct quic_crypto *s,
			struct quic_crypto *r)
{
	int err;
	u32 i;

	if (v->initial) {
		err = quic_crypto_initial_keys(s, v->version, quic_vec_dcid,
					       sizeof(quic_vec_dcid),
					       v->server);
		if (!err && memcmp(s->tx.key[0].secret, v->secret, 32))
			err = -EPROTO;
		return err ?: quic_crypto_initial_keys(r, v->version,
						       quic_vec_dcid,
						       sizeof(quic_vec_dcid),
						       !v->server);
	}
	err = quic_st_both(s, v->version, v->cipher, v->secret);
	if (!err)
		err = quic_st_both(r, v->version, v->cipher, v->secret);
	for (i = 0; i < v->key_updates && !err; i++)
		err = quic_crypto_key_update(s) ?:
		      quic_crypto_key_update_commit(s);
	return err;
}

/* What the receiver learnt matches the vector. */
static bool quic_st_rx_ok(const struct quic_vec_packet *v, const u8 *pkt,
			  const struct quic_crypto_rx *ri)
{
	u32 hdr_len = v->pn_offset + v->pn_len;
	u8 phase = v->key_updates & 1;

	return ri->pn == v->pn && ri->pn_len == v->pn_len &&
	       ri->hdr_len == hdr_len && ri->payload_len == v->padded_len &&
	       ri->key_phase == phase && ri->key_update == !!phase &&
	       !memcmp(pkt, v->hdr, hdr_len) &&
	       !memcmp(pkt + hdr_len, v->payload, v->payload_len);
}

/*
 * @soft: 0 as installed (the SIMD AEAD where the CPU has one), 1 the
 * sender takes the FPU-free fallback, 2 the receiver does; so that each
 * implementation opens what the other sealed. Sets *@simd when there was
 * a SIMD transform to bypass.
 */
static int quic_st_packet_run(const struct quic_vec_packet *v,
			      struct quic_st_pair *p, u8 *pkt, u32 soft,
			      bool *simd)
{
	u32 hdr_len = v->pn_offset + v->pn_len;
	struct quic_crypto_rx ri;
	int err;

	err = quic_st_keys(v, &p->a, &p->b);
	if (err)
		return quic_st_fail(v->name, "installing keys", err);
	if (soft == 1 && quic_crypto_force_soft(&p->a))
		*simd = true;
	if (soft == 2 && quic_crypto_force_soft(&p->b))
		*simd = true;
	memcpy(pkt, v->hdr, hdr_len);
	memcpy(pkt + hdr_len, v->payload, v->payload_len);
	err = quic_crypto_encrypt(&p->a, pkt, hdr_len, v->pn_offset,
				  v->pn_len, v->padded_len, v->pn);
	if (err || memcmp(pkt, v->packet, v->packet_len))
		return quic_st_fail(v->name, "protected bytes differ", err);
	err = quic_crypto_decrypt(&p->b, pkt, v->packet_len, v->pn_offset,
				  v->largest_pn, &ri);
	if (err || !quic_st_rx_ok(v, pkt, &ri))
		return quic_st_fail(v->name, "unprotect", err);
	memcpy(pkt, v->packet, v->packet_len);
	pkt[v->packet_len - 1] ^= 0x01;
	err = quic_crypto_decrypt(&p->b, pkt, v->packet_len, v->pn_offset,
				  v->largest_pn, &ri);
	if (err != -EBADMSG)
		return quic_st_fail(v->name, "tampered packet opened", err);
	return 0;
}

static int quic_st_packet(const struct quic_vec_packet *v,
			  struct quic_st_pair *p, bool *simd)
{
	bool one_rtt = !(v->hdr[0] & QUIC_HP_LONG_HEADER);
	u32 soft;
	int err = 0;
	u8 *pkt;

	pkt = kzalloc(v->packet_len, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	for (soft = 0; soft < 3 && !err; soft++) {
		quic_crypto_init(&p->a, one_rtt);
		quic_crypto_init(&p->b, one_rtt);
		err = quic_st_packet_run(v, p, pkt, soft, simd);
		quic_crypto_free(&p->a);
		quic_crypto_free(&p->b);
	}
	kfree(pkt);
	return err;
}

/* Protect a 1-RTT short header packet (2-byte pn) in @from's phase @kp. */
static int quic_st_send(struct quic_crypto *from, u8 *pkt, u64 pn, u8 kp)
{
	pkt[0] = 0x41 | (kp ? QUIC_HP_KEY_PHASE : 0);
	pkt[1] = (pn >> 8) & 0xff;
	pkt[2] = pn & 0xff;
	memset(pkt + 3, 0x01, QUIC_ST_PAYLOAD);
	return quic_crypto_encrypt(from, pkt, 3, 1, 2, QUIC_ST_PAYLOAD, pn);
}

static int quic_st_recv(struct quic_crypto *to, u8 *pkt, u64 pn, u8 kp,
			bool update)
{
	struct quic_crypto_rx ri;
	int err;

	err = quic_crypto_decrypt(to, pkt, QUIC_ST_PKT_LEN, 1, pn - 1, &ri);
	if (err)
		return err;
	if (ri.pn != pn || ri.key_phase != kp || ri.key_update != update ||
	    ri.payload_len != QUIC_ST_PAYLOAD || pkt[3] != 0x01)
		return -EPROTO;
	return update ? quic_crypto_key_update_commit(to) : 0;
}

/* A packet from @from in phase @kp reaches @to; @update: @to sees one. */
static int quic_st_hop(struct quic_crypto *from, struct quic_crypto *to,
		       u8 *pkt, u64 pn, u8 kp, bool update)
{
	return quic_st_send(from, pkt, pn, kp) ?:
	       quic_st_recv(to, pkt, pn, kp, update);
}

/*
 * An AES-GCM next phase is prepared with its keys only: packets of the new
 * phase are protected by gcm_soft.c until quic_crypto_attach() gives the
 * slot a transform, which must then produce the same bytes.
 */
static int quic_st_lazy_check(struct quic_crypto *c, u32 cipher)
{
	bool lazy = cipher != QUIC_CIPHER_CHACHA20_POLY1305;
	u8 next = !c->key_phase;

	if (!c->tx.key[next].key_len || !c->rx.key[next].key_len ||
	    !!c->tx.key[next].aead == lazy || !!c->rx.key[next].aead == lazy)
		return -EPROTO;
	return 0;
}

static int quic_st_attach(struct quic_crypto *c)
{
	int err = quic_crypto_attach(c);

	if (!err && (!c->tx.key[c->key_phase].aead ||
		     !c->rx.key[c->key_phase].aead))
		err = -EPROTO;
	return err;
}

/* After a key update: next phase prepared, previous receive keys aside. */
static int quic_st_prev_check(struct quic_crypto *c)
{
	return c->rx_prev && quic_crypto_next_prepared(c) ? 0 : -EPROTO;
}

/*
 * RFC 9001 section 6: A starts an update, B follows it on the first packet
 * of the new phase, a delayed old-phase packet still opens, before and
 * after B prepared the next phase (then with the keys it kept aside, told
 * from the next phase by its packet number), a second update needs the
 * next phase prepared first. A attaches transforms to
 * each new phase at once, B only after the exchange, so each direction is
 * sealed by one implementation and opened by the other; A also drops its
 * transforms as an idle connection does, and gets them back.
 */
static int quic_st_key_update_run(struct quic_st_pair *p, u32 cipher, u8 *pkt)
{
	struct quic_crypto *a = &p->a, *b = &p->b;
	bool lazy;
	int err;

	err = quic_crypto_set_secret(a, 1, cipher, quic_vec_chacha_secret, 32,
				     true) ?:
	      quic_crypto_set_secret(b, 1, cipher, quic_vec_chacha_secret, 32,
				     false) ?:
	      quic_crypto_set_secret(b, 1, cipher, quic_vec_v1_chacha_ku, 32,
				     true) ?:
	      quic_crypto_set_secret(a, 1, cipher, quic_vec_v1_chacha_ku, 32,
				     false);
	if (err)
		return quic_st_fail("key update", "installing keys", err);
	if (memcmp(a->tx.key[1].secret, quic_vec_v1_chacha_ku, 32))
		return quic_st_fail("key update", "next secret (ku)", -EPROTO);
	if (quic_st_lazy_check(a, cipher) || quic_st_lazy_check(b, cipher))
		return quic_st_fail("key update", "next phase transforms",
				    -EPROTO);
	err = quic_st_hop(a, b, pkt, 1, 0, false) ?:
	      quic_crypto_key_update_commit(a) ?:
	      quic_st_attach(a) ?:
	      quic_st_hop(a, b, pkt, 10, 1, true) ?:
	      quic_st_hop(b, a, pkt, 20, 1, false) ?:
	      quic_st_hop(a, b, pkt, 9, 0, false) ?:
	      quic_crypto_key_update(b) ?:
	      quic_st_prev_check(b) ?:
	      quic_st_hop(a, b, pkt, 8, 0, false) ?:
	      quic_st_attach(b) ?:
	      quic_st_hop(a, b, pkt, 12, 1, false);
	if (err)
		return quic_st_fail("key update", "first update", err);
	/* Idle: AES-GCM gives its transforms up and works on without. */
	lazy = cipher != QUIC_CIPHER_CHACHA20_POLY1305;
	if (quic_crypto_detach(a) != lazy ||
	    !!a->tx.key[a->key_phase].aead == lazy ||
	    !!a->rx.key[a->key_phase].aead == lazy ||
	    a->tx.hp_aes || a->rx.hp_aes)
		return quic_st_fail("key update", "idle transforms", -EPROTO);
	err = quic_st_hop(a, b, pkt, 16, 1, false) ?:
	      quic_st_hop(b, a, pkt, 19, 1, false);
	/* the next packet each way rebuilt the header protection schedule */
	if (!err && lazy && (!a->tx.hp_aes || !a->rx.hp_aes))
		err = -EPROTO;
	err = err ?:
	      quic_st_attach(a) ?:
	      quic_st_hop(a, b, pkt, 17, 1, false);
	if (err)
		return quic_st_fail("key update", "after idle", err);
	if (quic_crypto_key_update_commit(a) != -ENOKEY ||
	    quic_crypto_next_prepared(a))
		return quic_st_fail("key update", "commit unprepared", -EPROTO);
	err = quic_crypto_key_update(a) ?: quic_crypto_key_update(b) ?:
	      quic_st_lazy_check(a, cipher) ?:
	      quic_crypto_key_update_commit(b) ?:
	      quic_st_attach(b) ?:
	      quic_st_hop(b, a, pkt, 21, 0, true) ?:
	      quic_st_hop(a, b, pkt, 13, 0, false) ?:
	      quic_st_hop(a, b, pkt, 11, 1, false) ?:
	      quic_crypto_key_update(b) ?:
	      quic_st_prev_check(b) ?:
	      quic_st_hop(a, b, pkt, 12, 1, false);
	if (err)
		return quic_st_fail("key update", "second update", err);
	err = quic_st_send(b, pkt, 22, 0);
	pkt[QUIC_ST_PKT_LEN - 1] ^= 0x80;
	if (err || quic_st_recv(a, pkt, 22, 0, false) != -EBADMSG)
		return quic_st_fail("key update", "tampered packet", err);
	return 0;
}

/* The RFC 9001 A.5 secret serves any SHA-256 cipher suite. */
static int quic_st_key_update(struct quic_st_pair *p)
{
	static const u32 ciphers[] = {
		QUIC_CIPHER_CHACHA20_POLY1305, QUIC_CIPHER_AES_128_GCM,
	};
	int err = 0;
	u32 i;
	u8 *pkt;

	pkt = kzalloc(QUIC_ST_PKT_LEN, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(ciphers) && !err; i++) {
		quic_crypto_init(&p->a, true);
		quic_crypto_init(&p->b, true);
		err = quic_st_key_update_run(p, ciphers[i], pkt);
		quic_crypto_free(&p->a);
		quic_crypto_free(&p->b);
	}
	kfree(pkt);
	return err;
}

#define QUIC_ST_SWEEP_MAX	1500	/* payload bytes, past any datagram's */

/*
 * Payload @len (at least 4, for the header protection sample) with a
 * @pn_len byte packet number: sealed by @from, opened by @to, intact.
 */
static int quic_st_sweep_one(struct quic_crypto *from, struct quic_crypto *to,
			     u8 *pkt, u32 len, u32 pn_len, u64 pn)
{
	u32 hdr_len = 1 + pn_len, i;
	struct quic_crypto_rx ri;
	int err;

	pkt[0] = 0x40 | (pn_len - 1);
	for (i = 0; i < pn_len; i++)
		pkt[1 + i] = pn >> (8 * (pn_len - 1 - i));
	for (i = 0; i < len; i++)
		pkt[hdr_len + i] = (u8)(i * 7 + len);
	err = quic_crypto_encrypt(from, pkt, hdr_len, 1, pn_len, len, pn);
	if (!err)
		err = quic_crypto_decrypt(to, pkt, hdr_len + len + QUIC_TAG_LEN,
					  1, pn - 1, &ri);
	if (err)
		return err;
	if (ri.pn != pn || ri.payload_len != len || ri.hdr_len != hdr_len)
		return -EPROTO;
	for (i = 0; i < len; i++)
		if (pkt[hdr_len + i] != (u8)(i * 7 + len))
			return -EPROTO;
	return 0;
}

/*
 * AES-GCM at every payload length up to 64 bytes and every 37th beyond,
 * each packet number length: one side takes the FPU-free gcm_soft.c, the
 * other the installed AEAD, both ways. gcm_soft.c handles partial blocks
 * itself; the vectors alone exercise it at a few lengths.
 */
static int quic_st_sweep(struct quic_st_pair *p)
{
	static const struct {
		u32 cipher;
		const u8 *secret;
	} suites[] = {
		{ QUIC_CIPHER_AES_128_GCM, quic_vec_chacha_secret },
		{ QUIC_CIPHER_AES_256_GCM, quic_vec_x256_secret },
	};
	int err = 0;
	u32 i, len;
	u64 pn = 1;
	u8 *pkt;

	pkt = kzalloc(5 + QUIC_ST_SWEEP_MAX + QUIC_TAG_LEN, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(suites) && !err; i++) {
		quic_crypto_init(&p->a, true);
		quic_crypto_init(&p->b, true);
		err = quic_st_both(&p->a, 1, suites[i].cipher,
				   suites[i].secret) ?:
		      quic_st_both(&p->b, 1, suites[i].cipher,
				   suites[i].secret);
		if (!err)
			quic_crypto_force_soft(&p->a);
		for (len = 4; len <= QUIC_ST_SWEEP_MAX && !err;
		     len += len < 64 ? 1 : 37, pn++)
			err = quic_st_sweep_one(&p->a, &p->b, pkt, len,
						1 + pn % 4, pn) ?:
			      quic_st_sweep_one(&p->b, &p->a, pkt, len,
						1 + pn % 4, pn);
		if (err)
			pr_err("crypto self-test: sweep: cipher %u, payload %u bytes (%d)\n",
			       suites[i].cipher, len, err);
		quic_crypto_free(&p->a);
		quic_crypto_free(&p->b);
	}
	kfree(pkt);
	return err ? -EINVAL : 0;
}

/* disable_1rtt_encryption: identity, and RFC 9000 A.3's decode example. */
static int quic_st_plaintext(struct quic_st_pair *p, u8 *pkt)
{
	struct quic_crypto_rx ri;
	int err;

	quic_crypto_init(&p->a, false);
	if (quic_crypto_set_plaintext(&p->a, true) != -EINVAL)
		return quic_st_fail("plaintext", "allowed on Initial", 0);
	quic_crypto_init(&p->a, true);
	err = quic_crypto_set_plaintext(&p->a, true);
	if (err || quic_crypto_tag_len(&p->a))
		return quic_st_fail("plaintext", "enable", err);
	pkt[0] = 0x41;
	pkt[1] = 0x9b;
	pkt[2] = 0x32;
	pkt[3] = 0x01;
	err = quic_crypto_encrypt(&p->a, pkt, 3, 1, 2, 1, 0xa82f9b32);
	if (err || pkt[0] != 0x41 || pkt[1] != 0x9b || pkt[3] != 0x01)
		return quic_st_fail("plaintext", "encrypt not identity", err);
	err = quic_crypto_decrypt(&p->a, pkt, 4, 1, 0xa82f30ea, &ri);
	if (err || ri.pn != 0xa82f9b32 || ri.payload_len != 1 ||
	    ri.hdr_len != 3)
		return quic_st_fail("plaintext", "decrypt / pn decode", err);
	if (quic_crypto_decrypt(&p->a, pkt, 2, 1, 0, &ri) != -EINVAL)
		return quic_st_fail("plaintext", "short packet", 0);
	return 0;
}

/* Packets and arguments that must be refused before any crypto runs. */
static int quic_st_reject_run(struct quic_crypto *c, u8 *pkt)
{
	static const u8 secret[48];
	struct quic_crypto_rx ri;
	u8 dcid[21] = {};

	pkt[0] = 0x41;
	if (quic_crypto_decrypt(c, pkt, 40, 1, 0, &ri) != -ENOKEY ||
	    quic_crypto_encrypt(c, pkt, 3, 1, 2, 20, 0) != -ENOKEY)
		return quic_st_fail("reject", "no keys", 0);
	if (quic_crypto_set_secret(c, 1, 50, secret, 32, true) != -EINVAL ||
	    quic_crypto_set_secret(c, 1, 51, secret, 48, true) != -EINVAL ||
	    quic_crypto_set_secret(c, 7, 51, secret, 32, true) != -EINVAL ||
	    quic_crypto_initial_keys(c, 1, dcid, 21, false) != -EINVAL)
		return quic_st_fail("reject", "bad secret accepted", 0);
	if (quic_crypto_key_update(c) != -EINVAL ||
	    quic_crypto_key_update_commit(c) != -EINVAL)
		return quic_st_fail("reject", "key update outside 1-RTT", 0);
	if (quic_crypto_initial_keys(c, 1, quic_vec_dcid, 8, true))
		return quic_st_fail("reject", "initial keys", 0);
	pkt[0] = 0xc1;
	if (quic_crypto_decrypt(c, pkt, 20 + 19, 20, 0, &ri) != -EINVAL ||
	    quic_crypto_decrypt(c, pkt, 40, 0, 0, &ri) != -EINVAL ||
	    quic_crypto_decrypt(c, pkt, 0x10000, 1, 0, &ri) != -EINVAL ||
	    quic_crypto_encrypt(c, pkt, 22, 20, 2, 1, 0) != -EINVAL ||
	    quic_crypto_encrypt(c, pkt, 6, 5, 1, 16, 0) != -EINVAL ||
	    quic_crypto_encrypt(c, pkt, 25, 20, 5, 16, 0) != -EINVAL ||
	    quic_crypto_encrypt(c, pkt, 21, 20, 2, 16, 0) != -EINVAL ||
	    quic_crypto_encrypt(c, pkt, 22, 20, 2, U32_MAX - 8, 0) != -EINVAL)
		return quic_st_fail("reject", "bad layout accepted", 0);
	if (quic_crypto_retry_tag(7, pkt, 20, pkt + 20) != -EINVAL ||
	    quic_crypto_retry_tag(1, pkt, 0, pkt + 20) != -EINVAL)
		return quic_st_fail("reject", "bad retry input", 0);
	return 0;
}

static int quic_st_reject(struct quic_st_pair *p)
{
	u8 *pkt;
	int err;

	pkt = kzalloc(64, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	quic_crypto_init(&p->a, false);
	err = quic_st_reject_run(&p->a, pkt);
	quic_crypto_free(&p->a);
	if (!err)
		err = quic_st_plaintext(p, pkt);
	quic_crypto_free(&p->a);
	kfree(pkt);
	return err;
}

static int quic_st_retry_one(const struct quic_vec_retry *v)
{
	u32 len = 1 + sizeof(quic_vec_dcid) + v->len - QUIC_TAG_LEN;
	const u8 *want = v->packet + v->len - QUIC_TAG_LEN;
	u8 pseudo[64], tag[QUIC_TAG_LEN];
	int err;

	if (len > sizeof(pseudo))
		return quic_st_fail(v->name, "vector too long", 0);
	pseudo[0] = sizeof(quic_vec_dcid);
	memcpy(pseudo + 1, quic_vec_dcid, sizeof(quic_vec_dcid));
	memcpy(pseudo + 1 + sizeof(quic_vec_dcid), v->packet,
	       v->len - QUIC_TAG_LEN);
	err = quic_crypto_retry_tag(v->version, pseudo, len, tag);
	if (err || memcmp(tag, want, QUIC_TAG_LEN))
		return quic_st_fail(v->name, "tag differs", err);
	err = quic_crypto_retry_verify(v->version, pseudo, len, want);
	if (err)
		return quic_st_fail(v->name, "verify", err);
	pseudo[len - 1] ^= 0x01;
	err = quic_crypto_retry_verify(v->version, pseudo, len, want);
	if (err != -EBADMSG)
		return quic_st_fail(v->name, "tampered Retry verified", err);
	return 0;
}

static int quic_st_retry(void)
{
	int err;
	u32 i;

	err = quic_crypto_retry_init();
	if (err)
		return quic_st_fail("retry", "init", err);
	for (i = 0; i < ARRAY_SIZE(quic_vec_retries) && !err; i++)
		err = quic_st_retry_one(&quic_vec_retries[i]);
	quic_crypto_retry_exit();
	return err;
}

/**
 * quic_crypto_selftest() - check packet protection against known answers
 *
 * Logs the first mismatch with pr_err().
 *
 * Context: process context (module init), may sleep.
 * Return: 0 if everything matched, -EINVAL otherwise (-ENOMEM if the test
 * could not allocate its buffers).
 */
int quic_crypto_selftest(void)
{
	struct quic_st_pair *p;
	bool simd = false;
	int err = 0;
	u32 i;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(quic_vec_packets) && !err; i++)
		err = quic_st_packet(&quic_vec_packets[i], p, &simd);
	if (!err)
		err = quic_st_key_update(p);
	if (!err)
		err = quic_st_sweep(p);
	if (!err)
		err = quic_st_reject(p);
	if (!err)
		err = quic_st_retry();
	kfree(p);
	if (!err)
		pr_info("crypto self-test: %zu packets, key update, AES-GCM length sweep, retry: ok (AEAD: %s)\n",
			ARRAY_SIZE(quic_vec_packets),
			simd ? "SIMD and FPU-free fallback" :
				"generic only");
	return err;
}
