// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC transport parameter encoding, decoding and validation.
 */
#include "varint.h"
#include "tparam.h"

/* Fixed part of preferred_address: IPv4 + port, IPv6 + port, CID length. */
#define QUIC_TP_PREF_ADDR_FIXED	(4 + 2 + 16 + 2 + 1)
#define QUIC_TP_PREF_ADDR_MAX	(QUIC_TP_PREF_ADDR_FIXED + QUIC_CID_MAX_LEN + \
				 QUIC_TP_RESET_TOKEN_LEN)
#define QUIC_TP_VERSION_INFO_MAX	(4 * (1 + QUIC_TP_MAX_VERSIONS))

/**
 * struct quic_tp_int - an integer parameter: where it lives, what is legal
 * @id: parameter id
 * @off: offset of its u64 in struct quic_tparams
 * @min: smallest legal value
 * @max: largest legal value
 * @def: value when absent; not sent when equal to it
 */
struct quic_tp_int {
	u16 id;
	u16 off;
	u64 min;
	u64 max;
	u64 def;
};

#define QUIC_TP_INT(i, f, lo, hi, d) {					\
	.id = QUIC_TP_##i,						\
	.off = offsetof(struct quic_tparams, f),			\
	.min = lo, .max = hi, .def = d,					\
}

static const struct quic_tp_int quic_tp_ints[] = {
	QUIC_TP_INT(MAX_IDLE_TIMEOUT, max_idle_timeout,
		    0, QUIC_VARINT_MAX, 0),
	QUIC_TP_INT(MAX_UDP_PAYLOAD_SIZE, max_udp_payload_size,
		    QUIC_TP_MIN_MAX_UDP_PAYLOAD_SIZE, QUIC_VARINT_MAX,
		    QUIC_TP_DEF_MAX_UDP_PAYLOAD_SIZE),
	QUIC_TP_INT(INITIAL_MAX_DATA, initial_max_data,
		    0, QUIC_VARINT_MAX, 0),
	QUIC_TP_INT(INITIAL_MAX_STREAM_DATA_BIDI_LOCAL,
		    initial_max_stream_data_bidi_local, 0, QUIC_VARINT_MAX, 0),
	QUIC_TP_INT(INITIAL_MAX_STREAM_DATA_BIDI_REMOTE,
		    initial_max_stream_data_bidi_remote, 0, QUIC_VARINT_MAX, 0),
	QUIC_TP_INT(INITIAL_MAX_STREAM_DATA_UNI, initial_max_stream_data_uni,
		    0, QUIC_VARINT_MAX, 0),
	/* Stream IDs are 62 bits with 2 type bits: at most 2^60 per type. */
	QUIC_TP_INT(INITIAL_MAX_STREAMS_BIDI, initial_max_streams_bidi,
		    0, QUIC_TP_MAX_STREAMS, 0),
	QUIC_TP_INT(INITIAL_MAX_STREAMS_UNI, initial_max_streams_uni,
		    0, QUIC_TP_MAX_STREAMS, 0),
	QUIC_TP_INT(ACK_DELAY_EXPONENT, ack_delay_exponent,
		    0, QUIC_TP_MAX_ACK_DELAY_EXPONENT,
		    QUIC_TP_DEF_ACK_DELAY_EXPONENT),
	QUIC_TP_INT(MAX_ACK_DELAY, max_ack_delay,
		    0, QUIC_TP_MAX_MAX_ACK_DELAY, QUIC_TP_DEF_MAX_ACK_DELAY),
	/* The handshake CID counts, so fewer than 2 would forbid any other. */
	QUIC_TP_INT(ACTIVE_CONNECTION_ID_LIMIT, active_connection_id_limit,
		    QUIC_TP_DEF_ACTIVE_CID_LIMIT, QUIC_VARINT_MAX,
		    QUIC_TP_DEF_ACTIVE_CID_LIMIT),
	QUIC_TP_INT(MAX_DATAGRAM_FRAME_SIZE, max_datagram_frame_size,
		    0, QUIC_VARINT_MAX, 0),
};

static u64 *quic_tp_int_field(struct quic_tparams *p,
			      const struct quic_tp_int *d)
{
	return (u64 *)((u8 *)p + d->off);
}

static u64 quic_tp_int_value(const struct quic_tparams *p,
			     const struct quic_tp_int *d)
{
	return *(const u64 *)((const u8 *)p + d->off);
}

