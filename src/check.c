/* SPDX-License-Identifier: MIT */
/*
 * Every input is judged before anything is started or opened: here the
 * struct's size and the plain fields, in each concern's file its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/vfs.h>

#include "internal.h"

#define CX_PROGRAMS_MAX 4096
#define CX_ATTR_ALL_FLAGS                                                          \
	(CX_ATTR_FLAGS_0_1 | CX_ATTR_FLAGS_ISSUE8 | CX_ATTR_FLAGS_ISSUE9 | CX_ATTR_FLAGS_ISSUE10 | \
	 CX_ATTR_FLAGS_ISSUE11)
#define CX_ATTR_FLAGS_0_1                                                          \
	(CX_ATTR_SETSID | CX_ATTR_SETPGID | CX_ATTR_FOREGROUND | CX_ATTR_SETCTTY |      \
	 CX_ATTR_NOCTTY | CX_ATTR_PTRACE | CX_ATTR_CREDENTIAL | CX_ATTR_NO_SETGROUPS |  \
	 CX_ATTR_SETGROUPS_ALLOW | CX_ATTR_CLOSE_OTHER_FDS | CX_ATTR_KEEP_PROPAGATION |  \
	 CX_ATTR_CGROUP | CX_ATTR_SIGMASK | CX_ATTR_SIGDEFAULT | CX_ATTR_REQUIRE_PIDFD | \
	 CX_ATTR_NO_NEW_PRIVS | CX_ATTR_UMASK)
/* 0.2, issue 8 */
#define CX_ATTR_FLAGS_ISSUE8 \
	(CX_ATTR_SET_UID | CX_ATTR_SET_GID | CX_ATTR_SET_GROUPS | CX_ATTR_CHDIR_FIRST)
/* 0.2, issue 9 */
#define CX_ATTR_FLAGS_ISSUE9 (CX_ATTR_NEW_ROOT | CX_ATTR_INIT)
/* 0.2, issue 10 */
#define CX_ATTR_FLAGS_ISSUE10                                                            \
	(CX_ATTR_JOIN_PIDFD | CX_ATTR_CAP_BOUNDING | CX_ATTR_CAP_INHERITABLE |            \
	 CX_ATTR_CAP_KEEP | CX_ATTR_SECUREBITS | CX_ATTR_LANDLOCK_FD | CX_ATTR_LANDLOCK_STRICT)
/* 0.2, issue 11 */
#define CX_ATTR_FLAGS_ISSUE11                                                     \
	(CX_ATTR_NICE | CX_ATTR_SCHED | CX_ATTR_SCHED_RESET_ON_FORK | CX_ATTR_CPUS |   \
	 CX_ATTR_IOPRIO | CX_ATTR_OOM_SCORE_ADJ)
#define CX_CGROUP2_MAGIC 0x63677270 /* CGROUP2_SUPER_MAGIC */

int cx_check_fail(struct cx_error *err, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cx_error_vset(err, CX_STEP_CHECK, error, 0, fmt, ap);
	va_end(ap);
	return -error;
}

int cx_fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

static int check_strings(const char *path, char *const argv[], const struct cx_attr *a,
			 struct cx_error *err)
{
	if (a->nprograms > CX_PROGRAMS_MAX)
		return cx_check_fail(err, EINVAL, "programs: more than %d", CX_PROGRAMS_MAX);
	if (a->nprograms && !a->programs)
		return cx_check_fail(err, EINVAL, "programs: NULL with a non-zero count");
	for (unsigned int i = 0; i < a->nprograms; i++)
		if (!a->programs[i] || !*a->programs[i])
			return cx_check_fail(err, EINVAL, "programs[%u] is empty", i);
	if ((!path || !*path) && !a->nprograms)
		return cx_check_fail(err, EINVAL, "path is empty");
	if (!argv || !argv[0])
		return cx_check_fail(err, EINVAL, "argv is empty");
	if (a->dir && !*a->dir)
		return cx_check_fail(err, EINVAL, "dir is empty");
	if (a->chroot && !*a->chroot)
		return cx_check_fail(err, EINVAL, "chroot is empty");
	return 0;
}

