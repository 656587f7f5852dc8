/* SPDX-License-Identifier: MIT */
/*
 * Releases may come in any order; space returns only when every earlier
 * packet is released too. Bad pointers are refused.
 */
#include "harness.h"
#include "ring.h"

int main(void)
{
    struct ring r;
    REQUIRE(ring_init(&r, WINTUN_MIN_RING_CAPACITY) == 0);
    uint8_t *p[4];
    for (int i = 0; i < 4; i++) {
        REQUIRE(ring_push(&r, 100));
        int32_t n;
        p[i] = ring_take(&r, &n);
    }
    uint32_t full = ring_space(&r);
    CHECK_EQ(full, WINTUN_MIN_RING_CAPACITY - 4 - 4 * ring_slot_size(100));
    /* Release 2, 3, 1: nothing comes back while 0 is held. */
    CHECK_EQ(ring_release(&r, p[2]), 0);
    CHECK_EQ(ring_release(&r, p[3]), 0);
    CHECK_EQ(ring_release(&r, p[1]), 0);
    CHECK_EQ(ring_space(&r), full);
    CHECK_EQ(r.out, 4);
    /* Releasing 0 frees all four at once. */
    CHECK_EQ(ring_release(&r, p[0]), 0);
    CHECK_EQ(ring_space(&r), WINTUN_MIN_RING_CAPACITY - 4);
    CHECK_EQ(r.out, 0);
    /* Double release, a pointer into the middle, NULL, foreign memory. */
    CHECK_EQ(ring_release(&r, p[0]), -EINVAL);
    uint8_t *q = ring_push(&r, 64);
    int32_t n;
    REQUIRE(ring_take(&r, &n) == q);
    CHECK_EQ(ring_release(&r, q + 4), -EINVAL);
    CHECK_EQ(ring_release(&r, NULL), -EINVAL);
    uint8_t local[8];
    CHECK_EQ(ring_release(&r, local + 4), -EINVAL);
    CHECK_EQ(ring_release(&r, q), 0);
    CHECK_EQ(ring_release(&r, q), -EINVAL);
    ring_free(&r);
    return test_done();
}
