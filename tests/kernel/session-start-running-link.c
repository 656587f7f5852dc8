/* SPDX-License-Identifier: MIT */
/*
 * A session start waits for the kernel to run the link only while it does
 * not run yet: a start that finds the link running at its first look does
 * not sleep at all, and no start gives up waiting (the wait's 100 ms budget
 * never runs out). Counted by the library's own counters
 * (session_carrier_waits, src/session.h), so no clock is read: 20 starts on
 * a created and on an opened handle, with IPv6 on and off. After each start
 * the interface runs (`ip link`: LOWER_UP), as the wait promises.
 * test-rerun: plain
 */
#include "net.h"
#include "fixture.h"
#include "session.h"

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Running", L"Test", NULL);
    WINTUN_ADAPTER_HANDLE opened = WintunOpenAdapter(L"Running");
    REQUIRE(opened);
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(a, &info));
    unsigned long at_once = 0;
    for (int i = 0; i < 20; i++) {
        struct carrier_waits before = session_carrier_waits;
        WINTUN_SESSION_HANDLE s = fixture_session(i % 2 ? opened : a, 0x20000, 0,
                                                  i < 10 ? FIXTURE_NO_IPV6 : FIXTURE_IPV6, NULL);
        struct carrier_waits after = session_carrier_waits;
        CHECK_EQ(after.starts - before.starts, 1);
        CHECK_EQ(after.gave_up - before.gave_up, 0);
        if (after.running_at_once - before.running_at_once == 1) {
            at_once++;
            if (after.sleeps != before.sleeps)
                FAILF("start %d found the link running at once, yet slept %lu times", i,
                      after.sleeps - before.sleeps);
        }
        BOOL up = FALSE, running = FALSE;
        CHECK(LintunGetLinkState(a, &up, &running));
        CHECK(up && running);
        CHECK_EQ(sh("ip -o link show dev %s | grep -q LOWER_UP", info.IfName), 0);
        WintunEndSession(s);
        if (harness_failures)
            break; /* the first start that waited says it all */
    }
    printf("%lu of 20 starts found the link running at once; %lu sleeps, %lu gave up\n", at_once,
           session_carrier_waits.sleeps, session_carrier_waits.gave_up);
    WintunCloseAdapter(opened);
    WintunCloseAdapter(a);
    return test_done();
}
