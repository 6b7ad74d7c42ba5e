// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of QUIC packet header parsing and layout (net/quic/header.c).
 * Truncation tests copy each prefix into an exactly sized heap buffer so
 * AddressSanitizer catches any read past the length the parser was given.
 */
#include "tap.h"
#include "../../../net/quic/pnum.c"
#include "../../../net/quic/header.c"

#define BIG	2048

/* RFC 9001 A.2: unprotected client Initial header, PN 2 in 4 bytes. */
static const char *rfc9001_initial_hdr =
	"c300000001088394c8f03e5157080000449e00000002";
/* The same header after header protection (RFC 9001 A.2). */
static const char *rfc9001_initial_prot =
	"c000000001088394c8f03e5157080000449e7b9aec34";
/* RFC 9369 A.2: the same packet in QUIC v2. */
static const char *rfc9369_initial_hdr =
	"d36b3343cf088394c8f03e5157080000449e00000002";
/*
 * RFC 9001 A.4 Retry, and a v2 Retry with the same fields (type bits 00,
 * as in RFC 9369 A.4); only the layout is checked here, not the tag.
 */
static const char *rfc9001_retry =
	"ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba";
static const char *rfc9369_retry =
	"cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6";
static const u8 odcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };
static const u8 cid_a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const u8 cid_b[5] = { 9, 10, 11, 12, 13 };

static u32 unhex(const char *s, u8 *out)
{
	u32 n = 0;
	unsigned int b;

	while (s[0] && s[1] && sscanf(s, "%2x", &b) == 1) {
		out[n++] = b;
		s += 2;
	}
	return n;
}

/* Full RFC 9001 A.2 Initial: header then 1178 payload bytes (Length). */
static u32 rfc_initial(u8 *buf, const char *hdr)
{
	u32 n = unhex(hdr, buf);

	memset(buf + n, 0x5a, 0x49e - 4);
	return n + 0x49e - 4;
}

static int parse_copy(const u8 *src, u32 len, u8 dcid_len,
		      struct quic_packet_hdr *h)
{
	u8 *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, src, len);
	rc = quic_packet_parse_header(copy, len, dcid_len, h);
	free(copy);
	return rc;
}

static void test_rfc9001_initial(void)
{
	struct quic_packet_hdr h;
	u8 buf[BIG];
	u32 len = rfc_initial(buf, rfc9001_initial_hdr);
	int rc;

	rc = quic_packet_parse_header(buf, len, 0, &h);
	tap_result(rc == 0 && h.long_header && h.version == QUIC_VERSION_1 &&
		   h.type == QUIC_PACKET_INITIAL && h.fixed_bit,
		   "unit: header: RFC 9001 A.2 Initial parses as v1 Initial");
	tap_result(h.dcid_len == 8 && !memcmp(h.dcid, odcid, 8) &&
		   h.scid_len == 0 && h.token_len == 0 && !h.token,
		   "unit: header: RFC 9001 A.2 dcid 8394c8f03e515708, empty scid and token");
	tap_result(h.length == 0x49e && h.pn_offset == 18 && h.len == 1200,
		   "unit: header: RFC 9001 A.2 length 0x49e, pn offset 18, packet 1200 bytes");
	rc = quic_packet_hdr_finish(&h, buf);
	tap_result(rc == 0 && h.pn_len == 4 && h.pn_trunc == 2 &&
		   h.payload_offset == 22 && h.reserved == 0,
		   "unit: header: RFC 9001 A.2 finish gives pn_len 4, pn 2");
}

static void test_rfc9001_protected(void)
{
	struct quic_packet_hdr h;
	u8 buf[BIG], clear[32];
	u32 len = rfc_initial(buf, rfc9001_initial_prot);
	u32 n = unhex(rfc9001_initial_hdr, clear);
	int rc;

	rc = quic_packet_parse_header(buf, len, 0, &h);
	tap_result(rc == 0 && h.pn_offset == 18 && h.first == 0xc0,
		   "unit: header: protected RFC 9001 A.2 header parses the same");
	/* What removing header protection does in place. */
	memcpy(buf, clear, n);
	rc = quic_packet_hdr_finish(&h, buf);
	tap_result(rc == 0 && h.pn_len == 4 && h.pn_trunc == 2,
		   "unit: header: finish after in-place unprotection");
	buf[0] ^= 0x30;
	tap_result(quic_packet_hdr_finish(&h, buf) == -EINVAL,
		   "unit: header: finish rejects change outside protected bits");
}

