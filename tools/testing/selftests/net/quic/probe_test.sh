#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PTO probes on the wire (RFC 9002 6.2.4, 7.5), seen with dumpcap and
# tshark (the client's TLS key log decrypts them):
#
#   - an ACK blackout in the middle of a bulk upload: the client sends
#     PROBE_BYTES (1 MiB) on one stream through a 4 Mbit/s token bucket,
#     and from about a second in, every packet the server sends is dropped
#     for PROBE_BLACKOUT_MS (1500). The client fills its window and goes
#     quiet; its PTO fires, again and again, each time twice as late.
#     Each time two packets go (RFC 9002 6.2.4 allows two datagrams, so
#     that one loss does not cost a PTO twice as long), and
#     every one must carry stream data sent before (the oldest the peer
#     has not acknowledged), not a lone PING: a full congestion window
#     does not hold a probe back (7.5), and a probe carries data where it
#     can (6.2.4). A PING alone only earns an ACK, after which the
#     retransmission still waits for loss detection. The upload then
#     completes, SHA-256 equal at both ends.
#   - the same with UDP GSO on, where the capture shows skbs: each probe
#     must leave in an skb of its own, one datagram, since a queue that
#     drops an skb (a full qdisc; netem) drops every datagram in it, and
#     a second probe in the first one's skb is lost with it.
#
# The decrypted capture needs one QUIC packet per frame: the module's gso
# parameter is off while it runs.
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=probe
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip tc timeout tshark dumpcap

BYTES=${PROBE_BYTES:-1048576}
BLACKOUT_MS=${PROBE_BLACKOUT_MS:-1500}
T=${PROBE_TIMEOUT:-60}
work=$(mktemp -d /tmp/quic-probe.XXXXXX)
psk=$work/psk.txt
port=4900
gso_param=/sys/module/quic/parameters/gso
gso_was=
# A client packet after at least this long without one, in the blackout,
# starts a probe: the token bucket spaces packets 2.5 ms apart, the PTO
# is tens of milliseconds at least (max_ack_delay alone is 25).
QUIET_S=0.015

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

cleanup() {
	cap_stop
	stop_server
	[ -n "$gso_was" ] && echo "$gso_was" > "$gso_param"
	topo_cleanup
	rm -rf "$work"
}

psk_and_topology "$psk" "$work"
trap cleanup EXIT

# blackout_upload [NAME]: the upload, with the server's packets dropped
# for BLACKOUT_MS from a second in, under a capture on the client's veth
# ($work/NAME.pcapng, default probe); the server must receive all of it
# with the client's SHA-256.
blackout_upload() {
	local cpid rc name=${1:-probe}
	tc -n "$NS1" qdisc replace dev veth1 root tbf rate 4mbit burst 15k \
		latency 50ms || { echo "tc tbf failed"; return 1; }
	port=$((port + 1))
	start_server probe -a "$ADDR2_V4" -p "$port" || return 1
	cap_start "$work/$name.pcapng" || return 1
	ip netns exec "$NS1" timeout -k 5 $((T + 5)) "$xfer" -c \
		-a "$ADDR2_V4" -p "$port" --psk "$psk" --timeout "$T" \
		--uni --streams 1 --bytes "$BYTES" --chunk 65536 \
		--keylog "$work/$name.keys" > "$work/$name.cli" 2>&1 &
	cpid=$!
	sleep 1
	tc -n "$NS2" qdisc replace dev veth2 root netem loss 100% ||
		echo "tc netem failed"
	sleep "$(awk -v m="$BLACKOUT_MS" 'BEGIN { print m / 1000 }')"
	tc -n "$NS2" qdisc del dev veth2 root
	wait "$cpid"
	rc=$?
	cap_stop
	wait "$SRV_PID"
	SRV_PID=
	tc -n "$NS1" qdisc del dev veth1 root
	[ "$rc" = 0 ] || { echo "client exit $rc: $(why "$work/$name.cli")"; return 1; }
	uni_delivered "$work/$name.cli" "$srv_log"
}

# dissect NAME: "TIME|SRCPORT|DSTPORT|HEADER-FORM|FRAME-TYPES|
# STREAM-OFFSETS|LENGTH" of every frame of $work/NAME.pcapng, decrypted
# with the client's key log (a GSO super-packet is not: no frame types).
dissect() {
	tshark_fields "$work/$1.pcapng" "$work/$1.keys" "$work/$1.fields" \
		frame.time_relative udp.srcport udp.dstport quic.header_form \
		quic.frame_type quic.stream.offset frame.len
}

# blackout FIELDS: "START END" of the blackout, the longest time without
# a server packet in FIELDS ("TIME|SRCPORT|..." a frame); or why not.
blackout() {
	awk -F'|' -v port="$port" \
		-v want="$(awk -v m="$BLACKOUT_MS" 'BEGIN { print m / 1000 * 0.8 }')" '
	$2 == port {
		if (seen && $1 - last > gap) {
			gap = $1 - last; g0 = last; g1 = $1
		}
		last = $1; seen = 1
	}
	END {
		if (gap < want) {
			printf "no blackout: the longest silence of the server is %.3f s, want %.3f s\n", gap, want
			exit 1
		}
		print g0, g1
	}' "$1"
}

