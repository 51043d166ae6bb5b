/* SPDX-License-Identifier: MIT */
/* Session, process group, terminal and the parent-death signal. */
#include <errno.h>
#include <limits.h>

#include "cli.h"
#include "names.h"

enum { OPT_SETSID, OPT_SETPGID, OPT_NOCTTY, OPT_FOREGROUND, OPT_SETCTTY, OPT_CTTY,
       OPT_PDEATHSIG };

static const struct cli_opt opts[] = {
	{ "setsid", 0, CLI_ARG_NONE, OPT_SETSID, 0, "start a new session (no controlling terminal)", 0 },
	{ "setpgid", 0, CLI_ARG_OPTIONAL, OPT_SETPGID, "PGID", "join process group PGID (default: a new one)", 0 },
	{ "noctty", 0, CLI_ARG_NONE, OPT_NOCTTY, 0, "detach from the controlling terminal (TIOCNOTTY on --ctty)", 0 },
	{ "foreground", 0, CLI_ARG_NONE, OPT_FOREGROUND, 0, "new process group, in the foreground of --ctty", 0 },
	{ "setctty", 0, CLI_ARG_NONE, OPT_SETCTTY, 0, "make --ctty the controlling terminal (needs --setsid)", 0 },
	{ "ctty", 0, CLI_ARG_REQUIRED, OPT_CTTY, "FD", "the child's terminal fd for the options above (default 0)", 0 },
	{ "pdeathsig", 0, CLI_ARG_REQUIRED, OPT_PDEATHSIG, "SIG", "signal the child gets when clonexec dies", 0 },
};

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cx_attr *a = &s->o->attr;
	int r, v = 0;

	(void)arg2;
	switch (op->id) {
	case OPT_SETSID:
		a->flags |= CX_ATTR_SETSID;
		return 0;
	case OPT_SETPGID:
		a->flags |= CX_ATTR_SETPGID;
		a->pgid = 0;
		if (!arg)
			return 0;
		r = cli_parse_int(s, arg, INT_MAX, "a process group id", &v);
		a->pgid = v;
		return r < 0 ? r : cli_note(s, "pgid", -1, arg);
	case OPT_NOCTTY:
		a->flags |= CX_ATTR_NOCTTY;
		return 0;
	case OPT_FOREGROUND:
		a->flags |= CX_ATTR_FOREGROUND;
		return 0;
	case OPT_SETCTTY:
		a->flags |= CX_ATTR_SETCTTY;
		return 0;
	case OPT_CTTY:
		s->session.ctty_set = 1;
		r = cli_parse_int(s, arg, CLI_FD_MAX, "an fd number", &a->ctty_fd);
		return r < 0 ? r : cli_note(s, "ctty_fd", -1, arg);
	default:
		r = cli_signal(arg, &a->pdeathsig);
		if (r < 0)
			return cli_fail(s, EINVAL, "unknown signal '%s'", arg);
		return cli_note(s, "pdeathsig", -1, arg);
	}
}

/* After the fd group: --ctty names a child fd. */
static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;
	uint64_t f = o->attr.flags;

	s->optname = "--setctty";
	if ((f & CX_ATTR_SETCTTY) && !(f & CX_ATTR_SETSID))
		return cli_fail(s, EINVAL, "needs --setsid");
	if ((f & CX_ATTR_SETCTTY) && (f & CX_ATTR_FOREGROUND))
		return cli_fail(s, EINVAL, "not with --foreground");
	o->job_control = !!(f & (CX_ATTR_SETSID | CX_ATTR_SETPGID | CX_ATTR_FOREGROUND));
	o->foreground = !!(f & CX_ATTR_FOREGROUND);
	if (f & (CX_ATTR_FOREGROUND | CX_ATTR_SETCTTY | CX_ATTR_NOCTTY)) {
		s->optname = "--ctty";
		if (!cli_child_has_fd(s, o->attr.ctty_fd))
			return cli_fail(s, EBADF, "fd %d is not open in the child", o->attr.ctty_fd);
	} else if (s->session.ctty_set) {
		s->optname = "--ctty";
		return cli_fail(s, EINVAL, "needs --foreground, --setctty or --noctty");
	}
	return 0;
}

const struct cli_group cli_group_session = CLI_GROUP("Session, terminal and parent death", opts,
						     apply, finish, NULL);
