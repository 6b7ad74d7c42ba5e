// SPDX-License-Identifier: GPL-2.0
/*
 * SOL_QUIC socket options (draft-lxin-quic-socket-apis). Option structs of
 * another size are accepted through their common prefix, so binaries built
 * against an older or newer header keep working.
 *
 * Context: process context; each handler runs with the socket lock held.
 */

#include <linux/slab.h>
#include <net/quic.h>
#include <net/sock.h>

#include "bind.h"
#include "conn.h"
#include "connid.h"
#include "early.h"
#include "event.h"
#include "path.h"
#include "peercid.h"
#include "peeloff.h"
#include "sockopt.h"

#define QUIC_RTO_MIN_US			100000
#define QUIC_RTO_MAX_US			6000000
#define QUIC_MIN_PROBE_TIMEOUT_US	5000000

/* Copy a user struct of any length into @dst, zero-filling the rest. */
static int quic_opt_in(void *dst, u32 size, sockptr_t optval, u32 optlen,
		       u32 min)
{
	if (optlen < min)
		return -EINVAL;
	memset(dst, 0, size);
	return copy_from_sockptr(dst, optval, min_t(u32, size, optlen)) ?
	       -EFAULT : 0;
}

/*
 * Copy out through a bounce buffer: option data lives inside the socket's
 * slab object, which hardened usercopy rightly refuses to expose directly.
 * @optval and @optlen (an int) are both user or both kernel memory.
 */
static int quic_opt_out(sockptr_t optval, sockptr_t optlen,
			const void *src, u32 size, u32 len)
{
	void *tmp = NULL;
	int err = 0;
	int n;

	n = min(len, size);
	if (n) {
		tmp = kmemdup(src, n, GFP_KERNEL);
		if (!tmp)
			return -ENOMEM;
	}
	if (copy_to_sockptr(optlen, &n, sizeof(n)) ||
	    (n && copy_to_sockptr(optval, tmp, n)))
		err = -EFAULT;
	kfree(tmp);
	return err;
}

static bool quic_conn_started(const struct sock *sk)
{
	return sk->sk_state != QUIC_SS_CLOSED &&
	       sk->sk_state != QUIC_SS_LISTENING;
}

static int quic_set_secret(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_crypto_secret s;
	int err;

	err = quic_opt_in(&s, sizeof(s), optval, optlen, sizeof(s));
	if (err)
		return err;
	if (sk->sk_state != QUIC_SS_ESTABLISHING)
		return -ENOTCONN;
	err = quic_conn_install_secret(sk, &s);
	memzero_explicit(&s, sizeof(s));
	return err;
}

static int quic_set_tp_ext(struct sock *sk, sockptr_t optval, u32 optlen)
{
	u8 *buf;
	int err;

	if (!optlen || optlen > QUIC_TP_EXT_MAX_LEN)
		return -EINVAL;
	if (sk->sk_state != QUIC_SS_ESTABLISHING || quic_sk(sk)->peer_tp_set)
		return -EINVAL;
	buf = memdup_sockptr(optval, optlen);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = quic_conn_set_peer_tparams(sk, buf, optlen);
	kfree(buf);
	return err;
}

/* ALPN list: comma-separated names, each 1..255 bytes, at most 128 total. */
static int quic_set_alpn(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 buf[QUIC_ALPN_MAX_LEN + 1];
	u32 i, start = 0;
	char *alpn;

	if (!optlen || optlen > QUIC_ALPN_MAX_LEN)
		return -EINVAL;
	if (copy_from_sockptr(buf, optval, optlen))
		return -EFAULT;
	buf[optlen] = 0;
	if (buf[optlen - 1] == 0)
		optlen--;
	for (i = 0; i <= optlen; i++) {
		if (i < optlen && buf[i] != ',')
			continue;
		if (i == start)
			return -EINVAL;	/* empty name */
		start = i + 1;
	}
	alpn = kmemdup_nul(buf, optlen, GFP_KERNEL);
	if (!alpn)
		return -ENOMEM;
	kfree(qs->alpn);
	qs->alpn = alpn;
	return 0;
}

