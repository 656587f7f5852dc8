/* SPDX-License-Identifier: MIT */
/*
 * Resource accounting for fault and leak tests: descriptors, threads and
 * interfaces before and after, so a test can check that nothing leaked.
 */
#ifndef LINTUN_TEST_RESOURCES_H
#define LINTUN_TEST_RESOURCES_H

#include <dirent.h>
#include <stdbool.h>
#include "harness.h"

/* Descriptors, threads and interfaces, before and after (leak checks). */
static int count_entries(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}
/*
 * Descriptors, io_uring instances apart. The library submits writes through
 * one io_uring per thread that flushed a session (src/writer.h), made on
 * first use and closed when that thread exits: a thread that lives on (the
 * test's main thread, the flusher) keeps its ring after the session ends.
 */
static int fd_count_kind(bool uring)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
            continue;
        char path[300], target[64] = "";
        snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(path, target, sizeof(target) - 1);
        bool is_uring = len > 0 && strstr(target, "[io_uring]");
        n += is_uring == uring;
    }
    closedir(d);
    return n;
}
static int fd_count(void) { return fd_count_kind(false); }
static int task_count(void) { return count_entries("/proc/self/task"); }
static int link_count(void)
{
    FILE *f = popen("ip -o link show | wc -l", "r");
    int n = -1;
    if (f && fscanf(f, "%d", &n) != 1)
        n = -1;
    if (f)
        pclose(f);
    return n;
}
struct baseline {
    int fds, tasks;
};
static struct baseline baseline_take(void) { return (struct baseline){fd_count(), task_count()}; }
/* The library's send flusher is a process-lifetime daemon started on the
 * first coalesced send: one thread more than the baseline is allowed (and
 * one more under ThreadSanitizer, whose runtime starts a thread of its own). */
#ifdef __SANITIZE_THREAD__
#define EXTRA_THREADS 2
#else
#define EXTRA_THREADS 1
#endif
static void baseline_check(struct baseline b)
{
    CHECK_EQ(fd_count(), b.fds);
    /* At most one ring per live thread: a ring per session would pile up. */
    int rings = fd_count_kind(true), tasks = task_count();
    if (rings > tasks)
        FAILF("%d io_uring descriptors for %d threads", rings, tasks);
    int extra = task_count() - b.tasks;
    if (extra < 0 || extra > EXTRA_THREADS)
        FAILF("%d threads more than at the start (the flusher accounts for 1)", extra);
    CHECK_EQ(link_count(), 1);
}

#endif
