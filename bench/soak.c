/* SPDX-License-Identifier: MIT */
/*
 * Soak: bidirectional UDP traffic through one session, in a network namespace
 * of its own, for SOAK_SECONDS (argv[1], default 600). The kernel floods the
 * session (a socket sends to an address routed through the adapter) while a
 * thread of the program allocates and sends to a socket of the kernel. Every
 * packet carries a sequence number and a pattern that is checked on arrival.
 * Samples resident memory every 5 s and reports its growth after a 10 s
 * warm-up, the drops on each side and where they were counted. Never part of
 * `make check` (`make soak`). Exit 1 on a corrupt packet or an unaccounted
 * loss, 0 otherwise.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include "bench.h"
#include "wintun.h"
#include "../common/udp.h"
#include "../common/proc.h"

#define IFNAME "soak0"
#define PACE_PER_MS 30 /* packets per millisecond and direction, at most */

static WINTUN_SESSION_HANDLE sess;
static atomic_bool stop, stop_sink;
static atomic_ullong k_sent, k_enobufs, s_rx, s_bad, s_other;
static atomic_ullong t_sent, t_full, sink_rx, sink_bad;

static double now_ms(void) { return now_sec() * 1e3; }

static void lintun_die(const char *what)
{
    fprintf(stderr, "soak: %s: error %u\n", what, GetLastError());
    exit(1);
}

/* A network namespace of its own, with loopback up: the host's is never touched. */
static void netns_new(void)
{
    if (unshare(CLONE_NEWNET) < 0)
        die("unshare(CLONE_NEWNET), which needs root");
    if (system("ip link set lo up") != 0)
        die("ip link set lo up");
}

static size_t plen_of(uint64_t seq) { return 16 + (size_t)(seq * 37 % 1380); }

static void fill(uint8_t *p, size_t n, uint64_t seq)
{
    memcpy(p, &seq, 8);
    for (size_t i = 8; i < n; i++)
        p[i] = (uint8_t)(seq + i * 13);
}

static bool good(const uint8_t *p, size_t n)
{
    uint64_t seq;
    if (n < 16)
        return false;
    memcpy(&seq, p, 8);
    if (n != plen_of(seq))
        return false;
    for (size_t i = 8; i < n; i++)
        if (p[i] != (uint8_t)(seq + i * 13))
            return false;
    return true;
}

static void pace(double *next)
{
    *next += 1.0;
    double d = *next - now_ms();
    if (d > 0)
        usleep((useconds_t)(d * 1000));
    else if (d < -50)
        *next = now_ms();
}

static void *kernel_sender(void *arg)
{
    int fd = udp4_bind("10.88.0.1", 5000);
    uint8_t buf[1500];
    double next = now_ms();
    (void)arg;
    for (uint64_t seq = 0; !atomic_load(&stop);) {
        for (int i = 0; i < PACE_PER_MS; i++, seq++) {
            size_t n = plen_of(seq);
            fill(buf, n, seq);
            if (udp4_send(fd, "10.88.0.2", 5001, buf, n) == (int)n)
                atomic_fetch_add(&k_sent, 1);
            else
                atomic_fetch_add(&k_enobufs, 1);
        }
        pace(&next);
    }
    close(fd);
    return NULL;
}

static void *session_receiver(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_sink)) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (!p) {
            if (GetLastError() != ERROR_NO_MORE_ITEMS) {
                fprintf(stderr, "receive: error %u\n", GetLastError());
                atomic_fetch_add(&s_bad, 1);
                return NULL;
            }
            WaitForSingleObject(WintunGetReadWaitEvent(sess), 50);
            continue;
        }
        if (n >= 28 && p[0] == 0x45 && p[9] == 17 && (p[22] << 8 | p[23]) == 5001) {
            if (inet_l4_ok(p, n, 17) && good(p + 28, n - 28))
                atomic_fetch_add(&s_rx, 1);
            else
                atomic_fetch_add(&s_bad, 1);
        } else {
            atomic_fetch_add(&s_other, 1);
        }
        WintunReleaseReceivePacket(sess, p);
    }
    return NULL;
}

static void *session_sender(void *arg)
{
    uint8_t pkt[1600];
    uint32_t src = inet_addr("10.88.0.2"), dst = inet_addr("10.88.0.1");
    double next = now_ms();
    (void)arg;
    for (uint64_t seq = 0; !atomic_load(&stop);) {
        for (int i = 0; i < PACE_PER_MS; i++, seq++) {
            size_t n = udp4_build(pkt, src, dst, 6000, 6001, plen_of(seq));
            fill(pkt + 28, n - 28, seq);
            uint16_t c = inet_l4_csum(pkt, n, 17);
            pkt[26] = (uint8_t)(c >> 8);
            pkt[27] = (uint8_t)c;
            BYTE *p = WintunAllocateSendPacket(sess, (DWORD)n);
            if (!p) {
                atomic_fetch_add(&t_full, 1);
                continue;
            }
            memcpy(p, pkt, n);
            WintunSendPacket(sess, p);
            atomic_fetch_add(&t_sent, 1);
        }
        pace(&next);
    }
    return NULL;
}

static void *sink(void *arg)
{
    int fd = *(int *)arg;
    uint8_t buf[2048];
    while (!atomic_load(&stop_sink)) {
        ssize_t n = recv_timeout(fd, buf, sizeof(buf), 50);
        if (n < 0)
            continue;
        if (good(buf, (size_t)n))
            atomic_fetch_add(&sink_rx, 1);
        else
            atomic_fetch_add(&sink_bad, 1);
    }
    return NULL;
}