static int quic_set_ticket(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *buf;

	BUILD_BUG_ON(QUIC_TICKET_MAX_LEN >> QUIC_TICKET_LEN_BITS);
	if (optlen < QUIC_TICKET_MIN_LEN || optlen > QUIC_TICKET_MAX_LEN)
		return -EINVAL;
	buf = memdup_sockptr(optval, optlen);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	kfree(qs->ticket);
	qs->ticket = buf;
	qs->ticket_len = optlen;
	qs->ticket_partial = false;
	return 0;
}

/*
 * Once the connection has started, stream_data_nodelay is the one setting
 * that may still change (as TCP_NODELAY may): the others shape the
 * handshake. A get, change, set of the whole struct is the way to do it,
 * so the rest must read as getsockopt() gives it. Data Nagle's algorithm
 * holds leaves at once when it goes off.
 */
static int quic_set_nodelay(struct sock *sk, const struct quic_config *c)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_config now = qs->config;

	now.stream_data_nodelay = c->stream_data_nodelay;
	if (c->version == qs->version)
		now.version = c->version;
	if (memcmp(&now, c, sizeof(now)))
		return -EISCONN;
	qs->config.stream_data_nodelay = c->stream_data_nodelay;
	if (c->stream_data_nodelay && sk->sk_state == QUIC_SS_ESTABLISHED)
		quic_output_flush(sk);
	return 0;
}

static int quic_set_config(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_config c;
	int err;

	err = quic_opt_in(&c, sizeof(c), optval, optlen, sizeof(c.version));
	if (err)
		return err;
	if (c.congestion_control_algo >= QUIC_CONG_ALG_MAX)
		return -EINVAL;
	if (c.version && c.version != QUIC_VERSION_V1 &&
	    c.version != QUIC_VERSION_V2)
		return -EINVAL;
	if (c.certificate_request > 2)
		return -EINVAL;
	/* Limits of the draft: QUIC_RTO_MIN/MAX, QUIC_MIN_PROBE_TIMEOUT. */
	if (c.initial_smoothed_rtt &&
	    (c.initial_smoothed_rtt < QUIC_RTO_MIN_US ||
	     c.initial_smoothed_rtt >= QUIC_RTO_MAX_US))
		return -EINVAL;
	if (c.plpmtud_probe_interval &&
	    c.plpmtud_probe_interval < QUIC_MIN_PROBE_TIMEOUT_US)
		return -EINVAL;
	if (c.payload_cipher_type &&
	    (c.payload_cipher_type < QUIC_CIPHER_AES_128_GCM ||
	     c.payload_cipher_type > QUIC_CIPHER_CHACHA20_POLY1305))
		return -EINVAL;
	if (quic_conn_started(sk))
		return quic_set_nodelay(sk, &c);
	qs->config = c;
	quic_conn_cong_reset(qs);
	if (c.version)
		qs->version = c.version;
	if (c.initial_smoothed_rtt)
		quic_rtt_init(&qs->rtt, c.initial_smoothed_rtt);
	return 0;
}

