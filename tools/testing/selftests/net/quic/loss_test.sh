#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Loss recovery: transfers over a link that drops, reorders and duplicates
# packets (netem on both directions) always complete, with every stream's
# SHA-256 the same at both ends.
#
#   - 5% loss, IPv4 and IPv6: LOSS_STREAMS (8) bidirectional streams of
#     LOSS_BYTES (256 KiB) each way, and one stream of LOSS_ONE_BYTES
#     (2 MiB) each way;
#   - 20% loss: LOSS_HS_CONNS (3) connections, each a LOSS_HS_BYTES
#     (64 KiB) echo; with that many handshakes some Initial and Handshake
#     packets are lost, and only PTO retransmission gets them through;
#   - 10 ms delay with 25% of packets reordered and 5% duplicated:
#     LOSS_DUP_STREAMS (32) bidirectional streams of LOSS_DUP_BYTES
#     (64 KiB) each way; many streams, so that some stream's last packet
#     is duplicated after its reader has seen the FIN.
#
# LOSS_TIMEOUT (90) bounds each client, in seconds.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=loss
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout

STREAMS=${LOSS_STREAMS:-8}
BYTES=${LOSS_BYTES:-262144}
ONE_BYTES=${LOSS_ONE_BYTES:-2097152}
HS_CONNS=${LOSS_HS_CONNS:-3}
HS_BYTES=${LOSS_HS_BYTES:-65536}
DUP_STREAMS=${LOSS_DUP_STREAMS:-32}
DUP_BYTES=${LOSS_DUP_BYTES:-65536}
T=${LOSS_TIMEOUT:-90}
# The idle timeout of both ends (the server's is the smaller): a client
# that lost every ACK so far has no RTT sample, so its PTO starts at about
# a second (RFC 9002 6.2.2) and doubles: probes 1, 3, 7 and 15 s into a
# silence. With 10 s, three probes whose ACKs were all lost (under 20%
# loss each way, about one connection in a hundred) ended the connection
# (ETIMEDOUT); 30 s leaves room for a fourth. The server also waits this
# long for a client whose closing packet was lost.
IDLE_MS=30000
work=$(mktemp -d /tmp/quic-loss.XXXXXX)
psk=$work/psk.txt
port=4600

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	stop_server
	topo_cleanup
	rm -rf "$work"
}

psk_and_topology "$psk" "$work"
trap cleanup EXIT

if ! netem loss 5%; then
	tap_fail "netem loss 5% on both ends of the link"
	tap_done
fi
for fam in 4 6; do
	if [ $fam = 4 ]; then addr=$ADDR2_V4; else addr=$ADDR2_V6; fi
	run "IPv$fam, 5% loss each way: $STREAMS bidirectional streams x $(kib "$BYTES") each way, SHA-256 equal at both ends" \
		transfer "v$fam-streams" "$addr" 1 --streams "$STREAMS" \
		--bytes "$BYTES"
	run "IPv$fam, 5% loss each way: one stream of $(kib "$ONE_BYTES") each way, SHA-256 equal at both ends" \
		transfer "v$fam-one" "$addr" 1 --one-stream "$ONE_BYTES" \
		--chunk 65536
done

if netem loss 20%; then
	run "IPv4, 20% loss each way: $HS_CONNS connections in a row complete their handshake (lost Initial/Handshake packets resent on PTO) and a $(kib "$HS_BYTES") echo, SHA-256 equal" \
		transfer v4-hs "$ADDR2_V4" "$HS_CONNS" --one-stream "$HS_BYTES"
else
	tap_fail "netem loss 20% on both ends of the link"
fi

if netem delay 10ms reorder 25% 50% duplicate 5%; then
	run "IPv6, 10 ms delay, 25% reordered, 5% duplicated: $DUP_STREAMS bidirectional streams x $(kib "$DUP_BYTES") each way, SHA-256 equal at both ends" \
		transfer v6-reorder "$ADDR2_V6" 1 --streams "$DUP_STREAMS" \
		--bytes "$DUP_BYTES"
else
	tap_fail "netem delay, reordering and duplication on both ends of the link"
fi
# vanished NAME ADDR: a long echo runs, then the link drops everything.
# The server keeps probing its unacknowledged data, yet must give up once
# VANISH_IDLE_MS pass with nothing received (RFC 9000 10.1: only the first
# ack-eliciting packet after a receipt restarts the idle timer): recvmsg or
# sendmsg fails with ETIMEDOUT within VANISH_BOUND seconds of the cut.
vanished() {
	local name=$1 addr=$2 t0 t1 cli
	port=$((port + 1))
	start_server "$name" -a "$addr" -p "$port" \
		--idle-timeout "$VANISH_IDLE_MS" || return 1
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c -a "$addr" \
		-p "$port" --psk "$psk" --timeout "$T" \
		--idle-timeout "$VANISH_IDLE_MS" --one-stream 268435456 \
		--chunk 65536 > "$work/$name.cli" 2>&1 &
	cli=$!
	for _ in $(seq 100); do
		grep -q '^handshake ok' "$srv_log" && break
		sleep 0.1
	done
	sleep 1	# data in flight both ways
	if ! netem loss 100%; then
		kill "$cli" 2> /dev/null
		echo "netem loss 100% failed"
		return 1
	fi
	t0=$SECONDS
	while kill -0 "$SRV_PID" 2> /dev/null &&
		[ $((SECONDS - t0)) -le $((VANISH_BOUND + 5)) ]; do
		sleep 0.2
	done
	t1=$SECONDS
	stop_server
	kill "$cli" 2> /dev/null
	wait "$cli" 2> /dev/null
	echo "server gave up $((t1 - t0)) s after the cut"
	if [ $((t1 - t0)) -gt "$VANISH_BOUND" ]; then
		echo "server still up $((t1 - t0)) s after the cut (bound $VANISH_BOUND s)"
		logs "$srv_log"
		return 1
	fi
	grep -q 'ETIMEDOUT' "$srv_log" || {
		echo "server did not end with ETIMEDOUT: $(why "$srv_log")"
		logs "$srv_log"
		return 1
	}
}

VANISH_IDLE_MS=2000
VANISH_BOUND=10
if netem delay 5ms; then
	check "IPv4, peer vanishes mid-transfer: the probing server ends the connection with ETIMEDOUT within $VANISH_BOUND s (idle timeout $VANISH_IDLE_MS ms)" \
		vanished v4-vanish "$ADDR2_V4"
	grep -E '^server gave up' "$work/why" | sed 's/^/# /'
else
	tap_fail "netem delay 5ms on both ends of the link"
fi
echo "# $SECONDS s in all"
tap_done
