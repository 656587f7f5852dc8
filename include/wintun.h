/* SPDX-License-Identifier: MIT */
/*
 * wintun.h - the Wintun 0.14 API on Linux, provided by liblintun.
 *
 * A program written against Wintun's documentation builds with
 *
 *     cc prog.c $(pkg-config --cflags --libs lintun)
 *
 * and behaves as on Windows. This header is the single reference of the
 * library: every exported function is documented here with its parameters,
 * its return value and every error code it can leave in GetLastError().
 *
 * Programs that load the library at run time (dlopen/dlsym, as Wintun's
 * example.c does with LoadLibrary/GetProcAddress) define LINTUN_DYNAMIC
 * before including this file: then only the types and WINTUN_*_FUNC typedefs
 * are declared, and the program's own `static WINTUN_CREATE_ADAPTER_FUNC
 * *WintunCreateAdapter;` pointers do not clash with prototypes.
 *
 * Where Linux forces a difference from Windows, the comment says so under
 * "Linux:". The short list:
 *   - WCHAR is wchar_t, 4 bytes (UTF-32) on Linux; L"..." literals work.
 *   - HANDLE events are the library's own objects: WaitForSingleObject()
 *     below works on the read-wait event; LintunGetReadWaitFd() gives a
 *     pollable file descriptor for the same event.
 *   - Interface names: the adapter name becomes the Linux interface name when
 *     it is a valid one (at most 15 bytes, no '/', no white space); otherwise
 *     the interface gets a derived name and the full name is kept as an
 *     alternative name, found by WintunOpenAdapter (case-insensitively).
 *   - Creating an adapter whose name exists fails with ERROR_ALREADY_EXISTS
 *     (Wintun renames to "Name 2"; a Linux program would rather know).
 */
#ifndef LINTUN_WINTUN_H
#define LINTUN_WINTUN_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Windows types, for Linux
 * ------------------------------------------------------------------ */
#ifndef LINTUN_NO_WINDOWS_TYPES
#ifndef WINAPI
#define WINAPI
#endif
typedef int BOOL;
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uint32_t ULONG;
typedef uint64_t DWORD64;
typedef uint64_t ULONG64;
typedef wchar_t WCHAR;
typedef const WCHAR *LPCWSTR;
typedef intptr_t LPARAM;
typedef void *HANDLE;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;

typedef union _NET_LUID_LH {
    uint64_t Value;
    struct {
        uint64_t Reserved : 24;
        uint64_t NetLuidIndex : 24; /* Linux: the interface index */
        uint64_t IfType : 16;       /* 53, IF_TYPE_PROP_VIRTUAL */
    } Info;
} NET_LUID_LH, NET_LUID;

#define IF_TYPE_PROP_VIRTUAL 53
#define MAX_ADAPTER_NAME 128

/* Windows error codes, with their Windows values. */
#define ERROR_SUCCESS 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_DATA 13
#define ERROR_HANDLE_EOF 38
#define ERROR_NOT_SUPPORTED 50
#define ERROR_INVALID_PARAMETER 87
#define ERROR_BUFFER_OVERFLOW 111
#define ERROR_ALREADY_EXISTS 183
#define ERROR_MORE_DATA 234
#define ERROR_NO_MORE_ITEMS 259
#define ERROR_GEN_FAILURE 31
#define ERROR_NOT_FOUND 1168
#define ERROR_ALREADY_INITIALIZED 1247
#define ERROR_OBJECT_ALREADY_EXISTS 5010

/* Wait results and the infinite timeout of WaitForSingleObject(). */
#define INFINITE 0xFFFFFFFFu
#define WAIT_OBJECT_0 0x00000000u
#define WAIT_ABANDONED 0x00000080u
#define WAIT_TIMEOUT 0x00000102u
#define WAIT_FAILED 0xFFFFFFFFu
#endif /* LINTUN_NO_WINDOWS_TYPES */

/* ---------------------------------------------------------------------
 * Wintun 0.14 types and constants
 * ------------------------------------------------------------------ */
typedef struct _WINTUN_ADAPTER *WINTUN_ADAPTER_HANDLE;
typedef struct _TUN_SESSION *WINTUN_SESSION_HANDLE;

