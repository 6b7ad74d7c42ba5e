// SPDX-License-Identifier: GPL-2.0
/*
 * Layout and value checks of <linux/quic.h>.  Every number here was worked
 * out by hand from the field lists in the socket API contract and natural
 * alignment, not taken from the header, so a reordered or resized field
 * fails both at compile time (static_assert) and in the TAP output.
 *
 * The header is included after <netinet/in.h> and <sys/socket.h> and again
 * in test_libquic.c before them: with -Werror either order must be clean.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/quic.h>
#include <linux/quic.h>		/* include guard */
#include <linux/quic_diag.h>
#include <assert.h>
#include <stddef.h>
#include <linux/tls.h>

#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SZ(type, n)	static_assert(sizeof(type) == (n), #type " size")
#define OFF(type, field, n) \
	static_assert(offsetof(type, field) == (n), #type "." #field " offset")

/* Structure sizes (compile time). */
SZ(struct quic_handshake_info, 1);
SZ(struct quic_stream_info, 16);
SZ(struct quic_errinfo, 16);
SZ(struct quic_connection_id_info, 12);
SZ(struct quic_connection_close, 72);
SZ(struct quic_transport_param, 56);
SZ(struct quic_config, 28);
SZ(struct quic_crypto_secret, 56);
SZ(struct quic_stream_peeloff, 16);
SZ(struct quic_event_option, 2);
SZ(struct quic_stream_update, 24);
SZ(struct quic_stream_max_data, 16);
SZ(union quic_event, 72);

/* A few offsets at compile time too; all of them are checked below. */
OFF(struct quic_transport_param, max_idle_timeout, 12);
OFF(struct quic_transport_param, max_data, 24);
OFF(struct quic_config, keepalive_probe_interval, 24);
OFF(struct quic_crypto_secret, secret, 8);
OFF(struct quic_stream_peeloff, sd, 12);
OFF(struct quic_stream_update, finalsz, 16);

static_assert(IPPROTO_QUIC == 261, "IPPROTO_QUIC");
static_assert(SOL_QUIC == 288, "SOL_QUIC");

struct layout {
	const char *name;
	size_t got;
	size_t want;
};

#define L_SIZE(type, n)		{ "sizeof(" #type ")", sizeof(type), n }
#define L_OFF(type, f, n)	{ #type "." #f, offsetof(type, f), n }
#define L_FSIZE(type, f, n)	{ "sizeof(" #type "." #f ")", \
				  sizeof(((type *)0)->f), n }

