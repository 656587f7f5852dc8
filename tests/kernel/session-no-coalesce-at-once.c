/* SPDX-License-Identifier: MIT */
/*
 * LINTUN_SESSION_NO_COALESCE holds nothing back: every packet a
 * WintunSendPacket call makes ready has been written to the kernel when the
 * call returns (the send counters move only on the kernel's answer).
 * Back-to-back sends of datagrams that a coalescing session would merge,
 * and a send that releases two slots at once (the older one sent last), on
 * both write paths.
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { TRIES = 20, LEN = 64 };

static void run(WINTUN_ADAPTER_HANDLE a, DWORD flags, const char *what)
{
    WINTUN_SESSION_HANDLE s = LintunStartSessionEx(a, 0x400000, flags);
    if (!s && GetLastError() == ERROR_NOT_SUPPORTED) {
        printf("%s: io_uring is not available to this process; not run\n", what);
        return;
    }
    REQUIRE(s);
    uint8_t pay[LEN], pkt[128];
    struct tpkt t;
    tpkt_init_udp4(&t, "10.27.0.2", "10.27.0.1", 6000, 7000);
    t.payload = pay;
    t.plen = LEN;
    int late = 0;
    for (int i = 0; i < TRIES; i++) {
        LINTUN_SESSION_STATS before, mid, after;
        REQUIRE(LintunGetSessionStats(s, &before));
        BYTE *p[2];
        size_t n = 0;
        for (int k = 0; k < 2; k++) {
            n = tpkt_build(&t, pkt);
            t.id++;
            REQUIRE(p[k] = WintunAllocateSendPacket(s, (DWORD)n));
            memcpy(p[k], pkt, n);
        }
        /* Back to back, in order; or the younger first, which releases nothing. */
        bool reversed = i % 2;
        WintunSendPacket(s, p[reversed ? 1 : 0]);
        REQUIRE(LintunGetSessionStats(s, &mid));
        WintunSendPacket(s, p[reversed ? 0 : 1]);
        REQUIRE(LintunGetSessionStats(s, &after));
        CHECK_EQ(mid.TxPackets - before.TxPackets, reversed ? 0 : 1);
        if (after.TxPackets - before.TxPackets != 2)
            late++;
    }
    printf("%s: %d of %d pairs not all written when WintunSendPacket returned\n", what, late,
           TRIES);
    CHECK_EQ(late, 0);
    WintunEndSession(s);
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"At Once", L"Test", NULL);
    LINTUN_ADAPTER_INFO info = {.IfName = ""};
    REQUIRE(LintunGetAdapterInfo(a, &info));
    run(a, LINTUN_SESSION_NO_COALESCE | LINTUN_SESSION_IO_URING, "io_uring");
    run(a, LINTUN_SESSION_NO_COALESCE | LINTUN_SESSION_NO_IO_URING, "write()");
    WintunCloseAdapter(a);
    return test_done();
}
