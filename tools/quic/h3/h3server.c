// SPDX-License-Identifier: GPL-2.0
/*
 * h3server: a small HTTP/3 file server over IPPROTO_QUIC sockets, using
 * nghttp3 for HTTP/3 framing and QPACK.  An example of the socket API as
 * much as a test peer.
 *
 *   h3server -a ADDR -p PORT --cert F --key F [--root DIR]
 *	[--cipher aes128|aes256|chacha20|aes128ccm] [--keylog F]
 *	[--conns N] [--max-streams N] [--validate] [--timeout S] [-q]
 *	[--preferred ADDR --preferred-port PORT] [--early-data]
 *
 * GET and HEAD of files under --root (default "."); "/" is /index.html.
 * Connections are served one after another; with --conns N the server
 * exits after N, with status 0 if every connection ended cleanly.
 * --max-streams sets our initial_max_streams_bidi: with 1 a client can only
 * have one request in flight, so its requests are strictly sequential.
 * --validate sets validate_peer_address: each new client gets a Retry
 * first (RFC 9000 8.1.2), unless it offers a token of ours.
 * --preferred gives the listener a preferred address (RFC 9000 9.6,
 * QUIC_SOCKOPT_CONNECTION_MIGRATION on the listener), of the listener's
 * family: clients may move there once their handshake is confirmed.
 * --early-data sends session tickets and accepts the 0-RTT requests of
 * clients that resume with one (RFC 9001 4.6; libquic's anti-replay).
 *
 * It prints "listening on ADDR port PORT" once it listens, and one line
 * per request: "request <stream> <method> <path> -> <status> <bytes>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netinet/quic.h>

#include "h3common.h"
#include "quic_tool.h"

static struct {
	const char *addr, *root, *pref_addr;
	int port, pref_port;
	struct h3_tls tls;
	unsigned int conns, max_streams, timeout;
	bool quiet, validate;
} opt = {
	.root = ".",
	.port = -1,
	.pref_port = -1,
	.tls.server = true,
};

/* One request: what was asked, and the file that answers it. */
struct req {
	int64_t id;
	char method[16];
	char path[1024];
	uint8_t *body;		/* mmap()ed file, or NULL */
	size_t size, off;	/* body length and how much nghttp3 has */
	int status;
	struct req *next, **pprev;	/* in the connection's list */
};

/*
 * Requests alive on this connection; nghttp3_conn_del() does not close
 * streams, so whatever the stream_close callback did not free is freed
 * when the connection ends.
 */
static struct req *reqs;

/*
 * A request path to a file under the root, or NULL.  Paths that climb out
 * ("..") or are not absolute are refused; the query string is ignored.
 */
static char *resolve(const char *path, char *buf, size_t len)
{
	size_t n = strcspn(path, "?#");
	const char *p;

	if (path[0] != '/')
		return NULL;
	for (p = path; p < path + n; p++)
		if (p[0] == '/' && p[1] == '.' && p[2] == '.' &&
		    (p + 3 == path + n || p[3] == '/'))
			return NULL;
	if (n == 1)
		snprintf(buf, len, "%s/index.html", opt.root);
	else if ((size_t)snprintf(buf, len, "%s%.*s", opt.root, (int)n,
				  path) >= len)
		return NULL;
	return buf;
}

