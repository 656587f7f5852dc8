/* SPDX-License-Identifier: MIT */
/*
 * Fault: WintunEndSession while other threads wait on the read-wait event.
 * The rule (wintun.h, WintunEndSession): every thread waiting on the event
 * wakes with WAIT_OBJECT_0 and EndSession returns once they have left the
 * wait; calls running when it starts finish first; afterwards the handle is
 * invalid, so a waiter must learn from the program (here a flag set before
 * EndSession) that the session is ending, and not call it again. Also:
 * packets allocated and sent just before EndSession reach the kernel.
 * Three waiters (two with INFINITE, one with a 10 s timeout) and one thread
 * polling LintunGetReadWaitFd() all wake within 100 ms; no descriptor,
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

#define WAITERS 3

static WINTUN_SESSION_HANDLE sess;
static HANDLE event;
static int wait_fd;
static atomic_bool ending;
static atomic_int waiting;
static double woke_at[WAITERS + 1];
static DWORD result[WAITERS + 1];

static void *waiter(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (;;) {
        DWORD n;
        /* Receive until empty, then wait: the documented loop. */
        BYTE *p = WintunReceivePacket(sess, &n);
        if (p) {
            WintunReleaseReceivePacket(sess, p);
            continue;
        }
        atomic_fetch_add(&waiting, 1);
        result[me] = WaitForSingleObject(event, me == 2 ? 10000 : INFINITE);
        woke_at[me] = now_ms();
        atomic_fetch_sub(&waiting, 1);
        if (atomic_load(&ending))
            return NULL; /* the handle is being ended: never touch it again */
    }
}

static void *poller(void *arg)
{
    (void)arg;
    struct pollfd p = {.fd = wait_fd, .events = POLLIN};
    atomic_fetch_add(&waiting, 1);
    int r;
    do
        r = poll(&p, 1, 10000);
    while (r == 0 && !atomic_load(&ending));
    woke_at[WAITERS] = now_ms();
    result[WAITERS] = (DWORD)r;
    atomic_fetch_sub(&waiting, 1);
    return NULL;
}

static void send_udp(int seq)
{
    uint8_t pkt[128];
    struct tpkt t;
    tpkt_init_udp4(&t, "10.42.0.2", "10.42.0.1", 1000, 7000);
    t.payload = (const uint8_t *)&seq;
    t.plen = sizeof(seq);
    size_t n = tpkt_build(&t, pkt);
    session_send(sess, pkt, n);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("not a live session handle");
    expect_log("not a read-wait event of a live session");
    struct baseline b = baseline_take();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Ender", L"Test", NULL);
    sh("sysctl -qw net.ipv6.conf.Ender.disable_ipv6=1");
    REQUIRE(sh("ip addr add 10.42.0.1/24 dev Ender") == 0);
    int sock = udp4_bind("10.42.0.1", 7000);

    for (int round = 0; round < 3; round++) {
        sess = WintunStartSession(a, 0x20000);
        REQUIRE(sess);
        event = WintunGetReadWaitEvent(sess);
        wait_fd = LintunGetReadWaitFd(sess);
        REQUIRE(event && wait_fd >= 0);
        atomic_store(&ending, false);
        pthread_t t[WAITERS + 1];
        for (int i = 0; i < WAITERS; i++)
            pthread_create(&t[i], NULL, waiter, (void *)(intptr_t)i);
        pthread_create(&t[WAITERS], NULL, poller, NULL);
        watchdog(5, "round %d: the waiters and the poller reaching their waits", round);
        while (atomic_load(&waiting) < WAITERS + 1)
            usleep(1000);
        watchdog_off();
        usleep(50000 * (round + 1)); /* into their waits */
        for (int i = 0; i < 5; i++)
            send_udp(round * 10 + i); /* sent right before the end */
        atomic_store(&ending, true);
        double t0 = now_ms();
        watchdog(5, "round %d: WintunEndSession returning while three threads wait", round);
        WintunEndSession(sess);
        watchdog_off();
        double took = now_ms() - t0;
        for (int i = 0; i <= WAITERS; i++)
            join_within(t[i], 3,
                        i < WAITERS ? "WintunEndSession waking a waiter on the event"
                                    : "WintunEndSession waking the poller");
        for (int i = 0; i < WAITERS; i++) {
            CHECK_EQ(result[i], WAIT_OBJECT_0);
            if (woke_at[i] - t0 > 100)
                FAILF("waiter %d woke %.1f ms after EndSession began", i, woke_at[i] - t0);
        }
        CHECK(result[WAITERS] == 1);
        if (woke_at[WAITERS] - t0 > 100)
            FAILF("the poller woke %.1f ms after EndSession began", woke_at[WAITERS] - t0);
        if (took > 100)
            FAILF("EndSession took %.1f ms with waiters", took);
        for (int i = 0; i < 5; i++) {
            int v = -1;
            CHECK_EQ(recv_timeout(sock, &v, sizeof(v), 1000), (long)sizeof(v));
            CHECK_EQ(v, round * 10 + i);
        }
        /* A stale handle afterwards: detected (graveyard), never a crash. */
        DWORD n;
        CHECK_ERR(WintunReceivePacket(sess, &n), ERROR_INVALID_HANDLE);
        CHECK_EQ(WaitForSingleObject(event, 0), WAIT_FAILED);
        printf("round %d: EndSession took %.1f ms; woke after %.1f %.1f %.1f ms, poller %.1f ms\n",
               round, took, woke_at[0] - t0, woke_at[1] - t0, woke_at[2] - t0,
               woke_at[WAITERS] - t0);
    }
    close(sock);
    WintunCloseAdapter(a);
    baseline_check(b);
    return test_done();
}
