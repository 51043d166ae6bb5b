/* SPDX-License-Identifier: MIT */
/*
 * The report: a table for people, the same as CSV, gnuplot data, and the
 * targets of issue 4 with PASS/MISS and the measured ratio. Every ratio
 * compares medians measured in the same run at the same memory and thread
 * count.
 */
#include <gnu/libc-version.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "clonexec.h"
#include "spawnbench.h"

static void first_line(const char *path, const char *key, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[512];

	snprintf(buf, len, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *src = line, *colon = strchr(line, ':');
		size_t n;

		if (key && (strncmp(line, key, strlen(key)) || !colon))
			continue;
		if (key)
			src = colon + 1 + strspn(colon + 1, " \t");
		n = strcspn(src, "\n");
		if (n >= len)
			n = len - 1;
		memcpy(buf, src, n);
		buf[n] = 0;
		break;
	}
	fclose(f);
}

void sb_report_header(const char *mode)
{
	struct utsname u;
	char cpu[256], thp[128], load[128], date[64];
	time_t now = time(NULL);

	uname(&u);
	first_line("/proc/cpuinfo", "model name", cpu, sizeof(cpu));
	first_line("/sys/kernel/mm/transparent_hugepage/enabled", NULL, thp, sizeof(thp));
	first_line("/proc/loadavg", NULL, load, sizeof(load));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %z", localtime(&now));
	sb_out("spawnbench (%s), %s\n", mode, date);
	sb_out("machine: Linux %s %s, %ld CPUs (%s), glibc %s, libclonexec %s\n", u.release,
	       u.machine, sysconf(_SC_NPROCESSORS_ONLN), cpu, gnu_get_libc_version(),
	       cx_version());
	sb_out("THP: %s; load average at start: %s\n\n", thp, load);
}

static int method_index(const char *name)
{
	for (int m = 0; m < sb_nmethods; m++)
		if (!strcmp(sb_methods[m].name, name))
			return m;
	return -1;
}

static const struct sb_cell *cell_named(struct sb_results *res, int mi, int ti, const char *name)
{
	int m = method_index(name);

	if (m < 0 || mi < 0 || ti < 0 || !res->avail[m])
		return NULL;
	const struct sb_cell *c = sb_cell(res, mi, ti, m);

	return c->n ? c : NULL;
}

static double median_of(struct sb_results *res, int mi, int ti, const char *name)
{
	const struct sb_cell *c = cell_named(res, mi, ti, name);

	return c ? c->median : 0;
}

static double throughput(const struct sb_cell *c)
{
	return c && c->wall_us > 0 ? (double)c->n / (c->wall_us / 1e6) : 0;
}

/* The floor of a row: the cheapest raw method for the same kernel work. */
static double floor_median(struct sb_results *res, int mi, int ti, enum sb_floor f)
{
	double best = 0;

	for (int m = 0; m < sb_nmethods; m++) {
		const struct sb_cell *c = sb_cell(res, mi, ti, m);

		if (sb_methods[m].kind != SB_FLOOR || sb_methods[m].floor != f || !c->n)
			continue;
		if (best == 0 || c->median < best)
			best = c->median;
	}
	return best;
}

static int thread_index(struct sb_results *res, int nthreads)
{
	for (int ti = 0; ti < res->nthr; ti++)
		if (res->threads[ti] == nthreads)
			return ti;
	return -1;
}

static void compute(struct sb_results *res)
{
	for (int mi = 0; mi < res->nmem; mi++)
		for (int ti = 0; ti < res->nthr; ti++)
			for (int m = 0; m < sb_nmethods; m++) {
				struct sb_cell *c = sb_cell(res, mi, ti, m);
				double sum = 0;

				sb_sort(c->lat, c->n);
				for (size_t i = 0; i < c->n; i++)
					sum += c->lat[i];
				c->median = sb_quantile(c->lat, c->n, 0.5);
				c->p99 = sb_quantile(c->lat, c->n, 0.99);
				c->mean = c->n ? sum / (double)c->n : 0;
			}
}

static void ratio_text(char *buf, size_t len, double x, double base)
{
	if (x > 0 && base > 0)
		snprintf(buf, len, "%.2f", x / base);
	else
		snprintf(buf, len, "-");
}

