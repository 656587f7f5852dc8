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
 * How each function is documented. Its comment opens with a slash and two
 * stars and reads, in this order:
 *     Name[, Name...] - one-line summary
 *     @Param: what the parameter is
 *     the description, in paragraphs
 *     Returns: the return value
 *     Errors: every code the call can leave in GetLastError(), one a line,
 *             "ERROR_X  what it means" ("Errors: none." when it cannot fail)
 *     Example: and See also: where they help
 * man/mkman.py makes the section 3 man pages from these comments (`make
 * man`), so `man WintunCreateAdapter` shows the text below; it refuses a
 * function that is declared here without such a comment.
 *
 * Every function that can fail sets the calling thread's last error
 * (GetLastError()); functions that succeed leave it alone unless stated.
 * Every failure is also logged through the logger (WintunSetLogger()), with
 * the system's text. Every function may be called from any thread, and
 * from several at once, unless its comment says otherwise.
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

/*
 * From the reference on wintun.net, which still lists the pool API that
 * Wintun 0.14 removed: the longest pool name, terminating zero included.
 * No function of Wintun 0.14 or of this library takes a pool; the constant
 * is here so that a program written from that page compiles.
 */
#define WINTUN_MAX_POOL 256

typedef enum {
    WINTUN_LOG_INFO = 0,
    WINTUN_LOG_WARN = 1,
    WINTUN_LOG_ERR = 2,
} WINTUN_LOGGER_LEVEL;

/*
 * A pointer to the logger callback, as in Wintun; WintunSetLogger() says
 * what it receives and when it is called.
 */
typedef VOID(CALLBACK *WINTUN_LOGGER_CALLBACK)(WINTUN_LOGGER_LEVEL Level, DWORD64 Timestamp,
                                               LPCWSTR Message);

/*
 * From the same reference: the callback WintunEnumAdapters() called for
 * each adapter of a pool, with Adapter (freed when the callback returns)
 * and the Param the program passed; nonzero continues, zero stops. Wintun
 * 0.14 removed WintunEnumAdapters() and so does not have it either; the type
 * is here so that such code compiles. To list this library's adapters, use
 * LintunEnumAdapters() and its LINTUN_ENUM_CALLBACK.
 */
typedef BOOL(CALLBACK *WINTUN_ENUM_CALLBACK)(WINTUN_ADAPTER_HANDLE Adapter, LPARAM Param);

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
typedef BYTE *(WINAPI WINTUN_RECEIVE_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session,
                                                  DWORD *PacketSize);
typedef void(WINAPI WINTUN_RELEASE_RECEIVE_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session,
                                                        const BYTE *Packet);
typedef BYTE *(WINAPI WINTUN_ALLOCATE_SEND_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session,
                                                        DWORD PacketSize);
typedef void(WINAPI WINTUN_SEND_PACKET_FUNC)(WINTUN_SESSION_HANDLE Session, const BYTE *Packet);

#ifndef LINTUN_DYNAMIC
/* ---------------------------------------------------------------------
 * The 14 functions of Wintun 0.14
 * ------------------------------------------------------------------ */

/**
 * WintunCreateAdapter - create a layer-3 TUN adapter
 * @Name: the adapter's name: 1 to 127 characters, counted in UTF-16 units
 *   as Wintun counts them (a character above U+FFFF counts twice), no
 *   control characters. When it is a valid Linux interface name (at most 15
 *   bytes of UTF-8, no '/', ':' or white space, not "." or "..") it becomes
 *   the interface name as it is. Any other name, such as "Data Center", gets
 *   a derived interface name (bytes that are not allowed become '_', other
 *   non-ASCII characters are dropped, the result is cut to 15 bytes, and ~1,
 *   ~2, ... is appended if that name is taken), and the full name is kept,
 *   whole, as the interface's alternative name (`ip link` shows it as
 *   altname), where every process finds it. Linux: an alternative name
 *   holds 127 bytes, so the name's UTF-8 must fit 127 bytes (127 ASCII
 *   characters, 63 Cyrillic, 42 CJK); Wintun takes 127 units in any script.
 * @TunnelType: 0 to 128 UTF-16 units, as in Wintun (where "<TunnelType>
 *   Tunnel" becomes the adapter's description), no control characters. It
 *   is kept in the interface alias, which this library writes as
 *   "lintun {GUID} <creator pid> <TunnelType> Tunnel" and by which it
 *   recognises its own adapters; `ip link` and LintunGetAdapterInfo() show
 *   it. Linux: the alias holds 255 bytes, so a type whose UTF-8 is longer
 *   than 194 bytes is kept cut, ending in U+2026; creation succeeds, as in
 *   Wintun, where a program cannot read the type back.
 * @RequestedGUID: the adapter's GUID, or NULL for a random (version 4) one.
 *   A fixed GUID gives the adapter a stable identity across runs; no two
 *   adapters in one network namespace may share a GUID.
 *
 * Creates a TUN interface that carries IPv4 and IPv6 packets, in the
 * network namespace the calling thread is in, and returns a handle to it.
 * The link is brought up at once; its carrier (what Windows calls the media
 * state) stays off until a session runs on it (WintunStartSession()). While
 * no session runs, packets the system routes into the adapter are dropped.
 *
 * The adapter lives until WintunCloseAdapter() is called on this handle, or
 * until the creating process ends, however it ends (SIGKILL included): the
 * kernel removes the interface when the creator's descriptors close. If a
 * session in another process still holds the interface at that moment, that
 * session notices the creator is gone, deletes the interface and reports
 * ERROR_HANDLE_EOF.
 *
 * Before it looks for a clash, the call removes orphaned adapters of this
 * library (those whose creator has exited), as Wintun does.
 *
 * Linux: there is no driver to install, TUN is part of the kernel. Wintun
 * renames a clashing adapter to "Name 2"; this library fails with
 * ERROR_ALREADY_EXISTS, so the program learns about the clash. The adapter
 * belongs to the network namespace the caller was in when it created it;
 * the handle keeps working after the thread moves to another namespace
 * (every later call on it runs in the adapter's namespace). The interface
 * is a multi-queue TUN device with virtio-net headers (IFF_TUN, IFF_NO_PI,
 * IFF_VNET_HDR, IFF_MULTI_QUEUE), with the kernel's default queue length
 * (500 packets).
 *
 * Returns: the adapter handle, or NULL with the reason in GetLastError().
 * Every failure is also reported through the logger (WintunSetLogger()).
 *
 * Errors: the tunnel type is checked first, then the name, as in Wintun.
 *   ERROR_BUFFER_OVERFLOW    TunnelType is longer than 128 UTF-16 units;
 *                            Name has 128 or more, or its UTF-8 is longer
 *                            than 127 bytes
 *   ERROR_INVALID_PARAMETER  Name or TunnelType is NULL (Wintun crashes),
 *                            Name is empty, or either is not valid text
 *                            (control characters, surrogates, code points
 *                            beyond U+10FFFF)
 *   ERROR_ALREADY_EXISTS     an interface with this name exists in the
 *                            network namespace (an adapter of this library
 *                            whose name matches case-insensitively, or any
 *                            interface whose interface or alternative name
 *                            is exactly Name), or an adapter with the GUID
 *                            RequestedGUID exists there
 *   ERROR_ACCESS_DENIED      the caller lacks CAP_NET_ADMIN in the network
 *                            namespace
 *   ERROR_FILE_NOT_FOUND     /dev/net/tun is missing: the kernel has no TUN
 *                            support, or the tun module is not loaded
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        any other system error; the log line carries
 *                            the system's text
 *
 * Example:
 *     static const GUID MyGuid = { 0xdeadbabe, 0xcafe, 0xbeef,
 *         { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } };
 *
 *     WINTUN_ADAPTER_HANDLE Adapter =
 *         WintunCreateAdapter(L"Data Center", L"Example", &MyGuid);
 *     if (!Adapter) {
 *         fprintf(stderr, "create failed: %u\n", GetLastError());
 *         return 1;
 *     }
 *     LINTUN_ADAPTER_INFO Info;
 *     if (LintunGetAdapterInfo(Adapter, &Info))
 *         printf("interface %s, index %u\n", Info.IfName, Info.IfIndex);
 *     // prints: interface Data_Center, index 2
 *     WintunCloseAdapter(Adapter);   // removes it
 *
 * See also: WintunOpenAdapter(), WintunCloseAdapter(), WintunStartSession(),
 *   WintunGetAdapterLUID(), LintunGetAdapterInfo(), LintunSetAdapterOwner(),
 *   LintunAddAddress(), lintun(1), lintun(7), ip-link(8)
 */
WINTUN_CREATE_ADAPTER_FUNC WintunCreateAdapter;

/**
 * WintunOpenAdapter - open an existing adapter by name
 * @Name: the adapter's full name, as given to WintunCreateAdapter(): the
 *   interface name, or the alternative name when the interface got a
 *   derived one. Matched ignoring case.
 *
 * Looks for an adapter created by this library (in this or another process)
 * whose full name matches Name, in the network namespace the calling thread
 * is in, and returns a new handle to it. Interfaces that this library did
 * not create are never matched. The handle refers to the interface by its
 * index in the adapter's network namespace; it keeps working when the
 * calling thread later moves to another namespace.
 *
 * Any process may open an adapter. What it may then do depends on the
 * call: configuration needs CAP_NET_ADMIN, a session needs CAP_NET_ADMIN or
 * to be the adapter's owner (LintunSetAdapterOwner()). Closing an opened
 * handle with WintunCloseAdapter() frees the handle and never removes the
 * adapter.
 *
 * As in Wintun, the lookup first removes orphaned adapters (adapters whose
 * creating process has exited while another process held a session on
 * them). Listing interfaces needs no privileges; removing an orphan needs
 * CAP_NET_ADMIN, and a failure to remove one is only logged as a warning.
 * The list is read whole each time: when interfaces come or go while the
 * kernel hands it over (it marks the dump interrupted), it is read again,
 * up to 8 times, so no adapter is missed or seen twice.
 *
 * Returns: the adapter handle, or NULL with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_NOT_FOUND          no adapter of this library has this name in
 *                            the caller's network namespace. As in Wintun,
 *                            the name is not validated first: an empty or
 *                            overlong name, or one that is not valid text,
 *                            is simply not found
 *   ERROR_INVALID_PARAMETER  Name is NULL (Wintun crashes)
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        the interfaces could not be listed (or kept
 *                            changing through 8 readings), or the
 *                            adapter's data could not be read (the log line
 *                            says why)
 *
 * Example:
 *     WINTUN_ADAPTER_HANDLE Adapter = WintunOpenAdapter(L"data center");
 *     if (!Adapter && GetLastError() == ERROR_NOT_FOUND)
 *         puts("no such adapter");
 *
 * See also: WintunCreateAdapter(), WintunCloseAdapter(), LintunEnumAdapters(),
 *   lintun(1), lintun(7)
 */
