/* SPDX-License-Identifier: MIT */
/*
 * Bad input: every public function (Wintun* and Lintun*, configuration
 * included) given NULL, zero, oversize or stale arguments answers with the
 * error wintun.h documents for it and never crashes.
 *   - Without an adapter (runs unprivileged, then the test skips without
 *     root): NULL handles and pointers everywhere.
 *   - Table-driven, every function against every bad handle (NULL, a closed
 *     created adapter, a closed opened adapter, an ended session, zeroed
 *     memory, a handle of the other kind), and the value tables: names
 *     (empty, 128 characters, 127 characters beyond the 127-byte UTF-8 limit,
 *     '/', newline, other control characters, lone surrogates, code points
 *     above 0x10FFFF, negative wchar_t), capacities, flags, packet sizes,
 *     MTUs, addresses and prefixes, buffer sizes. Names with '/' succeed with
 *     a derived interface name, as documented.
 *   - With a live adapter and session: NULL out-pointers, foreign packet
 *     pointers, oversize allocations, handles used right after ending and
 *     closing (a second close keeps the last error).
 *   - The configuration calls with NULL pointers, unknown families and
 *     prefixes out of range leave the interface unchanged.
 * Prints how many table inputs were tried.
 */
#include <fcntl.h>
#include <wctype.h>
#include "net.h"
#include "fixture.h"

static int tried;

/* ------------------------------------------------------------------------
 * The rows: each call is made with the last error set to a sentinel; a row
 * passes when the call reports failure (NULL, FALSE, WAIT_FAILED, -1, 0) and
 * the last error is the expected one.
 * --------------------------------------------------------------------- */
