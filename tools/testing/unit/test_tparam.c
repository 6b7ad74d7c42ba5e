// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of transport parameter encoding, decoding and validation
 * (net/quic/tparam.c). Decoding always reads from an exactly sized heap
 * copy so AddressSanitizer catches any read past the given length.
 */
#include "tap.h"
#include "../../../net/quic/pnum.c"
#include "../../../net/quic/header.c"
#include "../../../net/quic/tparam.c"

#define TP_ERR	QUIC_TP_ERR_TRANSPORT_PARAMETER

static int dec(const u8 *buf, u32 len, bool from_server,
	       struct quic_tparams *p, u64 *err)
{
	u8 *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, buf, len);
	*err = 0xdead;
	rc = quic_tparams_decode(copy, len, from_server, p, err);
	free(copy);
	return rc;
}

static u32 tlv(u8 *p, u64 id, const void *v, u32 len)
{
	u8 *q = quic_varint_put(p, id);

	q = quic_varint_put(q, len);
	if (len)
		memcpy(q, v, len);
	return q + len - p;
}

static u32 tlv_int(u8 *p, u64 id, u64 v)
{
	u8 tmp[8];

	return tlv(p, id, tmp, quic_varint_put(tmp, v) - tmp);
}

/* Decode one integer parameter from a client: 1 accepted, 0 rejected. */
static int int_ok(u64 id, u64 v)
{
	struct quic_tparams p;
	u8 buf[32];
	u64 err;
	int rc;

	rc = dec(buf, tlv_int(buf, id, v), false, &p, &err);
	if (rc)
		return rc == -ERANGE && err == TP_ERR ? 0 : -1;
	return err ? -1 : 1;
}

/* Decode @len raw bytes; true if rejected with TRANSPORT_PARAMETER_ERROR. */
static bool rejected(const u8 *buf, u32 len, bool from_server)
{
	struct quic_tparams p;
	u64 err;

	return dec(buf, len, from_server, &p, &err) < 0 && err == TP_ERR;
}

static void fill_cid(struct quic_tparam_cid *c, u8 len, u8 seed)
{
	u8 i;

	c->len = len;
	for (i = 0; i < len; i++)
		c->data[i] = seed + i;
}

static void fill_all(struct quic_tparams *p)
{
	struct quic_tparam_pref_addr *a = &p->preferred_address;

	quic_tparams_init_default(p);
	p->max_idle_timeout = 30000;
	p->max_udp_payload_size = 1472;
	p->initial_max_data = QUIC_VARINT_MAX;
	p->initial_max_stream_data_bidi_local = 1 << 20;
	p->initial_max_stream_data_bidi_remote = 1 << 21;
	p->initial_max_stream_data_uni = 1 << 22;
	p->initial_max_streams_bidi = QUIC_TP_MAX_STREAMS;
	p->initial_max_streams_uni = 3;
	p->ack_delay_exponent = 20;
	p->max_ack_delay = QUIC_TP_MAX_MAX_ACK_DELAY;
	p->active_connection_id_limit = 8;
	p->max_datagram_frame_size = 1200;
	fill_cid(&p->original_dcid, 8, 0x10);
	fill_cid(&p->initial_scid, 20, 0x20);
	fill_cid(&p->retry_scid, 4, 0x30);
	p->has_original_dcid = true;
	p->has_initial_scid = true;
	p->has_retry_scid = true;
	memset(p->stateless_reset_token, 0xab, QUIC_TP_RESET_TOKEN_LEN);
	p->has_stateless_reset_token = true;
	memcpy(a->ipv4_addr, "\xc0\x00\x02\x01", 4);
	a->ipv4_port = 4433;
	memset(a->ipv6_addr, 0x20, 16);
	a->ipv6_port = 8443;
	fill_cid(&a->cid, 12, 0x40);
	memset(a->reset_token, 0xcd, QUIC_TP_RESET_TOKEN_LEN);
	p->has_preferred_address = true;
	p->chosen_version = QUIC_VERSION_2;
	p->available_versions[0] = QUIC_VERSION_2;
	p->available_versions[1] = QUIC_VERSION_1;
	p->available_versions_count = 2;
	p->has_version_info = true;
	p->disable_active_migration = true;
	p->grease_quic_bit = true;
	p->disable_1rtt_encryption = true;
}

