// SPDX-License-Identifier: GPL-2.0
/*
 * TLS handshake messages the kernel reads itself; see tlsmsg.h.
 *
 * A client keeps a server's NewSessionTicket for the user to resume with
 * (early.c). RFC 9001 4.6.1 gives the ticket's early_data extension a
 * meaning of QUIC's own, which only the client receiving it can enforce:
 * the message is read through, as the TLS stack taking it later would,
 * and what it carries is checked.
 *
 * A client that sent 0-RTT data learns whether the server took it from
 * the server's EncryptedExtensions (RFC 9001 4.6.2): with an empty
 * early_data extension it did. The kernel acts on the answer (early.c)
 * before libquic has read the message: that message is followed through
 * the extension block as its bytes come, and checked as TLS would.
 */
#include "tlsmsg.h"

/* What is left to read of a message, or of a vector in it */
struct quic_tls_reader {
	const u8 *p;
	u32 left;
};

/* The big-endian integer of @size bytes (at most 4) at @p */
static u32 quic_tls_be(const u8 *p, u32 size)
{
	u32 v = 0;

	while (size--)
		v = (v << 8) | *p++;
	return v;
}

/* A big-endian integer of @size bytes (at most 4) */
static bool quic_tls_read_uint(struct quic_tls_reader *r, u32 size, u32 *v)
{
	if (r->left < size)
		return false;
	*v = quic_tls_be(r->p, size);
	r->p += size;
	r->left -= size;
	return true;
}

/* A vector with a @size-byte length (RFC 8446 3.4): @body reads it */
static bool quic_tls_read_vec(struct quic_tls_reader *r, u32 size,
			      struct quic_tls_reader *body)
{
	u32 len;

	if (!quic_tls_read_uint(r, size, &len) || r->left < len)
		return false;
	body->p = r->p;
	body->left = len;
	r->p += len;
	r->left -= len;
	return true;
}

/* The extensions of a ticket (RFC 8446 4.6.1); see quic_tls_ticket_check() */
static int quic_tls_ticket_exts(struct quic_tls_reader *exts)
{
	struct quic_tls_reader ext;
	u32 type, size;

	while (exts->left) {
		if (!quic_tls_read_uint(exts, 2, &type) ||
		    !quic_tls_read_vec(exts, 2, &ext))
			return -EBADMSG;
		if (type != QUIC_TLS_EXT_EARLY_DATA)
			continue;
		if (!quic_tls_read_uint(&ext, 4, &size) || ext.left)
			return -EBADMSG;
		if (size != QUIC_TLS_EARLY_DATA_QUIC)
			return -EPROTO;
	}
	return 0;
}

/**
 * quic_tls_ticket_check() - may a client keep this NewSessionTicket?
 * @msg: the whole message, its 4-byte header included
 * @len: its length
 *
 * struct { uint32 ticket_lifetime; uint32 ticket_age_add;
 * opaque ticket_nonce<0..255>; opaque ticket<1..2^16-1>;
 * Extension extensions<0..2^16-2>; } (RFC 8446 4.6.1), every length
 * agreeing with the one around it.
 *
 * Return: 0; -EBADMSG for a message that is not such a ticket (TLS's
 * decode_error); -EPROTO for an early_data extension whose
 * max_early_data_size is not 0xffffffff (RFC 9001 4.6.1: the client
 * closes with PROTOCOL_VIOLATION).
 */
int quic_tls_ticket_check(const u8 *msg, u32 len)
{
	struct quic_tls_reader r = { .p = msg, .left = len };
	struct quic_tls_reader field, exts;
	u32 type, body_len, times;

	if (!quic_tls_read_uint(&r, 1, &type) ||
	    type != QUIC_TLS_NEW_SESSION_TICKET ||
	    !quic_tls_read_uint(&r, 3, &body_len) || body_len != r.left)
		return -EBADMSG;
	/* lifetime and age_add: any value */
	if (!quic_tls_read_uint(&r, 4, &times) ||
	    !quic_tls_read_uint(&r, 4, &times) ||
	    !quic_tls_read_vec(&r, 1, &field) ||
	    !quic_tls_read_vec(&r, 2, &field) || !field.left ||
	    !quic_tls_read_vec(&r, 2, &exts) || r.left)
		return -EBADMSG;
	return quic_tls_ticket_exts(&exts);
}

/* States of struct quic_tls_ee_scan: the field read next */
enum {
	QUIC_TLS_EE_HDR,	/* message type and length */
	QUIC_TLS_EE_EXTS_LEN,	/* the extension block's length */
	QUIC_TLS_EE_EXT_HDR,	/* an extension's type and length */
	QUIC_TLS_EE_EXT_BODY,	/* its body, passed over */
	QUIC_TLS_EE_DONE,
};

