// SPDX-License-Identifier: GPL-2.0
/*
 * quicsim: a simulated NIC for testing QUIC crypto offload, in the spirit
 * of netdevsim. Loading the module creates @ports net_devices (quicsim%d).
 *
 * So far a port only advertises the offload and lets the user switch it
 * (sim_ethtool.c); it has no link partner yet, so it keeps its carrier
 * off and drops what it is given to send, counting it in tx_dropped.
 */

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/quic_netdev.h>

#include "sim.h"

static unsigned int ports = 1;
module_param(ports, uint, 0444);
MODULE_PARM_DESC(ports, "number of ports to create (1-16, default 1)");

static struct quicsim_port *quicsim_ports[QUICSIM_MAX_PORTS];

static netdev_tx_t quicsim_start_xmit(struct sk_buff *skb,
				      struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops quicsim_netdev_ops = {
	.ndo_start_xmit		= quicsim_start_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void quicsim_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &quicsim_netdev_ops;
	dev->ethtool_ops = &quicsim_ethtool_ops;
	dev->priv_flags |= IFF_NO_QUEUE;
	/* The offload works on plaintext the stack checksums nothing of:
	 * the core keeps quic-offload only with checksum offload on.
	 */
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HW_QUIC;
	dev->features = dev->hw_features;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
}

static int quicsim_port_create(unsigned int index)
{
	struct quicsim_port *port;
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(*port), "quicsim%d", NET_NAME_ENUM,
			   quicsim_setup);
	if (!dev)
		return -ENOMEM;
	port = netdev_priv(dev);
	port->netdev = dev;
	port->index = index;
	/* Like the feature bit, the private flag starts on. */
	port->priv_flags = QUIC_HAVE_NETIF_F_HW_QUIC ? 0 :
			   QUICSIM_PRIV_QUIC_OFFLOAD;
	eth_hw_addr_random(dev);
	netif_carrier_off(dev);
	err = register_netdev(dev);
	if (err) {
		free_netdev(dev);
		return err;
	}
	quicsim_debugfs_port_add(port);
	quicsim_ports[index] = port;
	return 0;
}

static void quicsim_port_destroy(struct quicsim_port *port)
{
	struct net_device *dev = port->netdev;

	quicsim_debugfs_port_del(port);
	unregister_netdev(dev);
	free_netdev(dev);
}

static void quicsim_destroy_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(quicsim_ports); i++) {
		if (!quicsim_ports[i])
			continue;
		quicsim_port_destroy(quicsim_ports[i]);
		quicsim_ports[i] = NULL;
	}
}

static int __init quicsim_init(void)
{
	unsigned int i;
	int err;

	if (!ports || ports > QUICSIM_MAX_PORTS) {
		pr_err("ports=%u: must be 1 to %u\n", ports, QUICSIM_MAX_PORTS);
		return -EINVAL;
	}
	quicsim_debugfs_init();
	for (i = 0; i < ports; i++) {
		err = quicsim_port_create(i);
		if (err) {
			pr_err("port %u: %d\n", i, err);
			quicsim_destroy_all();
			quicsim_debugfs_exit();
			return err;
		}
	}
	pr_info("%u port(s), quic-offload switched by %s\n", ports,
		quicsim_offload_mechanism());
	return 0;
}

static void __exit quicsim_exit(void)
{
	quicsim_destroy_all();
	quicsim_debugfs_exit();
}

module_init(quicsim_init);
module_exit(quicsim_exit);
MODULE_AUTHOR("The in-kernel QUIC project");
MODULE_DESCRIPTION("Simulated NIC for QUIC crypto offload (testing)");
MODULE_LICENSE("GPL");
