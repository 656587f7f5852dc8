#!/bin/sh
# SPDX-License-Identifier: MIT
# debian/liblintun0.symbols: every symbol liblintun.so exports, with its
# version node and the first version that had it.
#   symbols.sh update LIB FILE VERSION   add LIB's new exports to FILE with
#                                        VERSION (`make symbols`); the others
#                                        keep their versions
#   symbols.sh check LIB FILE VERSION    name exports missing from FILE (a
#                                        notice: adding exports is compatible)
# A symbol in FILE that LIB lost fails the package build (dh_makeshlibs) and
# `make check` (scripts/abi.sh).
set -eu
cmd=${1:-}
lib=${2:-}
file=${3:-}
version=${4:-}
[ -f "$lib" ] || { echo "symbols: $lib is not built" >&2; exit 1; }

exports() { # name@node, as in the symbols file
    nm -D --defined-only --with-symbol-versions "$lib" | awk '{ if ($3 !~ /@/) $3 = $3 "@" $3; sub(/@@/, "@", $3); print $3 }' | sort
}

case $cmd in
update)
    command -v dpkg-gensymbols >/dev/null 2>&1 ||
        { echo "symbols: dpkg-gensymbols is missing: apt-get install dpkg-dev" >&2; exit 1; }
    # Run where debian/control is; -I keeps the versions already recorded.
    cd "$(dirname "$0")/.."
    basis=
    [ -f "$file" ] && basis=-I$file
    dpkg-gensymbols -q -c0 -pliblintun0 -v"$version" $basis -e"$lib" -O"$file.new"
    mv "$file.new" "$file"
    echo "symbols: $file lists $(grep -c '^ ' "$file") symbols"
    ;;
check)
    [ -f "$file" ] || { echo "symbols: $file is missing (make symbols)" >&2; exit 1; }
    missing=$(exports | while read -r s; do
        grep -q "^ $s " "$file" || printf ' %s' "$s"; done)
    if [ -n "$missing" ]; then
        echo "symbols: not yet in $file:$missing"
        echo "symbols: \`make symbols\` adds them (with version $version; SINCE=X.Y.Z for another)"
    fi
    ;;
*)
    echo "usage: $0 update|check LIB FILE VERSION" >&2
    exit 2
    ;;
esac
