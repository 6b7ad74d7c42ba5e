// SPDX-License-Identifier: GPL-2.0
/*
 * quicsim: state in debugfs, for tests. quicsim/port<N>/ holds
 *   ifname     the port's current interface name
 *   offload    "on" or "off": may the stack hand this port QUIC keys
 *   mechanism  "netdev-feature" (ethtool -K) or "private-flag"
 *              (ethtool --set-priv-flags), whichever this kernel uses
 * and the crypto engine's (sim_crypto.c, struct quicsim_stats):
 *   tx_encrypted, tx_encrypted_bytes, tx_no_ctx, tx_errors,
 *   rx_decrypted, rx_decrypted_bytes, rx_auth_fail, rx_no_key, rx_errors,
 *   keys_installed   counters
 *   contexts         connections the port serves now
 *   fail_add         (rw) the next N quic_dev_add() calls fail with -EIO
 *   fail_set_keys    (rw) the same for quic_dev_set_keys()
 *   rx_offload       (rw, default 1) 0: the receive engine leaves every
 *                    packet as it is, so a test can see the ciphertext
 */

#include <linux/debugfs.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>

#include "sim.h"

static struct dentry *quicsim_ddir;

static int quicsim_ifname_show(struct seq_file *m, void *v)
{
	struct quicsim_port *port = m->private;

	/* The name changes under RTNL (rename, namespace move). */
	rtnl_lock();
	seq_printf(m, "%s\n", netdev_name(port->netdev));
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(quicsim_ifname);

static int quicsim_offload_show(struct seq_file *m, void *v)
{
	struct quicsim_port *port = m->private;

	seq_printf(m, "%s\n", quicsim_offload_enabled(port) ? "on" : "off");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(quicsim_offload);

static int quicsim_mechanism_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", quicsim_offload_mechanism());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(quicsim_mechanism);

static int quicsim_counter_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(quicsim_counter_fops, quicsim_counter_get, NULL,
			 "%llu\n");

static int quicsim_contexts_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(quicsim_contexts_fops, quicsim_contexts_get, NULL,
			 "%llu\n");

static void quicsim_debugfs_crypto_add(struct quicsim_port *port)
{
	struct quicsim_stats *s = &port->stats;
	const struct {
		const char *name;
		atomic64_t *counter;
	} counters[] = {
		{ "tx_encrypted", &s->tx_encrypted },
		{ "tx_encrypted_bytes", &s->tx_encrypted_bytes },
		{ "tx_no_ctx", &s->tx_no_ctx },
		{ "tx_errors", &s->tx_errors },
		{ "rx_decrypted", &s->rx_decrypted },
		{ "rx_decrypted_bytes", &s->rx_decrypted_bytes },
		{ "rx_auth_fail", &s->rx_auth_fail },
		{ "rx_no_key", &s->rx_no_key },
		{ "rx_errors", &s->rx_errors },
		{ "keys_installed", &s->keys_installed },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counters); i++)
		debugfs_create_file_unsafe(counters[i].name, 0400, port->ddir,
					   counters[i].counter,
					   &quicsim_counter_fops);
	debugfs_create_file_unsafe("contexts", 0400, port->ddir,
				   &port->contexts, &quicsim_contexts_fops);
	debugfs_create_u32("fail_add", 0600, port->ddir, &port->fail_add);
	debugfs_create_u32("fail_set_keys", 0600, port->ddir,
			   &port->fail_set_keys);
	debugfs_create_bool("rx_offload", 0600, port->ddir, &port->rx_offload);
}

void quicsim_debugfs_port_add(struct quicsim_port *port)
{
	char name[16];

	snprintf(name, sizeof(name), "port%u", port->index);
	port->ddir = debugfs_create_dir(name, quicsim_ddir);
	debugfs_create_file("ifname", 0400, port->ddir, port,
			    &quicsim_ifname_fops);
	debugfs_create_file("offload", 0400, port->ddir, port,
			    &quicsim_offload_fops);
	debugfs_create_file("mechanism", 0400, port->ddir, port,
			    &quicsim_mechanism_fops);
	quicsim_debugfs_crypto_add(port);
}

void quicsim_debugfs_port_del(struct quicsim_port *port)
{
	debugfs_remove_recursive(port->ddir);
	port->ddir = NULL;
}

void quicsim_debugfs_init(void)
{
	quicsim_ddir = debugfs_create_dir(QUICSIM_DRV_NAME, NULL);
}

void quicsim_debugfs_exit(void)
{
	debugfs_remove_recursive(quicsim_ddir);
	quicsim_ddir = NULL;
}
