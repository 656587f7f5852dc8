/* SPDX-License-Identifier: MIT */
/*
 * _wintun - the C half of the `wintun` Python package: the per-packet path
 * (read, read_into, write, wait_read_event) and thin wrappers over the rest
 * of liblintun. wintun/__init__.py builds the documented API on top.
 *
 * The GIL. Every call keeps the GIL except wait_read_event, which releases it
 * while it sleeps. Keeping it on the packet path is what makes a Python loop
 * fast: no GIL hand-over per packet. It is safe because the library never
 * waits for Python: see "Logging" below.
 *
 * Logging. The library may log from any thread, sometimes while it holds
 * one of its own locks (the send flusher logs under a session's tx_lock).
 * Calling Python from there could deadlock: the logging thread would wait
 * for the GIL while the GIL's holder waits for the library's lock. So the
 * library's logger only queues the message (a plain mutex, never held while
 * waiting for anything). The queue is delivered to the Python callback,
 * always with no library lock held:
 *   - by the thread that made the library call, right after the call
 *     returns (so a message about a failing call comes before its
 *     exception), and
 *   - by a delivery thread of this module, which takes the GIL with
 *     PyGILState_Ensure, for messages logged while no Python call is
 *     running (the library's background thread, waits with the GIL
 *     released).
 * The logger also keeps the calling thread's last error or warning, which
 * becomes the text of the next exception that thread raises.
 *
 * Session lifetime. down() must not free a session another thread is using.
 * Calls that hold the GIL cannot overlap down(), which holds it too and
 * clears self->session first. The only call that uses the session without
 * the GIL is the wait, so waiters are counted (users, under mu) and
 * down() wakes them through the device's own eventfd and waits until none
 * is left before it ends the session. A waiter gives up its count before it
 * takes the GIL back, so down() may hold the GIL while it waits.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "wintun.h"

#define DEFAULT_CAPACITY 0x400000
#define CAPTURE_MAX 1024

/* ------------------------------------------------------------------------
 * Exceptions: wintun.Error(winerror, message) and wintun.RingFull, classes
 * defined in __init__.py and registered with _set_error_types().
 * --------------------------------------------------------------------- */

static PyObject *error_type;     /* wintun.Error, or NULL before registration */
static PyObject *ring_full_type; /* wintun.RingFull */

/* The calling thread's last error or warning logged by the library. */
static _Thread_local WCHAR captured[CAPTURE_MAX];
static _Thread_local int have_captured;

static inline void begin_call(void) { have_captured = 0; }

/* Raise type(code, message); the message is what the library logged during
 * the call when it logged something, else `what` (may be NULL: then the
 * Error class uses the code's name). Returns NULL. */
static PyObject *raise_code_as(PyObject *type, DWORD code, const char *what)
{
    PyObject *msg;
    if (have_captured)
        msg = PyUnicode_FromWideChar(captured, -1);
    else if (what)
        msg = PyUnicode_FromString(what);
    else
        msg = Py_NewRef(Py_None);
    have_captured = 0;
    if (!msg)
        return NULL;
    if (!type)
        type = error_type ? error_type : PyExc_OSError;
    PyObject *exc = PyObject_CallFunction(type, "kO", (unsigned long)code, msg);
    Py_DECREF(msg);
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return NULL;
}

static void deliver_logs(void);

static PyObject *raise_code(DWORD code, const char *what)
{
    deliver_logs();
    return raise_code_as(NULL, code, what);
}

static PyObject *raise_last(void)
{
    return raise_code(LintunGetLastError(), NULL);
}

/* ------------------------------------------------------------------------
 * Logging
 * --------------------------------------------------------------------- */

struct log_entry {
    struct log_entry *next;
    int level;
    unsigned long long timestamp;
    WCHAR message[];
};

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t log_cond = PTHREAD_COND_INITIALIZER;
static struct log_entry *log_head, **log_tail = &log_head;
static atomic_int log_pending;          /* entries in the queue */
static atomic_int log_shutdown;         /* the interpreter is going away */
static int log_thread_started;          /* under log_mu */
static PyObject *py_logger;             /* under the GIL; NULL: silence */

static void *log_thread_main(void *arg);

