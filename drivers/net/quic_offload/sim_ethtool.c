// SPDX-License-Identifier: GPL-2.0
/*
 * quicsim: ethtool operations. On a kernel without NETIF_F_HW_QUIC the
 * user switches QUIC offload with the "quic-offload" private flag
 * (ethtool --set-priv-flags DEV quic-offload on|off); with it, the private
 * flag is not offered and ethtool -K DEV quic-offload on|off does it.
 */

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/string.h>
#include <net/quic_netdev.h>

#include "sim.h"

static const char quicsim_priv_flag_names[][ETH_GSTRING_LEN] = {
	"quic-offload",
};

/* The private flags offered: none where the netdev feature exists. */
static unsigned int quicsim_priv_flag_count(void)
{
	return QUIC_HAVE_NETIF_F_HW_QUIC ? 0 :
	       ARRAY_SIZE(quicsim_priv_flag_names);
}

/**
 * quicsim_offload_enabled() - may the stack hand this port QUIC keys
 * @port: the port
 *
 * Return: the quic-offload feature or private flag, whichever this kernel
 * uses, is on.
 */
bool quicsim_offload_enabled(const struct quicsim_port *port)
{
	return quic_netdev_offload_enabled(port->netdev,
					   READ_ONCE(port->priv_flags) &
					   QUICSIM_PRIV_QUIC_OFFLOAD);
}

/* How the user switches offload on this kernel, for debugfs and logs. */
const char *quicsim_offload_mechanism(void)
{
	return QUIC_HAVE_NETIF_F_HW_QUIC ? "netdev-feature" : "private-flag";
}

static void quicsim_get_drvinfo(struct net_device *dev,
				struct ethtool_drvinfo *info)
{
	struct quicsim_port *port = netdev_priv(dev);

	strscpy(info->driver, QUICSIM_DRV_NAME, sizeof(info->driver));
	snprintf(info->bus_info, sizeof(info->bus_info), "quicsim:%u",
		 port->index);
	info->n_priv_flags = quicsim_priv_flag_count();
}

static int quicsim_get_sset_count(struct net_device *dev, int sset)
{
	if (sset == ETH_SS_PRIV_FLAGS)
		return quicsim_priv_flag_count();
	return -EOPNOTSUPP;
}

static void quicsim_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_PRIV_FLAGS)
		return;
	for (i = 0; i < quicsim_priv_flag_count(); i++)
		ethtool_puts(&data, quicsim_priv_flag_names[i]);
}

static u32 quicsim_get_priv_flags(struct net_device *dev)
{
	struct quicsim_port *port = netdev_priv(dev);

	return port->priv_flags;
}

static int quicsim_set_priv_flags(struct net_device *dev, u32 flags)
{
	struct quicsim_port *port = netdev_priv(dev);
	u32 offered = BIT(quicsim_priv_flag_count()) - 1;

	if (flags & ~offered)
		return -EINVAL;
	if ((flags ^ port->priv_flags) & QUICSIM_PRIV_QUIC_OFFLOAD)
		netdev_info(dev, "quic-offload %s (private flag)\n",
			    flags & QUICSIM_PRIV_QUIC_OFFLOAD ? "on" : "off");
	WRITE_ONCE(port->priv_flags, flags);
	return 0;
}

const struct ethtool_ops quicsim_ethtool_ops = {
	.get_drvinfo	= quicsim_get_drvinfo,
	.get_link	= ethtool_op_get_link,
	.get_sset_count	= quicsim_get_sset_count,
	.get_strings	= quicsim_get_strings,
	.get_priv_flags	= quicsim_get_priv_flags,
	.set_priv_flags	= quicsim_set_priv_flags,
};
