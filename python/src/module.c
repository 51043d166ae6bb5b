/* SPDX-License-Identifier: MIT */
/* The _clonexec module: functions, constants, the error factory. */
#include "ext.h"

#include <errno.h>
#include <limits.h>
#include <sys/capability.h>

static PyObject *error_factory;

static PyObject *set_error_factory(PyObject *self, PyObject *f)
{
	(void)self;
	Py_INCREF(f);
	Py_XSETREF(error_factory, f);
	Py_RETURN_NONE;
}

/* clonexec._errors.make(errno, step, index, object, message, filename)
 * builds the SpawnError subclass for the errno; raise what it returns. */
PyObject *cxpy_raise_spawn_error(const struct cx_error *err, const char *filename)
{
	char msg[CX_ERROR_OBJECT_MAX + 256];
	PyObject *e, *fn;

	cx_error_format(err, msg, sizeof(msg));
	if (!error_factory) {
		errno = err->error;
		return PyErr_SetFromErrno(PyExc_OSError);
	}
	if (filename && filename[0]) {
		fn = PyUnicode_DecodeFSDefault(filename);
		if (!fn)
			return NULL;
	} else {
		fn = Py_NewRef(Py_None);
	}
	e = PyObject_CallFunction(error_factory, "iiiNNN", err->error, err->step, err->index,
				  PyUnicode_DecodeFSDefault(err->object),
				  PyUnicode_DecodeFSDefault(msg), fn);
	if (e) {
		PyErr_SetObject((PyObject *)Py_TYPE(e), e);
		Py_DECREF(e);
	}
	return NULL;
}

/* A library name of a number ("chroot", "nofile"), or None. */
static PyObject *name_of(PyObject *arg, const char *(*fn)(int))
{
	long v = PyLong_AsLong(arg);
	const char *n;

	if (v == -1 && PyErr_Occurred())
		return NULL;
	n = v >= INT_MIN && v <= INT_MAX ? fn((int)v) : NULL;
	if (!n)
		Py_RETURN_NONE;
	return PyUnicode_FromString(n);
}

static PyObject *step_name(PyObject *self, PyObject *arg)
{
	(void)self;
	return name_of(arg, cx_step_name);
}

static PyObject *rlimit_name(PyObject *self, PyObject *arg)
{
	(void)self;
	return name_of(arg, cx_rlimit_name);
}

/* libcap's names ("net_bind_service", "cap_net_bind_service"). */
static PyObject *cap_number(PyObject *self, PyObject *arg)
{
	const char *s = PyUnicode_AsUTF8(arg);
	cap_value_t v;

	(void)self;
	if (!s)
		return NULL;
	if (cap_from_name(s, &v) < 0) {
		PyErr_Format(PyExc_ValueError, "unknown capability: %s", s);
		return NULL;
	}
	return PyLong_FromLong(v);
}

static PyObject *version(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	return PyUnicode_FromString(cx_version());
}