static const struct layout layouts[] = {
	L_SIZE(struct quic_handshake_info, 1),
	L_OFF(struct quic_handshake_info, crypto_level, 0),

	L_SIZE(struct quic_stream_info, 16),
	L_OFF(struct quic_stream_info, stream_id, 0),
	L_OFF(struct quic_stream_info, stream_flags, 8),
	L_FSIZE(struct quic_stream_info, stream_id, 8),
	L_FSIZE(struct quic_stream_info, stream_flags, 4),

	L_SIZE(struct quic_errinfo, 16),
	L_OFF(struct quic_errinfo, stream_id, 0),
	L_OFF(struct quic_errinfo, errcode, 8),

	L_SIZE(struct quic_connection_id_info, 12),
	L_OFF(struct quic_connection_id_info, dest, 0),
	L_OFF(struct quic_connection_id_info, reserved, 1),
	L_OFF(struct quic_connection_id_info, active, 4),
	L_OFF(struct quic_connection_id_info, prior_to, 8),

	L_SIZE(struct quic_connection_close, 72),
	L_OFF(struct quic_connection_close, errcode, 0),
	L_OFF(struct quic_connection_close, frame, 4),
	L_OFF(struct quic_connection_close, reserved, 5),
	L_OFF(struct quic_connection_close, phrase, 8),
	L_FSIZE(struct quic_connection_close, phrase, 64),

	L_SIZE(struct quic_transport_param, 56),
	L_OFF(struct quic_transport_param, remote, 0),
	L_OFF(struct quic_transport_param, disable_active_migration, 1),
	L_OFF(struct quic_transport_param, grease_quic_bit, 2),
	L_OFF(struct quic_transport_param, stateless_reset, 3),
	L_OFF(struct quic_transport_param, disable_1rtt_encryption, 4),
	L_OFF(struct quic_transport_param, disable_compatible_version, 5),
	L_OFF(struct quic_transport_param, active_connection_id_limit, 6),
	L_OFF(struct quic_transport_param, ack_delay_exponent, 7),
	L_OFF(struct quic_transport_param, max_datagram_frame_size, 8),
	L_OFF(struct quic_transport_param, max_udp_payload_size, 10),
	L_OFF(struct quic_transport_param, max_idle_timeout, 12),
	L_OFF(struct quic_transport_param, max_ack_delay, 16),
	L_OFF(struct quic_transport_param, max_streams_bidi, 20),
	L_OFF(struct quic_transport_param, max_streams_uni, 22),
	L_OFF(struct quic_transport_param, max_data, 24),
	L_OFF(struct quic_transport_param, max_stream_data_bidi_local, 32),
	L_OFF(struct quic_transport_param, max_stream_data_bidi_remote, 40),
	L_OFF(struct quic_transport_param, max_stream_data_uni, 48),
	L_FSIZE(struct quic_transport_param, max_datagram_frame_size, 2),
	L_FSIZE(struct quic_transport_param, max_idle_timeout, 4),
	L_FSIZE(struct quic_transport_param, max_streams_uni, 2),
	L_FSIZE(struct quic_transport_param, max_data, 8),

	L_SIZE(struct quic_config, 28),
	L_OFF(struct quic_config, version, 0),
	L_OFF(struct quic_config, plpmtud_probe_interval, 4),
	L_OFF(struct quic_config, initial_smoothed_rtt, 8),
	L_OFF(struct quic_config, payload_cipher_type, 12),
	L_OFF(struct quic_config, congestion_control_algo, 16),
	L_OFF(struct quic_config, validate_peer_address, 17),
	L_OFF(struct quic_config, stream_data_nodelay, 18),
	L_OFF(struct quic_config, receive_session_ticket, 19),
	L_OFF(struct quic_config, certificate_request, 20),
	L_OFF(struct quic_config, reserved, 21),
	L_OFF(struct quic_config, keepalive_probe_interval, 24),
	L_FSIZE(struct quic_config, reserved, 3),

	L_SIZE(struct quic_crypto_secret, 56),
	L_OFF(struct quic_crypto_secret, send, 0),
	L_OFF(struct quic_crypto_secret, level, 1),
	L_OFF(struct quic_crypto_secret, reserved, 2),
	L_OFF(struct quic_crypto_secret, type, 4),
	L_OFF(struct quic_crypto_secret, secret, 8),
	L_FSIZE(struct quic_crypto_secret, reserved, 2),
	L_FSIZE(struct quic_crypto_secret, type, 4),
	L_FSIZE(struct quic_crypto_secret, secret, 48),

	L_SIZE(struct quic_stream_peeloff, 16),
	L_OFF(struct quic_stream_peeloff, stream_id, 0),
	L_OFF(struct quic_stream_peeloff, flags, 8),
	L_OFF(struct quic_stream_peeloff, sd, 12),

	L_SIZE(struct quic_event_option, 2),
	L_OFF(struct quic_event_option, type, 0),
	L_OFF(struct quic_event_option, on, 1),

	L_SIZE(struct quic_stream_update, 24),
	L_OFF(struct quic_stream_update, id, 0),
	L_OFF(struct quic_stream_update, state, 8),
	L_OFF(struct quic_stream_update, reserved, 9),
	L_OFF(struct quic_stream_update, errcode, 12),
	L_OFF(struct quic_stream_update, finalsz, 16),

	L_SIZE(struct quic_stream_max_data, 16),
	L_OFF(struct quic_stream_max_data, id, 0),
	L_OFF(struct quic_stream_max_data, max_data, 8),

	L_SIZE(union quic_event, 72),
	L_OFF(union quic_event, update, 0),
	L_OFF(union quic_event, max_data, 0),
	L_OFF(union quic_event, close, 0),
	L_OFF(union quic_event, info, 0),
	L_OFF(union quic_event, max_stream, 0),
	L_OFF(union quic_event, local_migration, 0),
	L_OFF(union quic_event, key_update_phase, 0),
	L_FSIZE(union quic_event, max_stream, 8),
	L_FSIZE(union quic_event, local_migration, 1),
	L_FSIZE(union quic_event, key_update_phase, 1),

	/* <linux/quic_diag.h>: ten __u32, then three __u64 */
	L_SIZE(struct quic_diag_info, 64),
	L_OFF(struct quic_diag_info, qdi_flags, 4),
	L_OFF(struct quic_diag_info, qdi_srtt_us, 16),
	L_OFF(struct quic_diag_info, qdi_max_datagram, 32),
	L_OFF(struct quic_diag_info, qdi_cwnd, 40),
	L_OFF(struct quic_diag_info, qdi_bytes_in_flight, 56),
};

struct constant {
	const char *name;
	long long got;
	long long want;
};

#define C(name, v)	{ #name, (long long)(name), v }

