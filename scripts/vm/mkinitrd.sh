#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitrd.sh KVER WORKDIR OUTPUT: a busybox initramfs that mounts the host
# root (virtio-9p, read-only) and the results share, then switch_root's into
# the host root and runs scripts/vm/guest-init.sh as PID 1. Running from the
# real root matters: the kernel's usermode helpers (request_module for
# crypto templates such as gcm(aes)) exec /sbin/modprobe from it.
#
# QUIC_BUILTIN_9P=1: the kernel has netfs and 9p built in (the debug test
# kernel, which has no /lib/modules/KVER); no modules go into the image.
set -eu
kver=$1 dir=$2 out=$3
mods=/lib/modules/$kver/kernel
ninemods="fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p"
[ "${QUIC_BUILTIN_9P:-0}" = 1 ] && ninemods=

mkdir -p "$dir"/{bin,dev,proc,sys,mods,newroot}
cp /bin/busybox "$dir/bin/busybox"
for m in $ninemods; do
	f=$(ls "$mods/$m".ko* 2>/dev/null | head -1)
	[ -n "$f" ] || { echo "mkinitrd: $m missing in $mods" >&2; exit 1; }
	case $f in
	*.xz) xz -dc "$f" > "$dir/mods/$(basename "$m").ko" ;;
	*.zst) zstd -qdc "$f" > "$dir/mods/$(basename "$m").ko" ;;
	*) cp "$f" "$dir/mods/$(basename "$m").ko" ;;
	esac
done

cat > "$dir/init" <<'EOI'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in netfs 9pnet 9pnet_virtio 9p; do
	[ -f /mods/$m.ko ] || continue
	insmod /mods/$m.ko || exit 1
done
opts=trans=virtio,version=9p2000.L,msize=512000
# Nothing changes the host's root or the repository while the guest runs:
# the guest caches what it reads of them. Uncached, every exec read its
# binary and libraries over 9p again, 0.3 to 0.6 s a process under TCG
# (/bin/true: 330 ms). The results share, written from both sides, stays
# uncached.
mount -t 9p -o $opts,ro,cache=loose hostroot /newroot || exit 1
for d in tmp run var/tmp; do mount -t tmpfs -o mode=1777 tmpfs /newroot/$d; done
mkdir -p /newroot/run/vm
mount -t 9p -o $opts results /newroot/run/vm || exit 1
# The repository is a share of its own, mounted at its host path: a clone
# under /tmp would otherwise be hidden by the guest's tmpfs.
repo=$(sed -n 's/.*quic_repo=\([^ ]*\).*/\1/p' /proc/cmdline)
mkdir -p "/newroot$repo" 2>/dev/null
mount -t 9p -o $opts,ro,cache=loose repo "/newroot$repo" || exit 1
for d in proc sys dev; do mount --move /$d /newroot/$d; done
exec switch_root /newroot /bin/bash "$repo/scripts/vm/guest-init.sh"
EOI
chmod +x "$dir/init"
(cd "$dir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out"