/**
 * quic_tparams_init_default() - set every parameter to its absent value
 * @p: parameters
 *
 * Integers get their RFC defaults (max_udp_payload_size 65527,
 * ack_delay_exponent 3, max_ack_delay 25 ms, active_connection_id_limit 2,
 * the rest 0); every optional parameter is marked absent.
 */
void quic_tparams_init_default(struct quic_tparams *p)
{
	u32 i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < ARRAY_SIZE(quic_tp_ints); i++)
		*quic_tp_int_field(p, &quic_tp_ints[i]) = quic_tp_ints[i].def;
}
EXPORT_SYMBOL_GPL(quic_tparams_init_default);

/* Output cursor; the first error sticks so callers check once at the end. */
struct quic_tp_out {
	u8 *pos;
	u32 left;
	int err;
};

static void quic_tp_put(struct quic_tp_out *o, u64 id, const u8 *val,
			u32 vlen)
{
	u32 need = quic_varint_len(id) + quic_varint_len(vlen) + vlen;

	if (o->err)
		return;
	if (need > o->left) {
		o->err = -ENOSPC;
		return;
	}
	o->pos = quic_varint_put(o->pos, id);
	o->pos = quic_varint_put(o->pos, vlen);
	if (vlen)
		memcpy(o->pos, val, vlen);
	o->pos += vlen;
	o->left -= need;
}

static void quic_tp_put_cid(struct quic_tp_out *o, u64 id,
			    const struct quic_tparam_cid *cid)
{
	if (cid->len > QUIC_CID_MAX_LEN) {
		o->err = o->err ? o->err : -EINVAL;
		return;
	}
	quic_tp_put(o, id, cid->data, cid->len);
}

/* Integers are sent only when they differ from the default. */
static void quic_tp_put_ints(struct quic_tp_out *o,
			     const struct quic_tparams *p)
{
	const struct quic_tp_int *d;
	u8 tmp[8];
	u32 i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(quic_tp_ints); i++) {
		d = &quic_tp_ints[i];
		v = quic_tp_int_value(p, d);
		if (v == d->def)
			continue;
		if (v < d->min || v > d->max) {
			o->err = o->err ? o->err : -EINVAL;
			return;
		}
		quic_tp_put(o, d->id, tmp, quic_varint_put(tmp, v) - tmp);
	}
}

static void quic_tp_put_pref_addr(struct quic_tp_out *o,
				  const struct quic_tparam_pref_addr *a)
{
	u8 tmp[QUIC_TP_PREF_ADDR_MAX], *q = tmp;

	/* A zero-length CID cannot be used on a new path (RFC 9000 18.2). */
	if (!a->cid.len || a->cid.len > QUIC_CID_MAX_LEN) {
		o->err = o->err ? o->err : -EINVAL;
		return;
	}
	memcpy(q, a->ipv4_addr, 4);
	put_unaligned_be16(a->ipv4_port, q + 4);
	memcpy(q + 6, a->ipv6_addr, 16);
	put_unaligned_be16(a->ipv6_port, q + 22);
	q[24] = a->cid.len;
	q += QUIC_TP_PREF_ADDR_FIXED;
	memcpy(q, a->cid.data, a->cid.len);
	q += a->cid.len;
	memcpy(q, a->reset_token, QUIC_TP_RESET_TOKEN_LEN);
	q += QUIC_TP_RESET_TOKEN_LEN;
	quic_tp_put(o, QUIC_TP_PREFERRED_ADDRESS, tmp, q - tmp);
}

/* Only servers send these (RFC 9000 18.2); clients skip them. */
static void quic_tp_put_server(struct quic_tp_out *o,
			       const struct quic_tparams *p)
{
	if (p->has_original_dcid)
		quic_tp_put_cid(o, QUIC_TP_ORIGINAL_DCID, &p->original_dcid);
	if (p->has_retry_scid)
		quic_tp_put_cid(o, QUIC_TP_RETRY_SCID, &p->retry_scid);
	if (p->has_stateless_reset_token)
		quic_tp_put(o, QUIC_TP_STATELESS_RESET_TOKEN,
			    p->stateless_reset_token, QUIC_TP_RESET_TOKEN_LEN);
	if (p->has_preferred_address)
		quic_tp_put_pref_addr(o, &p->preferred_address);
}

