// SPDX-License-Identifier: GPL-2.0
/*
 * quic_tool: helpers shared by the QUIC userspace programs.  See
 * quic_tool.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <linux/tls.h>
#include <netinet/quic.h>

#include "quic_tool.h"

int qt_parse_addr(const char *addr, int port, struct sockaddr_storage *ss,
		  socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return AF_INET6;
	}
	return -1;
}

int qt_parse_u64(const char *s, int base, bool suffix, uint64_t *v)
{
	unsigned long long n;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	n = strtoull(s, &end, base);
	if (errno || end == s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	if (suffix) {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		}
	}
	if (*end || (shift && n > (UINT64_MAX >> shift)))
		return -1;
	*v = (uint64_t)n << shift;
	return 0;
}

int qt_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t n;

	if (qt_parse_u64(s, 10, false, &n) || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

static const struct qt_cipher ciphers[] = {
	{ "aes128", "AES-128-GCM", TLS_CIPHER_AES_GCM_128 },
	{ "aes256", "AES-256-GCM", TLS_CIPHER_AES_GCM_256 },
	{ "chacha20", "CHACHA20-POLY1305", TLS_CIPHER_CHACHA20_POLY1305 },
	{ "aes128ccm", "AES-128-CCM", TLS_CIPHER_AES_CCM_128 },
};

const struct qt_cipher *qt_cipher_by_arg(const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (!strcmp(ciphers[i].arg, arg))
			return &ciphers[i];
	return NULL;
}

const struct qt_cipher *qt_cipher_by_tls(uint32_t tls)
{
	size_t i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (ciphers[i].tls == tls)
			return &ciphers[i];
	return NULL;
}

int qt_psk_client_creds(const char *file, gnutls_psk_client_credentials_t *cred,
			char *why, size_t whylen)
{
	char line[1024], *colon;
	gnutls_datum_t key;
	FILE *f = fopen(file, "r");
	int ret = -1, err;

	*cred = NULL;
	if (!f) {
		snprintf(why, whylen, "open %s: %s", file, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		snprintf(why, whylen, "%s: empty PSK file", file);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	colon = strchr(line, ':');
	if (!colon || colon == line || !colon[1]) {
		snprintf(why, whylen, "%s: expected identity:hexkey", file);
		goto out;
	}
	*colon = '\0';
	key.data = (unsigned char *)colon + 1;
	key.size = (unsigned int)strlen(colon + 1);
	err = gnutls_psk_allocate_client_credentials(cred);
	if (err < 0) {
		snprintf(why, whylen, "PSK credentials: %s",
			 gnutls_strerror(err));
		goto out;
	}
	err = gnutls_psk_set_client_credentials(*cred, line, &key,
						GNUTLS_PSK_KEY_HEX);
	if (err < 0) {
		snprintf(why, whylen, "%s: %s", file, gnutls_strerror(err));
		gnutls_psk_free_client_credentials(*cred);
		*cred = NULL;
		goto out;
	}
	ret = 0;
out:
	gnutls_memset(line, 0, sizeof(line));
	return ret;
}

static FILE *keylog;

static int keylog_write(gnutls_session_t s, const char *label,
			const gnutls_datum_t *secret)
{
	gnutls_datum_t crand, srand;
	unsigned int i;

	if (!keylog)
		return 0;
	gnutls_session_get_random(s, &crand, &srand);
	fprintf(keylog, "%s ", label);
	for (i = 0; i < crand.size; i++)
		fprintf(keylog, "%02x", crand.data[i]);
	fputc(' ', keylog);
	for (i = 0; i < secret->size; i++)
		fprintf(keylog, "%02x", secret->data[i]);
	fputc('\n', keylog);
	fflush(keylog);
	return 0;
}

int qt_keylog_open(const char *path)
{
	if (keylog)
		return 0;
	keylog = fopen(path, "a");
	return keylog ? 0 : -1;
}

void qt_keylog_attach(gnutls_session_t s)
{
	if (keylog)
		gnutls_session_set_keylog_function(s, keylog_write);
}

void qt_keylog_close(void)
{
	if (keylog)
		fclose(keylog);
	keylog = NULL;
}

int qt_set_sni(gnutls_session_t s, const char *host)
{
	unsigned char a[sizeof(struct in6_addr)];

	if (!host || inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1)
		return 0;
	return gnutls_server_name_set(s, GNUTLS_NAME_DNS, host, strlen(host));
}

int qt_validate_peer_address(int fd)
{
	struct quic_config c = {};
	socklen_t len = sizeof(c);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len))
		return -1;
	c.validate_peer_address = 1;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}
