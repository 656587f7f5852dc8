/* SPDX-License-Identifier: MIT */
/*
 * A second session on an adapter fails with ERROR_ALREADY_INITIALIZED even
 * when its capacity is also bad: Wintun's driver checks "a session already
 * runs" before the ring sizes. From the same handle, an opened handle and
 * another process alike. With no session running, the bad capacity is
 * ERROR_INVALID_PARAMETER.
 * test-rerun: plain
 */
#include "net.h"
#include "fixture.h"

static const DWORD bad_caps[] = {0, 0x1234, 0x10000, 0x8000000, 0xffffffffu};

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("A session already runs on");
    expect_log("Ring capacity");
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Busy", L"Test", NULL);
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"Busy");
    REQUIRE(o);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x20000, 0, FIXTURE_IPV6, NULL);
    for (size_t i = 0; i < sizeof(bad_caps) / sizeof(bad_caps[0]); i++) {
        CHECK_ERR(WintunStartSession(a, bad_caps[i]), ERROR_ALREADY_INITIALIZED);
        CHECK_ERR(WintunStartSession(o, bad_caps[i]), ERROR_ALREADY_INITIALIZED);
        CHECK_ERR(LintunStartSessionEx(o, bad_caps[i], 0x80), ERROR_ALREADY_INITIALIZED);
    }
    pid_t pid = fork();
    if (pid == 0) {
        WINTUN_ADAPTER_HANDLE other = WintunOpenAdapter(L"Busy");
        LintunSetLastError(0);
        WINTUN_SESSION_HANDLE t = other ? WintunStartSession(other, 0x1234) : NULL;
        _exit(!other ? 2 : t ? 3 : LintunGetLastError() == ERROR_ALREADY_INITIALIZED ? 0 : 4);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0);
    WintunEndSession(s);
    for (size_t i = 0; i < sizeof(bad_caps) / sizeof(bad_caps[0]); i++)
        CHECK_ERR(WintunStartSession(o, bad_caps[i]), ERROR_INVALID_PARAMETER);
    s = WintunStartSession(o, 0x20000); /* the lock was given back */
    CHECK(s != NULL);
    WintunEndSession(s);
    WintunCloseAdapter(o);
    WintunCloseAdapter(a);
    return test_done();
}
