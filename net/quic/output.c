// SPDX-License-Identifier: GPL-2.0
/*
 * Send path: fill datagrams with packets (coalescing Initial, Handshake and
 * 1-RTT packets, RFC 9000 12.2), fill packets with frames, protect each
 * packet in one step, and hand the datagram to the UDP tunnel.
 *
 * Offload design point: a packet is laid out completely (header in clear,
 * payload, room for the AEAD tag) before quic_packet_protect() runs, and
 * that step needs only the key context, the buffer and the offsets. A NIC,
 * or a software fallback below the stack, can run the same step on each
 * segment of a GSO super-packet instead.
 */

#include <linux/module.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <net/dst_cache.h>
#include <net/udp_tunnel.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include "closing.h"
#include "conn.h"
#include "connid.h"
#include "datagram.h"
#include "early.h"
#include "frame.h"
#include "header.h"
#include "offload.h"
#include "path.h"
#include "peercid.h"
#include "pnum.h"
#include "proc.h"
#include "retry.h"
#include "udp.h"

#define QUIC_TX_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr))
/* Bound on a frame header before its data: type, stream ID, offset, len. */
#define QUIC_STREAM_HDR_MAX	(1 + 8 + 8 + 4)
/* Datagrams one flush may send, so a flush never runs unbounded. */
#define QUIC_FLUSH_BURST	64
/*
 * UDP payload of one GSO super-packet, all its datagrams together: what
 * one IP packet's 16-bit length leaves room for with the headers (43
 * datagrams of 1472 bytes, 44 of 1452 over IPv6).
 */
#define QUIC_GSO_MAX_BYTES	64000

static bool gso = true;
module_param(gso, bool, 0644);
MODULE_PARM_DESC(gso, "Send full-size 1-RTT datagram runs as UDP GSO (default on)");

static struct kmem_cache *quic_tx_pkt_cache;

/* A packet being filled: payload goes at buf[pos] up to buf[limit]. */
struct quic_pkt_builder {
	u8			*buf;
	u32			pos;
	u32			limit;
	bool			ack_eliciting;
	bool			early;		/* a 0-RTT packet */
	bool			short_tail;	/* new data, not filling it */
	struct quic_stream	*held;		/* first one whose tail waits */
	struct quic_tx_pkt	*tp;
};

static bool quic_sendbuf_pending(struct quic_sendbuf *sb, u64 max)
{
	u64 off;
	bool fin;
	u32 len;

	if (quic_sendbuf_idle(sb))
		return false;
	return quic_sendbuf_next(sb, max, 1024, &off, &len, &fin);
}

static u64 quic_conn_credit(struct quic_sock *qs)
{
	return qs->tx_max_data > qs->tx_data ?
	       qs->tx_max_data - qs->tx_data : 0;
}

/* RFC 9002 7.7: no burst larger than the initial window. */
#define QUIC_PACING_BURST \
	(QUIC_CONG_INITIAL_WINDOW_PACKETS * QUIC_MIN_UDP_PAYLOAD)

/* Room in the congestion window for one more full datagram. */
static bool quic_cwnd_room(const struct quic_sock *qs)
{
	return qs->bytes_in_flight + qs->max_dgram <= qs->cong.cwnd;
}

/*
 * New stream data needs room in the congestion window and, so that the
 * window is spread over the round trip rather than sent in one burst
 * (RFC 9002 7.7), budget in the pacer; when only the pacer says no, its
 * timer resumes sending.
 */
static bool quic_cwnd_open(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 rate, wait;

	if (!quic_cwnd_room(qs))
		return false;
	/* A GSO run the pacer let start may fill up (about a millisecond
	 * of the pacing rate, quic_gso_max_segs()): batching is what GSO
	 * is for.
	 */
	if (qs->gso_run)
		return true;
	rate = quic_rtt_has_sample(&qs->rtt) ?
	       quic_cong_pacing_rate(&qs->cong, qs->rtt.smoothed_rtt) :
	       U64_MAX;
	quic_pacer_refill(&qs->pacer, rate, QUIC_PACING_BURST, quic_now_us());
	wait = quic_pacer_wait_us(&qs->pacer, rate, qs->max_dgram);
	if (!wait)
		return true;
	quic_conn_arm_pace_timer(sk, wait);
	return false;
}

static bool quic_app_pending(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return false;
	if (qs->ctrl_pending || !list_empty(&qs->streams.ctrl_list) ||
	    quic_path_tx_pending(qs))
		return true;
	if (list_empty(&qs->streams.send_list) && !quic_dgram_tx_pending(sk))
		return false;
	return quic_cwnd_open(sk);
}

/* What a client's 0-RTT packets may carry (quic_write_early_frames()). */
static bool quic_early_pending(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->space[QUIC_SPACE_APP]->probe ||
	    !list_empty(&qs->streams.ctrl_list))
		return true;
	if (list_empty(&qs->streams.send_list) && !quic_dgram_tx_pending(sk))
		return false;
	return quic_cwnd_open(sk);
}

static bool quic_space_pending(struct sock *sk, u8 space)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[space];

	if (space == QUIC_SPACE_APP && quic_early_tx_ready(qs))
		return quic_early_pending(sk);
	if (!quic_space_has_tx_keys(qs, space))
		return false;
	if (sp->ack_now || sp->probe)
		return true;
	if (quic_sendbuf_pending(&sp->crypto_tx, U64_MAX))
		return true;
	return space == QUIC_SPACE_APP && quic_app_pending(sk);
}

static bool quic_builder_add_frame(struct quic_pkt_builder *b,
				   const struct quic_frame *f)
{
	int n = quic_frame_encode(b->buf + b->pos, b->limit - b->pos, f);

	if (n <= 0)
		return false;
	b->pos += n;
	if (quic_frame_ack_eliciting(f->type))
		b->ack_eliciting = true;
	return true;
}

