// SPDX-License-Identifier: GPL-2.0
/*
 * peeloff_check: QUIC_SOCKOPT_STREAM_PEELOFF on a loopback connection
 * (both ends in this process, libquic in PSK mode). One TAP line per
 * check, "ok - peeloff: ..." or "not ok - peeloff: ...":
 *
 *   - argument checks: short option, bad flags, unknown stream, a stream
 *     peeled twice, an unconnected socket, the connection socket using a
 *     peeled-off stream;
 *   - a bidirectional stream peeled off at both ends (the server finds it
 *     with a STREAM_UPDATE event, as the draft's Appendix B does) carries
 *     1 MiB each way with write()/read(), compared by checksum, with
 *     shutdown(SHUT_WR) and close() as its FINs; neither connection
 *     socket sees any of it; poll() says when there is data;
 *   - close() of a peeled-off stream sends its FIN and a STOP_SENDING the
 *     peer answers with a reset (its STREAM_UPDATE SEND_STATE_RESET_SENT);
 *   - a reset from the peer ends a peeled-off stream's reads (ECONNRESET),
 *     and the peer hears that its reset arrived (SEND_STATE_RESET_RECVD);
 *   - a unidirectional stream of ours: read() gives end of file; the
 *     peer's RECV_STATE_RECVD event of it;
 *   - the connection outlives its socket's close() while a peeled-off
 *     stream is open;
 *   - with --reorder, under netem reordering: RECV_STATE_SIZE_KNOWN.
 *
 * Exit status: 0 when every check passed, 1 otherwise, 2 when no QUIC
 * socket can be made.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/quic.h>

#define ALPN		"peeloff-test"
#define PSK_LINE	"peeloff-check:" \
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f\n"
#define BULK		(1 << 20)
#define TAP_SUITE	"peeloff"
#include "check_lib.h"

/* getsockopt(QUIC_SOCKOPT_STREAM_PEELOFF): the new descriptor, or -errno */
static int peel(int fd, int64_t id, uint32_t flags)
{
	struct quic_stream_peeloff p = { .stream_id = id, .flags = flags };
	socklen_t len = sizeof(p);
	int ret;

	ret = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_PEELOFF, &p, &len);
	if (ret < 0)
		return -errno;
	if (p.sd != ret || len != sizeof(p)) {
		tap(false, "peeloff of stream %lld returned %d, sd %d, optlen %u (expected the same descriptor, optlen %zu)",
		    (long long)id, ret, p.sd, len, sizeof(p));
		close(ret);
		return -EPROTO;
	}
	return ret;
}

static int64_t open_stream(int fd, uint32_t flags)
{
	struct quic_stream_info si = { .stream_id = -1, .stream_flags = flags };
	socklen_t len = sizeof(si);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &si, &len))
		return -errno;
	return si.stream_id;
}

/* The client opens a stream and peels it off: its descriptor, or -1. */
static int open_peeled(int cfd, uint32_t flags, int64_t *id)
{
	int fd;

	*id = open_stream(cfd, flags);
	fd = *id < 0 ? (int)*id : peel(cfd, *id, 0);
	if (fd < 0)
		tap(false, "client: open and peel off a %s stream: %s",
		    flags & MSG_QUIC_STREAM_UNI ? "unidirectional" :
		    "bidirectional", en(-fd));
	return fd;
}

/* One byte of the bulk data at @off, different per direction. */
static uint8_t bulk_byte(uint64_t off, uint8_t salt)
{
	uint64_t x = (off >> 3) * 0x9e3779b97f4a7c15ULL + salt;

	return (uint8_t)(x >> (8 * (off & 7)));
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* Write @total bulk bytes with write(); their checksum, 0 on error. */
static uint64_t write_bulk(int fd, size_t total, uint8_t salt, int *err)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint8_t buf[16384];
	size_t off = 0, n, i;
	ssize_t w;

	*err = 0;
	while (off < total) {
		n = total - off < sizeof(buf) ? total - off : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = bulk_byte(off + i, salt);
		w = write(fd, buf, n);
		if (w <= 0) {
			*err = w ? errno : EIO;
			return 0;
		}
		h = fnv(h, buf, w);
		off += w;
	}
	return h;
}

/* read() to end of file: the bytes and their checksum. */
static size_t read_all(int fd, uint64_t *h, int *err)
{
	uint8_t buf[16384];
	size_t total = 0;
	ssize_t r;

	*h = 0xcbf29ce484222325ULL;
	*err = 0;
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0) {
			*err = errno;
			return total;
		}
		if (!r)
			return total;
		*h = fnv(*h, buf, r);
		total += r;
	}
}

