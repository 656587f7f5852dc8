/* SPDX-License-Identifier: MIT */
/* Wintun rings; see ring.h for the layout and the ownership rules. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "ring.h"

static inline uint32_t wrap(const struct ring *r, uint32_t x) { return x & (r->capacity - 1); }

static inline uint32_t *slot_header(const struct ring *r, uint32_t off)
{
    return (uint32_t *)(void *)(r->data + off);
}

static inline size_t bitmap_bytes(uint32_t capacity) { return capacity / RING_ALIGN / 8; }

static inline void mark_start(struct ring *r, uint32_t off, bool on)
{
    uint32_t bit = off / RING_ALIGN;
    if (on)
        r->starts[bit / 64] |= 1ull << (bit % 64);
    else
        r->starts[bit / 64] &= ~(1ull << (bit % 64));
}

static inline bool is_start(const struct ring *r, uint32_t off)
{
    uint32_t bit = off / RING_ALIGN;
    return (r->starts[bit / 64] >> (bit % 64)) & 1;
}

int ring_init(struct ring *r, uint32_t capacity)
{
    memset(r, 0, sizeof(*r));
    /* Anonymous mappings: pages are only paid for once packets touch them. */
    void *m = mmap(NULL, (size_t)capacity + RING_TRAILER, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -errno;
    void *b = mmap(NULL, bitmap_bytes(capacity), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED) {
        int err = -errno;
        munmap(m, (size_t)capacity + RING_TRAILER);
        return err;
    }
    r->data = m;
    r->starts = b;
    r->capacity = capacity;
    r->max = RING_MAX_PACKET;
    return 0;
}

void ring_free(struct ring *r)
{
    if (r->data)
        munmap(r->data, (size_t)r->capacity + RING_TRAILER);
    if (r->starts)
        munmap(r->starts, bitmap_bytes(r->capacity));
    r->data = NULL;
    r->starts = NULL;
}

uint32_t ring_space(const struct ring *r) { return wrap(r, r->head - r->tail - RING_ALIGN); }

uint8_t *ring_push(struct ring *r, uint32_t size)
{
    uint32_t slot = ring_slot_size(size);
    if (size > RING_MAX_PACKET || slot > ring_space(r))
        return NULL;
    uint32_t off = r->tail;
    *slot_header(r, off) = size;
    mark_start(r, off, true);
    r->tail = wrap(r, off + slot);
    r->ready++;
    return r->data + off + RING_ALIGN;
}

void ring_shrink_last(struct ring *r, uint8_t *p, uint32_t size)
{
    uint32_t off = (uint32_t)(p - r->data) - RING_ALIGN;
    if (size == 0) {
        mark_start(r, off, false);
        r->tail = off;
        r->ready--;
        return;
    }
    *slot_header(r, off) = size;
    r->tail = wrap(r, off + ring_slot_size(size));
}

uint8_t *ring_take(struct ring *r, int32_t *size)
{
    if (r->next == r->tail)
        return NULL;
    uint32_t off = r->next;
    uint32_t hdr = *slot_header(r, off);
    uint32_t len = hdr & RING_SIZE_MASK;
    /* A slot that claims more than the largest packet, or more than what
     * lies before tail, was overwritten by the program: report the ring as
     * corrupt rather than hand out garbage (Wintun checks the size against
     * WINTUN_MAX_IP_PACKET_SIZE the same way). */
    if ((hdr & ~RING_SIZE_MASK) || len > r->max || ring_slot_size(len) > wrap(r, r->tail - off)) {
        *size = -1;
        return NULL;
    }
    r->next = wrap(r, off + ring_slot_size(len));
    r->ready--;
    r->out++;
    *size = (int32_t)len;
    return r->data + off + RING_ALIGN;
}

uint8_t *ring_alloc(struct ring *r, uint32_t size)
{
    if (!ring_push(r, size))
        return NULL;
    int32_t len;
    return ring_take(r, &len);
}

int ring_mark(struct ring *r, const uint8_t *p)
{
    if (!p || p < r->data + RING_ALIGN || p >= r->data + r->capacity + RING_ALIGN)
        return -EINVAL;
    uint32_t off = (uint32_t)(p - r->data) - RING_ALIGN;
    if (off % RING_ALIGN || wrap(r, off - r->head) >= wrap(r, r->next - r->head) ||
        r->head == r->next)
        return -EINVAL;
    uint32_t *hdr = slot_header(r, off);
    if (!is_start(r, off) || (*hdr & ~RING_SIZE_MASK))
        return -EINVAL;
    *hdr |= RING_DONE;
    return 0;
}

int ring_release(struct ring *r, const uint8_t *p)
{
    int err = ring_mark(r, p);
    if (err)
        return err;
    while (r->head != r->next && (*slot_header(r, r->head) & RING_DONE))
        ring_pop(r);
    return 0;
}

uint8_t *ring_take_sent(struct ring *r, uint32_t *size)
{
    if (r->taken == r->next)
        return NULL;
    uint32_t off = r->taken;
    uint32_t hdr = *slot_header(r, off);
    if (!(hdr & RING_DONE))
        return NULL;
    *size = hdr & RING_SIZE_MASK;
    r->taken = wrap(r, off + ring_slot_size(*size));
    return r->data + off + RING_ALIGN;
}

void ring_free_taken(struct ring *r, const uint8_t *p)
{
    uint32_t stop = p ? (uint32_t)(p - r->data) - RING_ALIGN : r->taken;
    while (r->head != r->taken && r->head != stop)
        ring_pop(r);
}

/*
 * An empty ring starts over at offset 0. Where slots lie is invisible to the
 * program (how much fits does not depend on it: slots never wrap in memory),
 * but it decides which memory the packets pass through: a program that
 * releases each packet before it takes the next (a forwarder, an echo
 * responder) then keeps reusing the same few cache lines instead of walking
 * through Capacity bytes of cold memory. With a 4 MiB ring that walk cost a
 * cache miss per 64 bytes of packet, twice per forwarded packet.
 */
void ring_pop(struct ring *r)
{
    uint32_t hdr = *slot_header(r, r->head);
    bool was_taken = r->taken != r->head;
    mark_start(r, r->head, false);
    r->head = wrap(r, r->head + ring_slot_size(hdr & RING_SIZE_MASK));
    /* head <= taken: a ring whose slots are not taken (the receive ring)
     * keeps taken at head. */
    if (!was_taken)
        r->taken = r->head;
    r->out--;
    if (r->head == r->tail)
        r->head = r->next = r->tail = r->taken = 0;
}
