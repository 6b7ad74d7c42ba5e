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

run_check "$sockopt_check"
tap_done
