/* SPDX-License-Identifier: MIT */
/*
 * WintunCloseAdapter on an opened (not creating) handle while a session
 * started from it runs, as in Wintun's source: only the handle is freed. The
 * session keeps working both ways (a datagram the system sends arrives, and
 * its answer sent through the session reaches the socket), the adapter
 * stays, and a packet received before the close stays readable. Runs in a
 * child process: the old behaviour crashed.
 * test-rerun: plain
 */
#include "scenario.h"
#include "fixture.h"

static int scenario(void)
{
    WINTUN_ADAPTER_HANDLE creator = fixture_adapter(test_logger, L"Opened", L"Test", NULL);
    add_address(creator, "10.9.1.1/24");
    WINTUN_ADAPTER_HANDLE opened = WintunOpenAdapter(L"opened");
    REQUIRE(opened);
    WINTUN_SESSION_HANDLE s = fixture_session(opened, 0x20000, 0, FIXTURE_IPV6, NULL);
    int fd = udp4_bind("10.9.1.1", 0);
    DWORD n1 = 0;
    BYTE copy[256];
    BYTE *held = hold_datagram(s, fd, "10.9.1.2", 6000, "before", &n1, copy);

    WintunCloseAdapter(opened);

    CHECK_EQ(sh("ip link show Opened >/dev/null"), 0);
    CHECK(memcmp(held, copy, n1) == 0);
    /* Both directions still work. */
    REQUIRE(udp4_send(fd, "10.9.1.2", 6000, "after", 5) == 5);
    DWORD n2 = 0;
    BYTE *after = receive_udp_kept(s, 6000, &n2, 2000);
    CHECK(after != NULL);
    if (after) {
        send_back(s, after, n2);
        WintunReleaseReceivePacket(s, after);
        char got[64];
        ssize_t r = recv_timeout(fd, got, sizeof(got), 2000);
        CHECK_EQ(r, 5);
        CHECK(r == 5 && memcmp(got, "after", 5) == 0);
    }
    WintunReleaseReceivePacket(s, held);
    CHECK_ERR(LintunGetAdapterInfo(opened, &(LINTUN_ADAPTER_INFO){0}), ERROR_INVALID_HANDLE);
    /* The creating handle still removes the adapter, and the session sees it. */
    WintunCloseAdapter(creator);
    CHECK_ERR(WintunAllocateSendPacket(s, 28), ERROR_HANDLE_EOF);
    WintunEndSession(s);
    close(fd);
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0); /* only lo is left */
    return test_done();
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is gone; the session reports end of file");
    expect_log("LintunGetAdapterInfo: not a live adapter handle");
    require_netns();
    return run_in_child(scenario, 60);
}
