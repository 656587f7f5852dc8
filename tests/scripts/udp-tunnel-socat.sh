#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/udp-tunnel interoperates with Debian's socat (TUN to
# UDP-DATAGRAM): pings both ways and families, 100 MB of TCP each way with
# sha256 checked, non-IP datagrams counted and dropped, a clean SIGTERM
# (tests/scripts/udp-tunnel-interop.sh does the work and says how).
# test-timeout: 150
exec sh "$(dirname "$0")/udp-tunnel-interop.sh"
