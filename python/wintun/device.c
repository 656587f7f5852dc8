/* SPDX-License-Identifier: MIT */
/*
 * Device: one adapter and its session. Lifetime (create, up, down, close),
 * the packet path (read, read_into, write) and the wait. Configuration and
 * identity are in config.c; wintun/__init__.py builds TunDevice on top.
 *
 * Session lifetime. down() must not free a session another thread is using.
 * Calls that hold the GIL cannot overlap down(), which holds it too and
 * clears self->session first. The only call that uses the session without
 * the GIL is the wait, so waiters are counted (users, under mu) and down()
 * wakes them through the device's own eventfd and waits until none is left
 * before it ends the session. A waiter gives up its count before it takes
 * the GIL back, so down() may hold the GIL while it waits.
 *
 * A device keeps a reference to the module it was made by, whose state
 * (exception classes, log sink) it uses; so a device outlives neither.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "_wintun.h"

/* These two report no library call: what the library logged before is not their text. */
PyObject *wt_closed_error(wt_state *st)
{
    wt_begin_call();
    return wt_raise(st, ERROR_INVALID_HANDLE, "the device is closed");
}

PyObject *wt_down_error(wt_state *st)
{
    wt_begin_call();
    return wt_raise(st, ERROR_INVALID_HANDLE, "the device is not up: call up() first");
}

#define NEED_ADAPTER(self)                                                                        \
    do {                                                                                          \
        if (!(self)->adapter)                                                                     \
            return wt_closed_error((self)->st);                                                   \
    } while (0)

#define NEED_SESSION(self)                                                                        \
    do {                                                                                          \
        if (!(self)->session)                                                                     \
            return (self)->adapter ? wt_down_error((self)->st) : wt_closed_error((self)->st);     \
    } while (0)

int wt_capacity_valid(unsigned long long c)
{
    return c >= WINTUN_MIN_RING_CAPACITY && c <= WINTUN_MAX_RING_CAPACITY && !(c & (c - 1));
}

PyObject *wt_capacity_error(wt_state *st, unsigned long long c)
{
    char what[160];
    snprintf(what, sizeof(what), "ring capacity 0x%llx is not a power of two from 0x%x to 0x%x", c,
             WINTUN_MIN_RING_CAPACITY, WINTUN_MAX_RING_CAPACITY);
    return wt_raise(st, ERROR_INVALID_PARAMETER, what);
}

/* The _wintun module a Device type (or a subclass of it) belongs to; borrowed. */
static PyObject *module_of(PyTypeObject *type)
{
#if PY_VERSION_HEX >= 0x030B0000
    return PyType_GetModuleByDef(type, &wt_module_def);
#else
    PyObject *mro = type->tp_mro;
    for (Py_ssize_t i = 0; mro && i < PyTuple_GET_SIZE(mro); i++) {
        PyTypeObject *base = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (!PyType_HasFeature(base, Py_TPFLAGS_HEAPTYPE))
            continue;
        PyObject *m = PyType_GetModule(base);
        if (m && PyModule_GetDef(m) == &wt_module_def)
            return m;
        PyErr_Clear();
    }
    PyErr_SetString(PyExc_TypeError, "not a wintun._wintun.Device type");
    return NULL;
#endif
}

