#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh [KUNIT.PY ARGS...]: the in-tree lane. Puts net/quic into a copy
# of Debian's linux-source-6.12 (with scripts/kernel-patches/ applied) via
# intree.sh, runs the QUIC KUnit suites with the kernel's own runner
#   tools/testing/kunit/kunit.py run --kunitconfig=net/quic
# (UML by default; pass --arch=x86_64 to run them under qemu instead), then
# rebuilds net/quic/ of that tree with W=1 KCFLAGS=-Werror.
#
# The tree lives in $QUIC_DEBUG_KERNEL_CACHE/kunit-<source hash>/ (default
# build/debug-kernel/); the build directory is kept, so a second run is
# incremental. Runs under nice -n 19 ionice -c3, -j$QUIC_DEBUG_KERNEL_JOBS.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/scripts/debug-kernel
cache=${QUIC_DEBUG_KERNEL_CACHE:-$repo/build/debug-kernel}
jobs=${QUIC_DEBUG_KERNEL_JOBS:-2}
die() { echo "kunit.sh: $*" >&2; exit 1; }

tarball=$(ls /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | head -1)
[ -n "$tarball" ] || die "linux-source-6.12 is not installed"
hash=$({
	echo "source $(basename "$tarball") $(stat -c '%s %Y' "$tarball")"
	cat "$repo"/scripts/kernel-patches/*.patch 2>/dev/null
} | sha256sum | cut -c1-16)
top=$cache/kunit-$hash
tree=$top/linux
arch=um
for a in "$@"; do
	case $a in --arch=*) arch=${a#--arch=} ;; esac
done
bdir=$top/build-$arch

mkdir -p "$cache"
exec 9> "$cache/.kunit.lock"
flock 9

if [ ! -f "$tree/.patched" ]; then
	rm -rf "$top"
	mkdir -p "$top/tmp"
	tar -C "$top/tmp" -xJf "$tarball"
	mv "$top/tmp"/linux-source-6.12* "$tree"
	rmdir "$top/tmp"
	for p in "$repo"/scripts/kernel-patches/*.patch; do
		[ -f "$p" ] || continue
		patch -d "$tree" -p1 --batch --forward -s < "$p" ||
			die "$(basename "$p") does not apply"
	done
	touch "$tree/.patched"
fi
"$here/intree.sh" "$tree" >&2

export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export CCACHE_BASEDIR=$tree
cc=gcc
command -v ccache > /dev/null && cc="ccache gcc"

cd "$tree"
nice -n 19 ionice -c3 python3 tools/testing/kunit/kunit.py run \
	--kunitconfig=net/quic --build_dir="$bdir" --jobs="$jobs" \
	--make_options "CC=$cc" "$@"

# The QUIC objects again, with W=1 and warnings as errors.
kmake=(nice -n 19 ionice -c3 make -C "$tree" O="$bdir" -j"$jobs" "CC=$cc")
[ "$arch" = um ] && kmake+=(ARCH=um)
[ "$arch" = x86_64 ] && kmake+=(ARCH=x86_64)
"${kmake[@]}" W=1 KCFLAGS=-Werror net/quic/ drivers/net/quic_offload/
echo "kunit.sh: net/quic/ and drivers/net/quic_offload/ build in-tree with W=1 -Werror ($arch)"
