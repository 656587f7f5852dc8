/* SPDX-License-Identifier: MIT */
/*
 * Logging and the last-error contract, shared by every module.
 *
 * Inside the library functions return 0 or -errno. A public entry point
 * converts once, at the edge: it calls fail() (or fail_errno()), which logs
 * the failure through the user's logger and sets the thread's last error.
 * Logging never changes the last error.
 */
#ifndef LINTUN_LOG_H
#define LINTUN_LOG_H

#include "wintun.h"

#define LINTUN_EXPORT __attribute__((visibility("default")))

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
 * The Windows code that fits a positive errno: EPERM/EACCES ->
 * ERROR_ACCESS_DENIED, ENOMEM/ENOBUFS -> ERROR_NOT_ENOUGH_MEMORY, ENOENT ->
 * ERROR_FILE_NOT_FOUND, EINVAL/ERANGE -> ERROR_INVALID_PARAMETER, EEXIST ->
 * ERROR_ALREADY_EXISTS, ENODEV/EBADFD/ENXIO -> ERROR_HANDLE_EOF, ESRCH/EADDRNOTAVAIL
 * -> ERROR_NOT_FOUND, anything else -> ERROR_GEN_FAILURE.
 */
DWORD error_from_errno(int err);

/* fail_errno(error_from_errno(err), err, ...). */
#define fail_sys(err, ...) fail_errno(error_from_errno(err), (err), __VA_ARGS__)

/* The thread's last error, without the Win32 wrappers. */
void set_last_error(DWORD code);
DWORD get_last_error(void);

#endif