static void quic_tp_put_version_info(struct quic_tp_out *o,
				     const struct quic_tparams *p)
{
	u8 tmp[QUIC_TP_VERSION_INFO_MAX], *q = tmp;
	u32 i;

	/* Zero is never a valid version here (RFC 9368 3). */
	if (!p->chosen_version ||
	    p->available_versions_count > QUIC_TP_MAX_VERSIONS) {
		o->err = o->err ? o->err : -EINVAL;
		return;
	}
	put_unaligned_be32(p->chosen_version, q);
	for (i = 0; i < p->available_versions_count; i++) {
		if (!p->available_versions[i]) {
			o->err = o->err ? o->err : -EINVAL;
			return;
		}
		q += 4;
		put_unaligned_be32(p->available_versions[i], q);
	}
	q += 4;
	quic_tp_put(o, QUIC_TP_VERSION_INFORMATION, tmp, q - tmp);
}

/**
 * quic_tparams_encode() - serialize transport parameters
 * @buf: output
 * @len: bytes available at @buf
 * @p: parameters to send
 * @is_server: the sender is a server; clients never send the server-only
 *	parameters (original_dcid, retry_scid, stateless_reset_token,
 *	preferred_address) even if set in @p
 *
 * Integers equal to their default are left out; optional parameters are
 * sent when their has_ or presence flag is set.
 *
 * Return: bytes written; -EINVAL if @p holds a value the peer would have
 * to reject; -ENOSPC if @len is too small.
 */
int quic_tparams_encode(u8 *buf, u32 len, const struct quic_tparams *p,
			bool is_server)
{
	struct quic_tp_out o = { .pos = buf, .left = len };

	quic_tp_put_ints(&o, p);
	if (p->has_initial_scid)
		quic_tp_put_cid(&o, QUIC_TP_INITIAL_SCID, &p->initial_scid);
	if (is_server)
		quic_tp_put_server(&o, p);
	if (p->has_version_info)
		quic_tp_put_version_info(&o, p);
	if (p->disable_active_migration)
		quic_tp_put(&o, QUIC_TP_DISABLE_ACTIVE_MIGRATION, NULL, 0);
	if (p->grease_quic_bit)
		quic_tp_put(&o, QUIC_TP_GREASE_QUIC_BIT, NULL, 0);
	if (p->disable_1rtt_encryption)
		quic_tp_put(&o, QUIC_TP_DISABLE_1RTT_ENCRYPTION, NULL, 0);
	return o.err ? o.err : o.pos - buf;
}
EXPORT_SYMBOL_GPL(quic_tparams_encode);

/*
 * Bit index of a known parameter in the "seen" mask used to catch
 * duplicates; -1 for unknown ids, which includes the reserved 31 * N + 27
 * ids peers send to keep receivers honest (RFC 9000 18.1).
 */
static int quic_tp_index(u64 id)
{
	if (id <= QUIC_TP_VERSION_INFORMATION)
		return id;
	switch (id) {
	case QUIC_TP_MAX_DATAGRAM_FRAME_SIZE:
		return QUIC_TP_VERSION_INFORMATION + 1;
	case QUIC_TP_GREASE_QUIC_BIT:
		return QUIC_TP_VERSION_INFORMATION + 2;
	case QUIC_TP_DISABLE_1RTT_ENCRYPTION:
		return QUIC_TP_VERSION_INFORMATION + 3;
	}
	return -1;
}

static bool quic_tp_server_only(u64 id)
{
	return id == QUIC_TP_ORIGINAL_DCID || id == QUIC_TP_RETRY_SCID ||
	       id == QUIC_TP_STATELESS_RESET_TOKEN ||
	       id == QUIC_TP_PREFERRED_ADDRESS;
}

/* An integer value must be exactly one varint filling the parameter. */
static int quic_tp_get_int(const struct quic_tp_int *d, const u8 *v,
			   u32 vlen, struct quic_tparams *p)
{
	u64 val;

	if (!quic_varint_get(&v, &vlen, &val) || vlen)
		return -EINVAL;
	if (val < d->min || val > d->max)
		return -ERANGE;
	*quic_tp_int_field(p, d) = val;
	return 0;
}

static int quic_tp_get_cid(const u8 *v, u32 vlen, struct quic_tparam_cid *cid,
			   bool *has)
{
	if (vlen > QUIC_CID_MAX_LEN)
		return -EINVAL;
	cid->len = vlen;
	if (vlen)
		memcpy(cid->data, v, vlen);
	*has = true;
	return 0;
}

