#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh [options] TEST...: boot the test kernel under qemu (TCG), load
# our modules, run each TEST (a path relative to the repository root) with a
# time limit, unload the modules, and report one TAP line per result on
# stdout (unnumbered: scripts/check.sh numbers the whole stream).
#
# The guest sees the host root read-only over virtio-9p (virtme style), so
# every host tool is there; /tmp, /run and /var/tmp are tmpfs, and a second,
# writable 9p share carries results back. Exit status: 0 only when every
# test passed, the modules unloaded, and the kernel log is clean.
#
# Options:
#   -k KVER     kernel release to boot (default: Debian's 6.12 image)
#   -K VMLINUZ  kernel image (default /boot/vmlinuz-KVER)
#   -m MOD      module to load, path relative to the repo (repeatable;
#               default net/quic/quic.ko)
#   -b SRC:DST  in the guest, bind-mount SRC over DST before loading the
#               modules (paths relative to the repo; repeatable). The debug
#               kernel lane puts its own quic.ko over net/quic/quic.ko so
#               the selftests that insmod that path get a matching module.
#   -t SECONDS  time limit per test (default 300; a test's own
#               "# vm-timeout: SECONDS" line may raise it)
#   -T SECONDS  time limit for the whole VM (default: sum of test limits+120)
#   -M MEM      guest memory (default 2G)
#   -a ARGS     extra kernel command line arguments (repeatable)
#   -o DIR      keep results (console log, dmesg, test output) in DIR
#   -v          print each test's full output, not only its TAP lines
set -u

repo=$(cd "$(dirname "$0")/../.." && pwd)
kver=6.12.107+deb12-amd64
vmlinuz=
modules=()
binds=()
extra_args=
test_timeout=300
vm_timeout=
mem=2G
outdir=
verbose=0

while getopts "k:K:m:b:t:T:M:a:o:v" opt; do
	case $opt in
	k) kver=$OPTARG ;;
	K) vmlinuz=$OPTARG ;;
	m) modules+=("$OPTARG") ;;
	b) binds+=("$OPTARG") ;;
	t) test_timeout=$OPTARG ;;
	T) vm_timeout=$OPTARG ;;
	M) mem=$OPTARG ;;
	a) extra_args+=" $OPTARG" ;;
	o) outdir=$OPTARG ;;
	v) verbose=1 ;;
	*) sed -n '/^# vm-run.sh/,/^set -u/p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
tests=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(net/quic/quic.ko)
# With its own image (-K) a kernel may have no module tree: it then has
# 9p built in, and the initramfs loads no modules.
[ -n "$vmlinuz" ] && [ ! -d "/lib/modules/$kver" ] && builtin_9p=1 || builtin_9p=0
vmlinuz=${vmlinuz:-/boot/vmlinuz-$kver}
# A test's "# vm-timeout: SECONDS" line raises its own limit (guest-init.sh).
if [ -z "$vm_timeout" ]; then
	vm_timeout=120
	for t in "${tests[@]}"; do
		own=$(sed -n 's/^# vm-timeout: *\([0-9][0-9]*\)$/\1/p' "$repo/$t" 2>/dev/null | head -1)
		vm_timeout=$((vm_timeout + 10 + (${own:-0} > test_timeout ? own : test_timeout)))
	done
fi

fail() { echo "not ok - vm: $*"; exit 1; }

[ -r "$vmlinuz" ] || fail "kernel image $vmlinuz missing (install linux-image-$kver-unsigned)"
[ "$builtin_9p" = 1 ] || [ -d "/lib/modules/$kver/kernel" ] ||
	fail "/lib/modules/$kver missing"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing"
[ -x /bin/busybox ] || fail "/bin/busybox missing (install busybox-static)"
for m in "${modules[@]}"; do
	[ -f "$repo/$m" ] || fail "module $m not built (run make)"
done
for b in "${binds[@]}"; do
	[ -f "$repo/${b%%:*}" ] && [ -e "$repo/${b#*:}" ] ||
		fail "bind $b: both paths must exist"
done

work=$(mktemp -d /tmp/quic-vm.XXXXXX)
tshark_pid=
trap '[ -n "$tshark_pid" ] && kill $tshark_pid 2> /dev/null; rm -rf "$work"' EXIT
res=$work/res
mkdir -p "$res/out" "$work/initrd"

# The guest's tshark runs here (tshark-host.sh, tshark-proxy.sh): under
# TCG its start alone takes 30-40 s. QUIC_VM_HOST_TSHARK=0 keeps it in
# the guest.
if [ "${QUIC_VM_HOST_TSHARK:-1}" = 1 ] && command -v tshark > /dev/null; then
	mkdir "$res/tshark"
	: > "$res/tshark/serving"
	"$repo/scripts/vm/tshark-host.sh" "$res/tshark" &
	tshark_pid=$!
fi

# The guest reads its instructions from the results share.
{
	printf 'REPO=%q\n' "$repo"
	printf 'TEST_TIMEOUT=%q\n' "$test_timeout"
	printf 'MODULES=('; printf '%q ' "${modules[@]}"; printf ')\n'
	printf 'TESTS=('; printf '%q ' "${tests[@]}"; printf ')\n'
	if [ ${#binds[@]} -gt 0 ]; then
		printf 'BINDS=('; printf '%q ' "${binds[@]}"; printf ')\n'
	fi
} > "$res/config"

QUIC_BUILTIN_9P=$builtin_9p \
"$repo/scripts/vm/mkinitrd.sh" "$kver" "$work/initrd" "$work/initrd.gz" ||
	fail "could not build the initramfs"

# One boot of the guest; the console goes to $work/console.log.
# mitigations=off: the guest runs nothing but our tests, and under TCG its
# Spectre mitigations (retpolines on every indirect call, RSB filling on
# each context switch) cost about 40% of the time of a bulk transfer.
# QUIC_VM_CPU overrides the emulated CPU model (default "max").
boot_guest() {
	timeout -k 10 "$vm_timeout" qemu-system-x86_64 \
		-accel tcg -cpu "${QUIC_VM_CPU:-max}" -smp 2 -m "$mem" \
		-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=4 slab_nomerge mitigations=off quic_repo=$repo$extra_args" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs local,path="$res",mount_tag=results,security_model=none,multidevs=remap \
		-virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on,multidevs=remap \
		-nographic -no-reboot -nic none \
		> "$work/console.log" 2>&1 < /dev/null
}

# Multi-threaded TCG now and then runs a stale translation of kernel text
# that the boot has just live-patched (a static key's int3), and the guest
# oopses before init, long before our modules exist. Only such a boot is
# retried: guest-init.sh marks the point where our part begins, and any
# failure after it counts.
attempt=1
while :; do
	boot_guest
	qemu_rc=$?
	[ -f "$res/booted" ] || [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ] ||
		[ "$attempt" -ge 3 ] && break
	echo "# vm: guest died before init (boot $attempt, qemu exit $qemu_rc), booting again:"
	grep -m3 -E 'Oops|panic|RIP:' "$work/console.log" | tr -d '\r' | sed 's/^/#   /'
	cp "$work/console.log" "$res/console-boot$attempt.log"
	attempt=$((attempt + 1))
done
tr -d '\r' < "$work/console.log" > "$res/console.log"
if [ -n "$tshark_pid" ]; then
	kill $tshark_pid 2> /dev/null
	wait $tshark_pid 2> /dev/null
	tshark_pid=
	rm -rf "$res/tshark"
fi

if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	cp -r "$res"/. "$outdir"/
fi

"$repo/scripts/vm/vm-report.sh" "$res" "$qemu_rc" "$verbose"
