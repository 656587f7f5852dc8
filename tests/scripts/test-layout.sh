#!/bin/sh
# SPDX-License-Identifier: MIT
# The suite's layout (tests/README.md): C tests only in tests/pure (no root,
# no kernel: none of them enters a network namespace or opens /dev/net/tun)
# and tests/kernel (each one does, or skips); helpers only in tests/lib;
# scripts in tests/scripts; and every marker line names only known words
# ("test-rerun:" plain, tsan; "test-timeout:" a number of seconds). A test
# put in the wrong place would be left out of the runs it needs, silently.
set -u
cd "$(dirname "$0")/../.." || exit 1
bad=0
say() { echo "layout: $*"; bad=1; }
kernel_use='require_netns|fixture_adapter|scenario_[a-z_]*\(|/dev/net/tun|unshare'
for f in tests/*.c tests/*.h; do
    [ -e "$f" ] && say "$f: C tests go in tests/pure or tests/kernel, helpers in tests/lib"
done
for f in tests/*.sh; do
    [ -e "$f" ] && [ "$f" != tests/run.sh ] && say "$f: scripts go in tests/scripts"
done
for f in tests/pure/*.c; do
    grep -qE "$kernel_use" "$f" && say "$f uses the kernel ($(grep -oE "$kernel_use" "$f" | head -n 1)): move it to tests/kernel"
done
for f in tests/kernel/*.c; do
    grep -qE "$kernel_use|geteuid" "$f" || say "$f needs neither root nor the kernel: move it to tests/pure"
done
for f in tests/pure/*.c tests/kernel/*.c tests/scripts/*.sh; do
    sed -n 's/^[[:space:]]*[#*][[:space:]]*test-rerun:\(.*\)$/\1/p' "$f" | tr ' ' '\n' |
        while read -r w; do
            case $w in
            '' | plain | tsan) ;;
            *) echo "layout: $f: unknown re-run \"$w\" (plain, tsan)" ;;
            esac
        done | grep . && bad=1
    sed -n 's/^[[:space:]]*[#*][[:space:]]*test-timeout:\(.*\)$/\1/p' "$f" |
        grep -vqE '^ *[0-9]+ *$' && say "$f: test-timeout: takes a number of seconds"
    case $f in
    tests/scripts/*) grep -qE '^[[:space:]]*#[[:space:]]*test-rerun:' "$f" && say "$f: re-runs are for C tests only" ;;
    esac
done
# Names in tests/ are unique: every binary goes to $(B)/tests/NAME.
dups=$(ls tests/pure/*.c tests/kernel/*.c | xargs -n1 basename | sort | uniq -d)
[ -n "$dups" ] && say "the same name in tests/pure and tests/kernel: $dups"
[ "$bad" -eq 0 ] || exit 1
echo "layout: $(ls tests/pure/*.c | wc -l) pure, $(ls tests/kernel/*.c | wc -l) kernel, $(ls tests/scripts/*.sh | wc -l) script tests"
