#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-report.sh RESULTS QEMU_RC VERBOSE: turn what a VM run left in RESULTS
# into unnumbered TAP lines. A test contributes the TAP lines it printed;
# a non-zero exit or a timeout with no failing line of its own becomes one.
# Then the run itself: modules loaded and unloaded, VM finished in time, and
# a kernel log free of the reports that mean a kernel bug.
res=$1 qemu_rc=$2 verbose=$3
failed=0

tap() {	# tap OK|FAIL description
	if [ "$1" = OK ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		failed=1
	fi
}

show_tail() {	# show the end of a file as TAP diagnostics
	[ -f "$1" ] && tail -n "${2:-40}" "$1" | sed 's/^/# /'
}

# show_oops_head FILE: the first lines of the first kernel report in FILE
# (what happened, on which CPU and task, where), as TAP diagnostics. A
# whole oops is longer than the tail shown after it, and a log cut to the
# few lines after each failure (CI's) still says what killed the guest.
show_oops_head() {
	local at pat='Oops|BUG:|general protection fault|invalid opcode|'
	pat+='double fault|stack segment|int3:|Kernel panic'
	[ -f "$1" ] || return 0
	at=$(grep -n -m1 -E "$pat" "$1" | cut -d: -f1)
	[ -z "$at" ] || sed -n "$at,$((at + 7))p" "$1" | sed 's/^/# oops: /'
}

if [ -f "$res/load.rc" ] && [ "$(cat "$res/load.rc")" != 0 ]; then
	tap FAIL "vm: modules load"
	show_tail "$res/load.log"
fi
# guest-init.sh settles static keys first: one switched under a running
# test can kill a TCG guest. A failure here makes such a death likelier.
if [ -f "$res/secrets.rc" ]; then
	if [ "$(cat "$res/secrets.rc")" = 0 ]; then
		tap OK "vm: static keys held and first-use secrets drawn before the tests"
	else
		tap FAIL "vm: static keys held and first-use secrets drawn before the tests"
		show_tail "$res/secrets.log"
	fi
fi

for name in "$res"/out/*.name; do
	[ -e "$name" ] || break
	n=${name%.name}
	t=$(cat "$name")
	rc=$(cat "$n.rc" 2>/dev/null || echo none)
	out=$n.out
	[ "$verbose" = 1 ] && [ -f "$out" ] && sed 's/^/# | /' "$out"
	if [ -f "$out" ]; then
		grep -E '^(not )?ok( |$)' "$out" | grep -v '^ok [0-9]' || true
	fi
	own_fail=$(grep -cE '^not ok' "$out" 2>/dev/null || true)
	[ "${own_fail:-0}" = 0 ] || failed=1
	case $rc in
	0) ;;
	124|137) tap FAIL "$t: timed out"; show_tail "$out" 20 ;;
	none) tap FAIL "$t: did not finish (VM died or timed out)" ;;
	125) tap FAIL "$t: not run, modules failed to load" ;;
	*)
		failed=1
		if [ "${own_fail:-0}" = 0 ]; then
			tap FAIL "$t: exited with status $rc"
		fi
		show_tail "$out" 20
		;;
	esac
	grep -qE '^ok' "$out" 2>/dev/null || [ "$rc" != 0 ] ||
		tap FAIL "$t: reported no result"
	# How long it ran: what keeps make check within its time budget.
	[ -f "$n.secs" ] && echo "# ${t##*/}: $(cat "$n.secs") s"
done

if [ ! -f "$res/done" ]; then
	if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		tap FAIL "vm: finished within its time limit"
	else
		tap FAIL "vm: ran to completion (qemu exit $qemu_rc)"
	fi
	show_oops_head "$res/console.log"
	show_tail "$res/console.log" 60
	exit 1
fi

if [ "$(cat "$res/unload.rc")" = 0 ]; then
	tap OK "vm: modules unload cleanly after the tests"
else
	tap FAIL "vm: modules unload cleanly after the tests"
	show_tail "$res/unload.log"
fi

# Kernel log: any of these means a kernel bug, whichever test caused it.
bad='BUG:|WARNING:|Oops|KASAN|UBSAN|refcount_t|unreferenced object|'
bad+='hung_task|blocked for more than|soft lockup|hard LOCKUP|'
bad+='general protection fault|kernel BUG|list_(add|del) corruption|'
bad+='possible recursive locking|circular locking|suspicious RCU'
if grep -E "$bad" "$res/dmesg.txt" "$res/console.log" > "$res/badlog.txt"; then
	tap FAIL "vm: kernel log free of BUG/WARNING/Oops/KASAN/leak/lockup reports"
	sed 's/^/# /' "$res/badlog.txt" | head -40
	grep -B5 -A30 -E "$bad" "$res/dmesg.txt" | head -80 | sed 's/^/# /'
else
	tap OK "vm: kernel log free of BUG/WARNING/Oops/KASAN/leak/lockup reports"
fi
if [ -s "$res/kmemleak.txt" ]; then
	tap FAIL "vm: kmemleak reports no leaks"
	head -40 "$res/kmemleak.txt" | sed 's/^/# /'
fi
exit $failed