static void table(struct sb_results *res, FILE *csv)
{
	fprintf(csv, "method,kind,mem_mib,rss_mib,threads,n,fails,median_us,p99_us,mean_us,"
		     "spawns_per_s,x_posix_spawn,x_floor,x_cx\n");
	sb_out("%-17s %6s %3s %7s %10s %10s %10s %8s %7s %6s\n", "method", "memory", "thr", "n",
	       "median_us", "p99_us", "spawns/s", "x_posix", "x_floor", "x_cx");
	for (int mi = 0; mi < res->nmem; mi++) {
		for (int ti = 0; ti < res->nthr; ti++) {
			double ps = median_of(res, mi, ti, "posix_spawn");
			double cx = median_of(res, mi, ti, "cx");

			for (int m = 0; m < sb_nmethods; m++) {
				const struct sb_method *me = &sb_methods[m];
				const struct sb_cell *c = sb_cell(res, mi, ti, m);
				double fl = floor_median(res, mi, ti, me->floor);
				char rp[16], rf[16], rc[16], mem[16];

				if (!c->n)
					continue;
				ratio_text(rp, sizeof(rp), c->median, ps);
				ratio_text(rf, sizeof(rf), c->median, fl);
				ratio_text(rc, sizeof(rc), me->kind == SB_LIB ? c->median : 0, cx);
				snprintf(mem, sizeof(mem), "%gG", (double)res->mem_mib[mi] / 1024);
				sb_out("%-17s %6s %3d %7zu %10.1f %10.1f %10.0f %8s %7s %6s%s\n", me->name,
				       mem, res->threads[ti], c->n, c->median, c->p99, throughput(c), rp,
				       rf, rc, c->fails ? "  (failures!)" : "");
				fprintf(csv, "%s,%s,%ld,%ld,%d,%zu,%ld,%.2f,%.2f,%.2f,%.1f,%s,%s,%s\n",
					me->name,
					me->kind == SB_LIB ? "libclonexec" :
					me->kind == SB_BASE ? "baseline" : "floor",
					res->mem_mib[mi], res->rss_mib[mi], res->threads[ti], c->n,
					c->fails, c->median, c->p99, c->mean, throughput(c),
					strcmp(rp, "-") ? rp : "", strcmp(rf, "-") ? rf : "",
					strcmp(rc, "-") ? rc : "");
			}
			sb_out("\n");
		}
	}
}

/* One gnuplot block per method, titled by its name: cost against memory
 * at one thread. attr: issues 9-11's rows with cx beside them, else the rest. */
static void plot_mem(struct sb_results *res, const char *path, int attr, int t1)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return;
	for (int m = 0, first = 1; m < sb_nmethods; m++) {
		if (!res->avail[m] || (attr ? !sb_methods[m].attr_row && strcmp(sb_methods[m].name, "cx")
					    : sb_methods[m].attr_row))
			continue;
		fprintf(f, "%s\"%s\"\n", first ? "" : "\n\n", sb_methods[m].name);
		first = 0;
		for (int mi = 0; mi < res->nmem; mi++) {
			const struct sb_cell *c = sb_cell(res, mi, t1, m);

			fprintf(f, "%g %.2f %.2f\n", (double)res->mem_mib[mi] / 1024, c->median,
				c->p99);
		}
	}
	fclose(f);
}

static void plot_data(struct sb_results *res, const char *dir)
{
	char path[4096];
	int t1 = thread_index(res, 1) >= 0 ? thread_index(res, 1) : 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/plot-mem.dat", dir);
	plot_mem(res, path, 0, t1);
	snprintf(path, sizeof(path), "%s/plot-attr.dat", dir);
	plot_mem(res, path, 1, t1);
	snprintf(path, sizeof(path), "%s/plot-threads.dat", dir);
	f = fopen(path, "we");
	if (!f)
		return;
	for (int m = 0, first = 1; m < sb_nmethods; m++) {
		if (!res->avail[m] || sb_methods[m].attr_row)
			continue;
		fprintf(f, "%s\"%s\"\n", first ? "" : "\n\n", sb_methods[m].name);
		first = 0;
		for (int ti = 0; ti < res->nthr; ti++)
			fprintf(f, "%d %.1f\n", res->threads[ti], throughput(sb_cell(res, 0, ti, m)));
	}
	fclose(f);
}

static int npass, nmiss;

void sb_tally(int pass)
{
	if (pass)
		npass++;
	else
		nmiss++;
}

static void verdict(const char *what, double x, double bound, int at_most, const char *where)
{
	int pass = at_most ? x <= bound : x >= bound;

	if (x <= 0) {
		sb_out("TARGET %-46s %s %.2f: not measured  SKIP\n", what, at_most ? "<=" : ">=",
		       bound);
		return;
	}
	sb_tally(pass);
	sb_out("TARGET %-46s %s %.2f: measured %.2f  %s\n", what, at_most ? "<=" : ">=", bound,
	       x, pass ? "PASS" : "MISS");
	if (where)
		sb_out("       %s\n", where);
}

