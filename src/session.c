/* SPDX-License-Identifier: MIT */
/*
 * Sessions: start, end, the read-wait event, counters. The data path is in
 * rx.c and tx.c; session.h states the locking rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include "adapter.h"
#include "handle.h"
#include "held.h"
#include "log.h"
#include "netlink.h"
#include "session.h"

#define KNOWN_FLAGS                                                                    \
    (LINTUN_SESSION_NO_OFFLOAD | LINTUN_SESSION_NO_COALESCE | LINTUN_SESSION_PASSTHROUGH | \
     LINTUN_SESSION_NO_IO_URING | LINTUN_SESSION_IO_URING)
#define IO_FLAGS (LINTUN_SESSION_NO_IO_URING | LINTUN_SESSION_IO_URING)

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

/* ------------------------------------------------------------------------
 * Start
 * --------------------------------------------------------------------- */

static DWORD env_flags(DWORD flags)
{
    const char *io = getenv("LINTUN_IO");
    if (io && !(flags & IO_FLAGS)) {
        if (!strcmp(io, "plain"))
            flags |= LINTUN_SESSION_NO_IO_URING;
        else if (!strcmp(io, "uring"))
            flags |= LINTUN_SESSION_IO_URING;
    }
    const char *v = getenv("LINTUN_OFFLOAD");
    if (!v)
        return flags;
    if (!strcmp(v, "off") || !strcmp(v, "0"))
        return flags | LINTUN_SESSION_NO_OFFLOAD;
    if (!strcmp(v, "nocoalesce"))
        return flags | LINTUN_SESSION_NO_COALESCE;
    return flags;
}

static enum writer_mode writer_mode(DWORD flags)
{
    if (flags & LINTUN_SESSION_NO_IO_URING)
        return WRITER_PLAIN;
    return flags & LINTUN_SESSION_IO_URING ? WRITER_URING : WRITER_AUTO;
}

/* Turn on the offloads the kernel accepts, richest first (EINVAL = unknown bit). */
static void offload_probe(struct session *s)
{
    static const unsigned int tries[] = {
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6,
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
        TUN_F_CSUM,
    };
    s->offload = 0;
    if (!(s->flags & LINTUN_SESSION_NO_OFFLOAD)) {
        for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
            if (ioctl(s->tun_fd, TUNSETOFFLOAD, (unsigned long)tries[i]) == 0) {
                s->offload = tries[i];
                break;
            }
        }
    }
    if (!s->offload && ioctl(s->tun_fd, TUNSETOFFLOAD, 0UL) < 0)
        log_msg(WINTUN_LOG_WARN, "Failed to turn offload off: %s", strerror(errno));
    s->coalesce = (s->offload & TUN_F_TSO4) && !(s->flags & LINTUN_SESSION_NO_COALESCE) &&
                  !(s->flags & LINTUN_SESSION_PASSTHROUGH);
    s->coalesce_udp = s->coalesce && (s->offload & TUN_F_USO4);
}

/* Another process created the adapter: watch it, so its exit ends the adapter. */
static int watch_creator(struct session *s, struct adapter *a, const struct nl_link *link)
{
    DWORD pid = 0;
    if (a->creator)
        return 0;
    adapter_parse_alias_pid(link->alias, NULL, NULL, NULL, 0, &pid);
    if (pid && (pid_t)pid != getpid()) {
        s->creator_fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
        if (s->creator_fd < 0)
            log_msg(WINTUN_LOG_WARN, "Cannot watch the creator of \"%ls\" (pid %u): %s",
                    a->name, pid, strerror(errno));
    }
    /* Checked after the pidfd exists, so a creator dying in between is seen. */
    if (!adapter_creator_alive(a)) {
        adapter_delete_link(a);
        return -EBADFD;
    }
    return 0;
}

/*
 * Turn the carrier on and wait (up to 100 ms) until the kernel reports the
 * link running: it activates the link's queueing asynchronously, and until
 * then packets the system sends into the adapter are dropped, so a reply to
 * the very first packet a program sends could be lost.
 */
