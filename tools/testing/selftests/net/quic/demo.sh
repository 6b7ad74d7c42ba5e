#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job, run inside the VM by scripts/demo.sh: two hosts in network
# namespaces, a QUIC server and client over IPPROTO_QUIC sockets, a TLS 1.3
# handshake through libquic, then an echo transfer on 8 streams with every
# stream's SHA-256 compared at both ends.
SUITE=demo
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" certtool

creds=$(mktemp -d)
"$(dirname "$0")/mkcerts.sh" "$creds" > /dev/null || {
	tap_fail "test credentials created"
	tap_done
}
echo "== kernel $(uname -r); module: $(grep '^quic ' /proc/modules)"
topo_two_hosts || { tap_fail "topology"; tap_done; }
echo "== hosts: $NS1 ($ADDR1_V4) <-veth-> $NS2 ($ADDR2_V4)"

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
rm -rf "$creds"
tap_done
