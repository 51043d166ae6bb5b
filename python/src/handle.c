/* SPDX-License-Identifier: MIT */
/*
 * _clonexec.spawn / _clonexec.explain and the Handle type (a struct
 * cx_process). clonexec/__init__.py builds the attribute dict and wraps
 * the Handle in a Process.
 */
#include "ext.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

typedef struct {
	PyObject_HEAD
	struct cx_process *p;
	pid_t pid;
} Handle;

static void handle_dealloc(Handle *h)
{
	cx_process_release(h->p);
	Py_TYPE(h)->tp_free((PyObject *)h);
}

static int handle_open(Handle *h)
{
	if (h->p)
		return 0;
	PyErr_SetString(PyExc_ValueError, "the process handle is released");
	return -1;
}

static PyObject *handle_pid(Handle *h, void *unused)
{
	(void)unused;
	return PyLong_FromPid(h->pid);
}

static PyObject *handle_pidfd(Handle *h, void *unused)
{
	(void)unused;
	return PyLong_FromLong(h->p ? cx_process_pidfd(h->p) : -1);
}

static PyObject *rusage_tuple(const struct rusage *ru)
{
	return Py_BuildValue("(ddllllllllllllll)",
			     (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec * 1e-6,
			     (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec * 1e-6,
			     ru->ru_maxrss, ru->ru_ixrss, ru->ru_idrss, ru->ru_isrss,
			     ru->ru_minflt, ru->ru_majflt, ru->ru_nswap, ru->ru_inblock,
			     ru->ru_oublock, ru->ru_msgsnd, ru->ru_msgrcv, ru->ru_nsignals,
			     ru->ru_nvcsw, ru->ru_nivcsw);
}

static PyObject *status_tuple(const struct cx_status *st)
{
	return Py_BuildValue("(iiiiNIiIIII)", st->exited, st->exit_code, st->signal,
			     st->core_dumped, rusage_tuple(&st->rusage), st->supervision,
			     st->timeout_signal, st->cgroup_oom_kill, st->cgroup_oom,
			     st->cgroup_memory_max, st->cgroup_pids_max);
}

static PyObject *errno_error(int r)
{
	errno = -r;
	return PyErr_SetFromErrno(PyExc_OSError);
}

/* wait(timeout_ms) -> (exited, exit_code, signal, core_dumped, rusage,
 * supervision, timeout_signal, oom_kill, oom, memory_max, pids_max) or
 * None when still running. Blocking waits are the caller's business (it
 * polls the pidfd, interruptibly); here 0 polls and < 0 blocks. */
static PyObject *handle_wait(Handle *h, PyObject *args)
{
	int timeout_ms = 0, r;
	struct cx_status st;

	if (!PyArg_ParseTuple(args, "|i:wait", &timeout_ms) || handle_open(h) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	r = cx_process_wait(h->p, timeout_ms, &st);
	Py_END_ALLOW_THREADS
	if (r == -ETIMEDOUT)
		Py_RETURN_NONE;
	return r < 0 ? errno_error(r) : status_tuple(&st);
}

/* wait_deadline(timeout_ms, sig, grace_ms, flags) -> status tuple, once
 * the process is reaped (cx_process_wait_deadline). */
static PyObject *handle_wait_deadline(Handle *h, PyObject *args)
{
	int timeout_ms, sig, grace_ms, r;
	unsigned int flags;
	struct cx_status st;

	if (!PyArg_ParseTuple(args, "iiiI:wait_deadline", &timeout_ms, &sig, &grace_ms, &flags) ||
	    handle_open(h) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	r = cx_process_wait_deadline(h->p, timeout_ms, sig, grace_ms, flags, &st);
	Py_END_ALLOW_THREADS
	return r < 0 ? errno_error(r) : status_tuple(&st);
}

static PyObject *handle_kill_tree(Handle *h, PyObject *args)
{
	int sig, r;

	if (!PyArg_ParseTuple(args, "i:kill_tree", &sig) || handle_open(h) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	r = cx_process_kill_tree(h->p, sig);
	Py_END_ALLOW_THREADS
	if (r < 0)
		return errno_error(r);
	Py_RETURN_NONE;
}

static PyObject *handle_cgroup(Handle *h, void *unused)
{
	const char *dir = h->p ? cx_process_cgroup(h->p) : NULL;

	(void)unused;
	if (!dir)
		Py_RETURN_NONE;
	return PyUnicode_DecodeFSDefault(dir);
}

static PyObject *handle_signal(Handle *h, PyObject *args)
{
	int sig, r;

	if (!PyArg_ParseTuple(args, "i:send_signal", &sig) || handle_open(h) < 0)
		return NULL;
	r = cx_process_signal(h->p, sig);
	if (r < 0)
		return errno_error(r);
	Py_RETURN_NONE;
}

static PyObject *handle_release(Handle *h, PyObject *unused)
{
	(void)unused;
	cx_process_release(h->p);
	h->p = NULL;
	Py_RETURN_NONE;
}

static PyMethodDef handle_methods[] = {
	{ "wait", (PyCFunction)handle_wait, METH_VARARGS,
	  "wait(timeout_ms=0) -> status tuple, or None while the process runs." },
	{ "wait_deadline", (PyCFunction)handle_wait_deadline, METH_VARARGS,
	  "wait_deadline(timeout_ms, sig, grace_ms, flags) -> status tuple (reaped)." },
	{ "kill_tree", (PyCFunction)handle_kill_tree, METH_VARARGS,
	  "kill_tree(sig): every process of the child's own cgroup." },
	{ "send_signal", (PyCFunction)handle_signal, METH_VARARGS,
	  "send_signal(sig): through the pidfd; ProcessLookupError once reaped." },
	{ "release", (PyCFunction)handle_release, METH_NOARGS,
	  "Close the pidfd and free the handle; an unreaped child stays ours." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef handle_getset[] = {
	{ "pid", (getter)handle_pid, NULL, "process id", NULL },
	{ "pidfd", (getter)handle_pidfd, NULL, "pidfd, or -1 (none, or released)", NULL },
	{ "cgroup", (getter)handle_cgroup, NULL, "the child's own cgroup directory, or None", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject cxpy_handle_type = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "clonexec._clonexec.Handle",
	.tp_basicsize = sizeof(Handle),
	.tp_dealloc = (destructor)handle_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A libclonexec process handle (struct cx_process).",
	.tp_methods = handle_methods,
	.tp_getset = handle_getset,
};

/* The filename an OSError should carry for a failed step. */
static const char *error_filename(const struct cx_error *err, const char *path)
{
	switch (err->step) {
	case CX_STEP_EXECVE:
	case CX_STEP_LOOKUP:
		return path;
	case CX_STEP_CHDIR:
	case CX_STEP_CHROOT:
	case CX_STEP_CGROUP_CREATE:
		return err->object;
	default:
		return NULL;
	}
}

struct call {
	PyObject *keep;
	const char *path;
	char **argv, **envp;
	int search;
	struct cxpy_attr a;
};

/* (path, argv, env_or_None, attrs, search) */
static int call_parse(PyObject *args, struct call *c)
{
	PyObject *path, *argv, *env, *attrs, *pb = NULL;

	memset(c, 0, sizeof(*c));
	if (!PyArg_ParseTuple(args, "OOOO!p", &path, &argv, &env, &PyDict_Type, &attrs,
			      &c->search))
		return -1;
	c->keep = PyList_New(0);
	if (!c->keep)
		return -1;
	if (!PyUnicode_FSConverter(path, &pb) || PyList_Append(c->keep, pb) < 0) {
		Py_XDECREF(pb);
		return -1;
	}
	c->path = PyBytes_AS_STRING(pb);
	Py_DECREF(pb);
	c->argv = cxpy_bytes_array(argv, c->keep, "argv must be a sequence");
	if (!c->argv)
		return -1;
	if (env != Py_None) {
		c->envp = cxpy_bytes_array(env, c->keep, "env must be a sequence");
		if (!c->envp)
			return -1;
	}
	return cxpy_attr_from_dict(attrs, &c->a);
}

static void call_free(struct call *c)
{
	PyMem_Free(c->argv);
	PyMem_Free(c->envp);
	cxpy_attr_free(&c->a);
	Py_CLEAR(c->keep);
}

PyObject *cxpy_spawn(PyObject *self, PyObject *args)
{
	struct call c;
	struct cx_process *p = NULL;
	struct cx_error err;
	PyObject *res = NULL;
	Handle *h;
	int r;

	(void)self;
	if (call_parse(args, &c) < 0)
		goto out;
	Py_BEGIN_ALLOW_THREADS
	if (c.search)
		r = cx_spawnp(c.path, c.argv, c.envp, &c.a.attr, &p, &err);
	else
		r = cx_spawn(c.path, c.argv, c.envp, &c.a.attr, &p, &err);
	Py_END_ALLOW_THREADS
	if (r < 0) {
		cxpy_raise_spawn_error(&err, error_filename(&err, c.path));
		goto out;
	}
	h = PyObject_New(Handle, &cxpy_handle_type);
	if (!h) {
		/* The child runs: do not lose it. */
		waitpid(cx_process_pid(p), NULL, 0);
		cx_process_release(p);
		goto out;
	}
	h->p = p;
	h->pid = cx_process_pid(p);
	res = (PyObject *)h;
out:
	call_free(&c);
	return res;
}

static int explain_step(int index, int step, const char *who, const char *text, void *ud)
{
	PyObject *t = Py_BuildValue("(iiss)", index, step, who, text);

	if (!t || PyList_Append((PyObject *)ud, t) < 0) {
		Py_XDECREF(t);
		return -1;
	}
	Py_DECREF(t);
	return 0;
}

PyObject *cxpy_explain(PyObject *self, PyObject *args)
{
	struct call c;
	struct cx_error err;
	PyObject *list = NULL;
	int r;

	(void)self;
	if (call_parse(args, &c) < 0)
		goto out;
	list = PyList_New(0);
	if (!list)
		goto out;
	memset(&err, 0, sizeof(err));
	r = cx_explain(c.path, c.argv, c.envp, &c.a.attr,
		       c.search ? CX_EXPLAIN_SEARCH_PATH : 0, explain_step, list, &err);
	if (r == -1 && PyErr_Occurred()) {
		Py_CLEAR(list);
	} else if (r < 0) {
		Py_CLEAR(list);
		cxpy_raise_spawn_error(&err, error_filename(&err, c.path));
	}
out:
	call_free(&c);
	return list;
}

/* exec(path, argv, env, attrs, search): cx_exec or cx_execp in this
 * process; returns only by raising. The GIL stays held: no other thread
 * runs between the steps, and at the execve they all end. */
PyObject *cxpy_exec(PyObject *self, PyObject *args)
{
	struct call c;
	struct cx_error err;
	int r;

	(void)self;
	if (call_parse(args, &c) == 0) {
		if (c.search)
			r = cx_execp(c.path, c.argv, c.envp, &c.a.attr, &err);
		else
			r = cx_exec(c.path, c.argv, c.envp, &c.a.attr, &err);
		(void)r;
		cxpy_raise_spawn_error(&err, error_filename(&err, c.path));
	}
	call_free(&c);
	return NULL;
}
