/* SPDX-License-Identifier: MIT */
/*
 * Adapters: create, open, close, LUID, names, orphans.
 *
 * An adapter is a multi-queue TUN device (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR
 * | IFF_MULTI_QUEUE). The kernel keeps what Wintun keeps in the registry:
 *   - the interface alias "lintun {GUID} <creator pid> <TunnelType> Tunnel"
 *     marks the device as ours and carries its GUID and tunnel type;
 *   - the full adapter name is the interface name, or, when it is not a
 *     valid one, an alternative name (IFLA_ALT_IFNAME) beside a derived one.
 *
 * Lifetime. The creator holds one queue descriptor, detached while no session
 * runs (a detached queue keeps the device alive and makes the kernel drop
 * routed packets, as Wintun does without a session). When the creator's
 * descriptors close, however it dies, the kernel removes the device, unless a
 * session in another process still holds a queue: that session watches the
 * creator (pidfd) and deletes the interface when it exits. The creator also
 * binds the abstract unix socket "\0lintun/{GUID}" in the adapter's network
 * namespace; the kernel releases it when the creator dies, so "can this name
 * be bound?" tells anyone whether the creator is alive (orphan detection).
 *
 * Handles and sessions. As in Wintun, a session does not belong to the
 * handle it was started from: WintunCloseAdapter never ends one. Closing the
 * creating handle deletes the interface, and the kernel then fails the
 * session's queue, which the session reports as ERROR_HANDLE_EOF; the
 * session's rings stay until WintunEndSession. The adapter object is
 * reference-counted so that what a session uses of it (the creator's queue
 * descriptor, the namespace, the GUID) outlives the handle. This module does
 * not know sessions; they call into it.
 *
 * Text limits. Wintun counts Name and TunnelType in UTF-16 units: a Name of
 * 128 or more fails with ERROR_BUFFER_OVERFLOW (NciSetAdapterName), and so
 * does a TunnelType of more than 128 ("%s Tunnel" must fit MAX_ADAPTER_NAME
 * + 8), checked first. The kernel stores less: an alternative name holds
 * NAME_MAX_BYTES of UTF-8, the alias 255 bytes in all; a TunnelType whose
 * UTF-8 does not fit TYPE_MAX_BYTES is kept cut, ending in U+2026.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <sched.h>
#include <linux/if_tun.h>
#include "adapter.h"
#include "convert.h"
#include "handle.h"
#include "log.h"
#include "netlink.h"
#include "text.h"

#define TUN_FLAGS (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE)
#define ALIAS_PREFIX "lintun "
/* 255 bytes of alias, less "lintun ", the GUID, " <pid> " (7 digits) and " Tunnel". */
#define TYPE_MAX_BYTES 194
#define NAME_MAX_BYTES 127 /* an alternative name: ALTIFNAMSIZ - 1 */
#define ELLIPSIS_UTF8 "\xe2\x80\xa6"

static atomic_uint removals;

unsigned int adapter_removals(void)
{
    return atomic_load_explicit(&removals, memory_order_acquire);
}

/* An interface of ours was deleted: sessions of this process look at once. */
static void count_removal(void) { atomic_fetch_add_explicit(&removals, 1, memory_order_release); }

/* ------------------------------------------------------------------------
 * Network namespaces
 * --------------------------------------------------------------------- */

