/* SPDX-License-Identifier: MIT */
/*
 * udpsink - count UDP datagrams arriving on ADDR:PORT (and the next
 * PORTS - 1 ports, default 1), with recvmmsg(), a thread per port.
 *
 * Usage: udpsink ADDR PORT SECONDS [PORTS]
 * Prints "ready" once bound, counts for SECONDS from the first datagram and
 * prints one JSON line: packets, seconds, pps. Gives up (packets 0) when
 * nothing arrives within 10 seconds.
 */
#include "bench.h"
#include <arpa/inet.h>
#include <sys/socket.h>

static uint64_t count;

static void *rx(void *arg)
{
    enum { BATCH = 64 };
    int sock = (int)(intptr_t)arg;
    static __thread uint8_t bufs[BATCH][2048];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = sizeof(bufs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
        int n = recvmmsg(sock, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (n > 0)
            __atomic_add_fetch(&count, (uint64_t)n, __ATOMIC_RELAXED);
        else if (n < 0 && errno != EINTR)
            break;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s ADDR PORT SECONDS [PORTS]\n", argv[0]);
        return 2;
    }
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    double secs = atof(argv[3]);
    int ports = argc == 5 ? atoi(argv[4]) : 1;
    if (ports < 1 || ports > 8)
        return 2;
    for (int i = 0; i < ports; i++) {
        int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int rcvbuf = 8 << 20;
        setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
        struct sockaddr_in sin = {.sin_family = AF_INET,
                                  .sin_port = htons((uint16_t)(atoi(argv[2]) + i))};
        inet_pton(AF_INET, argv[1], &sin.sin_addr);
        if (bind(sock, (struct sockaddr *)&sin, sizeof(sin)) < 0)
            die("bind");
        pthread_t t;
        pthread_create(&t, NULL, rx, (void *)(intptr_t)sock);
    }
    say_ready();
    double give_up = now_sec() + 10;
    while (!__atomic_load_n(&count, __ATOMIC_RELAXED) && now_sec() < give_up)
        usleep(1000);
    uint64_t c0 = __atomic_load_n(&count, __ATOMIC_RELAXED);
    double t0 = now_sec();
    if (c0)
        usleep((useconds_t)(secs * 1e6));
    uint64_t c1 = __atomic_load_n(&count, __ATOMIC_RELAXED);
    double dt = now_sec() - t0;
    printf("{\"packets\": %llu, \"seconds\": %.6f, \"pps\": %.1f}\n",
           (unsigned long long)(c1 - c0), dt, dt > 0 ? (double)(c1 - c0) / dt : 0.0);
    fflush(stdout);
    _exit(0);
}
