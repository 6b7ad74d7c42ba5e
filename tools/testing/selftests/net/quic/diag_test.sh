#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sock_diag for QUIC sockets (quic_diag.ko, net/quic/diag.c). quicdiag
# asks SOCK_DIAG_BY_FAMILY naming IPPROTO_QUIC in INET_DIAG_REQ_PROTOCOL,
# as ss does for MPTCP:
#   - the module loads after inet_diag;
#   - a namespace without QUIC sockets gives an empty dump;
#   - with a listener and an open connection (IPv4, then IPv6), each
#     side's dump has exactly the sockets /proc/net/quic/sks lists (inode,
#     state, both addresses), and nothing of the other namespace;
#   - a state filter, one socket by its cookie or by its addresses (the
#     same line as in the dump), a cookie no socket has (ENOENT), the
#     memory attributes;
#   - INET_DIAG_INFO (struct quic_diag_info) and INET_DIAG_CONG with
#     every socket: a connection's version and window are those sks
#     shows, its RTT measured, its cipher and datagram size set, its
#     handshake confirmed, its role right; a listener is a server with no
#     keys;
#   - SOCK_DESTROY: EPERM without CAP_NET_ADMIN; a connection closes at
#     once, its peer hearing NO_ERROR; a listener stops listening;
#   - 800 sockets: a dump longer than one netlink message;
#   - quic_diag unloads (no reference kept), and then the protocol has no
#     handler (ENOENT).
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=diag
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
dgram=$SELFTEST_BIN/dgram
diag=$SELFTEST_BIN/quicdiag
ko=$QUIC_REPO/net/quic/quic_diag.ko
require "$dgram" "$diag" "$ko" psktool ip timeout insmod rmmod modprobe \
	python3 setpriv

work=$(mktemp -d /tmp/quic-diag.XXXXXX)
psk=$work/psk.txt
port=5600
psk_and_topology "$psk" "$work"
SRV='' CLIENT=''
cleanup() {
	[ -n "$CLIENT" ] && kill "$CLIENT" 2> /dev/null
	[ -n "$SRV" ] && kill "$SRV" 2> /dev/null
	wait
	module_loaded quic_diag && rmmod quic_diag
	topo_cleanup
	rm -rf "$work"
}
trap cleanup EXIT

load() {
	modprobe inet_diag 2> /dev/null	# built in, or a module
	insmod "$ko"
}
tap_check "insmod quic_diag.ko (after inet_diag)" load

empty() {
	local out
	out=$(in_ns "$NS1" "$diag") || return 1
	[ -z "$out" ] || { echo "sockets: $out"; return 1; }
}
tap_check "no QUIC socket in the namespace: an empty dump, both families" empty

# sks_lines NS: "INODE STATE LOCAL PEER" of each socket sks lists.
sks_lines() {
	in_ns "$1" cat /proc/net/quic/sks |
		awk 'NR > 1 { print $1, $3, $4, $5 }' | sort
}

# diag_lines NS ARGS...: the same four fields of what quicdiag prints.
diag_lines() {
	local ns=$1
	shift
	in_ns "$ns" "$diag" "$@" | awk '{ print $1, $2, $3, $4 }' | sort
}

# same_as_sks NS: the dump of NS lists the sockets sks lists, as sks does
# (an unconnected listener's peer is "*" there, the zero address here).
same_as_sks() {
	local want got
	want=$(sks_lines "$1" | sed -E 's/ \*$/ ANY/')
	got=$(diag_lines "$1" | sed -E 's/ (0\.0\.0\.0:0|\[::\]:0)$/ ANY/')
	[ -n "$want" ] && [ "$want" = "$got" ] || {
		echo "sks and sock_diag differ in $1"
		echo "sks:"
		echo "$want"
		echo "sock_diag:"
		echo "$got"
		return 1
	}
	echo "$got" | sed "s/^/$1: /"
}

# connect_pair FAM ADDR: a dgram echo server in $NS2 (it keeps listening)
# and a dgram client in $NS1 that keeps its connection open until told;
# returns once it is established. The connection stays idle through the
# checks that follow, which take longer than the default 30 s idle
# timeout on the debug kernel: both sides allow 300 s, the programs' life.
connect_pair() {
	local addr=$2 line
	port=$((port + 1))
	ip netns exec "$NS2" timeout 300 "$dgram" -s -a "$addr" -p "$port" \
		--psk "$psk" --idle 300000 > "$work/srv.log" 2>&1 &
	SRV=$!
	for _ in $(seq 100); do
		in_ns "$NS2" cat /proc/net/quic/sks | grep -q " LISTEN " && break
		sleep 0.1
	done
	coproc CLI { ip netns exec "$NS1" timeout 300 "$dgram" -c -a "$addr" \
		-p "$port" --psk "$psk" --idle 300000 -t closing 2>&1; }
	# bash unsets CLI_PID once the coprocess is gone: keep it.
	CLIENT=$CLI_PID
	read -r -t 30 line <&"${CLI[0]}"
	[ "$line" = closing ] || { echo "client: $line"; return 1; }
}

