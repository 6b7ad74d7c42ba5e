#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QUIC crypto offload end to end, over the simulated NIC (quicsim.ko
# ports=2, one port in each test namespace; a veth pair beside it on
# another subnet). Each case reads the ports' debugfs counters and the
# namespaces' /proc/net/quic/snmp before and after:
#   - echoes with AES-128-GCM (IPv4) and ChaCha20-Poly1305 (IPv6; with
#     the test PSK, AES-256-GCM is not offered): SHA-256 equal at both ends, both ports sealed and opened
#     packets, each side offloaded its connection, nothing went through
#     the software fallback and no packet failed authentication;
#   - key updates every 256 KiB: the stack hands the device each new key
#     phase (more key installs than the four of the start) and the echo
#     stays intact;
#   - the wire is ciphertext: the client's port tap sees the plaintext
#     the stack left for it (data pattern found), while what arrives at the
#     server's port with its RX crypto off holds none of it, and tshark,
#     given the key log, decrypts every packet the client's port sealed;
#   - offload off (ethtool): the stack protects everything itself, the
#     ports seal and open nothing;
#   - the route moves to the veth mid-connection: the plaintext already
#     built is sealed by the software fallback (counted), the connection
#     goes on in software and the echo stays intact;
#   - failure injection: a device refusing a connection (fail_add) or its
#     keys (fail_set_keys) leaves that side in software;
#   - every device context is gone once the connections are, and rmmod
#     quicsim works.
# vm-timeout: 900
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=offload
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" "$quicsim_ko" psktool ip ethtool dumpcap tshark timeout
T=$(scaled 60)
work=$(mktemp -d /tmp/quic-offload.XXXXXX)
psk=$work/psk.txt
port=4900
SRV_TIMEOUT=$((T + 10))
VETH1_V4=198.18.1.1
VETH2_V4=198.18.1.2

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"
SRV_ARGS=()

cleanup() {
	cap_stop
	quicsim_cleanup
}
trap cleanup EXIT
exec 3>&1

test_psk "$psk" "$work"
quicsim_load

topology() {
	quicsim_topology "$dev1" "$dev2" || return 1
	ip link add veth1 netns "$NS1" type veth peer name veth2 netns "$NS2" &&
	ip -n "$NS1" addr add $VETH1_V4/24 dev veth1 &&
	ip -n "$NS2" addr add $VETH2_V4/24 dev veth2 &&
	ip -n "$NS1" link set veth1 up && ip -n "$NS2" link set veth2 up
}
check "quicsim ports and a veth pair between two namespaces" topology

# dev_count PORT NAME: a debugfs counter of quicsim port PORT (0 or 1)
dev_count() { cat "$dbg/port$1/$2"; }

# snap: every counter this test reads, as "KEY VALUE" lines on stdout
snap() {
	local p c
	for p in 0 1; do
		for c in tx_encrypted rx_decrypted rx_auth_fail keys_installed \
			 contexts; do
			echo "port$p.$c $(dev_count $p $c)"
		done
	done
	quic_counters_snap '^Quic(Offload|InUnauthentic|Pmtu)'
}

# offloaded_echo NAME ADDR CLIENT-ARGS...: an echo whose both sides are
# offloaded from start to end.
offloaded_echo() {
	local name=$1 addr=$2 ok=0 k
	shift 2
	snap > "$work/before"
	transfer "$name" "$addr" 1 "$@" || return 1
	snap > "$work/after"
	for k in port0.tx_encrypted port1.tx_encrypted port0.rx_decrypted \
		 port1.rx_decrypted ns1.QuicOffloadRxPackets \
		 ns2.QuicOffloadRxPackets; do
		counter_expect "$k" -gt 100 || ok=1
	done
	for k in ns1.QuicOffloadConns ns2.QuicOffloadConns; do
		counter_expect "$k" -eq 1 || ok=1
	done
	for k in ns1.QuicOffloadTxFallback ns2.QuicOffloadTxFallback \
		 ns1.QuicOffloadDrops ns2.QuicOffloadDrops; do
		counter_expect "$k" -eq 0 || ok=1
	done
	for k in ns1.QuicInUnauthentic ns2.QuicInUnauthentic \
		 port0.rx_auth_fail port1.rx_auth_fail; do
		counter_expect "$k" -eq 0 || ok=1
	done
	echo "sealed $(counter_delta port0.tx_encrypted) + $(counter_delta port1.tx_encrypted), opened $(counter_delta port0.rx_decrypted) + $(counter_delta port1.rx_decrypted) packets"
	return $ok
}

run "AES-128-GCM echo, IPv4, offloaded both ways" \
	offloaded_echo aes128 "$ADDR2_V4" --streams 20 --bytes 262144 \
	--cipher aes128
