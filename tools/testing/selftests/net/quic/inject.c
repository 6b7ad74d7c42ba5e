// SPDX-License-Identifier: GPL-2.0
/*
 * inject: hostile QUIC packets at a live connection and at a listener, for
 * badinput_test.sh.
 *
 *   inject conn -a ADDR -p PORT --psk FILE --case NAME[,NAME...]|all
 *	[--server-pid PID] [--cipher C] [--case-timeout S] [--timeout S]
 *   inject listener -a ADDR -p PORT --psk FILE --case NAME[,NAME...]|all
 *	[--server-pid PID] [--case-timeout S] [--timeout S]
 *   inject list conn|dgram|listener|retry	(name, what is sent, expected
 *	outcome; retry: listener cases for a server with validate_peer_address)
 *   inject vn-server -a ADDR -p PORT [--versions HEX[,HEX...]]
 *	(a fake server: see run_vn_server())
 *
 * conn: a QUIC client of an echo server (xfer -s) that learns its own 1-RTT
 * secret from the GnuTLS key log callback, and the server's connection ID
 * and its own packet numbers by sniffing what it sends (a TPACKET ring in
 * its network namespace; every sniffed 1-RTT packet is decrypted, which
 * proves the keys). After a 1 KiB echo it sends each case's packets to the
 * server from its own address and port (a raw socket writes the UDP
 * header) and checks the outcome the RFC asks for:
 *   ignored: no close, and another 1 KiB echo still works (ignored cases
 *	      share a connection while it lasts);
 *   closed:  on a connection of its own, the client sees the server's
 *	      CONNECTION_CLOSE and reads the expected transport error code
 *	      with QUIC_SOCKOPT_CONNECTION_CLOSE.
 * The client's own ACK frames, decrypted too, tell which server packet
 * numbers exist: case ack-ranges first echoes 4 MiB at a time until the
 * server has sent more than 20,000 packets, then acknowledges 10,000 of
 * them in one 20 KB ACK frame.
 * Authentic packets are built with the packet codecs of net/quic
 * (header.c, pnum.c, frame.c, keys.c, compiled in here) and protected with
 * GnuTLS.
 *
 * listener: sends each case's datagrams to a listening server from a new
 * plain UDP socket (announced as "PORT <case> <port>", so the script can
 * check that the server accepted no connection from it); for authentic
 * Initials (keys derived from the DCID chosen here) it reads the server's
 * answer and checks the error code of its CONNECTION_CLOSE. Then the
 * server process (--server-pid) must still be there and a new client must
 * connect and echo 1 KiB.
 *
 * Output: "# ..." details and one line per case, "RESULT <case> PASS: ...",
 * "RESULT <case> FAIL: ..." or "RESULT <case> ERROR: ..." (the test could
 * not do its part). Exit status: 0 all passed, 1 a case failed, 2 usage or
 * setup error, 3 a listener run stopped early because the server is gone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netinet/quic.h>

#include "quic_tool.h"

/*
 * The pure codecs of net/quic, compiled in (as the unit tests do). Their
 * userspace base types come from the unit tests' compat header, included by
 * path since this Makefile has no -I for it; its __uNN typedefs would clash
 * with <linux/types.h> (already in through <linux/quic.h>), so they are
 * renamed away, and codec_compat.h is skipped by defining its guard.
 */
#define __u8	inject_compat___u8
#define __u16	inject_compat___u16
#define __u32	inject_compat___u32
#define __u64	inject_compat___u64
#define __s32	inject_compat___s32
#define __s64	inject_compat___s64
#include "../../../unit/include/quic_user_compat.h"
#undef __u8
#undef __u16
#undef __u32
#undef __u64
#undef __s32
#undef __s64
#define _NET_QUIC_CODEC_COMPAT_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "../../../../../net/quic/header.c"
#include "../../../../../net/quic/pnum.c"
#include "../../../../../net/quic/frame.c"
#include "../../../../../net/quic/keys.c"
#pragma GCC diagnostic pop

#define EXIT_PASS	0
#define EXIT_FAILED	1
#define EXIT_SETUP	2
#define EXIT_SERVER_GONE 3	/* a listener batch stopped: no server */

#define CID_LEN		8	/* the kernel's QUIC_CID_LEN_DEFAULT */
#define ECHO_BYTES	1024
#define MAX_DGRAM	65000	/* fits IPv4 and IPv6 with headers */
#define PKT_MAX		1400
#define INJECT_PN_GAP	1000	/* past anything the client sends meanwhile */
#define ACK_RANGES	10000	/* in the ack-ranges case's ACK frame */
#define BULK_BYTES	(4 << 20)	/* one echo round of that case */
#define BULK_MAX	(64 << 20)	/* at most this much echoed for it */
#define RESYNC_WINDOWS	64	/* sniffer: pn gap bridged, x 256 */
#define RESYNC_TRIES	8	/* sniffer: gap searches per look at the ring */
#define MIN_INITIAL	1200

static struct {
	const char *mode, *addr, *psk, *cipher;
	char *cases, *versions;
	int port;
	int server_pid;
	unsigned int timeout, case_timeout;
} opt = {
	.port = -1,
	.timeout = 30,
	.case_timeout = 10,
	.cipher = "aes128",
};

/* ---- reporting ---- */

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * A case ends in finish(): PASS, FAIL, or ERROR when the test itself could
 * not do its part. Inside a batch it prints "RESULT <case> <outcome>:
 * <message>" and jumps back to the batch loop; otherwise it exits.
 */
static jmp_buf case_env;
static bool in_case;
static const char *case_name = "-";
static double case_t0;
static char alarm_msg[160] = "RESULT - ERROR: timeout (--timeout)\n";

static void __attribute__((noreturn, format(printf, 2, 3)))
finish(int code, const char *fmt, ...)
{
	va_list ap;

	printf("RESULT %s %s: ", case_name, code == EXIT_PASS ? "PASS" :
	       code == EXIT_FAILED ? "FAIL" : "ERROR");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (case_t0 > 0)
		printf(" (%.1f s)", now() - case_t0);
	putchar('\n');
	fflush(stdout);
	if (in_case)
		longjmp(case_env, code + 1);
	exit(code);
}

#define setup_errno(what, ...) \
	finish(EXIT_SETUP, what ": %s", ##__VA_ARGS__, strerror(errno))

static void case_begin(const char *name)
{
	case_name = name;
	case_t0 = now();
	snprintf(alarm_msg, sizeof(alarm_msg),
		 "RESULT %s FAIL: stuck for 3 x --case-timeout\n",
		 name);
}

static void on_alarm(int sig)
{
	(void)sig;
	if (write(STDOUT_FILENO, alarm_msg, strlen(alarm_msg)) < 0)
		_exit(EXIT_FAILED);
	_exit(EXIT_FAILED);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

static void rnd(void *p, size_t n)
{
	u8 *b = p;
	ssize_t r;

	while (n) {
		r = getrandom(b, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			setup_errno("getrandom");
		}
		b += r;
		n -= (size_t)r;
	}
}

/* ---- packet protection: keys.c decides the layout, GnuTLS ciphers ---- */

struct keyset {
	struct quic_packet_keys k;
	u32 cipher;		/* QUIC_CIPHER_* */
};

static int gt_hmac(void *ctx, u8 hash, const u8 *key, u32 key_len,
		   const u8 *data, u32 data_len, u8 *out)
{
	gnutls_mac_algorithm_t alg = hash == QUIC_HASH_SHA384 ?
				     GNUTLS_MAC_SHA384 : GNUTLS_MAC_SHA256;

	(void)ctx;
	if (hash != QUIC_HASH_SHA256 && hash != QUIC_HASH_SHA384)
		return -EINVAL;
	return gnutls_hmac_fast(alg, key, key_len, data, data_len, out) ?
	       -EIO : 0;
}

static const struct quic_hmac_ops gt_hmac_ops = { .hmac = gt_hmac };

static gnutls_cipher_algorithm_t gt_aead_alg(u32 cipher)
{
	switch (cipher) {
	case QUIC_CIPHER_AES_256_GCM:
		return GNUTLS_CIPHER_AES_256_GCM;
	case QUIC_CIPHER_AES_128_CCM:
		return GNUTLS_CIPHER_AES_128_CCM;
	case QUIC_CIPHER_CHACHA20_POLY1305:
		return GNUTLS_CIPHER_CHACHA20_POLY1305;
	default:
		return GNUTLS_CIPHER_AES_128_GCM;
	}
}

/* AEAD seal (@seal) or open of @in into @out, nonce from @pn. */
static int gt_aead(const struct keyset *ks, u64 pn, const u8 *aad,
		   u32 aad_len, const u8 *in, u32 in_len, u8 *out, bool seal)
{
	gnutls_datum_t key = { .data = (u8 *)ks->k.key, .size = ks->k.key_len };
	u8 nonce[QUIC_IV_LEN];
	gnutls_aead_cipher_hd_t h;
	size_t out_len;
	int ret;

	if (!seal && in_len < QUIC_TAG_LEN)
		return -EINVAL;
	quic_keys_nonce(ks->k.iv, pn, nonce);
	if (gnutls_aead_cipher_init(&h, gt_aead_alg(ks->cipher), &key))
		return -EIO;
	if (seal) {
		out_len = in_len + QUIC_TAG_LEN;
		ret = gnutls_aead_cipher_encrypt(h, nonce, sizeof(nonce), aad,
						 aad_len, QUIC_TAG_LEN, in,
						 in_len, out, &out_len);
	} else {
		out_len = in_len;
		ret = gnutls_aead_cipher_decrypt(h, nonce, sizeof(nonce), aad,
						 aad_len, QUIC_TAG_LEN, in,
						 in_len, out, &out_len);
	}
	gnutls_aead_cipher_deinit(h);
	return ret ? -EBADMSG : 0;
}

/*
 * Header protection mask of RFC 9001 5.4: AES in ECB mode over the sample
 * (one CBC block with a zero IV), or ChaCha20 with the sample as its
 * counter and nonce, run over zeros.
 */
static int gt_hp_mask(const struct keyset *ks, const u8 *sample, u8 *mask)
{
	u8 iv0[QUIC_HP_SAMPLE_LEN] = { 0 }, in[QUIC_HP_SAMPLE_LEN] = { 0 };
	gnutls_datum_t key = { .data = (u8 *)ks->k.hp, .size = ks->k.key_len };
	gnutls_datum_t iv = { .data = iv0, .size = sizeof(iv0) };
	gnutls_cipher_algorithm_t alg;
	u8 out[QUIC_HP_SAMPLE_LEN];
	gnutls_cipher_hd_t h;
	int ret;

	if (ks->cipher == QUIC_CIPHER_CHACHA20_POLY1305) {
		alg = GNUTLS_CIPHER_CHACHA20_32;
		iv.data = (u8 *)sample;
	} else {
		alg = ks->k.key_len == 32 ? GNUTLS_CIPHER_AES_256_CBC :
					    GNUTLS_CIPHER_AES_128_CBC;
		memcpy(in, sample, sizeof(in));
	}
	if (gnutls_cipher_init(&h, alg, &key, &iv))
		return -EIO;
	ret = gnutls_cipher_encrypt2(h, in, sizeof(in), out, sizeof(out));
	gnutls_cipher_deinit(h);
	memcpy(mask, out, QUIC_HP_MASK_LEN);
	return ret ? -EIO : 0;
}

/*
 * Protect a laid-out packet in place: the header is @pn_offset + @pn_len
 * bytes, @plen payload bytes follow and the buffer has room for the tag.
 * Returns the protected packet length.
 */
static u32 seal_packet(const struct keyset *ks, u8 *pkt, u32 pn_offset,
		       u32 pn_len, u32 plen, u64 pn)
{
	u32 hdr = pn_offset + pn_len, len = hdr + plen + QUIC_TAG_LEN;
	u8 mask[QUIC_HP_MASK_LEN], *ct = malloc(plen + QUIC_TAG_LEN);

	if (!ct)
		finish(EXIT_SETUP, "out of memory");
	if (gt_aead(ks, pn, pkt, hdr, pkt + hdr, plen, ct, true))
		finish(EXIT_SETUP, "AEAD seal failed");
	memcpy(pkt + hdr, ct, plen + QUIC_TAG_LEN);
	free(ct);
	if (!quic_hp_sample_fits(pn_offset, len))
		finish(EXIT_SETUP, "packet too short for a header sample");
	if (gt_hp_mask(ks, pkt + pn_offset + QUIC_HP_SAMPLE_SKIP, mask))
		finish(EXIT_SETUP, "header protection failed");
	quic_hp_apply_mask(pkt, pn_offset, pn_len, mask);
	return len;
}

/*
 * Remove protection from a received packet of @len bytes in place; the
 * payload goes to @out. @largest: largest packet number seen in its space.
 */
static int open_packet(const struct keyset *ks, u8 *pkt, u32 len,
		       u32 pn_offset, u64 largest, u64 *pn, u8 *out,
		       u32 *out_len)
{
	u8 mask[QUIC_HP_MASK_LEN];
	u32 pn_len, hdr;

	if (!quic_hp_sample_fits(pn_offset, len) ||
	    gt_hp_mask(ks, pkt + pn_offset + QUIC_HP_SAMPLE_SKIP, mask))
		return -EINVAL;
	pn_len = quic_hp_remove_mask(pkt, pn_offset, mask);
	if (!quic_pnum_decode(largest, quic_hp_pn_get(pkt + pn_offset, pn_len),
			      (u8)pn_len, pn))
		return -EINVAL;
	hdr = pn_offset + pn_len;
	if (len < hdr + QUIC_TAG_LEN)
		return -EINVAL;
	if (gt_aead(ks, *pn, pkt, hdr, pkt + hdr, len - hdr, out, false))
		return -EBADMSG;
	*out_len = len - hdr - QUIC_TAG_LEN;
	return 0;
}

static void keys_from_secret(struct keyset *ks, u32 version, u32 cipher,
			     const u8 *secret, u32 secret_len)
{
	ks->cipher = cipher;
	if (quic_keys_derive(&gt_hmac_ops, NULL, version, cipher, secret,
			     secret_len, &ks->k))
		finish(EXIT_SETUP, "quic_keys_derive failed (cipher %u)",
		       cipher);
}

static void initial_keys(u32 version, const u8 *dcid, u8 dcid_len,
			 struct keyset *client, struct keyset *server)
{
	u8 cs[QUIC_INITIAL_SECRET_LEN], ss[QUIC_INITIAL_SECRET_LEN];

	if (quic_keys_initial_secrets(&gt_hmac_ops, NULL, version, dcid,
				      dcid_len, cs, ss))
		finish(EXIT_SETUP, "quic_keys_initial_secrets failed");
	keys_from_secret(client, version, QUIC_CIPHER_AES_128_GCM, cs,
			 sizeof(cs));
	keys_from_secret(server, version, QUIC_CIPHER_AES_128_GCM, ss,
			 sizeof(ss));
}

/* ---- frames ---- */

struct buf {
	u8 d[PKT_MAX];
	u32 n;
};

static void put_u8(struct buf *b, u8 v)
{
	if (b->n < sizeof(b->d))
		b->d[b->n++] = v;
}

static void put_var(struct buf *b, u64 v)
{
	if (b->n + 8 <= sizeof(b->d))
		b->n = (u32)(quic_varint_put(b->d + b->n, v) - b->d);
}

static void put_mem(struct buf *b, const void *p, u32 n)
{
	if (b->n + n <= sizeof(b->d)) {
		memcpy(b->d + b->n, p, n);
		b->n += n;
	}
}

/* A frame through the codec's encoder: valid frames only. */
static void put_frame(struct buf *b, const struct quic_frame *f)
{
	int n = quic_frame_encode(b->d + b->n, sizeof(b->d) - b->n, f);

	if (n <= 0)
		finish(EXIT_SETUP, "quic_frame_encode(type 0x%llx) failed: %d",
		       (unsigned long long)f->type, n);
	b->n += (u32)n;
}

static void put_ping(struct buf *b)
{
	struct quic_frame f = { .type = QUIC_FRAME_PING };

	put_frame(b, &f);
}

/* STREAM frame with OFF and LEN, through the codec. */
static void put_stream(struct buf *b, u64 sid, u64 off, const u8 *data,
		       u32 len, bool fin)
{
	struct quic_frame f = {
		.type = QUIC_FRAME_STREAM | QUIC_FRAME_STREAM_OFF |
			QUIC_FRAME_STREAM_LEN | (fin ? QUIC_FRAME_STREAM_FIN : 0),
		.stream = { .stream_id = sid, .offset = off, .len = len,
			    .fin = fin, .data = data },
	};

	put_frame(b, &f);
}

/* ---- UDP senders ---- */

union sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_storage ss;
};

static socklen_t sa_len(const union sa *a)
{
	return a->sa.sa_family == AF_INET ? sizeof(a->v4) : sizeof(a->v6);
}

static void parse_addr(const char *s, int port, union sa *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4.sin_addr) == 1) {
		a->v4.sin_family = AF_INET;
		a->v4.sin_port = htons((u16)port);
		return;
	}
	if (inet_pton(AF_INET6, s, &a->v6.sin6_addr) == 1) {
		a->v6.sin6_family = AF_INET6;
		a->v6.sin6_port = htons((u16)port);
		return;
	}
	finish(EXIT_SETUP, "bad address '%s'", s);
}

