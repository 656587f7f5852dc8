/* SPDX-License-Identifier: MIT */
/*
 * Segmentation offload as pure functions over bytes.
 *
 * Receive side (offload_split): the kernel hands a TUN queue opened with
 * IFF_VNET_HDR one virtio_net_hdr followed by either a plain packet, a packet
 * whose L4 checksum holds only the pseudo-header part, or a TSO/USO
 * super-packet. Wintun's contract is one complete IP packet per ring slot, so
 * we redo here what a NIC would have done.
 *
 * Send side (offload_coalesce_*): consecutive segments of one flow are glued
 * into one super-packet that the kernel will segment again. The rules are
 * strict on purpose: a merge is only allowed when the kernel's segmentation
 * gives back exactly the bytes the application wrote, so coalescing never
 * changes what reaches the wire.
 *
 * Ownership: nothing here allocates or keeps a pointer past a call. The
 * packet bytes given to offload_split() are only read; outputs are built in
 * the caller's scratch buffer. A coalescer writes only into the buffer its
 * owner passed to offload_coalescer_init() and is not thread-safe: one
 * coalescer belongs to one sending thread.
 *
 * Trust: the virtio_net_hdr fields hdr_len, csum_start, csum_offset and the
 * packet's own header fields are all checked against the bytes actually
 * present before use; we parse headers ourselves rather than believe hdr_len.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/uio.h>

#include "offload.h"

#define IP4_HDR_LEN 20
#define IP6_HDR_LEN 40
#define TCP_HDR_LEN 20
#define UDP_HDR_LEN 8
#define IP_MAX_LEN 65535u

#define PROTO_TCP 6
#define PROTO_UDP 17

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_CWR 0x80

#define TCP_CSUM_OFF 16
#define UDP_CSUM_OFF 6

/* IPv4 flags/fragment offset field: MF and the offset mark a fragment. */
#define IP4_FRAG_MASK 0x3fff
#define IP4_DF 0x4000

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

/*
 * The native-order sum of @len bytes (even) as 16-bit words, unfolded: 32-bit
 * loads added into a 64-bit accumulator. Headers are summed with it inline,
 * without offload_csum_add's set-up, and folded once (hdr_fold); it also
 * sums what is left after offload_csum_add's vector rounds.
 */
static inline uint64_t words_sum(const uint8_t *p, size_t len)
{
    uint64_t acc = 0;
    uint32_t w;
    uint16_t h;

    for (; len >= 4; p += 4, len -= 4) {
        memcpy(&w, p, 4);
        acc += w;
    }
    if (len >= 2) {
        memcpy(&h, p, 2);
        acc += h;
    }
    return acc;
}

/*
 * The ones' complement sum is independent of byte order (RFC 1071, 2.B): the
 * data is summed as native 16-bit words and the folded result swapped once.
 * The data is taken to start on a 16-bit word boundary of the summed region;
 * an odd last byte counts as the high byte of a word padded with zero, so
 * only the last chunk of a chained sum may have an odd length. @sum is added
 * to the result, which is folded back below 2^32 without changing its value
 * modulo 0xffff.
 *
 * The bulk is summed 32 bytes at a time in 16-byte vectors (SSE2 on x86-64,
 * the baseline; GCC and Clang lower the vector type to whatever the target
 * has): the two 16-bit halves of each 32-bit lane go to separate 32-bit
 * lanes. A lane takes at most 2 * 0xffff per round, so it cannot overflow
 * within CSUM_ROUNDS rounds; the lanes are then added into 64 bits.
 */
typedef uint32_t csum_vec __attribute__((vector_size(16)));
#define CSUM_ROUNDS 16384u

static inline __attribute__((always_inline)) uint32_t
csum_run(uint32_t sum, uint8_t *dst, const uint8_t *p, size_t len, bool copy)
{
    uint64_t acc = 0;

    while (len >= 32) {
        csum_vec lo = {0}, hi = {0};
        size_t rounds = len / 32 < CSUM_ROUNDS ? len / 32 : CSUM_ROUNDS;

        len -= rounds * 32;
        for (; rounds; rounds--, p += 32) {
            csum_vec a, b;

            memcpy(&a, p, 16);
            memcpy(&b, p + 16, 16);
            if (copy) {
                memcpy(dst, &a, 16);
                memcpy(dst + 16, &b, 16);
                dst += 32;
            }
            lo += (a & 0xffff) + (b & 0xffff);
            hi += (a >> 16) + (b >> 16);
        }
        for (unsigned int i = 0; i < 4; i++)
            acc += (uint64_t)lo[i] + hi[i];
    }
    if (copy)
        memcpy(dst, p, len);
    acc += words_sum(p, len & ~(size_t)1);
    p += len & ~(size_t)1;
    if (len & 1) {
        uint16_t h = 0;
        memcpy(&h, p, 1); /* the byte at the lower address, the rest zero */
        acc += h;
    }
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    uint64_t folded = be16toh((uint16_t)acc) + (uint64_t)sum;
    while (folded >> 32)
        folded = (folded & 0xffffffffu) + (folded >> 32);
    return (uint32_t)folded;
}

