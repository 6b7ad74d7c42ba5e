#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the debug-kernel VM, first of all tests (scripts/debug-kernel/
# check.sh puts it there). Proves the bug detectors are armed, that the
# kernel carries the quic-offload feature patch, and reports the KUnit
# suites that ran when quic.ko (built with CONFIG_QUIC_KUNIT_TEST) loaded.
# One TAP line each; unnumbered, like every VM test.
fail=0
ok() { echo "ok - debug: $*"; }
not_ok() { echo "not ok - debug: $*"; fail=1; }
check() {	# check DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@" > /dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi
}

not_in_cpuinfo() { ! grep -qw "$1" /proc/cpuinfo; }

echo "# kernel $(uname -r): $(tr -d '\n' < /proc/cmdline)"
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug

check "KASAN is active (KernelAddressSanitizer initialized)" \
	grep -q 'KernelAddressSanitizer initialized' <(dmesg)
check "lockdep is active (/proc/lockdep_stats: debug_locks 1)" \
	grep -Eq 'debug_locks: +1$' /proc/lockdep_stats
check "kmemleak is active (/sys/kernel/debug/kmemleak writable)" \
	test -w /sys/kernel/debug/kmemleak
# vm-tests.sh boots with no5lvl: KASAN misreports an interrupt at boot
# under five-level paging (see there).
check "four-level paging (no la57 in /proc/cpuinfo)" \
	not_in_cpuinfo la57
feat=$(ethtool -k lo 2>&1 | grep 'quic-offload')
echo "# ethtool -k lo: ${feat:-no quic-offload line}"
if [ "$(echo "$feat" | tr -s ' \t' ' ')" = "quic-offload: off [fixed]" ]; then
	ok "ethtool -k lo lists quic-offload: off [fixed]"
else
	not_ok "ethtool -k lo lists quic-offload: off [fixed]"
fi

# KUnit: one line per quic_* suite from debugfs, its cases as diagnostics.
suites=0
for d in /sys/kernel/debug/kunit/quic_*; do
	[ -f "$d/results" ] || continue
	suites=$((suites + 1))
	s=$(basename "$d")
	sed 's/^/# /' "$d/results"
	cases=$(grep -cE '^[[:space:]]+ok [0-9]+ ' "$d/results")
	if grep -qE '^[[:space:]]*not ok ' "$d/results" ||
	   ! grep -qE "^ok [0-9]+ $s\$" "$d/results"; then
		not_ok "kunit: suite $s passes"
	else
		ok "kunit: suite $s passes ($cases cases)"
	fi
done
if [ "$suites" -ge 3 ]; then
	ok "kunit: $suites quic suites ran when quic.ko loaded"
else
	not_ok "kunit: 3 quic suites ran when quic.ko loaded (found $suites)"
fi
exit $fail
