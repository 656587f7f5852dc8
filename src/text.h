/* SPDX-License-Identifier: MIT */
/* Names: UTF-8, validation, comparison and interface-name derivation. */
#ifndef LINTUN_TEXT_H
#define LINTUN_TEXT_H

#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include "wintun.h"

/*
 * Encode a NUL-terminated WCHAR string as UTF-8 into out (out_size bytes,
 * NUL included); 0, -EINVAL for a value that is not a Unicode character
 * (a surrogate, above U+10FFFF), -ENOBUFS when it does not fit.
 */
int text_encode_utf8(const WCHAR *in, char *out, size_t out_size);
/*
 * An adapter name or tunnel type to UTF-8: at most max_chars characters, no
 * control characters; 0, -EINVAL (empty, not text) or -ENAMETOOLONG.
 */
int text_to_utf8(const WCHAR *in, size_t max_chars, char *out, size_t out_size);
/* UTF-8 to a WCHAR string of at most out_chars - 1 characters; 0, -EINVAL or -ENAMETOOLONG. */
int text_from_utf8(const char *in, WCHAR *out, size_t out_chars);
/*
 * Decode the UTF-8 character at *p and move *p past it (at least one byte);
 * -1 for an invalid sequence (also overlong forms, surrogates and values above
 * U+10FFFF). *p must point before a NUL terminator.
 */
int32_t text_utf8_next(const unsigned char **p);
/* The C.UTF-8 locale (LC_CTYPE only), or (locale_t)0 when it is missing. */
locale_t text_utf8_locale(void);
/* Case-insensitive equality of two names (Unicode simple lower-casing). */
bool text_equal_nocase(const WCHAR *a, const WCHAR *b);
/* Is s (UTF-8) usable as a Linux interface name as it is? */
bool text_is_ifname(const char *s);
/*
 * A valid interface name derived from a UTF-8 adapter name: invalid bytes
 * become '_', non-ASCII is dropped, cut to 15 bytes; attempt > 0 appends
 * "~N" for the N-th retry after a clash.
 */
void text_derive_ifname(const char *name, unsigned int attempt, char out[16]);

#endif