#define WINTUN_MIN_RING_CAPACITY 0x20000   /* 128 KiB */
#define WINTUN_MAX_RING_CAPACITY 0x4000000 /* 64 MiB */
#define WINTUN_MAX_IP_PACKET_SIZE 0xFFFF

typedef enum {
    WINTUN_LOG_INFO = 0,
    WINTUN_LOG_WARN = 1,
    WINTUN_LOG_ERR = 2,
} WINTUN_LOGGER_LEVEL;

/*
 * Called by the library's logger. Level is a WINTUN_LOGGER_LEVEL; Timestamp
 * counts 100-ns intervals since 1601-01-01 UTC; Message is at most 1023
 * characters (longer ones are cut and end in "..."). It may be called from
 * several threads at once (serialize inside the callback if needed), also
 * from the library's own flusher thread, and sometimes while the library
 * holds a session's internal lock: the callback must not call back into the
 * library, nor wait for another thread that may be calling into it.
 */
typedef void(WINAPI WINTUN_LOGGER_CALLBACK)(WINTUN_LOGGER_LEVEL Level, DWORD64 Timestamp,
                                             const WCHAR *Message);

typedef WINTUN_ADAPTER_HANDLE(WINAPI WINTUN_CREATE_ADAPTER_FUNC)(const WCHAR *Name,
                                                                  const WCHAR *TunnelType,
                                                                  const GUID *RequestedGUID);
typedef WINTUN_ADAPTER_HANDLE(WINAPI WINTUN_OPEN_ADAPTER_FUNC)(const WCHAR *Name);
typedef void(WINAPI WINTUN_CLOSE_ADAPTER_FUNC)(WINTUN_ADAPTER_HANDLE Adapter);
typedef BOOL(WINAPI WINTUN_DELETE_DRIVER_FUNC)(void);
typedef void(WINAPI WINTUN_GET_ADAPTER_LUID_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, NET_LUID *Luid);
typedef DWORD(WINAPI WINTUN_GET_RUNNING_DRIVER_VERSION_FUNC)(void);
typedef void(WINAPI WINTUN_SET_LOGGER_FUNC)(WINTUN_LOGGER_CALLBACK *NewLogger);
typedef WINTUN_SESSION_HANDLE(WINAPI WINTUN_START_SESSION_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                                                 DWORD Capacity);
typedef void(WINAPI WINTUN_END_SESSION_FUNC)(WINTUN_SESSION_HANDLE Session);
typedef HANDLE(WINAPI WINTUN_GET_READ_WAIT_EVENT_FUNC)(WINTUN_SESSION_HANDLE Session);
typedef BYTE *(WINAPI WINTUN_RECEIVE_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session, DWORD *PacketSize);
typedef void(WINAPI WINTUN_RELEASE_RECEIVE_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session,
                                                         const BYTE *Packet);
typedef BYTE *(WINAPI WINTUN_ALLOCATE_SEND_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session,
                                                         DWORD PacketSize);
typedef void(WINAPI WINTUN_SEND_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session, const BYTE *Packet);

#ifndef LINTUN_DYNAMIC
/* ---------------------------------------------------------------------
 * The 14 functions of Wintun 0.14
 *
 * Every function that can fail sets the calling thread's last error
 * (GetLastError()); functions that succeed leave it alone unless stated.
 * Every failure is also logged through the logger, with the system's text.
 * ------------------------------------------------------------------ */