uint32_t offload_csum_add(uint32_t sum, const void *data, size_t len)
{
    return csum_run(sum, NULL, data, len, false);
}

uint32_t offload_csum_copy(uint32_t sum, void *dst, const void *src, size_t len)
{
    return csum_run(sum, dst, src, len, true);
}

/* Folds the carries back in; the caller inverts when it needs a checksum. */
uint16_t offload_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Where the headers of one IP packet are, as parsed from its bytes. */
struct pkt_info {
    uint8_t family;   /* 4 or 6 */
    uint8_t proto;    /* IPv4 protocol or IPv6 next header */
    uint16_t l4_off;  /* IP header length */
    uint16_t hdr_len; /* IP + TCP/UDP headers (after parse_l4) */
    uint32_t ip_len;  /* length the IP header declares, <= buffer length */
};

static int parse_ip4(const uint8_t *pkt, size_t len, struct pkt_info *pi)
{
    unsigned int ihl = (pkt[0] & 0x0fu) * 4;
    unsigned int tot = get16(pkt + 2);

    if (ihl < IP4_HDR_LEN || tot < ihl || tot > len)
        return -EINVAL;
    pi->family = 4;
    pi->proto = pkt[9];
    pi->l4_off = (uint16_t)ihl;
    pi->ip_len = tot;
    return 0;
}

/* A payload length of zero would mean a jumbogram, which we do not handle. */
static int parse_ip6(const uint8_t *pkt, size_t len, struct pkt_info *pi)
{
    size_t tot = IP6_HDR_LEN + (size_t)get16(pkt + 4);

    if (tot == IP6_HDR_LEN || tot > len)
        return -EINVAL;
    pi->family = 6;
    pi->proto = pkt[6];
    pi->l4_off = IP6_HDR_LEN;
    pi->ip_len = (uint32_t)tot;
    return 0;
}

static int parse_ip(const uint8_t *pkt, size_t len, struct pkt_info *pi)
{
    if (!pkt || len < IP4_HDR_LEN)
        return -EINVAL;
    if (pkt[0] >> 4 == 4)
        return parse_ip4(pkt, len, pi);
    if (pkt[0] >> 4 == 6 && len >= IP6_HDR_LEN)
        return parse_ip6(pkt, len, pi);
    return -EINVAL;
}

/* Finds the end of the TCP or UDP header, inside the IP-declared length. */
static int parse_l4(const uint8_t *pkt, struct pkt_info *pi)
{
    size_t l4 = pi->l4_off, thl;

    if (pi->proto == PROTO_TCP) {
        if (l4 + TCP_HDR_LEN > pi->ip_len)
            return -EINVAL;
        thl = (size_t)(pkt[l4 + 12] >> 4) * 4;
        if (thl < TCP_HDR_LEN || l4 + thl > pi->ip_len)
            return -EINVAL;
    } else if (pi->proto == PROTO_UDP) {
        thl = UDP_HDR_LEN;
        if (l4 + thl > pi->ip_len)
            return -EINVAL;
    } else {
        return -EINVAL;
    }
    pi->hdr_len = (uint16_t)(l4 + thl);
    return 0;
}

/* A number (protocol, length) as a 16-bit word of a native sum. */
static inline uint64_t hdr_word(uint32_t v) { return htobe16((uint16_t)v); }

/* The folded sum in network order, not inverted (the value get16 reads). */
static inline uint16_t hdr_fold(uint64_t acc)
{
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return be16toh((uint16_t)acc);
}