static void test_rfc9369_initial(void)
{
	struct quic_packet_hdr h;
	u8 buf[BIG];
	u32 len = rfc_initial(buf, rfc9369_initial_hdr);
	int rc;

	rc = quic_packet_parse_header(buf, len, 0, &h);
	tap_result(rc == 0 && h.version == QUIC_VERSION_2 &&
		   h.type == QUIC_PACKET_INITIAL && h.first == 0xd3,
		   "unit: header: RFC 9369 v2 Initial (type bits 01) parses as Initial");
	tap_result(h.dcid_len == 8 && h.pn_offset == 18 && h.len == 1200 &&
		   !quic_packet_hdr_finish(&h, buf) && h.pn_len == 4 &&
		   h.pn_trunc == 2,
		   "unit: header: RFC 9369 v2 Initial fields and finish");
}

static void test_rfc_retry(void)
{
	struct quic_packet_hdr h;
	u8 buf[128], pseudo[128], want[128];
	u32 len, wlen;
	int rc, n;

	len = unhex(rfc9001_retry, buf);
	rc = quic_packet_parse_header(buf, len, 0, &h);
	tap_result(rc == 0 && h.type == QUIC_PACKET_RETRY &&
		   h.version == QUIC_VERSION_1 && h.dcid_len == 0 &&
		   h.scid_len == 8 && h.token_len == 5 &&
		   !memcmp(h.token, "token", 5) && h.tag == buf + len - 16 &&
		   h.len == len,
		   "unit: header: RFC 9001 A.4 Retry token and tag located");
	tap_result(quic_packet_hdr_finish(&h, buf) == -EINVAL,
		   "unit: header: finish on Retry (no packet number) rejected");
	n = quic_retry_pseudo_packet(pseudo, sizeof(pseudo), odcid, 8, buf,
				     h.tag - buf);
	wlen = unhex("088394c8f03e515708", want);
	memcpy(want + wlen, buf, h.tag - buf);
	wlen += h.tag - buf;
	tap_result(n == (int)wlen && !memcmp(pseudo, want, wlen),
		   "unit: header: Retry pseudo-packet is odcid len, odcid, retry sans tag");
	tap_result(quic_retry_pseudo_packet(pseudo, wlen - 1, odcid, 8, buf,
					    h.tag - buf) == -ENOSPC &&
		   quic_retry_pseudo_packet(pseudo, sizeof(pseudo), odcid, 21,
					    buf, h.tag - buf) == -EINVAL,
		   "unit: header: Retry pseudo-packet short buffer and odcid 21 rejected");

	len = unhex(rfc9369_retry, buf);
	rc = quic_packet_parse_header(buf, len, 0, &h);
	tap_result(rc == 0 && h.type == QUIC_PACKET_RETRY &&
		   h.version == QUIC_VERSION_2 && h.token_len == 5,
		   "unit: header: RFC 9369 v2 Retry (type bits 00) parses as Retry");
	/* Cut the token away: a Retry without a token must be dropped. */
	memmove(buf + 15, buf + 20, 16);
	tap_result(quic_packet_parse_header(buf, 31, 0, &h) == -EINVAL,
		   "unit: header: Retry with empty token rejected");
}

static void test_truncations(void)
{
	struct quic_packet_hdr h;
	u8 buf[BIG];
	u32 len = rfc_initial(buf, rfc9001_initial_hdr), i;
	bool ok = true;

	for (i = 0; i < len; i++)
		ok &= parse_copy(buf, i, 0, &h) == -EINVAL;
	tap_result(ok, "unit: header: every truncation of the Initial rejected");

	len = unhex(rfc9001_retry, buf);
	ok = true;
	for (i = 0; i <= 15 + 16; i++)
		ok &= parse_copy(buf, i, 0, &h) == -EINVAL;
	tap_result(ok, "unit: header: every truncation of Retry into the tag rejected");

	memset(buf, 0x41, 64);
	ok = true;
	for (i = 0; i < 1 + 8 + 20; i++)
		ok &= parse_copy(buf, i, 8, &h) == -EINVAL;
	ok &= parse_copy(buf, 29, 8, &h) == 0;
	tap_result(ok, "unit: header: short header shorter than dcid+sample rejected");
}

