/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection data path: the one header the receive path, the send
 * path, frame handling, timers and the socket calls share.
 *
 * Context for everything here: the socket lock is held (process context,
 * or softirq with bh_lock_sock() and no user owning the socket).
 */
#ifndef _NET_QUIC_CONN_H
#define _NET_QUIC_CONN_H

#include "early.h"
#include "socket.h"

struct quic_frame;

/* What a sent packet carried, to resend the frames (not the packet). */
enum quic_tx_frame_kind {
	QUIC_TXF_CRYPTO,
	QUIC_TXF_STREAM,
	QUIC_TXF_MAX_STREAM_DATA,
	QUIC_TXF_RESET_STREAM,
	QUIC_TXF_STOP_SENDING,
	QUIC_TXF_NEW_CID,	/* stream_id: the sequence number */
	QUIC_TXF_RETIRE_CID,	/* likewise */
};

struct quic_tx_frame {
	u8	kind;
	bool	fin;
	u32	len;
	s64	stream_id;
	u64	offset;
};

#define QUIC_TX_FRAMES_MAX	12

/*
 * Packets carrying only ACK frames, outstanding in one space: from
 * QUIC_ACK_ONLY_PING on, one of them carries a PING so that the peer
 * acknowledges them (output.c); beyond QUIC_ACK_ONLY_MAX the oldest record
 * is dropped (quic_conn_on_packet_sent()).
 */
#define QUIC_ACK_ONLY_PING	32
#define QUIC_ACK_ONLY_MAX	64

struct quic_tx_pkt {
	struct quic_sent_pkt	pkt;
	u8			space;
	u8			nframes;
	bool			has_ack;
	bool			ecn;		/* sent ECT(0) */
	bool			early;		/* a 0-RTT packet */
	u32			ctrl;		/* enum quic_ctrl_pending */
	u64			ack_largest;	/* largest pn our ACK covered */
	struct quic_tx_frame	frames[QUIC_TX_FRAMES_MAX];
};

/**
 * struct quic_ack_ctx - an ACK frame being processed (quic_conn_ack_begin(),
 *	quic_conn_ack_range(), quic_conn_on_ack()), on the caller's stack
 * @res: what its ranges acknowledged (recovery.c)
 * @sk: the socket
 * @space: its packet number space
 * @bytes_in_flight: bytes in flight when it arrived
 * @now_us: when it arrived: one clock read for every packet it acknowledges
 * @prev_largest: the largest packet number acknowledged before it
 * @acked_ect0: packets sent with ECT(0) it newly acknowledged
 * @stream: stream data of the packets it acknowledges, gathered into one
 *	range (@id, @start to @end, @fin) while it stays contiguous
 */
struct quic_ack_ctx {
	struct quic_ack_result	res;
	struct sock		*sk;
	u8			space;
	u64			bytes_in_flight;
	u64			now_us;
	u64			prev_largest;
	u64			acked_ect0;
	struct {
		s64		id;
		u64		start;
		u64		end;
		bool		fin;
		bool		set;
	} stream;
};

static inline u8 quic_space_level(u8 space)
{
	static const u8 level[QUIC_SPACE_MAX] = {
		[QUIC_SPACE_INITIAL]	= QUIC_CRYPTO_INITIAL,
		[QUIC_SPACE_HANDSHAKE]	= QUIC_CRYPTO_HANDSHAKE,
		[QUIC_SPACE_APP]	= QUIC_CRYPTO_APP,
	};

	return level[space];
}

/*
 * The keys of @level, or NULL where there are none: an Initial, Handshake
 * or 0-RTT level not set up yet or already discarded.
 */
static inline struct quic_crypto *quic_level_crypto(struct quic_sock *qs,
						    u8 level)
{
	switch (level) {
	case QUIC_CRYPTO_APP:
		return &qs->app_crypto;
	case QUIC_CRYPTO_INITIAL:
		return qs->hs_crypto[QUIC_SPACE_INITIAL];
	case QUIC_CRYPTO_HANDSHAKE:
		return qs->hs_crypto[QUIC_SPACE_HANDSHAKE];
	case QUIC_CRYPTO_EARLY:
		return qs->early ? &qs->early->crypto : NULL;
	}
	return NULL;
}

static inline bool quic_space_has_tx_keys(struct quic_sock *qs, u8 space)
{
	struct quic_crypto *c = quic_level_crypto(qs, quic_space_level(space));

	return !qs->space[space]->discarded && c && c->tx.ready;
}

struct quic_udp_sock;

/* output.c */
void quic_output_flush(struct sock *sk);
void quic_output_close(struct sock *sk);
void quic_output_push(struct sock *sk);
void quic_output_resend(struct sock *sk, const u8 *dgram, u32 len);
bool quic_output_stateless_allowed(void);
int quic_output_stateless(struct quic_udp_sock *us, int oif,
			  const union quic_addr *peer, const u8 *data, u32 len);
int quic_output_path_probe(struct sock *sk, struct quic_udp_sock *us,
			   const union quic_addr *from,
			   const union quic_addr *to,
			   const struct quic_frame *f, u32 size);
void quic_output_release_buffers(struct sock *sk);
struct net_device *quic_output_route_dev(struct sock *sk,
					 netdevice_tracker *tracker);
void quic_tx_pkt_free(struct quic_tx_pkt *tp);
void quic_tx_pkt_recycle(struct sock *sk, struct quic_tx_pkt *tp);
int quic_output_init(void);
void quic_output_exit(void);

