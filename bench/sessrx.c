/* SPDX-License-Identifier: MIT */
/*
 * sessrx - packets per second from the kernel into a program: a TUN
 * interface in NS that a flooder's packets are routed into, and one thread
 * that takes them one by one, either with read() on a raw queue ("naive")
 * or with WintunReceivePacket/WintunReleaseReceivePacket on a session
 * ("lintun", "lintun:no-offload", ...).
 *
 * Usage: sessrx NS MODE SECONDS
 * Prints "ready", then counts for SECONDS from the first packet and prints
 * one JSON line: packets, seconds, pps (and the session's statistics).
 */
#include "lintun-common.h"

static uint64_t count;
static int tun_fd = -1;
static WINTUN_SESSION_HANDLE session;

static void *rx_naive(void *arg)
{
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = read(tun_fd, buf, sizeof(buf));
        if (n > 0)
            __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
        else if (n < 0 && errno != EINTR)
            break;
    }
    return NULL;
}

static void *rx_lintun(void *arg)
{
    HANDLE ev = WintunGetReadWaitEvent(session);
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(session, &n);
        if (p) {
            __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
            WintunReleaseReceivePacket(session, p);
        } else if (GetLastError() == ERROR_NO_MORE_ITEMS) {
            WaitForSingleObject(ev, INFINITE);
        } else {
            break;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s NS naive|lintun[:MODE] SECONDS\n", argv[0]);
        return 2;
    }
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    double secs = atof(argv[3]);
    pthread_t t;
    if (!strcmp(argv[2], "naive")) {
        netns_enter(argv[1]);
        tun_fd = tun_open(0);
        pthread_create(&t, NULL, rx_naive, NULL);
    } else if (!strncmp(argv[2], "lintun", 6)) {
        const char *mode = argv[2][6] == ':' ? argv[2] + 7 : "default";
        long flags = bench_session_flags(mode);
        if (flags < 0)
            return 2;
        WintunSetLogger(bench_logger);
        WINTUN_ADAPTER_HANDLE a = bench_adapter_in(argv[1]);
        session = bench_session(a, (DWORD)flags);
        pthread_create(&t, NULL, rx_lintun, NULL);
    } else {
        return 2;
    }
    say_ready();
    while (!__atomic_load_n(&count, __ATOMIC_RELAXED))
        usleep(1000);
    uint64_t c0 = __atomic_load_n(&count, __ATOMIC_RELAXED);
    double t0 = now_sec();
    usleep((useconds_t)(secs * 1e6));
    uint64_t c1 = __atomic_load_n(&count, __ATOMIC_RELAXED);
    double dt = now_sec() - t0;
    printf("{\"packets\": %llu, \"seconds\": %.6f, \"pps\": %.1f", (unsigned long long)(c1 - c0),
           dt, (double)(c1 - c0) / dt);
    if (session) {
        printf(", ");
        bench_print_stats("session", session);
    }
    printf("}\n");
    fflush(stdout);
    _exit(0);
}
