#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# quic_perf (tools/quic/perf) between two hosts, briefly, over QUIC, TCP and
# kTLS: each run exits 0, its -J output parses in iperf3's layout, the
# bytes sent equal the bytes received and what the server counted, and the
# cipher is the one asked for; reverse, byte-count, parallel and latency
# modes give sane numbers; a wrong key fails the handshake; a one-off server
# exits after its test. Then the benchmark's smoke mode (bench.sh, which
# also runs the handshake-rate, no-encryption, ngtcp2 and idle-connection
# paths) must print well-formed RESULT lines and JSON, and no QUIC socket
# may outlive the server.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=perf
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
perf_bin=$QUIC_BUILD/tools/quic_perf
require "$perf_bin" jq certtool psktool ip timeout
work=$(mktemp -d /tmp/quic-perf.XXXXXX)
port=5301
SRV_PID=

cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null && wait "$SRV_PID"
	topo_cleanup
	rm -rf "$work"
}

check() {	# check NAME CMD...: one TAP line (and how long it took)
	local name=$1 t0=${EPOCHREALTIME/./} ds
	shift
	if "$@" > "$work/why" 2>&1; then
		tap_ok "$name"
	else
		tap_fail "$name" "$(tail -5 "$work/why" | tr '\n' ' ')"
	fi
	ds=$(( (${EPOCHREALTIME/./} - t0) / 100000 ))
	echo "# ($((ds / 10)).$((ds % 10)) s)"
}

if ! "$(dirname "$0")/mkcerts.sh" "$work/creds" > "$work/mkcerts.log" 2>&1; then
	tap_fail "test credentials from mkcerts.sh" "$(tail -3 "$work/mkcerts.log")"
	rm -rf "$work"
	tap_done
fi
modprobe tls 2> /dev/null
topo_two_hosts || { tap_fail "two-host topology"; rm -rf "$work"; tap_done; }
trap cleanup EXIT

srv_log=$work/server.log
ip netns exec "$NS2" "$perf_bin" -s -B "$ADDR2_V4" -p "$port" --psk "$work/creds/psk.txt" \
	--no-encryption > "$srv_log" 2>&1 &
SRV_PID=$!
perf_server_up "$srv_log"
check "server listens on QUIC, TCP and kTLS" grep -q '^Server listening on .* (quic, tcp, ktls)' "$srv_log"

# run NAME ARGS...: a -J client run into $work/NAME.json that exits 0
run() {
	local name=$1 rc
	shift
	in_ns "$NS1" timeout -k 5 60 "$perf_bin" -c "$ADDR2_V4" -p "$port" \
		--psk "$work/creds/psk.txt" -J "$@" > "$work/$name.json" \
		2> "$work/$name.err"
	rc=$?
	[ "$rc" = 0 ] || { echo "client exit $rc: $(tail -3 "$work/$name.err")"; return 1; }
}

# server_bytes COOKIE: what the server counted for that test
server_bytes() {
	local line
	for _ in $(seq 50); do
		line=$(grep "^server: test $1 " "$srv_log") && break
		sleep 0.1
	done
	echo "$line" | sed -n 's/.*: \([0-9]*\) bytes in .*/\1/p'
}

