/* SPDX-License-Identifier: MIT */
/*
 * Adapter names as Wintun programs use them: a valid interface name is the
 * interface's name; "Data Center" and long names get a derived interface name
 * and stay findable, case-insensitively, from another process too. Duplicates,
 * missing names, LUIDs, GUIDs and the tunnel type are checked.
 */
#include <net/if.h>
#include <sys/wait.h>
#include "net.h"

static const GUID guid1 = {0x01020304, 0x0506, 0x0708, {9, 10, 11, 12, 13, 14, 15, 16}};

static void check_luid(WINTUN_ADAPTER_HANDLE a, const char *ifname)
{
    NET_LUID luid = {.Value = ~0ull};
    WintunGetAdapterLUID(a, &luid);
    CHECK_EQ(luid.Info.NetLuidIndex, if_nametoindex(ifname));
    CHECK_EQ(luid.Info.IfType, 53);
    CHECK_EQ(luid.Info.Reserved, 0);
    CHECK_EQ(luid.Value, ((uint64_t)53 << 48) | ((uint64_t)if_nametoindex(ifname) << 24));
}

static void office_net(void)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"OfficeNet", L"Wintun", &guid1);
    REQUIRE(a);
    CHECK_EQ(sh("ip link show OfficeNet >/dev/null"), 0);
    CHECK_EQ(sh("ip link show OfficeNet | grep -q 'alias lintun "
                "{01020304-0506-0708-090A-0B0C0D0E0F10} [0-9]* Wintun Tunnel'"),
             0);
    check_luid(a, "OfficeNet");
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(a, &info));
    CHECK(wcscmp(info.Name, L"OfficeNet") == 0);
    CHECK(wcscmp(info.TunnelType, L"Wintun") == 0);
    CHECK(memcmp(&info.Guid, &guid1, sizeof(GUID)) == 0);
    CHECK(!strcmp(info.IfName, "OfficeNet"));
    CHECK_EQ(info.CreatorPid, getpid());
    /* The same name again, in any case, or the same GUID: already exists. */
    CHECK_ERR(WintunCreateAdapter(L"OfficeNet", L"Wintun", NULL), ERROR_ALREADY_EXISTS);
    CHECK_ERR(WintunCreateAdapter(L"officenet", L"Wintun", NULL), ERROR_ALREADY_EXISTS);
    CHECK_ERR(WintunCreateAdapter(L"Other", L"Wintun", &guid1), ERROR_ALREADY_EXISTS);
    /* A non-lintun interface's name is taken too. */
    CHECK_ERR(WintunCreateAdapter(L"lo", L"Wintun", NULL), ERROR_ALREADY_EXISTS);
    WintunCloseAdapter(a);
    CHECK(sh("ip link show OfficeNet >/dev/null 2>&1") != 0);
    CHECK_ERR(WintunOpenAdapter(L"OfficeNet"), ERROR_NOT_FOUND);
}

static void data_center(void)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Data Center", L"Wintun", NULL);
    REQUIRE(a);
    CHECK_EQ(sh("ip link show Data_Center | grep -q 'altname Data Center'"), 0);
    check_luid(a, "Data_Center");
    /* Opened case-insensitively, from another process. */
    pid_t pid = fork();
    if (pid == 0) {
        WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"dATA cENTER");
        if (!o)
            _exit(1);
        LINTUN_ADAPTER_INFO info;
        if (!LintunGetAdapterInfo(o, &info) || wcscmp(info.Name, L"Data Center") ||
            strcmp(info.IfName, "Data_Center"))
            _exit(2);
        WintunCloseAdapter(o);
        _exit(0);
    }
    int status = waitpid_within(pid, 10, "a child opening the adapter by another case");
    CHECK_EQ(WEXITSTATUS(status), 0);
    /* Closing an opened handle leaves the adapter. */
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"data center");
    REQUIRE(o);
    WintunCloseAdapter(o);
    CHECK_EQ(sh("ip link show Data_Center >/dev/null"), 0);
    /* A second "Data Center"-like name derives another interface name. */
    WINTUN_ADAPTER_HANDLE b = WintunCreateAdapter(L"Data/Center", L"Wintun", NULL);
    REQUIRE(b);
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(b, &info));
    CHECK(!strcmp(info.IfName, "Data_Center~1"));
    CHECK(wcscmp(info.Name, L"Data/Center") == 0);
    WintunCloseAdapter(b);
    WintunCloseAdapter(a);
}

static void random_guid_and_long_names(void)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"A", L"T", NULL);
    WINTUN_ADAPTER_HANDLE b = WintunCreateAdapter(L"B", L"T", NULL);
    REQUIRE(a && b);
    LINTUN_ADAPTER_INFO ia, ib;
    REQUIRE(LintunGetAdapterInfo(a, &ia) && LintunGetAdapterInfo(b, &ib));
    CHECK(memcmp(&ia.Guid, &ib.Guid, sizeof(GUID)) != 0);
    CHECK_EQ(ia.Guid.Data3 >> 12, 4); /* version 4 */
    WintunCloseAdapter(a);
    WintunCloseAdapter(b);

    WCHAR name[128];
    wmemset(name, L'N', 127);
    name[127] = 0;
    a = WintunCreateAdapter(name, L"T", NULL);
    REQUIRE(a);
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(name);
    CHECK(o != NULL);
    WintunCloseAdapter(o);
    WintunCloseAdapter(a);
    WCHAR too_long[129];
    wmemset(too_long, L'N', 128);
    too_long[128] = 0;
    CHECK_ERR(WintunCreateAdapter(too_long, L"T", NULL), ERROR_BUFFER_OVERFLOW);
    CHECK_ERR(WintunCreateAdapter(L"", L"T", NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunCreateAdapter(L"a\nb", L"T", NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunCreateAdapter(NULL, L"T", NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunCreateAdapter(L"ok", NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunOpenAdapter(L""), ERROR_NOT_FOUND);
    CHECK_ERR(WintunOpenAdapter(too_long), ERROR_NOT_FOUND);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("Adapter name must be");
    expect_log("WintunOpenAdapter: Name is NULL");
    expect_log("Tunnel type must be");
    expect_log("Failed to find an adapter named");
    expect_log("already exists");
    require_netns();
    WintunSetLogger(test_logger);
    office_net();
    data_center();
    random_guid_and_long_names();
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0); /* only lo is left */
    CHECK_EQ(WintunGetRunningDriverVersion(), (0u << 16) | 14u);
    return test_done();
}
