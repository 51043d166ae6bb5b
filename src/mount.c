/* SPDX-License-Identifier: MIT */
/*
 * The filesystem view (issue 9): the mount plan's checks, its ops and
 * their words. Everything the child needs is made here: targets
 * normalized relative to the root the child resolves them in ("usr/lib"),
 * the mount data strings ("mode=0755,size=65536"), the pieces of a minimal
 * /dev, so the child only opens, makes and mounts (src/child/mount.c).
 * The init (CX_ATTR_INIT) lives here too: it is the pid namespace's side
 * of the same sandbox.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define CX_MOUNTS_MAX 65536
#define CX_HOST_NAME_MAX 64
/* Ops one DEV mount becomes (see add_dev), one PROC (add_proc). */
#define CX_DEV_OPS 14
#define CX_PROC_OPS 5
#define CX_DATA_MAX 64

static int is_bind(int kind)
{
	return kind == CX_MOUNT_BIND || kind == CX_MOUNT_RO_BIND || kind == CX_MOUNT_DEV_BIND;
}

/* Kinds that put something on their target (a mount there would be
 * hidden from the child when the target is its own /). */
static int mounts_on_target(int kind)
{
	return kind != CX_MOUNT_DIR && kind != CX_MOUNT_REMOUNT_RO && kind != CX_MOUNT_CHMOD &&
	       kind != CX_MOUNT_SYMLINK;
}

static int is_root(const char *path)
{
	return strspn(path, "/") == strlen(path);
}

static int check_one(const struct cx_attr *a, unsigned int i, struct cx_error *err)
{
	const struct cx_mount *m = &a->mounts[i];
	uint64_t ns = a->cloneflags | a->unshareflags;
	unsigned int known = CX_MOUNT_TRY | CX_MOUNT_MODE;

	if (m->kind < CX_MOUNT_BIND || m->kind > CX_MOUNT_CHMOD)
		return cx_check_fail(err, EINVAL, "mounts[%u]: unknown kind %d", i, m->kind);
	if (m->flags & ~known)
		return cx_check_fail(err, EINVAL, "mounts[%u]: unknown flags", i);
	if ((m->flags & CX_MOUNT_TRY) && !is_bind(m->kind))
		return cx_check_fail(err, EINVAL, "mounts[%u]: CX_MOUNT_TRY is for binds", i);
	if ((m->flags & CX_MOUNT_MODE) && m->kind != CX_MOUNT_TMPFS && m->kind != CX_MOUNT_DIR)
		return cx_check_fail(err, EINVAL, "mounts[%u]: CX_MOUNT_MODE is for tmpfs and dir", i);
	if (m->mode & ~07777)
		return cx_check_fail(err, EINVAL, "mounts[%u]: mode %o has bits beyond 07777", i,
				     (unsigned int)m->mode);
	if (m->size && m->kind != CX_MOUNT_TMPFS)
		return cx_check_fail(err, EINVAL, "mounts[%u]: size is for tmpfs", i);
	if (!m->target || !*m->target)
		return cx_check_fail(err, EINVAL, "mounts[%u]: target is empty", i);
	if (strnlen(m->target, PATH_MAX) >= PATH_MAX)
		return cx_check_fail(err, ENAMETOOLONG, "mounts[%u]: target is longer than PATH_MAX",
				     i);
	if (m->target[0] != '/')
		return cx_check_fail(err, EINVAL, "mounts[%u]: target '%s' is not absolute", i,
				     m->target);
	if (is_root(m->target) && (m->kind == CX_MOUNT_SYMLINK || m->kind == CX_MOUNT_DIR))
		return cx_check_fail(err, EEXIST, "mounts[%u]: target is /", i);
	if (is_root(m->target) && mounts_on_target(m->kind) && !(a->flags & CX_ATTR_NEW_ROOT))
		return cx_check_fail(err, EINVAL, "mounts[%u]: a mount on / in place would be "
				     "hidden from the child (use a new root)", i);
	if (is_bind(m->kind) || m->kind == CX_MOUNT_SYMLINK) {
		if (!m->source || !*m->source)
			return cx_check_fail(err, EINVAL, "mounts[%u]: source is empty", i);
		if (strnlen(m->source, PATH_MAX) >= PATH_MAX)
			return cx_check_fail(err, ENAMETOOLONG,
					     "mounts[%u]: source is longer than PATH_MAX", i);
	} else if (m->source) {
		return cx_check_fail(err, EINVAL, "mounts[%u]: this kind takes no source", i);
	}
	/* A procfs belongs to the pid namespace's owner: from a new user
	 * namespace, only a pid namespace made with it (by clone) is ours. */
	if (m->kind == CX_MOUNT_PROC && (ns & CX_NEWUSER) && !(a->cloneflags & CX_NEWPID))
		return cx_check_fail(err, EPERM, "mounts[%u]: proc in a new user namespace needs a "
				     "new pid namespace made by clone", i);
	if (m->kind == CX_MOUNT_MQUEUE && (ns & CX_NEWUSER) && !(ns & CX_NEWIPC))
		return cx_check_fail(err, EPERM, "mounts[%u]: mqueue in a new user namespace needs "
				     "a new ipc namespace", i);
	return 0;
}

