/* SPDX-License-Identifier: MIT */
/*
 * Fault: the process that created the adapter is killed with SIGKILL while
 * this process has a session on it under traffic (two threads receiving, one
 * sending, the kernel flooding). Every thread sees ERROR_HANDLE_EOF within
 * 100 ms of the kill (a receiver blocked on the read-wait event wakes), the
 * interface is removed within 100 ms as well, nothing crashes, and no
 * descriptor, thread or interface is left after EndSession and
 * CloseAdapter. Three rounds.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include "net.h"
#include "resources.h"
#include "offload-pkt.h"


#define THREADS 3

static WINTUN_SESSION_HANDLE sess;
static atomic_bool stop_kernel;
static atomic_ullong moved;
static double eof_at[THREADS];
static DWORD last_err[THREADS];

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
    uint8_t pkt[256], payload[64] = {0};
    struct tpkt t;
    tpkt_init(&t, 4, 17);
    memcpy(t.src, "\x0a\x2e\x00\x02", 4);
    memcpy(t.dst, "\x0a\x2e\x00\x01", 4);
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
        usleep(20);
    }
    eof_at[me] = now_ms();
    last_err[me] = GetLastError();
    return NULL;
}

static void *kernel_flood(void *arg)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    char buf[300] = {0};
    (void)arg;
    while (!atomic_load(&stop_kernel))
        if (udp4_send(fd, "10.46.0.2", 9999, buf, sizeof(buf)) < 0)
            usleep(200);
    close(fd);
    return NULL;
}


static void round_once(int round)
{
    pid_t pid = spawn_creator(L"Creator Dies");
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"Creator Dies");
    REQUIRE(o);
    sess = WintunStartSession(o, 0x20000);
    REQUIRE(sess);
    REQUIRE(sh("ip addr add 10.46.0.1/24 dev Creator_Dies") == 0);
    atomic_store(&stop_kernel, false);
    atomic_store(&moved, 0);
    pthread_t t[THREADS], k;
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, i < 2 ? receiver : sender, (void *)(intptr_t)i);
    pthread_create(&k, NULL, kernel_flood, NULL);
    usleep(200000);
    unsigned long long before = atomic_load(&moved);
    CHECK(before > 100);
    double killed = now_ms();
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    bool gone = link_gone_within("Creator_Dies", 100);
    double gone_at = now_ms() - killed;
    atomic_store(&stop_kernel, true);
    pthread_join(k, NULL);
    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(last_err[i], ERROR_HANDLE_EOF);
        if (eof_at[i] - killed > 100)
            FAILF("round %d: thread %d saw EOF %.1f ms after the kill", round, i,
                  eof_at[i] - killed);
    }
    if (!gone)
        FAILF("round %d: the interface is still there %.1f ms after the kill", round, gone_at);
    printf("round %d: %llu packets before the kill; EOF after %.1f/%.1f/%.1f ms; interface "
           "gone by %.1f ms\n", round, before, eof_at[0] - killed, eof_at[1] - killed,
           eof_at[2] - killed, gone_at);
    DWORD n;
    CHECK_ERR(WintunReceivePacket(sess, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunAllocateSendPacket(sess, 100), ERROR_HANDLE_EOF);
    WintunEndSession(sess);
    WintunCloseAdapter(o);
}

int main(void)
{
    require_netns();
    WintunSetLogger(test_logger);
    struct baseline b = baseline_take();
    for (int round = 0; round < 3; round++)
        round_once(round);
    CHECK(WintunDeleteDriver()); /* no orphan left */
    baseline_check(b);
    return test_done();
}
