#!/bin/sh
# SPDX-License-Identifier: MIT
# The C files of the tree against .clang-format.
# Usage: format.sh check|apply
#   check: list the files clang-format would change, and fail if there are any
#   apply: rewrite those files in place
# The files are the tracked *.c and *.h (git ls-files); outside a git checkout
# of this tree (a release tarball), every *.c and *.h but build output.
# CLANG_FORMAT names another binary; .clang-format is written for version 14,
# and other versions may lay out a few lines differently.
set -eu
cd "$(dirname "$0")/.."
mode=${1:-check}
cf=${CLANG_FORMAT:-clang-format}

if ! command -v "$cf" >/dev/null 2>&1; then
    echo "format: $cf is missing; run \`make deps\` as root, or: apt-get install clang-format" >&2
    exit 1
fi

files() {
    if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
        git ls-files -- '*.c' '*.h'
    else
        find . \( -name .git -o -name 'build*' -o -path ./debian \) -prune -o \
            -type f \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||' | LC_ALL=C sort
    fi
}

differ=$(files | while IFS= read -r f; do
    [ -f "$f" ] || continue # deleted but not yet committed
    "$cf" --style=file "$f" | cmp -s "$f" - || printf '%s\n' "$f"
done)
[ -n "$differ" ] || exit 0

case $mode in
apply)
    printf '%s\n' "$differ" | while IFS= read -r f; do
        echo "  FORMAT  $f"
        "$cf" --style=file -i "$f"
    done
    ;;
check)
    echo "format: these files differ from .clang-format ($("$cf" --version)):" >&2
    printf '  %s\n' $differ >&2
    echo "format: run \`make format\` to rewrite them" >&2
    exit 1
    ;;
*)
    echo "usage: format.sh check|apply" >&2
    exit 2
    ;;
esac
