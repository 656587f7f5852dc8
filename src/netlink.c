/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink over libmnl: links, addresses and routes of one network
 * namespace (the one a socket was opened in).
 *
 * Every request is sent with its own sequence number; replies with another
 * sequence number or port id (left over from an earlier request) are
 * skipped. Requests that change something carry NLM_F_ACK and end at the
 * kernel's acknowledgement; dumps end at NLMSG_DONE. A dump whose messages
 * carry NLM_F_DUMP_INTR (the table changed while the kernel walked it, so
 * an entry may be missing or appear twice) is not complete: it is read to
 * its end, thrown away and asked for again, up to NL_DUMP_TRIES times, as
 * libmnl's mnl_cb_run() reports it (EINTR) for its callers to retry. The socket asks for
 * extended acknowledgements (NETLINK_EXT_ACK) without the echoed request
 * (NETLINK_CAP_ACK); the kernel's error text is kept for nl_ext_ack().
 *
 * The parsers below never trust a length: each attribute is checked with
 * mnl_attr_validate() before its payload is read, and strings are copied
 * with bounds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "netlink.h"

/* Large enough for any dump datagram the kernel builds (it caps them at 32 KiB). */
#define NL_RX_SIZE 65536
#define NL_TX_SIZE 4096
/* Dumps in a row that may come back interrupted before a dump gives up. */
#define NL_DUMP_TRIES 8

struct nl_sock {
    struct mnl_socket *mnl;
    unsigned int portid;
    uint32_t seq;
    char ext_ack[256];
    uint8_t rx[NL_RX_SIZE];
};

/* Per-request state while replies are dispatched. */
struct nl_req {
    struct nl_sock *nl;
    uint32_t seq;
    int (*cb)(const struct nlmsghdr *nlh, void *arg);
    void *arg;
    bool intr; /* a reply carried NLM_F_DUMP_INTR */
};

static int set_opt(struct mnl_socket *mnl, int opt)
{
    int one = 1;

    if (mnl_socket_setsockopt(mnl, opt, &one, sizeof(one)) < 0)
        return -errno;
    return 0;
}

int nl_open(struct nl_sock **out)
{
    struct nl_sock *nl = calloc(1, sizeof(*nl));
    int err;

    if (!nl)
        return -ENOMEM;
    nl->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl->mnl) {
        err = -errno;
        goto free_nl;
    }
    /* Extended acks are a kernel 4.12 feature; without them we lose only text. */
    set_opt(nl->mnl, NETLINK_EXT_ACK);
    set_opt(nl->mnl, NETLINK_CAP_ACK);
    if (mnl_socket_bind(nl->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
        err = -errno;
        goto close_mnl;
    }
    nl->portid = mnl_socket_get_portid(nl->mnl);
    *out = nl;
    return 0;

close_mnl:
    mnl_socket_close(nl->mnl);
free_nl:
    free(nl);
    return err;
}

void nl_close(struct nl_sock *nl)
{
    if (!nl)
        return;
    mnl_socket_close(nl->mnl);
    free(nl);
}

const char *nl_ext_ack(const struct nl_sock *nl)
{
    return nl && nl->ext_ack[0] ? nl->ext_ack : NULL;
}

/* ------------------------------------------------------------------
 * Requests and replies
 * ---------------------------------------------------------------- */

static int ext_ack_attr_cb(const struct nlattr *attr, void *data)
{
    struct nl_sock *nl = data;

    if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
        return MNL_CB_OK;
    if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
        return MNL_CB_OK;
    snprintf(nl->ext_ack, sizeof(nl->ext_ack), "%s", mnl_attr_get_str(attr));
    return MNL_CB_OK;
}

/* The TLVs that follow an error (after @skip bytes of payload), when present. */
static void capture_ext_ack(struct nl_sock *nl, const struct nlmsghdr *nlh, size_t skip)
{
    size_t len = mnl_nlmsg_get_payload_len(nlh);

    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
        return;
    skip = MNL_ALIGN(skip);
    if (skip >= len)
        return;
    mnl_attr_parse_payload((const uint8_t *)mnl_nlmsg_get_payload(nlh) + skip, len - skip,
                           ext_ack_attr_cb, nl);
}

