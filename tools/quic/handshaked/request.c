// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink side of one handshake request in quic-handshaked: take the
 * next pending request from the kernel (HANDSHAKE_CMD_ACCEPT) and report
 * how it ended (HANDSHAKE_CMD_DONE).
 *
 * The ACCEPT answer is read defensively: once the kernel has put the socket
 * in our file table, a malformed answer must still end in a DONE carrying
 * an error, so parsing never gives up on the descriptor, it only records
 * what was wrong in the request's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "genl.h"
#include "handshaked.h"

struct hsd_accept_ctx {
	uint16_t		family;
	struct hsd_request	*req;
	bool			answered;
};

/* Mark the request malformed; the first reason found is kept. */
static void hsd_request_bad(struct hsd_request *req, int err)
{
	if (!req->status)
		req->status = err;
}

static void hsd_parse_certificate(struct hsd_request *req,
				  const struct nlattr *nest)
{
	const struct nlattr *a;
	size_t rem;

	genl_for_each_attr(a, genl_attr_data(nest), genl_attr_len(nest), rem) {
		switch (genl_attr_type(a)) {
		case HANDSHAKE_A_X509_CERT:
			if (genl_attr_s32(a, &req->cert_serial))
				hsd_request_bad(req, EINVAL);
			break;
		case HANDSHAKE_A_X509_PRIVKEY:
			if (genl_attr_s32(a, &req->key_serial))
				hsd_request_bad(req, EINVAL);
			break;
		}
	}
}

static void hsd_parse_peername(struct hsd_request *req,
			       const struct nlattr *a)
{
	const char *name = genl_attr_string(a);
	size_t len = name ? strlen(name) : 0;

	if (!name || len >= sizeof(req->peername)) {
		hsd_request_bad(req, EINVAL);
		return;
	}
	memcpy(req->peername, name, len + 1);
}

static void hsd_parse_peerid(struct hsd_request *req, const struct nlattr *a)
{
	int32_t serial;

	if (genl_attr_s32(a, &serial)) {
		hsd_request_bad(req, EINVAL);
		return;
	}
	if (req->n_peerids < HSD_MAX_PEERIDS)
		req->peerids[req->n_peerids++] = serial;
}

/* The socket first, so that a DONE can follow whatever else is wrong. */
static void hsd_parse_sockfd(struct hsd_request *req,
			     const struct nlattr *attrs, size_t len)
{
	const struct nlattr *a;
	int32_t fd;
	size_t rem;

	genl_for_each_attr(a, attrs, len, rem) {
		if (genl_attr_type(a) != HANDSHAKE_A_ACCEPT_SOCKFD ||
		    genl_attr_s32(a, &fd))
			continue;
		/* Only a descriptor that is really ours can be reported. */
		if (fd >= 0 && fcntl(fd, F_GETFD) >= 0)
			req->fd = fd;
		return;
	}
}

static void hsd_parse_attr(struct hsd_request *req, const struct nlattr *a,
			   bool *have_type, bool *have_auth)
{
	switch (genl_attr_type(a)) {
	case HANDSHAKE_A_ACCEPT_MESSAGE_TYPE:
		*have_type = !genl_attr_u32(a, &req->msg_type);
		break;
	case HANDSHAKE_A_ACCEPT_AUTH_MODE:
		*have_auth = !genl_attr_u32(a, &req->auth_mode);
		break;
	case HANDSHAKE_A_ACCEPT_TIMEOUT:
		if (genl_attr_u32(a, &req->timeout_ms))
			hsd_request_bad(req, EINVAL);
		break;
	case HANDSHAKE_A_ACCEPT_PEERNAME:
		hsd_parse_peername(req, a);
		break;
	case HANDSHAKE_A_ACCEPT_PEER_IDENTITY:
		hsd_parse_peerid(req, a);
		break;
	case HANDSHAKE_A_ACCEPT_CERTIFICATE:
		hsd_parse_certificate(req, a);
		break;
	default:	/* newer kernels may add attributes */
		break;
	}
}

