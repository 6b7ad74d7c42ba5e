#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 1-RTT key updates (RFC 9001 section 6) between two kernel endpoints: the
# client asks for one (QUIC_SOCKOPT_KEY_UPDATE) each KEYUPDATE_EVERY bytes
# it sends while 4 streams are echoed, over IPv4 and IPv6. Every byte must
# come back intact across the phase changes; the server must follow each
# update (a QUIC_EVENT_KEY_UPDATE for each, the phase alternating), and
# the client must see the server in the new phase after its updates.
#
# Then an echo that goes quiet midway: both ends drop their transforms
# while idle and take them back when it resumes.
#
# Sizes: KEYUPDATE_BYTES (2 MiB per stream and direction), KEYUPDATE_EVERY
# (128 KiB), KEYUPDATE_MIN (updates required, 3).
# shellcheck disable=SC2317,SC2119 # functions run through check()
SUITE=keyupdate
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
xfer=$SELFTEST_BIN/xfer
require "$xfer" psktool ip timeout

BYTES=${KEYUPDATE_BYTES:-2097152}
EVERY=${KEYUPDATE_EVERY:-131072}
MIN=${KEYUPDATE_MIN:-3}
T=120
work=$(mktemp -d /tmp/quic-keyupdate.XXXXXX)
psk=$work/psk.txt
port=4650
SRV_TIMEOUT=$((T + 10))

# shellcheck source=xfer_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/xfer_lib.sh"

psk_and_topology "$psk" "$work"
trap xfer_cleanup EXIT

# ku LOG: "started events phase" from xfer's "key updates ..." line
ku() {
	sed -n 's/^key updates \([0-9]*\) events \([0-9]*\) phase \(.*\)$/\1 \2 \3/p' \
		"$1" | tail -1
}

# updates NAME ADDR: one echo connection with key updates; quiet if all
# is well, else the reason.
updates() {
	local name=$1 addr=$2 cli started cev cphase sev sphase
	xfer_echo "$name" "$addr" --streams 4 --bytes "$BYTES" \
		--key-update "$EVERY" || return 1
	cli=$cli_log
	grep -q '^OK:' "$cli" || { echo "client did not verify the echo"; return 1; }
	read -r started cev cphase < <(ku "$cli")
	read -r _ sev sphase < <(ku "$srv_log")
	if [ -z "$started" ] || [ -z "$sev" ]; then
		echo "no key update report: client '$(ku "$cli")', server '$(ku "$srv_log")'"
		return 1
	fi
	echo "# $name: client started $started updates, saw $cev events (phase $cphase); server saw $sev (phase $sphase)" >&3
	[ "$started" -ge "$MIN" ] || {
		echo "only $started key updates started (want $MIN)"
		return 1
	}
	# The server follows every update. It may miss the event of the
	# first (it enables events once it has accepted, and the client may
	# be quicker) and of the last (the connection may close before the
	# client's first packet in the new phase).
	if [ "$sev" -lt $((started - 2)) ] || [ "$sev" -gt "$started" ]; then
		echo "server saw $sev key update events for $started updates"
		return 1
	fi
	# The client sees the server in each new phase, maybe not the last.
	if [ "$cev" -lt $((started - 1)) ] || [ "$cev" -gt "$started" ]; then
		echo "client saw $cev key update events for $started updates"
		return 1
	fi
	# Phases alternate from 0, so the client's Nth event reports phase
	# N mod 2 (xfer itself fails on two events with the same phase in a
	# row, at either end).
	[ "$cphase" = $((cev % 2)) ] || {
		echo "client's last event phase $cphase after $cev events"
		return 1
	}
}

# Idle transforms (keyupdate.c): after a second without packets each end
# drops its AES-GCM transforms and header protection schedules, and gets
# them back when packets flow again. Seen through a return probe on
# quic_crypto_detach(), where the kernel has kprobes.
TRACE=/sys/kernel/tracing
PROBE=quic_idle_detach
probe_on() {
	mountpoint -q $TRACE || mount -t tracefs nodev $TRACE 2> /dev/null
	echo "r:$PROBE quic:quic_crypto_detach ret=\$retval" \
		>> $TRACE/kprobe_events 2> /dev/null || return 1
	echo 1 > $TRACE/events/kprobes/$PROBE/enable && : > $TRACE/trace
}
probe_off() {
	echo 0 > $TRACE/events/kprobes/$PROBE/enable
	echo "-:$PROBE" >> $TRACE/kprobe_events
}

# idle NAME ADDR: a 1 MiB echo whose client goes quiet for 2.5 s after
# 256 KiB; every byte must come back, and with the probe both ends must
# have dropped their transforms meanwhile.
idle() {
	local name=$1 addr=$2 probed=0 drops
	probe_on && probed=1
	xfer_echo "$name" "$addr" --streams 1 --bytes 1048576 \
		--pause-after 262144 --pause 2500 || return 1
	grep -q '^OK:' "$cli_log" || { echo "client did not verify the echo"; return 1; }
	[ $probed = 1 ] || { echo "# $name: no kprobes here: drops not observed" >&3; return 0; }
	drops=$(grep -c "$PROBE:.*ret=0x1" $TRACE/trace)
	probe_off
	echo "# $name: transforms dropped $drops times during the quiet spell" >&3
	[ "$drops" -ge 2 ] || { echo "transforms dropped $drops times (want both ends)"; return 1; }
}

exec 3>&1	# notes on the TAP stream, past check()'s capture
check "IPv4: $MIN+ key updates during a 4 x $((BYTES / 1024)) KiB echo, data intact, both sides follow" \
	updates v4 "$ADDR2_V4"
check "IPv6: $MIN+ key updates during a 4 x $((BYTES / 1024)) KiB echo, data intact, both sides follow" \
	updates v6 "$ADDR2_V6"
check "idle: an echo quiet for 2.5 s midway: both ends drop their transforms, then every byte comes back" \
	idle idle "$ADDR2_V4"
tap_done
