/* SPDX-License-Identifier: MIT */
/* Adapter names: validation, UTF-8, derived interface names, case folding. */
#include "adapter.h"
#include "harness.h"
#include "text.h"

static void derive(const char *name, unsigned attempt, const char *want)
{
    char out[16];
    text_derive_ifname(name, attempt, out);
    if (strcmp(out, want))
        FAILF("derive(\"%s\", %u) = \"%s\", want \"%s\"", name, attempt, out, want);
    CHECK(text_is_ifname(out));
}

int main(void)
{
    CHECK(text_is_ifname("OfficeNet"));
    CHECK(text_is_ifname("a-b_c.1"));
    CHECK(!text_is_ifname("Data Center"));
    CHECK(!text_is_ifname("a/b"));
    CHECK(!text_is_ifname("abcdefghijklmnop")); /* 16 bytes */
    CHECK(text_is_ifname("abcdefghijklmno"));   /* 15 */
    CHECK(!text_is_ifname("."));
    CHECK(!text_is_ifname(".."));
    CHECK(!text_is_ifname("a:b"));
    derive("Data Center", 0, "Data_Center");
    derive("Data Center", 3, "Data_Center~3");
    derive("A very long adapter name", 0, "A_very_long_ada");
    derive("A very long adapter name", 12, "A_very_long_~12");
    derive("caf\xc3\xa9/x", 0, "caf_x");
    derive("\xc3\xa9\xc3\xa9", 0, "lintun");
    derive("..", 0, "_.");

    char buf[128];
    CHECK_EQ(text_to_utf8(L"Data Center", 127, buf, sizeof(buf)), 0);
    CHECK(!strcmp(buf, "Data Center"));
    CHECK_EQ(text_to_utf8(L"", 127, buf, sizeof(buf)), -EINVAL);
    CHECK_EQ(text_to_utf8(L"a\nb", 127, buf, sizeof(buf)), -EINVAL);
    WCHAR bad[] = {L'a', (WCHAR)0xd800, 0};
    CHECK_EQ(text_to_utf8(bad, 127, buf, sizeof(buf)), -EINVAL);
    WCHAR c1[] = {L'a', (WCHAR)0x85, 0}; /* NEXT LINE, a C1 control character */
    CHECK_EQ(text_to_utf8(c1, 127, buf, sizeof(buf)), -EINVAL);
    CHECK_EQ(text_to_utf8(L"caf\u00e9", 127, buf, sizeof(buf)), 0);
    WCHAR big[] = {L'a', (WCHAR)0x110000, 0};
    CHECK_EQ(text_to_utf8(big, 127, buf, sizeof(buf)), -EINVAL);
    WCHAR long_name[129];
    wmemset(long_name, L'n', 128);
    long_name[128] = 0;
    CHECK_EQ(text_to_utf8(long_name, 127, buf, sizeof(buf)), -ENAMETOOLONG);
    long_name[127] = 0;
    CHECK_EQ(text_to_utf8(long_name, 127, buf, sizeof(buf)), 0);
    /* 127 characters of two bytes each do not fit an altname's 127 bytes. */
    wmemset(long_name, 0xe9, 127);
    CHECK_EQ(text_to_utf8(long_name, 127, buf, sizeof(buf)), -ENAMETOOLONG);

    WCHAR w[64];
    CHECK_EQ(text_from_utf8("caf\xc3\xa9", w, 64), 0);
    CHECK(wcscmp(w, L"caf\u00e9") == 0);
    CHECK_EQ(text_from_utf8("\xff", w, 64), -EINVAL);
    CHECK(text_equal_nocase(L"Data Center", L"dATA cENTER"));
    CHECK(text_equal_nocase(L"CAF\u00c9", L"caf\u00e9"));
    CHECK(!text_equal_nocase(L"Data", L"Data Center"));
    return test_done();
}
