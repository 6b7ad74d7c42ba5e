#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Path MTU (RFC 9000 14): once the handshake is confirmed, 1-RTT datagrams
# grow from 1200 bytes to what the route's MTU allows; a narrower link
# further on is learnt from ICMP Packet Too Big (PMTUD, 14.2); a path that
# drops large datagrams without a word (a black hole) makes the connection
# fall back to 1200-byte datagrams. Every transfer is an echo whose SHA-256
# is compared at both ends.
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
	for ns in "$NS1" "$NS2"; do
		in_ns "$ns" "$tool" -A OUTPUT -p udp -m length --length 1401:1500
		in_ns "$ns" "$tool" -A OUTPUT -p udp -m length --length 1501:65535
	done
	transfer "grown-v$fam" "$addr" 1 --bytes "$BYTES" || return 1
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

# blackhole FAM ADDR TOOL GSO: the router silently drops packets over 1300
# bytes; the echo still completes (in 1200-byte datagrams once a lost
# full-size probe confirms the suspicion) and the router did drop large
# ones. GSO (0 or 1) is the module's gso parameter. The hosts' veths
# segment UDP GSO super-packets themselves (tx-udp-segmentation off), as
# a NIC puts single datagrams on the wire: forwarded whole, a run of
# 1200-byte datagrams would be one packet over 1300 bytes to the router.
blackhole() {
	local fam=$1 addr=$2 tool=$3 dropped rc
	if [ "$4" = 1 ] && [ ! -w "$gso_param" ]; then
		echo "no writable $gso_param"
		return 1
	fi
	[ -w "$gso_param" ] && echo "$4" > "$gso_param"
	in_ns "$NS1" ethtool -K veth1 tx-udp-segmentation off &&
		in_ns "$NS2" ethtool -K veth2 tx-udp-segmentation off || return 1
	in_ns "$NSR" "$tool" -A FORWARD -p udp -m length --length 1301:65535 -j DROP
	transfer "blackhole-v$fam-gso$4" "$addr" 1 --bytes "$BYTES"
	rc=$?
	dropped=$(in_ns "$NSR" "$tool" -nvxL FORWARD | awk '$3 == "DROP" { n += $1 } END { print n + 0 }')
	in_ns "$NSR" "$tool" -F FORWARD
	in_ns "$NS1" ethtool -K veth1 tx-udp-segmentation on
	in_ns "$NS2" ethtool -K veth2 tx-udp-segmentation on
	[ -n "$gso_old" ] && echo "$gso_old" > "$gso_param"
	[ $rc = 0 ] || return 1
	[ "$dropped" -gt 0 ] ||
		{ echo "no datagram over 1300 bytes reached the router"; return 1; }
	echo "router dropped $dropped large packets"
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
[ -n "$gso_old" ] && echo "$gso_old" > "$gso_param"
check "IPv4: a 1280-byte link behind a router: ICMP lowers the datagram size, $(kib "$BYTES") echo completes, SHA-256 equal" \
	narrow 4 $A2 1280
check "IPv6: a 1280-byte link behind a router: ICMPv6 Packet Too Big lowers the datagram size, $(kib "$BYTES") echo completes, SHA-256 equal" \
	narrow 6 $A2_6 1280
for g in 0 1; do
	with=without
	[ $g = 1 ] && with=with
	check "IPv4: a router silently dropping packets over 1300 bytes, $with UDP GSO: the connection falls back to 1200-byte datagrams, $(kib "$BYTES") echo completes" \
		blackhole 4 $A2 iptables $g
	check "IPv6: a router silently dropping packets over 1300 bytes, $with UDP GSO: the connection falls back to 1200-byte datagrams, $(kib "$BYTES") echo completes" \
		blackhole 6 $A2_6 ip6tables $g
done
tap_done
