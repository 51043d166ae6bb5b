/* SPDX-License-Identifier: MIT */
/*
 * From the dict clonexec/__init__.py builds (names already turned into
 * numbers, flags already combined) to a struct cx_attr. Validation is the
 * library's: this file only moves values, so a bad value gets the
 * library's own error (step "check attributes") and its reason.
 */
#include "ext.h"

#include <stdlib.h>
#include <string.h>

char **cxpy_bytes_array(PyObject *seq, PyObject *keep, const char *what)
{
	PyObject *fast = PySequence_Fast(seq, what);
	Py_ssize_t n, i;
	char **out;

	if (!fast)
		return NULL;
	n = PySequence_Fast_GET_SIZE(fast);
	out = PyMem_Calloc((size_t)n + 1, sizeof(char *));
	if (!out) {
		Py_DECREF(fast);
		PyErr_NoMemory();
		return NULL;
	}
	for (i = 0; i < n; i++) {
		PyObject *b = NULL;

		if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fast, i), &b) ||
		    PyList_Append(keep, b) < 0) {
			Py_XDECREF(b);
			PyMem_Free(out);
			Py_DECREF(fast);
			return NULL;
		}
		out[i] = PyBytes_AS_STRING(b);
		Py_DECREF(b);
	}
	Py_DECREF(fast);
	return out;
}

static PyObject *item(PyObject *d, const char *key)
{
	PyObject *v = PyDict_GetItemString(d, key);

	return v == Py_None ? NULL : v;
}

static int get_u64(PyObject *d, const char *key, uint64_t *out)
{
	PyObject *v = item(d, key);

	if (!v)
		return 0;
	*out = PyLong_AsUnsignedLongLong(v);
	return PyErr_Occurred() ? -1 : 0;
}

static int get_long(PyObject *d, const char *key, long *out)
{
	PyObject *v = item(d, key);

	if (!v)
		return 0;
	*out = PyLong_AsLong(v);
	return PyErr_Occurred() ? -1 : 0;
}

static int get_path(PyObject *d, const char *key, PyObject *keep, const char **out)
{
	PyObject *v = item(d, key), *b = NULL;

	if (!v)
		return 0;
	if (!PyUnicode_FSConverter(v, &b) || PyList_Append(keep, b) < 0) {
		Py_XDECREF(b);
		return -1;
	}
	*out = PyBytes_AS_STRING(b);
	Py_DECREF(b);
	return 0;
}

/* A list of ints into a fresh array of n elements. */
static int get_ints(PyObject *d, const char *key, long **out, unsigned int *n)
{
	PyObject *v = item(d, key), *fast;
	Py_ssize_t i, len;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	fast = PySequence_Fast(v, key);
	if (!fast)
		return -1;
	len = PySequence_Fast_GET_SIZE(fast);
	*out = PyMem_Calloc((size_t)len + 1, sizeof(long));
	if (!*out) {
		Py_DECREF(fast);
		PyErr_NoMemory();
		return -1;
	}
	for (i = 0; i < len; i++) {
		(*out)[i] = PyLong_AsLong(PySequence_Fast_GET_ITEM(fast, i));
		if (PyErr_Occurred()) {
			Py_DECREF(fast);
			return -1;
		}
	}
	*n = (unsigned int)len;
	Py_DECREF(fast);
	return 0;
}

static int get_sigset(PyObject *d, const char *key, sigset_t *set)
{
	long *sigs;
	unsigned int n, i;

	sigemptyset(set);
	if (get_ints(d, key, &sigs, &n) < 0) {
		PyMem_Free(sigs);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (sigaddset(set, (int)sigs[i]) < 0) {
			PyErr_Format(PyExc_ValueError, "%s: %ld is not a signal number", key,
				     sigs[i]);
			PyMem_Free(sigs);
			return -1;
		}
	PyMem_Free(sigs);
	return 0;
}

/* [(inside, outside, count), ...] */
static int get_map(PyObject *d, const char *key, struct cx_id_map **out, unsigned int *n)
{
	PyObject *v = item(d, key), *fast;
	Py_ssize_t i, len;

	if (!v)
		return 0;
	fast = PySequence_Fast(v, key);
	if (!fast)
		return -1;
	len = PySequence_Fast_GET_SIZE(fast);
	*out = PyMem_Calloc((size_t)len + 1, sizeof(**out));
	if (!*out) {
		Py_DECREF(fast);
		PyErr_NoMemory();
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned long long in, outside, count;

		if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "KKK", &in, &outside,
				      &count)) {
			Py_DECREF(fast);
			return -1;
		}
		if (in > UINT32_MAX || outside > UINT32_MAX || count > UINT32_MAX) {
			PyErr_Format(PyExc_OverflowError, "%s[%zd]: ids are 32-bit", key, i);
			Py_DECREF(fast);
			return -1;
		}
		(*out)[i] = (struct cx_id_map){ (uint32_t)in, (uint32_t)outside, (uint32_t)count };
	}
	*n = (unsigned int)len;
	Py_DECREF(fast);
	return 0;
}

