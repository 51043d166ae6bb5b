/* SPDX-License-Identifier: MIT */
/* The _clonexec extension: shared declarations. */
#ifndef CX_PY_EXT_H
#define CX_PY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <clonexec.h>

/* Owned C copies of what a spawn needs; freed by cxpy_attr_free. */
struct cxpy_attr {
	struct cx_attr attr;
	PyObject *keep;          /* bytes objects the pointers point into */
	int *files;
	gid_t *groups;
	struct cx_id_map *uid_map, *gid_map;
	struct cx_rlimit *rlimits;
	struct cx_ns_fd *join_fds;
	struct cx_landlock_rule *landlock_rules;
	struct cx_mount *mounts;
	struct cx_cgroup_limit *cgroup_limits;
	char **programs;
};

/* attr.c: fill a from the normalized dict the Python layer builds. */
int cxpy_attr_from_dict(PyObject *d, struct cxpy_attr *a);
void cxpy_attr_free(struct cxpy_attr *a);

/* A NULL-terminated char* array of a sequence of bytes, kept alive by
 * keep (a list). */
char **cxpy_bytes_array(PyObject *seq, PyObject *keep, const char *what);

/* module.c: raise clonexec.SpawnError for err (filename may be NULL). */
PyObject *cxpy_raise_spawn_error(const struct cx_error *err, const char *filename);

/* forkexec.c */
PyObject *cxpy_fork_exec(PyObject *self, PyObject *args);
PyObject *cxpy_backend_set_original(PyObject *self, PyObject *orig);
PyObject *cxpy_backend_stats(PyObject *self, PyObject *unused);
int cxpy_backend_exact(void);

/* handle.c */
extern PyTypeObject cxpy_handle_type;
PyObject *cxpy_spawn(PyObject *self, PyObject *args);
PyObject *cxpy_explain(PyObject *self, PyObject *args);
PyObject *cxpy_exec(PyObject *self, PyObject *args);

#endif
