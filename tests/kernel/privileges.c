/* SPDX-License-Identifier: MIT */
/*
 * Privileges, in the test's own network namespace, with forked children that
 * drop to unprivileged users (setgroups, setgid, setuid: no capabilities):
 *   - without CAP_NET_ADMIN, creating and configuring give
 *     ERROR_ACCESS_DENIED, and the log line says CAP_NET_ADMIN is missing;
 *     reading the configuration and opening adapters work;
 *   - an adapter whose creator set LintunSetAdapterOwner(65534, 65534) lets
 *     that user start a session and move packets both ways after dropping
 *     privileges, in the creating process (on the creating handle) and in
 *     another process (on an opened handle); with a group set as well, the
 *     process must be that user and in that group;
 *   - an adapter nobody gave away belongs to its creator's user: an
 *     unprivileged process cannot start a session on it;
 *   - any other unprivileged user (65533) is refused with
 *     ERROR_ACCESS_DENIED and a log line;
 *   - every descriptor the library opens (adapter, session, in the creator
 *     and in another process) is close-on-exec.
 */
#include <grp.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include "net.h"
#include "offload-pkt.h"

#define NOBODY 65534
#define OTHER 65533

/* The log, kept so checks can ask what it said. */
static char logbuf[16384];
static size_t loglen;

static void keep_log(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    char line[1100];
    int n = snprintf(line, sizeof(line), "%ls\n", msg);
    test_logger(level, ts, msg);
    if (n > 0 && loglen + (size_t)n < sizeof(logbuf)) {
        memcpy(logbuf + loglen, line, (size_t)n);
        loglen += (size_t)n;
        logbuf[loglen] = 0;
    }
}

static bool log_says(const char *what)
{
    bool hit = strstr(logbuf, what) != NULL;
    loglen = 0;
    logbuf[0] = 0;
    return hit;
}

/* Denied, with a log line that names the missing capability. */
#define CHECK_DENIED(expr, says)                                                                  \
    do {                                                                                          \
        log_says("");                                                                             \
        CHECK_ERR(expr, ERROR_ACCESS_DENIED);                                                     \
        if (!strstr(logbuf, says))                                                                \
            FAILF("%s: the log does not say \"%s\": %s", #expr, says, logbuf);                    \
    } while (0)

static void drop_to(uid_t uid, gid_t gid)
{
    if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
        perror("dropping privileges");
        exit(1);
    }
    REQUIRE(geteuid() == uid && getegid() == gid);
    /* No capability is left. */
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    REQUIRE(f);
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "CapEff:", 7))
            REQUIRE(strtoull(line + 7, NULL, 16) == 0);
    fclose(f);
}

/* Run fn in a child process; its exit status (0 pass). */
static int in_child(void (*fn)(void *), void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        harness_failures = 0; /* the child's own count */
        fn(arg);
        fflush(NULL);
        _exit(test_done());
    }
    int st = waitpid_within(pid, 10, "a child with dropped privileges finishing its checks");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Every descriptor opened since `before` (a bitmap of open fds) is close-on-exec. */
static void fd_snapshot(bool *open_fds, int n)
{
    for (int fd = 0; fd < n; fd++)
        open_fds[fd] = fcntl(fd, F_GETFD) >= 0;
}

static int check_cloexec(const bool *before, int n, const char *where)
{
    int fresh = 0;
    for (int fd = 0; fd < n; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags < 0 || before[fd])
            continue;
        fresh++;
        if (!(flags & FD_CLOEXEC)) {
            char path[64], target[256] = "?";
            snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
            ssize_t k = readlink(path, target, sizeof(target) - 1);
            target[k > 0 ? k : 0] = 0;
            FAILF("%s: descriptor %d (%s) is not close-on-exec", where, fd, target);
        }
    }
    return fresh;
}

/* Exchange one UDP packet each way through session s on subnet 10.50.<net>.0/24. */
static void exchange(WINTUN_SESSION_HANDLE s, int sock, int net)
{
    uint8_t pkt[128], got[256];
    struct tpkt t;
    int v = 0x1234 + net;
    tpkt_init(&t, 4, 17);
    memcpy(t.src, "\x0a\x32\x00\x02", 4);
    memcpy(t.dst, "\x0a\x32\x00\x01", 4);
    t.src[2] = t.dst[2] = (uint8_t)net;
    t.sport = 9000;
    t.dport = 7000;
    t.payload = (const uint8_t *)&v;
    t.plen = sizeof(v);
    size_t n = tpkt_build(&t, pkt);
    session_send(s, pkt, n);
    int r = 0;
    CHECK_EQ(recv_timeout(sock, &r, sizeof(r), 1000), (long)sizeof(r));
    CHECK_EQ(r, v);
    char dst[32];
    snprintf(dst, sizeof(dst), "10.50.%d.2", net);
    CHECK_EQ(udp4_send(sock, dst, 9000, &v, sizeof(v)), (int)sizeof(v));
    CHECK(session_recv_match(s, 17, 9000, got, 1000) == 28 + (long)sizeof(v));
}