/* The worst ratio a/b over the memory levels at one thread. */
static double worst_over_memory(struct sb_results *res, const char *a, enum sb_floor f,
				const char *b, char *where, size_t len)
{
	int t1 = thread_index(res, 1);
	double worst = 0;

	for (int mi = 0; mi < res->nmem; mi++) {
		double x = median_of(res, mi, t1, a);
		double y = b ? median_of(res, mi, t1, b) : floor_median(res, mi, t1, f);

		if (x <= 0 || y <= 0)
			return 0;
		if (x / y > worst) {
			worst = x / y;
			snprintf(where, len, "(worst of all memory levels: at %g GiB, %.1f vs %.1f us)",
				 (double)res->mem_mib[mi] / 1024, x, y);
		}
	}
	return worst;
}

static void targets(struct sb_results *res)
{
	int t1 = thread_index(res, 1), t2 = thread_index(res, 2), top = res->nmem - 1;
	char where[160], what[96];
	double x;

	sb_out("Targets (issue 4); ratios of medians, 1 thread unless said:\n");
	x = worst_over_memory(res, "cx", SB_FLOOR_PLAIN, "posix_spawn", where, sizeof(where));
	verdict("cx (no attributes) / posix_spawn", x, 0.75, 1, where);
	x = worst_over_memory(res, "cx", SB_FLOOR_PLAIN, NULL, where, sizeof(where));
	verdict("cx (no attributes) / floor", x, 1.10, 1, where);
	x = worst_over_memory(res, "cx-userpid", SB_FLOOR_USERPID, NULL, where, sizeof(where));
	verdict("cx-userpid / cheaper of floor-userpid-pm,-sm", x, 1.10, 1, where);
	for (int m = 0; m < sb_nmethods && top > 0; m++) {
		double a, b;

		if (sb_methods[m].kind != SB_LIB)
			continue;
		a = median_of(res, top, t1, sb_methods[m].name);
		b = median_of(res, 0, t1, sb_methods[m].name);
		snprintf(what, sizeof(what), "%s at %g GiB / at %g GiB", sb_methods[m].name,
			 (double)res->mem_mib[top] / 1024, (double)res->mem_mib[0] / 1024);
		snprintf(where, sizeof(where), "(%.1f vs %.1f us)", a, b);
		verdict(what, a > 0 && b > 0 ? a / b : 0, 1.2, 1, where);
	}
	if (t1 >= 0 && t2 >= 0) {
		double a = throughput(cell_named(res, 0, t2, "cx"));
		double b = throughput(cell_named(res, 0, t1, "cx"));

		snprintf(where, sizeof(where), "(%.0f vs %.0f spawns/s at %g GiB)", a, b,
			 (double)res->mem_mib[0] / 1024);
		verdict("cx throughput, 2 threads / 1 thread", a > 0 && b > 0 ? a / b : 0, 1.6, 0,
			where);
		sb_out("       for comparison, 2 threads / 1 thread:");
		for (int m = 0; m < sb_nmethods; m++) {
			a = throughput(sb_cell(res, 0, t2, m));
			b = throughput(sb_cell(res, 0, t1, m));
			if (a > 0 && b > 0 && strcmp(sb_methods[m].name, "cx"))
				sb_out(" %s %.2f", sb_methods[m].name, a / b);
		}
		sb_out("\n");
	}
	x = worst_over_memory(res, "cx-6ns", SB_FLOOR_ALLNS, NULL, where, sizeof(where));
	if (x > 0)
		sb_out("info   cx-6ns / cheaper of floor-6ns-pm,-sm (no target): %.2f %s\n", x, where);
}

void sb_report(struct sb_results *res, const char *dir)
{
	char path[4096], load[128];
	FILE *csv;

	compute(res);
	snprintf(path, sizeof(path), "%s/bench.csv", dir);
	csv = fopen(path, "we");
	if (!csv) {
		perror(path);
		exit(1);
	}
	sb_out("\nSpawn + reap of a no-op static program; memory = touched anonymous memory of "
	       "the parent\n(RSS: ");
	for (int mi = 0; mi < res->nmem; mi++)
		sb_out("%s%ld MiB", mi ? ", " : "", res->rss_mib[mi]);
	sb_out("); thr = threads spawning at once; x_posix / x_floor = median over the same "
	       "row's\nposix_spawn / floor median (same memory and threads). What each row does: "
	       "bench/README.md.\n\n");
	table(res, csv);
	fclose(csv);
	plot_data(res, dir);
	targets(res);
	first_line("/proc/loadavg", NULL, load, sizeof(load));
	sb_out("C benchmark: %d PASS, %d MISS; load average at end: %s\n", npass, nmiss, load);
}
