/* SPDX-License-Identifier: MIT */
/*
 * WintunCloseAdapter on the creating handle while a session runs, as in
 * Wintun's source: the adapter is removed, the session is left alone. A
 * packet received before the close (not released) can still be read and
 * released; WintunReceivePacket and WintunAllocateSendPacket report
 * ERROR_HANDLE_EOF; the read-wait event is returned and signalled, and stays
 * so; WintunEndSession still works. The adapter's GUID and name are free
 * again at once, and a new adapter with them takes a session while the old
 * one has not ended. Runs in a child process: the old behaviour crashed.
 * test-rerun: plain
 */
#include "scenario.h"
#include "fixture.h"

static const GUID guid = {0x0c105ed0, 0x1111, 0x2222, {1, 2, 3, 4, 5, 6, 7, 8}};

static int scenario(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Closing", L"Test", &guid);
    add_address(a, "10.9.0.1/24");
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x20000, 0, FIXTURE_IPV6, NULL);
    int fd = udp4_bind("10.9.0.1", 0);
    DWORD n = 0;
    BYTE copy[256];
    BYTE *held = hold_datagram(s, fd, "10.9.0.2", 5555, "held across the close", &n, copy);

    WintunCloseAdapter(a);

    /* The interface is gone; the session's memory is not. */
    CHECK(sh("ip link show Closing >/dev/null 2>&1") != 0);
    CHECK(memcmp(held, copy, n) == 0);
    held[0] ^= 0; /* still writable: the program may modify a received packet */
    DWORD m;
    CHECK_ERR(WintunReceivePacket(s, &m), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunAllocateSendPacket(s, 28), ERROR_HANDLE_EOF);
    HANDLE ev = WintunGetReadWaitEvent(s);
    CHECK(ev != NULL);
    double t0 = now_ms();
    CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0); /* stays signalled */
    if (now_ms() - t0 > 1000)
        FAILF("the read-wait event took %.0f ms to be signalled", now_ms() - t0);
    LintunSetLastError(12345);
    WintunReleaseReceivePacket(s, held);
    CHECK_EQ(LintunGetLastError(), 12345);
    LINTUN_SESSION_STATS st;
    CHECK(LintunGetSessionStats(s, &st));
    CHECK(st.RxPackets >= 1);
    /* The handle itself is closed. */
    CHECK_ERR(WintunStartSession(a, 0x20000), ERROR_INVALID_HANDLE);

    /* A new adapter with the same name and GUID, and a session on it, while
     * the old session has not ended: Wintun's old device is gone too. */
    WINTUN_ADAPTER_HANDLE b = WintunCreateAdapter(L"Closing", L"Test", &guid);
    CHECK(b != NULL);
    WINTUN_SESSION_HANDLE s2 = b ? WintunStartSession(b, 0x20000) : NULL;
    CHECK(s2 != NULL);
    WintunEndSession(s2);
    WintunCloseAdapter(b);

    WintunEndSession(s);
    close(fd);
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0); /* only lo is left */
    return test_done();
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is gone; the session reports end of file");
    expect_log("LintunStartSessionEx: not a live adapter handle");
    require_netns();
    return run_in_child(scenario, 60);
}
