// SPDX-License-Identifier: GPL-2.0
/*
 * Data calls of QUIC sockets: sendmsg/recvmsg with the stream and handshake
 * cmsgs of the socket API, poll, shutdown and getname.
 *
 * One recvmsg() returns data of one stream (or one handshake level) only,
 * with a cmsg saying which; a sendmsg() without a cmsg writes to the stream
 * used last, so plain read()/write() work after QUIC_SOCKOPT_STREAM_OPEN.
 */

#include <linux/poll.h>
#include <net/inet_common.h>
#include <net/sock.h>

#include "conn.h"
#include "datagram.h"
#include "msg.h"
#include "ops.h"

#define QUIC_STREAM_FLAGS	(MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN | \
				 MSG_QUIC_STREAM_UNI | \
				 MSG_QUIC_STREAM_DONTWAIT | \
				 MSG_QUIC_STREAM_SNDBLOCK)

static int quic_parse_cmsgs(struct msghdr *msg, struct quic_send_args *a)
{
	struct cmsghdr *c;

	for_each_cmsghdr(c, msg) {
		if (!CMSG_OK(msg, c))
			return -EINVAL;
		if (c->cmsg_level != SOL_QUIC)
			return -EINVAL;
		switch (c->cmsg_type) {
		case QUIC_STREAM_INFO:
			if (c->cmsg_len != CMSG_LEN(sizeof(a->sinfo)))
				return -EINVAL;
			memcpy(&a->sinfo, CMSG_DATA(c), sizeof(a->sinfo));
			a->has_sinfo = true;
			break;
		case QUIC_HANDSHAKE_INFO:
			if (c->cmsg_len != CMSG_LEN(sizeof(a->hinfo)))
				return -EINVAL;
			memcpy(&a->hinfo, CMSG_DATA(c), sizeof(a->hinfo));
			a->has_hinfo = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (a->has_sinfo && a->has_hinfo)
		return -EINVAL;
	return 0;
}

/**
 * quic_wait() - sleep until @cond holds, an error, a signal or the timeout
 * @sk: socket, locked (released while asleep)
 * @timeo: time left; 0: do not sleep (-EAGAIN)
 * @cond: the condition, also evaluated without the lock
 * @arg: its argument
 *
 * Return: 0 once @cond holds, or -errno (the socket's error, -EPIPE once
 * the connection closes, -EAGAIN, -EINTR or -ERESTARTSYS).
 */
int quic_wait(struct sock *sk, long *timeo, quic_wait_cond cond, void *arg)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct quic_sock *qs = quic_sk(sk);
	int err = 0;

	add_wait_queue(sk_sleep(sk), &wait);
	WRITE_ONCE(qs->waiters, qs->waiters + 1);
	for (;;) {
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (cond(sk, arg))
			break;
		if (sk->sk_shutdown & SEND_SHUTDOWN || qs->closing) {
			err = -EPIPE;
			break;
		}
		err = -EAGAIN;
		if (!*timeo)
			break;
		err = sock_intr_errno(*timeo);
		if (signal_pending(current))
			break;
		err = 0;
		/* Datagrams the backlog holds for us wake us up; the
		 * release_sock() that starts the next wait processes them.
		 */
		sk_wait_event(sk, timeo, cond(sk, arg) || sk->sk_err ||
			      qs->closing || READ_ONCE(sk->sk_backlog.tail),
			      &wait);
	}
	WRITE_ONCE(qs->waiters, qs->waiters - 1);
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

static u8 quic_level_space(u8 level)
{
	if (level == QUIC_CRYPTO_INITIAL)
		return QUIC_SPACE_INITIAL;
	if (level == QUIC_CRYPTO_HANDSHAKE)
		return QUIC_SPACE_HANDSHAKE;
	return QUIC_SPACE_APP;
}

/* Copy @len bytes from the user into a send buffer, chunk by chunk. */
static int quic_sendbuf_fill(struct quic_sendbuf *sb, struct msghdr *msg,
			     u32 len, bool fin)
{
	u32 done = 0, n;
	u8 *p;

	while (done < len) {
		n = len - done;
		p = quic_sendbuf_reserve(sb, &n);
		if (!p)
			return done ? done : -ENOMEM;
		if (copy_from_iter(p, n, &msg->msg_iter) != n) {
			quic_sendbuf_commit(sb, 0, false);
			return done ? done : -EFAULT;
		}
		done += n;
		quic_sendbuf_commit(sb, n, fin && done == len);
	}
	if (!len && fin)
		quic_sendbuf_commit(sb, 0, true);
	return done;
}

static int quic_send_handshake(struct sock *sk, struct msghdr *msg,
			       size_t len, const struct quic_send_args *a)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 level = a->hinfo.crypto_level;
	struct quic_space *sp;
	int n;

	if (level != QUIC_CRYPTO_INITIAL && level != QUIC_CRYPTO_HANDSHAKE &&
	    level != QUIC_CRYPTO_APP)
		return -EINVAL;
	if (sk->sk_state != QUIC_SS_ESTABLISHING &&
	    sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	if (len > QUIC_CRYPTO_RX_LIMIT)
		return -EMSGSIZE;
	sp = qs->space[quic_level_space(level)];
	if (sp->discarded)
		return -EINVAL;
	n = quic_sendbuf_fill(&sp->crypto_tx, msg, len, false);
	if (n < 0)
		return n;
	/* libquic marks all but the last piece of a flight with MSG_MORE. */
	if (!(msg->msg_flags & MSG_MORE))
		quic_output_flush(sk);
	return n;
}

/* Wait condition: evaluated without the socket lock, so read-only. */
static bool quic_stream_limit_raised(struct sock *sk, void *arg)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	s64 id = *(s64 *)arg;

	return READ_ONCE(t->peer_limit[quic_stream_id_uni(id)]) >
	       ((u64)id >> 2);
}

/**
 * quic_stream_open_wait() - open a stream of ours, waiting for MAX_STREAMS
 * @sk: socket, locked (the wait releases the lock while it sleeps)
 * @id: stream ID
 * @timeo: how long to wait; 0: not at all (-EAGAIN at the limit)
 * @sp: the stream
 *
 * Return: 0 or -errno.
 */
int quic_stream_open_wait(struct sock *sk, s64 id, long *timeo,
			  struct quic_stream **sp)
{
	struct quic_sock *qs = quic_sk(sk);
	int err;

	for (;;) {
		err = quic_stream_open_local(&qs->streams, id, sp);
		if (err != -EAGAIN)
			return err;
		/* The peer's MAX_STREAMS holds us back (RFC 9000 4.6). */
		qs->ctrl_pending |= quic_stream_id_uni(id) ?
				    QUIC_CTRL_STREAMS_BLOCKED_UNI :
				    QUIC_CTRL_STREAMS_BLOCKED_BIDI;
		quic_output_flush(sk);
		err = quic_wait(sk, timeo, quic_stream_limit_raised, &id);
		if (err)
			return err;
	}
}

static int quic_send_stream_get(struct sock *sk, const struct quic_send_args *a,
				u32 flags, long *timeo, struct quic_stream **sp)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	long wait = (flags & MSG_QUIC_STREAM_DONTWAIT) ? 0 : *timeo;
	s64 id = t->last_active;
	int err;

	/* A peeled-off socket's stream exists from the peeloff on. */
	if (a->peel) {
		*sp = quic_stream_find(t, a->sinfo.stream_id);
		if (!*sp || (*sp)->peel != a->peel)
			return -EPIPE;
		return (*sp)->can_send ? 0 : -EINVAL;
	}
	if (a->has_sinfo)
		id = a->sinfo.stream_id;
	if (id == -1 && a->has_sinfo)
		id = quic_stream_next_local_id(t, flags & MSG_QUIC_STREAM_UNI);
	if (id < 0)
		return -EINVAL;
	if (!quic_stream_id_local(t, id)) {
		*sp = quic_stream_find(t, id);
		err = *sp && (*sp)->can_send ? 0 : -EINVAL;
	} else {
		err = quic_stream_open_wait(sk, id, &wait, sp);
	}
	/* A stream peeled off belongs to its own socket (peeloff.c). */
	if (!err && (*sp)->peeled)
		err = -EINVAL;
	return err;
}

