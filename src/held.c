/* SPDX-License-Identifier: MIT */
/*
 * The held list and the flusher thread (held.h).
 *
 * A session whose coalescer still holds segments, or whose writer has writes
 * staged, after a send is put on the held list, marked with the thread that
 * sent into it last. That thread writes it out when it is about to wait or
 * found nothing to receive (held_flush_mine); a flusher thread, started on
 * first use, writes out the whole list (held_flush_all). Once
 * woken, the flusher writes the list out every TX_HOLD_NS, and goes back to
 * sleep after FLUSHER_LINGER rounds in a row that found nothing left to
 * write. While it keeps finding work it stays awake: waking it for every
 * held super-packet would cost a futex wake and a sleep per batch, more
 * system calls than the batching saves. Rounds that find nothing (the
 * senders wrote their super-packets themselves) do not keep it awake, so
 * traffic that merges only now and then does not keep a second thread busy
 * beside the program. Flushing holds the list's lock and only try-locks a
 * session's tx_lock; a session busy in another thread stays listed and is
 * retried, so it never waits for a sender while holding the list (lock
 * order tx_lock -> held_lock elsewhere). A session is taken off the list
 * under both locks, then written with only its tx_lock, so senders putting
 * other sessions on the list do not wait for the write.
 */
#include <signal.h>
#include <time.h>
#include "held.h"
#include "log.h"
#include "session.h"

#define HELD_MAX 64
#define FLUSHER_LINGER 10 /* rounds of TX_HOLD_NS that found nothing: about 1 ms */

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_cond = PTHREAD_COND_INITIALIZER;
static struct session *held[HELD_MAX];
static atomic_int held_count;
static held_flush_fn flush_one; /* the send path's, set by held_add (held_lock) */
static pthread_once_t flusher_once = PTHREAD_ONCE_INIT;
/* Guarded by held_lock: is the flusher running its rounds? */
static bool flusher_awake;
/* Its address tells the threads apart (session.held_by). */
static __thread char thread_mark;

static uintptr_t this_thread(void) { return (uintptr_t)&thread_mark; }

static void *flusher_main(void *arg)
{
    (void)arg;
    int idle_rounds = 0;
    pthread_mutex_lock(&held_lock);
    for (;;) {
        if (idle_rounds >= FLUSHER_LINGER && atomic_load(&held_count) == 0) {
            flusher_awake = false;
            while (!flusher_awake)
                pthread_cond_wait(&held_cond, &held_lock);
            idle_rounds = 0;
        }
        pthread_mutex_unlock(&held_lock);
        struct timespec d = {0, TX_HOLD_NS};
        nanosleep(&d, NULL);
        int wrote = held_flush_all();
        pthread_mutex_lock(&held_lock);
        idle_rounds = wrote ? 0 : idle_rounds + 1;
    }
    return NULL;
}

static void flusher_start(void)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Block every signal in the flusher: signals are the program's business. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&t, &attr, flusher_main, NULL) != 0)
        log_msg(WINTUN_LOG_WARN, "Failed to start the send flusher thread");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
}

bool held_add(struct session *s, held_flush_fn flush)
{
    atomic_store_explicit(&s->held_by, this_thread(), memory_order_relaxed);
    if (s->held)
        return true;
    pthread_once(&flusher_once, flusher_start);
    pthread_mutex_lock(&held_lock);
    flush_one = flush;
    int n = atomic_load(&held_count);
    if (n < HELD_MAX) {
        held[n] = s;
        atomic_store(&held_count, n + 1);
        s->held = true;
        if (!flusher_awake) {
            flusher_awake = true;
            pthread_cond_signal(&held_cond);
        }
    }
    pthread_mutex_unlock(&held_lock);
    return s->held;
}

static void unlist(int i)
{
    int n = atomic_load(&held_count) - 1;
    held[i] = held[n];
    held[n] = NULL;
    atomic_store(&held_count, n);
}

/*
 * Write out the listed sessions (all, or those @thread sent into last) that
 * no other thread is sending into. After each write the list may have
 * changed: the scan goes on from the same index (where unlist moved the last
 * entry), and writes at most HELD_MAX sessions, so senders that keep adding
 * cannot keep it going.
 */
static int flush_listed(uintptr_t thread)
{
    int wrote = 0, budget = HELD_MAX;
    if (atomic_load_explicit(&held_count, memory_order_relaxed) == 0)
        return 0;
    pthread_mutex_lock(&held_lock);
    for (int i = 0; i < atomic_load(&held_count) && budget > 0;) {
        struct session *s = held[i];
        if ((thread && atomic_load_explicit(&s->held_by, memory_order_relaxed) != thread) ||
            pthread_mutex_trylock(&s->tx_lock) != 0) {
            i++;
            continue;
        }
        held_flush_fn flush = flush_one;
        unlist(i);
        s->held = false;
        pthread_mutex_unlock(&held_lock);
        wrote += flush(s) != 0;
        pthread_mutex_unlock(&s->tx_lock);
        budget--;
        pthread_mutex_lock(&held_lock);
    }
    pthread_mutex_unlock(&held_lock);
    return wrote;
}

int held_flush_all(void) { return flush_listed(0); }

int held_flush_mine(void) { return flush_listed(this_thread()); }

void held_remove(struct session *s)
{
    pthread_mutex_lock(&s->tx_lock);
    pthread_mutex_lock(&held_lock);
    for (int i = 0; i < atomic_load(&held_count); i++) {
        if (held[i] == s) {
            unlist(i);
            break;
        }
    }
    s->held = false;
    pthread_mutex_unlock(&held_lock);
    pthread_mutex_unlock(&s->tx_lock);
}
