/* SPDX-License-Identifier: MIT */
/*
 * The _wintun module: multi-phase initialisation (PEP 489), so that every
 * interpreter and every fresh import runs module_exec and gets its own
 * state (PEP 573, 630): the Device type, the exception classes and a share
 * of the library's log. The module-level functions are here too.
 */
#include "_wintun.h"

static PyObject *mod_set_logger(PyObject *module, PyObject *cb)
{
    if (cb != Py_None && !PyCallable_Check(cb)) {
        PyErr_SetString(PyExc_TypeError, "the logger must be callable or None");
        return NULL;
    }
    wt_log_set_callback(wt_state_of(module)->sink, cb == Py_None ? NULL : cb);
    Py_RETURN_NONE;
}

static PyObject *mod_get_driver_version(PyObject *module, PyObject *unused)
{
    wt_state *st = wt_state_of(module);
    wt_begin_call();
    DWORD v = WintunGetRunningDriverVersion();
    if (!v)
        return wt_raise_last(st);
    wt_deliver(st->sink);
    return PyLong_FromUnsignedLong(v);
}

struct enum_context {
    wt_state *st;
    PyObject *list;
};

static BOOL enum_one(const LINTUN_ADAPTER_INFO *info, LPARAM param)
{
    struct enum_context *c = (struct enum_context *)param;
    PyObject *t = wt_info_tuple(c->st, info);
    int bad = !t || PyList_Append(c->list, t) < 0;
    Py_XDECREF(t);
    return !bad;
}

static PyObject *mod_enum_adapters(PyObject *module, PyObject *unused)
{
    struct enum_context c = {wt_state_of(module), PyList_New(0)};
    if (!c.list)
        return NULL;
    wt_begin_call();
    BOOL ok = LintunEnumAdapters(enum_one, (LPARAM)&c);
    if (PyErr_Occurred()) {
        Py_DECREF(c.list);
        return NULL;
    }
    if (!ok) {
        Py_DECREF(c.list);
        return wt_raise_last(c.st);
    }
    wt_deliver(c.st->sink);
    return c.list;
}

static PyObject *mod_normalize_address(PyObject *module, PyObject *args)
{
    wt_state *st = wt_state_of(module);
    PyObject *text;
    int d4 = -1, d6 = -1;
    if (!PyArg_ParseTuple(args, "O|ii:normalize_address", &text, &d4, &d6))
        return NULL;
    LINTUN_IP_ADDRESS a;
    if (wt_parse_address(st, text, &a, d4, d6) < 0)
        return NULL;
    return wt_format_address(st, &a);
}

static PyObject *mod_shutdown(PyObject *module, PyObject *unused)
{
    wt_log_shutdown(wt_state_of(module)->sink);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"set_logger", mod_set_logger, METH_O,
     "set_logger(callback, /)\n--\n\ncallback(level, timestamp, message), or None."},
    {"get_driver_version", mod_get_driver_version, METH_NOARGS,
     "get_driver_version()\n--\n\nThe library version, (major << 16) | minor."},
    {"error_name", wt_error_name_py, METH_O,
     "error_name(code, /)\n--\n\nThe Windows name of an error code: error_name(87) == "
     "'ERROR_INVALID_PARAMETER'; 'ERROR_<code>' for a code this library does not report."},
    {"_enum_adapters", mod_enum_adapters, METH_NOARGS, NULL},
    {"normalize_address", mod_normalize_address, METH_VARARGS, NULL},
    {"_shutdown", mod_shutdown, METH_NOARGS, NULL},
    {NULL},
};

static int module_exec(PyObject *module)
{
    wt_state *st = wt_state_of(module);
    st->sink = wt_log_open();
    if (!st->sink)
        return -1;
    st->device_type = wt_device_type_new(module);
    if (!st->device_type || wt_errors_init(module, st) < 0)
        return -1;
    if (PyModule_AddType(module, st->device_type) < 0 ||
        PyModule_AddIntConstant(module, "MIN_RING_CAPACITY", WINTUN_MIN_RING_CAPACITY) < 0 ||
        PyModule_AddIntConstant(module, "MAX_RING_CAPACITY", WINTUN_MAX_RING_CAPACITY) < 0 ||
        PyModule_AddIntConstant(module, "MAX_IP_PACKET_SIZE", WINTUN_MAX_IP_PACKET_SIZE) < 0 ||
        PyModule_AddIntConstant(module, "SESSION_NO_OFFLOAD", LINTUN_SESSION_NO_OFFLOAD) < 0 ||
        PyModule_AddIntConstant(module, "SESSION_NO_COALESCE", LINTUN_SESSION_NO_COALESCE) < 0 ||
        PyModule_AddIntConstant(module, "LOG_INFO", WINTUN_LOG_INFO) < 0 ||
        PyModule_AddIntConstant(module, "LOG_WARN", WINTUN_LOG_WARN) < 0 ||
        PyModule_AddIntConstant(module, "LOG_ERR", WINTUN_LOG_ERR) < 0)
        return -1;
    return 0;
}

static int module_traverse(PyObject *module, visitproc visit, void *arg)
{
    wt_state *st = wt_state_of(module);
    Py_VISIT(st->device_type);
    Py_VISIT(st->error_type);
    Py_VISIT(st->ring_full_type);
    Py_VISIT(wt_log_callback(st->sink));
    return 0;
}

static int module_clear(PyObject *module)
{
    wt_state *st = wt_state_of(module);
    Py_CLEAR(st->device_type);
    Py_CLEAR(st->error_type);
    Py_CLEAR(st->ring_full_type);
    wt_log_stop(st->sink); /* the callback may be part of the cycle being cleared */
    return 0;
}

static void module_free(void *module)
{
    wt_state *st = wt_state_of(module);
    module_clear(module);
    wt_log_close(st->sink);
    st->sink = NULL;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL},
};

struct PyModuleDef wt_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "wintun._wintun",
    .m_doc = "The C half of the wintun package (liblintun inside).",
    .m_size = sizeof(wt_state),
    .m_methods = module_methods,
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__wintun(void);
PyMODINIT_FUNC PyInit__wintun(void) { return PyModuleDef_Init(&wt_module_def); }