/* Native sum of the TCP/UDP pseudo-header (addresses, protocol, L4 length). */
static inline uint64_t pseudo_sum(const uint8_t *ip, uint8_t family, uint8_t proto, size_t l4_len)
{
    uint64_t acc = family == 4 ? words_sum(ip + 12, 8) : words_sum(ip + 8, 32);

    return acc + hdr_word(proto) + hdr_word((uint32_t)l4_len);
}

static uint16_t ip4_hdr_csum(const uint8_t *ip, size_t ihl)
{
    return (uint16_t)~hdr_fold(words_sum(ip, 10) + words_sum(ip + 12, ihl - 12));
}

/* ---- receive side: split ------------------------------------------------ */

/*
 * gso_type NONE with NEEDS_CSUM: the field at csum_start + csum_offset holds
 * the pseudo-header sum and the rest is to be summed from csum_start to the
 * end, exactly as skb_checksum_help() does. csum_plan checks csum_start and
 * csum_offset against the parsed packet and returns the IP packet's length
 * (trailing bytes past it are not part of the packet), or -EINVAL. This
 * stays generic on purpose: csum_start may point at an inner header (a
 * tunnel routed over the TUN), so we only check it lies inside the packet,
 * after the outer IP header.
 */
static long csum_plan(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len)
{
    struct pkt_info pi;
    size_t start = le16toh(hdr->csum_start), at = start + le16toh(hdr->csum_offset);

    if (parse_ip(pkt, len, &pi) || start < pi.l4_off || at + 2 > pi.ip_len)
        return -EINVAL;
    return (long)pi.ip_len;
}

/*
 * Where offload_split() and offload_split_to() put their output: each packet
 * is built in the memory slot() gives (the caller's scratch buffer, or a
 * slot of exactly its size), then handed to emit() when there is one.
 */
struct split_out {
    uint8_t *(*slot)(void *arg, size_t n);
    int (*emit)(void *arg, const uint8_t *p, size_t n);
    void *arg;
    uint8_t *scratch;
    size_t scratch_len;
};

static uint8_t *out_slot(const struct split_out *o, size_t n)
{
    if (o->slot)
        return o->slot(o->arg, n);
    return o->scratch && n <= o->scratch_len ? o->scratch : NULL;
}

/* 0 to go on, or the negative value that stops the split. */
static int out_done(const struct split_out *o, const uint8_t *p, size_t n)
{
    return o->emit ? o->emit(o->arg, p, n) : 0;
}

/* No slot: the scratch buffer is too small (-EINVAL) or the sink is full. */
static int out_none(const struct split_out *o) { return o->slot ? -ENOSPC : -EINVAL; }

static int split_plain(const uint8_t *pkt, size_t len, const struct split_out *o)
{
    uint8_t *out;
    int r;

    if (o->emit) {
        r = o->emit(o->arg, pkt, len);
        return r < 0 ? r : 1;
    }
    if (!(out = out_slot(o, len)))
        return out_none(o);
    memcpy(out, pkt, len);
    return 1;
}

/* The checksum is summed while the packet is copied out, in one pass. */
static int split_csum(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                      const struct split_out *o)
{
    long n = csum_plan(hdr, pkt, len);
    size_t start = le16toh(hdr->csum_start), at = start + le16toh(hdr->csum_offset);
    uint8_t *out;
    uint16_t c;
    int r;

    if (n < 0)
        return -EINVAL;
    if (!(out = out_slot(o, (size_t)n)))
        return out_none(o);
    memcpy(out, pkt, start);
    c = (uint16_t)~offload_csum_fold(offload_csum_copy(0, out + start, pkt + start,
                                                       (size_t)n - start));
    put16(out + at, c ? c : 0xffff);
    r = out_done(o, out, (size_t)n);
    return r < 0 ? r : 1;
}

/* What the segments of one super-packet are made of. */
struct gso_plan {
    struct pkt_info pi;
    size_t payload; /* bytes after the headers */
    size_t mss;     /* payload bytes per segment but the last */
    unsigned int count;
    uint16_t ip_id; /* IPv4 ID of the first segment */
    uint32_t seq;   /* TCP sequence number of the first segment */
};

static int gso_type_matches(uint8_t type, const struct pkt_info *pi)
{
    switch (type) {
    case VIRTIO_NET_HDR_GSO_TCPV4:
        return pi->family == 4 && pi->proto == PROTO_TCP;
    case VIRTIO_NET_HDR_GSO_TCPV6:
        return pi->family == 6 && pi->proto == PROTO_TCP;
    case VIRTIO_NET_HDR_GSO_UDP_L4:
        return pi->proto == PROTO_UDP;
    default:
        return 0;
    }
}

