// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the TLS messages the kernel reads itself (net/quic/
 * tlsmsg.c): a server's NewSessionTicket (RFC 8446 4.6.1) and its
 * early_data extension in QUIC (RFC 9001 4.6.1), and the reading of a
 * server's EncryptedExtensions for its verdict on 0-RTT (RFC 9001 4.6.2).
 * Messages are built here field by field; each test runs from an exactly
 * sized heap copy (each piece of one, for the EncryptedExtensions), so
 * ASan sees any read past the end.
 */
#include <stdlib.h>

#include "tap.h"
#include "../../../net/quic/tlsmsg.c"

#define SUITE	"tlsmsg"

/* Extension bytes: type, 16-bit length, body */
struct ext {
	u16 type;
	u16 len;
	const u8 *body;
};

static u32 put(u8 *p, u32 v, u32 size)
{
	u32 i;

	for (i = 0; i < size; i++)
		p[i] = v >> (8 * (size - 1 - i));
	return size;
}

/* The extensions @e at @p, each type, length, body: bytes written */
static u32 put_exts(u8 *p, const struct ext *e, u32 n)
{
	u32 pos = 0, i;

	for (i = 0; i < n; i++) {
		pos += put(p + pos, e[i].type, 2);
		pos += put(p + pos, e[i].len, 2);
		if (e[i].len)
			memcpy(p + pos, e[i].body, e[i].len);
		pos += e[i].len;
	}
	return pos;
}

/*
 * A NewSessionTicket with a @nonce_len-byte nonce, a @ticket_len-byte
 * ticket and the extensions @e; its header says @len_delta more bytes
 * than the body has.
 */
static u32 build(u8 *buf, u32 nonce_len, u32 ticket_len,
		 const struct ext *e, u32 n, int len_delta)
{
	u32 pos = 4, exts_at;

	pos += put(buf + pos, 7200, 4);		/* ticket_lifetime */
	pos += put(buf + pos, 0x12345678, 4);	/* ticket_age_add */
	buf[pos++] = nonce_len;
	memset(buf + pos, 0xaa, nonce_len);
	pos += nonce_len;
	pos += put(buf + pos, ticket_len, 2);
	memset(buf + pos, 0xbb, ticket_len);
	pos += ticket_len;
	exts_at = pos;
	pos += 2;
	pos += put_exts(buf + pos, e, n);
	put(buf + exts_at, pos - exts_at - 2, 2);
	buf[0] = QUIC_TLS_NEW_SESSION_TICKET;
	put(buf + 1, pos - 4 + len_delta, 3);
	return pos;
}

/* The check, on an exact heap copy of @len bytes of @msg */
static int check(const u8 *msg, u32 len)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, msg, len);
	ret = quic_tls_ticket_check(copy, len);
	free(copy);
	return ret;
}

static const u8 quic_size[] = { 0xff, 0xff, 0xff, 0xff };
static const u8 tls_size[] = { 0x00, 0x00, 0x40, 0x00 };
static const u8 three[] = { 0xff, 0xff, 0xff };
static const u8 five[] = { 0xff, 0xff, 0xff, 0xff, 0x00 };

static void test_valid(void)
{
	struct ext grease = { 0x0a0a, 0, NULL };
	struct ext other = { 0x1234, 3, three };
	struct ext early = { QUIC_TLS_EXT_EARLY_DATA, 4, quic_size };
	struct ext both[] = { other, early, grease };
	u8 buf[1024];
	u32 len;

	len = build(buf, 0, 1, NULL, 0, 0);
	tap_result(check(buf, len) == 0,
		   SUITE ": smallest ticket (no nonce, 1-byte ticket, no extension): kept");
	len = build(buf, 255, 300, NULL, 0, 0);
	tap_result(check(buf, len) == 0,
		   SUITE ": 255-byte nonce, 300-byte ticket: kept");
	len = build(buf, 32, 64, &early, 1, 0);
	tap_result(check(buf, len) == 0,
		   SUITE ": early_data with max_early_data_size 0xffffffff: kept");
	len = build(buf, 8, 100, both, 3, 0);
	tap_result(check(buf, len) == 0,
		   SUITE ": early_data among other extensions, empty or not: kept");
}

static void test_early_size(void)
{
	struct ext early = { QUIC_TLS_EXT_EARLY_DATA, 4, tls_size };
	struct ext zero = { QUIC_TLS_EXT_EARLY_DATA, 4, (const u8 *)"\0\0\0\0" };
	struct ext other = { 0x1234, 3, three };
	struct ext after[] = { other, early };
	struct ext good = { QUIC_TLS_EXT_EARLY_DATA, 4, quic_size };
	struct ext twice[] = { good, early };
	u8 buf[1024];
	u32 len;

	len = build(buf, 8, 64, &early, 1, 0);
	tap_result(check(buf, len) == -EPROTO,
		   SUITE ": max_early_data_size 16384 (TLS's meaning): PROTOCOL_VIOLATION");
	len = build(buf, 8, 64, &zero, 1, 0);
	tap_result(check(buf, len) == -EPROTO,
		   SUITE ": max_early_data_size 0: PROTOCOL_VIOLATION");
	len = build(buf, 8, 64, after, 2, 0);
	tap_result(check(buf, len) == -EPROTO,
		   SUITE ": a wrong size after another extension: PROTOCOL_VIOLATION");
	len = build(buf, 8, 64, twice, 2, 0);
	tap_result(check(buf, len) == -EPROTO,
		   SUITE ": a right early_data, then a wrong one: PROTOCOL_VIOLATION");
}

