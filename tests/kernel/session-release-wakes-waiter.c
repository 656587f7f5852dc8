/* SPDX-License-Identifier: MIT */
/*
 * A release that makes room in a full receive ring wakes a waiter in another
 * thread. While the ring is full, the packet the session read last waits
 * outside it and the device's queue is out of the wait set, so nothing but
 * the release can wake a thread that waits: first one blocked in
 * WaitForSingleObject(INFINITE), then one in poll() on LintunGetReadWaitFd()
 * with no timeout. Each must return within 100 ms of the release and then
 * receive the packet that waited; a waiter that never wakes fails the test
 * after a few seconds, naming the wait. The device's queue is empty during
 * each wait (the ring is filled one datagram at a time), so the kernel has
 * nothing to signal either. Several rounds of each, the event's first (the
 * descriptor, once made, stays for the session).
 *
 * Last, a program that only polls the descriptor: once it has taken what a
 * wake-up was for and a receive found nothing, the descriptor is no longer
 * readable (the event resets, as Wintun's auto-reset event does), so a
 * poll() loop sleeps instead of spinning.
 * test-rerun: plain tsan
 */
#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "fixture.h"

#define PAYLOAD 1400
#define ROUNDS 4
#define HELD_MAX 256

static WINTUN_SESSION_HANDLE sess;
static int sock, seq;

/* Held packets, oldest first: a release of the oldest frees ring space. */
static BYTE *held[HELD_MAX];
static int held_head, held_tail;

/* Our datagrams carry a 4-byte sequence number after the UDP header. */
static int seq_of(const BYTE *p, DWORD n)
{
    int v;
    if (n != 28 + PAYLOAD || p[0] != 0x45 || p[9] != 17)
        return -1;
    memcpy(&v, p + 28, 4);
    return v;
}

static void hold(BYTE *p)
{
    REQUIRE(held_tail - held_head < HELD_MAX);
    held[held_tail++ % HELD_MAX] = p;
}

static void send_one(void)
{
    uint8_t buf[PAYLOAD] = {0};
    memcpy(buf, &seq, 4);
    REQUIRE(udp4_send(sock, "10.47.0.2", 9000, buf, sizeof(buf)) == sizeof(buf));
    seq++;
}

/*
 * Send and receive one datagram at a time, holding each, until one does not
 * arrive: it waits for ring space and the device's queue is empty. The
 * packets before it must all have arrived in order.
 */
static void fill_ring(int *next)
{
    HANDLE ev = WintunGetReadWaitEvent(sess);
    for (;;) {
        send_one();
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (!p && GetLastError() == ERROR_NO_MORE_ITEMS) {
            /* Not there yet, or no room: the event says which. */
            WaitForSingleObject(ev, 50);
            p = WintunReceivePacket(sess, &n);
        }
        if (!p) {
            CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
            return;
        }
        CHECK_EQ(seq_of(p, n), *next);
        (*next)++;
        hold(p);
    }
}

enum how { BY_EVENT, BY_FD };

struct waiter {
    enum how how;
    atomic_bool waiting, woke;
    double woke_at;
    int result, spurious, got_seq;
};

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    int fd = w->how == BY_FD ? LintunGetReadWaitFd(sess) : -1;
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (p) {
            w->got_seq = seq_of(p, n);
            hold(p); /* the main thread touches held[] only after the join */
            return NULL;
        }
        if (GetLastError() != ERROR_NO_MORE_ITEMS) {
            w->result = -(int)GetLastError();
            return NULL;
        }
        if (atomic_exchange(&w->waiting, true))
            w->spurious++;
        if (w->how == BY_EVENT) {
            w->result = (int)WaitForSingleObject(WintunGetReadWaitEvent(sess), INFINITE);
        } else {
            struct pollfd pf = {.fd = fd, .events = POLLIN};
            w->result = poll(&pf, 1, -1);
        }
        w->woke_at = now_ms();
        atomic_store(&w->woke, true);
    }
}