/* NLMSG_ERROR: 0 for an acknowledgement, the kernel's -errno otherwise. */
static int on_error(struct nl_sock *nl, const struct nlmsghdr *nlh)
{
    const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
    size_t len = mnl_nlmsg_get_payload_len(nlh);
    size_t skip = sizeof(*e);

    if (len < sizeof(*e))
        return -EBADMSG;
    if (e->error >= 0)
        return 0;
    /* Without NLM_F_CAPPED the request's payload sits between error and TLVs. */
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= sizeof(struct nlmsghdr))
        skip += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
    capture_ext_ack(nl, nlh, skip);
    return e->error < -4095 ? -EPROTO : e->error;
}

/* NLMSG_DONE ends a dump; it may carry the dump's error. */
static int on_done(struct nl_sock *nl, const struct nlmsghdr *nlh)
{
    int err;

    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
        return 0;
    memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
    if (err >= 0)
        return 0;
    capture_ext_ack(nl, nlh, sizeof(int));
    return err < -4095 ? -EPROTO : err;
}

/*
 * libmnl's mnl_nlmsg_ok() compares (int)nlmsg_len, which lets a length
 * above 2 GiB through; these compare sizes unsigned.
 */
bool nl_msg_ok(const struct nlmsghdr *nlh, size_t left)
{
    return left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= left;
}

const struct nlmsghdr *nl_msg_next(const struct nlmsghdr *nlh, size_t *left)
{
    size_t step = NLMSG_ALIGN(nlh->nlmsg_len); /* no overflow: nlmsg_len <= *left */

    if (step > *left)
        step = *left;
    *left -= step;
    return (const struct nlmsghdr *)((const uint8_t *)nlh + step);
}

/*
 * Walk the messages of one datagram. Sets *done when the request is over
 * (acknowledged, failed or dump finished); returns the request's result.
 */
static int dispatch(struct nl_req *r, const void *buf, size_t len, bool *done)
{
    const struct nlmsghdr *nlh = buf;
    size_t left = len;

    for (; nl_msg_ok(nlh, left); nlh = nl_msg_next(nlh, &left)) {
        if (nlh->nlmsg_seq != r->seq || nlh->nlmsg_pid != r->nl->portid)
            continue; /* a stale reply to an earlier request */
        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
            r->intr = true;
        switch (nlh->nlmsg_type) {
        case NLMSG_NOOP:
            break;
        case NLMSG_OVERRUN:
            *done = true;
            return -EOVERFLOW;
        case NLMSG_ERROR:
            *done = true;
            return on_error(r->nl, nlh);
        case NLMSG_DONE:
            *done = true;
            return on_done(r->nl, nlh);
        default:
            if (r->cb)
                r->cb(nlh, r->arg);
        }
    }
    return 0;
}

/*
 * Send one request and read replies until it is over. Replies of the data
 * kind go to cb. Dumps end at NLMSG_DONE; other requests get NLM_F_ACK and
 * end at the acknowledgement. (The dump flags cannot tell: NLM_F_DUMP shares
 * its bits with NLM_F_CREATE | NLM_F_EXCL.) -EINTR: the dump was
 * interrupted (read to its end; what cb saw is incomplete).
 */
static int transact(struct nl_sock *nl, struct nlmsghdr *nlh, bool dump,
                    int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
    struct nl_req r = {.nl = nl, .seq = ++nl->seq, .cb = cb, .arg = arg};
    bool done = false;
    int err = 0;

    if (!r.seq)
        r.seq = ++nl->seq;
    nlh->nlmsg_seq = r.seq;
    nlh->nlmsg_flags |= NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
    nl->ext_ack[0] = '\0';
    if (mnl_socket_sendto(nl->mnl, nlh, nlh->nlmsg_len) < 0)
        return -errno;
    while (!done) {
        ssize_t n = mnl_socket_recvfrom(nl->mnl, nl->rx, sizeof(nl->rx));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        err = dispatch(&r, nl->rx, (size_t)n, &done);
    }
    return !err && r.intr ? -EINTR : err;
}

/*
 * A dump, asked for again while it comes back interrupted: reset(arg) runs
 * before each try, so cb's results are those of the last, complete one.
 * -EAGAIN after NL_DUMP_TRIES interrupted dumps in a row.
 */
static int dump(struct nl_sock *nl, struct nlmsghdr *nlh,
                int (*cb)(const struct nlmsghdr *nlh, void *arg), void (*reset)(void *arg),
                void *arg)
{
    for (int i = 0; i < NL_DUMP_TRIES; i++) {
        reset(arg);
        int err = transact(nl, nlh, true, cb, arg);
        if (err != -EINTR)
            return err;
    }
    return -EAGAIN;
}

