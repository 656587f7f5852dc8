/* SPDX-License-Identifier: MIT */
/*
 * A link dump the kernel marks interrupted (NLM_F_DUMP_INTR: links were
 * added or removed while it was read) is not taken as complete: adapter
 * enumeration and lookup ask for it again, and only a dump that keeps coming
 * back interrupted fails, with an error, after a bounded number of tries.
 *
 * The kernel cannot be made to interrupt a dump on cue, so this test stands
 * between the library and its netlink socket: its own recvmsg() calls the
 * real one, then marks the replies of the next dumps NLM_F_DUMP_INTR and
 * turns the message for one adapter into NLMSG_NOOP, which is what an
 * interrupted dump looks like when it missed a link. Taking such a dump as
 * complete would miss that adapter.
 */
#include <dlfcn.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include "fixture.h"

static int interrupt_left; /* dumps still to mark interrupted */
static int hide_index;     /* the link an interrupted dump leaves out */
static int dumps_seen;     /* link dumps ended (NLMSG_DONE) since the counter was reset */

static ssize_t (*real_recvmsg)(int, struct msghdr *, int);

static bool is_netlink(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_NETLINK;
}

/* Mark one datagram of replies; count the dumps that end in it. */
static void tamper(uint8_t *buf, size_t len)
{
    struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
    for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
        if (!(nlh->nlmsg_flags & NLM_F_MULTI))
            continue;
        if (nlh->nlmsg_type == NLMSG_DONE)
            dumps_seen++;
        if (interrupt_left <= 0)
            continue;
        nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
        if (nlh->nlmsg_type == RTM_NEWLINK &&
            nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)) &&
            ((struct ifinfomsg *)NLMSG_DATA(nlh))->ifi_index == hide_index)
            nlh->nlmsg_type = NLMSG_NOOP;
        if (nlh->nlmsg_type == NLMSG_DONE)
            interrupt_left--;
    }
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    if (!real_recvmsg)
        *(void **)&real_recvmsg = dlsym(RTLD_NEXT, "recvmsg");
    ssize_t n = real_recvmsg(fd, msg, flags);
    if (n > 0 && msg->msg_iovlen == 1 && is_netlink(fd))
        tamper(msg->msg_iov[0].iov_base, (size_t)n);
    return n;
}

static BOOL count_ours(const LINTUN_ADAPTER_INFO *info, LPARAM param)
{
    (void)info;
    (*(int *)param)++;
    return TRUE;
}

static int enumerate(void)
{
    int n = 0;
    if (!LintunEnumAdapters(count_ours, (LPARAM)&n))
        return -1;
    return n;
}

int main(void)
{
    WINTUN_ADAPTER_HANDLE a = fixture_adapter(test_logger, L"DumpA", L"Test", NULL);
    WINTUN_ADAPTER_HANDLE b = WintunCreateAdapter(L"DumpB", L"Test", NULL);
    REQUIRE(b);
    LINTUN_ADAPTER_INFO info;
    REQUIRE(LintunGetAdapterInfo(b, &info));
    hide_index = (int)info.IfIndex;
    CHECK_EQ(enumerate(), 2);

    /* One interrupted dump that missed DumpB, then a complete one. */
    interrupt_left = 1;
    dumps_seen = 0;
    CHECK_EQ(enumerate(), 2);
    CHECK_EQ(dumps_seen, 2);

    interrupt_left = 1;
    dumps_seen = 0;
    WINTUN_ADAPTER_HANDLE o = WintunOpenAdapter(L"DumpB");
    if (!o)
        FAILF("WintunOpenAdapter after an interrupted dump: last error %u", GetLastError());
    CHECK_EQ(dumps_seen, 2);
    WintunCloseAdapter(o);

    /* Every dump interrupted: a bounded number of tries, then an error. */
    expect_log("kept changing while read");
    interrupt_left = 1000;
    dumps_seen = 0;
    CHECK_EQ(enumerate(), -1);
    CHECK_EQ(GetLastError(), ERROR_GEN_FAILURE);
    CHECK(dumps_seen >= 2 && dumps_seen <= 16);
    int tries = dumps_seen;
    dumps_seen = 0;
    CHECK_ERR(WintunOpenAdapter(L"DumpB"), ERROR_GEN_FAILURE);
    CHECK_EQ(dumps_seen, tries);
    interrupt_left = 0;

    CHECK_EQ(enumerate(), 2);
    WintunCloseAdapter(b);
    WintunCloseAdapter(a);
    return test_done();
}
