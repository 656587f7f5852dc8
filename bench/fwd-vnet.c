/* SPDX-License-Identifier: MIT */
/*
 * fwd-vnet - raw TUN with IFF_VNET_HDR and segmentation offload on, passing
 * each read (a struct virtio_net_hdr and a packet of up to 64 KiB) to the
 * other queue unchanged: the most a TUN program can get without touching
 * the packets. Two threads, one read() and one write() per super-packet.
 *
 * Usage: fwd-vnet NS_A NS_B
 * Prints "ready" and, on SIGTERM, one JSON line with its counters and the
 * offload flags the kernel accepted.
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
    int a = tun_open(IFF_VNET_HDR);
    unsigned fa = tun_offload(a);
    netns_enter(argv[2]);
    int b = tun_open(IFF_VNET_HDR);
    unsigned fb = tun_offload(b);
    struct raw_dir ab = {.from = a, .to = b}, ba = {.from = b, .to = a};
    fwd_run(raw_pump, &ab, &ba, &set);
    fwd_print_counts(ab.packets, ab.bytes, ba.packets, ba.bytes, "errors", ab.errors + ba.errors);
    printf(", \"offload\": \"0x%x\", \"uso\": %s}\n", fa & fb,
           (fa & fb & TUN_F_USO4) ? "true" : "false");
    fflush(stdout);
    _exit(0);
}
