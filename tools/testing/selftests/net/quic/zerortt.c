// SPDX-License-Identifier: GPL-2.0
/*
 * zerortt: session resumption and 0-RTT through the socket API draft's
 * calls (its appendices C and D), for zerortt_test.sh.
 *
 * Client: a first connection takes a session ticket, the server's
 * transport parameters (QUIC_SOCKOPT_TRANSPORT_PARAM, remote) and a
 * NEW_TOKEN; a second one gives the three back, writes -n bytes on a new
 * bidirectional stream before its handshake (0-RTT), then resumes. Each
 * connection's stream is answered by the server with "LEN SHA256HEX" of
 * what it received, which the client compares with what it sent.
 *
 *   zerortt -c -a ADDR -p PORT --ca CA --host NAME [-n BYTES] [--no-tp]
 *
 * --no-tp leaves the parameters out: writing before the handshake must
 * then fail with ENOTCONN, and the bytes go after it.
 *
 * Server: answers --conns connections, one at a time, with
 * quic_server_handshake(); from the second on, --refuse uses a session of
 * its own without anti-replay, for which GnuTLS refuses early data.
 * --late-accept MS waits MS milliseconds before each accept() but the
 * first: a resumed connection's 0-RTT datagrams then reach the listener
 * before accept() has made their connection.
 * --bad-ticket early-size|malformed sends the first connection, after its
 * handshake, a NewSessionTicket of its own making: one whose early_data
 * says 16384 (TLS's meaning, not QUIC's 0xffffffff), or one whose ticket
 * is empty. It then waits for the client to close and prints the error
 * code the client closed with ("server: peer closed: errcode N").
 * --lower-tp halves the server's initial_max_data from the second
 * connection on, while GnuTLS still accepts early data: RFC 9000 7.4.1
 * forbids that, and the client must close; the server prints the error
 * code as for --bad-ticket.
 *
 *   zerortt -s -a ADDR -p PORT --cert CERT --key KEY [--conns N] [--refuse]
 *	     [--late-accept MS] [--bad-ticket KIND] [--lower-tp]
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netinet/quic.h>

#include "quic_tool.h"

#define ZR_MAX_DATA	(1 << 20)
#define ZR_TICKET_MAX	4096

static struct {
	const char *addr, *ca, *host, *cert, *key;
	const char *bad_ticket;
	int port, conns, late_accept_ms;
	size_t bytes;
	bool server, client, no_tp, refuse, lower_tp;
} opt = { .conns = 2, .bytes = 4096 };

static void __attribute__((noreturn)) die(const char *what, int err)
{
	fprintf(stderr, "zerortt: %s: %s\n", what, strerror(err));
	exit(1);
}

/* "LEN HEX" of @len bytes at @p, for both ends to compare. */
static void digest(const uint8_t *p, size_t len, char *out, size_t outlen)
{
	uint8_t d[32];
	int i, n;

	gnutls_hash_fast(GNUTLS_DIG_SHA256, p, len, d);
	n = snprintf(out, outlen, "%zu ", len);
	for (i = 0; i < 32; i++)
		n += snprintf(out + n, outlen - n, "%02x", d[i]);
}

static void fill_pattern(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 131 + (i >> 8) * 7 + 1);
}

static int quic_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM, IPPROTO_QUIC);

	if (fd < 0)
		die("socket", errno);
	return fd;
}

/* The whole of a stream, until its FIN; returns its length. */
static size_t read_stream(int fd, uint8_t *buf, size_t cap, int64_t *sid)
{
	size_t got = 0;
	uint32_t flags;
	ssize_t n;

	do {
		flags = 0;
		if (got == cap)
			die("stream longer than expected", EMSGSIZE);
		n = quic_recvmsg(fd, buf + got, cap - got, sid, &flags);
		if (n < 0)
			die("recvmsg", errno);
		if (!n && !(flags & MSG_QUIC_STREAM_FIN))
			die("connection closed mid-stream", EPIPE);
		got += n;
	} while (!(flags & MSG_QUIC_STREAM_FIN));
	return got;
}

/* Server */

