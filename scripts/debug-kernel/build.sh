#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh [-f] [-q]: build (or reuse) the debug test kernel and print the
# directory that holds it. See scripts/debug-kernel/README.rst.
#
# Inputs: Debian's linux-source-6.12 tarball, x86_64_defconfig +
# kvm_guest.config, scripts/debug-kernel/debug.config and the patch series
# in scripts/kernel-patches/. Their content hash names the output directory
#   $QUIC_DEBUG_KERNEL_CACHE/<hash>/   (default build/debug-kernel/)
#     linux/        the patched tree, built in place (modules build against it)
#     bzImage       the kernel image
#     kver          its release string (make kernelrelease)
#     build.log     the build output; build-time: seconds the build took
# so a rebuild happens only when an input changes; ccache (CCACHE_DIR,
# default $QUIC_DEBUG_KERNEL_CACHE/ccache) makes that rebuild cheap.
# $QUIC_DEBUG_KERNEL_CACHE/current points at the latest good build.
#
# The build runs under nice -n 19 ionice -c3 with -j$QUIC_DEBUG_KERNEL_JOBS
# (default 2), so it does not disturb timing-sensitive tests on the host.
#
#   -f  rebuild even if the cached build is complete
#   -q  quiet: only print the directory (the log is in build.log)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/scripts/debug-kernel
cache=${QUIC_DEBUG_KERNEL_CACHE:-$repo/build/debug-kernel}
jobs=${QUIC_DEBUG_KERNEL_JOBS:-2}
# Bump when the way the tree is configured or built changes.
recipe=1
force=0
quiet=0

while getopts "fq" opt; do
	case $opt in
	f) force=1 ;;
	q) quiet=1 ;;
	*) sed -n '/^# build.sh/,/^set -e/p' "$0" >&2; exit 2 ;;
	esac
done

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { [ "$quiet" = 1 ] || echo "debug-kernel: $*" >&2; }

tarball=$(ls /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | head -1)
[ -n "$tarball" ] ||
	die "linux-source-6.12 is not installed (scripts/debug-kernel/install-deps.sh)"
for t in ccache bc flex bison make gcc; do
	command -v "$t" > /dev/null ||
		die "$t missing (scripts/debug-kernel/install-deps.sh)"
done
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
	 stat -c '%s %Y' "$tarball")
patches=()
while IFS= read -r p; do patches+=("$p"); done < <(
	find "$repo/scripts/kernel-patches" -name '*.patch' 2>/dev/null | sort)

hash=$({
	echo "recipe $recipe"
	echo "source $(basename "$tarball") $srcver"
	gcc --version | head -1
	cat "$here/debug.config"
	for p in "${patches[@]}"; do echo "patch $(basename "$p")"; cat "$p"; done
} | sha256sum | cut -c1-16)
out=$cache/$hash
tree=$out/linux

if [ "$force" = 0 ] && [ -f "$out/done" ]; then
	say "cached build $out ($(cat "$out/kver"))"
	ln -sfn "$hash" "$cache/current"
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9

# A half-built tree from an interrupted run is kept: make resumes it.
if [ ! -f "$tree/.patched" ]; then
	say "extracting $(basename "$tarball") into $tree"
	rm -rf "$out"
	mkdir -p "$out/tmp"
	tar -C "$out/tmp" -xJf "$tarball"
	mv "$out/tmp"/linux-source-6.12* "$tree"
	rmdir "$out/tmp"
	for p in "${patches[@]}"; do
		say "applying $(basename "$p")"
		patch -d "$tree" -p1 --batch --forward -s < "$p" ||
			die "$(basename "$p") does not apply"
	done
	touch "$tree/.patched"
fi

export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
# The tree path is part of every command line; let ccache ignore it so
# trees of different hashes share hits.
export CCACHE_BASEDIR=$tree
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
kmake=(nice -n 19 ionice -c3 make -C "$tree" -j"$jobs" CC="ccache gcc"
       KBUILD_BUILD_TIMESTAMP="@0" KBUILD_BUILD_USER=quic
       KBUILD_BUILD_HOST=debug-kernel)

say "configuring"
"${kmake[@]}" -s x86_64_defconfig
"${kmake[@]}" -s kvm_guest.config
(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$here/debug.config") \
	> "$out/merge.log" 2>&1 || { cat "$out/merge.log" >&2; die "merge failed"; }
cat >> "$tree/.config" <<'EOF'
CONFIG_LOCALVERSION="-quic-debug"
# CONFIG_LOCALVERSION_AUTO is not set
EOF
"${kmake[@]}" -s olddefconfig

# Every symbol of the fragment must have survived the dependency checks.
dropped=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) want=$line; sym=${line%%=*} ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
		want="# $sym is not set" ;;
	*) continue ;;
	esac
	have=$(grep -E "^$sym=|^# $sym is not set" "$tree/.config" || true)
	# An unset symbol that Kconfig hides (unmet dependency) is also "off".
	if [ "$have" != "$want" ] &&
	   ! { [ -z "$have" ] && [ "${want#\# }" != "$want" ]; }; then
		echo "debug-kernel: $want requested, .config has '${have:-nothing}'" >&2
		dropped=1
	fi
done < "$here/debug.config"
[ "$dropped" = 0 ] || die "config fragment not applied as written"

say "building $(make -s -C "$tree" kernelrelease) in $tree (log: $out/build.log)"
start=$(date +%s)
if ! "${kmake[@]}" all > "$out/build.log" 2>&1; then
	tail -30 "$out/build.log" >&2
	die "kernel build failed (see $out/build.log)"
fi
echo $(( $(date +%s) - start )) > "$out/build-time"
cp "$tree/arch/x86/boot/bzImage" "$out/bzImage"
make -s -C "$tree" kernelrelease > "$out/kver"
touch "$out/done"
ln -sfn "$hash" "$cache/current"
say "built $(cat "$out/kver") in $(cat "$out/build-time") s"
echo "$out"
