/* SPDX-License-Identifier: MIT */
/*
 * Byte-exact traffic both ways: what a kernel socket sends arrives in the
 * session unchanged, and what the program sends reaches a kernel socket
 * unchanged, for sizes from 1 byte of payload up to the MTU, with and
 * without offload. The first packet missing (2 s, scaled) ends the test:
 * what follows would only wait for more of the same.
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

static uint8_t rxbuf[70000];

static void kernel_to_session(WINTUN_SESSION_HANDLE s, int sock, size_t len)
{
    uint8_t payload[1500];
    for (size_t i = 0; i < len; i++)
        payload[i] = (uint8_t)(i * 7 + len);
    REQUIRE(udp4_send(sock, "10.20.0.2", 5555, payload, len) == (int)len);
    long n = session_recv_match(s, 17, 5555, rxbuf, (int)wake_bound_ms(2000));
    if (n != (long)(28 + len)) {
        FAILF("kernel->session %zu bytes: got a packet of %ld bytes", len, n);
        return;
    }
    CHECK(memcmp(rxbuf + 28, payload, len) == 0);
    CHECK(!memcmp(rxbuf + 12, "\x0a\x14\x00\x01", 4)); /* from 10.20.0.1 */
    CHECK(!memcmp(rxbuf + 16, "\x0a\x14\x00\x02", 4));
    CHECK(inet_ip4_ok(rxbuf));
    CHECK(inet_l4_ok(rxbuf, (size_t)n, 17));
}

static void session_to_kernel(WINTUN_SESSION_HANDLE s, int sock, size_t len)
{
    uint8_t payload[1500], pkt[1600], got[1600];
    for (size_t i = 0; i < len; i++)
        payload[i] = (uint8_t)(i * 13 + len);
    struct tpkt t;
    tpkt_init_udp4(&t, "10.20.0.2", "10.20.0.1", 6000, 7777);
    t.payload = payload;
    t.plen = len;
    size_t n = tpkt_build(&t, pkt);
    session_send(s, pkt, n);
    ssize_t r = recv_timeout(sock, got, sizeof(got), (int)wake_bound_ms(2000));
    if (r != (ssize_t)len) {
        FAILF("session->kernel %zu bytes: socket got %zd", len, r);
        return;
    }
    CHECK(memcmp(got, payload, len) == 0);
}

static void run(DWORD flags)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Exact", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, flags, FIXTURE_IPV6, "10.20.0.1/24");
    int sock = udp4_bind("10.20.0.1", 7777);
    size_t sizes[] = {1, 2, 3, 100, 1000, 1471, 1472};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        kernel_to_session(s, sock, sizes[i]);
        session_to_kernel(s, sock, sizes[i]);
        if (harness_failures) {
            fprintf(stderr, "stopping at the first loss (flags 0x%x)\n", (unsigned)flags);
            exit(test_done());
        }
    }
    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(s, &st));
    CHECK(st.TxPackets >= 7);
    CHECK_EQ(st.TxDroppedInvalid, 0);
    close(sock);
    WintunEndSession(s);
    WintunCloseAdapter(a);
}

int main(void)
{
    run(0);
    run(LINTUN_SESSION_NO_OFFLOAD);
    run(LINTUN_SESSION_NO_COALESCE);
    return test_done();
}
