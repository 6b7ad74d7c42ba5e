// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC crypto offload, the stack's side: the devices that offer it, handing
 * a connection's 1-RTT keys to one, and the software fallback. The device
 * interface and its packet rules are in include/net/quic_offload.h.
 *
 * As kTLS device offload does, a connection is offloaded when it is set
 * up (here: once established) if its route leaves by a device with the
 * offload on, and from then on output.c builds its lone 1-RTT datagrams in
 * plaintext and marks them skb->decrypted. Every skb of the socket passes
 * its sk_validate_xmit_skb hook just before a device gets it: plaintext
 * bound for the device that holds the keys goes as it is; plaintext bound
 * anywhere else (a route change, a tunnel, the user turned the offload off
 * while it was queued) is protected here first, from a copy of the send
 * keys of the socket's own (the fallback runs outside the socket lock).
 * So a plaintext datagram can never leave unprotected.
 *
 * Lifetime: the socket points at its state under RCU. Everything that
 * drops a device's hold (connection end, device unregister or netns move,
 * driver unregister) first clears @live and waits for the transmit paths
 * that may have seen it, so a device never gets plaintext of a context
 * it has let go. The state itself is freed from a work item after a
 * grace period, in process context (it holds crypto transforms).
 */
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/udp.h>

#include "conn.h"
#include "crypto.h"
#include "offload.h"
#include "pnum.h"
#include "proc.h"

#define QUIC_OFFLOAD_POSSIBLE	(IS_ENABLED(CONFIG_SKB_DECRYPTED) && \
				 IS_ENABLED(CONFIG_SOCK_VALIDATE_XMIT))

/**
 * struct quic_offload_dev - a device that registered offload ops
 * @list: on quic_offload_devs
 * @dev: the device
 * @ops: its ops
 * @conns: the connections it serves (struct quic_offload)
 */
struct quic_offload_dev {
	struct list_head list;
	struct net_device *dev;
	const struct quic_offload_ops *ops;
	struct list_head conns;
};

/**
 * struct quic_offload - a connection's offload state
 * @ctx: what the device sees
 * @od: the device serving the connection; NULL once it let go
 * @ops: @od's ops, kept for readers that saw @live
 * @dev_node: on @od->conns
 * @tracker: of the reference held on @ctx.netdev while @od is set
 * @ifindex: the device's, to recognise the packets it opened
 * @live: the device takes this connection's plaintext
 * @misrouted: the fallback protected a packet bound for another device:
 *	the stack stops sending plaintext (the route changed)
 * @fallback: send keys for the fallback, replaced under @fallback_lock
 * @fallback_lock: serialises the fallback, which runs on any CPU
 * @free_work: frees this after a grace period
 *
 * @od and @dev_node are under quic_offload_lock.
 */
struct quic_offload {
	struct quic_offload_ctx ctx;
	struct quic_offload_dev *od;
	const struct quic_offload_ops *ops;
	struct list_head dev_node;
	netdevice_tracker tracker;
	int ifindex;
	bool live;
	bool misrouted;
	struct quic_crypto *fallback;
	spinlock_t fallback_lock;	/* see @fallback */
	struct rcu_work free_work;
};

static DEFINE_MUTEX(quic_offload_lock);
static LIST_HEAD(quic_offload_devs);
static atomic_t quic_offload_ndevs = ATOMIC_INIT(0);
static struct workqueue_struct *quic_offload_wq;

static struct quic_offload_dev *quic_offload_dev_find(struct net_device *dev)
{
	struct quic_offload_dev *od;

	list_for_each_entry(od, &quic_offload_devs, list)
		if (od->dev == dev)
			return od;
	return NULL;
}

/* The device lets go of @o; @o->live is already clear and seen so. */
static void quic_offload_release_dev(struct quic_offload *o)
{
	struct quic_offload_dev *od = o->od;

	lockdep_assert_held(&quic_offload_lock);
	if (!od)
		return;
	od->ops->quic_dev_del(od->dev, &o->ctx);
	list_del(&o->dev_node);
	netdev_put(o->ctx.netdev, &o->tracker);
	o->od = NULL;
}

/* Take @o off its device; the connection continues in software. */
static void quic_offload_detach(struct quic_offload *o)
{
	lockdep_assert_held(&quic_offload_lock);
	if (!o->od)
		return;
	WRITE_ONCE(o->live, false);
	/* Transmit paths that saw @live run under RCU (BH off). */
	synchronize_net();
	quic_offload_release_dev(o);
}

