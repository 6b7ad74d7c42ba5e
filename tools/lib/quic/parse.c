// SPDX-License-Identifier: GPL-2.0
/*
 * Pure helpers: ALPN lists, PSK files, and the mapping of GnuTLS levels and
 * ciphers to the kernel's.  Nothing here touches a socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "internal.h"

/* The cipher ids of <linux/tls.h>, which quic_crypto_secret.type carries. */
#define QUIC_TLS_CIPHER_AES_GCM_128		51
#define QUIC_TLS_CIPHER_AES_GCM_256		52
#define QUIC_TLS_CIPHER_AES_CCM_128		53
#define QUIC_TLS_CIPHER_CHACHA20_POLY1305	54

static bool quic_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/**
 * quic_alpn_parse - split a comma-separated ALPN list
 * @alpns: e.g. "h3,smb"; need not be NUL-terminated
 * @len: its length
 * @list: filled with the protocols, pointing into its own copy
 *
 * Blanks around names are ignored.  An empty name, a list longer than
 * QUIC_ALPNS_MAX_LEN or with more than QUIC_ALPN_MAX_COUNT names, or a NUL
 * byte inside is refused.  Returns 0 or -EINVAL.
 */
int quic_alpn_parse(const char *alpns, size_t len, struct quic_alpn_list *list)
{
	char *p, *end, *name, *stop;

	memset(list, 0, sizeof(*list));
	if (!alpns || !len || len > QUIC_ALPNS_MAX_LEN ||
	    memchr(alpns, '\0', len))
		return -EINVAL;
	memcpy(list->buf, alpns, len);
	list->buf[len] = '\0';

	p = list->buf;
	end = list->buf + len;
	while (p <= end) {
		stop = memchr(p, ',', end - p);
		if (!stop)
			stop = end;
		*stop = '\0';
		name = p;
		while (quic_is_blank(*name))
			name++;
		p = stop + 1;
		while (stop > name && quic_is_blank(stop[-1]))
			*--stop = '\0';
		if (stop == name || list->count == QUIC_ALPN_MAX_COUNT)
			return -EINVAL;
		list->proto[list->count].data = (unsigned char *)name;
		list->proto[list->count].size = stop - name;
		list->count++;
	}
	return 0;
}

static int quic_hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One "identity:hexkey" line, blanks already trimmed. */
static int quic_psk_parse_line(const char *line, size_t len,
			       struct quic_psk *psk)
{
	const char *colon = memchr(line, ':', len);
	size_t idlen, hexlen, i;
	int hi, lo;

	if (!colon)
		return -EINVAL;
	idlen = colon - line;
	hexlen = len - idlen - 1;
	if (!idlen || idlen > QUIC_PSK_IDENTITY_MAX || !hexlen ||
	    hexlen % 2 || hexlen / 2 > QUIC_PSK_KEY_MAX)
		return -EINVAL;

