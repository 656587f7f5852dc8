/* SPDX-License-Identifier: MIT */
/*
 * For tests whose scenario could crash the program (a use of memory the
 * library freed too early): the scenario runs in a child process, so a crash
 * fails the test with the signal's name instead of killing the runner. Also
 * a UDP round trip through a session: a datagram the system sends into the
 * adapter, received and kept, and answered by sending it back with
 * addresses and ports swapped (both checksums stay valid).
 */
#ifndef LINTUN_TEST_SCENARIO_H
#define LINTUN_TEST_SCENARIO_H

#include <signal.h>
#include <sys/wait.h>
#include "net.h"
#include "../common/csum.h"

/* Run fn() in a child; its exit status, 1 when it dies by a signal or hangs. */
static inline int run_in_child(int (*fn)(void), int deadline_s)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0)
        exit(fn()); /* exit, not _exit: sanitizers report leaks at exit */
    for (int i = 0; i < deadline_s * 100; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            if (WIFSIGNALED(st)) {
                fprintf(stderr, "the scenario died of signal %d (%s)\n", WTERMSIG(st),
                        strsignal(WTERMSIG(st)));
                return 1;
            }
            return WEXITSTATUS(st);
        }
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fprintf(stderr, "the scenario did not finish within %d s\n", deadline_s);
    return 1;
}

/* Give the adapter an IPv4 address ("10.9.0.1/24"), or fail. */
static inline void add_address(WINTUN_ADAPTER_HANDLE a, const char *text)
{
    LINTUN_IP_ADDRESS addr;
    REQUIRE(LintunParseAddress(text, &addr));
    REQUIRE(LintunAddAddress(a, &addr));
}

/*
 * Wait up to ms for an IPv4 UDP packet to dport; return it without
 * releasing it (other packets are released), or NULL.
 */
static inline BYTE *receive_udp_kept(WINTUN_SESSION_HANDLE s, int dport, DWORD *size, int ms)
{
    double end = now_ms() + ms;
    while (now_ms() < end) {
        BYTE *p = WintunReceivePacket(s, size);
        if (!p) {
            if (GetLastError() != ERROR_NO_MORE_ITEMS)
                return NULL;
            WaitForSingleObject(WintunGetReadWaitEvent(s), 20);
            continue;
        }
        int hl = (p[0] & 15) * 4;
        if ((p[0] >> 4) == 4 && p[9] == 17 && *size >= (DWORD)hl + 8 &&
            ((p[hl + 2] << 8) | p[hl + 3]) == dport)
            return p;
        WintunReleaseReceivePacket(s, p);
    }
    return NULL;
}

/*
 * Send @text from socket @fd to @to:@port, receive it through the session
 * and keep it (not released); a copy of it goes to @copy (256 bytes), its
 * size to *@n.
 */
static inline BYTE *hold_datagram(WINTUN_SESSION_HANDLE s, int fd, const char *to, int port,
                                  const char *text, DWORD *n, BYTE copy[256])
{
    size_t len = strlen(text);
    REQUIRE(udp4_send(fd, to, port, text, len) == (int)len);
    BYTE *held = receive_udp_kept(s, port, n, 2000);
    REQUIRE(held);
    REQUIRE(*n <= 256);
    memcpy(copy, held, *n);
    return held;
}

/* A 28-byte IPv4 UDP packet without payload, UDP checksum 0 (none). */
static inline void udp4_packet(BYTE p[28], const char *src, int sport, const char *dst, int dport)
{
    memset(p, 0, 28);
    p[0] = 0x45;
    p[3] = 28;
    p[8] = 64;
    p[9] = 17;
    inet_pton(AF_INET, src, p + 12);
    inet_pton(AF_INET, dst, p + 16);
    inet_ip4_set_csum(p);
    p[20] = (BYTE)(sport >> 8);
    p[21] = (BYTE)sport;
    p[22] = (BYTE)(dport >> 8);
    p[23] = (BYTE)dport;
    p[25] = 8;
}

/* Send an IPv4 UDP packet back to where it came from, through the session. */
static inline void send_back(WINTUN_SESSION_HANDLE s, const BYTE *pkt, DWORD n)
{
    BYTE *p = WintunAllocateSendPacket(s, n);
    REQUIRE(p);
    memcpy(p, pkt, n);
    int hl = (p[0] & 15) * 4;
    for (int i = 0; i < 4; i++) {
        BYTE t = p[12 + i];
        p[12 + i] = p[16 + i];
        p[16 + i] = t;
    }
    for (int i = 0; i < 2; i++) {
        BYTE t = p[hl + i];
        p[hl + i] = p[hl + 2 + i];
        p[hl + 2 + i] = t;
    }
    WintunSendPacket(s, p);
}

#endif
