/* SPDX-License-Identifier: MIT */
/*
 * LintunParseAddress / LintunFormatAddress: both families, default prefix
 * lengths, round trips, and refusals (prefix 33 and 129, signs, spaces,
 * empty prefix, garbage, NULL, a buffer one byte short). No kernel needed.
 */
#include "harness.h"

static void round_trip(const char *in, const char *want)
{
    LINTUN_IP_ADDRESS ip;
    char buf[64];

    LintunSetLastError(4242);
    if (!LintunParseAddress(in, &ip)) {
        FAILF("LintunParseAddress(\"%s\") failed: %u", in, LintunGetLastError());
        return;
    }
    CHECK(LintunFormatAddress(&ip, buf, sizeof(buf)));
    if (strcmp(buf, want))
        FAILF("\"%s\" formats as \"%s\", want \"%s\"", in, buf, want);
    CHECK_EQ(LintunGetLastError(), 4242);
}

int main(void)
{
    static const char *bad[] = {"",
                                "/24",
                                "10.0.0.1/",
                                "10.0.0.1/33",
                                "10.0.0.1/-1",
                                "10.0.0.1/+8",
                                "10.0.0.1/ 8",
                                "10.0.0.1/8 ",
                                "10.0.0.256",
                                "fd00::1/129",
                                "fd00::1/0129",
                                "fd00:::1",
                                "hello",
                                "10.0.0.1/24/8",
                                "fe80::1%lo",
                                "10.0.0.1/1000"};
    LINTUN_IP_ADDRESS ip;
    char buf[64];

    round_trip("10.6.7.7/24", "10.6.7.7/24");
    round_trip("10.6.7.7", "10.6.7.7/32");
    round_trip("0.0.0.0/0", "0.0.0.0/0");
    round_trip("fd00::1/64", "fd00::1/64");
    round_trip("FD00:0:0::1", "fd00::1/128");
    round_trip("::/0", "::/0");
    round_trip("::ffff:10.1.2.3/96", "::ffff:10.1.2.3/96");
    round_trip("10.0.0.1/032", "10.0.0.1/32");

    REQUIRE(LintunParseAddress("192.168.1.2/17", &ip));
    CHECK_EQ(ip.Family, AF_INET);
    CHECK_EQ(ip.PrefixLength, 17);
    CHECK_EQ(ntohl(ip.Address.V4.s_addr), 0xc0a80102);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        LintunSetLastError(0);
        if (LintunParseAddress(bad[i], &ip) || LintunGetLastError() != ERROR_INVALID_PARAMETER)
            FAILF("\"%s\" was not refused with ERROR_INVALID_PARAMETER", bad[i]);
    }
    CHECK_ERR(LintunParseAddress(NULL, &ip), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunParseAddress("10.0.0.1", NULL), ERROR_INVALID_PARAMETER);

    REQUIRE(LintunParseAddress("10.0.0.1/8", &ip));
    CHECK_ERR(LintunFormatAddress(&ip, buf, strlen("10.0.0.1/8")), ERROR_BUFFER_OVERFLOW);
    CHECK(LintunFormatAddress(&ip, buf, strlen("10.0.0.1/8") + 1));
    CHECK_ERR(LintunFormatAddress(NULL, buf, sizeof(buf)), ERROR_INVALID_PARAMETER);
    CHECK_ERR(LintunFormatAddress(&ip, NULL, 64), ERROR_INVALID_PARAMETER);
    ip.PrefixLength = 33;
    CHECK_ERR(LintunFormatAddress(&ip, buf, sizeof(buf)), ERROR_INVALID_PARAMETER);
    ip.Family = AF_INET6;
    ip.PrefixLength = 129;
    CHECK_ERR(LintunFormatAddress(&ip, buf, sizeof(buf)), ERROR_INVALID_PARAMETER);
    ip.Family = 12345;
    ip.PrefixLength = 0;
    CHECK_ERR(LintunFormatAddress(&ip, buf, sizeof(buf)), ERROR_INVALID_PARAMETER);
    return test_done();
}