static const void *sa_ip(const union sa *a)
{
	return a->sa.sa_family == AF_INET ? (const void *)&a->v4.sin_addr :
					    (const void *)&a->v6.sin6_addr;
}

static u16 sa_port(const union sa *a)
{
	return ntohs(a->sa.sa_family == AF_INET ? a->v4.sin_port :
						  a->v6.sin6_port);
}

/*
 * Sends UDP datagrams with a chosen source port through a raw socket (the
 * kernel adds the IP header and fragments what is over the MTU), so that
 * injected packets come from the client's own address and port.
 */
struct spoof {
	int fd;
	union sa src, dst;
	u8 *buf;
	bool bad_csum;		/* send a wrong (never zero) UDP checksum */
};

static u32 csum_add(u32 sum, const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (u32)p[n - 1] << 8;
	return sum;
}

static u16 udp_csum(const struct spoof *sp, const u8 *udp, size_t len)
{
	size_t alen = sp->src.sa.sa_family == AF_INET ? 4 : 16;
	u8 tail[8] = { 0 };
	u32 sum = 0;

	sum = csum_add(sum, sa_ip(&sp->src), alen);
	sum = csum_add(sum, sa_ip(&sp->dst), alen);
	/* protocol and UDP length: the pseudo-header's last words */
	tail[3] = IPPROTO_UDP;
	tail[4] = (u8)(len >> 24);
	tail[5] = (u8)(len >> 16);
	tail[6] = (u8)(len >> 8);
	tail[7] = (u8)len;
	sum = csum_add(sum, tail, sizeof(tail));
	sum = csum_add(sum, udp, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return sum ? (u16)sum : 0xffff;
}

static void spoof_open(struct spoof *sp, const union sa *src,
		       const union sa *dst)
{
	int fam = src->sa.sa_family, off = IP_PMTUDISC_DONT;
	union sa bind_to = *src;

	sp->src = *src;
	sp->dst = *dst;
	sp->buf = malloc(MAX_DGRAM + 8);
	if (!sp->buf)
		finish(EXIT_SETUP, "out of memory");
	sp->fd = socket(fam, SOCK_RAW, IPPROTO_UDP);
	if (sp->fd < 0)
		setup_errno("socket(SOCK_RAW, IPPROTO_UDP)");
	/* Raw sockets take no port; the source address is what counts. */
	if (fam == AF_INET)
		bind_to.v4.sin_port = 0;
	else
		bind_to.v6.sin6_port = 0;
	if (bind(sp->fd, &bind_to.sa, sa_len(&bind_to)))
		setup_errno("bind raw socket");
	/* Let the kernel fragment oversized datagrams. */
	if (fam == AF_INET)
		setsockopt(sp->fd, IPPROTO_IP, IP_MTU_DISCOVER, &off,
			   sizeof(off));
	else {
		off = IPV6_PMTUDISC_DONT;
		setsockopt(sp->fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &off,
			   sizeof(off));
	}
}

static void spoof_send(struct spoof *sp, const u8 *p, u32 len)
{
	union sa to = sp->dst;
	u32 n = len + 8;
	u16 c;

	if (len > MAX_DGRAM)
		finish(EXIT_SETUP, "datagram of %u bytes too large", len);
	sp->buf[0] = (u8)(sa_port(&sp->src) >> 8);
	sp->buf[1] = (u8)sa_port(&sp->src);
	sp->buf[2] = (u8)(sa_port(&sp->dst) >> 8);
	sp->buf[3] = (u8)sa_port(&sp->dst);
	sp->buf[4] = (u8)(n >> 8);
	sp->buf[5] = (u8)n;
	sp->buf[6] = 0;
	sp->buf[7] = 0;
	if (len)
		memcpy(sp->buf + 8, p, len);
	c = udp_csum(sp, sp->buf, n);
	/* One off, and not zero: IPv4 would read 0 as "no checksum". */
	if (sp->bad_csum)
		c = c == 0xffff ? 1 : c + 1;
	sp->buf[6] = (u8)(c >> 8);
	sp->buf[7] = (u8)c;
	if (to.sa.sa_family == AF_INET)
		to.v4.sin_port = 0;
	else
		to.v6.sin6_port = 0;
	if (sendto(sp->fd, sp->buf, n, 0, &to.sa, sa_len(&to)) != (ssize_t)n)
		setup_errno("sendto (raw, %u byte datagram)", len);
}

/* ---- the client connection and what it learns by sniffing ---- */

struct capture {
	u8 *data;
	u32 len;
	union sa src;
};

/*
 * What this namespace sends, seen by two packet sockets: a TPACKET ring,
 * which copies each packet as it is sent, and a plain one, which queues
 * a clone of the skb: its bytes are read later, so they show whatever the
 * stack did to the shared data meanwhile (see case "tap-intact").
 */
struct ring {
	int fd;
	u8 *map;
	u32 frame_size, frame_nr, pos;
};

struct conn {
	int fd;			/* QUIC socket */
	struct ring ring;
	int plain;		/* AF_PACKET without a ring */
	union sa server;
	struct spoof sp;
	u32 version;
	u32 cipher;		/* QUIC_CIPHER_* */
	u8 secret[QUIC_SECRET_MAX_LEN];
	u32 secret_len;
	bool have_secret;
	struct keyset tx;	/* client 1-RTT */
	u8 dcid[CID_LEN];	/* the server's CID, as the client uses it */
	u64 largest;		/* largest client 1-RTT pn seen */
	u64 peer_largest;	/* largest server pn the client acknowledged */
	bool bulk;		/* in bulk_echo(): count, not note, failures */
	u32 unopened;		/* 1-RTT packets that did not open meanwhile */
	u64 next_pn;		/* for injected authentic packets */
	struct capture caps[64];	/* authentic client 1-RTT datagrams */
	u32 ncaps;
	u32 verified;
	u32 seen;		/* datagrams to the server sniffed */
	u32 tap_compared, tap_differ;
	u16 local_port;		/* the client's, 0 if unknown */
	int64_t next_sid;	/* next stream for an echo */
};

static struct conn C;

static int keylog_cb(gnutls_session_t s, const char *label,
		     const gnutls_datum_t *secret)
{
	(void)s;
	if (strcmp(label, "CLIENT_TRAFFIC_SECRET_0") ||
	    secret->size > sizeof(C.secret))
		return 0;
	memcpy(C.secret, secret->data, secret->size);
	C.secret_len = secret->size;
	C.have_secret = true;
	return 0;
}

static u32 quic_cipher_of(gnutls_cipher_algorithm_t c)
{
	switch (c) {
	case GNUTLS_CIPHER_AES_128_GCM:
		return QUIC_CIPHER_AES_128_GCM;
	case GNUTLS_CIPHER_AES_256_GCM:
		return QUIC_CIPHER_AES_256_GCM;
	case GNUTLS_CIPHER_AES_128_CCM:
		return QUIC_CIPHER_AES_128_CCM;
	case GNUTLS_CIPHER_CHACHA20_POLY1305:
		return QUIC_CIPHER_CHACHA20_POLY1305;
	default:
		return 0;
	}
}

static const char *gnutls_cipher_arg(const char *arg)
{
	const struct qt_cipher *c = qt_cipher_by_arg(arg);

	if (!c)
		finish(EXIT_SETUP, "unknown --cipher '%s'", arg);
	return c->gnutls;
}

/* PSK from the first "identity:hexkey" line of a psktool file. */
static void psk_creds(gnutls_session_t s,
		      gnutls_psk_client_credentials_t *cred)
{
	char why[512];

	if (qt_psk_client_creds(opt.psk, cred, why, sizeof(why)))
		finish(EXIT_SETUP, "%s", why);
	if (gnutls_credentials_set(s, GNUTLS_CRD_PSK, *cred))
		finish(EXIT_SETUP, "PSK credentials from %s", opt.psk);
}

/* A failed handshake is the test's problem, except where it is the test. */
static int hs_fail_code = EXIT_SETUP;
static const char *hs_fail_what = "";
static unsigned int hs_idle_ms;	/* idle timeout; 0: --case-timeout */
static bool server_alive(void);

static void client_handshake(struct conn *c)
{
	char prio[sizeof(QUIC_PRIORITY) + 64];
	gnutls_psk_client_credentials_t cred;
	const char *err = NULL;
	struct quic_transport_param tp = { 0 };
	socklen_t local_len, tp_len;
	gnutls_session_t s;
	union sa local;
	int ret;

	c->have_secret = false;
	c->fd = socket(c->server.sa.sa_family, SOCK_STREAM, IPPROTO_QUIC);
	if (c->fd < 0)
		setup_errno("socket(IPPROTO_QUIC)");
	/* The idle timeout also bounds how long the handshake waits. */
	tp_len = sizeof(tp);
	if (getsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp,
		       &tp_len))
		setup_errno("getsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM)");
	tp.remote = 0;
	tp.max_idle_timeout = (hs_idle_ms ? hs_idle_ms :
				     opt.case_timeout * 1000) * 1000U;
	if (setsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp,
		       sizeof(tp)))
		setup_errno("setsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM)");
	if (connect(c->fd, &c->server.sa, sa_len(&c->server)))
		setup_errno("connect");
	local_len = sizeof(local);
	if (!getsockname(c->fd, &local.sa, &local_len))
		c->local_port = sa_port(&local);
	if (gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NO_END_OF_EARLY_DATA))
		finish(EXIT_SETUP, "gnutls_init");
	snprintf(prio, sizeof(prio), "%s:-CIPHER-ALL:+%s", QUIC_PRIORITY,
		 gnutls_cipher_arg(opt.cipher));
	if (gnutls_priority_set_direct(s, prio, &err))
		finish(EXIT_SETUP, "priority %s (at %s)", prio,
		       err ? err : "?");
	psk_creds(s, &cred);
	gnutls_session_set_keylog_function(s, keylog_cb);
	gnutls_transport_set_int(s, c->fd);
	ret = quic_handshake(s);
	if (ret && !server_alive())
		finish(hs_fail_code, "%shandshake failed: %s; the server process exited",
		       hs_fail_what, strerror(-ret));
	if (ret)
		finish(hs_fail_code, "%shandshake failed: %s", hs_fail_what,
		       strerror(-ret));
	c->cipher = quic_cipher_of(gnutls_cipher_get(s));
	gnutls_deinit(s);
	gnutls_psk_free_client_credentials(cred);
	if (!c->cipher)
		finish(EXIT_SETUP, "negotiated cipher unknown");
	if (!c->have_secret)
		finish(EXIT_SETUP, "no CLIENT_TRAFFIC_SECRET_0 from the key log");
}

/* The pattern xfer checks: SplitMix64 of stream and offset / 8. */
static void fill_pattern(int64_t sid, u64 off, u8 *p, size_t len)
{
	while (len) {
		u64 x = ((u64)sid << 44) ^ (off >> 3);
		unsigned int i;

		x += 0x9e3779b97f4a7c15ULL;
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
		x ^= x >> 31;
		for (i = off & 7; i < 8 && len; i++, len--, off++)
			*p++ = (u8)(x >> (8 * i));
	}
}

/* sendmsg() on stream @sid with @sflags in QUIC_STREAM_INFO, @mflags. */
static ssize_t stream_sendmsg(int fd, int64_t sid, u32 sflags, const void *p,
			      size_t len, int mflags)
{
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} ctl;
	struct quic_stream_info info = { .stream_id = sid,
					 .stream_flags = sflags };
	struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.b,
		.msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *cm;

	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_QUIC;
	cm->cmsg_type = QUIC_STREAM_INFO;
	cm->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(cm), &info, sizeof(info));
	return sendmsg(fd, &m, mflags | MSG_NOSIGNAL);
}

static ssize_t stream_send(int fd, int64_t sid, u32 sflags, const void *p,
			   size_t len)
{
	return stream_sendmsg(fd, sid, sflags, p, len, 0);
}

/*
 * Send ECHO_BYTES on a new bidirectional stream with FIN and read the
 * server's echo back to its FIN. Returns 0, or -1 with @why filled in.
 */
