#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 10,000 socket create/close cycles (a quarter of them bound) leave the
# QUIC slab caches exactly where they were. The VM boots with slab_nomerge
# so QUIC and QUICv6 are caches of their own in /proc/slabinfo.
SUITE=leak
. "$(dirname "$0")/lib.sh"
sockcheck=$SELFTEST_BIN/sockcheck
require "$sockcheck"

# Active objects in slab cache $1. Shrinking first flushes the per-CPU
# slabs, which /proc/slabinfo otherwise counts as wholly in use.
active() {
	echo 1 > "/sys/kernel/slab/$1/shrink" 2> /dev/null
	awk -v c="$1" '$1 == c { print $2 }' /proc/slabinfo
}
# Sockets of protocol $1 in use, as /proc/net/protocols counts them.
inuse() {
	awk -v p="$1" '$1 == p { print $3 }' /proc/net/protocols
}
settle() { sleep 2; echo 3 > /proc/sys/vm/drop_caches; }

quic_sockets_gone
settle
v4=$(active QUIC) v6=$(active QUICv6) ino=$(active sock_inode_cache)
if [ -z "$v4" ] || [ -z "$v6" ]; then
	tap_fail "QUIC slab caches visible in /proc/slabinfo" "missing"
	tap_done
fi
tap_check "/proc/net/protocols counts no QUIC sockets before" \
	test "$(inuse QUIC)$(inuse QUICv6)" = 00
tap_check "10000 create/close cycles succeed" "$sockcheck" cycles 10000
settle
tap_check "QUIC slab objects back to baseline ($v4)" test "$(active QUIC)" = "$v4"
tap_check "QUICv6 slab objects back to baseline ($v6)" test "$(active QUICv6)" = "$v6"
tap_check "/proc/net/protocols counts no QUIC sockets after" \
	test "$(inuse QUIC)$(inuse QUICv6)" = 00
now=$(active sock_inode_cache)
tap_check "socket inodes back to baseline ($ino, now $now, slack 64)" \
	test "$now" -le $((ino + 64))
tap_done
