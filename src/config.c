/* SPDX-License-Identifier: MIT */
/*
 * Adapter configuration over rtnetlink: the public Lintun* calls that stand
 * in for the IP Helper functions a Windows program uses (addresses, MTU,
 * link state, routes) and the enumeration of this library's adapters.
 *
 * Each call checks its arguments before anything reaches the kernel, opens a
 * netlink socket in the adapter's network namespace, reads the adapter's
 * link (to learn its name and whether it is still there), does its work and
 * closes the socket. Errors from netlink.c are -errno; they become Windows
 * codes here, once, together with the log line (which carries the kernel's
 * extended acknowledgement when it sent one).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if.h>
#include "adapter.h"
#include "log.h"
#include "netlink.h"

#define MIN_MTU 68
#define MAX_MTU 65535
#define IPV6_MIN_MTU 1280

/* ------------------------------------------------------------------
 * Addresses as text and in netlink form
 * ---------------------------------------------------------------- */

static unsigned int family_bits(int family)
{
    return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static bool ip_valid(const LINTUN_IP_ADDRESS *ip)
{
    unsigned int bits = family_bits(ip->Family);

    return bits && ip->PrefixLength <= bits;
}

static void to_nl_addr(const LINTUN_IP_ADDRESS *ip, struct nl_addr *out)
{
    memset(out, 0, sizeof(*out));
    out->family = ip->Family;
    out->prefixlen = ip->PrefixLength;
    memcpy(out->addr, &ip->Address, family_bits(ip->Family) / 8);
}

static void from_nl_addr(const struct nl_addr *in, LINTUN_IP_ADDRESS *out)
{
    memset(out, 0, sizeof(*out));
    out->Family = in->family;
    out->PrefixLength = in->prefixlen;
    memcpy(&out->Address, in->addr, family_bits(in->family) / 8);
}

/* True when every bit after the prefix is zero (a network, not a host). */
static bool host_bits_clear(const LINTUN_IP_ADDRESS *ip)
{
    const uint8_t *b = (const uint8_t *)&ip->Address;
    unsigned int bits = family_bits(ip->Family);

    for (unsigned int i = ip->PrefixLength; i < bits; i++)
        if (b[i / 8] & (0x80 >> (i % 8)))
            return false;
    return true;
}

/* A decimal prefix length of 1 to 3 digits, no sign, no spaces. */
static int parse_prefix(const char *s, unsigned int max)
{
    unsigned int v = 0;
    size_t n = strlen(s);

    if (n < 1 || n > 3)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned int)(s[i] - '0');
    }
    return v <= max ? (int)v : -1;
}

static bool parse_address(const char *text, LINTUN_IP_ADDRESS *out)
{
    char buf[INET6_ADDRSTRLEN + 8];
    char *slash;
    int prefix;

    if (strlen(text) >= sizeof(buf))
        return false;
    strcpy(buf, text);
    slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, buf, &out->Address.V4) == 1)
        out->Family = AF_INET;
    else if (inet_pton(AF_INET6, buf, &out->Address.V6) == 1)
        out->Family = AF_INET6;
    else
        return false;
    prefix = slash ? parse_prefix(slash + 1, family_bits(out->Family))
                   : (int)family_bits(out->Family);
    if (prefix < 0)
        return false;
    out->PrefixLength = (BYTE)prefix;
    return true;
}

LINTUN_EXPORT BOOL LintunParseAddress(const char *Text, LINTUN_IP_ADDRESS *Address)
{
    if (!Text || !Address) {
        fail(ERROR_INVALID_PARAMETER, "%s: Text and Address must not be NULL", __func__);
        return FALSE;
    }
    if (!parse_address(Text, Address)) {
        fail(ERROR_INVALID_PARAMETER,
             "%s: '%.80s' is not an IPv4 or IPv6 address with an "
             "optional /prefix",
             __func__, Text);
        return FALSE;
    }
    return TRUE;
}