static int echo(struct conn *c, char *why, size_t wlen)
{
	u8 tx[ECHO_BYTES], rx[4096], want[4096];
	double end = now() + opt.case_timeout;
	int64_t sid = c->next_sid;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	u64 got = 0;
	ssize_t n;

	c->next_sid += 4;
	fill_pattern(sid, 0, tx, sizeof(tx));
	n = stream_send(c->fd, sid, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN,
			tx, sizeof(tx));
	if (n != (ssize_t)sizeof(tx)) {
		snprintf(why, wlen, "sendmsg(stream %lld): %s",
			 (long long)sid, n < 0 ? strerror(errno) : "short");
		return -1;
	}
	while (now() < end) {
		int64_t rsid = -1;
		u32 flags = MSG_DONTWAIT;

		if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
			snprintf(why, wlen, "poll: %s", strerror(errno));
			return -1;
		}
		n = quic_recvmsg(c->fd, rx, sizeof(rx), &rsid, &flags);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			snprintf(why, wlen, "recvmsg: %s", strerror(errno));
			return -1;
		}
		if (flags & MSG_QUIC_NOTIFICATION)
			continue;
		if (rsid != sid) {
			if (!n && rsid < 0) {
				snprintf(why, wlen, "connection closed (EOF)");
				return -1;
			}
			note("%zd bytes on unexpected stream %lld", n,
			     (long long)rsid);
			continue;
		}
		fill_pattern(sid, got, want, (size_t)n);
		if (got + (u64)n > sizeof(tx) || memcmp(rx, want, (size_t)n)) {
			snprintf(why, wlen, "echo on stream %lld differs",
				 (long long)sid);
			return -1;
		}
		got += (u64)n;
		if (flags & MSG_QUIC_STREAM_FIN)
			break;
	}
	if (got != sizeof(tx)) {
		snprintf(why, wlen, "echo on stream %lld: %llu of %zu bytes back in %u s",
			 (long long)sid, (unsigned long long)got, sizeof(tx),
			 opt.case_timeout);
		return -1;
	}
	return 0;
}

static void sniff_learn(struct conn *c);

/*
 * Echo @bytes on a new bidirectional stream, writing and reading at once
 * (the stream windows are smaller than @bytes: neither side may wait for
 * the other), for a case that needs the server to have sent many packets.
 * The sniffer learns from the client's packets as they go, so that it
 * keeps up with their packet numbers. Returns 0, or -1 with @why.
 */
static int bulk_echo(struct conn *c, u64 bytes, char *why, size_t wlen)
{
	static u8 tx[65536], rx[65536], want[65536];
	double end = now() + 2 * opt.case_timeout;
	struct pollfd pfd = { .fd = c->fd };
	int64_t sid = c->next_sid;
	u64 sent = 0, got = 0;
	bool fin_sent = false;
	ssize_t n;

	c->next_sid += 4;
	c->bulk = true;
	while (got < bytes) {
		if (now() >= end) {
			snprintf(why, wlen, "%llu of %llu bytes echoed in %u s",
				 (unsigned long long)got,
				 (unsigned long long)bytes,
				 2 * opt.case_timeout);
			return -1;
		}
		if (!fin_sent) {
			size_t len = bytes - sent < sizeof(tx) ?
				     (size_t)(bytes - sent) : sizeof(tx);
			u32 sf = sent ? 0 : MSG_QUIC_STREAM_NEW;

			if (sent + len == bytes)
				sf |= MSG_QUIC_STREAM_FIN;
			fill_pattern(sid, sent, tx, len);
			/* The first send opens the stream: let it block. */
			n = stream_sendmsg(c->fd, sid, sf, tx, len,
					   sent ? MSG_DONTWAIT : 0);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				snprintf(why, wlen, "sendmsg(stream %lld): %s",
					 (long long)sid, strerror(errno));
				return -1;
			}
			if (n > 0) {
				sent += (u64)n;
				/* A partial send leaves the FIN to the rest. */
				fin_sent = (size_t)n == len &&
					   (sf & MSG_QUIC_STREAM_FIN);
			}
		}
		/* POLLOUT may not tell a flow-controlled stream: poll short. */
		pfd.events = POLLIN | (fin_sent ? 0 : POLLOUT);
		if (poll(&pfd, 1, 5) < 0 && errno != EINTR) {
			snprintf(why, wlen, "poll: %s", strerror(errno));
			return -1;
		}
		for (;;) {
			int64_t rsid = -1;
			u32 flags = MSG_DONTWAIT;

			n = quic_recvmsg(c->fd, rx, sizeof(rx), &rsid, &flags);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				snprintf(why, wlen, "recvmsg: %s",
					 strerror(errno));
				return -1;
			}
			if (flags & MSG_QUIC_NOTIFICATION)
				continue;
			if (rsid != sid) {
				if (!n && rsid < 0) {
					snprintf(why, wlen,
						 "connection closed (EOF)");
					return -1;
				}
				continue;
			}
			fill_pattern(sid, got, want, (size_t)n);
			if (got + (u64)n > bytes || memcmp(rx, want, (size_t)n)) {
				snprintf(why, wlen,
					 "echo on stream %lld differs at %llu",
					 (long long)sid,
					 (unsigned long long)got);
				return -1;
			}
			got += (u64)n;
			if (flags & MSG_QUIC_STREAM_FIN)
				break;
		}
		sniff_learn(c);
	}
	return 0;
}

static void sniff_open(struct conn *c)
{
	struct tpacket_req req = {
		.tp_block_size = 1 << 16,
		.tp_block_nr = 32,
		.tp_frame_size = 1 << 12,
		.tp_frame_nr = 32 * ((1 << 16) >> 12),
	};
	int v = TPACKET_V2, rcv = 4 << 20;
	struct ring *r = &c->ring;

	r->fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (r->fd < 0)
		setup_errno("socket(AF_PACKET)");
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		setup_errno("PACKET_RX_RING");
	r->frame_size = req.tp_frame_size;
	r->frame_nr = req.tp_frame_nr;
	r->map = mmap(NULL, (size_t)req.tp_block_size * req.tp_block_nr,
		      PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED)
		setup_errno("mmap packet ring");
	c->plain = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK,
			  htons(ETH_P_ALL));
	if (c->plain < 0)
		setup_errno("socket(AF_PACKET)");
	setsockopt(c->plain, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
}

/*
 * Next packet from the ring into @buf: its length, 0 for a packet cut short
 * (skipped), -1 when the ring is empty.
 */
static ssize_t ring_read(struct ring *r, u8 *buf, size_t cap,
			 struct sockaddr_ll *ll)
{
	struct tpacket2_hdr *h = (void *)(r->map + (size_t)r->pos *
						     r->frame_size);
	size_t n;

	if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
	      TP_STATUS_USER))
		return -1;
	memcpy(ll, (u8 *)h + TPACKET_ALIGN(sizeof(*h)), sizeof(*ll));
	n = h->tp_snaplen < cap ? h->tp_snaplen : cap;
	memcpy(buf, (u8 *)h + h->tp_net, n);
	if (h->tp_snaplen < h->tp_len)
		n = 0;		/* cut short: useless here */
	__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	r->pos = (r->pos + 1) % r->frame_nr;
	return (ssize_t)n;
}

/* Forget what was captured so far (before a new connection). */
static void sniff_drain(struct conn *c)
{
	static u8 buf[70000];
	struct sockaddr_ll ll;
	u32 i;

	for (i = 0; i < c->ring.frame_nr; i++)
		if (ring_read(&c->ring, buf, sizeof(buf), &ll) < 0)
			break;
	while (recv(c->plain, buf, sizeof(buf), 0) >= 0)
		;
}

/*
 * One sniffed datagram from this host to the server, from the ring
 * (@plain false) or the plain socket; 0 when none is queued. IPv4 and IPv6
 * without extension headers or fragments.
 */
static int sniff_next(struct conn *c, bool plain, u8 *buf, size_t cap,
		      const u8 **data, u32 *len, union sa *src)
{
	struct sockaddr_ll ll;
	const u8 *udp;
	ssize_t n;

	for (;;) {
		socklen_t sl = sizeof(ll);
		size_t ipl;

		if (plain)
			n = recvfrom(c->plain, buf, cap, 0,
				     (struct sockaddr *)&ll, &sl);
		else
			n = ring_read(&c->ring, buf, cap, &ll);
		if (n < 0)
			return 0;
		if (!n || ll.sll_pkttype != PACKET_OUTGOING)
			continue;
		memset(src, 0, sizeof(*src));
		if (ntohs(ll.sll_protocol) == ETH_P_IP && n >= 20 &&
		    (buf[0] >> 4) == 4 && buf[9] == IPPROTO_UDP &&
		    c->server.sa.sa_family == AF_INET) {
			ipl = (size_t)(buf[0] & 15) * 4;
			/* no fragments: MF clear and offset zero */
			if ((buf[6] & 0x3f) || buf[7])
				continue;
			if (memcmp(buf + 16, &c->server.v4.sin_addr, 4))
				continue;
			src->v4.sin_family = AF_INET;
			memcpy(&src->v4.sin_addr, buf + 12, 4);
		} else if (ntohs(ll.sll_protocol) == ETH_P_IPV6 && n >= 40 &&
			   (buf[0] >> 4) == 6 && buf[6] == IPPROTO_UDP &&
			   c->server.sa.sa_family == AF_INET6) {
			ipl = 40;
			if (memcmp(buf + 24, &c->server.v6.sin6_addr, 16))
				continue;
			src->v6.sin6_family = AF_INET6;
			memcpy(&src->v6.sin6_addr, buf + 8, 16);
		} else {
			continue;
		}
		if ((size_t)n < ipl + 8)
			continue;
		udp = buf + ipl;
		if ((u16)(udp[2] << 8 | udp[3]) != sa_port(&c->server) ||
		    (c->local_port &&
		     (u16)(udp[0] << 8 | udp[1]) != c->local_port))
			continue;
		if (src->sa.sa_family == AF_INET)
			memcpy(&src->v4.sin_port, udp, 2);
		else
			memcpy(&src->v6.sin6_port, udp, 2);
		*data = udp + 8;
		*len = (u32)((size_t)n - ipl - 8);
		return 1;
	}
}

/*
 * The client's ACK frames in a decrypted 1-RTT payload: the server sent
 * every packet number up to the largest they acknowledge.
 */
static void learn_acks(struct conn *c, const u8 *p, u32 len)
{
	struct quic_frame f;
	int n;

	while (len) {
		n = quic_frame_decode(p, len, &f);
		if (n <= 0)
			return;
		if ((f.type == QUIC_FRAME_ACK || f.type == QUIC_FRAME_ACK_ECN) &&
		    f.ack.largest > c->peer_largest)
			c->peer_largest = f.ack.largest;
		p += n;
		len -= (u32)n;
	}
}

/*
 * Read what the client sent so far: the version from its long headers,
 * then for each 1-RTT packet the server's CID and, by decrypting it with
 * the key log secret, its packet number.
 */
/*
 * A packet number too far past the last one opened for its truncated
 * encoding to decode right: the ring dropped what came between, and the
 * client encodes numbers in as few bytes as what the server acknowledged
 * allows (RFC 9000 17.1), one byte once its ACKs get acknowledged too.
 * Try references further ahead, a one-byte window at a time, up to
 * RESYNC_WINDOWS of them.
 */
static int open_after_gap(struct conn *c, const u8 *pkt, u32 len,
			  u32 pn_offset, u64 *pn, u8 *plain, u32 *plen)
{
	u8 copy[2048];
	u64 k;

	for (k = 1; k <= RESYNC_WINDOWS; k++) {
		memcpy(copy, pkt, len);
		if (!open_packet(&c->tx, copy, len, pn_offset,
				 c->largest + 256 * k, pn, plain, plen))
			return 0;
	}
	return -EBADMSG;
}

static void sniff_learn(struct conn *c)
{
	static u8 buf[70000];
	struct capture pending[256];
	u32 np = 0, i, resyncs = 0;
	const u8 *data;
	union sa src;
	u32 len;

	while (np < sizeof(pending) / sizeof(pending[0]) &&
	       sniff_next(c, false, buf, sizeof(buf), &data, &len, &src)) {
		pending[np].data = malloc(len ? len : 1);
		if (!pending[np].data)
			finish(EXIT_SETUP, "out of memory");
		memcpy(pending[np].data, data, len);
		pending[np].len = len;
		pending[np].src = src;
		np++;
	}
	c->seen += np;
	/* The same datagrams through the plain socket, in the same order. */
	for (i = 0; i < np; i++) {
		if (!sniff_next(c, true, buf, sizeof(buf), &data, &len, &src))
			break;
		c->tap_compared++;
		if (len != pending[i].len || memcmp(data, pending[i].data, len))
			c->tap_differ++;
	}
	for (i = 0; i < np; i++) {
		struct quic_datagram_iter it;
		struct quic_packet_hdr h;
		const u8 *pkt;

		quic_datagram_iter_init(&it, pending[i].data, pending[i].len,
					CID_LEN);
		while (quic_datagram_next_packet(&it, &h, &pkt) > 0)
			if (h.long_header && quic_version_supported(h.version))
				c->version = h.version;
	}
	if (!c->tx.k.key_len)
		keys_from_secret(&c->tx, c->version, c->cipher, c->secret,
				 c->secret_len);
	for (i = 0; i < np; i++) {
		struct quic_datagram_iter it;
		struct quic_packet_hdr h;
		u8 copy[2048], plain[2048];
		const u8 *pkt;
		u32 plen;
		u64 pn = 0;

		quic_datagram_iter_init(&it, pending[i].data, pending[i].len,
					CID_LEN);
		while (quic_datagram_next_packet(&it, &h, &pkt) > 0) {
			int err;

			if (h.long_header || h.len > sizeof(copy))
				continue;
			memcpy(copy, pkt, h.len);
			err = open_packet(&c->tx, copy, h.len, h.pn_offset,
					  c->verified ? c->largest :
							QUIC_PN_NONE,
					  &pn, plain, &plen);
			if (err && c->bulk && c->verified &&
			    resyncs < RESYNC_TRIES) {
				resyncs++;
				err = open_after_gap(c, pkt, h.len, h.pn_offset,
						     &pn, plain, &plen);
			}
			if (err && c->bulk) {
				/* The ring may have dropped some: pn gaps. */
				c->unopened++;
				continue;
			}
			if (err) {
				note("1-RTT packet of %u bytes (first byte 0x%02x, in a %u byte datagram) did not open: %s, pn %llu",
				     h.len, pkt[0], pending[i].len,
				     err == -EBADMSG ? "AEAD" : "header",
				     (unsigned long long)pn);
				continue;
			}
			if (!c->verified || pn > c->largest)
				c->largest = pn;
			c->verified++;
			learn_acks(c, plain, plen);
			memcpy(c->dcid, h.dcid, CID_LEN);
			if (c->ncaps < sizeof(c->caps) / sizeof(c->caps[0])) {
				c->caps[c->ncaps] = pending[i];
				pending[i].data = NULL;
				c->ncaps++;
			}
		}
		free(pending[i].data);
	}
}

/* ---- injected packets ---- */

/*
 * An authentic 1-RTT packet for the live connection: client keys, the
 * server's CID, a 4-byte packet number past anything the client used.
 * @first_or: bits ORed into the first byte before protection (reserved
 * bits); @key_phase: the key phase bit. Returns the packet length.
 */
