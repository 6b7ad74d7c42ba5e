/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stream data calls of msg.c that a peeled-off stream's socket
 * (peeloff.c) shares with its connection's socket.
 */
#ifndef _NET_QUIC_MSG_H
#define _NET_QUIC_MSG_H

#include <linux/quic.h>
#include <linux/socket.h>

struct quic_peeloff;
struct quic_stream;
struct sock;

/**
 * struct quic_send_args - what a sendmsg() call names besides its data
 * @sinfo: the QUIC_STREAM_INFO cmsg (or a peeled-off socket's stream)
 * @hinfo: the QUIC_HANDSHAKE_INFO cmsg
 * @has_sinfo: @sinfo was given
 * @has_hinfo: @hinfo was given
 * @peel: the peeled-off socket calling, whose stream @sinfo names; NULL
 *	for the connection's own socket, which may not use that stream
 * @timeo: how long to wait for send buffer room
 */
struct quic_send_args {
	struct quic_stream_info		sinfo;
	struct quic_handshake_info	hinfo;
	bool				has_sinfo;
	bool				has_hinfo;
	struct quic_peeloff		*peel;
	long				timeo;
};

typedef bool (*quic_wait_cond)(struct sock *sk, void *arg);

int quic_wait(struct sock *sk, long *timeo, quic_wait_cond cond, void *arg);
bool quic_send_room(struct sock *sk, void *arg);
void quic_send_stream_fin(struct sock *sk, struct quic_stream *s);
int quic_send_stream(struct sock *sk, struct msghdr *msg, size_t len,
		     const struct quic_send_args *a);
int quic_recv_stream_data(struct sock *sk, struct quic_stream *s,
			  struct msghdr *msg, size_t len, int flags);
void quic_recv_stream_done(struct sock *sk, struct quic_stream *s);

#endif /* _NET_QUIC_MSG_H */
