#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Session resumption and 0-RTT (RFC 9000 7.4.1, RFC 9001 4.6), through the
# socket API draft's calls (its appendix D): a first connection gives the
# client a session ticket, the server's transport parameters and a token;
# a second one sets them, writes before its handshake, and resumes.
#   - accepted: quic_server_handshake() takes the early data (anti-replay
#     on): the client's 0-RTT packets are sent (QuicOut0RttPackets) and
#     opened by the server (QuicIn0RttPackets), GnuTLS on the client says
#     accepted, and the server read exactly the bytes written (SHA-256):
#     4 KiB (in the first flight) and 100 KiB (more than the first flight
#     can carry: the rest goes after the handshake). IPv4 and IPv6. The
#     client's kernel read the acceptance in the server's
#     EncryptedExtensions (Quic0RttAccepted).
#   - late accept: the server calls accept() 600 ms after the resumed
#     connection's datagrams came: the listener held its 0-RTT datagrams
#     (QuicIn0RttHeld) and gave them to the connection, which opened
#     them; IPv4 and IPv6.
#   - refused: a server session without anti-replay (the draft's appendix
#     C) makes GnuTLS refuse early data: the server opens no 0-RTT packet,
#     the client's kernel reads the refusal (Quic0RttRefused) and queues
#     the 0-RTT packets' data again at once, none of it counted lost
#     (Quic0RttLost), and it arrives whole in 1-RTT packets.
#   - lost: the 100 KiB case with every datagram that starts with a 0-RTT
#     packet dropped: the client declares those packets lost
#     (Quic0RttLost), sends their data again in 1-RTT, and it arrives
#     whole. Skipped on a kernel without iptables' u32 match.
#   - lowered: a server that accepts 0-RTT but halves initial_max_data
#     makes the client close with PROTOCOL_VIOLATION (RFC 9000 7.4.1).
#   - a server's NewSessionTicket whose early_data extension says
#     anything but 0xffffffff makes the client close with
#     PROTOCOL_VIOLATION (RFC 9001 4.6.1), a malformed one with TLS's
#     decode_error (CRYPTO_ERROR 0x132); neither is kept.
#   - without the server's transport parameters a write before the
#     handshake fails with ENOTCONN (there is nothing to keep within).
#   - interop: ngtcp2's gtlsclient resumes with a ticket of our h3server
#     (--early-data) and sends its request in 0-RTT: the server opens
#     0-RTT packets and says the early data was accepted, the download
#     is intact. And our h3client (--session-file) does the same against
#     ngtcp2's gtlsserver: 0-RTT packets sent, early data accepted (read
#     by our kernel in ngtcp2's EncryptedExtensions too), download intact.
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=zerortt
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
zr=$SELFTEST_BIN/zerortt
h3server=$QUIC_BUILD/h3/h3server
h3client=$QUIC_BUILD/h3/h3client
mkcerts=$(dirname "$0")/mkcerts.sh
require "$zr" "$h3server" "$h3client" "$mkcerts" gtlsclient gtlsserver \
	certtool sha256sum ip ss timeout iptables

server_pair_setup zerortt
"$mkcerts" "$work/creds" > "$work/mkcerts.log" 2>&1 ||
	{ tap_fail "mkcerts.sh: $(tail -2 "$work/mkcerts.log")"; tap_done; }
creds=$work/creds

