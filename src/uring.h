/* SPDX-License-Identifier: MIT */
/*
 * io_uring, one ring per thread: the vehicle for batched reads and writes of
 * TUN queues (writer.c, rx.c). Nothing here knows about sessions.
 *
 * Rings belong to threads, not to sessions. A thread that submits uses its
 * own ring, made on its first use and torn down when the thread exits.
 * Tearing a ring down makes the kernel queue work, with a signal-like
 * notification (TIF_NOTIFY_SIGNAL), to every thread that ever used the ring,
 * and that notification cuts short whatever blocking call the thread is in:
 * a send() returns a partial count, epoll_wait() fails with EINTR. A ring
 * per session, torn down by WintunEndSession, did that to the program's own
 * threads. A ring that only its thread ever touches also allows
 * IORING_SETUP_SINGLE_ISSUER and IORING_SETUP_DEFER_TASKRUN (kernel 6.1):
 * the kernel then runs io_uring work only while that thread waits in
 * io_uring_enter(), never behind the program's back.
 *
 * Every submission here waits for all of its completions before it returns:
 * nothing is ever in flight between calls, so buffers belong to the caller
 * again as soon as a call returns.
 */
#ifndef LINTUN_URING_H
#define LINTUN_URING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URING_BATCH_MAX 32u /* operations per submission, at most */

struct iovec;

/* One read (into buf) or write (of iov) of a submission. */
struct uring_op {
    uint8_t *buf;
    uint32_t len;
    const struct iovec *iov;
    uint32_t iovcnt;
    int res; /* filled in: bytes transferred, or -errno */
};

/*
 * Can this process use io_uring for reads and writes of a TUN queue? No:
 * kernels before 5.6, kernels built without it, kernel.io_uring_disabled,
 * seccomp profiles that refuse io_uring_setup. Probed once per process (the
 * result is logged); the ring made to find out stays the probing thread's.
 */
bool uring_available(void);

/*
 * Write ops[0..n-1] to @fd as one submission, each op's iovecs as one
 * write (writev).
 *
 * Every write carries RWF_NOWAIT, so one that would have to wait (the
 * queue's send buffer full) fails with -EAGAIN instead of being deferred;
 * a TUN queue whose send buffer is unlimited (the default, INT_MAX) never
 * makes a write wait.
 *
 * ops[0..link_from-1] are unlinked: the kernel issues each one inline, in
 * submission order; the writes after a failed one still run.
 * ops[link_from..n-1] are linked (IOSQE_IO_LINK): the kernel starts each
 * only after the one before it completed, and the writes after a failed
 * one fail with -ECANCELED. Linked requests after the first are issued
 * through task work, which costs about a quarter of the batch's time for
 * small packets where system calls are cheap. link_from >= n: no links.
 *
 * Returns 0, or -errno when io_uring itself failed (nothing was written
 * then, ops[].res untouched).
 */
int uring_write_batch(int fd, struct uring_op *ops, unsigned int n, unsigned int link_from);

/*
 * Read up to n packets from @fd (opened O_NONBLOCK) into ops[i].buf, one
 * unlinked submission of RWF_NOWAIT reads: issued inline one after the
 * other, each takes the packet at the head of the queue, so packets land in
 * queue order. A read that finds the queue empty completes with -EAGAIN;
 * where the kernel's TUN cannot read that way (before 6.4), every read
 * completes with -EOPNOTSUPP. Returns 0 or -errno as uring_write_batch().
 */
int uring_read_batch(int fd, struct uring_op *ops, unsigned int n);

#endif
