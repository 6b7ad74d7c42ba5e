#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM, run from the host root (read-only 9p). Reads
# /run/vm/config (written by vm-run.sh), loads the modules, runs each test
# with a time limit, unloads the modules, saves the kernel log and powers
# off. Every outcome goes to files under /run/vm/ for vm-report.sh.
res=/run/vm
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 TERM=dumb
# shellcheck source=/dev/null
. $res/config
export QUIC_REPO=$REPO QUIC_BUILD=$REPO/build QUIC_VM=1
# From here on a failure is ours: vm-run.sh boots again only without this.
echo booted > $res/booted

poweroff_now() {
	sync
	echo o > /proc/sysrq-trigger
	sleep 30
}
trap poweroff_now EXIT

# devtmpfs lacks these; bash process substitution needs /dev/fd.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /dev/shm 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname quic-vm
# tshark runs on the host when vm-run.sh serves it (tshark-proxy.sh).
if [ -f $res/tshark/serving ]; then
	mkdir -p /run/quic-vm-bin
	ln -s "$REPO/scripts/vm/tshark-proxy.sh" /run/quic-vm-bin/tshark
	export PATH=/run/quic-vm-bin:$PATH
fi
ip link set lo up
echo 1 > /proc/sys/kernel/sysrq
dmesg -n 1

# Multi-threaded TCG now and then runs a stale translation of kernel text
# that a static key switch has just patched, and the guest dies on the
# int3 left there for a moment (seen when a test's packet capture or tc
# ingress qdisc switched a key in __netif_receive_skb_core). Keys held on
# from the start are never patched again: a clsact qdisc on a dummy device
# holds the ingress and egress keys, a filter in it tcf_sw_enabled_key
# (switched by every first and last filter of a block: tc_run() oopsed on
# it once, as migration_test.sh's NAT filters came and went), pinkeys the
# receive timestamp key and UDP's encapsulation keys (every QUIC socket's
# UDP socket takes those, and the last to close gives them back), and a
# rule in each built-in mangle chain, here in the initial namespace, the
# netfilter hook keys of IPv4 and IPv6 (taken by the first hook of any
# namespace, given back with the last: each test namespace with iptables
# rules switched them as it came and went). A guest died once in the
# slab allocator with an impossible EFLAGS value, receiving in softirq
# under udp_queue_rcv_one_skb(), which tests UDP's key.
modprobe -q dummy 2> /dev/null
ip link add quic-vm-pin type dummy 2> /dev/null &&
	tc qdisc add dev quic-vm-pin clsact 2> /dev/null &&
	tc filter add dev quic-vm-pin ingress matchall action pass 2> /dev/null
# A secret the stack draws on first use (net_get_random_once()) switches
# its key off for good once drawn: pinkeys draws TCP's and the flow
# hash's, and this the route exception tables' (fnhe_hashfun() oopsed on
# its key as pmtu_test.sh learnt its first PMTU). One Fragmentation
# Needed and one Packet Too Big, from a router whose second link is
# narrower than its first, each make the sender add an exception.
draw_route_exception_secrets() {
	local a=quic-vm-a r=quic-vm-r b=quic-vm-b
	ip netns add $a && ip netns add $r && ip netns add $b &&
		ip link add va netns $a type veth peer name ra netns $r &&
		ip link add vb netns $b mtu 1280 type veth peer name rb \
			netns $r mtu 1280 &&
		ip -n $a addr add 10.255.1.1/24 dev va &&
		ip -n $a addr add fd00:ff:1::1/64 dev va nodad &&
		ip -n $r addr add 10.255.1.254/24 dev ra &&
		ip -n $r addr add fd00:ff:1::fe/64 dev ra nodad &&
		ip -n $r addr add 10.255.2.254/24 dev rb &&
		ip -n $r addr add fd00:ff:2::fe/64 dev rb nodad &&
		ip -n $b addr add 10.255.2.2/24 dev vb &&
		ip -n $b addr add fd00:ff:2::2/64 dev vb nodad &&
		ip -n $a link set va up && ip -n $r link set ra up &&
		ip -n $r link set rb up && ip -n $b link set vb up &&
		ip -n $a route add default via 10.255.1.254 &&
		ip -n $a route add default via fd00:ff:1::fe &&
		ip -n $b route add default via 10.255.2.254 &&
		ip -n $b route add default via fd00:ff:2::fe &&
		ip netns exec $r sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 || return 1
	ip netns exec $a ping -q -c 1 -w 5 -M "do" -s 1400 10.255.2.2
	ip netns exec $a ping -q -6 -c 1 -w 5 -M "do" -s 1400 fd00:ff:2::2
	ip -n $a route get 10.255.2.2 | grep -q 'mtu 1280' &&
		ip -n $a -6 route get fd00:ff:2::2 | grep -q 'mtu 1280'
}
# vm-report.sh fails the run if either did not do its part.
: > $res/secrets.log
secrets_rc=0
if [ -x "$QUIC_BUILD/selftests/pinkeys" ]; then
	"$QUIC_BUILD/selftests/pinkeys" 2>> $res/secrets.log || secrets_rc=1
