/* SPDX-License-Identifier: MIT */
/*
 * A program written only against the Wintun documentation (and libc), built
 * with `pkg-config --cflags --libs lintun` against an installed lintun, run
 * as root inside `unshare -n`. Exit 0 when everything behaves as documented.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wintun.h>

static int failures;
#define EXPECT(c)                                                                                 \
    do {                                                                                          \
        if (!(c)) {                                                                               \
            fprintf(stderr, "line %d: %s (last error %u)\n", __LINE__, #c, GetLastError());       \
            failures++;                                                                           \
        }                                                                                         \
    } while (0)

static const GUID SomeFixedGUID1 = {0xdeadbabe, 0xcafe, 0xbeef, {1, 2, 3, 4, 5, 6, 7, 8}};
static const GUID SomeFixedGUID3 = {0xdeadbabe, 0xcafe, 0xbeef, {1, 2, 3, 4, 5, 6, 7, 9}};

static WINTUN_SESSION_HANDLE Session;

static long receive_udp(BYTE *out, int port)
{
    for (int spins = 0; spins < 100; spins++) {
        DWORD IncomingPacketSize;
        BYTE *IncomingPacket = WintunReceivePacket(Session, &IncomingPacketSize);
        if (IncomingPacket) {
            int hit = IncomingPacket[0] == 0x45 && IncomingPacket[9] == 17 &&
                      ((IncomingPacket[22] << 8) | IncomingPacket[23]) == port;
            if (hit)
                memcpy(out, IncomingPacket, IncomingPacketSize);
            WintunReleaseReceivePacket(Session, IncomingPacket);
            if (hit)
                return IncomingPacketSize;
        } else if (GetLastError() == ERROR_NO_MORE_ITEMS)
            WaitForSingleObject(WintunGetReadWaitEvent(Session), 100);
        else
            return -1;
    }
    return -1;
}

static unsigned short csum(const void *p, size_t n, unsigned sum)
{
    const unsigned char *b = p;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (unsigned)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        sum += (unsigned)b[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (unsigned short)~sum;
}

/* An IPv4/UDP packet 10.30.0.2:9 -> 10.30.0.1:port carrying payload. */
static DWORD build_udp(BYTE *p, int port, const void *payload, size_t len)
{
    DWORD n = (DWORD)(28 + len);
    memset(p, 0, 28);
    p[0] = 0x45, p[2] = (BYTE)(n >> 8), p[3] = (BYTE)n, p[8] = 64, p[9] = 17;
    memcpy(p + 12, "\x0a\x1e\x00\x02\x0a\x1e\x00\x01", 8);
    unsigned short c = csum(p, 20, 0);
    p[10] = (BYTE)(c >> 8), p[11] = (BYTE)c;
    p[21] = 9, p[22] = (BYTE)(port >> 8), p[23] = (BYTE)port;
    p[24] = (BYTE)((8 + len) >> 8), p[25] = (BYTE)(8 + len);
    memcpy(p + 28, payload, len);
    unsigned pseudo = 0x0a1e + 0x0002 + 0x0a1e + 0x0001 + 17 + (unsigned)(8 + len);
    c = csum(p + 20, 8 + len, pseudo);
    p[26] = (BYTE)(c >> 8), p[27] = (BYTE)c;
    return n;
}

static void send_udp(int port, const void *payload, size_t len)
{
    BYTE *OutgoingPacket = WintunAllocateSendPacket(Session, (DWORD)(28 + len));
    EXPECT(OutgoingPacket);
    if (OutgoingPacket) {
        build_udp(OutgoingPacket, port, payload, len);
        WintunSendPacket(Session, OutgoingPacket);
    }
}

static void adapters(WINTUN_ADAPTER_HANDLE *Adapter2)
{
    WINTUN_ADAPTER_HANDLE Adapter1 = WintunCreateAdapter(L"OfficeNet", L"Wintun", &SomeFixedGUID1);
    *Adapter2 = WintunCreateAdapter(L"HomeNet", L"Wintun", NULL);
    WINTUN_ADAPTER_HANDLE Adapter3 = WintunCreateAdapter(L"Data Center", L"Wintun",
                                                         &SomeFixedGUID3);
    EXPECT(Adapter1 && *Adapter2 && Adapter3);
    EXPECT(system("ip link show OfficeNet >/dev/null") == 0);
    WINTUN_ADAPTER_HANDLE Opened = WintunOpenAdapter(L"data center");
    EXPECT(Opened);
    NET_LUID a, b;
    WintunGetAdapterLUID(Adapter3, &a);
    WintunGetAdapterLUID(Opened, &b);
    EXPECT(a.Value == b.Value && a.Info.IfType == 53 && a.Info.NetLuidIndex > 1);
    WintunGetAdapterLUID(Adapter1, &a);
    EXPECT(a.Info.NetLuidIndex == if_nametoindex("OfficeNet"));
    WintunCloseAdapter(Opened);
    EXPECT(!WintunOpenAdapter(L"NoSuchNet") && GetLastError() == ERROR_NOT_FOUND);
    WintunCloseAdapter(Adapter1);
    WintunCloseAdapter(Adapter3);
    EXPECT(system("ip link show OfficeNet >/dev/null 2>&1") != 0);
}

