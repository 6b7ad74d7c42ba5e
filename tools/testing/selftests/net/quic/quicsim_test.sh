#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The simulated offload NIC as a cable: quicsim.ko ports=2 gives two ports
# linked to each other. Moved into the two test namespaces (the veth pair of
# the other tests replaced by them), they carry:
#   - carrier only while both ends are up;
#   - ping over IPv4 and IPv6;
#   - a QUIC echo of 20 streams, SHA-256 equal at both ends (xfer_lib.sh);
#   - per-port counters that agree: what one end sent, the other received.
# Then rmmod takes the ports out of the namespaces they were moved to.
# The echo runs with the crypto offload on (the default); offload_test.sh
# checks the crypto itself.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=quicsim
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" "$quicsim_ko" psktool ip ping timeout
T=$(scaled 60)
work=$(mktemp -d /tmp/quic-quicsim.XXXXXX)
psk=$work/psk.txt
port=4800
SRV_TIMEOUT=$((T + 10))

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

trap quicsim_cleanup EXIT
exec 3>&1

test_psk "$psk" "$work"
quicsim_load

# The two-host topology of lib.sh, over the quicsim cable.
topo_quicsim() {
	quicsim_move "$dev1" "$dev2" && ip -n "$NS1" link set "$dev1" up
}
check "ports $dev1 and $dev2 moved into two namespaces" topo_quicsim

carrier() {	# carrier NS DEV: 1 or 0
	ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2> /dev/null
}
carrier_follows() {
	[ "$(carrier "$NS1" "$dev1")" = 0 ] ||
		{ echo "$dev1 has carrier while $dev2 is down"; return 1; }
	ip -n "$NS2" link set "$dev2" up
	[ "$(carrier "$NS1" "$dev1")" = 1 ] && [ "$(carrier "$NS2" "$dev2")" = 1 ] ||
		{ echo "no carrier with both ends up"; return 1; }
	ip -n "$NS2" link set "$dev2" down
	[ "$(carrier "$NS1" "$dev1")" = 0 ] ||
		{ echo "$dev1 kept carrier after $dev2 went down"; return 1; }
	ip -n "$NS2" link set "$dev2" up
	[ "$(carrier "$NS1" "$dev1")" = 1 ] ||
		{ echo "$dev1 has no carrier after $dev2 came back"; return 1; }
}
check "carrier only while both ends are up" carrier_follows

# After the carrier test: taking a link down drops its IPv6 addresses.
addresses() { quicsim_addresses "$dev1" "$dev2"; }
check "IPv4 and IPv6 addresses on both ends" addresses

check "ping over IPv4" ip netns exec "$NS1" ping -c 3 -i 0.2 -W 5 $ADDR2_V4
check "ping over IPv6" ip netns exec "$NS1" ping -6 -c 3 -i 0.2 -W 5 $ADDR2_V6

stat() {	# stat NS DEV COUNTER
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}
run "QUIC echo of 20 streams x 256 KiB over the quicsim cable, SHA-256 equal" \
	transfer sim "$ADDR2_V4" 1 --streams 20 --bytes 262144

# counters_equal: since the ports were created, each received exactly what
# the other sent (a frame for a port that is down counts as a drop, not as
# sent). Read while nothing is in flight: IPv6 sends on its own
# (MLD, router solicitations), so a few tries.
counters_equal() {
	local c a b
	for c in packets bytes; do
		a=$(stat "$NS1" "$dev1" tx_$c)
		b=$(stat "$NS2" "$dev2" rx_$c)
		echo "$dev1 -> $dev2: $a tx_$c, $b rx_$c"
		[ "$a" = "$b" ] || return 1
		a=$(stat "$NS2" "$dev2" tx_$c)
		b=$(stat "$NS1" "$dev1" rx_$c)
		echo "$dev2 -> $dev1: $a tx_$c, $b rx_$c"
		[ "$a" = "$b" ] || return 1
	done
	[ "$a" -ge $((20 * 262144)) ] ||
		{ echo "fewer bytes than the echo carried"; return 1; }
}
counters_agree() {
	local i
	for i in 1 2 3 4 5; do
		counters_equal > "$work/counters" && { cat "$work/counters"; return 0; }
		sleep 0.3
	done
	cat "$work/counters"
	return 1
}
check "the ports' counters agree: each received what the other sent" \
	counters_agree
grep -E '^[a-z0-9]+ -> ' "$work/why" | sed 's/^/# /'

unload() {
	stop_server
	rmmod quicsim || return 1
	if ip -n "$NS1" link show "$dev1" > /dev/null 2>&1 ||
	   ip -n "$NS2" link show "$dev2" > /dev/null 2>&1; then
		echo "a port survived rmmod in its namespace"
		return 1
	fi
}
check "rmmod quicsim with its ports in other namespaces" unload
tap_done
