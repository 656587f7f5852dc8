/* SPDX-License-Identifier: MIT */
/*
 * Fault: the receive ring stays full for 2 s because the program holds every
 * packet it received. Meanwhile the kernel keeps sending (its queue holds the
 * packets) and a second thread waits on the read-wait event and tries to
 * receive: it gets ERROR_NO_MORE_ITEMS at once and must not busy-loop (its
 * CPU time over the 2 s is measured). Releasing the packets makes the pending
 * ones arrive (the first within 100 ms), in order, none lost: received ==
 * sent and the kernel dropped nothing. No descriptor, thread or interface is
 * left.
 * test-rerun: plain tsan
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "resources.h"
#include "fixture.h"

#define PAYLOAD 1000
#define FIRST 200  /* sent before the hold: more than the ring takes */
#define DURING 200 /* sent during the hold: the kernel queue (500) keeps them */

static WINTUN_SESSION_HANDLE sess;
static atomic_bool stop;
static atomic_int waiter_got, waiter_wakes;
static double waiter_cpu_ms;
static DWORD waiter_err;

static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *waiter(void *arg)
{
    (void)arg;
    double c0 = thread_cpu_ms();
    while (!atomic_load(&stop)) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (p) {
            atomic_fetch_add(&waiter_got, 1); /* should not happen: ring full */
            WintunReleaseReceivePacket(sess, p);
            continue;
        }
        if (GetLastError() != ERROR_NO_MORE_ITEMS) {
            waiter_err = GetLastError();
            break;
        }
        WaitForSingleObject(WintunGetReadWaitEvent(sess), 200);
        atomic_fetch_add(&waiter_wakes, 1);
    }
    waiter_cpu_ms = thread_cpu_ms() - c0;
    return NULL;
}

/* Our packets carry a 4-byte sequence number after the UDP header. */
static int seq_of(const BYTE *p, DWORD n)
{
    int v;
    if (n != 28 + PAYLOAD || p[0] != 0x45 || p[9] != 17)
        return -1;
    memcpy(&v, p + 28, 4);
    return v;
}

int main(void)
{
    struct baseline b = baseline_take();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Holder", L"Test", NULL);
    sess = fixture_session(a, 0x20000, 0, FIXTURE_NO_IPV6, "10.43.0.1/24");
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    uint8_t buf[PAYLOAD] = {0};
    long long drop0 = link_tx_dropped("Holder");
    int sent = 0;
    for (; sent < FIRST; sent++) {
        memcpy(buf, &sent, 4);
        REQUIRE(udp4_send(fd, "10.43.0.2", 9000, buf, sizeof(buf)) == sizeof(buf));
    }
    usleep(50000);

    /* Receive until the ring is full; hold everything. */
    static BYTE *held[1024];
    int nheld = 0, next = 0;
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (!p) {
            CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
            break;
        }
        CHECK_EQ(seq_of(p, n), next);
        next++;
        held[nheld++] = p;
    }
    printf("holding %d packets (the ring is full)\n", nheld);
    CHECK(nheld > 50 && nheld < FIRST);

    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    double t0 = now_ms();
    for (; sent < FIRST + DURING; sent++) {
        memcpy(buf, &sent, 4);
        REQUIRE(udp4_send(fd, "10.43.0.2", 9000, buf, sizeof(buf)) == sizeof(buf));
        usleep(5000);
    }
    while (now_ms() < t0 + 2000)
        usleep(10000);
    atomic_store(&stop, true);
    join_within(t, 5, "the waiter (200 ms waits) stopping when asked");
    printf("waiter over 2 s: %.1f ms CPU, %d wake-ups, %d packets\n", waiter_cpu_ms,
           atomic_load(&waiter_wakes), atomic_load(&waiter_got));
    CHECK_EQ(waiter_err, 0);
    CHECK_EQ(atomic_load(&waiter_got), 0);
    if (waiter_cpu_ms > 100)
        FAILF("the waiting thread used %.1f ms of CPU in 2 s: a busy loop", waiter_cpu_ms);
    CHECK(atomic_load(&waiter_wakes) <= 30); /* ~10 timeouts of 200 ms, a few spurious */

    /* Release out of order (newest first); the pending packets then arrive. */
    double r0 = now_ms(), first = -1;
    for (int i = nheld - 1; i >= 0; i--)
        WintunReleaseReceivePacket(sess, held[i]);
    while (next < sent && now_ms() < r0 + 3000) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (!p) {
            CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
            WaitForSingleObject(WintunGetReadWaitEvent(sess), 50);
            continue;
        }
        if (first < 0)
            first = now_ms() - r0;
        int v = seq_of(p, n);
        if (v != next)
            FAILF("packet %d arrived where %d was due", v, next);
        next = v + 1;
        WintunReleaseReceivePacket(sess, p);
    }
    printf("after the release: first packet in %.2f ms, %d of %d received\n", first, next, sent);
    CHECK(first >= 0 && first < 100);
    CHECK_EQ(next, sent);
    CHECK_EQ(link_tx_dropped("Holder") - drop0, 0);
    close(fd);
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    baseline_check(b);
    return test_done();
}