run "ChaCha20-Poly1305 echo, IPv6, offloaded both ways" \
	offloaded_echo chacha "$ADDR2_V6" --streams 10 --bytes 262144 \
	--cipher chacha20

# DPLPMTUD (RFC 9000 14.3) over the device: both ends start at 1200 bytes
# and probe; a probe is sealed in software and opened by the peer's
# device like any packet, and the size it confirms is what the device
# seals from then on.
searched_echo() {
	SRV_ARGS=(--plpmtud 5000)
	offloaded_echo search "$ADDR2_V4" --streams 4 --bytes 262144 \
		--plpmtud 5000
	local rc=$?
	SRV_ARGS=()
	[ "$rc" = 0 ] || return 1
	counter_expect ns1.QuicPmtuRaised -ge 1 &&
		counter_expect ns2.QuicPmtuRaised -ge 1
}
run "AES-128-GCM echo with a probe interval: probes sealed in software, the datagrams they confirm by the device" \
	searched_echo

# Every packet of every phase opens on the device: the next phase reaches
# it moments after the peer switched (RFC 9001 6.5: we prepare it as soon
# as the peer may use it, keeping the old receive keys aside), long before
# the peer may update again.
key_updates() {
	offloaded_echo keyupd "$ADDR2_V4" --one-stream 2097152 \
		--key-update 262144 || return 1
	counter_expect port0.keys_installed -gt 4 && counter_expect port1.keys_installed -gt 4
}
run "key updates every 256 KiB: each new phase reaches the device" \
	key_updates

# contexts_gone: every device context freed (after a grace period)
contexts_gone() {
	local _
	for _ in $(seq 50); do
		[ "$(dev_count 0 contexts)" = 0 ] &&
			[ "$(dev_count 1 contexts)" = 0 ] && return 0
		sleep 0.1
	done
	echo "contexts left: port0 $(dev_count 0 contexts), port1 $(dev_count 1 contexts)"
	return 1
}
check "the device contexts are gone with their connections" contexts_gone

# capture NS DEV FILE: dumpcap of UDP on DEV in NS into FILE, running as
# $CAP_PID once it captures
capture() {
	ip netns exec "$1" dumpcap -i "$2" -f udp -w "$3" > "$3.log" 2>&1 &
	CAP_PID=$!
	wait_line "$3.log" 'Capturing on' && return 0
	echo "dumpcap did not start: $(tail -2 "$3.log" | tr '\n' ' ')"
	return 1
}

# patterns_in FILE: how many of the data patterns the client's datagrams
# in capture FILE hold
patterns_in() {
	local hex n=0 off
	hex=$(tshark -r "$1" -Y "ip.src == $ADDR1_V4 && udp" -T fields \
		-e udp.payload 2> /dev/null | tr -d ':\n')
	for off in 4096 65536 131072 200000; do
		case $hex in
		*"$("$xfer" --pattern 0:$off:12)"*) n=$((n + 1)) ;;
		esac
	done
	echo $n
}

