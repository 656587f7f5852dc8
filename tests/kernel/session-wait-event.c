/* SPDX-License-Identifier: MIT */
/*
 * The read-wait event: WaitForSingleObject times out after about the given
 * milliseconds, costs no CPU while waiting, and wakes when a packet arrives.
 * The pollable descriptor signals the same. EndSession wakes a waiter.
 * test-rerun: plain tsan
 */
#include <pthread.h>
#include <sys/resource.h>
#include "net.h"
#include "fixture.h"

static WINTUN_SESSION_HANDLE s;

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
           ru.ru_stime.tv_usec / 1e3;
}

static void *late_ping(void *arg)
{
    (void)arg;
    usleep(150000);
    sh("ping -c 1 -W 1 10.22.0.2 >/dev/null 2>&1");
    return NULL;
}

static DWORD end_result = 12345;
static void *waiter(void *arg)
{
    end_result = WaitForSingleObject(arg, INFINITE);
    return NULL;
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("not a live session handle");
    expect_log("not a read-wait event of a live session");
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Waiter", L"Test", NULL);
    /* IPv6 off on this interface: no router solicitations to wake us. */
    s = fixture_session(a, 0x20000, 0, FIXTURE_NO_IPV6, "10.22.0.1/24");
    HANDLE ev = WintunGetReadWaitEvent(s);
    DWORD n;
    while (WintunReceivePacket(s, &n) || GetLastError() != ERROR_NO_MORE_ITEMS)
        ;
    double t0 = now_ms(), c0 = cpu_ms();
    CHECK_EQ(WaitForSingleObject(ev, 300), WAIT_TIMEOUT);
    double waited = now_ms() - t0, cpu = cpu_ms() - c0;
    if (waited < 290 || waited > 1000)
        FAILF("a 300 ms wait took %.1f ms", waited);
    if (cpu > 30)
        FAILF("waiting 300 ms used %.1f ms of CPU", cpu);

    pthread_t t;
    pthread_create(&t, NULL, late_ping, NULL);
    t0 = now_ms();
    CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
    double woke = now_ms() - t0;
    CHECK(woke >= 100 && woke < 2000);
    BYTE *p = WintunReceivePacket(s, &n);
    CHECK(p != NULL);
    if (p)
        WintunReleaseReceivePacket(s, p);
    join_within(t, 5, "the late ping finishing");

    /* The descriptor: readable when packets wait, not otherwise. */
    int fd = LintunGetReadWaitFd(s);
    CHECK(fd >= 0);
    while (WintunReceivePacket(s, &n) || GetLastError() != ERROR_NO_MORE_ITEMS)
        ;
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    CHECK_EQ(poll(&pf, 1, 100), 0);
    sh("ping -c 1 -W 1 10.22.0.2 >/dev/null 2>&1");
    CHECK_EQ(poll(&pf, 1, 1000), 1);

    /* EndSession wakes a thread blocked on the event and waits for it. */
    while (WintunReceivePacket(s, &n) || GetLastError() != ERROR_NO_MORE_ITEMS)
        ;
    pthread_create(&t, NULL, waiter, ev);
    usleep(100000);
    t0 = now_ms();
    watchdog(5, "WintunEndSession returning while a thread waits on the event");
    WintunEndSession(s);
    watchdog_off();
    join_within(t, 3, "WintunEndSession waking the thread in WaitForSingleObject(INFINITE)");
    CHECK_EQ(end_result, WAIT_OBJECT_0);
    CHECK(now_ms() - t0 < 1000);
    /* The event and the session are stale now. */
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_FAILED);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunReceivePacket(s, &n), ERROR_INVALID_HANDLE);
    WintunCloseAdapter(a);
    return test_done();
}
