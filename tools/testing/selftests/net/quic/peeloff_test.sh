#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QUIC_SOCKOPT_STREAM_PEELOFF: streams on sockets of their own carry data
# both ways with read()/write(), end with shutdown() and close() as the
# draft says (FIN, STOP_SENDING), report a peer's reset, keep out of the
# connection socket's reads, and bad arguments get the right errno; the
# STREAM_UPDATE events these raise (one TAP line per check, from
# peeloff_check).
SUITE=peeloff
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
peeloff_check=$SELFTEST_BIN/peeloff_check
require "$peeloff_check" ip tc timeout

run_check "$peeloff_check"
# Half the packets 50 ms late: FINs overtake data (RECV_STATE_SIZE_KNOWN).
run_check --netem "delay 50ms reorder 50%" "$peeloff_check" --reorder
tap_done