static u32 build_1rtt(struct conn *c, const struct keyset *ks,
		      const u8 *dcid, u8 first_or, bool key_phase,
		      const struct buf *payload, u8 *out)
{
	struct quic_packet_desc d = {
		.dcid = dcid, .dcid_len = CID_LEN, .pn = c->next_pn,
		.pn_len = 4, .type = QUIC_PACKET_1RTT, .key_phase = key_phase,
	};
	struct quic_packet_layout l;
	int hl;

	hl = quic_packet_build_short_header(out, PKT_MAX, &d, &l);
	if (hl < 0)
		finish(EXIT_SETUP, "quic_packet_build_short_header: %d", hl);
	out[0] |= first_or;
	memcpy(out + hl, payload->d, payload->n);
	return seal_packet(ks, out, l.pn_offset, l.pn_len, payload->n,
			   c->next_pn++);
}

static void send_auth(struct conn *c, const struct buf *payload, u8 first_or)
{
	u8 pkt[PKT_MAX + QUIC_TAG_LEN];
	u32 n = build_1rtt(c, &c->tx, c->dcid, first_or, false, payload, pkt);

	note("sent authentic 1-RTT packet pn %llu, %u bytes, payload %u bytes",
	     (unsigned long long)(c->next_pn - 1), n, payload->n);
	spoof_send(&c->sp, pkt, n);
}

/* Ignored cases */

static void inj_zero_len(struct conn *c)
{
	int i;

	for (i = 0; i < 3; i++)
		spoof_send(&c->sp, NULL, 0);
}

/* Short headers with the live DCID, 1 to 28 bytes: too short to open. */
static void inj_short_trunc(struct conn *c)
{
	u8 p[64];
	u32 len;

	for (len = 1; len < 1 + CID_LEN + 20; len++) {
		rnd(p, sizeof(p));
		p[0] = (u8)(QUIC_HDR_FIXED_BIT | (p[0] & 0x3f));
		memcpy(p + 1, c->dcid, min_t(u32, CID_LEN, len - 1));
		spoof_send(&c->sp, p, len);
	}
}

/* Long header bytes: Initial or Handshake layout, random payload. */
static u32 junk_long(u8 *p, u32 total, u8 type_bits, u32 version,
		     const u8 *dcid, u8 dcid_len, bool token)
{
	u32 n = 0, length;

	rnd(p, total);
	p[n++] = (u8)(QUIC_HDR_FORM_LONG | QUIC_HDR_FIXED_BIT |
		      type_bits << QUIC_HDR_LONG_TYPE_SHIFT | 3);
	put_unaligned_be32(version, p + n);
	n += 4;
	p[n++] = dcid_len;
	memcpy(p + n, dcid, dcid_len);
	n += dcid_len;
	p[n++] = CID_LEN;	/* SCID: random bytes already there */
	n += CID_LEN;
	if (token)
		p[n++] = 0;
	length = total - n - 2;
	p[n++] = (u8)(0x40 | length >> 8);
	p[n++] = (u8)length;
	return n;
}

static void inj_long_trunc(struct conn *c)
{
	static const u32 cuts[] = { 100, 200, 600, 1199, 1200 };
	u8 p[MIN_INITIAL];
	u32 len, i, t;

	for (t = 0; t < 2; t++) {
		/* v1 type bits: Initial 0, Handshake 2 */
		junk_long(p, sizeof(p), t ? 2 : 0, c->version, c->dcid,
			  CID_LEN, !t);
		for (len = 1; len <= 64; len++)
			spoof_send(&c->sp, p, len);
		for (i = 0; i < ARRAY_SIZE(cuts); i++)
			spoof_send(&c->sp, p, cuts[i]);
	}
}

/* Authentic packet cut short at every length, and one byte too long. */
static void inj_auth_trunc(struct conn *c)
{
	u8 pkt[PKT_MAX + QUIC_TAG_LEN + 1];
	struct buf b = { .n = 0 };
	u32 n, len;

	put_ping(&b);
	while (b.n < 40)
		put_u8(&b, QUIC_FRAME_PADDING);
	n = build_1rtt(c, &c->tx, c->dcid, 0, false, &b, pkt);
	for (len = 1; len < n; len++)
		spoof_send(&c->sp, pkt, len);
	rnd(pkt + n, 1);
	spoof_send(&c->sp, pkt, n + 1);
	note("sent an authentic %u byte packet cut at 1..%u bytes and with a byte appended",
	     n, n - 1);
}

static void inj_oversized(struct conn *c)
{
	static const u32 sizes[] = { 1472, 1473, 1500, 2000, 9000, MAX_DGRAM };
	u8 *p = malloc(MAX_DGRAM);
	u32 i;

	if (!p)
		finish(EXIT_SETUP, "out of memory");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		rnd(p, sizes[i]);
		p[0] = (u8)(QUIC_HDR_FIXED_BIT | (p[0] & 0x3f));
		memcpy(p + 1, c->dcid, CID_LEN);
		spoof_send(&c->sp, p, sizes[i]);
	}
	/* A long header one to the live DCID, 9000 bytes. */
	junk_long(p, 9000, 0, c->version, c->dcid, CID_LEN, true);
	spoof_send(&c->sp, p, 9000);
	free(p);
}

static void inj_wrong_key(struct conn *c)
{
	u8 pkt[PKT_MAX + QUIC_TAG_LEN];
	struct buf b = { .n = 0 };
	struct keyset ks;
	int i;

	put_ping(&b);
	for (i = 0; i < 16; i++) {
		ks = c->tx;
		rnd(ks.k.key, sizeof(ks.k.key));
		rnd(ks.k.iv, sizeof(ks.k.iv));
		rnd(ks.k.hp, sizeof(ks.k.hp));
		spoof_send(&c->sp, pkt,
			   build_1rtt(c, &ks, c->dcid, 0, false, &b, pkt));
	}
}

/* Right header protection key, wrong packet key. */
static void inj_wrong_aead(struct conn *c)
{
	u8 pkt[PKT_MAX + QUIC_TAG_LEN];
	struct buf b = { .n = 0 };
	struct keyset ks;
	int i;

	put_ping(&b);
	for (i = 0; i < 8; i++) {
		ks = c->tx;
		rnd(ks.k.key, sizeof(ks.k.key));
		spoof_send(&c->sp, pkt,
			   build_1rtt(c, &ks, c->dcid, 0, false, &b, pkt));
	}
}

static void inj_bad_tag(struct conn *c)
{
	u8 pkt[PKT_MAX + QUIC_TAG_LEN];
	struct buf b = { .n = 0 };
	u32 n, hdr = 1 + CID_LEN + 4;

	put_ping(&b);
	put_ping(&b);
	/* last tag byte, first ciphertext byte, a packet number byte */
	n = build_1rtt(c, &c->tx, c->dcid, 0, false, &b, pkt);
	pkt[n - 1] ^= 0x01;
	spoof_send(&c->sp, pkt, n);
	n = build_1rtt(c, &c->tx, c->dcid, 0, false, &b, pkt);
	pkt[hdr] ^= 0x80;
	spoof_send(&c->sp, pkt, n);
	n = build_1rtt(c, &c->tx, c->dcid, 0, false, &b, pkt);
	pkt[hdr - 1] ^= 0x01;
	spoof_send(&c->sp, pkt, n);
}

/* Current keys but the other key phase: an update that does not open. */
static void inj_key_phase(struct conn *c)
{
	u8 pkt[PKT_MAX + QUIC_TAG_LEN];
	struct buf b = { .n = 0 };
	int i;

	put_ping(&b);
	for (i = 0; i < 4; i++)
		spoof_send(&c->sp, pkt,
			   build_1rtt(c, &c->tx, c->dcid, 0, true, &b, pkt));
}

static void inj_replay(struct conn *c)
{
	u32 i, r;

	for (r = 0; r < 2; r++)
		for (i = 0; i < c->ncaps; i++)
			spoof_send(&c->sp, c->caps[i].data, c->caps[i].len);
	note("replayed %u captured client datagrams twice", c->ncaps);
}

static void inj_unknown_dcid(struct conn *c)
{
	u8 pkt[PKT_MAX + QUIC_TAG_LEN], dcid[CID_LEN];
	struct buf b = { .n = 0 };
	int i;

	put_ping(&b);
	for (i = 0; i < 8; i++) {
		rnd(dcid, sizeof(dcid));
		spoof_send(&c->sp, pkt,
			   build_1rtt(c, &c->tx, dcid, 0, false, &b, pkt));
	}
}

/*
 * What case unknown-frame sends, which closes the connection, but with a
 * wrong UDP checksum: UDP leaves checking a queued datagram's checksum to
 * its reader, QUIC, which must drop it.
 */
static void inj_bad_udp_csum(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_ping(&b);
	put_var(&b, 0x40);
	put_mem(&b, "\0\0\0\0", 4);
	c->sp.bad_csum = true;
	send_auth(c, &b, 0);
	c->sp.bad_csum = false;
}

/* Closing cases: one authentic packet each */

static void inj_reserved_bits(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_ping(&b);
	send_auth(c, &b, QUIC_HDR_SHORT_RESERVED);
}

static void inj_no_frames(struct conn *c)
{
	struct buf b = { .n = 0 };

	send_auth(c, &b, 0);
}

static void inj_unknown_frame(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_ping(&b);
	put_var(&b, 0x40);	/* two bytes: 0x40 0x40 */
	put_mem(&b, "\0\0\0\0", 4);
	send_auth(c, &b, 0);
}

static void inj_unknown_frame_1b(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, 0x1f);
	put_mem(&b, "\0\0\0\0", 4);
	send_auth(c, &b, 0);
}

static void inj_frame_type_long(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, 0x40);	/* PING as a two-byte varint */
	put_u8(&b, QUIC_FRAME_PING);
	put_ping(&b);
	send_auth(c, &b, 0);
}

static void inj_handshake_done(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_HANDSHAKE_DONE);
	send_auth(c, &b, 0);
}

static void inj_new_token(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_NEW_TOKEN);
	put_var(&b, 8);
	put_mem(&b, "tokentok", 8);
	send_auth(c, &b, 0);
}

static void inj_stream_on(struct conn *c, u64 sid)
{
	struct buf b = { .n = 0 };

	put_stream(&b, sid, 0, (const u8 *)"hostile", 7, false);
	send_auth(c, &b, 0);
}

static void inj_stream_server_uni(struct conn *c)
{
	inj_stream_on(c, 3);
}

static void inj_stream_server_bidi(struct conn *c)
{
	inj_stream_on(c, 1);
}

static void inj_stream_limit(struct conn *c)
{
	inj_stream_on(c, 4ULL * 100000);
}

static void inj_stop_sending_uni(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_STOP_SENDING);
	put_var(&b, 2);		/* client uni: the server only receives */
	put_var(&b, 0);
	send_auth(c, &b, 0);
}

static void inj_max_stream_data_uni(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_MAX_STREAM_DATA);
	put_var(&b, 2);
	put_var(&b, 100000);
	send_auth(c, &b, 0);
}

static void inj_reset_stream_uni(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_RESET_STREAM);
	put_var(&b, 3);		/* server uni: the server only sends */
	put_var(&b, 0);
	put_var(&b, 0);
	send_auth(c, &b, 0);
}

static void inj_flow_control(struct conn *c)
{
	struct buf b = { .n = 0 };

	/* 8 MiB in: past the 1 MiB stream and 4 MiB connection windows */
	put_stream(&b, 8, 8ULL << 20, (const u8 *)"x", 1, false);
	send_auth(c, &b, 0);
}

static void inj_final_size(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_stream(&b, 8, 0, (const u8 *)"0123456789", 10, true);
	put_stream(&b, 8, 10, (const u8 *)"abcde", 5, false);
	send_auth(c, &b, 0);
}

static void inj_stream_overrun(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_STREAM | QUIC_FRAME_STREAM_LEN);
	put_var(&b, 8);
	put_var(&b, 100);	/* 100 bytes said, 5 there */
	put_mem(&b, "short", 5);
	send_auth(c, &b, 0);
}

static void inj_stream_offset_max(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_STREAM | QUIC_FRAME_STREAM_OFF |
		   QUIC_FRAME_STREAM_LEN);
	put_var(&b, 8);
	put_var(&b, (1ULL << 62) - 1);
	put_var(&b, 10);
	put_mem(&b, "0123456789", 10);
	send_auth(c, &b, 0);
}

static void inj_new_cid(struct conn *c, u64 seq, u64 retire, u8 len)
{
	struct buf b = { .n = 0 };
	u8 cid[20], token[16];

	rnd(cid, sizeof(cid));
	rnd(token, sizeof(token));
	put_u8(&b, QUIC_FRAME_NEW_CONNECTION_ID);
	put_var(&b, seq);
	put_var(&b, retire);
	put_u8(&b, len);
	put_mem(&b, cid, len);
	put_mem(&b, token, sizeof(token));
	send_auth(c, &b, 0);
}

static void inj_new_cid_zero(struct conn *c)
{
	inj_new_cid(c, 1, 0, 0);
}

static void inj_new_cid_retire(struct conn *c)
{
	inj_new_cid(c, 1, 2, CID_LEN);
}

/*
 * RFC 9000 19.15: one sequence number, two different IDs. The client's
 * socket issued the server an ID with sequence number 1 itself: whichever
 * of the three arrives second breaks the rule.
 */
static void inj_new_cid_twice(struct conn *c)
{
	inj_new_cid(c, 1, 0, CID_LEN);
	inj_new_cid(c, 1, 0, CID_LEN);
}

/*
 * 5.1.1: the server's active_connection_id_limit is 2, the client's ID in
 * use and its own spare (1) included: 3 or 4 now. Above 1: no clash.
 */
static void inj_new_cid_limit(struct conn *c)
{
	inj_new_cid(c, 5, 0, CID_LEN);
	inj_new_cid(c, 6, 0, CID_LEN);
}

static void inj_retire_seq(struct conn *c, u64 seq)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_RETIRE_CONNECTION_ID);
	put_var(&b, seq);
	send_auth(c, &b, 0);
}

static void inj_retire_cid(struct conn *c)
{
	inj_retire_seq(c, 1000);
}

/* 19.16: retiring the ID (the handshake's, 0) the packet is sent to. */
static void inj_retire_cid_in_use(struct conn *c)
{
	inj_retire_seq(c, 0);
}

static void inj_ack(struct conn *c, u64 largest, u64 first_range)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_ACK);
	put_var(&b, largest);
	put_var(&b, 0);		/* delay */
	put_var(&b, 0);		/* range count */
	put_var(&b, first_range);
	send_auth(c, &b, 0);
}

static void inj_ack_unsent(struct conn *c)
{
	inj_ack(c, 1000000, 0);
}

static void inj_ack_underflow(struct conn *c)
{
	inj_ack(c, 5, 10);
}

/*
 * An ACK frame with ACK_RANGES ranges, every other packet number from the
 * largest the client acknowledged down (about 2 bytes a range, 20 KB in
 * all: a datagram the kernel fragments), all of them packet numbers the
 * server sent: echoes make it send enough first. Then a STREAM frame on
 * the server's send-only stream 3: the close with STREAM_STATE_ERROR,
 * within the case's time for a close, shows that the ACK was decoded and
 * processed to its end, in bounded time.
 */