/* ------------------------------------------------------------------
 * Links
 * ---------------------------------------------------------------- */

static void copy_str(char *dst, size_t size, const struct nlattr *attr)
{
    snprintf(dst, size, "%s", mnl_attr_get_str(attr));
}

static int prop_list_cb(const struct nlattr *attr, void *data)
{
    struct nl_link *l = data;

    if (mnl_attr_get_type(attr) != IFLA_ALT_IFNAME || l->n_altnames >= NL_MAX_ALTNAMES)
        return MNL_CB_OK;
    if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
        return MNL_CB_OK;
    copy_str(l->altnames[l->n_altnames++], sizeof(l->altnames[0]), attr);
    return MNL_CB_OK;
}

static int link_info_cb(const struct nlattr *attr, void *data)
{
    struct nl_link *l = data;

    if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
        mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
        copy_str(l->kind, sizeof(l->kind), attr);
    return MNL_CB_OK;
}

/* AF_INET6 in IFLA_AF_SPEC: IPv6 is on unless its devconf says disable_ipv6. */
static int inet6_cb(const struct nlattr *attr, void *data)
{
    struct nl_link *l = data;
    int32_t disabled;

    if (mnl_attr_get_type(attr) != IFLA_INET6_CONF)
        return MNL_CB_OK;
    if (mnl_attr_get_payload_len(attr) < (DEVCONF_DISABLE_IPV6 + 1) * sizeof(int32_t))
        return MNL_CB_OK;
    memcpy(&disabled, (const int32_t *)mnl_attr_get_payload(attr) + DEVCONF_DISABLE_IPV6,
           sizeof(disabled));
    if (disabled)
        l->ipv6 = false;
    return MNL_CB_OK;
}

static int af_spec_cb(const struct nlattr *attr, void *data)
{
    struct nl_link *l = data;

    if (mnl_attr_get_type(attr) != AF_INET6 || mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
        return MNL_CB_OK;
    l->ipv6 = true;
    mnl_attr_parse_nested(attr, inet6_cb, l);
    return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
    struct nl_link *l = data;
    uint16_t type = mnl_attr_get_type(attr);

    switch (type) {
    case IFLA_IFNAME:
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
            copy_str(l->ifname, sizeof(l->ifname), attr);
        break;
    case IFLA_IFALIAS:
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
            copy_str(l->alias, sizeof(l->alias), attr);
        break;
    case IFLA_MTU:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
            l->mtu = mnl_attr_get_u32(attr);
        break;
    case IFLA_CARRIER:
        if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
            l->carrier = mnl_attr_get_u8(attr) != 0;
        break;
    case IFLA_LINKINFO:
        if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
            mnl_attr_parse_nested(attr, link_info_cb, l);
        break;
    case IFLA_PROP_LIST:
        if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
            mnl_attr_parse_nested(attr, prop_list_cb, l);
        break;
    case IFLA_AF_SPEC:
        if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
            mnl_attr_parse_nested(attr, af_spec_cb, l);
        break;
    }
    return MNL_CB_OK;
}

int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *out)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

    if (nlh->nlmsg_type != RTM_NEWLINK)
        return -ENOENT;
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    out->ifindex = ifi->ifi_index;
    out->flags = ifi->ifi_flags;
    mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, out);
    if (out->ifindex <= 0 || !out->ifname[0])
        return -EINVAL;
    return 0;
}

struct link_dump {
    bool stopped;
    struct nl_link link;
};

/* Every link of one dump, kept until the dump proves complete. */
struct link_list {
    struct nl_link *links;
    size_t count;
    size_t room;
    bool failed; /* out of memory */
};

static void link_list_reset(void *arg)
{
    struct link_list *l = arg;

    l->count = 0;
    l->failed = false;
}

static int link_list_cb(const struct nlmsghdr *nlh, void *arg)
{
    struct link_list *l = arg;

    if (l->failed)
        return 0;
    if (l->count == l->room) {
        size_t room = l->room ? 2 * l->room : 16;
        struct nl_link *links = realloc(l->links, room * sizeof(*links));

        if (!links) {
            l->failed = true;
            return 0;
        }
        l->links = links;
        l->room = room;
    }
    if (nl_parse_link(nlh, &l->links[l->count]) == 0)
        l->count++;
    return 0;
}

