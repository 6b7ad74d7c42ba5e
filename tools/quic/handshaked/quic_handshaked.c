// SPDX-License-Identifier: GPL-2.0
/*
 * quic-handshaked: the handshake daemon for kernel users of QUIC sockets.
 *
 * A kernel consumer (an SMB or NFS client, say) that holds an IPPROTO_QUIC
 * socket asks user space for its TLS handshake through net/handshake: the
 * kernel queues the request and announces it on the "tlshd" multicast group
 * of the "handshake" generic netlink family.  This program listens there
 * and, for each pending request, starts a child that accepts it (the kernel
 * then installs the socket in the child), runs the handshake with libquic
 * and reports the result.  It is to in-kernel QUIC what tlshd is to kTLS.
 *
 * This file is the parent: options, subscription, and one child per
 * request.  The child accepts the request itself rather than the parent
 * for two reasons: the kernel links the consumer's keyring into the
 * accepting process's keyring, which a forked child would not share, and
 * the parent, which runs forever, then never holds a request's socket or
 * a link to its keys.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <netinet/quic.h>

#include "genl.h"
#include "handshaked.h"

/* A command socket gives up on the kernel after this long. */
#define HSD_NL_TIMEOUT_S	10

int hsd_verbose;

/* What the parent keeps. */
struct hsd_daemon {
	const struct hsd_options	*opts;
	int				mcast_fd;
	uint16_t			family;
	bool				finished;	/* --once: served */
	int				exit_code;
};

/*
 * One write per line: children log concurrently, and stderr is unbuffered,
 * so a line built piecemeal could interleave with another child's.
 */
static void hsd_vlog(const char *fmt, va_list ap)
{
	char line[1024];
	int n, len;

	n = snprintf(line, sizeof(line), HSD_NAME ": ");
	len = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (len < 0)
		return;
	n += len < (int)sizeof(line) - n - 1 ? len :
					       (int)sizeof(line) - n - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;	/* nowhere left to complain */
}

void hsd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hsd_vlog(fmt, ap);
	va_end(ap);
}

void hsd_debug(const char *fmt, ...)
{
	va_list ap;

	if (!hsd_verbose)
		return;
	va_start(ap, fmt);
	hsd_vlog(fmt, ap);
	va_end(ap);
}

static const char hsd_usage_text[] =
	"Usage: " HSD_NAME " [--cert FILE --key FILE] [--cafile FILE]\n"
	"                       [--once] [-v|--verbose] [-h|--help]\n"
	"\n"
	"Run the TLS handshakes the kernel asks for on in-kernel QUIC\n"
	"sockets (net/handshake requests of the \"tlshd\" class).\n"
	"\n"
	"  --cert FILE    PEM certificate chain: the server identity\n"
	"                 when a request names none, and the client\n"
	"                 certificate of an X.509 client request that\n"
	"                 names none\n"
	"  --key FILE     PEM private key of --cert\n"
	"  --cafile FILE  PEM CA bundle to verify peers with\n"
	"                 (default: the system trust store)\n"
	"  --once         serve one request, then exit 0 if its\n"
	"                 handshake succeeded, 1 if not\n"
	"  -v, --verbose  more detail on stderr (twice: libquic debug)\n"
	"  -h, --help     this text\n";

enum {
	HSD_OPT_CERT = 256,
	HSD_OPT_KEY,
	HSD_OPT_CAFILE,
	HSD_OPT_ONCE,
};

static const struct option hsd_longopts[] = {
	{ "cert",	required_argument,	NULL, HSD_OPT_CERT },
	{ "key",	required_argument,	NULL, HSD_OPT_KEY },
	{ "cafile",	required_argument,	NULL, HSD_OPT_CAFILE },
	{ "once",	no_argument,		NULL, HSD_OPT_ONCE },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 },
};

