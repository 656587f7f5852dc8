# SPDX-License-Identifier: MIT
"""asyncio: read_async() and `async for` over fileno() with loop.add_reader."""
import asyncio
import threading

import pytest

import wintun
from conftest import ping_background
from echo import reply_to


def test_read_async_gets_packets_and_answers(updev, net):
    async def main():
        loop = asyncio.get_running_loop()
        ping = await asyncio.create_subprocess_exec(
            "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", net[1],
            stdout=asyncio.subprocess.PIPE)
        answered = 0
        ticks = 0

        async def ticker():  # the loop keeps running other tasks meanwhile
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = loop.create_task(ticker())
        while answered < 3:
            p = await asyncio.wait_for(updev.read_async(), 5)
            r = reply_to(p)
            if r:
                updev.write(r)
                answered += 1
        out, _ = await ping.communicate()
        tick_task.cancel()
        return out.decode(), ticks

    out, ticks = asyncio.run(main())
    assert "3 received" in out, out
    assert ticks > 10


def test_async_for_ends_on_down(updev, net):
    pinger = ping_background(net[1], count=30, interval=0.05)

    async def main():
        got = 0
        async for packet in updev:
            assert isinstance(packet, bytes)
            got += 1
            if got == 3:
                threading.Timer(0.1, updev.down).start()  # ends the iteration
        return got

    try:
        got = asyncio.run(asyncio.wait_for(main(), 15))
    finally:
        pinger.kill()
        pinger.wait()
    assert got >= 3 and not updev.is_up


def test_read_async_timeout_leaves_no_reader(quietdev):
    # quietdev: no IPv6 chatter on the link could end the wait early.
    async def main():
        loop = asyncio.get_running_loop()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(quietdev.read_async(), 0.2)
        assert not loop._selector.get_map() or quietdev.fileno() not in loop._selector.get_map()

    asyncio.run(main())


def test_read_async_raises_when_closed(updev):
    async def main():
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, updev.close)
        with pytest.raises(wintun.Error) as e:
            await asyncio.wait_for(updev.read_async(), 5)
        assert e.value.winerror == wintun.ERROR_INVALID_HANDLE

    asyncio.run(main())
