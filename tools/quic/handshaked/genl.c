// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink client of quic-handshaked (see genl.h): sockets,
 * request building, the send-and-wait-for-ack exchange, and the lookup of
 * a family and its multicast group through the "nlctrl" controller.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* Sequence numbers tell our answers from stale ones; per process is enough. */
static uint32_t genl_seq;

int genl_open(unsigned int rcv_timeout_s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = rcv_timeout_s };
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	if (rcv_timeout_s &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

int genl_join_group(int fd, uint32_t group_id)
{
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group_id,
		       sizeof(group_id)))
		return -errno;
	return 0;
}

void genl_msg_init(struct genl_msg *m, uint16_t family, uint8_t cmd,
		   uint8_t version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = family;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
}

static void genl_put(struct genl_msg *m, uint16_t type, const void *data,
		     size_t len)
{
	size_t off = NLMSG_ALIGN(m->nlh.nlmsg_len);
	struct nlattr *a;

	if (m->overflow || off + NLA_HDRLEN + NLA_ALIGN(len) > GENL_MSG_MAX) {
		m->overflow = true;
		return;
	}
	a = (struct nlattr *)(m->buf + off);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = (uint32_t)(off + NLA_ALIGN(a->nla_len));
}

void genl_put_u32(struct genl_msg *m, uint16_t type, uint32_t value)
{
	genl_put(m, type, &value, sizeof(value));
}

void genl_put_s32(struct genl_msg *m, uint16_t type, int32_t value)
{
	genl_put(m, type, &value, sizeof(value));
}

void genl_put_string(struct genl_msg *m, uint16_t type, const char *s)
{
	genl_put(m, type, s, strlen(s) + 1);
}

static int genl_send(int fd, struct genl_msg *m)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	if (m->overflow)
		return -EMSGSIZE;
	do {
		n = sendto(fd, m->buf, m->nlh.nlmsg_len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)m->nlh.nlmsg_len ? 0 : -EIO;
}

ssize_t genl_recv(int fd, struct genl_rbuf *rb)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = rb->buf, .iov_len = sizeof(rb->buf) };
	struct msghdr msg = {
		.msg_name	= &from,
		.msg_namelen	= sizeof(from),
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
	};
	ssize_t n;

	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT :
								 -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	/* Only the kernel (port 0) speaks for the families we use. */
	if (msg.msg_namelen < sizeof(from) || from.nl_family != AF_NETLINK ||
	    from.nl_pid != 0)
		return 0;
	return n;
}

/* The error code of an NLMSG_ERROR message; -EPROTO when unreadable. */
static int genl_msg_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(e->error)))
		return -EPROTO;
	/* The kernel sends 0 or a negative errno, nothing else. */
	return e->error <= 0 ? e->error : -EPROTO;
}

/*
 * Walk one datagram: answers to @seq go to @reply, the acknowledgment
 * ends the exchange.  Returns 1 once acknowledged (*@ack holds the code),
 * else 0.
 */
static int genl_walk_answers(const struct genl_rbuf *rb, size_t len,
			     uint32_t seq, int *ack, int *first_err,
			     int (*reply)(const struct nlmsghdr *, void *),
			     void *arg)
{
	const struct nlmsghdr *nlh;
	size_t rem;
	int err;

	genl_for_each_msg(nlh, &rb->nlh, len, rem) {
		if (nlh->nlmsg_seq != seq)
			continue;	/* left over from an earlier request */
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			*ack = genl_msg_error(nlh);
			return 1;
		}
		/* NLMSG_NOOP, NLMSG_DONE, NLMSG_OVERRUN: nothing for us. */
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !reply)
			continue;
		err = reply(nlh, arg);
		if (err && !*first_err)
			*first_err = err;
	}
	return 0;
}

