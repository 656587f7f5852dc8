/* SPDX-License-Identifier: MIT */
/*
 * lintun - list, inspect and configure the adapters of liblintun.
 *
 *   lintun list [--json]
 *   lintun show NAME [--json]
 *   lintun addr add|del NAME ADDRESS[/PREFIX]
 *   lintun route add|del NAME DESTINATION/PREFIX [metric N]
 *   lintun mtu NAME MTU
 *   lintun up|down NAME
 *
 * Exit status: 0 done, 1 the operation failed (the library's reason goes to
 * stderr), 2 usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wintun.h>

#define EXIT_USAGE 2

static const char usage_text[] = "usage: lintun list [--json]\n"
                                 "       lintun show NAME [--json]\n"
                                 "       lintun addr add|del NAME ADDRESS[/PREFIX]\n"
                                 "       lintun route add|del NAME DESTINATION/PREFIX [metric N]\n"
                                 "       lintun mtu NAME MTU\n"
                                 "       lintun up|down NAME\n"
                                 "       lintun --help | --version\n";

static const char help_text[] =
    "\n"
    "List, inspect and configure the adapters of liblintun (the Wintun API on\n"
    "Linux) in the current network namespace.\n"
    "\n"
    "  list           every adapter: full name, interface, tunnel type, GUID,\n"
    "                 LUID, interface index and state\n"
    "  show NAME      one adapter (by its full name, case-insensitively): its\n"
    "                 addresses, routes, MTU and state\n"
    "  --json         print JSON instead of aligned text\n"
    "  addr, route, mtu, up, down\n"
    "                 change the adapter (needs CAP_NET_ADMIN)\n"
    "\n"
    "Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.\n";

/* The library's last error line (at most 1023 characters of UTF-8), shown when a call fails. */
static char last_log[4 * 1024];

/* LintunWideToUtf8 never logs, so the logger may call it. */
static void WINAPI logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    (void)ts;
    if (level == WINTUN_LOG_ERR && !LintunWideToUtf8(msg, last_log, sizeof(last_log)))
        snprintf(last_log, sizeof(last_log), "(a log line that is not text)");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("lintun: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage_text);
    return EXIT_USAGE;
}

/* Report a failed library call with the library's own explanation. */
static int failed(const char *what)
{
    if (last_log[0])
        fprintf(stderr, "lintun: %s: %s\n", what, last_log);
    else
        fprintf(stderr, "lintun: %s (error %u)\n", what, LintunGetLastError());
    return 1;
}

/* ------------------------------------------------------------------
 * Output helpers
 * ---------------------------------------------------------------- */

/*
 * A JSON string. Names come from the library as UTF-8; an interface name
 * renamed by hand may not be UTF-8, and then its non-ASCII bytes become U+FFFD.
 */
static void json_string(const char *s)
{
    WCHAR check[MAX_ADAPTER_NAME * 4];
    bool utf8 = LintunUtf8ToWide(s, check, MAX_ADAPTER_NAME * 4);

    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80 && !utf8)
            printf("\\ufffd");
        else if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void wide_to_utf8(const WCHAR *in, char *out, size_t size)
{
    if (!LintunWideToUtf8(in, out, size))
        snprintf(out, size, "?");
}

static void guid_to_text(const GUID *g, char out[LINTUN_GUID_STRING_SIZE])
{
    LintunGuidToString(g, out, LINTUN_GUID_STRING_SIZE);
}

