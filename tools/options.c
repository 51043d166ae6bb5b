/* SPDX-License-Identifier: MIT */
/*
 * The walk over argv. A small parser of our own rather than getopt_long: it
 * must stop at the program name (so "clonexec -r id -u" gives -u to id),
 * must not permute argv or keep global state (a fuzzer calls it in a
 * loop), must not print, and must take bubblewrap's two-argument options.
 * The options themselves live in their groups (tools/opt-*.c, see cli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "names.h"

/* In the order their finish runs and --help lists them. */
static const struct cli_group *const groups[] = {
	&cli_group_process, &cli_group_ns, &cli_group_cred, &cli_group_fd,
	&cli_group_session, &cli_group_resources, &cli_group_output,
	/* issue 10: after ns and cred, whose results they read */
	&cli_group_join, &cli_group_caps, &cli_group_seccomp, &cli_group_landlock,
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

int cli_fail(struct cli_state *s, int error, const char *fmt, ...)
{
	int w = s->optname ? snprintf(s->err, s->errlen, "%s: ", s->optname) : 0;
	va_list ap;

	if (w >= 0 && (size_t)w < s->errlen) {
		va_start(ap, fmt);
		vsnprintf(s->err + w, s->errlen - (size_t)w, fmt, ap);
		va_end(ap);
	}
	return -error;
}

int cli_grow(void *pp, unsigned int n, size_t size)
{
	void **p = pp;
	void *q;

	/* Grow on powers of two: n is the count before the new element. */
	if (n & (n - 1) && n)
		return 0;
	q = realloc(*p, (n ? 2 * (size_t)n : 1) * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	return 0;
}

int cli_fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

int cli_parse_int(struct cli_state *s, const char *arg, long long max, const char *what,
		  int *ret)
{
	unsigned long long v;

	if (cli_number(arg, (unsigned long long)max, &v) < 0)
		return cli_fail(s, EINVAL, "'%s' is not %s", arg, what);
	*ret = (int)v;
	return 0;
}

int cli_note(struct cli_state *s, const char *field, int index, const char *arg)
{
	struct cli_opts *o = s->o;
	struct cli_origin *og;
	size_t len = strlen(s->optname ? s->optname : "") + (arg ? strlen(arg) + 1 : 0) + 1;

	if (cli_grow(&o->origins, o->norigins, sizeof(*o->origins)) < 0)
		return cli_fail(s, ENOMEM, "out of memory");
	og = &o->origins[o->norigins];
	og->text = malloc(len);
	if (!og->text)
		return cli_fail(s, ENOMEM, "out of memory");
	snprintf(og->text, len, "%s%s%s", s->optname ? s->optname : "", arg ? " " : "",
		 arg ? arg : "");
	og->field = field;
	og->index = index;
	o->norigins++;
	return 0;
}

const char *cli_check_message(const struct cli_opts *o, const char *msg, char *buf, size_t len)
{
	size_t flen = strcspn(msg, "[:");
	const char *rest = msg + flen, *text = NULL;
	int index = -1;

	if (*rest == '[') {
		char *end;

		index = (int)strtol(rest + 1, &end, 10);
		if (*end != ']')
			return NULL;
		rest = end + 1;
	}
	if (rest[0] != ':' || rest[1] != ' ')
		return NULL;
	/* The last option that set it wins, as it won when parsing. */
	for (unsigned int i = 0; i < o->norigins; i++) {
		const struct cli_origin *og = &o->origins[i];

		if (strlen(og->field) == flen && !strncmp(og->field, msg, flen) &&
		    (og->index == index || og->index < 0 || index < 0))
			text = og->text;
	}
	if (!text)
		return NULL;
	snprintf(buf, len, "%s%s", text, rest);
	return buf;
}

struct found {
	const struct cli_group *group;
	const struct cli_opt *opt;
};

static int find(const char *name, size_t len, char letter, struct found *f)
{
	for (size_t g = 0; g < NGROUPS; g++) {
		for (size_t i = 0; i < groups[g]->nopts; i++) {
			const struct cli_opt *op = &groups[g]->opts[i];

			if (name ? op->name && strlen(op->name) == len && !strncmp(op->name, name, len)
				 : op->letter == letter) {
				f->group = groups[g];
				f->opt = op;
				return 0;
			}
		}
	}
	return -1;
}

/* Option names for messages; long when there is one. */
static const char *opt_name(const struct cli_opt *op, char *buf, size_t len)
{
	if (op->name)
		snprintf(buf, len, "--%s", op->name);
	else
		snprintf(buf, len, "-%c", op->letter);
	return buf;
}

/* The option's argument(s) from argv after *i; inline is "=VALUE" or the
 * rest of a letter cluster. */
static int take(struct cli_state *s, const struct found *f, int argc, char **argv, int *i,
		char *inline_arg)
{
	char *arg = inline_arg, *arg2 = NULL;

	switch (f->opt->arg) {
	case CLI_ARG_NONE:
		if (inline_arg)
			return cli_fail(s, EINVAL, "takes no argument");
		break;
	case CLI_ARG_OPTIONAL:
		break;
	case CLI_ARG_REQUIRED:
		if (!arg) {
			if (*i + 1 >= argc)
				return cli_fail(s, EINVAL, "needs an argument");
			arg = argv[++*i];
		}
		break;
	case CLI_ARG_TWO:
		if (inline_arg)
			return cli_fail(s, EINVAL, "takes two arguments: %s", f->opt->argname);
		if (*i + 2 >= argc)
			return cli_fail(s, EINVAL, "needs two arguments: %s", f->opt->argname);
		arg = argv[++*i];
		arg2 = argv[++*i];
		break;
	}
	return f->group->apply(s, f->opt, arg, arg2);
}

static int parse_long(struct cli_state *s, int argc, char **argv, int *i, char *name,
		      size_t namelen)
{
	char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	struct found f;

	s->optname = NULL;
	if (find(arg, len, 0, &f) < 0)
		return cli_fail(s, EINVAL, "unknown option '--%.*s'", (int)(len > 64 ? 64 : len), arg);
	s->optname = opt_name(f.opt, name, namelen);
	return take(s, &f, argc, argv, i, eq ? eq + 1 : NULL);
}

static int parse_letters(struct cli_state *s, int argc, char **argv, int *i, char *name,
			 size_t namelen)
{
	for (char *p = argv[*i] + 1; *p; p++) {
		struct found f;
		int r;

		s->optname = NULL;
		if (find(NULL, 0, *p, &f) < 0)
			return cli_fail(s, EINVAL, "unknown option '-%c'", *p);
		s->optname = opt_name(f.opt, name, namelen);
		if (f.opt->arg == CLI_ARG_REQUIRED)
			return take(s, &f, argc, argv, i, p[1] ? p + 1 : NULL);
		r = take(s, &f, argc, argv, i, NULL);
		if (r < 0 || f.opt->arg == CLI_ARG_TWO)
			return r;
	}
	return 0;
}

static int finish_program(struct cli_state *s, int argc, char **argv, int i)
{
	struct cli_opts *o = s->o;

	s->optname = NULL;
	if (i >= argc)
		return cli_fail(s, EINVAL, "no program given");
	if (!*argv[i])
		return cli_fail(s, ENOENT, "empty program name");
	o->program = argv[i];
	o->argv = malloc((size_t)(argc - i + 1) * sizeof(char *));
	if (!o->argv)
		return cli_fail(s, ENOMEM, "out of memory");
	memcpy(o->argv, argv + i, (size_t)(argc - i) * sizeof(char *));
	o->argv[argc - i] = NULL;
	if (o->argv0)
		o->argv[0] = o->argv0;
	return 0;
}

static int finish(struct cli_state *s, int argc, char **argv, int i)
{
	int r;

	if (s->o->help || s->o->version)
		return 0;
	r = finish_program(s, argc, argv, i);
	for (size_t g = 0; r == 0 && g < NGROUPS; g++)
		if (groups[g]->finish)
			r = groups[g]->finish(s);
	return r;
}

int cli_parse(int argc, char **argv, struct cli_opts *ret, char *errbuf, size_t errlen)
{
	struct cli_state s = { .o = ret, .err = errbuf, .errlen = errlen, .optname = NULL };
	char name[64];
	int i, r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->attr.size = sizeof(ret->attr);
	ret->json_fd = 2;
	ret->join_pidfd = -1;
	if (errlen)
		errbuf[0] = '\0';
	for (i = 1; i < argc && r == 0; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		r = a[1] == '-' ? parse_long(&s, argc, argv, &i, name, sizeof(name))
				: parse_letters(&s, argc, argv, &i, name, sizeof(name));
	}
	if (r == 0)
		r = finish(&s, argc, argv, i);
	for (size_t g = 0; g < NGROUPS; g++)
		if (groups[g]->cleanup)
			groups[g]->cleanup(&s);
	return r;
}

void cli_opts_free(struct cli_opts *o)
{
	free(o->argv);
	free(o->envp);
	free(o->files);
	free(o->groups);
	free(o->uid_map);
	free(o->gid_map);
	free(o->rlimits);
	for (unsigned int i = 0; i < o->norigins; i++)
		free(o->origins[i].text);
	free(o->origins);
	cli_confine_free(o); /* issue 10 */
	memset(o, 0, sizeof(*o));
}

void cli_usage(FILE *f)
{
	fputs("Usage: clonexec [options] [--] program [argument...]\n"
	      "Start a program with the process attributes given, wait for it and exit with\n"
	      "its status (125: clonexec failed, 126: cannot execute, 127: not found).\n",
	      f);
	for (size_t g = 0; g < NGROUPS; g++) {
		fprintf(f, "\n%s:\n", groups[g]->title);
		for (size_t i = 0; i < groups[g]->nopts; i++) {
			const struct cli_opt *op = &groups[g]->opts[i];
			char left[64];
			int w = 0;

			if (op->letter)
				w = snprintf(left, sizeof(left), "-%c%s", op->letter,
					     op->name ? ", " : "");
			else
				w = snprintf(left, sizeof(left), "    ");
			if (op->name)
				w += snprintf(left + w, sizeof(left) - (size_t)w, "--%s", op->name);
			if (op->argname)
				snprintf(left + w, sizeof(left) - (size_t)w,
					 op->arg == CLI_ARG_OPTIONAL ? "[=%s]" : " %s", op->argname);
			/* A left column too wide for its room: the help on the
			 * next line, so that two spaces always part them. */
			if (strlen(left) > 32)
				fprintf(f, "  %s\n  %-32s %s\n", left, "", op->help);
			else
				fprintf(f, "  %-32s %s\n", left, op->help);
		}
	}
	fputs("\nLIST of namespaces: user, pid, mount (or mnt), net, uts, ipc, cgroup, time.\n"
	      "See clonexec(1).\n", f);
}
