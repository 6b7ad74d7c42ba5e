/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC packet numbers (RFC 9000 section 17.1 and Appendix A).
 *
 * A packet number is a 62-bit counter per packet number space, but only its
 * low 1 to 4 bytes travel in the header. The sender picks how many bytes so
 * that the receiver, knowing the largest number it has already processed,
 * can rebuild the full value; the receiver picks the candidate closest to
 * the number it expects next.
 */
#ifndef _NET_QUIC_PNUM_H
#define _NET_QUIC_PNUM_H

#include "codec_compat.h"

#define QUIC_PN_MAX		((1ULL << 62) - 1)
/* "Nothing acknowledged / received yet" for the largest_* arguments. */
#define QUIC_PN_NONE		U64_MAX
#define QUIC_PN_LEN_MIN		1
#define QUIC_PN_LEN_MAX		4
/* Fewest bytes we send, whatever the RFC minimum: see quic_pnum_send_len() */
#define QUIC_PN_SEND_LEN_MIN	2

u8 quic_pnum_encode_len(u64 pn, u64 largest_acked);
u8 quic_pnum_send_len(u64 pn, u64 largest_acked);
bool quic_pnum_decode(u64 largest_pn, u32 truncated, u8 pn_len, u64 *pn);
void quic_pnum_write(u8 *p, u64 pn, u8 pn_len);
u32 quic_pnum_read(const u8 *p, u8 pn_len);

#endif /* _NET_QUIC_PNUM_H */
