#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything building and testing needs on Debian 12 (run as root).
# Idempotent: packages already present are left alone.
#
# install-deps.sh [PACKAGE...]: the extra packages too (what an optional
# lane such as scripts/debug-kernel needs).
set -euo pipefail
KVER=${KVER:-6.12.107+deb12-amd64}
pkgs=(
	make gcc libc6-dev pkg-config bc flex bison libelf-dev
	"linux-headers-$KVER" "linux-image-$KVER-unsigned" linux-source-6.12
	qemu-system-x86 busybox-static kmod xz-utils cpio
	iproute2 iputils-ping ethtool procps
	libgnutls28-dev gnutls-bin
	sparse clang llvm libclang-rt-14-dev
	ngtcp2-client ngtcp2-server libnghttp3-dev iperf3 jq
	tshark iptables python3
	"$@"
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
# tshark's wireshark-common asks whether non-root may capture: it may not.
echo 'wireshark-common wireshark-common/install-setuid boolean false' |
	debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
