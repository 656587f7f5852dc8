#!/bin/sh
# SPDX-License-Identifier: MIT
# Short libFuzzer runs of each fuzz/ harness (FUZZ_SMOKE_SECONDS, default 12)
# over a copy of its seed corpus. Skips (77) without clang or the libFuzzer
# runtime; fails (1) on a finding, which is kept in build-fuzz/smoke-*.
# Builds and fuzzes for a fixed time, so it runs past the runner's default:
# test-timeout: 240
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SMOKE_SECONDS:-12}
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "skipped: $cc not found (needed for libFuzzer)"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
    'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return !d && n; }' \
    >"$tmp/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$tmp/probe" "$tmp/probe.c" >/dev/null 2>&1; then
    echo "skipped: $cc cannot link -fsanitize=fuzzer (libclang-rt / compiler-rt missing)"
    exit 77
fi
make -s fuzz-build FUZZ_CC="$cc" || exit 1

for bin in build-fuzz/fuzz-*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz-}
    mkdir -p "$tmp/$name"
    [ -d "fuzz/corpus/$name" ] && cp fuzz/corpus/"$name"/* "$tmp/$name/" 2>/dev/null
    echo "fuzzing $name for ${secs}s"
    if ! "$bin" -max_total_time="$secs" -max_len=66000 -timeout=10 \
        -artifact_prefix=build-fuzz/smoke- "$tmp/$name" >"$tmp/$name.log" 2>&1; then
        tail -n 40 "$tmp/$name.log"
        echo "finding in $name: see build-fuzz/smoke-*"
        exit 1
    fi
    tail -n 2 "$tmp/$name.log"
done
exit 0
