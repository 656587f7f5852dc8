/* SPDX-License-Identifier: MIT */
/*
 * One session per adapter at a time, across handles and processes: the
 * second WintunStartSession fails with ERROR_ALREADY_INITIALIZED (1247);
 * after the first ends, a new one starts, from either process.
 * test-rerun: plain
 */
#include "net.h"
#include "fixture.h"

static int child_try_session(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"Single");
        if (!o)
            _exit(10);
        WINTUN_SESSION_HANDLE s = WintunStartSession(o, 0x20000);
        DWORD e = GetLastError();
        if (s)
            WintunEndSession(s);
        WintunCloseAdapter(o);
        _exit(s ? 0 : e == ERROR_ALREADY_INITIALIZED ? 3 : 11);
    }
    int status = waitpid_within(pid, 10, "a child trying a second session");
    return WEXITSTATUS(status);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("A session already runs on");
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Single", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x20000, 0, FIXTURE_IPV6, NULL);
    CHECK_ERR(WintunStartSession(a, 0x20000), ERROR_ALREADY_INITIALIZED);
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"single");
    REQUIRE(o);
    CHECK_ERR(WintunStartSession(o, 0x20000), ERROR_ALREADY_INITIALIZED);
    CHECK_EQ(child_try_session(), 3);
    /* The carrier follows the session (Wintun's media state). */
    CHECK_EQ(sh("ip link show Single | grep -q 'LOWER_UP'"), 0);
    WintunEndSession(s);
    CHECK(sh("ip link show Single | grep -q 'LOWER_UP'") != 0);
    /* Now another process may have it, then this one again via the opened handle. */
    CHECK_EQ(child_try_session(), 0);
    s = WintunStartSession(o, 0x20000);
    CHECK(s != NULL);
    WintunEndSession(s);
    s = WintunStartSession(a, 0x20000);
    CHECK(s != NULL);
    WintunEndSession(s);
    WintunCloseAdapter(o);
    WintunCloseAdapter(a);
    return test_done();
}
