/* SPDX-License-Identifier: MIT */
/*
 * Leak cycles: LEAK_CYCLES (default 1000) rounds of create adapter, start a
 * session, move a packet each way, end the session, close the adapter. After
 * a warm-up of 50 rounds, the descriptor count, the thread count and the
 * interface count stay where they were, and resident memory grows by less
 * than 1 MiB (allocator noise; closed handles wait in a 64-entry graveyard,
 * src/handle.h, which the warm-up fills). Also open/close of an existing
 * adapter and a failed session start (a second one: ERROR_ALREADY_INITIALIZED)
 * in every round, so error paths are covered too. Two threads cycle at once,
 * each on its own adapter (the kernel's interface removal waits for RCU grace
 * periods; in parallel they overlap), which also exercises concurrent
 * creation and removal.
 * test-rerun: plain
 */
#include <dirent.h>
#include <pthread.h>
#include "net.h"
#include "resources.h"
#include "offload-pkt.h"
#include "../common/proc.h"

#define THREADS 2

struct worker {
    int id, from, to, sock;
    pthread_t t;
};

static void cycle(struct worker *w, int i)
{
    WCHAR name[16];
    swprintf(name, 16, L"Cycle%d", w->id);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(name, L"Test", NULL);
    REQUIRE(a);
    swprintf(name, 16, L"cycle%d", w->id);
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(name);
    REQUIRE(o);
    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x20000);
    REQUIRE(s);
    CHECK_ERR(WintunStartSession(o, 0x20000), ERROR_ALREADY_INITIALIZED);
    WintunCloseAdapter(o);
    if (i % 10 == 0) {
        /* Move a packet each way now and then. */
        LINTUN_IP_ADDRESS addr;
        char text[32], dst[32];
        snprintf(text, sizeof(text), "10.47.%d.1/24", w->id);
        snprintf(dst, sizeof(dst), "10.47.%d.2", w->id);
        REQUIRE(LintunParseAddress(text, &addr) && LintunAddAddress(a, &addr));
        uint8_t pkt[64];
        struct tpkt t;
        tpkt_init(&t, 4, 17);
        memcpy(t.src, "\x0a\x2f\x00\x02", 4);
        memcpy(t.dst, "\x0a\x2f\x00\x01", 4);
        t.src[2] = t.dst[2] = (uint8_t)w->id;
        t.dport = 7000;
        t.payload = (const uint8_t *)&i;
        t.plen = sizeof(i);
        size_t n = tpkt_build(&t, pkt);
        session_send(s, pkt, n);
        int v = -1;
        CHECK_EQ(recv_timeout(w->sock, &v, sizeof(v), 1000), (long)sizeof(v));
        CHECK_EQ(v, i);
        REQUIRE(udp4_send(w->sock, dst, 9, &i, sizeof(i)) == sizeof(i));
        uint8_t got[128];
        CHECK(session_recv_match(s, 17, 9, got, 1000) > 0);
    }
    WintunEndSession(s);
    WintunCloseAdapter(a);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int i = w->from; i < w->to && !harness_failures; i++)
        cycle(w, i);
    return NULL;
}

/* Cycles [from, to) split among the threads. */
static void run(struct worker *w, int from, int to)
{
    for (int k = 0; k < THREADS; k++) {
        w[k].from = from + (to - from) * k / THREADS;
        w[k].to = from + (to - from) * (k + 1) / THREADS;
        pthread_create(&w[k].t, NULL, worker_main, &w[k]);
    }
    for (int k = 0; k < THREADS; k++)
        join_within(w[k].t, 30, "a worker finishing its cycles");
}

int main(void)
{
    const char *env = getenv("LEAK_CYCLES");
    /* 1000 rounds; 300 under ASan, where the RSS bound is off anyway and
     * each round costs twice as much. */
#ifdef __SANITIZE_ADDRESS__
    int cycles = env ? atoi(env) : 300;
#else
    int cycles = env ? atoi(env) : 1000;
#endif
    require_netns();
    struct worker w[THREADS];
    for (int k = 0; k < THREADS; k++) {
        /* Sockets exist before the warm-up ends; each binds its own port. */
        w[k].id = k;
        w[k].sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7000)};
        sin.sin_addr.s_addr = htonl(0x0a2f0001u | (uint32_t)k << 8);
        int on = 1;
        setsockopt(w[k].sock, SOL_IP, IP_FREEBIND, &on, sizeof(on));
        REQUIRE(bind(w[k].sock, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    }
    double t0 = now_ms();
    run(w, 0, 52); /* warm-up: 26 rounds per thread, the graveyard fills */
    struct baseline b = baseline_take();
    long rss0 = rss_kib();
    run(w, 52, cycles);
    long rss1 = rss_kib();
    printf("%d cycles in %.1f s; after warm-up: fds %d -> %d, threads %d -> %d, rss %ld -> %ld "
           "KiB (%+ld)\n",
           cycles, (now_ms() - t0) / 1000, b.fds, fd_count(), b.tasks, task_count(), rss0, rss1,
           rss1 - rss0);
    baseline_check(b);
    CHECK_EQ(task_count(), b.tasks); /* the flusher, if any, started in the warm-up */
    /* Under AddressSanitizer freed memory sits in its quarantine (up to 256
     * MiB) and resident memory means nothing; LeakSanitizer checks at exit. */
#ifndef __SANITIZE_ADDRESS__
    if (rss1 - rss0 >= 1024)
        FAILF("resident memory grew by %ld KiB over %d cycles", rss1 - rss0, cycles - 52);
#endif
    for (int k = 0; k < THREADS; k++)
        close(w[k].sock);
    return test_done();
}
