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
 *   - Names are counted as Wintun counts them (UTF-16 units), but the kernel
 *     keeps a full name that is not an interface name in 127 bytes of UTF-8
 *     (see WintunCreateAdapter).
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
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef VOID
#define VOID void
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
 * A pointer to the logger callback, as in Wintun (declare the callback as
 * `static VOID CALLBACK MyLogger(WINTUN_LOGGER_LEVEL, DWORD64, LPCWSTR)` and
 * pass MyLogger). Level is a WINTUN_LOGGER_LEVEL; Timestamp counts 100-ns
 * intervals since 1601-01-01 UTC; Message is at most 1023 characters (a
 * longer one is cut to 1022 and ends in U+2026, as in Wintun). Lines that
 * set an error code end in "(Code 0x%08X)" with that code, as Wintun's do.
 * It may be called from several threads at once (serialize inside the
 * callback if needed), also from the library's own flusher thread, and
 * sometimes while the library holds a session's internal lock: the callback
 * must not call back into the library, nor wait for another thread that may
 * be calling into it.
 * (Before this release this header declared WINTUN_LOGGER_CALLBACK as the function
 * type itself; write `WINTUN_LOGGER_CALLBACK` where `WINTUN_LOGGER_CALLBACK *`
 * was written.)
 */
typedef VOID(CALLBACK *WINTUN_LOGGER_CALLBACK)(WINTUN_LOGGER_LEVEL Level, DWORD64 Timestamp,
                                               LPCWSTR Message);

typedef WINTUN_ADAPTER_HANDLE(WINAPI WINTUN_CREATE_ADAPTER_FUNC)(const WCHAR *Name,
                                                                  const WCHAR *TunnelType,
                                                                  const GUID *RequestedGUID);
