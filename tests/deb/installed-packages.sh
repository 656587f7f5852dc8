#!/bin/sh
# SPDX-License-Identifier: MIT
# The built Debian packages, installed and used as a user would: dpkg -i of
# liblintun0, liblintun-dev, lintun and python3-wintun inside a private mount
# namespace whose /usr, /etc and /var are overlays on a tmpfs, so the host
# sees nothing and everything is gone at exit. There: build the documented
# example program (tests/compat/doc-program.c) with `pkg-config --cflags
# --libs lintun` against the installed header and library and run it in a
# network namespace of its own; link it statically too; build the installed
# tunnel example; import `wintun` from
# /usr/bin/python3 and make an adapter with it; run the lintun tool; find the
# man pages; then purge the packages. Not part of tests/run.sh: it needs the
# .debs (`make deb-check` builds them and runs this).
# Usage: installed-packages.sh [DEBDIR]   (default build-deb). Exit 0 pass,
# 1 fail, 77 skip with the reason.
set -eu
cd "$(dirname "$0")/../.."
skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

if [ "${1:-}" = --inside ]; then
    debs=$2 tmp=$3
    # Private overlays: dpkg writes /usr, /etc (ld.so.cache) and /var/lib/dpkg.
    for d in usr etc var; do
        mkdir -p "$tmp/$d.up" "$tmp/$d.work"
        mount -t overlay overlay -o "lowerdir=/$d,upperdir=$tmp/$d.up,workdir=$tmp/$d.work" "/$d"
    done
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    dpkg -i $debs >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i"; }
    echo "installed:$(for f in $debs; do printf ' %s' "${f##*/}"; done)"
    for p in liblintun0 liblintun-dev lintun python3-wintun; do
        dpkg-query -W -f='${Status}\n' "$p" | grep -q 'install ok installed' || fail "$p is not installed"
    done
    multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
    lib=/usr/lib/$multiarch/liblintun.so.0
    [ -e "$lib" ] || fail "$lib is missing"
    [ -f /usr/include/wintun.h ] || fail "/usr/include/wintun.h is missing"

    # The example, against what pkg-config says about the installed files.
    cflags=$(pkg-config --cflags --libs lintun) || fail "pkg-config lintun"
    echo "pkg-config --cflags --libs lintun: $cflags"
    # shellcheck disable=SC2086
    cc -Wall -Werror -o "$tmp/doc-program" tests/compat/doc-program.c $cflags ||
        fail "building doc-program against the installed package"
    used=$(ldd "$tmp/doc-program" | awk '$1 == "liblintun.so.0" { print $3 }')
    [ -n "$used" ] && [ "$(readlink -f "$used")" = "$(readlink -f "$lib")" ] ||
        { ldd "$tmp/doc-program"; fail "doc-program does not use $lib"; }
    unshare -n "$tmp/doc-program" || fail "doc-program in a network namespace"
    echo "doc-program (shared, $lib): ok"
    # shellcheck disable=SC2046
    cc -Wall -Werror -o "$tmp/doc-static" tests/compat/doc-program.c -l:liblintun.a \
        $(pkg-config --static --libs-only-l lintun | sed 's/-llintun//') -pthread ||
        fail "linking doc-program with liblintun.a"
    ! ldd "$tmp/doc-static" | grep -q liblintun || fail "doc-static still loads liblintun.so"
    unshare -n "$tmp/doc-static" || fail "doc-static in a network namespace"
    echo "doc-program (static liblintun.a): ok"
    # The tunnel example, installed as source, builds as its reader would build it.
    ex=/usr/share/doc/liblintun-dev/examples
    [ -f $ex/udp-tunnel.py ] || fail "$ex/udp-tunnel.py is missing"
    # shellcheck disable=SC2086
    cc -Wall -Werror -pthread -o "$tmp/udp-tunnel" $ex/udp-tunnel.c $cflags ||
        fail "building $ex/udp-tunnel.c"
    "$tmp/udp-tunnel" 2>&1 | grep -q '^usage: udp-tunnel' || fail "udp-tunnel without options"
    echo "$ex/udp-tunnel.c: builds"

    # The Python module, from /usr/bin/python3's own path, outside the tree.
    (cd / && unshare -n /usr/bin/python3 -c '
import sys, wintun
assert wintun.__file__.startswith("/usr/lib/python3/dist-packages/"), wintun.__file__
major, minor = [int(l.split()[2]) for l in open("/usr/include/wintun.h")
                if l.startswith(("#define LINTUN_VERSION_MAJOR ", "#define LINTUN_VERSION_MINOR "))]
assert wintun.get_driver_version() == (major << 16) | minor, wintun.get_driver_version()
tun = wintun.TunDevice("PkgTest", "tunnel")
tun.addr = "10.77.0.1"
tun.up()
print("import wintun:", wintun.__file__, "version", hex(wintun.get_driver_version()), "adapter ok")
tun.close()
') || fail "python3: import wintun and make an adapter"

    out=$(unshare -n /usr/bin/lintun list 2>&1) || fail "lintun list: $out"
    echo "lintun list: ok"
    for page in /usr/share/man/man1/lintun.1.gz /usr/share/man/man7/lintun.7.gz \
        /usr/share/man/man3/WintunReceivePacket.3.gz; do
        [ -f "$page" ] || fail "$page is missing"
    done
    echo "man pages: ok"

    dpkg --purge python3-wintun lintun liblintun-dev liblintun0 >"$tmp/purge.log" 2>&1 ||
        { cat "$tmp/purge.log"; fail "dpkg --purge"; }
    [ ! -e "$lib" ] || fail "$lib is still there after purge"
    echo "purged: ok"
    exit 0
fi

debdir=${1:-build-deb}
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i in a mount namespace, network namespaces)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing"
for tool in unshare dpkg pkg-config cc python3; do
    command -v $tool >/dev/null 2>&1 || skip "$tool is missing"
done
debs=
for p in liblintun0 liblintun-dev lintun python3-wintun; do
    f=$(ls "$debdir"/${p}_*.deb 2>/dev/null | head -n 1)
    [ -n "$f" ] || fail "no ${p}_*.deb in $debdir (make deb)"
    debs="$debs $(cd "$(dirname "$f")" && pwd)/${f##*/}"
done
unshare -m true 2>/dev/null || skip "cannot create a mount namespace"
tmp=$(mktemp -d)
trap 'rmdir "$tmp" 2>/dev/null || rm -rf "$tmp"' EXIT
unshare -m --propagation private sh -c 'mount -t tmpfs lintun-deb-test "$1" && shift && exec sh "$@"' \
    sh "$tmp" "$0" --inside "$debs" "$tmp"
echo "installed-packages: ok"