/* A counter from `ip -s -j link show`: dir "rx" or "tx", field "dropped". */
static long long link_stat(const char *dir, const char *field)
{
    char buf[4096], key[32];
    FILE *f = popen("ip -s -j link show dev " IFNAME, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        pclose(f);
    buf[n] = 0;
    snprintf(key, sizeof(key), "\"%s\":{", dir);
    char *p = strstr(buf, key);
    snprintf(key, sizeof(key), "\"%s\":", field);
    p = p ? strstr(p, key) : NULL;
    return p ? atoll(p + strlen(key)) : -1;
}

static long long udp_rcvbuf_errors(void)
{
    char line[1024];
    long long v = -1;
    FILE *f = fopen("/proc/net/snmp", "r");
    bool header = true;
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "Udp: ", 5))
            continue;
        if (header) {
            header = false;
            continue;
        }
        long long a[6];
        if (sscanf(line + 5, "%lld %lld %lld %lld %lld %lld", &a[0], &a[1], &a[2], &a[3], &a[4],
                   &a[5]) == 6)
            v = a[4]; /* InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors */
    }
    if (f)
        fclose(f);
    return v;
}

int main(int argc, char **argv)
{
    const char *env = getenv("SOAK_SECONDS");
    int secs = argc > 1 ? atoi(argv[1]) : env ? atoi(env) : 600;
    if (secs < 15)
        secs = 15;
    netns_new();
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"" IFNAME, L"Soak", NULL);
    if (!a)
        lintun_die("WintunCreateAdapter");
    sess = WintunStartSession(a, 0x400000);
    if (!sess)
        lintun_die("WintunStartSession");
    if (system("ip addr add 10.88.0.1/24 dev " IFNAME) != 0)
        die("ip addr add");
    int sfd = udp4_bind_deep("10.88.0.1", 6001, 8 << 20);
    long long rcvbuf_err0 = udp_rcvbuf_errors();

    pthread_t th[4];
    pthread_create(&th[0], NULL, sink, &sfd);
    pthread_create(&th[1], NULL, session_receiver, NULL);
    pthread_create(&th[2], NULL, kernel_sender, NULL);
    pthread_create(&th[3], NULL, session_sender, NULL);

    long rss_warm = 0, rss_max = 0, rss_min = 0, rss = 0;
    double t0 = now_ms();
    printf("soak: %d s, %d packets/ms each way at most\n", secs, PACE_PER_MS);
    for (int t = 5; t <= secs; t += 5) {
        while (now_ms() < t0 + t * 1000.0)
            usleep(100000);
        rss = rss_kib();
        if (t == 10)
            rss_warm = rss_min = rss_max = rss;
        if (t > 10) {
            rss_max = rss > rss_max ? rss : rss_max;
            rss_min = rss < rss_min ? rss : rss_min;
        }
        if (t % 60 == 0 || t == 10)
            printf("t=%4ds rss=%ld KiB kernel->session %llu/%llu  session->kernel %llu/%llu\n", t,
                   rss, atomic_load(&s_rx), atomic_load(&k_sent), atomic_load(&sink_rx),
                   atomic_load(&t_sent));
        fflush(stdout);
    }
    atomic_store(&stop, true);
    pthread_join(th[2], NULL);
    pthread_join(th[3], NULL);
    usleep(500000); /* let the queues drain */
    atomic_store(&stop_sink, true);
    pthread_join(th[0], NULL);
    pthread_join(th[1], NULL);

    LINTUN_SESSION_STATS st;
    if (!LintunGetSessionStats(sess, &st))
        lintun_die("LintunGetSessionStats");
    long long kdrop = link_stat("tx", "dropped");
    long long rcvbuf_err = udp_rcvbuf_errors() - rcvbuf_err0;
    unsigned long long ks = k_sent, sr = s_rx, ts = t_sent, sk = sink_rx;
    printf("\nresident memory: %ld KiB after 10 s warm-up, %ld KiB at the end, min %ld max %ld, "
           "growth %+ld KiB\n",
           rss_warm, rss, rss_min, rss_max, rss - rss_warm);
    printf("kernel->session: %llu sent, %llu received intact, %llu corrupt, %lld dropped by the "
           "kernel queue (tx_dropped), %llu sendto failures; unaccounted %lld\n",
           ks, sr, (unsigned long long)s_bad, kdrop, (unsigned long long)k_enobufs,
           (long long)ks - (long long)sr - kdrop);
    printf("session->kernel: %llu sent, %llu refused ring-full (TxRingFull %llu), %llu dropped by "
           "the kernel (TxDroppedKernel), %llu invalid; %llu received intact, %llu corrupt, "
           "%lld UDP receive-buffer drops; unaccounted %lld\n",
           ts, (unsigned long long)t_full, (unsigned long long)st.TxRingFull,
           (unsigned long long)st.TxDroppedKernel, (unsigned long long)st.TxDroppedInvalid, sk,
           (unsigned long long)sink_bad, rcvbuf_err,
           (long long)ts - (long long)sk - (long long)st.TxDroppedKernel - rcvbuf_err);
    printf("session counters: RxPackets %llu RxReads %llu RxSuperPackets %llu RxDropped %llu "
           "TxPackets %llu TxWrites %llu TxCoalesced %llu\n",
           (unsigned long long)st.RxPackets, (unsigned long long)st.RxReads,
           (unsigned long long)st.RxSuperPackets, (unsigned long long)st.RxDropped,
           (unsigned long long)st.TxPackets, (unsigned long long)st.TxWrites,
           (unsigned long long)st.TxCoalesced);
    bool ok = s_bad == 0 && sink_bad == 0 && (long long)ks - (long long)sr - kdrop == 0 &&
              st.TxRingFull == t_full;
    if (!ok)
        printf("soak: FAILED (corrupt packets, an unaccounted loss, or TxRingFull not the "
               "refusals counted)\n");
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    close(sfd);
    return ok ? 0 : 1;
}
