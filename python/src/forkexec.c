/* SPDX-License-Identifier: MIT */
/*
 * _posixsubprocess.fork_exec for CPython 3.11, on libclonexec.
 *
 * Same arguments, same checks and messages for bad arguments, and the same
 * protocol with Lib/subprocess.py: a failure in the child is written to
 * errpipe_write as CPython's child writes it ("OSError:<hex errno>:" for
 * exec, "...:noexec" for a step before it, so subprocess.py sets filename to
 * the executable or to cwd), and the returned pid is a child that exited
 * with status 255, as CPython's failed child does. Only a failure of the
 * parent itself (clone, memory) is raised here, as CPython raises a failed
 * fork.
 *
 * What libclonexec cannot do the same way goes to CPython's own function
 * (the "original"): preexec_fn (Python code in the child), args None or
 * empty, cwd "", cwd together with user/group/extra_groups (CPython
 * changes directory first, libclonexec after the credential change), and
 * an fd to keep at 2^20 or above (beyond a dense fd plan).
 */
#include "ext.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Exported by CPython (Modules/posixmodule.c), declared in a header that
 * is not installed: the converters os.setuid() uses, -1 included. */
extern int _Py_Uid_Converter(PyObject *, uid_t *);
extern int _Py_Gid_Converter(PyObject *, gid_t *);

/* The library's most fd plan entries (nfiles). */
#define CX_PLAN_MAX (1 << 20)

/* libclonexec 0.2 (issue 8) has a sparse fd plan (CX_FD_KEEP), uid, gid
 * and groups changed alone, and chdir before the credential change: with
 * them no case needs emulating or CPython's own. Without them (0.1), "as
 * it is" is emulated by looking at the fd, the ids left alone are set to
 * what they are, and cwd with credentials goes to CPython. */
#ifdef CX_FD_KEEP
#define CXPY_AS_IS(fd) CX_FD_KEEP
#define CXPY_EXACT_CREDENTIALS 1
#else
#define CXPY_AS_IS(fd) (inherited(fd) ? (fd) : -1)
#define CXPY_EXACT_CREDENTIALS 0
#endif

static PyObject *original;
static unsigned long long n_clonexec, n_fallback;

PyObject *cxpy_backend_set_original(PyObject *self, PyObject *orig)
{
	(void)self;
	Py_XINCREF(orig == Py_None ? NULL : orig);
	Py_XSETREF(original, orig == Py_None ? NULL : orig);
	Py_RETURN_NONE;
}

PyObject *cxpy_backend_stats(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	return Py_BuildValue("{sKsK}", "clonexec", n_clonexec, "fallback", n_fallback);
}

int cxpy_backend_exact(void)
{
	return CXPY_EXACT_CREDENTIALS;
}

static PyObject *fallback(PyObject *args)
{
	if (!original) {
		PyErr_SetString(PyExc_RuntimeError,
				"clonexec: fork_exec needs CPython's own implementation here "
				"(subprocess_backend.install() keeps it)");
		return NULL;
	}
	n_fallback++;
	return PyObject_CallObject(original, args);
}

/* CPython's _sanity_check_python_fd_sequence: sorted, unique, 0..INT_MAX. */
static int bad_fds_to_keep(PyObject *t)
{
	long prev = -1;

	for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++) {
		PyObject *o = PyTuple_GET_ITEM(t, i);
		long fd;

		if (!PyLong_Check(o))
			return 1;
		fd = PyLong_AsLong(o);
		if (fd < 0 || fd <= prev || fd > INT_MAX)
			return 1;
		prev = fd;
	}
	return 0;
}

/* The arguments, once converted (all C, so the GIL can go). */
struct fe {
	char *const *exec_array, *const *argv, *const *envp;
	const char *cwd;
	int close_fds, restore_signals, call_setsid;
	int p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite, errpipe_read, errpipe_write;
	pid_t pgid;
	int set_uid, set_gid, set_groups;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	Py_ssize_t ngroups;
	int umask;
	int *keep;
	Py_ssize_t nkeep;
	int *files;
};

/* Open and inheritable: what the child would have "as it is" (fds with
 * close-on-exec vanish at the exec anyway, so closing them is the same). */
static int inherited(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && !(fl & FD_CLOEXEC);
}

/* A dense fd plan with CPython's child semantics: the parent's pipe ends
 * closed, fds_to_keep kept (made inheritable), 0-2 from the pipes, the
 * rest as it is or (close_fds) closed. */
