/* SPDX-License-Identifier: MIT */
/*
 * A session that only sends learns that its interface was deleted (by
 * another process, `ip link del`) within 100 ms: WintunAllocateSendPacket
 * then fails with ERROR_HANDLE_EOF, as Wintun's does once the driver ends
 * the rings. Before, the first allocation after the deletion succeeded and
 * its packet was lost without a word; only the next one failed, however
 * late it came. Checked both ways: a sender allocating every millisecond,
 * and a single allocation 100 ms after the deletion.
 * test-rerun: plain
 */
#include "scenario.h"
#include "fixture.h"

static WINTUN_SESSION_HANDLE start(const WCHAR *name, const char *addr)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, name, L"Test", NULL);
    add_address(a, addr);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x20000, 0, FIXTURE_IPV6, NULL);
    /* The session works: a packet it sends reaches a socket. */
    int fd = udp4_bind("10.9.2.1", 7001);
    BYTE pkt[28];
    udp4_packet(pkt, "10.9.2.2", 7000, "10.9.2.1", 7001);
    session_send(s, pkt, sizeof(pkt));
    char buf[16];
    CHECK_EQ(recv_timeout(fd, buf, sizeof(buf), 2000), 0); /* an empty datagram */
    close(fd);
    /* The adapter handle is left open: the process that removes it is not us. */
    return s;
}

/* Allocate and send every millisecond until an allocation fails. */
static void steady_sender(void)
{
    WINTUN_SESSION_HANDLE s = start(L"SendOnly", "10.9.2.1/24");
    BYTE pkt[28];
    udp4_packet(pkt, "10.9.2.2", 7000, "10.9.2.1", 7002);
    REQUIRE(sh("ip link del SendOnly") == 0);
    double deleted = now_ms(), failed_at = 0;
    int sent = 0;
    DWORD err = 0;
    while (now_ms() - deleted < 2000) {
        BYTE *p = WintunAllocateSendPacket(s, sizeof(pkt));
        if (!p) {
            err = GetLastError();
            failed_at = now_ms();
            break;
        }
        memcpy(p, pkt, sizeof(pkt));
        WintunSendPacket(s, p);
        sent++;
        usleep(1000);
    }
    CHECK_EQ(err, ERROR_HANDLE_EOF);
    if (!failed_at || failed_at - deleted > 100)
        FAILF("the sender saw the end %.1f ms after the deletion (%d packets sent)",
              failed_at ? failed_at - deleted : -1.0, sent);
    printf("steady sender: ERROR_HANDLE_EOF %.1f ms after the deletion, %d packets before\n",
           failed_at - deleted, sent);
    CHECK_ERR(WintunAllocateSendPacket(s, 28), ERROR_HANDLE_EOF);
    WintunEndSession(s);
}

/* Nothing between: the first allocation, 100 ms after the deletion, fails. */
static void late_sender(void)
{
    WINTUN_SESSION_HANDLE s = start(L"SendLate", "10.9.2.1/24");
    REQUIRE(sh("ip link del SendLate") == 0);
    usleep(100000);
    CHECK_ERR(WintunAllocateSendPacket(s, 28), ERROR_HANDLE_EOF);
    WintunEndSession(s);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is gone; the session reports end of file");
    steady_sender();
    late_sender();
    return test_done();
}
