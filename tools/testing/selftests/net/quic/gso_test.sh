#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# UDP GSO on the send path (module parameter gso=1): runs of full-size
# 1-RTT datagrams leave as super-packets (captured on the veth as frames
# larger than its MTU allows a datagram), and the data still arrives
# intact; with gso=0 every frame is one datagram.
# vm-timeout: 900
SUITE=gso
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
param=/sys/module/quic/parameters/gso
require "$xfer" certtool dumpcap tshark
[ -w $param ] || { tap_fail "module parameter gso is writable"; tap_done; }

creds=$(mktemp -d)
"$(dirname "$0")/mkcerts.sh" "$creds" > /dev/null
topo_two_hosts || { tap_fail "topology"; tap_done; }
old=$(cat $param)
trap 'cap_stop; echo $old > $param; topo_cleanup; rm -rf "$creds"' EXIT

tx_stats() {	# "packets bytes" sent by veth1
	in_ns "$NS1" cat /sys/class/net/veth1/statistics/tx_packets \
		/sys/class/net/veth1/statistics/tx_bytes | paste -sd' '
}

run() {	# run ADDR PORT: 4 streams x 1 MiB echoed; prints avg tx bytes/packet
	local addr=$1 port=$2 before after srv cli
	in_ns "$NS2" timeout 120 "$xfer" -s -a "$addr" -p "$port" \
		--psk "$creds/psk.txt" > /tmp/gso-srv.log 2>&1 &
	srv=$!
	for _ in $(seq 50); do
		grep -q '^listening on' /tmp/gso-srv.log && break
		sleep 0.1
	done
	before=$(tx_stats)
	in_ns "$NS1" timeout 120 "$xfer" -c -a "$addr" -p "$port" \
		--psk "$creds/psk.txt" --streams 4 --bytes 1048576 \
		> /tmp/gso-cli.log 2>&1
	cli=$?
	wait $srv || return 1
	[ $cli = 0 ] || return 1
	after=$(tx_stats)
	set -- $before $after
	echo $(( ($4 - $2) / ($3 - $1) ))
}

# captured GSO PORT: the echo of run() with the gso parameter at GSO,
# captured on veth1; prints "AVG FRAMES LARGEST" (AVG empty if the echo
# failed). The capture sees each skb as the stack hands it to veth, before
# any segmentation: the largest frame tells a run from a datagram. Once
# the handshake is confirmed datagrams grow to the path MTU, so a single
# one is at most 1500 + 14 = 1514 bytes on the veth.
captured() {
	local cap=$creds/gso$1-$2.pcap avg
	echo "$1" > $param
	cap_start "$cap" > /dev/null
	avg=$(run "$addr" "$2")
	cap_stop
	echo "$avg" "$(tshark -r "$cap" -T fields -e frame.len 2> /dev/null |
		sort -n | awk '{ n++; m = $1 } END { print n + 0, m + 0 }')"
}

for fam in 4 6; do
	[ $fam = 4 ] && addr=$ADDR2_V4 || addr=$ADDR2_V6
	read -r avg frames largest < <(captured 1 $((5000 + fam)))
	if [ -n "$avg" ] && [ "$frames" != 0 ]; then
		tap_ok "IPv$fam: 4 MiB echoed with gso=1, SHA-256 equal at both ends"
	else
		tap_fail "IPv$fam: 4 MiB echoed with gso=1, SHA-256 equal at both ends" \
			"$(tail -2 /tmp/gso-cli.log | tr '\n' ' ')"
	fi
	tap_check "IPv$fam: super-packets on the wire (largest of $frames frames $largest bytes > 1514, average $avg)" \
		test "${largest:-0}" -gt 1514
	read -r avg frames largest < <(captured 0 $((5010 + fam)))
	tap_check "IPv$fam: gso=0 echo completes, every frame a single datagram (largest of $frames frames $largest bytes <= 1514)" \
		test -n "$avg" -a "${frames:-0}" -gt 100 -a "${largest:-9999}" -le 1514
done
tap_done