# run NAME ADDR PORT SERVER-ARGS -- CLIENT-ARGS: one server for two
# connections and the client that makes them; counters around them.
run() {
	local name=$1 addr=$2 port=$3 sargs=() rc
	shift 3
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	quic_counters_snap '0Rtt|LostPackets' > "$work/before"
	ip netns exec "$NS2" timeout 60 "$zr" -s -a "$addr" -p "$port" \
		--cert "$creds/server-cert.pem" --key "$creds/server-key.pem" \
		"${sargs[@]}" > "$work/$name.srv" 2>&1 &
	SRV=$!
	wait_line "$work/$name.srv" '^listening' ||
		{ echo "server: $(cat "$work/$name.srv")"; return 1; }
	ip netns exec "$NS1" timeout 60 "$zr" -c -a "$addr" -p "$port" \
		--ca "$creds/ca-cert.pem" --host quic.test "$@" \
		> "$work/$name.cli" 2>&1
	rc=$?
	wait "$SRV"
	SRV=
	quic_counters_snap '0Rtt|LostPackets' > "$work/after"
	cat "$work/$name.cli" "$work/$name.srv"
	echo "0-RTT packets: client sent $(counter_delta ns1.QuicOut0RttPackets), server opened $(counter_delta ns2.QuicIn0RttPackets), held by its listener $(counter_delta ns2.QuicIn0RttHeld)"
	echo "client: 0-RTT accepted $(counter_delta ns1.Quic0RttAccepted), refused $(counter_delta ns1.Quic0RttRefused) times; lost packets $(counter_delta ns1.QuicLostPackets), 0-RTT ones $(counter_delta ns1.Quic0RttLost)"
	return "$rc"
}

# accepted NAME ADDR PORT BYTES
accepted() {
	run "$1" "$2" "$3" -- -n "$4" || return 1
	grep -q 'resumed connection: .*: match$' "$work/$1.cli" &&
		grep -q '^client: resumed yes, early data accepted' "$work/$1.cli" &&
		grep -q '^client: write before the handshake: queued' "$work/$1.cli" &&
		counter_expect ns1.QuicOut0RttPackets -gt 0 &&
		counter_expect ns2.QuicIn0RttPackets -gt 0 &&
		counter_expect ns1.Quic0RttAccepted -eq 1 &&
		counter_expect ns1.Quic0RttRefused -eq 0
}
tap_check "IPv4: 4 KiB written before the handshake travel as 0-RTT and arrive whole" \
	accepted v4 "$ADDR2_V4" 4970 4096
tap_check "IPv6: the same" accepted v6 "$ADDR2_V6" 4971 4096
tap_check "IPv4: 100 KiB written before the handshake: 0-RTT, then the rest, all whole" \
	accepted big "$ADDR2_V4" 4972 102400

# late NAME ADDR PORT: the server accepts the resumed connection 600 ms
# after it came (less than the client's first PTO), so its 0-RTT
# datagrams reach the listener first. Each held one is opened.
late() {
	run "$1" "$2" "$3" --late-accept 600 -- -n 16384 || return 1
	grep -q 'resumed connection: .*: match$' "$work/$1.cli" &&
		grep -q '^client: resumed yes, early data accepted' "$work/$1.cli" &&
		counter_expect ns2.QuicIn0RttHeld -gt 0 &&
		counter_expect ns2.QuicIn0RttPackets -ge "$(counter_delta ns2.QuicIn0RttHeld)"
}
tap_check "IPv4: 0-RTT datagrams that come before accept() are held for the connection it makes, opened, all whole" \
	late late4 "$ADDR2_V4" 4975
tap_check "IPv6: the same" late late6 "$ADDR2_V6" 4976

# bad_ticket KIND CODE PORT: the server sends a NewSessionTicket of its own
# making after the first handshake; the client closes with CODE.
bad_ticket() {
	run "bad-$1" "$ADDR2_V4" "$3" --bad-ticket "$1" -- -n 4096
	grep -q "^server: sent a $1 NewSessionTicket" "$work/bad-$1.srv" &&
		grep -q "^server: peer closed: errcode $2\$" "$work/bad-$1.srv" &&
		! grep -q 'client: saved ticket' "$work/bad-$1.cli"
}
tap_check "a ticket whose early_data is not 0xffffffff: the client closes with PROTOCOL_VIOLATION (RFC 9001 4.6.1)" \
	bad_ticket early-size 10 4977
tap_check "a ticket that is not one (empty): the client closes with decode_error, CRYPTO_ERROR 0x132" \
	bad_ticket malformed 306 4978

