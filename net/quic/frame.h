/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QUIC frame codec (RFC 9000 section 19, RFC 9221 DATAGRAM).
 *
 * Pure buffer-in, struct-out code: the decoder never allocates or copies
 * payloads; variable-length fields (STREAM/CRYPTO/DATAGRAM data, tokens,
 * reasons, ACK ranges) are pointers into the caller's buffer and are only
 * valid as long as that buffer is. Fixed short fields (connection IDs,
 * stateless reset tokens, path challenge data) are copied into the struct so
 * the caller can keep them after the packet is freed.
 */
#ifndef _NET_QUIC_FRAME_H
#define _NET_QUIC_FRAME_H

#include "codec_compat.h"

enum quic_frame_type {
	QUIC_FRAME_PADDING		= 0x00,
	QUIC_FRAME_PING			= 0x01,
	QUIC_FRAME_ACK			= 0x02,
	QUIC_FRAME_ACK_ECN		= 0x03,
	QUIC_FRAME_RESET_STREAM		= 0x04,
	QUIC_FRAME_STOP_SENDING		= 0x05,
	QUIC_FRAME_CRYPTO		= 0x06,
	QUIC_FRAME_NEW_TOKEN		= 0x07,
	/* 0x08..0x0f: the low bits are the flags below */
	QUIC_FRAME_STREAM		= 0x08,
	QUIC_FRAME_MAX_DATA		= 0x10,
	QUIC_FRAME_MAX_STREAM_DATA	= 0x11,
	QUIC_FRAME_MAX_STREAMS_BIDI	= 0x12,
	QUIC_FRAME_MAX_STREAMS_UNI	= 0x13,
	QUIC_FRAME_DATA_BLOCKED		= 0x14,
	QUIC_FRAME_STREAM_DATA_BLOCKED	= 0x15,
	QUIC_FRAME_STREAMS_BLOCKED_BIDI	= 0x16,
	QUIC_FRAME_STREAMS_BLOCKED_UNI	= 0x17,
	QUIC_FRAME_NEW_CONNECTION_ID	= 0x18,
	QUIC_FRAME_RETIRE_CONNECTION_ID	= 0x19,
	QUIC_FRAME_PATH_CHALLENGE	= 0x1a,
	QUIC_FRAME_PATH_RESPONSE	= 0x1b,
	QUIC_FRAME_CONNECTION_CLOSE	= 0x1c,	/* transport error */
	QUIC_FRAME_CONNECTION_CLOSE_APP	= 0x1d,	/* application error */
	QUIC_FRAME_HANDSHAKE_DONE	= 0x1e,
	QUIC_FRAME_DATAGRAM		= 0x30,	/* no Length: runs to the end */
	QUIC_FRAME_DATAGRAM_LEN		= 0x31,
};

/* Low bits of the STREAM frame type (RFC 9000 19.8). */
#define QUIC_FRAME_STREAM_FIN		0x01
#define QUIC_FRAME_STREAM_LEN		0x02
#define QUIC_FRAME_STREAM_OFF		0x04

/*
 * Transport error codes the decoder reports (RFC 9000 section 20.1). Named
 * apart from the uapi QUIC_TRANSPORT_ERROR_* constants so both headers can
 * be included by the same file.
 */
enum quic_frame_err {
	QUIC_ERR_NONE			= 0x00,
	QUIC_ERR_FRAME_ENCODING		= 0x07,
	QUIC_ERR_CONNECTION_ID_LIMIT	= 0x09,
	QUIC_ERR_PROTOCOL_VIOLATION	= 0x0a,
};

/* Packet types, for the frame-type-per-packet-type rules of RFC 9000 12.4 */
enum quic_frame_pkt_type {
	QUIC_FRAME_PKT_INITIAL,
	QUIC_FRAME_PKT_0RTT,
	QUIC_FRAME_PKT_HANDSHAKE,
	QUIC_FRAME_PKT_1RTT,
};

#define QUIC_FRAME_CID_MAX		20
#define QUIC_FRAME_RESET_TOKEN_LEN	16
#define QUIC_FRAME_PATH_DATA_LEN	8
/* Largest MAX_STREAMS / STREAMS_BLOCKED value (RFC 9000 19.11, 19.14). */
#define QUIC_FRAME_STREAMS_MAX		BIT_ULL(60)
/* Buffers are capped so byte counts always fit the int return values. */
#define QUIC_FRAME_BUF_MAX		(U32_MAX >> 1)

struct quic_frame_padding {
	u32 len;		/* bytes in the run, type byte included */
};

struct quic_frame_ack {
	u64 largest;
	u64 delay;		/* raw, not yet scaled by ack_delay_exponent */
	u64 range_count;	/* Gap/ACK Range Length pairs after the first */
	u64 first_range;
	const u8 *ranges;	/* the encoded pairs; walk with quic_ack_iter */
	u32 ranges_len;		/* bytes at @ranges */
	u64 ect0;		/* ECN counts: ACK_ECN (0x03) only */
	u64 ect1;
	u64 ce;
};