static struct quic_tx_frame *quic_builder_record(struct quic_pkt_builder *b,
						 u8 kind, s64 id)
{
	struct quic_tx_frame *f;

	if (b->tp->nframes >= QUIC_TX_FRAMES_MAX)
		return NULL;
	f = &b->tp->frames[b->tp->nframes++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->stream_id = id;
	return f;
}

static void quic_write_ack(struct sock *sk, u8 space,
			   struct quic_pkt_builder *b)
{
	struct quic_ack_range r[QUIC_ACKRANGE_MAX];
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[space];
	struct quic_ack_ecn ecn, *pecn = NULL;
	struct quic_ecn_counts counts;
	u32 i, n = 0, encoded;
	u64 delay = 0;
	int len;

	for (i = 0; i < sp->recv.count && i < QUIC_ACKRANGE_MAX; i++) {
		if (quic_ackrange_get(&sp->recv, i, &r[n].start, &r[n].end))
			break;
		n++;
	}
	if (!n)
		return;
	/* Delay is only meaningful, and only scaled, in 1-RTT packets. */
	if (space == QUIC_SPACE_APP) {
		delay = div_u64(ktime_get_ns() - sp->recv.largest_recv_ns,
				NSEC_PER_USEC);
		delay >>= qs->local_tp.ack_delay_exponent;
	}
	/* ACK_ECN once anything arrived ECN-marked (RFC 9000 13.4.1). */
	if (quic_ecn_ack_counts(&sp->ecn, &counts)) {
		ecn.ect0 = counts.ect0;
		ecn.ect1 = counts.ect1;
		ecn.ce = counts.ce;
		pecn = &ecn;
	}
	len = quic_frame_ack_encode(b->buf + b->pos, b->limit - b->pos, r, n,
				    delay, pecn, &encoded);
	if (len <= 0)
		return;
	b->pos += len;
	b->tp->has_ack = true;
	b->tp->ack_largest = r[0].end;
	sp->ack_now = false;
	sp->ack_eliciting_unacked = 0;
}

static void quic_write_crypto(struct sock *sk, u8 space,
			      struct quic_pkt_builder *b)
{
	struct quic_sendbuf *sb = &quic_sk(sk)->space[space]->crypto_tx;
	struct quic_tx_frame *rec;
	u32 avail, len;
	u64 off;
	bool fin;
	int h;

	if (quic_sendbuf_idle(sb))
		return;
	for (;;) {
		avail = b->limit - b->pos;
		if (avail <= QUIC_STREAM_HDR_MAX)
			return;
		if (!quic_sendbuf_next(sb, U64_MAX, avail - QUIC_STREAM_HDR_MAX,
				       &off, &len, &fin) || !len)
			return;
		rec = quic_builder_record(b, QUIC_TXF_CRYPTO, 0);
		if (!rec)
			return;
		h = quic_frame_crypto_hdr_encode(b->buf + b->pos, avail, off,
						 len);
		if (h <= 0 || quic_sendbuf_copy(sb, off, b->buf + b->pos + h,
						len)) {
			b->tp->nframes--;
			return;
		}
		quic_sendbuf_mark_sent(sb, off, len, false);
		rec->offset = off;
		rec->len = len;
		b->pos += h + len;
		b->ack_eliciting = true;
	}
}

/*
 * A token for the client's next connection (RFC 9000 8.1.3), made afresh
 * each time the frame is sent, a lost one included.
 */
static u32 quic_write_new_token(struct sock *sk, struct quic_pkt_builder *b)
{
	u8 token[QUIC_TOKEN_LEN];
	struct quic_frame f = {};
	int len;

	len = quic_token_seal(QUIC_TOKEN_NEW, &quic_sk(sk)->peer, NULL, token);
	if (len < 0)
		return QUIC_CTRL_NEW_TOKEN;	/* cannot be: give up on it */
	f.type = QUIC_FRAME_NEW_TOKEN;
	f.new_token.token = token;
	f.new_token.len = len;
	return quic_builder_add_frame(b, &f) ? QUIC_CTRL_NEW_TOKEN : 0;
}

/*
 * Path validation frames (path.c), first in a 1-RTT packet: a
 * PATH_RESPONSE must not wait (RFC 9000 8.2.2), and the datagram to an
 * address under validation may be small (the anti-amplification limit).
 * Neither is retransmitted: a lost challenge is followed by a fresh one,
 * a lost response by the peer's next challenge.
 */
static void quic_write_path(struct sock *sk, struct quic_pkt_builder *b)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_frame f;

	/* No path state, no path frames: the common case, once per packet */
	if (!qs->path)
		return;
	memset(&f, 0, sizeof(f));
	if (quic_path_response_pending(qs, f.path.data)) {
		f.type = QUIC_FRAME_PATH_RESPONSE;
		if (quic_builder_add_frame(b, &f))
			quic_path_response_sent(qs);
	}
	if (quic_path_challenge_pending(qs)) {
		f.type = QUIC_FRAME_PATH_CHALLENGE;
		get_random_bytes(f.path.data, sizeof(f.path.data));
		if (quic_builder_add_frame(b, &f))
			quic_path_challenge_sent(qs, f.path.data);
	}
}

/* Connection-level control frames; a bit is cleared once written. */
static void quic_write_conn_ctrl(struct sock *sk, struct quic_pkt_builder *b)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_frame f;
	u32 done = 0;

	if (!qs->ctrl_pending)
		return;
	memset(&f, 0, sizeof(f));
	if (qs->ctrl_pending & QUIC_CTRL_HANDSHAKE_DONE) {
		f.type = QUIC_FRAME_HANDSHAKE_DONE;
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_HANDSHAKE_DONE;
	}
	if (qs->ctrl_pending & QUIC_CTRL_MAX_DATA) {
		f.type = QUIC_FRAME_MAX_DATA;
		f.max_data.max = qs->rx_fc.max;
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_MAX_DATA;
	}
	if (qs->ctrl_pending & QUIC_CTRL_MAX_STREAMS_BIDI) {
		f.type = QUIC_FRAME_MAX_STREAMS_BIDI;
		f.max_streams.max = qs->streams.local_limit[0];
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_MAX_STREAMS_BIDI;
	}
	if (qs->ctrl_pending & QUIC_CTRL_MAX_STREAMS_UNI) {
		f.type = QUIC_FRAME_MAX_STREAMS_UNI;
		f.max_streams.max = qs->streams.local_limit[1];
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_MAX_STREAMS_UNI;
	}
	if (qs->ctrl_pending & QUIC_CTRL_DATA_BLOCKED) {
		f.type = QUIC_FRAME_DATA_BLOCKED;
		f.data_blocked.max = qs->tx_max_data;
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_DATA_BLOCKED;
	}
	if (qs->ctrl_pending & QUIC_CTRL_STREAMS_BLOCKED_BIDI) {
		f.type = QUIC_FRAME_STREAMS_BLOCKED_BIDI;
		f.streams_blocked.max = qs->streams.peer_limit[0];
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_STREAMS_BLOCKED_BIDI;
	}
	if (qs->ctrl_pending & QUIC_CTRL_STREAMS_BLOCKED_UNI) {
		f.type = QUIC_FRAME_STREAMS_BLOCKED_UNI;
		f.streams_blocked.max = qs->streams.peer_limit[1];
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_STREAMS_BLOCKED_UNI;
	}
	if (qs->ctrl_pending & QUIC_CTRL_NEW_TOKEN)
		done |= quic_write_new_token(sk, b);
	if (qs->ctrl_pending & QUIC_CTRL_PING) {
		f.type = QUIC_FRAME_PING;
		if (quic_builder_add_frame(b, &f))
			done |= QUIC_CTRL_PING;
	}
	qs->ctrl_pending &= ~done;
	b->tp->ctrl |= done;
}

/* NEW_CONNECTION_ID and RETIRE_CONNECTION_ID frames due (connid.c). */
static void quic_write_connids(struct sock *sk, struct quic_pkt_builder *b)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_frame f;
	u64 seq;
	u8 kind;

	if (!(qs->ctrl_pending & QUIC_CTRL_CONNID))
		return;
	while (quic_connid_write_one(sk, &f, &kind, &seq)) {
		if (!quic_builder_record(b, kind, seq))
			return;
		if (!quic_builder_add_frame(b, &f)) {
			b->tp->nframes--;
			return;
		}
		quic_connid_written(sk, kind, seq);
	}
	qs->ctrl_pending &= ~QUIC_CTRL_CONNID;
}

static bool quic_write_stream_ctrl_one(struct quic_pkt_builder *b,
				       struct quic_stream *s)
{
	struct quic_tx_frame *rec;
	struct quic_frame f = {};

	if (s->max_data_pending) {
		f.type = QUIC_FRAME_MAX_STREAM_DATA;
		f.max_stream_data.stream_id = s->id;
		f.max_stream_data.max = s->rx.max_offset;
		if (!quic_builder_record(b, QUIC_TXF_MAX_STREAM_DATA, s->id))
			return false;
		if (!quic_builder_add_frame(b, &f)) {
			b->tp->nframes--;
			return false;
		}
		s->max_data_pending = false;
	}
	if (s->reset_pending) {
		f.type = QUIC_FRAME_RESET_STREAM;
		f.reset_stream.stream_id = s->id;
		f.reset_stream.app_error = s->reset_code;
		f.reset_stream.final_size = s->tx.sent_offset;
		rec = quic_builder_record(b, QUIC_TXF_RESET_STREAM, s->id);
		if (!rec)
			return false;
		/* What its acknowledgment tells the application (conn.c). */
		rec->offset = f.reset_stream.final_size;
		rec->len = f.reset_stream.app_error;
		if (!quic_builder_add_frame(b, &f)) {
			b->tp->nframes--;
			return false;
		}
		s->reset_pending = false;
		s->reset_sent = true;
	}
	if (s->stop_pending) {
		f.type = QUIC_FRAME_STOP_SENDING;
		f.stop_sending.stream_id = s->id;
		f.stop_sending.app_error = s->stop_code;
		if (!quic_builder_record(b, QUIC_TXF_STOP_SENDING, s->id))
			return false;
		if (!quic_builder_add_frame(b, &f)) {
			b->tp->nframes--;
			return false;
		}
		s->stop_pending = false;
	}
	if (s->blocked_pending) {
		f.type = QUIC_FRAME_STREAM_DATA_BLOCKED;
		f.stream_data_blocked.stream_id = s->id;
		f.stream_data_blocked.max = s->tx_max;
		if (!quic_builder_add_frame(b, &f))
			return false;
		s->blocked_pending = false;
	}
	return true;
}

