/* SPDX-License-Identifier: MIT */
/*
 * Resources: rlimits (prlimit(1)'s words, sizes with K/M/G suffixes), the
 * cgroup to start in, or a cgroup of the child's own with its limits
 * (systemd-run -p's MemoryMax= and the like, as the kernel's file names).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "names.h"

enum { OPT_CGROUP, OPT_RLIMIT, OPT_CGROUP_PARENT, OPT_CGROUP_LIMIT, OPT_KILL_TREE };

static const struct cli_opt opts[] = {
	{ "cgroup", 0, CLI_ARG_REQUIRED, OPT_CGROUP, "DIR", "start the child in cgroup v2 directory DIR", 0 },
	{ "rlimit", 0, CLI_ARG_REQUIRED, OPT_RLIMIT, "NAME=SOFT[:HARD]", "set a resource limit (repeatable; sizes with K, M, G...)", 0 },
	{ "cgroup-parent", 0, CLI_ARG_REQUIRED, OPT_CGROUP_PARENT, "DIR", "start the child in a new cgroup of its own in DIR, removed after", 0 },
	{ "cgroup-limit", 0, CLI_ARG_REQUIRED, OPT_CGROUP_LIMIT, "FILE=VALUE", "write VALUE (K, M, G: bytes) to FILE of that cgroup (repeatable)", 0 },
	{ "kill-tree", 0, CLI_ARG_NONE, OPT_KILL_TREE, 0, "at exit or timeout, kill all left in that cgroup", 0 },
};

/* A number with an optional binary size suffix (K, M, G, T, P, E, maybe
 * followed by "iB"), as systemd and prlimit users write sizes. */
static int parse_size(const char *num, uint64_t *ret)
{
	static const char units[] = "KMGTPE";
	size_t digits = strspn(num, "0123456789");
	int c = num[digits] & ~0x20;	/* upper case; a space becomes 0 */
	const char *u = c ? strchr(units, c) : NULL;
	unsigned long long v;
	char buf[32];
	int shift;

	if (!digits || digits >= sizeof(buf))
		return -EINVAL;
	if (num[digits] && (!u || (num[digits + 1] && strcmp(num + digits + 1, "iB"))))
		return -EINVAL;
	memcpy(buf, num, digits);
	buf[digits] = '\0';
	shift = u ? 10 * (int)(u - units + 1) : 0;
	if (cli_number(buf, (UINT64_MAX - 1) >> shift, &v) < 0)
		return -EINVAL;
	*ret = (uint64_t)v << shift;
	return 0;
}

static int parse_value(const char *p, size_t len, uint64_t *ret)
{
	char num[32];

	if (len >= sizeof(num))
		return -EINVAL;
	memcpy(num, p, len);
	num[len] = '\0';
	if (!strcmp(num, "unlimited") || !strcmp(num, "infinity")) {
		*ret = CX_RLIM_INFINITY;
		return 0;
	}
	return parse_size(num, ret);
}

/* NAME=SOFT[:HARD], as prlimit(1): SOFT alone sets both, "SOFT:" and
 * ":HARD" keep the other one as clonexec has it. */
static int parse_rlimit(struct cli_state *s, const char *arg)
{
	struct cli_opts *o = s->o;
	const char *eq = strchr(arg, '='), *v, *colon;
	struct cx_rlimit rl;
	struct rlimit cur;
	unsigned int i;

	if (!eq)
		return cli_fail(s, EINVAL, "'%s' is not NAME=SOFT[:HARD]", arg);
	if (cli_rlimit_resource(arg, (size_t)(eq - arg), &rl.resource) < 0)
		return cli_fail(s, EINVAL, "unknown resource '%.*s'", (int)(eq - arg), arg);
	v = eq + 1;
	colon = strchr(v, ':');
	if (getrlimit(rl.resource, &cur) < 0)
		cur.rlim_cur = cur.rlim_max = RLIM_INFINITY;
	rl.soft = cur.rlim_cur == RLIM_INFINITY ? CX_RLIM_INFINITY : cur.rlim_cur;
	rl.hard = cur.rlim_max == RLIM_INFINITY ? CX_RLIM_INFINITY : cur.rlim_max;
	if (!colon) {
		if (parse_value(v, strlen(v), &rl.soft) < 0)
			goto bad;
		rl.hard = rl.soft;
	} else {
		if (colon == v && !colon[1])
			goto bad;
		if (colon > v && parse_value(v, (size_t)(colon - v), &rl.soft) < 0)
			goto bad;
		if (colon[1] && parse_value(colon + 1, strlen(colon + 1), &rl.hard) < 0)
			goto bad;
	}
	for (i = 0; i < s->res.nrlimits; i++)
		if (o->rlimits[i].resource == rl.resource)
			break;
	if (i == s->res.nrlimits) {
		if (cli_grow(&o->rlimits, s->res.nrlimits, sizeof(rl)) < 0)
			return cli_fail(s, ENOMEM, "out of memory");
		s->res.nrlimits++;
	}
	o->rlimits[i] = rl; /* a later one replaces an earlier one */
	return cli_note(s, "rlimits", (int)i, arg);
bad:
	return cli_fail(s, EINVAL, "'%s' is not NAME=SOFT[:HARD]", arg);
}

