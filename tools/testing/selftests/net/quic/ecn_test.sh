#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ECN (RFC 9000 13.4, RFC 9002 7.1), seen on the wire with dumpcap and
# tshark (the client's TLS key log decrypts the ACK frames):
#
#   - marking: both ends send their datagrams ECT(0), IPv4 and IPv6, and
#     acknowledge with ACK_ECN frames that count them;
#   - CE: over a link that marks half of the ECT packets CE (netem loss
#     50% ecn) ACK_ECN frames report the marks, and the sender reacts: the
#     echo takes several times longer than on the same link unmarked;
#   - validation: a path that clears the ECN field (an iptables TOS rule
#     in front of the server) makes the client's validation fail, and the
#     client stops marking after its testing datagrams, while the server,
#     whose packets arrive marked, goes on.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=ecn
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout tshark dumpcap mergecap iptables

BYTES=${ECN_BYTES:-1048576}
CE_BYTES=${ECN_CE_BYTES:-262144}
T=${ECN_TIMEOUT:-90}
work=$(mktemp -d /tmp/quic-ecn.XXXXXX)
psk=$work/psk.txt
port=4800
# Captures (cap_start, lib.sh) keep the first CAP_PACKETS packets: enough
# to see marking, feedback and validation, and few enough for tshark to
# decrypt quickly under TCG.
CAP_PACKETS=${ECN_CAP_PACKETS:-400}

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	cap_stop
	stop_server
	ip netns exec "$NS2" iptables -t mangle -F 2> /dev/null
	topo_cleanup
	rm -rf "$work"
}

psk_and_topology "$psk" "$work"
trap cleanup EXIT

# captured NAME ADDR ARGS...: an echo of transfer() (xfer_lib.sh) under a
# capture of its own, with the client's key log; the case's server port
# tells its packets apart later.
declare -A case_port
captured() {
	local name=$1 addr=$2 rc
	shift 2
	cap_start "$work/$name.pcapng" "$CAP_PACKETS" || return 1
	transfer "$name" "$addr" 1 --keylog "$work/$name.keys" "$@"
	rc=$?
	cap_stop
	case_port[$name]=$port
	return $rc
}

