/* SPDX-License-Identifier: MIT */
/*
 * The writer: staged writes to a TUN queue, a batch per io_uring submission,
 * or one write() each where io_uring cannot be had. writer.h states the
 * order and ownership rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "uring.h"
#include "writer.h"

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
    w->batched = uring_available();
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
        report(w, i, writer_write_now(w, w->stage + w->e[i].off, w->e[i].len));
    }
}

void writer_flush(struct writer *w)
{
    if (!w->n)
        return;
    struct uring_op ops[WRITER_BATCH];
    unsigned int from = 0;
    while (from < w->n) {
        for (unsigned int i = from; i < w->n; i++)
            ops[i] = (struct uring_op){w->stage + w->e[i].off, w->e[i].len, 0};
        int err = uring_write_chain(w->fd, ops + from, w->n - from);
        if (err < 0) {
            log_msg(WINTUN_LOG_WARN, "io_uring failed (%s): writing with write()", strerror(-err));
            break;
        }
        /* Report in order up to the first write that did not run: what a
         * failure cancelled goes out again after the report, in a new chain
         * (or with write() when the thread's ring is gone). */
        unsigned int i = from;
        for (; i < w->n && ops[i].res != -ECANCELED; i++) {
            int res = ops[i].res;
            if (res >= 0)
                res = (uint32_t)res == w->e[i].len ? 0 : -EIO;
            report(w, i, res);
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
        report(w, 0, writer_write_now(w, w->stage + e->off, len));
        return;
    }
stage:
    w->n++;
    w->used += (len + 7u) & ~7u;
    if (w->n == WRITER_BATCH)
        writer_flush(w);
}
