/* SPDX-License-Identifier: MIT */
/*
 * sandboxcmp: issue 9's sandbox (bench/sandbox.c) spawned and reaped by the
 * library in this process, beside the same sandbox by commands (bwrap, the
 * CLI, unshare), in one run. Every round times each entry once, the first
 * entry rotating, so none always runs after the same one:
 *   library          cx_spawn(noop, sandbox) + cx_process_wait, in-process:
 *                    what a program using the library pays per sandbox
 *   library+process  posix_spawn of "sandboxcmp --once" (a dynamically
 *                    linked program that makes that one spawn and exits) +
 *                    waitpid: the library's sandbox with a process start
 *   NAME             posix_spawnp of the command (split at spaces) + waitpid
 * Commands' stdout and stderr go to /dev/null. Prints, tab-separated, for
 * each: name, median µs, p99 µs, runs.
 *
 *   sandboxcmp [-n RUNS] [-w WARMUP] [NAME 'COMMAND']...
 *   sandboxcmp --once
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawnbench.h"

extern char **environ;

#define MAX_ARGS 64
#define MAX_ENTRIES 8

struct entry {
	const char *name;
	char *argv[MAX_ARGS + 1]; /* NULL argv[0]: the in-process library */
	double *lat;
	int n;
};

static struct cx_attr sandbox;
static const char *noop;

static int lib_once(void)
{
	char *argv[] = { "noop", NULL };
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;
	char msg[256];

	if (cx_spawn(noop, argv, environ, &sandbox, &p, &err) < 0) {
		cx_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "sandboxcmp: %s\n", msg);
		return -1;
	}
	if (cx_process_wait(p, -1, &st) < 0 || !st.exited || st.exit_code) {
		fprintf(stderr, "sandboxcmp: the sandboxed noop failed\n");
		cx_process_release(p);
		return -1;
	}
	cx_process_release(p);
	return 0;
}

static double run(struct entry *e, const posix_spawn_file_actions_t *fa)
{
	double t0 = sb_now_us();

	if (e->argv[0])
		return sb_cmd_run(e->name, e->argv, fa);
	if (lib_once() < 0)
		exit(1);
	return sb_now_us() - t0;
}

static void usage(void)
{
	fprintf(stderr, "usage: sandboxcmp [-n RUNS] [-w WARMUP] [NAME 'COMMAND']...\n"
			"       sandboxcmp --once\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static char self[4096];
	struct entry e[MAX_ENTRIES] = { { 0 } };
	posix_spawn_file_actions_t fa;
	int runs = 200, warmup = 10, n = 2, i = 1;
	ssize_t len;

	noop = sb_beside_self("noop");
	sb_sandbox_attr(&sandbox, noop);
	if (argc == 2 && !strcmp(argv[1], "--once"))
		return lib_once() < 0;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-n"))
			runs = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-w"))
			warmup = atoi(argv[i + 1]);
		else
			usage();
	}
	if (runs < 1 || (argc - i) % 2 || (argc - i) / 2 > MAX_ENTRIES - 2)
		usage();
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		usage();
	self[len] = 0;
	e[0].name = "library";
	e[1].name = "library+process";
	e[1].argv[0] = self;
	e[1].argv[1] = "--once";
	for (; i < argc; i += 2, n++) {
		e[n].name = argv[i];
		sb_cmd_split(e[n].name, e[n].argv, MAX_ARGS, argv[i + 1]);
	}
	for (int k = 0; k < n; k++) {
		e[k].lat = calloc((size_t)runs, sizeof(double));
		if (!e[k].lat)
			return 1;
	}
	sb_cmd_quiet(&fa);
	for (int r = 0; r < warmup + runs; r++)
		for (int k = 0; k < n; k++) {
			struct entry *x = &e[(r + k) % n];
			double t = run(x, &fa);

			if (r >= warmup)
				x->lat[x->n++] = t;
		}
	for (int k = 0; k < n; k++) {
		sb_sort(e[k].lat, (size_t)e[k].n);
		printf("%s\t%.1f\t%.1f\t%d\n", e[k].name, sb_quantile(e[k].lat, (size_t)e[k].n, 0.5),
		       sb_quantile(e[k].lat, (size_t)e[k].n, 0.99), e[k].n);
	}
	return 0;
}
