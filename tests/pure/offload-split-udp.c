/* SPDX-License-Identifier: MIT */
/*
 * offload_split() on USO (VIRTIO_NET_HDR_GSO_UDP_L4) super-packets over IPv4
 * and IPv6: every datagram gets its UDP length, a complete checksum (never 0)
 * and, on IPv4, its own ID, total length and header checksum. A UDP_L4 type
 * on a TCP packet is refused.
 */
#include "harness.h"
#include "offload-pkt.h"

static struct outs out;
static uint8_t scratch[65536];
static uint8_t pkt[65536], data[65536];

static void run(int family, size_t payload, size_t mss, uint16_t id)
{
    struct tpkt t;
    size_t ipl = family == 4 ? 20 : 40, hl = ipl + 8;

    for (size_t i = 0; i < payload; i++)
        data[i] = (uint8_t)(i * 13);
    tpkt_init(&t, family, 17);
    t.id = id;
    t.payload = data;
    t.plen = payload;
    size_t n = tpkt_build(&t, pkt);
    wr16(pkt + ipl + 6, inet_reduce(inet_pseudo(pkt, 17, n - ipl)));
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP_L4, mss,
                                   ipl, 6);
    size_t nseg = (payload + mss - 1) / mss;

    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), nseg);
    CHECK_EQ(out.n, nseg);
    for (int i = 0; i < out.n; i++) {
        const uint8_t *p = out.buf[i];
        size_t seg = i + 1 < out.n ? mss : payload - (nseg - 1) * mss;

        CHECK_EQ(out.len[i], hl + seg);
        if (family == 4) {
            CHECK_EQ(be16(p + 2), hl + seg);
            CHECK_EQ(be16(p + 4), (uint16_t)(id + i));
            CHECK(memcmp(p + 6, pkt + 6, 4) == 0);
            CHECK(memcmp(p + 12, pkt + 12, 8) == 0);
            CHECK(inet_ip4_ok(p));
        } else {
            CHECK(memcmp(p, pkt, 4) == 0);
            CHECK_EQ(be16(p + 4), 8 + seg);
            CHECK(memcmp(p + 6, pkt + 6, 34) == 0);
        }
        CHECK(memcmp(p + ipl, pkt + ipl, 4) == 0);
        CHECK_EQ(be16(p + ipl + 4), 8 + seg);
        CHECK(be16(p + ipl + 6) != 0);
        CHECK(memcmp(p + hl, pkt + hl + i * mss, seg) == 0);
        CHECK(inet_l4_ok(p, out.len[i], 17));
    }
    outs_free(&out);
}

/* A TCP packet announced as USO, and an IPv4 UFO (type 3) packet. */
static void refused(void)
{
    struct tpkt t;
    tpkt_init(&t, 4, 6);
    t.payload = data;
    t.plen = 3000;
    size_t n = tpkt_build(&t, pkt);
    struct virtio_net_hdr h = vhdr(1, VIRTIO_NET_HDR_GSO_UDP_L4, 1000, 20, 6);

    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    tpkt_init(&t, 4, 17);
    t.payload = data;
    t.plen = 3000;
    n = tpkt_build(&t, pkt);
    h = vhdr(1, VIRTIO_NET_HDR_GSO_UDP, 1000, 20, 6);
    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    CHECK_EQ(out.n, 0);
}

int main(void)
{
    run(4, 10 * 1200, 1200, 0xfff0);
    run(4, 3 * 1200 + 1, 1200, 1);
    run(6, 7 * 1232 + 100, 1232, 0);
    run(6, 65535 - 48, 1400, 0);
    run(4, 50, 1400, 5);
    refused();
    return test_done();
}
