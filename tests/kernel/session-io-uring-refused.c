/* SPDX-License-Identifier: MIT */
/*
 * Where io_uring is refused, sessions fall back to read() and write() and
 * behave the same. A child process installs a seccomp filter that fails
 * io_uring_setup with EPERM, as container runtimes do, before it touches the
 * library. Then: a session starts, says in the log that it uses one system
 * call per packet, and moves packets both ways byte for byte and in order;
 * LINTUN_SESSION_IO_URING and LINTUN_IO=uring fail with ERROR_NOT_SUPPORTED.
 * The same run without the filter logs the batched path (where the kernel
 * has io_uring at all).
 * test-rerun: plain
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <wchar.h>
#include "net.h"
#include "offload-pkt.h"
#include "fixture.h"

static int said_plain, said_batched;

static void logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    if (wcsstr(msg, L"one system call each"))
        said_plain++;
    if (wcsstr(msg, L"batched through io_uring"))
        said_batched++;
    test_logger(level, ts, msg);
}

static void refuse_io_uring(void)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
    REQUIRE(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    REQUIRE(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0);
    REQUIRE(syscall(__NR_io_uring_setup, 4, NULL) < 0 && errno == EPERM);
}

/* Packets both ways, in order and unchanged. */
static void traffic(WINTUN_SESSION_HANDLE s)
{
    int sock = udp4_bind_deep("10.26.0.1", 7000, 4 << 20);
    enum { COUNT = 2000 };
    for (uint32_t i = 0; i < COUNT; i++) {
        uint8_t pkt[64];
        struct tpkt t;
        tpkt_init_udp4(&t, "10.26.0.2", "10.26.0.1", 6000, 7000);
        t.payload = (const uint8_t *)&i;
        t.plen = sizeof(i);
        session_send(s, pkt, tpkt_build(&t, pkt));
    }
    DWORD n;
    WintunReceivePacket(s, &n); /* a flush point, whatever the path */
    for (uint32_t i = 0; i < COUNT; i++) {
        uint32_t v = 0;
        if (recv_timeout(sock, &v, sizeof(v), 1000) != sizeof(v) || v != i) {
            FAILF("session->kernel: datagram %u arrived where %u was due", v, i);
            break;
        }
    }
    for (uint32_t i = 0; i < 100; i++)
        REQUIRE(udp4_send(sock, "10.26.0.2", 5555, &i, sizeof(i)) == sizeof(i));
    static uint8_t buf[70000];
    for (uint32_t i = 0; i < 100; i++) {
        long got = session_recv_match(s, 17, 5555, buf, 2000);
        uint32_t v;
        memcpy(&v, buf + 28, sizeof(v));
        if (got != 32 || v != i) {
            FAILF("kernel->session: packet %u (%ld bytes) where %u was due", v, got, i);
            break;
        }
    }
    close(sock);
}

static int child(bool refused)
{
    if (refused)
        refuse_io_uring();
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(logger, L"Refused", L"Test", NULL);
    REQUIRE(sh("ip addr add 10.26.0.1/24 dev Refused") == 0);
    if (refused) {
        CHECK_ERR(LintunStartSessionEx(a, 0x400000, LINTUN_SESSION_IO_URING), ERROR_NOT_SUPPORTED);
        setenv("LINTUN_IO", "uring", 1);
        CHECK_ERR(WintunStartSession(a, 0x400000), ERROR_NOT_SUPPORTED);
        unsetenv("LINTUN_IO");
    }
    WINTUN_SESSION_HANDLE s = fixture_session(a, 0x400000, 0, FIXTURE_IPV6, NULL);
    traffic(s);
    WintunEndSession(s);
    WintunCloseAdapter(a);
    if (refused) {
        CHECK_EQ(said_plain, 1);
        CHECK_EQ(said_batched, 0);
    } else {
        CHECK_EQ(said_plain + said_batched, 1);
        printf("without the filter: %s\n",
               said_batched ? "io_uring" : "write() (no io_uring here)");
    }
    return test_done();
}

static void run(bool refused)
{
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int rc = child(refused);
        fflush(stdout);
        _exit(rc);
    }
    int status = 0;
    for (int i = 0; i < 300 && waitpid(pid, &status, WNOHANG) == 0; i++)
        usleep(100000);
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAILF("%s: the child did not finish within 30 s", refused ? "refused" : "allowed");
        return;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        FAILF("%s: the child failed (status 0x%x)", refused ? "refused" : "allowed", status);
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("Failed to set up io_uring for writes: io_uring is not available here");
    require_netns();
    run(true);
    run(false);
    return test_done();
}
