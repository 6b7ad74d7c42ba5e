#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Anti-amplification (RFC 9000 8.1, RFC 9002 6.2.2.1): before a client's
# address is validated, a server sends at most three times the bytes it
# received from it, and its PTO does not fire while it may not send.
#
# A real client starts a handshake, but a byte quota on its egress lets only
# its first datagram (one 1200-byte Initial) reach the server. Whatever the
# server then sends toward that address in the next AMP_WAIT seconds is
# counted at the server's egress: its UDP payload must stay within
# 3 x 1200 bytes, where retransmitting its flight on every PTO (1 s, 2 s,
# 4 s...) would exceed it. Then, with the policer gone, a client completes a
# handshake and an echo on the same server: the limit does not get in the
# way of a normal connection.
# shellcheck disable=SC2317,SC2119 # cleanup runs from the EXIT trap
SUITE=amplification
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout iptables

WAIT=${AMP_WAIT:-8}
work=$(mktemp -d /tmp/quic-amp.XXXXXX)
psk=$work/psk.txt
port=4700
SRV_PID=
CLI_PID=

cleanup() {
	[ -n "$CLI_PID" ] && kill "$CLI_PID" 2> /dev/null
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
	wait 2> /dev/null
	topo_cleanup
	rm -rf "$work"
}

psk_and_topology "$psk" "$work"
trap cleanup EXIT

# "PACKETS BYTES" the server sent from its QUIC port (tc counts from the
# Ethernet header: 42 bytes of Ethernet, IPv4 and UDP headers each).
server_tx() {
	tc -n "$NS2" -s filter show dev veth2 egress |
		awk '/Sent/ { print $4, $2; exit }'
}

ip netns exec "$NS2" timeout -k 5 60 "$xfer" -s -a "$ADDR2_V4" -p "$port" \
	--psk "$psk" --conns 1 --idle-timeout $((WAIT * 1000 + 2000)) \
	--timeout 60 > "$work/srv.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 100); do
	grep -q '^listening on' "$work/srv.log" && break
	sleep 0.1
done

# Count the server's datagrams with tc; let exactly one client datagram
# through: a quota of 1228 bytes is one 1200-byte payload with its IPv4
# and UDP headers.
if ! { tc -n "$NS2" qdisc add dev veth2 clsact &&
	tc -n "$NS2" filter add dev veth2 egress protocol ip u32 \
		match ip protocol 17 0xff match ip sport "$port" 0xffff \
		action pass &&
	ip netns exec "$NS1" iptables -A OUTPUT -p udp --dport "$port" \
		-m quota --quota 1228 -j ACCEPT &&
	ip netns exec "$NS1" iptables -A OUTPUT -p udp --dport "$port" \
		-j DROP; } > "$work/setup.log" 2>&1
then
	tap_fail "tc counter and iptables quota" "$(tail -2 "$work/setup.log")"
	tap_done
fi

ip netns exec "$NS1" timeout -k 5 $((WAIT + 5)) "$xfer" -c -a "$ADDR2_V4" \
	-p "$port" --psk "$psk" --timeout $((WAIT + 3)) \
	--one-stream 1024 > "$work/cli1.log" 2>&1 &
CLI_PID=$!
sleep "$WAIT"
read -r pkts bytes <<< "$(server_tx)"
kill "$CLI_PID" 2> /dev/null
wait "$CLI_PID" 2> /dev/null
CLI_PID=
payload=$((bytes - 42 * pkts))
echo "# server sent $pkts datagrams, $payload bytes of UDP payload in $WAIT s to a client it heard 1200 bytes from"
dropped=$(iptables_drops "$NS1" OUTPUT)
echo "# the client's later datagrams the quota dropped: $dropped"
if [ "${dropped:-0}" -lt 1 ]; then
	tap_fail "unvalidated client: only its first datagram reaches the server" \
		"no client datagram was dropped: the client did not retry"
elif [ "$pkts" -ge 1 ] && [ "$payload" -le 3600 ]; then
	tap_ok "unvalidated client: the server answers, yet sends at most 3 x 1200 bytes in $WAIT s ($payload in $pkts datagrams)"
else
	tap_fail "unvalidated client: the server answers, yet sends at most 3 x 1200 bytes in $WAIT s" \
		"$payload bytes in $pkts datagrams"
fi

# Let the server give up on that one (its idle timeout), then a clean run.
ip netns exec "$NS1" iptables -F OUTPUT
ip netns exec "$NS1" timeout -k 5 40 "$xfer" -c -a "$ADDR2_V4" -p "$port" \
	--psk "$psk" --timeout 35 --one-stream 262144 > "$work/cli2.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^OK:' "$work/cli2.log"; then
	tap_ok "after that, a client on an unimpaired link completes its handshake and a 256 KiB echo"
else
	tap_fail "after that, a client on an unimpaired link completes its handshake and a 256 KiB echo" \
		"exit $rc: $(tail -2 "$work/cli2.log" | tr '\n' ' ')"
	sed 's/^/# server: /' "$work/srv.log"
	sed 's/^/# client: /' "$work/cli2.log"
fi
wait "$SRV_PID"
rc=$?
SRV_PID=
tap_check "server exits 0 (first connection's handshake failed, second served)" \
	test "$rc" = 0
tap_done
