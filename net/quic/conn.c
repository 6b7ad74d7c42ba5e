// SPDX-License-Identifier: GPL-2.0
/*
 * Connection state: set-up and teardown, the handshake milestones (secrets,
 * transport parameters, establishment, key discard), acknowledgments and
 * loss recovery and congestion control glue, and timers.
 *
 * Context: socket lock held unless a function says otherwise.
 */

#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "closing.h"
#include "conn.h"
#include "connid.h"
#include "datagram.h"
#include "early.h"
#include "event.h"
#include "frame.h"
#include "offload.h"
#include "path.h"
#include "proc.h"
#include "reset.h"
#include "udp.h"

#define QUIC_DEF_IDLE_TIMEOUT_MS	30000
#define QUIC_DEF_MAX_DATA		(4 * SZ_1M)
#define QUIC_DEF_MAX_STREAM_DATA	SZ_1M
#define QUIC_DEF_MAX_STREAMS		100

/* Congestion controller of new sockets; QUIC_SOCKOPT_CONFIG overrides. */
static const struct quic_cong_ops *quic_default_cong = &quic_cong_cubic;

static int quic_cong_param_set(const char *val, const struct kernel_param *kp)
{
	const struct quic_cong_ops *ops;

	if (sysfs_streq(val, quic_cong_reno.name))
		ops = &quic_cong_reno;
	else if (sysfs_streq(val, quic_cong_cubic.name))
		ops = &quic_cong_cubic;
	else
		return -EINVAL;
	WRITE_ONCE(quic_default_cong, ops);
	return 0;
}

static int quic_cong_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(quic_default_cong)->name);
}

static const struct kernel_param_ops quic_cong_param_ops = {
	.set	= quic_cong_param_set,
	.get	= quic_cong_param_get,
};
module_param_cb(congestion_control, &quic_cong_param_ops, NULL, 0644);
MODULE_PARM_DESC(congestion_control,
		 "congestion control of new sockets: cubic (default) or reno");

/**
 * quic_conn_cong_reset() - a fresh window from the configured controller,
 *	and the path's datagram size learnt again from 1200 bytes
 * @qs: socket whose connection has not started, or moved to a new path
 */
void quic_conn_cong_reset(struct quic_sock *qs)
{
	const struct quic_cong_ops *ops;

	ops = quic_cong_ops_find(qs->config.congestion_control_algo);
	quic_cong_init(&qs->cong, ops ?: &quic_cong_cubic,
		       QUIC_MIN_UDP_PAYLOAD);
	qs->max_dgram = QUIC_MIN_UDP_PAYLOAD;
	quic_pmtu_reset(&qs->pmtu);
}

/**
 * quic_conn_dgram_bound() - the largest datagram the path may take now
 * @qs: socket
 *
 * What the route's MTU allows (PMTUD, RFC 9000 14.2: datagrams leave with
 * DF set, and an ICMP Packet Too Big lowers the route's MTU), within the
 * peer's max_udp_payload_size and QUIC_MAX_DGRAM_SIZE; at least 1200.
 */
u32 quic_conn_dgram_bound(const struct quic_sock *qs)
{
	u32 hdrs = sizeof(struct udphdr), size;

	hdrs += qs->peer.sa.sa_family == AF_INET6 ? sizeof(struct ipv6hdr) :
						    sizeof(struct iphdr);
	if (qs->route_mtu <= hdrs)
		return QUIC_MIN_UDP_PAYLOAD;
	size = min_t(u64, qs->route_mtu - hdrs,
		     qs->peer_tp.max_udp_payload_size);
	return clamp_t(u32, size, QUIC_MIN_UDP_PAYLOAD, QUIC_MAX_DGRAM_SIZE);
}

/* The search's time between rounds, in jiffies; 0: no search. */
static u32 quic_conn_pmtu_interval(const struct quic_sock *qs)
{
	return usecs_to_jiffies(qs->config.plpmtud_probe_interval);
}

/* The congestion window counts in the datagram size: both change at once. */
static void quic_conn_take_dgram_size(struct quic_sock *qs, u32 size)
{
	if (size == qs->max_dgram)
		return;
	qs->max_dgram = size;
	quic_cong_set_mss(&qs->cong, size);
}

/* A size pmtu.c decided: a probe raised it, or a black hole lowered it. */
static void quic_conn_set_dgram_size(struct quic_sock *qs, u32 size)
{
	if (size > qs->max_dgram)
		quic_mib_inc(sock_net(&qs->inet.sk), QUIC_MIB_PMTU_RAISED);
	else if (size < qs->max_dgram && size == QUIC_MIN_UDP_PAYLOAD &&
		 qs->handshake_confirmed)
		quic_mib_inc(sock_net(&qs->inet.sk), QUIC_MIB_PMTU_BLACKHOLES);
	quic_conn_take_dgram_size(qs, size);
}

/**
 * quic_conn_update_dgram_size() - choose the largest datagram to send
 * @qs: socket, locked
 *
 * RFC 9000 14: 1200 bytes until the handshake is confirmed. Then, without
 * a probe interval, what quic_conn_dgram_bound() allows, unless the path
 * turned out to drop large datagrams (pmtu.c); with one, the size the
 * search confirmed (DPLPMTUD, 14.3), never above the bound. The congestion
 * window counts in the same unit.
 */
void quic_conn_update_dgram_size(struct quic_sock *qs)
{
	u32 size = QUIC_MIN_UDP_PAYLOAD;

	if (qs->handshake_confirmed && qs->peer_tp_set) {
		size = quic_conn_dgram_bound(qs);
		if (quic_conn_pmtu_interval(qs))
			size = clamp_t(u32, qs->max_dgram,
				       QUIC_MIN_UDP_PAYLOAD, size);
		else if (qs->pmtu.blackhole)
			size = QUIC_MIN_UDP_PAYLOAD;
	}
	quic_conn_take_dgram_size(qs, size);
}

/**
 * quic_conn_pmtu_probe_size() - size of the search probe to send now
 * @qs: socket, locked, handshake confirmed
 *
 * Return: 0 when there is none (no search, none due, one out).
 */
u32 quic_conn_pmtu_probe_size(struct quic_sock *qs)
{
	u32 interval = quic_conn_pmtu_interval(qs);

	if (!interval || !qs->handshake_confirmed || !qs->peer_tp_set)
		return 0;
	return quic_pmtu_probe_size(&qs->pmtu, qs->max_dgram,
				    quic_conn_dgram_bound(qs), jiffies,
				    interval);
}

static void quic_local_tparams_default(struct quic_sock *qs)
{
	struct quic_tparam_values *tp = &qs->local_tp;
	struct quic_tparams all;

	quic_tparams_init_default(&all);
	*tp = all.values;
	tp->max_idle_timeout = QUIC_DEF_IDLE_TIMEOUT_MS;
	tp->initial_max_data = QUIC_DEF_MAX_DATA;
	tp->initial_max_stream_data_bidi_local = QUIC_DEF_MAX_STREAM_DATA;
	tp->initial_max_stream_data_bidi_remote = QUIC_DEF_MAX_STREAM_DATA;
	tp->initial_max_stream_data_uni = QUIC_DEF_MAX_STREAM_DATA;
	tp->initial_max_streams_bidi = QUIC_DEF_MAX_STREAMS;
	tp->initial_max_streams_uni = QUIC_DEF_MAX_STREAMS;
}

static void quic_free_tx_pkt_cb(struct quic_sent_pkt *pkt, void *arg)
{
	struct quic_sock *qs = arg;

	quic_bytes_in_flight_sub(&qs->bytes_in_flight, pkt);
	quic_tx_pkt_free(container_of(pkt, struct quic_tx_pkt, pkt));
}

static void quic_space_init(struct quic_space *sp)
{
	quic_ackrange_init(&sp->recv);
	quic_recovery_space_init(&sp->sent);
	quic_recvbuf_init(&sp->crypto_rx, QUIC_CRYPTO_RX_LIMIT,
			  QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED);
	quic_sendbuf_init(&sp->crypto_tx);
	memset(&sp->ecn, 0, sizeof(sp->ecn));
	sp->floor_next = 0;
	sp->floor_next_at = 0;
	sp->ack_eliciting_unacked = 0;
	sp->ack_now = false;
	sp->probe = 0;
	sp->discarded = false;
}

/*
 * What a discarded Initial or Handshake space reads as: nothing received,
 * nothing in flight, no data. Shared by every connection, and read-only
 * once the module is loaded.
 */
static struct quic_space quic_space_discarded __ro_after_init;

/* Module load: set up quic_space_discarded before any socket exists. */
void __init quic_conn_module_init(void)
{
	quic_space_init(&quic_space_discarded);
	quic_space_discarded.discarded = true;
}

