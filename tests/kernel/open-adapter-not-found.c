/* SPDX-License-Identifier: MIT */
/*
 * WintunOpenAdapter does not validate the name first, as in Wintun's
 * source: it looks among the adapters, and a name none can have (empty,
 * 128 or 300 characters, control characters, a lone surrogate) is simply
 * ERROR_NOT_FOUND. Only NULL (which crashes Wintun) is
 * ERROR_INVALID_PARAMETER. A real adapter is still found.
 */
#include "harness.h"
#include "fixture.h"

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("Failed to find an adapter named");
    expect_log("WintunOpenAdapter: Name is NULL");
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Findable", L"Test", NULL);
    WCHAR long128[129], long300[301];
    wmemset(long128, L'F', 128);
    long128[128] = 0;
    wmemset(long300, L'F', 300);
    long300[300] = 0;
    const WCHAR *missing[] = {L"", long128, long300, L"Find\nable", L"Find\xd800", L"Findable2"};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
        CHECK_ERR(WintunOpenAdapter(missing[i]), ERROR_NOT_FOUND);
    CHECK_ERR(WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER);
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"FINDABLE");
    CHECK(o != NULL);
    WintunCloseAdapter(o);
    WintunCloseAdapter(a);
    return test_done();
}
