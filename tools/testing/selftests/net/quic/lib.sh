#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the QUIC selftests, sourced by every test script. Tests
# run inside the VM (scripts/vm/vm-run.sh) as root from the repository root.
#
# TAP: `tap_ok NAME`, `tap_fail NAME [why]`, `tap_check NAME CMD...` (ok when
# CMD succeeds), `tap_skip NAME WHY`. Lines are unnumbered; the harness
# numbers them. `tap_done` exits non-zero if anything failed.
#
# Topology: `topo_two_hosts [NETEM ARGS...]` makes two network namespaces,
# $NS1 and $NS2, joined by a veth pair, with $ADDR1_V4/$ADDR2_V4 and
# $ADDR1_V6/$ADDR2_V6; optional netem arguments apply to both directions
# (e.g. `topo_two_hosts delay 10ms loss 1%`). `topo_cleanup` runs at exit.

QUIC_REPO=${QUIC_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)}
QUIC_BUILD=${QUIC_BUILD:-$QUIC_REPO/build}
SELFTEST_BIN=$QUIC_BUILD/selftests
SUITE=${SUITE:-$(basename "$0" .sh)}
__tap_failed=0

# Time limits that bound how long a transfer may take scale with
# $QUIC_SLOW: the debug test kernel (scripts/debug-kernel: KASAN, lockdep
# and kmemleak, under qemu TCG) moves data several times slower than
# Debian's kernel. `scaled SECONDS` prints a limit so scaled.
if [ -z "${QUIC_SLOW:-}" ]; then
	case $(uname -r) in
	*-quic-debug) QUIC_SLOW=5 ;;
	*) QUIC_SLOW=1 ;;
	esac
fi
scaled() { echo $(($1 * QUIC_SLOW)); }

tap_ok() { echo "ok - $SUITE: $1"; }
tap_fail() {
	echo "not ok - $SUITE: $1"
	[ -z "${2:-}" ] || echo "# $2"
	__tap_failed=1
}
tap_skip() { echo "ok - $SUITE: $1 # SKIP $2"; }
tap_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$name"
	else
		tap_fail "$name" "$(echo "$out" | tail -5 | tr '\n' ' ')"
	fi
}
tap_done() { exit $__tap_failed; }

# Fail the whole script early when a precondition is missing: a missing
# tool is a set-up bug (.ci/run installs everything), never a skip.
require() {
	local c
	for c in "$@"; do
		command -v "$c" > /dev/null && continue
		[ -e "$c" ] && continue
		tap_fail "requires $c" "not installed or not built"
		exit 1
	done
}

NS1=quic-ns1-$$
NS2=quic-ns2-$$
ADDR1_V4=198.18.0.1
ADDR2_V4=198.18.0.2
ADDR1_V6=2001:db8::1
ADDR2_V6=2001:db8::2

topo_cleanup() {
	ip netns del "$NS1" 2> /dev/null
	ip netns del "$NS2" 2> /dev/null
	return 0
}

