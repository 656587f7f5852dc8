#!/bin/sh
# SPDX-License-Identifier: MIT
# `make install` into a temporary prefix, then build outside programs with
# pkg-config against it: one written only against the Wintun documentation,
# one loading the library with dlopen. Both run as root in `unshare -n`.
set -eu
build=${LINTUN_BUILD:-build}
[ "$(id -u)" = 0 ] || { echo "needs root (unshare -n, adapters)"; exit 77; }
[ -c /dev/net/tun ] || { echo "/dev/net/tun is missing"; exit 77; }
command -v pkg-config >/dev/null || { echo "pkg-config is missing"; exit 77; }
unshare -n true 2>/dev/null || { echo "cannot create a network namespace (fakeroot?)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s --no-print-directory install B="$build" PREFIX="$tmp/prefix" >/dev/null
test -f "$tmp/prefix/include/wintun.h"
test -L "$tmp/prefix/lib/liblintun.so"
readelf -d "$tmp/prefix/lib/liblintun.so" | grep -q 'SONAME.*liblintun.so.0'
# Only Wintun* and Lintun* symbols are exported.
bad=$(nm -D --defined-only "$tmp/prefix/lib/liblintun.so" | awk '{print $3}' | grep -Ev '^(Wintun|Lintun|LINTUN_)' || true)
[ -z "$bad" ] || { echo "unexpected exports: $bad"; exit 1; }
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc -Wall -Werror -o "$tmp/doc-program" tests/compat/doc-program.c $(pkg-config --cflags --libs lintun)
cc -Wall -Werror -o "$tmp/dlopen-program" tests/compat/dlopen-program.c $(pkg-config --cflags lintun) -ldl
# The examples are installed as source, and the tunnel builds from there as a user builds it.
test -f "$tmp/prefix/share/doc/lintun/examples/udp-tunnel.py"
cc -Wall -Werror -pthread -o "$tmp/udp-tunnel" \
    "$tmp/prefix/share/doc/lintun/examples/udp-tunnel.c" $(pkg-config --cflags --libs lintun)
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/udp-tunnel" 2>&1 | grep -q '^usage: udp-tunnel'
LD_LIBRARY_PATH="$tmp/prefix/lib" unshare -n "$tmp/doc-program"
LD_LIBRARY_PATH="$tmp/prefix/lib" unshare -n "$tmp/dlopen-program"