/* The uapi struct in microseconds; the wire and quic_tparams in ms. */
static int quic_tp_from_user(struct quic_tparam_values *p,
			     const struct quic_transport_param *u)
{
	if ((u->max_udp_payload_size &&
	     u->max_udp_payload_size < QUIC_TP_MIN_MAX_UDP_PAYLOAD_SIZE) ||
	    u->ack_delay_exponent > QUIC_TP_MAX_ACK_DELAY_EXPONENT ||
	    u->max_ack_delay / USEC_PER_MSEC > QUIC_TP_MAX_MAX_ACK_DELAY ||
	    (u->active_connection_id_limit &&
	     u->active_connection_id_limit < QUIC_TP_DEF_ACTIVE_CID_LIMIT))
		return -EINVAL;
	if (u->max_udp_payload_size)
		p->max_udp_payload_size = u->max_udp_payload_size;
	/* The peer's IDs we keep are bounded (peercid.h): a larger limit
	 * is taken as that bound, as SO_RCVBUF takes its maximum.
	 */
	if (u->active_connection_id_limit)
		p->active_connection_id_limit =
			min_t(u64, u->active_connection_id_limit,
			      QUIC_PEER_CID_LIMIT_MAX);
	if (u->ack_delay_exponent)
		p->ack_delay_exponent = u->ack_delay_exponent;
	if (u->max_ack_delay)
		p->max_ack_delay = u->max_ack_delay / USEC_PER_MSEC;
	if (u->max_idle_timeout)
		p->max_idle_timeout = u->max_idle_timeout / USEC_PER_MSEC;
	if (u->max_streams_bidi)
		p->initial_max_streams_bidi = u->max_streams_bidi;
	if (u->max_streams_uni)
		p->initial_max_streams_uni = u->max_streams_uni;
	if (u->max_data)
		p->initial_max_data = u->max_data;
	if (u->max_stream_data_bidi_local)
		p->initial_max_stream_data_bidi_local =
			u->max_stream_data_bidi_local;
	if (u->max_stream_data_bidi_remote)
		p->initial_max_stream_data_bidi_remote =
			u->max_stream_data_bidi_remote;
	if (u->max_stream_data_uni)
		p->initial_max_stream_data_uni = u->max_stream_data_uni;
	p->max_datagram_frame_size = u->max_datagram_frame_size;
	p->disable_active_migration = u->disable_active_migration;
	p->grease_quic_bit = u->grease_quic_bit;
	p->disable_1rtt_encryption = u->disable_1rtt_encryption;
	return 0;
}

static void quic_tp_to_user(const struct quic_tparam_values *p,
			    struct quic_transport_param *u)
{
	u->disable_active_migration = p->disable_active_migration;
	u->grease_quic_bit = p->grease_quic_bit;
	u->stateless_reset = p->has_stateless_reset_token;
	u->disable_1rtt_encryption = p->disable_1rtt_encryption;
	u->active_connection_id_limit = min_t(u64,
					      p->active_connection_id_limit,
					      U8_MAX);
	u->ack_delay_exponent = p->ack_delay_exponent;
	u->max_datagram_frame_size = min_t(u64, p->max_datagram_frame_size,
					   U16_MAX);
	u->max_udp_payload_size = min_t(u64, p->max_udp_payload_size,
					U16_MAX);
	u->max_idle_timeout = min_t(u64, p->max_idle_timeout * USEC_PER_MSEC,
				    U32_MAX);
	u->max_ack_delay = p->max_ack_delay * USEC_PER_MSEC;
	u->max_streams_bidi = min_t(u64, p->initial_max_streams_bidi, U16_MAX);
	u->max_streams_uni = min_t(u64, p->initial_max_streams_uni, U16_MAX);
	u->max_data = p->initial_max_data;
	u->max_stream_data_bidi_local = p->initial_max_stream_data_bidi_local;
	u->max_stream_data_bidi_remote = p->initial_max_stream_data_bidi_remote;
	u->max_stream_data_uni = p->initial_max_stream_data_uni;
}

static int quic_set_tp(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_transport_param u;
	struct quic_tparam_values p;
	int err;

	err = quic_opt_in(&u, sizeof(u), optval, optlen, sizeof(u.remote));
	if (err)
		return err;
	if (u.remote) {
		/* A client's: the server's from an earlier connection, what
		 * its 0-RTT data must keep within (early.c).
		 */
		memset(&p, 0, sizeof(p));
		err = quic_tp_from_user(&p, &u);
		return err ?: quic_early_remember_tparams(sk, &p);
	}
	if (quic_conn_started(sk))
		return -EISCONN;
	p = quic_sk(sk)->local_tp;
	err = quic_tp_from_user(&p, &u);
	if (!err)
		quic_sk(sk)->local_tp = p;
	return err;
}

