/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC packet protection on the kernel crypto API (RFC 9001 sections 5.3,
 * 5.4, 5.8 and 6): AEAD, header protection, key update, Retry integrity.
 *
 * quic_crypto_encrypt() is the unit of work a NIC (or the software fallback
 * under GSO) performs on one packet: it needs the key context, a linear
 * buffer and the offsets, and reads the key phase from the packet's own
 * header. Transforms are allocated in process context (when a secret is
 * installed, and after a key update), never per packet.
 */
#ifndef _NET_QUIC_CRYPTO_H
#define _NET_QUIC_CRYPTO_H

#include <linux/types.h>

#include "keys.h"

struct crypto_aead;
struct aead_request;
struct crypto_aes_ctx;

/**
 * struct quic_crypto_key - AEAD state of one key phase of one direction
 * @aead: transform keyed for this phase; NULL when the slot is empty, or
 *	(AES-GCM) holds a prepared next phase that gcm_soft.c serves until
 *	quic_crypto_attach()
 * @req: request reused by every packet of this phase
 * @simd: @aead is the architecture's SIMD AES-GCM, usable only where the
 *	FPU is; elsewhere gcm_soft.c seals and opens with @key
 * @key_len: length of @key; 0 for an empty slot
 * @key: the raw AEAD key
 * @iv: IV of this phase
 * @secret: traffic secret of this phase, kept to derive the next phase
 */
struct quic_crypto_key {
	struct crypto_aead *aead;
	struct aead_request *req;
	bool simd;
	u8 key_len;
	u8 key[QUIC_KEY_MAX_LEN];
	u8 iv[QUIC_IV_LEN];
	u8 secret[QUIC_SECRET_MAX_LEN];
};

/**
 * struct quic_crypto_dir - the keys of one direction
 * @key: AEAD state indexed by key phase bit; only 1-RTT uses @key[1]
 * @hp_aes: header protection key schedule, for the AES ciphers; NULL
 *	while idle (quic_crypto_detach()), rebuilt from @hp_key on next use
 * @hp_key: header protection key, for the AES ciphers
 * @hp_key_len: length of @hp_key
 * @hp_chacha: header protection key, for ChaCha20 (CPU-order words);
 *	shares its bytes with @hp_key
 * @version: QUIC version the keys were derived for
 * @cipher: QUIC_CIPHER_*
 * @secret_len: length of the secrets in @key
 * @ready: keys for the current key phase are installed
 * @next_ready: the other slot holds the next key phase rather than the
 *	previous one, so a packet opening with it starts a key update
 * @hp_buf: header protection mask of the packet being processed
 * @iv_buf: nonce of the packet being processed, as the AEAD wants it
 */
struct quic_crypto_dir {
	struct quic_crypto_key key[2];
	struct crypto_aes_ctx *hp_aes;
	union {		/* by @cipher */
		u8 hp_key[QUIC_KEY_MAX_LEN];
		u32 hp_chacha[QUIC_KEY_MAX_LEN / 4];
	};
	u32 version;
	u32 cipher;
	u32 secret_len;
	u8 hp_key_len;
	bool ready;
	bool next_ready;
	u8 hp_buf[QUIC_HP_SAMPLE_LEN];
	u8 iv_buf[16];
};

