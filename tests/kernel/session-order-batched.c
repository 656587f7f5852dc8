/* SPDX-License-Identifier: MIT */
/*
 * Allocation order is delivery order through batched writes, under load:
 * four threads allocate and send as fast as they can (numbers taken in
 * allocation order, sends in whatever order the threads get to them) while
 * a socket drains what arrives. Every datagram arrives, or is counted as a
 * socket drop, and the numbers that arrive only ever go up. Both write
 * paths: io_uring (when this process can have it), with two flows taking
 * turns (unmergeable: unlinked batches of single packets) and with one flow
 * (merged), and one write() each. With io_uring, the process makes far
 * fewer write system calls than it sends packets (/proc/self/io syscw);
 * with write(), at least one each.
 * test-rerun: plain
 */
#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { THREADS = 4, PER_THREAD = 20000 };

static WINTUN_SESSION_HANDLE s;
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t order_next;
static atomic_bool sending;
static int two_flows;

static void *sender(void *arg)
{
    (void)arg;
    /* One flow, or two taking turns, which nothing can merge. */
    struct tpkt t[2];
    uint32_t seq;
    uint8_t pkt[128];
    for (int f = 0; f < 2; f++) {
        tpkt_init_udp4(&t[f], "10.27.0.2", "10.27.0.1", (uint16_t)(6000 + f * two_flows), 7000);
        t[f].payload = (const uint8_t *)&seq;
        t[f].plen = sizeof(seq);
    }
    for (int i = 0; i < PER_THREAD;) {
        pthread_mutex_lock(&order_lock);
        seq = order_next;
        size_t n = tpkt_build(&t[seq & 1], pkt);
        BYTE *p = WintunAllocateSendPacket(s, (DWORD)n);
        if (p)
            order_next++;
        pthread_mutex_unlock(&order_lock);
        if (!p) {
            REQUIRE(GetLastError() == ERROR_BUFFER_OVERFLOW);
            sched_yield();
            continue;
        }
        memcpy(p, pkt, n);
        WintunSendPacket(s, p);
        i++;
    }
    return NULL;
}

struct drain {
    int sock;
    uint64_t got, out_of_order;
    uint32_t last;
};

static void *drainer(void *arg)
{
    struct drain *d = arg;
    uint32_t v;
    for (;;) {
        ssize_t n = recv_timeout(d->sock, &v, sizeof(v), 300);
        if (n != sizeof(v)) {
            if (!atomic_load(&sending))
                break;
            continue;
        }
        if (d->got && v <= d->last && d->out_of_order++ < 5)
            FAILF("datagram %u arrived after %u", v, d->last);
        d->last = v;
        d->got++;
    }
    return NULL;
}

/* A counter of this process from /proc/self/io ("syscw", "syscr"). */
static long long proc_io(const char *key)
{
    FILE *f = fopen("/proc/self/io", "r");
    char k[32];
    long long v, found = -1;
    while (f && fscanf(f, "%31[^:]: %lld\n", k, &v) == 2)
        if (!strcmp(k, key))
            found = v;
    if (f)
        fclose(f);
    return found;
}

/* The system's UDP receive-buffer drops, in this namespace. */
static long long udp_rcvbuf_errors(void)
{
    FILE *f = fopen("/proc/net/snmp", "r");
    char line[512], names[512] = "";
    long long v = -1;
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "Udp:", 4))
            continue;
        if (!names[0]) {
            snprintf(names, sizeof(names), "%s", line);
            continue;
        }
        int col = 0, want = -1;
        for (char *n = strtok(names + 4, " \n"); n; n = strtok(NULL, " \n"), col++)
            if (!strcmp(n, "RcvbufErrors"))
                want = col;
        col = 0;
        for (char *n = strtok(line + 4, " \n"); n; n = strtok(NULL, " \n"), col++)
            if (col == want)
                v = atoll(n);
        break;
    }
    if (f)
        fclose(f);
    return v;
}

static void run(WINTUN_ADAPTER_HANDLE a, DWORD flags, int flows, const char *what)
{
    two_flows = flows == 2;
    s = LintunStartSessionEx(a, 0x400000, flags);
    if (!s && GetLastError() == ERROR_NOT_SUPPORTED) {
        printf("%s: io_uring is not available to this process; not run\n", what);
        return;
    }
    REQUIRE(s);
    struct drain d = {.sock = udp4_bind_deep("10.27.0.1", 7000, 32 << 20)};
    long long drops0 = udp_rcvbuf_errors(), syscw0 = proc_io("syscw");
    order_next = 0;
    atomic_store(&sending, true);
    pthread_t t[THREADS], dt;
    pthread_create(&dt, NULL, drainer, &d);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, sender, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    DWORD n;
    WintunReceivePacket(s, &n); /* nothing to receive: what is staged goes out */
    long long syscw = proc_io("syscw") - syscw0;
    atomic_store(&sending, false);
    pthread_join(dt, NULL);
    long long drops = udp_rcvbuf_errors() - drops0;
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    printf("%s: sent %d, arrived %llu in order, socket drops %lld; %llu kernel writes, "
           "%lld write system calls\n",
           what, THREADS * PER_THREAD, (unsigned long long)d.got, drops,
           (unsigned long long)st.TxWrites, syscw);
    CHECK_EQ(d.out_of_order, 0);
    CHECK_EQ(st.TxPackets, THREADS * PER_THREAD);
    CHECK_EQ(st.TxDroppedKernel + st.TxDroppedInvalid, 0);
    CHECK_EQ((long long)d.got + drops, THREADS * PER_THREAD);
    if (flags & LINTUN_SESSION_IO_URING)
        CHECK(syscw < THREADS * PER_THREAD / 4);
    else
        CHECK(syscw >= THREADS * PER_THREAD);
    close(d.sock);
    WintunEndSession(s);
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Order Load", L"Test", NULL);
    REQUIRE(sh("ip addr add 10.27.0.1/24 dev Order_Load") == 0);
    run(a, LINTUN_SESSION_IO_URING, 2, "io_uring, two flows taking turns");
    run(a, LINTUN_SESSION_IO_URING, 1, "io_uring, one flow");
    run(a, LINTUN_SESSION_NO_IO_URING | LINTUN_SESSION_NO_COALESCE, 1, "write(), no coalescing");
    WintunCloseAdapter(a);
    return test_done();
}
