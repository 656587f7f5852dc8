# SPDX-License-Identifier: MIT
"""lintun benchmarks: lintun side by side with what a user would pick instead.

Run by bench/run.sh (`make bench`); standard library only. Every figure is
measured REPS times and reported as median and spread (min..max). Everything
happens inside network namespaces named PREFIX-a / PREFIX-b; nothing touches
the host's interfaces. Reports only: there is no threshold anywhere.

Usage: bench.py BUILD_DIR   (environment: QUICK=1, REPS=N, LT_BENCH_PREFIX)
"""
import datetime
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
BIN = os.path.join(BUILD, "bench")
LOGDIR = os.path.join(BIN, "logs")
RESULTS = "bench/results"
QUICK = os.environ.get("QUICK", "") not in ("", "0", "no", "false")
REPS = int(os.environ.get("REPS") or (1 if QUICK else 3))
PREFIX = os.environ.get("LT_BENCH_PREFIX") or "lt-bench-%d" % os.getpid()
NS_A, NS_B = PREFIX + "-a", PREFIX + "-b"

T_TCP = 3 if QUICK else 10     # seconds of measured bulk TCP
T_COST = 1.5 if QUICK else 4   # seconds of the separate perf-counted run
T_UDP = 1.5 if QUICK else 5    # seconds of each small-packet measurement
T_LEAD = 1.0                   # a flood outlasts its counting window by this much
PINGS = 200 if QUICK else 500  # echo requests per latency run (every 2 ms)

# Forwarding modes, in table order. "naive" is the baseline of every ratio.
FWD_MODES = ["naive", "vnet", "vnet-uring", "veth", "lintun", "lintun:plain", "lintun:no-offload",
             "lintun:no-coalesce", "lintun:passthrough"]
RX_MODES = ["naive", "lintun", "lintun:plain", "lintun:no-offload"]
TX_MODES = ["naive", "lintun", "lintun:plain", "lintun:no-offload", "lintun:no-coalesce"]
ECHO_MODES = ["naive", "lintun", "example"]
TUNNEL_MODES = ["socat", "naive", "lintun", "lintun-py", "veth"]
if os.environ.get("BENCH_MODES"):  # e.g. BENCH_MODES=naive,lintun for a partial run
    _keep = os.environ["BENCH_MODES"].split(",")
    FWD_MODES, RX_MODES, TX_MODES, ECHO_MODES, TUNNEL_MODES = (
        [m for m in lst if m in _keep]
        for lst in (FWD_MODES, RX_MODES, TX_MODES, ECHO_MODES, TUNNEL_MODES))

procs = []      # every process started, for cleanup
namespaces = []


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(*args, check=True, capture=True):
    r = subprocess.run(args, stdout=subprocess.PIPE if capture else None,
                       stderr=subprocess.PIPE if capture else None, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), (r.stderr or "").strip()))
    return r.stdout if capture else ""


def ip(ns, *args, check=True):
    return run("ip", "-n", ns, *args, check=check)


def spawn(name, args, ns=None, stdin=False):
    """Start a program (inside ns via `ip netns exec` when given); stderr goes to a log."""
    if ns:
        args = ["ip", "netns", "exec", ns] + list(args)
    errf = open(os.path.join(LOGDIR, name + ".log"), "a")
    errf.write("# %s %s\n" % (datetime.datetime.now().isoformat(), " ".join(args)))
    errf.flush()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errf, text=True,
                         stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
    p.bench_name = name
    procs.append(p)
    return p


def read_line(p, timeout):
    r, _, _ = select.select([p.stdout], [], [], timeout)
    if not r:
        raise RuntimeError("%s: no output within %ss" % (p.bench_name, timeout))
    line = p.stdout.readline()
    if not line:
        raise RuntimeError("%s exited (status %s); see %s/%s.log" %
                           (p.bench_name, p.wait(), LOGDIR, p.bench_name))
    return line.strip()


def wait_ready(p, timeout=10):
    line = read_line(p, timeout)
    if line != "ready":
        raise RuntimeError("%s said %r instead of ready" % (p.bench_name, line))