/*
 * Wait condition and poll: read without the socket lock. Stream data and
 * queued datagrams share SO_SNDBUF.
 */
bool quic_send_room(struct sock *sk, void *arg)
{
	return READ_ONCE(quic_sk(sk)->streams.tx_mem) + quic_dgram_tx_mem(sk) <
	       READ_ONCE(sk->sk_sndbuf);
}

/**
 * quic_send_stream_fin() - queue the FIN of @s, after the data it holds
 * @sk: socket, locked
 * @s: a stream we may send on whose FIN is not queued yet
 *
 * The caller flushes.
 */
void quic_send_stream_fin(struct sock *sk, struct quic_stream *s)
{
	quic_sendbuf_commit(&s->tx, 0, true);
	if (list_empty(&s->send_node))
		list_add_tail(&s->send_node, &quic_sk(sk)->streams.send_list);
}

/**
 * quic_send_stream() - queue stream data of a sendmsg() call and send it
 * @sk: socket, locked
 * @msg: the data, and MSG_* flags
 * @len: its length
 * @a: the stream (a cmsg's, the one used last, or a peeled-off socket's)
 *	and how long to wait for room
 *
 * Return: the bytes queued, or -errno if none were.
 */
int quic_send_stream(struct sock *sk, struct msghdr *msg, size_t len,
		     const struct quic_send_args *a)
{
	struct quic_sock *qs = quic_sk(sk);
	long timeo = a->timeo;
	u32 flags = msg->msg_flags | (a->has_sinfo ? a->sinfo.stream_flags : 0);
	bool fin = flags & MSG_QUIC_STREAM_FIN;
	struct quic_stream *s;
	size_t done = 0;
	int err, n;
	u64 mem;

	if (!quic_conn_app_sendable(sk)) {
		/* Why it ended (ETIMEDOUT, ECONNRESET...) once, as TCP does. */
		if (READ_ONCE(sk->sk_err))
			return sock_error(sk);
		return qs->closing ? -EPIPE : -ENOTCONN;
	}
	err = quic_send_stream_get(sk, a, flags, &timeo, &s);
	if (err)
		return err;
	if (s->tx.fin || s->reset_sent || s->reset_pending)
		return -EPIPE;
	if (!a->peel)
		qs->streams.last_active = s->id;
	/* Its short tail waits for the next write without MSG_MORE. */
	s->tx_more = !!(msg->msg_flags & MSG_MORE);
	do {
		err = quic_wait(sk, &timeo, quic_send_room, NULL);
		if (err)
			break;
		/* The wait may have let the connection or stream end. */
		s = quic_stream_find(&qs->streams, s->id);
		if (!s || s->reset_pending || s->reset_sent) {
			err = -EPIPE;
			break;
		}
		mem = s->tx.mem;
		n = quic_sendbuf_fill(&s->tx, msg,
				      min_t(size_t, len - done, 64 * 1024),
				      fin && len - done <= 64 * 1024);
		quic_stream_tx_account(&qs->streams, s, mem);
		if (n < 0) {
			err = n;
			break;
		}
		done += n;
		if (list_empty(&s->send_node))
			list_add_tail(&s->send_node, &qs->streams.send_list);
		quic_output_flush(sk);
	} while (done < len);
	if (!len && fin && !err) {
		quic_send_stream_fin(sk, s);
		quic_output_flush(sk);
	}
	return done ? done : err;
}

