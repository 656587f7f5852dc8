/* SPDX-License-Identifier: MIT */
/*
 * Fault: the interface is set down (administratively, by someone else, with
 * `ip link set down`) while the program sends and receives. Sends are
 * dropped by the kernel and counted in TxDroppedKernel (within 100 sends of
 * the change), Allocate/Send keep working, receives see ERROR_NO_MORE_ITEMS,
 * nothing passes the interface while down (the kernel's counts), no crash.
 * Set up again, traffic resumes both ways. Every packet sent is
 * accounted for: arrived + TxDroppedKernel + socket drops. No descriptor,
 * thread or interface is left.
 * test-rerun: plain tsan
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "resources.h"
#include "offload-pkt.h"
#include "fixture.h"

static WINTUN_SESSION_HANDLE sess;
static atomic_bool stop;
static atomic_ullong sent, full, rx, sink_rx, kernel_tx;
static atomic_uint bad_err;

static void *sender(void *arg)
{
    uint8_t pkt[256];
    (void)arg;
    for (uint32_t seq = 0; !atomic_load(&stop); seq++) {
        struct tpkt t;
        tpkt_init_udp4(&t, "10.44.0.2", "10.44.0.1", 1000, 7000);
        t.payload = (const uint8_t *)&seq;
        t.plen = sizeof(seq);
        size_t n = tpkt_build(&t, pkt);
        BYTE *p = WintunAllocateSendPacket(sess, (DWORD)n);
        if (!p) {
            if (GetLastError() == ERROR_BUFFER_OVERFLOW)
                atomic_fetch_add(&full, 1);
            else
                atomic_store(&bad_err, GetLastError());
            usleep(100);
            continue;
        }
        memcpy(p, pkt, n);
        WintunSendPacket(sess, p);
        atomic_fetch_add(&sent, 1);
        usleep(100);
    }
    return NULL;
}

static void *receiver(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (p) {
            atomic_fetch_add(&rx, 1);
            WintunReleaseReceivePacket(sess, p);
            continue;
        }
        if (GetLastError() != ERROR_NO_MORE_ITEMS)
            atomic_store(&bad_err, GetLastError());
        WaitForSingleObject(WintunGetReadWaitEvent(sess), 20);
    }
    return NULL;
}

static void *kernel_side(void *arg)
{
    int s = *(int *)arg;
    int out = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    char buf[64] = {0};
    while (!atomic_load(&stop)) {
        ssize_t n = recv_timeout(s, buf, sizeof(buf), 0);
        if (n > 0)
            atomic_fetch_add(&sink_rx, 1);
        if (udp4_send(out, "10.44.0.2", 9000, buf, 32) > 0) /* fails while down: no route */
            atomic_fetch_add(&kernel_tx, 1);
        usleep(200);
    }
    close(out);
    return NULL;
}

/*
 * What the interface passed, in the kernel's own count (`ip -s link`):
 * packets the session wrote into the kernel ("rx") and packets the kernel
 * handed to the session's queue ("tx"). The threads that count sink_rx and
 * rx may be starved under load and still be reading datagrams queued before
 * the link went down (the sink reads one per 200 us), and the UDP MIB counts
 * datagrams when a program reads them, so "nothing gets through while down"
 * is read here.
 */
static long long link_packets(const char *dir)
{
    char cmd[256], out[64] = "";
    snprintf(cmd, sizeof(cmd),
             "ip -s -j link show dev Downer | python3 -c 'import json,sys; "
             "print(json.load(sys.stdin)[0][\"stats64\"][\"%s\"][\"packets\"])'",
             dir);
    FILE *p = popen(cmd, "r");
    REQUIRE(p && fgets(out, sizeof(out), p));
    pclose(p);
    return atoll(out);
}

static LINTUN_SESSION_STATS stats(void)
{
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(sess, &st));
    return st;
}

