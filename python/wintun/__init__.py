# SPDX-License-Identifier: MIT
"""wintun: the Wintun TUN API for Python, on Linux (liblintun inside).

    import wintun
    with wintun.TunDevice('Demo', 'tunnel') as tun:
        tun.addr = '10.2.0.1'          # /24 when no prefix is given
        tun.up()
        while True:
            packet = tun.read()        # bytes, or None when nothing waits
            if packet is None:
                tun.wait_read_event()  # sleeps without the GIL
                continue
            ...
            tun.write(reply)

Every failure raises wintun.Error (an OSError) whose .winerror is the
Windows error code the C API reports; a full send ring raises
wintun.RingFull. See docs/python.md for the whole API and how it differs
from the Windows binding whose example it runs.
"""
from __future__ import annotations

import asyncio
import atexit
import ipaddress
from typing import AsyncIterator, Callable, List, NamedTuple, Optional, Union

from . import _wintun

__all__ = [
    "Error", "RingFull", "TunDevice", "AdapterInfo", "Route", "SessionStats",
    "set_logger", "get_driver_version", "enum_adapters", "error_name",
    "LOG_INFO", "LOG_WARN", "LOG_ERR", "MIN_RING_CAPACITY", "MAX_RING_CAPACITY",
    "MAX_IP_PACKET_SIZE", "SESSION_NO_OFFLOAD", "SESSION_NO_COALESCE",
]

LOG_INFO: int = _wintun.LOG_INFO
LOG_WARN: int = _wintun.LOG_WARN
LOG_ERR: int = _wintun.LOG_ERR
MIN_RING_CAPACITY: int = _wintun.MIN_RING_CAPACITY
MAX_RING_CAPACITY: int = _wintun.MAX_RING_CAPACITY
MAX_IP_PACKET_SIZE: int = _wintun.MAX_IP_PACKET_SIZE
SESSION_NO_OFFLOAD: int = _wintun.SESSION_NO_OFFLOAD
SESSION_NO_COALESCE: int = _wintun.SESSION_NO_COALESCE

# The exception classes and the Windows error codes (ERROR_INVALID_PARAMETER,
# ...) come from the C module, which holds the one table of them.
Error = _wintun.Error
RingFull = _wintun.RingFull
error_name: Callable[[int], str] = _wintun.error_name
for _name in dir(_wintun):
    if _name.startswith("ERROR_"):
        globals()[_name] = getattr(_wintun, _name)
        __all__.append(_name)
del _name


class AdapterInfo(NamedTuple):
    """What the library knows about an adapter (enum_adapters())."""
    name: str          # full adapter name
    tunnel_type: str
    guid: str          # '{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}'
    luid: int          # NET_LUID value: interface index << 24 | 53 << 48
    ifindex: int       # Linux interface index
    ifname: str        # Linux interface name
    creator_pid: int   # pid of the creating process (0: unknown)


class Route(NamedTuple):
    """A route through the adapter: destination network and metric."""
    destination: str   # '10.9.0.0/16'
    metric: int


class SessionStats(NamedTuple):
    """Counters of the running session (LINTUN_SESSION_STATS)."""
    rx_packets: int
    rx_bytes: int
    rx_reads: int
    rx_super_packets: int
    rx_dropped: int
    tx_packets: int
    tx_bytes: int
    tx_writes: int
    tx_coalesced: int
    tx_dropped_invalid: int
    tx_dropped_kernel: int
    tx_ring_full: int


Logger = Callable[[int, int, str], object]


def set_logger(callback: Optional[Logger]) -> None:
    """Send the library's log to callback(level, timestamp, message).

    level is LOG_INFO, LOG_WARN or LOG_ERR; timestamp counts 100-ns
    intervals since 1601-01-01 UTC (Windows FILETIME). None restores
    silence. The callback always runs with the GIL, never inside the
    library: a message is delivered when the wintun call that logged it
    returns, or by a helper thread (PyGILState_Ensure) when it was logged
    outside any Python call. Exceptions in it are printed and ignored.
    """
    _wintun.set_logger(callback)


def get_driver_version() -> int:
    """The library version as (major << 16) | minor: 14 for 0.14.

    Raises Error(ERROR_FILE_NOT_FOUND) when /dev/net/tun cannot be opened."""
    return _wintun.get_driver_version()


def enum_adapters() -> List[AdapterInfo]:
    """Every adapter of this library in the caller's network namespace."""
    return [AdapterInfo(*t) for t in _wintun._enum_adapters()]


def _default_prefix(text: str) -> str:
    """The seed's Windows binding: /24 for IPv4, /64 for IPv6 when none is given."""
    return _wintun.normalize_address(text, 24, 64)


def _address_only(text: str):
    return ipaddress.ip_address(text.split("/", 1)[0])


