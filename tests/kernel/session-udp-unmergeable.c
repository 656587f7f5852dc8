/* SPDX-License-Identifier: MIT */
/*
 * UDP from unconnected DF sockets (QUIC, DNS: IPv4 ID 0 on every datagram)
 * is coalesced: the IDs of atomic datagrams have no meaning (RFC 6864), and
 * the kernel renumbers them. Datagrams that really cannot merge (two flows
 * taking turns) go out one by one, byte-exact and in order, without being
 * staged once the session has seen that they never merge; a single flow
 * that follows is coalesced again.
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { LEN = 64, FIXED = 600, TURNS = 600, AGAIN = 600 };

static void send_one(WINTUN_SESSION_HANDLE s, struct tpkt *t, uint8_t *pay, int i)
{
    uint8_t pkt[128];
    for (int j = 0; j < LEN; j++)
        pay[j] = (uint8_t)(i + j);
    size_t n = tpkt_build(t, pkt);
    session_send(s, pkt, n);
}

static LINTUN_SESSION_STATS stats(WINTUN_SESSION_HANDLE s)
{
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    return st;
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Unmerged", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_IPV6, "10.24.0.1/24");
    int sock = udp4_bind_deep("10.24.0.1", 7000, 8 << 20);
    uint8_t pay[LEN];
    struct tpkt t;
    tpkt_init_udp4(&t, "10.24.0.2", "10.24.0.1", 6000, 7000);
    t.payload = pay;
    t.plen = LEN;
    DWORD n;

    /* ID 0 with DF, as an unconnected socket sends: merged. */
    t.id = 0;
    for (int i = 0; i < FIXED; i++)
        send_one(s, &t, pay, i);
    WintunReceivePacket(s, &n); /* nothing to receive: held sends go out now */
    udp_expect_sequence(sock, 0, FIXED, LEN);
    LINTUN_SESSION_STATS st1 = stats(s);
    CHECK_EQ(st1.TxPackets, FIXED);
    CHECK(st1.TxCoalesced >= FIXED / 2);
    CHECK(st1.TxWrites < FIXED / 2);

    /* Two flows taking turns: nothing can merge, and every datagram goes
     * out as it was sent, in order, once the program looks for something
     * to receive. */
    enum { FIRST = 40 };
    for (int i = 0; i < FIRST; i++) {
        t.sport = (uint16_t)(6000 + i % 2);
        send_one(s, &t, pay, FIXED + i);
    }
    WintunReceivePacket(s, &n);
    int arrived = 0;
    uint8_t got[256];
    while (recv(sock, got, sizeof(got), MSG_DONTWAIT) == LEN) {
        CHECK_EQ(got[0], (uint8_t)(FIXED + arrived));
        arrived++;
    }
    CHECK_EQ(arrived, FIRST);
    for (int i = FIRST; i < TURNS; i++) {
        t.sport = (uint16_t)(6000 + i % 2);
        send_one(s, &t, pay, FIXED + i);
    }
    WintunReceivePacket(s, &n);
    udp_expect_sequence(sock, FIXED + FIRST, TURNS - FIRST, LEN);
    LINTUN_SESSION_STATS st2 = stats(s);
    CHECK_EQ(st2.TxPackets - st1.TxPackets, TURNS);
    CHECK_EQ(st2.TxWrites - st1.TxWrites, TURNS);
    CHECK_EQ(st2.TxCoalesced, st1.TxCoalesced);
    CHECK_EQ(st2.TxDroppedKernel, 0);

    /* One flow again: coalesced again within a few hundred datagrams. */
    t.sport = 6000;
    for (int i = 0; i < AGAIN; i++)
        send_one(s, &t, pay, FIXED + TURNS + i);
    WintunReceivePacket(s, &n);
    udp_expect_sequence(sock, FIXED + TURNS, AGAIN, LEN);
    LINTUN_SESSION_STATS st3 = stats(s);
    CHECK_EQ(st3.TxPackets, FIXED + TURNS + AGAIN);
    CHECK(st3.TxCoalesced - st2.TxCoalesced >= AGAIN / 2);
    CHECK(st3.TxWrites - st2.TxWrites < AGAIN / 2);
    /* Bytes as the program sent them, merged or not: 20 + 8 header bytes each. */
    CHECK_EQ(st3.TxBytes, (DWORD64)(FIXED + TURNS + AGAIN) * (28 + LEN));
    printf("ID 0: %d datagrams in %llu writes; two flows: %d in %llu writes; one flow "
           "again: %d in %llu writes\n",
           FIXED, (unsigned long long)st1.TxWrites, TURNS,
           (unsigned long long)(st2.TxWrites - st1.TxWrites), AGAIN,
           (unsigned long long)(st3.TxWrites - st2.TxWrites));
    close(sock);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
