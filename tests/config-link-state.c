/* SPDX-License-Identifier: MIT */
/*
 * Link state: a new adapter is up without carrier (no session), so
 * LintunGetLinkState says Up and not Running; LintunSetLinkUp(FALSE) clears
 * IFF_UP as `ip -j link` shows, TRUE sets it again; with a session running
 * the link runs (carrier on).
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

/* The interface's flags as `ip -j link` prints them, one a line. */
static void kernel_flags(char *buf, size_t size, const char *ifname)
{
    kernel_lines(buf, size,
                 "ip -j link show dev %s | python3 -c \"import json,sys\n"
                 "for f in json.load(sys.stdin)[0]['flags']: print(f)\"", ifname);
}

int main(void)
{
    LINTUN_ADAPTER_INFO info;
    char kernel[1024];
    BOOL up = -1, running = -1;

    require_netns();
    WintunSetLogger(test_logger);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"linkstate", L"Test", NULL);
    REQUIRE(a);
    REQUIRE(LintunGetAdapterInfo(a, &info));

    CHECK(LintunGetLinkState(a, &up, &running));
    CHECK_EQ(up, TRUE);
    CHECK_EQ(running, FALSE);
    CHECK(LintunGetLinkState(a, &up, NULL)); /* Running is optional */
    kernel_flags(kernel, sizeof(kernel), info.IfName);
    CHECK(has_line(kernel, "UP"));

    CHECK(LintunSetLinkUp(a, FALSE));
    kernel_flags(kernel, sizeof(kernel), info.IfName);
    CHECK(!has_line(kernel, "UP"));
    CHECK(LintunGetLinkState(a, &up, &running));
    CHECK_EQ(up, FALSE);
    CHECK_EQ(running, FALSE);
    CHECK(LintunSetLinkUp(a, FALSE)); /* already down: fine */

    CHECK(LintunSetLinkUp(a, TRUE));
    kernel_flags(kernel, sizeof(kernel), info.IfName);
    CHECK(has_line(kernel, "UP"));
    CHECK(LintunGetLinkState(a, &up, &running));
    CHECK_EQ(up, TRUE);

    WINTUN_SESSION_HANDLE s = WintunStartSession(a, WINTUN_MIN_RING_CAPACITY);
    CHECK(s);
    if (s) {
        CHECK(LintunGetLinkState(a, &up, &running));
        CHECK_EQ(up, TRUE);
        CHECK_EQ(running, TRUE);
        kernel_flags(kernel, sizeof(kernel), info.IfName);
        CHECK(has_line(kernel, "LOWER_UP"));
        WintunEndSession(s);
        CHECK(LintunGetLinkState(a, &up, &running));
        CHECK_EQ(running, FALSE);
    }

    WintunCloseAdapter(a);
    return test_done();
}
