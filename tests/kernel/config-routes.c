/* SPDX-License-Identifier: MIT */
/*
 * Routes: LintunAddRoute adds IPv4 and IPv6 routes through the adapter in
 * the main table, with the metric asked for (checked with `ip -j route`);
 * adding one twice is fine; LintunGetRoutes lists them; deleting with
 * metric 0 matches any metric, with another metric matches nothing
 * (ERROR_NOT_FOUND), and deleting an absent route is ERROR_NOT_FOUND.
 */
#include <stdarg.h>
#include "harness.h"
#include "kernel-view.h"
#include "fixture.h"

/* "dst metric" per line for the routes through ifname in the main table. */
static void kernel_routes(char *buf, size_t size, int family, const char *ifname)
{
    kernel_lines(
        buf, size,
        "ip -j -%d route show table main dev %s | python3 -c \"import json,sys\n"
        "for r in json.load(sys.stdin): print(r['dst'] + ' ' + str(r.get('metric', 0)))\"",
        family == AF_INET ? 4 : 6, ifname);
}

static LINTUN_ROUTE route(const char *dst, DWORD metric)
{
    LINTUN_ROUTE r = {.Metric = metric};

    REQUIRE(LintunParseAddress(dst, &r.Destination));
    return r;
}

static int listed(const LINTUN_ROUTE *list, DWORD n, const char *dst, DWORD metric)
{
    char buf[64];

    for (DWORD i = 0; i < n; i++)
        if (LintunFormatAddress(&list[i].Destination, buf, sizeof(buf)) && !strcmp(buf, dst) &&
            list[i].Metric == metric)
            return 1;
    return 0;
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("has host bits set");
    expect_log("(no such route)");
    LINTUN_ADAPTER_INFO info;
    LINTUN_ROUTE r, list[32];
    char k4[2048], k6[2048];
    DWORD n;

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"routes", L"Test", NULL);
    REQUIRE(LintunGetAdapterInfo(a, &info));

    r = route("10.20.0.0/16", 50);
    CHECK(LintunAddRoute(a, &r));
    CHECK(LintunAddRoute(a, &r)); /* exists: not an error */
    r = route("10.30.0.0/24", 0);
    CHECK(LintunAddRoute(a, &r));
    r = route("0.0.0.0/0", 900);
    CHECK(LintunAddRoute(a, &r));
    r = route("fd01::/32", 0);
    CHECK(LintunAddRoute(a, &r));
    r = route("2001:db8:5::/48", 300);
    CHECK(LintunAddRoute(a, &r));

    kernel_routes(k4, sizeof(k4), AF_INET, info.IfName);
    kernel_routes(k6, sizeof(k6), AF_INET6, info.IfName);
    CHECK(has_line(k4, "10.20.0.0/16 50"));
    CHECK(has_line(k4, "10.30.0.0/24 0"));
    CHECK(has_line(k4, "default 900"));
    CHECK(has_line(k6, "fd01::/32 1024")); /* the kernel's default IPv6 metric */
    CHECK(has_line(k6, "2001:db8:5::/48 300"));

    n = 1;
    CHECK_ERR(LintunGetRoutes(a, list, &n), ERROR_MORE_DATA);
    CHECK(n >= 5);
    n = 32;
    CHECK(LintunGetRoutes(a, list, &n));
    CHECK(listed(list, n, "10.20.0.0/16", 50));
    CHECK(listed(list, n, "10.30.0.0/24", 0));
    CHECK(listed(list, n, "0.0.0.0/0", 900));
    CHECK(listed(list, n, "fd01::/32", 1024));
    CHECK(listed(list, n, "2001:db8:5::/48", 300));

    r = route("10.20.0.0/16", 51);
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_NOT_FOUND);
    r = route("10.20.0.0/16", 0);
    CHECK(LintunDeleteRoute(a, &r));
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_NOT_FOUND);
    r = route("2001:db8:5::/48", 300);
    CHECK(LintunDeleteRoute(a, &r));
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_NOT_FOUND);
    r = route("10.99.0.0/16", 0);
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_NOT_FOUND);

    kernel_routes(k4, sizeof(k4), AF_INET, info.IfName);
    kernel_routes(k6, sizeof(k6), AF_INET6, info.IfName);
    CHECK(!has_line(k4, "10.20.0.0/16 50"));
    CHECK(has_line(k4, "10.30.0.0/24 0"));
    CHECK(!has_line(k6, "2001:db8:5::/48 300"));
    CHECK(has_line(k6, "fd01::/32 1024"));

    /* Host bits set in the destination. */
    r = route("10.40.0.1/16", 0);
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_INVALID_PARAMETER);
    r = route("fd02::1/64", 0);
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);

    WintunCloseAdapter(a);
    return test_done();
}
