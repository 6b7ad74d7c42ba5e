/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/net/quic/: the QUIC sockets of a network namespace and its
 * SNMP-style counters.
 */
#ifndef _NET_QUIC_PROC_H
#define _NET_QUIC_PROC_H

#include <net/sock.h>

/* Per-netns counters; their names are in proc.c. */
enum quic_mib_field {
	QUIC_MIB_ACTIVE_OPENS,		/* connect() started a handshake */
	QUIC_MIB_PASSIVE_OPENS,		/* accept() made a connection */
	QUIC_MIB_HANDSHAKES,		/* connections established */
	QUIC_MIB_CONN_ERRORS,		/* we closed on a protocol error */
	QUIC_MIB_PEER_CLOSES,		/* CONNECTION_CLOSE received */
	QUIC_MIB_IDLE_TIMEOUTS,		/* ended by the idle timeout */
	QUIC_MIB_IN_PACKETS,		/* authentic packets received */
	QUIC_MIB_IN_UNAUTHENTIC,	/* packets that did not decrypt */
	QUIC_MIB_OUT_PACKETS,		/* packets sent */
	QUIC_MIB_LOST_PACKETS,		/* declared lost (RFC 9002) */
	QUIC_MIB_RETRY_SENT,		/* Retry packets sent (8.1.2) */
	QUIC_MIB_RETRY_TAKEN,		/* Retry packets acted on */
	QUIC_MIB_INVALID_TOKENS,	/* INVALID_TOKEN closes */
	QUIC_MIB_RESET_SENT,		/* Stateless Resets sent (10.3) */
	QUIC_MIB_RESET_RECEIVED,	/* connections ended by one */
	QUIC_MIB_CLOSE_RESENT,		/* closing state answers (10.2.1) */
	QUIC_MIB_VN_SENT,		/* Version Negotiation sent (6.1) */
	QUIC_MIB_VN_REFUSED,		/* attempts ended by one (6.2) */
	QUIC_MIB_OFFLOAD_CONNS,		/* connections a device protects */
	QUIC_MIB_OFFLOAD_RX,		/* packets a device opened */
	QUIC_MIB_OFFLOAD_FALLBACK,	/* plaintext sealed in software */
	QUIC_MIB_OFFLOAD_DROPS,		/* plaintext no one could seal, or
					 * opened packets not ours
					 */
	QUIC_MIB_PATH_MIGRATIONS,	/* the peer's moves followed (9.3) */
	QUIC_MIB_PATH_VALIDATED,	/* its new address proved (8.2) */
	QUIC_MIB_PATH_FAILED,		/* validations given up (9.3.2) */
	QUIC_MIB_PATH_RESPONSES,	/* PATH_RESPONSE frames sent */
	QUIC_MIB_IN_UNKNOWN_SERVER,	/* client: datagrams from another
					 * address than its server's (9)
					 */
	QUIC_MIB_SPURIOUS_LOSSES,	/* declared lost, acknowledged later */
	QUIC_MIB_IN_BACKLOG_DROPS,	/* datagrams dropped: backlog full */
	QUIC_MIB_IN_DUPLICATES,		/* packets discarded as seen (12.3) */
	QUIC_MIB_OUT_EARLY,		/* client: 0-RTT packets sent */
	QUIC_MIB_IN_EARLY,		/* server: 0-RTT packets opened */
	QUIC_MIB_IN_EARLY_HELD,		/* listener: 0-RTT datagrams held
					 * until accept() made their
					 * connection (RFC 9001 5.7)
					 */
	QUIC_MIB_EARLY_ACCEPTED,	/* client: the server took its
					 * 0-RTT data (RFC 9001 4.6.2)
					 */
	QUIC_MIB_EARLY_REFUSED,		/* client: the server refused it */
	QUIC_MIB_EARLY_LOST,		/* client: 0-RTT packets declared
					 * lost (of QUIC_MIB_LOST_PACKETS)
					 */
	QUIC_MIB_PMTU_PROBES,		/* DPLPMTUD probes sent (14.3) */
	QUIC_MIB_PMTU_PROBES_LOST,	/* of them, declared lost */
	QUIC_MIB_PMTU_RAISED,		/* datagram size raised by a probe */
	QUIC_MIB_PMTU_BLACKHOLES,	/* size back to 1200: a black hole */
	QUIC_MIB_IN_DISCARDS,		/* datagrams no connection took:
					 * malformed, for no connection of
					 * ours, or refused by a listener
					 */
	QUIC_MIB_MAX
};

void quic_mib_inc(const struct net *net, enum quic_mib_field field);
void quic_mib_add(const struct net *net, enum quic_mib_field field, u32 n);
void quic_proc_sock_add(struct sock *sk);
void quic_proc_sock_del(struct sock *sk);
int quic_sock_walk(struct net *net, unsigned long *pos,
		   int (*visit)(struct sock *sk, void *arg), void *arg);
int quic_proc_init(void);
void quic_proc_exit(void);

#endif /* _NET_QUIC_PROC_H */
