/* SPDX-License-Identifier: MIT */
/*
 * The writer: staged writes to a TUN queue, a batch per io_uring submission,
 * or one write() each where io_uring cannot be had or costs more. writer.h
 * states the order and ownership rules.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include "clock.h"
#include "log.h"
#include "uring.h"
#include "writer.h"

/* Batches smaller than this say too little about the cost of either way. */
#define COST_MIN_BATCH 8u

int writer_init(struct writer *w, int fd, enum writer_mode mode, writer_done_fn *done, void *arg)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->done = done;
    w->arg = arg;
    w->uring_best = true;
    w->stage = malloc(WRITER_BATCH * WRITER_STAGE_PER);
    if (!w->stage)
        return -ENOMEM;
    if (mode == WRITER_PLAIN)
        return 0;
    w->batched = uring_available();
    if (!w->batched && mode == WRITER_URING)
        return -EOPNOTSUPP;
    /* Unlinked writes keep their order only while none can wait (writer.h). */
    int sndbuf = 0;
    if (w->batched && (ioctl(fd, TUNGETSNDBUF, &sndbuf) < 0 || sndbuf != INT_MAX)) {
        w->linked = true;
        log_msg(WINTUN_LOG_INFO,
                "The queue's send buffer is limited: batched writes are linked to keep "
                "their order");
    }
    return 0;
}

static unsigned int syscall_ns;
static pthread_once_t syscall_once = PTHREAD_ONCE_INIT;

static void measure_syscall(void)
{
    uint64_t best = UINT64_MAX;
    for (int round = 0; round < 4; round++) {
        uint64_t start = now_ns();
        for (int i = 0; i < 16; i++)
            syscall(SYS_getppid);
        uint64_t ns = (now_ns() - start) / 16;
        if (ns < best)
            best = ns;
    }
    syscall_ns = (unsigned int)best;
}

unsigned int writer_syscall_ns(void)
{
    pthread_once(&syscall_once, measure_syscall);
    return syscall_ns;
}

void writer_free(struct writer *w)
{
    free(w->stage);
    w->stage = NULL;
}

/* The stage starts over: nothing is staged. */
static void empty(struct writer *w)
{
    w->n = 0;
    w->used = 0;
    w->pieces = 0;
}

void writer_forget(struct writer *w) { empty(w); }

int writer_write_now(struct writer *w, const struct iovec *iov, unsigned int iovcnt, size_t len)
{
    ssize_t r;
    do
        r = writev(w->fd, iov, (int)iovcnt);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    return (size_t)r == len ? 0 : -EIO;
}

/* At most WRITER_BATCH writes are staged, each with at most
 * WRITER_STAGE_PER bytes of the stage: it never runs out. */
uint8_t *writer_stage(struct writer *w, size_t size)
{
    uint8_t *p = w->stage + w->used;
    w->used += (size + 7u) & ~(size_t)7u;
    return p;
}

static const struct iovec *entry_iov(const struct writer *w, unsigned int i)
{
    return w->iov + w->e[i].iov;
}

static int write_entry(struct writer *w, unsigned int i)
{
    return writer_write_now(w, entry_iov(w, i), w->e[i].iovcnt, w->e[i].len);
}

static void report(struct writer *w, unsigned int i, int res)
{
    if (res >= 0)
        res = (uint32_t)res == w->e[i].len ? 0 : -EIO;
    w->done(w->arg, &w->e[i], entry_iov(w, i), res);
}

/* One writev() each, in order, from entry @from on. */
static void write_each(struct writer *w, unsigned int from)
{
    for (unsigned int i = from; i < w->n; i++)
        w->done(w->arg, &w->e[i], entry_iov(w, i), write_entry(w, i));
}

/*
 * A write of a batch found the queue's send buffer full: another program
 * limited it. The writes after it in an unlinked batch have gone already;
 * from now on the writer links its writes. This one is written again once
 * the queue has room (for up to WAIT_ROOM_TRIES polls of 10 ms).
 */
#define WAIT_ROOM_TRIES 100

static int write_waiting(struct writer *w, unsigned int i)
{
    if (!w->linked) {
        w->linked = true;
        log_msg(WINTUN_LOG_WARN, "A write had to wait for the queue's send buffer: batched "
                                 "writes are linked from now on to keep their order");
    }
    int res = -EAGAIN;
    for (int tries = 0; res == -EAGAIN && tries < WAIT_ROOM_TRIES; tries++) {
        struct pollfd p = {.fd = w->fd, .events = POLLOUT};
        if (tries)
            poll(&p, 1, 10);
        res = write_entry(w, i);
    }
    return res;
}

