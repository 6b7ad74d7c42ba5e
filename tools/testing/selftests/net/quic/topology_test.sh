#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The two-host topology every network test uses: namespaces joined by veth,
# IPv4 and IPv6 reachable, and netem impairments actually applied.
SUITE=topology
. "$(dirname "$0")/lib.sh"
require ip tc ping

# Not through tap_check: that runs its command in a subshell, and the
# topology must outlive it.
if topo_two_hosts; then
	tap_ok "two namespaces joined by veth are created"
else
	tap_fail "two namespaces joined by veth are created"
fi
tap_check "IPv4 peer reachable" in_ns "$NS1" ping -c 1 -W 5 $ADDR2_V4
tap_check "IPv6 peer reachable" in_ns "$NS1" ping -6 -c 1 -W 5 $ADDR2_V6
topo_cleanup

rtt_ms() {	# average RTT of 3 pings, integer ms
	in_ns "$NS1" ping -c 3 -i 0.2 -W 5 $ADDR2_V4 |
		sed -n 's|.*= [0-9.]*/\([0-9]*\).*|\1|p'
}
topo_two_hosts delay 50ms || tap_fail "netem delay applied"
rtt=$(rtt_ms)
tap_check "netem delay 50ms each way gives an RTT of at least 100 ms (got ${rtt:-none})" \
	test "${rtt:-0}" -ge 100
tap_done
