#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A server's preferred address (RFC 9000 9.6). The server's host has a
# second address, $PREF_V4 / $PREF_V6, where the server listens on another
# port too and which it offers in its transport parameters.
#
# Our client, against ngtcp2's gtlsserver --preferred-ipv4-addr /
# --preferred-ipv6-addr:
# - IPv4 and IPv6: our h3client downloads a file from the server's first
#   address; once the handshake is confirmed it probes the preferred one
#   (PATH_CHALLENGE to the server's connection ID of sequence number 1)
#   and moves there when it answers. The file's SHA-256 must match, the
#   client count one move and one validated path (QuicPathMigrations,
#   QuicPathValidated), and most of the file arrive from the preferred
#   address (an iptables counter on the client's host).
# - Unreachable: the server's host drops what comes to the preferred
#   address. The client gives up on it after the validation time
#   (QuicPathFailed), does not move, and the download completes from the
#   first address, intact (a token bucket on the server's host makes it
#   outlast the validation time).
#
# Our server (h3server --preferred, which sets it on its listener with
# QUIC_SOCKOPT_CONNECTION_MIGRATION):
# - ngtcp2's gtlsclient, which follows a preferred address, downloads a
#   file: intact, most of it from the preferred address, and the server
#   counts the move of its connection there and the client's path there
#   validated;
# - IPv4 and IPv6: our h3client from our h3server, the same, with both
#   ends counting their move.
# vm-timeout: 600
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=preferred
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
h3client=$QUIC_BUILD/h3/h3client
mkcerts=$(dirname "$0")/mkcerts.sh
h3server=$QUIC_BUILD/h3/h3server
require "$h3client" "$h3server" "$mkcerts" gtlsserver gtlsclient certtool \
	sha256sum ip iptables \
	ip6tables iptables-save ip6tables-save ss tc timeout

T=$(scaled 60)
PREF_V4=198.18.0.3
PREF_V6=2001:db8::3
port=4800
SRV_PID=

server_pair_setup preferred
stop_server() {
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=
}
# shellcheck disable=SC2064 # expand now
trap "stop_server; topo_cleanup; rm -rf '$work'" EXIT

if ! ip -n "$NS2" addr add $PREF_V4/24 dev veth2 ||
   ! ip -n "$NS2" addr add $PREF_V6/64 dev veth2 nodad; then
	tap_fail "the server host's second addresses"
	tap_done
fi
"$mkcerts" "$work/creds" > "$work/mkcerts.log" 2>&1 ||
	{ tap_fail "mkcerts.sh: $(tail -2 "$work/mkcerts.log")"; tap_done; }
mkdir -p "$work/www"
head -c $((4 << 20)) /dev/urandom > "$work/www/small"
head -c $((16 << 20)) /dev/urandom > "$work/www/big"

snap() { quic_counters_snap '^Quic(Path|InUnknownServer)'; }

# ipt FAM ARGS...: iptables or ip6tables in a namespace
ipt() {
	local ns=$1 fam=$2
	shift 2
	if [ "$fam" = 4 ]; then
		ip netns exec "$ns" iptables -w "$@"
	else
		ip netns exec "$ns" ip6tables -w "$@"
	fi
}

# bytes_from FAM ADDR PORT: bytes the client's host received from ADDR:PORT
# (the counter rule added by download)
bytes_from() {
	local save=iptables-save
	[ "$1" = 6 ] && save=ip6tables-save
	ip netns exec "$NS1" "$save" -c -t filter |
		awk -v s="-s $2/" -v p="--sport $3 " '
			index($0, s) && index($0 " ", p) {
				x = $1; gsub(/[\[\]]/, "", x)
				split(x, c, ":"); print c[2]; exit }'
}

