# SPDX-License-Identifier: MIT
"""TunDevice without traffic: identity, properties, configuration, lifetime,
and the errors each raises."""
import errno
import pickle
import re
import uuid

import pytest

import wintun
from conftest import link_exists


def test_driver_version():
    assert wintun.get_driver_version() == (0 << 16) | 14


def test_identity_properties(dev):
    info = dev.info
    assert dev.name == info.name and dev.name.startswith("pt")
    assert dev.ifname == dev.name  # a valid interface name is used as it is
    assert info.tunnel_type == "pytest"
    assert re.fullmatch(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}",
                        dev.guid)
    assert (dev.luid >> 24) & 0xFFFFFF == dev.ifindex and dev.luid >> 48 == 53
    assert info.creator_pid > 0
    assert link_exists(dev.ifname)
    assert any(a.name == dev.name and a.guid == dev.guid for a in wintun.enum_adapters())
    assert bool(dev)  # the seed tests `if tun:`
    assert dev.name in repr(dev)


def test_long_name_and_given_guid():
    g = uuid.UUID("deadbabe-cafe-beef-0123-456789abcdef")
    with wintun.TunDevice("Data Center py", "pytest", guid=g) as d:
        assert d.name == "Data Center py"
        assert d.ifname == "Data_Center_py"
        assert d.guid == "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}"
    with wintun.TunDevice("guidtext", "pytest", guid="{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}") as d:
        assert d.guid == "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}"


def test_mtu(dev):
    assert dev.mtu == 1500
    dev.mtu = 1400
    assert dev.mtu == 1400
    with pytest.raises(wintun.Error) as e:
        dev.mtu = 20
    assert e.value.winerror == wintun.ERROR_INVALID_PARAMETER
    assert dev.mtu == 1400


def test_ring_capacity_applied_at_up(dev):
    assert dev.ring_capacity == 0x400000
    dev.ring_capacity = 0x20000
    assert dev.ring_capacity == 0x20000
    dev.up()
    dev.ring_capacity = 0x4000000  # for the next up()
    dev.down()
    dev.up()
    assert dev.ring_capacity == 0x4000000 and dev.is_up


@pytest.mark.parametrize("capacity", [0, 1000, 0x10000, 0x30000, 0x8000000, 1 << 40])
def test_bad_capacity(dev, capacity):
    with pytest.raises(wintun.Error) as e:
        wintun.TunDevice("badcap", "pytest", capacity)
    assert e.value.winerror == wintun.ERROR_INVALID_PARAMETER
    assert "capacity" in str(e.value)
    assert not link_exists("badcap")
    with pytest.raises(wintun.Error):
        dev.ring_capacity = capacity
    assert dev.ring_capacity == 0x400000
    with pytest.raises(OverflowError):
        dev.ring_capacity = -1


def test_addr_default_prefixes(dev):
    assert dev.addr is None
    dev.addr = "10.2.0.0"
    assert dev.addr == "10.2.0.0/24"
    assert "10.2.0.0/24" in dev.addresses
    dev.addr = "fd00:2::1"  # replaces the IPv4 one
    assert dev.addr == "fd00:2::1/64"
    assert "fd00:2::1/64" in dev.addresses and "10.2.0.0/24" not in dev.addresses
    dev.addr = "10.3.0.1/16"
    assert dev.addr == "10.3.0.1/16" and "10.3.0.1/16" in dev.addresses
    dev.addr = None
    assert dev.addr is None and "10.3.0.1/16" not in dev.addresses


@pytest.mark.parametrize("bad", ["10.2.0.300", "10.2.0.1/33", "fd00::1/129", "hello", "", "10.0.0.1/"])
def test_bad_address(dev, bad):
    with pytest.raises(wintun.Error) as e:
        dev.addr = bad
    assert e.value.winerror == wintun.ERROR_INVALID_PARAMETER
    assert e.value.errno == errno.EINVAL
    with pytest.raises(wintun.Error):
        dev.add_address(bad)
    assert dev.addr is None
    with pytest.raises(TypeError):
        dev.addr = 10


def test_addresses(dev):
    assert dev.add_address("10.5.0.1/24") == "10.5.0.1/24"
    assert dev.add_address("10.5.0.9") == "10.5.0.9/32"  # the C API's host default
    dev.add_address("10.5.0.1/24")  # again: not an error
    assert dev.add_address("fd00:5::1/64") == "fd00:5::1/64"
    got = dev.addresses
    for a in ("10.5.0.1/24", "10.5.0.9/32", "fd00:5::1/64"):
        assert a in got
    dev.remove_address("10.5.0.9")  # whatever its prefix
    dev.remove_address("fd00:5::1/64")
    assert "10.5.0.9/32" not in dev.addresses and "fd00:5::1/64" not in dev.addresses
    with pytest.raises(wintun.Error) as e:
        dev.remove_address("10.5.0.77/24")
    assert e.value.winerror == wintun.ERROR_NOT_FOUND


