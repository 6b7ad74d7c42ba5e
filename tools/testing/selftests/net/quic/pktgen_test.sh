#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Floods of datagrams QUIC cannot use, from the kernel's packet generator
# (tools/quic/pktgen/quic_pktgen.sh): pktgen's payload reads as a long
# header of an unknown version without the fixed bit, with connection ID
# lengths that vary from datagram to datagram.
#  - At a listener, injected into its host's receive path (IPv4, IPv6):
#    every datagram is counted in QuicInDiscards, exactly; Version
#    Negotiation answers stay within their rate limit; the listener then
#    serves a client as if nothing happened.
#  - At a server echoing to a client, from the client's own address and
#    port (what one spoofing that client would send), over the link: the
#    echo completes intact, and every datagram is either counted
#    discarded or was dropped by UDP for a full queue, none taken for the
#    connection's.
# The kernel log is checked for BUG/WARN by the harness.
# shellcheck disable=SC2317 # functions run through check()
SUITE=pktgen
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
pktgen=$QUIC_REPO/tools/quic/pktgen/quic_pktgen.sh
require "$xfer" "$pktgen" modprobe timeout
# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

T=$(scaled 60)	# seconds a client may take
N=20000		# datagrams per flood
VN_PER_S=100	# Version Negotiation answers a second (output.c)
PAUSE_MS=$(($(scaled 5) * 1000))	# the client's pause the flood must meet
port=4600

# Built in, or a module; a kernel may have neither.
if [ ! -d /proc/net/pktgen ] && ! modprobe pktgen 2> /dev/null; then
	tap_skip "floods from pktgen" "this kernel has no pktgen module (CONFIG_NET_PKTGEN)"
	tap_done
fi

work=$(mktemp -d /tmp/quic-pktgen.XXXXXX)
psk=$work/psk.txt
psk_and_topology "$psk" "$work"
trap 'xfer_cleanup; rmmod pktgen 2> /dev/null' EXIT

snap() { quic_counters_snap 'QuicInDiscards|QuicVersionNegSent|QuicPassiveOpens'; }

# flood NS ARGS...: quic_pktgen.sh in NS; its summary line in $work/flood
flood() {
	local ns=$1
	shift
	ip netns exec "$ns" "$pktgen" "$@" > "$work/flood" 2>&1 || {
		echo "quic_pktgen.sh failed: $(tail -2 "$work/flood" | tr '\n' ' ')"
		return 1
	}
}

# same_echo: the server got what the client sent, and the client the same
# back (one stream)
same_echo() {
	local srv tx rx
	srv=$(sed -n 's/^stream 0 rx \([0-9]* sha256 [0-9a-f]*\)$/\1/p' "$srv_log")
	tx=$(sed -n 's/^stream 0 tx \([0-9]* sha256 [0-9a-f]*\)$/\1/p' "$cli_log")
	rx=$(sed -n 's/^stream 0 rx \([0-9]* sha256 [0-9a-f]*\)$/\1/p' "$cli_log")
	[ -n "$tx" ] && [ "$srv" = "$tx" ] && [ "$rx" = "$tx" ] && return 0
	echo "echo differs: server rx '$srv', client tx '$tx', rx '$rx'"
	return 1
}

# echo_done RC: the client exited with RC; it and the server succeeded,
# and the echo is intact
echo_done() {
	local rc
	[ "$1" = 0 ] || { echo "client exit $1: $(why "$cli_log")"; stop_server; return 1; }
	wait "$SRV_PID"
	rc=$?
	SRV_PID=
	[ "$rc" = 0 ] || { echo "server exit $rc: $(why "$srv_log")"; return 1; }
	same_echo
}

