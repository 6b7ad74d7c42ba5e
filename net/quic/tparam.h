/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC transport parameters (RFC 9000 section 18) carried in the TLS
 * quic_transport_parameters extension, plus max_datagram_frame_size
 * (RFC 9221), grease_quic_bit (RFC 9287), version_information (RFC 9368)
 * and the private disable_1rtt_encryption.
 *
 * The wire form is a sequence of (id, length, value) with varint id and
 * length. Decoding validates every value the RFCs constrain, because the
 * peer's limits feed flow control and timers directly.
 */
#ifndef _NET_QUIC_TPARAM_H
#define _NET_QUIC_TPARAM_H

#include "codec_compat.h"
#include "header.h"

#define QUIC_TP_ORIGINAL_DCID			0x00
#define QUIC_TP_MAX_IDLE_TIMEOUT		0x01
#define QUIC_TP_STATELESS_RESET_TOKEN		0x02
#define QUIC_TP_MAX_UDP_PAYLOAD_SIZE		0x03
#define QUIC_TP_INITIAL_MAX_DATA		0x04
#define QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL	0x05
#define QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE	0x06
#define QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI	0x07
#define QUIC_TP_INITIAL_MAX_STREAMS_BIDI	0x08
#define QUIC_TP_INITIAL_MAX_STREAMS_UNI		0x09
#define QUIC_TP_ACK_DELAY_EXPONENT		0x0a
#define QUIC_TP_MAX_ACK_DELAY			0x0b
#define QUIC_TP_DISABLE_ACTIVE_MIGRATION	0x0c
#define QUIC_TP_PREFERRED_ADDRESS		0x0d
#define QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT	0x0e
#define QUIC_TP_INITIAL_SCID			0x0f
#define QUIC_TP_RETRY_SCID			0x10
#define QUIC_TP_VERSION_INFORMATION		0x11
#define QUIC_TP_MAX_DATAGRAM_FRAME_SIZE		0x20
#define QUIC_TP_GREASE_QUIC_BIT			0x2ab2
#define QUIC_TP_DISABLE_1RTT_ENCRYPTION		0xbaad

/* Defaults and limits (RFC 9000 18.2). */
#define QUIC_TP_DEF_MAX_UDP_PAYLOAD_SIZE	65527
#define QUIC_TP_MIN_MAX_UDP_PAYLOAD_SIZE	1200
#define QUIC_TP_DEF_ACK_DELAY_EXPONENT		3
#define QUIC_TP_MAX_ACK_DELAY_EXPONENT		20
#define QUIC_TP_DEF_MAX_ACK_DELAY		25
#define QUIC_TP_MAX_MAX_ACK_DELAY		((1ULL << 14) - 1)
#define QUIC_TP_DEF_ACTIVE_CID_LIMIT		2
#define QUIC_TP_MAX_STREAMS			BIT_ULL(60)

#define QUIC_TP_RESET_TOKEN_LEN			16
/* Available versions kept from version_information; extra ones ignored. */
#define QUIC_TP_MAX_VERSIONS			16

/* Transport error codes the decoder and validator report. */
#define QUIC_TP_ERR_PROTOCOL_VIOLATION		0x0a
#define QUIC_TP_ERR_TRANSPORT_PARAMETER		0x08

/**
 * struct quic_tparam_cid - a connection ID held by value
 * @len: bytes used in @data
 * @data: the ID
 */
struct quic_tparam_cid {
	u8 len;
	u8 data[QUIC_CID_MAX_LEN];
};

/**
 * struct quic_tparam_pref_addr - preferred_address value
 * @ipv4_addr: IPv4 address, network order; all zero if none
 * @ipv6_addr: IPv6 address, network order; all zero if none
 * @ipv4_port: IPv4 port, host order
 * @ipv6_port: IPv6 port, host order
 * @cid: connection ID to use on the new path (1 to 20 bytes)
 * @reset_token: stateless reset token for @cid
 */
struct quic_tparam_pref_addr {
	u8 ipv4_addr[4];
	u8 ipv6_addr[16];
	u16 ipv4_port;
	u16 ipv6_port;
	struct quic_tparam_cid cid;
	u8 reset_token[QUIC_TP_RESET_TOKEN_LEN];
};

