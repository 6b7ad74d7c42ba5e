# SPDX-License-Identifier: GPL-2.0
#
# Echo transfers with xfer between $NS1 (clients) and $NS2 (server), the
# xfer server's start and stop, and a TAP check() with netem counts; shared
# by loss_test.sh, congestion_test.sh, transfer_test.sh and
# badinput_test.sh. The sourcing script sets: $xfer, $work (scratch
# directory), $psk (the PSK file the server uses), $port (the last port
# used; each transfer takes the next), $T (client time limit, s) and
# optionally $IDLE_MS (the server's idle timeout; unset: xfer's default)
# and $SRV_TIMEOUT (the server's time limit, s; default 3 * T), and calls
# stop_server in its cleanup. transfer() gives the server the array
# SRV_ARGS too (options both ends take).
# shellcheck shell=bash disable=SC2317,SC2154

SRV_PID=
# start_server NAME ARGS...: xfer -s --psk $psk in $NS2 logging to
# $work/NAME.srv; returns once it listens ($! is timeout(1): ip netns exec
# execs).
start_server() {
	local name=$1 t=${SRV_TIMEOUT:-$((3 * T))}
	shift
	srv_log=$work/$name.srv
	ip netns exec "$NS2" timeout -k 5 "$t" "$xfer" -s --timeout "$t" \
		--psk "$psk" ${IDLE_MS:+--idle-timeout "$IDLE_MS"} "$@" \
		< /dev/null > "$srv_log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		grep -q '^listening on' "$srv_log" && return 0
		kill -0 "$SRV_PID" 2> /dev/null || break
		sleep 0.1
	done
	echo "server did not start listening: $(tail -3 "$srv_log" | tr '\n' ' ')"
	stop_server
	return 1
}

stop_server() {
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=
}

# xfer_cleanup: the usual EXIT trap of a test using this file.
xfer_cleanup() {
	stop_server
	topo_cleanup
	rm -rf "$work"
}

# xfer_echo NAME ADDR CLIENT-ARGS...: a fresh server (start_server NAME, on
# the next port) and one xfer client connection to it from $NS1, logging
# to $work/NAME.cli ($cli_log); quiet if both exit 0, else says which did
# not and why.
xfer_echo() {
	local name=$1 addr=$2 rc
	shift 2
	port=$((port + 1))
	start_server "$name" -a "$addr" -p "$port" || return 1
	cli_log=$work/$name.cli
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c -a "$addr" \
		-p "$port" --psk "$psk" --timeout "$T" "$@" > "$cli_log" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "client exit $rc: $(why "$cli_log")"
		stop_server
		return 1
	fi
	wait "$SRV_PID"
	rc=$?
	SRV_PID=
	[ "$rc" = 0 ] || { echo "server exit $rc: $(why "$srv_log")"; return 1; }
}


# netem ARGS...: the same impairment on both ends of the link, in place of
# the qdiscs there. Not "qdisc replace": on a netem root that only changes
# the netem and keeps what hangs under it (bottleneck()'s token bucket in
# congestion_test.sh, which then limited the next case's link).
netem() {
	tc -n "$NS1" qdisc del dev veth1 root 2> /dev/null
	tc -n "$NS2" qdisc del dev veth2 root 2> /dev/null
	tc -n "$NS1" qdisc add dev veth1 root netem "$@" &&
		tc -n "$NS2" qdisc add dev veth2 root netem "$@"
}

# "SENT DROPPED": packets the qdiscs passed on and dropped so far, both
# ends; nothing when there is no netem on the link (or no veth: quicsim).
netem_stats() {
	{
		tc -n "$NS1" -s qdisc show dev veth1
		tc -n "$NS2" -s qdisc show dev veth2
	} 2> /dev/null | awk '$1 == "qdisc" && $2 == "netem" { n = 1 }
		$1 == "Sent" { p += $4; d += $7 }
		END { if (n) print p + 0, d + 0 }'
}

# check NAME CMD...: one TAP line; the first line of CMD's output says why
# not, the rest become diagnostics; on success its last line (what was
# measured) becomes one. Then the time it took, and what netem
# did meanwhile if the link has netem.
check() {
	local name=$1 t0=$SECONDS s0 s1
	shift
	s0=$(netem_stats)
	if "$@" > "$work/why" 2>&1; then
		tap_ok "$name"
		# What the case measured, when its last word says so.
		tail -1 "$work/why" | grep -vE '^(client|handshake seconds|times):' |
			sed 's/^/# /'
	else
		tap_fail "$name" "$(head -1 "$work/why")"
		tail -n +2 "$work/why" |
			grep -vE '^(client|handshake seconds|times):' | sed 's/^/# /'
	fi
	s1=$(netem_stats)
	if [ -n "$s0" ] && [ -n "$s1" ]; then
		echo "# $((SECONDS - t0)) s; netem passed $((${s1% *} - ${s0% *})) packets, dropped $((${s1#* } - ${s0#* }))"
	else
		echo "# $((SECONDS - t0)) s"
	fi
}

why() {	# why LOG: what went wrong, in a few words
	grep -E 'error|failed|incomplete|mismatch|differs|status|timeout' "$1" |
		head -4 | tr '\n' ' '
}

ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# logs LOG...: the last lines of each, data hashes left out
logs() {
	local f
	for f in "$@"; do
		grep -v sha256 "$f" | tail -6 | sed "s|^|${f##*/}: |"
	done
}

