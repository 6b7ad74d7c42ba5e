// SPDX-License-Identifier: GPL-2.0
/*
 * pinkeys: hold the kernel's receive timestamp static key on for as long
 * as it runs (the test VM starts it before any test).
 *
 * Under multi-threaded qemu TCG a vCPU can run a stale translation of
 * kernel text that a static key switch has just patched, and die on the
 * int3 the patching leaves there for a moment. Each packet capture in a
 * test switched the timestamp key on and off again; held on from the
 * start, it is never patched again. See scripts/vm/guest-init.sh.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
		perror("pinkeys: SO_TIMESTAMPNS");
		return 1;
	}
	for (;;)
		pause();
}
