/* SPDX-License-Identifier: MIT */
/*
 * The receive path: WintunReceivePacket and WintunReleaseReceivePacket.
 * See session.h for the design and the locking rules; everything here that
 * touches the ring runs under rx_lock.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "adapter.h"
#include "clock.h"
#include "log.h"
#include "rx.h"
#include "session.h"
#include "tx.h"
#include "uring.h"

/* Worst-case header bytes of one segment (IPv4 60 + TCP 60, IPv6 40 + TCP 60). */
#define SEG_HDR_MAX 120u
/* A read at least this large makes the next go straight to the ring (read_direct). */
#define RX_DIRECT_MIN 8192u

/* Copy a packet into a new ring slot: 0, or -ENOSPC when there is no room. */
static int store(struct session *s, const uint8_t *p, size_t n)
{
    uint8_t *dst = ring_push(&s->rx, (uint32_t)n);
    if (!dst)
        return -ENOSPC;
    memcpy(dst, p, n);
    return 0;
}

/* Where offload_split_to() builds each packet: a new ring slot. */
static uint8_t *ring_slot(void *arg, size_t n)
{
    struct session *s = arg;
    return ring_push(&s->rx, (uint32_t)n);
}

/* Bytes the split of this read may take in the ring, at most. */
static uint64_t split_bound(const struct virtio_net_hdr *h, uint32_t len)
{
    if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE || h->gso_size == 0)
        return ring_slot_size(len);
    uint64_t segs = (len + h->gso_size - 1u) / h->gso_size;
    return segs * ring_slot_size(h->gso_size + SEG_HDR_MAX);
}

/* A packet the kernel handed over that cannot be parsed: counted, not stored. */
static int drop_malformed(struct session *s, uint32_t len)
{
    s->rx_stats.RxDropped++;
    log_msg(WINTUN_LOG_WARN, "Dropped a malformed packet from the kernel (%u bytes)", len);
    return 0;
}

/*
 * Store one read (virtio_net_hdr + packet) into the ring.
 * 0 stored (or dropped and counted), -ENOSPC no room yet.
 */
static int place(struct session *s, const uint8_t *buf, uint32_t n)
{
    const struct virtio_net_hdr *h = (const void *)buf;
    const uint8_t *pkt = buf + VNET_HDR_LEN;
    uint32_t len = n - VNET_HDR_LEN;
    if (s->flags & LINTUN_SESSION_PASSTHROUGH)
        return store(s, buf, n);
    bool gso = h->gso_type != VIRTIO_NET_HDR_GSO_NONE;
    if (gso) {
        /* Room for every segment first, so that a split is never cut short. */
        uint64_t bound = split_bound(h, len);
        if (bound > ring_space(&s->rx)) {
            if (bound <= s->rx.capacity - RING_ALIGN || s->rx.out || s->rx.ready)
                return -ENOSPC;
            s->rx_stats.RxDropped++; /* could never fit, even in an empty ring */
            return 0;
        }
    }
    /* Packets are built straight in their ring slots: one copy, with the
     * checksums that need completing summed on the way. */
    int r = offload_split_to(h, pkt, len, ring_slot, s);
    if (r == -ENOSPC)
        return -ENOSPC; /* no slot for a single packet: nothing was stored */
    if (r < 0)
        return drop_malformed(s, len);
    if (gso)
        s->rx_stats.RxSuperPackets++;
    return 0;
}

static int read_error(struct session *s, int err)
{
    /* A deleted interface answers EFAULT once, then EBADFD. */
    if (err == EBADFD || err == EFAULT || err == ENODEV || err == ENXIO) {
        session_set_eof(s);
        return -EBADFD;
    }
    log_msg(WINTUN_LOG_ERR, "Failed to read from the interface: %s (Code 0x%08X)", strerror(err),
            (unsigned)error_from_errno(err, ERRNO_ANY));
    return -err;
}

