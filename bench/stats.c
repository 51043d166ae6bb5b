/* SPDX-License-Identifier: MIT */
/* Clock, order statistics, a growing array, the parent's RSS, and the
 * report printer every bench program shares. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spawnbench.h"

double sb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void sb_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

/* Nearest-rank quantile of sorted values (q in [0, 1]); 0 when empty. */
double sb_quantile(const double *sorted, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(q * (double)n);
	if (i >= n)
		i = n - 1;
	return sorted[i];
}

void sb_push(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v) {
			perror("bench: realloc");
			exit(1);
		}
	}
	(*v)[(*n)++] = x;
}

long sb_rss_kib(void)
{
	long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static FILE *txt;

void sb_out_open(const char *path)
{
	txt = fopen(path, "we");
	if (!txt)
		perror(path);
}

void sb_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (txt) {
		va_start(ap, fmt);
		vfprintf(txt, fmt, ap);
		va_end(ap);
		fflush(txt);
	}
	fflush(stdout);
}

/* Between two measured slices: leave the CPUs, off the clock, to the work
 * the kernel defers from the last one (exited tasks, credentials, pids and
 * namespaces are freed after an RCU grace period, user namespaces then in a
 * workqueue), so that the next slice does not pay for it. A sleep rather
 * than synchronize_rcu() (membarrier(MEMBARRIER_CMD_GLOBAL)): that takes
 * 15-20 ms on a busy 2-CPU machine, longer than the slice. */
void sb_settle(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	nanosleep(&ts, NULL);
}

/* The path of a program built beside this one (build/bench/noop, ...), or
 * exit saying why: every bench program finds its children this way. */
const char *sb_beside_self(const char *name)
{
	char *path = malloc(PATH_MAX);
	ssize_t n = path ? readlink("/proc/self/exe", path, PATH_MAX - 64) : -1;

	if (n < 0 || strlen(name) > 32) {
		perror("bench: /proc/self/exe");
		exit(1);
	}
	path[n] = 0;
	strcpy(strrchr(path, '/') + 1, name);
	if (access(path, X_OK) < 0) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return path;
}
