#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /proc/net/quic: "sks" lists the QUIC sockets of a network namespace,
# "snmp" carries its counters.
#   - a fresh namespace has both, a header, no socket, every counter 0;
#   - a listener (xfer -s --validate) appears in the server's sks as
#     LISTEN on its address: the script waits on it, as users do;
#   - while a client connection is open (dgram -t closing waits for a
#     line), each side lists it ESTABLISHED with both addresses;
#   - the counters of each side: opens, handshakes, the Retry the server
#     sent and the client took, packets in and out;
#   - once the programs are gone, no socket is listed (lingering ones
#     included), and a namespace that had no part in it counted nothing.
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=proc
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
dgram=$SELFTEST_BIN/dgram
require "$xfer" "$dgram" psktool ip timeout

work=$(mktemp -d /tmp/quic-proc.XXXXXX)
psk=$work/psk.txt
NS3=quic-ns3-$$
port=4900
psk_and_topology "$psk" "$work"
ip netns add "$NS3"
SRV=
# shellcheck disable=SC2064 # expand now
trap "[ -n \"\$SRV\" ] && kill \$SRV; wait; ip netns del $NS3; topo_cleanup; rm -rf '$work'" EXIT

sks() { ip netns exec "$1" cat /proc/net/quic/sks; }
snmp() { ip netns exec "$1" cat /proc/net/quic/snmp; }

fresh() {
	local n
	[ "$(sks "$NS3" | head -1)" = "inode role state local peer version srtt_us cwnd inflight wmem rmem" ] ||
		{ echo "sks header: $(sks "$NS3" | head -1)"; return 1; }
	[ "$(sks "$NS3" | wc -l)" = 1 ] || { echo "sockets: $(sks "$NS3")"; return 1; }
	n=$(snmp "$NS3" | awk '$2 != 0')
	[ -z "$n" ] || { echo "counters not 0: $n"; return 1; }
	[ "$(snmp "$NS3" | wc -l)" -ge 16 ] ||
		{ echo "snmp: $(snmp "$NS3")"; return 1; }
}
tap_check "a fresh namespace: sks has its header and no socket, every snmp counter is 0" fresh

ip netns exec "$NS2" timeout 60 "$xfer" -s -a "$ADDR2_V4" -p "$port" \
	--psk "$psk" --conns 1 --validate > "$work/srv.log" 2>&1 &
SRV=$!
listening() {	# the way a script waits for a listener
	local _
	for _ in $(seq 100); do
		sks "$NS2" | grep -q " LISTEN $ADDR2_V4:$port " && return 0
		sleep 0.1
	done
	sks "$NS2"
	return 1
}
tap_check "the listener appears in the server's sks: LISTEN $ADDR2_V4:$port" listening

coproc CLI { ip netns exec "$NS1" timeout 60 "$dgram" -c -a "$ADDR2_V4" \
	-p "$port" --psk "$psk" -t closing 2>&1; }
# shellcheck disable=SC2153 # CLI_PID: set by coproc
cli_pid=$CLI_PID
line=
read -r -t 30 line <&"${CLI[0]}"
if [ "$line" != closing ]; then
	tap_fail "a client connects through a Retry and echoes on a stream" "$line"
	tap_done
fi
tap_ok "a client connects through a Retry and echoes on a stream"

# both_listed: each side lists the connection, with both addresses
both_listed() {
	sks "$NS1" | grep -qE "^[0-9]+ client ESTABLISHED [^ ]+ $ADDR2_V4:$port 0x1 " ||
		{ echo "client side: $(sks "$NS1" | tail -n +2)"; return 1; }
	sks "$NS2" | grep -qE "^[0-9]+ server ESTABLISHED [^ ]+ $ADDR1_V4:[0-9]+ 0x1 " ||
		{ echo "server side: $(sks "$NS2" | tail -n +2)"; return 1; }
	sks "$NS2" | grep " server " | sed 's/^/server: /'
}
tap_check "each side lists the connection ESTABLISHED, with the other's address" both_listed

# counts NS NAME=VALUE...: counters with exact values, NAME>0 for some
counts() {
	local ns=$1 want name v bad=
	shift
	for want in "$@"; do
		name=${want%%[=>]*}
		v=$(quic_counter "$ns" "$name")
		case $want in
		*'>0') [ "${v:-0}" -gt 0 ] || bad+=" $name=$v" ;;
		*) [ "$v" = "${want#*=}" ] || bad+=" $name=$v" ;;
		esac
	done
	[ -z "$bad" ] || { echo "expected $*; got$bad"; return 1; }
}
tap_check "client counters: QuicActiveOpens 1, QuicHandshakesDone 1, QuicRetryTaken 1, packets in and out" \
	counts "$NS1" QuicActiveOpens=1 QuicPassiveOpens=0 QuicHandshakesDone=1 \
	QuicRetryTaken=1 QuicRetrySent=0 'QuicInPackets>0' 'QuicOutPackets>0'
tap_check "server counters: QuicPassiveOpens 1, QuicHandshakesDone 1, QuicRetrySent 1, packets in and out" \
	counts "$NS2" QuicActiveOpens=0 QuicPassiveOpens=1 QuicHandshakesDone=1 \
	QuicRetrySent=1 QuicRetryTaken=0 'QuicInPackets>0' 'QuicOutPackets>0'

echo go >&"${CLI[1]}"
cat <&"${CLI[0]}" > /dev/null
wait "$cli_pid"
wait "$SRV"
SRV=
none_left() {	# every socket freed, the lingering ones too
	local _
	for _ in $(seq 100); do
		[ "$(sks "$NS1" | wc -l)" = 1 ] &&
			[ "$(sks "$NS2" | wc -l)" = 1 ] && return 0
		sleep 0.1
	done
	echo "still listed: $(sks "$NS1" | tail -n +2) $(sks "$NS2" | tail -n +2)"
	return 1
}
tap_check "once the programs are gone, neither side lists a socket" none_left
tap_check "the server counted the client's close (QuicPeerCloses 1)" \
	counts "$NS2" QuicPeerCloses=1
tap_check "a namespace with no part in it counted nothing" fresh
tap_done