static int carrier_on(struct session *s, struct adapter *a, struct nl_sock *nl)
{
    int on = 1;
    if (ioctl(s->tun_fd, TUNSETCARRIER, &on) < 0)
        return -errno;
    struct nl_link link;
    for (int i = 0; i < 1000; i++) {
        int err = nl_link_get(nl, a->ifindex, &link);
        if (err || (link.flags & IFF_RUNNING) || !(link.flags & IFF_UP))
            break;
        usleep(100);
    }
    return 0;
}

static int make_event(struct session *s)
{
    s->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return s->event_fd < 0 ? -errno : 0;
}

static int make_buffers(struct session *s, DWORD capacity)
{
    int err = ring_init(&s->rx, capacity);
    if (!err)
        err = ring_init(&s->tx, capacity);
    if (err)
        return err;
    s->rx_buf = malloc((size_t)RX_BATCH * RX_BUF_LEN);
    s->split_buf = malloc(OFFLOAD_SCRATCH_LEN);
    s->tx_buf = calloc(1, RX_BUF_LEN);
    if (!s->rx_buf || !s->split_buf || !s->tx_buf)
        return -ENOMEM;
    return 0;
}

static struct session *session_new(struct adapter *a, DWORD flags)
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

static void session_free(struct session *s)
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
    free(s->split_buf);
    free(s->tx_buf);
    s->rx_buf = s->split_buf = s->tx_buf = NULL;
    writer_free(&s->w);
    s->magic = HANDLE_DEAD;
    s->event.magic = HANDLE_DEAD;
    adapter_release(s->adapter);
    handle_retire(s);
}

static DWORD start_error(int err, const struct adapter *a, const char *step)
{
    if (err == -EADDRINUSE)
        return fail(ERROR_ALREADY_INITIALIZED, "A session already runs on \"%ls\"", a->name);
    if (err == -EBADFD || err == -ENODEV)
        return fail_errno(ERROR_HANDLE_EOF, -err, "Adapter \"%ls\" is gone", a->name);
    if (err == -EOPNOTSUPP)
        return fail_errno(ERROR_NOT_SUPPORTED, -err, "%s: io_uring is not available here", step);
    if (err == -EPERM || err == -EACCES)
        return fail_errno(ERROR_ACCESS_DENIED, -err,
                          "%s: a session needs CAP_NET_ADMIN or to be the adapter's owner", step);
    return fail_sys(-err, "%s", step);
}

/* The steps of a session start that need the kernel's view of the link. */
static int open_queue(struct session *s, struct adapter *a, struct nl_sock *nl)
{
    struct nl_link link;
    int err = nl_link_get(nl, a->ifindex, &link);
    if (err)
        return start_error(err, a, "Failed to read the interface"), err;
    if ((err = s->tun_fd = adapter_attach_queue(a, &link, &s->owns_tun_fd)) < 0)
        return start_error(err, a, "Failed to attach to the interface"), err;
    if ((err = watch_creator(s, a, &link)) < 0)
        return start_error(err, a, "Failed to watch the adapter's creator"), err;
    offload_probe(s);
    if ((err = carrier_on(s, a, nl)) < 0)
        return start_error(err, a, "Failed to turn the carrier on"), err;
    return 0;
}

static int session_open(struct session *s, struct adapter *a, DWORD capacity)
{
    int err;
    /* One netlink socket, in the adapter's namespace, serves the whole start. */
    struct nl_sock *nl;
    if ((err = adapter_nl_open(a, &nl)) < 0)
        return start_error(err, a, "Failed to open a netlink socket"), err;
    err = open_queue(s, a, nl);
    nl_close(nl);
    if (err)
        return err;
    if ((err = make_event(s)) < 0)
        return start_error(err, a, "Failed to create the read-wait event"), err;
    if ((err = make_buffers(s, capacity)) < 0)
        return start_error(err, a, "Failed to allocate the rings"), err;
    if ((err = tx_init(s, writer_mode(s->flags))) < 0)
        return start_error(err, a, "Failed to set up io_uring for writes"), err;
    s->rx_batched = writer_batched(&s->w);
    s->rx_depth = 1;
    return 0;
}

