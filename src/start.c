/* SPDX-License-Identifier: MIT */
/*
 * Starting and ending sessions: LintunStartSessionEx, WintunStartSession and
 * WintunEndSession. A start locks the adapter's session name, attaches a
 * queue, watches the creator, turns offload and the carrier on and makes the
 * rings; an end wakes every waiter, writes what sends hold back and frees
 * the session (session.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include "adapter.h"
#include "handle.h"
#include "log.h"
#include "netlink.h"
#include "session.h"
#include "tx.h"

#define KNOWN_FLAGS                                                                               \
    (LINTUN_SESSION_NO_OFFLOAD | LINTUN_SESSION_NO_COALESCE | LINTUN_SESSION_PASSTHROUGH |        \
     LINTUN_SESSION_NO_IO_URING | LINTUN_SESSION_IO_URING)
#define IO_FLAGS (LINTUN_SESSION_NO_IO_URING | LINTUN_SESSION_IO_URING)

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

/*
 * Turn the carrier on and wait (up to 100 ms) until the kernel reports the
 * link running: it activates the link's queueing asynchronously, and until
 * then packets the system sends into the adapter are dropped, so a reply to
 * the very first packet a program sends could be lost. A link that runs (or
 * is down, or gone) at the first look costs no wait at all.
 */
static int carrier_on(struct session *s, struct adapter *a, struct nl_sock *nl)
{
    int on = 1;
    if (ioctl(s->tun_fd, TUNSETCARRIER, &on) < 0)
        return -errno;
    struct carrier_waits *w = &session_carrier_waits;
    __atomic_add_fetch(&w->starts, 1, __ATOMIC_RELAXED);
    struct nl_link link;
    for (int i = 0;; i++) {
        int err = nl_link_get(nl, a->ifindex, &link);
        if (err || (link.flags & IFF_RUNNING) || !(link.flags & IFF_UP)) {
            if (i == 0)
                __atomic_add_fetch(&w->running_at_once, 1, __ATOMIC_RELAXED);
            break;
        }
        if (i == 1000) {
            __atomic_add_fetch(&w->gave_up, 1, __ATOMIC_RELAXED);
            break;
        }
        __atomic_add_fetch(&w->sleeps, 1, __ATOMIC_RELAXED);
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
    /* The largest packet the session's mode hands out: an IP packet, or in
     * passthrough mode a whole read (virtio_net_hdr and super-packet). */
    s->rx.max = (s->flags & LINTUN_SESSION_PASSTHROUGH) ? RX_BUF_LEN : WINTUN_MAX_IP_PACKET_SIZE;
    s->rx_buf = malloc((size_t)RX_BATCH * RX_BUF_LEN);
    if (!s->rx_buf)
        return -ENOMEM;
    return 0;
}

/* The one report of a failed start: the step that failed and its -errno. */
static void start_error(int err, const struct adapter *a, const char *step)
{
    if (err == -EADDRINUSE)
        fail(ERROR_ALREADY_INITIALIZED, "A session already runs on \"%ls\"", a->name);
    else if (err == -EBADFD || err == -ENODEV)
        fail_errno(ERROR_HANDLE_EOF, -err, "Adapter \"%ls\" is gone", a->name);
    else if (err == -EOPNOTSUPP)
        fail_errno(ERROR_NOT_SUPPORTED, -err, "%s: io_uring is not available here", step);
    else if (err == -EPERM || err == -EACCES)
        fail_errno(ERROR_ACCESS_DENIED, -err,
                   "%s: a session needs CAP_NET_ADMIN or to be the adapter's owner", step);
    else
        fail_sys(-err, "%s", step);
}

/*
 * The steps of a session start that need the kernel's view of the link:
 * 0, or -errno with *step saying which failed.
 */
static int open_queue(struct session *s, struct adapter *a, struct nl_sock *nl, const char **step)
{
    struct nl_link link;
    int err;
    *step = "Failed to read the interface";
    if ((err = adapter_link_get(a, nl, &link)) < 0)
        return err;
    *step = "Failed to attach to the interface";
    if ((err = s->tun_fd = adapter_attach_queue(a, &link, &s->owns_tun_fd)) < 0)
        return err;
    *step = "Failed to watch the adapter's creator";
    if ((err = adapter_watch_creator(a, &link, &s->creator_fd)) < 0)
        return err;
    offload_probe(s);
    *step = "Failed to turn the carrier on";
    return carrier_on(s, a, nl);
}

/* Everything a start does after the lock: 0, or -errno with *step saying which failed. */
static int session_open(struct session *s, struct adapter *a, DWORD capacity, const char **step)
{
    int err;
    /* One netlink socket, in the adapter's namespace, serves the whole start. */
    struct nl_sock *nl;
    *step = "Failed to open a netlink socket";
    if ((err = adapter_nl_open(a, &nl)) < 0)
        return err;
    err = open_queue(s, a, nl, step);
    nl_close(nl);
    if (err)
        return err;
    *step = "Failed to create the read-wait event";
    if ((err = make_event(s)) < 0)
        return err;
    *step = "Failed to allocate the rings";
    if ((err = make_buffers(s, capacity)) < 0)
        return err;
    *step = "Failed to set up io_uring for writes";
    if ((err = tx_init(s, writer_mode(s->flags))) < 0)
        return err;
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
    const char *step = "Failed to lock the session";
    int err = s->lock_fd = adapter_lock_session(a);
    if (err < 0)
        goto report_error;
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
    if ((err = session_open(s, a, capacity, &step)) < 0)
        goto report_error;
    if (writer_batched(&s->w))
        log_msg(WINTUN_LOG_INFO,
                "Session started on \"%ls\" (offload 0x%x%s; reads and writes batched through "
                "io_uring%s, measured against one write() each every %u batches; a system "
                "call costs %u ns here)",
                a->name, s->offload, s->coalesce ? ", coalescing sends" : "",
                s->w.linked ? ", writes linked" : "", WRITER_PROBE_EVERY, writer_syscall_ns());
    else
        log_msg(WINTUN_LOG_INFO,
                "Session started on \"%ls\" (offload 0x%x%s; reads and writes one system call "
                "each)",
                a->name, s->offload, s->coalesce ? ", coalescing sends" : "");
    return (WINTUN_SESSION_HANDLE)s;

report_error:
    start_error(err, a, step);
cleanup_session:
    session_free(s);
    return NULL;
}

LINTUN_EXPORT WINTUN_SESSION_HANDLE WintunStartSession(WINTUN_ADAPTER_HANDLE adapter,
                                                       DWORD capacity)
{
    return LintunStartSessionEx(adapter, capacity, 0);
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
    tx_unhold(s);
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
