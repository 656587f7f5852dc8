/* SPDX-License-Identifier: MIT */
/*
 * The send path (tx.c): WintunAllocateSendPacket, WintunSendPacket, the
 * writes behind them, and the held list of sessions whose sends are held
 * back, with the flusher thread that writes them out within about
 * TX_HOLD_NS. Everything that touches a session's send half runs under its
 * tx_lock (session.h).
 */
#ifndef LINTUN_TX_H
#define LINTUN_TX_H

#include "writer.h"

#define TX_HOLD_NS 100000

struct session;

/* Set up the session's writer (tun_fd open): 0 or -errno. */
int tx_init(struct session *s, enum writer_mode mode);
/* Write every sent slot from the oldest on (tx_lock held). */
void tx_flush_ready(struct session *s);
/* Write the held-back super-packet and everything staged (tx_lock held). */
void tx_flush_held(struct session *s);
/*
 * Write out the sessions the calling thread sent into last (no locks held):
 * what a thread does before it waits or after it found nothing to receive.
 * A session another thread keeps sending into is that thread's to write (or
 * the flusher's), so a waiter never cuts another thread's super-packet short
 * or holds its tx_lock while writing. Returns how many had something.
 */
int tx_flush_mine(void);
/* Take s off the held list (before it ends; takes tx_lock). */
void tx_unhold(struct session *s);

#endif
