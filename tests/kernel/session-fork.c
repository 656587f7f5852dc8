/* SPDX-License-Identifier: MIT * test-rerun: plain
 */
/*
 * fork(). After the parent has used lintun (its flusher thread running),
 * a child process:
 *   1. starts an adapter and a session of its own and sends bursts that a
 *      session holds back (datagrams that merge): every datagram arrives,
 *      written by the child's own flusher, with the child doing nothing
 *      after the sends;
 *   2. sends into the parent's session (what a program that calls daemon()
 *      after starting its session does): its datagrams arrive, and what the
 *      parent held back at the fork arrives exactly once.
 * Every child runs under a deadline and is killed if it hangs.
 */
#include <sys/wait.h>
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { BURST = 8, LEN = 64 };

/* Send BURST datagrams that merge, payload bytes tagged (tag + i). */
static void burst(WINTUN_SESSION_HANDLE s, const char *src, const char *dst, int tag)
{
    uint8_t pay[LEN], pkt[128];
    struct tpkt t;
    tpkt_init_udp4(&t, src, dst, 6000, 7000);
    t.payload = pay;
    t.plen = LEN;
    for (int i = 0; i < BURST; i++) {
        memset(pay, tag + i, LEN);
        size_t n = tpkt_build(&t, pkt);
        t.id++;
        session_send(s, pkt, n);
    }
}

/* Count the datagrams that arrive within @ms of quiet, by first payload byte. */
static int drain(int sock, int counts[256], int ms)
{
    int total = 0;
    uint8_t got[256];
    ssize_t r;
    while ((r = recv_timeout(sock, got, sizeof(got), ms)) > 0) {
        counts[got[0]]++;
        total++;
    }
    return total;
}

/* 1: a child with an adapter and a session of its own. */
static int child_own_session(void)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Fork Child", L"Test", NULL);
    if (!a)
        return 10;
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_NO_IPV6, "10.28.0.1/24");
    int sock = udp4_bind_deep("10.28.0.1", 7000, 1 << 20);
    int counts[256] = {0};
    for (int round = 0; round < 4; round++)
        burst(s, "10.28.0.2", "10.28.0.1", round * BURST);
    /* Nothing more from the child: only a flusher can write what is held. */
    int got = drain(sock, counts, (int)wake_bound_ms(1000));
    printf("child: %d of %d datagrams of its own session arrived\n", got, 4 * BURST);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return got == 4 * BURST ? 0 : 11;
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Fork Parent", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_NO_IPV6, "10.27.0.1/24");
    int sock = udp4_bind_deep("10.27.0.1", 7000, 1 << 20);
    int counts[256] = {0};

    /* The parent uses lintun: its flusher runs. */
    burst(s, "10.27.0.2", "10.27.0.1", 0);
    CHECK_EQ(drain(sock, counts, (int)wake_bound_ms(300)), BURST);

    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(child_own_session());
    int st = waitpid_within(pid, 20, "the child's own session delivering its bursts");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* 2: the parent holds a burst back, forks, and the child sends into the
     * parent's session. The held burst must go out once, by the parent. */
    memset(counts, 0, sizeof(counts));
    burst(s, "10.27.0.2", "10.27.0.1", 100);
    fflush(NULL);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        burst(s, "10.27.0.2", "10.27.0.1", 200);
        DWORD n;
        WintunReceivePacket(s, &n); /* nothing to receive: writes what it sent */
        _exit(0);
    }
    st = waitpid_within(pid, 20, "the child sending into the parent's session");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    int total = drain(sock, counts, (int)wake_bound_ms(500));
    printf("parent: %d datagrams arrived (want %d)\n", total, 2 * BURST);
    for (int i = 0; i < BURST; i++) {
        if (counts[100 + i] != 1)
            FAILF("datagram %d held by the parent at the fork arrived %d times", i,
                  counts[100 + i]);
        if (counts[200 + i] != 1)
            FAILF("datagram %d the child sent arrived %d times", i, counts[200 + i]);
    }
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
