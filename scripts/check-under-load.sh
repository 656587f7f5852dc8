#!/bin/sh
# SPDX-License-Identifier: MIT
# `make check-under-load`: `make check` RUNS times (default 10) on this tree
# while `stress-ng --cpu 2` keeps two cores busy, as on a busy CI machine.
# Stops at the first failing run (its output is kept in
# build/check-under-load/run-N.log, the tests' logs in build/test-logs/) and
# prints each run's time and result line. The hog runs only while the checks
# do, and goes when the script ends, however it ends.
set -u
runs=${RUNS:-10}
hog_cpus=${LOAD_CPUS:-2}
make=${MAKE:-make}
logdir=build/check-under-load
mkdir -p "$logdir" || exit 1
command -v stress-ng >/dev/null 2>&1 || {
    echo "check-under-load: stress-ng is missing (make deps, or apt-get install stress-ng)" >&2
    exit 1
}
stress-ng --cpu "$hog_cpus" --timeout 0 --quiet >"$logdir/stress-ng.log" 2>&1 &
hog=$!
trap 'kill "$hog" 2>/dev/null; wait "$hog" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
sleep 1
kill -0 "$hog" 2>/dev/null || { echo "check-under-load: stress-ng did not start:"; cat "$logdir/stress-ng.log"; exit 1; }
echo "check-under-load: $runs run(s) of make check beside stress-ng --cpu $hog_cpus (pid $hog)"
i=1 status=0
while [ "$i" -le "$runs" ]; do
    log=$logdir/run-$i.log
    start=$(date +%s)
    $make --no-print-directory check >"$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    result=$(grep '^tests: ' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        printf 'run %2d: pass  %4d s  %s\n' "$i" "$secs" "$result"
    else
        printf 'run %2d: FAIL  %4d s  %s (exit %s, log: %s)\n' "$i" "$secs" "$result" "$rc" "$log"
        grep -E '^(FAIL|failed:)' "$log" | sed 's/^/        /'
        status=1
        break
    fi
    i=$((i + 1))
done
[ "$status" -eq 0 ] && echo "check-under-load: $runs of $runs runs passed under load"
exit $status
