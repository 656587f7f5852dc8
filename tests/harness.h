/* SPDX-License-Identifier: MIT */
/*
 * Small test harness: one program per behaviour, exit 0 pass, 1 fail, 77 skip.
 * Asserts print both values. Tests that need the kernel call
 * require_netns(), which moves the test into a network namespace of its own
 * (or skips with the reason).
 */
#ifndef LINTUN_TEST_HARNESS_H
#define LINTUN_TEST_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "wintun.h"

static int harness_failures;

#define FAILF(...)                                                                             \
    do {                                                                                       \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                        \
        fprintf(stderr, __VA_ARGS__);                                                          \
        fputc('\n', stderr);                                                                   \
        harness_failures++;                                                                    \
    } while (0)

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond))                                                                           \
            FAILF("check failed: %s", #cond);                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                                         \
    do {                                                                                       \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                  \
        if (va_ != vb_)                                                                        \
            FAILF("%s == %s: got %lld (0x%llx), want %lld (0x%llx)", #a, #b, va_,             \
                  (unsigned long long)va_, vb_, (unsigned long long)vb_);                      \
    } while (0)

/* Check a call failed with the given last error. */
#define CHECK_ERR(expr, code)                                                                  \
    do {                                                                                       \
        LintunSetLastError(0xdeadbeef);                                                        \
        long long r_ = (long long)(intptr_t)(expr);                                            \
        DWORD e_ = LintunGetLastError();                                                       \
        if (r_ != 0 || e_ != (DWORD)(code))                                                    \
            FAILF("%s: got result %lld, error %u; want 0/NULL and %s (%u)", #expr, r_, e_,    \
                  #code, (unsigned)(code));                                                    \
    } while (0)

#define REQUIRE(cond)                                                                          \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            FAILF("required: %s (last error %u)", #cond, LintunGetLastError());               \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

static inline __attribute__((noreturn)) void skip(const char *why)
{
    printf("skipped: %s\n", why);
    fflush(stdout);
    exit(77);
}

static inline int test_done(void)
{
    if (harness_failures) {
        fprintf(stderr, "%d check(s) failed\n", harness_failures);
        return 1;
    }
    return 0;
}

/* Enter a new network namespace with loopback up, or skip. */
static inline void require_netns(void)
{
    if (geteuid() != 0)
        skip("needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN for a network namespace)");
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        skip("/dev/net/tun is not usable here");
    close(fd);
    if (unshare(CLONE_NEWNET) < 0)
        skip("cannot create a network namespace (unshare CLONE_NEWNET)");
    if (system("ip link set lo up") != 0)
        skip("cannot bring up loopback in the test namespace (iproute2 missing?)");
}

/* A logger that prints to stderr, for test logs. */
static inline void test_logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    (void)ts;
    fprintf(stderr, "[%c] %ls\n", level == WINTUN_LOG_ERR ? '!' : level == WINTUN_LOG_WARN ? '-' : '+',
            msg);
}

#endif
