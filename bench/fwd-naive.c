/* SPDX-License-Identifier: MIT */
/*
 * fwd-naive - the forwarder a user writes first: a raw TUN queue in each of
 * two network namespaces (IFF_TUN|IFF_NO_PI), two threads, one read() and one
 * write() per packet.
 *
 * Usage: fwd-naive NS_A NS_B   (names under /run/netns or paths)
 * Prints "ready" once both interfaces exist, and on SIGTERM one JSON line
 * with the packets and bytes each direction moved.
 */
#include "bench.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s NS_A NS_B\n", argv[0]);
        return 2;
    }
    sigset_t set;
    signals_block(&set);
    netns_enter(argv[1]);
    int a = tun_open(0);
    netns_enter(argv[2]);
    int b = tun_open(0);
    struct raw_dir ab = {.from = a, .to = b}, ba = {.from = b, .to = a};
    fwd_run(raw_pump, &ab, &ba, &set);
    fwd_print_counts(ab.packets, ab.bytes, ba.packets, ba.bytes, "errors", ab.errors + ba.errors);
    printf("}\n");
    fflush(stdout);
    _exit(0);
}