/*
 * WintunCreateAdapter - create a layer-3 TUN adapter.
 * @Name: 1 to 127 characters, no control characters. A valid Linux interface
 *   name (at most 15 bytes of UTF-8, no '/', ':' or white space, not "." or
 *   "..") becomes the interface name; any other name gets a derived
 *   interface name ("Data Center" -> "Data_Center", long names are cut and
 *   numbered) and is kept, whole, as the interface's alternative name, which
 *   limits it to 127 bytes of UTF-8.
 * @TunnelType: 1 to 127 characters, at most 200 bytes of UTF-8. Kept with the
 *   adapter; `ip link` shows it in the interface alias
 *   "lintun {GUID} <creator pid> <TunnelType> Tunnel".
 * @RequestedGUID: the adapter's GUID, or NULL for a random one.
 *
 * The adapter lives until WintunCloseAdapter() on this handle or until the
 * creating process exits, however it exits (SIGKILL included): the kernel
 * removes the interface when the creator's descriptors close, and a session
 * another process holds deletes the interface when it sees the creator gone.
 * The link is brought up; its carrier (Windows' media state) is on only while
 * a session runs. With no session, routed packets are dropped.
 *
 * Returns the adapter handle, or NULL with:
 *   ERROR_INVALID_PARAMETER  Name or TunnelType NULL, empty, too long, or not
 *                            valid text (control characters, invalid code
 *                            points)
 *   ERROR_ALREADY_EXISTS     an interface with this name (case-insensitively
 *                            among this library's adapters), or an adapter
 *                            with this GUID, exists in this network namespace
 *   ERROR_ACCESS_DENIED      the caller lacks CAP_NET_ADMIN
 *   ERROR_FILE_NOT_FOUND     /dev/net/tun is missing (no tun module)
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        any other system error (logged with its text)
 * Linux: the adapter belongs to the network namespace the caller is in when it
 * creates it; the handle keeps working after the thread moves elsewhere.
 */
WINTUN_CREATE_ADAPTER_FUNC WintunCreateAdapter;

/*
 * WintunOpenAdapter - open an existing adapter of this library by name.
 * @Name: the adapter's full name, matched case-insensitively against the
 *   names this library gave its adapters in the caller's network namespace.
 *   Any process may open an adapter; using it needs what the operation needs
 *   (CAP_NET_ADMIN, or being the adapter's owner for sessions).
 * Returns a handle, or NULL with ERROR_NOT_FOUND when there is no such
 * adapter, ERROR_INVALID_PARAMETER for a NULL, empty or overlong name,
 * ERROR_NOT_ENOUGH_MEMORY, or ERROR_GEN_FAILURE.
 * Closing an opened handle never removes the adapter.
 */
WINTUN_OPEN_ADAPTER_FUNC WintunOpenAdapter;

/*
 * WintunCloseAdapter - release a handle; remove the adapter when the handle
 * came from WintunCreateAdapter(). NULL is allowed and does nothing.
 * A session still running on this handle is ended first (with a warning in
 * the log: end it yourself). Sessions in other processes see
 * ERROR_HANDLE_EOF within 100 ms. A closed or invalid handle is logged and
 * ignored. Never changes the last error.
 */
WINTUN_CLOSE_ADAPTER_FUNC WintunCloseAdapter;

/*
 * WintunDeleteDriver - remove orphaned adapters of this library.
 * Linux: there is no driver to delete (TUN is part of the kernel). This
 * removes, in the caller's network namespace, every adapter of this library
 * whose creating process has exited (an orphan can only exist while another
 * process still holds a session on it). Live adapters are left alone.
 * Returns TRUE when no orphan remains; FALSE when one could not be removed,
 * with ERROR_ACCESS_DENIED (no CAP_NET_ADMIN) or ERROR_GEN_FAILURE.
 */
WINTUN_DELETE_DRIVER_FUNC WintunDeleteDriver;

/*
 * WintunGetAdapterLUID - the adapter's LUID: NetLuidIndex is the Linux
 * interface index, IfType is 53 (IF_TYPE_PROP_VIRTUAL), Reserved is 0.
 * A NULL or invalid Adapter or a NULL Luid leaves *Luid untouched and sets
 * ERROR_INVALID_PARAMETER / ERROR_INVALID_HANDLE (Wintun returns void).
 */
WINTUN_GET_ADAPTER_LUID_FUNC WintunGetAdapterLUID;

/*
 * WintunGetRunningDriverVersion - the library version, (major << 16) | minor.
 * Returns 0 with ERROR_FILE_NOT_FOUND when /dev/net/tun cannot be opened
 * (no tun support; also when permission to open it is missing).
 */
WINTUN_GET_RUNNING_DRIVER_VERSION_FUNC WintunGetRunningDriverVersion;