static int build_plan(struct fe *f, unsigned int *ret_n)
{
	int n = 3, ends[4] = { f->p2cwrite, f->c2pread, f->errread, f->errpipe_read };

	for (Py_ssize_t i = 0; i < f->nkeep; i++)
		if (f->keep[i] != f->errpipe_write && f->keep[i] + 1 > n)
			n = f->keep[i] + 1;
	for (int i = 0; i < 4; i++)
		if (ends[i] >= n && inherited(ends[i]))
			n = ends[i] + 1;
	if (n > CX_PLAN_MAX)
		return -EINVAL;
	f->files = PyMem_RawMalloc((size_t)n * sizeof(int));
	if (!f->files)
		return -ENOMEM;
	for (int fd = 0; fd < n; fd++)
		f->files[fd] = !f->close_fds || fd < 3 ? CXPY_AS_IS(fd) : -1;
	for (Py_ssize_t i = 0; i < f->nkeep; i++)
		if (f->keep[i] < n)
			f->files[f->keep[i]] = f->keep[i];
	if (f->errpipe_write < n)
		f->files[f->errpipe_write] = -1;
	for (int i = 0; i < 4; i++)
		if (ends[i] >= 0 && ends[i] < n)
			f->files[ends[i]] = -1;
	if (f->p2cread != -1)
		f->files[0] = f->p2cread;
	if (f->c2pwrite != -1)
		f->files[1] = f->c2pwrite;
	if (f->errwrite != -1)
		f->files[2] = f->errwrite;
	*ret_n = (unsigned int)n;
	return 0;
}

static void build_attr(struct fe *f, struct cx_attr *a, unsigned int nfiles)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->files = f->files;
	a->nfiles = nfiles;
	if (f->close_fds)
		a->flags |= CX_ATTR_CLOSE_OTHER_FDS;
	a->dir = f->cwd;
	if (f->umask >= 0) {
		a->flags |= CX_ATTR_UMASK;
		a->umask = (mode_t)f->umask & 0777;
	}
	if (f->restore_signals) {
		/* _Py_RestoreSignals: what Python ignores at start-up. */
		a->flags |= CX_ATTR_SIGDEFAULT;
		sigemptyset(&a->sigdefault);
		sigaddset(&a->sigdefault, SIGPIPE);
		sigaddset(&a->sigdefault, SIGXFSZ);
	}
	if (f->call_setsid)
		a->flags |= CX_ATTR_SETSID;
	if (f->pgid >= 0) {
		a->flags |= CX_ATTR_SETPGID;
		a->pgid = f->pgid;
	}
#if CXPY_EXACT_CREDENTIALS
	if (f->cwd)
		a->flags |= CX_ATTR_CHDIR_FIRST;
	a->uid = f->uid;
	a->gid = f->gid;
	a->groups = f->groups;
	a->ngroups = (unsigned int)f->ngroups;
	if (f->set_uid)
		a->flags |= CX_ATTR_SET_UID;
	if (f->set_gid)
		a->flags |= CX_ATTR_SET_GID;
	if (f->set_groups)
		a->flags |= CX_ATTR_SET_GROUPS;
#else
	if (f->set_uid || f->set_gid || f->set_groups) {
		/* The library changes all three; the unchanged ones are set to
		 * what they are (effective ids). */
		a->flags |= CX_ATTR_CREDENTIAL;
		a->uid = f->set_uid ? f->uid : geteuid();
		a->gid = f->set_gid ? f->gid : getegid();
		if (f->set_groups) {
			a->groups = f->groups;
			a->ngroups = (unsigned int)f->ngroups;
		} else {
			a->flags |= CX_ATTR_NO_SETGROUPS;
		}
	}
#endif
}

/* Steps the parent runs: their failure is a failed fork to CPython. */
static int parent_step(int step)
{
	return step == CX_STEP_PREPARE || step == CX_STEP_CLONE3 || step == CX_STEP_CLONE ||
	       step == CX_STEP_PIDFD_OPEN || step == CX_STEP_OPEN_PARENT_PIDFD;
}

/* Could execve of path only fail with ENOENT or ENOTDIR? Asked in the
 * parent to skip PATH entries without a clone each; only for absolute
 * paths and without a credential change (whose search rights differ). */
