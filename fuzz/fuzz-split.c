/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for offload_split(). Input: a 10-byte virtio_net_hdr,
 * then the packet. Invariants: -EINVAL emits nothing; otherwise the return
 * value is the number of packets emitted; every segment of a GSO packet is a
 * valid IP packet with verifying checksums, and the segments' payloads add
 * up to the super-packet's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    bool gso;
    int count;
    size_t payload;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Checks one emitted segment of a GSO packet and returns its payload size. */
static size_t check_segment(const uint8_t *p, size_t n)
{
    size_t l4 = p[0] >> 4 == 4 ? (size_t)(p[0] & 15) * 4 : 40;
    uint8_t proto = p[0] >> 4 == 4 ? p[9] : p[6];
    uint32_t sum;

    if (!offload_packet_valid(p, n) || l4 >= n)
        abort();
    if (p[0] >> 4 == 4 && offload_csum_fold(offload_csum_add(0, p, l4)) != 0xffff)
        abort();
    sum = p[0] >> 4 == 4 ? offload_csum_add(0, p + 12, 8) : offload_csum_add(0, p + 8, 32);
    sum = offload_csum_add(sum + proto + (uint32_t)(n - l4), p + l4, n - l4);
    if (offload_csum_fold(sum) != 0xffff)
        abort();
    if (proto == 17)
        return n - l4 - 8;
    return n - l4 - (size_t)(p[l4 + 12] >> 4) * 4;
}

static int emit(void *arg, const uint8_t *p, size_t n)
{
    struct seen *s = arg;

    if (s->gso)
        s->payload += check_segment(p, n);
    s->count++;
    return 0;
}

static size_t super_payload(const uint8_t *p, size_t n)
{
    size_t l4 = p[0] >> 4 == 4 ? (size_t)(p[0] & 15) * 4 : 40;
    size_t ip_len = p[0] >> 4 == 4 ? rd16(p + 2) : 40 + (size_t)rd16(p + 4);
    uint8_t proto = p[0] >> 4 == 4 ? p[9] : p[6];

    (void)n;
    return ip_len - l4 - (proto == 17 ? 8 : (size_t)(p[l4 + 12] >> 4) * 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t scratch[65536];
    struct virtio_net_hdr h;
    struct seen s = {0};
    int r;

    if (size < sizeof(h))
        return 0;
    memcpy(&h, data, sizeof(h));
    s.gso = (h.gso_type & 0x7f) != 0;
    r = offload_split(&h, data + sizeof(h), size - sizeof(h), emit, &s, scratch, sizeof(scratch));
    if (r == -EINVAL ? s.count != 0 : r != s.count)
        abort();
    if (r > 0 && s.gso && s.payload != super_payload(data + sizeof(h), size - sizeof(h)))
        abort();
    return 0;
}
