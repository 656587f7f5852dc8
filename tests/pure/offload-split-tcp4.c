/* SPDX-License-Identifier: MIT */
/*
 * offload_split() on an IPv4 TSO super-packet: every segment's IP length, ID,
 * header checksum, TCP sequence number, flags, options, payload and checksum
 * are checked one by one against a reference computed here.
 */
#include "harness.h"
#include "offload-pkt.h"

static struct outs out;
static uint8_t scratch[65536];

static void check_segments(const uint8_t *super, size_t hl, size_t payload, size_t mss,
                           uint16_t id0, uint8_t flags)
{
    size_t nseg = (payload + mss - 1) / mss;
    uint32_t seq0 = be32(super + 24);

    CHECK_EQ(out.n, nseg);
    for (int i = 0; i < out.n; i++) {
        const uint8_t *p = out.buf[i];
        size_t seg = i + 1 < (int)nseg ? mss : payload - (nseg - 1) * mss;
        bool last = i == out.n - 1;

        CHECK_EQ(out.len[i], hl + seg);
        CHECK_EQ(p[0], 0x45);
        CHECK_EQ(p[1], super[1]);
        CHECK_EQ(be16(p + 2), hl + seg);
        CHECK_EQ(be16(p + 4), (uint16_t)(id0 + i));
        CHECK_EQ(be16(p + 6), 0x4000);
        CHECK_EQ(p[8], super[8]);
        CHECK_EQ(p[9], 6);
        CHECK(memcmp(p + 12, super + 12, 8) == 0);
        CHECK(inet_ip4_ok(p));
        CHECK(memcmp(p + 20, super + 20, 4) == 0); /* ports */
        CHECK_EQ(be32(p + 24), seq0 + (uint32_t)(i * mss));
        CHECK(memcmp(p + 28, super + 28, 5) == 0); /* ack, data offset */
        uint8_t want = flags;
        if (!last)
            want &= (uint8_t)~0x09;
        if (i > 0)
            want &= (uint8_t)~0x80;
        CHECK_EQ(p[33], want);
        CHECK(memcmp(p + 34, super + 34, 2) == 0);       /* window */
        CHECK(memcmp(p + 38, super + 38, hl - 38) == 0); /* urg, options */
        CHECK(memcmp(p + hl, super + hl + i * mss, seg) == 0);
        CHECK(inet_l4_ok(p, out.len[i], 6));
        /* The exact value, not only a verifying one. */
        uint8_t tmp[65536];
        memcpy(tmp, p, out.len[i]);
        wr16(tmp + 36, 0);
        CHECK_EQ(be16(p + 36), inet_l4_csum(tmp, out.len[i], 6));
    }
}

/* The pseudo-header sum the kernel leaves in place with NEEDS_CSUM. */
static void make_partial(uint8_t *pkt, size_t n)
{
    wr16(pkt + 36, inet_reduce(inet_pseudo(pkt, 6, n - 20)));
}

static void run(uint16_t id, uint8_t flags, size_t payload, size_t mss, uint8_t gso_extra)
{
    static uint8_t pkt[65536], data[65536];
    static const uint8_t opt[12] = {1, 1, 8, 10, 0, 0, 1, 2, 0, 0, 3, 4}; /* NOP NOP TS */
    struct tpkt t;

    for (size_t i = 0; i < payload; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    tpkt_init(&t, 4, 6);
    t.id = id;
    t.tos = 0x02;
    t.flags = flags;
    t.opt = opt;
    t.optlen = sizeof(opt);
    t.payload = data;
    t.plen = payload;
    size_t n = tpkt_build(&t, pkt);
    make_partial(pkt, n);
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM,
                                   VIRTIO_NET_HDR_GSO_TCPV4 | gso_extra, mss, 20, 16);
    h.hdr_len = htole16(52);
    int r = offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch));
    CHECK_EQ(r, (int)((payload + mss - 1) / mss));
    check_segments(pkt, 52, payload, mss, id, flags);
    outs_free(&out);
}

int main(void)
{
    run(0x1234, 0x10 | 0x08 | 0x01 | 0x80, 3 * 1000 + 500, 1000, 0);      /* ACK PSH FIN CWR */
    run(0xfffe, 0x10 | 0x08, 4 * 1448, 1448, 0);                          /* ID wraps, exact */
    run(7, 0x10 | 0x80 | 0x40, 2 * 536 + 1, 536, VIRTIO_NET_HDR_GSO_ECN); /* ECN bit */
    run(9, 0x10, 65535 - 52, 16, 0);                                      /* 4093 segments */
    run(9, 0x10, 100, 1448, 0);                                           /* one segment */
    return test_done();
}
