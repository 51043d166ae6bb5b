/* SPDX-License-Identifier: MIT */
/* --json: one object, one line. */
#ifndef CLONEXEC_TOOLS_JSON_H
#define CLONEXEC_TOOLS_JSON_H

#include <clonexec.h>

/* What only clonexec knows (issue 11): which parts to report. */
struct cli_json_extra {
	int timeout;         /* --timeout was given: "timeout":{...} */
	const char *cgroup;  /* the child's own cgroup: "cgroup":{...} */
	int tree_killed;     /* --kill-tree killed what was left in it */
};

/* {"pid":..,"exit_code":..|"signal":{..},["timeout":{..},"cgroup":{..},]
 *  "core_dumped":..,"wall_s":..,...}; x may be NULL. */
void cli_json_status(int fd, pid_t pid, const struct cx_status *st, double wall_s,
		     const struct cli_json_extra *x);

/* {"error":{"step":..,"errno":..,"errno_name":..,"message":..}} */
void cli_json_error(int fd, const char *step, int error, const char *message);

#endif
