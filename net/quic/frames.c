// SPDX-License-Identifier: GPL-2.0
/*
 * What received frames do to a connection. The codec (frame.c) has already
 * rejected malformed encodings; here frames are checked against connection
 * state and any violation closes the connection with the RFC's error code.
 *
 * Context: socket lock held.
 */

#include "conn.h"
#include "connid.h"
#include "datagram.h"
#include "early.h"
#include "event.h"
#include "frame.h"
#include "path.h"
#include "peeloff.h"

/*
 * A frame handler returns 0, a transport error code to close with, or
 * QUIC_FRAMES_DROP_PACKET (conn.h): the packet is to be dropped
 * unacknowledged. Transport error codes are below 0x200 (RFC 9000 20.1 and
 * 20.2). A failed allocation drops the packet too, as a full queue would:
 * the peer sends its frames again, and the connection lives on.
 */
typedef u32 (*quic_frame_handler)(struct sock *sk, u8 space,
				  const struct quic_frame *f);

/* Something to read on @s: tell its reader. @s may be freed here. */
static void quic_stream_mark_readable(struct sock *sk, struct quic_stream *s)
{
	struct quic_sock *qs = quic_sk(sk);

	/* Once the reader has seen the end, duplicates must not repeat it. */
	if (s->recv_done)
		return;
	if (!quic_recvbuf_readable(&s->rx) && !quic_recvbuf_fin_reached(&s->rx))
		return;
	if (s->peeled) {
		quic_peeloff_rx_ready(sk, s);
		return;
	}
	if (list_empty(&s->read_node))
		list_add_tail(&s->read_node, &qs->streams.readable);
	quic_conn_data_ready(sk);
}

/*
 * QUIC_EVENT_STREAM_UPDATE of a receiving half, each state once: a stream
 * the peer opened has data for us (RECV; the draft's Appendix B peels it
 * off on that), its final size came while data is still missing
 * (SIZE_KNOWN), all of its data is in (RECVD).
 */
static void quic_stream_rx_update(struct sock *sk, struct quic_stream *s)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	const struct quic_recvbuf *rb = &s->rx;

	if (!s->told_recv) {
		s->told_recv = true;
		if (!quic_stream_id_local(t, s->id))
			quic_event_stream_update(sk, s->id,
						 QUIC_STREAM_RECV_STATE_RECV,
						 0, 0);
	}
	if (!rb->fin_known || s->told_recvd)
		return;
	if (rb->read_off + quic_recvbuf_readable(rb) == rb->final_size) {
		s->told_recvd = true;
		quic_event_stream_update(sk, s->id,
					 QUIC_STREAM_RECV_STATE_RECVD, 0,
					 rb->final_size);
	} else if (!s->told_size_known) {
		s->told_size_known = true;
		quic_event_stream_update(sk, s->id,
					 QUIC_STREAM_RECV_STATE_SIZE_KNOWN, 0,
					 rb->final_size);
	}
}

/* The stream a frame names, or the error code to close with. */
static u32 quic_rx_stream_get(struct sock *sk, u64 id, bool sending,
			      struct quic_stream **s)
{
	u32 err;
	int ret;

	ret = quic_stream_get_peer(&quic_sk(sk)->streams, id, sending, s,
				   &err);
	if (ret == -ENOMEM)
		return QUIC_FRAMES_DROP_PACKET;
	return ret ? err : 0;
}

static u32 quic_rx_ack(struct sock *sk, u8 space, const struct quic_frame *f)
{
	struct quic_ecn_counts ecn = {
		.ect0 = f->ack.ect0, .ect1 = f->ack.ect1, .ce = f->ack.ce,
	};
	struct quic_ack_ctx ack;
	struct quic_ack_iter it;
	u64 start, end;
	int ret;

	quic_ack_iter_init(&it, &f->ack);
	quic_conn_ack_begin(sk, space, &ack);
	while ((ret = quic_ack_range_next(&it, &start, &end)) > 0) {
		if (quic_conn_ack_range(&ack, start, end))
			return ack.res.err ? ack.res.err :
			       QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	}
	if (ret < 0) {
		/* What the ranges before acknowledged stands. */
		quic_conn_ack_abort(&ack);
		return QUIC_TRANSPORT_ERROR_FRAME_ENCODING;
	}
	quic_conn_on_ack(&ack, f->ack.delay,
			 f->type == QUIC_FRAME_ACK_ECN ? &ecn : NULL);
	return 0;
}

