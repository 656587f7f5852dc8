/* SPDX-License-Identifier: MIT */
/*
 * The rtnetlink parsers on hand-made messages, no kernel needed: a good link
 * message (name, alias, altnames, MTU, carrier, kind, IPv6 devconf) parses
 * fully; truncated headers, attributes of the wrong size, overlong strings
 * and unterminated ones are refused or ignored, never read past the end;
 * addresses and routes check their address sizes, families and tables; the
 * datagram walk refuses lengths beyond the buffer, including above 2 GiB.
 */
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include "harness.h"
#include "netlink.h"

static uint32_t buf[4096];

static struct nlmsghdr *msg(uint16_t type, size_t extra)
{
    memset(buf, 0, sizeof(buf));
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    mnl_nlmsg_put_extra_header(nlh, extra);
    return nlh;
}

static void good_link(void)
{
    struct nlmsghdr *nlh = msg(RTM_NEWLINK, sizeof(struct ifinfomsg));
    struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    int32_t conf[DEVCONF_DISABLE_IPV6 + 1] = {0};
    struct nl_link l;

    ifi->ifi_index = 7;
    ifi->ifi_flags = IFF_UP;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "tun7");
    mnl_attr_put_strz(nlh, IFLA_IFALIAS, "lintun alias");
    mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
    mnl_attr_put_u8(nlh, IFLA_CARRIER, 1);
    struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "tun");
    mnl_attr_nest_end(nlh, info);
    struct nlattr *props = mnl_attr_nest_start(nlh, IFLA_PROP_LIST);
    for (int i = 0; i < NL_MAX_ALTNAMES + 2; i++)
        mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, i ? "other" : "Data Center");
    mnl_attr_nest_end(nlh, props);
    struct nlattr *af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
    struct nlattr *in6 = mnl_attr_nest_start(nlh, AF_INET6);
    conf[DEVCONF_DISABLE_IPV6] = 1;
    mnl_attr_put(nlh, IFLA_INET6_CONF, sizeof(conf), conf);
    mnl_attr_nest_end(nlh, in6);
    mnl_attr_nest_end(nlh, af);

    REQUIRE(nl_parse_link(nlh, &l) == 0);
    CHECK_EQ(l.ifindex, 7);
    CHECK(!strcmp(l.ifname, "tun7"));
    CHECK(!strcmp(l.alias, "lintun alias"));
    CHECK(!strcmp(l.kind, "tun"));
    CHECK_EQ(l.mtu, 1400);
    CHECK_EQ(l.carrier, 1);
    CHECK_EQ(l.n_altnames, NL_MAX_ALTNAMES);
    CHECK(!strcmp(l.altnames[0], "Data Center"));
    CHECK_EQ(l.ipv6, 0); /* inet6 present but disable_ipv6 set */

    /* Each cut of the message parses or is refused, and never overreads (ASan). */
    uint32_t full = nlh->nlmsg_len;
    for (uint32_t len = sizeof(*nlh); len < full; len++) {
        nlh->nlmsg_len = len;
        if (nl_parse_link(nlh, &l) == 0)
            CHECK(strnlen(l.ifname, sizeof(l.ifname)) < sizeof(l.ifname));
    }
}

