#!/bin/sh
# SPDX-License-Identifier: MIT
# One-way layers in src/. docs/architecture.md, under "## Layers", lists
# every file of src/ in numbered lines, bottom to top ("3. `a.c`, `a.h`: what
# they do"). A file may include (#include "...") only files of its own line
# or of lines above it, and the includes must have no cycle. Every file of
# src/ must be listed exactly once. LINTUN_LAYERS_SRC and LINTUN_LAYERS_DOC
# point it at another tree (to see it fail on a copy).
set -u
src=${LINTUN_LAYERS_SRC:-src}
doc=${LINTUN_LAYERS_DOC:-docs/architecture.md}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# "level file" for every file named before the ": " of a numbered line.
awk '/^## Layers/ { on = 1; next }
     /^## / { on = 0 }
     on && /^[0-9]+\. / {
         n++
         head = $0
         sub(/: .*/, "", head)
         while (match(head, /`[^`]+`/)) {
             print n, substr(head, RSTART + 1, RLENGTH - 2)
             head = substr(head, RSTART + RLENGTH)
         }
     }' "$doc" >"$tmp/levels"
if [ ! -s "$tmp/levels" ]; then
    echo "layers: no numbered list under \"## Layers\" in $doc"
    exit 1
fi

bad=0
dups=$(awk '{ print $2 }' "$tmp/levels" | sort | uniq -d)
for f in $dups; do
    echo "layers: $f is listed twice in $doc"
    bad=1
done

level() { awk -v f="$1" '$2 == f { print $1; exit }' "$tmp/levels"; }
first() { awk -v n="$1" '$1 == n { print $2; exit }' "$tmp/levels"; }

: >"$tmp/edges"
for path in "$src"/*.c "$src"/*.h; do
    f=${path##*/}
    lf=$(level "$f")
    if [ -z "$lf" ]; then
        echo "layers: $src/$f is not in the list in $doc"
        bad=1
        continue
    fi
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$path"); do
        [ -f "$src/$inc" ] || continue # include/wintun.h, the public API, is below everything
        li=$(level "$inc")
        [ -n "$li" ] || continue # reported above as unlisted
        # Nodes are files within a line, lines (by their first file) between lines.
        if [ "$li" = "$lf" ]; then
            echo "$f $inc" >>"$tmp/edges"
        else
            echo "$(first "$lf") $(first "$li")" >>"$tmp/edges"
        fi
        if [ "$li" -gt "$lf" ]; then
            echo "layers: $src/$f (layer $lf) includes $inc from above it (layer $li)"
            bad=1
        fi
    done
done

if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/tsort"; then
    echo "layers: the includes of $src have a cycle:"
    cat "$tmp/tsort"
    bad=1
fi

if [ "$bad" -ne 0 ]; then
    echo "layers: FAIL (docs/architecture.md, \"## Layers\", says the order)"
    exit 1
fi
echo "layers: $(wc -l <"$tmp/edges") includes in $src follow the $(tail -n 1 "$tmp/levels" | cut -d' ' -f1) layers of $doc"
