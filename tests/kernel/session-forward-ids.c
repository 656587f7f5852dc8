/* SPDX-License-Identifier: MIT */
/*
 * What a coalesced send looks like once the kernel forwards it. Datagrams
 * sent through a session are routed out of a plain TUN interface (no
 * offload, so the kernel segments before handing them over) and read there.
 * IDs that count up by one merge (UDP datagrams, and TCP segments of one
 * stream) and arrive exactly as sent. UDP datagrams with DF set and every
 * IPv4 ID the same merge too, and the kernel numbers their IDs from the
 * first one's upwards, with valid header checksums: the one field in which
 * lintun's sends differ from the program's packets (wintun.h,
 * WintunSendPacket(3)). TCP segments of one fixed ID are not merged, since
 * the kernel would renumber them too, and arrive as sent; so does
 * everything without DF whose IDs do not count up.
 * test-rerun: plain
 */
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

enum { COUNT = 20, LEN = 100, FIRST_ID = 0xfff8 };

/* Sends COUNT packets (payload bytes i), reads what the kernel forwards. */
static void run(WINTUN_SESSION_HANDLE s, int out_fd, int proto, bool df, int id_step, bool merged)
{
    uint8_t pay[LEN], pkt[256], sent[COUNT][256], got[2048];
    size_t len = 0;
    struct tpkt t;
    tpkt_init_udp4(&t, "10.25.0.2", "10.26.0.2", 5000, 6000);
    t.proto = proto; /* TCP: tpkt_init's ACK segment, the sequence counts up */
    t.df = df;
    t.id = FIRST_ID;
    t.payload = pay;
    t.plen = LEN;
    LINTUN_SESSION_STATS before, after;
    REQUIRE(LintunGetSessionStats(s, &before));
    for (int i = 0; i < COUNT; i++) {
        memset(pay, i, LEN);
        len = tpkt_build(&t, pkt);
        memcpy(sent[i], pkt, len);
        session_send(s, pkt, len);
        t.seq += LEN;
        t.id = (uint16_t)(t.id + id_step);
    }
    DWORD n;
    WintunReceivePacket(s, &n); /* nothing to receive: held sends go out now */
    /* ...or are going out in the flusher, which the receive does not wait
     * for: the counts are complete once every packet has been written. */
    double until = now_ms() + 2000;
    do
        REQUIRE(LintunGetSessionStats(s, &after));
    while (after.TxPackets - before.TxPackets < COUNT && now_ms() < until && !usleep(1000));
    CHECK_EQ(after.TxPackets - before.TxPackets, COUNT);
    CHECK_EQ(after.TxCoalesced - before.TxCoalesced, merged ? COUNT : 0);
    int i = 0;
    double end = now_ms() + 2000;
    while (i < COUNT && now_ms() < end) {
        ssize_t r = read(out_fd, got, sizeof(got));
        if (r < 0) {
            usleep(1000);
            continue;
        }
        if (r < 20 || got[9] != proto)
            continue; /* not ours */
        uint16_t want_id = (uint16_t)(merged ? FIRST_ID + i : FIRST_ID + id_step * i);
        /* Forwarding takes one from the TTL; the kernel fixes the checksum. */
        sent[i][8]--;
        wr16(sent[i] + 4, want_id);
        inet_ip4_set_csum(sent[i]);
        if ((size_t)r != len || memcmp(got, sent[i], len) != 0)
            FAILF("%s %s step %d packet %d: %zd bytes, ID %u, first payload byte %u",
                  proto == 6 ? "TCP" : "UDP", df ? "DF" : "non-DF", id_step, i, r,
                  (unsigned)(got[4] << 8 | got[5]), got[len - LEN]);
        i++;
    }
    CHECK_EQ(i, COUNT);
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"FwdIds", L"Test", NULL);
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_IPV6, NULL);
    int out_fd = fixture_plain_tun("fwdout");
    REQUIRE(sh("ip addr add 10.25.0.1/24 dev FwdIds && ip addr add 10.26.0.1/24 dev fwdout && "
               "ip link set fwdout up && sysctl -qw net.ipv4.ip_forward=1") == 0);
    /* The merged runs first: after the unmerged ones the session would write
     * the next packets straight away without trying (the send bypass). */
    static const struct {
        int proto;
        bool df;
        int id_step;
        bool merged;
    } cases[] = {
        {17, true, 0, true}, {6, true, 1, true},    {17, false, 1, true},
        {6, true, 0, false}, {17, false, 0, false}, {6, false, 0, false},
    };
    /* The first case that fails ends the test: the others would each wait
     * their 4 s for packets the same fault keeps back. */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !harness_failures; i++)
        run(s, out_fd, cases[i].proto, cases[i].df, cases[i].id_step, cases[i].merged);
    close(out_fd);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
