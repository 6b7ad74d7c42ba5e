#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract checkpatch.pl and its data files from Debian's linux-source-6.12
# (the headers package lacks them) into DIR/scripts.
set -euo pipefail
dir=${1:?usage: get-kernel-scripts.sh DIR}
tarball=$(ls /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "linux-source-6.12 is not installed" >&2; exit 1; }
top=$(basename "$tarball" .tar.xz)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xJf "$tarball" "$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
mkdir -p "$dir"
rm -rf "$dir/scripts"
mv "$tmp/$top/scripts" "$dir/scripts"
