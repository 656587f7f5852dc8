/* SPDX-License-Identifier: MIT */
/*
 * udp-tunnel - a point-to-point IP-over-UDP tunnel on the Wintun API.
 *
 *     udp-tunnel --name NAME --address ADDR/PREFIX [--address ...]
 *                --local IP:PORT --peer IP:PORT [--mtu N]
 *
 * Every IP packet the system routes into the adapter NAME goes to the peer
 * in one UDP datagram, nothing added; every datagram from the peer that
 * holds an IP packet goes into the adapter. That is the framing of
 * `socat TUN:... UDP-DATAGRAM:...`, so either end may be socat. It prints
 * "ready" on stdout once packets flow, runs until SIGINT or SIGTERM and
 * prints its counters on stderr at exit. There is no encryption and no
 * authentication: docs/tunnel.md walks through the code and says what a
 * real VPN adds. Needs CAP_NET_ADMIN.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sendmmsg, recvmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wintun.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* <linux/udp.h>: UDP GSO, Linux 4.18 */
#endif
#ifndef UDP_GRO
#define UDP_GRO 104 /* <linux/udp.h>: UDP GRO, Linux 5.0 */
#endif

#define RING_CAPACITY 0x800000 /* 8 MiB each way */
#define MAX_ADDRESSES 8
#define TX_BATCH 256           /* packets taken from the adapter per sendmmsg() */
#define GSO_MAX_SEGMENTS 64    /* the kernel's UDP_MAX_SEGMENTS */
#define GSO_MAX_BYTES 65000    /* a UDP datagram's payload stays below 64 KiB */
#define RX_BATCH 64            /* datagrams per recvmmsg() */
#define RX_BUFFER 65536        /* one datagram, or one GRO train of them */
#define SOCKET_BUFFER 0x400000 /* 4 MiB: rides out bursts while a thread is off CPU */

union address {
    struct sockaddr sa;
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
};

struct tunnel {
    WINTUN_SESSION_HANDLE session;
    int sock, quit_fd, done_fd;
    union address peer;
    socklen_t peer_len;
    bool gso; /* false once the kernel refused UDP GSO */
    /* Counters, each written by one thread only and read by main once the
     * threads are joined: no atomics needed. */
    unsigned long long tx_packets, tx_bytes, tx_calls, tx_gso, tx_errors; /* adapter -> peer */
    unsigned long long rx_packets, rx_bytes, rx_datagrams, rx_calls, rx_not_ip, rx_ring_full;
};

static void WINAPI logger(WINTUN_LOGGER_LEVEL level, DWORD64 timestamp, const WCHAR *message)
{
    if (level != WINTUN_LOG_INFO)
        fprintf(stderr, "lintun: %ls\n", message);
}

/* Tell main that this thread gave up, so the program ends. */
static void *thread_failed(struct tunnel *t, const char *what)
{
    uint64_t one = 1;

    fprintf(stderr, "udp-tunnel: %s: %s\n", what, strerror(errno));
    if (write(t->done_fd, &one, sizeof(one)) < 0)
        abort();
    return NULL;
}

/* ---------------------------------------------------------------------
 * Adapter -> socket
 * ------------------------------------------------------------------ */

struct tx_batch {
    BYTE *packet[TX_BATCH];
    DWORD size[TX_BATCH];
    unsigned count;
    struct iovec iov[TX_BATCH];
    struct mmsghdr msg[TX_BATCH];
    unsigned first[TX_BATCH + 1]; /* msg[m] carries packets first[m] .. first[m+1]-1 */
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } cmsg[TX_BATCH];
};

/* One message per run of packets: a run of equal-sized packets (the last
 * may be shorter) is one UDP GSO send, which the kernel cuts into one
 * datagram per packet; anything else is a datagram of its own. */
