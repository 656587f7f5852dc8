/* SPDX-License-Identifier: MIT */
/*
 * LintunGuidToString / LintunStringToGuid and LintunWideToUtf8 /
 * LintunUtf8ToWide: round trips, the accepted GUID forms (braces or none,
 * either case) and the refused ones, invalid UTF-8 and UTF-32, buffers one
 * short, last errors, and that none of them logs. No kernel needed.
 */
#include "harness.h"

static int log_lines;

static void WINAPI count_logs(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    (void)level, (void)ts, (void)msg;
    log_lines++;
}

static const GUID sample = {
    0xdeadbabe, 0xcafe, 0xbeef, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
#define SAMPLE_TEXT "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}"

static void guids(void)
{
    static const char *good[] = {SAMPLE_TEXT, "deadbabe-cafe-beef-0123-456789abcdef",
                                 "{deadBABE-cafe-BEEF-0123-456789abcDEF}"};
    static const char *bad[] = {"",
                                "{}",
                                "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF",
                                "DEADBABE-CAFE-BEEF-0123-456789ABCDEF}",
                                " {DEADBABE-CAFE-BEEF-0123-456789ABCDEF}",
                                "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF} ",
                                "{DEADBABE-CAFE-BEEF-0123-456789ABCDE}",
                                "{DEADBABE-CAFE-BEEF-0123-456789ABCDEF0}",
                                "{DEADBABECAFE-BEEF-0123-456789ABCDEF}",
                                "{DEADBABE-CAFE-BEEF-0123-456789ABCDEG}",
                                "{0xADBABE-CAFE-BEEF-0123-456789ABCDEF}",
                                "{+EADBABE-CAFE-BEEF-0123-456789ABCDEF}",
                                "deadbabecafebeef0123456789abcdef"};
    char text[LINTUN_GUID_STRING_SIZE + 1];
    GUID g;

    REQUIRE(LintunGuidToString(&sample, text, LINTUN_GUID_STRING_SIZE));
    if (strcmp(text, SAMPLE_TEXT))
        FAILF("GUID text \"%s\", want \"%s\"", text, SAMPLE_TEXT);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        memset(&g, 0, sizeof(g));
        if (!LintunStringToGuid(good[i], &g) || memcmp(&g, &sample, sizeof(g)))
            FAILF("\"%s\" does not parse as the sample GUID", good[i]);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        g = sample;
        LintunSetLastError(0);
        if (LintunStringToGuid(bad[i], &g) || LintunGetLastError() != ERROR_INVALID_PARAMETER)
            FAILF("\"%s\" parsed as a GUID (or wrong error %u)", bad[i], LintunGetLastError());
        if (memcmp(&g, &sample, sizeof(g)))
            FAILF("\"%s\": the GUID was changed on failure", bad[i]);
    }
    memset(text, 'x', sizeof(text));
    CHECK_ERR(LintunGuidToString(&sample, text, LINTUN_GUID_STRING_SIZE - 1),
              ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(text[0], 'x');
    CHECK_ERR(LintunGuidToString(NULL, text, sizeof(text)), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunGuidToString(&sample, NULL, sizeof(text)), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunStringToGuid(NULL, &g), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunStringToGuid(SAMPLE_TEXT, NULL), ERROR_INVALID_PARAMETER);
}

static void utf8(void)
{
    /* A, e-acute, the euro sign, a hot beverage, U+10FFFF: 1 to 4 bytes each. */
    static const WCHAR wide[] = {'A', 0xe9, 0x20ac, 0x2615, 0x10ffff, 0};
    static const char bytes[] = "A\xc3\xa9\xe2\x82\xac\xe2\x98\x95\xf4\x8f\xbf\xbf";
    static const char *bad[] = {"\x80",
                                "a\xc3",
                                "\xc3(",
                                "\xc0\x80",
                                "\xe0\x80\x80",
                                "\xf0\x80\x80\x80",
                                "\xed\xa0\x80",
                                "\xf4\x90\x80\x80",
                                "\xf8\x88\x80\x80\x80",
                                "\xff"};
    static const WCHAR bad_wide[][2] = {{0xd800, 0}, {0xdfff, 0}, {0x110000, 0}};
    char out[sizeof(bytes)];
    WCHAR back[6];

    REQUIRE(LintunWideToUtf8(wide, out, sizeof(out)));
    CHECK(!strcmp(out, bytes));
    REQUIRE(LintunUtf8ToWide(bytes, back, 6));
    CHECK(!memcmp(back, wide, sizeof(wide)));
    CHECK(LintunUtf8ToWide("", back, 1) && back[0] == 0);
    CHECK(LintunWideToUtf8(L"", out, 1) && out[0] == 0);

    CHECK_ERR(LintunWideToUtf8(wide, out, sizeof(out) - 1), ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(out[0], 0);
    CHECK_ERR(LintunUtf8ToWide(bytes, back, 5), ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(back[0], 0);
    CHECK_ERR(LintunUtf8ToWide(bytes, back, 0), ERROR_BUFFER_OVERFLOW);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        LintunSetLastError(0);
        if (LintunUtf8ToWide(bad[i], back, 6) || LintunGetLastError() != ERROR_INVALID_PARAMETER)
            FAILF("invalid UTF-8 #%zu accepted (or wrong error %u)", i, LintunGetLastError());
    }
    for (size_t i = 0; i < sizeof(bad_wide) / sizeof(bad_wide[0]); i++)
        CHECK_ERR(LintunWideToUtf8(bad_wide[i], out, sizeof(out)), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunWideToUtf8(NULL, out, sizeof(out)), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunUtf8ToWide(NULL, back, 6), ERROR_INVALID_PARAMETER);
}

int main(void)
{
    WintunSetLogger(count_logs);
    guids();
    utf8();
    CHECK_EQ(log_lines, 0);
    return test_done();
}
