#!/bin/sh
# SPDX-License-Identifier: MIT
# Shared by tests/scripts/udp-tunnel-*.sh (not a test by itself): a tunnel under test
# in one network namespace (a), its peer in another (b), a veth pair between
# them; namespaces made here and deleted on exit. The tunnel is
# $LINTUN_TUNNEL (a command; default examples/udp-tunnel of $LINTUN_BUILD),
# the peer $LINTUN_TUNNEL_PEER run with the same options, or, when that is
# empty, Debian's `socat TUN:... UDP-DATAGRAM:...`. Checks: ping both ways
# over IPv4 and IPv6 inside the tunnel, small and filling the MTU; no outer
# datagram fragmented; 100 MB of TCP each way, sha256 equal at the far end;
# datagrams that are not IP packets sent to the tunnel's socket are counted
# ("4 not IP") and traffic goes on; SIGTERM ends the tunnel with exit 0,
# counters on stderr and its adapter gone.
# MTUs: the veth link is 1500; an outer IPv4 header (20) and UDP header (8)
# leave 1472 for the inner packet, so both tunnel ends use 1472 and no outer
# datagram is fragmented (socat's default of 1500 would make 1528-byte ones).
set -u
build=${LINTUN_BUILD:-build}
tunnel=${LINTUN_TUNNEL:-$build/examples/udp-tunnel}
peer=${LINTUN_TUNNEL_PEER:-}
slow=${LINTUN_TEST_SLOWDOWN:-1}

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces and TUN adapters)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is not usable here"
for tool in ip ping socat sha256sum timeout; do
    command -v $tool >/dev/null 2>&1 || skip "$tool missing (iproute2, iputils-ping, socat, coreutils)"
done
ns_a=lt-tun-$$-a ns_b=lt-tun-$$-b
ip netns add "$ns_a" 2>/dev/null || skip "cannot create a network namespace"
tmp=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for ns in "$ns_a" "$ns_b"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns delete "$ns" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
failed=0
fail() { echo "FAIL: $*"; failed=1; }
a() { ip netns exec "$ns_a" "$@"; }
b() { ip netns exec "$ns_b" "$@"; }
wait_for() { # wait_for SECONDS WHAT COMMAND...: poll until COMMAND succeeds
    limit=$(($1 * 10 * slow)) what=$2 i=0; shift 2
    until "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -le $limit ] || { echo "FAIL: $what"; return 1; }
        sleep 0.1
    done
}

ip netns add "$ns_b" || exit 1
ip link add va netns "$ns_a" type veth peer name vb netns "$ns_b" || exit 1
a ip link set lo up && a ip addr add 10.71.0.1/24 dev va && a ip link set va up || exit 1
b ip link set lo up && b ip addr add 10.71.0.2/24 dev vb && b ip link set vb up || exit 1

# The tunnel under test in a, socat in b.
ip netns exec "$ns_a" $tunnel --name lttun --address 10.72.0.1/24 \
    --address fd00:72::1/64 --local 10.71.0.1:5555 --peer 10.71.0.2:5555 --mtu 1472 \
    >"$tmp/tunnel.out" 2>"$tmp/tunnel.err" &
tpid=$!
pids="$pids $tpid"
if [ -n "$peer" ]; then
    ip netns exec "$ns_b" $peer --name ltpeer --address 10.72.0.2/24 --address fd00:72::2/64 \
        --local 10.71.0.2:5555 --peer 10.71.0.1:5555 --mtu 1472 \
        >"$tmp/peer.out" 2>"$tmp/peer.err" &
    ppid=$!
else
    ip netns exec "$ns_b" socat TUN:10.72.0.2/24,tun-name=ltpeer,up,iff-no-pi,tun-type=tun \
        UDP-DATAGRAM:10.71.0.1:5555,bind=10.71.0.2:5555 2>"$tmp/peer.err" &
    ppid=
fi
pids="$pids $!"
wait_for 10 "the tunnel never printed ready" grep -qx ready "$tmp/tunnel.out" || {
    cat "$tmp/tunnel.err"; exit 1; }
if [ -n "$peer" ]; then
    wait_for 10 "the peer never printed ready" grep -qx ready "$tmp/peer.out" || {
        cat "$tmp/peer.err"; exit 1; }
else
    wait_for 10 "socat's interface never appeared" b ip link show ltpeer || exit 1
    b ip link set ltpeer mtu 1472 && b ip -6 addr add fd00:72::2/64 dev ltpeer nodad || exit 1
fi
# Duplicate address detection may hold IPv6 addresses back for a moment.
nottentative() { ! "$@" ip -6 addr show tentative | grep -q inet6; }
wait_for 5 "IPv6 stays tentative in a" nottentative a || exit 1
wait_for 5 "IPv6 stays tentative in b" nottentative b || exit 1
[ "$(a cat /sys/class/net/lttun/mtu)" = 1472 ] || fail "the tunnel's adapter MTU is not 1472"

