// SPDX-License-Identifier: GPL-2.0
/*
 * QUIC_SOCKOPT_STREAM_PEELOFF (draft-lxin-quic-socket-apis): one stream of
 * a connection on a socket of its own, which reads and writes that stream
 * with plain read()/write()/send()/recv(), as a TCP socket would, and
 * needs no stream cmsgs.
 *
 * The new socket owns no connection state. Each call locks the connection's
 * socket and works on the stream there with msg.c's stream calls; the
 * stream only points back at its socket (quic_stream->peel), and is never
 * again read or written through the connection's socket. The peeled-off
 * socket holds the connection's file: the connection lives while any of
 * its sockets is open, and the connection socket's wait queue, on which the
 * peeled-off socket's readers, writers and pollers wait, stays valid.
 *
 * close() of a peeled-off socket ends its stream as the draft asks: a FIN
 * for the sending half, STOP_SENDING (error code 0) for a receiving half
 * the peer has not finished; whatever still arrives on it is dropped.
 * shutdown() does either half alone.
 */

#include <linux/file.h>
#include <linux/fcntl.h>
#include <linux/poll.h>
#include <net/sock.h>

#include "conn.h"
#include "msg.h"
#include "ops.h"
#include "peeloff.h"

/**
 * struct quic_peeloff - a peeled-off stream's socket
 * @sk: its sock (first: allocated with quic_peeloff_prot)
 * @conn: the connection's socket
 * @conn_file: the connection's file, held
 * @id: the stream
 * @rx_ready: data, its end or a reset waits in the stream (read without
 *	the connection's lock, like the flags below)
 * @rx_eof: reading is over: the end was read, or shutdown(SHUT_RD)
 * @rx_shut: shutdown(SHUT_RD) or close(): drop what still arrives
 * @tx_shut: shutdown(SHUT_WR) or close(): the FIN is queued
 */
struct quic_peeloff {
	struct sock	sk;
	struct sock	*conn;
	struct file	*conn_file;
	s64		id;
	bool		rx_ready;
	bool		rx_eof;
	bool		rx_shut;
	bool		tx_shut;
};

static struct proto quic_peeloff_prot = {
	.name		= "QUICSTREAM",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct quic_peeloff),
};

static struct quic_peeloff *quic_peeloff_sk(const struct sock *sk)
{
	return container_of(sk, struct quic_peeloff, sk);
}

/* The stream, while it exists and is this socket's; connection locked. */
static struct quic_stream *quic_peeloff_get(struct quic_peeloff *ps)
{
	struct quic_stream *s;

	s = quic_stream_find(&quic_sk(ps->conn)->streams, ps->id);
	return s && s->peel == ps ? s : NULL;
}

static bool quic_peeloff_rx_pending(const struct quic_stream *s)
{
	return quic_recvbuf_readable(&s->rx) ||
	       quic_recvbuf_fin_reached(&s->rx) || s->rx.reset;
}

/* Recompute the lockless flags; connection locked. */
static void quic_peeloff_update(struct quic_peeloff *ps,
				struct quic_stream *s)
{
	bool eof = !s || s->recv_done || !s->can_recv || ps->rx_shut;

	WRITE_ONCE(ps->rx_eof, eof);
	WRITE_ONCE(ps->rx_ready, !eof && quic_peeloff_rx_pending(s));
}

static bool quic_conn_active(const struct sock *sk)
{
	return sk->sk_state == QUIC_SS_ESTABLISHED && !quic_sk(sk)->closing;
}

/*
 * Drop what the stream holds for a reader that is gone (close(),
 * shutdown(SHUT_RD)) or that a reset ended, crediting the connection's
 * flow control as a read would. At the stream's end the receiving half is
 * done, which may free the stream.
 */
static void quic_peeloff_drain(struct sock *sk, struct quic_stream *s)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 mem = s->rx.mem, max;
	u32 n, total = 0;

	while (quic_recvbuf_peek(&s->rx, &n)) {
		quic_recvbuf_consume(&s->rx, n);
		total += n;
	}
	quic_stream_rx_account(&qs->streams, s, mem);
	quic_fc_consumed(&qs->rx_fc, total);
	if (quic_fc_window_update(&qs->rx_fc, qs->rx_window, &max))
		qs->ctrl_pending |= QUIC_CTRL_MAX_DATA;
	if (!s->recv_done &&
	    (quic_recvbuf_fin_reached(&s->rx) || s->rx.reset))
		quic_recv_stream_done(sk, s);
}

