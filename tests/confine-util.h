/* SPDX-License-Identifier: MIT */
/* What the join-and-confine tests (issue 10) share: running the
 * confine-probe helper (tests/helpers/confine-probe.c) with attributes. */
#ifndef CX_CONFINE_UTIL_H
#define CX_CONFINE_UTIL_H

#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

static inline const char *cp_path(void)
{
	static char path[4096];

	if (!path[0])
		cxt_helper("confine-probe", path, sizeof(path));
	return path;
}

/* Run confine-probe with the verbs given; its output in out. */
static inline int cp_run(const struct cx_attr *a, struct cx_status *st, struct cx_error *err,
			 ...)
{
	char *argv[32];
	va_list ap;
	int n = 0;

	argv[n++] = (char *)cp_path();
	va_start(ap, err);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	memset(st, 0, sizeof(*st));
	memset(err, 0, sizeof(*err));
	return cxt_run(argv[0], argv, a, out, sizeof(out), st, err);
}

/* cp_run and the one TAP line that it ran and exited 0. */
#define cp_ok(a, what, ...)                                                              \
	do {                                                                             \
		struct cx_status st_;                                                    \
		struct cx_error err_;                                                    \
		int r_ = cp_run(a, &st_, &err_, __VA_ARGS__, (char *)NULL);              \
		lt_ran_ok(r_, &st_, &err_, what);                                        \
	} while (0)

/* Become uid and gid 65534 in this (forked) test process; dumpable again,
 * else its children's /proc files (uid_map...) stay root's. */
static inline void cp_become_nobody(void)
{
	if (cxt_drop_to(65534, 65534) < 0 || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		tap_bail("cannot become nobody");
}

#endif