topo_two_hosts() {
	trap topo_cleanup EXIT
	ip netns add "$NS1" && ip netns add "$NS2" || return 1
	ip -n "$NS1" link set lo up
	ip -n "$NS2" link set lo up
	ip link add veth1 netns "$NS1" type veth peer name veth2 netns "$NS2" ||
		return 1
	ip -n "$NS1" addr add $ADDR1_V4/24 dev veth1
	ip -n "$NS2" addr add $ADDR2_V4/24 dev veth2
	ip -n "$NS1" addr add $ADDR1_V6/64 dev veth1 nodad
	ip -n "$NS2" addr add $ADDR2_V6/64 dev veth2 nodad
	ip -n "$NS1" link set veth1 up
	ip -n "$NS2" link set veth2 up
	if [ $# -gt 0 ]; then
		tc -n "$NS1" qdisc add dev veth1 root netem "$@" || return 1
		tc -n "$NS2" qdisc add dev veth2 root netem "$@" || return 1
	fi
}

quicsim_ko=$QUIC_REPO/drivers/net/quic_offload/quicsim.ko
dbg=/sys/kernel/debug/quicsim

# quicsim_load: a fresh quicsim.ko with two ports, port 0 as $dev1 and
# port 1 as $dev2; on failure one TAP failure and exit.
quicsim_load() {
	mountpoint -q /sys/kernel/debug ||
		mount -t debugfs debugfs /sys/kernel/debug
	module_loaded quicsim && rmmod quicsim
	if ! insmod "$quicsim_ko" ports=2; then
		tap_fail "insmod quicsim.ko ports=2"
		tap_done
	fi
	dev1=$(cat "$dbg/port0/ifname")
	dev2=$(cat "$dbg/port1/ifname")
}

# quicsim_cleanup: the EXIT trap of a quicsim test using xfer_lib.sh
quicsim_cleanup() {
	stop_server
	topo_cleanup
	module_loaded quicsim && rmmod quicsim
	rm -rf "$work"
}

# quicsim_offload DEV1 DEV2 on|off: quic-offload on quicsim ports DEV1 (in
# $NS1) and DEV2 (in $NS2): the ethtool feature, else the private flag
quicsim_offload() {
	local dev ns
	for dev in "$1:$NS1" "$2:$NS2"; do
		ns=${dev#*:}
		dev=${dev%%:*}
		ip netns exec "$ns" ethtool -K "$dev" quic-offload "$3" \
			2> /dev/null ||
			ip netns exec "$ns" ethtool --set-priv-flags "$dev" \
				quic-offload "$3" || return 1
	done
}

# quicsim_move DEV1 DEV2: the two namespaces, with quicsim ports DEV1 in
# $NS1 and DEV2 in $NS2 (down)
quicsim_move() {
	ip netns add "$NS1" && ip netns add "$NS2" || return 1
	ip -n "$NS1" link set lo up
	ip -n "$NS2" link set lo up
	ip link set "$1" netns "$NS1" && ip link set "$2" netns "$NS2"
}

# quicsim_addresses DEV1 DEV2: the two-host addresses on the quicsim ports
quicsim_addresses() {
	ip -n "$NS1" addr add $ADDR1_V4/24 dev "$1" &&
	ip -n "$NS2" addr add $ADDR2_V4/24 dev "$2" &&
	ip -n "$NS1" addr add $ADDR1_V6/64 dev "$1" nodad &&
	ip -n "$NS2" addr add $ADDR2_V6/64 dev "$2" nodad
}

# quicsim_topology DEV1 DEV2: the two-host topology over the quicsim
# cable between ports DEV1 and DEV2 (in place of topo_two_hosts' veth)
quicsim_topology() {
	quicsim_move "$1" "$2" &&
	ip -n "$NS1" link set "$1" up && ip -n "$NS2" link set "$2" up &&
	quicsim_addresses "$1" "$2"
}

# Run a command in a namespace: in_ns NS CMD...
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# run_check [--netem "ARGS"] PROG [ARG...]: run a check program
# (sockopt_check, peeloff_check) in a fresh namespace of its own, where no
# other test's sockets or ports interfere, its loopback given netem ARGS if
# asked; its "not ok" lines say what failed (exit 1), any other exit
# status is a failure of its own.
run_check() {
	local netem= rc

	if [ "$1" = --netem ]; then
		netem=$2
		shift 2
	fi
	__check_ns=quic-$SUITE-$$-$RANDOM
	trap 'ip netns del "$__check_ns" 2> /dev/null' EXIT
	if ! ip netns add "$__check_ns"; then
		tap_fail "a network namespace for $(basename "$1")"
		return
	fi
	ip -n "$__check_ns" link set lo up
	# shellcheck disable=SC2086 # ARGS are words for tc
	if [ -n "$netem" ] &&
	   ! ip netns exec "$__check_ns" tc qdisc add dev lo root netem $netem; then
		tap_fail "netem $netem on the loopback of $(basename "$1")"
		ip netns del "$__check_ns"
		return
	fi
	in_ns "$__check_ns" timeout -k 5 150 "$@"
	rc=$?
	ip netns del "$__check_ns"
	case $rc in
	0) ;;
	1) __tap_failed=1 ;;
	*) tap_fail "$(basename "$1") ran to completion" "exit status $rc" ;;
	esac
}

