/* SPDX-License-Identifier: MIT */
/*
 * The TCP cases of the kernel's GRO selftest (tools/testing/selftests/net/
 * lib/gro.c, run by gro.py), replayed through offload_coalesce_add(): the
 * same segments in the same order, and the payload sizes of the packets
 * that come out, as gro.c checks them. Each case expects what the selftest
 * expects, or lintun's stricter result where lintun differs on purpose
 * (offload.h), named in the table:
 *   - fixed IPv4 IDs never merge for TCP: a TUN write cannot ask for
 *     SKB_GSO_TCP_FIXEDID, so the kernel would renumber them;
 *   - CWR segments never merge: the kernel's segmentation of a TUN write
 *     clears CWR after the first segment (classic ECN only);
 *   - IPv6 extension headers never merge;
 *   - packets are never reordered: one flow at a time (capacity).
 * gro.c builds IPv4 packets with DF and ID 0; fixed IDs being one of those
 * choices, the IPv4 runs number their packets as Linux's TCP does (one up
 * per packet), and the ip_id_* cases set the selftest's IDs. Cases that test
 * the GRO machinery's timing (data_burst) or encapsulation (ipip) do not
 * apply to a coalescer fed in order by one sender. Last, the TCP cases of
 * wireguard-go's TUN offload table (tun/offload_linux_test.go) that gro.c
 * has no twin for.
 */
#include "harness.h"
#include "offload-pkt.h"

#define PAYLOAD_LEN 100
#define START_SEQ 100
#define MAXPKT 24
#define MAXOUT 24

static uint8_t coal_buf[65535 + 10];
static struct offload_coalescer c;
static uint8_t filler[65536];

/* One case: its packets (built), each one's TCP payload size. */
static uint8_t pkt[MAXPKT][4300];
static size_t len[MAXPKT], plen[MAXPKT];
static int npkt;
static int family;

/* Segment with @payload bytes at sequence offset @seq_off, gro.c's headers. */
static struct tpkt seg(int seq_off, size_t payload)
{
    struct tpkt t;
    tpkt_init(&t, family, 6);
    t.ttl = 8;
    t.df = true;
    t.id = (uint16_t)(1000 + npkt);
    t.seq = (uint32_t)(START_SEQ + seq_off);
    t.ack = 100;
    t.win = 0xffff;
    t.payload = filler;
    t.plen = payload;
    return t;
}

/* Append packet t; returns it for raw changes. */
static uint8_t *add_pkt(const struct tpkt *t)
{
    REQUIRE(npkt < MAXPKT);
    len[npkt] = tpkt_build(t, pkt[npkt]);
    plen[npkt] = t->plen;
    return pkt[npkt++];
}

/* Feed the packets in order; the payload size of each packet that comes out. */
static int run(size_t *out)
{
    int n = 0;
    size_t cur = 0;
    offload_coalescer_reset(&c);
    for (int i = 0; i < npkt; i++) {
        enum offload_add_result r = offload_coalesce_add(&c, pkt[i], len[i], false);
        if (r == OFFLOAD_FLUSH_FIRST) {
            out[n++] = cur;
            offload_coalescer_reset(&c);
            r = offload_coalesce_add(&c, pkt[i], len[i], false);
            CHECK_EQ(r, OFFLOAD_STARTED);
            cur = 0;
        }
        if (r == OFFLOAD_NOT_COALESCABLE) {
            if (c.segments)
                out[n++] = cur;
            offload_coalescer_reset(&c);
            out[n++] = plen[i];
            cur = 0;
        } else {
            cur += plen[i];
        }
    }
    if (c.segments)
        out[n++] = cur;
    return n;
}

static void expect(const char *name, const char *why, const size_t *want, int nwant)
{
    size_t got[MAXOUT];
    int n = run(got);
    bool ok = n == nwant;
    for (int i = 0; ok && i < n; i++)
        ok = got[i] == want[i];
    if (!ok) {
        char g[256] = "", w[256] = "";
        for (int i = 0; i < n; i++)
            snprintf(g + strlen(g), sizeof(g) - strlen(g), " %zu", got[i]);
        for (int i = 0; i < nwant; i++)
            snprintf(w + strlen(w), sizeof(w) - strlen(w), " %zu", want[i]);
        FAILF("IPv%d %s: got {%s }, want {%s }%s%s", family, name, g, w, why ? " - " : "",
              why ? why : "");
    }
    npkt = 0;
}
#define EXPECT(name, why, ...)                                                                    \
    do {                                                                                          \
        const size_t want_[] = {__VA_ARGS__};                                                     \
        expect(name, why, want_, (int)(sizeof(want_) / sizeof(want_[0])));                        \
    } while (0)

