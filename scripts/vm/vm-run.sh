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
#   -t SECONDS  time limit per test (default 300)
#   -T SECONDS  time limit for the whole VM (default: sum of test limits+120)
#   -M MEM      guest memory (default 2G)
#   -o DIR      keep results (console log, dmesg, test output) in DIR
#   -v          print each test's full output, not only its TAP lines
set -u

repo=$(cd "$(dirname "$0")/../.." && pwd)
kver=6.12.107+deb12-amd64
vmlinuz=
modules=()
test_timeout=300
vm_timeout=
mem=2G
outdir=
verbose=0

while getopts "k:K:m:t:T:M:o:v" opt; do
	case $opt in
	k) kver=$OPTARG ;;
	K) vmlinuz=$OPTARG ;;
	m) modules+=("$OPTARG") ;;
	t) test_timeout=$OPTARG ;;
	T) vm_timeout=$OPTARG ;;
	M) mem=$OPTARG ;;
	o) outdir=$OPTARG ;;
	v) verbose=1 ;;
	*) sed -n '/^# vm-run.sh/,/^set -u/p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
tests=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(net/quic/quic.ko)
vmlinuz=${vmlinuz:-/boot/vmlinuz-$kver}
[ -n "$vm_timeout" ] || vm_timeout=$(( (test_timeout + 10) * ${#tests[@]} + 120 ))

fail() { echo "not ok - vm: $*"; exit 1; }

[ -r "$vmlinuz" ] || fail "kernel image $vmlinuz missing (install linux-image-$kver-unsigned)"
[ -d "/lib/modules/$kver/kernel" ] || fail "/lib/modules/$kver missing"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing"
[ -x /bin/busybox ] || fail "/bin/busybox missing (install busybox-static)"
for m in "${modules[@]}"; do
	[ -f "$repo/$m" ] || fail "module $m not built (run make)"
done

work=$(mktemp -d /tmp/quic-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
res=$work/res
mkdir -p "$res/out" "$work/initrd"

# The guest reads its instructions from the results share.
{
	printf 'REPO=%q\n' "$repo"
	printf 'TEST_TIMEOUT=%q\n' "$test_timeout"
	printf 'MODULES=('; printf '%q ' "${modules[@]}"; printf ')\n'
	printf 'TESTS=('; printf '%q ' "${tests[@]}"; printf ')\n'
} > "$res/config"

"$repo/scripts/vm/mkinitrd.sh" "$kver" "$work/initrd" "$work/initrd.gz" ||
	fail "could not build the initramfs"

timeout -k 10 "$vm_timeout" qemu-system-x86_64 \
	-accel tcg -cpu max -smp 2 -m "$mem" \
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=4 slab_nomerge quic_repo=$repo" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$res",mount_tag=results,security_model=none,multidevs=remap \
	-virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on,multidevs=remap \
	-nographic -no-reboot -nic none \
	> "$work/console.log" 2>&1 < /dev/null
qemu_rc=$?
tr -d '\r' < "$work/console.log" > "$res/console.log"

if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	cp -r "$res"/. "$outdir"/
fi

"$repo/scripts/vm/vm-report.sh" "$res" "$qemu_rc" "$verbose"