/**
 * quic_peeloff_rx_ready() - data, a FIN or a reset for a peeled-off stream
 * @sk: the connection's socket, locked (in input processing)
 * @s: the stream; may be freed here
 *
 * Wakes the socket's readers and pollers, who wait on the connection's
 * wait queue (without marking the connection readable: its own reader has
 * nothing new); drops the data when its socket stopped reading.
 */
void quic_peeloff_rx_ready(struct sock *sk, struct quic_stream *s)
{
	struct quic_peeloff *ps = s->peel;

	if (!ps || ps->rx_shut) {
		quic_peeloff_drain(sk, s);
		return;
	}
	WRITE_ONCE(ps->rx_ready, true);
	sk->sk_data_ready(sk);
}

/* Queue the FIN of the sending half, once; connection locked. */
static void quic_peeloff_fin(struct quic_peeloff *ps, struct quic_stream *s)
{
	WRITE_ONCE(ps->tx_shut, true);
	if (!s->can_send || s->tx.fin || s->reset_sent || s->reset_pending)
		return;
	s->tx_more = false;
	quic_send_stream_fin(ps->conn, s);
}

/* Stop reading: STOP_SENDING while the peer may still send; locked. */
static void quic_peeloff_stop(struct quic_peeloff *ps, struct quic_stream *s)
{
	struct quic_sock *qs = quic_sk(ps->conn);

	ps->rx_shut = true;
	if (!s->can_recv || s->recv_done || s->stop_pending ||
	    s->rx.fin_known || s->rx.reset)
		return;
	s->stop_pending = true;
	s->stop_code = 0;
	list_move_tail(&s->ctrl_node, &qs->streams.ctrl_list);
}

static bool quic_peeloff_readable(struct sock *sk, void *arg)
{
	struct quic_peeloff *ps = arg;

	return READ_ONCE(ps->rx_ready) || READ_ONCE(ps->rx_eof);
}

/* One read of a stream with something pending; connection locked. */
static int quic_peeloff_read(struct sock *sk, struct quic_stream *s,
			     struct msghdr *msg, size_t len, int flags)
{
	/* RFC 9000 3.2: a reset may discard what was not read yet. */
	if (s->rx.reset) {
		if (!(flags & MSG_PEEK))
			quic_peeloff_drain(sk, s);
		return -ECONNRESET;
	}
	return quic_recv_stream_data(sk, s, msg, len, flags);
}

static int quic_peeloff_recvmsg(struct socket *sock, struct msghdr *msg,
				size_t len, int flags)
{
	struct quic_peeloff *ps = quic_peeloff_sk(sock->sk);
	struct sock *sk = ps->conn;
	struct quic_stream *s;
	bool blocking;
	long timeo;
	int err;

	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_WAITALL | MSG_TRUNC |
		      MSG_CMSG_CLOEXEC | MSG_NOSIGNAL))
		return -EOPNOTSUPP;
	timeo = sock_rcvtimeo(sock->sk, flags & MSG_DONTWAIT);
	blocking = timeo;
	lock_sock(sk);
	/* As quic_recvmsg(): what arrived waits in the backlog for us. */
	quic_input_reader_back(sk);
	sk_flush_backlog(sk);
	for (;;) {
		s = quic_peeloff_get(ps);
		quic_peeloff_update(ps, s);
		err = 0;
		if (ps->rx_eof)
			break;
		if (ps->rx_ready) {
			err = quic_peeloff_read(sk, s, msg, len, flags);
			break;
		}
		/* Nothing buffered: error, end of the connection, or wait. */
		if (sk->sk_err) {
			err = -READ_ONCE(sk->sk_err);
			break;
		}
		if (!quic_conn_active(sk))
			break;
		err = quic_wait(sk, &timeo, quic_peeloff_readable, ps);
		if (err)
			break;
	}
	quic_peeloff_update(ps, quic_peeloff_get(ps));
	quic_input_reader_seen(sk, blocking && err > 0);
	release_sock(sk);
	return err;
}

static int quic_peeloff_sendmsg(struct socket *sock, struct msghdr *msg,
				size_t len)
{
	struct quic_peeloff *ps = quic_peeloff_sk(sock->sk);
	struct quic_send_args a = { .has_sinfo = true, .peel = ps };
	struct sock *sk = ps->conn;
	int err;

	/* The socket is the stream: no DATAGRAM frames, no stream cmsgs. */
	if (msg->msg_flags & (MSG_OOB | MSG_QUIC_DATAGRAM))
		return -EOPNOTSUPP;
	if (msg->msg_controllen)
		return -EINVAL;
	a.sinfo.stream_id = ps->id;
	a.timeo = sock_sndtimeo(sock->sk, msg->msg_flags & MSG_DONTWAIT);
	lock_sock(sk);
	if (ps->tx_shut)
		err = -EPIPE;
	else
		err = quic_send_stream(sk, msg, len, &a);
	release_sock(sk);
	return err;
}