static void sessions(WINTUN_ADAPTER_HANDLE Adapter2)
{
    EXPECT(!WintunStartSession(Adapter2, 0x1000) && GetLastError() == ERROR_INVALID_PARAMETER);
    EXPECT(!WintunStartSession(Adapter2, 0x30000) && GetLastError() == ERROR_INVALID_PARAMETER);
    Session = WintunStartSession(Adapter2, 0x400000);
    EXPECT(Session);
    EXPECT(!WintunStartSession(Adapter2, 0x400000) && GetLastError() == ERROR_ALREADY_INITIALIZED);
    EXPECT(system("ip addr add 10.30.0.1/24 dev HomeNet") == 0);
}

static void traffic(void)
{
    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(4000)};
    inet_pton(AF_INET, "10.30.0.1", &me.sin_addr);
    EXPECT(bind(sock, (struct sockaddr *)&me, sizeof(me)) == 0);
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(4001)};
    inet_pton(AF_INET, "10.30.0.2", &peer.sin_addr);
    char msg[1000];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (char)(i * 31);
    EXPECT(sendto(sock, msg, sizeof(msg), 0, (struct sockaddr *)&peer, sizeof(peer)) > 0);
    BYTE got[2000];
    EXPECT(receive_udp(got, 4001) == 1028 && memcmp(got + 28, msg, 1000) == 0);
    /* Allocation order: 2 is sent first but waits for 1. */
    BYTE *p1 = WintunAllocateSendPacket(Session, 30), *p2 = WintunAllocateSendPacket(Session, 30);
    build_udp(p1, 4000, "#1", 2);
    build_udp(p2, 4000, "#2", 2);
    WintunSendPacket(Session, p2);
    struct pollfd pf = {.fd = sock, .events = POLLIN};
    EXPECT(poll(&pf, 1, 100) == 0);
    WintunSendPacket(Session, p1);
    char r[8] = {0};
    EXPECT(recv(sock, r, sizeof(r), 0) == 2 && !memcmp(r, "#1", 2));
    EXPECT(recv(sock, r, sizeof(r), 0) == 2 && !memcmp(r, "#2", 2));
    send_udp(4000, msg, sizeof(msg));
    EXPECT(recv(sock, r, sizeof(r), MSG_TRUNC) == 1000);
    close(sock);
}

static void overflow(void)
{
    int n = 0;
    BYTE *held[5000];
    while (n < 5000 && (held[n] = WintunAllocateSendPacket(Session, 1500)))
        n++;
    EXPECT(GetLastError() == ERROR_BUFFER_OVERFLOW);
    EXPECT(n == (0x400000 - 4) / 1504);
    for (int i = 0; i < n; i++) {
        build_udp(held[i], 4002, "x", 1);
        WintunSendPacket(Session, held[i]);
    }
}

static void deletion_and_sigkill(WINTUN_ADAPTER_HANDLE Adapter2)
{
    EXPECT(system("ip link del HomeNet") == 0);
    EXPECT(WaitForSingleObject(WintunGetReadWaitEvent(Session), 100) == WAIT_OBJECT_0);
    DWORD n;
    EXPECT(!WintunReceivePacket(Session, &n) && GetLastError() == ERROR_HANDLE_EOF);
    WintunEndSession(Session);
    WintunCloseAdapter(Adapter2);
    pid_t pid = fork();
    if (pid == 0) {
        if (!WintunCreateAdapter(L"Doomed Net", L"Wintun", NULL))
            _exit(1);
        pause();
    }
    for (int i = 0; i < 100 && system("ip link show Doomed_Net >/dev/null 2>&1") != 0; i++)
        usleep(20000);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    usleep(100000);
    EXPECT(system("ip link show Doomed_Net >/dev/null 2>&1") != 0);
}

int main(void)
{
    EXPECT(WintunGetRunningDriverVersion() != 0);
    WINTUN_ADAPTER_HANDLE Adapter2;
    adapters(&Adapter2);
    sessions(Adapter2);
    traffic();
    overflow();
    deletion_and_sigkill(Adapter2);
    printf("doc-program: %d failure(s)\n", failures);
    return failures != 0;
}
