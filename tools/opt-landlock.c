/* SPDX-License-Identifier: MIT */
/*
 * Landlock (issue 10): --landlock-ro/--landlock-rw PATH (read and execute,
 * or everything, beneath PATH; every other right the kernel can restrict
 * is denied), and setpriv's --landlock-access fs[:RIGHT,...] and
 * --landlock-rule path-beneath:RIGHT,...:PATH.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

enum { OPT_RO, OPT_RW, OPT_ACCESS, OPT_RULE, OPT_STRICT };

static const struct cli_opt opts[] = {
	{ "landlock-ro", 0, CLI_ARG_REQUIRED, OPT_RO, "PATH", "allow reading and executing beneath PATH, deny the rest (repeatable)", 0 },
	{ "landlock-rw", 0, CLI_ARG_REQUIRED, OPT_RW, "PATH", "allow everything beneath PATH, deny the rest (repeatable)", 0 },
	{ "landlock-access", 0, CLI_ARG_REQUIRED, OPT_ACCESS, "fs[:RIGHT,...]", "the rights to restrict (setpriv; default fs: all)", 0 },
	{ "landlock-rule", 0, CLI_ARG_REQUIRED, OPT_RULE, "path-beneath:RIGHT,...:PATH", "allow rights beneath PATH (setpriv; repeatable)", 0 },
	{ "landlock-strict", 0, CLI_ARG_NONE, OPT_STRICT, 0, "fail if the kernel lacks a right (default: best effort)", 0 },
};

/* The kernel's LANDLOCK_ACCESS_FS_* bits in order, as setpriv names them. */
static const char *const rights[] = {
	"execute",   "write-file",  "read-file", "read-dir", "remove-dir", "remove-file",
	"make-char", "make-dir",    "make-reg",  "make-sock", "make-fifo", "make-block",
	"make-sym",  "refer",       "truncate",  "ioctl-dev",
};

#define NRIGHTS (sizeof(rights) / sizeof(rights[0]))
#define RIGHTS_ALL ((1ULL << NRIGHTS) - 1)
#define RIGHTS_RO 0xdULL /* execute, read-file, read-dir */

static int parse_rights(struct cli_state *s, const char *p, size_t total, uint64_t *ret)
{
	const char *end = p + total;
	uint64_t set = 0;

	while (p < end) {
		size_t len = strcspn(p, ",:"), i;

		if (p + len > end)
			len = (size_t)(end - p);
		for (i = 0; i < NRIGHTS; i++)
			if (strlen(rights[i]) == len && !strncmp(rights[i], p, len))
				break;
		if (i == NRIGHTS)
			return cli_fail(s, EINVAL, "unknown Landlock right '%.*s'", (int)len, p);
		set |= 1ULL << i;
		p += len + 1;
	}
	if (!set)
		return cli_fail(s, EINVAL, "no Landlock right");
	*ret = set;
	return 0;
}

static int add_rule(struct cli_state *s, const char *path, uint64_t access)
{
	struct cli_opts *o = s->o;

	if (!*path)
		return cli_fail(s, EINVAL, "empty path");
	if (cli_grow(&o->landlock_rules, s->landlock.nrules, sizeof(*o->landlock_rules)) < 0)
		return cli_fail(s, ENOMEM, "out of memory");
	o->landlock_rules[s->landlock.nrules++] = (struct cx_landlock_rule){ path, access };
	return 0;
}

static int parse_access(struct cli_state *s, const char *arg)
{
	if (strncmp(arg, "fs", 2) || (arg[2] && arg[2] != ':'))
		return cli_fail(s, EINVAL, "'%s' is not fs or fs:RIGHT,...", arg);
	s->landlock.access_set = 1;
	if (!arg[2]) {
		s->landlock.access = RIGHTS_ALL;
		return 0;
	}
	return parse_rights(s, arg + 3, strlen(arg + 3), &s->landlock.access);
}

/* path-beneath:RIGHT,...:PATH (the path may hold colons). */
static int parse_rule(struct cli_state *s, char *arg)
{
	const char *p = arg + strlen("path-beneath:"), *colon;
	uint64_t access;
	int r;

	if (strncmp(arg, "path-beneath:", strlen("path-beneath:")) || !(colon = strchr(p, ':')))
		return cli_fail(s, EINVAL, "'%s' is not path-beneath:RIGHT,...:PATH", arg);
	r = parse_rights(s, p, (size_t)(colon - p), &access);
	return r < 0 ? r : add_rule(s, colon + 1, access);
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	(void)arg2;
	switch (op->id) {
	case OPT_RO:
	case OPT_RW:
		s->landlock.simple = 1;
		return add_rule(s, arg, op->id == OPT_RO ? RIGHTS_RO : RIGHTS_ALL);
	case OPT_ACCESS:
		return parse_access(s, arg);
	case OPT_RULE:
		return parse_rule(s, arg);
	default:
		s->o->attr.flags |= CX_ATTR_LANDLOCK_STRICT;
		return 0;
	}
}

static int finish(struct cli_state *s)
{
	struct cx_attr *a = &s->o->attr;

	if (s->landlock.simple && s->landlock.access_set) {
		s->optname = "--landlock-access";
		return cli_fail(s, EINVAL, "not with --landlock-ro/--landlock-rw (which restrict "
				"every right)");
	}
	a->landlock_rules = s->o->landlock_rules;
	a->nlandlock_rules = s->landlock.nrules;
	/* Without --landlock-access, every right the kernel knows is restricted
	 * (the library's 0). */
	if (s->landlock.access_set)
		a->landlock_handled = s->landlock.access;
	if (!s->landlock.nrules && !s->landlock.access_set && (a->flags & CX_ATTR_LANDLOCK_STRICT)) {
		s->optname = "--landlock-strict";
		return cli_fail(s, EINVAL, "needs a Landlock rule or --landlock-access");
	}
	return 0;
}

const struct cli_group cli_group_landlock = CLI_GROUP("Landlock", opts, apply, finish, NULL);