# listener_flood ADDR SRC: N datagrams injected at a listener on ADDR in
# $NS2 as if they came from SRC; then a client's echo
listener_flood() {
	local addr=$1 src=$2 t0 secs vn d
	port=$((port + 1))
	start_server "listen$port" -a "$addr" -p "$port" || return 1
	snap > "$work/before"
	t0=$SECONDS
	flood "$NS2" -i veth2 -x netif_receive -d "$addr" -s "$src" \
		-p "$port" -n "$N" || { stop_server; return 1; }
	secs=$((SECONDS - t0 + 1))
	snap > "$work/after"
	d=$(counter_delta ns2.QuicInDiscards)
	vn=$(counter_delta ns2.QuicVersionNegSent)
	[ "$d" = "$N" ] || {
		echo "QuicInDiscards grew by $d for $N datagrams"
		stop_server
		return 1
	}
	[ "$vn" -ge 1 ] && [ "$vn" -le $((VN_PER_S * (secs + 1))) ] || {
		echo "$vn Version Negotiation packets in ${secs} s, limit $VN_PER_S/s"
		stop_server
		return 1
	}
	cli_log=$work/listen$port.cli
	ip netns exec "$NS1" timeout -k 5 "$T" "$xfer" -c -a "$addr" \
		-p "$port" --psk "$psk" --timeout "$T" --one-stream 1048576 \
		> "$cli_log" 2>&1
	echo_done $? || return 1
	snap > "$work/after"
	counter_expect ns2.QuicPassiveOpens = 1 || return 1
	echo "$(sed -n 's/^quic_pktgen: //p' "$work/flood"); $vn VN answers"
}

# udp_rcvbuf_errors NS: datagrams UDP dropped in NS for a full socket
# receive queue
udp_rcvbuf_errors() {
	ip netns exec "$1" awk '$1 == "Udp:" && $6 ~ /^[0-9]+$/ { print $6 }' \
		/proc/net/snmp
}

# client_port: the local port of the client's connection in $NS1, once
# it is established with the server on $port
client_port() {
	local _ p
	for _ in $(seq 100); do
		p=$(ip netns exec "$NS1" cat /proc/net/quic/sks |
			awk -v peer="$ADDR2_V4:$port" \
			'$3 == "ESTABLISHED" && $5 == peer { sub(/.*:/, "", $4); print $4 }')
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

# spoofed_flood: N datagrams from the client's own address and port,
# sent over the link from its side, at a server echoing 8 MiB to it (the
# client pauses after 1 MiB for the flood to meet the connection): the
# UDP socket the connection uses takes them, and they are discarded
# there, as they name no connection ID of ours.
spoofed_flood() {
	local mac cli cport q0 q1 d
	port=$((port + 1))
	start_server "busy$port" -a "$ADDR2_V4" -p "$port" || return 1
	mac=$(ip netns exec "$NS2" cat /sys/class/net/veth2/address)
	snap > "$work/before"
	q0=$(udp_rcvbuf_errors "$NS2")
	cli_log=$work/busy$port.cli
	ip netns exec "$NS1" timeout -k 5 "$T" "$xfer" -c -a "$ADDR2_V4" \
		-p "$port" --psk "$psk" --timeout "$T" --one-stream 8388608 \
		--pause-after 1048576 --pause "$PAUSE_MS" > "$cli_log" 2>&1 &
	cli=$!
	cport=$(client_port) || {
		echo "the client's connection never showed in sks"
		wait "$cli"
		stop_server
		return 1
	}
	flood "$NS1" -i veth1 -x queue_xmit -m "$mac" -d "$ADDR2_V4" \
		-s "$ADDR1_V4" -P "$cport" -p "$port" -n "$N" ||
		{ wait "$cli"; stop_server; return 1; }
	# The flood must have met the connection, not a closed port.
	[ "$(client_port)" = "$cport" ] || {
		echo "the connection was gone before the flood ended"
		wait "$cli"
		stop_server
		return 1
	}
	wait "$cli"
	echo_done $? || return 1
	snap > "$work/after"
	q1=$(udp_rcvbuf_errors "$NS2")
	d=$(counter_delta ns2.QuicInDiscards)
	# UDP may drop some while the socket's queue is full, of the flood
	# or of the echo: never more discarded than sent, and nothing else
	# lost.
	[ "$d" -le "$N" ] && [ $((d + q1 - q0)) -ge "$N" ] || {
		echo "QuicInDiscards grew by $d, UDP dropped $((q1 - q0)) (full queue), for $N datagrams"
		return 1
	}
	echo "$d discarded, $((q1 - q0)) dropped by UDP (full queue); $(sed -n 's/^quic_pktgen: //p' "$work/flood")"
}

check "listener, IPv4: $N datagrams injected, each counted discarded, VN rate-limited, then a 1 MiB echo" \
	listener_flood "$ADDR2_V4" "$ADDR1_V4"
check "listener, IPv6: $N datagrams injected, each counted discarded, VN rate-limited, then a 1 MiB echo" \
	listener_flood "$ADDR2_V6" "$ADDR1_V6"
check "$N datagrams spoofing the client's address and port during an 8 MiB echo: echo intact, the flood discarded" \
	spoofed_flood
tap_done