# probes_ok NAME: the client's probes in the blackout of NAME's capture.
# Until its window is full the client may still send new data there, in
# bursts the pacing spaces out: the probes are the bursts (a 1-RTT frame
# after QUIET_S of silence, and the frames that follow it closer than
# that) after the last frame with new data or none the key log opens (a
# GSO super-packet). Wanted: at least two probes of two frames each,
# every frame one datagram (at most the veth's MTU plus the Ethernet
# header: with GSO on a frame is an skb) holding a STREAM frame at an
# offset below the highest sent before it (data already sent once), and
# no 1-RTT client packet in the blackout a PING without data.
probes_ok() {
	local win fields=$work/$1.fields

	win=$(blackout "$fields") || { echo "$win"; return 1; }
	awk -F'|' -v port="$port" -v quiet="$QUIET_S" -v g0="${win% *}" \
		-v g1="${win#* }" \
		-v max=$(($(ip netns exec "$NS1" cat /sys/class/net/veth1/mtu) + 14)) '
	function has_stream(types,   k, a, i) {
		k = split(types, a, ",")
		for (i = 1; i <= k; i++)
			if (a[i] + 0 >= 8 && a[i] + 0 <= 15)
				return 1
		return 0
	}
	function ping_only(types,   k, a, i, ping) {
		k = split(types, a, ",")
		for (i = 1; i <= k; i++) {
			if (a[i] + 0 == 1)
				ping = 1
			else if (a[i] + 0 > 3)
				return 0
		}
		return ping
	}
	function lowest(offs,   k, a, i, low) {
		k = split(offs, a, ",")
		low = -1
		for (i = 1; i <= k; i++)
			if (low < 0 || a[i] + 0 < low)
				low = a[i] + 0
		return low
	}
	$3 == port {
		n++; t[n] = $1; form[n] = $4; ft[n] = $5; off[n] = $6; len[n] = $7
		# top[n]: the highest stream offset sent before this frame
		top[n] = hi
		k = split($6, o, ",")
		for (j = 1; j <= k; j++)
			if (o[j] + 0 > hi)
				hi = o[j] + 0
	}
	BEGIN { hi = -1 }
	END {
		for (i = 1; i <= n; i++) {
			if (t[i] <= g0 || t[i] >= g1 || form[i] != "0")
				continue
			if (ping_only(ft[i]))
				pings++
			if (ft[i] == "" || (off[i] != "" && lowest(off[i]) >= top[i]))
				newest = i
		}
		for (i = newest + 1; i <= n; i++) {
			if (t[i] <= g0 || t[i] >= g1 || form[i] != "0")
				continue
			first = i > 1 && t[i] - t[i - 1] >= quiet
			if (first) {
				probes++
				desc = desc sprintf(" %.3f:", t[i] - g0)
			}
			if (!probes || !(first || t[i] - t[i - 1] < quiet))
				continue
			burst[probes]++
			low = lowest(off[i])
			if (!has_stream(ft[i]) || low < 0 || low >= top[i] ||
			    len[i] > max)
				bad++
			desc = desc sprintf("%s%s@%s/%s", first ? "" : "+", ft[i], off[i], len[i])
		}
		for (j = 1; j <= probes; j++)
			if (burst[j] != 2)
				odd++
		failed = probes < 2 || bad || pings || odd
		if (failed)
			printf "want >= 2 probes of 2 datagrams each, every one retransmitting stream data, and no PING-only packet: %d probes, %d not of 2 frames, %d frames without old data or larger than %d bytes, %d PING-only\n", probes, odd, bad, max, pings
		printf "blackout %.3f s; %d probes (s into it:frame types@stream offsets/bytes of each frame, + between):%s; %d PING-only packets\n", g1 - g0, probes, desc, pings
		exit failed
	}' "$fields"
}

gso_was=$(cat "$gso_param")
if echo 0 > "$gso_param"; then
	check "ACK blackout of ${BLACKOUT_MS} ms during a $(kib "$BYTES") upload at 4 Mbit/s: completes, SHA-256 equal at both ends" \
		blackout_upload
	grep -E '^upload' "$work/why" | sed 's/^/# /'
	check "tshark decodes the capture with the client's key log" \
		dissect probe
	check "every PTO in the blackout sends two packets, each retransmitting stream data, none a lone PING (RFC 9002 6.2.4, 7.5)" \
		probes_ok probe
	echo 1 > "$gso_param"
	check "GSO on, the same blackout: completes, SHA-256 equal at both ends" \
		blackout_upload gso
	check "GSO on, tshark decodes the capture" dissect gso
	check "GSO on, every probe leaves in an skb of its own, one datagram: a queue that drops an skb loses one probe, not both" \
		probes_ok gso
else
	tap_fail "module parameter gso: cannot turn it off for the capture"
fi
tap_done
