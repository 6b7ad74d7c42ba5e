#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree.sh KTREE: drop our kernel sources into the kernel source tree KTREE
# so that they build as part of it, built in (=y) or as modules (=m):
#
#   net/quic/                 -> KTREE/net/quic/   (+ net/Kconfig, net/Makefile)
#   include/uapi/linux/quic.h -> KTREE/include/uapi/linux/quic.h
#   include/net/quic*.h       -> KTREE/include/net/
#   drivers/net/quic_offload/ -> KTREE/drivers/net/quic_offload/ (if it has
#                                a Kbuild or Makefile;
#                                + drivers/net/Kconfig, drivers/net/Makefile)
#
# The same Kbuild and Kconfig files as the out-of-tree build are used
# unchanged. Idempotent: running it again refreshes the sources and adds
# no second Kconfig/Makefile entry. Build products are not copied.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
ktree=$(cd "${1:?usage: intree.sh KTREE}" && pwd)
[ -f "$ktree/net/Kconfig" ] && [ -f "$ktree/Makefile" ] ||
	{ echo "intree.sh: $ktree is not a kernel source tree" >&2; exit 1; }

copy_dir() {	# copy_dir SRC DST: sources, Kbuild/Kconfig/Makefile, .kunitconfig
	# A file whose content changed gets a fresh mtime, so make rebuilds
	# it even if the copy it replaces was compiled after the edit; files
	# gone from SRC go from DST.
	local src=$1 dst=$2 f
	mkdir -p "$dst"
	(cd "$src" && find . \( -name '*.[ch]' ! -name '*.mod.c' -o \
		-name Kbuild -o -name Kconfig -o -name Makefile -o \
		-name .kunitconfig \) -type f) | sort > "$dst/.intree-files"
	while IFS= read -r f; do
		cmp -s "$src/$f" "$dst/$f" && continue
		mkdir -p "$(dirname "$dst/$f")"
		cp "$src/$f" "$dst/$f"
	done < "$dst/.intree-files"
	(cd "$dst" && find . \( -name '*.[ch]' -o -name Kbuild -o \
		-name Kconfig -o -name Makefile -o -name .kunitconfig \) \
		-type f) | sort | comm -23 - "$dst/.intree-files" |
		while IFS= read -r f; do rm -f "$dst/$f"; done
	rm -f "$dst/.intree-files"
}

add_line() {	# add_line FILE AFTER-PREFIX LINE: insert LINE once
	local file=$1 after=$2 line=$3
	grep -qxF "$line" "$file" && return 0
	if grep -qF "$after" "$file"; then
		PFX=$after LINE=$line awk '
			{ print }
			!done && index($0, ENVIRON["PFX"]) == 1 {
				print ENVIRON["LINE"]; done = 1
			}' "$file" > "$file.tmp" && mv "$file.tmp" "$file"
	else
		echo "$line" >> "$file"
	fi
}

copy_dir "$repo/net/quic" "$ktree/net/quic"
add_line "$ktree/net/Kconfig" 'source "net/sctp/Kconfig"' \
	'source "net/quic/Kconfig"'
add_line "$ktree/net/Makefile" 'obj-$(CONFIG_IP_SCTP)' \
	'obj-$(CONFIG_IP_QUIC)		+= quic/'

mkdir -p "$ktree/include/uapi/linux" "$ktree/include/net"
cp "$repo/include/uapi/linux/quic.h" "$ktree/include/uapi/linux/quic.h"
for h in "$repo"/include/net/quic*.h; do
	[ -f "$h" ] && cp "$h" "$ktree/include/net/"
done

# Only once it has a Kbuild or Makefile (an empty directory is "absent").
off=$repo/drivers/net/quic_offload
if [ -f "$off/Kbuild" ] || [ -f "$off/Makefile" ]; then
	copy_dir "$off" \
		"$ktree/drivers/net/quic_offload"
	kc=$ktree/drivers/net/Kconfig
	src='source "drivers/net/quic_offload/Kconfig"'
	if [ -f "$ktree/drivers/net/quic_offload/Kconfig" ] &&
	   ! grep -qxF "$src" "$kc"; then
		# Inside "if NETDEVICES", before its endif.
		SRC=$src awk '/^endif # NETDEVICES/ && !done {
			print ENVIRON["SRC"]; print ""; done = 1 } { print }' \
			"$kc" > "$kc.tmp"
		mv "$kc.tmp" "$kc"
	fi
	# Its Kbuild picks its objects by its own config symbols.
	add_line "$ktree/drivers/net/Makefile" 'obj-$(CONFIG_VXLAN)' \
		'obj-y += quic_offload/'
else
	# Undo an earlier run's entries, if any.
	rm -rf "$ktree/drivers/net/quic_offload"
	sed -i '\|^obj-y += quic_offload/$|d' "$ktree/drivers/net/Makefile"
	sed -i '\|^source "drivers/net/quic_offload/Kconfig"$|d' \
		"$ktree/drivers/net/Kconfig"
fi
echo "intree.sh: QUIC sources installed in $ktree (CONFIG_IP_QUIC)"
