/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * QUIC socket API (draft-lxin-quic-socket-apis).
 *
 * The numbers, names and layouts below are ABI: applications written for
 * the in-kernel QUIC socket API are built against exactly these values, so
 * nothing here may be renumbered, reordered or resized.  A structure can
 * only grow at its end; the kernel accepts the common prefix of an older
 * or newer layout.
 */

#ifndef _UAPI_LINUX_QUIC_H
#define _UAPI_LINUX_QUIC_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/socket.h>
#else
#include <sys/socket.h>
#endif

/* Protocol number for socket(AF_INET{,6}, SOCK_{DGRAM,STREAM}, ...). */
#ifndef IPPROTO_QUIC
enum {
	IPPROTO_QUIC = 261,
#define IPPROTO_QUIC IPPROTO_QUIC
};
#endif

/* Level of the QUIC socket options and control messages. */
#ifndef SOL_QUIC
#define SOL_QUIC	288
#endif

/* Control message types at level SOL_QUIC. */
enum quic_cmsg_type {
	QUIC_STREAM_INFO,	/* struct quic_stream_info */
	QUIC_HANDSHAKE_INFO,	/* struct quic_handshake_info */
};

/* The two low bits of a stream ID (RFC 9000, section 2.1). */
#define QUIC_STREAM_TYPE_SERVER_MASK	0x01
#define QUIC_STREAM_TYPE_UNI_MASK	0x02
#define QUIC_STREAM_TYPE_MASK		0x03

/*
 * Stream and message flags.  They reuse MSG_* bits that have no meaning
 * on a QUIC socket, so they can travel in the flags argument of
 * sendmsg()/recvmsg(), in msg_flags and in quic_stream_info.stream_flags.
 */
enum quic_msg_flags {
	/* sendmsg() flags and stream_flags */
	MSG_QUIC_STREAM_NEW		= MSG_SYN,
	MSG_QUIC_STREAM_FIN		= MSG_FIN,
	MSG_QUIC_STREAM_UNI		= MSG_CONFIRM,
	MSG_QUIC_STREAM_DONTWAIT	= MSG_WAITFORONE,
	MSG_QUIC_STREAM_SNDBLOCK	= MSG_ERRQUEUE,

	/* msg_flags */
	MSG_QUIC_DATAGRAM		= MSG_RST,
	MSG_QUIC_NOTIFICATION		= MSG_MORE,
};

#ifndef __KERNEL__
/* Names used by applications written before the QUIC_ infix. */
#define MSG_STREAM_NEW		MSG_QUIC_STREAM_NEW
#define MSG_STREAM_FIN		MSG_QUIC_STREAM_FIN
#define MSG_STREAM_UNI		MSG_QUIC_STREAM_UNI
#define MSG_STREAM_DONTWAIT	MSG_QUIC_STREAM_DONTWAIT
#define MSG_STREAM_SNDBLOCK	MSG_QUIC_STREAM_SNDBLOCK
#define MSG_DATAGRAM		MSG_QUIC_DATAGRAM
#define MSG_NOTIFICATION	MSG_QUIC_NOTIFICATION
#endif

/* Encryption levels of handshake messages and secrets. */
enum quic_crypto_level {
	QUIC_CRYPTO_APP,
	QUIC_CRYPTO_INITIAL,
	QUIC_CRYPTO_HANDSHAKE,
	QUIC_CRYPTO_EARLY,
	QUIC_CRYPTO_MAX,
};

/* QUIC_HANDSHAKE_INFO: the level of a handshake message. */
struct quic_handshake_info {
	__u8	crypto_level;
};

/* QUIC_STREAM_INFO, also the argument of QUIC_SOCKOPT_STREAM_OPEN. */
struct quic_stream_info {
	__s64	stream_id;	/* -1: next stream of the type in flags */
	__u32	stream_flags;	/* MSG_QUIC_STREAM_* */
};

