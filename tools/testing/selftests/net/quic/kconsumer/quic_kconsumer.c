// SPDX-License-Identifier: GPL-2.0
/*
 * quic_kconsumer: a kernel user of IPPROTO_QUIC sockets, for the
 * selftests. It does what an in-kernel consumer (an SMB or NFS client or
 * server) does: a socket made with sock_create_kern(), connect or
 * listen/accept through the kernel_*() calls, the TLS handshake handed to
 * the userspace handshake daemon through net/handshake
 * (tls_client_hello_*() / tls_server_hello_*()), then stream data with
 * kernel_sendmsg() and kernel_recvmsg().
 *
 * The whole exchange runs in module init, in the network namespace of
 * the process loading it; init fails with the error that stopped it, so
 * the test reads the outcome from insmod's exit status and the log:
 *
 *   client: one bidirectional stream (0) of @bytes bytes of the xfer
 *	selftest helper's pattern, ended with a FIN; the peer (xfer -s)
 *	echoes it, and every byte of the echo is checked. With @conns, as
 *	many connections one after the other; with @ticket_wait, each
 *	asks the daemon for the server's session ticket, reads the session
 *	data back and gives it to the next connection to resume with.
 *   server: accepts one connection (@conns: as many, one after the
 *	other) and echoes stream 0 back, FIN included, to a peer such as
 *	xfer -c --one-stream, then waits for the peer to close.
 *
 * Either way it logs "quic_kconsumer: <role>: stream 0 tx|rx <n> sha256
 * <hex>" for the bytes it sent or received, to compare with what the
 * peer printed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/sha2.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <net/handshake.h>
#include <net/net_namespace.h>
#include <net/quic.h>
#include <net/sock.h>

static char *role = "client";
module_param(role, charp, 0444);
MODULE_PARM_DESC(role, "client or server");

static char *addr = "127.0.0.1";
module_param(addr, charp, 0444);
MODULE_PARM_DESC(addr, "server address (IPv4 or IPv6 literal): connected to, or bound");

static ushort port = 4433;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "server UDP port");

static char *alpn = "kconsumer";
module_param(alpn, charp, 0444);
MODULE_PARM_DESC(alpn, "ALPN list handed to the handshake (QUIC_SOCKOPT_ALPN)");

static char *auth = "x509";
module_param(auth, charp, 0444);
MODULE_PARM_DESC(auth, "anon (client only), x509 or psk");

static char *peername;
module_param(peername, charp, 0444);
MODULE_PARM_DESC(peername, "client: the server name its certificate is checked against");

static int psk_key;
module_param(psk_key, int, 0444);
MODULE_PARM_DESC(psk_key, "psk: serial of the key (description: identity, payload: key)");

static int keyring;
module_param(keyring, int, 0444);
MODULE_PARM_DESC(keyring, "serial of a keyring the daemon gets to read keys from");

static uint cipher;
module_param(cipher, uint, 0444);
MODULE_PARM_DESC(cipher, "payload_cipher_type asked of the handshake (TLS_CIPHER_*), 0: any");

static ulong bytes = 1 << 20;
module_param(bytes, ulong, 0444);
MODULE_PARM_DESC(bytes, "client: bytes sent on stream 0");

static uint conns = 1;
module_param(conns, uint, 0444);
MODULE_PARM_DESC(conns, "connections made (client) or accepted (server) one after the other, 1-8; a client resumes the session of the one before when ticket_wait is set");

static uint ticket_wait;
module_param(ticket_wait, uint, 0444);
MODULE_PARM_DESC(ticket_wait, "client: receive_session_ticket, seconds the handshake waits for the server's session ticket; 0: none asked for");

static bool spoil_session;
module_param(spoil_session, bool, 0444);
MODULE_PARM_DESC(spoil_session, "client: invert every byte of the session data before giving it to the next connection");

static uint timeout_ms = 20000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "handshake timeout, and the limit of each blocking call; 0: none (the daemon's handshake is then bounded by the idle timeout, and a signal ends any wait)");

#define KC_BUF		16384
#define KC_CONNS_MAX	8
/* The draft's bound on session data (QUIC_SOCKOPT_SESSION_TICKET). */
#define KC_TICKET_MAX	4096
#define KC_CMSG_SPACE	CMSG_SPACE(sizeof(struct quic_stream_info))