static int check_name(const char *field, const char *name, struct cx_error *err)
{
	if (name && strnlen(name, CX_HOST_NAME_MAX + 1) > CX_HOST_NAME_MAX)
		return cx_check_fail(err, EINVAL, "%s: longer than %d bytes", field,
				     CX_HOST_NAME_MAX);
	return 0;
}

int cx_check_mounts(const struct cx_attr *a, struct cx_error *err)
{
	int r;

	if (a->nmounts && !a->mounts)
		return cx_check_fail(err, EINVAL, "mounts: NULL with %u operations", a->nmounts);
	if (a->nmounts > CX_MOUNTS_MAX)
		return cx_check_fail(err, E2BIG, "mounts: %u operations, at most %d", a->nmounts,
				     CX_MOUNTS_MAX);
	for (unsigned int i = 0; i < a->nmounts; i++) {
		r = check_one(a, i, err);
		if (r < 0)
			return r;
	}
	if ((a->flags & CX_ATTR_INIT) && !(a->cloneflags & CX_NEWPID))
		return cx_check_fail(err, EINVAL, "flags: CX_ATTR_INIT needs a new pid namespace "
				     "made by clone");
	if ((a->flags & CX_ATTR_INIT) && (a->flags & CX_ATTR_PTRACE))
		return cx_check_fail(err, EINVAL, "flags: CX_ATTR_INIT with CX_ATTR_PTRACE would "
				     "make the init the tracer");
	r = check_name("hostname", a->hostname, err);
	return r ? r : check_name("domainname", a->domainname, err);
}

/* ---- compile ---- */

/* A new mount namespace for any mount, a new UTS one for a name; made
 * where a new user namespace is (so that it owns them). */
void cx_mount_imply(struct cx_plan *plan)
{
	struct cx_attr *a = &plan->attr;
	uint64_t ns = a->cloneflags | a->unshareflags, add = 0;
	uint64_t *where = (a->unshareflags & CX_NEWUSER) ? &a->unshareflags : &a->cloneflags;

	if ((a->nmounts || (a->flags & CX_ATTR_NEW_ROOT)) && !(ns & CX_NEWNS))
		add |= CX_NEWNS;
	if ((a->hostname || a->domainname) && !(ns & CX_NEWUTS))
		add |= CX_NEWUTS;
	*where |= add;
	plan->mnt_openat2 = 0;
	plan->mnt_setattr = 0;
	if (a->nmounts || (a->flags & CX_ATTR_NEW_ROOT)) {
		plan->mnt_openat2 = cx_feature(CX_FEAT_OPENAT2);
		plan->mnt_setattr = cx_feature(CX_FEAT_MOUNT_SETATTR);
	}
}

