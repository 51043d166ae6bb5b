/* SPDX-License-Identifier: MIT */
/*
 * spawnbench: spawn and reap a no-op static program by every method, at
 * several parent memory sizes and thread counts, in one run.
 *
 * Fairness: for each (memory, threads) the methods take turns in short time
 * slices, round after round, the first method of each round rotating, so
 * machine noise (other jobs, frequency changes) falls on all of them alike.
 * Round 0 is a warm-up and is not counted. Nothing is pinned.
 *
 *   spawnbench [--quick] [--out DIR] [--mem MiB,...] [--threads N,...]
 *              [--rounds N] [--slice-ms MS] [--settle-ms MS] [--memcheck N]
 *              [--only NAME,...] [--thp] [--slices FILE]
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawnbench.h"

extern char **environ;

struct options {
	int nmem, nthr;
	long mem_mib[SB_MAX_LEVELS];
	int threads[SB_MAX_LEVELS];
	int rounds;
	double slice_us;
	double settle_ms;      /* between slices, off the clock (sb_settle) */
	const char *slices;     /* --slices FILE: one line per measured slice */
	long memcheck;
	const char *only;
	const char *out;
	int thp;
	int quick;
};

static struct sb_worker trial_worker;
static char trial_stack[SB_STACK_SIZE] __attribute__((aligned(64)));

struct sb_cell *sb_cell(struct sb_results *res, int mi, int ti, int m)
{
	return &res->cells[((size_t)mi * (size_t)res->nthr + (size_t)ti) * (size_t)sb_nmethods +
			   (size_t)m];
}

/* A slice: method m on threads[ti] threads of memory level mi. */
struct slot {
	int mi, ti, m;
};

/* Every round runs every slot once, in a new random order (fixed seed, so
 * runs are comparable); round 0 is the warm-up, with shorter slices. */
/* fork copies the parent's page tables: with memory, one spawn takes
 * 0.05-1 s on a 2-CPU VM, and 2 or 4 threads of it would take most of the
 * run's time. It is a baseline without a target: above the first memory
 * level it runs with one thread only. */
static int fork_skipped(const struct sb_results *res, int mi, int ti, int m)
{
	return mi > 0 && res->threads[ti] > 1 && !strcmp(sb_methods[m].name, "fork");
}

/* --slices: what each slice measured and which method ran just before it,
 * to see what a slice inherits from the previous one. */
static void slice_line(FILE *f, int round, const struct slot *s, int prev,
		       const struct sb_cell *c, size_t from)
{
	size_t n = c->n - from, k = n < 10 ? n : 10;
	double *v = malloc((n + 1) * sizeof(*v));

	if (!f || !v || !n) {
		free(v);
		return;
	}
	memcpy(v, c->lat + from, n * sizeof(*v));
	sb_sort(v, k);
	fprintf(f, "%d,%d,%d,%s,%s,%zu,%.2f,", round, s->mi, s->ti, sb_methods[s->m].name,
		prev >= 0 ? sb_methods[prev].name : "-", n, sb_quantile(v, k, 0.5));
	sb_sort(v, n);
	fprintf(f, "%.2f\n", sb_quantile(v, n, 0.5));
	free(v);
}

static int run_rounds(struct sb_results *res, struct sb_level *levels, const struct options *o)
{
	size_t nslots = 0, total = (size_t)res->nmem * (size_t)res->nthr * (size_t)sb_nmethods;
	struct slot *slots = calloc(total, sizeof(*slots));
	unsigned seed = 4;
	FILE *sf = o->slices ? fopen(o->slices, "we") : NULL;
	int prev = -1;

	if (sf)
		fprintf(sf, "round,mem,thr,method,previous,n,median_first10_us,median_us\n");

	if (!slots)
		return -1;
	for (int mi = 0; mi < res->nmem; mi++)
		for (int ti = 0; ti < res->nthr; ti++)
			for (int m = 0; m < sb_nmethods; m++)
				if (res->avail[m] && !fork_skipped(res, mi, ti, m))
					slots[nslots++] = (struct slot){ mi, ti, m };
	for (int round = 0; round <= o->rounds; round++) {
		fprintf(stderr, "spawnbench: round %d of %d%s\n", round, o->rounds,
			round ? "" : " (warm-up)");
		for (size_t i = nslots - 1; i > 0; i--) {
			size_t j = (size_t)rand_r(&seed) % (i + 1);
			struct slot t = slots[i];

			slots[i] = slots[j];
			slots[j] = t;
		}
		for (size_t i = 0; i < nslots; i++) {
			struct slot *s = &slots[i];
			struct sb_cell *c = round ? sb_cell(res, s->mi, s->ti, s->m) : NULL;
			size_t from = c ? c->n : 0;

			sb_settle(o->settle_ms);
			if (sb_level_slice(&levels[s->mi], s->m, res->threads[s->ti],
					   round ? o->slice_us : o->slice_us / 4, c) < 0) {
				free(slots);
				return -1;
			}
			if (c)
				slice_line(sf, round, s, prev, c, from);
			prev = s->m;
		}
	}
	if (sf)
		fclose(sf);
	free(slots);
	return 0;
}

static int parse_list(const char *s, long *v, int max)
{
	int n = 0;
	char *end;

	while (*s && n < max) {
		v[n++] = strtol(s, &end, 10);
		if (end == s)
			return -1;
		s = *end == ',' ? end + 1 : end;
	}
	return *s ? -1 : n;
}

