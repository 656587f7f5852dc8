/* SPDX-License-Identifier: MIT */
/*
 * Name and TunnelType limits as Wintun's source sets them, counted in UTF-16
 * units: Name of 127 units is accepted, 128 fails with ERROR_BUFFER_OVERFLOW;
 * TunnelType of 128 units ("%s Tunnel" fits MAX_ADAPTER_NAME + 8) is
 * accepted, also empty, 129 fails with ERROR_BUFFER_OVERFLOW, and the type is
 * checked before the name. A character above U+FFFF counts twice. In any
 * script: a CJK Name of 42 characters (126 bytes of UTF-8, within Linux's
 * 127-byte alternative name) is found by another process and listed by
 * `lintun list`; 43 fail with ERROR_BUFFER_OVERFLOW (Linux's documented
 * limit). A 100-character CJK TunnelType is accepted and kept cut, ending in
 * U+2026.
 */
#include "scenario.h"

#define EMOJI 0x1F600 /* above U+FFFF: two UTF-16 units */
#define CJK 0x4E2D

static WCHAR *text(WCHAR *buf, int n, WCHAR c)
{
    wmemset(buf, c, (size_t)n);
    buf[n] = 0;
    return buf;
}

/* Create, check, close; the created handle's info in *info when given. */
static bool creates(const WCHAR *name, const WCHAR *type, LINTUN_ADAPTER_INFO *info)
{
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(name, type, NULL);
    if (!a)
        return false;
    if (info)
        CHECK(LintunGetAdapterInfo(a, info));
    WintunCloseAdapter(a);
    return true;
}

static void counts(void)
{
    WCHAR n[300], t[300];
    CHECK(creates(text(n, 127, L'n'), L"T", NULL));
    CHECK_ERR(WintunCreateAdapter(text(n, 128, L'n'), L"T", NULL), ERROR_BUFFER_OVERFLOW);
    LINTUN_ADAPTER_INFO info;
    CHECK(creates(L"Type128", text(t, 128, L't'), &info));
    CHECK_EQ(wcslen(info.TunnelType), 127); /* the struct holds 127: cut with U+2026 */
    CHECK_EQ(info.TunnelType[126], 0x2026);
    CHECK_ERR(WintunCreateAdapter(L"Type129", text(t, 129, L't'), NULL), ERROR_BUFFER_OVERFLOW);
    CHECK(creates(L"TypeEmpty", L"", &info));
    CHECK(wcscmp(info.TunnelType, L"") == 0);
    CHECK_EQ(sh("ip link show TypeEmpty >/dev/null 2>&1"), 1); /* closed again */
    /* UTF-16 units: 126 + one character above U+FFFF is 128 units. */
    text(t, 127, L't');
    t[126] = EMOJI; /* 127 characters, 128 units */
    CHECK(creates(L"TypeEmoji", t, NULL));
    text(t, 128, L't');
    t[127] = EMOJI; /* 128 characters, 129 units */
    CHECK_ERR(WintunCreateAdapter(L"TypeEmoji", t, NULL), ERROR_BUFFER_OVERFLOW);
    /* The type is checked first, as in Wintun: its error wins. */
    CHECK_ERR(WintunCreateAdapter(text(n, 128, L'n'), text(t, 129, L't'), NULL),
              ERROR_BUFFER_OVERFLOW);
    CHECK_ERR(WintunCreateAdapter(NULL, text(t, 129, L't'), NULL), ERROR_BUFFER_OVERFLOW);
    CHECK_ERR(WintunCreateAdapter(L"", L"bad\ntype", NULL), ERROR_INVALID_PARAMETER);
}

static void any_script(void)
{
    WCHAR n[64], t[128];
    char utf8[256];
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(text(n, 42, CJK), text(t, 100, CJK), NULL);
    REQUIRE(a);
    /* Another process finds it by its full name and sees it whole. */
    pid_t pid = fork();
    if (pid == 0) {
        WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(n);
        LINTUN_ADAPTER_INFO info;
        int rc = !o ? 2 : !LintunGetAdapterInfo(o, &info) ? 3 : wcscmp(info.Name, n) ? 4 : 0;
        WintunCloseAdapter(o);
        _exit(rc);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0);
    /* `lintun list` shows the full name (42 times U+4E2D, e4 b8 ad in UTF-8). */
    size_t k = 0;
    for (int i = 0; i < 42; i++)
        k += (size_t)snprintf(utf8 + k, sizeof(utf8) - k, "\xe4\xb8\xad");
    const char *build = getenv("LINTUN_BUILD");
    CHECK_EQ(sh("%s/lintun list | grep -q '%s'", build ? build : "build", utf8), 0);
    /* The type is kept as far as the alias holds it, cut with U+2026. */
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(a, &info));
    size_t len = wcslen(info.TunnelType);
    CHECK(len > 60 && len < 100);
    CHECK_EQ(info.TunnelType[len - 1], 0x2026);
    CHECK_EQ(info.TunnelType[0], CJK);
    WintunCloseAdapter(a);
    /* 43 CJK characters are 129 bytes: more than an alternative name holds. */
    CHECK_ERR(WintunCreateAdapter(text(n, 43, CJK), L"T", NULL), ERROR_BUFFER_OVERFLOW);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("Tunnel type must be");
    expect_log("Adapter name must be");
    require_netns();
    WintunSetLogger(test_logger);
    counts();
    any_script();
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0); /* only lo is left */
    return test_done();
}