# stream NAME CIPHER ARGS...: a transfer whose counts agree everywhere
stream() {
	local name=$1 cipher=$2 v srv sent rcvd got cookie mbit
	shift 2
	run "$name" -i 0.2 "$@" || return 1
	# One jq for all of it: the iperf3 layout, then the numbers we compare.
	# TCP senders report retransmits; QUIC has no such count.
	v=$(jq -er '
		if (.start.connected[0].remote_port and .start.test_start and
		    (.intervals | length > 0) and .intervals[0].sum.bits_per_second and
		    .end.sum_sent.bits_per_second > 0 and
		    .end.sum_received.bits_per_second > 0 and
		    .end.sum_received.seconds > 0 and (.end.streams | length > 0) and
		    .end.cpu_utilization_percent and
		    (.start.transport == "quic" or .start.test_start.reverse == 1 or
		     .end.sum_sent.retransmits >= 0))
		then "\(.end.sum_sent.bytes) \(.end.sum_received.bytes) \(.start.cipher) \(.start.cookie) \(.end.sum_received.bits_per_second / 1e6 | floor)"
		else "layout" end' "$work/$name.json") ||
		{ echo "jq failed on $(head -c 300 "$work/$name.json")"; return 1; }
	[ "$v" != layout ] ||
		{ echo "iperf3 layout incomplete: $(jq -c '.end' "$work/$name.json" | head -c 300)"; return 1; }
	read -r sent rcvd got cookie mbit <<< "$v"
	srv=$(server_bytes "$cookie")
	[ "$rcvd" -gt 0 ] || { echo "nothing received"; return 1; }
	[ "$sent" = "$rcvd" ] || { echo "sent $sent, received $rcvd"; return 1; }
	[ "$srv" = "$rcvd" ] || { echo "client says $rcvd bytes, server $srv"; return 1; }
	[ "$got" = "$cipher" ] || { echo "cipher $got, expected $cipher"; return 1; }
	[ -z "$BYTES" ] || [ "$rcvd" = "$BYTES" ] ||
		{ echo "received $rcvd bytes, not $BYTES"; return 1; }
	echo "# $name: $rcvd bytes, $mbit Mbit/s" >&3
}
BYTES=
exec 3>&1

check "quic: 16K writes for 0.5 s, counts equal at both ends, -J layout, AES-128-GCM" \
	stream quic aes-128-gcm --quic -t 0.5 -l 16K
check "tcp: 16K writes for 0.5 s, counts equal at both ends, -J layout" \
	stream tcp none --tcp -t 0.5 -l 16K
check "ktls: 16K writes for 0.5 s over kernel TLS 1.3, counts equal, AES-128-GCM" \
	stream ktls aes-128-gcm --ktls -t 0.5 -l 16K
check "quic: -R (server sends), counts equal" \
	stream quic-rev aes-128-gcm --quic -R -t 0.5
BYTES=1048576
check "ktls: -R -n 1M: exactly 1048576 bytes from the server" \
	stream ktls-n aes-128-gcm --ktls -R -n 1M
check "quic: -P 3 -n 1M -l 1000: exactly 1048576 bytes over 3 connections" \
	stream quic-par aes-128-gcm --quic -P 3 -n 1M -l 1000
BYTES=

# jqcheck NAME FILTER: FILTER (a condition, then a summary) on NAME's JSON
jqcheck() {
	local v
	v=$(jq -er "if $2 else \"failed: \\(.end)\" end" "$work/$1.json") ||
		{ echo "-J output does not parse: $(head -c 300 "$work/$1.json")"; return 1; }
	case $v in
	failed:*) echo "$v"; return 1 ;;
	esac
	echo "# $1: $v" >&3
}
lat() {	# latency: round trips happened, p50 <= p99
	run "$@" && jqcheck "$1" '.end.latency.round_trips > 10 and
		.end.latency.p50_us > 0 and
		.end.latency.p50_us <= .end.latency.p99_us and
		.end.latency.p99_us <= .end.latency.max_us
		then "p50 \(.end.latency.p50_us) us, p99 \(.end.latency.p99_us) us"'
}
check "quic: --latency gives p50 <= p99 over 1-byte round trips" lat quic-lat --quic --latency -t 0.5

badkey() {	# a client with another key must fail the handshake (exit 3)
	local rc
	printf 'quic-test:%064d\n' 0 > "$work/wrong.txt"
	in_ns "$NS1" timeout -k 5 30 "$perf_bin" -c "$ADDR2_V4" -p "$port" \
		--psk "$work/wrong.txt" -t 1 "$@" > "$work/bad.out" 2>&1
	rc=$?
	[ "$rc" = 3 ] || { echo "exit $rc, expected 3: $(tail -2 "$work/bad.out")"; return 1; }
}
check "quic: a wrong PSK fails the handshake (exit 3)" badkey --quic

