/* SPDX-License-Identifier: MIT */
/*
 * IPv6 addresses: LintunAddAddress puts fd00:6::7/64 and a /128 on the
 * interface (checked with `ip -j addr`), LintunGetAddresses returns them in
 * both families alongside IPv4, deletion removes exactly the one asked for,
 * and deleting an absent one gives ERROR_NOT_FOUND.
 */
#include <stdarg.h>
#include "harness.h"

/*
 * What the kernel says, read independently of the library: a shell pipeline
 * of `ip -j ...` into python3's json module, one item a line, into buf.
 */
static void kernel_lines(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void kernel_lines(char *buf, size_t size, const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    size_t n = 0;
    FILE *p;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    buf[0] = '\0';
    p = popen(cmd, "r");
    if (!p) {
        FAILF("popen(%s) failed", cmd);
        return;
    }
    while (n + 1 < size && fgets(buf + n, (int)(size - n), p))
        n += strlen(buf + n);
    if (pclose(p) != 0)
        FAILF("command failed: %s", cmd);
}

/* Is line (without its newline) one of the lines in buf? */
static __attribute__((unused)) int has_line(const char *buf, const char *line)
{
    size_t len = strlen(line);

    for (const char *p = buf; (p = strstr(p, line)); p++)
        if ((p == buf || p[-1] == '\n') && (p[len] == '\n' || p[len] == '\0'))
            return 1;
    return 0;
}

static void kernel_addresses(char *buf, size_t size, const char *ifname)
{
    kernel_lines(buf, size,
                 "ip -j addr show dev %s | python3 -c \"import json,sys\n"
                 "for l in json.load(sys.stdin):\n"
                 "    for a in l.get('addr_info', []): print(a['family'] + ' ' + a['local'] + '/' + str(a['prefixlen']))\"",
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
    LINTUN_ADAPTER_INFO info;
    LINTUN_IP_ADDRESS ip, list[16];
    char kernel[4096];
    DWORD n = 16;

    require_netns();
    WintunSetLogger(test_logger);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"addr6", L"Test", NULL);
    REQUIRE(a);
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
