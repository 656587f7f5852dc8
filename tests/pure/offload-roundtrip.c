/* SPDX-License-Identifier: MIT */
/*
 * Property: coalescing a packet sequence and splitting every result again,
 * the way the kernel segments what we write, gives back the sequence byte
 * for byte. Streams are random (IPv4/IPv6, TCP with random options or UDP,
 * random MSS, a short last segment, PSH/FIN at the end, CWR at the start),
 * and some packets are disturbed (gaps, other TTL, SYN, pure ACKs, broken
 * checksums) so that every add result is exercised.
 *
 * IPv4 IDs step, stay fixed or are random, with DF set or not. Without DF
 * the round trip is byte for byte; with DF (atomic datagrams, RFC 6864)
 * the coalescer may merge any IDs, and the kernel renumbers them: each
 * packet must then come back with the ID of its super-packet's first
 * segment plus its index in it, and a header checksum to match.
 */
#include "harness.h"
#include "offload-pkt.h"

#define MAXPKT 200

static uint8_t cbuf[65535 + 10];
static uint8_t scratch[65536];
static uint8_t in[MAXPKT][1600];
static size_t in_len[MAXPKT];
static struct outs out;
static uint8_t data[MAXPKT * 1600];
static int merged, supers;
static uint16_t want_id[MAXPKT]; /* the IPv4 ID each packet comes back with */

static void flush(struct offload_coalescer *c)
{
    struct virtio_net_hdr h;

    if (!c->segments)
        return;
    size_t n = offload_coalesce_finish(c);
    memcpy(&h, c->buf, sizeof(h));
    supers += c->segments > 1;
    int r = offload_split(&h, c->buf + 10, n - 10, collect, &out, scratch, sizeof(scratch));
    CHECK_EQ(r, c->segments);
    offload_coalescer_reset(c);
}

/* The send loop a session runs; NOT_COALESCABLE packets go out alone, in order. */
static void send_all(int count, bool udp)
{
    struct offload_coalescer c;
    struct virtio_net_hdr none;

    memset(&none, 0, sizeof(none));
    offload_coalescer_init(&c, cbuf, sizeof(cbuf));
    uint16_t first_id = 0, index = 0;
    for (int i = 0; i < count; i++) {
        uint16_t id = (uint16_t)(in[i][4] << 8 | in[i][5]);
        enum offload_add_result r = offload_coalesce_add(&c, in[i], in_len[i], udp);
        if (r == OFFLOAD_FLUSH_FIRST) {
            flush(&c);
            r = offload_coalesce_add(&c, in[i], in_len[i], udp);
            CHECK_EQ(r, OFFLOAD_STARTED);
        }
        if (r == OFFLOAD_NOT_COALESCABLE) {
            flush(&c);
            CHECK_EQ(offload_split(&none, in[i], in_len[i], collect, &out, scratch, 0), 1);
        }
        merged += r == OFFLOAD_MERGED;
        if (r == OFFLOAD_STARTED)
            first_id = id, index = 0;
        else if (r == OFFLOAD_MERGED)
            index++;
        want_id[i] = r == OFFLOAD_NOT_COALESCABLE ? id : (uint16_t)(first_id + index);
    }
    flush(&c);
}

static void disturb(struct tpkt *t)
{
    switch (rnd_below(40)) {
    case 0:
        t->seq += 1;
        break;
    case 1:
        t->ttl--;
        break;
    case 2:
        t->flags |= 0x02;
        break;
    case 3:
        t->plen = 0;
        break;
    case 4:
        t->id += 5;
        break;
    case 5:
        t->flags |= 0x08;
        break;
    case 6:
        t->flags |= 0x80;
        break;
    default:
        break;
    }
}

static void one_stream(int iter)
{
    int family = rnd_below(2) ? 4 : 6, proto = rnd_below(3) ? 6 : 17;
    int count = 1 + (int)rnd_below(MAXPKT);
    size_t mss = 1 + rnd_below(1400);
    uint8_t opt[40];
    size_t optlen = proto == 6 ? 4 * rnd_below(11) : 0;
    bool noisy = iter % 2;
    uint32_t seq = rnd();
    uint16_t id = (uint16_t)rnd();
    int id_step = (int)rnd_below(3); /* 0: fixed, 1: stepping, 2: random */
    bool df = rnd_below(4) != 0;
    struct tpkt t;

    for (size_t i = 0; i < optlen; i++)
        opt[i] = (uint8_t)rnd();
    for (size_t i = 0; i < (size_t)count * mss; i++)
        data[i] = (uint8_t)rnd();
    for (int i = 0; i < count; i++) {
        tpkt_init(&t, family, proto);
        t.seq = seq;
        t.df = df;
        t.id = id_step == 2 ? (uint16_t)rnd() : id;
        id = (uint16_t)(id + id_step);
        t.opt = opt;
        t.optlen = optlen;
        t.payload = data + i * mss;
        t.plen = i + 1 < count ? mss : 1 + rnd_below((uint32_t)mss);
        if (i == 0 && rnd_below(4) == 0)
            t.flags |= 0x80;
        if (i + 1 == count && rnd_below(2))
            t.flags |= rnd_below(2) ? 0x08 : 0x09;
        if (noisy)
            disturb(&t);
        seq += (uint32_t)t.plen;
        in_len[i] = tpkt_build(&t, in[i]);
        if (noisy && rnd_below(50) == 0)
            in[i][in_len[i] - 1] ^= 0x40; /* broken L4 checksum */
    }
    send_all(count, proto == 17);
    CHECK_EQ(out.n, count);
    for (int i = 0; i < out.n && i < count; i++) {
        if (family == 4 && df) { /* expect the kernel's numbering */
            wr16(in[i] + 4, want_id[i]);
            inet_ip4_set_csum(in[i]);
        }
        if (out.len[i] != in_len[i] || memcmp(out.buf[i], in[i], in_len[i]) != 0) {
            FAILF("iteration %d (IPv%d, proto %d, mss %zu): packet %d of %d differs", iter, family,
                  proto, mss, i, count);
            break;
        }
    }
    outs_free(&out);
}

int main(void)
{
    for (int iter = 0; iter < 600; iter++)
        one_stream(iter);
    printf("%d segments merged into %d super-packets\n", merged, supers);
    CHECK(merged > 10000);
    return test_done();
}
