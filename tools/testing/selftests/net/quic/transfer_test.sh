#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QUIC data transfer between two hosts over IPv4 and IPv6: many concurrent
# bidirectional streams echoed back, one long stream, and unidirectional
# streams; every stream's SHA-256 must be the same at both ends.
#
# Sizes can be scaled down for slow machines: TRANSFER_STREAMS (100),
# TRANSFER_BYTES (1 MiB per stream and direction), TRANSFER_ONE_BYTES
# (10 MiB), TRANSFER_UNI_STREAMS (50), TRANSFER_UNI_BYTES (256 KiB),
# TRANSFER_TIMEOUT (seconds per transfer, 150). On the debug kernel the
# first two are divided by QUIC_SLOW (lib.sh).
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=transfer
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
mkcerts=$(dirname "$0")/mkcerts.sh
require "$xfer" "$mkcerts" psktool certtool ip timeout dumpcap tshark

STREAMS=${TRANSFER_STREAMS:-100}
# On the debug kernel (QUIC_SLOW > 1) the bidirectional sizes are divided
# by QUIC_SLOW: 100 MiB each way do not fit the time limit at its speed.
BYTES=${TRANSFER_BYTES:-$((1024 / QUIC_SLOW * 1024))}
ONE_BYTES=${TRANSFER_ONE_BYTES:-$((10240 / QUIC_SLOW * 1024))}
UNI_STREAMS=${TRANSFER_UNI_STREAMS:-50}
UNI_BYTES=${TRANSFER_UNI_BYTES:-262144}
T=${TRANSFER_TIMEOUT:-150}
work=$(mktemp -d /tmp/quic-transfer.XXXXXX)
psk=$work/creds/psk.txt
port=4530
SRV_TIMEOUT=$((T + 10))

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

stream_lines() {	# stream_lines LOG tx|rx: "id bytes sha256", sorted
	sed -n "s/^stream \([0-9]*\) $2 \([0-9]*\) sha256 \([0-9a-f]*\)\$/\1 \2 \3/p" \
		"$1" | sort -n
}

# echo_check NAME ADDR COUNT BIDI CLIENT-ARGS...: one connection; both
# ends exit 0; the server's per-stream hashes equal the client's, on COUNT
# streams, and with BIDI (1) the echoes' hashes too; neither end's socket
# dropped a datagram.
echo_check() {
	local name=$1 addr=$2 count=$3 bidi=$4 srv tx rx bad
	shift 4
	xfer_echo "$name" "$addr" --close-code 7 \
		--close-phrase "transfer done" "$@" || return 1

	srv=$(stream_lines "$srv_log" rx)
	tx=$(stream_lines "$cli_log" tx)
	rx=$(stream_lines "$cli_log" rx)
	[ "$(echo "$srv" | grep -c .)" = "$count" ] || {
		echo "server reports $(echo "$srv" | grep -c .) streams, expected $count; missing: $(diff <(echo "$tx" | cut -d' ' -f2) <(echo "$srv" | cut -d' ' -f2) | grep '^[<>]' | tr '\n' ' ')"
		grep -v sha256 "$srv_log" | tail -5 | sed 's/^/# srv: /' >&3
		grep -v sha256 "$cli_log" | tail -5 | sed 's/^/# cli: /' >&3
		return 1
	}
	if [ "$srv" != "$tx" ]; then
		bad=$(diff <(echo "$tx") <(echo "$srv") | grep -c '^>')
		echo "$bad streams differ between client tx and server rx, e.g.: $(diff <(echo "$tx") <(echo "$srv") | grep '^[<>]' | head -2 | tr '\n' ' ')"
		return 1
	fi
	if [ "$bidi" = 1 ] && [ "$rx" != "$tx" ]; then
		bad=$(diff <(echo "$tx") <(echo "$rx") | grep -c '^>')
		echo "$bad echoed streams differ from what the client sent"
		return 1
	fi
	grep -qx 'close errcode 7 phrase transfer done' "$srv_log" || {
		echo "server saw no close 7 \"transfer done\": $(grep '^close' "$srv_log" | tr '\n' ' ')"
		return 1
	}
	# A clean link loses nothing: a drop is the stack's own (a full
	# backlog), and costs the sender a loss recovery.
	for log in "$srv_log" "$cli_log"; do
		grep -qx 'drops 0' "$log" || {
			echo "datagrams dropped on a clean link: $(grep '^drops' "$log" | tr '\n' ' ')"
			return 1
		}
	done
	echo "# $name: $(grep -E '^(OK|FAIL):' "$cli_log")" >&3
}

