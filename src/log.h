/* SPDX-License-Identifier: MIT */
/*
 * Logging and the last-error contract, shared by every module.
 *
 * Inside the library functions return 0 or -errno and never set the last
 * error. A public entry point converts once, at the edge: it calls fail() (or
 * fail_errno()), or failure_report() for a failure an internal function
 * recorded, which logs the failure through the user's logger and sets the
 * thread's last error. Logging and freeing never change the last error.
 */
#ifndef LINTUN_LOG_H
#define LINTUN_LOG_H

#include "wintun.h"

#define LINTUN_EXPORT __attribute__((visibility("default")))

/* Characters of one log line, at most (longer ones are cut, U+2026 last). */
#define LOG_MAX_CHARS 1023

/* Log a formatted message (UTF-8) at the given level. */
void log_msg(WINTUN_LOGGER_LEVEL level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Log "<what>: <strerror(err)> (Code 0x%08X)" at WINTUN_LOG_ERR, with err the
 * positive errno (for the text) and code the Windows code (printed, and set
 * as the last error). Returns code.
 */
DWORD fail_errno(DWORD code, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Log "<what>: <Windows text of code> (Code 0x%08X)" at WINTUN_LOG_ERR (as
 * Wintun's LOG_ERROR lines read) and set the last error to code. Returns code.
 */
DWORD fail(DWORD code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * How an errno reads as a Windows code (lintun(7), ERRORS): EPERM/EACCES ->
 * ERROR_ACCESS_DENIED, ENOMEM/ENOBUFS -> ERROR_NOT_ENOUGH_MEMORY, ENOENT ->
 * ERROR_FILE_NOT_FOUND, EINVAL/ERANGE/ENAMETOOLONG -> ERROR_INVALID_PARAMETER,
 * EEXIST/EADDRINUSE -> ERROR_ALREADY_EXISTS, ENODEV/EBADFD/ENXIO ->
 * ERROR_HANDLE_EOF, ESRCH/EADDRNOTAVAIL -> ERROR_NOT_FOUND, anything else ->
 * ERROR_GEN_FAILURE. The kernel's answers to address, route, MTU and link
 * changes (ERRNO_CONFIG) keep only the permission, gone, invalid and memory
 * cases (ENOMEM) and read ESRCH/EADDRNOTAVAIL as ERROR_NOT_FOUND only for a
 * deletion (ERRNO_CONFIG_DELETE); the rest is ERROR_GEN_FAILURE.
 */
enum errno_scope { ERRNO_ANY, ERRNO_CONFIG, ERRNO_CONFIG_DELETE };
DWORD error_from_errno(int err, enum errno_scope scope);

/* fail_errno(error_from_errno(err, ERRNO_ANY), err, ...). */
#define fail_sys(err, ...) fail_errno(error_from_errno((err), ERRNO_ANY), (err), __VA_ARGS__)

/*
 * A failure found inside the library, kept for its public entry point.
 * Internals return -errno; where a failure is found with detail worth a log
 * line, they record it (what failed, the errno, the Windows code it means to
 * the caller) and return the -errno. The entry point reports the record once
 * (failure_report): the log line, then the last error. Nothing inside sets
 * the last error, so cleanup never has to keep it.
 */
struct failure {
    DWORD code; /* the last error the entry point sets */
    int err;    /* positive errno, for the text; 0: the Windows code's text */
    char what[4 * LOG_MAX_CHARS + 8]; /* UTF-8 */
};

/* Record "<what>: <strerror(err)>" with code; returns -err. */
int failure_errno(struct failure *f, DWORD code, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Record "<what>: <Windows text of code>"; returns ret (a negative errno). */
int failure_code(struct failure *f, DWORD code, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* failure_errno(f, error_from_errno(err, ERRNO_ANY), err, ...). */
#define failure_sys(f, err, ...)                                                                  \
    failure_errno((f), error_from_errno((err), ERRNO_ANY), (err), __VA_ARGS__)
/* Log the failure as fail() or fail_errno() would and set the last error. */
void failure_report(const struct failure *f);

/* The thread's last error, without the Win32 wrappers. */
void set_last_error(DWORD code);
DWORD get_last_error(void);

#endif
