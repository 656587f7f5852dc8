/* SPDX-License-Identifier: MIT */
/*
 * The session object: its handle, making and freeing it, the end of file
 * (the adapter gone, the creator exited) and the counters. Starting and
 * ending are in start.c, the data path in rx.c and tx.c, waiting in wait.c;
 * session.h states the locking rules.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "adapter.h"
#include "clock.h"
#include "handle.h"
#include "log.h"
#include "session.h"

struct carrier_waits session_carrier_waits;

struct session *session_get(WINTUN_SESSION_HANDLE handle, const char *caller)
{
    if (!handle) {
        fail(ERROR_INVALID_HANDLE, "%s: session handle is NULL", caller);
        return NULL;
    }
    /* Sessions are aligned to a cache line (session_new): anything else is
     * not one, and must not be read as one. */
    struct session *s = (struct session *)handle;
    if ((uintptr_t)handle % SESSION_CACHE_LINE || s->magic != SESSION_MAGIC) {
        fail(ERROR_INVALID_HANDLE, "%s: not a live session handle (ended?)", caller);
        return NULL;
    }
    return s;
}

struct session *session_new(struct adapter *a, DWORD flags)
{
    /* Aligned like its halves (session.h); sizeof is a multiple of the line. */
    struct session *s = aligned_alloc(SESSION_CACHE_LINE, sizeof(*s));
    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    s->magic = SESSION_MAGIC;
    s->event.magic = EVENT_MAGIC;
    s->event.session = s;
    s->adapter = a;
    adapter_hold(a); /* the adapter outlives its handle while the session runs */
    s->flags = flags;
    s->tun_fd = s->event_fd = s->epoll_fd = s->creator_fd = s->lock_fd = -1;
    pthread_mutex_init(&s->rx_lock, NULL);
    pthread_mutex_init(&s->tx_lock, NULL);
    return s;
}

void session_free(struct session *s)
{
    if (s->tun_fd >= 0)
        adapter_detach_queue(s->tun_fd, s->owns_tun_fd);
    /* Cleared, not just closed: a late waiter still holding the (retired)
     * struct must not touch a descriptor number that is reused elsewhere. */
    int *fds[] = {&s->event_fd, &s->epoll_fd, &s->creator_fd, &s->lock_fd};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
    ring_free(&s->rx);
    ring_free(&s->tx);
    free(s->rx_buf);
    s->rx_buf = NULL;
    writer_free(&s->w);
    s->magic = HANDLE_DEAD;
    s->event.magic = HANDLE_DEAD;
    adapter_release(s->adapter);
    handle_retire(s);
}

/* ------------------------------------------------------------------------
 * End of file: the adapter gone, the creator exited
 * --------------------------------------------------------------------- */