static PyObject *Device_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *module = module_of(type);
    if (!module)
        return NULL;
    Device *self = (Device *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->module = Py_NewRef(module);
    self->st = wt_state_of(module);
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
    wt_state *st = self->st;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "UU|KO:TunDevice", kwlist, &name, &type,
                                     &capacity, &guid_obj))
        return -1;
    wt_begin_call();
    if (self->adapter) {
        wt_raise(st, ERROR_ALREADY_INITIALIZED, "the device was already created");
        return -1;
    }
    if (!wt_capacity_valid(capacity)) {
        wt_capacity_error(st, capacity);
        return -1;
    }
    GUID guid, *guid_ptr = NULL;
    if (guid_obj != Py_None) {
        const char *g = PyUnicode_Check(guid_obj) ? PyUnicode_AsUTF8(guid_obj) : NULL;
        if (!g || !LintunStringToGuid(g, &guid)) {
            PyErr_Clear();
            wt_raise(st, ERROR_INVALID_PARAMETER,
                     "guid must be text like '{DEADBABE-CAFE-BEEF-0123-456789ABCDEF}'");
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
    self->adapter = WintunCreateAdapter(wname, wtype, guid_ptr);
    DWORD err = LintunGetLastError();
    PyMem_Free(wname);
    PyMem_Free(wtype);
    if (!self->adapter) {
        wt_raise(st, err, NULL);
        return -1;
    }
    self->capacity = (DWORD)capacity;
    wt_deliver(st->sink);
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

static int Device_traverse(Device *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->module);
    return 0;
}

static void Device_dealloc(Device *self)
{
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    device_close(self);
    if (self->st)
        wt_deliver(self->st->sink);
    if (self->wake_fd >= 0) {
        close(self->wake_fd);
        pthread_mutex_destroy(&self->mu);
        pthread_cond_destroy(&self->cond);
    }
    Py_CLEAR(self->module);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static PyObject *Device_up(Device *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"flags", NULL};
    unsigned long flags = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|k:up", kwlist, &flags))
        return NULL;
    NEED_ADAPTER(self);
    wt_begin_call();
    if (self->session)
        return wt_raise(self->st, ERROR_ALREADY_INITIALIZED, "the device is already up");
    WINTUN_SESSION_HANDLE s = LintunStartSessionEx(self->adapter, self->capacity, (DWORD)flags);
    if (!s)
        return wt_raise_last(self->st);
    if (!LintunSetLinkUp(self->adapter, TRUE)) {
        DWORD err = LintunGetLastError();
        WintunEndSession(s);
        return wt_raise(self->st, err, NULL);
    }
    self->session = s;
    self->event = WintunGetReadWaitEvent(s);
    self->event_fd = LintunGetReadWaitFd(s);
    wt_deliver(self->st->sink);
    Py_RETURN_NONE;
}

static PyObject *Device_down(Device *self, PyObject *unused)
{
    wt_begin_call();
    device_down(self);
    wt_deliver(self->st->sink);
    Py_RETURN_NONE;
}

static PyObject *Device_close(Device *self, PyObject *unused)
{
    wt_begin_call();
    device_close(self);
    wt_deliver(self->st->sink);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------
 * Packets
 * --------------------------------------------------------------------- */

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

static PyObject *Device_read(Device *self, PyObject *unused)
{
    NEED_SESSION(self);
    wt_begin_call();
    DWORD n;
    BYTE *p = next_packet(self, &n);
    if (!p) {
        DWORD err = LintunGetLastError();
        if (err != ERROR_NO_MORE_ITEMS)
            return wt_raise(self->st, err, NULL);
        wt_deliver(self->st->sink);
        Py_RETURN_NONE;
    }
    PyObject *b = PyBytes_FromStringAndSize((const char *)p, n);
    WintunReleaseReceivePacket(self->session, p);
    wt_deliver(self->st->sink);
    return b;
}

static PyObject *Device_read_into(Device *self, PyObject *buffer)
{
    NEED_SESSION(self);
    Py_buffer view;
    if (PyObject_GetBuffer(buffer, &view, PyBUF_WRITABLE) < 0)
        return NULL;
    wt_begin_call();
    DWORD n;
    BYTE *p = next_packet(self, &n);
    if (!p) {
        PyBuffer_Release(&view);
        DWORD err = LintunGetLastError();
        if (err != ERROR_NO_MORE_ITEMS)
            return wt_raise(self->st, err, NULL);
        wt_deliver(self->st->sink);
        return PyLong_FromLong(0);
    }
    if ((Py_ssize_t)n > view.len) {
        /* Keep the packet for the next read: nothing is lost. */
        self->held = p;
        self->held_size = n;
        char what[160];
        snprintf(what, sizeof(what),
                 "a packet of %u bytes does not fit in a buffer of %zd bytes; it is kept for "
                 "the next read",
                 (unsigned)n, view.len);
        PyBuffer_Release(&view);
        return wt_raise(self->st, ERROR_MORE_DATA, what);
    }
    memcpy(view.buf, p, n);
    WintunReleaseReceivePacket(self->session, p);
    PyBuffer_Release(&view);
    wt_deliver(self->st->sink);
    return PyLong_FromUnsignedLong(n);
}

static PyObject *Device_write(Device *self, PyObject *packet)
{
    NEED_SESSION(self);
    Py_buffer view;
    if (PyObject_GetBuffer(packet, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    wt_begin_call();
    /* Sizes the library refuses (above 0xFFFF) are its to report; an empty
     * packet is sent and dropped as too short, as in Wintun. */
    DWORD n = view.len > WINTUN_MAX_IP_PACKET_SIZE ? WINTUN_MAX_IP_PACKET_SIZE + 1
                                                   : (DWORD)view.len;
    BYTE *q = WintunAllocateSendPacket(self->session, n);
    if (!q) {
        PyBuffer_Release(&view);
        DWORD err = LintunGetLastError();
        if (err == ERROR_BUFFER_OVERFLOW)
            return wt_raise_as(self->st, self->st->ring_full_type, err,
                               "the send ring is full; the packet was not sent");
        if (err == ERROR_INVALID_PARAMETER && !wt_have_captured()) {
            char what[128];
            snprintf(what, sizeof(what), "packet size %zd is above %u bytes", view.len,
                     WINTUN_MAX_IP_PACKET_SIZE);
            return wt_raise(self->st, err, what);
        }
        return wt_raise(self->st, err, NULL);
    }
    memcpy(q, view.buf, n);
    PyBuffer_Release(&view);
    WintunSendPacket(self->session, q);
    wt_deliver(self->st->sink);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------
 * Waiting
 * --------------------------------------------------------------------- */

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Parse the timeout: -1 for None; -2 with an exception set. */
static double timeout_arg(PyObject *obj)
{
    if (obj == Py_None)
        return -1;
    double t = PyFloat_AsDouble(obj);
    if (t == -1 && PyErr_Occurred())
        return -2;
    if (t < 0 || isnan(t)) {
        PyErr_SetString(PyExc_ValueError, "timeout must be a non-negative number or None");
        return -2;
    }
    return t;
}

/*
 * One wait without the GIL: a zero wait first (it writes out held-back
 * sends, checks the event and resets it, as a blocking wait would), then
 * poll the event's descriptor and the device's wake-up eventfd. Sets *r to
 * the zero wait's result, *n and *err to poll's.
 */
static void wait_once(Device *self, int ms, DWORD *r, int *n, int *err)
{
    HANDLE ev = self->event;
    struct pollfd pfd[2] = {{.fd = self->event_fd, .events = POLLIN},
                            {.fd = self->wake_fd, .events = POLLIN}};
    *n = 0;
    *err = 0;
    pthread_mutex_lock(&self->mu);
    self->users++;
    pthread_mutex_unlock(&self->mu);
    Py_BEGIN_ALLOW_THREADS
    *r = LintunWaitForSingleObject(ev, 0);
    if (*r == WAIT_TIMEOUT) {
        *n = poll(pfd, 2, ms);
        *err = errno;
        if (*n > 0 && (pfd[0].revents & POLLIN))
            LintunWaitForSingleObject(ev, 0);
    }
    pthread_mutex_lock(&self->mu);
    if (--self->users == 0)
        pthread_cond_broadcast(&self->cond);
    pthread_mutex_unlock(&self->mu);
    Py_END_ALLOW_THREADS
}

static PyObject *Device_wait_read_event(Device *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"timeout", NULL};
    PyObject *timeout_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:wait_read_event", kwlist, &timeout_obj))
        return NULL;
    double timeout = timeout_arg(timeout_obj);
    if (timeout == -2)
        return NULL;
    double deadline = timeout >= 0 ? monotonic_s() + timeout : 0;
    NEED_SESSION(self);
    for (;;) {
        if (!self->session)
            Py_RETURN_TRUE; /* down() ended the session while we waited */
        if (self->held)
            Py_RETURN_TRUE;
        int ms = -1;
        if (timeout >= 0) {
            double left = deadline - monotonic_s();
            ms = left <= 0 ? 0 : left > 2e9 / 1000 ? 2000000000 : (int)ceil(left * 1000);
        }
        DWORD r;
        int n, err;
        wt_begin_call();
        wait_once(self, ms, &r, &n, &err);
        wt_deliver(self->st->sink);
        if (r == WAIT_OBJECT_0 || n > 0)
            Py_RETURN_TRUE;
        if (r == WAIT_FAILED)
            return wt_raise_last(self->st);
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

/* ------------------------------------------------------------------------
 * Attributes
 * --------------------------------------------------------------------- */

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
    if (!wt_capacity_valid(c)) {
        wt_begin_call();
        wt_capacity_error(self->st, c);
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

static PyMethodDef device_methods[] = {
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
    {NULL},
};

static PyGetSetDef device_getset[] = {
    {"ring_capacity", (getter)Device_get_capacity, (setter)Device_set_capacity,
     "Bytes per ring, used by the next up().", NULL},
    {"is_up", (getter)Device_get_is_up, NULL, "True while a session runs.", NULL},
    {"closed", (getter)Device_get_closed, NULL, "True once close() removed the adapter.", NULL},
    {NULL},
};

#define TABLE_LEN(t) (sizeof(t) / sizeof((t)[0]) - 1)

static size_t count_methods(const PyMethodDef *t)
{
    size_t n = 0;
    while (t[n].ml_name)
        n++;
    return n;
}

static size_t count_getset(const PyGetSetDef *t)
{
    size_t n = 0;
    while (t[n].name)
        n++;
    return n;
}

/*
 * The type's tables: this file's and config.c's. Filled by the first call,
 * under the GIL (every interpreter of 3.11 shares it); the same for every
 * interpreter.
 */
static PyMethodDef all_methods[64];
static PyGetSetDef all_getset[16];

static int fill_tables(void)
{
    size_t a = TABLE_LEN(device_methods), b = count_methods(wt_device_config_methods);
    size_t c = TABLE_LEN(device_getset), d = count_getset(wt_device_config_getset);
    if (a + b + 1 > sizeof(all_methods) / sizeof(all_methods[0]) ||
        c + d + 1 > sizeof(all_getset) / sizeof(all_getset[0])) {
        PyErr_SetString(PyExc_SystemError, "_wintun: Device's method tables are too small");
        return -1;
    }
    if (all_methods[0].ml_name)
        return 0;
    memcpy(all_getset, device_getset, c * sizeof(*all_getset));
    memcpy(all_getset + c, wt_device_config_getset, d * sizeof(*all_getset));
    memcpy(all_methods + a, wt_device_config_methods, b * sizeof(*all_methods));
    memcpy(all_methods, device_methods, a * sizeof(*all_methods)); /* [0] last: the "done" mark */
    return 0;
}

static PyType_Slot device_slots[] = {
    {Py_tp_doc, "Device(name, type, capacity=0x400000, guid=None)\n--\n\n"
                "A TUN adapter and its session; see wintun.TunDevice."},
    {Py_tp_new, Device_new},
    {Py_tp_init, Device_init},
    {Py_tp_dealloc, Device_dealloc},
    {Py_tp_traverse, Device_traverse},
    {Py_tp_methods, all_methods},
    {Py_tp_getset, all_getset},
    {0, NULL},
};

static PyType_Spec device_spec = {
    .name = "wintun._wintun.Device",
    .basicsize = sizeof(Device),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = device_slots,
};

PyTypeObject *wt_device_type_new(PyObject *module)
{
    if (fill_tables() < 0)
        return NULL;
    return (PyTypeObject *)PyType_FromModuleAndSpec(module, &device_spec, NULL);
}
