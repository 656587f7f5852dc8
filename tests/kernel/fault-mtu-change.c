/* SPDX-License-Identifier: MIT */
/*
 * Fault: the MTU changes (up to 9000, down to 576, back to 1500, by someone
 * else with `ip link set mtu`) while the program sends and receives in other
 * threads. No error other than the documented ones, no crash; every packet
 * the session hands out is a well-formed IPv4 packet with a verifying
 * checksum; after each change, a datagram just under the new MTU arrives
 * whole and a bigger one arrives as fragments no larger than the MTU; a
 * packet the program sends up to the new MTU gets through. No descriptor,
 * thread or interface is left.
 * test-rerun: plain
 */
#include <dirent.h>
#include <netinet/ip.h>
#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "resources.h"
#include "offload-pkt.h"
#include "fixture.h"

static WINTUN_SESSION_HANDLE sess;
static atomic_bool stop;
static atomic_uint bad_err, malformed;
static atomic_ullong bg_rx, bg_tx;

static size_t build(uint8_t *out, size_t plen, int dport, uint8_t fillv)
{
    static uint8_t payload[9000];
    struct tpkt t;
    tpkt_init(&t, 4, 17);
    memcpy(t.src, "\x0a\x2d\x00\x02", 4);
    memcpy(t.dst, "\x0a\x2d\x00\x01", 4);
    t.sport = 1000;
    t.dport = (uint16_t)dport;
    t.df = false;
    memset(payload, fillv, plen);
    t.payload = payload;
    t.plen = plen;
    return tpkt_build(&t, out);
}

/* Background traffic: the program sends small packets; another thread floods the session. */
static void *bg_sender(void *arg)
{
    uint8_t pkt[256];
    size_t n = build(pkt, 64, 7001, 0x11);
    (void)arg;
    while (!atomic_load(&stop)) {
        BYTE *p = WintunAllocateSendPacket(sess, (DWORD)n);
        if (p) {
            memcpy(p, pkt, n);
            WintunSendPacket(sess, p);
            atomic_fetch_add(&bg_tx, 1);
        } else if (GetLastError() != ERROR_BUFFER_OVERFLOW) {
            atomic_store(&bad_err, GetLastError());
        }
        usleep(200);
    }
    return NULL;
}

static void *bg_flood(void *arg)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    char buf[1200] = {0};
    (void)arg;
    for (int i = 0; !atomic_load(&stop); i++) {
        udp4_send(fd, "10.45.0.2", 9001, buf, (size_t)(100 + i % 400)); /* < 576 */
        usleep(200);
    }
    close(fd);
    return NULL;
}

/* The test's receiver: only this thread receives. Background packets
 * (port 9001, never fragmented) are counted; probe packets (port 9002, and
 * every fragment) are copied to probe[]. */
static uint8_t probe[64][9100];
static DWORD probe_len[64];
static atomic_int probes;

static void *receiver(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (!p) {
            if (GetLastError() != ERROR_NO_MORE_ITEMS)
                atomic_store(&bad_err, GetLastError());
            WaitForSingleObject(WintunGetReadWaitEvent(sess), 20);
            continue;
        }
        if (p[0] >> 4 == 6 && offload_packet_valid(p, n) && 40u + be16(p + 4) == n) {
            WintunReleaseReceivePacket(sess, p); /* sent before IPv6 was turned off */
            continue;
        }
        if (!offload_packet_valid(p, n) || p[0] >> 4 != 4 || !inet_ip4_ok(p) || be16(p + 2) != n) {
            fprintf(stderr, "malformed: %u bytes, %02x %02x len %u\n", n, p[0], p[9], be16(p + 2));
            atomic_fetch_add(&malformed, 1);
        }
        size_t hl = (size_t)(p[0] & 15) * 4;
        bool frag = be16(p + 6) & 0x3fff; /* MF or an offset */
        if (p[9] == 17 && !frag && !inet_l4_ok(p, n, 17)) {
            fprintf(stderr, "bad UDP checksum: %u bytes, port %u\n", n, be16(p + hl + 2));
            atomic_fetch_add(&malformed, 1); /* a whole datagram: its checksum verifies */
        }
        int dport = p[9] == 17 && !(be16(p + 6) & 0x1fff) ? be16(p + hl + 2) : -1;
        if (dport == 9001 && !frag) {
            atomic_fetch_add(&bg_rx, 1);
        } else if (p[9] == 17 && (frag || dport == 9002)) {
            int i = atomic_load(&probes);
            if (i < 64) {
                memcpy(probe[i], p, n);
                probe_len[i] = n;
                atomic_store(&probes, i + 1);
            }
        }
        WintunReleaseReceivePacket(sess, p);
    }
    return NULL;
}