static void quic_write_stream_ctrl(struct sock *sk,
				   struct quic_pkt_builder *b)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	struct quic_stream *s, *tmp;

	list_for_each_entry_safe(s, tmp, &t->ctrl_list, ctrl_node) {
		if (!quic_write_stream_ctrl_one(b, s))
			return;
		list_del_init(&s->ctrl_node);
	}
}

/*
 * Nagle's algorithm in Minshall's variant (on unless the application set
 * stream_data_nodelay, as draft-lxin-quic-socket-apis has it) and
 * MSG_MORE: new data too short to fill the packet waits while an earlier
 * short packet of stream data is unacknowledged, or while the application
 * says more follows. Without it every write() of a few bytes costs a
 * packet, and a write that does not end on a packet boundary a short one.
 * A full packet, a retransmission, a FIN, a PTO probe and a packet that
 * leaves anyway (it carries ack-eliciting frames already) never wait.
 * The ACK that ends a wait is followed by a flush, and close() sends what
 * waits (quic_output_push()).
 */
static bool quic_stream_tail_waits(struct quic_sock *qs,
				   const struct quic_stream *s,
				   const struct quic_pkt_builder *b)
{
	struct quic_space *sp = qs->space[QUIC_SPACE_APP];
	struct quic_stream_table *t = &qs->streams;
	u64 acked = sp->sent.largest_acked;

	if (t->tx_push || sp->probe || b->ack_eliciting || b->early)
		return false;
	if (s->tx_more)
		return true;
	if (qs->config.stream_data_nodelay || !t->nagle_out)
		return false;
	if (acked != QUIC_RECOVERY_PN_NONE &&
	    (s32)((u32)acked - t->nagle_pn) >= 0) {
		t->nagle_out = false;
		return false;
	}
	return true;
}

/* One STREAM frame from @s; false when the packet is full. */
static bool quic_write_stream_one(struct sock *sk, struct quic_stream *s,
				  struct quic_pkt_builder *b)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 limit, off, sent_before = s->tx.sent_offset;
	struct quic_tx_frame *rec;
	bool fin, tail;
	u32 avail, len;
	int h;

	avail = b->limit - b->pos;
	if (avail <= QUIC_STREAM_HDR_MAX)
		return false;
	limit = min(s->tx_max, sent_before + quic_conn_credit(qs));
	if (!quic_sendbuf_next(&s->tx, limit, avail - QUIC_STREAM_HDR_MAX,
			       &off, &len, &fin)) {
		if (quic_sendbuf_blocked_at(&s->tx, s->tx_max)) {
			s->blocked_pending = true;
			list_move_tail(&s->ctrl_node, &qs->streams.ctrl_list);
		} else if (quic_sendbuf_blocked_at(&s->tx, limit)) {
			qs->ctrl_pending |= QUIC_CTRL_DATA_BLOCKED;
		}
		list_del_init(&s->send_node);
		return true;
	}
	tail = off >= sent_before && len < avail - QUIC_STREAM_HDR_MAX;
	if (tail && !fin && quic_stream_tail_waits(qs, s, b)) {
		qs->streams.tx_held = true;
		if (!b->held)
			b->held = s;
		list_move_tail(&s->send_node, &qs->streams.send_list);
		return true;
	}
	rec = quic_builder_record(b, QUIC_TXF_STREAM, s->id);
	if (!rec)
		return false;
	h = quic_frame_stream_hdr_encode(b->buf + b->pos, avail, s->id, off,
					 len, fin, true);
	if (h <= 0 ||
	    (len && quic_sendbuf_copy(&s->tx, off, b->buf + b->pos + h, len))) {
		b->tp->nframes--;
		return false;
	}
	quic_sendbuf_mark_sent(&s->tx, off, len, fin);
	if (off + len > sent_before)
		qs->tx_data += off + len - max(off, sent_before);
	rec->offset = off;
	rec->len = len;
	rec->fin = fin;
	b->pos += h + len;
	b->ack_eliciting = true;
	b->short_tail |= tail;
	/* Round robin: the next packet starts with the next stream. */
	list_move_tail(&s->send_node, &qs->streams.send_list);
	return true;
}

static void quic_write_streams(struct sock *sk, struct quic_pkt_builder *b)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream *s;
	u32 budget = 64;

	while (budget-- && !list_empty(&qs->streams.send_list)) {
		s = list_first_entry(&qs->streams.send_list,
				     struct quic_stream, send_node);
		/* Round the list once more: only waiting tails are left. */
		if (s == b->held)
			return;
		if (!quic_write_stream_one(sk, s, b))
			return;
	}
}

/*
 * The one step that turns a laid-out packet into a protected one: AEAD over
 * the payload with the header as associated data, then header protection.
 */
static int quic_packet_protect(struct quic_crypto *c, u8 *pkt,
			       const struct quic_packet_layout *l,
			       u32 payload_len, u64 pn)
{
	return quic_crypto_encrypt(c, pkt, l->hdr_len, l->pn_offset,
				   l->pn_len, payload_len, pn);
}

static void quic_fill_desc(struct quic_sock *qs, u8 space, bool early,
			   u64 pn, struct quic_packet_desc *d)
{
	struct quic_space *sp = qs->space[space];
	struct quic_cid_entry *scid;
	u64 largest = sp->sent.largest_acked;

	memset(d, 0, sizeof(*d));
	d->version = qs->version;
	d->dcid = qs->dcid.cid.data;
	d->dcid_len = qs->dcid.cid.len;
	scid = list_first_entry_or_null(&qs->scids, struct quic_cid_entry,
					list);
	if (scid) {
		d->scid = scid->cid.data;
		d->scid_len = scid->cid.len;
	}
	d->pn = pn;
	d->pn_len = quic_pnum_send_len(pn, largest);
	d->length_len = 2;
	if (space == QUIC_SPACE_INITIAL) {
		d->type = QUIC_PACKET_INITIAL;
		/* A client's Initials carry its token, if it has one. */
		if (!qs->is_server) {
			d->token = qs->token;
			d->token_len = qs->token_len;
		}
	} else if (space == QUIC_SPACE_HANDSHAKE) {
		d->type = QUIC_PACKET_HANDSHAKE;
	} else if (early) {
		d->type = QUIC_PACKET_0RTT;
	} else {
		d->type = QUIC_PACKET_1RTT;
	}
	d->key_phase = qs->app_crypto.key_phase;
}

/*
 * RFC 9000 13.2.4: ACK-only packets are acknowledged only when the peer
 * sends an ACK, which it owes us only for ack-eliciting packets. Once
 * QUIC_ACK_ONLY_PING of ours are outstanding and nothing ack-eliciting is
 * (whose acknowledgment would cover them too), the next one carries a
 * PING, once per round trip at most, and only with room in the congestion
 * window (the pacer is not asked: one PING is no burst).
 */
static bool quic_ack_only_wants_ping(struct sock *sk, struct quic_space *sp,
				     const struct quic_pkt_builder *b)
{
	return b->tp->has_ack && !b->ack_eliciting &&
	       sp->sent.ack_only >= QUIC_ACK_ONLY_PING &&
	       !sp->sent.ack_eliciting_in_flight && quic_cwnd_room(quic_sk(sk));
}

/*
 * RFC 9221: queued messages go ahead of stream data (they are what an
 * application sends when late is as bad as lost), each whole in one
 * packet. The packet is ack-eliciting and counts in flight (5.3: they
 * are congestion controlled); no record is kept to resend them.
 */
static void quic_write_datagrams(struct sock *sk, struct quic_pkt_builder *b)
{
	u32 n = quic_dgram_write(sk, b->buf + b->pos, b->limit - b->pos);

	if (n) {
		b->pos += n;
		b->ack_eliciting = true;
	}
}

/*
 * A 0-RTT packet (RFC 9000 12.4): no ACK (there is nothing of the server's
 * in this space to acknowledge yet), no CRYPTO; of the rest what a client
 * has before its handshake: stream frames and datagrams. Connection-level
 * control frames wait for 1-RTT.
 */