static int surely_missing(const struct fe *f, const char *path, int *ret_errno)
{
	struct stat st;

	if (path[0] != '/' || f->set_uid || f->set_gid || f->set_groups)
		return 0;
	if (stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
		return 0;
	*ret_errno = errno;
	return 1;
}

/* Runs without the GIL. Returns the pid, or -1 with *ret_err set: step and
 * errno; *ret_exec says whether it was the exec (no "noexec"). */
static pid_t run(struct fe *f, struct cx_error *ret_err, int *ret_exec)
{
	struct cx_attr a;
	struct cx_process *p;
	unsigned int nfiles;
	int saved = 0, last = 0, r;

	r = build_plan(f, &nfiles);
	if (r < 0) {
		ret_err->step = CX_STEP_PREPARE;
		ret_err->error = -r;
		return -1;
	}
	build_attr(f, &a, nfiles);
	/* CPython's child tries each executable in order and reports the first
	 * error other than ENOENT/ENOTDIR, else the last one. */
	for (int i = 0; f->exec_array[i]; i++) {
		const char *exe = f->exec_array[i];
		int is_last = f->exec_array[i + 1] == NULL, e;

		if (!is_last && surely_missing(f, exe, &e)) {
			last = e;
			continue;
		}
		r = cx_spawn(exe, f->argv, f->envp, &a, &p, ret_err);
		if (r == 0) {
			pid_t pid = cx_process_pid(p);

			cx_process_release(p); /* the pid stays our child */
			return pid;
		}
		if (ret_err->step != CX_STEP_EXECVE) {
			*ret_exec = 0;
			return -1;
		}
		last = ret_err->error;
		if (last != ENOENT && last != ENOTDIR && !saved)
			saved = last;
	}
	ret_err->step = CX_STEP_EXECVE;
	ret_err->error = saved ? saved : last;
	*ret_exec = 1;
	return -1;
}

/* A child that exits with 255 at once: the stand-in for CPython's failed
 * child, which subprocess.py reaps. vfork + _exit is the one use of vfork
 * that needs no care but blocked signals. */
static pid_t failed_child(void)
{
	sigset_t all, old;
	pid_t pid;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pid = vfork();
	if (pid == 0)
		_exit(255);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return pid;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* What CPython's child_exec writes before _exit(255). */
static void report_child_error(int fd, int error, int exec)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "OSError:%x:%s", error, exec ? "" : "noexec");

	write_all(fd, buf, (size_t)n);
}

static int convert_groups(PyObject *list, struct fe *f)
{
	if (!PyList_Check(list)) {
		PyErr_SetString(PyExc_TypeError, "setgroups argument must be a list");
		return -1;
	}
	f->ngroups = PySequence_Size(list);
	if (f->ngroups < 0)
		return -1;
	if (f->ngroups > NGROUPS_MAX) {
		PyErr_SetString(PyExc_ValueError, "too many groups");
		return -1;
	}
	f->groups = PyMem_RawMalloc((size_t)f->ngroups * sizeof(gid_t) + 1);
	if (!f->groups) {
		PyErr_SetString(PyExc_MemoryError, "failed to allocate memory for group list");
		return -1;
	}
	for (Py_ssize_t i = 0; i < f->ngroups; i++) {
		PyObject *e = PySequence_GetItem(list, i);
		gid_t g;

		if (!e)
			return -1;
		if (!PyLong_Check(e)) {
			PyErr_SetString(PyExc_TypeError, "groups must be integers");
			Py_DECREF(e);
			return -1;
		}
		if (!_Py_Gid_Converter(e, &g)) {
			Py_DECREF(e);
			PyErr_SetString(PyExc_ValueError, "invalid group id");
			return -1;
		}
		f->groups[i] = g;
		Py_DECREF(e);
	}
	f->set_groups = 1;
	return 0;
}

static char *const *args_array(PyObject *process_args, PyObject **converted)
{
	PyObject *fast = PySequence_Fast(process_args, "argv must be a tuple");
	Py_ssize_t n;
	char *const *argv = NULL;

	if (!fast)
		return NULL;
	n = PySequence_Fast_GET_SIZE(fast);
	*converted = PyTuple_New(n);
	if (!*converted)
		goto out;
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *b;

		if (PySequence_Fast_GET_SIZE(fast) != n) {
			PyErr_SetString(PyExc_RuntimeError, "args changed during iteration");
			goto out;
		}
		if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fast, i), &b))
			goto out;
		PyTuple_SET_ITEM(*converted, i, b);
	}
	argv = _PySequence_BytesToCharpArray(*converted);
out:
	Py_DECREF(fast);
	return argv;
}

