/* SPDX-License-Identifier: MIT */
/* Resources: rlimits (prlimit(1)'s words) and the cgroup to start in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "names.h"

enum { OPT_CGROUP, OPT_RLIMIT };

static const struct cli_opt opts[] = {
	{ "cgroup", 0, CLI_ARG_REQUIRED, OPT_CGROUP, "DIR", "start the child in cgroup v2 directory DIR", 0 },
	{ "rlimit", 0, CLI_ARG_REQUIRED, OPT_RLIMIT, "NAME=SOFT[:HARD]", "set a resource limit (repeatable)", 0 },
};

static int parse_value(const char *p, size_t len, uint64_t *ret)
{
	unsigned long long v;
	char num[32];

	if (len >= sizeof(num))
		return -EINVAL;
	memcpy(num, p, len);
	num[len] = '\0';
	if (!strcmp(num, "unlimited") || !strcmp(num, "infinity")) {
		*ret = CX_RLIM_INFINITY;
		return 0;
	}
	if (cli_number(num, UINT64_MAX - 1, &v) < 0)
		return -EINVAL;
	*ret = v;
	return 0;
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

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	(void)arg2;
	if (op->id == OPT_RLIMIT)
		return parse_rlimit(s, arg);
	if (!*arg)
		return cli_fail(s, EINVAL, "empty directory");
	s->o->cgroup = arg;
	return cli_note(s, "cgroup_fd", -1, arg);
}

static int finish(struct cli_state *s)
{
	if (s->res.nrlimits) {
		s->o->attr.rlimits = s->o->rlimits;
		s->o->attr.nrlimits = s->res.nrlimits;
	}
	return 0;
}

const struct cli_group cli_group_resources = CLI_GROUP("Resources", opts, apply, finish, NULL);
