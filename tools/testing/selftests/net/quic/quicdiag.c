// SPDX-License-Identifier: GPL-2.0
/*
 * quicdiag: QUIC sockets through sock_diag (net/quic/diag.c), as ss lists
 * TCP ones; diag_test.sh compares what it prints with /proc/net/quic/sks.
 *
 *   quicdiag [-4|-6] [-s STATE]... [-m] [-i]		dump
 *   quicdiag -4|-6 -c COOKIE [-m] [-i]			one socket by cookie
 *   quicdiag -4|-6 -l ADDR -p PORT -r ADDR -P PORT [-m] [-i] one by addresses
 *   quicdiag -4|-6 -K (-c COOKIE | -l ... -P PORT)	SOCK_DESTROY it
 *
 * STATE: LISTEN, ESTABLISHING, ESTABLISHED or CLOSED, as /proc/net/quic/sks
 * names them. One line per socket:
 *   INODE STATE LOCAL PEER rq=N wq=N cookie=HEX [rmem=N wmem=N] [INFO]
 * -i asks for INET_DIAG_INFO and INET_DIAG_CONG; INFO is then
 *   version=HEX flags=server,confirmed,offload|- cipher=N srtt=US
 *   rttvar=US minrtt=US mss=N cwnd=N ssthresh=N inflight=N pto=N cong=NAME
 * (each "-" when its attribute did not come).
 * Exit status: 0; 1 when the kernel answers with an error (its name on
 * stderr); 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/quic.h>
#include <linux/quic_diag.h>

static int want_info;	/* -i */

/* TCP's state numbers, which QUIC sockets use. */
static const struct {
	int state;
	const char *name;
} states[] = {
	{ 1, "ESTABLISHED" },
	{ 2, "ESTABLISHING" },
	{ 7, "CLOSED" },
	{ 10, "LISTEN" },
};

static const char *state_name(int state)
{
	static char other[16];
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (states[i].state == state)
			return states[i].name;
	snprintf(other, sizeof(other), "STATE%d", state);
	return other;
}

static int state_bit(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(states[i].name, name))
			return states[i].state;
	fprintf(stderr, "quicdiag: unknown state %s\n", name);
	exit(2);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: quicdiag [-4|-6] [-s STATE]... [-m] [-i]\n"
		"       quicdiag -4|-6 -c COOKIE [-m] [-i]\n"
		"       quicdiag -4|-6 -l ADDR -p PORT -r ADDR -P PORT [-m] [-i]\n"
		"       quicdiag -4|-6 -K (-c COOKIE | -l ADDR -p PORT -r ADDR -P PORT)\n");
	exit(2);
}

/* "a.b.c.d:port" or "[v6]:port", as %pISpc prints them. */
static void print_addr(int family, const __be32 *a, __be16 port)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family, a, buf, sizeof(buf));
	if (family == AF_INET6)
		printf(" [%s]:%u", buf, ntohs(port));
	else
		printf(" %s:%u", buf, ntohs(port));
}

/* The INFO part of a line; @qi NULL when INET_DIAG_INFO did not come. */
static void print_info(const struct quic_diag_info *qi, const char *cong)
{
	if (!qi) {
		printf(" version=- cong=%s", cong ? cong : "-");
		return;
	}
	printf(" version=0x%x flags=%s%s%s%s cipher=%u srtt=%u rttvar=%u minrtt=%u mss=%u cwnd=%llu ssthresh=%llu inflight=%llu pto=%u cong=%s",
	       qi->qdi_version,
	       qi->qdi_flags & QUIC_DIAG_SERVER ? "server," : "",
	       qi->qdi_flags & QUIC_DIAG_CONFIRMED ? "confirmed," : "",
	       qi->qdi_flags & QUIC_DIAG_OFFLOAD ? "offload," : "",
	       qi->qdi_flags ? "" : "-", qi->qdi_cipher, qi->qdi_srtt_us,
	       qi->qdi_rttvar_us, qi->qdi_min_rtt_us, qi->qdi_max_datagram,
	       (unsigned long long)qi->qdi_cwnd,
	       (unsigned long long)qi->qdi_ssthresh,
	       (unsigned long long)qi->qdi_bytes_in_flight,
	       qi->qdi_pto_count, cong ? cong : "-");
}

static void print_sock(const struct nlmsghdr *h, int meminfo)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	const struct rtattr *a = (const void *)(m + 1);
	long long rmem = -1, wmem = -1;
	struct quic_diag_info qi;
	const char *cong = NULL;
	int have_info = 0;

	printf("%u %s", m->idiag_inode, state_name(m->idiag_state));
	print_addr(m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	print_addr(m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	printf(" rq=%u wq=%u cookie=%08x%08x", m->idiag_rqueue,
	       m->idiag_wqueue, m->id.idiag_cookie[1], m->id.idiag_cookie[0]);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == INET_DIAG_MEMINFO &&
		    RTA_PAYLOAD(a) >= (int)sizeof(struct inet_diag_meminfo)) {
			const struct inet_diag_meminfo *mi = RTA_DATA(a);

			rmem = mi->idiag_rmem;
			wmem = mi->idiag_wmem;
		}
		/* An older kernel's shorter structure: the rest is 0. */
		if (a->rta_type == INET_DIAG_INFO) {
			size_t n = RTA_PAYLOAD(a);

			memset(&qi, 0, sizeof(qi));
			memcpy(&qi, RTA_DATA(a), n < sizeof(qi) ? n : sizeof(qi));
			have_info = 1;
		}
		if (a->rta_type == INET_DIAG_CONG && RTA_PAYLOAD(a) > 0 &&
		    ((const char *)RTA_DATA(a))[RTA_PAYLOAD(a) - 1] == 0)
			cong = RTA_DATA(a);
	}
	if (meminfo)
		printf(" rmem=%lld wmem=%lld", rmem, wmem);
	if (want_info)
		print_info(have_info ? &qi : NULL, cong);
	printf("\n");
}

