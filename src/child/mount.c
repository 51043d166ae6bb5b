/* SPDX-License-Identifier: MIT */
/*
 * The mount plan in the child (issue 9). Targets are resolved inside the
 * root fd (the new root, or the child's / in place) with openat2
 * RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, so that no symlink or ".." an
 * earlier op made or bound can send a later mount out of it; without
 * openat2 (old kernels, valgrind) by an open inside a chroot to the root.
 * Mounts go through /proc/self/fd/N of what was opened: the object checked
 * is the object mounted on.
 *
 * The new root is a tmpfs mounted on top of /: "/.." from the process
 * root reaches the topmost mount there while every other path still walks
 * the caller's tree, so sources stay visible until pivot_root.
 */
#include <errno.h> /* constants only */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "child.h"

enum { MAKE_NONE, MAKE_DIR, MAKE_FILE };

struct fd_path {
	char s[32];
};

/* prefix and fd's number, in buf (room for the prefix and 11 more). */
char *cx_child_fd_path(char *buf, const char *prefix, long fd)
{
	char digits[12];
	int n = 0, i;

	for (i = 0; prefix[i]; i++)
		buf[i] = prefix[i];
	do {
		digits[n++] = (char)('0' + fd % 10);
		fd /= 10;
	} while (fd > 0);
	while (n)
		buf[i++] = digits[--n];
	buf[i] = '\0';
	return buf;
}

static const char *fd_path(struct fd_path *p, long fd)
{
	return cx_child_fd_path(p->s, "/proc/self/fd/", fd);
}

static void close_fd(long fd)
{
	if (fd >= 0)
		cx_sys1(SYS_close, fd);
}

