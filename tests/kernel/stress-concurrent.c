/* SPDX-License-Identifier: MIT */
/*
 * Concurrency stress: for STRESS_SECONDS (default 5) the kernel floods the
 * session from two sockets while three threads receive and release out of
 * order (holding up to 16 packets each, checking them again just before
 * release), and three threads allocate (several at a time), fill and send
 * in a shuffled order. Checks:
 *   - every packet arrives intact (UDP checksum and payload pattern);
 *   - nothing is reordered: each receiving thread sees each kernel sender's
 *     sequence numbers increasing; the kernel's socket sees the program's
 *     sequence numbers (taken under a lock at allocation time) increasing;
 *   - nothing is duplicated (a bitmap of sequence numbers per sender);
 *   - every loss is accounted for: receive side, received + the kernel
 *     queue's drops (tx_dropped of the interface) == sent; send side,
 *     Allocate's ERROR_BUFFER_OVERFLOW count == TxRingFull, and
 *     sent == arrived + TxDroppedKernel + the socket's receive-buffer drops.
 * test-rerun: plain tsan
 */
#include <pthread.h>
#include <stdatomic.h>
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

#define KSENDERS 2
#define RECEIVERS 3
#define SENDERS 3
#define MAXSEQ (1u << 24)

static WINTUN_SESSION_HANDLE sess;
static atomic_bool stop, stop_rx;
static atomic_ullong k_sent[KSENDERS], rx_ok, rx_bad, rx_reorder, rx_dup, rx_err;
static atomic_ullong tx_sent, tx_overflow, tx_err;
static uint8_t *seen[KSENDERS];
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t alloc_seq;

static size_t plen_of(uint32_t id, uint32_t seq)
{
    return 12 + (size_t)((seq * 31 + id * 7) % 1200);
}

static void fill(uint8_t *p, size_t n, uint32_t id, uint32_t seq)
{
    memcpy(p, &id, 4);
    memcpy(p + 4, &seq, 4);
    for (size_t i = 8; i < n; i++)
        p[i] = (uint8_t)(seq * 3 + i + id);
}

/* The payload's (id, seq) if it is intact; false otherwise. */
static bool intact(const uint8_t *p, size_t n, uint32_t *id, uint32_t *seq)
{
    if (n < 12)
        return false;
    memcpy(id, p, 4);
    memcpy(seq, p + 4, 4);
    if (n != plen_of(*id, *seq))
        return false;
    for (size_t i = 8; i < n; i++)
        if (p[i] != (uint8_t)(*seq * 3 + i + *id))
            return false;
    return true;
}

static bool packet_ok(const uint8_t *p, DWORD n, uint32_t *id, uint32_t *seq)
{
    return n >= 28 && p[0] == 0x45 && p[9] == 17 && be16(p + 2) == n && inet_ip4_ok(p) &&
           inet_l4_ok(p, n, 17) && intact(p + 28, n - 28, id, seq) && *id < KSENDERS;
}

static void *kernel_sender(void *arg)
{
    uint32_t id = (uint32_t)(intptr_t)arg;
    int fd = udp4_bind("10.31.0.1", 5000 + (int)id);
    uint8_t buf[1300];
    for (uint32_t seq = 0; !atomic_load(&stop) && seq < MAXSEQ; seq++) {
        size_t n = plen_of(id, seq);
        fill(buf, n, id, seq);
        if (udp4_send(fd, "10.31.0.2", 5001, buf, n) != (int)n) {
            /* Not sent: the sequence number is skipped, and not counted. */
            usleep(100);
            continue;
        }
        atomic_fetch_add(&k_sent[id], 1);
        if ((seq & 63) == 0)
            sched_yield();
    }
    close(fd);
    return NULL;
}

struct held {
    BYTE *p;
    DWORD n;
    uint32_t id, seq;
};

static void release_one(struct held *h, int *count, int i)
{
    uint32_t id, seq;
    /* Still intact after being held while others received and released. */
    if (!packet_ok(h[i].p, h[i].n, &id, &seq) || id != h[i].id || seq != h[i].seq)
        atomic_fetch_add(&rx_bad, 1);
    WintunReleaseReceivePacket(sess, h[i].p);
    h[i] = h[--*count];
}