/* FILE=VALUE; a VALUE that is a size with a suffix becomes bytes, any
 * other is written as it is ("max", "50000 100000"). */
static int parse_cgroup_limit(struct cli_state *s, const char *arg)
{
	struct cli_opts *o = s->o;
	unsigned int n = s->res.ncgroup_limits;
	const char *eq = strchr(arg, '=');
	struct cli_cgroup_text *t;
	uint64_t bytes;

	if (!eq || eq == arg)
		return cli_fail(s, EINVAL, "'%s' is not FILE=VALUE", arg);
	if ((size_t)(eq - arg) >= sizeof(t->file))
		return cli_fail(s, ENAMETOOLONG, "'%.*s': name too long", (int)(eq - arg), arg);
	if (cli_grow(&o->cgroup_limits, n, sizeof(*o->cgroup_limits)) < 0 ||
	    cli_grow(&o->cgroup_text, n, sizeof(*o->cgroup_text)) < 0)
		return cli_fail(s, ENOMEM, "out of memory");
	t = &o->cgroup_text[n];
	memcpy(t->file, arg, (size_t)(eq - arg));
	t->file[eq - arg] = '\0';
	t->bytes[0] = '\0';
	o->cgroup_limits[n].value = eq + 1;
	if (strspn(eq + 1, "0123456789") < strlen(eq + 1) && parse_size(eq + 1, &bytes) == 0)
		snprintf(t->bytes, sizeof(t->bytes), "%llu", (unsigned long long)bytes);
	s->res.ncgroup_limits++;
	return 0;
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	(void)arg2;
	switch (op->id) {
	case OPT_RLIMIT:
		return parse_rlimit(s, arg);
	case OPT_CGROUP_LIMIT:
		return parse_cgroup_limit(s, arg);
	case OPT_KILL_TREE:
		s->o->kill_tree = 1;
		return 0;
	}
	if (!*arg)
		return cli_fail(s, EINVAL, "empty directory");
	if (op->id == OPT_CGROUP_PARENT) {
		s->o->attr.cgroup_parent = arg;
		return cli_note(s, "cgroup_parent", -1, arg);
	}
	s->o->cgroup = arg;
	return cli_note(s, "cgroup_fd", -1, arg);
}

static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;

	if (s->res.nrlimits) {
		o->attr.rlimits = o->rlimits;
		o->attr.nrlimits = s->res.nrlimits;
	}
	/* The arrays stopped moving: point into them. */
	for (unsigned int i = 0; i < s->res.ncgroup_limits; i++) {
		o->cgroup_limits[i].file = o->cgroup_text[i].file;
		if (o->cgroup_text[i].bytes[0])
			o->cgroup_limits[i].value = o->cgroup_text[i].bytes;
	}
	o->attr.cgroup_limits = o->cgroup_limits;
	o->attr.ncgroup_limits = s->res.ncgroup_limits;
	if (s->res.ncgroup_limits && !o->attr.cgroup_parent) {
		s->optname = "--cgroup-limit";
		return cli_fail(s, EINVAL, "needs --cgroup-parent");
	}
	if (o->kill_tree && !o->attr.cgroup_parent) {
		s->optname = "--kill-tree";
		return cli_fail(s, EINVAL, "needs --cgroup-parent");
	}
	if (o->cgroup && o->attr.cgroup_parent) {
		s->optname = "--cgroup-parent";
		return cli_fail(s, EINVAL, "not with --cgroup");
	}
	return 0;
}

const struct cli_group cli_group_resources = CLI_GROUP("Resources", opts, apply, finish, NULL);