static struct nlmsghdr *put_link_hdr(void *buf, uint16_t type, uint16_t flags, int ifindex)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct ifinfomsg *ifi;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    return nlh;
}

static int copy_link_cb(const struct nlmsghdr *nlh, void *arg)
{
    struct link_dump *d = arg;

    if (!d->stopped && nl_parse_link(nlh, &d->link) == 0)
        d->stopped = true;
    return 0;
}

int nl_link_get(struct nl_sock *nl, int ifindex, struct nl_link *out)
{
    uint8_t buf[NL_TX_SIZE];
    struct link_dump d = {.stopped = false};
    struct nlmsghdr *nlh;
    int err;

    if (ifindex <= 0)
        return -ENODEV;
    nlh = put_link_hdr(buf, RTM_GETLINK, 0, ifindex);
    mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    err = transact(nl, nlh, false, copy_link_cb, &d);
    if (err)
        return err;
    if (!d.stopped)
        return -ENODEV;
    *out = d.link;
    return 0;
}

int nl_link_dump(struct nl_sock *nl, int (*cb)(const struct nl_link *link, void *arg), void *arg)
{
    uint8_t buf[NL_TX_SIZE];
    struct link_list l = {.links = NULL};
    struct nlmsghdr *nlh;
    int err;

    nlh = put_link_hdr(buf, RTM_GETLINK, 0, 0);
    mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    err = dump(nl, nlh, link_list_cb, link_list_reset, &l);
    if (!err && l.failed)
        err = -ENOMEM;
    for (size_t i = 0; !err && i < l.count; i++)
        if (cb(&l.links[i], arg))
            break;
    free(l.links);
    return err;
}

int nl_link_set_alias(struct nl_sock *nl, int ifindex, const char *alias)
{
    uint8_t buf[NL_TX_SIZE];
    struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK, 0, ifindex);

    if (strlen(alias) > 255)
        return -ERANGE;
    mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
    return transact(nl, nlh, false, NULL, NULL);
}

int nl_link_add_altname(struct nl_sock *nl, int ifindex, const char *altname)
{
    uint8_t buf[NL_TX_SIZE];
    struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINKPROP, 0, ifindex);
    struct nlattr *nest;

    if (strlen(altname) >= 128)
        return -ENAMETOOLONG;
    nest = mnl_attr_nest_start(nlh, IFLA_PROP_LIST);
    mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, altname);
    mnl_attr_nest_end(nlh, nest);
    return transact(nl, nlh, false, NULL, NULL);
}

int nl_link_set_up(struct nl_sock *nl, int ifindex, bool up)
{
    uint8_t buf[NL_TX_SIZE];
    struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK, 0, ifindex);
    struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? IFF_UP : 0;
    return transact(nl, nlh, false, NULL, NULL);
}

int nl_link_set_mtu(struct nl_sock *nl, int ifindex, unsigned int mtu)
{
    uint8_t buf[NL_TX_SIZE];
    struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK, 0, ifindex);

    mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    return transact(nl, nlh, false, NULL, NULL);
}

int nl_link_del(struct nl_sock *nl, int ifindex)
{
    uint8_t buf[NL_TX_SIZE];
    struct nlmsghdr *nlh = put_link_hdr(buf, RTM_DELLINK, 0, ifindex);

    return transact(nl, nlh, false, NULL, NULL);
}

/* ------------------------------------------------------------------
 * Addresses
 * ---------------------------------------------------------------- */

static size_t addr_len(int family) { return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0; }

static int addr_check(const struct nl_addr *a)
{
    size_t len = addr_len(a->family);

    if (!len || a->prefixlen > len * 8)
        return -EINVAL;
    return 0;
}

static struct nlmsghdr *put_addr_msg(void *buf, uint16_t type, uint16_t flags, int ifindex,
                                     const struct nl_addr *a)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct ifaddrmsg *ifa;
    size_t len = addr_len(a->family);

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = (uint8_t)a->family;
    ifa->ifa_prefixlen = a->prefixlen;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = (uint32_t)ifindex;
    /*
     * IPv4 names the local address in IFA_LOCAL and the peer (here the same)
     * in IFA_ADDRESS; IPv6 only needs IFA_ADDRESS. IPv6 addresses keep the
     * kernel's duplicate address detection: on a TUN (IFF_NOARP) it completes
     * at once when the link runs, and the address is "tentative" until then.
     */
    if (a->family == AF_INET)
        mnl_attr_put(nlh, IFA_LOCAL, len, a->addr);
    mnl_attr_put(nlh, IFA_ADDRESS, len, a->addr);
    return nlh;
}

