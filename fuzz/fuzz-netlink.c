/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the rtnetlink parsers of src/netlink.c: the input is
 * one datagram as the kernel would deliver it (a run of netlink messages);
 * every message goes through nl_parse_link, nl_parse_addr and
 * nl_parse_route, and whatever they accept must be well-formed (strings
 * terminated inside their arrays, counts and prefix lengths in range).
 *
 *   clang -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -g -O1 \
 *       -fsanitize=fuzzer,address,undefined fuzz/fuzz-netlink.c src/netlink.c -lmnl
 *   ./a.out fuzz/corpus/netlink
 *
 * The seeds in fuzz/corpus/netlink/ are real kernel replies to link,
 * address and route dumps of a namespace holding a TUN adapter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include "netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t size)
{
    if (strnlen(s, size) >= size)
        abort();
}

static void check_link(const struct nl_link *l)
{
    check_str(l->ifname, sizeof(l->ifname));
    check_str(l->alias, sizeof(l->alias));
    check_str(l->kind, sizeof(l->kind));
    if (l->n_altnames < 0 || l->n_altnames > NL_MAX_ALTNAMES || l->ifindex <= 0)
        abort();
    for (int i = 0; i < l->n_altnames; i++)
        check_str(l->altnames[i], sizeof(l->altnames[i]));
}

static void check_addr(const struct nl_addr *a)
{
    if (a->family == AF_INET ? a->prefixlen > 32 : a->family != AF_INET6 || a->prefixlen > 128)
        abort();
}

static void parse_one(const struct nlmsghdr *nlh)
{
    struct nl_link link;
    struct nl_addr addr;
    struct nl_route route;
    int ifindex;

    if (nl_parse_link(nlh, &link) == 0)
        check_link(&link);
    if (nl_parse_addr(nlh, &ifindex, &addr) == 0)
        check_addr(&addr);
    if (nl_parse_route(nlh, &ifindex, &route) == 0)
        check_addr(&route.dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The kernel hands out 4-byte aligned datagrams; so does this copy. */
    uint32_t *buf = malloc(size / 4 * 4 + 4);
    const struct nlmsghdr *nlh;
    size_t left = size;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    for (nlh = (const struct nlmsghdr *)buf; nl_msg_ok(nlh, left); nlh = nl_msg_next(nlh, &left))
        parse_one(nlh);
    free(buf);
    return 0;
}
