/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS handshake messages (RFC 8446 4) the kernel reads itself: those a
 * server sends after the handshake, in 1-RTT CRYPTO frames, when libquic
 * no longer drives the TLS session, and, on a client that sent 0-RTT, the
 * server's EncryptedExtensions, for its verdict on that data (early.c).
 *
 * Pure code: the same source builds in the userspace unit tests.
 */
#ifndef _NET_QUIC_TLSMSG_H
#define _NET_QUIC_TLSMSG_H

#include "codec_compat.h"

/* Message types (RFC 8446 4) and the message header: type, 24-bit length */
#define QUIC_TLS_NEW_SESSION_TICKET	4
#define QUIC_TLS_ENCRYPTED_EXTENSIONS	8
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

/**
 * struct quic_tls_ee_scan - a server's EncryptedExtensions, read as it
 *	arrives, for its early_data extension
 * @state: the field being read (internal)
 * @have: bytes of that field read so far
 * @field: those bytes
 * @early: an early_data extension was seen
 * @left: bytes of the message body not yet read
 * @skip: bytes of the current extension's body still to pass over
 *
 * The message is never held whole: it may come in any number of pieces,
 * and the application reads each piece (libquic hands it to TLS) while
 * the next is on its way. Zeroed, it waits for the message's first byte.
 */
struct quic_tls_ee_scan {
	u8 state;
	u8 have;
	u8 field[4];
	bool early;
	u32 left;
	u32 skip;
};

/* What quic_tls_ee_scan() found, when not an error */
enum {
	QUIC_TLS_EE_MORE,	/* every byte taken: the message goes on */
	QUIC_TLS_EE_EARLY,	/* whole, with early_data: 0-RTT accepted */
	QUIC_TLS_EE_NO_EARLY,	/* whole, without: 0-RTT refused */
};

int quic_tls_ee_scan(struct quic_tls_ee_scan *s, const u8 *p, u32 len,
		     u32 *used);

#endif /* _NET_QUIC_TLSMSG_H */
