/* SPDX-License-Identifier: MIT */
/*
 * fwd-naive - the forwarder a user writes first: a raw TUN queue in each of
 * two network namespaces (IFF_TUN|IFF_NO_PI), two threads, one read() and one
 * write() per packet.
 *
 * Usage: fwd-naive NS_A NS_B   (names under /run/netns or paths)
 * Prints "ready" once both interfaces exist, and on SIGTERM one JSON line
 * with the packets and bytes each direction moved.
 */
#include "bench.h"

struct dir {
    int from, to;
    uint64_t packets, bytes, errors;
};

static void *pump(void *arg)
{
    struct dir *d = arg;
    static __thread uint8_t buf[65536];
    for (;;) {
        ssize_t n = read(d->from, buf, sizeof(buf));
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        if (write(d->to, buf, (size_t)n) == n) {
            __atomic_add_fetch(&d->packets, 1, __ATOMIC_RELAXED);
            __atomic_add_fetch(&d->bytes, (uint64_t)n, __ATOMIC_RELAXED);
        } else {
            __atomic_add_fetch(&d->errors, 1, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s NS_A NS_B\n", argv[0]);
        return 2;
    }
    sigset_t set;
    signals_block(&set);
    netns_enter(argv[1]);
    int a = tun_open(0);
    netns_enter(argv[2]);
    int b = tun_open(0);
    struct dir ab = {.from = a, .to = b}, ba = {.from = b, .to = a};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, pump, &ab);
    pthread_create(&t2, NULL, pump, &ba);
    say_ready();
    signals_wait(&set);
    printf("{\"ab_packets\": %llu, \"ab_bytes\": %llu, \"ba_packets\": %llu, \"ba_bytes\": %llu, "
           "\"errors\": %llu}\n",
           (unsigned long long)ab.packets, (unsigned long long)ab.bytes,
           (unsigned long long)ba.packets, (unsigned long long)ba.bytes,
           (unsigned long long)(ab.errors + ba.errors));
    fflush(stdout);
    _exit(0);
}