struct kc_handshake {
	struct completion done;
	int status;
};

/* Kept the same as xfer.c's pattern(): SplitMix64's output function. */
static u64 kc_mix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The bytes of stream @sid at offset @off, as the xfer helper makes them. */
static void kc_pattern(s64 sid, u64 off, u8 *p, size_t len)
{
	while (len) {
		u64 v = kc_mix64(((u64)sid << 44) ^ (off >> 3));
		unsigned int i;

		for (i = off & 7; i < 8 && len; i++, len--, off++)
			*p++ = (u8)(v >> (8 * i));
	}
}

static int kc_parse_addr(struct sockaddr_storage *ss, int *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (in4_pton(addr, -1, (u8 *)&sin->sin_addr, '\0', NULL)) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (in6_pton(addr, -1, sin6->sin6_addr.s6_addr, '\0', NULL)) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	pr_err("addr %s: not an IPv4 or IPv6 literal\n", addr);
	return -EINVAL;
}

/*
 * What the consumer asks of the handshake in the socket's configuration:
 * the cipher to agree on (the daemon narrows its TLS priorities to it)
 * and how long to wait for a session ticket. Read, changed, written back.
 */
static int kc_set_config(struct sock *sk)
{
	struct quic_config cfg;
	unsigned int len = sizeof(cfg);
	int err;

	err = quic_kernel_getsockopt(sk, QUIC_SOCKOPT_CONFIG, &cfg, &len);
	if (err || len != sizeof(cfg))
		return err ?: -EINVAL;
	cfg.payload_cipher_type = cipher;
	cfg.receive_session_ticket = min_t(uint, ticket_wait, U8_MAX);
	return quic_kernel_setsockopt(sk, QUIC_SOCKOPT_CONFIG, &cfg,
				      sizeof(cfg));
}

/*
 * A QUIC socket of this namespace, with the ALPN, the cipher and the
 * blocking limits.
 */
static int kc_socket(int family, struct socket **sockp)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(current->nsproxy->net_ns, family, SOCK_STREAM,
			       IPPROTO_QUIC, &sock);
	if (err) {
		pr_err("sock_create_kern(IPPROTO_QUIC): %d\n", err);
		return err;
	}
	err = quic_kernel_setsockopt(sock->sk, QUIC_SOCKOPT_ALPN, alpn,
				     strlen(alpn));
	if (err) {
		pr_err("setsockopt(QUIC_SOCKOPT_ALPN, %s): %d\n", alpn, err);
		sock_release(sock);
		return err;
	}
	err = cipher || ticket_wait ? kc_set_config(sock->sk) : 0;
	if (err) {
		pr_err("QUIC_SOCKOPT_CONFIG, cipher %u, ticket wait %u: %d\n",
		       cipher, ticket_wait, err);
		sock_release(sock);
		return err;
	}
	/* Without a limit, the socket's own: block until a signal. */
	if (timeout_ms) {
		sock->sk->sk_sndtimeo = msecs_to_jiffies(timeout_ms);
		sock->sk->sk_rcvtimeo = msecs_to_jiffies(timeout_ms);
	}
	*sockp = sock;
	return 0;
}

/* The daemon sets the protocol the handshake chose on the socket. */
static int kc_log_alpn(struct socket *sock)
{
	char chosen[64];
	unsigned int len = sizeof(chosen) - 1;
	int err;

	err = quic_kernel_getsockopt(sock->sk, QUIC_SOCKOPT_ALPN, chosen, &len);
	if (err) {
		pr_err("%s: getsockopt(QUIC_SOCKOPT_ALPN): %d\n", role, err);
		return err;
	}
	chosen[len] = '\0';
	pr_info("%s: handshake done, alpn %s\n", role, chosen);
	return 0;
}

