#!/bin/sh
# SPDX-License-Identifier: MIT
# The release version is written once, in include/wintun.h; everything else
# derives it (Makefile, lintun.pc, setup.py, man page titles), except
# debian/changelog, which dpkg reads before anything is built: its upstream
# version must agree. The version node and the soname are the ABI's and do
# not follow the release (README, "Changing the ABI").
set -u
cd "$(dirname "$0")/../.." || exit 1
build=${LINTUN_BUILD:-build}
failed=0
fail() { echo "FAIL: $*"; failed=1; }

part() { sed -n "s/^#define LINTUN_VERSION_$1 \([0-9][0-9]*\)\$/\1/p" include/wintun.h; }
header=$(part MAJOR).$(part MINOR).$(part PATCH)
echo "include/wintun.h: $header"
case $header in *..*|.*|*.) fail "LINTUN_VERSION_MAJOR/MINOR/PATCH not all found in include/wintun.h" ;; esac

make_version=$(make -s --no-print-directory -f Makefile -f - print-version <<'MK'
print-version:
	@echo $(VERSION)
MK
)
[ "$make_version" = "$header" ] || fail "the Makefile says '$make_version'"

deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)
[ "${deb%-*}" = "$header" ] ||
    fail "debian/changelog's first entry is $deb; add one for $header-1 (dch -v $header-1)"

grep -q '^version *=' python/pyproject.toml && fail "python/pyproject.toml writes a version (setup.py reads it)"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import setuptools' 2>/dev/null; then
    py=$(cd python && python3 setup.py -q --version 2>/dev/null | tail -n 1)
    [ "$py" = "$header" ] || fail "python/setup.py --version says '$py'"
fi
[ -f "$build/lintun.pc" ] && ! grep -qx "Version: $header" "$build/lintun.pc" &&
    fail "$build/lintun.pc: $(grep '^Version' "$build/lintun.pc")"
exit $failed