static void bad_links(void)
{
    struct nl_link l;
    struct nlmsghdr *nlh = msg(RTM_NEWLINK, sizeof(struct ifinfomsg) - 1);

    CHECK_EQ(nl_parse_link(nlh, &l), -EINVAL); /* short ifinfomsg */
    nlh = msg(RTM_NEWADDR, sizeof(struct ifinfomsg));
    CHECK_EQ(nl_parse_link(nlh, &l), -ENOENT);

    /* MTU of 2 bytes: ignored; an unterminated, overlong name: ignored, so no name. */
    nlh = msg(RTM_NEWLINK, sizeof(struct ifinfomsg));
    ((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index = 3;
    mnl_attr_put_u16(nlh, IFLA_MTU, 1500);
    mnl_attr_put(nlh, IFLA_IFNAME, 4, "abcd");
    CHECK_EQ(nl_parse_link(nlh, &l), -EINVAL);

    /* A 40-byte name is cut to the 15 bytes an interface name has. */
    nlh = msg(RTM_NEWLINK, sizeof(struct ifinfomsg));
    ((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index = 3;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "0123456789012345678901234567890123456789");
    REQUIRE(nl_parse_link(nlh, &l) == 0);
    CHECK_EQ(strlen(l.ifname), 15);
    CHECK_EQ(l.mtu, 0);
}

static void addrs(void)
{
    struct nlmsghdr *nlh = msg(RTM_NEWADDR, sizeof(struct ifaddrmsg));
    struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    const uint8_t v4[4] = {10, 0, 0, 1}, peer[4] = {10, 0, 0, 2};
    struct nl_addr a;
    int ifindex;

    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = 24;
    ifa->ifa_index = 9;
    mnl_attr_put(nlh, IFA_ADDRESS, 4, peer);
    mnl_attr_put(nlh, IFA_LOCAL, 4, v4);
    REQUIRE(nl_parse_addr(nlh, &ifindex, &a) == 0);
    CHECK_EQ(ifindex, 9);
    CHECK(!memcmp(a.addr, v4, 4)); /* the local address, not the peer */
    CHECK_EQ(a.prefixlen, 24);

    ifa->ifa_prefixlen = 33;
    CHECK_EQ(nl_parse_addr(nlh, &ifindex, &a), -EINVAL);
    ifa->ifa_family = AF_INET6; /* 4-byte address in an IPv6 message */
    ifa->ifa_prefixlen = 64;
    CHECK_EQ(nl_parse_addr(nlh, &ifindex, &a), -EINVAL);
    ifa->ifa_family = AF_PACKET;
    CHECK_EQ(nl_parse_addr(nlh, &ifindex, &a), -ENOENT);
}

static void routes(void)
{
    struct nlmsghdr *nlh = msg(RTM_NEWROUTE, sizeof(struct rtmsg));
    struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    const uint8_t dst[4] = {10, 1, 0, 0};
    struct nl_route r;
    int oif;

    rtm->rtm_family = AF_INET;
    rtm->rtm_dst_len = 16;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_type = RTN_UNICAST;
    mnl_attr_put(nlh, RTA_DST, 4, dst);
    mnl_attr_put_u32(nlh, RTA_OIF, 4);
    mnl_attr_put_u32(nlh, RTA_PRIORITY, 50);
    REQUIRE(nl_parse_route(nlh, &oif, &r) == 0);
    CHECK_EQ(oif, 4);
    CHECK_EQ(r.metric, 50);
    CHECK_EQ(r.dst.prefixlen, 16);
    CHECK(!memcmp(r.dst.addr, dst, 4));

    rtm->rtm_table = RT_TABLE_LOCAL;
    CHECK_EQ(nl_parse_route(nlh, &oif, &r), -ENOENT);
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_type = RTN_LOCAL;
    CHECK_EQ(nl_parse_route(nlh, &oif, &r), -ENOENT);
    rtm->rtm_type = RTN_UNICAST;
    rtm->rtm_dst_len = 40;
    CHECK_EQ(nl_parse_route(nlh, &oif, &r), -EINVAL);
    rtm->rtm_dst_len = 16;
    rtm->rtm_family = AF_INET6; /* 4-byte RTA_DST for IPv6 */
    CHECK_EQ(nl_parse_route(nlh, &oif, &r), -EINVAL);
    mnl_attr_put_u32(nlh, RTA_TABLE, 100); /* RTA_TABLE wins over rtm_table */
    rtm->rtm_family = AF_INET;
    CHECK_EQ(nl_parse_route(nlh, &oif, &r), -ENOENT);
}

static void walk(void)
{
    struct nlmsghdr *nlh = msg(RTM_NEWLINK, 0);
    size_t left = 64;

    nlh->nlmsg_len = 0xff00003c; /* above 2 GiB: libmnl's int cast would accept it */
    CHECK(!nl_msg_ok(nlh, left));
    nlh->nlmsg_len = 65;
    CHECK(!nl_msg_ok(nlh, left));
    nlh->nlmsg_len = 15;
    CHECK(!nl_msg_ok(nlh, left));
    nlh->nlmsg_len = 18;
    CHECK(nl_msg_ok(nlh, left));
    const struct nlmsghdr *next = nl_msg_next(nlh, &left);
    CHECK_EQ(left, 64 - 20);
    CHECK_EQ((const char *)next - (const char *)nlh, 20);
}

int main(void)
{
    good_link();
    bad_links();
    addrs();
    routes();
    walk();
    return test_done();
}