refused() {
	run refused "$ADDR2_V4" 4973 --refuse -- -n 8192 || return 1
	grep -q 'resumed connection: .*: match$' "$work/refused.cli" &&
		grep -q '^client: resumed yes, early data refused' "$work/refused.cli" &&
		grep -q '^server: early data refused by GnuTLS' "$work/refused.srv" &&
		counter_expect ns1.QuicOut0RttPackets -gt 0 &&
		counter_expect ns2.QuicIn0RttPackets -eq 0 &&
		counter_expect ns1.Quic0RttRefused -eq 1 &&
		counter_expect ns1.Quic0RttAccepted -eq 0 &&
		counter_expect ns1.Quic0RttLost -eq 0
}
tap_check "refused early data (no anti-replay): the client reads the refusal in EncryptedExtensions, no 0-RTT packet opened or counted lost, the data comes again in 1-RTT, whole" \
	refused

# lost: 100 KiB written before the handshake, every datagram that starts
# with a 0-RTT packet dropped on the client's way out (u32: the first
# byte of the UDP payload under mask 0xb0 is 0x90, a v1 0-RTT long
# header with or without the fixed bit; header protection leaves those
# bits). The first flight's 0-RTT packet, after the Initial in its
# datagram, passes; the ones alone in theirs do not.
lost() {
	local rc dropped
	ip netns exec "$NS1" iptables -A OUTPUT -p udp --dport 4980 \
		-m u32 --u32 '0>>22&0x3C@8>>24&0xB0=0x90' -j DROP ||
		{ echo "iptables: no u32 match"; return 1; }
	run lost "$ADDR2_V4" 4980 -- -n 102400
	rc=$?
	dropped=$(iptables_drops "$NS1" OUTPUT)
	ip netns exec "$NS1" iptables -F OUTPUT
	echo "the rule dropped $dropped datagrams"
	[ "$rc" = 0 ] && [ "$dropped" -gt 0 ] &&
		grep -q 'resumed connection: .*: match$' "$work/lost.cli" &&
		grep -q '^client: resumed yes, early data accepted' "$work/lost.cli" &&
		counter_expect ns1.QuicOut0RttPackets -ge "$dropped" &&
		counter_expect ns1.Quic0RttLost -gt 0
}
if iptables_matches; then
	tap_check "0-RTT datagrams dropped: the client counts their packets lost (Quic0RttLost) and sends the data again in 1-RTT, whole" \
		lost
else
	tap_skip "0-RTT datagrams dropped" "this kernel has no iptables u32 or statistic match"
fi

lowered() {
	run lowered "$ADDR2_V4" 4979 --lower-tp -- -n 4096
	grep -q '^server: initial_max_data lowered to' "$work/lowered.srv" &&
		grep -q '^server: peer closed: errcode 10$' "$work/lowered.srv" &&
		counter_expect ns1.Quic0RttAccepted -eq 1 &&
		! grep -q 'resumed connection: ' "$work/lowered.cli"
}
tap_check "a server that accepts 0-RTT but lowers initial_max_data: the client closes with PROTOCOL_VIOLATION (RFC 9000 7.4.1)" \
	lowered

no_tp() {
	run notp "$ADDR2_V4" 4974 -- -n 4096 --no-tp || return 1
	grep -q '^client: write before the handshake: Transport endpoint is not connected' "$work/notp.cli" &&
		grep -q 'resumed connection: .*: match$' "$work/notp.cli" &&
		counter_expect ns1.QuicOut0RttPackets -eq 0
}
tap_check "without the server's transport parameters a write before the handshake is ENOTCONN" \
	no_tp

# gtlsclient N: a download of www/file.bin from h3server, resuming with
# (and then keeping) the session and transport parameters files
gtlsclient_get() {
	mkdir -p "$work/dl$1"
	ip netns exec "$NS1" timeout -k 5 60 gtlsclient -q \
		--exit-on-all-streams-close --session-file "$work/gtls.sess" \
		--tp-file "$work/gtls.tp" --download "$work/dl$1" \
		"$ADDR2_V4" 4975 "https://$ADDR2_V4:4975/file.bin" \
		> "$work/gtls$1.log" 2>&1
}

# www/file.bin, what the HTTP/3 servers serve
make_www() {
	[ -f "$work/www/file.bin" ] && return
	mkdir -p "$work/www"
	head -c 300000 /dev/urandom > "$work/www/file.bin"
}

