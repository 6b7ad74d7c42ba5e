#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-tests.sh: the VM part of `make check-debug`, printing unnumbered TAP
# (scripts/check.sh numbers it). Builds or reuses the debug kernel, builds
# quic.ko (with the KUnit suites) against it in build/debug-modules/, then
# boots it once under flock /tmp/quic-vm.lock and runs debug_test.sh (the
# detectors are armed, quic-offload is there, KUnit results) and every
# selftest. vm-report.sh fails the run on any BUG/WARNING/KASAN/lockdep
# report in the kernel log and on anything kmemleak finds in its scan after
# the tests.
#
# Environment: TESTS (grep -E pattern, as for make check), TEST_TIMEOUT
# (per test, default 900: KASAN + lockdep under TCG are several times
# slower), VM_RESULTS (keep the VM's logs there), VERBOSE=1,
# QUIC_DEBUG_KERNEL_CACHE (see build.sh).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/scripts/debug-kernel
pattern=${TESTS:-.}
mods=build/debug-modules
selected() { echo "$1" | grep -qE -- "$pattern"; }
log=$(mktemp -d /tmp/quic-debug.XXXXXX)
trap 'rm -rf "$log"' EXIT

echo "# debug kernel: build or reuse (scripts/debug-kernel/build.sh)"
start=$(date +%s)
if ! kdir=$("$here/build.sh" -q 2> "$log/build.err"); then
	echo "not ok - debug-kernel: build the debug kernel"
	tail -30 "$log/build.err" | sed 's/^/# /'
	exit 1
fi
kver=$(cat "$kdir/kver")
echo "ok - debug-kernel: $kver ready in $(( $(date +%s) - start )) s" \
     "(cold build took $(cat "$kdir/build-time" 2>/dev/null || echo ?) s)"

missing=
for o in KASAN_GENERIC PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK KUNIT; do
	grep -q "^CONFIG_$o=y" "$kdir/linux/.config" || missing+=" $o"
done
if [ -z "$missing" ]; then
	echo "ok - debug-kernel: config has KASAN_GENERIC PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK KUNIT"
else
	echo "not ok - debug-kernel: config lacks$missing"
fi

if ! "$here/modules.sh" "$kdir/linux" "$repo/$mods" > "$log/modules.log" 2>&1; then
	echo "not ok - debug-kernel: quic.ko (W=1 -Werror, KUnit) builds against $kver"
	grep -E 'error|warning' "$log/modules.log" | head -30 | sed 's/^/# /'
	exit 1
fi
vermagic=$(modinfo -F vermagic "$repo/$mods/net/quic/quic.ko" 2>/dev/null)
case $vermagic in
"$kver "*) echo "ok - debug-kernel: quic.ko (W=1 -Werror, KUnit) builds against $kver" ;;
*) echo "not ok - debug-kernel: quic.ko vermagic '$vermagic' is not $kver"; exit 1 ;;
esac

# debug_test.sh always runs: it proves the detectors were armed.
tests=(scripts/debug-kernel/debug_test.sh)
for t in tools/testing/selftests/net/quic/*_test.sh; do
	selected "selftests/$(basename "$t")" && tests+=("$t")
done

# The selftests that reload the module insmod net/quic/quic.ko (and
# offload_feature_test.sh drivers/net/quic_offload/quicsim.ko, diag_test.sh
# net/quic/quic_diag.ko): in the guest those paths show the debug builds
# instead.
# acpi=noirq: PCI interrupts from the BIOS tables instead of the ACPI _PRT
# method, whose AML loop exceeds ACPICA's 30 s loop timeout when every
# allocation goes through KASAN, kmemleak and lockdep under TCG.
# no5lvl: four-level paging, although qemu's "max" CPU offers LA57. Under
# five levels, identify_cpu() clears the boot CPU's feature bits for a
# moment; pgtable_l5_enabled() (read from them until the alternatives are
# patched) is false meanwhile, so KASAN puts the start of the kernel's
# address space above the five-level direct map, and an interrupt that
# locks its irq_desc there is reported as a wild access: a false report
# at boot, which turns lock debugging off for the whole run (seen once
# in a full run).
opts=(-k "$kver" -K "$kdir/bzImage" -M 3G -t "${TEST_TIMEOUT:-1500}"
      -a acpi=noirq -a no5lvl)
if [ -f "$repo/net/quic/quic.ko" ]; then
	opts+=(-b "$mods/net/quic/quic.ko:net/quic/quic.ko")
else
	opts+=(-m "$mods/net/quic/quic.ko")
fi
sim=drivers/net/quic_offload/quicsim.ko
[ -f "$repo/$sim" ] && [ -f "$repo/$mods/$sim" ] &&
	opts+=(-b "$mods/$sim:$sim")
# diag_test.sh insmods net/quic/quic_diag.ko.
dg=net/quic/quic_diag.ko
[ -f "$repo/$dg" ] && [ -f "$repo/$mods/$dg" ] && opts+=(-b "$mods/$dg:$dg")
# kconsumer_test.sh insmods the selftests' kernel consumer.
kc=tools/testing/selftests/net/quic/kconsumer/quic_kconsumer.ko
[ -f "$repo/$kc" ] && [ -f "$repo/$mods/$kc" ] && opts+=(-b "$mods/$kc:$kc")
res=${VM_RESULTS:-$log/vm}
opts+=(-o "$res")
[ "${VERBOSE:-0}" = 1 ] && opts+=(-v)

start=$(date +%s)
flock /tmp/quic-vm.lock "$repo/scripts/vm/vm-run.sh" "${opts[@]}" "${tests[@]}"
rc=$?
echo "# VM run took $(( $(date +%s) - start )) s"

# After the run: the detectors were still on at the end.
if [ -f "$res/kmemleak.txt" ]; then
	echo "ok - debug: kmemleak scanned after the tests" \
	     "($(grep -c 'unreferenced object' "$res/kmemleak.txt") reports)"
else
	echo "not ok - debug: kmemleak scanned after the tests"
fi
if grep -q 'turning off the locking correctness validator' \
	"$res/dmesg.txt" 2>/dev/null; then
	echo "not ok - debug: lockdep stayed on for the whole run"
else
	echo "ok - debug: lockdep stayed on for the whole run"
fi
exit $rc
