/* SPDX-License-Identifier: MIT */
/* The read-wait event and its descriptors (wait.c). */
#ifndef LINTUN_WAIT_H
#define LINTUN_WAIT_H

#include <stdbool.h>

struct session;

/*
 * Take the queue out of the wait set while the ring has no room for what was
 * read (blocked), and put it back (rx_lock held). Waiters then sleep on the
 * eventfd alone, which a release fires.
 */
void wait_set_blocked(struct session *s, bool blocked);

#endif
