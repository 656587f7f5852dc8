/* SPDX-License-Identifier: MIT */
/*
 * A reused interface index: the adapter's interface is deleted behind the
 * library's back (`ip link del`) and a dummy interface, made by the test in
 * its own namespace, takes the same index (`ip link add ... index N`; a
 * bridge where the kernel has no dummy driver). Every
 * configuration call on the old handles (the creating one and an opened
 * one) fails with ERROR_HANDLE_EOF, as when the index is simply gone;
 * LintunGetAdapterInfo and WintunStartSession do too. The dummy is left
 * exactly as it was (flags, MTU, addresses and routes as `ip` shows them
 * before and after), and closing the creating handle does not delete it.
 */
#include "kernel-view.h"
#include "net.h"
#include "fixture.h"

/* What `ip` says about the dummy (link, addresses, routes), less its driver's own timers. */
static void snapshot(char *buf, size_t size)
{
    kernel_lines(buf, size,
                 "(ip -d -j link show dev reused0; ip -j addr show dev reused0;"
                 " ip -j route show table all dev reused0; ip -6 -j route show table all dev "
                 "reused0) | python3 -c 'import json,sys\nfor l in sys.stdin:\n if l.strip():\n  "
                 "v=json.loads(l)\n"
                 "  [i.get(\"linkinfo\",{}).pop(\"info_data\",0) for i in v]\n"
                 "  print(json.dumps(v,sort_keys=True))'");
}

static void every_call_fails(WINTUN_ADAPTER_HANDLE a, const char *which)
{
    LINTUN_IP_ADDRESS ip, list[4];
    LINTUN_ROUTE r = {.Metric = 0};
    LINTUN_ADAPTER_INFO info;
    DWORD mtu, n = 4;
    BOOL up;

    printf("the %s handle\n", which);
    REQUIRE(LintunParseAddress("10.77.0.1/24", &ip));
    REQUIRE(LintunParseAddress("10.78.0.0/16", &r.Destination));
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetAddresses(a, list, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetMtu(a, &mtu), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunSetMtu(a, 1400), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunSetLinkUp(a, TRUE), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunSetLinkUp(a, FALSE), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetLinkState(a, &up, NULL), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_HANDLE_EOF);
    n = 0;
    CHECK_ERR(LintunGetRoutes(a, NULL, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetAdapterInfo(a, &info), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunStartSession(a, 0x20000), ERROR_HANDLE_EOF);
}

int main(void)
{
    expect_log("(the interface is gone)");
    expect_log("Failed to read interface");
    expect_log("is gone: No such device");
    static char before[16384], after[16384];
    LINTUN_ADAPTER_INFO info;

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Reused", L"Test", NULL);
    WINTUN_ADAPTER_HANDLE opened = WintunOpenAdapter(L"Reused");
    REQUIRE(opened);
    REQUIRE(LintunGetAdapterInfo(a, &info));
    int index = (int)info.IfIndex;
    REQUIRE(sh("ip link del dev %s", info.IfName) == 0);
    if (sh("ip link add reused0 index %d type dummy 2>/dev/null", index) != 0 &&
        sh("ip link add reused0 index %d type bridge", index) != 0)
        skip("cannot make a dummy or bridge interface with a given index");
    REQUIRE(sh("ip link set reused0 mtu 1234 && ip addr add 10.79.0.1/24 dev reused0") == 0);
    REQUIRE(sh("ip -o link show dev reused0 | grep -q '^%d: '", index) == 0);
    snapshot(before, sizeof(before));
    REQUIRE(strstr(before, "\"mtu\": 1234"));

    every_call_fails(a, "creating");
    every_call_fails(opened, "opened");

    snapshot(after, sizeof(after));
    if (strcmp(before, after) != 0)
        FAILF("the dummy changed:\nbefore:\n%s\nafter:\n%s", before, after);
    WintunCloseAdapter(opened);
    WintunCloseAdapter(a);
    CHECK_EQ(sh("ip link show dev reused0 >/dev/null"), 0); /* closing did not delete it */
    return test_done();
}