static void kc_handshake_done(void *data, int status, key_serial_t peerid)
{
	struct kc_handshake *hs = data;

	hs->status = status;
	complete(&hs->done);
}

/*
 * Wait for the daemon's answer. With a timeout the daemon enforces it, and
 * this wait only bounds a lost daemon; without one, only a fatal signal
 * (the test's timeout) ends it. Either way the request is cancelled
 * unless the answer is already on its way, which is then awaited.
 */
static int kc_handshake_wait(struct socket *sock, struct kc_handshake *hs)
{
	unsigned long limit = msecs_to_jiffies(timeout_ms + 5000);
	int err = 0;

	if (timeout_ms) {
		if (!wait_for_completion_timeout(&hs->done, limit))
			err = -ETIMEDOUT;
	} else if (wait_for_completion_killable(&hs->done)) {
		err = -EINTR;
	}
	if (!err)
		return 0;
	if (tls_handshake_cancel(sock->sk)) {
		pr_err("%s: handshake: no answer, cancelled (%d)\n", role, err);
		return err;
	}
	wait_for_completion(&hs->done);
	return 0;
}

/*
 * Hand the handshake on @sock (which has a file, as net/handshake needs
 * to pass it to the daemon) to userspace and wait for its outcome.
 */
static int kc_handshake(struct socket *sock, bool server)
{
	struct tls_handshake_args args = {
		.ta_sock = sock,
		.ta_done = kc_handshake_done,
		.ta_peername = peername,
		.ta_timeout_ms = timeout_ms,
		.ta_keyring = keyring,
	};
	struct kc_handshake hs;
	int err;

	init_completion(&hs.done);
	hs.status = -EINPROGRESS;
	args.ta_data = &hs;
	if (!strcmp(auth, "psk")) {
		args.ta_my_peerids[0] = psk_key;
		args.ta_num_peerids = 1;
		err = server ? tls_server_hello_psk(&args, GFP_KERNEL) :
			       tls_client_hello_psk(&args, GFP_KERNEL);
	} else if (!strcmp(auth, "x509")) {
		err = server ? tls_server_hello_x509(&args, GFP_KERNEL) :
			       tls_client_hello_x509(&args, GFP_KERNEL);
	} else if (!strcmp(auth, "anon") && !server) {
		err = tls_client_hello_anon(&args, GFP_KERNEL);
	} else {
		pr_err("auth %s: not one of anon (client), x509, psk\n", auth);
		return -EINVAL;
	}
	if (err) {
		pr_err("%s: handshake request: %d\n", role, err);
		return err;
	}
	err = kc_handshake_wait(sock, &hs);
	if (err)
		return err;
	if (hs.status) {
		pr_err("%s: handshake failed: %d\n", role, hs.status);
		return hs.status;
	}
	return kc_log_alpn(sock);
}

static int kc_send(struct socket *sock, const u8 *buf, size_t len, u32 flags)
{
	struct quic_stream_info si = { .stream_id = 0, .stream_flags = flags };
	u8 control[KC_CMSG_SPACE] = {};
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = (struct cmsghdr *)control;
	int n;

	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_STREAM_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(si));
	memcpy(CMSG_DATA(cmsg), &si, sizeof(si));
	n = kernel_sendmsg(sock, &msg, &iov, 1, len);
	if (n < 0)
		return n;
	/* A blocking send takes it all, or fails (timeout, close). */
	return n == len ? 0 : -EIO;
}

/*
 * Receive stream data: returns the byte count (0 at the FIN, with *fin
 * set, or when the peer closed) or -errno. Notifications are skipped.
 */