# 1. Ping both ways, both families.
ping_ok() { # ping_ok NS-FUNCTION ARGS...
    ns=$1; shift
    if $ns ping -c 3 -i 0.2 -W $((2 * slow)) "$@" >"$tmp/ping" 2>&1 &&
        grep -q '3 packets transmitted, 3 received' "$tmp/ping"; then
        echo "ping $* from $ns: 3 of 3"
    else
        cat "$tmp/ping"
        fail "ping $* from $ns"
    fi
}
ping_ok a 10.72.0.2
ping_ok a -6 fd00:72::2
ping_ok b 10.72.0.1
ping_ok b -6 fd00:72::1
# Large pings that fill the inner MTU exactly (1472 - 28 and 1472 - 48), DF set.
ping_ok a -M do -s 1444 10.72.0.2
ping_ok b -M do -s 1444 10.72.0.1
ping_ok a -6 -M do -s 1424 fd00:72::2
# No outer datagram was fragmented.
frag=$(a cat /proc/net/snmp | awk '/^Ip: [0-9]/ {print $(NF-1)}')
[ "$frag" = 0 ] || fail "namespace a fragmented $frag outer datagrams"

# Once a ping has failed, the 100 MB copies and the non-IP datagrams (some
# 15 s) show nothing more: straight on to stopping, which prints the
# tunnels' counters.
if [ $failed = 0 ]; then
    # 2. 100 MB of TCP each way, checked with sha256 at the far end.
    head -c 104857600 /dev/urandom >"$tmp/data" || exit 1
    want=$(sha256sum <"$tmp/data" | cut -d' ' -f1)
    tcp_copy() { # tcp_copy FROM-NS TO-NS TO-ADDR PORT
        case $3 in *:*) dst="[$3]" listen=TCP6-LISTEN ;; *) dst=$3 listen=TCP4-LISTEN ;; esac
        $2 sh -c 'socat -u $0:$1,bind=$2,reuseaddr - | sha256sum | cut -d" " -f1 >"$3"' \
            "$listen" "$4" "$dst" "$tmp/got" &
        rpid=$!
        wait_for 5 "TCP listener on $3" $2 sh -c "ss -ltnH | grep -q ':$4 '" || return
        from_ns=$ns_a
        [ "$1" = b ] && from_ns=$ns_b
        if ! timeout $((60 * slow)) ip netns exec "$from_ns" socat -u "OPEN:$tmp/data" \
            "TCP:$dst:$4" 2>"$tmp/tcp.err"; then
            cat "$tmp/tcp.err"
            fail "sending 100 MB from $1 to $3"
            kill $rpid 2>/dev/null
        fi
        wait $rpid
        got=$(cat "$tmp/got")
        [ "$got" = "$want" ] && echo "100 MB from $1 to $3: sha256 matches" ||
            fail "100 MB from $1 to $3: sha256 $got, want $want"
    }
    tcp_copy a b 10.72.0.2 7001
    tcp_copy b a fd00:72::1 7002

    # 3. Datagrams that are not IP packets, from b to udp-tunnel's socket: a
    # text, one byte, an IPv4 header cut short, an IPv6 one with a payload
    # length beyond the datagram. Counted, dropped, no harm.
    for junk in 'hello, not an IP packet' 'x' 'E0000000000' '`00000000000000000000000000000000000000000000'; do
        printf '%s' "$junk" | b socat -u - UDP-SENDTO:10.71.0.1:5555,bind=10.71.0.2:5600 ||
            fail "could not send a non-IP datagram"
    done
    ping_ok a 10.72.0.2
    ping_ok b -6 fd00:72::1
fi

# 4. SIGTERM: exit 0, counters on stderr, the adapter gone.
stop() { # stop PID NAME ERRFILE NS-FUNCTION IFNAME
    kill -TERM "$1"
    wait "$1"
    rc=$?
    echo "--- $2 (exit $rc):"
    cat "$3"
    [ $rc = 0 ] || fail "$2 exited $rc on SIGTERM, want 0"
    grep -q 'peer->adapter: [1-9][0-9]* packets' "$3" || fail "$2: no peer->adapter packets counted"
    grep -q 'adapter->peer: [1-9][0-9]* packets' "$3" || fail "$2: no adapter->peer packets counted"
    ! $4 ip link show "$5" >/dev/null 2>&1 || fail "$2: adapter $5 remains after exit"
    ! grep -q '^lintun:' "$3" || fail "$2: lintun logged warnings or errors"
}
stop $tpid tunnel "$tmp/tunnel.err" a lttun
[ $failed = 1 ] || grep -q ' 4 not IP (dropped)' "$tmp/tunnel.err" || fail "the tunnel did not count 4 non-IP datagrams"
if [ -n "$ppid" ]; then
    stop $ppid peer "$tmp/peer.err" b ltpeer
    grep -q ' 0 not IP (dropped)' "$tmp/peer.err" || fail "the peer counted non-IP datagrams"
fi

[ $failed = 0 ] && echo "udp-tunnel: all checks passed (tunnel: $tunnel; peer: ${peer:-socat})"
exit $failed