#define SENTINEL 0xdeadbeefu
#define ROW(desc, failed_expr, code)                                                              \
    do {                                                                                          \
        tried++;                                                                                  \
        LintunSetLastError(SENTINEL);                                                             \
        bool failed_ = (failed_expr);                                                             \
        DWORD e_ = LintunGetLastError();                                                          \
        if (!failed_ || e_ != (DWORD)(code))                                                      \
            FAILF("%s: %s, error %u; want failure with %s (%u)", desc,                            \
                  failed_ ? "failed" : "succeeded", e_, #code, (unsigned)(code));                 \
    } while (0)
/* For functions returning void: only the last error tells. */
#define ROWV(desc, stmt, code) ROW(desc, ((stmt), true), code)

/* ------------------------------------------------------------------------
 * Every function that takes an adapter handle, as a table.
 * --------------------------------------------------------------------- */
typedef bool adapter_call_fn(WINTUN_ADAPTER_HANDLE a); /* true: the call failed */

static LINTUN_IP_ADDRESS addr4;
static LINTUN_ROUTE route4;

static bool c_start(WINTUN_ADAPTER_HANDLE a) { return !WintunStartSession(a, 0x20000); }
static bool c_start_ex(WINTUN_ADAPTER_HANDLE a) { return !LintunStartSessionEx(a, 0x20000, 0); }
static bool c_luid(WINTUN_ADAPTER_HANDLE a)
{
    NET_LUID l = {.Value = 7};
    WintunGetAdapterLUID(a, &l);
    return l.Value == 7; /* untouched */
}
static bool c_info(WINTUN_ADAPTER_HANDLE a)
{
    LINTUN_ADAPTER_INFO i;
    return !LintunGetAdapterInfo(a, &i);
}
static bool c_owner(WINTUN_ADAPTER_HANDLE a) { return !LintunSetAdapterOwner(a, 65534, 65534); }
static bool c_add_addr(WINTUN_ADAPTER_HANDLE a) { return !LintunAddAddress(a, &addr4); }
static bool c_del_addr(WINTUN_ADAPTER_HANDLE a) { return !LintunDeleteAddress(a, &addr4); }
static bool c_get_addrs(WINTUN_ADAPTER_HANDLE a)
{
    LINTUN_IP_ADDRESS l[4];
    DWORD n = 4;
    return !LintunGetAddresses(a, l, &n);
}
static bool c_get_mtu(WINTUN_ADAPTER_HANDLE a)
{
    DWORD m;
    return !LintunGetMtu(a, &m);
}
static bool c_set_mtu(WINTUN_ADAPTER_HANDLE a) { return !LintunSetMtu(a, 1400); }
static bool c_link_up(WINTUN_ADAPTER_HANDLE a) { return !LintunSetLinkUp(a, TRUE); }
static bool c_link_state(WINTUN_ADAPTER_HANDLE a)
{
    BOOL up, running;
    return !LintunGetLinkState(a, &up, &running);
}
static bool c_add_route(WINTUN_ADAPTER_HANDLE a) { return !LintunAddRoute(a, &route4); }
static bool c_del_route(WINTUN_ADAPTER_HANDLE a) { return !LintunDeleteRoute(a, &route4); }
static bool c_get_routes(WINTUN_ADAPTER_HANDLE a)
{
    LINTUN_ROUTE r[4];
    DWORD n = 4;
    return !LintunGetRoutes(a, r, &n);
}

static const struct {
    const char *name;
    adapter_call_fn *call;
} adapter_calls[] = {
    {"WintunStartSession", c_start},     {"LintunStartSessionEx", c_start_ex},
    {"WintunGetAdapterLUID", c_luid},    {"LintunGetAdapterInfo", c_info},
    {"LintunSetAdapterOwner", c_owner},  {"LintunAddAddress", c_add_addr},
    {"LintunDeleteAddress", c_del_addr}, {"LintunGetAddresses", c_get_addrs},
    {"LintunGetMtu", c_get_mtu},         {"LintunSetMtu", c_set_mtu},
    {"LintunSetLinkUp", c_link_up},      {"LintunGetLinkState", c_link_state},
    {"LintunAddRoute", c_add_route},     {"LintunDeleteRoute", c_del_route},
    {"LintunGetRoutes", c_get_routes},
};

/* ------------------------------------------------------------------------
 * Every function that takes a session handle, as a table.
 * --------------------------------------------------------------------- */
typedef bool session_call_fn(WINTUN_SESSION_HANDLE s);

static BYTE some_bytes[64];

static bool s_event(WINTUN_SESSION_HANDLE s) { return !WintunGetReadWaitEvent(s); }
static bool s_fd(WINTUN_SESSION_HANDLE s) { return LintunGetReadWaitFd(s) == -1; }
static bool s_recv(WINTUN_SESSION_HANDLE s)
{
    DWORD n;
    return !WintunReceivePacket(s, &n);
}
static bool s_release(WINTUN_SESSION_HANDLE s)
{
    WintunReleaseReceivePacket(s, some_bytes);
    return true;
}
static bool s_alloc(WINTUN_SESSION_HANDLE s) { return !WintunAllocateSendPacket(s, 100); }
static bool s_send(WINTUN_SESSION_HANDLE s)
{
    WintunSendPacket(s, some_bytes);
    return true;
}
static bool s_stats(WINTUN_SESSION_HANDLE s)
{
    LINTUN_SESSION_STATS st;
    return !LintunGetSessionStats(s, &st);
}

static const struct {
    const char *name;
    session_call_fn *call;
} session_calls[] = {
    {"WintunGetReadWaitEvent", s_event},   {"LintunGetReadWaitFd", s_fd},
    {"WintunReceivePacket", s_recv},       {"WintunReleaseReceivePacket", s_release},
    {"WintunAllocateSendPacket", s_alloc}, {"WintunSendPacket", s_send},
    {"LintunGetSessionStats", s_stats},
};

static uint64_t zeroed[512]; /* "handles" that point at zeroed memory */

static void bad_handles(WINTUN_ADAPTER_HANDLE live_a, WINTUN_SESSION_HANDLE live_s,
                        WINTUN_ADAPTER_HANDLE closed_created, WINTUN_ADAPTER_HANDLE closed_opened,
                        WINTUN_SESSION_HANDLE ended, HANDLE ended_event)
{
    const struct {
        const char *what;
        WINTUN_ADAPTER_HANDLE h;
    } bad_a[] = {
        {"NULL", NULL},
        {"a closed created adapter", closed_created},
        {"a closed opened adapter", closed_opened},
        {"zeroed memory", (WINTUN_ADAPTER_HANDLE)zeroed},
        {"a session handle", (WINTUN_ADAPTER_HANDLE)live_s},
    };
    const struct {
        const char *what;
        WINTUN_SESSION_HANDLE h;
    } bad_s[] = {
        {"NULL", NULL},
        {"an ended session", ended},
        {"zeroed memory", (WINTUN_SESSION_HANDLE)zeroed},
        {"an adapter handle", (WINTUN_SESSION_HANDLE)live_a},
    };
    char desc[160];
    for (size_t h = 0; h < sizeof(bad_a) / sizeof(bad_a[0]); h++) {
        for (size_t c = 0; c < sizeof(adapter_calls) / sizeof(adapter_calls[0]); c++) {
            snprintf(desc, sizeof(desc), "%s(%s)", adapter_calls[c].name, bad_a[h].what);
            ROW(desc, adapter_calls[c].call(bad_a[h].h), ERROR_INVALID_HANDLE);
        }
        /* CloseAdapter: ignored, and it never changes the last error. */
        if (bad_a[h].h != (WINTUN_ADAPTER_HANDLE)live_s) {
            tried++;
            LintunSetLastError(1234);
            WintunCloseAdapter(bad_a[h].h);
            if (LintunGetLastError() != 1234)
                FAILF("WintunCloseAdapter(%s) changed the last error to %u", bad_a[h].what,
                      LintunGetLastError());
        }
    }
    for (size_t h = 0; h < sizeof(bad_s) / sizeof(bad_s[0]); h++) {
        for (size_t c = 0; c < sizeof(session_calls) / sizeof(session_calls[0]); c++) {
            snprintf(desc, sizeof(desc), "%s(%s)", session_calls[c].name, bad_s[h].what);
            ROW(desc, session_calls[c].call(bad_s[h].h), ERROR_INVALID_HANDLE);
        }
        if (bad_s[h].h != (WINTUN_SESSION_HANDLE)live_a) {
            tried++;
            LintunSetLastError(1234);
            WintunEndSession(bad_s[h].h); /* ignored (logged) */
            CHECK_EQ(LintunGetLastError(), 1234);
        }
    }
    const struct {
        const char *what;
        HANDLE h;
    } bad_ev[] = {
        {"NULL", NULL},
        {"an ended session's event", ended_event},
        {"zeroed memory", zeroed},
        {"a session handle", live_s},
        {"an adapter handle", live_a},
    };
    for (size_t h = 0; h < sizeof(bad_ev) / sizeof(bad_ev[0]); h++) {
        snprintf(desc, sizeof(desc), "WaitForSingleObject(%s)", bad_ev[h].what);
        ROW(desc, LintunWaitForSingleObject(bad_ev[h].h, 0) == WAIT_FAILED, ERROR_INVALID_HANDLE);
        ROW(desc, LintunWaitForSingleObject(bad_ev[h].h, INFINITE) == WAIT_FAILED,
            ERROR_INVALID_HANDLE);
    }
}

/* ------------------------------------------------------------------------
 * Names.
 * --------------------------------------------------------------------- */
static WCHAR long_name[200], long129[200], name127[128], wide127[128], wide_type[128];

/* True when creation fails; an adapter created against expectations is closed. */
static bool create_fails(const WCHAR *name, const WCHAR *type)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(name, type, NULL);
    if (a) {
        DWORD e = LintunGetLastError();
        WintunCloseAdapter(a);
        LintunSetLastError(e);
    }
    return !a;
}

