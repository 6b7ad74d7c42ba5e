/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The QUIC socket: one QUIC connection (or a listener) per socket, for
 * AF_INET and AF_INET6 alike.
 *
 * Locking: everything here is protected by the socket lock. Softirq
 * receive and timers take bh_lock_sock() and defer to the backlog or to
 * release_cb when a process owns the socket, as TCP does.
 */
#ifndef _NET_QUIC_SOCKET_H
#define _NET_QUIC_SOCKET_H

#include <linux/quic.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "ackrange.h"
#include "cid.h"
#include "cong.h"
#include "crypto.h"
#include "ecn.h"
#include "pmtu.h"
#include "recovery.h"
#include "stream.h"
#include "streambuf.h"
#include "tparam.h"

struct quic_udp_sock;
struct quic_offload;
struct quic_path;
struct quic_peer_cid;
struct quic_early;

/* Local or remote address of a QUIC socket; the family says which arm. */
union quic_addr {
	struct sockaddr		sa;
	struct sockaddr_in	v4;
	struct sockaddr_in6	v6;
};

/* @a becomes IPv4 address @v4, port @port (both network order). */
static inline void quic_addr_set_v4(union quic_addr *a, __be32 v4,
				    __be16 port)
{
	memset(a, 0, sizeof(*a));
	a->v4.sin_family = AF_INET;
	a->v4.sin_port = port;
	a->v4.sin_addr.s_addr = v4;
}

/* Packet number spaces (RFC 9000 12.3). */
enum quic_space_id {
	QUIC_SPACE_INITIAL,
	QUIC_SPACE_HANDSHAKE,
	QUIC_SPACE_APP,
	QUIC_SPACE_MAX
};

/* Connection states kept in sk->sk_state (TCP values, for inet helpers). */
enum {
	QUIC_SS_CLOSED		= TCP_CLOSE,
	QUIC_SS_LISTENING	= TCP_LISTEN,
	QUIC_SS_ESTABLISHING	= TCP_SYN_SENT,
	QUIC_SS_ESTABLISHED	= TCP_ESTABLISHED,
};

/* Limits of the option arguments (see the socket API contract). */
#define QUIC_ALPN_MAX_LEN	128
#define QUIC_TP_EXT_MAX_LEN	512
#define QUIC_TOKEN_MAX_LEN	120
#define QUIC_TICKET_MIN_LEN	64
#define QUIC_TICKET_MAX_LEN	4096
/* struct quic_sock.ticket_len's width: QUIC_TICKET_MAX_LEN fits */
#define QUIC_TICKET_LEN_BITS	13

/* Largest datagram we build until path MTU discovery exists. */
#define QUIC_MIN_UDP_PAYLOAD	1200
/* Jumbo-frame datagrams at most: larger would need high-order skbs. */
#define QUIC_MAX_DGRAM_SIZE	8972
/* Packets whose keys have not arrived yet, kept for a retry: a client's
 * first flight, which RFC 9002 7.2's initial window (14,720 bytes) caps
 * at 12 datagrams of 1200 bytes, all of them 0-RTT but its Initial.
 */
#define QUIC_MAX_UNDECRYPTABLE	12
/* 0-RTT datagrams a listener holds for connections accept() has yet to
 * make (about five clients' first flights), whatever their size.
 */
#define QUIC_LISTENER_MAX_HELD	64
/* Bound on received TLS data buffered per level (CRYPTO_BUFFER_EXCEEDED). */
#define QUIC_CRYPTO_RX_LIMIT	(64 * 1024)

/* One packet number space: what we received and what we sent. */
struct quic_space {
	struct quic_ackrange_set	recv;
	struct quic_recovery_space	sent;
	struct quic_recvbuf		crypto_rx;
	struct quic_sendbuf		crypto_tx;
	struct quic_ecn_space		ecn;
	/* quic_conn_ack_seen(): the floor @recv rises to next at, jiffies */
	u64	floor_next;
	u32	floor_next_at;
	/* received since our last ACK; saturates, only 0, 1, 2+ matter */
	u8	ack_eliciting_unacked;
	bool	ack_now;		/* send an ACK with the next flush */
	u8	probe;			/* ack-eliciting packets to send now */
	bool	discarded;		/* keys dropped (RFC 9001 4.9) */
};

/* Why the connection ended, as sent or as received. */
struct quic_close_info {
	u64	errcode;
	u64	frame;
	u8	phrase[QUIC_CLOSE_PHRASE_BUFFER_SIZE];
	u8	phrase_len;
	bool	app;		/* application (0x1d) vs transport (0x1c) */
};

