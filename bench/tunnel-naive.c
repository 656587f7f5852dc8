/* SPDX-License-Identifier: MIT */
/*
 * tunnel-naive - the IP-over-UDP tunnel a user writes first: a raw TUN queue
 * (IFF_TUN|IFF_NO_PI, no offload), one UDP socket, two threads, one read()
 * and one sendto() per packet one way, one recvfrom() and one write() per
 * packet the other. The framing of examples/udp-tunnel and socat: one IP
 * packet per datagram.
 *
 * Usage: tunnel-naive LOCAL_IPV4 PORT PEER_IPV4 PORT
 * Runs in the caller's network namespace; creates the interface "btun"
 * (addresses, MTU and link state are the caller's to set), prints "ready",
 * and on SIGTERM one JSON line with the packets each way.
 */
#include "bench.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct naive {
    int tun, sock;
    struct sockaddr_in peer;
    uint64_t out, in, errors;
};

static void *tun_to_socket(void *arg)
{
    struct naive *n = arg;
    static uint8_t buf[65536];
    for (;;) {
        ssize_t len = read(n->tun, buf, sizeof(buf));
        if (len <= 0)
            continue;
        if (sendto(n->sock, buf, (size_t)len, 0, (struct sockaddr *)&n->peer, sizeof(n->peer)) < 0)
            n->errors++;
        else
            n->out++;
    }
    return NULL;
}

static void *socket_to_tun(void *arg)
{
    struct naive *n = arg;
    static uint8_t buf[65536];
    for (;;) {
        ssize_t len = recvfrom(n->sock, buf, sizeof(buf), 0, NULL, NULL);
        if (len <= 0)
            continue;
        if (write(n->tun, buf, (size_t)len) < 0)
            n->errors++;
        else
            n->in++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static struct naive n;
    struct sockaddr_in local = {.sin_family = AF_INET};
    pthread_t t1, t2;
    sigset_t set;

    if (argc != 5) {
        fprintf(stderr, "usage: %s LOCAL_IPV4 PORT PEER_IPV4 PORT\n", argv[0]);
        return 2;
    }
    signals_block(&set);
    n.peer.sin_family = AF_INET;
    if (inet_pton(AF_INET, argv[1], &local.sin_addr) != 1 ||
        inet_pton(AF_INET, argv[3], &n.peer.sin_addr) != 1)
        return 2;
    local.sin_port = htons((uint16_t)atoi(argv[2]));
    n.peer.sin_port = htons((uint16_t)atoi(argv[4]));
    n.tun = tun_open(0);
    n.sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (n.sock < 0 || bind(n.sock, (struct sockaddr *)&local, sizeof(local)) < 0)
        die("socket");
    if (pthread_create(&t1, NULL, tun_to_socket, &n) ||
        pthread_create(&t2, NULL, socket_to_tun, &n))
        die("pthread_create");
    say_ready();
    signals_wait(&set);
    printf("{\"out\": %llu, \"in\": %llu, \"errors\": %llu}\n", (unsigned long long)n.out,
           (unsigned long long)n.in, (unsigned long long)n.errors);
    fflush(stdout);
    _exit(0);
}