oneoff() {	# -1: the server exits 0 after one test
	local pid rc
	ip netns exec "$NS2" timeout -k 5 60 "$perf_bin" -s -1 -B "$ADDR2_V4" -p $((port + 1)) \
		--psk "$work/creds/psk.txt" > "$work/oneoff.log" 2>&1 &
	pid=$!
	perf_server_up "$work/oneoff.log"
	in_ns "$NS1" timeout -k 5 60 "$perf_bin" -c "$ADDR2_V4" -p $((port + 1)) \
		--psk "$work/creds/psk.txt" -n 64K > "$work/oneoff.cli" 2>&1 ||
		{ echo "client: $(tail -2 "$work/oneoff.cli")"; kill "$pid"; return 1; }
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] || { echo "server exit $rc: $(tail -2 "$work/oneoff.log")"; return 1; }
	grep -q 'received: 65536 bytes' "$work/oneoff.log" ||
		{ echo "server log: $(tail -2 "$work/oneoff.log")"; return 1; }
}
check "server -1 exits 0 after one test that moved the 64K asked for" oneoff

bench_smoke() {
	local out=$work/bench.out
	BENCH_MODE=smoke BENCH_JSON=$work/bench.json BENCH_CREDS=$work/creds \
		"$(dirname "$0")/bench.sh" > "$out" 2>&1 ||
		{ echo "bench.sh exit $?: $(grep -E 'bench:|not ok' "$out" | head -3)"; return 1; }
	# one line per row, then handshakes and memory
	local want
	for want in 'tcp none 64K [0-9]+\.[0-9] 1\.00x' \
		'ktls aes-128-gcm 64K [0-9]+\.[0-9] 1\.00x' \
		'quic aes-128-gcm 64K [0-9]+\.[0-9] [0-9]+\.[0-9]{2}x' \
		'quic none 64K [0-9]+\.[0-9] [0-9]+\.[0-9]{2}x' \
		'ngtcp2 aes-128-gcm 64K [0-9]+\.[0-9] [0-9]+\.[0-9]{2}x' \
		'quic-hw aes-128-gcm 64K [0-9]+\.[0-9] [0-9]+\.[0-9]{2}x' \
		'quic-sim aes-128-gcm 64K [0-9]+\.[0-9] [0-9]+\.[0-9]{2}x' \
		'handshakes quic [0-9]+\.[0-9]' 'handshakes ktls [0-9]+\.[0-9]' \
		'memory quic [0-9]+'; do
		grep -qE "^RESULT $want\$" "$out" ||
			{ echo "no RESULT $want line: $(grep '^RESULT' "$out" | tr '\n' '|')"; return 1; }
	done
	if grep '^RESULT' "$out" | grep -vqE '^RESULT (([a-z0-9-]+ [a-z0-9-]+ [0-9]+K [0-9]+\.[0-9] [0-9]+\.[0-9]{2}x)|(handshakes [a-z]+ [0-9]+\.[0-9])|(memory quic [0-9]+))$'; then
		echo "malformed RESULT line"
		return 1
	fi
	jq -e '(.throughput | length >= 5) and .handshakes_per_s.quic > 0 and
	       .memory_bytes_per_idle_connection >= 0' "$work/bench.json" > /dev/null ||
		{ echo "bench JSON: $(head -c 300 "$work/bench.json")"; return 1; }
	grep -E '^(# \[|RESULT)' "$out" | sed 's/^/# /' >&3
}
check "bench.sh smoke mode: well-formed RESULT lines and JSON" bench_smoke

inuse() {	# "QUIC QUICv6" sockets in use in namespace $1
	in_ns "$1" cat /proc/net/protocols |
		awk '$1 == "QUIC" { a = $3 } $1 == "QUICv6" { b = $3 } END { print a, b }'
}
released() {	# every QUIC socket of these runs goes once the server stops
	local got
	kill "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=
	for _ in $(seq 30); do
		got="$(inuse "$NS1") / $(inuse "$NS2")"
		[ "$got" = "0 0 / 0 0" ] && return 0
		sleep 0.5
	done
	echo "QUIC sockets still in use (client ns / server ns): $got; QUIC slab objects: $(awk '$1 == "QUIC" || $1 == "QUICv6" { printf "%s %s ", $1, $2 }' /proc/slabinfo)"
	return 1
}
check "every QUIC socket released once the server stops" released
tap_done