int main(void)
{
    struct baseline b = baseline_take();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Downer", L"Test", NULL);
    sess = fixture_session(a, 0x20000, 0, FIXTURE_NO_IPV6, "10.44.0.1/24");
    int sink = udp4_bind_deep("10.44.0.1", 7000, 8 << 20);
    pthread_t t[3];
    pthread_create(&t[0], NULL, sender, NULL);
    pthread_create(&t[1], NULL, receiver, NULL);
    pthread_create(&t[2], NULL, kernel_side, &sink);

    for (int round = 0; round < 2; round++) {
        usleep(300000);
        unsigned long long s0 = sink_rx, r0 = rx;
        CHECK(s0 > 0 && r0 > 0);
        LINTUN_SESSION_STATS before = stats();
        REQUIRE(sh("ip link set Downer down") == 0);
        /* Counted by sends, not by the clock: the sender may be starved for
         * a while on a busy machine, but once it sends again, the kernel's
         * refusals are counted at once (a send may be held for a batch of
         * at most 32, or a flush). */
        double t0 = now_ms();
        unsigned long long sent_down = sent;
        while (stats().TxDroppedKernel == before.TxDroppedKernel &&
               now_ms() < t0 + wake_bound_ms(5000))
            usleep(1000);
        double seen = now_ms() - t0;
        unsigned long long sends = sent - sent_down;
        if (stats().TxDroppedKernel == before.TxDroppedKernel)
            FAILF("no send counted as dropped by the kernel %.0f ms (%llu sends) after the link "
                  "went down",
                  seen, sends);
        else if (sends > 100)
            FAILF("the kernel's refusal was counted only after %llu sends", sends);
        usleep(300000);
        unsigned long long s1 = sink_rx, r1 = rx;
        long long k_in = link_packets("rx"), k_out = link_packets("tx");
        usleep(200000);
        /* Nothing gets through while down, as the kernel counts it. */
        CHECK_EQ(link_packets("rx"), k_in);
        CHECK_EQ(link_packets("tx"), k_out);
        printf("round %d: while down, the sink read %llu and the session %llu datagrams "
               "queued before\n",
               round, sink_rx - s1, rx - r1);
        LINTUN_SESSION_STATS down = stats();
        printf("round %d: down after %.1f ms and %llu sends: TxDroppedKernel %llu -> %llu\n",
               round, seen, sends, (unsigned long long)before.TxDroppedKernel,
               (unsigned long long)down.TxDroppedKernel);
        REQUIRE(sh("ip link set Downer up") == 0);
        /* The subnet route comes back with the link. */
        t0 = now_ms();
        while ((sink_rx == s1 || rx == r1) && now_ms() < t0 + 2000)
            usleep(1000);
        printf("round %d: up again, traffic back after %.1f ms (both ways)\n", round,
               now_ms() - t0);
        CHECK(sink_rx > s1);
        CHECK(rx > r1);
    }
    atomic_store(&stop, true);
    for (int i = 0; i < 3; i++)
        join_within(t[i], 10, "a session thread stopping when asked");
    usleep(100000);
    char buf[64];
    while (recv_timeout(sink, buf, sizeof(buf), 100) > 0)
        sink_rx++;
    LINTUN_SESSION_STATS st = stats();
    CHECK_EQ(bad_err, 0);
    CHECK_EQ(st.TxRingFull, full);
    CHECK_EQ(st.TxDroppedInvalid, 0);
    /* Every sent packet: arrived, or refused by the kernel (no socket drops
     * with an 8 MiB buffer at this rate). */
    CHECK_EQ(sink_rx + st.TxDroppedKernel, sent);
    printf("sent %llu, arrived %llu, TxDroppedKernel %llu, ring full %llu; received %llu\n",
           (unsigned long long)sent, (unsigned long long)sink_rx,
           (unsigned long long)st.TxDroppedKernel, (unsigned long long)full,
           (unsigned long long)rx);
    close(sink);
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    baseline_check(b);
    return test_done();
}
