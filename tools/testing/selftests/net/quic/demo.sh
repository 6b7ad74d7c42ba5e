#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job, run inside the VM by scripts/demo.sh: show quic.ko loaded
# and IPPROTO_QUIC sockets being created and bound in a two-host topology.
# (Grows into a QUIC transfer over the simulated NIC as the stack lands.)
SUITE=demo
. "$(dirname "$0")/lib.sh"
sockcheck=$SELFTEST_BIN/sockcheck
require "$sockcheck"

echo "== kernel $(uname -r); module: $(grep '^quic ' /proc/modules)"
topo_two_hosts || { tap_fail "topology"; tap_done; }
echo "== hosts: $NS1 ($ADDR1_V4, $ADDR1_V6) <-veth-> $NS2 ($ADDR2_V4, $ADDR2_V6)"
echo "== socket(AF_INET/AF_INET6, SOCK_STREAM/SOCK_DGRAM, IPPROTO_QUIC):"
out=$(in_ns "$NS1" "$sockcheck" create)
echo "$out" | sed 's/^/   /'
[ "$(echo "$out" | grep -c ': ok$')" = 4 ] && tap_ok "QUIC sockets created" ||
	tap_fail "QUIC sockets created"
in_ns "$NS2" "$sockcheck" hold 5 > /tmp/hold.out &
sleep 2
echo "== /proc/net/protocols in $NS2 while a bound QUIC socket is open:"
in_ns "$NS2" awk '$1 == "protocol" || $1 ~ /^QUIC/' /proc/net/protocols |
	sed 's/^/   /'
echo "== UDP sockets in $NS2 (the QUIC socket's UDP tunnel):"
in_ns "$NS2" ss -uanp | sed 's/^/   /'
wait
grep -q ready /tmp/hold.out && tap_ok "QUIC socket bound" ||
	tap_fail "QUIC socket bound"
tap_done
