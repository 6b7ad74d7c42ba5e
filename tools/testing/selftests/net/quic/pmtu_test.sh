#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Path MTU (RFC 9000 14): once the handshake is confirmed, 1-RTT datagrams
# grow from 1200 bytes to what the route's MTU allows; a narrower link
# further on is learnt from ICMP Packet Too Big (PMTUD, 14.2); a path that
# drops large datagrams without a word (a black hole) makes the connection
# fall back to 1200-byte datagrams. With a probe interval (the draft's
# plpmtud_probe_interval) both ends search for the size instead (DPLPMTUD,
# 14.3): probes find what a path dropping large datagrams still carries,
# and, an interval later, that the path grew. Every transfer is an echo
# whose SHA-256 is compared at both ends.
#
# Topology: $NS1 -- router $NSR -- $NS2, two veth links, IPv4 and IPv6.
# PMTU_TIMEOUT (60) bounds each client, PMTU_BYTES (2 MiB) is the size
# of each echo.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=pmtu
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip iptables ip6tables timeout

BYTES=${PMTU_BYTES:-2097152}
SEARCH_MS=5000	# plpmtud_probe_interval: the draft's minimum
SRV_ARGS=()
T=${PMTU_TIMEOUT:-60}
IDLE_MS=10000
work=$(mktemp -d /tmp/quic-pmtu.XXXXXX)
psk=$work/psk.txt
port=5400
NSR=quic-nsr-$$
gso_param=/sys/module/quic/parameters/gso
gso_old=

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	stop_server
	[ -n "$gso_old" ] && echo "$gso_old" > "$gso_param"
	ip netns del "$NSR" 2> /dev/null
	topo_cleanup
	rm -rf "$work"
}

A1=10.71.1.1 R1=10.71.1.254 R2=10.71.2.254 A2=10.71.2.2
A1_6=2001:db8:71:1::1 R1_6=2001:db8:71:1::fe
R2_6=2001:db8:71:2::fe A2_6=2001:db8:71:2::2

