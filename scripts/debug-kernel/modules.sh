#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# modules.sh KTREE OUTDIR [MAKE ARGS...]: build our modules out of tree
# against the kernel build tree KTREE (the debug kernel's, for vermagic)
# from a copy of the sources in OUTDIR, so the objects the normal lane
# builds in place under net/quic/ are never touched. The KUnit suites are
# built into quic.ko (CONFIG_QUIC_KUNIT_TEST=y) and run when it loads.
#
# Result: OUTDIR/net/quic/quic.ko (and OUTDIR/drivers/net/quic_offload/*.ko
# once that directory exists). Runs under nice/ionice like the kernel build.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
ktree=${1:?usage: modules.sh KTREE OUTDIR [MAKE ARGS...]}
out=${2:?usage: modules.sh KTREE OUTDIR [MAKE ARGS...]}
shift 2
jobs=${QUIC_DEBUG_KERNEL_JOBS:-2}

[ -f "$ktree/Module.symvers" ] || {
	echo "modules.sh: $ktree is not a built kernel tree" >&2
	exit 1
}

# Sources only. A file whose content changed gets a fresh mtime (make
# must not skip it because an object built from an older copy is newer).
mkdir -p "$out"
paths=(Kbuild net/quic include)
[ -f "$repo/drivers/net/quic_offload/Kbuild" ] ||
	[ -f "$repo/drivers/net/quic_offload/Makefile" ] &&
	paths+=(drivers/net/quic_offload)
paths+=(tools/testing/selftests/net/quic/kconsumer)
(cd "$repo" && find "${paths[@]}" \( -name '*.[ch]' ! -name '*.mod.c' \
	-o -name Kbuild -o -name Kconfig -o -name Makefile \) -type f) |
while IFS= read -r f; do
	cmp -s "$repo/$f" "$out/$f" && continue
	mkdir -p "$(dirname "$out/$f")"
	cp "$repo/$f" "$out/$f"
done

nice -n 19 ionice -c3 make -C "$ktree" M="$out" -j"$jobs" \
	CONFIG_IP_QUIC=m CONFIG_QUIC_DIAG=m CONFIG_QUIC_SIM=m \
	CONFIG_QUIC_KCONSUMER_TEST=m \
	CONFIG_QUIC_KUNIT_TEST=y W=1 KCFLAGS=-Werror \
	"$@" modules
