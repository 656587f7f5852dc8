/* SPDX-License-Identifier: MIT */
/*
 * Adapter names and tunnel types: WCHAR (UTF-32 on Linux) to and from UTF-8,
 * validation, case-insensitive comparison and interface-name derivation.
 */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>
#include "text.h"

/* One character as UTF-8 into out; its length, or -ENOBUFS when room is short. */
static int put_utf8(uint32_t c, char *out, size_t room)
{
    int n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if ((size_t)n > room)
        return -ENOBUFS;
    if (n == 1) {
        out[0] = (char)c;
        return 1;
    }
    for (int i = n - 1; i > 0; i--, c >>= 6)
        out[i] = (char)(0x80 | (c & 0x3f));
    out[0] = (char)((0xf00 >> n) | c);
    return n;
}

static bool is_char(uint32_t c) { return c <= 0x10ffff && (c < 0xd800 || c >= 0xe000); }

int text_encode_utf8(const WCHAR *in, char *out, size_t out_size)
{
    size_t used = 0;
    if (out_size == 0)
        return -ENOBUFS;
    for (; *in; in++) {
        if (!is_char((uint32_t)*in))
            return -EINVAL;
        int n = put_utf8((uint32_t)*in, out + used, out_size - 1 - used);
        if (n < 0)
            return n;
        used += (size_t)n;
    }
    out[used] = 0;
    return 0;
}

/*
 * Wintun counts names in UTF-16 units (WCHAR is 2 bytes there): a character
 * above U+FFFF counts twice. The length is checked before the text, as
 * Wintun's length check comes before anything looks at the characters.
 */
static size_t utf16_units(const WCHAR *in)
{
    size_t units = 0;
    for (; *in; in++)
        units += (uint32_t)*in > 0xffff && (uint32_t)*in <= 0x10ffff ? 2 : 1;
    return units;
}

int text_to_utf8(const WCHAR *in, size_t max_chars, char *out, size_t out_size)
{
    if (!in || !*in)
        return -EINVAL;
    if (utf16_units(in) > max_chars)
        return -ENAMETOOLONG;
    for (const WCHAR *p = in; *p; p++) {
        uint32_t c = (uint32_t)*p;
        if (c < 0x20 || (c >= 0x7f && c < 0xa0))
            return -EINVAL;
    }
    int err = text_encode_utf8(in, out, out_size);
    return err == -ENOBUFS ? -ENAMETOOLONG : err;
}

int32_t text_utf8_next(const unsigned char **p)
{
    /* The smallest code point each length may encode: shorter forms are overlong. */
    static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
    uint32_t c = *(*p)++;
    int more = c >= 0xf8 ? -1 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : c >= 0x80 ? -1 : 0;
    if (more < 0)
        return -1; /* a continuation byte with no lead, or no UTF-8 lead byte at all */
    c &= more ? 0x3fu >> more : 0x7fu;
    for (int i = 0; i < more; i++) {
        if ((**p & 0xc0) != 0x80)
            return -1; /* cut short: the next byte starts the next character */
        c = (c << 6) | (*(*p)++ & 0x3fu);
    }
    return c < min[more] || !is_char(c) ? -1 : (int32_t)c;
}

int text_from_utf8(const char *in, WCHAR *out, size_t out_chars)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t n = 0;
    while (*p) {
        int32_t c = text_utf8_next(&p);
        if (c < 0)
            return -EINVAL;
        if (n + 1 >= out_chars)
            return -ENAMETOOLONG;
        out[n++] = (WCHAR)c;
    }
    if (out_chars == 0)
        return -ENAMETOOLONG;
    out[n] = 0;
    return 0;
}

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

locale_t text_utf8_locale(void)
{
    pthread_once(&utf8_once, utf8_locale_init);
    return utf8_locale;
}

static wint_t fold(wint_t c)
{
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    locale_t l = text_utf8_locale();
    return l ? towlower_l(c, l) : c;
}

bool text_equal_nocase(const WCHAR *a, const WCHAR *b)
{
    for (; *a && *b; a++, b++)
        if (fold((wint_t)*a) != fold((wint_t)*b))
            return false;
    return *a == *b;
}

bool text_is_ifname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= 16 || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c == '/' || c == ':' || c >= 0x7f)
            return false;
    }
    return true;
}

void text_derive_ifname(const char *name, unsigned int attempt, char out[16])
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && n < 15; p++) {
        unsigned char c = *p;
        if (c >= 0x80)
            continue; /* drop non-ASCII bytes rather than make an unreadable name */
        out[n++] = (c <= ' ' || c == '/' || c == ':' || c == 0x7f) ? '_' : (char)c;
    }
    if (n == 0)
        memcpy(out, "lintun", (n = 6));
    out[n] = 0;
    if (!strcmp(out, ".") || !strcmp(out, ".."))
        out[0] = '_';
    if (attempt) {
        char suffix[8];
        int len = snprintf(suffix, sizeof(suffix), "~%u", attempt);
        if (n + (size_t)len > 15)
            n = 15 - (size_t)len;
        memcpy(out + n, suffix, (size_t)len + 1);
    }
}
