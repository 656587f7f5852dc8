/* SPDX-License-Identifier: MIT */
/*
 * echo-lintun - answer ICMP and ICMPv6 echo requests routed into a lintun
 * adapter in NS, written against wintun.h alone: receive, turn the request
 * into a reply in place, copy it into a send packet, send, release, and wait
 * on the read-wait event when nothing is left.
 *
 * Usage: echo-lintun NS [default|no-offload|no-coalesce]
 * Prints "ready" once the session runs; runs until killed.
 */
#include "lintun-common.h"

int main(int argc, char **argv)
{
    long flags = bench_session_flags(argc == 3 ? argv[2] : "default");
    if (argc < 2 || argc > 3 || flags < 0 || flags == LINTUN_SESSION_PASSTHROUGH) {
        fprintf(stderr, "usage: %s NS [default|no-offload|no-coalesce]\n", argv[0]);
        return 2;
    }
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    WintunSetLogger(bench_logger);
    WINTUN_SESSION_HANDLE s = bench_session(bench_adapter_in(argv[1]), (DWORD)flags);
    HANDLE ev = WintunGetReadWaitEvent(s);
    say_ready();
    for (;;) {
        DWORD n;
        BYTE *p = WintunReceivePacket(s, &n);
        if (!p) {
            if (GetLastError() != ERROR_NO_MORE_ITEMS)
                return 1;
            WaitForSingleObject(ev, INFINITE);
            continue;
        }
        /* A received packet is the program's to modify until it is released. */
        if (echo_reply(p, n)) {
            BYTE *q = WintunAllocateSendPacket(s, n);
            if (q) {
                memcpy(q, p, n);
                WintunSendPacket(s, q);
            }
        }
        WintunReleaseReceivePacket(s, p);
    }
}
