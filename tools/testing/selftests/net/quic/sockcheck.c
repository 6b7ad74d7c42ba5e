// SPDX-License-Identifier: GPL-2.0
/*
 * sockcheck: socket-level checks of IPPROTO_QUIC that need no peer.
 *
 *   sockcheck create          print "<family> <type>: ok|<ERRNO>" for each
 *                             family/type pair (the shell test compares)
 *   sockcheck bind            bind(2) semantics, and connect(2) of an AF_INET6
 *                             socket to IPv4-mapped addresses, one TAP line
 *                             per check
 *   sockcheck cycles N        create/close N sockets (every 4th bound),
 *                             exit status only
 *   sockcheck hold SECONDS    open a bound socket, print "ready", sleep
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/quic.h>

static int failures;

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - sockcheck: ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case ENOTCONN: return "ENOTCONN";
	case ENETUNREACH: return "ENETUNREACH";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return strerror(e);
	}
}

static int qsock(int family, int type)
{
	int fd = socket(family, type, IPPROTO_QUIC);

	if (fd < 0) {
		fprintf(stderr, "socket(%d, %d, IPPROTO_QUIC): %s\n",
			family, type, strerror(errno));
		exit(2);
	}
	return fd;
}

static struct sockaddr_storage mkaddr(const char *ip, int port)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
	} else {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
	return ss;
}

static socklen_t alen(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6);
}

/* bind(2) and return 0 or errno. */
static int do_bind(int fd, const char *ip, int port)
{
	struct sockaddr_storage ss = mkaddr(ip, port);

	return bind(fd, (struct sockaddr *)&ss, alen(&ss)) ? errno : 0;
}

static int bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void expect_bind(int fd, const char *ip, int port, int want,
			const char *what)
{
	int got = do_bind(fd, ip, port);

	result(got == want, "%s: bind %s port %d gives %s (got %s)", what, ip,
	       port, errname(want), errname(got));
}

static int cmd_create(void)
{
	static const struct { int family; const char *name; } fams[] = {
		{ AF_INET, "inet" }, { AF_INET6, "inet6" } };
	static const struct { int type; const char *name; } types[] = {
		{ SOCK_STREAM, "stream" }, { SOCK_DGRAM, "dgram" } };
	unsigned int i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < 2; j++) {
			int fd = socket(fams[i].family, types[j].type,
					IPPROTO_QUIC);

			printf("%s %s: %s\n", fams[i].name, types[j].name,
			       errname(fd < 0 ? errno : 0));
			if (fd >= 0)
				close(fd);
		}
	}
	return 0;
}

/* Ephemeral ports, getsockname() and getpeername() for both families. */
static void check_ephemeral(int family, int type, const char *ip)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[INET6_ADDRSTRLEN] = "";
	int fd = qsock(family, type);
	int port, err;

	err = do_bind(fd, ip, 0);
	port = bound_port(fd);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			  buf, sizeof(buf));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			  buf, sizeof(buf));
	result(!err && port > 0 && !strcmp(buf, ip),
	       "%s %s: port 0 binds an ephemeral port reported by getsockname (%s port %d, %s)",
	       ip, type == SOCK_STREAM ? "stream" : "dgram", buf, port,
	       errname(err));
	len = sizeof(ss);
	err = getpeername(fd, (struct sockaddr *)&ss, &len) ? errno : 0;
	result(err == ENOTCONN, "%s: getpeername on an unconnected socket gives ENOTCONN (got %s)",
	       ip, errname(err));
	close(fd);
}

/* A port our first socket holds, for the conflict checks. */
static int held_port(int fd, const char *ip)
{
	if (do_bind(fd, ip, 0)) {
		fprintf(stderr, "cannot bind %s: %s\n", ip, strerror(errno));
		exit(2);
	}
	return bound_port(fd);
}

