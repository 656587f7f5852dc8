/* SPDX-License-Identifier: MIT */
/*
 * Conversions a Wintun program needs beside the API: a GUID to and from its
 * text, and WCHAR strings (UTF-32 on Linux) to and from UTF-8. The library
 * uses the same code for the interface alias and adapter names, so there is
 * one GUID format and one UTF-8 encoder.
 *
 * The public calls never log: a logger callback may call them (to print the
 * WCHAR message it gets) without calling back into the logger. They only set
 * the last error when they fail.
 */
#include <errno.h>
#include <string.h>
#include "convert.h"
#include "log.h"
#include "text.h"

void guid_format(const GUID *g, char out[GUID_TEXT_SIZE])
{
    static const char hex[] = "0123456789ABCDEF";
    uint8_t bytes[16] = {
        (uint8_t)(g->Data1 >> 24), (uint8_t)(g->Data1 >> 16), (uint8_t)(g->Data1 >> 8),
        (uint8_t)g->Data1,         (uint8_t)(g->Data2 >> 8),  (uint8_t)g->Data2,
        (uint8_t)(g->Data3 >> 8),  (uint8_t)g->Data3,
    };
    size_t n = 0;

    memcpy(bytes + 8, g->Data4, 8);
    out[n++] = '{';
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[n++] = '-';
        out[n++] = hex[bytes[i] >> 4];
        out[n++] = hex[bytes[i] & 0xf];
    }
    out[n++] = '}';
    out[n] = 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int guid_parse(const char *s, GUID *g)
{
    uint8_t bytes[16];
    bool braced = *s == '{';
    const char *p = s + braced;

    /* 8-4-4-4-12 hex digits: dashes after the 4th, 6th, 8th and 10th byte. */
    for (int i = 0; i < 16; i++) {
        if ((i == 4 || i == 6 || i == 8 || i == 10) && *p++ != '-')
            return -EINVAL;
        int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
        if (lo < 0)
            return -EINVAL;
        bytes[i] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    if (braced && *p++ != '}')
        return -EINVAL;
    if (*p)
        return -EINVAL;
    g->Data1 = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 |
               bytes[3];
    g->Data2 = (uint16_t)(bytes[4] << 8 | bytes[5]);
    g->Data3 = (uint16_t)(bytes[6] << 8 | bytes[7]);
    memcpy(g->Data4, bytes + 8, 8);
    return 0;
}

static BOOL failed(DWORD code)
{
    set_last_error(code);
    return FALSE;
}

LINTUN_EXPORT BOOL LintunGuidToString(const GUID *Guid, char *Buffer, size_t Size)
{
    if (!Guid || !Buffer)
        return failed(ERROR_INVALID_PARAMETER);
    if (Size < GUID_TEXT_SIZE)
        return failed(ERROR_BUFFER_OVERFLOW);
    guid_format(Guid, Buffer);
    return TRUE;
}

LINTUN_EXPORT BOOL LintunStringToGuid(const char *Text, GUID *Guid)
{
    if (!Text || !Guid || guid_parse(Text, Guid) < 0)
        return failed(ERROR_INVALID_PARAMETER);
    return TRUE;
}

LINTUN_EXPORT BOOL LintunWideToUtf8(const WCHAR *Text, char *Buffer, size_t Size)
{
    if (!Text || !Buffer)
        return failed(ERROR_INVALID_PARAMETER);
    int err = text_encode_utf8(Text, Buffer, Size);
    if (err < 0 && Size > 0)
        Buffer[0] = 0;
    if (err < 0)
        return failed(err == -ENOBUFS ? ERROR_BUFFER_OVERFLOW : ERROR_INVALID_PARAMETER);
    return TRUE;
}

LINTUN_EXPORT BOOL LintunUtf8ToWide(const char *Text, WCHAR *Buffer, size_t Count)
{
    if (!Text || !Buffer)
        return failed(ERROR_INVALID_PARAMETER);
    int err = text_from_utf8(Text, Buffer, Count);
    if (err < 0 && Count > 0)
        Buffer[0] = 0;
    if (err < 0)
        return failed(err == -ENAMETOOLONG ? ERROR_BUFFER_OVERFLOW : ERROR_INVALID_PARAMETER);
    return TRUE;
}
