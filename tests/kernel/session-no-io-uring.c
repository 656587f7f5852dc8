/* SPDX-License-Identifier: MIT */
/*
 * A session started with LINTUN_SESSION_NO_IO_URING uses no io_uring at all,
 * in either direction, however much it moves: after a burst the kernel
 * queued (so receives run back to back, where the batched path would switch
 * to io_uring reads) and a burst the program sends, no descriptor of this
 * process is an io_uring instance (anon_inode:[io_uring] in /proc/self/fd),
 * and the log has no warning or error (the test logger fails on any, such
 * as an io_uring set-up or fallback line). Packets and counters are right.
 * Then, as a control that the descriptor check sees io_uring where there is
 * one, a LINTUN_SESSION_IO_URING session does the same and leaves at least
 * one (skipped where this kernel refuses io_uring).
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"
#include "resources.h"

enum { N = 200, LEN = 100 };

/* N datagrams from the kernel through the session, then N from the session to the kernel. */
static void traffic(WINTUN_SESSION_HANDLE s, const char *local, const char *peer)
{
    int in = udp4_bind(local, 7100), out = udp4_bind_deep(local, 7101, 4 << 20);
    uint8_t pay[LEN], pkt[2048];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < LEN; j++)
            pay[j] = (uint8_t)(i + j);
        REQUIRE(udp4_send(in, peer, 7200, pay, LEN) == LEN);
    }
    for (int i = 0; i < N; i++) {
        long n = session_recv_match(s, IPPROTO_UDP, 7200, pkt, (int)wake_bound_ms(2000));
        if (n != 28 + LEN || pkt[28] != (uint8_t)i) {
            FAILF("datagram %d from the kernel: got %ld bytes starting %d", i, n,
                  n > 28 ? pkt[28] : -1);
            break;
        }
    }
    struct tpkt t;
    tpkt_init_udp4(&t, peer, local, 7200, 7101);
    t.payload = pay;
    t.plen = LEN;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < LEN; j++)
            pay[j] = (uint8_t)(i + j);
        t.id = (uint16_t)(i + 1);
        session_send(s, pkt, tpkt_build(&t, pkt));
    }
    DWORD n;
    WintunReceivePacket(s, &n); /* nothing to receive: held sends go out now */
    udp_expect_sequence(out, 0, N, LEN);
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    CHECK_EQ(st.TxPackets, N);
    CHECK_EQ(st.TxDroppedKernel, 0);
    close(in);
    close(out);
}

int main(void)
{
    require_netns();
    struct baseline base = baseline_take();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"NoUring", L"Test", NULL);
    CHECK_EQ(fd_count_kind(true), 0);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, LINTUN_SESSION_NO_IO_URING,
                                              FIXTURE_NO_IPV6, "10.31.0.1/24");
    traffic(s, "10.31.0.1", "10.31.0.2");
    CHECK_EQ(fd_count_kind(true), 0);
    WintunEndSession(s);
    CHECK_EQ(fd_count_kind(true), 0);
    WintunCloseAdapter(a);
    baseline_check(base);

    /* The control: the same with io_uring asked for. */
    WINTUN_ADAPTER_HANDLE b = fixture_adapter(test_logger, L"Uring", L"Test", NULL);
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(b, &info));
    sh("sysctl -qw net.ipv6.conf.%s.disable_ipv6=1", info.IfName);
    expect_log("io_uring");
    WINTUN_SESSION_HANDLE u = LintunStartSessionEx(b, 0x400000, LINTUN_SESSION_IO_URING);
    if (u) {
        expect_log_none();
        REQUIRE(sh("ip addr add 10.32.0.1/24 dev %s", info.IfName) == 0);
        traffic(u, "10.32.0.1", "10.32.0.2");
        int rings = fd_count_kind(true);
        printf("io_uring instances with LINTUN_SESSION_IO_URING: %d\n", rings);
        CHECK(rings >= 1);
        WintunEndSession(u);
    } else {
        CHECK_EQ(LintunGetLastError(), ERROR_NOT_SUPPORTED);
        printf("io_uring refused here: the control part did not run\n");
    }
    WintunCloseAdapter(b);
    return test_done();
}
