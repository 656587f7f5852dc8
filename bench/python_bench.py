# SPDX-License-Identifier: MIT
"""`make bench-python`: packets per second echoed by a Python loop using the
wintun module (read/write, read_into/write), beside the same loop in C.

Run by mk/python.mk inside `unshare -n` (a network namespace of its own):
a 64-byte UDP flood (build/bench/udpflood) is routed into adapter "pybench",
the echo program swaps each packet's addresses and writes it back. The flood
outruns every loop; what is measured is how many packets the loop echoes
per second. Reports only, no threshold. QUICK=1 for short runs, REPS=N.

Usage: python_bench.py BUILD_DIR
"""
import json
import os
import statistics
import subprocess
import sys
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
QUICK = os.environ.get("QUICK", "") not in ("", "0", "no", "false")
REPS = int(os.environ.get("REPS") or (1 if QUICK else 3))
SECONDS = 1.5 if QUICK else 4.0
PYTHON = "/usr/bin/python3"
MODES = {
    "C (WintunReceivePacket loop)": [os.path.join(BUILD, "bench", "python_echo")],
    "Python read()/write()": [PYTHON, "bench/python_echo.py", "read"],
    "Python read_into()/write()": [PYTHON, "bench/python_echo.py", "read_into"],
}


def one_run(cmd):
    env = dict(os.environ, PYTHONPATH=os.path.join(BUILD, "python"))
    echo = subprocess.Popen(cmd + [str(SECONDS)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        if echo.stdout.readline().strip() != "ready":
            raise RuntimeError("%s did not start" % cmd)
        flood = subprocess.Popen([os.path.join(BUILD, "bench", "udpflood"), "10.77.1.9", "9000",
                                  "64", str(SECONDS + 2)], stdout=subprocess.PIPE, text=True)
        out, _ = echo.communicate(timeout=SECONDS + 30)
        flood.kill()
        flood.wait()
    finally:
        if echo.poll() is None:
            echo.kill()
            echo.wait()
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("%s printed no result" % cmd)


def main():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    rows = []
    for label, cmd in MODES.items():
        pps = []
        for rep in range(REPS):
            print("  %s, rep %d/%d" % (label, rep + 1, REPS), file=sys.stderr, flush=True)
            try:
                pps.append(one_run(cmd)["pps"])
            except Exception as e:  # a failing mode is reported; the others still run
                print("    error: %s" % e, file=sys.stderr)
        rows.append((label, pps))
    c = statistics.median(rows[0][1]) if rows[0][1] else None
    print("\nwintun Python module: 64-byte UDP echoed through one adapter, %s s x %d reps%s"
          % (SECONDS, REPS, ", QUICK" if QUICK else ""))
    print("median (min..max); ratio = median / C's median\n")
    print("%-30s  %-26s  %s" % ("loop", "kpps", "vs C"))
    print("%-30s  %-26s  %s" % ("-" * 30, "-" * 26, "-" * 5))
    for label, pps in rows:
        if not pps:
            print("%-30s  %-26s  %s" % (label, "failed", "-"))
            continue
        med = statistics.median(pps)
        cell = "%.0f" % (med / 1e3)
        if len(pps) > 1:
            cell += " (%.0f..%.0f)" % (min(pps) / 1e3, max(pps) / 1e3)
        print("%-30s  %-26s  %s" % (label, cell, "%.2fx" % (med / c) if c else "-"))


if __name__ == "__main__":
    main()