/**
 * struct quic_tparams - one endpoint's transport parameters
 * @values: the integers and flags below, up to @disable_1rtt_encryption,
 *	as one struct quic_tparam_values: what a socket keeps of its own
 *	and its peer's parameters (the CIDs, preferred address, reset token
 *	and versions matter only while the handshake is checked, and would
 *	cost every connection over 400 bytes)
 * @max_idle_timeout: milliseconds, 0 means none
 * @max_udp_payload_size: bytes
 * @initial_max_data: connection flow control limit
 * @initial_max_stream_data_bidi_local: limit for streams the sender opens
 * @initial_max_stream_data_bidi_remote: limit for streams the peer opens
 * @initial_max_stream_data_uni: limit for unidirectional streams
 * @initial_max_streams_bidi: bidirectional streams the peer may open
 * @initial_max_streams_uni: unidirectional streams the peer may open
 * @ack_delay_exponent: ACK Delay scaling exponent
 * @max_ack_delay: milliseconds
 * @active_connection_id_limit: connection IDs the sender will store
 * @max_datagram_frame_size: 0 means DATAGRAM frames are not supported
 * @has_stateless_reset_token: @stateless_reset_token present
 * @disable_active_migration: disable_active_migration present
 * @grease_quic_bit: grease_quic_bit present
 * @disable_1rtt_encryption: disable_1rtt_encryption present
 * @original_dcid: original_destination_connection_id (server)
 * @initial_scid: initial_source_connection_id
 * @retry_scid: retry_source_connection_id (server, after a Retry)
 * @preferred_address: preferred_address (server)
 * @stateless_reset_token: stateless_reset_token (server)
 * @chosen_version: version_information Chosen Version
 * @available_versions: version_information Available Versions
 * @available_versions_count: entries in @available_versions
 * @has_original_dcid: @original_dcid present
 * @has_initial_scid: @initial_scid present
 * @has_retry_scid: @retry_scid present
 * @has_preferred_address: @preferred_address present
 * @has_version_info: @chosen_version and @available_versions present
 */
struct quic_tparams {
	struct_group_tagged(quic_tparam_values, values,
			    /* what a socket keeps after the handshake */
		u64 max_idle_timeout;
		u64 max_udp_payload_size;
		u64 initial_max_data;
		u64 initial_max_stream_data_bidi_local;
		u64 initial_max_stream_data_bidi_remote;
		u64 initial_max_stream_data_uni;
		u64 initial_max_streams_bidi;
		u64 initial_max_streams_uni;
		u64 ack_delay_exponent;
		u64 max_ack_delay;
		u64 active_connection_id_limit;
		u64 max_datagram_frame_size;
		bool has_stateless_reset_token;
		bool disable_active_migration;
		bool grease_quic_bit;
		bool disable_1rtt_encryption;
	);
	struct quic_tparam_cid original_dcid;
	struct quic_tparam_cid initial_scid;
	struct quic_tparam_cid retry_scid;
	struct quic_tparam_pref_addr preferred_address;
	u8 stateless_reset_token[QUIC_TP_RESET_TOKEN_LEN];
	u32 chosen_version;
	u32 available_versions[QUIC_TP_MAX_VERSIONS];
	u8 available_versions_count;
	bool has_original_dcid;
	bool has_initial_scid;
	bool has_retry_scid;
	bool has_preferred_address;
	bool has_version_info;
};

/**
 * struct quic_tparam_wire_cids - CIDs seen in packets, to check against the
 *	peer's transport parameters (RFC 9000 7.3)
 * @peer_scid: Source Connection ID of the peer's first Initial packet
 * @odcid: client only: Destination Connection ID of its first Initial
 * @retry_scid: client only: Source Connection ID of the Retry it processed
 * @retry: client only: a Retry was processed
 */
struct quic_tparam_wire_cids {
	struct quic_tparam_cid peer_scid;
	struct quic_tparam_cid odcid;
	struct quic_tparam_cid retry_scid;
	bool retry;
};

void quic_tparams_init_default(struct quic_tparams *p);
int quic_tparams_encode(u8 *buf, u32 len, const struct quic_tparams *p,
			bool is_server);
int quic_tparams_decode(const u8 *buf, u32 len, bool from_server,
			struct quic_tparams *p, u64 *errcode);
int quic_tparams_validate_cids(const struct quic_tparams *peer,
			       bool peer_is_server,
			       const struct quic_tparam_wire_cids *w,
			       u64 *errcode);

#endif /* _NET_QUIC_TPARAM_H */
