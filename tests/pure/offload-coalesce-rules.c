/* SPDX-License-Identifier: MIT */
/*
 * offload_coalesce_add() merges only what the kernel's segmentation gives
 * back byte for byte (but for the fixed IDs of DF IPv4 UDP datagrams, which
 * it renumbers; offload-roundtrip checks that): each rule of offload.h is broken once on the
 * second segment and must give FLUSH_FIRST (a different, coalescable packet) or NOT_COALESCABLE
 * (never mergeable) while leaving the coalescer untouched. offload_coalesce_finish() is checked
 * field by field.
 */
#include "harness.h"
#include "offload-pkt.h"

#define MSS 1000

static uint8_t buf[65535 + 10];
static struct offload_coalescer c;
static uint8_t data[70000];
static uint8_t a[70000], b[70000];
static const uint8_t ts[12] = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};

/* Whether mk() sets DF; the IPv4 ID rules depend on it. */
static bool mk_df = true;

/* Segment @i of the reference stream (IPv4 or IPv6, TCP with timestamps). */
static struct tpkt mk(int family, int proto, int i, size_t plen)
{
    struct tpkt t;

    tpkt_init(&t, family, proto);
    t.df = mk_df;
    t.id = (uint16_t)(0xfffe + i);
    t.seq = 0xfffffc00u + (uint32_t)(i * MSS);
    if (proto == 6) {
        t.opt = ts;
        t.optlen = sizeof(ts);
    }
    t.payload = data + i * MSS;
    t.plen = plen;
    return t;
}

static enum offload_add_result add(const struct tpkt *t, bool udp)
{
    size_t n = tpkt_build(t, b);
    return offload_coalesce_add(&c, b, n, udp);
}

/* Starts with segment 0, offers @t, and checks the outcome. */
static void second(const struct tpkt *t, enum offload_add_result want, bool udp, int line)
{
    struct tpkt first = mk(t->family, t->proto, 0, MSS);
    offload_coalescer_reset(&c);
    CHECK_EQ(add(&first, udp), OFFLOAD_STARTED);
    size_t len = c.len;
    enum offload_add_result r = add(t, udp);
    if (r != want)
        FAILF("case at line %d: result %d, want %d", line, r, want);
    if (want != OFFLOAD_MERGED && (c.len != len || c.segments != 1))
        FAILF("case at line %d: coalescer changed", line);
}
#define SECOND(t, want, udp) second(&(t), want, udp, __LINE__)

/* Recomputes the TCP checksum after a field was changed in t's packet. */
static size_t build_bad_csum(const struct tpkt *t, int where)
{
    size_t n = tpkt_build(t, b);
    b[where] ^= 0x01;
    return n;
}

