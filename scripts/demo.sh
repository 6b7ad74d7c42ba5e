#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: boot the test VM, load the modules and run the demo,
# printing what happens inside.
set -u
cd "$(dirname "$0")/.." || exit 1
scripts/vm/vm-run.sh -v -t 120 tools/testing/selftests/net/quic/demo.sh