int nl_addr_add(struct nl_sock *nl, int ifindex, const struct nl_addr *a)
{
    uint8_t buf[NL_TX_SIZE];
    int err = addr_check(a);

    if (err)
        return err;
    err = transact(nl, put_addr_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, a),
                   false, NULL, NULL);
    return err == -EEXIST ? 0 : err;
}

int nl_addr_del(struct nl_sock *nl, int ifindex, const struct nl_addr *a)
{
    uint8_t buf[NL_TX_SIZE];
    int err = addr_check(a);

    if (err)
        return err;
    return transact(nl, put_addr_msg(buf, RTM_DELADDR, 0, ifindex, a), false, NULL, NULL);
}

struct addr_attrs {
    const struct nlattr *local, *address;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
    struct addr_attrs *t = data;
    uint16_t type = mnl_attr_get_type(attr);

    if (type == IFA_LOCAL)
        t->local = attr;
    else if (type == IFA_ADDRESS)
        t->address = attr;
    return MNL_CB_OK;
}

int nl_parse_addr(const struct nlmsghdr *nlh, int *ifindex, struct nl_addr *out)
{
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    struct addr_attrs t = {NULL, NULL};
    const struct nlattr *attr;
    size_t len;

    if (nlh->nlmsg_type != RTM_NEWADDR)
        return -ENOENT;
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
        return -EINVAL;
    len = addr_len(ifa->ifa_family);
    if (!len)
        return -ENOENT;
    mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &t);
    /* The local address, not a point-to-point peer, is the interface's own. */
    attr = t.local ? t.local : t.address;
    if (!attr || mnl_attr_validate2(attr, MNL_TYPE_BINARY, len) < 0 ||
        ifa->ifa_prefixlen > len * 8)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    out->family = ifa->ifa_family;
    memcpy(out->addr, mnl_attr_get_payload(attr), len);
    out->prefixlen = ifa->ifa_prefixlen;
    *ifindex = (int)ifa->ifa_index;
    return 0;
}

/* Collects the addresses or routes of one interface from a dump. */
struct collect {
    int ifindex;
    void *out;
    size_t elem_size;
    size_t max;
    size_t count;
};

static void collect_one(struct collect *c, const void *item)
{
    if (c->count < c->max)
        memcpy((uint8_t *)c->out + c->count * c->elem_size, item, c->elem_size);
    c->count++;
}

static int addr_msg_cb(const struct nlmsghdr *nlh, void *arg)
{
    struct collect *c = arg;
    struct nl_addr a;
    int ifindex;

    if (nl_parse_addr(nlh, &ifindex, &a) == 0 && ifindex == c->ifindex)
        collect_one(c, &a);
    return 0;
}

static struct nlmsghdr *put_dump_hdr(void *buf, uint16_t type, size_t extra)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

    nlh->nlmsg_type = type;
    mnl_nlmsg_put_extra_header(nlh, extra); /* zeroed: family AF_UNSPEC */
    return nlh;
}

static void collect_reset(void *arg)
{
    struct collect *c = arg;

    c->count = 0;
}

int nl_addr_list(struct nl_sock *nl, int ifindex, struct nl_addr *out, size_t max, size_t *count)
{
    uint8_t buf[NL_TX_SIZE];
    struct collect c = {ifindex, out, sizeof(*out), out ? max : 0, 0};
    int err = dump(nl, put_dump_hdr(buf, RTM_GETADDR, sizeof(struct ifaddrmsg)), addr_msg_cb,
                   collect_reset, &c);

    if (err)
        return err;
    *count = c.count;
    return 0;
}

/* ------------------------------------------------------------------
 * Routes
 * ---------------------------------------------------------------- */

static struct nlmsghdr *put_route_msg(void *buf, uint16_t type, uint16_t flags, int ifindex,
                                      const struct nl_route *r)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct rtmsg *rtm;
    bool add = type == RTM_NEWROUTE;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    rtm->rtm_family = (uint8_t)r->dst.family;
    rtm->rtm_dst_len = r->dst.prefixlen;
    rtm->rtm_table = RT_TABLE_MAIN;
    /* Deletion matches any protocol, scope and type, as `ip route del` does. */
    rtm->rtm_protocol = add ? RTPROT_STATIC : 0;
    if (!add)
        rtm->rtm_scope = RT_SCOPE_NOWHERE;
    else
        rtm->rtm_scope = r->dst.family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
    rtm->rtm_type = add ? RTN_UNICAST : 0;
    if (r->dst.prefixlen)
        mnl_attr_put(nlh, RTA_DST, addr_len(r->dst.family), r->dst.addr);
    mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
    mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
    if (r->metric)
        mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
    return nlh;
}

