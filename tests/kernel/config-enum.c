/* SPDX-License-Identifier: MIT */
/*
 * LintunEnumAdapters: reports every adapter of this library in the caller's
 * namespace with its full name (the alternative name for "Data Center"),
 * tunnel type, GUID, LUID and interface; skips interfaces that are not ours
 * (loopback, a plain TUN); stops when the callback returns FALSE; refuses a
 * NULL callback; and reports none once the adapters are closed.
 */
#include <net/if.h>
#include "harness.h"

struct seen {
    int count;
    int stop_after; /* 0: never */
    LINTUN_ADAPTER_INFO infos[8];
};

static BOOL collect(const LINTUN_ADAPTER_INFO *info, LPARAM param)
{
    struct seen *s = (struct seen *)param;

    if (s->count < 8)
        s->infos[s->count] = *info;
    s->count++;
    return !(s->stop_after && s->count >= s->stop_after);
}

static const LINTUN_ADAPTER_INFO *find(const struct seen *s, const WCHAR *name)
{
    for (int i = 0; i < s->count && i < 8; i++)
        if (!wcscmp(s->infos[i].Name, name))
            return &s->infos[i];
    return NULL;
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("LintunEnumAdapters: Callback is NULL");
    static const GUID g1 = {
        0xdeadbabe, 0xcafe, 0xbeef, {1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
    struct seen s = {0};

    require_netns();
    WintunSetLogger(test_logger);
    if (system("ip tuntap add plaintun mode tun") != 0)
        printf("note: no plain TUN for the negative case\n");

    CHECK(LintunEnumAdapters(collect, (LPARAM)&s));
    CHECK_EQ(s.count, 0);

    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Data Center", L"Enum Type", &g1);
    WINTUN_ADAPTER_HANDLE b = WintunCreateAdapter(L"enum2", L"Other", NULL);
    REQUIRE(a && b);

    CHECK(LintunEnumAdapters(collect, (LPARAM)&s));
    CHECK_EQ(s.count, 2);
    const LINTUN_ADAPTER_INFO *ia = find(&s, L"Data Center");
    const LINTUN_ADAPTER_INFO *ib = find(&s, L"enum2");
    CHECK(ia && ib);
    if (ia) {
        NET_LUID luid;
        CHECK(!wcscmp(ia->TunnelType, L"Enum Type"));
        CHECK(!memcmp(&ia->Guid, &g1, sizeof(g1)));
        CHECK_EQ(ia->IfIndex, if_nametoindex(ia->IfName));
        CHECK_EQ(ia->Luid.Value, ((uint64_t)53 << 48) | ((uint64_t)ia->IfIndex << 24));
        WintunGetAdapterLUID(a, &luid);
        CHECK_EQ(ia->Luid.Value, luid.Value);
        CHECK(strcmp(ia->IfName, "Data Center") != 0); /* not a valid interface name */
    }
    if (ib) {
        CHECK(!wcscmp(ib->TunnelType, L"Other"));
        CHECK(!strcmp(ib->IfName, "enum2"));
    }

    memset(&s, 0, sizeof(s));
    s.stop_after = 1;
    CHECK(LintunEnumAdapters(collect, (LPARAM)&s));
    CHECK_EQ(s.count, 1);

    CHECK_ERR(LintunEnumAdapters(NULL, 0), ERROR_INVALID_PARAMETER);

    WintunCloseAdapter(a);
    WintunCloseAdapter(b);
    memset(&s, 0, sizeof(s));
    CHECK(LintunEnumAdapters(collect, (LPARAM)&s));
    CHECK_EQ(s.count, 0);
    return test_done();
}
