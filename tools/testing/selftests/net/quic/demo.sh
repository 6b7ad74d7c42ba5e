#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job, run inside the VM by scripts/demo.sh: two hosts in network
# namespaces joined by the simulated offload NIC (quicsim.ko, one port in
# each), a QUIC server and client over IPPROTO_QUIC sockets, a TLS 1.3
# handshake through libquic, then an echo transfer on 8 streams with every
# stream's SHA-256 compared at both ends, its 1-RTT packets sealed and
# opened by the NIC's "hardware" (crypto offload), as its counters show.
SUITE=demo
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" "$quicsim_ko" certtool

creds=$(mktemp -d)
"$(dirname "$0")/mkcerts.sh" "$creds" > /dev/null || {
	tap_fail "test credentials created"
	tap_done
}
echo "== kernel $(uname -r); module: $(grep '^quic ' /proc/modules)"
quicsim_load
trap 'topo_cleanup; rmmod quicsim' EXIT
quicsim_topology "$dev1" "$dev2" || { tap_fail "topology"; tap_done; }
echo "== hosts: $NS1 ($ADDR1_V4) <-quicsim $dev1:$dev2-> $NS2 ($ADDR2_V4), quic-offload on"

in_ns "$NS2" timeout 120 "$xfer" -s -a $ADDR2_V4 -p 4433 --alpn h3 \
	--cert "$creds/server-cert.pem" --key "$creds/server-key.pem" \
	> /tmp/demo-server.log 2>&1 &
srv=$!
for _ in $(seq 50); do
	grep -q '^listening on' /tmp/demo-server.log && break
	sleep 0.1
done
echo "== client: 8 streams x 1 MiB echoed, certificate checked against quic.test"
in_ns "$NS1" timeout 120 "$xfer" -c -a $ADDR2_V4 -p 4433 --alpn h3 \
	--ca "$creds/ca-cert.pem" --host quic.test --streams 8 \
	--bytes 1048576 --close-code 0 > /tmp/demo-client.log 2>&1
rc=$?
wait $srv
srv_rc=$?
grep -v sha256 /tmp/demo-client.log | sed 's/^/   client: /'
grep -v sha256 /tmp/demo-server.log | sed 's/^/   server: /'
tx=$(grep -E '^stream [0-9]+ tx ' /tmp/demo-client.log | awk '{print $2, $4, $6}' | sort -n)
rx=$(grep -E '^stream [0-9]+ rx ' /tmp/demo-server.log | awk '{print $2, $4, $6}' | sort -n)
echo "== per-stream SHA-256, client sent vs server received:"
paste <(echo "$tx") <(echo "$rx") | awk '{ printf "   stream %-3s %s bytes  %s\n   %10s %s bytes  %s %s\n", $1, $2, $3, "", $5, $6, ($3 == $6 ? "(equal)" : "(DIFFERENT)") }'
[ "$rc" = 0 ] && [ "$srv_rc" = 0 ] && [ -n "$tx" ] && [ "$tx" = "$rx" ] &&
	tap_ok "QUIC transfer: 8 MiB echoed, SHA-256 equal at both ends" ||
	tap_fail "QUIC transfer: 8 MiB echoed, SHA-256 equal at both ends"
echo "== the NIC's crypto (debugfs), per port:"
sealed=0
opened=0
for p in 0 1; do
	t=$(cat $dbg/port$p/tx_encrypted)
	r=$(cat $dbg/port$p/rx_decrypted)
	printf "   port%d: sealed %s packets, opened %s, failed to open %s\n" \
		"$p" "$t" "$r" "$(cat $dbg/port$p/rx_auth_fail)"
	sealed=$((sealed + t))
	opened=$((opened + r))
done
for ns in "$NS1" "$NS2"; do
	echo "   $ns: $(ip netns exec "$ns" cat /proc/net/quic/snmp |
		awk '/^QuicOffload/ { printf "%s %s  ", $1, $2 }')"
done
[ "$sealed" -gt 0 ] && [ "$opened" -gt 0 ] &&
	tap_ok "crypto offload: the NIC sealed $sealed and opened $opened packets" ||
	tap_fail "crypto offload: the NIC sealed $sealed and opened $opened packets"
rm -rf "$creds"
tap_done
