// SPDX-License-Identifier: GPL-2.0
/*
 * quicsim: state in debugfs, for tests. quicsim/port<N>/ holds
 *   ifname     the port's current interface name
 *   offload    "on" or "off": may the stack hand this port QUIC keys
 *   mechanism  "netdev-feature" (ethtool -K) or "private-flag"
 *              (ethtool --set-priv-flags), whichever this kernel uses
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