/* One round: a full ring, a waiter asleep in another thread, one release. */
static double round_once(enum how how, int round, int *next)
{
    const char *what = how == BY_EVENT ? "WaitForSingleObject(INFINITE)" : "poll(ReadWaitFd, -1)";
    fill_ring(next);
    /* A wake-up left over would hide a missing one: the event may still be
     * signalled from an earlier round (a wait resets it, and so does a
     * receive that finds nothing; fill_ring ends with one that found the
     * ring full, which leaves it as it was). */
    WaitForSingleObject(WintunGetReadWaitEvent(sess), 0);
    if (how == BY_FD) {
        struct pollfd pf = {.fd = LintunGetReadWaitFd(sess), .events = POLLIN};
        if (poll(&pf, 1, 0) != 0)
            FAILF("round %d: the read-wait descriptor is readable while the ring is full", round);
    }
    struct waiter w = {.how = how, .got_seq = -1};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, waiter_main, &w) == 0);
    watchdog(5, "round %d: the waiter thread reaching %s", round, what);
    while (!atomic_load(&w.waiting))
        usleep(1000);
    watchdog_off();
    usleep(50000); /* into the wait */
    if (atomic_load(&w.woke))
        FAILF("round %d: %s returned before the release", round, what);

    double released = now_ms();
    WintunReleaseReceivePacket(sess, held[held_head++ % HELD_MAX]);
    char why[160];
    snprintf(why, sizeof(why), "round %d: %s waking after a release made room in the full ring",
             round, what);
    join_within(t, 3, why);
    double woke = w.woke_at - released;
    printf("round %d, %s: woke %.2f ms after the release (%d spurious wake-ups)\n", round, what,
           woke, w.spurious);
    CHECK_EQ(w.result, how == BY_EVENT ? (int)WAIT_OBJECT_0 : 1);
    if (woke > wake_bound_ms(100))
        FAILF("round %d: %s woke %.1f ms after the release, want < %.0f ms", round, what, woke,
              wake_bound_ms(100));
    CHECK_EQ(w.got_seq, *next); /* the packet that waited for room */
    (*next)++;
    return woke;
}

/* Release wakes, then a poll()-only loop for 200 ms: readable how often for nothing? */
static void settles(int *next)
{
    fill_ring(next);
    int fd = LintunGetReadWaitFd(sess);
    REQUIRE(fd >= 0);
    while (held_head < held_tail)
        WintunReleaseReceivePacket(sess, held[held_head++ % HELD_MAX]);
    int readable = 0, empty = 0, got = 0;
    double end = now_ms() + 200;
    while (now_ms() < end) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, 20) <= 0)
            continue;
        readable++;
        DWORD n;
        BYTE *p;
        int before = got;
        while ((p = WintunReceivePacket(sess, &n))) {
            CHECK_EQ(seq_of(p, n), *next);
            (*next)++;
            got++;
            WintunReleaseReceivePacket(sess, p);
        }
        CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
        empty += got == before;
    }
    printf("poll() only: readable %d times in 200 ms, %d of them with nothing to receive "
           "(%d packets)\n",
           readable, empty, got);
    CHECK_EQ(got, 1); /* the one that waited for room */
    if (empty > 1)
        FAILF("the read-wait descriptor stayed readable with nothing to receive (%d times)",
              empty);
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Waker", L"Test", NULL);
    sess = fixture_session(a, WINTUN_MIN_RING_CAPACITY, 0, FIXTURE_NO_IPV6, "10.47.0.1/24");
    sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(sock >= 0);

    int next = 0;
    double slowest = 0;
    for (int round = 0; round < 2 * ROUNDS; round++) {
        double woke = round_once(round < ROUNDS ? BY_EVENT : BY_FD, round, &next);
        slowest = woke > slowest ? woke : slowest;
    }
    printf("slowest wake-up after a release: %.2f ms\n", slowest);
    settles(&next);

    while (held_head < held_tail)
        WintunReleaseReceivePacket(sess, held[held_head++ % HELD_MAX]);
    close(sock);
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    return test_done();
}
