/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the coalescer. The input is a sequence of packets
 * that go through the send loop a session runs (add, flush on FLUSH_FIRST or
 * NOT_COALESCABLE, finish), and every super-packet is split again the way
 * the kernel would segment it. Invariant: what comes out is exactly the
 * sequence that went in, whatever it was, except that the IPv4 IDs of DF
 * packets that went into a super-packet come back as the kernel numbers
 * them (the first segment's ID plus the index), with a header checksum to
 * match.
 *
 * Input format: byte 0 bit 0 = allow_udp; then records of
 *   ctl (1 byte), len (2 bytes, big-endian), len bytes
 * ctl bit 0: the bytes are only a payload; the headers are the previous
 *   packet's, advanced as the next segment of its stream (sequence number,
 *   IPv4 ID, lengths), so that the fuzzer reaches merges easily.
 * ctl bit 1: write valid IP and TCP/UDP checksums.
 * ctl bit 2: set PSH; bit 3: set FIN; bit 4: toggle the byte at ctl >> 5.
 */
#include <stdlib.h>
#include <string.h>

#include "offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PKTS 128
#define MAX_LEN 9000

struct pkts {
    int n;
    size_t len[MAX_PKTS];
    uint8_t buf[MAX_PKTS][MAX_LEN];
};

static struct pkts in, out;
static int want_id[MAX_PKTS]; /* the ID a renumbered packet comes back with, or -1 */

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void wr16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Finds the L4 header the simple way: no IPv4 options check, no ext headers. */
static bool l4_of(const uint8_t *p, size_t n, size_t *l4, uint8_t *proto, size_t *hl)
{
    if (n < 20 || (p[0] >> 4 != 4 && p[0] >> 4 != 6))
        return false;
    *l4 = p[0] >> 4 == 4 ? (size_t)(p[0] & 15) * 4 : 40;
    *proto = p[0] >> 4 == 4 ? p[9] : p[6];
    if (*l4 < 20 || (*proto != 6 && *proto != 17) || *l4 + (*proto == 6 ? 20 : 8) > n)
        return false;
    *hl = *l4 + (*proto == 6 ? (size_t)(p[*l4 + 12] >> 4) * 4 : 8);
    return *hl >= *l4 + 8 && *hl <= n;
}

static void fix_csums(uint8_t *p, size_t n)
{
    size_t l4, hl, field;
    uint8_t proto;
    uint32_t sum;

    if (!l4_of(p, n, &l4, &proto, &hl))
        return;
    if (p[0] >> 4 == 4) {
        wr16(p + 10, 0);
        wr16(p + 10, (uint16_t)~offload_csum_fold(offload_csum_add(0, p, l4)));
    }
    field = l4 + (proto == 6 ? 16 : 6);
    wr16(p + field, 0);
    sum = p[0] >> 4 == 4 ? offload_csum_add(0, p + 12, 8) : offload_csum_add(0, p + 8, 32);
    sum = offload_csum_add(sum + proto + (uint32_t)(n - l4), p + l4, n - l4);
    sum = (uint16_t)~offload_csum_fold(sum);
    wr16(p + field, proto == 17 && sum == 0 ? 0xffff : sum);
}

/* The next segment of the previous packet's stream, carrying @payload. */
static size_t derive(uint8_t *p, const uint8_t *prev, size_t prev_len, const uint8_t *payload,
                     size_t plen)
{
    size_t l4, hl, n;
    uint8_t proto;

    if (!l4_of(prev, prev_len, &l4, &proto, &hl) || hl + plen > MAX_LEN)
        return 0;
    n = hl + plen;
    memcpy(p, prev, hl);
    memcpy(p + hl, payload, plen);
    if (p[0] >> 4 == 4) {
        wr16(p + 2, n);
        wr16(p + 4, rd16(p + 4) + 1u);
    } else {
        wr16(p + 4, n - 40);
    }
    if (proto == 6) {
        uint32_t seq = (uint32_t)p[l4 + 4] << 24 | (uint32_t)p[l4 + 5] << 16 |
                       (uint32_t)p[l4 + 6] << 8 | p[l4 + 7];
        seq += (uint32_t)(prev_len - hl);
        wr16(p + l4 + 4, seq >> 16);
        wr16(p + l4 + 6, seq & 0xffff);
        p[l4 + 13] &= (uint8_t)~0x09;
    } else {
        wr16(p + l4 + 4, n - l4);
    }
    return n;
}