# dissect: one tshark pass over every capture (tshark takes long to start
# under TCG), into $work/all.fields:
# "SRCPORT|DSTPORT|ECN4|ECN6|FRAME-TYPES|ECT0-COUNTS|CE-COUNTS".
dissect() {
	cat "$work"/*.keys > "$work/all.keylog"
	mergecap -w "$work/all.pcap" "$work"/*.pcapng ||
		{ echo "mergecap failed"; return 1; }
	tshark_fields "$work/all.pcap" "$work/all.keylog" "$work/all.fields" \
		udp.srcport udp.dstport ip.dsfield.ecn ipv6.tclass.ecn \
		quic.frame_type quic.ack.ect0_count quic.ack.ecn_ce_count
}

# direction_stats NAME client|server: "PACKETS ECT0 ACK_ECN MAX_ECT0 MAX_CE"
# of what that end sent in case NAME.
direction_stats() {
	awk -F'|' -v port="${case_port[$1]}" -v dir="$2" '
	$1 != port && $2 != port { next }
	{
		if ((dir == "server") != ($1 == port)) next
		ecn = $3 != "" ? $3 : $4	# IPv4 or IPv6
		n++
		if (ecn == 2) ect0++
		if ($5 ~ /(^|,)3(,|$)/) acks++
		k = split($6, a, ","); for (i = 1; i <= k; i++) if (a[i] + 0 > m0) m0 = a[i] + 0
		k = split($7, c, ","); for (i = 1; i <= k; i++) if (c[i] + 0 > mce) mce = c[i] + 0
	}
	END { print n + 0, ect0 + 0, acks + 0, m0 + 0, mce + 0 }' "$work/all.fields"
}

# marked NAME: both ends sent >= 90% of their datagrams ECT(0) and
# acknowledged with ACK_ECN frames counting ECT(0) packets.
marked() {
	local dir n e acks m0 mce
	for dir in client server; do
		read -r n e acks m0 mce < <(direction_stats "$1" "$dir")
		echo "$dir sent $n datagrams, $e ECT(0), $acks with ACK_ECN (largest ECT(0) count $m0, CE $mce)"
		if [ "$n" -lt 20 ] || [ $((e * 10)) -lt $((n * 9)) ]; then
			echo "$dir: $e of $n datagrams ECT(0), want at least 90%"
			return 1
		fi
		if [ "$acks" = 0 ] || [ "$m0" = 0 ]; then
			echo "$dir: no ACK_ECN frame counting ECT(0) packets"
			return 1
		fi
	done
}

# ce_echoes: the echo over a link that CE-marks half of the ECT packets
# (and drops half of the others), then over the same link unmarked; the
# first must take at least three times as long: the sender reacts to CE.
# On the debug kernel (QUIC_SLOW > 1) the CPU, not the link, sets both
# times: the echoes run (ce_fed_back needs the capture), unjudged.
ce_echoes() {
	local clean_ms ce_ms rc=1
	netem delay 10ms &&
		captured clean "$ADDR2_V4" --one-stream "$CE_BYTES" &&
		netem delay 10ms loss 50% ecn &&
		captured ce "$ADDR2_V4" --one-stream "$CE_BYTES" && rc=0
	tc -n "$NS1" qdisc del dev veth1 root 2> /dev/null
	tc -n "$NS2" qdisc del dev veth2 root 2> /dev/null
	[ "$rc" = 0 ] || return 1
	clean_ms=$(echo_ms clean)
	ce_ms=$(echo_ms ce)
	echo "times: unmarked $clean_ms ms, CE-marked $ce_ms ms"
	if [ "$QUIC_SLOW" = 1 ] && [ "$ce_ms" -lt $((3 * clean_ms)) ]; then
		echo "CE marks did not slow the sender: $ce_ms ms vs $clean_ms ms unmarked"
		return 1
	fi
}

# ce_fed_back: both ends reported CE marks in ACK_ECN frames.
ce_fed_back() {
	local dir n e acks m0 mce
	for dir in client server; do
		read -r n e acks m0 mce < <(direction_stats ce "$dir")
		echo "$dir sent $n datagrams, $e ECT(0), ACK_ECN CE count up to $mce"
		[ "$mce" -gt 0 ] || { echo "$dir reported no CE mark"; return 1; }
	done
}

# bleached_echo: the echo with the server's ingress clearing the ECN field.
bleached_echo() {
	local rc
	ip netns exec "$NS2" iptables -t mangle -A PREROUTING -p udp \
		-j TOS --set-tos 0x00/0x03 ||
		{ echo "iptables TOS rule failed"; return 1; }
	captured bleached "$ADDR2_V4" --one-stream "$BYTES"
	rc=$?
	ip netns exec "$NS2" iptables -t mangle -F
	return $rc
}

# bleached: the client stopped marking after its testing datagrams; the
# server, whose marks arrive, did not.
bleached() {
	local n e acks m0 mce
	read -r n e acks m0 mce < <(direction_stats bleached client)
	echo "client sent $n datagrams, $e ECT(0)"
	if [ "$n" -lt 20 ] || [ "$e" -gt 10 ]; then
		echo "client: $e of $n datagrams ECT(0) although validation failed (testing allows 10)"
		return 1
	fi
	read -r n e acks m0 mce < <(direction_stats bleached server)
	echo "server sent $n datagrams, $e ECT(0)"
	if [ $((e * 10)) -lt $((n * 9)) ]; then
		echo "server: only $e of $n datagrams ECT(0) on its validated path"
		return 1
	fi
}

run "echo under capture, IPv4" captured mark4 "$ADDR2_V4" --one-stream "$BYTES"
run "echo under capture, IPv6" captured mark6 "$ADDR2_V6" --one-stream "$BYTES"
if [ "$QUIC_SLOW" = 1 ]; then
	run "CE on half the packets: the echo takes 3x as long as unmarked" \
		ce_echoes
else
	run "CE on half the packets, and unmarked: both echoes complete" \
		ce_echoes
	tap_skip "CE on half the packets: the echo takes 3x as long as unmarked" \
		"debug kernel: the CPU, not the link, sets the times"
fi
run "echo with the server's ingress clearing ECN" bleached_echo
check "tshark decodes the captures with the client key logs" dissect
check "marking, IPv4: both ends send ECT(0) and count it in ACK_ECN frames" \
	marked mark4
check "marking, IPv6: both ends send ECT(0) and count it in ACK_ECN frames" \
	marked mark6
check "CE: both ends feed the marks back in ACK_ECN frames" ce_fed_back
check "a path clearing ECN: validation fails, the client stops marking, the server goes on" \
	bleached

tap_done