static const struct constant constants[] = {
	C(IPPROTO_QUIC, 261),
	C(SOL_QUIC, 288),

	C(QUIC_STREAM_INFO, 0),
	C(QUIC_HANDSHAKE_INFO, 1),

	C(QUIC_STREAM_TYPE_SERVER_MASK, 0x01),
	C(QUIC_STREAM_TYPE_UNI_MASK, 0x02),
	C(QUIC_STREAM_TYPE_MASK, 0x03),

	/* MSG_* values are the Linux ones, identical in kernel and libc. */
	C(MSG_QUIC_STREAM_NEW, 0x400),		/* MSG_SYN */
	C(MSG_QUIC_STREAM_FIN, 0x200),		/* MSG_FIN */
	C(MSG_QUIC_STREAM_UNI, 0x800),		/* MSG_CONFIRM */
	C(MSG_QUIC_STREAM_DONTWAIT, 0x10000),	/* MSG_WAITFORONE */
	C(MSG_QUIC_STREAM_SNDBLOCK, 0x2000),	/* MSG_ERRQUEUE */
	C(MSG_QUIC_DATAGRAM, 0x1000),		/* MSG_RST */
	C(MSG_QUIC_NOTIFICATION, 0x8000),	/* MSG_MORE */
	C(MSG_STREAM_NEW, 0x400),
	C(MSG_STREAM_FIN, 0x200),
	C(MSG_STREAM_UNI, 0x800),
	C(MSG_STREAM_DONTWAIT, 0x10000),
	C(MSG_STREAM_SNDBLOCK, 0x2000),
	C(MSG_DATAGRAM, 0x1000),
	C(MSG_NOTIFICATION, 0x8000),

	C(QUIC_CRYPTO_APP, 0),
	C(QUIC_CRYPTO_INITIAL, 1),
	C(QUIC_CRYPTO_HANDSHAKE, 2),
	C(QUIC_CRYPTO_EARLY, 3),
	C(QUIC_CRYPTO_MAX, 4),

	C(QUIC_SOCKOPT_EVENT, 0),
	C(QUIC_SOCKOPT_STREAM_OPEN, 1),
	C(QUIC_SOCKOPT_STREAM_RESET, 2),
	C(QUIC_SOCKOPT_STREAM_STOP_SENDING, 3),
	C(QUIC_SOCKOPT_CONNECTION_ID, 4),
	C(QUIC_SOCKOPT_CONNECTION_CLOSE, 5),
	C(QUIC_SOCKOPT_CONNECTION_MIGRATION, 6),
	C(QUIC_SOCKOPT_KEY_UPDATE, 7),
	C(QUIC_SOCKOPT_TRANSPORT_PARAM, 8),
	C(QUIC_SOCKOPT_CONFIG, 9),
	C(QUIC_SOCKOPT_TOKEN, 10),
	C(QUIC_SOCKOPT_ALPN, 11),
	C(QUIC_SOCKOPT_SESSION_TICKET, 12),
	C(QUIC_SOCKOPT_CRYPTO_SECRET, 13),
	C(QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, 14),
	C(QUIC_SOCKOPT_STREAM_PEELOFF, 15),

	C(QUIC_VERSION_V1, 0x1),
	C(QUIC_VERSION_V2, 0x6b3343cf),
	C(QUIC_CLOSE_PHRASE_BUFFER_SIZE, 64),
	C(QUIC_CRYPTO_SECRET_BUFFER_SIZE, 48),

	C(QUIC_CONG_ALG_RENO, 0),
	C(QUIC_CONG_ALG_CUBIC, 1),
	C(QUIC_CONG_ALG_MAX, 2),

	C(QUIC_EVENT_NONE, 0),
	C(QUIC_EVENT_STREAM_UPDATE, 1),
	C(QUIC_EVENT_STREAM_MAX_DATA, 2),
	C(QUIC_EVENT_STREAM_MAX_STREAM, 3),
	C(QUIC_EVENT_CONNECTION_ID, 4),
	C(QUIC_EVENT_CONNECTION_CLOSE, 5),
	C(QUIC_EVENT_CONNECTION_MIGRATION, 6),
	C(QUIC_EVENT_KEY_UPDATE, 7),
	C(QUIC_EVENT_NEW_TOKEN, 8),
	C(QUIC_EVENT_NEW_SESSION_TICKET, 9),
	C(QUIC_EVENT_MAX, 10),

	C(QUIC_STREAM_SEND_STATE_READY, 0),
	C(QUIC_STREAM_SEND_STATE_SEND, 1),
	C(QUIC_STREAM_SEND_STATE_SENT, 2),
	C(QUIC_STREAM_SEND_STATE_RECVD, 3),
	C(QUIC_STREAM_SEND_STATE_RESET_SENT, 4),
	C(QUIC_STREAM_SEND_STATE_RESET_RECVD, 5),
	C(QUIC_STREAM_RECV_STATE_RECV, 6),
	C(QUIC_STREAM_RECV_STATE_SIZE_KNOWN, 7),
	C(QUIC_STREAM_RECV_STATE_RECVD, 8),
	C(QUIC_STREAM_RECV_STATE_READ, 9),
	C(QUIC_STREAM_RECV_STATE_RESET_RECVD, 10),
	C(QUIC_STREAM_RECV_STATE_RESET_READ, 11),

	C(QUIC_TRANSPORT_ERROR_NONE, 0x00),
	C(QUIC_TRANSPORT_ERROR_INTERNAL, 0x01),
	C(QUIC_TRANSPORT_ERROR_CONNECTION_REFUSED, 0x02),
	C(QUIC_TRANSPORT_ERROR_FLOW_CONTROL, 0x03),
	C(QUIC_TRANSPORT_ERROR_STREAM_LIMIT, 0x04),
	C(QUIC_TRANSPORT_ERROR_STREAM_STATE, 0x05),
	C(QUIC_TRANSPORT_ERROR_FINAL_SIZE, 0x06),
	C(QUIC_TRANSPORT_ERROR_FRAME_ENCODING, 0x07),
	C(QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM, 0x08),
	C(QUIC_TRANSPORT_ERROR_CONNECTION_ID_LIMIT, 0x09),
	C(QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0x0a),
	C(QUIC_TRANSPORT_ERROR_INVALID_TOKEN, 0x0b),
	C(QUIC_TRANSPORT_ERROR_APPLICATION, 0x0c),
	C(QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED, 0x0d),
	C(QUIC_TRANSPORT_ERROR_KEY_UPDATE, 0x0e),
	C(QUIC_TRANSPORT_ERROR_AEAD_LIMIT_REACHED, 0x0f),
	C(QUIC_TRANSPORT_ERROR_NO_VIABLE_PATH, 0x10),
	C(QUIC_TRANSPORT_ERROR_VERSION_NEGOTIATION, 0x11),
	C(QUIC_TRANSPORT_ERROR_CRYPTO, 0x0100),

	/* The cipher ids that quic_crypto_secret.type carries. */
	C(TLS_CIPHER_AES_GCM_128, 51),
	C(TLS_CIPHER_AES_GCM_256, 52),
	C(TLS_CIPHER_AES_CCM_128, 53),
	C(TLS_CIPHER_CHACHA20_POLY1305, 54),
};

