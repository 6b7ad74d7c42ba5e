#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile input. inject (inject.c) sends truncated, oversized, reserved-bit,
# unknown-frame, wrong-key and other malformed or forbidden packets:
#
# - at a live connection: inject is the QUIC client of an xfer echo server,
#   knows its own keys and sends from its own address. What cannot be
#   authenticated must be ignored, and the connection still echoes data; an
#   authentic packet that breaks a rule must close the connection with the
#   RFC 9000 error code, which the client reads with
#   QUIC_SOCKOPT_CONNECTION_CLOSE. Afterwards a new connection still works.
#   One of them (ack-ranges) echoes 16 MiB or so first, then sends an ACK
#   frame with 10,000 ranges over packet numbers the server sent: it must
#   be processed, in bounded time, up to the frame after it.
# - at a listener (an xfer server, restarted only if a case killed it):
#   junk is dropped without accept() giving out a connection for it, bad
#   authentic Initials are answered with a CONNECTION_CLOSE carrying the RFC
#   code, and each time a new client is then served.
#
# The VM harness fails the run if the kernel log shows a warning or worse.
# BADINPUT_CASE_TIMEOUT: seconds a case may wait for an answer (10).
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=badinput
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
inject=$SELFTEST_BIN/inject
mkcerts=$(dirname "$0")/mkcerts.sh
require "$xfer" "$inject" "$mkcerts" psktool certtool ip timeout

T_CASE=${BADINPUT_CASE_TIMEOUT:-$(scaled 10)}
T_BATCH=$(scaled 150)	# all connection cases of one address family
T_SERVER=$(scaled 200)	# the echo server of the connection cases
work=$(mktemp -d /tmp/quic-badinput.XXXXXX)
creds=$work/creds
psk=$creds/psk.txt
port=4600
SRV_TIMEOUT=$T_SERVER

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

server_alive() { [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2> /dev/null; }

srv_tail() { tail -3 "$srv_log" | tr '\n' ' '; }

cleanup() {
	stop_server
	topo_cleanup
	rm -rf "$work"
}

# Case lists from inject: "name<TAB>what is sent<TAB>ignored|ERROR_NAME",
# read through select_cases.
# shellcheck disable=SC2034
mapfile -t conn_cases < <("$inject" list conn)
# shellcheck disable=SC2034
mapfile -t lsn_cases < <("$inject" list listener)

# select_cases LIST_NAME [NAME...]: the lines of the list, all or the named
select_cases() {
	local -n from=$1
	local line
	shift
	for line in "${from[@]}"; do
		if [ $# -eq 0 ] || [[ " $* " == *" ${line%%	*} "* ]]; then
			echo "$line"
		fi
	done
}

# read_results LOG: RESULT_OF[case]="PASS: ..." (first result of each case)
# and PORT_OF[case] from an inject log; ACCEPTED[port]: how many
# connections the server (log $srv_log) accepted from that port. Plain
# bash: forks are slow under qemu.
read_results() {
	local l n
	while IFS= read -r l; do
		case $l in
		"RESULT "*)
			l=${l#RESULT }
			n=${l%% *}
			[ -n "${RESULT_OF[$n]+x}" ] || RESULT_OF[$n]=${l#"$n" }
			;;
		"PORT "*)
			l=${l#PORT }
			PORT_OF[${l%% *}]=${l#* }
			;;
		esac
	done < "$1"
	while IFS= read -r l; do
		case $l in
		"connection from "*)
			n=${l##* port }
			ACCEPTED[$n]=$((${ACCEPTED[$n]:-0} + 1))
			;;
		esac
	done < "$srv_log"
}

# udp_csum_errors FAM: datagrams the server's namespace dropped for a bad
# UDP checksum (InCsumErrors of UDP, or of UDP over IPv6)
udp_csum_errors() {
	if [ "$1" = IPv4 ]; then
		ip netns exec "$NS2" awk '$1 == "Udp:" {
			if (!col) { for (i = 2; i <= NF; i++) if ($i == "InCsumErrors") col = i; next }
			print $col }' /proc/net/snmp
	else
		ip netns exec "$NS2" awk '$1 == "Udp6InCsumErrors" { print $2 }' \
			/proc/net/snmp6
	fi
}

# run_conn_cases FAM ADDR [NAME...]: the connection cases in one inject run
# against one echo server, one TAP line each.
run_conn_cases() {
	local fam=$1 addr=$2 log=$work/conn-$1.log rc line name desc outcome res
	local -a sel
	local -A RESULT_OF PORT_OF ACCEPTED
	local t0=$SECONDS t1 csum0 csum1
	shift 2
	mapfile -t sel < <(select_cases conn_cases "$@")
	csum0=$(udp_csum_errors "$fam")
	port=$((port + 1))
	if ! start_server "conn-$fam" -a "$addr" -p "$port" \
		--conns 100000 > "$work/why" 2>&1; then
		tap_fail "$fam connection cases: echo server starts" "$(cat "$work/why")"
		return
	fi
	ip netns exec "$NS1" timeout -k 5 "$T_BATCH" "$inject" conn \
		-a "$addr" -p "$port" --psk "$psk" \
		--case "$(printf '%s\n' "${sel[@]}" | cut -f1 | paste -sd,)" \
		--server-pid "$SRV_PID" --cipher aes128 \
		--case-timeout "$T_CASE" --timeout "$T_BATCH" < /dev/null \
		> "$log" 2>&1
	rc=$?
	t1=$SECONDS
	csum1=$(udp_csum_errors "$fam")
	read_results "$log"
	# bad-udp-csum is the run's only datagram with a wrong checksum.
	if printf '%s\n' "${sel[@]}" | grep -q '^bad-udp-csum'; then
		tap_check "$fam: the wrong UDP checksum is counted (InCsumErrors $csum0 -> $csum1)" \
			test "$((csum1 - csum0))" = 1
	fi
	for line in "${sel[@]}"; do
		IFS=$'\t' read -r name desc outcome <<< "$line"
		case $outcome in
		ignored) outcome=": ignored, the connection still echoes" ;;
		-) outcome= ;;
		*) outcome=": connection closed with $outcome" ;;
		esac
		res=${RESULT_OF[$name]:-}
		case $res in
		PASS:*)
			tap_ok "$fam connection: $desc$outcome"
			echo "# $name: ${res#PASS: }"
			;;
		'')
			tap_fail "$fam connection: $desc$outcome" \
				"no result (inject exit $rc): $(tail -2 "$log" | tr '\n' ' ')"
			;;
		*)
			tap_fail "$fam connection: $desc$outcome" "$res"
			;;
		esac
	done
	stop_server
	echo "# $fam connection cases took $((SECONDS - t0)) s, inject $((t1 - t0)) s of it"
}

