/* SPDX-License-Identifier: MIT */
/*
 * From the dict clonexec/__init__.py builds (names already turned into
 * numbers, flags already combined) to a struct cx_attr. Validation is the
 * library's: this file only moves values, so a bad value gets the
 * library's own error (step "check attributes") and its reason.
 */
#include "ext.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* files (int) and groups (gid_t) are filled as 32-bit values. */
_Static_assert(sizeof(int) == 4 && sizeof(gid_t) == 4, "32-bit fds and gids");

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

/* The items of d[key] (a sequence) and a zeroed array of as many elements
 * of size each (one more, never NULL); NULL when absent or on error. */
static PyObject *sequence(PyObject *d, const char *key, size_t size, void **ret_array)
{
	PyObject *v = item(d, key), *fast;

	*ret_array = NULL;
	if (!v)
		return NULL;
	fast = PySequence_Fast(v, key);
	if (!fast)
		return NULL;
	*ret_array = PyMem_Calloc((size_t)PySequence_Fast_GET_SIZE(fast) + 1, size);
	if (!*ret_array) {
		Py_DECREF(fast);
		PyErr_NoMemory();
		return NULL;
	}
	return fast;
}

/* Convert one item of a list into its slot of the array. */
typedef int (*item_fn)(PyObject *item, void *slot, Py_ssize_t i, const char *key);

/* d[key], a sequence, into a fresh array of *n elements of size each. */
static int get_each(PyObject *d, const char *key, size_t size, void **out, unsigned int *n,
		    item_fn fn)
{
	PyObject *fast = sequence(d, key, size, out);
	Py_ssize_t i, len;

	*n = 0;
	if (!fast)
		return PyErr_Occurred() ? -1 : 0;
	len = PySequence_Fast_GET_SIZE(fast);
	for (i = 0; i < len; i++)
		if (fn(PySequence_Fast_GET_ITEM(fast, i), (char *)*out + (size_t)i * size, i, key) < 0)
			break;
	Py_DECREF(fast);
	*n = (unsigned int)i;
	return i == len ? 0 : -1;
}

static int long_item(PyObject *item, void *slot, Py_ssize_t i, const char *key)
{
	(void)i;
	(void)key;
	*(long *)slot = PyLong_AsLong(item);
	return PyErr_Occurred() ? -1 : 0;
}

