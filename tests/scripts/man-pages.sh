#!/bin/sh
# SPDX-License-Identifier: MIT
# Man pages: `make man` builds them; every function liblintun exports (and
# every function wintun.h declares, and the inline Win32 wrappers) has a
# section 3 page made from its doc comment in wintun.h by man/mkman.py, and
# the pages built are what mkman.py makes of the header now; mkman.py
# refuses a function without a doc comment, or one without its Errors or
# Returns part; lintun(1) and lintun(7) exist; `make install` puts them
# where man finds them, and each one, links included, renders without a
# warning and under its own name. It builds, installs and renders every
# page, which on a loaded machine takes near a minute:
# test-timeout: 120
set -u
build=${LINTUN_BUILD:-build}

skip() { echo "skipped: $*"; exit 77; }
python=${PYTHON:-/usr/bin/python3}
for tool in scdoc man nm $python; do
    command -v $tool >/dev/null 2>&1 ||
        skip "$tool is missing (apt-get install scdoc man-db binutils python3)"
done

failed=0
fail() { echo "FAIL: $*"; failed=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s --no-print-directory lib man B="$build" || { echo "FAIL: make man"; exit 1; }

# The functions that need a page: the exports (minus the version node), the
# functions the header declares (a prototype, or a *_FUNC typedef used as
# one), and the three inline wrappers.
nm -D --defined-only "$build/liblintun.so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' \
    >"$tmp/exports"
[ -s "$tmp/exports" ] || { echo "FAIL: no exports found in $build/liblintun.so"; exit 1; }
sed -n -e 's/^[A-Z_]*_FUNC \([A-Z][A-Za-z]*\);$/\1/p' \
       -e 's/^[A-Za-z_]\{1,\} \**\(Lintun[A-Za-z]*\)(.*/\1/p' include/wintun.h >"$tmp/declared"
grep -q LintunGetAddresses "$tmp/declared" && grep -q WintunSendPacket "$tmp/declared" ||
    fail "could not read the function list from include/wintun.h"
for f in $(cat "$tmp/declared"); do
    grep -qx "$f" "$tmp/exports" || fail "$f is declared in wintun.h but not exported"
done
printf '%s\n' WaitForSingleObject GetLastError SetLastError |
    sort -u - "$tmp/exports" "$tmp/declared" >"$tmp/functions"
# Each has a page of its own or a link to the page that documents it, both
# made from the header (mkman.py --list names them).
"$python" man/mkman.py --list include/wintun.h >"$tmp/generated" ||
    fail "man/mkman.py --list include/wintun.h"
n=0
for f in $(cat "$tmp/functions"); do
    n=$((n + 1))
    [ -s "$build/man/$f.3" ] || fail "no man page for $f ($build/man/$f.3)"
    grep -qx "$f.3" "$tmp/generated" || fail "$f has no page generated from include/wintun.h"
done
[ "$n" -ge 38 ] || fail "only $n functions found (14 Wintun, 21 Lintun, 3 wrappers expected)"
for p in lintun.1 lintun.7; do
    [ -s "$build/man/$p" ] || fail "no man page $p"
done
for src in man/*.scd man/mkman.py; do
    head -n 2 "$src" | grep -q 'SPDX-License-Identifier: MIT' || fail "$src has no SPDX line"
done
ls man/*.3.scd >/dev/null 2>&1 &&
    fail "hand-written section 3 pages in man/: document the function in include/wintun.h"

# The pages built are current: mkman.py makes the same of the header now.
"$python" man/mkman.py include/wintun.h "$tmp/scd" || fail "man/mkman.py include/wintun.h"
diff -r "$tmp/scd" "$build/man/scd" >"$tmp/diff" ||
    { fail "$build/man/scd is not what man/mkman.py makes of include/wintun.h:"; head -n 20 "$tmp/diff"; }

# mkman.py names the line of a function declared without a doc comment, and
# of a doc comment without its Errors part.
awk '/^ \* WintunDeleteDriver - / { sub(/\/\*\*$/, "/*", prev) } NR > 1 { print prev } { prev = $0 }
     END { print prev }' include/wintun.h >"$tmp/undocumented.h"
line=$(grep -n '^WINTUN_DELETE_DRIVER_FUNC WintunDeleteDriver;$' "$tmp/undocumented.h" | cut -d: -f1)
"$python" man/mkman.py --check "$tmp/undocumented.h" 2>"$tmp/err" &&
    fail "mkman.py accepts WintunDeleteDriver without a doc comment"
grep -q "^$tmp/undocumented.h:$line: WintunDeleteDriver has no doc comment" "$tmp/err" ||
    { fail "mkman.py does not name the undocumented WintunDeleteDriver at line $line:"; cat "$tmp/err"; }
awk '/^ \* WintunGetReadWaitEvent - / { on = 1 } on && /^ \* Errors:/ { skip = 1 }
     skip && /^ \*$/ { skip = 0; on = 0 } !skip' include/wintun.h >"$tmp/no-errors.h"
"$python" man/mkman.py --check "$tmp/no-errors.h" 2>"$tmp/err" &&
    fail "mkman.py accepts WintunGetReadWaitEvent without an Errors part"
grep -q "no-errors.h:[0-9]*: the doc comment of WintunGetReadWaitEvent has no Errors part" \
    "$tmp/err" || { fail "mkman.py does not report the missing Errors part:"; cat "$tmp/err"; }

# Install into a temporary prefix and ask man, as a user would.
make -s --no-print-directory install B="$build" PREFIX="$tmp/prefix" >"$tmp/install.log" 2>&1 ||
    { fail "make install"; cat "$tmp/install.log"; exit 1; }
unset MAN_KEEP_FORMATTING MANPAGER PAGER
export MANPATH="$tmp/prefix/share/man" MANWIDTH=80 LC_ALL=C.UTF-8
got=$(man -w 3 WintunReceivePacket 2>&1)
[ "$got" = "$MANPATH/man3/WintunReceivePacket.3" ] ||
    fail "man -w 3 WintunReceivePacket: '$got', want $MANPATH/man3/WintunReceivePacket.3"

# Render every page from the installed tree: no warnings from man or groff,
# and the NAME section names the function (for links: the page they show).
render() { # render SECTION NAME
    man --warnings -P cat "$1" "$2" >"$tmp/raw" 2>"$tmp/err"
    rc=$?
    sed 's/.\x08//g' "$tmp/raw" >"$tmp/out"   # in case man still overstrikes
    [ $rc = 0 ] || { fail "man $1 $2: exit $rc"; sed 's/^/    | /' "$tmp/err"; return; }
    [ -s "$tmp/err" ] && { fail "man $1 $2 warns:"; sed 's/^/    | /' "$tmp/err"; }
    awk '/^NAME/ { on = 1; next } /^[A-Z]/ { on = 0 } on' "$tmp/out" | grep -qw "$2" ||
        fail "man $1 $2: the NAME section does not mention $2"
}
for f in $(cat "$tmp/functions"); do
    render 3 "$f"
done
render 1 lintun
render 7 lintun
# And one page straight from its file, as `man -l` shows it.
man --warnings -l "$MANPATH/man3/WintunReceivePacket.3" 2>"$tmp/err" | grep -q 'ERROR_NO_MORE_ITEMS' ||
    fail "man -l WintunReceivePacket.3 does not show ERROR_NO_MORE_ITEMS"
[ -s "$tmp/err" ] && { fail "man -l warns:"; cat "$tmp/err"; }

[ $failed = 0 ] && echo "man pages: $n functions, lintun(1), lintun(7): built, installed, rendered"
exit $failed