static unsigned build_messages(struct tunnel *t, struct tx_batch *b, unsigned from)
{
    unsigned m = 0, i = from;

    while (i < b->count) {
        unsigned j = i + 1;
        size_t bytes = b->size[i];
        struct msghdr *h = &b->msg[m].msg_hdr;

        while (t->gso && j < b->count && j - i < GSO_MAX_SEGMENTS && b->size[j] <= b->size[i] &&
               bytes + b->size[j] <= GSO_MAX_BYTES) {
            bytes += b->size[j];
            if (b->size[j++] < b->size[i])
                break; /* a shorter packet ends the run */
        }
        for (unsigned k = i; k < j; k++)
            b->iov[k] = (struct iovec){.iov_base = b->packet[k], .iov_len = b->size[k]};
        *h = (struct msghdr){.msg_name = &t->peer,
                             .msg_namelen = t->peer_len,
                             .msg_iov = &b->iov[i],
                             .msg_iovlen = j - i};
        if (j - i > 1) {
            struct cmsghdr *c;

            h->msg_control = b->cmsg[m].buf;
            h->msg_controllen = sizeof(b->cmsg[m].buf);
            c = CMSG_FIRSTHDR(h);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            *(uint16_t *)CMSG_DATA(c) = (uint16_t)b->size[i];
        }
        b->first[m++] = i;
        i = j;
    }
    b->first[m] = i;
    return m;
}

/* Send the batch with as few sendmmsg() calls as the kernel takes, then give
 * the packets back to the ring. */
static void send_batch(struct tunnel *t, struct tx_batch *b)
{
    unsigned from = 0;

    while (from < b->count) {
        unsigned n = build_messages(t, b, from);
        int sent = sendmmsg(t->sock, b->msg, n, 0);

        t->tx_calls++;
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && errno == EIO && b->msg[0].msg_hdr.msg_iovlen > 1 && t->gso) {
            /* No checksum offload on the way out: the kernel cannot do GSO. */
            fprintf(stderr, "udp-tunnel: UDP GSO refused, sending datagrams one by one\n");
            t->gso = false;
            continue;
        }
        if (sent < 0) { /* the first message failed: drop it and go on */
            t->tx_errors += b->first[1] - b->first[0];
            sent = 1;
        } else {
            for (int m = 0; m < sent; m++) {
                unsigned packets = b->first[m + 1] - b->first[m];

                t->tx_packets += packets;
                for (unsigned k = b->first[m]; k < b->first[m + 1]; k++)
                    t->tx_bytes += b->size[k];
                if (packets > 1)
                    t->tx_gso++;
            }
        }
        from = b->first[sent];
    }
    for (unsigned k = 0; k < b->count; k++)
        WintunReleaseReceivePacket(t->session, b->packet[k]);
    b->count = 0;
}

static void *adapter_to_socket(void *arg)
{
    struct tunnel *t = arg;
    static struct tx_batch b;
    struct pollfd fds[2] = {{.fd = LintunGetReadWaitFd(t->session), .events = POLLIN},
                            {.fd = t->quit_fd, .events = POLLIN}};

    for (;;) {
        /* Take what the adapter has, up to a batch, without waiting. The
         * packets stay in the ring, unreleased, until they are sent. */
        while (b.count < TX_BATCH &&
               (b.packet[b.count] = WintunReceivePacket(t->session, &b.size[b.count])))
            b.count++;
        if (b.count == TX_BATCH || (b.count && GetLastError() == ERROR_NO_MORE_ITEMS)) {
            send_batch(t, &b);
            continue;
        }
        if (GetLastError() != ERROR_NO_MORE_ITEMS)
            return thread_failed(t, "receiving from the adapter failed");
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            return thread_failed(t, "poll");
        if (fds[1].revents & POLLIN)
            return NULL;
    }
}

/* ---------------------------------------------------------------------
 * Socket -> adapter
 * ------------------------------------------------------------------ */

