#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel consumers of QUIC sockets (draft-lxin-quic-socket-apis, "Handshake
# Interface for Kernel Consumers"): quic_kconsumer.ko makes its socket with
# sock_create_kern(), connects or accepts with the kernel_*() calls, has
# quic-handshaked do the TLS handshake in userspace through net/handshake's
# netlink upcall (tls_client_hello_*() / tls_server_hello_*()), then moves
# stream data with kernel_sendmsg() and kernel_recvmsg(); it reads the ALPN
# the handshake chose with quic_kernel_getsockopt(). Against the xfer
# helper as the userspace peer: a kernel client over IPv4 (server
# certificate checked) and IPv6 (anonymous client), a kernel server, each
# role with a PSK the consumer names by key serial (keyadd), a refused
# handshake (wrong server name) and a request with no daemon listening;
# a kernel client's session resumption (receive_session_ticket, session
# data through QUIC_SOCKOPT_SESSION_TICKET), session data the daemon
# must refuse, a kernel server's tickets resuming xfer's second
# connection, a request without a timeout, and a namespace deleted under a lingering kernel socket. Data is compared by SHA-256 on both ends; no socket
# outlives its test.
# shellcheck disable=SC2317 # functions run through check()
SUITE=kconsumer
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
hsd=$QUIC_BUILD/tools/quic-handshaked
kc_ko=$QUIC_REPO/tools/testing/selftests/net/quic/kconsumer/quic_kconsumer.ko
keyadd=$SELFTEST_BIN/keyadd
mkcerts=$(dirname "$0")/mkcerts.sh
# A kernel configured without net/handshake (CONFIG_NET_HANDSHAKE comes
# with SUNRPC or NVMe/TCP) has no upcall to test, and no module is built.
if ! grep -qw tls_client_hello_x509 /proc/kallsyms; then
	tap_skip "kernel consumers" "this kernel has no net/handshake (CONFIG_NET_HANDSHAKE)"
	tap_done
fi
require "$xfer" "$hsd" "$kc_ko" "$keyadd" "$mkcerts" certtool ip tc timeout \
	insmod

T=$(scaled 60)	# seconds any one program may take
BYTES=1048576
ALPN=kconsumer
work=$(mktemp -d /tmp/quic-kconsumer.XXXXXX)
creds=$work/creds
port=4500
PIDS=()
CIPHER=
HSD_EXTRA=()	# more daemon options for kernel_client

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2> /dev/null
	done
	wait 2> /dev/null
	module_loaded quic_kconsumer && rmmod quic_kconsumer
	topo_cleanup
	rm -rf "$work"
}

# check NAME CMD...: one TAP line; what CMD prints is the reason it failed.
check() {
	local name=$1
	shift
	if "$@" > "$work/why" 2>&1; then
		tap_ok "$name"
	else
		tap_fail "$name" "$(tail -5 "$work/why" | tr '\n' ' ')"
	fi
}

# start_daemon NS ARGS...: quic-handshaked in NS (--once, unless
# HSD_ONCE is set empty), logging to $work/hsd.log; returns once it is
# subscribed to the upcalls. Its PID is $HSD.
start_daemon() {
	local ns=$1
	shift
	: > "$work/hsd.log"
	ip netns exec "$ns" timeout -k 5 "$T" "$hsd" ${HSD_ONCE---once} "$@" \
		> "$work/hsd.log" 2>&1 &
	HSD=$!
	PIDS+=("$HSD")
	wait_line "$work/hsd.log" 'quic-handshaked: ready' && return 0
	echo "daemon not ready: $(tail -3 "$work/hsd.log" | tr '\n' ' ')"
	return 1
}

# wait_daemon RC: the daemon exits with RC (0: its handshake succeeded).
wait_daemon() {
	local rc
	wait "$HSD"
	rc=$?
	[ "$rc" = "$1" ] && return 0
	echo "daemon exit $rc, expected $1: $(tail -3 "$work/hsd.log" | tr '\n' ' ')"
	return 1
}