# start_server SERVER NAME FAM ADDR PREF: gtlsserver or h3server at ADDR,
# offering PREF; $port and $pref_port are its ports
start_server() {
	local server=$1 name=$2 fam=$3 addr=$4 pref=$5 bracket=$5
	[ "$fam" = 6 ] && bracket="[$pref]"
	if [ "$server" = gtlsserver ]; then
		ip netns exec "$NS2" timeout -k 5 "$T" gtlsserver -q \
			-d "$work/www" "--preferred-ipv$fam-addr=$bracket:$pref_port" \
			"$addr" "$port" "$work/creds/server-key.pem" \
			"$work/creds/server-cert.pem" > "$work/$name.srv" 2>&1 &
	else
		ip netns exec "$NS2" timeout -k 5 "$T" "$h3server" -q \
			-a "$addr" -p "$port" --preferred "$pref" \
			--preferred-port "$pref_port" --root "$work/www" \
			--cert "$work/creds/server-cert.pem" \
			--key "$work/creds/server-key.pem" --conns 1 \
			> "$work/$name.srv" 2>&1 &
	fi
	SRV_PID=$!
	for _ in $(seq 100); do
		ip netns exec "$NS2" ss -Hunl "sport = :$pref_port" | grep -q . &&
			return 0
		sleep 0.1
	done
	echo "$server did not start: $(tail -2 "$work/$name.srv" | tr '\n' ' ')"
	return 1
}

# fetch CLIENT NAME FAM ADDR FILE: h3client or gtlsclient downloads FILE
# from the server at ADDR into $work/NAME.out
fetch() {
	local client=$1 name=$2 fam=$3 addr=$4 file=$5 host=$4 rc
	[ "$fam" = 6 ] && host="[$addr]"
	if [ "$client" = gtlsclient ]; then
		rm -rf "$work/$name.dl"
		mkdir -p "$work/$name.dl"
		ip netns exec "$NS1" timeout -k 5 "$T" gtlsclient -q \
			--exit-on-all-streams-close --download "$work/$name.dl" \
			"$addr" "$port" "https://$host:$port/$file" \
			> "$work/$name.cli" 2>&1
		rc=$?
		mv "$work/$name.dl/$file" "$work/$name.out" 2> /dev/null
		return "$rc"
	fi
	ip netns exec "$NS1" timeout -k 5 "$T" "$h3client" -q --timeout "$T" \
		--ca "$work/creds/ca-cert.pem" -o "$work/$name.out" "$addr" \
		"$port" "/$file" > "$work/$name.cli" 2>&1
}

# download NAME FAM ADDR PREF FILE [drop [SERVER [CLIENT]]]: the client
# (h3client) fetches FILE from the server (gtlsserver) at ADDR, which offers
# PREF; with "drop", the server's host drops all that comes to PREF. Sets
# $pref_port, $pref_bytes, $first_bytes.
download() {
	local name=$1 fam=$2 addr=$3 pref=$4 file=$5 drop=${6:-}
	local server=${7:-gtlsserver} client=${8:-h3client} rc
	port=$((port + 1))
	pref_port=$((port + 100))
	ipt "$NS1" "$fam" -F INPUT
	ipt "$NS2" "$fam" -F INPUT
	ipt "$NS1" "$fam" -A INPUT -p udp -s "$pref" --sport "$pref_port"
	ipt "$NS1" "$fam" -A INPUT -p udp -s "$addr" --sport "$port"
	[ "$drop" = drop ] &&
		ipt "$NS2" "$fam" -A INPUT -p udp -d "$pref" --dport "$pref_port" -j DROP
	start_server "$server" "$name" "$fam" "$addr" "$pref" || return 1
	snap > "$work/before"
	fetch "$client" "$name" "$fam" "$addr" "$file"
	rc=$?
	snap > "$work/after"
	stop_server
	pref_bytes=$(bytes_from "$fam" "$pref" "$pref_port")
	first_bytes=$(bytes_from "$fam" "$addr" "$port")
	echo "info: $name: $first_bytes bytes from $addr:$port, ${pref_bytes:-?} from $pref:$pref_port; client: $(counter_delta ns1.QuicPathMigrations) moves, $(counter_delta ns1.QuicPathValidated) validated, $(counter_delta ns1.QuicPathFailed) failed; server: $(counter_delta ns2.QuicPathMigrations) moves, $(counter_delta ns2.QuicPathValidated) validated"
	[ "$rc" = 0 ] || { echo "$client exit $rc: $(tail -3 "$work/$name.cli" | tr '\n' ' ')"; return 1; }
	[ "$(sha256sum < "$work/$name.out")" = "$(sha256sum < "$work/www/$file")" ] ||
		{ echo "the download differs from the file"; return 1; }
}

