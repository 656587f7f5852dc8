/* SPDX-License-Identifier: MIT */
/*
 * Helpers for tests that move traffic inside their own network namespace;
 * the kernel's UDP sockets come from common/udp.h.
 */
#ifndef LINTUN_TEST_NET_H
#define LINTUN_TEST_NET_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <time.h>
#include "harness.h"
#include "../common/udp.h"

/* Run a shell command built with printf-style arguments; its exit status. */
static inline __attribute__((format(printf, 1, 2))) int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int r = system(cmd);
    return r == -1 ? -1 : WEXITSTATUS(r);
}

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The kernel's count of packets dropped on their way out of @ifname (its
 * queue to the session was full), from `ip -s -j link`; -1 if unreadable. */
static inline long long link_tx_dropped(const char *ifname)
{
    char buf[4096], cmd[128];
    snprintf(cmd, sizeof(cmd), "ip -s -j link show dev %s", ifname);
    FILE *f = popen(cmd, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        pclose(f);
    buf[n] = 0;
    char *p = strstr(buf, "\"tx\":{");
    p = p ? strstr(p, "\"dropped\":") : NULL;
    return p ? atoll(p + 10) : -1;
}

/* Send one packet through a session: allocate (required to succeed), copy, send. */
static inline void session_send(WINTUN_SESSION_HANDLE s, const void *pkt, size_t n)
{
    BYTE *p = WintunAllocateSendPacket(s, (DWORD)n);
    REQUIRE(p);
    memcpy(p, pkt, n);
    WintunSendPacket(s, p);
}

/*
 * Receives count datagrams of len bytes on fd, each with payload byte j of
 * datagram i equal to (uint8_t)(i + j), for i from first on (checked at
 * both ends); the first that is missing or wrong fails the test.
 */
static inline void udp_expect_sequence(int fd, int first, int count, size_t len)
{
    for (int i = first; i < first + count; i++) {
        uint8_t got[2048];
        ssize_t r = recv_timeout(fd, got, sizeof(got), 1000);
        if (r != (ssize_t)len || got[0] != (uint8_t)i || got[len - 1] != (uint8_t)(i + len - 1)) {
            FAILF("datagram %d: got %zd bytes starting %d", i, r, r > 0 ? got[0] : -1);
            return;
        }
    }
}

/*
 * Receive the next packet of a session that matches (IP protocol, UDP/TCP
 * destination port), waiting up to ms. Copies it to out; returns its length
 * or -1. Other packets (IPv6 router solicitations and the like) are skipped.
 */
static inline long session_recv_match(WINTUN_SESSION_HANDLE s, int proto, int dport, uint8_t *out,
                                      int ms)
{
    double end = now_ms() + ms;
    while (now_ms() < end) {
        DWORD n;
        BYTE *p = WintunReceivePacket(s, &n);
        if (!p) {
            if (GetLastError() != ERROR_NO_MORE_ITEMS)
                return -1;
            WaitForSingleObject(WintunGetReadWaitEvent(s), 20);
            continue;
        }
        int v = p[0] >> 4, hl = v == 4 ? (p[0] & 15) * 4 : 40;
        int pr = v == 4 ? p[9] : p[6];
        bool hit = pr == proto && n >= (DWORD)hl + 4 && ((p[hl + 2] << 8) | p[hl + 3]) == dport;
        if (hit)
            memcpy(out, p, n);
        WintunReleaseReceivePacket(s, p);
        if (hit)
            return (long)n;
    }
    return -1;
}

/* Fork a creator that makes adapter `name`, then waits to be killed. */
static inline pid_t spawn_creator(const WCHAR *name)
{
    int pipefd[2];
    REQUIRE(pipe2(pipefd, O_CLOEXEC) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(name, L"Test", NULL);
        char c = a ? 'y' : 'n';
        if (write(pipefd[1], &c, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    char c = 0;
    struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
    if (poll(&p, 1, (int)(10000 * test_slowdown())) != 1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fprintf(stderr, "timed out after 10 s: the forked creator did not report its adapter\n");
        exit(1);
    }
    REQUIRE(read(pipefd[0], &c, 1) == 1 && c == 'y');
    close(pipefd[0]);
    close(pipefd[1]);
    return pid;
}

/* Poll until the interface is gone, up to ms; whether it went. */
static inline bool link_gone_within(const char *ifname, double ms)
{
    double end = now_ms() + ms;
    do {
        if (sh("ip link show '%s' >/dev/null 2>&1", ifname) != 0)
            return true;
        usleep(2000);
    } while (now_ms() < end);
    return false;
}

#endif
