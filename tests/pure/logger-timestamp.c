/* SPDX-License-Identifier: MIT */
/*
 * The logger: timestamps in 100-ns units since 1601, messages cut at 1023
 * characters with U+2026, error lines with the system text and code, wide
 * names (%ls) in UTF-8 whatever the locale, the last error untouched, NULL
 * restoring silence.
 */
#include <sys/time.h>
#include "harness.h"
#include "log.h"

static DWORD64 seen_ts;
static WCHAR seen[2048];
static int calls;
static WINTUN_LOGGER_LEVEL seen_level;

static void logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    seen_ts = ts;
    seen_level = level;
    wcsncpy(seen, msg, 2047);
    calls++;
    SetLastError(4242); /* a callback that changes the error must not leak it */
}

int main(void)
{
    WintunSetLogger(logger);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    DWORD64 expect = ((DWORD64)tv.tv_sec * 10000000ULL) + tv.tv_usec * 10ULL +
                     116444736000000000ULL;
    SetLastError(77);
    log_msg(WINTUN_LOG_INFO, "hello %d", 5);
    CHECK_EQ(calls, 1);
    CHECK_EQ(GetLastError(), 77);
    CHECK(wcscmp(seen, L"hello 5") == 0);
    long long diff = (long long)(seen_ts - expect);
    if (diff < 0 || diff > 10000000LL) /* within a second */
        FAILF("timestamp %llu, expected about %llu", (unsigned long long)seen_ts,
              (unsigned long long)expect);

    char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    log_msg(WINTUN_LOG_WARN, "%s", big);
    CHECK_EQ(wcslen(seen), 1023);
    CHECK_EQ(seen[1021], L'x');
    CHECK_EQ(seen[1022], 0x2026); /* U+2026, as Wintun's StrTruncate */
    CHECK_EQ(seen_level, WINTUN_LOG_WARN);

    DWORD code = fail_errno(ERROR_ACCESS_DENIED, EPERM, "Failed to %s", "test");
    CHECK_EQ(code, ERROR_ACCESS_DENIED);
    CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
    CHECK_EQ(seen_level, WINTUN_LOG_ERR);
    CHECK(wcscmp(seen, L"Failed to test: Operation not permitted (Code 0x00000005)") == 0);

    /* Non-ASCII text survives the trip through UTF-8. */
    log_msg(WINTUN_LOG_INFO, "caf\xc3\xa9 \xe2\x82\xac");
    CHECK(wcscmp(seen, L"caf\u00e9 \u20ac") == 0);
    /* Wide names (%ls) come through in any locale, the C locale included. */
    log_msg(WINTUN_LOG_INFO, "adapter \"%ls\"", L"\u4e2d\u6587");
    CHECK(wcscmp(seen, L"adapter \"\u4e2d\u6587\"") == 0);

    WintunSetLogger(NULL);
    log_msg(WINTUN_LOG_INFO, "silent");
    CHECK_EQ(calls, 5);
    return test_done();
}
