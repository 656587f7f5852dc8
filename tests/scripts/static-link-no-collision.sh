#!/bin/sh
# SPDX-License-Identifier: MIT
# liblintun.a must not collide with the program that links it. Builds
# tests/compat/static-link-program.c, which defines its own log_msg, fail,
# nl_open, nl_close, ring_init, session_get, ..., with the public header only,
# links it statically against liblintun.a and runs it (as root, also with an
# adapter, in a network namespace of its own). Then checks with nm that
# liblintun.a and liblintun.so define no global symbol but the API.
# LINTUN_STATIC_LIB names another archive to check (an older build, say).
set -u
build=${LINTUN_BUILD:-build}
lib=${LINTUN_STATIC_LIB:-$build/liblintun.a}
so=$build/liblintun.so
cc=${CC:-cc}

fail() { echo "FAIL: $*"; exit 1; }
command -v "$cc" >/dev/null 2>&1 || { echo "skipped: no C compiler ($cc)"; exit 77; }
command -v nm >/dev/null 2>&1 || { echo "skipped: nm missing (binutils)"; exit 77; }
[ -f "$lib" ] || fail "$lib is missing (run make)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$cc" -std=gnu11 -Wall -Wextra -Werror -Iinclude -o "$tmp/program" \
        tests/compat/static-link-program.c "$lib" -lmnl -luring -pthread 2>"$tmp/link.log"; then
    sed 's/^/    | /' "$tmp/link.log" | head -20
    fail "a program with its own log_msg, nl_close, ... does not link against $lib"
fi
"$tmp/program" || fail "the statically linked program failed"
if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && unshare -n true 2>/dev/null; then
    unshare -n "$tmp/program" adapter || fail "the statically linked program failed with an adapter"
else
    echo "(not root or no /dev/net/tun: ran without an adapter)"
fi

# Defined global symbols: the API only (the .so also has its version node).
api='^(Wintun|Lintun)[A-Za-z0-9]*$'
nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/a.syms"
bad=$(grep -Ev "$api" "$tmp/a.syms")
[ -z "$bad" ] || fail "$lib defines non-API globals:" $bad
echo "$lib: $(wc -l <"$tmp/a.syms") global symbols, all API"
if [ -z "${LINTUN_STATIC_LIB:-}" ]; then
    [ -f "$so" ] || fail "$so is missing (run make)"
    nm -D --defined-only "$so" | awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/so.syms"
    bad=$(grep -Ev "$api|^LINTUN_[0-9.]+$" "$tmp/so.syms")
    [ -z "$bad" ] || fail "$so exports non-API symbols:" $bad
    # The two libraries export the same functions.
    grep -Ev '^LINTUN_' "$tmp/so.syms" | cmp -s - "$tmp/a.syms" ||
        fail "liblintun.a and liblintun.so differ: $(grep -Ev '^LINTUN_' "$tmp/so.syms" | diff - "$tmp/a.syms" | grep '^[<>]' | tr '\n' ' ')"
    echo "$so: $(wc -l <"$tmp/so.syms") dynamic symbols, all API"
fi
echo "static link: ok"