static void WINAPI library_logger(WINTUN_LOGGER_LEVEL level, DWORD64 timestamp,
                                  const WCHAR *message)
{
    if (level != WINTUN_LOG_INFO) {
        wcsncpy(captured, message, CAPTURE_MAX - 1);
        captured[CAPTURE_MAX - 1] = 0;
        have_captured = 1;
    }
    if (atomic_load(&log_shutdown))
        return;
    size_t len = wcslen(message);
    struct log_entry *e = malloc(sizeof(*e) + (len + 1) * sizeof(WCHAR));
    if (!e)
        return;
    e->next = NULL;
    e->level = (int)level;
    e->timestamp = timestamp;
    wmemcpy(e->message, message, len + 1);
    pthread_mutex_lock(&log_mu);
    *log_tail = e;
    log_tail = &e->next;
    atomic_fetch_add(&log_pending, 1);
    if (!log_thread_started) {
        pthread_t t;
        pthread_attr_t attr;
        sigset_t all, old;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old); /* signals are Python's main thread's */
        log_thread_started = pthread_create(&t, &attr, log_thread_main, NULL) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        pthread_attr_destroy(&attr);
    }
    pthread_cond_signal(&log_cond);
    pthread_mutex_unlock(&log_mu);
}

static struct log_entry *log_take_all(void)
{
    pthread_mutex_lock(&log_mu);
    struct log_entry *all = log_head;
    log_head = NULL;
    log_tail = &log_head;
    atomic_store(&log_pending, 0);
    pthread_mutex_unlock(&log_mu);
    return all;
}

/* Hand every queued message to the Python logger (GIL held). */
static void deliver_logs(void)
{
    if (!atomic_load_explicit(&log_pending, memory_order_relaxed))
        return;
    struct log_entry *e = log_take_all();
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    while (e) {
        struct log_entry *next = e->next;
        PyObject *cb = py_logger;
        if (cb && !atomic_load(&log_shutdown)) {
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

static void *log_thread_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&log_mu);
        while (!log_head)
            pthread_cond_wait(&log_cond, &log_mu);
        pthread_mutex_unlock(&log_mu);
        if (atomic_load(&log_shutdown) || !Py_IsInitialized()) {
            free(log_take_all()); /* leak the rest: the process is exiting */
            continue;
        }
        PyGILState_STATE g = PyGILState_Ensure();
        deliver_logs();
        PyGILState_Release(g);
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

static int capacity_valid(unsigned long long c)
{
    return c >= WINTUN_MIN_RING_CAPACITY && c <= WINTUN_MAX_RING_CAPACITY && !(c & (c - 1));
}

static PyObject *format_address(const LINTUN_IP_ADDRESS *a)
{
    char buf[64];
    if (!LintunFormatAddress(a, buf, sizeof(buf)))
        return raise_last();
    return PyUnicode_FromString(buf);
}

/* Parse text ("10.0.0.1/24", "fd00::1"); without a prefix, default_v4 and
 * default_v6 (when >= 0) replace the library's /32 and /128. */
static int parse_address(PyObject *text, LINTUN_IP_ADDRESS *out, int default_v4, int default_v6)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "address must be str, not %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
    const char *s = PyUnicode_AsUTF8(text);
    if (!s)
        return -1;
    begin_call();
    if (!LintunParseAddress(s, out)) {
        raise_code(LintunGetLastError(), NULL);
        return -1;
    }
    if (!strchr(s, '/')) {
        if (out->Family == AF_INET && default_v4 >= 0)
            out->PrefixLength = (BYTE)default_v4;
        else if (out->Family == AF_INET6 && default_v6 >= 0)
            out->PrefixLength = (BYTE)default_v6;
    }
    return 0;
}

static void format_guid(const GUID *g, char out[40])
{
    snprintf(out, 40, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", g->Data1, g->Data2,
             g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
             g->Data4[5], g->Data4[6], g->Data4[7]);
}

static int parse_guid(const char *s, GUID *g)
{
    unsigned d1, d2, d3, b[8];
    int used = 0;
    if (*s == '{')
        s++;
    if (sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%n", &d1, &d2, &d3, &b[0], &b[1], &b[2],
               &b[3], &b[4], &b[5], &b[6], &b[7], &used) != 11 || used != 36)
        return -1;
    s += used;
    if (*s == '}')
        s++;
    if (*s)
        return -1;
    g->Data1 = d1;
    g->Data2 = (uint16_t)d2;
    g->Data3 = (uint16_t)d3;
    for (int i = 0; i < 8; i++)
        g->Data4[i] = (uint8_t)b[i];
    return 0;
}

