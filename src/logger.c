/* SPDX-License-Identifier: MIT */
/*
 * The logger callback and the thread's last error.
 *
 * The callback pointer is one atomic: WintunSetLogger may race with logging
 * threads, and a thread either sees the old or the new callback. Messages are
 * formatted as UTF-8, then widened to WCHAR for the callback; one longer than
 * 1023 characters is cut to 1022 and ends in U+2026, as Wintun's StrTruncate
 * cuts its 1024-WCHAR buffer. A line that sets a last error ends as Wintun's
 * LOG_ERROR lines do: "<what>: <system text> (Code 0x%08X)". Every path
 * saves and restores errno and the last error, so logging never changes what
 * the caller is about to report.
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "log.h"
#include "text.h"

/* 100-ns intervals between 1601-01-01 and 1970-01-01. */
#define EPOCH_1601_OFFSET 116444736000000000ULL

static _Atomic(WINTUN_LOGGER_CALLBACK) logger;
static _Thread_local DWORD last_error;

void set_last_error(DWORD code) { last_error = code; }
DWORD get_last_error(void) { return last_error; }

LINTUN_EXPORT DWORD LintunGetLastError(void) { return last_error; }
LINTUN_EXPORT void LintunSetLastError(DWORD code) { last_error = code; }

LINTUN_EXPORT void WintunSetLogger(WINTUN_LOGGER_CALLBACK new_logger)
{
    atomic_store_explicit(&logger, new_logger, memory_order_release);
}

static DWORD64 now_filetime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (DWORD64)ts.tv_sec * 10000000ULL + (DWORD64)ts.tv_nsec / 100 + EPOCH_1601_OFFSET;
}

/* Widen UTF-8 to WCHAR, at most LOG_MAX_CHARS characters, U+2026 last when cut. */
static void widen_message(const char *in, WCHAR *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)in;
    while (*p && n < LOG_MAX_CHARS) {
        int32_t c = text_utf8_next(&p);
        out[n++] = c < 0 ? 0xfffd : (WCHAR)c; /* U+FFFD for invalid bytes */
    }
    if (*p && n == LOG_MAX_CHARS)
        out[n - 1] = 0x2026; /* HORIZONTAL ELLIPSIS */
    out[n] = 0;
}

/*
 * vsnprintf with "%ls" (adapter names) written as UTF-8 whatever the
 * program's locale: in the C locale a name outside ASCII fails the whole
 * line (vsnprintf returns -1 and the buffer is not a string). uselocale
 * only changes the calling thread, for the duration of the call.
 */
static void format_utf8(char *buf, size_t size, const char *fmt, va_list ap)
{
    locale_t utf8 = text_utf8_locale();
    locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
    if (vsnprintf(buf, size, fmt, ap) < 0)
        snprintf(buf, size, "(a log message that could not be formatted: %s)", fmt);
    if (utf8)
        uselocale(old);
}

static void log_vmsg(WINTUN_LOGGER_LEVEL level, const char *fmt, va_list ap)
{
    WINTUN_LOGGER_CALLBACK cb = atomic_load_explicit(&logger, memory_order_acquire);
    if (!cb)
        return;
    int saved_errno = errno;
    DWORD saved_error = last_error;
    char text[4 * LOG_MAX_CHARS + 8];
    WCHAR wide[LOG_MAX_CHARS + 1];
    format_utf8(text, sizeof(text), fmt, ap);
    widen_message(text, wide);
    cb(level, now_filetime(), wide);
    last_error = saved_error;
    errno = saved_errno;
}

void log_msg(WINTUN_LOGGER_LEVEL level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}

