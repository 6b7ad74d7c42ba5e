/* SPDX-License-Identifier: GPL-2.0 */
/*
 * quic_tool: what the QUIC userspace programs share: quic_perf, the HTTP/3
 * example client and server, and the selftest helpers (xfer, inject,
 * cycles).  Numeric addresses, number arguments, the --cipher names,
 * psktool PSK files and NSS key logs.
 *
 * Nothing here prints or exits: a helper returns -1 (with a reason where
 * there is more to say than errno) and each program reports it its own way,
 * to its own stream, with its own exit status.
 */
#ifndef QUIC_TOOL_H
#define QUIC_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>

/*
 * A numeric IPv4 or IPv6 address and a port into @ss; returns the family
 * (AF_INET or AF_INET6), or -1 when @addr is neither.
 */
int qt_parse_addr(const char *addr, int port, struct sockaddr_storage *ss,
		  socklen_t *len);

/*
 * An unsigned number in @base (0: C prefixes 0x and 0 too), optionally with
 * one binary K, M or G suffix (x 2^10, 2^20, 2^30).  The whole string must
 * be used; no sign, no overflow.  Returns 0 or -1.
 */
int qt_parse_u64(const char *s, int base, bool suffix, uint64_t *v);

/* The same, also bounded to [@min, @max]. */
int qt_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *v);

/* The --cipher names: our argument, GnuTLS's priority name, TLS_CIPHER_*. */
struct qt_cipher {
	const char *arg;
	const char *gnutls;
	uint32_t tls;
};

/* aes128, aes256, chacha20, aes128ccm; NULL when unknown. */
const struct qt_cipher *qt_cipher_by_arg(const char *arg);
const struct qt_cipher *qt_cipher_by_tls(uint32_t tls);

/*
 * The first "identity:hexkey" line of a psktool file, as client
 * credentials in @cred.  Returns 0, or -1 with the reason in @why.
 */
int qt_psk_client_creds(const char *file, gnutls_psk_client_credentials_t *cred,
			char *why, size_t whylen);

/*
 * NSS key log (SSLKEYLOGFILE, what Wireshark reads): qt_keylog_open()
 * appends to @path (0, or -1 with errno); qt_keylog_attach() makes a
 * session write its secrets there, one "LABEL client-random secret" line
 * each, as GnuTLS derives them.
 */
int qt_keylog_open(const char *path);
void qt_keylog_attach(gnutls_session_t s);
void qt_keylog_close(void);

/*
 * SNI for a client session: @host if it is a DNS name (RFC 6066 section 3
 * allows no address literals), nothing for NULL or an address.  Returns 0
 * or a GnuTLS error.
 */
int qt_set_sni(gnutls_session_t s, const char *host);

/*
 * QUIC_SOCKOPT_CONFIG's validate_peer_address on listening socket @fd: a
 * Retry before each new connection (RFC 9000 8.1.2). Returns 0, or -1
 * with errno.
 */
int qt_validate_peer_address(int fd);

#endif /* QUIC_TOOL_H */