# disconnect: the client closes its connection (and says PASS); the
# server is stopped.
disconnect() {
	local out rc
	echo go >&"${CLI[1]}"
	out=$(cat <&"${CLI[0]}")
	wait "$CLIENT"
	rc=$?
	kill "$SRV"
	wait "$SRV" 2> /dev/null
	SRV='' CLIENT=''
	[ $rc = 0 ] || { echo "client exit $rc: $out"; return 1; }
}

# by_cookie NS: each socket of the dump, asked for by its cookie, is the
# same line.
by_cookie() {
	local fam line c one n=0
	fam=$2
	while read -r line; do
		c=${line##*cookie=}
		c=${c%% *}
		one=$(in_ns "$1" "$diag" "-$fam" -c "$c") || return 1
		[ "$one" = "$line" ] ||
			{ echo "by cookie $c: '$one', in the dump: '$line'"; return 1; }
		n=$((n + 1))
	done < <(in_ns "$1" "$diag" "-$fam")
	[ "$n" -gt 0 ] || { echo "no socket in the IPv$fam dump of $1"; return 1; }
	echo "$n sockets asked for by cookie"
}

# no_cookie: a cookie no socket has is ENOENT.
no_cookie() {
	local err
	err=$(in_ns "$NS1" "$diag" -4 -c 0123456789abcdef 2>&1) &&
		{ echo "found: $err"; return 1; }
	[[ $err == *"No such file or directory"* ]] || { echo "$err"; return 1; }
}

# by_addr FAM: the client's connection asked for by its addresses.
by_addr() {
	local fam=$1 line l r lp rp one
	line=$(in_ns "$NS1" "$diag" "-$fam" -s ESTABLISHED)
	[ "$(echo "$line" | wc -l)" = 1 ] || { echo "dump: $line"; return 1; }
	l=$(echo "$line" | awk '{ print $3 }')
	r=$(echo "$line" | awk '{ print $4 }')
	lp=${l##*:} rp=${r##*:}
	l=${l%:*} r=${r%:*}
	l=${l#[} l=${l%]} r=${r#[} r=${r%]}
	one=$(in_ns "$NS1" "$diag" "-$fam" -l "$l" -p "$lp" -r "$r" -P "$rp") ||
		return 1
	[ "$one" = "$line" ] || { echo "by address: '$one', dumped: '$line'"; return 1; }
	echo "$one"
}

# states_listen: a LISTEN filter gives the listener only.
states_listen() {
	local out
	out=$(in_ns "$NS2" "$diag" -s LISTEN)
	[ "$(echo "$out" | wc -l)" = 1 ] && [[ $out == *" LISTEN "* ]] ||
		{ echo "LISTEN filter: $out"; return 1; }
	out=$(in_ns "$NS2" "$diag" -s ESTABLISHED)
	[[ $out != *" LISTEN "* ]] && [[ $out == *" ESTABLISHED "* ]] ||
		{ echo "ESTABLISHED filter: $out"; return 1; }
}

# meminfo: -m adds the memory attributes to every socket.
meminfo() {
	local out
	out=$(in_ns "$NS1" "$diag" -m)
	[ -n "$out" ] && ! echo "$out" | grep -q 'rmem=-1' ||
		{ echo "with -m: $out"; return 1; }
}

# info NS: with -i, QUIC's own figures come with every socket (see the
# top); checked against the socket's line in sks (inode role state local
# peer version srtt_us cwnd inflight wmem rmem), read while it is idle.
info() {
	local out conn listener ino role ver cwnd
	out=$(in_ns "$1" "$diag" -i) || return 1
	echo "$out" | sed "s/^/$1: /"
	! echo "$out" | grep -q 'version=-\|cong=-' ||
		{ echo "an attribute is missing"; return 1; }
	conn=$(echo "$out" | grep ' ESTABLISHED ')
	[ "$(echo "$conn" | wc -l)" = 1 ] || { echo "not one connection"; return 1; }
	ino=${conn%% *}
	read -r _ role _ _ _ ver _ cwnd _ < <(in_ns "$1" cat /proc/net/quic/sks |
		awk -v i="$ino" '$1 == i')
	[[ $conn == *" version=$ver "* ]] && [[ $conn == *" cwnd=$cwnd "* ]] ||
		{ echo "sks: version $ver, cwnd $cwnd"; return 1; }
	[[ $conn =~ srtt=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] &&
		[[ $conn =~ mss=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 1200 ] &&
		[[ $conn =~ cipher=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 51 ] &&
		[[ $conn =~ cong=(reno|cubic)$ ]] && [[ $conn == *confirmed,* ]] ||
		return 1
	if [ "$role" = server ]; then
		[[ $conn == *flags=server,* ]] || return 1
		listener=$(echo "$out" | grep ' LISTEN ')
		[[ $listener == *flags=server,* ]] &&
			[[ $listener == *" cipher=0 "* ]] || return 1
	else
		[[ $conn != *server,* ]] || return 1
	fi
}

# cookie_of NS ARGS...: the cookie of the one socket quicdiag ARGS lists.
cookie_of() {
	local ns=$1 out
	shift
	out=$(in_ns "$ns" "$diag" "$@")
	[ -n "$out" ] && [ "$(echo "$out" | wc -l)" = 1 ] || return 1
	out=${out##*cookie=}
	echo "${out%% *}"
}

# destroy_eperm FAM: without CAP_NET_ADMIN (user nobody) SOCK_DESTROY is
# refused with EPERM, and the connection stays.
destroy_eperm() {
	local c err
	c=$(cookie_of "$NS1" "-$1" -s ESTABLISHED) ||
		{ echo "no connection in the client's dump"; return 1; }
	err=$(in_ns "$NS1" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$diag" "-$1" -K -c "$c" 2>&1) && { echo "destroyed: $err"; return 1; }
	[[ $err == *"Operation not permitted"* ]] || { echo "$err"; return 1; }
	cookie_of "$NS1" "-$1" -s ESTABLISHED > /dev/null ||
		{ echo "the connection is gone"; return 1; }
}

# destroy_conn FAM: SOCK_DESTROY of the client's connection ends it at
# once, and a second destroy finds nothing. The server hears the close
# (QuicPeerCloses) as a clean one, NO_ERROR: dgram reports a close with an
# error code as "ended: peer close errcode N", a clean one as the end of
# its connection (its echo then fails with EPIPE).
destroy_conn() {
	local c err closes _
	closes=$(quic_counter "$NS2" QuicPeerCloses)
	c=$(cookie_of "$NS1" "-$1" -s ESTABLISHED) ||
		{ echo "no connection in the client's dump"; return 1; }
	in_ns "$NS1" "$diag" "-$1" -K -c "$c" || return 1
	[ -z "$(in_ns "$NS1" "$diag" "-$1" -s ESTABLISHED -s ESTABLISHING)" ] ||
		{ echo "still open: $(in_ns "$NS1" "$diag" "-$1")"; return 1; }
	err=$(in_ns "$NS1" "$diag" "-$1" -K -c "$c" 2>&1) &&
		{ echo "destroyed twice"; return 1; }
	[[ $err == *"No such file or directory"* ]] ||
		{ echo "second destroy: $err"; return 1; }
	for _ in $(seq 100); do
		[ "$(quic_counter "$NS2" QuicPeerCloses)" -gt "$closes" ] &&
			grep -q '^ended: ' "$work/srv.log" &&
			[ -z "$(in_ns "$NS2" "$diag" "-$1" -s ESTABLISHED)" ] &&
			break
		sleep 0.1
	done
	[ "$(quic_counter "$NS2" QuicPeerCloses)" -gt "$closes" ] ||
		{ echo "the server counted no close of its peer"; return 1; }
	! grep -q '^ended: peer close errcode' "$work/srv.log" ||
		{ echo "the server heard an error: $(grep '^ended' "$work/srv.log")"; return 1; }
	[ -z "$(in_ns "$NS2" "$diag" "-$1" -s ESTABLISHED)" ] ||
		{ echo "the server's side is still established"; return 1; }
	grep '^ended: ' "$work/srv.log"
}

# destroy_listener FAM: SOCK_DESTROY of the server's listener: it is no
# longer listed LISTEN, and the server's accept() fails.
destroy_listener() {
	local c _
	c=$(cookie_of "$NS2" "-$1" -s LISTEN) ||
		{ echo "no listener in the server's dump"; return 1; }
	in_ns "$NS2" "$diag" "-$1" -K -c "$c" || return 1
	[ -z "$(in_ns "$NS2" "$diag" "-$1" -s LISTEN)" ] ||
		{ echo "still listening"; return 1; }
	for _ in $(seq 100); do
		grep -q 'accept' "$work/srv.log" && return 0
		sleep 0.1
	done
	echo "the server's accept() did not fail: $(tail -2 "$work/srv.log" | tr '\n' ' ')"
	return 1
}

# after_destroy: the programs whose sockets were destroyed are let go.
after_destroy() {
	echo go >&"${CLI[1]}"
	cat <&"${CLI[0]}" > /dev/null
	wait "$CLIENT"
	wait "$SRV" 2> /dev/null
	SRV='' CLIENT=''
}

# A kernel without CONFIG_INET_DIAG_DESTROY (the debug kernel's config)
# answers every SOCK_DESTROY with EOPNOTSUPP; with it, a cookie no socket
# has is ENOENT.
no_destroy=
case $(in_ns "$NS1" "$diag" -4 -K -c 0123456789abcdef 2>&1) in
*"Operation not supported"*) no_destroy="kernel without CONFIG_INET_DIAG_DESTROY" ;;
esac

for fam in 4 6; do
	addr=$ADDR2_V4
	[ $fam = 6 ] && addr=$ADDR2_V6
	if ! connect_pair $fam "$addr" > "$work/why" 2>&1; then
		tap_fail "IPv$fam: a listener and a connection" "$(head -1 "$work/why")"
		tap_done
	fi
	tap_check "IPv$fam: the server's dump lists the listener and the connection as sks does" \
		same_as_sks "$NS2"
	tap_check "IPv$fam: the client's dump lists its connection as sks does, nothing of the server's" \
		same_as_sks "$NS1"
	tap_check "IPv$fam: a state filter gives the listener, or the connection" \
		states_listen
	tap_check "IPv$fam: each socket asked for by its cookie is its line of the dump" \
		by_cookie "$NS2" $fam
	tap_check "IPv$fam: the client's connection asked for by its addresses" \
		by_addr $fam
	tap_check "IPv$fam: -i: the client's connection comes with INET_DIAG_INFO and INET_DIAG_CONG, as sks has it" \
		info "$NS1"
	tap_check "IPv$fam: -i: the server's connection and listener too" \
		info "$NS2"
	if [ $fam = 6 ] && [ -z "$no_destroy" ]; then
		tap_check "SOCK_DESTROY without CAP_NET_ADMIN: EPERM, the connection stays" \
			destroy_eperm $fam
		tap_check "SOCK_DESTROY of a connection: closed at once, the peer hears a clean close (NO_ERROR)" \
			destroy_conn $fam
		tap_check "SOCK_DESTROY of a listener: not listening any more, accept() fails" \
			destroy_listener $fam
		after_destroy
		continue
	elif [ $fam = 6 ]; then
		for what in "without CAP_NET_ADMIN" "of a connection" "of a listener"; do
			tap_skip "SOCK_DESTROY $what" "$no_destroy"
		done
	fi
	tap_check "IPv$fam: with -m, the memory attributes come with every socket" meminfo
	# Not in tap_check's subshell: wait needs the parent of the programs.
	if disconnect > "$work/why" 2>&1; then
		tap_ok "IPv$fam: the client closes its connection"
	else
		tap_fail "IPv$fam: the client closes its connection" "$(head -1 "$work/why")"
	fi
done
# many N: N unconnected sockets of each family (python3 holds them open):
# the dump needs several netlink messages, each going on where the last
# one ended, and lists every socket once.
many() {
	local n=$1 got uniq want
	coproc HOLD { in_ns "$NS1" python3 -c '
import socket, sys
n = int(sys.argv[1])
s = [socket.socket(f, socket.SOCK_STREAM, 261)
     for f in (socket.AF_INET, socket.AF_INET6) for _ in range(n)]
print("ready", flush=True)
sys.stdin.readline()' "$n" 2>&1; }
	local holder=$HOLD_PID line
	read -r -t 30 line <&"${HOLD[0]}"
	[ "$line" = ready ] || { echo "python3: $line"; return 1; }
	got=$(in_ns "$NS1" "$diag" | wc -l)
	uniq=$(in_ns "$NS1" "$diag" | awk '{ print $1 }' | sort -u | wc -l)
	want=$(in_ns "$NS1" cat /proc/net/quic/sks | tail -n +2 | wc -l)
	echo go >&"${HOLD[1]}"
	wait "$holder"
	[ "$got" = $((2 * n)) ] && [ "$uniq" = "$got" ] && [ "$want" = "$got" ] ||
		{ echo "dumped $got ($uniq inodes), sks lists $want, opened $((2 * n))"; return 1; }
	echo "$got sockets dumped, each once"
}
if many 400 > "$work/why" 2>&1; then
	tap_ok "800 sockets: a dump over several messages lists each once, as sks does"
else
	tap_fail "800 sockets: a dump over several messages lists each once, as sks does" "$(head -1 "$work/why")"
fi
tap_check "a cookie no socket has: ENOENT" no_cookie
tap_check "rmmod quic_diag: no reference left behind" rmmod quic_diag
gone() {
	local err
	err=$(in_ns "$NS1" "$diag" 2>&1) && { echo "dump worked: $err"; return 1; }
	echo "$err"
}
tap_check "without quic_diag the dump fails (no handler for IPPROTO_QUIC)" gone
tap_done