/*
 * One message, one DATAGRAM frame (RFC 9221): never split, so at most
 * quic_dgram_max_len() bytes (-EMSGSIZE), and only to a peer that
 * advertised max_datagram_frame_size (-EINVAL).
 */
static int quic_send_datagram(struct sock *sk, struct msghdr *msg,
			      size_t len)
{
	long timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	struct quic_sock *qs = quic_sk(sk);
	int err;

	if (!quic_conn_app_sendable(sk)) {
		if (READ_ONCE(sk->sk_err))
			return sock_error(sk);
		return qs->closing ? -EPIPE : -ENOTCONN;
	}
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	if (!qs->peer_tp.max_datagram_frame_size)
		return -EINVAL;
	quic_conn_update_dgram_size(qs);
	if (len > quic_dgram_max_len(sk))
		return -EMSGSIZE;
	err = quic_wait(sk, &timeo, quic_send_room, NULL);
	if (err)
		return err;
	/* The wait may have let the connection end. */
	if (!quic_conn_app_sendable(sk))
		return -EPIPE;
	err = quic_dgram_queue(sk, msg, len);
	if (err >= 0)
		quic_output_flush(sk);
	return err;
}

int quic_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct quic_send_args a = {};
	struct sock *sk = sock->sk;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	err = quic_parse_cmsgs(msg, &a);
	if (err)
		return err;
	if (msg->msg_flags & MSG_QUIC_DATAGRAM) {
		/* A stream's cmsg means nothing here; handshake data
		 * never travels in DATAGRAM frames.
		 */
		if (a.has_hinfo)
			return -EINVAL;
		lock_sock(sk);
		err = quic_send_datagram(sk, msg, len);
		release_sock(sk);
		return err;
	}
	if (a.has_sinfo && a.sinfo.stream_flags & ~QUIC_STREAM_FLAGS)
		return -EINVAL;
	a.timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	lock_sock(sk);
	if (a.has_hinfo)
		err = quic_send_handshake(sk, msg, len, &a);
	else
		err = quic_send_stream(sk, msg, len, &a);
	release_sock(sk);
	return err;
}