static int quic_set_close(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_close_info *ci = &quic_sk(sk)->close_info;
	struct quic_connection_close c;
	int err;

	err = quic_opt_in(&c, sizeof(c), optval, optlen, sizeof(c.errcode));
	if (err)
		return err;
	/* Closed already (by us or by the peer): that is the close there
	 * is, and what getsockopt() reports; a later one goes nowhere.
	 */
	if (quic_sk(sk)->closing)
		return 0;
	/* A phrase that fills the buffer must still be a C string. */
	if (optlen >= sizeof(c) &&
	    strnlen(c.phrase, sizeof(c.phrase)) == sizeof(c.phrase))
		return -EINVAL;
	memset(ci, 0, sizeof(*ci));
	/* 0x100 + TLS alert is a transport error (RFC 9001 4.8): libquic
	 * reports handshake failures that way.
	 */
	ci->app = c.errcode < QUIC_TRANSPORT_ERROR_CRYPTO ||
		  c.errcode > QUIC_TRANSPORT_ERROR_CRYPTO + 0xff;
	ci->errcode = c.errcode;
	ci->phrase_len = strnlen(c.phrase, sizeof(c.phrase) - 1);
	memcpy(ci->phrase, c.phrase, ci->phrase_len);
	return 0;
}

static int quic_set_errinfo(struct sock *sk, int optname, sockptr_t optval,
			    u32 optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_errinfo e;
	struct quic_stream *s;
	int err;

	err = quic_opt_in(&e, sizeof(e), optval, optlen, sizeof(e));
	if (err)
		return err;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	s = quic_stream_find(&qs->streams, e.stream_id);
	if (!s)
		return -EINVAL;
	if (optname == QUIC_SOCKOPT_STREAM_RESET) {
		if (!s->can_send || s->reset_sent)
			return -EINVAL;
		s->reset_pending = true;
		s->reset_code = e.errcode;
		list_del_init(&s->send_node);
	} else {
		if (!s->can_recv)
			return -EINVAL;
		s->stop_pending = true;
		s->stop_code = e.errcode;
	}
	list_move_tail(&s->ctrl_node, &qs->streams.ctrl_list);
	quic_output_flush(sk);
	return 0;
}

static int quic_set_event(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_event_option ev;
	int err;

	err = quic_opt_in(&ev, sizeof(ev), optval, optlen, sizeof(ev));
	if (err)
		return err;
	return quic_event_set(sk, ev.type, ev.on);
}

/*
 * A client sets the NEW_TOKEN token of an earlier connection to this
 * server before connect(): its Initial packets carry it (retry.c).
 */
static int quic_set_token(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *buf;

	if (optlen > QUIC_TOKEN_MAX_LEN)
		return -EINVAL;
	if (qs->is_server || sk->sk_state == QUIC_SS_LISTENING)
		return -EINVAL;
	buf = memdup_sockptr(optval, optlen);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (!optlen) {
		kfree(buf);
		buf = NULL;
	}
	quic_conn_set_token(qs, buf, optlen, false);
	return 0;
}

/* QUIC_SOCKOPT_CONNECTION_ID: see quic_connid_set(). */
static int quic_set_connid(struct sock *sk, sockptr_t optval, u32 optlen)
{
	struct quic_connection_id_info info;

	if (optlen < sizeof(info))
		return -EINVAL;
	if (copy_from_sockptr(&info, optval, sizeof(info)))
		return -EFAULT;
	return quic_connid_set(sk, &info);
}

/*
 * QUIC_SOCKOPT_CONNECTION_MIGRATION: a listener's preferred address (see
 * quic_path_offer_preferred()), or a client's move (see
 * quic_path_migrate_local()).
 */
static int quic_set_migration(struct sock *sk, sockptr_t optval, u32 optlen)
{
	u32 len = min_t(u32, optlen, sizeof(struct sockaddr_storage));
	struct sockaddr_storage ss = {};
	union quic_addr addr;
	int err;

	if (len < sizeof(struct sockaddr_in))
		return -EINVAL;
	if (copy_from_sockptr(&ss, optval, len))
		return -EFAULT;
	err = quic_bind_addr_from_user(sk, (struct sockaddr *)&ss, len, &addr);
	if (err)
		return err;
	if (sk->sk_state == QUIC_SS_LISTENING)
		return quic_path_offer_preferred(sk, &addr);
	return quic_path_migrate_local(sk, &addr);
}

/**
 * quic_do_setsockopt() - SOL_QUIC setsockopt
 * @sk: socket, not locked
 * @optname: QUIC_SOCKOPT_*
 * @optval: argument
 * @optlen: its length
 *
 * Return: 0 or -errno: EINVAL for bad arguments, ENOPROTOOPT for unknown
 * options.
 */