/* "a.b.c.d/len" or "x::y/len" into out (at least 64 bytes); false if invalid. */
static bool format_address(const LINTUN_IP_ADDRESS *ip, char out[64])
{
    char text[INET6_ADDRSTRLEN];

    if (!ip_valid(ip) || !inet_ntop(ip->Family, &ip->Address, text, sizeof(text)))
        return false;
    snprintf(out, 64, "%s/%u", text, (unsigned int)ip->PrefixLength);
    return true;
}

LINTUN_EXPORT BOOL LintunFormatAddress(const LINTUN_IP_ADDRESS *Address, char *Buffer, size_t Size)
{
    char text[64];

    if (!Address || !Buffer || !format_address(Address, text)) {
        fail(ERROR_INVALID_PARAMETER, "%s: invalid address, family or buffer", __func__);
        return FALSE;
    }
    if (strlen(text) >= Size) {
        fail(ERROR_BUFFER_OVERFLOW, "%s: %s needs %zu bytes, the buffer has %zu", __func__, text,
             strlen(text) + 1, Size);
        return FALSE;
    }
    memcpy(Buffer, text, strlen(text) + 1);
    return TRUE;
}

/* ------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------- */

/*
 * Log "<what>[ (hint)][ (kernel: ext ack)]: <strerror> (Code ...)" and set
 * the last error. err is a negative errno. Always returns FALSE.
 */
static BOOL __attribute__((format(printf, 4, 5)))
report(const struct nl_sock *nl, int err, bool deletion, const char *fmt, ...)
{
    const char *ack = nl_ext_ack(nl);
    char what[512];
    va_list ap;
    const char *hint = err == -EPERM || err == -EACCES ? " (CAP_NET_ADMIN is missing)"
                       : err == -ENODEV                ? " (the interface is gone)"
                       : deletion && err == -ESRCH     ? " (no such route)"
                                                       : "";

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    fail_errno(error_from_errno(-err, deletion ? ERRNO_CONFIG_DELETE : ERRNO_CONFIG), -err,
               "%s%s%s%s%s", what, hint, ack ? " (kernel: " : "", ack ? ack : "", ack ? ")" : "");
    return FALSE;
}

static BOOL bad_parameter(const char *func, const char *why)
{
    fail(ERROR_INVALID_PARAMETER, "%s: %s", func, why);
    return FALSE;
}

/* ------------------------------------------------------------------
 * One call on one adapter
 * ---------------------------------------------------------------- */

/* Open netlink in the adapter's namespace and read its link; FALSE after reporting. */
static BOOL begin(const struct adapter *a, struct nl_sock **nl, struct nl_link *link)
{
    int err = adapter_nl_open(a, nl);

    if (err) {
        /* Here EPERM means entering the adapter's namespace (setns) was refused. */
        fail_errno(error_from_errno(-err, ERRNO_CONFIG), -err,
                   "Failed to open a netlink socket in "
                   "the adapter's network namespace%s",
                   err == -EPERM ? " (entering it needs CAP_SYS_ADMIN)" : "");
        return FALSE;
    }
    err = adapter_link_get(a, *nl, link);
    if (err) {
        report(*nl, err, false, "Failed to read the adapter's interface (index %d)", a->ifindex);
        nl_close(*nl);
        return FALSE;
    }
    return TRUE;
}

/* End a call: close the socket, return the result (closing never sets the last error). */
static BOOL finish(struct nl_sock *nl, BOOL result)
{
    nl_close(nl);
    return result;
}

/* ------------------------------------------------------------------
 * Addresses
 * ---------------------------------------------------------------- */

