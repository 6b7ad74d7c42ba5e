// SPDX-License-Identifier: GPL-2.0
/*
 * TLS handshake messages the kernel reads itself; see tlsmsg.h.
 *
 * A client keeps a server's NewSessionTicket for the user to resume with
 * (early.c). RFC 9001 4.6.1 gives the ticket's early_data extension a
 * meaning of QUIC's own, which only the client receiving it can enforce:
 * the message is read through, as the TLS stack taking it later would,
 * and what it carries is checked.
 */
#include "tlsmsg.h"

/* What is left to read of a message, or of a vector in it */
struct quic_tls_reader {
	const u8 *p;
	u32 left;
};

/* A big-endian integer of @size bytes (at most 4) */
static bool quic_tls_read_uint(struct quic_tls_reader *r, u32 size, u32 *v)
{
	u32 i;

	if (r->left < size)
		return false;
	for (*v = 0, i = 0; i < size; i++)
		*v = (*v << 8) | r->p[i];
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
