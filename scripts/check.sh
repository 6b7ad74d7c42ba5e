#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: run every test and print one numbered TAP stream ending in
# "N passed, N failed, N skipped". Order: userspace unit tests (fast), fuzz
# targets for a bounded time, then the selftests in one VM boot.
#
# Environment: TESTS (grep -E pattern on test paths such as unit/test_frame,
# fuzz/fuzz_packet, selftests/bind_test.sh), FUZZ_SECONDS (per target,
# default 10), TEST_TIMEOUT (per selftest, default 600), VM_RESULTS (keep
# the VM's logs in this directory), VERBOSE=1 (print selftest output).
# QUIC_CHECK_DEBUG=1 (make check-debug): only the VM part, on the debug
# test kernel (scripts/debug-kernel/vm-tests.sh), KUnit suites included.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$repo/build
pattern=${TESTS:-.}
fuzz_seconds=${FUZZ_SECONDS:-10}
selected() { echo "$1" | grep -qE -- "$pattern"; }

run_unit() {
	local t
	for t in "$build"/unit/test_*; do
		[ -x "$t" ] || continue
		selected "unit/$(basename "$t")" || continue
		"$t" 2>&1
		local rc=$?
		[ $rc = 0 ] || echo "not ok - unit: $(basename "$t") exited with status $rc"
	done
}

run_fuzz() {
	local t name corpus log
	for t in "$build"/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		selected "fuzz/$name" || continue
		corpus=$(mktemp -d)
		cp "$repo/tools/testing/fuzz/corpus/${name#fuzz_}"/* "$corpus"/ 2>/dev/null
		log=$(mktemp)
		if "$t" -max_total_time="$fuzz_seconds" -timeout=10 \
			-rss_limit_mb=1024 -print_final_stats=1 "$corpus" \
			> "$log" 2>&1; then
			echo "ok - fuzz: $name: $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") inputs in ${fuzz_seconds}s without a crash, leak or UB"
		else
			echo "not ok - fuzz: $name: crashed (see below)"
			grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" |
				head -20 | sed 's/^/# /'
		fi
		rm -rf "$corpus" "$log"
	done
}

# Kernel style: checkpatch --strict and sparse, each one TAP line.
run_style() {
	local log n
	log=$(mktemp)
	if selected "style/checkpatch"; then
		n=$(make -s -C "$repo" --no-print-directory print-kernel-srcs | wc -w)
		if make -s -C "$repo" checkpatch > "$log" 2>&1; then
			echo "ok - style: checkpatch --strict reports nothing on $n kernel source files"
		else
			echo "not ok - style: checkpatch --strict reports nothing on $n kernel source files"
			grep -E '^(ERROR|WARNING|CHECK|#)' "$log" | head -30 | sed 's/^/# /'
		fi
	fi
	if selected "style/sparse"; then
		make -C "$repo" sparse > "$log" 2>&1
		if [ $? = 0 ] && ! grep -E 'warning:|error:' "$log" > /dev/null; then
			echo "ok - style: sparse (C=2) and W=1 report nothing on the modules"
		else
			echo "not ok - style: sparse (C=2) and W=1 report nothing on the modules"
			grep -E 'warning:|error:' "$log" | head -30 | sed 's/^/# /'
		fi
	fi
	rm -f "$log"
}

run_vm() {
	local tests=() t
	for t in tools/testing/selftests/net/quic/*_test.sh; do
		selected "selftests/$(basename "$t")" && tests+=("$t")
	done
	[ ${#tests[@]} -gt 0 ] || return 0
	local opts=(-t "${TEST_TIMEOUT:-600}")
	[ -n "${VM_RESULTS:-}" ] && opts+=(-o "$VM_RESULTS")
	[ "${VERBOSE:-0}" = 1 ] && opts+=(-v)
	"$repo/scripts/vm/vm-run.sh" "${opts[@]}" "${tests[@]}"
}

# Number the TAP lines, count them, and fail on any failure or on nothing run.
# Each failure is repeated at the end, as a comment, with the first
# diagnostic lines that followed it, so that a log cut to its tail (CI)
# still says why.
number_tap() {
	awk '
	/^ok( |$)/ || /^not ok( |$)/ {
		n++
		ok = ($1 == "ok")
		sub(/^(not )?ok */, "")
		sub(/^- */, "")
		line = (ok ? "ok " : "not ok ") n " - " $0
		print line
		if (!ok) {
			failed++
			why[failed] = "# " line
			ndiag = 0
		} else if ($0 ~ /# *SKIP/) {
			skipped++
		} else {
			passed++
		}
		in_failure = !ok
		fflush()
		next
	}
	/^#/ { print; fflush(); note($0); next }
	{ print "# " $0; fflush(); note("# " $0) }
	function note(l) {
		if (in_failure && ndiag++ < 8)
			why[failed] = why[failed] "\n" l
	}
	END {
		if (failed) {
			print "# failures, each with the lines that followed it:"
			for (i = 1; i <= failed; i++)
				print why[i]
		}
		print "1.." n
		printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
		exit (failed > 0 || n == 0) ? 1 : 0
	}'
}

cd "$repo" || exit 1
if [ "${QUIC_CHECK_DEBUG:-0}" = 1 ]; then
	"$repo/scripts/debug-kernel/vm-tests.sh" | number_tap
	exit
fi
{ run_style; run_unit; run_fuzz; run_vm; } | number_tap
