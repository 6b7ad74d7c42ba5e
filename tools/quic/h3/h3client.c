// SPDX-License-Identifier: GPL-2.0
/*
 * h3client: a small HTTP/3 client over IPPROTO_QUIC sockets, using nghttp3
 * for HTTP/3 framing and QPACK.  An example of the socket API as much as a
 * test peer.
 *
 *   h3client [options] ADDR PORT [PATH...]
 *     -n N            N requests in all, cycling through the PATHs
 *                     (default: one per PATH; PATH defaults to "/")
 *     -P M            at most M requests in flight at once (default 1:
 *                     one after another, on the same connection)
 *     -o OUT          response bodies: with one request OUT is a file
 *                     ("-" for stdout); with several it is a directory
 *                     and response K (from 0) goes to OUT/K
 *     --ca F          trust the CAs in F instead of the system's
 *     --insecure      do not verify the server's certificate
 *     --host NAME     name to verify and send as SNI and :authority
 *     --cipher aes128|aes256|chacha20|aes128ccm
 *     --keylog F      append TLS secrets to F (SSLKEYLOGFILE format)
 *     --timeout S     give up after S seconds (exit status 4)
 *     --session-file F  resume the session F holds, if it holds one: the
 *                     requests then go before the handshake, as 0-RTT;
 *                     and keep this connection's session in F
 *     -q              only the summary
 *
 * For each response it prints on stderr
 *
 *   response K stream ID path PATH status CODE bytes N sha256 HEX at T s
 *
 * and exits 0 only if every response had status 200 and, where the server
 * sent content-length, that many body bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <netinet/quic.h>

#include "h3common.h"

static struct {
	const char *addr, *out, *session_file;
	int port;
	char **paths;
	unsigned int npaths, requests, parallel, timeout;
	struct h3_tls tls;
	bool quiet;
} opt = {
	.port = -1,
	.parallel = 1,
};

struct resp {
	unsigned int k;		/* request number */
	int64_t id;
	const char *path;
	int status;
	int64_t clen;		/* content-length, -1 if none */
	uint64_t bytes;
	bool ended;		/* nghttp3 saw the end of the response */
	FILE *out;
	gnutls_hash_hd_t sha;
};

static unsigned int submitted, in_flight, completed, good;
static char authority[300];
static struct timespec t0;

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
}

static void on_alarm(int sig)
{
	static const char m[] = "error: timeout (--timeout)\n";

	(void)sig;
	if (write(STDERR_FILENO, m, sizeof(m) - 1) < 0)
		_exit(4);
	_exit(4);
}

static FILE *open_out(unsigned int k)
{
	char file[PATH_MAX];
	FILE *f;

	if (!opt.out)
		return NULL;
	if (opt.requests == 1) {
		if (!strcmp(opt.out, "-"))
			return stdout;
		snprintf(file, sizeof(file), "%s", opt.out);
	} else {
		snprintf(file, sizeof(file), "%s/%u", opt.out, k);
	}
	f = fopen(file, "w");
	if (!f)
		h3_die("open %s: %s", file, strerror(errno));
	return f;
}

static nghttp3_nv nv(const char *name, const char *value)
{
	nghttp3_nv h = {
		.name = (uint8_t *)name,
		.value = (uint8_t *)value,
		.namelen = strlen(name),
		.valuelen = strlen(value),
		.flags = NGHTTP3_NV_FLAG_NONE,
	};
	return h;
}

/* Opens a stream and submits GET of the next path on it. */
static int submit(struct h3_conn *c)
{
	struct resp *r = calloc(1, sizeof(*r));
	nghttp3_nv hdr[5];
	int rv;

	if (!r)
		h3_die("out of memory");
	r->k = submitted;
	r->path = opt.paths[submitted % opt.npaths];
	r->clen = -1;
	r->id = h3_open_request_stream(c);
	if (r->id < 0) {
		free(r);
		return -1;
	}
	if (gnutls_hash_init(&r->sha, GNUTLS_DIG_SHA256))
		h3_die("gnutls_hash_init");
	r->out = open_out(r->k);
	hdr[0] = nv(":method", "GET");
	hdr[1] = nv(":scheme", "https");
	hdr[2] = nv(":authority", authority);
	hdr[3] = nv(":path", r->path);
	hdr[4] = nv("user-agent", "h3client (in-kernel QUIC)");
	/* No data reader: the request ends with its headers (FIN). */
	rv = nghttp3_conn_submit_request(c->h3, r->id, hdr, 5, NULL, r);
	if (rv) {
		h3_log("nghttp3_conn_submit_request: %s", nghttp3_strerror(rv));
		return -1;
	}
	submitted++;
	in_flight++;
	return 0;
}