WINTUN_OPEN_ADAPTER_FUNC WintunOpenAdapter;

/**
 * WintunCloseAdapter - release an adapter handle, removing the adapter it created
 * @Adapter: a handle from WintunCreateAdapter() or WintunOpenAdapter(), or
 *   NULL, which does nothing.
 *
 * Frees the handle. When the handle came from WintunCreateAdapter(), the
 * interface is deleted too (over rtnetlink, RTM_DELLINK, which works
 * whatever else holds it); a handle from WintunOpenAdapter() only frees the
 * handle. The adapter's name and GUID are free again as soon as this call
 * returns, even while a session of the removed adapter has not ended.
 *
 * As in Wintun, a session does not belong to the handle it was started
 * from, and closing a handle never ends one:
 *   - Closing the creating handle removes the adapter. Every session on it,
 *     in this process or another, sees the interface disappear:
 *     WintunReceivePacket() fails with ERROR_HANDLE_EOF once the packets
 *     already stored are taken (Wintun loses those packets),
 *     WintunAllocateSendPacket() at once in this process and within 10 ms
 *     in another, and the read-wait event is signalled and stays so. The
 *     session's rings stay valid until WintunEndSession(), which the program
 *     still calls: a packet received and not yet released can still be
 *     read, changed and released.
 *   - Closing an opened handle frees only that handle. A session started
 *     from it keeps working.
 *
 * A creator that exits without calling this function still takes its
 * adapter away: the kernel deletes the interface when the last of its queue
 * descriptors closes.
 *
 * Do not close a handle while another thread still uses it, or use it
 * afterwards: as with any handle, that is a program error. Closing
 * different handles from different threads is safe.
 *
 * Returns: nothing. The call never changes the thread's last error.
 *
 * Errors: none are reported. A handle that was already closed is detected
 * on a best-effort basis and logged; a failure to delete the interface is
 * logged as a warning.
 *
 * See also: WintunCreateAdapter(), WintunOpenAdapter(), WintunEndSession(),
 *   WintunDeleteDriver(), lintun(7)
 */
WINTUN_CLOSE_ADAPTER_FUNC WintunCloseAdapter;

/**
 * WintunDeleteDriver - remove orphaned adapters (there is no driver on Linux)
 *
 * On Windows this removes orphaned adapters and then the driver, when no
 * adapter uses it any more. Linux has no driver to remove: TUN is part of
 * the kernel. This does the first half: in the network namespace the
 * calling thread is in, it deletes every adapter of this library whose
 * creating process has exited. Such an orphan can only exist while another
 * process still holds a session on it (otherwise the kernel has already
 * removed it). Adapters whose creator is alive are left alone, and
 * interfaces this library did not create are never touched.
 *
 * Whether a creator is alive is decided without signals or process
 * listings: each creator holds an abstract socket named after its
 * adapter's GUID, which the kernel releases when the process ends.
 * WintunCreateAdapter() and WintunOpenAdapter() remove orphans on their
 * own, so a program seldom needs this call; an uninstaller may still call
 * it.
 *
 * Returns: TRUE when no orphan remains (also when there was none); FALSE
 * when the interfaces could not be listed or an orphan could not be
 * removed, with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_ACCESS_DENIED      an orphan exists and the caller lacks
 *                            CAP_NET_ADMIN to remove it
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory (or netlink buffers)
 *   ERROR_GEN_FAILURE        any other system error
 *
 * See also: WintunCreateAdapter(), WintunCloseAdapter(),
 *   WintunGetRunningDriverVersion(), lintun(7)
 */
WINTUN_DELETE_DRIVER_FUNC WintunDeleteDriver;

/**
 * WintunGetAdapterLUID, WintunGetAdapterLuid - the adapter's locally unique identifier
 * @Adapter: the adapter.
 * @Luid: receives the LUID.
 *
 * Stores the adapter's LUID in *Luid. On Linux the LUID is built from the
 * interface: Luid->Info.NetLuidIndex is the interface index, Luid->Info.IfType
 * is 53 (IF_TYPE_PROP_VIRTUAL) and Luid->Info.Reserved is 0. So Luid->Value
 * is (53 << 48) | (index << 24): 0x0035000002000000 for interface index 2.
 *
 * Linux: Windows programs pass the LUID to IP Helper functions
 * (CreateUnicastIpAddressEntry, SetIpInterfaceEntry, ...). Those do not
 * exist on Linux: use LintunAddAddress(), LintunSetMtu() and
 * LintunAddRoute() with the adapter handle, or the interface index with
 * rtnetlink. The index is only unique within the adapter's network
 * namespace. The LUID is computed from the index the adapter had when the
 * handle was made; LintunGetAdapterInfo() reads the kernel's current data.
 *
 * WintunGetAdapterLuid is the same function under the spelling of the
 * reference on wintun.net; Wintun's header and wintun.dll spell it
 * WintunGetAdapterLUID. Both are exported, so dlsym(3) finds either name.
 *
 * Returns: nothing, as in Wintun. On a bad argument *Luid is left untouched
 * and the last error is set.
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Adapter is NULL or not a live adapter handle
 *   ERROR_INVALID_PARAMETER  Luid is NULL
 *
 * See also: LintunGetAdapterInfo(), WintunCreateAdapter(), if_indextoname(3),
 *   lintun(7)
 */
WINTUN_GET_ADAPTER_LUID_FUNC WintunGetAdapterLUID;
WINTUN_GET_ADAPTER_LUID_FUNC WintunGetAdapterLuid;

/**
 * WintunGetRunningDriverVersion - the version of the library, if TUN is usable
 *
 * On Windows this reports the version of the loaded Wintun driver. Linux
 * has no separate driver, so this reports the library's version,
 * (LINTUN_VERSION_MAJOR << 16) | LINTUN_VERSION_MINOR, after checking that
 * /dev/net/tun can be opened for reading and writing. This release returns
 * 0x0000000E (0.14).
 *
 * Returns: the version, or 0 with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_FILE_NOT_FOUND     /dev/net/tun could not be opened: the kernel
 *                            has no TUN support, the module is not loaded,
 *                            or the caller may not open the device file
 *
 * Example:
 *     DWORD Version = WintunGetRunningDriverVersion();
 *     if (Version)
 *         printf("Wintun v%u.%u loaded\n", (Version >> 16) & 0xff, Version & 0xff);
 *
 * See also: WintunDeleteDriver(), lintun(7)
 */
WINTUN_GET_RUNNING_DRIVER_VERSION_FUNC WintunGetRunningDriverVersion;

/**
 * WintunSetLogger - install the callback that receives the library's log lines
 * @NewLogger: the callback, or NULL to restore the default, which discards
 *   the lines.
 *
 * The library logs every failure it reports through the last error (with
 * the system's text and code), warnings (an orphan that could not be
 * removed, a kernel that refused a coalesced write, ...) and a few
 * informational lines (an adapter created, a session started and the
 * offloads it uses). The callback receives:
 *   - Level: WINTUN_LOG_INFO (0), WINTUN_LOG_WARN (1) or WINTUN_LOG_ERR (2).
 *   - Timestamp: the time of the message, in 100-nanosecond intervals since
 *     1601-01-01 UTC, as on Windows (Unix time in nanoseconds / 100 +
 *     116444736000000000).
 *   - Message: the text, a wide string of at most 1023 characters; a longer
 *     one is cut to 1022 and ends in U+2026 (HORIZONTAL ELLIPSIS), as
 *     Wintun cuts it. Failures read "what failed: text (Code 0x00000005)",
 *     as Wintun's LOG_ERROR lines do: the code is the one GetLastError()
 *     returns, in hexadecimal, and the text is the Linux error's when a
 *     system call failed, else the Windows text of the code ("The parameter
 *     is incorrect.").
 *
 * WINTUN_LOGGER_CALLBACK is a pointer to the callback, as in Wintun's
 * header: declare the callback as `static VOID CALLBACK MyLogger(...)` and
 * pass MyLogger. (Earlier versions of this header made it the function
 * type; write WINTUN_LOGGER_CALLBACK where `WINTUN_LOGGER_CALLBACK *` was
 * written.)
 *
 * This may be called at any time from any thread: a thread that is logging
 * at that moment uses either the old or the new callback. The callback
 * itself may be called from several threads at once (every thread that
 * calls into the library, and the library's send flusher thread), so it
 * must serialise its own output if it needs to; one fprintf(3) per line is
 * enough for whole lines. It may be called while the library holds a
 * session's internal lock: it must not call back into the library (the
 * text conversions, such as LintunWideToUtf8(), excepted), nor wait for
 * another thread that may be calling into it.
 *
 * Linux: WCHAR is 4 bytes. Print Message with %ls, after
 * setlocale(LC_CTYPE, "") or in a UTF-8 locale, so that non-ASCII adapter
 * names come out right, or convert it with LintunWideToUtf8().
 *
 * Errors: none. Logging never changes the thread's last error, nor errno,
 * whatever the callback does with them in between.
 *
 * Example:
 *     static VOID CALLBACK Logger(WINTUN_LOGGER_LEVEL Level, DWORD64 Timestamp,
 *                                 LPCWSTR Message)
 *     {
 *         time_t Seconds = (time_t)((Timestamp - 116444736000000000ULL) / 10000000);
 *         struct tm Tm;
 *         char When[32];
 *
 *         gmtime_r(&Seconds, &Tm);
 *         strftime(When, sizeof(When), "%Y-%m-%d %H:%M:%S", &Tm);
 *         fprintf(stderr, "%s [%c] %ls\n", When,
 *                 Level == WINTUN_LOG_ERR ? '!' : Level == WINTUN_LOG_WARN ? '-' : '+',
 *                 Message);
 *     }
 *
 *     WintunSetLogger(Logger);
 *
 * See also: GetLastError(), LintunWideToUtf8(), lintun(7)
 */
WINTUN_SET_LOGGER_FUNC WintunSetLogger;

