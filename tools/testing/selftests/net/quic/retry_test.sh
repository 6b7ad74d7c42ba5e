#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Address validation (RFC 9000 8.1): Retry packets and NEW_TOKEN tokens
# between two kernel endpoints, counted on the wire.
#
#   - A server with validate_peer_address (xfer --validate) answers a new
#     client's first Initial with a Retry; the client takes it (new
#     Initial keys from the Retry's SCID, its Initial data again with the
#     token), both check the CID transport parameters a Retry adds, and a
#     64 KiB echo completes: IPv4 and IPv6.
#   - The server gives each client a token in NEW_TOKEN (QUIC_SOCKOPT_TOKEN
#     reads it); a client that offers it on its next connection gets no
#     Retry. A stranger's token (64 random bytes) counts as none: Retry.
#   - Under 20% loss each way, three connections through Retry complete.
#   - Without validate_peer_address there is no Retry.
#   - inject (listener cases "inject list retry") checks a Retry on the
#     wire (integrity tag, CIDs, token) and what the server makes of the
#     Initial that answers it: with the token, a connection; the token
#     from another port, INVALID_TOKEN; a damaged or stranger's token, a
#     new Retry.
# A capture of the link counts the Retry packets of each server port.
# After each part every socket it opened must be freed (the module's
# references fall back). /proc/net/quic/snmp counts a Retry taken for
# each client that got one, and an INVALID_TOKEN close for each bad
# Retry token.
# shellcheck disable=SC2317 # functions run through check()
SUITE=retry
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
inject=$SELFTEST_BIN/inject
require "$xfer" "$inject" psktool ip tc timeout dumpcap tshark

T=60
# The server's idle timeout, which both ends then use. Under 20% loss
# each way a client whose first RTT sample waited out the server's PTO
# (its flight lost, the ACK of our Initial came with the resent one)
# starts with an RTT near a second and PTOs of several: two probe rounds
# lost in a row, with an ACK or two lost before, went past 15 s about one
# run in fifty (ETIMEDOUT, no byte back). As in loss_test.sh: 30 s.
IDLE_MS=30000
work=$(mktemp -d /tmp/quic-retry.XXXXXX)
psk=$work/psk.txt
port=5200
declare -A PORTS	# server name -> its port

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	cap_stop
	stop_server
	topo_cleanup
	rm -rf "$work"
}
psk_and_topology "$psk" "$work"
trap cleanup EXIT
# from a clean start: earlier tests' sockets may still linger
quic_sockets_gone
refs0=$(cat /sys/module/quic/refcnt)

if ! cap_start "$work/wire.pcapng"; then
	tap_fail "dumpcap captures the link"
	tap_done
fi

# client NAME ADDR ARGS...: one more client of the running server, after
# the ones before it are done; logs to $work/NAME.cli.
client() {
	local name=$1 addr=$2
	shift 2
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c -a "$addr" \
		-p "$port" --psk "$psk" --timeout "$T" --one-stream 65536 \
		"$@" > "$work/$name.cli" 2>&1 || {
		echo "client $name exit $?: $(why "$work/$name.cli")"
		logs "$work/$name.cli" "$srv_log"
		return 1
	}
	grep -q '^OK:' "$work/$name.cli" || {
		echo "client $name: no OK line"
		return 1
	}
}

# token_of NAME: the size of the token client NAME was given at the end
token_of() { awk '$1 == "token" { print $2 }' "$work/$1.cli"; }

# validated ADDR PORT-NAME: three clients of one --validate server: the
# first without a token, the second with the token the first was given,
# the third with a stranger's token. The server is stopped if a client
# failed.
validated() {
	validated_clients "$@"
	local rc=$?
	stop_server
	return "$rc"
}
validated_clients() {
	local addr=$1 name=$2
	port=$((port + 1))
	PORTS[$name]=$port
	start_server "$name" -a "$addr" -p "$port" --conns 3 --validate ||
		return 1
	client "$name.1" "$addr" --token-out "$work/$name.token" || return 1
	[ "$(token_of "$name.1")" -gt 0 ] || {
		echo "client 1 was given no token: $(grep '^token' "$work/$name.1.cli")"
		return 1
	}
	client "$name.2" "$addr" --token-in "$work/$name.token" || return 1
	head -c 64 /dev/urandom > "$work/junk.token"
	client "$name.3" "$addr" --token-in "$work/junk.token" || return 1
	wait "$SRV_PID" || {
		echo "server exit $?: $(why "$srv_log")"
		return 1
	}
	SRV_PID=
	echo "tokens given: $(token_of "$name.1"), $(token_of "$name.2"), $(token_of "$name.3") bytes"
}

