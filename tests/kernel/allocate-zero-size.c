/* SPDX-License-Identifier: MIT */
/*
 * WintunAllocateSendPacket(Session, 0) returns a slot, as Wintun's does (it
 * checks nothing but ring space). Sent, the empty packet is dropped as too
 * short, as Wintun's driver drops it, and counted (TxDroppedInvalid); the
 * packets allocated before and after it are delivered in order.
 * test-rerun: plain
 */
#include "scenario.h"
#include "fixture.h"

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Zero", L"Test", NULL);
    add_address(a, "10.9.3.1/24");
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x20000, 0, FIXTURE_IPV6, NULL);
    int fd = udp4_bind("10.9.3.1", 7100);
    BYTE pkt[28];
    udp4_packet(pkt, "10.9.3.2", 7000, "10.9.3.1", 7100);
    BYTE *first = WintunAllocateSendPacket(s, sizeof(pkt));
    LintunSetLastError(0);
    BYTE *empty = WintunAllocateSendPacket(s, 0);
    CHECK(empty != NULL);
    CHECK_EQ(LintunGetLastError(), 0);
    BYTE *last = WintunAllocateSendPacket(s, sizeof(pkt));
    REQUIRE(first && empty && last);
    memcpy(first, pkt, sizeof(pkt));
    memcpy(last, pkt, sizeof(pkt));
    WintunSendPacket(s, last);
    WintunSendPacket(s, empty);
    WintunSendPacket(s, first);
    char buf[16];
    CHECK_EQ(recv_timeout(fd, buf, sizeof(buf), 2000), 0);
    CHECK_EQ(recv_timeout(fd, buf, sizeof(buf), 2000), 0);
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    CHECK_EQ(st.TxDroppedInvalid, 1);
    CHECK_EQ(st.TxPackets, 2);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    close(fd);
    return test_done();
}