/* Handshake data first, so libquic sees it before any stream data. */
static int quic_recv_handshake(struct sock *sk, struct msghdr *msg,
			       size_t len, int flags)
{
	static const u8 levels[] = { QUIC_CRYPTO_INITIAL,
				     QUIC_CRYPTO_HANDSHAKE };
	struct quic_sock *qs = quic_sk(sk);
	struct quic_handshake_info hi;
	struct quic_recvbuf *rb;
	u32 i, n, done = 0;
	const u8 *p;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		rb = &qs->space[quic_level_space(levels[i])]->crypto_rx;
		if (qs->space[quic_level_space(levels[i])]->discarded ||
		    !quic_recvbuf_readable(rb))
			continue;
		while (done < len && (p = quic_recvbuf_peek(rb, &n))) {
			n = min_t(u32, n, len - done);
			if (copy_to_iter(p, n, &msg->msg_iter) != n)
				return done ? done : -EFAULT;
			if (!(flags & MSG_PEEK))
				quic_recvbuf_consume(rb, n);
			done += n;
			if (flags & MSG_PEEK)
				break;
		}
		hi.crypto_level = levels[i];
		put_cmsg(msg, SOL_QUIC, QUIC_HANDSHAKE_INFO, sizeof(hi), &hi);
		return done;
	}
	return -EAGAIN;
}

/* A window update is due: grow @window first if it limits the transfer. */
static bool quic_rx_window_tune(struct sock *sk, u64 *window, u64 *last_us)
{
	return quic_fc_autotune(window, quic_rx_window_cap(sk), last_us,
				quic_now_us(), quic_sk(sk)->rtt.smoothed_rtt);
}

/* Give back flow-control credit for what the reader consumed. */
static void quic_recv_credit(struct sock *sk, struct quic_stream *s, u32 n)
{
	struct quic_sock *qs = quic_sk(sk);
	bool send = false;
	u64 max;

	quic_fc_consumed(&qs->rx_fc, n);
	if (quic_fc_window_update(&qs->rx_fc, qs->rx_window, &max)) {
		if (quic_rx_window_tune(sk, &qs->rx_window, &qs->rx_update_us))
			quic_fc_window_update(&qs->rx_fc, qs->rx_window, &max);
		qs->ctrl_pending |= QUIC_CTRL_MAX_DATA;
		send = true;
	}
	if (s && quic_recvbuf_window_update(&s->rx, s->rx_window, &max)) {
		if (quic_rx_window_tune(sk, &s->rx_window, &s->rx_update_us))
			quic_recvbuf_window_update(&s->rx, s->rx_window, &max);
		s->max_data_pending = true;
		list_move_tail(&s->ctrl_node, &qs->streams.ctrl_list);
		send = true;
	}
	if (send)
		quic_output_flush(sk);
}