/* A session of the draft's appendix C: tickets, no anti-replay. */
static int refusing_handshake(int fd)
{
	uint8_t stek[64];
	socklen_t len = sizeof(stek);
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t key = { stek, sizeof(stek) };
	gnutls_session_t s;
	int ret;

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, stek, &len))
		die("getsockopt(QUIC_SOCKOPT_SESSION_TICKET)", errno);
	gnutls_certificate_allocate_credentials(&cred);
	if (gnutls_certificate_set_x509_key_file(cred, opt.cert, opt.key,
						 GNUTLS_X509_FMT_PEM))
		die("certificate", EINVAL);
	gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NO_AUTO_SEND_TICKET |
		    GNUTLS_ENABLE_EARLY_DATA | GNUTLS_NO_END_OF_EARLY_DATA);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_session_ticket_enable_server(s, &key);
	gnutls_priority_set_direct(s, QUIC_PRIORITY, NULL);
	gnutls_transport_set_int(s, fd);
	ret = quic_handshake(s);
	printf("server: early data %s by GnuTLS\n",
	       gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_DATA ?
	       "accepted" : "refused");
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	return ret;
}

/* A NewSessionTicket (RFC 8446 4.6.1) for --bad-ticket: see the top. */
static size_t bad_ticket_msg(uint8_t *m)
{
	static const uint8_t early_tls[] = {
		0x00, 0x2a, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00 };
	bool empty = !strcmp(opt.bad_ticket, "malformed");
	size_t pos = 4, ticket = empty ? 0 : 32;

	memset(m + pos, 0x11, 8);	/* ticket_lifetime, ticket_age_add */
	pos += 8;
	m[pos++] = 0;			/* no nonce */
	m[pos++] = 0;
	m[pos++] = ticket;
	memset(m + pos, 0x22, ticket);
	pos += ticket;
	m[pos++] = 0;
	m[pos++] = sizeof(early_tls);
	memcpy(m + pos, early_tls, sizeof(early_tls));
	pos += sizeof(early_tls);
	m[0] = 4;			/* new_session_ticket */
	m[1] = 0;
	m[2] = (pos - 4) >> 8;
	m[3] = pos - 4;
	return pos;
}

/* Print the error code the peer closed the connection with. */
static void print_peer_close(int fd)
{
	struct quic_connection_close cc = {};
	socklen_t len = sizeof(cc);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len))
		die("getsockopt(QUIC_SOCKOPT_CONNECTION_CLOSE)", errno);
	printf("server: peer closed: errcode %u\n", cc.errcode);
}

/*
 * --lower-tp: less connection credit than the ticket's connection gave,
 * set on the listener: a connection takes its parameters from it.
 */
static void lower_tp(int fd)
{
	struct quic_transport_param tp = {};
	socklen_t len = sizeof(tp);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, &len))
		die("getsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM)", errno);
	tp.max_data /= 2;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, len))
		die("setsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM)", errno);
	printf("server: initial_max_data lowered to %llu\n",
	       (unsigned long long)tp.max_data);
}

/* --bad-ticket: send one, and report how the client ends the connection */
static void send_bad_ticket(int fd)
{
	struct quic_handshake_info info = { .crypto_level = QUIC_CRYPTO_APP };
	char ctl[CMSG_SPACE(sizeof(info))] = {};
	struct msghdr msg = {};
	struct cmsghdr *cmsg;
	uint8_t buf[256];
	struct iovec iov = { buf, bad_ticket_msg(buf) };
	int64_t sid;
	uint32_t flags;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl;
	msg.msg_controllen = sizeof(ctl);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_HANDSHAKE_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
	if (sendmsg(fd, &msg, 0) != (ssize_t)iov.iov_len)
		die("sendmsg(NewSessionTicket)", errno);
	printf("server: sent a %s NewSessionTicket\n", opt.bad_ticket);
	do {
		flags = 0;
	} while (quic_recvmsg(fd, buf, sizeof(buf), &sid, &flags) >= 0);
	if (errno != ECONNRESET)
		die("connection end", errno);
	print_peer_close(fd);
}

static void serve_one(int fd, int n)
{
	static uint8_t buf[ZR_MAX_DATA];
	char answer[128];
	int64_t sid;
	size_t len;
	int ret;

	if (opt.refuse && n > 0)
		ret = refusing_handshake(fd);
	else
		ret = quic_server_handshake(fd, opt.key, opt.cert, NULL);
	if (ret && opt.lower_tp && n > 0) {
		printf("server: handshake failed: %s\n", strerror(-ret));
		print_peer_close(fd);
		return;
	}
	if (ret)
		die("server handshake", -ret);
	if (opt.bad_ticket) {
		send_bad_ticket(fd);
		return;
	}
	len = read_stream(fd, buf, sizeof(buf), &sid);
	digest(buf, len, answer, sizeof(answer));
	printf("server: connection %d: stream %lld: %s\n", n + 1,
	       (long long)sid, answer);
	fflush(stdout);
	if (quic_sendmsg(fd, answer, strlen(answer), sid,
			 MSG_QUIC_STREAM_FIN) < 0)
		die("send answer", errno);
	/* The client closes once it has the answer. */
	while (quic_recvmsg(fd, buf, sizeof(buf), &sid, NULL) > 0)
		;
}