# run_listener_cases FAM ADDR [NAME...]: the listener cases through one
# xfer server, restarted (and inject run again for the cases left) when a
# case made it exit. A case passes when inject says so and, for junk that
# must be dropped, the server accepted no connection from the junk's port.
run_listener_cases() {
	local fam=$1 addr=$2 line name desc outcome res n log rc
	local -a sel todo next
	local -A result junk_accepted RESULT_OF PORT_OF ACCEPTED
	local t0=$SECONDS
	shift 2
	mapfile -t sel < <(select_cases lsn_cases "$@")
	mapfile -t todo < <(printf '%s\n' "${sel[@]}" | cut -f1)
	while [ ${#todo[@]} -gt 0 ]; do
		port=$((port + 1))
		log=$work/lsn-$fam-$port.log
		# A short idle timeout bounds a handshake that never comes.
		if ! start_server "lsn-$fam-$port" -a "$addr" -p "$port" \
			--conns 100000 --idle-timeout 3000 > "$work/why" 2>&1; then
			for n in "${todo[@]}"; do
				result[$n]="FAIL: $(cat "$work/why")"
			done
			break
		fi
		ip netns exec "$NS1" timeout -k 5 "$T_BATCH" "$inject" listener \
			-a "$addr" -p "$port" --psk "$psk" \
			--case "$(IFS=,; echo "${todo[*]}")" \
			--server-pid "$SRV_PID" --case-timeout "$T_CASE" \
			--timeout "$T_BATCH" < /dev/null > "$log" 2>&1
		rc=$?
		sleep 0.2
		server_alive || echo "# server exited: $(srv_tail)" >> "$log"
		stop_server
		RESULT_OF=()
		PORT_OF=()
		ACCEPTED=()
		read_results "$log"
		next=()
		for n in "${todo[@]}"; do
			res=${RESULT_OF[$n]:-}
			if [ -z "$res" ]; then
				next+=("$n")
				continue
			fi
			junk_accepted[$n]=${ACCEPTED[${PORT_OF[$n]:-none}]:-0}
			[ "${res%%:*}" = PASS ] || res="$res; server: $(srv_tail)"
			result[$n]=$res
		done
		if [ ${#next[@]} -eq ${#todo[@]} ]; then
			for n in "${todo[@]}"; do
				result[$n]="FAIL: no result (inject exit $rc): $(tail -2 "$log" | tr '\n' ' ')"
			done
			break
		fi
		todo=("${next[@]}")
	done
	for line in "${sel[@]}"; do
		IFS=$'\t' read -r name desc outcome <<< "$line"
		res=${result[$name]}
		# accept() may give out no connection for junk, one for an
		# authentic Initial
		n=${junk_accepted[$name]:-0}
		if [ "$outcome" = ignored ]; then
			outcome="dropped"
			[ "$n" = 0 ] ||
				res="FAIL: the listener handed accept() $n connection(s) for the junk (${res#*: })"
		else
			outcome="answered with CONNECTION_CLOSE $outcome"
			[ "$n" -le 1 ] ||
				res="FAIL: the listener handed accept() $n connections for it (${res#*: })"
		fi
		case $res in
		PASS:*)
			tap_ok "$fam listener: $desc: $outcome, then a new client is served"
			echo "# $name: ${res#PASS: }"
			;;
		*)
			tap_fail "$fam listener: $desc: $outcome, then a new client is served" "$res"
			;;
		esac
	done
	echo "# $fam listener cases took $((SECONDS - t0)) s"
}

certs_and_topology "$creds" "$work"
trap cleanup EXIT
exec 3>&1	# comments from inside check(), past its capture

run_conn_cases IPv4 "$ADDR2_V4"
run_listener_cases IPv4 "$ADDR2_V4"
# A few of each over IPv6.
run_conn_cases IPv6 "$ADDR2_V6" reserved-bits unknown-frame wrong-key \
	auth-trunc oversized fresh-connection bad-udp-csum
run_listener_cases IPv6 "$ADDR2_V6" long-junk garbage-initial \
	initial-unknown-frame
tap_done
