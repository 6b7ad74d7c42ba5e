#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ACK Delay of packets kept for their keys (RFC 9000 13.2.5), seen
# with dumpcap and tshark (the client's TLS key log decrypts both ends):
#
#   - over a 100 ms RTT (netem, 50 ms each way), iptables rules in the
#     client's namespace drop the client's first two Handshake datagrams
#     (u32: a v1 long header of type Handshake), which hold its Finished
#     (and its Handshake ACK, or the Finished again). The client has its
#     1-RTT keys and starts its upload; the server, without keys for
#     those packets until a Finished gets through a PTO or two later,
#     keeps them. Its first 1-RTT ACK must then say how long it held the
#     largest packet it acknowledges: ACK Delay (times 2^3, the default
#     exponent) within 50 ms of what the capture shows, which is the
#     ACK's arrival less the server's 50 ms netem delay after the client's
#     packet left (the capture sits behind the client's netem); and that
#     hold must be at least 100 ms, or no packet waited for keys.
#     Reporting the time since the keys came instead, as if acknowledged
#     at once, hands the client an RTT sample a PTO too long, and its PTO
#     grows with it.
#   - the upload completes, SHA-256 equal at both ends.
#   - every client datagram with an ack-eliciting Handshake packet in the
#     capture carries CRYPTO: each PTO sends two probes, and in a
#     handshake space both take the Finished; a second probe that went out
#     as a PING would earn an ACK and complete nothing when the first is
#     lost (the second rule drops the first probe of the first PTO).
#
# The capture needs one QUIC packet per frame: the module's gso parameter
# is off while it runs.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=ackdelay
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout tshark dumpcap iptables

BYTES=${ACKDELAY_BYTES:-262144}
T=${ACKDELAY_TIMEOUT:-60}
work=$(mktemp -d /tmp/quic-ackdelay.XXXXXX)
psk=$work/psk.txt
port=5000
gso_param=/sys/module/quic/parameters/gso
gso_was=
# The netem delay of the server's packets, the only one the capture on
# the client's veth sees between a client packet and its ACK.
SRV_DELAY_S=0.05

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	cap_stop
	stop_server
	ip netns exec "$NS1" iptables -F OUTPUT 2> /dev/null
	[ -n "$gso_was" ] && echo "$gso_was" > "$gso_param"
	topo_cleanup
	rm -rf "$work"
}

psk_and_topology "$psk" "$work"
trap cleanup EXIT

# lost_finished_upload: the upload with the client's first two Handshake
# datagrams dropped (u32: the first byte of the UDP payload, 0xe0 under
# mask 0xf0, is a v1 Handshake long header; header protection leaves
# those bits), under a capture on the client's veth. Each rule drops the
# first datagram that reaches it: two rules, the first two.
lost_finished_upload() {
	local rc dropped i
	port=$((port + 1))
	for i in 1 2; do
		ip netns exec "$NS1" iptables -A OUTPUT -p udp --dport "$port" \
			-m u32 --u32 '0>>22&0x3C@8>>24&0xF0=0xE0' \
			-m statistic --mode nth --every 100000 --packet 0 \
			-j DROP ||
			{ echo "iptables: no u32 or statistic match"; return 1; }
	done
	start_server ackdelay -a "$ADDR2_V4" -p "$port" || return 1
	cap_start "$work/ackdelay.pcapng" || return 1
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c \
		-a "$ADDR2_V4" -p "$port" --psk "$psk" --timeout "$T" \
		--uni --streams 1 --bytes "$BYTES" --chunk 65536 \
		--keylog "$work/ackdelay.keys" > "$work/ackdelay.cli" 2>&1
	rc=$?
	cap_stop
	wait "$SRV_PID"
	SRV_PID=
	dropped=$(iptables_drops "$NS1" OUTPUT)
	ip netns exec "$NS1" iptables -F OUTPUT
	[ "$rc" = 0 ] || { echo "client exit $rc: $(why "$work/ackdelay.cli")"; return 1; }
	[ "$dropped" = 2 ] || { echo "the rules dropped $dropped datagrams, not 2"; return 1; }
	uni_delivered "$work/ackdelay.cli" "$srv_log"
}

# dissect: "TIME|SRCPORT|DSTPORT|HEADER-FORMS|FRAME-TYPES|PACKET-NUMBERS|
# LARGEST-ACKED|ACK-DELAY|LONG-PACKET-TYPES" of every frame, decrypted
# with the key log.
dissect() {
	tshark_fields "$work/ackdelay.pcapng" "$work/ackdelay.keys" \
		"$work/ackdelay.fields" frame.time_relative udp.srcport \
		udp.dstport quic.header_form quic.frame_type quic.packet_number \
		quic.ack.largest_acknowledged quic.ack.ack_delay \
		quic.long.packet_type
}

