/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the benchmark programs: entering a network namespace,
 * opening a raw TUN queue, the "ready" handshake with the orchestrator
 * (bench/bench.py), and waiting for SIGTERM/SIGINT in the main thread.
 *
 * Every program here is driven by bench.py: it prints "ready" on stdout once
 * its interfaces exist, prints one JSON object with its counters when it is
 * told to stop (SIGTERM or SIGINT), and dies with the orchestrator
 * (PR_SET_PDEATHSIG) so a killed run leaves no forwarder behind.
 */
#ifndef LINTUN_BENCH_H
#define LINTUN_BENCH_H

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <linux/if_tun.h>
#include "../common/csum.h"

/* The name every benchmark gives its TUN interface, in each namespace. */
#define BENCH_IFNAME "btun"

static inline void die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Move the calling thread into a network namespace: a name under /run/netns or a path. */
static inline void netns_enter(const char *ns)
{
    char path[256];
    if (ns[0] == '/')
        snprintf(path, sizeof(path), "%s", ns);
    else
        snprintf(path, sizeof(path), "/run/netns/%s", ns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die(path);
    if (setns(fd, CLONE_NEWNET) < 0)
        die("setns");
    close(fd);
}

/* Open a TUN queue named BENCH_IFNAME in the current namespace; flags beyond IFF_TUN|IFF_NO_PI. */
static inline int tun_open(short extra_flags)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die("/dev/net/tun");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", BENCH_IFNAME);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI | extra_flags;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        die("TUNSETIFF");
    return fd;
}

/* Block SIGTERM/SIGINT in this thread and every thread created after; call first. */
static inline void signals_block(sigset_t *set)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    pthread_sigmask(SIG_BLOCK, set, NULL);
}

static inline void signals_wait(const sigset_t *set)
{
    int sig;
    sigwait(set, &sig);
}

static inline void say_ready(void)
{
    printf("ready\n");
    fflush(stdout);
}

static inline double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Turn an ICMP/ICMPv6 echo request (IPv4 or IPv6, no extension headers) into
 * its reply in place: swap the addresses, change the type, recompute the
 * checksum. Returns 1 when pkt was an echo request, 0 otherwise.
 */
static inline int echo_reply(uint8_t *pkt, size_t len)
{
    uint8_t tmp[16];
    if (len >= 28 && (pkt[0] >> 4) == 4) {
        size_t ihl = (size_t)(pkt[0] & 15) * 4;
        if (pkt[9] != 1 || ihl < 20 || len < ihl + 8 || pkt[ihl] != 8)
            return 0;
        memcpy(tmp, pkt + 12, 4);
        memcpy(pkt + 12, pkt + 16, 4);
        memcpy(pkt + 16, tmp, 4);
        uint8_t *icmp = pkt + ihl;
        size_t ilen = len - ihl;
        icmp[0] = 0;
        icmp[2] = icmp[3] = 0;
        uint16_t c = inet_csum(inet_sum(0, icmp, ilen));
        icmp[2] = c >> 8;
        icmp[3] = c & 0xff;
        return 1;
    }
    if (len >= 48 && (pkt[0] >> 4) == 6) {
        if (pkt[6] != 58 || pkt[40] != 128)
            return 0;
        memcpy(tmp, pkt + 8, 16);
        memcpy(pkt + 8, pkt + 24, 16);
        memcpy(pkt + 24, tmp, 16);
        uint8_t *icmp = pkt + 40;
        size_t ilen = len - 40;
        icmp[0] = 129;
        icmp[2] = icmp[3] = 0;
        uint16_t c = inet_csum(inet_sum(inet_pseudo(pkt, 58, ilen), icmp, ilen));
        icmp[2] = c >> 8;
        icmp[3] = c & 0xff;
        return 1;
    }
    return 0;
}

/*
 * Write a 20-byte IPv4 header and an 8-byte UDP header (checksum 0, allowed
 * for IPv4) for a payload of plen bytes into pkt; returns the packet length.
 */
static inline size_t udp4_build(uint8_t *pkt, uint32_t src, uint32_t dst, uint16_t sport,
                                uint16_t dport, size_t plen)
{
    size_t len = 28 + plen;
    memset(pkt, 0, 28);
    pkt[0] = 0x45;
    pkt[2] = len >> 8;
    pkt[3] = len & 0xff;
    pkt[6] = 0x40; /* DF */
    pkt[8] = 64;
    pkt[9] = 17;
    memcpy(pkt + 12, &src, 4);
    memcpy(pkt + 16, &dst, 4);
    inet_ip4_set_csum(pkt);
    pkt[20] = sport >> 8;
    pkt[21] = sport & 0xff;
    pkt[22] = dport >> 8;
    pkt[23] = dport & 0xff;
    pkt[24] = (8 + plen) >> 8;
    pkt[25] = (8 + plen) & 0xff;
    memset(pkt + 28, 0x5a, plen);
    return len;
}

/* ---- the forwarders (fwd-naive, fwd-vnet, fwd-vnet-uring, fwd-lintun) ---- */

#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

/* Ask for the most offload the kernel accepts (IFF_VNET_HDR queues); returns the flags set. */
static inline unsigned tun_offload(int fd)
{
    unsigned base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    unsigned with_uso = base | TUN_F_USO4 | TUN_F_USO6;
    if (ioctl(fd, TUNSETOFFLOAD, with_uso) == 0)
        return with_uso;
    if (ioctl(fd, TUNSETOFFLOAD, base) < 0)
        die("TUNSETOFFLOAD");
    return base;
}

/* One direction of a raw forwarder: each read() from one queue is written to the other. */
struct raw_dir {
    int from, to;
    uint64_t packets, bytes, errors;
};

static inline void *raw_pump(void *arg)
{
    struct raw_dir *d = arg;
    static __thread uint8_t buf[65536 + 12]; /* a packet, or a virtio_net_hdr and one */
    for (;;) {
        ssize_t n = read(d->from, buf, sizeof(buf));
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        if (write(d->to, buf, (size_t)n) == n) {
            __atomic_add_fetch(&d->packets, 1, __ATOMIC_RELAXED);
            __atomic_add_fetch(&d->bytes, (uint64_t)n, __ATOMIC_RELAXED);
        } else {
            __atomic_add_fetch(&d->errors, 1, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

/* Runs pump(ab) and pump(ba) on two threads, prints "ready", waits for SIGTERM. */
static inline void fwd_run(void *(*pump)(void *), void *ab, void *ba, const sigset_t *set)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, pump, ab);
    pthread_create(&t2, NULL, pump, ba);
    say_ready();
    signals_wait(set);
}

/* The start of a forwarder's JSON line: its counters, and the packets it lost as @lost_name. */
static inline void fwd_print_counts(uint64_t ab_packets, uint64_t ab_bytes, uint64_t ba_packets,
                                    uint64_t ba_bytes, const char *lost_name, uint64_t lost)
{
    printf("{\"ab_packets\": %llu, \"ab_bytes\": %llu, \"ba_packets\": %llu, "
           "\"ba_bytes\": %llu, \"%s\": %llu",
           (unsigned long long)ab_packets, (unsigned long long)ab_bytes,
           (unsigned long long)ba_packets, (unsigned long long)ba_bytes, lost_name,
           (unsigned long long)lost);
}

#endif