/* Clear what a client never sends, as the decoder would never set it. */
static void strip_server_only(struct quic_tparams *p)
{
	memset(&p->original_dcid, 0, sizeof(p->original_dcid));
	memset(&p->retry_scid, 0, sizeof(p->retry_scid));
	memset(&p->preferred_address, 0, sizeof(p->preferred_address));
	memset(p->stateless_reset_token, 0, QUIC_TP_RESET_TOKEN_LEN);
	p->has_original_dcid = false;
	p->has_retry_scid = false;
	p->has_preferred_address = false;
	p->has_stateless_reset_token = false;
}

static void test_defaults(void)
{
	struct quic_tparams p;
	u8 buf[16];
	u64 err;

	quic_tparams_init_default(&p);
	tap_result(p.max_udp_payload_size == 65527 &&
		   p.ack_delay_exponent == 3 && p.max_ack_delay == 25 &&
		   p.active_connection_id_limit == 2 && !p.max_idle_timeout &&
		   !p.initial_max_data && !p.max_datagram_frame_size &&
		   !p.has_initial_scid && !p.grease_quic_bit,
		   "unit: tparam: RFC defaults set by init_default");
	tap_result(quic_tparams_encode(buf, sizeof(buf), &p, true) == 0,
		   "unit: tparam: all-default parameters encode to nothing");
	memset(&p, 0x55, sizeof(p));
	tap_result(dec(buf, 0, true, &p, &err) == 0 && err == 0 &&
		   p.max_ack_delay == 25 && !p.has_version_info,
		   "unit: tparam: empty list decodes to defaults");
}

static void test_round_trip(bool server)
{
	struct quic_tparams in, out;
	u8 buf[512];
	u64 err;
	int n;

	fill_all(&in);
	n = quic_tparams_encode(buf, sizeof(buf), &in, server);
	tap_result(n > 0 && dec(buf, n, server, &out, &err) == 0 && !err,
		   "unit: tparam: %s parameters encode and decode",
		   server ? "server" : "client");
	if (!server)
		strip_server_only(&in);
	tap_result(!memcmp(&in, &out, sizeof(in)),
		   "unit: tparam: %s round trip preserves every parameter",
		   server ? "server" : "client");
	tap_result(out.disable_1rtt_encryption && out.grease_quic_bit &&
		   out.disable_active_migration,
		   "unit: tparam: %s presence flags (disable_1rtt_encryption, grease_quic_bit) round trip",
		   server ? "server" : "client");
	tap_result(quic_tparams_encode(buf, n - 1, &in, server) == -ENOSPC &&
		   quic_tparams_encode(buf, 0, &in, server) == -ENOSPC,
		   "unit: tparam: %s encode into short buffer is -ENOSPC",
		   server ? "server" : "client");
}

static void test_flags_alone(void)
{
	struct quic_tparams in, out;
	u8 buf[64];
	u64 err;
	int n;

	quic_tparams_init_default(&in);
	in.disable_1rtt_encryption = true;
	n = quic_tparams_encode(buf, sizeof(buf), &in, false);
	tap_result(n == 5 && buf[0] == 0x80 && buf[2] == 0xba &&
		   buf[3] == 0xad && buf[4] == 0 &&
		   dec(buf, n, true, &out, &err) == 0 &&
		   out.disable_1rtt_encryption && !out.grease_quic_bit,
		   "unit: tparam: disable_1rtt_encryption alone is id 0xbaad, empty");
	in.disable_1rtt_encryption = false;
	in.grease_quic_bit = true;
	n = quic_tparams_encode(buf, sizeof(buf), &in, false);
	tap_result(n == 3 && dec(buf, n, true, &out, &err) == 0 &&
		   out.grease_quic_bit && !out.disable_1rtt_encryption,
		   "unit: tparam: grease_quic_bit alone round trips");
}