static void data_cases(void)
{
    struct tpkt t;
    t = seg(0, 100), add_pkt(&t), t = seg(100, 100), add_pkt(&t);
    EXPECT("data_same", NULL, 200);
    t = seg(0, 100), add_pkt(&t), t = seg(100, 50), add_pkt(&t);
    EXPECT("data_lrg_sml", NULL, 150);
    t = seg(0, 100), add_pkt(&t), t = seg(100, 1), add_pkt(&t);
    EXPECT("data_lrg_1byte", NULL, 101);
    t = seg(0, 50), add_pkt(&t), t = seg(50, 100), add_pkt(&t);
    EXPECT("data_sml_lrg", NULL, 50, 100);
    t = seg(0, 100), add_pkt(&t);
    EXPECT("single", NULL, 100);
    /* Pure ACKs, a duplicate, then one acknowledging one more byte. */
    t = seg(0, 0), add_pkt(&t), add_pkt(&t), t.ack++, add_pkt(&t);
    EXPECT("ack", NULL, 0, 0, 0);
}

/* gro.c's send_flags: five segments, the flag on the third (and, for CWR, the
 * second); SYN, RST and URG segments carry no payload. */
static void flags_case(const char *name, uint8_t flag)
{
    bool cwr = flag == 0x80, psh = flag == 0x08;
    size_t flagged_len = psh || cwr ? PAYLOAD_LEN : 0;
    for (int i = 0; i < 5; i++) {
        bool flagged = i == 2 || (cwr && i == 1);
        struct tpkt t = seg(flagged ? i * (int)flagged_len : i * PAYLOAD_LEN,
                            flagged ? flagged_len : PAYLOAD_LEN);
        if (flagged)
            t.flags |= flag;
        add_pkt(&t);
    }
    if (psh)
        EXPECT(name, NULL, 300, 200);
    else if (cwr)
        EXPECT(name, "CWR never merges (GRO: 100 200 200)", 100, 100, 100, 200);
    else
        EXPECT(name, NULL, 200, 0, 200);
}