static int run_server(void)
{
	struct sockaddr_storage sa;
	socklen_t len;
	int lfd, fd, family, i;

	family = qt_parse_addr(opt.addr, opt.port, &sa, &len);
	if (family < 0)
		die("address", EINVAL);
	lfd = quic_socket(family);
	if (bind(lfd, (struct sockaddr *)&sa, len) || listen(lfd, 4))
		die("bind/listen", errno);
	printf("listening\n");
	fflush(stdout);
	for (i = 0; i < opt.conns; i++) {
		if (i && opt.late_accept_ms)
			usleep(opt.late_accept_ms * 1000);
		if (i == 1 && opt.lower_tp)
			lower_tp(lfd);
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept", errno);
		serve_one(fd, i);
		close(fd);
	}
	close(lfd);
	return 0;
}

/* Client */

struct saved {
	uint8_t ticket[ZR_TICKET_MAX];
	size_t ticket_len;
	uint8_t token[256];
	socklen_t token_len;
	struct quic_transport_param tp;
	socklen_t tp_len;
};

static gnutls_certificate_credentials_t client_cred;

static gnutls_session_t client_session(int fd)
{
	gnutls_session_t s;

	gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_ENABLE_EARLY_DATA |
		    GNUTLS_NO_END_OF_EARLY_DATA);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, client_cred);
	gnutls_priority_set_direct(s, QUIC_PRIORITY, NULL);
	gnutls_server_name_set(s, GNUTLS_NAME_DNS, opt.host,
			       strlen(opt.host));
	gnutls_session_set_verify_cert(s, opt.host, 0);
	gnutls_transport_set_int(s, fd);
	return s;
}

static int client_connect(const struct sockaddr_storage *sa, socklen_t len)
{
	int fd = quic_socket(sa->ss_family);

	if (connect(fd, (const struct sockaddr *)sa, len))
		die("connect", errno);
	return fd;
}

/* Send @len bytes on new stream 0 (bidirectional), FIN with the last. */
static bool send_request(int fd, const uint8_t *p, size_t len, int *err)
{
	size_t off = 0;
	ssize_t n;

	do {
		size_t chunk = len - off < 16384 ? len - off : 16384;
		uint32_t f = (off ? 0 : MSG_QUIC_STREAM_NEW) |
			     (off + chunk == len ? MSG_QUIC_STREAM_FIN : 0);

		n = quic_sendmsg(fd, p + off, chunk, 0, f);
		if (n < 0) {
			*err = errno;
			return false;
		}
		off += n;
	} while (off < len);
	*err = 0;
	return true;
}

/* Read the server's "LEN HEX" and compare it with what went out. */
static bool check_answer(int fd, const uint8_t *p, size_t len,
			 const char *what)
{
	char want[128], got[129];
	int64_t sid;
	size_t n;

	n = read_stream(fd, (uint8_t *)got, sizeof(got) - 1, &sid);
	got[n] = 0;
	digest(p, len, want, sizeof(want));
	printf("client: %s: server read %s, sent %s: %s\n", what, got, want,
	       strcmp(got, want) ? "MISMATCH" : "match");
	return !strcmp(got, want);
}

static void first_connection(const struct sockaddr_storage *sa,
			     socklen_t len, struct saved *sv)
{
	static const uint8_t hello[] = "hello quic server";
	gnutls_session_t s;
	int fd, err, i;

	fd = client_connect(sa, len);
	s = client_session(fd);
	if (quic_handshake(s))
		die("first handshake", EPROTO);
	if (!send_request(fd, hello, sizeof(hello), &err))
		die("first request", err);
	if (!check_answer(fd, hello, sizeof(hello), "first connection"))
		exit(1);
	/* The ticket follows the handshake; it is in by the answer's time,
	 * or shortly after.
	 */
	for (i = 0; i < 50; i++) {
		sv->ticket_len = sizeof(sv->ticket);
		if (!quic_session_get_data(s, sv->ticket, &sv->ticket_len) &&
		    sv->ticket_len > 64)
			break;
		usleep(100000);
	}
	if (i == 50)
		die("no session ticket", ENOENT);
	sv->tp.remote = 1;
	sv->tp_len = sizeof(sv->tp);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &sv->tp,
		       &sv->tp_len))
		die("getsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM, remote)", errno);
	sv->token_len = sizeof(sv->token);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, sv->token,
		       &sv->token_len))
		die("getsockopt(QUIC_SOCKOPT_TOKEN)", errno);
	printf("client: saved ticket %zu, transport parameters %u, token %u bytes\n",
	       sv->ticket_len, sv->tp_len, sv->token_len);
	gnutls_deinit(s);
	close(fd);
}

