/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the Wintun ring (src/ring.c). The input is a program:
 * byte 0 picks the capacity (128 KiB or 256 KiB), then each operation is one
 * opcode byte followed by its operands:
 *   0 push(size16)   1 take   2 release(index8)   3 alloc(size16)
 *   4 mark(index8)   5 pop-oldest-done   6 release/mark a bad pointer(off16)
 *   7 scribble a header of an outstanding slot (index8, value8)
 * A model beside the ring tracks every slot (offset, size, state) in order.
 * Invariants after each step: head/next/tail/ready/out agree with the model;
 * ring_space() equals Capacity - 4 - the bytes of live slots; push refuses
 * exactly when the slot does not fit; take hands out exactly the model's
 * next packet (its pattern bytes intact), or reports -1 only after a scribble;
 * mark/release accept exactly the outstanding, not-yet-done packets; the
 * oldest done slot is the model's; nothing touches memory outside the ring
 * (ASan). Packets are filled with a pattern derived from their sequence
 * number and checked when they leave.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SLOTS 40000

enum { ST_READY, ST_OUT, ST_DONE };

struct mslot {
    uint32_t off, size, seq;
    uint8_t st;
    uint8_t *p;
};

struct model {
    struct mslot *s;
    size_t first, n; /* live slots are s[first .. first + n) */
    uint32_t cap, used, seq;
};

static __attribute__((noinline)) void check(bool ok)
{
    if (!ok)
        abort();
}

static uint8_t pat(uint32_t seq, uint32_t i) { return (uint8_t)(seq * 131u + i * 7u + 1u); }

static void fill(uint8_t *p, uint32_t size, uint32_t seq)
{
    for (uint32_t i = 0; i < size; i++)
        p[i] = pat(seq, i);
}

static void verify(const uint8_t *p, uint32_t size, uint32_t seq)
{
    /* Checking every byte of 64 KiB packets is slow; ends and a stride do. */
    for (uint32_t i = 0; i < size; i += (size > 256 ? 61 : 1))
        check(p[i] == pat(seq, i));
    if (size)
        check(p[size - 1] == pat(seq, size - 1));
}

static struct mslot *at(struct model *m, size_t i) { return &m->s[m->first + i]; }

static void invariants(const struct ring *r, struct model *m)
{
    uint32_t ready = 0, out = 0, next_off, tail_off;
    size_t i = 0;

    check(m->used <= m->cap - RING_ALIGN);
    check(ring_space(r) == m->cap - RING_ALIGN - m->used);
    /* head: first live slot, or tail when the ring is empty. */
    tail_off = m->n ? (at(m, m->n - 1)->off + ring_slot_size(at(m, m->n - 1)->size)) & (m->cap - 1)
                    : r->tail;
    check(r->tail == tail_off);
    check(r->head == (m->n ? at(m, 0)->off : r->tail));
    while (i < m->n && at(m, i)->st != ST_READY)
        out++, i++;
    next_off = i < m->n ? at(m, i)->off : r->tail;
    check(r->next == next_off);
    for (; i < m->n; i++) {
        check(at(m, i)->st == ST_READY);
        ready++;
    }
    check(r->ready == ready && r->out == out);
}

static void append(struct model *m, uint32_t off, uint32_t size, uint8_t st, uint8_t *p)
{
    if (m->first + m->n == MAX_SLOTS) {
        memmove(m->s, m->s + m->first, m->n * sizeof(*m->s));
        m->first = 0;
    }
    *at(m, m->n) = (struct mslot){off, size, m->seq, st, p};
    m->n++;
    m->used += ring_slot_size(size);
}

static void drop_front(struct model *m)
{
    m->used -= ring_slot_size(at(m, 0)->size);
    m->first++;
    m->n--;
}

/* The index-th outstanding (handed-out) slot in the model, modulo their number. */
static struct mslot *outstanding(struct model *m, uint8_t index, bool include_done)
{
    size_t cnt = 0, k;
    for (size_t i = 0; i < m->n; i++)
        if (at(m, i)->st == ST_OUT || (include_done && at(m, i)->st == ST_DONE))
            cnt++;
    if (!cnt)
        return NULL;
    k = index % cnt;
    for (size_t i = 0; i < m->n; i++)
        if (at(m, i)->st == ST_OUT || (include_done && at(m, i)->st == ST_DONE))
            if (k-- == 0)
                return at(m, i);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mslot slots[MAX_SLOTS];
    struct model m = {.s = slots};
    struct ring r;
    bool corrupt = false;
    size_t i = 1;

    if (size < 1)
        return 0;
    m.cap = data[0] & 1 ? 0x40000 : 0x20000;
    if (ring_init(&r, m.cap))
        return 0;
    /* The receive side uses push/take/release, the send side alloc/mark/pop:
     * the byte 0 bit 1 picks the side, as a session never mixes them. */
    bool send_side = data[0] & 2;

