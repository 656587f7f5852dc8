/* SPDX-License-Identifier: MIT */
/*
 * The send path (tx.c): WintunAllocateSendPacket, WintunSendPacket and the
 * writes behind them. Everything here runs under tx_lock (session.h).
 */
#ifndef LINTUN_TX_H
#define LINTUN_TX_H

#include "writer.h"

struct session;

/* Set up the session's writer (tun_fd open): 0 or -errno. */
int tx_init(struct session *s, enum writer_mode mode);
/* Write every sent slot from the oldest on (tx_lock held). */
void tx_flush_ready(struct session *s);
/* Write the held-back super-packet and everything staged (tx_lock held). */
void tx_flush_held(struct session *s);

#endif
