# SPDX-License-Identifier: MIT
"""Fixtures for the wintun tests. tests/scripts/python.sh runs the whole session in a
network namespace of its own (unshare -n), so adapters, addresses and routes
made here never reach the host; each test still gets its own adapter name
and subnet so the tests do not see each other's traffic."""
import faulthandler
import itertools
import os
import signal
import subprocess
import sys
import time

import pytest

import wintun

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_serial = itertools.count(1)

# Each test's own deadline, above the longest bound a test sets itself (the
# seed test's 15 s + 30 s). A C call that blocks holds no Python frame that a
# signal could interrupt, so faulthandler's own thread ends the session:
# it prints every thread's stack (pytest -v has already named the test) and
# exits 1. tests/scripts/python.sh passes the real stderr as LINTUN_TEST_ERR_FD,
# since pytest captures fd 2 and a capture dies with the process.
TEST_DEADLINE_S = 50
_err_fd = os.environ.get("LINTUN_TEST_ERR_FD")
_ERR = os.fdopen(int(_err_fd), "w", closefd=False) if _err_fd else sys.stderr


def in_own_namespace() -> bool:
    """True when this process is not in the network namespace tests/scripts/python.sh
    started from (it passes that namespace's id in LINTUN_OUTER_NETNS)."""
    outer = os.environ.get("LINTUN_OUTER_NETNS")
    return bool(outer) and os.readlink("/proc/self/ns/net") != outer


def pytest_sessionstart(session):
    if not in_own_namespace():
        pytest.exit("run the wintun tests through tests/scripts/python.sh (a network namespace of "
                    "their own), never in the host's namespace", returncode=3)


@pytest.fixture(autouse=True)
def deadline(request):
    """Fail the session, naming where it hung, if a test runs past its deadline."""
    # faulthandler starts its own thread here, which inherits this mask: with
    # every signal blocked there, a test's SIGALRM reaches the main thread.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    try:
        faulthandler.dump_traceback_later(TEST_DEADLINE_S, exit=True, file=_ERR)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def net():
    """A fresh /24 for this test: (adapter address with prefix, a peer in the subnet)."""
    n = next(_serial)
    return "10.66.%d.1/24" % n, "10.66.%d.2" % n


@pytest.fixture
def dev(request):
    """An adapter with a name of its own, removed after the test."""
    name = "pt%d" % next(_serial)
    d = wintun.TunDevice(name, "pytest")
    yield d
    d.close()


@pytest.fixture
def updev(dev, net):
    """An adapter with an IPv4 address, up."""
    dev.add_address(net[0])
    dev.up()
    return dev


@pytest.fixture
def quietdev(dev, net):
    """updev without IPv6 on its link, so that nothing arrives unasked: with
    IPv6 the kernel sends router solicitations and MLD reports once the link
    is up. IPv6 is turned off before the link goes up, so none is ever sent."""
    if os.path.isdir("/proc/sys/net/ipv6"):  # else the kernel has no IPv6 at all
        with open("/proc/sys/net/ipv6/conf/%s/disable_ipv6" % dev.ifname, "w") as f:
            f.write("1")
    dev.add_address(net[0])
    dev.up()
    return dev


def ping(target, count=1, wait=2, interval=0.2, v6=False):
    args = ["ping", "-n", "-c", str(count), "-W", str(wait), "-i", str(interval), target]
    if v6:
        args.insert(1, "-6")
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def ping_background(target, count=5, interval=0.2, v6=False):
    args = ["ping", "-n", "-c", str(count), "-i", str(interval), "-W", "1", target]
    if v6:
        args.insert(1, "-6")
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_packet(dev, timeout=5.0):
    """The next packet, waiting up to timeout seconds; None if none came."""
    deadline = time.monotonic() + timeout
    while True:
        p = dev.read()
        if p is not None:
            return p
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        dev.wait_read_event(left)


def read_icmp_request(dev, timeout=5.0):
    """The next ICMP/ICMPv6 echo request, skipping other packets (IPv6 chatter)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        p = read_packet(dev, deadline - time.monotonic())
        if p and ((p[0] >> 4 == 4 and p[9] == 1) or (p[0] >> 4 == 6 and p[6] == 58 and p[40] == 128)):
            return p
    return None


def link_exists(ifname) -> bool:
    return subprocess.run(["ip", "link", "show", "dev", ifname], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def wait_not_tentative(ifname, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(["ip", "-6", "addr", "show", "dev", ifname, "tentative"],
                             stdout=subprocess.PIPE, text=True).stdout
        if "inet6" not in out:
            return
        time.sleep(0.05)


sys.path.insert(0, os.path.join(ROOT, "examples"))