/* Characters (not bytes) of a UTF-8 string, for aligning columns. */
static int text_width(const char *s)
{
    int n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static void print_padded(const char *s, int width)
{
    printf("%s%*s", s, width - text_width(s), "");
}

/* ------------------------------------------------------------------
 * list
 * ---------------------------------------------------------------- */

struct row {
    WCHAR wname[MAX_ADAPTER_NAME];
    char name[MAX_ADAPTER_NAME * 4];
    char ifname[16];
    char type[MAX_ADAPTER_NAME * 4];
    char guid[LINTUN_GUID_STRING_SIZE];
    char luid[24];
    char index[12];
    const char *state;
    bool up, running;
};

struct table {
    struct row *rows;
    size_t n, cap;
};

static const char *state_text(bool up, bool running)
{
    return running ? "running" : up ? "up" : "down";
}

/* The link state read from the kernel; "unknown" when the adapter vanished. */
static void row_state(struct row *r)
{
    WINTUN_ADAPTER_HANDLE a = WintunOpenAdapter(r->wname);
    BOOL up, running;

    r->state = "unknown";
    if (!a)
        return;
    if (LintunGetLinkState(a, &up, &running)) {
        r->up = up;
        r->running = running;
        r->state = state_text(r->up, r->running);
    }
    WintunCloseAdapter(a);
}

static BOOL add_row(const LINTUN_ADAPTER_INFO *info, LPARAM param)
{
    struct table *t = (struct table *)param;
    struct row *r;

    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct row *rows = realloc(t->rows, cap * sizeof(*rows));

        if (!rows)
            return FALSE;
        t->rows = rows;
        t->cap = cap;
    }
    r = memset(&t->rows[t->n++], 0, sizeof(*r));
    memcpy(r->wname, info->Name, sizeof(r->wname));
    wide_to_utf8(info->Name, r->name, sizeof(r->name));
    wide_to_utf8(info->TunnelType, r->type, sizeof(r->type));
    snprintf(r->ifname, sizeof(r->ifname), "%s", info->IfName);
    guid_to_text(&info->Guid, r->guid);
    snprintf(r->luid, sizeof(r->luid), "0x%016llx", (unsigned long long)info->Luid.Value);
    snprintf(r->index, sizeof(r->index), "%u", info->IfIndex);
    return TRUE;
}

static void list_json(const struct table *t)
{
    printf("[");
    for (size_t i = 0; i < t->n; i++) {
        const struct row *r = &t->rows[i];

        printf("%s\n  {\"name\": ", i ? "," : "");
        json_string(r->name);
        printf(", \"interface\": ");
        json_string(r->ifname);
        printf(", \"tunnel_type\": ");
        json_string(r->type);
        printf(", \"guid\": \"%s\", \"luid\": \"%s\", \"ifindex\": %s, \"state\": \"%s\", "
               "\"up\": %s, \"running\": %s}",
               r->guid, r->luid, r->index, r->state, r->up ? "true" : "false",
               r->running ? "true" : "false");
    }
    printf("%s]\n", t->n ? "\n" : "");
}

static void list_text(const struct table *t)
{
    static const char *heads[] = {"NAME", "INTERFACE", "TYPE", "GUID", "LUID", "INDEX", "STATE"};
    int w[7];

    for (int c = 0; c < 7; c++)
        w[c] = text_width(heads[c]);
    for (size_t i = 0; i < t->n; i++) {
        const struct row *r = &t->rows[i];
        const char *cells[] = {r->name, r->ifname, r->type, r->guid, r->luid, r->index, r->state};

        for (int c = 0; c < 7; c++)
            if (text_width(cells[c]) > w[c])
                w[c] = text_width(cells[c]);
    }
    for (int c = 0; c < 6; c++) {
        print_padded(heads[c], w[c] + 2);
    }
    printf("%s\n", heads[6]);
    for (size_t i = 0; i < t->n; i++) {
        const struct row *r = &t->rows[i];
        const char *cells[] = {r->name, r->ifname, r->type, r->guid, r->luid, r->index};

        for (int c = 0; c < 6; c++)
            print_padded(cells[c], w[c] + 2);
        printf("%s\n", r->state);
    }
}