static void test_cid_limits(void)
{
	struct quic_packet_hdr h;
	u8 buf[BIG];
	u32 len;
	int rc;

	len = unhex("c300000001", buf);
	buf[len++] = 21;
	memset(buf + len, 0xaa, 600);
	tap_result(parse_copy(buf, len + 300, 0, &h) == -EINVAL,
		   "unit: header: v1 dcid length 21 rejected");
	buf[len - 1] = 0;
	buf[len] = 21;
	tap_result(parse_copy(buf, len + 300, 0, &h) == -EINVAL,
		   "unit: header: v1 scid length 21 rejected");
	put_unaligned_be32(QUIC_VERSION_2, buf + 1);
	tap_result(parse_copy(buf, len + 300, 0, &h) == -EINVAL,
		   "unit: header: v2 scid length 21 rejected");
	put_unaligned_be32(0x1a2a3a4a, buf + 1);
	buf[len - 1] = 200;
	buf[len + 200] = 255;
	/* 6 + 200 + 1 + 255 header bytes, then 40 of version specific data */
	rc = parse_copy(buf, 502, 0, &h);
	tap_result(rc == -EPROTONOSUPPORT && h.version == 0x1a2a3a4a &&
		   h.dcid_len == 200 && h.scid_len == 255 && h.len == 502,
		   "unit: header: unknown version reported with 200/255 byte cids");
	rc = parse_copy(buf, 461, 0, &h);
	tap_result(rc == -EINVAL,
		   "unit: header: unknown version with truncated scid rejected");
	buf[0] = 0x40;
	tap_result(quic_packet_parse_header(buf, 100, 21, &h) == -EINVAL,
		   "unit: header: short header dcid length 21 rejected");
}

static void test_length_field(void)
{
	struct quic_packet_hdr h;
	u8 buf[BIG];
	u32 len = rfc_initial(buf, rfc9001_initial_hdr);

	/* Length one past the end of the datagram. */
	put_unaligned_be16(0x4000 | 0x49f, buf + 16);
	tap_result(parse_copy(buf, len, 0, &h) == -EINVAL,
		   "unit: header: Length past end of datagram rejected");
	put_unaligned_be16(0x4000 | 19, buf + 16);
	tap_result(parse_copy(buf, len, 0, &h) == -EINVAL,
		   "unit: header: Length too short for a protection sample rejected");
	put_unaligned_be16(0x4000 | 20, buf + 16);
	tap_result(parse_copy(buf, len, 0, &h) == 0 && h.len == 18 + 20,
		   "unit: header: Length shorter than datagram delimits packet");
	buf[15] = 0x44;		/* token length 0x44ff: past the end */
	buf[16] = 0xff;
	tap_result(parse_copy(buf, len, 0, &h) == -EINVAL,
		   "unit: header: token length past end rejected");
	buf[15] = 0xc0;		/* 8-byte varint token length, truncated */
	tap_result(parse_copy(buf, 18, 0, &h) == -EINVAL,
		   "unit: header: truncated token length varint rejected");
}

static int build(u8 *buf, u32 len, u32 version, u8 type, u8 pn_len,
		 u64 pn, u32 payload, u8 length_len)
{
	struct quic_packet_desc d = {
		.dcid = cid_a, .dcid_len = sizeof(cid_a),
		.scid = cid_b, .scid_len = sizeof(cid_b),
		.version = version, .type = type, .pn = pn, .pn_len = pn_len,
		.length_len = length_len,
	};
	struct quic_packet_layout l;
	int n;

	if (type == QUIC_PACKET_INITIAL || type == QUIC_PACKET_RETRY) {
		d.token = (const u8 *)"tok-en";
		d.token_len = 6;
	}
	if (type == QUIC_PACKET_1RTT) {
		d.key_phase = pn & 1;
		n = quic_packet_build_short_header(buf, len, &d, &l);
	} else {
		n = quic_packet_build_long_header(buf, len, &d, &l);
	}
	if (n < 0)
		return n;
	/* A Retry ends with its integrity tag. */
	if (type == QUIC_PACKET_RETRY)
		payload = QUIC_RETRY_TAG_LEN;
	memset(buf + n, 0x33, payload);
	if (type == QUIC_PACKET_RETRY)
		return n + payload;
	if (type != QUIC_PACKET_1RTT &&
	    quic_packet_set_length(buf, &l, n + payload))
		return -1;
	return n + payload;
}

