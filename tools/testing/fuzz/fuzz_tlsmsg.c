// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the TLS NewSessionTicket check (net/quic/tlsmsg.c),
 * which reads what a server sends after the handshake. The input is the
 * message; it runs from an exactly sized heap copy (any overread is an
 * ASan report), and the verdict is compared with a second reading of the
 * same grammar (RFC 8446 4.6.1, RFC 9001 4.6.1) written with offsets.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../../net/quic/tlsmsg.c"

#include "fuzz_check.h"

static size_t be(const u8 *p, size_t n)
{
	size_t v = 0;

	while (n--)
		v = (v << 8) | *p++;
	return v;
}

/* The expected verdict: offsets into @m, every length checked first */
static int reference(const u8 *m, size_t len)
{
	size_t at, end, ext_end, elen;

	if (len < 4 || m[0] != QUIC_TLS_NEW_SESSION_TICKET ||
	    be(m + 1, 3) != len - 4)
		return -EBADMSG;
	at = 4 + 8;				/* lifetime, age_add */
	if (at + 1 > len)
		return -EBADMSG;
	at += 1 + m[at];			/* nonce */
	if (at + 2 > len)
		return -EBADMSG;
	elen = be(m + at, 2);			/* ticket */
	if (!elen)
		return -EBADMSG;
	at += 2 + elen;
	if (at + 2 > len)
		return -EBADMSG;
	end = at + 2 + be(m + at, 2);		/* extensions */
	if (end != len)
		return -EBADMSG;
	for (at += 2; at < end; at = ext_end) {
		if (at + 4 > end)
			return -EBADMSG;
		ext_end = at + 4 + be(m + at + 2, 2);
		if (ext_end > end)
			return -EBADMSG;
		if (be(m + at, 2) != QUIC_TLS_EXT_EARLY_DATA)
			continue;
		if (ext_end - at != 8)
			return -EBADMSG;
		/* one pass: a wrong size decides before what follows it */
		if (be(m + at + 4, 4) != QUIC_TLS_EARLY_DATA_QUIC)
			return -EPROTO;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *m;
	int got;

	if (size > 70000)
		return 0;
	m = malloc(size ? size : 1);
	memcpy(m, data, size);
	got = quic_tls_ticket_check(m, size);
	CHECK(got == 0 || got == -EBADMSG || got == -EPROTO);
	CHECK(got == reference(m, size));
	free(m);
	return 0;
}
