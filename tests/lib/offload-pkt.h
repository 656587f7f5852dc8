/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the offload tests: a packet builder (checksums from
 * common/csum.h, the reference the library is checked against), an emit
 * callback that keeps copies, and a small PRNG.
 */
#ifndef LINTUN_TEST_OFFLOAD_PKT_H
#define LINTUN_TEST_OFFLOAD_PKT_H

#include <arpa/inet.h>
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "offload.h"
#include "../common/csum.h"

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, v >> 16);
    wr16(p + 2, v & 0xffff);
}

struct tpkt {
    int family; /* 4 or 6 */
    int proto;  /* 6 TCP, 17 UDP */
    uint8_t tos, ttl;
    bool df;
    uint16_t id;
    uint32_t flow; /* IPv6 flow label */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    const uint8_t *opt; /* TCP options, length a multiple of 4 */
    size_t optlen;
    const uint8_t *payload;
    size_t plen;
};

static inline void tpkt_init(struct tpkt *t, int family, int proto)
{
    memset(t, 0, sizeof(*t));
    t->family = family;
    t->proto = proto;
    t->ttl = 64;
    t->df = true;
    t->id = 0x1234;
    t->flow = 0x12345;
    for (int i = 0; i < 16; i++) {
        t->src[i] = (uint8_t)(0x20 + i);
        t->dst[i] = (uint8_t)(0xa0 + 3 * i);
    }
    t->sport = 40000;
    t->dport = 443;
    t->seq = 1000000;
    t->ack = 777;
    t->flags = 0x10;
    t->win = 512;
}

/* An IPv4/UDP packet from src:sport to dst:dport (dotted quads). */
static inline void tpkt_init_udp4(struct tpkt *t, const char *src, const char *dst, int sport,
                                  int dport)
{
    tpkt_init(t, 4, 17);
    inet_pton(AF_INET, src, t->src);
    inet_pton(AF_INET, dst, t->dst);
    t->sport = (uint16_t)sport;
    t->dport = (uint16_t)dport;
}

/* Writes the packet with valid checksums; returns its length. */
static inline size_t tpkt_build(const struct tpkt *t, uint8_t *out)
{
    size_t ipl = t->family == 4 ? 20 : 40;
    size_t l4h = t->proto == 6 ? 20 + t->optlen : 8;
    size_t n = ipl + l4h + t->plen;
    uint8_t *l4 = out + ipl;

    memset(out, 0, ipl + l4h);
    if (t->family == 4) {
        out[0] = 0x45;
        out[1] = t->tos;
        wr16(out + 2, (unsigned)n);
        wr16(out + 4, t->id);
        wr16(out + 6, t->df ? 0x4000 : 0);
        out[8] = t->ttl;
        out[9] = (uint8_t)t->proto;
        memcpy(out + 12, t->src, 4);
        memcpy(out + 16, t->dst, 4);
        inet_ip4_set_csum(out);
    } else {
        wr32(out, 0x60000000u | (uint32_t)t->tos << 20 | (t->flow & 0xfffff));
        wr16(out + 4, (unsigned)(n - 40));
        out[6] = (uint8_t)t->proto;
        out[7] = t->ttl;
        memcpy(out + 8, t->src, 16);
        memcpy(out + 24, t->dst, 16);
    }
    wr16(l4, t->sport);
    wr16(l4 + 2, t->dport);
    if (t->proto == 6) {
        wr32(l4 + 4, t->seq);
        wr32(l4 + 8, t->ack);
        l4[12] = (uint8_t)((l4h / 4) << 4);
        l4[13] = t->flags;
        wr16(l4 + 14, t->win);
        if (t->optlen)
            memcpy(l4 + 20, t->opt, t->optlen);
    } else {
        wr16(l4 + 4, (unsigned)(l4h + t->plen));
    }
    if (t->plen)
        memcpy(l4 + l4h, t->payload, t->plen);
    wr16(l4 + (t->proto == 6 ? 16 : 6), inet_l4_csum(out, n, (unsigned)t->proto));
    return n;
}

static inline struct virtio_net_hdr vhdr(uint8_t flags, uint8_t type, unsigned gso_size,
                                         unsigned csum_start, unsigned csum_offset)
{
    struct virtio_net_hdr h;
    memset(&h, 0, sizeof(h));
    h.flags = flags;
    h.gso_type = type;
    h.gso_size = htole16((uint16_t)gso_size);
    h.csum_start = htole16((uint16_t)csum_start);
    h.csum_offset = htole16((uint16_t)csum_offset);
    return h;
}

/* Emitted packets, copied. */
struct outs {
    int n;
    size_t len[4096];
    uint8_t *buf[4096];
    const uint8_t *ptr[4096]; /* the pointer emit was given */
};

static inline int collect(void *arg, const uint8_t *p, size_t n)
{
    struct outs *o = arg;
    if (o->n >= 4096)
        return -1000;
    o->buf[o->n] = malloc(n ? n : 1);
    if (n)
        memcpy(o->buf[o->n], p, n);
    o->len[o->n] = n;
    o->ptr[o->n] = p;
    o->n++;
    return 0;
}

static inline void outs_free(struct outs *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->buf[i]);
    o->n = 0;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static inline uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}
static inline uint32_t rnd_below(uint32_t n) { return n ? rnd() % n : 0; }

#endif
