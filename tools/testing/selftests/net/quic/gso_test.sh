#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# UDP GSO on the send path (module parameter gso=1): runs of full-size
# 1-RTT datagrams leave as super-packets (seen on the veth as packets
# larger than its MTU), and the data still arrives intact.
SUITE=gso
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
param=/sys/module/quic/parameters/gso
require "$xfer" certtool
[ -w $param ] || { tap_fail "module parameter gso is writable"; tap_done; }

creds=$(mktemp -d)
"$(dirname "$0")/mkcerts.sh" "$creds" > /dev/null
topo_two_hosts || { tap_fail "topology"; tap_done; }
old=$(cat $param)
trap 'echo $old > $param; topo_cleanup; rm -rf "$creds"' EXIT

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

for fam in 4 6; do
	[ $fam = 4 ] && addr=$ADDR2_V4 || addr=$ADDR2_V6
	echo 1 > $param
	avg=$(run "$addr" $((5000 + fam)))
	if [ -n "$avg" ]; then
		tap_ok "IPv$fam: 4 MiB echoed with gso=1, SHA-256 equal at both ends"
	else
		tap_fail "IPv$fam: 4 MiB echoed with gso=1, SHA-256 equal at both ends" \
			"$(tail -2 /tmp/gso-cli.log | tr '\n' ' ')"
	fi
	# A single datagram is at most 1200 + 8 + 40 + 14 = 1262 bytes on
	# the veth (IPv6); only super-packets lift the average above that.
	# ACKs and ACK-clocked short runs keep it well below the MTU.
	tap_check "IPv$fam: super-packets on the wire (average $avg bytes per veth packet > 1262, the largest single datagram)" \
		test "${avg:-0}" -gt 1262
	echo 0 > $param
	avg=$(run "$addr" $((5010 + fam)))
	tap_check "IPv$fam: gso=0 sends single datagrams (average $avg bytes per veth packet <= 1262)" \
		test -n "$avg" -a "${avg:-9999}" -le 1262
done
tap_done