/*
 * WintunSetLogger - install the logger callback; NULL restores the silent
 * default. Thread-safe. Logging never changes the last error.
 */
WINTUN_SET_LOGGER_FUNC WintunSetLogger;

/*
 * WintunStartSession - start the adapter's session: two rings of Capacity
 * bytes each, kernel-to-program and program-to-kernel.
 * @Capacity: a power of two from WINTUN_MIN_RING_CAPACITY to
 *   WINTUN_MAX_RING_CAPACITY. A packet takes 4 + Size bytes rounded up to 4;
 *   a ring holds at most Capacity - 4 bytes of packets, as in Wintun.
 * Only one session per adapter may run at a time, across processes. The
 * session turns the carrier on; ending it turns it off.
 * Offload (segmentation and checksum) is used when the kernel offers it, and
 * never changes what the program sees: standard IP packets no larger than
 * the MTU. LintunStartSessionEx() and LINTUN_OFFLOAD=off|nocoalesce in the
 * environment turn it down.
 * Returns the session handle, or NULL with:
 *   ERROR_INVALID_PARAMETER    Capacity out of range or not a power of two
 *   ERROR_INVALID_HANDLE       Adapter NULL or not a live adapter handle
 *   ERROR_ALREADY_INITIALIZED  a session already runs on this adapter
 *   ERROR_HANDLE_EOF           the interface is gone
 *   ERROR_ACCESS_DENIED        the caller may not attach to the interface
 *   ERROR_NOT_ENOUGH_MEMORY, ERROR_GEN_FAILURE
 */
WINTUN_START_SESSION_FUNC WintunStartSession;

/*
 * WintunEndSession - end a session and free its rings. NULL does nothing.
 * Every thread waiting on the session's read-wait event wakes (the wait
 * returns WAIT_OBJECT_0); EndSession returns once they have left the wait.
 * Calls on the session that are running when EndSession starts finish
 * first. Afterwards the handle, its event and every packet pointer it gave
 * out are invalid; a later call with the handle is detected on a best-effort
 * basis (ERROR_INVALID_HANDLE) and is a program error.
 * Sends that were allocated and sent are written to the kernel before the
 * session ends; allocated packets that were never sent are discarded.
 */
WINTUN_END_SESSION_FUNC WintunEndSession;

/*
 * WintunGetReadWaitEvent - the session's read-wait event, owned by the
 * session (do not close it). It is signalled when packets may be ready, when
 * the adapter goes away and when the session ends. Wait for it with
 * WaitForSingleObject() below, or poll LintunGetReadWaitFd(). Returns NULL
 * with ERROR_INVALID_HANDLE for a bad session.
 */
WINTUN_GET_READ_WAIT_EVENT_FUNC WintunGetReadWaitEvent;

/*
 * WintunReceivePacket - take the next packet the system sent to the adapter.
 * @PacketSize: receives the packet's size.
 * Returns a pointer to one IPv4 or IPv6 packet, which the program may modify
 * and must give back with WintunReleaseReceivePacket(), or NULL with:
 *   ERROR_NO_MORE_ITEMS      no packet now; wait on the read-wait event
 *   ERROR_HANDLE_EOF         the adapter is gone (or the creator exited)
 *   ERROR_INVALID_DATA       the ring is corrupt
 *   ERROR_INVALID_PARAMETER  PacketSize is NULL
 *   ERROR_INVALID_HANDLE     Session is NULL or ended
 * When the ring is full of unreleased packets, this returns
 * ERROR_NO_MORE_ITEMS and packets wait in the kernel's queue (which drops
 * when it too is full, as Wintun drops when its ring is full).
 * Thread-safe. Packets come in the order the kernel sent them.
 */
WINTUN_RECEIVE_PACKET_FUNC WintunReceivePacket;

/*
 * WintunReleaseReceivePacket - give back a packet from WintunReceivePacket().
 * Any order is allowed; ring space comes back when every earlier packet has
 * been released too. A pointer that is not an outstanding received packet
 * is ignored, logged, and sets ERROR_INVALID_PARAMETER (a bad Session sets
 * ERROR_INVALID_HANDLE). Thread-safe.
 */
