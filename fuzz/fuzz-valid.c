/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for offload_packet_valid(), the check every sent packet
 * goes through. The input is the packet. Invariants: the answer equals an
 * independent model of the rule documented in offload.h and wintun.h
 * (IPv4: version 4, >= 20 bytes, IHL >= 5, IHL*4 <= total length <= packet;
 * IPv6: version 6, >= 40 bytes, 40 + payload length <= packet); the
 * function reads nothing past len (the input is copied into an exactly sized
 * heap buffer, so ASan catches an overread); the answer does not depend on
 * bytes past the declared length; NULL is never valid.
 */
#include <stdlib.h>
#include <string.h>

#include "offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool model(const uint8_t *p, size_t n)
{
    if (n < 20)
        return false;
    if (p[0] >> 4 == 4) {
        size_t ihl = (size_t)(p[0] & 15) * 4, tot = (size_t)p[2] << 8 | p[3];
        return ihl >= 20 && tot >= ihl && tot <= n;
    }
    if (p[0] >> 4 == 6)
        return n >= 40 && 40 + ((size_t)p[4] << 8 | p[5]) <= n;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    bool v;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    v = offload_packet_valid(copy, size);
    if (v != model(copy, size))
        abort();
    if (offload_packet_valid(NULL, size))
        abort();
    /* Trailing bytes past the packet never make it invalid. */
    if (v && size < 70000) {
        uint8_t *more = malloc(size + 7);
        if (more) {
            memcpy(more, copy, size);
            memset(more + size, 0xa5, 7);
            if (!offload_packet_valid(more, size + 7))
                abort();
            free(more);
        }
    }
    free(copy);
    return 0;
}
