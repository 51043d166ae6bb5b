/* SPDX-License-Identifier: MIT */
/*
 * Priorities (issue 11), in the words of the tools they replace: nice(1),
 * chrt(1), taskset(1) -c, ionice(1), choom(1). Ranges are the library's
 * to check (its message names the attribute); here only the words.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "names.h"

enum { OPT_NICE, OPT_SCHED, OPT_RESET_ON_FORK, OPT_CPUS, OPT_IOPRIO, OPT_OOM };

static const struct cli_opt opts[] = {
	{ "nice", 0, CLI_ARG_REQUIRED, OPT_NICE, "N", "nice value N, -20..19 (nice -n)", 0 },
	{ "sched", 0, CLI_ARG_REQUIRED, OPT_SCHED, "POLICY[:PRIO]", "other, batch, idle, fifo or rr (chrt; fifo, rr: PRIO 1..99, default 1)", 0 },
	{ "reset-on-fork", 0, CLI_ARG_NONE, OPT_RESET_ON_FORK, 0, "with --sched: the child's children start unprivileged (chrt -R)", 0 },
	{ "cpus", 0, CLI_ARG_REQUIRED, OPT_CPUS, "LIST", "CPU affinity, as taskset -c: 0,2-3,8-15:2", 0 },
	{ "ioprio", 0, CLI_ARG_REQUIRED, OPT_IOPRIO, "CLASS[:LEVEL]", "none, realtime, best-effort or idle; LEVEL 0..7, default 4 (ionice)", 0 },
	{ "oom-score-adj", 0, CLI_ARG_REQUIRED, OPT_OOM, "N", "oom_score_adj, -1000..1000 (choom -n)", 0 },
};

/* The largest CPU number --cpus takes; the library knows the machine's. */
#define CPU_LIST_MAX 65535
#define WORD_BITS (8 * sizeof(unsigned long))

/* A decimal integer with an optional sign, within int. */
static int parse_signed(struct cli_state *s, const char *arg, int *ret)
{
	const char *digits = arg + (*arg == '-' || *arg == '+');
	unsigned long long v;
	int neg = *arg == '-';

	if (cli_number(digits, (unsigned long long)INT_MAX + neg, &v) < 0)
		return cli_fail(s, EINVAL, "'%s' is not a number", arg);
	*ret = neg ? (int)-(long long)v : (int)v;
	return 0;
}

struct word {
	const char *name;
	int value;
};

static const struct word policies[] = {
	{ "other", CX_SCHED_OTHER }, { "batch", CX_SCHED_BATCH }, { "idle", CX_SCHED_IDLE },
	{ "fifo", CX_SCHED_FIFO },   { "rr", CX_SCHED_RR },
}, classes[] = {
	{ "none", CX_IOPRIO_CLASS_NONE }, { "realtime", CX_IOPRIO_CLASS_RT },
	{ "best-effort", CX_IOPRIO_CLASS_BE }, { "idle", CX_IOPRIO_CLASS_IDLE },
};

/* NAME[:NUMBER]: the name's value, and the number when there is one. */
static int name_and_number(struct cli_state *s, char *arg, const char *what, int n_names,
			   const struct word *names, int *ret_value, int *ret_number,
			   int *has_number)
{
	char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	unsigned long long v;

	*has_number = 0;
	for (int i = 0; i < n_names; i++) {
		if (strlen(names[i].name) == len && !strncasecmp(arg, names[i].name, len)) {
			*ret_value = names[i].value;
			if (!colon)
				return 0;
			if (cli_number(colon + 1, INT_MAX, &v) < 0)
				return cli_fail(s, EINVAL, "'%s' is not a number", colon + 1);
			*ret_number = (int)v;
			*has_number = 1;
			return 0;
		}
	}
	return cli_fail(s, EINVAL, "unknown %s '%.*s'", what, (int)len, arg);
}