static void quic_write_early_frames(struct sock *sk,
				    struct quic_pkt_builder *b)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[QUIC_SPACE_APP];

	quic_write_stream_ctrl(sk, b);
	if (quic_dgram_tx_pending(sk) && (sp->probe || quic_cwnd_open(sk)))
		quic_write_datagrams(sk, b);
	if (!list_empty(&qs->streams.send_list) &&
	    (sp->probe || quic_cwnd_open(sk)))
		quic_write_streams(sk, b);
}

/* Frames of one space, in priority order. */
static void quic_write_frames(struct sock *sk, u8 space,
			      struct quic_pkt_builder *b)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[space];
	struct quic_frame ping;

	if (b->early) {
		quic_write_early_frames(sk, b);
		goto probe;
	}
	if (space == QUIC_SPACE_APP && sk->sk_state == QUIC_SS_ESTABLISHED)
		quic_write_path(sk, b);
	if (sp->ack_now || (sp->recv.count && sp->ack_eliciting_unacked))
		quic_write_ack(sk, space, b);
	quic_write_crypto(sk, space, b);
	if (space == QUIC_SPACE_APP &&
	    sk->sk_state == QUIC_SS_ESTABLISHED) {
		quic_write_conn_ctrl(sk, b);
		quic_write_connids(sk, b);
		quic_write_stream_ctrl(sk, b);
		if (quic_dgram_tx_pending(sk) &&
		    (sp->probe || quic_cwnd_open(sk)))
			quic_write_datagrams(sk, b);
		/* RFC 9002 7.5: the congestion controller blocks no probe,
		 * and a probe carries data where it can (6.2.4): the data
		 * quic_pto_probe() requeued, not a PING that only earns an
		 * ACK before the retransmission can start.
		 */
		if (!list_empty(&qs->streams.send_list) &&
		    (sp->probe || quic_cwnd_open(sk)))
			quic_write_streams(sk, b);
	}
probe:
	if ((sp->probe && !b->ack_eliciting) ||
	    (space == QUIC_SPACE_APP && quic_ack_only_wants_ping(sk, sp, b))) {
		memset(&ping, 0, sizeof(ping));
		ping.type = QUIC_FRAME_PING;
		quic_builder_add_frame(b, &ping);
	}
	if (sp->probe) {
		sp->probe--;
		if (sp->probe && space != QUIC_SPACE_APP)
			quic_conn_probe_again(sk, space);
	}
}

typedef void (*quic_frames_writer)(struct sock *sk, u8 space,
				   struct quic_pkt_builder *b);

/**
 * quic_build_packet() - lay out, fill and protect one packet
 * @sk: socket
 * @space: packet number space
 * @buf: where the packet starts
 * @room: bytes available for it
 * @pad: fill @room completely with PADDING (client Initial datagrams)
 * @plain: leave a 1-RTT packet unprotected, with room for its tag, for the
 *	device (or the offload fallback) to protect
 * @write: puts the frames in
 * @tp: record of what it carries
 *
 * Return: packet length, 0 if there was nothing to put in it, or -errno.
 */
static int quic_build_packet(struct sock *sk, u8 space, u8 *buf, u32 room,
			     bool pad, bool plain, quic_frames_writer write,
			     struct quic_tx_pkt *tp)
{
	bool fill = space == QUIC_SPACE_APP && READ_ONCE(gso);
	struct quic_sock *qs = quic_sk(sk);
	struct quic_crypto *c = quic_level_crypto(qs, quic_space_level(space));
	struct quic_space *sp = qs->space[space];
	struct quic_pkt_builder b = { .buf = buf, .tp = tp };
	struct quic_packet_layout l;
	struct quic_packet_desc d;
	u64 pn = sp->sent.next_pn;
	u32 tag, payload_len;
	int err;

	/* Before its 1-RTT keys a client's application data goes as 0-RTT,
	 * in the same packet number space (RFC 9000 12.3).
	 */
	if (space == QUIC_SPACE_APP && quic_early_tx_ready(qs)) {
		c = &qs->early->crypto;
		b.early = true;
	}
	/* Callers build only where quic_space_has_tx_keys() */
	if (WARN_ON_ONCE(!c))
		return -ENOKEY;
	tag = quic_crypto_tag_len(c);
	quic_fill_desc(qs, space, b.early, pn, &d);
	if (space == QUIC_SPACE_APP && !b.early)
		err = quic_packet_build_short_header(buf, room, &d, &l);
	else
		err = quic_packet_build_long_header(buf, room, &d, &l);
	if (err < 0 || room < l.hdr_len + tag + QUIC_HDR_SAMPLE_LEN)
		return 0;
	b.pos = l.hdr_len;
	b.limit = room - tag;
	write(sk, space, &b);
	if (b.pos == l.hdr_len)
		return 0;
	/* Minshall: the short packet later tails wait for (see above). */
	if (b.short_tail && b.limit - b.pos > QUIC_STREAM_HDR_MAX) {
		qs->streams.nagle_pn = (u32)pn;
		qs->streams.nagle_out = true;
	}
	/* A packet the data filled becomes exactly full-size, so runs of
	 * them can share one GSO super-packet; a few bytes of PADDING.
	 */
	if (fill && b.limit - b.pos <= QUIC_STREAM_HDR_MAX)
		pad = true;
	/* Header protection samples 16 bytes from pn_offset + 4. */
	while (b.pos < l.pn_offset + 4 + QUIC_HDR_SAMPLE_LEN - tag ||
	       (pad && b.pos < b.limit))
		buf[b.pos++] = 0;	/* PADDING */
	payload_len = b.pos - l.hdr_len;
	if (d.type != QUIC_PACKET_1RTT) {
		err = quic_packet_set_length(buf, &l, b.pos + tag);
		if (err)
			return err;
	}
	err = 0;
	if (plain)
		memset(buf + b.pos, 0, tag);
	else
		err = quic_packet_protect(c, buf, &l, payload_len, pn);
	if (err)
		return err;
	quic_mib_inc(sock_net(sk), QUIC_MIB_OUT_PACKETS);
	if (b.early)
		quic_mib_inc(sock_net(sk), QUIC_MIB_OUT_EARLY);

	tp->space = space;
	tp->early = b.early;
	tp->pkt.pn = pn;
	tp->pkt.size = b.pos + tag;
	tp->pkt.ack_eliciting = b.ack_eliciting;
	tp->pkt.in_flight = b.ack_eliciting || pad;
	return b.pos + tag;
}

/*
 * The route to the peer, from the socket's cache when it is still valid
 * (a route change or a learnt path MTU makes it stale): a FIB lookup per
 * skb was a visible part of the per-packet cost. The cache is per CPU,
 * hence BH off around it; the caller gets its own reference.
 */
static struct rtable *quic_route_v4(struct sock *sk, __be32 *saddr)
{
	struct quic_sock *qs = quic_sk(sk);
	struct flowi4 fl4;
	struct rtable *rt;

	local_bh_disable();
	rt = dst_cache_get_ip4(&qs->dst_cache, saddr);
	local_bh_enable();
	if (rt)
		return rt;
	rt = ip_route_output_ports(sock_net(sk), &fl4, NULL,
				   qs->peer.v4.sin_addr.s_addr,
				   qs->local.v4.sin_addr.s_addr,
				   qs->peer.v4.sin_port, qs->local.v4.sin_port,
				   IPPROTO_UDP, 0, sk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return rt;
	*saddr = fl4.saddr;
	local_bh_disable();
	dst_cache_set_ip4(&qs->dst_cache, &rt->dst, *saddr);
	local_bh_enable();
	return rt;
}

static int quic_xmit_v4(struct sock *sk, struct sk_buff *skb, u8 ecn)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sock *usk = qs->udp->sock->sk;
	struct rtable *rt;
	__be32 saddr;

	rt = quic_route_v4(sk, &saddr);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	qs->route_mtu = min_t(u32, dst_mtu(&rt->dst), U16_MAX);
	/* QUIC datagrams must not be fragmented (RFC 9000 14). */
	udp_tunnel_xmit_skb(rt, usk, skb, saddr, qs->peer.v4.sin_addr.s_addr,
			    ecn, ip4_dst_hoplimit(&rt->dst), htons(IP_DF),
			    qs->local.v4.sin_port, qs->peer.v4.sin_port,
			    false, false);
	return 0;
}