static void inj_ack_ranges(struct conn *c)
{
	u64 need = 2 * (u64)ACK_RANGES + 100, echoed = 0;
	struct quic_packet_layout l;
	struct quic_packet_desc d = {
		.dcid = c->dcid, .dcid_len = CID_LEN, .pn_len = 4,
		.type = QUIC_PACKET_1RTT,
	};
	struct buf stream = { .n = 0 };
	u8 *payload, *pkt, *w;
	char why[256];
	double t0 = now();
	u32 i, plen, n;
	int hl;

	while (c->peer_largest < need) {
		if (echoed >= BULK_MAX)
			finish(EXIT_SETUP, "the client acknowledged server packets up to %llu after %llu bytes echoed, %llu needed",
			       (unsigned long long)c->peer_largest,
			       (unsigned long long)echoed,
			       (unsigned long long)need);
		alarm(3 * opt.case_timeout);
		if (bulk_echo(c, BULK_BYTES, why, sizeof(why)))
			finish(EXIT_SETUP, "echo of %d bytes: %s", BULK_BYTES,
			       why);
		echoed += BULK_BYTES;
		sleep_ms(100);
		sniff_learn(c);
	}
	c->bulk = false;
	/* A last small echo: the client's latest packet numbers and ACKs. */
	if (echo(c, why, sizeof(why)))
		finish(EXIT_SETUP, "echo after the bulk: %s", why);
	sleep_ms(100);
	sniff_learn(c);
	note("%llu bytes echoed in %.1f s: the client acknowledged server packets up to %llu, used packet numbers up to %llu (%u of its packets sniffed meanwhile did not open)",
	     (unsigned long long)echoed, now() - t0,
	     (unsigned long long)c->peer_largest,
	     (unsigned long long)c->largest, c->unopened);
	alarm(3 * opt.case_timeout);

	payload = malloc(2 * ACK_RANGES + 64);
	pkt = malloc(2 * ACK_RANGES + 128);
	if (!payload || !pkt)
		finish(EXIT_SETUP, "out of memory");
	w = payload;
	*w++ = QUIC_FRAME_ACK;
	w = quic_varint_put(w, c->peer_largest);
	w = quic_varint_put(w, 0);		/* ACK Delay */
	w = quic_varint_put(w, ACK_RANGES - 1);	/* ACK Range Count */
	w = quic_varint_put(w, 0);		/* First ACK Range: largest */
	for (i = 1; i < ACK_RANGES; i++) {
		*w++ = 0;	/* Gap: one packet number not acknowledged */
		*w++ = 0;	/* ACK Range Length: one acknowledged */
	}
	put_stream(&stream, 3, 0, (const u8 *)"hostile", 7, false);
	memcpy(w, stream.d, stream.n);
	w += stream.n;
	plen = (u32)(w - payload);

	c->next_pn = c->largest + INJECT_PN_GAP;
	d.pn = c->next_pn;
	hl = quic_packet_build_short_header(pkt, 64, &d, &l);
	if (hl < 0)
		finish(EXIT_SETUP, "quic_packet_build_short_header: %d", hl);
	memcpy(pkt + hl, payload, plen);
	n = seal_packet(&c->tx, pkt, l.pn_offset, l.pn_len, plen,
			c->next_pn++);
	note("sent a %u byte 1-RTT packet pn %llu: ACK of %u ranges, largest %llu, smallest %llu, then STREAM on stream 3",
	     n, (unsigned long long)(c->next_pn - 1), ACK_RANGES,
	     (unsigned long long)c->peer_largest,
	     (unsigned long long)(c->peer_largest - 2 * (ACK_RANGES - 1)));
	spoof_send(&c->sp, pkt, n);
	free(payload);
	free(pkt);
}

static void inj_max_streams(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_MAX_STREAMS_BIDI);
	put_var(&b, (1ULL << 60) + 1);
	send_auth(c, &b, 0);
}

static void inj_crypto_buffer(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_CRYPTO);
	put_var(&b, 1ULL << 20);
	put_var(&b, 16);
	put_mem(&b, "0123456789abcdef", 16);
	send_auth(c, &b, 0);
}

static void inj_datagram(struct conn *c)
{
	struct buf b = { .n = 0 };

	put_u8(&b, QUIC_FRAME_DATAGRAM_LEN);
	put_var(&b, 4);
	put_mem(&b, "data", 4);
	send_auth(c, &b, 0);
}

/*
 * DATAGRAM frames against a server that advertises max_datagram_frame_size
 * (xfer --dgram-max; the limit is the server's, as the client socket
 * learnt it): one packet holds a frame of exactly the limit, with a
 * Length, which the server must take, then one a byte over, which must
 * close the connection with PROTOCOL_VIOLATION (RFC 9221 3). The frame
 * that fits cannot travel alone: the server would acknowledge a packet
 * number the client's own socket never sent, and the client would close.
 */
static u64 peer_dgram_max(struct conn *c)
{
	struct quic_transport_param tp = { .remote = 1 };
	socklen_t len = sizeof(tp);

	if (getsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp,
		       &len))
		setup_errno("getsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM, remote)");
	if (tp.max_datagram_frame_size < 8 ||
	    tp.max_datagram_frame_size > 500)
		finish(EXIT_SETUP, "server's max_datagram_frame_size %llu: run it with xfer --dgram-max 8..500",
		       (unsigned long long)tp.max_datagram_frame_size);
	return tp.max_datagram_frame_size;
}

/* Append a DATAGRAM frame of @size bytes in all, with or without Length. */
static void put_dgram_frame(struct buf *b, u32 size, bool with_len)
{
	u8 data[500];
	u32 len = size - 1, start = b->n;

	if (with_len) {
		len = size - 2;		/* a 1-byte Length up to 63 */
		if (len > 63)
			len = size - 3;
	}
	memset(data, 0xd6, sizeof(data));
	put_u8(b, with_len ? QUIC_FRAME_DATAGRAM_LEN : QUIC_FRAME_DATAGRAM);
	if (with_len)
		put_var(b, len);
	put_mem(b, data, len);
	if (b->n - start != size)
		finish(EXIT_SETUP, "DATAGRAM frame of %u bytes, not %u",
		       b->n - start, size);
}

static void inj_dgram_over(struct conn *c, bool with_len)
{
	u32 max = (u32)peer_dgram_max(c);
	struct buf b = { .n = 0 };

	put_dgram_frame(&b, max, true);
	put_dgram_frame(&b, max + 1, with_len);
	send_auth(c, &b, 0);
}

static void inj_dgram_over_len(struct conn *c)
{
	inj_dgram_over(c, true);
}

static void inj_dgram_over_nolen(struct conn *c)
{
	inj_dgram_over(c, false);
}

/*
 * The capture check: what the plain packet socket read must equal what the
 * ring copied at send time. If not, someone wrote into the data of an skb
 * that was shared with the tap's clone (the receiver decrypting in place
 * without unsharing it): packet sockets then see plaintext.
 */
static void inj_tap_intact(struct conn *c)
{
	if (!c->tap_compared)
		finish(EXIT_SETUP, "no datagram captured by both packet sockets");
	if (c->tap_differ)
		finish(EXIT_FAILED, "%u of %u datagrams this client sent read back changed from a plain packet socket (the ring's copies are as sent): the stack wrote into skb data shared with the tap's clone, e.g. the receiver removed protection in place without unsharing it",
		       c->tap_differ, c->tap_compared);
	finish(EXIT_PASS, "%u datagrams read back as sent", c->tap_compared);
}

/* After all the others: a new connection still works. */
static void inj_fresh(struct conn *c)
{
	finish(EXIT_PASS, "a new connection (%u datagrams) echoed %u bytes",
	       c->seen, ECHO_BYTES);
}

/*
 * @closes: the server must close with @code (or @alt); otherwise it must
 * ignore the packets. @fresh: the case needs a connection of its own
 * (closing cases always get one).
 */
struct conn_case {
	const char *name;
	void (*inject)(struct conn *c);
	bool closes, fresh;
	u32 code, alt;
	const char *desc;
};

#define IGNORED(n, f, d)	{ n, f, false, false, 0, 0, d }
#define FRESH(n, f, d)		{ n, f, false, true, 0, 0, d }
#define CLOSES(n, f, e, d)	{ n, f, true, true, e, e, d }
#define CLOSES2(n, f, e, a, d)	{ n, f, true, true, e, a, d }

static const struct conn_case conn_cases[] = {
	FRESH("tap-intact", inj_tap_intact,
		"a packet socket on the client reads its datagrams as sent (the receiver does not modify shared skb data)"),
	IGNORED("zero-len", inj_zero_len,
		"empty UDP datagrams to the connection's port"),
	IGNORED("short-trunc", inj_short_trunc,
		"short headers with the live DCID, 1 to 28 bytes long"),
	IGNORED("long-trunc", inj_long_trunc,
		"Initial and Handshake long headers for the live DCID, junk payload, cut at 1..64, 100, 600, 1199 bytes and whole"),
	IGNORED("auth-trunc", inj_auth_trunc,
		"authentic 1-RTT packet cut at every length, and with a byte appended"),
	IGNORED("oversized", inj_oversized,
		"junk datagrams of 1472 to 65000 bytes for the live DCID (fragmented)"),
	IGNORED("wrong-key", inj_wrong_key,
		"1-RTT packets protected with random keys"),
	IGNORED("wrong-aead-key", inj_wrong_aead,
		"1-RTT packets with the right header protection key and a wrong packet key"),
	IGNORED("bad-tag", inj_bad_tag,
		"authentic 1-RTT packets with a flipped tag, ciphertext or packet number bit"),
	IGNORED("key-phase", inj_key_phase,
		"1-RTT packets with current keys and the key phase bit flipped"),
	IGNORED("replay", inj_replay,
		"replayed client datagrams (duplicate packet numbers)"),
	IGNORED("unknown-dcid", inj_unknown_dcid,
		"authentic-keyed 1-RTT packets for unknown connection IDs"),
	IGNORED("bad-udp-csum", inj_bad_udp_csum,
		"authentic 1-RTT packet with unknown frame type 0x40 and a wrong UDP checksum"),
	CLOSES("reserved-bits", inj_reserved_bits, 0x0a,
	       "authentic 1-RTT packet with reserved bits 0x18 set"),
	CLOSES("no-frames", inj_no_frames, 0x0a,
	       "authentic 1-RTT packet without frames"),
	CLOSES("unknown-frame", inj_unknown_frame, 0x07,
	       "authentic 1-RTT packet with unknown frame type 0x40"),
	CLOSES("unknown-frame-1b", inj_unknown_frame_1b, 0x07,
	       "authentic 1-RTT packet with unknown frame type 0x1f"),
	CLOSES("frame-type-long", inj_frame_type_long, 0x0a,
	       "frame type PING in a two-byte encoding"),
	CLOSES("handshake-done", inj_handshake_done, 0x0a,
	       "HANDSHAKE_DONE sent to the server"),
	CLOSES("new-token", inj_new_token, 0x0a,
	       "NEW_TOKEN sent to the server"),
	CLOSES("stream-server-uni", inj_stream_server_uni, 0x05,
	       "STREAM on the server's unidirectional stream 3"),
	CLOSES("stream-server-bidi", inj_stream_server_bidi, 0x05,
	       "STREAM on server stream 1, never opened"),
	CLOSES("stop-sending-uni", inj_stop_sending_uni, 0x05,
	       "STOP_SENDING for the server's receive-only stream 2"),
	CLOSES("max-stream-data-uni", inj_max_stream_data_uni, 0x05,
	       "MAX_STREAM_DATA for the server's receive-only stream 2"),
	CLOSES("reset-stream-uni", inj_reset_stream_uni, 0x05,
	       "RESET_STREAM for the server's send-only stream 3"),
	CLOSES("stream-limit", inj_stream_limit, 0x04,
	       "STREAM on stream 400000, past MAX_STREAMS"),
	CLOSES("flow-control", inj_flow_control, 0x03,
	       "STREAM data at offset 8 MiB, past the flow control limits"),
	CLOSES("final-size", inj_final_size, 0x06,
	       "STREAM data past the stream's final size"),
	CLOSES("stream-overrun", inj_stream_overrun, 0x07,
	       "STREAM frame whose Length runs past the packet"),
	CLOSES2("stream-offset-max", inj_stream_offset_max, 0x07, 0x03,
		"STREAM data ending past 2^62"),
	CLOSES("new-cid-zero-len", inj_new_cid_zero, 0x07,
	       "NEW_CONNECTION_ID with a zero-length CID"),
	CLOSES("new-cid-retire", inj_new_cid_retire, 0x07,
	       "NEW_CONNECTION_ID with Retire Prior To above its sequence number"),
	CLOSES("retire-cid-unknown", inj_retire_cid, 0x0a,
	       "RETIRE_CONNECTION_ID for sequence number 1000, never issued"),
	CLOSES("retire-cid-in-use", inj_retire_cid_in_use, 0x0a,
	       "RETIRE_CONNECTION_ID for the ID its own packet is sent to"),
	CLOSES("new-cid-twice", inj_new_cid_twice, 0x0a,
	       "NEW_CONNECTION_ID sequence number 1 twice, with IDs other than the client's own 1"),
	CLOSES("new-cid-limit", inj_new_cid_limit, 0x09,
	       "NEW_CONNECTION_ID 5 and 6: three IDs or more active, the limit is 2"),
	CLOSES("ack-unsent", inj_ack_unsent, 0x0a,
	       "ACK of packet number 1000000, never sent"),
	CLOSES("ack-underflow", inj_ack_underflow, 0x07,
	       "ACK whose first range reaches below packet number 0"),
	CLOSES("ack-ranges", inj_ack_ranges, 0x05,
	       "ACK frame with 10,000 ranges (20 KB, fragmented) over packet numbers the server sent, then STREAM on its send-only stream 3: the ACK is processed, then the stream error closes"),
	CLOSES("max-streams-over", inj_max_streams, 0x07,
	       "MAX_STREAMS above 2^60"),
	CLOSES("crypto-buffer", inj_crypto_buffer, 0x0d,
	       "1-RTT CRYPTO data at offset 1 MiB"),
	CLOSES("datagram", inj_datagram, 0x0a,
	       "DATAGRAM frame, support never advertised"),
	FRESH("fresh-connection", inj_fresh,
	      "after all of the above, a new connection"),
};

/* Run by datagram_test.sh, against xfer -s --dgram-max N only. */
static const struct conn_case dgram_cases[] = {
	CLOSES("datagram-over-len", inj_dgram_over_len, 0x0a,
	       "a DATAGRAM frame of the server's max_datagram_frame_size, then one with Length a byte over it"),
	CLOSES("datagram-over-nolen", inj_dgram_over_nolen, 0x0a,
	       "a DATAGRAM frame of the server's max_datagram_frame_size, then one without Length a byte over it"),
};

