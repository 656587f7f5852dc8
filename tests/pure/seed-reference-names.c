/* SPDX-License-Identifier: MIT */
/*
 * Every name in Wintun's published reference (the page on wintun.net)
 * compiles, with the meaning the page gives it: WintunGetAdapterLuid is the
 * LUID call (the same function as WintunGetAdapterLUID, Wintun's header's
 * spelling), WINTUN_MAX_POOL is 256, and WINTUN_ENUM_CALLBACK is a pointer to
 * BOOL (WINTUN_ADAPTER_HANDLE, LPARAM). Written as the page's signatures
 * read; a name missing from wintun.h fails the build of this test.
 */
#include "harness.h"

static BOOL CALLBACK OnAdapter(WINTUN_ADAPTER_HANDLE Adapter, LPARAM Param)
{
    (void)Adapter;
    (*(int *)Param)++;
    return TRUE;
}

int main(void)
{
    /* Maximum pool name length including zero terminator. */
    WCHAR Pool[WINTUN_MAX_POOL];
    CHECK_EQ(sizeof(Pool) / sizeof(Pool[0]), 256);

    WINTUN_ENUM_CALLBACK Callback = OnAdapter;
    int calls = 0;
    CHECK_EQ(Callback(NULL, (LPARAM)&calls), TRUE);
    CHECK_EQ(calls, 1);

    /* void WintunGetAdapterLuid(WINTUN_ADAPTER_HANDLE Adapter, NET_LUID *Luid) */
    void (*Luid)(WINTUN_ADAPTER_HANDLE, NET_LUID *) = WintunGetAdapterLuid;
    CHECK(Luid == WintunGetAdapterLUID);
    NET_LUID L = {.Value = 0x1234};
    SetLastError(0);
    WintunGetAdapterLuid(NULL, &L);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_EQ(L.Value, 0x1234);
    return test_done();
}
