/* SPDX-License-Identifier: MIT */
/*
 * The send path: WintunAllocateSendPacket, WintunSendPacket, the writes
 * that follow, and the held list with its flusher thread. See session.h for
 * the design and the locking rules.
 *
 * Traffic that never merges. Staging a packet in the coalescer costs a
 * parse, a checksum pass and a hold; for packets that cannot merge (flows taking
 * turns, UDP without a checksum, pure ACKs) that cost buys nothing, so it is
 * not paid for long. After CO_MISS_RUNS super-packets in a row that ended
 * with one segment, the next co_window packets are written straight away;
 * then coalescing is tried again. Each try that fails doubles the window,
 * from CO_BYPASS_MIN up to CO_BYPASS_MAX (a try holds packets and so keeps
 * the flusher awake for a while); a merge sets it back, so a flow that
 * starts merging is picked up within co_window packets.
 *
 * The held list. A session whose coalescer still holds segments, or whose
 * writer has writes staged, after a send is put on the held list, marked
 * with the thread that sent into it last. That thread writes it out when it
 * is about to wait or found nothing to receive (tx_flush_mine); a flusher
 * thread, started on first use, writes out the whole list. Once woken, the
 * flusher writes the list out every TX_HOLD_NS, and goes back to sleep after
 * FLUSHER_LINGER rounds in a row that found nothing left to write. While it
 * keeps finding work it stays awake: waking it for every held super-packet
 * would cost a futex wake and a sleep per batch, more system calls than the
 * batching saves. Rounds that find nothing (the senders wrote their
 * super-packets themselves) do not keep it awake, so traffic that merges
 * only now and then does not keep a second thread busy beside the program.
 *
 * Lock order: rx_lock, then tx_lock, then held_lock. Flushing the list
 * takes held_lock first and only try-locks tx_lock; a session busy in
 * another thread stays listed and is retried, so the flusher never waits
 * for a sender while holding the list. A session is taken off the list
 * under both locks, then written with only its tx_lock, so senders putting
 * other sessions on the list do not wait for the write.
 *
 * fork(). The child has no flusher thread; its first hold starts one. What
 * the parent's sessions held back at the fork is the parent's to write: the
 * child forgets it, so no packet goes out twice. The flusher holds
 * fork_lock for each round, and fork() takes it first, so no session lock
 * is left taken by the flusher in the child.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "log.h"
#include "session.h"
#include "tx.h"
#include "writer.h"

#define CO_MISS_RUNS 8
#define CO_BYPASS_MIN 256
#define CO_BYPASS_MAX 8192

/* ------------------------------------------------------------------------
 * Writing to the kernel
 * --------------------------------------------------------------------- */

static void write_failed(struct session *s, int err, uint32_t packets)
{
    if (err == EBADFD || err == EFAULT || err == ENODEV || err == ENXIO) {
        session_set_eof(s);
        return;
    }
    /* EIO: the link is down; EINVAL: the kernel refused the packet. Dropped. */
    s->tx_stats.TxDroppedKernel += packets;
}

static void count_sent(struct session *s, int err, uint32_t packets, size_t bytes)
{
    if (err) {
        write_failed(s, -err, packets);
        return;
    }
    s->tx_stats.TxPackets += packets;
    s->tx_stats.TxBytes += bytes;
}

/* The virtio_net_hdr of a packet written as it is. */
static const uint8_t plain_hdr[VNET_HDR_LEN];

/* Fallback after a refused super-packet: write its segments one by one. */
static int emit_plain(void *arg, const uint8_t *p, size_t n)
{
    struct session *s = arg;
    struct iovec v[2] = {{(void *)plain_hdr, VNET_HDR_LEN}, {(void *)p, n}};
    s->tx_stats.TxWrites++;
    count_sent(s, writer_write_now(&s->w, v, 2, VNET_HDR_LEN + n), 1, n);
    return 0;
}

/*
 * Some kernels refuse coalesced writes: stop coalescing that kind (UDP or
 * TCP), log once, and write these segments one by one. This runs while the
 * writer reports, before anything staged after the super-packet is written
 * (writer.h, "Order").
 */
