/* SPDX-License-Identifier: MIT */
/*
 * LINTUN_SESSION_PASSTHROUGH: every received packet starts with its
 * virtio_net_hdr, and every sent one is written as it is. Datagrams of
 * sizes that take both ways of reading (large ones go straight into the
 * ring, small ones through the batch buffer) arrive whole and in order, on
 * both I/O paths; a packet sent with a zero header reaches a local socket.
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { COUNT = 24 };

static size_t size_of(int i) { return i % 3 == 0 ? 9000 : (i % 3 == 1 ? 40 : 12000); }

static void run(WINTUN_ADAPTER_HANDLE a, DWORD flags, const char *what)
{
    WINTUN_SESSION_HANDLE s = LintunStartSessionEx(a, 0x400000, flags);
    if (!s && GetLastError() == ERROR_NOT_SUPPORTED) {
        printf("%s: io_uring is not available to this process; not run\n", what);
        return;
    }
    REQUIRE(s);
    int tx = udp4_bind("10.29.0.1", 6000);
    static uint8_t pay[16000];
    for (int i = 0; i < COUNT; i++) {
        memset(pay, i + 1, size_of(i));
        REQUIRE(udp4_send(tx, "10.29.0.2", 7000, pay, size_of(i)) == (ssize_t)size_of(i));
    }
    int got = 0;
    double end = now_ms() + wake_bound_ms(5000);
    while (got < COUNT && now_ms() < end) {
        DWORD n;
        BYTE *p = WintunReceivePacket(s, &n);
        if (!p) {
            REQUIRE(GetLastError() == ERROR_NO_MORE_ITEMS);
            WaitForSingleObject(WintunGetReadWaitEvent(s), 50);
            continue;
        }
        const uint8_t *ip = p + OFFLOAD_VNET_HDR_LEN;
        /* Not ours (IPv6 chatter is off, but be exact): skip. */
        if (n > OFFLOAD_VNET_HDR_LEN + 28 && (ip[0] >> 4) == 4 && ip[9] == 17 &&
            be16(ip + 22) == 7000) {
            size_t len = n - OFFLOAD_VNET_HDR_LEN - 28;
            if (len != size_of(got) || ip[28] != (uint8_t)(got + 1) ||
                ip[28 + len - 1] != (uint8_t)(got + 1)) {
                FAILF("%s: datagram %d: %zu bytes of 0x%02x, want %zu of 0x%02x", what, got, len,
                      ip[28], size_of(got), (unsigned)(uint8_t)(got + 1));
                WintunReleaseReceivePacket(s, p);
                break; /* one lost or changed: waiting for the rest shows nothing more */
            }
            got++;
        }
        WintunReleaseReceivePacket(s, p);
    }
    CHECK_EQ(got, COUNT);
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    printf("%s: %d datagrams in %llu reads\n", what, got, (unsigned long long)st.RxReads);

    /* Sending: a zero header, then an IPv4/UDP datagram to a local socket. */
    int rx = udp4_bind("10.29.0.1", 7001);
    uint8_t pkt[128], data[32], back[64];
    memset(data, 0x5a, sizeof(data));
    struct tpkt t;
    tpkt_init_udp4(&t, "10.29.0.2", "10.29.0.1", 6001, 7001);
    t.payload = data;
    t.plen = sizeof(data);
    size_t n = tpkt_build(&t, pkt);
    BYTE *p = WintunAllocateSendPacket(s, (DWORD)(OFFLOAD_VNET_HDR_LEN + n));
    REQUIRE(p);
    memset(p, 0, OFFLOAD_VNET_HDR_LEN);
    memcpy(p + OFFLOAD_VNET_HDR_LEN, pkt, n);
    WintunSendPacket(s, p);
    DWORD none;
    WintunReceivePacket(s, &none); /* nothing to receive: what is held goes out */
    ssize_t r = recv_timeout(rx, back, sizeof(back), (int)wake_bound_ms(2000));
    CHECK_EQ(r, (ssize_t)sizeof(data));
    CHECK(r == (ssize_t)sizeof(data) && memcmp(back, data, sizeof(data)) == 0);
    close(rx);
    close(tx);
    WintunEndSession(s);
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Passthrough", L"Test", NULL);
    LINTUN_ADAPTER_INFO info = {.IfName = ""};
    REQUIRE(LintunGetAdapterInfo(a, &info));
    sh("sysctl -qw net.ipv6.conf.%s.disable_ipv6=1", info.IfName);
    REQUIRE(sh("ip link set %s mtu 16000", info.IfName) == 0);
    REQUIRE(sh("ip addr add 10.29.0.1/24 dev %s", info.IfName) == 0);
    REQUIRE(sh("ip link set %s up", info.IfName) == 0);
    run(a, LINTUN_SESSION_PASSTHROUGH | LINTUN_SESSION_IO_URING, "io_uring");
    run(a, LINTUN_SESSION_PASSTHROUGH | LINTUN_SESSION_NO_IO_URING, "write()");
    WintunCloseAdapter(a);
    return test_done();
}
