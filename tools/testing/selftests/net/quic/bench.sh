#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: the QUIC benchmark, run inside the test VM (scripts/bench.sh
# boots it; `make bench`). Not a test: it measures, on the two-netns veth
# topology of the selftests and in one run, so that the numbers are ratios
# taken side by side:
#
#   - throughput (quic_perf, receiver's rate) for 1K, 16K and 64K writes:
#     TCP, kTLS (AES-128-GCM, ChaCha20), our QUIC (AES-128-GCM, ChaCha20,
#     1-RTT encryption disabled, all with UDP GSO as by default; and
#     AES-128-GCM with the gso module parameter off, "quic-nogso") and ngtcp2 (gtlsserver -> gtlsclient download of a file as large
#     as what our QUIC moved at that write size); and QUIC AES-128-GCM
#     over the simulated offload NIC (quicsim.ko, a port in each
#     namespace beside the veth) with the crypto offload on ("quic-hw")
#     and off ("quic-sim"): under emulation its "hardware" is the same
#     CPU, so their ratio shows what the offload path costs the stack,
#     not what a NIC would save;
#   - handshakes per second (quic_perf --handshakes): TCP, kTLS, QUIC;
#   - 1-byte ping-pong latency (p50/p99): TCP, kTLS, QUIC;
#   - kernel memory per idle QUIC connection: slab growth (/proc/slabinfo,
#     the VM boots with slab_nomerge) plus the other kernel pages taken
#     (/proc/meminfo: free memory lost beyond slab, page cache, user
#     memory, page tables, stacks and per-CPU areas) for N idle
#     connections, divided by 2N, since both endpoints of every
#     connection live in this VM.
#
# Output: progress, a ratio table, and one line per measurement:
#   RESULT <transport> <cipher> <write-size> <Mbit/s> <ratio>x
#     (ratio to kTLS with the same cipher, or to kTLS AES-128-GCM where
#     kTLS lacks it, for encrypted rows; to TCP for cipher "none")
#   RESULT handshakes <transport> <per-second>
#   RESULT memory quic <bytes-per-idle-connection>
# and the results as JSON in $BENCH_JSON (default /run/vm/bench.json in
# the VM, else /tmp/quic-bench.json).
#
# Environment: BENCH_MODE=full|smoke|profile|memory (smoke: one write size, short
# runs, a few connections: keeps the script working, measures nothing
# useful; profile: only the perf profile; memory: only the idle-memory
# figure, with the slab caches that grew),
# BENCH_SECONDS (per throughput run), BENCH_MTU (the veth's MTU, default
# 1500), BENCH_SIZES (write sizes of the
# throughput runs, default "1K 16K 64K"), BENCH_ROUNDS (rounds of the
# throughput runs, default 3: every row is the median of its rounds, and
# each round measures every transport once, so that a machine getting
# faster or slower during the run moves all rows alike), BENCH_IDLE_CONNS,
# BENCH_CREDS (a
# mkcerts.sh directory to reuse), BENCH_PROFILE=1
# (also record a `perf` profile of a QUIC 64K run, when perf works: the
# hottest functions, and what share of the sending and of the receiving
# side's time the AES-GCM loops, other crypto and copies take),
# BENCH_PROFILE_ARGS (extra client options of the profiled run, e.g.
# "--no-encryption" or "--cipher chacha20"; default none: AES-128-GCM),
# BENCH_PROFILE_EVENT (perf event of the profile, default cpu-clock; a
# tracepoint such as sched:sched_switch is recorded with call chains and
# reported as the kernel stacks that hit it most: where tasks block).
# Ends with one TAP line (the VM harness wants one); exit status 0 when
# every measurement produced a number.
# shellcheck disable=SC2317,SC2119 # cleanup runs from a trap; topo_two_hosts takes no args here
SUITE=bench
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
# shellcheck source=kmem_lib.sh
. "$(dirname "$0")/kmem_lib.sh"