static void refused(struct session *s, const struct iovec *iov, uint32_t iovcnt, uint32_t len,
                    uint32_t segs)
{
    const struct virtio_net_hdr *h = iov[0].iov_base;
    bool udp = h->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4;
    log_msg(WINTUN_LOG_WARN,
            "The kernel refused a coalesced %s write; sending %s packets "
            "one by one from now on",
            udp ? "UDP" : "TCP", udp ? "UDP" : "TCP");
    if (udp)
        s->coalesce_udp = false;
    else
        s->coalesce = false;
    /* Buffers of its own: this happens once per session at most. The
     * super-packet is gathered in one, and split with the other. */
    uint8_t *data = malloc(len), *scratch = malloc(OFFLOAD_SCRATCH_LEN);
    if (data && scratch) {
        size_t at = 0;
        for (uint32_t i = 0; i < iovcnt; i++) {
            memcpy(data + at, iov[i].iov_base, iov[i].iov_len);
            at += iov[i].iov_len;
        }
    }
    if (!data || !scratch ||
        offload_split((const void *)data, data + VNET_HDR_LEN, len - VNET_HDR_LEN, emit_plain, s,
                      scratch, OFFLOAD_SCRATCH_LEN) < 0)
        s->tx_stats.TxDroppedKernel += segs;
    free(scratch);
    free(data);
}

/* The writer's report on one write (tx_lock held): count it. */
static void written(void *arg, const struct writer_entry *e, const struct iovec *iov, int res)
{
    struct session *s = arg;
    s->tx_stats.TxWrites++;
    if (res == -EINVAL && e->packets > 1 && !(s->flags & LINTUN_SESSION_PASSTHROUGH)) {
        refused(s, iov, e->iovcnt, e->len, e->packets);
        return;
    }
    count_sent(s, res, e->packets, e->bytes);
    if (!res && e->packets > 1)
        s->tx_stats.TxCoalesced += e->packets;
}

int tx_init(struct session *s, enum writer_mode mode)
{
    return writer_init(&s->w, s->tun_fd, mode, written, s);
}

/* Stage one packet, where it lies in the send ring, behind a zero
 * virtio_net_hdr (tx_lock held). */
static void write_packet(struct session *s, const uint8_t *p, uint32_t n)
{
    struct iovec *v = writer_pieces(&s->w);
    v[0] = (struct iovec){(void *)plain_hdr, VNET_HDR_LEN};
    v[1] = (struct iovec){(void *)p, n};
    writer_commit(&s->w, 2, 1, n);
}

/*
 * An empty coalescer builds its next super-packet's headers in co_hdr and
 * keeps pointers to the segments' payloads in their send ring slots.
 * Nothing else is staged while the coalescer holds segments: every packet
 * that does not merge finishes the super-packet first (submit()).
 */
static void co_place(struct session *s)
{
    if (!s->co.segments)
        offload_coalescer_init_gather(&s->co, s->co_hdr);
}

/* Stage the coalescer's super-packet and empty it (tx_lock held). */
static void write_coalesced(struct session *s)
{
    struct offload_coalescer *co = &s->co;
    if (!co->segments)
        return;
    uint32_t segs = co->segments;
    size_t len = offload_coalesce_finish(co);
    /* TxBytes counts the packets as the program sent them, each with its headers. */
    size_t bytes = len - VNET_HDR_LEN + (size_t)(segs - 1) * co->hdr_len;
    struct iovec *v = writer_pieces(&s->w);
    unsigned int pieces = offload_coalesce_iov(co, v);
    /* The headers move to the stage, where they stay until written. */
    v[0].iov_base = memcpy(writer_stage(&s->w, v[0].iov_len), v[0].iov_base, v[0].iov_len);
    writer_commit(&s->w, pieces, segs, (uint32_t)bytes);
    offload_coalescer_reset(co);
    if (segs > 1) {
        s->co_misses = 0;
        s->co_window = 0;
    } else if (++s->co_misses >= CO_MISS_RUNS) {
        s->co_misses = 0;
        s->co_window = s->co_window ? s->co_window * 2 : CO_BYPASS_MIN;
        if (s->co_window > CO_BYPASS_MAX)
            s->co_window = CO_BYPASS_MAX;
        s->co_bypass = s->co_window;
    }
}

/* One sent packet, in allocation order (tx_lock held). */
static void submit(struct session *s, const uint8_t *p, uint32_t n)
{
    if (s->flags & LINTUN_SESSION_PASSTHROUGH) {
        if (n <= VNET_HDR_LEN) {
            count_sent(s, -EINVAL, 1, n);
            return;
        }
        *writer_pieces(&s->w) = (struct iovec){(void *)p, n};
        writer_commit(&s->w, 1, 1, n);
        return;
    }
    if (!offload_packet_valid(p, n)) {
        s->tx_stats.TxDroppedInvalid++;
        return;
    }
    if (!s->coalesce || s->co_bypass) {
        if (s->co_bypass) {
            s->co_bypass--;
            /* Anything staged goes first, in order: the packet that was
             * added again after the write that started this bypass. */
            write_coalesced(s);
        }
        write_packet(s, p, n);
        return;
    }
    co_place(s);
    switch (offload_coalesce_add(&s->co, p, n, s->coalesce_udp)) {
    case OFFLOAD_MERGED:
        return;
    case OFFLOAD_STARTED:
        s->co_slot = p;
        return;
    case OFFLOAD_FLUSH_FIRST:
        write_coalesced(s);
        co_place(s);
        if (s->coalesce &&
            offload_coalesce_add(&s->co, p, n, s->coalesce_udp) == OFFLOAD_STARTED) {
            s->co_slot = p;
            return;
        }
        break;
    case OFFLOAD_NOT_COALESCABLE:
        write_coalesced(s);
        break;
    }
    write_packet(s, p, n);
}

