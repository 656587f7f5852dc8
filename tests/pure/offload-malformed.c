/* SPDX-License-Identifier: MIT */
/*
 * Hostile input to offload_split() and offload_coalesce_add(): truncated
 * headers, IHL < 5, lengths past the end, checksum offsets past the end,
 * gso_size 0, huge hdr_len, IPv6 extension headers, then random bytes and
 * random mutations of good super-packets. Each call must return -EINVAL with
 * nothing emitted, or succeed with well-formed output; never read out of
 * bounds (each input sits at the very end of a heap block for ASan).
 */
#include "harness.h"
#include "offload-pkt.h"

static struct outs out;
static uint8_t scratch[65536];
static uint8_t good[65536];

/* Runs offload_split on an exact-size heap copy so overreads are caught. */
static int split_copy(const struct virtio_net_hdr *h, const uint8_t *p, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, p, n);
    int r = offload_split(h, copy, n, collect, &out, scratch, sizeof(scratch));
    if (r == -EINVAL)
        CHECK_EQ(out.n, 0);
    else if (r != out.n)
        FAILF("returned %d but emitted %d", r, out.n);
    for (int i = 0; i < out.n && r > 0 && (h->gso_type & 0x7f); i++)
        CHECK(offload_packet_valid(out.buf[i], out.len[i]));
    free(copy);
    outs_free(&out);
    return r;
}

static size_t build_good(int family, int proto, size_t plen)
{
    static uint8_t payload[65536];
    struct tpkt t;
    tpkt_init(&t, family, proto);
    t.payload = payload;
    t.plen = plen;
    return tpkt_build(&t, good);
}

