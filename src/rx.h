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
/*
 * A waiter woke because the queue has packets: store everything the queue
 * holds in the ring (until the ring is full), as Wintun's driver puts what
 * arrives in its ring before it sets the read-wait event. The queue is then
 * empty, so the next wait sleeps until new packets arrive. Returns the
 * number of packets stored, or (when none was) -errno from the read:
 * -EBADFD when the adapter is gone.
 */
int rx_pull(struct session *s);

#endif
