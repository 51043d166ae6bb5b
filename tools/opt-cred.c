/* SPDX-License-Identifier: MIT */
/* Credentials and privileges: user, group, groups, capabilities. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "names.h"

enum { OPT_UID, OPT_GID, OPT_GROUPS, OPT_KEEP_GROUPS, OPT_AMBIENT_CAPS, OPT_NO_NEW_PRIVS,
       OPT_UMASK };

static const struct cli_opt opts[] = {
	{ "uid", 0, CLI_ARG_REQUIRED, OPT_UID, "UID|NAME", "run as this user", 0 },
	{ "gid", 0, CLI_ARG_REQUIRED, OPT_GID, "GID|NAME", "run as this group", 0 },
	{ "groups", 0, CLI_ARG_REQUIRED, OPT_GROUPS, "LIST", "supplementary groups, comma separated ('' for none)", 0 },
	{ "keep-groups", 0, CLI_ARG_NONE, OPT_KEEP_GROUPS, 0, "keep the supplementary groups (no setgroups)", 0 },
	{ "ambient-caps", 0, CLI_ARG_REQUIRED, OPT_AMBIENT_CAPS, "LIST", "raise these capabilities as ambient", 0 },
	{ "no-new-privs", 0, CLI_ARG_NONE, OPT_NO_NEW_PRIVS, 0, "set no_new_privs: execve grants no privileges", 0 },
	{ "umask", 0, CLI_ARG_REQUIRED, OPT_UMASK, "MODE", "the child's umask (octal)", 0 },
};

static int parse_groups(struct cli_state *s, const char *arg)
{
	struct cli_opts *o = s->o;
	const char *p = arg;

	s->cred.groups_set = 1;
	s->cred.ngroups = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		char name[256];
		gid_t gid;
		int r;

		if (len == 0 || len >= sizeof(name))
			return cli_fail(s, EINVAL, "bad group list '%s'", arg);
		memcpy(name, p, len);
		name[len] = '\0';
		r = cli_group(name, &gid);
		if (r == -ERANGE)
			return cli_fail(s, EINVAL, "'%s' is out of range (0 to %u)", name, CLI_ID_MAX);
		if (r < 0)
			return cli_fail(s, -r, "unknown group '%s'", name);
		if (s->cred.ngroups >= 65536)
			return cli_fail(s, EINVAL, "more than 65536 groups");
		if (cli_grow(&o->groups, s->cred.ngroups, sizeof(gid_t)) < 0)
			return cli_fail(s, ENOMEM, "out of memory");
		o->groups[s->cred.ngroups++] = gid;
		p += len;
		if (*p == ',' && !*++p)
			return cli_fail(s, EINVAL, "bad group list '%s'", arg);
	}
	return 0;
}

static int parse_caps(struct cli_state *s, const char *arg)
{
	const char *p = arg;

	if (!*p)
		return cli_fail(s, EINVAL, "empty capability list");
	for (;;) {
		size_t len = strcspn(p, ",");
		int cap, r = cli_capability(p, len, &cap);

		if (r == -ERANGE)
			return cli_fail(s, EINVAL, "capability '%.*s' is beyond this kernel's last",
					(int)len, p);
		if (r < 0)
			return cli_fail(s, EINVAL, "unknown capability '%.*s'", (int)len, p);
		s->o->attr.ambient_caps |= 1ULL << cap;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int parse_umask(struct cli_state *s, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = *arg >= '0' && *arg <= '7' ? strtol(arg, &end, 8) : -1;
	if (v < 0 || v > 0777 || *end || errno)
		return cli_fail(s, EINVAL, "'%s' is not an octal mode up to 0777", arg);
	s->o->attr.umask = (mode_t)v;
	s->o->attr.flags |= CX_ATTR_UMASK;
	return 0;
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cx_attr *a = &s->o->attr;
	int r;

	(void)arg2;
	switch (op->id) {
	case OPT_UID:
		r = cli_user(arg, &a->uid);
		s->cred.uid_set = 1;
		if (r == -ERANGE)
			return cli_fail(s, EINVAL, "'%s' is out of range (0 to %u)", arg, CLI_ID_MAX);
		return r < 0 ? cli_fail(s, -r, "unknown user '%s'", arg) : cli_note(s, "uid", -1, arg);
	case OPT_GID:
		r = cli_group(arg, &a->gid);
		s->cred.gid_set = 1;
		if (r == -ERANGE)
			return cli_fail(s, EINVAL, "'%s' is out of range (0 to %u)", arg, CLI_ID_MAX);
		return r < 0 ? cli_fail(s, -r, "unknown group '%s'", arg) : cli_note(s, "gid", -1, arg);
	case OPT_GROUPS:
		r = parse_groups(s, arg);
		return r < 0 ? r : cli_note(s, "groups", -1, arg);
	case OPT_KEEP_GROUPS:
		s->cred.keep_groups = 1;
		return 0;
	case OPT_AMBIENT_CAPS:
		r = parse_caps(s, arg);
		return r < 0 ? r : cli_note(s, "ambient_caps", -1, arg);
	case OPT_NO_NEW_PRIVS:
		a->flags |= CX_ATTR_NO_NEW_PRIVS;
		return 0;
	default:
		r = parse_umask(s, arg);
		return r < 0 ? r : cli_note(s, "umask", -1, arg);
	}
}

/* The id a map gives inside for an outside id, or the id itself. */
static uint32_t inside_id(const struct cx_id_map *map, unsigned int n, uint32_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (id >= map[i].outside && (uint64_t)id < (uint64_t)map[i].outside + map[i].count)
			return map[i].inside + (id - map[i].outside);
	return id;
}

static int finish(struct cli_state *s)
{
	struct cx_attr *a = &s->o->attr;

	if (s->cred.groups_set && s->cred.keep_groups) {
		s->optname = "--keep-groups";
		return cli_fail(s, EINVAL, "not with --groups");
	}
	if (!(s->cred.uid_set || s->cred.gid_set || s->cred.groups_set || s->cred.keep_groups))
		return 0;
	a->flags |= CX_ATTR_CREDENTIAL;
	/* Unspecified ids stay clonexec's own, as the new user namespace (if
	 * any) sees them. */
	if (!s->cred.uid_set)
		a->uid = inside_id(a->uid_map, a->nuid_map, getuid());
	if (!s->cred.gid_set)
		a->gid = inside_id(a->gid_map, a->ngid_map, getgid());
	if (s->cred.keep_groups)
		a->flags |= CX_ATTR_NO_SETGROUPS;
	a->groups = s->o->groups;
	a->ngroups = s->cred.ngroups;
	return 0;
}

const struct cli_group cli_group_cred = CLI_GROUP("Credentials and privileges", opts, apply,
						  finish, NULL);