static bool open_fails(const WCHAR *name)
{
    WINTUN_ADAPTER_HANDLE a = WintunOpenAdapter(name);
    WintunCloseAdapter(a);
    return !a;
}

static void names(void)
{
    for (int i = 0; i < 128; i++)
        long_name[i] = L'a' + i % 26; /* 128 characters */
    long_name[128] = 0;
    wmemcpy(long129, long_name, 128);
    long129[128] = L'z'; /* 129 characters */
    for (int i = 0; i < 127; i++)
        name127[i] = L'b';
    for (int i = 0; i < 127; i++)
        wide127[i] = 0x4e2d; /* 127 characters, 381 bytes of UTF-8 */
    for (int i = 0; i < 67; i++)
        wide_type[i] = 0x4e2d; /* 67 characters, 201 bytes of UTF-8 */
    /* The error as a name and as a tunnel type (0: accepted, as in Wintun). */
    const struct {
        const char *what;
        const WCHAR *name;
        DWORD as_name, as_type;
    } bad[] = {
        {"NULL", NULL, ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER},
        {"empty", L"", ERROR_INVALID_PARAMETER, 0},
        {"128 characters", long_name, ERROR_BUFFER_OVERFLOW, 0},
        {"127 characters, 381 bytes of UTF-8 (alternative names: 127 bytes)", wide127,
         ERROR_BUFFER_OVERFLOW, 0},
        {"a newline", L"bad\nname", ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER},
        {"a tab", L"bad\tname", ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER},
        {"a carriage return", L"bad\rname", ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER},
        {"DEL", L"bad\x7fname", ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER},
        {"a C1 control character", L"bad\x85name", ERROR_INVALID_PARAMETER,
         ERROR_INVALID_PARAMETER},
        {"a lone high surrogate", L"bad\xd800name", ERROR_INVALID_PARAMETER,
         ERROR_INVALID_PARAMETER},
        {"a lone low surrogate", L"bad\xdfffname", ERROR_INVALID_PARAMETER,
         ERROR_INVALID_PARAMETER},
        {"a code point above 0x10FFFF", L"bad\x110000name", ERROR_INVALID_PARAMETER,
         ERROR_INVALID_PARAMETER},
        {"a negative wchar_t", (const WCHAR[]){L'b', (WCHAR)-1, L'd', 0}, ERROR_INVALID_PARAMETER,
         ERROR_INVALID_PARAMETER},
        {"0x7FFFFFFF", (const WCHAR[]){L'b', (WCHAR)0x7fffffff, 0}, ERROR_INVALID_PARAMETER,
         ERROR_INVALID_PARAMETER},
        {"129 characters", long129, ERROR_BUFFER_OVERFLOW, ERROR_BUFFER_OVERFLOW},
    };
    char desc[160];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(desc, sizeof(desc), "WintunCreateAdapter(name: %s)", bad[i].what);
        ROW(desc, create_fails(bad[i].name, L"Test"), bad[i].as_name);
        snprintf(desc, sizeof(desc), "WintunCreateAdapter(tunnel type: %s)", bad[i].what);
        if (bad[i].as_type)
            ROW(desc, create_fails(L"TypeTest", bad[i].name), bad[i].as_type);
        else if (create_fails(L"TypeTest", bad[i].name))
            FAILF("%s: failed with %u; Wintun accepts it", desc, LintunGetLastError());
    }
    if (create_fails(L"TypeTest", wide_type))
        FAILF("WintunCreateAdapter(tunnel type: 67 characters, 201 bytes of UTF-8) failed "
              "with %u; it is kept cut",
              LintunGetLastError());
    /* Open: as in Wintun, a name is not validated, only not found (NULL aside). */
    ROW("WintunOpenAdapter(NULL)", !WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER);
    for (size_t i = 1; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(desc, sizeof(desc), "WintunOpenAdapter(%s)", bad[i].what);
        ROW(desc, open_fails(bad[i].name), ERROR_NOT_FOUND);
    }
    ROW("WintunOpenAdapter(no such adapter)", open_fails(L"NoSuchAdapter"), ERROR_NOT_FOUND);
    ROW("WintunOpenAdapter(127 characters, none such)", open_fails(name127), ERROR_NOT_FOUND);

    /* Valid but odd names: '/' and spaces give a derived interface name. */
    const WCHAR *odd[] = {L"a/b", L"../..", L"..", L".", L"with space", L"x:y", name127};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        tried++;
        WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(odd[i], L"Test", NULL);
        if (!a) {
            FAILF("WintunCreateAdapter(\"%.20ls\") failed: %u", odd[i], LintunGetLastError());
            continue;
        }
        LINTUN_ADAPTER_INFO info;
        CHECK(LintunGetAdapterInfo(a, &info));
        if (strchr(info.IfName, '/') || strchr(info.IfName, ' ') || !strcmp(info.IfName, ".") ||
            !strcmp(info.IfName, "..") || strlen(info.IfName) > 15 || !info.IfName[0])
            FAILF("\"%.20ls\" got interface name \"%s\"", odd[i], info.IfName);
        CHECK(wcscmp(info.Name, odd[i]) == 0);
        WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(odd[i]);
        if (!o)
            FAILF("WintunOpenAdapter(\"%.20ls\") failed: %u", odd[i], LintunGetLastError());
        WintunCloseAdapter(o);
        WintunCloseAdapter(a);
    }
    /* A duplicate name, a duplicate GUID. */
    GUID g = {0x12345678, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Dup", L"Test", &g);
    REQUIRE(a);
    ROW("WintunCreateAdapter(an existing name)", create_fails(L"Dup", L"Test"),
        ERROR_ALREADY_EXISTS);
    ROW("WintunCreateAdapter(an existing name, other case)", create_fails(L"DUP", L"Test"),
        ERROR_ALREADY_EXISTS);
    ROW("WintunCreateAdapter(an existing GUID)", !WintunCreateAdapter(L"Dup2", L"Test", &g),
        ERROR_ALREADY_EXISTS);
    WintunCloseAdapter(a);
}

