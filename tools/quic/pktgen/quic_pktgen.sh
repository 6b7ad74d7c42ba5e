#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# quic_pktgen.sh: flood a QUIC port with the kernel's packet generator
# (pktgen, Documentation/networking/pktgen.rst), to see what a QUIC
# listener or connection does with datagrams it cannot use, and how fast
# it throws them away.
#
#   quic_pktgen.sh -i DEV -d DST_IP -p PORT [-s SRC_IP] [-P SRC_PORT]
#                  [-m DST_MAC] [-l PAYLOAD] [-n COUNT] [-x MODE] [-r PPS]
#                  [-c CPU]
#
#   -i DEV      device pktgen sends on (in this network namespace)
#   -d DST_IP   destination address, IPv4 or IPv6
#   -p PORT     destination UDP port (the QUIC socket's)
#   -s SRC_IP   source address (default: DST_IP's family's documentation
#               address 192.0.2.1 or 2001:db8::1)
#   -P SRC_PORT source UDP port (default: 1024-65535 at random, one per
#               datagram); with SRC_IP and SRC_PORT a live
#               connection's peer's, they pass for that peer's
#   -m DST_MAC  destination MAC (default: DEV's own with -x netif_receive,
#               else the neighbour entry of DST_IP on DEV, else broadcast)
#   -l PAYLOAD  UDP payload bytes (default 1200, at least 16)
#   -n COUNT    datagrams (default 100000)
#   -x MODE     queue_xmit (default: through DEV's queue, as a peer's
#               packets would leave it), netif_receive (injected into
#               DEV's receive path, as if DEV had received them: for a
#               QUIC socket of this namespace) or start_xmit
#   -r PPS      at most PPS datagrams per second (default: as fast as
#               possible)
#   -c CPU      pktgen thread to use (default 0)
#
# What the datagrams hold is pktgen's own header (magic 0xbe9be955, sequence
# number, time stamp) and zeros: to QUIC, the first byte 0xbe is a long
# header without the fixed bit, the next four a version no one speaks,
# the sequence number's bytes connection ID lengths. A listener answers
# some with Version Negotiation (rate-limited); everything else is
# dropped, and counted in /proc/net/quic/snmp's QuicInDiscards.
#
# Prints the pktgen result line and one summary line:
#   quic_pktgen: sent N datagrams (P bytes of payload) to ADDR port PORT
#   in T us: R pps, E errors
# Exit status: 0 when all COUNT were sent, 1 otherwise, 2 for bad usage.
set -u

usage() {
	sed -n '/^#   quic_pktgen.sh -i/,/^#   -c CPU/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

dev='' dst='' port='' src='' sport='' mac='' rate=''
payload=1200 count=100000 mode=queue_xmit cpu=0
while getopts "i:d:p:s:P:m:l:n:x:r:c:h" o; do
	case $o in
	i) dev=$OPTARG ;;
	d) dst=$OPTARG ;;
	p) port=$OPTARG ;;
	s) src=$OPTARG ;;
	P) sport=$OPTARG ;;
	m) mac=$OPTARG ;;
	l) payload=$OPTARG ;;
	n) count=$OPTARG ;;
	x) mode=$OPTARG ;;
	r) rate=$OPTARG ;;
	c) cpu=$OPTARG ;;
	*) usage ;;
	esac
done
[ -n "$dev" ] && [ -n "$dst" ] && [ -n "$port" ] || usage
is_num() { [[ $1 =~ ^[0-9]+$ ]]; }
for v in "$port" "$payload" "$count" "$cpu" ${rate:+"$rate"} \
	${sport:+"$sport"}; do
	is_num "$v" || { echo "quic_pktgen: $v: not a number" >&2; usage; }
done
# pktgen's own header fills the first 16 bytes of every payload.
[ "$payload" -ge 16 ] && [ "$port" -le 65535 ] &&
	[ "${sport:-0}" -le 65535 ] || usage
case $mode in queue_xmit | netif_receive | start_xmit) ;; *) usage ;; esac

fail() {
	echo "quic_pktgen: $*" >&2
	exit 1
}

case $dst in
*:*) v6=1 hdr=62 src=${src:-2001:db8::1} ;;	# Ethernet + IPv6 + UDP
*) v6=0 hdr=42 src=${src:-192.0.2.1} ;;		# Ethernet + IPv4 + UDP
esac
[ -d "/sys/class/net/$dev" ] || fail "no device $dev in this namespace"

if [ -z "$mac" ]; then
	if [ "$mode" = netif_receive ]; then
		mac=$(cat "/sys/class/net/$dev/address")
	else
		mac=$(ip neigh show "$dst" dev "$dev" 2> /dev/null |
			awk '/lladdr/ { print $3; exit }')
		mac=${mac:-ff:ff:ff:ff:ff:ff}
	fi
fi

pg=/proc/net/pktgen
if [ ! -d "$pg" ]; then
	modprobe pktgen 2> /dev/null ||
		fail "no $pg and no pktgen module (CONFIG_NET_PKTGEN)"
fi
thread=$pg/kpktgend_$cpu
[ -w "$thread" ] || fail "no pktgen thread $cpu ($thread)"

# pgset FILE CMD: one pktgen command; pktgen says in FILE whether it took it.
pgset() {
	echo "$2" > "$1" 2> /dev/null
	grep -q '^Result: OK' "$1" ||
		fail "pktgen refused '$2': $(sed -n 's/^Result: //p' "$1")"
}

# Devices of earlier runs are dropped from every thread of this namespace.
for t in "$pg"/kpktgend_*; do
	echo rem_device_all > "$t"
done
pgset "$thread" "add_device $dev"
d=$pg/$dev
pgset "$d" "xmit_mode $mode"
pgset "$d" "clone_skb 0"
pgset "$d" "burst 1"
pgset "$d" "count $count"
pgset "$d" "pkt_size $((payload + hdr))"
pgset "$d" "dst_mac $mac"
if [ "$v6" = 1 ]; then
	pgset "$d" "dst6 $dst"
	pgset "$d" "src6 $src"
else
	pgset "$d" "dst $dst"
	pgset "$d" "src_min $src"
	pgset "$d" "src_max $src"
fi
pgset "$d" "udp_dst_min $port"
pgset "$d" "udp_dst_max $port"
if [ -n "$sport" ]; then
	pgset "$d" "udp_src_min $sport"
	pgset "$d" "udp_src_max $sport"
else
	pgset "$d" "udp_src_min 1024"
	pgset "$d" "udp_src_max 65535"
	pgset "$d" "flag UDPSRC_RND"
fi
# IPv6 receivers drop UDP without a checksum; IPv4 ones take either.
pgset "$d" "flag UDPCSUM"
[ -n "$rate" ] && pgset "$d" "ratep $rate"

# Runs until COUNT are out; the result is in the device's file.
echo start > "$pg/pgctrl"
result=$(sed -n '/^Result:/,$p' "$d")
echo "$result"
echo rem_device_all > "$thread"

sent=$(sed -n 's/^Result: OK: .*usec, \([0-9]*\) (.*/\1/p' <<< "$result")
usec=$(sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' <<< "$result")
pps=$(sed -n 's/^ *\([0-9]*\)pps .*/\1/p' <<< "$result")
errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<< "$result")
[ -n "$sent" ] || fail "no result from pktgen"
echo "quic_pktgen: sent $sent datagrams ($payload bytes of payload) to" \
     "$dst port $port in $usec us: $pps pps, $errors errors"
[ "$sent" = "$count" ]