static int recv_header(nghttp3_conn *conn, int64_t id, int32_t token,
		       nghttp3_rcbuf *name, nghttp3_rcbuf *value,
		       uint8_t flags, void *conn_data, void *stream_data)
{
	nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
	struct resp *r = stream_data;
	char buf[24];
	size_t n = v.len < sizeof(buf) - 1 ? v.len : sizeof(buf) - 1;

	(void)conn, (void)id, (void)name, (void)flags, (void)conn_data;
	memcpy(buf, v.base, n);
	buf[n] = '\0';
	if (token == NGHTTP3_QPACK_TOKEN__STATUS)
		r->status = atoi(buf);
	else if (token == NGHTTP3_QPACK_TOKEN_CONTENT_LENGTH)
		r->clen = strtoll(buf, NULL, 10);
	return 0;
}

static int recv_data(nghttp3_conn *conn, int64_t id, const uint8_t *data,
		     size_t len, void *conn_data, void *stream_data)
{
	struct resp *r = stream_data;

	(void)conn, (void)id, (void)conn_data;
	gnutls_hash(r->sha, data, len);
	r->bytes += len;
	if (r->out && fwrite(data, 1, len, r->out) != len)
		h3_die("write response %u: %s", r->k, strerror(errno));
	return 0;
}

static int end_stream(nghttp3_conn *conn, int64_t id, void *conn_data,
		      void *stream_data)
{
	struct resp *r = stream_data;

	(void)conn, (void)id, (void)conn_data;
	r->ended = true;
	return 0;
}