static int kc_recv(struct socket *sock, u8 *buf, size_t len, s64 *sid,
		   bool *fin)
{
	u8 control[KC_CMSG_SPACE];
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct quic_stream_info si;
	struct msghdr msg;
	struct cmsghdr *cmsg;
	int n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		n = kernel_recvmsg(sock, &msg, &iov, 1, len, 0);
		if (n < 0 || !(msg.msg_flags & MSG_QUIC_NOTIFICATION))
			break;
	}
	if (n < 0)
		return n;
	*fin = false;
	cmsg = (struct cmsghdr *)control;
	if (msg.msg_controllen > sizeof(control) - CMSG_LEN(sizeof(si)) ||
	    cmsg->cmsg_level != SOL_QUIC || cmsg->cmsg_type != QUIC_STREAM_INFO)
		return n ? -EBADMSG : 0;	/* 0 bytes, no info: closed */
	memcpy(&si, CMSG_DATA(cmsg), sizeof(si));
	*sid = si.stream_id;
	*fin = !!(si.stream_flags & MSG_QUIC_STREAM_FIN);
	return n;
}

/*
 * The next piece of stream 0, at offset @at: its length (0 only with
 * *fin set), or -errno, logged: the peer closing first is -ECONNRESET,
 * data of another stream -EBADMSG.
 */
static int kc_recv_stream0(struct socket *sock, u8 *buf, bool *fin, u64 at)
{
	s64 sid;
	int n;

	n = kc_recv(sock, buf, KC_BUF, &sid, fin);
	if (n < 0) {
		pr_err("%s: recvmsg at %llu: %d\n", role, at, n);
		return n;
	}
	if (!n && !*fin) {
		pr_err("%s: peer closed at %llu\n", role, at);
		return -ECONNRESET;
	}
	if (sid != 0) {
		pr_err("%s: %d bytes on stream %lld at %llu\n", role, n, sid,
		       at);
		return -EBADMSG;
	}
	return n;
}

static void kc_log_hash(const char *dir, u64 n, struct sha256_state *sha)
{
	u8 digest[SHA256_DIGEST_SIZE];

	sha256_final(sha, digest);
	pr_info("%s: stream 0 %s %llu sha256 %*phN\n", role, dir, n,
		SHA256_DIGEST_SIZE, digest);
}

/* Send @bytes of the pattern on stream 0 with a FIN; check the echo. */
static int kc_client_transfer(struct socket *sock, u8 *buf, u8 *expect)
{
	struct sha256_state sha;
	u64 tx = 0, rx = 0;
	bool fin = false;
	u32 flags;
	size_t n;
	int err;

	sha256_init(&sha);
	while (tx < bytes) {
		n = min_t(u64, KC_BUF, bytes - tx);
		kc_pattern(0, tx, buf, n);
		flags = tx ? 0 : MSG_QUIC_STREAM_NEW;
		if (tx + n == bytes)
			flags |= MSG_QUIC_STREAM_FIN;
		err = kc_send(sock, buf, n, flags);
		if (err) {
			pr_err("client: sendmsg at %llu: %d\n", tx, err);
			return err;
		}
		sha256_update(&sha, buf, n);
		tx += n;
	}
	kc_log_hash("tx", tx, &sha);

	while (!fin) {
		err = kc_recv_stream0(sock, buf, &fin, rx);
		if (err < 0)
			return err;
		if (rx + err > bytes) {
			pr_err("client: %d bytes at %llu, past the %lu sent\n",
			       err, rx, bytes);
			return -EBADMSG;
		}
		kc_pattern(0, rx, expect, err);
		if (memcmp(buf, expect, err)) {
			pr_err("client: echo differs at %llu\n", rx);
			return -EBADMSG;
		}
		rx += err;
	}
	if (rx != bytes) {
		pr_err("client: echo ended at %llu of %lu\n", rx, bytes);
		return -EBADMSG;
	}
	pr_info("client: stream 0 rx %llu echo verified\n", rx);
	return 0;
}