class TunDevice(_wintun.Device):
    """A Wintun adapter: TunDevice(name, type, capacity=0x400000, guid=None).

    Creating it creates the adapter (the Linux interface), in the calling
    thread's network namespace; close() or leaving a `with` block removes
    it. name becomes the interface name when it is a valid one (at most 15
    bytes, no spaces or '/'); type is the tunnel type. capacity is the size
    of each ring, a power of two from MIN_RING_CAPACITY to MAX_RING_CAPACITY,
    used by up(). guid is '{...}' text or a uuid.UUID, random when None.

    up() starts the session; read()/read_into()/write() move packets;
    wait_read_event(), fileno() and read_async() wait for them.
    """

    def __init__(self, name: str, type: str, capacity: int = 0x400000,
                 guid=None) -> None:
        if guid is not None and not isinstance(guid, str):
            guid = str(guid)  # uuid.UUID: same text as a Windows GUID
        super().__init__(name, type, capacity, guid)
        self._addr: Optional[str] = None
        self._async_waiters: set = set()

    # -- context manager and lifetime ---------------------------------------

    def __enter__(self) -> "TunDevice":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return "<wintun.TunDevice closed>"
        return "<wintun.TunDevice %r (%s)%s>" % (self.name, self.ifname,
                                                 " up" if self.is_up else "")

    def down(self) -> None:
        """End the session: threads in wait_read_event() wake (True), pending
        read_async() calls raise Error; read()/write() raise Error until the
        next up(). The link and the addresses stay. Does nothing when down."""
        self._wake_async()
        super().down()

    def close(self) -> None:
        """End the session and remove the adapter (idempotent)."""
        self._wake_async()
        super().close()

    # -- identity -------------------------------------------------------------

    @property
    def info(self) -> AdapterInfo:
        """Everything the library knows about the adapter, read from the kernel."""
        return AdapterInfo(*self._info())

    @property
    def name(self) -> str:
        """The full adapter name, as given."""
        return self._info()[0]

    @property
    def ifname(self) -> str:
        """The Linux interface name ('Data Center' becomes 'Data_Center')."""
        return self._info()[5]

    @property
    def ifindex(self) -> int:
        """The Linux interface index."""
        return self._info()[4]

    @property
    def luid(self) -> int:
        """The adapter's NET_LUID value (NetLuidIndex is the interface index)."""
        return self._info()[3]

    @property
    def guid(self) -> str:
        """The adapter's GUID, as '{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}'."""
        return self._info()[2]

    @property
    def stats(self) -> SessionStats:
        """Counters of the running session (Error when not up)."""
        return SessionStats(*self._stats())

    @property
    def link_up(self) -> bool:
        """The administrative state of the link (IFF_UP)."""
        return self._link_state()[0]

    # -- addresses and routes -------------------------------------------------

    @property
    def addr(self) -> Optional[str]:
        """The address set through `addr`, as 'a.b.c.d/len' or 'x::y/len'.

        Assigning '10.2.0.1' adds 10.2.0.1/24 (IPv6: /64), as the Windows
        binding did; give '/len' for another prefix. An assignment replaces
        the address an earlier assignment made; None removes it. The getter
        returns None when nothing was assigned. Other addresses:
        add_address() and addresses.
        """
        return self._addr

    @addr.setter
    def addr(self, value: Optional[str]) -> None:
        old = self._addr
        new = None if value is None else self._add_address(value, 24, 64)
        if old is not None and old != new:
            try:
                self._remove_address(old)
            except Error as e:
                if e.winerror != ERROR_NOT_FOUND:  # noqa: F821 (defined above)
                    raise
        self._addr = new

    @addr.deleter
    def addr(self) -> None:
        self.addr = None

    def add_address(self, address: str) -> str:
        """Add an address ('10.6.7.7/24', 'fd00::1/64'); without a prefix it
        is a host address (/32, /128), as in the C API. Adding one that
        exists is not an error. Returns the address as added, with its prefix."""
        return self._add_address(address)

    def remove_address(self, address: str) -> None:
        """Remove an address. Without '/len' the adapter's address with that
        IP is removed whatever its prefix. Error(ERROR_NOT_FOUND) when absent."""
        if "/" not in address:
            want = _address_only(address) if _is_ip(address) else None
            for a in self.addresses:
                if want is not None and _address_only(a) == want:
                    address = a
                    break
        self._remove_address(address)
        if self._addr is not None and _address_only(self._addr) == _address_only(address):
            self._addr = None

    @property
    def addresses(self) -> List[str]:
        """Every address of the adapter ('10.6.7.7/24', IPv6 link-local included)."""
        return self._addresses()

    @property
    def routes(self) -> List[Route]:
        """The main table's routes through the adapter."""
        return [Route(*r) for r in self._routes()]

    # -- asyncio ----------------------------------------------------------------

    async def read_async(self) -> bytes:
        """The next packet; waits in the running event loop (loop.add_reader
        on fileno()) while none is waiting. Raises Error if the device goes
        down meanwhile."""
        packet = self.read()
        if packet is not None:
            return packet
        loop = asyncio.get_running_loop()
        while True:
            fd = self.fileno()
            fut = loop.create_future()
            self._async_waiters.add((loop, fut))
            loop.add_reader(fd, _resolve, fut)
            try:
                await fut
            finally:
                self._async_waiters.discard((loop, fut))
                loop.remove_reader(fd)
            packet = self.read()  # raises Error when down() ended the session
            if packet is not None:
                return packet

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        """`async for packet in dev`: ends (StopAsyncIteration) when the device
        goes down or is closed."""
        if not self.is_up:
            raise StopAsyncIteration
        try:
            return await self.read_async()
        except Error:
            if not self.is_up:
                raise StopAsyncIteration from None
            raise

    def _wake_async(self) -> None:
        for loop, fut in list(self._async_waiters):
            try:
                loop.call_soon_threadsafe(_resolve, fut)
            except RuntimeError:  # that loop is closed
                pass


def _resolve(fut: "asyncio.Future") -> None:
    if not fut.done():
        fut.set_result(None)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


# The library may log from its own threads until the process ends; stop
# handing messages to Python before the interpreter goes away.
atexit.register(_wintun._shutdown)
