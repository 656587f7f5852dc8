/* SPDX-License-Identifier: MIT */
/*
 * The library's log, handed to Python loggers.
 *
 * The library has one logger per process and may call it from any thread,
 * sometimes while it holds one of its own locks (the send flusher logs under
 * a session's tx_lock). Calling Python from there could deadlock: the
 * logging thread would wait for the GIL while the GIL's holder waits for the
 * library's lock. So the logger only queues the message (a plain mutex,
 * never held while waiting for anything), and keeps the calling thread's
 * last error or warning for the exception that call raises (errors.c).
 *
 * Each module (one per interpreter, and one per fresh import) has a sink:
 * its queue and its Python callback. The logger queues a copy of every
 * message into each sink that has a callback. A queue is delivered, always
 * with the GIL and no library lock held:
 *   - by the thread that made a library call, right after the call returns
 *     (so a message about a failing call comes before its exception), and
 *   - for the main interpreter, by a delivery thread of this module, which
 *     takes the GIL with PyGILState_Ensure, for messages logged while no
 *     Python call is running (the library's own thread; waits, which run
 *     with the GIL released). A sub-interpreter's queue waits for its next
 *     call (at most MAX_QUEUED messages; later ones are dropped).
 *
 * Lifetime. A sink is shared by its module and, while it delivers, the
 * delivery thread: refs counts them under log_mu, and the last one frees it.
 * The callback and `closed` are only touched with the sink's interpreter's
 * GIL.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include "_wintun.h"

#define MAX_QUEUED 4096

struct log_entry {
    struct log_entry *next;
    int level;
    unsigned long long timestamp;
    WCHAR message[];
};

struct wt_sink {
    struct wt_sink *next;           /* in `sinks`, under log_mu */
    struct log_entry *head, **tail; /* the queue, under log_mu */
    int queued;                     /* under log_mu */
    int refs;                       /* under log_mu */
    bool main_interp;               /* the delivery thread serves it */
    atomic_int listening;           /* a callback is set: queue messages */
    atomic_int pending;             /* the queue is not empty (a hint, read unlocked) */
    bool closed;                    /* with the GIL: deliver nothing more */
    PyObject *callback;             /* with the GIL; NULL: none */
};

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t log_cond = PTHREAD_COND_INITIALIZER;
static struct wt_sink *sinks; /* under log_mu */
static bool thread_started;   /* under log_mu */

static void *delivery_main(void *arg);

/* Start the delivery thread (log_mu held), with every signal blocked: they are Python's. */
static void start_thread(void)
{
    pthread_t t;
    pthread_attr_t attr;
    sigset_t all, old;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    thread_started = pthread_create(&t, &attr, delivery_main, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
}

static void WINAPI library_logger(WINTUN_LOGGER_LEVEL level, DWORD64 timestamp,
                                  const WCHAR *message)
{
    size_t size = sizeof(struct log_entry) + (wcslen(message) + 1) * sizeof(WCHAR);
    bool wake = false;

    wt_capture(level, message);
    pthread_mutex_lock(&log_mu);
    for (struct wt_sink *s = sinks; s; s = s->next) {
        if (!atomic_load(&s->listening) || s->queued >= MAX_QUEUED)
            continue;
        struct log_entry *e = malloc(size);
        if (!e)
            break;
        e->next = NULL;
        e->level = (int)level;
        e->timestamp = timestamp;
        memcpy(e->message, message, size - sizeof(*e));
        *s->tail = e;
        s->tail = &e->next;
        s->queued++;
        atomic_store(&s->pending, 1);
        wake |= s->main_interp;
    }
    if (wake && !thread_started)
        start_thread();
    if (wake)
        pthread_cond_signal(&log_cond);
    pthread_mutex_unlock(&log_mu);
}

/* Take the sink's queue (log_mu held). */
static struct log_entry *take_locked(struct wt_sink *s)
{
    struct log_entry *all = s->head;
    s->head = NULL;
    s->tail = &s->head;
    s->queued = 0;
    atomic_store(&s->pending, 0);
    return all;
}

static struct log_entry *take_all(struct wt_sink *s)
{
    pthread_mutex_lock(&log_mu);
    struct log_entry *all = take_locked(s);
    pthread_mutex_unlock(&log_mu);
    return all;
}

static void free_entries(struct log_entry *e)
{
    while (e) {
        struct log_entry *next = e->next;
        free(e);
        e = next;
    }
}

static void unref(struct wt_sink *s)
{
    pthread_mutex_lock(&log_mu);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&log_mu);
    if (last) {
        free_entries(s->head);
        free(s);
    }
}

