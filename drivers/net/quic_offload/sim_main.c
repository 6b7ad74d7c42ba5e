// SPDX-License-Identifier: GPL-2.0
/*
 * quicsim: a simulated NIC for testing QUIC crypto offload, in the spirit
 * of netdevsim. Loading the module creates @ports net_devices (quicsim%d).
 * Ports 2k and 2k + 1 are the two ends of one cable: what one sends, the
 * other receives, in whatever network namespace each has been moved to
 * (ip link set DEV netns NS). A last port without a partner has no
 * carrier.
 *
 * A port advertises QUIC crypto offload and lets the user switch it
 * (sim_ethtool.c). Its "hardware" (sim_crypto.c) seals the plaintext
 * 1-RTT datagrams the stack hands it and opens those that arrive for its
 * connections, through the ops of include/net/quic_offload.h.
 *
 * A frame goes on the cable in the sender's ndo_start_xmit and is received
 * by the other port's NAPI poll, run by a kernel thread of its own unless
 * the module parameter threaded_rx is 0 (or the user writes 0 to the
 * port's sysfs "threaded"). A NIC opens what it receives with no help from
 * the sending host; a simulated one opening it in the sender's transmit
 * path, as this driver once did, charged the receive side's crypto to the
 * sender's CPU, which then did all the AES of a connection between two
 * namespaces of one machine, and offload looked twice as slow as it is.
 */

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/quic_netdev.h>
#include <net/quic_offload.h>

#include "sim.h"

static unsigned int ports = 1;
module_param(ports, uint, 0444);
MODULE_PARM_DESC(ports, "number of ports to create (1-16, default 1)");

static bool threaded_rx = true;
module_param(threaded_rx, bool, 0444);
MODULE_PARM_DESC(threaded_rx,
		 "receive in a kernel thread per port, not in softirq (default 1)");

static struct quicsim_port *quicsim_ports[QUICSIM_MAX_PORTS];

/*
 * The cable's far end: queue @skb, a frame of @len bytes on the wire, for
 * @peer's NAPI poll. Bounded, as a ring of receive descriptors is; what
 * lands in it counts as received, what finds it full, or the port down
 * (its stop may run on another CPU right now), as dropped, on @peer.
 */
static bool quicsim_rx_enqueue(struct quicsim_port *peer, struct sk_buff *skb,
			       unsigned int len)
{
	bool queued = false;

	spin_lock(&peer->rxq.lock);
	if (peer->rx_up && skb_queue_len(&peer->rxq) < QUICSIM_RXQ_LEN) {
		__skb_queue_tail(&peer->rxq, skb);
		queued = true;
	}
	spin_unlock(&peer->rxq.lock);
	if (!queued) {
		dev_dstats_rx_dropped(peer->netdev);
		kfree_skb(skb);
		return false;
	}
	dev_dstats_rx_add(peer->netdev, len);
	napi_schedule(&peer->napi);
	return true;
}