# start_server NS ARGS...: xfer -s in NS, logging to $work/srv.log;
# returns once it listens. Its PID is $SRV.
start_server() {
	local ns=$1
	shift
	ip netns exec "$ns" timeout -k 5 "$T" "$xfer" -s --timeout "$T" \
		--alpn "$ALPN" "$@" > "$work/srv.log" 2>&1 &
	SRV=$!
	PIDS+=("$SRV")
	wait_line "$work/srv.log" '^listening on' && return 0
	echo "server not listening: $(tail -3 "$work/srv.log" | tr '\n' ' ')"
	return 1
}

# kc_log: the module's kernel log lines since the case began
kc_log() {
	dmesg | tail -n "+$((LOG0 + 1))" | sed -n 's/^\[[ 0-9.]*\] quic_kconsumer: //p'
}

# kc_insmod NS PARAMS...: load the consumer in NS (it runs while loading);
# its exit status is the module's.
kc_insmod() {
	local ns=$1 rc
	shift
	LOG0=$(dmesg | wc -l)
	ip netns exec "$ns" timeout -k 5 "$T" insmod "$kc_ko" "$@" \
		> "$work/insmod.log" 2>&1
	rc=$?
	module_loaded quic_kconsumer && rmmod quic_kconsumer
	return "$rc"
}

# hash_of LOG DIR: "bytes sha256" of stream 0's DIR (tx/rx) line in LOG
hash_of() {
	sed -n "s/^\(client: \|server: \)\{0,1\}stream 0 $2 \([0-9]*\) sha256 \([0-9a-f]*\)\$/\2 \3/p" "$1"
}

# handshake_reported ROLE: the module read back the ALPN the handshake
# chose, and the daemon's line for the request says it succeeded with it
# (and with $CIPHER, if set)
handshake_reported() {
	grep -q "$1: handshake done, alpn $ALPN\$" "$work/kc.log" || {
		echo "module did not read ALPN $ALPN: $(tr '\n' ' ' < "$work/kc.log")"
		return 1
	}
	grep -q "$1 .* ok, alpn $ALPN, cipher ${CIPHER:-}" "$work/hsd.log" || {
		echo "daemon: $(tr '\n' ' ' < "$work/hsd.log")"
		return 1
	}
}

# kernel_client FAMILY AUTH ARGS...: the module connects to xfer -s in
# $NS2 (credentials: ${SRV_CREDS[@]}) through the daemon in $NS1; ARGS go
# to insmod. With $CIPHER set, both ends must name that cipher.
kernel_client() {
	local fam=$1 mode=$2 a
	shift 2
	[ "$fam" = 4 ] && a=$ADDR2_V4 || a=$ADDR2_V6
	port=$((port + 1))
	quic_sockets_gone
	start_server "$NS2" -a "$a" -p "$port" "${SRV_CREDS[@]}" || return 1
	start_daemon "$NS1" "${HSD_EXTRA[@]}" --cafile "$creds/ca-cert.pem" ||
		return 1
	kc_insmod "$NS1" role=client addr="$a" port="$port" alpn="$ALPN" \
		auth="$mode" bytes="$BYTES" "$@" || {
		echo "insmod failed: $(kc_log | grep -E 'failed|: -' | head -3 | tr '\n' ' ')"
		return 1
	}
	wait_daemon 0 || return 1
	wait "$SRV" || { echo "server exit $?: $(tail -3 "$work/srv.log")"; return 1; }
	kc_log > "$work/kc.log"
	grep -q "client: stream 0 rx $BYTES echo verified" "$work/kc.log" || {
		echo "no verified echo: $(tr '\n' ' ' < "$work/kc.log")"
		return 1
	}
	same_hashes "$work/srv.log" rx "$work/kc.log" tx || return 1
	handshake_reported client || return 1
	[ -z "${CIPHER:-}" ] || grep -qx "cipher $CIPHER" "$work/srv.log" || {
		echo "server: $(grep '^cipher' "$work/srv.log"), expected $CIPHER"
		return 1
	}
	quic_refs_back 0
}