/* input.c */
void quic_udp_rcv(struct quic_udp_sock *us, struct sk_buff *skb);
int quic_backlog_rcv(struct sock *sk, struct sk_buff *skb);
void quic_input_retry_pending(struct sock *sk);
void quic_input_defer(struct sock *sk, const u8 *pkt, u32 len);
void quic_input_datagram(struct sock *sk, struct sk_buff *skb);
void quic_input_deliver(struct sock *sk, struct sk_buff *skb);
void quic_input_reader_init(struct sock *sk);
void quic_input_reader_stop(struct sock *sk);
void quic_input_reader_back(struct sock *sk);
void quic_input_reader_seen(struct sock *sk, bool expected_back);
void quic_input_reader_polls(struct sock *sk);
bool quic_listener_redirect(struct sock *lsk, struct sk_buff *skb);
u32 quic_listener_redirect_queue(struct sock *lsk, struct sk_buff_head *q);
void quic_listener_release_held(struct sock *lsk);

/* msg.c */
int quic_stream_open_wait(struct sock *sk, s64 id, long *timeo,
			  struct quic_stream **sp);

/* frames.c */
/* A frame handler's answer: drop the packet unacknowledged (frames.c). */
#define QUIC_FRAMES_DROP_PACKET	U32_MAX

struct quic_rx_path;
int quic_frames_process(struct sock *sk, u8 space, bool early,
			const u8 *payload, u32 len, bool *ack_eliciting,
			struct quic_rx_path *path);

/* conn.c */
void quic_conn_module_init(void);
int quic_conn_init(struct sock *sk);
void quic_conn_free_spaces(struct sock *sk);
int quic_conn_level_crypto(struct sock *sk, u8 level, struct quic_crypto **c);
void quic_conn_apply_peer_tparams(struct quic_sock *qs);
bool quic_conn_app_readable(const struct sock *sk);
bool quic_conn_app_sendable(const struct sock *sk);
u64 quic_conn_pto_us(struct quic_sock *qs);

void quic_key_update_init(struct sock *sk);
void quic_key_update_stop(struct sock *sk);
void quic_key_update_established(struct sock *sk);
void quic_key_update_touch(struct sock *sk);
void quic_conn_idle_trim(struct sock *sk);
int quic_key_update_start(struct sock *sk);
void quic_key_update_on_rx(struct sock *sk, bool key_update, u8 key_phase);
void quic_key_update_on_ack(struct sock *sk, u64 largest);
void quic_conn_destroy(struct sock *sk, bool keep_cids);
void quic_conn_error(struct sock *sk, u64 errcode, u64 frame);
void quic_conn_abort(struct sock *sk, int err);
void quic_conn_abandon(struct sock *sk);
void quic_conn_peer_closed(struct sock *sk);
void quic_conn_check_established(struct sock *sk);
void quic_conn_early_refused(struct sock *sk);
void quic_conn_discard_space(struct sock *sk, u8 space);
void quic_conn_restart_initial(struct sock *sk);
void quic_conn_set_token(struct quic_sock *qs, u8 *token, u8 len,
			 bool from_retry);
bool quic_conn_awaits_server(const struct sock *sk);
void quic_conn_peer_reset(struct sock *sk);
void quic_conn_version_refused(struct sock *sk);
void quic_conn_on_packet_sent(struct sock *sk, struct quic_tx_pkt *tp);
void quic_conn_on_ack(struct quic_ack_ctx *ack, u64 delay,
		      const struct quic_ecn_counts *ecn);
int quic_conn_ack_range(struct quic_ack_ctx *ack, u64 start, u64 end);
void quic_conn_ack_abort(struct quic_ack_ctx *ack);
void quic_conn_arm_loss_timer(struct sock *sk);
void quic_conn_arm_ack_timer(struct sock *sk);
void quic_conn_touch_idle(struct sock *sk);
void quic_conn_cong_reset(struct quic_sock *qs);
void quic_conn_update_dgram_size(struct quic_sock *qs);
u32 quic_conn_dgram_bound(const struct quic_sock *qs);
u32 quic_conn_pmtu_probe_size(struct quic_sock *qs);
u64 quic_conn_amp_room(const struct quic_sock *qs);
void quic_conn_speedup_handshake(struct sock *sk);
void quic_conn_probe_again(struct sock *sk, u8 space);
void quic_conn_arm_pace_timer(struct sock *sk, u64 delay_us);
void quic_conn_stream_maybe_free(struct sock *sk, struct quic_stream *s);
void quic_conn_ack_begin(struct sock *sk, u8 space, struct quic_ack_ctx *ack);
void quic_conn_data_ready(struct sock *sk);
void quic_conn_update_rx_ready(struct sock *sk);
int quic_conn_set_peer_tparams(struct sock *sk, const u8 *buf, u32 len);
int quic_conn_fix_local_tparams(struct sock *sk);
int quic_conn_encode_local_tparams(struct sock *sk, u8 *buf, u32 len);
int quic_conn_install_secret(struct sock *sk,
			     const struct quic_crypto_secret *s);
void quic_conn_release_cb(struct sock *sk);
void quic_conn_timers_init(struct sock *sk);
void quic_conn_timers_stop(struct sock *sk);

#endif /* _NET_QUIC_CONN_H */
