/* SPDX-License-Identifier: MIT */
/*
 * Fault: the process that created the adapter is killed with SIGKILL while
 * this process has a session on it under traffic (two threads receiving, one
 * sending, the kernel flooding). The clocks start at what the library can
 * see, never at the kill (the kernel may take long to tear a process down
 * under load): the first thread sees ERROR_HANDLE_EOF within 100 ms of the
 * kernel reporting the creator's exit (a pidfd of our own), and every
 * thread (a receiver blocked on the read-wait event wakes) within 500 ms of
 * the later of that exit and the kernel's RTM_DELLINK for the interface:
 * the thread that notices the exit deletes the interface while it holds the
 * receive lock, and the netlink call returns only when the kernel has
 * finished unregistering it, so the others learn of the end only then. The
 * interface is gone within 10 s, the kernel's own pace. Nothing crashes,
 * and no descriptor, thread or interface is left after EndSession and
 * CloseAdapter. Three rounds. Bounds scale with LINTUN_TEST_SLOWDOWN
 * (ThreadSanitizer). Each round prints when the kernel reported the exit
 * and the deletion, so a slow round shows which part was slow.
 * test-rerun: plain tsan
 */
#include <signal.h>
#include <sys/syscall.h>
#include "load.h"
#include "link-events.h"
#include "resources.h"
#include "fixture.h"

static void round_once(int round)
{
    pid_t pid = spawn_creator(L"Creator Dies");
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"Creator Dies");
    REQUIRE(o);
    static struct load l = {.receivers = 2,
                            .senders = 1,
                            .src = "10.46.0.2",
                            .dst = "10.46.0.1",
                            .pause_us = 20,
                            .flood_to = "10.46.0.2"};
    l.sess = fixture_session(o, 0x20000, 0, FIXTURE_IPV6, "10.46.0.1/24");
    load_start(&l);
    usleep(200000);
    unsigned long long before = atomic_load(&l.moved);
    CHECK(before > 100);
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(o, &info));
    struct link_watch w;
    link_watch_start(&w, (int)info.IfIndex);
    int exit_fd = (int)syscall(SYS_pidfd_open, pid, 0);
    REQUIRE(exit_fd >= 0);
    double killed = now_ms();
    kill(pid, SIGKILL);
    struct pollfd exited = {.fd = exit_fd, .events = POLLIN};
    CHECK_EQ(poll(&exited, 1, (int)wake_bound_ms(10000)), 1);
    double exit_at = now_ms();
    close(exit_fd);
    waitpid_within(pid, 5, "the creator exiting on SIGKILL");
    load_join(&l);
    double deleted = link_watch_wait(&w, 10);
    bool gone = link_gone_within("Creator_Dies", wake_bound_ms(10000));
    double gone_at = now_ms() - killed;
    double first = l.stopped_at[0];
    for (int i = 1; i < load_threads(&l); i++)
        first = l.stopped_at[i] < first ? l.stopped_at[i] : first;
    double bound = wake_bound_ms(100);
    if (first - exit_at > bound)
        FAILF("round %d: the first thread saw EOF %.1f ms after the kernel reported the "
              "creator's exit, want < %.0f ms",
              round, first - exit_at, bound);
    load_check_eof(&l, deleted > exit_at ? deleted : exit_at, wake_bound_ms(500),
                   "the creator's exit and the interface's deletion");
    if (!gone)
        FAILF("round %d: the interface is still there %.1f ms after the kill", round, gone_at);
    printf("round %d: %llu packets before the kill; the kernel reported the exit after %.1f "
           "ms and the deletion after %.1f ms; EOF after %.1f/%.1f/%.1f ms; interface gone "
           "by %.1f ms (all from the kill; bounds %.0f/%.0f ms)\n",
           round, before, exit_at - killed, deleted - killed, l.stopped_at[0] - killed,
           l.stopped_at[1] - killed, l.stopped_at[2] - killed, gone_at, bound, wake_bound_ms(500));
    DWORD n;
    CHECK_ERR(WintunReceivePacket(l.sess, &n), ERROR_HANDLE_EOF);
    CHECK_ERR(WintunAllocateSendPacket(l.sess, 100), ERROR_HANDLE_EOF);
    WintunEndSession(l.sess);
    WintunCloseAdapter(o);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("is gone; the session reports end of file");
    require_netns();
    WintunSetLogger(test_logger);
    struct baseline b = baseline_take();
    for (int round = 0; round < 3; round++)
        round_once(round);
    CHECK(WintunDeleteDriver()); /* no orphan left */
    baseline_check(b);
    return test_done();
}