static PyMethodDef methods[] = {
	{ "fork_exec", cxpy_fork_exec, METH_VARARGS,
	  "_posixsubprocess.fork_exec (CPython 3.11 signature) on libclonexec." },
	{ "_set_original", cxpy_backend_set_original, METH_O,
	  "The fork_exec that preexec_fn and other cases go to." },
	{ "_set_error_factory", set_error_factory, METH_O, "The SpawnError factory." },
	{ "backend_stats", cxpy_backend_stats, METH_NOARGS,
	  "{'clonexec': spawns through libclonexec, 'fallback': through CPython}" },
	{ "spawn", cxpy_spawn, METH_VARARGS, "spawn(path, argv, env, attrs, search) -> Handle" },
	{ "exec", cxpy_exec, METH_VARARGS,
	  "exec(path, argv, env, attrs, search): cx_exec in place; only raises" },
	{ "explain", cxpy_explain, METH_VARARGS,
	  "explain(path, argv, env, attrs, search) -> [(index, step, who, text)]" },
	{ "step_name", step_name, METH_O, "cx_step_name()" },
	{ "rlimit_name", rlimit_name, METH_O, "cx_rlimit_name()" },
	{ "cap_number", cap_number, METH_O, "a capability's number from its name (libcap)" },
	{ "version", version, METH_NOARGS, "cx_version()" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "clonexec._clonexec",
	.m_doc = "libclonexec, linked statically; use the clonexec package.",
	.m_size = -1,
	.m_methods = methods,
};

#define CONST(m, name, value)                                         \
	do {                                                          \
		if (PyModule_AddObject(m, name, PyLong_FromUnsignedLongLong(value)) < 0) \
			goto fail;                                    \
	} while (0)

PyMODINIT_FUNC PyInit__clonexec(void)
{
	PyObject *m;

	if (PyType_Ready(&cxpy_handle_type) < 0)
		return NULL;
	m = PyModule_Create(&module);
	if (!m)
		return NULL;
	Py_INCREF(&cxpy_handle_type);
	if (PyModule_AddObject(m, "Handle", (PyObject *)&cxpy_handle_type) < 0)
		goto fail;
#define F(x) CONST(m, #x, CX_##x)
	F(ATTR_SETSID); F(ATTR_SETPGID); F(ATTR_FOREGROUND); F(ATTR_SETCTTY); F(ATTR_NOCTTY);
	F(ATTR_PTRACE); F(ATTR_CREDENTIAL); F(ATTR_NO_SETGROUPS); F(ATTR_SETGROUPS_ALLOW);
	F(ATTR_CLOSE_OTHER_FDS); F(ATTR_KEEP_PROPAGATION); F(ATTR_CGROUP); F(ATTR_SIGMASK);
	F(ATTR_SIGDEFAULT); F(ATTR_REQUIRE_PIDFD); F(ATTR_NO_NEW_PRIVS); F(ATTR_UMASK);
	F(ATTR_JOIN_PIDFD); F(ATTR_CAP_BOUNDING); F(ATTR_CAP_INHERITABLE); F(ATTR_CAP_KEEP);
	F(ATTR_SECUREBITS); F(ATTR_LANDLOCK_FD); F(ATTR_LANDLOCK_STRICT);
#ifdef CX_FD_KEEP /* libclonexec 0.2, issue 8 */
	F(ATTR_SET_UID); F(ATTR_SET_GID); F(ATTR_SET_GROUPS); F(ATTR_CHDIR_FIRST);
	if (PyModule_AddIntConstant(m, "FD_KEEP", CX_FD_KEEP) < 0)
		goto fail;
#endif
	/* 0.2: issues 9 and 11 */
	F(ATTR_NEW_ROOT); F(ATTR_INIT); F(ATTR_NICE); F(ATTR_SCHED); F(ATTR_SCHED_RESET_ON_FORK);
	F(ATTR_CPUS); F(ATTR_IOPRIO); F(ATTR_OOM_SCORE_ADJ);
	F(MOUNT_BIND); F(MOUNT_RO_BIND); F(MOUNT_DEV_BIND); F(MOUNT_TMPFS); F(MOUNT_PROC);
	F(MOUNT_DEV); F(MOUNT_MQUEUE); F(MOUNT_DIR); F(MOUNT_SYMLINK); F(MOUNT_REMOUNT_RO);
	F(MOUNT_CHMOD); F(MOUNT_TRY); F(MOUNT_MODE);
	F(SCHED_OTHER); F(SCHED_FIFO); F(SCHED_RR); F(SCHED_BATCH); F(SCHED_IDLE);
	F(IOPRIO_CLASS_NONE); F(IOPRIO_CLASS_RT); F(IOPRIO_CLASS_BE); F(IOPRIO_CLASS_IDLE);
	F(SUPERVISION_TIMED_OUT); F(SUPERVISION_KILLED); F(WAIT_PGROUP); F(WAIT_TREE);
	F(NEWTIME); F(NEWNS); F(NEWCGROUP); F(NEWUTS); F(NEWIPC); F(NEWUSER); F(NEWPID);
	F(NEWNET); F(RLIM_INFINITY); F(STEP_MAX_);
#undef F
	CONST(m, "ATTR_SIZE", sizeof(struct cx_attr));
	/* 1: the backend needs CPython's own for nothing but preexec_fn and
	 * the like (the library changes ids alone and enters cwd first). */
	CONST(m, "BACKEND_EXACT", cxpy_backend_exact());
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