static u32 quic_rx_crypto(struct sock *sk, u8 space,
			  const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_space *sp = qs->space[space];
	u32 err = 0;
	int ret;

	/* Nothing new from the client's Initial: it resends, so ours was
	 * probably lost (RFC 9002 6.2.3).
	 */
	if (qs->is_server && space == QUIC_SPACE_INITIAL && f->crypto.len &&
	    !quic_recvbuf_fc_delta(&sp->crypto_rx, f->crypto.offset,
				   f->crypto.len))
		quic_conn_speedup_handshake(sk);
	ret = quic_recvbuf_insert(&sp->crypto_rx, f->crypto.offset,
				  f->crypto.data, f->crypto.len, false, &err);
	if (ret == -ENOMEM)
		return QUIC_FRAMES_DROP_PACKET;
	if (ret)
		return err;
	/* A server's session tickets stay in the kernel (early.c). */
	if (space == QUIC_SPACE_APP && !qs->is_server)
		return quic_early_rx_tickets(sk);
	/* Its answer to 0-RTT data is read there too. */
	if (space == QUIC_SPACE_HANDSHAKE && !qs->is_server) {
		err = quic_early_rx_handshake(sk);
		if (err)
			return err;
	}
	if (quic_recvbuf_readable(&sp->crypto_rx))
		quic_conn_data_ready(sk);
	return 0;
}

static u32 quic_rx_stream(struct sock *sk, u8 space,
			  const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream *s;
	u64 delta, mem;
	u32 err;
	int ret;

	err = quic_rx_stream_get(sk, f->stream.stream_id, true, &s);
	if (err)
		return err;
	if (!s || s->rx.reset || s->recv_done)
		return 0;
	delta = quic_recvbuf_fc_delta(&s->rx, f->stream.offset,
				      f->stream.len);
	if (!quic_fc_recv_check(&qs->rx_fc, delta))
		return QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
	/* Not stored: dropped with its packet, which the peer sends again. */
	if (!quic_recvbuf_may_store(&s->rx, f->stream.offset,
				    qs->streams.rx_mem, quic_rx_mem_limit(sk)))
		return QUIC_FRAMES_DROP_PACKET;
	mem = s->rx.mem;
	ret = quic_recvbuf_insert(&s->rx, f->stream.offset, f->stream.data,
				  f->stream.len, f->stream.fin, &err);
	quic_stream_rx_account(&qs->streams, s, mem);
	if (ret == -ENOMEM)
		return QUIC_FRAMES_DROP_PACKET;
	if (ret)
		return err;
	quic_fc_add(&qs->rx_fc, delta);
	quic_stream_rx_update(sk, s);
	quic_stream_mark_readable(sk, s);
	return 0;
}

static u32 quic_rx_reset_stream(struct sock *sk, u8 space,
				const struct quic_frame *f)
{
	const struct quic_frame_reset_stream *r = &f->reset_stream;
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream *s;
	u64 delta, mem;
	u32 err;

	err = quic_rx_stream_get(sk, r->stream_id, true, &s);
	if (err)
		return err;
	if (!s || s->rx.reset)
		return 0;
	delta = quic_recvbuf_fc_delta(&s->rx, r->final_size, 0);
	if (!quic_fc_recv_check(&qs->rx_fc, delta))
		return QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
	mem = s->rx.mem;
	if (quic_recvbuf_reset(&s->rx, r->final_size, &err))
		return err;
	quic_stream_rx_account(&qs->streams, s, mem);
	quic_fc_add(&qs->rx_fc, delta);
	s->reset_code = r->app_error;
	quic_event_stream_update(sk, s->id, QUIC_STREAM_RECV_STATE_RESET_RECVD,
				 r->app_error, r->final_size);
	/* The reader learns of the reset from its next recvmsg(). */
	if (s->peeled) {
		quic_peeloff_rx_ready(sk, s);
		return 0;
	}
	if (list_empty(&s->read_node))
		list_add_tail(&s->read_node, &qs->streams.readable);
	quic_conn_data_ready(sk);
	return 0;
}

static u32 quic_rx_stop_sending(struct sock *sk, u8 space,
				const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream *s;
	u32 err;

	err = quic_rx_stream_get(sk, f->stop_sending.stream_id, false, &s);
	if (err)
		return err;
	/* RFC 9000 3.5: answer with RESET_STREAM carrying the same code. */
	if (s && !s->reset_sent && !quic_sendbuf_all_acked(&s->tx)) {
		s->reset_pending = true;
		s->reset_code = f->stop_sending.app_error;
		list_del_init(&s->send_node);
		list_move_tail(&s->ctrl_node, &qs->streams.ctrl_list);
		quic_event_stream_update(sk, s->id,
					 QUIC_STREAM_SEND_STATE_RESET_SENT,
					 s->reset_code, s->tx.sent_offset);
	}
	return 0;
}

