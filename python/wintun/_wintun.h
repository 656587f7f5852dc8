/* SPDX-License-Identifier: MIT */
/*
 * _wintun, the C half of the `wintun` Python package: what its files share.
 *
 *   module.c   the module: multi-phase init (PEP 489), its state (PEP 573,
 *              630), the module-level functions
 *   errors.c   the one table of Windows error codes, the exception classes
 *              wintun.Error and wintun.RingFull, raising them
 *   logging.c  the library's logger: queued, then handed to Python
 *   device.c   the Device type: adapter and session lifetime, the packet path
 *   config.c   Device's identity, counters, addresses, routes and MTU
 *
 * Everything Python-visible lives in the module's state, so that each
 * interpreter, and each import after the module was dropped from
 * sys.modules, gets its own types and exceptions. The only process-wide
 * state is the library's own: its logger (one per process, see logging.c).
 *
 * The GIL. Every call keeps the GIL except Device.wait_read_event, which
 * releases it while it sleeps. Keeping it on the packet path is what makes a
 * Python loop fast: no GIL hand-over per packet. It is safe because the
 * library never waits for Python (see logging.c).
 */
#ifndef WINTUN_PY_H
#define WINTUN_PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <wintun.h>

#define DEFAULT_CAPACITY 0x400000

struct wt_sink;

/* The module's state. */
typedef struct {
    PyTypeObject *device_type;
    PyObject *error_type;     /* wintun.Error(winerror, message=None), an OSError */
    PyObject *ring_full_type; /* wintun.RingFull, an Error */
    struct wt_sink *sink;     /* this module's share of the library's log */
} wt_state;

extern struct PyModuleDef wt_module_def;

static inline wt_state *wt_state_of(PyObject *module) { return PyModule_GetState(module); }

/* ---- errors.c ---- */

/* Add the ERROR_* constants, error_name() and the exception classes. */
int wt_errors_init(PyObject *module, wt_state *st);
/* The name of a Windows error code, or NULL for a code the table lacks. */
const char *wt_error_name(DWORD code);
/* Module function error_name(code) -> 'ERROR_...'. */
PyObject *wt_error_name_py(PyObject *module, PyObject *code);

/*
 * Forget what the library logged on this thread before a call, so that an
 * exception after the call carries what that call logged.
 */
void wt_begin_call(void);
/* Keep an error or warning the library logs, in the thread that logs it. */
void wt_capture(WINTUN_LOGGER_LEVEL level, const WCHAR *message);
/* Whether the library logged an error or a warning since wt_begin_call(). */
int wt_have_captured(void);
/*
 * Raise type(code, message) (st->error_type when type is NULL), after
 * handing queued log messages to Python. The message is what the library
 * logged during the call, else `what`, else (NULL) the code's name.
 * Returns NULL.
 */
PyObject *wt_raise_as(wt_state *st, PyObject *type, DWORD code, const char *what);
PyObject *wt_raise(wt_state *st, DWORD code, const char *what);
/* wt_raise() with the thread's last error. */
PyObject *wt_raise_last(wt_state *st);

/* ---- logging.c ---- */

/* This module's share of the log; NULL with an exception set. */
struct wt_sink *wt_log_open(void);
/* Deliver nothing more and drop what is queued, without calling Python (GIL held). */
void wt_log_stop(struct wt_sink *sink);
/* wt_log_stop(), then let the sink go. */
void wt_log_close(struct wt_sink *sink);
/* Deliver what is queued, then stop for good (atexit). */
void wt_log_shutdown(struct wt_sink *sink);
/* Deliver what is queued, then send later messages to callback (NULL: drop them). */
void wt_log_set_callback(struct wt_sink *sink, PyObject *callback);
/* Hand every queued message to the Python logger (GIL held). */
void wt_deliver(struct wt_sink *sink);
/* The sink's callback, for the module's traverse. */
PyObject *wt_log_callback(struct wt_sink *sink);

/* ---- device.c ---- */

typedef struct {
    PyObject_HEAD
    PyObject *module; /* the module whose state this device uses */
    wt_state *st;
    WINTUN_ADAPTER_HANDLE adapter;
    WINTUN_SESSION_HANDLE session;
    HANDLE event;   /* the session's read-wait event */
    int event_fd;   /* LintunGetReadWaitFd(session) */
    DWORD capacity; /* used by the next up() */
    BYTE *held;     /* a received packet read_into could not take */
    DWORD held_size;
    int wake_fd;        /* eventfd: down() wakes waiters with it */
    pthread_mutex_t mu; /* guards users */
    pthread_cond_t cond;
    int users; /* threads in wait_read_event without the GIL */
} Device;

/* The Device type, for this module. */
PyTypeObject *wt_device_type_new(PyObject *module);

/* Raise Error(ERROR_INVALID_HANDLE): the device is closed / not up. */
PyObject *wt_closed_error(wt_state *st);
PyObject *wt_down_error(wt_state *st);
int wt_capacity_valid(unsigned long long capacity);
PyObject *wt_capacity_error(wt_state *st, unsigned long long capacity);

/* ---- config.c ---- */

extern PyMethodDef wt_device_config_methods[];
extern PyGetSetDef wt_device_config_getset[];
/* LINTUN_ADAPTER_INFO as the tuple AdapterInfo(*t) takes. */
PyObject *wt_info_tuple(wt_state *st, const LINTUN_ADAPTER_INFO *info);
/* Text to an address; without a prefix, default_v4/_v6 (when >= 0) replace /32 and /128. */
int wt_parse_address(wt_state *st, PyObject *text, LINTUN_IP_ADDRESS *out, int default_v4,
                     int default_v6);
PyObject *wt_format_address(wt_state *st, const LINTUN_IP_ADDRESS *address);

#endif
