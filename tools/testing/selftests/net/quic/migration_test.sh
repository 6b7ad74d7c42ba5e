#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The client's address changes under a live connection (RFC 9000 8.2, 9.3).
# A tc "NAT" on the client's veth (clsact, flower, pedit) rewrites the
# source port of the client's datagrams from its socket's port P to Q:
#
# - rebinding: the NAT also maps Q back to P for what the server sends, and
#   drops what still goes to P (the old binding is gone). The transfer only
#   completes if the server follows the client to Q; it must also validate
#   Q: its PATH_CHALLENGE reaches the client's socket, whose PATH_RESPONSE
#   comes back (counted on both ends). IPv4 and IPv6.
# - one way: for a while nothing comes back from Q (a spoofed or dead
#   path: udpsink counts what arrives there). The server must give up on
#   Q after the validation time and return to P (QuicPathFailed), send to
#   Q no more than three times what it received from Q, and once the NAT
#   is gone the transfer completes.
#
# - ngtcp2: gtlsclient downloads 16 MiB from our h3server (HTTP/3) and the
#   rebinding NAT goes in once the server has the connection: the server
#   must follow and validate the port, which takes ngtcp2 answering our
#   PATH_CHALLENGE; the file's SHA-256 must match. Then again with no NAT,
#   gtlsclient moving to a new port itself (active migration, RFC 9000 9):
#   it needs a spare connection ID of ours for that (9.5), and then
#   retires the old one.
# - our own client moving to a new port (QUIC_SOCKOPT_CONNECTION_MIGRATION)
#   mid-echo, IPv4 and IPv6: it validates the path, the server follows and
#   validates it too, and both applications get
#   QUIC_EVENT_CONNECTION_MIGRATION.
#
# The xfer transfers are 2 MiB echoes on one stream whose client pauses
# after 256 KiB while the NAT goes in; the echo's SHA-256 must match.
#
# And the server's address (RFC 9000 9: a client discards packets from an
# unknown server address; QuicInUnknownServer counts them):
# - wildcard: the server's host has a second address, and a server bound
#   to the wildcard address (IPv4, IPv6, and IPv6 dual-stack for an IPv4
#   client) echoes for a client of that second address. Its connection
#   must take that address and send from it, not from the route's
#   preferred one, or the client discards everything.
# - another port: while a tc rule rewrites the source port of what the
#   server sends, the client discards all of it and cannot complete its
#   handshake; once the rule goes, the echo completes.
# - mapped: an AF_INET6 client connects to ::ffff:<the server's IPv4
#   address>; the dual-stack server's accept() names it by its IPv4
#   address, mapped (getpeername() of an IPv4 peer on an AF_INET6 socket).
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=migration
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
sink=$SELFTEST_BIN/udpsink
h3server=$QUIC_BUILD/h3/h3server
mkcerts=$(dirname "$0")/mkcerts.sh
require "$xfer" "$sink" "$h3server" "$mkcerts" psktool gtlsclient certtool \
	sha256sum ip tc timeout

T=$(scaled 60)
work=$(mktemp -d /tmp/quic-migration.XXXXXX)
psk=$work/psk.txt
port=4700
NAT_PORT=40000	# Q
SRV_TIMEOUT=$((T + 10))

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

SINK_PID=
CLI_PID=
cleanup() {
	[ -n "$CLI_PID" ] && kill "$CLI_PID" 2> /dev/null
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2> /dev/null
	xfer_cleanup
}
trap cleanup EXIT

quic_sockets_gone
refs0=$(cat /sys/module/quic/refcnt)
test_psk "$psk" "$work"
if ! topo_two_hosts; then
	tap_fail "two-host topology"
	tap_done
fi
trap cleanup EXIT
# The classifier and actions load now, not while a client pauses.
if ! tc -n "$NS1" qdisc add dev veth1 clsact ||
	! tc -n "$NS1" filter add dev veth1 egress pref 1 protocol ip flower \
		ip_proto udp src_port 9 action pedit ex munge udp sport set 9 \
		pipe action pass; then
	tap_fail "tc clsact with flower and pedit on the client's veth"
	tap_done
fi
tc -n "$NS1" filter del dev veth1 egress

