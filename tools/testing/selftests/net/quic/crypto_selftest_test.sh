#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packet protection self-test of quic.ko (crypto_selftest.c): loaded
# with selftest=1, the module protects and unprotects the RFC 9001 and
# RFC 9369 Appendix A packets through the kernel crypto API, byte for byte,
# plus key updates, an AES-GCM payload length sweep (FPU-free fallback
# against the installed AEAD) and Retry tags, before it registers; on
# success the kernel log says so and the module works. Then it is reloaded
# without the parameter, for the tests that follow, and stays quiet about
# the test.
# shellcheck disable=SC2317 # functions run through tap_check
SUITE=crypto
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
ko=$QUIC_REPO/net/quic/quic.ko
sockcheck=$SELFTEST_BIN/sockcheck
require "$ko" "$sockcheck" insmod rmmod dmesg

ok_re='crypto self-test: [0-9]+ packets, key update, AES-GCM length sweep, retry: ok \(AEAD: (SIMD and FPU-free fallback|generic only)\)$'
param=/sys/module/quic/parameters/selftest

mark=0
mark_log() { mark=$(dmesg | wc -l); }
new_log() { dmesg | tail -n +$((mark + 1)); }

expect_all_ok() {	# every family/type pair can make a socket
	local out
	out=$("$sockcheck" create)
	[ "$(echo "$out" | grep -c ': ok$')" = 4 ] || { echo "$out"; return 1; }
}

# The module must come back whatever happens here: later tests need it.
restore() { module_loaded quic || insmod "$ko"; }
trap restore EXIT

if module_loaded quic; then
	tap_check "rmmod quic (loaded by the harness)" rmmod_quic
fi
if module_loaded quic; then
	tap_fail "quic unloaded before the self-test load" "still loaded"
	tap_done
fi

mark_log
tap_check "insmod quic.ko selftest=1 succeeds (self-test passed)" \
	insmod "$ko" selftest=1
log=$(new_log)
tap_check "RFC 9001/9369 Appendix A vectors, key update and Retry through the kernel crypto API: log says \"$(echo "$log" | grep -oE "$ok_re" | head -1)\"" \
	grep -qE "$ok_re" <<< "$log"
no_failure() {	# no "crypto self-test: NAME: WHAT (ERR)" line in $log
	! echo "$log" | grep 'crypto self-test:' | grep -vE "$ok_re"
}
tap_check "no self-test failure in the kernel log" no_failure
# Where the kernel has a SIMD AES-GCM (aesni_intel, loaded by the VM as
# udev would), the vectors must have gone through it and through the
# FPU-free fallback (gcm_soft.c), each opening what the other sealed.
if grep -q '^name *: __gcm(aes)$' /proc/crypto; then
	tap_check "AES-GCM vectors through the SIMD AEAD ($(grep -A1 '^name *: __gcm(aes)$' /proc/crypto | sed -n 's/^driver *: \(__.*\)/\1/p' | head -1)) and the FPU-free fallback, crosswise" \
		grep -q 'AEAD: SIMD and FPU-free fallback' <<< "$log"
else
	tap_skip "AES-GCM vectors through a SIMD AEAD" "this kernel has none"
fi
tap_check "selftest parameter reads Y" test "$(cat $param 2> /dev/null)" = Y
tap_check "IPPROTO_QUIC sockets work after the self-tested load" expect_all_ok

tap_check "rmmod after the self-tested load" rmmod quic
mark_log
tap_check "insmod quic.ko without parameters (for the tests that follow)" \
	insmod "$ko"
log=$(new_log)
quiet_load() {	# selftest reads N and the new log says nothing of it
	test "$(cat "$param")" = N || return 1
	! echo "$log" | grep 'crypto self-test'
}
tap_check "a normal load runs no self-test (parameter N, nothing logged)" \
	quiet_load
tap_check "IPPROTO_QUIC sockets work after the reload" expect_all_ok
tap_done