# mostly_preferred FILE: most of FILE came from the preferred address
mostly_preferred() {
	local size
	size=$(stat -c %s "$work/www/$1")
	[ "${pref_bytes:-0}" -gt $((size / 2)) ] ||
		{ echo "only ${pref_bytes:-0} of $size bytes came from the preferred address"; return 1; }
}

# follows FAM ADDR PREF: the client moves to gtlsserver's preferred address
# (the large file: gtlsserver may leave a first probe or two unanswered).
# The server's host sends at 40 Mbit/s at most, so that the download lasts
# over 3 s whatever the machine: on a fast one it took well under a second,
# and a move a few PTOs late came after most of the file.
follows() {
	tc -n "$NS2" qdisc add dev veth2 root tbf rate 40mbit burst 64kb \
		latency 200ms || { echo "tc tbf refused"; return 1; }
	download "follow-v$1" "$1" "$2" "$3" big
	local rc=$?
	tc -n "$NS2" qdisc del dev veth2 root
	[ "$rc" = 0 ] || return 1
	counter_expect ns1.QuicPathMigrations -eq 1 &&
		counter_expect ns1.QuicPathValidated -ge 1 &&
		counter_expect ns1.QuicPathFailed -eq 0 && mostly_preferred big
}

# offers CLIENT FAM ADDR PREF: our h3server offers PREF; CLIENT moves there
offers() {
	download "offer-$1-v$2" "$2" "$3" "$4" small - h3server "$1" ||
		return 1
	counter_expect ns2.QuicPathMigrations -eq 1 &&
		counter_expect ns2.QuicPathValidated -ge 1 &&
		counter_expect ns2.QuicPathFailed -eq 0 || return 1
	if [ "$1" = h3client ]; then
		counter_expect ns1.QuicPathMigrations -eq 1 || return 1
	fi
	mostly_preferred small
}

# stays FAM ADDR PREF: the preferred address never answers; the server's
# host sends at 4 Mbit/s, so that the download (8 s) outlasts the
# validation time (about 3 s) by far
stays() {
	tc -n "$NS2" qdisc add dev veth2 root tbf rate 4mbit burst 32kb \
		latency 400ms || { echo "tc tbf refused"; return 1; }
	download "stay-v$1" "$1" "$2" "$3" small drop
	local rc=$?
	tc -n "$NS2" qdisc del dev veth2 root
	[ "$rc" = 0 ] || return 1
	counter_expect ns1.QuicPathFailed -eq 1 &&
		counter_expect ns1.QuicPathMigrations -eq 0 || return 1
	[ "${pref_bytes:-0}" = 0 ] ||
		{ echo "$pref_bytes bytes came from the dropped preferred address"; return 1; }
}

tap_check "IPv4: h3client moves to gtlsserver's preferred address after validating it, download intact" \
	follows 4 "$ADDR2_V4" "$PREF_V4"
tap_check "IPv6: the same" \
	follows 6 "$ADDR2_V6" "$PREF_V6"
tap_check "IPv4: a preferred address that never answers is given up (QuicPathFailed), the download completes where it began" \
	stays 4 "$ADDR2_V4" "$PREF_V4"
tap_check "IPv4: our server offers a preferred address; gtlsclient moves there, the server follows and validates it, download intact" \
	offers gtlsclient 4 "$ADDR2_V4" "$PREF_V4"
tap_check "IPv4: our client and server, both ends moving to the preferred address" \
	offers h3client 4 "$ADDR2_V4" "$PREF_V4"
tap_check "IPv6: the same" \
	offers h3client 6 "$ADDR2_V6" "$PREF_V6"
quic_sockets_gone
tap_check "module references back to $refs0" test "$(cat /sys/module/quic/refcnt)" = "$refs0"
tap_done