int nl_route_add(struct nl_sock *nl, int ifindex, const struct nl_route *r)
{
    uint8_t buf[NL_TX_SIZE];
    int err = addr_check(&r->dst);

    if (err)
        return err;
    err = transact(nl, put_route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, ifindex, r),
                   false, NULL, NULL);
    return err == -EEXIST ? 0 : err;
}

int nl_route_del(struct nl_sock *nl, int ifindex, const struct nl_route *r)
{
    uint8_t buf[NL_TX_SIZE];
    int err = addr_check(&r->dst);

    if (err)
        return err;
    return transact(nl, put_route_msg(buf, RTM_DELROUTE, 0, ifindex, r), false, NULL, NULL);
}

struct route_attrs {
    const struct nlattr *dst, *oif, *priority, *table;
};

static int route_attr_cb(const struct nlattr *attr, void *data)
{
    struct route_attrs *t = data;

    switch (mnl_attr_get_type(attr)) {
    case RTA_DST:
        t->dst = attr;
        break;
    case RTA_OIF:
        t->oif = attr;
        break;
    case RTA_PRIORITY:
        t->priority = attr;
        break;
    case RTA_TABLE:
        t->table = attr;
        break;
    }
    return MNL_CB_OK;
}

static int route_validate(const struct route_attrs *t, size_t len)
{
    if (t->dst && mnl_attr_validate2(t->dst, MNL_TYPE_BINARY, len) < 0)
        return -EINVAL;
    if (!t->oif || mnl_attr_validate(t->oif, MNL_TYPE_U32) < 0)
        return -EINVAL;
    if (t->priority && mnl_attr_validate(t->priority, MNL_TYPE_U32) < 0)
        return -EINVAL;
    if (t->table && mnl_attr_validate(t->table, MNL_TYPE_U32) < 0)
        return -EINVAL;
    return 0;
}

int nl_parse_route(const struct nlmsghdr *nlh, int *oif, struct nl_route *out)
{
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    struct route_attrs t = {NULL, NULL, NULL, NULL};
    uint32_t table;
    size_t len;

    if (nlh->nlmsg_type != RTM_NEWROUTE)
        return -ENOENT;
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
        return -EINVAL;
    len = addr_len(rtm->rtm_family);
    if (!len || rtm->rtm_type != RTN_UNICAST || (rtm->rtm_flags & RTM_F_CLONED))
        return -ENOENT;
    if (rtm->rtm_dst_len > len * 8)
        return -EINVAL;
    mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, &t);
    if (!t.oif)
        return -ENOENT; /* multipath or no device: not through one adapter */
    if (route_validate(&t, len) < 0)
        return -EINVAL;
    table = t.table ? mnl_attr_get_u32(t.table) : rtm->rtm_table;
    if (table != RT_TABLE_MAIN)
        return -ENOENT;
    memset(out, 0, sizeof(*out));
    out->dst.family = rtm->rtm_family;
    out->dst.prefixlen = rtm->rtm_dst_len;
    if (t.dst)
        memcpy(out->dst.addr, mnl_attr_get_payload(t.dst), len);
    out->metric = t.priority ? mnl_attr_get_u32(t.priority) : 0;
    *oif = (int)mnl_attr_get_u32(t.oif);
    return 0;
}

static int route_msg_cb(const struct nlmsghdr *nlh, void *arg)
{
    struct collect *c = arg;
    struct nl_route r;
    int oif;

    if (nl_parse_route(nlh, &oif, &r) == 0 && oif == c->ifindex)
        collect_one(c, &r);
    return 0;
}

int nl_route_list(struct nl_sock *nl, int ifindex, struct nl_route *out, size_t max, size_t *count)
{
    uint8_t buf[NL_TX_SIZE];
    struct collect c = {ifindex, out, sizeof(*out), out ? max : 0, 0};
    int err = dump(nl, put_dump_hdr(buf, RTM_GETROUTE, sizeof(struct rtmsg)), route_msg_cb,
                   collect_reset, &c);

    if (err)
        return err;
    *count = c.count;
    return 0;
}
