/* SPDX-License-Identifier: MIT */
/*
 * WINTUN_LOGGER_CALLBACK is a pointer type, as in Wintun's api/wintun.h:
 * Windows code declares variables and struct members of that type, defines
 * its logger as `static VOID CALLBACK Logger(...)` and passes it to
 * WintunSetLogger, also through a WINTUN_SET_LOGGER_FUNC pointer. This test
 * is that code: it must compile, and the logger it installs must be called.
 */
#include "harness.h"

_Static_assert(_Generic((WINTUN_LOGGER_CALLBACK)0,
                        void (*)(WINTUN_LOGGER_LEVEL, DWORD64, const WCHAR *) : 1, default : 0),
               "WINTUN_LOGGER_CALLBACK is a pointer to the logger function");

struct program {
    WINTUN_LOGGER_CALLBACK Logger; /* a struct member of the type */
    WINTUN_SET_LOGGER_FUNC *SetLogger;
};

static int lines;
static WINTUN_LOGGER_LEVEL last_level;

static VOID CALLBACK ConsoleLogger(WINTUN_LOGGER_LEVEL Level, DWORD64 Timestamp, LPCWSTR LogLine)
{
    (void)Timestamp;
    (void)LogLine;
    last_level = Level;
    lines++;
}

static WINTUN_LOGGER_CALLBACK Saved = ConsoleLogger; /* a variable of the type */

int main(void)
{
    struct program prog = {.Logger = Saved, .SetLogger = WintunSetLogger};
    prog.SetLogger(prog.Logger);
    CHECK_ERR(WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER); /* logs an error line */
    CHECK_EQ(lines, 1);
    CHECK_EQ(last_level, WINTUN_LOG_ERR);
    prog.SetLogger(NULL);
    CHECK_ERR(WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(lines, 1); /* silent again */
    return test_done();
}
