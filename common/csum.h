/* SPDX-License-Identifier: MIT */
/*
 * The Internet checksum (RFC 1071) for the tests and the benchmarks: the one
 * copy both use, kept here so that neither reaches into the other's folder.
 * Not part of the library, and it shares no code with src/offload.c: the
 * tests check the library against it. It reduces modulo 0xffff instead of
 * folding carries, so a mistake in the library's folding cannot hide behind
 * the same mistake here.
 */
#ifndef LINTUN_COMMON_CSUM_H
#define LINTUN_COMMON_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * @acc plus the 16-bit big-endian words of @n bytes at @data (an odd last
 * byte is the high half of a word), not reduced: a running total to pass on.
 */
static inline uint64_t inet_sum(uint64_t acc, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (; n > 1; p += 2, n -= 2)
        acc += (uint64_t)p[0] << 8 | p[1];
    if (n)
        acc += (uint64_t)p[0] << 8;
    return acc;
}

/* A running total as a 16-bit ones' complement number (0 stays 0, and only 0 gives 0). */
static inline uint16_t inet_reduce(uint64_t acc)
{
    uint64_t r = acc % 0xffff;
    return (uint16_t)(r == 0 && acc != 0 ? 0xffff : r);
}

/* The checksum field's value for a running total taken with the field zero. */
static inline uint16_t inet_csum(uint64_t acc) { return (uint16_t)~inet_reduce(acc); }

/* Where the transport header starts: after the IPv4 header, or after IPv6's 40 bytes. */
static inline size_t inet_l4_off(const uint8_t *ip)
{
    return ip[0] >> 4 == 4 ? (size_t)(ip[0] & 15) * 4 : 40;
}

/* The pseudo-header's sum for IPv4 or IPv6 packet @ip, protocol @proto, @l4len bytes. */
static inline uint64_t inet_pseudo(const uint8_t *ip, unsigned proto, size_t l4len)
{
    uint64_t acc = ip[0] >> 4 == 4 ? inet_sum(0, ip + 12, 8) : inet_sum(0, ip + 8, 32);
    return acc + proto + l4len;
}

/*
 * The TCP or UDP checksum for packet @ip of @n bytes, its field zero; UDP's
 * 0 is sent as 0xffff (0 would mean "no checksum").
 */
static inline uint16_t inet_l4_csum(const uint8_t *ip, size_t n, unsigned proto)
{
    size_t off = inet_l4_off(ip);
    uint16_t c = inet_csum(inet_sum(inet_pseudo(ip, proto, n - off), ip + off, n - off));
    return proto == 17 && c == 0 ? 0xffff : c;
}

/* Does the TCP or UDP checksum of this IP packet (length @n) verify? */
static inline bool inet_l4_ok(const uint8_t *ip, size_t n, unsigned proto)
{
    size_t off = inet_l4_off(ip);
    return inet_reduce(inet_sum(inet_pseudo(ip, proto, n - off), ip + off, n - off)) == 0xffff;
}

/* Does the IPv4 header checksum verify? */
static inline bool inet_ip4_ok(const uint8_t *ip)
{
    return inet_reduce(inet_sum(0, ip, (size_t)(ip[0] & 15) * 4)) == 0xffff;
}

/* Write the IPv4 header checksum (over the header's IHL words). */
static inline void inet_ip4_set_csum(uint8_t *ip)
{
    ip[10] = ip[11] = 0;
    uint16_t c = inet_csum(inet_sum(0, ip, (size_t)(ip[0] & 15) * 4));
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
}

#endif