# server_done_with N: wait until the server has finished N connections
# (or given up on their handshake), up to its idle timeout and some.
server_done_with() {
	local n=$1 t0=$SECONDS
	while [ "$(grep -cE '^(connection done|handshake failed)' "$srv_log")" -lt "$n" ] &&
		[ $((SECONDS - t0)) -le $((IDLE_MS / 1000 + 10)) ]; do
		sleep 0.1
	done
}

# transfer NAME ADDR CONNS CLIENT-ARGS...: CONNS client connections, one
# after another, to one server; every client and the server exit 0, and
# each bidirectional stream's SHA-256 is the same in the client's tx, the
# server's rx and the client's rx (the echo).
transfer() {
	local name=$1 addr=$2 conns=$3 i rc t0 t1 t2
	shift 3
	port=$((port + 1))
	t0=$(ms)
	start_server "$name" -a "$addr" -p "$port" --conns "$conns" \
		"${SRV_ARGS[@]}" || return 1
	t1=$(ms)
	for i in $(seq "$conns"); do
		# The server serves one connection at a time. When the
		# previous client's CONNECTION_CLOSE was lost, it waits out
		# its idle timeout; a client started meanwhile would sit in
		# the accept queue, and this test is about loss, not queueing.
		server_done_with $((i - 1))
		ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c \
			-a "$addr" -p "$port" --psk "$psk" --timeout "$T" \
			"$@" > "$work/$name.cli.$i" 2>&1
		rc=$?
		if [ "$rc" != 0 ]; then
			echo "client $i of $conns exit $rc: $(why "$work/$name.cli.$i")"
			stop_server
			logs "$work/$name.cli.$i" "$srv_log"
			return 1
		fi
	done
	t2=$(ms)
	wait "$SRV_PID"
	rc=$?
	SRV_PID=
	echo "times: server up in $((t1 - t0)) ms, clients $((t2 - t1)) ms, server done $(($(ms) - t2)) ms after"
	[ "$rc" = 0 ] || {
		echo "server exit $rc: $(why "$srv_log")"
		logs "$srv_log"
		return 1
	}
	# One awk for all the comparing: processes are dear under TCG.
	awk -v srv="$srv_log" '
	# "stream ID tx|rx BYTES sha256 HEX"
	{ k = ($1 == "stream" && $5 == "sha256") ? $2 " " $4 " " $6 : "" }
	k != "" && FILENAME == srv && $3 == "rx" { s[k]++; ns++ }
	k != "" && FILENAME != srv && $3 == "tx" { t[k]++; nt++ }
	k != "" && FILENAME != srv && $3 == "rx" { r[k]++ }
	FILENAME != srv && $1 == "OK:" && !ok { ok = $0 }
	FILENAME != srv && $1 == "handshake" && $2 == "ok:" { hs = hs " " $(NF - 1) }
	END {
		for (k in t) {
			if (s[k] != t[k]) sbad++
			if (r[k] != t[k]) rbad++
		}
		for (k in s) if (!(k in t)) sbad++
		for (k in r) if (!(k in t)) rbad++
		if (!nt) { print "client reported no streams"; exit 1 }
		if (sbad || ns != nt) {
			printf "server rx differs from client tx: %d streams sent, %d received, %d hash lines unmatched\n", nt, ns, sbad
			exit 1
		}
		if (rbad) { printf "echo differs from what was sent: %d hash lines unmatched\n", rbad; exit 1 }
		print "client: " ok
		print "handshake seconds:" hs
	}' "$srv_log" "$work/$name".cli.*
}

# check, and print transfer's own summary lines as TAP diagnostics
run() {
	check "$@"
	grep -E '^(client|handshake seconds|times):' "$work/why" | sed 's/^/# /'
}

kib() {
	if [ $(($1 % 1048576)) = 0 ]; then
		echo "$(($1 / 1048576)) MiB"
	else
		echo "$(($1 / 1024)) KiB"
	fi
}

# echo_ms NAME: how long client 1 of transfer NAME took to move its data,
# in ms, as xfer measured it: process start and handshake left out, which
# take seconds of their own under TCG.
echo_ms() {
	awk '$1 == "OK:" { for (i = 2; i < NF; i++)
		if ($(i + 1) == "s,") { printf "%d\n", $i * 1000; exit } }' \
		"$work/$1.cli.1"
}

# uni_delivered CLIENT-LOG SERVER-LOG: the client's first unidirectional
# stream (ID 2) arrived whole: the bytes and SHA-256 the server reports
# receiving are those the client reports sending. Says what differs if
# not.
uni_delivered() {
	local tx rx
	tx=$(awk '$1 == "stream" && $2 == 2 && $3 == "tx" { print $4, $6 }' "$1")
	rx=$(awk '$1 == "stream" && $2 == 2 && $3 == "rx" { print $4, $6 }' "$2")
	if [ -z "$tx" ] || [ "$tx" != "$rx" ]; then
		echo "server received '$rx', client sent '$tx'"
		return 1
	fi
	echo "upload: $tx"
}

# tshark_fields PCAP KEYLOG OUT FIELD...: one line per frame of PCAP into
# OUT, decrypted with KEYLOG: the FIELDs separated by '|', the values of
# one field (one per coalesced packet, or frame) by ','. Says why not if
# tshark fails.
tshark_fields() {
	local pcap=$1 keys=$2 out=$3 f args=()
	shift 3
	for f in "$@"; do
		args+=(-e "$f")
	done
	tshark -r "$pcap" -o "tls.keylog_file:$keys" -T fields \
		-E separator='|' -E aggregator=, "${args[@]}" \
		> "$out" 2> "$out.err" || {
		echo "tshark failed: $(tail -2 "$out.err" | tr '\n' ' ')"
		return 1
	}
	echo "$(wc -l < "$out") frames"
}