/*
 * Validates everything up front so that a malformed super-packet emits
 * nothing. IPv6 extension headers show up as a next header that is neither
 * TCP nor UDP and are refused here; so are IPv4 fragments.
 */
static int gso_plan(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                    struct gso_plan *p)
{
    uint8_t type = hdr->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

    p->mss = le16toh(hdr->gso_size);
    if (p->mss == 0 || parse_ip(pkt, len, &p->pi) || !gso_type_matches(type, &p->pi))
        return -EINVAL;
    if (p->pi.family == 4 && (get16(pkt + 6) & IP4_FRAG_MASK))
        return -EINVAL;
    if (parse_l4(pkt, &p->pi))
        return -EINVAL;
    p->payload = p->pi.ip_len - p->pi.hdr_len;
    p->count = p->payload ? (unsigned int)((p->payload + p->mss - 1) / p->mss) : 1;
    p->ip_id = get16(pkt + 4);
    p->seq = get32(pkt + p->pi.l4_off + 4);
    return 0;
}

static void fix_ip(uint8_t *out, const struct gso_plan *p, size_t n, unsigned int i)
{
    if (p->pi.family == 6) {
        put16(out + 4, n - IP6_HDR_LEN);
        return;
    }
    put16(out + 2, n);
    put16(out + 4, (uint16_t)(p->ip_id + i));
    put16(out + 10, ip4_hdr_csum(out, p->pi.l4_off));
}

/*
 * The complete L4 checksum of packet @out (length @n), whose payload after
 * the headers sums to @payload_sum: only the headers are summed here, and
 * the checksum field's current content is ignored. UDP maps 0 to 0xffff,
 * since 0 means "no checksum" there; the kernel does the same.
 */
static uint16_t seg_l4_csum(const uint8_t *out, const struct pkt_info *pi, size_t n,
                            uint32_t payload_sum)
{
    const uint8_t *l4 = out + pi->l4_off;
    size_t field = pi->proto == PROTO_TCP ? TCP_CSUM_OFF : UDP_CSUM_OFF;
    uint64_t acc = pseudo_sum(out, pi->family, pi->proto, n - pi->l4_off) +
                   hdr_word(offload_csum_fold(payload_sum));
    uint16_t c;

    acc += words_sum(l4, field) + words_sum(l4 + field + 2, pi->hdr_len - pi->l4_off - field - 2);
    c = (uint16_t)~hdr_fold(acc);
    if (c == 0 && pi->proto == PROTO_UDP)
        c = 0xffff;
    return c;
}

/* Mirrors tcp_gso_segment(): FIN and PSH end the stream, CWR is said once. */
static void fix_l4(uint8_t *out, const struct gso_plan *p, size_t n, unsigned int i,
                   uint32_t payload_sum)
{
    uint8_t *l4 = out + p->pi.l4_off;

    if (p->pi.proto == PROTO_TCP) {
        put32(l4 + 4, p->seq + (uint32_t)(i * p->mss));
        if (i + 1 < p->count)
            l4[13] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
        if (i > 0)
            l4[13] &= (uint8_t)~TCP_CWR;
        put16(l4 + TCP_CSUM_OFF, seg_l4_csum(out, &p->pi, n, payload_sum));
    } else {
        put16(l4 + 4, n - p->pi.l4_off);
        put16(l4 + UDP_CSUM_OFF, seg_l4_csum(out, &p->pi, n, payload_sum));
    }
}

/* Bytes of segment @i: headers and its share of the payload. */
static size_t segment_len(const struct gso_plan *p, unsigned int i)
{
    size_t off = (size_t)i * p->mss;

    return p->pi.hdr_len + (p->payload - off < p->mss ? p->payload - off : p->mss);
}

/* Builds segment @i, @n bytes, in @out; its payload is summed as it is copied. */
static void build_segment(const struct gso_plan *p, const uint8_t *pkt, unsigned int i,
                          uint8_t *out, size_t n)
{
    size_t seg = n - p->pi.hdr_len;
    uint32_t payload_sum;

    memcpy(out, pkt, p->pi.hdr_len);
    payload_sum = offload_csum_copy(0, out + p->pi.hdr_len,
                                    pkt + p->pi.hdr_len + (size_t)i * p->mss, seg);
    fix_ip(out, p, n, i);
    fix_l4(out, p, n, i, payload_sum);
}

