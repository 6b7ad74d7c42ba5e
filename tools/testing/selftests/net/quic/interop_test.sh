#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# HTTP/3 interoperability with an independent QUIC stack (ngtcp2's
# gtlsclient/gtlsserver examples) over two hosts, and wire checks:
#
# - gtlsclient downloads a file from our h3server (tools/quic/h3) over IPv4
#   and IPv6 with each cipher suite it can force; our h3client downloads
#   one from gtlsserver over IPv4 and IPv6; SHA-256 must match the source;
# - 20 sequential (the server allows one request stream at a time) and 10
#   parallel requests on one connection, in each direction;
# - tshark, given the TLS key log, decrypts every packet of a kernel to
#   kernel transfer and of both interop directions, and finds no malformed
#   packet and no expert error; also of a download during which gtlsclient
#   updates the 1-RTT keys (--key-update), where both key phases must show;
# - address validation: gtlsclient through the Retry of h3server --validate
#   (validate_peer_address) and h3client through the Retry of gtlsserver
#   -V, captured: tshark must see the Retry (it checks the integrity tag)
#   and decrypt every packet after it;
# - both directions again with INTEROP_LOSS (5) % random loss each way
#   (netem on both veths): "interop under loss".
#
# Sizes: INTEROP_BYTES (5 MiB) for the downloads, INTEROP_SMALL (64 KiB) per
# file of the multi-request runs, INTEROP_CAP_BYTES (256 KiB) for captured
# transfers; INTEROP_TIMEOUT (seconds per program, 90). INTEROP_LOSS: the
# loss rate of the last two downloads, in percent (5; 2 was the rate
# before, 5 covers it and each extra rate costs about 25 s under TCG).
# vm-timeout: 900
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=interop
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
h3server=$QUIC_BUILD/h3/h3server
h3client=$QUIC_BUILD/h3/h3client
mkcerts=$(dirname "$0")/mkcerts.sh
require "$h3server" "$h3client" "$mkcerts" gtlsclient gtlsserver tshark \
	dumpcap ethtool certtool sha256sum ip ss tc timeout

BYTES=${INTEROP_BYTES:-5242880}
SMALL=${INTEROP_SMALL:-65536}
CAP_BYTES=${INTEROP_CAP_BYTES:-262144}
KU_BYTES=${INTEROP_KU_BYTES:-1048576}
T=${INTEROP_TIMEOUT:-90}
LOSS=${INTEROP_LOSS:-5}
work=$(mktemp -d /tmp/quic-interop.XXXXXX)
www=$work/www
creds=$work/creds
port=4600
SRV_PID=
CAP_PID=

# ---- servers (in $NS2) ----

# start_h3server NAME ADDR ARGS...: our server, one connection (--conns 1).
start_h3server() {
	local name=$1 addr=$2 i
	shift 2
	port=$((port + 1))
	srv_log=$work/$name.srv
	ip netns exec "$NS2" timeout -k 5 "$T" "$h3server" -a "$addr" \
		-p "$port" --cert "$creds/server-cert.pem" \
		--key "$creds/server-key.pem" --root "$www" --conns 1 "$@" \
		> "$srv_log" 2>&1 &
	SRV_PID=$!
	for i in $(seq 100); do
		grep -q '^listening on' "$srv_log" && return 0
		kill -0 "$SRV_PID" 2> /dev/null || break
		sleep 0.1
	done
	echo "h3server did not start ($i): $(tail -3 "$srv_log" | tr '\n' ' ')"
	stop_server
	return 1
}

# start_gtlsserver NAME ADDR ARGS...: ngtcp2's server, until stopped.
start_gtlsserver() {
	local name=$1 addr=$2
	shift 2
	port=$((port + 1))
	srv_log=$work/$name.srv
	ip netns exec "$NS2" env SSLKEYLOGFILE="$work/$name.srvkeys" \
		timeout -k 5 "$T" gtlsserver -q -d "$www" "${GTLS_SERVER_ARGS[@]}" "$addr" \
		"$port" "$creds/server-key.pem" "$creds/server-cert.pem" \
		> "$srv_log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		ip netns exec "$NS2" ss -Hunl "sport = :$port" | grep -q . &&
			return 0
		kill -0 "$SRV_PID" 2> /dev/null || break
		sleep 0.1
	done
	echo "gtlsserver did not start: $(tail -3 "$srv_log" | tr '\n' ' ')"
	stop_server
	return 1
}

