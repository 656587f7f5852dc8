/* SPDX-License-Identifier: MIT */
/*
 * Many small UDP datagrams of one flow, sent back to back: every one reaches
 * the kernel socket byte-exact and in order, and the kernel never refuses a
 * coalesced write (it refuses UDP super-packets of more than 64 datagrams on
 * older kernels, 128 on newer, so the coalescer must stop there).
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

static int refused;

static void logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    (void)ts;
    if (wcsstr(msg, L"refused"))
        refused++;
    test_logger(level, 0, msg);
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(logger, L"Udp", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_IPV6, "10.23.0.1/24");
    int sock = udp4_bind_deep("10.23.0.1", 7000, 8 << 20);
    enum { N = 300, LEN = 64 };
    uint8_t pay[LEN], pkt[128];
    struct tpkt t;
    tpkt_init_udp4(&t, "10.23.0.2", "10.23.0.1", 6000, 7000);
    t.payload = pay;
    t.plen = LEN;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < LEN; j++)
            pay[j] = (uint8_t)(i + j);
        t.id = (uint16_t)(100 + i);
        size_t n = tpkt_build(&t, pkt);
        session_send(s, pkt, n);
    }
    DWORD n;
    WintunReceivePacket(s, &n); /* nothing to receive: held sends go out now */
    udp_expect_sequence(sock, 0, N, LEN);
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    CHECK_EQ(st.TxPackets, N);
    CHECK_EQ(st.TxDroppedKernel, 0);
    CHECK_EQ(refused, 0);
    printf("%u datagrams in %llu writes (%llu coalesced)\n", N, (unsigned long long)st.TxWrites,
           (unsigned long long)st.TxCoalesced);
    close(sock);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