# start_kernel_server ARGS...: load the module as a server on
# $ADDR2_V4:$port in $NS2 (ARGS go to insmod), in the background (its
# PID is $KC); returns once it listens, or after 10 s.
start_kernel_server() {
	LOG0=$(dmesg | wc -l)
	ip netns exec "$NS2" timeout -k 5 "$T" insmod "$kc_ko" role=server \
		addr="$ADDR2_V4" port="$port" alpn="$ALPN" "$@" \
		> "$work/insmod.log" 2>&1 &
	KC=$!
	PIDS+=("$KC")
	for _ in $(seq 100); do
		kc_log | grep -q 'server: listening' && break
		sleep 0.1
	done
}

# kernel_server AUTH ARGS...: the module listens in $NS2 with the daemon
# there (arguments ${HSD_ARGS[@]}), xfer -c in $NS1 (credentials
# ${CLI_CREDS[@]}) sends one stream and checks the echo; ARGS go to
# insmod.
kernel_server() {
	local mode=$1 rc
	shift
	port=$((port + 1))
	quic_sockets_gone
	start_daemon "$NS2" "${HSD_ARGS[@]}" || return 1
	start_kernel_server auth="$mode" "$@"
	ip netns exec "$NS1" timeout -k 5 "$T" "$xfer" -c -a "$ADDR2_V4" \
		-p "$port" --timeout "$T" --alpn "$ALPN" "${CLI_CREDS[@]}" \
		--one-stream "$BYTES" > "$work/cli.log" 2>&1
	rc=$?
	wait "$KC"
	kc_rc=$?
	module_loaded quic_kconsumer && rmmod quic_kconsumer
	[ "$rc" = 0 ] || { echo "client exit $rc: $(tail -3 "$work/cli.log" | tr '\n' ' ')"; return 1; }
	[ "$kc_rc" = 0 ] || { echo "insmod exit $kc_rc: $(kc_log | tail -3 | tr '\n' ' ')"; return 1; }
	wait_daemon 0 || return 1
	kc_log > "$work/kc.log"
	same_hashes "$work/cli.log" tx "$work/kc.log" rx || return 1
	same_hashes "$work/cli.log" tx "$work/cli.log" rx || {
		echo "client's echo differs from what it sent"
		return 1
	}
	handshake_reported server || return 1
	quic_refs_back 0
}

# role_lines ROLE: the daemon's result lines for ROLE's (client or
# server) requests
role_lines() {
	grep "^quic-handshaked: $1 " "$work/hsd.log"
}

# stop_daemon: end a daemon started with HSD_ONCE empty, which serves
# any number of requests and must not answer the next case's.
stop_daemon() {
	kill "$HSD" 2> /dev/null
	wait "$HSD" 2> /dev/null
}

# same_hashes LOG1 DIR1 LOG2 DIR2: stream 0's DIR1 hashes in LOG1 (one
# per connection) are those of DIR2 in LOG2, and there is one at least
same_hashes() {
	local a b
	a=$(hash_of "$1" "$2" | sort)
	b=$(hash_of "$3" "$4" | sort)
	[ -n "$b" ] && [ "$a" = "$b" ] && return 0
	echo "$(basename "$1") $2 '$a' != $(basename "$3") $4 '$b'"
	return 1
}