static void test_malformed(void)
{
	struct ext short_early = { QUIC_TLS_EXT_EARLY_DATA, 3, three };
	struct ext long_early = { QUIC_TLS_EXT_EARLY_DATA, 5, five };
	struct ext early = { QUIC_TLS_EXT_EARLY_DATA, 4, quic_size };
	u8 buf[1024];
	u32 len, cut;
	bool all;

	len = build(buf, 8, 0, NULL, 0, 0);
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": an empty ticket: decode_error");
	len = build(buf, 8, 64, &short_early, 1, 0);
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": a 3-byte early_data: decode_error");
	len = build(buf, 8, 64, &long_early, 1, 0);
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": a 5-byte early_data: decode_error");
	len = build(buf, 8, 64, &early, 1, 1);
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": a header one byte longer than the body: decode_error");
	len = build(buf, 8, 64, &early, 1, -1);
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": a header one byte shorter than the body: decode_error");
	/* A byte after the extensions, counted by the message header */
	len = build(buf, 8, 64, &early, 1, 0);
	buf[len] = 0;
	put(buf + 1, len + 1 - 4, 3);
	tap_result(check(buf, len + 1) == -EBADMSG,
		   SUITE ": a byte after the extensions: decode_error");
	/* The extensions' length one more than there is */
	len = build(buf, 8, 64, &early, 1, 0);
	buf[4 + 8 + 1 + 8 + 2 + 64 + 1]++;
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": extensions longer than the message: decode_error");
	/* The ticket's length past the end */
	len = build(buf, 8, 64, NULL, 0, 0);
	buf[4 + 8 + 1 + 8] = 0xff;
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": a ticket longer than the message: decode_error");
	len = build(buf, 8, 64, &early, 1, 0);
	buf[0] = QUIC_TLS_KEY_UPDATE;
	tap_result(check(buf, len) == -EBADMSG,
		   SUITE ": another message type: decode_error");
	/* Every prefix of a valid message, its header rewritten to match */
	len = build(buf, 8, 64, &early, 1, 0);
	all = true;
	for (cut = 0; cut < len; cut++) {
		u8 t[1024];

		memcpy(t, buf, cut);
		if (cut >= 4)
			put(t + 1, cut - 4, 3);
		if (check(t, cut) != -EBADMSG) {
			tap_diag("prefix of %u bytes accepted", cut);
			all = false;
		}
	}
	tap_result(all, SUITE ": every truncation of a ticket: decode_error");
}

/* EncryptedExtensions with the extensions @e; @len_delta as in build() */
static u32 build_ee(u8 *buf, const struct ext *e, u32 n, int len_delta)
{
	u32 pos = 6 + put_exts(buf + 6, e, n);

	put(buf + 4, pos - 6, 2);
	buf[0] = QUIC_TLS_ENCRYPTED_EXTENSIONS;
	put(buf + 1, pos - 4 + len_delta, 3);
	return pos;
}

/*
 * Scan @len bytes of @msg in pieces of @piece bytes, each an exact heap
 * copy, then @extra bytes of what follows it (the server's Certificate):
 * the verdict, and in *@taken how many bytes the scan took in all.
 */
static int scan_pieces(const u8 *msg, u32 len, u32 piece, u32 *taken)
{
	struct quic_tls_ee_scan sc = {};
	u32 at = 0, n, used;
	int ret = QUIC_TLS_EE_MORE;
	u8 *copy;

	*taken = 0;
	while (at < len && ret == QUIC_TLS_EE_MORE) {
		n = len - at < piece ? len - at : piece;
		copy = malloc(n);
		memcpy(copy, msg + at, n);
		ret = quic_tls_ee_scan(&sc, copy, n, &used);
		free(copy);
		if (used > n || (ret == QUIC_TLS_EE_MORE && used != n))
			return -1000;	/* a broken count: never a verdict */
		*taken += used;
		at += n;
	}
	return ret;
}

static const u8 alpn_h3[] = { 0x00, 0x03, 0x02, 'h', '3' };
static const u8 tp[40] = { 0x01, 0x04, 0x80, 0x00, 0x75, 0x30 };

