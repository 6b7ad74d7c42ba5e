// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/quic/, per network namespace:
 *
 *   sks   one line per QUIC socket: its inode (as in /proc/net/tcp, which
 *         ss and lsof match against /proc/PID/fd), role, state, local and
 *         peer address, and a few numbers of its connection. Scripts wait
 *         on it for a listener to appear. Sockets that linger in the
 *         closing state after close() are listed as CLOSING until freed.
 *   snmp  "Name Value" lines of the counters of enum quic_mib_field,
 *         summed over CPUs.
 *
 * Each namespace keeps a list of its sockets (added at creation, dropped
 * when the socket is done with, a lingering one at the end of its period)
 * under a spinlock; the counters are per CPU.
 */
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "proc.h"
#include "socket.h"

struct quic_mib {
	unsigned long	mibs[QUIC_MIB_MAX];
};

struct quic_net {
	spinlock_t		lock;	/* socks */
	struct hlist_head	socks;
	struct quic_mib __percpu *mib;
};

static unsigned int quic_net_id __read_mostly;

static const char * const quic_mib_names[QUIC_MIB_MAX] = {
	[QUIC_MIB_ACTIVE_OPENS]		= "QuicActiveOpens",
	[QUIC_MIB_PASSIVE_OPENS]	= "QuicPassiveOpens",
	[QUIC_MIB_HANDSHAKES]		= "QuicHandshakesDone",
	[QUIC_MIB_CONN_ERRORS]		= "QuicConnErrors",
	[QUIC_MIB_PEER_CLOSES]		= "QuicPeerCloses",
	[QUIC_MIB_IDLE_TIMEOUTS]	= "QuicIdleTimeouts",
	[QUIC_MIB_IN_PACKETS]		= "QuicInPackets",
	[QUIC_MIB_IN_UNAUTHENTIC]	= "QuicInUnauthentic",
	[QUIC_MIB_OUT_PACKETS]		= "QuicOutPackets",
	[QUIC_MIB_LOST_PACKETS]		= "QuicLostPackets",
	[QUIC_MIB_RETRY_SENT]		= "QuicRetrySent",
	[QUIC_MIB_RETRY_TAKEN]		= "QuicRetryTaken",
	[QUIC_MIB_INVALID_TOKENS]	= "QuicInvalidTokens",
	[QUIC_MIB_RESET_SENT]		= "QuicStatelessResetSent",
	[QUIC_MIB_RESET_RECEIVED]	= "QuicStatelessResetReceived",
	[QUIC_MIB_CLOSE_RESENT]		= "QuicCloseResent",
	[QUIC_MIB_VN_SENT]		= "QuicVersionNegSent",
	[QUIC_MIB_VN_REFUSED]		= "QuicVersionNegRefused",
	[QUIC_MIB_OFFLOAD_CONNS]	= "QuicOffloadConns",
	[QUIC_MIB_OFFLOAD_RX]		= "QuicOffloadRxPackets",
	[QUIC_MIB_OFFLOAD_FALLBACK]	= "QuicOffloadTxFallback",
	[QUIC_MIB_OFFLOAD_DROPS]	= "QuicOffloadDrops",
	[QUIC_MIB_PATH_MIGRATIONS]	= "QuicPathMigrations",
	[QUIC_MIB_PATH_VALIDATED]	= "QuicPathValidated",
	[QUIC_MIB_PATH_FAILED]		= "QuicPathFailed",
	[QUIC_MIB_PATH_RESPONSES]	= "QuicPathResponses",
	[QUIC_MIB_IN_UNKNOWN_SERVER]	= "QuicInUnknownServer",
	[QUIC_MIB_SPURIOUS_LOSSES]	= "QuicSpuriousLosses",
	[QUIC_MIB_IN_BACKLOG_DROPS]	= "QuicInBacklogDrops",
	[QUIC_MIB_IN_DUPLICATES]	= "QuicInDuplicates",
	[QUIC_MIB_OUT_EARLY]		= "QuicOut0RttPackets",
	[QUIC_MIB_IN_EARLY]		= "QuicIn0RttPackets",
	[QUIC_MIB_IN_EARLY_HELD]	= "QuicIn0RttHeld",
	[QUIC_MIB_EARLY_ACCEPTED]	= "Quic0RttAccepted",
	[QUIC_MIB_EARLY_REFUSED]	= "Quic0RttRefused",
	[QUIC_MIB_EARLY_LOST]		= "Quic0RttLost",
	[QUIC_MIB_PMTU_PROBES]		= "QuicPmtuProbes",
	[QUIC_MIB_PMTU_PROBES_LOST]	= "QuicPmtuProbesLost",
	[QUIC_MIB_PMTU_RAISED]		= "QuicPmtuRaised",
	[QUIC_MIB_PMTU_BLACKHOLES]	= "QuicPmtuBlackholes",
	[QUIC_MIB_IN_DISCARDS]		= "QuicInDiscards",
};