static u32 quic_rx_max_data(struct sock *sk, u8 space,
			    const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);

	if (f->max_data.max <= qs->tx_max_data)
		return 0;
	qs->tx_max_data = f->max_data.max;
	/* Streams held back by connection credit may send again. */
	quic_stream_wake_senders(&qs->streams);
	sk->sk_write_space(sk);
	return 0;
}

static u32 quic_rx_max_stream_data(struct sock *sk, u8 space,
				   const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream *s;
	u32 err;

	err = quic_rx_stream_get(sk, f->max_stream_data.stream_id, false, &s);
	if (err)
		return err;
	if (s && f->max_stream_data.max > s->tx_max) {
		s->tx_max = f->max_stream_data.max;
		if (list_empty(&s->send_node))
			list_add_tail(&s->send_node, &qs->streams.send_list);
		sk->sk_write_space(sk);
	}
	return 0;
}

static u32 quic_rx_max_streams(struct sock *sk, u8 space,
			       const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);
	bool uni = f->type == QUIC_FRAME_MAX_STREAMS_UNI;

	if (f->max_streams.max > qs->streams.peer_limit[uni]) {
		qs->streams.peer_limit[uni] = f->max_streams.max;
		sk->sk_write_space(sk);
	}
	return 0;
}

static u32 quic_rx_stream_data_blocked(struct sock *sk, u8 space,
				       const struct quic_frame *f)
{
	struct quic_stream *s;

	/* Informational, but the stream must be one the peer may send on. */
	return quic_rx_stream_get(sk, f->stream_data_blocked.stream_id, true,
				  &s);
}

static u32 quic_rx_streams_blocked(struct sock *sk, u8 space,
				   const struct quic_frame *f)
{
	return 0;
}

static u32 quic_rx_new_cid(struct sock *sk, u8 space,
			   const struct quic_frame *f)
{
	return quic_connid_rx_new(sk, &f->new_cid);
}

static u32 quic_rx_ignore(struct sock *sk, u8 space,
			  const struct quic_frame *f)
{
	return 0;
}

static u32 quic_rx_path_response(struct sock *sk, u8 space,
				 const struct quic_frame *f)
{
	quic_path_response_rcv(sk, f->path.data);
	return 0;
}

static u32 quic_rx_close(struct sock *sk, u8 space,
			 const struct quic_frame *f)
{
	struct quic_close_info *ci = &quic_sk(sk)->close_info;

	ci->errcode = f->close.error;
	ci->frame = f->close.frame_type;
	ci->app = f->type == QUIC_FRAME_CONNECTION_CLOSE_APP;
	ci->phrase_len = min_t(u32, f->close.reason_len,
			       sizeof(ci->phrase) - 1);
	memcpy(ci->phrase, f->close.reason, ci->phrase_len);
	ci->phrase[ci->phrase_len] = 0;
	quic_conn_peer_closed(sk);
	return 0;
}

static u32 quic_rx_handshake_done(struct sock *sk, u8 space,
				  const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);

	/* RFC 9000 19.20: a server receiving it must close. */
	if (qs->is_server)
		return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	if (!qs->handshake_confirmed) {
		qs->handshake_confirmed = true;
		quic_conn_discard_space(sk, QUIC_SPACE_HANDSHAKE);
		quic_connid_issue(sk);
		quic_path_follow_preferred(sk);
	}
	return 0;
}

/*
 * A token for our next connection to this server (RFC 9000 8.1.3): kept
 * for QUIC_SOCKOPT_TOKEN, and told to the user in QUIC_EVENT_NEW_TOKEN.
 * One longer than that option takes is only told.
 */
static u32 quic_rx_new_token(struct sock *sk, u8 space,
			     const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);
	const struct quic_frame_new_token *t = &f->new_token;
	u8 *token;

	if (qs->is_server)
		return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	quic_event_queue(sk, QUIC_EVENT_NEW_TOKEN, t->token, t->len);
	if (t->len > QUIC_TOKEN_MAX_LEN)
		return 0;
	token = kmemdup(t->token, t->len, GFP_ATOMIC);
	if (token)
		quic_conn_set_token(qs, token, t->len, false);
	return 0;
}

static u32 quic_rx_datagram(struct sock *sk, u8 space,
			    const struct quic_frame *f)
{
	return quic_dgram_rcv(sk, f);
}

