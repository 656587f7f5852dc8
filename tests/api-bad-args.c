/* SPDX-License-Identifier: MIT */
/*
 * Every public function given NULL, zero, oversize or stale arguments answers
 * with its documented error and never crashes. The part without an adapter
 * runs unprivileged; with root it goes on with a real adapter and session.
 */
#include <fcntl.h>
#include "net.h"

static void without_adapter(void)
{
    DWORD n;
    NET_LUID luid = {.Value = 7};
    CHECK_ERR(WintunCreateAdapter(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER);
    WintunCloseAdapter(NULL); /* allowed */
    SetLastError(5);
    WintunGetAdapterLUID(NULL, &luid);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_EQ(luid.Value, 7);
    CHECK_ERR(WintunStartSession(NULL, 0x20000), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunStartSessionEx(NULL, 0x20000, 0), ERROR_INVALID_HANDLE);
    WintunEndSession(NULL); /* allowed */
    CHECK_ERR(WintunGetReadWaitEvent(NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunReceivePacket(NULL, &n), ERROR_INVALID_HANDLE);
    SetLastError(0);
    WintunReleaseReceivePacket(NULL, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunAllocateSendPacket(NULL, 100), ERROR_INVALID_HANDLE);
    SetLastError(0);
    WintunSendPacket(NULL, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_EQ(WaitForSingleObject(NULL, 0), WAIT_FAILED);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    int junk[8] = {0};
    CHECK_EQ(WaitForSingleObject(junk, 0), WAIT_FAILED);
    CHECK_EQ(LintunGetReadWaitFd(NULL), -1);
    CHECK_ERR(LintunGetSessionStats(NULL, NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetAdapterInfo(NULL, NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunSetAdapterOwner(NULL, 0, 0), ERROR_INVALID_HANDLE);
    WintunSetLogger(NULL);
}

static void with_adapter(void)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Args", L"Test", NULL);
    REQUIRE(a);
    SetLastError(0);
    WintunGetAdapterLUID(a, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetAdapterInfo(a, NULL), ERROR_INVALID_PARAMETER);
    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x20000);
    REQUIRE(s);
    CHECK_ERR(WintunReceivePacket(s, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunAllocateSendPacket(s, 0x10000), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunAllocateSendPacket(s, 0xffffffff), ERROR_INVALID_PARAMETER);
    uint8_t foreign[64];
    SetLastError(0);
    WintunSendPacket(s, foreign);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    WintunReleaseReceivePacket(s, foreign);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    WintunReleaseReceivePacket(s, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetSessionStats(s, NULL), ERROR_INVALID_PARAMETER);
    WINTUN_ADAPTER_HANDLE opened = WintunOpenAdapter(L"Args");
    REQUIRE(opened);
    CHECK_ERR(LintunSetAdapterOwner(opened, 0, 0), ERROR_INVALID_PARAMETER);
    WintunCloseAdapter(opened);
    /* Stale handles, right after ending and closing. */
    WintunEndSession(s);
    DWORD n;
    CHECK_ERR(WintunReceivePacket(s, &n), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunAllocateSendPacket(s, 40), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunGetReadWaitEvent(s), ERROR_INVALID_HANDLE);
    WintunEndSession(s); /* twice: logged, ignored */
    WintunCloseAdapter(a);
    CHECK_ERR(WintunStartSession(a, 0x20000), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetAdapterInfo(a, NULL), ERROR_INVALID_HANDLE);
    SetLastError(99);
    WintunCloseAdapter(a); /* twice: logged, ignored, last error kept */
    CHECK_EQ(GetLastError(), 99);
}

int main(void)
{
    without_adapter();
    if (geteuid() != 0) {
        printf("unprivileged part passed; ");
        skip("the adapter part needs root");
    }
    require_netns();
    with_adapter();
    return test_done();
}
