#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the demo in a network namespace of its own, so its adapter, address and
# packets never touch the host's network. Called by `make demo` as
#     sh scripts/demo.sh BUILD_DIR [DEMO ARGS...]
# Arguments in $DEMO_ARGS are passed on too: `sudo make demo DEMO_ARGS="-n 3"`.
# The demo replaces this shell (exec), so Ctrl-C reaches it directly and it
# shuts down cleanly; the namespace goes away with it.
set -eu

build=${1:?usage: sh scripts/demo.sh BUILD_DIR [demo arguments]}
shift
demo=$build/examples/demo

if [ ! -x "$demo" ]; then
    echo "demo: $demo is missing; build it first with: make" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "demo: creating a network namespace and a TUN adapter needs root; run:" >&2
    echo "    sudo make demo" >&2
    exit 1
fi
if [ ! -c /dev/net/tun ]; then
    echo "demo: /dev/net/tun is missing; load the tun module: modprobe tun" >&2
    exit 1
fi
for tool in unshare ip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "demo: '$tool' is missing; install it: sh scripts/deps.sh demo" >&2
        exit 1
    fi
done

# DEMO_ARGS is split into words on purpose, like a make variable.
# shellcheck disable=SC2086
set -- "$@" ${DEMO_ARGS:-}

echo "demo: running $demo${*:+ $*} in a network namespace of its own; Ctrl-C stops it" >&2
# The inner shell brings loopback up, then becomes the demo.
exec unshare --net -- sh -c 'ip link set lo up && exec "$0" "$@"' "$demo" "$@"