/* Every connection off @od, with one grace period for all. */
static void quic_offload_detach_all(struct quic_offload_dev *od)
{
	struct quic_offload *o, *next;

	lockdep_assert_held(&quic_offload_lock);
	if (list_empty(&od->conns))
		return;
	list_for_each_entry(o, &od->conns, dev_node)
		WRITE_ONCE(o->live, false);
	synchronize_net();
	list_for_each_entry_safe(o, next, &od->conns, dev_node)
		quic_offload_release_dev(o);
}

/**
 * quic_offload_register() - offer QUIC crypto offload on a device
 * @dev: the device, registered
 * @ops: its ops, all four set; must stay valid until
 *	quic_offload_unregister()
 *
 * Context: process context.
 * Return: 0; -EINVAL for incomplete ops; -EEXIST if @dev is registered
 * already; -ENOMEM; -EOPNOTSUPP on a kernel without skb->decrypted or
 * sk_validate_xmit_skb.
 */
int quic_offload_register(struct net_device *dev,
			  const struct quic_offload_ops *ops)
{
	struct quic_offload_dev *od;
	int err = 0;

	if (!QUIC_OFFLOAD_POSSIBLE)
		return -EOPNOTSUPP;
	if (!ops->quic_dev_add || !ops->quic_dev_del ||
	    !ops->quic_dev_set_keys || !ops->quic_dev_enabled)
		return -EINVAL;
	od = kzalloc(sizeof(*od), GFP_KERNEL);
	if (!od)
		return -ENOMEM;
	od->dev = dev;
	od->ops = ops;
	INIT_LIST_HEAD(&od->conns);
	mutex_lock(&quic_offload_lock);
	if (quic_offload_dev_find(dev)) {
		err = -EEXIST;
	} else {
		list_add(&od->list, &quic_offload_devs);
		atomic_inc(&quic_offload_ndevs);
	}
	mutex_unlock(&quic_offload_lock);
	if (err)
		kfree(od);
	return err;
}
EXPORT_SYMBOL_GPL(quic_offload_register);

/* Under quic_offload_lock */
static void quic_offload_dev_remove(struct quic_offload_dev *od)
{
	quic_offload_detach_all(od);
	list_del(&od->list);
	atomic_dec(&quic_offload_ndevs);
	kfree(od);
}

/**
 * quic_offload_unregister() - withdraw the offer; the device's
 *	connections go on in software
 * @dev: the device
 *
 * Context: process context, before the device is unregistered.
 */
void quic_offload_unregister(struct net_device *dev)
{
	struct quic_offload_dev *od;

	mutex_lock(&quic_offload_lock);
	od = quic_offload_dev_find(dev);
	if (od)
		quic_offload_dev_remove(od);
	mutex_unlock(&quic_offload_lock);
}
EXPORT_SYMBOL_GPL(quic_offload_unregister);

/*
 * A device leaving its namespace or going away: its connections cannot
 * follow (their route is gone), so it lets go of them. A device that
 * only moves stays registered; one that goes drops its registration if
 * its driver did not.
 */
static int quic_offload_netdev_event(struct notifier_block *nb,
				     unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct quic_offload_dev *od;

	if (event != NETDEV_UNREGISTER || !atomic_read(&quic_offload_ndevs))
		return NOTIFY_DONE;
	mutex_lock(&quic_offload_lock);
	od = quic_offload_dev_find(dev);
	if (od && dev->reg_state == NETREG_REGISTERED)
		quic_offload_detach_all(od);
	else if (od)
		quic_offload_dev_remove(od);
	mutex_unlock(&quic_offload_lock);
	return NOTIFY_DONE;
}

static struct notifier_block quic_offload_notifier = {
	.notifier_call = quic_offload_netdev_event,
};

static void quic_offload_fallback_free(struct quic_crypto *c)
{
	if (!c)
		return;
	quic_crypto_free(c);
	kfree_sensitive(c);
}

static struct quic_crypto *
quic_offload_fallback_new(const struct quic_crypto *c)
{
	struct quic_crypto *fb;

	fb = kzalloc(sizeof(*fb), GFP_KERNEL);
	if (!fb)
		return NULL;
	if (quic_crypto_copy_tx(fb, c)) {
		kfree(fb);
		return NULL;
	}
	return fb;
}