/* Socket options at level SOL_QUIC. */
#define QUIC_SOCKOPT_EVENT			0
#define QUIC_SOCKOPT_STREAM_OPEN		1
#define QUIC_SOCKOPT_STREAM_RESET		2
#define QUIC_SOCKOPT_STREAM_STOP_SENDING	3
#define QUIC_SOCKOPT_CONNECTION_ID		4
#define QUIC_SOCKOPT_CONNECTION_CLOSE		5
#define QUIC_SOCKOPT_CONNECTION_MIGRATION	6
#define QUIC_SOCKOPT_KEY_UPDATE			7
#define QUIC_SOCKOPT_TRANSPORT_PARAM		8
#define QUIC_SOCKOPT_CONFIG			9
#define QUIC_SOCKOPT_TOKEN			10
#define QUIC_SOCKOPT_ALPN			11
#define QUIC_SOCKOPT_SESSION_TICKET		12
#define QUIC_SOCKOPT_CRYPTO_SECRET		13
#define QUIC_SOCKOPT_TRANSPORT_PARAM_EXT	14
#define QUIC_SOCKOPT_STREAM_PEELOFF		15

#define QUIC_VERSION_V1		0x1
#define QUIC_VERSION_V2		0x6b3343cf

/* QUIC_SOCKOPT_STREAM_RESET and QUIC_SOCKOPT_STREAM_STOP_SENDING */
struct quic_errinfo {
	__s64	stream_id;
	__u32	errcode;
};

/* QUIC_SOCKOPT_CONNECTION_ID */
struct quic_connection_id_info {
	__u8	dest;		/* !0: the peer's (destination) IDs */
	__u8	reserved[3];
	__u32	active;		/* sequence number of the ID in use */
	__u32	prior_to;	/* IDs below this number are retired */
};

/* QUIC_SOCKOPT_CONNECTION_CLOSE */
#define QUIC_CLOSE_PHRASE_BUFFER_SIZE	64

struct quic_connection_close {
	__u32	errcode;
	__u8	frame;		/* frame type that caused the close */
	__u8	reserved[3];
	__u8	phrase[QUIC_CLOSE_PHRASE_BUFFER_SIZE];
};

/*
 * QUIC_SOCKOPT_TRANSPORT_PARAM.  Times are in microseconds.  Set remote
 * to read, or (for 0-RTT) preset, the peer's parameters.
 */
struct quic_transport_param {
	__u8	remote;
	__u8	disable_active_migration;
	__u8	grease_quic_bit;
	__u8	stateless_reset;
	__u8	disable_1rtt_encryption;
	__u8	disable_compatible_version;
	__u8	active_connection_id_limit;
	__u8	ack_delay_exponent;
	__u16	max_datagram_frame_size;
	__u16	max_udp_payload_size;
	__u32	max_idle_timeout;
	__u32	max_ack_delay;
	__u16	max_streams_bidi;
	__u16	max_streams_uni;
	__u64	max_data;
	__u64	max_stream_data_bidi_local;
	__u64	max_stream_data_bidi_remote;
	__u64	max_stream_data_uni;
};

/* QUIC_SOCKOPT_CONFIG.  Times are in microseconds. */
struct quic_config {
	__u32	version;
	__u32	plpmtud_probe_interval;
	__u32	initial_smoothed_rtt;
	__u32	payload_cipher_type;	/* TLS_CIPHER_*, 0: any */
	__u8	congestion_control_algo;	/* enum quic_cong_algo */
	__u8	validate_peer_address;
	__u8	stream_data_nodelay;
	__u8	receive_session_ticket;
	__u8	certificate_request;	/* 0 ignore, 1 request, 2 require */
	__u8	reserved[3];
	__u32	keepalive_probe_interval;
};

enum quic_cong_algo {
	QUIC_CONG_ALG_RENO,
	QUIC_CONG_ALG_CUBIC,
	QUIC_CONG_ALG_MAX,
};

/* QUIC_SOCKOPT_CRYPTO_SECRET */
#define QUIC_CRYPTO_SECRET_BUFFER_SIZE	48

struct quic_crypto_secret {
	__u8	send;		/* !0: the secret protects what we send */
	__u8	level;		/* enum quic_crypto_level */
	__u16	reserved;
	__u32	type;		/* TLS_CIPHER_* from <linux/tls.h> */
	__u8	secret[QUIC_CRYPTO_SECRET_BUFFER_SIZE];
};

/* QUIC_SOCKOPT_STREAM_PEELOFF: returns the new descriptor in sd. */
struct quic_stream_peeloff {
	__s64	stream_id;
	__u32	flags;		/* O_CLOEXEC etc. for the new descriptor */
	int	sd;
};