static bool check_built(const u8 *buf, int n, u32 version, u8 type,
			u8 pn_len, u64 pn)
{
	struct quic_packet_hdr h;

	if (n < 0 || quic_packet_parse_header(buf, n, 8, &h))
		return false;
	if (h.type != type || h.len != (u32)n || h.dcid_len != 8 ||
	    memcmp(h.dcid, cid_a, 8))
		return false;
	if (type == QUIC_PACKET_1RTT)
		return !quic_packet_hdr_finish(&h, buf) && h.pn_len == pn_len &&
		       h.pn_trunc == (u32)(pn & (0xffffffffULL >>
						(32 - 8 * pn_len))) &&
		       h.key_phase == (pn & 1) && !h.spin;
	if (h.version != version || h.scid_len != 5 ||
	    memcmp(h.scid, cid_b, 5))
		return false;
	if (type == QUIC_PACKET_RETRY)
		return h.token_len == 6 && h.tag == buf + n - 16;
	if (type == QUIC_PACKET_INITIAL &&
	    (h.token_len != 6 || memcmp(h.token, "tok-en", 6)))
		return false;
	return !quic_packet_hdr_finish(&h, buf) && h.pn_len == pn_len &&
	       h.pn_trunc == (u32)(pn & (0xffffffffULL >> (32 - 8 * pn_len)));
}

static void test_build_round_trips(void)
{
	static const u32 versions[] = { QUIC_VERSION_1, QUIC_VERSION_2 };
	static const char * const names[] = { "Initial", "0-RTT", "Handshake",
					      "Retry", "1-RTT" };
	u64 pn = 0x1234567890ULL;
	u8 buf[BIG], type, pn_len;
	u32 v;
	int n;

	for (v = 0; v < 2; v++) {
		for (type = QUIC_PACKET_INITIAL; type <= QUIC_PACKET_1RTT;
		     type++) {
			bool ok = true;

			for (pn_len = 1; pn_len <= 4; pn_len++) {
				n = build(buf, sizeof(buf), versions[v], type,
					  pn_len, pn + pn_len, 40, 0);
				ok &= check_built(buf, n, versions[v], type,
						  pn_len, pn + pn_len);
				n = build(buf, sizeof(buf), versions[v], type,
					  pn_len, pn, 1300, 4);
				ok &= check_built(buf, n, versions[v], type,
						  pn_len, pn);
			}
			tap_result(ok, "unit: header: build/parse round trip v%u %s, pn_len 1-4",
				   v + 1, names[type]);
		}
	}
}

