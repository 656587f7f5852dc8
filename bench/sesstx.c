/* SPDX-License-Identifier: MIT */
/*
 * sesstx - packets per second from a program into the kernel: the program
 * builds IPv4/UDP packets with 64-byte payloads from 10.77.2.9 to
 * 10.77.1.1:9000 and hands them to a TUN interface in NS, one write() per
 * packet ("naive") or WintunAllocateSendPacket/WintunSendPacket on a session
 * ("lintun[:MODE]"); a UDP socket in NS (udpsink) counts what arrives.
 * A full send ring is waited out (sched_yield and retry), not dropped.
 *
 * By default every packet is the same, IPv4 ID 0 and no UDP checksum: nothing
 * can be merged, so this measures the per-packet path. With "stepping-id"
 * the IDs count up from 0 and the UDP checksum is filled in, as a connected
 * Linux socket sends them: a session may merge such packets.
 *
 * Usage: sesstx NS MODE SECONDS [stepping-id]
 * Prints "ready", starts sending when a line arrives on stdin, sends for
 * SECONDS and prints one JSON line: sent, seconds, pps, ring_full.
 */
#include "lintun-common.h"
#include <arpa/inet.h>
#include <stdbool.h>

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "stepping-id"))) {
        fprintf(stderr, "usage: %s NS naive|lintun[:MODE] SECONDS [stepping-id]\n", argv[0]);
        return 2;
    }
    bool stepping = argc == 5;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    double secs = atof(argv[3]);
    int fd = -1;
    WINTUN_SESSION_HANDLE s = NULL;
    if (!strcmp(argv[2], "naive")) {
        netns_enter(argv[1]);
        fd = tun_open(0);
    } else if (!strncmp(argv[2], "lintun", 6)) {
        const char *mode = argv[2][6] == ':' ? argv[2] + 7 : "default";
        long flags = bench_session_flags(mode);
        if (flags < 0 || flags == LINTUN_SESSION_PASSTHROUGH)
            return 2;
        WintunSetLogger(bench_logger);
        s = bench_session(bench_adapter_in(argv[1]), (DWORD)flags);
    } else {
        return 2;
    }
    uint8_t pkt[128];
    size_t len = udp4_build(pkt, inet_addr("10.77.2.9"), inet_addr("10.77.1.1"), 4000, 9000, 64);
    if (stepping) {
        /* UDP checksum over the pseudo-header, header and payload. */
        uint16_t c = inet_l4_csum(pkt, len, 17);
        pkt[26] = c >> 8;
        pkt[27] = c & 0xff;
    }
    uint16_t id = 0;
    say_ready();
    char line[16];
    if (!fgets(line, sizeof(line), stdin))
        return 1;
    uint64_t sent = 0, full = 0, errors = 0;
    double t0 = now_sec(), end = t0 + secs, t;
    for (;;) {
        for (int i = 0; i < 256; i++) {
            if (stepping) {
                pkt[4] = id >> 8;
                pkt[5] = id & 0xff;
                inet_ip4_set_csum(pkt);
            }
            if (s) {
                BYTE *q = WintunAllocateSendPacket(s, (DWORD)len);
                if (!q) {
                    if (GetLastError() != ERROR_BUFFER_OVERFLOW)
                        goto out;
                    full++;
                    sched_yield();
                    continue;
                }
                memcpy(q, pkt, len);
                WintunSendPacket(s, q);
                sent++;
            } else if (write(fd, pkt, len) == (ssize_t)len) {
                sent++;
            } else {
                errors++;
            }
            id++; /* every packet handed over takes an ID; a full ring retries */
        }
        if ((t = now_sec()) >= end)
            break;
    }
out:
    t = now_sec() - t0;
    printf("{\"sent\": %llu, \"seconds\": %.6f, \"pps\": %.1f, \"ring_full\": %llu, "
           "\"errors\": %llu",
           (unsigned long long)sent, t, sent / t, (unsigned long long)full,
           (unsigned long long)errors);
    if (s) {
        /* Let held-back sends reach the kernel before reading the counters. */
        WaitForSingleObject(WintunGetReadWaitEvent(s), 10);
        printf(", ");
        bench_print_stats("session", s);
    }
    printf("}\n");
    fflush(stdout);
    _exit(0);
}