/* The kernel sends one datagram of plen bytes to the session, fragmented
 * when it exceeds the MTU. */
static void kernel_probe(size_t plen)
{
    static uint8_t payload[9200];
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int dont = IP_PMTUDISC_DONT;
    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont, sizeof(dont));
    memset(payload, 0x5a, plen);
    if (udp4_send(fd, "10.45.0.2", 9002, payload, plen) != (int)plen)
        FAILF("send of %zu bytes: %s", plen, strerror(errno));
    close(fd);
}

static int wait_probes(int want)
{
    double end = now_ms() + 1000;
    while (atomic_load(&probes) < want && now_ms() < end)
        usleep(1000);
    return atomic_load(&probes);
}

static void check_mtu(int mtu, int sink)
{
    REQUIRE(sh("ip link set Mtu mtu %d", mtu) == 0);
    /* Just under the MTU: one packet of exactly the MTU. */
    atomic_store(&probes, 0);
    kernel_probe((size_t)mtu - 28);
    if (wait_probes(1) < 1) {
        FAILF("MTU %d: a datagram of the MTU did not arrive", mtu);
    } else {
        CHECK_EQ(probe_len[0], mtu);
    }
    /* Over it: fragments, none larger than the MTU, adding up to the datagram. */
    usleep(20000);
    atomic_store(&probes, 0);
    kernel_probe((size_t)mtu + 100);
    wait_probes(2);
    usleep(20000);
    int n = atomic_load(&probes);
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        if ((int)probe_len[i] > mtu)
            FAILF("MTU %d: a fragment of %u bytes", mtu, probe_len[i]);
        total += probe_len[i] - 20;
    }
    if (n < 2 || total != (size_t)mtu + 100 + 8)
        FAILF("MTU %d: %d fragments carrying %zu bytes, want >= 2 and %d", mtu, n, total,
              mtu + 108);
    /* The program sends a packet of the new MTU: it gets through. */
    static uint8_t pkt[9100];
    size_t len = build(pkt, (size_t)mtu - 28, 7002, (uint8_t)mtu);
    session_send(sess, pkt, len);
    static uint8_t buf[9100];
    ssize_t r = recv_timeout(sink, buf, sizeof(buf), 1000);
    CHECK_EQ(r, mtu - 28);
    if (r > 0 && (buf[0] != (uint8_t)mtu || buf[r - 1] != (uint8_t)mtu))
        FAILF("MTU %d: the sent datagram arrived altered", mtu);
    printf("MTU %d: %d fragments for a datagram of %d bytes; sends of %d bytes get through\n", mtu,
           n, mtu + 128, mtu);
}

int main(void)
{
    struct baseline b = baseline_take();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Mtu", L"Test", NULL);
    sess = fixture_session(a, 0x100000, 0, FIXTURE_NO_IPV6, "10.45.0.1/24");
    int sink = udp4_bind("10.45.0.1", 7002);
    int drop = udp4_bind("10.45.0.1", 7001);
    pthread_t t[3];
    pthread_create(&t[0], NULL, receiver, NULL);
    pthread_create(&t[1], NULL, bg_sender, NULL);
    pthread_create(&t[2], NULL, bg_flood, NULL);
    usleep(100000);
    const int mtus[] = {9000, 576, 1500, 1280};
    for (size_t i = 0; i < sizeof(mtus) / sizeof(mtus[0]); i++) {
        check_mtu(mtus[i], sink);
        DWORD m = 0;
        CHECK(LintunGetMtu(a, &m));
        CHECK_EQ(m, mtus[i]);
    }
    atomic_store(&stop, true);
    for (int i = 0; i < 3; i++)
        join_within(t[i], 10, "a background thread stopping when asked");
    printf("background: %llu received, %llu sent\n", (unsigned long long)bg_rx,
           (unsigned long long)bg_tx);
    CHECK(bg_rx > 100 && bg_tx > 100);
    CHECK_EQ(bad_err, 0);
    CHECK_EQ(malformed, 0);
    close(sink);
    close(drop);
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    baseline_check(b);
    return test_done();
}
