/* SPDX-License-Identifier: MIT */
/*
 * offload_bulk_tcp: what turns receive offload back on. TCP segments with at
 * least OFFLOAD_BULK_TCP_PAYLOAD bytes of payload, IPv4 and IPv6; not
 * smaller ones, not UDP, not truncated or malformed packets.
 */
#include "harness.h"
#include "offload-pkt.h"

static uint8_t pkt[2048], data[1500];

static size_t build(int family, int proto, size_t plen)
{
    struct tpkt t;
    tpkt_init(&t, family, proto);
    t.payload = data;
    t.plen = plen;
    return tpkt_build(&t, pkt);
}

int main(void)
{
    for (int family = 4; family <= 6; family += 2) {
        size_t n = build(family, 6, OFFLOAD_BULK_TCP_PAYLOAD);
        CHECK(offload_bulk_tcp(pkt, n));
        CHECK(!offload_bulk_tcp(pkt, n - 1)); /* shorter than the IP length says */
        n = build(family, 6, OFFLOAD_BULK_TCP_PAYLOAD - 1);
        CHECK(!offload_bulk_tcp(pkt, n));
        n = build(family, 6, 1448);
        CHECK(offload_bulk_tcp(pkt, n));
        n = build(family, 17, 1400);
        CHECK(!offload_bulk_tcp(pkt, n));
    }
    CHECK(!offload_bulk_tcp(NULL, 0));
    memset(pkt, 0, sizeof(pkt));
    CHECK(!offload_bulk_tcp(pkt, 1000));
    return test_done();
}