/* Free what a space holds; it stays usable, empty. */
static void quic_space_release(struct quic_sock *qs, struct quic_space *sp)
{
	quic_ackrange_release(&sp->recv);
	quic_recovery_discard(&sp->sent, quic_free_tx_pkt_cb, qs);
	quic_recvbuf_free(&sp->crypto_rx);
	quic_sendbuf_free(&sp->crypto_tx);
}

/* Drop a released Initial or Handshake space for the shared stand-in. */
static void quic_space_drop(struct quic_sock *qs, u8 space)
{
	struct quic_space *sp = qs->space[space];

	if (!sp || sp == &quic_space_discarded || sp == &qs->app_space)
		return;
	kfree(sp);
	qs->space[space] = &quic_space_discarded;
}

/**
 * quic_conn_init() - give a new socket its connection defaults
 * @sk: socket (not yet visible to anyone)
 *
 * Return: 0, or -ENOMEM with nothing left allocated.
 */
int quic_conn_init(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	int i;

	qs->space[QUIC_SPACE_APP] = &qs->app_space;
	for (i = QUIC_SPACE_INITIAL; i < QUIC_SPACE_APP; i++) {
		qs->space[i] = kmalloc(sizeof(*qs->space[i]), GFP_KERNEL);
		if (!qs->space[i]) {
			quic_conn_free_spaces(sk);
			return -ENOMEM;
		}
	}
	for (i = 0; i < QUIC_SPACE_MAX; i++)
		quic_space_init(qs->space[i]);
	INIT_LIST_HEAD(&qs->scids);
	skb_queue_head_init(&qs->undecryptable);
	skb_queue_head_init(&qs->event_queue);
	skb_queue_head_init(&qs->accept_queue);
	qs->version = QUIC_VERSION_V1;
	/* Closing the socket is an application close unless set otherwise. */
	qs->close_info.app = true;
	quic_crypto_init(&qs->app_crypto, true);
	quic_rtt_init(&qs->rtt, 0);
	qs->config.congestion_control_algo = READ_ONCE(quic_default_cong)->algo;
	quic_conn_cong_reset(qs);
	quic_ecn_init(&qs->ecn);
	quic_local_tparams_default(qs);
	quic_stream_table_init(&qs->streams, false);
	quic_conn_timers_init(sk);
	quic_key_update_init(sk);
	quic_input_reader_init(sk);
	return 0;
}

/**
 * quic_conn_free_spaces() - free the Initial and Handshake spaces
 * @sk: socket whose spaces were released (quic_conn_destroy()), or never
 *	used (a socket whose creation failed)
 *
 * May be called more than once.
 */
void quic_conn_free_spaces(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_space_drop(qs, QUIC_SPACE_INITIAL);
	quic_space_drop(qs, QUIC_SPACE_HANDSHAKE);
}

/* Wipe and free the keys of a discarded Initial or Handshake space. */
static void quic_conn_free_hs_crypto(struct quic_sock *qs, u8 space)
{
	struct quic_crypto **slot = &qs->hs_crypto[space];

	if (!*slot)
		return;
	quic_crypto_free(*slot);
	kfree(*slot);
	*slot = NULL;
}

/**
 * quic_conn_discard_space() - drop a packet number space and its keys
 * @sk: socket
 * @space: QUIC_SPACE_INITIAL or QUIC_SPACE_HANDSHAKE
 *
 * RFC 9001 4.9 / RFC 9002 6.4: packets in flight in it no longer count.
 */
void quic_conn_discard_space(struct sock *sk, u8 space)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[space];

	if (space == QUIC_SPACE_APP || sp->discarded)
		return;
	quic_space_release(qs, sp);
	quic_space_drop(qs, space);
	quic_conn_free_hs_crypto(qs, space);
	qs->pto_count = 0;
	quic_conn_arm_loss_timer(sk);
	/* A Retry token is for Initials only: not one to offer again. */
	if (space == QUIC_SPACE_INITIAL && qs->token_from_retry)
		quic_conn_set_token(qs, NULL, 0, false);
}

/**
 * quic_conn_set_token() - replace a client's token
 * @qs: socket
 * @token: kmalloc'd token, owned by the socket from now on; NULL for none
 * @len: its length
 * @from_retry: it came in a Retry (for Initials only, never read back)
 */
void quic_conn_set_token(struct quic_sock *qs, u8 *token, u8 len,
			 bool from_retry)
{
	kfree(qs->token);
	qs->token = token;
	qs->token_len = len;
	qs->token_from_retry = from_retry;
}

/**
 * quic_conn_awaits_server() - a client before any answer to its Initials
 * @sk: socket
 *
 * What a Retry or a Version Negotiation packet may still be taken in
 * (RFC 9000 17.2.5.2, 6.2): a client whose connection is being set up,
 * that took no Retry yet and processed no Initial from the server.
 */
bool quic_conn_awaits_server(const struct sock *sk)
{
	const struct quic_sock *qs = quic_sk(sk);
	const struct quic_space *initial = qs->space[QUIC_SPACE_INITIAL];

	return !qs->is_server && !qs->retried &&
	       sk->sk_state == QUIC_SS_ESTABLISHING && !initial->discarded &&
	       !initial->recv.has_largest;
}

/**
 * quic_conn_level_crypto() - the keys of a level, to install new ones
 * @sk: socket, owned by the caller (process context: may sleep)
 * @level: QUIC_CRYPTO_INITIAL, QUIC_CRYPTO_HANDSHAKE or QUIC_CRYPTO_APP
 * @c: set to the level's context
 *
 * Initial and Handshake contexts are allocated here on first use.
 *
 * Return: 0, -EINVAL for a level whose space (or 0-RTT, its time) is
 * over, or -ENOMEM.
 */
int quic_conn_level_crypto(struct sock *sk, u8 level, struct quic_crypto **c)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_crypto **slot;
	u8 space;

	if (level == QUIC_CRYPTO_APP) {
		*c = &qs->app_crypto;
		return 0;
	}
	if (level == QUIC_CRYPTO_EARLY)
		return quic_early_crypto(sk, c);
	if (level == QUIC_CRYPTO_INITIAL)
		space = QUIC_SPACE_INITIAL;
	else if (level == QUIC_CRYPTO_HANDSHAKE)
		space = QUIC_SPACE_HANDSHAKE;
	else
		return -EINVAL;
	if (qs->space[space]->discarded)
		return -EINVAL;
	slot = &qs->hs_crypto[space];
	if (!*slot) {
		*slot = kmalloc(sizeof(**slot), GFP_KERNEL);
		if (!*slot)
			return -ENOMEM;
		quic_crypto_init(*slot, false);
	}
	*c = *slot;
	return 0;
}

/**
 * quic_conn_destroy() - free all connection state
 * @sk: socket being destroyed; timers already stopped
 * @keep_cids: the socket lingers in the closing state (closing.c), whose
 *	end removes its connection IDs
 */
void quic_conn_destroy(struct sock *sk, bool keep_cids)
{
	struct quic_sock *qs = quic_sk(sk);
	int i;

	quic_offload_conn_stop(sk);
	if (!keep_cids)
		quic_cid_remove_all(&qs->scids);
	quic_reset_forget(sk);
	quic_connid_free(sk);
	quic_path_free(qs);
	quic_closing_free(sk);
	for (i = 0; i < QUIC_SPACE_MAX; i++)
		if (!qs->space[i]->discarded)
			quic_space_release(qs, qs->space[i]);
	quic_conn_free_spaces(sk);
	quic_conn_free_hs_crypto(qs, QUIC_SPACE_INITIAL);
	quic_conn_free_hs_crypto(qs, QUIC_SPACE_HANDSHAKE);
	quic_early_discard(sk);
	quic_crypto_free(&qs->app_crypto);
	quic_stream_table_free(&qs->streams);
	skb_queue_purge(&qs->undecryptable);
	skb_queue_purge(&qs->event_queue);
	skb_queue_purge(&qs->accept_queue);
	quic_dgram_purge(sk);
	kfree(qs->ticket);
	qs->ticket = NULL;
	kfree(qs->alpn);
	qs->alpn = NULL;
	quic_conn_set_token(qs, NULL, 0, false);
}

/* Wake everyone waiting on the socket: readers, writers, pollers. */
static void quic_conn_wake_all(struct sock *sk)
{
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
	sk->sk_write_space(sk);
}

static void quic_conn_enter_closed(struct sock *sk, int err)
{
	struct quic_sock *qs = quic_sk(sk);

	qs->closing = true;
	quic_conn_timers_stop(sk);
	inet_sk_set_state(sk, QUIC_SS_CLOSED);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (err)
		WRITE_ONCE(sk->sk_err, err);
	quic_conn_wake_all(sk);
}

/**
 * quic_conn_error() - close the connection on a protocol violation
 * @sk: socket
 * @errcode: transport error code (RFC 9000 20.1)
 * @frame: type of the frame that caused it, 0 if none
 *
 * Sends CONNECTION_CLOSE and moves to the closed state; the user sees
 * ECONNABORTED and can read the code with QUIC_SOCKOPT_CONNECTION_CLOSE.
 */