struct request {
	struct nlmsghdr nlh;
	struct inet_diag_req_v2 req;
	struct nlattr proto_attr;
	__u32 proto;
};

/* One request and its answers; -errno on an error message. */
static int query(int fd, struct request *r, int dump, int meminfo,
		 int destroy)
{
	static char buf[32768];
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	ssize_t n;

	r->nlh.nlmsg_len = sizeof(*r);
	r->nlh.nlmsg_type = destroy ? SOCK_DESTROY : SOCK_DIAG_BY_FAMILY;
	/* A destroy answers nothing but the acknowledgment it asks for. */
	r->nlh.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0) |
			     (destroy ? NLM_F_ACK : 0);
	r->nlh.nlmsg_seq = 1;
	/* 261 does not fit sdiag_protocol: the attribute names it. */
	r->proto_attr.nla_len = sizeof(r->proto_attr) + sizeof(r->proto);
	r->proto_attr.nla_type = INET_DIAG_REQ_PROTOCOL;
	r->proto = IPPROTO_QUIC;
	if (meminfo)
		r->req.idiag_ext |= 1 << (INET_DIAG_MEMINFO - 1);
	if (want_info)
		r->req.idiag_ext |= 1 << (INET_DIAG_INFO - 1) |
				    1 << (INET_DIAG_CONG - 1);
	if (sendto(fd, r, sizeof(*r), 0, (struct sockaddr *)&nl,
		   sizeof(nl)) < 0) {
		perror("quicdiag: sendto");
		exit(1);
	}
	for (;;) {
		struct nlmsghdr *h = (void *)buf;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			perror("quicdiag: recv");
			exit(1);
		}
		for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			/* A dump that failed ends with its error. */
			if (h->nlmsg_type == NLMSG_DONE)
				return h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ?
				       *(int *)NLMSG_DATA(h) : 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (!e->error)	/* an acknowledgment */
					return 0;
				return e->error;
			}
			print_sock(h, meminfo);
		}
		if (!dump)
			return 0;
	}
}

static int parse_addr(int family, const char *s, __be32 *out)
{
	if (inet_pton(family, s, out) != 1) {
		fprintf(stderr, "quicdiag: bad address %s\n", s);
		exit(2);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cookie = NULL, *laddr = NULL, *raddr = NULL;
	int family = 0, meminfo = 0, lport = -1, rport = -1, c, fd, i, err;
	int destroy = 0;
	uint32_t mask = 0;
	struct request r;

	while ((c = getopt(argc, argv, "46s:mic:l:p:r:P:K")) != -1) {
		switch (c) {
		case '4': family = AF_INET; break;
		case '6': family = AF_INET6; break;
		case 's': mask |= 1u << state_bit(optarg); break;
		case 'm': meminfo = 1; break;
		case 'i': want_info = 1; break;
		case 'c': cookie = optarg; break;
		case 'l': laddr = optarg; break;
		case 'p': lport = atoi(optarg); break;
		case 'r': raddr = optarg; break;
		case 'P': rport = atoi(optarg); break;
		case 'K': destroy = 1; break;
		default: usage();
		}
	}
	if (optind != argc || ((cookie || laddr) && !family) ||
	    (destroy && !cookie && !laddr) ||
	    (laddr && (!raddr || lport < 0 || rport < 0)))
		usage();
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		perror("quicdiag: socket(NETLINK_SOCK_DIAG)");
		return 1;
	}
	for (i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		r.req.sdiag_family = family ? family : i ? AF_INET6 : AF_INET;
		r.req.idiag_states = mask ? mask : ~0u;
		r.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
		r.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
		if (cookie) {
			unsigned long long v = strtoull(cookie, NULL, 16);

			r.req.id.idiag_cookie[0] = (uint32_t)v;
			r.req.id.idiag_cookie[1] = (uint32_t)(v >> 32);
		}
		if (laddr) {
			parse_addr(family, laddr, r.req.id.idiag_src);
			parse_addr(family, raddr, r.req.id.idiag_dst);
			r.req.id.idiag_sport = htons(lport);
			r.req.id.idiag_dport = htons(rport);
		}
		err = query(fd, &r, !cookie && !laddr, meminfo, destroy);
		if (err) {
			fprintf(stderr, "quicdiag: %s\n", strerror(-err));
			return 1;
		}
		if (family)
			break;
	}
	close(fd);
	return 0;
}