module_loaded() { grep -q "^$1 " /proc/modules; }

# quic_refs_back N: wait up to 10 s for the quic module's reference
# count to be N again: every socket opened since is freed, including
# those that linger three PTOs after close() in the closing state (RFC
# 9000 10.2.1). Says where it stands if not.
quic_refs_back() {
	local _
	for _ in $(seq 100); do
		[ "$(cat /sys/module/quic/refcnt 2> /dev/null)" = "$1" ] &&
			return 0
		sleep 0.1
	done
	echo "module references: $(cat /sys/module/quic/refcnt), $1 before"
	return 1
}

# quic_sockets_gone: quic_refs_back 0, quietly, for tests that count
# objects from a clean start (connections earlier tests closed may
# still linger).
quic_sockets_gone() { quic_refs_back 0 > /dev/null; }

# rmmod_quic: rmmod quic, waiting up to 10 s for connections that earlier
# tests closed: each lingers three PTOs in the closing state (RFC 9000
# 10.2.1), holding the module.
rmmod_quic() {
	local _
	for _ in $(seq 20); do
		rmmod quic 2> /dev/null && return 0
		sleep 0.5
	done
	rmmod quic
}

# quic_counter NS NAME: the value of counter NAME in /proc/net/quic/snmp
# of network namespace NS
quic_counter() {
	ip netns exec "$1" cat /proc/net/quic/snmp |
		awk -v n="$2" '$1 == n { print $2 }'
}

# quic_counters_snap RE: the /proc/net/quic/snmp counters whose names
# match RE (awk) in $NS1 and $NS2, as "ns1.NAME VALUE" lines, for a test's
# $work/before and $work/after (counter_delta, counter_expect)
quic_counters_snap() {
	local p ns
	for p in 1 2; do
		ns=NS$p
		ip netns exec "${!ns}" cat /proc/net/quic/snmp |
			awk -v p="ns$p" -v re="$1" '$1 ~ re { print p "." $1, $2 }'
	done
}

# counter_delta KEY: how much KEY grew between $work/before and $work/after
counter_delta() {
	awk -v k="$1" '$1 == k { v[FILENAME] = $2 }
		END { print v[ARGV[2]] - v[ARGV[1]] }' "$work/before" "$work/after"
}

# counter_expect KEY OP N: counter_delta KEY compares to N (test(1) OP);
# says so if not
counter_expect() {
	local d
	d=$(counter_delta "$1")
	test "$d" "$2" "$3" && return 0
	echo "$1 grew by $d, expected $2 $3"
	return 1
}

# quic_counter_is NS NAME VALUE: counter NAME is VALUE (says what it is)
quic_counter_is() {
	local n
	n=$(quic_counter "$1" "$2")
	echo "$2 $n"
	[ "$n" = "$3" ]
}

# server_pair_setup NAME: the common start of a test of one server and one
# client program: $work (a scratch directory), $psk, the two hosts, $refs0
# (the module's references once earlier tests' lingering sockets are
# gone), and an EXIT trap that stops the server $SRV, if set, and cleans
# up.
server_pair_setup() {
	work=$(mktemp -d "/tmp/quic-$1.XXXXXX")
	psk=$work/psk.txt
	quic_sockets_gone
	refs0=$(cat /sys/module/quic/refcnt)
	psk_and_topology "$psk" "$work"
	SRV=
	# shellcheck disable=SC2064 # expand now
	trap "[ -n \"\$SRV\" ] && kill \$SRV; wait; topo_cleanup; rm -rf '$work'" EXIT
}