void quic_conn_error(struct sock *sk, u64 errcode, u64 frame)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->closing)
		return;
	memset(&qs->close_info, 0, sizeof(qs->close_info));
	qs->close_info.errcode = errcode;
	qs->close_info.frame = frame;
	quic_mib_inc(sock_net(sk), QUIC_MIB_CONN_ERRORS);
	quic_output_close(sk);
	quic_conn_enter_closed(sk, ECONNABORTED);
}

/**
 * quic_conn_abort() - end the connection at once, on no error of its own
 * @sk: socket, locked
 * @err: what the user sees (ECONNABORTED for SOCK_DESTROY)
 *
 * Sends CONNECTION_CLOSE with NO_ERROR (RFC 9000 20.1: an abrupt close
 * without an error) and moves to the closed state.
 */
void quic_conn_abort(struct sock *sk, int err)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->closing)
		return;
	memset(&qs->close_info, 0, sizeof(qs->close_info));
	quic_output_close(sk);
	quic_conn_enter_closed(sk, err);
}

/**
 * quic_conn_peer_closed() - the peer sent CONNECTION_CLOSE
 * @sk: socket
 *
 * RFC 9000 10.2.2: enter draining; nothing more is sent. Readers get
 * what is already buffered, then end of file.
 */
void quic_conn_peer_closed(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	int err = ECONNRESET;

	struct quic_connection_close ev = {
		.errcode = qs->close_info.errcode,
		.frame = qs->close_info.frame,
	};

	memcpy(ev.phrase, qs->close_info.phrase, qs->close_info.phrase_len);
	quic_event_queue(sk, QUIC_EVENT_CONNECTION_CLOSE, &ev, sizeof(ev));
	quic_mib_inc(sock_net(sk), QUIC_MIB_PEER_CLOSES);
	/* A clean close (NO_ERROR, or application code 0) is not an error. */
	if (!qs->close_info.errcode)
		err = 0;
	quic_conn_enter_closed(sk, err);
}

/**
 * quic_conn_peer_reset() - the peer sent a Stateless Reset
 * @sk: socket
 *
 * RFC 9000 10.3.1: the connection is over, nothing more is sent (as in
 * draining, but for no time: the peer has no state left to drain).
 * Readers get what is already buffered, then ECONNRESET.
 */
void quic_conn_peer_reset(struct sock *sk)
{
	if (quic_sk(sk)->closing)
		return;
	quic_mib_inc(sock_net(sk), QUIC_MIB_RESET_RECEIVED);
	quic_conn_enter_closed(sk, ECONNRESET);
}

/**
 * quic_conn_version_refused() - the server speaks none of our versions
 * @sk: socket, a client's, before any packet from the server
 *
 * RFC 9000 6.2: the connection attempt is abandoned, with nothing sent;
 * the user sees ECONNREFUSED.
 */
void quic_conn_version_refused(struct sock *sk)
{
	if (quic_sk(sk)->closing)
		return;
	quic_mib_inc(sock_net(sk), QUIC_MIB_VN_REFUSED);
	quic_conn_enter_closed(sk, ECONNREFUSED);
}

/* Apply the peer's transport parameters to flow control and streams. */
/**
 * quic_conn_apply_peer_tparams() - act on the peer's transport parameters
 * @qs: socket whose @peer_tp was just set (or remembered, early.c)
 */
void quic_conn_apply_peer_tparams(struct quic_sock *qs)
{
	struct quic_stream_table *t = &qs->streams;
	struct quic_tparam_values *p = &qs->peer_tp;

	qs->tx_max_data = p->initial_max_data;
	t->peer_limit[0] = p->initial_max_streams_bidi;
	t->peer_limit[1] = p->initial_max_streams_uni;
	t->tx_window_bidi_local = p->initial_max_stream_data_bidi_local;
	t->tx_window_bidi_remote = p->initial_max_stream_data_bidi_remote;
	t->tx_window_uni = p->initial_max_stream_data_uni;
	/* Only when both ends asked for it (the draft's private parameter
	 * for trusted paths): 1-RTT packets then go without protection.
	 */
	quic_crypto_set_plaintext(&qs->app_crypto,
				  qs->local_tp.disable_1rtt_encryption &&
				  p->disable_1rtt_encryption);
}

static void quic_conn_apply_local_tparams(struct quic_sock *qs)
{
	struct quic_stream_table *t = &qs->streams;
	struct quic_tparam_values *p = &qs->local_tp;

	quic_fc_init(&qs->rx_fc, p->initial_max_data);
	/* The windows start where the user set them; reading grows them. */
	qs->rx_window = p->initial_max_data;
	qs->rx_update_us = 0;
	t->local_limit[0] = p->initial_max_streams_bidi;
	t->local_limit[1] = p->initial_max_streams_uni;
	t->rx_window_bidi_local = p->initial_max_stream_data_bidi_local;
	t->rx_window_bidi_remote = p->initial_max_stream_data_bidi_remote;
	t->rx_window_uni = p->initial_max_stream_data_uni;
}

/* All of our parameters: the values the user set and the CIDs they carry. */
static void quic_conn_local_tparams(struct quic_sock *qs,
				    struct quic_tparams *p)
{
	memset(p, 0, sizeof(*p));
	p->values = qs->local_tp;
	p->initial_scid.len = qs->initial_scid.len;
	memcpy(p->initial_scid.data, qs->initial_scid.data,
	       qs->initial_scid.len);
	p->has_initial_scid = true;
	if (qs->is_server) {
		p->original_dcid.len = qs->odcid.len;
		memcpy(p->original_dcid.data, qs->odcid.data, qs->odcid.len);
		p->has_original_dcid = true;
		if (qs->retried) {
			p->retry_scid.len = qs->retry_scid.len;
			memcpy(p->retry_scid.data, qs->retry_scid.data,
			       qs->retry_scid.len);
			p->has_retry_scid = true;
		}
		/* The reset token of the CID our handshake packets carry. */
		quic_reset_token(qs->initial_scid.data, qs->initial_scid.len,
				 p->stateless_reset_token);
		p->has_stateless_reset_token = true;
	}
}

/* Encode our parameters into @buf; bytes written, or -errno. */
static int quic_conn_encode_tparams(struct quic_sock *qs, u8 *buf, u32 len)
{
	struct quic_tparams *p;
	int ret;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	quic_conn_local_tparams(qs, p);
	ret = 0;
	if (qs->is_server)
		ret = quic_path_encode_preferred(&qs->inet.sk,
						 &p->preferred_address,
						 &p->has_preferred_address);
	if (!ret)
		ret = quic_tparams_encode(buf, len, p, qs->is_server);
	kfree(p);
	return ret;
}

/**
 * quic_conn_encode_local_tparams() - encode our transport parameters
 * @sk: socket, connecting or accepted
 * @buf: the encoding, what libquic sends in the TLS extension
 * @len: room in @buf
 *
 * Return: bytes written to @buf, or -errno.
 */
int quic_conn_encode_local_tparams(struct sock *sk, u8 *buf, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->local_tp_final)
		return -EINVAL;
	return quic_conn_encode_tparams(qs, buf, len);
}

/**
 * quic_conn_fix_local_tparams() - complete and apply our transport parameters
 * @sk: socket, connecting or accepted
 *
 * From here on the values are fixed for the connection, and
 * quic_conn_encode_local_tparams() encodes them when libquic asks. Nothing
 * is kept encoded in the socket.
 *
 * Return: 0, or -errno if they cannot be encoded.
 */
