/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sock_diag of QUIC sockets (quic_diag.ko): what INET_DIAG_INFO carries,
 * as struct tcp_info does for TCP. Not part of the socket API draft,
 * which defines no sock_diag: an extension of this implementation.
 *
 * ABI: fields are only ever added at the end. A reader takes the
 * attribute's length as the part of the structure the kernel filled, and
 * treats what lies beyond it as 0.
 */
#ifndef _UAPI_LINUX_QUIC_DIAG_H
#define _UAPI_LINUX_QUIC_DIAG_H

#include <linux/types.h>

/* struct quic_diag_info.qdi_flags */
#define QUIC_DIAG_SERVER	0x1	/* the server end, or a listener */
#define QUIC_DIAG_CONFIRMED	0x2	/* handshake confirmed (RFC 9001) */
#define QUIC_DIAG_OFFLOAD	0x4	/* a device protects 1-RTT packets */

/**
 * struct quic_diag_info - INET_DIAG_INFO of a QUIC socket
 * @qdi_version: QUIC version in use (0 on a listener)
 * @qdi_flags: QUIC_DIAG_*
 * @qdi_cipher: 1-RTT cipher, a TLS_CIPHER_* of <linux/tls.h> as in
 *	struct quic_crypto_secret (0 until the 1-RTT keys are in)
 * @qdi_pto_count: probe timeouts in a row (RFC 9002 6.2)
 * @qdi_srtt_us: smoothed RTT (RFC 9002 5.3), microseconds
 * @qdi_rttvar_us: its variation
 * @qdi_min_rtt_us: smallest RTT sample
 * @qdi_latest_rtt_us: last RTT sample
 * @qdi_max_datagram: datagram size the connection sends now (the path MTU
 *	it found, RFC 9000 14)
 * @qdi_pad: 0
 * @qdi_cwnd: congestion window, bytes (RFC 9002 7)
 * @qdi_ssthresh: slow start threshold, bytes (~0 while unset)
 * @qdi_bytes_in_flight: bytes sent and neither acknowledged nor lost
 */
struct quic_diag_info {
	__u32	qdi_version;
	__u32	qdi_flags;
	__u32	qdi_cipher;
	__u32	qdi_pto_count;
	__u32	qdi_srtt_us;
	__u32	qdi_rttvar_us;
	__u32	qdi_min_rtt_us;
	__u32	qdi_latest_rtt_us;
	__u32	qdi_max_datagram;
	__u32	qdi_pad;
	__u64	qdi_cwnd;
	__u64	qdi_ssthresh;
	__u64	qdi_bytes_in_flight;
};

#endif /* _UAPI_LINUX_QUIC_DIAG_H */
