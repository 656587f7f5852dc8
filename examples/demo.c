/* SPDX-License-Identifier: MIT */
/*
 * demo - the Wintun example program, on Linux.
 *
 * It creates the adapter "Demo" with 10.6.7.7/24, starts a session and runs
 * two threads: one sends an ICMP echo request from 10.6.7.8 (a made-up peer
 * behind the adapter) to 10.6.7.7 once a second, the other prints every
 * packet the system routes into the adapter, so the system's echo replies
 * show up once a second. Ctrl-C (SIGINT) or SIGTERM shuts it down and removes
 * the adapter.
 *
 *     demo [-n N | --count N]
 *
 * With -n N it exits 0 once N echo replies came back, or 1 when they have not
 * after N + 10 seconds. It needs CAP_NET_ADMIN; `make demo` runs it in a
 * network namespace of its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "wintun.h"

/* 100-ns intervals from 1601-01-01 (the logger's epoch) to 1970-01-01. */
#define EPOCH_DIFFERENCE 116444736000000000ULL
#define TICKS_PER_SECOND 10000000ULL

#define RING_CAPACITY 0x400000
#define ECHO_REQUEST_SIZE 28 /* IPv4 header (20) + ICMP echo header (8) */
/* How long -n N waits beyond N seconds before giving up. */
#define COUNT_GRACE_SECONDS 10

static const GUID demo_guid = {
    0xdeadbabe, 0xcafe, 0xbeef, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};

/* What the threads share. */
struct demo {
    WINTUN_SESSION_HANDLE session;
    int quit_fd;         /* eventfd, readable once the threads must stop */
    int done_fd;         /* eventfd, wakes main: -n reached or a thread failed */
    unsigned want;       /* -n N; 0 runs until a signal */
    atomic_uint replies; /* echo replies received */
    atomic_bool failed;  /* a thread stopped on an error */
};

/* ---------------------------------------------------------------------
 * Logging, in the example's format: "YYYY-MM-DD HH:MM:SS.mmmm [+] text"
 * ------------------------------------------------------------------ */

static char level_mark(WINTUN_LOGGER_LEVEL level)
{
    switch (level) {
    case WINTUN_LOG_WARN:
        return '-';
    case WINTUN_LOG_ERR:
        return '!';
    default:
        return '+';
    }
}

/* Format a 1601-based timestamp as UTC; the fraction is milliseconds, padded
 * to four digits as the Windows example prints them. */
