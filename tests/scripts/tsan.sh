#!/bin/sh
# SPDX-License-Identifier: MIT
# ThreadSanitizer: build the concurrency tests (those marked
# "test-rerun: ... tsan", listed by `make tsan-list`) with -fsanitize=thread into build-tsan/ and run each; fail on
# any TSan report or failing test (every log is kept in build-tsan/test-logs/,
# where wake-up times can be read). Skips (77) when the compiler cannot build
# with -fsanitize=thread or the kernel's address layout defeats TSan.
# Builds, then runs each test (each with its own deadline and a 60 s
# backstop), so as a whole it runs past the runner's default:
# test-timeout: 300
set -u
cd "$(dirname "$0")/../.." || exit 1
cc=${CC:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '#include <pthread.h>\nstatic void *f(void *a) { return a; }\n%s\n' \
    'int main(void) { pthread_t t; pthread_create(&t, 0, f, 0); return pthread_join(t, 0); }' \
    >"$tmp/probe.c"
if ! "$cc" -fsanitize=thread -pthread -o "$tmp/probe" "$tmp/probe.c" >/dev/null 2>&1; then
    echo "skipped: $cc cannot build with -fsanitize=thread (libtsan missing)"
    exit 77
fi
if ! "$tmp/probe" >"$tmp/probe.log" 2>&1; then
    # Old TSan runtimes abort on kernels with high mmap randomness; retry
    # without address-space randomization before giving up.
    if command -v setarch >/dev/null && setarch "$(uname -m)" -R "$tmp/probe" >/dev/null 2>&1; then
        norand="setarch $(uname -m) -R"
    else
        echo "skipped: TSan binaries do not run here: $(head -n 1 "$tmp/probe.log")"
        exit 77
    fi
else
    norand=
fi
make -s --no-print-directory tsan-build CC="$cc" || exit 1
supp=
[ -f tests/tsan.supp ] && supp=" suppressions=$PWD/tests/tsan.supp"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 history_size=4$supp"
# Under TSan everything runs ~10x slower: keep the stress test short.
export STRESS_SECONDS=${STRESS_SECONDS:-3}
# Wake-up bounds and step watchdogs (tests/harness.h) scale by this: under
# TSan the kernel reports a killed creator gone several times later than in
# a plain build, and the whole kill-to-EOF path can pass 100 ms.
export LINTUN_TEST_SLOWDOWN=${LINTUN_TEST_SLOWDOWN:-4}
status=0
for name in $(make -s --no-print-directory tsan-list); do
    bin=build-tsan/tests/$name
    log=$tmp/$name.log
    $norand timeout -k 5 60 "$bin" >"$log" 2>&1
    rc=$?
    reports=$(grep -c '^WARNING: ThreadSanitizer' "$log")
    mkdir -p build-tsan/test-logs && cp "$log" build-tsan/test-logs/
    if [ "$rc" -eq 77 ]; then
        echo "tsan/$name: skipped ($(tail -n 1 "$log"))"
    elif [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
        echo "tsan/$name: FAILED (exit $rc, $reports TSan report(s))"
        cat "$log"
        status=1
    else
        echo "tsan/$name: ok"
    fi
done
exit $status