/* Echo stream 0 back to the peer, FIN included, then await its close. */
static int kc_server_echo(struct socket *sock, u8 *buf)
{
	struct sha256_state sha;
	bool fin = false;
	u64 rx = 0;
	s64 sid;
	u32 flags;
	int n, err;

	sha256_init(&sha);
	while (!fin) {
		n = kc_recv_stream0(sock, buf, &fin, rx);
		if (n < 0)
			return n;
		flags = (rx ? 0 : MSG_QUIC_STREAM_NEW) |
			(fin ? MSG_QUIC_STREAM_FIN : 0);
		err = kc_send(sock, buf, n, flags);
		if (err) {
			pr_err("server: echo at %llu: %d\n", rx, err);
			return err;
		}
		sha256_update(&sha, buf, n);
		rx += n;
	}
	kc_log_hash("rx", rx, &sha);
	/* Closing now could cut the echo short: the peer closes once it
	 * has it all, which ends this read with 0 or an error.
	 */
	n = kc_recv(sock, buf, KC_BUF, &sid, &fin);
	pr_info("server: peer closed (%d)\n", n > 0 ? -EBADMSG : n);
	return 0;
}

/*
 * net/handshake passes the socket to the daemon as a file: the socket
 * gets one, and from then on the file owns it (fput() releases both).
 */
static struct file *kc_socket_file(struct socket *sock)
{
	struct file *file = sock_alloc_file(sock, 0, NULL);

	if (IS_ERR(file))
		pr_err("sock_alloc_file: %ld\n", PTR_ERR(file));
	return file;
}

/*
 * Session data (QUIC_SOCKOPT_SESSION_TICKET on a kernel client): what the
 * daemon set on the socket after the handshake, from the server's
 * ticket, kept for the next connection to resume with.
 */
struct kc_session {
	u8 *data;
	unsigned int len;
};

/* Before the upcall: the daemon offers the session to the server. */
static int kc_session_give(struct socket *sock, const struct kc_session *ss)
{
	int err;

	if (!ss->len)
		return 0;
	err = quic_kernel_setsockopt(sock->sk, QUIC_SOCKOPT_SESSION_TICKET,
				     ss->data, ss->len);
	if (err)
		pr_err("client: setsockopt(QUIC_SOCKOPT_SESSION_TICKET, %u bytes): %d\n",
		       ss->len, err);
	return err;
}

/* After it: the session data the daemon made of the server's ticket. */
static int kc_session_take(struct socket *sock, struct kc_session *ss)
{
	unsigned int len = KC_TICKET_MAX;
	int err;

	if (!ticket_wait)
		return 0;
	err = quic_kernel_getsockopt(sock->sk, QUIC_SOCKOPT_SESSION_TICKET,
				     ss->data, &len);
	if (err) {
		pr_err("client: getsockopt(QUIC_SOCKOPT_SESSION_TICKET): %d\n",
		       err);
		return err;
	}
	ss->len = len;
	pr_info("client: session data %u bytes\n", len);
	return 0;
}

static int kc_run_client(u8 *buf, u8 *expect, struct kc_session *ss)
{
	struct sockaddr_storage sa;
	struct socket *sock;
	struct file *file;
	int len, err;

	err = kc_parse_addr(&sa, &len);
	if (err)
		return err;
	err = kc_socket(sa.ss_family, &sock);
	if (err)
		return err;
	err = kc_session_give(sock, ss);
	if (!err) {
		err = kernel_connect(sock, (struct sockaddr *)&sa, len, 0);
		if (err)
			pr_err("client: connect: %d\n", err);
	}
	if (err) {
		sock_release(sock);
		return err;
	}
	file = kc_socket_file(sock);	/* releases @sock on failure */
	if (IS_ERR(file))
		return PTR_ERR(file);
	err = kc_handshake(sock, false);
	if (!err)
		err = kc_session_take(sock, ss);
	if (!err)
		err = kc_client_transfer(sock, buf, expect);
	/*
	 * fput() in a user task (insmod's) leaves the socket's release for
	 * its return to user space, after every connection: end this one
	 * now, as a consumer does that keeps no connection it is done with.
	 */
	kernel_sock_shutdown(sock, SHUT_RDWR);
	fput(file);
	return err;
}

