#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QUIC handshakes between two hosts: each cipher in certificate and PSK mode
# over IPv4 and IPv6 (with a 64 KiB echo), the libquic one-call API, server
# certificate name checks, ALPN negotiation and refusal (the server keeps
# listening), and the close code and phrase reaching the peer.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=handshake
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
mkcerts=$(dirname "$0")/mkcerts.sh
require "$xfer" "$mkcerts" certtool psktool ip timeout

T_SERVER=60	# seconds a server may live
T_CLIENT=40	# seconds a client may take
work=$(mktemp -d /tmp/quic-handshake.XXXXXX)
creds=$work/creds
port=4430
SRV_PID=

# start_server NAME ARGS...: xfer -s in $NS2 logging to $work/NAME.srv;
# returns once it listens.  ip netns exec execs, so $! is timeout(1),
# which passes a kill on to xfer.
start_server() {
	local name=$1
	shift
	srv_log=$work/$name.srv
	ip netns exec "$NS2" timeout -k 5 "$T_SERVER" "$xfer" -s \
		--timeout "$T_SERVER" "$@" > "$srv_log" 2>&1 &
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

# wait_server: the server's exit status; it ends after its --conns.
wait_server() {
	local rc
	wait "$SRV_PID"
	rc=$?
	SRV_PID=
	return "$rc"
}

stop_server() {
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=
}

# run_client NAME ARGS...: xfer -c in $NS1 logging to $work/NAME.cli.
run_client() {
	local name=$1
	shift
	cli_log=$work/$name.cli
	ip netns exec "$NS1" timeout -k 5 "$T_CLIENT" "$xfer" -c \
		--timeout "$T_CLIENT" "$@" > "$cli_log" 2>&1
}

cleanup() {
	stop_server
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

why() {	# why LOG: the lines of LOG that say what went wrong
	grep -E 'error|failed|incomplete|mismatch|differs' "$1" | head -3 |
		tr '\n' ' '
}

# stream_lines LOG tx|rx: "id bytes sha256" per stream, sorted
stream_lines() {
	sed -n "s/^stream \([0-9]*\) $2 \([0-9]*\) sha256 \([0-9a-f]*\)\$/\1 \2 \3/p" \
		"$1" | sort -n
}

# same_hashes COUNT: the server received what the client sent, and the
# client got the same back, on COUNT streams
same_hashes() {
	local srv tx rx
	srv=$(stream_lines "$srv_log" rx)
	tx=$(stream_lines "$cli_log" tx)
	rx=$(stream_lines "$cli_log" rx)
	[ "$(echo "$srv" | grep -c .)" = "$1" ] || {
		echo "server reports $(echo "$srv" | grep -c .) streams, expected $1"
		return 1
	}
	[ "$srv" = "$tx" ] || { echo "server rx != client tx: $srv / $tx"; return 1; }
	[ "$rx" = "$tx" ] || { echo "client rx != client tx: $rx / $tx"; return 1; }
}

# exchange NAME [CIPHER]: server ${SRV[@]}, client ${CLI[@]}: both exit 0,
# the data matches, and both ends report CIPHER (GnuTLS name) if given,
# the kernel too when it can tell.
exchange() {
	local name=$1 cipher=${2:-} rc log kc
	start_server "$name" "${SRV[@]}" || return 1
	run_client "$name" "${CLI[@]}"
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "client exit $rc: $(why "$cli_log")"
		stop_server
		return 1
	fi
	wait_server
	rc=$?
	[ "$rc" = 0 ] || { echo "server exit $rc: $(why "$srv_log")"; return 1; }
	same_hashes 1 || return 1
	[ -n "$cipher" ] || return 0
	for log in "$srv_log" "$cli_log"; do
		grep -qx "cipher $cipher" "$log" || {
			echo "${log##*.}: $(grep '^cipher' "$log"), expected $cipher"
			return 1
		}
		kc=$(sed -n 's/^kernel cipher \([A-Z0-9-]*\)$/\1/p' "$log")
		[ -z "$kc" ] || [ "$kc" = "$cipher" ] || {
			echo "${log##*.}: kernel cipher $kc, expected $cipher"
			return 1
		}
	done
}

# refused NAME: client ${CLI[@]} fails its handshake (exit 3) against
# server ${SRV[@]}; the server is left running.
refused() {
	local name=$1 rc
	start_server "$name" "${SRV[@]}" || return 1
	run_client "$name" "${CLI[@]}"
	rc=$?
	[ "$rc" = 3 ] || { echo "client exit $rc, expected 3 (handshake failed): $(why "$cli_log")"; return 1; }
	grep -q '^handshake failed' "$cli_log" || { echo "no 'handshake failed' line"; return 1; }
	echo "# client: $(grep '^handshake failed' "$cli_log")" >&3
}

# served_next NAME: the running server serves client ${CLI[@]} and exits 0.
served_next() {
	local name=$1 rc
	kill -0 "$SRV_PID" 2> /dev/null || { echo "server is gone: $(why "$srv_log")"; return 1; }
	run_client "$name" "${CLI[@]}"
	rc=$?
	[ "$rc" = 0 ] || { echo "client exit $rc: $(why "$cli_log")"; stop_server; return 1; }
	wait_server
	rc=$?
	[ "$rc" = 0 ] || { echo "server exit $rc: $(why "$srv_log")"; return 1; }
	same_hashes 1
}

gnutls_name() {
	case $1 in
	aes128) echo AES-128-GCM ;;
	aes256) echo AES-256-GCM ;;
	chacha20) echo CHACHA20-POLY1305 ;;
	esac
}

