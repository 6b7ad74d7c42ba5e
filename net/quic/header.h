/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC packet headers (RFC 9000 section 17, RFC 9369 for version 2,
 * RFC 8999 for the version independent parts).
 *
 * Parsing happens in two steps because header protection hides the low bits
 * of the first byte and the packet number: quic_packet_parse_header() reads
 * everything in clear (form, version, type, connection IDs, token, Length)
 * and says where the packet number starts; the caller removes header
 * protection in place and then calls quic_packet_hdr_finish() for the packet
 * number length, truncated packet number, key phase and reserved bits.
 *
 * Building is likewise only byte layout: header protection and AEAD are
 * applied elsewhere (possibly by an offload path), so the builders just say
 * where the packet number and the Length field are.
 */
#ifndef _NET_QUIC_HEADER_H
#define _NET_QUIC_HEADER_H

#include "codec_compat.h"

#define QUIC_VERSION_1			0x00000001U
#define QUIC_VERSION_2			0x6b3343cfU
/* A long header with version 0 is a Version Negotiation packet. */
#define QUIC_VERSION_NEG		0x00000000U

/* Connection ID limit of QUIC v1/v2; RFC 8999 lets other versions use 255. */
#define QUIC_CID_MAX_LEN		20
#define QUIC_RETRY_TAG_LEN		16
/* Header protection samples 16 bytes starting 4 bytes past the PN offset. */
#define QUIC_HDR_SAMPLE_OFFSET		4
#define QUIC_HDR_SAMPLE_LEN		16

#define QUIC_HDR_FORM_LONG		0x80
#define QUIC_HDR_FIXED_BIT		0x40
#define QUIC_HDR_SPIN_BIT		0x20
#define QUIC_HDR_KEY_PHASE		0x04
#define QUIC_HDR_PN_LEN_MASK		0x03
#define QUIC_HDR_LONG_TYPE_SHIFT	4
#define QUIC_HDR_LONG_RESERVED		0x0c
#define QUIC_HDR_SHORT_RESERVED		0x18
/* First byte bits covered by header protection. */
#define QUIC_HDR_LONG_HP_MASK		0x0f
#define QUIC_HDR_SHORT_HP_MASK		0x1f

/* Transport error code for non-zero reserved bits (RFC 9000 17.2, 17.3.1). */
#define QUIC_HDR_ERR_PROTOCOL_VIOLATION	0x0a

/* Long header Length field width the builders use unless told otherwise. */
#define QUIC_HDR_LENGTH_LEN_DEFAULT	2

enum quic_packet_type {
	QUIC_PACKET_INITIAL,
	QUIC_PACKET_0RTT,
	QUIC_PACKET_HANDSHAKE,
	QUIC_PACKET_RETRY,
	QUIC_PACKET_1RTT,		/* short header */
	QUIC_PACKET_VERSION_NEG,
};

/**
 * struct quic_packet_hdr - a parsed packet header
 * @dcid: Destination Connection ID (points into the packet)
 * @scid: Source Connection ID (long headers)
 * @token: Initial or Retry token, NULL if none
 * @tag: Retry Integrity Tag (QUIC_RETRY_TAG_LEN bytes), Retry only
 * @versions: Version Negotiation list, @versions_count 32-bit entries
 * @version: long header version field; 0 for short headers
 * @token_len: bytes at @token
 * @versions_count: entries at @versions
 * @len: bytes this packet takes in the datagram (coalescing unit)
 * @pn_offset: offset of the packet number; 0 when the type has none
 * @length: bytes from @pn_offset to the end of the packet (the long header
 *	Length field; computed for short headers)
 * @payload_offset: offset of the protected payload (after finish)
 * @pn_trunc: truncated packet number (after finish)
 * @first: first byte as received, still protected
 * @type: enum quic_packet_type
 * @dcid_len: bytes at @dcid
 * @scid_len: bytes at @scid
 * @pn_len: packet number length, 1 to 4 (after finish)
 * @reserved: reserved bits of the unprotected first byte (after finish)
 * @long_header: header form bit
 * @fixed_bit: the fixed ("QUIC") bit; a peer that got grease_quic_bit may
 *	clear it, so the caller, not the parser, decides whether to drop
 * @spin: latency spin bit (short header, not protected)
 * @key_phase: key phase bit (short header, after finish)
 */
