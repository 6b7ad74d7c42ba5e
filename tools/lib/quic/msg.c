// SPDX-License-Identifier: GPL-2.0
/*
 * quic_sendmsg() and quic_recvmsg(): sendmsg()/recvmsg() with the stream
 * carried in a QUIC_STREAM_INFO control message.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

union quic_stream_cmsg {
	size_t		align;	/* as struct cmsghdr */
	uint8_t		buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
};

/**
 * quic_sendmsg - send data on a stream
 * @sockfd: the QUIC socket
 * @msg: the data
 * @len: its length
 * @sid: the stream ID; -1 means the stream chosen by @flags
 *	 (MSG_QUIC_STREAM_NEW opens the next one) or else the latest opened
 * @flags: MSG_QUIC_STREAM_* stream flags and sendmsg() flags; with
 *	   MSG_QUIC_DATAGRAM the data goes as an unreliable datagram and no
 *	   stream is named
 *
 * The flags go both into the stream information and to sendmsg(), as the
 * socket API describes.  Returns the number of bytes accepted, or -1 with
 * errno set.
 */
QUIC_EXPORT ssize_t quic_sendmsg(int sockfd, const void *msg, size_t len,
				 int64_t sid, uint32_t flags)
{
	struct quic_stream_info info = {};
	union quic_stream_cmsg control;
	struct msghdr mh = {};
	struct cmsghdr *cmsg;
	struct iovec iov;

	iov.iov_base = (void *)msg;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;

	if (!(flags & MSG_QUIC_DATAGRAM)) {
		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_QUIC;
		cmsg->cmsg_type = QUIC_STREAM_INFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(info));
		info.stream_id = sid;
		info.stream_flags = flags;
		memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
	}
	return sendmsg(sockfd, &mh, (int)flags);
}

/**
 * quic_recvmsg - receive data and learn its stream
 * @sockfd: the QUIC socket
 * @msg: buffer for the data
 * @len: its size
 * @sid: set to the stream the data belongs to (untouched for datagrams and
 *	 notifications); may be NULL
 * @flags: in: recvmsg() flags (e.g. MSG_DONTWAIT); out: msg_flags of the
 *	   message (MSG_EOR, MSG_QUIC_DATAGRAM, MSG_QUIC_NOTIFICATION) with
 *	   the stream flags (MSG_QUIC_STREAM_FIN) added; may be NULL
 *
 * Returns the number of bytes received, or -1 with errno set.
 */
QUIC_EXPORT ssize_t quic_recvmsg(int sockfd, void *msg, size_t len,
				 int64_t *sid, uint32_t *flags)
{
	struct quic_stream_info info;
	union quic_stream_cmsg control;
	struct msghdr mh = {};
	struct cmsghdr *cmsg;
	struct iovec iov;
	uint32_t out;
	ssize_t ret;

	iov.iov_base = msg;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);

	ret = recvmsg(sockfd, &mh, flags ? (int)*flags : 0);
	if (ret < 0)
		return ret;

	out = (uint32_t)mh.msg_flags;
	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_QUIC ||
		    cmsg->cmsg_type != QUIC_STREAM_INFO ||
		    cmsg->cmsg_len < CMSG_LEN(sizeof(info)))
			continue;
		memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
		if (sid)
			*sid = info.stream_id;
		out |= info.stream_flags;
		break;
	}
	if (flags)
		*flags = out;
	return ret;
}
