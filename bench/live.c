/* SPDX-License-Identifier: MIT */
/*
 * livebench: cost as the work grows. A supervisor keeps N children alive at
 * once, then ends them and reaps every one as it ends. Two ways, in the
 * same run, alternating:
 *
 *  cx     cx_spawn each child with CX_ATTR_CLOSE_OTHER_FDS, add its pidfd
 *         to an epoll set; SIGKILL each through its pidfd; reap:
 *         epoll_wait, then cx_process_wait(p, 0) and cx_process_release for
 *         every ready pidfd (the pattern of cx_process_pidfd(3) and
 *         examples/pidfd-epoll.c); cx-inherit the same without attributes.
 *  posix  posix_spawn each child, keep its pid; SIGCHLD blocked and read
 *         from a signalfd in an epoll set; kill(2) each; reap: epoll_wait,
 *         drain the signalfd, waitpid(-1, WNOHANG) until it finds no more.
 *
 * Per N (1, 1,000, 10,000): µs per spawn (each spawn timed alone; for cx
 * it includes the epoll_ctl), µs per reap (wall time of the reap loop from
 * the first kill's end, over N) and the parent's CPU per reap (getrusage),
 * and with all N alive, the parent's memory per live child: RSS (user
 * space: the handles, malloc) and the slab caches the parent's objects live
 * in (machine-wide deltas, so other work on the machine shows up in them;
 * the difference cx - posix is what the pidfds and their epoll items cost).
 *
 *   livebench [--quick] [--out DIR] [--n N,...] [--reps-1 R]
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clonexec.h"
#include "live.h"
#include "spawnbench.h"

#define MAX_N 4
#define NMETHODS 5

/* Slab caches a supervisor's per-child kernel objects come from: the pidfd
 * (filp, pidfs' dentry), its epoll item; pid for comparison. */
static const char *const caches[] = { "filp", "dentry", "eventpoll_epi", "eventpoll_pwq",
				      "pid" };
_Static_assert(sizeof(caches) / sizeof(caches[0]) == NCACHES, "caches");

const char *sleeper;
char *child_argv[] = { "sleeper", NULL };

double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void read_mem(struct mem *m)
{
	char line[512], name[64];
	FILE *f;

	memset(m, 0, sizeof(*m));
	m->rss_kib = sb_rss_kib();
	f = fopen("/proc/meminfo", "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld", &m->slab_kib) == 1)
			break;
	if (f)
		fclose(f);
	f = fopen("/proc/slabinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		long active, total, size;

		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &total, &size) != 4)
			continue;
		for (int i = 0; i < NCACHES; i++)
			if (!strcmp(name, caches[i]))
				m->cache[i] = active * size;
	}
	if (f)
		fclose(f);
}

int fail(const char *what, int e)
{
	fprintf(stderr, "livebench: %s: %s\n", what, strerror(e));
	return -1;
}

/* Wait until the last child killed has ended (without reaping it), and
 * give the others a moment: the reap loop then times the reaping alone,
 * not the kernel's work of killing. */
void all_ended(idtype_t type, id_t id, int n)
{
	siginfo_t si;

	while (waitid(type, id, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	if (n > 1)
		usleep(20000);
}

/* Start n children, each timed alone, with the memory read before and with
 * all of them alive; then end them all, timed as a whole. */
int spawn_all(int n, struct sample *s, int (*one)(int i))
{
	double t0;

	if (n > 1)
		read_mem(&s->before);
	for (int i = 0; i < n; i++) {
		t0 = sb_now_us();
		if (one(i) < 0)
			return -1;
		sb_push(&s->lat, &s->n, &s->cap, sb_now_us() - t0);
	}
	if (n > 1)
		read_mem(&s->alive);
	return 0;
}

int end_all_children(int n, struct sample *s, int (*one)(int i))
{
	double t0 = sb_now_us();

	for (int i = 0; i < n; i++)
		if (one(i) < 0)
			return fail("SIGKILL", errno);
	s->kill_wall += sb_now_us() - t0;
	return 0;
}
/* Room for n pidfds and n processes, or a reason why not. */
static int make_room(int n, char *why, size_t len)
{
	struct rlimit rl;
	long pid_max = 0, tasks = 0, running;
	rlim_t need = (rlim_t)n + 64;
	FILE *f;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < need) {
		if (rl.rlim_max < need)
			rl.rlim_max = need; /* root may raise it; otherwise we say so */
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			snprintf(why, len, "RLIMIT_NOFILE below %lu and not raisable: %s",
				 (unsigned long)need, strerror(errno));
			return -1;
		}
	}
	f = fopen("/proc/sys/kernel/pid_max", "re");
	if (f) {
		if (fscanf(f, "%ld", &pid_max) != 1)
			pid_max = 0;
		fclose(f);
	}
	f = fopen("/proc/loadavg", "re");
	if (f) {
		if (fscanf(f, "%*s %*s %*s %ld/%ld", &running, &tasks) != 2)
			tasks = 0;
		fclose(f);
	}
	if (pid_max && tasks + n + 1000 > pid_max) {
		snprintf(why, len, "pid_max %ld leaves no room for %d more tasks (%ld now)",
			 pid_max, n, tasks);
		return -1;
	}
	return 0;
}

