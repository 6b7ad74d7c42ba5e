// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the receive side codecs that see raw datagrams:
 * coalesced packet splitting, header parsing before and after header
 * protection removal, DCID peeking, and transport parameter decoding.
 *
 * Input layout: byte 0 picks the short header DCID length (low 5 bits,
 * mod 21), the "unmask" value applied as fake header protection removal,
 * and the transport parameter role (bit 7); the rest is the datagram, and
 * also the transport parameter list.
 *
 * Beyond memory safety (ASan/UBSan) it checks the invariants callers rely
 * on and traps if one breaks: packets tile the datagram, offsets stay in
 * the packet, rebuilding a parsed header gives back the same layout, and
 * transport parameters survive decode -> encode -> decode unchanged.
 */
#include <stdlib.h>
#include "../../../net/quic/pnum.c"
#include "../../../net/quic/header.c"
#include "../../../net/quic/tparam.c"

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

static void check_layout(const struct quic_packet_hdr *h, u32 left)
{
	CHECK(h->len && h->len <= left);
	if (!h->pn_offset)
		return;
	/* Room for the header protection sample was promised. */
	CHECK((u64)h->pn_offset + QUIC_HDR_SAMPLE_OFFSET + QUIC_HDR_SAMPLE_LEN
	      <= h->len);
	CHECK(h->pn_offset + h->length == h->len);
	CHECK(h->dcid_len <= QUIC_CID_MAX_LEN);
}

/* Rebuild a parsed long header and check the builder agrees with it. */
static void check_rebuild(const struct quic_packet_hdr *h)
{
	struct quic_packet_desc d = {
		.dcid = h->dcid, .dcid_len = h->dcid_len,
		.scid = h->scid, .scid_len = h->scid_len,
		.token = h->token, .token_len = h->token_len,
		.version = h->version, .type = h->type, .pn_len = h->pn_len,
	};
	struct quic_packet_layout l;
	struct quic_packet_hdr h2;
	static u8 out[70000];
	u32 len;
	int n;

	if (!h->long_header || h->type == QUIC_PACKET_RETRY ||
	    h->type == QUIC_PACKET_VERSION_NEG)
		return;
	d.length_len = h->length < 16384 ? 2 : 4;
	n = quic_packet_build_long_header(out, sizeof(out), &d, &l);
	if (n < 0) {
		/* Only oversized tokens are refused by the builder. */
		CHECK(h->token_len > QUIC_TOKEN_MAX_LEN);
		return;
	}
	len = l.pn_offset + h->length;
	if (len > sizeof(out))
		return;
	memset(out + n, 0, len - n);
	CHECK(!quic_packet_set_length(out, &l, len));
	CHECK(!quic_packet_parse_header(out, len, 0, &h2));
	CHECK(h2.type == h->type && h2.length == h->length &&
	      h2.dcid_len == h->dcid_len && h2.token_len == h->token_len);
	CHECK(!quic_packet_hdr_finish(&h2, out) && h2.pn_len == h->pn_len);
}

static void fuzz_finish(const u8 *pkt, struct quic_packet_hdr *h, u8 unmask)
{
	u8 *copy;
	int rc;

	if (!h->pn_offset) {
		CHECK(quic_packet_hdr_finish(h, pkt) == -EINVAL);
		return;
	}
	/* Mutable exact-size copy, as a caller removing protection has. */
	copy = malloc(h->len);
	memcpy(copy, pkt, h->len);
	copy[0] ^= unmask & (h->long_header ? QUIC_HDR_LONG_HP_MASK :
					       QUIC_HDR_SHORT_HP_MASK);
	rc = quic_packet_hdr_finish(h, copy);
	CHECK(rc == 0 || rc == -EPROTO);
	CHECK(h->pn_len >= 1 && h->pn_len <= 4);
	CHECK(h->payload_offset <= h->len);
	CHECK((rc == -EPROTO) == !!h->reserved);
	check_rebuild(h);
	free(copy);
}

static void fuzz_vn(const struct quic_packet_hdr *h)
{
	struct quic_packet_hdr vn;
	u8 out[1024];
	int n;

	n = quic_packet_build_vn(out, sizeof(out), h, 0x5a, NULL, 0);
	CHECK(n > 0);
	CHECK(!quic_packet_parse_header(out, n, 0, &vn));
	CHECK(vn.type == QUIC_PACKET_VERSION_NEG &&
	      vn.dcid_len == h->scid_len && vn.scid_len == h->dcid_len &&
	      quic_packet_vn_has_version(&vn, QUIC_VERSION_1));
}

static void fuzz_datagram(const u8 *buf, u32 len, u8 dcid_len, u8 unmask)
{
	struct quic_datagram_iter it;
	struct quic_packet_hdr h;
	const u8 *pkt, *dcid;
	u32 left = len;
	u8 peek_len;
	int rc;

	if (!quic_packet_peek_dcid(buf, len, dcid_len, &dcid, &peek_len))
		CHECK(dcid > buf && dcid + peek_len <= buf + len);

	quic_datagram_iter_init(&it, buf, len, dcid_len);
	while ((rc = quic_datagram_next_packet(&it, &h, &pkt)) != 0) {
		CHECK(pkt >= buf && pkt < buf + len);
		left = len - (pkt - buf);
		if (rc == -EPROTONOSUPPORT) {
			fuzz_vn(&h);
			break;
		}
		if (rc < 0)
			break;
		CHECK(rc == 1);
		check_layout(&h, left);
		fuzz_finish(pkt, &h, unmask);
	}
	CHECK(!it.left);
}

static void fuzz_tparams(const u8 *buf, u32 len, bool server)
{
	struct quic_tparams p1, p2;
	static u8 out[1024];
	u64 err;
	int n;

	if (quic_tparams_decode(buf, len, server, &p1, &err)) {
		CHECK(err == QUIC_TP_ERR_TRANSPORT_PARAMETER);
		return;
	}
	CHECK(!err);
	n = quic_tparams_encode(out, sizeof(out), &p1, server);
	CHECK(n >= 0);
	CHECK(!quic_tparams_decode(out, n, server, &p2, &err));
	CHECK(!memcmp(&p1, &p2, sizeof(p1)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 ctl, *buf;
	u32 len;

	if (size < 1 || size > 65536)
		return 0;
	ctl = data[0];
	len = size - 1;
	/* Exact-size heap copy: any overread is an ASan report. */
	buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);
	fuzz_datagram(buf, len, (ctl & 0x1f) % (QUIC_CID_MAX_LEN + 1),
		      ctl >> 3);
	fuzz_tparams(buf, len, ctl & 0x80);
	free(buf);
	return 0;
}
