#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/udp-tunnel.py (the `wintun` module) interoperates with Debian's
# socat, with the checks of tests/scripts/udp-tunnel-interop.sh.
# test-timeout: 200
set -u
build=${LINTUN_BUILD:-build}
. "$(dirname "$0")/udp-tunnel-py.sh"
LINTUN_TUNNEL="$PYTHON examples/udp-tunnel.py" LINTUN_TUNNEL_PEER= \
    exec sh "$(dirname "$0")/udp-tunnel-interop.sh"
