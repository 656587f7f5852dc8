/* SPDX-License-Identifier: MIT */
/*
 * Link state: a new adapter is up without carrier (no session), so
 * LintunGetLinkState says Up and not Running; LintunSetLinkUp(FALSE) clears
 * IFF_UP as `ip -j link` shows, TRUE sets it again; with a session running
 * the link runs (carrier on).
 */
#include <stdarg.h>
#include "harness.h"
#include "kernel-view.h"
#include "fixture.h"

/* The interface's flags as `ip -j link` prints them, one a line. */
static void kernel_flags(char *buf, size_t size, const char *ifname)
{
    kernel_lines(buf, size,
                 "ip -j link show dev %s | python3 -c \"import json,sys\n"
                 "for f in json.load(sys.stdin)[0]['flags']: print(f)\"",
                 ifname);
}

int main(void)
{
    LINTUN_ADAPTER_INFO info;
    char kernel[1024];
    BOOL up = -1, running = -1;

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"linkstate", L"Test", NULL);
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