/*
 * The staged writes as io_uring submissions, reported in order (a failed
 * linked write cancels the ones after it, which go out again after its
 * report). Returns the
 * first entry not written (w->n when all were), for write_each() to take
 * over when io_uring itself failed.
 */
static unsigned int flush_uring(struct writer *w)
{
    struct uring_op ops[WRITER_BATCH];
    unsigned int from = 0;
    while (from < w->n) {
        /* Links from the first write that may be replaced on, or all of
         * them where the send buffer is limited (writer.h, "Order"). */
        unsigned int link_from = w->linked ? from : w->n;
        for (unsigned int i = from; i < w->n; i++) {
            ops[i] = (struct uring_op){.iov = entry_iov(w, i), .iovcnt = w->e[i].iovcnt};
            if (link_from == w->n && w->e[i].packets > 1)
                link_from = i;
        }
        int err = uring_write_batch(w->fd, ops + from, w->n - from, link_from - from);
        if (err < 0) {
            log_msg(WINTUN_LOG_WARN, "io_uring failed (%s): writing with write()", strerror(-err));
            return from;
        }
        /* Linked: report in order up to the first write that did not run;
         * what a failure cancelled goes out again after the report, in a
         * new submission (or with write() when the thread's ring is gone). */
        unsigned int i = from;
        for (; i < w->n && ops[i].res != -ECANCELED; i++)
            report(w, i, ops[i].res == -EAGAIN ? write_waiting(w, i) : ops[i].res);
        from = i;
    }
    return from;
}

/*
 * Fold one batch's cost per write into the way's moving average, then
 * choose. A batch the scheduler cut into (another thread ran in between)
 * costs many times the usual; it counts as twice the average at most, so
 * one such batch cannot flip the choice.
 */
static void account(struct writer *w, bool uring, uint64_t ns)
{
    uint64_t per = ns / w->n;
    uint32_t *c = &w->cost_ns[uring];
    if (*c && per > 2u * (uint64_t)*c)
        per = 2u * (uint64_t)*c;
    *c = *c ? (uint32_t)((int64_t)*c + ((int64_t)per - (int64_t)*c) / 8) : (uint32_t)per;
    if (!w->cost_ns[0] || !w->cost_ns[1])
        return;
    /* A tenth's margin, so that noise does not flip the choice. */
    if (w->uring_best && (uint64_t)w->cost_ns[0] * 10 < (uint64_t)w->cost_ns[1] * 9)
        w->uring_best = false;
    else if (!w->uring_best && (uint64_t)w->cost_ns[1] * 10 < (uint64_t)w->cost_ns[0] * 9)
        w->uring_best = true;
}

void writer_flush(struct writer *w)
{
    if (!w->n)
        return;
    if (!w->batched || w->n == 1) {
        write_each(w, 0);
    } else {
        bool uring = w->uring_best != (++w->batches % WRITER_PROBE_EVERY == 0);
        uint64_t start = now_ns();
        unsigned int from = uring ? flush_uring(w) : 0;
        bool one_way = !uring || from == w->n; /* io_uring did not fail half-way */
        if (from < w->n)
            write_each(w, from);
        if (one_way && w->n >= COST_MIN_BATCH)
            account(w, uring, now_ns() - start);
    }
    empty(w);
}

void writer_commit(struct writer *w, uint32_t iovcnt, uint32_t packets, uint32_t bytes)
{
    struct writer_entry *e = &w->e[w->n];
    size_t len = 0;
    for (unsigned int i = 0; i < iovcnt; i++)
        len += w->iov[w->pieces + i].iov_len;
    e->iov = w->pieces;
    e->iovcnt = iovcnt;
    e->len = (uint32_t)len;
    e->packets = packets;
    e->bytes = bytes;
    if (w->n == 0 && w->batched) {
        /* The first write after a pause goes out at once: nothing follows
         * it closely enough to share a system call, and a program that
         * sends now and then (a request, a reply) must not wait for the
         * next flush point. Only a write that follows the previous batch
         * within WRITER_GAP_NS is staged. The clock is read once per batch. */
        uint64_t now = now_ns();
        bool lone = now - w->last_ns > WRITER_GAP_NS;
        w->last_ns = now;
        if (!lone)
            goto stage;
    }
    if (w->n == 0) {
        /* Nothing to batch with: the write goes out now. */
        w->done(w->arg, e, entry_iov(w, 0), write_entry(w, 0));
        empty(w);
        return;
    }
stage:
    w->n++;
    w->pieces += iovcnt;
    if (w->n == WRITER_BATCH || WRITER_IOV - w->pieces < WRITER_PIECES)
        writer_flush(w);
}