# scripts/bench.sh passes its settings through this file (the VM gets no
# environment from the host).
conf=$QUIC_BUILD/bench/config
if [ -z "${BENCH_MODE:-}" ] && [ -r "$conf" ]; then
	# shellcheck source=/dev/null
	. "$conf"
fi
MODE=${BENCH_MODE:-full}
MTU=${BENCH_MTU:-1500}
if [ "$MODE" = smoke ]; then
	SECS=${BENCH_SECONDS:-0.3}
	SIZES=(64K)
	ROUNDS=1
	HS_SECS=0.3
	LAT_SECS=0
	IDLE=${BENCH_IDLE_CONNS:-8}
	NG_MAX=$((64 << 10))
	SETTLE=0
else
	SECS=${BENCH_SECONDS:-5}
	read -r -a SIZES <<< "${BENCH_SIZES:-1K 16K 64K}"
	ROUNDS=${BENCH_ROUNDS:-3}
	HS_SECS=8
	LAT_SECS=3
	IDLE=${BENCH_IDLE_CONNS:-1000}
	NG_MAX=$((64 << 20))
	SETTLE=2
fi
if [ -z "${BENCH_JSON:-}" ]; then
	if [ -d /run/vm ] && [ -w /run/vm ]; then
		BENCH_JSON=/run/vm/bench.json
	else
		BENCH_JSON=/tmp/quic-bench.json
	fi
fi

perf_bin=$QUIC_BUILD/tools/quic_perf
require "$perf_bin" jq gtlsserver gtlsclient certtool psktool ip timeout
gso_param=/sys/module/quic/parameters/gso
port=5201
ngport=4433
work=$(mktemp -d /tmp/quic-bench.XXXXXX)
runs=$work/runs		# transport cipher size mbit/s bytes, every run
rows=$work/rows		# the same, median of the rounds, then all runs
extra=$work/extra	# kind name value (handshakes, latency, memory)
: > "$rows"
: > "$extra"
failed=0
SRV_PID=
gso_old=

bench_t0=${EPOCHREALTIME/./}
note() {	# a progress line, stamped with seconds since the start
	local ds=$(( (${EPOCHREALTIME/./} - bench_t0) / 100000 ))
	printf '# [%4d.%d] %s\n' $((ds / 10)) $((ds % 10)) "$*"
}
problem() {
	echo "# bench: $*"
	failed=1
}
table() { echo "# $*"; }

cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null && wait "$SRV_PID"
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2> /dev/null && wait "$SIM_PID"
	[ -n "$gso_old" ] && echo "$gso_old" > "$gso_param"
	topo_cleanup
	module_loaded quicsim && rmmod quicsim
	rm -rf "$work"
}

creds=${BENCH_CREDS:-$work/creds}
if [ ! -r "$creds/server-cert.pem" ] &&
   ! "$(dirname "$0")/mkcerts.sh" "$creds" > "$work/mkcerts.log" 2>&1; then
	problem "mkcerts.sh failed: $(tail -2 "$work/mkcerts.log")"
	exit 1
fi
# kTLS may be a module (Debian) or built in (the debug test kernel, whose
# modprobe has no modules.builtin to go by): /proc/net/tls_stat says.
modprobe tls 2> /dev/null
[ -e /proc/net/tls_stat ] || problem "kernel TLS (the tls module) is not available: kTLS rows will fail"
topo_two_hosts || { problem "two-host topology"; exit 1; }
trap cleanup EXIT
# Every transport runs over the same veth: its MTU is theirs alike (TCP
# and kTLS pass 64 KiB GSO segments over veth whatever it is; QUIC seals
# one datagram per path MTU).
if [ "$MTU" != 1500 ]; then
	ip -n "$NS1" link set veth1 mtu "$MTU" &&
		ip -n "$NS2" link set veth2 mtu "$MTU" ||
		{ problem "veth MTU $MTU"; exit 1; }
fi
[ -w "$gso_param" ] && gso_old=$(cat "$gso_param")