/* Maps the requested file into the request; sets its status. */
static void open_body(struct req *r)
{
	char file[PATH_MAX];
	struct stat st;
	int fd;

	r->status = 404;
	if (!resolve(r->path, file, sizeof(file)))
		return;
	fd = open(file, O_RDONLY);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	r->size = st.st_size;
	if (r->size) {
		r->body = mmap(NULL, r->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (r->body == MAP_FAILED) {
			r->body = NULL;
			r->status = 500;
			close(fd);
			return;
		}
	}
	close(fd);
	r->status = 200;
}

static void req_free(struct req *r)
{
	*r->pprev = r->next;
	if (r->next)
		r->next->pprev = r->pprev;
	if (r->body)
		munmap(r->body, r->size);
	free(r);
}

/*
 * Body data for nghttp3: the whole rest of the mapping at once.  It stays
 * mapped until the stream closes, which is after the kernel took it all.
 */
static nghttp3_ssize read_body(nghttp3_conn *conn, int64_t id,
			       nghttp3_vec *vec, size_t veccnt,
			       uint32_t *pflags, void *conn_data,
			       void *stream_data)
{
	struct req *r = stream_data;

	(void)conn, (void)id, (void)veccnt, (void)conn_data;
	*pflags |= NGHTTP3_DATA_FLAG_EOF;
	if (r->off == r->size)
		return 0;
	vec[0].base = r->body + r->off;
	vec[0].len = r->size - r->off;
	r->off = r->size;
	return 1;
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

static int begin_headers(nghttp3_conn *conn, int64_t id, void *conn_data,
			 void *stream_data)
{
	struct req *r;

	(void)conn_data;
	if (stream_data)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NGHTTP3_ERR_CALLBACK_FAILURE;
	r->id = id;
	r->next = reqs;
	r->pprev = &reqs;
	if (reqs)
		reqs->pprev = &r->next;
	reqs = r;
	return nghttp3_conn_set_stream_user_data(conn, id, r) ?
	       NGHTTP3_ERR_CALLBACK_FAILURE : 0;
}

static void copy_field(char *dst, size_t len, nghttp3_rcbuf *value)
{
	nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
	size_t n = v.len < len - 1 ? v.len : len - 1;

	memcpy(dst, v.base, n);
	dst[n] = '\0';
}

static int recv_header(nghttp3_conn *conn, int64_t id, int32_t token,
		       nghttp3_rcbuf *name, nghttp3_rcbuf *value,
		       uint8_t flags, void *conn_data, void *stream_data)
{
	struct req *r = stream_data;

	(void)conn, (void)id, (void)name, (void)flags, (void)conn_data;
	if (!r)
		return 0;
	if (token == NGHTTP3_QPACK_TOKEN__PATH)
		copy_field(r->path, sizeof(r->path), value);
	else if (token == NGHTTP3_QPACK_TOKEN__METHOD)
		copy_field(r->method, sizeof(r->method), value);
	return 0;
}

/* The request is complete (its FIN arrived): answer it. */
static int end_stream(nghttp3_conn *conn, int64_t id, void *conn_data,
		      void *stream_data)
{
	nghttp3_data_reader dr = { .read_data = read_body };
	struct req *r = stream_data;
	char clen[32], status[8];
	nghttp3_nv hdr[4];
	bool body;

	(void)conn_data;
	if (!r)
		return 0;
	body = !strcmp(r->method, "GET");
	if (body || !strcmp(r->method, "HEAD"))
		open_body(r);
	else
		r->status = 405;
	snprintf(status, sizeof(status), "%d", r->status);
	snprintf(clen, sizeof(clen), "%zu", r->status == 200 ? r->size : 0);
	hdr[0] = nv(":status", status);
	hdr[1] = nv("server", "h3server (in-kernel QUIC)");
	hdr[2] = nv("content-length", clen);
	hdr[3] = nv("content-type", "application/octet-stream");
	if (!opt.quiet)
		printf("request %" PRId64 " %s %s -> %d %s\n", id, r->method,
		       r->path, r->status, clen);
	fflush(stdout);
	/* No reader means the response ends with its headers. */
	return nghttp3_conn_submit_response(conn, id, hdr, 4,
					    body && r->size ? &dr : NULL) ?
	       NGHTTP3_ERR_CALLBACK_FAILURE : 0;
}

static int stream_close(nghttp3_conn *conn, int64_t id, uint64_t code,
			void *conn_data, void *stream_data)
{
	(void)conn, (void)id, (void)code, (void)conn_data;
	if (stream_data)
		req_free(stream_data);
	return 0;
}

/* We never stop reading a request early, so there is nothing to do. */
static int stop_sending(nghttp3_conn *conn, int64_t id, uint64_t code,
			void *conn_data, void *stream_data)
{
	(void)conn, (void)conn_data, (void)stream_data;
	h3_log("stream %" PRId64 ": nghttp3 asks for STOP_SENDING %#" PRIx64
	       " (ignored)", id, code);
	return 0;
}

/* Serves one established connection until the peer closes it. */
static int serve(int fd)
{
	nghttp3_callbacks cb = {
		.begin_headers = begin_headers,
		.recv_header = recv_header,
		.end_stream = end_stream,
		.stream_close = stream_close,
		.stop_sending = stop_sending,
	};
	struct h3_conn c = { .fd = fd, .server = true };
	nghttp3_settings settings;
	int rv, ret = -1;

	nghttp3_settings_default(&settings);
	rv = nghttp3_conn_server_new(&c.h3, &cb, &settings, NULL, NULL);
	if (rv) {
		h3_log("nghttp3_conn_server_new: %s", nghttp3_strerror(rv));
		return -1;
	}
	/*
	 * nghttp3 wants the cumulative number of request streams the client
	 * may open (it bounds GOAWAY); the kernel raises the QUIC limit as
	 * requests finish, so keep it comfortably ahead.
	 */
	nghttp3_conn_set_max_client_streams_bidi(c.h3, 1ULL << 40);
	if (h3_bind_streams(&c))
		goto out;
	for (;;) {
		if (h3_flush(&c))
			goto out;
		if (h3_wait(&c, 1000))
			goto out;
		while ((rv = h3_read(&c)) > 0)
			;
		if (rv < 0)
			break;
	}
	/* The client closing the connection is the normal end. */
	ret = c.peer_gone ? 0 : -1;
out:
	h3_conn_free(&c);
	while (reqs)
		req_free(reqs);
	return ret;
}

static void set_max_streams(int fd)
{
	struct quic_transport_param p = {};
	socklen_t len = sizeof(p);

	if (!opt.max_streams)
		return;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len))
		h3_die("getsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM): %s",
		       strerror(errno));
	p.remote = 0;
	p.max_streams_bidi = opt.max_streams;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
		       sizeof(p)))
		h3_die("setsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM): %s",
		       strerror(errno));
}