int quic_conn_fix_local_tparams(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	int len;
	u8 *buf;

	/* Find out now, rather than when libquic asks, if they do not fit. */
	buf = kmalloc(QUIC_TP_EXT_MAX_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = quic_conn_encode_tparams(qs, buf, QUIC_TP_EXT_MAX_LEN);
	kfree(buf);
	if (len < 0)
		return len;
	qs->local_tp_final = true;
	quic_conn_apply_local_tparams(qs);
	return 0;
}

/**
 * quic_conn_set_peer_tparams() - the peer's transport parameters arrived
 * @sk: socket
 * @buf: encoded parameters from the TLS extension
 * @len: their length
 *
 * Invalid parameters close the connection with TRANSPORT_PARAMETER_ERROR
 * (or PROTOCOL_VIOLATION for CIDs that do not match the wire, or limits
 * lowered under accepted 0-RTT data).
 *
 * Return: 0, -ENOMEM, or -EINVAL after closing the connection.
 */
int quic_conn_set_peer_tparams(struct sock *sk, const u8 *buf, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tparam_wire_cids w = {};
	struct quic_tparams *p;
	u64 errcode = 0;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (quic_tparams_decode(buf, len, !qs->is_server, p, &errcode))
		goto bad;
	w.peer_scid.len = qs->dcid.cid.len;
	memcpy(w.peer_scid.data, qs->dcid.cid.data, qs->dcid.cid.len);
	w.odcid.len = qs->odcid.len;
	memcpy(w.odcid.data, qs->odcid.data, qs->odcid.len);
	w.retry = qs->retried;
	w.retry_scid.len = qs->retry_scid.len;
	memcpy(w.retry_scid.data, qs->retry_scid.data, qs->retry_scid.len);
	if (quic_tparams_validate_cids(p, !qs->is_server, &w, &errcode))
		goto bad;
	errcode = quic_early_check_tparams(qs, &p->values);
	if (errcode)
		goto bad;
	qs->peer_tp = p->values;
	/* Only servers send one: the decoder refuses it from a client. */
	BUILD_BUG_ON(QUIC_TP_RESET_TOKEN_LEN != QUIC_RESET_TOKEN_LEN);
	if (p->has_stateless_reset_token &&
	    quic_reset_learn(sk, p->stateless_reset_token, GFP_KERNEL)) {
		kfree(p);
		return -ENOMEM;
	}
	/* A client's: the server's second connection ID, and where it
	 * would rather be reached (RFC 9000 9.6).
	 */
	if (p->has_preferred_address) {
		errcode = quic_connid_rx_preferred(sk, &p->preferred_address);
		if (errcode == QUIC_FRAMES_DROP_PACKET ||
		    (!errcode && quic_path_set_preferred(sk,
						&p->preferred_address))) {
			kfree(p);
			return -ENOMEM;
		}
		if (errcode) {	/* e.g. the ID of the handshake again */
			errcode = QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM;
			goto bad;
		}
	}
	kfree(p);
	qs->peer_tp_set = true;
	quic_conn_apply_peer_tparams(qs);
	quic_conn_check_established(sk);
	return 0;
bad:
	kfree(p);
	quic_conn_error(sk, errcode ? errcode :
			QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM, 0);
	return -EINVAL;
}

/**
 * quic_conn_check_established() - enter ESTABLISHED when ready
 * @sk: socket
 *
 * Established means both 1-RTT secrets and the peer's transport
 * parameters are in (the socket API's rule); a server then sends
 * HANDSHAKE_DONE.
 */
void quic_conn_check_established(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_crypto *app = &qs->app_crypto;

	if (sk->sk_state != QUIC_SS_ESTABLISHING || !qs->peer_tp_set ||
	    !app->tx.ready || !app->rx.ready)
		return;
	inet_sk_set_state(sk, QUIC_SS_ESTABLISHED);
	quic_mib_inc(sock_net(sk), QUIC_MIB_HANDSHAKES);
	quic_early_discard(sk);
	quic_key_update_established(sk);
	quic_offload_conn_start(sk);
	if (qs->is_server) {
		qs->handshake_confirmed = true;
		qs->ctrl_pending |= QUIC_CTRL_HANDSHAKE_DONE |
				    QUIC_CTRL_NEW_TOKEN;
		quic_connid_issue(sk);
	}
	/* What 0-RTT brought is the application's now. */
	quic_conn_update_rx_ready(sk);
	quic_conn_wake_all(sk);
	quic_output_flush(sk);
}

/**
 * quic_conn_install_secret() - QUIC_SOCKOPT_CRYPTO_SECRET from libquic
 * @sk: socket
 * @s: the secret, its level, direction and cipher
 *
 * Return: 0, -EINVAL for a bad level/cipher/length, or a crypto errno.
 */
int quic_conn_install_secret(struct sock *sk,
			     const struct quic_crypto_secret *s)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cipher_params cp;
	struct quic_crypto *c;
	int err;

	if (s->level >= QUIC_CRYPTO_MAX || s->level == QUIC_CRYPTO_INITIAL)
		return -EINVAL;
	/* 0-RTT goes from client to server only (RFC 9001 4.6). */
	if (s->level == QUIC_CRYPTO_EARLY && !!s->send == qs->is_server)
		return -EINVAL;
	if (quic_cipher_params(s->type, &cp) ||
	    cp.secret_len > sizeof(s->secret))
		return -EINVAL;
	err = quic_conn_level_crypto(sk, s->level, &c);
	if (err)
		return err;
	err = quic_crypto_set_secret(c, qs->version, s->type, s->secret,
				     cp.secret_len, !!s->send);
	if (err)
		return err;
	if (!s->send)
		quic_input_retry_pending(sk);
	quic_conn_check_established(sk);
	quic_output_flush(sk);
	return 0;
}

/**
 * quic_conn_stream_maybe_free() - free a finished stream, grant another
 * @sk: socket
 * @s: stream whose send or receive half just ended
 *
 * Either half of a peer's stream can end last: the user reading its FIN,
 * or the peer acknowledging the end of our data on it. Whichever it is,
 * freeing the stream raises our limit and the peer must hear of it
 * (MAX_STREAMS, RFC 9000 4.6), or it can never open another one.
 */
void quic_conn_stream_maybe_free(struct sock *sk, struct quic_stream *s)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	u64 bidi = t->local_limit[0], uni = t->local_limit[1];

	quic_stream_maybe_free(t, s);
	if (t->local_limit[0] != bidi)
		quic_sk(sk)->ctrl_pending |= QUIC_CTRL_MAX_STREAMS_BIDI;
	if (t->local_limit[1] != uni)
		quic_sk(sk)->ctrl_pending |= QUIC_CTRL_MAX_STREAMS_UNI;
}

static void quic_stream_data_acked(struct sock *sk, struct quic_stream *s,
				   u64 offset, u64 len, bool fin)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	u64 mem = s->tx.mem;

	quic_sendbuf_on_acked(&s->tx, offset, len, fin);
	quic_stream_tx_account(t, s, mem);
	if (quic_sendbuf_all_acked(&s->tx) && !s->send_done) {
		s->send_done = true;
		quic_event_stream_update(sk, s->id,
					 QUIC_STREAM_SEND_STATE_RECVD, 0,
					 s->tx.write_offset);
	}
	quic_conn_stream_maybe_free(sk, s);
}

/* Apply the stream data gathered by quic_acked_stream_add(). */
static void quic_acked_stream_flush(struct quic_ack_ctx *ack)
{
	u64 start = ack->stream.start;
	struct quic_stream *s;

	if (!ack->stream.set)
		return;
	ack->stream.set = false;
	s = quic_stream_find(&quic_sk(ack->sk)->streams, ack->stream.id);
	if (s)
		quic_stream_data_acked(ack->sk, s, start,
				       ack->stream.end - start,
				       ack->stream.fin);
}

/*
 * An ACK frame covering a bulk transfer acknowledges one stream's data
 * packet after packet, largest packet number first: each STREAM frame ends
 * where the one before began. They are gathered into one range and given
 * to the send buffer once, when the range breaks or the frame is done:
 * a stream lookup and a send buffer update per packet were 3% of a
 * sender's time. Acknowledging a range at once is what the send buffer
 * would have come to anyway.
 */
static void quic_acked_stream_add(struct quic_ack_ctx *ack,
				  const struct quic_tx_frame *f)
{
	if (ack->stream.set && ack->stream.id == f->stream_id) {
		if (f->offset + f->len == ack->stream.start) {
			ack->stream.start = f->offset;
			ack->stream.fin |= f->fin;
			return;
		}
		if (f->offset == ack->stream.end) {
			ack->stream.end += f->len;
			ack->stream.fin |= f->fin;
			return;
		}
	}
	quic_acked_stream_flush(ack);
	ack->stream.id = f->stream_id;
	ack->stream.start = f->offset;
	ack->stream.end = f->offset + f->len;
	ack->stream.fin = f->fin;
	ack->stream.set = true;
}

/*
 * The peer has seen an ACK frame of ours up to @largest: what it covered
 * need not be sent again (RFC 9000 13.2.4), and raising the floor of the
 * received set past it would let the set forget it, late copies counting
 * as duplicates. But the frame's gaps may still fill: a packet reordered
 * by about a round trip arrives just then, and dropping it as a duplicate
 * makes a loss of what the peer will find was a mere delay. So the floor
 * follows a round trip behind, to the point of an earlier such frame seen
 * at least one smoothed RTT ago; until then its ranges are repeated.
 * (32 bits of jiffies: a deadline is never more than a PTO away.)
 */
static void quic_conn_ack_seen(struct quic_sock *qs, struct quic_space *sp,
			       u64 largest)
{
	u32 now = (u32)jiffies;

	if (sp->floor_next) {
		if (time_before32(now, sp->floor_next_at))
			return;
		quic_ackrange_remove_below(&sp->recv, sp->floor_next);
	}
	sp->floor_next = largest + 1;
	sp->floor_next_at = now + usecs_to_jiffies(min_t(u64, USEC_PER_SEC,
						      qs->rtt.smoothed_rtt));
}

