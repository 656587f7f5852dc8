/* SPDX-License-Identifier: MIT */
/*
 * When the adapter's interface is deleted behind the library's back
 * (`ip link del`), every configuration call on the handle fails with
 * ERROR_HANDLE_EOF instead of touching whatever interface comes next.
 */
#include "harness.h"
#include "fixture.h"

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("(the interface is gone)");
    LINTUN_ADAPTER_INFO info;
    LINTUN_IP_ADDRESS ip, list[4];
    LINTUN_ROUTE r = {.Metric = 0};
    DWORD mtu, n = 4;
    BOOL up;
    char cmd[128];

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"gone", L"Test", NULL);
    REQUIRE(LintunGetAdapterInfo(a, &info));
    snprintf(cmd, sizeof(cmd), "ip link del dev %s", info.IfName);
    REQUIRE(system(cmd) == 0);

    REQUIRE(LintunParseAddress("10.0.0.1/24", &ip));
    REQUIRE(LintunParseAddress("10.1.0.0/16", &r.Destination));
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetAddresses(a, list, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetMtu(a, &mtu), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunSetMtu(a, 1400), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunSetLinkUp(a, TRUE), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetLinkState(a, &up, NULL), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_HANDLE_EOF);
    n = 0;
    CHECK_ERR(LintunGetRoutes(a, NULL, &n), ERROR_HANDLE_EOF);

    WintunCloseAdapter(a);
    return test_done();
}