void quic_recv_stream_done(struct sock *sk, struct quic_stream *s)
{
	s->recv_done = true;
	quic_conn_stream_maybe_free(sk, s);
}

static int quic_recv_event(struct sock *sk, struct msghdr *msg, size_t len,
			   int flags)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;
	u32 n;

	skb = skb_peek(&qs->event_queue);
	if (!skb)
		return -EAGAIN;
	n = min_t(u32, skb->len, len);
	if (copy_to_iter(skb->data, n, &msg->msg_iter) != n)
		return -EFAULT;
	msg->msg_flags |= MSG_QUIC_NOTIFICATION;
	if (n < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	if (!(flags & MSG_PEEK)) {
		__skb_unlink(skb, &qs->event_queue);
		kfree_skb(skb);
	}
	return n;
}

/*
 * One received DATAGRAM frame's data per call. A buffer too short for it
 * takes the first part; the next call continues it, and MSG_EOR marks
 * the call that reads its last byte.
 */
static int quic_recv_datagram(struct sock *sk, struct msghdr *msg,
			      size_t len, int flags)
{
	struct sk_buff *skb = skb_peek(&sk->sk_receive_queue);
	u32 n;

	if (!skb)
		return -EAGAIN;
	n = min_t(size_t, skb->len, len);
	if (copy_to_iter(skb->data, n, &msg->msg_iter) != n)
		return -EFAULT;
	msg->msg_flags |= MSG_QUIC_DATAGRAM;
	if (n == skb->len)
		msg->msg_flags |= MSG_EOR;
	if (flags & MSG_PEEK)
		return n;
	if (n < skb->len) {
		__skb_pull(skb, n);
		return n;
	}
	__skb_unlink(skb, &sk->sk_receive_queue);
	consume_skb(skb);
	return n;
}

/**
 * quic_recv_stream_data() - read from one stream
 * @sk: socket, locked
 * @s: the stream; freed here once its FIN (or reset) is read and its
 *	sending half is done too
 * @msg: where to, with a QUIC_STREAM_INFO cmsg; MSG_QUIC_STREAM_FIN in
 *	its flags when the end was reached
 * @len: at most this many bytes
 * @flags: MSG_PEEK reads without consuming
 *
 * Return: the bytes read, or -EFAULT if none could be.
 */
int quic_recv_stream_data(struct sock *sk, struct quic_stream *s,
			  struct msghdr *msg, size_t len, int flags)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream_info si = {};
	u32 n, done = 0;
	bool fault = false;
	const u8 *p;
	u64 mem;

	mem = s->rx.mem;
	while (done < len && (p = quic_recvbuf_peek(&s->rx, &n))) {
		n = min_t(u32, n, len - done);
		if (copy_to_iter(p, n, &msg->msg_iter) != n) {
			fault = true;
			break;
		}
		done += n;
		if (flags & MSG_PEEK)
			break;
		quic_recvbuf_consume(&s->rx, n);
	}
	quic_stream_rx_account(&qs->streams, s, mem);
	/* What was read before a fault is returned, and credited, as usual. */
	if (fault && !done)
		return -EFAULT;
	si.stream_id = s->id;
	if (!(flags & MSG_PEEK)) {
		if (quic_recvbuf_fin_reached(&s->rx) || s->rx.reset)
			si.stream_flags |= MSG_QUIC_STREAM_FIN;
		if (!quic_recvbuf_readable(&s->rx))
			list_del_init(&s->read_node);
	}
	put_cmsg(msg, SOL_QUIC, QUIC_STREAM_INFO, sizeof(si), &si);
	if (si.stream_flags & MSG_QUIC_STREAM_FIN)
		msg->msg_flags |= MSG_QUIC_STREAM_FIN;
	if (!(flags & MSG_PEEK)) {
		quic_recv_credit(sk, s, done);
		if (si.stream_flags & MSG_QUIC_STREAM_FIN)
			quic_recv_stream_done(sk, s);
	}
	return done;
}