static int split_gso(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                     const struct split_out *o)
{
    struct gso_plan p;
    unsigned int i;
    int r;

    if (gso_plan(hdr, pkt, len, &p))
        return -EINVAL;
    /* A scratch buffer too small for the first (largest) segment fails
     * before anything is emitted. */
    if (!o->slot && (!o->scratch || o->scratch_len < segment_len(&p, 0)))
        return -EINVAL;
    for (i = 0; i < p.count; i++) {
        size_t n = segment_len(&p, i);
        uint8_t *out = out_slot(o, n);

        if (!out)
            return out_none(o);
        build_segment(&p, pkt, i, out, n);
        r = out_done(o, out, n);
        if (r < 0)
            return r;
    }
    return (int)p.count;
}

static int split(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                 const struct split_out *o)
{
    if ((hdr->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_NONE)
        return split_gso(hdr, pkt, len, o);
    if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
        return split_csum(hdr, pkt, len, o);
    return split_plain(pkt, len, o);
}

int offload_split(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                  int (*emit)(void *arg, const uint8_t *p, size_t n), void *arg, uint8_t *scratch,
                  size_t scratch_len)
{
    struct split_out o = {
        .emit = emit, .arg = arg, .scratch = scratch, .scratch_len = scratch_len};

    if (!hdr || !emit)
        return -EINVAL;
    return split(hdr, pkt, len, &o);
}

int offload_split_to(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                     uint8_t *(*slot)(void *arg, size_t n), void *arg)
{
    struct split_out o = {.slot = slot, .arg = arg};

    if (!hdr || !slot)
        return -EINVAL;
    return split(hdr, pkt, len, &o);
}

/* ---- send side: coalesce ------------------------------------------------ */

/* One candidate segment, parsed. */
struct seg_info {
    struct pkt_info pi;
    uint8_t gso_type;
    size_t payload;
};

/*
 * The checksums must be valid, and more: equal to what the kernel's
 * segmentation will write (~sum, UDP 0 as 0xffff), since a checksum of 0xffff
 * where 0 is computed also verifies but would not survive the round trip.
 * The IPv4 header is checked when the packet is parsed; the L4 checksum
 * while its payload is copied into the super-packet (l4_canonical).
 */
static bool ip_csum_canonical(const uint8_t *pkt, const struct pkt_info *pi)
{
    return pi->family != 4 || get16(pkt + 10) == ip4_hdr_csum(pkt, IP4_HDR_LEN);
}

static bool l4_canonical(const uint8_t *pkt, const struct pkt_info *pi, uint32_t payload_sum)
{
    size_t field = pi->proto == PROTO_TCP ? TCP_CSUM_OFF : UDP_CSUM_OFF;

    return get16(pkt + pi->l4_off + field) == seg_l4_csum(pkt, pi, pi->ip_len, payload_sum);
}

/*
 * TCP: data with ACK; SYN, RST, URG and CWR segments always go on their own.
 * The kernel's GRO ends a merge where CWR differs from the segment before
 * (tcp_gro_receive; gro.c's flags_cwr case), so a CWR segment never follows
 * a plain one, nor a plain one a CWR one. It would let two CWR segments
 * merge, but the kernel's segmentation of a TUN write clears CWR on every
 * segment after the first (virtio_net_hdr can ask only for classic ECN,
 * SKB_GSO_TCP_ECN, not SKB_GSO_TCP_ACCECN): under Accurate ECN, where the
 * bit is part of a counter, the receiver would see a different second
 * segment. So a CWR segment is never merged at all.
 */
static bool tcp_coalescable(const uint8_t *tcp)
{
    uint8_t f = tcp[13];

    return (f & TCP_ACK) && !(f & (TCP_SYN | TCP_RST | TCP_URG | TCP_CWR));
}

/* UDP: a datagram whose length field agrees and that carries a checksum. */
static bool udp_coalescable(const uint8_t *udp, const struct pkt_info *pi)
{
    return get16(udp + 4) == pi->ip_len - pi->l4_off && get16(udp + UDP_CSUM_OFF) != 0;
}

/* Could this packet be part of a super-packet at all? */
static bool seg_parse(const uint8_t *pkt, size_t len, bool allow_udp, struct seg_info *s)
{
    struct pkt_info *pi = &s->pi;

    if (parse_ip(pkt, len, pi) || pi->ip_len != len || parse_l4(pkt, pi))
        return false;
    if (pi->family == 4 && (pi->l4_off != IP4_HDR_LEN || (get16(pkt + 6) & IP4_FRAG_MASK)))
        return false;
    s->payload = len - pi->hdr_len;
    if (s->payload == 0 || len > IP_MAX_LEN)
        return false;
    if (pi->proto == PROTO_TCP) {
        if (!tcp_coalescable(pkt + pi->l4_off))
            return false;
        s->gso_type = pi->family == 4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6;
    } else {
        if (!allow_udp || !udp_coalescable(pkt + pi->l4_off, pi))
            return false;
        s->gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
    }
    return ip_csum_canonical(pkt, pi);
}

static uint8_t *coal_pkt(const struct offload_coalescer *c)
{
    return c->buf + OFFLOAD_VNET_HDR_LEN;
}

static size_t coal_payload(const struct offload_coalescer *c)
{
    return c->len - OFFLOAD_VNET_HDR_LEN - c->hdr_len;
}

static bool same(const uint8_t *a, const uint8_t *b, size_t from, size_t to)
{
    return memcmp(a + from, b + from, to - from) == 0;
}

/*
 * Does this IPv4 ID continue the super-packet? The kernel numbers the IDs of
 * the segments it cuts from the first one's upwards, so IDs that step by one
 * (the first one's + index) come back byte for byte; as in the kernel's GRO,
 * the IDs of one super-packet follow one pattern, and a packet that breaks
 * it ends the merge. The other pattern GRO knows, one fixed ID, applies only
 * to datagrams with DF set (seg_parse has ruled out MF and an offset: they
 * are atomic, and "in atomic datagrams, the IPv4 ID field has no meaning",
 * RFC 6864, 4.1), and lintun takes it for UDP only. The kernel gives a fixed
 * ID back only to TCP super-packets marked SKB_GSO_TCP_FIXEDID, which a TUN
 * write cannot ask for, so a merged TCP segment would get the kernel's
 * numbering instead: fixed-ID TCP segments go one by one. Merged UDP
 * datagrams of one fixed ID get the kernel's numbering, as they do when Linux
 * forwards what its own UDP GRO merged; this is what lets UDP from
 * unconnected sockets (QUIC, DNS: ID 0 on every datagram) be batched. Without
 * DF the ID is what reassembly goes by, so it must step.
 */
static bool ip4_id_continues(const struct offload_coalescer *c, const uint8_t *pkt)
{
    const uint8_t *first = coal_pkt(c);
    uint16_t first_id = get16(first + 4), id = get16(pkt + 4);
    bool fixed_ok = (get16(first + 6) & IP4_DF) && c->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4;

    if (c->segments == 1)
        return id == (uint16_t)(first_id + 1) || (fixed_ok && id == first_id);
    return c->id_fixed ? id == first_id : id == (uint16_t)(first_id + c->segments);
}

/* Same IP fields apart from length, ID (ip4_id_continues) and checksum. */
static bool ip_continues(const struct offload_coalescer *c, const uint8_t *pkt)
{
    const uint8_t *first = coal_pkt(c);

    /* Byte 0 holds the version, so the comparisons also match families. */
    if (first[0] >> 4 == 6)
        return same(first, pkt, 0, 4) && same(first, pkt, 6, IP6_HDR_LEN);
    return ip4_id_continues(c, pkt) && same(first, pkt, 0, 2) && same(first, pkt, 6, 10) &&
           same(first, pkt, 12, 20);
}

/*
 * Same TCP header apart from sequence number, checksum and the flags that
 * segmentation moves: PSH/FIN (may come on this segment if it is the last).
 * CWR is on no segment of a super-packet (tcp_coalescable).
 */
static bool tcp_continues(const struct offload_coalescer *c, const uint8_t *tcp)
{
    const uint8_t *first = coal_pkt(c) + c->l4_off;
    const uint8_t moved = TCP_PSH | TCP_FIN;

    if (get32(tcp + 4) != get32(first + 4) + (uint32_t)coal_payload(c))
        return false;
    if ((tcp[13] & ~moved) != (first[13] & ~moved))
        return false;
    return same(first, tcp, 0, 4) && same(first, tcp, 8, 13) && same(first, tcp, 14, 16) &&
           same(first, tcp, 18, c->hdr_len - c->l4_off);
}

/*
 * The kernel refuses a UDP super-packet of more than UDP_MAX_SEGMENTS
 * datagrams (virtio_net_hdr_to_skb: 64 before Linux 6.2, 128 since) with
 * EINVAL; the older, smaller limit holds everywhere.
 */
#define UDP_SEGMENTS_MAX 64

static bool seg_continues(const struct offload_coalescer *c, const uint8_t *pkt,
                          const struct seg_info *s)
{
    size_t ip_total = c->len - OFFLOAD_VNET_HDR_LEN + s->payload;

    if (c->closed || s->gso_type != c->gso_type || s->pi.hdr_len != c->hdr_len)
        return false;
    if (s->pi.proto == PROTO_UDP && c->segments >= UDP_SEGMENTS_MAX)
        return false;
    if (c->gather && c->segments >= OFFLOAD_GATHER_MAX)
        return false;
    if (s->payload > c->gso_size || ip_total > IP_MAX_LEN || c->len + s->payload > c->cap)
        return false;
    if (!ip_continues(c, pkt))
        return false;
    if (s->pi.proto == PROTO_UDP)
        return same(coal_pkt(c) + c->l4_off, pkt + c->l4_off, 0, 4);
    return tcp_continues(c, pkt + c->l4_off);
}

/* Copies the payload to @dst (or, gathering, keeps a pointer to it as the
 * next segment's); false (and nothing else changed) when the packet's L4
 * checksum is not the one segmentation would write. */
static bool copy_payload(struct offload_coalescer *c, uint8_t *dst, const uint8_t *pkt,
                         const struct seg_info *s)
{
    const uint8_t *payload = pkt + s->pi.hdr_len;

    if (!c->gather)
        return l4_canonical(pkt, &s->pi, offload_csum_copy(0, dst, payload, s->payload));
    if (!l4_canonical(pkt, &s->pi, offload_csum_add(0, payload, s->payload)))
        return false;
    c->seg[c->segments] = payload;
    c->seg_len[c->segments] = (uint16_t)s->payload;
    return true;
}

static bool coal_start(struct offload_coalescer *c, const uint8_t *pkt, size_t len,
                       const struct seg_info *s)
{
    if (!copy_payload(c, coal_pkt(c) + s->pi.hdr_len, pkt, s))
        return false;
    memcpy(coal_pkt(c), pkt, s->pi.hdr_len);
    c->len = OFFLOAD_VNET_HDR_LEN + len;
    c->segments = 1;
    c->gso_size = (uint16_t)s->payload;
    c->gso_type = s->gso_type;
    c->l3_len = s->pi.l4_off;
    c->l4_off = s->pi.l4_off;
    c->hdr_len = s->pi.hdr_len;
    c->closed = s->pi.proto == PROTO_TCP && (pkt[c->l4_off + 13] & (TCP_PSH | TCP_FIN));
    return true;
}

/* A PSH/FIN on the last segment moves into the super-packet's header. */
static bool coal_append(struct offload_coalescer *c, const uint8_t *pkt, const struct seg_info *s)
{
    if (!copy_payload(c, c->buf + c->len, pkt, s))
        return false;
    /* The second segment sets the IPv4 ID pattern (ip4_id_continues). */
    if (c->segments == 1 && s->pi.family == 4)
        c->id_fixed = get16(pkt + 4) == get16(coal_pkt(c) + 4);
    c->len += s->payload;
    c->segments++;
    c->closed = s->payload < c->gso_size;
    if (s->pi.proto == PROTO_TCP) {
        uint8_t end = pkt[c->l4_off + 13] & (TCP_PSH | TCP_FIN);

        coal_pkt(c)[c->l4_off + 13] |= end;
        c->closed = c->closed || end;
    }
    return true;
}

/* Only what an empty coalescer reads is set: coal_start() sets the rest. */
void offload_coalescer_init(struct offload_coalescer *c, uint8_t *buf, size_t cap)
{
    c->buf = buf;
    c->cap = cap;
    c->len = 0;
    c->segments = 0;
    c->closed = false;
    c->gather = false;
}

void offload_coalescer_init_gather(struct offload_coalescer *c, uint8_t *hdr_buf)
{
    offload_coalescer_init(c, hdr_buf, OFFLOAD_SUPER_LEN);
    c->gather = true;
}

unsigned int offload_coalesce_iov(const struct offload_coalescer *c, struct iovec *iov)
{
    if (!c->gather) {
        iov[0] = (struct iovec){c->buf, c->len};
        return 1;
    }
    iov[0] = (struct iovec){c->buf, OFFLOAD_VNET_HDR_LEN + (size_t)c->hdr_len};
    for (unsigned int i = 0; i < c->segments; i++)
        iov[i + 1] = (struct iovec){(void *)c->seg[i], c->seg_len[i]};
    return c->segments + 1;
}

void offload_coalescer_reset(struct offload_coalescer *c)
{
    c->len = 0;
    c->segments = 0;
    c->closed = false;
    c->id_fixed = false;
}

enum offload_add_result offload_coalesce_add(struct offload_coalescer *c, const uint8_t *pkt,
                                             size_t len, bool allow_udp)
{
    struct seg_info s;

    if (!seg_parse(pkt, len, allow_udp, &s) || !c->buf || c->cap < OFFLOAD_VNET_HDR_LEN + len)
        return OFFLOAD_NOT_COALESCABLE;
    if (c->segments == 0)
        return coal_start(c, pkt, len, &s) ? OFFLOAD_STARTED : OFFLOAD_NOT_COALESCABLE;
    /* A packet that starts the next super-packet is checked here too, so
     * that it will start it: its payload is summed twice, once per
     * super-packet. */
    if (!seg_continues(c, pkt, &s))
        return l4_canonical(pkt, &s.pi, offload_csum_add(0, pkt + s.pi.hdr_len, s.payload))
                   ? OFFLOAD_FLUSH_FIRST
                   : OFFLOAD_NOT_COALESCABLE;
    return coal_append(c, pkt, &s) ? OFFLOAD_MERGED : OFFLOAD_NOT_COALESCABLE;
}

/*
 * The kernel checks the IPv4 header checksum of what we write and expects,
 * with NEEDS_CSUM, the pseudo-header sum (not inverted) over the whole L4
 * length in the checksum field, as a NIC driver would receive it.
 */
static void coal_fix_headers(struct offload_coalescer *c)
{
    uint8_t *ip = coal_pkt(c);
    uint8_t *l4 = ip + c->l4_off;
    size_t n = c->len - OFFLOAD_VNET_HDR_LEN, l4_len = n - c->l4_off;
    uint8_t proto = c->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4 ? PROTO_UDP : PROTO_TCP;
    uint8_t family = ip[0] >> 4;

    if (family == 4) {
        put16(ip + 2, n);
        put16(ip + 10, ip4_hdr_csum(ip, IP4_HDR_LEN));
    } else {
        put16(ip + 4, n - IP6_HDR_LEN);
    }
    if (proto == PROTO_UDP)
        put16(l4 + 4, l4_len);
    put16(l4 + (proto == PROTO_UDP ? UDP_CSUM_OFF : TCP_CSUM_OFF),
          hdr_fold(pseudo_sum(ip, family, proto, l4_len)));
}

size_t offload_coalesce_finish(struct offload_coalescer *c)
{
    struct virtio_net_hdr h;
    bool udp = c->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4;

    memset(&h, 0, sizeof(h));
    if (c->segments > 1) {
        coal_fix_headers(c);
        h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h.gso_type = c->gso_type;
        h.hdr_len = htole16(c->hdr_len);
        h.gso_size = htole16(c->gso_size);
        h.csum_start = htole16(c->l4_off);
        h.csum_offset = htole16(udp ? UDP_CSUM_OFF : TCP_CSUM_OFF);
    }
    if (c->segments > 0)
        memcpy(c->buf, &h, OFFLOAD_VNET_HDR_LEN);
    return c->len;
}

/* Unlike parse_ip(), an IPv6 payload length of 0 is fine here (jumbogram). */
bool offload_bulk_tcp(const uint8_t *pkt, size_t len)
{
    struct pkt_info pi;

    return parse_ip(pkt, len, &pi) == 0 && pi.proto == PROTO_TCP && parse_l4(pkt, &pi) == 0 &&
           pi.ip_len - pi.hdr_len >= OFFLOAD_BULK_TCP_PAYLOAD;
}

bool offload_packet_valid(const uint8_t *pkt, size_t len)
{
    struct pkt_info pi;

    if (!pkt || len < IP4_HDR_LEN)
        return false;
    if (pkt[0] >> 4 == 4)
        return parse_ip4(pkt, len, &pi) == 0;
    return pkt[0] >> 4 == 6 && len >= IP6_HDR_LEN && IP6_HDR_LEN + (size_t)get16(pkt + 4) <= len;
}