static long open_in(const struct cx_plan *plan, const char *path)
{
	struct cx_mnt_state *st = plan->mnt;
	long fd, r;

	if (plan->mnt_openat2) {
		struct cx_open_how how;

		how.flags = O_PATH | O_CLOEXEC;
		how.mode = 0;
		how.resolve = CX_RESOLVE_IN_ROOT | CX_RESOLVE_NO_MAGICLINKS;
		return cx_sys4(CX_SYS_openat2, st->root, path, &how, sizeof(how));
	}
	if (st->host < 0) /* in place: the root is the child's own */
		return cx_sys4(SYS_openat, st->root, path, O_PATH | O_CLOEXEC, 0);
	r = cx_sys1(SYS_fchdir, st->root);
	if (r == 0)
		r = cx_sys1(SYS_chroot, ".");
	if (r < 0)
		return r;
	fd = cx_sys4(SYS_openat, AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
	r = cx_sys1(SYS_fchdir, st->host);
	if (r == 0)
		r = cx_sys1(SYS_chroot, ".");
	if (r < 0) {
		close_fd(fd);
		return r;
	}
	return fd;
}

/* Make name in dirfd (a directory inside the root) and open it. What we
 * made is opened through dirfd without following a symlink (a file made
 * O_EXCL is its own fd); what was there already (EEXIST) is resolved inside
 * the root like any target. */
static long make(const struct cx_plan *plan, long dirfd, const char *name, const char *path,
		 int what)
{
	long r;

	if (what == MAKE_FILE) {
		r = cx_sys4(SYS_openat, dirfd, name,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		return r == -EEXIST ? open_in(plan, path) : r;
	}
	r = cx_sys3(SYS_mkdirat, dirfd, name, 0755);
	if (r == -EEXIST)
		return open_in(plan, path);
	if (r < 0)
		return r;
	return cx_sys4(SYS_openat, dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
}

/* Open the target; when missing, make its missing parents (0755) and, as
 * `what` says, itself. Each existing prefix is resolved inside the root
 * again, so a symlink met on the way is followed there, never out. */
static long ensure(const struct cx_plan *plan, const char *target, int what)
{
	struct cx_mnt_state *st = plan->mnt;
	long fd = open_in(plan, target), parent = -1;
	unsigned int start = 0, end;

	if (fd != -ENOENT || what == MAKE_NONE)
		return fd;
	for (;;) {
		for (end = start; target[end] && target[end] != '/'; end++)
			st->path[end] = target[end];
		st->path[end] = '\0';
		/* The target itself is missing: the first open said so. */
		fd = target[end] ? open_in(plan, st->path) : -ENOENT;
		if (fd == -ENOENT)
			fd = make(plan, parent >= 0 ? parent : st->root, st->path + start, st->path,
				  target[end] ? MAKE_DIR : what);
		close_fd(parent);
		if (fd < 0 || !target[end])
			return fd;
		st->path[end] = '/';
		parent = fd;
		start = end + 1;
	}
}

/* nosuid, nodev, read-only on the mount now at target, and on its
 * submounts when recursive: by mount_setattr, else by remounts that keep
 * the flags a user namespace may not clear (remount.c). */
static long restrict_mount(const struct cx_plan *plan, const char *target, uint64_t set,
			   int recursive)
{
	long fd = open_in(plan, target), r;

	if (fd < 0)
		return fd;
	if (plan->mnt_setattr) {
		struct cx_mount_attr attr;

		attr.attr_set = set;
		attr.attr_clr = 0;
		attr.propagation = 0;
		attr.userns_fd = 0;
		r = cx_syscall6(CX_SYS_mount_setattr, fd, (long)"",
				AT_EMPTY_PATH | (recursive ? CX_AT_RECURSIVE : 0), (long)&attr,
				sizeof(attr), 0);
	} else if (recursive) {
		r = cx_child_remount_tree(plan, fd, set);
	} else {
		r = cx_child_remount(fd, set);
	}
	close_fd(fd);
	return r;
}

/* Linux 5.12+: a detached copy of the source tree, made nosuid, nodev and
 * read-only (submounts too) before it is attached: the bind is never seen
 * writable, and the target needs no second lookup. */
static long bind_detached(long src, long dst, uint64_t set)
{
	struct cx_mount_attr attr;
	long tree, r;

	tree = cx_sys3(CX_SYS_open_tree, src, "",
		       CX_OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | CX_AT_RECURSIVE);
	if (tree < 0)
		return tree;
	attr.attr_set = set;
	attr.attr_clr = 0;
	attr.propagation = 0;
	attr.userns_fd = 0;
	r = cx_syscall6(CX_SYS_mount_setattr, tree, (long)"", AT_EMPTY_PATH | CX_AT_RECURSIVE,
			(long)&attr, sizeof(attr), 0);
	if (r == 0)
		r = cx_syscall6(CX_SYS_move_mount, tree, (long)"", dst, (long)"",
				CX_MOVE_MOUNT_F_EMPTY_PATH | CX_MOVE_MOUNT_T_EMPTY_PATH, 0);
	close_fd(tree);
	return r;
}

static long bind_mount(const struct cx_plan *plan, const struct cx_op *op)
{
	const struct cx_op_mount *m = &op->mount;
	struct cx_mnt_state *st = plan->mnt;
	uint64_t set = CX_MOUNT_ATTR_NOSUID;
	struct fd_path sp, tp;
	struct stat sb;
	long src, dst, r;

	if (m->flags & CX_MNT_IN_DEV) {
		src = st->dev[m->mode];
		st->dev[m->mode] = -1;
	} else if (m->flags & CX_MNT_IN_ROOT) {
		src = open_in(plan, m->target);
	} else {
		src = cx_sys4(SYS_openat, AT_FDCWD, m->source, O_PATH | O_CLOEXEC, 0);
	}
	if (src == -ENOENT && (m->flags & CX_MNT_TRY))
		return 0;
	if (src < 0)
		return src;
	if (op->step != CX_STEP_DEV_BIND)
		set |= CX_MOUNT_ATTR_NODEV;
	if (op->step == CX_STEP_RO_BIND)
		set |= CX_MOUNT_ATTR_RDONLY;
	r = cx_sys2(SYS_fstat, src, &sb);
	dst = r < 0 ? r : ensure(plan, m->target, S_ISDIR(sb.st_mode) ? MAKE_DIR : MAKE_FILE);
	if (dst >= 0 && plan->mnt_setattr) {
		r = bind_detached(src, dst, set);
		close_fd(dst);
		close_fd(src);
		return r;
	}
	if (dst >= 0) {
		r = cx_sys5(SYS_mount, fd_path(&sp, src), fd_path(&tp, dst), "none", MS_BIND | MS_REC,
			    0);
		close_fd(dst);
		dst = r;
	}
	close_fd(src);
	if (dst < 0)
		return dst;
	return restrict_mount(plan, m->target, set, 1);
}

static long mount_fs(const struct cx_plan *plan, const struct cx_op *op)
{
	const struct cx_op_mount *m = &op->mount;
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct fd_path tp;
	long dst, r;

	if (op->step == CX_STEP_MOUNT_TMPFS)
		flags = MS_NOSUID | MS_NODEV;
	else if (op->step == CX_STEP_MOUNT_DEVPTS)
		flags = MS_NOSUID | MS_NOEXEC;
	/* A DEV's tmpfs: the six binds after it want the host's nodes,
	 * which it may be about to cover. */
	if (m->flags & CX_MNT_IN_DEV)
		for (int k = 0; k < 6; k++)
			plan->mnt->dev[k] = (int)cx_sys4(SYS_openat, AT_FDCWD, op[1 + k].mount.source,
							 O_PATH | O_CLOEXEC, 0);
	dst = ensure(plan, m->target, MAKE_DIR);
	if (dst < 0)
		return dst;
	r = cx_sys5(SYS_mount, m->source, fd_path(&tp, dst), m->source, flags, m->data);
	close_fd(dst);
	return r;
}

static long chmod_at(const struct cx_plan *plan, const struct cx_op *op, long fd)
{
	struct fd_path p;
	long r = 0;

	(void)plan;
	if (fd < 0)
		return fd;
	if (op->mount.flags & CX_MNT_MODE)
		r = cx_sys4(SYS_fchmodat, AT_FDCWD, fd_path(&p, fd), op->mount.mode, 0);
	close_fd(fd);
	return r;
}

static long make_symlink(const struct cx_plan *plan, const struct cx_op *op)
{
	const struct cx_op_mount *m = &op->mount;
	char *buf = plan->mnt->path;
	long dir = ensure(plan, m->target, MAKE_DIR), r, n;

	if (dir < 0)
		return dir;
	r = cx_sys3(SYS_symlinkat, m->source, dir, m->data);
	if (r == -EEXIST) {
		/* The same link already there is no conflict (bubblewrap's rule). */
		n = cx_sys4(SYS_readlinkat, dir, m->data, buf, PATH_MAX);
		if (n >= 0) {
			long i = 0;

			while (i < n && m->source[i] == buf[i])
				i++;
			if (i == n && !m->source[n])
				r = 0;
		}
	}
	close_fd(dir);
	return r;
}

static void close_root(struct cx_mnt_state *st)
{
	close_fd(st->root);
	close_fd(st->host);
	st->root = st->host = -1;
}

static long open_root_dir(const char *path)
{
	return cx_sys4(SYS_openat, AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
}

static void state_init(struct cx_mnt_state *st)
{
	st->root = st->host = -1;
	for (int k = 0; k < 6; k++)
		st->dev[k] = -1;
}

long cx_run_open_root(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_mnt_state *st = plan->mnt;
	long fd;

	(void)op;
	state_init(st);
	fd = open_root_dir("/");
	st->root = (int)fd;
	return fd < 0 ? fd : 0;
}

long cx_run_new_root(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_mnt_state *st = plan->mnt;
	long r, fd;

	state_init(st);
	r = cx_sys5(SYS_mount, op->mount.source, "/", op->mount.source, MS_NOSUID | MS_NODEV,
		    op->mount.data);
	if (r < 0)
		return r;
	fd = open_root_dir("/..");
	if (fd < 0)
		return fd;
	st->root = (int)fd;
	if (!plan->mnt_openat2) {
		fd = open_root_dir("/");
		if (fd < 0)
			return fd;
		st->host = (int)fd;
	}
	return 0;
}

long cx_run_mount(const struct cx_plan *plan, const struct cx_op *op)
{
	const struct cx_op_mount *m = &op->mount;
	struct cx_mnt_state *st = plan->mnt;
	int on_root = m->target[0] == '.' && !m->target[1];
	long r;

	switch (op->step) {
	case CX_STEP_BIND:
	case CX_STEP_RO_BIND:
	case CX_STEP_DEV_BIND:
		r = bind_mount(plan, op);
		break;
	case CX_STEP_MKDIR:
		r = chmod_at(plan, op, ensure(plan, m->target, MAKE_DIR));
		on_root = 0;
		break;
	case CX_STEP_CHMOD:
		r = chmod_at(plan, op, open_in(plan, m->target));
		on_root = 0;
		break;
	case CX_STEP_SYMLINK:
		r = make_symlink(plan, op);
		on_root = 0;
		break;
	case CX_STEP_REMOUNT_RO:
		r = restrict_mount(plan, m->target, CX_MOUNT_ATTR_RDONLY, 0);
		on_root = 0;
		break;
	default:
		r = mount_fs(plan, op);
		break;
	}
	/* A mount on the new root itself: later ops (and pivot_root) use the
	 * topmost mount there. */
	if (r >= 0 && on_root && (plan->attr.flags & CX_ATTR_NEW_ROOT)) {
		long fd = open_root_dir("/..");

		if (fd < 0)
			return fd;
		close_fd(st->root);
		st->root = (int)fd;
	}
	if (m->flags & CX_MNT_LAST)
		close_root(st);
	return r;
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching it
 * leaves the new root alone (pivot_root(2)'s own recipe). */
long cx_run_pivot_root(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_mnt_state *st = plan->mnt;
	long r;

	(void)op;
	r = cx_sys1(SYS_fchdir, st->root);
	if (r == 0)
		r = cx_sys2(SYS_pivot_root, ".", ".");
	if (r == 0)
		r = cx_sys2(SYS_umount2, ".", MNT_DETACH);
	if (r == 0)
		r = cx_sys1(SYS_chdir, "/");
	close_root(st);
	return r;
}

long cx_run_set_name(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys2(op->step == CX_STEP_SETHOSTNAME ? SYS_sethostname : SYS_setdomainname,
		       op->name.name, op->name.len);
}
