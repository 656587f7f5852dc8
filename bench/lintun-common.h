/* SPDX-License-Identifier: MIT */
/*
 * What the lintun benchmark programs share: a logger to stderr, the session
 * modes named on the command line, and creating an adapter inside a given
 * network namespace. Only the public API (wintun.h) is used.
 */
#ifndef LINTUN_BENCH_LINTUN_H
#define LINTUN_BENCH_LINTUN_H

#include "bench.h"
#include "wintun.h"

#define BENCH_RING_CAPACITY 0x400000 /* 4 MiB, as Wintun's example uses */

/* Warnings and errors to stderr, stamped with the monotonic clock to match them to a run. */
static void WINAPI bench_logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    (void)ts;
    if (level == WINTUN_LOG_INFO)
        return;
    fprintf(stderr, "[%.6f] lintun %s: %ls\n", now_sec(),
            level == WINTUN_LOG_ERR ? "error" : "warning", msg);
}

/* "default", "no-offload", "no-coalesce", "passthrough" -> LINTUN_SESSION_* flags, or -1. */
static inline long bench_session_flags(const char *mode)
{
    if (!strcmp(mode, "default"))
        return 0;
    if (!strcmp(mode, "no-offload"))
        return LINTUN_SESSION_NO_OFFLOAD;
    if (!strcmp(mode, "no-coalesce"))
        return LINTUN_SESSION_NO_COALESCE;
    if (!strcmp(mode, "passthrough"))
        return LINTUN_SESSION_PASSTHROUGH;
    if (!strcmp(mode, "plain"))
        return LINTUN_SESSION_NO_IO_URING; /* read() and write(), as without io_uring */
    return -1;
}

static inline WINTUN_ADAPTER_HANDLE bench_adapter_in(const char *ns)
{
    netns_enter(ns);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"" BENCH_IFNAME, L"bench", NULL);
    if (!a) {
        fprintf(stderr, "bench: WintunCreateAdapter in %s: error %u\n", ns, GetLastError());
        exit(1);
    }
    return a;
}

static inline WINTUN_SESSION_HANDLE bench_session(WINTUN_ADAPTER_HANDLE a, DWORD flags)
{
    WINTUN_SESSION_HANDLE s = flags ? LintunStartSessionEx(a, BENCH_RING_CAPACITY, flags)
                                    : WintunStartSession(a, BENCH_RING_CAPACITY);
    if (!s) {
        fprintf(stderr, "bench: start session (flags 0x%x): error %u\n", flags, GetLastError());
        exit(1);
    }
    return s;
}

static inline void bench_print_stats(const char *key, WINTUN_SESSION_HANDLE s)
{
    LINTUN_SESSION_STATS st;
    if (!LintunGetSessionStats(s, &st)) {
        printf("\"%s\": null", key);
        return;
    }
    printf("\"%s\": {\"rx_packets\": %llu, \"rx_bytes\": %llu, \"rx_reads\": %llu, "
           "\"rx_super\": %llu, \"rx_dropped\": %llu, \"tx_packets\": %llu, \"tx_bytes\": %llu, "
           "\"tx_writes\": %llu, \"tx_coalesced\": %llu, \"tx_dropped_invalid\": %llu, "
           "\"tx_dropped_kernel\": %llu, \"tx_ring_full\": %llu}",
           key, (unsigned long long)st.RxPackets, (unsigned long long)st.RxBytes,
           (unsigned long long)st.RxReads, (unsigned long long)st.RxSuperPackets,
           (unsigned long long)st.RxDropped, (unsigned long long)st.TxPackets,
           (unsigned long long)st.TxBytes, (unsigned long long)st.TxWrites,
           (unsigned long long)st.TxCoalesced, (unsigned long long)st.TxDroppedInvalid,
           (unsigned long long)st.TxDroppedKernel, (unsigned long long)st.TxRingFull);
}

#endif
