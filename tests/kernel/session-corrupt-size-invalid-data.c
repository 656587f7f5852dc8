/* SPDX-License-Identifier: MIT * test-rerun: plain
 */
/*
 * WintunReceivePacket on a corrupt receive ring: a packet header that says
 * more than WINTUN_MAX_IP_PACKET_SIZE fails with ERROR_INVALID_DATA, as
 * Wintun's api/session.c does, even when the ring holds that many bytes
 * after it. A UDP segmentation-offload send of 128 datagrams of 500 bytes
 * reaches the session as one super-packet, which the first receive splits
 * into 128 packets in the ring: 67 KiB after the first. The program then
 * overwrites the second packet's header with 0x10000 (as a write past the
 * end of the first would).
 */
#include <netinet/udp.h>
#include "fixture.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define SEG 500
#define SEGS 128

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Corrupt", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x40000, 0, FIXTURE_NO_IPV6, "10.23.0.1/24");
    expect_log("The receive ring is corrupt");
    DWORD n;
    while (WintunReceivePacket(s, &n) || GetLastError() != ERROR_NO_MORE_ITEMS)
        ;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    int gso = SEG;
    if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &gso, sizeof(gso)) < 0)
        skip("no UDP_SEGMENT on this kernel");
    static uint8_t data[SEG * SEGS];
    memset(data, 0x5a, sizeof(data));
    REQUIRE(udp4_send(fd, "10.23.0.2", 9000, data, sizeof(data)) == (ssize_t)sizeof(data));

    BYTE *p = NULL;
    for (int i = 0; i < 200 && !p; i++) {
        p = WintunReceivePacket(s, &n);
        if (!p) {
            CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
            WaitForSingleObject(WintunGetReadWaitEvent(s), 10);
        }
    }
    REQUIRE(p);
    CHECK_EQ(n, 28 + SEG);
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    if (st.RxSuperPackets == 0)
        skip("the kernel did not hand the datagrams over as one super-packet (no USO)");

    /* The next packet's header follows this packet, 4-byte aligned. */
    uint32_t bad = 0x10000;
    memcpy(p + ((n + 3) & ~3u), &bad, sizeof(bad));
    DWORD m = 12345;
    BYTE *q = WintunReceivePacket(s, &m);
    if (q)
        FAILF("a header of 0x%x bytes handed out a packet of %u bytes", bad, m);
    else
        CHECK_EQ(GetLastError(), ERROR_INVALID_DATA);
    /* Nothing was handed out: the ring stays corrupt and says so again. */
    CHECK_ERR(WintunReceivePacket(s, &m), ERROR_INVALID_DATA);
    WintunReleaseReceivePacket(s, p);
    close(fd);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