/* Hand the device the keys of the @phases (bit per phase) of @c. */
static int quic_offload_push_keys(struct quic_offload *o,
				  const struct quic_crypto *c, u8 phases)
{
	static const enum quic_offload_dir dirs[] = {
		QUIC_OFFLOAD_TX, QUIC_OFFLOAD_RX,
	};
	struct quic_offload_keys k;
	int err = 0;
	u32 d, p;

	lockdep_assert_held(&quic_offload_lock);
	for (d = 0; !err && d < ARRAY_SIZE(dirs); d++) {
		bool send = dirs[d] == QUIC_OFFLOAD_TX;

		for (p = 0; !err && p < 2; p++) {
			if (!(phases & BIT(p)))
				continue;
			err = quic_crypto_get_keys(c, send, p, &k);
			if (err == -ENOKEY) {
				err = 0;	/* an empty slot */
				continue;
			}
			if (!err)
				err = o->ops->quic_dev_set_keys(o->ctx.netdev,
								&o->ctx,
								dirs[d], p, &k);
		}
	}
	memzero_explicit(&k, sizeof(k));
	return err;
}

/* What the device needs to know of the connection to parse its packets. */
static void quic_offload_ctx_fill(struct sock *sk, struct quic_offload *o,
				  struct net_device *dev)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *app = qs->space[QUIC_SPACE_APP];
	struct quic_cid_entry *scid;

	o->ctx.netdev = dev;
	o->ifindex = dev->ifindex;
	o->ctx.family = qs->local.sa.sa_family;
	if (o->ctx.family == AF_INET6)
		o->ctx.local.v6 = qs->local.v6;
	else
		o->ctx.local.v4 = qs->local.v4;
	o->ctx.dcid_len = qs->dcid.cid.len;
	scid = list_first_entry_or_null(&qs->scids, struct quic_cid_entry,
					list);
	if (scid) {
		o->ctx.scid_len = scid->cid.len;
		memcpy(o->ctx.scid, scid->cid.data, scid->cid.len);
	}
	o->ctx.tx_largest_acked = app->sent.largest_acked;
	o->ctx.rx_largest = app->recv.has_largest ? app->recv.largest :
						    U64_MAX;
}

#if QUIC_OFFLOAD_POSSIBLE

