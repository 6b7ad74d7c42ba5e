// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the reading of a server's EncryptedExtensions
 * (quic_tls_ee_scan(), net/quic/tlsmsg.c), which a client that sent 0-RTT
 * does on CRYPTO data as it arrives. The input's first byte picks the
 * size of the pieces the rest is fed in, each from an exactly sized heap
 * copy (any overread is an ASan report); the verdict and the bytes taken
 * must not depend on the pieces, and must be those of a second, one-shot
 * reading of the grammar (RFC 8446 4.3.1) written with offsets.
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

/* The expected result of scanning all @len bytes of @m, and *@taken */
static int reference(const u8 *m, size_t len, size_t *taken)
{
	size_t at, end, ext_end, elen;
	bool early = false;

	*taken = len;
	if (len < 4)
		return QUIC_TLS_EE_MORE;
	*taken = 4;
	if (m[0] != QUIC_TLS_ENCRYPTED_EXTENSIONS)
		return -EPROTO;
	end = 4 + be(m + 1, 3);
	if (end < 6)
		return -EBADMSG;
	*taken = len;
	if (len < 6)
		return QUIC_TLS_EE_MORE;
	*taken = 6;
	if (be(m + 4, 2) != end - 6)
		return -EBADMSG;
	for (at = 6; at < end; at = ext_end) {
		*taken = at;
		if (end - at < 4)
			return -EBADMSG;
		if (len < at + 4) {
			*taken = len;
			return QUIC_TLS_EE_MORE;
		}
		*taken = at + 4;
		elen = be(m + at + 2, 2);
		ext_end = at + 4 + elen;
		if (ext_end > end)
			return -EBADMSG;
		if (be(m + at, 2) == QUIC_TLS_EXT_EARLY_DATA) {
			if (elen)
				return -EBADMSG;
			if (early)
				return -EEXIST;
			early = true;
		}
		if (len < ext_end) {
			*taken = len;
			return QUIC_TLS_EE_MORE;
		}
	}
	*taken = end;
	return early ? QUIC_TLS_EE_EARLY : QUIC_TLS_EE_NO_EARLY;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quic_tls_ee_scan sc = {};
	size_t piece, at = 0, want_taken, taken = 0;
	int got = QUIC_TLS_EE_MORE, want;
	u32 n, used;
	u8 *copy;

	if (size < 1 || size > 70000)
		return 0;
	piece = data[0] ? data[0] : size;
	data++;
	size--;
	while (at < size && got == QUIC_TLS_EE_MORE) {
		n = size - at < piece ? size - at : piece;
		copy = malloc(n);
		memcpy(copy, data + at, n);
		got = quic_tls_ee_scan(&sc, copy, n, &used);
		free(copy);
		CHECK(used <= n);
		CHECK(got != QUIC_TLS_EE_MORE || used == n);
		taken += used;
		at += n;
	}
	CHECK(got == QUIC_TLS_EE_MORE || got == QUIC_TLS_EE_EARLY ||
	      got == QUIC_TLS_EE_NO_EARLY || got == -EPROTO ||
	      got == -EBADMSG || got == -EEXIST);
	want = reference(data, size, &want_taken);
	CHECK(got == want);
	/* An error is found within its field: only a verdict's count is exact */
	if (got >= 0)
		CHECK(taken == want_taken);
	return 0;
}
