/* SPDX-License-Identifier: MIT */
/*
 * Sessions: the two rings and the TUN queue behind them.
 *
 * Data path. There is no thread between the program and the kernel: every
 * call does its work in the calling thread.
 *   Receive: WintunReceivePacket hands out the next packet stored in the
 *     receive ring; when there is none it reads the TUN queue (non-blocking)
 *     into rx_buf, one read() or a batch of reads in one io_uring submission
 *     while the queue has a backlog (rx.c), and stores what it read in the
 *     ring: packets, or, with offload, super-packets split into up to ~45
 *     standard packets. A read that does not fit in the ring waits in rx_buf
 *     (rx_first..rx_count) until releases make room; meanwhile the queue is
 *     not read, the read-wait event ignores it, and the kernel's own queue
 *     absorbs (then drops) new packets, as Wintun's full ring does.
 *   Send: WintunSendPacket marks the slot sent, then takes every sent slot
 *     from the oldest on, in allocation order, and stages a write of it in
 *     the writer (writer.h): pieces that point into the send ring, which
 *     keeps the slots until the kernel has their bytes; the writer goes to
 *     the kernel several writes per io_uring submission. With coalescing,
 *     consecutive TCP segments of one flow are merged into one super-packet
 *     (its headers built apart, its payloads left in their slots). What is
 *     staged or still open after the call is "held back" and written when
 *     the batch fills, when the thread that sent it waits on a read-wait
 *     event or receives nothing, when the session ends, or by the flusher
 *     thread within about TX_HOLD_NS (tx.c).
 *   Wait: the read-wait event is auto-reset, as Wintun's (wait.c). A waiter
 *     polls the queue and the eventfd; woken by the queue, it stores what
 *     the queue holds in the ring (rx_pull), which is what Wintun's driver
 *     does before it sets the event, and returns only if it stored a
 *     packet; woken by the eventfd, it returns only if its read of the
 *     eventfd took the signal. So one wake-up reaches one waiter, and a
 *     second wait with no new arrival sleeps even while packets it did not
 *     receive sit in the ring.
 *
 * Locking and memory ordering.
 *   rx_lock guards the receive ring, rx_buf and its reads, the rx counters
 *     and every read of the queue. tx_lock guards the send ring, the
 *     coalescer, the writer and every write. The mutexes order all ring loads and stores; the ring
 *     code itself has no atomics (ring.h).
 *   rx_blocked is written under rx_lock and read relaxed by waiters
 *     choosing what to poll: a stale value costs one more poll (the queue
 *     polled while the ring is full) or nothing (the release that unblocks
 *     also fires the eventfd). eof, ending and waiters are atomics read
 *     without locks.
 *   Lock order: rx_lock, then tx_lock, then the held list's lock (tx.c).
 *     Flushing the list takes the held-list lock first and only try-locks
 *     tx_lock, so it never waits in the other order.
 * Descriptors: tun_fd (the queue), event_fd (an eventfd that wakes waiters:
 * session ending, the adapter gone, ring space freed, packets stored for
 * other waiters), creator_fd (pidfd of the creating process when that is
 * another process), lock_fd (the bound "\0lintun/{GUID}/session/<ifindex>"
 * socket that makes the session the only one), epoll_fd (tun_fd + event_fd
 * + creator_fd, made on the first LintunGetReadWaitFd; -1 until then, and
 * WaitForSingleObject polls the three descriptors itself).
 */
#ifndef LINTUN_SESSION_H
#define LINTUN_SESSION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include "offload.h"
#include "ring.h"
#include "writer.h"
#include "wintun.h"

/* UDP segmentation offload bits (kernel 6.2; older headers lack them). */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

#define SESSION_MAGIC 0x4c545353u /* "LTSS" */
#define EVENT_MAGIC 0x4c544556u   /* "LTEV" */
#define VNET_HDR_LEN OFFLOAD_VNET_HDR_LEN
#define RX_BUF_LEN OFFLOAD_SUPER_LEN
#define RX_BATCH 16u /* reads per io_uring submission, at most */

struct adapter;
struct session;

struct event {
    uint32_t magic;
    struct session *session;
};

/*
 * The receive half and the send half each start on their own cache line: a
 * forwarder receives from one session in one thread while another thread
 * sends into it, and a line holding fields of both halves would pass back
 * and forth between the two on every packet.
 */
#define SESSION_CACHE_LINE 64

struct session {
    /* Read-mostly: set at start, read by every call. */
    uint32_t magic;
    struct event event; /* what WintunGetReadWaitEvent returns */
    struct adapter *adapter;
    DWORD flags;          /* LINTUN_SESSION_* in force */
    unsigned int offload; /* TUN_F_* accepted by the kernel */
    int tun_fd;
    bool owns_tun_fd; /* false: the creator's queue, detached again at the end */
    int event_fd;
    int epoll_fd;
    int creator_fd;
    int lock_fd;
    atomic_bool eof;
    atomic_bool ending;
    atomic_int waiters;
    atomic_bool event_set;          /* event_fd may be signalled (session_wake, wait.c) */
    _Atomic uint64_t check_ns;      /* when the creator was last checked */
    atomic_bool creator_gone;       /* set once, by the thread that saw it */
    _Atomic uint64_t gone_check_ns; /* when session_gone last polled the queue */
    atomic_uint removals_seen;      /* adapter_removals() at that time */