typedef WINTUN_ADAPTER_HANDLE(WINAPI WINTUN_OPEN_ADAPTER_FUNC)(const WCHAR *Name);
typedef void(WINAPI WINTUN_CLOSE_ADAPTER_FUNC)(WINTUN_ADAPTER_HANDLE Adapter);
typedef BOOL(WINAPI WINTUN_DELETE_DRIVER_FUNC)(void);
typedef void(WINAPI WINTUN_GET_ADAPTER_LUID_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, NET_LUID *Luid);
typedef DWORD(WINAPI WINTUN_GET_RUNNING_DRIVER_VERSION_FUNC)(void);
typedef void(WINAPI WINTUN_SET_LOGGER_FUNC)(WINTUN_LOGGER_CALLBACK NewLogger);
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
 * @Name: 1 to 127 characters, counted as Wintun counts them, in UTF-16 units
 *   (a character above U+FFFF counts twice), no control characters. A valid
 *   Linux interface name (at most 15 bytes of UTF-8, no '/', ':' or white
 *   space, not "." or "..") becomes the interface name; any other name gets
 *   a derived interface name ("Data Center" -> "Data_Center", long names are
 *   cut and numbered) and is kept, whole, as the interface's alternative
 *   name, where every process finds it. Linux: an alternative name holds 127
 *   bytes, so the name's UTF-8 must fit 127 bytes (127 ASCII characters, 63
 *   Cyrillic, 42 CJK); a longer one fails with ERROR_BUFFER_OVERFLOW, where
 *   Wintun takes any 127 UTF-16 units.
 * @TunnelType: 0 to 128 characters (UTF-16 units), as in Wintun, where
 *   "<TunnelType> Tunnel" becomes the adapter's description. No control
 *   characters. Kept with the adapter in the interface alias
 *   "lintun {GUID} <creator pid> <TunnelType> Tunnel", which `ip link` and
 *   LintunGetAdapterInfo() show. Linux: the alias holds 255 bytes, so a type
 *   whose UTF-8 is longer than 194 bytes is kept cut, ending in U+2026 (the
 *   creation succeeds, as in Wintun, where a program cannot read the type).
 * @RequestedGUID: the adapter's GUID, or NULL for a random one.
 *
 * The adapter lives until WintunCloseAdapter() on this handle or until the
 * creating process exits, however it exits (SIGKILL included): the kernel
 * removes the interface when the creator's descriptors close, and a session
 * another process holds deletes the interface when it sees the creator gone.
 * The link is brought up; its carrier (Windows' media state) is on only while
 * a session runs. With no session, routed packets are dropped.
 *
 * Returns the adapter handle, or NULL with (checked in this order, as in
 * Wintun: the tunnel type, then the name):
 *   ERROR_BUFFER_OVERFLOW    TunnelType longer than 128 characters; Name of
 *                            128 characters or more, or (Linux) whose UTF-8
 *                            does not fit 127 bytes
 *   ERROR_INVALID_PARAMETER  Name or TunnelType NULL, Name empty, or either
 *                            not valid text (control characters, invalid
 *                            code points); Wintun crashes on NULL
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
 * adapter (as in Wintun, the name is not validated first: an empty, overlong
 * or invalid name is not found), ERROR_INVALID_PARAMETER for NULL (Wintun
 * crashes), ERROR_NOT_ENOUGH_MEMORY, or ERROR_GEN_FAILURE.
 * Closing an opened handle never removes the adapter.
 */
WINTUN_OPEN_ADAPTER_FUNC WintunOpenAdapter;

/*
 * WintunCloseAdapter - release a handle; remove the adapter when the handle
 * came from WintunCreateAdapter(). NULL is allowed and does nothing.
 * As in Wintun, a session does not belong to the handle it was started
 * from, and closing never ends one:
 *   - Closing the creating handle removes the adapter. Its sessions, in this
 *     process or another, then report ERROR_HANDLE_EOF: WintunReceivePacket
 *     once the packets already stored are taken, WintunAllocateSendPacket at
 *     once in this process and within 10 ms in others. The read-wait event
 *     is signalled and stays so. The rings stay valid until
 *     WintunEndSession(), which the program still calls: packets received
 *     and not yet released can still be read and released.
 *   - Closing an opened handle frees only that handle; a session started
 *     from it keeps working.
 * A closed or invalid handle is logged and ignored. Never changes the last
 * error.
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
 * WintunSetLogger - install the logger callback (a WINTUN_LOGGER_CALLBACK,
 * a pointer); NULL restores the silent default. Thread-safe. Logging never
 * changes the last error.
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
 * Returns the session handle, or NULL with (in this order, as in Wintun):
 *   ERROR_INVALID_HANDLE       Adapter NULL or not a live adapter handle
 *   ERROR_ALREADY_INITIALIZED  a session already runs on this adapter (from
 *                              any handle or process), whatever Capacity is
 *   ERROR_INVALID_PARAMETER    Capacity out of range or not a power of two
 *   ERROR_HANDLE_EOF           the interface is gone
 *   ERROR_ACCESS_DENIED        the caller may not attach to the interface
 *   ERROR_NOT_ENOUGH_MEMORY, ERROR_GEN_FAILURE
 */
WINTUN_START_SESSION_FUNC WintunStartSession;

/*
 * WintunEndSession - end a session and free its rings. NULL does nothing.
 * Also after the adapter's handle was closed or the adapter removed: the
 * session holds what it needs of the adapter until it ends.
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
 *   ERROR_HANDLE_EOF         the adapter is gone (checked first, as in
 *                            Wintun); an interface deleted from outside
 *                            the process is noticed within 10 ms
 *   ERROR_INVALID_PARAMETER  PacketSize above WINTUN_MAX_IP_PACKET_SIZE
 *                            (Wintun does not check)
 *   ERROR_BUFFER_OVERFLOW    the ring is full (drop the packet)
 *   ERROR_INVALID_HANDLE     Session is NULL or ended
 * A PacketSize of 0 gets a slot, as in Wintun; once sent it is dropped as
 * too short and counted (TxDroppedInvalid). Thread-safe; the order of
 * allocations is the order of delivery.
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
 *
 * Each has a LINTUN_*_FUNC typedef, as every Wintun function has its
 * WINTUN_*_FUNC, so programs using LINTUN_DYNAMIC load them by name
 * (dlsym(lib, "LintunAddAddress")) with the right prototype. The types they
 * use are declared either way; the prototypes only without LINTUN_DYNAMIC.
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
typedef int(LINTUN_GET_READ_WAIT_FD_FUNC)(WINTUN_SESSION_HANDLE Session);

/* Session flags for LintunStartSessionEx(). */
#define LINTUN_SESSION_NO_OFFLOAD 0x1   /* no checksum/segmentation offload */
#define LINTUN_SESSION_NO_COALESCE 0x2  /* offload on receive, no coalescing of sends
                                           (sends keep their IPv4 IDs, see WintunSendPacket) */
#define LINTUN_SESSION_PASSTHROUGH 0x4  /* super-packets with metadata, see below */
#define LINTUN_SESSION_NO_IO_URING 0x8  /* one write() per packet, never io_uring */
#define LINTUN_SESSION_IO_URING 0x10    /* io_uring or fail: ERROR_NOT_SUPPORTED */

/*
 * LintunStartSessionEx - WintunStartSession() with flags.
 * @Flags: a combination of LINTUN_SESSION_* above, or 0 for the default.
 * LINTUN_SESSION_PASSTHROUGH hands packets as the kernel gives them: each
 * received packet is preceded by a 10-byte struct virtio_net_hdr (see
 * <linux/virtio_net.h>) and may be a TCP/UDP super-packet up to 64 KiB;
 * every sent packet must start with such a header as well.
 *
 * Sent packets reach the kernel several per system call, through io_uring,
 * where the process may use it; otherwise (kernel.io_uring_disabled, a
 * seccomp profile that refuses io_uring_setup, a kernel before 5.6) one
 * write() each. Both behave the same: allocation order is delivery order, and
 * a packet is written at the latest when the program next waits on the
 * read-wait event or finds nothing to receive, when the session ends, or
 * about 100 microseconds after it was sent. The session logs which one it
 * uses. LINTUN_SESSION_NO_IO_URING forces write(); LINTUN_SESSION_IO_URING
 * insists on io_uring. Without either flag, the environment variable
 * LINTUN_IO=plain or LINTUN_IO=uring does the same.
 *
 * Errors as WintunStartSession(); ERROR_INVALID_PARAMETER (after the
 * capacity is checked) for unknown flags or both io_uring flags at once; ERROR_NOT_SUPPORTED when
 * LINTUN_SESSION_IO_URING (or LINTUN_IO=uring) is asked for and the process
 * cannot have io_uring.
 */
typedef WINTUN_SESSION_HANDLE(LINTUN_START_SESSION_EX_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                                            DWORD Capacity, DWORD Flags);

/* Counters of a session, since it started. */
typedef struct _LINTUN_SESSION_STATS {
    DWORD64 RxPackets;        /* packets handed to WintunReceivePacket callers */
    DWORD64 RxBytes;          /* bytes of those packets */
    DWORD64 RxReads;          /* reads that returned data (read() calls or io_uring reads) */
    DWORD64 RxSuperPackets;   /* kernel super-packets split into standard packets */
    DWORD64 RxDropped;        /* kernel packets dropped as malformed */
    DWORD64 TxPackets;        /* packets written to the kernel */
    DWORD64 TxBytes;          /* bytes of those packets, as the program sent them */
    DWORD64 TxWrites;         /* writes to the kernel (write() calls or io_uring writes) */
    DWORD64 TxCoalesced;      /* packets merged into a super-packet before writing */
    DWORD64 TxDroppedInvalid; /* sent packets dropped as not well-formed IP (size 0 included) */
    DWORD64 TxDroppedKernel;  /* packets the kernel refused (interface down, ...) */
    DWORD64 TxRingFull;       /* WintunAllocateSendPacket calls refused, ring full */
} LINTUN_SESSION_STATS;

/*
 * LintunGetSessionStats - copy the session's counters into *Stats.
 * Returns TRUE, or FALSE with ERROR_INVALID_HANDLE / ERROR_INVALID_PARAMETER.
 */
typedef BOOL(LINTUN_GET_SESSION_STATS_FUNC)(WINTUN_SESSION_HANDLE Session,
                                            LINTUN_SESSION_STATS *Stats);

/* What this library knows about an adapter. */
typedef struct _LINTUN_ADAPTER_INFO {
    WCHAR Name[MAX_ADAPTER_NAME];       /* full adapter name */
    WCHAR TunnelType[MAX_ADAPTER_NAME]; /* as given to WintunCreateAdapter, as far as the
                                           kernel keeps it (see there); a 128-character
                                           type ends in U+2026 here */
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
typedef BOOL(LINTUN_GET_ADAPTER_INFO_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                           LINTUN_ADAPTER_INFO *Info);

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
typedef BOOL(LINTUN_SET_ADAPTER_OWNER_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, DWORD Uid, DWORD Gid);

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
typedef BOOL(LINTUN_PARSE_ADDRESS_FUNC)(const char *Text, LINTUN_IP_ADDRESS *Address);

/*
 * LintunFormatAddress - write Address as "a.b.c.d/len" or "x::y/len" into
 * Buffer (64 bytes always suffice). Returns TRUE, or FALSE with
 * ERROR_INVALID_PARAMETER / ERROR_BUFFER_OVERFLOW.
 */
typedef BOOL(LINTUN_FORMAT_ADDRESS_FUNC)(const LINTUN_IP_ADDRESS *Address, char *Buffer,
                                         size_t Size);

/*
 * LintunAddAddress - add an address; one that already exists is not an
 * error. IPv6 addresses stay "tentative" (unusable) while no session runs:
 * the link has no carrier until WintunStartSession turns it on.
 */
typedef BOOL(LINTUN_ADD_ADDRESS_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                      const LINTUN_IP_ADDRESS *Address);
/* LintunDeleteAddress - remove an address; ERROR_NOT_FOUND when the adapter does not have it. */
typedef BOOL(LINTUN_DELETE_ADDRESS_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                         const LINTUN_IP_ADDRESS *Address);
/*
 * LintunGetAddresses - the adapter's addresses (both families, IPv6
 * link-local included). *Count is the array's size on entry, the number of
 * addresses on return; with a short array, FALSE and ERROR_MORE_DATA, and
 * *Count says how many are needed. Addresses may be NULL when *Count is 0.
 */
typedef BOOL(LINTUN_GET_ADDRESSES_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                        LINTUN_IP_ADDRESS *Addresses, DWORD *Count);

/*
 * LintunGetMtu / LintunSetMtu - the interface MTU. Set accepts 68 to 65535;
 * below 1280 while the adapter has IPv6 enabled is ERROR_INVALID_PARAMETER
 * with a log line saying IPv6 needs 1280.
 */
typedef BOOL(LINTUN_GET_MTU_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, DWORD *Mtu);
typedef BOOL(LINTUN_SET_MTU_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, DWORD Mtu);

/*
 * LintunSetLinkUp / LintunGetLinkState - administrative state (IFF_UP).
 * GetLinkState sets *Up to the administrative state and, when Running is
 * not NULL, *Running to whether the link is up with carrier (a session
 * runs).
 */
typedef BOOL(LINTUN_SET_LINK_UP_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, BOOL Up);
typedef BOOL(LINTUN_GET_LINK_STATE_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, BOOL *Up, BOOL *Running);

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
typedef BOOL(LINTUN_ADD_ROUTE_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route);
typedef BOOL(LINTUN_DELETE_ROUTE_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route);
/*
 * LintunGetRoutes - the main table's routes through the adapter, both
 * families; *Count as for LintunGetAddresses (ERROR_MORE_DATA when short).
 */
typedef BOOL(LINTUN_GET_ROUTES_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, LINTUN_ROUTE *Routes,
                                     DWORD *Count);

/*
 * Called by LintunEnumAdapters() for each adapter of this library; return
 * TRUE to go on, FALSE to stop. Info is valid during the call only. (A
 * function type: the parameter below is a pointer to one.)
 */
typedef BOOL(LINTUN_ENUM_CALLBACK)(const LINTUN_ADAPTER_INFO *Info, LPARAM Param);

/*
 * LintunEnumAdapters - call Callback for every adapter of this library in the
 * caller's network namespace (what WintunEnumAdapters did before 0.14).
 * Needs no privileges. Returns TRUE (also when there are none), or FALSE
 * with ERROR_INVALID_PARAMETER (Callback NULL), ERROR_NOT_ENOUGH_MEMORY or
 * ERROR_GEN_FAILURE.
 */
typedef BOOL(LINTUN_ENUM_ADAPTERS_FUNC)(LINTUN_ENUM_CALLBACK *Callback, LPARAM Param);

#ifndef LINTUN_DYNAMIC
LINTUN_GET_READ_WAIT_FD_FUNC LintunGetReadWaitFd;
LINTUN_START_SESSION_EX_FUNC LintunStartSessionEx;
LINTUN_GET_SESSION_STATS_FUNC LintunGetSessionStats;
LINTUN_GET_ADAPTER_INFO_FUNC LintunGetAdapterInfo;
LINTUN_SET_ADAPTER_OWNER_FUNC LintunSetAdapterOwner;
LINTUN_PARSE_ADDRESS_FUNC LintunParseAddress;
LINTUN_FORMAT_ADDRESS_FUNC LintunFormatAddress;
LINTUN_ADD_ADDRESS_FUNC LintunAddAddress;
LINTUN_DELETE_ADDRESS_FUNC LintunDeleteAddress;
LINTUN_GET_ADDRESSES_FUNC LintunGetAddresses;
LINTUN_GET_MTU_FUNC LintunGetMtu;
LINTUN_SET_MTU_FUNC LintunSetMtu;
LINTUN_SET_LINK_UP_FUNC LintunSetLinkUp;
LINTUN_GET_LINK_STATE_FUNC LintunGetLinkState;
LINTUN_ADD_ROUTE_FUNC LintunAddRoute;
LINTUN_DELETE_ROUTE_FUNC LintunDeleteRoute;
LINTUN_GET_ROUTES_FUNC LintunGetRoutes;
LINTUN_ENUM_ADAPTERS_FUNC LintunEnumAdapters;
#endif /* !LINTUN_DYNAMIC */

/* ---------------------------------------------------------------------
 * Text: GUIDs and UTF-8
 *
 * WCHAR is UTF-32 on Linux, while argv, terminals and files speak UTF-8,
 * and a GUID is shown as text (in logs, in the interface alias). These
 * calls are the conversions the library itself uses. They need no adapter
 * and no privileges, and they never log: a logger callback may call them
 * (to print its Message, say), the one exception to the rule that it must
 * not call into the library. On failure they set the last error only.
 * ------------------------------------------------------------------ */

/* Bytes LintunGuidToString() writes, the NUL included. */
#define LINTUN_GUID_STRING_SIZE 39

/*
 * LintunGuidToString - write a GUID as Windows shows it,
 * "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}": upper-case hex digits grouped
 * 8-4-4-4-12, Data1 to Data3 as numbers, then the eight bytes of Data4.
 * @Guid: the GUID.
 * @Buffer: receives the text and its NUL.
 * @Size: Buffer's size in bytes; LINTUN_GUID_STRING_SIZE always suffices.
 * Returns TRUE, or FALSE with:
 *   ERROR_INVALID_PARAMETER  Guid or Buffer is NULL
 *   ERROR_BUFFER_OVERFLOW    Size is below LINTUN_GUID_STRING_SIZE (Buffer untouched)
 */
typedef BOOL(LINTUN_GUID_TO_STRING_FUNC)(const GUID *Guid, char *Buffer, size_t Size);

/*
 * LintunStringToGuid - parse a GUID written as LintunGuidToString() writes
 * it, in either case, with or without the braces (Python's uuid and
 * uuidgen(1) print "deadbabe-cafe-beef-0123-456789abcdef"). Nothing may
 * come before or after it, not even white space.
 * @Text: the text, NUL-terminated.
 * @Guid: receives the GUID; untouched on failure.
 * Returns TRUE, or FALSE with ERROR_INVALID_PARAMETER (Text or Guid NULL,
 * or Text not such a GUID).
 */
typedef BOOL(LINTUN_STRING_TO_GUID_FUNC)(const char *Text, GUID *Guid);

/*
 * LintunWideToUtf8 - convert a WCHAR string to UTF-8.
 * @Text: NUL-terminated; every WCHAR a Unicode code point.
 * @Buffer: receives the UTF-8 text and its NUL.
 * @Size: Buffer's size in bytes; 4 per character plus 1 always suffice.
 * Returns TRUE, or FALSE with:
 *   ERROR_INVALID_PARAMETER  Text or Buffer is NULL, or Text holds a value
 *                            that is not a character (a surrogate, 0xD800
 *                            to 0xDFFF, or above 0x10FFFF)
 *   ERROR_BUFFER_OVERFLOW    the text and its NUL do not fit in Size bytes
 * On failure Buffer holds the empty string (when Size is not 0).
 */
typedef BOOL(LINTUN_WIDE_TO_UTF8_FUNC)(const WCHAR *Text, char *Buffer, size_t Size);

/*
 * LintunUtf8ToWide - convert UTF-8 text to a WCHAR string, for instance a
 * command-line argument to the Name that WintunOpenAdapter() takes.
 * @Text: NUL-terminated UTF-8.
 * @Buffer: receives the characters and a NUL WCHAR.
 * @Count: Buffer's size in WCHARs; strlen(Text) + 1 always suffices.
 * Returns TRUE, or FALSE with:
 *   ERROR_INVALID_PARAMETER  Text or Buffer is NULL, or Text is not valid
 *                            UTF-8 (a stray or missing continuation byte, an
 *                            overlong form, a surrogate, above U+10FFFF)
 *   ERROR_BUFFER_OVERFLOW    the characters and the NUL do not fit in Count
 * On failure Buffer holds the empty string (when Count is not 0).
 */
typedef BOOL(LINTUN_UTF8_TO_WIDE_FUNC)(const char *Text, WCHAR *Buffer, size_t Count);

#ifndef LINTUN_DYNAMIC
LINTUN_GUID_TO_STRING_FUNC LintunGuidToString;
LINTUN_STRING_TO_GUID_FUNC LintunStringToGuid;
LINTUN_WIDE_TO_UTF8_FUNC LintunWideToUtf8;
LINTUN_UTF8_TO_WIDE_FUNC LintunUtf8ToWide;
#endif /* !LINTUN_DYNAMIC */

#ifdef __cplusplus
}
#endif
#endif /* LINTUN_WINTUN_H */
