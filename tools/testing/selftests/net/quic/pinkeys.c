// SPDX-License-Identifier: GPL-2.0
/*
 * pinkeys: hold on, for as long as it runs (the test VM starts it before
 * any test), kernel static keys that the tests would otherwise switch on
 * and off again and again in the receive path:
 *
 *   - the receive timestamp key (netstamp_needed_key): each packet
 *     capture in a test switched it;
 *   - udp_encap_needed_key and udpv6_encap_needed_key: UDP_GRO on a UDP
 *     socket takes them (udp_tunnel_encap_enable()), as every QUIC
 *     connection's UDP socket does, and the last of those to close gives
 *     them back: every transfer between fresh processes switched them.
 *     UDP's receive and GRO paths test them for every datagram.
 *
 * Under multi-threaded qemu TCG a vCPU can run a stale translation of
 * kernel text that a static key switch has just patched, and die on the
 * int3 the patching leaves there for a moment. Held on from the start,
 * a key is never patched again. See scripts/vm/guest-init.sh.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

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
	for (;;)
		pause();
}
