/* SPDX-License-Identifier: MIT */
/*
 * A LINTUN_DYNAMIC program, as Wintun's example.c loads wintun.dll: only the
 * types and *_FUNC typedefs from wintun.h, and every exported function,
 * Wintun* and Lintun* alike (WintunGetAdapterLuid, the reference's spelling,
 * too), resolved by name into a pointer of its typedef.
 * A function without a typedef would not compile here; one that the library
 * does not export fails the lookup. A few calls go through the pointers.
 */
#define LINTUN_DYNAMIC
#include <dlfcn.h>
#include "harness.h"

#define FUNCTIONS(X)                                                                              \
    X(WINTUN_CREATE_ADAPTER_FUNC, WintunCreateAdapter)                                            \
    X(WINTUN_OPEN_ADAPTER_FUNC, WintunOpenAdapter)                                                \
    X(WINTUN_CLOSE_ADAPTER_FUNC, WintunCloseAdapter)                                              \
    X(WINTUN_DELETE_DRIVER_FUNC, WintunDeleteDriver)                                              \
    X(WINTUN_GET_ADAPTER_LUID_FUNC, WintunGetAdapterLUID)                                         \
    X(WINTUN_GET_ADAPTER_LUID_FUNC, WintunGetAdapterLuid)                                         \
    X(WINTUN_GET_RUNNING_DRIVER_VERSION_FUNC, WintunGetRunningDriverVersion)                      \
    X(WINTUN_SET_LOGGER_FUNC, WintunSetLogger)                                                    \
    X(WINTUN_START_SESSION_FUNC, WintunStartSession)                                              \
    X(WINTUN_END_SESSION_FUNC, WintunEndSession)                                                  \
    X(WINTUN_GET_READ_WAIT_EVENT_FUNC, WintunGetReadWaitEvent)                                    \
    X(WINTUN_RECEIVE_PACKET_FUNC, WintunReceivePacket)                                            \
    X(WINTUN_RELEASE_RECEIVE_PACKET_FUNC, WintunReleaseReceivePacket)                             \
    X(WINTUN_ALLOCATE_SEND_PACKET_FUNC, WintunAllocateSendPacket)                                 \
    X(WINTUN_SEND_PACKET_FUNC, WintunSendPacket)                                                  \
    X(LINTUN_WAIT_FOR_SINGLE_OBJECT_FUNC, LintunWaitForSingleObject)                              \
    X(LINTUN_GET_LAST_ERROR_FUNC, LintunGetLastError)                                             \
    X(LINTUN_SET_LAST_ERROR_FUNC, LintunSetLastError)                                             \
    X(LINTUN_GET_READ_WAIT_FD_FUNC, LintunGetReadWaitFd)                                          \
    X(LINTUN_START_SESSION_EX_FUNC, LintunStartSessionEx)                                         \
    X(LINTUN_GET_SESSION_STATS_FUNC, LintunGetSessionStats)                                       \
    X(LINTUN_GET_ADAPTER_INFO_FUNC, LintunGetAdapterInfo)                                         \
    X(LINTUN_SET_ADAPTER_OWNER_FUNC, LintunSetAdapterOwner)                                       \
    X(LINTUN_PARSE_ADDRESS_FUNC, LintunParseAddress)                                              \
    X(LINTUN_FORMAT_ADDRESS_FUNC, LintunFormatAddress)                                            \
    X(LINTUN_ADD_ADDRESS_FUNC, LintunAddAddress)                                                  \
    X(LINTUN_DELETE_ADDRESS_FUNC, LintunDeleteAddress)                                            \
    X(LINTUN_GET_ADDRESSES_FUNC, LintunGetAddresses)                                              \
    X(LINTUN_GET_MTU_FUNC, LintunGetMtu)                                                          \
    X(LINTUN_SET_MTU_FUNC, LintunSetMtu)                                                          \
    X(LINTUN_SET_LINK_UP_FUNC, LintunSetLinkUp)                                                   \
    X(LINTUN_GET_LINK_STATE_FUNC, LintunGetLinkState)                                             \
    X(LINTUN_ADD_ROUTE_FUNC, LintunAddRoute)                                                      \
    X(LINTUN_DELETE_ROUTE_FUNC, LintunDeleteRoute)                                                \
    X(LINTUN_GET_ROUTES_FUNC, LintunGetRoutes)                                                    \
    X(LINTUN_ENUM_ADAPTERS_FUNC, LintunEnumAdapters)

#define DECLARE(type, name) static type *name;
FUNCTIONS(DECLARE)

static BOOL count_adapter(const LINTUN_ADAPTER_INFO *info, LPARAM param)
{
    (void)info;
    (*(int *)param)++;
    return TRUE;
}

int main(void)
{
    const char *build = getenv("LINTUN_BUILD");
    char path[512];
    snprintf(path, sizeof(path), "%s/liblintun.so.0", build ? build : "build");
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return 1;
    }
    int loaded = 0;
#define LOAD(type, name)                                                                          \
    if ((*(void **)&name = dlsym(lib, #name)) == NULL)                                            \
        FAILF("%s is not exported", #name);                                                       \
    else                                                                                          \
        loaded++;
    FUNCTIONS(LOAD)
    CHECK_EQ(loaded, 36);
    if (harness_failures)
        return test_done();

    CHECK_EQ(WintunGetRunningDriverVersion(), 14);
    LINTUN_IP_ADDRESS addr;
    CHECK(LintunParseAddress("fd00::7/64", &addr));
    char text[64];
    CHECK(LintunFormatAddress(&addr, text, sizeof(text)));
    CHECK(strcmp(text, "fd00::7/64") == 0);
    LintunSetLastError(0);
    CHECK(WintunOpenAdapter(NULL) == NULL);
    CHECK_EQ(LintunGetLastError(), ERROR_INVALID_PARAMETER);
    int n = 0;
    CHECK(LintunEnumAdapters(count_adapter, (LPARAM)&n));
    CHECK_EQ(LintunWaitForSingleObject(NULL, 0), WAIT_FAILED);
    /* Not closed: the library keeps a locale for the process's lifetime,
     * which a sanitizer would report as a leak once the library is gone. */
    return test_done();
}