/**
 * WintunStartSession - start exchanging packets with an adapter
 * @Adapter: the adapter, from any of its handles.
 * @Capacity: the size of each ring in bytes: a power of two from
 *   WINTUN_MIN_RING_CAPACITY (0x20000, 128 KiB) to WINTUN_MAX_RING_CAPACITY
 *   (0x4000000, 64 MiB). A packet of Size bytes takes 4 + Size bytes in a
 *   ring, rounded up to a multiple of 4, and a ring holds at most
 *   Capacity - 4 bytes of packets, as in Wintun.
 *
 * Attaches to the adapter's TUN interface and sets up two rings: one for
 * the packets the system sends into the adapter (taken with
 * WintunReceivePacket()) and one for the packets the program sends to the
 * system (filled with WintunAllocateSendPacket() and WintunSendPacket()).
 * The session turns the interface's carrier on; ending it turns it off
 * again. Before it returns, the call waits (at most 100 ms) until the
 * kernel reports the link running, so that the reply to the very first
 * packet the program sends is not dropped by a link still starting.
 *
 * Only one session may run on an adapter at a time, across all processes;
 * two threads racing to start one: one gets it, the other gets
 * ERROR_ALREADY_INITIALIZED. Any process that may attach to the interface
 * can start it: one with CAP_NET_ADMIN, or the user or group set with
 * LintunSetAdapterOwner().
 *
 * The session uses the kernel's checksum and segmentation offload when the
 * kernel offers it (TSO for TCP over IPv4 and IPv6, USO for UDP on kernels
 * that have it). This never changes what the program sees: it receives and
 * sends ordinary IP packets no larger than the MTU, with complete
 * checksums. What offload changes is the number of system calls: one read
 * can bring a 64 KiB super-packet that the library splits into many ring
 * packets, and consecutive TCP segments the program sends are merged into
 * one write. The environment variable LINTUN_OFFLOAD changes the default of
 * every session the process starts: "off" (or "0") turns offload off, as
 * LINTUN_SESSION_NO_OFFLOAD does; "nocoalesce" keeps it on receive but
 * sends packets one by one, as LINTUN_SESSION_NO_COALESCE does (see
 * LintunStartSessionEx(), and lintun(7) for how offload works). Sent
 * packets reach the kernel several per system call through io_uring where
 * the process may use it, else one write(2) each; LINTUN_IO=plain or
 * LINTUN_IO=uring in the environment forces either (LintunStartSessionEx()).
 *
 * The library starts no thread for a session: each call does its work in
 * the calling thread. The only thread it may start is one per process that
 * writes out held-back sends (WintunSendPacket()). When the ring for
 * received packets is full, packets wait in the interface's queue in the
 * kernel (500 packets by default), which drops when it is full too; Wintun
 * drops when its ring is full. The session uses about 2 * Capacity bytes of
 * rings plus about 200 KiB of buffers, and up to five file descriptors (the
 * queue, an eventfd, a lock socket, a pidfd of the creator when another
 * process created the adapter, and, once LintunGetReadWaitFd() is called,
 * an epoll descriptor).
 *
 * Returns: the session handle, or NULL with the reason in GetLastError().
 *
 * Errors: in this order, as in Wintun (whose driver refuses a second session
 * before it looks at the ring sizes):
 *   ERROR_INVALID_HANDLE       Adapter is NULL or not a live adapter handle
 *   ERROR_ALREADY_INITIALIZED  a session already runs on this adapter, in
 *                              this or another process, from any handle;
 *                              whatever Capacity is
 *   ERROR_INVALID_PARAMETER    Capacity is out of range or not a power of
 *                              two
 *   ERROR_HANDLE_EOF           the interface is gone, or its creator has
 *                              exited (the library then deletes the
 *                              interface)
 *   ERROR_ACCESS_DENIED        the caller may not attach to the interface:
 *                              it lacks CAP_NET_ADMIN and is not the
 *                              adapter's owner
 *   ERROR_NOT_SUPPORTED        LINTUN_IO=uring is set in the environment and
 *                              this process cannot use io_uring
 *   ERROR_NOT_ENOUGH_MEMORY    the rings or buffers could not be allocated
 *   ERROR_GEN_FAILURE          any other system error; the log line says
 *                              which step failed
 *
 * Example:
 *     WINTUN_SESSION_HANDLE Session = WintunStartSession(Adapter, 0x400000);
 *     if (!Session) {
 *         if (GetLastError() == ERROR_ALREADY_INITIALIZED)
 *             fputs("another program already runs a session\n", stderr);
 *         return 1;
 *     }
 *     // ... receive and send ...
 *     WintunEndSession(Session);
 *
 * See also: LintunStartSessionEx(), WintunEndSession(), WintunReceivePacket(),
 *   WintunAllocateSendPacket(), WintunGetReadWaitEvent(),
 *   LintunGetSessionStats(), lintun(7)
 */
WINTUN_START_SESSION_FUNC WintunStartSession;

/**
 * WintunEndSession - end a session and free its rings
 * @Session: the session, or NULL, which does nothing.
 *
 * Wakes every thread waiting on the session's read-wait event (their
 * WaitForSingleObject() returns WAIT_OBJECT_0, and a poll(2) on
 * LintunGetReadWaitFd() reports POLLIN), waits until they have left the
 * wait, lets the calls already running on the session finish, writes out
 * every packet that was sent but still held back, turns the interface's
 * carrier off, detaches from the interface and frees the rings.
 *
 * Afterwards the handle, its read-wait event, its file descriptor and
 * every packet pointer the session gave out are invalid. Packets that were
 * allocated with WintunAllocateSendPacket() but never sent are discarded.
 * The adapter itself stays; another session can be started on it.
 *
 * The threads that use the session must stop using it once it ends: wake
 * them with your own signal, or let them see the read-wait event fire and
 * check a flag before calling again. A call made with the handle after the
 * session ended is a program error; it is detected on a best-effort basis
 * (ERROR_INVALID_HANDLE) for a while, not always.
 *
 * When the adapter disappears while the session runs (deleted, its creating
 * handle closed, or its creator exited), receive and allocate calls fail
 * with ERROR_HANDLE_EOF; the session must still be ended with this call, as
 * in Wintun. Until then its rings stay valid, packets received and not yet
 * released included; the adapter handle it was started from may already be
 * closed, since the session holds what it needs of the adapter.
 *
 * Returns: nothing. The call never changes the thread's last error.
 *
 * Errors: none are reported. A session that has already ended is detected
 * on a best-effort basis and logged.
 *
 * See also: WintunStartSession(), WintunGetReadWaitEvent(),
 *   WintunCloseAdapter(), lintun(7)
 */
WINTUN_END_SESSION_FUNC WintunEndSession;

/**
 * WintunGetReadWaitEvent - the event to wait on when no packet is ready
 * @Session: the session.
 *
 * Returns the session's read-wait event, an auto-reset event that is
 * signalled when packets arrive, when the adapter goes away and when the
 * session ends. A receiving thread calls WintunReceivePacket() until it
 * fails with ERROR_NO_MORE_ITEMS, then waits for this event with
 * WaitForSingleObject(). The event belongs to the session (do not close it)
 * and is the same object for the whole session. As in Wintun, whose driver
 * sets it once per batch of packets it puts in the ring, a wait that
 * returns takes the signal: waiting again without receiving sleeps until
 * new packets arrive, and of several threads waiting at once one wakes per
 * signal. Each packet is received by only one thread.
 *
 * The event is a hint: after it fires, WintunReceivePacket() may still find
 * nothing (another thread took the packets). Call it again and wait again.
 *
 * Linux: the event is not a kernel object. Only WaitForSingleObject() from
 * this header (that is, LintunWaitForSingleObject()) accepts it; there is
 * no CloseHandle, WaitForMultipleObjects or SetEvent. To wait for packets
 * together with other things (a quit signal, sockets), use
 * LintunGetReadWaitFd() with poll(2) or epoll(7).
 *
 * Returns: the event handle, or NULL with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Session is NULL or has ended
 *
 * Example:
 *     for (;;) {
 *         DWORD Size;
 *         BYTE *Packet = WintunReceivePacket(Session, &Size);
 *         if (Packet) {
 *             Handle(Packet, Size);
 *             WintunReleaseReceivePacket(Session, Packet);
 *         } else if (GetLastError() == ERROR_NO_MORE_ITEMS)
 *             WaitForSingleObject(WintunGetReadWaitEvent(Session), INFINITE);
 *         else
 *             break;   // ERROR_HANDLE_EOF: the adapter is gone
 *     }
 *
 * See also: WaitForSingleObject(), LintunGetReadWaitFd(),
 *   WintunReceivePacket(), lintun(7)
 */
WINTUN_GET_READ_WAIT_EVENT_FUNC WintunGetReadWaitEvent;

/**
 * WintunReceivePacket - take the next packet the system sent into the adapter
 * @Session: the session.
 * @PacketSize: receives the packet's size.
 *
 * Returns the next IPv4 or IPv6 packet that the system routed into the
 * adapter and stores its size in *PacketSize. The packet lies in the
 * session's receive ring; the program may read and modify it in place, and
 * must give it back with WintunReleaseReceivePacket() once done. Packets
 * come in the order the kernel sent them.
 *
 * When the ring holds no packet yet, the call reads the interface's queue
 * once, without blocking, in the calling thread. With offload, one read can
 * bring a TCP or UDP super-packet of up to 64 KiB, which is split into
 * ordinary packets (no larger than the MTU, with complete checksums) that
 * all go into the ring: the next calls return them without a system call.
 * With LINTUN_SESSION_PASSTHROUGH (LintunStartSessionEx()) each packet
 * starts with a 10-byte virtio-net header and may be a super-packet.
 *
 * When the call finds nothing, it fails with ERROR_NO_MORE_ITEMS: wait on
 * WintunGetReadWaitEvent() or poll LintunGetReadWaitFd(), then call again.
 * Programs that receive at a high rate may call it a few more times (spin
 * for some microseconds) before they wait. A call that finds nothing also
 * writes out the sends held back in the sessions this thread sent into last
 * (WintunSendPacket()), so a program that polls for packets never delays
 * its own sends, and it resets the read-wait event, so that
 * LintunGetReadWaitFd() stops being readable for a wake-up already used
 * (a packet that arrives after it signals the event again: none is
 * missed). The receive loop is shown
 * under WintunGetReadWaitEvent() (with WaitForSingleObject()) and LintunGetReadWaitFd() (with
 * poll(2)).
 *
 * Thread-safe: several threads may receive from one session at once; each
 * packet goes to exactly one of them. Receiving and sending do not block
 * each other (the two rings have separate locks).
 *
 * Linux: Wintun drops packets when its ring is full. Here the kernel keeps
 * them in the interface's queue (500 packets by default, see txqueuelen in
 * ip-link(8)) until releases make room, and drops only when that queue is
 * full too. Malformed packets from the kernel (which should not happen) are
 * dropped and counted in RxDropped (LintunGetSessionStats()).
 *
 * Returns: a pointer to the packet, or NULL with the reason in
 * GetLastError().
 *
 * Errors:
 *   ERROR_NO_MORE_ITEMS      no packet is ready now; also while the ring is
 *                            full of packets the program has not released
 *                            (new packets then wait in the kernel's queue)
 *   ERROR_HANDLE_EOF         the adapter is gone: its interface was
 *                            deleted, or its creator exited. Packets
 *                            already in the ring are still returned first
 *                            (Wintun loses them). End the session with
 *                            WintunEndSession()
 *   ERROR_INVALID_DATA       the ring is corrupt: the program wrote past
 *                            the end of a packet over the next packet's
 *                            header, which now says more than
 *                            WINTUN_MAX_IP_PACKET_SIZE bytes (with
 *                            LINTUN_SESSION_PASSTHROUGH: more than 65546,
 *                            the header and a 64 KiB super-packet), as
 *                            Wintun checks, or more than the ring holds.
 *                            Nothing is handed out; the call fails the
 *                            same way until the session ends
 *   ERROR_INVALID_PARAMETER  PacketSize is NULL
 *   ERROR_INVALID_HANDLE     Session is NULL or has ended
 *
 * See also: WintunReleaseReceivePacket(), WintunGetReadWaitEvent(),
 *   LintunGetReadWaitFd(), WintunStartSession(), WintunSendPacket(), lintun(7)
 */