/* 1. No capability at all: create and configure are refused. */
static void unprivileged(void *arg)
{
    (void)arg;
    drop_to(NOBODY, NOBODY);
    CHECK_DENIED(WintunCreateAdapter(L"NotAllowed", L"Test", NULL), "CAP_NET_ADMIN");
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"Plain");
    REQUIRE(o); /* any process may open */
    LINTUN_IP_ADDRESS ip;
    LINTUN_ROUTE r = {.Metric = 0};
    REQUIRE(LintunParseAddress("10.51.0.1/24", &ip));
    REQUIRE(LintunParseAddress("10.52.0.0/16", &r.Destination));
    CHECK_DENIED(LintunAddAddress(o, &ip), "CAP_NET_ADMIN");
    CHECK_DENIED(LintunSetMtu(o, 1400), "CAP_NET_ADMIN");
    CHECK_DENIED(LintunSetLinkUp(o, FALSE), "CAP_NET_ADMIN");
    CHECK_DENIED(LintunAddRoute(o, &r), "CAP_NET_ADMIN");
    REQUIRE(LintunParseAddress("10.50.9.1/24", &ip)); /* the parent's address */
    CHECK_DENIED(LintunDeleteAddress(o, &ip), "CAP_NET_ADMIN");
    CHECK_DENIED(WintunStartSession(o, 0x20000), "CAP_NET_ADMIN");
    CHECK_ERR(LintunSetAdapterOwner(o, NOBODY, NOBODY), ERROR_INVALID_PARAMETER);
    /* Reading needs nothing. */
    DWORD mtu = 0, n = 0;
    BOOL up = FALSE;
    CHECK(LintunGetMtu(o, &mtu) && mtu == 1500);
    CHECK(LintunGetLinkState(o, &up, NULL) && up);
    LINTUN_IP_ADDRESS list[8];
    n = 8;
    CHECK(LintunGetAddresses(o, list, &n) && n >= 1);
    LINTUN_ADAPTER_INFO info;
    CHECK(LintunGetAdapterInfo(o, &info));
    CHECK(WintunDeleteDriver()); /* no orphans: nothing to do, nothing denied */
    WintunCloseAdapter(o);
}

/* 2. Create as root, give it to nobody, drop privileges, then use it. */
static void owner_in_creator(void *arg)
{
    (void)arg;
    bool before[1024];
    fd_snapshot(before, 1024);
    WINTUN_ADAPTER_HANDLE a = WintunCreateAdapter(L"Owned Here", L"Test", NULL);
    REQUIRE(a);
    CHECK(LintunSetAdapterOwner(a, NOBODY, NOBODY));
    LINTUN_IP_ADDRESS ip;
    REQUIRE(LintunParseAddress("10.50.1.1/24", &ip));
    REQUIRE(LintunAddAddress(a, &ip));
    int sock = udp4_bind("10.50.1.1", 7000);
    drop_to(NOBODY, NOBODY);
    WINTUN_SESSION_HANDLE s = WintunStartSession(a, 0x20000);
    if (!s) {
        FAILF("the owner could not start a session: error %u", LintunGetLastError());
        exit(1);
    }
    exchange(s, sock, 1);
    int fresh = check_cloexec(before, 1024, "creator, after create + session");
    CHECK(fresh >= 3);
    /* Owning the adapter does not give CAP_NET_ADMIN. (The kernel lets the
     * holder of the queue change its owner, so LintunSetAdapterOwner is not
     * checked here.) */
    CHECK_DENIED(LintunSetMtu(a, 1400), "CAP_NET_ADMIN");
    WintunEndSession(s);
    /* And again: a second session after the first ended. */
    s = WintunStartSession(a, 0x20000);
    CHECK(s != NULL);
    if (s) {
        exchange(s, sock, 1);
        WintunEndSession(s);
    }
    close(sock);
    WintunCloseAdapter(a);
}

struct user {
    uid_t uid;
    gid_t gid;
    bool allowed;
    int net;
};