# iptables_matches: the kernel has the u32 and statistic matches the
# selftests' datagram drops use (xt_u32, xt_statistic), which a trimmed
# kernel may lack; asked with a rule in $NS1's OUTPUT chain, flushed after
iptables_matches() {
	ip netns exec "$NS1" iptables -A OUTPUT -p udp -m u32 --u32 '0=0' \
		-m statistic --mode nth --every 2 --packet 0 -j ACCEPT \
		2> /dev/null || return 1
	ip netns exec "$NS1" iptables -F OUTPUT
}

# iptables_drops NS CHAIN [TOOL]: packets the DROP rules of CHAIN in NS
# dropped so far (TOOL: iptables, the default, or ip6tables)
iptables_drops() {
	in_ns "$1" "${3:-iptables}" -nvxL "$2" |
		awk '$3 == "DROP" { n += $1 } END { print n + 0 }'
}

# wait_line LOG RE: wait up to 10 s for a line of LOG to match RE (grep);
# false if none did.
wait_line() {
	local _
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# perf_server_up LOG: wait up to 10 s for the quic_perf server whose
# output goes to LOG to listen; false if it did not.
perf_server_up() { wait_line "$1" '^Server listening'; }

# test_psk PSKFILE WORKDIR: a test PSK (psktool) in PSKFILE; on failure one
# TAP failure, WORKDIR removed, and exit.
test_psk() {
	psktool -u quic-test -s 32 -p "$1" > "$2/psktool.log" 2>&1 && return
	tap_fail "test PSK from psktool" "$(tail -3 "$2/psktool.log")"
	rm -rf "$2"
	tap_done
}

# topology_or_exit WORKDIR: the two-host topology; on failure one TAP
# failure, WORKDIR removed, and exit.
topology_or_exit() {
	topo_two_hosts && return
	tap_fail "two-host topology"
	rm -rf "$1"
	tap_done
}

# psk_and_topology PSKFILE WORKDIR: test_psk and the two-host topology; on
# failure one TAP failure, WORKDIR removed, and exit.
psk_and_topology() {
	test_psk "$1" "$2"
	topology_or_exit "$2"
}

# certs_and_topology CREDSDIR WORKDIR: mkcerts.sh's test credentials in
# CREDSDIR and the two-host topology; on failure one TAP failure, WORKDIR
# removed, and exit.
certs_and_topology() {
	if ! "$(dirname "${BASH_SOURCE[0]}")/mkcerts.sh" "$1" \
		> "$2/mkcerts.log" 2>&1; then
		tap_fail "test credentials from mkcerts.sh" "$(tail -3 "$2/mkcerts.log")"
		rm -rf "$2"
		tap_done
	fi
	topology_or_exit "$2"
}

# cap_start FILE [COUNT]: dumpcap on veth1 in $NS1, UDP only (the first
# COUNT packets, if given) into FILE; returns once it captures. The caller
# runs cap_stop, also in its cleanup.
CAP_PID=
cap_start() {
	ip netns exec "$NS1" dumpcap -i veth1 -f udp ${2:+-c "$2"} -w "$1" \
		> "$1.log" 2>&1 &
	CAP_PID=$!
	for _ in $(seq 100); do
		grep -q 'Capturing on' "$1.log" && return 0
		sleep 0.1
	done
	echo "dumpcap did not start: $(tail -2 "$1.log" | tr '\n' ' ')"
	return 1
}

cap_stop() {
	[ -n "$CAP_PID" ] || return 0
	sleep 0.5	# the last packets (CONNECTION_CLOSE) reach the capture
	kill -INT "$CAP_PID" 2> /dev/null
	wait "$CAP_PID" 2> /dev/null
	CAP_PID=
}
