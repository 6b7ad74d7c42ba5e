/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink client for quic-handshaked: open a socket, look up
 * a family and one of its multicast groups, send a command and read what
 * the kernel answers, and walk the attributes of a message.  No libnl: the
 * daemon needs a handful of messages, and every byte the kernel sends is
 * length-checked here before anything reads it.
 */
#ifndef QUIC_HANDSHAKED_GENL_H
#define QUIC_HANDSHAKED_GENL_H

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Room for the largest request the daemon builds. */
#define GENL_MSG_MAX	512

/*
 * Room for one datagram from the kernel.  Generic netlink answers in
 * messages of at most a page or so (GENLMSG_DEFAULT_SIZE); anything that
 * does not fit is reported as truncated, never parsed.
 */
#define GENL_RECV_MAX	32768

/* A request under construction; @overflow once an attribute did not fit. */
struct genl_msg {
	union {
		struct nlmsghdr	nlh;
		char		buf[GENL_MSG_MAX];
	};
	bool		overflow;
};

/* A receive buffer, aligned for struct nlmsghdr. */
struct genl_rbuf {
	union {
		struct nlmsghdr	nlh;
		char		buf[GENL_RECV_MAX];
	};
};

/*
 * A NETLINK_GENERIC socket, close-on-exec.  With @rcv_timeout_s non-zero
 * a read waits at most that long (commands); zero blocks (notifications).
 * Returns the descriptor or -errno.
 */
int genl_open(unsigned int rcv_timeout_s);

/*
 * The id of family @name and, when @group is not NULL, of its multicast
 * group @group.  Returns 0, -ENOENT when the kernel has no such family,
 * -ESRCH when the family has no such group, or another -errno.
 */
int genl_resolve(int fd, const char *name, const char *group,
		 uint16_t *family, uint32_t *group_id);

/* Receive the multicast messages of group @group_id on @fd. */
int genl_join_group(int fd, uint32_t group_id);

/* Start a request: command @cmd of @family, at family version @version. */
void genl_msg_init(struct genl_msg *m, uint16_t family, uint8_t cmd,
		   uint8_t version);
void genl_put_u32(struct genl_msg *m, uint16_t type, uint32_t value);
void genl_put_s32(struct genl_msg *m, uint16_t type, int32_t value);
void genl_put_string(struct genl_msg *m, uint16_t type, const char *s);

/*
 * Send @m and read until the kernel acknowledges it.  Each answer of the
 * family in between goes to @reply (may be NULL), with @arg.  Returns 0,
 * the kernel's -errno for the command, the first non-zero value @reply
 * returned, or -errno of the socket.  @reply is called for every answer
 * even after an earlier one failed, so that it can see all of them.
 */
int genl_transact(int fd, struct genl_msg *m,
		  int (*reply)(const struct nlmsghdr *nlh, void *arg),
		  void *arg);

/*
 * Read one datagram from the kernel into @rb.  Returns its length, 0 for
 * a datagram that did not come from the kernel (dropped), -EMSGSIZE when
 * it was truncated, -ENOBUFS when the socket overran (messages lost),
 * -ETIMEDOUT past the receive timeout, or another -errno.  EINTR is
 * returned, not retried, so that a caller can look at its signals.
 */
ssize_t genl_recv(int fd, struct genl_rbuf *rb);

/*
 * The generic netlink header of @nlh and the attributes after it, in
 * *@attrs and *@len.  Returns NULL when @nlh is too short for the header.
 */
const struct genlmsghdr *genl_msg_parse(const struct nlmsghdr *nlh,
					const struct nlattr **attrs,
					size_t *len);

/* Message walking; every message seen is complete within @rem. */
static inline bool genl_nlmsg_ok(const struct nlmsghdr *nlh, size_t rem)
{
	return rem >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= rem;
}

static inline const struct nlmsghdr *
genl_nlmsg_next(const struct nlmsghdr *nlh, size_t *rem)
{
	size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

	if (step > *rem)
		step = *rem;
	*rem -= step;
	return (const struct nlmsghdr *)((const char *)nlh + step);
}

#define genl_for_each_msg(pos, head, len, rem)				\
	for ((pos) = (head), (rem) = (len);				\
	     genl_nlmsg_ok((pos), (rem));				\
	     (pos) = genl_nlmsg_next((pos), &(rem)))

/* Attribute walking; every attribute seen is complete within @rem. */
static inline bool genl_attr_ok(const struct nlattr *a, size_t rem)
{
	return rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
}

static inline const struct nlattr *genl_attr_next(const struct nlattr *a,
						  size_t *rem)
{
	size_t step = NLA_ALIGN(a->nla_len);

	/* The last attribute need not be padded. */
	if (step > *rem)
		step = *rem;
	*rem -= step;
	return (const struct nlattr *)((const char *)a + step);
}

#define genl_for_each_attr(pos, head, len, rem)			\
	for ((pos) = (head), (rem) = (len);				\
	     genl_attr_ok((pos), (rem));				\
	     (pos) = genl_attr_next((pos), &(rem)))

/* The type, without the nested and byte-order flags. */
static inline uint16_t genl_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline const void *genl_attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static inline size_t genl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* Typed reads: 0, or -EINVAL when the payload has the wrong size. */
int genl_attr_u16(const struct nlattr *a, uint16_t *value);
int genl_attr_u32(const struct nlattr *a, uint32_t *value);
int genl_attr_s32(const struct nlattr *a, int32_t *value);

/* The payload as a string, or NULL when it is not NUL-terminated. */
const char *genl_attr_string(const struct nlattr *a);

#endif /* QUIC_HANDSHAKED_GENL_H */