static const char *err_name(u32 code)
{
	static const char *const names[] = {
		"NO_ERROR", "INTERNAL_ERROR", "CONNECTION_REFUSED",
		"FLOW_CONTROL_ERROR", "STREAM_LIMIT_ERROR",
		"STREAM_STATE_ERROR", "FINAL_SIZE_ERROR",
		"FRAME_ENCODING_ERROR", "TRANSPORT_PARAMETER_ERROR",
		"CONNECTION_ID_LIMIT_ERROR", "PROTOCOL_VIOLATION",
		"INVALID_TOKEN", "APPLICATION_ERROR",
		"CRYPTO_BUFFER_EXCEEDED", "KEY_UPDATE_ERROR",
		"AEAD_LIMIT_REACHED", "NO_VIABLE_PATH",
	};

	if (code < ARRAY_SIZE(names))
		return names[code];
	if (code >= 0x100 && code <= 0x1ff)
		return "CRYPTO_ERROR";
	return "?";
}

/*
 * Wait for the connection to end. Returns true once it is closed, with the
 * errno recvmsg reported in @err (0 for end of file).
 */
static bool wait_closed(struct conn *c, double secs, int *err)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	double end = now() + secs;
	u8 buf[4096];

	do {
		int64_t sid = -1;
		u32 flags = MSG_DONTWAIT;
		ssize_t n;

		pfd.revents = 0;
		if (poll(&pfd, 1, 50) < 0 && errno != EINTR)
			return false;
		n = quic_recvmsg(c->fd, buf, sizeof(buf), &sid, &flags);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			*err = errno;
			return true;
		}
		if (n == 0 && sid < 0 && !(flags & MSG_QUIC_NOTIFICATION)) {
			*err = 0;
			return true;
		}
		if (n > 0 && !(flags & MSG_QUIC_NOTIFICATION))
			note("%zd unexpected bytes on stream %lld", n,
			     (long long)sid);
	} while (now() < end);
	return false;
}

static void read_close(struct conn *c, struct quic_connection_close *cc)
{
	socklen_t len = sizeof(*cc);

	memset(cc, 0, sizeof(*cc));
	if (getsockopt(c->fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, cc,
		       &len))
		setup_errno("getsockopt(QUIC_SOCKOPT_CONNECTION_CLOSE)");
	cc->phrase[sizeof(cc->phrase) - 1] = '\0';
}

static void conn_teardown(struct conn *c)
{
	double t0 = now();
	u32 i;

	if (c->fd >= 0) {
		close(c->fd);
		if (now() - t0 > 0.5)
			note("close() of the QUIC socket took %.1f s",
			     now() - t0);
	}
	if (c->sp.fd >= 0)
		close(c->sp.fd);
	free(c->sp.buf);
	for (i = 0; i < c->ncaps; i++)
		free(c->caps[i].data);
	c->fd = -1;
	c->sp.fd = -1;
	c->sp.buf = NULL;
	c->ncaps = 0;
	c->verified = 0;
	c->seen = 0;
	c->tap_compared = 0;
	c->tap_differ = 0;
	c->local_port = 0;
	c->next_sid = 0;
	c->largest = 0;
	c->peer_largest = 0;
	c->bulk = false;
	c->unopened = 0;
	memset(&c->tx, 0, sizeof(c->tx));
}

/*
 * A new connection whose keys, server CID and packet numbers are known:
 * handshake, a first echo (1-RTT packets to learn from), then sniffing.
 */
static void conn_setup(struct conn *c)
{
	char why[256];

	sniff_drain(c);
	c->version = QUIC_VERSION_1;
	client_handshake(c);
	if (echo(c, why, sizeof(why)))
		finish(EXIT_SETUP, "first echo, before injecting: %s", why);
	sleep_ms(100);	/* let the last ACKs go out */
	sniff_learn(c);
	if (!c->verified)
		finish(EXIT_SETUP, "no 1-RTT packet of this client opened with the key log secret (%u datagrams to the server seen)",
		       c->seen);
	note("new connection: cipher %u, version 0x%x, %u client 1-RTT packets opened, largest pn %llu, server CID %02x%02x%02x%02x%02x%02x%02x%02x",
	     c->cipher, c->version, c->verified,
	     (unsigned long long)c->largest, c->dcid[0], c->dcid[1],
	     c->dcid[2], c->dcid[3], c->dcid[4], c->dcid[5], c->dcid[6],
	     c->dcid[7]);
	spoof_open(&c->sp, &c->caps[0].src, &c->server);
	c->next_pn = c->largest + INJECT_PN_GAP;
}

/*
 * One case. Ignored cases share a connection while it lasts; a closing
 * case gets a new one. Always ends in finish().
 */
static void conn_case(struct conn *c, const struct conn_case *k)
{
	struct quic_connection_close cc;
	char why[256];
	int err = 0;

	if (opt.server_pid > 0 && kill(opt.server_pid, 0))
		finish(EXIT_SETUP, "the echo server process is gone");
	if (k->fresh && c->fd >= 0)
		conn_teardown(c);
	if (c->fd < 0)
		conn_setup(c);

	k->inject(c);

	if (!k->closes) {
		/* Give the server time to act on what it got. */
		if (wait_closed(c, 0.3, &err)) {
			read_close(c, &cc);
			finish(EXIT_FAILED, "connection closed (%s), errcode 0x%x %s frame 0x%x phrase '%s'",
			       err ? strerror(err) : "EOF", cc.errcode,
			       err_name(cc.errcode), cc.frame,
			       (char *)cc.phrase);
		}
		if (echo(c, why, sizeof(why)))
			finish(EXIT_FAILED, "connection no longer works: %s",
			       why);
		finish(EXIT_PASS, "ignored; the connection still echoes");
	}

	/* A close comes back in a round trip: allow a slow machine. */
	if (!wait_closed(c, opt.case_timeout * 0.3, &err)) {
		bool alive = !echo(c, why, sizeof(why));

		finish(EXIT_FAILED, "no CONNECTION_CLOSE within %.0f s, expected errcode 0x%x %s; the connection %s",
		       opt.case_timeout * 0.3, k->code, err_name(k->code),
		       alive ? "still echoes (the packet was ignored)" :
			       "is stuck");
	}
	read_close(c, &cc);
	note("closed: recvmsg %s, errcode 0x%x %s, frame 0x%x, phrase '%s'",
	     err ? strerror(err) : "EOF", cc.errcode, err_name(cc.errcode),
	     cc.frame, (char *)cc.phrase);
	if (cc.errcode != k->code && cc.errcode != k->alt)
		finish(EXIT_FAILED, "closed with errcode 0x%x %s, expected 0x%x %s",
		       cc.errcode, err_name(cc.errcode), k->code,
		       err_name(k->code));
	finish(EXIT_PASS, "closed with errcode 0x%x %s", cc.errcode,
	       err_name(cc.errcode));
}

#define CONN_CASES_MAX	(ARRAY_SIZE(conn_cases) + ARRAY_SIZE(dgram_cases))

/*
 * The comma-separated cases of @list into @todo ("all": conn_cases; the
 * dgram_cases only by name); returns how many.
 */
static unsigned int pick_conn_cases(char *list, const struct conn_case **todo)
{
	unsigned int i, n = 0;
	char *name, *save = NULL;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(conn_cases); i++)
			if (!strcmp(name, "all") ||
			    !strcmp(name, conn_cases[i].name))
				if (n < CONN_CASES_MAX)
					todo[n++] = &conn_cases[i];
		for (i = 0; i < ARRAY_SIZE(dgram_cases); i++)
			if (!strcmp(name, dgram_cases[i].name) &&
			    n < CONN_CASES_MAX)
				todo[n++] = &dgram_cases[i];
		if (!n || (strcmp(name, "all") &&
			   strcmp(todo[n - 1]->name, name)))
			finish(EXIT_SETUP, "unknown case '%s'", name);
	}
	return n;
}

/* Run the comma-separated cases of @list ("all": the whole table). */
static int run_conn(char *list)
{
	const struct conn_case *todo[CONN_CASES_MAX];
	unsigned int i, n = pick_conn_cases(list, todo);
	struct conn *c = &C;
	volatile int fails = 0;
	int r;

	parse_addr(opt.addr, opt.port, &c->server);
	c->fd = -1;
	c->sp.fd = -1;
	sniff_open(c);
	for (i = 0; i < n; i++) {
		case_begin(todo[i]->name);
		alarm(3 * opt.case_timeout);
		in_case = true;
		r = setjmp(case_env);
		if (!r)
			conn_case(c, todo[i]);
		in_case = false;
		alarm(0);
		/* A closed or failed connection is not used again. */
		if (r - 1 != EXIT_PASS || todo[i]->closes || todo[i]->fresh)
			conn_teardown(c);
		if (r - 1 != EXIT_PASS)
			fails++;
	}
	conn_teardown(c);
	return fails ? EXIT_FAILED : EXIT_PASS;
}

/* ---- listener cases ---- */

struct lsn {
	int fd;			/* UDP, connected to the server */
	u8 dcid[CID_LEN], scid[CID_LEN];
	struct keyset ck, sk;	/* Initial keys from our DCID */
	u32 close_code;		/* CONNECTION_CLOSE seen in a reply */
	bool got_close;
	u32 replies;
	/* A Version Negotiation in a reply, and whether it echoed our CIDs
	 * swapped and listed versions 1 and 2
	 */
	bool got_vn, vn_ok;
	/* A Retry in a reply, checked (lsn_take_retry()) */
	bool got_retry;
	u8 retry_scid[CID_LEN];
	u8 token[256];		/* the Retry's, or one to send */
	u32 token_len;
};

static void lsn_send(struct lsn *l, const u8 *p, u32 len)
{
	if (send(l->fd, p, len, 0) != (ssize_t)len)
		setup_errno("send (%u bytes)", len);
}

/*
 * An authentic client Initial to a new connection: @payload padded with
 * PADDING to a @total byte datagram. @first_or goes into the first byte
 * before protection.
 */
static u32 build_initial(struct lsn *l, const struct buf *payload,
			 u32 total, u8 first_or, u8 *out)
{
	struct quic_packet_desc d = {
		.dcid = l->dcid, .dcid_len = CID_LEN,
		.scid = l->scid, .scid_len = CID_LEN,
		.pn = 0, .pn_len = 4, .version = QUIC_VERSION_1,
		.type = QUIC_PACKET_INITIAL,
		.token = l->token, .token_len = l->token_len,
	};
	struct quic_packet_layout lay;
	u32 plen;
	int hl;

	hl = quic_packet_build_long_header(out, total, &d, &lay);
	if (hl < 0)
		finish(EXIT_SETUP, "quic_packet_build_long_header: %d", hl);
	out[0] |= first_or;
	plen = total - (u32)hl - QUIC_TAG_LEN;
	if (payload->n > plen)
		finish(EXIT_SETUP, "Initial payload too long");
	memcpy(out + hl, payload->d, payload->n);
	memset(out + hl + payload->n, QUIC_FRAME_PADDING, plen - payload->n);
	if (quic_packet_set_length(out, &lay, total))
		finish(EXIT_SETUP, "quic_packet_set_length");
	return seal_packet(&l->ck, out, lay.pn_offset, lay.pn_len, plen, 0);
}

/*
 * A Retry (RFC 9000 17.2.5) must answer our Initial: its DCID our SCID,
 * its SCID new, a token, and an integrity tag over the pseudo-packet with
 * our DCID (RFC 9001 5.8). Kept for the case to answer; anything wrong
 * fails the case.
 */
static void lsn_take_retry(struct lsn *l, const struct quic_packet_hdr *h,
			   const u8 *pkt)
{
	static u8 pseudo[1 + 20 + 2048];
	gnutls_datum_t key = { .size = 16 };
	u8 tag[QUIC_TAG_LEN];
	gnutls_aead_cipher_hd_t hd;
	const u8 *k, *nonce;
	size_t tag_len = sizeof(tag);
	int plen;

	note("Retry: SCID of %u bytes, token of %u bytes", h->scid_len,
	     h->token_len);
	if (h->version != QUIC_VERSION_1 || h->dcid_len != CID_LEN ||
	    memcmp(h->dcid, l->scid, CID_LEN))
		finish(EXIT_FAILED, "a Retry not for our Initial (version 0x%x, DCID of %u bytes)",
		       h->version, h->dcid_len);
	if (h->scid_len != CID_LEN || !memcmp(h->scid, l->dcid, CID_LEN))
		finish(EXIT_FAILED, "a Retry whose SCID (%u bytes) is not a new 8-byte CID",
		       h->scid_len);
	if (!h->token_len || h->token_len > sizeof(l->token))
		finish(EXIT_FAILED, "a Retry with a token of %u bytes",
		       h->token_len);
	plen = quic_retry_pseudo_packet(pseudo, sizeof(pseudo), l->dcid,
					CID_LEN, pkt, h->len - QUIC_TAG_LEN);
	if (plen < 0 || quic_keys_retry(QUIC_VERSION_1, &k, &nonce))
		finish(EXIT_SETUP, "Retry pseudo-packet or keys");
	key.data = (u8 *)k;
	if (gnutls_aead_cipher_init(&hd, GNUTLS_CIPHER_AES_128_GCM, &key) ||
	    gnutls_aead_cipher_encrypt(hd, nonce, QUIC_IV_LEN, pseudo,
				       (size_t)plen, QUIC_TAG_LEN, NULL, 0,
				       tag, &tag_len))
		finish(EXIT_SETUP, "GnuTLS AES-128-GCM");
	gnutls_aead_cipher_deinit(hd);
	if (memcmp(tag, h->tag, QUIC_TAG_LEN))
		finish(EXIT_FAILED, "a Retry whose integrity tag is wrong");
	memcpy(l->retry_scid, h->scid, CID_LEN);
	memcpy(l->token, h->token, h->token_len);
	l->token_len = h->token_len;
	l->got_retry = true;
}

/* Read the server's answers for @secs; note any CONNECTION_CLOSE in them,
 * take a Retry. Returns early on a close, and with @until_retry on a Retry.
 */
