#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QUIC_SOCKOPT_STREAM_PEELOFF: streams on sockets of their own carry data
# both ways with read()/write(), end with shutdown() and close() as the
# draft says (FIN, STOP_SENDING), report a peer's reset, keep out of the
# connection socket's reads, and bad arguments get the right errno (one
# TAP line per check, from peeloff_check).
SUITE=peeloff
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
peeloff_check=$SELFTEST_BIN/peeloff_check
require "$peeloff_check" ip timeout

ns=quic-peeloff-$$
trap 'ip netns del $ns 2> /dev/null' EXIT
ip netns add $ns
ip -n $ns link set lo up
# A fresh namespace: no other test's sockets or ports interfere.
in_ns $ns timeout -k 5 150 "$peeloff_check"
rc=$?
case $rc in
0) ;;
1) __tap_failed=1 ;;	# its "not ok" lines say what
*) tap_fail "peeloff_check ran to completion" "exit status $rc" ;;
esac
tap_done
