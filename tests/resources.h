/* SPDX-License-Identifier: MIT */
/*
 * Resource accounting for fault and leak tests: descriptors, threads and
 * interfaces before and after, so a test can check that nothing leaked.
 */
#ifndef LINTUN_TEST_RESOURCES_H
#define LINTUN_TEST_RESOURCES_H

#include <dirent.h>
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
static int fd_count(void) { return count_entries("/proc/self/fd") - 1; /* opendir's own */ }
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
    int extra = task_count() - b.tasks;
    if (extra < 0 || extra > EXTRA_THREADS)
        FAILF("%d threads more than at the start (the flusher accounts for 1)", extra);
    CHECK_EQ(link_count(), 1);
}

#endif
