#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tshark-proxy.sh ARGS...: tshark for the test VM, run by the host.
#
# Under TCG tshark spends 30 to 40 seconds registering its dissectors
# before it reads a single packet, several minutes of every make check.
# The guest's root is the host's, so the host runs the very same binary
# in about a second. guest-init.sh puts this script first in PATH, as
# "tshark", when vm-run.sh serves requests (tshark-host.sh): the files the
# arguments name (-r FILE, -o PREF:FILE) are copied into a request folder
# on the results share, the host runs tshark there, and its output, error
# output and exit status come back. Live captures and standard input are
# not forwarded: that tshark runs here.
spool=/run/vm/tshark
real=/usr/bin/tshark

[ -f "$spool/serving" ] || exec "$real" "$@"
for a in "$@"; do
	case $a in
	-i | -i* | -)
		exec "$real" "$@" ;;
	esac
done

req=$(mktemp -d "$spool/req.XXXXXX") || exec "$real" "$@"
trap 'rm -rf "$req"' EXIT
args=()
n=0
for a in "$@"; do
	if [ -f "$a" ]; then
		n=$((n + 1))
		cp "$a" "$req/f$n" || exit 2
		a="@REQ@/f$n"
	elif [[ $a == *:/* ]] && [ -f "/${a#*:/}" ]; then
		n=$((n + 1))
		cp "/${a#*:/}" "$req/f$n" || exit 2
		a="${a%%:/*}:@REQ@/f$n"
	fi
	args+=("$a")
done
printf '%s\0' "${args[@]}" > "$req/args"
: > "$req/ready"

# The host answers within seconds; ten minutes means it is gone.
for _ in $(seq 3000); do
	[ -f "$req/rc" ] && break
	sleep 0.2
done
if [ ! -f "$req/rc" ]; then
	echo "tshark-proxy.sh: no answer from the host" >&2
	exit 2
fi
cat "$req/out"
cat "$req/err" >&2
exit "$(cat "$req/rc")"
