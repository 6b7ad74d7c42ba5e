/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS handshake messages (RFC 8446 4) the kernel reads itself: those a
 * server sends after the handshake, in 1-RTT CRYPTO frames, when libquic
 * no longer drives the TLS session (early.c).
 *
 * Pure code: the same source builds in the userspace unit tests.
 */
#ifndef _NET_QUIC_TLSMSG_H
#define _NET_QUIC_TLSMSG_H

#include "codec_compat.h"

/* Message types (RFC 8446 4) and the message header: type, 24-bit length */
#define QUIC_TLS_NEW_SESSION_TICKET	4
#define QUIC_TLS_KEY_UPDATE		24
#define QUIC_TLS_MSG_HDR_LEN		4

/* RFC 8446 4.2: the early_data extension */
#define QUIC_TLS_EXT_EARLY_DATA		42
/* RFC 9001 4.6.1: its max_early_data_size in a ticket for QUIC */
#define QUIC_TLS_EARLY_DATA_QUIC	0xffffffffU

/* Length of the whole message whose 4-byte header is @hdr */
static inline u32 quic_tls_msg_len(const u8 *hdr)
{
	return QUIC_TLS_MSG_HDR_LEN + ((hdr[1] << 16) | (hdr[2] << 8) | hdr[3]);
}

int quic_tls_ticket_check(const u8 *msg, u32 len);

#endif /* _NET_QUIC_TLSMSG_H */