static void lsn_replies_until(struct lsn *l, double secs, bool until_retry)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
	double end = now() + secs;
	static u8 buf[70000];

	while (now() < end && !l->got_close &&
	       !(until_retry && l->got_retry)) {
		struct quic_datagram_iter it;
		struct quic_packet_hdr h;
		const u8 *pkt;
		ssize_t n;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			continue;
		l->replies++;
		note("reply: %zd bytes, first byte 0x%02x", n, buf[0]);
		quic_datagram_iter_init(&it, buf, (u32)n, CID_LEN);
		while (quic_datagram_next_packet(&it, &h, &pkt) > 0) {
			u8 copy[2048], plain[2048];
			u32 plen, off = 0;
			u64 pn;

			if (h.type == QUIC_PACKET_VERSION_NEG) {
				note("version negotiation listing %u versions",
				     h.versions_count);
				l->got_vn = true;
				l->vn_ok = h.dcid_len == CID_LEN &&
					   !memcmp(h.dcid, l->scid, CID_LEN) &&
					   h.scid_len == CID_LEN &&
					   !memcmp(h.scid, l->dcid, CID_LEN) &&
					   quic_packet_vn_has_version(&h, QUIC_VERSION_1) &&
					   quic_packet_vn_has_version(&h, QUIC_VERSION_2);
				continue;
			}
			if (h.type == QUIC_PACKET_RETRY) {
				lsn_take_retry(l, &h, pkt);
				continue;
			}
			if (h.type != QUIC_PACKET_INITIAL ||
			    h.len > sizeof(copy))
				continue;
			memcpy(copy, pkt, h.len);
			if (open_packet(&l->sk, copy, h.len, h.pn_offset,
					QUIC_PN_NONE, &pn, plain, &plen)) {
				note("server Initial did not open");
				continue;
			}
			while (off < plen) {
				struct quic_frame f;
				int fl = quic_frame_decode(plain + off,
							   plen - off, &f);

				if (fl <= 0)
					break;
				off += (u32)fl;
				if (f.type != QUIC_FRAME_CONNECTION_CLOSE)
					continue;
				l->got_close = true;
				l->close_code = (u32)f.close.error;
				note("server CONNECTION_CLOSE errcode 0x%x %s frame 0x%llx",
				     l->close_code, err_name(l->close_code),
				     (unsigned long long)f.close.frame_type);
			}
		}
	}
}

static void lsn_replies(struct lsn *l, double secs)
{
	lsn_replies_until(l, secs, false);
}

static void lc_zero_len(struct lsn *l)
{
	int i;

	for (i = 0; i < 3; i++)
		lsn_send(l, NULL, 0);
}

static void lc_short_junk(struct lsn *l)
{
	static u8 p[MIN_INITIAL];
	int i;

	for (i = 0; i < 8; i++) {
		rnd(p, sizeof(p));
		p[0] = (u8)(QUIC_HDR_FIXED_BIT | (p[0] & 0x3f));
		lsn_send(l, p, sizeof(p));
	}
}

static void lc_long_junk(struct lsn *l)
{
	static u8 p[1500];
	int i;

	for (i = 0; i < 16; i++) {
		rnd(p, sizeof(p));
		p[0] |= QUIC_HDR_FORM_LONG;
		lsn_send(l, p, MIN_INITIAL + (u32)(i * 17));
	}
}

static void lc_bad_version(struct lsn *l)
{
	static u8 p[MIN_INITIAL];

	junk_long(p, sizeof(p), 0, 0x1a2a3a4a, l->dcid, CID_LEN, true);
	/* our SCID, for the VN to echo: after form/type, version, DCID */
	memcpy(p + 1 + 4 + 1 + CID_LEN + 1, l->scid, CID_LEN);
	lsn_send(l, p, sizeof(p));
	lsn_replies(l, 1);
	if (!l->got_vn)
		finish(EXIT_FAILED, "no Version Negotiation (RFC 9000 6.1) within 1 s");
	if (!l->vn_ok)
		finish(EXIT_FAILED, "a Version Negotiation that does not echo our CIDs swapped or list versions 1 and 2");
}

static void lc_dcid_len(struct lsn *l, u8 len)
{
	static u8 p[MIN_INITIAL];
	u8 dcid[255];	/* the longest a DCID Length byte can say */

	rnd(dcid, sizeof(dcid));
	junk_long(p, sizeof(p), 0, QUIC_VERSION_1, dcid, len, true);
	lsn_send(l, p, sizeof(p));
}

static void lc_dcid_lens(struct lsn *l)
{
	lc_dcid_len(l, 0);
	lc_dcid_len(l, 4);
	lc_dcid_len(l, 7);
	lc_dcid_len(l, 21);
	lc_dcid_len(l, 255);
}

/* An authentic Initial, and junk ones, all under 1200 bytes. */
static void lc_small_initial(struct lsn *l)
{
	static u8 p[MIN_INITIAL];
	struct buf b = { .n = 0 };
	u32 n, len;

	put_ping(&b);
	n = build_initial(l, &b, MIN_INITIAL - 1, 0, p);
	lsn_send(l, p, n);
	junk_long(p, sizeof(p), 0, QUIC_VERSION_1, l->dcid, CID_LEN, true);
	for (len = 1; len < MIN_INITIAL; len += 37)
		lsn_send(l, p, len);
	lsn_replies(l, 0.5);
}

static void lc_bad_length(struct lsn *l)
{
	static u8 p[MIN_INITIAL];
	u32 off;

	off = junk_long(p, sizeof(p), 0, QUIC_VERSION_1, l->dcid, CID_LEN,
			true);
	/* Length 4000: past the end of the datagram */
	p[off - 2] = 0x40 | (4000 >> 8);
	p[off - 1] = 4000 & 0xff;
	lsn_send(l, p, sizeof(p));
}

static void lc_handshake_type(struct lsn *l)
{
	static u8 p[MIN_INITIAL];

	junk_long(p, sizeof(p), 2, QUIC_VERSION_1, l->dcid, CID_LEN, false);
	lsn_send(l, p, sizeof(p));
	junk_long(p, sizeof(p), 1, QUIC_VERSION_1, l->dcid, CID_LEN, false);
	lsn_send(l, p, sizeof(p));	/* 0-RTT */
}

/* A well-formed v1 Initial header whose payload does not open. */
static void lc_garbage_initial(struct lsn *l)
{
	static u8 p[MIN_INITIAL];

	junk_long(p, sizeof(p), 0, QUIC_VERSION_1, l->dcid, CID_LEN, true);
	lsn_send(l, p, sizeof(p));
	lsn_replies(l, 0.5);
}

static void lc_initial_frames(struct lsn *l, const struct buf *b,
			      u8 first_or)
{
	static u8 p[MIN_INITIAL];
	u32 n = build_initial(l, b, MIN_INITIAL, first_or, p);

	lsn_send(l, p, n);
	lsn_replies(l, opt.case_timeout / 2.0);
}

/* A ClientHello of 40 random bytes: the TLS handshake must fail. */
static void junk_hello(struct buf *b)
{
	u8 hello[44];

	rnd(hello, sizeof(hello));
	hello[0] = 1;		/* client_hello, 40 bytes */
	hello[1] = 0;
	hello[2] = 0;
	hello[3] = 40;
	put_u8(b, QUIC_FRAME_CRYPTO);
	put_var(b, 0);
	put_var(b, sizeof(hello));
	put_mem(b, hello, sizeof(hello));
}

static void lc_junk_hello(struct lsn *l)
{
	struct buf b = { .n = 0 };

	junk_hello(&b);
	lc_initial_frames(l, &b, 0);
}

/*
 * One sendmsg() as a UDP GSO run (UDP_SEGMENT) of three 1200-byte
 * datagrams: short header junk, long header junk for another DCID, then an
 * authentic Initial (junk ClientHello). veth hands the run on whole, so
 * the server's tunnel socket gets one skb whose datagrams are for no
 * connection: each must be routed on its own, and only the last one
 * answered.
 */
static void lc_gso_run(struct lsn *l)
{
	static u8 p[3 * MIN_INITIAL];
	struct buf b = { .n = 0 };
	int seg = MIN_INITIAL, off = 0;
	u8 dcid[CID_LEN];

	rnd(p, MIN_INITIAL);
	p[0] = (u8)(QUIC_HDR_FIXED_BIT | (p[0] & 0x3f));
	rnd(dcid, sizeof(dcid));
	junk_long(p + MIN_INITIAL, MIN_INITIAL, 0, QUIC_VERSION_1, dcid,
		  CID_LEN, true);
	junk_hello(&b);
	build_initial(l, &b, MIN_INITIAL, 0, p + 2 * MIN_INITIAL);
	if (setsockopt(l->fd, IPPROTO_UDP, UDP_SEGMENT, &seg, sizeof(seg)))
		setup_errno("setsockopt(UDP_SEGMENT)");
	lsn_send(l, p, sizeof(p));
	if (setsockopt(l->fd, IPPROTO_UDP, UDP_SEGMENT, &off, sizeof(off)))
		setup_errno("setsockopt(UDP_SEGMENT, 0)");
	lsn_replies(l, opt.case_timeout / 2.0);
}

/*
 * One Initial, sent twice at once, as a client retransmits it: both
 * copies belong to one connection (RFC 9000 7.2: same DCID), never two.
 */
static void lc_initial_twice(struct lsn *l)
{
	static u8 p[MIN_INITIAL];
	struct buf b = { .n = 0 };
	u32 n;

	junk_hello(&b);
	n = build_initial(l, &b, MIN_INITIAL, 0, p);
	lsn_send(l, p, n);
	lsn_send(l, p, n);
	lsn_replies(l, opt.case_timeout / 2.0);
}

static void lsn_open(struct lsn *l);

/*
 * Initials of four new connections (each its own client port and DCID,
 * junk ClientHellos) at once: they queue at the listener while accept()
 * makes the first connection, and then each gets a connection of its own
 * that answers. The first is @l, checked by the caller.
 */
static void lc_initial_burst(struct lsn *l)
{
	static u8 p[MIN_INITIAL];
	struct lsn more[3];
	struct buf b = { .n = 0 };
	unsigned int i;
	u32 n;

	junk_hello(&b);
	for (i = 0; i < ARRAY_SIZE(more); i++)
		lsn_open(&more[i]);
	n = build_initial(l, &b, MIN_INITIAL, 0, p);
	lsn_send(l, p, n);
	for (i = 0; i < ARRAY_SIZE(more); i++) {
		n = build_initial(&more[i], &b, MIN_INITIAL, 0, p);
		lsn_send(&more[i], p, n);
	}
	lsn_replies(l, opt.case_timeout / 2.0);
	for (i = 0; i < ARRAY_SIZE(more); i++) {
		lsn_replies(&more[i], opt.case_timeout / 2.0);
		close(more[i].fd);
		if (!more[i].got_close)
			finish(EXIT_FAILED, "client %u of 4: no CONNECTION_CLOSE from the server within %u s (%u replies)",
			       i + 2, opt.case_timeout / 2, more[i].replies);
		if (more[i].close_code < 0x100 || more[i].close_code > 0x1ff)
			finish(EXIT_FAILED, "client %u of 4: server closed with errcode 0x%x %s, expected a TLS alert",
			       i + 2, more[i].close_code,
			       err_name(more[i].close_code));
	}
}

static void lc_unknown_frame(struct lsn *l)
{
	struct buf b = { .n = 0 };

	put_var(&b, 0x40);
	put_mem(&b, "\0\0\0\0", 4);
	lc_initial_frames(l, &b, 0);
}

static void lc_reserved_bits(struct lsn *l)
{
	struct buf b = { .n = 0 };

	put_ping(&b);
	lc_initial_frames(l, &b, QUIC_HDR_LONG_RESERVED);
}

static void lc_stream_in_initial(struct lsn *l)
{
	struct buf b = { .n = 0 };

	put_stream(&b, 0, 0, (const u8 *)"early", 5, false);
	lc_initial_frames(l, &b, 0);
}

/* ---- listener cases for a server with validate_peer_address ---- */

/* An authentic Initial to l's DCID, with l's token, carrying a junk
 * ClientHello: no TLS handshake can come of it.
 */
static void junk_initial(struct lsn *l)
{
	static u8 p[MIN_INITIAL];
	struct buf b = { .n = 0 };

	junk_hello(&b);
	lsn_send(l, p, build_initial(l, &b, MIN_INITIAL, 0, p));
}

/* junk_initial(), and the server must answer with a Retry. */
static void retry_first(struct lsn *l)
{
	junk_initial(l);
	lsn_replies_until(l, opt.case_timeout / 2.0, true);
	if (l->got_close)
		finish(EXIT_FAILED, "the server closed (errcode 0x%x %s) instead of sending a Retry",
		       l->close_code, err_name(l->close_code));
	if (!l->got_retry)
		finish(EXIT_FAILED, "no Retry within %u s (%u replies)",
		       opt.case_timeout / 2, l->replies);
}

/* Make @to (l itself or another socket) answer l's Retry as a client
 * does: to its SCID, with its token, under keys from that SCID.
 */
static void retry_follow(struct lsn *l, struct lsn *to)
{
	memcpy(to->dcid, l->retry_scid, CID_LEN);
	if (to != l) {
		memcpy(to->scid, l->scid, CID_LEN);
		memcpy(to->token, l->token, l->token_len);
		to->token_len = l->token_len;
	}
	to->got_retry = false;
	initial_keys(QUIC_VERSION_1, to->dcid, CID_LEN, &to->ck, &to->sk);
}

/* With the token: a connection starts, and fails on the junk hello. */
static void rc_retry(struct lsn *l)
{
	retry_first(l);
	retry_follow(l, l);
	junk_initial(l);
	lsn_replies(l, opt.case_timeout / 2.0);
	if (l->got_retry)
		finish(EXIT_FAILED, "a second Retry for the Initial with the first one's token");
}

/* The token from another port: a Retry token binds the client's. */
static void rc_retry_other_port(struct lsn *l)
{
	struct lsn other;

	retry_first(l);
	lsn_open(&other);
	retry_follow(l, &other);
	junk_initial(&other);
	lsn_replies(&other, opt.case_timeout / 2.0);
	close(other.fd);
	l->got_close = other.got_close;
	l->close_code = other.close_code;
	l->replies += other.replies;
}

/* The token 11 s later: a Retry token is good for 10 s. */
static void rc_retry_stale(struct lsn *l)
{
	retry_first(l);
	sleep_ms(11000);
	retry_follow(l, l);
	junk_initial(l);
	lsn_replies(l, opt.case_timeout / 2.0);
}

/* A token that is not the server's counts as none: a Retry. */
static void rc_stranger_token(struct lsn *l)
{
	rnd(l->token, 64);
	l->token_len = 64;
	retry_first(l);
}

/* The token of a Retry with a flipped bit: not the server's, so a Retry. */
static void rc_damaged_token(struct lsn *l)
{
	struct lsn again;

	retry_first(l);
	l->token[l->token_len / 2] ^= 0x01;
	lsn_open(&again);
	retry_follow(l, &again);
	retry_first(&again);
	close(again.fd);
	l->replies += again.replies;
}

/*
 * @code..@code_max: the CONNECTION_CLOSE error code the server must answer
 * with, 0 when the datagrams must just be dropped. The script also checks
 * the server's accept() gave out no connection for dropped junk, and at
 * most one for an authentic Initial.
 */
struct lsn_case {
	const char *name;
	void (*send)(struct lsn *l);
	u32 code, code_max;
	const char *desc;
};

