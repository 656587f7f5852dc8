# SPDX-License-Identifier: MIT
"""Packets through a running session: read, read_into, write, the waits,
fileno, stats, threads and the GIL, the logger, the adapter going away."""
import select
import signal
import subprocess
import threading
import time

import pytest

import wintun
from conftest import ping, ping_background, read_icmp_request, wait_not_tentative
from echo import reply_to


def test_read_returns_routed_packet(updev, net):
    pinger = ping_background(net[1], count=3)
    try:
        p = read_icmp_request(updev)
    finally:
        pinger.kill()
        pinger.wait()
    assert isinstance(p, bytes) and len(p) == 84
    assert p[0] == 0x45 and p[9] == 1 and p[20] == 8
    assert p[16:20] == bytes(int(x) for x in net[1].split("."))
    st = updev.stats
    assert st.rx_packets >= 1 and st.rx_bytes >= 84


def test_write_answers_ping_v4_and_v6(updev, net):
    updev.add_address("fd00:66::1/64")
    wait_not_tentative(updev.ifname)
    for target, v6 in ((net[1], False), ("fd00:66::2", True)):
        result = {}
        t = threading.Thread(target=lambda: result.update(r=ping(target, count=1, wait=5, v6=v6)))
        t.start()
        request = read_icmp_request(updev)
        assert request is not None, "no echo request for %s" % target
        updev.write(reply_to(request))
        t.join(10)
        assert result["r"].returncode == 0, result["r"].stdout
        assert "1 received" in result["r"].stdout
    assert updev.stats.tx_packets >= 2


def test_read_into(updev, net):
    pinger = ping_background(net[1], count=10, interval=0.1)
    try:
        buf = bytearray(2048)
        n = 0
        deadline = time.monotonic() + 5
        while n == 0 and time.monotonic() < deadline:
            n = updev.read_into(buf)
            if n == 0:
                updev.wait_read_event(0.5)
        assert n > 0 and buf[0] >> 4 in (4, 6)
        # A memoryview slice: zero copy into part of a bigger buffer.
        big = bytearray(4096)
        view = memoryview(big)[100:]
        n2 = 0
        while n2 == 0 and time.monotonic() < deadline:
            n2 = updev.read_into(view)
            if n2 == 0:
                updev.wait_read_event(0.5)
        assert n2 > 0 and big[100] >> 4 in (4, 6) and big[:100] == bytes(100)
        # Too small: an error, and the packet waits for the next read.
        while True:
            try:
                got = updev.read_into(bytearray(10))
            except wintun.Error as e:
                assert e.winerror == wintun.ERROR_MORE_DATA and "kept" in str(e)
                break
            assert got == 0 and time.monotonic() < deadline
            updev.wait_read_event(0.5)
        assert updev.wait_read_event(0) is True  # the kept packet is ready
        kept = updev.read()
        assert kept is not None and len(kept) > 10
    finally:
        pinger.kill()
        pinger.wait()
    with pytest.raises(BufferError):
        updev.read_into(b"read-only bytes")
    with pytest.raises(TypeError):
        updev.read_into(42)
    assert updev.read_into(bytearray(2048)) in range(0, 2049)


def test_write_errors(updev):
    for bad in (bytes(70000), bytes(wintun.MAX_IP_PACKET_SIZE + 1)):
        with pytest.raises(wintun.Error) as e:
            updev.write(bad)
        assert e.value.winerror == wintun.ERROR_INVALID_PARAMETER
    with pytest.raises(TypeError):
        updev.write("text is not a packet")
    # Not IP (empty included, as in Wintun): accepted, then dropped and
    # counted as the library documents.
    updev.write(b"")
    updev.write(b"\x00" * 40)
    updev.write(memoryview(bytearray(b"\x45" + bytes(30)))[:20])
    deadline = time.monotonic() + 2
    while updev.stats.tx_dropped_invalid < 1 and time.monotonic() < deadline:
        updev.wait_read_event(0.05)
    assert updev.stats.tx_dropped_invalid >= 1
    assert wintun.RingFull.__mro__[1] is wintun.Error


def test_wait_read_event_timeout_and_wake(quietdev, net):
    # quietdev: no IPv6, so no router solicitation or MLD report can end the
    # silence this expects.
    updev = quietdev
    t0 = time.monotonic()
    assert updev.wait_read_event(0.3) is False
    assert 0.25 <= time.monotonic() - t0 < 2
    assert updev.wait_read_event(0) is False
    pinger = ping_background(net[1], count=3)
    try:
        t0 = time.monotonic()
        assert updev.wait_read_event(5) is True
        assert time.monotonic() - t0 < 4
    finally:
        pinger.kill()
        pinger.wait()
    with pytest.raises(ValueError):
        updev.wait_read_event(-1)


def test_fileno_with_select(quietdev, net):
    # quietdev: nothing but the ping below arrives on its link.
    fd = quietdev.fileno()
    assert fd >= 0
    r, _, _ = select.select([fd], [], [], 0.2)
    assert not r
    pinger = ping_background(net[1], count=3)
    try:
        r, _, _ = select.select([quietdev], [], [], 5)  # fileno() makes the device selectable
        assert r == [quietdev]
        assert read_icmp_request(quietdev, 1) is not None
    finally:
        pinger.kill()
        pinger.wait()


