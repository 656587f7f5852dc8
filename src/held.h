/* SPDX-License-Identifier: MIT */
/*
 * The held list: sessions whose sends are held back (a super-packet still
 * open in the coalescer, writes staged), process-wide, and the flusher
 * thread that writes them out within about TX_HOLD_NS. The send path (tx.c)
 * puts a session on the list and says how to write it out; a thread about
 * to wait writes out the sessions it sent into last (held_flush_mine), and
 * the flusher writes out the whole list (held_flush_all).
 *
 * Lock order: rx_lock, then tx_lock, then the list's lock. Flushing takes
 * the list's lock first and only try-locks tx_lock, so it never waits in the
 * other order; it lets the list's lock go while it writes.
 */
#ifndef LINTUN_HELD_H
#define LINTUN_HELD_H

#include <stdbool.h>

#define TX_HOLD_NS 100000

struct session;

/* Write out what s holds back (tx_lock held); nonzero when it had something. */
typedef int (*held_flush_fn)(struct session *s);

/*
 * Put s on the list (tx_lock held), or, when it is listed already, make the
 * calling thread the one whose flush points write it; flush writes it out
 * later. Starts the flusher on first use. false when the list is full: the
 * caller writes now.
 */
bool held_add(struct session *s, held_flush_fn flush);
/* Write out every listed session that no other thread is sending into (no
 * locks held); returns how many had something. The flusher's round. */
int held_flush_all(void);
/* The same for the sessions the calling thread sent into last: what a
 * thread does before it waits or after it found nothing to receive. A
 * session another thread keeps sending into is that thread's to write (or
 * the flusher's), so a waiter never cuts another thread's super-packet short
 * or holds its tx_lock while writing. */
int held_flush_mine(void);
/* Take s off the list (before it ends; takes tx_lock). */
void held_remove(struct session *s);

#endif
