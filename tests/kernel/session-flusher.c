/* SPDX-License-Identifier: MIT */
/*
 * A held-back super-packet goes out on its own. A short burst of datagrams
 * that merge is sent and the program then does nothing at all: no further
 * send, no receive, no wait. The library's flusher must write the burst,
 * within 50 ms (the design says about 100 microseconds; the margin is for
 * loaded machines). Rounds are spaced so that the flusher has gone back to
 * sleep and must be woken by the hold, and also sent back to back.
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { BURST = 5, LEN = 64, ROUNDS = 12 };

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Flusher", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_IPV6, "10.27.0.1/24");
    int sock = udp4_bind_deep("10.27.0.1", 7000, 1 << 20);
    uint8_t pay[LEN], pkt[128], got[256];
    struct tpkt t;
    tpkt_init_udp4(&t, "10.27.0.2", "10.27.0.1", 6000, 7000);
    t.payload = pay;
    t.plen = LEN;
    double worst = 0;
    for (int round = 0; round < ROUNDS; round++) {
        LINTUN_SESSION_STATS before, after;
        REQUIRE(LintunGetSessionStats(s, &before));
        double sent = now_ms();
        for (int i = 0; i < BURST; i++) {
            memset(pay, round * BURST + i, LEN);
            size_t n = tpkt_build(&t, pkt);
            session_send(s, pkt, n);
            t.id++;
        }
        for (int i = 0; i < BURST; i++) {
            ssize_t r = recv_timeout(sock, got, sizeof(got), 50);
            if (r != LEN || got[0] != (uint8_t)(round * BURST + i)) {
                FAILF("round %d: datagram %d of the burst did not arrive within 50 ms", round, i);
                break;
            }
        }
        double took = now_ms() - sent;
        worst = took > worst ? took : worst;
        REQUIRE(LintunGetSessionStats(s, &after));
        /* The burst was merged, so it was held, and the flusher wrote it. */
        CHECK_EQ(after.TxCoalesced - before.TxCoalesced, BURST);
        CHECK_EQ(after.TxWrites - before.TxWrites, 1);
        if (round % 2 == 0)
            usleep(30000); /* long enough for the flusher to fall asleep */
    }
    printf("%d bursts of %d held datagrams written by the flusher; slowest %.2f ms\n", ROUNDS,
           BURST, worst);
    close(sock);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