/* The MSG_QUIC_* names must alias the MSG_* bits, not just equal numbers. */
static void check_msg_aliases(void)
{
	tap_result((int)MSG_QUIC_STREAM_NEW == (int)MSG_SYN &&
		   (int)MSG_QUIC_STREAM_FIN == (int)MSG_FIN &&
		   (int)MSG_QUIC_STREAM_UNI == (int)MSG_CONFIRM &&
		   (int)MSG_QUIC_STREAM_DONTWAIT == (int)MSG_WAITFORONE &&
		   (int)MSG_QUIC_STREAM_SNDBLOCK == (int)MSG_ERRQUEUE &&
		   (int)MSG_QUIC_DATAGRAM == (int)MSG_RST &&
		   (int)MSG_QUIC_NOTIFICATION == (int)MSG_MORE,
		   "unit: uapi: MSG_QUIC_* equal the MSG_* bits they reuse");
}

/* Field types: signedness and width that a size check alone misses. */
static void check_field_types(void)
{
	struct quic_stream_info si = { .stream_id = -1 };
	struct quic_errinfo ei = { .stream_id = -1 };
	struct quic_stream_update su = { .id = -1 };
	struct quic_stream_max_data md = { .id = -1 };
	struct quic_stream_peeloff sp = { .stream_id = -1, .sd = -1 };
	struct quic_transport_param tp = { .max_udp_payload_size = 65527 };

	tap_result(si.stream_id < 0 && ei.stream_id < 0 && su.id < 0 &&
		   md.id < 0 && sp.stream_id < 0 && sp.sd < 0,
		   "unit: uapi: stream ids and peeloff sd are signed");
	tap_result(tp.max_udp_payload_size == 65527,
		   "unit: uapi: max_udp_payload_size holds 65527 (16 bits)");
}

int main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		const struct layout *l = &layouts[i];

		tap_result(l->got == l->want, "unit: uapi: %s == %zu",
			   l->name, l->want);
		if (l->got != l->want)
			tap_diag("got %zu", l->got);
	}
	for (i = 0; i < ARRAY_SIZE(constants); i++) {
		const struct constant *c = &constants[i];

		tap_result(c->got == c->want, "unit: uapi: %s == %#llx",
			   c->name, c->want);
		if (c->got != c->want)
			tap_diag("got %#llx", c->got);
	}
	check_msg_aliases();
	check_field_types();
	return tap_exit();
}
