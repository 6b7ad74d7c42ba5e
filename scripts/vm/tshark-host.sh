#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tshark-host.sh SPOOL: run the test VM's tshark requests on the host
# (see tshark-proxy.sh) until SPOOL is removed or this is killed. A
# request is a folder SPOOL/req.* holding the arguments (NUL-separated,
# "@REQ@" standing for the folder), the files they name, and "ready"
# once complete; the answer is "out", "err" and, last, "rc".
spool=$1

: > "$spool/serving"
while [ -d "$spool" ]; do
	for ready in "$spool"/req.*/ready; do
		[ -f "$ready" ] || continue
		req=${ready%/ready}
		rm -f "$ready"
		mapfile -d '' args < "$req/args"
		(
			cd "$req" || exit
			tshark "${args[@]//@REQ@/$req}" > out 2> err
			echo $? > rc.tmp
			mv rc.tmp rc
		)
	done
	sleep 0.1
done
