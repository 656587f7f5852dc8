/* SPDX-License-Identifier: MIT */
/*
 * Retired handles. A closed adapter or ended session is not freed at once:
 * its magic is overwritten and it waits among the last HANDLE_GRAVES retired
 * handles, so that a program using a stale handle soon after closing it gets
 * ERROR_INVALID_HANDLE instead of reading freed memory. Older ones are freed.
 * This is best-effort detection of a program error, documented as such.
 */
#ifndef LINTUN_HANDLE_H
#define LINTUN_HANDLE_H

#define HANDLE_DEAD 0xdeadd00du
#define HANDLE_GRAVES 64

/* Take ownership of p (allocated with malloc/calloc) and free it later. */
void handle_retire(void *p);

#endif
