/* SPDX-License-Identifier: MIT */
/*
 * fwd-lintun - the forwarder of fwd-naive written against wintun.h alone: an
 * adapter in each of two network namespaces, a session on each, and two
 * threads that receive from one session and send on the other, waiting on
 * the read-wait event when there is nothing to receive.
 *
 * Usage: fwd-lintun NS_A NS_B [default|plain|no-offload|no-coalesce|passthrough]
 * With passthrough, packets carry their virtio_net_hdr both ways and are
 * forwarded as they are. Prints "ready" and, on SIGTERM, one JSON line with
 * its counters and both sessions' statistics.
 */
#include "lintun-common.h"

struct dir {
    WINTUN_SESSION_HANDLE from, to;
    uint64_t packets, bytes, dropped;
};

static void *pump(void *arg)
{
    struct dir *d = arg;
    HANDLE ev = WintunGetReadWaitEvent(d->from);
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(d->from, &n);
        if (p) {
            BYTE *q = WintunAllocateSendPacket(d->to, n);
            if (q) {
                memcpy(q, p, n);
                WintunSendPacket(d->to, q);
                __atomic_add_fetch(&d->packets, 1, __ATOMIC_RELAXED);
                __atomic_add_fetch(&d->bytes, n, __ATOMIC_RELAXED);
            } else {
                __atomic_add_fetch(&d->dropped, 1, __ATOMIC_RELAXED);
                if (GetLastError() != ERROR_BUFFER_OVERFLOW)
                    break;
            }
            WintunReleaseReceivePacket(d->from, p);
        } else if (GetLastError() == ERROR_NO_MORE_ITEMS) {
            WaitForSingleObject(ev, INFINITE);
        } else {
            fprintf(stderr, "bench: WintunReceivePacket: error %u\n", GetLastError());
            break;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || bench_session_flags(argc == 4 ? argv[3] : "default") < 0) {
        fprintf(stderr, "usage: %s NS_A NS_B [default|plain|no-offload|no-coalesce|passthrough]\n",
                argv[0]);
        return 2;
    }
    DWORD flags = (DWORD)bench_session_flags(argc == 4 ? argv[3] : "default");
    sigset_t set;
    signals_block(&set);
    WintunSetLogger(bench_logger);
    WINTUN_ADAPTER_HANDLE a = bench_adapter_in(argv[1]);
    WINTUN_ADAPTER_HANDLE b = bench_adapter_in(argv[2]);
    WINTUN_SESSION_HANDLE sa = bench_session(a, flags), sb = bench_session(b, flags);
    struct dir ab = {.from = sa, .to = sb}, ba = {.from = sb, .to = sa};
    fwd_run(pump, &ab, &ba, &set);
    fwd_print_counts(ab.packets, ab.bytes, ba.packets, ba.bytes, "dropped",
                     ab.dropped + ba.dropped);
    printf(", ");
    bench_print_stats("session_a", sa);
    printf(", ");
    bench_print_stats("session_b", sb);
    printf("}\n");
    fflush(stdout);
    _exit(0);
}