static double median(struct sample *s)
{
	sb_sort(s->lat, s->n);
	return sb_quantile(s->lat, s->n, 0.5);
}

static double mean(const struct sample *s)
{
	double sum = 0;

	for (size_t i = 0; i < s->n; i++)
		sum += s->lat[i];
	return s->n ? sum / (double)s->n : 0;
}

static double per_child(long after, long before, int n)
{
	return n > 0 ? (double)(after - before) / n : 0;
}

/* gnuplot data: a block per method, titled by its name: N, spawn median,
 * reap µs (wall), reap CPU µs. */
static void plot_data(const char *dir, const int *ns, int nn, const char *const *names,
		      struct sample (*smp)[NMETHODS])
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/plot-live.dat", dir);
	f = fopen(path, "we");
	if (!f)
		return;
	for (int m = 0; m < NMETHODS; m++) {
		fprintf(f, "%s\"%s\"\n", m ? "\n\n" : "", names[m]);
		for (int k = 0; k < nn; k++) {
			struct sample *s = &smp[k][m];

			if (ns[k] && s->reaped)
				fprintf(f, "%d %.2f %.2f %.2f\n", ns[k], median(s),
					s->reap_wall / (double)s->reaped,
					s->reap_cpu / (double)s->reaped);
		}
	}
	fclose(f);
}

static void end_all(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
}