static __poll_t quic_peeloff_poll(struct file *file, struct socket *sock,
				  struct poll_table_struct *wait)
{
	struct quic_peeloff *ps = quic_peeloff_sk(sock->sk);
	struct sock *sk = ps->conn;
	bool active, eof, tx_shut;
	__poll_t mask = 0;

	sock_poll_wait(file, sk->sk_socket, wait);
	quic_input_reader_polls(sk);
	active = inet_sk_state_load(sk) == QUIC_SS_ESTABLISHED &&
		 !READ_ONCE(quic_sk(sk)->closing);
	eof = READ_ONCE(ps->rx_eof);
	tx_shut = READ_ONCE(ps->tx_shut);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (READ_ONCE(ps->rx_ready) || eof || !active)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (eof || !active)
		mask |= EPOLLRDHUP;
	if (!active || (eof && tx_shut))
		mask |= EPOLLHUP;
	if (active && !tx_shut && quic_send_room(sk, NULL))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int quic_peeloff_shutdown(struct socket *sock, int how)
{
	struct quic_peeloff *ps = quic_peeloff_sk(sock->sk);
	struct sock *sk = ps->conn;
	struct quic_stream *s;
	int err = 0;

	if ((how & ~SHUTDOWN_MASK) || how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	lock_sock(sk);
	s = quic_peeloff_get(ps);
	if (!quic_conn_active(sk)) {
		err = -ENOTCONN;
	} else if (s) {
		if (how != SHUT_RD)	/* SHUT_WR, SHUT_RDWR */
			quic_peeloff_fin(ps, s);
		if (how != SHUT_WR)	/* SHUT_RD, SHUT_RDWR */
			quic_peeloff_stop(ps, s);
		/* The credit it gives back goes with the FIN or STOP. */
		if (ps->rx_shut)
			quic_peeloff_drain(sk, s);
		quic_output_flush(sk);
	} else {
		/* The stream is over both ways: nothing left to end. */
		WRITE_ONCE(ps->tx_shut, ps->tx_shut || how != SHUT_RD);
		ps->rx_shut |= how != SHUT_WR;
	}
	quic_peeloff_update(ps, quic_peeloff_get(ps));
	release_sock(sk);
	/* Pollers of this socket wait on the connection's queue. */
	sk->sk_state_change(sk);
	return err;
}

static int quic_peeloff_release(struct socket *sock)
{
	struct sock *psk = sock->sk;
	struct quic_peeloff *ps;
	struct quic_stream *s;
	struct sock *sk;

	if (!psk)
		return 0;
	ps = quic_peeloff_sk(psk);
	sk = ps->conn;
	if (sk) {
		lock_sock(sk);
		s = quic_peeloff_get(ps);
		if (s && quic_conn_active(sk)) {
			quic_peeloff_fin(ps, s);
			quic_peeloff_stop(ps, s);
		}
		/* What still arrives is dropped: quic_peeloff_rx_ready(). */
		if (s) {
			s->peel = NULL;
			quic_peeloff_drain(sk, s);
		}
		if (quic_conn_active(sk))
			quic_output_flush(sk);
		release_sock(sk);
		fput(ps->conn_file);
	}
	sock_orphan(psk);
	sock->sk = NULL;
	sock_put(psk);
	return 0;
}

static int quic_peeloff_getname(struct socket *sock, struct sockaddr *uaddr,
				int peer)
{
	return quic_getname(quic_peeloff_sk(sock->sk)->conn->sk_socket, uaddr,
			    peer);
}

/* SOL_SOCKET ones apply to this socket (timeouts); SOL_QUIC ones to the
 * connection's socket only.
 */
static int quic_peeloff_setsockopt(struct socket *sock, int level,
				   int optname, sockptr_t optval,
				   unsigned int optlen)
{
	return -ENOPROTOOPT;
}

static int quic_peeloff_getsockopt(struct socket *sock, int level,
				   int optname, char __user *optval,
				   int __user *optlen)
{
	return -ENOPROTOOPT;
}

#define QUIC_PEELOFF_OPS					\
	.owner		= THIS_MODULE,				\
	.release	= quic_peeloff_release,			\
	.bind		= sock_no_bind,				\
	.connect	= sock_no_connect,			\
	.socketpair	= sock_no_socketpair,			\
	.accept		= sock_no_accept,			\
	.getname	= quic_peeloff_getname,			\
	.poll		= quic_peeloff_poll,			\
	.ioctl		= sock_no_ioctl,			\
	.listen		= sock_no_listen,			\
	.shutdown	= quic_peeloff_shutdown,		\
	.setsockopt	= quic_peeloff_setsockopt,		\
	.getsockopt	= quic_peeloff_getsockopt,		\
	.sendmsg	= quic_peeloff_sendmsg,			\
	.recvmsg	= quic_peeloff_recvmsg,			\
	.mmap		= sock_no_mmap

static const struct proto_ops quic_peeloff_inet_ops = {
	QUIC_PEELOFF_OPS,
	.family		= PF_INET,
};

static const struct proto_ops quic_peeloff_inet6_ops = {
	QUIC_PEELOFF_OPS,
	.family		= PF_INET6,
};

/* A socket with its file, not yet tied to any stream. */
static struct file *quic_peeloff_file(struct sock *sk, u32 flags)
{
	struct socket *sock;
	struct sock *psk;
	int err;

	err = sock_create_lite(sk->sk_family, SOCK_STREAM, IPPROTO_QUIC,
			       &sock);
	if (err)
		return ERR_PTR(err);
	sock->ops = sk->sk_family == AF_INET6 ? &quic_peeloff_inet6_ops :
						&quic_peeloff_inet_ops;
	__module_get(THIS_MODULE);	/* put by sock_release() */
	psk = sk_alloc(sock_net(sk), sk->sk_family, GFP_KERNEL,
		       &quic_peeloff_prot, 0);
	if (!psk) {
		sock_release(sock);
		return ERR_PTR(-ENOMEM);
	}
	sock_init_data(sock, psk);
	psk->sk_protocol = IPPROTO_QUIC;
	/* On failure sock_alloc_file() releases the socket itself. */
	return sock_alloc_file(sock, flags & O_NONBLOCK, NULL);
}

static void quic_peeloff_attach(struct sock *sk, struct quic_stream *s,
				struct file *file)
{
	struct quic_peeloff *ps;
	struct quic_sock *qs = quic_sk(sk);

	ps = quic_peeloff_sk(((struct socket *)file->private_data)->sk);
	ps->conn = sk;
	ps->conn_file = get_file(sk->sk_socket->file);
	ps->id = s->id;
	s->peel = ps;
	s->peeled = true;
	/* From now on the connection's reader never sees it. */
	list_del_init(&s->read_node);
	if (qs->streams.last_active == s->id)
		qs->streams.last_active = -1;
	quic_peeloff_update(ps, s);
	quic_conn_update_rx_ready(sk);
}

/**
 * quic_peeloff_stream() - getsockopt(QUIC_SOCKOPT_STREAM_PEELOFF)
 * @sk: the connection's socket, locked
 * @optval: struct quic_stream_peeloff: stream_id and flags in, sd out
 * @optlen: the option's length, out
 * @len: its length, in
 *
 * The stream must exist (opened by either side, not yet freed) and not be
 * peeled off already; @flags may hold O_CLOEXEC and O_NONBLOCK.
 *
 * Return: the new descriptor, also in sd; or -EINVAL (a bad argument or
 * an unknown stream), -EBUSY (peeled off already), -ENOTCONN (the
 * connection is not established), -EOPNOTSUPP (a kernel socket, which has
 * no descriptors), -EFAULT, -EMFILE, -ENFILE or -ENOMEM.
 */
int quic_peeloff_stream(struct sock *sk, sockptr_t optval, sockptr_t optlen,
			u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream_peeloff p;
	struct quic_stream *s;
	struct file *file;
	int fd, olen;

	if (len < sizeof(p))
		return -EINVAL;
	if (copy_from_sockptr(&p, optval, sizeof(p)))
		return -EFAULT;
	if (p.flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (!sk->sk_socket || !sk->sk_socket->file)
		return -EOPNOTSUPP;
	if (!quic_conn_active(sk))
		return -ENOTCONN;
	s = quic_stream_find(&qs->streams, p.stream_id);
	if (!s)
		return -EINVAL;
	if (s->peeled)
		return -EBUSY;

	fd = get_unused_fd_flags(p.flags & O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = quic_peeloff_file(sk, p.flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	p.sd = fd;
	olen = sizeof(p);
	if (copy_to_sockptr(optval, &p, sizeof(p)) ||
	    copy_to_sockptr(optlen, &olen, sizeof(olen))) {
		fput(file);	/* not tied to the stream yet */
		put_unused_fd(fd);
		return -EFAULT;
	}
	quic_peeloff_attach(sk, s, file);
	fd_install(fd, file);
	return fd;
}

int quic_peeloff_init(void)
{
	return proto_register(&quic_peeloff_prot, 1);
}

void quic_peeloff_exit(void)
{
	proto_unregister(&quic_peeloff_prot);
}
