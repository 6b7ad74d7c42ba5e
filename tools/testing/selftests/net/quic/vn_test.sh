#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Version negotiation, the client's side (RFC 9000 6.2); the server's
# answer is checked by badinput_test.sh (listener case bad-version).
#   - A fake server (inject vn-server) answers the client's Initial with a
#     Version Negotiation packet offering only 0x0a1a2a3a: the client
#     abandons the attempt, its handshake fails with ECONNREFUSED within
#     5 s (before, it retried until its handshake gave up), and
#     /proc/net/quic/snmp counts it (QuicVersionNegRefused).
#   - One offering version 1, the client's own, is stale or forged and
#     must be dropped: the client is still trying 4 s later.
# IPv4 and IPv6 for the first.
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=vn
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
inject=$SELFTEST_BIN/inject
require "$xfer" "$inject" psktool ip timeout

server_pair_setup vn

# fake NAME ADDR PORT [VERSIONS]: inject vn-server in $NS2
fake() {
	ip netns exec "$NS2" "$inject" vn-server -a "$2" -p "$3" \
		${4:+--versions "$4"} > "$work/$1.srv" 2>&1 &
	SRV=$!
	wait_line "$work/$1.srv" '^listening'
}
stop() { kill "$SRV"; wait "$SRV"; SRV=; }

# refused FAM ADDR PORT: the client gives up on a server of no version
refused() {
	local fam=$1 addr=$2 port=$3 t0 ms rc
	fake "v$fam" "$addr" "$port" || { echo "fake server: $(cat "$work/v$fam.srv")"; return 1; }
	t0=$(date +%s%N)
	ip netns exec "$NS1" timeout 30 "$xfer" -c -a "$addr" -p "$port" \
		--psk "$psk" --timeout 25 > "$work/v$fam.cli" 2>&1
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	stop
	echo "client exit $rc after $ms ms: $(grep -m1 -i 'handshake' "$work/v$fam.cli")"
	grep -q 'Connection refused' "$work/v$fam.cli" && [ "$ms" -lt 5000 ] &&
		grep -q '^VN ' "$work/v$fam.srv"
}
tap_check "IPv4: a server offering only 0x0a1a2a3a: the client's handshake fails with ECONNREFUSED within 5 s" \
	refused 4 "$ADDR2_V4" 4950
tap_check "IPv6: the same" refused 6 "$ADDR2_V6" 4951

tap_check "/proc/net/quic/snmp counts both attempts refused (QuicVersionNegRefused 2)" \
	quic_counter_is "$NS1" QuicVersionNegRefused 2

# ignored: a VN that lists the client's version changes nothing
ignored() {
	local rc
	fake own "$ADDR2_V4" 4952 00000001 || return 1
	ip netns exec "$NS1" timeout 4 "$xfer" -c -a "$ADDR2_V4" -p 4952 \
		--psk "$psk" --timeout 25 > "$work/own.cli" 2>&1
	rc=$?
	stop
	echo "client exit $rc ($(grep -c '^VN ' "$work/own.srv") VN sent): $(grep -m1 -i 'handshake' "$work/own.cli")"
	[ "$rc" = 124 ] && ! grep -q 'refused' "$work/own.cli" &&
		grep -q '^VN ' "$work/own.srv"
}
tap_check "a Version Negotiation listing the client's own version is dropped: the client still tries 4 s later" \
	ignored
tap_done