# freed NAME: every socket of part NAME is gone
freed() {
	check "$1: every socket freed (module references back to $refs0)" \
		quic_refs_back "$refs0"
}
check "IPv4: three clients of a validate_peer_address server complete a 64 KiB echo each (no token, the NEW_TOKEN token of the first, a stranger's token)" \
	validated "$ADDR2_V4" v4
freed IPv4
check "IPv6: the same three clients" validated "$ADDR2_V6" v6
freed IPv6

# transfer_validate NAME ADDR CONNS ARGS...: CONNS clients in turn of one
# --validate server.
transfer_validate() {
	local name=$1 addr=$2 conns=$3 i rc
	shift 3
	port=$((port + 1))
	PORTS[$name]=$port
	start_server "$name" -a "$addr" -p "$port" --conns "$conns" \
		--validate || return 1
	for i in $(seq "$conns"); do
		server_done_with $((i - 1))
		client "$name.$i" "$addr" "$@" || return 1
	done
	wait "$SRV_PID" || {
		echo "server exit $?: $(why "$srv_log")"
		return 1
	}
	SRV_PID=
}
under_loss() {
	netem loss 20% || return 1
	transfer_validate lossy "$ADDR2_V4" 3
	local rc=$?
	stop_server
	netem loss 0%
	return "$rc"
}
check "20% loss each way: three connections through Retry complete" under_loss
freed "20% loss"

plain() {
	port=$((port + 1))
	PORTS[plain]=$port
	start_server plain -a "$ADDR2_V4" -p "$port" --conns 1 || return 1
	client plain "$ADDR2_V4" || { stop_server; return 1; }
	wait "$SRV_PID"
	SRV_PID=
}
check "a server without validate_peer_address: one client echoes 64 KiB" plain
freed "no validate_peer_address"
# taken: QuicRetryTaken on the clients' side, one per Retry they took:
# two of each three clients above, and the three under loss
check "/proc/net/quic/snmp: the clients took 7 Retry packets (QuicRetryTaken)" \
	quic_counter_is "$NS1" QuicRetryTaken 7

# One inject run of the retry cases against a --validate server; a TAP
# line per case from its RESULT lines.
inject_cases() {
	local -a cases names
	local line name desc outcome res
	mapfile -t cases < <("$inject" list retry)
	mapfile -t names < <(printf '%s\n' "${cases[@]}" | cut -f1)
	port=$((port + 1))
	if ! start_server inject -a "$ADDR2_V4" -p "$port" --conns 100000 \
		--validate --idle-timeout 3000 > "$work/why" 2>&1; then
		tap_fail "inject: a --validate server starts" "$(cat "$work/why")"
		return
	fi
	ip netns exec "$NS1" timeout -k 5 300 "$inject" listener \
		-a "$ADDR2_V4" -p "$port" --psk "$psk" \
		--case "$(IFS=,; echo "${names[*]}")" --server-pid "$SRV_PID" \
		--case-timeout 10 --timeout 300 < /dev/null > "$work/inject.log" 2>&1
	stop_server
	for line in "${cases[@]}"; do
		IFS=$'\t' read -r name desc outcome <<< "$line"
		res=$(awk -v c="$name" '$1 == "RESULT" && $2 == c {
			sub(/^RESULT [^ ]+ /, ""); print; exit }' "$work/inject.log")
		if [ "${res%%:*}" = PASS ]; then
			tap_ok "$name: $desc ($outcome)"
			echo "# ${res#PASS: }"
		else
			tap_fail "$name: $desc ($outcome)" \
				"${res:-no result: $(tail -2 "$work/inject.log" | tr '\n' ' ')}"
		fi
	done
}
inject_cases
freed inject
check "/proc/net/quic/snmp: the server closed 2 connections with INVALID_TOKEN (a Retry token from another port, a stale one)" \
	quic_counter_is "$NS2" QuicInvalidTokens 2

cap_stop
# Retry packets (long header type 3 in version 1) from each server port.
tshark -r "$work/wire.pcapng" -Y 'quic.long.packet_type == 3' -T fields \
	-e udp.srcport > "$work/retries" 2> "$work/tshark.err"
retries() { grep -cx "$1" "$work/retries"; }
count() {	# count NAME WANT: Retry packets from server NAME's port
	local p n
	p=${PORTS[$1]}
	n=$(retries "$p")
	echo "$n Retry packets from port $p"
	[ "$n" = "$2" ]
}
check "IPv4: two Retry packets on the wire (none for the client with the server's token)" \
	count v4 2
check "IPv6: two Retry packets on the wire" count v6 2
# Loss may take a Retry or the Initial it answers: at least one each.
at_least_3() {
	local n
	n=$(retries "${PORTS[lossy]}")
	echo "$n Retry packets from port ${PORTS[lossy]}"
	[ "$n" -ge 3 ]
}
check "20% loss: a Retry for each of the three connections" at_least_3
check "no validate_peer_address: no Retry" count plain 0
tap_done
