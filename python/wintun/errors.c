/* SPDX-License-Identifier: MIT */
/*
 * Errors: the one table of the Windows error codes the library reports,
 * and the exception classes built from it.
 *
 *   wintun.Error(winerror, message=None)  an OSError: .winerror is the code,
 *       .name its name, .errno the nearest POSIX errno, str(e)
 *       "[WinError 87 ERROR_INVALID_PARAMETER] <the library's explanation>"
 *   wintun.RingFull                       an Error: write() found the send
 *       ring full (ERROR_BUFFER_OVERFLOW)
 *
 * The classes are made here, per module, by PyErr_NewExceptionWithDoc, so
 * they are ordinary heap types that pickle by name (wintun.Error). Their
 * methods are C functions bound to the module, which reach its state.
 */
#include <errno.h>
#include "_wintun.h"

#define CAPTURE_MAX 1024

static const struct win_error {
    DWORD code;
    const char *name;
    int posix; /* the errno an OSError of this kind carries */
} win_errors[] = {
    {ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", ENOENT},
    {ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED", EACCES},
    {ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE", EBADF},
    {ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY", ENOMEM},
    {ERROR_INVALID_DATA, "ERROR_INVALID_DATA", EIO},
    {ERROR_GEN_FAILURE, "ERROR_GEN_FAILURE", EIO},
    {ERROR_HANDLE_EOF, "ERROR_HANDLE_EOF", ENODEV},
    {ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", EOPNOTSUPP},
    {ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", EINVAL},
    {ERROR_BUFFER_OVERFLOW, "ERROR_BUFFER_OVERFLOW", ENOBUFS},
    {ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", EEXIST},
    {ERROR_MORE_DATA, "ERROR_MORE_DATA", EMSGSIZE},
    {ERROR_NO_MORE_ITEMS, "ERROR_NO_MORE_ITEMS", EAGAIN},
    {ERROR_NOT_FOUND, "ERROR_NOT_FOUND", ENOENT},
    {ERROR_ALREADY_INITIALIZED, "ERROR_ALREADY_INITIALIZED", EALREADY},
    {ERROR_OBJECT_ALREADY_EXISTS, "ERROR_OBJECT_ALREADY_EXISTS", EEXIST},
};
#define N_ERRORS (sizeof(win_errors) / sizeof(win_errors[0]))

static const struct win_error *find_error(DWORD code)
{
    for (size_t i = 0; i < N_ERRORS; i++)
        if (win_errors[i].code == code)
            return &win_errors[i];
    return NULL;
}

const char *wt_error_name(DWORD code)
{
    const struct win_error *e = find_error(code);
    return e ? e->name : NULL;
}

/* The name of any code: "ERROR_4242" for one the table lacks. */
static PyObject *name_of(DWORD code)
{
    const char *name = wt_error_name(code);
    if (name)
        return PyUnicode_FromString(name);
    return PyUnicode_FromFormat("ERROR_%lu", (unsigned long)code);
}

static int code_from(PyObject *obj, DWORD *code)
{
    unsigned long v = PyLong_AsUnsignedLong(obj);
    if (v == (unsigned long)-1 && PyErr_Occurred())
        return -1;
    if (v > 0xFFFFFFFFul) {
        PyErr_SetString(PyExc_OverflowError, "a Windows error code is 32 bits");
        return -1;
    }
    *code = (DWORD)v;
    return 0;
}

PyObject *wt_error_name_py(PyObject *module, PyObject *arg)
{
    DWORD code;
    if (code_from(arg, &code) < 0)
        return NULL;
    return name_of(code);
}

/* ------------------------------------------------------------------------
 * The Error class: __init__, __str__, __reduce__, each called with the
 * module as self and the instance as the first argument.
 * --------------------------------------------------------------------- */

static PyObject *error_init(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"self", "winerror", "message", NULL};
    PyObject *self, *code_obj, *message = Py_None;
    DWORD code;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|O:Error", kwlist, &self, &code_obj,
                                     &message) ||
        code_from(code_obj, &code) < 0)
        return NULL;
    const struct win_error *e = find_error(code);
    PyObject *name = name_of(code);
    if (!name)
        return NULL;
    int given = message == Py_None ? 0 : PyObject_IsTrue(message);
    if (given < 0) {
        Py_DECREF(name);
        return NULL;
    }
    if (!given)
        message = name;
    /* OSError's own __init__ sets errno, strerror and args from (errno, message). */
    PyObject *os_args = Py_BuildValue("(iO)", e ? e->posix : EIO, message);
    int rc = os_args ? ((PyTypeObject *)PyExc_OSError)->tp_init(self, os_args, NULL) : -1;
    Py_XDECREF(os_args);
    PyObject *winerror = rc < 0 ? NULL : PyLong_FromUnsignedLong(code);
    if (!winerror || PyObject_SetAttrString(self, "winerror", winerror) < 0 ||
        PyObject_SetAttrString(self, "name", name) < 0) {
        Py_XDECREF(winerror);
        Py_DECREF(name);
        return NULL;
    }
    Py_DECREF(winerror);
    Py_DECREF(name);
    Py_RETURN_NONE;
}

static PyObject *error_str(PyObject *module, PyObject *self)
{
    PyObject *winerror = PyObject_GetAttrString(self, "winerror");
    PyObject *name = winerror ? PyObject_GetAttrString(self, "name") : NULL;
    PyObject *text = name ? PyObject_GetAttrString(self, "strerror") : NULL;
    PyObject *s = text ? PyUnicode_FromFormat("[WinError %S %S] %S", winerror, name, text) : NULL;
    Py_XDECREF(winerror);
    Py_XDECREF(name);
    Py_XDECREF(text);
    return s;
}

/* Pickle as type(self)(winerror, message). */
static PyObject *error_reduce(PyObject *module, PyObject *self)
{
    PyObject *winerror = PyObject_GetAttrString(self, "winerror");
    PyObject *text = winerror ? PyObject_GetAttrString(self, "strerror") : NULL;
    PyObject *r = text ? Py_BuildValue("(O(OO))", (PyObject *)Py_TYPE(self), winerror, text)
                       : NULL;
    Py_XDECREF(winerror);
    Py_XDECREF(text);
    return r;
}

static PyMethodDef error_init_def = {"__init__", (PyCFunction)(void (*)(void))error_init,
                                     METH_VARARGS | METH_KEYWORDS, NULL};
static PyMethodDef error_str_def = {"__str__", error_str, METH_O, NULL};
static PyMethodDef error_reduce_def = {"__reduce__", error_reduce, METH_O, NULL};

/* dict[name] = a method (an instancemethod over a function bound to module). */
static int add_method(PyObject *dict, PyObject *module, PyMethodDef *def)
{
    PyObject *f = PyCFunction_NewEx(def, module, NULL);
    PyObject *m = f ? PyInstanceMethod_New(f) : NULL;
    int rc = m ? PyDict_SetItemString(dict, def->ml_name, m) : -1;
    Py_XDECREF(f);
    Py_XDECREF(m);
    return rc;
}

static const char error_doc[] =
    "Error(winerror, message=None)\n\n"
    "A failed wintun call, an OSError. .winerror is the Windows error code\n"
    "(wintun.ERROR_INVALID_PARAMETER, ...), .name its name, .errno the nearest\n"
    "POSIX errno, and str(e) the library's own explanation when it logged one.";

static const char ring_full_doc[] =
    "write() found the send ring full (ERROR_BUFFER_OVERFLOW): the packet\n"
    "was not sent. Wintun programs drop the packet; retrying later also works.";

int wt_errors_init(PyObject *module, wt_state *st)
{
    for (size_t i = 0; i < N_ERRORS; i++)
        if (PyModule_AddIntConstant(module, win_errors[i].name, (long)win_errors[i].code) < 0)
            return -1;
    PyObject *dict = PyDict_New();
    if (!dict)
        return -1;
    if (add_method(dict, module, &error_init_def) < 0 ||
        add_method(dict, module, &error_str_def) < 0 ||
        add_method(dict, module, &error_reduce_def) < 0) {
        Py_DECREF(dict);
        return -1;
    }
    st->error_type = PyErr_NewExceptionWithDoc("wintun.Error", error_doc, PyExc_OSError, dict);
    Py_DECREF(dict);
    if (!st->error_type)
        return -1;
    st->ring_full_type = PyErr_NewExceptionWithDoc("wintun.RingFull", ring_full_doc,
                                                   st->error_type, NULL);
    if (!st->ring_full_type)
        return -1;
    if (PyModule_AddObjectRef(module, "Error", st->error_type) < 0 ||
        PyModule_AddObjectRef(module, "RingFull", st->ring_full_type) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------
 * Raising
 * --------------------------------------------------------------------- */

/* The calling thread's last error or warning logged by the library. */
static _Thread_local WCHAR captured[CAPTURE_MAX];
static _Thread_local int have_captured;

void wt_begin_call(void) { have_captured = 0; }

int wt_have_captured(void) { return have_captured; }

void wt_capture(WINTUN_LOGGER_LEVEL level, const WCHAR *message)
{
    if (level == WINTUN_LOG_INFO)
        return;
    wcsncpy(captured, message, CAPTURE_MAX - 1);
    captured[CAPTURE_MAX - 1] = 0;
    have_captured = 1;
}

PyObject *wt_raise_as(wt_state *st, PyObject *type, DWORD code, const char *what)
{
    PyObject *msg;
    wt_deliver(st->sink);
    if (have_captured)
        msg = PyUnicode_FromWideChar(captured, -1);
    else if (what)
        msg = PyUnicode_FromString(what);
    else
        msg = Py_NewRef(Py_None);
    have_captured = 0;
    if (!msg)
        return NULL;
    PyObject *exc = PyObject_CallFunction(type ? type : st->error_type, "kO", (unsigned long)code,
                                          msg);
    Py_DECREF(msg);
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return NULL;
}

PyObject *wt_raise(wt_state *st, DWORD code, const char *what)
{
    return wt_raise_as(st, NULL, code, what);
}

PyObject *wt_raise_last(wt_state *st) { return wt_raise(st, LintunGetLastError(), NULL); }