# wait_server: h3server's exit status once its connection is over.
wait_server() {
	local rc
	wait "$SRV_PID"
	rc=$?
	SRV_PID=
	[ "$rc" = 0 ] ||
		echo "h3server exit $rc: $(grep -v '^request' "$srv_log" | tail -3 | tr '\n' ' ')"
	return "$rc"
}

stop_server() {
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=
}

cleanup() {
	stop_server
	[ -z "$CAP_PID" ] || kill "$CAP_PID" 2> /dev/null
	topo_cleanup
	rm -rf "$work"
}

check() {	# check NAME CMD...: one TAP line; CMD's output says why not
	local name=$1 t0=$SECONDS
	shift
	if "$@" > "$work/why" 2>&1; then
		tap_ok "$name"
	else
		tap_fail "$name" "$(tail -5 "$work/why" | tr '\n' ' ')"
	fi
	echo "# $((SECONDS - t0)) s"
}

# same GOT WANT...: files GOT (a list, in a string) hold what $www/WANT...
# do, in order.  One sha256sum per side: processes are slow under TCG.
same() {
	local got want
	# shellcheck disable=SC2086 # GOT is a list
	got=$(sha256sum -- $1 2>&1 | cut -d' ' -f1)
	shift
	want=$(cd "$www" && sha256sum -- "$@" | cut -d' ' -f1)
	[ "$got" = "$want" ] && return 0
	echo "$(diff <(echo "$want") <(echo "$got") | grep -c '^>') of $# files differ or are missing: $(diff <(echo "$want") <(echo "$got") | grep '^>' | head -2 | tr '\n' ' ')"
	return 1
}

hostport() {	# URI authority for ADDR PORT
	case $1 in
	*:*) echo "[$1]:$2" ;;
	*) echo "$1:$2" ;;
	esac
}

# ---- clients (in $NS1) ----

# gtls_get NAME ADDR PRIORITY FILE...: gtlsclient (with GTLS_ARGS) fetches
# each /FILE from h3server (started here with SERVER_ARGS) into $work/NAME/;
# h3server must
# see exactly one connection end cleanly, and every file must match.
gtls_get() {
	local name=$1 addr=$2 prio=$3 rc f hp uris=()
	shift 3
	start_h3server "$name" "$addr" "${SERVER_ARGS[@]}" || return 1
	hp=$(hostport "$addr" "$port")
	for f in "$@"; do
		uris+=("https://$hp/$f")
	done
	mkdir -p "$work/$name"
	ip netns exec "$NS1" env SSLKEYLOGFILE="$work/$name.keys" \
		timeout -k 5 "$T" gtlsclient -q --exit-on-all-streams-close \
		--download "$work/$name" ${prio:+--ciphers="$prio"} \
		"${GTLS_ARGS[@]}" "$addr" "$port" "${uris[@]}" \
		> "$work/$name.cli" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "gtlsclient exit $rc: $(tail -3 "$work/$name.cli" | tr '\n' ' ')"
		stop_server
		return 1
	fi
	wait_server || return 1
	[ "$(grep -c '^request .* -> 200' "$srv_log")" = $# ] || {
		echo "h3server answered $(grep -c '^request .* -> 200' "$srv_log") of $# requests on its connection"
		return 1
	}
	same "${*/#/$work/$name/}" "$@"
}

