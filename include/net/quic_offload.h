/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC crypto offload: the interface between quic.ko and NIC drivers.
 *
 * Modelled on kTLS device offload (net/tls/tls_device.c). Once a
 * connection has its 1-RTT keys and its route leaves through a device that
 * registered these ops and has quic-offload on, the stack hands the device
 * the keys of both directions (payload and header protection, both key
 * phases) and from then on:
 *
 * TX: 1-RTT datagrams leave in plaintext, marked skb->decrypted. Each UDP
 *   payload (each gso_size segment of a GSO skb) is exactly one short
 *   header packet: first byte with its key phase and packet number length
 *   bits in clear, the peer's connection ID (ctx->dcid_len bytes), the
 *   truncated packet number, the payload, then QUIC_OFFLOAD_TAG_LEN bytes
 *   of room for the AEAD tag. The device seals the payload with the header
 *   as associated data (key of the phase the header's key phase bit names,
 *   nonce from the full packet number, RFC 9001 5.3), writes the tag and
 *   applies header protection (RFC 9001 5.4), then completes the UDP
 *   checksum. The full packet number is decoded from the truncated one
 *   against quic_offload_tx_pn_ref() (RFC 9000 A.3): the stack picks its
 *   packet number lengths so that this is exact. Where the skb leaves by
 *   another device, or the user turned the offload off, the stack's
 *   sk_validate_xmit_skb hook encrypts it in software first.
 *
 * RX: the device may open short header packets that carry ctx->scid and
 *   arrive for the connection's local UDP port: it removes header
 *   protection, opens the AEAD with the key of the key phase bit, leaves
 *   the unprotected header and the plaintext in place (the tag bytes stay,
 *   their content undefined), sets skb->decrypted and marks the checksum
 *   verified (CHECKSUM_UNNECESSARY). A packet it cannot open (no key for
 *   that phase yet, a forgery) it passes on exactly as it arrived,
 *   unmarked: the stack opens it in software. The full packet number is
 *   decoded against the larger of the device's own largest opened and
 *   quic_offload_rx_pn_ref(). The stack takes skb->decrypted for every
 *   datagram of a GRO skb: a driver must not let opened and unopened
 *   datagrams be merged into one.
 */
#ifndef _NET_QUIC_OFFLOAD_H
#define _NET_QUIC_OFFLOAD_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#define QUIC_OFFLOAD_KEY_MAX_LEN	32
#define QUIC_OFFLOAD_IV_LEN		12
#define QUIC_OFFLOAD_TAG_LEN		16
#define QUIC_OFFLOAD_CID_MAX_LEN	20

/* Ciphers, by their TLS 1.3 cipher suite numbers as in the socket API. */
#define QUIC_OFFLOAD_AES_128_GCM	51
#define QUIC_OFFLOAD_AES_256_GCM	52
#define QUIC_OFFLOAD_CHACHA20_POLY1305	54

enum quic_offload_dir {
	QUIC_OFFLOAD_TX,
	QUIC_OFFLOAD_RX,
};

/**
 * struct quic_offload_keys - the keys of one key phase of one direction
 * @cipher: QUIC_OFFLOAD_* cipher
 * @key_len: length of @key and @hp_key: 16 (AES-128) or 32
 * @key: AEAD key
 * @iv: AEAD IV; the nonce is @iv XOR the packet number (big endian,
 *	right-aligned)
 * @hp_key: header protection key: AES-ECB of the sample, or ChaCha20 with
 *	the sample as counter and nonce (RFC 9001 5.4.3, 5.4.4)
 */
struct quic_offload_keys {
	u32 cipher;
	u8 key_len;
	u8 key[QUIC_OFFLOAD_KEY_MAX_LEN];
	u8 iv[QUIC_OFFLOAD_IV_LEN];
	u8 hp_key[QUIC_OFFLOAD_KEY_MAX_LEN];
};

/**
 * struct quic_offload_ctx - one offloaded connection, as a device sees it
 * @netdev: the device; set before quic_dev_add()
 * @family: AF_INET or AF_INET6, of @local
 * @local: the connection's local address and UDP port (RX matching; an
 *	unspecified address matches any)
 * @dcid_len: length of the connection ID in the packets we send
 * @scid_len: length of @scid
 * @scid: our connection ID, which the peer's short headers carry
 * @tx_largest_acked: see quic_offload_tx_pn_ref()
 * @rx_largest: see quic_offload_rx_pn_ref()
 * @drv_priv: the driver's, set in quic_dev_add()
 *
 * The stack owns and frees the context. Its fields do not change while the
 * device holds it, but for the two packet number references.
 */
struct quic_offload_ctx {
	struct net_device *netdev;
	int family;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} local;
	u8 dcid_len;
	u8 scid_len;
	u8 scid[QUIC_OFFLOAD_CID_MAX_LEN];
	u64 tx_largest_acked;
	u64 rx_largest;
	void *drv_priv;
};

/**
 * struct quic_offload_ops - what a device offers
 * @quic_dev_add: start serving @ctx (no keys yet). Process context.
 *	Return 0 or -errno: the connection then stays in software.
 * @quic_dev_del: stop serving @ctx and free what quic_dev_add() and
 *	quic_dev_set_keys() allocated. The stack has made sure no plaintext
 *	skb of @ctx is still on its way to the device; RX lookups the driver
 *	runs itself it must wait out (RCU) before returning. Process context.
 * @quic_dev_set_keys: install @keys as key phase @phase (0 or 1) of @dir,
 *	replacing what that slot held. The stack calls it for both phases of
 *	both directions before the first plaintext packet, and again for a
 *	slot whenever a key update changes it; it never replaces the keys
 *	of the phase the current packets use. Process context. Return 0 or
 *	-errno: the stack then stops offloading this connection.
 * @quic_dev_enabled: the user has left quic-offload on (ethtool); read per
 *	packet, from any context.
 */
struct quic_offload_ops {
	int (*quic_dev_add)(struct net_device *dev,
			    struct quic_offload_ctx *ctx);
	void (*quic_dev_del)(struct net_device *dev,
			     struct quic_offload_ctx *ctx);
	int (*quic_dev_set_keys)(struct net_device *dev,
				 struct quic_offload_ctx *ctx,
				 enum quic_offload_dir dir, u8 phase,
				 const struct quic_offload_keys *keys);
	bool (*quic_dev_enabled)(const struct net_device *dev);
};

int quic_offload_register(struct net_device *dev,
			  const struct quic_offload_ops *ops);
void quic_offload_unregister(struct net_device *dev);
struct quic_offload_ctx *quic_offload_tx_ctx(const struct sk_buff *skb);
bool quic_offload_pn_decode(u64 largest, u32 truncated, u32 pn_len, u64 *pn);

/**
 * quic_offload_tx_pn_ref() - reference for decoding a sent packet number
 * @ctx: context
 *
 * Return: the largest packet number the peer has acknowledged, U64_MAX
 * for none yet; every plaintext packet's number lies above it, within
 * half the window of its packet number length.
 */
static inline u64 quic_offload_tx_pn_ref(const struct quic_offload_ctx *ctx)
{
	return READ_ONCE(ctx->tx_largest_acked);
}

/**
 * quic_offload_rx_pn_ref() - the stack's largest received packet number
 * @ctx: context
 *
 * Return: the largest 1-RTT packet number the stack has processed, U64_MAX
 * for none yet.
 */
static inline u64 quic_offload_rx_pn_ref(const struct quic_offload_ctx *ctx)
{
	return READ_ONCE(ctx->rx_largest);
}

#endif /* _NET_QUIC_OFFLOAD_H */