static void check_conflicts(void)
{
	int a = qsock(AF_INET, SOCK_STREAM), b = qsock(AF_INET, SOCK_DGRAM);
	int c = qsock(AF_INET6, SOCK_STREAM);
	int p = held_port(a, "127.0.0.1");

	expect_bind(b, "127.0.0.1", p, EADDRINUSE, "same address and port");
	expect_bind(b, "0.0.0.0", p, EADDRINUSE, "wildcard over a bound port");
	expect_bind(c, "::", p, EADDRINUSE, "dual-stack IPv6 wildcard over an IPv4 port");
	expect_bind(b, "127.0.0.2", p, 0, "other address, same port");
	expect_bind(b, "127.0.0.1", 0, EINVAL, "socket already bound");
	close(a);
	a = qsock(AF_INET, SOCK_STREAM);
	expect_bind(a, "127.0.0.1", p, 0, "port free again after close");
	close(a);
	close(b);
	close(c);
}

static void check_v6only(void)
{
	int a = qsock(AF_INET6, SOCK_STREAM), b = qsock(AF_INET, SOCK_STREAM);
	int one = 1, p;

	setsockopt(a, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	p = held_port(a, "::");
	expect_bind(b, "0.0.0.0", p, 0, "IPV6_V6ONLY wildcard leaves IPv4 free");
	close(a);
	close(b);
}

static void check_reuseaddr(void)
{
	int a = qsock(AF_INET, SOCK_STREAM), b = qsock(AF_INET, SOCK_STREAM);
	int one = 1, p;

	setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	p = held_port(a, "127.0.0.1");
	expect_bind(b, "127.0.0.1", p, 0, "SO_REUSEADDR on both shares a port");
	close(a);
	close(b);
}

static void check_udp_conflict(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	int q = qsock(AF_INET, SOCK_STREAM);
	int p = held_port(u, "127.0.0.1");

	expect_bind(q, "127.0.0.1", p, EADDRINUSE, "port held by a UDP socket");
	close(u);
	close(q);
}

static void check_bad_args(void)
{
	struct sockaddr_storage ss = mkaddr("127.0.0.1", 0);
	int a = qsock(AF_INET, SOCK_STREAM), c = qsock(AF_INET6, SOCK_STREAM);
	int err;

	err = bind(a, (struct sockaddr *)&ss, sizeof(struct sockaddr_in) - 1) ?
	      errno : 0;
	result(err == EINVAL, "short IPv4 address length gives EINVAL (got %s)",
	       errname(err));
	ss = mkaddr("::1", 0);
	err = bind(a, (struct sockaddr *)&ss, sizeof(struct sockaddr_in6)) ?
	      errno : 0;
	result(err == EAFNOSUPPORT, "IPv6 address on an IPv4 socket gives EAFNOSUPPORT (got %s)",
	       errname(err));
	err = bind(c, (struct sockaddr *)&ss, 8) ? errno : 0;
	result(err == EINVAL, "short IPv6 address length gives EINVAL (got %s)",
	       errname(err));
	expect_bind(a, "192.0.2.1", 0, EADDRNOTAVAIL, "non-local address");
	expect_bind(c, "2001:db8::dead", 0, EADDRNOTAVAIL, "non-local address");
	close(a);
	close(c);
}

/* "ADDR port N" of a getsockname()/getpeername() answer */
static void name_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";
	int port;

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr,
			  a, sizeof(a));
		port = ntohs(((struct sockaddr_in6 *)ss)->sin6_port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr,
			  a, sizeof(a));
		port = ntohs(((struct sockaddr_in *)ss)->sin_port);
	}
	snprintf(buf, n, "%s port %d", a, port);
}

/* connect(2) to ADDR port 4433 and return 0 or errno. */
static int do_connect(int fd, const char *ip)
{
	struct sockaddr_storage ss = mkaddr(ip, 4433);

	return connect(fd, (struct sockaddr *)&ss, alen(&ss)) ? errno : 0;
}

/*
 * An AF_INET6 socket connecting to an IPv4-mapped address, as TCP and UDP
 * allow: an IPv4 connection, its local name reported mapped (its peer's
 * once established: migration_test.sh). Not with IPV6_V6ONLY, nor from
 * an IPv6 address (ENETUNREACH, as TCP).
 */