static void *receiver(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 7919u + 1;
    struct held h[16];
    int count = 0;
    int64_t last[KSENDERS];
    for (int i = 0; i < KSENDERS; i++)
        last[i] = -1;
    while (!atomic_load(&stop_rx)) {
        DWORD n;
        BYTE *p = WintunReceivePacket(sess, &n);
        if (!p) {
            DWORD e = GetLastError();
            if (e != ERROR_NO_MORE_ITEMS) {
                fprintf(stderr, "WintunReceivePacket: error %u\n", e);
                atomic_fetch_add(&rx_err, 1);
                break;
            }
            while (count)
                release_one(h, &count, (int)(rand_r(&seed) % (unsigned)count));
            WaitForSingleObject(WintunGetReadWaitEvent(sess), 20);
            continue;
        }
        uint32_t id, seq;
        if (!(n >= 28 && p[0] == 0x45 && p[9] == 17 && be16(p + 22) == 5001)) {
            WintunReleaseReceivePacket(sess, p); /* not ours (none expected) */
            continue;
        }
        if (!packet_ok(p, n, &id, &seq)) {
            atomic_fetch_add(&rx_bad, 1);
            WintunReleaseReceivePacket(sess, p);
            continue;
        }
        if ((int64_t)seq <= last[id])
            atomic_fetch_add(&rx_reorder, 1);
        last[id] = seq;
        pthread_mutex_lock(&seen_lock);
        if (seen[id][seq / 8] & (1u << (seq % 8)))
            atomic_fetch_add(&rx_dup, 1);
        seen[id][seq / 8] |= (uint8_t)(1u << (seq % 8));
        pthread_mutex_unlock(&seen_lock);
        atomic_fetch_add(&rx_ok, 1);
        h[count++] = (struct held){p, n, id, seq};
        /* Hold a random number of packets, release a random one of them. */
        while (count == 16 || (count && rand_r(&seed) % 4 == 0))
            release_one(h, &count, (int)(rand_r(&seed) % (unsigned)count));
    }
    while (count)
        release_one(h, &count, count - 1);
    return NULL;
}

static size_t build(uint8_t *out, uint32_t seq)
{
    uint8_t payload[1300];
    struct tpkt t;
    tpkt_init_udp4(&t, "10.31.0.2", "10.31.0.1", 6000, 6001);
    t.id = (uint16_t)seq;
    t.plen = plen_of(9, seq);
    fill(payload, t.plen, 9, seq);
    t.payload = payload;
    return tpkt_build(&t, out);
}

static void *sender(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 104729u + 3;
    uint8_t pkt[1400];
    while (!atomic_load(&stop)) {
        BYTE *p[4];
        int k = 1 + (int)(rand_r(&seed) % 4), got = 0;
        for (int i = 0; i < k; i++) {
            /* The sequence number is taken in allocation order. */
            pthread_mutex_lock(&alloc_lock);
            uint32_t seq = alloc_seq;
            size_t n = build(pkt, seq);
            p[got] = WintunAllocateSendPacket(sess, (DWORD)n);
            DWORD e = p[got] ? 0 : GetLastError();
            if (p[got])
                alloc_seq++;
            pthread_mutex_unlock(&alloc_lock);
            if (!p[got]) {
                if (e == ERROR_BUFFER_OVERFLOW)
                    atomic_fetch_add(&tx_overflow, 1);
                else
                    atomic_fetch_add(&tx_err, 1), fprintf(stderr, "Allocate: error %u\n", e);
                break;
            }
            memcpy(p[got++], pkt, n);
        }
        /* Send in a shuffled order: delivery must still follow allocation. */
        for (int i = got; i > 1; i--) {
            int j = (int)(rand_r(&seed) % (unsigned)i);
            BYTE *t = p[i - 1];
            p[i - 1] = p[j];
            p[j] = t;
        }
        for (int i = 0; i < got; i++)
            WintunSendPacket(sess, p[i]);
        atomic_fetch_add(&tx_sent, (unsigned long long)got);
        if (got < k)
            usleep(50); /* ring full: let the writes catch up */
    }
    return NULL;
}

static atomic_ullong sink_ok, sink_bad, sink_reorder;

static void *sink(void *arg)
{
    int fd = *(int *)arg;
    uint8_t buf[2048];
    int64_t last = -1;
    while (!atomic_load(&stop_rx)) {
        ssize_t n = recv_timeout(fd, buf, sizeof(buf), 20);
        uint32_t id, seq;
        if (n < 0)
            continue;
        if (!intact(buf, (size_t)n, &id, &seq) || id != 9) {
            atomic_fetch_add(&sink_bad, 1);
            continue;
        }
        if ((int64_t)seq <= last)
            atomic_fetch_add(&sink_reorder, 1);
        last = seq;
        atomic_fetch_add(&sink_ok, 1);
    }
    return NULL;
}

