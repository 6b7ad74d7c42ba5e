// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC packet header parsing and layout (RFC 9000 section 17, RFC 9369).
 *
 * Every length read from the wire is checked against the bytes left before
 * it is used, so a parse never reads past the buffer it was given.
 */
#include "varint.h"
#include "pnum.h"
#include "header.h"

/* First byte, version and the two CID length bytes of a long header. */
#define QUIC_LONG_HDR_MIN	7
/* Offset of the DCID length byte in a long header. */
#define QUIC_LONG_DCID_LEN_OFF	5
/* Bytes after the PN offset a packet needs for a header protection sample. */
#define QUIC_HDR_MIN_PROTECTED	(QUIC_HDR_SAMPLE_OFFSET + QUIC_HDR_SAMPLE_LEN)
/* Bounds that keep built sizes far from overflowing an int. */
#define QUIC_TOKEN_MAX_LEN	U16_MAX
#define QUIC_VN_MAX_VERSIONS	64

static const u32 quic_versions_default[] = { QUIC_VERSION_1, QUIC_VERSION_2 };

/**
 * quic_version_supported() - is @version one this stack speaks
 * @version: version field of a long header
 *
 * Return: true for QUIC v1 and v2.
 */
bool quic_version_supported(u32 version)
{
	return version == QUIC_VERSION_1 || version == QUIC_VERSION_2;
}
EXPORT_SYMBOL_GPL(quic_version_supported);

/*
 * Version 2 rotates the long packet type codes by one (RFC 9369 3.2) so that
 * middleboxes which hard-coded the v1 values are caught early. The enum
 * follows the v1 codes.
 */
static u8 quic_long_type_to_bits(u32 version, u8 type)
{
	if (version == QUIC_VERSION_2)
		return (type + 1) & 3;
	return type;
}

static u8 quic_long_bits_to_type(u32 version, u8 bits)
{
	if (version == QUIC_VERSION_2)
		return (bits + 3) & 3;
	return bits;
}

/* Take @n bytes off the cursor; NULL (cursor untouched) if fewer are left. */
static const u8 *quic_hdr_pull(const u8 **pos, u32 *left, u64 n)
{
	const u8 *p = *pos;

	if (*left < n)
		return NULL;
	*pos += n;
	*left -= n;
	return p;
}

static int quic_hdr_get_cid(const u8 **pos, u32 *left, u8 max,
			    const u8 **cid, u8 *cid_len)
{
	const u8 *p = quic_hdr_pull(pos, left, 1);

	if (!p || *p > max)
		return -EINVAL;
	*cid_len = *p;
	*cid = quic_hdr_pull(pos, left, *cid_len);
	return *cid ? 0 : -EINVAL;
}

/* Version Negotiation: the rest of the datagram is a list of versions. */
static int quic_hdr_parse_vn(const u8 *p, u32 left, struct quic_packet_hdr *h)
{
	if (!left || left % 4)
		return -EINVAL;
	h->type = QUIC_PACKET_VERSION_NEG;
	h->versions = p;
	h->versions_count = left / 4;
	return 0;
}

/* Retry: token up to the 16-byte tag at the end of the datagram. */
static int quic_hdr_parse_retry(const u8 *p, u32 left,
				struct quic_packet_hdr *h)
{
	/* A Retry with an empty token must be discarded (RFC 9000 17.2.5.2). */
	if (left <= QUIC_RETRY_TAG_LEN)
		return -EINVAL;
	h->token = p;
	h->token_len = left - QUIC_RETRY_TAG_LEN;
	h->tag = p + h->token_len;
	return 0;
}

static int quic_hdr_parse_token(const u8 **pos, u32 *left,
				struct quic_packet_hdr *h)
{
	u64 n;

	if (!quic_varint_get(pos, left, &n))
		return -EINVAL;
	h->token = quic_hdr_pull(pos, left, n);
	if (!h->token)
		return -EINVAL;
	h->token_len = n;
	if (!n)
		h->token = NULL;
	return 0;
}

/*
 * Length covers the packet number and payload. It delimits this packet
 * inside a datagram, so it must not point past the end; and a packet too
 * short to give a header protection sample can never be opened (RFC 9001
 * 5.4.2), so it is rejected here.
 */
static int quic_hdr_parse_length(const u8 *buf, const u8 *p, u32 left,
				 struct quic_packet_hdr *h)
{
	u64 n;

