/* SPDX-License-Identifier: MIT */
/*
 * A load for the fault tests: threads that receive and threads that send on
 * one session until a call fails, and a thread that floods the session from
 * the kernel side. Each session thread records when it stopped and with
 * which error, so a test can check that every one saw ERROR_HANDLE_EOF soon
 * after the fault it caused.
 */
#ifndef LINTUN_TEST_LOAD_H
#define LINTUN_TEST_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "offload-pkt.h"

#define LOAD_THREADS_MAX 8

struct load {
    /* Set before load_start(). */
    WINTUN_SESSION_HANDLE sess;
    int receivers, senders;
    const char *src, *dst; /* senders' IPv4 UDP packets, to dst port 9 */
    unsigned pause_us;     /* a sender's pause after each packet */
    const char *flood_to;  /* the kernel's datagrams go to this address, port 9999 */
    /* Results. */
    atomic_ullong moved; /* packets received or sent by the session threads */
    double stopped_at[LOAD_THREADS_MAX];
    DWORD last_err[LOAD_THREADS_MAX];
    /* Private. */
    atomic_bool stop_flood;
    pthread_t threads[LOAD_THREADS_MAX], flood;
    struct load_arg {
        struct load *l;
        int i;
    } args[LOAD_THREADS_MAX];
};

static inline void load_stopped(struct load *l, int i)
{
    l->stopped_at[i] = now_ms();
    l->last_err[i] = GetLastError();
}

static void *load_receiver(void *arg)
{
    struct load_arg *a = arg;
    struct load *l = a->l;
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(l->sess, &n);
        if (p) {
            WintunReleaseReceivePacket(l->sess, p);
            atomic_fetch_add(&l->moved, 1);
            continue;
        }
        if (GetLastError() != ERROR_NO_MORE_ITEMS)
            break;
        WaitForSingleObject(WintunGetReadWaitEvent(l->sess), INFINITE);
    }
    load_stopped(l, a->i);
    return NULL;
}

static void *load_sender(void *arg)
{
    struct load_arg *a = arg;
    struct load *l = a->l;
    uint8_t pkt[256], payload[100] = {0};
    struct tpkt t;
    tpkt_init_udp4(&t, l->src, l->dst, 40000, 9);
    t.payload = payload;
    t.plen = sizeof(payload);
    size_t n = tpkt_build(&t, pkt);
    for (;;) {
        BYTE *p = WintunAllocateSendPacket(l->sess, (DWORD)n);
        if (!p) {
            if (GetLastError() == ERROR_BUFFER_OVERFLOW) {
                usleep(20);
                continue;
            }
            break;
        }
        memcpy(p, pkt, n);
        WintunSendPacket(l->sess, p);
        atomic_fetch_add(&l->moved, 1);
        if (l->pause_us)
            usleep(l->pause_us);
    }
    load_stopped(l, a->i);
    return NULL;
}

static void *load_flood(void *arg)
{
    struct load *l = arg;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    char buf[200] = {1};
    while (!atomic_load(&l->stop_flood))
        if (udp4_send(fd, l->flood_to, 9999, buf, sizeof(buf)) < 0)
            usleep(100); /* the route went with the interface */
    close(fd);
    return NULL;
}

static inline int load_threads(const struct load *l) { return l->receivers + l->senders; }

/* Starts the session threads (receivers first) and the kernel's flood. */
static inline void load_start(struct load *l)
{
    REQUIRE(load_threads(l) <= LOAD_THREADS_MAX);
    atomic_store(&l->moved, 0);
    atomic_store(&l->stop_flood, false);
    for (int i = 0; i < load_threads(l); i++) {
        l->args[i] = (struct load_arg){l, i};
        pthread_create(&l->threads[i], NULL, i < l->receivers ? load_receiver : load_sender,
                       &l->args[i]);
    }
    pthread_create(&l->flood, NULL, load_flood, l);
}

/* Waits for the session threads to stop (after the fault), then ends the flood. */
static inline void load_join(struct load *l)
{
    for (int i = 0; i < load_threads(l); i++)
        join_within(l->threads[i], 10,
                    i < l->receivers ? "a receiver seeing the fault"
                                     : "a sender seeing the fault");
    atomic_store(&l->stop_flood, true);
    join_within(l->flood, 10, "the flood thread stopping");
}

/* Every session thread stopped with ERROR_HANDLE_EOF within @ms of @since. */
static inline void load_check_eof(const struct load *l, double since, double ms, const char *what)
{
    for (int i = 0; i < load_threads(l); i++) {
        CHECK_EQ(l->last_err[i], ERROR_HANDLE_EOF);
        if (l->stopped_at[i] - since > ms)
            FAILF("thread %d saw EOF %.1f ms after %s", i, l->stopped_at[i] - since, what);
    }
}

#endif