	memset(psk, 0, sizeof(*psk));
	memcpy(psk->identity, line, idlen);
	for (i = 0; i < hexlen / 2; i++) {
		hi = quic_hex_nibble(colon[1 + 2 * i]);
		lo = quic_hex_nibble(colon[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		psk->key[i] = (unsigned char)(hi << 4 | lo);
	}
	psk->keylen = hexlen / 2;
	return 0;
}

/**
 * quic_psk_parse - parse a PSK file in the format psktool writes
 * @text: lines of "identity:hexkey"; blank lines and lines starting with
 *	  '#' are skipped
 * @len: length of @text
 * @list: receives the keys in file order; free with quic_psk_free()
 *
 * Any malformed line fails the whole file, so a typo cannot silently leave
 * a peer without its key.  Returns 0, -EINVAL (malformed or no key at all)
 * or -ENOMEM.
 */
int quic_psk_parse(const char *text, size_t len, struct quic_psk_list *list)
{
	const char *p = text, *end = text + len, *eol, *s, *e;
	unsigned int lineno = 0, cap = 0;
	struct quic_psk *grown;
	int ret;

	memset(list, 0, sizeof(*list));
	while (p < end) {
		eol = memchr(p, '\n', end - p);
		if (!eol)
			eol = end;
		s = p;
		e = eol;
		p = eol + 1;
		lineno++;
		while (s < e && quic_is_blank(*s))
			s++;
		while (e > s && quic_is_blank(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;

		if (list->count == cap) {
			cap = cap ? cap * 2 : 4;
			grown = realloc(list->psk, cap * sizeof(*grown));
			if (!grown) {
				quic_psk_free(list);
				return -ENOMEM;
			}
			list->psk = grown;
		}
		ret = quic_psk_parse_line(s, e - s, &list->psk[list->count]);
		if (ret) {
			quic_log_error("PSK file line %u: not identity:hexkey",
				       lineno);
			quic_psk_free(list);
			return ret;
		}
		list->count++;
	}
	if (!list->count) {
		quic_log_error("PSK file holds no key");
		return -EINVAL;
	}
	return 0;
}

/**
 * quic_psk_load - read and parse a PSK file
 * @file: its path
 * @list: see quic_psk_parse()
 *
 * Returns 0 or a negative errno (-EFBIG for a file over QUIC_PSK_FILE_MAX).
 */
int quic_psk_load(const char *file, struct quic_psk_list *list)
{
	struct stat st;
	ssize_t n;
	char *text;
	int fd, ret;

	memset(list, 0, sizeof(*list));
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		quic_log_error("open %s: %s", file, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (st.st_size > QUIC_PSK_FILE_MAX) {
		ret = -EFBIG;
		goto out;
	}
	text = malloc(st.st_size + 1);
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	n = read(fd, text, st.st_size);
	if (n < 0)
		ret = -errno;
	else
		ret = quic_psk_parse(text, n, list);
	gnutls_memset(text, 0, st.st_size + 1);
	free(text);
out:
	close(fd);
	return ret;
}

/* Returns the key for @identity, or NULL. */
const struct quic_psk *quic_psk_find(const struct quic_psk_list *list,
				     const char *identity)
{
	unsigned int i;

	for (i = 0; i < list->count; i++)
		if (!strcmp(list->psk[i].identity, identity))
			return &list->psk[i];
	return NULL;
}

void quic_psk_free(struct quic_psk_list *list)
{
	if (list->psk)
		gnutls_memset(list->psk, 0, list->count * sizeof(*list->psk));
	free(list->psk);
	list->psk = NULL;
	list->count = 0;
}

/* Returns the enum quic_crypto_level of a GnuTLS level, or -EINVAL. */
int quic_level_from_gnutls(gnutls_record_encryption_level_t level)
{
	switch (level) {
	case GNUTLS_ENCRYPTION_LEVEL_INITIAL:
		return QUIC_CRYPTO_INITIAL;
	case GNUTLS_ENCRYPTION_LEVEL_EARLY:
		return QUIC_CRYPTO_EARLY;
	case GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE:
		return QUIC_CRYPTO_HANDSHAKE;
	case GNUTLS_ENCRYPTION_LEVEL_APPLICATION:
		return QUIC_CRYPTO_APP;
	}
	return -EINVAL;
}

/* The reverse of quic_level_from_gnutls(); returns 0 or -EINVAL. */
int quic_level_to_gnutls(unsigned int level,
			 gnutls_record_encryption_level_t *out)
{
	switch (level) {
	case QUIC_CRYPTO_INITIAL:
		*out = GNUTLS_ENCRYPTION_LEVEL_INITIAL;
		return 0;
	case QUIC_CRYPTO_EARLY:
		*out = GNUTLS_ENCRYPTION_LEVEL_EARLY;
		return 0;
	case QUIC_CRYPTO_HANDSHAKE:
		*out = GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE;
		return 0;
	case QUIC_CRYPTO_APP:
		*out = GNUTLS_ENCRYPTION_LEVEL_APPLICATION;
		return 0;
	}
	return -EINVAL;
}

/* Returns the TLS_CIPHER_* id of a negotiated cipher, 0 if QUIC has none. */
uint32_t quic_cipher_to_tls(gnutls_cipher_algorithm_t cipher)
{
	switch (cipher) {
	case GNUTLS_CIPHER_AES_128_GCM:
		return QUIC_TLS_CIPHER_AES_GCM_128;
	case GNUTLS_CIPHER_AES_256_GCM:
		return QUIC_TLS_CIPHER_AES_GCM_256;
	case GNUTLS_CIPHER_AES_128_CCM:
		return QUIC_TLS_CIPHER_AES_CCM_128;
	case GNUTLS_CIPHER_CHACHA20_POLY1305:
		return QUIC_TLS_CIPHER_CHACHA20_POLY1305;
	default:
		return 0;
	}
}

/* The GnuTLS priority keyword of a TLS_CIPHER_* id, or NULL. */
const char *quic_tls_cipher_name(uint32_t tls_cipher)
{
	switch (tls_cipher) {
	case QUIC_TLS_CIPHER_AES_GCM_128:
		return "AES-128-GCM";
	case QUIC_TLS_CIPHER_AES_GCM_256:
		return "AES-256-GCM";
	case QUIC_TLS_CIPHER_AES_CCM_128:
		return "AES-128-CCM";
	case QUIC_TLS_CIPHER_CHACHA20_POLY1305:
		return "CHACHA20-POLY1305";
	default:
		return NULL;
	}
}