	if (!quic_varint_get(&p, &left, &n))
		return -EINVAL;
	if (n > left || n < QUIC_HDR_MIN_PROTECTED)
		return -EINVAL;
	h->pn_offset = p - buf;
	h->length = n;
	h->len = h->pn_offset + n;
	return 0;
}

static int quic_hdr_parse_long(const u8 *buf, u32 len,
			       struct quic_packet_hdr *h)
{
	const u8 *p = buf + QUIC_LONG_DCID_LEN_OFF;
	u32 left = len - QUIC_LONG_DCID_LEN_OFF;
	u8 max, bits;

	h->version = get_unaligned_be32(buf + 1);
	/* Other versions may use CIDs up to 255 bytes, echoed back in VN. */
	max = quic_version_supported(h->version) ? QUIC_CID_MAX_LEN : U8_MAX;
	if (quic_hdr_get_cid(&p, &left, max, &h->dcid, &h->dcid_len) ||
	    quic_hdr_get_cid(&p, &left, max, &h->scid, &h->scid_len))
		return -EINVAL;

	/* Retry, VN and unknown versions have no Length: they fill the rest. */
	h->len = len;
	if (h->version == QUIC_VERSION_NEG)
		return quic_hdr_parse_vn(p, left, h);
	if (!quic_version_supported(h->version))
		return -EPROTONOSUPPORT;

	bits = (buf[0] >> QUIC_HDR_LONG_TYPE_SHIFT) & 3;
	h->type = quic_long_bits_to_type(h->version, bits);
	if (h->type == QUIC_PACKET_RETRY)
		return quic_hdr_parse_retry(p, left, h);
	if (h->type == QUIC_PACKET_INITIAL &&
	    quic_hdr_parse_token(&p, &left, h))
		return -EINVAL;
	return quic_hdr_parse_length(buf, p, left, h);
}

/* A short header runs to the end of the datagram. */
static int quic_hdr_parse_short(const u8 *buf, u32 len, u8 dcid_len,
				struct quic_packet_hdr *h)
{
	if (dcid_len > QUIC_CID_MAX_LEN ||
	    len < 1U + dcid_len + QUIC_HDR_MIN_PROTECTED)
		return -EINVAL;
	h->type = QUIC_PACKET_1RTT;
	h->spin = !!(buf[0] & QUIC_HDR_SPIN_BIT);
	h->dcid = buf + 1;
	h->dcid_len = dcid_len;
	h->pn_offset = 1 + dcid_len;
	h->length = len - h->pn_offset;
	h->len = len;
	return 0;
}

/**
 * quic_packet_parse_header() - parse the clear part of one packet header
 * @buf: start of the packet (the rest of the datagram)
 * @len: bytes at @buf
 * @short_dcid_len: DCID length for a short header; short headers do not say,
 *	the receiver knows the length of the CIDs it issued
 * @h: filled in; pointers point into @buf
 *
 * Does not look at header protected bits; call quic_packet_hdr_finish()
 * once protection is removed. @h->len tells where a coalesced next packet
 * starts. The fixed bit is reported, not enforced.
 *
 * Return: 0 on success;
 * -EINVAL if the header is malformed or truncated, a CID of v1/v2 exceeds 20
 * bytes, Length runs past @len, the packet is too short for a header
 * protection sample, a Retry has no token or a VN lists no versions;
 * -EPROTONOSUPPORT for a long header of an unknown version: @h->version,
 * the CIDs (up to 255 bytes) and @h->len (all of @len) are valid so the
 * caller can answer with Version Negotiation.
 */
int quic_packet_parse_header(const u8 *buf, u32 len, u8 short_dcid_len,
			     struct quic_packet_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (!len)
		return -EINVAL;
	h->first = buf[0];
	h->long_header = !!(buf[0] & QUIC_HDR_FORM_LONG);
	h->fixed_bit = !!(buf[0] & QUIC_HDR_FIXED_BIT);
	if (!h->long_header)
		return quic_hdr_parse_short(buf, len, short_dcid_len, h);
	if (len < QUIC_LONG_HDR_MIN)
		return -EINVAL;
	return quic_hdr_parse_long(buf, len, h);
}
EXPORT_SYMBOL_GPL(quic_packet_parse_header);