WINTUN_RELEASE_RECEIVE_PACKET_FUNC WintunReleaseReceivePacket;

/*
 * WintunAllocateSendPacket - reserve PacketSize bytes in the send ring.
 * Returns a pointer to PacketSize writable bytes, or NULL with:
 *   ERROR_BUFFER_OVERFLOW    the ring is full (drop the packet)
 *   ERROR_HANDLE_EOF         the adapter is gone
 *   ERROR_INVALID_PARAMETER  PacketSize is 0 or above WINTUN_MAX_IP_PACKET_SIZE
 *   ERROR_INVALID_HANDLE     Session is NULL or ended
 * Thread-safe; the order of allocations is the order of delivery.
 */
WINTUN_ALLOCATE_SEND_PACKET_FUNC WintunAllocateSendPacket;

/*
 * WintunSendPacket - send a packet from WintunAllocateSendPacket().
 * The packet reaches the kernel once every packet allocated before it has
 * been sent; it may be held back briefly to be written together with the
 * next ones (at most until the calling thread waits on a read-wait event,
 * receives nothing, or about 100 microseconds pass). Packets merged this way
 * reach the kernel as sent, but for one field: IPv4 packets with DF set
 * (atomic datagrams, whose ID has no meaning, RFC 6864) get the IDs the
 * kernel numbers segments with, the first one's upwards; this is visible
 * only where the kernel forwards them. Packets that are not a
 * well-formed IPv4 (20 bytes or more) or IPv6 (40 or more) packet, or whose
 * header length field exceeds the packet, are dropped and counted (see
 * LintunGetSessionStats()), as Wintun drops them. A pointer that is not an
 * allocated, unsent packet is ignored, logged, and sets
 * ERROR_INVALID_PARAMETER (a bad Session sets ERROR_INVALID_HANDLE).
 * Thread-safe.
 */
WINTUN_SEND_PACKET_FUNC WintunSendPacket;
#endif /* !LINTUN_DYNAMIC */

/* ---------------------------------------------------------------------
 * Win32 calls that Wintun programs use with the API
 * ------------------------------------------------------------------ */

/*
 * LintunWaitForSingleObject - wait for a read-wait event to be signalled.
 * @Handle: from WintunGetReadWaitEvent().
 * @Milliseconds: timeout in milliseconds, or INFINITE.
 * Returns WAIT_OBJECT_0 when signalled (packets may be ready, the adapter
 * went away, or the session is ending), WAIT_TIMEOUT, or WAIT_FAILED with
 * ERROR_INVALID_HANDLE. The event resets itself when the wait returns
 * (auto-reset). While waiting the thread uses no CPU. Before it blocks, the
 * calling thread writes out every packet it sent that is still held back.
 */
typedef DWORD(LINTUN_WAIT_FOR_SINGLE_OBJECT_FUNC)(HANDLE Handle, DWORD Milliseconds);
/* LintunGetLastError / LintunSetLastError - the calling thread's last error. */
typedef DWORD(LINTUN_GET_LAST_ERROR_FUNC)(void);
typedef void(LINTUN_SET_LAST_ERROR_FUNC)(DWORD Error);

#ifndef LINTUN_DYNAMIC
LINTUN_WAIT_FOR_SINGLE_OBJECT_FUNC LintunWaitForSingleObject;
LINTUN_GET_LAST_ERROR_FUNC LintunGetLastError;
LINTUN_SET_LAST_ERROR_FUNC LintunSetLastError;

/*
 * The Win32 names, for programs linked with the library. (Programs using
 * LINTUN_DYNAMIC load "LintunWaitForSingleObject" and "LintunGetLastError"
 * with dlsym and define these three themselves.) Define
 * LINTUN_NO_WIN32_COMPAT to leave them out.
 */
#ifndef LINTUN_NO_WIN32_COMPAT
static inline DWORD WaitForSingleObject(HANDLE Handle, DWORD Milliseconds)
{
    return LintunWaitForSingleObject(Handle, Milliseconds);
}
static inline DWORD GetLastError(void) { return LintunGetLastError(); }
static inline void SetLastError(DWORD Error) { LintunSetLastError(Error); }
#endif
#endif /* !LINTUN_DYNAMIC */