int cx_mount_count(const struct cx_attr *a)
{
	int n = 2 + 3; /* root, pivot; hostname, domainname, init */

	for (unsigned int i = 0; i < a->nmounts; i++)
		n += a->mounts[i].kind == CX_MOUNT_DEV ? CX_DEV_OPS :
		     a->mounts[i].kind == CX_MOUNT_PROC ? CX_PROC_OPS : 1;
	return n;
}

/* Per op: its normalized target, its shown target and its data; a DEV
 * has CX_DEV_OPS of them, each target longer by at most a name. */
size_t cx_mount_storage(const struct cx_attr *a)
{
	size_t n = 0;

	for (unsigned int i = 0; i < a->nmounts; i++) {
		size_t len = strlen(a->mounts[i].target) + 2 + 16;
		size_t ops = a->mounts[i].kind == CX_MOUNT_DEV ? CX_DEV_OPS :
			     a->mounts[i].kind == CX_MOUNT_PROC ? CX_PROC_OPS : 1;

		/* shown, normalized, a symlink's parent; a source or data */
		n += ops * (3 * len + CX_DATA_MAX);
	}
	return n;
}

struct strings {
	char *next;
};

static char *put(struct strings *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *put(struct strings *s, const char *fmt, ...)
{
	char *p = s->next;
	va_list ap;
	int w;

	va_start(ap, fmt);
	/* cx_mount_storage counted the room for every string put here. */
	w = vsprintf(p, fmt, ap);
	va_end(ap);
	s->next += w + 1;
	return p;
}

/* "/a//b/./c/" -> "a/b/c"; "/" -> "." (the root itself). ".." stays: the
 * child's resolution keeps it inside the root. */
static char *normalize(struct strings *s, const char *path)
{
	char *out = s->next, *o = out;

	for (const char *p = path; *p;) {
		size_t len;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if (!(len == 1 && p[0] == '.')) {
			if (o != out)
				*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p += len;
	}
	if (o == out)
		*o++ = '.';
	*o++ = '\0';
	s->next = o;
	return out;
}

static struct cx_op *add(struct cx_plan *plan, int step, unsigned int index)
{
	struct cx_op *op = cx_plan_child(plan, step);

	op->mount.index = index;
	return op;
}

static struct cx_op *add_at(struct cx_plan *plan, struct strings *s, int step,
			    unsigned int index, const char *shown)
{
	struct cx_op *op = add(plan, step, index);

	op->mount.shown = shown;
	op->mount.target = normalize(s, shown);
	return op;
}

/* A symlink: made in its parent directory, by name. */
static void add_symlink(struct cx_plan *plan, struct strings *s, unsigned int index,
			const char *text, const char *shown)
{
	struct cx_op *op = add(plan, CX_STEP_SYMLINK, index);
	const char *norm = normalize(s, shown), *slash = strrchr(norm, '/');

	op->mount.shown = shown;
	op->mount.source = text;
	if (slash) {
		op->mount.target = put(s, "%.*s", (int)(slash - norm), norm);
		op->mount.data = slash + 1;
	} else {
		op->mount.target = ".";
		op->mount.data = norm;
	}
}

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

/* bubblewrap's minimal /dev: a tmpfs, the harmless nodes bound from the
 * host (their sources opened before the tmpfs covers a /dev in place), a
 * devpts of its own with ptmx, shm, and the usual symlinks. */
static void add_dev(struct cx_plan *plan, struct strings *s, unsigned int index, const char *dir)
{
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" },         { "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" }, { "/proc/kcore", "core" },
	};
	const char *base = is_root(dir) ? "" : dir;
	struct cx_op *op;

	op = add_at(plan, s, CX_STEP_MOUNT_TMPFS, index, dir);
	op->mount.source = "tmpfs";
	op->mount.data = "mode=0755";
	op->mount.flags = CX_MNT_IN_DEV;
	for (unsigned int k = 0; k < CX_ARRAY_SIZE(dev_nodes); k++) {
		op = add_at(plan, s, CX_STEP_DEV_BIND, index,
			    put(s, "%s/%s", base, dev_nodes[k]));
		op->mount.source = put(s, "/dev/%s", dev_nodes[k]);
		op->mount.flags = CX_MNT_IN_DEV | CX_MNT_TRY; /* a node the host lacks */
		op->mount.mode = k;
	}
	op = add_at(plan, s, CX_STEP_MOUNT_DEVPTS, index, put(s, "%s/pts", base));
	op->mount.source = "devpts";
	op->mount.data = "newinstance,ptmxmode=0666,mode=620";
	for (unsigned int k = 0; k < 6; k++) {
		if (k == 1) {
			op = add_at(plan, s, CX_STEP_MOUNT_TMPFS, index, put(s, "%s/shm", base));
			op->mount.source = "tmpfs";
			op->mount.data = "mode=1777";
		}
		add_symlink(plan, s, index, links[k][0], put(s, "%s/%s", base, links[k][1]));
	}
}

/* A procfs, and bubblewrap's read-only covers of what could change the
 * host from it (sysctls, sysrq, irq affinity, bus devices), each bound on
 * itself. */
static void add_proc(struct cx_plan *plan, struct strings *s, unsigned int index, const char *dir)
{
	static const char *const covers[] = { "sys", "sysrq-trigger", "irq", "bus" };
	const char *base = is_root(dir) ? "" : dir;
	struct cx_op *op;

	op = add_at(plan, s, CX_STEP_MOUNT_PROC, index, dir);
	op->mount.source = "proc";
	for (unsigned int k = 0; k < CX_ARRAY_SIZE(covers); k++) {
		op = add_at(plan, s, CX_STEP_RO_BIND, index, put(s, "%s/%s", base, covers[k]));
		op->mount.source = op->mount.shown;
		op->mount.flags = CX_MNT_IN_ROOT | CX_MNT_TRY;
	}
}

static void add_one(struct cx_plan *plan, struct strings *s, unsigned int i)
{
	static const struct {
		int step;
		const char *fs;
	} kinds[] = {
		[CX_MOUNT_BIND] = { CX_STEP_BIND, NULL },
		[CX_MOUNT_RO_BIND] = { CX_STEP_RO_BIND, NULL },
		[CX_MOUNT_DEV_BIND] = { CX_STEP_DEV_BIND, NULL },
		[CX_MOUNT_TMPFS] = { CX_STEP_MOUNT_TMPFS, "tmpfs" },
		[CX_MOUNT_PROC] = { CX_STEP_MOUNT_PROC, "proc" },
		[CX_MOUNT_MQUEUE] = { CX_STEP_MOUNT_MQUEUE, "mqueue" },
		[CX_MOUNT_DIR] = { CX_STEP_MKDIR, NULL },
		[CX_MOUNT_REMOUNT_RO] = { CX_STEP_REMOUNT_RO, NULL },
		[CX_MOUNT_CHMOD] = { CX_STEP_CHMOD, NULL },
	};
	const struct cx_mount *m = &plan->attr.mounts[i];
	struct cx_op *op;

	if (m->kind == CX_MOUNT_DEV) {
		add_dev(plan, s, i, m->target);
		return;
	}
	if (m->kind == CX_MOUNT_PROC) {
		add_proc(plan, s, i, m->target);
		return;
	}
	if (m->kind == CX_MOUNT_SYMLINK) {
		add_symlink(plan, s, i, m->source, m->target);
		return;
	}
	op = add_at(plan, s, kinds[m->kind].step, i, m->target);
	op->mount.source = kinds[m->kind].fs ? kinds[m->kind].fs : m->source;
	if (m->flags & CX_MOUNT_TRY)
		op->mount.flags |= CX_MNT_TRY;
	if (m->kind == CX_MOUNT_CHMOD || (m->flags & CX_MOUNT_MODE)) {
		op->mount.flags |= CX_MNT_MODE;
		op->mount.mode = (unsigned int)m->mode;
	}
	if (m->kind == CX_MOUNT_TMPFS) {
		unsigned int mode = (m->flags & CX_MOUNT_MODE) ? (unsigned int)m->mode : 0755;

		/* The kernel applies the mode, without the umask. */
		op->mount.flags &= ~(unsigned int)CX_MNT_MODE;
		if (m->size)
			op->mount.data = put(s, "mode=%04o,size=%llu", mode,
					     (unsigned long long)m->size);
		else
			op->mount.data = put(s, "mode=%04o", mode);
	}
}

void cx_mount_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	int new_root = !!(a->flags & CX_ATTR_NEW_ROOT);
	struct strings s = { plan->mnt_strings };
	struct cx_op *op;

	if (a->nmounts || new_root) {
		op = add(plan, new_root ? CX_STEP_NEW_ROOT : CX_STEP_OPEN_ROOT, 0);
		op->mount.source = new_root ? "tmpfs" : NULL;
		op->mount.data = new_root ? "mode=0755" : NULL;
		op->mount.shown = "/";
		op->mount.target = ".";
		for (unsigned int i = 0; i < a->nmounts; i++)
			add_one(plan, &s, i);
		if (new_root) {
			op = add(plan, CX_STEP_PIVOT_ROOT, 0);
			op->mount.shown = "/";
			op->mount.target = ".";
		} else {
			plan->ops[plan->nops - 1].mount.flags |= CX_MNT_LAST;
		}
	}
	if (a->hostname) {
		op = cx_plan_child(plan, CX_STEP_SETHOSTNAME);
		op->name.name = a->hostname;
		op->name.len = (int)strlen(a->hostname);
	}
	if (a->domainname) {
		op = cx_plan_child(plan, CX_STEP_SETDOMAINNAME);
		op->name.name = a->domainname;
		op->name.len = (int)strlen(a->domainname);
	}
}