/**
 * quic_packet_hdr_finish() - read the header protected fields
 * @h: header from quic_packet_parse_header() of the same packet
 * @pkt: start of the packet, header protection already removed in place
 *
 * Fills @h->pn_len, @h->pn_trunc, @h->payload_offset, @h->reserved and, for
 * short headers, @h->key_phase.
 *
 * Return: 0 on success; -EINVAL if the packet type has no packet number or
 * bits outside the protected mask changed since parsing; -EPROTO if the
 * reserved bits are not zero: every field is still filled in, because RFC
 * 9000 17.2 makes this a PROTOCOL_VIOLATION (QUIC_HDR_ERR_PROTOCOL_VIOLATION)
 * only once the payload authenticates, else a forged packet could kill the
 * connection.
 */
int quic_packet_hdr_finish(struct quic_packet_hdr *h, const u8 *pkt)
{
	u8 first = pkt[0], hp_mask, reserved_mask;

	if (!h->pn_offset)
		return -EINVAL;
	hp_mask = h->long_header ? QUIC_HDR_LONG_HP_MASK :
				   QUIC_HDR_SHORT_HP_MASK;
	if ((first ^ h->first) & ~hp_mask)
		return -EINVAL;
	reserved_mask = h->long_header ? QUIC_HDR_LONG_RESERVED :
					 QUIC_HDR_SHORT_RESERVED;

	h->pn_len = (first & QUIC_HDR_PN_LEN_MASK) + 1;
	/* Parsing guaranteed 20 bytes past pn_offset; keep the check local. */
	if (h->pn_len > h->length)
		return -EINVAL;
	h->pn_trunc = quic_pnum_read(pkt + h->pn_offset, h->pn_len);
	h->payload_offset = h->pn_offset + h->pn_len;
	h->key_phase = !h->long_header && (first & QUIC_HDR_KEY_PHASE);
	h->reserved = first & reserved_mask;
	return h->reserved ? -EPROTO : 0;
}
EXPORT_SYMBOL_GPL(quic_packet_hdr_finish);

/**
 * quic_packet_peek_dcid() - find the DCID of a datagram's first packet
 * @buf: datagram
 * @len: bytes at @buf
 * @short_dcid_len: DCID length used in short headers to this endpoint
 * @dcid: set to the DCID inside @buf
 * @dcid_len: its length
 *
 * Just enough parsing to route a datagram to its connection. Long header
 * CIDs up to 255 bytes are returned, as RFC 8999 allows for any version.
 *
 * Return: 0, or -EINVAL if the datagram is too short to hold the DCID.
 */
int quic_packet_peek_dcid(const u8 *buf, u32 len, u8 short_dcid_len,
			  const u8 **dcid, u8 *dcid_len)
{
	u8 n;

	if (!len)
		return -EINVAL;
	if (!(buf[0] & QUIC_HDR_FORM_LONG)) {
		if (len < 1U + short_dcid_len)
			return -EINVAL;
		*dcid = buf + 1;
		*dcid_len = short_dcid_len;
		return 0;
	}
	if (len <= QUIC_LONG_DCID_LEN_OFF)
		return -EINVAL;
	n = buf[QUIC_LONG_DCID_LEN_OFF];
	if (len - QUIC_LONG_DCID_LEN_OFF - 1 < n)
		return -EINVAL;
	*dcid = buf + QUIC_LONG_DCID_LEN_OFF + 1;
	*dcid_len = n;
	return 0;
}
EXPORT_SYMBOL_GPL(quic_packet_peek_dcid);

/**
 * quic_packet_vn_has_version() - does a Version Negotiation list @version
 * @h: parsed Version Negotiation packet
 * @version: version to look for
 *
 * A client must drop a VN that lists the version it used (RFC 9000 6.2).
 *
 * Return: true if @version is in the list.
 */