static struct quic_net *quic_net(const struct net *net)
{
	return net_generic(net, quic_net_id);
}

/**
 * quic_mib_inc() - count an event in a namespace
 * @net: the namespace
 * @field: what
 *
 * Context: any.
 */
void quic_mib_inc(const struct net *net, enum quic_mib_field field)
{
	this_cpu_inc(quic_net(net)->mib->mibs[field]);
}

void quic_mib_add(const struct net *net, enum quic_mib_field field, u32 n)
{
	this_cpu_add(quic_net(net)->mib->mibs[field], n);
}

/* A new socket: listed from now on. */
void quic_proc_sock_add(struct sock *sk)
{
	struct quic_net *qn = quic_net(sock_net(sk));

	spin_lock_bh(&qn->lock);
	hlist_add_head(&quic_sk(sk)->proc_node, &qn->socks);
	spin_unlock_bh(&qn->lock);
}

/* The socket is done with (or never was set up): no longer listed. */
void quic_proc_sock_del(struct sock *sk)
{
	struct quic_net *qn = quic_net(sock_net(sk));

	spin_lock_bh(&qn->lock);
	hlist_del_init(&quic_sk(sk)->proc_node);
	spin_unlock_bh(&qn->lock);
}

/**
 * quic_sock_walk() - visit the QUIC sockets of a namespace (quic_diag.ko)
 * @net: the namespace
 * @pos: sockets to skip; on return, how many were visited before @visit
 *	stopped the walk (that one not counted), so that a dump that ran out
 *	of room goes on from there
 * @visit: called for each socket under the list lock (BH off, no
 *	sleeping), which keeps the socket; non-zero stops the walk
 * @arg: passed to @visit
 *
 * Sockets closed and lingering in the closing state are visited too. A
 * socket added or removed between two walks may shift the rest by one,
 * as in every list dump that resumes by position.
 *
 * Return: the non-zero value that stopped the walk, or 0.
 */
int quic_sock_walk(struct net *net, unsigned long *pos,
		   int (*visit)(struct sock *sk, void *arg), void *arg)
{
	struct quic_net *qn = quic_net(net);
	unsigned long i = 0;
	struct quic_sock *qs;
	int ret = 0;

	spin_lock_bh(&qn->lock);
	hlist_for_each_entry(qs, &qn->socks, proc_node) {
		if (i++ < *pos)
			continue;
		ret = visit(&qs->inet.sk, arg);
		if (ret) {
			i--;
			break;
		}
	}
	spin_unlock_bh(&qn->lock);
	*pos = i;
	return ret;
}
EXPORT_SYMBOL_GPL(quic_sock_walk);

/* Orphaned and still listed: close() came, and the socket lingers in the
 * closing state (the others leave the list as close() ends). Nothing the
 * socket points to is read here: it may be freed under us.
 */
