/* SPDX-License-Identifier: MIT */
/*
 * A program that links liblintun.a statically and has functions of its own
 * named like the library's internals (a logger of its own, libnl's
 * nl_open/nl_close, a ring buffer, a session table). It must link, its own
 * functions must be the ones it calls, and the library must still use its
 * own: a failing call logs through WintunSetLogger's callback, not through
 * this program's log_msg or fail. Run by tests/scripts/static-link-no-collision.sh;
 * with the argument "adapter" it also creates an adapter and a session
 * (root, in a network namespace of the script's making).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wintun.h>

struct nl_sock {
    int fd;
};
struct ring {
    unsigned int size;
};

static int own_calls;

/* The program's own functions, with the names (and, for nl_*, libnl's signatures). */
void log_msg(int level, const char *fmt, ...);
void log_msg(int level, const char *fmt, ...)
{
    (void)level;
    (void)fmt;
    own_calls++;
}

int fail(const char *why);
int fail(const char *why)
{
    fprintf(stderr, "FAIL: %s\n", why);
    exit(1);
}

DWORD fail_errno(DWORD code, int err, const char *fmt, ...);
DWORD fail_errno(DWORD code, int err, const char *fmt, ...)
{
    (void)err;
    (void)fmt;
    own_calls++;
    return code;
}

struct nl_sock *nl_open(void);
struct nl_sock *nl_open(void)
{
    static struct nl_sock sock = {.fd = -1};
    own_calls++;
    return &sock;
}

void nl_close(struct nl_sock *sk);
void nl_close(struct nl_sock *sk)
{
    (void)sk;
    own_calls++;
}

void ring_init(struct ring *r, unsigned int size);
void ring_init(struct ring *r, unsigned int size)
{
    r->size = size;
    own_calls++;
}

void *session_get(int id);
void *session_get(int id)
{
    (void)id;
    own_calls++;
    return NULL;
}

int text_to_utf8(const char *in);
int text_to_utf8(const char *in)
{
    (void)in;
    own_calls++;
    return 0;
}

void set_last_error(int code);
void set_last_error(int code)
{
    (void)code;
    own_calls++;
}

int offload_split(void);
int offload_split(void)
{
    own_calls++;
    return 0;
}

static int library_log_lines;

static void WINAPI logger(WINTUN_LOGGER_LEVEL level, DWORD64 timestamp, const WCHAR *message)
{
    char text[4096];

    (void)timestamp;
    if (level == WINTUN_LOG_ERR && LintunWideToUtf8(message, text, sizeof(text)))
        library_log_lines++;
}

static void expect(int ok, const char *what)
{
    if (!ok)
        fail(what);
}

static void with_adapter(void)
{
    static const GUID guid = {
        0xdeadbabe, 0xcafe, 0xbeef, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"static0", L"Static", &guid);
    WINTUN_SESSION_HANDLE s;
    NET_LUID luid;

    expect(a != NULL, "WintunCreateAdapter");
    WintunGetAdapterLUID(a, &luid);
    expect(luid.Info.IfType == IF_TYPE_PROP_VIRTUAL, "LUID");
    s = WintunStartSession(a, WINTUN_MIN_RING_CAPACITY);
    expect(s != NULL, "WintunStartSession");
    expect(WintunGetReadWaitEvent(s) != NULL, "WintunGetReadWaitEvent");
    WintunEndSession(s);
    WintunCloseAdapter(a);
}

int main(int argc, char **argv)
{
    struct ring r;
    LINTUN_IP_ADDRESS ip;
    GUID g;
    char text[LINTUN_GUID_STRING_SIZE];

    /* The program's own functions run when it calls them. */
    log_msg(0, "mine");
    nl_close(nl_open());
    ring_init(&r, 64);
    expect(session_get(1) == NULL && text_to_utf8("x") == 0 && offload_split() == 0,
           "own functions");
    set_last_error(0);
    expect(fail_errno(7, 0, "mine") == 7, "own fail_errno");
    expect(own_calls == 9, "each of the program's own functions ran once");

    /* The library still runs its own internals: a failure logs through the callback. */
    WintunSetLogger(logger);
    expect(!LintunParseAddress("not an address", &ip), "LintunParseAddress refuses junk");
    expect(LintunGetLastError() == ERROR_INVALID_PARAMETER, "last error of a failed parse");
    expect(library_log_lines == 1, "the library logged the failure through the callback");
    expect(own_calls == 9, "the library called none of the program's functions");
    expect(LintunParseAddress("10.0.0.1/24", &ip) && ip.PrefixLength == 24, "parse");
    expect(LintunStringToGuid("deadbabe-cafe-beef-0123-456789abcdef", &g), "GUID parse");
    expect(LintunGuidToString(&g, text, sizeof(text)), "GUID format");
    expect(!strcmp(text, "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}"), "GUID text");

    if (argc > 1 && !strcmp(argv[1], "adapter"))
        with_adapter();
    expect(own_calls == 9, "the library called none of the program's functions");
    printf("static link: ok%s\n", argc > 1 ? " (with an adapter)" : "");
    return 0;
}
