/* SPDX-License-Identifier: MIT */
/*
 * offload_csum_add()/offload_csum_fold() agree with the reference sum for
 * odd and even lengths, chained even-length chunks, a carried-in sum, and a
 * 64 KiB buffer of 0xff bytes (where a 32-bit accumulator could overflow if
 * done carelessly), plus the RFC 1071 example. offload_csum_copy() gives the
 * same sum and copies exactly the bytes summed, at any alignment of source
 * and destination; a 1 MiB run of 0xff bytes crosses the vector loop's
 * round limit.
 */
#include "harness.h"
#include "offload-pkt.h"

static uint8_t buf[70000];
static uint8_t dst[70100];
static uint8_t big[1u << 20];

int main(void)
{
    static const uint8_t rfc[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

    CHECK_EQ(offload_csum_fold(offload_csum_add(0, rfc, 8)), 0xddf2);
    CHECK_EQ(offload_csum_fold(0), 0);
    CHECK_EQ(offload_csum_fold(0xffffffffu), 0xffff);
    for (int iter = 0; iter < 2000; iter++) {
        size_t n = rnd_below(iter < 1000 ? 100 : 66000);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rnd();
        uint32_t seed = rnd();
        uint16_t want = inet_reduce(inet_sum(seed, buf, n));
        uint16_t got = offload_csum_fold(offload_csum_add(seed, buf, n));
        /* 0 and 0xffff are the same number in ones' complement. */
        if (got != want && !((got == 0 || got == 0xffff) && (want == 0 || want == 0xffff)))
            FAILF("length %zu: got 0x%04x, want 0x%04x", n, got, want);
        size_t cut = n ? (rnd_below((uint32_t)n) & ~(size_t)1) : 0;
        uint32_t chained = offload_csum_add(offload_csum_add(seed, buf, cut), buf + cut, n - cut);
        CHECK_EQ(offload_csum_fold(chained), got);
        size_t at = rnd_below(33);
        memset(dst, 0xa5, sizeof(dst));
        uint32_t copied = offload_csum_copy(seed, dst + at, buf, n);
        CHECK_EQ(copied, offload_csum_add(seed, buf, n));
        if (memcmp(dst + at, buf, n) != 0)
            FAILF("length %zu at %zu: the copy differs", n, at);
        for (size_t i = 0; i < at; i++)
            CHECK_EQ(dst[i], 0xa5);
        CHECK_EQ(dst[at + n], 0xa5);
        size_t from = rnd_below(31);
        if (from < n)
            CHECK_EQ(offload_csum_copy(seed, dst, buf + from, n - from),
                     offload_csum_add(seed, buf + from, n - from));
    }
    memset(big, 0xff, sizeof(big));
    CHECK_EQ(offload_csum_fold(offload_csum_add(0, big, sizeof(big))), 0xffff);
    big[sizeof(big) - 2] = 0xfe;
    CHECK_EQ(offload_csum_fold(offload_csum_add(0, big, sizeof(big))),
             inet_reduce(inet_sum(0, big, sizeof(big))));
    CHECK_EQ(offload_csum_fold(offload_csum_add(0, big, sizeof(big) - 1)),
             inet_reduce(inet_sum(0, big, sizeof(big) - 1)));
    memset(buf, 0xff, 65536);
    CHECK_EQ(offload_csum_fold(offload_csum_add(0xffffffffu, buf, 65536)), 0xffff);
    memset(buf, 0, 65536);
    buf[65535] = 1;
    CHECK_EQ(offload_csum_fold(offload_csum_add(0, buf, 65536)), 1);
    buf[0] = 1;
    CHECK_EQ(offload_csum_fold(offload_csum_add(0, buf, 1)), 0x0100);
    return test_done();
}
