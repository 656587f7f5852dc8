/* SPDX-License-Identifier: MIT */
/*
 * The send path: WintunAllocateSendPacket, WintunSendPacket, and the writes
 * that follow. See session.h for the design and the locking rules.
 *
 * Traffic that never merges. Staging a packet in the coalescer costs a copy,
 * a checksum check and a hold; for packets that cannot merge (flows taking
 * turns, UDP without a checksum, pure ACKs) that cost buys nothing, so it is
 * not paid for long. After CO_MISS_RUNS super-packets in a row that ended
 * with one segment, the next co_window packets are written straight away;
 * then coalescing is tried again. Each try that fails doubles the window,
 * from CO_BYPASS_MIN up to CO_BYPASS_MAX (a try holds packets and so keeps
 * the flusher awake for a while); a merge sets it back, so a flow that
 * starts merging is picked up within co_window packets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "held.h"
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

/* Fallback after a refused super-packet: write its segments one by one. */
static int emit_plain(void *arg, const uint8_t *p, size_t n)
{
    struct session *s = arg;
    memcpy(s->tx_buf + VNET_HDR_LEN, p, n);
    s->tx_stats.TxWrites++;
    count_sent(s, writer_write_now(&s->w, s->tx_buf, VNET_HDR_LEN + n), 1, n);
    return 0;
}

/*
 * Some kernels refuse coalesced writes: stop coalescing that kind (UDP or
 * TCP), log once, and write these segments one by one. This runs while the
 * writer reports, before anything staged after the super-packet is written.
 */
static void refused(struct session *s, const uint8_t *data, uint32_t len, uint32_t segs)
{
    const struct virtio_net_hdr *h = (const void *)data;
    bool udp = h->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4;
    log_msg(WINTUN_LOG_WARN,
            "The kernel refused a coalesced %s write; sending %s packets "
            "one by one from now on",
            udp ? "UDP" : "TCP", udp ? "UDP" : "TCP");
    if (udp)
        s->coalesce_udp = false;
    else
        s->coalesce = false;
    /* A scratch buffer of its own: this happens once per session at most. */
    uint8_t *scratch = malloc(OFFLOAD_SCRATCH_LEN);
    if (!scratch || offload_split(h, data + VNET_HDR_LEN, len - VNET_HDR_LEN, emit_plain, s,
                                  scratch, OFFLOAD_SCRATCH_LEN) < 0)
        s->tx_stats.TxDroppedKernel += segs;
    free(scratch);
}

/* The writer's report on one write (tx_lock held): count it. */
static void written(void *arg, const struct writer_entry *e, const uint8_t *data, int res)
{
    struct session *s = arg;
    s->tx_stats.TxWrites++;
    if (res == -EINVAL && e->packets > 1 && !(s->flags & LINTUN_SESSION_PASSTHROUGH)) {
        refused(s, data, e->len, e->packets);
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

/* Stage one packet behind a zero virtio_net_hdr (tx_lock held). */
static void write_packet(struct session *s, const uint8_t *p, uint32_t n)
{
    uint8_t *dst = writer_reserve(&s->w, VNET_HDR_LEN + n);
    memset(dst, 0, VNET_HDR_LEN);
    memcpy(dst + VNET_HDR_LEN, p, n);
    writer_commit(&s->w, VNET_HDR_LEN + n, 1, n);
}

/*
 * An empty coalescer builds its next super-packet at the free end of the
 * writer's stage, where finishing it stages it without a copy. Nothing else
 * is staged while the coalescer holds segments: every packet that does not
 * merge finishes the super-packet first (submit()).
 */
static void co_place(struct session *s)
{
    if (!s->co.segments)
        offload_coalescer_init(&s->co, writer_reserve(&s->w, OFFLOAD_SUPER_LEN),
                               OFFLOAD_SUPER_LEN);
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
    writer_commit(&s->w, (uint32_t)len, segs, (uint32_t)bytes);
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
        memcpy(writer_reserve(&s->w, n), p, n);
        writer_commit(&s->w, n, 1, n);
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
    case OFFLOAD_STARTED:
        return;
    case OFFLOAD_FLUSH_FIRST:
        write_coalesced(s);
        co_place(s);
        if (s->coalesce && offload_coalesce_add(&s->co, p, n, s->coalesce_udp) == OFFLOAD_STARTED)
            return;
        break;
    case OFFLOAD_NOT_COALESCABLE:
        write_coalesced(s);
        break;
    }
    write_packet(s, p, n);
}

void tx_flush_held(struct session *s)
{
    write_coalesced(s);
    writer_flush(&s->w);
}

/* The held list's write-out of one session (tx_lock held): nonzero when it had something. */
static int flush_held(struct session *s)
{
    int had = s->co.segments > 0 || writer_pending(&s->w);
    tx_flush_held(s);
    return had;
}

/* Put the session on the held list (tx_lock held), or write now when it is full. */
static void hold(struct session *s)
{
    if (!held_add(s, flush_held))
        tx_flush_held(s);
}

void tx_flush_ready(struct session *s)
{
    uint32_t n;
    uint8_t *p;
    while ((p = ring_oldest_done(&s->tx, &n))) {
        submit(s, p, n);
        ring_pop(&s->tx);
    }
    if ((s->co.segments || writer_pending(&s->w)) && !atomic_load(&s->ending))
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
        s->tx_stats.TxRingFull++;
        set_last_error(ERROR_BUFFER_OVERFLOW);
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
