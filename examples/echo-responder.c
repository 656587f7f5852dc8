/* SPDX-License-Identifier: MIT */
/*
 * echo-responder - answer the pings the system routes into an adapter.
 *
 *     echo-responder [NAME] [--addr 10.8.0.1/24] [--addr fd00:8::1/64]
 *                    [--count N] [--quiet]
 *
 * It creates the adapter NAME (default "Echo"), gives it the --addr
 * addresses and answers every ICMP echo request (IPv4 type 8, ICMPv6 type
 * 128) that comes out of it: addresses swapped, type turned into a reply,
 * checksums fixed, sent back in. The system routes the whole subnet of an
 * address into the adapter, so with 10.8.0.1/24 `ping 10.8.0.2` (any peer in
 * the subnet) is answered, from 10.8.0.2. Other packets are counted and
 * ignored. SIGINT/SIGTERM or --count N replies end it and remove the adapter.
 *
 * The receive loop is built for latency and throughput: it keeps calling
 * WintunReceivePacket() for a short while after the ring runs dry before it
 * sleeps in poll(), so a steady stream of packets never pays for a wake-up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "wintun.h"

#define RING_CAPACITY 0x400000
#define MAX_ADDRESSES 16
/* How long the loop keeps polling the ring after it ran dry, before it
 * sleeps: a few round trips' worth, small enough not to burn an idle CPU. */
#define SPIN_NS 50000
#define REPLY_HOP_LIMIT 64

/* What the packet handlers return besides a reply's length. */
#define VERDICT_IGNORE 0
#define VERDICT_BAD_CHECKSUM (-1)

struct options {
    WCHAR name[MAX_ADAPTER_NAME];
    LINTUN_IP_ADDRESS addresses[MAX_ADDRESSES];
    unsigned address_count;
    unsigned long long want; /* --count; 0 runs until a signal */
    bool quiet;
};

struct counters {
    unsigned long long replies, ignored, bad_checksum, ring_full;
};

/* The signal handler's only way out: a flag the loop tests between packets
 * and an eventfd that wakes it from poll(), so no signal can slip in
 * between the test and the sleep. */
static volatile sig_atomic_t stop_requested;
static int stop_fd = -1;

/* ---------------------------------------------------------------------
 * Logging
 * ------------------------------------------------------------------ */

static char level_mark(WINTUN_LOGGER_LEVEL level)
{
    return level == WINTUN_LOG_ERR ? '!' : level == WINTUN_LOG_WARN ? '-' : '+';
}

static void WINAPI console_logger(WINTUN_LOGGER_LEVEL level, DWORD64 timestamp,
                                  const WCHAR *message)
{
    (void)timestamp;
    fprintf(stderr, "echo-responder: [%c] %ls\n", level_mark(level), message);
}

static void log_error(const char *what)
{
    DWORD error = GetLastError();

    fprintf(stderr, "echo-responder: [!] %s (Code 0x%08X)\n", what, error);
}

/* ---------------------------------------------------------------------
 * Checksums and packet rewriting: pure functions over bytes
 * ------------------------------------------------------------------ */