/* ---- checks ---- */

static void check_arguments(int cfd, int sfd)
{
	struct quic_stream_peeloff p = { .stream_id = 0 };
	socklen_t len = sizeof(p) - 1;
	int fd = qsock(), ret;
	int64_t id;

	expect(getsockopt(cfd, SOL_QUIC, QUIC_SOCKOPT_STREAM_PEELOFF, &p,
			  &len) ? errno : 0, EINVAL,
	       "peeloff with an option one byte short");
	expect(-peel(fd, 0, 0), ENOTCONN, "peeloff on an unconnected socket");
	close(fd);
	expect(-peel(cfd, 400, 0), EINVAL, "peeloff of a stream never opened");
	id = open_stream(cfd, 0);
	tap(id >= 0, "QUIC_SOCKOPT_STREAM_OPEN for the argument checks: stream %lld",
	    (long long)id);
	if (id < 0)
		return;
	expect(-peel(cfd, id, O_APPEND), EINVAL, "peeloff with flags O_APPEND");
	ret = peel(cfd, id, O_CLOEXEC | O_NONBLOCK);
	tap(ret >= 0, "peeloff of stream %lld with O_CLOEXEC|O_NONBLOCK: %s",
	    (long long)id, ret < 0 ? en(-ret) : "a descriptor");
	if (ret < 0)
		return;
	tap(fcntl(ret, F_GETFD) == FD_CLOEXEC &&
	    (fcntl(ret, F_GETFL) & O_NONBLOCK),
	    "the peeled-off socket has FD_CLOEXEC and O_NONBLOCK");
	expect(-peel(cfd, id, 0), EBUSY, "a second peeloff of the same stream");
	expect(quic_sendmsg(cfd, "x", 1, id, 0) < 0 ? errno : 0, EINVAL,
	       "the connection socket writing to a peeled-off stream");
	expect(read(ret, &p, 1) < 0 ? errno : 0, EAGAIN,
	       "read() of an empty non-blocking peeled-off stream");
	expect(setsockopt(ret, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0) ?
	       errno : 0, ENOPROTOOPT,
	       "a SOL_QUIC option on a peeled-off socket");
	close(ret);
	(void)sfd;
}

struct bulk_side {
	int fd;		/* connection socket (server) */
	int sd;		/* peeled-off socket */
	size_t got;
	uint64_t h_in, h_out;
	int err, rerr, werr;
	int64_t id;
};

/* Enable or disable STREAM_UPDATE events on @fd. */
static int stream_events(int fd, int on)
{
	struct quic_event_option ev = {
		.type = QUIC_EVENT_STREAM_UPDATE, .on = on,
	};

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev));
}

/*
 * The server: wait for the event of a new stream (Appendix B of the
 * draft), peel it off, read it to its end, then echo the other direction's
 * bulk and close().
 */
static void *bulk_server(void *p)
{
	struct bulk_side *b = p;
	uint8_t msg[256];
	union quic_event *ev;
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	b->sd = -1;
	for (;;) {
		flags = 0;
		n = quic_recvmsg(b->fd, msg, sizeof(msg), &sid, &flags);
		if (n < 0) {
			b->err = errno;
			return NULL;
		}
		if (!(flags & MSG_QUIC_NOTIFICATION) ||
		    msg[0] != QUIC_EVENT_STREAM_UPDATE)
			continue;
		ev = (union quic_event *)&msg[1];
		if (ev->update.state == QUIC_STREAM_RECV_STATE_RECV)
			break;
	}
	b->id = ev->update.id;
	b->sd = peel(b->fd, b->id, 0);
	if (b->sd < 0) {
		b->err = -b->sd;
		return NULL;
	}
	b->got = read_all(b->sd, &b->h_in, &b->rerr);
	b->h_out = write_bulk(b->sd, BULK, 2, &b->werr);
	close(b->sd);
	return NULL;
}