/*
 * Receive offload follows the traffic. With TUN_F_CSUM on, the kernel leaves
 * every UDP and TCP checksum for us to finish, where a sender without TUN
 * computes it while copying the data in, almost for free. That pays only
 * while super-packets arrive (docs/benchmarks.md). So after
 * RX_OFF_AFTER_READS reads in a row without a super-packet, the session turns
 * receive offload off; RX_ON_AFTER_BULK bulk TCP segments in a row (what a
 * transfer looks like without TSO) turn it back on, and a running TCP
 * connection picks TSO up again within about a second. Sends are not
 * affected: the kernel takes coalesced writes either way.
 */
#define RX_OFF_AFTER_READS 2048u
#define RX_ON_AFTER_BULK 16u
#define RX_TOGGLE_MIN_NS 1000000000ull

/* Turn the device's receive offload on (the session's flags) or off; logged. */
static void switch_rx_offload(struct session *s, bool on, uint64_t now)
{
    if (ioctl(s->tun_fd, TUNSETOFFLOAD, on ? (unsigned long)s->offload : 0UL) < 0)
        return;
    s->rx_offload_off = !on;
    s->rx_toggle_ns = now;
    if (on)
        log_msg(WINTUN_LOG_INFO, "Receive offload back on on \"%ls\": bulk TCP arrives",
                s->adapter->name);
    else
        log_msg(WINTUN_LOG_INFO, "Receive offload off on \"%ls\": no super-packet in %u reads",
                s->adapter->name, RX_OFF_AFTER_READS);
}

static void offload_follow(struct session *s, const uint8_t *buf, uint32_t n)
{
    if (!(s->offload & (TUN_F_TSO4 | TUN_F_TSO6)) || (s->flags & LINTUN_SESSION_PASSTHROUGH))
        return;
    const struct virtio_net_hdr *h = (const void *)buf;
    if (!s->rx_offload_off) {
        if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
            s->rx_plain_reads = 0;
            return;
        }
        if (++s->rx_plain_reads < RX_OFF_AFTER_READS)
            return;
        s->rx_plain_reads = 0;
        uint64_t now = now_ns();
        if (!s->rx_toggle_ns || now - s->rx_toggle_ns >= RX_TOGGLE_MIN_NS)
            switch_rx_offload(s, false, now);
        return;
    }
    if (!offload_bulk_tcp(buf + VNET_HDR_LEN, n - VNET_HDR_LEN)) {
        s->rx_bulk_reads = 0;
        return;
    }
    if (++s->rx_bulk_reads < RX_ON_AFTER_BULK)
        return;
    s->rx_bulk_reads = 0;
    switch_rx_offload(s, true, now_ns());
}

/* The buffer of the i-th read of a batch. */
static uint8_t *read_buf(struct session *s, unsigned int i)
{
    return s->rx_buf + (size_t)i * RX_BUF_LEN;
}

/*
 * Store the reads already made, in order (rx_lock held). -ENOSPC when one
 * does not fit yet: it and the ones after it wait for releases, and the
 * queue leaves the wait set meanwhile.
 */
static int place_reads(struct session *s)
{
    for (; s->rx_first < s->rx_count; s->rx_first++) {
        uint32_t n = s->rx_lens[s->rx_first];
        if (n && place(s, read_buf(s, s->rx_first), n) == -ENOSPC) {
            session_set_rx_blocked(s, true);
            return -ENOSPC;
        }
    }
    s->rx_first = s->rx_count = 0;
    session_set_rx_blocked(s, false);
    return 0;
}

