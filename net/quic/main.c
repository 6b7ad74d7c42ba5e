// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC (RFC 9000) as a kernel transport: module init/exit ladder only.
 */

#include <linux/module.h>
#include <linux/net.h>
#include <linux/quic.h>

#include "cid.h"
#include "closing.h"
#include "conn.h"
#include "crypto.h"
#include "offload.h"
#include "peeloff.h"
#include "proc.h"
#include "protocol.h"
#include "reset.h"
#include "retry.h"
#include "stream.h"
#include "udp.h"

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "Check packet protection against the RFC 9001 vectors at load");

static int __init quic_init(void)
{
	int err;

	quic_conn_module_init();
	quic_token_init();
	if (selftest) {
		err = quic_crypto_selftest();
		if (err)
			return err;
	}
	err = quic_crypto_retry_init();
	if (err)
		return err;
	err = quic_cid_init();
	if (err)
		goto err_retry;
	err = quic_reset_init();
	if (err)
		goto err_cid;
	err = quic_output_init();
	if (err)
		goto err_reset;
	err = quic_stream_init();
	if (err)
		goto err_output;
	err = quic_peeloff_init();
	if (err)
		goto err_stream;
	err = quic_closing_init();
	if (err)
		goto err_peeloff;
	err = quic_proc_init();
	if (err)
		goto err_closing;
	err = quic_offload_init();
	if (err)
		goto err_proc;
	err = quic_protocol_init();
	if (err)
		goto err_offload;
	pr_info("QUIC transport registered (IPPROTO_QUIC %d)\n", IPPROTO_QUIC);
	return 0;

err_offload:
	quic_offload_exit();
err_proc:
	quic_proc_exit();
err_closing:
	quic_closing_exit();
err_peeloff:
	quic_peeloff_exit();
err_stream:
	quic_stream_exit();
err_output:
	quic_output_exit();
err_reset:
	quic_reset_exit();
err_cid:
	quic_cid_exit();
err_retry:
	quic_crypto_retry_exit();
	return err;
}

static void __exit quic_exit(void)
{
	quic_protocol_exit();
	quic_closing_exit();	/* the last lingering sockets go */
	quic_offload_exit();	/* after their offload state */
	quic_proc_exit();
	quic_udp_exit();
	quic_peeloff_exit();
	quic_stream_exit();
	quic_output_exit();
	quic_reset_exit();
	quic_cid_exit();
	quic_crypto_retry_exit();
	pr_info("QUIC transport unregistered\n");
}

module_init(quic_init);
module_exit(quic_exit);

MODULE_ALIAS("net-pf-" __stringify(PF_INET) "-proto-261");
MODULE_ALIAS("net-pf-" __stringify(PF_INET6) "-proto-261");
MODULE_AUTHOR("The in-kernel QUIC project");
MODULE_DESCRIPTION("QUIC transport protocol (RFC 9000)");
MODULE_LICENSE("GPL");