/* The cases are tables: one case per line. */
/* clang-format off */
static void flush_first_cases(void)
{
    struct tpkt t;

    t = mk(4, 6, 1, MSS); SECOND(t, OFFLOAD_MERGED, false);
    t = mk(4, 6, 1, MSS); t.dst[3]++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.src[0]++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.sport++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.dport++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.seq++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 0, MSS); t.id++; SECOND(t, OFFLOAD_FLUSH_FIRST, false); /* retransmit */
    /* IPv4 IDs step as the kernel numbers segments; with DF, UDP may also
     * keep one fixed ID (renumbered by the kernel), TCP may not (a TUN write
     * cannot ask for SKB_GSO_TCP_FIXEDID). Any other ID ends the merge. */
    t = mk(4, 6, 1, MSS); t.id++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.id--; SECOND(t, OFFLOAD_FLUSH_FIRST, false); /* fixed ID */
    t = mk(4, 17, 1, MSS); t.id--; SECOND(t, OFFLOAD_MERGED, true);
    t = mk(4, 17, 1, MSS); t.id = 0x1234; SECOND(t, OFFLOAD_FLUSH_FIRST, true);
    mk_df = false;
    t = mk(4, 6, 1, MSS); SECOND(t, OFFLOAD_MERGED, false);
    t = mk(4, 6, 1, MSS); t.id++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.id--; SECOND(t, OFFLOAD_FLUSH_FIRST, false); /* fixed ID */
    t = mk(4, 17, 1, MSS); SECOND(t, OFFLOAD_MERGED, true);
    t = mk(4, 17, 1, MSS); t.id--; SECOND(t, OFFLOAD_FLUSH_FIRST, true);
    t = mk(4, 17, 1, MSS); t.df = true; SECOND(t, OFFLOAD_FLUSH_FIRST, true);
    mk_df = true;
    t = mk(4, 6, 1, MSS); t.ttl--; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.tos = 1; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.df = false; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.ack++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.win++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.flags |= 0x40; SECOND(t, OFFLOAD_FLUSH_FIRST, false); /* ECE */
    t = mk(4, 6, 1, MSS); t.flags |= 0x80; SECOND(t, OFFLOAD_NOT_COALESCABLE, false); /* CWR */
    static const uint8_t ts2[12] = {1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 2};
    t = mk(4, 6, 1, MSS); t.opt = ts2; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS); t.optlen = 8; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 6, 1, MSS + 1); SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(4, 17, 1, MSS); SECOND(t, OFFLOAD_MERGED, true);
    t = mk(4, 17, 1, MSS); t.dport++; SECOND(t, OFFLOAD_FLUSH_FIRST, true);
    t = mk(4, 17, 1, MSS + 1); SECOND(t, OFFLOAD_FLUSH_FIRST, true);
    t = mk(6, 17, 1, MSS); SECOND(t, OFFLOAD_MERGED, true);
    t = mk(6, 17, 1, MSS); t.flow++; SECOND(t, OFFLOAD_FLUSH_FIRST, true);
    t = mk(6, 6, 1, MSS); SECOND(t, OFFLOAD_MERGED, false);
    t = mk(6, 6, 1, MSS); t.ttl++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(6, 6, 1, MSS); t.tos++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    t = mk(6, 6, 1, MSS); t.flow++; SECOND(t, OFFLOAD_FLUSH_FIRST, false);
    /* Another family, and UDP after TCP, even with the same ports. */
    offload_coalescer_reset(&c);
    t = mk(4, 6, 0, MSS);
    CHECK_EQ(add(&t, true), OFFLOAD_STARTED);
    t = mk(6, 6, 1, MSS);
    CHECK_EQ(add(&t, true), OFFLOAD_FLUSH_FIRST);
    t = mk(4, 17, 1, MSS);
    CHECK_EQ(add(&t, true), OFFLOAD_FLUSH_FIRST);
    CHECK_EQ(c.segments, 1);
}

/* Offers a packet prepared in b[] to a coalescer holding segment 0. */
static void second_raw(size_t n, enum offload_add_result want, bool udp, int line)
{
    struct tpkt first = mk(b[0] >> 4, 6, 0, MSS);
    offload_coalescer_reset(&c);
    tpkt_build(&first, a);
    CHECK_EQ(offload_coalesce_add(&c, a, tpkt_build(&first, a), udp), OFFLOAD_STARTED);
    enum offload_add_result r = offload_coalesce_add(&c, b, n, udp);
    if (r != want)
        FAILF("case at line %d: result %d, want %d", line, r, want);
    if (want != OFFLOAD_MERGED && (c.segments != 1 || c.len != 10 + tpkt_build(&first, a)))
        FAILF("case at line %d: coalescer changed", line);
    /* Never mergeable packets are refused on an empty coalescer too. */
    offload_coalescer_reset(&c);
    if (want == OFFLOAD_NOT_COALESCABLE && offload_coalesce_add(&c, b, n, udp) != want)
        FAILF("case at line %d: empty coalescer took it", line);
    CHECK_EQ(c.segments, 0);
}
#define RAW(n, want, udp) second_raw(n, want, udp, __LINE__)

/* Makes the TCP checksum compute to 0 by choosing two payload bytes. */
static size_t tcp_csum_zero(void)
{
    struct tpkt t = mk(4, 6, 1, MSS);
    size_t n = tpkt_build(&t, b), p = 20 + 32;

    wr16(b + 36, 0);
    wr16(b + p, 0);
    uint16_t f = inet_reduce(inet_sum(inet_pseudo(b, 6, n - 20), b + 20, n - 20));
    wr16(b + p, (uint16_t)~f);
    return n;
}