static PyObject *info_tuple(const LINTUN_ADAPTER_INFO *in)
{
    char guid[40];
    format_guid(&in->Guid, guid);
    return Py_BuildValue("(u#u#sKksk)", in->Name, (Py_ssize_t)wcsnlen(in->Name, MAX_ADAPTER_NAME),
                         in->TunnelType, (Py_ssize_t)wcsnlen(in->TunnelType, MAX_ADAPTER_NAME),
                         guid, (unsigned long long)in->Luid.Value, (unsigned long)in->IfIndex,
                         in->IfName, (unsigned long)in->CreatorPid);
}

/* ------------------------------------------------------------------------
 * Device
 * --------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    WINTUN_ADAPTER_HANDLE adapter;
    WINTUN_SESSION_HANDLE session;
    HANDLE event;            /* the session's read-wait event */
    int event_fd;            /* LintunGetReadWaitFd(session) */
    DWORD capacity;          /* used by the next up() */
    BYTE *held;              /* a received packet read_into could not take */
    DWORD held_size;
    int wake_fd;             /* eventfd: down() wakes waiters with it */
    pthread_mutex_t mu;      /* guards users */
    pthread_cond_t cond;
    int users;               /* threads in wait_read_event without the GIL */
} Device;

static PyObject *closed_error(void) { return raise_code(ERROR_INVALID_HANDLE, "the device is closed"); }

static PyObject *down_error(void)
{
    return raise_code(ERROR_INVALID_HANDLE, "the device is not up: call up() first");
}

#define NEED_ADAPTER(self)                                                                        \
    do {                                                                                          \
        if (!(self)->adapter)                                                                     \
            return closed_error();                                                                \
    } while (0)

#define NEED_SESSION(self)                                                                        \
    do {                                                                                          \
        if (!(self)->session)                                                                     \
            return (self)->adapter ? down_error() : closed_error();                               \
    } while (0)

static PyObject *Device_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    Device *self = (Device *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->capacity = DEFAULT_CAPACITY;
    self->event_fd = -1;
    self->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (self->wake_fd < 0) {
        Py_DECREF(self);
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    pthread_mutex_init(&self->mu, NULL);
    pthread_cond_init(&self->cond, NULL);
    return (PyObject *)self;
}

static int Device_init(Device *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"name", "type", "capacity", "guid", NULL};
    PyObject *name, *type, *guid_obj = Py_None;
    unsigned long long capacity = DEFAULT_CAPACITY;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "UU|KO:TunDevice", kwlist, &name, &type,
                                     &capacity, &guid_obj))
        return -1;
    if (self->adapter) {
        raise_code(ERROR_ALREADY_INITIALIZED, "the device was already created");
        return -1;
    }
    if (!capacity_valid(capacity)) {
        char what[160];
        snprintf(what, sizeof(what),
                 "ring capacity 0x%llx is not a power of two from 0x%x to 0x%x", capacity,
                 WINTUN_MIN_RING_CAPACITY, WINTUN_MAX_RING_CAPACITY);
        raise_code(ERROR_INVALID_PARAMETER, what);
        return -1;
    }
    GUID guid, *guid_ptr = NULL;
    if (guid_obj != Py_None) {
        const char *g = PyUnicode_Check(guid_obj) ? PyUnicode_AsUTF8(guid_obj) : NULL;
        if (!g || parse_guid(g, &guid) < 0) {
            PyErr_Clear();
            raise_code(ERROR_INVALID_PARAMETER, "guid must be text like "
                                                "'{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}'");
            return -1;
        }
        guid_ptr = &guid;
    }
    wchar_t *wname = PyUnicode_AsWideCharString(name, NULL);
    wchar_t *wtype = wname ? PyUnicode_AsWideCharString(type, NULL) : NULL;
    if (!wtype) {
        PyMem_Free(wname);
        return -1;
    }
    begin_call();
    self->adapter = WintunCreateAdapter(wname, wtype, guid_ptr);
    DWORD err = LintunGetLastError();
    PyMem_Free(wname);
    PyMem_Free(wtype);
    if (!self->adapter) {
        raise_code(err, NULL);
        return -1;
    }
    self->capacity = (DWORD)capacity;
    deliver_logs();
    return 0;
}

/* End the session (GIL held). See "Session lifetime" at the top. */
static void device_down(Device *self)
{
    WINTUN_SESSION_HANDLE s = self->session;
    if (!s)
        return;
    self->session = NULL;
    if (self->held) {
        WintunReleaseReceivePacket(s, self->held);
        self->held = NULL;
    }
    pthread_mutex_lock(&self->mu);
    eventfd_write(self->wake_fd, 1);
    while (self->users > 0)
        pthread_cond_wait(&self->cond, &self->mu);
    pthread_mutex_unlock(&self->mu);
    WintunEndSession(s);
    eventfd_t v;
    eventfd_read(self->wake_fd, &v);
    self->event = NULL;
    self->event_fd = -1;
}

