/* SPDX-License-Identifier: MIT */
/*
 * Read-only, nosuid, nodev by remount, for kernels without mount_setattr
 * (before 5.12, and valgrind): a remount changes one mount, so a recursive
 * bind's submounts are found in /proc/self/mountinfo and remounted one by
 * one, as bubblewrap does.
 *
 * Mount points there are paths from the process root, and before
 * pivot_root the new root sits on top of that root: a path may name a
 * host mount as well as ours. So the tree is followed by mount ids (the
 * top's from its fd's fdinfo, then each line whose parent is in the set),
 * each submount is opened below the top's fd by its path relative to the
 * top's mount point, and what was opened counts only if its mount id is one
 * of the set: a covered mount is skipped (nothing can reach it), anything
 * else is an error.
 */
#include <errno.h> /* constants only */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include "child.h"

static long parse_num(const char *s, const char **end)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	*end = s;
	return v;
}

/* The mount id of what fd is on, from /proc/self/fdinfo/N ("mnt_id:"). */
static long mount_id(long fd)
{
	static const char key[] = "\nmnt_id:";
	char path[40], buf[512];
	const char *end;
	long f, n, i, k;

	cx_child_fd_path(path, "/proc/self/fdinfo/", fd);
	f = cx_sys4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (f < 0)
		return f;
	n = cx_sys3(SYS_read, f, buf, sizeof(buf) - 1);
	cx_sys1(SYS_close, f);
	if (n < 0)
		return n;
	buf[n] = '\0';
	for (i = 0; i < n; i++) {
		for (k = 0; key[k] && buf[i + k] == key[k]; k++)
			;
		if (!key[k]) {
			i += k;
			while (buf[i] == ' ' || buf[i] == '\t')
				i++;
			return parse_num(buf + i, &end);
		}
	}
	return -EINVAL;
}

/* One mount, the flags a user namespace may not clear kept (MS_REMOUNT
 * without them is EPERM there). */
long cx_child_remount(long fd, uint64_t set)
{
	unsigned long keep = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
			     MS_NODIRATIME | MS_RELATIME;
	unsigned long flags = MS_REMOUNT | MS_BIND;
	struct statfs sf;
	char path[40];
	long r = cx_sys2(SYS_fstatfs, fd, &sf);

	if (r < 0)
		return r;
	flags |= (unsigned long)sf.f_flags & keep;
	flags |= (set & CX_MOUNT_ATTR_RDONLY) ? MS_RDONLY : 0;
	flags |= (set & CX_MOUNT_ATTR_NOSUID) ? MS_NOSUID : 0;
	flags |= (set & CX_MOUNT_ATTR_NODEV) ? MS_NODEV : 0;
	cx_child_fd_path(path, "/proc/self/fd/", fd);
	return cx_sys5(SYS_mount, "none", path, "none", flags, 0);
}

/* mountinfo's \ooo escapes (space, tab, newline, backslash), in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static int in_set(const struct cx_mnt_state *st, long id)
{
	for (int i = 0; i < st->nsub; i++)
		if (st->sub[i] == id)
			return 1;
	return 0;
}

/* One mountinfo line: its id and parent, and its mount point (unescaped,
 * in place; NUL-terminated). 0, or -EINVAL for a line of another shape. */
static long parse_line(char *line, long *id, long *parent, char **point)
{
	const char *p = line;
	char *q;

	*id = parse_num(p, &p);
	if (*p++ != ' ')
		return -EINVAL;
	*parent = parse_num(p, &p);
	for (int field = 0; field < 2; field++) { /* major:minor, root */
		if (*p++ != ' ')
			return -EINVAL;
		while (*p && *p != ' ')
			p++;
	}
	if (*p++ != ' ')
		return -EINVAL;
	q = line + (p - line);
	*point = q;
	while (*q && *q != ' ')
		q++;
	*q = '\0';
	unescape(*point);
	return 0;
}

struct walk {
	long top;     /* the top's mount id */
	long topfd;   /* an O_PATH fd of the top's root */
	uint64_t set;
};

/* Collecting: the top's mount point is noted; a mount whose parent is in
 * the set joins it. 1 when the set grew. */
