/* SPDX-License-Identifier: MIT */
/* Adapters: what other modules (session, config) need of them. */
#ifndef LINTUN_ADAPTER_H
#define LINTUN_ADAPTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "wintun.h"

struct nl_sock;

#define ADAPTER_MAGIC 0x4c544150u /* "LTAP" */

/*
 * An adapter handle, and what sessions started from it keep using. As in
 * Wintun, a session does not belong to the handle: WintunCloseAdapter ends
 * the handle (magic) at once, but the object lives on while a session holds
 * a reference (adapter_hold), so the session's descriptors and names stay
 * valid until WintunEndSession. Sessions call into this module; this module
 * never calls into sessions.
 */
struct adapter {
    uint32_t magic;   /* ADAPTER_MAGIC while the handle is open */
    atomic_uint refs; /* the open handle's, plus one per session */
    bool creator;     /* from WintunCreateAdapter: closing removes it */
    int tun_fd;       /* creator: its queue, detached while no session; else -1 */
    int netns_fd;     /* the adapter's network namespace */
    int owner_sock;   /* creator: bound "\0lintun/{GUID}" socket until closed; else -1 */
    int ifindex;
    GUID guid;
    char guid_text[39]; /* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" */
    WCHAR name[MAX_ADAPTER_NAME];
};

/*
 * The adapter behind a handle, or NULL after setting ERROR_INVALID_HANDLE
 * (NULL, or a closed handle still recognisable as one) and logging.
 */
struct adapter *adapter_get(WINTUN_ADAPTER_HANDLE handle, const char *caller);

/*
 * A session takes a reference when it starts and gives it back when it ends;
 * the last reference (handle closed, every session ended) frees the adapter
 * and closes its descriptors.
 */
void adapter_hold(struct adapter *a);
void adapter_release(struct adapter *a);

/*
 * How many interfaces this process has deleted so far (closing a creating
 * handle, an exited creator's adapter). A session that sees the count move
 * looks at its queue at once instead of waiting for its periodic check.
 */
unsigned int adapter_removals(void);

/*
 * Run with the calling thread in the adapter's network namespace: ns_enter
 * switches (only when it differs) and saves the old one in *saved (or -1);
 * ns_leave switches back. Both return 0 or -errno.
 */
int adapter_ns_enter(const struct adapter *a, int *saved);
void adapter_ns_leave(int saved);

/* A netlink socket in the adapter's namespace; 0 or -errno. */
int adapter_nl_open(const struct adapter *a, struct nl_sock **out);

/* "\0lintun/{GUID}" and "\0lintun/{GUID}/session/<ifindex>" abstract socket names. */
int adapter_bind_abstract(const char *guid_text, const char *suffix, int type);
int adapter_connect_abstract(const char *guid_text, const char *suffix);

/* Parse an interface alias written by this library; 0 or -EINVAL. */
int adapter_parse_alias(const char *alias, GUID *guid, char guid_text[39], WCHAR *type,
                        size_t type_len);

/* The same, also giving the creator's pid. */
int adapter_parse_alias_pid(const char *alias, GUID *guid, char guid_text[39], WCHAR *type,
                            size_t type_len, DWORD *pid);

struct nl_link;
/* The adapter's full name (UTF-8): its first altname, else its ifname. */
const char *adapter_link_name(const struct nl_link *link);
/* Fill info from a link of ours (alias parsed, LUID computed). */
void adapter_info_from_link(const struct nl_link *link, LINTUN_ADAPTER_INFO *info);
/*
 * Whether the link at the adapter's interface index is still the adapter: a
 * TUN interface whose alias, when it is one of ours, carries the adapter's
 * GUID. Once the adapter's interface is gone the kernel may give its index
 * to another interface (`ip link add ... index N`), which this tells apart;
 * a TUN interface whose alias is not ours at all is given the benefit of
 * the doubt (someone may have changed the alias).
 */
bool adapter_link_is_ours(const struct nl_link *link, const struct adapter *a);
/* Read the adapter's link; -ENODEV when the index is gone or names another interface. */
int adapter_link_get(const struct adapter *a, struct nl_sock *nl, struct nl_link *link);
/*
 * Delete the adapter's interface (RTM_DELLINK); 0 (also when gone, and when
 * the index names another interface now, which is left alone) or -errno.
 */
int adapter_delete_link(const struct adapter *a);
/* Is the creating process still alive (its abstract name still bound)? */
bool adapter_creator_alive(const struct adapter *a);

/*
 * A queue of the adapter's device for a session: the creator attaches its
 * own detached queue again, anyone else opens a new one (in the adapter's
 * namespace). The descriptor, or -errno; *owned is true when the caller owns
 * the descriptor (a new queue), false for the creator's.
 */
int adapter_attach_queue(struct adapter *a, const struct nl_link *link, bool *owned);
/* Turn the carrier off and give a queue back: closed if owned, else detached. */
void adapter_detach_queue(int fd, bool owned);
/*
 * One session per adapter, across processes: bind
 * "\0lintun/{GUID}/session/<ifindex>" in the adapter's namespace. The socket,
 * or -errno (-EADDRINUSE: a session runs). The interface index is part of the
 * name because a session outlives its adapter's removal (until
 * WintunEndSession): a new adapter with the same GUID is a new interface, and
 * takes a session of its own, as in Wintun.
 */
int adapter_lock_session(const struct adapter *a);

/*
 * When another process created the adapter, watch it: *pidfd becomes its
 * pidfd (left as it is when this process is the creator, or on failure,
 * logged). 0, or -EBADFD when the creator is already gone (the interface is
 * then deleted).
 */
int adapter_watch_creator(struct adapter *a, const struct nl_link *link, int *pidfd);

#endif
