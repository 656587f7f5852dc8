/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink over libmnl: links, addresses, routes. Every function returns 0
 * or -errno. A socket belongs to the network namespace that was current in
 * the calling thread when nl_open() ran; the adapter code opens it inside the
 * adapter's namespace (adapter_nl_open()).
 */
#ifndef LINTUN_NETLINK_H
#define LINTUN_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_sock;

/* Open a NETLINK_ROUTE socket (close-on-exec, extended acks on). */
int nl_open(struct nl_sock **out);
void nl_close(struct nl_sock *nl);
/*
 * The kernel's extended-ack text for the last failed request on this socket,
 * or NULL. Valid until the next request.
 */
const char *nl_ext_ack(const struct nl_sock *nl);

#define NL_MAX_ALTNAMES 4

struct nl_link {
    int ifindex;
    char ifname[16];
    char alias[256]; /* "" when none */
    char altnames[NL_MAX_ALTNAMES][128];
    int n_altnames;
    unsigned int mtu;
    unsigned int flags; /* IFF_UP, IFF_RUNNING, ... */
    bool carrier;
    char kind[16]; /* IFLA_INFO_KIND, "tun" for TUN */
    bool ipv6;     /* IPv6 enabled: inet6 present, not disabled */
};

/* One link by index; -ENODEV when there is none. */
int nl_link_get(struct nl_sock *nl, int ifindex, struct nl_link *out);
/*
 * Every link; cb returns nonzero to stop (and nl_link_dump returns 0). The
 * links come from one complete dump: an interrupted one (NLM_F_DUMP_INTR)
 * is asked for again before cb sees anything. Dumps (links, addresses,
 * routes) return -EAGAIN when the table kept changing through every try.
 */
int nl_link_dump(struct nl_sock *nl, int (*cb)(const struct nl_link *link, void *arg), void *arg);
int nl_link_set_alias(struct nl_sock *nl, int ifindex, const char *alias);
int nl_link_add_altname(struct nl_sock *nl, int ifindex, const char *altname);
int nl_link_set_up(struct nl_sock *nl, int ifindex, bool up);
int nl_link_set_mtu(struct nl_sock *nl, int ifindex, unsigned int mtu);
int nl_link_del(struct nl_sock *nl, int ifindex);

struct nl_addr {
    int family;       /* AF_INET or AF_INET6 */
    uint8_t addr[16]; /* network byte order; 4 bytes used for IPv4 */
    uint8_t prefixlen;
};

/* Add an address; an existing one is not an error (returns 0). */
int nl_addr_add(struct nl_sock *nl, int ifindex, const struct nl_addr *a);
/* -EADDRNOTAVAIL when the interface does not have it. */
int nl_addr_del(struct nl_sock *nl, int ifindex, const struct nl_addr *a);
/* Up to max addresses into out; *count gets the total the link has. */
int nl_addr_list(struct nl_sock *nl, int ifindex, struct nl_addr *out, size_t max, size_t *count);

struct nl_route {
    struct nl_addr dst; /* destination network and prefix */
    uint32_t metric;    /* 0: none given */
};

/* Routes in the main table; add of an existing route returns 0. */
int nl_route_add(struct nl_sock *nl, int ifindex, const struct nl_route *r);
/* -ESRCH when there is no such route. */
int nl_route_del(struct nl_sock *nl, int ifindex, const struct nl_route *r);
int nl_route_list(struct nl_sock *nl, int ifindex, struct nl_route *out, size_t max,
                  size_t *count);

/*
 * Parsers of one rtnetlink message, used by the dumps and by the fuzz
 * harness (fuzz/fuzz-netlink.c). Pure: they read only nlh->nlmsg_len bytes
 * from nlh (the caller guarantees that many are readable and that the length
 * is at least the header's) and trust nothing inside. Each returns 0, -ENOENT
 * when the message is of another kind or family (nothing to report), or
 * -EINVAL when it is malformed.
 */
struct nlmsghdr;
/*
 * Walk the messages of a datagram of left bytes: nl_msg_ok says whether a
 * whole message starts at nlh, nl_msg_next steps over it (left shrinks).
 */
bool nl_msg_ok(const struct nlmsghdr *nlh, size_t left);
const struct nlmsghdr *nl_msg_next(const struct nlmsghdr *nlh, size_t *left);
int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *out);
int nl_parse_addr(const struct nlmsghdr *nlh, int *ifindex, struct nl_addr *out);
/* Main-table unicast routes with a single output interface only. */
int nl_parse_route(const struct nlmsghdr *nlh, int *oif, struct nl_route *out);

#endif