/* One read() of the queue into @buf (EINTR retried): bytes, or -errno. */
static ssize_t read_once(struct session *s, uint8_t *buf)
{
    ssize_t n;
    do
        n = read(s->tun_fd, buf, RX_BUF_LEN);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

/* Count a read of @n bytes: true when it holds a packet, false when it is
 * too short to hold one (dropped and counted). */
static bool count_read(struct session *s, uint32_t n)
{
    s->rx_stats.RxReads++;
    s->rx_direct = n >= RX_DIRECT_MIN;
    if (n > VNET_HDR_LEN)
        return true;
    s->rx_stats.RxDropped++;
    return false;
}

/* One read's result: counted, and kept for place_reads() when it has a packet. */
static void got_read(struct session *s, unsigned int i, uint32_t n)
{
    if (count_read(s, n))
        offload_follow(s, read_buf(s, i), n);
    else
        n = 0;
    s->rx_lens[i] = n;
    s->rx_count = i + 1;
}

/*
 * Passthrough sessions hand the program each read as it is, so a read can
 * land straight in a ring slot: one made as large as a read can be, then
 * cut to what the read gave. That saves copying the read, and pays where
 * reads are large (super-packets of bulk TCP), where the copy costs more
 * than the system calls a batch of reads would save. While the last read
 * was at least RX_DIRECT_MIN bytes and the ring has room for the largest
 * read, reads go straight to the ring, one per system call; smaller ones
 * go through rx_buf, batched.
 */
static bool read_direct(struct session *s)
{
    return (s->flags & LINTUN_SESSION_PASSTHROUGH) && s->rx_direct &&
           ring_space(&s->rx) >= ring_slot_size(RX_BUF_LEN);
}

/* One read straight into a new ring slot (read_direct()). 0, or -errno. */
static int read_into_ring(struct session *s)
{
    uint8_t *p = ring_push(&s->rx, RX_BUF_LEN);
    ssize_t n = read_once(s, p);
    if (n < 0) {
        ring_shrink_last(&s->rx, p, 0);
        return (int)n;
    }
    ring_shrink_last(&s->rx, p, count_read(s, (uint32_t)n) ? (uint32_t)n : 0);
    return 0;
}

/*
 * Read what the queue has, up to rx_depth packets (rx_lock held): one read(),
 * or a batch of reads in one io_uring submission. 0, or -errno from the first
 * read that failed other than with EAGAIN (what came before it is kept).
 *
 * The depth follows the queue: two reads in a row that found a packet start
 * batches of 2, a batch that fills doubles the next, up to RX_BATCH, and a
 * batch that comes back short sets it to what it found. A program that takes
 * packets as they trickle in keeps reading with one read() per packet; a
 * flood is read RX_BATCH packets per system call.
 */
static int read_queue(struct session *s)
{
    s->rx_first = s->rx_count = 0;
    if (read_direct(s))
        return read_into_ring(s);
    if (s->rx_depth <= 1) {
        ssize_t n = read_once(s, s->rx_buf);
        if (n < 0) {
            s->rx_streak = 0;
            return (int)n;
        }
        got_read(s, 0, (uint32_t)n);
        if (s->rx_batched && ++s->rx_streak >= 2)
            s->rx_depth = 2;
        return 0;
    }
    struct uring_op ops[RX_BATCH];
    unsigned int depth = s->rx_depth;
    for (unsigned int i = 0; i < depth; i++)
        ops[i] = (struct uring_op){.buf = read_buf(s, i), .len = RX_BUF_LEN};
    int err = uring_read_batch(s->tun_fd, ops, depth);
    if (!err && ops[0].res == -EOPNOTSUPP)
        err = -EOPNOTSUPP;
    if (err < 0) {
        log_msg(WINTUN_LOG_WARN, "io_uring failed (%s): reading with read() from now on",
                strerror(-err));
        s->rx_batched = false;
        s->rx_depth = 1;
        return 0;
    }
    unsigned int got = 0;
    err = 0;
    for (unsigned int i = 0; i < depth && !err; i++) {
        s->rx_lens[i] = 0; /* an empty read between two packets stores nothing */
        if (ops[i].res >= 0) {
            got_read(s, i, (uint32_t)ops[i].res);
            got++;
        } else if (ops[i].res != -EAGAIN && ops[i].res != -EINTR && ops[i].res != -ECANCELED) {
            err = ops[i].res;
        }
    }
    s->rx_depth = got == depth ? (depth * 2 > RX_BATCH ? RX_BATCH : depth * 2) : (got ? got : 1);
    s->rx_streak = 0;
    return err ? err : (got ? 0 : -EAGAIN);
}

int rx_fill(struct session *s)
{
    if (place_reads(s) == -ENOSPC)
        return 0;
    /* Reads that yield nothing storable (dropped) are retried, a few times. */
    for (int tries = 0; s->rx.ready == 0 && tries < 8; tries++) {
        int err = read_queue(s);
        if (place_reads(s) == -ENOSPC)
            return 0;
        if (err == -EAGAIN)
            return 0;
        if (err < 0)
            return read_error(s, -err);
    }
    return 0;
}

static BYTE *receive_locked(struct session *s, DWORD *size)
{
    if (s->rx.ready == 0) {
        if (atomic_load(&s->eof)) {
            set_last_error(ERROR_HANDLE_EOF);
            return NULL;
        }
        int err = rx_fill(s);
        if (err == -EBADFD) {
            set_last_error(ERROR_HANDLE_EOF);
            return NULL;
        }
        if (s->rx.ready == 0) {
            session_check_creator(s, false);
            if (atomic_load(&s->eof)) {
                set_last_error(ERROR_HANDLE_EOF);
                return NULL;
            }
            session_event_reset(s);
            set_last_error(ERROR_NO_MORE_ITEMS);
            return NULL;
        }
        if (s->rx.ready > 1 && atomic_load(&s->waiters) > 0)
            session_wake(s); /* other receivers may be asleep while we hold many */
    }
    int32_t n;
    uint8_t *p = ring_take(&s->rx, &n);
    if (!p) {
        fail(ERROR_INVALID_DATA, "The receive ring is corrupt (a packet header was overwritten)");
        return NULL;
    }
    s->rx_stats.RxPackets++;
    s->rx_stats.RxBytes += (uint32_t)n;
    *size = (DWORD)n;
    return p;
}

LINTUN_EXPORT BYTE *WintunReceivePacket(WINTUN_SESSION_HANDLE handle, DWORD *size)
{
    struct session *s = session_get(handle, __func__);
    if (!s)
        return NULL;
    if (!size) {
        fail(ERROR_INVALID_PARAMETER, "WintunReceivePacket: PacketSize is NULL");
        return NULL;
    }
    pthread_mutex_lock(&s->rx_lock);
    BYTE *p = NULL;
    if (s->magic != SESSION_MAGIC)
        set_last_error(ERROR_INVALID_HANDLE);
    else
        p = receive_locked(s, size);
    pthread_mutex_unlock(&s->rx_lock);
    /* Nothing to receive: a good moment to write what sends hold back. */
    if (!p)
        tx_flush_mine();
    return p;
}

void rx_after_release(struct session *s)
{
    if (s->rx_first == s->rx_count || place_reads(s) == -ENOSPC)
        return;
    session_wake(s);
}

/* Reads rx_pull() makes at most: a queue holds 500 packets by default. */
#define RX_PULL_READS 64

int rx_pull(struct session *s)
{
    uint32_t before = s->rx.ready;
    if (place_reads(s) == -ENOSPC)
        return (int)(s->rx.ready - before);
    for (int i = 0; i < RX_PULL_READS; i++) {
        /* Two reads or more per system call where reads are batched: a
         * batch that comes back short shows the queue empty, with no
         * further read that finds nothing. */
        if (s->rx_batched && s->rx_depth < 2)
            s->rx_depth = 2;
        unsigned int depth = s->rx_depth;
        int err = read_queue(s);
        if (place_reads(s) == -ENOSPC || err == -EAGAIN)
            break;
        if (err < 0) {
            err = read_error(s, -err);
            return s->rx.ready != before ? (int)(s->rx.ready - before) : err;
        }
        if (depth > 1 && s->rx_depth < depth)
            break;
    }
    return (int)(s->rx.ready - before);
}

LINTUN_EXPORT void WintunReleaseReceivePacket(WINTUN_SESSION_HANDLE handle, const BYTE *packet)
{
    struct session *s = session_get(handle, __func__);
    if (!s)
        return;
    pthread_mutex_lock(&s->rx_lock);
    if (s->magic == SESSION_MAGIC) {
        if (ring_release(&s->rx, packet) < 0)
            fail(ERROR_INVALID_PARAMETER,
                 "WintunReleaseReceivePacket: %p is not an outstanding received packet",
                 (const void *)packet);
        else
            rx_after_release(s);
    }
    pthread_mutex_unlock(&s->rx_lock);
}