# routed: $NS1 -- veth -- $NSR -- veth -- $NS2, forwarding both families.
routed() {
	ip netns add "$NS1" && ip netns add "$NS2" && ip netns add "$NSR" ||
		return 1
	ip link add veth1 netns "$NS1" type veth peer name r1 netns "$NSR" &&
		ip link add veth2 netns "$NS2" type veth peer name r2 \
			netns "$NSR" || return 1
	in_ns "$NSR" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 || return 1
	ip -n "$NS1" addr add $A1/24 dev veth1
	ip -n "$NSR" addr add $R1/24 dev r1
	ip -n "$NSR" addr add $R2/24 dev r2
	ip -n "$NS2" addr add $A2/24 dev veth2
	ip -n "$NS1" addr add $A1_6/64 dev veth1 nodad
	ip -n "$NSR" addr add $R1_6/64 dev r1 nodad
	ip -n "$NSR" addr add $R2_6/64 dev r2 nodad
	ip -n "$NS2" addr add $A2_6/64 dev veth2 nodad
	local ns dev
	for ns in "$NS1:veth1" "$NSR:r1" "$NSR:r2" "$NS2:veth2" "$NS1:lo" \
		  "$NS2:lo" "$NSR:lo"; do
		dev=${ns#*:}
		ip -n "${ns%:*}" link set "$dev" up || return 1
	done
	ip -n "$NS1" route add default via $R1 &&
		ip -n "$NS2" route add default via $R2 &&
		ip -n "$NS1" -6 route add default via $R1_6 &&
		ip -n "$NS2" -6 route add default via $R2_6
}

# count_len NS TOOL RANGE: packets whose length (IP header included) is in
# RANGE ("MIN:MAX") that left NS, by the rule grown() added.
count_len() {
	in_ns "$1" "$2" -nvxL OUTPUT | awk -v r="length $3" \
		'index($0, r) { n += $1 } END { print n + 0 }'
}

# grown FAM ADDR TOOL: an echo over the 1500-byte path, UDP GSO off so
# every datagram is its own packet: both ends send most of the data in
# packets of 1401 to 1500 bytes, which 1200-byte datagrams cannot make
# (their packets are at most 1248 bytes), and none larger.
grown() {
	local fam=$1 addr=$2 tool=$3 ns n1 n2 big
	shift 3
	for ns in "$NS1" "$NS2"; do
		in_ns "$ns" "$tool" -A OUTPUT -p udp -m length --length 1401:1500
		in_ns "$ns" "$tool" -A OUTPUT -p udp -m length --length 1501:65535
	done
	transfer "grown-v$fam$*" "$addr" 1 --bytes "$BYTES" "$@" || return 1
	n1=$(count_len "$NS1" "$tool" 1401:1500)
	n2=$(count_len "$NS2" "$tool" 1401:1500)
	big=$(( $(count_len "$NS1" "$tool" 1501:65535) +
		$(count_len "$NS2" "$tool" 1501:65535) ))
	in_ns "$NS1" "$tool" -F OUTPUT
	in_ns "$NS2" "$tool" -F OUTPUT
	# 2 MiB each way in ~1450 bytes of data per packet: ~1450 packets.
	local want=$((BYTES / 1500 * 3 / 4))
	[ "$n1" -ge $want ] && [ "$n2" -ge $want ] && [ $big = 0 ] || {
		echo "packets of 1401-1500 bytes: client $n1, server $n2 (want >= $want each); over 1500: $big"
		return 1
	}
	echo "packets of 1401-1500 bytes: client $n1, server $n2"
}

# narrow FAM ADDR MTU: the router's link to $NS2 has a smaller MTU; the
# router answers the larger datagrams with ICMP, both ends lower their
# size, and the echo completes; the sender's route has learnt the MTU.
narrow() {
	local fam=$1 addr=$2 mtu=$3 learnt
	ip -n "$NSR" link set r2 mtu "$mtu"
	ip -n "$NS2" link set veth2 mtu "$mtu"
	transfer "narrow-v$fam" "$addr" 1 --bytes "$BYTES"
	local rc=$?
	learnt=$(in_ns "$NS1" ip -"$fam" route get "$addr" | grep -o 'mtu [0-9]*')
	ip -n "$NSR" link set r2 mtu 1500
	ip -n "$NS2" link set veth2 mtu 1500
	# Forget the learnt MTU: the next tests start from 1500 again.
	local ns
	for ns in "$NS1" "$NS2"; do
		ip -n "$ns" -4 route flush cache
		ip -n "$ns" -6 route flush cache
	done
	[ $rc = 0 ] || return 1
	[ "$learnt" = "mtu $mtu" ] ||
		{ echo "the client's route has '${learnt:-no mtu}', not 'mtu $mtu' from ICMP"; return 1; }
	echo "route: $learnt"
}

# router_drop_big TOOL on|lift|off: the router silently drops packets over
# 1300 bytes, and counts the ones of 1249-1300 and 1401-1500 bytes it
# forwards (a 1200-byte datagram makes packets of at most 1248 bytes);
# "lift" ends the dropping only, "off" all of it. The hosts' veths segment
# UDP GSO super-packets themselves (tx-udp-segmentation off), as a NIC puts
# single datagrams on the wire: forwarded whole, a run of 1200-byte
# datagrams would be one packet over 1300 bytes to the router.
router_drop_big() {
	if [ "$2" = lift ]; then
		in_ns "$NSR" "$1" -D FORWARD -p udp -m length \
			--length 1301:65535 -j DROP
		return
	fi
	if [ "$2" = off ]; then
		in_ns "$NSR" "$1" -F FORWARD
		in_ns "$NS1" ethtool -K veth1 tx-udp-segmentation on
		in_ns "$NS2" ethtool -K veth2 tx-udp-segmentation on
		return 0
	fi
	in_ns "$NS1" ethtool -K veth1 tx-udp-segmentation off &&
		in_ns "$NS2" ethtool -K veth2 tx-udp-segmentation off &&
		in_ns "$NSR" "$1" -A FORWARD -p udp -m length --length 1249:1300 &&
		in_ns "$NSR" "$1" -A FORWARD -p udp -m length --length 1401:1500 &&
		in_ns "$NSR" "$1" -A FORWARD -p udp -m length --length 1301:65535 -j DROP
}

# forwarded TOOL RANGE: packets of RANGE bytes the router forwarded.
forwarded() {
	in_ns "$NSR" "$1" -nvxL FORWARD |
		awk -v r="length $2" '$3 != "DROP" && index($0, r) { n += $1 }
			END { print n + 0 }'
}

# blackhole FAM ADDR TOOL GSO: the router silently drops packets over 1300
# bytes; the echo still completes (in 1200-byte datagrams once a lost
# full-size probe confirms the suspicion) and the router did drop large
# ones (router_drop_big). GSO (0 or 1) is the module's gso parameter.
blackhole() {
	local fam=$1 addr=$2 tool=$3 dropped rc
	if [ "$4" = 1 ] && [ ! -w "$gso_param" ]; then
		echo "no writable $gso_param"
		return 1
	fi
	[ -w "$gso_param" ] && echo "$4" > "$gso_param"
	router_drop_big "$tool" on || return 1
	transfer "blackhole-v$fam-gso$4" "$addr" 1 --bytes "$BYTES"
	rc=$?
	dropped=$(iptables_drops "$NSR" FORWARD "$tool")
	router_drop_big "$tool" off
	[ -n "$gso_old" ] && echo "$gso_old" > "$gso_param"
	[ $rc = 0 ] || return 1
	[ "$dropped" -gt 0 ] ||
		{ echo "no datagram over 1300 bytes reached the router"; return 1; }
	echo "router dropped $dropped large packets"
}

# search_grown FAM ADDR TOOL: the same with a search on both ends: they
# start at 1200 bytes, and the first probe, of the full size, is
# acknowledged at once (a probe or two per end; no size is given up).
search_grown() {
	local fam=$1 addr=$2 tool=$3 ns
	quic_counters_snap '^QuicPmtu' > "$work/before"
	SRV_ARGS=(--plpmtud "$SEARCH_MS")
	grown "$fam" "$addr" "$tool" --plpmtud "$SEARCH_MS"
	local rc=$?
	SRV_ARGS=()
	quic_counters_snap '^QuicPmtu' > "$work/after"
	[ "$rc" = 0 ] || return 1
	for ns in ns1 ns2; do
		counter_expect "$ns".QuicPmtuRaised -ge 1 &&
			counter_expect "$ns".QuicPmtuProbes -ge 1 &&
			counter_expect "$ns".QuicPmtuProbes -le 3 &&
			counter_expect "$ns".QuicPmtuBlackholes -eq 0 || return 1
	done
	echo "probes: client $(counter_delta ns1.QuicPmtuProbes), server $(counter_delta ns2.QuicPmtuProbes)"
}

# search_blackhole FAM ADDR TOOL: the router drops packets over 1300 bytes
# without a word, and both ends search: their probes of 1472 (1452) bytes
# and of sizes between are lost, and most of the data goes in packets of
# 1249-1300 bytes, which neither 1200-byte datagrams nor the full size
# make. Without a search it would all go in 1200-byte datagrams.
search_blackhole() {
	local fam=$1 addr=$2 tool=$3 mid rc ns
	router_drop_big "$tool" on || return 1
	quic_counters_snap '^QuicPmtu' > "$work/before"
	SRV_ARGS=(--plpmtud "$SEARCH_MS")
	transfer "search-blackhole-v$fam" "$addr" 1 --bytes "$BYTES" \
		--plpmtud "$SEARCH_MS"
	rc=$?
	SRV_ARGS=()
	quic_counters_snap '^QuicPmtu' > "$work/after"
	mid=$(forwarded "$tool" 1249:1300)
	router_drop_big "$tool" off
	[ "$rc" = 0 ] || return 1
	for ns in ns1 ns2; do
		counter_expect "$ns".QuicPmtuProbesLost -ge 3 &&
			counter_expect "$ns".QuicPmtuRaised -ge 1 || return 1
	done
	# 2 MiB each way in ~1250 bytes of data per packet: ~3400 packets.
	local want=$((BYTES / 1300))
	[ "$mid" -ge "$want" ] || {
		echo "packets of 1249-1300 bytes forwarded: $mid (want >= $want)"
		return 1
	}
	echo "packets of 1249-1300 bytes forwarded: $mid; probes lost: client $(counter_delta ns1.QuicPmtuProbesLost), server $(counter_delta ns2.QuicPmtuProbesLost)"
}

# search_raise: as search_blackhole over IPv4, but the client pauses
# (7 s) after the first MiB; once the data flows in packets of 1249-1300
# bytes the router stops dropping. By then each end's search has seen its
# probes of 1472 and 1336 bytes fail, so only a new search, $SEARCH_MS
# after the last ended, makes packets of 1401-1500 bytes: the rest of the
# echo goes in them.
search_raise() {
	local rc=0 mid big t0=$SECONDS pid
	router_drop_big iptables on || return 1
	SRV_ARGS=(--plpmtud "$SEARCH_MS")
	transfer search-raise "$A2" 1 --bytes $((4 * 1048576)) \
		--plpmtud "$SEARCH_MS" --pause-after 1048576 --pause 7000 \
		> "$work/raise.out" 2>&1 &
	pid=$!
	while [ "$(forwarded iptables 1249:1300)" -lt 200 ]; do
		if ! kill -0 "$pid" 2> /dev/null || [ $((SECONDS - t0)) -gt "$T" ]; then
			rc=1
			break
		fi
		sleep 0.5
	done
	router_drop_big iptables lift
	wait "$pid" || rc=1
	SRV_ARGS=()
	mid=$(forwarded iptables 1249:1300)
	big=$(forwarded iptables 1401:1500)
	router_drop_big iptables off
	[ "$rc" = 0 ] || { echo "transfer failed: $(head -3 "$work/raise.out" | tr '\n' ' ')"; return 1; }
	# 3 MiB each way after the pause in ~1450 bytes a packet: ~4300.
	[ "$big" -ge 2000 ] || {
		echo "after the router stopped dropping: $big packets of 1401-1500 bytes (want >= 2000); before, $mid of 1249-1300"
		return 1
	}
	echo "packets forwarded: $mid of 1249-1300 bytes, then $big of 1401-1500"
}

test_psk "$psk" "$work"
trap cleanup EXIT
if ! routed; then
	tap_fail "routed topology: two hosts and a router"
	tap_done
fi
if [ -w "$gso_param" ]; then
	gso_old=$(cat "$gso_param")
	echo 0 > "$gso_param"
fi
check "IPv4: 1-RTT datagrams grow to the 1500-byte MTU (up to 1472 bytes of UDP payload) both ways, $(kib "$BYTES") echo, SHA-256 equal" \
	grown 4 $A2 iptables
check "IPv6: 1-RTT datagrams grow to the 1500-byte MTU (up to 1452 bytes of UDP payload) both ways, $(kib "$BYTES") echo, SHA-256 equal" \
	grown 6 $A2_6 ip6tables
check "IPv4: with a probe interval, both ends start at 1200 bytes and one probe confirms the 1500-byte MTU, $(kib "$BYTES") echo, SHA-256 equal" \
	search_grown 4 $A2 iptables
[ -n "$gso_old" ] && echo "$gso_old" > "$gso_param"
check "IPv4: a 1280-byte link behind a router: ICMP lowers the datagram size, $(kib "$BYTES") echo completes, SHA-256 equal" \
	narrow 4 $A2 1280
check "IPv6: a 1280-byte link behind a router: ICMPv6 Packet Too Big lowers the datagram size, $(kib "$BYTES") echo completes, SHA-256 equal" \
	narrow 6 $A2_6 1280
for f in 4 6; do
	a=$A2 tool=iptables
	[ $f = 6 ] && a=$A2_6 tool=ip6tables
	check "IPv$f: a router silently dropping packets over 1300 bytes, with a probe interval: probes find the 1249-1300-byte size it carries, $(kib "$BYTES") echo completes" \
		search_blackhole $f $a $tool
done
check "IPv4: the router stops dropping: $SEARCH_MS ms after the search ended, a new one finds the 1500-byte MTU, 4 MiB echo completes" \
	search_raise
for g in 0 1; do
	with=without
	[ $g = 1 ] && with=with
	check "IPv4: a router silently dropping packets over 1300 bytes, $with UDP GSO: the connection falls back to 1200-byte datagrams, $(kib "$BYTES") echo completes" \
		blackhole 4 $A2 iptables $g
	check "IPv6: a router silently dropping packets over 1300 bytes, $with UDP GSO: the connection falls back to 1200-byte datagrams, $(kib "$BYTES") echo completes" \
		blackhole 6 $A2_6 ip6tables $g
done
tap_done