# wire_ciphertext: the sending port's tap sees the plaintext the stack
# left for it (the patterns are found there); the cable, captured at the
# receiving port with its RX crypto off, carries ciphertext only.
wire_ciphertext() {
	local bad
	echo 0 > "$dbg/port1/rx_offload"
	capture "$NS2" "$dev2" "$work/wire.pcapng" || return 1
	local rx_cap=$CAP_PID
	capture "$NS1" "$dev1" "$work/tx.pcapng" || return 1
	snap > "$work/before"
	transfer wire "$ADDR2_V4" 1 --one-stream 262144 \
		--keylog "$work/keylog"
	cap_stop
	CAP_PID=$rx_cap
	cap_stop
	echo 1 > "$dbg/port1/rx_offload"
	snap > "$work/after"
	counter_expect port0.tx_encrypted -gt 50 || return 1
	counter_expect port1.rx_decrypted -eq 0 || return 1
	[ "$(patterns_in "$work/tx.pcapng")" -gt 0 ] ||
		{ echo "no data pattern in plaintext at the sending port"; return 1; }
	[ "$(patterns_in "$work/wire.pcapng")" = 0 ] ||
		{ echo "data pattern on the cable in clear"; return 1; }
	tshark -r "$work/wire.pcapng" -o "tls.keylog_file:$work/keylog" \
		-T fields -e udp.dstport -e quic.long.packet_type -e quic.frame_type \
		-e quic.decryption_failed -e _ws.malformed \
		> "$work/wire.fields" 2> "$work/wire.tshark" || {
		echo "tshark failed: $(tail -2 "$work/wire.tshark")"
		return 1
	}
	# The client's packets are those to this transfer's server port:
	# a connection of an earlier case, still in its closing period,
	# may send on this cable too, with keys not in this key log.
	bad=$(awk -F'\t' -v p="$port" '
		$1 == p && $2 == "" { n++; if ($3 == "" || $4 != "" || $5 != "") b++ }
		END { if (n < 50) print "only " n + 0 " short header packets"
		      else if (b) print b " of " n " not decrypted" }' \
		"$work/wire.fields")
	[ -z "$bad" ] || { echo "client's short header packets: $bad"; return 1; }
}
run "the cable carries ciphertext tshark decrypts with the key log" \
	wire_ciphertext

offload_off() {
	local ok=0 k
	quicsim_offload "$dev1" "$dev2" off || return 1
	snap > "$work/before"
	transfer off "$ADDR2_V4" 1 --streams 10 --bytes 262144 || ok=1
	snap > "$work/after"
	quicsim_offload "$dev1" "$dev2" on
	for k in port0.tx_encrypted port1.tx_encrypted port0.rx_decrypted \
		 port1.rx_decrypted ns1.QuicOffloadConns ns2.QuicOffloadConns \
		 ns1.QuicOffloadRxPackets ns2.QuicOffloadRxPackets; do
		counter_expect "$k" -eq 0 || ok=1
	done
	return $ok
}
run "offload off: the stack protects every packet itself" offload_off

# reroute: once the client's connection is offloaded, its route to the
# server moves to the veth; the server answers by the quicsim cable. The
# client pauses after 128 KiB for the route to move while it waits (on the
# debug kernel every process this script starts takes seconds: longer).
reroute() {
	local name=reroute rc ok=0 k _
	port=$((port + 1))
	start_server "$name" -a "$ADDR2_V4" -p "$port" || return 1
	snap > "$work/before"
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c \
		-a "$ADDR2_V4" -p "$port" --psk "$psk" --timeout "$T" \
		--one-stream 1048576 --pause-after 131072 \
		--pause "$(scaled 3000)" \
		> "$work/$name.cli" 2>&1 &
	local cli=$! c0 t0=$SECONDS waited='' diag
	c0=$(awk '$1 == "ns1.QuicOffloadConns" { print $2 }' "$work/before")
	for _ in $(seq 200); do
		if [ "$(quic_counter "$NS1" QuicOffloadConns)" -gt "$c0" ]; then
			waited=$((SECONDS - t0))
			break
		fi
		kill -0 "$cli" 2> /dev/null || break
		sleep 0.05
	done
	ip -n "$NS1" route add "$ADDR2_V4/32" via $VETH2_V4 dev veth1 || ok=1
	diag="route to the server: $(ip -n "$NS1" route get "$ADDR2_V4" | head -1); offloaded after ${waited:-(not seen)} s"
	wait "$cli"
	rc=$?
	ip -n "$NS1" route del "$ADDR2_V4/32"
	wait "$SRV_PID" || ok=1
	SRV_PID=
	snap > "$work/after"
	[ "$rc" = 0 ] || { echo "client exit $rc: $(why "$work/$name.cli")"; return 1; }
	[ "$ok" = 0 ] || { echo "server failed or route not added"; return 1; }
	[ -n "$waited" ] ||
		{ echo "the client's connection was not seen offloaded while it ran; $diag"; return 1; }
	counter_expect ns1.QuicOffloadConns -eq 1 || ok=1
	counter_expect ns1.QuicOffloadTxFallback -gt 0 || ok=1
	for k in ns2.QuicInUnauthentic ns1.QuicOffloadDrops; do
		counter_expect "$k" -eq 0 || ok=1
	done
	echo "fallback sealed $(counter_delta ns1.QuicOffloadTxFallback) packets; $diag"
	return $ok
}
run "the route moves to a veth: the fallback seals what was built" reroute

# refused PORT KNOB: the next call that KNOB names (fail_add,
# fail_set_keys) fails on port PORT (0: the client's, 1: the server's);
# that side's connection stays in software, the other's is offloaded.
refused() {
	local mine=ns$(($1 + 1)) other=ns$((2 - $1))
	echo 1 > "$dbg/port$1/$2"
	snap > "$work/before"
	transfer "$2" "$ADDR2_V4" 1 --streams 4 --bytes 262144 || return 1
	snap > "$work/after"
	counter_expect "$mine.QuicOffloadConns" -eq 0 &&
		counter_expect "$other.QuicOffloadConns" -eq 1 &&
		counter_expect "$mine.QuicInUnauthentic" -eq 0
}
run "a device refusing the connection leaves that side in software" \
	refused 0 fail_add
run "a device refusing the keys leaves that side in software" \
	refused 1 fail_set_keys

check "the device contexts are gone at the end" contexts_gone

unload() {
	stop_server
	rmmod quicsim
}
check "rmmod quicsim" unload
tap_done
