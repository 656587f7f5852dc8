/* SPDX-License-Identifier: MIT */
/*
 * A ring refuses exactly when the next slot would pass Capacity - 4 bytes,
 * Wintun's arithmetic, for every packet size class; allocation order is
 * delivery order on the send side.
 */
#include "harness.h"
#include "ring.h"

static void fill(uint32_t capacity, uint32_t size)
{
    struct ring r;
    REQUIRE(ring_init(&r, capacity) == 0);
    uint32_t slot = ring_slot_size(size);
    uint32_t want = (capacity - 4) / slot, got = 0;
    while (ring_alloc(&r, size))
        got++;
    if (got != want)
        FAILF("capacity 0x%x size %u: %u packets fit, want %u", capacity, size, got, want);
    /* The last allocation failed; one smaller slot fits if space allows. */
    uint32_t left = ring_space(&r);
    CHECK(left < slot);
    if (left >= 4)
        CHECK(ring_alloc(&r, left - 4) != NULL);
    ring_free(&r);
}

static void order(void)
{
    struct ring r;
    REQUIRE(ring_init(&r, WINTUN_MIN_RING_CAPACITY) == 0);
    uint8_t *a = ring_alloc(&r, 10), *b = ring_alloc(&r, 20), *c = ring_alloc(&r, 30);
    uint32_t n;
    CHECK_EQ(ring_mark(&r, c), 0);
    CHECK(ring_take_sent(&r, &n) == NULL); /* a holds everything back */
    CHECK_EQ(ring_mark(&r, a), 0);
    uint32_t before = ring_space(&r);
    CHECK(ring_take_sent(&r, &n) == a);
    CHECK_EQ(n, 10);
    CHECK_EQ(ring_space(&r), before);    /* taken, not written yet: still held */
    CHECK_EQ(ring_mark(&r, a), -EINVAL); /* sent once only */
    ring_free_taken(&r, NULL);
    CHECK(ring_space(&r) > before);
    CHECK(ring_take_sent(&r, &n) == NULL); /* b not sent yet */
    CHECK_EQ(ring_mark(&r, b), 0);
    CHECK(ring_take_sent(&r, &n) == b);
    CHECK(ring_take_sent(&r, &n) == c);
    CHECK_EQ(n, 30);
    ring_free_taken(&r, NULL);
    CHECK_EQ(r.head, r.tail);
    ring_free(&r);
}

int main(void)
{
    uint32_t sizes[] = {1, 3, 4, 20, 40, 1279, 1280, 1500, 9000, 65535};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        fill(WINTUN_MIN_RING_CAPACITY, sizes[i]);
        fill(0x400000, sizes[i]);
    }
    order();
    return test_done();
}