/* ---------------------------------------------------------------------
 * Linux extensions (prefix Lintun)
 * ------------------------------------------------------------------ */

/*
 * Library version: MAJOR.MINOR is the Wintun API implemented, and what
 * WintunGetRunningDriverVersion() reports; PATCH counts lintun's releases of
 * it. Written here only: the Makefile, the pkg-config file, the Python
 * package and the man pages read it from here (debian/changelog must agree,
 * tests/version-sources.sh checks). The soname and the symbol version node
 * are the ABI's, not the release's (README, "Changing the ABI").
 */
#define LINTUN_VERSION_MAJOR 0
#define LINTUN_VERSION_MINOR 14
#define LINTUN_VERSION_PATCH 0

#ifndef LINTUN_DYNAMIC
/*
 * LintunGetReadWaitFd - a file descriptor that polls readable (POLLIN)
 * whenever the read-wait event would be signalled, for poll/epoll/asyncio.
 * Owned by the session: do not close it. Readiness is level-triggered and is
 * only a hint: call WintunReceivePacket() until ERROR_NO_MORE_ITEMS, then
 * poll again. The descriptor (an epoll set) is made on the first call and
 * then stays the same for the session. WaitForSingleObject() does not need
 * it: while it exists, the kernel runs epoll's wake-up callback for every
 * packet it queues to the session, a small cost per packet that programs
 * which only use WaitForSingleObject() do not pay.
 * Returns -1 with ERROR_INVALID_HANDLE for a bad session, or with
 * ERROR_NOT_ENOUGH_MEMORY or another system error code when the epoll set
 * cannot be made (the process is out of descriptors, for instance).
 */
int LintunGetReadWaitFd(WINTUN_SESSION_HANDLE Session);

/* Session flags for LintunStartSessionEx(). */
#define LINTUN_SESSION_NO_OFFLOAD 0x1   /* no checksum/segmentation offload */
#define LINTUN_SESSION_NO_COALESCE 0x2  /* offload on receive, no coalescing of sends
                                           (sends keep their IPv4 IDs, see WintunSendPacket) */
#define LINTUN_SESSION_PASSTHROUGH 0x4  /* super-packets with metadata, see below */

/*
 * LintunStartSessionEx - WintunStartSession() with flags.
 * @Flags: a combination of LINTUN_SESSION_* above, or 0 for the default.
 * LINTUN_SESSION_PASSTHROUGH hands packets as the kernel gives them: each
 * received packet is preceded by a 10-byte struct virtio_net_hdr (see
 * <linux/virtio_net.h>) and may be a TCP/UDP super-packet up to 64 KiB;
 * every sent packet must start with such a header as well.
 * Errors as WintunStartSession(), and ERROR_INVALID_PARAMETER for unknown
 * flags.
 */
WINTUN_SESSION_HANDLE LintunStartSessionEx(WINTUN_ADAPTER_HANDLE Adapter, DWORD Capacity,
                                           DWORD Flags);

/* Counters of a session, since it started. */
typedef struct _LINTUN_SESSION_STATS {
    DWORD64 RxPackets;        /* packets handed to WintunReceivePacket callers */
    DWORD64 RxBytes;          /* bytes of those packets */
    DWORD64 RxReads;          /* read() system calls that returned data */
    DWORD64 RxSuperPackets;   /* kernel super-packets split into standard packets */
    DWORD64 RxDropped;        /* kernel packets dropped as malformed */
    DWORD64 TxPackets;        /* packets written to the kernel */
    DWORD64 TxBytes;          /* bytes of those packets, as the program sent them */
    DWORD64 TxWrites;         /* write() system calls */
    DWORD64 TxCoalesced;      /* packets merged into a super-packet before writing */
    DWORD64 TxDroppedInvalid; /* sent packets dropped as not well-formed IP */
    DWORD64 TxDroppedKernel;  /* packets the kernel refused (interface down, ...) */
    DWORD64 TxRingFull;       /* WintunAllocateSendPacket calls refused, ring full */
} LINTUN_SESSION_STATS;

