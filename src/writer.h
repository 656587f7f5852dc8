/* SPDX-License-Identifier: MIT */
/*
 * The writer: packets bound for the kernel, several per system call.
 *
 * A session's send path stages each write as a list of pieces (iovecs): a
 * virtio_net_hdr and the packet where it lies in the send ring, or a
 * coalesced super-packet's headers (built in the writer's small stage
 * buffer) and each segment's payload where it lies. Nothing is copied: the
 * kernel reads the bytes from where the program wrote them. The writer
 * hands the staged writes to the kernel as one io_uring submission.
 * Without io_uring (refused, missing, or turned off) every staged write goes
 * out at once with write(), so nothing waits; with it, so does a write that
 * comes after a pause (WRITER_GAP_NS), alone.
 *
 * Writes go through the calling thread's io_uring (uring.h).
 *
 * Order. Writes reach the kernel in the order they were staged, by
 * construction:
 *   - The writes of a submission are unlinked RWF_NOWAIT writes, which the
 *     kernel issues inline, one after the other, in submission order; a
 *     write that would have to wait fails with EAGAIN instead of being
 *     deferred. A TUN queue makes a write wait only when its send buffer is
 *     limited, and lintun's queues have the kernel's default, unlimited one:
 *     writer_init() checks (TUNGETSNDBUF) and links the writes
 *     (IOSQE_IO_LINK) instead where it is not.
 *   - A write that may fail in a way that makes the caller write something
 *     else in its place (a super-packet, which a kernel may refuse: the
 *     caller then writes its segments) is linked (IOSQE_IO_LINK) to every
 *     write after it in its submission: if it fails, those are cancelled,
 *     and go out again after the failure's report has written the
 *     replacement. Writes of single packets before the first such write
 *     stay unlinked, so traffic that never merges pays for no link.
 *   - A write that fails with EAGAIN all the same (another program limited
 *     the send buffer since) is written again at once with write(), and the
 *     writer links its writes from then on; it says so in the log.
 *
 * How a batch goes out follows the machine and the load: every
 * WRITER_PROBE_EVERY batches, one goes out with write() each instead of one
 * io_uring submission, and the writer keeps the batches' cost per write of
 * each way (timed with the monotonic clock), using the cheaper.
 *
 * Ownership. The bytes a staged write points at must stay as they are from
 * writer_commit() until the flush that writes them returns (the send ring
 * frees a packet's slot only then); writer_flush() waits for every
 * completion, so no write is in flight when it returns and the stage starts
 * over.
 *
 * Locking: none. A writer belongs to one session's send half and every call
 * runs under that session's tx_lock.
 */
#ifndef LINTUN_WRITER_H
#define LINTUN_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include "offload.h"

#define WRITER_BATCH 32u /* writes per submission, at most (<= URING_BATCH_MAX) */
/* Pieces of one write, at most: a super-packet's headers and its segments. */
#define WRITER_PIECES (OFFLOAD_GATHER_MAX + 1u)
/* Pieces of a batch (room for three super-packets and the rest single
 * packets): a batch is flushed when fewer than WRITER_PIECES are left. */
#define WRITER_IOV (2u * WRITER_BATCH + 3u * WRITER_PIECES)
/* Stage bytes of one write, at most: a super-packet's headers. */
#define WRITER_STAGE_PER OFFLOAD_GATHER_HDR_LEN
#define WRITER_GAP_NS 100000ull /* a write this long after the last batch goes out alone */
#define WRITER_PROBE_EVERY 64u  /* batches between two that go out the other way */

/* One staged write and what it carries, reported back to the caller. */
struct writer_entry {
    uint32_t iov;     /* its first piece in the writer's iov[] */
    uint32_t iovcnt;  /* its pieces */
    uint32_t len;     /* bytes to write, header included */
    uint32_t packets; /* packets the program sent that this write carries */
    uint32_t bytes;   /* their bytes, as the program sent them */
};

/*
 * Called for every staged write once the kernel has answered, in staging
 * order: @res is 0 or -errno. @iov holds the write's e->iovcnt pieces, whose
 * bytes are still valid during the call.
 */
typedef void writer_done_fn(void *arg, const struct writer_entry *e, const struct iovec *iov,
                            int res);

struct writer {
    int fd;
    bool batched;    /* false: one write() per staged write */
    bool linked;     /* link the writes of a submission (writer.h, "Order") */
    bool uring_best; /* batches go out through io_uring (else write() each) */
    uint32_t batches;
    uint32_t cost_ns[2]; /* per write, moving average: [0] write() each, [1] io_uring */
    uint8_t *stage;      /* WRITER_BATCH * WRITER_STAGE_PER bytes: headers of staged writes */
    size_t used;
    unsigned int n;
    unsigned int pieces; /* iov[] in use */
    uint64_t last_ns;    /* when the last batch started (or a lone write went) */
    writer_done_fn *done;
    void *arg;
    struct writer_entry e[WRITER_BATCH];
    struct iovec iov[WRITER_IOV];
};

/* How a session asks for its writer. */
enum writer_mode { WRITER_AUTO, WRITER_PLAIN, WRITER_URING };

/*
 * Set the writer up for @fd. WRITER_AUTO uses io_uring when the process can
 * have it (probed once per process, and logged) and write() otherwise;
 * WRITER_URING fails with -EOPNOTSUPP (or the kernel's error) where it
 * cannot. 0 or -errno.
 */
int writer_init(struct writer *w, int fd, enum writer_mode mode, writer_done_fn *done, void *arg);
void writer_free(struct writer *w);

/*
 * What a null system call costs in this process, in nanoseconds: measured
 * once (a few dozen getppid() calls), for the log line that says how a
 * session writes.
 */
unsigned int writer_syscall_ns(void);

/* Does the writer batch through io_uring? */
static inline bool writer_batched(const struct writer *w) { return w->batched; }

/*
 * @size bytes of the stage (at most WRITER_STAGE_PER), for headers that the
 * next write points at; valid until the flush that writes it.
 */
uint8_t *writer_stage(struct writer *w, size_t size);

/* Room for the next write's pieces: WRITER_PIECES iovecs. */
static inline struct iovec *writer_pieces(struct writer *w) { return w->iov + w->pieces; }

/*
 * Stage a write of the @iovcnt pieces filled in at writer_pieces(). With
 * io_uring, a full batch is flushed (WRITER_BATCH writes, or too few pieces
 * left for another write); without, the write goes out now.
 */
void writer_commit(struct writer *w, uint32_t iovcnt, uint32_t packets, uint32_t bytes);

/* Write everything staged, in order, and report each result. */
void writer_flush(struct writer *w);

/* Has anything been staged and not yet written? */
static inline bool writer_pending(const struct writer *w) { return w->n > 0; }

/* Write @iovcnt pieces of @len bytes in all now, with writev(): 0 or -errno. */
int writer_write_now(struct writer *w, const struct iovec *iov, unsigned int iovcnt, size_t len);

/* Forget what is staged without writing it (a child of fork(): its parent writes it). */
void writer_forget(struct writer *w);

#endif