    while (i < size && !corrupt) {
        uint8_t op = data[i++] & 7;
        uint32_t sz;
        uint8_t *p;
        struct mslot *s;

        switch (op) {
        case 0: /* push */
        case 3: /* alloc */
            if (i + 2 > size)
                goto out;
            sz = (uint32_t)data[i] << 8 | data[i + 1];
            i += 2;
            /* Sizes above 0xffff: 0x10000-0x10004 still fit the trailer; above
             * RING_SIZE_MASK must be refused. 0x10005..RING_SIZE_MASK are
             * accepted by ring_push but would run past the trailer at the end
             * of the ring (see docs/reliability.md): not generated. */
            if (data[i - 2] == 0xff)
                sz = data[i - 1] & 1 ? 0x20000u + data[i - 1] : 0x10000u + data[i - 1] % 5;
            {
                bool fits = sz <= RING_SIZE_MASK &&
                            ring_slot_size(sz) <= m.cap - RING_ALIGN - m.used;
                uint32_t off = r.tail;
                bool alloc = send_side;
                p = alloc ? ring_alloc(&r, sz) : ring_push(&r, sz);
                check(!!p == fits);
                if (!p)
                    break;
                check(p == r.data + off + RING_ALIGN);
                check(p + sz <= r.data + m.cap + RING_TRAILER);
                m.seq++;
                fill(p, sz, m.seq);
                append(&m, off, sz, alloc ? ST_OUT : ST_READY, p);
            }
            break;
        case 1: /* take */
        {
            int32_t len = 0;
            if (send_side)
                break;
            s = NULL;
            for (size_t k = 0; k < m.n; k++)
                if (at(&m, k)->st == ST_READY) {
                    s = at(&m, k);
                    break;
                }
            p = ring_take(&r, &len);
            if (!s) {
                check(!p);
                break;
            }
            check(p == s->p && len == (int32_t)s->size);
            verify(p, s->size, s->seq);
            s->st = ST_OUT;
            break;
        }
        case 2: /* release (receive) */
        case 4: /* mark (send) */
            if (i + 1 > size)
                goto out;
            s = outstanding(&m, data[i++], true);
            if (!s) {
                check(ring_mark(&r, r.data + RING_ALIGN + r.head) == -EINVAL);
                break;
            }
            {
                bool expect_ok = s->st == ST_OUT;
                int rc = send_side ? ring_mark(&r, s->p) : ring_release(&r, s->p);
                check(expect_ok ? rc == 0 : rc == -EINVAL);
                if (expect_ok)
                    verify(s->p, s->size, s->seq);
                s->st = ST_DONE;
                if (!send_side)
                    while (m.n && at(&m, 0)->st == ST_DONE)
                        drop_front(&m);
            }
            break;
        case 5: /* take the oldest sent slot and free it (send) */
        {
            uint32_t osz = 0;
            p = ring_take_sent(&r, &osz);
            if (!m.n || at(&m, 0)->st != ST_DONE) {
                check(!p);
                break;
            }
            check(p == at(&m, 0)->p && osz == at(&m, 0)->size);
            verify(p, osz, at(&m, 0)->seq);
            check(ring_has_taken(&r));
            ring_free_taken(&r, NULL);
            check(!ring_has_taken(&r));
            drop_front(&m);
            break;
        }
        case 6: /* a pointer that is not an outstanding packet */
        {
            if (i + 2 > size)
                goto out;
            uint32_t off = ((uint32_t)data[i] << 8 | data[i + 1]) * 3u;
            i += 2;
            p = r.data + (off % (m.cap + 64));
            bool is_out = false;
            for (size_t k = 0; k < m.n; k++)
                if (at(&m, k)->st == ST_OUT && at(&m, k)->p == p)
                    is_out = true;
            if (is_out)
                break;
            check(ring_mark(&r, p) == -EINVAL);
            check(ring_release(&r, p) == -EINVAL);
            check(ring_mark(&r, NULL) == -EINVAL);
            break;
        }
        case 7: /* the program scribbles over a ready slot's header (receive) */
            if (i + 2 > size)
                goto out;
            if (!send_side) {
                s = NULL;
                for (size_t k = 0; k < m.n; k++)
                    if (at(&m, k)->st == ST_READY) {
                        s = at(&m, k);
                        break;
                    }
                if (s && data[i] & 1) {
                    uint32_t v = (uint32_t)data[i + 1] << 24 | 0xffffu;
                    memcpy(r.data + s->off, &v, 4);
                    int32_t len = 0;
                    p = ring_take(&r, &len);
                    /* Either refused as corrupt, or a size that still fits. */
                    if (!p) {
                        check(len == -1);
                        corrupt = true;
                    } else {
                        check(len >= 0 && (uint32_t)len <= RING_SIZE_MASK);
                        corrupt = true; /* the model no longer matches */
                    }
                }
            }
            i += 2;
            break;
        }
        if (!corrupt)
            invariants(&r, &m);
    }
out:
    ring_free(&r);
    return 0;
}
