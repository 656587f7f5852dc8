/* SPDX-License-Identifier: MIT */
/*
 * TCP through two sessions, byte for byte. Two network namespaces, an
 * adapter in each, and a forwarder written against the Wintun API (receive
 * on one session, allocate and send on the other) between them; a kernel
 * socket in one namespace streams 32 MiB of pseudo-random bytes to a socket
 * in the other, which checks every byte. With offload, the kernel hands the
 * sender's data as super-packets (split before the program sees them) and
 * the forwarded segments are coalesced again before they reach the other
 * kernel: the counters must show both happened. Then again without offload.
 * Then with offload after a burst of small UDP datagrams: the session turns
 * receive offload off after enough reads without a super-packet, and the
 * TCP stream that follows must turn it back on (super-packets again).
 * Lost packets show as a stream that stops: no byte arriving for 3 s
 * (scaled) fails the test at once, naming where the stream stood.
 * test-rerun: plain
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include "net.h"

#define STREAM_BYTES (32u << 20)

struct pump {
    WINTUN_SESSION_HANDLE from, to;
    atomic_bool *stop;
};

static void *pump(void *arg)
{
    struct pump *p = arg;
    while (!atomic_load(p->stop)) {
        DWORD n;
        BYTE *in = WintunReceivePacket(p->from, &n);
        if (!in) {
            if (GetLastError() != ERROR_NO_MORE_ITEMS)
                break;
            WaitForSingleObject(WintunGetReadWaitEvent(p->from), 50);
            continue;
        }
        BYTE *out = WintunAllocateSendPacket(p->to, n);
        if (out) {
            memcpy(out, in, n);
            WintunSendPacket(p->to, out);
        }
        WintunReleaseReceivePacket(p->from, in);
    }
    return NULL;
}

static uint8_t stream_byte(uint64_t i)
{
    uint64_t x = i * 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    return (uint8_t)(x * 0xbf58476d1ce4e5b9ull >> 56);
}

static long mismatch_at = -1;
static uint64_t received;

/*
 * Watches the stream while the client sends: when no byte has arrived for
 * STALL_S seconds (scaled; TCP's retransmissions after a lost packet start
 * at 200 ms), the forwarder lost what TCP could not recover in time, so the
 * test fails at once instead of at its watchdog.
 */
#define STALL_S 3
struct stall_watch {
    WINTUN_SESSION_HANDLE sa, sb;
    atomic_bool done;
};

static void *stall_watch(void *arg)
{
    struct stall_watch *w = arg;
    uint64_t last = 0;
    double since = now_ms(), bound = STALL_S * 1000 * test_slowdown();
    while (!atomic_load(&w->done)) {
        usleep(50000);
        uint64_t now = __atomic_load_n(&received, __ATOMIC_RELAXED);
        if (now != last) {
            last = now;
            since = now_ms();
        } else if (now_ms() - since > bound) {
            LINTUN_SESSION_STATS a = {0}, b = {0};
            LintunGetSessionStats(w->sa, &a);
            LintunGetSessionStats(w->sb, &b);
            fprintf(stderr,
                    "the stream stalled: %llu of %u bytes arrived, none for %.0f ms (a: %llu "
                    "packets read, %llu dropped; b: %llu sent, %llu dropped by the kernel, %llu "
                    "ring full)\n",
                    (unsigned long long)now, STREAM_BYTES, now_ms() - since,
                    (unsigned long long)a.RxPackets, (unsigned long long)a.RxDropped,
                    (unsigned long long)b.TxPackets, (unsigned long long)b.TxDroppedKernel,
                    (unsigned long long)b.TxRingFull);
            _exit(1);
        }
    }
    return NULL;
}
static atomic_int offload_off, offload_on;

static void logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    if (wcsstr(msg, L"Receive offload off on \"ta\""))
        atomic_fetch_add(&offload_off, 1);
    if (wcsstr(msg, L"Receive offload back on on \"ta\""))
        atomic_fetch_add(&offload_on, 1);
    test_logger(level, ts, msg);
}

/* Small UDP datagrams from a to b, none of which the kernel can batch. */
static void udp_burst(int count)
{
    int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    uint8_t payload[32] = {0};
    for (int i = 0; i < count; i++) {
        udp4_send(u, "10.77.2.1", 9, payload, sizeof(payload));
        if (i % 256 == 255)
            usleep(2000); /* let the forwarder keep up: the queue holds 500 */
    }
    close(u);
}

static void *server(void *arg)
{
    int c = accept(*(int *)arg, NULL, NULL);
    static uint8_t buf[1 << 16];
    ssize_t n;
    while (c >= 0 && (n = recv(c, buf, sizeof(buf), 0)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (mismatch_at < 0 && buf[i] != stream_byte(received + (uint64_t)i))
                mismatch_at = (long)(received + (uint64_t)i);
        __atomic_store_n(&received, received + (uint64_t)n, __ATOMIC_RELAXED);
    }
    if (c >= 0)
        close(c);
    return NULL;
}

static int tcp_listen(void)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(5001)};
    inet_pton(AF_INET, "10.77.2.1", &a.sin_addr);
    /* The previous run's connection may still be in TIME_WAIT on this port. */
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    REQUIRE(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(s, 1) == 0);
    return s;
}