# snap: the path counters of both namespaces
snap() { quic_counters_snap '^Quic(Path|InUnknownServer)'; }

# conn_field NS ROLE FIELD: field FIELD (4: local, 5: peer; ADDR:PORT or
# [ADDR]:PORT) of the first established ROLE ("client", "server")
# connection of NS, once there is one
conn_field() {
	local _ a
	for _ in $(seq 200); do
		# shellcheck disable=SC2016 # awk's own $
		a=$(ip netns exec "$1" awk -v r="$2" -v f="$3" \
			'$2 == r && $3 == "ESTABLISHED" { print $f; exit }' \
			/proc/net/quic/sks)
		[ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.05
	done
	return 1
}

# conn_port NS ROLE FIELD: the port of that field
conn_port() {
	local a

	a=$(conn_field "$@") || return 1
	echo "${a##*:}"
}

# nat FAM P MAP: client datagrams from port P leave from $NAT_PORT; with
# MAP ("map"), what comes back to $NAT_PORT goes to P and what still comes
# to P is dropped; else ("oneway") nothing is mapped back. The way back
# goes in first: each tc call takes a while under emulation, and the
# server answers the first rewritten datagram at once.
nat() {
	local proto=ip srv=$port
	[ "$1" = IPv6 ] && proto=ipv6
	if [ "$3" = map ]; then
		tc -n "$NS1" filter add dev veth1 ingress pref 20 \
			protocol "$proto" flower ip_proto udp src_port "$srv" \
			dst_port "$NAT_PORT" \
			action pedit ex munge udp dport set "$2" pipe \
			action pass || return 1
	fi
	tc -n "$NS1" filter add dev veth1 egress pref 10 protocol "$proto" \
		flower ip_proto udp src_port "$2" dst_port "$srv" \
		action pedit ex munge udp sport set "$NAT_PORT" pipe \
		action pass || return 1
	[ "$3" = map ] || return 0
	tc -n "$NS1" filter add dev veth1 ingress pref 10 protocol "$proto" \
		flower ip_proto udp src_port "$srv" dst_port "$2" action drop
}

nat_off() {
	tc -n "$NS1" filter del dev veth1 egress 2> /dev/null
	tc -n "$NS1" filter del dev veth1 ingress 2> /dev/null
	return 0
}

# nat_sent: "PACKETS BYTES" the egress rewrite matched (GSO skbs count
# their segments, their bytes the headers once)
nat_sent() {
	tc -n "$NS1" -s filter show dev veth1 egress |
		awk '/Sent [0-9]+ bytes/ { for (i = 1; i < NF; i++) {
			if ($i == "Sent") b = $(i + 1); if ($(i + 1) == "pkt") p = $i }
			print p, b; exit }'
}

# start_client NAME ADDR: the echo client in the background (CLI_PID),
# pausing after 256 KiB while the NAT goes in
start_client() {
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c -a "$2" \
		-p "$port" --psk "$psk" --timeout "$T" \
		--one-stream 2097152 --pause-after 262144 \
		--pause "$(scaled 3000)" > "$work/$1.cli" 2>&1 &
	CLI_PID=$!
}

stop_client() {
	nat_off
	kill "$CLI_PID" 2> /dev/null
	wait "$CLI_PID"
	CLI_PID=
	stop_server
}

# finish_client NAME: the client and server exit 0, the echo is intact
finish_client() {
	local rc tx rx srx
	wait "$CLI_PID"
	rc=$?
	CLI_PID=
	wait "$SRV_PID" || { echo "server failed: $(why "$srv_log")"; SRV_PID=; return 1; }
	SRV_PID=
	[ "$rc" = 0 ] || { echo "client exit $rc: $(why "$work/$1.cli")"; return 1; }
	tx=$(awk '$1 == "stream" && $3 == "tx" { print $4, $6 }' "$work/$1.cli")
	rx=$(awk '$1 == "stream" && $3 == "rx" { print $4, $6 }' "$work/$1.cli")
	srx=$(awk '$1 == "stream" && $3 == "rx" { print $4, $6 }' "$srv_log")
	if [ -z "$tx" ] || [ "$tx" != "$rx" ] || [ "$tx" != "$srx" ]; then
		echo "hashes differ: client tx '$tx', server rx '$srx', client rx '$rx'"
		return 1
	fi
}