static void check_mapped_connect(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char want[80], self[80] = "";
	int fd = qsock(AF_INET6, SOCK_STREAM), one = 1, err, port;

	err = do_connect(fd, "::ffff:127.0.0.1");
	if (!getsockname(fd, (struct sockaddr *)&ss, &len))
		name_str(&ss, self, sizeof(self));
	port = bound_port(fd);
	snprintf(want, sizeof(want), "::ffff:0.0.0.0 port %d", port);
	result(!err && port > 0 && !strcmp(self, want),
	       "AF_INET6 connect to ::ffff:127.0.0.1: %s; getsockname: the IPv4 wildcard, mapped, an ephemeral port (%s)",
	       errname(err), self);
	close(fd);

	fd = qsock(AF_INET6, SOCK_STREAM);
	do_bind(fd, "::ffff:127.0.0.1", 0);
	err = do_connect(fd, "::ffff:127.0.0.1");
	len = sizeof(ss);
	self[0] = 0;
	if (!getsockname(fd, (struct sockaddr *)&ss, &len))
		name_str(&ss, self, sizeof(self));
	result(!err && !strncmp(self, "::ffff:127.0.0.1 port ", 22),
	       "bound to ::ffff:127.0.0.1, connect to a mapped address: %s, getsockname %s",
	       errname(err), self);
	close(fd);

	fd = qsock(AF_INET6, SOCK_STREAM);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	err = do_connect(fd, "::ffff:127.0.0.1");
	result(err == ENETUNREACH,
	       "IPV6_V6ONLY, connect to a mapped address: ENETUNREACH (got %s)",
	       errname(err));
	close(fd);

	fd = qsock(AF_INET6, SOCK_STREAM);
	do_bind(fd, "::1", 0);
	err = do_connect(fd, "::ffff:127.0.0.1");
	result(err == ENETUNREACH,
	       "bound to ::1, connect to a mapped address: ENETUNREACH (got %s)",
	       errname(err));
	close(fd);

	fd = qsock(AF_INET6, SOCK_STREAM);
	err = do_connect(fd, "::ffff:0.0.0.0");
	result(err == EINVAL, "connect to ::ffff:0.0.0.0: EINVAL (got %s)",
	       errname(err));
	close(fd);
}

static int cmd_bind(void)
{
	check_ephemeral(AF_INET, SOCK_STREAM, "127.0.0.1");
	check_ephemeral(AF_INET, SOCK_DGRAM, "127.0.0.1");
	check_ephemeral(AF_INET6, SOCK_STREAM, "::1");
	check_ephemeral(AF_INET6, SOCK_DGRAM, "::1");
	check_conflicts();
	check_v6only();
	check_reuseaddr();
	check_udp_conflict();
	check_bad_args();
	check_mapped_connect();
	return failures ? 1 : 0;
}

static int cmd_cycles(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		int v6 = i & 1;
		int fd = socket(v6 ? AF_INET6 : AF_INET,
				(i & 2) ? SOCK_DGRAM : SOCK_STREAM,
				IPPROTO_QUIC);

		if (fd < 0) {
			perror("socket");
			return 1;
		}
		if (!(i % 4) && do_bind(fd, v6 ? "::1" : "127.0.0.1", 0)) {
			perror("bind");
			return 1;
		}
		close(fd);
	}
	return 0;
}

static int cmd_hold(int seconds)
{
	int fd = qsock(AF_INET, SOCK_STREAM);

	if (do_bind(fd, "127.0.0.1", 0))
		return 1;
	printf("ready\n");
	fflush(stdout);
	sleep(seconds);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "create"))
		return cmd_create();
	if (argc >= 2 && !strcmp(argv[1], "bind"))
		return cmd_bind();
	if (argc >= 3 && !strcmp(argv[1], "cycles"))
		return cmd_cycles(atol(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "hold"))
		return cmd_hold(atoi(argv[2]));
	fprintf(stderr, "usage: sockcheck create|bind|cycles N|hold SECONDS\n");
	return 2;
}
