/* SPDX-License-Identifier: MIT */
/* Clock and order statistics. */
#include <stdlib.h>
#include <time.h>

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