/* Both directions are done: report the response and free it. */
static int stream_close(nghttp3_conn *conn, int64_t id, uint64_t code,
			void *conn_data, void *stream_data)
{
	unsigned char d[32];
	struct resp *r = stream_data;
	char hex[65];
	bool ok;
	int i;

	(void)conn, (void)conn_data;
	if (!r)
		return 0;
	gnutls_hash_deinit(r->sha, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	ok = r->ended && r->status == 200 &&
	     (r->clen < 0 || (uint64_t)r->clen == r->bytes);
	if (!opt.quiet || !ok)
		h3_log("response %u stream %" PRId64 " path %s status %d bytes %"
		       PRIu64 " sha256 %s at %.3f s%s", r->k, id, r->path,
		       r->status, r->bytes, hex, elapsed(), ok ? "" : " (FAILED)");
	if (code != H3_NO_ERROR)
		h3_log("stream %" PRId64 " closed with %#" PRIx64, id, code);
	if (r->out && r->out != stdout)
		fclose(r->out);
	else if (r->out)
		fflush(r->out);
	completed++;
	in_flight--;
	good += ok;
	free(r);
	return 0;
}

/* Keep up to -P requests in flight, and write what nghttp3 has. */
static int submit_and_flush(struct h3_conn *c)
{
	while (submitted < opt.requests && in_flight < opt.parallel)
		if (submit(c))
			return -1;
	return h3_flush(c);
}

/*
 * The HTTP/3 connection and its first requests: after the handshake, or
 * before it when resuming (they then go as 0-RTT).
 */
static int run_start(struct h3_conn *c)
{
	static const nghttp3_callbacks cb = {
		.recv_header = recv_header,
		.recv_data = recv_data,
		.end_stream = end_stream,
		.stream_close = stream_close,
	};
	nghttp3_settings settings;
	int rv;

	nghttp3_settings_default(&settings);
	rv = nghttp3_conn_client_new(&c->h3, &cb, &settings, NULL, NULL);
	if (rv) {
		h3_log("nghttp3_conn_client_new: %s", nghttp3_strerror(rv));
		return -1;
	}
	if (h3_bind_streams(c))
		return -1;
	return submit_and_flush(c);
}

static int run_loop(struct h3_conn *c)
{
	int rv;

	while (completed < opt.requests) {
		if (h3_wait(c, 1000))
			return -1;
		while ((rv = h3_read(c)) > 0)
			;
		if (rv < 0 || submit_and_flush(c))
			return -1;
	}
	return 0;
}

/* ---- resumption: --session-file ---- */

/*
 * What resuming needs of an earlier connection: its session data
 * (the server's ticket, through GnuTLS), the server's transport
 * parameters, which bound what 0-RTT may send, and its NEW_TOKEN.
 */
static struct {
	uint8_t data[8192];
	size_t data_len;
	struct quic_transport_param tp;
	uint8_t token[256];
	size_t token_len;
	bool have;
} saved;

static const char session_magic[4] = { 'h', '3', 'q', '0' };

static bool read_block(FILE *f, void *p, size_t cap, size_t *len)
{
	uint32_t n;

	if (fread(&n, sizeof(n), 1, f) != 1 || n > cap ||
	    (n && fread(p, n, 1, f) != 1))
		return false;
	*len = n;
	return true;
}

static void write_block(FILE *f, const void *p, size_t len)
{
	uint32_t n = (uint32_t)len;

	fwrite(&n, sizeof(n), 1, f);
	fwrite(p, len, 1, f);
}

static void session_load(const char *path)
{
	char magic[sizeof(session_magic)];
	size_t tp_len;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		return;		/* none yet: a full handshake */
	saved.have = fread(magic, sizeof(magic), 1, f) == 1 &&
		     !memcmp(magic, session_magic, sizeof(magic)) &&
		     read_block(f, saved.data, sizeof(saved.data),
				&saved.data_len) &&
		     read_block(f, &saved.tp, sizeof(saved.tp), &tp_len) &&
		     tp_len == sizeof(saved.tp) &&
		     read_block(f, saved.token, sizeof(saved.token),
				&saved.token_len);
	fclose(f);
	if (!saved.have)
		h3_log("%s: not a session file of ours, ignored", path);
}

/* Before the handshake: token, the server's parameters, the session. */
static bool session_apply(int fd)
{
	if (!saved.have)
		return false;
	if (saved.token_len &&
	    setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, saved.token,
		       saved.token_len))
		h3_log("QUIC_SOCKOPT_TOKEN: %s", strerror(errno));
	saved.tp.remote = 1;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &saved.tp,
		       sizeof(saved.tp))) {
		h3_log("QUIC_SOCKOPT_TRANSPORT_PARAM (remote): %s",
		       strerror(errno));
		return false;
	}
	opt.tls.resume = saved.data;
	opt.tls.resume_len = saved.data_len;
	return true;
}

/* After the responses (the server's ticket is in by then). */
static void session_save(const char *path, int fd, gnutls_session_t s)
{
	char tmp[PATH_MAX];
	socklen_t len;
	FILE *f;

	saved.data_len = sizeof(saved.data);
	if (quic_session_get_data(s, saved.data, &saved.data_len)) {
		h3_log("no session data to save");
		return;
	}
	saved.tp.remote = 1;
	len = sizeof(saved.tp);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &saved.tp,
		       &len))
		return;
	len = sizeof(saved.token);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, saved.token, &len))
		len = 0;
	saved.token_len = len;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f) {
		h3_log("%s: %s", tmp, strerror(errno));
		return;
	}
	fwrite(session_magic, sizeof(session_magic), 1, f);
	write_block(f, saved.data, saved.data_len);
	write_block(f, &saved.tp, sizeof(saved.tp));
	write_block(f, saved.token, saved.token_len);
	if (fclose(f) || rename(tmp, path))
		h3_log("%s: %s", path, strerror(errno));
}

/*
 * Connect, resume if a session file says how (requests then go before
 * the handshake, as 0-RTT), fetch, and keep the session for next time.
 */
