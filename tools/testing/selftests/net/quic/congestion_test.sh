#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
#
# Congestion control and loss recovery on bad networks (RFC 9002, RFC 9438):
#
#   - an echo of CC_BYTES (20 MiB) each way, SHA-256 equal at both ends,
#     with no spurious close, under each impairment of the table below
#     (netem on both directions; the bottleneck is a token bucket under a
#     10 ms netem delay, on both directions); after the reordering echo,
#     each end found spurious losses (QuicSpuriousLosses), declared at
#     most 2% of its packets lost and dropped next to no late packet as a
#     duplicate (the adaptive thresholds and the lagging ACK floor);
#   - goodput through a 10 Mbit/s token bucket at 20 ms RTT, for NewReno
#     (chosen per socket with QUIC_SOCKOPT_CONFIG) and CUBIC (the module's
#     default, then chosen through the congestion_control module
#     parameter): CC_GOODPUT_BYTES (24 MiB, about 20 s at line rate) on one
#     unidirectional stream must arrive at >= 85% of the link rate;
#   - two connections through one 10 Mbit/s bottleneck for CC_FAIR_SECONDS
#     (30): each gets between 35% and 65% of what both got (counted by
#     iptables at the receiver);
#   - with 1% random loss at 50 ms RTT, CUBIC's goodput >= NewReno's: in
#     each of CC_LOSSY_ROUNDS (2) rounds CC_LOSSY_PAIRS (4) NewReno and as
#     many CUBIC clients send CC_LOSSY_BYTES (6 MiB) each, all at the same
#     time, to servers of their own over the same netem, so that all see
#     the same network and the same (emulated, shared) CPU; one round
#     takes the controller from the congestion_control module parameter
#     for NewReno, the other for CUBIC, the other clients choosing per
#     socket.  Goodput over all rounds (bytes over seconds, summed) must
#     not be lower for CUBIC.
#     Why it holds: at about 12 packets a window both grow as Reno does
#     (CUBIC in its Reno-friendly region, RFC 9438 4.3, where the alpha
#     of 9/17 makes AIMD(9/17, 0.7) as fast as Reno's AIMD(1, 0.5) under
#     regular loss), but CUBIC backs off to 0.7 instead of 0.5 of the
#     window, which leaves more in flight to recover with. Measured under
#     TCG, 38 rounds of two pairs (76 connections of each): NewReno 3.30
#     and CUBIC 3.75 Mbit/s (+14%); one connection's time spreads by 15%
#     (standard deviation), so one pair decides nothing. Resampling those
#     76 pairs, 2 rounds of 4 pairs find CUBIC behind about once in 20;
#     then 2 more rounds run and the verdict is taken over all four,
#     wrong about once in 250. (One pair a round, as before, was wrong
#     about once in 13.)
#
# CC_TIMEOUT (300) bounds each client, in seconds; CC_CASES, a regular
# expression, selects the checks to run by name (default: all; on the
# debug kernel, the echo table only).
#
# The echo table takes about 5 minutes under TCG at 20 MiB; CC_BYTES
# (e.g. 8388608) makes it shorter while working on it.
# shellcheck disable=SC2317,SC2119,SC2034,SC2154 # check(), xfer_lib.sh
SUITE=congestion
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout iptables

BYTES=${CC_BYTES:-20971520}
CASES=${CC_CASES:-.}
GP_BYTES=${CC_GOODPUT_BYTES:-25165824}
LOSSY_BYTES=${CC_LOSSY_BYTES:-6291456}
LOSSY_ROUNDS=${CC_LOSSY_ROUNDS:-2}
LOSSY_PAIRS=${CC_LOSSY_PAIRS:-4}
FAIR_SECONDS=${CC_FAIR_SECONDS:-30}
T=${CC_TIMEOUT:-300}
IDLE_MS=10000
# On the debug kernel (QUIC_SLOW, lib.sh) the CPU, not the emulated link,
# limits every transfer: the echo table runs with 1/QUIC_SLOW of the
# bytes, and the checks that measure the link (goodput, fair share, CUBIC
# against NewReno) are left to Debian's kernel.
if [ "$QUIC_SLOW" -gt 1 ] && [ -z "${CC_CASES:-}" ]; then
	BYTES=$((BYTES / QUIC_SLOW))
	CASES='[0-9]'	# the echo table: each of its names has a number
	tap_skip "goodput, fair share, CUBIC against NewReno" \
		"debug kernel: the CPU, not the link, sets the rate"