WINTUN_RECEIVE_PACKET_FUNC WintunReceivePacket;

/**
 * WintunReleaseReceivePacket - give a received packet back to the ring
 * @Session: the session.
 * @Packet: a pointer returned by WintunReceivePacket().
 *
 * Tells the session that the program is done with Packet. After the call
 * the program must not touch the packet's bytes. Packets may be released in
 * any order, from any thread. The ring space of a packet comes back once it
 * and every packet received before it have been released: a packet held
 * for a long time holds back the space of all that came after it. When the
 * ring was full and a read from the kernel was waiting for room, releasing
 * makes room for it, and waiting threads are woken.
 *
 * The check of Packet is exact and costs the same whatever the ring holds;
 * Wintun does not check the pointer.
 *
 * Errors: a wrong pointer does not harm the ring: it is ignored, logged, and
 * the last error is set.
 *   ERROR_INVALID_PARAMETER  Packet is not a packet of this session that was
 *                            received and not yet released (NULL, a pointer
 *                            into the middle of a packet, a packet released
 *                            twice)
 *   ERROR_INVALID_HANDLE     Session is NULL or has ended
 *
 * See also: WintunReceivePacket(), WintunEndSession(), lintun(7)
 */
WINTUN_RELEASE_RECEIVE_PACKET_FUNC WintunReleaseReceivePacket;

/**
 * WintunAllocateSendPacket - reserve room for a packet in the send ring
 * @Session: the session.
 * @PacketSize: the packet's size in bytes, at most WINTUN_MAX_IP_PACKET_SIZE.
 *
 * Reserves PacketSize bytes in the session's send ring and returns a
 * pointer to them. The program writes one IPv4 or IPv6 packet there and
 * passes the pointer to WintunSendPacket().
 *
 * The order of allocations is the order in which packets reach the kernel:
 * a packet is written only once every packet allocated before it has been
 * sent. An allocated packet that is never sent holds back everything
 * allocated after it, until the session ends (which discards it).
 * Thread-safe: when several threads allocate, the order in which their
 * calls take the send lock is the order of delivery.
 *
 * A full ring never blocks: the call fails with ERROR_BUFFER_OVERFLOW, and
 * the program drops the packet, as a router drops what it cannot queue.
 * A sent packet's room in the ring comes back once the kernel has its
 * bytes, as with Wintun's driver: the library writes packets straight from
 * their slots, copying nothing. When the ring is full while sent packets
 * are still held back (see WintunSendPacket()), the call writes them out
 * first, and fails only if that frees too little.
 *
 * A PacketSize of 0 gets a slot, as in Wintun; once sent, the empty packet
 * is dropped as too short and counted (TxDroppedInvalid). Wintun does not
 * check PacketSize against WINTUN_MAX_IP_PACKET_SIZE; this library does.
 *
 * Linux: Wintun's driver ends the rings when the adapter goes, so its next
 * allocation fails. Here the call looks at the interface without a system
 * call of its own on most calls: at once after this process removed an
 * interface (WintunCloseAdapter() on the creating handle), otherwise at
 * most every 10 ms (one poll(2) of the queue, and of the creator's pidfd
 * when another process created the adapter). A session that only sends
 * sees ERROR_HANDLE_EOF within 10 ms of a deletion; a packet allocated in
 * between is lost, as one sent just before the deletion would be.
 *
 * Returns: a pointer to PacketSize writable bytes, or NULL with the reason
 * in GetLastError().
 *
 * Errors:
 *   ERROR_HANDLE_EOF         the adapter is gone: end the session. Checked
 *                            first, as in Wintun
 *   ERROR_INVALID_PARAMETER  PacketSize is more than WINTUN_MAX_IP_PACKET_SIZE
 *                            (65535)
 *   ERROR_BUFFER_OVERFLOW    the ring has no room: drop the packet (counted
 *                            in TxRingFull, see LintunGetSessionStats())
 *   ERROR_INVALID_HANDLE     Session is NULL or has ended
 *
 * Example:
 *     BYTE *Packet = WintunAllocateSendPacket(Session, Size);
 *     if (Packet) {
 *         memcpy(Packet, Data, Size);
 *         WintunSendPacket(Session, Packet);
 *     } else if (GetLastError() != ERROR_BUFFER_OVERFLOW)
 *         fprintf(stderr, "send failed: %u\n", GetLastError());
 *     // ERROR_BUFFER_OVERFLOW: the ring is full, drop silently
 *
 * See also: WintunSendPacket(), WintunReceivePacket(), LintunGetSessionStats(),
 *   lintun(7)
 */
WINTUN_ALLOCATE_SEND_PACKET_FUNC WintunAllocateSendPacket;

/**
 * WintunSendPacket - send a packet to the system
 * @Session: the session.
 * @Packet: a pointer from WintunAllocateSendPacket() whose bytes the program
 *   has filled with one IPv4 or IPv6 packet.
 *
 * Sends Packet: the system then handles it as a packet that arrived on the
 * adapter. After the call the program must not touch the packet: its bytes
 * stay in the ring, where the library writes them from, until the kernel
 * has them. Thread-safe: packets may be sent in another order than they were allocated, from other
 * threads; they still reach the kernel in allocation order.
 *
 * The packet reaches the kernel once every packet allocated before it has
 * been sent; the call writes, in the calling thread, every sent packet from
 * the oldest on. With offload (the default when the kernel offers it),
 * consecutive TCP segments of one flow (and, on kernels with UDP
 * segmentation offload, equal-sized UDP datagrams of one flow) are merged
 * into one super-packet and written with one system call; the kernel splits
 * it again into the packets the program sent. What merges follows the
 * kernel's own receive offload (GRO) rules, made stricter where the kernel's
 * splitting of a TUN write would not give the same bytes back: no CWR
 * segment merges (GRO merges two in a row, but the split clears CWR after
 * the first), nor do IPv6 packets with extension headers, and packets are
 * never reordered to merge. IPv4 IDs must count up by one, as the kernel
 * numbers the segments it cuts, and then come back as they were; a packet
 * that breaks the pattern starts a new super-packet. The one exception, and
 * the one field that can differ: UDP datagrams with DF set and one fixed ID
 * merge too (GRO's other pattern), and the kernel numbers their IDs from the
 * first one's upwards, fixing the header checksum. Such atomic datagrams
 * (DF set, not fragments) carry no meaning in their ID ("in atomic
 * datagrams, the IPv4 ID field has no meaning", RFC 6864, 4.1); this is
 * what lets UDP from unconnected sockets (QUIC, DNS, ID 0 on every
 * datagram) be merged, and the kernel's own forwarding does the same to
 * what its UDP receive offload merged. Only a packet the kernel forwards
 * shows the new ID; a local socket never sees it. TCP segments with one
 * fixed ID are not merged (the kernel gives fixed IDs back only to what it
 * merged itself), nor are packets without DF whose IDs do not count up. A
 * session started with LINTUN_SESSION_NO_COALESCE never merges, so its
 * packets keep their IDs.
 *
 * The last super-packet of a burst may be held back briefly, to merge with
 * what comes next. It is written at the latest when:
 *   - the next packet does not merge with it;
 *   - the thread that sent it (the last to send into the session) waits on
 *     a read-wait event (WaitForSingleObject()) or finds nothing to receive
 *     (WintunReceivePacket());
 *   - the session ends;
 *   - about 100 microseconds have passed (the library's flusher thread
 *     writes it; on a loaded machine the flusher may have to wait for a
 *     CPU, and a millisecond or more is possible).
 *
 * Packets that never merge (two flows taking turns packet by packet, UDP
 * without a checksum, pure TCP acknowledgements) are not held: after eight
 * merge attempts in a row that stayed single, the session writes the next
 * 256 packets as they are sent, then tries merging again; each try that
 * fails doubles that number, up to 8192, and a merge sets it back.
 *
 * Packets that are not a well-formed IPv4 packet (version 4, at least 20
 * bytes, header and total length within the packet) or IPv6 packet
 * (version 6, at least 40 bytes, payload length within the packet) are
 * dropped, as Wintun drops them, and counted in TxDroppedInvalid. Packets
 * the kernel refuses (for example while the link is administratively down)
 * are dropped and counted in TxDroppedKernel (LintunGetSessionStats()).
 *
 * Wintun documents that a sent packet may not have been sent yet when the
 * call returns; this library uses that freedom for the brief hold described
 * above. A program that needs every packet written at once uses
 * LINTUN_SESSION_NO_COALESCE (LintunStartSessionEx()) or
 * LINTUN_OFFLOAD=nocoalesce in the environment: every packet a
 * WintunSendPacket() call makes ready has then been written when the call
 * returns (several in one system call when one call makes several ready). If the kernel refuses a
 * merged write (some kernel versions did), the library splits it again,
 * logs a warning once and stops merging for the session. The flusher thread
 * is started by the library the first time a packet is held back, once per
 * process. It blocks every signal and holds no lock while it sleeps.
 *
 * Errors: a wrong pointer is ignored and logged.
 *   ERROR_INVALID_PARAMETER  Packet is not a packet of this session that was
 *                            allocated and not yet sent
 *   ERROR_INVALID_HANDLE     Session is NULL or has ended
 * A send to an adapter that has gone away is not reported here: the next
 * WintunAllocateSendPacket() or WintunReceivePacket() fails with
 * ERROR_HANDLE_EOF.
 *
 * See also: WintunAllocateSendPacket(), LintunStartSessionEx(),
 *   LintunGetSessionStats(), lintun(7)
 */
WINTUN_SEND_PACKET_FUNC WintunSendPacket;
#endif /* !LINTUN_DYNAMIC */

/* ---------------------------------------------------------------------
 * Win32 calls that Wintun programs use with the API
 * ------------------------------------------------------------------ */