bool quic_packet_vn_has_version(const struct quic_packet_hdr *h, u32 version)
{
	u32 i;

	if (h->type != QUIC_PACKET_VERSION_NEG)
		return false;
	for (i = 0; i < h->versions_count; i++)
		if (get_unaligned_be32(h->versions + 4 * i) == version)
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(quic_packet_vn_has_version);

/**
 * quic_datagram_iter_init() - start walking the packets of a datagram
 * @it: iterator
 * @buf: datagram payload
 * @len: bytes at @buf
 * @short_dcid_len: DCID length of short headers to this endpoint
 */
void quic_datagram_iter_init(struct quic_datagram_iter *it, const u8 *buf,
			     u32 len, u8 short_dcid_len)
{
	memset(it, 0, sizeof(*it));
	it->pos = buf;
	it->left = len;
	it->short_dcid_len = short_dcid_len;
}
EXPORT_SYMBOL_GPL(quic_datagram_iter_init);

/* RFC 9000 12.2: ignore packets whose DCID differs from the first one's. */
static bool quic_datagram_stray(struct quic_datagram_iter *it,
				const struct quic_packet_hdr *h)
{
	if (!it->count) {
		it->first_dcid = h->dcid;
		it->first_dcid_len = h->dcid_len;
		return false;
	}
	if (h->dcid_len != it->first_dcid_len)
		return true;
	return h->dcid_len && memcmp(h->dcid, it->first_dcid, h->dcid_len);
}

/**
 * quic_datagram_next_packet() - next coalesced packet of a datagram
 * @it: iterator from quic_datagram_iter_init()
 * @h: parsed header of the packet
 * @pkt: set to the start of the packet
 *
 * Long header packets carry a Length and may be followed by more packets;
 * a short header, Retry or VN packet runs to the end of the datagram.
 * Packets whose DCID differs from the first packet's are skipped.
 *
 * Return: 1 with @h and @pkt set; 0 when the datagram is used up; a negative
 * errno from quic_packet_parse_header() (with @h and @pkt describing the bad
 * packet) when the rest of the datagram cannot be delimited, after which
 * the iterator is exhausted.
 */
int quic_datagram_next_packet(struct quic_datagram_iter *it,
			      struct quic_packet_hdr *h, const u8 **pkt)
{
	int err;

	while (it->left) {
		*pkt = it->pos;
		err = quic_packet_parse_header(it->pos, it->left,
					       it->short_dcid_len, h);
		if (err) {
			it->left = 0;
			return err;
		}
		it->pos += h->len;
		it->left -= h->len;
		if (quic_datagram_stray(it, h))
			continue;
		it->count++;
		return 1;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(quic_datagram_next_packet);

static int quic_desc_check_long(const struct quic_packet_desc *d,
				u8 *length_len)
{
	if (!quic_version_supported(d->version) ||
	    d->type > QUIC_PACKET_RETRY ||
	    d->dcid_len > QUIC_CID_MAX_LEN || d->scid_len > QUIC_CID_MAX_LEN ||
	    d->token_len > QUIC_TOKEN_MAX_LEN)
		return -EINVAL;
	if (d->type == QUIC_PACKET_RETRY)
		return d->token_len ? 0 : -EINVAL;
	if (d->token_len && d->type != QUIC_PACKET_INITIAL)
		return -EINVAL;
	if (d->pn_len < QUIC_PN_LEN_MIN || d->pn_len > QUIC_PN_LEN_MAX)
		return -EINVAL;
	*length_len = d->length_len ? d->length_len :
				      QUIC_HDR_LENGTH_LEN_DEFAULT;
	return *length_len == 2 || *length_len == 4 ? 0 : -EINVAL;
}

static u32 quic_long_hdr_size(const struct quic_packet_desc *d, u8 length_len)
{
	u32 n = QUIC_LONG_HDR_MIN + d->dcid_len + d->scid_len;

	if (d->type == QUIC_PACKET_RETRY)
		return n + d->token_len;
	if (d->type == QUIC_PACKET_INITIAL)
		n += quic_varint_len(d->token_len) + d->token_len;
	return n + length_len + d->pn_len;
}

/* memcpy() with a NULL source is undefined even for 0 bytes. */
static u8 *quic_hdr_put_bytes(u8 *p, const u8 *src, u32 n)
{
	if (n)
		memcpy(p, src, n);
	return p + n;
}

static u8 *quic_hdr_put_cid(u8 *p, const u8 *cid, u8 len)
{
	*p++ = len;
	return quic_hdr_put_bytes(p, cid, len);
}

/* Length placeholder and packet number of Initial, 0-RTT and Handshake. */
static u32 quic_hdr_put_pn_part(u8 *buf, u8 *p,
				const struct quic_packet_desc *d, u8 length_len,
				struct quic_packet_layout *l)
{
	buf[0] |= d->pn_len - 1;
	l->length_offset = p - buf;
	l->length_len = length_len;
	p = quic_varint_put_len(p, 0, length_len);
	l->pn_offset = p - buf;
	l->pn_len = d->pn_len;
	quic_pnum_write(p, d->pn, d->pn_len);
	return l->pn_offset + d->pn_len;
}

/**
 * quic_packet_build_long_header() - lay out a long header
 * @buf: output
 * @len: bytes available at @buf
 * @d: header contents
 * @l: where the packet number and Length field went
 *
 * For Initial, 0-RTT and Handshake packets a Length field of @d->length_len
 * bytes is written as a placeholder for quic_packet_set_length(), then the
 * packet number; the reserved bits are zero. For Retry the header ends with
 * the token and the caller appends the integrity tag.
 *
 * Return: header length (where the payload goes), -EINVAL for a bad @d,
 * -ENOSPC if @len is too small.
 */
int quic_packet_build_long_header(u8 *buf, u32 len,
				  const struct quic_packet_desc *d,
				  struct quic_packet_layout *l)
{
	u8 length_len = 0, *p = buf;
	int err;

	err = quic_desc_check_long(d, &length_len);
	if (err)
		return err;
	if (quic_long_hdr_size(d, length_len) > len)
		return -ENOSPC;

	memset(l, 0, sizeof(*l));
	*p = QUIC_HDR_FORM_LONG | quic_long_type_to_bits(d->version, d->type) <<
				  QUIC_HDR_LONG_TYPE_SHIFT;
	if (!d->clear_fixed_bit)
		*p |= QUIC_HDR_FIXED_BIT;
	put_unaligned_be32(d->version, ++p);
	p = quic_hdr_put_cid(p + 4, d->dcid, d->dcid_len);
	p = quic_hdr_put_cid(p, d->scid, d->scid_len);

	if (d->type == QUIC_PACKET_RETRY) {
		buf[0] |= d->unused & QUIC_HDR_LONG_HP_MASK;
		p = quic_hdr_put_bytes(p, d->token, d->token_len);
		l->hdr_len = p - buf;
		return l->hdr_len;
	}
	if (d->type == QUIC_PACKET_INITIAL) {
		p = quic_varint_put(p, d->token_len);
		p = quic_hdr_put_bytes(p, d->token, d->token_len);
	}
	l->hdr_len = quic_hdr_put_pn_part(buf, p, d, length_len, l);
	return l->hdr_len;
}
EXPORT_SYMBOL_GPL(quic_packet_build_long_header);

/**
 * quic_packet_build_short_header() - lay out a 1-RTT (short) header
 * @buf: output
 * @len: bytes available at @buf
 * @d: header contents (@dcid, @pn, @pn_len, @key_phase, @clear_fixed_bit)
 * @l: where the packet number went
 *
 * The spin bit and reserved bits are written as zero.
 *
 * Return: header length, -EINVAL for a bad @d, -ENOSPC if @len is too small.
 */
int quic_packet_build_short_header(u8 *buf, u32 len,
				   const struct quic_packet_desc *d,
				   struct quic_packet_layout *l)
{
	u8 *p = buf;

	if (d->dcid_len > QUIC_CID_MAX_LEN ||
	    d->pn_len < QUIC_PN_LEN_MIN || d->pn_len > QUIC_PN_LEN_MAX)
		return -EINVAL;
	if (1U + d->dcid_len + d->pn_len > len)
		return -ENOSPC;

	memset(l, 0, sizeof(*l));
	*p = d->pn_len - 1;
	if (!d->clear_fixed_bit)
		*p |= QUIC_HDR_FIXED_BIT;
	if (d->key_phase)
		*p |= QUIC_HDR_KEY_PHASE;
	p = quic_hdr_put_bytes(p + 1, d->dcid, d->dcid_len);
	l->pn_offset = p - buf;
	l->pn_len = d->pn_len;
	quic_pnum_write(p, d->pn, d->pn_len);
	l->hdr_len = l->pn_offset + d->pn_len;
	return l->hdr_len;
}
EXPORT_SYMBOL_GPL(quic_packet_build_short_header);

/**
 * quic_packet_set_length() - fill in the Length field of a built header
 * @pkt: start of the packet
 * @l: layout returned when the header was built
 * @pkt_len: final packet length, from the first byte to the end of the
 *	AEAD tag; Length is what follows the packet number offset
 *
 * Return: 0; -EINVAL if the header has no Length field or @pkt_len ends
 * inside the header; -EMSGSIZE if the value does not fit the field width.
 */
int quic_packet_set_length(u8 *pkt, const struct quic_packet_layout *l,
			   u32 pkt_len)
{
	u64 length;

	if (!l->length_len || pkt_len < l->hdr_len)
		return -EINVAL;
	length = pkt_len - l->pn_offset;
	if (length >= 1ULL << (8 * l->length_len - 2))
		return -EMSGSIZE;
	quic_varint_put_len(pkt + l->length_offset, length, l->length_len);
	return 0;
}
EXPORT_SYMBOL_GPL(quic_packet_set_length);

/**
 * quic_packet_build_vn() - build a Version Negotiation packet
 * @buf: output
 * @len: bytes available at @buf
 * @in: parsed long header of the packet being answered
 * @rand: random bits for the unused part of the first byte
 * @versions: versions to offer, or NULL for the supported ones (v1, v2)
 * @count: entries at @versions
 *
 * The CIDs are echoed swapped: the client's SCID becomes the DCID, so the
 * client can tell the packet answers its own (RFC 9000 17.2.1). The 0x40
 * bit is set so the packet looks like other QUIC packets to middleboxes.
 *
 * Return: packet length; -EINVAL if @in is not a long header, is itself a
 * VN (never answered, RFC 9000 6.1) or @count is 0 or over 64; -ENOSPC.
 */
int quic_packet_build_vn(u8 *buf, u32 len, const struct quic_packet_hdr *in,
			 u8 rand, const u32 *versions, u32 count)
{
	u8 *p = buf;
	u32 i, need;

	if (!in->long_header || in->version == QUIC_VERSION_NEG)
		return -EINVAL;
	if (!versions) {
		versions = quic_versions_default;
		count = ARRAY_SIZE(quic_versions_default);
	}
	if (!count || count > QUIC_VN_MAX_VERSIONS)
		return -EINVAL;
	need = QUIC_LONG_HDR_MIN + in->dcid_len + in->scid_len + 4 * count;
	if (need > len)
		return -ENOSPC;

	*p++ = QUIC_HDR_FORM_LONG | QUIC_HDR_FIXED_BIT | (rand & 0x3f);
	put_unaligned_be32(QUIC_VERSION_NEG, p);
	p = quic_hdr_put_cid(p + 4, in->scid, in->scid_len);
	p = quic_hdr_put_cid(p, in->dcid, in->dcid_len);
	for (i = 0; i < count; i++, p += 4)
		put_unaligned_be32(versions[i], p);
	return p - buf;
}
EXPORT_SYMBOL_GPL(quic_packet_build_vn);

/**
 * quic_retry_pseudo_packet() - lay out the Retry pseudo-packet
 * @buf: output
 * @len: bytes available at @buf
 * @odcid: DCID of the client's first Initial (the one the Retry answers)
 * @odcid_len: bytes at @odcid
 * @retry: the Retry packet
 * @retry_len: bytes of @retry without the Integrity Tag (for a parsed Retry,
 *	h->tag - pkt)
 *
 * The Retry Integrity Tag is the AEAD tag over this (RFC 9001 5.8): the
 * ODCID, prefixed by its length, then the Retry packet up to the tag. It
 * ties the Retry to the Initial it answers, which an off-path attacker
 * cannot see.
 *
 * Return: pseudo-packet length; -EINVAL for an ODCID over 20 bytes or a
 * @retry_len that cannot be a Retry; -ENOSPC.
 */
int quic_retry_pseudo_packet(u8 *buf, u32 len, const u8 *odcid,
			     u8 odcid_len, const u8 *retry, u32 retry_len)
{
	u32 need;

	if (odcid_len > QUIC_CID_MAX_LEN || retry_len < QUIC_LONG_HDR_MIN ||
	    retry_len > U16_MAX)
		return -EINVAL;
	need = 1 + odcid_len + retry_len;
	if (need > len)
		return -ENOSPC;
	buf[0] = odcid_len;
	quic_hdr_put_bytes(buf + 1, odcid, odcid_len);
	memcpy(buf + 1 + odcid_len, retry, retry_len);
	return need;
}
EXPORT_SYMBOL_GPL(quic_retry_pseudo_packet);