static void quic_offload_udp_csum(struct sk_buff *skb)
{
	u32 off = skb_transport_offset(skb), len = skb->len - off;
	struct udphdr *uh = udp_hdr(skb);
	__wsum csum;

	if (!uh->check)
		return;	/* IPv4 without checksum */
	uh->check = 0;
	csum = skb_checksum(skb, off, len, 0);
	if (ip_hdr(skb)->version == 6)
		uh->check = csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
					    &ipv6_hdr(skb)->daddr, len,
					    IPPROTO_UDP, csum);
	else
		uh->check = csum_tcpudp_magic(ip_hdr(skb)->saddr,
					      ip_hdr(skb)->daddr, len,
					      IPPROTO_UDP, csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/* Protect one plaintext short header packet of @len bytes in place. */
static int quic_offload_seal(struct quic_offload *o, struct quic_crypto *fb,
			     u8 *pkt, u32 len)
{
	u32 pn_offset = 1 + o->ctx.dcid_len, pn_len, hdr_len;
	u64 pn;

	if (len <= pn_offset || (pkt[0] & QUIC_HP_LONG_HEADER))
		return -EINVAL;
	pn_len = (pkt[0] & QUIC_HP_PN_LEN_MASK) + 1;
	hdr_len = pn_offset + pn_len;
	if (len < hdr_len + QUIC_TAG_LEN)
		return -EINVAL;
	if (!quic_offload_pn_decode(quic_offload_tx_pn_ref(&o->ctx),
				    quic_hp_pn_get(pkt + pn_offset, pn_len),
				    pn_len, &pn))
		return -EINVAL;
	return quic_crypto_encrypt(fb, pkt, hdr_len, pn_offset, pn_len,
				   len - hdr_len - QUIC_TAG_LEN, pn);
}

/*
 * The software fallback: protect every datagram of @skb (each gso_size
 * segment of a GSO skb) as the device would have. The skb is made
 * linear and private first: a clone (a tap, netem's duplicate) shares
 * the bytes we are about to change.
 */
static struct sk_buff *quic_offload_fallback(struct sock *sk,
					     struct quic_offload *o,
					     struct sk_buff *skb)
{
	u32 off, seg, len, n = 0;
	int err = -EINVAL;

	if (skb_linearize_cow(skb))
		goto drop;
	off = skb_transport_offset(skb) + sizeof(struct udphdr);
	seg = skb_is_gso(skb) ? skb_shinfo(skb)->gso_size : skb->len - off;
	spin_lock_bh(&o->fallback_lock);
	for (; off < skb->len; off += len, n++) {
		len = min(seg, skb->len - off);
		err = o->fallback ?
		      quic_offload_seal(o, o->fallback, skb->data + off, len) :
		      -ENOKEY;
		if (err)
			break;
	}
	spin_unlock_bh(&o->fallback_lock);
	if (err || !n)
		goto drop;
	skb->decrypted = 0;
	if (!skb_is_gso(skb) && skb->ip_summed != CHECKSUM_PARTIAL)
		quic_offload_udp_csum(skb);
	while (n--)
		quic_mib_inc(sock_net(sk), QUIC_MIB_OFFLOAD_FALLBACK);
	return skb;
drop:
	quic_mib_inc(sock_net(sk), QUIC_MIB_OFFLOAD_DROPS);
	kfree_skb(skb);
	return NULL;
}

/* sk_validate_xmit_skb: see the file comment. */
static struct sk_buff *quic_offload_validate_xmit(struct sock *sk,
						  struct net_device *dev,
						  struct sk_buff *skb)
{
	struct quic_offload *o;

	if (!skb_is_decrypted(skb))
		return skb;
	o = rcu_dereference_bh(quic_sk(sk)->offload);
	if (unlikely(!o)) {
		/* The connection ended: no key is left to protect it. */
		quic_mib_inc(sock_net(sk), QUIC_MIB_OFFLOAD_DROPS);
		kfree_skb(skb);
		return NULL;
	}
	if (READ_ONCE(o->live)) {
		if (dev == o->ctx.netdev && o->ops->quic_dev_enabled(dev))
			return skb;
		if (dev != o->ctx.netdev)
			WRITE_ONCE(o->misrouted, true);
	}
	return quic_offload_fallback(sk, o, skb);
}

/**
 * quic_offload_tx_ctx() - the context of a plaintext skb, for its device
 * @skb: an skb marked decrypted, in ndo_start_xmit
 *
 * Context: RCU-BH read side (the transmit path).
 * Return: the context; NULL if the skb is not a QUIC socket's or its
 * connection is no longer offloaded (the driver then drops it).
 */
struct quic_offload_ctx *quic_offload_tx_ctx(const struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	struct quic_offload *o;

	if (!sk || !sk_fullsock(sk) ||
	    READ_ONCE(sk->sk_validate_xmit_skb) != quic_offload_validate_xmit)
		return NULL;
	o = rcu_dereference_bh(quic_sk(sk)->offload);
	return o && READ_ONCE(o->live) ? &o->ctx : NULL;
}

static void quic_offload_set_hook(struct sock *sk)
{
	/* Pairs with the READ_ONCE() in quic_offload_tx_ctx(); the
	 * socket's offload state was published before.
	 */
	smp_store_release(&sk->sk_validate_xmit_skb,
			  quic_offload_validate_xmit);
}

static bool quic_offload_skb_opened(const struct sk_buff *skb)
{
	return skb_is_decrypted(skb);
}

#else /* !QUIC_OFFLOAD_POSSIBLE */

struct quic_offload_ctx *quic_offload_tx_ctx(const struct sk_buff *skb)
{
	return NULL;
}

static void quic_offload_set_hook(struct sock *sk)
{
}

static bool quic_offload_skb_opened(const struct sk_buff *skb)
{
	return false;
}

#endif /* QUIC_OFFLOAD_POSSIBLE */
EXPORT_SYMBOL_GPL(quic_offload_tx_ctx);

/**
 * quic_offload_pn_decode() - full packet number (RFC 9000 A.3), for drivers
 * @largest: reference: quic_offload_tx_pn_ref(), or the larger of the
 *	device's own largest opened and quic_offload_rx_pn_ref(); U64_MAX
 *	for none
 * @truncated: the packet number field's value
 * @pn_len: its length, 1 to 4
 * @pn: the packet number closest to @largest + 1 whose low @pn_len bytes
 *	are @truncated
 *
 * The stack's own decoder (pnum.c), so that a device and the stack can
 * never disagree on a packet's number.
 *
 * Return: false for a length outside 1 to 4, a field wider than it, or a
 * number beyond 2^62 - 1: no valid packet has it.
 */
bool quic_offload_pn_decode(u64 largest, u32 truncated, u32 pn_len, u64 *pn)
{
	return pn_len <= QUIC_PN_LEN_MAX &&
	       quic_pnum_decode(largest, truncated, pn_len, pn);
}
EXPORT_SYMBOL_GPL(quic_offload_pn_decode);

static struct quic_offload *quic_offload_get(struct sock *sk)
{
	return rcu_dereference_protected(quic_sk(sk)->offload,
					 lockdep_sock_is_held(sk));
}

/*
 * Offer @o to the device @od, which holds a reference on; on success it
 * is live and the socket points to it.
 */
static int quic_offload_attach(struct sock *sk, struct quic_offload *o,
			       struct quic_offload_dev *od)
{
	const struct quic_crypto *c = &quic_sk(sk)->app_crypto;
	int err;

	lockdep_assert_held(&quic_offload_lock);
	o->fallback = quic_offload_fallback_new(c);
	if (!o->fallback)
		return -ENOMEM;
	o->ops = od->ops;
	err = od->ops->quic_dev_add(od->dev, &o->ctx);
	if (err)
		return err;
	o->od = od;
	list_add(&o->dev_node, &od->conns);
	/* Before the keys: the device may open packets as soon as it has
	 * them, and the socket must then know them for its own.
	 */
	rcu_assign_pointer(quic_sk(sk)->offload, o);
	quic_offload_set_hook(sk);
	err = quic_offload_push_keys(o, c, BIT(0) | BIT(1));
	if (err) {
		quic_offload_release_dev(o);
		return 0;	/* published: freed with the connection */
	}
	WRITE_ONCE(o->live, true);
	quic_mib_inc(sock_net(sk), QUIC_MIB_OFFLOAD_CONNS);
	return 0;
}

/**
 * quic_offload_conn_start() - offload the connection if its device can
 * @sk: socket, locked, just established (1-RTT keys both ways)
 *
 * A connection that is not offloaded (no capable device on its route,
 * the offload off, disable_1rtt_encryption, AES-CCM, no memory, the
 * device refusing) simply stays in software.
 *
 * Context: process context.
 */
void quic_offload_conn_start(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	const struct quic_crypto *c = &qs->app_crypto;
	struct quic_offload_dev *od;
	struct net_device *dev;
	struct quic_offload *o;

	if (!QUIC_OFFLOAD_POSSIBLE || !atomic_read(&quic_offload_ndevs) ||
	    quic_offload_get(sk) || c->plaintext || !c->tx.ready ||
	    !c->rx.ready || c->tx.cipher == QUIC_CIPHER_AES_128_CCM)
		return;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return;
	spin_lock_init(&o->fallback_lock);
	dev = quic_output_route_dev(sk, &o->tracker);
	if (!dev)
		goto free;
	mutex_lock(&quic_offload_lock);
	od = quic_offload_dev_find(dev);
	if (od && od->ops->quic_dev_enabled(dev)) {
		quic_offload_ctx_fill(sk, o, dev);
		if (!quic_offload_attach(sk, o, od)) {
			mutex_unlock(&quic_offload_lock);
			return;
		}
	}
	mutex_unlock(&quic_offload_lock);
	netdev_put(dev, &o->tracker);
free:
	quic_offload_fallback_free(o->fallback);
	kfree(o);
}

/**
 * quic_offload_keys_changed() - a key update prepared the next phase
 * @sk: socket, locked
 *
 * quic_crypto_key_update() refilled the slot of the phase not in use:
 * the fallback and the device get it before any packet of that phase.
 * Where either fails, the connection leaves the device.
 *
 * Context: process context.
 */
void quic_offload_keys_changed(struct sock *sk)
{
	const struct quic_crypto *c = &quic_sk(sk)->app_crypto;
	struct quic_offload *o = quic_offload_get(sk);
	struct quic_crypto *fb, *old;
	int err = -ENOMEM;

	if (!o)
		return;
	fb = quic_offload_fallback_new(c);
	if (fb) {
		spin_lock_bh(&o->fallback_lock);
		old = o->fallback;
		o->fallback = fb;
		spin_unlock_bh(&o->fallback_lock);
		quic_offload_fallback_free(old);
	}
	mutex_lock(&quic_offload_lock);
	if (fb && o->od)
		err = quic_offload_push_keys(o, c, BIT(!c->key_phase));
	if (err)
		quic_offload_detach(o);
	mutex_unlock(&quic_offload_lock);
}

/**
 * quic_offload_tx_ready() - may this flush leave 1-RTT packets plaintext
 * @sk: socket, locked
 *
 * Also hands the device the packet number reference for what follows.
 *
 * Return: true while the device serves the connection, the user keeps
 * the offload on, the route has not moved to another device and the
 * peer's connection ID in use has the length the device was told (a
 * switch to one of another length, connid.c, leaves the sealing to
 * software: the device finds the packet number by that length).
 */
bool quic_offload_tx_ready(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_offload *o = quic_offload_get(sk);
	bool ready;

	if (likely(!o) || qs->dcid.cid.len != o->ctx.dcid_len)
		return false;
	rcu_read_lock();	/* keeps the device while @live holds */
	ready = READ_ONCE(o->live) && !READ_ONCE(o->misrouted) &&
		o->ops->quic_dev_enabled(o->ctx.netdev);
	rcu_read_unlock();
	if (ready)
		WRITE_ONCE(o->ctx.tx_largest_acked,
			   qs->space[QUIC_SPACE_APP]->sent.largest_acked);
	return ready;
}

/**
 * quic_offload_rx_seen() - the largest 1-RTT packet number processed grew
 * @qs: socket, locked
 * @largest: the new largest
 */
void quic_offload_rx_seen(struct quic_sock *qs, u64 largest)
{
	struct quic_offload *o = quic_offload_get(&qs->inet.sk);

	if (o)
		WRITE_ONCE(o->ctx.rx_largest, largest);
}

/**
 * quic_offload_rx_opened() - did a device open this datagram for us
 * @sk: socket, locked
 * @skb: a datagram for it
 *
 * Only the device that holds the connection's keys opens its packets: a
 * datagram marked opened that came in by another one is dropped.
 *
 * Return: 0 (open it in software), 1 (opened by our device) or -EPERM.
 */
int quic_offload_rx_opened(struct sock *sk, const struct sk_buff *skb)
{
	struct quic_offload *o;

	if (!quic_offload_skb_opened(skb))
		return 0;
	o = quic_offload_get(sk);
	if (o && skb->skb_iif == o->ifindex) {
		quic_mib_inc(sock_net(sk), QUIC_MIB_OFFLOAD_RX);
		return 1;
	}
	quic_mib_inc(sock_net(sk), QUIC_MIB_OFFLOAD_DROPS);
	return -EPERM;
}

static void quic_offload_free_work(struct work_struct *work)
{
	struct quic_offload *o = container_of(to_rcu_work(work),
					      struct quic_offload, free_work);

	/* A grace period after @live was cleared and the socket let go. */
	mutex_lock(&quic_offload_lock);
	quic_offload_release_dev(o);
	mutex_unlock(&quic_offload_lock);
	quic_offload_fallback_free(o->fallback);
	kfree(o);
}

/**
 * quic_offload_conn_stop() - the connection ends: its device lets go
 * @sk: socket being destroyed
 *
 * Plaintext still queued for a device is dropped from now on (its
 * connection is gone); the device is told and the state freed after a
 * grace period, from a work item.
 */
void quic_offload_conn_stop(struct sock *sk)
{
	struct quic_offload *o;

	o = rcu_dereference_protected(quic_sk(sk)->offload, 1);
	if (!o)
		return;
	WRITE_ONCE(o->live, false);
	RCU_INIT_POINTER(quic_sk(sk)->offload, NULL);
	INIT_RCU_WORK(&o->free_work, quic_offload_free_work);
	queue_rcu_work(quic_offload_wq, &o->free_work);
}

int quic_offload_init(void)
{
	int err;

	quic_offload_wq = alloc_workqueue("quic_offload", 0, 0);
	if (!quic_offload_wq)
		return -ENOMEM;
	err = register_netdevice_notifier(&quic_offload_notifier);
	if (err)
		destroy_workqueue(quic_offload_wq);
	return err;
}

void quic_offload_exit(void)
{
	unregister_netdevice_notifier(&quic_offload_notifier);
	rcu_barrier();		/* queue_rcu_work() callbacks */
	destroy_workqueue(quic_offload_wq);
}
