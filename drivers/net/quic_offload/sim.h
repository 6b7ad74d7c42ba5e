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

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <net/quic_offload.h>

#define QUICSIM_DRV_NAME	"quicsim"
#define QUICSIM_MAX_PORTS	16
/* Frames a port's receive queue holds, as netdev_max_backlog's default */
#define QUICSIM_RXQ_LEN		1000

/* Bits of the ethtool private flags, in quicsim_priv_flag_names order. */
#define QUICSIM_PRIV_QUIC_OFFLOAD	BIT(0)

/**
 * struct quicsim_stats - what a port's crypto engine did, for debugfs
 * @tx_encrypted: datagrams sealed on transmit
 * @tx_encrypted_bytes: their UDP payload bytes
 * @tx_no_ctx: plaintext datagrams dropped: no context of this port (or the
 *	offload is off)
 * @tx_errors: plaintext datagrams dropped: malformed, no key, crypto error
 * @rx_decrypted: short header packets opened on receive
 * @rx_decrypted_bytes: their UDP payload bytes
 * @rx_auth_fail: packets of one of our contexts that did not open (or were
 *	too short), passed on untouched
 * @rx_no_key: packets of one of our contexts whose key phase has no key,
 *	passed on untouched
 * @rx_errors: packets that opened but could not be written back (memory),
 *	passed on untouched
 * @keys_installed: successful quic_dev_set_keys() calls
 */
struct quicsim_stats {
	atomic64_t tx_encrypted;
	atomic64_t tx_encrypted_bytes;
	atomic64_t tx_no_ctx;
	atomic64_t tx_errors;
	atomic64_t rx_decrypted;
	atomic64_t rx_decrypted_bytes;
	atomic64_t rx_auth_fail;
	atomic64_t rx_no_key;
	atomic64_t rx_errors;
	atomic64_t keys_installed;
};

/**
 * struct quicsim_port - one simulated port (the net_device's private area)
 * @netdev: its net_device
 * @peer: the port at the other end of its cable (ports 2k and 2k + 1), or
 *	NULL; set while both are registered, cleared before either goes
 * @index: its number, from 0, within the module
 * @priv_flags: ethtool private flags (QUICSIM_PRIV_*); written under RTNL,
 *	read locklessly by debugfs
 * @ddir: its debugfs directory, quicsim/port<index>/
 * @conns: its offloaded connections (struct quicsim_conn), RCU; the
 *	receive path looks packets up here
 * @conns_lock: serialises writers of @conns (process context only)
 * @contexts: number of entries on @conns
 * @stats: crypto engine counters
 * @fail_add: failure injection: this many next quic_dev_add() calls fail
 * @fail_set_keys: the same for quic_dev_set_keys()
 * @rx_offload: the receive engine opens packets (debugfs, default on)
 * @rxq: frames the cable brought, waiting for @napi; at most
 *	QUICSIM_RXQ_LEN
 * @rx_up: the port is open: frames may join @rxq; under @rxq's lock
 * @napi: the receive side: opens what is ours and hands every frame to
 *	the stack
 */
struct quicsim_port {
	struct net_device *netdev;
	struct quicsim_port __rcu *peer;
	unsigned int index;
	u32 priv_flags;
	struct dentry *ddir;
	struct list_head conns;
	spinlock_t conns_lock;	/* writers of @conns */
	atomic_t contexts;
	struct quicsim_stats stats;
	u32 fail_add;
	u32 fail_set_keys;
	bool rx_offload;
	struct sk_buff_head rxq;
	bool rx_up;
	struct napi_struct napi;
};

/* sim_ethtool.c */
extern const struct ethtool_ops quicsim_ethtool_ops;
bool quicsim_offload_enabled(const struct quicsim_port *port);
const char *quicsim_offload_mechanism(void);

/* sim_crypto.c */
extern const struct quic_offload_ops quicsim_quic_ops;
void quicsim_crypto_port_init(struct quicsim_port *port);
void quicsim_crypto_port_exit(struct quicsim_port *port);
void quicsim_crypto_drain(void);
int quicsim_crypto_tx(struct quicsim_port *port, struct sk_buff *skb);
void quicsim_crypto_rx(struct quicsim_port *port, struct sk_buff *skb);

/* sim_debugfs.c */
void quicsim_debugfs_init(void);
void quicsim_debugfs_exit(void);
void quicsim_debugfs_port_add(struct quicsim_port *port);
void quicsim_debugfs_port_del(struct quicsim_port *port);

#endif /* _QUICSIM_H */
