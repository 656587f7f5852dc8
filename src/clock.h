/* SPDX-License-Identifier: MIT */
/*
 * The library's one clock: CLOCK_MONOTONIC in nanoseconds, read through the
 * vDSO (no system call). Every deadline, gap and rate limit in src/ uses it.
 */
#ifndef LINTUN_CLOCK_H
#define LINTUN_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