# kernel_client_resume SPOIL: two connections of the module to xfer -s
# --conns 2 with receive_session_ticket set: the daemon waits for the
# server's ticket after each handshake and sets session data on the
# socket; the module reads it back and gives it to its second
# connection, which resumes. SPOIL=1: the module inverts the data
# first; the daemon must then refuse it and do a full handshake. Both
# echoes are verified either way, their hashes equal the server's.
kernel_client_resume() {
	local spoil=$1 first second rc
	port=$((port + 1))
	quic_sockets_gone
	start_server "$NS2" -a "$ADDR2_V4" -p "$port" --conns 2 \
		"${SRV_CREDS[@]}" || return 1
	HSD_ONCE='' start_daemon "$NS1" --cafile "$creds/ca-cert.pem" || return 1
	kc_insmod "$NS1" role=client addr="$ADDR2_V4" port="$port" \
		alpn="$ALPN" auth=x509 peername=quic.test bytes="$BYTES" \
		conns=2 ticket_wait=5 spoil_session="$spoil"
	rc=$?
	stop_daemon
	[ "$rc" = 0 ] || {
		echo "insmod failed: $(kc_log | grep -E 'failed|: -' | head -3 | tr '\n' ' ')"
		return 1
	}
	wait "$SRV" || { echo "server exit $?: $(tail -3 "$work/srv.log")"; return 1; }
	kc_log > "$work/kc.log"
	[ "$(grep -c "client: stream 0 rx $BYTES echo verified" "$work/kc.log")" = 2 ] || {
		echo "not two verified echoes: $(tr '\n' ' ' < "$work/kc.log")"
		return 1
	}
	[ "$(grep -Ec 'client: session data [1-9][0-9]* bytes$' "$work/kc.log")" = 2 ] || {
		echo "module did not get session data twice: $(tr '\n' ' ' < "$work/kc.log")"
		return 1
	}
	same_hashes "$work/srv.log" rx "$work/kc.log" tx || return 1
	first=$(role_lines client | sed -n 1p)
	second=$(role_lines client | sed -n 2p)
	case "$first" in
	*", resumed"*|"") echo "first handshake: '$first'"; return 1 ;;
	*", session data "[1-9]*" bytes") ;;
	*) echo "first handshake: '$first'"; return 1 ;;
	esac
	if [ "$spoil" = 1 ]; then
		grep -q 'session data from the consumer ([0-9]* bytes) refused: full handshake' \
			"$work/hsd.log" || {
			echo "daemon did not refuse the spoilt data: $(tr '\n' ' ' < "$work/hsd.log")"
			return 1
		}
		case "$second" in
		*", resumed"*|"") echo "second handshake: '$second'"; return 1 ;;
		esac
	else
		case "$second" in
		*", resumed, session data "[1-9]*" bytes") ;;
		*) echo "second handshake not resumed: '$second'"; return 1 ;;
		esac
	fi
	quic_refs_back 0
}

# no_timeout: a consumer that gives the handshake no timeout (timeout_ms=0,
# no HANDSHAKE_A_ACCEPT_TIMEOUT in the request): the daemon runs
# quic_handshake() itself, bounded by the idle timeout alone, and the
# kernel client's transfer works as with one.
no_timeout() {
	local HSD_EXTRA=(-v)
	kernel_client 4 x509 peername=quic.test timeout_ms=0 || return 1
	grep -q 'client request: .*, timeout 0 ms,' "$work/hsd.log" || {
		echo "daemon saw a timeout: $(grep 'request:' "$work/hsd.log")"
		return 1
	}
}

# wrong_name: the daemon checks the server's certificate against the
# name the consumer gave: a wrong one fails the handshake, and the
# module hears it.
wrong_name() {
	port=$((port + 1))
	quic_sockets_gone
	start_server "$NS2" -a "$ADDR2_V4" -p "$port" \
		--cert "$creds/server-cert.pem" --key "$creds/server-key.pem" ||
		return 1
	start_daemon "$NS1" --cafile "$creds/ca-cert.pem" || return 1
	if kc_insmod "$NS1" role=client addr="$ADDR2_V4" port="$port" \
		alpn="$ALPN" auth=x509 peername=other.test; then
		echo "insmod succeeded: $(kc_log | tr '\n' ' ')"
		return 1
	fi
	kc_log | grep -q 'client: handshake failed: -' || {
		echo "module log: $(kc_log | tr '\n' ' ')"
		return 1
	}
	wait_daemon 1 || return 1
	kill "$SRV" 2> /dev/null
	wait "$SRV" 2> /dev/null
	quic_refs_back 0
}

