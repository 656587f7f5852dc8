#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""echo.py - answer the pings the system routes into a Wintun adapter, in Python.

    PYTHONPATH=build/python python3 examples/echo.py [NAME] [--addr 10.8.0.1/24]
                                                     [--addr fd00:8::1/64] [--count N]

It creates the adapter NAME (default "PyEcho"), gives it the addresses and
answers every ICMP echo request (IPv4 type 8, ICMPv6 type 128) coming out of
it: addresses swapped, type turned into a reply, checksum recomputed, written
back. The system routes each address's whole subnet into the adapter, so with
10.8.0.1/24 `ping 10.8.0.2` is answered, from 10.8.0.2. Ctrl-C, SIGTERM or
--count N replies end it, and leaving the `with` block removes the adapter.
Needs CAP_NET_ADMIN; try it inside `unshare -n` to keep your network as it is.
"""
import argparse
import signal
import struct
import sys

import wintun

ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY = 8, 0
ICMP6_ECHO_REQUEST, ICMP6_ECHO_REPLY = 128, 129
PROTO_ICMP, PROTO_ICMP6 = 1, 58


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def reply_to(packet: bytes):
    """The echo reply to an ICMP or ICMPv6 echo request, or None for any other packet."""
    if len(packet) >= 28 and packet[0] >> 4 == 4:
        ihl = (packet[0] & 0x0F) * 4
        if packet[9] != PROTO_ICMP or len(packet) < ihl + 8 or packet[ihl] != ICMP_ECHO_REQUEST:
            return None
        p = bytearray(packet)
        p[12:16], p[16:20] = packet[16:20], packet[12:16]  # the IP checksum stays right
        p[ihl] = ICMP_ECHO_REPLY
        p[ihl + 2:ihl + 4] = b"\0\0"
        p[ihl + 2:ihl + 4] = struct.pack("!H", checksum(bytes(p[ihl:])))
        return bytes(p)
    if len(packet) >= 48 and packet[0] >> 4 == 6:
        if packet[6] != PROTO_ICMP6 or packet[40] != ICMP6_ECHO_REQUEST:
            return None
        p = bytearray(packet)
        p[8:24], p[24:40] = packet[24:40], packet[8:24]
        p[40] = ICMP6_ECHO_REPLY
        p[42:44] = b"\0\0"
        body = bytes(p[40:])
        pseudo = p[8:40] + struct.pack("!I3xB", len(body), PROTO_ICMP6)
        p[42:44] = struct.pack("!H", checksum(bytes(pseudo) + body))
        return bytes(p)
    return None


def describe(packet: bytes) -> str:
    import ipaddress
    if packet[0] >> 4 == 4:
        return "IPv4 echo request from %s to %s" % (ipaddress.ip_address(packet[12:16]),
                                                   ipaddress.ip_address(packet[16:20]))
    return "IPv6 echo request from %s to %s" % (ipaddress.ip_address(packet[8:24]),
                                               ipaddress.ip_address(packet[24:40]))


def main() -> int:
    ap = argparse.ArgumentParser(description="Answer pings routed into a Wintun adapter.")
    ap.add_argument("name", nargs="?", default="PyEcho")
    ap.add_argument("--addr", action="append", default=[],
                    help="address with prefix (repeatable); default 10.8.0.1/24")
    ap.add_argument("--count", type=int, default=0, help="exit after N replies")
    ap.add_argument("--quiet", action="store_true", help="no line per reply")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # as Ctrl-C
    wintun.set_logger(lambda level, ts, msg: print("wintun: %s" % msg, file=sys.stderr)
                      if level != wintun.LOG_INFO else None)
    replies = 0
    with wintun.TunDevice(args.name, "echo") as tun:
        for a in args.addr or ["10.8.0.1/24"]:
            tun.add_address(a)
        tun.up()
        print("Answering echo requests on %s (%s)" % (tun.name, ", ".join(tun.addresses)),
              flush=True)
        try:
            while not args.count or replies < args.count:
                packet = tun.read()
                if packet is None:
                    tun.wait_read_event()  # releases the GIL; Ctrl-C works
                    continue
                reply = reply_to(packet)
                if reply is None:
                    continue
                try:
                    tun.write(reply)
                except wintun.RingFull:
                    continue  # drop, as Wintun programs do
                replies += 1
                if not args.quiet:
                    print("Answered " + describe(packet), flush=True)
        except KeyboardInterrupt:
            pass
    print("%d replies sent" % replies, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