static uint16_t get16(const BYTE *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void put16(BYTE *p, uint16_t v)
{
    p[0] = (BYTE)(v >> 8);
    p[1] = (BYTE)v;
}

/* Add data to a running one's-complement sum (RFC 1071). A 32-bit sum
 * cannot overflow for packets up to 64 KiB plus a pseudo-header. */
static uint32_t sum16(const BYTE *data, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(data + i);
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Update a stored checksum for one 16-bit word changing from old_word to
 * new_word (RFC 1624, eqn. 3): no pass over the payload is needed. */
static void checksum_replace(BYTE *field, uint16_t old_word, uint16_t new_word)
{
    uint32_t sum = (uint16_t)~get16(field);

    sum += (uint16_t)~old_word;
    sum += new_word;
    put16(field, (uint16_t)~fold(sum));
}

static void swap_bytes(BYTE *a, BYTE *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        BYTE t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* Turn an IPv4 ICMP echo request into its reply, in place. Returns the
 * reply's length, VERDICT_IGNORE or VERDICT_BAD_CHECKSUM. */
static int reply_ipv4(BYTE *p, DWORD size)
{
    unsigned header = (p[0] & 0xfu) * 4, total;
    BYTE *icmp;

    if (size < 20 || header < 20)
        return VERDICT_IGNORE;
    total = get16(p + 2);
    /* Fragments are left alone: reassembly is the system's job, not ours.
     * Requests to multicast or broadcast would get a reply from that group. */
    if (total < header + 8 || total > size || p[9] != IPPROTO_ICMP || (get16(p + 6) & 0x3fff) ||
        p[16] >= 224)
        return VERDICT_IGNORE;
    icmp = p + header;
    if (icmp[0] != 8 || icmp[1] != 0)
        return VERDICT_IGNORE;
    if (fold(sum16(icmp, total - header, 0)) != 0xffff)
        return VERDICT_BAD_CHECKSUM;
    swap_bytes(p + 12, p + 16, 4);
    p[8] = REPLY_HOP_LIMIT;
    put16(p + 10, 0);
    put16(p + 10, (uint16_t)~fold(sum16(p, header, 0)));
    icmp[0] = 0; /* echo reply */
    checksum_replace(icmp + 2, 8 << 8, 0);
    return (int)total;
}

/* The ICMPv6 checksum covers a pseudo-header: source, destination, the
 * upper-layer length and the next header value (RFC 8200, 8.1). */
static uint32_t ipv6_pseudo_sum(const BYTE *p, unsigned payload_len)
{
    return sum16(p + 8, 32, 0) + payload_len + IPPROTO_ICMPV6;
}

/* Turn an ICMPv6 echo request (128) into its reply (129), in place. Only
 * requests with ICMPv6 right after the fixed header: ping sends no
 * extension headers. Returns as reply_ipv4(). */
static int reply_ipv6(BYTE *p, DWORD size)
{
    unsigned payload_len;
    BYTE *icmp = p + 40;

    if (size < 48)
        return VERDICT_IGNORE;
    payload_len = get16(p + 4);
    /* Multicast destinations (ff00::/8) are not ours to answer. */
    if (p[6] != IPPROTO_ICMPV6 || payload_len < 8 || 40 + payload_len > size || p[24] == 0xff)
        return VERDICT_IGNORE;
    if (icmp[0] != 128 || icmp[1] != 0)
        return VERDICT_IGNORE;
    if (fold(sum16(icmp, payload_len, ipv6_pseudo_sum(p, payload_len))) != 0xffff)
        return VERDICT_BAD_CHECKSUM;
    /* Swapping source and destination leaves the pseudo-header's sum as it
     * was, so only the type change needs accounting for. */
    swap_bytes(p + 8, p + 24, 16);
    p[7] = REPLY_HOP_LIMIT;
    icmp[0] = 129;
    checksum_replace(icmp + 2, 128 << 8, 129 << 8);
    return (int)(40 + payload_len);
}

static int make_reply(BYTE *p, DWORD size)
{
    if (size == 0)
        return VERDICT_IGNORE;
    switch (p[0] >> 4) {
    case 4:
        return reply_ipv4(p, size);
    case 6:
        return reply_ipv6(p, size);
    default:
        return VERDICT_IGNORE;
    }
}

/* ---------------------------------------------------------------------
 * The session loop
 * ------------------------------------------------------------------ */

static void print_reply(const BYTE *p)
{
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
    int v6 = p[0] >> 4 == 6;
    const BYTE *icmp = v6 ? p + 40 : p + (p[0] & 0xfu) * 4;

    /* The reply goes from dst to src: print the request's direction. */
    inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? p + 24 : p + 16, src, sizeof(src));
    inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? p + 8 : p + 12, dst, sizeof(dst));
    printf("Answered IPv%d echo request from %s to %s, seq %u\n", v6 ? 6 : 4, src, dst,
           get16(icmp + 6));
}

/* Copy the reply into the send ring. A full ring drops it, as a congested
 * link would; the pinger just sees a lost reply. */
static bool send_reply(WINTUN_SESSION_HANDLE session, const BYTE *reply, int len,
                       struct counters *c)
{
    BYTE *out = WintunAllocateSendPacket(session, (DWORD)len);

    if (!out) {
        if (GetLastError() == ERROR_BUFFER_OVERFLOW) {
            c->ring_full++;
            return true;
        }
        log_error("Packet write failed");
        return false;
    }
    memcpy(out, reply, (size_t)len);
    WintunSendPacket(session, out);
    c->replies++;
    return true;
}

/* Handle one received packet; false on a fatal session error. The received
 * packet is ours to modify until released, so the reply is built in place. */
static bool handle_packet(WINTUN_SESSION_HANDLE session, BYTE *p, DWORD size,
                          const struct options *o, struct counters *c)
{
    int verdict = make_reply(p, size);

    if (verdict == VERDICT_IGNORE) {
        c->ignored++;
        return true;
    }
    if (verdict == VERDICT_BAD_CHECKSUM) {
        c->bad_checksum++;
        return true;
    }
    if (!o->quiet)
        print_reply(p);
    return send_reply(session, p, verdict, c);
}

static long long elapsed_ns(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000000000LL + (now.tv_nsec - since->tv_nsec);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* WintunReceivePacket(), retried for up to SPIN_NS while the ring is empty.
 * NULL with the last error set as WintunReceivePacket() left it. */
static BYTE *receive_spinning(WINTUN_SESSION_HANDLE session, DWORD *size)
{
    struct timespec start = {0};
    bool timing = false;

    for (;;) {
        BYTE *packet = WintunReceivePacket(session, size);

        if (packet || GetLastError() != ERROR_NO_MORE_ITEMS || stop_requested)
            return packet;
        if (!timing) {
            clock_gettime(CLOCK_MONOTONIC, &start);
            timing = true;
        } else if (elapsed_ns(&start) >= SPIN_NS) {
            return NULL;
        }
        cpu_relax();
    }
}

/* Sleep until packets may be ready or a signal asks to stop. */
static bool wait_for_packets(int read_fd)
{
    struct pollfd fds[2] = {{.fd = read_fd, .events = POLLIN}, {.fd = stop_fd, .events = POLLIN}};

    if (poll(fds, 2, -1) < 0 && errno != EINTR) {
        fprintf(stderr, "echo-responder: [!] poll: %s\n", strerror(errno));
        return false;
    }
    return true;
}

/* Serve until a signal, --count replies, or a session error (returns 1). */
static int serve(WINTUN_SESSION_HANDLE session, const struct options *o, struct counters *c)
{
    int read_fd = LintunGetReadWaitFd(session);

    while (!stop_requested && (!o->want || c->replies < o->want)) {
        DWORD size;
        BYTE *packet = receive_spinning(session, &size);
        bool ok;

        if (packet) {
            ok = handle_packet(session, packet, size, o, c);
            WintunReleaseReceivePacket(session, packet);
        } else if (GetLastError() == ERROR_NO_MORE_ITEMS) {
            ok = stop_requested || wait_for_packets(read_fd);
        } else {
            log_error("Packet read failed");
            ok = false;
        }
        if (!ok)
            return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Setup
 * ------------------------------------------------------------------ */

static void on_signal(int sig)
{
    uint64_t one = 1;
    ssize_t unused;

    (void)sig;
    stop_requested = 1;
    unused = write(stop_fd, &one, sizeof(one));
    (void)unused;
}

static bool install_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};

    stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd < 0)
        return false;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGINT, &sa, NULL) == 0 && sigaction(SIGTERM, &sa, NULL) == 0;
}