static void hsd_parse_request(struct hsd_request *req,
			      const struct nlattr *attrs, size_t len)
{
	bool have_type = false, have_auth = false;
	const struct nlattr *a;
	size_t rem;

	hsd_parse_sockfd(req, attrs, len);
	genl_for_each_attr(a, attrs, len, rem)
		hsd_parse_attr(req, a, &have_type, &have_auth);
	if (rem)	/* a torn attribute at the end */
		hsd_request_bad(req, EINVAL);

	if (!have_type || (req->msg_type != HANDSHAKE_MSG_TYPE_CLIENTHELLO &&
			   req->msg_type != HANDSHAKE_MSG_TYPE_SERVERHELLO))
		hsd_request_bad(req, EINVAL);
	if (!have_auth || (req->auth_mode != HANDSHAKE_AUTH_UNAUTH &&
			   req->auth_mode != HANDSHAKE_AUTH_PSK &&
			   req->auth_mode != HANDSHAKE_AUTH_X509))
		hsd_request_bad(req, EINVAL);
}

static int hsd_accept_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct hsd_accept_ctx *ctx = arg;
	const struct genlmsghdr *g;
	const struct nlattr *attrs;
	size_t len;

	if (nlh->nlmsg_type != ctx->family)
		return 0;
	g = genl_msg_parse(nlh, &attrs, &len);
	if (!g || g->cmd != HANDSHAKE_CMD_ACCEPT)
		return 0;
	/* One request per ACCEPT; a second answer would be a kernel bug. */
	if (ctx->answered)
		return -EPROTO;
	ctx->answered = true;
	hsd_parse_request(ctx->req, attrs, len);
	return 0;
}

/*
 * Take the next pending request.  Returns 0 with @req filled in and
 * req->fd open (req->status non-zero when the request is malformed),
 * -EAGAIN when none is pending, or another -errno when the kernel gave no
 * usable socket.
 */
int hsd_accept(int nlfd, uint16_t family, struct hsd_request *req)
{
	struct hsd_accept_ctx ctx = { .family = family, .req = req };
	struct genl_msg m;
	int err;

	memset(req, 0, sizeof(*req));
	req->fd = -1;
	genl_msg_init(&m, family, HANDSHAKE_CMD_ACCEPT,
		      HANDSHAKE_FAMILY_VERSION);
	genl_put_u32(&m, HANDSHAKE_A_ACCEPT_HANDLER_CLASS,
		     HANDSHAKE_HANDLER_CLASS_TLSHD);
	err = genl_transact(nlfd, &m, hsd_accept_reply, &ctx);
	if (req->fd >= 0) {
		/* The request is ours now, whatever else went wrong. */
		if (err)
			hsd_request_bad(req, err < 0 ? -err : EIO);
		return 0;
	}
	if (err)
		return err;
	/* An answer without a socket we can name: nothing to finish. */
	return -EPROTO;
}

/*
 * Tell the kernel how the handshake ended: @status is 0 or a positive
 * errno.  For a PSK handshake the key that was used goes with it; a kernel
 * consumer such as NVMe/TCP needs it to find the session's key.
 */
int hsd_done(int nlfd, uint16_t family, const struct hsd_request *req,
	     int status)
{
	struct genl_msg m;

	if (status < 0 || status > HSD_MAX_ERRNO)
		status = EIO;
	genl_msg_init(&m, family, HANDSHAKE_CMD_DONE, HANDSHAKE_FAMILY_VERSION);
	genl_put_u32(&m, HANDSHAKE_A_DONE_STATUS, (uint32_t)status);
	genl_put_s32(&m, HANDSHAKE_A_DONE_SOCKFD, req->fd);
	if (!status && req->remote_peerid)
		genl_put_u32(&m, HANDSHAKE_A_DONE_REMOTE_AUTH,
			     (uint32_t)req->remote_peerid);
	return genl_transact(nlfd, &m, NULL, NULL);
}