static BOOL change_address(WINTUN_ADAPTER_HANDLE handle, const LINTUN_IP_ADDRESS *ip, bool add,
                           const char *func)
{
    struct adapter *a = adapter_get(handle, func);
    struct nl_sock *nl;
    struct nl_link link;
    struct nl_addr na;
    char text[64];
    int err;

    if (!a)
        return FALSE;
    if (!ip || !format_address(ip, text))
        return bad_parameter(func, "Address is NULL or has a bad family or prefix length");
    if (!begin(a, &nl, &link))
        return FALSE;
    to_nl_addr(ip, &na);
    err = add ? nl_addr_add(nl, link.ifindex, &na) : nl_addr_del(nl, link.ifindex, &na);
    if (err)
        return finish(nl, report(nl, err, !add, "Failed to %s address %s %s %s",
                                 add ? "add" : "delete", text, add ? "to" : "from", link.ifname));
    return finish(nl, TRUE);
}

LINTUN_EXPORT BOOL LintunAddAddress(WINTUN_ADAPTER_HANDLE Adapter,
                                    const LINTUN_IP_ADDRESS *Address)
{
    return change_address(Adapter, Address, true, __func__);
}

LINTUN_EXPORT BOOL LintunDeleteAddress(WINTUN_ADAPTER_HANDLE Adapter,
                                       const LINTUN_IP_ADDRESS *Address)
{
    return change_address(Adapter, Address, false, __func__);
}

/* Sets *Count and the last error for an array that is too short. */
static BOOL more_data(DWORD *count, size_t needed)
{
    *count = (DWORD)needed;
    set_last_error(ERROR_MORE_DATA);
    return FALSE;
}

/*
 * Run a list function into a temporary array of up to max items, retrying
 * when the list grew between the count and the copy. *total gets the number
 * the link has; *items (malloc'd, may be NULL) holds min(total, max) of them.
 */
typedef int list_fn(struct nl_sock *nl, int ifindex, void *out, size_t max, size_t *count);

static int list_items(struct nl_sock *nl, int ifindex, list_fn *fn, size_t size, size_t max,
                      void **items, size_t *total)
{
    size_t cap = 0;
    int err;

    *items = NULL;
    for (int attempt = 0; attempt < 4; attempt++) {
        err = fn(nl, ifindex, *items, cap, total);
        if (err || *total <= cap || cap == max)
            return err;
        cap = *total < max ? *total : max;
        free(*items);
        *items = calloc(cap, size);
        if (!*items)
            return -ENOMEM;
    }
    free(*items);
    *items = NULL;
    return -EAGAIN; /* the list keeps changing under us */
}

static int addr_list_fn(struct nl_sock *nl, int ifindex, void *out, size_t max, size_t *count)
{
    return nl_addr_list(nl, ifindex, out, max, count);
}

static int route_list_fn(struct nl_sock *nl, int ifindex, void *out, size_t max, size_t *count)
{
    return nl_route_list(nl, ifindex, out, max, count);
}

static void addr_out(const void *item, void *out) { from_nl_addr(item, out); }

static void route_out(const void *item, void *out)
{
    const struct nl_route *r = item;
    LINTUN_ROUTE *o = out;

    from_nl_addr(&r->dst, &o->Destination);
    o->Metric = r->metric;
}

/* What LintunGetAddresses and LintunGetRoutes differ in. */
struct list_kind {
    list_fn *list;
    size_t item_size;                             /* a netlink item */
    size_t out_size;                              /* a public item */
    void (*convert)(const void *item, void *out); /* one into the other */
    const char *what, *param;                     /* for messages */
};

static const struct list_kind addresses = {
    addr_list_fn, sizeof(struct nl_addr), sizeof(LINTUN_IP_ADDRESS), addr_out, "addresses",
    "Addresses"};
static const struct list_kind routes = {
    route_list_fn, sizeof(struct nl_route), sizeof(LINTUN_ROUTE), route_out, "routes", "Routes"};

