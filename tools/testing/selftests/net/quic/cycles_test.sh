#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Connection lifetime: CYCLES (1000) connect / PSK handshake / 1 KiB echo /
# close cycles in a row against one xfer server over IPv4, then CYCLES_V6
# (500) against another over IPv6, leave nothing behind.  Once the connections have
# drained, the QUIC and QUICv6 slab caches are at their baseline plus the
# listening sockets, /proc/net/protocols in each namespace counts only
# those, and unreclaimable slab memory, and the kmalloc-* caches within it,
# have grown by less than CYCLES_SLACK_KB (2048 KiB).  When the servers are
# stopped, the last QUIC sockets go too.
#
# The memory baseline is taken after CYCLES_WARMUP (20) connections per
# server, so that one-time allocations (crypto transforms, hash table
# growth, per-namespace state) are not counted as growth.
# shellcheck disable=SC2317,SC2119 # cleanup runs from the EXIT trap
SUITE=cycles
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
cycles=$SELFTEST_BIN/cycles
require "$xfer" "$cycles" psktool ip timeout

N4=${CYCLES:-1000}
N6=${CYCLES_V6:-500}
WARM=${CYCLES_WARMUP:-20}
SLACK_KB=${CYCLES_SLACK_KB:-2048}
T=${CYCLES_TIMEOUT:-300}	# seconds a server may live
work=$(mktemp -d /tmp/quic-cycles.XXXXXX)
psk=$work/psk.txt
port=4700
PIDS=()

# Active objects in slab cache $1, per-CPU slabs flushed first (as in
# leak_test.sh: /proc/slabinfo counts those as wholly in use).
active() {
	echo 1 > "/sys/kernel/slab/$1/shrink" 2> /dev/null
	awk -v c="$1" '$1 == c { print $2 }' /proc/slabinfo
}
# "QUIC QUICv6" sockets in use in namespace $1 ("" for this one): the
# counts of /proc/net/protocols are per network namespace.
inuse() {
	local f=/proc/net/protocols
	if [ -n "$1" ]; then
		ip netns exec "$1" cat $f
	else
		cat $f
	fi | awk '$1 == "QUIC" { a = $3 } $1 == "QUICv6" { b = $3 }
		  END { print a, b }'
}
# KiB in use in the kmalloc-* caches: active objects x object size.
kmalloc_kb() {
	local c
	for c in /sys/kernel/slab/kmalloc-*; do
		echo 1 > "$c/shrink" 2> /dev/null
	done
	awk '$1 ~ /^kmalloc-/ { b += $2 * $4 } END { print int(b / 1024) }' \
		/proc/slabinfo
}
meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
settle() { sleep 2; echo 3 > /proc/sys/vm/drop_caches; }

# wait_for WANT CMD...: up to 15 s for CMD's output to be WANT; prints
# what it last was.
wait_for() {
	local want=$1 got
	shift
	for _ in $(seq 15); do
		got=$("$@")
		[ "$got" = "$want" ] && break
		sleep 1
	done
	echo "$got"
}
# slab QUIC, slab QUICv6; sockets in use here, in $NS1 and in $NS2
counts() {
	echo "slab $(active QUIC) $(active QUICv6);" \
	     "inuse $(inuse) / $(inuse "$NS1") / $(inuse "$NS2")"
}

stop_servers() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2> /dev/null
		wait "$p" 2> /dev/null
	done
	PIDS=()
}
cleanup() {
	stop_servers
	topo_cleanup
	rm -rf "$work"
}

test_psk "$psk" "$work"
if ! topo_two_hosts; then
	tap_fail "two-host topology"
	rm -rf "$work"
	tap_done
fi
trap cleanup EXIT

quic_sockets_gone
settle
v4=$(active QUIC) v6=$(active QUICv6)
if [ -z "$v4" ] || [ -z "$v6" ]; then
	tap_fail "QUIC slab caches visible in /proc/slabinfo" "missing"
	tap_done
fi
base=$(counts)
tap_check "no QUIC sockets in use before, in any namespace ($base)" \
	test "$base" = "slab $v4 $v6; inuse 0 0 / 0 0 / 0 0"