static void usage(void)
{
	fprintf(stderr, "usage: spawnbench [--quick] [--out DIR] [--mem MiB,...] "
			"[--threads N,...] [--rounds N] [--slice-ms MS] [--settle-ms MS] "
			"[--memcheck N] [--only NAME,...] [--thp] [--slices FILE]\n");
	exit(2);
}

static void parse_options(struct options *o, int argc, char **argv)
{
	long v[SB_MAX_LEVELS];

	*o = (struct options){ .nmem = 3, .mem_mib = { 0, 1024, 4096 }, .nthr = 3,
			       .threads = { 1, 2, 4 }, .rounds = 24, .slice_us = 30000, .settle_ms = 2,
			       .memcheck = 100000, .out = "bench/results" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quick")) {
			o->quick = 1;
			o->nmem = 2;
			o->rounds = 10;
			o->slice_us = 10000;
			o->memcheck = 10000;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			usage();
		if (!strcmp(a, "--thp")) {
			o->thp = 1;
			continue;
		}
		if (!arg)
			usage();
		i++;
		if (!strcmp(a, "--out")) {
			o->out = arg;
		} else if (!strcmp(a, "--only")) {
			o->only = arg;
		} else if (!strcmp(a, "--rounds")) {
			o->rounds = atoi(arg);
		} else if (!strcmp(a, "--slice-ms")) {
			o->slice_us = atof(arg) * 1000;
		} else if (!strcmp(a, "--slices")) {
			o->slices = arg;
		} else if (!strcmp(a, "--settle-ms")) {
			o->settle_ms = atof(arg);
		} else if (!strcmp(a, "--memcheck")) {
			o->memcheck = atol(arg);
		} else if (!strcmp(a, "--mem")) {
			o->nmem = parse_list(arg, o->mem_mib, SB_MAX_LEVELS);
			if (o->nmem <= 0)
				usage();
		} else if (!strcmp(a, "--threads")) {
			o->nthr = parse_list(arg, v, SB_MAX_LEVELS);
			if (o->nthr <= 0)
				usage();
			for (int k = 0; k < o->nthr; k++) {
				if (v[k] < 1 || v[k] > SB_MAX_THREADS)
					usage();
				o->threads[k] = (int)v[k];
			}
		} else {
			usage();
		}
	}
	if (o->rounds < 1 || o->slice_us <= 0)
		usage();
}

static int selected(const char *only, const char *name)
{
	size_t len = strlen(name);

	for (const char *s = only; s && *s;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);

		if (n == len && !strncmp(s, name, n))
			return 1;
		s = comma ? comma + 1 : s + n;
	}
	return !only;
}

/* One spawn of every method: a method that cannot run here is left out
 * (and said so) rather than failing the whole run. */
static void trial(struct sb_results *res, const char *only)
{
	for (int m = 0; m < sb_nmethods; m++) {
		if (!selected(only, sb_methods[m].name))
			continue;
		res->avail[m] = sb_methods[m].spawn_reap(&sb_methods[m], &trial_worker) == 0;
		if (!res->avail[m])
			fprintf(stderr, "spawnbench: %s does not work here: left out\n",
				sb_methods[m].name);
	}
}

int main(int argc, char **argv)
{
	struct sb_level levels[SB_MAX_LEVELS];
	struct sb_results res = { 0 };
	struct options o;
	int r;
	char path[PATH_MAX];
	int memok = 1;

	parse_options(&o, argc, argv);
	sb_env.noop = sb_beside_self("noop");
	sb_env.argv[0] = "noop";
	sb_env.envp = environ;
	sb_env.uid = getuid();
	sb_env.gid = getgid();
	trial_worker.stack = trial_stack;
	sb_floor_setup();
	if (sb_methods_setup() < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/bench.txt", o.out);
	sb_out_open(path);
	snprintf(path, sizeof(path),
		 "%s, %d rounds of %.0f ms slices + 1 warm-up round, %.0f ms settle between slices",
		 o.quick ? "quick" : "full", o.rounds, o.slice_us / 1000, o.settle_ms);
	sb_report_header(path);

	res.nmem = o.nmem;
	res.nthr = o.nthr;
	memcpy(res.mem_mib, o.mem_mib, sizeof(res.mem_mib));
	memcpy(res.threads, o.threads, sizeof(res.threads));
	res.cells = calloc((size_t)res.nmem * (size_t)res.nthr * (size_t)sb_nmethods,
			   sizeof(*res.cells));
	if (!res.cells)
		return 1;
	trial(&res, o.only);

	/* The memory check first, while the parent is small and quiet. */
	if (o.memcheck > 0) {
		snprintf(path, sizeof(path), "%s/memcheck.csv", o.out);
		memok = sb_memcheck(o.memcheck, path);
		if (memok < 0)
			return 1;
	}
	/* All levels at once (forked while this process has no threads). */
	for (int mi = 0; mi < res.nmem; mi++) {
		fprintf(stderr, "spawnbench: touching %ld MiB...\n", res.mem_mib[mi]);
		if (sb_level_start(&levels[mi], res.mem_mib[mi], o.thp) < 0)
			return 1;
		res.rss_mib[mi] = levels[mi].rss_mib;
	}
	r = run_rounds(&res, levels, &o);
	for (int mi = 0; mi < res.nmem; mi++)
		sb_level_stop(&levels[mi]);
	if (r < 0)
		return 1;
	sb_report(&res, o.out);
	sb_methods_teardown();
	return 0;
}
