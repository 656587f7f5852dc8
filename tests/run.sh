#!/bin/sh
# SPDX-License-Identifier: MIT
# Test runner (tests/README.md says where tests go): every C test of
# tests/pure and tests/kernel, built into $LINTUN_BUILD/tests, and every
# executable tests/scripts/*.sh, each with a timeout; exit 0 pass, 77 skip,
# anything else fail. The timeout is a backstop: each C test fails by its
# own watchdog (50 s at most, tests/lib/harness.h) naming what did not
# happen, so 60 s (LINTUN_TEST_TIMEOUT) is never reached by one that works.
# A test that runs longer by design (a build, a fuzzing run) says so on a
# marker line "test-timeout: SECONDS" (after "#" or " *").
# With LINTUN_ASAN_BUILD set, the C tests run again from that build (ASan and
# UBSan). A C test whose marker line "test-rerun:" names "plain" runs once
# more in each build with LINTUN_IO=plain (no io_uring); "tsan" puts it in
# tests/scripts/tsan.sh's ThreadSanitizer build (mk/tsan.mk reads the same
# line). Tests named in LINTUN_SKIP_TESTS (space-separated) are reported
# as skipped without running (the Debian build leaves out fuzz-smoke and
# tsan). Ends with one line: tests: N passed, N failed, N skipped.
set -u
build=${LINTUN_BUILD:-build}
asan=${LINTUN_ASAN_BUILD:-}
timeout_s=${LINTUN_TEST_TIMEOUT:-60}
logdir=${build}/test-logs
mkdir -p "$logdir"
pass=0 fail=0 skip=0 failed=""
export LINTUN_BUILD="$build"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=1}"

# source_of PROGRAM: the test's source file (a C test's, for a binary of
# $build/tests), or nothing when it is gone (a renamed test in an old build).
source_of() {
    case $1 in
    *.sh) echo "$1"; return ;;
    esac
    n=$(basename "$1")
    for d in pure kernel; do
        [ -f "tests/$d/$n.c" ] && { echo "tests/$d/$n.c"; return; }
    done
}
# marker NAME FILE: the words after "NAME:" on the file's marker line
# ("# NAME: ..." in a script, " * NAME: ..." in a C comment).
marker() {
    [ -n "$2" ] || return 0
    sed -n "s/^[[:space:]]*[#*][[:space:]]*$1:[[:space:]]*\([a-z0-9 ]*\).*\$/\1/p" "$2" | head -n 1
}

run() { # run LABEL COMMAND...
    label=$1; shift
    case " ${LINTUN_SKIP_TESTS:-} " in *" $label "*)
        skip=$((skip+1)); printf 'SKIP  %-40s %s\n' "$label" "left out by LINTUN_SKIP_TESTS"; return ;;
    esac
    log="$logdir/$(echo "$label" | tr '/ ' '__').log"
    limit=$timeout_s
    own=$(marker test-timeout "$(source_of "$1")")
    [ -n "$own" ] && limit=$own
    start=$(date +%s.%N)
    timeout -k 5 "$limit" "$@" >"$log" 2>&1
    rc=$?
    secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
    case $rc in
    0) pass=$((pass+1)); printf 'PASS  %-40s %6ss\n' "$label" "$secs" ;;
    77) skip=$((skip+1)); printf 'SKIP  %-40s %s\n' "$label" "$(tail -n 1 "$log")" ;;
    *) fail=$((fail+1)); failed="$failed $label"
       [ "$rc" -eq 124 ] && echo "timed out after ${limit}s (killed by the runner)" >>"$log"
       printf 'FAIL  %-40s (exit %s, %ss) log: %s\n' "$label" "$rc" "$secs" "$log"
       tail -n 25 "$log" | sed 's/^/      | /' ;;
    esac
}

# A C file straight in tests/ is built by nothing: say so instead of
# leaving it out silently.
for f in tests/*.c; do
    [ -f "$f" ] || continue
    fail=$((fail+1)); failed="$failed $f"
    printf 'FAIL  %-40s not built: C tests go in tests/pure or tests/kernel (tests/README.md)\n' "$f"
done
# Binaries whose source is gone (a renamed test, in an old build tree) are not run.
for t in "$build"/tests/*; do
    [ -x "$t" ] && [ -f "$t" ] && [ -n "$(source_of "$t")" ] || continue
    run "$(basename "$t")" "$t"
done
for t in tests/scripts/*.sh; do
    [ -x "$t" ] || continue
    run "$(basename "$t" .sh)" "$t"
done
if [ -n "$asan" ]; then
    for t in "$asan"/tests/*; do
        [ -x "$t" ] && [ -f "$t" ] && [ -n "$(source_of "$t")" ] || continue
        LINTUN_BUILD="$asan" run "asan/$(basename "$t")" "$t"
    done
fi
# The tests marked "test-rerun: plain" again with io_uring turned off
# (LINTUN_IO=plain): sessions then read and write one packet per system
# call, and must behave exactly the same. Sessions that ask for a path by
# flag keep it.
plain_pass() { # plain_pass PREFIX BUILD
    for t in "$2"/tests/*; do
        [ -x "$t" ] && [ -f "$t" ] || continue
        src=$(source_of "$t")
        case " $(marker test-rerun "$src") " in
        *" plain "*) LINTUN_BUILD="$2" run "$1$(basename "$t")" "$t" ;;
        esac
    done
}
LINTUN_IO=plain
export LINTUN_IO
plain_pass plain/ "$build"
[ -n "$asan" ] && plain_pass asan-plain/ "$asan"
unset LINTUN_IO

[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