def test_routes(dev):
    dev.add_address("10.6.0.1/24")
    dev.add_route("10.60.0.0/16")
    dev.add_route("10.61.0.0/16", metric=50)
    dev.add_route("fd00:60::/48", 7)
    routes = dev.routes
    assert wintun.Route("10.61.0.0/16", 50) in routes
    assert wintun.Route("fd00:60::/48", 7) in routes
    assert any(r.destination == "10.60.0.0/16" for r in routes)
    dev.remove_route("10.61.0.0/16", 50)
    dev.remove_route("10.60.0.0/16")
    assert all(r.destination not in ("10.60.0.0/16", "10.61.0.0/16") for r in dev.routes)
    with pytest.raises(wintun.Error) as e:
        dev.remove_route("10.62.0.0/16")
    assert e.value.winerror == wintun.ERROR_NOT_FOUND
    with pytest.raises(wintun.Error) as e:
        dev.add_route("10.60.0.1/16")  # host bits set
    assert e.value.winerror == wintun.ERROR_INVALID_PARAMETER


def test_up_down(dev):
    assert not dev.is_up
    with pytest.raises(wintun.Error) as e:
        dev.read()
    assert e.value.winerror == wintun.ERROR_INVALID_HANDLE and "up()" in str(e.value)
    dev.up()
    assert dev.is_up and dev.link_up
    p = dev.read()  # None, or the kernel's IPv6 chatter (router solicitation)
    assert p is None or (isinstance(p, bytes) and p[0] >> 4 == 6)
    with pytest.raises(wintun.Error) as e:
        dev.up()
    assert e.value.winerror == wintun.ERROR_ALREADY_INITIALIZED
    dev.down()
    dev.down()  # does nothing when down
    assert not dev.is_up
    for call in (dev.read, dev.fileno, dev.wait_read_event, lambda: dev.stats,
                 lambda: dev.write(b"\x45" + bytes(19))):
        with pytest.raises(wintun.Error):
            call()
    dev.up()  # again
    assert dev.stats.rx_packets == 0


def test_duplicate_name(dev):
    with pytest.raises(wintun.Error) as e:
        wintun.TunDevice(dev.name, "pytest")
    assert e.value.winerror == wintun.ERROR_ALREADY_EXISTS
    assert e.value.name == "ERROR_ALREADY_EXISTS"
    assert "exists" in str(e.value)


@pytest.mark.parametrize("name,code", [("", wintun.ERROR_INVALID_PARAMETER),
                                       ("a\nb", wintun.ERROR_INVALID_PARAMETER),
                                       ("x" * 200, wintun.ERROR_BUFFER_OVERFLOW)])
def test_bad_name(name, code):
    with pytest.raises(wintun.Error) as e:
        wintun.TunDevice(name, "pytest")
    assert e.value.winerror == code


def test_context_manager_removes_adapter():
    with wintun.TunDevice("ctxmgr", "pytest") as d:
        assert link_exists("ctxmgr")
        d.up()
    assert d.closed and not link_exists("ctxmgr")
    # Also when the block raises.
    with pytest.raises(RuntimeError):
        with wintun.TunDevice("ctxmgr2", "pytest"):
            raise RuntimeError("boom")
    assert not link_exists("ctxmgr2")


def test_closed_device_raises():
    d = wintun.TunDevice("closedpy", "pytest")
    d.up()
    d.close()
    d.close()  # idempotent
    assert not link_exists("closedpy")
    calls = [d.read, d.up, d.fileno, lambda: d.read_into(bytearray(100)),
             lambda: d.write(bytes(20)), lambda: d.mtu, lambda: d.name, lambda: d.addresses,
             lambda: d.add_address("10.1.1.1/24"), lambda: setattr(d, "mtu", 1400),
             lambda: d.routes, lambda: d.stats, d.wait_read_event]
    for call in calls:
        with pytest.raises(wintun.Error) as e:
            call()
        assert e.value.winerror == wintun.ERROR_INVALID_HANDLE
        assert "closed" in str(e.value)
    d.down()  # nothing to end: no error


def test_garbage_collected_device_removes_adapter():
    d = wintun.TunDevice("gcpy", "pytest")
    d.up()
    del d
    assert not link_exists("gcpy")


def test_error_class():
    e = wintun.Error(wintun.ERROR_INVALID_PARAMETER, "bad thing")
    assert isinstance(e, OSError) and e.errno == errno.EINVAL
    assert str(e) == "[WinError 87 ERROR_INVALID_PARAMETER] bad thing"
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is wintun.Error and e2.winerror == 87 and str(e2) == str(e)
    assert issubclass(wintun.RingFull, wintun.Error)
    assert wintun.error_name(111) == "ERROR_BUFFER_OVERFLOW"
    assert str(wintun.Error(111)) == "[WinError 111 ERROR_BUFFER_OVERFLOW] ERROR_BUFFER_OVERFLOW"
    assert wintun.error_name(4242) == "ERROR_4242"