static void client(void)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(5001)};
    inet_pton(AF_INET, "10.77.2.1", &a.sin_addr);
    REQUIRE(connect(s, (struct sockaddr *)&a, sizeof(a)) == 0);
    static uint8_t buf[1 << 16];
    for (uint64_t off = 0; off < STREAM_BYTES; off += sizeof(buf)) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = stream_byte(off + i);
        REQUIRE(send(s, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf));
    }
    close(s);
}

static void run(DWORD flags, bool udp_first, int ns_a, int ns_b, WINTUN_ADAPTER_HANDLE ta,
                WINTUN_ADAPTER_HANDLE tb)
{
    WINTUN_SESSION_HANDLE sa = LintunStartSessionEx(ta, 0x800000, flags);
    WINTUN_SESSION_HANDLE sb = LintunStartSessionEx(tb, 0x800000, flags);
    REQUIRE(sa && sb);
    atomic_bool stop = false;
    struct pump ab = {sa, sb, &stop}, ba = {sb, sa, &stop};
    pthread_t t1, t2, srv;
    pthread_create(&t1, NULL, pump, &ab);
    pthread_create(&t2, NULL, pump, &ba);
    REQUIRE(setns(ns_b, CLONE_NEWNET) == 0);
    int ls = tcp_listen();
    REQUIRE(setns(ns_a, CLONE_NEWNET) == 0);
    received = 0;
    mismatch_at = -1;
    LINTUN_SESSION_STATS before = {0};
    if (udp_first) {
        udp_burst(4096);
        for (int i = 0; i < 200 && !atomic_load(&offload_off); i++)
            usleep(10000);
        CHECK_EQ(atomic_load(&offload_off), 1);
        REQUIRE(LintunGetSessionStats(sa, &before));
    }
    pthread_create(&srv, NULL, server, &ls);
    struct stall_watch sw = {sa, sb, false};
    pthread_t stw;
    pthread_create(&stw, NULL, stall_watch, &sw);
    watchdog(20, "the TCP stream crossing the two sessions (flags 0x%x)", (unsigned)flags);
    client();
    watchdog_off();
    join_within(srv, 10, "the server receiving the end of the stream");
    atomic_store(&sw.done, true);
    join_within(stw, 5, "the stall watch stopping");
    close(ls);
    atomic_store(&stop, true);
    join_within(t1, 5, "the a->b pump stopping when asked");
    join_within(t2, 5, "the b->a pump stopping when asked");
    CHECK_EQ(received, STREAM_BYTES);
    CHECK_EQ(mismatch_at, -1);
    LINTUN_SESSION_STATS a, b;
    REQUIRE(LintunGetSessionStats(sa, &a) && LintunGetSessionStats(sb, &b));
    printf(
        "flags %u: a read %llu super-packets in %llu reads; b wrote %llu packets in %llu writes\n",
        flags, (unsigned long long)a.RxSuperPackets, (unsigned long long)a.RxReads,
        (unsigned long long)b.TxPackets, (unsigned long long)b.TxWrites);
    if (udp_first) {
        CHECK_EQ(atomic_load(&offload_on), 1);
        CHECK(a.RxSuperPackets > before.RxSuperPackets); /* TSO came back */
        CHECK(b.TxCoalesced > 0);
    } else if (flags == 0) {
        CHECK(a.RxSuperPackets > 0); /* the kernel's TSO output was split */
        CHECK(b.TxCoalesced > 0);    /* and coalesced again on the way out */
    } else {
        CHECK_EQ(a.RxSuperPackets, 0);
        CHECK_EQ(b.TxCoalesced, 0);
    }
    CHECK_EQ(a.RxDropped + b.TxDroppedInvalid + b.TxDroppedKernel, 0);
    WintunEndSession(sa);
    WintunEndSession(sb);
}

static WINTUN_ADAPTER_HANDLE adapter_here(const WCHAR *name, const char *ifname, const char *addr,
                                          const char *peer)
{
    WINTUN_ADAPTER_HANDLE h = WintunCreateAdapter(name, L"Test", NULL);
    REQUIRE(h);
    REQUIRE(sh("ip addr add %s dev %s && ip route add %s dev %s", addr, ifname, peer, ifname) ==
            0);
    return h;
}

int main(void)
{
    require_netns();
    WintunSetLogger(logger);
    int ns_a = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    WINTUN_ADAPTER_HANDLE ta = adapter_here(L"ta", "ta", "10.77.1.1/24", "10.77.2.0/24");
    REQUIRE(unshare(CLONE_NEWNET) == 0);
    REQUIRE(sh("ip link set lo up") == 0);
    int ns_b = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    WINTUN_ADAPTER_HANDLE tb = adapter_here(L"tb", "tb", "10.77.2.1/24", "10.77.1.0/24");
    REQUIRE(setns(ns_a, CLONE_NEWNET) == 0);
    run(0, false, ns_a, ns_b, ta, tb);
    run(LINTUN_SESSION_NO_OFFLOAD, false, ns_a, ns_b, ta, tb);
    run(0, true, ns_a, ns_b, ta, tb);
    WintunCloseAdapter(ta);
    WintunCloseAdapter(tb);
    close(ns_a);
    close(ns_b);
    return test_done();
}