# start_server FAM ADDR N: an xfer server in $NS2 for the warm-up, N
# cycles and one connection more, so that it still listens at the check.
start_server() {
	local log=$work/server$1.log
	ip netns exec "$NS2" timeout -k 5 "$T" "$xfer" -s -a "$2" \
		-p "$port" --psk "$psk" --conns $((WARM + $3 + 1)) \
		--timeout "$T" > "$log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do
		grep -q '^listening on' "$log" && return 0
		kill -0 "$!" 2> /dev/null || break
		sleep 0.1
	done
	echo "server did not start: $(tail -3 "$log" | tr '\n' ' ')"
	return 1
}

client() {	# client ADDR COUNT LOG: the cycles program in $NS1
	ip netns exec "$NS1" "$cycles" -a "$1" -p "$port" --psk "$psk" \
		-n "$2" --timeout 30 > "$3" 2>&1
}

for fam in 4 6; do
	if [ $fam = 4 ]; then
		addr=$ADDR2_V4 N=$N4
	else
		addr=$ADDR2_V6 N=$N6
	fi
	if ! start_server $fam "$addr" "$N" > "$work/why" ||
	   ! client "$addr" "$WARM" "$work/warm$fam.log"; then
		tap_fail "IPv$fam: server and $WARM warm-up connections" \
			"$(cat "$work/why" "$work/warm$fam.log" 2> /dev/null | tail -3 | tr '\n' ' ')"
		tap_done
	fi
	port=$((port + 1))
done
port=4700
settle
slab0=$(meminfo_kb SUnreclaim) km0=$(kmalloc_kb)

for fam in 4 6; do
	if [ $fam = 4 ]; then
		addr=$ADDR2_V4 N=$N4
	else
		addr=$ADDR2_V6 N=$N6
	fi
	log=$work/cycles$fam.log
	t0=$SECONDS
	client "$addr" "$N" "$log"
	rc=$?
	summary=$(grep '^cycles:' "$log")
	name="IPv$fam: $N connect/PSK handshake/1 KiB echo/close cycles in a row against one server"
	if [ $rc = 0 ] && [ -n "$summary" ]; then
		tap_ok "$name"
	else
		tap_fail "$name" "exit $rc after $((SECONDS - t0)) s: $(grep -v '^progress' "$log" | tail -3 | tr '\n' ' ')"
	fi
	echo "# ${summary:-$(grep '^progress' "$log" | tail -1)}"
	port=$((port + 1))
done

settle
# xfer prints "connection done: 1 streams, OK" per connection it served.
for fam in 4 6; do
	if [ $fam = 4 ]; then N=$N4; else N=$N6; fi
	served=$(wait_for $((WARM + N)) \
		grep -c '^connection done: 1 streams, OK$' "$work/server$fam.log")
	if [ "$served" = $((WARM + N)) ]; then
		tap_ok "IPv$fam: the server verified all $((WARM + N)) echoes"
	else
		tap_fail "IPv$fam: the server verified all $((WARM + N)) echoes" \
			"it counts $served; its last words:"
		grep -v sha256 "$work/server$fam.log" | tail -8 | sed 's/^/# /'
	fi
done

want="slab $((v4 + 1)) $((v6 + 1)); inuse 0 0 / 0 0 / 1 1"
got=$(wait_for "$want" counts)
tap_check "QUIC, QUICv6 slab objects and /proc/net/protocols back to baseline + the two listeners (want $want; got $got)" \
	test "$got" = "$want"

slab1=$(meminfo_kb SUnreclaim) km1=$(kmalloc_kb)
tap_check "unreclaimable slab grew less than $SLACK_KB KiB over $((N4 + N6)) cycles ($slab0 -> $slab1 KiB)" \
	test $((slab1 - slab0)) -lt "$SLACK_KB"
tap_check "kmalloc-* caches grew less than $SLACK_KB KiB over $((N4 + N6)) cycles ($km0 -> $km1 KiB)" \
	test $((km1 - km0)) -lt "$SLACK_KB"

stop_servers
settle
want="slab $v4 $v6; inuse 0 0 / 0 0 / 0 0"
got=$(wait_for "$want" counts)
tap_check "servers stopped: no QUIC sockets left, slab objects at baseline (got $got)" \
	test "$got" = "$want"
echo "# $SECONDS s in all"
tap_done