int main(int argc, char **argv)
{
	int ns[MAX_N] = { 1, 1000, 10000 }, nn = 3, reps1 = 100, quick = 0;
	const char *out = "bench/results";
	static const char *const names[NMETHODS] = { "cx", "posix", "posix+pidfd",
						     "cx-inherit", "floor-unshare" };
	static int (*const run[NMETHODS])(int, struct sample *) = {
		run_cx, run_posix, run_posix_pidfd, run_cx_inherit, run_floor_unshare
	};
	/* The two rows that explain (the same pattern without the library; the
	 * library with children that inherit every fd) copy the whole fd table
	 * per spawn: at 10,000 that is 1-8 ms a spawn, minutes of the run. */
	static const int max_n[NMETHODS] = { INT_MAX, INT_MAX, 1000, 1000, INT_MAX };
	struct sample smp[MAX_N][NMETHODS];
	char path[PATH_MAX], why[256];
	FILE *csv;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
			nn = 2;
			reps1 = 50;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--reps-1") && i + 1 < argc) {
			reps1 = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--n") && i + 1 < argc) {
			char *s = argv[++i], *end;

			for (nn = 0; *s && nn < MAX_N; s = *end ? end + 1 : end)
				ns[nn++] = (int)strtol(s, &end, 10);
		} else {
			fprintf(stderr, "usage: livebench [--quick] [--out DIR] [--n N,...] "
					"[--reps-1 R]\n");
			return 2;
		}
	}
	sleeper = sb_beside_self("sleeper");
	/* Interrupted with thousands of children alive: take them along. They
	 * are in our process group, which is ours alone. */
	setpgid(0, 0);
	signal(SIGTERM, end_all);
	signal(SIGINT, end_all);
	signal(SIGHUP, end_all);
	memset(smp, 0, sizeof(smp));
	snprintf(path, sizeof(path), "%s/live.txt", out);
	sb_out_open(path);
	sb_out("\nLive children (%s): spawn N long-lived children, keep them all alive, kill "
	       "them, reap each as it ends\n", quick ? "quick" : "full");
	sb_out("  cx: cx_spawn (CX_ATTR_CLOSE_OTHER_FDS) + epoll on pidfds, cx_process_wait(0); "
	       "cx-inherit: the same, no attributes;\n  posix: posix_spawn + SIGCHLD signalfd + "
	       "waitpid loop\n\n");
	for (int k = 0; k < nn; k++) {
		int n = ns[k], reps = n == 1 ? reps1 : n <= 1000 ? (quick ? 2 : 3) : 1;

		if (make_room(n, why, sizeof(why)) < 0) {
			sb_out("live: N = %d skipped: %s\n", n, why);
			ns[k] = 0;
			continue;
		}
		fprintf(stderr, "livebench: %d children, %d rounds\n", n, reps);
		/* Untimed: the first N live children of a run make the kernel
		 * grow its caches (task structs, kernel stacks, pids), which the
		 * rows after reuse; with one round at the largest N, whichever
		 * row went first paid for it (cx: 72 us a spawn at N = 10,000
		 * first, 38 after the others). */
		if (n > 1) {
			struct sample warm;

			memset(&warm, 0, sizeof(warm));
			if (run_floor_unshare(n, &warm) < 0)
				return 1;
		}
		/* Rotate which goes first. */
		for (int r = 0; r < reps; r++)
			for (int j = 0; j < NMETHODS; j++) {
				int m = (r + j) % NMETHODS;

				if (n <= max_n[m] && run[m](n, &smp[k][m]) < 0)
					return 1;
			}
	}
	snprintf(path, sizeof(path), "%s/live.csv", out);
	csv = fopen(path, "we");
	if (csv)
		fprintf(csv, "method,n,spawns,spawn_median_us,spawn_mean_us,reap_us,reap_cpu_us,"
			     "kill_us,rss_b_per_child,slab_b_per_child,filp_b,dentry_b,epi_b,"
			     "pwq_b,pid_b\n");
	sb_out("%-11s %6s %8s %8s %8s %9s %8s %9s %10s   %s\n", "method", "N", "spawn_md",
	       "spawn_mn", "reap_us", "reap_cpu", "kill_us", "rss_B/ch", "slab_B/ch",
	       "filp dentry epi pwq pid  (B/child)");
	for (int k = 0; k < nn; k++)
		for (int m = 0; m < NMETHODS && ns[k]; m++) {
			struct sample *s = &smp[k][m];

			if (!s->reaped)
				continue;
			double reap = s->reaped ? s->reap_wall / (double)s->reaped : 0;
			double rcpu = s->reaped ? s->reap_cpu / (double)s->reaped : 0;
			double kill = s->reaped ? s->kill_wall / (double)s->reaped : 0;
			double rss = per_child(s->alive.rss_kib, s->before.rss_kib, ns[k]) * 1024;
			double slab = per_child(s->alive.slab_kib, s->before.slab_kib, ns[k]) * 1024;
			double c[NCACHES];

			for (int i = 0; i < NCACHES; i++)
				c[i] = per_child(s->alive.cache[i], s->before.cache[i], ns[k]);
			sb_out("%-11s %6d %8.1f %8.1f %8.1f %9.1f %8.1f %9.0f %10.0f   %.0f %.0f %.0f "
			       "%.0f %.0f\n", names[m], ns[k], median(s), mean(s), reap, rcpu, kill,
			       rss, slab, c[0], c[1], c[2], c[3], c[4]);
			if (csv)
				fprintf(csv, "%s,%d,%zu,%.2f,%.2f,%.2f,%.2f,%.2f,%.0f,%.0f,%.0f,"
					     "%.0f,%.0f,%.0f,%.0f\n", names[m], ns[k], s->n, median(s),
					mean(s), reap, rcpu, kill, rss, slab, c[0], c[1], c[2], c[3],
					c[4]);
		}
	if (csv)
		fclose(csv);
	plot_data(out, ns, nn, names, smp);
	/* The bounds, for the library's row: per-spawn and per-reap cost
	 * flat in N (largest N / N = 1 <= 1.2), and the parent's memory per live
	 * child beyond the kernel's pidfd (its file and pidfs dentry): user space
	 * (RSS) plus the epoll item, <= 512 bytes. The other rows for comparison. */
	for (int m = 0; m < NMETHODS && nn > 1 && ns[0] == 1 && ns[nn - 1] > 1; m++) {
		struct sample *a = &smp[nn - 1][m], *b = &smp[0][m];
		double sa, sbm, ra, rb;

		if (!a->reaped || !b->reaped)
			continue;
		sa = median(a);
		sbm = median(b);
		ra = a->reap_wall / (double)a->reaped;
		rb = b->reap_wall / (double)b->reaped;
		if (m == 0) {
			sb_out("TARGET cx spawn, N=%d / N=1 <= 1.20: measured %.2f (%.1f vs %.1f us)  "
			       "%s\n", ns[nn - 1], sa / sbm, sa, sbm, sa / sbm <= 1.2 ? "PASS" : "MISS");
			sb_out("TARGET cx reap, N=%d / N=1 <= 1.20: measured %.2f (%.1f vs %.1f us)  "
			       "%s\n", ns[nn - 1], ra / rb, ra, rb, ra / rb <= 1.2 ? "PASS" : "MISS");
			double mem = per_child(a->alive.rss_kib, a->before.rss_kib, ns[nn - 1]) * 1024 +
				     per_child(a->alive.cache[2], a->before.cache[2], ns[nn - 1]) +
				     per_child(a->alive.cache[3], a->before.cache[3], ns[nn - 1]);

			sb_out("TARGET cx parent memory per live child beyond the pidfd (RSS + epoll "
			       "item) <= 512 B: measured %.0f B  %s\n", mem, mem <= 512 ? "PASS" : "MISS");
			continue;
		}
		sb_out("info   %s spawn, N=%d / N=1: %.2f (%.1f vs %.1f us); reap: %.2f (%.1f vs %.1f "
		       "us)\n", names[m], ns[nn - 1], sa / sbm, sa, sbm, ra / rb, ra, rb);
	}
	return 0;
}
