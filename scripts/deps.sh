#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what a make target needs and is missing. As root on Debian/Ubuntu it
# runs apt-get; otherwise (or with --no-install) it prints the exact command
# and fails.
# Usage: deps.sh build|check|demo|bench|deb|load [--no-install]
#   build: what `make` needs. The man pages (`make man`, `make install`)
#        need python3 and scdoc too; `make install` names them if missing,
#        and check installs them.
#   load: the CPU hog of `make check-under-load` (stress-ng), beside what
#        check needs (make checks those first).
#   deb: the packaging tools, then debian/control's Build-Depends
#        (`apt-get build-dep ./`), for `make deb` and `make deb-check`.
set -eu
mode=${1:-build}
install=yes
[ "${2:-}" = --no-install ] && install=no

missing=""
need() { # need PACKAGE TEST-COMMAND...
    pkg=$1; shift
    if ! "$@" >/dev/null 2>&1; then missing="$missing $pkg"; fi
}
have() { command -v "$1"; }
pyinc() { /usr/bin/python3 -c 'import sysconfig,os,sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"],"Python.h")))'; }

need gcc have cc
need make have make
need pkg-config have pkg-config
need libmnl-dev pkg-config --exists libmnl
need liburing-dev pkg-config --exists liburing
case $mode in
check|demo|bench)
    need iproute2 have ip
    need util-linux have unshare
    need procps have ps
    ;;
esac
case $mode in
check)
    need python3-dev pyinc
    need python3-setuptools /usr/bin/python3 -c 'import setuptools'
    need python3-pytest /usr/bin/python3 -c 'import pytest'
    need abigail-tools have abidiff
    need clang have clang
    need clang-format have clang-format
    need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
    need scdoc have scdoc
    need python3 test -x /usr/bin/python3
    need man-db have man
    need iputils-ping have ping
    ;;
load)
    need stress-ng have stress-ng
    ;;
bench)
    need iperf3 have iperf3
    need gnuplot-nox have gnuplot
    need strace have strace
    need python3-dev pyinc
    need python3-setuptools /usr/bin/python3 -c 'import setuptools'
    need iputils-ping have ping
    ;;
deb)
    need dpkg-dev have dpkg-buildpackage
    need debhelper have dh
    need lintian have lintian
    need abigail-tools have abidiff
    need iproute2 have ip
    need util-linux have unshare
    ;;
esac

# The package build's own dependencies come from debian/control alone.
builddeps() {
    [ "$mode" = deb ] || return 0
    command -v dpkg-checkbuilddeps >/dev/null 2>&1 && dpkg-checkbuilddeps >/dev/null 2>&1 && return 0
    if [ $install = yes ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "deps: installing the build dependencies in debian/control"
        apt-get update -qq >/dev/null || true
        apt-get build-dep -y -qq --no-install-recommends ./ >/dev/null
    else
        echo "deps: build dependencies missing; run \`make deb-deps\` as root, or: apt-get build-dep ./" >&2
        exit 1
    fi
}

export DEBIAN_FRONTEND=noninteractive
[ -z "$missing" ] && { builddeps; exit 0; }
cmd="apt-get install -y --no-install-recommends$missing"
if [ $install = no ]; then
    target=deps
    [ "$mode" = deb ] && target=deb-deps
    echo "deps: missing$missing; run \`make $target\` as root, or: apt-get update && $cmd" >&2
    exit 1
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing$missing"
    apt-get update -qq >/dev/null || true
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "deps: missing$missing; run as root: apt-get update && $cmd" >&2
    exit 1
fi
builddeps
