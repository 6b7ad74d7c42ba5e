#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The closing state (RFC 9000 10.2.1). A client closes (application error
# 4660) while the link drops everything it sends, so its CONNECTION_CLOSE
# is lost; the server keeps sending (a datagram every 100 ms). The closed
# socket lingers for three PTOs and answers with its CONNECTION_CLOSE again
# once the link is back: the server must learn the client's code in well
# under its 15 s idle timeout (within 6 s), which is what ended such a
# connection before.
# The link has 250 ms of delay each way, so the period (three PTOs) is
# long enough to outlast the drop. Afterwards the lingering socket must be
# freed: the module's references fall back (within 10 s).
# shellcheck disable=SC2317 # learnt runs through tap_check
SUITE=closing
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
dgram=$SELFTEST_BIN/dgram
require "$dgram" psktool ip tc timeout

server_pair_setup closing

link() {	# link ARGS: netem ARGS on the client's side, 250 ms on the server's
	tc -n "$NS1" qdisc replace dev veth1 root netem "$@"
}
if ! tc -n "$NS2" qdisc add dev veth2 root netem delay 250ms ||
	! link delay 250ms; then
	tap_fail "netem delay 250ms each way"
	tap_done
fi

ip netns exec "$NS2" "$dgram" -s -a "$ADDR2_V4" -p 4700 --psk "$psk" \
	--max 1000 --tick 100 --idle 15000 > "$work/srv.log" 2>&1 &
SRV=$!
if ! wait_line "$work/srv.log" '^listening'; then
	tap_fail "dgram server listens" "$(tail -2 "$work/srv.log")"
	tap_done
fi

coproc CLI { ip netns exec "$NS1" timeout 60 "$dgram" -c -a "$ADDR2_V4" \
	-p 4700 --psk "$psk" -t closing 2>&1; }
# shellcheck disable=SC2153 # CLI_PID: set by coproc
cli_pid=$CLI_PID
line=
read -r -t 30 line <&"${CLI[0]}"
if [ "$line" != closing ]; then
	tap_fail "client connects and echoes on a stream" "$line"
	tap_done
fi
tap_ok "client connects and echoes on a stream"
link delay 250ms loss 100%
echo go >&"${CLI[1]}"
out=$(cat <&"${CLI[0]}")
wait "$cli_pid"
# close() sent the CONNECTION_CLOSE, and netem dropped it on the spot: the
# link is back at once, well within the closing period (three PTOs, a
# second or two here) also on a slow (debug) kernel.
link delay 250ms
t0=$(date +%s%N)
tap_check "client closes with error code 4660 while its datagrams are dropped" \
	grep -q '^PASS closing' <<< "$out"

learnt() {	# the server reads the client's code within 6 s
	local _
	for _ in $(seq 120); do
		grep -q '^ended:' "$work/srv.log" && break
		sleep 0.05
	done
	echo "$(grep '^ended:' "$work/srv.log"), $((($(date +%s%N) - t0) / 1000000)) ms after the close" |
		tee "$work/learnt"
	grep -q '^ended: peer close errcode 4660$' "$work/srv.log"
}
tap_check "the lingering socket answers the server with its close again: the server learns code 4660 well before its idle timeout" \
	learnt
echo "# server: $(cat "$work/learnt")"

kill "$SRV"
wait "$SRV"
SRV=
tap_check "the lingering socket is freed after the closing period (module references back to $refs0)" \
	quic_refs_back "$refs0"
tap_done