/* Copy what the caller knows of struct cx_attr; the rest stays zero. The
 * caller's struct may be older (smaller: its missing fields read as zero) or
 * newer (larger: accepted only if every byte past our last field is zero,
 * as libbpf's OPTS_VALID does), never smaller than 0.1's. */
static int check_size(const struct cx_attr *attr, struct cx_attr *out, struct cx_error *err)
{
	size_t known = CX_ATTR_SIZE_KNOWN;

	_Static_assert(CX_ATTR_SIZE_KNOWN <= sizeof(struct cx_attr), "CX_ATTR_LAST_FIELD");
	memset(out, 0, sizeof(*out));
	if (!attr) {
		out->size = sizeof(*out);
		return 0;
	}
	if (attr->size < CX_ATTR_SIZE_VER0)
		return cx_check_fail(err, EINVAL,
				     "attr.size %zu is smaller than any struct cx_attr (%d)",
				     attr->size, CX_ATTR_SIZE_VER0);
	if (attr->size > known) {
		const unsigned char *tail = (const unsigned char *)attr + known;

		for (size_t i = 0; i < attr->size - known; i++)
			if (tail[i])
				return cx_check_fail(err, E2BIG,
						     "attr has fields this library does not know "
						     "(non-zero byte at offset %zu)", known + i);
	}
	memcpy(out, attr, attr->size < known ? attr->size : known);
	out->size = sizeof(*out);
	if (out->reserved0)
		return cx_check_fail(err, EINVAL, "attr.reserved0 is not zero");
	return 0;
}

/* The kernel answers EBADF for anything but a cgroup v2 directory, at the
 * clone: say which it is, before. */
static int check_cgroup(const struct cx_attr *a, struct cx_error *err)
{
	struct statfs fs;

	if (!(a->flags & CX_ATTR_CGROUP))
		return 0;
	if (!cx_fd_is_open(a->cgroup_fd))
		return cx_check_fail(err, EBADF, "cgroup_fd: fd %d is not open", a->cgroup_fd);
	if (fstatfs(a->cgroup_fd, &fs) < 0 || fs.f_type != CX_CGROUP2_MAGIC)
		return cx_check_fail(err, EBADF, "cgroup_fd: not a cgroup v2 directory");
	return 0;
}

static int check_misc(const struct cx_attr *a, struct cx_error *err)
{
	if (a->pdeathsig < 0 || a->pdeathsig >= _NSIG)
		return cx_check_fail(err, EINVAL, "pdeathsig: not a signal");
	if ((a->flags & CX_ATTR_UMASK) && (a->umask & ~0777))
		return cx_check_fail(err, EINVAL, "umask: bits beyond 0777");
	return 0;
}

int cx_check(const char *path, char *const argv[], const struct cx_attr *attr,
	     struct cx_attr *a, struct cx_error *err)
{
	static int (*const checks[])(const struct cx_attr *, struct cx_error *) = {
		cx_check_namespaces, cx_check_files, cx_check_terminal, cx_check_credential,
		/* issue 11's own cgroup first: it says when CX_ATTR_CGROUP is
		 * not to be there at all */
		cx_check_cgroup, check_cgroup, check_misc, cx_check_rlimits,
		/* issue 10 */
		cx_check_join, cx_check_caps, cx_check_seccomp, cx_check_landlock,
		/* issue 11 */
		cx_check_resources,
		/* issue 9 */
		cx_check_mounts,
	};
	int r;

	r = check_size(attr, a, err);
	if (r < 0)
		return r;
	if (a->flags & ~(uint64_t)CX_ATTR_ALL_FLAGS)
		return cx_check_fail(err, EINVAL, "flags: unknown bits");
	r = check_strings(path, argv, a, err);
	for (size_t i = 0; r == 0 && i < CX_ARRAY_SIZE(checks); i++)
		r = checks[i](a, err);
	return r;
}

int cx_attr_init(struct cx_attr *attr, size_t size)
{
	if (!attr || size < CX_ATTR_SIZE_VER0)
		return -EINVAL;
	memset(attr, 0, size);
	attr->size = size;
	return 0;
}
