// SPDX-License-Identifier: GPL-2.0
/*
 * Application notifications. Each enabled event becomes a small skb on the
 * socket's event queue; recvmsg() delivers queued events before data.
 *
 * Context: socket lock held.
 */

#include <linux/skbuff.h>

#include "conn.h"
#include "event.h"

int quic_event_set(struct sock *sk, u8 type, bool on)
{
	struct quic_sock *qs = quic_sk(sk);

	if (type == QUIC_EVENT_NONE || type >= QUIC_EVENT_MAX)
		return -EINVAL;
	if (on)
		qs->events |= BIT(type);
	else
		qs->events &= ~BIT(type);
	return 0;
}

bool quic_event_enabled(struct sock *sk, u8 type)
{
	return quic_sk(sk)->events & BIT(type);
}

/**
 * quic_event_queue() - queue a notification if the application asked
 * @sk: socket
 * @type: QUIC_EVENT_*
 * @data: payload, the union quic_event member for @type
 * @len: its size
 *
 * A notification that cannot be queued (memory, or a reader that never
 * reads them) is dropped rather than blocking the connection.
 */
void quic_event_queue(struct sock *sk, u8 type, const void *data, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;

	if (!quic_event_enabled(sk, type) ||
	    skb_queue_len(&qs->event_queue) >= QUIC_EVENT_QUEUE_MAX)
		return;
	skb = alloc_skb(1 + len, GFP_ATOMIC);
	if (!skb)
		return;
	skb_put_u8(skb, type);
	skb_put_data(skb, data, len);
	__skb_queue_tail(&qs->event_queue, skb);
	quic_conn_data_ready(sk);
}

void quic_event_stream_update(struct sock *sk, s64 id, u8 state,
			      u32 errcode, u64 finalsz)
{
	struct quic_stream_update up = {
		.id = id,
		.state = state,
		.errcode = errcode,
		.finalsz = finalsz,
	};

	quic_event_queue(sk, QUIC_EVENT_STREAM_UPDATE, &up, sizeof(up));
}