static int quic_tp_get_flag(u32 vlen, bool *flag)
{
	if (vlen)
		return -EINVAL;
	*flag = true;
	return 0;
}

static int quic_tp_get_pref_addr(const u8 *v, u32 vlen,
				 struct quic_tparams *p)
{
	struct quic_tparam_pref_addr *a = &p->preferred_address;
	u8 cid_len;

	if (vlen < QUIC_TP_PREF_ADDR_FIXED)
		return -EINVAL;
	cid_len = v[24];
	if (!cid_len || cid_len > QUIC_CID_MAX_LEN ||
	    vlen != QUIC_TP_PREF_ADDR_FIXED + cid_len + QUIC_TP_RESET_TOKEN_LEN)
		return -EINVAL;
	memcpy(a->ipv4_addr, v, 4);
	a->ipv4_port = get_unaligned_be16(v + 4);
	memcpy(a->ipv6_addr, v + 6, 16);
	a->ipv6_port = get_unaligned_be16(v + 22);
	v += QUIC_TP_PREF_ADDR_FIXED;
	a->cid.len = cid_len;
	memcpy(a->cid.data, v, cid_len);
	memcpy(a->reset_token, v + cid_len, QUIC_TP_RESET_TOKEN_LEN);
	p->has_preferred_address = true;
	return 0;
}

static int quic_tp_get_version_info(const u8 *v, u32 vlen,
				    struct quic_tparams *p)
{
	u32 i, ver;

	if (vlen < 4 || vlen % 4)
		return -EINVAL;
	p->chosen_version = get_unaligned_be32(v);
	if (!p->chosen_version)
		return -EINVAL;
	for (i = 4; i < vlen; i += 4) {
		ver = get_unaligned_be32(v + i);
		if (!ver)
			return -EINVAL;
		/* Beyond our cap the list is only greasing to us. */
		if (p->available_versions_count < QUIC_TP_MAX_VERSIONS)
			p->available_versions[p->available_versions_count++] =
				ver;
	}
	p->has_version_info = true;
	return 0;
}

static const struct quic_tp_int *quic_tp_int_find(u64 id)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_tp_ints); i++)
		if (quic_tp_ints[i].id == id)
			return &quic_tp_ints[i];
	return NULL;
}

static int quic_tp_get_other(u64 id, const u8 *v, u32 vlen,
			     struct quic_tparams *p)
{
	switch (id) {
	case QUIC_TP_ORIGINAL_DCID:
		return quic_tp_get_cid(v, vlen, &p->original_dcid,
				       &p->has_original_dcid);
	case QUIC_TP_INITIAL_SCID:
		return quic_tp_get_cid(v, vlen, &p->initial_scid,
				       &p->has_initial_scid);
	case QUIC_TP_RETRY_SCID:
		return quic_tp_get_cid(v, vlen, &p->retry_scid,
				       &p->has_retry_scid);
	case QUIC_TP_STATELESS_RESET_TOKEN:
		if (vlen != QUIC_TP_RESET_TOKEN_LEN)
			return -EINVAL;
		memcpy(p->stateless_reset_token, v, vlen);
		p->has_stateless_reset_token = true;
		return 0;
	case QUIC_TP_PREFERRED_ADDRESS:
		return quic_tp_get_pref_addr(v, vlen, p);
	case QUIC_TP_VERSION_INFORMATION:
		return quic_tp_get_version_info(v, vlen, p);
	case QUIC_TP_DISABLE_ACTIVE_MIGRATION:
		return quic_tp_get_flag(vlen, &p->disable_active_migration);
	case QUIC_TP_GREASE_QUIC_BIT:
		return quic_tp_get_flag(vlen, &p->grease_quic_bit);
	case QUIC_TP_DISABLE_1RTT_ENCRYPTION:
		return quic_tp_get_flag(vlen, &p->disable_1rtt_encryption);
	}
	return 0;
}

static int quic_tp_get_one(u64 id, const u8 *v, u32 vlen, bool from_server,
			   struct quic_tparams *p, u32 *seen)
{
	const struct quic_tp_int *d;
	int idx = quic_tp_index(id);

	if (idx < 0)
		return 0;
	if (*seen & BIT(idx))
		return -EEXIST;
	*seen |= BIT(idx);
	if (!from_server && quic_tp_server_only(id))
		return -EPROTO;
	d = quic_tp_int_find(id);
	if (d)
		return quic_tp_get_int(d, v, vlen, p);
	return quic_tp_get_other(id, v, vlen, p);
}