/*
 * LintunGetSessionStats - copy the session's counters into *Stats.
 * Returns TRUE, or FALSE with ERROR_INVALID_HANDLE / ERROR_INVALID_PARAMETER.
 */
BOOL LintunGetSessionStats(WINTUN_SESSION_HANDLE Session, LINTUN_SESSION_STATS *Stats);

/* What this library knows about an adapter. */
typedef struct _LINTUN_ADAPTER_INFO {
    WCHAR Name[MAX_ADAPTER_NAME];       /* full adapter name */
    WCHAR TunnelType[MAX_ADAPTER_NAME]; /* as given to WintunCreateAdapter */
    GUID Guid;
    NET_LUID Luid;
    DWORD IfIndex;                      /* Linux interface index */
    char IfName[16];                    /* Linux interface name */
    DWORD CreatorPid;                   /* pid of the creating process (0 unknown) */
} LINTUN_ADAPTER_INFO;

/*
 * LintunGetAdapterInfo - fill *Info for the adapter, read from the kernel (so
 * a renamed interface shows its current name).
 * Returns TRUE, or FALSE with ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER
 * (Info NULL), ERROR_HANDLE_EOF (the interface is gone), ERROR_GEN_FAILURE.
 */
BOOL LintunGetAdapterInfo(WINTUN_ADAPTER_HANDLE Adapter, LINTUN_ADAPTER_INFO *Info);

/*
 * LintunSetAdapterOwner - let user Uid (and group Gid) start sessions on the
 * adapter without CAP_NET_ADMIN, so a program can drop privileges after setup
 * and keep running, as userspace WireGuard does.
 * An adapter belongs to its creator's effective user from the start (the
 * kernel's TUN owner), so nobody else without CAP_NET_ADMIN can attach to it
 * (Wintun: only administrators). This call changes the owner to Uid and, when
 * Gid is not (DWORD)-1, also sets the TUN group: the kernel then requires a
 * process to be that user and in that group. (DWORD)-1 as Uid keeps the
 * current owner (the kernel cannot unset an owner, so group-only access is
 * not available). Only on the creating handle.
 * Returns TRUE, or FALSE with ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER
 * (not the creating handle), ERROR_ACCESS_DENIED, ERROR_GEN_FAILURE.
 */
BOOL LintunSetAdapterOwner(WINTUN_ADAPTER_HANDLE Adapter, DWORD Uid, DWORD Gid);

/* ---------------------------------------------------------------------
 * Configuration over rtnetlink (the IP Helper calls a Windows program uses)
 *
 * Every call works on an adapter handle from any process that may manage
 * the interface, in the adapter's own network namespace. Unless noted, each
 * returns TRUE, or FALSE with one of:
 *   ERROR_INVALID_HANDLE     Adapter NULL or not a live handle
 *   ERROR_INVALID_PARAMETER  bad address, prefix length, family or value
 *   ERROR_ACCESS_DENIED      the caller lacks CAP_NET_ADMIN
 *   ERROR_HANDLE_EOF         the interface is gone
 *   ERROR_NOT_FOUND          (deletions) no such address or route
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        any other kernel error; the logger gets the
 *                            kernel's extended acknowledgement when it sent one
 * ------------------------------------------------------------------ */

/* An IPv4 or IPv6 address (or network) with its prefix length. */
typedef struct _LINTUN_IP_ADDRESS {
    int Family;           /* AF_INET or AF_INET6 */
    union {
        struct in_addr V4;
        struct in6_addr V6;
    } Address;
    BYTE PrefixLength;    /* 0-32 for IPv4, 0-128 for IPv6 */
} LINTUN_IP_ADDRESS;

/*
 * LintunParseAddress - parse "10.6.7.7/24", "fd00::1/64" or an address
 * without a prefix (then /32 or /128). Returns TRUE, or FALSE with
 * ERROR_INVALID_PARAMETER. Needs no adapter and no privileges.
 */
BOOL LintunParseAddress(const char *Text, LINTUN_IP_ADDRESS *Address);

/*
 * LintunFormatAddress - write Address as "a.b.c.d/len" or "x::y/len" into
 * Buffer (64 bytes always suffice). Returns TRUE, or FALSE with
 * ERROR_INVALID_PARAMETER / ERROR_BUFFER_OVERFLOW.
 */