LINTUN_EXPORT WINTUN_SESSION_HANDLE LintunStartSessionEx(WINTUN_ADAPTER_HANDLE handle,
                                                         DWORD capacity, DWORD flags)
{
    struct adapter *a = adapter_get(handle, __func__);
    if (!a)
        return NULL;
    struct session *s = session_new(a, env_flags(flags));
    if (!s) {
        fail(ERROR_NOT_ENOUGH_MEMORY, "Failed to allocate a session");
        return NULL;
    }
    /* As in Wintun's driver, "a session already runs" comes before the
     * capacity check. The lock is an abstract socket, so it holds across
     * processes and handles alike. */
    int err = s->lock_fd = adapter_lock_session(a);
    if (err < 0) {
        start_error(err, a, "Failed to lock the session");
        goto cleanup_session;
    }
    if (capacity < WINTUN_MIN_RING_CAPACITY || capacity > WINTUN_MAX_RING_CAPACITY ||
        (capacity & (capacity - 1))) {
        fail(ERROR_INVALID_PARAMETER,
             "Ring capacity 0x%x must be a power of two from 0x%x to 0x%x", capacity,
             WINTUN_MIN_RING_CAPACITY, WINTUN_MAX_RING_CAPACITY);
        goto cleanup_session;
    }
    if ((flags & ~(DWORD)KNOWN_FLAGS) || (flags & IO_FLAGS) == IO_FLAGS) {
        fail(ERROR_INVALID_PARAMETER, "Unknown session flags 0x%x", flags);
        goto cleanup_session;
    }
    if (session_open(s, a, capacity) < 0)
        goto cleanup_session;
    log_msg(WINTUN_LOG_INFO, "Session started on \"%ls\" (offload 0x%x%s; reads and writes %s)",
            a->name, s->offload, s->coalesce ? ", coalescing sends" : "",
            writer_batched(&s->w) ? "batched through io_uring" : "one system call each");
    return (WINTUN_SESSION_HANDLE)s;

cleanup_session:;
    DWORD code = get_last_error();
    session_free(s);
    set_last_error(code);
    return NULL;
}

LINTUN_EXPORT WINTUN_SESSION_HANDLE WintunStartSession(WINTUN_ADAPTER_HANDLE adapter,
                                                       DWORD capacity)
{
    return LintunStartSessionEx(adapter, capacity, 0);
}

/* ------------------------------------------------------------------------
 * End
 * --------------------------------------------------------------------- */

void session_wake(struct session *s)
{
    uint64_t one = 1;
    if (write(s->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        log_msg(WINTUN_LOG_WARN, "Failed to signal the read-wait event: %s", strerror(errno));
}

static uint64_t coarse_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
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
    uint64_t now = coarse_ns();
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
 * Runs in receivers (under rx_lock), in allocators and in waiters (without
 * it), so everything here is atomic: one thread wins creator_gone and acts.
 * EOF comes first, so every call reports it within the check period even
 * when deleting the interface takes the kernel a long time.
 */
void session_check_creator(struct session *s, bool force)
{
    if (s->creator_fd < 0 || atomic_load(&s->eof))
        return;
    uint64_t now = coarse_ns();
    if (!force && now - atomic_load_explicit(&s->check_ns, memory_order_relaxed) < CREATOR_CHECK_NS)
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

LINTUN_EXPORT void WintunEndSession(WINTUN_SESSION_HANDLE handle)
{
    if (!handle)
        return;
    DWORD saved = get_last_error();
    struct session *s = session_get(handle, __func__);
    if (!s)
        goto out;
    /* Wake every waiter and let it leave the wait before anything is freed. */
    atomic_store(&s->ending, true);
    session_wake(s);
    for (int i = 0; i < 2000 && atomic_load(&s->waiters) > 0; i++)
        usleep(500);
    held_remove(s);
    pthread_mutex_lock(&s->rx_lock);
    pthread_mutex_lock(&s->tx_lock);
    tx_flush_held(s);
    s->magic = HANDLE_DEAD;
    pthread_mutex_unlock(&s->tx_lock);
    pthread_mutex_unlock(&s->rx_lock);
    session_free(s);
out:
    set_last_error(saved);
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
