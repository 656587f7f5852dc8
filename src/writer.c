/* SPDX-License-Identifier: MIT */
/*
 * The writer: staged writes to a TUN queue, a batch per io_uring submission,
 * or one write() each where io_uring cannot be had. writer.h states the
 * order and ownership rules.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>
#include "log.h"
#include "writer.h"

/* Submission queue entries: a batch, whole, with room to spare. */
#define WRITER_SQ_ENTRIES (2u * WRITER_BATCH)

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static bool uring_ok;
static pthread_key_t ring_key;

/* This thread's ring (writer.h): NULL until its first flush. */
static __thread struct io_uring *thread_ring;
static __thread bool thread_ring_failed;

static void ring_destroy(void *p)
{
    io_uring_queue_exit(p);
    free(p);
}

/*
 * A child of fork() has a copy of the ring's memory but the ring itself is
 * shared with the parent: the child must never touch it, nor tear it down.
 */
static void forget_ring_in_child(void)
{
    thread_ring = NULL;
    thread_ring_failed = false;
    pthread_setspecific(ring_key, NULL);
}

/* Set the ring up with the richest flags the kernel takes (EINVAL: unknown). */
static int ring_setup(struct io_uring *r)
{
    static const unsigned int tries[] = {
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
        IORING_SETUP_COOP_TASKRUN,
        0,
    };
    int err = -EINVAL;
    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]) && err == -EINVAL; i++)
        err = io_uring_queue_init(WRITER_SQ_ENTRIES, r, tries[i]);
    return err;
}

/* The calling thread's ring, made on first use; NULL where it cannot be had. */
static struct io_uring *ring_of_thread(void)
{
    if (thread_ring || thread_ring_failed)
        return thread_ring;
    struct io_uring *r = malloc(sizeof(*r));
    int err = r ? ring_setup(r) : -ENOMEM;
    if (!err && pthread_setspecific(ring_key, r) != 0) {
        io_uring_queue_exit(r);
        err = -ENOMEM;
    }
    if (err) {
        free(r);
        thread_ring_failed = true;
        log_msg(WINTUN_LOG_WARN, "Failed to set up io_uring in this thread (%s): it writes with "
                "write()", strerror(-err));
        return NULL;
    }
    thread_ring = r;
    return r;
}

/*
 * Can this process use io_uring for writes? No: kernels before 5.6 (no
 * IORING_OP_WRITE), kernels built without it, kernel.io_uring_disabled, and
 * seccomp profiles that refuse io_uring_setup (container runtimes do). The
 * ring made to find out stays as the probing thread's own.
 */
static void probe(void)
{
    if (pthread_key_create(&ring_key, ring_destroy) != 0)
        return;
    pthread_atfork(NULL, NULL, forget_ring_in_child);
    struct io_uring *r = malloc(sizeof(*r));
    int err = r ? ring_setup(r) : -ENOMEM;
    if (err) {
        free(r);
        log_msg(WINTUN_LOG_INFO, "io_uring is not available (%s): sessions write with write()",
                strerror(-err));
        return;
    }
    struct io_uring_probe *p = io_uring_get_probe_ring(r);
    uring_ok = p && io_uring_opcode_supported(p, IORING_OP_WRITE);
    io_uring_free_probe(p);
    if (!uring_ok || pthread_setspecific(ring_key, r) != 0) {
        uring_ok = false;
        ring_destroy(r);
        log_msg(WINTUN_LOG_INFO, "io_uring cannot write here: sessions write with write()");
        return;
    }
    thread_ring = r;
}

bool writer_uring_available(void)
{
    pthread_once(&probe_once, probe);
    return uring_ok;
}

int writer_init(struct writer *w, int fd, enum writer_mode mode, writer_done_fn *done, void *arg)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->done = done;
    w->arg = arg;
    w->stage = malloc(WRITER_STAGE);
    if (!w->stage)
        return -ENOMEM;
    if (mode == WRITER_PLAIN)
        return 0;
    w->batched = writer_uring_available();
    if (!w->batched && mode == WRITER_URING)
        return -EOPNOTSUPP;
    return 0;
}