/* Whether the datagram is one well-formed IPv4 or IPv6 packet. */
static bool is_ip_packet(const BYTE *p, size_t size)
{
    if (size >= 20 && p[0] >> 4 == 4) {
        size_t header = (p[0] & 0xfu) * 4, total = (size_t)p[2] << 8 | p[3];

        return header >= 20 && total >= header && total <= size;
    }
    if (size >= 40 && p[0] >> 4 == 6)
        return 40 + ((size_t)p[4] << 8 | p[5]) <= size;
    return false;
}

/* One WintunSendPacket per inner packet: lintun merges consecutive segments
 * of a flow into super-packets again on the way into the kernel. */
static bool to_adapter(struct tunnel *t, const BYTE *p, size_t size)
{
    BYTE *out;

    if (!is_ip_packet(p, size)) {
        t->rx_not_ip++;
        return true;
    }
    out = WintunAllocateSendPacket(t->session, (DWORD)size);
    if (!out) {
        if (GetLastError() != ERROR_BUFFER_OVERFLOW)
            return false;
        t->rx_ring_full++; /* dropped, as a full link drops */
        return true;
    }
    memcpy(out, p, size);
    WintunSendPacket(t->session, out);
    t->rx_packets++;
    t->rx_bytes += size;
    return true;
}

/* The size of each datagram in a GRO train (UDP_GRO control message), or 0
 * when the kernel handed over a single datagram. */
static size_t gro_size(struct msghdr *h)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
            int size;

            memcpy(&size, CMSG_DATA(c), sizeof(size));
            return size > 0 ? (size_t)size : 0;
        }
    }
    return 0;
}

static void *socket_to_adapter(void *arg)
{
    struct tunnel *t = arg;
    static BYTE buf[RX_BATCH][RX_BUFFER];
    static union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } cmsg[RX_BATCH];
    struct iovec iov[RX_BATCH];
    struct mmsghdr msg[RX_BATCH];
    struct pollfd fds[2] = {{.fd = t->sock, .events = POLLIN},
                            {.fd = t->quit_fd, .events = POLLIN}};

    for (;;) {
        int n;

        for (int i = 0; i < RX_BATCH; i++) {
            iov[i] = (struct iovec){.iov_base = buf[i], .iov_len = RX_BUFFER};
            msg[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i],
                                             .msg_iovlen = 1,
                                             .msg_control = cmsg[i].buf,
                                             .msg_controllen = sizeof(cmsg[i].buf)};
        }
        n = recvmmsg(t->sock, msg, RX_BATCH, MSG_DONTWAIT, NULL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (poll(fds, 2, -1) < 0 && errno != EINTR)
                return thread_failed(t, "poll");
            if (fds[1].revents & POLLIN)
                return NULL;
            continue;
        }
        if (n < 0)
            return thread_failed(t, "recvmmsg");
        t->rx_calls++;
        for (int i = 0; i < n; i++) {
            size_t len = msg[i].msg_len, seg = gro_size(&msg[i].msg_hdr);

            if (!seg)
                seg = len ? len : 1; /* an empty datagram is one, and not IP */
            for (size_t off = 0; off == 0 || off < len; off += seg) {
                size_t size = len - off < seg ? len - off : seg;

                t->rx_datagrams++;
                if (!to_adapter(t, buf[i] + off, size))
                    return thread_failed(t, "sending into the adapter failed");
            }
        }
    }
}

/* ---------------------------------------------------------------------
 * Set-up
 * ------------------------------------------------------------------ */

/* "192.0.2.1:5000" or "[2001:db8::1]:5000". */
static bool parse_endpoint(const char *text, union address *a, socklen_t *len)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(text, ':');
    char *end;
    long port;

    if (!colon || (size_t)(colon - text) >= sizeof(host))
        return false;
    port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 1 || port > 65535)
        return false;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = 0;
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, host, &a->v4.sin_addr) == 1) {
        a->v4.sin_family = AF_INET;
        a->v4.sin_port = htons((uint16_t)port);
        *len = sizeof(a->v4);
        return true;
    }
    if (host[0] == '[' && host[colon - text - 1] == ']') {
        host[colon - text - 1] = 0;
        if (inet_pton(AF_INET6, host + 1, &a->v6.sin6_addr) == 1) {
            a->v6.sin6_family = AF_INET6;
            a->v6.sin6_port = htons((uint16_t)port);
            *len = sizeof(a->v6);
            return true;
        }
    }
    return false;
}

