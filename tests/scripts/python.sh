#!/bin/sh
# SPDX-License-Identifier: MIT
# The `wintun` Python package: builds it in place (make python), then runs
# python/tests with Debian's pytest for /usr/bin/python3, the whole session
# inside a network namespace of its own (unshare -n, lo up). Every adapter,
# address and route the tests make lives and dies in that namespace.
# Exit: pytest's status (5, no tests collected, counts as a failure);
# 77 with the reason when the machine cannot run it. Each test has its own
# deadline (python/tests/conftest.py); the build comes first:
# test-timeout: 120
set -u
PYTHON=/usr/bin/python3
build=${LINTUN_BUILD:-build}

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace and TUN adapters)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is not usable here"
[ -x "$PYTHON" ] || skip "$PYTHON is missing"
"$PYTHON" -c 'import pytest' 2>/dev/null || skip "pytest missing for $PYTHON (apt-get install python3-pytest)"
"$PYTHON-config" --includes >/dev/null 2>&1 || skip "python3-dev missing (apt-get install python3-dev)"
for tool in unshare ip ping; do
    command -v $tool >/dev/null 2>&1 || skip "$tool missing (util-linux, iproute2, iputils-ping)"
done
unshare -n true 2>/dev/null || skip "cannot create a network namespace"

make -s --no-print-directory python B="$build" || { echo "FAIL: make python"; exit 1; }

# The tests refuse to run unless they are in another namespace than this one.
LINTUN_OUTER_NETNS=$(readlink /proc/self/ns/net) PYTHONPATH="$build/python" \
    PYTHONDONTWRITEBYTECODE=1 LINTUN_BUILD="$build" LINTUN_TEST_ERR_FD=3 \
    unshare -n sh -c 'ip link set lo up && exec "$0" -m pytest -p no:cacheprovider -v python/tests' \
    "$PYTHON" 3>&2
rc=$?
if [ $rc = 5 ]; then
    echo "FAIL: pytest collected no tests"
    exit 1
fi
exit $rc