static void device_close(Device *self)
{
    device_down(self);
    if (self->adapter) {
        WintunCloseAdapter(self->adapter);
        self->adapter = NULL;
    }
}

static void Device_dealloc(Device *self)
{
    device_close(self);
    deliver_logs();
    if (self->wake_fd >= 0) {
        close(self->wake_fd);
        pthread_mutex_destroy(&self->mu);
        pthread_cond_destroy(&self->cond);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Device_up(Device *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"flags", NULL};
    unsigned long flags = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|k:up", kwlist, &flags))
        return NULL;
    NEED_ADAPTER(self);
    if (self->session)
        return raise_code(ERROR_ALREADY_INITIALIZED, "the device is already up");
    begin_call();
    WINTUN_SESSION_HANDLE s = LintunStartSessionEx(self->adapter, self->capacity, (DWORD)flags);
    if (!s)
        return raise_last();
    if (!LintunSetLinkUp(self->adapter, TRUE)) {
        DWORD err = LintunGetLastError();
        WintunEndSession(s);
        return raise_code(err, NULL);
    }
    self->session = s;
    self->event = WintunGetReadWaitEvent(s);
    self->event_fd = LintunGetReadWaitFd(s);
    deliver_logs();
    Py_RETURN_NONE;
}

static PyObject *Device_down(Device *self, PyObject *unused)
{
    begin_call();
    device_down(self);
    deliver_logs();
    Py_RETURN_NONE;
}

static PyObject *Device_close(Device *self, PyObject *unused)
{
    begin_call();
    device_close(self);
    deliver_logs();
    Py_RETURN_NONE;
}

/* Take the next packet: the one read_into left behind, or a new one.
 * NULL with last error set when there is none. */
static inline BYTE *next_packet(Device *self, DWORD *size)
{
    if (self->held) {
        BYTE *p = self->held;
        *size = self->held_size;
        self->held = NULL;
        return p;
    }
    return WintunReceivePacket(self->session, size);
}

static PyObject *no_packet(void)
{
    DWORD err = LintunGetLastError();
    if (err == ERROR_NO_MORE_ITEMS) {
        deliver_logs();
        Py_RETURN_NONE;
    }
    return raise_code(err, NULL);
}

static PyObject *Device_read(Device *self, PyObject *unused)
{
    NEED_SESSION(self);
    begin_call();
    DWORD n;
    BYTE *p = next_packet(self, &n);
    if (!p)
        return no_packet();
    PyObject *b = PyBytes_FromStringAndSize((const char *)p, n);
    WintunReleaseReceivePacket(self->session, p);
    deliver_logs();
    return b;
}

static PyObject *Device_read_into(Device *self, PyObject *buffer)
{
    NEED_SESSION(self);
    Py_buffer view;
    if (PyObject_GetBuffer(buffer, &view, PyBUF_WRITABLE) < 0)
        return NULL;
    begin_call();
    DWORD n;
    BYTE *p = next_packet(self, &n);
    if (!p) {
        PyBuffer_Release(&view);
        DWORD err = LintunGetLastError();
        if (err == ERROR_NO_MORE_ITEMS) {
            deliver_logs();
            return PyLong_FromLong(0);
        }
        return raise_code(err, NULL);
    }
    if ((Py_ssize_t)n > view.len) {
        /* Keep the packet for the next read: nothing is lost. */
        self->held = p;
        self->held_size = n;
        char what[160];
        snprintf(what, sizeof(what),
                 "a packet of %u bytes does not fit in a buffer of %zd bytes; it is kept for "
                 "the next read", (unsigned)n, view.len);
        PyBuffer_Release(&view);
        return raise_code(ERROR_MORE_DATA, what);
    }
    memcpy(view.buf, p, n);
    WintunReleaseReceivePacket(self->session, p);
    PyBuffer_Release(&view);
    deliver_logs();
    return PyLong_FromUnsignedLong(n);
}

static PyObject *Device_write(Device *self, PyObject *packet)
{
    NEED_SESSION(self);
    Py_buffer view;
    if (PyObject_GetBuffer(packet, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    begin_call();
    /* Sizes the library refuses (above 0xFFFF) are its to report; an empty
     * packet is sent and dropped as too short, as in Wintun. */
    DWORD n = view.len > WINTUN_MAX_IP_PACKET_SIZE ? WINTUN_MAX_IP_PACKET_SIZE + 1
                                                   : (DWORD)view.len;
    BYTE *q = WintunAllocateSendPacket(self->session, n);
    if (!q) {
        PyBuffer_Release(&view);
        DWORD err = LintunGetLastError();
        deliver_logs();
        if (err == ERROR_BUFFER_OVERFLOW)
            return raise_code_as(ring_full_type, err, "the send ring is full; the packet was not sent");
        if (err == ERROR_INVALID_PARAMETER && !have_captured) {
            char what[128];
            snprintf(what, sizeof(what), "packet size %zd is above %u bytes", view.len,
                     WINTUN_MAX_IP_PACKET_SIZE);
            return raise_code(err, what);
        }
        return raise_code(err, NULL);
    }
    memcpy(q, view.buf, n);
    PyBuffer_Release(&view);
    WintunSendPacket(self->session, q);
    deliver_logs();
    Py_RETURN_NONE;
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static PyObject *Device_wait_read_event(Device *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"timeout", NULL};
    PyObject *timeout_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:wait_read_event", kwlist, &timeout_obj))
        return NULL;
    double timeout = -1, deadline = 0;
    if (timeout_obj != Py_None) {
        timeout = PyFloat_AsDouble(timeout_obj);
        if (timeout == -1 && PyErr_Occurred())
            return NULL;
        if (timeout < 0 || isnan(timeout)) {
            PyErr_SetString(PyExc_ValueError, "timeout must be a non-negative number or None");
            return NULL;
        }
        deadline = monotonic_s() + timeout;
    }
    NEED_SESSION(self);
    for (;;) {
        if (!self->session)
            Py_RETURN_TRUE; /* down() ended the session while we waited */
        if (self->held)
            Py_RETURN_TRUE;
        HANDLE ev = self->event;
        struct pollfd pfd[2] = {{.fd = self->event_fd, .events = POLLIN},
                                {.fd = self->wake_fd, .events = POLLIN}};
        int ms = -1;
        if (timeout >= 0) {
            double left = deadline - monotonic_s();
            ms = left <= 0 ? 0 : left > 2e9 / 1000 ? 2000000000 : (int)ceil(left * 1000);
        }
        DWORD r;
        int n = 0, err = 0;
        begin_call();
        pthread_mutex_lock(&self->mu);
        self->users++;
        pthread_mutex_unlock(&self->mu);
        Py_BEGIN_ALLOW_THREADS
        /* A zero wait first: it writes out held-back sends, checks the event
         * and resets it, as a blocking wait would. */
        r = LintunWaitForSingleObject(ev, 0);
        if (r == WAIT_TIMEOUT) {
            n = poll(pfd, 2, ms);
            err = errno;
            if (n > 0 && (pfd[0].revents & POLLIN))
                LintunWaitForSingleObject(ev, 0);
        }
        pthread_mutex_lock(&self->mu);
        if (--self->users == 0)
            pthread_cond_broadcast(&self->cond);
        pthread_mutex_unlock(&self->mu);
        Py_END_ALLOW_THREADS
        deliver_logs();
        if (r == WAIT_OBJECT_0 || n > 0)
            Py_RETURN_TRUE;
        if (r == WAIT_FAILED)
            return raise_last();
        if (n == 0)
            Py_RETURN_FALSE;
        if (err != EINTR) {
            errno = err;
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        if (PyErr_CheckSignals() < 0)
            return NULL;
    }
}

static PyObject *Device_fileno(Device *self, PyObject *unused)
{
    NEED_SESSION(self);
    return PyLong_FromLong(self->event_fd);
}

static PyObject *Device_info(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    LINTUN_ADAPTER_INFO info;
    begin_call();
    if (!LintunGetAdapterInfo(self->adapter, &info))
        return raise_last();
    return info_tuple(&info);
}

static PyObject *Device_stats(Device *self, PyObject *unused)
{
    NEED_SESSION(self);
    LINTUN_SESSION_STATS st;
    begin_call();
    if (!LintunGetSessionStats(self->session, &st))
        return raise_last();
    return Py_BuildValue("(KKKKKKKKKKKK)", st.RxPackets, st.RxBytes, st.RxReads,
                         st.RxSuperPackets, st.RxDropped, st.TxPackets, st.TxBytes, st.TxWrites,
                         st.TxCoalesced, st.TxDroppedInvalid, st.TxDroppedKernel, st.TxRingFull);
}

/* add_address(text, default_v4=-1, default_v6=-1) -> the address added, as text */
static PyObject *Device_add_address(Device *self, PyObject *args)
{
    PyObject *text;
    int d4 = -1, d6 = -1;
    if (!PyArg_ParseTuple(args, "O|ii:add_address", &text, &d4, &d6))
        return NULL;
    NEED_ADAPTER(self);
    LINTUN_IP_ADDRESS a;
    if (parse_address(text, &a, d4, d6) < 0)
        return NULL;
    begin_call();
    if (!LintunAddAddress(self->adapter, &a))
        return raise_last();
    deliver_logs();
    return format_address(&a);
}

static PyObject *Device_remove_address(Device *self, PyObject *text)
{
    NEED_ADAPTER(self);
    LINTUN_IP_ADDRESS a;
    if (parse_address(text, &a, -1, -1) < 0)
        return NULL;
    begin_call();
    if (!LintunDeleteAddress(self->adapter, &a))
        return raise_last();
    deliver_logs();
    Py_RETURN_NONE;
}

static PyObject *Device_addresses(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    LINTUN_IP_ADDRESS a[64];
    DWORD count = 64;
    begin_call();
    if (!LintunGetAddresses(self->adapter, a, &count))
        return raise_last();
    PyObject *list = PyList_New(0);
    for (DWORD i = 0; list && i < count; i++) {
        PyObject *s = format_address(&a[i]);
        if (!s || PyList_Append(list, s) < 0)
            Py_CLEAR(list);
        Py_XDECREF(s);
    }
    return list;
}

static int route_args(PyObject *args, PyObject *kwds, const char *fmt, LINTUN_ROUTE *r)
{
    static char *kwlist[] = {"destination", "metric", NULL};
    PyObject *text;
    unsigned long metric = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, fmt, kwlist, &text, &metric))
        return -1;
    memset(r, 0, sizeof(*r));
    r->Metric = (DWORD)metric;
    return parse_address(text, &r->Destination, -1, -1);
}

static PyObject *Device_add_route(Device *self, PyObject *args, PyObject *kwds)
{
    LINTUN_ROUTE r;
    if (route_args(args, kwds, "O|k:add_route", &r) < 0)
        return NULL;
    NEED_ADAPTER(self);
    begin_call();
    if (!LintunAddRoute(self->adapter, &r))
        return raise_last();
    deliver_logs();
    Py_RETURN_NONE;
}

static PyObject *Device_remove_route(Device *self, PyObject *args, PyObject *kwds)
{
    LINTUN_ROUTE r;
    if (route_args(args, kwds, "O|k:remove_route", &r) < 0)
        return NULL;
    NEED_ADAPTER(self);
    begin_call();
    if (!LintunDeleteRoute(self->adapter, &r))
        return raise_last();
    deliver_logs();
    Py_RETURN_NONE;
}

static PyObject *Device_routes(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    LINTUN_ROUTE r[64];
    DWORD count = 64;
    begin_call();
    if (!LintunGetRoutes(self->adapter, r, &count))
        return raise_last();
    PyObject *list = PyList_New(0);
    for (DWORD i = 0; list && i < count; i++) {
        PyObject *s = format_address(&r[i].Destination);
        PyObject *t = s ? Py_BuildValue("(Nk)", s, (unsigned long)r[i].Metric) : NULL;
        if (!t || PyList_Append(list, t) < 0)
            Py_CLEAR(list);
        Py_XDECREF(t);
    }
    return list;
}

static PyObject *Device_link_state(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    BOOL up, running;
    begin_call();
    if (!LintunGetLinkState(self->adapter, &up, &running))
        return raise_last();
    return Py_BuildValue("(OO)", up ? Py_True : Py_False, running ? Py_True : Py_False);
}

static PyObject *Device_get_mtu(Device *self, void *closure)
{
    NEED_ADAPTER(self);
    DWORD mtu;
    begin_call();
    if (!LintunGetMtu(self->adapter, &mtu))
        return raise_last();
    return PyLong_FromUnsignedLong(mtu);
}

static int Device_set_mtu(Device *self, PyObject *value, void *closure)
{
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "mtu cannot be deleted");
        return -1;
    }
    unsigned long mtu = PyLong_AsUnsignedLong(value);
    if (PyErr_Occurred())
        return -1;
    if (!self->adapter) {
        closed_error();
        return -1;
    }
    begin_call();
    if (!LintunSetMtu(self->adapter, mtu > 0xFFFFFFFFul ? 0 : (DWORD)mtu)) {
        raise_last();
        return -1;
    }
    deliver_logs();
    return 0;
}