/* Last before the exec: the init holds what the program holds, and only
 * the program runs the exec. */
void cx_mount_add_init(struct cx_plan *plan)
{
	if (plan->attr.flags & CX_ATTR_INIT)
		cx_plan_child(plan, CX_STEP_INIT);
}

/* ---- words ---- */

void cx_describe_mount(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		       int verbose)
{
	const struct cx_op_mount *m = &op->mount;

	(void)plan;
	switch (op->step) {
	case CX_STEP_BIND:
	case CX_STEP_RO_BIND:
	case CX_STEP_DEV_BIND:
		cx_put(b, "%s on %s", m->source, m->shown);
		if (verbose)
			cx_put(b, " (recursive, nosuid%s%s%s)",
			       op->step == CX_STEP_DEV_BIND ? "" : ", nodev",
			       op->step == CX_STEP_RO_BIND ? ", read-only" : "",
			       (m->flags & CX_MNT_TRY) ? ", skipped if missing" : "");
		return;
	case CX_STEP_SYMLINK:
		cx_put(b, "%s -> %s", m->shown, m->source);
		return;
	case CX_STEP_CHMOD:
		cx_put(b, "%s to %04o", m->shown, m->mode);
		return;
	case CX_STEP_MKDIR:
		cx_put(b, "%s", m->shown);
		if (m->flags & CX_MNT_MODE)
			cx_put(b, " (%04o)", m->mode);
		return;
	case CX_STEP_PIVOT_ROOT:
		cx_put(b, "%s", m->shown);
		if (verbose)
			cx_put(b, " (the new root; the old one detached)");
		return;
	default:
		cx_put(b, "%s", m->shown);
		if (verbose && m->data)
			cx_put(b, " (%s)", m->data);
		if (verbose && op->step == CX_STEP_OPEN_ROOT)
			cx_put(b, " (mounts apply in place)");
		return;
	}
}

void cx_describe_name(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	(void)plan;
	(void)verbose;
	if (op->step == CX_STEP_INIT)
		cx_put(b, "pid 1 forwards signals, reaps, exits with the program's status");
	else
		cx_put(b, "%s", op->name.name);
}
