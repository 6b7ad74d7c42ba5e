// SPDX-License-Identifier: GPL-2.0
/*
 * keyadd: put a PSK where a kernel consumer can name it to the handshake
 * daemon, for kconsumer_test.sh.
 *
 *   keyadd PSKFILE
 *
 * Reads the first "identity:hexkey" line of PSKFILE (psktool's format)
 * and makes, in root's user keyring, a keyring "quic-kconsumer" holding a
 * "user" key whose description is the identity and whose payload is the
 * key. Prints "keyring <serial> key <serial>".
 *
 * The consumer passes both serials with its request (ta_keyring and the
 * peer identity); net/handshake links the keyring into the daemon's
 * process keyring when the daemon accepts, which makes the daemon a
 * possessor of the key: possessors may read it, nobody else may.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Permission bits (include/linux/key.h keeps them from userspace). */
#define KP_POS_ALL	0x3f000000u
#define KP_USR_VIEW	0x00010000u
#define KP_USR_SEARCH	0x00080000u
#define KP_USR_LINK	0x00100000u

static long add_key(const char *type, const char *desc, const void *data,
		    size_t len, long ring)
{
	return syscall(SYS_add_key, type, desc, data, len, ring);
}

static int set_perm(long key, unsigned int perm)
{
	return (int)syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm);
}

static int hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int main(int argc, char **argv)
{
	unsigned char key[64];
	char line[512], *hex;
	long ring, k;
	size_t n = 0;
	FILE *f;
	int hi, lo;

	if (argc != 2) {
		fprintf(stderr, "usage: keyadd PSKFILE\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	hex = strchr(line, ':');
	if (!hex || hex == line) {
		fprintf(stderr, "%s: no identity:hexkey line\n", argv[1]);
		return 1;
	}
	*hex++ = '\0';
	while (hex[0] && hex[1] && n < sizeof(key)) {
		hi = hexval((unsigned char)hex[0]);
		lo = hexval((unsigned char)hex[1]);
		if (hi < 0 || lo < 0)
			break;
		key[n++] = (unsigned char)(hi << 4 | lo);
		hex += 2;
	}
	if (!n || *hex) {
		fprintf(stderr, "%s: bad hex key\n", argv[1]);
		return 1;
	}

	ring = add_key("keyring", "quic-kconsumer", NULL, 0,
		       KEY_SPEC_USER_KEYRING);
	if (ring < 0) {
		perror("add_key(keyring)");
		return 1;
	}
	/* The daemon, also root, must be allowed to link it. */
	if (set_perm(ring, KP_POS_ALL | KP_USR_VIEW | KP_USR_SEARCH |
		     KP_USR_LINK)) {
		perror("keyctl(SETPERM) on the keyring");
		return 1;
	}
	k = add_key("user", line, key, n, ring);
	if (k < 0) {
		perror("add_key(user)");
		return 1;
	}
	if (set_perm(k, KP_POS_ALL | KP_USR_VIEW)) {
		perror("keyctl(SETPERM) on the key");
		return 1;
	}
	printf("keyring %ld key %ld\n", ring, k);
	return 0;
}