/* Our RESET_STREAM arrived: its stream's sending half is over, once. */
static void quic_reset_acked(struct sock *sk, const struct quic_tx_frame *f)
{
	struct quic_stream *s;

	s = quic_stream_find(&quic_sk(sk)->streams, f->stream_id);
	if (s) {
		if (s->told_reset_recvd)
			return;
		s->told_reset_recvd = true;
	}
	quic_event_stream_update(sk, f->stream_id,
				 QUIC_STREAM_SEND_STATE_RESET_RECVD, f->len,
				 f->offset);
}

static void quic_frames_acked(struct quic_ack_ctx *ack, struct quic_tx_pkt *tp)
{
	struct sock *sk = ack->sk;
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[tp->space];
	int i;

	for (i = 0; i < tp->nframes; i++) {
		struct quic_tx_frame *f = &tp->frames[i];

		switch (f->kind) {
		case QUIC_TXF_CRYPTO:
			quic_sendbuf_on_acked(&sp->crypto_tx, f->offset,
					      f->len, false);
			break;
		case QUIC_TXF_STREAM:
			quic_acked_stream_add(ack, f);
			break;
		case QUIC_TXF_RESET_STREAM:
			quic_reset_acked(sk, f);
			break;
		case QUIC_TXF_NEW_CID:
		case QUIC_TXF_RETIRE_CID:
			quic_connid_acked(sk, f->kind, f->stream_id);
			break;
		}
	}
	if (tp->has_ack)
		quic_conn_ack_seen(qs, sp, tp->ack_largest);
	/* The client has seen HANDSHAKE_DONE: Handshake keys can go. */
	if (tp->ctrl & QUIC_CTRL_HANDSHAKE_DONE)
		quic_conn_discard_space(sk, QUIC_SPACE_HANDSHAKE);
}

/* pmtu.c decides; a new size is taken at once. */
static void quic_conn_pmtu_acked(struct quic_sock *qs,
				 const struct quic_sent_pkt *pkt)
{
	u32 size = quic_pmtu_on_acked(&qs->pmtu, qs->max_dgram, pkt->pn,
				      pkt->size);

	quic_conn_set_dgram_size(qs, size);
}

static void quic_conn_pmtu_lost(struct quic_sock *qs,
				const struct quic_sent_pkt *pkt)
{
	bool pending = qs->pmtu.bh_pending;
	u32 size;

	size = quic_pmtu_on_lost(&qs->pmtu, qs->max_dgram, pkt->pn, pkt->size,
				 quic_conn_pmtu_interval(qs));
	quic_conn_set_dgram_size(qs, size);
	/* The test of a suspicion: the next 1-RTT packet, at full size. */
	if (!pending && qs->pmtu.bh_pending)
		qs->space[QUIC_SPACE_APP]->probe =
			max_t(u8, qs->space[QUIC_SPACE_APP]->probe, 1);
	if (pkt->probe)
		quic_mib_inc(sock_net(&qs->inet.sk), QUIC_MIB_PMTU_PROBES_LOST);
}

static void quic_acked_cb(struct quic_sent_pkt *pkt, void *arg)
{
	struct quic_tx_pkt *tp = container_of(pkt, struct quic_tx_pkt, pkt);
	struct quic_ack_ctx *ack = arg;
	struct quic_sock *qs = quic_sk(ack->sk);

	if (tp->ecn)
		ack->acked_ect0++;
	quic_conn_pmtu_acked(qs, pkt);
	if (pkt->in_flight)
		quic_cong_on_acked(&qs->cong, pkt->size, pkt->time_sent_us,
				   ack->now_us, qs->rtt.smoothed_rtt,
				   ack->bytes_in_flight);
	quic_bytes_in_flight_sub(&qs->bytes_in_flight, pkt);
	quic_frames_acked(ack, tp);
	quic_tx_pkt_recycle(ack->sk, tp);
}

static void quic_stream_requeue(struct quic_sock *qs, s64 id, bool ctrl)
{
	struct quic_stream *s = quic_stream_find(&qs->streams, id);

	if (!s)
		return;
	if (ctrl)
		list_move_tail(&s->ctrl_node, &qs->streams.ctrl_list);
	else if (list_empty(&s->send_node))
		list_add_tail(&s->send_node, &qs->streams.send_list);
}

/* Frames of a lost packet go back into their queues (RFC 9000 13.3). */
static void quic_frames_lost(struct quic_sock *qs, struct quic_tx_pkt *tp)
{
	struct quic_space *sp = qs->space[tp->space];
	struct quic_stream *s;
	int i;

	for (i = 0; i < tp->nframes; i++) {
		struct quic_tx_frame *f = &tp->frames[i];

		s = quic_stream_find(&qs->streams, f->stream_id);
		switch (f->kind) {
		case QUIC_TXF_CRYPTO:
			quic_sendbuf_on_lost(&sp->crypto_tx, f->offset, f->len,
					     false);
			break;
		case QUIC_TXF_STREAM:
			if (!s || s->reset_sent)
				break;
			quic_sendbuf_on_lost(&s->tx, f->offset, f->len, f->fin);
			quic_stream_requeue(qs, f->stream_id, false);
			break;
		case QUIC_TXF_MAX_STREAM_DATA:
			if (s) {
				s->max_data_pending = true;
				quic_stream_requeue(qs, f->stream_id, true);
			}
			break;
		case QUIC_TXF_RESET_STREAM:
			if (s) {
				s->reset_pending = true;
				quic_stream_requeue(qs, f->stream_id, true);
			}
			break;
		case QUIC_TXF_STOP_SENDING:
			if (s) {
				s->stop_pending = true;
				quic_stream_requeue(qs, f->stream_id, true);
			}
			break;
		case QUIC_TXF_NEW_CID:
		case QUIC_TXF_RETIRE_CID:
			quic_connid_lost(&qs->inet.sk, f->kind, f->stream_id);
			break;
		}
	}
	qs->ctrl_pending |= tp->ctrl & ~QUIC_CTRL_PING;
}

static void quic_lost_cb(struct quic_sent_pkt *pkt, void *arg)
{
	struct quic_tx_pkt *tp = container_of(pkt, struct quic_tx_pkt, pkt);
	struct quic_sock *qs = arg;

	quic_bytes_in_flight_sub(&qs->bytes_in_flight, pkt);
	quic_mib_inc(sock_net(&qs->inet.sk), QUIC_MIB_LOST_PACKETS);
	if (tp->early)
		quic_mib_inc(sock_net(&qs->inet.sk), QUIC_MIB_EARLY_LOST);
	quic_ecn_on_lost(&qs->ecn, tp->ecn);
	quic_conn_pmtu_lost(qs, pkt);
	quic_frames_lost(qs, tp);
	quic_tx_pkt_free(tp);
}

/* Back into their queues: the frames of a packet the peer never read. */
static void quic_requeue_tx_pkt_cb(struct quic_sent_pkt *pkt, void *arg)
{
	struct quic_tx_pkt *tp = container_of(pkt, struct quic_tx_pkt, pkt);
	struct quic_sock *qs = arg;

	quic_bytes_in_flight_sub(&qs->bytes_in_flight, pkt);
	quic_frames_lost(qs, tp);
	quic_tx_pkt_free(tp);
}

/**
 * quic_conn_restart_initial() - a client's Initials start over after a Retry
 * @sk: socket, with new Initial keys
 *
 * The server kept nothing of the Initial packets sent so far: their data
 * goes out again in new ones (packet numbers go on, RFC 9000 17.2.5.3),
 * and loss recovery and congestion control start over (RFC 9002 6.3);
 * none of it was lost to congestion.
 */
void quic_conn_restart_initial(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_recovery_discard(&qs->space[QUIC_SPACE_INITIAL]->sent,
			      quic_requeue_tx_pkt_cb, qs);
	quic_conn_cong_reset(qs);
	qs->pto_count = 0;
	quic_conn_arm_loss_timer(sk);
}

/**
 * quic_conn_early_refused() - the server refused a client's 0-RTT data
 * @sk: client socket, locked, before any 1-RTT packet was sent
 *
 * Every application space packet sent so far was 0-RTT: the server will
 * never acknowledge one (an acknowledgment of one is now a
 * PROTOCOL_VIOLATION, RFC 9001 4.6.2), and their frames go back into
 * their queues for the first 1-RTT packets, as after a Retry: nothing was
 * lost to congestion.
 */
void quic_conn_early_refused(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_recovery_refused(&qs->space[QUIC_SPACE_APP]->sent,
			      quic_requeue_tx_pkt_cb, qs);
	quic_conn_arm_loss_timer(sk);
}

/**
 * quic_conn_amp_room() - bytes a server may still send to an unvalidated
 *	client address (RFC 9000 8.1), U64_MAX when there is no limit
 * @qs: socket
 */
