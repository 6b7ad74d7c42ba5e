#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stateless reset (RFC 9000 10.3). A server loses a connection's state:
# it is killed while the link drops all it sends (its CONNECTION_CLOSE is
# lost), the connection's closing period runs out, and a new server
# listens on the same port. The client, which heard nothing, sends a
# datagram every 100 ms: the new server's kernel finds no connection for
# them and answers with a Stateless Reset ending in the token of the old
# connection's CID (which the old server gave in its transport
# parameters). The client's connection must end with ECONNRESET within
# 5 s; before, it lasted until its 15 s idle timeout. IPv4 and IPv6, with
# 50 ms of delay each way. /proc/net/quic/snmp must count the resets on
# both sides. Afterwards every socket must be freed.
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=reset
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
dgram=$SELFTEST_BIN/dgram
require "$dgram" psktool ip tc timeout

server_pair_setup reset

srv_link() {	# srv_link ARGS: netem ARGS on the server's side
	tc -n "$NS2" qdisc replace dev veth2 root netem "$@"
}
if ! tc -n "$NS1" qdisc add dev veth1 root netem delay 50ms ||
	! srv_link delay 50ms; then
	tap_fail "netem delay 50ms each way"
	tap_done
fi

# server NAME ADDR PORT: a dgram server in $NS2, until killed
server() {
	ip netns exec "$NS2" "$dgram" -s -a "$2" -p "$3" --psk "$psk" \
		--max 1000 --idle 15000 > "$work/$1.log" 2>&1 &
	SRV=$!
	wait_line "$work/$1.log" '^listening'
}

# lost FAMILY ADDR PORT: the client's connection outlives the server's
lost() {
	local fam=$1 addr=$2 port=$3 line out cli_pid
	if ! server "$fam-old" "$addr" "$port"; then
		tap_fail "IPv$fam: a dgram server listens" "$(tail -2 "$work/$fam-old.log")"
		return
	fi
	coproc CLI { ip netns exec "$NS1" timeout 60 "$dgram" -c -a "$addr" \
		-p "$port" --psk "$psk" --idle 15000 -t reset 2>&1; }
	# shellcheck disable=SC2153 # CLI_PID: set by coproc
	cli_pid=$CLI_PID
	line=
	read -r -t 30 line <&"${CLI[0]}"
	if [ "$line" != ready ]; then
		tap_fail "IPv$fam: client connects and echoes on a stream" "$line"
		kill "$SRV" "$cli_pid"
		wait
		SRV=
		return
	fi
	tap_ok "IPv$fam: client connects and echoes on a stream"
	# The server goes, its CONNECTION_CLOSE dropped; three PTOs (about
	# a second here) later its kernel has forgotten the connection.
	srv_link delay 50ms loss 100%
	kill "$SRV"
	wait "$SRV"
	sleep 3
	if ! server "$fam-new" "$addr" "$port"; then
		tap_fail "IPv$fam: a new server listens on the same port" "$(tail -2 "$work/$fam-new.log")"
	fi
	srv_link delay 50ms
	echo go >&"${CLI[1]}"
	out=$(cat <&"${CLI[0]}")
	wait "$cli_pid"
	tap_check "IPv$fam: the new server's kernel answers the lost connection's datagrams with a Stateless Reset: the client's connection ends with ECONNRESET within 5 s" \
		grep -q '^PASS reset' <<< "$out"
	grep -E '^(# ended|FAIL)' <<< "$out" | sed 's/^/# /'
	kill "$SRV"
	wait "$SRV"
	SRV=
}

lost 4 "$ADDR2_V4" 4800
lost 6 "$ADDR2_V6" 4801
# resets_counted: two connections reset, at least two resets sent
resets_counted() {
	local rx tx
	rx=$(quic_counter "$NS1" QuicStatelessResetReceived)
	tx=$(quic_counter "$NS2" QuicStatelessResetSent)
	echo "client: $rx received, server: $tx sent"
	[ "$rx" = 2 ] && [ "$tx" -ge 2 ]
}
tap_check "/proc/net/quic/snmp: the client counts 2 resets received, the server at least 2 sent" \
	resets_counted
tap_check "every QUIC socket freed (module references back to $refs0)" \
	quic_refs_back "$refs0"
tap_done
