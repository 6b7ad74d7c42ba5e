/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC variable-length integers (RFC 9000 section 16): the two most
 * significant bits of the first byte give the length (1, 2, 4 or 8 bytes),
 * the rest is the value in network byte order. Values up to 2^62 - 1.
 *
 * Decoders take a cursor (pointer and remaining length) and advance it only
 * on success, so a caller can parse a frame field by field and bail out on
 * the first short or malformed field without tracking offsets by hand.
 */
#ifndef _NET_QUIC_VARINT_H
#define _NET_QUIC_VARINT_H

#include "codec_compat.h"

#define QUIC_VARINT_MAX		((1ULL << 62) - 1)

/* Number of bytes the shortest encoding of @v takes; 0 if @v is too big. */
static inline u8 quic_varint_len(u64 v)
{
	if (v < (1ULL << 6))
		return 1;
	if (v < (1ULL << 14))
		return 2;
	if (v < (1ULL << 30))
		return 4;
	if (v <= QUIC_VARINT_MAX)
		return 8;
	return 0;
}

/* Length of the varint whose first byte is @first. */
static inline u8 quic_varint_len_from_byte(u8 first)
{
	return 1 << (first >> 6);
}

/**
 * quic_varint_get() - decode one varint and advance the cursor
 * @pos: in/out cursor into the buffer
 * @left: in/out bytes remaining at *@pos
 * @v: decoded value
 *
 * Non-minimal encodings are accepted, as RFC 9000 allows them for most
 * fields (frame types are the exception; the frame codec checks those).
 *
 * Return: true on success; false (cursor untouched) if the buffer is short.
 */
static inline bool quic_varint_get(const u8 **pos, u32 *left, u64 *v)
{
	const u8 *p = *pos;
	u8 len;

	if (!*left)
		return false;
	len = quic_varint_len_from_byte(p[0]);
	if (*left < len)
		return false;
	switch (len) {
	case 1:
		*v = p[0];
		break;
	case 2:
		*v = get_unaligned_be16(p) & 0x3fff;
		break;
	case 4:
		*v = get_unaligned_be32(p) & 0x3fffffff;
		break;
	default:
		*v = get_unaligned_be64(p) & QUIC_VARINT_MAX;
		break;
	}
	*pos += len;
	*left -= len;
	return true;
}

/**
 * quic_varint_put_len() - encode @v in exactly @len bytes at @p
 * @p: output, at least @len bytes
 * @v: value; must fit in @len bytes
 * @len: 1, 2, 4 or 8
 *
 * Used where a length field is written before its value is known and so
 * must have a fixed width (e.g. the long header Length field).
 *
 * Return: pointer past the encoding.
 */
static inline u8 *quic_varint_put_len(u8 *p, u64 v, u8 len)
{
	switch (len) {
	case 1:
		p[0] = (u8)v;
		break;
	case 2:
		put_unaligned_be16((u16)v | 0x4000, p);
		break;
	case 4:
		put_unaligned_be32((u32)v | 0x80000000, p);
		break;
	default:
		put_unaligned_be64(v | 0xc000000000000000ULL, p);
		len = 8;
		break;
	}
	return p + len;
}

/* Encode @v (must be <= QUIC_VARINT_MAX) in its shortest form at @p. */
static inline u8 *quic_varint_put(u8 *p, u64 v)
{
	return quic_varint_put_len(p, v, quic_varint_len(v));
}

#endif /* _NET_QUIC_VARINT_H */