void writer_free(struct writer *w)
{
    free(w->stage);
    w->stage = NULL;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int writer_write_now(struct writer *w, const uint8_t *p, size_t len)
{
    ssize_t r;
    do
        r = write(w->fd, p, len);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    return (size_t)r == len ? 0 : -EIO;
}

uint8_t *writer_reserve(struct writer *w, size_t size)
{
    if (WRITER_STAGE - w->used < size)
        writer_flush(w);
    return w->stage + w->used;
}

static void report(struct writer *w, unsigned int i, int res)
{
    w->done(w->arg, &w->e[i], w->stage + w->e[i].off, res);
}

/* Without io_uring, or after it failed: write() each, in order. */
static void write_each(struct writer *w, unsigned int from)
{
    for (unsigned int i = from; i < w->n; i++) {
        w->submits++;
        report(w, i, writer_write_now(w, w->stage + w->e[i].off, w->e[i].len));
    }
}

/*
 * Submit entries from..n-1 as one linked chain on the ring and wait for all
 * of them; res[] gets each result. 0, or -errno when io_uring itself failed:
 * nothing of the chain was submitted then.
 */
static int submit_chain(struct writer *w, struct io_uring *ring, unsigned int from, int *res)
{
    unsigned int want = w->n - from;
    for (unsigned int i = from; i < w->n; i++) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
        io_uring_prep_write(sqe, w->fd, w->stage + w->e[i].off, w->e[i].len, 0);
        if (i + 1 < w->n)
            sqe->flags |= IOSQE_IO_LINK;
        io_uring_sqe_set_data64(sqe, i);
    }
    int r;
    do
        r = io_uring_submit_and_wait(ring, want);
    while (r == -EINTR || r == -EAGAIN);
    if (r < 0)
        return r;
    w->submits++;
    /* Every write of the chain completes before the wait returns, unless a
     * signal cut the wait short: then wait for the rest. */
    unsigned int got = 0;
    while (got < want) {
        struct io_uring_cqe *cqe;
        int err = io_uring_wait_cqe(ring, &cqe);
        if (err == -EINTR)
            continue;
        if (err < 0)
            return err;
        unsigned int i = (unsigned int)io_uring_cqe_get_data64(cqe);
        int v = cqe->res;
        io_uring_cqe_seen(ring, cqe);
        if (i < from || i >= w->n)
            continue;
        res[i] = v < 0 ? v : ((uint32_t)v == w->e[i].len ? 0 : -EIO);
        got++;
    }
    return 0;
}

void writer_flush(struct writer *w)
{
    if (!w->n)
        return;
    int res[WRITER_BATCH];
    unsigned int from = 0;
    struct io_uring *ring = ring_of_thread();
    while (from < w->n && ring) {
        int err = submit_chain(w, ring, from, res);
        if (err < 0) {
            log_msg(WINTUN_LOG_WARN, "io_uring failed (%s): writing with write()", strerror(-err));
            break;
        }
        /* Report in order up to the first failure; what the failure
         * cancelled goes out again in a new chain, after the report. */
        unsigned int i = from;
        bool broken = false;
        for (; i < w->n; i++) {
            if (broken && res[i] == -ECANCELED)
                break;
            broken = broken || res[i] < 0;
            report(w, i, res[i]);
        }
        from = i;
    }
    if (from < w->n)
        write_each(w, from);
    w->n = 0;
    w->used = 0;
}

void writer_commit(struct writer *w, uint32_t len, uint32_t packets, uint32_t bytes)
{
    struct writer_entry *e = &w->e[w->n];
    e->off = (uint32_t)w->used;
    e->len = len;
    e->packets = packets;
    e->bytes = bytes;
    if (!w->batched) {
        /* Nothing to batch with: the write goes out now. */
        w->submits++;
        report(w, w->n, writer_write_now(w, w->stage + e->off, len));
        return;
    }
    if (w->n++ == 0)
        w->since_ns = now_ns();
    w->used += (len + 7u) & ~7u;
    if (w->n == WRITER_BATCH)
        writer_flush(w);
}