/* ------------------------------------------------------------------------
 * Values: capacities, flags, sizes, MTUs, addresses, routes, buffers.
 * --------------------------------------------------------------------- */
static void values(WINTUN_ADAPTER_HANDLE a, WINTUN_ADAPTER_HANDLE opened)
{
    char desc[160];
    const DWORD caps[] = {0,       1,         0x1ffff,   0x10000,     0x20001,
                          0x30000, 0x8000000, 0x4000001, 0x80000000u, 0xffffffffu};
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        snprintf(desc, sizeof(desc), "WintunStartSession(capacity 0x%x)", caps[i]);
        ROW(desc, !WintunStartSession(a, caps[i]), ERROR_INVALID_PARAMETER);
    }
    /* Unknown bits, and both io_uring flags at once (0x8 | 0x10). */
    const DWORD flags[] = {0x18, 0x20, 0x80000000u, 0xffffffffu};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        snprintf(desc, sizeof(desc), "LintunStartSessionEx(flags 0x%x)", flags[i]);
        ROW(desc, !LintunStartSessionEx(a, 0x20000, flags[i]), ERROR_INVALID_PARAMETER);
    }
    ROW("LintunSetAdapterOwner(an opened handle)", !LintunSetAdapterOwner(opened, 1, 1),
        ERROR_INVALID_PARAMETER);

    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x20000);
    REQUIRE(s);
    ROW("WintunStartSession(second)", !WintunStartSession(a, 0x20000), ERROR_ALREADY_INITIALIZED);
    ROW("WintunStartSession(second, opened handle)", !WintunStartSession(opened, 0x20000),
        ERROR_ALREADY_INITIALIZED);
    const DWORD sizes[] = {0x10000, 0x10001, 0x7fffffff, 0x80000000u, 0xffffffffu};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        snprintf(desc, sizeof(desc), "WintunAllocateSendPacket(size 0x%x)", sizes[i]);
        ROW(desc, !WintunAllocateSendPacket(s, sizes[i]), ERROR_INVALID_PARAMETER);
    }
    ROW("WintunReceivePacket(PacketSize NULL)", !WintunReceivePacket(s, NULL),
        ERROR_INVALID_PARAMETER);
    ROW("LintunGetSessionStats(Stats NULL)", !LintunGetSessionStats(s, NULL),
        ERROR_INVALID_PARAMETER);
    /* Pointers that are not outstanding packets: ignored, logged. */
    BYTE *p = WintunAllocateSendPacket(s, 40);
    REQUIRE(p);
    BYTE *bad_ptrs[] = {NULL, some_bytes, p + 1, p + 4, p - 4};
    for (size_t i = 0; i < sizeof(bad_ptrs) / sizeof(bad_ptrs[0]); i++) {
        snprintf(desc, sizeof(desc), "WintunReleaseReceivePacket(bad pointer #%zu)", i);
        ROWV(desc, WintunReleaseReceivePacket(s, bad_ptrs[i]), ERROR_INVALID_PARAMETER);
        snprintf(desc, sizeof(desc), "WintunSendPacket(bad pointer #%zu)", i);
        ROWV(desc, WintunSendPacket(s, bad_ptrs[i]), ERROR_INVALID_PARAMETER);
    }
    ROWV("WintunReleaseReceivePacket(a send packet)", WintunReleaseReceivePacket(s, p),
         ERROR_INVALID_PARAMETER);
    memset(p, 0, 40); /* not an IP packet: dropped and counted, no error documented */
    WintunSendPacket(s, p);
    ROWV("WintunSendPacket(sent twice)", WintunSendPacket(s, p), ERROR_INVALID_PARAMETER);
    LINTUN_SESSION_STATS st;
    CHECK(LintunGetSessionStats(s, &st));
    CHECK_EQ(st.TxDroppedInvalid, 1);
    WintunEndSession(s);

    /* MTU. */
    const DWORD mtus[] = {0, 1, 67, 65536, 0x7fffffff, 0xffffffffu, 1279};
    for (size_t i = 0; i < sizeof(mtus) / sizeof(mtus[0]); i++) {
        snprintf(desc, sizeof(desc), "LintunSetMtu(%u)", mtus[i]);
        ROW(desc, !LintunSetMtu(a, mtus[i]), ERROR_INVALID_PARAMETER); /* 1279: IPv6 is on */
    }
    DWORD mtu = 0;
    CHECK(LintunGetMtu(a, &mtu));
    CHECK_EQ(mtu, 1500);
    ROW("LintunGetMtu(NULL)", !LintunGetMtu(a, NULL), ERROR_INVALID_PARAMETER);
    ROW("LintunGetLinkState(NULL, NULL)", !LintunGetLinkState(a, NULL, NULL),
        ERROR_INVALID_PARAMETER);

    /* Address text. */
    const char *texts[] = {NULL,
                           "",
                           " ",
                           "1.2.3.4/",
                           "1.2.3.4/33",
                           "1.2.3.4/-1",
                           "1.2.3.4/24x",
                           "1.2.3.4/ 24",
                           "1.2.3.4//24",
                           "256.1.1.1",
                           "1.2.3",
                           "::1/129",
                           "::1/-0",
                           "fe80::1%lo",
                           "::g",
                           "1.2.3.4\n",
                           "/24",
                           "1.2.3.4/999999999999999999999",
                           "1.2.3.4/4294967320"};
    LINTUN_IP_ADDRESS ip;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        snprintf(desc, sizeof(desc), "LintunParseAddress(\"%s\")", texts[i] ? texts[i] : "NULL");
        ROW(desc, !LintunParseAddress(texts[i], &ip), ERROR_INVALID_PARAMETER);
    }
    ROW("LintunParseAddress(Address NULL)", !LintunParseAddress("1.2.3.4", NULL),
        ERROR_INVALID_PARAMETER);
    /* Formatting. */
    char buf[64];
    REQUIRE(LintunParseAddress("fd00:1234:5678:9abc:def0:1234:5678:9abc/128", &ip));
    ROW("LintunFormatAddress(Address NULL)", !LintunFormatAddress(NULL, buf, sizeof(buf)),
        ERROR_INVALID_PARAMETER);
    ROW("LintunFormatAddress(Buffer NULL)", !LintunFormatAddress(&ip, NULL, sizeof(buf)),
        ERROR_INVALID_PARAMETER);
    ROW("LintunFormatAddress(size 0)", !LintunFormatAddress(&ip, buf, 0), ERROR_BUFFER_OVERFLOW);
    ROW("LintunFormatAddress(size 10)", !LintunFormatAddress(&ip, buf, 10), ERROR_BUFFER_OVERFLOW);
    LINTUN_IP_ADDRESS odd = ip;
    odd.Family = AF_UNIX;
    ROW("LintunFormatAddress(family AF_UNIX)", !LintunFormatAddress(&odd, buf, sizeof(buf)),
        ERROR_INVALID_PARAMETER);
    odd = ip;
    odd.PrefixLength = 129;
    ROW("LintunFormatAddress(prefix 129)", !LintunFormatAddress(&odd, buf, sizeof(buf)),
        ERROR_INVALID_PARAMETER);

    /* Addresses and routes: bad families and prefixes, nothing to delete. */
    const struct {
        const char *text;
        int family;
        int prefix; /* -1: as parsed */
    } addrs[] = {
        {"10.9.0.1", AF_INET, 33},  {"10.9.0.1", AF_INET, 255},       {"fd00::1", AF_INET6, 129},
        {"fd00::1", AF_INET6, 200}, {"10.9.0.1", AF_UNIX, 24},        {"10.9.0.1", 0, 24},
        {"10.9.0.1", -1, 24},       {"10.9.0.1", AF_INET6 + 100, 24},
    };
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
        REQUIRE(LintunParseAddress(addrs[i].text, &ip));
        ip.Family = addrs[i].family;
        ip.PrefixLength = (BYTE)addrs[i].prefix;
        LINTUN_ROUTE r = {.Destination = ip};
        snprintf(desc, sizeof(desc), "family %d, prefix %d", addrs[i].family, addrs[i].prefix);
        ROW(desc, !LintunAddAddress(a, &ip), ERROR_INVALID_PARAMETER);
        ROW(desc, !LintunDeleteAddress(a, &ip), ERROR_INVALID_PARAMETER);
        ROW(desc, !LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);
        ROW(desc, !LintunDeleteRoute(a, &r), ERROR_INVALID_PARAMETER);
    }
    const char *host_bits[] = {"10.9.0.1/24", "fd00::1/64", "0.0.0.1/0", "::1/0"};
    for (size_t i = 0; i < sizeof(host_bits) / sizeof(host_bits[0]); i++) {
        LINTUN_ROUTE r = {.Metric = 0};
        REQUIRE(LintunParseAddress(host_bits[i], &r.Destination));
        snprintf(desc, sizeof(desc), "LintunAddRoute(%s: host bits set)", host_bits[i]);
        ROW(desc, !LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);
    }
    REQUIRE(LintunParseAddress("10.9.8.7/24", &ip));
    ROW("LintunDeleteAddress(absent)", !LintunDeleteAddress(a, &ip), ERROR_NOT_FOUND);
    LINTUN_ROUTE r = {.Metric = 0};
    REQUIRE(LintunParseAddress("10.99.0.0/16", &r.Destination));
    ROW("LintunDeleteRoute(absent)", !LintunDeleteRoute(a, &r), ERROR_NOT_FOUND);
    /* Short arrays. */
    REQUIRE(LintunParseAddress("10.9.8.7/24", &ip));
    REQUIRE(LintunAddAddress(a, &ip));
    REQUIRE(LintunAddRoute(a, &r));
    LINTUN_IP_ADDRESS one[1];
    DWORD n = 0;
    ROW("LintunGetAddresses(count 0)", !LintunGetAddresses(a, NULL, &n), ERROR_MORE_DATA);
    CHECK(n >= 1);
    n = 1;
    LINTUN_ROUTE rs[1];
    DWORD before = n;
    (void)before;
    REQUIRE(LintunParseAddress("fd00::5/64", &one[0]));
    REQUIRE(LintunAddAddress(a, &one[0])); /* now two or more */
    n = 1;
    ROW("LintunGetAddresses(count 1 of several)", !LintunGetAddresses(a, one, &n),
        ERROR_MORE_DATA);
    CHECK(n >= 2);
    n = 0;
    ROW("LintunGetRoutes(count 0)", !LintunGetRoutes(a, NULL, &n), ERROR_MORE_DATA);
    CHECK(n >= 1);
    n = 1;
    ROW("LintunGetRoutes(Routes NULL, count 1)", !LintunGetRoutes(a, NULL, &n),
        ERROR_INVALID_PARAMETER);
    (void)rs;
    ROW("LintunGetAddresses(Count NULL)", !LintunGetAddresses(a, one, NULL),
        ERROR_INVALID_PARAMETER);
    ROW("LintunGetRoutes(Count NULL)", !LintunGetRoutes(a, rs, NULL), ERROR_INVALID_PARAMETER);
    /* Others. */
    ROW("LintunEnumAdapters(NULL)", !LintunEnumAdapters(NULL, 0), ERROR_INVALID_PARAMETER);
    ROWV("WintunGetAdapterLUID(Luid NULL)", WintunGetAdapterLUID(a, NULL),
         ERROR_INVALID_PARAMETER);
    ROW("LintunGetAdapterInfo(Info NULL)", !LintunGetAdapterInfo(a, NULL),
        ERROR_INVALID_PARAMETER);
}