/*
 * Free the send ring slots whose bytes the kernel has: every taken slot
 * before the open super-packet's first, once nothing is staged. Done after
 * each send, so that a stream whose super-packet is always open keeps
 * reusing the same few slots instead of walking the whole ring.
 */
static void free_written(struct session *s)
{
    if (!writer_pending(&s->w))
        ring_free_taken(&s->tx, s->co.segments ? s->co_slot : NULL);
}

void tx_flush_held(struct session *s)
{
    write_coalesced(s);
    writer_flush(&s->w);
    free_written(s);
}

/* Write out what s holds back (tx_lock held): nonzero when it had something. */
static int flush_held(struct session *s)
{
    int had = s->co.segments > 0 || writer_pending(&s->w);
    tx_flush_held(s);
    return had;
}

/* ------------------------------------------------------------------------
 * The held list and the flusher thread
 * --------------------------------------------------------------------- */

#define HELD_MAX 64
#define FLUSHER_LINGER 10 /* rounds of TX_HOLD_NS that found nothing: about 1 ms */

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static struct session *held[HELD_MAX];
static atomic_int held_count;
/* Guarded by held_lock: is there a flusher, and is it running its rounds? */
static bool flusher_started;
static bool flusher_awake;
/* Its address tells the threads apart (session.held_by). */
static __thread char thread_mark;

static uintptr_t this_thread(void) { return (uintptr_t)&thread_mark; }

static void unlist(int i)
{
    int n = atomic_load(&held_count) - 1;
    held[i] = held[n];
    held[n] = NULL;
    atomic_store(&held_count, n);
}

/*
 * Write out the listed sessions (all, or those @thread sent into last) that
 * no other thread is sending into. After each write the list may have
 * changed: the scan goes on from the same index (where unlist moved the last
 * entry), and writes at most HELD_MAX sessions, so senders that keep adding
 * cannot keep it going.
 */
static int flush_listed(uintptr_t thread)
{
    int wrote = 0, budget = HELD_MAX;
    if (atomic_load_explicit(&held_count, memory_order_relaxed) == 0)
        return 0;
    pthread_mutex_lock(&held_lock);
    for (int i = 0; i < atomic_load(&held_count) && budget > 0;) {
        struct session *s = held[i];
        if ((thread && atomic_load_explicit(&s->held_by, memory_order_relaxed) != thread) ||
            pthread_mutex_trylock(&s->tx_lock) != 0) {
            i++;
            continue;
        }
        unlist(i);
        s->held = false;
        pthread_mutex_unlock(&held_lock);
        wrote += flush_held(s) != 0;
        pthread_mutex_unlock(&s->tx_lock);
        budget--;
        pthread_mutex_lock(&held_lock);
    }
    pthread_mutex_unlock(&held_lock);
    return wrote;
}

int tx_flush_mine(void) { return flush_listed(this_thread()); }

static void *flusher_main(void *arg)
{
    (void)arg;
    int idle_rounds = 0;
    pthread_mutex_lock(&held_lock);
    for (;;) {
        if (idle_rounds >= FLUSHER_LINGER && atomic_load(&held_count) == 0) {
            flusher_awake = false;
            while (!flusher_awake)
                pthread_cond_wait(&held_cond, &held_lock);
            idle_rounds = 0;
        }
        pthread_mutex_unlock(&held_lock);
        struct timespec d = {0, TX_HOLD_NS};
        nanosleep(&d, NULL);
        pthread_mutex_lock(&fork_lock);
        int wrote = flush_listed(0);
        pthread_mutex_unlock(&fork_lock);
        pthread_mutex_lock(&held_lock);
        idle_rounds = wrote ? 0 : idle_rounds + 1;
    }
    return NULL;
}

/* Start the flusher (held_lock held); a failure is logged, and holds then
 * last until the sending thread's next flush point. */
static void flusher_start(void)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Block every signal in the flusher: signals are the program's business. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&t, &attr, flusher_main, NULL) == 0)
        flusher_started = true;
    else
        log_msg(WINTUN_LOG_WARN, "Failed to start the send flusher thread");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
}

/* fork(): see the top of this file. */
static void fork_prepare(void)
{
    pthread_mutex_lock(&fork_lock);
    pthread_mutex_lock(&held_lock);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&held_lock);
    pthread_mutex_unlock(&fork_lock);
}

