/* SPDX-License-Identifier: MIT */
/*
 * The filesystem view (issue 9): bubblewrap's options, names and argument
 * order, applied in command-line order; --size and --perms modify the next
 * operation as in bubblewrap; --mount-proc as util-linux unshare's. The
 * library checks the operations themselves.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "names.h"

enum { OPT_BIND, OPT_TMPFS, OPT_PROC, OPT_DEV, OPT_MQUEUE, OPT_DIR, OPT_SYMLINK, OPT_REMOUNT_RO,
       OPT_CHMOD, OPT_SIZE, OPT_PERMS, OPT_MOUNT_PROC, OPT_NEW_ROOT, OPT_HOSTNAME,
       OPT_DOMAINNAME, OPT_DIE_WITH_PARENT, OPT_INIT };

/* extra: the cx_mount kind, and "try" */
static const struct cli_opt opts[] = {
	{ "bind", 0, CLI_ARG_TWO, OPT_BIND, "SRC DEST", "bind SRC on DEST (recursive, nosuid, nodev)", "b" },
	{ "bind-try", 0, CLI_ARG_TWO, OPT_BIND, "SRC DEST", "--bind, skipped when SRC is missing", "bt" },
	{ "ro-bind", 0, CLI_ARG_TWO, OPT_BIND, "SRC DEST", "bind read-only, submounts too", "r" },
	{ "ro-bind-try", 0, CLI_ARG_TWO, OPT_BIND, "SRC DEST", "--ro-bind, skipped when SRC is missing", "rt" },
	{ "dev-bind", 0, CLI_ARG_TWO, OPT_BIND, "SRC DEST", "bind, device nodes allowed", "d" },
	{ "dev-bind-try", 0, CLI_ARG_TWO, OPT_BIND, "SRC DEST", "--dev-bind, skipped when SRC is missing", "dt" },
	{ "tmpfs", 0, CLI_ARG_REQUIRED, OPT_TMPFS, "DEST", "mount a tmpfs on DEST (see --size, --perms)", 0 },
	{ "size", 0, CLI_ARG_REQUIRED, OPT_SIZE, "BYTES", "size of the next --tmpfs", 0 },
	{ "perms", 0, CLI_ARG_REQUIRED, OPT_PERMS, "OCTAL", "mode of the next --tmpfs or --dir", 0 },
	{ "proc", 0, CLI_ARG_REQUIRED, OPT_PROC, "DEST", "mount a new procfs on DEST", 0 },
	{ "dev", 0, CLI_ARG_REQUIRED, OPT_DEV, "DEST", "mount a minimal /dev on DEST", 0 },
	{ "mqueue", 0, CLI_ARG_REQUIRED, OPT_MQUEUE, "DEST", "mount an mqueue filesystem on DEST", 0 },
	{ "dir", 0, CLI_ARG_REQUIRED, OPT_DIR, "DEST", "make directory DEST (and its parents)", 0 },
	{ "symlink", 0, CLI_ARG_TWO, OPT_SYMLINK, "TARGET LINK", "make symlink LINK -> TARGET", 0 },
	{ "remount-ro", 0, CLI_ARG_REQUIRED, OPT_REMOUNT_RO, "DEST", "make the mount at DEST read-only", 0 },
	{ "chmod", 0, CLI_ARG_TWO, OPT_CHMOD, "OCTAL PATH", "chmod PATH to OCTAL", 0 },
	{ "mount-proc", 0, CLI_ARG_OPTIONAL, OPT_MOUNT_PROC, "DIR", "mount a new procfs on DIR (default /proc)", 0 },
	{ "new-root", 0, CLI_ARG_NONE, OPT_NEW_ROOT, 0, "start from an empty root that the mounts build", 0 },
	{ "hostname", 0, CLI_ARG_REQUIRED, OPT_HOSTNAME, "NAME", "hostname in a new uts namespace (implied)", 0 },
	{ "domainname", 0, CLI_ARG_REQUIRED, OPT_DOMAINNAME, "NAME", "NIS domain name in a new uts namespace", 0 },
	{ "die-with-parent", 0, CLI_ARG_NONE, OPT_DIE_WITH_PARENT, 0, "--pdeathsig KILL", 0 },
	{ "init", 0, CLI_ARG_NONE, OPT_INIT, 0, "pid 1 is a minimal init (needs -p)", 0 },
};

static int parse_mode(struct cli_state *s, const char *arg, mode_t *ret)
{
	char *end;
	unsigned long v;

	if (!*arg || strspn(arg, "01234567") != strlen(arg))
		return cli_fail(s, EINVAL, "'%s' is not an octal mode", arg);
	v = strtoul(arg, &end, 8);
	if (v > 07777)
		return cli_fail(s, EINVAL, "'%s' has bits beyond 07777", arg);
	*ret = (mode_t)v;
	return 0;
}

