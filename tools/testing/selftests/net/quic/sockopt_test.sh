#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SOL_QUIC socket options, QUIC control messages and sendmsg/recvmsg flags:
# lengths, limits and bad values are refused with the right errno, good
# values read back, and on a loopback connection streams, cmsgs and the
# close information behave (one TAP line per check, from sockopt_check).
SUITE=sockopt
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
sockopt_check=$SELFTEST_BIN/sockopt_check
require "$sockopt_check" ip timeout

ns=quic-sockopt-$$
trap 'ip netns del $ns 2> /dev/null' EXIT
ip netns add $ns
ip -n $ns link set lo up
# A fresh namespace: no other test's sockets or ports interfere.
in_ns $ns timeout -k 5 150 "$sockopt_check"
rc=$?
case $rc in
0) ;;
1) __tap_failed=1 ;;	# its "not ok" lines say what
*) tap_fail "sockopt_check ran to completion" "exit status $rc" ;;
esac
tap_done