srv_log=$work/server.log
ip netns exec "$NS2" "$perf_bin" -s -B "$ADDR2_V4" -p $port \
	--cert "$creds/server-cert.pem" --key "$creds/server-key.pem" \
	--no-encryption > "$srv_log" 2>&1 &
SRV_PID=$!
perf_server_up "$srv_log"
grep -q '^Server listening on .*quic' "$srv_log" ||
	{ problem "quic_perf server did not start: $(tail -2 "$srv_log")"; exit 1; }
note "topology and server up"

# The quicsim cable beside the veth, with a second server on it: sets
# SIM_ADDR (the server's address there) and SIM_PID, or says why not.
SIM_ADDR=
SIM_PID=
sim_dbg=/sys/kernel/debug/quicsim
sim_setup() {
	local ko=$QUIC_REPO/drivers/net/quic_offload/quicsim.ko d1 d2
	mountpoint -q /sys/kernel/debug ||
		mount -t debugfs debugfs /sys/kernel/debug
	module_loaded quicsim && rmmod quicsim
	insmod "$ko" ports=2 || { problem "insmod quicsim.ko"; return 1; }
	SIM_ADDR=198.18.2.2
	d1=$(cat $sim_dbg/port0/ifname)
	d2=$(cat $sim_dbg/port1/ifname)
	ip link set "$d1" netns "$NS1" mtu "$MTU" &&
		ip link set "$d2" netns "$NS2" mtu "$MTU" &&
	ip -n "$NS1" addr add 198.18.2.1/24 dev "$d1" &&
	ip -n "$NS2" addr add $SIM_ADDR/24 dev "$d2" &&
	ip -n "$NS1" link set "$d1" up && ip -n "$NS2" link set "$d2" up ||
		{ problem "quicsim ports into the namespaces"; return 1; }
	SIM_DEVS=("$d1" "$d2")
	ip netns exec "$NS2" "$perf_bin" -s -B "$SIM_ADDR" -p $port \
		--cert "$creds/server-cert.pem" --key "$creds/server-key.pem" \
		> "$work/sim-server.log" 2>&1 &
	SIM_PID=$!
	perf_server_up "$work/sim-server.log" ||
		{ problem "quic_perf server on quicsim did not start"; return 1; }
}

# sim_teardown: the quicsim server and ports go, before the measurements
# that count sockets and memory
sim_teardown() {
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2> /dev/null && wait "$SIM_PID"
	SIM_PID=
	module_loaded quicsim && rmmod quicsim
}

# sim_offload on|off: quic-offload on both quicsim ports
sim_offload() { quicsim_offload "${SIM_DEVS[0]}" "${SIM_DEVS[1]}" "$1"; }

# sim_throughput NAME on|off SIZE: one QUIC AES-128-GCM row over quicsim;
# with the offload on, the ports must have sealed packets.
sim_throughput() {
	local name=$1 mode=$2 size=$3 t0
	sim_offload "$mode" || { problem "quic-offload $mode on quicsim"; return 1; }
	t0=$(cat $sim_dbg/port0/tx_encrypted)
	DST=$SIM_ADDR throughput "$name" aes-128-gcm "$size" --quic \
		--cipher aes128
	if [ "$mode" = on ] && [ "$(cat $sim_dbg/port0/tx_encrypted)" = "$t0" ]; then
		problem "$name $size: the quicsim port sealed nothing"
	fi
	sim_offload on
}

# client ARGS...: quic_perf -J against the server ($DST, default the
# veth's); JSON on stdout.
client() {
	in_ns "$NS1" timeout -k 5 120 "$perf_bin" -c "${DST:-$ADDR2_V4}" -p $port \
		--ca "$creds/ca-cert.pem" -J "$@" 2> "$work/client.err"
}

bytes_of() {	# 1K/16K/64K -> bytes
	echo $(( ${1%K} * 1024 ))
}