static void test_int_ranges(void)
{
	/* int_ok(): 1 accepted, 0 rejected with -ERANGE and 0x08. */
	tap_result(!int_ok(QUIC_TP_MAX_UDP_PAYLOAD_SIZE, 1199) &&
		   int_ok(QUIC_TP_MAX_UDP_PAYLOAD_SIZE, 1200) == 1,
		   "unit: tparam: max_udp_payload_size below 1200 rejected");
	tap_result(!int_ok(QUIC_TP_ACK_DELAY_EXPONENT, 21) &&
		   int_ok(QUIC_TP_ACK_DELAY_EXPONENT, 20) == 1,
		   "unit: tparam: ack_delay_exponent above 20 rejected");
	tap_result(!int_ok(QUIC_TP_MAX_ACK_DELAY, 1 << 14) &&
		   int_ok(QUIC_TP_MAX_ACK_DELAY, (1 << 14) - 1) == 1,
		   "unit: tparam: max_ack_delay 2^14 rejected");
	tap_result(!int_ok(QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT, 1) &&
		   !int_ok(QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT, 0) &&
		   int_ok(QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT, 2) == 1,
		   "unit: tparam: active_connection_id_limit below 2 rejected");
	tap_result(!int_ok(QUIC_TP_INITIAL_MAX_STREAMS_BIDI,
			   (1ULL << 60) + 1) &&
		   int_ok(QUIC_TP_INITIAL_MAX_STREAMS_BIDI, 1ULL << 60) == 1,
		   "unit: tparam: initial_max_streams_bidi above 2^60 rejected");
	tap_result(!int_ok(QUIC_TP_INITIAL_MAX_STREAMS_UNI,
			   (1ULL << 60) + 1) &&
		   int_ok(QUIC_TP_INITIAL_MAX_STREAMS_UNI, 1ULL << 60) == 1,
		   "unit: tparam: initial_max_streams_uni above 2^60 rejected");
	tap_result(int_ok(QUIC_TP_MAX_IDLE_TIMEOUT, QUIC_VARINT_MAX) == 1 &&
		   int_ok(QUIC_TP_MAX_DATAGRAM_FRAME_SIZE, 0) == 1 &&
		   int_ok(QUIC_TP_INITIAL_MAX_DATA, 0) == 1,
		   "unit: tparam: unconstrained integers accept full range");
}

static void test_bad_lengths(void)
{
	struct quic_tparams p;
	u8 buf[64], v[32];
	u64 err;

	memset(v, 0, sizeof(v));
	/* "1" as a 1-byte varint inside a 2-byte parameter. */
	tap_result(rejected(buf, tlv(buf, QUIC_TP_MAX_IDLE_TIMEOUT, "\x01\x00",
				     2), false),
		   "unit: tparam: integer shorter than its parameter rejected");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_MAX_IDLE_TIMEOUT, "\x40", 1),
			    false),
		   "unit: tparam: integer longer than its parameter rejected");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_INITIAL_MAX_DATA, NULL, 0),
			    false),
		   "unit: tparam: zero-length integer rejected");
	tap_result(dec(buf, tlv(buf, QUIC_TP_MAX_IDLE_TIMEOUT, "\x40\x05", 2),
		       false, &p, &err) == 0 && p.max_idle_timeout == 5,
		   "unit: tparam: non-minimal integer encoding accepted");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_DISABLE_ACTIVE_MIGRATION, v,
				     1), false) &&
		   rejected(buf, tlv(buf, QUIC_TP_GREASE_QUIC_BIT, v, 1),
			    false) &&
		   rejected(buf, tlv(buf, QUIC_TP_DISABLE_1RTT_ENCRYPTION, v,
				     2), false),
		   "unit: tparam: zero-length parameters with a value rejected");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_STATELESS_RESET_TOKEN, v,
				     15), true) &&
		   rejected(buf, tlv(buf, QUIC_TP_STATELESS_RESET_TOKEN, v,
				     17), true) &&
		   !rejected(buf, tlv(buf, QUIC_TP_STATELESS_RESET_TOKEN, v,
				      16), true),
		   "unit: tparam: stateless_reset_token not 16 bytes rejected");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_INITIAL_SCID, v, 21),
			    false) &&
		   rejected(buf, tlv(buf, QUIC_TP_ORIGINAL_DCID, v, 21),
			    true) &&
		   rejected(buf, tlv(buf, QUIC_TP_RETRY_SCID, v, 21), true),
		   "unit: tparam: connection ID parameter over 20 bytes rejected");
}

