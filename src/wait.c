/* SPDX-License-Identifier: MIT */
/*
 * The read-wait event: WintunGetReadWaitEvent, LintunWaitForSingleObject
 * (WaitForSingleObject) and LintunGetReadWaitFd with its epoll set. The
 * event stands for three descriptors: the queue (tun_fd, left out while the
 * ring has no room for what was read), the eventfd that session_wake signals,
 * and the creator's pidfd when another process created the adapter.
 *
 * Like Wintun's (CreateEventW(..., FALSE, FALSE, NULL), set by its driver
 * once per batch it puts in the ring), the event resets itself when a wait
 * returns: the wait that returns takes the signal, so a second wait with no
 * new arrival sleeps, and one signal wakes one waiter. Descriptors are level
 * triggered, so the wait turns their readiness into signals taken once: the
 * queue's by emptying it into the ring (rx_pull; a waiter that stores
 * nothing, because another thread took the packets, sleeps again), the
 * eventfd's by reading it (a waiter whose read finds it empty sleeps again).
 * The end of the session and the end of file are not taken: they stay
 * signalled and wake every waiter.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "clock.h"
#include "log.h"
#include "rx.h"
#include "session.h"
#include "tx.h"

static int epoll_add(int ep, int fd, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.fd = fd};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/*
 * The epoll set behind LintunGetReadWaitFd, made on first request (rx_lock
 * held). WaitForSingleObject does not use it: a descriptor that sits in an
 * epoll set makes the kernel run epoll's wake-up callback for every packet it
 * queues, waiter or not, and that cost falls on the sending side; poll()
 * registers only for the time a thread actually sleeps.
 */
static int make_wait_fd(struct session *s)
{
    if (s->epoll_fd >= 0)
        return 0;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        return -errno;
    int err = epoll_add(ep, s->tun_fd, atomic_load(&s->rx_blocked) ? 0 : EPOLLIN);
    if (!err)
        err = epoll_add(ep, s->event_fd, EPOLLIN);
    if (!err && s->creator_fd >= 0)
        err = epoll_add(ep, s->creator_fd, EPOLLIN);
    if (err) {
        close(ep);
        return err;
    }
    s->epoll_fd = ep;
    return 0;
}

LINTUN_EXPORT HANDLE WintunGetReadWaitEvent(WINTUN_SESSION_HANDLE handle)
{
    struct session *s = session_get(handle, __func__);
    return s ? (HANDLE)&s->event : NULL;
}

LINTUN_EXPORT int LintunGetReadWaitFd(WINTUN_SESSION_HANDLE handle)
{
    struct session *s = session_get(handle, __func__);
    if (!s)
        return -1;
    pthread_mutex_lock(&s->rx_lock);
    int fd = -1;
    if (s->magic != SESSION_MAGIC) {
        set_last_error(ERROR_INVALID_HANDLE);
    } else {
        int err = make_wait_fd(s);
        if (err)
            fail_sys(-err, "LintunGetReadWaitFd: cannot make the epoll set");
        else
            fd = s->epoll_fd;
    }
    pthread_mutex_unlock(&s->rx_lock);
    return fd;
}

/* The states that stay signalled: every wait returns at once. */
static bool signalled(struct session *s)
{
    return atomic_load(&s->ending) || atomic_load(&s->eof);
}

/* Take the eventfd's signal; the end and EOF stay signalled for the others. */
static bool take_event(struct session *s)
{
    bool took = session_event_take(s);
    if (took && signalled(s))
        session_wake(s);
    return took;
}

/* Store what the queue holds in the ring: true when a packet was stored. */
static bool take_queue(struct session *s)
{
    int stored = 0;
    pthread_mutex_lock(&s->rx_lock);
    if (s->magic == SESSION_MAGIC && !atomic_load(&s->ending))
        stored = rx_pull(s);
    pthread_mutex_unlock(&s->rx_lock);
    /* A failed read returns too: the receive that follows reports it
     * (-EBADFD: the adapter is gone, and EOF is signalled). */
    return stored != 0;
}

/*
 * After poll: does this waiter return? It looks at the creator if its pidfd
 * fired, and takes the signals of the descriptors that fired (nothing is
 * read that did not fire).
 */
static bool after_wake(struct session *s, const struct pollfd *p, int n)
{
    bool took = false;
    for (int i = 0; i < n; i++) {
        if (p[i].fd == s->creator_fd && p[i].revents)
            session_check_creator(s, true);
        if (p[i].fd == s->tun_fd && (p[i].revents & POLLERR))
            session_set_eof(s); /* the interface is gone: the event stays signalled */
    }
    if (signalled(s))
        return true;
    for (int i = 0; i < n; i++) {
        if (p[i].fd == s->event_fd && p[i].revents)
            took |= take_event(s);
        if (p[i].fd == s->tun_fd && (p[i].revents & POLLIN))
            took |= take_queue(s);
    }
    return took || signalled(s);
}

/*
 * Block until this waiter takes a signal (after_wake), the session ends or
 * hits EOF, or ms pass; a signal does not end it. The queue is left out
 * while the ring has no room for what it holds (rx_blocked): a release
 * fires the event.
 */
static DWORD wait_fds(struct session *s, DWORD ms)
{
    uint64_t deadline = ms == INFINITE ? 0 : now_ns() / 1000000u + ms;
    for (;;) {
        if (signalled(s))
            return WAIT_OBJECT_0;
        int timeout = -1;
        if (ms != INFINITE) {
            uint64_t now = now_ns() / 1000000u;
            uint64_t left = now >= deadline ? 0 : deadline - now;
            timeout = left > INT32_MAX ? INT32_MAX : (int)left;
        }
        struct pollfd p[3];
        int n = 0;
        p[n++] = (struct pollfd){.fd = s->event_fd, .events = POLLIN};
        if (s->creator_fd >= 0)
            p[n++] = (struct pollfd){.fd = s->creator_fd, .events = POLLIN};
        if (!atomic_load_explicit(&s->rx_blocked, memory_order_relaxed))
            p[n++] = (struct pollfd){.fd = s->tun_fd, .events = POLLIN};
        int r = poll(p, (nfds_t)n, timeout);
        if (r > 0) {
            if (after_wake(s, p, n))
                return WAIT_OBJECT_0;
            continue;
        }
        if (r == 0)
            return WAIT_TIMEOUT;
        if (errno != EINTR) {
            fail_sys(errno, "WaitForSingleObject: poll failed");
            return WAIT_FAILED;
        }
    }
}

LINTUN_EXPORT DWORD LintunWaitForSingleObject(HANDLE handle, DWORD ms)
{
    struct event *ev = (struct event *)handle;
    if (!ev || (uintptr_t)handle % _Alignof(struct event) || ev->magic != EVENT_MAGIC) {
        fail(ERROR_INVALID_HANDLE, "WaitForSingleObject: not a read-wait event of a live session");
        return WAIT_FAILED;
    }
    struct session *s = ev->session;
    tx_flush_mine();
    /* Registered first, then checked: WintunEndSession sets ending first,
     * then waits for waiters to leave, so either it waits for us or we see
     * ending here and never touch its descriptors. */
    atomic_fetch_add(&s->waiters, 1);
    DWORD result = wait_fds(s, ms);
    atomic_fetch_sub(&s->waiters, 1);
    return result;
}
