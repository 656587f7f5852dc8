#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/scripts/udp-tunnel-socat.sh again with examples/udp-tunnel built with
# AddressSanitizer and UndefinedBehaviorSanitizer (the build of `make check`,
# LINTUN_ASAN_BUILD, default build-asan): any report fails the tunnel's exit
# status and so the test.
# test-timeout: 240
set -u
asan=${LINTUN_ASAN_BUILD:-build-asan}
if [ ! -x "$asan/examples/udp-tunnel" ]; then
    echo "skipped: $asan/examples/udp-tunnel is not built (make check builds it)"
    exit 77
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=1}"
LINTUN_BUILD=$asan LINTUN_TUNNEL= LINTUN_TUNNEL_PEER= exec sh "$(dirname "$0")/udp-tunnel-interop.sh"