static PyObject *Device_get_capacity(Device *self, void *closure)
{
    return PyLong_FromUnsignedLong(self->capacity);
}

static int Device_set_capacity(Device *self, PyObject *value, void *closure)
{
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "ring_capacity cannot be deleted");
        return -1;
    }
    unsigned long long c = PyLong_AsUnsignedLongLong(value);
    if (PyErr_Occurred())
        return -1;
    if (!capacity_valid(c)) {
        char what[160];
        snprintf(what, sizeof(what),
                 "ring capacity 0x%llx is not a power of two from 0x%x to 0x%x", c,
                 WINTUN_MIN_RING_CAPACITY, WINTUN_MAX_RING_CAPACITY);
        raise_code(ERROR_INVALID_PARAMETER, what);
        return -1;
    }
    self->capacity = (DWORD)c;
    return 0;
}

static PyObject *Device_get_is_up(Device *self, void *closure)
{
    return PyBool_FromLong(self->session != NULL);
}

static PyObject *Device_get_closed(Device *self, void *closure)
{
    return PyBool_FromLong(self->adapter == NULL);
}

static PyMethodDef Device_methods[] = {
    {"up", (PyCFunction)(void (*)(void))Device_up, METH_VARARGS | METH_KEYWORDS,
     "up(flags=0)\n--\n\nStart the session (rings of ring_capacity bytes) and bring the link up."},
    {"down", (PyCFunction)Device_down, METH_NOARGS,
     "down()\n--\n\nEnd the session; waiting threads wake. Does nothing when not up."},
    {"close", (PyCFunction)Device_close, METH_NOARGS,
     "close()\n--\n\nEnd the session and remove the adapter. Idempotent."},
    {"read", (PyCFunction)Device_read, METH_NOARGS,
     "read()\n--\n\nThe next packet as bytes, or None when none is waiting."},
    {"read_into", (PyCFunction)Device_read_into, METH_O,
     "read_into(buffer, /)\n--\n\nCopy the next packet into a writable buffer; return its size, "
     "0 when none is waiting."},
    {"write", (PyCFunction)Device_write, METH_O,
     "write(packet, /)\n--\n\nSend one IP packet (bytes-like). Raises RingFull when the send ring "
     "is full."},
    {"wait_read_event", (PyCFunction)(void (*)(void))Device_wait_read_event,
     METH_VARARGS | METH_KEYWORDS,
     "wait_read_event(timeout=None)\n--\n\nSleep, without the GIL, until packets may be ready. "
     "True when woken, False on timeout."},
    {"fileno", (PyCFunction)Device_fileno, METH_NOARGS,
     "fileno()\n--\n\nA descriptor that polls readable when packets may be ready."},
    {"_info", (PyCFunction)Device_info, METH_NOARGS, NULL},
    {"_stats", (PyCFunction)Device_stats, METH_NOARGS, NULL},
    {"_link_state", (PyCFunction)Device_link_state, METH_NOARGS, NULL},
    {"_add_address", (PyCFunction)Device_add_address, METH_VARARGS, NULL},
    {"_remove_address", (PyCFunction)Device_remove_address, METH_O, NULL},
    {"_addresses", (PyCFunction)Device_addresses, METH_NOARGS, NULL},
    {"add_route", (PyCFunction)(void (*)(void))Device_add_route, METH_VARARGS | METH_KEYWORDS,
     "add_route(destination, metric=0)\n--\n\nRoute destination ('10.9.0.0/16') through the "
     "adapter."},
    {"remove_route", (PyCFunction)(void (*)(void))Device_remove_route,
     METH_VARARGS | METH_KEYWORDS,
     "remove_route(destination, metric=0)\n--\n\nRemove a route (metric 0 matches any)."},
    {"_routes", (PyCFunction)Device_routes, METH_NOARGS, NULL},
    {NULL},
};

