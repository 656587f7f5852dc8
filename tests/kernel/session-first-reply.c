/* SPDX-License-Identifier: MIT */
/*
 * The very first packet a program sends after WintunStartSession gets its
 * answer: the session does not return before the kernel runs the link (a
 * reply sent while the carrier was still being activated used to be lost
 * about half the time).
 * test-rerun: plain
 */
#include "net.h"
#include "../common/csum.h"
#include "fixture.h"

static void send_echo(WINTUN_SESSION_HANDLE s)
{
    BYTE *p = WintunAllocateSendPacket(s, 28);
    REQUIRE(p);
    memset(p, 0, 28);
    p[0] = 0x45, p[3] = 28, p[8] = 255, p[9] = 1;
    memcpy(p + 12, "\x0a\x06\x07\x08\x0a\x06\x07\x07", 8);
    inet_ip4_set_csum(p);
    p[20] = 8;
    unsigned short c = inet_csum(inet_sum(0, p + 20, 8));
    p[22] = (BYTE)(c >> 8), p[23] = (BYTE)c;
    WintunSendPacket(s, p);
}

static bool got_reply(WINTUN_SESSION_HANDLE s)
{
    double end = now_ms() + 500;
    while (now_ms() < end) {
        DWORD n;
        BYTE *q = WintunReceivePacket(s, &n);
        if (!q) {
            WaitForSingleObject(WintunGetReadWaitEvent(s), 10);
            continue;
        }
        bool hit = (q[0] >> 4) == 4 && q[9] == 1 && q[20] == 0;
        WintunReleaseReceivePacket(s, q);
        if (hit)
            return true;
    }
    return false;
}

int main(void)
{
    int answered = 0;
    for (int round = 0; round < 20; round++) {
        WINTUN_ADAPTER_HANDLE a = fixture_adapter(NULL, L"First", L"Test", NULL);
        LINTUN_IP_ADDRESS addr;
        REQUIRE(LintunParseAddress("10.6.7.7/24", &addr) && LintunAddAddress(a, &addr));
        WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_IPV6, NULL);
        send_echo(s);
        answered += got_reply(s);
        WintunEndSession(s);
        WintunCloseAdapter(a);
    }
    CHECK_EQ(answered, 20);
    return test_done();
}
