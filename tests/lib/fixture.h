/* SPDX-License-Identifier: MIT */
/*
 * The start-up most kernel tests share, with each test's names, capacity and
 * address at the call site: an adapter in a network namespace of the test's
 * own, then a session (IPv6 off or on, an IPv4 address or none), and a plain
 * TUN interface for the tests that read what the kernel forwards. Every step
 * is required to succeed (a failure ends the test with exit 1, naming the
 * step); a machine without root or /dev/net/tun skips the test (exit 77).
 * Tearing down stays with each test (WintunEndSession, WintunCloseAdapter),
 * since many of them check exactly that.
 */
#ifndef LINTUN_TEST_FIXTURE_H
#define LINTUN_TEST_FIXTURE_H

#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include "net.h"

/*
 * Enter the test's network namespace (once; or skip), send the library's log
 * to @logger (NULL: none), and create adapter @name of tunnel type @type with
 * @guid (NULL: a random one).
 */
static inline WINTUN_ADAPTER_HANDLE fixture_adapter(WINTUN_LOGGER_CALLBACK logger,
                                                    const WCHAR *name, const WCHAR *type,
                                                    const GUID *guid)
{
    require_netns();
    WintunSetLogger(logger);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(name, type, guid);
    if (!a) {
        FAILF("fixture: WintunCreateAdapter(\"%ls\", \"%ls\") failed: last error %u", name, type,
              LintunGetLastError());
        exit(1);
    }
    return a;
}

/* Whether a session's interface keeps IPv6 (see fixture_session). */
enum fixture_ipv6 { FIXTURE_IPV6, FIXTURE_NO_IPV6 };

/*
 * Start a session on @a with rings of @capacity bytes: WintunStartSession
 * when @flags is 0, LintunStartSessionEx with @flags otherwise. Before it,
 * FIXTURE_NO_IPV6 turns IPv6 off on the interface (best effort: a kernel
 * may have none), so no router solicitation or multicast report lands in the
 * ring when the link comes up. After it, @ipv4 ("10.9.0.1/24", or NULL for
 * none) is given to the interface with iproute2 (`ip addr add`).
 */
static inline WINTUN_SESSION_HANDLE fixture_session(WINTUN_ADAPTER_HANDLE a, DWORD capacity,
                                                    DWORD flags, enum fixture_ipv6 ipv6,
                                                    const char *ipv4)
{
    LINTUN_ADAPTER_INFO info = {.IfName = ""};
    if ((ipv6 == FIXTURE_NO_IPV6 || ipv4) && !LintunGetAdapterInfo(a, &info)) {
        FAILF("fixture: LintunGetAdapterInfo failed: last error %u", LintunGetLastError());
        exit(1);
    }
    if (ipv6 == FIXTURE_NO_IPV6)
        sh("sysctl -qw net.ipv6.conf.%s.disable_ipv6=1", info.IfName);
    WINTUN_SESSION_HANDLE s = flags ? LintunStartSessionEx(a, capacity, flags)
                                    : WintunStartSession(a, capacity);
    if (!s) {
        FAILF("fixture: starting a session (capacity 0x%x, flags 0x%x) failed: last error %u",
              capacity, flags, LintunGetLastError());
        exit(1);
    }
    if (ipv4 && sh("ip addr add %s dev %s", ipv4, info.IfName) != 0) {
        FAILF("fixture: ip addr add %s dev %s failed", ipv4, info.IfName);
        exit(1);
    }
    return s;
}

/*
 * A plain TUN interface @name (no offload, non-blocking) for packets the
 * kernel forwards out of the test's namespace; its queue.
 */
static inline int fixture_plain_tun(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    REQUIRE(fd >= 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    REQUIRE(ioctl(fd, TUNSETIFF, &ifr) == 0);
    return fd;
}

#endif