/* Control frames waiting to be sent (set again when their packet is lost). */
enum quic_ctrl_pending {
	QUIC_CTRL_HANDSHAKE_DONE	= BIT(0),
	QUIC_CTRL_MAX_DATA		= BIT(1),
	QUIC_CTRL_MAX_STREAMS_BIDI	= BIT(2),
	QUIC_CTRL_MAX_STREAMS_UNI	= BIT(3),
	QUIC_CTRL_DATA_BLOCKED		= BIT(4),
	QUIC_CTRL_PING			= BIT(5),
	QUIC_CTRL_STREAMS_BLOCKED_BIDI	= BIT(6),
	QUIC_CTRL_STREAMS_BLOCKED_UNI	= BIT(7),
	QUIC_CTRL_NEW_TOKEN		= BIT(8),	/* server */
	/* NEW_ or RETIRE_CONNECTION_ID frames to send (connid.c) */
	QUIC_CTRL_CONNID		= BIT(9),
};

/* Work a timer or softirq could not do while the user owned the socket. */
enum quic_deferred {
	QUIC_DEFER_LOSS_TIMER,
	QUIC_DEFER_ACK_TIMER,
	QUIC_DEFER_IDLE_TIMER,
	QUIC_DEFER_PACE_TIMER,
};

/*
 * Full pages of sent datagrams a socket keeps, to build in again once the
 * skbs using them are freed (see quic_tx_frag_reserve()): what a default
 * send buffer (208 KiB) has in flight is about seven 32 KiB pages.
 */
#define QUIC_TX_PAGE_STASH	7

/*
 * Size matters: on x86-64 struct quic6_sock (this and struct ipv6_pinfo)
 * is 4096 bytes, eight to a 32 KiB slab. A byte more makes it seven, 585
 * bytes more per idle IPv6 connection. Fill holes (pahole) first.
 */
struct quic_sock {
	/* Must be first: the inet layer casts struct sock to inet_sock. */
	struct inet_sock	inet;

	/* UDP tunnel socket packets leave and arrive on; NULL until bound. */
	struct quic_udp_sock	*udp;
	union quic_addr		local;	/* as bound, port filled in */
	u32			version;
	struct hlist_node	bind_node;	/* bind table, see bind.c */
	struct hlist_node	proc_node;	/* its netns' list (proc.c) */
	union quic_addr		peer;
	/* Path MTU (RFC 9000 14, see quic_conn_update_dgram_size()): that
	 * of the last route taken, and the largest datagram sent now.
	 */
	u16			route_mtu;
	u16			max_dgram;
	struct dst_cache	dst_cache;	/* route to peer (output.c) */
	/* Path validation and the peer's moves (path.c), once needed */
	struct quic_path	*path;

	struct list_head	scids;	/* quic_cid_entry, ours */
	/* The peer's other CIDs (connid.c), once it issues any */
	struct quic_peer_cid	*peer_cids;
	struct quic_dcid	dcid;	/* peer's CID we send to */
	struct quic_cid		odcid;	/* client's first DCID */
	struct quic_cid		initial_scid;	/* first SCID we used */
	bool			is_server;
	bool			handshake_confirmed;
	bool			closing;	/* CONNECTION_CLOSE seen */
	bool			addr_validated;	/* see amp_rx_bytes */
	/* Client: the server acknowledged a Handshake packet, so it has
	 * validated our address (RFC 9002 6.2.2.1 anti-deadlock PTO).
	 */
	bool			hs_acked;
	bool			peer_tp_set;
	/* Client: @peer_tp holds the limits the server gave on an earlier
	 * connection, for 0-RTT (early.c), until its own arrive.
	 */
	bool			early_tp;
	/* Address validation (retry.c): a Retry was sent (server) or taken
	 * (client) on the way to this connection, whose SCID was
	 * @retry_scid; the client's @token is the Retry's until its
	 * Initials end.
	 */
	bool			retried;
	bool			token_from_retry;
	struct quic_cid		retry_scid;
	/* The stateless_reset_token a server gave us (reset.c) */
	struct quic_reset_entry	*peer_reset;