/**
 * LintunWaitForSingleObject, WaitForSingleObject - wait for a session's read-wait event
 * @Handle: a read-wait event, from WintunGetReadWaitEvent().
 * @Milliseconds: the longest time to wait, or INFINITE for no limit.
 *
 * Waits until the read-wait event Handle is signalled or Milliseconds have
 * passed. The event is signalled when packets arrive, when ring space that
 * a packet waited for is freed, when the adapter goes away and when the
 * session ends. It resets itself when a wait returns (auto-reset), as
 * Wintun's does: the wait that returns takes the signal, so a second wait
 * with no new arrival sleeps (even while packets not yet received are in
 * the ring), and of several threads waiting, one wakes per signal. Once the
 * adapter is gone or the session is ending, it stays signalled and every
 * wait returns at once.
 *
 * Linux: packets arrive in the interface's queue. A wait woken by them
 * moves what the queue holds into the ring, as Wintun's driver puts
 * arriving packets in the ring before it sets the event, and returns only
 * if it stored a packet (a waiter that finds another thread took them waits
 * on); the next WintunReceivePacket() hands them out without a system call.
 *
 * Before it blocks, the calling thread writes out the sends still held back
 * (WintunSendPacket()) in every session it sent into last; sends of other
 * threads are theirs to write, or the flusher's within about 100
 * microseconds. A
 * waiting thread uses no CPU. A signal does not end an INFINITE wait; it
 * may end a wait with a timeout early, with WAIT_OBJECT_0, which a receive
 * loop treats like any other wake-up that finds nothing. Timeouts above
 * INT_MAX milliseconds, other than INFINITE, are cut to INT_MAX. Several
 * threads may wait on the same event; WintunEndSession() wakes all of them
 * and returns only once they have left the wait.
 *
 * WaitForSingleObject() is a static inline function in this header that
 * calls the exported LintunWaitForSingleObject(); both do the same. Define
 * LINTUN_NO_WIN32_COMPAT before including the header to leave out the Win32
 * names (WaitForSingleObject, GetLastError, SetLastError), for example when
 * another header declares them. Programs that load the library with
 * dlopen(3) (defining LINTUN_DYNAMIC) do not get the inline wrappers: they
 * look up "LintunWaitForSingleObject" with dlsym(3) and define
 * WaitForSingleObject themselves.
 *
 * Linux: only read-wait events are accepted; there are no other Win32
 * handles.
 *
 * Returns: WAIT_OBJECT_0 when the event was signalled, WAIT_TIMEOUT when
 * Milliseconds passed first, or WAIT_FAILED with the reason in
 * GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Handle is NULL, not a read-wait event, or
 *                            belongs to a session that has ended
 *   ERROR_NOT_ENOUGH_MEMORY  poll(2) failed for lack of kernel memory
 *   ERROR_GEN_FAILURE        poll(2) failed otherwise (the log line says why)
 *
 * See also: WintunGetReadWaitEvent(), LintunGetReadWaitFd(), GetLastError(),
 *   lintun(7)
 */
typedef DWORD(LINTUN_WAIT_FOR_SINGLE_OBJECT_FUNC)(HANDLE Handle, DWORD Milliseconds);

/**
 * LintunGetLastError, LintunSetLastError, GetLastError, SetLastError - the calling thread's last
 * error code
 * @Error: the code to set.
 *
 * Every function of the library that fails sets the calling thread's last
 * error to a Windows error code, with its Windows value, and returns NULL,
 * FALSE, 0, -1 or WAIT_FAILED. GetLastError() returns that code;
 * SetLastError() sets it (programs may use it for their own errors, as on
 * Windows). Functions that succeed leave the last error alone, unless their
 * documentation says otherwise, so test the return value first and read the
 * code only after a failure.
 *
 * GetLastError() and SetLastError() are static inline functions in this
 * header that call the exported LintunGetLastError() and
 * LintunSetLastError(). The value is per thread and starts at 0
 * (ERROR_SUCCESS). It is separate from errno, which the library does not
 * promise to keep.
 *
 * The codes the library sets:
 *   - ERROR_SUCCESS (0): no error.
 *   - ERROR_FILE_NOT_FOUND (2): /dev/net/tun is missing or cannot be opened.
 *   - ERROR_ACCESS_DENIED (5): the caller lacks CAP_NET_ADMIN (or, for a
 *     session, is not the adapter's owner).
 *   - ERROR_INVALID_HANDLE (6): a NULL, closed or ended handle.
 *   - ERROR_NOT_ENOUGH_MEMORY (8): out of memory.
 *   - ERROR_INVALID_DATA (13): a corrupt receive ring.
 *   - ERROR_GEN_FAILURE (31): any other system error; the log line has the
 *     system's text.
 *   - ERROR_HANDLE_EOF (38): the adapter is gone.
 *   - ERROR_NOT_SUPPORTED (50): io_uring was required
 *     (LintunStartSessionEx()) and the process cannot use it.
 *   - ERROR_INVALID_PARAMETER (87): a bad argument (or one the kernel
 *     refused as invalid).
 *   - ERROR_BUFFER_OVERFLOW (111): the send ring is full; or a name or a
 *     buffer is too long or too small (WintunCreateAdapter(),
 *     LintunFormatAddress(), the text conversions).
 *   - ERROR_ALREADY_EXISTS (183): an adapter with this name or GUID exists.
 *   - ERROR_MORE_DATA (234): the array given to LintunGetAddresses() or
 *     LintunGetRoutes() is too short.
 *   - ERROR_NO_MORE_ITEMS (259): no packet to receive now.
 *   - ERROR_NOT_FOUND (1168): no such adapter, address or route.
 *   - ERROR_ALREADY_INITIALIZED (1247): a session already runs on the
 *     adapter.
 *
 * The header also defines ERROR_OBJECT_ALREADY_EXISTS (5010) for programs
 * that compare against it; the library does not set it.
 *
 * The library's logger (WintunSetLogger()) receives a line for every
 * failure with the text of the Linux error behind it, which says more than
 * the code. Programs that define LINTUN_DYNAMIC get no prototypes and look
 * up "LintunGetLastError" with dlsym(3); define LINTUN_NO_WIN32_COMPAT to
 * leave out the Win32 names.
 *
 * Returns: GetLastError() and LintunGetLastError() return the thread's last
 * error. The setters return nothing.
 *
 * Errors: none; these functions never fail.
 *
 * Example:
 *     if (!WintunStartSession(Adapter, 0x400000) &&
 *         GetLastError() == ERROR_ALREADY_INITIALIZED)
 *         puts("busy");
 *
 * See also: WintunSetLogger(), WaitForSingleObject(), lintun(7)
 */
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
 * tests/scripts/version-sources.sh checks). The soname and the symbol version node
 * are the ABI's, not the release's (README, "Changing the ABI").
 */
#define LINTUN_VERSION_MAJOR 0
#define LINTUN_VERSION_MINOR 14
#define LINTUN_VERSION_PATCH 0

/**
 * LintunGetReadWaitFd - a pollable file descriptor for the read-wait event
 * @Session: the session.
 *
 * Returns a file descriptor that is readable (POLLIN, EPOLLIN) whenever the
 * session's read-wait event would be signalled: when the interface has
 * packets queued, when packets are stored in the ring for another thread,
 * when the adapter goes away or its creator exits, and when the session
 * ends. Put it in a poll(2), select(2) or epoll(7) set, or hand it to an
 * event loop (Python's asyncio add_reader, libuv, ...), beside the
 * program's own descriptors. Safe to call from any thread, and to poll the
 * descriptor from several.
 *
 * Readiness is level-triggered and is only a hint: poll(2) cannot take a
 * signal the way a wait on the auto-reset event does, so polling again
 * without receiving returns at once (a second WaitForSingleObject() would
 * sleep). After a wake-up, call WintunReceivePacket() until it fails with
 * ERROR_NO_MORE_ITEMS, then poll again; nothing needs to be read from the
 * descriptor itself. That failing call empties the queue into the ring and
 * resets the event, which is what a wait on Wintun's event does: the
 * descriptor then stays readable only while there is something to take
 * (packets queued, the adapter gone, the session ending). So a program
 * that only polls neither spins (it sleeps once a receive found nothing)
 * nor misses a packet (one that arrives after that receive makes it
 * readable again). Packets that a WaitForSingleObject() in another thread
 * moved into the ring do not make it readable: that thread receives them.
 *
 * The descriptor belongs to the session: do not read from it, write to it
 * or close it. The first call makes it (an epoll(7) descriptor over the TUN
 * queue, the session's internal eventfd and, when another process created
 * the adapter, a pidfd of that process); it stays the same for the whole
 * session and becomes invalid when WintunEndSession() returns. While the
 * receive ring is full of packets the program has not released, the queue
 * is left out of it, so the descriptor does not spin; it becomes readable
 * again once releases make room.
 *
 * WaitForSingleObject() does not need this descriptor: it polls the queue,
 * the eventfd and the pidfd only while it sleeps. A descriptor that sits in
 * an epoll set makes the kernel run epoll's wake-up callback for each
 * packet it queues, whether anyone waits or not, and that work falls on
 * whoever sends the packet; a session whose program never calls
 * LintunGetReadWaitFd() does not pay it. WaitForSingleObject() also writes
 * out the calling thread's sends that are held back before it sleeps; a
 * program that sleeps in poll(2) instead gets the same from
 * WintunReceivePacket(), which writes them when it finds nothing to
 * receive, or from the library's flusher thread within about 100
 * microseconds.
 *
 * Returns: a file descriptor, or -1 with the reason in GetLastError().
 *
 * Errors: the first call can fail to make the descriptor; a later call
 * tries again.
 *   ERROR_INVALID_HANDLE     Session is NULL or has ended
 *   ERROR_NOT_ENOUGH_MEMORY  no memory for the epoll set
 *   ERROR_GEN_FAILURE        any other system error, such as a process out
 *                            of file descriptors (the log line says which)
 *
 * Example:
 *     struct pollfd Fds[2] = {
 *         { .fd = LintunGetReadWaitFd(Session), .events = POLLIN },
 *         { .fd = QuitFd, .events = POLLIN },
 *     };
 *     for (;;) {
 *         DWORD Size;
 *         BYTE *Packet;
 *         while ((Packet = WintunReceivePacket(Session, &Size))) {
 *             Handle(Packet, Size);
 *             WintunReleaseReceivePacket(Session, Packet);
 *         }
 *         if (GetLastError() != ERROR_NO_MORE_ITEMS)
 *             break;
 *         poll(Fds, 2, -1);
 *         if (Fds[1].revents & POLLIN)
 *             break;
 *     }
 *
 * See also: WintunGetReadWaitEvent(), WaitForSingleObject(), poll(2),
 *   epoll(7), lintun(7)
 */
typedef int(LINTUN_GET_READ_WAIT_FD_FUNC)(WINTUN_SESSION_HANDLE Session);

/* Session flags for LintunStartSessionEx(), which describes them. */
#define LINTUN_SESSION_NO_OFFLOAD 0x1  /* no checksum/segmentation offload */
#define LINTUN_SESSION_NO_COALESCE 0x2 /* offload on receive, no coalescing of sends */
#define LINTUN_SESSION_PASSTHROUGH 0x4 /* super-packets with their virtio-net header */
#define LINTUN_SESSION_NO_IO_URING 0x8 /* one read()/write() per packet, never io_uring */
#define LINTUN_SESSION_IO_URING 0x10   /* io_uring or fail: ERROR_NOT_SUPPORTED */

