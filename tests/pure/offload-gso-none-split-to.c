/* SPDX-License-Identifier: MIT */
/*
 * gso_type NONE: with VIRTIO_NET_HDR_F_NEEDS_CSUM the checksum at
 * csum_start + csum_offset is completed (TCP/UDP, IPv4/IPv6, an inner header
 * in a tunnel, UDP's 0 written as 0xffff); without flags the packet is passed
 * on untouched, pointer and all. Bad offsets are refused. offload_split_to,
 * which builds the packet straight in the slot it is given (the receive
 * path's ring), gives the same bytes and refuses the same headers before it
 * asks for a slot.
 */
#include "harness.h"
#include "offload-pkt.h"

static struct outs out;
static uint8_t scratch[65536];
static uint8_t pkt[2048], want[2048], data[1500];

/* offload_split_to's sink: one buffer, and the size it was asked for. */
static uint8_t slot_buf[2048];
static size_t slot_asked;

static uint8_t *slot(void *arg, size_t n)
{
    (void)arg;
    slot_asked = n;
    return n <= sizeof(slot_buf) ? slot_buf : NULL;
}

static int stop(void *arg, const uint8_t *p, size_t n)
{
    (void)arg, (void)p, (void)n;
    return -42;
}

/* Builds a correct packet into want[], and pkt[] with only the partial sum. */
static size_t partial(int family, int proto, size_t plen)
{
    struct tpkt t;
    size_t ipl = family == 4 ? 20 : 40, field = ipl + (proto == 6 ? 16 : 6);

    tpkt_init(&t, family, proto);
    t.payload = data;
    t.plen = plen;
    size_t n = tpkt_build(&t, want);
    memcpy(pkt, want, n);
    wr16(pkt + field, inet_reduce(inet_pseudo(pkt, (unsigned)proto, n - ipl)));
    return n;
}

static void completes(int family, int proto, size_t plen)
{
    size_t n = partial(family, proto, plen), ipl = family == 4 ? 20 : 40;
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, ipl, proto == 6 ? 16 : 6);

    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), 1);
    CHECK_EQ(out.n, 1);
    CHECK_EQ(out.len[0], n);
    CHECK(memcmp(out.buf[0], want, n) == 0);
    outs_free(&out);
    /* Built straight in a slot, the same bytes; trailing bytes past the IP
     * length are not part of the packet. */
    pkt[n] = 0xee;
    slot_asked = 0;
    CHECK_EQ(offload_split_to(&h, pkt, n + 1, slot, NULL), 1);
    CHECK_EQ(slot_asked, n);
    CHECK(memcmp(slot_buf, want, n) == 0);
}

/* Picks two payload bytes so that the UDP checksum comes out as 0. */
static void udp_zero(void)
{
    memset(data, 0, 64);
    size_t n = partial(4, 17, 64);
    /* The partial field already holds the pseudo-header sum. */
    uint16_t f = inet_reduce(inet_sum(0, pkt + 20, n - 20));
    wr16(pkt + 28, (uint16_t)~f); /* the whole sum becomes 0xffff, its inverse 0 */
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 20, 6);

    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), 1);
    CHECK_EQ(be16(out.buf[0] + 26), 0xffff);
    CHECK(inet_l4_ok(out.buf[0], n, 17));
    outs_free(&out);
}

/* IPv4 in IPv4: the checksum to complete belongs to the inner UDP header. */
static void tunnel(void)
{
    size_t n = partial(4, 17, 100);
    memmove(pkt + 20, pkt, n);
    memcpy(pkt, pkt + 20, 20);
    pkt[9] = 4;
    wr16(pkt + 2, (unsigned)(n + 20));
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 40, 6);

    CHECK_EQ(offload_split(&h, pkt, n + 20, collect, &out, scratch, sizeof(scratch)), 1);
    CHECK(memcmp(out.buf[0] + 20, want, n) == 0);
    CHECK(memcmp(out.buf[0], pkt, 20) == 0);
    outs_free(&out);
}

static void untouched(void)
{
    static const uint8_t junk[3] = {1, 2, 3};
    struct virtio_net_hdr h = vhdr(0, 0, 0, 0, 0);
    size_t n = partial(6, 6, 10);

    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), 1);
    CHECK(out.ptr[0] == pkt);
    CHECK_EQ(out.len[0], n);
    CHECK_EQ(offload_split(&h, junk, 3, collect, &out, scratch, sizeof(scratch)), 1);
    CHECK(out.ptr[1] == junk);
    CHECK_EQ(out.len[1], 3);
    h = vhdr(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0);
    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), 1);
    CHECK_EQ(out.n, 3);
    CHECK_EQ(offload_split(&h, pkt, n, stop, NULL, scratch, sizeof(scratch)), -42);
    outs_free(&out);
}

static void refused(void)
{
    size_t n = partial(4, 6, 100);
    struct virtio_net_hdr h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 19, 16);

    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 20, n - 21);
    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0xffff, 0xffff);
    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    h = vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 20, 16);
    CHECK_EQ(offload_split(&h, pkt, n, collect, &out, scratch, 64), -EINVAL);
    CHECK_EQ(offload_split(&h, pkt, n - 1, collect, &out, scratch, sizeof(scratch)), -EINVAL);
    CHECK_EQ(out.n, 0);
    /* offload_split_to refuses what offload_split refuses, before it asks
     * for a slot. */
    slot_asked = 0;
    CHECK_EQ(offload_split_to(&h, pkt, n - 1, slot, NULL), -EINVAL);
    struct virtio_net_hdr bad[] = {
        vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 19, 16),
        vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 20, n - 21),
        vhdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0xffff, 0xffff),
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_EQ(offload_split_to(&bad[i], pkt, n, slot, NULL), -EINVAL);
    CHECK_EQ(slot_asked, 0);
    CHECK_EQ(offload_split_to(&h, pkt, n, slot, NULL), 1);
    CHECK_EQ(slot_asked, n);
    /* Bytes after the IP total length are not part of the packet. */
    CHECK_EQ(offload_split(&h, pkt, n + 5, collect, &out, scratch, sizeof(scratch)), 1);
    CHECK_EQ(out.len[0], n);
    CHECK_EQ(offload_split(&h, pkt, n, stop, NULL, scratch, sizeof(scratch)), -42);
    outs_free(&out);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 31 + 1);
    completes(4, 6, 1000);
    completes(4, 17, 333);
    completes(6, 6, 1);
    completes(6, 17, 1200);
    completes(4, 6, 0);
    udp_zero();
    tunnel();
    untouched();
    refused();
    return test_done();
}
