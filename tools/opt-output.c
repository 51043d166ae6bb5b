/* SPDX-License-Identifier: MIT */
/* What clonexec itself reports: JSON status, the plan, help, version. */
#include <errno.h>
#include <stdint.h>

#include "cli.h"

enum { OPT_JSON, OPT_JSON_FD, OPT_EXPLAIN, OPT_HELP, OPT_VERSION };

static const struct cli_opt opts[] = {
	{ "json", 0, CLI_ARG_NONE, OPT_JSON, 0, "report the child's status as JSON, last line on stderr", 0 },
	{ "json-fd", 0, CLI_ARG_REQUIRED, OPT_JSON_FD, "FD", "write the JSON status to FD instead", 0 },
	{ "explain", 0, CLI_ARG_NONE, OPT_EXPLAIN, 0, "print the steps the child would run; start nothing", 0 },
	{ "help", 'h', CLI_ARG_NONE, OPT_HELP, 0, "print this help and exit", 0 },
	{ "version", 'V', CLI_ARG_NONE, OPT_VERSION, 0, "print the version and exit", 0 },
};

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cli_opts *o = s->o;
	int r, v = 0;

	(void)arg2;
	switch (op->id) {
	case OPT_JSON:
		o->json = 1;
		return 0;
	case OPT_JSON_FD:
		r = cli_parse_int(s, arg, INT32_MAX, "an fd number", &v);
		if (r < 0)
			return r;
		if (!cli_fd_is_open(v))
			return cli_fail(s, EBADF, "fd %d is not open", v);
		o->json = 1;
		o->json_fd = v;
		return 0;
	case OPT_EXPLAIN:
		o->explain = 1;
		return 0;
	case OPT_HELP:
		o->help = 1;
		return 0;
	default:
		o->version = 1;
		return 0;
	}
}

const struct cli_group cli_group_output = CLI_GROUP("Output", opts, apply, NULL, NULL);