# throughput TRANSPORT CIPHER SIZE ARGS...: one row.
throughput() {
	local name=$1 cipher=$2 size=$3 json mbit bytes got
	shift 3
	json=$work/$name-$cipher-$size.json
	client -t "$SECS" -l "$(bytes_of "$size")" -i 0 "$@" > "$json"
	# "Mbit/s bytes cipher" from the receiver's side, if all went well
	if ! read -r mbit bytes got < <(jq -er 'select(.error | not) |
		"\(.end.sum_received.bits_per_second / 1e6) \(.end.sum_received.bytes) \(.start.cipher)"' \
		"$json" 2> /dev/null) || [ -z "$got" ]; then
		problem "$name $cipher $size: no result ($(tail -2 "$work/client.err" | tr '\n' ' '))"
		return 1
	fi
	if [ "$got" != "$cipher" ]; then
		problem "$name $cipher $size: negotiated $got instead"
		return 1
	fi
	printf '%s %s %s %.1f %s\n' "$name" "$cipher" "$size" "$mbit" "$bytes" >> "$runs"
	note "$(printf '%-9s %-18s %4s %10.1f Mbit/s  (%s bytes)' "$name" "$cipher" "$size" "$mbit" "$bytes")"
}

set_gso() {
	if [ -w "$gso_param" ]; then
		echo "$1" > "$gso_param"
	else
		[ "$1" = 1 ] || { problem "gso module parameter not writable"; return 1; }
	fi
}

# ngtcp2 SIZE BYTES: gtlsclient downloads BYTES from gtlsserver (HTTP/3).
ngtcp2() {
	local size=$1 bytes=$2 dir=$work/htdocs dl=$work/dl t0 t1 got mbit
	[ "$bytes" -gt "$NG_MAX" ] && bytes=$NG_MAX
	[ "$bytes" -gt 0 ] || { problem "ngtcp2 $size: nothing to compare with"; return 1; }
	rm -rf "$dir" "$dl"
	mkdir -p "$dir" "$dl"
	head -c "$bytes" /dev/urandom > "$dir/blob"
	ip netns exec "$NS2" gtlsserver -q -d "$dir" --ciphers \
		"NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM" \
		"$ADDR2_V4" $ngport "$creds/server-key.pem" \
		"$creds/server-cert.pem" > "$work/ngsrv.log" 2>&1 &
	local ngpid=$!
	# gtlsserver says nothing when ready (-q): wait for its UDP socket
	for _ in $(seq 100); do
		in_ns "$NS2" cat /proc/net/udp | grep -q ":$(printf '%04X' $ngport) " && break
		sleep 0.05
	done
	t0=$EPOCHREALTIME
	in_ns "$NS1" timeout -k 5 120 gtlsclient -q --exit-on-all-streams-close \
		--ciphers "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM" \
		--download "$dl" "$ADDR2_V4" $ngport \
		"https://$ADDR2_V4:$ngport/blob" > "$work/ngcli.log" 2>&1
	t1=$EPOCHREALTIME
	kill "$ngpid" 2> /dev/null
	wait "$ngpid" 2> /dev/null
	got=$(stat -c %s "$dl/blob" 2> /dev/null || echo 0)
	if [ "$got" != "$bytes" ]; then
		problem "ngtcp2 $size: downloaded $got of $bytes bytes ($(tail -2 "$work/ngcli.log" | tr '\n' ' '))"
		return 1
	fi
	mbit=$(echo "$bytes $t0 $t1" | awk '{ printf "%.1f", $1 * 8 / ($3 - $2) / 1e6 }')
	echo "ngtcp2 aes-128-gcm $size $mbit $bytes" >> "$runs"
	note "$(printf '%-9s %-18s %4s %10.1f Mbit/s  (%s bytes, wall time incl. process start and handshake)' ngtcp2 aes-128-gcm "$size" "$mbit" "$bytes")"
}

handshakes() {	# handshakes NAME ARGS...
	local name=$1 json=$work/hs-$1.json rate cipher
	shift
	client --handshakes -t "$HS_SECS" "$@" > "$json"
	if ! read -r rate cipher < <(jq -er 'select(.end.handshakes.failed == 0) |
		"\(.end.handshakes.per_second) \(.start.cipher)"' "$json" 2> /dev/null) ||
	   [ -z "$cipher" ]; then
		problem "handshakes $name: $(tail -2 "$work/client.err" | tr '\n' ' ')"
		return 1
	fi
	echo "handshakes $name $(printf '%.1f' "$rate")" >> "$extra"
	note "$(printf 'handshakes %-5s %8.1f /s (%s)' "$name" "$rate" "$cipher")"
}

latency() {	# latency NAME ARGS...
	local name=$1 json=$work/lat-$1.json v
	shift
	client --latency -t "$LAT_SECS" "$@" > "$json"
	if ! v=$(jq -er '.end.latency | select(.error | not) |
		"\(.p50_us) \(.p99_us) \(.round_trips)"' "$json" 2> /dev/null); then
		problem "latency $name: $(tail -2 "$work/client.err" | tr '\n' ' ')"
		return 1
	fi
	echo "latency $name $v" >> "$extra"
}

memory() {
	local idle_log=$work/idle.log pid slab pages
	# Earlier connections (e.g. the handshake runs) must be gone first:
	# only the server's listener may remain.
	kmem_settle
	sleep "$SETTLE"
	kmem_snapshot "$work/mem.before"
	ip netns exec "$NS1" "$perf_bin" -c "$ADDR2_V4" -p $port \
		--ca "$creds/ca-cert.pem" --idle "$IDLE" -t 600 \
		> "$idle_log" 2>&1 &
	pid=$!
	kmem_idle_wait "$idle_log" $pid $((IDLE * 2 + 600))
	if ! grep -q "^idle: $IDLE connections open" "$idle_log"; then
		problem "idle connections: $(tail -2 "$idle_log" | tr '\n' ' ')"
		kill $pid 2> /dev/null
		wait $pid
		return 1
	fi
	sleep "$SETTLE"
	kmem_snapshot "$work/mem.after"
	kill -TERM $pid
	wait $pid
	read -r slab pages < <(kmem_delta "$work/mem.before" "$work/mem.after" \
				$((2 * IDLE)) 2> "$work/kmem.err")
	# Slab noise larger than the connections (a smoke run's few)
	[ "$MODE" = smoke ] || [ ! -s "$work/kmem.err" ] ||
		problem "memory: $(< "$work/kmem.err")"
	echo "memory quic $((slab + pages))" >> "$extra"
	echo "memory-pages quic $pages" >> "$extra"
	note "memory: $IDLE idle QUIC connections (2 endpoints each): slab $slab bytes per endpoint, other kernel pages $pages bytes per endpoint; slab grew most:"
	while read -r _ cache each delta; do
		table "  slab $cache +$delta bytes ($each per endpoint)"
		echo "slab $cache $each" >> "$extra"
	done < <(head -8 "$work/mem.after.slabgrowth")
}

# profile_sides DATA: where each side's CPU time goes. A sample counts for
# the sending side when its stack is in a sendmsg (QUIC's, kTLS's or
# TCP's), for the receiving side when in a recvmsg; its leaf function says
# what it was doing: the AES-GCM assembly loops (and of those the
# decryption loop: over veth the receiving stack may run in the sender's
# softirq, and this shows whose packets a side opens), other crypto (the
# glue, header protection, scatterlist walks), copies, or the rest. With both
# sides CPU-bound, the slower side sets the rate, so comparing the two
# transports' AES-GCM shares of their slower sides predicts their
# throughput ratio better than one noisy run each can measure it.
profile_sides() {
	perf script -i "$1" -F ip,sym 2> /dev/null | awk '
		BEGIN { RS = "" }
		{
			if ($0 ~ /(quic|tls_sw|tcp)_sendmsg/) s = "send"
			else if ($0 ~ /(quic|tls_sw|tcp)_recvmsg/) s = "recv"
			else next
			split($0, l, "\n")
			leaf = l[1]
			sub(/^[ \t]*[0-9a-f]+ /, "", leaf)
			n[s]++
			if (leaf ~ /^aes_gcm_dec_update/) dec[s]++
			if (leaf ~ /^aes_gcm_(enc|dec)_update/) core[s]++
			else if (leaf ~ /gcm|aes|ghash|chacha|poly1305|skcipher|scatterwalk/) glue[s]++
			else if (leaf ~ /rep_movs|memcpy|copy_user|copy_to|copy_from/) copy[s]++
		}
		END {
			for (s in n)
				printf "  %s: %d samples: AES-GCM loops %.1f%% (decryption %.1f%%), other crypto %.1f%%, copies %.1f%%, the rest %.1f%%\n",
				       s == "send" ? "sending side  " : "receiving side",
				       n[s], 100 * core[s] / n[s], 100 * dec[s] / n[s],
				       100 * glue[s] / n[s],
				       100 * copy[s] / n[s],
				       100 * (n[s] - core[s] - glue[s] - copy[s]) / n[s]
		}' | sort
}

profile() {	# a perf profile of one QUIC 64K run, if perf works here
	local data=$work/perf.data cli=$work/profile.cli
	local event=${BENCH_PROFILE_EVENT:-cpu-clock}
	local -a pargs rec=(-e "$event" -F 997 -g)
	read -r -a pargs <<< "${BENCH_PROFILE_ARGS:-}"
	command -v perf > /dev/null || { note "profile: no perf"; return 0; }
	# A tracepoint is recorded at every hit, with the kernel stack.
	[ "$event" = cpu-clock ] || rec=(-e "$event" -g)
	# Samples of every CPU (client, server, softirq) while the client
	# runs: perf starts its workload only once it records, which takes
	# long under TCG.
	perf record -a "${rec[@]}" -o "$data" -- \
		ip netns exec "$NS1" timeout 60 "$perf_bin" -c "$ADDR2_V4" \
		-p $port --ca "$creds/ca-cert.pem" -t 6 -l 64K "${pargs[@]}" \
		> "$cli" \
		2> "$work/perf.log"
	note "profile run: $(grep 'receiver' "$cli" | tail -1)"
	if [ "$event" != cpu-clock ]; then
		{
			echo "== $event: kernel stacks, most frequent first =="
			perf report -i "$data" --no-children --sort comm --stdio \
				-g folded,0.5,callee,function,percent \
				2> /dev/null | grep -v '^#' | grep -v '^$' |
				sed 's/;/ </g' | cut -c1-400 | head -60
		} > "$work/profile.txt"
	else
		{
			echo "== where the CPU time went (command, object) =="
			perf report -i "$data" --no-children --sort comm,dso --stdio \
				-g none --percent-limit 0.5 2> /dev/null |
				grep -v '^#' | grep -v '^$'
			echo "== hottest functions (idle excluded) =="
			perf report -i "$data" --no-children --sort sym --stdio \
				-g none --percent-limit 0.3 2> /dev/null |
				grep -v '^#' | grep -v '^$' |
				grep -v 'safe_halt\|default_idle\|cpuidle' | head -40
			echo "== per side (share of its samples, by leaf function) =="
			profile_sides "$data"
		} > "$work/profile.txt"
	fi
	if [ -s "$work/profile.txt" ] && grep -q '%' "$work/profile.txt"; then
		note "profile (QUIC 64K ${BENCH_PROFILE_ARGS:-AES-128-GCM}, perf $event, all CPUs):"
		sed 's/^/#   /' "$work/profile.txt"
		[ -d /run/vm ] && cp "$work/profile.txt" /run/vm/profile.txt
	else
		note "profile: perf did not work: $(tail -2 "$work/perf.log" | tr '\n' ' ')"
	fi
}

if [ "$MODE" = profile ]; then
	profile
	tap_ok "profile taken"
	tap_done
fi
if [ "$MODE" = memory ]; then
	memory
	tap_check "memory measured" test "$failed" = 0
	tap_done
fi

# median_rows: $runs -> $rows, one row per transport, cipher and size
# (first-seen order): the median Mbit/s of its runs (the lower middle one
# for an even count), that run's bytes, and every run's Mbit/s.
median_rows() {
	awk '
		{ k = $1 " " $2 " " $3
		  if (!(k in n)) order[++keys] = k
		  i = ++n[k]; m[k, i] = $4 + 0; b[k, i] = $5 }
		END {
			for (j = 1; j <= keys; j++) {
				k = order[j]; c = n[k]
				for (i = 1; i <= c; i++) idx[i] = i
				for (i = 2; i <= c; i++)	# insertion sort by Mbit/s
					for (x = i; x > 1 && m[k, idx[x - 1]] > m[k, idx[x]]; x--) {
						t = idx[x]; idx[x] = idx[x - 1]; idx[x - 1] = t
					}
				mid = idx[int((c + 1) / 2)]
				all = ""
				for (i = 1; i <= c; i++)
					all = all (i > 1 ? "," : "") sprintf("%.1f", m[k, i])
				printf "%s %.1f %s %s\n", k, m[k, mid], b[k, mid], all
			}
		}' "$runs" > "$rows"
}

sim_setup || SIM_ADDR=
note "bench: mode $MODE, $SECS s per throughput run, $ROUNDS rounds, sizes ${SIZES[*]}, veth MTU $MTU, $(nproc) CPUs, kernel $(uname -r)"
if ! [[ $ROUNDS =~ ^[1-9][0-9]*$ ]]; then
	problem "BENCH_ROUNDS=$ROUNDS is not a positive number: one round"
	ROUNDS=1
fi
set_gso 1
: > "$runs"
for ((round = 1; round <= ROUNDS; round++)); do
	[ "$ROUNDS" -gt 1 ] && note "throughput round $round of $ROUNDS"
	for size in "${SIZES[@]}"; do
		throughput tcp none "$size" --tcp
		throughput ktls aes-128-gcm "$size" --ktls --cipher aes128
		[ "$MODE" = smoke ] ||
			throughput ktls chacha20-poly1305 "$size" --ktls --cipher chacha20
		throughput quic aes-128-gcm "$size" --quic --cipher aes128
		[ "$MODE" = smoke ] ||
			throughput quic chacha20-poly1305 "$size" --quic --cipher chacha20
		throughput quic none "$size" --quic --no-encryption
		if [ "$MODE" != smoke ] && [ -w "$gso_param" ]; then
			set_gso 0
			throughput quic-nogso aes-128-gcm "$size" --quic --cipher aes128
			set_gso 1
		fi
		if [ -n "$SIM_ADDR" ]; then
			sim_throughput quic-hw on "$size"
			sim_throughput quic-sim off "$size"
		fi
		# ngtcp2 moves what our QUIC moved at this size in this round.
		qbytes=$(awk -v s="$size" '$1 == "quic" && $2 == "aes-128-gcm" && $3 == s { b = $5 } END { print b }' "$runs")
		ngtcp2 "$size" "${qbytes:-0}"
	done
done
median_rows
sim_teardown
[ "$MODE" = smoke ] || handshakes tcp --tcp
handshakes ktls --ktls --cipher aes128
handshakes quic --quic --cipher aes128
if [ "$LAT_SECS" != 0 ]; then
	latency tcp --tcp
	latency ktls --ktls --cipher aes128
	latency quic --quic --cipher aes128
fi
memory
[ "${BENCH_PROFILE:-0}" = 1 ] && profile

# ---- the table, RESULT lines and JSON ----
# One awk: rows against their reference (kTLS with the same cipher, else
# kTLS AES-128-GCM, for encrypted rows; TCP for cipher none), QUIC
# against ngtcp2, QUIC handshakes against kTLS; RESULT lines last.
awk '
	FNR == NR { n++; t[n] = $1; c[n] = $2; s[n] = $3; m[n] = $4
		    runs[n] = $6; v[$1 " " $2 " " $3] = $4; next }
	$1 == "handshakes" { hs[$2] = $3; hso[++nh] = $2 }
	$1 == "memory" { mem = $3 }
	$1 == "latency" { lat[++nl] = $2 ": p50 " $3 " us, p99 " $4 " us (" $5 " round trips)" }
	function ref(i,   r) {
		if (c[i] == "none") return v["tcp none " s[i]]
		r = v["ktls " c[i] " " s[i]]
		return r != "" ? r : v["ktls aes-128-gcm " s[i]]
	}
	END {
		print "#"
		printf "# %-9s %-18s %5s %10s %8s %6s  %s\n", "transport", "cipher", "write", "Mbit/s", "ratio", "vs", "rounds (Mbit/s)"
		for (i = 1; i <= n; i++) {
			b = ref(i)
			r[i] = b > 0 ? sprintf("%.2f", m[i] / b) : "0.00"
			printf "# %-9s %-18s %5s %10.1f %7sx %6s  %s\n", t[i], c[i], s[i], m[i], r[i], c[i] == "none" ? "tcp" : "ktls", runs[i]
		}
		for (i = 1; i <= n; i++)
			if (t[i] == "quic-hw" && v["quic-sim aes-128-gcm " s[i]] > 0)
				printf "# quicsim offload on/off %s: %.2fx\n", s[i], m[i] / v["quic-sim aes-128-gcm " s[i]]
		for (i = 1; i <= n; i++)
			if (t[i] == "ngtcp2" && v["quic aes-128-gcm " s[i]] != "" && m[i] > 0)
				printf "# quic/ngtcp2 %s: %.2fx\n", s[i], v["quic aes-128-gcm " s[i]] / m[i]
		if (hs["ktls"] > 0 && hs["quic"] != "")
			printf "# handshakes quic/ktls: %.2fx\n", hs["quic"] / hs["ktls"]
		for (i = 1; i <= nl; i++)
			print "# latency " lat[i]
		print "#"
		for (i = 1; i <= n; i++)
			printf "RESULT %s %s %s %.1f %sx\n", t[i], c[i], s[i], m[i], r[i]
		for (i = 1; i <= nh; i++)
			print "RESULT handshakes " hso[i] " " hs[hso[i]]
		if (mem != "")
			print "RESULT memory quic " mem
	}' "$rows" "$extra"

jq -n --arg mode "$MODE" --arg kernel "$(uname -r)" --argjson secs "$SECS" \
	--rawfile rows "$rows" --rawfile extra "$extra" '
	def lines($s): $s | split("\n") | map(select(length > 0) | split(" "));
	{
		mode: $mode, kernel: $kernel, seconds_per_run: $secs,
		throughput: [lines($rows)[] | {transport: .[0], cipher: .[1],
			write_size: .[2], mbit_per_s: (.[3] | tonumber),
			bytes: (.[4] | tonumber),
			rounds_mbit_per_s: (.[5] | split(",") | map(tonumber))}],
		handshakes_per_s: ([lines($extra)[] | select(.[0] == "handshakes")
			| {(.[1]): (.[2] | tonumber)}] | add),
		latency_us: ([lines($extra)[] | select(.[0] == "latency")
			| {(.[1]): {p50: (.[2] | tonumber), p99: (.[3] | tonumber),
			  round_trips: (.[4] | tonumber)}}] | add),
		memory_bytes_per_idle_connection: ([lines($extra)[]
			| select(.[0] == "memory") | .[2] | tonumber] | first),
		page_bytes_per_idle_connection: ([lines($extra)[]
			| select(.[0] == "memory-pages") | .[2] | tonumber] | first),
		idle_connections: '"$IDLE"',
		slab_growth_per_endpoint: ([lines($extra)[] | select(.[0] == "slab")
			| {(.[1]): (.[2] | tonumber)}] | add)
	}' > "$BENCH_JSON" || problem "could not write $BENCH_JSON"
note "results: $BENCH_JSON"
if [ $failed = 0 ]; then
	tap_ok "mode $MODE: every measurement produced a number"
else
	tap_fail "mode $MODE: every measurement produced a number" "see the bench: lines above"
fi
tap_done