# followed WHAT SENT: the NAT rewrote datagrams (SENT: nat_sent) before
# WHAT ended, and the server moved to the new port and validated it
followed() {
	local ok=0
	[ "${2% *}" -gt 0 ] ||
		{ echo "the NAT rewrote no datagram: the $1 ended before it was in"; ok=1; }
	counter_expect ns2.QuicPathMigrations -ge 1 || ok=1
	counter_expect ns2.QuicPathValidated -ge 1 || ok=1
	counter_expect ns2.QuicPathFailed -eq 0 || ok=1
	return "$ok"
}

# rebinding FAM ADDR: the NAT maps the client to a new port for good
rebinding() {
	local name=rebind-$1 p ok=0 sent
	port=$((port + 1))
	start_server "$name" -a "$2" -p "$port" || return 1
	snap > "$work/before"
	start_client "$name" "$2"
	p=$(conn_port "$NS1" client 4) || { echo "no client connection seen"; stop_client; return 1; }
	nat "$1" "$p" map || { echo "tc NAT rules refused"; stop_client; return 1; }
	finish_client "$name" || ok=1
	sent=$(nat_sent)
	nat_off
	snap > "$work/after"
	followed echo "$sent" || ok=1
	counter_expect ns1.QuicPathResponses -ge 1 || ok=1
	# the draft's event for the server's application
	grep -q '^peer address changes [1-9]' "$srv_log" ||
		{ echo "no QUIC_EVENT_CONNECTION_MIGRATION at the server: $(grep '^peer address changes' "$srv_log")"; ok=1; }
	# getpeername() follows the client to its new port
	grep -q "^peer moved to .* port $NAT_PORT\$" "$srv_log" ||
		{ echo "the server's getpeername() after the event: $(grep '^peer moved to' "$srv_log")"; ok=1; }
	echo "info: client port $p -> $NAT_PORT (${sent% *} datagrams); server: $(counter_delta ns2.QuicPathMigrations) migrations, $(counter_delta ns2.QuicPathValidated) validated; client: $(counter_delta ns1.QuicPathResponses) PATH_RESPONSEs"
	return "$ok"
}

