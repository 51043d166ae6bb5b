/* SPDX-License-Identifier: MIT */
/*
 * Time limits (issue 11), as timeout(1): --timeout DURATION, then the
 * signal (--timeout-signal, default TERM), then after --kill-after KILL;
 * clonexec exits 124 when the deadline passed. As timeout(1) does, the
 * child gets a process group of its own (unless the options gave it one)
 * and the signals go to the whole group.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "names.h"

enum { OPT_TIMEOUT, OPT_KILL_AFTER, OPT_TIMEOUT_SIGNAL };

static const struct cli_opt opts[] = {
	{ "timeout", 0, CLI_ARG_REQUIRED, OPT_TIMEOUT, "DURATION", "signal the child after DURATION (2.5, 90s, 10m, 1h, 1d; 0: never); exit 124", 0 },
	{ "kill-after", 0, CLI_ARG_REQUIRED, OPT_KILL_AFTER, "DURATION", "with --timeout: SIGKILL if still running DURATION after the signal", 0 },
	{ "timeout-signal", 0, CLI_ARG_REQUIRED, OPT_TIMEOUT_SIGNAL, "SIG", "with --timeout: the signal at the deadline (default TERM)", 0 },
};

/* Far beyond any real deadline, and far from overflowing a long long. */
#define DURATION_MAX_MS (1LL << 52)

/* timeout(1)'s DURATION: a decimal number, maybe with a fraction, and an
 * optional unit s, m, h or d. Rounded up to a millisecond. */
static int parse_duration(struct cli_state *s, const char *arg, long long *ret_ms)
{
	static const struct { char unit; double ms; } units[] = {
		{ 's', 1e3 }, { 'm', 60e3 }, { 'h', 3600e3 }, { 'd', 86400e3 },
	};
	double v, mult = 1e3;
	char *end;

	/* strtod would take hex, exponents, inf and nan: only digits here. */
	if (!((*arg >= '0' && *arg <= '9') || (*arg == '.' && arg[1] >= '0' && arg[1] <= '9')) ||
	    strpbrk(arg, "xXeEpP"))
		goto bad;
	v = strtod(arg, &end);
	if (end == arg)
		goto bad;
	if (*end) {
		size_t i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*end == units[i].unit)
				break;
		if (i == sizeof(units) / sizeof(units[0]) || end[1])
			goto bad;
		mult = units[i].ms;
	}
	v *= mult;
	if (!isfinite(v) || v > (double)DURATION_MAX_MS)
		return cli_fail(s, ERANGE, "'%s' is too long", arg);
	*ret_ms = (long long)v;
	if ((double)*ret_ms < v)
		++*ret_ms;
	return 0;
bad:
	return cli_fail(s, EINVAL, "'%s' is not a duration (a number with s, m, h or d)", arg);
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cli_opts *o = s->o;

	(void)arg2;
	switch (op->id) {
	case OPT_TIMEOUT:
		s->time.timeout_set = 1;
		return parse_duration(s, arg, &o->timeout_ms);
	case OPT_KILL_AFTER:
		s->time.kill_after_set = 1;
		return parse_duration(s, arg, &o->kill_after_ms);
	default:
		s->time.signal_set = 1;
		if (cli_signal(arg, &o->timeout_signal) < 0 || o->timeout_signal == 0)
			return cli_fail(s, EINVAL, "unknown signal '%s'", arg);
		return 0;
	}
}

static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;

	if (!o->timeout_signal)
		o->timeout_signal = SIGTERM;
	if (!s->time.timeout_set && (s->time.kill_after_set || s->time.signal_set)) {
		s->optname = s->time.kill_after_set ? "--kill-after" : "--timeout-signal";
		return cli_fail(s, EINVAL, "needs --timeout");
	}
	if (!o->timeout_ms)
		return 0;
	/* A group of its own unless the session options placed it. */
	if (!o->job_control) {
		a->flags |= CX_ATTR_SETPGID;
		a->pgid = 0;
		o->job_control = 1;
	}
	o->timeout_group = (a->flags & (CX_ATTR_SETSID | CX_ATTR_FOREGROUND)) ||
			   ((a->flags & CX_ATTR_SETPGID) && a->pgid == 0);
	return 0;
}

const struct cli_group cli_group_time = CLI_GROUP("Time limit (timeout)", opts, apply, finish,
						  NULL);
