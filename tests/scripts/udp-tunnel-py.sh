# SPDX-License-Identifier: MIT
# Sourced by tests/scripts/udp-tunnel-py-*.sh (not a test by itself): skips without
# root or python3-dev, builds the `wintun` module (make python) and puts it
# on PYTHONPATH.
PYTHON=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "skipped: needs root (network namespaces and TUN adapters)"; exit 77; }
[ -x "$PYTHON" ] || { echo "skipped: $PYTHON is missing"; exit 77; }
"$PYTHON-config" --includes >/dev/null 2>&1 ||
    { echo "skipped: python3-dev missing (apt-get install python3-dev)"; exit 77; }
make -s --no-print-directory python B="$build" || { echo "FAIL: make python"; exit 1; }
PYTHONPATH=$build/python PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE
