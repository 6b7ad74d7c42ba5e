// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC (RFC 9000) as a kernel transport: module init/exit ladder only.
 */

#include <linux/module.h>
#include <linux/net.h>
#include <linux/quic.h>

#include "protocol.h"
#include "udp.h"

static int __init quic_init(void)
{
	int err;

	err = quic_protocol_init();
	if (err)
		return err;
	pr_info("QUIC transport registered (IPPROTO_QUIC %d)\n", IPPROTO_QUIC);
	return 0;
}

static void __exit quic_exit(void)
{
	quic_protocol_exit();
	quic_udp_exit();
	pr_info("QUIC transport unregistered\n");
}

module_init(quic_init);
module_exit(quic_exit);

MODULE_ALIAS("net-pf-" __stringify(PF_INET) "-proto-261");
MODULE_ALIAS("net-pf-" __stringify(PF_INET6) "-proto-261");
MODULE_AUTHOR("The in-kernel QUIC project");
MODULE_DESCRIPTION("QUIC transport protocol (RFC 9000)");
MODULE_LICENSE("GPL");