static void set_buffer(int sock, int force, int plain)
{
    int size = SOCKET_BUFFER;

    /* Beyond net.core.[rw]mem_max only with CAP_NET_ADMIN, which we have. */
    if (setsockopt(sock, SOL_SOCKET, force, &size, sizeof(size)) < 0)
        setsockopt(sock, SOL_SOCKET, plain, &size, sizeof(size));
}

static int open_socket(const union address *local, socklen_t len)
{
    int sock = socket(local->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), on = 1;

    if (sock < 0 || bind(sock, &local->sa, len) < 0) {
        perror("udp-tunnel: socket");
        if (sock >= 0)
            close(sock);
        return -1;
    }
    set_buffer(sock, SO_SNDBUFFORCE, SO_SNDBUF);
    set_buffer(sock, SO_RCVBUFFORCE, SO_RCVBUF);
    /* Let the kernel hand over trains of same-sized datagrams in one piece. */
    if (setsockopt(sock, SOL_UDP, UDP_GRO, &on, sizeof(on)) < 0)
        fprintf(stderr, "udp-tunnel: no UDP GRO (%s): one datagram per buffer\n", strerror(errno));
    return sock;
}

/* SIGINT and SIGTERM wait in a signalfd for main; blocked before the threads
 * start, they never interrupt the workers. */
static int block_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    return signalfd(-1, &set, SFD_CLOEXEC);
}

static void print_counters(struct tunnel *t)
{
    fprintf(stderr,
            "udp-tunnel: adapter->peer: %llu packets, %llu bytes, %llu sendmmsg calls, "
            "%llu GSO sends, %llu send errors\n"
            "udp-tunnel: peer->adapter: %llu packets, %llu bytes, %llu datagrams, "
            "%llu recvmmsg calls, %llu not IP (dropped), %llu ring full (dropped)\n",
            t->tx_packets, t->tx_bytes, t->tx_calls, t->tx_gso, t->tx_errors, t->rx_packets,
            t->rx_bytes, t->rx_datagrams, t->rx_calls, t->rx_not_ip, t->rx_ring_full);
}