interop() {
	local want i ok=0
	make_www
	want=$(sha256sum < "$work/www/file.bin")
	quic_counters_snap 0Rtt > "$work/before"
	ip netns exec "$NS2" timeout 90 "$h3server" -a "$ADDR2_V4" -p 4975 \
		--cert "$creds/server-cert.pem" --key "$creds/server-key.pem" \
		--root "$work/www" --conns 2 --early-data --timeout 80 \
		> "$work/h3.srv" 2>&1 &
	SRV=$!
	wait_line "$work/h3.srv" '^listening' ||
		{ echo "h3server: $(cat "$work/h3.srv")"; return 1; }
	for i in 1 2; do
		gtlsclient_get "$i" || { echo "gtlsclient $i: exit $?"; ok=1; }
		[ "$(sha256sum < "$work/dl$i/file.bin")" = "$want" ] ||
			{ echo "download $i differs"; ok=1; }
		[ -s "$work/gtls.sess" ] || { echo "no session after $i"; ok=1; }
	done
	wait "$SRV" || { echo "h3server: exit $?"; ok=1; }
	SRV=
	quic_counters_snap 0Rtt > "$work/after"
	grep 'handshake ok' "$work/h3.srv"
	echo "server opened $(counter_delta ns2.QuicIn0RttPackets) 0-RTT packets"
	[ "$ok" = 0 ] &&
		grep -q 'handshake ok: .*, resumed, 0-RTT accepted' "$work/h3.srv" &&
		counter_expect ns2.QuicIn0RttPackets -gt 0
}
tap_check "interop: ngtcp2's gtlsclient resumes with our h3server's ticket and asks in 0-RTT: accepted, download intact" \
	interop

# h3client_get N: our h3client downloads file.bin from gtlsserver,
# resuming with (and then keeping) its session file
h3client_get() {
	ip netns exec "$NS1" timeout -k 5 60 "$h3client" --timeout 50 \
		--ca "$creds/ca-cert.pem" --session-file "$work/h3.sess" \
		-o "$work/h3get$1" "$ADDR2_V4" 4976 /file.bin \
		> "$work/h3get$1.log" 2>&1
}

interop_client() {
	local want i ok=0 _
	make_www
	want=$(sha256sum < "$work/www/file.bin")
	ip netns exec "$NS2" timeout -k 5 90 gtlsserver -q -d "$work/www" \
		"$ADDR2_V4" 4976 "$creds/server-key.pem" \
		"$creds/server-cert.pem" > "$work/gtls.srv" 2>&1 &
	SRV=$!
	for _ in $(seq 100); do
		ip netns exec "$NS2" ss -Hunl "sport = :4976" | grep -q . && break
		sleep 0.1
	done
	quic_counters_snap 0Rtt > "$work/before"
	for i in 1 2; do
		h3client_get "$i" ||
			{ echo "h3client $i: exit $?: $(tail -5 "$work/h3get$i.log")"; ok=1; }
		[ "$(sha256sum < "$work/h3get$i" 2>&1)" = "$want" ] ||
			{ echo "download $i differs"; ok=1; }
		grep 'handshake' "$work/h3get$i.log"
	done
	kill "$SRV"
	wait "$SRV"
	SRV=
	quic_counters_snap 0Rtt > "$work/after"
	echo "h3client sent $(counter_delta ns1.QuicOut0RttPackets) 0-RTT packets; the kernel read $(counter_delta ns1.Quic0RttAccepted) acceptance(s) in gtlsserver's EncryptedExtensions"
	[ "$ok" = 0 ] &&
		grep -q 'handshake ok: .*, resumed, 0-RTT accepted' "$work/h3get2.log" &&
		counter_expect ns1.QuicOut0RttPackets -gt 0 &&
		counter_expect ns1.Quic0RttAccepted -eq 1
}
tap_check "interop: our h3client resumes with gtlsserver's ticket and asks in 0-RTT: accepted, download intact" \
	interop_client
tap_done
