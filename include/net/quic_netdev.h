/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The quic-offload netdev feature, detected at build time.
 *
 * A kernel with the patch series of scripts/kernel-patches/ has the feature
 * bit NETIF_F_HW_QUIC ("quic-offload" in ethtool -k/-K). Drivers and the
 * stack built against such a kernel test the bit; built against a stock
 * kernel they fall back to a driver private flag (ethtool --set-priv-flags),
 * whose state the caller passes in. NETIF_F_HW_QUIC is then defined as 0,
 * so code that masks features with it compiles and sees the feature off.
 */
#ifndef _NET_QUIC_NETDEV_H
#define _NET_QUIC_NETDEV_H

#include <linux/netdevice.h>

#ifdef NETIF_F_HW_QUIC
#define QUIC_HAVE_NETIF_F_HW_QUIC	1
#else
#define QUIC_HAVE_NETIF_F_HW_QUIC	0
#define NETIF_F_HW_QUIC			((netdev_features_t)0)
#endif

/**
 * quic_netdev_offload_enabled() - may QUIC packets on @dev be protected by it
 * @dev: the device
 * @priv_flag: the driver's private "quic-offload" flag, used only when the
 *	kernel lacks NETIF_F_HW_QUIC
 *
 * The private flag counts only with checksum offload on, as the feature
 * bit does: netdev_fix_features() drops NETIF_F_HW_QUIC without it.
 *
 * Return: true if the user left (or turned) QUIC crypto offload on.
 */
static inline bool quic_netdev_offload_enabled(const struct net_device *dev,
					       bool priv_flag)
{
	if (QUIC_HAVE_NETIF_F_HW_QUIC)
		return !!(dev->features & NETIF_F_HW_QUIC);
	return priv_flag && (dev->features & NETIF_F_CSUM_MASK);
}

#endif /* _NET_QUIC_NETDEV_H */