static void format_timestamp(DWORD64 timestamp, char *buf, size_t size)
{
    DWORD64 since_1970 = timestamp > EPOCH_DIFFERENCE ? timestamp - EPOCH_DIFFERENCE : 0;
    time_t seconds = (time_t)(since_1970 / TICKS_PER_SECOND);
    unsigned millis = (unsigned)(since_1970 % TICKS_PER_SECOND / 10000);
    struct tm tm;

    gmtime_r(&seconds, &tm);
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%04u", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

/* The library calls this from any thread; one fprintf per line keeps lines
 * whole, since stdio locks the stream for the call. */
static void WINAPI console_logger(WINTUN_LOGGER_LEVEL level, DWORD64 timestamp,
                                  const WCHAR *message)
{
    char when[48];

    format_timestamp(timestamp, when, sizeof(when));
    fprintf(stderr, "%s [%c] %ls\n", when, level_mark(level), message);
}

static DWORD64 now_timestamp(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (DWORD64)ts.tv_sec * TICKS_PER_SECOND + (DWORD64)ts.tv_nsec / 100 + EPOCH_DIFFERENCE;
}

/* The program's own lines go out in the same format as the library's. */
__attribute__((format(printf, 2, 3))) static void log_line(WINTUN_LOGGER_LEVEL level,
                                                           const char *fmt, ...)
{
    char message[1024], when[48];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    format_timestamp(now_timestamp(), when, sizeof(when));
    fprintf(stderr, "%s [%c] %s\n", when, level_mark(level), message);
}

/* Text for the Windows codes the API sets, as Windows would word them. */
static const char *error_text(DWORD error)
{
    switch (error) {
    case ERROR_FILE_NOT_FOUND:
        return "The system cannot find the file specified";
    case ERROR_ACCESS_DENIED:
        return "Access is denied";
    case ERROR_INVALID_HANDLE:
        return "The handle is invalid";
    case ERROR_NOT_ENOUGH_MEMORY:
        return "Not enough memory";
    case ERROR_HANDLE_EOF:
        return "Reached the end of the file";
    case ERROR_INVALID_PARAMETER:
        return "The parameter is incorrect";
    case ERROR_ALREADY_EXISTS:
        return "Cannot create a file when that file already exists";
    case ERROR_NOT_FOUND:
        return "Element not found";
    case ERROR_ALREADY_INITIALIZED:
        return "An attempt was made to perform an initialization "
               "operation when initialization has already been completed";
    default:
        return "A device attached to the system is not functioning";
    }
}

static void log_error(const char *what, DWORD error)
{
    log_line(WINTUN_LOG_ERR, "%s: %s (Code 0x%08X)", what, error_text(error), error);
}

/* ---------------------------------------------------------------------
 * Packets
 * ------------------------------------------------------------------ */

static uint16_t get16(const BYTE *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void put16(BYTE *p, uint16_t v)
{
    p[0] = (BYTE)(v >> 8);
    p[1] = (BYTE)v;
}

/* The Internet checksum (RFC 1071) of data, ready to store. */
static uint16_t inet_checksum(const BYTE *data, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(data + i);
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An echo request from the peer 10.6.7.8 to the adapter's 10.6.7.7; the
 * system answers it as it would answer a real peer behind the tunnel. */
static void build_echo_request(BYTE *p, uint16_t sequence)
{
    static const BYTE source[4] = {10, 6, 7, 8}, destination[4] = {10, 6, 7, 7};

    memset(p, 0, ECHO_REQUEST_SIZE);
    p[0] = 0x45; /* IPv4, 20-byte header */
    put16(p + 2, ECHO_REQUEST_SIZE);
    p[8] = 255; /* TTL */
    p[9] = IPPROTO_ICMP;
    memcpy(p + 12, source, 4);
    memcpy(p + 16, destination, 4);
    put16(p + 10, inet_checksum(p, 20));
    p[20] = 8;                         /* ICMP echo request, code 0 */
    put16(p + 24, (uint16_t)getpid()); /* identifier */
    put16(p + 26, sequence);
    put16(p + 22, inet_checksum(p + 20, ECHO_REQUEST_SIZE - 20));
}

static void note_echo_reply(struct demo *d)
{
    unsigned n = atomic_fetch_add(&d->replies, 1) + 1;
    uint64_t one = 1;

    /* Wake main exactly once, when the wanted count is reached. */
    if (d->want && n == d->want && write(d->done_fd, &one, sizeof(one)) < 0)
        log_line(WINTUN_LOG_ERR, "Cannot wake the main thread: %s", strerror(errno));
}

static void print_ipv4(struct demo *d, const BYTE *p, DWORD size)
{
    char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
    unsigned header = (p[0] & 0xfu) * 4;

    inet_ntop(AF_INET, p + 12, src, sizeof(src));
    inet_ntop(AF_INET, p + 16, dst, sizeof(dst));
    /* Protocol 1 is ICMP; type 0 an echo reply. */
    if (p[9] == IPPROTO_ICMP && header >= 20 && size >= header + 8 && p[header] == 0) {
        log_line(WINTUN_LOG_INFO, "Received IPv4 ICMP echo reply from %s to %s", src, dst);
        note_echo_reply(d);
        return;
    }
    log_line(WINTUN_LOG_INFO, "Received IPv4 proto 0x%x packet from %s to %s", p[9], src, dst);
}

static void print_ipv6(const BYTE *p)
{
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

    inet_ntop(AF_INET6, p + 8, src, sizeof(src));
    inet_ntop(AF_INET6, p + 24, dst, sizeof(dst));
    log_line(WINTUN_LOG_INFO, "Received IPv6 proto 0x%x packet from %s to %s", p[6], src, dst);
}

static void print_packet(struct demo *d, const BYTE *p, DWORD size)
{
    int version = size ? p[0] >> 4 : 0;

    if (version == 4 && size >= 20)
        print_ipv4(d, p, size);
    else if (version == 6 && size >= 40)
        print_ipv6(p);
    else if (version == 4 || version == 6)
        log_line(WINTUN_LOG_INFO, "Received packet without room for an IP header");
    else
        log_line(WINTUN_LOG_INFO, "Received non-IP packet");
}

/* ---------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------ */

/* Record that a thread gave up, and wake main so the program ends. */
static void thread_failed(struct demo *d)
{
    uint64_t one = 1;

    atomic_store(&d->failed, true);
    if (write(d->done_fd, &one, sizeof(one)) < 0)
        log_line(WINTUN_LOG_ERR, "Cannot wake the main thread: %s", strerror(errno));
}

/* Sleep until the read-wait event or the quit signal; false means quit.
 * The read-wait descriptor is level-triggered, so nothing needs draining. */
static bool wait_for_packets(struct demo *d, int read_fd)
{
    struct pollfd fds[2] = {{.fd = read_fd, .events = POLLIN},
                            {.fd = d->quit_fd, .events = POLLIN}};

    while (poll(fds, 2, -1) < 0) {
        if (errno != EINTR) {
            log_line(WINTUN_LOG_ERR, "Waiting for packets failed: %s", strerror(errno));
            thread_failed(d);
            return false;
        }
    }
    return !(fds[1].revents & POLLIN);
}

static void *receive_packets(void *arg)
{
    struct demo *d = arg;
    int read_fd = LintunGetReadWaitFd(d->session);

    for (;;) {
        DWORD size;
        BYTE *packet = WintunReceivePacket(d->session, &size);

        if (packet) {
            print_packet(d, packet, size);
            WintunReleaseReceivePacket(d->session, packet);
        } else if (GetLastError() == ERROR_NO_MORE_ITEMS) {
            if (!wait_for_packets(d, read_fd))
                break;
        } else {
            log_error("Packet read failed", GetLastError());
            thread_failed(d);
            break;
        }
    }
    return NULL;
}

/* Sleep up to ms milliseconds; true when the quit signal came instead. */
static bool wait_for_quit(struct demo *d, int ms)
{
    struct pollfd fd = {.fd = d->quit_fd, .events = POLLIN};

    return poll(&fd, 1, ms) != 0 && (fd.revents & POLLIN);
}

static void *send_packets(void *arg)
{
    struct demo *d = arg;
    uint16_t sequence = 0;

    do {
        BYTE *packet = WintunAllocateSendPacket(d->session, ECHO_REQUEST_SIZE);

        if (packet) {
            build_echo_request(packet, ++sequence);
            /* Logged first, so the line comes before the reply's. */
            log_line(WINTUN_LOG_INFO, "Sent IPv4 ICMP echo request from 10.6.7.8 to 10.6.7.7");
            WintunSendPacket(d->session, packet);
        } else if (GetLastError() != ERROR_BUFFER_OVERFLOW) {
            /* A full ring just drops this request; anything else is fatal. */
            log_error("Packet write failed", GetLastError());
            thread_failed(d);
            break;
        }
    } while (!wait_for_quit(d, 1000));
    return NULL;
}

/* ---------------------------------------------------------------------
 * Main
 * ------------------------------------------------------------------ */

/* Wait for SIGINT/SIGTERM, the -n count, a failed thread or the -n timeout;
 * returns the exit code. */
static int wait_for_end(struct demo *d, int signal_fd)
{
    struct pollfd fds[2] = {{.fd = signal_fd, .events = POLLIN},
                            {.fd = d->done_fd, .events = POLLIN}};
    int timeout_ms = d->want ? (int)(d->want + COUNT_GRACE_SECONDS) * 1000 : -1;
    int n;

    while ((n = poll(fds, 2, timeout_ms)) < 0 && errno == EINTR)
        ;
    if (n < 0) {
        log_line(WINTUN_LOG_ERR, "Waiting for the end failed: %s", strerror(errno));
        return 1;
    }
    if (n > 0 && (fds[0].revents & POLLIN))
        return 0;
    if (atomic_load(&d->failed))
        return 1;
    if (n > 0) {
        log_line(WINTUN_LOG_INFO, "Received %u echo replies", d->want);
        return 0;
    }
    log_line(WINTUN_LOG_ERR, "Only %u of %u echo replies after %d seconds",
             atomic_load(&d->replies), d->want, timeout_ms / 1000);
    return 1;
}

/* SIGINT and SIGTERM go to a signalfd that main waits on; blocking them
 * before the threads start keeps them all away from the workers. */
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

static int run_threads(struct demo *d)
{
    pthread_t receiver, sender;
    uint64_t one = 1;
    int signal_fd = block_signals(), rc = 1;

    if (signal_fd < 0) {
        log_line(WINTUN_LOG_ERR, "Cannot set up signal handling: %s", strerror(errno));
        return 1;
    }
    log_line(WINTUN_LOG_INFO, "Launching threads and mangling packets...");
    if (pthread_create(&receiver, NULL, receive_packets, d) != 0)
        goto cleanupSignals;
    if (pthread_create(&sender, NULL, send_packets, d) != 0)
        goto cleanupReceiver;
    rc = wait_for_end(d, signal_fd);
    log_line(WINTUN_LOG_INFO, "Cleaning up and shutting down...");
    if (write(d->quit_fd, &one, sizeof(one)) < 0)
        abort(); /* the threads could never be stopped */
    pthread_join(sender, NULL);
    pthread_join(receiver, NULL);
    close(signal_fd);
    return rc;

cleanupReceiver:
    if (write(d->quit_fd, &one, sizeof(one)) < 0)
        abort();
    pthread_join(receiver, NULL);
cleanupSignals:
    log_line(WINTUN_LOG_ERR, "Cannot start a thread");
    close(signal_fd);
    return 1;
}

static int run_session(WINTUN_ADAPTER_HANDLE adapter, unsigned want)
{
    struct demo d = {.want = want};
    int rc = 1;

    d.quit_fd = eventfd(0, EFD_CLOEXEC);
    d.done_fd = eventfd(0, EFD_CLOEXEC);
    if (d.quit_fd < 0 || d.done_fd < 0) {
        log_line(WINTUN_LOG_ERR, "Cannot create an eventfd: %s", strerror(errno));
        goto cleanupEvents;
    }
    d.session = WintunStartSession(adapter, RING_CAPACITY);
    if (!d.session) {
        log_error("Failed to create session", GetLastError());
        goto cleanupEvents;
    }
    rc = run_threads(&d);
    WintunEndSession(d.session);
cleanupEvents:
    if (d.quit_fd >= 0)
        close(d.quit_fd);
    if (d.done_fd >= 0)
        close(d.done_fd);
    return rc;
}

static bool add_demo_address(WINTUN_ADAPTER_HANDLE adapter)
{
    LINTUN_IP_ADDRESS address;

    if (!LintunParseAddress("10.6.7.7/24", &address)) {
        log_error("Failed to parse the address", GetLastError());
        return false;
    }
    /* An address that already exists counts as success. */
    if (!LintunAddAddress(adapter, &address)) {
        log_error("Failed to set IP address", GetLastError());
        return false;
    }
    return true;
}

static int run_demo(unsigned want)
{
    WINTUN_ADAPTER_HANDLE adapter = WintunCreateAdapter(L"Demo", L"Example", &demo_guid);
    DWORD version;
    int rc = 1;

    if (!adapter) {
        log_error("Failed to create adapter", GetLastError());
        return 1;
    }
    version = WintunGetRunningDriverVersion();
    log_line(WINTUN_LOG_INFO, "Wintun v%u.%u loaded", (version >> 16) & 0xff, version & 0xff);
    if (add_demo_address(adapter))
        rc = run_session(adapter, want);
    WintunCloseAdapter(adapter);
    return rc;
}

static void usage(FILE *out, const char *argv0)
{
    fprintf(out,
            "usage: %s [-n N | --count N]\n"
            "Creates the adapter \"Demo\" (10.6.7.7/24), pings it once a second from\n"
            "10.6.7.8 through the adapter and prints what comes back. Ctrl-C ends it.\n"
            "  -n, --count N   exit 0 after N echo replies (1 if not within N+%d s)\n",
            argv0, COUNT_GRACE_SECONDS);
}

/* Parse -n N / --count N; returns the count (0: run until a signal), or -1. */
static long parse_args(int argc, char **argv)
{
    static const struct option options[] = {
        {"count", required_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'}, {0}};
    long want = 0;
    char *end;
    int c;

    while ((c = getopt_long(argc, argv, "n:h", options, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout, argv[0]);
            exit(0);
        }
        if (c != 'n')
            return -1;
        errno = 0;
        want = strtol(optarg, &end, 10);
        if (errno || *end || end == optarg || want < 1 || want > 100000)
            return -1;
    }
    return optind == argc ? want : -1;
}

/* Wide messages print through the locale's charset; fall back to UTF-8 when
 * the environment names none, so non-ASCII adapter names still print. */
static void set_locale(void)
{
    const char *name = setlocale(LC_CTYPE, "");

    if (!name || !strcmp(name, "C") || !strcmp(name, "POSIX"))
        setlocale(LC_CTYPE, "C.UTF-8");
}

int main(int argc, char **argv)
{
    long want = parse_args(argc, argv);

    if (want < 0) {
        usage(stderr, argv[0]);
        return 2;
    }
    set_locale();
    WintunSetLogger(console_logger);
    log_line(WINTUN_LOG_INFO, "Wintun library loaded");
    return run_demo((unsigned)want);
}
