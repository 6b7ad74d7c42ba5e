#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How the user switches QUIC crypto offload on a device: the quic-offload
# netdev feature (ethtool -K DEV quic-offload on|off) on a kernel with the
# NETIF_F_HW_QUIC patch (the debug test kernel), the driver's private flag
# of the same name (ethtool --set-priv-flags) on one without (Debian's).
# The driver is quicsim.ko, the simulated offload NIC; its debugfs files
# (quicsim/port<N>/{ifname,offload,mechanism}) say what the driver sees.
# Either way offload also needs checksum offload on, and ports are
# independent.
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=offload-feature
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
ko=$QUIC_REPO/drivers/net/quic_offload/quicsim.ko
require "$ko" ethtool
dbg=/sys/kernel/debug/quicsim

mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
module_loaded quicsim && rmmod quicsim

# expect WHAT WANT GOT: one comparison, explained when it fails.
expect() {
	[ "$2" = "$3" ] && return 0
	echo "$1: '$3', want '$2'"
	return 1
}
offload() { cat "$dbg/port$1/offload"; }
# The quic-offload line of ethtool -k, e.g. "on" or "off [fixed]".
feature() { ethtool -k "$1" | sed -n 's/^quic-offload: //p'; }
# The quic-offload private flag's value, empty when not offered.
priv_flag() {
	ethtool --show-priv-flags "$1" 2> /dev/null |
		sed -n 's/^quic-offload *: *//p'
}

if ! insmod "$ko" ports=2; then
	tap_fail "insmod quicsim.ko ports=2"
	tap_done
fi
dev0=$(cat "$dbg/port0/ifname" 2> /dev/null)
dev1=$(cat "$dbg/port1/ifname" 2> /dev/null)
ports_exist() {
	[ -n "$dev0" ] && [ -n "$dev1" ] &&
		ip link show "$dev0" > /dev/null && ip link show "$dev1" > /dev/null
}
tap_check "insmod quicsim.ko ports=2: two ports ($dev0 $dev1), in debugfs" \
	ports_exist

if [ -n "$(feature lo)" ]; then
	mech=netdev-feature
	echo "# this kernel has the quic-offload feature: $(uname -r)"
else
	mech=private-flag
	echo "# this kernel lacks the quic-offload feature: $(uname -r)"
fi
tap_check "the driver switches offload by its $mech" \
	expect mechanism "$mech" "$(cat "$dbg/port0/mechanism")"

# set_offload DEV on|off: the user's switch on this kernel.
set_offload() {
	if [ "$mech" = netdev-feature ]; then
		ethtool -K "$1" quic-offload "$2"
	else
		ethtool --set-priv-flags "$1" quic-offload "$2"
	fi
}
# user_view DEV: what ethtool shows the user for quic-offload.
user_view() {
	if [ "$mech" = netdev-feature ]; then feature "$1"; else priv_flag "$1"; fi
}

feature_only() {
	expect "ethtool -k $dev0 quic-offload" on "$(feature "$dev0")" &&
	expect "private flag offered" "" "$(priv_flag "$dev0")"
}
flag_only() {
	expect "ethtool -k $dev0 quic-offload line" "" "$(feature "$dev0")" &&
	expect "ethtool --show-priv-flags $dev0 quic-offload" on \
		"$(priv_flag "$dev0")" &&
	if ethtool -K "$dev0" quic-offload off 2> /dev/null; then
		echo "ethtool -K quic-offload off succeeded on a kernel without the feature"
		return 1
	fi
}
if [ "$mech" = netdev-feature ]; then
	tap_check "ethtool -k lists quic-offload: on, no private flag" feature_only
else
	tap_check "no quic-offload feature (ethtool -K fails), the private flag is on" \
		flag_only
fi

starts_on() {
	expect "port0 offload" on "$(offload 0)" &&
	expect "port1 offload" on "$(offload 1)"
}
tap_check "offload starts on, on both ports" starts_on

switch_off() {
	set_offload "$dev0" off &&
	expect "port0 offload" off "$(offload 0)" &&
	expect "ethtool's quic-offload on $dev0" off "$(user_view "$dev0")" &&
	expect "port1 offload (untouched)" on "$(offload 1)"
}
tap_check "switched off on $dev0: the driver sees it off, $dev1 stays on" \
	switch_off

switch_on() {
	set_offload "$dev0" on &&
	expect "port0 offload" on "$(offload 0)" &&
	expect "ethtool's quic-offload on $dev0" on "$(user_view "$dev0")"
}
tap_check "switched on again on $dev0" switch_on

needs_csum() {
	ethtool -K "$dev1" tx-checksumming off &&
	expect "port1 offload, checksum offload off" off "$(offload 1)" &&
	ethtool -K "$dev1" tx-checksumming on &&
	expect "port1 offload, checksum offload on again" on "$(offload 1)"
}
tap_check "offload needs checksum offload: off with tx-checksumming off, back with it" \
	needs_csum

unload() {
	rmmod quicsim || return 1
	[ ! -e "$dbg" ] || { echo "$dbg still there"; return 1; }
	if ip link show "$dev0" > /dev/null 2>&1; then
		echo "$dev0 still there"
		return 1
	fi
}
tap_check "rmmod quicsim removes its ports and debugfs" unload
tap_done
