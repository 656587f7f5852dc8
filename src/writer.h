/* SPDX-License-Identifier: MIT */
/*
 * The writer: packets bound for the kernel, several per system call.
 *
 * A session's send path stages each packet (a virtio_net_hdr followed by the
 * packet, or a coalesced super-packet) in the writer's stage buffer, and the
 * writer hands the staged writes to the kernel as one io_uring submission of
 * linked writes. Without io_uring (refused, missing, or turned off) every
 * staged write goes out at once with write(), so nothing waits; with it, so
 * does a write that comes after a pause (WRITER_GAP_NS), alone.
 *
 * Writes go through the calling thread's io_uring (uring.h).
 *
 * Order. Writes reach the kernel in the order they were staged, whatever the
 * kernel does with them: each write of a submission is linked to the next
 * (IOSQE_IO_LINK), so the kernel starts a write only after the one before it
 * has completed, inline or in an io-wq worker alike. A failed write breaks
 * the chain; the writes after it complete as cancelled and are submitted
 * again, after the failure has been reported, so the caller can write a
 * replacement in between (the segments of a refused super-packet) and order
 * still holds.
 *
 * Ownership. Staged bytes belong to the writer from writer_commit() until the
 * flush that writes them returns; writer_flush() waits for every completion,
 * so no write is in flight when it returns and the stage starts over at 0.
 *
 * Locking: none. A writer belongs to one session's send half and every call
 * runs under that session's tx_lock.
 */
#ifndef LINTUN_WRITER_H
#define LINTUN_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WRITER_BATCH 32u             /* writes per submission, at most (<= URING_BATCH_MAX) */
#define WRITER_STAGE (4u * 0x10010u) /* room for four 64 KiB super-packets */
#define WRITER_GAP_NS 100000ull      /* a write this long after the last batch goes out alone */

/* One staged write and what it carries, reported back to the caller. */
struct writer_entry {
    uint32_t off;     /* in the stage */
    uint32_t len;     /* bytes to write, header included */
    uint32_t packets; /* packets the program sent that this write carries */
    uint32_t bytes;   /* their bytes, as the program sent them */
};

/*
 * Called for every staged write once the kernel has answered, in staging
 * order: @res is 0 or -errno. @data points at the staged bytes, still valid
 * during the call.
 */
typedef void writer_done_fn(void *arg, const struct writer_entry *e, const uint8_t *data, int res);

struct writer {
    int fd;
    bool batched; /* false: one write() per staged write */
    uint8_t *stage;
    size_t used;
    unsigned int n;
    uint64_t last_ns; /* when the last batch started (or a lone write went) */
    writer_done_fn *done;
    void *arg;
    struct writer_entry e[WRITER_BATCH];
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

/* Does the writer batch through io_uring? */
static inline bool writer_batched(const struct writer *w) { return w->batched; }

/*
 * Room for a write of up to @size bytes (at most WRITER_STAGE): a pointer to
 * the free end of the stage, after flushing the stage when it has too little
 * room. Nothing is staged until writer_commit().
 */
uint8_t *writer_reserve(struct writer *w, size_t size);

/*
 * Stage @len bytes written at the pointer writer_reserve() returned. With
 * io_uring, a full batch is flushed; without, the write goes out now.
 */
void writer_commit(struct writer *w, uint32_t len, uint32_t packets, uint32_t bytes);

/* Write everything staged, in order, and report each result. */
void writer_flush(struct writer *w);

/* Has anything been staged and not yet written? */
static inline bool writer_pending(const struct writer *w) { return w->n > 0; }

/* Write @len bytes now, with write(): 0 or -errno. */
int writer_write_now(struct writer *w, const uint8_t *p, size_t len);

#endif
