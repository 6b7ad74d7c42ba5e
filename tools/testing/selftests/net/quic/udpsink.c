// SPDX-License-Identifier: GPL-2.0
/*
 * udpsink: count what arrives at a UDP port.
 *
 *   udpsink -a ADDR -p PORT [-t SECONDS]
 *
 * Binds ADDR:PORT, prints "listening" once bound, then counts datagrams
 * and their payload bytes until SIGTERM, SIGINT or SECONDS (default 60)
 * and prints "datagrams <n> bytes <n>". migration_test.sh puts it where a
 * server's packets to an address nobody validated land, to see the
 * anti-amplification limit (RFC 9000 9.3.1) hold.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int open_sink(const char *addr, int port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd;

	if (inet_pton(AF_INET, addr, &a4.sin_addr) == 1) {
		a4.sin_port = htons(port);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd >= 0 && bind(fd, (struct sockaddr *)&a4, sizeof(a4)))
			return -1;
		return fd;
	}
	if (inet_pton(AF_INET6, addr, &a6.sin6_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	a6.sin6_port = htons(port);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a6, sizeof(a6)))
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long datagrams = 0, bytes = 0;
	const char *addr = NULL;
	int port = 0, secs = 60, fd, c;
	static char buf[65536];
	ssize_t n;

	while ((c = getopt(argc, argv, "a:p:t:")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (!addr || port <= 0 || port > 65535 || secs <= 0)
		goto usage;
	/* No SA_RESTART: the signal ends the blocking recv(). */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	fd = open_sink(addr, port);
	if (fd < 0) {
		fprintf(stderr, "udpsink: bind %s port %d: %s\n", addr, port,
			strerror(errno));
		return 2;
	}
	printf("listening\n");
	fflush(stdout);
	alarm(secs);
	while (!stop) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "udpsink: recv: %s\n", strerror(errno));
			return 2;
		}
		datagrams++;
		bytes += n;
	}
	printf("datagrams %llu bytes %llu\n", datagrams, bytes);
	return 0;
usage:
	fprintf(stderr, "usage: udpsink -a ADDR -p PORT [-t SECONDS]\n");
	return 2;
}