static PyGetSetDef Device_getset[] = {
    {"mtu", (getter)Device_get_mtu, (setter)Device_set_mtu, "The interface MTU.", NULL},
    {"ring_capacity", (getter)Device_get_capacity, (setter)Device_set_capacity,
     "Bytes per ring, used by the next up().", NULL},
    {"is_up", (getter)Device_get_is_up, NULL, "True while a session runs.", NULL},
    {"closed", (getter)Device_get_closed, NULL, "True once close() removed the adapter.", NULL},
    {NULL},
};

static PyTypeObject DeviceType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "wintun._wintun.Device",
    .tp_basicsize = sizeof(Device),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Device(name, type, capacity=0x400000, guid=None)\n--\n\n"
              "A TUN adapter and its session; see wintun.TunDevice.",
    .tp_new = Device_new,
    .tp_init = (initproc)Device_init,
    .tp_dealloc = (destructor)Device_dealloc,
    .tp_methods = Device_methods,
    .tp_getset = Device_getset,
};

/* ------------------------------------------------------------------------
 * Module functions
 * --------------------------------------------------------------------- */

static PyObject *mod_set_logger(PyObject *mod, PyObject *cb)
{
    if (cb != Py_None && !PyCallable_Check(cb)) {
        PyErr_SetString(PyExc_TypeError, "the logger must be callable or None");
        return NULL;
    }
    deliver_logs(); /* what was queued goes to the logger it was logged under */
    PyObject *old = py_logger;
    py_logger = cb == Py_None ? NULL : Py_NewRef(cb);
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

static PyObject *mod_get_driver_version(PyObject *mod, PyObject *unused)
{
    begin_call();
    DWORD v = WintunGetRunningDriverVersion();
    if (!v)
        return raise_last();
    deliver_logs();
    return PyLong_FromUnsignedLong(v);
}

static BOOL enum_one(const LINTUN_ADAPTER_INFO *info, LPARAM param)
{
    PyObject *t = info_tuple(info);
    int bad = !t || PyList_Append((PyObject *)param, t) < 0;
    Py_XDECREF(t);
    return !bad;
}

static PyObject *mod_enum_adapters(PyObject *mod, PyObject *unused)
{
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    begin_call();
    BOOL ok = LintunEnumAdapters(enum_one, (LPARAM)list);
    if (PyErr_Occurred()) {
        Py_DECREF(list);
        return NULL;
    }
    if (!ok) {
        Py_DECREF(list);
        return raise_last();
    }
    deliver_logs();
    return list;
}

static PyObject *mod_normalize_address(PyObject *mod, PyObject *args)
{
    PyObject *text;
    int d4 = -1, d6 = -1;
    if (!PyArg_ParseTuple(args, "O|ii:normalize_address", &text, &d4, &d6))
        return NULL;
    LINTUN_IP_ADDRESS a;
    if (parse_address(text, &a, d4, d6) < 0)
        return NULL;
    return format_address(&a);
}

static PyObject *mod_set_error_types(PyObject *mod, PyObject *args)
{
    PyObject *err, *full;
    if (!PyArg_ParseTuple(args, "OO", &err, &full))
        return NULL;
    Py_XSETREF(error_type, Py_NewRef(err));
    Py_XSETREF(ring_full_type, Py_NewRef(full));
    Py_RETURN_NONE;
}

static PyObject *mod_shutdown(PyObject *mod, PyObject *unused)
{
    deliver_logs();
    atomic_store(&log_shutdown, 1);
    Py_CLEAR(py_logger);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"set_logger", mod_set_logger, METH_O, "set_logger(callback, /)\n--\n\n"
                                           "callback(level, timestamp, message), or None."},
    {"get_driver_version", mod_get_driver_version, METH_NOARGS,
     "get_driver_version()\n--\n\nThe library version, (major << 16) | minor."},
    {"_enum_adapters", mod_enum_adapters, METH_NOARGS, NULL},
    {"normalize_address", mod_normalize_address, METH_VARARGS, NULL},
    {"_set_error_types", mod_set_error_types, METH_VARARGS, NULL},
    {"_shutdown", mod_shutdown, METH_NOARGS, NULL},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, .m_name = "wintun._wintun",
    .m_doc = "The C half of the wintun package (liblintun inside).", .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__wintun(void);
PyMODINIT_FUNC PyInit__wintun(void)
{
    if (PyType_Ready(&DeviceType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    if (PyModule_AddObjectRef(m, "Device", (PyObject *)&DeviceType) < 0 ||
        PyModule_AddIntConstant(m, "MIN_RING_CAPACITY", WINTUN_MIN_RING_CAPACITY) < 0 ||
        PyModule_AddIntConstant(m, "MAX_RING_CAPACITY", WINTUN_MAX_RING_CAPACITY) < 0 ||
        PyModule_AddIntConstant(m, "MAX_IP_PACKET_SIZE", WINTUN_MAX_IP_PACKET_SIZE) < 0 ||
        PyModule_AddIntConstant(m, "SESSION_NO_OFFLOAD", LINTUN_SESSION_NO_OFFLOAD) < 0 ||
        PyModule_AddIntConstant(m, "SESSION_NO_COALESCE", LINTUN_SESSION_NO_COALESCE) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    WintunSetLogger(library_logger);
    return m;
}
