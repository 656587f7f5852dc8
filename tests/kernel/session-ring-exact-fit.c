/* SPDX-License-Identifier: MIT */
/*
 * A packet that fills a ring exactly is taken, through the public API, on
 * both rings (ring-overflow-exact checks the arithmetic on a bare ring).
 * Send: after 91 packets of 1428 bytes, a 128 KiB ring has 756 bytes left,
 * Wintun's way (Capacity - 4 minus the 4-byte-header slots): a 753-byte
 * packet (a 760-byte slot) is refused with ERROR_BUFFER_OVERFLOW, a 752-byte
 * one (exactly 756) is allocated, and all 92 reach a socket intact.
 * Receive: with 91 received 1428-byte datagrams held, a 752-byte one from
 * the kernel is received at once, not held back as if the ring were full.
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

#define BIG 1428u  /* IP bytes of the filling packets: slot 1432 */
#define COUNT 91u  /* (0x20000 - 4) / 1432, leaving 756 bytes */
#define EXACT 752u /* slot 756 */

static WINTUN_SESSION_HANDLE sess;

static void check_geometry(void)
{
    DWORD left = WINTUN_MIN_RING_CAPACITY - 4 - COUNT * (BIG + 4);
    REQUIRE(left == EXACT + 4 && (WINTUN_MIN_RING_CAPACITY - 4) / (BIG + 4) == COUNT);
}

/* Packet i of the send side: UDP to 10.48.0.1:7000, payload bytes i + j. */
static size_t build(uint8_t *out, unsigned i, size_t ip_len)
{
    static uint8_t payload[2048];
    struct tpkt t;
    tpkt_init_udp4(&t, "10.48.0.2", "10.48.0.1", 40000, 7000);
    for (size_t j = 0; j < sizeof(payload); j++)
        payload[j] = (uint8_t)(i + j);
    t.id = (uint16_t)i;
    t.payload = payload;
    t.plen = ip_len - 28;
    return tpkt_build(&t, out);
}

static void send_side(void)
{
    int sock = udp4_bind_deep("10.48.0.1", 7000, 1 << 20);
    BYTE *held[COUNT + 1];
    for (unsigned i = 0; i < COUNT; i++) {
        held[i] = WintunAllocateSendPacket(sess, BIG);
        REQUIRE(held[i]);
    }
    CHECK_ERR(WintunAllocateSendPacket(sess, EXACT + 1), ERROR_BUFFER_OVERFLOW);
    held[COUNT] = WintunAllocateSendPacket(sess, EXACT);
    if (!held[COUNT])
        FAILF("a %u-byte packet filling the send ring exactly was refused (error %u)", EXACT,
              GetLastError());
    unsigned total = held[COUNT] ? COUNT + 1 : COUNT;
    for (unsigned i = 0; i < total; i++) {
        build(held[i], i, i < COUNT ? BIG : EXACT);
        WintunSendPacket(sess, held[i]);
    }
    DWORD n;
    WintunReceivePacket(sess, &n); /* nothing to receive: held sends go out now */
    for (unsigned i = 0; i < total; i++) {
        uint8_t got[2048], want[2048];
        size_t len = build(want, i, i < COUNT ? BIG : EXACT) - 28;
        ssize_t r = recv_timeout(sock, got, sizeof(got), 1000);
        if (r != (ssize_t)len || memcmp(got, want + 28, len)) {
            FAILF("send side: datagram %u: got %zd bytes, want %zu", i, r, len);
            break;
        }
    }
    close(sock);
}

static int seq_of(const BYTE *p, DWORD n)
{
    int v;
    if (n < 32 || p[0] != 0x45 || p[9] != 17)
        return -1;
    memcpy(&v, p + 28, 4);
    return v;
}

/* Send one datagram of @ip_len IP bytes to the session; receive it now. */
static BYTE *kernel_to_session(int sock, int seq, size_t ip_len)
{
    uint8_t buf[2048] = {0};
    memcpy(buf, &seq, 4);
    REQUIRE(udp4_send(sock, "10.48.0.9", 9000, buf, ip_len - 28) == (int)(ip_len - 28));
    HANDLE ev = WintunGetReadWaitEvent(sess);
    for (int tries = 0; tries < 2; tries++) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (p) {
            if (n != ip_len || seq_of(p, n) != seq)
                FAILF("receive side: packet %d: %u bytes, sequence %d", seq, n, seq_of(p, n));
            return p;
        }
        CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
        WaitForSingleObject(ev, 200);
    }
    return NULL;
}

static void receive_side(void)
{
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    BYTE *held[COUNT + 1];
    for (unsigned i = 0; i < COUNT; i++) {
        held[i] = kernel_to_session(sock, (int)i, BIG);
        REQUIRE(held[i]);
    }
    held[COUNT] = kernel_to_session(sock, (int)COUNT, EXACT);
    if (!held[COUNT])
        FAILF("a %u-byte packet filling the receive ring exactly was not received", EXACT);
    for (unsigned i = 0; i <= COUNT; i++)
        if (held[i])
            WintunReleaseReceivePacket(sess, held[i]);
    close(sock);
}

int main(void)
{
    check_geometry();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Exact", L"Test", NULL);
    sess = fixture_session(a, WINTUN_MIN_RING_CAPACITY, 0, FIXTURE_NO_IPV6, "10.48.0.1/24");
    send_side();
    receive_side();
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    return test_done();
}