/**
 * LintunStartSessionEx - start a session, choosing how offload and io_uring are used
 * @Adapter: as for WintunStartSession().
 * @Capacity: as for WintunStartSession().
 * @Flags: a combination of the LINTUN_SESSION_* flags below, or 0 for the
 *   default, which is what WintunStartSession() does.
 *
 * This is WintunStartSession() with Flags:
 *   - LINTUN_SESSION_NO_OFFLOAD: ask the kernel for no checksum or
 *     segmentation offload: every read and every write is one packet of at
 *     most the MTU. Costs more system calls for bulk TCP; useful to
 *     compare, or on kernels whose offload misbehaves.
 *   - LINTUN_SESSION_NO_COALESCE: keep offload for received packets
 *     (super-packets are split into ordinary packets) but write sent packets
 *     one by one, as soon as they are sent, never holding one back: they
 *     have been written when WintunSendPacket() returns. Sent
 *     packets then reach the kernel byte for byte as the program wrote
 *     them, IPv4 IDs included (merged UDP datagrams of one fixed ID with DF
 *     set get the kernel's IDs, see WintunSendPacket()).
 *   - LINTUN_SESSION_PASSTHROUGH: hand packets over as the kernel gives
 *     them. Each received packet starts with a 10-byte struct
 *     virtio_net_hdr (see <linux/virtio_net.h>) and may be a TCP or UDP
 *     super-packet of up to 64 KiB whose checksum is still to be completed;
 *     each packet sent must start with such a header too, and is written as
 *     it is (a packet of 10 bytes or fewer is dropped and counted in
 *     TxDroppedKernel). For programs that forward between TUN devices, or
 *     that do their own segmentation. The rings and the other calls work as
 *     usual; packet sizes include the header.
 *   - LINTUN_SESSION_NO_IO_URING: read and write the TUN queue with one
 *     read(2) or write(2) per packet (or super-packet), never through
 *     io_uring.
 *   - LINTUN_SESSION_IO_URING: use io_uring, or fail with
 *     ERROR_NOT_SUPPORTED.
 *
 * Without either of the last two, a session batches through io_uring where
 * the process may use it: sent packets are staged and handed to the kernel
 * up to 32 per system call, in allocation order; a backlog of received
 * packets is read up to 16 per system call. Every 64th batch of sends goes
 * out with one write(2) each instead, and the session keeps what a write
 * costs either way, using the cheaper: where system calls are cheap and the
 * kernel's own work per packet dominates, batching may not pay, and then
 * the session does not batch. A staged packet is written when the batch
 * fills, when the program waits on the read-wait event or finds nothing to
 * receive, when the session ends, or about 100 microseconds after it was
 * sent (more on a loaded machine, see WintunSendPacket()); a packet sent
 * after a pause of more than 100 microseconds goes out at once. Where io_uring cannot be
 * had (kernel.io_uring_disabled, a seccomp profile that refuses
 * io_uring_setup(2), a kernel before 5.6) the session reads and writes one
 * packet per system call, with the same behaviour. The environment variable
 * LINTUN_IO set to "plain" or "uring" does what the two flags do, for
 * sessions started without either.
 *
 * Whatever the flags, the environment variable LINTUN_OFFLOAD can turn
 * offload down further: "off" or "0" adds LINTUN_SESSION_NO_OFFLOAD,
 * "nocoalesce" adds LINTUN_SESSION_NO_COALESCE.
 *
 * The flags in force and the offload the kernel accepted are logged when
 * the session starts, for example 'Session started on "Demo" (offload
 * 0x6f, coalescing sends; reads and writes batched through io_uring,
 * measured against one write() each every 64 batches; a system call costs
 * 210 ns here)', where the number is the kernel's TUN_F_* mask and the
 * last figure the measured cost of a null system call; without io_uring
 * the line ends "reads and writes one system call each". Wintun has no
 * offload.
 *
 * Returns: the session handle, or NULL with the reason in GetLastError().
 *
 * Errors: as WintunStartSession(), in the same order; Flags is checked after
 * Capacity, and LINTUN_SESSION_IO_URING works as LINTUN_IO=uring does.
 *   ERROR_INVALID_HANDLE       Adapter is NULL or not a live adapter handle
 *   ERROR_ALREADY_INITIALIZED  a session already runs on this adapter
 *   ERROR_INVALID_PARAMETER    Capacity is out of range or not a power of
 *                              two; Flags has a bit that is not one of the
 *                              five above, or both io_uring flags
 *   ERROR_HANDLE_EOF           the interface is gone, or its creator has
 *                              exited
 *   ERROR_ACCESS_DENIED        the caller may not attach to the interface
 *   ERROR_NOT_SUPPORTED        LINTUN_SESSION_IO_URING (or LINTUN_IO=uring)
 *                              was asked for and this process cannot use
 *                              io_uring
 *   ERROR_NOT_ENOUGH_MEMORY    the rings or buffers could not be allocated
 *   ERROR_GEN_FAILURE          any other system error; the log line says
 *                              which step failed
 *
 * Example:
 *     // A forwarder between two adapters: pass super-packets through.
 *     WINTUN_SESSION_HANDLE A = LintunStartSessionEx(AdapterA, 0x4000000,
 *                                                    LINTUN_SESSION_PASSTHROUGH);
 *
 * See also: WintunStartSession(), LintunGetSessionStats(), WintunSendPacket(),
 *   lintun(7)
 */
typedef WINTUN_SESSION_HANDLE(LINTUN_START_SESSION_EX_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                                            DWORD Capacity, DWORD Flags);

/* Counters of a session, since it started (LintunGetSessionStats()). */
typedef struct _LINTUN_SESSION_STATS {
    DWORD64 RxPackets;        /* packets returned by WintunReceivePacket */
    DWORD64 RxBytes;          /* bytes of those packets */
    DWORD64 RxReads;          /* reads of the queue that returned data (read() or io_uring,
                                 up to 16 per system call); RxPackets / RxReads is how
                                 many packets one read brought */
    DWORD64 RxSuperPackets;   /* kernel super-packets split into ordinary packets */
    DWORD64 RxDropped;        /* kernel packets dropped as malformed or too large for the ring */
    DWORD64 TxPackets;        /* packets written to the kernel */
    DWORD64 TxBytes;          /* their bytes as the program sent them (a merged write
                                 counts each packet's headers) */
    DWORD64 TxWrites;         /* writes to the queue (write() or io_uring, up to 32 per
                                 system call); TxPackets / TxWrites is how many packets
                                 one write carried */
    DWORD64 TxCoalesced;      /* packets that went out merged with others in a super-packet */
    DWORD64 TxDroppedInvalid; /* sent packets dropped as not well-formed IP (size 0 included) */
    DWORD64 TxDroppedKernel;  /* packets the kernel refused (link down, ...) */
    DWORD64 TxRingFull;       /* WintunAllocateSendPacket calls refused, ring full */
} LINTUN_SESSION_STATS;

/**
 * LintunGetSessionStats - a session's packet and system call counters
 * @Session: the session.
 * @Stats: receives the counters, counted since the session started (see
 *   LINTUN_SESSION_STATS above for each one).
 *
 * Safe to call from any thread while others use the session. The receive
 * counters and the send counters are each read consistently, but not at the
 * same instant as each other. Wintun has no counters; the interface's own
 * counters (`ip -s link`) count what the kernel saw.
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Session is NULL or has ended
 *   ERROR_INVALID_PARAMETER  Stats is NULL
 *
 * See also: WintunStartSession(), LintunStartSessionEx(), lintun(7)
 */
typedef BOOL(LINTUN_GET_SESSION_STATS_FUNC)(WINTUN_SESSION_HANDLE Session,
                                            LINTUN_SESSION_STATS *Stats);

/* What this library knows about an adapter (LintunGetAdapterInfo()). */
typedef struct _LINTUN_ADAPTER_INFO {
    WCHAR Name[MAX_ADAPTER_NAME];       /* full adapter name */
    WCHAR TunnelType[MAX_ADAPTER_NAME]; /* as given to WintunCreateAdapter, as far as the
                                           kernel keeps it (see there); a 128-character
                                           type ends in U+2026 here */
    GUID Guid;
    NET_LUID Luid;
    DWORD IfIndex;    /* Linux interface index */
    char IfName[16];  /* Linux interface name */
    DWORD CreatorPid; /* pid of the creating process (0 unknown) */
} LINTUN_ADAPTER_INFO;

/**
 * LintunGetAdapterInfo - what the library knows about an adapter
 * @Adapter: the adapter.
 * @Info: receives the information.
 *
 * Reads the adapter's interface from the kernel and fills *Info: its full
 * name (the alternative name when the interface got a derived name, else
 * the interface name), the tunnel type and GUID kept in the interface
 * alias, its LUID (as WintunGetAdapterLUID() gives it), the interface index
 * and current interface name (so a renamed interface shows its new name),
 * and the process id of its creator. The interface name is what ip(8),
 * if_nametoindex(3) and socket options such as SO_BINDTODEVICE need; the
 * full name may not be a valid interface name.
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Adapter is NULL or not a live adapter handle
 *   ERROR_INVALID_PARAMETER  Info is NULL
 *   ERROR_HANDLE_EOF         the interface is gone
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory (or netlink buffers)
 *   ERROR_GEN_FAILURE        any other system error
 *
 * See also: WintunGetAdapterLUID(), LintunEnumAdapters(), WintunOpenAdapter(),
 *   lintun(1), lintun(7)
 */
typedef BOOL(LINTUN_GET_ADAPTER_INFO_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                           LINTUN_ADAPTER_INFO *Info);

/**
 * LintunSetAdapterOwner - let a user or group run sessions without privileges
 * @Adapter: the handle WintunCreateAdapter() returned.
 * @Uid: the user that may start sessions; (DWORD)-1 keeps the current
 *   owner.
 * @Gid: the group a process must also be in; (DWORD)-1 sets no group.
 *
 * An adapter belongs to its creator's effective user from the start (the
 * kernel's TUN owner), so nobody else without CAP_NET_ADMIN can attach to
 * it (Wintun: only administrators may start sessions). This call changes
 * the owner to Uid (TUNSETOWNER) and, when Gid is not (DWORD)-1, also sets
 * the TUN group (TUNSETGROUP): the kernel then requires a process to be
 * that user and in that group. The kernel cannot unset an owner, so
 * group-only access is not available.
 *
 * This is how a program drops its privileges and keeps tunnelling, as
 * userspace WireGuard does: create the adapter and configure it as root,
 * set the owner, switch user (setuid(2)), then start the session.
 * Configuration calls (LintunAddAddress() and the others) still need
 * CAP_NET_ADMIN. The owner applies to the interface, so it also lets that
 * user open new queues on it with /dev/net/tun directly. After the switch,
 * WintunCloseAdapter() cannot delete the interface over rtnetlink (it logs
 * a warning), but the interface still goes away when the creator's queue
 * descriptor closes, in that call or when the process exits.
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Adapter is NULL or not a live adapter handle
 *   ERROR_INVALID_PARAMETER  Adapter did not come from WintunCreateAdapter(),
 *                            or the kernel refused Uid or Gid as invalid
 *                            (not mapped in the caller's user namespace)
 *   ERROR_ACCESS_DENIED      the kernel refused the change (EPERM)
 *   ERROR_GEN_FAILURE        any other system error
 *
 * Example:
 *     WINTUN_ADAPTER_HANDLE Adapter = WintunCreateAdapter(L"vpn0", L"MyVPN", NULL);
 *     // ... addresses, routes ...
 *     LintunSetAdapterOwner(Adapter, 1000, (DWORD)-1);
 *     if (setgid(1000) || setuid(1000))
 *         abort();
 *     WINTUN_SESSION_HANDLE Session = WintunStartSession(Adapter, 0x400000);
 *
 * See also: WintunCreateAdapter(), WintunStartSession(), capabilities(7),
 *   lintun(7)
 */