static void check_bulk(int cfd, int sfd)
{
	struct bulk_side srv = { .fd = sfd };
	struct pollfd pfd;
	uint64_t h_out, h_in;
	size_t got;
	pthread_t th;
	int64_t id;
	int cd, err, rerr, n;
	char c;

	if (stream_events(sfd, 1)) {
		tap(false, "QUIC_SOCKOPT_EVENT STREAM_UPDATE on: %s", en(errno));
		return;
	}
	cd = open_peeled(cfd, 0, &id);
	if (cd < 0)
		return;
	pthread_create(&th, NULL, bulk_server, &srv);
	pfd = (struct pollfd){ .fd = cd, .events = POLLIN | POLLOUT };
	n = poll(&pfd, 1, 0);
	tap(n == 1 && pfd.revents == POLLOUT,
	    "poll() of the client's stream before any reply: revents %#x (expected POLLOUT)",
	    pfd.revents);
	h_out = write_bulk(cd, BULK, 1, &err);
	expect(err, 0, "client: write() 1 MiB on the peeled-off stream");
	expect(shutdown(cd, SHUT_WR) ? errno : 0, 0,
	       "client: shutdown(SHUT_WR) of the peeled-off stream (its FIN)");
	expect(write(cd, "x", 1) < 0 ? errno : 0, EPIPE,
	       "client: write() after shutdown(SHUT_WR)");
	pfd = (struct pollfd){ .fd = cd, .events = POLLIN };
	n = poll(&pfd, 1, 20000);
	tap(n == 1 && (pfd.revents & POLLIN),
	    "poll() of the client's stream says POLLIN once the reply comes: revents %#x",
	    pfd.revents);
	got = read_all(cd, &h_in, &rerr);
	pthread_join(th, NULL);
	expect(srv.err, 0, "server: STREAM_UPDATE event of the new stream and its peeloff");
	tap(srv.id == id, "server: the event named stream %lld (expected %lld)",
	    (long long)srv.id, (long long)id);
	tap(!srv.rerr && srv.got == BULK && srv.h_in == h_out,
	    "server: read() to end of file on its peeled-off stream: %zu bytes (expected %d), %s, checksum %s",
	    srv.got, BULK, en(srv.rerr),
	    srv.h_in == h_out ? "equal" : "different");
	expect(srv.werr, 0, "server: write() 1 MiB back, then close()");
	tap(!rerr && got == BULK && h_in == srv.h_out,
	    "client: read() to end of file on its peeled-off stream: %zu bytes (expected %d), %s, checksum %s",
	    got, BULK, en(rerr), h_in == srv.h_out ? "equal" : "different");
	pfd = (struct pollfd){ .fd = cd, .events = POLLIN | POLLOUT };
	poll(&pfd, 1, 0);
	tap((pfd.revents & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP) &&
	    !(pfd.revents & POLLOUT),
	    "poll() of the client's finished stream: revents %#x (expected POLLIN|POLLHUP, no POLLOUT)",
	    pfd.revents);
	close(cd);
	stream_events(sfd, 0);
	/* Neither connection socket saw any of the stream's data: only the
	 * server's events of it wait there.
	 */
	expect(recv(cfd, &c, 1, MSG_DONTWAIT) < 0 ? errno : 0, EAGAIN,
	       "client's connection socket: nothing to read");
	for (;;) {
		uint32_t flags = MSG_DONTWAIT;
		uint8_t msg[256];
		int64_t sid = -1;
		ssize_t n;

		n = quic_recvmsg(sfd, msg, sizeof(msg), &sid,
				 &flags);
		if (n < 0) {
			expect(errno, EAGAIN,
			       "server's connection socket: only events to read");
			break;
		}
		if (!(flags & MSG_QUIC_NOTIFICATION)) {
			tap(false, "server's connection socket read %zd bytes of stream %lld",
			    n, (long long)sid);
			break;
		}
	}
}

/*
 * Read stream data on a connection socket until its FIN; @seen is set if a
 * STREAM_UPDATE event of the stream in @state came meanwhile.
 */
static ssize_t read_to_fin_seen(int fd, int64_t want, char *buf, size_t size,
				uint8_t state, struct quic_stream_update *seen)
{
	struct quic_stream_update up;
	size_t got = 0;
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	for (;;) {
		flags = 0;
		n = quic_recvmsg(fd, buf + got, size - got, &sid, &flags);
		if (n < 0)
			return -errno;
		if (flags & MSG_QUIC_NOTIFICATION) {
			if (seen && buf[got] == QUIC_EVENT_STREAM_UPDATE &&
			    n >= (ssize_t)(1 + sizeof(up))) {
				memcpy(&up, buf + got + 1, sizeof(up));
				if (up.id == want && up.state == state)
					*seen = up;
			}
			continue;
		}
		if (sid != want)
			return -EPROTO;
		got += n;
		if (flags & MSG_QUIC_STREAM_FIN)
			return got;
	}
}