/* A list of ints into a fresh array of n elements. */
static int get_ints(PyObject *d, const char *key, long **out, unsigned int *n)
{
	return get_each(d, key, sizeof(**out), (void **)out, n, long_item);
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

/* (inside, outside, count) */
static int map_item(PyObject *item, void *slot, Py_ssize_t i, const char *key)
{
	unsigned long long in, outside, count;

	if (!PyArg_ParseTuple(item, "KKK", &in, &outside, &count))
		return -1;
	if (in > UINT32_MAX || outside > UINT32_MAX || count > UINT32_MAX) {
		PyErr_Format(PyExc_OverflowError, "%s[%zd]: ids are 32-bit", key, i);
		return -1;
	}
	*(struct cx_id_map *)slot = (struct cx_id_map){ (uint32_t)in, (uint32_t)outside,
						       (uint32_t)count };
	return 0;
}

/* (resource, soft, hard) with CX_RLIM_INFINITY for unlimited */
static int rlimit_item(PyObject *item, void *slot, Py_ssize_t i, const char *key)
{
	struct cx_rlimit *r = slot;
	unsigned long long soft, hard;

	(void)i;
	(void)key;
	if (!PyArg_ParseTuple(item, "iKK", &r->resource, &soft, &hard))
		return -1;
	r->soft = soft;
	r->hard = hard;
	return 0;
}

/* (fd, CX_NEW* type or 0) */
static int ns_fd_item(PyObject *item, void *slot, Py_ssize_t i, const char *key)
{
	struct cx_ns_fd *n = slot;
	unsigned long long type;

	(void)i;
	(void)key;
	if (!PyArg_ParseTuple(item, "iK", &n->fd, &type))
		return -1;
	n->type = type;
	return 0;
}

/* (path bytes, access): the path stays alive in the dict's own bytes. */
static int landlock_item(PyObject *item, void *slot, Py_ssize_t i, const char *key)
{
	struct cx_landlock_rule *r = slot;
	unsigned long long access;

	(void)i;
	(void)key;
	if (!PyArg_ParseTuple(item, "yK", &r->path, &access))
		return -1;
	r->access = access;
	return 0;
}

/* (kind, flags, source bytes or None, target bytes, mode, size): the
 * bytes stay alive in the dict's own tuples. */
static int mount_item(PyObject *item, void *slot, Py_ssize_t i, const char *key)
{
	struct cx_mount *m = slot;
	PyObject *src, *dst;
	unsigned int mode;
	unsigned long long size;

	if (!PyArg_ParseTuple(item, "iIOOIK", &m->kind, &m->flags, &src, &dst, &mode, &size))
		return -1;
	if ((src != Py_None && !PyBytes_Check(src)) || !PyBytes_Check(dst)) {
		PyErr_Format(PyExc_TypeError, "%s[%zd]: paths as bytes", key, i);
		return -1;
	}
	m->source = src == Py_None ? NULL : PyBytes_AS_STRING(src);
	m->target = PyBytes_AS_STRING(dst);
	m->mode = (mode_t)mode;
	m->size = size;
	return 0;
}

/* (file bytes, value bytes) */
static int cgroup_limit_item(PyObject *item, void *slot, Py_ssize_t i, const char *key)
{
	struct cx_cgroup_limit *l = slot;

	(void)i;
	(void)key;
	return PyArg_ParseTuple(item, "yy", &l->file, &l->value) ? 0 : -1;
}

/* The CPU set as sched_setaffinity's mask, already packed by the caller
 * into bytes of unsigned longs. */
static int get_cpus(PyObject *d, PyObject *keep, struct cx_attr *x)
{
	PyObject *v = item(d, "cpus");

	if (!v)
		return 0;
	if (!PyBytes_Check(v) || PyBytes_GET_SIZE(v) % sizeof(unsigned long)) {
		PyErr_SetString(PyExc_ValueError, "cpus: bytes of unsigned long words");
		return -1;
	}
	if (PyList_Append(keep, v) < 0)
		return -1;
	x->cpus = (const unsigned long *)(const void *)PyBytes_AS_STRING(v);
	x->cpus_size = (size_t)PyBytes_GET_SIZE(v);
	return 0;
}

/* Candidate programs (paths), tried in the child in order. */
static int get_programs(PyObject *d, struct cxpy_attr *a)
{
	PyObject *v = item(d, "programs");

	if (!v)
		return 0;
	a->programs = cxpy_bytes_array(v, a->keep, "programs must be a sequence");
	if (!a->programs)
		return -1;
	while (a->programs[a->attr.nprograms])
		a->attr.nprograms++;
	a->attr.programs = (const char *const *)a->programs;
	return 0;
}

/* Raw struct sock_filter instructions (8 bytes each), as bytes. */
static int get_seccomp(PyObject *d, PyObject *keep, struct cx_attr *x)
{
	PyObject *v = item(d, "seccomp_filter");

	if (!v)
		return 0;
	if (!PyBytes_Check(v) || PyBytes_GET_SIZE(v) % sizeof(struct cx_sock_filter)) {
		PyErr_SetString(PyExc_ValueError,
				"seccomp_filter: bytes of 8-byte struct sock_filter instructions");
		return -1;
	}
	if (PyList_Append(keep, v) < 0)
		return -1;
	x->seccomp_filter = (const struct cx_sock_filter *)PyBytes_AS_STRING(v);
	x->seccomp_len = (unsigned int)(PyBytes_GET_SIZE(v) / sizeof(struct cx_sock_filter));
	return 0;
}

/* A list of ints as 32-bit values (int fds, gid_t groups); NULL when absent. */
static int get_u32s(PyObject *d, const char *key, uint32_t **out, unsigned int *n)
{
	long *v;
	int r = get_ints(d, key, &v, n);

	*out = NULL;
	if (r == 0 && v) {
		*out = PyMem_Calloc(*n + 1, sizeof(uint32_t));
		if (!*out)
			r = -1, PyErr_NoMemory();
		for (unsigned int i = 0; *out && i < *n; i++)
			(*out)[i] = (uint32_t)v[i];
	}
	PyMem_Free(v);
	return r;
}

/* The plain number fields: the dict's key is the field's name. */
#define NUMBER(f) { #f, offsetof(struct cx_attr, f), sizeof(((struct cx_attr *)0)->f) }
static const struct {
	const char *key;
	size_t offset, size;
} numbers[] = {
	NUMBER(ctty_fd),	  NUMBER(uid),		   NUMBER(gid),
	NUMBER(cgroup_fd),	  NUMBER(pgid),		   NUMBER(pdeathsig),
	NUMBER(umask),		  NUMBER(join_pidfd),	   NUMBER(landlock_fd),
	NUMBER(securebits),	  NUMBER(monotonic_offset), NUMBER(boottime_offset),
	NUMBER(nice),		  NUMBER(sched_policy),	   NUMBER(sched_priority),
	NUMBER(ioprio_class),	  NUMBER(ioprio_level),	   NUMBER(oom_score_adj),
};

static int get_numbers(PyObject *d, struct cx_attr *x)
{
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		long v = 0;
		int32_t v32;
		int64_t v64;

		if (get_long(d, numbers[i].key, &v) < 0)
			return -1;
		/* Signed or not (uid_t, mode_t), the low 32 bits are the value. */
		v32 = (int32_t)v;
		v64 = v;
		memcpy((char *)x + numbers[i].offset, numbers[i].size == 8 ? (void *)&v64 : &v32,
		       numbers[i].size);
	}
	return 0;
}

