/* SPDX-License-Identifier: MIT */
/*
 * fwd-vnet-uring - fwd-vnet with its writes batched: raw TUN queues with
 * IFF_VNET_HDR and offload on, each thread reading its queue without
 * blocking until it is empty or 32 packets are in hand, then writing them
 * all to the other queue in one io_uring submission (liburing), and
 * sleeping in poll() when there was nothing to read. The best a TUN program
 * can do on these machines, the ceiling lintun is measured against.
 *
 * Usage: fwd-vnet-uring NS_A NS_B
 * Prints "ready" and, on SIGTERM, one JSON line with its counters.
 */
#include "bench.h"
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>

enum { BATCH = 32, BUF = 65536 + 12 };

/* Offload on, and reads that return at once when the queue is empty. */
static void vnet_queue(int fd)
{
    tun_offload(fd);
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
        die("O_NONBLOCK");
}

static void *pump(void *arg)
{
    struct raw_dir *d = arg;
    static __thread uint8_t bufs[BATCH][BUF];
    struct io_uring ring;
    if (io_uring_queue_init(2 * BATCH, &ring, 0) < 0)
        die("io_uring_queue_init");
    for (;;) {
        int n = 0;
        uint64_t bytes = 0;
        while (n < BATCH) {
            ssize_t r = read(d->from, bufs[n], BUF);
            if (r <= 0)
                break;
            io_uring_prep_write(io_uring_get_sqe(&ring), d->to, bufs[n], (unsigned)r, 0);
            bytes += (uint64_t)r;
            n++;
        }
        if (n == 0) {
            if (errno != EAGAIN && errno != EINTR)
                break;
            struct pollfd p = {.fd = d->from, .events = POLLIN};
            poll(&p, 1, -1);
            continue;
        }
        io_uring_submit_and_wait(&ring, (unsigned)n);
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe (&ring, head, cqe) {
            seen++;
            if (cqe->res < 0)
                __atomic_add_fetch(&d->errors, 1, __ATOMIC_RELAXED);
        }
        io_uring_cq_advance(&ring, seen);
        __atomic_add_fetch(&d->packets, (uint64_t)n, __ATOMIC_RELAXED);
        __atomic_add_fetch(&d->bytes, bytes, __ATOMIC_RELAXED);
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
    int a = tun_open(IFF_VNET_HDR);
    vnet_queue(a);
    netns_enter(argv[2]);
    int b = tun_open(IFF_VNET_HDR);
    vnet_queue(b);
    struct raw_dir ab = {.from = a, .to = b}, ba = {.from = b, .to = a};
    fwd_run(pump, &ab, &ba, &set);
    fwd_print_counts(ab.packets, ab.bytes, ba.packets, ba.bytes, "errors", ab.errors + ba.errors);
    printf("}\n");
    fflush(stdout);
    _exit(0);
}