	/*
	 * Packet number spaces, by QUIC_SPACE_*. The application space is
	 * @app_space. Initial and Handshake are separate allocations that
	 * live only through the handshake; once discarded (RFC 9001 4.9)
	 * they point to quic_space_discarded, shared and read-only, so that
	 * an established connection does not carry them and a stray write
	 * to one faults instead of going unnoticed.
	 */
	struct quic_space	*space[QUIC_SPACE_MAX];
	struct quic_space	app_space;
	struct quic_crypto	app_crypto;	/* 1-RTT */
	/*
	 * Initial and Handshake keys: allocated when first set, freed when
	 * their space is discarded, so an established connection does not
	 * carry them (see quic_level_crypto()).
	 */
	struct quic_crypto	*hs_crypto[QUIC_SPACE_APP];	/* by space */
	/* 0-RTT keys (early.c): a client's to send, a server's to open */
	struct quic_early	*early;
	struct quic_rtt		rtt;
	struct quic_cong	cong;
	struct quic_pacer	pacer;
	/* Full datagram pages kept for reuse (output.c), with a reference. */
	struct page		*tx_stash[QUIC_TX_PAGE_STASH];
	/* Records of acknowledged packets for the next ones to take
	 * (quic_tx_pkt_recycle()): a slab allocation and free per packet
	 * were a twentieth of a sender's time. Emptied with the pages.
	 */
	struct list_head	tx_pkt_spare;
	u8			tx_pkt_spare_n;
	bool			tx_ecn;		/* skb being built: ECT(0) */
	bool			gso_run;	/* a GSO run is being built */
	/* This flush builds 1-RTT packets in plaintext for the device to
	 * protect (offload.c); set per flush from quic_offload_tx_ready().
	 */
	bool			tx_plain;
	struct quic_ecn		ecn;		/* path validation */
	/* Crypto offload state while a device serves the connection */
	struct quic_offload __rcu *offload;
	/* Black-hole detection and the size search (pmtu.c) */
	struct quic_pmtu	pmtu;
	u64			bytes_in_flight;
	/* Arrival of the datagram or GSO run being processed. */
	u64			rx_now_ns;
	/* RFC 9000 8.1: until the client's address is validated, a server
	 * sends at most three times what it received from it.
	 */
	u64			amp_rx_bytes;
	u64			amp_tx_bytes;
	/* Any packet; the datagrams of a GSO run share the first's time. */
	u64			last_tx_us;

	/* What each side's transport parameters say; the rest of them is
	 * checked during the handshake and not kept (struct quic_tparams).
	 */
	struct quic_tparam_values local_tp;
	struct quic_tparam_values peer_tp;
	struct quic_config	config;
	u32			pto_count;	/* in the hole after config */

	struct quic_stream_table streams;
	struct quic_fc		rx_fc;		/* MAX_DATA we granted */
	u64			rx_window;	/* credit kept ahead of reads */
	u64			rx_update_us;	/* last MAX_DATA raise */
	u64			tx_max_data;	/* peer's MAX_DATA */
	u64			tx_data;	/* new stream bytes sent */
	u32			ctrl_pending;	/* enum quic_ctrl_pending */
	u32			events;		/* enabled QUIC_EVENT_* bits */

	/* How the connection closes: set by the user, then what we sent,
	 * or what the peer sent (once closing, it no longer changes).
	 */
	struct quic_close_info	close_info;
	/* Our CONNECTION_CLOSE went out: what answers the peer (closing.c) */
	struct quic_closing	*close_state;

	/* Connection: packets waiting for keys. Listener: 0-RTT datagrams
	 * waiting for accept() (quic_listener_hold_early()).
	 */
	struct sk_buff_head	undecryptable;
	struct sk_buff_head	event_queue;	/* see event.c */
	/* Listener: client Initials waiting for accept(). */
	struct sk_buff_head	accept_queue;

	/* Set by the user, if at all (sockopt.c): kmalloc'd on demand. */
	char			*alpn;		/* NUL-terminated list */
	u8			*token;
	u8			*ticket;	/* NEW_SESSION_TICKET data */
	u16			ticket_len:QUIC_TICKET_LEN_BITS;
	/* Client: @ticket holds a server's TLS message being put together
	 * (early.c), not a ticket to hand out.
	 */
	u16			ticket_partial:1;
	/* Client that sent 0-RTT: the server's answer (early.c) */
	u16			early_verdict:2;
	u8			token_len;
	/* local_tp is final: QUIC_SOCKOPT_TRANSPORT_PARAM_EXT encodes it. */
	bool			local_tp_final;
	bool			rx_ready;	/* quic_conn_update_rx_ready */
	/* The backlog brought packets: flush once it is drained. */
	bool			backlog_flush;
	/* Tasks asleep in quic_wait(): datagrams go to the backlog for
	 * them to process (see quic_input_deliver()).
	 */
	u8			waiters;
	/* A blocking reader got data from its last recvmsg() and is
	 * expected back: datagrams wait for it (see quic_input_deliver()).
	 * Written by the lock owner, quic_poll() and rx_work; read in
	 * softirq.
	 */
	bool			rx_reader;
	/* Processes what waits for a reader that did not come back. */
	struct delayed_work	rx_work;

