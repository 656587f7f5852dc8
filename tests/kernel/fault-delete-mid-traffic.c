/* SPDX-License-Identifier: MIT */
/*
 * Fault: the interface is deleted (`ip link del`) while two threads receive,
 * two threads allocate and send, and the kernel floods the session. Every
 * thread sees ERROR_HANDLE_EOF within 100 ms (scaled under TSan,
 * LINTUN_TEST_SLOWDOWN) of the kernel's notification that the interface is
 * gone (RTM_DELLINK, tests/lib/link-events.h; the deletion before and after
 * it is the kernel's own pace, waited for up to 10 s); a receiver
 * blocked on the read-wait event wakes); nothing crashes; EndSession and
 * CloseAdapter still work, and no descriptor, thread or interface is left.
 * test-rerun: plain tsan
 */
#include "load.h"
#include "link-events.h"
#include "resources.h"
#include "fixture.h"

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is gone; the session reports end of file");
    expect_log("Failed to read interface");
    struct baseline b = baseline_take();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Doomed Busy", L"Test", NULL);
    static struct load l = {.receivers = 2,
                            .senders = 2,
                            .src = "10.41.0.2",
                            .dst = "10.41.0.1",
                            .flood_to = "10.41.0.2"};
    l.sess = fixture_session(a, 0x20000, 0, FIXTURE_IPV6, "10.41.0.1/24");
    load_start(&l);
    usleep(300000);
    unsigned long long before = atomic_load(&l.moved);
    CHECK(before > 100);
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(a, &info));
    struct link_watch w;
    link_watch_start(&w, (int)info.IfIndex);
    double start = now_ms();
    REQUIRE(sh("ip link del Doomed_Busy") == 0);
    double del_ms = now_ms() - start;
    double deleted = link_watch_wait(&w, 10);
    load_join(&l);
    load_check_eof(&l, deleted, wake_bound_ms(100), "the kernel's RTM_DELLINK");
    printf("%llu packets moved before the deletion (`ip link del` took %.1f ms, the kernel "
           "told after %.1f); EOF after %.1f/%.1f/%.1f/%.1f ms of that\n",
           before, del_ms, deleted - start, l.stopped_at[0] - deleted, l.stopped_at[1] - deleted,
           l.stopped_at[2] - deleted, l.stopped_at[3] - deleted);
    DWORD n;
    CHECK_ERR(WintunReceivePacket(l.sess, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunAllocateSendPacket(l.sess, 100), ERROR_HANDLE_EOF);
    CHECK_ERR(LintunGetAdapterInfo(a, &info), ERROR_HANDLE_EOF);
    WintunEndSession(l.sess);
    WintunCloseAdapter(a);
    baseline_check(b);
    return test_done();
}