/* Returns 0 to run, 1 after --help, -1 on a usage error (reported). */
static int hsd_parse_options(int argc, char **argv, struct hsd_options *opts)
{
	int c;

	while ((c = getopt_long(argc, argv, "vh", hsd_longopts, NULL)) != -1) {
		switch (c) {
		case HSD_OPT_CERT:
			opts->cert_file = optarg;
			break;
		case HSD_OPT_KEY:
			opts->key_file = optarg;
			break;
		case HSD_OPT_CAFILE:
			opts->ca_file = optarg;
			break;
		case HSD_OPT_ONCE:
			opts->once = true;
			break;
		case 'v':
			opts->verbose++;
			break;
		case 'h':
			fputs(hsd_usage_text, stdout);
			return 1;
		default:	/* getopt_long() said what is wrong */
			fprintf(stderr, "Try '" HSD_NAME " --help'.\n");
			return -1;
		}
	}
	if (optind < argc) {
		hsd_log("unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	if (!opts->cert_file != !opts->key_file) {
		hsd_log("--cert and --key go together");
		return -1;
	}
	return 0;
}

/* The child tells the parent whether it took a request: 0 or -errno. */
static void hsd_report(int fd, int result)
{
	ssize_t n;

	do {
		n = write(fd, &result, sizeof(result));
	} while (n < 0 && errno == EINTR);
}

static int hsd_read_report(int fd)
{
	int result;
	ssize_t n;

	do {
		n = read(fd, &result, sizeof(result));
	} while (n < 0 && errno == EINTR);
	/* A child that died before reporting took nothing we know of. */
	return n == sizeof(result) ? result : -EIO;
}

/*
 * The child: take one request, run its handshake, report the result to
 * the kernel, and exit 0 only if the handshake succeeded.
 */
static __noreturn void hsd_child(const struct hsd_daemon *d, int report_fd)
{
	struct hsd_request req;
	int nlfd, err, status;

	close(d->mcast_fd);
	nlfd = genl_open(HSD_NL_TIMEOUT_S);
	err = nlfd < 0 ? nlfd : hsd_accept(nlfd, d->family, &req);
	/*
	 * -EPROTO: the kernel handed a request over but no socket we can
	 * name.  It is off the queue all the same, so others may follow.
	 */
	hsd_report(report_fd, err == -EPROTO ? 0 : err);
	close(report_fd);
	if (err == -EPROTO)
		hsd_log("kernel answered ACCEPT without a usable socket");
	if (err)
		_exit(1);

	status = hsd_handshake(d->opts, &req);
	err = hsd_done(nlfd, d->family, &req, status);
	if (err)
		hsd_log("cannot report the result to the kernel: %s",
			strerror(-err));
	close(req.fd);
	_exit(status || err ? 1 : 0);
}

/* Reap @pid (with --once, where children are not reaped for us). */
static int hsd_wait_child(pid_t pid)
{
	int wstatus;

	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(wstatus) && !WEXITSTATUS(wstatus) ? 0 : 1;
}

/*
 * Start a child for the next pending request.  Returns 1 when it took
 * one, 0 when none was pending, or -errno.
 */
static int hsd_spawn(struct hsd_daemon *d)
{
	int pipefd[2], result, code;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		result = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return result;
	}
	if (!pid) {
		close(pipefd[0]);
		hsd_child(d, pipefd[1]);
	}
	close(pipefd[1]);
	result = hsd_read_report(pipefd[0]);
	close(pipefd[0]);

	if (d->opts->once) {
		code = hsd_wait_child(pid);
		/* Only the child that took the request gives the verdict. */
		if (!result) {
			d->exit_code = code;
			d->finished = true;
		}
	}
	if (!result)
		return 1;
	return result == -EAGAIN ? 0 : result;
}

/* Take requests until none is pending (or, with --once, until one is). */
static int hsd_drain(struct hsd_daemon *d)
{
	int ret;

	do {
		ret = hsd_spawn(d);
	} while (ret > 0 && !d->finished);
	if (ret == -EPERM)
		hsd_log("cannot take a handshake request: %s (CAP_NET_ADMIN is needed)",
			strerror(-ret));
	else if (ret < 0)
		hsd_log("cannot take a handshake request: %s", strerror(-ret));
	return ret < 0 ? ret : 0;
}

/* Does this datagram announce a request for our handler class? */
static bool hsd_is_ready(const struct hsd_daemon *d,
			 const struct genl_rbuf *rb, size_t len)
{
	const struct genlmsghdr *g;
	const struct nlattr *attrs, *a;
	const struct nlmsghdr *nlh;
	size_t rem, arem, alen;
	uint32_t class;
	bool ours;

	genl_for_each_msg(nlh, &rb->nlh, len, rem) {
		if (nlh->nlmsg_type != d->family)
			continue;
		g = genl_msg_parse(nlh, &attrs, &alen);
		if (!g || g->cmd != HANDSHAKE_CMD_READY)
			continue;
		/* Without a class, assume it is for us: looking is cheap. */
		ours = true;
		genl_for_each_attr(a, attrs, alen, arem)
			if (genl_attr_type(a) ==
			    HANDSHAKE_A_ACCEPT_HANDLER_CLASS &&
			    !genl_attr_u32(a, &class))
				ours = class == HANDSHAKE_HANDLER_CLASS_TLSHD;
		if (ours)
			return true;
	}
	return false;
}

