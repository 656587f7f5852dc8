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
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "wintun.h"

static int harness_failures;

#define FAILF(...)                                                                                \
    do {                                                                                          \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                           \
        fprintf(stderr, __VA_ARGS__);                                                             \
        fputc('\n', stderr);                                                                      \
        harness_failures++;                                                                       \
    } while (0)

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond))                                                                              \
            FAILF("check failed: %s", #cond);                                                     \
    } while (0)

#define CHECK_EQ(a, b)                                                                            \
    do {                                                                                          \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                     \
        if (va_ != vb_)                                                                           \
            FAILF("%s == %s: got %lld (0x%llx), want %lld (0x%llx)", #a, #b, va_,                 \
                  (unsigned long long)va_, vb_, (unsigned long long)vb_);                         \
    } while (0)

/* Check a call failed with the given last error. */
#define CHECK_ERR(expr, code)                                                                     \
    do {                                                                                          \
        LintunSetLastError(0xdeadbeef);                                                           \
        long long r_ = (long long)(intptr_t)(expr);                                               \
        DWORD e_ = LintunGetLastError();                                                          \
        if (r_ != 0 || e_ != (DWORD)(code))                                                       \
            FAILF("%s: got result %lld, error %u; want 0/NULL and %s (%u)", #expr, r_, e_, #code, \
                  (unsigned)(code));                                                              \
    } while (0)

#define REQUIRE(cond)                                                                             \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            FAILF("required: %s (last error %u)", #cond, LintunGetLastError());                   \
            exit(1);                                                                              \
        }                                                                                         \
    } while (0)

static inline __attribute__((noreturn)) void skip(const char *why)
{
    printf("skipped: %s\n", why);
    fflush(stdout);
    exit(77);
}

static int unexpected_log_lines_;

static inline int test_done(void)
{
    if (__atomic_load_n(&unexpected_log_lines_, __ATOMIC_RELAXED))
        fprintf(stderr, "%d warning or error line(s) in the log that the test did not expect\n",
                __atomic_load_n(&unexpected_log_lines_, __ATOMIC_RELAXED));
    if (harness_failures) {
        fprintf(stderr, "%d check(s) failed\n", harness_failures);
        return 1;
    }
    return 0;
}

/*
 * Enter a new network namespace with loopback up, or skip. Once per process:
 * a later call, or one in a child forked after it, stays where it is.
 */
static inline void require_netns(void)
{
    static int entered;
    if (entered)
        return;
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
    entered = 1;
}

/*
 * How much slower than a plain build this one runs: LINTUN_TEST_SLOWDOWN
 * (tests/scripts/tsan.sh sets it), 1 by default. Wake-up bounds and watchdogs are
 * multiplied by it; nothing else is.
 */
static inline double test_slowdown(void)
{
    const char *v = getenv("LINTUN_TEST_SLOWDOWN");
    double f = v ? atof(v) : 1;
    return f >= 1 ? f : 1;
}

/* A wake-up bound in milliseconds, scaled for slow (sanitizer) builds. */
static inline double wake_bound_ms(double ms) { return ms * test_slowdown(); }

/*
 * The watchdog: every test has a deadline of its own (TEST_DEADLINE_S, armed
 * before main, the same in every build), and a step that blocks (a wait
 * without a timeout, a join, a waitpid) arms a shorter one naming what it
 * waits for. When a deadline
 * passes, the test prints what did not happen and exits 1 at once, so a
 * missing wake-up fails in seconds with a message instead of hanging until
 * the runner kills it. One alarm serves the process: watchdog() replaces the
 * step's deadline, watchdog_off() goes back to the test's.
 */
#define TEST_DEADLINE_S 50

static char watchdog_what_[256];
static struct timespec watchdog_test_end_;

static void watchdog_fire_(int sig)
{
    static const char pre[] = "watchdog: timed out; did not happen: ";
    (void)sig;
    /* Only async-signal-safe calls: another thread may hold stdio's locks. */
    ssize_t r = write(STDERR_FILENO, pre, sizeof(pre) - 1);
    r = write(STDERR_FILENO, watchdog_what_, strlen(watchdog_what_));
    r = write(STDERR_FILENO, "\n", 1);
    (void)r;
    _exit(1);
}

/* Whole seconds left before the test's own deadline (at least 1). */
static inline unsigned watchdog_test_left_(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long left = (long)(watchdog_test_end_.tv_sec - now.tv_sec);
    return left > 1 ? (unsigned)left : 1;
}

static inline void watchdog_arm_(unsigned seconds)
{
    unsigned left = watchdog_test_left_();
    alarm(seconds < left ? seconds : left);
}

