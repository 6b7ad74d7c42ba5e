#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bind(2), getsockname(2) and getpeername(2) on QUIC sockets: ephemeral
# ports, conflicts reported like UDP, bad arguments, IPv4 and IPv6; connect(2)
# of an AF_INET6 socket to IPv4-mapped addresses and what both names say.
SUITE=bind
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
sockcheck=$SELFTEST_BIN/sockcheck
require "$sockcheck"

ns=quic-bind-$$
trap 'ip netns del $ns 2> /dev/null' EXIT
ip netns add $ns
ip -n $ns link set lo up
# Run in a fresh namespace so no other test's ports interfere.
in_ns $ns "$sockcheck" bind || __tap_failed=1
tap_done