static void test_truncated(void)
{
	u8 buf[64];
	u32 n;

	n = tlv_int(buf, QUIC_TP_INITIAL_MAX_DATA, 100000);
	tap_result(rejected(buf, n - 1, false),
		   "unit: tparam: value past end of list rejected");
	tap_result(rejected((const u8 *)"\x80\x00\xba", 3, false),
		   "unit: tparam: truncated id varint rejected");
	tap_result(rejected((const u8 *)"\x04\x40", 2, false),
		   "unit: tparam: truncated length varint rejected");
	tap_result(rejected((const u8 *)"\x04", 1, false),
		   "unit: tparam: id without length rejected");
}

static u32 pref_addr(u8 *buf, u8 cid_len, int extra)
{
	u8 v[128];
	u32 n = 25 + cid_len + 16;

	memset(v, 0x11, sizeof(v));
	v[24] = cid_len;
	return tlv(buf, QUIC_TP_PREFERRED_ADDRESS, v, n + extra);
}

static void test_preferred_address(void)
{
	struct quic_tparams p;
	u8 buf[256], v[32];
	u64 err;
	u32 n;

	tap_result(dec(buf, pref_addr(buf, 8, 0), true, &p, &err) == 0 &&
		   p.has_preferred_address && p.preferred_address.cid.len == 8 &&
		   p.preferred_address.ipv4_port == 0x1111,
		   "unit: tparam: well-formed preferred_address accepted");
	tap_result(rejected(buf, pref_addr(buf, 0, 0), true),
		   "unit: tparam: preferred_address with zero-length cid rejected");
	tap_result(rejected(buf, pref_addr(buf, 21, 0), true),
		   "unit: tparam: preferred_address with 21-byte cid rejected");
	tap_result(rejected(buf, pref_addr(buf, 8, 1), true) &&
		   rejected(buf, pref_addr(buf, 8, -1), true),
		   "unit: tparam: preferred_address length mismatch rejected");
	memset(v, 0, sizeof(v));
	tap_result(rejected(buf, tlv(buf, QUIC_TP_PREFERRED_ADDRESS, v, 24),
			    true),
		   "unit: tparam: preferred_address shorter than fixed part rejected");
	n = pref_addr(buf, 8, 0);
	n += tlv(buf + n, QUIC_TP_INITIAL_SCID, NULL, 0);
	tap_result(rejected(buf, n, true),
		   "unit: tparam: preferred_address with zero-length server cid rejected");
}

static void test_version_info(void)
{
	struct quic_tparams p;
	u8 buf[256], v[96];
	u64 err;
	u32 i;

	memset(v, 0, sizeof(v));
	tap_result(rejected(buf, tlv(buf, QUIC_TP_VERSION_INFORMATION,
				     "\x00\x00\x01", 3), false) &&
		   rejected(buf, tlv(buf, QUIC_TP_VERSION_INFORMATION,
				     "\x00\x00\x00\x01\x00\x00", 6), false) &&
		   rejected(buf, tlv(buf, QUIC_TP_VERSION_INFORMATION, NULL, 0),
			    false),
		   "unit: tparam: version_information not a multiple of 4 rejected");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_VERSION_INFORMATION, v, 4),
			    false),
		   "unit: tparam: version_information chosen version 0 rejected");
	put_unaligned_be32(QUIC_VERSION_1, v);
	tap_result(rejected(buf, tlv(buf, QUIC_TP_VERSION_INFORMATION, v, 8),
			    false),
		   "unit: tparam: version_information available version 0 rejected");
	for (i = 1; i <= 20; i++)
		put_unaligned_be32(0x0a0a0a0a + i, v + 4 * i);
	tap_result(dec(buf, tlv(buf, QUIC_TP_VERSION_INFORMATION, v, 84),
		       false, &p, &err) == 0 &&
		   p.chosen_version == QUIC_VERSION_1 &&
		   p.available_versions_count == QUIC_TP_MAX_VERSIONS &&
		   p.available_versions[15] == 0x0a0a0a0a + 16,
		   "unit: tparam: version_information keeps first 16 of 20 versions");
}