int quic_do_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen)
{
	int err;

	lock_sock(sk);
	switch (optname) {
	case QUIC_SOCKOPT_CRYPTO_SECRET:
		err = quic_set_secret(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		err = quic_set_tp_ext(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_ALPN:
		err = quic_set_alpn(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_SESSION_TICKET:
		err = quic_set_ticket(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONFIG:
		err = quic_set_config(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM:
		err = quic_set_tp(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONNECTION_CLOSE:
		err = quic_set_close(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_STREAM_RESET:
	case QUIC_SOCKOPT_STREAM_STOP_SENDING:
		err = quic_set_errinfo(sk, optname, optval, optlen);
		break;
	case QUIC_SOCKOPT_TOKEN:
		err = quic_set_token(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_EVENT:
		err = quic_set_event(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_KEY_UPDATE:
		err = quic_key_update_start(sk);
		if (!err)
			quic_output_flush(sk);
		break;
	case QUIC_SOCKOPT_CONNECTION_ID:
		err = quic_set_connid(sk, optval, optlen);
		if (!err)
			quic_output_flush(sk);
		break;
	case QUIC_SOCKOPT_CONNECTION_MIGRATION:
		err = quic_set_migration(sk, optval, optlen);
		if (!err)
			quic_output_flush(sk);
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

static int quic_get_stream_open(struct sock *sk, sockptr_t optval,
				sockptr_t optlen, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream_info si;
	struct quic_stream *s;
	bool nonblock;
	long timeo;
	int err;

	if (len < sizeof(si))
		return -EINVAL;
	if (copy_from_sockptr(&si, optval, sizeof(si)))
		return -EFAULT;
	/* Before the handshake too, to write into in 0-RTT (early.c). */
	if (!quic_conn_app_sendable(sk))
		return -ENOTCONN;
	if (si.stream_id == -1)
		si.stream_id =
			quic_stream_next_local_id(&qs->streams,
						  si.stream_flags &
						  MSG_QUIC_STREAM_UNI);
	/*
	 * At the peer's limit, wait for its MAX_STREAMS as sendmsg() does,
	 * unless asked not to or the socket is non-blocking (-EAGAIN).
	 */
	nonblock = si.stream_flags & MSG_QUIC_STREAM_DONTWAIT;
	if (sk->sk_socket && sk->sk_socket->file)
		nonblock |= !!(sk->sk_socket->file->f_flags & O_NONBLOCK);
	timeo = sock_sndtimeo(sk, nonblock);
	err = quic_stream_open_wait(sk, si.stream_id, &timeo, &s);
	if (err)
		return err;
	qs->streams.last_active = s->id;
	return quic_opt_out(optval, optlen, &si, sizeof(si), len);
}

static int quic_get_close(struct sock *sk, sockptr_t optval,
			  sockptr_t optlen, u32 len)
{
	struct quic_close_info *ci = &quic_sk(sk)->close_info;
	struct quic_connection_close c = {};

	if (len < sizeof(c.errcode))
		return -EINVAL;
	c.errcode = ci->errcode;
	c.frame = ci->frame;
	memcpy(c.phrase, ci->phrase, ci->phrase_len);
	return quic_opt_out(optval, optlen, &c, sizeof(c), len);
}

static int quic_get_ticket(struct sock *sk, sockptr_t optval,
			   sockptr_t optlen, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);

	/* Servers hand out the key that protects their tickets. */
	if (qs->is_server || sk->sk_state == QUIC_SS_LISTENING) {
		int err = quic_early_ticket_key(qs);

		if (err)
			return err;
	}
	/* A ticket still coming (early.c): none to give yet. */
	if (qs->ticket_partial)
		return quic_opt_out(optval, optlen, NULL, 0, len);
	if (len < qs->ticket_len)
		return -EINVAL;
	return quic_opt_out(optval, optlen, qs->ticket, qs->ticket_len, len);
}

static int quic_get_event(struct sock *sk, sockptr_t optval,
			  sockptr_t optlen, u32 len)
{
	struct quic_event_option ev;

	if (len < sizeof(ev))
		return -EINVAL;
	if (copy_from_sockptr(&ev, optval, sizeof(ev)))
		return -EFAULT;
	if (ev.type == QUIC_EVENT_NONE || ev.type >= QUIC_EVENT_MAX)
		return -EINVAL;
	ev.on = quic_event_enabled(sk, ev.type);
	return quic_opt_out(optval, optlen, &ev, sizeof(ev), len);
}

/* QUIC_SOCKOPT_CONNECTION_ID: dest in, the sequence numbers out. */
static int quic_get_connid(struct sock *sk, sockptr_t optval,
			   sockptr_t optlen, u32 len)
{
	struct quic_connection_id_info info;

	if (len < sizeof(info))
		return -EINVAL;
	if (copy_from_sockptr(&info, optval, sizeof(info)))
		return -EFAULT;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	info.dest = !!info.dest;
	memset(info.reserved, 0, sizeof(info.reserved));
	quic_connid_get(sk, &info);
	return quic_opt_out(optval, optlen, &info, sizeof(info), len);
}

/*
 * For tests: which cipher a level's send key uses. The secret itself
 * never leaves the kernel.
 */
static int quic_get_secret(struct sock *sk, sockptr_t optval,
			   sockptr_t optlen, u32 len)
{
	struct quic_crypto_secret s;
	struct quic_crypto *c;

	if (len < sizeof(s))
		return -EINVAL;
	if (copy_from_sockptr(&s, optval, sizeof(s)))
		return -EFAULT;
	if (s.level >= QUIC_CRYPTO_MAX)
		return -EINVAL;
	c = quic_level_crypto(quic_sk(sk), s.level);
	if (!c || !(s.send ? c->tx.ready : c->rx.ready))
		return -ENOKEY;
	s.type = s.send ? c->tx.cipher : c->rx.cipher;
	memset(s.secret, 0, sizeof(s.secret));
	return quic_opt_out(optval, optlen, &s, sizeof(s), len);
}

/* Our transport parameters as the TLS extension carries them. */
static int quic_get_tp_ext(struct sock *sk, sockptr_t optval,
			   sockptr_t optlen, u32 len)
{
	int n, err;
	u8 *buf;

	buf = kmalloc(QUIC_TP_EXT_MAX_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = quic_conn_encode_local_tparams(sk, buf, QUIC_TP_EXT_MAX_LEN);
	if (n < 0)
		err = n;
	else if (len < n)
		err = -EINVAL;
	else
		err = quic_opt_out(optval, optlen, buf, n, len);
	kfree(buf);
	return err;
}

static int quic_getopt(struct sock *sk, int optname, sockptr_t optval,
		       sockptr_t optlen, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_transport_param tp = {};

	switch (optname) {
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		return quic_get_tp_ext(sk, optval, optlen, len);
	case QUIC_SOCKOPT_ALPN: {
		u32 n = qs->alpn ? strlen(qs->alpn) : 0;

		/* A truncated list would name other protocols: refuse. */
		if (len < n)
			return -EINVAL;
		return quic_opt_out(optval, optlen, qs->alpn, n, len);
	}
	case QUIC_SOCKOPT_TOKEN: {
		/* A Retry's token is no use to a later connection. */
		u32 n = qs->token_from_retry ? 0 : qs->token_len;

		/* libquic learns the role from this failing on servers. */
		if (qs->is_server || sk->sk_state == QUIC_SS_LISTENING)
			return -EINVAL;
		if (len < n)
			return -EINVAL;
		return quic_opt_out(optval, optlen, qs->token, n, len);
	}
	case QUIC_SOCKOPT_SESSION_TICKET:
		return quic_get_ticket(sk, optval, optlen, len);
	case QUIC_SOCKOPT_CONFIG:
		if (len < sizeof(qs->config.version))
			return -EINVAL;
		qs->config.version = qs->version;
		return quic_opt_out(optval, optlen, &qs->config,
				    sizeof(qs->config), len);
	case QUIC_SOCKOPT_TRANSPORT_PARAM:
		if (!len)
			return -EINVAL;
		if (copy_from_sockptr(&tp.remote, optval, 1))
			return -EFAULT;
		if (tp.remote && !qs->peer_tp_set)
			return -ENOTCONN;
		quic_tp_to_user(tp.remote ? &qs->peer_tp : &qs->local_tp, &tp);
		tp.remote = !!tp.remote;
		return quic_opt_out(optval, optlen, &tp, sizeof(tp), len);
	case QUIC_SOCKOPT_CONNECTION_CLOSE:
		return quic_get_close(sk, optval, optlen, len);
	case QUIC_SOCKOPT_STREAM_OPEN:
		return quic_get_stream_open(sk, optval, optlen, len);
	case QUIC_SOCKOPT_EVENT:
		return quic_get_event(sk, optval, optlen, len);
	case QUIC_SOCKOPT_CRYPTO_SECRET:
		return quic_get_secret(sk, optval, optlen, len);
	case QUIC_SOCKOPT_CONNECTION_ID:
		return quic_get_connid(sk, optval, optlen, len);
	case QUIC_SOCKOPT_STREAM_PEELOFF:
		return quic_peeloff_stream(sk, optval, optlen, len);
	}
	return -ENOPROTOOPT;
}

/**
 * quic_do_getsockopt() - SOL_QUIC getsockopt
 * @sk: socket, not locked
 * @optname: QUIC_SOCKOPT_*
 * @optval: buffer, user or kernel memory
 * @optlen: an int, in: the size of @optval; out: bytes written; in the
 *	same memory as @optval
 *
 * Return: 0, the new descriptor for QUIC_SOCKOPT_STREAM_PEELOFF, or -errno
 * (EINVAL for a short buffer).
 */
int quic_do_getsockopt(struct sock *sk, int optname, sockptr_t optval,
		       sockptr_t optlen)
{
	int len, err;

	if (copy_from_sockptr(&len, optlen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	lock_sock(sk);
	err = quic_getopt(sk, optname, optval, optlen, len);
	release_sock(sk);
	return err;
}

/**
 * quic_kernel_setsockopt() - set a SOL_QUIC option from the kernel
 * @sk: a QUIC socket of a kernel consumer, not locked
 * @optname: QUIC_SOCKOPT_*
 * @optval: the value, in kernel memory
 * @optlen: its length
 *
 * Context: process, may sleep.
 * Return: as setsockopt(2) with SOL_QUIC: 0 or -errno.
 */
int quic_kernel_setsockopt(struct sock *sk, int optname, const void *optval,
			   unsigned int optlen)
{
	return quic_do_setsockopt(sk, optname, KERNEL_SOCKPTR((void *)optval),
				  optlen);
}
EXPORT_SYMBOL_GPL(quic_kernel_setsockopt);

/**
 * quic_kernel_getsockopt() - read a SOL_QUIC option from the kernel
 * @sk: a QUIC socket of a kernel consumer, not locked
 * @optname: QUIC_SOCKOPT_*
 * @optval: buffer in kernel memory; what the option reads as input (the
 *	stream ID of QUIC_SOCKOPT_STREAM_OPEN, for instance) goes in it too
 * @optlen: in: the size of @optval; out: bytes written
 *
 * The kernel's getsockopt path takes user pointers only at protocol
 * levels: kernel consumers (draft-lxin-quic-socket-apis, "Handshake
 * Interface for Kernel Consumers") read the negotiated ALPN, session
 * tickets and the rest through this.
 *
 * Context: process, may sleep.
 * Return: as getsockopt(2) with SOL_QUIC: 0 or -errno.
 */
int quic_kernel_getsockopt(struct sock *sk, int optname, void *optval,
			   unsigned int *optlen)
{
	int len, err;

	if (*optlen > INT_MAX)
		return -EINVAL;
	len = *optlen;
	err = quic_do_getsockopt(sk, optname, KERNEL_SOCKPTR(optval),
				 KERNEL_SOCKPTR(&len));
	if (!err)
		*optlen = len;
	return err;
}
EXPORT_SYMBOL_GPL(quic_kernel_getsockopt);
