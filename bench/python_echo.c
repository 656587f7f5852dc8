/* SPDX-License-Identifier: MIT */
/*
 * python_echo - the C twin of bench/python_echo.py: the same echo loop
 * (receive, swap the IPv4 source and destination, send back, release; wait
 * on the read-wait event when the ring is empty), so `make bench-python`
 * can put the Python loop's packet rate beside C's.
 *
 * Usage: python_echo SECONDS   (in the current network namespace)
 * Creates adapter "pybench" with 10.77.1.1/24, prints "ready", then counts
 * the packets it echoes during SECONDS from the first one, and prints one
 * JSON line: packets, seconds, pps.
 */
#include "lintun-common.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SECONDS\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[1]);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    WintunSetLogger(bench_logger);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"pybench", L"bench", NULL);
    LINTUN_IP_ADDRESS addr;
    if (!a || !LintunParseAddress("10.77.1.1/24", &addr) || !LintunAddAddress(a, &addr)) {
        fprintf(stderr, "python_echo: adapter setup failed: error %u\n", GetLastError());
        return 1;
    }
    WINTUN_SESSION_HANDLE s = bench_session(a, 0);
    HANDLE ev = WintunGetReadWaitEvent(s);
    say_ready();
    unsigned long long packets = 0;
    double start = 0, end = 0;
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(s, &n);
        if (!p) {
            if (GetLastError() != ERROR_NO_MORE_ITEMS)
                return 1;
            if (start && now_s() >= end)
                break;
            WaitForSingleObject(ev, 100);
            continue;
        }
        if (!start) {
            start = now_s();
            end = start + seconds;
        }
        BYTE *q = n >= 20 ? WintunAllocateSendPacket(s, n) : NULL;
        if (q) {
            memcpy(q, p, n);
            memcpy(q + 12, p + 16, 4);
            memcpy(q + 16, p + 12, 4);
            WintunSendPacket(s, q);
            packets++;
        }
        WintunReleaseReceivePacket(s, p);
        if ((packets & 1023) == 0 && now_s() >= end)
            break;
    }
    double took = now_s() - start;
    printf("{\"mode\": \"c\", \"packets\": %llu, \"seconds\": %.3f, \"pps\": %.1f}\n", packets,
           took, packets / took);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    return 0;
}