fi
work=$(mktemp -d /tmp/quic-cc.XXXXXX)
psk=$work/psk.txt
port=4800
param=/sys/module/quic/parameters/congestion_control

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	stop_server
	[ -w "$param" ] && echo cubic > "$param"
	topo_cleanup
	rm -rf "$work"
}

psk_and_topology "$psk" "$work"
trap cleanup EXIT

# bottleneck RATE DELAY: a token bucket of RATE behind DELAY of netem, on
# both ends; the bucket holds 50 ms of traffic, what a router would queue.
bottleneck() {
	local ns dev
	for ns in "$NS1:veth1" "$NS2:veth2"; do
		dev=${ns#*:}
		ns=${ns%:*}
		tc -n "$ns" qdisc del dev "$dev" root 2> /dev/null
		tc -n "$ns" qdisc add dev "$dev" root handle 1: netem \
			delay "$2" limit 10000 &&
		tc -n "$ns" qdisc add dev "$dev" parent 1: handle 2: tbf \
			rate "$1" burst 15k latency 50ms || return 1
	done
}

# no_spurious_close: nothing closed the connection with an error: no
# error on the server, and a close it received carried code 0. (transfer
# already checked that every stream completed both ways.) Ending on the
# idle timeout after the transfer is allowed: with no closing period yet,
# a client's CONNECTION_CLOSE lost to netem leaves the server to it.
no_spurious_close() {
	! grep -qE 'ECONNRESET|error|incomplete' "$srv_log" &&
		! grep -qE '^close (event )?errcode [1-9]' "$srv_log"
}

echo_run() {	# echo_run NAME ADDR: one BYTES stream each way
	transfer "$1" "$2" 1 --one-stream "$BYTES" --chunk 65536 &&
		{ no_spurious_close || {
			echo "spurious close: $(why "$srv_log")"
			return 1
		}; }
}

# goodput NAME CC MIN_MBIT BYTES CLIENT-ARGS...: BYTES on one
# unidirectional stream from a client whose socket must report congestion
# control CC; the server must receive all of it with the client's SHA-256,
# and the client's rate (bytes acknowledged over time) be >= MIN_MBIT
# (0: no bound). Prints "goodput NAME R Mbit/s".
goodput() {
	local name=$1 cc=$2 min=$3 bytes=$4 rate rc delivered
	shift 4
	port=$((port + 1))
	start_server "$name" -a "$ADDR2_V4" -p "$port" || return 1
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c \
		-a "$ADDR2_V4" -p "$port" --psk "$psk" --timeout "$T" \
		--uni --streams 1 --bytes "$bytes" --chunk 65536 "$@" \
		> "$work/$name.cli" 2>&1
	rc=$?
	wait "$SRV_PID"
	SRV_PID=
	[ "$rc" = 0 ] || {
		echo "client exit $rc: $(why "$work/$name.cli")"
		logs "$work/$name.cli" "$srv_log"
		return 1
	}
	grep -qx "congestion control $cc" "$work/$name.cli" || {
		echo "client socket: $(grep '^congestion control' "$work/$name.cli"), not $cc"
		return 1
	}
	# Only its complaint is wanted here: check() takes the first line
	# of the output for the reason a check failed.
	delivered=$(uni_delivered "$work/$name.cli" "$srv_log") ||
		{ echo "$delivered"; return 1; }
	rate=$(awk '$1 == "OK:" { print $(NF - 1) }' "$work/$name.cli")
	echo "goodput $name $rate Mbit/s"
	awk -v r="$rate" -v m="$min" 'BEGIN { exit !(r + 0 >= m + 0) }' || {
		echo "goodput $rate Mbit/s below $min Mbit/s"
		return 1
	}
}

# What loss recovery did in an echo, from the counters of both ends and
# the datagrams dropped on the way in (socket backlogs full, and the CPUs'
# input queues: /proc/net/softnet_stat, hexadecimal, one line per CPU).
loss_re='^Quic(OutPackets|LostPackets|SpuriousLosses|InBacklogDrops|InDuplicates)$'
loss_snap() {
	local d=0 cpu_processed dropped
	quic_counters_snap "$loss_re"
	# shellcheck disable=SC2034 # the first column is not wanted
	while read -r cpu_processed dropped _; do
		d=$((d + 16#$dropped))
	done < /proc/net/softnet_stat
	echo "softnet.dropped $d"
}
loss_summary() {
	local p
	for p in ns1 ns2; do
		printf '%s: %s sent, %s declared lost, %s of them spurious; %s dropped in backlog, %s duplicates; ' \
			"$p" "$(counter_delta "$p.QuicOutPackets")" \
			"$(counter_delta "$p.QuicLostPackets")" \
			"$(counter_delta "$p.QuicSpuriousLosses")" \
			"$(counter_delta "$p.QuicInBacklogDrops")" \
			"$(counter_delta "$p.QuicInDuplicates")"
	done
	echo "input queues dropped $(counter_delta softnet.dropped), netem $(netem_stats | awk '{ print $2 }')"
}

# reorder_adapted: netem reordered and dropped nothing: each end declared
# packets lost that its peer's ACKs later showed had arrived
# (QuicSpuriousLosses), and with its thresholds raised declared lost at
# most REORDER_LOST_PCT of what it sent; and the late packets were taken,
# not dropped as duplicates below a floor that rose too early (at most
# REORDER_DUPS at each end). Measured under TCG: RFC 9002's fixed
# thresholds (3 packets, 9/8 RTT) declared 8% to 9% lost, nearly all of
# it spurious, in an echo five times as long; with the thresholds
# adapting and the floor raised at once, 1% to 2.5% and 60 to 73
# duplicates; with both changes, 0.5% and none.
REORDER_LOST_PCT=${CC_REORDER_LOST_PCT:-2}
REORDER_DUPS=${CC_REORDER_DUPS:-10}
reorder_adapted() {
	local p sent lost ok=0
	for p in ns1 ns2; do
		counter_expect "$p.QuicSpuriousLosses" -gt 0 || ok=1
		counter_expect "$p.QuicInDuplicates" -le "$REORDER_DUPS" || ok=1
		sent=$(counter_delta "$p.QuicOutPackets")
		lost=$(counter_delta "$p.QuicLostPackets")
		[ $((lost * 100)) -le $((sent * REORDER_LOST_PCT)) ] || {
			echo "$p declared $lost of $sent packets lost, over $REORDER_LOST_PCT%"
			ok=1
		}
	done
	return "$ok"
}

impairments=(
	"1% loss|netem loss 1%"
	"5% loss|netem loss 5%"
	"10% loss|netem loss 10%"
	"25% reordering with 10 ms delay|netem delay 10ms reorder 25% 50%"
	"1% duplication|netem duplicate 1%"
	"0.1% corruption|netem corrupt 0.1%"
	"100 ms RTT|netem delay 50ms limit 10000"
	"10 Mbit/s token-bucket bottleneck, 20 ms RTT|bottleneck 10mbit 10ms"
)
for entry in "${impairments[@]}"; do
	what=${entry%%|*}
	[[ $what =~ $CASES ]] || continue
	# shellcheck disable=SC2086 # the command and its arguments
	set -- ${entry#*|}
	if "$@"; then
		loss_snap > "$work/before"
		check "$what: $(kib "$BYTES") each way, SHA-256 equal at both ends, no spurious close" \
			echo_run "cc-echo" "$ADDR2_V4"
		grep -E '^(client|times):' "$work/why" | sed 's/^/# /'
		loss_snap > "$work/after"
		echo "# $(loss_summary)"
		[[ $what =~ reordering ]] &&
			check "$what: losses found spurious at both ends, thresholds adapted, late packets taken" \
				reorder_adapted
	else
		tap_fail "$what: set up with tc ($*)"
	fi
done

if ! [[ goodput =~ $CASES ]]; then
	:
elif bottleneck 10mbit 10ms; then
	check "10 Mbit/s bottleneck, 20 ms RTT, NewReno (QUIC_SOCKOPT_CONFIG): goodput >= 8.5 Mbit/s" \
		goodput reno reno 8.5 "$GP_BYTES" --cc reno
	grep -E '^goodput' "$work/why" | sed 's/^/# /'
	check "10 Mbit/s bottleneck, 20 ms RTT, CUBIC (module default): goodput >= 8.5 Mbit/s" \
		goodput cubic cubic 8.5 "$GP_BYTES"
	grep -E '^goodput' "$work/why" | sed 's/^/# /'
else
	tap_fail "10 Mbit/s bottleneck with 20 ms RTT: set up with tc"
fi

# fair_share: two servers, two clients started together, each sending more
# than the link can carry in FAIR_SECONDS; after that long, the bytes each
# server port received (iptables counters in $NS2) give the shares.
fair_share() {
	local p1=$((port + 1)) p2=$((port + 2)) pids=() b1 b2 share
	port=$p2
	for p in $p1 $p2; do
		ip netns exec "$NS2" iptables -A INPUT -p udp --dport "$p" \
			-j ACCEPT || return 1
		ip netns exec "$NS2" timeout -k 5 $((FAIR_SECONDS + 20)) \
			"$xfer" -s -a "$ADDR2_V4" -p "$p" --psk "$psk" \
			--idle-timeout 5000 > "$work/fair.$p.srv" 2>&1 &
		pids+=($!)
	done
	for p in $p1 $p2; do
		for _ in $(seq 100); do
			grep -q '^listening on' "$work/fair.$p.srv" && break
			sleep 0.1
		done
	done
	for p in $p1 $p2; do
		ip netns exec "$NS1" timeout -k 5 $((FAIR_SECONDS + 15)) \
			"$xfer" -c -a "$ADDR2_V4" -p "$p" --psk "$psk" \
			--uni --streams 1 --bytes 1073741824 --chunk 65536 \
			> "$work/fair.$p.cli" 2>&1 &
		pids+=($!)
	done
	sleep "$FAIR_SECONDS"
	read -r b1 b2 <<< "$(ip netns exec "$NS2" iptables -vxnL INPUT |
		awk -v a="dpt:$p1" -v b="dpt:$p2" '
			$0 ~ a"$" { x = $2 } $0 ~ b"$" { y = $2 }
			END { print x + 0, y + 0 }')"
	kill "${pids[@]}" 2> /dev/null
	wait "${pids[@]}" 2> /dev/null
	ip netns exec "$NS2" iptables -F INPUT
	share=$(awk -v a="$b1" -v b="$b2" 'BEGIN { if (a + b) printf "%d", 100 * a / (a + b) }')
	echo "fair shares: $b1 and $b2 bytes in $FAIR_SECONDS s, first $share%; $(awk -v a="$b1" -v b="$b2" -v s="$FAIR_SECONDS" 'BEGIN { printf "%.1f Mbit/s together", (a + b) * 8 / s / 1e6 }')"
	[ -n "$share" ] && [ "$share" -ge 35 ] && [ "$share" -le 65 ] || {
		echo "share $share% outside 35%..65%: $(tail -2 "$work/fair.$p1.cli" | tr '\n' ' ')"
		return 1
	}
}

if ! [[ fair =~ $CASES ]]; then
	:
elif bottleneck 10mbit 10ms; then
	check "two CUBIC connections through one 10 Mbit/s bottleneck for $FAIR_SECONDS s: each gets 35%..65%" \
		fair_share
	grep -E '^fair shares' "$work/why" | sed 's/^/# /'
else
	tap_fail "fair share: set up the 10 Mbit/s bottleneck with tc"
fi

# race NAME DEFAULT: LOSSY_PAIRS NewReno and as many CUBIC clients at once,
# LOSSY_BYTES each on one unidirectional stream to a server of its own,
# with the module parameter set to DEFAULT (reno or cubic) first: the
# clients of that controller take the default, the others ask for theirs
# per socket. Each server must receive all of it with its client's
# SHA-256, and each client report the controller it was meant to have.
# Prints "race NAME reno SECS cubic SECS" (each controller's seconds from
# handshake to all acknowledged, summed over its clients), each client's
# time, and a line on where the round's time went.
race() {
	local name=$1 def=$2 cc i k args=() rc=0
	local -A sport spid cpid crc
	local t0 t1 t2 hs
	if ! echo "$def" > "$param" || ! grep -qx "$def" "$param"; then
		echo "$param does not take $def: $(cat "$param")"
		return 1
	fi
	t0=$(ms)
	for i in $(seq "$LOSSY_PAIRS"); do
		for cc in reno cubic; do
			k=$cc.$i
			port=$((port + 1))
			sport[$k]=$port
			ip netns exec "$NS2" timeout -k 5 $((T + 10)) "$xfer" -s \
				-a "$ADDR2_V4" -p "$port" --psk "$psk" \
				--idle-timeout "$IDLE_MS" --timeout $((T + 10)) \
				< /dev/null > "$work/$name.$k.srv" 2>&1 &
			spid[$k]=$!
		done
	done
	for k in "${!sport[@]}"; do
		for _ in $(seq 100); do
			grep -q '^listening on' "$work/$name.$k.srv" && break
			sleep 0.1
		done
	done
	t1=$(ms)
	for k in "${!sport[@]}"; do
		cc=${k%.*}
		args=(--cc "$cc")
		[ "$cc" = "$def" ] && args=()
		ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c \
			-a "$ADDR2_V4" -p "${sport[$k]}" --psk "$psk" \
			--timeout "$T" --uni --streams 1 --bytes "$LOSSY_BYTES" \
			--chunk 65536 "${args[@]}" > "$work/$name.$k.cli" 2>&1 &
		cpid[$k]=$!
	done
	for k in "${!sport[@]}"; do
		wait "${cpid[$k]}"
		crc[$k]=$?
	done
	t2=$(ms)
	for k in "${!sport[@]}"; do
		[ "${crc[$k]}" = 0 ] || {
			echo "$k client exit ${crc[$k]}: $(why "$work/$name.$k.cli")"
			rc=1
		}
	done
	# The servers' reports of their streams are all that is needed:
	# not their wait for a CONNECTION_CLOSE that netem may drop.
	for _ in $(seq 50); do
		# shellcheck disable=SC2143 # grep -L: the files without it
		[ -z "$(grep -L '^stream 2 rx' "$work/$name".*.srv)" ] && break
		sleep 0.1
	done
	kill "${spid[@]}" 2> /dev/null
	wait "${spid[@]}" 2> /dev/null
	# One awk reads every log: processes are dear under TCG. Each client
	# must report its controller and a time, and its server the bytes
	# and SHA-256 it sent; the seconds are summed by controller.
	awk -v name="$name" '
	FNR == 1 {
		k = FILENAME; sub(/.*\//, "", k); sub("^" name "\\.", "", k)
		side = k; sub(/.*\./, "", side); sub(/\.[a-z]+$/, "", k)
		keys[k] = 1
	}
	side == "cli" && $1 == "congestion" && $2 == "control" { cc[k] = $3 }
	side == "cli" && $1 == "stream" && $2 == 2 && $3 == "tx" { tx[k] = $4 " " $6 }
	side == "srv" && $1 == "stream" && $2 == 2 && $3 == "rx" { rx[k] = $4 " " $6 }
	side == "cli" && $1 == "OK:" { secs[k] = $(NF - 3) }
	END {
		for (k in keys) {
			want = k; sub(/\..*/, "", want)
			if (cc[k] != want) {
				printf "%s client socket: congestion control %s, not %s\n", k, cc[k], want
				bad = 1
			}
			if (tx[k] == "" || tx[k] != rx[k]) {
				printf "%s: server received \047%s\047, client sent \047%s\047\n", k, rx[k], tx[k]
				bad = 1
			}
			if (secs[k] == "") {
				printf "%s: no OK line\n", k
				bad = 1
				sum[want] = -1e9	# the verdict: round incomplete
			}
			sum[want] += secs[k]
			each = each " " k " " secs[k]
		}
		printf "race %s reno %.3f cubic %.3f\n", name, sum["reno"], sum["cubic"]
		printf "times of each client (s):%s\n", each
		exit bad
	}' "$work/$name".*.cli "$work/$name".*.srv > "$work/$name.race" || rc=1
	cat "$work/$name.race"
	hs=$(awk '$1 == "handshake" && $2 == "ok:" { printf " %s", $(NF - 1) }' "$work/$name".*.cli)
	echo "times: servers up in $((t1 - t0)) ms, all clients done after $((t2 - t1)) ms, servers $(($(ms) - t2)) ms later; handshakes (s):$hs"
	return "$rc"
}

if ! [[ lossy =~ $CASES ]]; then
	:
elif netem delay 25ms loss 1% limit 10000; then
	tap_check "congestion_control module parameter refuses 'vegas'" \
		sh -c "! echo vegas > $param 2> /dev/null && grep -qx cubic $param"
	races=()
	# lossy_rounds FIRST LAST: run those rounds, adding to races[].
	lossy_rounds() {
		local r m
		for ((r = $1; r <= $2; r++)); do
			if [ $((r % 2)) = 1 ]; then m=reno; else m=cubic; fi
			check "1% loss, 50 ms RTT, round $r: $LOSSY_PAIRS NewReno and $LOSSY_PAIRS CUBIC connections (module parameter $m, the other per socket) each complete $(kib "$LOSSY_BYTES") at the same time" \
				race "lossy$r" "$m"
			grep -E '^(race|times)' "$work/why" | sed 's/^/# /'
			races+=("$(grep -E '^race' "$work/why")")
		done
	}
	# lossy_verdict: goodput over all rounds so far; every round sends
	# the same bytes. Fails when CUBIC's is lower or a round is missing.
	lossy_verdict() {
		printf '%s\n' "${races[@]}" | awk -v b="$LOSSY_BYTES" \
			-v p="$LOSSY_PAIRS" -v rounds="${#races[@]}" '
			$1 == "race" && $3 == "reno" && $5 == "cubic" && $4 > 0 && $6 > 0 {
				n++; rs += $4; cs += $6
			}
			END {
				if (n != rounds || !n) {
					printf "%d of %d rounds complete", n, rounds
					exit 1
				}
				r = n * p * b * 8 / rs / 1e6; c = n * p * b * 8 / cs / 1e6
				printf "NewReno %.2f Mbit/s, CUBIC %.2f Mbit/s a connection, %d of each in %d rounds", r, c, n * p, n
				exit !(c >= r)
			}'
	}
	lossy_rounds 1 "$LOSSY_ROUNDS"
	# The first rounds can find CUBIC behind (about once in 20, see
	# above): then as many again decide, over all of them.
	if ! verdict=$(lossy_verdict); then
		echo "# after $LOSSY_ROUNDS rounds: $verdict; $LOSSY_ROUNDS more"
		lossy_rounds $((LOSSY_ROUNDS + 1)) $((2 * LOSSY_ROUNDS))
	fi
	echo cubic > "$param"
	tap_check "congestion_control module parameter back to cubic reads back cubic" \
		grep -qx cubic "$param"
	if verdict=$(lossy_verdict); then
		tap_ok "1% loss, 50 ms RTT: CUBIC's goodput >= NewReno's ($verdict)"
	else
		tap_fail "1% loss, 50 ms RTT: CUBIC's goodput >= NewReno's" "$verdict"
	fi
else
	tap_fail "1% loss with 50 ms RTT: set up with tc"
fi
echo "# $SECONDS s in all"
tap_done
