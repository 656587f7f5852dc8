/* SPDX-License-Identifier: MIT */
/*
 * When the interface is deleted under a session (`ip link del`), a thread
 * blocked on the read-wait event wakes, and every call reports
 * ERROR_HANDLE_EOF, within 100 ms. EndSession and CloseAdapter still work.
 * test-rerun: plain tsan
 */
#include <pthread.h>
#include "net.h"
#include "fixture.h"

static WINTUN_SESSION_HANDLE s;
static double woke_at;
static DWORD wait_result, recv_error;

static void *reader(void *arg)
{
    (void)arg;
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(s, &n);
        if (p) {
            WintunReleaseReceivePacket(s, p);
            continue;
        }
        if (GetLastError() != ERROR_NO_MORE_ITEMS) {
            recv_error = GetLastError();
            break;
        }
        wait_result = WaitForSingleObject(WintunGetReadWaitEvent(s), INFINITE);
        woke_at = now_ms();
    }
    return NULL;
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is gone; the session reports end of file");
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Doomed", L"Test", NULL);
    s = fixture_session(a, 0x20000, 0, FIXTURE_IPV6, NULL);
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL);
    usleep(200000);
    double t0 = now_ms();
    REQUIRE(sh("ip link del Doomed") == 0);
    double deleted = now_ms();
    join_within(t, 5, "the waiter in WaitForSingleObject(INFINITE) waking on the deletion");
    double joined = now_ms();
    CHECK_EQ(wait_result, WAIT_OBJECT_0);
    CHECK_EQ(recv_error, ERROR_HANDLE_EOF);
    if (joined - deleted > 100)
        FAILF("reader took %.1f ms to see EOF after deletion", joined - deleted);
    (void)t0;
    DWORD n;
    CHECK_ERR(WintunReceivePacket(s, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunAllocateSendPacket(s, 100), ERROR_HANDLE_EOF);
    CHECK_EQ(WaitForSingleObject(WintunGetReadWaitEvent(s), 1000), WAIT_OBJECT_0);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0);
    return test_done();
}