/* The text Windows gives the codes this library sets, for error lines. */
static const struct {
    DWORD code;
    const char *text;
} code_texts[] = {
    {ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."},
    {ERROR_ACCESS_DENIED, "Access is denied."},
    {ERROR_INVALID_HANDLE, "The handle is invalid."},
    {ERROR_NOT_ENOUGH_MEMORY,
     "Not enough memory resources are available to process this command."},
    {ERROR_INVALID_DATA, "The data is invalid."},
    {ERROR_GEN_FAILURE, "A device attached to the system is not functioning."},
    {ERROR_HANDLE_EOF, "Reached the end of the file."},
    {ERROR_NOT_SUPPORTED, "The request is not supported."},
    {ERROR_INVALID_PARAMETER, "The parameter is incorrect."},
    {ERROR_BUFFER_OVERFLOW, "The file name is too long."},
    {ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists."},
    {ERROR_MORE_DATA, "More data is available."},
    {ERROR_NO_MORE_ITEMS, "No more data is available."},
    {ERROR_NOT_FOUND, "Element not found."},
    {ERROR_ALREADY_INITIALIZED, "An attempt was made to perform an initialization operation "
                                "when initialization has already been completed."},
    {ERROR_OBJECT_ALREADY_EXISTS, "The object already exists."},
};

static const char *code_text(DWORD code)
{
    for (size_t i = 0; i < sizeof(code_texts) / sizeof(code_texts[0]); i++)
        if (code_texts[i].code == code)
            return code_texts[i].text;
    return NULL;
}

void failure_report(const struct failure *f)
{
    char buf[256];
    const char *text = f->err ? strerror_r(f->err, buf, sizeof(buf)) : code_text(f->code);
    /* As in Wintun's error lines, the code is the one GetLastError() returns. */
    if (text)
        log_msg(WINTUN_LOG_ERR, "%s: %s (Code 0x%08X)", f->what, text, (unsigned)f->code);
    else
        log_msg(WINTUN_LOG_ERR, "%s: Code 0x%08X", f->what, (unsigned)f->code);
    last_error = f->code;
}

static void failure_vset(struct failure *f, DWORD code, int err, const char *fmt, va_list ap)
{
    f->code = code;
    f->err = err;
    format_utf8(f->what, sizeof(f->what), fmt, ap);
}

int failure_errno(struct failure *f, DWORD code, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failure_vset(f, code, err, fmt, ap);
    va_end(ap);
    return -err;
}

int failure_code(struct failure *f, DWORD code, int ret, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failure_vset(f, code, 0, fmt, ap);
    va_end(ap);
    return ret;
}

DWORD fail(DWORD code, const char *fmt, ...)
{
    struct failure f;
    va_list ap;
    va_start(ap, fmt);
    failure_vset(&f, code, 0, fmt, ap);
    va_end(ap);
    failure_report(&f);
    return code;
}

DWORD fail_errno(DWORD code, int err, const char *fmt, ...)
{
    struct failure f;
    va_list ap;
    va_start(ap, fmt);
    failure_vset(&f, code, err, fmt, ap);
    va_end(ap);
    failure_report(&f);
    return code;
}

DWORD error_from_errno(int err, enum errno_scope scope)
{
    bool config = scope != ERRNO_ANY;
    switch (err) {
    case EPERM:
    case EACCES:
        return ERROR_ACCESS_DENIED;
    case ENOMEM:
        return ERROR_NOT_ENOUGH_MEMORY;
    case ENOBUFS:
        return config ? ERROR_GEN_FAILURE : ERROR_NOT_ENOUGH_MEMORY;
    case ENOENT:
        return config ? ERROR_GEN_FAILURE : ERROR_FILE_NOT_FOUND;
    case EINVAL:
    case ERANGE:
        return ERROR_INVALID_PARAMETER;
    case ENAMETOOLONG:
        return config ? ERROR_GEN_FAILURE : ERROR_INVALID_PARAMETER;
    case EEXIST:
    case EADDRINUSE:
        return config ? ERROR_GEN_FAILURE : ERROR_ALREADY_EXISTS;
    case ENODEV:
    case ENXIO:
        return ERROR_HANDLE_EOF;
    case EBADFD:
        return config ? ERROR_GEN_FAILURE : ERROR_HANDLE_EOF;
    case ESRCH:
    case EADDRNOTAVAIL:
        return scope == ERRNO_CONFIG ? ERROR_GEN_FAILURE : ERROR_NOT_FOUND;
    default:
        return ERROR_GEN_FAILURE;
    }
}