/* The link's items into out[*Count], or ERROR_MORE_DATA with the count needed. */
static BOOL get_list(WINTUN_ADAPTER_HANDLE Adapter, void *out, DWORD *Count,
                     const struct list_kind *k, const char *func)
{
    struct adapter *a = adapter_get(Adapter, func);
    struct nl_sock *nl;
    struct nl_link link;
    size_t total;
    void *items;
    int err;

    if (!a)
        return FALSE;
    if (!Count || (!out && *Count)) {
        fail(ERROR_INVALID_PARAMETER, "%s: Count is NULL, or %s is NULL with *Count > 0", func,
             k->param);
        return FALSE;
    }
    if (!begin(a, &nl, &link))
        return FALSE;
    err = list_items(nl, link.ifindex, k->list, k->item_size, *Count, &items, &total);
    if (err)
        return finish(nl, report(nl, err, false, "Failed to list %s of %s", k->what, link.ifname));
    for (size_t i = 0; i < total && i < *Count; i++)
        k->convert((const char *)items + i * k->item_size, (char *)out + i * k->out_size);
    free(items);
    if (total > *Count)
        return finish(nl, more_data(Count, total));
    *Count = (DWORD)total;
    return finish(nl, TRUE);
}

LINTUN_EXPORT BOOL LintunGetAddresses(WINTUN_ADAPTER_HANDLE Adapter, LINTUN_IP_ADDRESS *Addresses,
                                      DWORD *Count)
{
    return get_list(Adapter, Addresses, Count, &addresses, __func__);
}

/* ------------------------------------------------------------------
 * MTU and link state
 * ---------------------------------------------------------------- */

LINTUN_EXPORT BOOL LintunGetMtu(WINTUN_ADAPTER_HANDLE Adapter, DWORD *Mtu)
{
    struct adapter *a = adapter_get(Adapter, __func__);
    struct nl_sock *nl;
    struct nl_link link;

    if (!a)
        return FALSE;
    if (!Mtu)
        return bad_parameter(__func__, "Mtu is NULL");
    if (!begin(a, &nl, &link))
        return FALSE;
    *Mtu = link.mtu;
    return finish(nl, TRUE);
}

LINTUN_EXPORT BOOL LintunSetMtu(WINTUN_ADAPTER_HANDLE Adapter, DWORD Mtu)
{
    struct adapter *a = adapter_get(Adapter, __func__);
    struct nl_sock *nl;
    struct nl_link link;
    int err;

    if (!a)
        return FALSE;
    if (Mtu < MIN_MTU || Mtu > MAX_MTU) {
        fail(ERROR_INVALID_PARAMETER, "%s: MTU %u is out of range (%d to %d)", __func__, Mtu,
             MIN_MTU, MAX_MTU);
        return FALSE;
    }
    if (!begin(a, &nl, &link))
        return FALSE;
    /* Below 1280 the kernel would silently tear IPv6 down on the link. */
    if (Mtu < IPV6_MIN_MTU && link.ipv6) {
        fail(ERROR_INVALID_PARAMETER,
             "%s: MTU %u on %s: IPv6 is enabled there and needs at "
             "least %d",
             __func__, Mtu, link.ifname, IPV6_MIN_MTU);
        return finish(nl, FALSE);
    }
    err = nl_link_set_mtu(nl, link.ifindex, Mtu);
    if (err)
        return finish(nl, report(nl, err, false, "Failed to set MTU %u on %s", Mtu, link.ifname));
    return finish(nl, TRUE);
}

LINTUN_EXPORT BOOL LintunSetLinkUp(WINTUN_ADAPTER_HANDLE Adapter, BOOL Up)
{
    struct adapter *a = adapter_get(Adapter, __func__);
    struct nl_sock *nl;
    struct nl_link link;
    int err;

    if (!a || !begin(a, &nl, &link))
        return FALSE;
    err = nl_link_set_up(nl, link.ifindex, Up != FALSE);
    if (err)
        return finish(nl, report(nl, err, false, "Failed to set %s %s", link.ifname,
                                 Up ? "up" : "down"));
    return finish(nl, TRUE);
}

