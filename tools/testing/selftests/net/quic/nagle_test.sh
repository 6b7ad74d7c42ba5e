#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Nagle's algorithm and MSG_MORE on stream data, as the socket API draft
# has them (stream_data_nodelay in QUIC_SOCKOPT_CONFIG, Nagle on unless
# set; sendmsg() with MSG_MORE holds data until a send without it). A
# client writes 160 KiB on a unidirectional stream in 100-byte pieces
# (xfer --chunk 100); the packets its namespace sent (QuicOutPackets)
# tell whether the pieces were gathered into full packets:
#   - by default: at most one packet per 3 writes (how many writes a
#     round trip gathers depends on the machine: 7 on average here);
#   - stream_data_nodelay set before connect(): at least one per 3 writes
#     (each write leaves in a packet of its own unless the congestion
#     window fills: some room for a faster machine), as many with it set
#     once connected, where any other change of QUIC_SOCKOPT_CONFIG must
#     fail with EISCONN (xfer checks both);
#   - nodelay and MSG_MORE on every write but the last: gathered again.
# In every case the server reads every byte (SHA-256 equal at both ends),
# also with 20 ms of delay on the link, where Nagle holds data for a
# whole round trip.
# shellcheck disable=SC2317 # functions run through check()
SUITE=nagle
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout

T=$(scaled 60)
BYTES=163840
CHUNK=100
WRITES=$(((BYTES + CHUNK - 1) / CHUNK))
work=$(mktemp -d /tmp/quic-nagle.XXXXXX)
psk=$work/psk.txt
port=4830
# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"
psk_and_topology "$psk" "$work"
trap xfer_cleanup EXIT

out_packets() { quic_counter "$NS1" QuicOutPackets; }

# gathered NAME OP N CLIENT-ARGS...: one transfer whose data arrives
# whole, then the client's packet count compares to N (test(1) OP)
gathered() {
	local name=$1 op=$2 n=$3 before sent tx rx opt
	shift 3
	before=$(out_packets)
	xfer_echo "$name" "$ADDR2_V4" --uni --streams 1 --bytes "$BYTES" \
		--chunk "$CHUNK" "$@" || return 1
	sent=$(($(out_packets) - before))
	tx=$(sed -n 's/^stream 2 tx \([0-9]* sha256 [0-9a-f]*\)$/\1/p' "$cli_log")
	rx=$(sed -n 's/^stream 2 rx \([0-9]* sha256 [0-9a-f]*\)$/\1/p' "$srv_log")
	[ -n "$tx" ] && [ "$tx" = "$rx" ] || {
		echo "stream 2: client sent '$tx', server read '$rx'"
		return 1
	}
	for opt in "$@"; do
		[ "$opt" = --nodelay ] || continue
		grep -qx 'nodelay on' "$cli_log" ||
			{ echo "client: no 'nodelay on'"; return 1; }
	done
	test "$sent" "$op" "$n" || {
		echo "$WRITES writes of $CHUNK bytes took $sent packets, expected $op $n"
		return 1
	}
	echo "$WRITES writes of $CHUNK bytes: $sent packets"
}

check "Nagle on by default: $WRITES writes of $CHUNK bytes gathered, at most 1 packet per 3" \
	gathered default -le $((WRITES / 3))
check "stream_data_nodelay set before connect(): a packet per write, at least 1 per 3" \
	gathered nodelay-before -ge $((WRITES / 3)) --nodelay before
check "stream_data_nodelay set once connected (other changes EISCONN): at least 1 packet per 3 writes" \
	gathered nodelay-after -ge $((WRITES / 3)) --nodelay after
check "MSG_MORE with stream_data_nodelay: gathered, at most 1 packet per 4 writes" \
	gathered more -le $((WRITES / 4)) --nodelay before --more
netem delay 20ms
check "Nagle over 20 ms of delay: every byte arrives, at most 1 packet per 4 writes" \
	gathered delay -le $((WRITES / 4))
tap_done