static void not_coalescable_cases(void)
{
    struct tpkt t;
    size_t n;

#define T(mod) do { t = mk(4, 6, 1, MSS); mod; RAW(tpkt_build(&t, b), OFFLOAD_NOT_COALESCABLE, true); } while (0)
    T(t.flags |= 0x02);           /* SYN */
    T(t.flags |= 0x04);           /* RST */
    T(t.flags |= 0x20);           /* URG */
    T(t.flags |= 0x80);           /* CWR */
    T(t.flags = 0x08);            /* no ACK */
    T(t.plen = 0);                /* pure ACK */
#undef T
    t = mk(4, 17, 1, MSS);      /* UDP without allow_udp */
    RAW(tpkt_build(&t, b), OFFLOAD_NOT_COALESCABLE, false);
    t = mk(4, 6, 1, MSS);
    RAW(build_bad_csum(&t, 60), OFFLOAD_NOT_COALESCABLE, false);      /* TCP payload */
    RAW(build_bad_csum(&t, 8), OFFLOAD_NOT_COALESCABLE, false);       /* TTL: IP checksum */
    n = tcp_csum_zero();
    RAW(n, OFFLOAD_MERGED, false);            /* a computed 0 is fine */
    wr16(b + 36, 0xffff);
    RAW(n, OFFLOAD_NOT_COALESCABLE, false);   /* verifies, but would not round-trip */
    n = tpkt_build(&t, b);
    RAW(n + 1, OFFLOAD_NOT_COALESCABLE, false);                      /* trailing byte */
    RAW(n - 1, OFFLOAD_NOT_COALESCABLE, false);                      /* truncated */
    b[6] |= 0x20;                                                    /* MF */
    inet_ip4_set_csum(b);
    RAW(n, OFFLOAD_NOT_COALESCABLE, false);
    t = mk(4, 17, 1, MSS);
    n = tpkt_build(&t, b);
    wr16(b + 26, 0);                                                 /* no UDP checksum */
    RAW(n, OFFLOAD_NOT_COALESCABLE, true);
    /* IPv4 with a 4-byte option (IHL 6). */
    t = mk(4, 6, 1, MSS);
    n = tpkt_build(&t, a);
    memcpy(b, a, 20);
    b[0] = 0x46;
    memset(b + 20, 1, 4);
    memcpy(b + 24, a + 20, n - 20);
    wr16(b + 2, (unsigned)(n + 4));
    inet_ip4_set_csum(b);
    RAW(n + 4, OFFLOAD_NOT_COALESCABLE, false);
    /* IPv6 with a hop-by-hop header. */
    t = mk(6, 6, 1, MSS);
    n = tpkt_build(&t, a);
    memcpy(b, a, 40);
    b[6] = 0;
    wr16(b + 4, (unsigned)(n - 40 + 8));
    memset(b + 40, 0, 8);
    b[40] = 6;
    b[42] = 1;
    b[43] = 4;
    memcpy(b + 48, a + 40, n - 40);
    RAW(n + 8, OFFLOAD_NOT_COALESCABLE, false);
    /* ICMP. */
    t = mk(4, 6, 1, MSS);
    n = tpkt_build(&t, b);
    b[9] = 1;
    inet_ip4_set_csum(b);
    RAW(n, OFFLOAD_NOT_COALESCABLE, false);
}

/* A short segment, or one with PSH or FIN, ends the super-packet. */
static void closing(void)
{
    static const uint8_t ends[3] = {0x08, 0x01, 0x09};
    struct tpkt t;

    for (int k = 0; k < 3; k++) {
        offload_coalescer_reset(&c);
        t = mk(4, 6, 0, MSS);
        CHECK_EQ(add(&t, false), OFFLOAD_STARTED);
        t = mk(4, 6, 1, MSS);
        t.flags |= ends[k];
        CHECK_EQ(add(&t, false), OFFLOAD_MERGED);
        t = mk(4, 6, 2, MSS);
        CHECK_EQ(add(&t, false), OFFLOAD_FLUSH_FIRST);
    }
    offload_coalescer_reset(&c);
    t = mk(6, 6, 0, MSS);
    t.flags |= 0x08;
    CHECK_EQ(add(&t, false), OFFLOAD_STARTED);
    t = mk(6, 6, 1, MSS);
    CHECK_EQ(add(&t, false), OFFLOAD_FLUSH_FIRST);
    offload_coalescer_reset(&c);
    t = mk(4, 17, 0, MSS);
    CHECK_EQ(add(&t, true), OFFLOAD_STARTED);
    t = mk(4, 17, 1, 10);
    CHECK_EQ(add(&t, true), OFFLOAD_MERGED);
    t = mk(4, 17, 2, 10);
    CHECK_EQ(add(&t, true), OFFLOAD_FLUSH_FIRST);
}

