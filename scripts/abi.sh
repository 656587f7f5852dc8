#!/bin/sh
# SPDX-License-Identifier: MIT
# The ABI gate (mk/abi.mk), with Debian's abigail-tools.
#   abi.sh dump LIB OUT          write LIB's ABI (public types only) to OUT
#   abi.sh check LIB BASELINE    compare LIB with the committed BASELINE
# check fails on any change a program built against BASELINE could notice: a
# removed or renamed symbol (a new version node or soname counts), a changed
# signature, a changed layout of a public struct. Functions added since the
# baseline are compatible: they are counted, never a failure.
# Types defined outside include/ (the library's own structs behind the
# handles) are opaque to users and left out of the comparison.
set -eu
cmd=${1:-}
lib=${2:-}
file=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)

for tool in abidw abidiff readelf; do
    command -v $tool >/dev/null 2>&1 ||
        { echo "abi: $tool is missing: apt-get install abigail-tools binutils (or make deps)" >&2; exit 1; }
done
[ -f "$lib" ] || { echo "abi: $lib is not built" >&2; exit 1; }
readelf -S "$lib" | grep -q '\.debug_info' ||
    { echo "abi: $lib has no debug information; build it with -g in CFLAGS" >&2; exit 1; }

dump() { # dump LIB OUT
    abidw --no-corpus-path --no-comp-dir-path --no-show-locs --type-id-style hash \
        --headers-dir "$here/include" --drop-private-types "$1" >"$2.tmp" && mv "$2.tmp" "$2"
}

case $cmd in
dump)
    dump "$lib" "$file"
    echo "abi: wrote $file from $lib ($(grep -c '<elf-symbol ' "$file") symbols)"
    ;;
check)
    [ -f "$file" ] || { echo "abi: no baseline $file for $lib (make abi-baseline)" >&2; exit 1; }
    current=${lib%/*}/abi-current.xml
    dump "$lib" "$current"
    # abidiff's status is a bit mask: 1 error, 2 usage, 4 ABI change, 8
    # incompatible (a removal). With additions left out, any change fails.
    set +e
    abidiff --no-added-syms "$file" "$current" >"$current.diff" 2>&1
    rc=$?
    set -e
    if [ $rc != 0 ]; then
        if [ $((rc & 3)) != 0 ]; then
            echo "abi: abidiff failed (status $rc):" >&2
        else
            echo "abi: FAIL: $lib breaks the ABI recorded in $file:" >&2
        fi
        sed 's/^/    /' "$current.diff" >&2
        echo "abi: a deliberate ABI change takes a new soname, version node and baseline" \
            "together (README, \"Changing the ABI\")" >&2
        exit 1
    fi
    added=$(abidiff "$file" "$current" 2>/dev/null | grep -c '^  \[A\] ' || true)
    echo "abi: $lib is compatible with $file ($added function(s) added since)"
    ;;
*)
    echo "usage: $0 dump|check LIB FILE" >&2
    exit 2
    ;;
esac
