/* SPDX-License-Identifier: MIT */
/*
 * Checksums whose ones'-complement sum needs the last carry fold survive a
 * session, both ways (offload-csum checks the fold alone). Each datagram's
 * payload is chosen so that folding its sum once leaves a carry (the low 16
 * bits end at 0xffff with a carry above them), which only the final fold
 * takes back in.
 * Sending: 20 such UDP datagrams (DF, one flow, 100 bytes each) go through
 * the session, which checks their checksums before merging them (the sum
 * in the grouping lintun uses needs the final fold too), are merged, and
 * the kernel forwards them out of a plain TUN interface, segmenting and
 * checksumming in software: each must arrive as sent (TTL and the IPv4
 * header checksum aside), checksum included, and all 20 merged.
 * Receiving: 20 such datagrams from a kernel socket reach the session with
 * partial checksums (TUN_F_CSUM) that lintun finishes: each must verify and
 * carry its payload intact.
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { COUNT = 20, LEN = 100, FIRST_ID = 0x4000 };
/* High ports: lintun's grouped sum (folded addresses + 17 + length + folded
 * ports and length) reaches 0x10000, so it too can end at 0x1ffff. */
enum { SPORT = 0xfff0, DPORT = 0xfb00 };

static uint32_t fold16(uint64_t x)
{
    while (x >> 16)
        x = (x & 0xffff) + (x >> 16);
    return (uint32_t)x;
}

/* A sum whose first fold carries, so the result needs the final fold. */
static bool needs_final_fold(uint64_t x)
{
    return x > 0xffff && (x & 0xffff) + (x >> 16) > 0xffff;
}

static uint64_t words(const uint8_t *p, size_t n) { return inet_sum(0, p, n); }

/*
 * Payload @pay of LEN bytes for a datagram src:sport -> dst:dport: 0xff but
 * for a 16-bit word at offset 10 (and the index in byte 0), chosen so the
 * whole sum (pseudo-header, UDP header, payload) needs the final fold, and
 * so does the sum in lintun's grouping: folded addresses + protocol +
 * length, then the folded UDP header words, then the folded payload. (Both
 * then come to 1 modulo 0xffff: the checksum is 0xfffe.)
 */
static bool craft(uint8_t *pay, int index, const uint8_t *src, const uint8_t *dst, int sport,
                  int dport)
{
    uint32_t ulen = 8 + LEN;
    uint64_t addrs = words(src, 4) + words(dst, 4);
    uint64_t hdr = (uint64_t)sport + (uint64_t)dport + ulen;
    memset(pay, 0xff, LEN);
    pay[0] = (uint8_t)index;
    for (uint32_t w = 0; w <= 0xffff; w++) {
        wr16(pay + 10, w);
        uint64_t p = words(pay, LEN);
        uint64_t whole = addrs + 17 + ulen + hdr + p;
        uint64_t grouped = fold16(addrs) + 17 + ulen + fold16(hdr) + fold16(p);
        if (needs_final_fold(whole) && needs_final_fold(grouped))
            return true;
    }
    return false;
}

static void send_side(WINTUN_SESSION_HANDLE s, int out_fd)
{
    uint8_t pay[LEN], sent[COUNT][256], got[2048];
    size_t len = 0;
    struct tpkt t;
    tpkt_init_udp4(&t, "10.29.0.2", "10.30.0.2", SPORT, DPORT);
    t.payload = pay;
    t.plen = LEN;
    for (int i = 0; i < COUNT; i++) {
        REQUIRE(craft(pay, i, t.src, t.dst, t.sport, t.dport));
        t.id = (uint16_t)(FIRST_ID + i);
        len = tpkt_build(&t, sent[i]);
        REQUIRE(inet_l4_ok(sent[i], len, 17));
    }
    /* All at once: packets held past the flusher's period go out unmerged. */
    LINTUN_SESSION_STATS before, after;
    REQUIRE(LintunGetSessionStats(s, &before));
    for (int i = 0; i < COUNT; i++)
        session_send(s, sent[i], len);
    DWORD n;
    WintunReceivePacket(s, &n); /* nothing to receive: held sends go out now */
    REQUIRE(LintunGetSessionStats(s, &after));
    CHECK_EQ(after.TxCoalesced - before.TxCoalesced, COUNT);
    int i = 0;
    double end = now_ms() + 2000;
    while (i < COUNT && now_ms() < end) {
        ssize_t r = read(out_fd, got, sizeof(got));
        if (r < 0) {
            usleep(1000);
            continue;
        }
        if (r < 20 || got[9] != 17)
            continue; /* not ours */
        /* Forwarding takes one from the TTL; the kernel fixes the IP checksum. */
        sent[i][8]--;
        inet_ip4_set_csum(sent[i]);
        if ((size_t)r != len || memcmp(got, sent[i], len) != 0)
            FAILF("sent datagram %d: %zd bytes, UDP checksum 0x%04x (sent 0x%04x), payload %s", i,
                  r, be16(got + 26), be16(sent[i] + 26),
                  r == (ssize_t)len && !memcmp(got + 28, sent[i] + 28, LEN) ? "intact"
                                                                            : "changed");
        i++;
    }
    CHECK_EQ(i, COUNT);
}

static void receive_side(WINTUN_SESSION_HANDLE s)
{
    uint8_t src[4], dst[4], pay[LEN], got[2048];
    inet_pton(AF_INET, "10.29.0.1", src);
    inet_pton(AF_INET, "10.29.0.9", dst);
    int sock = udp4_bind("10.29.0.1", SPORT);
    for (int i = 0; i < COUNT; i++) {
        REQUIRE(craft(pay, i, src, dst, SPORT, DPORT));
        REQUIRE(udp4_send(sock, "10.29.0.9", DPORT, pay, LEN) == LEN);
        long n = session_recv_match(s, 17, DPORT, got, 1000);
        if (n != 28 + LEN) {
            FAILF("received datagram %d: %ld bytes, want %d", i, n, 28 + LEN);
            break; /* the rest would only wait 1 s each */
        }
        if (!inet_l4_ok(got, (size_t)n, 17))
            FAILF("received datagram %d: UDP checksum 0x%04x does not verify", i, be16(got + 26));
        if (memcmp(got + 28, pay, LEN) != 0)
            FAILF("received datagram %d: payload changed", i);
    }
    close(sock);
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Fold", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_NO_IPV6, NULL);
    int out_fd = fixture_plain_tun("foldout");
    REQUIRE(sh("ip addr add 10.29.0.1/24 dev Fold && ip addr add 10.30.0.1/24 dev foldout && "
               "ip link set foldout up && sysctl -qw net.ipv4.ip_forward=1") == 0);
    send_side(s, out_fd);
    receive_side(s);
    close(out_fd);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
