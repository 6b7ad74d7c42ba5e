#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Receive-window auto-tuning, bounded by the socket's receive buffer.
#
# Over a 100 ms RTT link (netem delay, both ways), a client whose initial
# receive windows (connection and stream) are FC_WINDOW (16 KiB) echoes one
# stream of FC_BYTES (2 MiB) through the server, SHA-256 equal at both
# ends. Those windows are what limits the echo's way back:
#
#   - grown: with the default buffer limits the windows double while they
#     limit the transfer, so it ends in well under half the time a fixed
#     16 KiB window allows (bytes / window * RTT);
#   - capped: with SO_RCVBUF set to FC_WINDOW on the client (the kernel
#     doubles it: 32 KiB), the windows stop growing there, so the transfer
#     takes at least 80% of bytes / 32 KiB * RTT.
#
# 1-RTT encryption is off in both cases, so that the CPU is not what limits
# the transfer under TCG; FC_TIMEOUT (60, scaled on the debug kernel)
# bounds each client, in seconds. On the debug kernel (QUIC_SLOW > 1) the
# CPU limits even that, so "grown" runs without its bound.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=flowcontrol
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout

WINDOW=${FC_WINDOW:-16384}
BYTES=${FC_BYTES:-2097152}
T=${FC_TIMEOUT:-$(scaled 60)}
RTT_MS=100
work=$(mktemp -d /tmp/quic-fc.XXXXXX)
psk=$work/psk.txt
port=4700

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	stop_server
	topo_cleanup
	rm -rf "$work"
}

psk_and_topology "$psk" "$work"
trap cleanup EXIT

if ! netem delay $((RTT_MS / 2))ms limit 100000; then
	tap_fail "netem delay $((RTT_MS / 2)) ms on both ends of the link"
	tap_done
fi

# timed NAME max|min|any MS ARGS...: an echo transfer (see xfer_lib.sh)
# whose data must take less than (max) or at least (min) MS milliseconds,
# or any time. The client gets ARGS and --window: its receive windows limit
# the echo.
timed() {
	local name=$1 how=$2 bound=$3 out=$work/$1.out took
	shift 3
	if ! transfer "$name" "$ADDR2_V4" 1 --one-stream "$BYTES" \
		--no-encryption --window "$WINDOW" "$@" > "$out"; then
		cat "$out"
		return 1
	fi
	took=$(echo_ms "$name")
	[ -n "$took" ] || { echo "no client time: $(head -3 "$out")"; return 1; }
	if [ "$how" = max ] && [ "$took" -ge "$bound" ]; then
		echo "took $took ms, not under $bound ms: the windows did not grow"
		return 1
	fi
	if [ "$how" = min ] && [ "$took" -lt "$bound" ]; then
		echo "took $took ms, under $bound ms: a window grew beyond SO_RCVBUF"
		return 1
	fi
	echo "times: the echo took $took ms (bound: $how $bound ms)"
	grep -E '^(client|handshake seconds):' "$out"
}

# What one window per round trip allows, in ms, for a window of $1 bytes.
window_ms() {
	echo $((BYTES / $1 * RTT_MS))
}

fixed=$(window_ms "$WINDOW")
grown="grown: $(kib "$WINDOW") initial windows, $(kib "$BYTES") each way at $RTT_MS ms RTT in under half of the $fixed ms a fixed window allows"
if [ "$QUIC_SLOW" = 1 ]; then
	run "$grown" timed grown max $((fixed / 2))
else
	# The debug kernel's CPU cost, not the windows, sets this time.
	run "grown: $(kib "$WINDOW") initial windows, $(kib "$BYTES") each way at $RTT_MS ms RTT" \
		timed grown any 0
	tap_skip "$grown" "debug kernel: the CPU, not the windows, sets the time"
fi

capped=$(window_ms $((2 * WINDOW)))
run "capped: with SO_RCVBUF $(kib "$WINDOW") on the client (the kernel doubles it) its windows stay within it: at least 80% of $capped ms" \
	timed capped min $((capped * 8 / 10)) --rcvbuf "$WINDOW"

tap_done
