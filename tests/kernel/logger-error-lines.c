/* SPDX-License-Identifier: MIT */
/*
 * Every failure of a public call logs an error line that ends as Wintun's
 * LOG_ERROR lines do, "<what>: <system text> (Code 0x%08X)", with the code
 * the call leaves in GetLastError(). (Messages cut at 1023 characters with
 * U+2026: logger-timestamp.)
 */
#include "harness.h"

static WCHAR last_line[2048];
static WINTUN_LOGGER_LEVEL last_level;

static VOID CALLBACK keep_last(WINTUN_LOGGER_LEVEL level, DWORD64 ts, LPCWSTR msg)
{
    (void)ts;
    last_level = level;
    wcsncpy(last_line, msg, 2047);
}

static void check_line(const char *call)
{
    WCHAR tail[32];
    swprintf(tail, 32, L"(Code 0x%08X)", (unsigned)LintunGetLastError());
    size_t n = wcslen(last_line), t = wcslen(tail);
    if (last_level != WINTUN_LOG_ERR || n < t || wcscmp(last_line + n - t, tail) != 0)
        FAILF("%s: last error %u, logged \"%ls\" at level %d", call, LintunGetLastError(),
              last_line, last_level);
    last_line[0] = 0;
}

int main(void)
{
    require_netns();
    WintunSetLogger(keep_last);
    WCHAR long_type[200];
    wmemset(long_type, L't', 199);
    long_type[199] = 0;
    CHECK_ERR(WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER);
    check_line("WintunOpenAdapter(NULL)");
    CHECK_ERR(WintunOpenAdapter(L"NoSuchAdapter"), ERROR_NOT_FOUND);
    check_line("WintunOpenAdapter(missing)");
    CHECK_ERR(WintunCreateAdapter(L"Lines", long_type, NULL), ERROR_BUFFER_OVERFLOW);
    check_line("WintunCreateAdapter(long type)");
    CHECK_ERR(WintunStartSession(NULL, 0x20000), ERROR_INVALID_HANDLE);
    check_line("WintunStartSession(NULL)");
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Lines", L"Test", NULL);
    REQUIRE(a);
    CHECK_ERR(WintunCreateAdapter(L"Lines", L"Test", NULL), ERROR_ALREADY_EXISTS);
    check_line("WintunCreateAdapter(existing)");
    CHECK_ERR(WintunStartSession(a, 0x1234), ERROR_INVALID_PARAMETER);
    check_line("WintunStartSession(bad capacity)");
    CHECK_ERR(LintunSetMtu(a, 1), ERROR_INVALID_PARAMETER);
    check_line("LintunSetMtu(1)");
    WintunCloseAdapter(a);
    CHECK_ERR(LintunGetAdapterInfo(a, &(LINTUN_ADAPTER_INFO){0}), ERROR_INVALID_HANDLE);
    check_line("LintunGetAdapterInfo(closed)");
    return test_done();
}
