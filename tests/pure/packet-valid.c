/* SPDX-License-Identifier: MIT */
/*
 * offload_packet_valid(): version, minimum size, IHL, and the IPv4 total
 * length / IPv6 payload length against the bytes present.
 */
#include "harness.h"
#include "offload-pkt.h"

int main(void)
{
    uint8_t p[128];

    memset(p, 0, sizeof(p));
    p[0] = 0x45;
    wr16(p + 2, 20);
    CHECK(offload_packet_valid(p, 20));
    CHECK(offload_packet_valid(p, 40)); /* padding after the packet */
    CHECK(!offload_packet_valid(p, 19));
    CHECK(!offload_packet_valid(NULL, 0));
    wr16(p + 2, 21);
    CHECK(!offload_packet_valid(p, 20)); /* total length past the end */
    wr16(p + 2, 19);
    CHECK(!offload_packet_valid(p, 20)); /* total length inside the header */
    p[0] = 0x44;
    wr16(p + 2, 20);
    CHECK(!offload_packet_valid(p, 20)); /* IHL < 5 */
    p[0] = 0x4f;
    wr16(p + 2, 60);
    CHECK(offload_packet_valid(p, 60)); /* 60 bytes of header */
    CHECK(!offload_packet_valid(p, 59));
    wr16(p + 2, 40);
    CHECK(!offload_packet_valid(p, 60)); /* header longer than the packet */

    memset(p, 0, sizeof(p));
    p[0] = 0x60;
    CHECK(offload_packet_valid(p, 40));
    CHECK(!offload_packet_valid(p, 39));
    CHECK(!offload_packet_valid(p, 20));
    wr16(p + 4, 8);
    CHECK(offload_packet_valid(p, 48));
    CHECK(!offload_packet_valid(p, 47));
    CHECK(offload_packet_valid(p, 100));

    p[0] = 0x50;
    CHECK(!offload_packet_valid(p, 100));
    p[0] = 0x00;
    CHECK(!offload_packet_valid(p, 100));
    return test_done();
}