certs_and_topology "$creds" "$work"
trap cleanup EXIT
exec 3>&1	# comments from inside check(), past its capture

cert_srv=(--cert "$creds/server-cert.pem" --key "$creds/server-key.pem")
cert_cli=(--ca "$creds/ca-cert.pem" --host quic.test)
psk=(--psk "$creds/psk.txt")
small=(--streams 1 --bytes 65536 --open sendmsg)

for fam in 4 6; do
	if [ $fam = 4 ]; then addr=$ADDR2_V4; else addr=$ADDR2_V6; fi
	for cipher in aes128 aes256 chacha20; do
		for mode in cert psk; do
			# A TLS 1.3 PSK is bound to one hash; our PSK files
			# are SHA-256 ones, which AES-256-GCM (SHA-384)
			# cannot use (RFC 8446 4.2.11).
			[ $cipher = aes256 ] && [ $mode = psk ] && continue
			port=$((port + 1))
			if [ $mode = cert ]; then
				s=("${cert_srv[@]}") c=("${cert_cli[@]}")
			else
				s=("${psk[@]}") c=("${psk[@]}")
			fi
			SRV=(-a "$addr" -p "$port" --alpn h3 --cipher "$cipher" "${s[@]}")
			CLI=(-a "$addr" -p "$port" --alpn h3 --cipher "$cipher" "${c[@]}" "${small[@]}")
			check "IPv$fam $cipher $mode: handshake and 64 KiB echo, $(gnutls_name $cipher) on both ends" \
				exchange "v$fam-$cipher-$mode" "$(gnutls_name $cipher)"
		done
	done
done

# The one-call library API (the kernel's cipher choice, whatever it is).
port=$((port + 1))
SRV=(-a "$ADDR2_V4" -p "$port" --api lib --alpn h3 "${psk[@]}")
CLI=(-a "$ADDR2_V4" -p "$port" --api lib --alpn h3 "${psk[@]}" "${small[@]}")
check "IPv4 PSK with quic_server_handshake() and quic_client_handshake(): 64 KiB echo" \
	exchange v4-lib-psk
