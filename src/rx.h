/* SPDX-License-Identifier: MIT */
/*
 * The receive path (rx.c): WintunReceivePacket, WintunReleaseReceivePacket
 * and the reads behind them. Everything here runs under rx_lock (session.h).
 */
#ifndef LINTUN_RX_H
#define LINTUN_RX_H

struct session;

/* Store what the queue has into the ring; 0 or -errno (-EBADFD: adapter gone). */
int rx_fill(struct session *s);
/* After a release: store the pending read if it fits now. */
void rx_after_release(struct session *s);

#endif