static long long udp_rcvbuf_errors(void)
{
    char line[1024];
    long long v = -1, a[6];
    int hits = 0;
    FILE *f = fopen("/proc/net/snmp", "r");
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "Udp: ", 5) && hits++ == 1 &&
            sscanf(line + 5, "%lld %lld %lld %lld %lld %lld", &a[0], &a[1], &a[2], &a[3], &a[4],
                   &a[5]) == 6)
            v = a[4];
    if (f)
        fclose(f);
    return v;
}

int main(void)
{
    const char *env = getenv("STRESS_SECONDS");
    double secs = env ? atof(env) : 5;
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"Stress", L"Test", NULL);
    sess = fixture_session(a, 0x40000, 0, FIXTURE_NO_IPV6, "10.31.0.1/24");
    for (int i = 0; i < KSENDERS; i++)
        REQUIRE((seen[i] = calloc(MAXSEQ / 8, 1)));
    int sfd = udp4_bind_deep("10.31.0.1", 6001, 16 << 20);
    usleep(100000);
    long long drop0 = link_tx_dropped("Stress"), rcverr0 = udp_rcvbuf_errors();

    pthread_t ks[KSENDERS], rs[RECEIVERS], ss[SENDERS], sk;
    pthread_create(&sk, NULL, sink, &sfd);
    for (int i = 0; i < RECEIVERS; i++)
        pthread_create(&rs[i], NULL, receiver, (void *)(intptr_t)i);
    for (int i = 0; i < SENDERS; i++)
        pthread_create(&ss[i], NULL, sender, (void *)(intptr_t)i);
    for (int i = 0; i < KSENDERS; i++)
        pthread_create(&ks[i], NULL, kernel_sender, (void *)(intptr_t)i);
    usleep((useconds_t)(secs * 1e6));
    atomic_store(&stop, true);
    for (int i = 0; i < KSENDERS; i++)
        join_within(ks[i], 10, "a kernel-side sender stopping when asked");
    for (int i = 0; i < SENDERS; i++)
        join_within(ss[i], 10, "a session sender stopping when asked");
    usleep(500000); /* drain: receivers keep going */
    atomic_store(&stop_rx, true);
    for (int i = 0; i < RECEIVERS; i++)
        join_within(rs[i], 10, "a receiver stopping when asked");
    join_within(sk, 10, "the kernel-side receiver stopping when asked");

    LINTUN_SESSION_STATS st;
    REQUIRE(LintunGetSessionStats(sess, &st));
    long long kdrop = link_tx_dropped("Stress") - drop0, rcverr = udp_rcvbuf_errors() - rcverr0;
    unsigned long long ksent = 0;
    for (int i = 0; i < KSENDERS; i++)
        ksent += k_sent[i];
    printf("kernel->session: sent %llu, received %llu, kernel queue drops %lld; bad %llu "
           "reordered %llu duplicated %llu\n",
           ksent, (unsigned long long)rx_ok, kdrop, (unsigned long long)rx_bad,
           (unsigned long long)rx_reorder, (unsigned long long)rx_dup);
    printf("session->kernel: sent %llu, arrived %llu, ring full %llu (TxRingFull %llu), "
           "TxDroppedKernel %llu, TxDroppedInvalid %llu, socket drops %lld; bad %llu reordered "
           "%llu\n",
           (unsigned long long)tx_sent, (unsigned long long)sink_ok,
           (unsigned long long)tx_overflow, (unsigned long long)st.TxRingFull,
           (unsigned long long)st.TxDroppedKernel, (unsigned long long)st.TxDroppedInvalid, rcverr,
           (unsigned long long)sink_bad, (unsigned long long)sink_reorder);
    CHECK(ksent > 1000 && tx_sent > 1000);
    CHECK_EQ(rx_bad, 0);
    CHECK_EQ(rx_reorder, 0);
    CHECK_EQ(rx_dup, 0);
    CHECK_EQ(rx_err, 0);
    CHECK_EQ(rx_ok + (unsigned long long)kdrop, ksent);
    CHECK_EQ(tx_err, 0);
    CHECK_EQ(st.TxRingFull, tx_overflow);
    CHECK_EQ(st.TxDroppedInvalid, 0);
    CHECK_EQ(sink_bad, 0);
    CHECK_EQ(sink_reorder, 0);
    CHECK_EQ(sink_ok + st.TxDroppedKernel + (unsigned long long)rcverr, tx_sent);
    CHECK_EQ(st.TxPackets, tx_sent - st.TxDroppedKernel);
    WintunEndSession(sess);
    WintunCloseAdapter(a);
    close(sfd);
    for (int i = 0; i < KSENDERS; i++)
        free(seen[i]);
    return test_done();
}
