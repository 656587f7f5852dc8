/* SPDX-License-Identifier: MIT */
/*
 * When the kernel tells that an interface is gone: a thread listens on
 * rtnetlink's link group from before the deletion and stamps the
 * RTM_DELLINK for the interface when it arrives. A wake-up or EOF bound
 * starts there, at the event the library can see, not at the start of
 * `ip link del`, which may spend seconds in the kernel before it (RCU grace
 * periods under load) and after it (waiting for the device's last
 * references). A listener that is itself late only makes the bound wider.
 */
#ifndef LINTUN_TEST_LINK_EVENTS_H
#define LINTUN_TEST_LINK_EVENTS_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include "net.h"

struct link_watch {
    int fd, ifindex;
    pthread_t thread;
    double at; /* now_ms() when the RTM_DELLINK arrived */
};

static void *link_watch_run_(void *arg)
{
    struct link_watch *w = arg;
    static char buf[1 << 16];
    for (;;) {
        ssize_t n = recv(w->fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR || errno == ENOBUFS)
                continue; /* an overrun: the deletion is still to come or lost */
            break;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n)) {
            struct ifinfomsg *ifi = NLMSG_DATA(h);
            if (h->nlmsg_type == RTM_DELLINK && ifi->ifi_index == w->ifindex) {
                w->at = now_ms();
                return NULL;
            }
        }
    }
    return NULL;
}

/* Start listening for the deletion of @ifindex, in this thread's namespace. */
static inline void link_watch_start(struct link_watch *w, int ifindex)
{
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    int size = 4 << 20;
    w->ifindex = ifindex;
    w->at = 0;
    w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    REQUIRE(w->fd >= 0);
    setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
    REQUIRE(bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    REQUIRE(pthread_create(&w->thread, NULL, link_watch_run_, w) == 0);
}

/*
 * Wait (up to @seconds, scaled: the kernel's own pace, not the library's)
 * for the deletion's notification; when it came, in now_ms() time.
 */
static inline double link_watch_wait(struct link_watch *w, unsigned seconds)
{
    join_within(w->thread, seconds, "the kernel's RTM_DELLINK for the deleted interface");
    close(w->fd);
    REQUIRE(w->at > 0);
    return w->at;
}

#endif
