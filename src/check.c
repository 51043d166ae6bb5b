/* SPDX-License-Identifier: MIT */
/* Every input is judged here, before anything is started or opened. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define CX_ATTR_SIZE_VER0 sizeof(struct cx_attr)
#define CX_ATTR_ALL_FLAGS ((CX_ATTR_UMASK << 1) - 1)
#define CX_MAP_LINES_MAX 340 /* the kernel's UID_GID_MAP_MAX_EXTENTS */
#define CX_NGROUPS_MAX 65536 /* the kernel's NGROUPS_MAX */
#define CX_NFILES_MAX (1u << 20)

__attribute__((format(printf, 3, 4))) static int fail(struct cx_error *err, int error,
							 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cx_error_vset(err, CX_STEP_CHECK, error, 0, fmt, ap);
	va_end(ap);
	return -error;
}

static int fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

/* The kernel's last capability, read once: a later kernel may know more
 * than our headers. */
static int cap_last_cap(void)
{
	static atomic_int cached = -1;
	int last = atomic_load_explicit(&cached, memory_order_relaxed);
	char buf[16] = "";
	int fd;

	if (last >= 0)
		return last;
	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		close(fd);
		if (n > 0)
			last = atoi(buf);
	}
	if (last <= 0 || last > 63)
		last = 40; /* CAP_CHECKPOINT_RESTORE, the last one in Linux 6.x */
	atomic_store_explicit(&cached, last, memory_order_relaxed);
	return last;
}