static struct cx_mount *add(struct cli_state *s, int kind, const char *src, const char *dst)
{
	struct cli_opts *o = s->o;
	struct cx_mount *m;

	char typed[2 * 4096 + 2];

	/* A library check on mounts[i] is reported as the option typed. */
	snprintf(typed, sizeof(typed), "%s%s%s", src ? src : "", src ? " " : "", dst ? dst : "");
	if (cli_note(s, "mounts", (int)s->mnt.n, typed) < 0 ||
	    cli_grow(&o->mounts, s->mnt.n, sizeof(*o->mounts)) < 0)
		return NULL;
	m = &o->mounts[s->mnt.n++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->source = src;
	m->target = dst;
	return m;
}

/* bubblewrap's modifiers: taken by the next operation that can use them. */
static int take_modifiers(struct cli_state *s, struct cx_mount *m)
{
	if (s->mnt.size_set) {
		if (m->kind != CX_MOUNT_TMPFS)
			return cli_fail(s, EINVAL, "--size is for the next --tmpfs");
		m->size = s->mnt.size;
		s->mnt.size_set = 0;
	}
	if (s->mnt.perms_set) {
		if (m->kind != CX_MOUNT_TMPFS && m->kind != CX_MOUNT_DIR)
			return cli_fail(s, EINVAL, "--perms is for the next --tmpfs or --dir");
		m->mode = s->mnt.perms;
		m->flags |= CX_MOUNT_MODE;
		s->mnt.perms_set = 0;
	}
	return 0;
}

static int add_op(struct cli_state *s, int kind, const char *src, const char *dst)
{
	struct cx_mount *m = add(s, kind, src, dst);

	if (!m)
		return cli_fail(s, ENOMEM, "out of memory");
	return take_modifiers(s, m);
}

static int add_bind(struct cli_state *s, const char *how, char *src, char *dst)
{
	int kind = how[0] == 'r' ? CX_MOUNT_RO_BIND : how[0] == 'd' ? CX_MOUNT_DEV_BIND : CX_MOUNT_BIND;
	int r = add_op(s, kind, src, dst);

	if (r == 0 && how[1] == 't')
		s->o->mounts[s->mnt.n - 1].flags |= CX_MOUNT_TRY;
	return r;
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	static const int kinds[] = {
		[OPT_TMPFS] = CX_MOUNT_TMPFS, [OPT_PROC] = CX_MOUNT_PROC, [OPT_DEV] = CX_MOUNT_DEV,
		[OPT_MQUEUE] = CX_MOUNT_MQUEUE, [OPT_DIR] = CX_MOUNT_DIR,
		[OPT_REMOUNT_RO] = CX_MOUNT_REMOUNT_RO,
	};
	struct cx_attr *a = &s->o->attr;
	unsigned long long v;
	int r;

	switch (op->id) {
	case OPT_BIND:
		return add_bind(s, op->extra, arg, arg2);
	case OPT_SYMLINK:
		return add_op(s, CX_MOUNT_SYMLINK, arg, arg2);
	case OPT_CHMOD:
		r = add_op(s, CX_MOUNT_CHMOD, NULL, arg2);
		return r ? r : parse_mode(s, arg, &s->o->mounts[s->mnt.n - 1].mode);
	case OPT_SIZE:
		if (cli_number(arg, UINT64_MAX, &v) < 0)
			return cli_fail(s, EINVAL, "'%s' is not a size in bytes", arg);
		s->mnt.size = v;
		s->mnt.size_set = 1;
		return 0;
	case OPT_PERMS:
		s->mnt.perms_set = 1;
		return parse_mode(s, arg, &s->mnt.perms);
	case OPT_MOUNT_PROC:
		return add_op(s, CX_MOUNT_PROC, NULL, arg ? arg : "/proc");
	case OPT_NEW_ROOT:
		a->flags |= CX_ATTR_NEW_ROOT;
		return 0;
	case OPT_HOSTNAME:
		a->hostname = arg;
		return 0;
	case OPT_DOMAINNAME:
		a->domainname = arg;
		return 0;
	case OPT_DIE_WITH_PARENT:
		a->pdeathsig = SIGKILL;
		return 0;
	case OPT_INIT:
		a->flags |= CX_ATTR_INIT;
		return 0;
	default:
		return add_op(s, kinds[op->id], NULL, arg);
	}
}

static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;

	if (s->mnt.size_set || s->mnt.perms_set) {
		s->optname = s->mnt.size_set ? "--size" : "--perms";
		return cli_fail(s, EINVAL, "no operation after it to apply to");
	}
	o->attr.mounts = o->mounts;
	o->attr.nmounts = s->mnt.n;
	return 0;
}

const struct cli_group cli_group_mount = CLI_GROUP("Filesystem view (bubblewrap's options)",
						   opts, apply, finish, NULL);