# h3_get NAME ADDR H3CLIENT-ARGS -- FILE...: h3client fetches each /FILE
# from the server already running ($port) into $work/NAME/<k>; every
# response must match.
h3_get() {
	local name=$1 addr=$2 rc k f got='' args=() paths=()
	shift 2
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	for f in "$@"; do paths+=("/$f"); done
	ip netns exec "$NS1" timeout -k 5 "$T" "$h3client" -q --timeout "$T" \
		--ca "$creds/ca-cert.pem" --keylog "$work/$name.keys" \
		-n $# -o "$work/$name.out" "${args[@]}" "$addr" "$port" \
		"${paths[@]}" > "$work/$name.cli" 2>&1
	rc=$?
	[ "$rc" = 0 ] || {
		echo "h3client exit $rc: $(tail -3 "$work/$name.cli" | tr '\n' ' ')"
		return 1
	}
	# One response is the file itself, several are OUT/0, OUT/1...
	if [ $# = 1 ]; then
		same "$work/$name.out" "$@"
	else
		for ((k = 0; k < $#; k++)); do got+=" $work/$name.out/$k"; done
		same "$got" "$@"
	fi
}

# h3_from_gtls NAME ADDR H3CLIENT-ARGS -- FILE...: the same from gtlsserver.
h3_from_gtls() {
	local name=$1 addr=$2 rc
	start_gtlsserver "$name" "$addr" || return 1
	h3_get "$@"
	rc=$?
	stop_server
	return "$rc"
}

# h3_from_h3 NAME ADDR H3CLIENT-ARGS -- FILE...: kernel to kernel.
h3_from_h3() {
	local name=$1 addr=$2
	start_h3server "$name" "$addr" "${SERVER_ARGS[@]}" || return 1
	h3_get "$@" || { stop_server; return 1; }
	wait_server
}

# ---- wire checks ----

# cap_start and cap_stop: lib.sh.

# wire_run NAME CMD...: one transfer under the capture; its server port
# tells its packets apart, $work/NAME.why says how it went.
declare -A wire_port wire_rc
declare -A WIRE_PHASES=([wire-ku]=01)
# Transfers that start with a Retry; the others must show none.
declare -A WIRE_RETRY=([wire-retry-gtls]=1 [wire-retry-h3]=1)
GTLS_ARGS=()
GTLS_SERVER_ARGS=()
wire_run() {
	local name=$1
	shift
	"$@" > "$work/$name.why" 2>&1
	wire_rc[$name]=$?
	wire_port[$name]=$port
}

# wire_dissect KEYLOG: one tshark pass over $work/wire.pcapng with the key
# log, summed per server port into $work/wire.ports: "PORT packets
# packets-with-HTTP/3 bad key-phases [first bad frames...]", key-phases
# being the Key Phase bit values seen in short headers ("0", "01", or "-").
# A packet is bad if it has no decrypted QUIC frame (but for a Retry, which
# has none: counted apart, as "retries" after the key phases), failed to
# decrypt, is malformed or carries an expert note of severity error
# (_ws.expert.severity, PI_ERROR; tshark checks a Retry's integrity tag).
wire_dissect() {
	tshark -r "$work/wire.pcapng" -o "tls.keylog_file:$1" -T fields \
		-E separator=/t -e frame.number -e udp.srcport -e udp.dstport \
		-e quic.frame_type -e http3.frame_type -e _ws.expert.severity \
		-e quic.decryption_failed -e _ws.malformed -e quic.key_phase \
		-e quic.long.packet_type \
		> "$work/wire.fields" 2> "$work/wire.tshark" || {
		echo "tshark failed: $(tail -2 "$work/wire.tshark" | tr '\n' ' ')"
		return 1
	}
	awk -F'\t' -v ports="${wire_port[*]}" '
		BEGIN { split(ports, p, " "); for (i in p) srv[p[i]] = 1 }
		{
			port = ($2 in srv) ? $2 : $3
			n[port]++
			if ($5 != "") h3[port]++
			why = ""
			if ($10 == "3") retry[port]++
			else if ($4 == "") why = why ",no-decrypted-frame"
			if ($7 != "") why = why ",decryption-failed"
			if ($8 != "") why = why ",malformed"
			k = split($6, sev, ",")
			for (i = 1; i <= k; i++)
				if (sev[i] + 0 >= 8388608) why = why ",expert-error"
			if (why != "" && bad[port]++ < 3)
				list[port] = list[port] " frame" $1 why
			k = split($9, kp, ",")
			for (i = 1; i <= k; i++) {
				v = (kp[i] == "1" || kp[i] == "True") ? 1 : 0
				phase[port, v] = 1
			}
		}
		END {
			for (port in n) {
				ph = ((port, 0) in phase ? "0" : "") \
				     ((port, 1) in phase ? "1" : "")
				printf "%s %d %d %d %s %d%s\n", port, n[port],
				       h3[port] + 0, bad[port] + 0,
				       ph == "" ? "-" : ph, retry[port] + 0,
				       list[port]
			}
		}' "$work/wire.fields" > "$work/wire.ports"
}

# wire_verdict NAME: NAME's transfer worked, and its packets are all good.
wire_verdict() {
	local name=$1 stats line want
	[ "${wire_rc[$name]}" = 0 ] || {
		echo "transfer failed: $(tail -3 "$work/$name.why" | tr '\n' ' ')"
		return 1
	}
	[ -s "$work/wire.ports" ] || {
		echo "no dissection: $(cat "$work/wire.why" 2> /dev/null)"
		return 1
	}
	stats=$(grep "^${wire_port[$name]} " "$work/wire.ports")
	# "PORT packets with-HTTP/3 bad phases", also as a note on the TAP stream
	line="server port ${stats:-${wire_port[$name]} no packets} (packets, with HTTP/3 frames, bad, key phases, Retry packets)"
	echo "$line"
	echo "# $name: $line" >&3
	# shellcheck disable=SC2086 # split the summary into its fields
	set -- $stats
	[ "${2:-0}" -gt 0 ] && [ "${3:-0}" -gt 0 ] && [ "${4:-1}" = 0 ] ||
		return 1
	# WIRE_PHASES: the key phases this transfer must show, if set
	want=${WIRE_PHASES[$name]:-}
	[ -z "$want" ] || [ "$want" = "${5:-}" ] || {
		echo "key phases ${5:-none} on the wire, expected $want"
		return 1
	}
	if [ -n "${WIRE_RETRY[$name]:-}" ]; then
		[ "${6:-0}" -ge 1 ] || { echo "no Retry on the wire"; return 1; }
	else
		[ "${6:-0}" = 0 ] || { echo "$6 Retry packets on the wire"; return 1; }
	fi
}

# ---- set-up ----

setup() {
	local i
	mkdir -p "$www"
	"$mkcerts" "$creds" || return 1
	head -c "$BYTES" /dev/urandom > "$www/big" &&
		head -c "$CAP_BYTES" /dev/urandom > "$www/cap" &&
		head -c "$KU_BYTES" /dev/urandom > "$www/ku" || return 1
	for i in $(seq 0 19); do
		head -c "$SMALL" /dev/urandom > "$www/s$i" || return 1
	done
	topo_two_hosts
}

if ! setup > "$work/setup.log" 2>&1; then
	tap_fail "set-up (files, credentials, two hosts)" "$(tail -3 "$work/setup.log" | tr '\n' ' ')"
	rm -rf "$work"
	tap_done
fi
trap cleanup EXIT
exec 3>&1	# notes on the TAP stream, past check()'s capture

mib() { echo "$(($1 / 1024)) KiB"; }
seq20=(s0 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15 s16 s17 s18 s19)
seq10=("${seq20[@]:0:10}")
prio() { echo "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+$1"; }

# 1. gtlsclient -> h3server, every cipher, both families.
SERVER_ARGS=()
for fam in 4 6; do
	if [ $fam = 4 ]; then addr=$ADDR2_V4; else addr=$ADDR2_V6; fi
	for c in AES-128-GCM AES-256-GCM CHACHA20-POLY1305 AES-128-CCM; do
		check "IPv$fam: gtlsclient ($c) downloads $(mib "$BYTES") from h3server, SHA-256 equal" \
			gtls_get "gtls-v$fam-$c" "$addr" "$(prio "$c")" big
	done
done

# 2. h3client -> gtlsserver, both families.
for fam in 4 6; do
	if [ $fam = 4 ]; then addr=$ADDR2_V4; else addr=$ADDR2_V6; fi
	check "IPv$fam: h3client downloads $(mib "$BYTES") from gtlsserver, SHA-256 equal" \
		h3_from_gtls "h3-v$fam" "$addr" -- big
done

# 3. Many requests on one connection, each direction.
SERVER_ARGS=(--max-streams 1)
check "gtlsclient: 20 sequential requests on one connection to h3server (one stream at a time), all equal" \
	gtls_get gtls-seq "$ADDR2_V4" "" "${seq20[@]}"
# Kernel to kernel too: the server frees a request stream when the
# client acknowledges the end of the response, and must then send
# MAX_STREAMS, or the client waits for ever to open the next one.
check "h3client: 20 sequential requests on one connection to h3server (one stream at a time), all equal" \
	h3_from_h3 kk-seq "$ADDR2_V4" -P 1 -- "${seq20[@]}"
SERVER_ARGS=()
check "gtlsclient: 10 parallel requests on one connection to h3server, all equal" \
	gtls_get gtls-par "$ADDR2_V4" "" "${seq10[@]}"
check "h3client: 20 sequential requests on one connection to gtlsserver, all equal" \
	h3_from_gtls h3-seq "$ADDR2_V4" -P 1 -- "${seq20[@]}"
check "h3client: 10 parallel requests on one connection to gtlsserver, all equal" \
	h3_from_gtls h3-par "$ADDR2_V4" -P 10 -- "${seq10[@]}"

# 4. tshark on the wire: three transfers in one capture, one tshark pass
# (it is slow to start under emulation).  Taps see a GSO packet before it
# is split; with segmentation offload off the capture holds datagrams.
ip netns exec "$NS1" ethtool -K veth1 tx-udp-segmentation off > /dev/null 2>&1
ip netns exec "$NS2" ethtool -K veth2 tx-udp-segmentation off > /dev/null 2>&1
if cap_start "$work/wire.pcapng" > "$work/wire.why" 2>&1; then
	wire_run wire-kk h3_from_h3 wire-kk "$ADDR2_V4" -- cap s0
	wire_run wire-gtls gtls_get wire-gtls "$ADDR2_V4" "" cap s0
	wire_run wire-h3 h3_from_gtls wire-h3 "$ADDR2_V4" -P 2 -- cap s0
	# gtlsclient updates its keys 1 ms after the handshake, mid-download
	GTLS_ARGS=(--key-update=1ms)
	wire_run wire-ku gtls_get wire-ku "$ADDR2_V4" "" ku
	GTLS_ARGS=()
	# address validation: a Retry first, each way
	SERVER_ARGS=(--validate)
	wire_run wire-retry-gtls gtls_get wire-retry-gtls "$ADDR2_V4" "" cap
	SERVER_ARGS=()
	GTLS_SERVER_ARGS=(-V)
	wire_run wire-retry-h3 h3_from_gtls wire-retry-h3 "$ADDR2_V4" -- cap
	GTLS_SERVER_ARGS=()
	cap_stop
	cat "$work"/wire-*.keys > "$work/wire.keys"
	wire_dissect "$work/wire.keys" >> "$work/wire.why" 2>&1
fi
check "tshark decrypts every packet of h3client <-> h3server (kernel to kernel): no malformed packet, no expert error" \
	wire_verdict wire-kk
check "tshark decrypts every packet of gtlsclient -> h3server: no malformed packet, no expert error" \
	wire_verdict wire-gtls
check "tshark decrypts every packet of h3client -> gtlsserver: no malformed packet, no expert error" \
	wire_verdict wire-h3
check "gtlsclient updates its keys mid-download: h3server follows, SHA-256 equal, tshark sees both key phases and decrypts every packet" \
	wire_verdict wire-ku
check "gtlsclient through the Retry of h3server --validate (validate_peer_address): SHA-256 equal, tshark sees the Retry and decrypts every packet" \
	wire_verdict wire-retry-gtls
check "h3client through the Retry of gtlsserver -V: SHA-256 equal, tshark sees the Retry and decrypts every packet" \
	wire_verdict wire-retry-h3

# 5. Both directions with LOSS% random loss each way.
if tc -n "$NS1" qdisc replace dev veth1 root netem loss "$LOSS%" &&
	tc -n "$NS2" qdisc replace dev veth2 root netem loss "$LOSS%"; then
	check "$LOSS% loss: gtlsclient downloads $(mib "$BYTES") from h3server, SHA-256 equal" \
		gtls_get gtls-loss "$ADDR2_V4" "" big
	check "$LOSS% loss: h3client downloads $(mib "$BYTES") from gtlsserver, SHA-256 equal" \
		h3_from_gtls h3-loss "$ADDR2_V4" -- big
	# What netem did to both transfers, from both veths' counters (a
	# UDP GSO send passes as its segments but is dropped as one).
	{
		tc -n "$NS1" -s qdisc show dev veth1
		tc -n "$NS2" -s qdisc show dev veth2
	} | awk '$1 == "Sent" { p += $4; d += $7 }
		END { printf "# netem passed %d packets, dropped %d sends\n", p, d }'
else
	tap_fail "netem loss $LOSS% on both veths"
fi
tap_done
