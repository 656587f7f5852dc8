/* SPDX-License-Identifier: MIT */
/*
 * Device's identity, counters and configuration: info, stats, link state,
 * addresses, routes, MTU. Thin wrappers over the Lintun* calls; addresses
 * travel as text ("10.6.7.7/24"), which LintunParseAddress and
 * LintunFormatAddress convert.
 */
#include <string.h>
#include <arpa/inet.h>
#include "_wintun.h"

#define MAX_LISTED 64

PyObject *wt_format_address(wt_state *st, const LINTUN_IP_ADDRESS *a)
{
    char buf[64];
    if (!LintunFormatAddress(a, buf, sizeof(buf)))
        return wt_raise_last(st);
    return PyUnicode_FromString(buf);
}

int wt_parse_address(wt_state *st, PyObject *text, LINTUN_IP_ADDRESS *out, int default_v4,
                     int default_v6)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "address must be str, not %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
    const char *s = PyUnicode_AsUTF8(text);
    if (!s)
        return -1;
    wt_begin_call();
    if (!LintunParseAddress(s, out)) {
        wt_raise_last(st);
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

PyObject *wt_info_tuple(wt_state *st, const LINTUN_ADAPTER_INFO *in)
{
    char guid[LINTUN_GUID_STRING_SIZE];
    if (!LintunGuidToString(&in->Guid, guid, sizeof(guid)))
        return wt_raise_last(st);
    return Py_BuildValue("(u#u#sKksk)", in->Name, (Py_ssize_t)wcsnlen(in->Name, MAX_ADAPTER_NAME),
                         in->TunnelType, (Py_ssize_t)wcsnlen(in->TunnelType, MAX_ADAPTER_NAME),
                         guid, (unsigned long long)in->Luid.Value, (unsigned long)in->IfIndex,
                         in->IfName, (unsigned long)in->CreatorPid);
}

#define NEED_ADAPTER(self)                                                                        \
    do {                                                                                          \
        if (!(self)->adapter)                                                                     \
            return wt_closed_error((self)->st);                                                   \
    } while (0)

static PyObject *Device_info(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    LINTUN_ADAPTER_INFO info;
    wt_begin_call();
    if (!LintunGetAdapterInfo(self->adapter, &info))
        return wt_raise_last(self->st);
    return wt_info_tuple(self->st, &info);
}

static PyObject *Device_stats(Device *self, PyObject *unused)
{
    if (!self->session)
        return self->adapter ? wt_down_error(self->st) : wt_closed_error(self->st);
    LINTUN_SESSION_STATS st;
    wt_begin_call();
    if (!LintunGetSessionStats(self->session, &st))
        return wt_raise_last(self->st);
    return Py_BuildValue("(KKKKKKKKKKKK)", st.RxPackets, st.RxBytes, st.RxReads, st.RxSuperPackets,
                         st.RxDropped, st.TxPackets, st.TxBytes, st.TxWrites, st.TxCoalesced,
                         st.TxDroppedInvalid, st.TxDroppedKernel, st.TxRingFull);
}

static PyObject *Device_link_state(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    BOOL up, running;
    wt_begin_call();
    if (!LintunGetLinkState(self->adapter, &up, &running))
        return wt_raise_last(self->st);
    return Py_BuildValue("(OO)", up ? Py_True : Py_False, running ? Py_True : Py_False);
}

/* _add_address(text, default_v4=-1, default_v6=-1) -> the address added, as text */
static PyObject *Device_add_address(Device *self, PyObject *args)
{
    PyObject *text;
    int d4 = -1, d6 = -1;
    if (!PyArg_ParseTuple(args, "O|ii:add_address", &text, &d4, &d6))
        return NULL;
    NEED_ADAPTER(self);
    LINTUN_IP_ADDRESS a;
    if (wt_parse_address(self->st, text, &a, d4, d6) < 0)
        return NULL;
    wt_begin_call();
    if (!LintunAddAddress(self->adapter, &a))
        return wt_raise_last(self->st);
    wt_deliver(self->st->sink);
    return wt_format_address(self->st, &a);
}

static PyObject *Device_remove_address(Device *self, PyObject *text)
{
    NEED_ADAPTER(self);
    LINTUN_IP_ADDRESS a;
    if (wt_parse_address(self->st, text, &a, -1, -1) < 0)
        return NULL;
    wt_begin_call();
    if (!LintunDeleteAddress(self->adapter, &a))
        return wt_raise_last(self->st);
    wt_deliver(self->st->sink);
    Py_RETURN_NONE;
}

static PyObject *Device_addresses(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    LINTUN_IP_ADDRESS a[MAX_LISTED];
    DWORD count = MAX_LISTED;
    wt_begin_call();
    if (!LintunGetAddresses(self->adapter, a, &count))
        return wt_raise_last(self->st);
    PyObject *list = PyList_New(0);
    for (DWORD i = 0; list && i < count; i++) {
        PyObject *s = wt_format_address(self->st, &a[i]);
        if (!s || PyList_Append(list, s) < 0)
            Py_CLEAR(list);
        Py_XDECREF(s);
    }
    return list;
}

static int route_args(wt_state *st, PyObject *args, PyObject *kwds, const char *fmt,
                      LINTUN_ROUTE *r)
{
    static char *kwlist[] = {"destination", "metric", NULL};
    PyObject *text;
    unsigned long metric = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, fmt, kwlist, &text, &metric))
        return -1;
    memset(r, 0, sizeof(*r));
    r->Metric = (DWORD)metric;
    return wt_parse_address(st, text, &r->Destination, -1, -1);
}