/* The listener's preferred address: its connections offer it. */
static void set_preferred(int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len;

	h3_parse_addr(opt.pref_addr, opt.pref_port, &ss, &len);
	if (setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &ss,
		       len))
		h3_die("setsockopt(QUIC_SOCKOPT_CONNECTION_MIGRATION) %s port %d: %s",
		       opt.pref_addr, opt.pref_port, strerror(errno));
	printf("preferred address %s port %d\n", opt.pref_addr,
	       opt.pref_port);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: h3server -a ADDR -p PORT --cert F --key F [--root DIR]\n"
		"\t[--cipher aes128|aes256|chacha20|aes128ccm] [--keylog F]\n"
		"\t[--conns N] [--max-streams N] [--validate] [--timeout S] [-q]\n"
		"\t[--preferred ADDR --preferred-port PORT] [--early-data]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	enum { O_CERT = 256, O_KEY, O_ROOT, O_CIPHER, O_KEYLOG, O_CONNS,
	       O_MAXSTREAMS, O_TIMEOUT, O_VALIDATE, O_PREF, O_PREF_PORT,
	       O_EARLY };
	static const struct option lo[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "root", required_argument, NULL, O_ROOT },
		{ "cipher", required_argument, NULL, O_CIPHER },
		{ "keylog", required_argument, NULL, O_KEYLOG },
		{ "conns", required_argument, NULL, O_CONNS },
		{ "max-streams", required_argument, NULL, O_MAXSTREAMS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "validate", no_argument, NULL, O_VALIDATE },
		{ "preferred", required_argument, NULL, O_PREF },
		{ "preferred-port", required_argument, NULL, O_PREF_PORT },
		{ "early-data", no_argument, NULL, O_EARLY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned int served = 0, failed = 0;
	struct sockaddr_storage ss;
	socklen_t len;
	int c, lfd, fd;
	const char alpn[] = "h3";

	while ((c = getopt_long(argc, argv, "a:p:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'a': opt.addr = optarg; break;
		case 'p':
			opt.port = (int)h3_arg_num(optarg, "port", 65535);
			break;
		case 'q': opt.quiet = true; break;
		case O_CERT: opt.tls.cert = optarg; break;
		case O_KEY: opt.tls.key = optarg; break;
		case O_ROOT: opt.root = optarg; break;
		case O_CIPHER: opt.tls.cipher = optarg; break;
		case O_KEYLOG: opt.tls.keylog = optarg; break;
		case O_CONNS:
			opt.conns = h3_arg_num(optarg, "--conns", UINT_MAX);
			break;
		case O_MAXSTREAMS:
			opt.max_streams = h3_arg_num(optarg, "--max-streams",
						     UINT_MAX);
			break;
		case O_TIMEOUT:
			opt.timeout = h3_arg_num(optarg, "--timeout", 86400);
			break;
		case O_VALIDATE: opt.validate = true; break;
		case O_EARLY: opt.tls.early_data = true; break;
		case O_PREF: opt.pref_addr = optarg; break;
		case O_PREF_PORT:
			opt.pref_port = (int)h3_arg_num(optarg,
							"--preferred-port",
							65535);
			break;
		default: usage();
		}
	}
	if (!opt.addr || opt.port < 0 || !opt.tls.cert || !opt.tls.key ||
	    optind != argc || !opt.pref_addr != (opt.pref_port < 0))
		usage();
	/* --timeout is a backstop for tests: SIGALRM ends the server. */
	lfd = h3_start(&opt.tls, opt.timeout, NULL, opt.addr, opt.port, &ss,
		       &len);
	/*
	 * The listener's ALPN is set before listen(): the kernel hands a
	 * new connection to the listener whose ALPN the client offered.
	 */
	if (setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn, strlen(alpn)))
		h3_die("setsockopt(QUIC_SOCKOPT_ALPN): %s", strerror(errno));
	set_max_streams(lfd);
	if (opt.validate && qt_validate_peer_address(lfd))
		h3_die("QUIC_SOCKOPT_CONFIG validate_peer_address: %s",
		       strerror(errno));
	if (bind(lfd, (struct sockaddr *)&ss, len))
		h3_die("bind %s port %d: %s", opt.addr, opt.port,
		       strerror(errno));
	if (listen(lfd, 16))
		h3_die("listen: %s", strerror(errno));
	if (opt.pref_addr)
		set_preferred(lfd);
	printf("listening on %s port %d\n", opt.addr, opt.port);
	fflush(stdout);

	while (!opt.conns || served < opt.conns) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			h3_die("accept: %s", strerror(errno));
		}
		/* Transport parameters are inherited from the listener. */
		if (h3_handshake(fd, &opt.tls) || serve(fd))
			failed++;
		close(fd);
		served++;
		if (!opt.quiet)
			printf("connection %u done%s\n", served,
			       failed ? " (failures so far)" : "");
		fflush(stdout);
	}
	close(lfd);
	printf("server done: %u connections, %u failed\n", served, failed);
	return failed ? 1 : 0;
}
