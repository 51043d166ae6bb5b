/* SPDX-License-Identifier: MIT */
/* The program, its arguments, directory, root and environment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_EXEC, OPT_CHDIR, OPT_ROOT, OPT_ARGV0, OPT_SETENV, OPT_UNSETENV, OPT_CLEARENV };

static const struct cli_opt opts[] = {
	{ "exec", 0, CLI_ARG_NONE, OPT_EXEC, 0, "become the program (same pid, no supervisor), as unshare(1) does", 0 },
	{ "chdir", 'w', CLI_ARG_REQUIRED, OPT_CHDIR, "DIR", "change to DIR in the child (after --root)", 0 },
	{ "root", 'R', CLI_ARG_REQUIRED, OPT_ROOT, "DIR", "chroot to DIR in the child", 0 },
	{ "argv0", 0, CLI_ARG_REQUIRED, OPT_ARGV0, "NAME", "run the program with argv[0] = NAME", 0 },
	{ "setenv", 0, CLI_ARG_REQUIRED, OPT_SETENV, "NAME=VALUE", "set NAME in the child's environment", 0 },
	{ "unsetenv", 0, CLI_ARG_REQUIRED, OPT_UNSETENV, "NAME", "remove NAME from the child's environment", 0 },
	{ "clearenv", 0, CLI_ARG_NONE, OPT_CLEARENV, 0, "start the child's environment empty", 0 },
};

static int env_init(struct cli_state *s)
{
	extern char **environ;
	struct cli_opts *o = s->o;
	size_t n = 0;

	if (o->envp)
		return 0;
	while (environ && environ[n])
		n++;
	o->envcap = n + 8;
	o->envp = malloc(o->envcap * sizeof(char *));
	if (!o->envp)
		return cli_fail(s, ENOMEM, "out of memory");
	if (n)
		memcpy(o->envp, environ, n * sizeof(char *));
	o->nenv = n;
	o->envp[n] = NULL;
	return 0;
}

static void env_remove(struct cli_opts *o, const char *name, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < o->nenv; i++) {
		const char *e = o->envp[i];

		if (!strncmp(e, name, len) && e[len] == '=')
			continue;
		o->envp[j++] = o->envp[i];
	}
	o->nenv = j;
	o->envp[j] = NULL;
}

static int env_op(struct cli_state *s, int id, char *arg)
{
	struct cli_opts *o = s->o;
	char *eq = strchr(arg, '=');
	int r = env_init(s);

	if (r < 0)
		return r;
	if (id == OPT_CLEARENV) {
		o->nenv = 0;
		o->envp[0] = NULL;
		return 0;
	}
	if (id == OPT_UNSETENV) {
		if (!*arg || eq)
			return cli_fail(s, EINVAL, "'%s' is not a variable name", arg);
		env_remove(o, arg, strlen(arg));
		return 0;
	}
	if (!eq || eq == arg)
		return cli_fail(s, EINVAL, "'%s' is not NAME=VALUE", arg);
	env_remove(o, arg, (size_t)(eq - arg));
	if (o->nenv + 2 > o->envcap) {
		char **p = realloc(o->envp, 2 * o->envcap * sizeof(char *));

		if (!p)
			return cli_fail(s, ENOMEM, "out of memory");
		o->envp = p;
		o->envcap *= 2;
	}
	o->envp[o->nenv++] = arg;
	o->envp[o->nenv] = NULL;
	return 0;
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cx_attr *a = &s->o->attr;

	(void)arg2;
	switch (op->id) {
	case OPT_CHDIR:
		if (!*arg)
			return cli_fail(s, EINVAL, "empty directory");
		a->dir = arg;
		return cli_note(s, "dir", -1, arg);
	case OPT_ROOT:
		if (!*arg)
			return cli_fail(s, EINVAL, "empty directory");
		a->chroot = arg;
		return cli_note(s, "chroot", -1, arg);
	case OPT_ARGV0:
		s->o->argv0 = arg;
		return 0;
	case OPT_EXEC:
		s->o->exec = 1;
		return 0;
	default:
		return env_op(s, op->id, arg ? arg : (char *)"");
	}
}

/* What only a supervisor can do. */
static int finish(struct cli_state *s)
{
	if (!s->o->exec)
		return 0;
	s->optname = "--exec";
	if (s->o->json)
		return cli_fail(s, EINVAL, "not with --json: no supervisor is left to report");
	if (s->time.timeout_set)
		return cli_fail(s, EINVAL, "not with --timeout: no supervisor is left to stop it");
	if (s->o->kill_tree)
		return cli_fail(s, EINVAL, "not with --kill-tree: no supervisor is left to kill it");
	if (s->o->attr.flags & CX_ATTR_INIT)
		return cli_fail(s, EINVAL, "not with --init: the init would be a process of its "
				"own, and --exec starts none");
	return 0;
}

const struct cli_group cli_group_process = CLI_GROUP("Program and environment", opts, apply,
						     finish, NULL);