u64 quic_conn_amp_room(const struct quic_sock *qs)
{
	u64 limit;

	if (!qs->is_server || qs->addr_validated)
		return U64_MAX;
	limit = 3 * qs->amp_rx_bytes;
	return limit > qs->amp_tx_bytes ? limit - qs->amp_tx_bytes : 0;
}

/**
 * quic_conn_ack_begin() - start on an ACK frame
 * @sk: socket
 * @space: its packet number space
 * @ack: the frame's processing state, filled here; the caller's until
 *	quic_conn_on_ack(), or until quic_conn_ack_range() fails
 *
 * Remembers how full the window was when the frame came, and when.
 */
void quic_conn_ack_begin(struct sock *sk, u8 space, struct quic_ack_ctx *ack)
{
	struct quic_sock *qs = quic_sk(sk);

	memset(ack, 0, sizeof(*ack));
	ack->sk = sk;
	ack->space = space;
	ack->bytes_in_flight = qs->bytes_in_flight;
	ack->now_us = quic_now_us();
	ack->prev_largest = qs->space[space]->sent.largest_acked;
	quic_recovery_ack_begin(&qs->space[space]->sent, &ack->res);
}

/* The frame turned out malformed: keep what its ranges so far acked. */
void quic_conn_ack_abort(struct quic_ack_ctx *ack)
{
	quic_acked_stream_flush(ack);
}

/* One range of the frame; non-zero ends the frame (the transport error
 * code, if it has one, in ack->res.err).
 */
int quic_conn_ack_range(struct quic_ack_ctx *ack, u64 start, u64 end)
{
	struct quic_space *sp = quic_sk(ack->sk)->space[ack->space];
	int err;

	err = quic_recovery_on_ack_range(&sp->sent, &ack->res, start, end,
					 quic_acked_cb, ack);
	/* The frame ends here: what earlier ranges acknowledged stands. */
	if (err)
		quic_acked_stream_flush(ack);
	return err;
}

static u64 quic_peer_max_ack_delay_us(struct quic_sock *qs)
{
	return qs->peer_tp_set ? qs->peer_tp.max_ack_delay * USEC_PER_MSEC :
				 QUIC_TP_DEF_MAX_ACK_DELAY * USEC_PER_MSEC;
}

/* The current PTO (RFC 9002 6.2.1), without backoff. */
u64 quic_conn_pto_us(struct quic_sock *qs)
{
	return quic_pto_us(&qs->rtt, quic_peer_max_ack_delay_us(qs), 0, true);
}

static void quic_detect_lost(struct sock *sk, u8 space)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_loss_result lr;

	u64 now = quic_now_us();

	quic_recovery_detect_lost(&qs->space[space]->sent, &qs->rtt, now,
				  quic_lost_cb, qs, &lr);
	if (!lr.lost)
		return;
	quic_cong_on_congestion(&qs->cong, lr.largest_lost_sent_us, now);
	if (quic_persistent_congestion(&qs->rtt, quic_peer_max_ack_delay_us(qs),
				       lr.pc_first_sent_us, lr.pc_last_sent_us))
		quic_cong_on_persistent(&qs->cong);
}

/*
 * RFC 9000 13.4.2.1 and RFC 9002 B.7: validate the frame's ECN counts
 * and take a CE increase as a congestion event, starting at the send time
 * of the largest packet it acknowledged.
 */
static void quic_conn_on_ack_ecn(const struct quic_ack_ctx *ack,
				 const struct quic_ecn_counts *ecn)
{
	const struct quic_ack_result *res = &ack->res;
	struct quic_sock *qs = quic_sk(ack->sk);
	u64 prev = ack->prev_largest, ce, sent_us;
	bool grew = prev == QUIC_RECOVERY_PN_NONE || res->largest > prev;

	quic_ecn_on_ack(&qs->ecn, &qs->space[ack->space]->ecn, ecn,
			ack->acked_ect0, grew, &ce);
	if (!ce)
		return;
	sent_us = res->largest_newly_acked != QUIC_RECOVERY_PN_NONE ?
		  res->largest_newly_acked_sent_us : quic_now_us();
	quic_cong_on_congestion(&qs->cong, sent_us, quic_now_us());
}

/**
 * quic_conn_on_ack() - finish processing an ACK frame
 * @ack: the frame's processing state (quic_conn_ack_begin())
 * @delay: the frame's raw ACK Delay
 * @ecn: the frame's ECN counts (ACK_ECN), NULL for a plain ACK
 */
void quic_conn_on_ack(struct quic_ack_ctx *ack, u64 delay,
		      const struct quic_ecn_counts *ecn)
{
	struct quic_ack_result *res = &ack->res;
	struct sock *sk = ack->sk;
	struct quic_sock *qs = quic_sk(sk);
	u8 space = ack->space;
	u64 delay_us = 0;

	/* Before loss detection, so that lost ranges skip what is acked. */
	quic_acked_stream_flush(ack);
	if (space == QUIC_SPACE_APP && qs->peer_tp_set)
		delay_us = delay << qs->peer_tp.ack_delay_exponent;
	quic_recovery_ack_done(&qs->space[space]->sent, res, &qs->rtt,
			       ack->now_us, delay_us,
			       quic_peer_max_ack_delay_us(qs),
			       qs->handshake_confirmed);
	if (res->spurious)
		quic_mib_add(sock_net(sk), QUIC_MIB_SPURIOUS_LOSSES,
			     res->spurious);
	if (res->newly_acked) {
		qs->pto_count = 0;
		if (space == QUIC_SPACE_HANDSHAKE)
			qs->hs_acked = true;
	}
	if (space == QUIC_SPACE_APP)
		quic_key_update_on_ack(sk, res->largest);
	quic_conn_on_ack_ecn(ack, ecn);
	quic_detect_lost(sk, space);
	/* The pages and spares a burst used stay for the next one, even
	 * with nothing left in flight: a bulk sender's flight drains often
	 * between writes. The idle work lets them go (quic_conn_idle_trim()).
	 */
	quic_conn_arm_loss_timer(sk);
	sk->sk_write_space(sk);
}

/**
 * quic_conn_idle_trim() - drop what an idle connection need not keep
 * @sk: socket, lock held
 *
 * The records of ACK-only packets wait for an ACK of an ACK, which a
 * quiet peer never sends: without them, the ranges they covered are only
 * repeated in our next ACKs a little longer. The build pages, pooled send
 * and receive chunks and spare packet records a burst left go too: this
 * is where an idle connection gives them back.
 */
void quic_conn_idle_trim(struct sock *sk)
{
	struct quic_space *app = &quic_sk(sk)->app_space;
	struct quic_recovery_space *sent = &app->sent;
	struct quic_sent_pkt *old;

	/* Nothing is coming to fill the gaps of an idle connection. */
	if (app->floor_next) {
		quic_ackrange_remove_below(&app->recv, app->floor_next);
		app->floor_next = 0;
	}
	while ((old = quic_recovery_shed_ack_only(sent)))
		quic_tx_pkt_free(container_of(old, struct quic_tx_pkt, pkt));
	/* Also when a quiet peer left something unacknowledged. */
	quic_output_release_buffers(sk);
	quic_sb_pool_drain(&quic_sk(sk)->streams.rx_pool);
}

/**
 * quic_conn_on_packet_sent() - a packet left: track it for recovery
 * @sk: socket
 * @tp: its record; owned by the recovery list from now on
 */
void quic_conn_on_packet_sent(struct sock *sk, struct quic_tx_pkt *tp)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[tp->space];

	/* A run leaves as one skb: its datagrams share one send time. */
	if (!qs->gso_run)
		qs->last_tx_us = quic_now_us();
	tp->pkt.time_sent_us = qs->last_tx_us;
	tp->pkt.unconfirmed = !qs->handshake_confirmed;
	if (tp->space == QUIC_SPACE_APP)
		quic_key_update_touch(sk);
	tp->ecn = qs->tx_ecn;
	quic_ecn_on_sent(&sp->ecn, tp->ecn);
	if (quic_recovery_on_sent(&sp->sent, &tp->pkt)) {
		quic_tx_pkt_free(tp);
		return;
	}
	/* A peer that never acknowledges must not make us track without end
	 * the ACKs we send it; a dropped record only keeps the ACK ranges it
	 * covered a little longer.
	 */
	if (sp->sent.ack_only > QUIC_ACK_ONLY_MAX) {
		struct quic_sent_pkt *old;

		old = quic_recovery_shed_ack_only(&sp->sent);
		if (old)
			quic_tx_pkt_free(container_of(old, struct quic_tx_pkt,
						      pkt));
	}
	quic_bytes_in_flight_add(&qs->bytes_in_flight, &tp->pkt);
	if (tp->space == QUIC_SPACE_APP && tp->pkt.in_flight)
		quic_pacer_consume(&qs->pacer, tp->pkt.size);
	/* RFC 9000 10.1: only the first ack-eliciting packet after one
	 * arrived restarts the idle timer; otherwise probes to a peer that
	 * vanished would keep the connection alive for ever.
	 */
	if (tp->pkt.ack_eliciting && !qs->idle_sent_since_rx) {
		qs->idle_sent_since_rx = true;
		quic_conn_touch_idle(sk);
	}
	/* RFC 9001 4.9.1: a client drops Initial keys once it sends a
	 * Handshake packet.
	 */
	if (!qs->is_server && tp->space == QUIC_SPACE_HANDSHAKE)
		quic_conn_discard_space(sk, QUIC_SPACE_INITIAL);
}

