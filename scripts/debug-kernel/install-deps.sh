#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extra packages for the debug test kernel lane (run as root, after
# scripts/install-deps.sh): the kernel source, its build dependencies and
# ccache. Kept apart so the normal install stays as small and fast as it is.
# Idempotent: packages already present are left alone.
set -euo pipefail
pkgs=(
	linux-source-6.12 ccache bc flex bison libelf-dev libssl-dev
	xz-utils cpio kmod python3 ethtool
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