/* As quic_route_v4(); @fl6 is filled for the caller. */
static struct dst_entry *quic_route_v6(struct sock *sk, struct flowi6 *fl6)
{
	struct quic_sock *qs = quic_sk(sk);
	struct dst_entry *dst;

	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = IPPROTO_UDP;
	fl6->flowi6_oif = sk->sk_bound_dev_if;
	fl6->daddr = qs->peer.v6.sin6_addr;
	fl6->saddr = qs->local.v6.sin6_addr;
	fl6->fl6_sport = qs->local.v6.sin6_port;
	fl6->fl6_dport = qs->peer.v6.sin6_port;
	if (!fl6->flowi6_oif)
		fl6->flowi6_oif = qs->peer.v6.sin6_scope_id;
	local_bh_disable();
	dst = dst_cache_get_ip6(&qs->dst_cache, &fl6->saddr);
	local_bh_enable();
	if (dst)
		return dst;
	dst = ip6_dst_lookup_flow(sock_net(sk), qs->udp->sock->sk, fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	local_bh_disable();
	dst_cache_set_ip6(&qs->dst_cache, dst, &fl6->saddr);
	local_bh_enable();
	return dst;
}

static int quic_xmit_v6(struct sock *sk, struct sk_buff *skb, u8 ecn)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sock *usk = qs->udp->sock->sk;
	struct dst_entry *dst;
	struct flowi6 fl6;

	dst = quic_route_v6(sk, &fl6);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	qs->route_mtu = min_t(u32, dst_mtu(dst), U16_MAX);
	udp_tunnel6_xmit_skb(dst, usk, skb, dst->dev, &fl6.saddr, &fl6.daddr,
			     ecn, ip6_dst_hoplimit(dst), 0,
			     qs->local.v6.sin6_port, qs->peer.v6.sin6_port,
			     false);
	return 0;
}

/**
 * quic_output_route_dev() - the device packets to the peer leave by
 * @sk: socket, locked, bound and with a peer
 * @tracker: tracker of the reference the caller gets
 *
 * Context: process context.
 * Return: the device, held; NULL if there is no route.
 */
struct net_device *quic_output_route_dev(struct sock *sk,
					 netdevice_tracker *tracker)
{
	struct quic_sock *qs = quic_sk(sk);
	struct net_device *dev;
	struct dst_entry *dst;
	struct flowi6 fl6;
	__be32 saddr;

	if (!qs->udp || !qs->peer.sa.sa_family)
		return NULL;
	if (qs->peer.sa.sa_family == AF_INET6) {
		dst = quic_route_v6(sk, &fl6);
	} else {
		struct rtable *rt = quic_route_v4(sk, &saddr);

		dst = IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	}
	if (IS_ERR(dst))
		return NULL;
	dev = dst->dev;
	netdev_hold(dev, tracker, GFP_KERNEL);
	dst_release(dst);
	return dev;
}

/* @ecn: the ECN field of the IP header (QUIC_ECN_*). */
static int quic_xmit(struct sock *sk, struct sk_buff *skb, u8 ecn)
{
	if (quic_sk(sk)->peer.sa.sa_family == AF_INET6)
		return quic_xmit_v6(sk, skb, ecn);
	return quic_xmit_v4(sk, skb, ecn);
}

/* How many records of acknowledged packets a connection keeps. */
#define QUIC_TX_PKT_SPARE	32

static struct quic_tx_pkt *quic_tx_pkt_alloc(struct quic_sock *qs)
{
	struct quic_tx_pkt *tp;

	tp = list_first_entry_or_null(&qs->tx_pkt_spare, struct quic_tx_pkt,
				      pkt.list);
	if (!tp)
		return kmem_cache_zalloc(quic_tx_pkt_cache, GFP_ATOMIC);
	list_del(&tp->pkt.list);
	qs->tx_pkt_spare_n--;
	/* quic_builder_record() clears each frame record it hands out */
	memset(tp, 0, offsetof(struct quic_tx_pkt, frames));
	return tp;
}

/**
 * quic_tx_pkt_recycle() - keep an acknowledged packet's record for reuse
 * @sk: socket, locked
 * @tp: record, off the recovery list
 */
void quic_tx_pkt_recycle(struct sock *sk, struct quic_tx_pkt *tp)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->tx_pkt_spare_n >= QUIC_TX_PKT_SPARE) {
		quic_tx_pkt_free(tp);
		return;
	}
	list_add(&tp->pkt.list, &qs->tx_pkt_spare);
	qs->tx_pkt_spare_n++;
}

/*
 * RFC 9000 14.1: a client pads every datagram with an Initial packet, a
 * server only those whose Initial is ack-eliciting: padding a bare ACK
 * would spend the anti-amplification budget on nothing.
 */
static bool quic_initial_needs_pad(struct quic_sock *qs)
{
	struct quic_space *sp = qs->space[QUIC_SPACE_INITIAL];

	return !qs->is_server || sp->probe ||
	       quic_sendbuf_pending(&sp->crypto_tx, U64_MAX);
}

/*
 * Build one datagram of at most @room bytes at @buf; returns its length,
 * 0 if nothing to send.
 * @app_only: set if it holds a single 1-RTT packet (may join a GSO run).
 * @plain: set if that packet was left for the device to protect, which
 *	happens only to a 1-RTT packet alone in its datagram: a device
 *	parses one short header packet per datagram.
 */
static int quic_build_datagram(struct sock *sk, u8 *buf, u32 room,
			       bool *app_only, bool *plain)
{
	struct quic_tx_pkt *tps[QUIC_SPACE_MAX] = {};
	bool pad_initial = false, pad, probe;
	struct quic_sock *qs = quic_sk(sk);
	int space, last = -1, n;
	u32 used = 0;
	u8 pending = 0;
	u64 amp_room;

	*plain = false;
	amp_room = quic_conn_amp_room(qs);
	if (amp_room < room) {
		/* During the handshake datagrams wait for the whole size;
		 * the new address a client moved to (path.c) gets what the
		 * limit allows, its PATH_CHALLENGE first (RFC 9000 8.2.1).
		 */
		if (!qs->handshake_confirmed || amp_room < QUIC_PATH_MIN_DGRAM)
			return 0;
		room = amp_room;
	}
	/* Asked once per space: building one packet does not give another
	 * space something to send, and a space that has nothing any more
	 * builds no packet.
	 */
	for (space = 0; space < QUIC_SPACE_MAX; space++) {
		if (quic_space_pending(sk, space)) {
			pending |= BIT(space);
			last = space;
		}
	}
	if (last < 0)
		return 0;
	for (space = 0; space <= last; space++) {
		if (!(pending & BIT(space)))
			continue;
		tps[space] = quic_tx_pkt_alloc(qs);
		if (!tps[space])
			break;
		if (space == QUIC_SPACE_INITIAL)
			pad_initial = quic_initial_needs_pad(quic_sk(sk));
		/* RFC 9000 14.1: datagrams carrying Initial packets are
		 * padded to 1200 bytes; pad inside the last packet.
		 */
		pad = pad_initial && space == last;
		/* A path MTU probe (conn.c) is one full-size packet, and
		 * so is one with path validation frames, which must show
		 * the path carries 1200 bytes at least (8.2.1, 8.2.2).
		 */
		probe = space == QUIC_SPACE_APP && qs->pmtu.bh_pending;
		pad |= space == QUIC_SPACE_APP && quic_path_tx_pending(qs);
		*plain = space == QUIC_SPACE_APP && qs->tx_plain && !used;
		n = quic_build_packet(sk, space, buf + used, room - used,
				      pad || probe, *plain, quic_write_frames,
				      tps[space]);
		if (n <= 0) {
			quic_tx_pkt_recycle(sk, tps[space]);
			tps[space] = NULL;
			*plain = false;
			continue;
		}
		if (probe)
			quic_pmtu_probe_sent(&qs->pmtu, tps[space]->pkt.pn,
					     false);
		used += n;
	}
	*app_only = tps[QUIC_SPACE_APP] && !tps[QUIC_SPACE_INITIAL] &&
		    !tps[QUIC_SPACE_HANDSHAKE];
	for (space = 0; space < QUIC_SPACE_MAX; space++)
		if (tps[space])
			quic_conn_on_packet_sent(sk, tps[space]);
	quic_sk(sk)->amp_tx_bytes += used;
	return used;
}