/*
 * RFC 9002 6.2.2.1: until the server has surely validated its address (it
 * acknowledged a Handshake packet, or the handshake is confirmed) a client
 * keeps a PTO armed even with nothing in flight. Otherwise a lost server
 * flight, with the server blocked by its anti-amplification limit or far
 * into its PTO backoff, would leave both ends waiting for each other.
 */
static bool quic_conn_needs_anti_deadlock(struct quic_sock *qs)
{
	return !qs->is_server && !qs->handshake_confirmed && !qs->hs_acked &&
	       qs->last_tx_us &&
	       (quic_space_has_tx_keys(qs, QUIC_SPACE_HANDSHAKE) ||
		quic_space_has_tx_keys(qs, QUIC_SPACE_INITIAL));
}

/* Earliest deadline (us) of loss detection or PTO, 0 for none. */
static u64 quic_loss_deadline(struct quic_sock *qs, u8 *which, bool *pto)
{
	struct quic_space *hs = qs->space[QUIC_SPACE_HANDSHAKE];
	u64 t, best = 0;
	u8 i;

	for (i = 0; i < QUIC_SPACE_MAX; i++) {
		t = qs->space[i]->sent.loss_time_us;
		if (!qs->space[i]->discarded && t && (!best || t < best)) {
			best = t;
			*which = i;
		}
	}
	*pto = false;
	if (best)
		return best;
	for (i = 0; i < QUIC_SPACE_MAX; i++) {
		if (qs->space[i]->discarded)
			continue;
		/* RFC 9002 6.2.1: no 1-RTT PTO before confirmation while
		 * handshake data is in flight.
		 */
		if (i == QUIC_SPACE_APP && !qs->handshake_confirmed &&
		    hs->sent.ack_eliciting_in_flight)
			continue;
		t = quic_recovery_pto_time_us(&qs->space[i]->sent, &qs->rtt,
					      quic_peer_max_ack_delay_us(qs),
					      qs->pto_count,
					      i == QUIC_SPACE_APP);
		if (t && (!best || t < best)) {
			best = t;
			*which = i;
		}
	}
	*pto = true;
	if (!best && quic_conn_needs_anti_deadlock(qs)) {
		/* Nothing in flight, yet the server may be waiting for us:
		 * probe in the highest space we have keys for.
		 */
		*which = quic_space_has_tx_keys(qs, QUIC_SPACE_HANDSHAKE) ?
			 QUIC_SPACE_HANDSHAKE : QUIC_SPACE_INITIAL;
		best = quic_pto_us(&qs->rtt, 0, qs->pto_count, false);
		best = qs->last_tx_us + min(best, U64_MAX - qs->last_tx_us);
	}
	return best;
}

static void quic_timer_set_us(struct sock *sk, struct timer_list *t, u64 at)
{
	u64 now = quic_now_us();
	unsigned long delay;

	delay = at > now ? usecs_to_jiffies(at - now) : 0;
	sk_reset_timer(sk, t, jiffies + delay + 1);
}

/* RFC 9002 6.2 SetLossDetectionTimer. */
void quic_conn_arm_loss_timer(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	bool pto;
	u64 at, path_at;
	u8 sp;

	if (qs->closing)
		return;
	at = quic_loss_deadline(qs, &sp, &pto);
	/* RFC 9002 6.2.2.1: a server that may not send a probe arms no
	 * PTO; the client's next datagram raises the limit and re-arms it.
	 */
	if (pto && quic_conn_amp_room(qs) < QUIC_MIN_UDP_PAYLOAD)
		at = 0;
	/* A path validation ends on time even with nothing to probe. */
	path_at = quic_path_deadline(qs);
	if (path_at && (!at || path_at < at))
		at = path_at;
	if (!at) {
		sk_stop_timer(sk, &qs->loss_timer);
		return;
	}
	quic_timer_set_us(sk, &qs->loss_timer, at);
}

/* Send the frames of the space's two oldest unacknowledged packets again. */
static void quic_requeue_oldest(struct quic_sock *qs, struct quic_space *sp)
{
	struct quic_sent_pkt *pkt;
	int n = 0;

	list_for_each_entry(pkt, &sp->sent.sent, list) {
		if (n++ == 2)
			break;
		quic_frames_lost(qs, container_of(pkt, struct quic_tx_pkt,
						  pkt));
	}
}

/*
 * PTO: retransmit the oldest unacknowledged data of the space as probes,
 * in two packets (RFC 9002 6.2.4 allows two datagrams). With one, a single
 * loss, of the probe or of the ACK it earns, costs another PTO twice as
 * long: under 20% loss each way that is one round in three, and a few in
 * a row outlast the idle timeout.
 */
static void quic_pto_probe(struct quic_sock *qs, u8 space)
{
	quic_requeue_oldest(qs, qs->space[space]);
	qs->space[space]->probe = QUIC_PTO_PROBES;
}

/**
 * quic_conn_probe_again() - the first probe of a handshake space was
 *	built: give the next one the same data
 * @sk: socket
 * @space: QUIC_SPACE_INITIAL or QUIC_SPACE_HANDSHAKE
 *
 * A handshake flight mostly fits one packet, which the first probe takes:
 * the second would be a PING, whose ACK does not complete the handshake
 * when the first is lost. Both carry it instead.
 */
void quic_conn_probe_again(struct sock *sk, u8 space)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_requeue_oldest(qs, qs->space[space]);
}

/*
 * RFC 9002 6.2.4: on PTO, probe the space whose timer fired and also every
 * other space with ack-eliciting data in flight, coalesced: an Initial
 * probe alone would leave a lost Handshake flight to a later, backed-off
 * timer.
 */
static void quic_pto_probe_spaces(struct quic_sock *qs, u8 fired)
{
	u32 size;
	u8 i;

	/* Black-hole detection when no ACK arrives at all (pmtu.c): the
	 * probes, and all that follows, go in 1200-byte datagrams.
	 */
	size = quic_pmtu_on_pto(&qs->pmtu, qs->max_dgram, qs->pto_count,
				quic_conn_pmtu_interval(qs));
	quic_conn_set_dgram_size(qs, size);
	quic_pto_probe(qs, fired);
	for (i = 0; i < QUIC_SPACE_MAX; i++) {
		if (i == fired || qs->space[i]->discarded ||
		    !qs->space[i]->sent.ack_eliciting_in_flight)
			continue;
		if (i == QUIC_SPACE_APP && !qs->handshake_confirmed)
			continue;
		quic_pto_probe(qs, i);
	}
}

/**
 * quic_conn_speedup_handshake() - resend our handshake flight now
 * @sk: socket (a server)
 *
 * RFC 9002 6.2.3: a client that repeats its Initial CRYPTO data has most
 * likely not received ours; resending it at once, instead of at a PTO
 * that may have backed off for seconds, completes the handshake sooner.
 * It goes as a PTO's probes do, in two datagrams; the anti-amplification
 * limit still caps what actually leaves.
 */
void quic_conn_speedup_handshake(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 i;

	for (i = QUIC_SPACE_INITIAL; i <= QUIC_SPACE_HANDSHAKE; i++)
		if (!qs->space[i]->discarded &&
		    qs->space[i]->sent.ack_eliciting_in_flight)
			quic_pto_probe(qs, i);
}

static void quic_loss_timeout(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	bool pto, moved;
	u64 at;
	u8 sp;

	/* Back at the last validated address: what waited may go there. */
	moved = quic_path_timeout(sk);
	if (qs->closing)
		return;
	at = quic_loss_deadline(qs, &sp, &pto);
	if (!at || at > quic_now_us()) {
		quic_conn_arm_loss_timer(sk);
		if (moved)
			quic_output_flush(sk);
		return;
	}
	if (!pto) {
		quic_detect_lost(sk, sp);
	} else {
		qs->pto_count++;
		quic_pto_probe_spaces(qs, sp);
		quic_path_on_pto(qs);
	}
	quic_output_flush(sk);
}

void quic_conn_arm_ack_timer(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!timer_pending(&qs->ack_timer))
		sk_reset_timer(sk, &qs->ack_timer, jiffies +
			       msecs_to_jiffies(qs->local_tp.max_ack_delay));
}