struct quic_packet_hdr {
	const u8 *dcid;
	const u8 *scid;
	const u8 *token;
	const u8 *tag;
	const u8 *versions;
	u32 version;
	u32 token_len;
	u32 versions_count;
	u32 len;
	u32 pn_offset;
	u32 length;
	u32 payload_offset;
	u32 pn_trunc;
	u8 first;
	u8 type;
	u8 dcid_len;
	u8 scid_len;
	u8 pn_len;
	u8 reserved;
	bool long_header;
	bool fixed_bit;
	bool spin;
	bool key_phase;
};

/**
 * struct quic_datagram_iter - walks the packets coalesced in one datagram
 * @pos: next unread byte
 * @first_dcid: DCID of the first packet, to drop strays (RFC 9000 12.2)
 * @left: bytes left in the datagram
 * @count: packets returned so far
 * @short_dcid_len: DCID length of short headers to this endpoint
 * @first_dcid_len: bytes at @first_dcid
 */
struct quic_datagram_iter {
	const u8 *pos;
	const u8 *first_dcid;
	u32 left;
	u32 count;
	u8 short_dcid_len;
	u8 first_dcid_len;
};

/**
 * struct quic_packet_desc - what to put in a header being built
 * @dcid: Destination Connection ID
 * @scid: Source Connection ID (long headers)
 * @token: Initial token or Retry token
 * @pn: full packet number; its low @pn_len bytes are written
 * @version: QUIC_VERSION_1 or QUIC_VERSION_2 (long headers)
 * @token_len: bytes at @token
 * @type: enum quic_packet_type
 * @dcid_len: bytes at @dcid
 * @scid_len: bytes at @scid
 * @pn_len: 1 to 4
 * @length_len: width of the Length field: 0 for the default (2), 2 or 4
 * @unused: Retry only: the four unused first byte bits, sent as given
 * @key_phase: short header key phase
 * @clear_fixed_bit: send the fixed bit as 0 (peer sent grease_quic_bit)
 */
struct quic_packet_desc {
	const u8 *dcid;
	const u8 *scid;
	const u8 *token;
	u64 pn;
	u32 version;
	u32 token_len;
	u8 type;
	u8 dcid_len;
	u8 scid_len;
	u8 pn_len;
	u8 length_len;
	u8 unused;
	bool key_phase;
	bool clear_fixed_bit;
};

/**
 * struct quic_packet_layout - where things went in a built header
 * @hdr_len: header bytes, packet number included: the payload starts here
 * @pn_offset: offset of the packet number (0 for Retry)
 * @length_offset: offset of the Length field (0 if none)
 * @length_len: width of the Length field (0 if none)
 * @pn_len: packet number bytes written (0 for Retry)
 */
struct quic_packet_layout {
	u32 hdr_len;
	u32 pn_offset;
	u32 length_offset;
	u8 length_len;
	u8 pn_len;
};

bool quic_version_supported(u32 version);

int quic_packet_parse_header(const u8 *buf, u32 len, u8 short_dcid_len,
			     struct quic_packet_hdr *h);
int quic_packet_hdr_finish(struct quic_packet_hdr *h, const u8 *pkt);
int quic_packet_peek_dcid(const u8 *buf, u32 len, u8 short_dcid_len,
			  const u8 **dcid, u8 *dcid_len);
bool quic_packet_vn_has_version(const struct quic_packet_hdr *h, u32 version);

void quic_datagram_iter_init(struct quic_datagram_iter *it, const u8 *buf,
			     u32 len, u8 short_dcid_len);
int quic_datagram_next_packet(struct quic_datagram_iter *it,
			      struct quic_packet_hdr *h, const u8 **pkt);

int quic_packet_build_long_header(u8 *buf, u32 len,
				  const struct quic_packet_desc *d,
				  struct quic_packet_layout *l);
int quic_packet_build_short_header(u8 *buf, u32 len,
				   const struct quic_packet_desc *d,
				   struct quic_packet_layout *l);
int quic_packet_set_length(u8 *pkt, const struct quic_packet_layout *l,
			   u32 pkt_len);
int quic_packet_build_vn(u8 *buf, u32 len, const struct quic_packet_hdr *in,
			 u8 rand, const u32 *versions, u32 count);
int quic_retry_pseudo_packet(u8 *buf, u32 len, const u8 *odcid,
			     u8 odcid_len, const u8 *retry, u32 retry_len);

#endif /* _NET_QUIC_HEADER_H */