static long take_line(struct cx_mnt_state *st, char *line, const struct walk *w)
{
	long id, parent, r;
	char *point;
	int i;

	r = parse_line(line, &id, &parent, &point);
	if (r < 0)
		return r;
	if (id == w->top) {
		for (i = 0; point[i] && i < PATH_MAX; i++)
			st->path[i] = point[i];
		st->path[i] = '\0';
		return 0;
	}
	if (!in_set(st, parent) || in_set(st, id))
		return 0;
	if (st->nsub == CX_MNT_SUBMOUNTS)
		return -E2BIG;
	st->sub[st->nsub++] = (int)id;
	return 1;
}

/* The path of mount point `point` relative to the top's (st->path), or
 * NULL when it is not below it. */
static const char *below_top(const struct cx_mnt_state *st, const char *point)
{
	long i = 0;

	if (!(st->path[0] == '/' && !st->path[1]))
		for (; st->path[i]; i++)
			if (point[i] != st->path[i])
				return 0;
	if (point[i] == '/')
		i++;
	else if (i) /* /usr is not the top of /usrx */
		return 0;
	return point[i] ? point + i : 0;
}

/* Remounting: a submount of the set, opened below the top by its path; what
 * was opened must be one of the set (a covered mount leads to the one on
 * top of it; anything else means the tree changed under us). */
static long remount_line(struct cx_mnt_state *st, char *line, const struct walk *w)
{
	long id, parent, sub, got, r;
	const char *rel;
	char *point;

	r = parse_line(line, &id, &parent, &point);
	if (r < 0 || !in_set(st, id) || !(rel = below_top(st, point)))
		return r < 0 ? r : 0;
	sub = cx_sys4(SYS_openat, w->topfd, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
	if (sub < 0)
		return sub;
	got = mount_id(sub);
	if (got < 0)
		r = got;
	else if (!in_set(st, got))
		r = -EXDEV;
	else
		r = cx_child_remount(sub, w->set);
	cx_sys1(SYS_close, sub);
	return r < 0 ? r : 0;
}

typedef long (*line_fn)(struct cx_mnt_state *st, char *line, const struct walk *w);

/* One read of /proc/self/mountinfo, line by line through st->info: the sum
 * of what fn returned, or the first negative errno. */
static long each_line(struct cx_mnt_state *st, line_fn fn, const struct walk *w)
{
	long f = cx_sys4(SYS_openat, AT_FDCWD, "/proc/self/mountinfo", O_RDONLY | O_CLOEXEC, 0);
	long have = 0, sum = 0, n, r = 0;

	if (f < 0)
		return f;
	for (;;) {
		long start = 0, i;

		n = cx_sys3(SYS_read, f, st->info + have, sizeof(st->info) - 1 - have);
		if (n < 0) {
			r = n;
			break;
		}
		have += n;
		for (i = 0; i < have && r >= 0; i++) {
			if (st->info[i] != '\n')
				continue;
			st->info[i] = '\0';
			r = fn(st, st->info + start, w);
			sum += r > 0 ? r : 0;
			start = i + 1;
		}
		if (r < 0)
			break;
		if (n == 0 || (start == 0 && have == (long)sizeof(st->info) - 1)) {
			/* the end, or a line longer than the buffer */
			r = n == 0 ? 0 : -ENAMETOOLONG;
			break;
		}
		for (i = start; i < have; i++)
			st->info[i - start] = st->info[i];
		have -= start;
	}
	cx_sys1(SYS_close, f);
	return r < 0 ? r : sum;
}

long cx_child_remount_tree(const struct cx_plan *plan, long topfd, uint64_t set)
{
	struct cx_mnt_state *st = plan->mnt;
	struct walk w = { .top = mount_id(topfd), .topfd = topfd, .set = set };
	long r;

	if (w.top < 0)
		return w.top;
	r = cx_child_remount(topfd, set);
	if (r < 0)
		return r;
	st->nsub = 1;
	st->sub[0] = (int)w.top;
	st->path[0] = '\0';
	/* Parents come before their children in mountinfo, so one pass finds
	 * them all; another pass only in case they did not. */
	do
		r = each_line(st, take_line, &w);
	while (r > 0);
	if (r < 0)
		return r;
	if (!st->path[0])
		return -ENOENT;
	return st->nsub > 1 ? each_line(st, remount_line, &w) : 0;
}
