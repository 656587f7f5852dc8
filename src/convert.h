/* SPDX-License-Identifier: MIT */
/*
 * GUID text, shared by the adapter alias and the public LintunGuidToString /
 * LintunStringToGuid (include/wintun.h documents the format).
 */
#ifndef LINTUN_CONVERT_H
#define LINTUN_CONVERT_H

#include "wintun.h"

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" and its NUL. */
#define GUID_TEXT_SIZE 39

/* Write g as upper-case braced text. */
void guid_format(const GUID *g, char out[GUID_TEXT_SIZE]);
/* Parse 8-4-4-4-12 hex digits, braced or not, nothing around; 0 or -EINVAL. */
int guid_parse(const char *s, GUID *g);

#endif
