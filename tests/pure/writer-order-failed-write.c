/* SPDX-License-Identifier: MIT */
/*
 * Order across a failed write in a batch (writer.h, "Order"). Three writes
 * staged back to back: a packet, a super-packet that the kernel refuses,
 * and a packet. The writer's report of the refusal writes a replacement
 * (what the send path does: the super-packet's segments, one by one), and
 * that replacement must reach the other end before the third write. The
 * writer runs on a SOCK_SEQPACKET socket, which keeps every write a message
 * of its own, in order, and refuses one larger than its send buffer
 * (EMSGSIZE): the stand-in for the kernel's refusal. Both ways of batching:
 * unlinked writes (a TUN queue with the default, unlimited send buffer) and
 * linked ones.
 */
#include <sys/socket.h>
#include "harness.h"
#include "uring.h"
#include "writer.h"

enum { BIG = 60000 };

struct seen {
    struct writer *w;
    int refused, replaced;
};

static void done(void *arg, const struct writer_entry *e, const struct iovec *iov, int res)
{
    struct seen *s = arg;
    (void)iov;
    if (res == -EMSGSIZE && e->packets > 1) {
        s->refused++;
        struct iovec r = {(void *)"R", 1};
        if (writer_write_now(s->w, &r, 1, 1) == 0)
            s->replaced++;
        return;
    }
    CHECK_EQ(res, 0);
}

/* A write of @len bytes of @tag, in two pieces as the send path writes. */
static void stage(struct writer *w, uint8_t tag, uint32_t len, uint32_t packets)
{
    static uint8_t bytes[4][BIG];
    static unsigned int next;
    uint8_t *p = bytes[next++ % 4];
    memset(p, tag, len);
    struct iovec *v = writer_pieces(w);
    v[0] = (struct iovec){p, 1};
    v[1] = (struct iovec){p + 1, len - 1};
    writer_commit(w, 2, packets, len);
}

static void run(bool linked)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
    int small = 4096;
    REQUIRE(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)) == 0);
    int big = 1 << 20;
    REQUIRE(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)) == 0);
    struct writer w;
    struct seen seen = {.w = &w};
    REQUIRE(writer_init(&w, sv[0], WRITER_URING, done, &seen) == 0);
    w.linked = linked;
    /* The first write after a pause goes out alone; the next ones follow
     * it closely, so they are staged and flushed as batches. */
    stage(&w, 'F', 2, 1);
    stage(&w, 'A', 2, 1);
    stage(&w, 'S', BIG, 2);
    stage(&w, 'C', 2, 1);
    writer_flush(&w);
    char got[8] = "";
    size_t n = 0;
    for (; n < sizeof(got) - 1; n++) {
        uint8_t b[BIG];
        ssize_t r = recv(sv[1], b, sizeof(b), MSG_DONTWAIT);
        if (r <= 0)
            break;
        got[n] = (char)b[0];
    }
    printf("%s: the other end got \"%s\"\n", linked ? "linked" : "unlinked", got);
    CHECK_EQ(seen.refused, 1);
    CHECK_EQ(seen.replaced, 1);
    CHECK(strcmp(got, "FARC") == 0);
    writer_free(&w);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    if (!uring_available())
        skip("io_uring is not available to this process");
    run(false);
    run(true);
    return test_done();
}
