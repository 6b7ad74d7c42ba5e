// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the quic-offload netdev feature (include/net/quic_netdev.h
 * and the NETIF_F_HW_QUIC patch of scripts/kernel-patches/): a device that
 * offers the feature keeps it while TX checksum offload is on and loses it,
 * through netdev_fix_features(), when checksum offload is turned off.
 * Skipped on kernels without the patch.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>

#include <net/quic_netdev.h>

static netdev_tx_t quic_kunit_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops quic_kunit_netdev_ops = {
	.ndo_start_xmit = quic_kunit_xmit,
};

static void quic_kunit_feature_fixup(struct kunit *test)
{
	struct net_device *dev;

	if (!QUIC_HAVE_NETIF_F_HW_QUIC)
		kunit_skip(test, "kernel without NETIF_F_HW_QUIC");

	dev = alloc_netdev(0, "quickunit%d", NET_NAME_ENUM, ether_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->netdev_ops = &quic_kunit_netdev_ops;
	eth_hw_addr_random(dev);
	dev->hw_features = NETIF_F_HW_CSUM | NETIF_F_HW_QUIC;
	dev->features = dev->hw_features;
	if (register_netdev(dev)) {
		free_netdev(dev);
		KUNIT_FAIL(test, "register_netdev failed");
		return;
	}
	KUNIT_EXPECT_TRUE(test, quic_netdev_offload_enabled(dev, false));

	rtnl_lock();
	dev->wanted_features &= ~NETIF_F_HW_CSUM;
	netdev_update_features(dev);
	rtnl_unlock();
	KUNIT_EXPECT_FALSE(test, dev->features & NETIF_F_HW_CSUM);
	KUNIT_EXPECT_FALSE(test, quic_netdev_offload_enabled(dev, true));

	/* Checksum offload back on: the feature may be turned on again. */
	rtnl_lock();
	dev->wanted_features |= NETIF_F_HW_CSUM | NETIF_F_HW_QUIC;
	netdev_update_features(dev);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, quic_netdev_offload_enabled(dev, false));

	unregister_netdev(dev);
	free_netdev(dev);
}

static void quic_kunit_feature_fixed(struct kunit *test)
{
	struct net_device *dev;

	if (!QUIC_HAVE_NETIF_F_HW_QUIC)
		kunit_skip(test, "kernel without NETIF_F_HW_QUIC");

	/* Not offered by the device: off, and ethtool shows it [fixed]. */
	dev = alloc_netdev(0, "quickunit%d", NET_NAME_ENUM, ether_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_EXPECT_FALSE(test, dev->hw_features & NETIF_F_HW_QUIC);
	KUNIT_EXPECT_FALSE(test, quic_netdev_offload_enabled(dev, true));
	free_netdev(dev);
}

static struct kunit_case quic_netdev_kunit_cases[] = {
	KUNIT_CASE(quic_kunit_feature_fixup),
	KUNIT_CASE(quic_kunit_feature_fixed),
	{}
};

static struct kunit_suite quic_netdev_kunit_suite = {
	.name = "quic_netdev",
	.test_cases = quic_netdev_kunit_cases,
};

kunit_test_suite(quic_netdev_kunit_suite);