	/* 1-RTT key updates (keyupdate.c) */
	/* Attaches transforms to a new phase, prepares the next one */
	struct delayed_work	ku_work;
	unsigned long		ku_drop_prev_at; /* jiffies: old keys go then */
	unsigned long		ku_start_after;	/* jiffies: may update from */
	u64			ku_first_pn;	/* first pn of this phase */
	bool			ku_acked;	/* a pn >= ku_first_pn acked */
	bool			ku_wait_peer;	/* our update, peer not yet */
	/* Idle connections (keyupdate.c): whether the work found the
	 * connection idle and trimmed it, and (crypto_active, below) the
	 * time of its last packet, in jiffies.
	 */
	bool			idle_trimmed;
	/* An ack-eliciting packet left since the last one arrived: later
	 * ones do not push the idle deadline (RFC 9000 10.1).
	 */
	bool			idle_sent_since_rx;
	u32			scid_next_seq;	/* connid.c */
	unsigned long		crypto_active;

	struct timer_list	loss_timer;	/* loss detection and PTO */
	struct timer_list	ack_timer;	/* max_ack_delay */
	struct timer_list	idle_timer;
	struct hrtimer		pace_timer;	/* pacing budget refilled */
	unsigned long		deferred;	/* enum quic_deferred bits */
};

/* AF_INET6 sockets: struct ipv6_pinfo follows, found via ipv6_pinfo_offset. */
struct quic6_sock {
	struct quic_sock	quic;
	struct ipv6_pinfo	inet6;
};

static inline struct quic_sock *quic_sk(const struct sock *sk)
{
	return (struct quic_sock *)sk;
}

/*
 * Delayed work of a socket (key updates, a reader's datagrams): like
 * sk_reset_timer(), each queued run holds a reference on the socket,
 * which the work function drops when it is done.
 */

/* Queue @dw to run after @delay, unless it is queued already. */
static inline void quic_sk_work_queue(struct sock *sk,
				      struct delayed_work *dw,
				      unsigned long delay)
{
	if (queue_delayed_work(system_wq, dw, delay))
		sock_hold(sk);
}

/* Have @dw run at once, queued or not. */
static inline void quic_sk_work_now(struct sock *sk, struct delayed_work *dw)
{
	if (!mod_delayed_work(system_wq, dw, 0))
		sock_hold(sk);
}

/* Cancel a queued run; one already running drops its reference itself. */
static inline void quic_sk_work_cancel(struct sock *sk,
				       struct delayed_work *dw)
{
	if (cancel_delayed_work(dw))
		__sock_put(sk);
}

/* Control block of every skb on the receive path. */
struct quic_skb_cb {
	union quic_addr	peer;	/* source address of the datagram */
	/* destination address of the datagram, IPv4 as IPv4-mapped */
	struct in6_addr	local;
	u8		level;	/* packets kept for later: their level */
	u8		ecn;	/* ECN field of the datagram's IP header */
	__be16		local_port;	/* destination port of the datagram */
};

static inline struct quic_skb_cb *quic_skb_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct quic_skb_cb) > sizeof(skb->cb));
	return (struct quic_skb_cb *)skb->cb;
}

/*
 * How far receive windows may grow: SO_RCVBUF when the user set it, else
 * the larger of the socket's buffer and tcp_rmem[2], the ceiling of TCP's
 * own receive buffer auto-tuning (MPTCP uses it the same way). Received
 * data is held only within the windows, so this bounds what a connection
 * buffers beyond the initial windows the user configured.
 */
static inline u64 quic_rx_window_cap(const struct sock *sk)
{
	u64 cap = READ_ONCE(sk->sk_rcvbuf);

	if (!(READ_ONCE(sk->sk_userlocks) & SOCK_RCVBUF_LOCK))
		cap = max_t(u64, cap,
			    READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_rmem[2]));
	return cap;
}

/*
 * Datagrams that arrive while the user holds the socket wait in the
 * backlog, charged by truesize. The peer may have a whole receive window
 * in flight (up to quic_rx_window_cap()), and a full-sized datagram's
 * truesize is about twice its payload; the send buffer's worth on top
 * covers the ACKs for what we send, as TCP's backlog limit does. A limit
 * of SO_RCVBUF alone dropped most of a grown window on every long
 * recvmsg() and kept the sender in loss recovery.
 */
static inline u32 quic_rx_backlog_limit(const struct sock *sk)
{
	u64 limit = 2 * quic_rx_window_cap(sk) + READ_ONCE(sk->sk_sndbuf);

	return min_t(u64, limit, INT_MAX);
}

/*
 * Memory the receive buffers of all streams may hold before out-of-order
 * data is refused (quic_recvbuf_may_store()): twice what the windows may
 * grow to, which data in full-size packets, however reordered, stays
 * under. Without it, 1-byte fragments scattered over the default windows
 * could make a socket hold hundreds of MiB.
 */
static inline u64 quic_rx_mem_limit(const struct sock *sk)
{
	return 2 * quic_rx_window_cap(sk);
}

static inline u64 quic_now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

extern struct proto quic_prot;
extern struct proto quicv6_prot;

#endif /* _NET_QUIC_SOCKET_H */
