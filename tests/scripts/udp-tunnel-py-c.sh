#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/udp-tunnel.py and examples/udp-tunnel (C) interoperate, one at
# each end, with the checks of tests/scripts/udp-tunnel-interop.sh.
# test-timeout: 200
set -u
build=${LINTUN_BUILD:-build}
. "$(dirname "$0")/udp-tunnel-py.sh"
LINTUN_TUNNEL="$build/examples/udp-tunnel" LINTUN_TUNNEL_PEER="$PYTHON examples/udp-tunnel.py" \
    exec sh "$(dirname "$0")/udp-tunnel-interop.sh"