PyObject *cxpy_fork_exec(PyObject *self, PyObject *args)
{
	PyObject *process_args, *executable_list, *py_fds_to_keep, *cwd_obj, *env_list;
	PyObject *gid_object, *groups_list, *uid_object, *preexec_fn;
	PyObject *cwd_bytes = NULL, *converted = NULL, *result = NULL;
	struct fe f;
	struct cx_error err;
	int allow_vfork, is_exec = 0;
	pid_t pid;

	(void)self;
	memset(&f, 0, sizeof(f));
	/* Anything but the known 23 arguments: CPython's own says what is wrong. */
	if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) != 23)
		return fallback(args);
	if (!PyArg_ParseTuple(args, "OOpO!OOiiiiiiiiiiiOOOiOp:fork_exec", &process_args,
			      &executable_list, &f.close_fds, &PyTuple_Type, &py_fds_to_keep,
			      &cwd_obj, &env_list, &f.p2cread, &f.p2cwrite, &f.c2pread,
			      &f.c2pwrite, &f.errread, &f.errwrite, &f.errpipe_read,
			      &f.errpipe_write, &f.restore_signals, &f.call_setsid, &f.pgid,
			      &gid_object, &groups_list, &uid_object, &f.umask, &preexec_fn,
			      &allow_vfork))
		return NULL;
	/* Python code in the child, or an argv libclonexec refuses. */
	if (preexec_fn != Py_None || process_args == Py_None ||
	    (PySequence_Check(process_args) && PySequence_Size(process_args) == 0))
		return fallback(args);
	if (cwd_obj != Py_None && PyUnicode_Check(cwd_obj) && PyUnicode_GetLength(cwd_obj) == 0)
		return fallback(args);
	if (PyErr_Occurred())
		return NULL;

	if (f.close_fds && f.errpipe_write < 3) {
		PyErr_SetString(PyExc_ValueError, "errpipe_write must be >= 3");
		return NULL;
	}
	if (bad_fds_to_keep(py_fds_to_keep)) {
		PyErr_SetString(PyExc_ValueError, "bad value(s) in fds_to_keep");
		return NULL;
	}
	f.exec_array = _PySequence_BytesToCharpArray(executable_list);
	if (!f.exec_array)
		goto cleanup;
	if (!f.exec_array[0]) {
		/* No candidate: CPython's child reports errno 0... as ENOENT-less
		 * "SubprocessError"; let it. */
		result = fallback(args);
		goto cleanup;
	}
	f.argv = args_array(process_args, &converted);
	if (!f.argv)
		goto cleanup;
	if (env_list != Py_None) {
		f.envp = _PySequence_BytesToCharpArray(env_list);
		if (!f.envp)
			goto cleanup;
	}
	if (cwd_obj != Py_None) {
		if (!PyUnicode_FSConverter(cwd_obj, &cwd_bytes))
			goto cleanup;
		f.cwd = PyBytes_AsString(cwd_bytes);
		if (!f.cwd[0]) {
			result = fallback(args);
			goto cleanup;
		}
	}
	if (groups_list != Py_None && convert_groups(groups_list, &f) < 0)
		goto cleanup;
	if (gid_object != Py_None) {
		if (!_Py_Gid_Converter(gid_object, &f.gid))
			goto cleanup;
		f.set_gid = f.gid != (gid_t)-1; /* setregid(-1, -1) changes nothing */
	}
	if (uid_object != Py_None) {
		if (!_Py_Uid_Converter(uid_object, &f.uid))
			goto cleanup;
		f.set_uid = f.uid != (uid_t)-1;
	}
	/* CPython changes directory before the credentials, libclonexec after
	 * them: a directory only the caller may enter would fail here. */
	if (!CXPY_EXACT_CREDENTIALS && f.cwd && (f.set_uid || f.set_gid || f.set_groups)) {
		result = fallback(args);
		goto cleanup;
	}
	f.nkeep = PyTuple_GET_SIZE(py_fds_to_keep);
	f.keep = PyMem_RawMalloc((size_t)f.nkeep * sizeof(int) + 1);
	if (!f.keep) {
		PyErr_NoMemory();
		goto cleanup;
	}
	for (Py_ssize_t i = 0; i < f.nkeep; i++)
		f.keep[i] = (int)PyLong_AsLong(PyTuple_GET_ITEM(py_fds_to_keep, i));
	/* The dense fd plan stops at 2^20 entries (the library's limit). */
	if (f.nkeep > 0 && f.keep[f.nkeep - 1] >= CX_PLAN_MAX) {
		result = fallback(args);
		goto cleanup;
	}

	n_clonexec++;
	Py_BEGIN_ALLOW_THREADS
	pid = run(&f, &err, &is_exec);
	if (pid < 0 && !parent_step(err.step)) {
		report_child_error(f.errpipe_write, err.error, is_exec);
		pid = failed_child();
		if (pid < 0) {
			err.step = CX_STEP_CLONE;
			err.error = errno;
		}
	}
	Py_END_ALLOW_THREADS
	if (pid < 0) {
		errno = err.error;
		PyErr_SetFromErrno(PyExc_OSError);
		goto cleanup;
	}
	result = PyLong_FromPid(pid);
cleanup:
	Py_XDECREF(cwd_bytes);
	Py_XDECREF(converted);
	if (f.exec_array)
		_Py_FreeCharPArray(f.exec_array);
	if (f.argv)
		_Py_FreeCharPArray(f.argv);
	if (f.envp)
		_Py_FreeCharPArray(f.envp);
	PyMem_RawFree(f.groups);
	PyMem_RawFree(f.keep);
	PyMem_RawFree(f.files);
	return result;
}
