/* SPDX-License-Identifier: MIT */
/*
 * offload_split() on an IPv6 TSO super-packet: payload length, traffic class
 * and flow label, hop limit, sequence numbers, flags and checksums of every
 * segment, checked against a reference computed here. IPv6 with an extension
 * header and a TCPV6 type on an IPv4 packet are refused.
 */
#include "harness.h"
#include "offload-pkt.h"

static struct outs out;
static uint8_t scratch[65536];
static uint8_t pkt[65536], data[65536];

static size_t build(uint8_t flags, size_t payload, const uint8_t *opt, size_t optlen)
{
    struct tpkt t;

    for (size_t i = 0; i < payload; i++)
        data[i] = (uint8_t)(i ^ (i >> 8));
    tpkt_init(&t, 6, 6);
    t.tos = 0xb8;
    t.flow = 0xabcde;
    t.ttl = 3;
    t.flags = flags;
    t.opt = opt;
    t.optlen = optlen;
    t.payload = data;
    t.plen = payload;
    size_t n = tpkt_build(&t, pkt);
    /* The kernel leaves the folded pseudo-header sum in the field. */
    wr16(pkt + 40 + 16, inet_reduce(inet_pseudo(pkt, 6, n - 40)));
    return n;
}

static void check(size_t hl, size_t payload, size_t mss, uint8_t flags)
{
    size_t nseg = (payload + mss - 1) / mss;

    CHECK_EQ(out.n, nseg);
    for (int i = 0; i < out.n; i++) {
        const uint8_t *p = out.buf[i];
        size_t seg = i + 1 < out.n ? mss : payload - (nseg - 1) * mss;
        uint8_t want = flags;

        if (i + 1 < out.n)
            want &= (uint8_t)~0x09;
        if (i > 0)
            want &= (uint8_t)~0x80;
        CHECK_EQ(out.len[i], hl + seg);
        CHECK(memcmp(p, pkt, 4) == 0); /* version, class, flow */
        CHECK_EQ(be16(p + 4), hl - 40 + seg);
        CHECK(memcmp(p + 6, pkt + 6, 34) == 0); /* next, hops, addresses */
        CHECK(memcmp(p + 40, pkt + 40, 4) == 0);
        CHECK_EQ(be32(p + 44), be32(pkt + 44) + (uint32_t)(i * mss));
        CHECK(memcmp(p + 48, pkt + 48, 5) == 0);
        CHECK_EQ(p[53], want);
        CHECK(memcmp(p + 54, pkt + 54, 2) == 0);
        CHECK(memcmp(p + 58, pkt + 58, hl - 58) == 0);
        CHECK(memcmp(p + hl, pkt + hl + i * mss, seg) == 0);
        CHECK(inet_l4_ok(p, out.len[i], 6));
    }
}

static void run(uint8_t flags, size_t payload, size_t mss, const uint8_t *opt, size_t optlen)
{
    size_t n = build(flags, payload, opt, optlen);
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6, mss, 40,
                                   16);
    int r = offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch));

    CHECK_EQ(r, (int)((payload + mss - 1) / mss));
    check(60 + optlen, payload, mss, flags);
    outs_free(&out);
}

static void refused(void)
{
    static const uint8_t sack[8] = {1, 1, 4, 2, 1, 1, 1, 0};
    size_t n = build(0x10, 3000, sack, sizeof(sack));
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1000, 40,
                                   16);

    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    /* Hop-by-hop header (next header 0) in front of TCP. */
    static uint8_t ext[65536];
    memcpy(ext, pkt, 40);
    ext[6] = 0;
    wr16(ext + 4, (unsigned)(n - 40 + 8));
    memset(ext + 40, 0, 8);
    ext[40] = 6;
    ext[42] = 1; /* PadN, length 4 */
    ext[43] = 4;
    memcpy(ext + 48, pkt + 40, n - 40);
    h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6, 1000, 48, 16);
    CHECK_EQ(offload_split(&h, ext, n + 8, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    CHECK_EQ(out.n, 0);
}

int main(void)
{
    static const uint8_t ts[12] = {1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8};

    run(0x10 | 0x08 | 0x80, 5 * 1428 + 17, 1428, ts, sizeof(ts));
    run(0x10 | 0x01, 2 * 1000, 1000, NULL, 0);
    run(0x18, 65535 - 60, 8000, NULL, 0);
    refused();
    return test_done();
}
