#!/bin/sh
# SPDX-License-Identifier: MIT
# The lintun tool, in a network namespace of its own: list and show (text
# and --json, the JSON checked with python3 -m json.tool, a name with quotes
# and backslashes and one in UTF-8 included), case-insensitive names, the changes (addr,
# route, mtu, up/down) read back with ip, and the exit codes: 1 with
# "no adapter named 'X'" for an unknown adapter, 2 for usage errors.
set -u
build=${LINTUN_BUILD:-build}
lintun=$build/lintun
responder=$build/examples/echo-responder

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace and TUN adapter)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is not usable here"
for tool in unshare ip python3; do
    command -v $tool >/dev/null 2>&1 || skip "$tool missing"
done
unshare -n true 2>/dev/null || skip "cannot create a network namespace"
for f in "$lintun" "$responder"; do
    [ -x "$f" ] || { echo "FAIL: $f is missing (run make)"; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export lintun responder tmp

# Everything below runs inside the namespace; the adapters are held by two
# echo responders (an adapter lives as long as its creator).
unshare -n sh -u <<'INNER'
failed=0
fail() { echo "FAIL: $*"; failed=1; }
expect() { # expect CODE DESCRIPTION COMMAND... (stdout/stderr into $tmp/out, $tmp/err)
    want=$1 what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" = "$want" ] || { fail "$what: exit $got, want $want"; sed 's/^/    | /' "$tmp/out" "$tmp/err"; }
}
json_ok() { python3 -m json.tool "$1" >/dev/null 2>&1 || { fail "$2: not valid JSON"; sed 's/^/    | /' "$1"; }; }
wait_ready() {
    i=0
    until grep -qs "Answering echo requests" "$1"; do
        i=$((i + 1)); [ $i -le 100 ] || { echo "FAIL: responder never became ready"; cat "$1"; exit 1; }
        sleep 0.1
    done
}

ip link set lo up
expect 0 "list with no adapters" "$lintun" list
grep -q "no adapters" "$tmp/out" || fail "empty list does not say so"
expect 0 "list --json with no adapters" "$lintun" list --json
json_ok "$tmp/out" "empty list --json"

"$responder" "Data Center" --addr 10.8.0.1/24 --addr fd00:8::1/64 --quiet 2>"$tmp/r1.log" &
r1=$!
"$responder" 'we"ird\name' --addr 10.9.0.1/24 --quiet 2>"$tmp/r2.log" &
r2=$!
"$responder" "Tunnel Café ☕" --quiet 2>"$tmp/r3.log" &
r3=$!
wait_ready "$tmp/r1.log"
wait_ready "$tmp/r2.log"
wait_ready "$tmp/r3.log"

expect 0 "list" "$lintun" list
head -n 1 "$tmp/out" | grep -q "^NAME .*INTERFACE .*TYPE .*GUID .*LUID .*INDEX .*STATE" \
    || fail "list has no header line"
grep -q "^Data Center .*Echo responder .*{[0-9A-F-]*} .*0x0035" "$tmp/out" || fail "list lacks Data Center"
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "list should have 4 lines"
cat "$tmp/out"

expect 0 "list --json" "$lintun" list --json
json_ok "$tmp/out" "list --json"
python3 - "$tmp/out" <<'PY' || fail "list --json content"
import json, sys
items = json.load(open(sys.argv[1]))
names = sorted(i["name"] for i in items)
assert names == ["Data Center", "Tunnel Caf\u00e9 \u2615", 'we"ird\\name'], names
dc = [i for i in items if i["name"] == "Data Center"][0]
assert dc["tunnel_type"] == "Echo responder", dc
assert int(dc["luid"], 16) == (53 << 48) | (dc["ifindex"] << 24), dc
assert dc["state"] == "running" and dc["up"] and dc["running"], dc
PY

expect 0 "show (case-insensitive)" "$lintun" show "data center"
grep -q "^Name: *Data Center" "$tmp/out" || fail "show: no name"
grep -q "10.8.0.1/24" "$tmp/out" || fail "show: no IPv4 address"
grep -q "fd00:8::1/64" "$tmp/out" || fail "show: no IPv6 address"
grep -q "^MTU: *1500" "$tmp/out" || fail "show: no MTU"
cat "$tmp/out"

"$lintun" list --json >"$tmp/list.json"
ifname=$(python3 -c 'import json,sys; print([i for i in json.load(open(sys.argv[1])) if i["name"] == "Data Center"][0]["interface"])' "$tmp/list.json")

# Changes, read back with ip.
expect 0 "addr add" "$lintun" addr add "Data Center" 10.50.0.1/16
ip -o addr show dev "$ifname" | grep -q "inet 10.50.0.1/16" || fail "addr add not in the kernel"
expect 0 "route add" "$lintun" route add "Data Center" 10.60.0.0/16 metric 77
ip route show dev "$ifname" | grep -q "10.60.0.0/16 .*metric 77" || fail "route add not in the kernel"
expect 0 "mtu" "$lintun" mtu "Data Center" 1400
ip -o link show dev "$ifname" | grep -q "mtu 1400" || fail "mtu not in the kernel"
expect 1 "mtu below IPv6's minimum" "$lintun" mtu "Data Center" 1000
grep -q "1280" "$tmp/err" || fail "mtu 1000: the error does not mention 1280"

expect 0 "show --json" "$lintun" show "Data Center" --json
json_ok "$tmp/out" "show --json"
python3 - "$tmp/out" <<'PY' || fail "show --json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == "Data Center" and d["mtu"] == 1400, d
assert "10.8.0.1/24" in d["addresses"] and "10.50.0.1/16" in d["addresses"], d
assert {"destination": "10.60.0.0/16", "metric": 77} in d["routes"], d
PY
expect 0 "show --json of the odd name" "$lintun" show 'WE"IRD\name' --json
json_ok "$tmp/out" "show --json (odd name)"

expect 0 "route del" "$lintun" route del "Data Center" 10.60.0.0/16
expect 1 "route del again" "$lintun" route del "Data Center" 10.60.0.0/16
expect 0 "addr del" "$lintun" addr del "Data Center" 10.50.0.1/16
expect 1 "addr del again" "$lintun" addr del "Data Center" 10.50.0.1/16
expect 0 "down" "$lintun" down "Data Center"
ip -o link show dev "$ifname" | grep -q "[<,]UP[,>]" && fail "down: still up"
"$lintun" show "Data Center" | grep -q "^State: *down" || fail "show does not say down"
expect 0 "up" "$lintun" up "Data Center"
ip -o link show dev "$ifname" | grep -q "[<,]UP[,>]" || fail "up: not up"

# Errors.
expect 1 "show of an unknown adapter" "$lintun" show nope
grep -qx "lintun: no adapter named 'nope'" "$tmp/err" || fail "unknown adapter: wrong message: $(cat "$tmp/err")"
expect 1 "mtu of an unknown adapter" "$lintun" mtu nope 1400
expect 2 "no command" "$lintun"
expect 2 "unknown command" "$lintun" frobnicate
expect 2 "show without a name" "$lintun" show
expect 2 "list with an argument" "$lintun" list extra
expect 2 "bad address" "$lintun" addr add "Data Center" 10.0.0.1/33
expect 2 "bad mtu" "$lintun" mtu "Data Center" big
expect 2 "unknown option" "$lintun" --frob
expect 0 "help" "$lintun" --help
grep -q "^usage: lintun" "$tmp/out" || fail "--help prints no usage"
expect 0 "version" "$lintun" --version
grep -q "^lintun [0-9]*\.[0-9]*" "$tmp/out" || fail "--version prints no version"

expect 0 "show of a non-ASCII name" "$lintun" show "TUNNEL CAFÉ ☕" --json
json_ok "$tmp/out" "show --json (non-ASCII name)"

kill "$r1" "$r2" "$r3"
wait "$r1" "$r2" "$r3"
expect 0 "list after the adapters are gone" "$lintun" list
grep -q "no adapters" "$tmp/out" || fail "adapters still listed after their creators exited"
exit $failed
INNER
rc=$?
[ $rc -eq 0 ] && echo "all lintun checks passed"
exit $rc
