#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extra packages for the debug test kernel lane (run as root): the normal
# set, plus ccache, Python for kunit.py and libssl-dev for the kernel
# build. The kernel source and the rest of its build
# dependencies are already in the normal set. Kept apart so the normal
# install stays as small and fast as it is.
exec "$(dirname "$0")/../install-deps.sh" ccache python3 libssl-dev "$@"