# no_daemon: with nobody subscribed to the upcall the request fails at
# once with ESRCH, and the socket goes.
no_daemon() {
	quic_sockets_gone
	if kc_insmod "$NS1" role=client addr="$ADDR2_V4" port=9 \
		alpn="$ALPN" auth=x509; then
		echo "insmod succeeded"
		return 1
	fi
	kc_log | grep -q 'client: handshake request: -3$' || {
		echo "module log: $(kc_log | tr '\n' ' ')"
		return 1
	}
	quic_refs_back 0
}

# kernel_server_resume: the module accepts two connections (conns=2)
# and xfer -c --session F makes them: the daemon's server issues a
# session ticket after the first handshake, sealed with the listener's
# key, and resumes the second; xfer says "tls resumed no", then "yes",
# and so do the daemon's two server lines. Both echoes verified, the
# module's hashes equal xfer's.
kernel_server_resume() {
	local sess=$work/session i rc=0 kc_rc
	port=$((port + 1))
	quic_sockets_gone
	rm -f "$sess"
	HSD_ONCE='' start_daemon "$NS2" "${HSD_ARGS[@]}" || return 1
	start_kernel_server auth=x509 conns=2
	for i in 1 2; do
		ip netns exec "$NS1" timeout -k 5 "$T" "$xfer" -c \
			-a "$ADDR2_V4" -p "$port" --timeout "$T" --alpn "$ALPN" \
			"${CLI_CREDS[@]}" --session "$sess" --one-stream "$BYTES" \
			> "$work/cli$i.log" 2>&1 || rc=$?
	done
	wait "$KC"
	kc_rc=$?
	module_loaded quic_kconsumer && rmmod quic_kconsumer
	stop_daemon
	[ "$rc" = 0 ] || { echo "client exit $rc: $(tail -3 "$work/cli1.log" "$work/cli2.log" | tr '\n' ' ')"; return 1; }
	[ "$kc_rc" = 0 ] || { echo "insmod exit $kc_rc: $(kc_log | tail -3 | tr '\n' ' ')"; return 1; }
	grep -qx 'tls resumed no' "$work/cli1.log" &&
		grep -Eqx 'session data [1-9][0-9]* bytes' "$work/cli1.log" &&
		grep -qx 'tls resumed yes' "$work/cli2.log" || {
		echo "xfer: $(grep -E 'resumed|session|ticket' "$work/cli1.log" "$work/cli2.log" | tr '\n' ' ')"
		return 1
	}
	case "$(role_lines server | sed -n 1p)" in
	*", resumed"*|"") echo "first server handshake: $(role_lines server | sed -n 1p)"; return 1 ;;
	esac
	case "$(role_lines server | sed -n 2p)" in
	*", resumed") ;;
	*) echo "second server handshake not resumed: $(role_lines server | sed -n 2p)"; return 1 ;;
	esac
	kc_log > "$work/kc.log"
	cat "$work/cli1.log" "$work/cli2.log" > "$work/cli.log"
	[ "$(hash_of "$work/kc.log" rx | wc -l)" = 2 ] || {
		echo "not two connections echoed: $(tr '\n' ' ' < "$work/kc.log")"
		return 1
	}
	same_hashes "$work/cli.log" tx "$work/kc.log" rx || return 1
	quic_refs_back 0
}