/*
 * Block until the kernel announces a request.  Returns 0 when one may be
 * pending (also after lost notifications), or -errno of the socket.
 */
static int hsd_wait_ready(const struct hsd_daemon *d)
{
	static struct genl_rbuf rb;
	ssize_t len;

	for (;;) {
		len = genl_recv(d->mcast_fd, &rb);
		if (len == -EINTR || len == 0)
			continue;
		/* Overrun or oversized: we may have missed a READY. */
		if (len == -ENOBUFS || len == -EMSGSIZE)
			return 0;
		if (len < 0)
			return (int)len;
		if (hsd_is_ready(d, &rb, (size_t)len))
			return 0;
	}
}

/* Without CAP_NET_ADMIN, or with no handler, nothing will ever work. */
static bool hsd_is_fatal(int err)
{
	return err == -EPERM || err == -EOPNOTSUPP;
}

static int hsd_serve(struct hsd_daemon *d)
{
	int err;

	/* Requests queued before we subscribed were announced to no one. */
	err = hsd_drain(d);
	while (!d->finished) {
		if (hsd_is_fatal(err) || (err && d->opts->once))
			return 1;
		err = hsd_wait_ready(d);
		if (err) {
			hsd_log("cannot read notifications: %s",
				strerror(-err));
			return 1;
		}
		err = hsd_drain(d);
	}
	return d->exit_code;
}

static int hsd_subscribe(struct hsd_daemon *d)
{
	uint32_t group;
	int fd, err;

	fd = genl_open(0);
	if (fd < 0) {
		hsd_log("cannot open a generic netlink socket: %s",
			strerror(-fd));
		return fd;
	}
	err = genl_resolve(fd, HANDSHAKE_FAMILY_NAME, HANDSHAKE_MCGRP_TLSHD,
			   &d->family, &group);
	if (err == -ENOENT)
		hsd_log("kernel has no handshake netlink family (CONFIG_NET_HANDSHAKE)");
	else if (err == -ESRCH)
		hsd_log("handshake netlink family has no \"%s\" group",
			HANDSHAKE_MCGRP_TLSHD);
	else if (err)
		hsd_log("cannot look up the handshake netlink family: %s",
			strerror(-err));
	if (!err) {
		err = genl_join_group(fd, group);
		if (err)
			hsd_log("cannot join the \"%s\" group: %s",
				HANDSHAKE_MCGRP_TLSHD, strerror(-err));
	}
	if (err) {
		close(fd);
		return err;
	}
	d->mcast_fd = fd;
	return 0;
}

/*
 * Children of a daemon that runs forever are reaped by the kernel; with
 * --once the parent waits for each itself.  A child whose parent is gone
 * must not die of SIGPIPE before it has told the kernel its result.
 */
static void hsd_setup_signals(const struct hsd_options *opts)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };

	sigaction(SIGPIPE, &sa, NULL);
	if (!opts->once) {
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = SA_NOCLDWAIT;
		sigaction(SIGCHLD, &sa, NULL);
	}
}

static void hsd_setup_libquic_log(int verbose)
{
	if (verbose >= 2)
		quic_set_log_level(LOG_DEBUG);
	else if (verbose)
		quic_set_log_level(LOG_NOTICE);
}

int main(int argc, char **argv)
{
	struct hsd_options opts = {};
	struct hsd_daemon d = { .opts = &opts, .mcast_fd = -1 };
	int ret;

	ret = hsd_parse_options(argc, argv, &opts);
	if (ret)
		return ret > 0 ? 0 : 1;
	hsd_verbose = opts.verbose;
	hsd_setup_libquic_log(opts.verbose);
	if (hsd_check_files(&opts))
		return 1;
	hsd_setup_signals(&opts);
	if (hsd_subscribe(&d))
		return 1;

	printf(HSD_NAME ": ready\n");
	fflush(stdout);

	ret = hsd_serve(&d);
	close(d.mcast_fd);
	return ret;
}