static ssize_t read_to_fin(int fd, int64_t want, char *buf, size_t size)
{
	return read_to_fin_seen(fd, want, buf, size, 0, NULL);
}

/* Wait up to 10 s for a STREAM_UPDATE event of @id in @state. */
static bool wait_update(int fd, int64_t id, uint8_t state,
			struct quic_stream_update *up)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t msg[256];
	uint32_t flags;
	int64_t sid;
	ssize_t n;

	while (poll(&pfd, 1, 10000) == 1) {
		flags = MSG_DONTWAIT;
		n = quic_recvmsg(fd, msg, sizeof(msg), &sid, &flags);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0)
			return false;
		if (!(flags & MSG_QUIC_NOTIFICATION) ||
		    msg[0] != QUIC_EVENT_STREAM_UPDATE ||
		    n < (ssize_t)(1 + sizeof(*up)))
			continue;
		memcpy(up, msg + 1, sizeof(*up));
		if (up->id == id && up->state == state)
			return true;
	}
	return false;
}

static void check_close(int cfd, int sfd)
{
	struct quic_stream_update up = { .id = -1 };
	char buf[256];
	int64_t id;
	ssize_t n;
	int cd;

	cd = open_peeled(cfd, 0, &id);
	if (cd < 0)
		return;
	stream_events(sfd, 1);
	n = write(cd, "abc", 3);
	close(cd);
	n = n == 3 ? read_to_fin_seen(sfd, id, buf, sizeof(buf),
				      QUIC_STREAM_SEND_STATE_RESET_SENT,
				      &up) : -EIO;
	tap(n == 3 && !memcmp(buf, "abc", 3),
	    "close() of a peeled-off stream after 3 bytes: the server read %zd bytes and the FIN",
	    n);
	/* Its STOP_SENDING: the server's stack resets its sending half
	 * and tells the application so (RFC 9000 3.5).
	 */
	tap((up.id == id ||
	     wait_update(sfd, id, QUIC_STREAM_SEND_STATE_RESET_SENT, &up)) &&
	    up.errcode == 0,
	    "server: STREAM_UPDATE SEND_STATE_RESET_SENT for the stream its peer closed (STOP_SENDING), errcode %u",
	    up.errcode);
	stream_events(sfd, 0);
}

static void check_reset(int cfd, int sfd)
{
	struct quic_errinfo e = { .errcode = 7 };
	struct quic_stream_update up = {};
	int64_t id, sid = -1;
	char buf[16];
	ssize_t n;
	int cd;

	cd = open_peeled(cfd, 0, &id);
	if (cd < 0)
		return;
	n = write(cd, "q", 1);
	if (n == 1)
		n = quic_recvmsg(sfd, buf, sizeof(buf), &sid, NULL);
	e.stream_id = id;
	tap(n == 1 && sid == id,
	    "server: reads the first byte of stream %lld: %zd bytes", (long long)id, n);
	stream_events(sfd, 1);
	expect(setsockopt(sfd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &e,
			  sizeof(e)) ? errno : 0, 0,
	       "server: QUIC_SOCKOPT_STREAM_RESET of that stream");
	expect(read(cd, buf, sizeof(buf)) < 0 ? errno : 0, ECONNRESET,
	       "client: read() of the peeled-off stream the peer reset");
	tap(wait_update(sfd, id, QUIC_STREAM_SEND_STATE_RESET_RECVD, &up) &&
	    up.errcode == 7 && up.finalsz == 0,
	    "server: STREAM_UPDATE SEND_STATE_RESET_RECVD once its reset is acknowledged: errcode %u (expected 7), final size %llu (expected 0)",
	    up.errcode, (unsigned long long)up.finalsz);
	stream_events(sfd, 0);
	close(cd);
	/* Its sending half ends with the close(); nothing to stop. */
	n = read_to_fin(sfd, id, buf, sizeof(buf));
	expect(n < 0 ? (int)-n : 0, 0,
	       "server: the FIN of that stream after the client's close()");
}

