/* SPDX-License-Identifier: MIT */
/*
 * MTU: LintunSetMtu refuses 67 and 65536, refuses anything below 1280 while
 * IPv6 is on (with a log line saying IPv6 needs 1280), accepts 1280 and
 * 65535, and accepts 68 once IPv6 is disabled on the interface. Every value
 * is read back from the kernel with `ip -j link` and with LintunGetMtu.
 */
#include <stdarg.h>
#include "harness.h"
#include "kernel-view.h"
#include "fixture.h"

static char log_text[8192];

static void logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    char line[1100];

    test_logger(level, ts, msg);
    snprintf(line, sizeof(line), "%ls\n", msg);
    if (strlen(log_text) + strlen(line) < sizeof(log_text))
        strcat(log_text, line);
}

static long kernel_mtu(const char *ifname)
{
    char buf[64];

    kernel_lines(buf, sizeof(buf),
                 "ip -j link show dev %s | python3 -c \"import json,sys; "
                 "print(json.load(sys.stdin)[0]['mtu'])\"",
                 ifname);
    return strtol(buf, NULL, 10);
}

static void check_mtu(WINTUN_ADAPTER_HANDLE a, const char *ifname, DWORD want)
{
    DWORD mtu = 0;

    CHECK(LintunGetMtu(a, &mtu));
    CHECK_EQ(mtu, want);
    CHECK_EQ(kernel_mtu(ifname), want);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("LintunSetMtu: MTU ");
    LINTUN_ADAPTER_INFO info;
    char cmd[256];

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(logger, L"mtutest", L"Test", NULL);
    REQUIRE(LintunGetAdapterInfo(a, &info));
    check_mtu(a, info.IfName, 1500);

    CHECK_ERR(LintunSetMtu(a, 67), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunSetMtu(a, 65536), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunSetMtu(a, 0xFFFFFFFFu), ERROR_INVALID_PARAMETER);
    check_mtu(a, info.IfName, 1500);

    log_text[0] = '\0';
    CHECK_ERR(LintunSetMtu(a, 1279), ERROR_INVALID_PARAMETER);
    CHECK(strstr(log_text, "IPv6") && strstr(log_text, "1280"));
    CHECK_ERR(LintunSetMtu(a, 68), ERROR_INVALID_PARAMETER);
    check_mtu(a, info.IfName, 1500);

    CHECK(LintunSetMtu(a, 1280));
    check_mtu(a, info.IfName, 1280);
    CHECK(LintunSetMtu(a, 65535));
    check_mtu(a, info.IfName, 65535);
    CHECK(LintunSetMtu(a, 1400));
    check_mtu(a, info.IfName, 1400);

    /* With IPv6 off on the interface, the IPv4 minimum applies. */
    snprintf(cmd, sizeof(cmd), "sysctl -q -w net.ipv6.conf.%s.disable_ipv6=1", info.IfName);
    if (system(cmd) == 0) {
        CHECK(LintunSetMtu(a, 68));
        check_mtu(a, info.IfName, 68);
        /* The kernel has now dropped IPv6 from the link: still allowed. */
        CHECK(LintunSetMtu(a, 576));
        check_mtu(a, info.IfName, 576);
    } else {
        printf("note: cannot disable IPv6 on %s, part skipped\n", info.IfName);
    }

    WintunCloseAdapter(a);
    return test_done();
}