static bool add_addresses(WINTUN_ADAPTER_HANDLE adapter, const struct options *o)
{
    for (unsigned i = 0; i < o->address_count; i++) {
        char text[64];

        if (!LintunAddAddress(adapter, &o->addresses[i])) {
            log_error("Failed to add an address");
            return false;
        }
        if (LintunFormatAddress(&o->addresses[i], text, sizeof(text)))
            fprintf(stderr, "echo-responder: [+] Added address %s\n", text);
    }
    return true;
}

static void announce(WINTUN_ADAPTER_HANDLE adapter, const struct options *o)
{
    LINTUN_ADAPTER_INFO info;

    if (!LintunGetAdapterInfo(adapter, &info))
        snprintf(info.IfName, sizeof(info.IfName), "?");
    fprintf(stderr,
            "echo-responder: [+] Answering echo requests on interface %s (adapter \"%ls\")\n",
            info.IfName, o->name);
}

static void print_summary(const struct counters *c)
{
    fprintf(stderr,
            "echo-responder: [+] %llu replies sent, %llu packets ignored, %llu with a bad "
            "checksum, %llu dropped on a full ring\n",
            c->replies, c->ignored, c->bad_checksum, c->ring_full);
}

static int run_session(WINTUN_ADAPTER_HANDLE adapter, const struct options *o)
{
    struct counters c = {0};
    WINTUN_SESSION_HANDLE session = WintunStartSession(adapter, RING_CAPACITY);
    int rc;

    if (!session) {
        log_error("Failed to start a session");
        return 1;
    }
    announce(adapter, o);
    rc = serve(session, o, &c);
    /* Ending the session writes out replies still held back for batching. */
    WintunEndSession(session);
    print_summary(&c);
    return rc;
}

