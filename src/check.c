/* SPDX-License-Identifier: MIT */
/*
 * Every input is judged before anything is started or opened: here the
 * struct's size and the plain fields, in each concern's file its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/vfs.h>

#include "internal.h"

#define CX_ATTR_SIZE_VER0 sizeof(struct cx_attr)
#define CX_ATTR_ALL_FLAGS                                                                    \
	(((CX_ATTR_UMASK << 1) - 1) | CX_ATTR_JOIN_PIDFD | CX_ATTR_CAP_BOUNDING |            \
	 CX_ATTR_CAP_INHERITABLE | CX_ATTR_CAP_KEEP | CX_ATTR_SECUREBITS | CX_ATTR_LANDLOCK_FD | \
	 CX_ATTR_LANDLOCK_STRICT)
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
	if (!path || !*path)
		return cx_check_fail(err, EINVAL, "path is empty");
	if (!argv || !argv[0])
		return cx_check_fail(err, EINVAL, "argv is empty");
	if (a->dir && !*a->dir)
		return cx_check_fail(err, EINVAL, "dir is empty");
	if (a->chroot && !*a->chroot)
		return cx_check_fail(err, EINVAL, "chroot is empty");
	return 0;
}

/* Copy what the caller knows of struct cx_attr; the rest stays zero. */
static int check_size(const struct cx_attr *attr, struct cx_attr *out, struct cx_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!attr) {
		out->size = sizeof(*out);
		return 0;
	}
	if (attr->size < CX_ATTR_SIZE_VER0)
		return cx_check_fail(err, EINVAL,
				     "attr.size is smaller than any known struct cx_attr");
	if (attr->size > sizeof(*out)) {
		const unsigned char *tail = (const unsigned char *)attr + sizeof(*out);

		for (size_t i = 0; i < attr->size - sizeof(*out); i++)
			if (tail[i])
				return cx_check_fail(err, E2BIG,
						     "attr has fields this library does not know");
	}
	memcpy(out, attr, attr->size < sizeof(*out) ? attr->size : sizeof(*out));
	out->size = sizeof(*out);
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
		check_cgroup, check_misc, cx_check_rlimits,
		/* issue 10 */
		cx_check_join, cx_check_caps, cx_check_seccomp, cx_check_landlock,
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