static void fork_child(void)
{
    for (int i = 0; i < atomic_load(&held_count); i++) {
        struct session *s = held[i];
        offload_coalescer_reset(&s->co);
        writer_forget(&s->w);
        s->held = false;
        held[i] = NULL;
    }
    atomic_store(&held_count, 0);
    flusher_started = false;
    flusher_awake = false;
    pthread_cond_init(&held_cond, NULL);
    pthread_mutex_unlock(&held_lock);
    pthread_mutex_unlock(&fork_lock);
}

static void atfork_register(void) { pthread_atfork(fork_prepare, fork_parent, fork_child); }

/*
 * Put s on the list (tx_lock held), or, when it is listed already, make the
 * calling thread the one whose flush points write it. false when the list
 * is full: the caller writes now.
 */
static bool held_add(struct session *s)
{
    atomic_store_explicit(&s->held_by, this_thread(), memory_order_relaxed);
    if (s->held)
        return true;
    pthread_once(&atfork_once, atfork_register);
    pthread_mutex_lock(&held_lock);
    int n = atomic_load(&held_count);
    if (n < HELD_MAX) {
        held[n] = s;
        atomic_store(&held_count, n + 1);
        s->held = true;
        if (!flusher_started)
            flusher_start();
        if (!flusher_awake) {
            flusher_awake = true;
            pthread_cond_signal(&held_cond);
        }
    }
    pthread_mutex_unlock(&held_lock);
    return s->held;
}

void tx_unhold(struct session *s)
{
    pthread_mutex_lock(&s->tx_lock);
    pthread_mutex_lock(&held_lock);
    for (int i = 0; i < atomic_load(&held_count); i++) {
        if (held[i] == s) {
            unlist(i);
            break;
        }
    }
    s->held = false;
    pthread_mutex_unlock(&held_lock);
    pthread_mutex_unlock(&s->tx_lock);
}

/* Put the session on the held list (tx_lock held), or write now when it is full. */
static void hold(struct session *s)
{
    if (!held_add(s))
        tx_flush_held(s);
}

void tx_flush_ready(struct session *s)
{
    uint32_t n;
    uint8_t *p;
    while ((p = ring_take_sent(&s->tx, &n)))
        submit(s, p, n);
    free_written(s);
    if (!s->co.segments && !writer_pending(&s->w))
        return;
    /* A session that holds nothing back writes what this call made ready
     * before the call returns, in as few system calls as it can. */
    if ((s->flags & LINTUN_SESSION_NO_COALESCE) || atomic_load(&s->ending))
        tx_flush_held(s);
    else
        hold(s);
}

/* ------------------------------------------------------------------------
 * The public calls
 * --------------------------------------------------------------------- */

LINTUN_EXPORT BYTE *WintunAllocateSendPacket(WINTUN_SESSION_HANDLE handle, DWORD size)
{
    struct session *s = session_get(handle, __func__);
    if (!s)
        return NULL;
    /* As in Wintun, the end of the adapter is reported first. */
    if (session_gone(s)) {
        set_last_error(ERROR_HANDLE_EOF);
        return NULL;
    }
    /* Size 0 is allowed, as in Wintun: the slot is sent and then dropped as
     * too short, and counted (TxDroppedInvalid). */
    if (size > WINTUN_MAX_IP_PACKET_SIZE) {
        fail(ERROR_INVALID_PARAMETER, "WintunAllocateSendPacket: size %u is above %u", size,
             WINTUN_MAX_IP_PACKET_SIZE);
        return NULL;
    }
    pthread_mutex_lock(&s->tx_lock);
    BYTE *p = NULL;
    if (s->magic != SESSION_MAGIC) {
        set_last_error(ERROR_INVALID_HANDLE);
    } else if (!(p = ring_alloc(&s->tx, size))) {
        /* Slots whose packets are held back come free once written. */
        if (ring_has_taken(&s->tx)) {
            tx_flush_held(s);
            p = ring_alloc(&s->tx, size);
        }
        if (!p) {
            s->tx_stats.TxRingFull++;
            set_last_error(ERROR_BUFFER_OVERFLOW);
        }
    }
    pthread_mutex_unlock(&s->tx_lock);
    return p;
}

LINTUN_EXPORT void WintunSendPacket(WINTUN_SESSION_HANDLE handle, const BYTE *packet)
{
    struct session *s = session_get(handle, __func__);
    if (!s)
        return;
    pthread_mutex_lock(&s->tx_lock);
    if (s->magic == SESSION_MAGIC) {
        if (ring_mark(&s->tx, packet) < 0)
            fail(ERROR_INVALID_PARAMETER, "WintunSendPacket: %p is not an allocated packet",
                 (const void *)packet);
        else
            tx_flush_ready(s);
    }
    pthread_mutex_unlock(&s->tx_lock);
}