/* Bytes each state's field has */
static const u8 quic_tls_ee_field_len[] = {
	[QUIC_TLS_EE_HDR]	= QUIC_TLS_MSG_HDR_LEN,
	[QUIC_TLS_EE_EXTS_LEN]	= 2,
	[QUIC_TLS_EE_EXT_HDR]	= 4,
};

/*
 * After an extension: the next one, or the end of the message. A header
 * cut by the message's end is decided at once, not read into what
 * follows.
 */
static int quic_tls_ee_next(struct quic_tls_ee_scan *s)
{
	if (s->left) {
		if (s->left < 4)
			return -EBADMSG;
		s->state = QUIC_TLS_EE_EXT_HDR;
		return QUIC_TLS_EE_MORE;
	}
	s->state = QUIC_TLS_EE_DONE;
	return s->early ? QUIC_TLS_EE_EARLY : QUIC_TLS_EE_NO_EARLY;
}

/* @s->field holds the whole field of @s->state: act on it */
static int quic_tls_ee_field(struct quic_tls_ee_scan *s)
{
	const u8 *f = s->field;
	u32 type, len;

	switch (s->state) {
	case QUIC_TLS_EE_HDR:
		/* The server's first handshake message is this one
		 * (RFC 8446 2): anything else is unexpected_message.
		 */
		if (f[0] != QUIC_TLS_ENCRYPTED_EXTENSIONS)
			return -EPROTO;
		s->left = quic_tls_be(f + 1, 3);
		if (s->left < 2)
			return -EBADMSG;
		s->state = QUIC_TLS_EE_EXTS_LEN;
		return QUIC_TLS_EE_MORE;
	case QUIC_TLS_EE_EXTS_LEN:
		s->left -= 2;
		/* Extension extensions<0..2^16-1> is the whole body */
		if (quic_tls_be(f, 2) != s->left)
			return -EBADMSG;
		return quic_tls_ee_next(s);
	default:	/* QUIC_TLS_EE_EXT_HDR */
		type = quic_tls_be(f, 2);
		len = quic_tls_be(f + 2, 2);
		if (s->left - 4 < len)	/* quic_tls_ee_next() saw 4 */
			return -EBADMSG;
		s->left -= 4 + len;
		if (type == QUIC_TLS_EXT_EARLY_DATA) {
			/* Empty here (RFC 8446 4.2.10), and once only */
			if (len)
				return -EBADMSG;
			if (s->early)
				return -EEXIST;
			s->early = true;
		}
		s->skip = len;
		if (len) {
			s->state = QUIC_TLS_EE_EXT_BODY;
			return QUIC_TLS_EE_MORE;
		}
		return quic_tls_ee_next(s);
	}
}

/**
 * quic_tls_ee_scan() - read on in a server's EncryptedExtensions
 * @s: where the reading is
 * @p: the message's next bytes
 * @len: how many
 * @used: set to the bytes of @p taken: all of them unless the message
 *	ended (or turned out bad) before their end
 *
 * struct { Extension extensions<0..2^16-1>; } (RFC 8446 4.3.1), in a
 * message header whose length agrees; the bodies of all extensions but
 * early_data are passed over unread (TLS reads them).
 *
 * Return: QUIC_TLS_EE_MORE, QUIC_TLS_EE_EARLY or QUIC_TLS_EE_NO_EARLY;
 * -EPROTO when the message is not EncryptedExtensions (TLS's
 * unexpected_message), -EBADMSG when it is malformed or its early_data
 * extension has a body (decode_error), -EEXIST for a second early_data
 * extension (illegal_parameter). After a verdict, the verdict again
 * (nothing taken); after an error, not to be called again.
 */
int quic_tls_ee_scan(struct quic_tls_ee_scan *s, const u8 *p, u32 len,
		     u32 *used)
{
	int ret = QUIC_TLS_EE_MORE;
	u32 n, i = 0;

	*used = 0;
	if (s->state == QUIC_TLS_EE_DONE)
		return s->early ? QUIC_TLS_EE_EARLY : QUIC_TLS_EE_NO_EARLY;
	while (i < len && ret == QUIC_TLS_EE_MORE) {
		if (s->state == QUIC_TLS_EE_EXT_BODY) {
			n = min(len - i, s->skip);
			i += n;
			s->skip -= n;
			if (!s->skip)
				ret = quic_tls_ee_next(s);
			continue;
		}
		s->field[s->have++] = p[i++];
		if (s->have == quic_tls_ee_field_len[s->state]) {
			s->have = 0;
			ret = quic_tls_ee_field(s);
		}
	}
	*used = i;
	return ret;
}