static quic_frame_handler quic_frame_handler_for(u64 type)
{
	if (quic_frame_is_stream(type))
		return quic_rx_stream;
	switch (type) {
	case QUIC_FRAME_PADDING:
	case QUIC_FRAME_PING:
	case QUIC_FRAME_DATA_BLOCKED:
	case QUIC_FRAME_PATH_CHALLENGE:	/* answered by the caller */
		return quic_rx_ignore;
	case QUIC_FRAME_PATH_RESPONSE:
		return quic_rx_path_response;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		return quic_rx_ack;
	case QUIC_FRAME_RESET_STREAM:
		return quic_rx_reset_stream;
	case QUIC_FRAME_STOP_SENDING:
		return quic_rx_stop_sending;
	case QUIC_FRAME_CRYPTO:
		return quic_rx_crypto;
	case QUIC_FRAME_NEW_TOKEN:
		return quic_rx_new_token;
	case QUIC_FRAME_MAX_DATA:
		return quic_rx_max_data;
	case QUIC_FRAME_MAX_STREAM_DATA:
		return quic_rx_max_stream_data;
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_MAX_STREAMS_UNI:
		return quic_rx_max_streams;
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		return quic_rx_stream_data_blocked;
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		return quic_rx_streams_blocked;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		return quic_rx_new_cid;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		return quic_rx_close;
	case QUIC_FRAME_HANDSHAKE_DONE:
		return quic_rx_handshake_done;
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		return quic_rx_datagram;
	}
	return NULL;
}

static const enum quic_frame_pkt_type quic_space_pkt_type[QUIC_SPACE_MAX] = {
	[QUIC_SPACE_INITIAL]	= QUIC_FRAME_PKT_INITIAL,
	[QUIC_SPACE_HANDSHAKE]	= QUIC_FRAME_PKT_HANDSHAKE,
	[QUIC_SPACE_APP]	= QUIC_FRAME_PKT_1RTT,
};

/**
 * quic_frames_process() - act on every frame of a decrypted packet payload
 * @sk: socket
 * @space: packet number space the packet was in
 * @early: it was a 0-RTT packet (application space, fewer frame types)
 * @payload: decrypted payload
 * @len: its length
 * @ack_eliciting: set if any frame was ack-eliciting
 * @path: the packet's destination connection ID in (@path->dcid), and
 *	filled with what the frames say of the packet's path: whether any
 *	was not a probing frame, and a PATH_CHALLENGE's data, which only the
 *	caller can answer (it knows the path the packet came by)
 *
 * On the first violation the connection is closed with its error code
 * (quic_conn_error()) and the rest of the packet is ignored. A frame that
 * cannot be kept for want of memory (quic_recvbuf_may_store()) stops the
 * packet too, which must then not be acknowledged: its frames come again.
 *
 * Return: 0, -EPROTO after closing the connection, or -ENOBUFS.
 */
int quic_frames_process(struct sock *sk, u8 space, bool early,
			const u8 *payload, u32 len, bool *ack_eliciting,
			struct quic_rx_path *path)
{
	enum quic_frame_pkt_type pt = early ? QUIC_FRAME_PKT_0RTT :
					      quic_space_pkt_type[space];
	const u8 *dcid = path->dcid;
	u8 dcid_len = path->dcid_len;
	quic_frame_handler handler;
	struct quic_frame f;
	u32 err;
	int n;

	*ack_eliciting = false;
	memset(path, 0, sizeof(*path));
	if (!len) {
		/* RFC 9000 12.4: a packet with no frames. */
		quic_conn_error(sk, QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0);
		return -EPROTO;
	}
	while (len) {
		n = quic_frame_decode(payload, len, &f);
		if (n < 0) {
			quic_conn_error(sk, f.err, 0);
			return -EPROTO;
		}
		if (!quic_frame_allowed(f.type, pt)) {
			quic_conn_error(sk,
					QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION,
					f.type);
			return -EPROTO;
		}
		handler = quic_frame_handler_for(f.type);
		if (f.type == QUIC_FRAME_RETIRE_CONNECTION_ID)
			/* the one handler that needs the packet's DCID */
			err = quic_connid_rx_retire(sk, f.retire_cid.seq, dcid,
						    dcid_len);
		else
			err = handler ? handler(sk, space, &f) :
					QUIC_TRANSPORT_ERROR_FRAME_ENCODING;
		if (err == QUIC_FRAMES_DROP_PACKET)
			return -ENOBUFS;
		if (err) {
			quic_conn_error(sk, err, f.type);
			return -EPROTO;
		}
		if (quic_frame_ack_eliciting(f.type))
			*ack_eliciting = true;
		if (!quic_frame_is_probing(f.type))
			path->non_probing = true;
		if (f.type == QUIC_FRAME_PATH_CHALLENGE) {
			path->challenged = true;
			memcpy(path->challenge, f.path.data,
			       sizeof(path->challenge));
		}
		payload += n;
		len -= n;
	}
	return 0;
}
