// SPDX-License-Identifier: GPL-2.0
/*
 * Unreliable datagrams (RFC 9221).
 *
 * A message sent with MSG_QUIC_DATAGRAM is copied into an skb that waits
 * on sk_write_queue until the send path puts it, whole, in a DATAGRAM
 * frame of a 1-RTT packet: ahead of stream data, in the order written,
 * within the congestion window. Nothing remembers it once it is in a
 * packet, so a lost packet does not bring it back (RFC 9221 5.2).
 *
 * A received DATAGRAM frame's data becomes an skb on sk_receive_queue
 * for recvmsg(), which returns one message per call. With SO_RCVBUF
 * worth of them unread, further ones are dropped and counted in
 * sk_drops: they carry no flow control, and a peer must not be able to
 * make the socket hold more.
 *
 * Context: socket lock held (owned, or bh-locked with no owner).
 */

#include <linux/skbuff.h>
#include <linux/uio.h>

#include "conn.h"
#include "datagram.h"
#include "varint.h"

/*
 * Bytes a 1-RTT packet of the current datagram size has for frames at
 * the least: what the short header (with the longest packet number) and
 * the AEAD tag leave.
 */
static u32 quic_dgram_packet_room(struct quic_sock *qs)
{
	u32 over = 1 + qs->dcid.cid.len + 4 +
		   quic_crypto_tag_len(&qs->app_crypto);

	return qs->max_dgram > over ? qs->max_dgram - over : 0;
}

/*
 * Largest data length whose DATAGRAM frame with a Length field (type,
 * Length, data) takes at most @frame bytes. A shorter length may need a
 * shorter Length field, so at most three steps down from the first guess.
 */
static u32 quic_dgram_fit(u64 frame)
{
	u64 n;

	if (frame < 2)
		return 0;
	n = min_t(u64, frame - 2, U32_MAX);
	while (n && 1 + quic_varint_len(n) + n > frame)
		n--;
	return n;
}

/**
 * quic_dgram_max_len() - largest message a DATAGRAM frame may carry now
 * @sk: socket
 *
 * Bounded by the peer's max_datagram_frame_size (RFC 9221 3) and by one
 * packet of the current datagram size: 1200 bytes until the handshake is
 * confirmed, then what the path allows (see quic_conn_update_dgram_size()).
 *
 * Return: bytes; 0 if the peer takes no DATAGRAM frames.
 */
u32 quic_dgram_max_len(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	return quic_dgram_fit(min_t(u64, qs->peer_tp.max_datagram_frame_size,
				    quic_dgram_packet_room(qs)));
}

/**
 * quic_dgram_queue() - take a message to send as a DATAGRAM frame
 * @sk: socket
 * @msg: the message, @len bytes
 * @len: at most quic_dgram_max_len()
 *
 * Return: @len, or -errno.
 */
int quic_dgram_queue(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct sk_buff *skb;

	skb = alloc_skb(len, sk->sk_allocation);
	if (!skb)
		return -ENOBUFS;
	if (copy_from_iter(skb_put(skb, len), len, &msg->msg_iter) != len) {
		kfree_skb(skb);
		return -EFAULT;
	}
	sk_wmem_queued_add(sk, skb->truesize);
	__skb_queue_tail(&sk->sk_write_queue, skb);
	return len;
}

bool quic_dgram_tx_pending(const struct sock *sk)
{
	return !skb_queue_empty(&sk->sk_write_queue);
}

static void quic_dgram_tx_free(struct sock *sk, struct sk_buff *skb)
{
	__skb_unlink(skb, &sk->sk_write_queue);
	sk_wmem_queued_add(sk, -skb->truesize);
	consume_skb(skb);
}

/**
 * quic_dgram_write() - put queued messages in a packet being built
 * @sk: socket
 * @buf: where the next frame goes
 * @room: bytes left for frames in the packet
 *
 * Takes messages in order while the next fits. One that no longer fits
 * any packet (the path's MTU fell since it was written) is dropped.
 *
 * Return: bytes of DATAGRAM frames written at @buf.
 */
u32 quic_dgram_write(struct sock *sk, u8 *buf, u32 room)
{
	u32 max = quic_dgram_max_len(sk), used = 0, len;
	struct sk_buff *skb;
	int n;

	while ((skb = skb_peek(&sk->sk_write_queue))) {
		len = skb->len;
		if (len > max) {
			quic_dgram_tx_free(sk, skb);
			continue;
		}
		if (quic_frame_datagram_hdr_len(len, true) + len > room - used)
			break;
		n = quic_frame_datagram_hdr_encode(buf + used, room - used,
						   len, true);
		if (n < 0)
			break;
		memcpy(buf + used + n, skb->data, len);
		used += n + len;
		quic_dgram_tx_free(sk, skb);
	}
	if (used)
		sk->sk_write_space(sk);
	return used;
}

/**
 * quic_dgram_rcv() - a DATAGRAM frame arrived
 * @sk: socket
 * @f: the frame
 *
 * Return: 0, or the transport error to close the connection with.
 */
u32 quic_dgram_rcv(struct sock *sk, const struct quic_frame *f)
{
	u64 max = quic_sk(sk)->local_tp.max_datagram_frame_size;
	u32 len = f->datagram.len, size;
	struct sk_buff *skb;

	size = quic_frame_datagram_hdr_len(len,
					   f->type == QUIC_FRAME_DATAGRAM_LEN);
	/* RFC 9221 3: none advertised, or larger than advertised. */
	if (!max || (u64)size + len > max)
		return QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	skb = alloc_skb(len, GFP_ATOMIC);
	if (!skb)
		goto drop;
	if (atomic_read(&sk->sk_rmem_alloc) + skb->truesize >
	    READ_ONCE(sk->sk_rcvbuf)) {
		kfree_skb(skb);
		goto drop;
	}
	skb_put_data(skb, f->datagram.data, len);
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	quic_conn_data_ready(sk);
	return 0;
drop:
	atomic_inc(&sk->sk_drops);
	return 0;
}

/**
 * quic_dgram_purge() - drop every message not sent or not read
 * @sk: socket being destroyed
 */
void quic_dgram_purge(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue)))
		quic_dgram_tx_free(sk, skb);
	__skb_queue_purge(&sk->sk_receive_queue);
}
