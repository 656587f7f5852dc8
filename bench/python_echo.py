# SPDX-License-Identifier: MIT
"""python_echo.py - the echo loop of bench/python_echo.c, in Python.

    python_echo.py MODE SECONDS     (MODE: read | read_into)

Creates adapter "pybench" with 10.77.1.1/24, prints "ready", then echoes
every packet (IPv4 source and destination swapped) for SECONDS from the
first one, and prints one JSON line: packets, seconds, pps.
  read       packet = tun.read(); reply = bytearray(packet), swapped; tun.write(reply)
  read_into  n = tun.read_into(buf), swapped in place; tun.write(view[:n]) (no allocation)
"""
import json
import sys
import time

import wintun


def main():
    mode, seconds = sys.argv[1], float(sys.argv[2])
    tun = wintun.TunDevice("pybench", "bench")
    tun.add_address("10.77.1.1/24")
    tun.up()
    print("ready", flush=True)
    read, write, wait = tun.read, tun.write, tun.wait_read_event
    packets = 0
    start = end = 0.0
    if mode == "read":
        while True:
            p = read()
            if p is None:
                if start and time.monotonic() >= end:
                    break
                wait(0.1)
                continue
            if not start:
                start = time.monotonic()
                end = start + seconds
            q = bytearray(p)
            q[12:16], q[16:20] = p[16:20], p[12:16]
            try:
                write(q)
                packets += 1
            except wintun.RingFull:
                pass
            if not packets & 1023 and time.monotonic() >= end:
                break
    elif mode == "read_into":
        buf = bytearray(65536)
        view = memoryview(buf)
        read_into = tun.read_into
        while True:
            n = read_into(buf)
            if not n:
                if start and time.monotonic() >= end:
                    break
                wait(0.1)
                continue
            if not start:
                start = time.monotonic()
                end = start + seconds
            buf[12:16], buf[16:20] = buf[16:20], buf[12:16]
            try:
                write(view[:n])
                packets += 1
            except wintun.RingFull:
                pass
            if not packets & 1023 and time.monotonic() >= end:
                break
    else:
        raise SystemExit("usage: python_echo.py read|read_into SECONDS")
    took = time.monotonic() - start
    print(json.dumps({"mode": "python-" + mode, "packets": packets, "seconds": round(took, 3),
                      "pps": packets / took if took else 0.0}))
    tun.close()


if __name__ == "__main__":
    main()