/* A DPLPMTUD probe carries a PING, padded to the size tried. */
static void quic_write_pmtu_probe(struct sock *sk, u8 space,
				  struct quic_pkt_builder *b)
{
	struct quic_frame ping = { .type = QUIC_FRAME_PING };

	quic_builder_add_frame(b, &ping);
}

/*
 * The search's next probe (pmtu.c, RFC 9000 14.3), alone in its datagram:
 * larger than the others, it joins no GSO run. It holds no data (14.4), so
 * that losing it costs nothing else; it waits for room in the congestion
 * window as data does, is protected in software even when a device
 * protects the rest, and leaves unmarked: ECN validation counts the
 * datagrams of the usual kind only.
 */
static void quic_output_pmtu_probe(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tx_pkt *tp;
	struct sk_buff *skb;
	u32 size;
	int n;

	size = quic_conn_pmtu_probe_size(qs);
	if (!size || qs->bytes_in_flight + size > qs->cong.cwnd ||
	    quic_conn_amp_room(qs) < size)
		return;
	tp = quic_tx_pkt_alloc(qs);
	if (!tp)
		return;
	skb = alloc_skb(QUIC_TX_HEADROOM + size, GFP_ATOMIC);
	if (!skb)
		goto free_tp;
	skb_reserve(skb, QUIC_TX_HEADROOM);
	n = quic_build_packet(sk, QUIC_SPACE_APP, skb_tail_pointer(skb), size,
			      true, false, quic_write_pmtu_probe, tp);
	if (n <= 0) {
		kfree_skb(skb);
		goto free_tp;
	}
	skb_put(skb, n);
	tp->pkt.probe = true;
	quic_pmtu_probe_sent(&qs->pmtu, tp->pkt.pn, true);
	qs->tx_ecn = false;
	quic_conn_on_packet_sent(sk, tp);
	quic_mib_inc(sock_net(sk), QUIC_MIB_PMTU_PROBES);
	skb_set_owner_w(skb, sk);
	quic_xmit(sk, skb, QUIC_ECN_NOT_ECT);
	return;
free_tp:
	quic_tx_pkt_recycle(sk, tp);
}

/*
 * Make @skb a UDP GSO super-packet of @segs datagrams of @size bytes (the
 * last may be shorter). The UDP header udp_tunnel_xmit_skb() pushes goes
 * right before skb->data; the checksum is completed per segment.
 */
static void quic_skb_set_gso(struct sk_buff *skb, u32 segs, u32 size)
{
	skb_shinfo(skb)->gso_size = size;
	skb_shinfo(skb)->gso_segs = segs;
	skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) - sizeof(struct udphdr);
	skb->csum_offset = offsetof(struct udphdr, check);
}

/*
 * The fragment's page is full and datagrams still hold it: take a stashed
 * page nothing holds any more instead, or stash this one so that a new
 * page is allocated only while all of them are in use.
 */
static void quic_tx_frag_rotate(struct quic_sock *qs, struct page_frag *pfrag)
{
	struct page *full = pfrag->page, *p;
	int i, free_slot = -1;

	for (i = 0; i < QUIC_TX_PAGE_STASH; i++) {
		p = qs->tx_stash[i];
		if (!p) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (page_ref_count(p) == 1) {
			qs->tx_stash[i] = full;
			pfrag->page = p;
			pfrag->offset = 0;
			pfrag->size = page_size(p);
			return;
		}
	}
	if (free_slot < 0)
		return;	/* all in use: skb_page_frag_refill() lets this go */
	qs->tx_stash[free_slot] = full;
	pfrag->page = NULL;
}

/*
 * Room for one datagram of @size bytes in the socket's page fragment.
 *
 * The datagrams of a GSO run after its first are built in page fragments,
 * as TCP builds its segments, rather than in one large linear buffer: a
 * page is built in again once the skbs using it are freed, so sending
 * costs no allocation per datagram. The receiver holds a page until it
 * has read every datagram in it, which under load is after the sender
 * filled the next one: without a few pages to rotate through (tx_stash),
 * a page would be allocated, and zeroed on init_on_alloc kernels
 * (Debian's), for every 22 or so datagrams. The socket lock serialises
 * the users. The pages stay between bursts and go once the connection is
 * idle (quic_conn_idle_trim()): an idle connection holds none.
 */
static u8 *quic_tx_frag_reserve(struct sock *sk, u32 size)
{
	struct page_frag *pfrag = &sk->sk_frag;

	if (pfrag->page && pfrag->offset + size > pfrag->size &&
	    page_ref_count(pfrag->page) != 1)
		quic_tx_frag_rotate(quic_sk(sk), pfrag);
	if (!skb_page_frag_refill(size, pfrag, GFP_ATOMIC))
		return NULL;
	return page_address(pfrag->page) + pfrag->offset;
}

/**
 * quic_output_release_buffers() - let go of what a burst of sending keeps:
 *	the pages datagrams are built in, the spare packet records and the
 *	pooled send buffer chunks
 * @sk: socket, locked (or being destroyed)
 *
 * Pages still in use by skbs are freed with the last of them.
 */
void quic_output_release_buffers(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tx_pkt *tp, *next;
	int i;

	quic_sb_pool_drain(&qs->streams.tx_pool);

	list_for_each_entry_safe(tp, next, &qs->tx_pkt_spare, pkt.list)
		quic_tx_pkt_free(tp);
	INIT_LIST_HEAD(&qs->tx_pkt_spare);
	qs->tx_pkt_spare_n = 0;

	for (i = 0; i < QUIC_TX_PAGE_STASH; i++) {
		if (qs->tx_stash[i]) {
			put_page(qs->tx_stash[i]);
			qs->tx_stash[i] = NULL;
		}
	}
	if (sk->sk_frag.page) {
		put_page(sk->sk_frag.page);
		sk->sk_frag.page = NULL;
	}
}

/*
 * Can the datagram about to be built at the page fragment's offset join
 * @skb: right after the bytes of its last fragment, in the same page, or
 * in a fragment of its own?
 */
static bool quic_tx_frag_fits(struct sock *sk, struct sk_buff *skb)
{
	int i = skb_shinfo(skb)->nr_frags;

	return i < MAX_SKB_FRAGS ||
	       skb_can_coalesce(skb, i, sk->sk_frag.page, sk->sk_frag.offset);
}

/*
 * Attach the @len bytes just built in the page fragment to @skb. Datagrams
 * built one after another in a page share one fragment (and one page
 * reference), as TCP's segments do: a run is not bounded by
 * MAX_SKB_FRAGS, only by QUIC_GSO_MAX_BYTES.
 */
static void quic_tx_frag_commit(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct page_frag *pfrag = &sk->sk_frag;
	int i = skb_shinfo(skb)->nr_frags;

	if (skb_can_coalesce(skb, i, pfrag->page, pfrag->offset)) {
		skb_coalesce_rx_frag(skb, i - 1, len, len);
	} else {
		get_page(pfrag->page);
		skb_add_rx_frag(skb, i, pfrag->page, pfrag->offset, len, len);
	}
	pfrag->offset += len;
}

/*
 * Fill @skb with datagrams: one, or a run of full-size 1-RTT-only ones
 * that leave as a single GSO super-packet. The first goes in @skb's own
 * buffer, which has room for it, so that a lone datagram (an ACK, a small
 * message) needs no page; the rest of a run in page fragments. A run ends
 * early when the skb has no fragment left for a new page. @plain tells
 * whether the datagrams were left for the device to protect: all of a
 * run are, or none (quic_offload_tx_ready() holds for the whole flush).
 */
