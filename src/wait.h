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

/*
 * A receive found nothing (rx_lock held): reset the event, so that the
 * descriptor of LintunGetReadWaitFd stops being readable for a wake-up that
 * is used up, as Wintun's auto-reset event stops being signalled. Not while
 * the session is at EOF or ending: then the event stays signalled.
 */
void wait_event_reset(struct session *s);

#endif
