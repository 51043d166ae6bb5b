/* SPDX-License-Identifier: MIT */
/*
 * cmdtime: time two commands over many alternating runs (A B, B A, A B...,
 * so neither always runs second), each spawned with posix_spawnp and reaped,
 * output to /dev/null. Prints, tab-separated: name, median µs, p99 µs, runs
 * for each, then "ratio" and median(A) / median(B).
 *
 *   cmdtime [-n RUNS] [-w WARMUP] NAME_A 'COMMAND A' NAME_B 'COMMAND B'
 * Commands are split at spaces (no quoting).
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawnbench.h"

#define MAX_ARGS 32

struct cmd {
	const char *name;
	char *argv[MAX_ARGS + 1];
	double *lat;
	int n;
};

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	struct cmd cmd[2] = { { 0 }, { 0 } };
	int runs = 200, warmup = 10, opt;
	double med[2];

	while ((opt = getopt(argc, argv, "n:w:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'w')
			warmup = atoi(optarg);
		else
			return 2;
	}
	if (argc - optind != 4 || runs < 1) {
		fprintf(stderr, "usage: cmdtime [-n RUNS] [-w WARMUP] NAME_A 'CMD A' NAME_B 'CMD B'\n");
		return 2;
	}
	for (int i = 0; i < 2; i++) {
		cmd[i].name = argv[optind + 2 * i];
		sb_cmd_split(cmd[i].name, cmd[i].argv, MAX_ARGS, argv[optind + 2 * i + 1]);
		cmd[i].lat = calloc((size_t)runs, sizeof(double));
		if (!cmd[i].lat)
			return 1;
	}
	sb_cmd_quiet(&fa);
	for (int i = 0; i < warmup; i++) {
		sb_cmd_run(cmd[i & 1].name, cmd[i & 1].argv, &fa);
		sb_cmd_run(cmd[!(i & 1)].name, cmd[!(i & 1)].argv, &fa);
	}
	for (int i = 0; i < runs; i++) {
		int first = i & 1;

		cmd[first].lat[cmd[first].n++] = sb_cmd_run(cmd[first].name, cmd[first].argv, &fa);
		cmd[!first].lat[cmd[!first].n++] =
			sb_cmd_run(cmd[!first].name, cmd[!first].argv, &fa);
	}
	for (int i = 0; i < 2; i++) {
		sb_sort(cmd[i].lat, (size_t)cmd[i].n);
		med[i] = sb_quantile(cmd[i].lat, (size_t)cmd[i].n, 0.5);
		printf("%s\t%.1f\t%.1f\t%d\n", cmd[i].name, med[i],
		       sb_quantile(cmd[i].lat, (size_t)cmd[i].n, 0.99), cmd[i].n);
	}
	printf("ratio\t%.3f\n", med[0] / med[1]);
	return 0;
}