/* 65 segments of 1000 fit in 65535 IP bytes, the 66th does not; nor past cap. */
static void limits(void)
{
    struct tpkt t;
    int i;

    offload_coalescer_reset(&c);
    for (i = 0; i < 100; i++) {
        t = mk(4, 6, i, MSS);
        enum offload_add_result r = add(&t, false);
        if (r == OFFLOAD_FLUSH_FIRST)
            break;
        CHECK_EQ(r, i ? OFFLOAD_MERGED : OFFLOAD_STARTED);
    }
    CHECK_EQ(i, 65);
    CHECK_EQ(c.len, 10 + 52 + 65 * MSS);

    static uint8_t small[10 + 3 * 1052];
    struct offload_coalescer s;
    offload_coalescer_init(&s, small, 10 + 1052 + 1000 + 999);
    t = mk(4, 6, 0, MSS);
    size_t n = tpkt_build(&t, b);
    CHECK_EQ(offload_coalesce_add(&s, b, n, false), OFFLOAD_STARTED);
    t = mk(4, 6, 1, MSS);
    n = tpkt_build(&t, b);
    CHECK_EQ(offload_coalesce_add(&s, b, n, false), OFFLOAD_MERGED);
    t = mk(4, 6, 2, MSS);
    n = tpkt_build(&t, b);
    CHECK_EQ(offload_coalesce_add(&s, b, n, false), OFFLOAD_FLUSH_FIRST);
    offload_coalescer_init(&s, small, 1000);
    CHECK_EQ(offload_coalesce_add(&s, b, n, false), OFFLOAD_NOT_COALESCABLE);
}
/* clang-format on */

/* TCP segments of @plen bytes until the coalescer says flush: how many merged. */
static int tcp_run(int family, size_t plen)
{
    int i;

    offload_coalescer_reset(&c);
    for (i = 0; i < 100; i++) {
        struct tpkt t = mk(family, 6, 0, plen);
        t.id = (uint16_t)(t.id + i);
        t.seq += (uint32_t)(i * plen);
        t.payload = data + i * (int)plen % 4096;
        enum offload_add_result r = add(&t, false);
        if (r == OFFLOAD_FLUSH_FIRST)
            break;
        CHECK_EQ(r, i ? OFFLOAD_MERGED : OFFLOAD_STARTED);
    }
    return i;
}

/*
 * The 65535-byte total holds exactly: 11 segments of 5953 bytes after a
 * 52-byte IPv4/TCP header make 65535 and merge, a 12th does not. IPv6 gets
 * no more (its payload length field would allow 65575; the coalescer's
 * buffer, 65535 + 10 bytes, would not): 63 segments of 1023 after a 72-byte
 * header fit, the 64th would make 65544.
 */
static void ip_total_limits(void)
{
    CHECK_EQ(tcp_run(4, 5953), 11);
    CHECK_EQ(c.len, 10 + 65535);
    CHECK_EQ(tcp_run(6, 1023), 63);
    CHECK_EQ(c.len, 10 + 72 + 63 * 1023);
    CHECK_EQ(tcp_run(6, MSS), 65);
}

/* UDP datagrams of @plen bytes of one flow until the coalescer says flush. */
static int udp_run(int family, size_t plen)
{
    int i;

    offload_coalescer_reset(&c);
    for (i = 0; i < 200; i++) {
        struct tpkt t = mk(family, 17, 0, plen);
        t.id = (uint16_t)(t.id + i);
        t.payload = data + i;
        enum offload_add_result r = add(&t, true);
        if (r == OFFLOAD_FLUSH_FIRST)
            break;
        CHECK_EQ(r, i ? OFFLOAD_MERGED : OFFLOAD_STARTED);
    }
    return i;
}

/*
 * A UDP super-packet holds at most 64 datagrams: kernels before 6.2 refuse
 * more (EINVAL from the write), later ones take 128, so a session test on a
 * new kernel cannot see this rule broken; only this one can. The 65th
 * datagram of the flow starts the next super-packet. Large datagrams stop
 * at 65535 IP bytes first: 46 of 1400.
 */