BOOL LintunFormatAddress(const LINTUN_IP_ADDRESS *Address, char *Buffer, size_t Size);

/*
 * Add an address; one that already exists is not an error. IPv6 addresses
 * stay "tentative" (unusable) while no session runs: the link has no carrier
 * until WintunStartSession turns it on.
 */
BOOL LintunAddAddress(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_IP_ADDRESS *Address);
/* Remove an address; ERROR_NOT_FOUND when the adapter does not have it. */
BOOL LintunDeleteAddress(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_IP_ADDRESS *Address);
/*
 * LintunGetAddresses - the adapter's addresses (both families, IPv6
 * link-local included). *Count is the array's size on entry, the number of
 * addresses on return; with a short array, FALSE and ERROR_MORE_DATA, and
 * *Count says how many are needed. Addresses may be NULL when *Count is 0.
 */
BOOL LintunGetAddresses(WINTUN_ADAPTER_HANDLE Adapter, LINTUN_IP_ADDRESS *Addresses,
                        DWORD *Count);

/*
 * LintunGetMtu / LintunSetMtu - the interface MTU. Set accepts 68 to 65535;
 * below 1280 while the adapter has IPv6 enabled is ERROR_INVALID_PARAMETER
 * with a log line saying IPv6 needs 1280.
 */
BOOL LintunGetMtu(WINTUN_ADAPTER_HANDLE Adapter, DWORD *Mtu);
BOOL LintunSetMtu(WINTUN_ADAPTER_HANDLE Adapter, DWORD Mtu);

/*
 * LintunSetLinkUp / LintunGetLinkState - administrative state (IFF_UP).
 * GetLinkState sets *Up to the administrative state and, when Running is
 * not NULL, *Running to whether the link is up with carrier (a session
 * runs).
 */
BOOL LintunSetLinkUp(WINTUN_ADAPTER_HANDLE Adapter, BOOL Up);
BOOL LintunGetLinkState(WINTUN_ADAPTER_HANDLE Adapter, BOOL *Up, BOOL *Running);

/* A route through the adapter. */
typedef struct _LINTUN_ROUTE {
    LINTUN_IP_ADDRESS Destination; /* network and prefix; host bits must be 0 */
    DWORD Metric;                  /* 0: the kernel's default */
} LINTUN_ROUTE;

/*
 * LintunAddRoute / LintunDeleteRoute - add or remove a route to
 * Route->Destination through the adapter, in the main table. Adding a route
 * that exists is not an error. Host bits set in the destination are
 * ERROR_INVALID_PARAMETER. Delete matches destination and metric (a metric
 * of 0 matches any); ERROR_NOT_FOUND when there is no such route.
 */
BOOL LintunAddRoute(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route);
BOOL LintunDeleteRoute(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route);
/*
 * LintunGetRoutes - the main table's routes through the adapter, both
 * families; *Count as for LintunGetAddresses (ERROR_MORE_DATA when short).
 */
BOOL LintunGetRoutes(WINTUN_ADAPTER_HANDLE Adapter, LINTUN_ROUTE *Routes, DWORD *Count);

/*
 * Called by LintunEnumAdapters() for each adapter of this library; return
 * TRUE to go on, FALSE to stop. Info is valid during the call only.
 */
typedef BOOL(LINTUN_ENUM_CALLBACK)(const LINTUN_ADAPTER_INFO *Info, LPARAM Param);

/*
 * LintunEnumAdapters - call Callback for every adapter of this library in the
 * caller's network namespace (what WintunEnumAdapters did before 0.14).
 * Needs no privileges. Returns TRUE (also when there are none), or FALSE
 * with ERROR_INVALID_PARAMETER (Callback NULL), ERROR_NOT_ENOUGH_MEMORY or
 * ERROR_GEN_FAILURE.
 */
BOOL LintunEnumAdapters(LINTUN_ENUM_CALLBACK *Callback, LPARAM Param);
#endif /* !LINTUN_DYNAMIC */

#ifdef __cplusplus
}
#endif
#endif /* LINTUN_WINTUN_H */