static void test_build_details(void)
{
	struct quic_packet_desc d = {
		.dcid = cid_a, .dcid_len = 8, .version = QUIC_VERSION_2,
		.type = QUIC_PACKET_HANDSHAKE, .pn = 7, .pn_len = 2,
	};
	struct quic_packet_hdr h;
	struct quic_packet_layout l;
	u8 buf[BIG];
	int n;

	n = quic_packet_build_long_header(buf, sizeof(buf), &d, &l);
	tap_result(n == 1 + 4 + 1 + 8 + 1 + 2 + 2 && buf[0] == 0xf1 &&
		   l.pn_offset == 17 && l.length_offset == 15 &&
		   l.length_len == 2 && buf[17] == 0 && buf[18] == 7,
		   "unit: header: v2 Handshake layout: type bits 11, 2-byte Length");
	tap_result(quic_packet_build_long_header(buf, n - 1, &d, &l) ==
		   -ENOSPC,
		   "unit: header: long header one byte short of room -ENOSPC");
	tap_result(quic_packet_set_length(buf, &l, 17 + 16384) == -EMSGSIZE &&
		   quic_packet_set_length(buf, &l, 17 + 16383) == 0 &&
		   quic_packet_set_length(buf, &l, 18) == -EINVAL,
		   "unit: header: 2-byte Length range enforced by set_length");
	d.token = cid_b;
	d.token_len = 5;
	tap_result(quic_packet_build_long_header(buf, sizeof(buf), &d, &l) ==
		   -EINVAL,
		   "unit: header: token on a Handshake packet refused");
	d.token_len = 0;
	d.dcid_len = 21;
	tap_result(quic_packet_build_long_header(buf, sizeof(buf), &d, &l) ==
		   -EINVAL,
		   "unit: header: build with 21-byte cid refused");
	d.dcid_len = 8;
	d.length_len = 3;
	d.version = 0x1a2a3a4a;
	tap_result(quic_packet_build_long_header(buf, sizeof(buf), &d, &l) ==
		   -EINVAL,
		   "unit: header: build with bad Length width or version refused");
	d.length_len = 0;
	d.version = QUIC_VERSION_1;
	d.clear_fixed_bit = true;
	n = quic_packet_build_long_header(buf, sizeof(buf), &d, &l);
	memset(buf + n, 0, 30);
	quic_packet_set_length(buf, &l, n + 30);
	tap_result(quic_packet_parse_header(buf, n + 30, 0, &h) == 0 &&
		   !h.fixed_bit && h.type == QUIC_PACKET_HANDSHAKE,
		   "unit: header: cleared fixed bit reported, not rejected");
	d.pn_len = 0;
	tap_result(quic_packet_build_short_header(buf, sizeof(buf), &d, &l) ==
		   -EINVAL,
		   "unit: header: short build with pn_len 0 refused");
	d.pn_len = 1;
	tap_result(quic_packet_build_short_header(buf, 9, &d, &l) == -ENOSPC &&
		   quic_packet_build_short_header(buf, 10, &d, &l) == 10 &&
		   quic_packet_set_length(buf, &l, 100) == -EINVAL,
		   "unit: header: short build room check, no Length to set");
}

static void test_reserved_bits(void)
{
	struct quic_packet_hdr h;
	u8 buf[BIG];
	int n;

	n = build(buf, sizeof(buf), QUIC_VERSION_1, QUIC_PACKET_INITIAL, 2,
		  9, 30, 0);
	quic_packet_parse_header(buf, n, 0, &h);
	buf[0] |= 0x08;
	tap_result(quic_packet_hdr_finish(&h, buf) == -EPROTO &&
		   h.reserved == 0x08 && h.pn_len == 2 && h.pn_trunc == 9,
		   "unit: header: long header reserved bits reported, fields filled");
	n = build(buf, sizeof(buf), QUIC_VERSION_1, QUIC_PACKET_1RTT, 1, 3,
		  30, 0);
	quic_packet_parse_header(buf, n, 8, &h);
	buf[0] |= 0x10;
	tap_result(quic_packet_hdr_finish(&h, buf) == -EPROTO &&
		   h.reserved == 0x10 && h.key_phase,
		   "unit: header: short header reserved bits reported");
}

static void test_short_header_bits(void)
{
	struct quic_packet_hdr h;
	u8 buf[64];

	memset(buf, 0, sizeof(buf));
	buf[0] = 0x20;		/* spin set, fixed bit clear */
	tap_result(quic_packet_parse_header(buf, sizeof(buf), 4, &h) == 0 &&
		   h.spin && !h.fixed_bit && h.type == QUIC_PACKET_1RTT &&
		   h.pn_offset == 5 && h.len == sizeof(buf),
		   "unit: header: short header spin and clear fixed bit reported");
	tap_result(quic_packet_parse_header(buf, sizeof(buf), 0, &h) == 0 &&
		   h.dcid_len == 0 && h.pn_offset == 1,
		   "unit: header: short header with zero-length dcid");
}