LINTUN_EXPORT BOOL LintunGetLinkState(WINTUN_ADAPTER_HANDLE Adapter, BOOL *Up, BOOL *Running)
{
    struct adapter *a = adapter_get(Adapter, __func__);
    struct nl_sock *nl;
    struct nl_link link;

    if (!a)
        return FALSE;
    if (!Up)
        return bad_parameter(__func__, "Up is NULL");
    if (!begin(a, &nl, &link))
        return FALSE;
    *Up = (link.flags & IFF_UP) ? TRUE : FALSE;
    if (Running)
        *Running = (link.flags & IFF_UP) && link.carrier ? TRUE : FALSE;
    return finish(nl, TRUE);
}

/* ------------------------------------------------------------------
 * Routes
 * ---------------------------------------------------------------- */

static BOOL change_route(WINTUN_ADAPTER_HANDLE handle, const LINTUN_ROUTE *route, bool add,
                         const char *func)
{
    struct adapter *a = adapter_get(handle, func);
    struct nl_route nr;
    struct nl_sock *nl;
    struct nl_link link;
    char text[64];
    int err;

    if (!a)
        return FALSE;
    if (!route || !format_address(&route->Destination, text))
        return bad_parameter(func, "Route is NULL or has a bad family or prefix length");
    if (!host_bits_clear(&route->Destination)) {
        fail(ERROR_INVALID_PARAMETER, "%s: destination %s has host bits set", func, text);
        return FALSE;
    }
    if (!begin(a, &nl, &link))
        return FALSE;
    to_nl_addr(&route->Destination, &nr.dst);
    nr.metric = route->Metric;
    err = add ? nl_route_add(nl, link.ifindex, &nr) : nl_route_del(nl, link.ifindex, &nr);
    if (err)
        return finish(nl, report(nl, err, !add, "Failed to %s route to %s metric %u via %s",
                                 add ? "add" : "delete", text, route->Metric, link.ifname));
    return finish(nl, TRUE);
}

LINTUN_EXPORT BOOL LintunAddRoute(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route)
{
    return change_route(Adapter, Route, true, __func__);
}

LINTUN_EXPORT BOOL LintunDeleteRoute(WINTUN_ADAPTER_HANDLE Adapter, const LINTUN_ROUTE *Route)
{
    return change_route(Adapter, Route, false, __func__);
}

LINTUN_EXPORT BOOL LintunGetRoutes(WINTUN_ADAPTER_HANDLE Adapter, LINTUN_ROUTE *Routes,
                                   DWORD *Count)
{
    return get_list(Adapter, Routes, Count, &routes, __func__);
}

/* ------------------------------------------------------------------
 * Enumeration
 * ---------------------------------------------------------------- */

struct enum_ctx {
    LINTUN_ENUM_CALLBACK *cb;
    LPARAM param;
    LINTUN_ADAPTER_INFO info;
};

static int enum_link_cb(const struct nl_link *link, void *arg)
{
    struct enum_ctx *e = arg;

    /* This library's adapters are the links whose alias it wrote. */
    if (adapter_parse_alias(link->alias, NULL, NULL, NULL, 0) < 0)
        return 0;
    adapter_info_from_link(link, &e->info);
    return e->cb(&e->info, e->param) ? 0 : 1;
}

LINTUN_EXPORT BOOL LintunEnumAdapters(LINTUN_ENUM_CALLBACK *Callback, LPARAM Param)
{
    struct enum_ctx *e;
    struct nl_sock *nl;
    int err;

    if (!Callback)
        return bad_parameter(__func__, "Callback is NULL");
    e = calloc(1, sizeof(*e));
    if (!e) {
        fail(ERROR_NOT_ENOUGH_MEMORY, "%s: out of memory", __func__);
        return FALSE;
    }
    e->cb = Callback;
    e->param = Param;
    err = nl_open(&nl);
    if (!err) {
        err = nl_link_dump(nl, enum_link_cb, e);
        if (err)
            fail_errno(ERROR_GEN_FAILURE, -err, "Failed to list network interfaces%s",
                       err == -EAGAIN ? " (they kept changing while read)" : "");
        nl_close(nl);
    } else {
        fail_errno(ERROR_GEN_FAILURE, -err, "Failed to open a netlink socket");
    }
    free(e);
    return err ? FALSE : TRUE;
}