typedef BOOL(LINTUN_SET_ADAPTER_OWNER_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, DWORD Uid, DWORD Gid);

/* ---------------------------------------------------------------------
 * Configuration over rtnetlink (the IP Helper calls a Windows program uses)
 *
 * Every call works on an adapter handle from any process that may manage
 * the interface, in the adapter's own network namespace; each opens its own
 * netlink socket. They stand in for Windows' IP Helper functions
 * (CreateUnicastIpAddressEntry, SetIpInterfaceEntry, CreateIpForwardEntry2,
 * ...), which take the adapter's LUID.
 * ------------------------------------------------------------------ */

/* An IPv4 or IPv6 address (or network) with its prefix length. */
typedef struct _LINTUN_IP_ADDRESS {
    int Family; /* AF_INET or AF_INET6 */
    union {
        struct in_addr V4;
        struct in6_addr V6;
    } Address;
    BYTE PrefixLength; /* 0-32 for IPv4, 0-128 for IPv6 */
} LINTUN_IP_ADDRESS;

/**
 * LintunParseAddress, LintunFormatAddress - IP addresses with a prefix length, from and to text
 * @Text: an IPv4 address in dotted decimal or an IPv6 address in any form
 *   inet_pton(3) accepts, optionally followed by '/' and a decimal prefix
 *   length (1 to 3 digits, no sign or spaces).
 * @Address: the address parsed into, or formatted.
 * @Buffer: receives the text and its terminating zero.
 * @Size: Buffer's size in bytes; 64 always suffice.
 *
 * LintunParseAddress() parses Text into *Address. Without a prefix length
 * the address is a host: /32 or /128. Host bits after the prefix are kept
 * ("10.6.7.7/24" is the address 10.6.7.7 on the network 10.6.7.0/24).
 *
 * LintunFormatAddress() writes *Address as text with its prefix length,
 * "10.6.7.7/24" or "fd00::1/64", into Buffer.
 *
 * Neither needs an adapter or privileges. Linux: on Windows a program fills
 * a MIB_UNICASTIPADDRESS_ROW (InitializeUnicastIpAddressEntry) or a
 * SOCKADDR_INET itself; here the address is a LINTUN_IP_ADDRESS for
 * LintunAddAddress() and LintunAddRoute().
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_PARAMETER  a NULL argument; Text is not an address with
 *                            an optional prefix; or, for
 *                            LintunFormatAddress(), *Address has an unknown
 *                            family or a prefix length beyond 32 or 128
 *   ERROR_BUFFER_OVERFLOW    (LintunFormatAddress()) Size is too small for
 *                            the text and its terminating zero
 *
 * Example:
 *     LINTUN_IP_ADDRESS Address;
 *     char Text[64];
 *     if (LintunParseAddress("fd00:8::1/64", &Address) &&
 *         LintunFormatAddress(&Address, Text, sizeof(Text)))
 *         puts(Text);   // fd00:8::1/64
 *
 * See also: LintunAddAddress(), LintunAddRoute(), inet_pton(3), lintun(7)
 */
typedef BOOL(LINTUN_PARSE_ADDRESS_FUNC)(const char *Text, LINTUN_IP_ADDRESS *Address);
typedef BOOL(LINTUN_FORMAT_ADDRESS_FUNC)(const LINTUN_IP_ADDRESS *Address, char *Buffer,
                                         size_t Size);

/**
 * LintunAddAddress, LintunDeleteAddress, LintunGetAddresses - the adapter's IP addresses
 * @Adapter: the adapter.
 * @Address: the address and its prefix length (LintunParseAddress()).
 * @Addresses: receives the addresses; may be NULL when *Count is 0.
 * @Count: on entry the number of elements Addresses has; on return the
 *   number of addresses, or the number needed.
 *
 * LintunAddAddress() gives the adapter *Address, IPv4 or IPv6. The kernel
 * also adds the route to the address's network through the adapter, as
 * Windows does (for 10.6.7.7/24: 10.6.7.0/24). An address the adapter
 * already has is not an error.
 *
 * LintunDeleteAddress() removes *Address (address and prefix length must
 * match).
 *
 * LintunGetAddresses() stores the adapter's addresses, both families, IPv6
 * link-local ones included, in Addresses. When the array is too short the
 * call fails with ERROR_MORE_DATA and *Count says how many are needed;
 * pass NULL and a *Count of 0 to ask for the number.
 *
 * IPv6 addresses stay "tentative" (unusable) while no session runs: the
 * link has no carrier until WintunStartSession() turns it on. Then the
 * kernel runs duplicate address detection for a moment; the calls do not
 * wait for it. Addresses stay when a session ends and vanish with the
 * interface. Linux: these stand in for CreateUnicastIpAddressEntry,
 * DeleteUnicastIpAddressEntry and GetUnicastIpAddressTable.
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Adapter is NULL or not a live handle
 *   ERROR_INVALID_PARAMETER  Address is NULL or has a bad family or prefix
 *                            length; Count is NULL, or Addresses is NULL
 *                            with *Count above 0; or the kernel refused the
 *                            address as invalid
 *   ERROR_ACCESS_DENIED      the caller lacks CAP_NET_ADMIN (adding and
 *                            deleting)
 *   ERROR_HANDLE_EOF         the interface is gone
 *   ERROR_NOT_FOUND          (LintunDeleteAddress()) the adapter does not
 *                            have this address
 *   ERROR_MORE_DATA          (LintunGetAddresses()) the array is too short;
 *                            *Count is the number needed
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        any other kernel error; the log line carries
 *                            the kernel's extended acknowledgement when it
 *                            sent one
 *
 * Example:
 *     LINTUN_IP_ADDRESS Address;
 *     if (!LintunParseAddress("10.6.7.7/24", &Address) ||
 *         !LintunAddAddress(Adapter, &Address))
 *         fprintf(stderr, "Failed to set IP address: %u\n", GetLastError());
 *
 *     DWORD Count = 0;
 *     LintunGetAddresses(Adapter, NULL, &Count);     // ERROR_MORE_DATA
 *     LINTUN_IP_ADDRESS *All = calloc(Count, sizeof(*All));
 *     if (All && LintunGetAddresses(Adapter, All, &Count))
 *         printf("%u addresses\n", Count);
 *
 * See also: LintunParseAddress(), LintunAddRoute(), LintunGetMtu(),
 *   lintun(1), lintun(7), ip-address(8)
 */
typedef BOOL(LINTUN_ADD_ADDRESS_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                      const LINTUN_IP_ADDRESS *Address);
typedef BOOL(LINTUN_DELETE_ADDRESS_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                         const LINTUN_IP_ADDRESS *Address);
typedef BOOL(LINTUN_GET_ADDRESSES_FUNC)(WINTUN_ADAPTER_HANDLE Adapter,
                                        LINTUN_IP_ADDRESS *Addresses, DWORD *Count);

/**
 * LintunGetMtu, LintunSetMtu - the adapter's MTU
 * @Adapter: the adapter.
 * @Mtu: for LintunGetMtu(), receives the MTU; for LintunSetMtu(), the new
 *   MTU, from 68 to 65535.
 *
 * LintunGetMtu() stores the interface's MTU in *Mtu (1500 for a new
 * adapter). LintunSetMtu() sets it. Below 1280 the kernel would silently
 * turn IPv6 off on the interface, so an MTU below 1280 is refused while
 * IPv6 is enabled there, with a log line saying IPv6 needs 1280. The MTU
 * may be changed while a session runs. Received packets are never larger
 * than the MTU; with offload, the kernel's super-packets are split into
 * segments that fit it.
 *
 * Linux: these stand in for setting NlMtu with SetIpInterfaceEntry on
 * Windows, where the MTU is set per address family; on Linux it is one
 * value for the interface.
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Adapter is NULL or not a live handle
 *   ERROR_INVALID_PARAMETER  Mtu is NULL (LintunGetMtu()), out of range, or
 *                            below 1280 while the adapter has IPv6 enabled
 *   ERROR_ACCESS_DENIED      the caller lacks CAP_NET_ADMIN (LintunSetMtu())
 *   ERROR_HANDLE_EOF         the interface is gone
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        any other kernel error; the log line carries
 *                            the kernel's extended acknowledgement when it
 *                            sent one
 *
 * See also: LintunAddAddress(), LintunSetLinkUp(), lintun(1), lintun(7)
 */
typedef BOOL(LINTUN_GET_MTU_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, DWORD *Mtu);
typedef BOOL(LINTUN_SET_MTU_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, DWORD Mtu);

/**
 * LintunSetLinkUp, LintunGetLinkState - the adapter's administrative state and carrier
 * @Adapter: the adapter.
 * @Up: for LintunSetLinkUp(), TRUE to set the interface administratively up
 *   (IFF_UP), FALSE for down; for LintunGetLinkState(), receives that state.
 * @Running: when not NULL, receives whether the interface is up and has its
 *   carrier, that is whether a session runs on it.
 *
 * LintunSetLinkUp() does what `ip link set dev IFNAME up` and `down` do.
 * WintunCreateAdapter() brings the link up; a session turns the carrier on
 * for as long as it runs. Setting the link down is not free of side
 * effects, as for any Linux interface: it keeps its IPv4 addresses, but the
 * kernel removes its IPv6 addresses (unless the keep_addr_on_down sysctl is
 * set) and every route through it, and bringing it up again restores only
 * the routes of the remaining addresses. Packets sent while it is down are
 * dropped by the kernel (counted in TxDroppedKernel, see
 * LintunGetSessionStats()).
 *
 * Linux: Windows has no administrative state for a Wintun adapter apart
 * from disabling it; the carrier corresponds to its media state (connected
 * while a session runs).
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Adapter is NULL or not a live handle
 *   ERROR_INVALID_PARAMETER  Up is NULL (LintunGetLinkState())
 *   ERROR_ACCESS_DENIED      the caller lacks CAP_NET_ADMIN
 *                            (LintunSetLinkUp())
 *   ERROR_HANDLE_EOF         the interface is gone
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        any other kernel error; the log line carries
 *                            the kernel's extended acknowledgement when it
 *                            sent one
 *
 * See also: WintunStartSession(), LintunGetMtu(), lintun(1), lintun(7)
 */