# wire_probe NAME SERVER-ARGS -- CLIENT-ARGS: a 256 KiB echo, captured at
# the client; prints "OK N": N of 8 16-byte pieces of stream 0's data
# found in the clear in some UDP payload (a piece is missed only when it
# straddles two packets).
wire_probe() {
	local name=$1 sargs=() n=0 off rc cap
	shift
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	port=$((port + 1))
	start_server "$name" -a "$ADDR2_V4" -p "$port" "${sargs[@]}" ||
		return 1
	ip netns exec "$NS1" dumpcap -q -i veth1 -f "udp port $port" \
		-w "$work/$name.pcap" > "$work/$name.dumpcap" 2>&1 &
	cap=$!
	for _ in $(seq 100); do
		grep -q "^Capturing on" "$work/$name.dumpcap" && break
		sleep 0.1
	done
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c \
		-a "$ADDR2_V4" -p "$port" --psk "$psk" \
		--timeout "$T" --one-stream 262144 "$@" > "$work/$name.cli" 2>&1
	rc=$?
	wait "$SRV_PID"
	SRV_PID=
	sleep 1
	kill "$cap" 2> /dev/null
	wait "$cap" 2> /dev/null
	[ "$rc" = 0 ] || {
		echo "client exit $rc: $(why "$work/$name.cli")"
		return 1
	}
	tshark -r "$work/$name.pcap" -T fields -e udp.payload 2> /dev/null |
		tr -d ':' > "$work/$name.hex"
	for off in 4096 30000 65536 100000 131072 170000 200000 250000; do
		grep -q "$("$xfer" --pattern "0:$off:16")" "$work/$name.hex" &&
			n=$((n + 1))
	done
	echo "OK $n"
}

certs_and_topology "$work/creds" "$work"
trap xfer_cleanup EXIT
exec 3>&1	# echo_check() reports its rate here, past check()'s capture

for fam in 4 6; do
	if [ $fam = 4 ]; then addr=$ADDR2_V4; else addr=$ADDR2_V6; fi
	check "IPv$fam: $STREAMS concurrent bidirectional streams x $(kib "$BYTES") each way, SHA-256 equal at both ends" \
		echo_check "v$fam-streams" "$addr" "$STREAMS" 1 \
		--streams "$STREAMS" --bytes "$BYTES"
	check "IPv$fam: one stream of $(kib "$ONE_BYTES") each way, SHA-256 equal at both ends" \
		echo_check "v$fam-one" "$addr" 1 1 --one-stream "$ONE_BYTES" \
		--chunk 65536
	# The server also reports the client's closing echo on stream 0.
	check "IPv$fam: $UNI_STREAMS unidirectional streams x $(kib "$UNI_BYTES"), SHA-256 equal at both ends" \
		echo_check "v$fam-uni" "$addr" $((UNI_STREAMS + 1)) 0 --uni \
		--streams "$UNI_STREAMS" --bytes "$UNI_BYTES" --open sendmsg
done

# disable_1rtt_encryption: applied only when both ends send it.
out=$(wire_probe plain --no-encryption -- --no-encryption)
if [ "${out%% *}" = OK ] && [ "${out#OK }" -ge 4 ]; then
	tap_ok "disable_1rtt_encryption on both ends: echo works, stream data crosses the wire in the clear (${out#OK } of 8 probes)"
else
	tap_fail "disable_1rtt_encryption on both ends: echo works, stream data crosses the wire in the clear" "$out"
fi
out=$(wire_probe halfplain --no-encryption --)
if [ "$out" = "OK 0" ]; then
	tap_ok "disable_1rtt_encryption from the server only: echo works, no stream data in the clear"
else
	tap_fail "disable_1rtt_encryption from the server only: echo works, no stream data in the clear" "$out"
fi
tap_done