def finish(p, timeout=15, term=False):
    """Wait for p (after SIGTERM when term); return its last JSON line or None."""
    if term and p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    if p in procs:
        procs.remove(p)
    for line in reversed((out or "").strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None


def kill_all():
    for p in list(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.time() + 3
    for p in list(procs):
        try:
            p.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    procs.clear()


def ns_create():
    for ns in (NS_A, NS_B):
        run("ip", "netns", "add", ns)
        namespaces.append(ns)
        ip(ns, "link", "set", "lo", "up")


def ns_destroy():
    kill_all()
    for ns in list(namespaces):
        for pid in run("ip", "netns", "pids", ns, check=False).split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        run("ip", "netns", "delete", ns, check=False)
        namespaces.remove(ns)


def conf_tun(ns, dev, local4, peer4, local6, peer6):
    """Addresses and routes toward the other side, inside ns only."""
    ip(ns, "addr", "replace", local4, "dev", dev)
    ip(ns, "-6", "addr", "replace", local6, "dev", dev, "nodad")
    ip(ns, "link", "set", dev, "up")
    ip(ns, "route", "replace", peer4, "dev", dev)
    ip(ns, "-6", "route", "replace", peer6, "dev", dev)


def conf_pair(dev_a, dev_b):
    conf_tun(NS_A, dev_a, "10.77.1.1/24", "10.77.2.0/24", "fd00:77:1::1/64", "fd00:77:2::/64")
    conf_tun(NS_B, dev_b, "10.77.2.1/24", "10.77.1.0/24", "fd00:77:2::1/64", "fd00:77:1::/64")


def counters(ns, dev):
    j = json.loads(ip(ns, "-s", "-j", "link", "show", "dev", dev))[0]
    s = j.get("stats64") or j["stats"]
    return {"rx_packets": s["rx"]["packets"], "rx_bytes": s["rx"]["bytes"],
            "tx_packets": s["tx"]["packets"], "tx_bytes": s["tx"]["bytes"],
            "rx_dropped": s["rx"]["dropped"], "tx_dropped": s["tx"]["dropped"]}


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds."""
    if pid is None:
        return None
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Forwarder:
    """One forwarding setup between NS_A and NS_B: a forwarder process, or a veth pair."""

    def __init__(self, mode):
        self.mode = mode
        self.proc = None
        self.stats = None
        if mode == "veth":
            run("ip", "link", "add", "va", "netns", NS_A, "type", "veth", "peer", "name", "vb",
                "netns", NS_B)
            self.devs = ("va", "vb")
        else:
            self.devs = ("btun", "btun")
            if mode.startswith("lintun"):
                sub = mode.split(":", 1)[1] if ":" in mode else "default"
                args = [os.path.join(BIN, "fwd-lintun"), NS_A, NS_B, sub]
            else:
                args = [os.path.join(BIN, "fwd-" + mode), NS_A, NS_B]
            self.proc = spawn("fwd-" + mode.replace(":", "-"), args)
            wait_ready(self.proc)
        conf_pair(*self.devs)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def snapshot(self):
        return {"t": time.monotonic(), "cpu": cpu_seconds(self.pid),
                "a": counters(NS_A, self.devs[0]), "b": counters(NS_B, self.devs[1])}

    def close(self):
        if self.proc:
            self.stats = finish(self.proc, term=True)
        else:
            ip(NS_A, "link", "del", "va", check=False)


def delta(s0, s1):
    """Packets and bytes the forwarder put into both kernels, CPU used, between snapshots."""
    d = {"seconds": s1["t"] - s0["t"]}
    for k in ("rx_packets", "rx_bytes"):
        d[k] = (s1["a"][k] - s0["a"][k]) + (s1["b"][k] - s0["b"][k])
    d["data_bytes"] = s1["b"]["rx_bytes"] - s0["b"]["rx_bytes"]
    d["cpu"] = None if s0["cpu"] is None else s1["cpu"] - s0["cpu"]
    return d


def iperf_server():
    srv = spawn("iperf3-server", ["iperf3", "-s", "-1", "-B", "10.77.2.1"], ns=NS_B)
    deadline = time.time() + 5
    while time.time() < deadline:
        if ":5201" in run("ss", "-N", NS_B, "-ltnH", check=False):
            return srv
        time.sleep(0.05)
    raise RuntimeError("iperf3 server did not start")


def perf_start(pid, seconds):
    """Count a process's system calls for @seconds, in the background."""
    fd, out = tempfile.mkstemp(prefix="lt-bench-perf-")
    os.close(fd)
    p = subprocess.Popen(["perf", "stat", "-x,", "-o", out, "-e", "raw_syscalls:sys_enter",
                          "-p", str(pid), "--", "sleep", str(seconds)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, out


def perf_finish(p, out):
    """The count perf_start() took, or None."""
    p.wait()
    count = None
    with open(out) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) > 2 and "raw_syscalls:sys_enter" in parts[2] and parts[0].isdigit():
                count = int(parts[0])
    os.unlink(out)
    return count


def tcp_run(fw, seconds, with_perf):
    """One iperf3 TCP stream a->b; measure a window inside it."""
    srv = iperf_server()
    omit = 1
    cli = spawn("iperf3-client", ["iperf3", "-c", "10.77.2.1", "-t", str(seconds + omit),
                                  "-O", str(omit), "-J"], ns=NS_A)
    time.sleep(omit + 0.2)
    window = seconds - 0.5
    s0 = fw.snapshot()
    syscalls = None
    if with_perf and fw.pid:
        syscalls = perf_finish(*perf_start(fw.pid, window))
    else:
        time.sleep(window)
    s1 = fw.snapshot()
    res = {}
    try:
        out, _ = cli.communicate(timeout=seconds + 30)
        procs.remove(cli)
        j = json.loads(out)
        if "error" in j:
            raise RuntimeError("iperf3: " + j["error"])
        res["gbps"] = j["end"]["sum_received"]["bits_per_second"] / 1e9
        res["retransmits"] = j["end"]["sum_sent"].get("retransmits")
    finally:
        finish(srv, timeout=5, term=True)
    d = delta(s0, s1)
    res["window"] = d
    gbit = d["rx_bytes"] * 8 / 1e9
    if d["cpu"] is not None and gbit > 0:
        res["cpu_s_per_gbit"] = d["cpu"] / gbit
        res["cpu_percent"] = 100 * d["cpu"] / d["seconds"]
    if syscalls is not None and d["rx_packets"] > 0:
        # perf counts while its `sleep window` runs; the counters span
        # that plus perf's start-up: compare rates, not totals.
        rate = syscalls / window
        res["syscalls"] = syscalls
        res["syscalls_per_pkt"] = rate / (d["rx_packets"] / d["seconds"])
        res["syscalls_per_mb"] = rate / (d["rx_bytes"] / 1e6 / d["seconds"])
        res["bytes_per_pkt"] = d["rx_bytes"] / d["rx_packets"]
    return res


# UDP forwarding beyond the 64-byte flood: other payload sizes; every IPv4
# ID 0, as unconnected DF sockets send (QUIC, DNS); and two such flows taking
# turns datagram by datagram, which nothing can merge.
UDP_KINDS = [(1400, None), (64, "fixed-id"), (1400, "fixed-id"), (64, "two-flows")]


def udp_kind_name(size, pattern):
    return "%d%s" % (size, "-" + pattern if pattern else "")


def udp_pps(ns_from, ns_to, dst, seconds, size=64, pattern=None):
    """Flood UDP from ns_from to dst:9000 in ns_to; return what udpsink counted."""
    sink = spawn("udpsink", [os.path.join(BIN, "udpsink"), dst, "9000", str(seconds),
                             "2" if pattern == "two-flows" else "1"], ns=ns_to)
    wait_ready(sink)
    fl = spawn("udpflood", [os.path.join(BIN, "udpflood"), dst, "9000", str(size),
                            str(seconds + T_LEAD)] + ([pattern] if pattern else []), ns=ns_from)
    got = finish(sink, timeout=seconds + 15)
    sent = finish(fl, timeout=seconds + 5)
    return {"pps": got["pps"] if got else 0.0, "sink": got, "flood": sent}


def udp_syscalls(fw, size, pattern):
    """A UDP flood through fw, with its system calls per forwarded packet."""
    window = T_UDP - 0.5
    s0 = fw.snapshot()
    perf = perf_start(fw.pid, window) if fw.pid and shutil.which("perf") else None
    res = udp_pps(NS_A, NS_B, "10.77.2.1", T_UDP, size, pattern)
    s1 = fw.snapshot()
    if perf:
        count = perf_finish(*perf)
        d = delta(s0, s1)
        if count is not None and d["rx_packets"] > 0:
            # The count spans the window; the packets, the whole flood.
            res["syscalls_per_pkt"] = (count / window) / (d["rx_packets"] / d["seconds"])
    return res


def each_run(results, keys, label, empty, body):
    """body(key, r) for REPS repetitions of every key, r = results[key] (made by
    empty() the first time). Repetitions outside, keys inside: a drift of the
    machine spreads over every mode. A failing run is logged and kept in
    r["errors"], the rest still runs; every process is stopped after each run."""
    for rep in range(REPS):
        for key in keys:
            r = results.setdefault(key, empty())
            log("  %s %-26s rep %d/%d" % (label, key, rep + 1, REPS))
            try:
                body(key, r)
            except Exception as e:
                log("    error: %s" % e)
                r.setdefault("errors", []).append(str(e))
            finally:
                kill_all()


def bench_forwarding(results):
    def run(mode, r):
        fw = Forwarder(mode)
        try:
            r["tcp"].append(tcp_run(fw, T_TCP, False))
            if fw.pid:
                r["cost"].append(tcp_run(fw, T_COST, True))
            r["udp"].append(udp_pps(NS_A, NS_B, "10.77.2.1", T_UDP))
            for size, pattern in UDP_KINDS:
                if pattern == "two-flows":
                    got = udp_syscalls(fw, size, pattern)
                else:
                    got = udp_pps(NS_A, NS_B, "10.77.2.1", T_UDP, size, pattern)
                r["udp_kinds"].setdefault(udp_kind_name(size, pattern), []).append(got)
        finally:
            fw.close()
            if fw.stats:
                r["stats"].append(fw.stats)

    each_run(results, FWD_MODES, "forward",
             lambda: {"tcp": [], "cost": [], "udp": [], "udp_kinds": {}, "stats": []}, run)


def bench_rx(results):
    def run(mode, r):
        p = spawn("sessrx", [os.path.join(BIN, "sessrx"), NS_A, mode, str(T_UDP)])
        wait_ready(p)
        conf_tun(NS_A, "btun", "10.77.1.1/24", "10.77.2.0/24", "fd00:77:1::1/64",
                 "fd00:77:2::/64")
        fl = spawn("udpflood", [os.path.join(BIN, "udpflood"), "10.77.2.9", "9000", "64",
                                str(T_UDP + T_LEAD)], ns=NS_A)
        got = finish(p, timeout=T_UDP + 15)
        sent = finish(fl, timeout=T_UDP + 5)
        r["runs"].append({"pps": got["pps"] if got else 0.0, "rx": got, "flood": sent})

    each_run(results, RX_MODES, "kernel->program", lambda: {"runs": []}, run)


def bench_tx(results):
    # Each mode twice: one repeated packet (ID 0, no UDP checksum: nothing can
    # merge), and packets whose IDs count up as a connected socket's do
    # ("stepping-id").
    def run(key, r):
        mode, stepping = key.split(" ")[0], key.endswith(" stepping-id")
        p = spawn("sesstx", [os.path.join(BIN, "sesstx"), NS_A, mode, str(T_UDP + T_LEAD)]
                  + (["stepping-id"] if stepping else []), stdin=True)
        wait_ready(p)
        conf_tun(NS_A, "btun", "10.77.1.1/24", "10.77.2.0/24", "fd00:77:1::1/64",
                 "fd00:77:2::/64")
        sink = spawn("udpsink", [os.path.join(BIN, "udpsink"), "10.77.1.1", "9000",
                                 str(T_UDP)], ns=NS_A)
        wait_ready(sink)
        p.stdin.write("go\n")
        p.stdin.flush()
        got = finish(sink, timeout=T_UDP + 15)
        sent = finish(p, timeout=T_UDP + 10)
        r["runs"].append({"pps": got["pps"] if got else 0.0, "sink": got, "tx": sent})

    keys = [m + st for st in ("", " stepping-id") for m in TX_MODES]
    each_run(results, keys, "program->kernel", lambda: {"runs": []}, run)


def ping_times(ns, target, v6):
    args = ["ping", "-n", "-c", str(PINGS), "-i", "0.002", "-W", "1", target]
    if v6:
        args.insert(1, "-6")
    out = run("ip", "netns", "exec", ns, *args, check=False)
    times = [float(m) for m in re.findall(r"time=([0-9.]+) ms", out)]
    if not times:
        return None
    times.sort()
    return {"median_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(0.99 * len(times)))],
            "received": len(times), "sent": PINGS}


def bench_latency(results):
    def run(mode, r):
        if mode == "example":
            # examples/echo-responder.c, the one users copy: it polls the
            # ring a little before sleeping. It has no "ready" line: wait
            # for the addresses it adds.
            p = spawn("echo-responder", [os.path.join(BUILD, "examples", "echo-responder"),
                                         "btun", "--addr", "10.77.1.1/24", "--addr",
                                         "fd00:77:1::1/64", "--quiet"], ns=NS_A)
            deadline = time.time() + 10
            while "fd00:77:1::1" not in ip(NS_A, "addr", "show", "dev", "btun", check=False):
                if time.time() > deadline or p.poll() is not None:
                    raise RuntimeError("echo-responder did not start")
                time.sleep(0.05)
        else:
            prog = "echo-lintun" if mode.startswith("lintun") else "echo-naive"
            args = [os.path.join(BIN, prog), NS_A]
            if ":" in mode:
                args.append(mode.split(":", 1)[1])
            p = spawn(prog, args)
            wait_ready(p)
        conf_tun(NS_A, "btun", "10.77.1.1/24", "10.77.2.0/24", "fd00:77:1::1/64",
                 "fd00:77:2::/64")
        for fam, target in (("v4", "10.77.2.5"), ("v6", "fd00:77:2::5")):
            t = ping_times(NS_A, target, fam == "v6")
            if t:
                r[fam].append(t)
            else:
                r.setdefault("errors", []).append("%s: no reply" % fam)

    each_run(results, ECHO_MODES, "latency", lambda: {"v4": [], "v6": []}, run)


# ----------------------------------------------------------------------------
# 5. Tunnel: an IP-over-UDP tunnel endpoint in each namespace, a veth pair
# between them carrying the outer datagrams (10.77.0.1 - 10.77.0.2, MTU
# 1500). Inside: 10.78.0.1/24 in a, 10.78.0.2/24 in b, inner MTU 1472 (1500
# minus the outer IPv4 and UDP headers: no outer datagram is fragmented).
# The "veth" mode puts the inner addresses on the veth pair itself.

TUN_PORT = 5555
TUN_MTU = 1472
TCP_SEGMENT = TUN_MTU - 52  # IPv4 + TCP header with timestamps


class Tunnel:
    """Two tunnel endpoints of one mode, or the bare veth pair."""

    def __init__(self, mode):
        self.mode, self.procs = mode, []
        run("ip", "link", "add", "va", "netns", NS_A, "type", "veth", "peer", "name", "vb",
            "netns", NS_B)
        try:
            self.setup()
        except Exception:
            self.close()
            raise

    def setup(self):
        mode = self.mode
        outer = {NS_A: ("va", "10.77.0.1", "10.77.0.2", "10.78.0.1/24"),
                 NS_B: ("vb", "10.77.0.2", "10.77.0.1", "10.78.0.2/24")}
        for ns, (dev, local, peer, inner) in outer.items():
            ip(ns, "link", "set", dev, "up")
            if mode == "veth":
                ip(ns, "addr", "add", inner, "dev", dev)
                continue
            ip(ns, "addr", "add", local + "/24", "dev", dev)
            self.procs.append(self.start(ns, local, peer, inner))
        if mode == "veth":
            return
        for ns in (NS_A, NS_B):
            if mode in ("socat", "naive"):  # these only make the interface
                inner = outer[ns][3]
                deadline = time.time() + 10
                while ip(ns, "link", "show", "btun", check=False) == "":
                    if time.time() > deadline:
                        raise RuntimeError("%s: no interface btun" % mode)
                    time.sleep(0.05)
                ip(ns, "link", "set", "btun", "mtu", str(TUN_MTU))
                ip(ns, "addr", "replace", inner, "dev", "btun")
                ip(ns, "link", "set", "btun", "up")

    def start(self, ns, local, peer, inner):
        mode = self.mode
        if mode == "socat":
            p = spawn("tunnel-socat", [
                "socat", "TUN:%s,tun-name=btun,up,iff-no-pi,tun-type=tun" % inner,
                "UDP-DATAGRAM:%s:%d,bind=%s:%d" % (peer, TUN_PORT, local, TUN_PORT)], ns=ns)
            return p
        if mode == "naive":
            p = spawn("tunnel-naive", [os.path.join(BIN, "tunnel-naive"), local, str(TUN_PORT),
                                       peer, str(TUN_PORT)], ns=ns)
        else:
            prog = ([os.path.join(BUILD, "examples", "udp-tunnel")] if mode == "lintun" else
                    ["/usr/bin/python3", "examples/udp-tunnel.py"])
            env_path = os.path.join(BUILD, "python")
            args = prog + ["--name", "btun", "--address", inner, "--local",
                           "%s:%d" % (local, TUN_PORT), "--peer", "%s:%d" % (peer, TUN_PORT),
                           "--mtu", str(TUN_MTU)]
            if mode == "lintun-py":
                args = ["env", "PYTHONPATH=" + env_path, "PYTHONDONTWRITEBYTECODE=1"] + args
            p = spawn("tunnel-" + mode, args, ns=ns)
        wait_ready(p)
        return p

    @property
    def pids(self):
        return [p.pid for p in self.procs]

    def cpu(self):
        return sum(cpu_seconds(pid) for pid in self.pids) if self.procs else None

    def close(self):
        for p in self.procs:
            finish(p, timeout=10, term=True)
        ip(NS_A, "link", "del", "va", check=False)
        for ns in (NS_A, NS_B):
            ip(ns, "link", "del", "btun", check=False)


def tunnel_syscalls_start(tn, seconds):
    if not tn.procs or not shutil.which("perf"):
        return None
    fd, out = tempfile.mkstemp(prefix="lt-bench-perf-")
    os.close(fd)
    p = subprocess.Popen(["perf", "stat", "-x,", "-o", out, "-e", "raw_syscalls:sys_enter",
                          "-p", ",".join(map(str, tn.pids)), "--", "sleep", str(seconds)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, out


def tunnel_tcp(tn, seconds, with_perf):
    """One iperf3 TCP stream a->b through the tunnel: Gbit/s, tunnel CPU, syscalls."""
    srv = spawn("iperf3-server", ["iperf3", "-s", "-1", "-B", "10.78.0.2"], ns=NS_B)
    deadline = time.time() + 5
    while ":5201" not in run("ss", "-N", NS_B, "-ltnH", check=False):
        if time.time() > deadline:
            raise RuntimeError("iperf3 server did not start")
        time.sleep(0.05)
    omit = 1
    cli = spawn("iperf3-client", ["iperf3", "-c", "10.78.0.2", "-t", str(seconds + omit),
                                  "-O", str(omit), "-J"], ns=NS_A)
    time.sleep(omit + 0.2)
    window = seconds - 0.5
    t0, c0 = time.monotonic(), tn.cpu()
    b0 = counters(NS_B, "vb")["rx_bytes"]
    perf = tunnel_syscalls_start(tn, window) if with_perf else None
    if perf:
        count = perf_finish(*perf)
    else:
        time.sleep(window)
        count = None
    t1, c1 = time.monotonic(), tn.cpu()
    b1 = counters(NS_B, "vb")["rx_bytes"]
    res = {}
    try:
        out, _ = cli.communicate(timeout=seconds + 30)
        procs.remove(cli)
        j = json.loads(out)
        if "error" in j:
            raise RuntimeError("iperf3: " + j["error"])
        res["gbps"] = j["end"]["sum_received"]["bits_per_second"] / 1e9
        res["retransmits"] = j["end"]["sum_sent"].get("retransmits")
    finally:
        finish(srv, timeout=5, term=True)
    # The window's goodput from the outer bytes b received, less the outer
    # headers of full-sized datagrams (28 bytes per TUN_MTU; veth: none).
    outer = (b1 - b0) * (1.0 if tn.mode == "veth" else TUN_MTU / (TUN_MTU + 28.0))
    gbit = outer * 8 / 1e9
    res["window_gbit"] = gbit
    if c0 is not None and gbit > 0:
        res["cpu_s_per_gbit"] = (c1 - c0) / gbit
        res["cpu_percent"] = 100 * (c1 - c0) / (t1 - t0)
    if count is not None and gbit > 0:
        segments = outer / (TUN_MTU + 0.0)
        res["syscalls_per_pkt"] = (count / window) / (segments / (t1 - t0))
    return res


def tunnel_udp(tn, with_perf):
    window = T_UDP - 0.5
    perf = tunnel_syscalls_start(tn, window) if with_perf else None
    res = udp_pps(NS_A, NS_B, "10.78.0.2", T_UDP)
    if perf:
        count = perf_finish(*perf)
        if count is not None and res["pps"] > 0:
            res["syscalls_per_pkt"] = (count / window) / res["pps"]
    return res


def bench_tunnel(results):
    modes = [m for m in TUNNEL_MODES if m != "lintun-py" or
             os.path.isdir(os.path.join(BUILD, "python", "wintun"))]

    def run_mode(mode, r):
        tn = Tunnel(mode)
        try:
            r["tcp"].append(tunnel_tcp(tn, T_TCP, False))
            if tn.procs:
                r["cost"].append(tunnel_tcp(tn, T_COST, True))
            r["udp"].append(tunnel_udp(tn, bool(tn.procs)))
        finally:
            tn.close()

    each_run(results, modes, "tunnel", lambda: {"tcp": [], "cost": [], "udp": []}, run_mode)


# ----------------------------------------------------------------------------
# Summaries, table, chart


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def summarize(raw):
    s = {"forward": {}, "kernel_to_program": {}, "program_to_kernel": {}, "latency": {},
         "tunnel": {}}
    for mode, r in raw["forward"].items():
        s["forward"][mode] = {
            "tcp_gbps": spread([x.get("gbps") for x in r["tcp"]]),
            "tcp_retransmits": spread([x.get("retransmits") for x in r["tcp"]]),
            "cpu_s_per_gbit": spread([x.get("cpu_s_per_gbit") for x in r["tcp"]]),
            "cpu_percent": spread([x.get("cpu_percent") for x in r["tcp"]]),
            "syscalls_per_pkt": spread([x.get("syscalls_per_pkt") for x in r["cost"]]),
            "syscalls_per_mb": spread([x.get("syscalls_per_mb") for x in r["cost"]]),
            "bytes_per_kernel_pkt": spread([x.get("bytes_per_pkt") for x in r["cost"]]),
            "udp64_pps": spread([x.get("pps") for x in r["udp"]]),
            "udp_kinds_pps": {k: spread([x.get("pps") for x in v])
                              for k, v in r.get("udp_kinds", {}).items()},
            "two_flows_syscalls_per_pkt": spread([x.get("syscalls_per_pkt") for x in
                                                  r.get("udp_kinds", {}).get("64-two-flows", [])]),
            "errors": r.get("errors", []),
        }
    for key, src in (("kernel_to_program", "rx"), ("program_to_kernel", "tx")):
        for mode, r in raw[src].items():
            s[key][mode] = {"pps": spread([x["pps"] for x in r["runs"]]),
                            "errors": r.get("errors", [])}
            if src == "tx":
                s[key][mode]["sender_pps"] = spread([(x.get("tx") or {}).get("pps")
                                                     for x in r["runs"]])
    for mode, r in raw["latency"].items():
        s["latency"][mode] = {}
        for fam in ("v4", "v6"):
            s["latency"][mode][fam] = {
                "median_ms": spread([x["median_ms"] for x in r[fam]]),
                "p99_ms": spread([x["p99_ms"] for x in r[fam]])}
        s["latency"][mode]["errors"] = r.get("errors", [])
    for mode, r in raw.get("tunnel", {}).items():
        s["tunnel"][mode] = {
            "tcp_gbps": spread([x.get("gbps") for x in r["tcp"]]),
            "tcp_retransmits": spread([x.get("retransmits") for x in r["tcp"]]),
            "cpu_s_per_gbit": spread([x.get("cpu_s_per_gbit") for x in r["tcp"]]),
            "cpu_percent": spread([x.get("cpu_percent") for x in r["tcp"]]),
            "tcp_syscalls_per_pkt": spread([x.get("syscalls_per_pkt") for x in r["cost"]]),
            "udp64_pps": spread([x.get("pps") for x in r["udp"]]),
            "udp_syscalls_per_pkt": spread([x.get("syscalls_per_pkt") for x in r["udp"]]),
            "errors": r.get("errors", []),
        }
    return s


def fmt(sp, scale=1.0, digits=2):
    if not sp:
        return "-"
    f = "%%.%df" % digits
    m = f % (sp["median"] * scale)
    if sp["n"] > 1:
        m += " (" + f % (sp["min"] * scale) + ".." + f % (sp["max"] * scale) + ")"
    return m


def ratio(sp, base, invert=False):
    if not sp or not base or not base["median"] or not sp["median"]:
        return "-"
    r = sp["median"] / base["median"]
    return "%.2fx" % (1 / r if invert else r)


def table(rows, headers):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def render(summary, meta):
    out = []
    m = meta["machine"]
    out.append("lintun benchmarks, %s: %s reps%s; %d cores (%s), kernel %s" % (
        meta["started"], meta["reps"], ", QUICK" if meta["quick"] else "", m["nproc"],
        m["cpu"], m["kernel"]))
    out.append("a null system call (getppid) costs %s ns here; Meltdown: %s" % (
        m.get("syscall_ns", "?"), m.get("meltdown", "?")))
    out.append("machine %.0f%% idle before the run; load average %.2f before, %.2f after%s" % (
        100 * meta["idle_before"], meta["loadavg_before"], meta["loadavg_after"],
        " -- OTHER WORK WAS RUNNING, numbers skewed" if meta["idle_before"] < 0.8 else ""))
    out.append("median (min..max) over reps; ratio = median / naive's median "
               "(for costs, naive / mode: above 1x is better)\n")
    f = summary["forward"]
    base = f.get("naive", {})
    rows = []
    for mode, s in f.items():
        rows.append([mode, fmt(s["tcp_gbps"]), ratio(s["tcp_gbps"], base.get("tcp_gbps")),
                     fmt(s["udp64_pps"], 1e-3, 0), ratio(s["udp64_pps"], base.get("udp64_pps")),
                     fmt(s["syscalls_per_pkt"]), fmt(s["syscalls_per_mb"], 1, 0),
                     fmt(s["cpu_s_per_gbit"], 1, 3),
                     ratio(s["cpu_s_per_gbit"], base.get("cpu_s_per_gbit"), invert=True)])
    out.append("1+4. Forwarding between two namespaces: TCP %ds (iperf3, 1 stream), "
               "UDP 64-byte flood %ds" % (meta["t_tcp"], meta["t_udp"]))
    out.append(table(rows, ["mode", "TCP Gbit/s", "vs naive", "UDP64 kpps", "vs naive",
                            "syscalls/pkt", "syscalls/MB", "CPU s/Gbit", "CPU vs naive"]))
    kinds = [udp_kind_name(*k) for k in UDP_KINDS]
    rows = []
    for mode, s in f.items():
        row = [mode]
        for k in kinds:
            sp = s.get("udp_kinds_pps", {}).get(k)
            row += [fmt(sp, 1e-3, 0),
                    ratio(sp, base.get("udp_kinds_pps", {}).get(k))]
        rows.append(row)
    out.append("\n1b. UDP forwarding by payload size and IPv4 ID pattern, kpps (%ds each; "
               "fixed-id: every datagram ID 0, DF; two-flows: two such flows taking turns, "
               "nothing can merge)" % meta["t_udp"])
    for row, (mode, s) in zip(rows, f.items()):
        row.append(fmt(s.get("two_flows_syscalls_per_pkt")))
    out.append(table(rows, ["mode"] + [x for k in kinds for x in (k, "vs naive")] +
                     ["two-flows syscalls/pkt"]))
    for key, title in (("kernel_to_program", "2a. Kernel -> program, 64-byte UDP"),
                       ("program_to_kernel", "2b. Program -> kernel socket, 64-byte UDP (one "
                        "repeated packet, ID 0; \"stepping-id\": IDs count up, mergeable)")):
        d = summary[key]
        b = d.get("naive", {}).get("pps")
        bs = d.get("naive stepping-id", {}).get("pps")
        rows = [[mode, fmt(s["pps"], 1e-3, 0),
                 ratio(s["pps"], bs if mode.endswith("stepping-id") else b)] +
                ([fmt(s.get("sender_pps"), 1e-3, 0)] if key == "program_to_kernel" else [])
                for mode, s in d.items()]
        hdr = ["mode", "kpps", "vs naive"] + (["sender kpps"] if key == "program_to_kernel"
                                              else [])
        out.append("\n" + title)
        out.append(table(rows, hdr))
    d = summary["latency"]
    b = d.get("naive", {})
    rows = []
    for mode, s in d.items():
        rows.append([mode] + [x for fam in ("v4", "v6") for x in (
            fmt(s[fam]["median_ms"], 1e3, 0), fmt(s[fam]["p99_ms"], 1e3, 0),
            ratio(s[fam]["median_ms"], b.get(fam, {}).get("median_ms")))])
    out.append("\n3. Ping RTT through an echo responder, microseconds (%d pings, 2 ms apart)" %
               meta["pings"])
    out.append(table(rows, ["mode", "v4 median", "v4 p99", "vs naive", "v6 median", "v6 p99",
                            "vs naive"]))
    if summary.get("tunnel"):
        out.append("\n" + render_tunnel(summary["tunnel"], meta))
    errs = [(sec, mode, e) for sec, d in summary.items() for mode, s in d.items()
            for e in s.get("errors", [])]
    if errs:
        out.append("\nerrors:")
        out += ["  %s %s: %s" % e for e in errs]
    return "\n".join(out)


def render_tunnel(t, meta):
    """Section 5's table and its goals (ratios of medians within this run)."""
    def med(mode, key):
        sp = t.get(mode, {}).get(key)
        return sp["median"] if sp else None

    rows = []
    for mode, s in t.items():
        rows.append([mode, fmt(s["tcp_gbps"]), ratio(s["tcp_gbps"], t.get("socat", {}).get(
            "tcp_gbps")), ratio(s["tcp_gbps"], t.get("naive", {}).get("tcp_gbps")),
            ratio(s["tcp_gbps"], t.get("veth", {}).get("tcp_gbps")),
            fmt(s["udp64_pps"], 1e-3, 0), ratio(s["udp64_pps"], t.get("naive", {}).get(
                "udp64_pps")), fmt(s["cpu_s_per_gbit"], 1, 3), fmt(s["tcp_syscalls_per_pkt"]),
            fmt(s["udp_syscalls_per_pkt"])])
    out = ["5. Tunnel: IP over UDP between two namespaces (veth, inner MTU %d), TCP %ds "
           "(iperf3, 1 stream), UDP 64-byte flood %ds; CPU and system calls of both tunnel "
           "processes" % (TUN_MTU, meta["t_tcp"], meta["t_udp"])]
    out.append(table(rows, ["mode", "TCP Gbit/s", "vs socat", "vs naive", "vs veth",
                            "UDP64 kpps", "vs naive", "CPU s/Gbit", "syscalls/TCP seg",
                            "syscalls/UDP64 pkt"]))
    goals = [("lintun TCP >= 5x socat", "lintun", "socat", "tcp_gbps", 5),
             ("lintun TCP >= 3x naive", "lintun", "naive", "tcp_gbps", 3),
             ("lintun TCP >= 0.5x veth", "lintun", "veth", "tcp_gbps", 0.5),
             ("lintun UDP64 >= 2x naive", "lintun", "naive", "udp64_pps", 2),
             ("lintun-py TCP >= 1x socat", "lintun-py", "socat", "tcp_gbps", 1)]
    for text, mode, base, key, want in goals:
        a, b = med(mode, key), med(base, key)
        if a is None or not b:
            out.append("goal %-28s not measured" % text)
            continue
        got = a / b
        out.append("goal %-28s %.2fx: %s" % (text, got, "met" if got >= want else
                                             "MISSED by %.0f%%" % (100 * (1 - got / want))))
    return "\n".join(out)


def chart(summary, png):
    """Two panels of ratios to naive: forwarding, and single-session small packets."""
    if not shutil.which("gnuplot") or not summary["forward"].get("naive"):
        return False

    def ratio_of(sec, mode, key):
        base = "naive stepping-id" if mode.endswith("stepping-id") else "naive"
        s, b = summary[sec].get(mode, {}).get(key), summary[sec].get(base, {}).get(key)
        if not s or not b or not b["median"]:
            return 0.0
        return s["median"] / b["median"]

    fwd, small = png[:-4] + "-fwd.dat", png[:-4] + "-small.dat"
    with open(fwd, "w") as out:
        for mode in summary["forward"]:
            out.write('"%s" %.4f %.4f\n' % (mode, ratio_of("forward", mode, "tcp_gbps"),
                                            ratio_of("forward", mode, "udp64_pps")))
    modes = list(dict.fromkeys(list(summary["kernel_to_program"]) +
                               list(summary["program_to_kernel"])))
    with open(small, "w") as out:
        for mode in modes or ["naive"]:
            out.write('"%s" %.4f %.4f\n' % (mode, ratio_of("kernel_to_program", mode, "pps"),
                                            ratio_of("program_to_kernel", mode, "pps")))
    script = """
set terminal pngcairo size 1200,520 font ",10"
set output '%s'
set multiplot layout 1,2 columns
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 2
set yrange [0.125:8]
set ylabel "median / naive's median (log scale)"
set xtics rotate by -25
set grid ytics
set key top left
set title "Forwarding between two namespaces (1 = naive read/write)"
plot '%s' using 2:xtic(1) title "TCP Gbit/s", '' using 3 title "UDP 64 B pps", 1 notitle lt -1 dt 2
set title "One TUN interface, 64-byte UDP (1 = naive)"
plot '%s' using 2:xtic(1) title "kernel -> program pps", '' using 3 title "program -> kernel pps", 1 notitle lt -1 dt 2
unset multiplot
""" % (png, fwd, small)
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    os.unlink(fwd)
    os.unlink(small)
    if r.returncode != 0:
        log("gnuplot: " + r.stderr.strip())
    return r.returncode == 0


def cpu_idle_fraction(seconds=1.0):
    """Share of the machine's CPU time that was idle over the next seconds."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v[:8])
    i0, t0 = sample()
    time.sleep(seconds)
    i1, t1 = sample()
    return (i1 - i0) / max(1, t1 - t0)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/sys/devices/system/cpu/vulnerabilities/meltdown") as f:
            meltdown = f.read().strip()
    except OSError:
        meltdown = "unknown"
    syscall_ns = None
    try:
        syscall_ns = int(run(os.path.join(BIN, "nullsys")).strip())
    except (OSError, RuntimeError, ValueError):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "syscall_ns": syscall_ns, "meltdown": meltdown,
            "iperf3": run("iperf3", "--version", check=False).splitlines()[0]
            if shutil.which("iperf3") else None}


def main():
    os.makedirs(LOGDIR, exist_ok=True)
    os.makedirs(RESULTS, exist_ok=True)
    meta = {"started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "quick": QUICK, "reps": REPS, "t_tcp": T_TCP, "t_cost": T_COST, "t_udp": T_UDP,
            "pings": PINGS, "machine": machine(), "prefix": PREFIX,
            "git": run("git", "rev-parse", "--short", "HEAD", check=False).strip()}
    meta["idle_before"] = round(cpu_idle_fraction(), 3)
    meta["loadavg_before"] = loadavg()
    if meta["idle_before"] < 0.8:
        log("bench: WARNING: the machine was only %.0f%% idle before the run: other work "
            "will skew these numbers" % (100 * meta["idle_before"]))
    log("bench: %s, %d reps, namespaces %s/%s, logs in %s" % (
        "QUICK" if QUICK else "full", REPS, NS_A, NS_B, LOGDIR))
    raw = {"forward": {}, "rx": {}, "tx": {}, "latency": {}, "tunnel": {}}
    only = os.environ.get("BENCH_ONLY", "forward,rx,tx,latency,tunnel").split(",")
    t0 = time.time()
    ns_create()
    try:
        if "forward" in only:
            bench_forwarding(raw["forward"])
        if "rx" in only:
            bench_rx(raw["rx"])
        if "tx" in only:
            bench_tx(raw["tx"])
        if "latency" in only:
            bench_latency(raw["latency"])
        if "tunnel" in only:
            bench_tunnel(raw["tunnel"])
    finally:
        ns_destroy()
    meta["seconds"] = round(time.time() - t0, 1)
    meta["loadavg_after"] = loadavg()
    summary = summarize(raw)
    text = render(summary, meta)
    print(text)
    doc = {"meta": meta, "summary": summary, "raw": raw}
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in ("latest.json", "bench-%s.json" % stamp):
        with open(os.path.join(RESULTS, name), "w") as f:
            json.dump(doc, f, indent=1)
    with open(os.path.join(RESULTS, "latest.txt"), "w") as f:
        f.write(text + "\n")
    png = os.path.join(RESULTS, "latest.png")
    ok = chart(summary, png)
    log("\nbench: %.0f s; results in %s/latest.json (and bench-%s.json)%s" % (
        meta["seconds"], RESULTS, stamp, ", chart " + png if ok else ""))


def on_signal(sig, frame):
    raise SystemExit(128 + sig)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        main()
    finally:
        if namespaces:
            ns_destroy()