static void test_coalesced(void)
{
	struct quic_datagram_iter it;
	struct quic_packet_hdr h;
	const u8 *pkt;
	u8 buf[BIG];
	u32 a, b, c;
	bool ok;

	a = build(buf, sizeof(buf), QUIC_VERSION_1, QUIC_PACKET_INITIAL, 4,
		  0, 300, 0);
	b = build(buf + a, sizeof(buf) - a, QUIC_VERSION_1,
		  QUIC_PACKET_HANDSHAKE, 2, 1, 100, 4);
	c = build(buf + a + b, sizeof(buf) - a - b, QUIC_VERSION_1,
		  QUIC_PACKET_1RTT, 1, 2, 50, 0);

	quic_datagram_iter_init(&it, buf, a + b + c, 8);
	ok = quic_datagram_next_packet(&it, &h, &pkt) == 1 && pkt == buf &&
	     h.type == QUIC_PACKET_INITIAL && h.len == a;
	ok &= quic_datagram_next_packet(&it, &h, &pkt) == 1 &&
	      pkt == buf + a && h.type == QUIC_PACKET_HANDSHAKE && h.len == b;
	ok &= quic_datagram_next_packet(&it, &h, &pkt) == 1 &&
	      pkt == buf + a + b && h.type == QUIC_PACKET_1RTT && h.len == c;
	ok &= quic_datagram_next_packet(&it, &h, &pkt) == 0;
	tap_result(ok, "unit: header: coalesced Initial+Handshake+1-RTT split");

	/* A Handshake with another DCID in the middle is skipped. */
	buf[a + 6] ^= 0xff;
	quic_datagram_iter_init(&it, buf, a + b + c, 8);
	ok = quic_datagram_next_packet(&it, &h, &pkt) == 1 &&
	     h.type == QUIC_PACKET_INITIAL;
	ok &= quic_datagram_next_packet(&it, &h, &pkt) == 1 &&
	      h.type == QUIC_PACKET_1RTT && it.count == 2;
	ok &= quic_datagram_next_packet(&it, &h, &pkt) == 0;
	tap_result(ok, "unit: header: coalesced packet with other DCID skipped");
	buf[a + 6] ^= 0xff;

	/* Trailing bytes too short to be a packet end the walk with an error. */
	quic_datagram_iter_init(&it, buf, a + 10, 8);
	ok = quic_datagram_next_packet(&it, &h, &pkt) == 1;
	ok &= quic_datagram_next_packet(&it, &h, &pkt) == -EINVAL &&
	      pkt == buf + a;
	ok &= quic_datagram_next_packet(&it, &h, &pkt) == 0;
	tap_result(ok, "unit: header: coalesced trailing garbage reported then stop");

	quic_datagram_iter_init(&it, buf, 0, 8);
	tap_result(quic_datagram_next_packet(&it, &h, &pkt) == 0,
		   "unit: header: empty datagram yields no packet");
}

