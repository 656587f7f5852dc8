/* SPDX-License-Identifier: MIT */
/*
 * The Wintun example's way of loading: only the typedefs from wintun.h
 * (LINTUN_DYNAMIC), every function resolved by name at run time.
 */
#define LINTUN_DYNAMIC
#include <dlfcn.h>
#include <stdio.h>
#include <wintun.h>

static WINTUN_CREATE_ADAPTER_FUNC *WintunCreateAdapter;
static WINTUN_CLOSE_ADAPTER_FUNC *WintunCloseAdapter;
static WINTUN_GET_RUNNING_DRIVER_VERSION_FUNC *WintunGetRunningDriverVersion;
static WINTUN_START_SESSION_FUNC *WintunStartSession;
static WINTUN_END_SESSION_FUNC *WintunEndSession;
static LINTUN_GET_LAST_ERROR_FUNC *GetLastError;

int main(void)
{
    void *lib = dlopen("liblintun.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
#define X(name) ((*(void **)&name = dlsym(lib, #name)) == NULL)
    if (X(WintunCreateAdapter) || X(WintunCloseAdapter) || X(WintunGetRunningDriverVersion) ||
        X(WintunStartSession) || X(WintunEndSession))
        return 2;
    if ((*(void **)&GetLastError = dlsym(lib, "LintunGetLastError")) == NULL)
        return 3;
    if (WintunGetRunningDriverVersion() != 14)
        return 4;
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Dynamic", L"Wintun", NULL);
    if (!a)
        return 5;
    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x1234);
    if (s || GetLastError() != ERROR_INVALID_PARAMETER)
        return 6;
    WintunCloseAdapter(a);
    if (dlsym(lib, "adapter_get") || dlsym(lib, "ring_push"))
        return 7; /* internals are hidden */
    puts("dlopen-program: ok");
    return 0;
}