static void without_adapter(void)
{
    DWORD n;
    NET_LUID luid = {.Value = 7};
    CHECK_ERR(WintunCreateAdapter(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunOpenAdapter(NULL), ERROR_INVALID_PARAMETER);
    WintunCloseAdapter(NULL); /* allowed */
    SetLastError(5);
    WintunGetAdapterLUID(NULL, &luid);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_EQ(luid.Value, 7);
    CHECK_ERR(WintunStartSession(NULL, 0x20000), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunStartSessionEx(NULL, 0x20000, 0), ERROR_INVALID_HANDLE);
    WintunEndSession(NULL); /* allowed */
    CHECK_ERR(WintunGetReadWaitEvent(NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunReceivePacket(NULL, &n), ERROR_INVALID_HANDLE);
    SetLastError(0);
    WintunReleaseReceivePacket(NULL, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunAllocateSendPacket(NULL, 100), ERROR_INVALID_HANDLE);
    SetLastError(0);
    WintunSendPacket(NULL, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK_EQ(WaitForSingleObject(NULL, 0), WAIT_FAILED);
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    int junk[8] = {0};
    CHECK_EQ(WaitForSingleObject(junk, 0), WAIT_FAILED);
    CHECK_EQ(LintunGetReadWaitFd(NULL), -1);
    CHECK_ERR(LintunGetSessionStats(NULL, NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetAdapterInfo(NULL, NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunSetAdapterOwner(NULL, 0, 0), ERROR_INVALID_HANDLE);
    WintunSetLogger(NULL);
}

static void with_adapter(void)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Args", L"Test", NULL);
    REQUIRE(a);
    SetLastError(0);
    WintunGetAdapterLUID(a, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetAdapterInfo(a, NULL), ERROR_INVALID_PARAMETER);
    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x20000);
    REQUIRE(s);
    CHECK_ERR(WintunReceivePacket(s, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunAllocateSendPacket(s, 0x10000), ERROR_INVALID_PARAMETER);
    CHECK_ERR(WintunAllocateSendPacket(s, 0xffffffff), ERROR_INVALID_PARAMETER);
    uint8_t foreign[64];
    SetLastError(0);
    WintunSendPacket(s, foreign);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    WintunReleaseReceivePacket(s, foreign);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    WintunReleaseReceivePacket(s, NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetSessionStats(s, NULL), ERROR_INVALID_PARAMETER);
    WINTUN_ADAPTER_HANDLE opened = WintunOpenAdapter(L"Args");
    REQUIRE(opened);
    CHECK_ERR(LintunSetAdapterOwner(opened, 0, 0), ERROR_INVALID_PARAMETER);
    WintunCloseAdapter(opened);
    /* Stale handles, right after ending and closing. */
    WintunEndSession(s);
    DWORD n;
    CHECK_ERR(WintunReceivePacket(s, &n), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunAllocateSendPacket(s, 40), ERROR_INVALID_HANDLE);
    CHECK_ERR(WintunGetReadWaitEvent(s), ERROR_INVALID_HANDLE);
    WintunEndSession(s); /* twice: logged, ignored */
    WintunCloseAdapter(a);
    CHECK_ERR(WintunStartSession(a, 0x20000), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetAdapterInfo(a, NULL), ERROR_INVALID_HANDLE);
    SetLastError(99);
    WintunCloseAdapter(a); /* twice: logged, ignored, last error kept */
    CHECK_EQ(GetLastError(), 99);
}

/* The configuration calls given a NULL handle: checked before anything else. */
static void config_null_handle(void)
{
    LINTUN_IP_ADDRESS ip, list[4];
    LINTUN_ROUTE r = {.Metric = 0};
    DWORD n = 4, mtu;
    BOOL up;

    REQUIRE(LintunParseAddress("10.0.0.1/24", &ip));
    CHECK_ERR(LintunAddAddress(NULL, &ip), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunDeleteAddress(NULL, &ip), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetAddresses(NULL, list, &n), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetMtu(NULL, &mtu), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunSetMtu(NULL, 1400), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunSetLinkUp(NULL, TRUE), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetLinkState(NULL, &up, NULL), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunAddRoute(NULL, &r), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunDeleteRoute(NULL, &r), ERROR_INVALID_HANDLE);
    CHECK_ERR(LintunGetRoutes(NULL, NULL, &n), ERROR_INVALID_HANDLE);
}

/*
 * Bad input to the configuration calls on a live adapter, caught before the
 * kernel sees it: NULL pointers, an unknown family and prefix lengths 33
 * (IPv4) and 129 (IPv6) give ERROR_INVALID_PARAMETER, and the adapter is
 * left unchanged.
 */
static void config_values(void)
{
    LINTUN_IP_ADDRESS ip, list[4];
    LINTUN_ROUTE r = {.Metric = 0};
    DWORD n = 4;

    expect_log("is NULL or has a bad family or prefix length");
    expect_log("Count is NULL, or");
    expect_log("Mtu is NULL");
    expect_log("Up is NULL");
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"badinput", L"Test", NULL);

    /* NULL pointers. */
    CHECK_ERR(LintunAddAddress(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunDeleteAddress(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetAddresses(a, list, NULL), ERROR_INVALID_PARAMETER);
    n = 4;
    CHECK_ERR(LintunGetAddresses(a, NULL, &n), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetMtu(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetLinkState(a, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunAddRoute(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunDeleteRoute(a, NULL), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetRoutes(a, NULL, &n), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGetRoutes(a, NULL, NULL), ERROR_INVALID_PARAMETER);

    /* Prefix lengths out of range and unknown families. */
    REQUIRE(LintunParseAddress("10.0.0.1", &ip));
    ip.PrefixLength = 33;
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunDeleteAddress(a, &ip), ERROR_INVALID_PARAMETER);
    r.Destination = ip;
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);
    REQUIRE(LintunParseAddress("fd00::1", &ip));
    ip.PrefixLength = 129;
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_INVALID_PARAMETER);
    r.Destination = ip;
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_INVALID_PARAMETER);
    ip.Family = AF_UNIX;
    ip.PrefixLength = 8;
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_INVALID_PARAMETER);
    r.Destination = ip;
    CHECK_ERR(LintunDeleteRoute(a, &r), ERROR_INVALID_PARAMETER);

    /* Nothing reached the interface. */
    n = 4;
    CHECK(LintunGetAddresses(a, list, &n));
    for (DWORD i = 0; i < n; i++)
        CHECK_EQ(list[i].Family == AF_INET6 && list[i].Address.V6.s6_addr[0] == 0xfe, 1);
    n = 0;
    CHECK(LintunGetRoutes(a, NULL, &n) || LintunGetLastError() == ERROR_MORE_DATA);

    WintunCloseAdapter(a);
}

int main(void)
{
    without_adapter();
    config_null_handle();
    if (geteuid() != 0) {
        printf("unprivileged part passed; ");
        skip("the adapter part needs root");
    }
    require_netns();
    WintunSetLogger(NULL); /* hundreds of expected failures: keep the log short */
    REQUIRE(LintunParseAddress("10.8.0.1/24", &addr4));
    REQUIRE(LintunParseAddress("10.8.1.0/24", &route4.Destination));

    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Table", L"Test", NULL);
    REQUIRE(a);
    WINTUN_ADAPTER_HANDLE opened = WintunOpenAdapter(L"Table");
    REQUIRE(opened);
    WINTUN_ADAPTER_HANDLE gone_created = WintunCreateAdapter(L"Gone", L"Test", NULL);
    REQUIRE(gone_created);
    WINTUN_ADAPTER_HANDLE gone_opened = WintunOpenAdapter(L"Gone");
    REQUIRE(gone_opened);
    WintunCloseAdapter(gone_opened);
    WintunCloseAdapter(gone_created);
    WINTUN_SESSION_HANDLE ended = WintunStartSession(a, 0x20000);
    REQUIRE(ended);
    HANDLE ended_event = WintunGetReadWaitEvent(ended);
    WintunEndSession(ended);
    WINTUN_SESSION_HANDLE live = WintunStartSession(a, 0x20000);
    REQUIRE(live);
    bad_handles(a, live, gone_created, gone_opened, ended, ended_event);
    WintunEndSession(live);

    names();
    values(a, opened);
    WintunCloseAdapter(opened);
    WintunCloseAdapter(a);
    with_adapter();
    config_values();
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0);
    printf("%d bad inputs tried\n", tried);
    return test_done();
}
