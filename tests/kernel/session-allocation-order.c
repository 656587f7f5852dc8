/* SPDX-License-Identifier: MIT */
/*
 * Allocation order is delivery order: a packet sent before an older
 * allocation is held back until the older one is sent, then both go, in
 * allocation order. Also from several threads allocating and sending.
 * test-rerun: plain tsan
 */
#include <pthread.h>
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

static WINTUN_SESSION_HANDLE s;

static size_t udp(uint8_t *out, uint32_t seq)
{
    struct tpkt t;
    tpkt_init_udp4(&t, "10.21.0.2", "10.21.0.1", 6000, 7000);
    t.payload = (const uint8_t *)&seq;
    t.plen = sizeof(seq);
    return tpkt_build(&t, out);
}

static BYTE *alloc_udp(uint32_t seq)
{
    uint8_t pkt[64];
    size_t n = udp(pkt, seq);
    BYTE *p = WintunAllocateSendPacket(s, (DWORD)n);
    REQUIRE(p);
    memcpy(p, pkt, n);
    return p;
}

static uint32_t next_seq(int sock, int ms)
{
    uint32_t v;
    return recv_timeout(sock, &v, sizeof(v), ms) == sizeof(v) ? v : 0xffffffff;
}

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t order_next = 1000;

static void *sender(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        /* The sequence number is taken in allocation order. */
        pthread_mutex_lock(&order_lock);
        BYTE *p = alloc_udp(order_next++);
        pthread_mutex_unlock(&order_lock);
        if ((i & 7) == 0)
            usleep(100); /* others allocate meanwhile: sends go out of order */
        WintunSendPacket(s, p);
    }
    return NULL;
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Order", L"Test", NULL);
    s = fixture_session(a, 0x400000, 0, FIXTURE_IPV6, "10.21.0.1/24");
    int sock = udp4_bind("10.21.0.1", 7000);
    int rcvbuf = 4 << 20;
    setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));

    BYTE *p1 = alloc_udp(1), *p2 = alloc_udp(2), *p3 = alloc_udp(3);
    WintunSendPacket(s, p3);
    WintunSendPacket(s, p2);
    CHECK_EQ(next_seq(sock, 200), 0xffffffff); /* held back behind 1 */
    WintunSendPacket(s, p1);
    CHECK_EQ(next_seq(sock, 1000), 1);
    CHECK_EQ(next_seq(sock, 1000), 2);
    CHECK_EQ(next_seq(sock, 1000), 3);

    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, sender, NULL);
    for (int i = 0; i < 4; i++)
        join_within(t[i], 10, "a sender finishing its packets");
    for (uint32_t want = 1000; want < 1800; want++) {
        uint32_t got = next_seq(sock, 1000);
        if (got != want) {
            FAILF("packet %u arrived where %u was due", got, want);
            break;
        }
    }
    close(sock);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
