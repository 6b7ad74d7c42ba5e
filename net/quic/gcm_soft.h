/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AES-GCM without the FPU (NIST SP 800-38D, 96-bit IV), for the packets
 * the SIMD AEAD cannot take. See gcm_soft.c.
 */
#ifndef _NET_QUIC_GCM_SOFT_H
#define _NET_QUIC_GCM_SOFT_H

#include <linux/types.h>

#define QUIC_GCM_SOFT_IV_LEN	12
#define QUIC_GCM_SOFT_TAG_LEN	16

int quic_gcm_soft_encrypt(const u8 *key, u32 key_len, const u8 *iv, u8 *buf,
			  u32 assoc_len, u32 len);
int quic_gcm_soft_decrypt(const u8 *key, u32 key_len, const u8 *iv, u8 *buf,
			  u32 assoc_len, u32 len);

#endif /* _NET_QUIC_GCM_SOFT_H */