static void udp_segment_limits(void)
{
    for (int family = 4; family <= 6; family += 2) {
        size_t hl = family == 4 ? 28 : 48;
        CHECK_EQ(udp_run(family, 100), 64);
        CHECK_EQ(c.segments, 64); /* the 65th left it as it was */
        CHECK_EQ(offload_coalesce_finish(&c), 10 + hl + 64 * 100);
        struct virtio_net_hdr h;
        memcpy(&h, buf, 10);
        CHECK_EQ(h.gso_type, VIRTIO_NET_HDR_GSO_UDP_L4);
        CHECK_EQ(le16toh(h.gso_size), 100);
        offload_coalescer_reset(&c);
        struct tpkt t = mk(family, 17, 0, 100);
        t.id = (uint16_t)(t.id + 64);
        t.payload = data + 64;
        CHECK_EQ(add(&t, true), OFFLOAD_STARTED);
        CHECK_EQ(udp_run(family, 1400), 46);
        CHECK_EQ(c.len, 10 + hl + 46 * 1400);
    }
}

static void single_segment(void)
{
    struct tpkt t = mk(6, 6, 0, 77);
    size_t n = tpkt_build(&t, a);
    static const uint8_t zero[10];

    offload_coalescer_reset(&c);
    CHECK_EQ(offload_coalesce_add(&c, a, n, false), OFFLOAD_STARTED);
    CHECK_EQ(offload_coalesce_finish(&c), 10 + n);
    CHECK(memcmp(buf, zero, 10) == 0);
    CHECK(memcmp(buf + 10, a, n) == 0);
    offload_coalescer_reset(&c);
    CHECK_EQ(offload_coalesce_finish(&c), 0);
}

static void check_finish(int family, int proto, uint8_t first_flags, uint8_t last_flags,
                         uint8_t want_type)
{
    size_t ipl = family == 4 ? 20 : 40, hl = ipl + (proto == 6 ? 32 : 8);
    struct tpkt t;
    struct virtio_net_hdr h;

    offload_coalescer_reset(&c);
    for (int i = 0; i < 3; i++) {
        t = mk(family, proto, i, i == 2 ? 500 : MSS);
        t.flags = (uint8_t)(0x10 | (i == 0 ? first_flags : 0) | (i == 2 ? last_flags : 0));
        CHECK_EQ(add(&t, true), i ? OFFLOAD_MERGED : OFFLOAD_STARTED);
    }
    size_t total = hl + 2500;
    CHECK_EQ(offload_coalesce_finish(&c), 10 + total);
    memcpy(&h, buf, 10);
    const uint8_t *ip = buf + 10, *l4 = ip + ipl;
    CHECK_EQ(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    CHECK_EQ(h.gso_type, want_type);
    CHECK_EQ(le16toh(h.hdr_len), hl);
    CHECK_EQ(le16toh(h.gso_size), MSS);
    CHECK_EQ(le16toh(h.csum_start), ipl);
    CHECK_EQ(le16toh(h.csum_offset), proto == 6 ? 16 : 6);
    if (family == 4) {
        CHECK_EQ(be16(ip + 2), total);
        CHECK_EQ(be16(ip + 4), 0xfffe);
        CHECK(inet_ip4_ok(ip));
    } else {
        CHECK_EQ(be16(ip + 4), total - 40);
    }
    CHECK_EQ(be16(l4 + (proto == 6 ? 16 : 6)),
             inet_reduce(inet_pseudo(ip, (unsigned)proto, total - ipl)));
    if (proto == 6) {
        CHECK_EQ(be32(l4 + 4), 0xfffffc00u);
        CHECK_EQ(l4[13], 0x10 | first_flags | last_flags);
    } else {
        CHECK_EQ(be16(l4 + 4), total - ipl);
    }
    CHECK(memcmp(ip + hl, data, 2500) == 0);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + (i >> 9));
    offload_coalescer_init(&c, buf, sizeof(buf));
    CHECK_EQ(c.segments, 0);
    CHECK_EQ(c.len, 0);
    flush_first_cases();
    not_coalescable_cases();
    closing();
    limits();
    ip_total_limits();
    udp_segment_limits();
    single_segment();
    check_finish(4, 6, 0, 0x08, VIRTIO_NET_HDR_GSO_TCPV4);
    check_finish(4, 6, 0, 0x01, VIRTIO_NET_HDR_GSO_TCPV4);
    check_finish(6, 6, 0, 0, VIRTIO_NET_HDR_GSO_TCPV6);
    check_finish(4, 17, 0, 0, VIRTIO_NET_HDR_GSO_UDP_L4);
    check_finish(6, 17, 0, 0, VIRTIO_NET_HDR_GSO_UDP_L4);
    return test_done();
}