static void test_duplicates_and_roles(void)
{
	u8 buf[128], tok[16] = { 0 };
	u32 n;

	n = tlv_int(buf, QUIC_TP_INITIAL_MAX_DATA, 10);
	n += tlv_int(buf + n, QUIC_TP_INITIAL_MAX_DATA, 10);
	tap_result(rejected(buf, n, false),
		   "unit: tparam: duplicate integer parameter rejected");
	n = tlv(buf, QUIC_TP_GREASE_QUIC_BIT, NULL, 0);
	n += tlv_int(buf + n, QUIC_TP_MAX_ACK_DELAY, 10);
	n += tlv(buf + n, QUIC_TP_GREASE_QUIC_BIT, NULL, 0);
	tap_result(rejected(buf, n, false),
		   "unit: tparam: duplicate flag parameter rejected");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_STATELESS_RESET_TOKEN, tok,
				     16), false),
		   "unit: tparam: client sending stateless_reset_token rejected");
	tap_result(rejected(buf, tlv(buf, QUIC_TP_ORIGINAL_DCID, tok, 8),
			    false) &&
		   rejected(buf, tlv(buf, QUIC_TP_RETRY_SCID, tok, 8), false) &&
		   rejected(buf, pref_addr(buf, 8, 0), false),
		   "unit: tparam: client sending other server-only parameters rejected");
}

static void test_unknown_skipped(void)
{
	struct quic_tparams p;
	u8 buf[256], junk[40];
	u64 err;
	u32 n = 0;

	memset(junk, 0xff, sizeof(junk));
	n += tlv(buf + n, 27, junk, 5);			/* 31 * 0 + 27 */
	n += tlv_int(buf + n, QUIC_TP_INITIAL_MAX_DATA, 777);
	n += tlv(buf + n, 31 * 5 + 27, NULL, 0);
	n += tlv(buf + n, 31ULL * 123456789012ULL + 27, junk, 40);
	n += tlv(buf + n, 0x4000, junk, 3);		/* unassigned */
	n += tlv(buf + n, 27, junk, 1);			/* repeats are fine */
	n += tlv(buf + n, QUIC_TP_INITIAL_SCID, junk, 4);
	tap_result(dec(buf, n, false, &p, &err) == 0 && !err &&
		   p.initial_max_data == 777 && p.has_initial_scid &&
		   p.initial_scid.len == 4,
		   "unit: tparam: greased and unknown parameters skipped");
}

static void test_encode_refuses_invalid(void)
{
	struct quic_tparams p;
	u8 buf[512];

	fill_all(&p);
	p.ack_delay_exponent = 21;
	tap_result(quic_tparams_encode(buf, sizeof(buf), &p, true) == -EINVAL,
		   "unit: tparam: encode refuses out-of-range integer");
	fill_all(&p);
	p.preferred_address.cid.len = 0;
	tap_result(quic_tparams_encode(buf, sizeof(buf), &p, true) == -EINVAL &&
		   quic_tparams_encode(buf, sizeof(buf), &p, false) > 0,
		   "unit: tparam: encode refuses zero-length preferred_address cid");
	fill_all(&p);
	p.initial_scid.len = 21;
	tap_result(quic_tparams_encode(buf, sizeof(buf), &p, false) == -EINVAL,
		   "unit: tparam: encode refuses 21-byte cid");
	fill_all(&p);
	p.available_versions[1] = 0;
	tap_result(quic_tparams_encode(buf, sizeof(buf), &p, false) == -EINVAL,
		   "unit: tparam: encode refuses version 0 in version_information");
}