_Static_assert(sizeof(uid_t) == 4 && sizeof(pid_t) == 4 && sizeof(mode_t) == 4 &&
		       sizeof(int64_t) == sizeof(long),
	       "the number fields are 32 or 64 bits; long holds them");

int cxpy_attr_from_dict(PyObject *d, struct cxpy_attr *a)
{
	struct cx_attr *x = &a->attr;
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
	    get_u64(d, "ambient_caps", &x->ambient_caps) < 0 ||
	    get_u64(d, "join_ns", &x->join_ns) < 0 ||
	    get_u64(d, "cap_bounding", &x->cap_bounding) < 0 ||
	    get_u64(d, "cap_inheritable", &x->cap_inheritable) < 0 ||
	    get_u64(d, "cap_keep", &x->cap_keep) < 0 ||
	    get_u64(d, "landlock_handled", &x->landlock_handled) < 0 ||
	    get_seccomp(d, a->keep, x) < 0 || get_cpus(d, a->keep, x) < 0 ||
	    get_path(d, "cgroup_parent", a->keep, &x->cgroup_parent) < 0 ||
	    get_path(d, "hostname", a->keep, &x->hostname) < 0 ||
	    get_path(d, "domainname", a->keep, &x->domainname) < 0 || get_programs(d, a) < 0 ||
	    get_u32s(d, "files", (uint32_t **)&a->files, &x->nfiles) < 0 ||
	    get_u32s(d, "groups", (uint32_t **)&a->groups, &x->ngroups) < 0)
		return -1;
	x->files = a->files;
	x->groups = a->groups;
	if (get_numbers(d, x) < 0)
		return -1;
	if (get_each(d, "uid_map", sizeof(*a->uid_map), (void **)&a->uid_map, &x->nuid_map,
		     map_item) < 0 ||
	    get_each(d, "gid_map", sizeof(*a->gid_map), (void **)&a->gid_map, &x->ngid_map,
		     map_item) < 0 ||
	    get_each(d, "rlimits", sizeof(*a->rlimits), (void **)&a->rlimits, &x->nrlimits,
		     rlimit_item) < 0 ||
	    get_each(d, "join_fds", sizeof(*a->join_fds), (void **)&a->join_fds, &x->njoin_fds,
		     ns_fd_item) < 0 ||
	    get_each(d, "landlock_rules", sizeof(*a->landlock_rules),
		     (void **)&a->landlock_rules, &x->nlandlock_rules, landlock_item) < 0 ||
	    get_each(d, "mounts", sizeof(*a->mounts), (void **)&a->mounts, &x->nmounts,
		     mount_item) < 0 ||
	    get_each(d, "cgroup_limits", sizeof(*a->cgroup_limits), (void **)&a->cgroup_limits,
		     &x->ncgroup_limits, cgroup_limit_item) < 0 ||
	    get_sigset(d, "sigmask", &x->sigmask) < 0 ||
	    get_sigset(d, "sigdefault", &x->sigdefault) < 0)
		return -1;
	x->uid_map = a->uid_map;
	x->gid_map = a->gid_map;
	x->rlimits = a->rlimits;
	x->join_fds = a->join_fds;
	x->landlock_rules = a->landlock_rules;
	x->mounts = a->mounts;
	x->cgroup_limits = a->cgroup_limits;
	return 0;
}

void cxpy_attr_free(struct cxpy_attr *a)
{
	Py_CLEAR(a->keep);
	PyMem_Free(a->files);
	PyMem_Free(a->groups);
	PyMem_Free(a->uid_map);
	PyMem_Free(a->gid_map);
	PyMem_Free(a->rlimits);
	PyMem_Free(a->join_fds);
	PyMem_Free(a->landlock_rules);
	PyMem_Free(a->mounts);
	PyMem_Free(a->cgroup_limits);
	PyMem_Free(a->programs);
	memset(a, 0, sizeof(*a));
}