static int kc_check_conns(void)
{
	if (conns && conns <= KC_CONNS_MAX)
		return 0;
	pr_err("conns %u: not 1 to %d\n", conns, KC_CONNS_MAX);
	return -EINVAL;
}

/* Session data no TLS library can use: the daemon must cope. */
static void kc_session_spoil(struct kc_session *ss)
{
	unsigned int i;

	for (i = 0; i < ss->len; i++)
		ss->data[i] = ~ss->data[i];
}

/* @conns connections, one after the other, each on the last's session. */
static int kc_run_clients(u8 *buf, u8 *expect)
{
	struct kc_session ss = {};
	unsigned int i;
	int err;

	err = kc_check_conns();
	if (err)
		return err;
	if (ticket_wait) {
		ss.data = kmalloc(KC_TICKET_MAX, GFP_KERNEL);
		if (!ss.data)
			return -ENOMEM;
	}
	for (i = 0; i < conns && !err; i++) {
		if (conns > 1)
			pr_info("client: connection %u of %u\n", i + 1, conns);
		err = kc_run_client(buf, expect, &ss);
		if (spoil_session)
			kc_session_spoil(&ss);
	}
	kfree_sensitive(ss.data);
	return err;
}

/* Accept one connection on @lsock, hand its handshake over, echo. */
static int kc_serve_one(struct socket *lsock, u8 *buf)
{
	struct socket *sock;
	struct file *file;
	int err;

	err = kernel_accept(lsock, &sock, 0);
	if (err) {
		pr_err("server: accept: %d\n", err);
		return err;
	}
	sock->sk->sk_sndtimeo = lsock->sk->sk_sndtimeo;
	sock->sk->sk_rcvtimeo = lsock->sk->sk_rcvtimeo;
	file = kc_socket_file(sock);	/* releases @sock on failure */
	if (IS_ERR(file))
		return PTR_ERR(file);
	err = kc_handshake(sock, true);
	if (!err)
		err = kc_server_echo(sock, buf);
	fput(file);
	return err;
}

static int kc_run_server(u8 *buf)
{
	struct sockaddr_storage ss;
	struct socket *lsock;
	unsigned int i;
	int len, err;

	err = kc_check_conns();
	if (!err)
		err = kc_parse_addr(&ss, &len);
	if (err)
		return err;
	err = kc_socket(ss.ss_family, &lsock);
	if (err)
		return err;
	err = kernel_bind(lsock, (struct sockaddr *)&ss, len);
	if (!err)
		err = kernel_listen(lsock, 1);
	if (err) {
		pr_err("server: bind/listen %s port %u: %d\n", addr, port, err);
		goto out;
	}
	pr_info("server: listening on %s port %u\n", addr, port);
	for (i = 0; i < conns && !err; i++)
		err = kc_serve_one(lsock, buf);
out:
	sock_release(lsock);
	return err;
}

static int __init kc_init(void)
{
	u8 *buf, *expect;
	int err = -ENOMEM;

	if (strcmp(role, "client") && strcmp(role, "server")) {
		pr_err("role %s: not client or server\n", role);
		return -EINVAL;
	}
	buf = kmalloc(KC_BUF, GFP_KERNEL);
	expect = kmalloc(KC_BUF, GFP_KERNEL);
	if (buf && expect)
		err = strcmp(role, "client") ? kc_run_server(buf) :
					       kc_run_clients(buf, expect);
	kfree(buf);
	kfree(expect);
	pr_info("%s: %s (%d)\n", role, err ? "failed" : "done", err);
	return err;
}

static void __exit kc_exit(void)
{
}

module_init(kc_init);
module_exit(kc_exit);
MODULE_DESCRIPTION("QUIC selftests: a kernel consumer of IPPROTO_QUIC sockets");
MODULE_LICENSE("GPL");