static int quic_recv_stream(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags)
{
	struct quic_stream *s;

	s = list_first_entry_or_null(&quic_sk(sk)->streams.readable,
				     struct quic_stream, read_node);
	if (!s)
		return -EAGAIN;
	return quic_recv_stream_data(sk, s, msg, len, flags);
}

/* Wait condition and poll: read without the socket lock. */
static bool quic_readable(struct sock *sk, void *arg)
{
	return READ_ONCE(quic_sk(sk)->rx_ready);
}

int quic_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		 int flags)
{
	struct sock *sk = sock->sk;
	bool blocking;
	long timeo;
	int err;

	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_WAITALL | MSG_TRUNC |
		      MSG_CMSG_CLOEXEC | MSG_NOSIGNAL | MSG_ERRQUEUE))
		return -EOPNOTSUPP;
	if (flags & MSG_ERRQUEUE)
		return -EOPNOTSUPP;
	lock_sock(sk);
	/* What arrived since the last call waits for us (see input.c). */
	quic_input_reader_back(sk);
	sk_flush_backlog(sk);
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	blocking = timeo;
	for (;;) {
		quic_conn_update_rx_ready(sk);
		err = -ENOTCONN;
		if (sk->sk_state == QUIC_SS_LISTENING)
			break;
		err = quic_recv_handshake(sk, msg, len, flags);
		if (err != -EAGAIN)
			break;
		err = quic_recv_event(sk, msg, len, flags);
		if (err != -EAGAIN)
			break;
		if (quic_conn_app_readable(sk)) {
			err = quic_recv_datagram(sk, msg, len, flags);
			if (err != -EAGAIN)
				break;
			err = quic_recv_stream(sk, msg, len, flags);
			if (err != -EAGAIN)
				break;
		}
		/* Nothing buffered: error, end of file, or wait. */
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (quic_sk(sk)->closing || sk->sk_shutdown & RCV_SHUTDOWN) {
			err = 0;
			break;
		}
		if (sk->sk_state == QUIC_SS_CLOSED) {
			err = -ENOTCONN;
			break;
		}
		err = quic_wait(sk, &timeo, quic_readable, NULL);
		if (err)
			break;
	}
	quic_conn_update_rx_ready(sk);
	quic_input_reader_seen(sk, blocking && err > 0);
	release_sock(sk);
	return err;
}

__poll_t quic_poll(struct file *file, struct socket *sock,
		   struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	struct quic_sock *qs = quic_sk(sk);
	u8 state = inet_sk_state_load(sk);
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	quic_input_reader_polls(sk);
	if (state == QUIC_SS_LISTENING)
		return skb_queue_empty_lockless(&qs->accept_queue) ?
		       0 : EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (READ_ONCE(sk->sk_shutdown) == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (quic_readable(sk, NULL))
		mask |= EPOLLIN | EPOLLRDNORM;
	if ((state == QUIC_SS_ESTABLISHED || state == QUIC_SS_ESTABLISHING) &&
	    quic_send_room(sk, NULL))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/* QUIC has no half-close of a connection: any shutdown closes it. */
int quic_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct quic_sock *qs = quic_sk(sk);

	if ((how & ~SHUTDOWN_MASK) || how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	lock_sock(sk);
	if (sk->sk_state == QUIC_SS_LISTENING) {
		release_sock(sk);
		return -ENOTCONN;
	}
	if (!qs->closing && sk->sk_state != QUIC_SS_CLOSED) {
		quic_output_push(sk);
		quic_output_close(sk);
		qs->closing = true;
		quic_conn_timers_stop(sk);
		inet_sk_set_state(sk, QUIC_SS_CLOSED);
	}
	sk->sk_shutdown = SHUTDOWN_MASK;
	sk->sk_state_change(sk);
	release_sock(sk);
	return 0;
}

int quic_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct quic_sock *qs = quic_sk(sock->sk);

	if (peer && !qs->peer.sa.sa_family)
		return -ENOTCONN;
	if (sock->sk->sk_family == AF_INET6)
		return inet6_getname(sock, uaddr, peer);
	return inet_getname(sock, uaddr, peer);
}