/*
 * Events.  Disabled until switched on per type with QUIC_SOCKOPT_EVENT;
 * then read as messages with MSG_QUIC_NOTIFICATION in msg_flags: one type
 * byte followed by the member of union quic_event for that type.
 */
enum quic_event_type {
	QUIC_EVENT_NONE,
	QUIC_EVENT_STREAM_UPDATE,
	QUIC_EVENT_STREAM_MAX_DATA,
	QUIC_EVENT_STREAM_MAX_STREAM,
	QUIC_EVENT_CONNECTION_ID,
	QUIC_EVENT_CONNECTION_CLOSE,
	QUIC_EVENT_CONNECTION_MIGRATION,
	QUIC_EVENT_KEY_UPDATE,
	QUIC_EVENT_NEW_TOKEN,
	QUIC_EVENT_NEW_SESSION_TICKET,
	QUIC_EVENT_MAX,
};

/* QUIC_SOCKOPT_EVENT */
struct quic_event_option {
	__u8	type;		/* enum quic_event_type */
	__u8	on;
};

/* Stream states reported by QUIC_EVENT_STREAM_UPDATE. */
enum {
	QUIC_STREAM_SEND_STATE_READY,
	QUIC_STREAM_SEND_STATE_SEND,
	QUIC_STREAM_SEND_STATE_SENT,
	QUIC_STREAM_SEND_STATE_RECVD,
	QUIC_STREAM_SEND_STATE_RESET_SENT,
	QUIC_STREAM_SEND_STATE_RESET_RECVD,

	QUIC_STREAM_RECV_STATE_RECV,
	QUIC_STREAM_RECV_STATE_SIZE_KNOWN,
	QUIC_STREAM_RECV_STATE_RECVD,
	QUIC_STREAM_RECV_STATE_READ,
	QUIC_STREAM_RECV_STATE_RESET_RECVD,
	QUIC_STREAM_RECV_STATE_RESET_READ,
};

struct quic_stream_update {
	__s64	id;
	__u8	state;
	__u8	reserved[3];
	__u32	errcode;	/* with the RESET states */
	__u64	finalsz;
};

struct quic_stream_max_data {
	__s64	id;
	__u64	max_data;
};

union quic_event {
	struct quic_stream_update	update;
	struct quic_stream_max_data	max_data;
	struct quic_connection_close	close;
	struct quic_connection_id_info	info;
	__u64	max_stream;
	__u8	local_migration;
	__u8	key_update_phase;
};

/* Transport error codes (RFC 9000, section 20.1). */
enum quic_transport_error {
	QUIC_TRANSPORT_ERROR_NONE			= 0x00,
	QUIC_TRANSPORT_ERROR_INTERNAL			= 0x01,
	QUIC_TRANSPORT_ERROR_CONNECTION_REFUSED		= 0x02,
	QUIC_TRANSPORT_ERROR_FLOW_CONTROL		= 0x03,
	QUIC_TRANSPORT_ERROR_STREAM_LIMIT		= 0x04,
	QUIC_TRANSPORT_ERROR_STREAM_STATE		= 0x05,
	QUIC_TRANSPORT_ERROR_FINAL_SIZE			= 0x06,
	QUIC_TRANSPORT_ERROR_FRAME_ENCODING		= 0x07,
	QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM		= 0x08,
	QUIC_TRANSPORT_ERROR_CONNECTION_ID_LIMIT	= 0x09,
	QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION		= 0x0a,
	QUIC_TRANSPORT_ERROR_INVALID_TOKEN		= 0x0b,
	QUIC_TRANSPORT_ERROR_APPLICATION		= 0x0c,
	QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED	= 0x0d,
	QUIC_TRANSPORT_ERROR_KEY_UPDATE			= 0x0e,
	QUIC_TRANSPORT_ERROR_AEAD_LIMIT_REACHED		= 0x0f,
	QUIC_TRANSPORT_ERROR_NO_VIABLE_PATH		= 0x10,
	QUIC_TRANSPORT_ERROR_VERSION_NEGOTIATION	= 0x11,

	/* 0x0100 + the TLS alert description */
	QUIC_TRANSPORT_ERROR_CRYPTO			= 0x0100,
};

#endif /* _UAPI_LINUX_QUIC_H */
