/* SPDX-License-Identifier: MIT */
/*
 * What /proc says about this process, for the leak test (tests/leak-cycles)
 * and the soak (bench/soak). Not part of the library.
 */
#ifndef LINTUN_COMMON_PROC_H
#define LINTUN_COMMON_PROC_H

#include <stdio.h>
#include <unistd.h>

/* Resident memory in KiB (from /proc/self/statm), 0 if unreadable. */
static inline long rss_kib(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

#endif