# netns_gone: the namespace of a kernel client is deleted while its
# closed connection waits out the closing period (RFC 9000 10.2.1; 200 ms
# of netem delay, scaled on the debug kernel, makes the period last). A
# kernel socket holds no reference to its namespace, so the period must
# take one (closing.c):
# no warning from the namespace's teardown, and the socket, then the
# namespace, go when the period ends. Deletes $NS1: the last case.
netns_gone() {
	local refs
	port=$((port + 1))
	quic_sockets_gone
	tc -n "$NS1" qdisc add dev veth1 root netem delay "$(scaled 200)ms" ||
		return 1
	start_server "$NS2" -a "$ADDR2_V4" -p "$port" "${SRV_CREDS[@]}" ||
		return 1
	start_daemon "$NS1" --cafile "$creds/ca-cert.pem" || return 1
	kc_insmod "$NS1" role=client addr="$ADDR2_V4" port="$port" \
		alpn="$ALPN" auth=x509 peername=quic.test bytes=65536 || {
		echo "insmod failed: $(kc_log | grep -E 'failed|: -' | head -3 | tr '\n' ' ')"
		return 1
	}
	refs=$(cat /sys/module/quic/refcnt)
	ip netns del "$NS1"
	[ "$refs" -gt 0 ] || {
		echo "no connection lingered when the namespace went"
		return 1
	}
	wait_daemon 0 || return 1
	wait "$SRV" || { echo "server exit $?: $(tail -3 "$work/srv.log")"; return 1; }
	quic_refs_back 0 || return 1
	! dmesg | tail -n "+$((LOG0 + 1))" | grep -E 'WARNING|BUG|quic_net_exit'
}

certs_and_topology "$creds" "$work"
trap cleanup EXIT

# The PSK of the psk cases: a key the consumer names by serial.
if ! keys=$("$keyadd" "$creds/psk.txt" 2>&1); then
	tap_fail "PSK in a keyring (keyadd)" "$keys"
	tap_done
fi
read -r _ ring _ key <<< "$keys"

check "no daemon: the handshake request fails with ESRCH, no socket left" \
	no_daemon
SRV_CREDS=(--cert "$creds/server-cert.pem" --key "$creds/server-key.pem")
check "kernel client, IPv4, x509: 1 MiB echoed, hashes match, ALPN $ALPN" \
	kernel_client 4 x509 peername=quic.test
CIPHER=CHACHA20-POLY1305
check "kernel client, IPv6, anonymous, payload_cipher_type ChaCha20: 1 MiB echoed, hashes match, both ends on $CIPHER" \
	kernel_client 6 anon cipher=54	# TLS_CIPHER_CHACHA20_POLY1305
CIPHER=
SRV_CREDS=(--psk "$creds/psk.txt")
check "kernel client, IPv4, PSK from a key: 1 MiB echoed, hashes match" \
	kernel_client 4 psk keyring="$ring" psk_key="$key"
HSD_ARGS=(--cert "$creds/server-cert.pem" --key "$creds/server-key.pem")
CLI_CREDS=(--ca "$creds/ca-cert.pem" --host quic.test)
check "kernel server, IPv4, x509: xfer's 1 MiB echoed, hashes match" \
	kernel_server x509
HSD_ARGS=()
CLI_CREDS=(--psk "$creds/psk.txt")
check "kernel server, IPv4, PSK from a key: xfer's 1 MiB echoed, hashes match" \
	kernel_server psk keyring="$ring" psk_key="$key"
SRV_CREDS=(--cert "$creds/server-cert.pem" --key "$creds/server-key.pem")
check "kernel client, receive_session_ticket: session data from the first connection resumes the second" \
	kernel_client_resume 0
check "kernel client, spoilt session data: refused by the daemon, full handshake, both echoes verified" \
	kernel_client_resume 1
check "kernel client, no handshake timeout: the daemon's quic_handshake() path, 1 MiB echoed" \
	no_timeout
check "kernel client, wrong server name: the handshake fails, the module hears it" \
	wrong_name
HSD_ARGS=(--cert "$creds/server-cert.pem" --key "$creds/server-key.pem")
CLI_CREDS=(--ca "$creds/ca-cert.pem" --host quic.test)
check "kernel server issues session tickets: xfer's second connection resumes, both echoes verified" \
	kernel_server_resume
check "kernel client's namespace deleted while its connection lingers: no warning, all freed" \
	netns_gone
tap_done
