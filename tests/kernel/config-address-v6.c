/* SPDX-License-Identifier: MIT */
/*
 * IPv6 addresses: LintunAddAddress puts fd00:6::7/64 and a /128 on the
 * interface (checked with `ip -j addr`), LintunGetAddresses returns them in
 * both families alongside IPv4, deletion removes exactly the one asked for,
 * and deleting an absent one gives ERROR_NOT_FOUND.
 */
#include <stdarg.h>
#include "harness.h"
#include "kernel-view.h"
#include "fixture.h"

static void kernel_addresses(char *buf, size_t size, const char *ifname)
{
    kernel_lines(buf, size,
                 "ip -j addr show dev %s | python3 -c \"import json,sys\n"
                 "for l in json.load(sys.stdin):\n"
                 "    for a in l.get('addr_info', []): print(a['family'] + ' ' + a['local'] + '/' "
                 "+ str(a['prefixlen']))\"",
                 ifname);
}

static int listed(const LINTUN_IP_ADDRESS *list, DWORD n, int family, const char *text)
{
    char buf[64];

    for (DWORD i = 0; i < n; i++)
        if (list[i].Family == family && LintunFormatAddress(&list[i], buf, sizeof(buf)) &&
            !strcmp(buf, text))
            return 1;
    return 0;
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("Failed to delete address");
    LINTUN_ADAPTER_INFO info;
    LINTUN_IP_ADDRESS ip, list[16];
    char kernel[4096];
    DWORD n = 16;

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"addr6", L"Test", NULL);
    REQUIRE(LintunGetAdapterInfo(a, &info));

    REQUIRE(LintunParseAddress("fd00:6::7/64", &ip));
    CHECK_EQ(ip.Family, AF_INET6);
    CHECK_EQ(ip.PrefixLength, 64);
    CHECK(LintunAddAddress(a, &ip));
    CHECK(LintunAddAddress(a, &ip));
    REQUIRE(LintunParseAddress("2001:db8::42", &ip)); /* no prefix: /128 */
    CHECK_EQ(ip.PrefixLength, 128);
    CHECK(LintunAddAddress(a, &ip));
    REQUIRE(LintunParseAddress("10.9.9.9/8", &ip));
    CHECK(LintunAddAddress(a, &ip));

    kernel_addresses(kernel, sizeof(kernel), info.IfName);
    CHECK(has_line(kernel, "inet6 fd00:6::7/64"));
    CHECK(has_line(kernel, "inet6 2001:db8::42/128"));
    CHECK(has_line(kernel, "inet 10.9.9.9/8"));

    CHECK(LintunGetAddresses(a, list, &n));
    CHECK(listed(list, n, AF_INET6, "fd00:6::7/64"));
    CHECK(listed(list, n, AF_INET6, "2001:db8::42/128"));
    CHECK(listed(list, n, AF_INET, "10.9.9.9/8"));

    REQUIRE(LintunParseAddress("fd00:6::7/64", &ip));
    CHECK(LintunDeleteAddress(a, &ip));
    kernel_addresses(kernel, sizeof(kernel), info.IfName);
    CHECK(!has_line(kernel, "inet6 fd00:6::7/64"));
    CHECK(has_line(kernel, "inet6 2001:db8::42/128"));
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_NOT_FOUND);
    REQUIRE(LintunParseAddress("2001:db8::42/64", &ip)); /* wrong prefix length */
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_NOT_FOUND);

    WintunCloseAdapter(a);
    return test_done();
}