static int run(struct tunnel *t, int signal_fd)
{
    pthread_t out, in;
    uint64_t one = 1;
    struct pollfd fds[2] = {{.fd = signal_fd, .events = POLLIN},
                            {.fd = t->done_fd, .events = POLLIN}};

    if (pthread_create(&out, NULL, adapter_to_socket, t) != 0)
        return 1;
    if (pthread_create(&in, NULL, socket_to_adapter, t) != 0) {
        if (write(t->quit_fd, &one, sizeof(one)) < 0)
            abort();
        pthread_join(out, NULL);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    while (poll(fds, 2, -1) < 0 && errno == EINTR)
        ;
    if (write(t->quit_fd, &one, sizeof(one)) < 0)
        abort(); /* the threads could never be stopped */
    pthread_join(out, NULL);
    pthread_join(in, NULL);
    print_counters(t);
    return (fds[1].revents & POLLIN) ? 1 : 0;
}

struct options {
    const char *name, *local, *peer;
    const char *address[MAX_ADDRESSES];
    int addresses;
    long mtu;
    union address local_addr, peer_addr;
    socklen_t local_len, peer_len;
};

static WINTUN_ADAPTER_HANDLE create_adapter(const struct options *o)
{
    WCHAR name[MAX_ADAPTER_NAME];
    WINTUN_ADAPTER_HANDLE adapter;

    if (!LintunUtf8ToWide(o->name, name, MAX_ADAPTER_NAME) ||
        !(adapter = WintunCreateAdapter(name, L"udp-tunnel", NULL)))
        return NULL;
    /* The MTU first: inner packets must fit in one outer datagram. */
    if (!LintunSetMtu(adapter, (DWORD)o->mtu))
        goto cleanupAdapter;
    /* Each address with its prefix also routes the prefix, where the peer
     * is, into the adapter (LintunAddRoute() would add more networks). */
    for (int i = 0; i < o->addresses; i++) {
        LINTUN_IP_ADDRESS address;

        if (!LintunParseAddress(o->address[i], &address) || !LintunAddAddress(adapter, &address))
            goto cleanupAdapter;
    }
    return adapter;

cleanupAdapter:
    WintunCloseAdapter(adapter);
    return NULL;
}

static int tunnel(const struct options *o)
{
    static struct tunnel t;
    WINTUN_ADAPTER_HANDLE adapter;
    int signal_fd = block_signals(), rc = 1;

    t.gso = true;
    t.peer = o->peer_addr;
    t.peer_len = o->peer_len;
    t.quit_fd = eventfd(0, EFD_CLOEXEC);
    t.done_fd = eventfd(0, EFD_CLOEXEC);
    if (signal_fd < 0 || t.quit_fd < 0 || t.done_fd < 0) {
        perror("udp-tunnel: signalfd/eventfd");
        return 1;
    }
    t.sock = open_socket(&o->local_addr, o->local_len);
    if (t.sock < 0)
        return 1;
    adapter = create_adapter(o);
    if (!adapter) {
        fprintf(stderr, "udp-tunnel: setting up the adapter failed (error %u)\n", GetLastError());
        goto cleanupSocket;
    }
    t.session = WintunStartSession(adapter, RING_CAPACITY);
    if (!t.session) {
        fprintf(stderr, "udp-tunnel: starting the session failed (error %u)\n", GetLastError());
        goto cleanupAdapter;
    }
    rc = run(&t, signal_fd);
    WintunEndSession(t.session);
cleanupAdapter:
    WintunCloseAdapter(adapter);
cleanupSocket:
    close(t.sock);
    return rc;
}

static int usage(void)
{
    fprintf(stderr, "usage: udp-tunnel --name NAME --address ADDR/PREFIX [--address ...]\n"
                    "                  --local IP:PORT --peer IP:PORT [--mtu N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"name", required_argument, NULL, 'n'},  {"address", required_argument, NULL, 'a'},
        {"local", required_argument, NULL, 'l'}, {"peer", required_argument, NULL, 'p'},
        {"mtu", required_argument, NULL, 'm'},   {0}};
    /* 1500-byte links: 1500 - 40 (IPv6) - 8 (UDP) = 1452 fits either family outside. */
    struct options o = {.mtu = 1452};
    char *end;
    int c;

    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (c == 'n')
            o.name = optarg;
        else if (c == 'a' && o.addresses < MAX_ADDRESSES)
            o.address[o.addresses++] = optarg;
        else if (c == 'l')
            o.local = optarg;
        else if (c == 'p')
            o.peer = optarg;
        else if (c == 'm' && (o.mtu = strtol(optarg, &end, 10)) >= 68 && o.mtu <= 65535 && !*end)
            continue;
        else
            return usage();
    }
    if (optind != argc || !o.name || !o.addresses || !o.local || !o.peer)
        return usage();
    if (!parse_endpoint(o.local, &o.local_addr, &o.local_len) ||
        !parse_endpoint(o.peer, &o.peer_addr, &o.peer_len) ||
        o.local_addr.sa.sa_family != o.peer_addr.sa.sa_family) {
        fprintf(stderr, "udp-tunnel: --local and --peer: IP:PORT or [IPv6]:PORT, one family\n");
        return 2;
    }
    WintunSetLogger(logger);
    return tunnel(&o);
}