static bool resumed_connection(const struct sockaddr_storage *sa,
			       socklen_t len, struct saved *sv)
{
	static uint8_t data[ZR_MAX_DATA];
	gnutls_session_t s;
	bool early_sent;
	int fd, err;
	bool ok;

	fill_pattern(data, opt.bytes);
	fd = client_connect(sa, len);
	if (sv->token_len &&
	    setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, sv->token,
		       sv->token_len))
		die("setsockopt(QUIC_SOCKOPT_TOKEN)", errno);
	if (!opt.no_tp &&
	    setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &sv->tp,
		       sv->tp_len))
		die("setsockopt(QUIC_SOCKOPT_TRANSPORT_PARAM, remote)", errno);
	/* Before the handshake: 0-RTT */
	early_sent = send_request(fd, data, opt.bytes, &err);
	printf("client: write before the handshake: %s\n",
	       early_sent ? "queued" : strerror(err));
	if (!early_sent && (!opt.no_tp || err != ENOTCONN))
		die("write before the handshake", err);
	s = client_session(fd);
	if (quic_session_set_data(s, sv->ticket, sv->ticket_len))
		die("quic_session_set_data", EINVAL);
	if (quic_handshake(s))
		die("resumed handshake", EPROTO);
	printf("client: resumed %s, early data %s\n",
	       gnutls_session_is_resumed(s) ? "yes" : "no",
	       gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_DATA ?
	       "accepted" : "refused");
	if (!early_sent && !send_request(fd, data, opt.bytes, &err))
		die("write after the handshake", err);
	ok = check_answer(fd, data, opt.bytes, "resumed connection") &&
	     gnutls_session_is_resumed(s);
	gnutls_deinit(s);
	close(fd);
	return ok;
}

static int run_client(void)
{
	struct sockaddr_storage sa;
	static struct saved sv;
	socklen_t len;

	if (qt_parse_addr(opt.addr, opt.port, &sa, &len) < 0)
		die("address", EINVAL);
	gnutls_certificate_allocate_credentials(&client_cred);
	if (gnutls_certificate_set_x509_trust_file(client_cred, opt.ca,
						   GNUTLS_X509_FMT_PEM) <= 0)
		die("CA file", EINVAL);
	first_connection(&sa, len, &sv);
	return resumed_connection(&sa, len, &sv) ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'A' },
		{ "host", required_argument, NULL, 'H' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "conns", required_argument, NULL, 'N' },
		{ "no-tp", no_argument, NULL, 'T' },
		{ "refuse", no_argument, NULL, 'R' },
		{ "late-accept", required_argument, NULL, 'L' },
		{ "bad-ticket", required_argument, NULL, 'B' },
		{ "lower-tp", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "sca:p:n:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's': opt.server = true; break;
		case 'c': opt.client = true; break;
		case 'a': opt.addr = optarg; break;
		case 'p':
			if (qt_parse_range(optarg, 1, 65535, &v))
				die("port", EINVAL);
			opt.port = (int)v;
			break;
		case 'n':
			if (qt_parse_range(optarg, 1, ZR_MAX_DATA - 1, &v))
				die("-n", EINVAL);
			opt.bytes = v;
			break;
		case 'A': opt.ca = optarg; break;
		case 'H': opt.host = optarg; break;
		case 'C': opt.cert = optarg; break;
		case 'K': opt.key = optarg; break;
		case 'N':
			if (qt_parse_range(optarg, 1, 100, &v))
				die("--conns", EINVAL);
			opt.conns = (int)v;
			break;
		case 'T': opt.no_tp = true; break;
		case 'R': opt.refuse = true; break;
		case 'P': opt.lower_tp = true; break;
		case 'L':
			if (qt_parse_range(optarg, 1, 10000, &v))
				die("--late-accept", EINVAL);
			opt.late_accept_ms = (int)v;
			break;
		case 'B':
			if (strcmp(optarg, "early-size") &&
			    strcmp(optarg, "malformed"))
				die("--bad-ticket", EINVAL);
			opt.bad_ticket = optarg;
			opt.conns = 1;
			break;
		default: return 2;
		}
	}
	if (!opt.addr || !opt.port || opt.server == opt.client ||
	    (opt.server && (!opt.cert || !opt.key)) ||
	    (opt.client && (!opt.ca || !opt.host))) {
		fprintf(stderr, "usage: see the comment atop zerortt.c\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	return opt.server ? run_server() : run_client();
}