port=$((port + 1))
SRV=(-a "$ADDR2_V6" -p "$port" --api lib --alpn h3 "${cert_srv[@]}")
CLI=(-a "$ADDR2_V6" -p "$port" --alpn h3 "${cert_cli[@]}" "${small[@]}")
check "IPv6 certificate with quic_server_handshake(): 64 KiB echo" \
	exchange v6-lib-cert

# The certificate's name is checked: IP addresses in its SAN, a wrong name.
for fam in 4 6; do
	if [ $fam = 4 ]; then addr=$ADDR2_V4; else addr=$ADDR2_V6; fi
	port=$((port + 1))
	SRV=(-a "$addr" -p "$port" "${cert_srv[@]}")
	CLI=(-a "$addr" -p "$port" --ca "$creds/ca-cert.pem" --host "$addr" "${small[@]}")
	check "IPv$fam certificate verified against its IP address SAN ($addr)" \
		exchange "v$fam-ipsan"
done
port=$((port + 1))
SRV=(-a "$ADDR2_V4" -p "$port" "${cert_srv[@]}")
CLI=(-a "$ADDR2_V4" -p "$port" --ca "$creds/ca-cert.pem" --host wrong.test "${small[@]}")
check "certificate for quic.test refused by a client expecting wrong.test (exit 3)" \
	refused v4-wrong-host
stop_server

# ALPN: the agreed protocol is readable on both sides.
port=$((port + 1))
SRV=(-a "$ADDR2_V4" -p "$port" --alpn "smb,h3" "${psk[@]}")
CLI=(-a "$ADDR2_V4" -p "$port" --alpn h3 "${psk[@]}" "${small[@]}")
alpn_both() {
	exchange v4-alpn || return 1
	grep -qx 'alpn h3' "$srv_log" || { echo "server: $(grep '^alpn' "$srv_log")"; return 1; }
	grep -qx 'alpn h3' "$cli_log" || { echo "client: $(grep '^alpn' "$cli_log")"; return 1; }
}
check "ALPN h3 agreed (server offers smb,h3): getsockopt(QUIC_SOCKOPT_ALPN) reads h3 on both sides" \
	alpn_both

# ALPN mismatch: refused, and the server goes on to serve a good client.
port=$((port + 1))
SRV=(-a "$ADDR2_V4" -p "$port" --alpn smb --idle-timeout 5000 "${psk[@]}")
CLI=(-a "$ADDR2_V4" -p "$port" --alpn h3 --idle-timeout 5000 "${psk[@]}" "${small[@]}")
check "ALPN mismatch (client h3, server only smb) refused: client handshake fails (exit 3)" \
	refused v4-alpn-mismatch
if [ -n "$SRV_PID" ]; then
	grep -q '^handshake failed' "$srv_log" &&
		echo "# server: $(grep '^handshake failed' "$srv_log" | head -1)"
	CLI=(-a "$ADDR2_V4" -p "$port" --alpn smb "${psk[@]}" "${small[@]}")
	check "server keeps listening after the refusal: the next client (smb) is served" \
		served_next v4-alpn-next
else
	tap_fail "server keeps listening after the refusal: the next client (smb) is served" \
		"no server left running"
fi
stop_server

# The close code and phrase set by the client reach the server.
port=$((port + 1))
SRV=(-a "$ADDR2_V4" -p "$port" "${psk[@]}")
CLI=(-a "$ADDR2_V4" -p "$port" "${psk[@]}" "${small[@]}" --close-code 42
	--close-phrase "client says bye")
close_seen() {
	exchange v4-close || return 1
	grep -qx 'close errcode 42 phrase client says bye' "$srv_log" || {
		echo "server: $(grep '^close' "$srv_log" | tr '\n' ' ')"
		return 1
	}
}
check "close code 42 and phrase \"client says bye\" read by the server with getsockopt(QUIC_SOCKOPT_CONNECTION_CLOSE)" \
	close_seen
tap_done
