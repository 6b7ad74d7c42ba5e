#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: `make bench`. Boots the test VM once and runs
# tools/testing/selftests/net/quic/bench.sh in it (QUIC vs TCP vs kTLS vs
# ngtcp2 on the selftests' two-netns veth topology), then prints its
# table and RESULT lines and keeps the JSON results.
#
# Environment: BENCH_MODE (full, the default, smoke, profile or memory), BENCH_SECONDS
# (per throughput run), BENCH_SIZES (write sizes, default "1K 16K 64K"),
# BENCH_ROUNDS (throughput rounds, each row the median, default 3),
# BENCH_MTU (the veth's MTU, default 1500),
# BENCH_IDLE_CONNS (idle connections for the memory
# figure, default 1000), BENCH_PROFILE=1 (add a perf profile),
# BENCH_PROFILE_ARGS (client options of the profiled run),
# BENCH_PROFILE_EVENT (its perf event, default cpu-clock),
# BENCH_OUT (JSON results, default build/bench/results.json),
# BENCH_TIMEOUT (VM time limit in seconds, default 1200).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-$repo/build/bench/results.json}
dir=$repo/build/bench
vmout=$dir/vm

mkdir -p "$dir" "$(dirname "$out")"
# The VM inherits no environment: hand the settings over in a file.
{
	echo "BENCH_MODE=${BENCH_MODE:-full}"
	[ -n "${BENCH_SECONDS:-}" ] && echo "BENCH_SECONDS=$BENCH_SECONDS"
	[ -n "${BENCH_IDLE_CONNS:-}" ] && echo "BENCH_IDLE_CONNS=$BENCH_IDLE_CONNS"
	[ -n "${BENCH_SIZES:-}" ] && echo "BENCH_SIZES=\"$BENCH_SIZES\""
	[ -n "${BENCH_ROUNDS:-}" ] && echo "BENCH_ROUNDS=$BENCH_ROUNDS"
	[ -n "${BENCH_MTU:-}" ] && echo "BENCH_MTU=$BENCH_MTU"
	[ -n "${BENCH_PROFILE:-}" ] && echo "BENCH_PROFILE=$BENCH_PROFILE"
	[ -n "${BENCH_PROFILE_ARGS:-}" ] &&
		echo "BENCH_PROFILE_ARGS=\"$BENCH_PROFILE_ARGS\""
	[ -n "${BENCH_PROFILE_EVENT:-}" ] &&
		printf "BENCH_PROFILE_EVENT=%q\n" "$BENCH_PROFILE_EVENT"
} > "$dir/config"
rm -rf "$vmout"

limit=${BENCH_TIMEOUT:-1200}
"$repo/scripts/vm/vm-run.sh" -t "$limit" -T $((limit + 180)) \
	-o "$vmout" tools/testing/selftests/net/quic/bench.sh > "$dir/tap.txt"
rc=$?
# The bench's own output: progress and table ("# ...") and RESULT lines.
[ -f "$vmout/out/1.out" ] && grep -vE '^(not )?ok ' "$vmout/out/1.out"
cat "$dir/tap.txt"
rm -f "$dir/config"
if [ "${BENCH_MODE:-full}" = profile ] || [ "${BENCH_MODE:-full}" = memory ]; then
	:	# a profile or the memory figure only: no JSON results
elif [ -s "$vmout/bench.json" ]; then
	cp "$vmout/bench.json" "$out"
	echo "bench: JSON results in $out"
else
	echo "bench: no JSON results came back (see $vmout)"
	rc=1
fi
[ -s "$vmout/profile.txt" ] && echo "bench: profile in $vmout/profile.txt"
exit $rc
