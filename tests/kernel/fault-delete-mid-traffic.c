/* SPDX-License-Identifier: MIT */
/*
 * Fault: the interface is deleted (`ip link del`) while two threads receive,
 * two threads allocate and send, and the kernel floods the session. Every
 * thread sees ERROR_HANDLE_EOF within 100 ms of the deletion (scaled under
 * TSan, LINTUN_TEST_SLOWDOWN; a receiver
 * blocked on the read-wait event wakes); nothing crashes; EndSession and
 * CloseAdapter still work, and no descriptor, thread or interface is left.
 * test-rerun: plain tsan
 */
#include "load.h"
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
    /* Timed from the start of the deletion: `ip link del` itself may take
     * seconds to return (the kernel waits for the device's last references),
     * and the session must not wait for that. */
    double deleted = now_ms();
    REQUIRE(sh("ip link del Doomed_Busy") == 0);
    double del_ms = now_ms() - deleted;
    load_join(&l);
    load_check_eof(&l, deleted, wake_bound_ms(100), "the deletion");
    printf("%llu packets moved before the deletion (which took %.1f ms); EOF after "
           "%.1f/%.1f/%.1f/%.1f ms\n",
           before, del_ms, l.stopped_at[0] - deleted, l.stopped_at[1] - deleted,
           l.stopped_at[2] - deleted, l.stopped_at[3] - deleted);
    DWORD n;
    CHECK_ERR(WintunReceivePacket(l.sess, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunAllocateSendPacket(l.sess, 100), ERROR_HANDLE_EOF);
    LINTUN_ADAPTER_INFO info;
    CHECK_ERR(LintunGetAdapterInfo(a, &info), ERROR_HANDLE_EOF);
    WintunEndSession(l.sess);
    WintunCloseAdapter(a);
    baseline_check(b);
    return test_done();
}