/**
 * struct quic_crypto - packet protection of one packet number space
 * @tx: keys protecting packets we send
 * @rx: keys opening packets we receive
 * @key_phase: current key phase; what the packet builder writes in the key
 *	phase bit of short headers (always 0 outside 1-RTT)
 * @one_rtt: this context protects 1-RTT packets: two key phases are kept and
 *	@plaintext may be set
 * @plaintext: disable_1rtt_encryption was negotiated: 1-RTT packets carry no
 *	AEAD tag and no header protection
 * @soft_only: self-test only: SIMD keys always take the FPU-free path
 * @rx_min_phase: key phase of the packets @rx_min_pn speaks of
 * @rx_prev: 1-RTT: the receive keys of the phase before the current one,
 *	moved out of their slot when the next phase was prepared there, for
 *	late packets (RFC 9001 6.5); NULL when none are kept
 * @rx_min_pn: 1-RTT: lowest packet number opened with the keys of phase
 *	@rx_min_phase, which is the current phase once the peer has used it.
 *	Packets of the other phase below it are late ones (@rx_prev), above
 *	it the peer's next key update.
 *
 * Locking: the owner serialises calls on one context, normally under the
 * socket lock. The data path of each direction uses only its own half
 * (request, scratch buffers), so one encrypt and one decrypt may run at the
 * same time; installing, updating and freeing keys must exclude both.
 * The structure must not live on the stack: scatterlists point into it.
 */
struct quic_crypto {
	struct quic_crypto_dir tx;
	struct quic_crypto_dir rx;
	u8 key_phase;
	bool one_rtt;
	bool plaintext;
	bool soft_only;
	u8 rx_min_phase;
	struct quic_crypto_key *rx_prev;
	u64 rx_min_pn;
};

/**
 * struct quic_crypto_rx - what opening a packet revealed
 * @pn: full packet number, decoded against the largest one processed
 * @pn_len: length of the packet number field
 * @hdr_len: header length; the plaintext starts here
 * @payload_len: plaintext length, tag excluded
 * @key_phase: key phase bit of a short header; 0 for long headers
 * @key_update: the packet opened with the next key phase: the peer started
 *	a key update, which quic_crypto_key_update_commit() follows
 */
struct quic_crypto_rx {
	u64 pn;
	u32 pn_len;
	u32 hdr_len;
	u32 payload_len;
	u8 key_phase;
	bool key_update;
};

void quic_crypto_init(struct quic_crypto *c, bool one_rtt);
int quic_crypto_set_plaintext(struct quic_crypto *c, bool on);
u32 quic_crypto_tag_len(const struct quic_crypto *c);
int quic_crypto_set_secret(struct quic_crypto *c, u32 version, u32 cipher,
			   const u8 *secret, u32 len, bool send);
int quic_crypto_initial_keys(struct quic_crypto *c, u32 version,
			     const u8 *dcid, u8 dcid_len, bool is_server);
int quic_crypto_encrypt(struct quic_crypto *c, u8 *pkt, u32 hdr_len,
			u32 pn_offset, u32 pn_len, u32 payload_len, u64 pn);
int quic_crypto_decrypt(struct quic_crypto *c, u8 *pkt, u32 pkt_len,
			u32 pn_offset, u64 largest_pn,
			struct quic_crypto_rx *ri);
int quic_crypto_key_update(struct quic_crypto *c);
bool quic_crypto_drop_prev(struct quic_crypto *c);
int quic_crypto_key_update_commit(struct quic_crypto *c);
int quic_crypto_attach(struct quic_crypto *c);
bool quic_crypto_detach(struct quic_crypto *c);
bool quic_crypto_next_prepared(const struct quic_crypto *c);
void quic_crypto_free(struct quic_crypto *c);
bool quic_crypto_force_soft(struct quic_crypto *c);

int quic_crypto_retry_init(void);
void quic_crypto_retry_exit(void);
int quic_crypto_retry_tag(u32 version, const u8 *pseudo, u32 len, u8 *tag);
int quic_crypto_retry_verify(u32 version, const u8 *pseudo, u32 len,
			     const u8 *tag);

struct quic_offload_keys;
int quic_crypto_copy_tx(struct quic_crypto *dst, const struct quic_crypto *src);
int quic_crypto_get_keys(const struct quic_crypto *c, bool send, u8 phase,
			 struct quic_offload_keys *k);
int quic_crypto_opened(struct quic_crypto *c, const u8 *pkt,
		       u32 pkt_len, u32 pn_offset, u64 largest_pn,
		       struct quic_crypto_rx *ri);

int quic_crypto_selftest(void);

#endif /* _NET_QUIC_CRYPTO_H */