int genl_transact(int fd, struct genl_msg *m,
		  int (*reply)(const struct nlmsghdr *nlh, void *arg),
		  void *arg)
{
	static struct genl_rbuf rb;
	int ack = 0, first_err = 0;
	uint32_t seq = ++genl_seq;
	ssize_t len;
	int err;

	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->nlh.nlmsg_seq = seq;
	err = genl_send(fd, m);
	if (err)
		return err;
	for (;;) {
		len = genl_recv(fd, &rb);
		if (len == -EINTR || len == 0)
			continue;
		if (len < 0)
			return first_err ? first_err : (int)len;
		if (genl_walk_answers(&rb, (size_t)len, seq, &ack, &first_err,
				      reply, arg))
			break;
	}
	return first_err ? first_err : ack;
}

const struct genlmsghdr *genl_msg_parse(const struct nlmsghdr *nlh,
					const struct nlattr **attrs,
					size_t *len)
{
	const char *payload = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return NULL;
	*attrs = (const struct nlattr *)(payload + GENL_HDRLEN);
	*len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (const struct genlmsghdr *)payload;
}

int genl_attr_u16(const struct nlattr *a, uint16_t *value)
{
	if (genl_attr_len(a) != sizeof(*value))
		return -EINVAL;
	memcpy(value, genl_attr_data(a), sizeof(*value));
	return 0;
}

int genl_attr_u32(const struct nlattr *a, uint32_t *value)
{
	if (genl_attr_len(a) != sizeof(*value))
		return -EINVAL;
	memcpy(value, genl_attr_data(a), sizeof(*value));
	return 0;
}

int genl_attr_s32(const struct nlattr *a, int32_t *value)
{
	if (genl_attr_len(a) != sizeof(*value))
		return -EINVAL;
	memcpy(value, genl_attr_data(a), sizeof(*value));
	return 0;
}

const char *genl_attr_string(const struct nlattr *a)
{
	const char *s = genl_attr_data(a);
	size_t len = genl_attr_len(a);

	if (!len || !memchr(s, '\0', len))
		return NULL;
	return s;
}

/* What the lookup of a family is after, and what it found. */
struct genl_lookup {
	const char	*group;
	uint16_t	family;
	uint32_t	group_id;
	bool		have_family;
	bool		have_group;
};

/* One CTRL_ATTR_MCAST_GROUPS entry: a name and an id. */
static void genl_lookup_group(struct genl_lookup *l,
			      const struct nlattr *entry)
{
	const struct nlattr *a, *name = NULL, *id = NULL;
	uint32_t group_id;
	size_t rem;

	genl_for_each_attr(a, genl_attr_data(entry), genl_attr_len(entry),
			   rem) {
		if (genl_attr_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = a;
		else if (genl_attr_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = a;
	}
	if (!name || !id || genl_attr_u32(id, &group_id))
		return;
	if (genl_attr_string(name) && !strcmp(genl_attr_string(name),
					      l->group)) {
		l->group_id = group_id;
		l->have_group = true;
	}
}

static int genl_lookup_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *attrs, *a, *entry;
	struct genl_lookup *l = arg;
	size_t len, rem, erem;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    !genl_msg_parse(nlh, &attrs, &len))
		return 0;
	genl_for_each_attr(a, attrs, len, rem) {
		switch (genl_attr_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (!genl_attr_u16(a, &l->family))
				l->have_family = true;
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (!l->group)
				break;
			genl_for_each_attr(entry, genl_attr_data(a),
					   genl_attr_len(a), erem)
				genl_lookup_group(l, entry);
			break;
		}
	}
	return 0;
}

int genl_resolve(int fd, const char *name, const char *group,
		 uint16_t *family, uint32_t *group_id)
{
	struct genl_lookup l = { .group = group };
	struct genl_msg m;
	int err;

	genl_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	genl_put_string(&m, CTRL_ATTR_FAMILY_NAME, name);
	err = genl_transact(fd, &m, genl_lookup_reply, &l);
	if (err)
		return err;	/* -ENOENT: no such family */
	if (!l.have_family)
		return -ENOENT;
	if (group && !l.have_group)
		return -ESRCH;
	*family = l.family;
	if (group)
		*group_id = l.group_id;
	return 0;
}