fi
draw_route_exception_secrets >> $res/secrets.log 2>&1 || {
	echo "no route exception cached" >> $res/secrets.log
	secrets_rc=1
}
echo $secrets_rc > $res/secrets.rc
for ns in quic-vm-a quic-vm-r quic-vm-b; do
	ip netns del $ns 2> /dev/null
done
# One restore a family: each iptables run costs a process under TCG.
for t in iptables ip6tables; do
	{
		echo '*mangle'
		for c in PREROUTING INPUT FORWARD OUTPUT POSTROUTING; do
			echo "-A $c -m comment --comment quic-vm-pin"
		done
		echo COMMIT
	} | $t-restore --noflush 2> /dev/null
done

# On a real host udev loads the CPU's accelerated ciphers from the CPU
# modalias; nothing does here, and without them every AES user (kTLS as
# much as QUIC) runs the generic C code, which is not what users get.
# Best effort: a kernel with them built in, or a CPU without, is fine.
for m in aesni_intel ghash_clmulni_intel chacha_x86_64 poly1305_x86_64 \
	 sha256_ssse3 sha512_ssse3; do
	modprobe -q $m 2> /dev/null
done

: > $res/load.log
load_rc=0
# vm-run.sh -b SRC:DST: SRC (e.g. a module built for this kernel) over DST.
for b in "${BINDS[@]}"; do
	mount --bind "$REPO/${b%%:*}" "$REPO/${b#*:}" >> $res/load.log 2>&1 ||
		load_rc=1
done
# insmod resolves no dependencies: load what each module names (the UDP
# tunnel helpers, gf128mul...) with modprobe first. One that is built
# into this kernel fails to modprobe and is there all the same.
for m in "${MODULES[@]}"; do
	for dep in $(modinfo -F depends "$REPO/$m" 2> /dev/null | tr ',' ' '); do
		modprobe "$dep" >> $res/load.log 2>&1
	done
	insmod "$REPO/$m" >> $res/load.log 2>&1 || load_rc=1
done
echo $load_rc > $res/load.rc

# A test's "# vm-timeout: SECONDS" line raises its limit above -t.
test_limit() {
	local own
	own=$(sed -n 's/^# vm-timeout: *\([0-9][0-9]*\)$/\1/p' "$REPO/$1" | head -1)
	echo $(( ${own:-0} > TEST_TIMEOUT ? own : TEST_TIMEOUT ))
}

i=0
for t in "${TESTS[@]}"; do
	i=$((i + 1))
	echo "$t" > $res/out/$i.name
	if [ $load_rc -ne 0 ]; then
		echo 125 > $res/out/$i.rc
		continue
	fi
	start=$SECONDS
	(cd "$REPO" && exec timeout -k 5 "$(test_limit "$t")" "./$t") \
		> $res/out/$i.out 2>&1 < /dev/null
	echo $? > $res/out/$i.rc
	echo $((SECONDS - start)) > $res/out/$i.secs
done

# Unload in reverse order; a leaked reference makes rmmod fail.
: > $res/unload.log
unload_rc=0
for ((j = ${#MODULES[@]} - 1; j >= 0; j--)); do
	name=$(basename "${MODULES[j]}" .ko)
	if grep -q "^$name " /proc/modules; then
		# A closed connection lingers for three PTOs (RFC 9000
		# 10.2.1) and holds the module meanwhile: a few seconds at
		# most, more than that is a leak.
		for try in 1 2 3 4 5 6 7 8 9 10; do
			rmmod "$name" 2> $res/rmmod.err && break
			[ $try = 10 ] && { cat $res/rmmod.err >> $res/unload.log; unload_rc=1; }
			sleep 1
		done
	fi
done
echo $unload_rc > $res/unload.rc

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > $res/kmemleak.txt
fi
dmesg > $res/dmesg.txt
echo "done" > $res/done
