#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora in fuzz/corpus/ (run from the repository root).

split/: a 10-byte virtio_net_hdr (little-endian) and a packet. Checksums in
the packets do not matter, offload_split() recomputes them.
coalesce/: byte 0 = allow_udp, then records ctl, len (big-endian), bytes, as
described in fuzz/fuzz-coalesce.c; ctl 3 = next segment of the same stream
with checksums fixed by the harness.
"""
import os
import struct


def ip4(proto, l4, ident=0x1234, frag=0x4000):
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), ident, frag, 64, proto, 0,
                       bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + l4


def ip6(proto, l4):
    return (struct.pack('!IHBB', 0x60012345, len(l4), proto, 64) + bytes(range(16)) +
            bytes(range(16, 32)) + l4)


def tcp(payload, flags=0x10, opts=b''):
    doff = (20 + len(opts)) // 4
    return struct.pack('!HHIIBBHHH', 40000, 443, 1000, 77, doff << 4, flags, 512, 0, 0) + opts + payload


def udp(payload):
    return struct.pack('!HHHH', 5353, 53, 8 + len(payload), 0) + payload


def vhdr(flags, gso_type, hdr_len, gso_size, start, off):
    return struct.pack('<BBHHHH', flags, gso_type, hdr_len, gso_size, start, off)


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def main():
    pay = bytes((i * 7) & 0xff for i in range(3000))
    ts = bytes([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2])
    s = 'fuzz/corpus/split'
    write(s, 'tcp4-tso', vhdr(1, 1, 52, 1000, 20, 16) + ip4(6, tcp(pay[:2500], 0x18, ts)))
    write(s, 'tcp6-tso', vhdr(1, 4, 60, 700, 40, 16) + ip6(6, tcp(pay[:2000], 0x99)))
    write(s, 'tcp4-ecn', vhdr(1, 0x81, 40, 100, 20, 16) + ip4(6, tcp(pay[:350], 0xd0)))
    write(s, 'udp4-uso', vhdr(1, 5, 28, 1200, 20, 6) + ip4(17, udp(pay[:3000])))
    write(s, 'udp6-uso', vhdr(1, 5, 48, 512, 40, 6) + ip6(17, udp(pay[:1100])))
    write(s, 'tcp4-csum', vhdr(1, 0, 0, 0, 20, 16) + ip4(6, tcp(pay[:300])))
    write(s, 'udp6-csum', vhdr(1, 0, 0, 0, 40, 6) + ip6(17, udp(pay[:99])))
    write(s, 'plain', vhdr(0, 0, 0, 0, 0, 0) + ip4(1, pay[:64]))
    write(s, 'ext6-tso', vhdr(1, 4, 68, 500, 48, 16) +
          ip6(0, bytes([6, 0, 1, 4, 0, 0, 0, 0]) + tcp(pay[:1500])))

    def rec(ctl, data):
        return struct.pack('!BH', ctl, len(data)) + data

    c = 'fuzz/corpus/coalesce'
    first4 = ip4(6, tcp(pay[:500], 0x10, ts))
    write(c, 'tcp4-stream', b'\0' + rec(2, first4) + rec(3, pay[500:1000]) +
          rec(3, pay[1000:1500]) + rec(7, pay[1500:1700]))
    first6 = ip6(6, tcp(pay[:400]))
    write(c, 'tcp6-stream', b'\0' + rec(2, first6) + rec(3, pay[:400]) + rec(3, pay[:400]) +
          rec(3, pay[:100]) + rec(3, pay[:400]))
    write(c, 'udp4-stream', b'\1' + rec(2, ip4(17, udp(pay[:300]))) + rec(3, pay[:300]) +
          rec(3, pay[:300]) + rec(3, pay[:10]))
    write(c, 'udp6-stream', b'\1' + rec(2, ip6(17, udp(pay[:1000]))) + rec(3, pay[:1000]) * 3)
    write(c, 'mixed', b'\1' + rec(2, first4) + rec(3, pay[:500]) + rec(2, first6) +
          rec(0, bytes(30)) + rec(3, pay[:400]) + rec(0x13, pay[:400]))
    # Whole datagrams with one fixed IPv4 ID: DF ones merge (the kernel renumbers
    # them), ones without DF must not.
    for name, frag in (('udp4-fixed-id', 0x4000), ('udp4-fixed-id-nodf', 0)):
        write(c, name, b'\1' + b''.join(rec(2, ip4(17, udp(pay[:200]), 0, frag))
                                         for _ in range(4)))
    write(c, 'big', b'\0' + rec(2, ip4(6, tcp(pay[:1400]))) + b''.join(
        rec(3, (pay * 2)[:1400]) for _ in range(46)))


if __name__ == '__main__':
    main()