static void quic_ack_timeout(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->space[QUIC_SPACE_APP]->ack_eliciting_unacked)
		qs->space[QUIC_SPACE_APP]->ack_now = true;
	quic_output_flush(sk);
}

/* RFC 9000 10.1: the smaller non-zero max_idle_timeout of both sides. */
static u64 quic_idle_timeout_ms(struct quic_sock *qs)
{
	u64 local = qs->local_tp.max_idle_timeout, peer = 0;

	if (qs->peer_tp_set)
		peer = qs->peer_tp.max_idle_timeout;
	if (!local || (peer && peer < local))
		return peer;
	return local;
}

void quic_conn_touch_idle(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 ms = quic_idle_timeout_ms(qs), pto_ms;

	if (!ms || qs->closing)
		return;
	/* RFC 9000 10.1: never less than three PTOs, or loss alone would
	 * look like an idle peer. The PTO without backoff: with it, a peer
	 * that vanished would push the deadline out with every probe.
	 */
	pto_ms = quic_pto_us(&qs->rtt, quic_peer_max_ack_delay_us(qs), 0,
			     true);
	pto_ms = div_u64(3 * pto_ms, USEC_PER_MSEC);
	ms = max(ms, pto_ms);
	sk_reset_timer(sk, &qs->idle_timer, jiffies + msecs_to_jiffies(ms));
}

static void quic_idle_timeout(struct sock *sk)
{
	/* RFC 9000 10.1: close silently; the peer times out likewise. */
	quic_mib_inc(sock_net(sk), QUIC_MIB_IDLE_TIMEOUTS);
	quic_conn_enter_closed(sk, ETIMEDOUT);
}

/**
 * quic_conn_abandon() - end the connection silently, sending nothing
 * @sk: socket, locked
 *
 * For a peer that cannot be reached at any validated address (RFC 9000
 * 9.3.2); the user sees ECONNRESET.
 */
void quic_conn_abandon(struct sock *sk)
{
	quic_conn_enter_closed(sk, ECONNRESET);
}

typedef void (*quic_timeout_fn)(struct sock *sk);

static void quic_timer_run(struct sock *sk, int bit, quic_timeout_fn fn)
{
	struct quic_sock *qs = quic_sk(sk);

	bh_lock_sock(sk);
	/* Datagrams the backlog holds with no owner wait for a woken
	 * waiter or a returning reader (input.c), each of which ends in
	 * release_sock(). They may carry the ACKs this timer is about, or
	 * be what keeps the connection from idling out: it runs after them,
	 * from release_cb, as when the socket is owned.
	 */
	if (!sock_owned_by_user(sk) && !sk->sk_backlog.tail) {
		if (!qs->closing)
			fn(sk);
	} else if (!test_and_set_bit(bit, &qs->deferred)) {
		sock_hold(sk);	/* dropped in quic_conn_release_cb() */
	}
	bh_unlock_sock(sk);
	sock_put(sk);	/* the pending timer's reference */
}

static void quic_loss_timer_fn(struct timer_list *t)
{
	struct quic_sock *qs = from_timer(qs, t, loss_timer);

	quic_timer_run(&qs->inet.sk, QUIC_DEFER_LOSS_TIMER, quic_loss_timeout);
}

static void quic_ack_timer_fn(struct timer_list *t)
{
	struct quic_sock *qs = from_timer(qs, t, ack_timer);

	quic_timer_run(&qs->inet.sk, QUIC_DEFER_ACK_TIMER, quic_ack_timeout);
}

static void quic_pace_timeout(struct sock *sk)
{
	quic_output_flush(sk);
}

static enum hrtimer_restart quic_pace_timer_fn(struct hrtimer *t)
{
	struct quic_sock *qs = container_of(t, struct quic_sock, pace_timer);

	quic_timer_run(&qs->inet.sk, QUIC_DEFER_PACE_TIMER, quic_pace_timeout);
	return HRTIMER_NORESTART;
}

/**
 * quic_conn_arm_pace_timer() - flush again once the pacer allows
 * @sk: socket
 * @delay_us: how long until then
 *
 * A high-resolution timer: at tens of Mbit/s datagrams leave every few
 * hundred microseconds, far below a jiffy. Like sk_reset_timer(), a queued
 * timer holds a socket reference, dropped by quic_timer_run().
 */
void quic_conn_arm_pace_timer(struct sock *sk, u64 delay_us)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->closing || hrtimer_is_queued(&qs->pace_timer))
		return;
	sock_hold(sk);
	hrtimer_start(&qs->pace_timer, ns_to_ktime(delay_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_SOFT);
}

static void quic_idle_timer_fn(struct timer_list *t)
{
	struct quic_sock *qs = from_timer(qs, t, idle_timer);

	quic_timer_run(&qs->inet.sk, QUIC_DEFER_IDLE_TIMER, quic_idle_timeout);
}

/* proto .release_cb: run timer work deferred while the user held the lock. */
void quic_conn_release_cb(struct sock *sk)
{
	static const quic_timeout_fn fns[] = {
		[QUIC_DEFER_LOSS_TIMER]	= quic_loss_timeout,
		[QUIC_DEFER_ACK_TIMER]	= quic_ack_timeout,
		[QUIC_DEFER_IDLE_TIMER]	= quic_idle_timeout,
		[QUIC_DEFER_PACE_TIMER]	= quic_pace_timeout,
	};
	struct quic_sock *qs = quic_sk(sk);
	int bit;

	/* Answer what quic_backlog_rcv() took in, all at once. */
	if (qs->backlog_flush) {
		qs->backlog_flush = false;
		if (!qs->closing)
			quic_output_flush(sk);
	}
	for (bit = 0; bit < ARRAY_SIZE(fns); bit++) {
		if (!test_and_clear_bit(bit, &qs->deferred))
			continue;
		if (!qs->closing)
			fns[bit](sk);
		__sock_put(sk);
	}
}

void quic_conn_timers_init(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	timer_setup(&qs->loss_timer, quic_loss_timer_fn, 0);
	timer_setup(&qs->ack_timer, quic_ack_timer_fn, 0);
	timer_setup(&qs->idle_timer, quic_idle_timer_fn, 0);
	hrtimer_init(&qs->pace_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	qs->pace_timer.function = quic_pace_timer_fn;
}

void quic_conn_timers_stop(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	sk_stop_timer(sk, &qs->loss_timer);
	sk_stop_timer(sk, &qs->ack_timer);
	sk_stop_timer(sk, &qs->idle_timer);
	/* A callback already running drops its own reference. */
	if (hrtimer_try_to_cancel(&qs->pace_timer) == 1)
		__sock_put(sk);
}

/**
 * quic_conn_app_readable() - may recvmsg() return stream data and datagrams
 * @sk: socket
 *
 * Not during the handshake: whoever reads then is the handshake (libquic),
 * which wants TLS messages; what 0-RTT brought waits for the application.
 *
 * Return: true once the handshake is over (or never started).
 */
bool quic_conn_app_readable(const struct sock *sk)
{
	return sk->sk_state != QUIC_SS_ESTABLISHING;
}

/**
 * quic_conn_app_sendable() - may stream data and datagrams be queued
 * @sk: socket
 *
 * Once established; or before the handshake on a client that gave back
 * the server's transport parameters of an earlier connection, whose
 * limits 0-RTT data keeps within (RFC 9000 7.4.1, early.c): the data then
 * waits for 0-RTT keys, or for 1-RTT ones if there are none.
 *
 * Return: true if sendmsg() and QUIC_SOCKOPT_STREAM_OPEN may go on.
 */
bool quic_conn_app_sendable(const struct sock *sk)
{
	const struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state == QUIC_SS_ESTABLISHED)
		return true;
	return sk->sk_state == QUIC_SS_ESTABLISHING && !qs->is_server &&
	       qs->early_tp && !qs->closing;
}

/**
 * quic_conn_update_rx_ready() - recompute whether recvmsg() has something
 * @sk: socket
 *
 * Waiting readers and poll() read ->rx_ready without the socket lock; the
 * buffers it summarises may only be walked with the lock held.
 */
void quic_conn_update_rx_ready(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	bool ready = !skb_queue_empty(&qs->event_queue) ||
		     (quic_conn_app_readable(sk) &&
		      (!list_empty(&qs->streams.readable) ||
		       !skb_queue_empty(&sk->sk_receive_queue)));
	int i;

	for (i = QUIC_SPACE_INITIAL; i <= QUIC_SPACE_HANDSHAKE && !ready; i++)
		ready = !qs->space[i]->discarded &&
			quic_recvbuf_readable(&qs->space[i]->crypto_rx);
	WRITE_ONCE(qs->rx_ready, ready);
}

/* New data for the reader: wake it and any poller. */
void quic_conn_data_ready(struct sock *sk)
{
	WRITE_ONCE(quic_sk(sk)->rx_ready, true);
	sk->sk_data_ready(sk);
}
