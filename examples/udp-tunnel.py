#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""udp-tunnel.py - a point-to-point IP-over-UDP tunnel with the `wintun` module.

    PYTHONPATH=build/python python3 examples/udp-tunnel.py --name NAME
        --address ADDR/PREFIX [--address ...] --local IP:PORT --peer IP:PORT [--mtu N]

The Python twin of examples/udp-tunnel.c, with the same options and the same
framing: one IP packet per UDP datagram, nothing added, so the other end may
be udp-tunnel, this program or `socat TUN:... UDP-DATAGRAM:...`. Two
threads: adapter -> socket sends each run of equal-sized packets as one
UDP GSO sendmsg(); socket -> adapter reads with UDP GRO and writes each
inner packet. Prints "ready" once packets flow; SIGINT or SIGTERM ends it
and prints the counters on stderr. No encryption, no authentication (see
docs/tunnel.md). Needs CAP_NET_ADMIN.
"""
import argparse
import ipaddress
import signal
import socket
import struct
import sys
import threading

import wintun

SOL_UDP = getattr(socket, "SOL_UDP", 17)
UDP_SEGMENT = getattr(socket, "UDP_SEGMENT", 103)  # UDP GSO (Linux 4.18)
UDP_GRO = getattr(socket, "UDP_GRO", 104)          # UDP GRO (Linux 5.0)
GSO_MAX_SEGMENTS, GSO_MAX_BYTES = 64, 65000
BATCH = 256         # packets taken from the adapter before sending
POLL_SECONDS = 0.2  # how often an idle thread looks at the stop flag


def endpoint(text):
    """'192.0.2.1:5000' or '[2001:db8::1]:5000' -> (family, sockaddr)."""
    host, _, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    addr = ipaddress.ip_address(host)
    if addr.version == 6:
        return socket.AF_INET6, (str(addr), int(port), 0, 0)
    return socket.AF_INET, (str(addr), int(port))


def is_ip_packet(p):
    """Whether the bytes are one well-formed IPv4 or IPv6 packet."""
    n = len(p)
    if n >= 20 and p[0] >> 4 == 4:
        header, total = (p[0] & 0xF) * 4, p[2] << 8 | p[3]
        return header >= 20 and header <= total <= n
    return n >= 40 and p[0] >> 4 == 6 and 40 + (p[4] << 8 | p[5]) <= n


class Tunnel:
    def __init__(self, tun, sock, peer):
        self.tun, self.sock, self.peer = tun, sock, peer
        self.stop = threading.Event()
        self.failed = False
        self.gso = True
        self.tx = dict(packets=0, bytes=0, sends=0, gso=0, errors=0)
        self.rx = dict(packets=0, bytes=0, datagrams=0, reads=0, not_ip=0, ring_full=0)

    def send_run(self, run):
        """One sendmsg(): a single datagram, or a run of equal-sized packets
        (the last may be shorter) that the kernel cuts up again (UDP GSO)."""
        cmsg = [(SOL_UDP, UDP_SEGMENT, struct.pack("=H", len(run[0])))] if len(run) > 1 else []
        try:
            self.sock.sendmsg(run, cmsg, 0, self.peer)
        except OSError as e:
            if cmsg and e.errno == 5:  # EIO: the kernel cannot do GSO here
                self.gso = False
                for p in run:
                    self.send_run([p])
                return
            self.tx["errors"] += len(run)
            return
        self.tx["sends"] += 1
        self.tx["gso"] += len(run) > 1
        self.tx["packets"] += len(run)
        self.tx["bytes"] += sum(map(len, run))

    def adapter_to_socket(self):
        tun, pending = self.tun, []
        while not self.stop.is_set():
            while len(pending) < BATCH:
                packet = tun.read()
                if packet is None:
                    break
                pending.append(packet)
            if not pending:
                tun.wait_read_event(POLL_SECONDS)  # sleeps without the GIL
                continue
            run, size, total = [], 0, 0
            for p in pending:
                if run and (not self.gso or len(p) > size or len(run) == GSO_MAX_SEGMENTS
                            or total + len(p) > GSO_MAX_BYTES or len(run[-1]) < size):
                    self.send_run(run)
                    run = []
                if not run:
                    size, total = len(p), 0
                run.append(p)
                total += len(p)
            self.send_run(run)
            pending = []

    def socket_to_adapter(self):
        tun, sock, buf = self.tun, self.sock, bytearray(65536)
        view = memoryview(buf)
        cmsg_space = socket.CMSG_SPACE(4)
        while not self.stop.is_set():
            try:
                n, ancdata, _, _ = sock.recvmsg_into([buf], cmsg_space)
            except socket.timeout:
                continue
            self.rx["reads"] += 1
            seg = n or 1  # an empty datagram is one datagram, and not IP
            for level, kind, data in ancdata:
                if level == SOL_UDP and kind == UDP_GRO:
                    seg = struct.unpack("=i", data[:4])[0]
            for off in range(0, max(n, 1), seg):
                packet = view[off:min(off + seg, n)]
                self.rx["datagrams"] += 1
                if not is_ip_packet(packet):
                    self.rx["not_ip"] += 1
                    continue
                try:
                    tun.write(packet)
                except wintun.RingFull:
                    self.rx["ring_full"] += 1
                    continue
                self.rx["packets"] += 1
                self.rx["bytes"] += len(packet)

    def guarded(self, work):
        try:
            work()
        except Exception as e:  # tell main, which ends the program
            print("udp-tunnel.py: %s: %s" % (work.__name__, e), file=sys.stderr)
            self.failed = True
            signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)

    def counters(self):
        t, r = self.tx, self.rx
        return ("udp-tunnel: adapter->peer: %d packets, %d bytes, %d sendmsg calls, "
                "%d GSO sends, %d send errors\n"
                "udp-tunnel: peer->adapter: %d packets, %d bytes, %d datagrams, "
                "%d recvmsg calls, %d not IP (dropped), %d ring full (dropped)" % (
                    t["packets"], t["bytes"], t["sends"], t["gso"], t["errors"], r["packets"],
                    r["bytes"], r["datagrams"], r["reads"], r["not_ip"], r["ring_full"]))


def open_socket(family, local):
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind(local)
    for force, plain in ((33, socket.SO_RCVBUF), (32, socket.SO_SNDBUF)):  # SO_*BUFFORCE
        try:
            sock.setsockopt(socket.SOL_SOCKET, force, 4 << 20)
        except OSError:
            sock.setsockopt(socket.SOL_SOCKET, plain, 4 << 20)
    try:
        sock.setsockopt(SOL_UDP, UDP_GRO, 1)
    except OSError as e:
        print("udp-tunnel.py: no UDP GRO (%s)" % e, file=sys.stderr)
    sock.settimeout(POLL_SECONDS)  # so the receiving thread sees the stop flag
    return sock


def main():
    ap = argparse.ArgumentParser(description="A point-to-point IP-over-UDP tunnel.")
    ap.add_argument("--name", required=True)
    ap.add_argument("--address", action="append", required=True)
    ap.add_argument("--local", required=True, type=endpoint)
    ap.add_argument("--peer", required=True, type=endpoint)
    ap.add_argument("--mtu", type=int, default=1452)
    args = ap.parse_args()
    if args.local[0] != args.peer[0]:
        ap.error("--local and --peer must be of one family")

    wintun.set_logger(lambda level, ts, msg: print("lintun: " + msg, file=sys.stderr)
                      if level != wintun.LOG_INFO else None)
    # SIGINT and SIGTERM wait for main in sigwait(); the threads inherit the mask.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sock = open_socket(args.local[0], args.local[1])
    with wintun.TunDevice(args.name, "udp-tunnel", 0x800000) as tun:
        tun.mtu = args.mtu
        for a in args.address:
            tun.add_address(a)
        tun.up()
        t = Tunnel(tun, sock, args.peer[1])
        threads = [threading.Thread(target=t.guarded, args=(w,))
                   for w in (t.adapter_to_socket, t.socket_to_adapter)]
        for th in threads:
            th.start()
        print("ready", flush=True)
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
        t.stop.set()
        for th in threads:
            th.join()
    sock.close()
    print(t.counters(), file=sys.stderr)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
