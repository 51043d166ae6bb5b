/* SPDX-License-Identifier: MIT */
/* New namespaces and the user namespace's id maps (unshare(1)'s words). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "names.h"

enum { OPT_CLONE, OPT_UNSHARE, OPT_NS_LETTER, OPT_UID_MAP, OPT_GID_MAP, OPT_MAP_ROOT,
       OPT_MAP_CURRENT, OPT_SETGROUPS, OPT_KEEP_PROPAGATION };

static const struct cli_opt opts[] = {
	{ "clone", 0, CLI_ARG_REQUIRED, OPT_CLONE, "LIST", "new namespaces created at clone", 0 },
	{ "unshare", 0, CLI_ARG_REQUIRED, OPT_UNSHARE, "LIST", "new namespaces created by the child (unshare)", 0 },
	{ 0, 'U', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone user", "user" },
	{ 0, 'p', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone pid", "pid" },
	{ 0, 'm', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone mount", "mount" },
	{ 0, 'n', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone net", "net" },
	{ 0, 'u', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone uts", "uts" },
	{ 0, 'i', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone ipc", "ipc" },
	{ 0, 'C', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone cgroup", "cgroup" },
	{ 0, 'T', CLI_ARG_NONE, OPT_NS_LETTER, 0, "--clone time", "time" },
	{ "uid-map", 0, CLI_ARG_REQUIRED, OPT_UID_MAP, "IN:OUT:COUNT", "add a uid map range (repeatable)", 0 },
	{ "gid-map", 0, CLI_ARG_REQUIRED, OPT_GID_MAP, "IN:OUT:COUNT", "add a gid map range (repeatable)", 0 },
	{ "map-root-user", 'r', CLI_ARG_NONE, OPT_MAP_ROOT, 0, "map your uid and gid to 0 (implies -U)", 0 },
	{ "map-current-user", 'c', CLI_ARG_NONE, OPT_MAP_CURRENT, 0, "map your uid and gid to themselves (implies -U)", 0 },
	{ "setgroups", 0, CLI_ARG_REQUIRED, OPT_SETGROUPS, "allow|deny", "the new user namespace's setgroups (default deny)", 0 },
	{ "keep-propagation", 0, CLI_ARG_NONE, OPT_KEEP_PROPAGATION, 0, "do not make a new mount namespace private", 0 },
};

static int parse_namespaces(struct cli_state *s, const char *arg, uint64_t *flags)
{
	const char *bad;
	size_t len;

	if (cli_namespace_list(arg, flags, &bad, &len) < 0)
		return cli_fail(s, EINVAL, "unknown namespace '%.*s'", (int)len, bad);
	return 0;
}

/* Ranges are only parsed here: their count, overlaps and number are the
 * library's to judge (its message names the option through cli_note). */
static int add_range(struct cli_state *s, const char *field, struct cx_id_map **map,
		     unsigned int *n, struct cx_id_map range, const char *arg)
{
	int r = cli_note(s, field, (int)*n, arg);

	if (r < 0)
		return r;
	if (cli_grow(map, *n, sizeof(**map)) < 0)
		return cli_fail(s, ENOMEM, "out of memory");
	(*map)[(*n)++] = range;
	return 0;
}

static int parse_map(struct cli_state *s, const char *field, const char *arg,
		     struct cx_id_map **map, unsigned int *n)
{
	unsigned long long v[3];
	const char *p = arg;

	for (int i = 0; i < 3; i++) {
		size_t len = strcspn(p, ":");
		char num[16];

		if (len == 0 || len >= sizeof(num) || (i < 2) != (p[len] == ':'))
			return cli_fail(s, EINVAL, "'%s' is not INSIDE:OUTSIDE:COUNT", arg);
		memcpy(num, p, len);
		num[len] = '\0';
		if (cli_number(num, 4294967295ULL, &v[i]) < 0)
			return cli_fail(s, EINVAL, "'%s' is not INSIDE:OUTSIDE:COUNT", arg);
		p += len + (i < 2);
	}
	return add_range(s, field, map, n,
			 (struct cx_id_map){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] }, arg);
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;
	uint64_t f;

	(void)arg2;
	switch (op->id) {
	case OPT_CLONE:
		return parse_namespaces(s, arg, &a->cloneflags) ?: cli_note(s, "cloneflags", -1, arg);
	case OPT_UNSHARE:
		return parse_namespaces(s, arg, &a->unshareflags) ?:
		       cli_note(s, "unshareflags", -1, arg);
	case OPT_NS_LETTER:
		cli_namespace(op->extra, strlen(op->extra), &f);
		s->ns.letters |= f;
		return cli_note(s, "cloneflags", -1, NULL);
	case OPT_UID_MAP:
		return parse_map(s, "uid_map", arg, &o->uid_map, &s->ns.nuid_map);
	case OPT_GID_MAP:
		return parse_map(s, "gid_map", arg, &o->gid_map, &s->ns.ngid_map);
	case OPT_MAP_ROOT:
		s->ns.map_root = 1;
		return 0;
	case OPT_MAP_CURRENT:
		s->ns.map_current = 1;
		return 0;
	case OPT_SETGROUPS:
		if (strcmp(arg, "allow") && strcmp(arg, "deny"))
			return cli_fail(s, EINVAL, "'%s' is not allow or deny", arg);
		s->ns.setgroups_set = 1;
		s->ns.setgroups_allow = !strcmp(arg, "allow");
		return 0;
	default:
		a->flags |= CX_ATTR_KEEP_PROPAGATION;
		return 0;
	}
}

static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;
	uid_t uid = getuid();
	gid_t gid = getgid();
	int r;

	a->cloneflags |= s->ns.letters;
	if (s->ns.map_root && s->ns.map_current) {
		s->optname = "--map-root-user";
		return cli_fail(s, EINVAL, "not with --map-current-user");
	}
	if (s->ns.map_root || s->ns.map_current) {
		s->optname = s->ns.map_root ? "--map-root-user" : "--map-current-user";
		r = add_range(s, "uid_map", &o->uid_map, &s->ns.nuid_map,
			      (struct cx_id_map){ s->ns.map_root ? 0 : uid, uid, 1 }, NULL);
		if (r == 0)
			r = add_range(s, "gid_map", &o->gid_map, &s->ns.ngid_map,
				      (struct cx_id_map){ s->ns.map_root ? 0 : gid, gid, 1 }, NULL);
		if (r < 0)
			return r;
		if (!((a->cloneflags | a->unshareflags) & CLI_NEWUSER))
			a->cloneflags |= CLI_NEWUSER;
	}
	if (s->ns.setgroups_set && !s->ns.ngid_map) {
		s->optname = "--setgroups";
		return cli_fail(s, EINVAL, "needs a gid map (--gid-map, -r or -c)");
	}
	if (s->ns.setgroups_allow)
		a->flags |= CX_ATTR_SETGROUPS_ALLOW;
	a->uid_map = o->uid_map;
	a->nuid_map = s->ns.nuid_map;
	a->gid_map = o->gid_map;
	a->ngid_map = s->ns.ngid_map;
	return 0;
}

const struct cli_group cli_group_ns = CLI_GROUP("Namespaces", opts, apply, finish, NULL);
