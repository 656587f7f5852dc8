/* SPDX-License-Identifier: MIT */
/*
 * A creator killed with SIGKILL leaves nothing: its interface goes at once;
 * and when another process holds a session on it, that session sees
 * ERROR_HANDLE_EOF within 100 ms and the interface is removed.
 */
#include <signal.h>
#include "net.h"
#include "fixture.h"

static void alone(void)
{
    pid_t pid = spawn_creator(L"Victim");
    CHECK_EQ(sh("ip link show Victim >/dev/null"), 0);
    kill(pid, SIGKILL);
    waitpid_within(pid, 5, "the creator exiting on SIGKILL");
    CHECK(link_gone_within("Victim", 100));
}

static void with_session_elsewhere(void)
{
    pid_t pid = spawn_creator(L"Shared One");
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"Shared One");
    REQUIRE(o);
    WINTUN_SESSION_HANDLE s = fixture_session(o, 0x20000, 0, FIXTURE_IPV6, NULL);
    kill(pid, SIGKILL);
    waitpid_within(pid, 5, "the creator exiting on SIGKILL");
    double killed = now_ms();
    /* A waiting reader wakes, and the next receive says EOF. */
    DWORD r = WaitForSingleObject(WintunGetReadWaitEvent(s), 1000);
    CHECK_EQ(r, WAIT_OBJECT_0);
    DWORD n;
    CHECK_ERR(WintunReceivePacket(s, &n), ERROR_HANDLE_EOF);
    double seen = now_ms() - killed;
    if (seen > 100)
        FAILF("EOF seen %.1f ms after the creator died", seen);
    CHECK(link_gone_within("Shared_One", 100));
    CHECK_ERR(WintunAllocateSendPacket(s, 40), ERROR_HANDLE_EOF);
    WintunEndSession(s);
    WintunCloseAdapter(o);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is gone; the session reports end of file");
    require_netns();
    WintunSetLogger(test_logger);
    alone();
    with_session_elsewhere();
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0);
    /* Nothing is left to sweep. */
    CHECK(WintunDeleteDriver());
    return test_done();
}
