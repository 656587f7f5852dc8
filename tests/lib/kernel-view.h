/* SPDX-License-Identifier: MIT */
/*
 * Reading what the kernel says, independently of the library, for the
 * configuration tests: `ip -j ...` piped through python3's json module.
 */
#ifndef LINTUN_TEST_KERNEL_VIEW_H
#define LINTUN_TEST_KERNEL_VIEW_H

#include <stdarg.h>
#include "harness.h"

/*
 * What the kernel says, read independently of the library: a shell pipeline
 * of `ip -j ...` into python3's json module, one item a line, into buf.
 */
static void kernel_lines(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void kernel_lines(char *buf, size_t size, const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    size_t n = 0;
    FILE *p;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    buf[0] = '\0';
    p = popen(cmd, "r");
    if (!p) {
        FAILF("popen(%s) failed", cmd);
        return;
    }
    while (n + 1 < size && fgets(buf + n, (int)(size - n), p))
        n += strlen(buf + n);
    if (pclose(p) != 0)
        FAILF("command failed: %s", cmd);
}

/* Is line (without its newline) one of the lines in buf? */
static __attribute__((unused)) int has_line(const char *buf, const char *line)
{
    size_t len = strlen(line);

    for (const char *p = buf; (p = strstr(p, line)); p++)
        if ((p == buf || p[-1] == '\n') && (p[len] == '\n' || p[len] == '\0'))
            return 1;
    return 0;
}

#endif
