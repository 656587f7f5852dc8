#!/bin/sh
# SPDX-License-Identifier: MIT
# The demo, end to end, in network namespaces of its own: its echo requests
# come back as replies it prints; -n 3 exits 0 after three; SIGTERM and
# SIGINT log "Cleaning up and shutting down...", exit 0 and leave no "Demo"
# interface behind (checked inside the namespace before it goes away).
set -u
build=${LINTUN_BUILD:-build}
demo=$build/examples/demo

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace and TUN adapter)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is not usable here"
command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 ||
    skip "unshare or ip (util-linux, iproute2) missing"
unshare -n true 2>/dev/null || skip "cannot create a network namespace"
if [ ! -x "$demo" ]; then
    echo "FAIL: $demo is missing (run make)"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# Runs last in the namespace: the adapter must be gone once the demo exited.
leftover='if ip link show Demo >/dev/null 2>&1; then echo "LEFTOVER: interface Demo remains"; fi'

expect_line() { # expect_line FILE TEXT: a log line ends in TEXT
    grep -qF -- "] $2" "$1" || fail "$(basename "$1"): no line \"$2\""
}

expect_clean_end() { # expect_clean_end FILE EXIT_CODE WHAT
    [ "$2" = 0 ] || fail "$3 exited $2, want 0"
    expect_line "$1" "Cleaning up and shutting down..."
    ! grep -q LEFTOVER "$1" || fail "$3: interface Demo remains after exit"
    ! grep -q ' \[!\] ' "$1" || fail "$3: errors logged: $(grep ' \[!\] ' "$1" | head -n 3)"
}

# The log's timestamps are UTC and close to now (checks the 1601 epoch maths).
check_timestamp() { # check_timestamp FILE
    first=$(head -n 1 "$1" | cut -c1-19)
    then_s=$(date -u -d "$first" +%s 2>/dev/null) || { fail "bad timestamp: $first"; return; }
    diff_s=$(( $(date -u +%s) - then_s ))
    [ "$diff_s" -ge -5 ] && [ "$diff_s" -le 120 ] ||
        fail "first log line's time $first UTC is ${diff_s}s from now"
}

# 1. demo -n 3 exits 0 after three echo replies.
timeout -k 5 15 unshare -n sh -c \
    'ip link set lo up || exit 99; "$0" -n 3; rc=$?; '"$leftover"'; exit $rc' \
    "$demo" >"$tmp/count.log" 2>&1
rc=$?
echo "--- demo -n 3 (exit $rc):"
cat "$tmp/count.log"
expect_clean_end "$tmp/count.log" "$rc" "demo -n 3"
replies=$(grep -c '\[+\] Received IPv4 ICMP echo reply from 10\.6\.7\.7 to 10\.6\.7\.8$' "$tmp/count.log")
[ "$replies" -ge 3 ] || fail "$replies echo reply lines, want at least 3"
sent=$(grep -c '\[+\] Sent IPv4 ICMP echo request from 10\.6\.7\.8 to 10\.6\.7\.7$' "$tmp/count.log")
[ "$sent" -ge 3 ] || fail "$sent echo request lines, want at least 3"
expect_line "$tmp/count.log" "Wintun library loaded"
expect_line "$tmp/count.log" "Launching threads and mangling packets..."
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{4} \[\+\] Wintun v[0-9]+\.[0-9]+ loaded$' \
    "$tmp/count.log" || fail "no \"YYYY-MM-DD HH:MM:SS.mmmm [+] Wintun vX.Y loaded\" line"
check_timestamp "$tmp/count.log"

# 2. A signal while it runs: it shuts down cleanly. The demo runs in the
# background of the namespace's shell, which waits for its first reply.
stop_with() { # stop_with SIGNAL
    log=$tmp/$1.log
    timeout -k 5 15 unshare -n sh -c '
        ip link set lo up || exit 99
        "$0" & pid=$!
        i=0
        while [ $i -lt 100 ] && ! grep -qs "echo reply" "$1"; do sleep 0.1; i=$((i + 1)); done
        kill -'"$1"' $pid
        wait $pid; rc=$?
        '"$leftover"'
        exit $rc' "$demo" "$log" >"$log" 2>&1
    rc=$?
    echo "--- demo stopped with SIG$1 (exit $rc):"
    cat "$log"
    expect_clean_end "$log" "$rc" "demo stopped with SIG$1"
    grep -q 'Received IPv4 ICMP echo reply' "$log" || fail "SIG$1 run: no echo reply before the signal"
}
stop_with TERM
stop_with INT

[ "$failed" = 0 ] && echo "demo-echo: all checks passed"
exit "$failed"
