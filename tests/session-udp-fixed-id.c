/* SPDX-License-Identifier: MIT */
/*
 * UDP datagrams that cannot merge (every one IPv4 ID 0, as unconnected DF
 * sockets send them) go out one by one, byte-exact and in order, without
 * being staged for coalescing once the session has seen that they never
 * merge; a mergeable stream that follows is coalesced again.
 */
#include "net.h"
#include "offload-pkt.h"

enum { LEN = 64, FIXED = 600, STEPPING = 600 };

static void send_one(WINTUN_SESSION_HANDLE s, struct tpkt *t, uint8_t *pay, int i)
{
    uint8_t pkt[128];
    for (int j = 0; j < LEN; j++)
        pay[j] = (uint8_t)(i + j);
    size_t n = tpkt_build(t, pkt);
    BYTE *p = WintunAllocateSendPacket(s, (DWORD)n);
    REQUIRE(p);
    memcpy(p, pkt, n);
    WintunSendPacket(s, p);
}

int main(void)
{
    require_netns();
    WintunSetLogger(test_logger);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Fixed", L"Test", NULL);
    REQUIRE(a);
    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x400000);
    REQUIRE(s);
    REQUIRE(sh("ip addr add 10.24.0.1/24 dev Fixed") == 0);
    int sock = udp4_bind("10.24.0.1", 7000);
    int rcvbuf = 8 << 20;
    setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
    uint8_t pay[LEN];
    struct tpkt t;
    tpkt_init(&t, 4, 17);
    memcpy(t.src, "\x0a\x18\x00\x02", 4);
    memcpy(t.dst, "\x0a\x18\x00\x01", 4);
    t.sport = 6000;
    t.dport = 7000;
    t.payload = pay;
    t.plen = LEN;

    /* Fixed IDs: nothing can merge; after the first few tries nothing is
     * staged, so the last packet sent has reached the socket when
     * WintunSendPacket returns (a staged one would wait for the next send,
     * a wait or the flusher). */
    t.id = 0;
    enum { FIRST = 40 };
    for (int i = 0; i < FIRST; i++)
        send_one(s, &t, pay, i);
    int arrived = 0;
    uint8_t got[256];
    while (recv(sock, got, sizeof(got), MSG_DONTWAIT) == LEN) {
        CHECK_EQ(got[0], (uint8_t)arrived);
        arrived++;
    }
    CHECK_EQ(arrived, FIRST);
    for (int i = FIRST; i < FIXED; i++)
        send_one(s, &t, pay, i);
    DWORD n;
    WintunReceivePacket(s, &n); /* nothing to receive: held sends go out now */
    udp_expect_sequence(sock, FIRST, FIXED - FIRST, LEN);
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    CHECK_EQ(st.TxPackets, FIXED);
    CHECK_EQ(st.TxWrites, FIXED);
    CHECK_EQ(st.TxCoalesced, 0);
    CHECK_EQ(st.TxDroppedKernel, 0);

    /* IDs stepping by one: coalesced again within a few hundred packets. */
    for (int i = 0; i < STEPPING; i++) {
        t.id = (uint16_t)(1000 + i);
        send_one(s, &t, pay, FIXED + i);
    }
    WintunReceivePacket(s, &n);
    udp_expect_sequence(sock, FIXED, STEPPING, LEN);
    LINTUN_SESSION_STATS st2;
    REQUIRE(LintunGetSessionStats(s, &st2));
    CHECK_EQ(st2.TxPackets, FIXED + STEPPING);
    CHECK(st2.TxCoalesced >= STEPPING / 2);
    CHECK(st2.TxWrites - st.TxWrites < STEPPING / 2);
    printf("fixed IDs: %d datagrams in %llu writes; stepping IDs: %d in %llu writes "
           "(%llu coalesced)\n", FIXED, (unsigned long long)st.TxWrites, STEPPING,
           (unsigned long long)(st2.TxWrites - st.TxWrites),
           (unsigned long long)st2.TxCoalesced);
    close(sock);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
