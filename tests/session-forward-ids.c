/* SPDX-License-Identifier: MIT */
/*
 * What a coalesced send looks like once the kernel forwards it. Datagrams
 * sent through a session are routed out of a plain TUN interface (no
 * offload, so the kernel segments before handing them over) and read there.
 * With DF set and every IPv4 ID the same, the session merges them and the
 * kernel numbers the IDs from the first one's upwards, with valid header
 * checksums; everything else arrives as sent. Without DF they are not merged
 * and keep their IDs. UDP datagrams, and TCP segments of one stream. This is the one field in which lintun's sends differ from the
 * program's packets (wintun.h, WintunSendPacket(3)).
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include "net.h"
#include "offload-pkt.h"

enum { COUNT = 20, LEN = 100, FIRST_ID = 0xfff8 };

static int plain_tun(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    REQUIRE(fd >= 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    REQUIRE(ioctl(fd, TUNSETIFF, &ifr) == 0);
    return fd;
}

/* Sends COUNT packets (payload bytes i), reads what the kernel forwards. */
static void run(WINTUN_SESSION_HANDLE s, int out_fd, int proto, bool df)
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
    }
    DWORD n;
    WintunReceivePacket(s, &n); /* nothing to receive: held sends go out now */
    REQUIRE(LintunGetSessionStats(s, &after));
    CHECK_EQ(after.TxCoalesced - before.TxCoalesced, df ? COUNT : 0);
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
        uint16_t want_id = (uint16_t)(df ? FIRST_ID + i : FIRST_ID);
        /* Forwarding takes one from the TTL; the kernel fixes the checksum. */
        sent[i][8]--;
        wr16(sent[i] + 4, want_id);
        inet_ip4_set_csum(sent[i]);
        if ((size_t)r != len || memcmp(got, sent[i], len) != 0)
            FAILF("%s %s packet %d: %zd bytes, ID %u, first payload byte %u",
                  proto == 6 ? "TCP" : "UDP", df ? "DF" : "non-DF", i, r,
                  (unsigned)(got[4] << 8 | got[5]), got[len - LEN]);
        i++;
    }
    CHECK_EQ(i, COUNT);
}

int main(void)
{
    require_netns();
    WintunSetLogger(test_logger);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"FwdIds", L"Test", NULL);
    REQUIRE(a);
    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x400000);
    REQUIRE(s);
    int out_fd = plain_tun("fwdout");
    REQUIRE(sh("ip addr add 10.25.0.1/24 dev FwdIds && ip addr add 10.26.0.1/24 dev fwdout && "
               "ip link set fwdout up && sysctl -qw net.ipv4.ip_forward=1") == 0);
    /* The merged runs first: after the unmerged ones the session would write
     * the next packets straight away without trying (the send bypass). */
    run(s, out_fd, 17, true);
    run(s, out_fd, 6, true);
    run(s, out_fd, 17, false);
    run(s, out_fd, 6, false);
    close(out_fd);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return test_done();
}
