/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the check programs (sockopt_check, peeloff_check) share: TAP
 * lines, one "ok - SUITE: ..." or "not ok - SUITE: ..." per check, each
 * naming what was expected and what came; QUIC sockets; a loopback
 * connection made with libquic in PSK mode. Define TAP_SUITE, ALPN and
 * PSK_LINE before including.
 */
#ifndef CHECK_LIB_H
#define CHECK_LIB_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/quic.h>

static int failures;

static void tap(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - " TAP_SUITE ": ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		failures++;
}

/* "ok" for 0, else the errno's name */
static inline const char *en(int e)
{
	const char *n;

	if (!e)
		return "ok";
	n = strerrorname_np(e);
	return n ? n : "E?";
}

/* The result of a call: 0 or errno. */
static inline int res(long ret)
{
	return ret < 0 ? errno : 0;
}

static inline void expect(int got, int want, const char *what)
{
	tap(got == want, "%s: expected %s, got %s", what, en(want), en(got));
}

static inline void expect2(int got, int w1, int w2, const char *what)
{
	tap(got == w1 || got == w2, "%s: expected %s or %s, got %s", what,
	    en(w1), en(w2), en(got));
}

/* A QUIC socket; exits 2, with a line saying why, if there is none. */
static int qsock_family(int family)
{
	int fd = socket(family, SOCK_STREAM, IPPROTO_QUIC);

	if (fd < 0) {
		tap(false, "socket(%s, SOCK_STREAM, IPPROTO_QUIC): %s (%s)%s",
		    family == AF_INET ? "AF_INET" : "AF_INET6", en(errno),
		    strerror(errno),
		    errno == EPROTONOSUPPORT ? " - is quic.ko loaded?" : "");
		exit(2);
	}
	return fd;
}

static int qsock(void)
{
	return qsock_family(AF_INET);
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	return a;
}

/* ---- a loopback connection, both ends in this process ---- */

struct server_arg {
	int lfd;
	const char *psk;
	int fd;
	int ret;
};

static void *server_thread(void *p)
{
	struct server_arg *a = p;

	a->fd = accept(a->lfd, NULL, NULL);
	if (a->fd < 0) {
		a->ret = -errno;
		return NULL;
	}
	a->ret = quic_server_handshake(a->fd, a->psk, NULL, ALPN);
	return NULL;
}

static bool make_pair(const char *psk, int *cfd, int *sfd)
{
	struct sockaddr_in a = loopback(0);
	struct server_arg sa = { .psk = psk, .fd = -1 };
	socklen_t len = sizeof(a);
	pthread_t th;
	int e, ret;

	sa.lfd = qsock();
	e = res(setsockopt(sa.lfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, ALPN,
				 strlen(ALPN)));
	if (!e)
		e = res(bind(sa.lfd, (struct sockaddr *)&a, sizeof(a)));
	if (!e)
		e = res(getsockname(sa.lfd, (struct sockaddr *)&a, &len));
	if (!e)
		e = res(listen(sa.lfd, 4));
	if (e) {
		tap(false, "loopback listener (ALPN, bind, listen): %s", en(e));
		close(sa.lfd);
		return false;
	}
	if (pthread_create(&th, NULL, server_thread, &sa)) {
		tap(false, "pthread_create failed");
		return false;
	}
	*cfd = qsock();
	e = res(connect(*cfd, (struct sockaddr *)&a, sizeof(a)));
	ret = e ? -e : quic_client_handshake(*cfd, psk, NULL, ALPN);
	if (ret) {
		/* Unblock the server: its accept() or handshake. */
		shutdown(sa.lfd, SHUT_RDWR);
		close(*cfd);
	}
	pthread_join(th, NULL);
	close(sa.lfd);
	*sfd = sa.fd;
	tap(!ret && !sa.ret,
	    "loopback connection over 127.0.0.1 (libquic, PSK, ALPN %s): client %s, server %s",
	    ALPN, en(-ret), en(-sa.ret));
	if (!ret && !sa.ret)
		return true;
	if (sa.fd >= 0)
		close(sa.fd);
	if (!ret)
		close(*cfd);
	return false;
}

/*
 * The loopback connection in PSK mode, the includer's PSK_LINE (identity
 * and key) written to a temporary file for libquic, which reads it.
 */
static bool make_psk_pair(int *cfd, int *sfd)
{
	char path[] = "/tmp/" TAP_SUITE "_check.psk.XXXXXX";
	bool ok;
	int pfd;

	pfd = mkstemp(path);
	if (pfd < 0 || write(pfd, PSK_LINE, strlen(PSK_LINE)) !=
			(ssize_t)strlen(PSK_LINE)) {
		tap(false, "write a PSK file in /tmp: %s", en(errno));
		if (pfd >= 0) {
			close(pfd);
			unlink(path);
		}
		return false;
	}
	close(pfd);
	ok = make_pair(path, cfd, sfd);
	unlink(path);
	return ok;
}

#endif /* CHECK_LIB_H */