static int run(const struct options *o)
{
    WINTUN_ADAPTER_HANDLE adapter;
    int rc = 1;

    if (!install_signals()) {
        fprintf(stderr, "echo-responder: [!] Cannot set up signals: %s\n", strerror(errno));
        return 1;
    }
    /* A random GUID: a fixed one would keep two responders (with different
     * names) from running side by side in one namespace. */
    adapter = WintunCreateAdapter(o->name, L"Echo responder", NULL);
    if (!adapter) {
        log_error("Failed to create adapter");
        return 1;
    }
    if (add_addresses(adapter, o))
        rc = run_session(adapter, o);
    WintunCloseAdapter(adapter);
    return rc;
}

/* ---------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------ */

static void usage(FILE *out, const char *argv0)
{
    fprintf(out,
            "usage: %s [NAME] [--addr ADDRESS/PREFIX]... [--count N] [--quiet]\n"
            "Creates the adapter NAME (default \"Echo\") and answers every ICMP echo\n"
            "request (IPv4 and IPv6) the system routes into it.\n"
            "  -a, --addr A/P   add this address to the adapter (repeatable)\n"
            "  -n, --count N    exit after N replies\n"
            "  -q, --quiet      do not print each reply\n",
            argv0);
}

static bool parse_option(int c, const char *arg, struct options *o)
{
    char *end;

    switch (c) {
    case 'a':
        if (o->address_count == MAX_ADDRESSES)
            return false;
        return LintunParseAddress(arg, &o->addresses[o->address_count++]);
    case 'n':
        errno = 0;
        o->want = strtoull(arg, &end, 10);
        return !errno && !*end && end != arg && o->want > 0 && arg[0] != '-';
    case 'q':
        o->quiet = true;
        return true;
    default:
        return false;
    }
}

static bool parse_args(int argc, char **argv, struct options *o)
{
    static const struct option long_options[] = {{"addr", required_argument, NULL, 'a'},
                                                 {"count", required_argument, NULL, 'n'},
                                                 {"quiet", no_argument, NULL, 'q'},
                                                 {"help", no_argument, NULL, 'h'},
                                                 {NULL, 0, NULL, 0}};
    const char *name = "Echo";
    int c;

    while ((c = getopt_long(argc, argv, "a:n:qh", long_options, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout, argv[0]);
            exit(0);
        }
        if (!parse_option(c, optarg, o)) {
            fprintf(stderr, "%s: bad option -%c %s\n", argv[0], c, optarg ? optarg : "");
            return false;
        }
    }
    if (optind < argc)
        name = argv[optind++];
    if (optind < argc)
        return false;
    /* The adapter name is converted with the locale's charset. */
    return mbstowcs(o->name, name, MAX_ADAPTER_NAME) < MAX_ADAPTER_NAME;
}

int main(int argc, char **argv)
{
    static struct options o;
    const char *locale = setlocale(LC_CTYPE, "");

    if (!locale || !strcmp(locale, "C") || !strcmp(locale, "POSIX"))
        setlocale(LC_CTYPE, "C.UTF-8");
    if (!parse_args(argc, argv, &o)) {
        usage(stderr, argv[0]);
        return 2;
    }
    /* Replies printed one per line, even into a pipe or a file. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    WintunSetLogger(console_logger);
    return run(&o);
}
