/* SPDX-License-Identifier: GPL-2.0 */
/*
 * quicsim: a simulated NIC that advertises QUIC crypto offload.
 *
 * Each port is a net_device. Whether the user left QUIC offload on is the
 * quic-offload netdev feature on kernels that have it (NETIF_F_HW_QUIC,
 * scripts/kernel-patches/), else the driver's ethtool private flag of the
 * same name: include/net/quic_netdev.h hides the difference.
 */
#ifndef _QUICSIM_H
#define _QUICSIM_H

#include <linux/debugfs.h>
#include <linux/netdevice.h>

#define QUICSIM_DRV_NAME	"quicsim"
#define QUICSIM_MAX_PORTS	16

/* Bits of the ethtool private flags, in quicsim_priv_flag_names order. */
#define QUICSIM_PRIV_QUIC_OFFLOAD	BIT(0)

/**
 * struct quicsim_port - one simulated port (the net_device's private area)
 * @netdev: its net_device
 * @peer: the port at the other end of its cable (ports 2k and 2k + 1), or
 *	NULL; set while both are registered, cleared before either goes
 * @index: its number, from 0, within the module
 * @priv_flags: ethtool private flags (QUICSIM_PRIV_*); written under RTNL,
 *	read locklessly by debugfs
 * @ddir: its debugfs directory, quicsim/port<index>/
 */
struct quicsim_port {
	struct net_device *netdev;
	struct quicsim_port __rcu *peer;
	unsigned int index;
	u32 priv_flags;
	struct dentry *ddir;
};

/* sim_ethtool.c */
extern const struct ethtool_ops quicsim_ethtool_ops;
bool quicsim_offload_enabled(const struct quicsim_port *port);
const char *quicsim_offload_mechanism(void);

/* sim_debugfs.c */
void quicsim_debugfs_init(void);
void quicsim_debugfs_exit(void);
void quicsim_debugfs_port_add(struct quicsim_port *port);
void quicsim_debugfs_port_del(struct quicsim_port *port);

#endif /* _QUICSIM_H */