/* [(resource, soft, hard), ...] with CX_RLIM_INFINITY for unlimited */
static int get_rlimits(PyObject *d, struct cx_rlimit **out, unsigned int *n)
{
	PyObject *v = item(d, "rlimits"), *fast;
	Py_ssize_t i, len;

	if (!v)
		return 0;
	fast = PySequence_Fast(v, "rlimits");
	if (!fast)
		return -1;
	len = PySequence_Fast_GET_SIZE(fast);
	*out = PyMem_Calloc((size_t)len + 1, sizeof(**out));
	if (!*out) {
		Py_DECREF(fast);
		PyErr_NoMemory();
		return -1;
	}
	for (i = 0; i < len; i++) {
		int res;
		unsigned long long soft, hard;

		if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "iKK", &res, &soft,
				      &hard)) {
			Py_DECREF(fast);
			return -1;
		}
		(*out)[i] = (struct cx_rlimit){ .resource = res, .soft = soft, .hard = hard };
	}
	*n = (unsigned int)len;
	Py_DECREF(fast);
	return 0;
}

int cxpy_attr_from_dict(PyObject *d, struct cxpy_attr *a)
{
	struct cx_attr *x = &a->attr;
	long *ints = NULL, v = 0;
	unsigned int n = 0, i;

	memset(a, 0, sizeof(*a));
	x->size = sizeof(*x);
	a->keep = PyList_New(0);
	if (!a->keep)
		return -1;
	if (!PyDict_Check(d)) {
		PyErr_SetString(PyExc_TypeError, "attributes must be a dict");
		return -1;
	}
	if (get_u64(d, "flags", &x->flags) < 0 || get_path(d, "dir", a->keep, &x->dir) < 0 ||
	    get_path(d, "chroot", a->keep, &x->chroot) < 0 ||
	    get_u64(d, "cloneflags", &x->cloneflags) < 0 ||
	    get_u64(d, "unshareflags", &x->unshareflags) < 0 ||
	    get_u64(d, "ambient_caps", &x->ambient_caps) < 0)
		return -1;

	if (get_ints(d, "files", &ints, &n) < 0)
		goto fail;
	if (ints) {
		a->files = PyMem_Calloc(n + 1, sizeof(int));
		if (!a->files)
			goto nomem;
		for (i = 0; i < n; i++)
			a->files[i] = (int)ints[i];
		x->files = a->files;
		x->nfiles = n;
		PyMem_Free(ints);
		ints = NULL;
	}
	if (get_ints(d, "groups", &ints, &n) < 0)
		goto fail;
	if (ints) {
		a->groups = PyMem_Calloc(n + 1, sizeof(gid_t));
		if (!a->groups)
			goto nomem;
		for (i = 0; i < n; i++)
			a->groups[i] = (gid_t)ints[i];
		x->groups = a->groups;
		x->ngroups = n;
		PyMem_Free(ints);
		ints = NULL;
	}
	if (get_long(d, "ctty_fd", &v) < 0)
		return -1;
	x->ctty_fd = (int)v;
	v = 0;
	if (get_long(d, "uid", &v) < 0)
		return -1;
	x->uid = (uid_t)v;
	v = 0;
	if (get_long(d, "gid", &v) < 0)
		return -1;
	x->gid = (gid_t)v;
	v = 0;
	if (get_long(d, "cgroup_fd", &v) < 0)
		return -1;
	x->cgroup_fd = (int)v;
	v = 0;
	if (get_long(d, "pgid", &v) < 0)
		return -1;
	x->pgid = (pid_t)v;
	v = 0;
	if (get_long(d, "pdeathsig", &v) < 0)
		return -1;
	x->pdeathsig = (int)v;
	v = 0;
	if (get_long(d, "umask", &v) < 0)
		return -1;
	x->umask = (mode_t)v;
	if (get_map(d, "uid_map", &a->uid_map, &x->nuid_map) < 0 ||
	    get_map(d, "gid_map", &a->gid_map, &x->ngid_map) < 0 ||
	    get_rlimits(d, &a->rlimits, &x->nrlimits) < 0 ||
	    get_sigset(d, "sigmask", &x->sigmask) < 0 ||
	    get_sigset(d, "sigdefault", &x->sigdefault) < 0)
		return -1;
	x->uid_map = a->uid_map;
	x->gid_map = a->gid_map;
	x->rlimits = a->rlimits;
	return 0;
nomem:
	PyErr_NoMemory();
fail:
	PyMem_Free(ints);
	return -1;
}

void cxpy_attr_free(struct cxpy_attr *a)
{
	Py_CLEAR(a->keep);
	PyMem_Free(a->files);
	PyMem_Free(a->groups);
	PyMem_Free(a->uid_map);
	PyMem_Free(a->gid_map);
	PyMem_Free(a->rlimits);
	memset(a, 0, sizeof(*a));
}
