/* SPDX-License-Identifier: MIT */
/*
 * Fault: the interface is deleted (`ip link del`) while two threads receive,
 * two threads allocate and send, and the kernel floods the session. Every
 * thread sees ERROR_HANDLE_EOF within 100 ms of the deletion (a receiver
 * blocked on the read-wait event wakes); nothing crashes; EndSession and
 * CloseAdapter still work, and no descriptor, thread or interface is left.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "resources.h"
#include "offload-pkt.h"


#define THREADS 4

static WINTUN_SESSION_HANDLE sess;
static atomic_bool stop_kernel;
static double eof_at[THREADS];
static DWORD last_err[THREADS];
static atomic_ullong moved;

static void *receiver(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (p) {
            WintunReleaseReceivePacket(sess, p);
            atomic_fetch_add(&moved, 1);
            continue;
        }
        if (GetLastError() != ERROR_NO_MORE_ITEMS)
            break;
        WaitForSingleObject(WintunGetReadWaitEvent(sess), INFINITE);
    }
    eof_at[me] = now_ms();
    last_err[me] = GetLastError();
    return NULL;
}

static void *sender(void *arg)
{
    int me = (int)(intptr_t)arg;
    uint8_t pkt[256], payload[100] = {0};
    struct tpkt t;
    tpkt_init(&t, 4, 17);
    memcpy(t.src, "\x0a\x29\x00\x02", 4);
    memcpy(t.dst, "\x0a\x29\x00\x01", 4);
    t.dport = 9;
    t.payload = payload;
    t.plen = sizeof(payload);
    size_t n = tpkt_build(&t, pkt);
    for (;;) {
        BYTE *p = WintunAllocateSendPacket(sess, (DWORD)n);
        if (!p) {
            if (GetLastError() == ERROR_BUFFER_OVERFLOW) {
                usleep(20);
                continue;
            }
            break;
        }
        memcpy(p, pkt, n);
        WintunSendPacket(sess, p);
        atomic_fetch_add(&moved, 1);
    }
    eof_at[me] = now_ms();
    last_err[me] = GetLastError();
    return NULL;
}

static void *kernel_flood(void *arg)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    char buf[200] = {1};
    (void)arg;
    while (!atomic_load(&stop_kernel))
        if (udp4_send(fd, "10.41.0.2", 9999, buf, sizeof(buf)) < 0)
            usleep(100); /* the route went with the interface */
    close(fd);
    return NULL;
}

int main(void)
{
    require_netns();
    WintunSetLogger(test_logger);
    struct baseline b = baseline_take();
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Doomed Busy", L"Test", NULL);
    REQUIRE(a);
    sess = WintunStartSession(a, 0x20000);
    REQUIRE(sess);
    REQUIRE(sh("ip addr add 10.41.0.1/24 dev Doomed_Busy") == 0);
    pthread_t t[THREADS], k;
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, i < 2 ? receiver : sender, (void *)(intptr_t)i);
    pthread_create(&k, NULL, kernel_flood, NULL);
    usleep(300000);
    unsigned long long before = atomic_load(&moved);
    CHECK(before > 100);
    /* Timed from the start of the deletion: `ip link del` itself may take
     * seconds to return (the kernel waits for the device's last references),
     * and the session must not wait for that. */
    double deleted = now_ms();
    REQUIRE(sh("ip link del Doomed_Busy") == 0);
    double del_ms = now_ms() - deleted;
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    atomic_store(&stop_kernel, true);
    pthread_join(k, NULL);
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(last_err[i], ERROR_HANDLE_EOF);
        if (eof_at[i] - deleted > 100)
            FAILF("thread %d saw EOF %.1f ms after the deletion", i, eof_at[i] - deleted);
    }
    printf("%llu packets moved before the deletion (which took %.1f ms); EOF after "
           "%.1f/%.1f/%.1f/%.1f ms\n", before, del_ms,
           eof_at[0] - deleted, eof_at[1] - deleted, eof_at[2] - deleted, eof_at[3] - deleted);
    DWORD n;
    CHECK_ERR(WintunReceivePacket(sess, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunAllocateSendPacket(sess, 100), ERROR_HANDLE_EOF);
    LINTUN_ADAPTER_INFO info;
    CHECK_ERR(LintunGetAdapterInfo(a, &info), ERROR_HANDLE_EOF);
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    baseline_check(b);
    return test_done();
}
