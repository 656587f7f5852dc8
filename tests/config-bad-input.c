/* SPDX-License-Identifier: MIT */
/*
 * Bad input to the configuration calls, caught before the kernel sees it:
 * a NULL handle gives ERROR_INVALID_HANDLE everywhere; NULL pointers, an
 * unknown family and prefix lengths 33 (IPv4) and 129 (IPv6) give
 * ERROR_INVALID_PARAMETER, and the adapter is left unchanged.
 */
#include "harness.h"
#include "fixture.h"

int main(void)
{
    LINTUN_IP_ADDRESS ip, list[4];
    LINTUN_ROUTE r = {.Metric = 0};
    DWORD n = 4, mtu;
    BOOL up;

    /* A NULL handle, checked before anything else (no namespace needed). */
    REQUIRE(LintunParseAddress("10.0.0.1/24", &ip));
    CHECK_ERR(LintunAddAddress(NULL, &ip), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunDeleteAddress(NULL, &ip), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetAddresses(NULL, list, &n), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetMtu(NULL, &mtu), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunSetMtu(NULL, 1400), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunSetLinkUp(NULL, TRUE), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetLinkState(NULL, &up, NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunAddRoute(NULL, &r), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunDeleteRoute(NULL, &r), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetRoutes(NULL, NULL, &n), ERROR_INVALID_HANDLE);

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"badinput", L"Test", NULL);

    /* NULL pointers. */
    CHECK_ERR(LintunAddAddress(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunDeleteAddress(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetAddresses(a, list, NULL), ERROR_INVALID_PARAMETER);
    n = 4;
    CHECK_ERR(LintunGetAddresses(a, NULL, &n), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetMtu(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetLinkState(a, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunAddRoute(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunDeleteRoute(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetRoutes(a, NULL, &n), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetRoutes(a, NULL, NULL), ERROR_INVALID_PARAMETER);

    /* Prefix lengths out of range and unknown families. */
    REQUIRE(LintunParseAddress("10.0.0.1", &ip));
    ip.PrefixLength = 33;
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_INVALID_PARAMETER);
    r.Destination = ip;
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);
    REQUIRE(LintunParseAddress("fd00::1", &ip));
    ip.PrefixLength = 129;
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_INVALID_PARAMETER);
    r.Destination = ip;
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);
    ip.Family = AF_UNIX;
    ip.PrefixLength = 8;
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_INVALID_PARAMETER);
    r.Destination = ip;
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_INVALID_PARAMETER);

    /* Nothing reached the interface. */
    n = 4;
    CHECK(LintunGetAddresses(a, list, &n));
    for (DWORD i = 0; i < n; i++)
        CHECK_EQ(list[i].Family == AF_INET6 && list[i].Address.V6.s6_addr[0] == 0xfe, 1);
    n = 0;
    CHECK(LintunGetRoutes(a, NULL, &n) || LintunGetLastError() == ERROR_MORE_DATA);

    WintunCloseAdapter(a);
    return test_done();
}