static void tcp_cases(void)
{
    struct tpkt t;
    uint8_t *p;
    t = seg(0, 100), add_pkt(&t);
    t = seg(100, 100), p = add_pkt(&t);
    p[(family == 4 ? 20 : 40) + 16] ^= 0x01; /* checksum off by one */
    EXPECT("tcp_csum", NULL, 100, 100);
    t = seg(0, 100), add_pkt(&t), t = seg(101, 100), add_pkt(&t);
    EXPECT("tcp_seq", NULL, 100, 100);

    /* Timestamps: NOP NOP TS, then TS placed differently. */
    static const uint8_t ts0[12] = {1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t ts100[12] = {1, 1, 8, 10, 0, 0, 0, 100, 0, 0, 0, 0};
    static const uint8_t ts100b[12] = {1, 8, 10, 0, 0, 0, 100, 0, 0, 0, 0, 1};
    static const uint8_t ts100c[12] = {8, 10, 0, 0, 0, 100, 0, 0, 0, 0, 1, 1};
    const uint8_t *tss[5] = {ts0, ts0, ts100, ts100b, ts100c};
    for (int i = 0; i < 5; i++) {
        t = seg(i * PAYLOAD_LEN, PAYLOAD_LEN);
        t.opt = tss[i];
        t.optlen = 12;
        add_pkt(&t);
    }
    EXPECT("tcp_ts", NULL, 200, 100, 100, 100);

    static const uint8_t wscale[4] = {1, 3, 3, 0};
    for (int i = 0; i < 3; i++) {
        t = seg(i * PAYLOAD_LEN, PAYLOAD_LEN);
        t.opt = i < 2 ? ts0 : wscale;
        t.optlen = i < 2 ? 12 : 4;
        add_pkt(&t);
    }
    EXPECT("tcp_opt", NULL, 200, 100);
}

static void ip_cases(void)
{
    struct tpkt t;
    t = seg(0, 100), add_pkt(&t), t = seg(100, 100), t.tos = 2, add_pkt(&t);
    EXPECT("ip_ecn", NULL, 100, 100);
    t = seg(0, 100), add_pkt(&t), t = seg(100, 100), t.tos = family == 4 ? 1 : 0xf0, add_pkt(&t);
    EXPECT("ip_tos", NULL, 100, 100);
    if (family == 6)
        return;
    t = seg(0, 100), add_pkt(&t), t = seg(100, 100), t.ttl = 7, add_pkt(&t);
    EXPECT("ip_ttl", NULL, 100, 100);

    /* An IPv4 timestamp option (12 bytes) on the second of three. */
    t = seg(0, 100), add_pkt(&t);
    t = seg(100, 100);
    uint8_t *p = add_pkt(&t), tmp[4300];
    size_t n = len[npkt - 1];
    memcpy(tmp, p, n);
    memcpy(p + 32, tmp + 20, n - 20);
    memset(p + 20, 0, 12);
    p[20] = 68, p[21] = 12, p[22] = 5;
    p[0] = 0x48;
    wr16(p + 2, (unsigned)(n + 12));
    inet_ip4_set_csum(p);
    len[npkt - 1] = n + 12;
    t = seg(200, 100), add_pkt(&t);
    EXPECT("ip_opt", NULL, 100, 100, 100);

    /* A first fragment (DF and MF) of a 200-byte segment. */
    t = seg(0, 100), add_pkt(&t);
    t = seg(100, 200);
    p = add_pkt(&t);
    wr16(p + 2, 20 + 20 + 100);
    wr16(p + 6, 0x6000);
    inet_ip4_set_csum(p);
    len[npkt - 1] = 20 + 20 + 100;
    plen[npkt - 1] = 100;
    EXPECT("ip_frag4", NULL, 100, 100);
}

/* gro.c's send_flush_id_case: IPv4 IDs and DF of two or three segments. */
static void id_case(const char *name, bool df, const uint16_t *ids, int n, const char *why,
                    const size_t *want, int nwant)
{
    for (int i = 0; i < n; i++) {
        struct tpkt t = seg(i * PAYLOAD_LEN, PAYLOAD_LEN);
        t.df = df;
        t.id = ids[i];
        add_pkt(&t);
    }
    expect(name, why, want, nwant);
}

static void ip_id_cases(void)
{
    static const uint16_t inc[] = {8, 9}, fixed[] = {8, 8}, inc_fixed[] = {8, 9, 9},
                          fixed_inc[] = {8, 8, 9};
    static const size_t one[] = {200}, two[] = {100, 100}, w200_100[] = {200, 100},
                        w100_200[] = {100, 200};
    const char *fixed_tcp = "fixed-ID TCP never merges (GRO: 200)";
    id_case("ip_id_df1_inc", true, inc, 2, NULL, one, 1);
    id_case("ip_id_df1_fixed", true, fixed, 2, fixed_tcp, two, 2);
    id_case("ip_id_df0_inc", false, inc, 2, NULL, one, 1);
    id_case("ip_id_df0_fixed", false, fixed, 2, fixed_tcp, two, 2);
    id_case("ip_id_df1_inc_fixed", true, inc_fixed, 3, NULL, w200_100, 2);
    id_case("ip_id_df1_fixed_inc", true, fixed_inc, 3, "fixed-ID TCP never merges (GRO: 200 100)",
            w100_200, 2);
}

/* An 8-byte destination options (or fragment) header after the IPv6 header. */
static void v6_ext(uint8_t *p, uint8_t type, uint8_t fill)
{
    size_t n = len[npkt - 1];
    uint8_t tmp[4300];
    memcpy(tmp, p, n);
    memcpy(p + 48, tmp + 40, n - 40);
    memset(p + 40, fill, 8);
    p[40] = 6; /* next header: TCP */
    p[41] = 0;
    p[6] = type;
    wr16(p + 4, (unsigned)(n - 40 + 8));
    len[npkt - 1] = n + 8;
}

static void ipv6_cases(void)
{
    struct tpkt t;
    t = seg(0, 100), add_pkt(&t), t = seg(100, 100), add_pkt(&t);
    t = seg(200, 100), v6_ext(add_pkt(&t), 44, 0);
    t = seg(300, 100), add_pkt(&t);
    EXPECT("ip_frag6", NULL, 200, 100, 100);
    t = seg(0, 100), v6_ext(add_pkt(&t), 60, 0);
    t = seg(100, 100), v6_ext(add_pkt(&t), 60, 0);
    EXPECT("ip_v6ext_same", "IPv6 extension headers never merge (GRO: 200)", 100, 100);
    t = seg(0, 100), v6_ext(add_pkt(&t), 60, 0);
    t = seg(100, 100), v6_ext(add_pkt(&t), 60, 0x11);
    EXPECT("ip_v6ext_diff", NULL, 100, 100);
}

/* gro.c's send_large: segments of an MTU of 4096 up to 65535 IP bytes. */
static void large_case(bool rem_plus_one)
{
    size_t hdr = family == 4 ? 40 : 60; /* gro.c's IPv6 header length counts 20 spare bytes */
    size_t max = 65535 - hdr, mss = 4096 - hdr, num = max / mss, rem = max % mss;
    size_t last = rem_plus_one ? rem + 1 : rem;
    for (size_t i = 0; i < num; i++) {
        struct tpkt t = seg((int)(i * mss), mss);
        add_pkt(&t);
    }
    struct tpkt t = seg((int)(num * mss), last);
    add_pkt(&t);
    t = seg((int)((num + 1) * mss), last);
    add_pkt(&t);
    if (rem_plus_one)
        EXPECT("large_rem", NULL, num * mss, last, last);
    else
        EXPECT("large_max", NULL, num * mss + rem, rem);
}

/* gro.c's capacity case: four flows, A1 B1 C1 D1 A2 B2 C2 D2 (PSH on the
 * second of each). GRO holds the four; lintun never reorders. */
static void capacity_case(void)
{
    for (int k = 0; k < 2; k++)
        for (int f = 0; f < 4; f++) {
            struct tpkt t = seg(k * 200, 200);
            t.sport = (uint16_t)(1500 + f);
            t.id = (uint16_t)(100 * f + k);
            if (k)
                t.flags |= 0x08;
            add_pkt(&t);
        }
    EXPECT("capacity", "one flow at a time, never reordered (GRO: 400 x4)", 200, 200, 200, 200,
           200, 200, 200, 200);
}

/* wireguard-go's Test_handleGRO rows for one TCP flow. */
static void wireguard_go_cases(void)
{
    struct tpkt t;
    for (int i = 0; i < 4; i++) {
        t = seg(i * PAYLOAD_LEN, PAYLOAD_LEN);
        if (i == 1)
            t.flags |= 0x08;
        add_pkt(&t);
    }
    EXPECT("wg PSH interleaved", NULL, 200, 200);
    static const int order[3] = {1, 0, 2};
    for (int i = 0; i < 3; i++) {
        t = seg(order[i] * PAYLOAD_LEN, PAYLOAD_LEN);
        add_pkt(&t);
    }
    EXPECT("wg out of order", "never reordered (wireguard-go: 300)", 100, 100, 100);
    t = seg(0, 100), add_pkt(&t), t = seg(100, 100), t.ttl++, add_pkt(&t);
    EXPECT("wg unequal TTL or hop limit", NULL, 100, 100);
    if (family == 4) {
        t = seg(0, 100), add_pkt(&t), t = seg(100, 100), t.df = false, add_pkt(&t);
        EXPECT("wg unequal flags DF", NULL, 100, 100);
    }
}

int main(void)
{
    memset(filler, 'a', sizeof(filler));
    offload_coalescer_init(&c, coal_buf, sizeof(coal_buf));
    for (family = 4; family <= 6; family += 2) {
        data_cases();
        flags_case("flags_psh", 0x08);
        flags_case("flags_syn", 0x02);
        flags_case("flags_rst", 0x04);
        flags_case("flags_urg", 0x20);
        flags_case("flags_cwr", 0x80);
        tcp_cases();
        ip_cases();
        if (family == 4)
            ip_id_cases();
        else
            ipv6_cases();
        large_case(false);
        large_case(true);
        capacity_case();
        wireguard_go_cases();
    }
    return test_done();
}
