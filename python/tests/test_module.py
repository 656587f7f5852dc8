# SPDX-License-Identifier: MIT
"""The C module itself: exception classes made in C from one table of
error codes, a fresh module (types, exceptions, logger) per import and per
interpreter, and modules that do not disturb each other."""
import errno
import importlib
import pickle
import sys
import textwrap
import time

import pytest

import wintun
from wintun import _wintun


def test_exceptions_come_from_the_c_module():
    assert wintun.Error is _wintun.Error and wintun.RingFull is _wintun.RingFull
    assert issubclass(wintun.Error, OSError) and issubclass(wintun.RingFull, wintun.Error)
    assert wintun.Error.__module__ == "wintun" and wintun.Error.__name__ == "Error"
    assert "winerror" in wintun.Error.__doc__ and "ring full" in wintun.RingFull.__doc__
    assert not hasattr(wintun, "_ERRORS")  # one table, in C


def test_error_table():
    names = [n for n in dir(_wintun) if n.startswith("ERROR_")]
    assert len(names) >= 16
    for name in names:
        code = getattr(_wintun, name)
        assert getattr(wintun, name) == code and name in wintun.__all__
        assert wintun.error_name(code) == name
    assert wintun.ERROR_INVALID_PARAMETER == 87 and wintun.ERROR_NOT_FOUND == 1168
    assert wintun.error_name(0xFFFFFFFF) == "ERROR_4294967295"
    with pytest.raises(OverflowError):
        wintun.error_name(1 << 32)
    with pytest.raises(TypeError):
        wintun.error_name("87")


@pytest.mark.parametrize("code,posix", [(2, errno.ENOENT), (5, errno.EACCES),
                                        (111, errno.ENOBUFS), (4242, errno.EIO)])
def test_error_instances(code, posix):
    e = wintun.Error(code)
    assert e.errno == posix and e.winerror == code and e.name == wintun.error_name(code)
    assert e.strerror == e.name
    e = wintun.Error(winerror=code, message="why")
    assert str(e) == "[WinError %d %s] why" % (code, wintun.error_name(code))
    full = pickle.loads(pickle.dumps(wintun.RingFull(111, "full")))
    assert type(full) is wintun.RingFull and full.winerror == 111 and full.strerror == "full"
    with pytest.raises(TypeError):
        wintun.Error()


def test_raised_errors_are_instances_of_the_module_classes(dev):
    dev.up()
    with pytest.raises(wintun.Error) as e:
        dev.up()
    assert type(e.value) is wintun.Error and e.value.winerror == wintun.ERROR_ALREADY_INITIALIZED


def _heard(got, piece, timeout=5.0):
    """Whether a logger's list gets a message containing piece within timeout.
    Messages logged for another module or interpreter reach this one's logger
    from the module's delivery thread, which may hand over part of its batch,
    lose the GIL inside a callback and finish later: an assertion made at
    once could see half a batch. Sleeping lets it finish."""
    end = time.monotonic() + timeout
    while True:
        if any(piece in m for m in list(got)):
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.01)


def _fresh_import():
    """Import wintun again, as if for the first time; returns the new package
    and puts the old modules back in sys.modules."""
    saved = {k: v for k, v in sys.modules.items() if k == "wintun" or k.startswith("wintun.")}
    for k in saved:
        del sys.modules[k]
    try:
        return importlib.import_module("wintun")
    finally:
        sys.modules.update(saved)


def test_reimport_gets_a_module_of_its_own():
    old_dev = wintun.TunDevice("reimp0", "pytest")
    new = _fresh_import()
    try:
        assert new._wintun is not _wintun
        assert new.Error is not wintun.Error and new.TunDevice is not wintun.TunDevice
        assert new._wintun.Device is not _wintun.Device
        got_old, got_new = [], []
        wintun.set_logger(lambda level, ts, msg: got_old.append(msg))
        new.set_logger(lambda level, ts, msg: got_new.append(msg))
        with new.TunDevice("reimp1", "pytest") as d:
            d.up()
            with pytest.raises(new.Error) as e:
                d.up()
            assert not isinstance(e.value, wintun.Error)
        # Each module's devices raise that module's classes, and both loggers hear the library.
        with pytest.raises(wintun.Error) as e:
            old_dev.mtu = 10
        assert not isinstance(e.value, new.Error)
        assert _heard(got_new, 'Created adapter "reimp1"'), got_new
        assert _heard(got_old, 'Created adapter "reimp1"'), got_old
        new.set_logger(None)
        del got_new[:]
        old_dev.mtu = 1400
        new.TunDevice("reimp2", "pytest").close()
        assert _heard(got_old, "reimp2"), got_old
        assert got_new == []
    finally:
        wintun.set_logger(None)
        new.set_logger(None)
        old_dev.close()


def test_a_dropped_module_leaves_the_others_working():
    new = _fresh_import()
    new.set_logger(lambda *a: None)
    new.TunDevice("dropped0", "pytest").close()
    del new
    import gc
    gc.collect()
    got = []
    wintun.set_logger(lambda level, ts, msg: got.append(msg))
    try:
        wintun.TunDevice("dropped1", "pytest").close()
        assert _heard(got, 'Created adapter "dropped1"'), got
    finally:
        wintun.set_logger(None)


def test_sub_interpreter():
    interpreters = pytest.importorskip("_xxsubinterpreters")
    code = textwrap.dedent("""
        import wintun
        from wintun import _wintun
        got = []
        wintun.set_logger(lambda level, ts, msg: got.append(msg))
        with wintun.TunDevice("subint0", "pytest") as d:
            d.add_address("10.67.0.1/24")
            assert d.addresses[0] == "10.67.0.1/24", d.addresses
            try:
                d.mtu = 10
                raise AssertionError("mtu 10 was accepted")
            except wintun.Error as e:
                assert e.winerror == wintun.ERROR_INVALID_PARAMETER, e
        assert any('Created adapter "subint0"' in m for m in got), got
        wintun.set_logger(None)
    """)
    main_got = []
    wintun.set_logger(lambda level, ts, msg: main_got.append(msg))
    try:
        interp = interpreters.create()
        try:
            interpreters.run_string(interp, code)
        finally:
            interpreters.destroy(interp)
        # The main interpreter's module heard the library too and still works.
        assert _heard(main_got, 'Created adapter "subint0"'), main_got
        with wintun.TunDevice("subint1", "pytest") as d:
            with pytest.raises(wintun.Error):
                d.mtu = 10
        assert _heard(main_got, 'Created adapter "subint1"'), main_got
    finally:
        wintun.set_logger(None)
