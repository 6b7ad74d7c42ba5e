#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# quic.ko registration: IPPROTO_QUIC sockets exist only while the module is
# loaded, open sockets pin the module, and it reloads cleanly.
SUITE=module
. "$(dirname "$0")/lib.sh"
sockcheck=$SELFTEST_BIN/sockcheck
ko=$QUIC_REPO/net/quic/quic.ko
require "$sockcheck" "$ko"

expect_all() {	# expect_all RESULT: every family/type pair gives RESULT
	local out
	out=$("$sockcheck" create)
	[ "$(echo "$out" | grep -c ": $1\$")" = 4 ] || { echo "$out"; return 1; }
}

module_loaded quic && rmmod_quic
tap_check "socket(IPPROTO_QUIC) fails with EPROTONOSUPPORT before insmod" \
	expect_all EPROTONOSUPPORT
tap_check "insmod quic.ko succeeds" insmod "$ko"
tap_check "socket(IPPROTO_QUIC) succeeds for AF_INET/AF_INET6 x SOCK_STREAM/SOCK_DGRAM" \
	expect_all ok

# An open socket holds a module reference: rmmod must refuse, not crash.
coproc HOLD { exec "$sockcheck" hold 60; }
read -r -t 30 ready <&"${HOLD[0]}"
if [ "$ready" = ready ]; then
	if rmmod quic 2> /dev/null; then
		tap_fail "rmmod is refused while a QUIC socket is open"
		insmod "$ko"
	else
		tap_ok "rmmod is refused while a QUIC socket is open"
	fi
else
	tap_fail "rmmod is refused while a QUIC socket is open" "holder did not start"
fi
kill "$HOLD_PID" 2> /dev/null
wait "$HOLD_PID" 2> /dev/null
tap_check "rmmod succeeds once the socket is closed" rmmod quic
tap_check "socket(IPPROTO_QUIC) fails again after rmmod" expect_all EPROTONOSUPPORT
tap_check "reload after rmmod succeeds" insmod "$ko"
tap_done
