/* SPDX-License-Identifier: MIT */
/*
 * Capacity is validated as in Wintun; a live session's send ring refuses with
 * ERROR_BUFFER_OVERFLOW exactly when Capacity - 4 bytes are allocated, never
 * blocking; sending then frees the ring; malformed packets are dropped and
 * counted, not passed to the kernel.
 * test-rerun: plain
 */
#include "net.h"
#include "fixture.h"

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is above 65535");
    expect_log("Unknown session flags");
    expect_log("Ring capacity");
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Cap", L"Test", NULL);
    DWORD bad[] = {0, 1, 0x1ffff, 0x20001, 0x30000, 0x8000000, 0xffffffff};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_ERR(WintunStartSession(a, bad[i]), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunStartSessionEx(a, 0x20000, 0x100), ERROR_INVALID_PARAMETER);
    WINTUN_SESSION_HANDLE big = WintunStartSession(a, WINTUN_MAX_RING_CAPACITY);
    REQUIRE(big);
    WintunEndSession(big);

    WINTUN_SESSION_HANDLE s = WintunStartSession(a, WINTUN_MIN_RING_CAPACITY);
    REQUIRE(s);
    CHECK_ERR(WintunAllocateSendPacket(s, 0x10000), ERROR_INVALID_PARAMETER);
    const DWORD size = 1000; /* slot 1004 */
    DWORD want = (WINTUN_MIN_RING_CAPACITY - 4) / 1004, got = 0;
    BYTE *held[200];
    double t0 = now_ms();
    while (got < 200 && (held[got] = WintunAllocateSendPacket(s, size)))
        got++;
    CHECK_EQ(GetLastError(), ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(got, want);
    CHECK(now_ms() - t0 < 1000); /* refused at once, not blocked */
    /* All-zero packets are not IP: sending drops and counts them. */
    for (DWORD i = 0; i < got; i++) {
        memset(held[i], 0, size);
        WintunSendPacket(s, held[i]);
    }
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    CHECK_EQ(st.TxDroppedInvalid, want);
    CHECK_EQ(st.TxPackets, 0);
    CHECK_EQ(st.TxRingFull, 1);
    /* The ring is empty again. */
    BYTE *p = WintunAllocateSendPacket(s, size);
    CHECK(p != NULL);
    /* Truncated IPv4 (length field past the end) and short IPv6: dropped. */
    memset(p, 0, size);
    p[0] = 0x45;
    p[2] = 0x10; /* total length 4096 > 1000 */
    WintunSendPacket(s, p);
    p = WintunAllocateSendPacket(s, 39);
    REQUIRE(p);
    memset(p, 0, 39);
    p[0] = 0x60;
    WintunSendPacket(s, p);
    REQUIRE(LintunGetSessionStats(s, &st));
    CHECK_EQ(st.TxDroppedInvalid, want + 2);
    CHECK_EQ(st.TxWrites, 0);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