/* 3. Another process opens the adapter and starts a session as uid/gid. */
static void other_process(void *arg)
{
    const struct user *u = arg;
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(u->net == 3 ? L"ByGroup" : L"Guarded");
    REQUIRE(o);
    char local[32];
    snprintf(local, sizeof(local), "10.50.%d.1", u->net);
    int sock = u->allowed ? udp4_bind(local, 7000) : -1;
    drop_to(u->uid, u->gid);
    bool before[1024];
    fd_snapshot(before, 1024);
    if (!u->allowed) {
        CHECK_DENIED(WintunStartSession(o, 0x20000), "owner");
        CHECK_EQ(check_cloexec(before, 1024, "refused session"), 0); /* nothing left open */
        WintunCloseAdapter(o);
        return;
    }
    WINTUN_SESSION_HANDLE s = WintunStartSession(o, 0x20000);
    if (!s) {
        FAILF("uid %u gid %u could not start a session: error %u", u->uid, u->gid,
              LintunGetLastError());
        exit(1);
    }
    exchange(s, sock, u->net);
    CHECK(check_cloexec(before, 1024, "another process, session") >= 3);
    WintunEndSession(s);
    close(sock);
    WintunCloseAdapter(o);
}

/*
 * A session in another process opens /dev/net/tun, which many systems leave
 * at mode 0666 (the kernel checks the owner at attach time). Where it is
 * 0600, give this test a private /dev/net with a 0666 node, in a mount
 * namespace of its own: nothing outside the test changes. False when neither
 * works (the other-process part is then skipped).
 */
static bool tun_for_everyone(void)
{
    struct stat st;
    if (stat("/dev/net/tun", &st) == 0 && (st.st_mode & 0006) == 0006)
        return true;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("lintun-test", "/dev/net", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
        return false;
    umask(0);
    if (mknod("/dev/net/tun", S_IFCHR | 0666, makedev(10, 200)) < 0)
        return false;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("CAP_NET_ADMIN");
    expect_log("Failed to delete interface");
    expect_log("LintunSetAdapterOwner: only on the creating handle");
    require_netns();
    WintunSetLogger(keep_log);
    bool tun_open = tun_for_everyone();

    /* The parent (root): an adapter nobody owns, and close-on-exec of its fds. */
    bool before[1024];
    fd_snapshot(before, 1024);
    WINTUN_ADAPTER_HANDLE plain = WintunCreateAdapter(L"Plain", L"Test", NULL);
    REQUIRE(plain);
    LINTUN_IP_ADDRESS ip;
    REQUIRE(LintunParseAddress("10.50.9.1/24", &ip));
    REQUIRE(LintunAddAddress(plain, &ip));
    WINTUN_SESSION_HANDLE s = WintunStartSession(plain, 0x20000);
    REQUIRE(s);
    int fresh = check_cloexec(before, 1024, "root, after create + session");
    printf("root: %d descriptors opened by create + session, all close-on-exec\n", fresh);
    CHECK(fresh >= 3);
    WintunEndSession(s);

    CHECK_EQ(in_child(unprivileged, NULL), 0);
    CHECK_EQ(in_child(owner_in_creator, NULL), 0);
    CHECK_EQ(sh("ip link show Owned_Here >/dev/null 2>&1"), 1); /* gone with its creator */

    WINTUN_ADAPTER_HANDLE g = WintunCreateAdapter(L"Guarded", L"Test", NULL);
    REQUIRE(g);
    REQUIRE(LintunSetAdapterOwner(g, NOBODY, (DWORD)-1));
    REQUIRE(LintunParseAddress("10.50.2.1/24", &ip));
    REQUIRE(LintunAddAddress(g, &ip));
    struct user owner = {NOBODY, NOBODY, true, 2}, other = {OTHER, OTHER, false, 2};
    CHECK_EQ(in_child(other_process, &other), 0);
    if (tun_open) {
        CHECK_EQ(in_child(other_process, &owner), 0);
        /* Owner and group: the kernel wants both (nobody in group 65532). */
        WINTUN_ADAPTER_HANDLE bg = WintunCreateAdapter(L"ByGroup", L"Test", NULL);
        REQUIRE(bg);
        REQUIRE(LintunSetAdapterOwner(bg, NOBODY, 65532));
        REQUIRE(LintunParseAddress("10.50.3.1/24", &ip));
        REQUIRE(LintunAddAddress(bg, &ip));
        struct user in_group = {NOBODY, 65532, true, 3}, not_in_group = {NOBODY, NOBODY, false, 3},
                    group_only = {OTHER, 65532, false, 3};
        CHECK_EQ(in_child(other_process, &in_group), 0);
        CHECK_EQ(in_child(other_process, &not_in_group), 0);
        CHECK_EQ(in_child(other_process, &group_only), 0);
        WintunCloseAdapter(bg);
    } else {
        printf("/dev/net/tun is not open to everyone here: sessions of the owner in another "
               "process not tried\n");
    }
    WintunCloseAdapter(g);
    WintunCloseAdapter(plain);
    CHECK_EQ(sh("test $(ip -o link show | wc -l) -eq 1"), 0);
    return test_done();
}
