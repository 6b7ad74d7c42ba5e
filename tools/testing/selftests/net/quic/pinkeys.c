// SPDX-License-Identifier: GPL-2.0
/*
 * pinkeys: settle, before any test runs (the test VM starts it first),
 * kernel static keys that the tests would otherwise switch as they run.
 *
 * It holds on, for as long as it runs, keys that the tests took and gave
 * back again and again in the receive path:
 *
 *   - the receive timestamp key (netstamp_needed_key): each packet
 *     capture in a test switched it;
 *   - udp_encap_needed_key and udpv6_encap_needed_key: UDP_GRO on a UDP
 *     socket takes them (udp_tunnel_encap_enable()), as every QUIC
 *     connection's UDP socket does, and the last of those to close gives
 *     them back: every transfer between fresh processes switched them.
 *     UDP's receive and GRO paths test them for every datagram.
 *
 * And it makes the stack draw the secrets it draws on first use
 * (net_get_random_once(), whose key goes off for good once drawn): TCP's
 * for initial sequence numbers, timestamp offsets, ephemeral ports and
 * its established hash, in both families, and the flow hash's (IPv6 flow
 * labels). guest-init.sh draws those of the route exception tables,
 * which take a router to reach.
 *
 * Under multi-threaded qemu TCG a vCPU can run a stale translation of
 * kernel text that a static key switch has just patched, and die on the
 * int3 the patching leaves there for a moment. Held on from the start,
 * or switched before any test runs, a key is never patched again while
 * the tests run. See scripts/vm/guest-init.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The loopback address of @family, port 0, in @ss; its length. */
static socklen_t loopback(int family, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		return sizeof(*sin6);
	}
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*sin);
}

/*
 * A socket of @type bound to the loopback address of @family, listening
 * if a stream one; its address in @ss, or -1.
 */
static int loopback_socket(int family, int type, struct sockaddr_storage *ss,
			   socklen_t *len)
{
	int fd;

	*len = loopback(family, ss);
	fd = socket(family, type, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)ss, *len) ||
	    (type == SOCK_STREAM && listen(fd, 1)) ||
	    getsockname(fd, (struct sockaddr *)ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One byte each way over a TCP connection on loopback in @family, and a
 * UDP datagram, which in IPv6 gets a flow label from the flow hash. 0 or
 * -1 with errno set.
 */
static int draw_secrets(int family)
{
	int lfd, cfd = -1, afd = -1, ufd = -1, rc = -1;
	struct sockaddr_storage ss;
	socklen_t len;
	char c = 0;

	lfd = loopback_socket(family, SOCK_STREAM, &ss, &len);
	if (lfd < 0)
		return -1;
	cfd = socket(family, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&ss, len))
		goto out;
	afd = accept(lfd, NULL, NULL);
	if (afd < 0 || write(cfd, &c, 1) != 1 || read(afd, &c, 1) != 1 ||
	    write(afd, &c, 1) != 1 || read(cfd, &c, 1) != 1)
		goto out;
	ufd = loopback_socket(family, SOCK_DGRAM, &ss, &len);
	if (ufd < 0 || sendto(ufd, &c, 1, 0, (struct sockaddr *)&ss, len) != 1 ||
	    recv(ufd, &c, 1, 0) != 1)
		goto out;
	rc = 0;
out:
	if (ufd >= 0)
		close(ufd);
	if (afd >= 0)
		close(afd);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	return rc;
}

/* An unbound UDP socket of @family with UDP_GRO on; -1 on failure. */
static int udp_gro_socket(int family)
{
	int one = 1, fd;

	fd = socket(family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_UDP, UDP_GRO, &one, sizeof(one))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
		perror("pinkeys: SO_TIMESTAMPNS");
		return 1;
	}
	if (udp_gro_socket(AF_INET) < 0) {
		perror("pinkeys: UDP_GRO");
		return 1;
	}
	/* A kernel without IPv6 has no key of its own to hold. */
	if (udp_gro_socket(AF_INET6) < 0 && errno != EAFNOSUPPORT) {
		perror("pinkeys: UDP_GRO (IPv6)");
		return 1;
	}
	if (draw_secrets(AF_INET)) {
		perror("pinkeys: TCP and UDP over 127.0.0.1");
		return 1;
	}
	if (draw_secrets(AF_INET6) && errno != EAFNOSUPPORT) {
		perror("pinkeys: TCP and UDP over ::1");
		return 1;
	}
	/* The caller goes on once the keys are held; the sockets stay. */
	switch (fork()) {
	case -1:
		perror("pinkeys: fork");
		return 1;
	case 0:
		for (;;)
			pause();
	}
	return 0;
}