static int overlaps(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

static int check_map(const char *name, const struct cx_id_map *map, unsigned int n,
		     struct cx_error *err)
{
	if (n == 0)
		return 0;
	if (!map)
		return fail(err, EINVAL, "%s: NULL with %u ranges", name, n);
	if (n > CX_MAP_LINES_MAX)
		return fail(err, EINVAL, "%s: %u ranges, the kernel takes at most %d", name, n,
			    CX_MAP_LINES_MAX);
	for (unsigned int i = 0; i < n; i++) {
		if (map[i].count == 0)
			return fail(err, EINVAL, "%s: range %u has count 0", name, i);
		if ((uint64_t)map[i].inside + map[i].count > 1ULL << 32 ||
		    (uint64_t)map[i].outside + map[i].count > 1ULL << 32)
			return fail(err, EINVAL, "%s: range %u goes beyond 2^32", name, i);
		for (unsigned int j = 0; j < i; j++) {
			if (overlaps(map[i].inside, map[i].count, map[j].inside, map[j].count) ||
			    overlaps(map[i].outside, map[i].count, map[j].outside, map[j].count))
				return fail(err, EINVAL, "%s: ranges %u and %u overlap", name, j, i);
		}
	}
	return 0;
}

/* A process inside a new user namespace may write that namespace's maps
 * only for its own euid and egid, one id each, with setgroups denied (it
 * holds no capability in the parent namespace, whatever it was before).
 * 0 when the maps qualify, else which part does not. */
int cx_maps_self_writable(const struct cx_attr *a)
{
	if (a->nuid_map > 1 ||
	    (a->nuid_map && (a->uid_map[0].count != 1 || a->uid_map[0].outside != geteuid())))
		return CX_MAPS_NOT_OWN_UID;
	if (a->ngid_map > 1 ||
	    (a->ngid_map && (a->gid_map[0].count != 1 || a->gid_map[0].outside != getegid())))
		return CX_MAPS_NOT_OWN_GID;
	if (a->ngid_map && (a->flags & CX_ATTR_SETGROUPS_ALLOW))
		return CX_MAPS_SETGROUPS_ALLOWED;
	return 0;
}

/* After unshare(CLONE_NEWUSER) only the child can write the maps. */
static int check_child_maps(const struct cx_attr *a, struct cx_error *err)
{
	if (!(a->unshareflags & CX_NEWUSER) || (a->cloneflags & CX_NEWUSER))
		return 0;
	switch (cx_maps_self_writable(a)) {
	case CX_MAPS_NOT_OWN_UID:
		return fail(err, EINVAL, "uid_map: a user namespace made by unshare can map only "
			    "the caller's uid %u, once (use cloneflags for more)", geteuid());
	case CX_MAPS_NOT_OWN_GID:
		return fail(err, EINVAL, "gid_map: a user namespace made by unshare can map only "
			    "the caller's gid %u, once (use cloneflags for more)", getegid());
	case CX_MAPS_SETGROUPS_ALLOWED:
		return fail(err, EINVAL, "gid_map: a user namespace made by unshare needs "
			    "setgroups deny");
	default:
		return 0;
	}
}

static int check_files(const struct cx_attr *a, struct cx_error *err)
{
	if (a->nfiles == 0)
		return 0;
	if (!a->files)
		return fail(err, EINVAL, "files: NULL with a non-zero count");
	if (a->nfiles > CX_NFILES_MAX)
		return fail(err, EINVAL, "files: too many");
	for (unsigned int i = 0; i < a->nfiles; i++) {
		int fd = a->files[i];

		if (fd < -1)
			return fail(err, EBADF, "files[%u]: %d is not an fd", i, fd);
		if (fd >= 0 && !fd_is_open(fd))
			return fail(err, EBADF, "files[%u]: fd %d is not open", i, fd);
	}
	return 0;
}

static int check_terminal(const struct cx_attr *a, struct cx_error *err)
{
	uint64_t f = a->flags;

	if ((f & CX_ATTR_SETCTTY) && (f & CX_ATTR_FOREGROUND))
		return fail(err, EINVAL, "setctty and foreground exclude each other");
	if ((f & CX_ATTR_SETCTTY) && !(f & CX_ATTR_SETSID))
		return fail(err, EINVAL, "setctty needs setsid");
	if ((f & CX_ATTR_NOCTTY) && (f & CX_ATTR_SETSID))
		return fail(err, EINVAL,
			    "noctty with setsid: a new session has no terminal to leave");
	if (!(f & (CX_ATTR_SETCTTY | CX_ATTR_FOREGROUND | CX_ATTR_NOCTTY)))
		return 0;
	if (a->ctty_fd < 0)
		return fail(err, EBADF, "ctty_fd: %d is not an fd", a->ctty_fd);
	if (a->files) {
		if ((unsigned int)a->ctty_fd >= a->nfiles || a->files[a->ctty_fd] < 0)
			return fail(err, EBADF, "ctty_fd: %d is not a child fd", a->ctty_fd);
	} else if (!fd_is_open(a->ctty_fd)) {
		return fail(err, EBADF, "ctty_fd: fd %d is not open", a->ctty_fd);
	}
	return 0;
}

static int check_credential(const struct cx_attr *a, struct cx_error *err)
{
	if (!(a->flags & CX_ATTR_CREDENTIAL)) {
		if (a->flags & CX_ATTR_NO_SETGROUPS)
			return fail(err, EINVAL, "no_setgroups without a credential");
		return 0;
	}
	if (a->uid == (uid_t)-1)
		return fail(err, EINVAL, "uid: -1 is not a user");
	if (a->gid == (gid_t)-1)
		return fail(err, EINVAL, "gid: -1 is not a group");
	if (a->ngroups > CX_NGROUPS_MAX)
		return fail(err, EINVAL, "groups: more than NGROUPS_MAX");
	if (a->ngroups && !a->groups)
		return fail(err, EINVAL, "groups: NULL with a non-zero count");
	for (unsigned int i = 0; i < a->ngroups; i++)
		if (a->groups[i] == (gid_t)-1)
			return fail(err, EINVAL, "groups: -1 is not a group");
	return 0;
}

static int check_rlimits(const struct cx_attr *a, struct cx_error *err)
{
	if (a->nrlimits && !a->rlimits)
		return fail(err, EINVAL, "rlimits: NULL with a non-zero count");
	for (unsigned int i = 0; i < a->nrlimits; i++) {
		const struct cx_rlimit *r = &a->rlimits[i];

		if (r->resource < 0 || r->resource >= RLIM_NLIMITS)
			return fail(err, EINVAL, "rlimits[%u]: unknown resource %d", i, r->resource);
		if (r->soft > r->hard)
			return fail(err, EINVAL, "rlimits[%u]: soft limit above hard", i);
		for (unsigned int j = 0; j < i; j++)
			if (a->rlimits[j].resource == r->resource)
				return fail(err, EINVAL, "rlimits[%u]: resource %d given twice", i,
					    r->resource);
	}
	return 0;
}

static int check_strings(const char *path, char *const argv[], const struct cx_attr *a,
			 struct cx_error *err)
{
	if (!path || !*path)
		return fail(err, EINVAL, "path is empty");
	if (!argv || !argv[0])
		return fail(err, EINVAL, "argv is empty");
	if (a->dir && !*a->dir)
		return fail(err, EINVAL, "dir is empty");
	if (a->chroot && !*a->chroot)
		return fail(err, EINVAL, "chroot is empty");
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
		return fail(err, EINVAL, "attr.size is smaller than any known struct cx_attr");
	if (attr->size > sizeof(*out)) {
		const unsigned char *tail = (const unsigned char *)attr + sizeof(*out);

		for (size_t i = 0; i < attr->size - sizeof(*out); i++)
			if (tail[i])
				return fail(err, E2BIG, "attr has fields this library does not know");
	}
	memcpy(out, attr, attr->size < sizeof(*out) ? attr->size : sizeof(*out));
	out->size = sizeof(*out);
	return 0;
}

int cx_check(const char *path, char *const argv[], const struct cx_attr *attr,
	     struct cx_attr *a, struct cx_error *err)
{
	uint64_t ns = 0;
	int r;

	r = check_size(attr, a, err);
	if (r < 0)
		return r;
	if (a->flags & ~(uint64_t)CX_ATTR_ALL_FLAGS)
		return fail(err, EINVAL, "flags: unknown bits");
	r = check_strings(path, argv, a, err);
	if (r < 0)
		return r;
	if (a->cloneflags & ~CX_NAMESPACE_FLAGS)
		return fail(err, EINVAL, "cloneflags: not namespace flags");
	if (a->unshareflags & ~CX_NAMESPACE_FLAGS)
		return fail(err, EINVAL, "unshareflags: not namespace flags");
	ns = a->cloneflags | a->unshareflags;
	if ((a->nuid_map || a->ngid_map) && !(ns & CX_NEWUSER))
		return fail(err, EINVAL, "id maps need a new user namespace");
	if ((a->cloneflags & CX_NEWUSER) && (a->unshareflags & CX_NEWUSER) &&
	    (a->nuid_map || a->ngid_map))
		return fail(err, EINVAL, "id maps with two new user namespaces are ambiguous");
	r = check_child_maps(a, err);
	if (r < 0)
		return r;
	r = check_map("uid_map", a->uid_map, a->nuid_map, err);
	if (r < 0)
		return r;
	r = check_map("gid_map", a->gid_map, a->ngid_map, err);
	if (r < 0)
		return r;
	r = check_files(a, err);
	if (r < 0)
		return r;
	r = check_terminal(a, err);
	if (r < 0)
		return r;
	r = check_credential(a, err);
	if (r < 0)
		return r;
	if (a->ambient_caps && a->ambient_caps >> 1 >> cap_last_cap())
		return fail(err, EINVAL, "ambient_caps: a capability above the kernel's last");
	if ((a->flags & CX_ATTR_CGROUP) && !fd_is_open(a->cgroup_fd))
		return fail(err, EBADF, "cgroup_fd is not open");
	if ((a->flags & (CX_ATTR_SETPGID | CX_ATTR_FOREGROUND)) && a->pgid < 0)
		return fail(err, EINVAL, "pgid is negative");
	if (a->pdeathsig < 0 || a->pdeathsig >= _NSIG)
		return fail(err, EINVAL, "pdeathsig: not a signal");
	if ((a->flags & CX_ATTR_UMASK) && (a->umask & ~0777))
		return fail(err, EINVAL, "umask: bits beyond 0777");
	return check_rlimits(a, err);
}