static int set_cpu(struct cli_state *s, unsigned long n)
{
	struct cli_opts *o = s->o;
	size_t words = n / WORD_BITS + 1;

	if (words > s->sched.cpu_words) {
		unsigned long *m = realloc(o->cpus, words * sizeof(*m));

		if (!m)
			return cli_fail(s, ENOMEM, "out of memory");
		memset(m + s->sched.cpu_words, 0, (words - s->sched.cpu_words) * sizeof(*m));
		o->cpus = m;
		s->sched.cpu_words = words;
	}
	o->cpus[n / WORD_BITS] |= 1UL << (n % WORD_BITS);
	return 0;
}

static int cpu_number(const char *p, size_t len, unsigned long long *ret)
{
	char num[16];

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, p, len);
	num[len] = '\0';
	return cli_number(num, CPU_LIST_MAX, ret);
}

/* taskset -c's list: N, N-M or N-M:STRIDE, comma-separated. */
static int parse_cpus(struct cli_state *s, const char *arg)
{
	const char *p = arg;

	if (!*arg)
		return cli_fail(s, EINVAL, "empty CPU list");
	s->sched.cpu_words = 0;
	free(s->o->cpus);
	s->o->cpus = NULL;
	for (;;) {
		size_t len = strcspn(p, ","), a = strcspn(p, "-,"), b;
		unsigned long long first, last, stride = 1;

		if (cpu_number(p, a, &first) < 0)
			goto bad;
		last = first;
		if (a < len) {
			b = a + 1 + strcspn(p + a + 1, ":,");
			if (cpu_number(p + a + 1, b - a - 1, &last) < 0 || last < first)
				goto bad;
			if (b < len && (cpu_number(p + b + 1, len - b - 1, &stride) < 0 || !stride))
				goto bad;
		}
		for (unsigned long long n = first; n <= last; n += stride)
			if (set_cpu(s, (unsigned long)n) < 0)
				return -ENOMEM;
		if (!p[len])
			return 0;
		p += len + 1;
	}
bad:
	return cli_fail(s, EINVAL, "'%s' is not a CPU list (0,2-3,8-15:2; CPUs up to %d)", arg,
			CPU_LIST_MAX);
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cx_attr *a = &s->o->attr;
	int has, r;

	(void)arg2;
	switch (op->id) {
	case OPT_NICE:
		a->flags |= CX_ATTR_NICE;
		return parse_signed(s, arg, &a->nice);
	case OPT_SCHED:
		a->flags |= CX_ATTR_SCHED;
		a->sched_priority = 0;
		r = name_and_number(s, arg, "policy", 5, policies, &a->sched_policy,
				    &a->sched_priority, &has);
		if (r == 0 && !has &&
		    (a->sched_policy == CX_SCHED_FIFO || a->sched_policy == CX_SCHED_RR))
			a->sched_priority = 1;
		return r;
	case OPT_RESET_ON_FORK:
		a->flags |= CX_ATTR_SCHED_RESET_ON_FORK;
		return 0;
	case OPT_CPUS:
		a->flags |= CX_ATTR_CPUS;
		return parse_cpus(s, arg);
	case OPT_IOPRIO:
		a->flags |= CX_ATTR_IOPRIO;
		a->ioprio_level = 0;
		r = name_and_number(s, arg, "I/O class", 4, classes, &a->ioprio_class,
				    &a->ioprio_level, &has);
		if (r == 0 && !has &&
		    (a->ioprio_class == CX_IOPRIO_CLASS_RT || a->ioprio_class == CX_IOPRIO_CLASS_BE))
			a->ioprio_level = 4;
		return r;
	default:
		a->flags |= CX_ATTR_OOM_SCORE_ADJ;
		return parse_signed(s, arg, &a->oom_score_adj);
	}
}

static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;

	if (o->attr.flags & CX_ATTR_CPUS) {
		o->attr.cpus = o->cpus;
		o->attr.cpus_size = s->sched.cpu_words * sizeof(unsigned long);
	}
	return 0;
}

const struct cli_group cli_group_sched = CLI_GROUP("Priorities (nice, chrt, taskset, ionice, choom)",
						   opts, apply, finish, NULL);
