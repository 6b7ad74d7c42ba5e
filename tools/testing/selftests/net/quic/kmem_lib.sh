#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel memory a set of QUIC connections holds, for bench.sh (memory per
# idle connection) and idlemem_test.sh (the same after a burst). Sourced
# after lib.sh.
#
#   kmem_settle                 wait until only listeners hold QUIC sockets
#                               ($NS1: none, $NS2: one), then drop caches
#   kmem_idle_wait LOG PID TRIES
#                               wait (TRIES x 0.1 s at most) for the
#                               quic_perf --idle client PID, writing LOG,
#                               to have its connections open
#   kmem_snapshot PREFIX        /proc/slabinfo and /proc/meminfo now, to
#                               PREFIX.slab and PREFIX.meminfo
#   kmem_delta BEFORE AFTER N   growth from snapshot BEFORE to AFTER,
#                               divided among N endpoints; prints
#                               "SLAB PAGES" (bytes each) and writes the
#                               caches that grew to AFTER.slabgrowth as
#                               "slab CACHE BYTES-EACH BYTES-IN-ALL" lines,
#                               largest first
#
# Slab: active objects, per cache, after every cache is shrunk, times
# what each object takes of its slab's pages (pages per slab over objects
# per slab: 4681 bytes for a 4200-byte object, 7 to an order-3 slab); the
# VM boots with slab_nomerge, so QUIC's caches are their own. Pages: whole
# pages the kernel took besides slab, page cache, user memory, page
# tables, stacks and per-CPU areas (send page fragments, say), which
# slabinfo does not show; free pages on the per-CPU lists count as free.
# Either figure is clamped at 0: noise larger than the connections (a few
# of them) can make it negative; kmem_delta says so on stderr for slab.

# QUIC sockets (IPv4 and IPv6) in use in namespace $1.
kmem_quic_inuse() {
	local name _size n sum=0
	while read -r name _size n _; do
		case $name in QUIC | QUICv6) sum=$((sum + n)) ;; esac
	done < <(in_ns "$1" cat /proc/net/protocols)
	echo $sum
}

kmem_settle() {
	local _
	for _ in $(seq 100); do
		[ "$(kmem_quic_inuse "$NS1") $(kmem_quic_inuse "$NS2")" = "0 1" ] &&
			break
		sleep 0.2
	done
	sync
	echo 2 > /proc/sys/vm/drop_caches
}

kmem_idle_wait() {
	local _
	for _ in $(seq "$3"); do
		grep -q "connections open" "$1" && return 0
		kill -0 "$2" 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}

kmem_snapshot() {
	local f
	# /proc/slabinfo counts every object of a per-CPU slab as in use:
	# shrinking first flushes them (the difference was 1-2 KiB an
	# endpoint in caches our sockets do not even use).
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f"
	done 2> /dev/null
	printf '%s\n' "$(< /proc/slabinfo)" > "$1.slab"
	printf '%s\n' "$(< /proc/meminfo)" > "$1.meminfo"
	# Free pages on the per-CPU lists, which MemFree leaves out: a
	# burst of frees parks thousands there (4 KiB each), enough to
	# swing the figure by tens of KiB an endpoint either way.
	awk '$1 == "count:" { n += $2 }
	     END { printf "PcpFree: %d kB\n", n * 4 }' /proc/zoneinfo \
		>> "$1.meminfo"
}

kmem_delta() {
	local before=$1 after=$2 n=$3 total slab pages

	awk -v n="$n" '
		FNR <= 2 { next }
		FNR == NR { b[$1] = $2 * $6 * 4096 / $5; next }
		{ d = $2 * $6 * 4096 / $5 - b[$1]; total += d
		  if (d > 0) printf "slab %s %.0f %d\n", $1, d / n, d }
		END { printf "total %d %d\n", total, total / n }' \
		"$before.slab" "$after.slab" | sort -k4 -n -r > "$after.slabdelta"
	read -r _ total slab < <(grep '^total ' "$after.slabdelta")
	grep '^slab ' "$after.slabdelta" > "$after.slabgrowth"
	if [ "${slab:-0}" -lt 0 ]; then
		echo "kmem: slab shrank by $((-total)) bytes" >&2
		slab=0
	fi
	pages=$(awk -v n="$n" '
		FNR == NR { b[$1] = $2; next }
		{ d[$1] = $2 - b[$1] }
		END { other = -d["MemFree:"] - d["PcpFree:"] - d["Slab:"]
		      other -= d["AnonPages:"]
		      other -= d["Buffers:"] + d["Cached:"] + d["PageTables:"]
		      other -= d["KernelStack:"] + d["Percpu:"]
		      printf "%d", other * 1024 / n }' \
		"$before.meminfo" "$after.meminfo")
	[ "$pages" -lt 0 ] && pages=0
	echo "${slab:-0} $pages"
}