static void test_ee_verdict(void)
{
	struct ext early = { QUIC_TLS_EXT_EARLY_DATA, 0, NULL };
	struct ext alpn = { 16, sizeof(alpn_h3), alpn_h3 };
	struct ext params = { 0x39, sizeof(tp), tp };
	struct ext grease = { 0x1a1a, 0, NULL };
	struct ext accepted[] = { alpn, params, early, grease };
	struct ext refused[] = { alpn, grease, params };
	u8 buf[1024];
	u32 len, piece, taken;
	bool all = true;
	int ret;

	len = build_ee(buf, accepted, 4, 0);
	/* What follows in the same CRYPTO data is not taken */
	memset(buf + len, 0x0b, 16);
	for (piece = 1; piece <= len + 16; piece++) {
		ret = scan_pieces(buf, len + 16, piece, &taken);
		if (ret != QUIC_TLS_EE_EARLY || taken != len) {
			tap_diag("pieces of %u: %d after %u bytes", piece, ret,
				 taken);
			all = false;
		}
	}
	tap_result(all, SUITE ": EncryptedExtensions with early_data, in pieces of any size: accepted, the message's bytes taken");
	len = build_ee(buf, refused, 3, 0);
	all = true;
	for (piece = 1; piece <= len; piece++) {
		ret = scan_pieces(buf, len, piece, &taken);
		if (ret != QUIC_TLS_EE_NO_EARLY || taken != len)
			all = false;
	}
	tap_result(all, SUITE ": EncryptedExtensions without early_data, in pieces of any size: refused");
	len = build_ee(buf, NULL, 0, 0);
	tap_result(scan_pieces(buf, len, len, &taken) == QUIC_TLS_EE_NO_EARLY &&
		   taken == 6,
		   SUITE ": EncryptedExtensions with no extension: refused");
	len = build_ee(buf, &early, 1, 0);
	tap_result(scan_pieces(buf, len, 3, &taken) == QUIC_TLS_EE_EARLY,
		   SUITE ": early_data as the only extension: accepted");
}

static void test_ee_bad(void)
{
	struct ext early = { QUIC_TLS_EXT_EARLY_DATA, 0, NULL };
	struct ext early_body = { QUIC_TLS_EXT_EARLY_DATA, 3, alpn_h3 };
	struct ext alpn = { 16, sizeof(alpn_h3), alpn_h3 };
	struct ext twice[] = { early, alpn, early };
	struct ext one[] = { alpn, early };
	u8 buf[1024], t[1024];
	u32 len, cut, taken;
	bool all = true;

	len = build_ee(buf, one, 2, 0);
	buf[0] = 11;	/* Certificate */
	tap_result(scan_pieces(buf, len, 1, &taken) == -EPROTO && taken == 4,
		   SUITE ": another message first: unexpected_message, once its header is in");
	len = build_ee(buf, &early_body, 1, 0);
	tap_result(scan_pieces(buf, len, 7, &taken) == -EBADMSG,
		   SUITE ": early_data with a body: decode_error");
	len = build_ee(buf, twice, 3, 0);
	tap_result(scan_pieces(buf, len, 5, &taken) == -EEXIST,
		   SUITE ": early_data twice: illegal_parameter");
	len = build_ee(buf, one, 2, 1);
	tap_result(scan_pieces(buf, len + 1, 4, &taken) == -EBADMSG,
		   SUITE ": a header one byte longer than the extensions: decode_error");
	len = build_ee(buf, one, 2, -1);
	tap_result(scan_pieces(buf, len, 4, &taken) == -EBADMSG,
		   SUITE ": a header one byte shorter than the extensions: decode_error");
	len = build_ee(buf, one, 2, 0);
	buf[4 + 2 + 3]++;	/* the ALPN extension one byte too long */
	tap_result(scan_pieces(buf, len, 2, &taken) == -EBADMSG,
		   SUITE ": an extension past the block's end: decode_error");
	len = build_ee(buf, NULL, 0, 0);
	put(buf + 1, 1, 3);	/* a body too short for its own length */
	tap_result(scan_pieces(buf, 5, 1, &taken) == -EBADMSG,
		   SUITE ": a 1-byte body: decode_error");
	/* Every truncation, header rewritten, is bad or still waiting */
	len = build_ee(buf, one, 2, 0);
	for (cut = 0; cut < len; cut++) {
		int ret;

		memcpy(t, buf, cut);
		if (cut >= 4)
			put(t + 1, cut - 4, 3);
		ret = scan_pieces(t, cut, 1, &taken);
		if (ret == QUIC_TLS_EE_EARLY ||
		    (ret == QUIC_TLS_EE_NO_EARLY && cut != 6)) {
			tap_diag("truncation to %u bytes: %d", cut, ret);
			all = false;
		}
	}
	tap_result(all, SUITE ": no truncation of EncryptedExtensions gives a verdict but the empty block");
}

int main(void)
{
	test_valid();
	test_early_size();
	test_malformed();
	test_ee_verdict();
	test_ee_bad();
	return tap_exit();
}
