# SPDX-License-Identifier: MIT
"""examples/echo.py answers ping over IPv4 and IPv6, exits on --count and on
SIGTERM, and removes its adapter."""
import os
import select
import signal
import subprocess
import sys
import threading
import time

from conftest import ROOT, link_exists, ping, wait_not_tentative

ECHO = os.path.join(ROOT, "examples", "echo.py")


def start(*args):
    p = subprocess.Popen([sys.executable, "-u", ECHO] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    r, _, _ = select.select([p.stdout], [], [], 10)
    line = p.stdout.readline() if r else ""
    assert line.startswith("Answering echo requests"), (line, p.stderr.read() if p.poll() is not None else "")
    return p


def test_echo_example_v4_v6_and_sigterm():
    p = start("PyEcho", "--addr", "10.8.0.1/24", "--addr", "fd00:8::1/64")
    try:
        wait_not_tentative("PyEcho")
        r4 = ping("10.8.0.2", count=3)
        r6 = ping("fd00:8::2", count=3, v6=True)
        assert "3 received" in r4.stdout and "from 10.8.0.2" in r4.stdout, r4.stdout
        assert "3 received" in r6.stdout and "from fd00:8::2" in r6.stdout, r6.stdout
        # The last line may still be on its way when ping exits: wait for it.
        # (Blocking reads: the pipe's text buffer may hold lines select() cannot see.)
        watchdog = threading.Timer(20, p.kill)
        watchdog.start()
        lines = [p.stdout.readline() for _ in range(6)]
        p.send_signal(signal.SIGTERM)
        out = "".join(lines) + p.stdout.read()
        err = p.stderr.read()
        p.wait()
        watchdog.cancel()
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert out.count("Answered IPv4 echo request from 10.8.0.1 to 10.8.0.2") == 3
    assert out.count("Answered IPv6 echo request from fd00:8::1 to fd00:8::2") == 3
    assert "6 replies sent" in err
    assert not link_exists("PyEcho")


def test_echo_example_count():
    p = start("PyPong", "--addr", "10.9.0.1/24", "--count", "2")
    r = ping("10.9.0.77", count=2)
    p.wait(10)
    err = p.stderr.read()
    assert "2 received" in r.stdout and p.returncode == 0
    assert "2 replies sent" in err
    time.sleep(0.1)
    assert not link_exists("PyPong")
