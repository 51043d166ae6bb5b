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
 *              [--rounds N] [--slice-ms MS] [--memcheck N] [--only NAME,...] [--thp]
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "spawnbench.h"

extern char **environ;

struct options {
	int nmem, nthr;
	long mem_mib[SB_MAX_LEVELS];
	int threads[SB_MAX_LEVELS];
	int rounds;
	double slice_us;
	long memcheck;
	const char *only;
	const char *out;
	int thp;
	int quick;
};

/* What the coordinator tells the spawning threads for one slice. */
static struct {
	pthread_barrier_t start, end;
	int method;             /* -1: quit */
	double deadline;
	int error;
} slice;

static struct sb_worker workers[SB_MAX_THREADS];
static char stacks[SB_MAX_THREADS][SB_STACK_SIZE] __attribute__((aligned(64)));

struct sb_cell *sb_cell(struct sb_results *res, int mi, int ti, int m)
{
	return &res->cells[((size_t)mi * (size_t)res->nthr + (size_t)ti) * (size_t)sb_nmethods +
			   (size_t)m];
}

static void push(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v) {
			perror("spawnbench: realloc");
			exit(1);
		}
	}
	(*v)[(*n)++] = x;
}

static void *worker_main(void *arg)
{
	struct sb_worker *w = arg;

	for (;;) {
		pthread_barrier_wait(&slice.start);
		if (slice.method < 0)
			return NULL;
		const struct sb_method *m = &sb_methods[slice.method];
		double t0, t1;

		w->nlat = 0;
		do {
			t0 = sb_now_us();
			if (m->spawn_reap(w) < 0) {
				__atomic_store_n(&slice.error, 1, __ATOMIC_RELAXED);
				break;
			}
			t1 = sb_now_us();
			push(&w->lat, &w->nlat, &w->caplat, t1 - t0);
		} while (t1 < slice.deadline);
		pthread_barrier_wait(&slice.end);
	}
}

/* One slice of method m on nthr threads; the latencies go to cell c. */
static void run_slice(int m, int nthr, double slice_us, struct sb_cell *c)
{
	double t0, t1;

	slice.method = m;
	slice.error = 0;
	t0 = sb_now_us();
	slice.deadline = t0 + slice_us;
	pthread_barrier_wait(&slice.start);
	pthread_barrier_wait(&slice.end);
	t1 = sb_now_us();
	if (!c)
		return;
	c->wall_us += t1 - t0;
	for (int i = 0; i < nthr; i++)
		for (size_t k = 0; k < workers[i].nlat; k++)
			push(&c->lat, &c->n, &c->cap, workers[i].lat[k]);
	if (slice.error)
		c->fails++;
}

static void run_config(struct sb_results *res, const struct options *o, int mi, int ti)
{
	int nthr = res->threads[ti];
	pthread_t tid[SB_MAX_THREADS];

	pthread_barrier_init(&slice.start, NULL, (unsigned)nthr + 1);
	pthread_barrier_init(&slice.end, NULL, (unsigned)nthr + 1);
	for (int i = 0; i < nthr; i++)
		if (pthread_create(&tid[i], NULL, worker_main, &workers[i])) {
			fprintf(stderr, "spawnbench: pthread_create failed\n");
			exit(1);
		}
	for (int round = 0; round <= o->rounds; round++) {
		for (int k = 0; k < sb_nmethods; k++) {
			int m = (k + round) % sb_nmethods;

			if (!res->avail[m])
				continue;
			run_slice(m, nthr, o->slice_us, round ? sb_cell(res, mi, ti, m) : NULL);
		}
	}
	slice.method = -1;
	pthread_barrier_wait(&slice.start);
	for (int i = 0; i < nthr; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&slice.start);
	pthread_barrier_destroy(&slice.end);
}

static long rss_mib(void)
{
	long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

/* Grow the parent's touched anonymous memory to mib MiB. Small pages unless
 * --thp: a real heap is rarely all huge pages, and fork's cost is per PTE. */
static void grow_memory(long mib, int thp)
{
	static long have;
	size_t len;
	char *p;

	if (mib <= have)
		return;
	len = (size_t)(mib - have) << 20;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("spawnbench: mmap");
		exit(1);
	}
	if (!thp)
		madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);
	have = mib;
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
			"[--threads N,...] [--rounds N] [--slice-ms MS] [--memcheck N] "
			"[--only NAME,...] [--thp]\n");
	exit(2);
}

static void parse_options(struct options *o, int argc, char **argv)
{
	long v[SB_MAX_LEVELS];

	*o = (struct options){ .nmem = 3, .mem_mib = { 0, 1024, 4096 }, .nthr = 3,
			       .threads = { 1, 2, 4 }, .rounds = 8, .slice_us = 100000,
			       .memcheck = 100000, .out = "bench/results" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quick")) {
			o->quick = 1;
			o->nmem = 2;
			o->rounds = 4;
			o->slice_us = 25000;
			o->memcheck = 10000;
			continue;
		}
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
		res->avail[m] = sb_methods[m].spawn_reap(&workers[0]) == 0;
		if (!res->avail[m])
			fprintf(stderr, "spawnbench: %s does not work here: left out\n",
				sb_methods[m].name);
	}
}

static void find_noop(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 16);
	char *slash;

	if (n < 0) {
		perror("spawnbench: /proc/self/exe");
		exit(1);
	}
	path[n] = 0;
	slash = strrchr(path, '/');
	strcpy(slash + 1, "noop");
	if (access(path, X_OK) < 0) {
		fprintf(stderr, "spawnbench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	sb_env.noop = path;
}

int main(int argc, char **argv)
{
	struct sb_results res = { 0 };
	struct options o;
	char path[PATH_MAX];
	int memok = 1;

	parse_options(&o, argc, argv);
	find_noop();
	sb_env.argv[0] = "noop";
	sb_env.envp = environ;
	sb_env.uid = getuid();
	sb_env.gid = getgid();
	for (int i = 0; i < SB_MAX_THREADS; i++) {
		workers[i].id = i;
		workers[i].stack = stacks[i];
	}
	sb_floor_setup();
	if (sb_methods_setup() < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/bench.txt", o.out);
	sb_out_open(path);
	snprintf(path, sizeof(path), "%s, %d rounds of %.0f ms slices + 1 warm-up round",
		 o.quick ? "quick" : "full", o.rounds, o.slice_us / 1000);
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
	for (int mi = 0; mi < res.nmem; mi++) {
		grow_memory(res.mem_mib[mi], o.thp);
		res.rss_mib[mi] = rss_mib();
		for (int ti = 0; ti < res.nthr; ti++) {
			fprintf(stderr, "spawnbench: %ld MiB (RSS %ld MiB), %d thread(s)...\n",
				res.mem_mib[mi], res.rss_mib[mi], res.threads[ti]);
			run_config(&res, &o, mi, ti);
		}
	}
	sb_report(&res, o.out);
	sb_methods_teardown();
	return 0;
}