static u32 quic_build_batch(struct sock *sk, struct sk_buff *skb, u32 max,
			    u32 size, bool *plain)
{
	struct quic_space *app = quic_sk(sk)->space[QUIC_SPACE_APP];
	bool app_only, one_plain, probe;
	u32 segs = 0;
	u8 *buf;
	int n;

	while (segs < max) {
		buf = segs ? quic_tx_frag_reserve(sk, size) :
			     skb_tail_pointer(skb);
		if (!buf || (segs && !quic_tx_frag_fits(sk, skb)))
			break;
		quic_sk(sk)->gso_run = segs > 0;
		probe = app->probe;
		n = quic_build_datagram(sk, buf, size, &app_only, &one_plain);
		if (n <= 0)
			break;
		if (!segs)
			*plain = one_plain;
		if (segs)
			quic_tx_frag_commit(sk, skb, n);
		else
			skb_put(skb, n);
		segs++;
		/* Only the last segment of a run may be short. A PTO probe
		 * leaves in an skb of its own: a queue that drops an skb
		 * (a full qdisc, netem) drops all its datagrams, and the
		 * second probe is there for when the first is lost.
		 */
		if (!app_only || n != size || probe)
			break;
	}
	quic_sk(sk)->gso_run = false;
	return segs;
}

/*
 * Datagrams of @size bytes one GSO super-packet may carry: about what the
 * pacing rate sends in a millisecond, as tcp_tso_autosize() sizes TSO
 * packets, at least two. A run leaves as one burst: at a low rate a long
 * one would undo pacing and turn one loss on a queue into many.
 */
static u32 quic_gso_max_segs(struct quic_sock *qs, u32 size)
{
	u32 cap = QUIC_GSO_MAX_BYTES / size;
	u64 rate = U64_MAX;

	if (quic_rtt_has_sample(&qs->rtt))
		rate = quic_cong_pacing_rate(&qs->cong, qs->rtt.smoothed_rtt);
	return clamp_t(u64, div_u64(rate >> 10, size), 2, cap);
}

/**
 * quic_output_flush() - send everything that is ready to go
 * @sk: socket, locked
 *
 * Sends ACKs, handshake data, control frames and stream data as allowed by
 * keys, flow control and the congestion window, up to a burst limit; the
 * next ACK or timer continues.
 */
void quic_output_flush(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u32 i, segs, max, size, run;
	struct sk_buff *skb;
	bool plain;

	if (!qs->udp || !qs->peer.sa.sa_family)
		return;
	/* Frames for the peer's other addresses go first, on their own. */
	if (sk->sk_state == QUIC_SS_ESTABLISHED && qs->path)
		quic_path_send_probes(sk);
	quic_conn_update_dgram_size(qs);
	if (sk->sk_state == QUIC_SS_ESTABLISHED && !qs->closing)
		quic_output_pmtu_probe(sk);
	/* Datagrams with Initial or Handshake packets stay at 1200 bytes:
	 * the size grows only once the handshake is confirmed.
	 */
	size = qs->max_dgram;
	/* The window and RTT do not change while we hold the socket. */
	run = READ_ONCE(gso) ? quic_gso_max_segs(qs, size) : 1;
	qs->tx_plain = quic_offload_tx_ready(sk);
	qs->streams.tx_held = false;
	for (i = 0; i < QUIC_FLUSH_BURST; i += segs) {
		max = min(run, QUIC_FLUSH_BURST - i);
		/* Every segment of an skb shares one IP header, so one
		 * ECN decision per skb; testing counts single datagrams.
		 */
		if (qs->ecn.state == QUIC_ECN_TESTING)
			max = 1;
		qs->tx_ecn = quic_ecn_marking(&qs->ecn);
		skb = alloc_skb(QUIC_TX_HEADROOM + size, GFP_ATOMIC);
		if (!skb)
			break;
		skb_reserve(skb, QUIC_TX_HEADROOM);
		segs = quic_build_batch(sk, skb, max, size, &plain);
		if (!segs) {
			kfree_skb(skb);
			break;
		}
		if (segs > 1)
			quic_skb_set_gso(skb, segs, size);
		if (plain)
			quic_offload_mark_plain(skb);
		quic_ecn_on_datagram(&qs->ecn, qs->tx_ecn);
		skb_set_owner_w(skb, sk);
		if (quic_xmit(sk, skb, qs->tx_ecn ? QUIC_ECN_ECT0 : 0))
			break;
	}
	qs->tx_plain = false;
	quic_conn_arm_loss_timer(sk);
}

/**
 * quic_output_push() - send the stream data Nagle or MSG_MORE holds back
 * @sk: socket, locked
 *
 * The application is done with the connection (close(), shutdown()): a
 * short tail that waited for an ACK or for more data leaves before the
 * CONNECTION_CLOSE, as it would have without the wait.
 */
void quic_output_push(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->streams.tx_held || qs->closing ||
	    sk->sk_state != QUIC_SS_ESTABLISHED)
		return;
	qs->streams.tx_push = true;
	quic_output_flush(sk);
	qs->streams.tx_push = false;
}

/*
 * An application close may only travel in 1-RTT packets; elsewhere it
 * becomes a transport close with APPLICATION_ERROR and no reason, so the
 * application's code does not leak before the peer is authenticated.
 */
static void quic_write_close(struct sock *sk, u8 space,
			     struct quic_pkt_builder *b)
{
	struct quic_close_info *ci = &quic_sk(sk)->close_info;
	struct quic_frame f = {
		.type = QUIC_FRAME_CONNECTION_CLOSE,
		.close.error = ci->errcode,
		.close.frame_type = ci->frame,
		.close.reason = ci->phrase,
		.close.reason_len = ci->phrase_len,
	};

	if (ci->app && space == QUIC_SPACE_APP) {
		f.type = QUIC_FRAME_CONNECTION_CLOSE_APP;
	} else if (ci->app) {
		f.close.error = QUIC_TRANSPORT_ERROR_APPLICATION;
		f.close.frame_type = 0;
		f.close.reason_len = 0;
	}
	quic_builder_add_frame(b, &f);
}

/**
 * quic_output_close() - send CONNECTION_CLOSE in every space with keys
 * @sk: socket, locked
 *
 * Before the handshake completes the peer may not have 1-RTT or even
 * Handshake keys, so the frame goes in each space we can write
 * (RFC 9000 10.2.3). The packets are not tracked; the datagram is kept
 * to answer the peer with again while it keeps sending (closing.c).
 */
void quic_output_close(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tx_pkt tp;
	struct sk_buff *skb;
	bool pad;
	u32 used = 0;
	u8 space;
	int n;

	if (!qs->udp || !qs->peer.sa.sa_family)
		return;
	skb = alloc_skb(QUIC_TX_HEADROOM + QUIC_MIN_UDP_PAYLOAD, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, QUIC_TX_HEADROOM);
	for (space = 0; space < QUIC_SPACE_MAX; space++) {
		if (!quic_space_has_tx_keys(qs, space))
			continue;
		memset(&tp, 0, sizeof(tp));
		/* A client pads its Initial when nothing follows it. */
		pad = space == QUIC_SPACE_INITIAL && !qs->is_server &&
		      !quic_space_has_tx_keys(qs, QUIC_SPACE_HANDSHAKE) &&
		      !quic_space_has_tx_keys(qs, QUIC_SPACE_APP);
		n = quic_build_packet(sk, space, skb->data + used,
				      QUIC_MIN_UDP_PAYLOAD - used, pad, false,
				      quic_write_close, &tp);
		if (n <= 0)
			continue;
		qs->space[space]->sent.next_pn++;
		used += n;
	}
	if (!used) {
		kfree_skb(skb);
		return;
	}
	/* Even a close respects the anti-amplification limit (8.1). */
	if (quic_conn_amp_room(qs) < used) {
		kfree_skb(skb);
		return;
	}
	qs->amp_tx_bytes += used;
	skb_put(skb, used);
	quic_closing_keep(sk, skb->data, used);
	skb_set_owner_w(skb, sk);
	/* Marked like the rest: a path may drop Not-ECT under pressure. */
	quic_xmit(sk, skb, quic_ecn_marking(&qs->ecn) ? QUIC_ECN_ECT0 :
						       QUIC_ECN_NOT_ECT);
}

/**
 * quic_output_resend() - send a kept datagram again, as it was
 * @sk: socket, closing
 * @dgram: UDP payload (our CONNECTION_CLOSE, see closing.c)
 * @len: its length
 */
