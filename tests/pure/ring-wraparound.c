/* SPDX-License-Identifier: MIT */
/* Ring offsets wrap at Capacity while packets stay contiguous past the end. */
#include "harness.h"
#include "ring.h"

int main(void)
{
    struct ring r;
    REQUIRE(ring_init(&r, WINTUN_MIN_RING_CAPACITY) == 0);
    const uint32_t size = 1499; /* slot: align4(4 + 1499) = 1504 */
    uint64_t pushed = 0, taken = 0;
    bool crossed_end = false;
    /* Push and consume far more than the capacity, in bursts of 5. One
     * packet stays outstanding from each burst to the next, so the ring never
     * empties (an empty ring starts over at offset 0) and has to wrap. */
    uint8_t *kept = NULL;
    for (int round = 0; round < 400; round++) {
        uint8_t *ps[5];
        for (int i = 0; i < 5; i++) {
            ps[i] = ring_push(&r, size);
            REQUIRE(ps[i]);
            memset(ps[i], (int)(pushed++ & 0xff), size);
            if (ps[i] + size > r.data + r.capacity)
                crossed_end = true;
        }
        for (int i = 0; i < 5; i++) {
            int32_t n;
            uint8_t *p = ring_take(&r, &n);
            CHECK(p == ps[i]);
            CHECK_EQ(n, size);
            CHECK_EQ(p[0], taken & 0xff);
            CHECK_EQ(p[size - 1], taken & 0xff);
            taken++;
            if (i < 4)
                CHECK_EQ(ring_release(&r, p), 0);
        }
        if (kept)
            CHECK_EQ(ring_release(&r, kept), 0);
        kept = ps[4];
        CHECK_EQ(r.out, 1);
        CHECK_EQ(ring_space(&r), WINTUN_MIN_RING_CAPACITY - 4 - 1504);
    }
    CHECK_EQ(ring_release(&r, kept), 0);
    CHECK(crossed_end);
    CHECK_EQ(ring_space(&r), WINTUN_MIN_RING_CAPACITY - 4);
    /* Every slot starts 4-aligned, below Capacity. */
    uint8_t *p = ring_push(&r, 1);
    CHECK(((uintptr_t)(p - r.data)) % 4 == 0);
    CHECK(p < r.data + r.capacity + 4);
    ring_free(&r);
    return test_done();
}