# oneway FAM ADDR SINK-ADDR: the client's datagrams come from a port that
# hears nothing back for longer than the server's validation time
oneway() {
	local name=oneway-$1 p ok=0 sent got hold
	port=$((port + 1))
	start_server "$name" -a "$2" -p "$port" || return 1
	ip netns exec "$NS1" "$sink" -a "$3" -p "$NAT_PORT" -t "$T" \
		> "$work/sink.out" 2>&1 &
	SINK_PID=$!
	wait_line "$work/sink.out" '^listening' ||
		{ echo "udpsink: $(cat "$work/sink.out")"; return 1; }
	snap > "$work/before"
	start_client "$name" "$2"
	p=$(conn_port "$NS1" client 4) || { echo "no client connection seen"; stop_client; return 1; }
	nat "$1" "$p" oneway || { echo "tc NAT rule refused"; stop_client; return 1; }
	# 3 PTOs of a fresh path (about 3 s) and some
	hold=$(scaled 6)
	sleep "$hold"
	sent=$(nat_sent)
	nat_off
	finish_client "$name" || ok=1
	kill "$SINK_PID"
	wait "$SINK_PID"
	SINK_PID=
	snap > "$work/after"
	got=$(awk '$1 == "datagrams" { print $4 }' "$work/sink.out")
	counter_expect ns2.QuicPathMigrations -ge 1 || ok=1
	counter_expect ns2.QuicPathFailed -ge 1 || ok=1
	counter_expect ns2.QuicPathValidated -eq 0 || ok=1
	# UDP payload from Q, at least: each matched skb less its headers
	local hdr=28 from
	[ "$1" = IPv6 ] && hdr=48
	from=$((${sent#* } - hdr * ${sent% *}))
	if [ -z "$got" ] || [ "$got" -gt $((3 * from)) ]; then
		echo "the server sent ${got:-?} bytes to the unvalidated port, more than 3 x the $from it received from there"
		ok=1
	fi
	echo "info: $hold s one way: client sent $from bytes of UDP payload from $NAT_PORT, the server sent back ${got:-?}; server: $(counter_delta ns2.QuicPathMigrations) migrations, $(counter_delta ns2.QuicPathFailed) validations given up"
	return "$ok"
}

# own_move FAM ADDR: our client moves to a fresh port on its own, a
# quarter into a 2 MiB echo (QUIC_SOCKOPT_CONNECTION_MIGRATION)
own_move() {
	local name=move-$1 ok=0 moved
	port=$((port + 1))
	start_server "$name" -a "$2" -p "$port" || return 1
	snap > "$work/before"
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c -a "$2" \
		-p "$port" --psk "$psk" --timeout "$T" \
		--one-stream 2097152 --migrate-after 524288 \
		> "$work/$name.cli" 2>&1 &
	CLI_PID=$!
	finish_client "$name" || ok=1
	snap > "$work/after"
	moved=$(sed -n 's/^migrated: port \([0-9]*\) -> \([0-9]*\)$/\1 \2/p' "$work/$name.cli")
	if [ -z "$moved" ] || [ "${moved% *}" = "${moved#* }" ]; then
		echo "the client did not move to a new port: $(grep -E '^migrated|^own moves' "$work/$name.cli")"
		ok=1
	fi
	grep -q '^own moves validated [1-9]' "$work/$name.cli" ||
		{ echo "no QUIC_EVENT_CONNECTION_MIGRATION (local) at the client: $(grep '^own moves' "$work/$name.cli")"; ok=1; }
	grep -q '^peer address changes [1-9]' "$srv_log" ||
		{ echo "no QUIC_EVENT_CONNECTION_MIGRATION at the server: $(grep '^peer address changes' "$srv_log")"; ok=1; }
	counter_expect ns1.QuicPathMigrations -ge 1 || ok=1
	counter_expect ns1.QuicPathValidated -ge 1 || ok=1
	counter_expect ns2.QuicPathMigrations -ge 1 || ok=1
	counter_expect ns2.QuicPathValidated -ge 1 || ok=1
	counter_expect ns2.QuicPathFailed -eq 0 || ok=1
	echo "info: client port ${moved% *} -> ${moved#* }; client: $(counter_delta ns1.QuicPathValidated) validated; server: $(counter_delta ns2.QuicPathMigrations) migrations, $(counter_delta ns2.QuicPathValidated) validated"
	return "$ok"
}

# ngtcp2_download nat|migrate: gtlsclient downloads from h3server through
# the rebinding NAT, or moves to a new local port on its own a second into
# the download (--change-local-addr), which takes a connection ID we
# issued it (RFC 9000 9.5): it cannot move without one.
ngtcp2_download() {
	local name=ngtcp2-$1 p ok=0 sent rc want got
	local -a move=()
	port=$((port + 1))
	[ "$1" = migrate ] && move=(--change-local-addr="$(scaled 1000)ms")
	mkdir -p "$work/www" "$work/dl"
	head -c $((16 << 20)) /dev/urandom > "$work/www/big"
	"$mkcerts" "$work/creds" > "$work/mkcerts.log" 2>&1 ||
		{ echo "mkcerts: $(tail -2 "$work/mkcerts.log" | tr '\n' ' ')"; return 1; }
	srv_log=$work/$name.srv
	ip netns exec "$NS2" timeout -k 5 "$T" "$h3server" -a "$ADDR2_V4" \
		-p "$port" --cert "$work/creds/server-cert.pem" \
		--key "$work/creds/server-key.pem" --root "$work/www" \
		--conns 1 > "$srv_log" 2>&1 &
	SRV_PID=$!
	wait_line "$srv_log" '^listening on' ||
		{ echo "h3server: $(tail -2 "$srv_log" | tr '\n' ' ')"; return 1; }
	snap > "$work/before"
	rm -f "$work/dl/big"
	ip netns exec "$NS1" timeout -k 5 "$T" gtlsclient -q "${move[@]}" \
		--exit-on-all-streams-close --download "$work/dl" "$ADDR2_V4" \
		"$port" "https://$ADDR2_V4:$port/big" > "$work/$name.cli" 2>&1 &
	CLI_PID=$!
	p=$(conn_port "$NS2" server 5) || { echo "no connection seen"; stop_client; return 1; }
	if [ "$1" = nat ]; then
		nat IPv4 "$p" map || { echo "tc NAT rules refused"; stop_client; return 1; }
	fi
	wait "$CLI_PID"
	rc=$?
	CLI_PID=
	wait "$SRV_PID" || ok=1
	SRV_PID=
	if [ "$1" = nat ]; then
		sent=$(nat_sent)
		nat_off
	fi
	snap > "$work/after"
	[ "$rc" = 0 ] || { echo "gtlsclient exit $rc: $(tail -2 "$work/$name.cli" | tr '\n' ' ')"; return 1; }
	[ "$ok" = 0 ] || { echo "h3server failed: $(tail -2 "$srv_log" | tr '\n' ' ')"; return 1; }
	want=$(sha256sum < "$work/www/big")
	got=$(sha256sum < "$work/dl/big" 2>&1)
	[ "$want" = "$got" ] || { echo "the download differs from the file (or is missing)"; ok=1; }
	if [ "$1" = nat ]; then
		followed download "$sent" || ok=1
		echo "info: gtlsclient port $p -> $NAT_PORT (${sent% *} datagrams); h3server: $(counter_delta ns2.QuicPathMigrations) migrations, $(counter_delta ns2.QuicPathValidated) validated"
	else
		counter_expect ns2.QuicPathMigrations -ge 1 || ok=1
		counter_expect ns2.QuicPathValidated -ge 1 || ok=1
		counter_expect ns2.QuicPathFailed -eq 0 || ok=1
		echo "info: gtlsclient moved from port $p; h3server: $(counter_delta ns2.QuicPathMigrations) migrations, $(counter_delta ns2.QuicPathValidated) validated"
	fi
	return "$ok"
}

# path_case NAME FUNCTION ARGS...: check, and the function's "info:" lines as
# TAP diagnostics
path_case() {
	check "$@"
	# on failure check() showed them already
	grep -qv '^info: ' "$work/why" || sed -n 's/^info: /# /p' "$work/why"
}

path_case "IPv4: NAT rebinding to a new client port: the server follows and validates it, the echo completes" \
	rebinding IPv4 "$ADDR2_V4"
path_case "IPv6: NAT rebinding to a new client port: the server follows and validates it, the echo completes" \
	rebinding IPv6 "$ADDR2_V6"
path_case "IPv4: a client port nothing returns from: the server gives up on it, sends it at most 3x what came from it, the echo completes" \
	oneway IPv4 "$ADDR2_V4" "$ADDR1_V4"
path_case "IPv4: our client moves to a new port on its own mid-echo (QUIC_SOCKOPT_CONNECTION_MIGRATION): both ends validate, both hear of it, the echo completes" \
	own_move IPv4 "$ADDR2_V4"
path_case "IPv6: our client moves to a new port on its own mid-echo: both ends validate, both hear of it, the echo completes" \
	own_move IPv6 "$ADDR2_V6"

path_case "ngtcp2's gtlsclient behind the rebinding NAT downloads 16 MiB from h3server: the server follows and validates the port, SHA-256 equal" \
	ngtcp2_download nat
path_case "ngtcp2's gtlsclient moves to a new port under a connection ID h3server issued it, mid-download of 16 MiB: the server follows and validates it, SHA-256 equal" \
	ngtcp2_download migrate

# The server's second address.
ADDR2B_V4=198.18.0.3
ADDR2B_V6=2001:db8::3

# echo_client NAME ADDR: a 256 KiB echo client in the background (CLI_PID),
# pausing after 128 KiB so that its connection is seen in /proc
echo_client() {
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c -a "$2" \
		-p "$port" --psk "$psk" --timeout "$T" --one-stream 262144 \
		--pause-after 131072 --pause "$(scaled 2000)" \
		> "$work/$1.cli" 2>&1 &
	CLI_PID=$!
}

# wildcard NAME LISTEN TO WANT: a server bound to LISTEN (a wildcard
# address) echoes for a client of the server host's second address TO;
# the server's connection must have WANT (ADDR:PORT, PORT appended) as
# its address, and the client must have discarded nothing.
wildcard() {
	local name=wild-$1 ok=0 got
	port=$((port + 1))
	start_server "$name" -a "$2" -p "$port" || return 1
	snap > "$work/before"
	echo_client "$name" "$3"
	got=$(conn_field "$NS2" server 4) || got="(none seen)"
	finish_client "$name" || ok=1
	snap > "$work/after"
	counter_expect ns1.QuicInUnknownServer -eq 0 || ok=1
	[ "$got" = "$4:$port" ] ||
		{ echo "the server's connection is at $got, not $4:$port"; ok=1; }
	return "$ok"
}

# another_port: what the server sends reaches the client from another
# port (a tc rewrite on the client's ingress) until the client has
# discarded some of it; it must not have completed its handshake then.
another_port() {
	local name=another ok=0 est n=0
	port=$((port + 1))
	start_server "$name" -a "$ADDR2_V4" -p "$port" || return 1
	snap > "$work/before"
	tc -n "$NS1" filter add dev veth1 ingress pref 30 protocol ip flower \
		ip_proto udp src_port "$port" \
		action pedit ex munge udp sport set "$NAT_PORT" pipe \
		action pass || { echo "tc rule refused"; stop_server; return 1; }
	echo_client "$name" "$ADDR2_V4"
	# Discarded datagrams first (the client takes a while to start),
	# then a second more in which it could have used them.
	while [ "$n" -lt 100 ]; do
		snap > "$work/after"
		[ "$(counter_delta ns1.QuicInUnknownServer)" -gt 0 ] && break
		sleep 0.2
		n=$((n + 1))
	done
	sleep 1
	# shellcheck disable=SC2016 # awk's own $
	est=$(ip netns exec "$NS1" awk '$2 == "client" && $3 == "ESTABLISHED"' \
		/proc/net/quic/sks | wc -l)
	nat_off
	finish_client "$name" || ok=1
	snap > "$work/after"
	counter_expect ns1.QuicInUnknownServer -gt 0 || ok=1
	[ "$est" = 0 ] ||
		{ echo "the client completed its handshake with datagrams from port $NAT_PORT"; ok=1; }
	echo "info: the client discarded $(counter_delta ns1.QuicInUnknownServer) datagrams from port $NAT_PORT"
	return "$ok"
}

ip -n "$NS2" addr add $ADDR2B_V4/24 dev veth2
ip -n "$NS2" addr add $ADDR2B_V6/64 dev veth2 nodad
check "IPv4: a server on 0.0.0.0 answers a client of its second address from that address" \
	wildcard v4 0.0.0.0 "$ADDR2B_V4" "$ADDR2B_V4"
check "IPv6: a server on :: answers a client of its second address from that address" \
	wildcard v6 :: "$ADDR2B_V6" "[$ADDR2B_V6]"
check "IPv4: a dual-stack server on :: answers a client of its second address from that address" \
	wildcard v4v6 :: "$ADDR2B_V4" "$ADDR2B_V4"
path_case "a client discards what comes from another server port: no handshake until it stops, then the echo completes" \
	another_port

# mapped: an AF_INET6 client connects to the IPv4-mapped address of a
# dual-stack server on ::. It speaks IPv4: the server's accept() names it
# by its IPv4 address, mapped, and so does getpeername() on its side.
mapped() {
	local name=mapped ok=0 got
	port=$((port + 1))
	start_server "$name" -a :: -p "$port" || return 1
	echo_client "$name" "::ffff:$ADDR2_V4"
	finish_client "$name" || ok=1
	got=$(awk '$1 == "connection" && $2 == "from" { print $3; exit }' "$srv_log")
	[ "$got" = "::ffff:$ADDR1_V4" ] ||
		{ echo "the server's accept() gave '$got', not ::ffff:$ADDR1_V4"; ok=1; }
	return "$ok"
}
check "an AF_INET6 client of an IPv4-mapped address speaks IPv4: echo intact, the server sees ::ffff:$ADDR1_V4" \
	mapped

check "every QUIC socket freed (module references back)" quic_refs_back "$refs0"

tap_done