/**
 * quic_tparams_decode() - parse and validate the peer's transport parameters
 * @buf: extension body
 * @len: bytes at @buf
 * @from_server: the peer is a server (server-only parameters allowed)
 * @p: filled in, starting from quic_tparams_init_default()
 * @errcode: if not NULL, set to the QUIC transport error to close with
 *	(QUIC_TP_ERR_TRANSPORT_PARAMETER) on failure, 0 on success
 *
 * Unknown parameters, reserved ones included, are skipped.
 *
 * Return: 0; -EINVAL for a malformed list or value (truncation, bad length,
 * bad CID, reset token not 16 bytes, bad preferred_address); -ERANGE for
 * an integer out of range; -EEXIST for a repeated parameter; -EPROTO for a
 * server-only parameter from a client.
 */
int quic_tparams_decode(const u8 *buf, u32 len, bool from_server,
			struct quic_tparams *p, u64 *errcode)
{
	u64 id, vlen;
	u32 seen = 0;
	int err = 0;

	quic_tparams_init_default(p);
	while (len && !err) {
		if (!quic_varint_get(&buf, &len, &id) ||
		    !quic_varint_get(&buf, &len, &vlen) || vlen > len) {
			err = -EINVAL;
			break;
		}
		err = quic_tp_get_one(id, buf, vlen, from_server, p, &seen);
		buf += vlen;
		len -= vlen;
	}
	/* A zero-length CID server must not offer a preferred address. */
	if (!err && p->has_preferred_address && p->has_initial_scid &&
	    !p->initial_scid.len)
		err = -EINVAL;
	if (errcode)
		*errcode = err ? QUIC_TP_ERR_TRANSPORT_PARAMETER : 0;
	return err;
}
EXPORT_SYMBOL_GPL(quic_tparams_decode);

static bool quic_tp_cid_eq(const struct quic_tparam_cid *a,
			   const struct quic_tparam_cid *b)
{
	if (a->len != b->len || a->len > QUIC_CID_MAX_LEN)
		return false;
	return !memcmp(a->data, b->data, a->len);
}

/* Which of these is required, allowed or forbidden (RFC 9000 7.3). */
static int quic_tp_check_presence(const struct quic_tparams *peer,
				  bool peer_is_server,
				  const struct quic_tparam_wire_cids *w)
{
	if (!peer->has_initial_scid)
		return -EINVAL;
	if (!peer_is_server)
		return 0;
	if (!peer->has_original_dcid || w->retry != peer->has_retry_scid)
		return -EINVAL;
	return 0;
}

/**
 * quic_tparams_validate_cids() - check the CID parameters against the wire
 * @peer: the peer's decoded transport parameters
 * @peer_is_server: @peer came from a server
 * @w: connection IDs seen in the handshake packets
 * @errcode: if not NULL, set to the transport error to close with, or 0
 *
 * Authenticates the CIDs of the Initial (and Retry) exchange, which are
 * not otherwise protected (RFC 9000 7.3). A missing required parameter, or
 * retry_source_connection_id present without a Retry or absent after one,
 * is a TRANSPORT_PARAMETER_ERROR; a value that differs from the wire is a
 * PROTOCOL_VIOLATION (the RFC allows either code for the latter cases).
 *
 * Return: 0; -EINVAL for a presence error; -EPROTO for a mismatch.
 */
int quic_tparams_validate_cids(const struct quic_tparams *peer,
			       bool peer_is_server,
			       const struct quic_tparam_wire_cids *w,
			       u64 *errcode)
{
	int err;

	err = quic_tp_check_presence(peer, peer_is_server, w);
	if (!err && !quic_tp_cid_eq(&peer->initial_scid, &w->peer_scid))
		err = -EPROTO;
	if (!err && peer_is_server &&
	    !quic_tp_cid_eq(&peer->original_dcid, &w->odcid))
		err = -EPROTO;
	if (!err && peer_is_server && w->retry &&
	    !quic_tp_cid_eq(&peer->retry_scid, &w->retry_scid))
		err = -EPROTO;
	if (errcode) {
		*errcode = 0;
		if (err)
			*errcode = err == -EPROTO ?
				   QUIC_TP_ERR_PROTOCOL_VIOLATION :
				   QUIC_TP_ERR_TRANSPORT_PARAMETER;
	}
	return err;
}
EXPORT_SYMBOL_GPL(quic_tparams_validate_cids);
