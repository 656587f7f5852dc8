/* SPDX-License-Identifier: MIT */
/*
 * echo-naive - answer ICMP and ICMPv6 echo requests routed into a raw TUN
 * interface in NS: one read(), one write() per packet, one thread.
 *
 * Usage: echo-naive NS
 * Prints "ready" once the interface exists; runs until killed.
 */
#include "bench.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s NS\n", argv[0]);
        return 2;
    }
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    netns_enter(argv[1]);
    int fd = tun_open(0);
    say_ready();
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1;
        if (echo_reply(buf, (size_t)n) && write(fd, buf, (size_t)n) < 0)
            perror("write");
    }
}
