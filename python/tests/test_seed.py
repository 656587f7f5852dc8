# SPDX-License-Identifier: MIT
"""The seed's snippet, run as written (loops bounded): it prints the log
lines, the version, the MTUs, the address, and one "Received N" line per
packet the kernel routes into the adapter while we ping its subnet."""
import os
import re
import select
import subprocess
import sys
import threading
import time

from conftest import ROOT, link_exists

SNIPPET = os.path.join(ROOT, "python", "tests", "seed_snippet.py")


def test_seed_snippet_runs_as_written():
    env = dict(os.environ, SEED_PACKETS="6")
    p = subprocess.Popen([sys.executable, "-u", SNIPPET], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    pinger = None
    try:
        # Wait for the address line: then the session runs and pings reach it.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and "10.2.0.0/24" not in lines:
            r, _, _ = select.select([p.stdout], [], [], 1)
            if r:
                line = p.stdout.readline()
                if not line:
                    break
                lines.append(line.rstrip("\n"))
        assert "10.2.0.0/24" in lines, "no address line; output so far: %r" % lines
        pinger = subprocess.Popen(["ping", "-n", "-c", "50", "-i", "0.2", "10.2.0.9"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Blocking reads to the end: the text buffer may already hold lines.
        watchdog = threading.Timer(30, p.kill)
        watchdog.start()
        out = p.stdout.read()
        err = p.stderr.read()
        p.wait()
        watchdog.cancel()
    finally:
        if pinger:
            pinger.kill()
            pinger.wait()
        if p.poll() is None:
            p.kill()
            p.wait()
    lines += out.splitlines()
    print("\n".join(lines))
    print(err, file=sys.stderr)
    assert p.returncode == 0, err
    # The logger got the library's messages: level, FILETIME timestamp, text.
    created = [l for l in lines if re.fullmatch(r'0 \d{17,18} Created adapter "Demo" .*', l)]
    assert created, lines
    assert any(re.fullmatch(r'0 \d+ Session started on "Demo" .*', l) for l in lines)
    rest = [l for l in lines if not re.match(r"[012] \d{17,18} ", l)]
    # Version, MTU before, MTU after setting it, address, MTU once up.
    assert rest[:5] == ["14", "MTU=1500", "1500", "10.2.0.0/24", "1500"], rest
    received = [l for l in rest[5:] if l.startswith("Received ")]
    assert len(received) == 6 and rest[5:] == received, rest
    # 84 bytes: an IPv4 echo request of ping's default size (the others may
    # be the kernel's IPv6 chatter on a new link, e.g. 48-byte MLD reports).
    assert "Received 84" in received, received
    assert not link_exists("Demo")
