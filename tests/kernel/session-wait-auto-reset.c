/* SPDX-License-Identifier: MIT * test-rerun: plain
 */
/*
 * The read-wait event resets itself, as Wintun's does (an auto-reset event
 * that its driver sets once per batch of packets it puts in the ring), also
 * for packets that arrive from the kernel:
 *   - a wait that returned took the signal: a second wait with no receive in
 *     between sleeps its whole timeout, although the packet is still there
 *     to receive (and is received afterwards);
 *   - a packet that arrives while a thread waits wakes it;
 *   - a receive that found nothing does not lose a packet that arrives
 *     before the wait: the wait returns at once;
 *   - two threads waiting for one packet: one wakes, the other sleeps on.
 * The pollable descriptor of a program that only polls stays readable until
 * a receive finds nothing, then sleeps (no spin, no missed packet).
 */
#include <pthread.h>
#include "fixture.h"

static WINTUN_SESSION_HANDLE s;
static HANDLE ev;
static int sock;

static void send_one(int tag)
{
    uint8_t b[64];
    memset(b, tag, sizeof(b));
    REQUIRE(udp4_send(sock, "10.24.0.2", 9000, b, sizeof(b)) == sizeof(b));
}

/* Receive one of our datagrams (the tag byte), or fail. */
static void expect_packet(int tag)
{
    DWORD n;
    BYTE *p = WintunReceivePacket(s, &n);
    if (!p) {
        FAILF("no packet %d to receive: last error %u", tag, GetLastError());
        return;
    }
    CHECK_EQ(n, 28 + 64);
    CHECK_EQ(p[28], tag);
    WintunReleaseReceivePacket(s, p);
}

static void expect_nothing(void)
{
    DWORD n;
    CHECK_ERR(WintunReceivePacket(s, &n), ERROR_NO_MORE_ITEMS);
}

static void *late_send(void *arg)
{
    usleep(100000);
    send_one((int)(intptr_t)arg);
    return NULL;
}

static DWORD results[2];
static void *waiter(void *arg)
{
    int i = (int)(intptr_t)arg;
    results[i] = WaitForSingleObject(ev, (DWORD)wake_bound_ms(1500));
    return NULL;
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"AutoReset", L"Test", NULL);
    s = fixture_session(a, 0x20000, 0, FIXTURE_NO_IPV6, "10.24.0.1/24");
    ev = WintunGetReadWaitEvent(s);
    sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(sock >= 0);
    DWORD n;
    while (WintunReceivePacket(s, &n) || GetLastError() != ERROR_NO_MORE_ITEMS)
        ;

    /* One packet, two waits, no receive in between. */
    send_one(1);
    CHECK_EQ(WaitForSingleObject(ev, (DWORD)wake_bound_ms(2000)), WAIT_OBJECT_0);
    double t0 = now_ms();
    DWORD second = WaitForSingleObject(ev, 300);
    double took = now_ms() - t0;
    if (second != WAIT_TIMEOUT || took < 290)
        FAILF("a second wait with no receive returned %#x after %.1f ms; want WAIT_TIMEOUT "
              "after 300 ms",
              second, took);
    expect_packet(1);
    expect_nothing();

    /* A packet that arrives during the wait wakes it. */
    pthread_t t;
    pthread_create(&t, NULL, late_send, (void *)(intptr_t)2);
    t0 = now_ms();
    CHECK_EQ(WaitForSingleObject(ev, (DWORD)wake_bound_ms(5000)), WAIT_OBJECT_0);
    took = now_ms() - t0;
    CHECK(took >= 90 && took < wake_bound_ms(2000));
    join_within(t, 5, "the late send");
    expect_packet(2);
    expect_nothing();

    /* Arrival between a receive that found nothing and the wait: no loss. */
    expect_nothing();
    send_one(3);
    t0 = now_ms();
    CHECK_EQ(WaitForSingleObject(ev, (DWORD)wake_bound_ms(2000)), WAIT_OBJECT_0);
    CHECK(now_ms() - t0 < wake_bound_ms(500));
    expect_packet(3);
    expect_nothing();

    /* Two waiters, one packet: one wakes. */
    pthread_t w[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&w[i], NULL, waiter, (void *)(intptr_t)i);
    usleep(200000);
    send_one(4);
    for (int i = 0; i < 2; i++)
        join_within(w[i], 10, "a waiter's timed wait");
    int woke = (results[0] == WAIT_OBJECT_0) + (results[1] == WAIT_OBJECT_0);
    int timed_out = (results[0] == WAIT_TIMEOUT) + (results[1] == WAIT_TIMEOUT);
    if (woke != 1 || timed_out != 1)
        FAILF("two waiters, one packet: results %#x and %#x; want one WAIT_OBJECT_0 and one "
              "WAIT_TIMEOUT",
              results[0], results[1]);
    expect_packet(4);
    expect_nothing();

    /* A program that only polls: readable for a packet, not after a receive
     * found nothing. */
    int fd = LintunGetReadWaitFd(s);
    REQUIRE(fd >= 0);
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    CHECK_EQ(poll(&pf, 1, 100), 0);
    send_one(5);
    CHECK_EQ(poll(&pf, 1, (int)wake_bound_ms(2000)), 1);
    expect_packet(5);
    expect_nothing();
    CHECK_EQ(poll(&pf, 1, 100), 0);

    close(sock);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