def test_wait_releases_the_gil(quietdev):
    """While one thread sleeps in wait_read_event(), another keeps running
    Python code: its loop never stalls for long. (Were the GIL held during
    the wait, the loop would stop for the whole second.) Gaps, not counts,
    are measured: counts depend on what else the machine runs."""
    stop = time.monotonic() + 1.0
    waits = []

    def waiter():
        while True:
            left = stop - time.monotonic()
            if left <= 0:
                return
            if quietdev.read() is None:
                t0 = time.monotonic()
                quietdev.wait_read_event(left)
                waits.append(time.monotonic() - t0)

    t = threading.Thread(target=waiter)
    t.start()
    stamps = []
    while time.monotonic() < stop - 0.05:
        stamps.append(time.monotonic())
    t.join()
    gap = max(b - a for a, b in zip(stamps, stamps[1:]))
    print("%d iterations, longest gap %.3f s; waits %s" % (len(stamps), gap, waits))
    assert max(waits) > 0.3  # the other thread did sleep in the wait
    assert len(stamps) > 1000 and gap < 0.3


def test_down_wakes_blocked_waiters(quietdev):
    # quietdev: no IPv6 packet can end the wait before what the test waits for.
    results = []
    threads = [threading.Thread(target=lambda: results.append(quietdev.wait_read_event()))
               for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    quietdev.down()
    for t in threads:
        t.join(5)
    assert results == [True, True, True]
    assert time.monotonic() - t0 < 2
    with pytest.raises(wintun.Error):
        quietdev.read()


def test_close_from_another_thread_while_reading(dev, net):
    dev.add_address(net[0])
    dev.up()
    errors, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                if dev.read() is None:
                    dev.wait_read_event(0.5)
            except wintun.Error as e:
                errors.append(e.winerror)
                return

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    pinger = ping_background(net[1], count=20, interval=0.01)
    time.sleep(0.3)
    dev.close()
    for t in threads:
        t.join(5)
    stop.set()
    pinger.kill()
    pinger.wait()
    assert not any(t.is_alive() for t in threads)
    assert set(errors) <= {wintun.ERROR_INVALID_HANDLE}


def test_wait_is_interruptible(quietdev):
    # quietdev: no IPv6 packet can end the wait before what the test waits for.
    class Interrupted(Exception):
        pass

    def handler(signum, frame):
        raise Interrupted()

    old = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        t0 = time.monotonic()
        with pytest.raises(Interrupted):
            quietdev.wait_read_event()
        assert time.monotonic() - t0 < 3
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert quietdev.wait_read_event(0.05) is False  # still usable


def test_logger(dev):
    got = []
    wintun.set_logger(lambda level, ts, msg: got.append((level, ts, msg)))
    try:
        with wintun.TunDevice("logpy", "pytest"):
            pass
        assert any(l == wintun.LOG_INFO and 'Created adapter "logpy"' in m for l, _, m in got)
        now_filetime = int((time.time() + 11644473600) * 10_000_000)
        assert all(abs(ts - now_filetime) < 600 * 10_000_000 for _, ts, _ in got)
        got.clear()
        with pytest.raises(wintun.Error):
            dev.mtu = 10
        assert any(l == wintun.LOG_ERR for l, _, _ in got)
        # A failing logger is reported and ignored.
        wintun.set_logger(lambda *a: 1 / 0)
        dev.mtu = 1400
        assert dev.mtu == 1400
        with pytest.raises(TypeError):
            wintun.set_logger(42)
    finally:
        wintun.set_logger(None)
    got.clear()
    wintun.TunDevice("quietpy", "pytest").close()
    assert got == []


def test_interface_deleted_under_a_waiting_thread(dev, net):
    """The adapter vanishes (ip link del) while a thread sleeps in the wait
    without the GIL: the wait returns, read() raises ERROR_HANDLE_EOF, and
    what the library logged meanwhile reaches the Python logger (taken there
    with PyGILState_Ensure or by the waiting thread on its way out)."""
    got = []
    wintun.set_logger(lambda level, ts, msg: got.append((level, msg)))
    try:
        dev.add_address(net[0])
        dev.up()
        woke = []
        t = threading.Thread(target=lambda: woke.append(dev.wait_read_event(10)))
        t.start()
        time.sleep(0.3)
        subprocess.run(["ip", "link", "del", "dev", dev.ifname], check=True)
        t.join(10)
        assert woke == [True]
        deadline = time.monotonic() + 5
        with pytest.raises(wintun.Error) as e:
            while time.monotonic() < deadline:
                if dev.read() is None:
                    dev.wait_read_event(0.1)
        assert e.value.winerror == wintun.ERROR_HANDLE_EOF
        deadline = time.monotonic() + 5
        while not any("gone" in m for _, m in got) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(l == wintun.LOG_WARN and "gone" in m for l, m in got), got
    finally:
        wintun.set_logger(None)


def test_many_packets_both_ways(updev, net):
    """A flood of pings, each answered: every request is read once, in order."""
    result = {}
    t = threading.Thread(target=lambda: result.update(
        r=subprocess.run(["ping", "-n", "-c", "200", "-i", "0.002", "-W", "2", net[1]],
                         stdout=subprocess.PIPE, text=True)))
    t.start()
    seqs = []
    deadline = time.monotonic() + 20
    while len(seqs) < 200 and time.monotonic() < deadline:
        p = updev.read()
        if p is None:
            updev.wait_read_event(0.5)
            continue
        reply = reply_to(p)
        if reply:
            seqs.append(int.from_bytes(p[26:28], "big"))
            if len(seqs) > 1 and seqs[-1] != seqs[-2] + 1:
                break  # one missing or out of order: the rest would only wait
            updev.write(reply)
    t.join(20)
    assert seqs == list(range(seqs[0], seqs[0] + 200))
    assert "200 received" in result["r"].stdout, result["r"].stdout
