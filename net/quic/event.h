/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Notifications to the application (QUIC_SOCKOPT_EVENT): read by recvmsg()
 * as a message with MSG_QUIC_NOTIFICATION set, one type byte then the
 * matching member of union quic_event.
 */
#ifndef _NET_QUIC_EVENT_H
#define _NET_QUIC_EVENT_H

#include <net/sock.h>

/* Events queued and not yet read, per socket; more are dropped. */
#define QUIC_EVENT_QUEUE_MAX	1024

int quic_event_set(struct sock *sk, u8 type, bool on);
bool quic_event_enabled(struct sock *sk, u8 type);
void quic_event_queue(struct sock *sk, u8 type, const void *data, u32 len);
void quic_event_stream_update(struct sock *sk, s64 id, u8 state,
			      u32 errcode, u64 finalsz);

#endif /* _NET_QUIC_EVENT_H */