void quic_output_resend(struct sock *sk, const u8 *dgram, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;

	if (!qs->udp || !qs->peer.sa.sa_family ||
	    quic_conn_amp_room(qs) < len)
		return;
	skb = alloc_skb(QUIC_TX_HEADROOM + len, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, QUIC_TX_HEADROOM);
	skb_put_data(skb, dgram, len);
	qs->amp_tx_bytes += len;
	skb_set_owner_w(skb, sk);
	quic_xmit(sk, skb, QUIC_ECN_NOT_ECT);
}

/*
 * Route and send a datagram from @us (from address @from, @us's own or
 * the specific one a connection took on a wildcard socket) to @peer.
 */
static int quic_output_oneoff_v4(struct quic_udp_sock *us,
				 const union quic_addr *from, int oif,
				 struct sk_buff *skb,
				 const union quic_addr *peer)
{
	__be16 sport = from->v4.sin_port;
	__be32 saddr = 0;
	struct flowi4 fl4;
	struct rtable *rt;

	/* An IPv6 socket may carry IPv4 (bound to :: or a mapped address) */
	if (from->sa.sa_family == AF_INET)
		saddr = from->v4.sin_addr.s_addr;
	else if (ipv6_addr_v4mapped(&from->v6.sin6_addr))
		saddr = from->v6.sin6_addr.s6_addr32[3];
	rt = ip_route_output_ports(us->net, &fl4, NULL,
				   peer->v4.sin_addr.s_addr, saddr,
				   peer->v4.sin_port, sport, IPPROTO_UDP, 0,
				   oif);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	udp_tunnel_xmit_skb(rt, us->sock->sk, skb, fl4.saddr,
			    peer->v4.sin_addr.s_addr, 0,
			    ip4_dst_hoplimit(&rt->dst), htons(IP_DF), sport,
			    peer->v4.sin_port, false, false);
	return 0;
}

static int quic_output_oneoff_v6(struct quic_udp_sock *us,
				 const union quic_addr *from, int oif,
				 struct sk_buff *skb,
				 const union quic_addr *peer)
{
	struct sock *usk = us->sock->sk;
	struct dst_entry *dst;
	struct flowi6 fl6 = {
		.flowi6_proto	= IPPROTO_UDP,
		.flowi6_oif	= oif ?: peer->v6.sin6_scope_id,
		.daddr		= peer->v6.sin6_addr,
		.saddr		= from->v6.sin6_addr,
		.fl6_sport	= from->v6.sin6_port,
		.fl6_dport	= peer->v6.sin6_port,
	};

	dst = ip6_dst_lookup_flow(us->net, usk, &fl6, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	udp_tunnel6_xmit_skb(dst, usk, skb, dst->dev, &fl6.saddr, &fl6.daddr,
			     0, ip6_dst_hoplimit(dst), 0, fl6.fl6_sport,
			     fl6.fl6_dport, false);
	return 0;
}

/* Stateless answers that junk can draw (resets, version negotiation),
 * all sockets together: 100 a second. Nothing is logged.
 */
static struct ratelimit_state quic_stateless_rs =
	RATELIMIT_STATE_INIT_FLAGS(quic_stateless_rs, HZ, 100,
				   RATELIMIT_MSG_ON_RELEASE);

/* May one more such answer go out now? */
bool quic_output_stateless_allowed(void)
{
	return __ratelimit(&quic_stateless_rs);
}

/**
 * quic_output_stateless() - send a datagram that answers no connection
 * @us: the UDP socket it leaves from (the one the datagram it answers
 *	came in on)
 * @oif: interface to send on, 0 for any
 * @peer: where to
 * @data: the UDP payload (a Retry, a Stateless Reset)
 * @len: its length
 *
 * No route is cached: such answers are rare.
 *
 * Context: softirq or process context.
 * Return: 0 or -errno.
 */
int quic_output_stateless(struct quic_udp_sock *us, int oif,
			  const union quic_addr *peer, const u8 *data, u32 len)
{
	struct sk_buff *skb;

	skb = alloc_skb(QUIC_TX_HEADROOM + len, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, QUIC_TX_HEADROOM);
	skb_put_data(skb, data, len);
	if (peer->sa.sa_family == AF_INET)
		return quic_output_oneoff_v4(us, &us->addr, oif, skb, peer);
	return quic_output_oneoff_v6(us, &us->addr, oif, skb, peer);
}

/**
 * quic_output_path_probe() - a packet of its own on a path other than the
 *	connection's (path.c)
 * @sk: socket, locked
 * @us: the UDP socket it leaves: the connection's, or a server's for its
 *	preferred address
 * @from: the address it leaves from
 * @to: the peer's address it goes to
 * @f: its one frame: a PATH_CHALLENGE or PATH_RESPONSE
 * @size: the datagram's size, which PADDING fills (RFC 9000 8.2.1, 8.2.2)
 *
 * It goes by a route looked up for it, to the peer's lowest spare
 * connection ID where there is one (9.5: an ID is not sent on two paths).
 * The packet number is used, the packet not tracked: neither frame is
 * retransmitted.
 *
 * Return: 0 or -errno.
 */
int quic_output_path_probe(struct sock *sk, struct quic_udp_sock *us,
			   const union quic_addr *from,
			   const union quic_addr *to,
			   const struct quic_frame *f, u32 size)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[QUIC_SPACE_APP];
	struct quic_crypto *c = &qs->app_crypto;
	struct quic_packet_layout l;
	struct quic_packet_desc d;
	struct quic_peer_cid *spare;
	struct sk_buff *skb;
	u32 tag, end;
	int n, err;

	if (!qs->udp || !quic_space_has_tx_keys(qs, QUIC_SPACE_APP))
		return -ENOTCONN;
	skb = alloc_skb(QUIC_TX_HEADROOM + size, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, QUIC_TX_HEADROOM);
	quic_fill_desc(qs, QUIC_SPACE_APP, false, sp->sent.next_pn, &d);
	spare = quic_peer_cids_spare_from(qs->peer_cids, qs->dcid.seq + 1);
	if (spare) {
		d.dcid = spare->id;
		d.dcid_len = spare->len;
	}
	tag = quic_crypto_tag_len(c);
	err = quic_packet_build_short_header(skb->data, size, &d, &l);
	if (err < 0)
		goto drop;
	err = -EINVAL;
	if (size < l.hdr_len + tag + QUIC_HDR_SAMPLE_LEN + 4)
		goto drop;
	end = size - tag;
	n = quic_frame_encode(skb->data + l.hdr_len, end - l.hdr_len, f);
	if (n <= 0)
		goto drop;
	memset(skb->data + l.hdr_len + n, 0, end - l.hdr_len - n); /* PADDING */
	err = quic_packet_protect(c, skb->data, &l, end - l.hdr_len, d.pn);
	if (err)
		goto drop;
	sp->sent.next_pn++;
	quic_mib_inc(sock_net(sk), QUIC_MIB_OUT_PACKETS);
	skb_put(skb, size);
	skb_set_owner_w(skb, sk);
	if (to->sa.sa_family == AF_INET)
		return quic_output_oneoff_v4(us, from, sk->sk_bound_dev_if, skb,
					     to);
	return quic_output_oneoff_v6(us, from, sk->sk_bound_dev_if, skb, to);
drop:
	kfree_skb(skb);
	return err;
}

int quic_output_init(void)
{
	BUILD_BUG_ON(QUIC_GSO_MAX_BYTES / QUIC_MIN_UDP_PAYLOAD >
		     UDP_MAX_SEGMENTS);
	quic_tx_pkt_cache = kmem_cache_create("quic_tx_pkt",
					      sizeof(struct quic_tx_pkt), 0,
					      0, NULL);
	return quic_tx_pkt_cache ? 0 : -ENOMEM;
}

void quic_output_exit(void)
{
	kmem_cache_destroy(quic_tx_pkt_cache);
}

/* Used by conn.c to free a record the recovery code handed back. */
void quic_tx_pkt_free(struct quic_tx_pkt *tp)
{
	kmem_cache_free(quic_tx_pkt_cache, tp);
}
