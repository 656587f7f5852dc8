/* SPDX-License-Identifier: MIT */
/*
 * IPv4 addresses: LintunAddAddress puts the address on the interface (as
 * `ip -j addr` sees it), adding it twice is fine, LintunGetAddresses lists it
 * and says ERROR_MORE_DATA with the needed count for a short array,
 * LintunDeleteAddress removes it and then says ERROR_NOT_FOUND.
 */
#include <stdarg.h>
#include "harness.h"
#include "kernel-view.h"
#include "fixture.h"

/* "address/prefixlen" per line, as the kernel reports the interface's addresses. */
static void kernel_addresses(char *buf, size_t size, const char *ifname)
{
    kernel_lines(
        buf, size,
        "ip -j addr show dev %s | python3 -c \"import json,sys\n"
        "for l in json.load(sys.stdin):\n"
        "    for a in l.get('addr_info', []): print(a['local'] + '/' + str(a['prefixlen']))\"",
        ifname);
}

static int listed(const LINTUN_IP_ADDRESS *list, DWORD n, const char *text)
{
    char buf[64];

    for (DWORD i = 0; i < n; i++)
        if (LintunFormatAddress(&list[i], buf, sizeof(buf)) && !strcmp(buf, text))
            return 1;
    return 0;
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("Failed to delete address");
    static const GUID guid = {0x1a2b3c4d, 0x1, 0x2, {1, 2, 3, 4, 5, 6, 7, 8}};
    LINTUN_ADAPTER_INFO info;
    LINTUN_IP_ADDRESS ip, list[8];
    char kernel[4096];
    DWORD n;

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"addr4", L"Test", &guid);
    REQUIRE(LintunGetAdapterInfo(a, &info));

    REQUIRE(LintunParseAddress("10.6.7.7/24", &ip));
    LintunSetLastError(12345);
    CHECK(LintunAddAddress(a, &ip));
    CHECK_EQ(LintunGetLastError(), 12345); /* success leaves the last error alone */
    CHECK(LintunAddAddress(a, &ip));       /* already there: not an error */
    kernel_addresses(kernel, sizeof(kernel), info.IfName);
    CHECK(has_line(kernel, "10.6.7.7/24"));

    REQUIRE(LintunParseAddress("192.168.77.1/32", &ip));
    CHECK(LintunAddAddress(a, &ip));
    kernel_addresses(kernel, sizeof(kernel), info.IfName);
    CHECK(has_line(kernel, "192.168.77.1/32"));

    n = 0;
    CHECK_ERR(LintunGetAddresses(a, NULL, &n), ERROR_MORE_DATA);
    CHECK(n >= 2);
    n = 1;
    CHECK_ERR(LintunGetAddresses(a, list, &n), ERROR_MORE_DATA);
    CHECK(n >= 2);
    n = 8;
    CHECK(LintunGetAddresses(a, list, &n));
    CHECK(listed(list, n, "10.6.7.7/24"));
    CHECK(listed(list, n, "192.168.77.1/32"));

    REQUIRE(LintunParseAddress("10.6.7.7/24", &ip));
    CHECK(LintunDeleteAddress(a, &ip));
    kernel_addresses(kernel, sizeof(kernel), info.IfName);
    CHECK(!has_line(kernel, "10.6.7.7/24"));
    CHECK(has_line(kernel, "192.168.77.1/32"));
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_NOT_FOUND);
    /* The same address with another prefix length is another address. */
    REQUIRE(LintunParseAddress("192.168.77.1/24", &ip));
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_NOT_FOUND);

    WintunCloseAdapter(a);
    return test_done();
}
