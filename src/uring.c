/* SPDX-License-Identifier: MIT */
/*
 * io_uring, one ring per thread; uring.h states the rules.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <liburing.h>
#include "log.h"
#include "uring.h"

/* Submission queue entries: a batch, whole, with room to spare. */
#define SQ_ENTRIES (2u * URING_BATCH_MAX)

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static bool uring_ok;
static pthread_key_t ring_key;

/* This thread's ring: NULL until its first use. */
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
        err = io_uring_queue_init(SQ_ENTRIES, r, tries[i]);
    return err;
}

/* Make a ring and make it this thread's (torn down when the thread exits). 0 or -errno. */
static int ring_make(void)
{
    struct io_uring *r = malloc(sizeof(*r));
    int err = r ? ring_setup(r) : -ENOMEM;
    if (!err && pthread_setspecific(ring_key, r) != 0) {
        io_uring_queue_exit(r);
        err = -ENOMEM;
    }
    if (err) {
        free(r);
        return err;
    }
    thread_ring = r;
    return 0;
}

/* Tear this thread's ring down now and forget it. */
static void ring_forget(void)
{
    pthread_setspecific(ring_key, NULL);
    ring_destroy(thread_ring);
    thread_ring = NULL;
}

/* The calling thread's ring, made on first use; NULL where it cannot be had. */
static struct io_uring *ring_of_thread(void)
{
    if (thread_ring || thread_ring_failed)
        return thread_ring;
    int err = ring_make();
    if (err) {
        thread_ring_failed = true;
        log_msg(WINTUN_LOG_WARN,
                "Failed to set up io_uring in this thread (%s): it uses "
                "read() and write()",
                strerror(-err));
    }
    return thread_ring;
}

/* uring.h; the ring made to find out stays the probing thread's own. */
static void probe(void)
{
    if (pthread_key_create(&ring_key, ring_destroy) != 0)
        return;
    pthread_atfork(NULL, NULL, forget_ring_in_child);
    int err = ring_make();
    if (err) {
        log_msg(WINTUN_LOG_INFO, "io_uring is not available (%s): sessions use read() and write()",
                strerror(-err));
        return;
    }
    struct io_uring_probe *p = io_uring_get_probe_ring(thread_ring);
    uring_ok = p && io_uring_opcode_supported(p, IORING_OP_WRITEV) &&
               io_uring_opcode_supported(p, IORING_OP_READ);
    io_uring_free_probe(p);
    if (!uring_ok) {
        ring_forget();
        log_msg(WINTUN_LOG_INFO,
                "io_uring cannot read and write here: sessions use read() and write()");
    }
}

bool uring_available(void)
{
    pthread_once(&probe_once, probe);
    return uring_ok;
}

/*
 * io_uring itself failed in this thread: never use its ring again (it may
 * still hold entries that were not submitted); the thread reads and writes
 * with system calls from now on.
 */
static void drop_ring(void)
{
    log_msg(WINTUN_LOG_WARN,
            "io_uring failed in this thread: it uses read() and write() from now on");
    ring_forget();
    thread_ring_failed = true;
}

/*
 * Submit ops as one batch, ops[link_from..n-1] linked with IOSQE_IO_LINK,
 * and wait for every completion. 0, or -errno when io_uring itself failed.
 */
static int submit_batch(int fd, struct uring_op *ops, unsigned int n, bool write,
                        unsigned int link_from)
{
    struct io_uring *ring = ring_of_thread();
    if (!ring)
        return -EOPNOTSUPP;
    for (unsigned int i = 0; i < n; i++) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
        if (write)
            io_uring_prep_writev(sqe, fd, ops[i].iov, ops[i].iovcnt, 0);
        else
            io_uring_prep_read(sqe, fd, ops[i].buf, ops[i].len, 0);
        /* An operation that cannot complete now fails with EAGAIN instead
         * of being deferred (a poll armed, or an io-wq worker): a read of an
         * empty queue, or a write that the queue's send buffer would block.
         * Unlinked operations are then issued one after the other, inline,
         * in submission order, which is what keeps them in order. A linked
         * one starts when the one before it has completed. Kernels whose
         * TUN cannot read without waiting (before 6.4) fail the read with
         * EOPNOTSUPP. */
        sqe->rw_flags = RWF_NOWAIT;
        if (i >= link_from && i + 1 < n)
            sqe->flags |= IOSQE_IO_LINK;
        io_uring_sqe_set_data64(sqe, i);
    }
    int r, tries = 0;
    do
        r = io_uring_submit_and_wait(ring, n);
    while (r == -EINTR || (r == -EAGAIN && ++tries < 100));
    if (r < 0) {
        drop_ring();
        return r;
    }
    /* Every submitted operation completes before the wait returns, unless a
     * signal cut the wait short: then wait for the rest. The kernel may take
     * fewer than n (it stops at an entry it cannot take): the rest count as
     * cancelled, and the ring, which still holds them, is dropped. */
    unsigned int submitted = (unsigned int)r;
    for (unsigned int i = submitted; i < n; i++)
        ops[i].res = -ECANCELED;
    for (unsigned int got = 0; got < submitted;) {
        struct io_uring_cqe *cqe;
        int err = io_uring_wait_cqe(ring, &cqe);
        if (err == -EINTR)
            continue;
        if (err < 0) {
            drop_ring();
            return err;
        }
        uint64_t i = io_uring_cqe_get_data64(cqe);
        int res = cqe->res;
        io_uring_cqe_seen(ring, cqe);
        if (i < n) {
            ops[i].res = res;
            got++;
        }
    }
    if (submitted < n)
        drop_ring();
    return 0;
}

int uring_write_batch(int fd, struct uring_op *ops, unsigned int n, unsigned int link_from)
{
    return submit_batch(fd, ops, n, true, link_from);
}

int uring_read_batch(int fd, struct uring_op *ops, unsigned int n)
{
    return submit_batch(fd, ops, n, false, n);
}