struct quic_frame_reset_stream {
	u64 stream_id;
	u64 app_error;
	u64 final_size;
};

struct quic_frame_stop_sending {
	u64 stream_id;
	u64 app_error;
};

struct quic_frame_crypto {
	u64 offset;
	u32 len;
	const u8 *data;
};

struct quic_frame_new_token {
	u32 len;
	const u8 *token;
};

/*
 * OFF/LEN/FIN are carried in the frame type. @fin mirrors the FIN bit for
 * readers; the encoder only looks at the type.
 */
struct quic_frame_stream {
	u64 stream_id;
	u64 offset;
	u32 len;
	u8 fin;
	const u8 *data;
};

/*
 * MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS, DATA_BLOCKED, STREAM_DATA_BLOCKED
 * and STREAMS_BLOCKED: one limit, plus a stream ID for the per-stream ones.
 */
struct quic_frame_limit {
	u64 stream_id;
	u64 max;
};

struct quic_frame_new_cid {
	u64 seq;
	u64 retire_prior_to;
	u8 cid_len;
	u8 cid[QUIC_FRAME_CID_MAX];
	u8 reset_token[QUIC_FRAME_RESET_TOKEN_LEN];
};

struct quic_frame_retire_cid {
	u64 seq;
};

struct quic_frame_path {
	u8 data[QUIC_FRAME_PATH_DATA_LEN];
};

struct quic_frame_close {
	u64 error;
	u64 frame_type;		/* 0x1c only */
	u32 reason_len;
	const u8 *reason;
};

struct quic_frame_datagram {
	u32 len;
	const u8 *data;
};

struct quic_frame {
	u64 type;
	u32 err;		/* QUIC_ERR_* when quic_frame_decode() fails */
	union {
		struct quic_frame_padding padding;
		struct quic_frame_ack ack;
		struct quic_frame_reset_stream reset_stream;
		struct quic_frame_stop_sending stop_sending;
		struct quic_frame_crypto crypto;
		struct quic_frame_new_token new_token;
		struct quic_frame_stream stream;
		struct quic_frame_limit max_data;
		struct quic_frame_limit max_stream_data;
		struct quic_frame_limit max_streams;
		struct quic_frame_limit data_blocked;
		struct quic_frame_limit stream_data_blocked;
		struct quic_frame_limit streams_blocked;
		struct quic_frame_new_cid new_cid;
		struct quic_frame_retire_cid retire_cid;
		struct quic_frame_path path;
		struct quic_frame_close close;
		struct quic_frame_datagram datagram;
	};
};

/* One acknowledged interval, inclusive: @start <= @end. */
struct quic_ack_range {
	u64 start;
	u64 end;
};

struct quic_ack_ecn {
	u64 ect0;
	u64 ect1;
	u64 ce;
};

/* Cursor over the ranges of a decoded ACK frame, largest first. */
struct quic_ack_iter {
	const u8 *pos;
	u32 left;
	u8 started;
	u64 remaining;
	u64 largest;
	u64 first_range;
	u64 smallest;
};

static inline bool quic_frame_is_stream(u64 type)
{
	return (type & ~7ULL) == QUIC_FRAME_STREAM;
}

int quic_frame_decode(const u8 *buf, u32 len, struct quic_frame *f);
int quic_frame_encode(u8 *buf, u32 len, const struct quic_frame *f);
u32 quic_frame_encoded_len(const struct quic_frame *f);

int quic_frame_stream_hdr_encode(u8 *buf, u32 len, u64 stream_id, u64 offset,
				 u32 data_len, bool fin, bool with_len);
u32 quic_frame_stream_hdr_len(u64 stream_id, u64 offset, u32 data_len,
			      bool with_len);
int quic_frame_crypto_hdr_encode(u8 *buf, u32 len, u64 offset, u32 data_len);
u32 quic_frame_crypto_hdr_len(u64 offset, u32 data_len);
int quic_frame_datagram_hdr_encode(u8 *buf, u32 len, u32 data_len,
				   bool with_len);
u32 quic_frame_datagram_hdr_len(u32 data_len, bool with_len);

int quic_frame_ack_encode(u8 *buf, u32 len, const struct quic_ack_range *ranges,
			  u32 nr, u64 delay, const struct quic_ack_ecn *ecn,
			  u32 *nr_encoded);
void quic_ack_iter_init(struct quic_ack_iter *it,
			const struct quic_frame_ack *ack);
int quic_ack_range_next(struct quic_ack_iter *it, u64 *smallest,
			u64 *largest);

bool quic_frame_allowed(u64 type, enum quic_frame_pkt_type pt);
bool quic_frame_ack_eliciting(u64 type);
bool quic_frame_is_probing(u64 type);

#endif /* _NET_QUIC_FRAME_H */