static void test_version_negotiation(void)
{
	static const u32 offer[] = { QUIC_VERSION_2, 0x0a0a0a0a };
	struct quic_packet_hdr in, vn;
	u8 buf[BIG], out[BIG];
	u32 len;
	int n;

	len = build(buf, sizeof(buf), QUIC_VERSION_1, QUIC_PACKET_INITIAL, 4,
		    0, 1200, 0);
	put_unaligned_be32(0x5a6a7a8a, buf + 1);
	tap_result(quic_packet_parse_header(buf, len, 0, &in) ==
		   -EPROTONOSUPPORT && in.dcid_len == 8 && in.scid_len == 5,
		   "unit: header: unsupported version reported for VN");

	n = quic_packet_build_vn(out, sizeof(out), &in, 0xff, NULL, 0);
	tap_result(n == 7 + 8 + 5 + 8 && (out[0] & 0xc0) == 0xc0 &&
		   get_unaligned_be32(out + 1) == 0,
		   "unit: header: VN built with version 0 and 0x40 bit set");
	tap_result(quic_packet_parse_header(out, n, 0, &vn) == 0 &&
		   vn.type == QUIC_PACKET_VERSION_NEG &&
		   vn.dcid_len == 5 && !memcmp(vn.dcid, cid_b, 5) &&
		   vn.scid_len == 8 && !memcmp(vn.scid, cid_a, 8),
		   "unit: header: VN round trip echoes swapped cids");
	tap_result(vn.versions_count == 2 &&
		   quic_packet_vn_has_version(&vn, QUIC_VERSION_1) &&
		   quic_packet_vn_has_version(&vn, QUIC_VERSION_2) &&
		   !quic_packet_vn_has_version(&vn, 0x5a6a7a8a),
		   "unit: header: VN default list is v1 and v2");
	tap_result(quic_packet_hdr_finish(&vn, out) == -EINVAL,
		   "unit: header: finish on VN rejected");

	n = quic_packet_build_vn(out, sizeof(out), &in, 0, offer, 2);
	quic_packet_parse_header(out, n, 0, &vn);
	tap_result(vn.versions_count == 2 &&
		   get_unaligned_be32(vn.versions + 4) == 0x0a0a0a0a,
		   "unit: header: VN with caller's version list");
	tap_result(quic_packet_build_vn(out, sizeof(out), &vn, 0, NULL, 0) ==
		   -EINVAL,
		   "unit: header: VN never built in reply to a VN");
	tap_result(quic_packet_build_vn(out, 7 + 8 + 5 + 7, &in, 0, NULL,
					0) == -ENOSPC &&
		   quic_packet_build_vn(out, sizeof(out), &in, 0, offer, 0) ==
		   -EINVAL,
		   "unit: header: VN short buffer and empty list refused");
	tap_result(parse_copy(out, n - 1, 0, &vn) == -EINVAL &&
		   parse_copy(out, 7 + 8 + 5, 0, &vn) == -EINVAL,
		   "unit: header: VN with partial or no version list rejected");
	tap_result(quic_version_supported(QUIC_VERSION_1) &&
		   quic_version_supported(QUIC_VERSION_2) &&
		   !quic_version_supported(0) &&
		   !quic_version_supported(0xff00001d),
		   "unit: header: supported versions are v1 and v2 only");
}

static void test_vn_long_cids(void)
{
	struct quic_packet_hdr in, vn;
	u8 buf[600], out[700];
	int n;

	memset(buf, 0x77, sizeof(buf));
	buf[0] = 0xc0;
	put_unaligned_be32(0xfaceb00c, buf + 1);
	buf[5] = 255;
	buf[5 + 1 + 255] = 255;
	quic_packet_parse_header(buf, sizeof(buf), 0, &in);
	n = quic_packet_build_vn(out, sizeof(out), &in, 0, NULL, 0);
	tap_result(n == 7 + 255 + 255 + 8 &&
		   quic_packet_parse_header(out, n, 0, &vn) == 0 &&
		   vn.dcid_len == 255 && vn.scid_len == 255,
		   "unit: header: VN echoes 255-byte cids of unknown version");
}

static void test_peek_dcid(void)
{
	const u8 *dcid;
	u8 buf[BIG], dlen;
	u32 len = rfc_initial(buf, rfc9001_initial_hdr);

	tap_result(quic_packet_peek_dcid(buf, len, 0, &dcid, &dlen) == 0 &&
		   dlen == 8 && dcid == buf + 6,
		   "unit: header: peek dcid of long header");
	buf[0] = 0x41;
	tap_result(quic_packet_peek_dcid(buf, 9, 8, &dcid, &dlen) == 0 &&
		   dlen == 8 && dcid == buf + 1 &&
		   quic_packet_peek_dcid(buf, 8, 8, &dcid, &dlen) == -EINVAL,
		   "unit: header: peek dcid of short header and truncation");
	buf[0] = 0xc0;
	tap_result(quic_packet_peek_dcid(buf, 13, 0, &dcid, &dlen) ==
		   -EINVAL &&
		   quic_packet_peek_dcid(buf, 5, 0, &dcid, &dlen) == -EINVAL &&
		   quic_packet_peek_dcid(buf, 0, 0, &dcid, &dlen) == -EINVAL,
		   "unit: header: peek dcid of truncated long header rejected");
}

int main(void)
{
	test_rfc9001_initial();
	test_rfc9001_protected();
	test_rfc9369_initial();
	test_rfc_retry();
	test_truncations();
	test_cid_limits();
	test_length_field();
	test_build_round_trips();
	test_build_details();
	test_reserved_bits();
	test_short_header_bits();
	test_coalesced();
	test_version_negotiation();
	test_vn_long_cids();
	test_peek_dcid();
	return tap_exit();
}