static void targeted(void)
{
    struct virtio_net_hdr h = vhdr(1, VIRTIO_NET_HDR_GSO_TCPV4, 100, 20, 16);
    size_t n = build_good(4, 6, 1000);
    uint8_t p[65536];

    CHECK_EQ(split_copy(&h, good, n), 10);
    for (size_t cut = 0; cut < 40; cut++) /* truncated headers */
        CHECK_EQ(split_copy(&h, good, cut), -EINVAL);
    CHECK_EQ(split_copy(&h, good, n - 1), -EINVAL); /* total length > len */
    CHECK_EQ(split_copy(&h, good, 0), -EINVAL);
    memcpy(p, good, n);
    p[0] = 0x44; /* IHL 4 */
    CHECK_EQ(split_copy(&h, p, n), -EINVAL);
    p[0] = 0x4f; /* IHL 15: TCP header cut */
    CHECK_EQ(split_copy(&h, p, 60), -EINVAL);
    memcpy(p, good, n);
    p[32] = 0x40; /* TCP data offset 4 */
    CHECK_EQ(split_copy(&h, p, n), -EINVAL);
    p[32] = 0xf0; /* data offset 60, fits */
    CHECK_EQ(split_copy(&h, p, n), 10);
    wr16(p + 2, 20 + 50); /* data offset past tot_len */
    CHECK_EQ(split_copy(&h, p, n), -EINVAL);
    memcpy(p, good, n);
    wr16(p + 6, 0x2000); /* fragment */
    CHECK_EQ(split_copy(&h, p, n), -EINVAL);
    h = vhdr(1, VIRTIO_NET_HDR_GSO_TCPV4, 0, 20, 16); /* gso_size 0 */
    CHECK_EQ(split_copy(&h, good, n), -EINVAL);
    h = vhdr(1, VIRTIO_NET_HDR_GSO_TCPV4, 100, 0xffff, 0xffff);
    h.hdr_len = 0xffff; /* ignored: we parse */
    CHECK_EQ(split_copy(&h, good, n), 10);
    h = vhdr(1, 0, 0, (unsigned)n, 16); /* csum_start past end */
    CHECK_EQ(split_copy(&h, good, n), -EINVAL);
    h = vhdr(1, 0, 0, 20, (unsigned)n);
    CHECK_EQ(split_copy(&h, good, n), -EINVAL);
    h = vhdr(0, 2, 100, 20, 16); /* unknown GSO type */
    CHECK_EQ(split_copy(&h, good, n), -EINVAL);
    h = vhdr(0, VIRTIO_NET_HDR_GSO_TCPV6, 100, 20, 16); /* v6 type, v4 packet */
    CHECK_EQ(split_copy(&h, good, n), -EINVAL);

    n = build_good(6, 17, 3000);
    h = vhdr(1, VIRTIO_NET_HDR_GSO_UDP_L4, 1000, 40, 6);
    CHECK_EQ(split_copy(&h, good, n), 3);
    memcpy(p, good, n);
    p[6] = 60; /* destination options */
    CHECK_EQ(split_copy(&h, p, n), -EINVAL);
    wr16(p + 4, 0); /* jumbogram */
    p[6] = 17;
    CHECK_EQ(split_copy(&h, p, n), -EINVAL);
    CHECK_EQ(split_copy(&h, good, 47), -EINVAL);
    n = build_good(6, 17, 5000);
    h.gso_size = htole16(1); /* emit stops at 4096 */
    CHECK_EQ(offload_split(&h, good, n, collect, &out, scratch, sizeof(scratch)), -1000);
    CHECK_EQ(out.n, 4096);
    outs_free(&out);
    CHECK_EQ(offload_split(&h, good, n, collect, &out, scratch, 48), -EINVAL);
    CHECK_EQ(offload_split(&h, good, n, collect, &out, NULL, 0), -EINVAL);
    CHECK_EQ(offload_split(NULL, good, n, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    CHECK_EQ(out.n, 0);
}

static void random_headers(void)
{
    static const uint8_t types[] = {0, 1, 3, 4, 5, 0x81, 0x84, 0x85, 0xff};
    uint8_t p[2048];

    for (int iter = 0; iter < 20000; iter++) {
        int family = rnd_below(2) ? 4 : 6, proto = rnd_below(2) ? 6 : 17;
        size_t n = build_good(family, proto, rnd_below(1800));
        struct virtio_net_hdr h = vhdr((uint8_t)rnd_below(4), types[rnd_below(sizeof(types))],
                                       rnd_below(3) ? rnd_below(2000) : rnd(),
                                       rnd_below(2) ? rnd_below(80) : rnd(),
                                       rnd_below(2) ? rnd_below(20) : rnd());
        memcpy(p, good, n);
        for (unsigned k = rnd_below(4); k > 0; k--)
            p[rnd_below(iter % 2 ? 64 : (uint32_t)n)] = (uint8_t)rnd();
        size_t len = rnd_below(4) ? n : rnd_below((uint32_t)n + 1);
        split_copy(&h, p, len);
    }
}

static void random_bytes(void)
{
    uint8_t p[256], buf[300];
    struct offload_coalescer c;

    offload_coalescer_init(&c, buf, sizeof(buf));
    for (int iter = 0; iter < 50000; iter++) {
        size_t n = rnd_below(sizeof(p));
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)rnd();
        if (n)
            p[0] = (uint8_t)((rnd_below(2) ? 0x40 : 0x60) | (p[0] & 15));
        struct virtio_net_hdr h = vhdr((uint8_t)rnd(), (uint8_t)rnd_below(6), rnd_below(300),
                                       rnd_below(300), rnd_below(300));
        int r = split_copy(&h, p, n);
        CHECK(r == -EINVAL || r >= 1);
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, p, n);
        enum offload_add_result a = offload_coalesce_add(&c, copy, n, true);
        CHECK_EQ(a, OFFLOAD_NOT_COALESCABLE); /* random checksums never verify here */
        (void)offload_packet_valid(copy, n);
        free(copy);
    }
}

int main(void)
{
    targeted();
    random_headers();
    random_bytes();
    return test_done();
}
