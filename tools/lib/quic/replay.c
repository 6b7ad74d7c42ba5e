// SPDX-License-Identifier: GPL-2.0
/*
 * Anti-replay for 0-RTT on the server (RFC 8446 section 8, RFC 9001
 * section 9.2).
 *
 * GnuTLS takes a client's early data only with anti-replay enabled: for
 * each ClientHello whose early data it would accept it asks to record the
 * ClientHello's binder, and one recorded already within the window (the
 * same ClientHello again: a replay) makes it refuse the early data, the
 * handshake going on without it. The record is this table, shared by the
 * process's sessions: a replay to another process is not seen, which is
 * what an application with 0-RTT requests that must not run twice has to
 * know (the socket API draft: 0-RTT carries idempotent operations only).
 *
 * A full table refuses early data rather than forgetting a live entry.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define QUIC_REPLAY_SLOTS	1024
#define QUIC_REPLAY_PROBES	16
#define QUIC_REPLAY_KEY_MAX	64

struct quic_replay_entry {
	time_t	expires;
	uint8_t	len;
	uint8_t	key[QUIC_REPLAY_KEY_MAX];
};

static struct quic_replay_entry quic_replay_table[QUIC_REPLAY_SLOTS];
static pthread_mutex_t quic_replay_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t quic_replay_once = PTHREAD_ONCE_INIT;
static gnutls_anti_replay_t quic_replay;

/* FNV-1a: spreads binders, which are random-looking already, over slots. */
static unsigned int quic_replay_hash(const gnutls_datum_t *key)
{
	uint32_t h = 2166136261u;
	unsigned int i;

	for (i = 0; i < key->size; i++)
		h = (h ^ key->data[i]) * 16777619u;
	return h % QUIC_REPLAY_SLOTS;
}

static int quic_replay_add(void *ptr, time_t exp, const gnutls_datum_t *key,
			   const gnutls_datum_t *data)
{
	struct quic_replay_entry *e, *free_slot = NULL;
	time_t now = time(NULL);
	unsigned int i, slot;
	int ret = GNUTLS_E_DB_ERROR;

	(void)ptr;
	(void)data;
	if (!key->size || key->size > QUIC_REPLAY_KEY_MAX)
		return GNUTLS_E_DB_ERROR;
	slot = quic_replay_hash(key);
	pthread_mutex_lock(&quic_replay_lock);
	for (i = 0; i < QUIC_REPLAY_PROBES; i++) {
		e = &quic_replay_table[(slot + i) % QUIC_REPLAY_SLOTS];
		if (e->len && e->expires > now) {
			if (e->len == key->size &&
			    !memcmp(e->key, key->data, key->size)) {
				ret = GNUTLS_E_DB_ENTRY_EXISTS;
				goto out;
			}
			continue;
		}
		if (!free_slot)
			free_slot = e;
	}
	if (free_slot) {
		free_slot->expires = exp;
		free_slot->len = key->size;
		memcpy(free_slot->key, key->data, key->size);
		ret = 0;
	}
out:
	pthread_mutex_unlock(&quic_replay_lock);
	if (ret == GNUTLS_E_DB_ENTRY_EXISTS)
		quic_log_notice("0-RTT replay detected: early data refused");
	else if (ret)
		quic_log_notice("0-RTT replay table full: early data refused");
	return ret;
}

static void quic_replay_init(void)
{
	if (gnutls_anti_replay_init(&quic_replay)) {
		quic_replay = NULL;
		return;
	}
	gnutls_anti_replay_set_add_function(quic_replay, quic_replay_add);
}

/**
 * quic_session_enable_early_data - let a server session take 0-RTT data
 * @session: server session made with GNUTLS_ENABLE_EARLY_DATA and
 *	     session tickets, before its handshake
 *
 * Without anti-replay GnuTLS refuses every client's early data; this
 * enables it with the process's table. quic_server_handshake() does it
 * when the socket hands out a ticket key.
 *
 * Returns 0, or -ENOMEM when there is no anti-replay context.
 */
QUIC_EXPORT int quic_session_enable_early_data(gnutls_session_t session)
{
	pthread_once(&quic_replay_once, quic_replay_init);
	if (!quic_replay) {
		quic_log_notice("no anti-replay context: 0-RTT refused");
		return -ENOMEM;
	}
	gnutls_anti_replay_enable(session, quic_replay);
	return 0;
}