static int cmd_list(bool json)
{
    struct table t = {NULL, 0, 0};

    if (!LintunEnumAdapters(add_row, (LPARAM)&t)) {
        free(t.rows);
        return failed("cannot list adapters");
    }
    for (size_t i = 0; i < t.n; i++)
        row_state(&t.rows[i]);
    if (json)
        list_json(&t);
    else if (t.n)
        list_text(&t);
    else
        printf("no adapters\n");
    free(t.rows);
    return 0;
}

/* ------------------------------------------------------------------
 * show
 * ---------------------------------------------------------------- */

/* Open an adapter by its UTF-8 full name; prints the error and returns NULL. */
static WINTUN_ADAPTER_HANDLE open_adapter(const char *name)
{
    WCHAR wname[MAX_ADAPTER_NAME];
    WINTUN_ADAPTER_HANDLE a;

    if (!LintunUtf8ToWide(name, wname, MAX_ADAPTER_NAME)) {
        fprintf(stderr, "lintun: no adapter named '%s'\n", name);
        return NULL;
    }
    a = WintunOpenAdapter(wname);
    if (!a && LintunGetLastError() == ERROR_NOT_FOUND)
        fprintf(stderr, "lintun: no adapter named '%s'\n", name);
    else if (!a)
        failed("cannot open the adapter");
    return a;
}

struct details {
    LINTUN_ADAPTER_INFO info;
    DWORD mtu;
    BOOL up, running;
    LINTUN_IP_ADDRESS *addrs;
    DWORD n_addrs;
    LINTUN_ROUTE *routes;
    DWORD n_routes;
};

/* Fetch a list whose length is unknown: ask for the count, then the items. */
static BOOL get_addresses(WINTUN_ADAPTER_HANDLE a, struct details *d)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        DWORD n = d->n_addrs;

        if (LintunGetAddresses(a, d->addrs, &n)) {
            d->n_addrs = n;
            return TRUE;
        }
        if (LintunGetLastError() != ERROR_MORE_DATA)
            return FALSE;
        free(d->addrs);
        d->addrs = calloc(n, sizeof(*d->addrs));
        d->n_addrs = d->addrs ? n : 0;
    }
    return FALSE;
}

static BOOL get_routes(WINTUN_ADAPTER_HANDLE a, struct details *d)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        DWORD n = d->n_routes;

        if (LintunGetRoutes(a, d->routes, &n)) {
            d->n_routes = n;
            return TRUE;
        }
        if (LintunGetLastError() != ERROR_MORE_DATA)
            return FALSE;
        free(d->routes);
        d->routes = calloc(n, sizeof(*d->routes));
        d->n_routes = d->routes ? n : 0;
    }
    return FALSE;
}

static BOOL get_details(WINTUN_ADAPTER_HANDLE a, struct details *d)
{
    return LintunGetAdapterInfo(a, &d->info) && LintunGetMtu(a, &d->mtu) &&
           LintunGetLinkState(a, &d->up, &d->running) && get_addresses(a, d) && get_routes(a, d);
}

static void format_ip(const LINTUN_IP_ADDRESS *ip, char out[64])
{
    if (!LintunFormatAddress(ip, out, 64))
        snprintf(out, 64, "?");
}

static void show_json(const struct details *d, const char *name, const char *type,
                      const char *guid)
{
    char ip[64];

    printf("{\n  \"name\": ");
    json_string(name);
    printf(",\n  \"interface\": ");
    json_string(d->info.IfName);
    printf(",\n  \"tunnel_type\": ");
    json_string(type);
    printf(",\n  \"guid\": \"%s\",\n  \"luid\": \"0x%016llx\",\n  \"ifindex\": %u,\n"
           "  \"creator_pid\": %u,\n  \"state\": \"%s\",\n  \"up\": %s,\n  \"running\": %s,\n"
           "  \"mtu\": %u,\n  \"addresses\": [",
           guid, (unsigned long long)d->info.Luid.Value, d->info.IfIndex, d->info.CreatorPid,
           state_text(d->up, d->running), d->up ? "true" : "false", d->running ? "true" : "false",
           d->mtu);
    for (DWORD i = 0; i < d->n_addrs; i++) {
        format_ip(&d->addrs[i], ip);
        printf("%s\"%s\"", i ? ", " : "", ip);
    }
    printf("],\n  \"routes\": [");
    for (DWORD i = 0; i < d->n_routes; i++) {
        format_ip(&d->routes[i].Destination, ip);
        printf("%s{\"destination\": \"%s\", \"metric\": %u}", i ? ", " : "", ip,
               d->routes[i].Metric);
    }
    printf("]\n}\n");
}

