/* SPDX-License-Identifier: MIT */
/*
 * The command line, parsed into what the library needs. cli_parse() is a
 * pure function of argv, environ and what it reads (fd table, passwd and
 * group databases, libcap's names, rlimits): it prints nothing, exits
 * never and leaves nothing allocated after cli_opts_free(), so a fuzzer
 * can call it in a loop.
 */
#ifndef CLONEXEC_TOOLS_OPTIONS_H
#define CLONEXEC_TOOLS_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include <clonexec.h>

/* Which option, as the user typed it, set an attribute field (or element
 * `index` of a list field): the library's check errors name the field
 * ("uid_map[1]: overlaps 0:1000:10"), the command names the option. */
struct cli_origin {
	const char *field;
	int index;            /* -1: the whole field */
	char *text;           /* "--uid-map 5:2000:10", owned */
};

struct cli_opts {
	/* Ready for cx_spawnp() but for the cgroup fd (main opens --cgroup). */
	struct cx_attr attr;
	const char *program;  /* the file to run (looked up in PATH if no slash) */
	char **argv;          /* NULL-terminated; argv[0] is --argv0 or program */
	char *argv0;          /* --argv0 */
	char **envp;          /* NULL: clonexec's own environment, unchanged */
	const char *cgroup;   /* --cgroup DIR */

	int help, version, explain;
	int exec;             /* --exec: become the program (cx_execp), no supervisor */
	int json;             /* --json or --json-fd */
	int json_fd;          /* where the JSON goes (default 2) */
	int job_control;      /* the child leaves clonexec's process group */
	int foreground;       /* --foreground: take the terminal back afterwards */

	/* Owned storage behind the attr's pointers. */
	int *files;
	gid_t *groups;
	struct cx_id_map *uid_map, *gid_map;
	struct cx_rlimit *rlimits;
	size_t nenv, envcap;
	struct cli_origin *origins;
	unsigned int norigins;
	/* issue 10: join and confine */
	struct cx_sock_filter *seccomp;
	struct cx_landlock_rule *landlock_rules;
	struct cx_ns_fd *join_fds;    /* fds opened by --join-file, closed by cli_opts_free */
	unsigned int njoin_open;
	int join_pidfd;               /* --join, or -1 */
};

/*
 * Parse argv (argv[0] is clonexec's own name). Returns 0, or a negative
 * errno with a one-line message naming the option in errbuf. Even on
 * failure *ret is initialised (json/json_fd are set when they were parsed)
 * and must be released with cli_opts_free().
 */
int cli_parse(int argc, char **argv, struct cli_opts *ret, char *errbuf, size_t errlen);

void cli_opts_free(struct cli_opts *opts);

/*
 * A library check message ("uid_map[1]: overlaps 0:1000:10") in the user's
 * words ("--uid-map 5:2000:10: overlaps 0:1000:10"), into buf; NULL when
 * no option set the field it names.
 */
const char *cli_check_message(const struct cli_opts *opts, const char *msg, char *buf,
			      size_t len);

/* --help: one line per option. */
void cli_usage(FILE *f);

#endif
