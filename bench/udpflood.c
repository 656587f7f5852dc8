/* SPDX-License-Identifier: MIT */
/*
 * udpflood - send UDP datagrams of PAYLOAD bytes to ADDR:PORT as fast as the
 * kernel takes them, 32 at a time with sendmmsg(), for SECONDS.
 *
 * Usage: udpflood ADDR PORT PAYLOAD SECONDS [fixed-id|two-flows]
 * Prints one JSON line: sent, seconds, pps, errors.
 *
 * By default the socket is connected, and Linux numbers its datagrams'
 * IPv4 IDs one by one, as a GSO super-packet's segments are numbered, so a
 * tunnel may merge them. With "fixed-id" the socket is unconnected and sets
 * DF, and Linux gives every datagram ID 0 (RFC 6864 atomic datagrams, as
 * QUIC and DNS servers send them): a tunnel can merge them only by letting
 * the kernel renumber the IDs, which RFC 6864 allows for atomic datagrams
 * and lintun does. "two-flows" is "fixed-id" with every other datagram
 * going to PORT + 1: two flows taking turns datagram by datagram, which no
 * tunnel can merge without reordering them (udpsink ... 2 counts both).
 */
#include "bench.h"
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdbool.h>

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6 ||
        (argc == 6 && strcmp(argv[5], "fixed-id") && strcmp(argv[5], "two-flows"))) {
        fprintf(stderr, "usage: %s ADDR PORT PAYLOAD SECONDS [fixed-id|two-flows]\n", argv[0]);
        return 2;
    }
    bool fixed_id = argc == 6, two_flows = fixed_id && !strcmp(argv[5], "two-flows");
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    size_t plen = (size_t)atoi(argv[3]);
    double secs = atof(argv[4]);
    if (plen > 1400)
        return 2;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &sin.sin_addr);
    int pmtu = IP_PMTUDISC_DO;
    if (fixed_id && setsockopt(s, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
        die("IP_MTU_DISCOVER");
    if (!fixed_id && connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0)
        die("connect");
    enum { BATCH = 32 };
    static uint8_t payload[1400];
    memset(payload, 0x5a, sizeof(payload));
    struct iovec iov = {.iov_base = payload, .iov_len = plen};
    struct mmsghdr msgs[BATCH];
    struct sockaddr_in other = sin;
    other.sin_port = htons((uint16_t)(atoi(argv[2]) + 1));
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
        if (fixed_id) {
            msgs[i].msg_hdr.msg_name = two_flows && i % 2 ? &other : &sin;
            msgs[i].msg_hdr.msg_namelen = sizeof(sin);
        }
    }
    uint64_t sent = 0, errors = 0;
    double t0 = now_sec(), end = t0 + secs, t;
    do {
        int n = sendmmsg(s, msgs, BATCH, 0);
        if (n > 0)
            sent += (uint64_t)n;
        else
            errors++;
    } while ((t = now_sec()) < end);
    t -= t0;
    printf("{\"sent\": %llu, \"seconds\": %.6f, \"pps\": %.1f, \"errors\": %llu}\n",
           (unsigned long long)sent, t, sent / t, (unsigned long long)errors);
    return 0;
}