static const struct lsn_case lsn_cases[] = {
	{ "zero-len", lc_zero_len, 0, 0,
	  "empty UDP datagrams" },
	{ "short-junk", lc_short_junk, 0, 0,
	  "1200-byte short header junk" },
	{ "long-junk", lc_long_junk, 0, 0,
	  "1200-1455 bytes of long header junk (random versions)" },
	{ "bad-version", lc_bad_version, 0, 0,
	  "Initial of unsupported version 0x1a2a3a4a: a Version Negotiation listing v1 and v2 answers, CIDs echoed swapped" },
	{ "dcid-len", lc_dcid_lens, 0, 0,
	  "v1 Initials with a DCID of 0, 4, 7, 21 and 255 bytes" },
	{ "small-initial", lc_small_initial, 0, 0,
	  "authentic 1199-byte Initial and Initials cut below 1200 bytes" },
	{ "bad-length", lc_bad_length, 0, 0,
	  "v1 Initial whose Length runs past the datagram" },
	{ "handshake-type", lc_handshake_type, 0, 0,
	  "Handshake and 0-RTT packets for an unknown connection" },
	{ "garbage-initial", lc_garbage_initial, 0, 0,
	  "v1 Initial whose payload does not decrypt" },
	{ "junk-hello", lc_junk_hello, 0x100, 0x1ff,
	  "authentic Initial carrying a junk ClientHello" },
	{ "initial-twice", lc_initial_twice, 0x100, 0x1ff,
	  "the same authentic Initial (junk ClientHello) twice" },
	{ "initial-burst", lc_initial_burst, 0x100, 0x1ff,
	  "authentic Initials of four new connections at once (junk ClientHellos)" },
	{ "gso-run", lc_gso_run, 0x100, 0x1ff,
	  "one UDP GSO run: short junk, long junk, authentic Initial (junk ClientHello)" },
	{ "initial-unknown-frame", lc_unknown_frame, 0x07, 0x07,
	  "authentic Initial with unknown frame type 0x40" },
	{ "initial-reserved-bits", lc_reserved_bits, 0x0a, 0x0a,
	  "authentic Initial with reserved bits set" },
	{ "initial-stream", lc_stream_in_initial, 0x0a, 0x0a,
	  "authentic Initial carrying a STREAM frame" },
};

static const struct lsn_case retry_cases[] = {
	{ "retry", rc_retry, 0x100, 0x1ff,
	  "authentic Initial without a token: a Retry (tag, CIDs, token checked); the Initial again with its token: a connection (closed with a TLS alert for the junk ClientHello)" },
	{ "retry-other-port", rc_retry_other_port, 0x0b, 0x0b,
	  "a Retry's token in an Initial from another client port: INVALID_TOKEN" },
	{ "retry-stale-token", rc_retry_stale, 0x0b, 0x0b,
	  "a Retry's token answered 11 s later (good for 10 s): INVALID_TOKEN" },
	{ "retry-stranger-token", rc_stranger_token, 0, 0,
	  "Initial with 64 random bytes of token: a Retry" },
	{ "retry-damaged-token", rc_damaged_token, 0, 0,
	  "a Retry's token with a flipped bit, from a new client: a Retry" },
};

/* Is the server process (--server-pid) still there? */
static bool server_alive(void)
{
	char path[64], stat[256];
	const char *st;
	FILE *f;

	if (opt.server_pid <= 0)
		return true;
	if (kill(opt.server_pid, 0))
		return false;
	/* a zombie its parent has not reaped yet counts as gone */
	snprintf(path, sizeof(path), "/proc/%d/stat", opt.server_pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	st = fgets(stat, sizeof(stat), f) ? strrchr(stat, ')') : NULL;
	fclose(f);
	return !st || strncmp(st, ") Z", 3);
}

/*
 * After the junk: the server process (--server-pid) must still be there,
 * and a new client must get through the handshake and an echo.
 */
static void __attribute__((noreturn)) good_client(const char *what)
{
	struct conn *c = &C;
	char why[256];
	int i;

	/* A server that dies of the junk does so at once: give it time. */
	for (i = 0; i < 6 && server_alive(); i++)
		sleep_ms(100);
	if (!server_alive())
		finish(EXIT_FAILED, "%s; then the server process exited", what);
	parse_addr(opt.addr, opt.port, &c->server);
	snprintf(why, sizeof(why), "%s; then a new client's ", what);
	hs_fail_code = EXIT_FAILED;
	hs_fail_what = why;
	hs_idle_ms = 4000;
	client_handshake(c);
	if (echo(c, why, sizeof(why)))
		finish(EXIT_FAILED, "%s; then a new client connected but: %s",
		       what, why);
	finish(EXIT_PASS, "%s; then a new client connected and echoed %u bytes",
	       what, ECHO_BYTES);
}

static struct lsn L = { .fd = -1 };

/*
 * The junk of a listener case comes from a port below the ephemeral range
 * (32768 up), a new one each time: the script counts the connections the
 * server accepted from each case's port, and a kernel-chosen port could be
 * one an earlier case's good client (a QUIC socket, since closed) used.
 */
#define LSN_PORT_BASE	20000
#define LSN_PORTS	12000

static void lsn_bind(int fd, int family)
{
	static unsigned int next;
	union sa local = { .sa.sa_family = (sa_family_t)family };
	unsigned int i;
	u16 port;

	if (!next)
		next = (unsigned int)getpid() * 97;
	for (i = 0; i < LSN_PORTS; i++) {
		port = (u16)(LSN_PORT_BASE + next++ % LSN_PORTS);
		if (family == AF_INET)
			local.v4.sin_port = htons(port);
		else
			local.v6.sin6_port = htons(port);
		if (!bind(fd, &local.sa, sa_len(&local)))
			return;
		if (errno != EADDRINUSE)
			break;
	}
	setup_errno("bind a listener case's client port");
}

/* A new client: its own UDP socket, connected to the server, and DCID. */
static void lsn_open(struct lsn *l)
{
	union sa server;

	memset(l, 0, sizeof(*l));
	parse_addr(opt.addr, opt.port, &server);
	l->fd = socket(server.sa.sa_family, SOCK_DGRAM, IPPROTO_UDP);
	if (l->fd < 0)
		setup_errno("socket(SOCK_DGRAM)");
	lsn_bind(l->fd, server.sa.sa_family);
	if (connect(l->fd, &server.sa, sa_len(&server)))
		setup_errno("connect");
	rnd(l->dcid, sizeof(l->dcid));
	rnd(l->scid, sizeof(l->scid));
	initial_keys(QUIC_VERSION_1, l->dcid, CID_LEN, &l->ck, &l->sk);
}

/* One listener case; always ends in finish(). */
static void __attribute__((noreturn)) lsn_case(const struct lsn_case *k)
{
	struct lsn *l = &L;
	char what[256];
	union sa local;
	socklen_t len = sizeof(local);

	lsn_open(l);
	if (getsockname(l->fd, &local.sa, &len))
		setup_errno("getsockname");
	/* The script checks the server accepted nothing from this port. */
	printf("PORT %s %u\n", k->name, sa_port(&local));

	k->send(l);

	if (!k->code) {
		snprintf(what, sizeof(what), "sent, %u replies", l->replies);
		good_client(what);
	}
	if (!l->got_close)
		finish(EXIT_FAILED, "no CONNECTION_CLOSE from the server within %u s, expected errcode 0x%x %s (%u replies)",
		       opt.case_timeout / 2, k->code, err_name(k->code),
		       l->replies);
	if (l->close_code < k->code || l->close_code > k->code_max) {
		if (k->code_max > k->code)
			snprintf(what, sizeof(what), "0x%x..0x%x", k->code,
				 k->code_max);
		else
			snprintf(what, sizeof(what), "0x%x", k->code);
		finish(EXIT_FAILED, "server closed with errcode 0x%x %s, expected %s %s",
		       l->close_code, err_name(l->close_code), what,
		       err_name(k->code));
	}
	snprintf(what, sizeof(what), "server closed with errcode 0x%x %s",
		 l->close_code, err_name(l->close_code));
	good_client(what);
}

/*
 * The comma-separated listener cases of @list against one server; stops
 * with EXIT_SERVER_GONE after a case if the server process is gone.
 */
static int run_listener(char *list)
{
	const struct lsn_case *todo[ARRAY_SIZE(lsn_cases) +
				    ARRAY_SIZE(retry_cases)];
	char *name, *save = NULL;
	volatile int fails = 0;
	unsigned int i, n = 0;
	int r;

	/* "all": the cases for any server; retry cases go by name. */
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(lsn_cases); i++)
			if ((!strcmp(name, "all") ||
			     !strcmp(name, lsn_cases[i].name)) &&
			    n < ARRAY_SIZE(todo))
				todo[n++] = &lsn_cases[i];
		for (i = 0; i < ARRAY_SIZE(retry_cases); i++)
			if (!strcmp(name, retry_cases[i].name) &&
			    n < ARRAY_SIZE(todo))
				todo[n++] = &retry_cases[i];
		if (!n || (strcmp(name, "all") &&
			   strcmp(todo[n - 1]->name, name)))
			finish(EXIT_SETUP, "unknown case '%s'", name);
	}
	C.fd = -1;
	for (i = 0; i < n; i++) {
		hs_fail_code = EXIT_SETUP;
		hs_fail_what = "";
		hs_idle_ms = 0;
		case_begin(todo[i]->name);
		alarm(3 * opt.case_timeout);
		in_case = true;
		r = setjmp(case_env);
		if (!r)
			lsn_case(todo[i]);
		in_case = false;
		alarm(0);
		if (L.fd >= 0)
			close(L.fd);
		if (C.fd >= 0)
			close(C.fd);
		L.fd = -1;
		C.fd = -1;
		if (r - 1 != EXIT_PASS)
			fails++;
		if (!server_alive()) {
			note("the server is gone: stopping after %s",
			     todo[i]->name);
			return EXIT_SERVER_GONE;
		}
	}
	return fails ? EXIT_FAILED : EXIT_PASS;
}

/* ---- vn-server ---- */

static char vn_default[] = "0a1a2a3a";	/* a version no client speaks */

/*
 * A fake server for a client's version negotiation (RFC 9000 6.2): every
 * long header datagram to ADDR:PORT is answered with a Version
 * Negotiation packet offering @list (comma-separated hex versions), one
 * "VN <n>" line each, until killed.
 */
static int run_vn_server(char *list)
{
	u32 versions[8], n = 0;
	static u8 in[65536], out[1500];
	struct quic_packet_hdr h;
	union sa a, from;
	char *v, *save = NULL;
	socklen_t fl;
	int fd, len;
	ssize_t r;

	for (v = strtok_r(list, ",", &save); v && n < ARRAY_SIZE(versions);
	     v = strtok_r(NULL, ",", &save))
		versions[n++] = (u32)strtoul(v, NULL, 16);
	parse_addr(opt.addr, opt.port, &a);
	fd = socket(a.sa.sa_family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0 || bind(fd, &a.sa, sa_len(&a)))
		setup_errno("UDP socket on the server address");
	printf("listening\n");
	for (;;) {
		fl = sizeof(from);
		r = recvfrom(fd, in, sizeof(in), 0, &from.sa, &fl);
		if (r <= 0 ||
		    quic_packet_parse_header(in, (u32)r, CID_LEN, &h) ||
		    !h.long_header)
			continue;
		len = quic_packet_build_vn(out, sizeof(out), &h, 0x2a,
					   n ? versions : NULL, n);
		if (len > 0 && sendto(fd, out, (size_t)len, 0, &from.sa,
				      fl) == len)
			printf("VN %d bytes\n", len);
	}
	return EXIT_PASS;
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: inject conn -a ADDR -p PORT --psk FILE --case NAME[,NAME...]|all\n"
		"              [--cipher aes128|aes256|chacha20|aes128ccm]\n"
		"              [--server-pid PID] [--case-timeout S] [--timeout S]\n"
		"       inject listener -a ADDR -p PORT --psk FILE --case NAME[,NAME...]|all\n"
		"              [--server-pid PID] [--case-timeout S] [--timeout S]\n"
		"       inject list conn|dgram|listener|retry\n"
		"       inject vn-server -a ADDR -p PORT [--versions HEX[,HEX...]]\n");
	exit(EXIT_SETUP);
}

static const struct option longopts[] = {
	{ "psk", required_argument, NULL, 'k' },
	{ "case", required_argument, NULL, 'C' },
	{ "cipher", required_argument, NULL, 'x' },
	{ "timeout", required_argument, NULL, 't' },
	{ "case-timeout", required_argument, NULL, 'T' },
	{ "server-pid", required_argument, NULL, 'P' },
	{ "versions", required_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	unsigned int i;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	opt.mode = argv[1];
	if (!strcmp(opt.mode, "list")) {
		if (argc != 3)
			usage();
		if (!strcmp(argv[2], "conn")) {
			for (i = 0; i < ARRAY_SIZE(conn_cases); i++)
				printf("%s\t%s\t%s\n", conn_cases[i].name,
				       conn_cases[i].desc,
				       conn_cases[i].closes ?
				       err_name(conn_cases[i].code) :
				       conn_cases[i].fresh ? "-" : "ignored");
		} else if (!strcmp(argv[2], "dgram")) {
			for (i = 0; i < ARRAY_SIZE(dgram_cases); i++)
				printf("%s\t%s\t%s\n", dgram_cases[i].name,
				       dgram_cases[i].desc,
				       dgram_cases[i].closes ?
				       err_name(dgram_cases[i].code) :
				       "ignored");
		} else if (!strcmp(argv[2], "listener")) {
			for (i = 0; i < ARRAY_SIZE(lsn_cases); i++)
				printf("%s\t%s\t%s\n", lsn_cases[i].name,
				       lsn_cases[i].desc,
				       !lsn_cases[i].code ? "ignored" :
				       err_name(lsn_cases[i].code));
		} else if (!strcmp(argv[2], "retry")) {
			for (i = 0; i < ARRAY_SIZE(retry_cases); i++)
				printf("%s\t%s\t%s\n", retry_cases[i].name,
				       retry_cases[i].desc,
				       !retry_cases[i].code ? "ignored" :
				       err_name(retry_cases[i].code));
		} else {
			usage();
		}
		return 0;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "a:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': opt.addr = optarg; break;
		case 'p': opt.port = atoi(optarg); break;
		case 'k': opt.psk = optarg; break;
		case 'C': opt.cases = optarg; break;
		case 'x': opt.cipher = optarg; break;
		case 't': opt.timeout = (unsigned int)atoi(optarg); break;
		case 'T':
			opt.case_timeout = (unsigned int)atoi(optarg);
			break;
		case 'P': opt.server_pid = atoi(optarg); break;
		case 'V': opt.versions = optarg; break;
		default: usage();
		}
	}
	if (!strcmp(opt.mode, "vn-server") && optind == argc && opt.addr &&
	    opt.port > 0 && opt.port <= 65535)
		return run_vn_server(opt.versions ?: vn_default);
	if (optind != argc || !opt.addr || !opt.cases || !opt.psk ||
	    opt.port <= 0 || opt.port > 65535 || opt.timeout < 3 ||
	    opt.case_timeout < 2)
		usage();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(opt.timeout);

	if (!strcmp(opt.mode, "conn")) {
		return run_conn(opt.cases);
	} else if (!strcmp(opt.mode, "listener")) {
		return run_listener(opt.cases);
	} else {
		usage();
	}
	finish(EXIT_SETUP, "unknown case '%s' for %s", opt.cases, opt.mode);
}