static void apply_ctl(uint8_t *p, size_t n, uint8_t ctl)
{
    size_t l4, hl;
    uint8_t proto;

    if ((ctl & 0x0c) && l4_of(p, n, &l4, &proto, &hl) && proto == 6)
        p[l4 + 13] |= (uint8_t)((ctl & 4 ? 0x08 : 0) | (ctl & 8 ? 0x01 : 0));
    if ((ctl & 0x10) && (size_t)(ctl >> 5) < n)
        p[ctl >> 5] ^= 0x5a;
    if (ctl & 2)
        fix_csums(p, n);
}

static void parse_input(const uint8_t *data, size_t size)
{
    size_t pos = 1;

    in.n = 0;
    while (pos + 3 <= size && in.n < MAX_PKTS) {
        uint8_t ctl = data[pos];
        size_t len = rd16(data + pos + 1), n;
        uint8_t *p = in.buf[in.n];

        pos += 3;
        if (len > size - pos)
            len = size - pos;
        if ((ctl & 1) && in.n > 0)
            n = derive(p, in.buf[in.n - 1], in.len[in.n - 1], data + pos, len);
        else
            n = len <= MAX_LEN ? len : 0;
        if (!(ctl & 1) || in.n == 0)
            memcpy(p, data + pos, n);
        pos += len;
        apply_ctl(p, n, ctl);
        in.len[in.n++] = n;
    }
}

static int collect(void *arg, const uint8_t *p, size_t n)
{
    (void)arg;
    if (out.n >= MAX_PKTS || n > MAX_LEN)
        abort();
    memcpy(out.buf[out.n], p, n);
    out.len[out.n++] = n;
    return 0;
}

static void flush(struct offload_coalescer *c)
{
    static uint8_t scratch[65536];
    struct virtio_net_hdr h;
    size_t n;

    if (!c->segments)
        return;
    n = offload_coalesce_finish(c);
    if (n != c->len || n < sizeof(h))
        abort();
    memcpy(&h, c->buf, sizeof(h));
    if (offload_split(&h, c->buf + sizeof(h), n - sizeof(h), collect, NULL, scratch,
                      sizeof(scratch)) != (int)c->segments)
        abort();
    offload_coalescer_reset(c);
}

static enum offload_add_result send_one(struct offload_coalescer *c, const uint8_t *p, size_t n,
                                        bool udp)
{
    struct virtio_net_hdr none;
    enum offload_add_result r = offload_coalesce_add(c, p, n, udp);

    if (r == OFFLOAD_FLUSH_FIRST) {
        flush(c);
        r = offload_coalesce_add(c, p, n, udp);
        if (r != OFFLOAD_STARTED)
            abort();
    } else if (r == OFFLOAD_NOT_COALESCABLE) {
        flush(c);
        memset(&none, 0, sizeof(none));
        if (offload_split(&none, p, n, collect, NULL, NULL, 0) != 1)
            abort();
    } else if (r != OFFLOAD_MERGED && r != OFFLOAD_STARTED) {
        abort();
    }
    return r;
}

/* What packet @i must come back as: renumbered if it is a DF IPv4 segment. */
static void expect(int i)
{
    uint8_t *p = in.buf[i];

    if (want_id[i] < 0 || in.len[i] < 20 || p[0] >> 4 != 4 || !(p[6] & 0x40))
        return;
    wr16(p + 4, (size_t)want_id[i]);
    wr16(p + 10, 0);
    wr16(p + 10, (uint16_t)~offload_csum_fold(offload_csum_add(0, p, 20)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t cbuf[65535 + OFFLOAD_VNET_HDR_LEN];
    struct offload_coalescer c;
    bool udp;

    if (size < 1)
        return 0;
    udp = data[0] & 1;
    parse_input(data, size);
    out.n = 0;
    offload_coalescer_init(&c, cbuf, sizeof(cbuf));
    uint16_t first_id = 0, index = 0;
    for (int i = 0; i < in.n; i++) {
        /* An exact-size copy, so that any overread is caught. */
        uint8_t *p = malloc(in.len[i] ? in.len[i] : 1);
        memcpy(p, in.buf[i], in.len[i]);
        enum offload_add_result r = send_one(&c, p, in.len[i], udp);
        free(p);
        /* Started or merged packets are valid IP: at least 20 bytes. */
        if (r == OFFLOAD_STARTED)
            first_id = rd16(in.buf[i] + 4), index = 0;
        else if (r == OFFLOAD_MERGED)
            index++;
        want_id[i] = r == OFFLOAD_NOT_COALESCABLE ? -1 : (uint16_t)(first_id + index);
    }
    flush(&c);
    if (out.n != in.n)
        abort();
    for (int i = 0; i < in.n; i++)
        expect(i);
    for (int i = 0; i < in.n; i++)
        if (out.len[i] != in.len[i] || memcmp(out.buf[i], in.buf[i], in.len[i]) != 0)
            abort();
    return 0;
}
