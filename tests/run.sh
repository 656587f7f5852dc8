#!/bin/sh
# SPDX-License-Identifier: MIT
# Test runner: every program in $LINTUN_BUILD/tests and every executable
# tests/*.sh, each with a timeout; exit 0 pass, 77 skip, anything else fail.
# The timeout is a backstop: each C test fails by its own watchdog (50 s at
# most, tests/harness.h) naming what did not happen, so 60 s
# (LINTUN_TEST_TIMEOUT) is never reached by one that works. A script that
# runs longer by design (a build, a fuzzing run) says so on a line
# "# test-timeout: SECONDS".
# With LINTUN_ASAN_BUILD set, the C tests run again from that build (ASan and
# UBSan). The data-path tests run once more in each build with
# LINTUN_IO=plain (no io_uring). Tests named in LINTUN_SKIP_TESTS (space-separated) are reported
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

run() { # run LABEL COMMAND...
    label=$1; shift
    case " ${LINTUN_SKIP_TESTS:-} " in *" $label "*)
        skip=$((skip+1)); printf 'SKIP  %-40s %s\n' "$label" "left out by LINTUN_SKIP_TESTS"; return ;;
    esac
    log="$logdir/$(echo "$label" | tr '/ ' '__').log"
    limit=$timeout_s
    case $1 in
    *.sh) own=$(sed -n 's/^# test-timeout: *\([0-9][0-9]*\)$/\1/p' "$1")
          [ -n "$own" ] && limit=$own ;;
    esac
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

# Binaries whose source is gone (a renamed test, in an old build tree) are not run.
for t in "$build"/tests/*; do
    [ -x "$t" ] && [ -f "$t" ] && [ -f "tests/$(basename "$t").c" ] || continue
    run "$(basename "$t")" "$t"
done
for t in tests/*.sh; do
    [ "$t" = tests/run.sh ] && continue
    [ -x "$t" ] || continue
    run "$(basename "$t" .sh)" "$t"
done
if [ -n "$asan" ]; then
    for t in "$asan"/tests/*; do
        [ -x "$t" ] && [ -f "$t" ] && [ -f "tests/$(basename "$t").c" ] || continue
        LINTUN_BUILD="$asan" run "asan/$(basename "$t")" "$t"
    done
fi
# The tests of the data path again with io_uring turned off (LINTUN_IO=plain):
# sessions then read and write one packet per system call, and must behave
# exactly the same. Sessions that ask for a path by flag keep it.
plain_pass() { # plain_pass PREFIX BUILD
    for t in "$2"/tests/*; do
        [ -x "$t" ] && [ -f "$t" ] && [ -f "tests/$(basename "$t").c" ] || continue
        case $(basename "$t") in
        session-*|fault-*|stress-*|close-*|send-only-*|leak-*)
            LINTUN_BUILD="$2" run "$1$(basename "$t")" "$t" ;;
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