# handshake_probes_carry_crypto: the client's datagrams that hold a
# Handshake packet (long packet type 2 in v1). Their frame types are
# those of all the datagram's packets, but the client's 1-RTT packets
# carry no CRYPTO and, with data to send, no PING: one with a PING and
# no CRYPTO is a Handshake probe that retransmits nothing. At least one
# must carry CRYPTO (the Finished got through), or the check saw nothing.
handshake_probes_carry_crypto() {
	awk -F'|' -v port="$port" '
	$3 != port { next }
	{
		hs = 0; crypto = 0; ping = 0
		n = split($9, lt, ",")
		for (i = 1; i <= n; i++)
			if (lt[i] == "2")
				hs = 1
		if (!hs)
			next
		n = split($5, ft, ",")
		for (i = 1; i <= n; i++) {
			if (ft[i] == "6")
				crypto = 1
			else if (ft[i] == "1")
				ping = 1
		}
		if (crypto)
			with_crypto++
		else if (ping)
			ping_only++
	}
	END {
		printf "Handshake datagrams from the client: %d with CRYPTO, %d with a PING and no CRYPTO\n", with_crypto, ping_only
		exit !(with_crypto > 0 && ping_only == 0)
	}' "$work/ackdelay.fields"
}

# ack_delay_counts_the_wait: the server's first 1-RTT packet with an ACK
# frame; the client's 1-RTT packet it names as largest acknowledged; the
# hold the capture implies (ACK arrival - send - the server's netem
# delay) against the ACK Delay the server reported.
ack_delay_counts_the_wait() {
	local rc
	awk -F'|' -v port="$port" -v d="$SRV_DELAY_S" '
	# a datagram holding one short-header packet
	$4 != "0" { next }
	$3 == port && !($6 in sent) { sent[$6] = $1 }
	$2 == port && $7 != "" && !found {
		found = 1; t_ack = $1; largest = $7; raw = $8
	}
	END {
		if (!found) { print "no 1-RTT ACK from the server in the capture"; exit 1 }
		if (!(largest in sent)) {
			printf "the client packet %s the first ACK names is not in the capture\n", largest
			exit 1
		}
		held = t_ack - sent[largest] - d
		delay = raw * 8 / 1e6
		printf "first 1-RTT ACK: largest %s sent at %.3f s, ACK at %.3f s: held %.3f s by the capture, ACK Delay %.3f s (raw %s)\n", largest, sent[largest], t_ack, held, delay, raw
		if (held < 0.1) {
			printf "held %.3f s < 0.100 s: no packet waited for keys\n", held
			exit 1
		}
		if (delay < held - 0.05 || delay > held + 0.01) {
			printf "ACK Delay %.3f s, want the %.3f s the packet was held (-50 ms, +10 ms)\n", delay, held
			exit 1
		}
	}' "$work/ackdelay.fields" > "$work/verdict"
	rc=$?
	# The reason first (check() reports the first line), then the numbers.
	tail -n +2 "$work/verdict"
	head -1 "$work/verdict"
	return "$rc"
}

case_lost="client's Finished lost at 100 ms RTT: a $(kib "$BYTES") upload completes, SHA-256 equal at both ends"
case_dissect="tshark decodes the capture with the client's key log"
case_delay="the server's first 1-RTT ACK counts the time it kept the packet for keys in its ACK Delay (RFC 9000 13.2.5)"
case_probes="both probes of each client Handshake PTO carry the Finished (CRYPTO), none is a bare PING"
gso_was=$(cat "$gso_param")
if ! iptables_matches; then
	for c in "$case_lost" "$case_dissect" "$case_delay" "$case_probes"; do
		tap_skip "$c" "this kernel has no iptables u32 or statistic match"
	done
elif ! echo 0 > "$gso_param"; then
	tap_fail "module parameter gso: cannot turn it off for the capture"
elif ! netem delay 50ms; then
	tap_fail "netem delay 50ms: set up with tc"
else
	check "$case_lost" lost_finished_upload
	grep -E '^upload' "$work/why" | sed 's/^/# /'
	check "$case_dissect" dissect
	check "$case_delay" ack_delay_counts_the_wait
	grep -E '^first' "$work/why" | sed 's/^/# /'
	check "$case_probes" handshake_probes_carry_crypto
fi
tap_done