static void check_uni(int cfd, int sfd)
{
	struct quic_stream_update up = { .id = -1 };
	char buf[256];
	int64_t id;
	ssize_t n;
	int cd;

	cd = open_peeled(cfd, MSG_QUIC_STREAM_UNI, &id);
	if (cd < 0)
		return;
	expect(read(cd, buf, sizeof(buf)), 0,
	       "read() of our unidirectional stream: end of file");
	stream_events(sfd, 1);
	n = write(cd, "uni", 3);
	close(cd);
	n = n == 3 ? read_to_fin_seen(sfd, id, buf, sizeof(buf),
				      QUIC_STREAM_RECV_STATE_RECVD, &up) :
		     -EIO;
	stream_events(sfd, 0);
	tap(n == 3 && !memcmp(buf, "uni", 3),
	    "a peeled-off unidirectional stream: the server read %zd bytes and the FIN",
	    n);
	tap(up.id == id && up.finalsz == 3,
	    "server: STREAM_UPDATE RECV_STATE_RECVD of it before the data, final size %llu (expected 3)",
	    (unsigned long long)up.finalsz);
}

/* The last check: the client's connection socket is closed here. */
static void check_outlives(int cfd, int sfd)
{
	char buf[16];
	int64_t id;
	ssize_t n;
	int cd;

	cd = open_peeled(cfd, 0, &id);
	if (cd < 0)
		return;
	close(cfd);
	n = write(cd, "late", 4);
	tap(n == 4, "write() on a peeled-off stream after its connection socket's close(): %zd",
	    n);
	close(cd);
	n = n == 4 ? read_to_fin(sfd, id, buf, sizeof(buf)) : -EIO;
	tap(n == 4 && !memcmp(buf, "late", 4),
	    "the server read %zd bytes and the FIN of it", n);
}

/*
 * Run under netem reordering (peeloff_test.sh): the FIN of a stream
 * overtakes some of its data now and then, and the receiver tells
 * RECV_STATE_SIZE_KNOWN. Each stream carries five 1000-byte writes, each
 * its own packet (stream_data_nodelay), then the FIN in one more.
 */
static void check_size_known(int cfd, int sfd)
{
	struct quic_stream_update up = { .id = -1 };
	struct quic_config cfg = {};
	socklen_t len = sizeof(cfg);
	char chunk[1000], buf[8192];
	bool seen = false;
	ssize_t n = 0;
	int i, j, cd;
	int64_t id;

	memset(chunk, 'k', sizeof(chunk));
	if (getsockopt(cfd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len) ||
	    (cfg.stream_data_nodelay = 1,
	     setsockopt(cfd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, len))) {
		tap(false, "client: stream_data_nodelay: %s", en(errno));
		return;
	}
	stream_events(sfd, 1);
	for (i = 0; i < 40 && !seen; i++) {
		cd = open_peeled(cfd, MSG_QUIC_STREAM_UNI, &id);
		if (cd < 0)
			return;
		for (j = 0; j < 5; j++)
			if (write(cd, chunk, sizeof(chunk)) != sizeof(chunk))
				break;
		close(cd);
		n = j == 5 ? read_to_fin_seen(sfd, id, buf, sizeof(buf),
					      QUIC_STREAM_RECV_STATE_SIZE_KNOWN,
					      &up) : -EIO;
		if (n != 5000)
			break;
		seen = up.id == id;
	}
	tap(n == 5000, "server: 5000 bytes and the FIN of each reordered stream: %zd",
	    n);
	tap(seen && up.finalsz == 5000,
	    "server: STREAM_UPDATE RECV_STATE_SIZE_KNOWN once a FIN overtook data, after %d streams: final size %llu (expected 5000)",
	    i, (unsigned long long)up.finalsz);
}

int main(int argc, char **argv)
{
	bool ok, reorder = false;
	int cfd, sfd;

	if (argc == 2 && !strcmp(argv[1], "--reorder")) {
		reorder = true;
	} else if (argc != 1) {
		fprintf(stderr, "usage: peeloff_check [--reorder]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	alarm(120);	/* a hang is a failure, never a stuck test */
	close(qsock());	/* exits 2 with a clear line if there is no QUIC */
	ok = make_psk_pair(&cfd, &sfd);
	if (ok && reorder) {
		check_size_known(cfd, sfd);
		close(cfd);
		close(sfd);
	} else if (ok) {
		check_arguments(cfd, sfd);
		check_bulk(cfd, sfd);
		check_close(cfd, sfd);
		check_reset(cfd, sfd);
		check_uni(cfd, sfd);
		check_outlives(cfd, sfd);
		close(sfd);
	}
	printf("# peeloff_check: %d failed\n", failures);
	return failures ? 1 : 0;
}