void session_wake(struct session *s)
{
    uint64_t one = 1;
    if (write(s->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        log_msg(WINTUN_LOG_WARN, "Failed to signal the read-wait event: %s", strerror(errno));
    /* After the write: a reset that clears the flag first finds the count
     * set, or leaves the flag set for the next reset (session_event_reset). */
    atomic_store(&s->event_set, true);
}

/*
 * Read the eventfd back to zero. True when this read took a signal: of
 * several threads woken by one signal, exactly one reads it.
 */
static bool event_drain(struct session *s)
{
    uint64_t v;
    if (read(s->event_fd, &v, sizeof(v)) == (ssize_t)sizeof(v))
        return true;
    if (errno != EAGAIN)
        log_msg(WINTUN_LOG_WARN, "Failed to reset the read-wait event: %s", strerror(errno));
    return false;
}

bool session_event_take(struct session *s)
{
    atomic_store(&s->event_set, false);
    return event_drain(s);
}

void session_event_reset(struct session *s)
{
    if (!atomic_load_explicit(&s->event_set, memory_order_relaxed) ||
        !atomic_exchange(&s->event_set, false))
        return;
    event_drain(s);
    /* EOF or the end may have been signalled since the caller looked. */
    if (atomic_load(&s->eof) || atomic_load(&s->ending))
        session_wake(s);
}

void session_set_rx_blocked(struct session *s, bool blocked)
{
    if (atomic_load_explicit(&s->rx_blocked, memory_order_relaxed) == blocked)
        return;
    struct epoll_event ev = {.events = blocked ? 0 : EPOLLIN, .data.fd = s->tun_fd};
    if (s->epoll_fd >= 0 && epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, s->tun_fd, &ev) < 0)
        log_msg(WINTUN_LOG_WARN, "Failed to update the read-wait set: %s", strerror(errno));
    atomic_store_explicit(&s->rx_blocked, blocked, memory_order_relaxed);
}

/*
 * A deleted interface fails the queue: poll reports POLLERR (asked for or
 * not) and read and write return EBADFD. Wintun's driver ends the rings when
 * the adapter goes, so its next WintunAllocateSendPacket fails; here a
 * session that only sends would learn of it only when a write failed, one
 * packet too late, so allocations look, cheaply (session.h).
 */
#define GONE_CHECK_NS 10000000ull

bool session_gone(struct session *s)
{
    if (atomic_load_explicit(&s->eof, memory_order_relaxed))
        return true;
    unsigned int removals = adapter_removals();
    uint64_t now = now_ns();
    if (removals == atomic_load_explicit(&s->removals_seen, memory_order_relaxed) &&
        now - atomic_load_explicit(&s->gone_check_ns, memory_order_relaxed) < GONE_CHECK_NS)
        return false;
    atomic_store_explicit(&s->removals_seen, removals, memory_order_relaxed);
    atomic_store_explicit(&s->gone_check_ns, now, memory_order_relaxed);
    /* poll() skips a negative descriptor: creator_fd is -1 in the creator. */
    struct pollfd p[2] = {{.fd = s->tun_fd}, {.fd = s->creator_fd, .events = POLLIN}};
    if (poll(p, 2, 0) > 0) {
        if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
            session_set_eof(s);
        if (p[1].revents)
            session_check_creator(s, true);
    }
    return atomic_load(&s->eof);
}

#define CREATOR_CHECK_NS 10000000ull

/*
 * Callers may or may not hold rx_lock (a receiver does; an allocator, through
 * session_gone, and a waiter do not), so this takes no lock and touches only
 * atomics: check_ns may be written by two threads at once (either time will
 * do), and creator_gone picks the one thread that acts. EOF comes before the
 * deletion, so every call reports it within the check period even when
 * deleting the interface takes the kernel a long time.
 */
void session_check_creator(struct session *s, bool force)
{
    if (s->creator_fd < 0 || atomic_load(&s->eof))
        return;
    uint64_t now = now_ns();
    if (!force &&
        now - atomic_load_explicit(&s->check_ns, memory_order_relaxed) < CREATOR_CHECK_NS)
        return;
    atomic_store_explicit(&s->check_ns, now, memory_order_relaxed);
    struct pollfd p = {.fd = s->creator_fd, .events = POLLIN};
    if (poll(&p, 1, 0) != 1 || atomic_exchange(&s->creator_gone, true))
        return;
    log_msg(WINTUN_LOG_INFO, "The creator of \"%ls\" exited; removing the adapter",
            s->adapter->name);
    session_set_eof(s);
    adapter_delete_link(s->adapter);
}

void session_set_eof(struct session *s)
{
    if (!atomic_exchange(&s->eof, true)) {
        log_msg(WINTUN_LOG_WARN, "Adapter \"%ls\" is gone; the session reports end of file",
                s->adapter->name);
        session_wake(s);
    }
}

/* ------------------------------------------------------------------------
 * Counters
 * --------------------------------------------------------------------- */

LINTUN_EXPORT BOOL LintunGetSessionStats(WINTUN_SESSION_HANDLE handle, LINTUN_SESSION_STATS *out)
{
    struct session *s = session_get(handle, __func__);
    if (!s)
        return FALSE;
    if (!out) {
        fail(ERROR_INVALID_PARAMETER, "LintunGetSessionStats: Stats is NULL");
        return FALSE;
    }
    pthread_mutex_lock(&s->rx_lock);
    LINTUN_SESSION_STATS rx = s->rx_stats;
    pthread_mutex_unlock(&s->rx_lock);
    pthread_mutex_lock(&s->tx_lock);
    *out = s->tx_stats;
    pthread_mutex_unlock(&s->tx_lock);
    out->RxPackets = rx.RxPackets;
    out->RxBytes = rx.RxBytes;
    out->RxReads = rx.RxReads;
    out->RxSuperPackets = rx.RxSuperPackets;
    out->RxDropped = rx.RxDropped;
    return TRUE;
}
