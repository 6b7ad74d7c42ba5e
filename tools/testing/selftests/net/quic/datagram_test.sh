#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unreliable datagrams (RFC 9221, MSG_QUIC_DATAGRAM) between two kernel
# endpoints, through dgram (dgram.c): echoes of 0 to 997 bytes over IPv4
# and IPv6, the limits the peer's max_datagram_frame_size and the path set
# (EMSGSIZE), a peer that takes none (EINVAL), partial reads and MSG_PEEK,
# datagrams mixed with a 1 MiB stream echo, a lossy link (nothing is
# resent) and a reader that does not read (SO_RCVBUF bounds what waits).
# Then inject (inject.c) sends DATAGRAM frames of its own to an xfer echo
# server that advertises 64 bytes: one of 64 is taken, one a byte over
# closes the connection with PROTOCOL_VIOLATION, with and without a Length
# field (RFC 9221 3).
# shellcheck disable=SC2317 # taken runs through tap_check
SUITE=datagram
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
dgram=$SELFTEST_BIN/dgram
xfer=$SELFTEST_BIN/xfer
inject=$SELFTEST_BIN/inject
require "$dgram" "$xfer" "$inject" psktool ip tc timeout

T_CLIENT=$(scaled 60)
work=$(mktemp -d /tmp/quic-datagram.XXXXXX)
psk=$work/psk.txt
psk_and_topology "$psk" "$work"
PIDS=()
stop_all() {
	[ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2> /dev/null
	wait
	PIDS=()
}
# shellcheck disable=SC2064 # expand now
trap "stop_all; topo_cleanup; rm -rf '$work'" EXIT

# server NAME ADDR PORT ARGS...: a dgram echo server in $NS2 (ip netns
# exec execs: $! is dgram itself)
server() {
	local name=$1 addr=$2 port=$3
	shift 3
	ip netns exec "$NS2" "$dgram" -s -a "$addr" -p "$port" --psk "$psk" \
		"$@" > "$work/$name.srv" 2>&1 &
	PIDS+=($!)
	wait_line "$work/$name.srv" '^listening'
}

# client ADDR PORT TEST ARGS...: one dgram test; its PASS or FAIL line
client() {
	local addr=$1 port=$2 test=$3 out
	shift 3
	out=$(in_ns "$NS1" timeout "$T_CLIENT" "$dgram" -c -a "$addr" \
		-p "$port" --psk "$psk" -t "$test" "$@" 2>&1)
	echo "$out" | grep -v '^PASS'
	echo "$out" | grep -q "^PASS $test:"
}

# run NAME ADDR PORT TEST ARGS...: one TAP line named after the PASS line
run() {
	local name=$1 out
	shift
	if out=$(client "$@" 2>&1); then
		tap_ok "$name"
	else
		tap_fail "$name" "$(echo "$out" | tail -3 | tr '\n' ' ')"
	fi
}

# Each socket holds references on the module until it is freed.
# from a clean start: earlier tests' sockets may still linger
quic_sockets_gone
refs0=$(cat /sys/module/quic/refcnt)
server limit4 "$ADDR2_V4" 4601 --max 1000 || tap_fail "dgram server (IPv4, max 1000)"
server limit6 "$ADDR2_V6" 4602 --max 1000 || tap_fail "dgram server (IPv6, max 1000)"
server big "$ADDR2_V4" 4603 --max 65535 || tap_fail "dgram server (max 65535)"
server none "$ADDR2_V4" 4604 || tap_fail "dgram server (no datagrams)"

run "IPv4: 200 datagrams of 0 to 997 bytes echoed intact, MSG_EOR on each" \
	"$ADDR2_V4" 4601 echo
run "IPv6: 200 datagrams of 0 to 997 bytes echoed intact, MSG_EOR on each" \
	"$ADDR2_V6" 4602 echo
run "peer advertises 1000 bytes: 997 pass, 998 and 65535 EMSGSIZE, handshake cmsg EINVAL" \
	"$ADDR2_V4" 4601 limits
run "1500-byte link: 1400 bytes pass, 1500 EMSGSIZE (no packet holds them)" \
	"$ADDR2_V4" 4603 path
run "peer advertises nothing: EINVAL, the stream still echoes" \
	"$ADDR2_V4" 4604 noadvert
run "MSG_PEEK, then a 900-byte datagram read in 4 parts, MSG_EOR on the last" \
	"$ADDR2_V4" 4601 partial
run "1 MiB stream echo and 64 datagrams interleaved: all back intact, each once" \
	"$ADDR2_V4" 4601 mixed
run "a reader away 1.5 s keeps only what SO_RCVBUF allows of 100 datagrams, stream still echoes" \
	"$ADDR2_V4" 4601 flood --rcvbuf 4096

# inject: its own DATAGRAM frames at an xfer echo server advertising 64.
T_INJ=$(scaled 120)
ip netns exec "$NS2" timeout -k 5 "$T_INJ" "$xfer" -s --timeout "$T_INJ" \
	-a "$ADDR2_V4" -p 4605 --psk "$psk" --conns 100000 --dgram-max 64 \
	< /dev/null > "$work/xfer.srv" 2>&1 &
xfer_pid=$!
PIDS+=("$xfer_pid")
wait_line "$work/xfer.srv" '^listening on' ||
	tap_fail "xfer echo server (--dgram-max 64) listens"
mapfile -t cases < <("$inject" list dgram)
in_ns "$NS1" timeout -k 5 "$T_INJ" "$inject" conn -a "$ADDR2_V4" -p 4605 \
	--psk "$psk" --server-pid "$xfer_pid" --cipher aes128 \
	--case-timeout "$(scaled 10)" --timeout "$T_INJ" \
	--case "$(printf '%s\n' "${cases[@]}" | cut -f1 | paste -sd,)" \
	< /dev/null > "$work/inject.log" 2>&1
for c in "${cases[@]}"; do
	IFS=$'\t' read -r name desc outcome <<< "$c"
	case $outcome in
	ignored) outcome="taken, the connection still echoes" ;;
	*) outcome="connection closed with $outcome" ;;
	esac
	res=$(grep -m1 "^RESULT $name " "$work/inject.log")
	case $res in
	"RESULT $name PASS:"*) tap_ok "inject: $desc: $outcome" ;;
	*) tap_fail "inject: $desc: $outcome" \
		"${res:-no result: $(tail -3 "$work/inject.log" | tr '\n' ' ')}" ;;
	esac
done
# Each case's first frame, 62 bytes after a 1-byte Length, was taken and
# read by the server before the close.
taken() { [ "$(grep -c 'datagram of 62 bytes' "$1")" = 2 ]; }
tap_check "inject: the server read the frame of each case that fits (62 bytes)" \
	taken "$work/xfer.srv"

# Last, as netem stays: 10% loss each way.
if tc -n "$NS1" qdisc add dev veth1 root netem loss 10% &&
	tc -n "$NS2" qdisc add dev veth2 root netem loss 10%; then
	run "10% loss each way: some of 300 datagrams come back, none resent, stream still echoes" \
		"$ADDR2_V4" 4601 loss
else
	tap_fail "netem loss 10% on both ends of the link"
fi

# Every socket is freed once its program is gone: none is kept alive by
# datagrams it sent, queued or was sent.
stop_all
tap_check "every QUIC socket freed once the programs exited (module references back to $refs0)" \
	quic_refs_back "$refs0"
tap_done
