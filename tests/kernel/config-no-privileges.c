/* SPDX-License-Identifier: MIT */
/*
 * Without CAP_NET_ADMIN: a child process, in the test's own namespace, drops
 * to nobody (uid/gid 65534) and calls LintunAddAddress on the adapter's
 * handle: ERROR_ACCESS_DENIED, and the log line says CAP_NET_ADMIN is
 * missing. Reading (LintunGetMtu, LintunGetAddresses) still works.
 */
#include <grp.h>
#include <sys/wait.h>
#include "harness.h"
#include "fixture.h"

static char log_text[8192];

static void logger(WINTUN_LOGGER_LEVEL level, DWORD64 ts, const WCHAR *msg)
{
    char line[1100];

    test_logger(level, ts, msg);
    snprintf(line, sizeof(line), "%ls\n", msg);
    if (strlen(log_text) + strlen(line) < sizeof(log_text))
        strcat(log_text, line);
}

static int unprivileged(WINTUN_ADAPTER_HANDLE a)
{
    LINTUN_IP_ADDRESS ip, list[8];
    LINTUN_ROUTE r = {.Metric = 0};
    DWORD mtu = 0, n = 8;

    if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
        perror("dropping privileges");
        return 2;
    }
    REQUIRE(LintunParseAddress("10.66.0.1/24", &ip));
    log_text[0] = '\0';
    CHECK_ERR(LintunAddAddress(a, &ip), ERROR_ACCESS_DENIED);
    CHECK(strstr(log_text, "CAP_NET_ADMIN") != NULL);
    CHECK_ERR(LintunSetMtu(a, 1400), ERROR_ACCESS_DENIED);
    CHECK_ERR(LintunSetLinkUp(a, FALSE), ERROR_ACCESS_DENIED);
    REQUIRE(LintunParseAddress("10.67.0.0/16", &r.Destination));
    CHECK_ERR(LintunAddRoute(a, &r), ERROR_ACCESS_DENIED);
    CHECK(LintunGetMtu(a, &mtu));
    CHECK_EQ(mtu, 1500);
    CHECK(LintunGetAddresses(a, list, &n));
    return test_done();
}

int main(void)
{
    /* What this test provokes on purpose (any other warning or error fails it). */
    expect_log("(CAP_NET_ADMIN is missing)");
    int status;

    WINTUN_ADAPTER_HANDLE a = fixture_adapter(logger, L"noprivs", L"Test", NULL);
    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(unprivileged(a));
    status = waitpid_within(pid, 10, "the unprivileged child finishing its calls");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
        skip("cannot drop to uid/gid 65534 here");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    WintunCloseAdapter(a);
    return test_done();
}