static int run(int fd)
{
	struct h3_tls_session keep = {};
	struct h3_conn c = { .fd = fd };
	bool early;
	int ret = -1;

	if (opt.session_file)
		session_load(opt.session_file);
	early = session_apply(fd);
	if (early && run_start(&c))
		goto out;
	if (h3_handshake_keep(fd, &opt.tls, &keep)) {
		ret = -3;
		goto out;
	}
	if (!early && run_start(&c))
		goto out;
	if (run_loop(&c))
		goto out;
	if (opt.session_file)
		session_save(opt.session_file, fd, keep.session);
	ret = 0;
out:
	h3_tls_session_free(&keep);
	h3_conn_free(&c);
	return ret;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: h3client [-n N] [-P M] [-o OUT] [--ca F | --insecure]\n"
		"\t[--host NAME] [--cipher aes128|aes256|chacha20|aes128ccm]\n"
		"\t[--keylog F] [--timeout S] [--session-file F] [-q]\n"
		"\tADDR PORT [PATH...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	enum { O_CA = 256, O_INSECURE, O_HOST, O_CIPHER, O_KEYLOG,
	       O_TIMEOUT, O_SESSION };
	static const struct option lo[] = {
		{ "requests", required_argument, NULL, 'n' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "ca", required_argument, NULL, O_CA },
		{ "insecure", no_argument, NULL, O_INSECURE },
		{ "host", required_argument, NULL, O_HOST },
		{ "cipher", required_argument, NULL, O_CIPHER },
		{ "keylog", required_argument, NULL, O_KEYLOG },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "session-file", required_argument, NULL, O_SESSION },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static char *root[] = { "/" };
	struct sockaddr_storage ss;
	socklen_t len;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "n:P:o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			opt.requests = h3_arg_num(optarg, "-n", 1000000);
			break;
		case 'P': opt.parallel = h3_arg_num(optarg, "-P", 1000); break;
		case 'o': opt.out = optarg; break;
		case 'q': opt.quiet = true; break;
		case O_CA: opt.tls.ca = optarg; break;
		case O_INSECURE: opt.tls.insecure = true; break;
		case O_HOST: opt.tls.host = optarg; break;
		case O_CIPHER: opt.tls.cipher = optarg; break;
		case O_KEYLOG: opt.tls.keylog = optarg; break;
		case O_SESSION: opt.session_file = optarg; break;
		case O_TIMEOUT:
			opt.timeout = h3_arg_num(optarg, "--timeout", 86400);
			break;
		default: usage();
		}
	}
	if (argc - optind < 2 || !opt.parallel)
		usage();
	opt.addr = argv[optind];
	opt.port = (int)h3_arg_num(argv[optind + 1], "port", 65535);
	opt.paths = argv + optind + 2;
	opt.npaths = argc - optind - 2;
	if (!opt.npaths) {
		opt.paths = root;
		opt.npaths = 1;
	}
	if (!opt.requests)
		opt.requests = opt.npaths;
	if (opt.out && opt.requests > 1 && mkdir(opt.out, 0755) &&
	    errno != EEXIST)
		h3_die("mkdir %s: %s", opt.out, strerror(errno));
	fd = h3_start(&opt.tls, opt.timeout, on_alarm, opt.addr, opt.port,
		      &ss, &len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!opt.tls.host)
		opt.tls.host = opt.addr;
	/* :authority is host[:port], IPv6 literals in brackets (RFC 3986). */
	snprintf(authority, sizeof(authority),
		 strchr(opt.tls.host, ':') ? "[%s]:%d" : "%s:%d",
		 opt.tls.host, opt.port);

	/* connect() only picks connection IDs; the handshake follows. */
	if (connect(fd, (struct sockaddr *)&ss, len))
		h3_die("connect: %s", strerror(errno));
	ret = run(fd);
	if (ret == -3)
		return 3;	/* the handshake failed */
	if (ret) {
		h3_set_close(fd, H3_INTERNAL_ERROR, "h3client failed");
		close(fd);
		h3_log("done: %u of %u responses, %u ok", completed,
		       opt.requests, good);
		return 1;
	}
	/* H3_NO_ERROR: the graceful end of an HTTP/3 connection. */
	h3_set_close(fd, H3_NO_ERROR, "");
	close(fd);
	h3_log("done: %u of %u responses, %u ok", completed, opt.requests,
	       good);
	return good == opt.requests ? 0 : 1;
}