static void test_all_truncations(void)
{
	struct quic_tparams in, out;
	u8 buf[512];
	u64 err;
	bool ok = true;
	int n, i, rc;

	fill_all(&in);
	n = quic_tparams_encode(buf, sizeof(buf), &in, true);
	for (i = 0; i < n; i++) {
		rc = dec(buf, i, true, &out, &err);
		ok &= (rc == 0 && !err) || (rc < 0 && err == TP_ERR);
	}
	tap_result(ok, "unit: tparam: every truncation decodes or fails cleanly");
}

static void wire_from(struct quic_tparam_wire_cids *w,
		      const struct quic_tparams *p)
{
	memset(w, 0, sizeof(*w));
	w->peer_scid = p->initial_scid;
	w->odcid = p->original_dcid;
	w->retry_scid = p->retry_scid;
	w->retry = p->has_retry_scid;
}

static void test_validate_cids(void)
{
	struct quic_tparam_wire_cids w;
	struct quic_tparams p;
	u64 err;

	fill_all(&p);
	wire_from(&w, &p);
	tap_result(!quic_tparams_validate_cids(&p, true, &w, &err) && !err,
		   "unit: tparam: matching server cids after Retry validate");
	w.peer_scid.data[3] ^= 1;
	tap_result(quic_tparams_validate_cids(&p, true, &w, &err) == -EPROTO &&
		   err == QUIC_TP_ERR_PROTOCOL_VIOLATION,
		   "unit: tparam: initial_source_connection_id mismatch is PROTOCOL_VIOLATION");
	wire_from(&w, &p);
	w.odcid.len--;
	tap_result(quic_tparams_validate_cids(&p, true, &w, &err) == -EPROTO &&
		   err == QUIC_TP_ERR_PROTOCOL_VIOLATION,
		   "unit: tparam: original_destination_connection_id mismatch rejected");
	wire_from(&w, &p);
	w.retry_scid.data[0] ^= 1;
	tap_result(quic_tparams_validate_cids(&p, true, &w, &err) == -EPROTO,
		   "unit: tparam: retry_source_connection_id mismatch rejected");
	wire_from(&w, &p);
	w.retry = false;
	tap_result(quic_tparams_validate_cids(&p, true, &w, &err) == -EINVAL &&
		   err == TP_ERR,
		   "unit: tparam: retry_source_connection_id without Retry rejected");
	p.has_retry_scid = false;
	w.retry = true;
	tap_result(quic_tparams_validate_cids(&p, true, &w, &err) == -EINVAL &&
		   err == TP_ERR,
		   "unit: tparam: missing retry_source_connection_id after Retry rejected");
	w.retry = false;
	p.has_original_dcid = false;
	tap_result(quic_tparams_validate_cids(&p, true, &w, &err) == -EINVAL &&
		   err == TP_ERR,
		   "unit: tparam: server without original_destination_connection_id rejected");
	tap_result(!quic_tparams_validate_cids(&p, false, &w, &err),
		   "unit: tparam: client parameters need only initial_source_connection_id");
	p.has_initial_scid = false;
	tap_result(quic_tparams_validate_cids(&p, false, &w, &err) == -EINVAL &&
		   err == TP_ERR,
		   "unit: tparam: missing initial_source_connection_id rejected");
}

int main(void)
{
	test_defaults();
	test_round_trip(false);
	test_round_trip(true);
	test_flags_alone();
	test_int_ranges();
	test_bad_lengths();
	test_truncated();
	test_preferred_address();
	test_version_info();
	test_duplicates_and_roles();
	test_unknown_skipped();
	test_encode_refuses_invalid();
	test_all_truncations();
	test_validate_cids();
	return tap_exit();
}
