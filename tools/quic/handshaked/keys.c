// SPDX-License-Identifier: GPL-2.0
/*
 * Key material from the kernel's keyrings for quic-handshaked: the payload
 * of a key (a certificate, a private key, a pre-shared key) and the
 * identity of a pre-shared key, which is the key's description.  The
 * keyctl(2) system call is used directly, without libkeyutils.
 *
 * A request's keys are readable by the process that accepted it: the
 * kernel links the consumer's keyring into that process's keyring, which
 * is why the child that accepts a request is also the one that reads them.
 */
#include <errno.h>
#include <linux/keyctl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handshaked.h"

/* A key that keeps changing size while we read it is given up on. */
#define HSD_KEY_READ_TRIES	3

static long hsd_keyctl(int op, int32_t serial, void *buf, size_t len)
{
	return syscall(SYS_keyctl, op, serial, buf, len, 0);
}

/*
 * KEYCTL_READ and KEYCTL_DESCRIBE return the full size of what they have,
 * copying only what fits: ask for the size, then read, and retry if the
 * key grew in between.  The buffer comes from gnutls_malloc() so that it
 * can be handed to GnuTLS; one byte more keeps a description terminated.
 */
static int hsd_keyctl_get(int op, int32_t serial, gnutls_datum_t *out)
{
	long size, got;
	void *buf;
	int tries;

	size = hsd_keyctl(op, serial, NULL, 0);
	if (size < 0)
		return -errno;
	for (tries = 0; tries < HSD_KEY_READ_TRIES; tries++) {
		buf = gnutls_malloc(size + 1);
		if (!buf)
			return -ENOMEM;
		got = hsd_keyctl(op, serial, buf, size);
		if (got < 0) {
			got = -errno;
			gnutls_memset(buf, 0, size + 1);
			gnutls_free(buf);
			return (int)got;
		}
		if (got <= size) {
			((char *)buf)[got] = '\0';
			out->data = buf;
			out->size = (unsigned int)got;
			return 0;
		}
		gnutls_memset(buf, 0, size + 1);
		gnutls_free(buf);
		size = got;
	}
	return -EAGAIN;
}

int hsd_key_read(int32_t serial, gnutls_datum_t *payload)
{
	return hsd_keyctl_get(KEYCTL_READ, serial, payload);
}

/*
 * KEYCTL_DESCRIBE gives "type;uid;gid;perm;description"; the description,
 * which may itself contain ';', is the PSK identity.
 */
int hsd_key_identity(int32_t serial, char **identity)
{
	gnutls_datum_t d;
	char *p;
	int err, i;

	err = hsd_keyctl_get(KEYCTL_DESCRIBE, serial, &d);
	if (err)
		return err;
	p = (char *)d.data;
	for (i = 0; i < 4 && p; i++) {
		p = strchr(p, ';');
		if (p)
			p++;
	}
	if (!p || !*p) {
		gnutls_free(d.data);
		return -EINVAL;
	}
	*identity = strdup(p);
	gnutls_free(d.data);
	return *identity ? 0 : -ENOMEM;
}

/* Forget a datum, clearing it first: it may hold a secret. */
void hsd_datum_wipe(gnutls_datum_t *d)
{
	if (d->data) {
		gnutls_memset(d->data, 0, d->size);
		gnutls_free(d->data);
	}
	d->data = NULL;
	d->size = 0;
}