static const char *quic_proc_state(const struct sock *sk)
{
	if (sock_flag(sk, SOCK_DEAD))
		return "CLOSING";
	switch (READ_ONCE(sk->sk_state)) {
	case QUIC_SS_LISTENING:
		return "LISTEN";
	case QUIC_SS_ESTABLISHING:
		return "ESTABLISHING";
	case QUIC_SS_ESTABLISHED:
		return "ESTABLISHED";
	}
	return "CLOSED";
}

static void quic_proc_addr(struct seq_file *seq, const union quic_addr *a)
{
	if (a->sa.sa_family == AF_INET || a->sa.sa_family == AF_INET6)
		seq_printf(seq, " %pISpc", &a->sa);
	else
		seq_puts(seq, " *");
}

/*
 * Read without the socket lock, as /proc/net/tcp does: a line may mix
 * values from moments apart, never from freed memory (the list lock keeps
 * the socket).
 */
static void quic_proc_sock_show(struct seq_file *seq, struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	seq_printf(seq, "%lu %s %s", sock_i_ino(sk),
		   qs->is_server ? "server" : "client", quic_proc_state(sk));
	quic_proc_addr(seq, &qs->local);
	quic_proc_addr(seq, &qs->peer);
	seq_printf(seq, " 0x%x %llu %llu %llu %d %d\n", READ_ONCE(qs->version),
		   READ_ONCE(qs->rtt.smoothed_rtt), READ_ONCE(qs->cong.cwnd),
		   READ_ONCE(qs->bytes_in_flight),
		   READ_ONCE(sk->sk_wmem_queued), sk_rmem_alloc_get(sk));
}

static int quic_proc_sks_show(struct seq_file *seq, void *v)
{
	struct quic_net *qn = quic_net(seq_file_single_net(seq));
	struct quic_sock *qs;

	seq_puts(seq, "inode role state local peer version srtt_us cwnd inflight wmem rmem\n");
	spin_lock_bh(&qn->lock);
	hlist_for_each_entry(qs, &qn->socks, proc_node)
		quic_proc_sock_show(seq, &qs->inet.sk);
	spin_unlock_bh(&qn->lock);
	return 0;
}

static int quic_proc_snmp_show(struct seq_file *seq, void *v)
{
	struct quic_net *qn = quic_net(seq_file_single_net(seq));
	unsigned long sum;
	int i, cpu;

	for (i = 0; i < QUIC_MIB_MAX; i++) {
		sum = 0;
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(qn->mib, cpu)->mibs[i];
		seq_printf(seq, "%-28s %lu\n", quic_mib_names[i], sum);
	}
	return 0;
}

static int __net_init quic_net_init(struct net *net)
{
	struct quic_net *qn = quic_net(net);
	struct proc_dir_entry *dir;

	spin_lock_init(&qn->lock);
	INIT_HLIST_HEAD(&qn->socks);
	qn->mib = alloc_percpu(struct quic_mib);
	if (!qn->mib)
		return -ENOMEM;
	dir = proc_net_mkdir(net, "quic", net->proc_net);
	if (!dir ||
	    !proc_create_net_single("sks", 0444, dir, quic_proc_sks_show,
				    NULL) ||
	    !proc_create_net_single("snmp", 0444, dir, quic_proc_snmp_show,
				    NULL)) {
		remove_proc_subtree("quic", net->proc_net);
		free_percpu(qn->mib);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit quic_net_exit(struct net *net)
{
	struct quic_net *qn = quic_net(net);

	remove_proc_subtree("quic", net->proc_net);
	WARN_ON_ONCE(!hlist_empty(&qn->socks));
	free_percpu(qn->mib);
}

static struct pernet_operations quic_net_ops = {
	.init	= quic_net_init,
	.exit	= quic_net_exit,
	.id	= &quic_net_id,
	.size	= sizeof(struct quic_net),
};

int quic_proc_init(void)
{
	return register_pernet_subsys(&quic_net_ops);
}

void quic_proc_exit(void)
{
	unregister_pernet_subsys(&quic_net_ops);
}
