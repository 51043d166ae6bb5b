/* SPDX-License-Identifier: MIT */
/* The child's fds: --fd CHILD=PARENT|-, --keep-fds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_FD, OPT_KEEP_FDS };

static const struct cli_opt opts[] = {
	{ "fd", 0, CLI_ARG_REQUIRED, OPT_FD, "CHILD=PARENT|-", "child fd CHILD is a copy of fd PARENT, or closed", 0 },
	{ "keep-fds", 0, CLI_ARG_NONE, OPT_KEEP_FDS, 0, "inherit every open fd (default: only 0, 1, 2)", 0 },
};

static int parse_fd(struct cli_state *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int child = -1, parent = -1, r;
	char num[16];

	if (!eq)
		return cli_fail(s, EINVAL, "'%s' is not CHILD=PARENT or CHILD=-", arg);
	snprintf(num, sizeof(num), "%.*s", (int)(eq - arg), arg);
	if ((size_t)(eq - arg) >= sizeof(num))
		return cli_fail(s, EINVAL, "'%s' is not an fd number", arg);
	r = cli_parse_int(s, num, CLI_FD_MAX, "an fd number", &child);
	if (r < 0)
		return r;
	if (strcmp(eq + 1, "-")) {
		r = cli_parse_int(s, eq + 1, INT32_MAX, "an fd number", &parent);
		if (r < 0)
			return r;
		if (!cli_fd_is_open(parent))
			return cli_fail(s, EBADF, "fd %d is not open", parent);
	}
	for (unsigned int i = 0; i < s->fd.npairs; i++)
		if (s->fd.pairs[i][0] == child)
			return cli_fail(s, EINVAL, "child fd %d given twice", child);
	if (cli_grow(&s->fd.pairs, s->fd.npairs, sizeof(*s->fd.pairs)) < 0)
		return cli_fail(s, ENOMEM, "out of memory");
	s->fd.pairs[s->fd.npairs][0] = child;
	s->fd.pairs[s->fd.npairs][1] = parent;
	s->fd.npairs++;
	return cli_note(s, "files", child, arg);
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	(void)arg2;
	if (op->id == OPT_FD)
		return parse_fd(s, arg);
	s->fd.keep = 1;
	return 0;
}

int cli_child_has_fd(const struct cli_state *s, int fd)
{
	const struct cx_attr *a = &s->o->attr;

	if (a->files)
		return (unsigned int)fd < a->nfiles && a->files[fd] >= 0;
	return (fd <= 2 || s->fd.keep) && cli_fd_is_open(fd);
}

static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;
	unsigned int n = 3;

	if (!s->fd.keep)
		a->flags |= CX_ATTR_CLOSE_OTHER_FDS;
	/* Without --fd the library's default is the same plan: 0-2 as they
	 * are, the rest closed, with three fewer syscalls. */
	if (!s->fd.npairs)
		return 0;
	for (unsigned int i = 0; i < s->fd.npairs; i++)
		if ((unsigned int)s->fd.pairs[i][0] >= n)
			n = (unsigned int)s->fd.pairs[i][0] + 1;
	o->files = malloc(n * sizeof(int));
	if (!o->files)
		return cli_fail(s, ENOMEM, "out of memory");
	/* Unnamed child fds: 0-2 (and all with --keep-fds) as they are. */
	for (unsigned int i = 0; i < n; i++)
		o->files[i] = (i <= 2 || s->fd.keep) && cli_fd_is_open((int)i) ? (int)i : -1;
	for (unsigned int i = 0; i < s->fd.npairs; i++)
		o->files[s->fd.pairs[i][0]] = s->fd.pairs[i][1];
	a->files = o->files;
	a->nfiles = n;
	return 0;
}

static void cleanup(struct cli_state *s)
{
	free(s->fd.pairs);
}

const struct cli_group cli_group_fd = CLI_GROUP("File descriptors", opts, apply, finish, cleanup);
