/* SPDX-License-Identifier: MIT */
/*
 * A Wintun ring: Capacity bytes of 4-byte-aligned packet slots, with the same
 * arithmetic as Wintun so programs see the same limits. A slot is a 4-byte
 * header (size, plus RING_DONE once released/sent) followed by the packet;
 * it takes align4(4 + size) bytes. Offsets wrap modulo Capacity, but a slot
 * never wraps in memory: the buffer has RING_TRAILER bytes past Capacity, so
 * a slot that starts near the end runs on into them (as Wintun's rings do).
 * One alignment unit is kept free to tell full from empty: a ring holds at
 * most Capacity - 4 bytes of slots.
 *
 *   head <= next <= tail (modulo Capacity, in that order)
 *   [head, next)  packets handed out (receive) or allocated (send), not done
 *                 yet or done but behind an older one that is not
 *   [next, tail)  receive: packets stored, not yet handed out
 *   [tail, head)  free
 * The send ring also has taken, head <= taken <= next: [head, taken) are
 * sent packets the send path has taken to write, whose bytes it reads
 * until the kernel has them (ring_free_taken then frees them).
 *
 * Ownership: the ring has no locking of its own. The session guards each ring
 * with its own mutex (rx_lock, tx_lock) and every function here runs under
 * it, so plain loads and stores suffice; the mutex orders them. The bytes of
 * a packet belong to the program from hand-out (or allocation) until release
 * (or send); the ring never touches them in between.
 */
#ifndef LINTUN_RING_H
#define LINTUN_RING_H

#include <stdbool.h>
#include <stdint.h>

#define RING_ALIGN 4u
#define RING_DONE 0x80000000u
#define RING_SIZE_MASK 0x0001ffffu
/* The largest slot: an IP packet, or a passthrough read (virtio_net_hdr + 64 KiB). */
#define RING_MAX_PACKET (0x10000u + 16u)
#define RING_TRAILER (RING_MAX_PACKET + 2 * RING_ALIGN)

struct ring {
    uint8_t *data;     /* Capacity + RING_TRAILER bytes */
    uint32_t capacity; /* power of two */
    uint32_t head;
    uint32_t next;
    uint32_t tail;
    uint32_t taken;   /* send ring: [head, taken) taken to write, not freed yet */
    uint32_t ready;   /* packets in [next, tail) */
    uint32_t out;     /* slots in [head, next) */
    uint32_t max;     /* the largest size ring_take hands out; a larger header is corruption */
    uint64_t *starts; /* one bit per 4-byte offset: a live slot starts here */
};

static inline uint32_t ring_slot_size(uint32_t size)
{
    return (RING_ALIGN + size + RING_ALIGN - 1) & ~(RING_ALIGN - 1);
}

/* Map the ring's memory; 0 or -errno. */
int ring_init(struct ring *r, uint32_t capacity);
void ring_free(struct ring *r);
/* Free bytes, Wintun's way: wrap(head - tail - 4). */
uint32_t ring_space(const struct ring *r);
/* Append a slot of size bytes at tail; pointer to its data or NULL when full. */
uint8_t *ring_push(struct ring *r, uint32_t size);
/*
 * Receive side: make the slot of data pointer p, the last one pushed, @size
 * bytes (at most what it was pushed with); 0 removes it.
 */
void ring_shrink_last(struct ring *r, uint8_t *p, uint32_t size);
/*
 * Hand out the packet at next; NULL when none. -1 in *size: corrupt slot (a
 * header with bits beyond the size, a size above r->max, or one that runs
 * past tail).
 */
uint8_t *ring_take(struct ring *r, int32_t *size);
/* Send side: push and hand out at once (the slot is the program's). */
uint8_t *ring_alloc(struct ring *r, uint32_t size);
/*
 * Mark the slot of data pointer p done. 0, or -EINVAL when p is not an
 * outstanding packet of this ring. The check is O(1) and exact: p must lie in
 * [head, next) at the start of a live slot (a bitmap of slot starts, 1/32 of
 * the capacity in size) whose header is not marked done yet.
 */
int ring_mark(struct ring *r, const uint8_t *p);
/* Receive side: ring_mark, then move head past every done slot. */
int ring_release(struct ring *r, const uint8_t *p);
/* Receive side: drop the oldest slot. */
void ring_pop(struct ring *r);
/* Send side: take the oldest sent slot not taken yet; NULL when it is not sent. */
uint8_t *ring_take_sent(struct ring *r, uint32_t *size);
/* Send side: are there taken slots not freed yet? */
static inline bool ring_has_taken(const struct ring *r) { return r->taken != r->head; }
/* Send side: free the taken slots before the one of data pointer p (NULL:
 * every taken slot), whose bytes are written. */
void ring_free_taken(struct ring *r, const uint8_t *p);

#endif