static void show_text(const struct details *d, const char *name, const char *type,
                      const char *guid)
{
    char ip[64];

    printf("Name:       %s\n", name);
    printf("Interface:  %s (index %u)\n", d->info.IfName, d->info.IfIndex);
    printf("Type:       %s\n", type);
    printf("GUID:       %s\n", guid);
    printf("LUID:       0x%016llx\n", (unsigned long long)d->info.Luid.Value);
    if (d->info.CreatorPid)
        printf("Creator:    pid %u\n", d->info.CreatorPid);
    printf("State:      %s%s\n", state_text(d->up, d->running),
           d->up && !d->running ? " (no session)" : "");
    printf("MTU:        %u\n", d->mtu);
    printf("Addresses:%s\n", d->n_addrs ? "" : "  none");
    for (DWORD i = 0; i < d->n_addrs; i++) {
        format_ip(&d->addrs[i], ip);
        printf("  %s\n", ip);
    }
    printf("Routes:%s\n", d->n_routes ? "" : "     none");
    for (DWORD i = 0; i < d->n_routes; i++) {
        format_ip(&d->routes[i].Destination, ip);
        printf("  %-44s metric %u\n", ip, d->routes[i].Metric);
    }
}

static int cmd_show(const char *name, bool json)
{
    struct details d = {.n_addrs = 0};
    char full[MAX_ADAPTER_NAME * 4], type[MAX_ADAPTER_NAME * 4], guid[LINTUN_GUID_STRING_SIZE];
    WINTUN_ADAPTER_HANDLE a = open_adapter(name);
    int rc = 0;

    if (!a)
        return 1;
    if (!get_details(a, &d)) {
        rc = failed("cannot read the adapter");
        goto close_adapter;
    }
    wide_to_utf8(d.info.Name, full, sizeof(full));
    wide_to_utf8(d.info.TunnelType, type, sizeof(type));
    guid_to_text(&d.info.Guid, guid);
    if (json)
        show_json(&d, full, type, guid);
    else
        show_text(&d, full, type, guid);
close_adapter:
    free(d.addrs);
    free(d.routes);
    WintunCloseAdapter(a);
    return rc;
}

/* ------------------------------------------------------------------
 * Changes
 * ---------------------------------------------------------------- */

static bool parse_u32(const char *s, DWORD *out)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > 0xFFFFFFFFul)
        return false;
    *out = (DWORD)v;
    return true;
}

static int cmd_addr(bool add, const char *name, const char *text)
{
    LINTUN_IP_ADDRESS ip;
    WINTUN_ADAPTER_HANDLE a;
    BOOL ok;

    if (!LintunParseAddress(text, &ip))
        return usage_error("'%s' is not an address (like 10.0.0.1/24 or fd00::1/64)", text);
    a = open_adapter(name);
    if (!a)
        return 1;
    ok = add ? LintunAddAddress(a, &ip) : LintunDeleteAddress(a, &ip);
    WintunCloseAdapter(a);
    return ok ? 0 : failed(add ? "cannot add the address" : "cannot delete the address");
}