void wt_deliver(struct wt_sink *s)
{
    if (!s || !atomic_load_explicit(&s->pending, memory_order_relaxed))
        return;
    struct log_entry *e = take_all(s);
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    while (e) {
        struct log_entry *next = e->next;
        PyObject *cb = s->closed ? NULL : s->callback;
        if (cb) {
            Py_INCREF(cb);
            PyObject *r = PyObject_CallFunction(cb, "iKu", e->level, e->timestamp, e->message);
            if (r)
                Py_DECREF(r);
            else
                PyErr_WriteUnraisable(cb);
            Py_DECREF(cb);
        }
        free(e);
        e = next;
    }
    PyErr_Restore(type, value, tb);
}

static bool finalizing(void)
{
#if PY_VERSION_HEX >= 0x030D0000
    return !Py_IsInitialized() || Py_IsFinalizing();
#else
    return !Py_IsInitialized() || _Py_IsFinalizing();
#endif
}

/* A main-interpreter sink with messages waiting (log_mu held), or NULL. */
static struct wt_sink *next_waiting(void)
{
    for (struct wt_sink *s = sinks; s; s = s->next)
        if (s->main_interp && s->head)
            return s;
    return NULL;
}

static void *delivery_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct wt_sink *s;
        pthread_mutex_lock(&log_mu);
        while (!(s = next_waiting()))
            pthread_cond_wait(&log_cond, &log_mu);
        s->refs++;
        pthread_mutex_unlock(&log_mu);
        if (finalizing()) {
            free_entries(take_all(s)); /* the process is exiting */
        } else {
            PyGILState_STATE g = PyGILState_Ensure();
            wt_deliver(s);
            PyGILState_Release(g);
        }
        unref(s);
    }
    return NULL;
}

struct wt_sink *wt_log_open(void)
{
    struct wt_sink *s = calloc(1, sizeof(*s));
    if (!s) {
        PyErr_NoMemory();
        return NULL;
    }
    s->tail = &s->head;
    s->refs = 1;
    s->main_interp = PyInterpreterState_Get() == PyInterpreterState_Main();
    pthread_mutex_lock(&log_mu);
    s->next = sinks;
    sinks = s;
    pthread_mutex_unlock(&log_mu);
    WintunSetLogger(library_logger);
    return s;
}

void wt_log_set_callback(struct wt_sink *s, PyObject *callback)
{
    wt_deliver(s); /* what was queued goes to the logger it was logged under */
    PyObject *old = s->callback;
    s->callback = s->closed || !callback ? NULL : Py_NewRef(callback);
    atomic_store(&s->listening, s->callback != NULL);
    Py_XDECREF(old);
}

PyObject *wt_log_callback(struct wt_sink *s) { return s ? s->callback : NULL; }

void wt_log_stop(struct wt_sink *s)
{
    if (!s)
        return;
    s->closed = true;
    atomic_store(&s->listening, 0);
    Py_CLEAR(s->callback);
    free_entries(take_all(s));
}

void wt_log_shutdown(struct wt_sink *s)
{
    wt_deliver(s);
    wt_log_stop(s);
}

void wt_log_close(struct wt_sink *s)
{
    if (!s)
        return;
    wt_log_stop(s);
    pthread_mutex_lock(&log_mu);
    for (struct wt_sink **p = &sinks; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    pthread_mutex_unlock(&log_mu);
    unref(s);
}
