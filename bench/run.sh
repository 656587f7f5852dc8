#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the benchmarks (bench/bench.py) with a cleanup that holds even when the
# orchestrator is killed: every process left in this run's namespaces is
# killed by pid and the namespaces are deleted.
# Usage: sh bench/run.sh [BUILD_DIR]   (QUICK=1, REPS=N in the environment)
set -eu
build=${1:-build}
if [ "$(id -u)" != 0 ]; then
    echo "bench: needs root (network namespaces, /dev/net/tun)" >&2
    exit 1
fi
LT_BENCH_PREFIX=lt-bench-$$
export LT_BENCH_PREFIX

cleanup() {
    for ns in $(ip netns list | awk '{print $1}' | grep "^$LT_BENCH_PREFIX-" || true); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -9 "$pid" 2>/dev/null || true
        done
        ip netns delete "$ns" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

/usr/bin/python3 bench/bench.py "$build"