static int cmd_route(bool add, const char *name, const char *dst, const char *metric)
{
    LINTUN_ROUTE r = {.Metric = 0};
    WINTUN_ADAPTER_HANDLE a;
    BOOL ok;

    if (!LintunParseAddress(dst, &r.Destination))
        return usage_error("'%s' is not a destination (like 10.1.0.0/16)", dst);
    if (metric && !parse_u32(metric, &r.Metric))
        return usage_error("'%s' is not a metric", metric);
    a = open_adapter(name);
    if (!a)
        return 1;
    ok = add ? LintunAddRoute(a, &r) : LintunDeleteRoute(a, &r);
    WintunCloseAdapter(a);
    return ok ? 0 : failed(add ? "cannot add the route" : "cannot delete the route");
}

static int cmd_mtu(const char *name, const char *value)
{
    WINTUN_ADAPTER_HANDLE a;
    DWORD mtu;
    BOOL ok;

    if (!parse_u32(value, &mtu))
        return usage_error("'%s' is not an MTU", value);
    a = open_adapter(name);
    if (!a)
        return 1;
    ok = LintunSetMtu(a, mtu);
    WintunCloseAdapter(a);
    return ok ? 0 : failed("cannot set the MTU");
}

static int cmd_updown(bool up, const char *name)
{
    WINTUN_ADAPTER_HANDLE a = open_adapter(name);
    BOOL ok;

    if (!a)
        return 1;
    ok = LintunSetLinkUp(a, up);
    WintunCloseAdapter(a);
    return ok ? 0 : failed(up ? "cannot bring the adapter up" : "cannot bring it down");
}

/* ------------------------------------------------------------------
 * Command line
 * ---------------------------------------------------------------- */

/* Take --json out of argv wherever it is; returns the new argc. */
static int take_json(int argc, char **argv, bool *json)
{
    int n = 0;

    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            *json = true;
        else
            argv[n++] = argv[i];
    }
    return n;
}

static int dispatch_change(int argc, char **argv)
{
    const char *cmd = argv[0];

    if (!strcmp(cmd, "addr") && argc == 4 && (!strcmp(argv[1], "add") || !strcmp(argv[1], "del")))
        return cmd_addr(argv[1][0] == 'a', argv[2], argv[3]);
    if (!strcmp(cmd, "route") && (argc == 4 || (argc == 6 && !strcmp(argv[4], "metric"))) &&
        (!strcmp(argv[1], "add") || !strcmp(argv[1], "del")))
        return cmd_route(argv[1][0] == 'a', argv[2], argv[3], argc == 6 ? argv[5] : NULL);
    if (!strcmp(cmd, "mtu") && argc == 3)
        return cmd_mtu(argv[1], argv[2]);
    if ((!strcmp(cmd, "up") || !strcmp(cmd, "down")) && argc == 2)
        return cmd_updown(cmd[0] == 'u', argv[1]);
    if (!strcmp(cmd, "addr") || !strcmp(cmd, "route") || !strcmp(cmd, "mtu") ||
        !strcmp(cmd, "up") || !strcmp(cmd, "down"))
        return usage_error("wrong arguments for '%s'", cmd);
    return usage_error("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    bool json = false;

    argc = take_json(argc - 1, argv + 1, &json);
    argv++;
    WintunSetLogger(logger);
    if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("%s%s", usage_text, help_text);
        return 0;
    }
    if (argc == 1 && !strcmp(argv[0], "--version")) {
        printf("lintun %d.%d\n", LINTUN_VERSION_MAJOR, LINTUN_VERSION_MINOR);
        return 0;
    }
    if (argc == 0)
        return usage_error("no command given");
    if (!strcmp(argv[0], "list"))
        return argc == 1 ? cmd_list(json) : usage_error("'list' takes no arguments");
    if (!strcmp(argv[0], "show"))
        return argc == 2 ? cmd_show(argv[1], json) : usage_error("'show' takes one NAME");
    if (json)
        return usage_error("--json only goes with list and show");
    if (argv[0][0] == '-')
        return usage_error("unknown option '%s'", argv[0]);
    return dispatch_change(argc, argv);
}