    /* The receive half: written by receiving threads. */
    _Alignas(SESSION_CACHE_LINE) pthread_mutex_t rx_lock;
    struct ring rx;
    uint8_t *rx_buf;            /* RX_BATCH reads: virtio_net_hdr + up to 64 KiB each */
    uint32_t rx_lens[RX_BATCH]; /* what each read of the last batch got (0: nothing to store) */
    uint8_t rx_first;           /* the first read of the batch not yet stored in the ring */
    uint8_t rx_count;           /* reads of the batch */
    uint8_t rx_depth;           /* reads per system call now (rx.c) */
    uint8_t rx_streak;          /* reads in a row that found a packet */
    bool rx_batched;            /* reads may go through io_uring */
    bool rx_direct;             /* the last read was large: read into the ring (rx.c) */
    atomic_bool rx_blocked;     /* tun_fd left out of waits until room frees */
    bool rx_offload_off;        /* receive offload turned off while unused (rx.c) */
    uint32_t rx_plain_reads;    /* reads in a row without a super-packet */
    uint32_t rx_bulk_reads;     /* bulk TCP segments in a row while it is off */
    uint64_t rx_toggle_ns;      /* when receive offload was last switched */
    LINTUN_SESSION_STATS rx_stats;

    /* The send half: written by sending threads. */
    _Alignas(SESSION_CACHE_LINE) pthread_mutex_t tx_lock;
    struct ring tx;
    struct offload_coalescer co;
    struct writer w;                        /* stages writes; several per system call (writer.h) */
    uint8_t co_hdr[OFFLOAD_GATHER_HDR_LEN]; /* the open super-packet's headers */
    const uint8_t *co_slot;                 /* the packet its first segment came from */
    bool held;                              /* on the held list (tx.c) */
    atomic_uintptr_t held_by;               /* the thread that sent into it last (tx.c) */
    bool coalesce;                          /* off after a kernel refused a TCP super-packet */
    bool coalesce_udp;                      /* off after a kernel refused a UDP super-packet */
    uint32_t co_misses; /* super-packets in a row that ended with one segment */
    uint32_t co_bypass; /* packets still to write without trying to merge (tx.c) */
    uint32_t co_window; /* the last bypass's length, 0 after a merge */
    LINTUN_SESSION_STATS tx_stats;
};

/* The session behind a handle, or NULL with ERROR_INVALID_HANDLE set. */
struct session *session_get(WINTUN_SESSION_HANDLE handle, const char *caller);

/* A new session on a (which it holds a reference to), descriptors -1; NULL without memory. */
struct session *session_new(struct adapter *a, DWORD flags);
/* Close, free and retire everything of s (handle.h) and release its adapter. */
void session_free(struct session *s);

/*
 * Is the adapter gone (the session at end of file)? Without a system call
 * on most calls: the queue is polled when this process has deleted an
 * interface since the last look, and otherwise at most every 10 ms, so a
 * session that only sends sees a deleted interface within that. No locks.
 */
bool session_gone(struct session *s);

/*
 * Has the creating process died (checked at most every 10 ms unless force)?
 * Then mark EOF, wake every waiter and delete the interface, once. No locks.
 */
void session_check_creator(struct session *s, bool force);
/* Mark the session EOF and wake every waiter. */
void session_set_eof(struct session *s);
/* Signal the read-wait event (the eventfd): waiters wake. */
void session_wake(struct session *s);
/*
 * Take the eventfd's signal (clears event_set, reads the eventfd): true
 * when this call took it. The waiter's half of the auto-reset (wait.c).
 */
bool session_event_take(struct session *s);
/*
 * A receive found nothing (rx_lock held): reset the event, so that the
 * descriptor of LintunGetReadWaitFd stops being readable for a wake-up that
 * is used up, as Wintun's auto-reset event stops being signalled. Not while
 * the session is at EOF or ending: then the event stays signalled.
 */
void session_event_reset(struct session *s);
/*
 * Take the queue out of the wait set while the ring has no room for what was
 * read (blocked), and put it back (rx_lock held). Waiters then sleep on the
 * eventfd alone, which a release fires.
 */
void session_set_rx_blocked(struct session *s, bool blocked);

/*
 * How session starts waited for the kernel to run the link (start.c), for
 * the tests: starts counted, those that found it running at the first look,
 * the sleeps between looks, and the starts that gave up waiting. Updated
 * atomically; never reset.
 */
struct carrier_waits {
    unsigned long starts, running_at_once, sleeps, gave_up;
};
extern struct carrier_waits session_carrier_waits;

#endif
