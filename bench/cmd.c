/* SPDX-License-Identifier: MIT */
/* A command as cmdtime and sandboxcmp time it: split at spaces (no
 * quoting), spawned with posix_spawnp, stdout and stderr on /dev/null,
 * reaped, and it must exit 0. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "spawnbench.h"

extern char **environ;

void sb_cmd_split(const char *who, char **argv, int max, char *text)
{
	int n = 0;

	for (char *tok = strtok(text, " "); tok && n < max; tok = strtok(NULL, " "))
		argv[n++] = tok;
	argv[n] = NULL;
	if (!n) {
		fprintf(stderr, "bench: empty command for %s\n", who);
		exit(2);
	}
}

double sb_cmd_run(const char *who, char *const *argv, const posix_spawn_file_actions_t *fa)
{
	double t0 = sb_now_us();
	int status, r;
	pid_t pid;

	r = posix_spawnp(&pid, argv[0], fa, NULL, argv, environ);
	if (r) {
		fprintf(stderr, "bench: %s: %s\n", argv[0], strerror(r));
		exit(1);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench: %s failed (status 0x%x)\n", who, status);
		exit(1);
	}
	return sb_now_us() - t0;
}

void sb_cmd_quiet(posix_spawn_file_actions_t *fa)
{
	posix_spawn_file_actions_init(fa);
	posix_spawn_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(fa, 2, "/dev/null", O_WRONLY, 0);
}
