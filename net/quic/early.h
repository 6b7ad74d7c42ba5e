/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session resumption and 0-RTT (RFC 9000 7.4.1, RFC 9001 4.6): see
 * early.c.
 */
#ifndef _NET_QUIC_EARLY_H
#define _NET_QUIC_EARLY_H

#include "crypto.h"
#include "socket.h"
#include "tlsmsg.h"

struct quic_tparam_values;

/**
 * struct quic_early - 0-RTT state, while 0-RTT keys are in
 * @crypto: the keys: a client's to send, a server's to open
 * @ee: client: the server's EncryptedExtensions read so far, for its
 *	answer to the 0-RTT data (RFC 9001 4.6.2)
 * @ee_offset: client: the Handshake CRYPTO offset @ee has read up to
 */
struct quic_early {
	struct quic_crypto crypto;
	struct quic_tls_ee_scan ee;
	u64 ee_offset;
};

/* struct quic_sock.early_verdict: what a server made of a client's 0-RTT */
enum {
	QUIC_EARLY_UNKNOWN,	/* no 0-RTT sent, or no answer yet */
	QUIC_EARLY_ACCEPTED,
	QUIC_EARLY_REFUSED,
};

int quic_early_crypto(struct sock *sk, struct quic_crypto **c);
void quic_early_discard(struct sock *sk);
bool quic_early_rx_wait(const struct quic_sock *qs);
int quic_early_remember_tparams(struct sock *sk,
				const struct quic_tparam_values *p);
u32 quic_early_rx_tickets(struct sock *sk);
u32 quic_early_rx_handshake(struct sock *sk);
u32 quic_early_check_tparams(const struct quic_sock *qs,
			     const struct quic_tparam_values *v);
int quic_early_ticket_key(struct quic_sock *qs);
int quic_early_inherit_key(struct quic_sock *qs, struct quic_sock *ls);

/**
 * quic_early_tx_ready() - does a client send 0-RTT packets now
 * @qs: socket
 *
 * From when its ClientHello is queued, so that the first 0-RTT packet can
 * share that datagram (a server only finds a connection for what comes
 * with or after its Initial), until 1-RTT keys take over. Asked for every
 * application space packet built: inline, and done at once without keys.
 *
 * Return: true if application space packets go as 0-RTT.
 */
static inline bool quic_early_tx_ready(const struct quic_sock *qs)
{
	const struct quic_space *init = qs->space[QUIC_SPACE_INITIAL];
	const struct quic_early *e = qs->early;

	if (likely(!e))
		return false;
	return e->crypto.tx.ready && !qs->is_server && !qs->closing &&
	       !qs->app_crypto.tx.ready &&
	       (init->discarded || init->crypto_tx.write_offset);
}

#endif /* _NET_QUIC_EARLY_H */