static PyObject *Device_add_route(Device *self, PyObject *args, PyObject *kwds)
{
    LINTUN_ROUTE r;
    if (route_args(self->st, args, kwds, "O|k:add_route", &r) < 0)
        return NULL;
    NEED_ADAPTER(self);
    wt_begin_call();
    if (!LintunAddRoute(self->adapter, &r))
        return wt_raise_last(self->st);
    wt_deliver(self->st->sink);
    Py_RETURN_NONE;
}

static PyObject *Device_remove_route(Device *self, PyObject *args, PyObject *kwds)
{
    LINTUN_ROUTE r;
    if (route_args(self->st, args, kwds, "O|k:remove_route", &r) < 0)
        return NULL;
    NEED_ADAPTER(self);
    wt_begin_call();
    if (!LintunDeleteRoute(self->adapter, &r))
        return wt_raise_last(self->st);
    wt_deliver(self->st->sink);
    Py_RETURN_NONE;
}

static PyObject *Device_routes(Device *self, PyObject *unused)
{
    NEED_ADAPTER(self);
    LINTUN_ROUTE r[MAX_LISTED];
    DWORD count = MAX_LISTED;
    wt_begin_call();
    if (!LintunGetRoutes(self->adapter, r, &count))
        return wt_raise_last(self->st);
    PyObject *list = PyList_New(0);
    for (DWORD i = 0; list && i < count; i++) {
        PyObject *s = wt_format_address(self->st, &r[i].Destination);
        PyObject *t = s ? Py_BuildValue("(Nk)", s, (unsigned long)r[i].Metric) : NULL;
        if (!t || PyList_Append(list, t) < 0)
            Py_CLEAR(list);
        Py_XDECREF(t);
    }
    return list;
}

static PyObject *Device_get_mtu(Device *self, void *closure)
{
    NEED_ADAPTER(self);
    DWORD mtu;
    wt_begin_call();
    if (!LintunGetMtu(self->adapter, &mtu))
        return wt_raise_last(self->st);
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
    wt_begin_call();
    if (!self->adapter) {
        wt_closed_error(self->st);
        return -1;
    }
    if (!LintunSetMtu(self->adapter, mtu > 0xFFFFFFFFul ? 0 : (DWORD)mtu)) {
        wt_raise_last(self->st);
        return -1;
    }
    wt_deliver(self->st->sink);
    return 0;
}

PyMethodDef wt_device_config_methods[] = {
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

PyGetSetDef wt_device_config_getset[] = {
    {"mtu", (getter)Device_get_mtu, (setter)Device_set_mtu, "The interface MTU.", NULL},
    {NULL},
};