typedef BOOL(LINTUN_SET_LINK_UP_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, BOOL Up);
typedef BOOL(LINTUN_GET_LINK_STATE_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, BOOL *Up, BOOL *Running);

/* A route through the adapter. */
typedef struct _LINTUN_ROUTE {
    LINTUN_IP_ADDRESS Destination; /* network and prefix; host bits must be 0 */
    DWORD Metric;                  /* 0: the kernel's default */
} LINTUN_ROUTE;

/**
 * LintunAddRoute, LintunDeleteRoute, LintunGetRoutes - routes through the adapter
 * @Adapter: the adapter.
 * @Route: the route: Route->Destination (IPv4 or IPv6) and Route->Metric.
 * @Routes: receives the routes; may be NULL when *Count is 0.
 * @Count: as for LintunGetAddresses(): the array's size on entry, the
 *   number of routes (or the number needed) on return.
 *
 * These manage routes through the adapter in the main routing table of the
 * adapter's network namespace. A route sends every packet for its
 * destination into the adapter, where WintunReceivePacket() picks it up; it
 * needs no gateway.
 *
 * LintunAddRoute() adds a route to Route->Destination with metric
 * Route->Metric; the destination's host bits must be zero (10.20.0.0/16,
 * not 10.20.0.1/16). A route that exists is not an error. A default route
 * is 0.0.0.0/0 or ::/0.
 *
 * LintunDeleteRoute() removes the route with this destination and metric;
 * a metric of 0 matches any.
 *
 * LintunGetRoutes() lists the main table's routes through the adapter, both
 * families, including those the kernel added for the adapter's addresses.
 *
 * Routes through the adapter disappear with it, and when its link is set
 * down (LintunSetLinkUp()); add them again after. IPv6 routes the kernel
 * adds get metric 256 by default. Linux: these stand in for
 * CreateIpForwardEntry2, DeleteIpForwardEntry2 and GetIpForwardTable2.
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_HANDLE     Adapter is NULL or not a live handle
 *   ERROR_INVALID_PARAMETER  Route is NULL, has a bad family or prefix
 *                            length, or host bits set in the destination;
 *                            Count is NULL, or Routes is NULL with *Count
 *                            above 0; or the kernel refused the route as
 *                            invalid
 *   ERROR_ACCESS_DENIED      the caller lacks CAP_NET_ADMIN (adding and
 *                            deleting)
 *   ERROR_HANDLE_EOF         the interface is gone
 *   ERROR_NOT_FOUND          (LintunDeleteRoute()) no such route
 *   ERROR_MORE_DATA          (LintunGetRoutes()) the array is too short;
 *                            *Count is the number needed
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        any other kernel error; the log line carries
 *                            the kernel's extended acknowledgement when it
 *                            sent one
 *
 * Example:
 *     LINTUN_ROUTE Route = { .Metric = 5 };
 *     LintunParseAddress("10.20.0.0/16", &Route.Destination);
 *     if (!LintunAddRoute(Adapter, &Route))
 *         fprintf(stderr, "route: %u\n", GetLastError());
 *
 * See also: LintunAddAddress(), LintunParseAddress(), lintun(1), lintun(7),
 *   ip-route(8)
 */
typedef BOOL(LINTUN_ADD_ROUTE_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route);
typedef BOOL(LINTUN_DELETE_ROUTE_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route);
typedef BOOL(LINTUN_GET_ROUTES_FUNC)(WINTUN_ADAPTER_HANDLE Adapter, LINTUN_ROUTE *Routes,
                                     DWORD *Count);

/*
 * Called by LintunEnumAdapters() for each adapter of this library; return
 * TRUE to go on, FALSE to stop. Info is valid during the call only. (A
 * function type: the parameter below is a pointer to one.)
 */
typedef BOOL(LINTUN_ENUM_CALLBACK)(const LINTUN_ADAPTER_INFO *Info, LPARAM Param);

/**
 * LintunEnumAdapters - call a function for every adapter of this library
 * @Callback: called once per adapter with its information (as
 *   LintunGetAdapterInfo() gives it) and Param; returns TRUE to go on, FALSE
 *   to stop.
 * @Param: passed to Callback as it is.
 *
 * Calls Callback for each adapter created by this library (in any process)
 * in the calling thread's network namespace, in the calling thread. Info is
 * valid only during the call: copy what you need, or open the adapter by
 * Info->Name with WintunOpenAdapter(). Needs no privileges. Adapters whose
 * creator has exited but which a session still holds are listed too;
 * WintunDeleteDriver() removes them.
 *
 * The adapters come from one complete reading of the kernel's list of
 * interfaces: one that interfaces came or went during (the kernel marks
 * such a dump interrupted) is read again, up to 8 times, before Callback
 * sees anything, so no adapter is missed or listed twice.
 *
 * Linux: this does what WintunEnumAdapters did before Wintun 0.14 removed
 * it.
 *
 * Returns: TRUE (also when there is no adapter, and when the callback
 * stopped early), or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_PARAMETER  Callback is NULL
 *   ERROR_NOT_ENOUGH_MEMORY  out of memory
 *   ERROR_GEN_FAILURE        the interfaces could not be listed, or they
 *                            kept changing through 8 readings
 *
 * Example:
 *     static BOOL Print(const LINTUN_ADAPTER_INFO *Info, LPARAM Param)
 *     {
 *         printf("%ls (%s)\n", Info->Name, Info->IfName);
 *         return TRUE;
 *     }
 *
 *     LintunEnumAdapters(Print, 0);
 *
 * See also: LintunGetAdapterInfo(), WintunOpenAdapter(), lintun(1), lintun(7)
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

/**
 * LintunGuidToString, LintunStringToGuid - a GUID to and from its text
 * @Guid: the GUID to write, or that receives the parsed one (untouched on
 *   failure).
 * @Buffer: receives the text and its terminating zero.
 * @Size: Buffer's size in bytes; LINTUN_GUID_STRING_SIZE (39) always
 *   suffices.
 * @Text: the text to parse, zero-terminated.
 *
 * LintunGuidToString() writes *Guid as Windows shows a GUID:
 * "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}", upper-case hexadecimal digits
 * grouped 8-4-4-4-12 in braces, Data1 to Data3 as numbers and then the
 * eight bytes of Data4. This is the form the library writes into the
 * interface alias and its log.
 *
 * LintunStringToGuid() parses Text into *Guid. It takes the same form in
 * either case, with or without the braces, so the text of Python's uuid or
 * of uuidgen(1) ("deadbabe-cafe-beef-0123-456789abcdef") parses too.
 * Nothing may come before or after the GUID, not even white space.
 *
 * Neither needs an adapter or privileges. Neither logs, so a logger
 * callback (WintunSetLogger()) may call them. Linux: on Windows a program
 * calls StringFromGUID2 and CLSIDFromString (or UuidFromString, which takes
 * no braces).
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_PARAMETER  a NULL argument; or, for LintunStringToGuid(),
 *                            Text is not a GUID in the form above
 *   ERROR_BUFFER_OVERFLOW    (LintunGuidToString()) Size is below
 *                            LINTUN_GUID_STRING_SIZE; Buffer is untouched
 *
 * Example:
 *     GUID Guid;
 *     char Text[LINTUN_GUID_STRING_SIZE];
 *     if (LintunStringToGuid("deadbabe-cafe-beef-0123-456789abcdef", &Guid) &&
 *         LintunGuidToString(&Guid, Text, sizeof(Text)))
 *         puts(Text);   // {DEADBABE-CAFE-BEEF-0123-456789ABCDEF}
 *
 * See also: WintunCreateAdapter(), LintunGetAdapterInfo(), lintun(7)
 */
typedef BOOL(LINTUN_GUID_TO_STRING_FUNC)(const GUID *Guid, char *Buffer, size_t Size);
typedef BOOL(LINTUN_STRING_TO_GUID_FUNC)(const char *Text, GUID *Guid);

/**
 * LintunWideToUtf8, LintunUtf8ToWide - WCHAR strings to and from UTF-8
 * @Text: the zero-terminated text to convert: WCHARs, each a Unicode code
 *   point, for LintunWideToUtf8(); UTF-8 for LintunUtf8ToWide().
 * @Buffer: receives the converted text and a terminating zero.
 * @Size: Buffer's size in bytes (LintunWideToUtf8()); 4 per character plus
 *   1 always suffice.
 * @Count: Buffer's size in WCHARs (LintunUtf8ToWide()); strlen(Text) + 1
 *   always suffices.
 *
 * On Linux WCHAR is wchar_t, 4 bytes, one Unicode code point each (UTF-32),
 * while command lines, terminals and files use UTF-8. These two calls
 * convert between them with the code the library uses for adapter names and
 * log messages. LintunUtf8ToWide() turns, for instance, a command-line
 * argument into the Name that WintunOpenAdapter() takes. It accepts only
 * valid UTF-8: no stray or missing continuation bytes, no overlong forms,
 * no surrogates, nothing above U+10FFFF.
 *
 * On failure Buffer holds the empty string (when its size is not 0).
 * Neither needs an adapter or privileges. Neither logs, so a logger
 * callback (WintunSetLogger()) may call them, to print its Message for
 * instance. Linux: on Windows a program calls WideCharToMultiByte and
 * MultiByteToWideChar with CP_UTF8.
 *
 * Returns: TRUE, or FALSE with the reason in GetLastError().
 *
 * Errors:
 *   ERROR_INVALID_PARAMETER  a NULL argument; for LintunWideToUtf8(), Text
 *                            holds a value that is not a character (a
 *                            surrogate, 0xD800 to 0xDFFF, or above
 *                            0x10FFFF); for LintunUtf8ToWide(), Text is not
 *                            valid UTF-8
 *   ERROR_BUFFER_OVERFLOW    the converted text and its terminating zero do
 *                            not fit in Buffer
 *
 * Example:
 *     static VOID CALLBACK Logger(WINTUN_LOGGER_LEVEL Level, DWORD64 Timestamp,
 *                                 LPCWSTR Message)
 *     {
 *         char Text[4 * 1024];
 *         if (LintunWideToUtf8(Message, Text, sizeof(Text)))
 *             fprintf(stderr, "lintun: %s\n", Text);
 *     }
 *
 * See also: WintunSetLogger(), WintunOpenAdapter(), LintunGetAdapterInfo(),
 *   lintun(7)
 */
typedef BOOL(LINTUN_WIDE_TO_UTF8_FUNC)(const WCHAR *Text, char *Buffer, size_t Size);
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
