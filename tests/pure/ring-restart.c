/* SPDX-License-Identifier: MIT */
/*
 * An empty ring starts over at offset 0, on both sides, and only an empty
 * one: a ring with a packet handed out, stored or allocated keeps its place.
 */
#include "harness.h"
#include "ring.h"

int main(void)
{
    struct ring r;
    REQUIRE(ring_init(&r, WINTUN_MIN_RING_CAPACITY) == 0);
    uint8_t *const first = r.data + RING_ALIGN;

    /* Receive side: push two, take and release both: back to the start. */
    uint8_t *a = ring_push(&r, 100), *b = ring_push(&r, 200);
    REQUIRE(a == first && b);
    int32_t n;
    CHECK(ring_take(&r, &n) == a);
    CHECK_EQ(ring_release(&r, a), 0);
    /* b is stored, not handed out: the ring is not empty, nothing moves. */
    CHECK(ring_push(&r, 10) != first);
    CHECK(ring_take(&r, &n) == b);
    uint8_t *c = ring_take(&r, &n);
    CHECK(c && n == 10);
    /* Released out of order: only the last release empties the ring. */
    CHECK_EQ(ring_release(&r, c), 0);
    CHECK(r.tail != 0);
    CHECK_EQ(ring_release(&r, b), 0);
    CHECK_EQ(r.head, 0);
    CHECK_EQ(r.tail, 0);
    CHECK(ring_push(&r, 50) == first);
    CHECK(ring_take(&r, &n) == first);
    CHECK_EQ(ring_release(&r, first), 0);

    /* Send side: allocate two, send both; freeing the last starts over. */
    uint8_t *s1 = ring_alloc(&r, 300), *s2 = ring_alloc(&r, 300);
    REQUIRE(s1 == first && s2);
    CHECK_EQ(ring_mark(&r, s1), 0);
    CHECK_EQ(ring_mark(&r, s2), 0);
    uint32_t len;
    CHECK(ring_take_sent(&r, &len) == s1);
    ring_free_taken(&r, NULL);
    CHECK(ring_alloc(&r, 300) != first); /* s2 still queued: keeps its place */
    CHECK(ring_take_sent(&r, &len) == s2);
    CHECK(ring_has_taken(&r));
    ring_free_taken(&r, NULL);
    CHECK(!ring_has_taken(&r));
    CHECK(ring_take_sent(&r, &len) == NULL); /* the third is allocated, not sent */
    CHECK(r.tail != 0);

    /* A full-size empty ring after restart: capacity is unchanged. */
    ring_free(&r);
    REQUIRE(ring_init(&r, WINTUN_MIN_RING_CAPACITY) == 0);
    uint8_t *p = ring_push(&r, 0x10000);
    REQUIRE(p);
    CHECK(ring_take(&r, &n) == p);
    CHECK_EQ(ring_release(&r, p), 0);
    CHECK_EQ(ring_space(&r), WINTUN_MIN_RING_CAPACITY - RING_ALIGN);
    ring_free(&r);
    return test_done();
}