/* Fail the test unless watchdog_off() comes within @seconds (scaled). */
static inline __attribute__((format(printf, 2, 3))) void watchdog(unsigned seconds,
                                                                  const char *what, ...)
{
    va_list ap;
    alarm(0);
    va_start(ap, what);
    vsnprintf(watchdog_what_, sizeof(watchdog_what_), what, ap);
    va_end(ap);
    watchdog_arm_((unsigned)(seconds * test_slowdown() + 0.5));
}

/* The blocking step is over: back to the test's own deadline. */
static inline void watchdog_off(void)
{
    alarm(0);
    snprintf(watchdog_what_, sizeof(watchdog_what_), "the test ending within its %d s",
             TEST_DEADLINE_S);
    watchdog_arm_(watchdog_test_left_());
}

__attribute__((constructor)) static void watchdog_start_(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* a log cut short still has every line */
    clock_gettime(CLOCK_MONOTONIC, &watchdog_test_end_);
    watchdog_test_end_.tv_sec += TEST_DEADLINE_S;
    struct sigaction sa = {.sa_handler = watchdog_fire_};
    sigaction(SIGALRM, &sa, NULL);
    watchdog_off();
}

/* Join @t within @seconds (scaled), or fail at once naming @what. */
static inline void join_within(pthread_t t, unsigned seconds, const char *what)
{
    struct timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    end.tv_sec += (time_t)(seconds * test_slowdown() + 0.5);
    int err = pthread_timedjoin_np(t, NULL, &end);
    if (err) {
        fprintf(stderr,
                "timed out after %u s (x%.0f) joining a thread: %s did not happen "
                "(%s)\n",
                seconds, test_slowdown(), what, strerror(err));
        _exit(1);
    }
}

/*
 * Wait for child @pid to exit within @seconds (scaled); its status. If it
 * does not, kill it (so no stray child outlives the test) and fail at once
 * naming @what.
 */
static inline int waitpid_within(pid_t pid, unsigned seconds, const char *what)
{
    struct timespec now, end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += (time_t)(seconds * test_slowdown() + 0.5);
    for (;;) {
        int st = 0;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "waitpid(%d): %s (waiting for %s)\n", (int)pid, strerror(errno), what);
            exit(1);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            fprintf(stderr,
                    "timed out after %u s (x%.0f) waiting for child %d: %s did not "
                    "happen\n",
                    seconds, test_slowdown(), (int)pid, what);
            exit(1);
        }
        usleep(1000);
    }
}

/*
 * The test logger prints every line to stderr (for the test's log) and fails
 * the test on a warning or error it did not declare: a test that provokes
 * one calls expect_log() first with a piece of its text ("" accepts every
 * line, for a test made of deliberate failures). An unexpected warning is a
 * behaviour nobody pinned down (a fallback taken silently, a retry), so it
 * counts as a failed check. Safe from any thread; the declarations are made
 * before the calls that log.
 */
#define EXPECT_LOG_MAX 16
static const char *expect_log_[EXPECT_LOG_MAX];
static int expect_log_n_;

static inline void expect_log(const char *piece)
{
    if (expect_log_n_ == EXPECT_LOG_MAX) {
        fprintf(stderr, "expect_log: more than %d pieces\n", EXPECT_LOG_MAX);
        exit(1);
    }
    expect_log_[expect_log_n_++] = piece;
}

/* Forget the declared pieces: later warnings and errors fail again. */
static inline void expect_log_none(void) { expect_log_n_ = 0; }

/* @msg in UTF-8, whatever the locale (%ls stops at the first non-ASCII
 * character in the C locale: a name cut with U+2026, say). */
static inline void harness_utf8(const WCHAR *msg, char *text, size_t size)
{
#ifndef LINTUN_DYNAMIC
    if (!LintunWideToUtf8(msg, text, size))
        snprintf(text, size, "(a message LintunWideToUtf8 refused)");
#else /* no prototypes: the test loads the library itself */
    snprintf(text, size, "%ls", msg);
#endif
}

/* Whether @text (a log line) contains a piece declared with expect_log(). */
static inline int log_expected(const char *text)
{
    for (int i = 0; i < expect_log_n_; i++)
        if (strstr(text, expect_log_[i]))
            return 1;
    return 0;
}

static inline void test_logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    char text[4 * 1024 + 1];
    (void)ts;
    harness_utf8(msg, text, sizeof(text));
    int bad = level != WINTUN_LOG_INFO && !log_expected(text);
    fprintf(stderr, "[%c] %s%s\n",
            level == WINTUN_LOG_ERR    ? '!'
            : level == WINTUN_LOG_WARN ? '-'
                                       : '+',
            text, bad ? "  <- unexpected: the test did not declare it (expect_log)" : "");
    if (bad) {
        __atomic_add_fetch(&unexpected_log_lines_, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&harness_failures, 1, __ATOMIC_RELAXED);
    }
}

#endif