/* The receive side: the engine opens what is ours, the stack takes all. */
static int quicsim_poll(struct napi_struct *napi, int budget)
{
	struct quicsim_port *port = container_of(napi, struct quicsim_port,
						 napi);
	struct sk_buff *skb;
	int done = 0;

	rcu_read_lock();
	while (done < budget && (skb = skb_dequeue(&port->rxq))) {
		quicsim_crypto_rx(port, skb);
		netif_receive_skb(skb);
		done++;
	}
	rcu_read_unlock();
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/*
 * Hand @skb to the peer port's stack, as a cable would: our "hardware"
 * seals it on the way out, the peer's opens it on the way in.
 */
static netdev_tx_t quicsim_start_xmit(struct sk_buff *skb,
				      struct net_device *dev)
{
	struct quicsim_port *port = netdev_priv(dev), *peer;
	unsigned int len;

	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	if (!peer || !netif_running(peer->netdev) ||
	    quicsim_crypto_tx(port, skb)) {
		dev_dstats_tx_dropped(dev);
		dev_kfree_skb_any(skb);
		goto out;
	}
	len = skb->len;
	/* dev_forward_skb() without its netif_rx(): the peer's poll takes
	 * the frame, with its Ethernet header pulled.
	 */
	if (__dev_forward_skb(peer->netdev, skb)) {
		/* It freed the skb and counted the peer's drop. */
		dev_dstats_tx_dropped(dev);
		goto out;
	}
	if (quicsim_rx_enqueue(peer, skb, len))
		dev_dstats_tx_add(dev, len);
	else
		dev_dstats_tx_dropped(dev);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

/* The cable carries frames only while both ends are up. Under RTNL. */
static void quicsim_cable_up(struct quicsim_port *a, struct quicsim_port *b)
{
	if (b && netif_running(a->netdev) && netif_running(b->netdev)) {
		netif_carrier_on(a->netdev);
		netif_carrier_on(b->netdev);
	}
}

static int quicsim_open(struct net_device *dev)
{
	struct quicsim_port *port = netdev_priv(dev);

	napi_enable(&port->napi);
	spin_lock_bh(&port->rxq.lock);
	port->rx_up = true;
	spin_unlock_bh(&port->rxq.lock);
	/* __dev_open() sets __LINK_STATE_START before calling us. */
	quicsim_cable_up(port, rtnl_dereference(port->peer));
	return 0;
}

static int quicsim_stop(struct net_device *dev)
{
	struct quicsim_port *port = netdev_priv(dev), *peer;
	struct sk_buff_head gone;

	netif_carrier_off(dev);
	peer = rtnl_dereference(port->peer);
	if (peer)
		netif_carrier_off(peer->netdev);
	/* From here a sender drops what it would queue; what is queued
	 * goes. A frame queued just before may have scheduled the poll,
	 * which napi_disable() waits for, on an emptied queue.
	 */
	__skb_queue_head_init(&gone);
	spin_lock_bh(&port->rxq.lock);
	port->rx_up = false;
	skb_queue_splice_init(&port->rxq, &gone);
	spin_unlock_bh(&port->rxq.lock);
	napi_disable(&port->napi);
	__skb_queue_purge(&gone);
	return 0;
}

static const struct net_device_ops quicsim_netdev_ops = {
	.ndo_open		= quicsim_open,
	.ndo_stop		= quicsim_stop,
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
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
	/* A device that encrypts a datagram must also fill in its UDP
	 * checksum: the core keeps quic-offload only with checksum offload.
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
	quicsim_crypto_port_init(port);
	skb_queue_head_init(&port->rxq);
	netif_napi_add(dev, &port->napi, quicsim_poll);
	eth_hw_addr_random(dev);
	netif_carrier_off(dev);
	err = register_netdev(dev);
	if (err) {
		free_netdev(dev);
		return err;
	}
	/* Not fatal: the poll then runs in softirq, as most drivers' do. */
	if (threaded_rx && dev_set_threaded(dev, true))
		netdev_warn(dev, "no receive thread, receiving in softirq\n");
	/* Without the core hooks the port is a plain cable, still useful. */
	err = quic_offload_register(dev, &quicsim_quic_ops);
	if (err == -EOPNOTSUPP) {
		netdev_info(dev, "QUIC offload not possible on this kernel\n");
	} else if (err) {
		unregister_netdev(dev);
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
	/* The stack gives back the port's connections (quic_dev_del) here;
	 * a no-op where registering failed.
	 */
	quic_offload_unregister(dev);
	quicsim_crypto_port_exit(port);
	unregister_netdev(dev);
	free_netdev(dev);
}

/* Connect each even port to the next one, both ways. */
static void quicsim_link_pairs(void)
{
	unsigned int i;

	rtnl_lock();
	for (i = 0; i + 1 < ARRAY_SIZE(quicsim_ports); i += 2) {
		struct quicsim_port *a = quicsim_ports[i];
		struct quicsim_port *b = quicsim_ports[i + 1];

		if (!a || !b)
			continue;
		rcu_assign_pointer(a->peer, b);
		rcu_assign_pointer(b->peer, a);
		quicsim_cable_up(a, b);
	}
	rtnl_unlock();
}

/* Cut every cable; no transmit still running may see a peer after this. */
static void quicsim_unlink_all(void)
{
	unsigned int i;

	rtnl_lock();
	for (i = 0; i < ARRAY_SIZE(quicsim_ports); i++) {
		if (!quicsim_ports[i])
			continue;
		RCU_INIT_POINTER(quicsim_ports[i]->peer, NULL);
		netif_carrier_off(quicsim_ports[i]->netdev);
	}
	rtnl_unlock();
	synchronize_net();
}

static void quicsim_destroy_all(void)
{
	unsigned int i;

	quicsim_unlink_all();
	for (i = 0; i < ARRAY_SIZE(quicsim_ports); i++) {
		if (!quicsim_ports[i])
			continue;
		quicsim_port_destroy(quicsim_ports[i]);
		quicsim_ports[i] = NULL;
	}
	quicsim_crypto_drain();
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
	quicsim_link_pairs();
	pr_info("%u port(s), linked in pairs, quic-offload switched by %s\n",
		ports, quicsim_offload_mechanism());
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