static int current_netns(void)
{
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static bool same_file(int a, int b)
{
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int adapter_ns_enter(const struct adapter *a, int *saved)
{
    *saved = -1;
    int cur = current_netns();
    if (cur < 0)
        return cur;
    if (same_file(cur, a->netns_fd)) {
        close(cur);
        return 0;
    }
    if (setns(a->netns_fd, CLONE_NEWNET) < 0) {
        int err = -errno;
        close(cur);
        return err;
    }
    *saved = cur;
    return 0;
}

void adapter_ns_leave(int saved)
{
    if (saved < 0)
        return;
    if (setns(saved, CLONE_NEWNET) < 0)
        log_msg(WINTUN_LOG_ERR, "Failed to return to the thread's network namespace: %s",
                strerror(errno));
    close(saved);
}

int adapter_nl_open(const struct adapter *a, struct nl_sock **out)
{
    int saved, err = adapter_ns_enter(a, &saved);
    if (err)
        return err;
    err = nl_open(out);
    adapter_ns_leave(saved);
    return err;
}

/* ------------------------------------------------------------------------
 * Abstract sockets: creator liveness and the one-session lock
 * --------------------------------------------------------------------- */

static socklen_t abstract_addr(struct sockaddr_un *sun, const char *guid_text, const char *suffix)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    int n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "lintun/%s%s", guid_text,
                     suffix);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int adapter_bind_abstract(const char *guid_text, const char *suffix, int type)
{
    struct sockaddr_un sun;
    socklen_t len = abstract_addr(&sun, guid_text, suffix);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&sun, len) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

int adapter_connect_abstract(const char *guid_text, const char *suffix)
{
    struct sockaddr_un sun;
    socklen_t len = abstract_addr(&sun, guid_text, suffix);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

/*
 * Is the creator of the adapter with this GUID alive? Runs in the adapter's
 * namespace. Only a successful bind proves it dead; any other failure (out of
 * descriptors, say) is taken as alive, so nothing live is ever swept.
 */
static bool creator_alive_bind(const char *guid_text)
{
    int fd = adapter_bind_abstract(guid_text, "", SOCK_DGRAM);
    if (fd >= 0) {
        close(fd);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------
 * GUIDs and the alias
 * --------------------------------------------------------------------- */

static int guid_random(GUID *g)
{
    if (getrandom(g, sizeof(*g), 0) != (ssize_t)sizeof(*g))
        return -errno;
    g->Data3 = (uint16_t)((g->Data3 & 0x0fff) | 0x4000); /* version 4 */
    g->Data4[0] = (uint8_t)((g->Data4[0] & 0x3f) | 0x80);
    return 0;
}

/*
 * The tunnel type kept in an alias, into out_chars WCHARs: a type longer
 * than that (128 characters do not fit LINTUN_ADAPTER_INFO) is cut and ends
 * in U+2026. 0 or -EINVAL.
 */
static int type_from_utf8(const char *in, WCHAR *out, size_t out_chars)
{
    WCHAR all[TYPE_MAX_BYTES + 1];
    if (text_from_utf8(in, all, sizeof(all) / sizeof(all[0])) < 0)
        return -EINVAL;
    size_t n = wcslen(all);
    if (n < out_chars) {
        wmemcpy(out, all, n + 1);
        return 0;
    }
    wmemcpy(out, all, out_chars - 2);
    out[out_chars - 2] = 0x2026;
    out[out_chars - 1] = 0;
    return 0;
}

int adapter_parse_alias_pid(const char *alias, GUID *guid, char guid_text[39], WCHAR *type,
                            size_t type_len, DWORD *pid)
{
    const size_t plen = sizeof(ALIAS_PREFIX) - 1;
    if (strncmp(alias, ALIAS_PREFIX, plen) != 0 || strlen(alias) < plen + 39)
        return -EINVAL;
    const char *g = alias + plen;
    char text[39];
    memcpy(text, g, 38);
    text[38] = 0;
    GUID parsed;
    if (g[38] != ' ' || guid_parse(text, &parsed) < 0)
        return -EINVAL;
    char *rest;
    unsigned long p = strtoul(g + 39, &rest, 10);
    if (rest == g + 39 || *rest != ' ')
        return -EINVAL;
    rest++;
    size_t tlen = strlen(rest);
    const size_t slen = sizeof(" Tunnel") - 1;
    if (tlen < slen || strcmp(rest + tlen - slen, " Tunnel") != 0)
        return -EINVAL;
    char tbuf[256];
    memcpy(tbuf, rest, tlen - slen);
    tbuf[tlen - slen] = 0;
    if (type && type_from_utf8(tbuf, type, type_len) < 0)
        return -EINVAL;
    if (guid)
        *guid = parsed;
    if (guid_text)
        memcpy(guid_text, text, 39);
    if (pid)
        *pid = (DWORD)p;
    return 0;
}

int adapter_parse_alias(const char *alias, GUID *guid, char guid_text[39], WCHAR *type,
                        size_t type_len)
{
    return adapter_parse_alias_pid(alias, guid, guid_text, type, type_len, NULL);
}

/* The adapter's full name: its first alternative name, else its interface name. */
const char *adapter_link_name(const struct nl_link *link)
{
    return link->n_altnames ? link->altnames[0] : link->ifname;
}

/* ------------------------------------------------------------------------
 * Handles
 * --------------------------------------------------------------------- */

struct adapter *adapter_get(WINTUN_ADAPTER_HANDLE handle, const char *caller)
{
    struct adapter *a = (struct adapter *)handle;
    if (!a) {
        fail(ERROR_INVALID_HANDLE, "%s: adapter handle is NULL", caller);
        return NULL;
    }
    if (a->magic != ADAPTER_MAGIC) {
        fail(ERROR_INVALID_HANDLE, "%s: not a live adapter handle (closed?)", caller);
        return NULL;
    }
    return a;
}

static struct adapter *adapter_new(void)
{
    struct adapter *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->magic = ADAPTER_MAGIC;
    atomic_init(&a->refs, 1);
    a->tun_fd = a->owner_sock = a->netns_fd = -1;
    return a;
}

static void close_owner_sock(struct adapter *a)
{
    if (a->owner_sock >= 0)
        close(a->owner_sock);
    a->owner_sock = -1;
}

static void adapter_free(struct adapter *a)
{
    if (a->tun_fd >= 0)
        close(a->tun_fd);
    close_owner_sock(a);
    if (a->netns_fd >= 0)
        close(a->netns_fd);
    a->magic = HANDLE_DEAD;
    handle_retire(a);
}

void adapter_hold(struct adapter *a) { atomic_fetch_add(&a->refs, 1); }

void adapter_release(struct adapter *a)
{
    if (atomic_fetch_sub(&a->refs, 1) == 1)
        adapter_free(a);
}

/* ------------------------------------------------------------------------
 * Orphans and lookup (in the caller's current namespace)
 * --------------------------------------------------------------------- */

struct lookup {
    const WCHAR *name;  /* find this adapter name (case-insensitively) */
    const char *ifname; /* or this interface name / altname, exactly */
    struct nl_link found;
    bool hit;
    int orphans[64];
    int n_orphans;
};

static bool link_has_name(const struct nl_link *link, const struct lookup *q)
{
    if (q->ifname) {
        if (!strcmp(link->ifname, q->ifname))
            return true;
        for (int i = 0; i < link->n_altnames; i++)
            if (!strcmp(link->altnames[i], q->ifname))
                return true;
    }
    WCHAR wname[MAX_ADAPTER_NAME];
    if (!q->name || text_from_utf8(adapter_link_name(link), wname, MAX_ADAPTER_NAME) < 0)
        return false;
    return text_equal_nocase(wname, q->name);
}

static int lookup_cb(const struct nl_link *link, void *arg)
{
    struct lookup *q = arg;
    char guid_text[39];
    bool ours = adapter_parse_alias(link->alias, NULL, guid_text, NULL, 0) == 0;
    if (ours && !creator_alive_bind(guid_text)) {
        if (q->n_orphans < (int)(sizeof(q->orphans) / sizeof(q->orphans[0])))
            q->orphans[q->n_orphans++] = link->ifindex;
        return 0;
    }
    if ((ours || q->ifname) && !q->hit && link_has_name(link, q)) {
        q->found = *link;
        q->hit = true;
    }
    return 0;
}

/* What a failed link dump is reported as. */
static const char *list_failure(int err)
{
    return err == -EAGAIN ? "Failed to list interfaces (they kept changing while read)"
                          : "Failed to list interfaces";
}

/* Dump links, collect orphans and delete them, find q's name. 0 or -errno. */
static int lookup_and_sweep(struct nl_sock *nl, struct lookup *q, int *failed)
{
    int err = nl_link_dump(nl, lookup_cb, q);
    if (err)
        return err;
    for (int i = 0; i < q->n_orphans; i++) {
        int e = nl_link_del(nl, q->orphans[i]);
        if (e && e != -ENODEV) {
            if (failed)
                *failed = e;
            log_msg(WINTUN_LOG_WARN, "Failed to remove orphaned adapter (index %d): %s",
                    q->orphans[i], strerror(-e));
        } else {
            count_removal();
            log_msg(WINTUN_LOG_INFO, "Removed orphaned adapter (index %d)", q->orphans[i]);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * WintunCreateAdapter
 * --------------------------------------------------------------------- */

struct create_args {
    char name[NAME_MAX_BYTES + 1];
    char type[TYPE_MAX_BYTES + 1]; /* cut to fit the alias */
};

/* Copy a UTF-8 tunnel type, cut at a character boundary with U+2026 if needed. */
static void type_cut(const char *in, char out[TYPE_MAX_BYTES + 1])
{
    size_t n = strlen(in);
    if (n > TYPE_MAX_BYTES) {
        n = TYPE_MAX_BYTES - (sizeof(ELLIPSIS_UTF8) - 1);
        while (n > 0 && ((unsigned char)in[n] & 0xc0) == 0x80)
            n--; /* never cut a character in two */
    }
    memcpy(out, in, n);
    out[n] = 0;
    if (n < strlen(in))
        strcat(out, ELLIPSIS_UTF8);
}

/*
 * Wintun's order: the tunnel type first (when it forms the description), then
 * the name. 0, -ENAMETOOLONG or -EINVAL (recorded in f).
 */
static int validate_names(const WCHAR *name, const WCHAR *type, struct create_args *c,
                          struct failure *f)
{
    char full_type[4 * MAX_ADAPTER_NAME + 1];
    int err = type && !type[0]
                  ? (full_type[0] = 0, 0)
                  : text_to_utf8(type, MAX_ADAPTER_NAME, full_type, sizeof(full_type));
    if (err == -ENAMETOOLONG)
        return failure_code(f, ERROR_BUFFER_OVERFLOW, err,
                            "Tunnel type must be at most 128 characters (UTF-16 units)");
    if (err)
        return failure_code(f, ERROR_INVALID_PARAMETER, -EINVAL,
                            "Tunnel type must be valid text without control characters");
    type_cut(full_type, c->type);
    err = text_to_utf8(name, MAX_ADAPTER_NAME - 1, c->name, sizeof(c->name));
    if (err == -ENAMETOOLONG)
        return failure_code(f, ERROR_BUFFER_OVERFLOW, err,
                            "Adapter name must be at most 127 "
                            "characters (UTF-16 units) and 127 bytes of UTF-8");
    if (err)
        return failure_code(f, ERROR_INVALID_PARAMETER, -EINVAL,
                            "Adapter name must be 1 or more characters of valid text, "
                            "without control characters");
    return 0;
}

/*
 * A TUN device with neither owner nor group lets anyone who can open
 * /dev/net/tun (mode 0666 on Debian) attach a queue to it. Wintun lets only
 * administrators start sessions: so the device belongs to the creator's
 * effective user, and everyone else needs CAP_NET_ADMIN, until
 * LintunSetAdapterOwner hands it to another user. fd, or -errno (fd closed).
 */
static int tun_own(int fd)
{
    if (ioctl(fd, TUNSETOWNER, (unsigned long)geteuid()) == 0)
        return fd;
    int err = -errno;
    close(fd);
    return err;
}

/* Open /dev/net/tun and create the interface; the fd, or -errno. */
static int tun_create(const char *name, char ifname[IFNAMSIZ])
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -errno;
    bool exact = text_is_ifname(name);
    for (unsigned int attempt = 0; attempt < 100; attempt++) {
        struct ifreq ifr = {0};
        if (exact)
            memcpy(ifr.ifr_name, name, strlen(name) + 1); /* text_is_ifname: < 16 bytes */
        else
            text_derive_ifname(name, attempt, ifr.ifr_name);
        ifr.ifr_flags = TUN_FLAGS | IFF_TUN_EXCL;
        if (ioctl(fd, TUNSETIFF, &ifr) == 0) {
            memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
            return tun_own(fd);
        }
        if (errno != EBUSY || exact) {
            int err = errno == EBUSY ? -EEXIST : -errno;
            close(fd);
            return err;
        }
    }
    close(fd);
    return -EEXIST;
}

/* Tag the new interface and bring it up; 0 or -errno (recorded in f). */
static int tun_configure(struct adapter *a, struct nl_sock *nl, const struct create_args *c,
                         const char *ifname, struct failure *f)
{
    char alias[256];
    snprintf(alias, sizeof(alias), ALIAS_PREFIX "%s %d %s Tunnel", a->guid_text, (int)getpid(),
             c->type);
    int err = nl_link_set_alias(nl, a->ifindex, alias);
    if (err)
        return failure_sys(f, -err, "Failed to set the alias of %s", ifname);
    if (strcmp(c->name, ifname) != 0) {
        err = nl_link_add_altname(nl, a->ifindex, c->name);
        if (err)
            return failure_sys(f, -err, "Failed to give %s the name \"%s\"", ifname, c->name);
    }
    err = nl_link_set_up(nl, a->ifindex, true);
    if (err)
        return failure_sys(f, -err, "Failed to bring %s up", ifname);
    /* No session yet: carrier off, queue detached, routed packets dropped. */
    int off = 0;
    struct ifreq ifr = {.ifr_flags = IFF_DETACH_QUEUE};
    if (ioctl(a->tun_fd, TUNSETCARRIER, &off) < 0 || ioctl(a->tun_fd, TUNSETQUEUE, &ifr) < 0)
        return failure_sys(f, errno, "Failed to detach the queue of %s", ifname);
    return 0;
}

/* 0, -EEXIST or -errno (recorded in f). */
static int check_name_free(struct nl_sock *nl, const WCHAR *name, const char *utf8,
                           struct failure *f)
{
    struct lookup q = {.name = name, .ifname = utf8};
    int err = lookup_and_sweep(nl, &q, NULL);
    if (err)
        return failure_sys(f, -err, "%s", list_failure(err));
    if (q.hit)
        return failure_code(f, ERROR_ALREADY_EXISTS, -EEXIST,
                            "An interface named \"%s\" already exists (%s)", utf8, q.found.ifname);
    return 0;
}

/* Create, tag and bring up the interface; 0 or -errno (recorded in f). */
static int create_device(struct adapter *a, const struct create_args *c, struct failure *f)
{
    struct nl_sock *nl;
    int err = nl_open(&nl);
    if (err)
        return failure_sys(f, -err, "Failed to open a netlink socket");
    err = check_name_free(nl, a->name, c->name, f);
    if (err)
        goto cleanup_nl;
    a->owner_sock = adapter_bind_abstract(a->guid_text, "", SOCK_DGRAM);
    if (a->owner_sock < 0) {
        err = a->owner_sock;
        if (err == -EADDRINUSE)
            failure_code(f, ERROR_ALREADY_EXISTS, err, "An adapter with GUID %s already exists",
                         a->guid_text);
        else
            failure_sys(f, -err, "Failed to register adapter %s", a->guid_text);
        goto cleanup_nl;
    }
    char ifname[IFNAMSIZ];
    a->tun_fd = tun_create(c->name, ifname);
    if (a->tun_fd < 0) {
        err = a->tun_fd;
        if (err == -ENOENT || err == -ENODEV)
            failure_errno(f, ERROR_FILE_NOT_FOUND, -err, "Failed to open /dev/net/tun");
        else if (err == -EPERM || err == -EACCES)
            failure_errno(f, ERROR_ACCESS_DENIED, -err,
                          "Failed to create \"%s\": creating an adapter needs CAP_NET_ADMIN",
                          c->name);
        else
            failure_sys(f, -err, "Failed to create interface \"%s\"", c->name);
        goto cleanup_nl;
    }
    a->ifindex = (int)if_nametoindex(ifname);
    if (!a->ifindex) {
        err = failure_sys(f, errno, "Failed to find the index of %s", ifname);
        goto cleanup_nl;
    }
    err = tun_configure(a, nl, c, ifname, f);
    if (!err)
        log_msg(WINTUN_LOG_INFO, "Created adapter \"%s\" (interface %s, index %d, GUID %s)",
                c->name, ifname, a->ifindex, a->guid_text);
cleanup_nl:
    nl_close(nl);
    return err;
}

LINTUN_EXPORT WINTUN_ADAPTER_HANDLE WintunCreateAdapter(const WCHAR *name, const WCHAR *type,
                                                        const GUID *requested)
{
    struct create_args c;
    struct failure f;
    if (validate_names(name, type, &c, &f) < 0) {
        failure_report(&f);
        return NULL;
    }
    struct adapter *a = adapter_new();
    if (!a) {
        fail(ERROR_NOT_ENOUGH_MEMORY, "Failed to allocate an adapter");
        return NULL;
    }
    a->creator = true;
    wcsncpy(a->name, name, MAX_ADAPTER_NAME - 1);
    int err = requested ? (a->guid = *requested, 0) : guid_random(&a->guid);
    guid_format(&a->guid, a->guid_text);
    if (err) {
        failure_sys(&f, -err, "Failed to pick a random GUID");
        goto cleanup_adapter;
    }
    a->netns_fd = current_netns();
    if (a->netns_fd < 0) {
        failure_sys(&f, -a->netns_fd, "Failed to open the network namespace");
        goto cleanup_adapter;
    }
    if (create_device(a, &c, &f) < 0)
        goto cleanup_adapter;
    return (WINTUN_ADAPTER_HANDLE)a;

cleanup_adapter:
    failure_report(&f);
    if (a->tun_fd >= 0 && a->ifindex > 0) {
        /* The device may be up already: closing our only queue removes it. */
        close(a->tun_fd);
        a->tun_fd = -1;
    }
    adapter_free(a);
    return NULL;
}

/* ------------------------------------------------------------------------
 * WintunOpenAdapter, WintunCloseAdapter, WintunDeleteDriver
 * --------------------------------------------------------------------- */

static int adapter_fill(struct adapter *a, const struct nl_link *link)
{
    DWORD pid;
    if (adapter_parse_alias_pid(link->alias, &a->guid, a->guid_text, NULL, 0, &pid) < 0)
        return -EINVAL;
    a->ifindex = link->ifindex;
    return text_from_utf8(adapter_link_name(link), a->name, MAX_ADAPTER_NAME);
}

/* A name as UTF-8 for a log line; text that cannot be a name is marked so. */
static const char *name_for_log(const WCHAR *name, char *buf, size_t size)
{
    return text_to_utf8(name, size / 4, buf, size) == 0 ? buf : "(a name no adapter can have)";
}

LINTUN_EXPORT WINTUN_ADAPTER_HANDLE WintunOpenAdapter(const WCHAR *name)
{
    if (!name) {
        fail(ERROR_INVALID_PARAMETER, "WintunOpenAdapter: Name is NULL");
        return NULL;
    }
    /* As in Wintun, the name is not validated: one that no adapter can have
     * (empty, too long, not valid text) is simply not found. */
    char buf[4 * MAX_ADAPTER_NAME + 1];
    const char *utf8 = name_for_log(name, buf, sizeof(buf));
    struct nl_sock *nl;
    int err = nl_open(&nl);
    if (err) {
        fail_sys(-err, "Failed to open a netlink socket");
        return NULL;
    }
    struct lookup q = {.name = name};
    err = lookup_and_sweep(nl, &q, NULL);
    nl_close(nl);
    if (err) {
        fail_sys(-err, "%s", list_failure(err));
        return NULL;
    }
    if (!q.hit) {
        fail(ERROR_NOT_FOUND, "Failed to find an adapter named \"%s\"", utf8);
        return NULL;
    }
    struct adapter *a = adapter_new();
    if (!a) {
        fail(ERROR_NOT_ENOUGH_MEMORY, "Failed to allocate an adapter");
        return NULL;
    }
    a->netns_fd = current_netns();
    if (a->netns_fd < 0 || adapter_fill(a, &q.found) < 0) {
        fail(ERROR_GEN_FAILURE, "Failed to open adapter \"%s\"", utf8);
        adapter_free(a);
        return NULL;
    }
    return (WINTUN_ADAPTER_HANDLE)a;
}

bool adapter_link_is_ours(const struct nl_link *link, const struct adapter *a)
{
    GUID guid;
    char guid_text[39];
    if (strcmp(link->kind, "tun") != 0)
        return false;
    if (adapter_parse_alias(link->alias, &guid, guid_text, NULL, 0) < 0)
        return true;
    return memcmp(&guid, &a->guid, sizeof(guid)) == 0;
}

int adapter_link_get(const struct adapter *a, struct nl_sock *nl, struct nl_link *link)
{
    int err = nl_link_get(nl, a->ifindex, link);
    if (!err && !adapter_link_is_ours(link, a))
        err = -ENODEV;
    return err;
}

/* Delete the adapter's interface, from whatever namespace we are in. */
int adapter_delete_link(const struct adapter *a)
{
    struct nl_sock *nl;
    int err = adapter_nl_open(a, &nl);
    if (err)
        return err;
    struct nl_link link;
    err = adapter_link_get(a, nl, &link);
    if (!err)
        err = nl_link_del(nl, a->ifindex);
    nl_close(nl);
    if (err == -ENODEV)
        err = 0;
    if (!err)
        count_removal();
    return err;
}

LINTUN_EXPORT void WintunCloseAdapter(WINTUN_ADAPTER_HANDLE handle)
{
    struct adapter *a = (struct adapter *)handle;
    if (!a)
        return;
    /* Like Wintun's, this call sets no last error: logging and freeing keep it. */
    if (a->magic != ADAPTER_MAGIC) {
        log_msg(WINTUN_LOG_ERR, "WintunCloseAdapter: not a live adapter handle (closed twice?)");
        return;
    }
    /* The handle ends now. A session started from it is left alone: it holds
     * its own reference, and sees ERROR_HANDLE_EOF once the interface is gone. */
    a->magic = HANDLE_DEAD;
    if (a->creator) {
        int err = adapter_delete_link(a);
        if (err)
            log_msg(WINTUN_LOG_WARN, "Failed to delete interface (index %d): %s", a->ifindex,
                    strerror(-err));
        /* The adapter is gone: its GUID is free again at once, even while a
         * session still holds the queue descriptor. */
        close_owner_sock(a);
    }
    adapter_release(a);
}

LINTUN_EXPORT BOOL WintunDeleteDriver(void)
{
    struct nl_sock *nl;
    int err = nl_open(&nl);
    if (err) {
        fail_sys(-err, "Failed to open a netlink socket");
        return FALSE;
    }
    struct lookup q = {0};
    int failed = 0;
    err = lookup_and_sweep(nl, &q, &failed);
    nl_close(nl);
    if (err || failed) {
        fail_sys(err ? -err : -failed, "Failed to remove orphaned adapters");
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------------
 * LUID, version, info, owner
 * --------------------------------------------------------------------- */

LINTUN_EXPORT void WintunGetAdapterLUID(WINTUN_ADAPTER_HANDLE handle, NET_LUID *luid)
{
    struct adapter *a = adapter_get(handle, __func__);
    if (!a)
        return;
    if (!luid) {
        fail(ERROR_INVALID_PARAMETER, "WintunGetAdapterLUID: Luid is NULL");
        return;
    }
    luid->Value = 0;
    luid->Info.NetLuidIndex = (uint64_t)a->ifindex & 0xffffff;
    luid->Info.IfType = IF_TYPE_PROP_VIRTUAL;
}

/* The spelling of the reference on wintun.net: the same function. */
LINTUN_EXPORT void WintunGetAdapterLuid(WINTUN_ADAPTER_HANDLE handle, NET_LUID *luid)
    __attribute__((alias("WintunGetAdapterLUID")));

LINTUN_EXPORT DWORD WintunGetRunningDriverVersion(void)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        fail_errno(ERROR_FILE_NOT_FOUND, errno, "/dev/net/tun is not usable");
        return 0;
    }
    close(fd);
    return ((DWORD)LINTUN_VERSION_MAJOR << 16) | LINTUN_VERSION_MINOR;
}

void adapter_info_from_link(const struct nl_link *link, LINTUN_ADAPTER_INFO *info)
{
    memset(info, 0, sizeof(*info));
    DWORD pid = 0;
    adapter_parse_alias_pid(link->alias, &info->Guid, NULL, info->TunnelType, MAX_ADAPTER_NAME,
                            &pid);
    text_from_utf8(adapter_link_name(link), info->Name, MAX_ADAPTER_NAME);
    info->IfIndex = (DWORD)link->ifindex;
    info->Luid.Info.NetLuidIndex = (uint64_t)link->ifindex & 0xffffff;
    info->Luid.Info.IfType = IF_TYPE_PROP_VIRTUAL;
    snprintf(info->IfName, sizeof(info->IfName), "%s", link->ifname);
    info->CreatorPid = pid;
}

LINTUN_EXPORT BOOL LintunGetAdapterInfo(WINTUN_ADAPTER_HANDLE handle, LINTUN_ADAPTER_INFO *info)
{
    struct adapter *a = adapter_get(handle, __func__);
    if (!a)
        return FALSE;
    if (!info) {
        fail(ERROR_INVALID_PARAMETER, "LintunGetAdapterInfo: Info is NULL");
        return FALSE;
    }
    struct nl_sock *nl;
    int err = adapter_nl_open(a, &nl);
    if (err) {
        fail_sys(-err, "Failed to open a netlink socket");
        return FALSE;
    }
    struct nl_link link;
    err = adapter_link_get(a, nl, &link);
    nl_close(nl);
    if (err) {
        fail_errno(err == -ENODEV ? ERROR_HANDLE_EOF : error_from_errno(-err, ERRNO_ANY), -err,
                   "Failed to read interface %d", a->ifindex);
        return FALSE;
    }
    adapter_info_from_link(&link, info);
    return TRUE;
}

LINTUN_EXPORT BOOL LintunSetAdapterOwner(WINTUN_ADAPTER_HANDLE handle, DWORD uid, DWORD gid)
{
    struct adapter *a = adapter_get(handle, __func__);
    if (!a)
        return FALSE;
    if (!a->creator || a->tun_fd < 0) {
        fail(ERROR_INVALID_PARAMETER, "LintunSetAdapterOwner: only on the creating handle");
        return FALSE;
    }
    if (uid != (DWORD)-1 && ioctl(a->tun_fd, TUNSETOWNER, (unsigned long)uid) < 0) {
        fail_sys(errno, "Failed to set the owner of interface %d", a->ifindex);
        return FALSE;
    }
    if (gid != (DWORD)-1 && ioctl(a->tun_fd, TUNSETGROUP, (unsigned long)gid) < 0) {
        fail_sys(errno, "Failed to set the group of interface %d", a->ifindex);
        return FALSE;
    }
    return TRUE;
}

/* Is the creator of the adapter alive? In the adapter's namespace. */
bool adapter_creator_alive(const struct adapter *a)
{
    int saved;
    if (adapter_ns_enter(a, &saved) < 0)
        return true;
    bool alive = creator_alive_bind(a->guid_text);
    adapter_ns_leave(saved);
    return alive;
}

/* ------------------------------------------------------------------------
 * Queues for sessions
 * --------------------------------------------------------------------- */

int adapter_attach_queue(struct adapter *a, const struct nl_link *link, bool *owned)
{
    if (a->creator) {
        struct ifreq ifr = {.ifr_flags = IFF_ATTACH_QUEUE};
        if (ioctl(a->tun_fd, TUNSETQUEUE, &ifr) < 0)
            return -errno;
        *owned = false;
        return a->tun_fd;
    }
    int saved, err;
    if ((err = adapter_ns_enter(a, &saved)) < 0)
        return err;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    err = fd < 0 ? -errno : 0;
    adapter_ns_leave(saved);
    if (err)
        return err;
    struct ifreq ifr = {.ifr_flags = TUN_FLAGS};
    memcpy(ifr.ifr_name, link->ifname, IFNAMSIZ);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        err = -errno;
        close(fd);
        return err;
    }
    *owned = true;
    return fd;
}

void adapter_detach_queue(int fd, bool owned)
{
    int off = 0;
    ioctl(fd, TUNSETCARRIER, &off);
    if (owned) {
        close(fd);
    } else {
        struct ifreq ifr = {.ifr_flags = IFF_DETACH_QUEUE};
        ioctl(fd, TUNSETQUEUE, &ifr);
    }
}

int adapter_lock_session(const struct adapter *a)
{
    char suffix[32];
    snprintf(suffix, sizeof(suffix), "/session/%d", a->ifindex);
    int saved, err = adapter_ns_enter(a, &saved);
    if (err)
        return err;
    int fd = adapter_bind_abstract(a->guid_text, suffix, SOCK_DGRAM);
    adapter_ns_leave(saved);
    return fd;
}

int adapter_watch_creator(struct adapter *a, const struct nl_link *link, int *pidfd)
{
    DWORD pid = 0;
    if (a->creator)
        return 0;
    adapter_parse_alias_pid(link->alias, NULL, NULL, NULL, 0, &pid);
    if (pid && (pid_t)pid != getpid()) {
        *pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
        if (*pidfd < 0)
            log_msg(WINTUN_LOG_WARN, "Cannot watch the creator of \"%ls\" (pid %u): %s", a->name,
                    pid, strerror(errno));
    }
    /* Checked after the pidfd exists, so a creator dying in between is seen. */
    if (!adapter_creator_alive(a)) {
        adapter_delete_link(a);
        return -EBADFD;
    }
    return 0;
}
