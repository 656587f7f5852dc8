#!/bin/sh
# SPDX-License-Identifier: MIT
# The echo responder answers ping over IPv4 and IPv6, in a network namespace
# of its own: 3 of 3 replies each way for a peer in the adapter's subnets,
# a clean exit on SIGTERM with the interface gone; then --count 2 makes it
# exit by itself after two replies.
set -u
build=${LINTUN_BUILD:-build}
responder=$build/examples/echo-responder

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace and TUN adapter)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is not usable here"
for tool in unshare ip ping; do
    command -v $tool >/dev/null 2>&1 || skip "$tool missing (util-linux, iproute2, iputils-ping)"
done
unshare -n true 2>/dev/null || skip "cannot create a network namespace"
if [ ! -x "$responder" ]; then
    echo "FAIL: $responder is missing (run make)"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# Shell functions for inside the namespace: wait for the responder to
# announce itself, and for its IPv6 address to leave the tentative state
# (duplicate address detection), which the API has no switch for.
helpers='
wait_ready() { # wait_ready LOG IFNAME
    i=0
    until grep -qs "Answering echo requests" "$1"; do
        i=$((i + 1)); [ $i -le 100 ] || { echo "responder never became ready"; return 1; }
        sleep 0.1
    done
    i=0
    while ip -6 addr show dev "$2" tentative | grep -q inet6; do
        i=$((i + 1)); [ $i -le 50 ] || { echo "IPv6 address stays tentative"; return 1; }
        sleep 0.1
    done
}
gone() { # gone IFNAME
    if ip link show "$1" >/dev/null 2>&1; then echo "LEFTOVER: interface $1 remains"; fi
}
'

# 1. Ping both families, then SIGTERM.
timeout -k 5 20 unshare -n sh -c "$helpers"'
    ip link set lo up || exit 99
    "$0" --addr 10.8.0.1/24 --addr fd00:8::1/64 --quiet 2>"$1/responder.log" &
    pid=$!
    wait_ready "$1/responder.log" Echo || { kill $pid; exit 1; }
    ping -c 3 -i 0.2 -W 2 10.8.0.2; echo "ping4 exit $?"
    ping -6 -c 3 -i 0.2 -W 2 fd00:8::2; echo "ping6 exit $?"
    kill -TERM $pid
    wait $pid; echo "responder exit $?"
    gone Echo' "$responder" "$tmp" >"$tmp/run.log" 2>&1
echo "--- ping run (exit $?):"
cat "$tmp/run.log"
echo "--- responder:"
cat "$tmp/responder.log"
grep -q '^ping4 exit 0$' "$tmp/run.log" || fail "IPv4 ping failed"
grep -q '^ping6 exit 0$' "$tmp/run.log" || fail "IPv6 ping failed"
[ "$(grep -c '3 packets transmitted, 3 received' "$tmp/run.log")" = 2 ] ||
    fail "want 3 of 3 replies for both ping -4 and ping -6"
grep -q '^responder exit 0$' "$tmp/run.log" || fail "responder did not exit 0 on SIGTERM"
grep -q 'from 10.8.0.2' "$tmp/run.log" || fail "IPv4 replies do not come from 10.8.0.2"
grep -q 'from fd00:8::2' "$tmp/run.log" || fail "IPv6 replies do not come from fd00:8::2"
grep -q ' 6 replies sent, .* 0 with a bad checksum' "$tmp/responder.log" ||
    fail "responder summary: want 6 replies, no bad checksums"
! grep -q LEFTOVER "$tmp/run.log" || fail "interface Echo remains after exit"

# 2. --count 2 exits by itself after two replies; name and address vary too.
timeout -k 5 15 unshare -n sh -c "$helpers"'
    ip link set lo up || exit 99
    "$0" Pong --addr 10.9.0.1/24 --count 2 2>"$1/count.log" &
    pid=$!
    wait_ready "$1/count.log" Pong || { kill $pid; exit 1; }
    ping -c 2 -i 0.2 -W 2 10.9.0.77; echo "ping exit $?"
    wait $pid; echo "responder exit $?"
    gone Pong' "$responder" "$tmp" >"$tmp/count-run.log" 2>&1
echo "--- --count 2 run (exit $?):"
cat "$tmp/count-run.log" "$tmp/count.log"
grep -q '^ping exit 0$' "$tmp/count-run.log" || fail "ping with --count 2 failed"
grep -q '^responder exit 0$' "$tmp/count-run.log" || fail "responder --count 2 did not exit 0"
[ "$(grep -c '^Answered IPv4 echo request from 10.9.0.1 to 10.9.0.77' "$tmp/count-run.log")" = 2 ] ||
    fail "want two \"Answered\" lines"
! grep -q LEFTOVER "$tmp/count-run.log" || fail "interface Pong remains after exit"

[ "$failed" = 0 ] && echo "echo-responder-ping: all checks passed"
exit "$failed"
