/* SPDX-License-Identifier: MIT */
/*
 * xcheck: an independent measurement of what spawnbench measures, by
 * another method, so that the two can be held against each other.
 *
 * spawnbench runs time slices in forked "level" processes. xcheck runs in one
 * process, one thread, no level process: every round runs a batch of B
 * spawns of each row, the rows in a new random order per round, and times
 * each spawn-and-reap with CLOCK_MONOTONIC. Its spawn code is its own (only
 * the clone trampolines of src/arch are shared, they are the kernel's ABI).
 *
 * It also carries the "ladder": raw floors that add one thing at a time on
 * the way from the bare floor to what libclonexec does (clone3, CLONE_PIDFD,
 * waitid(P_PIDFD), CLONE_CLEAR_SIGHAND, the signal-mask calls), with and
 * without CLONE_NEWUSER|CLONE_NEWPID, so the cost of each is a difference of
 * medians measured in the same run.
 *
 *   xcheck [--rounds N] [--batch N] [--only NAME,...] [--ladder]
 *          [--extra-fds N] [--settle-ms MS] [--drop-first] [--idle-threads N]
 *          [--seed N] [--csv FILE]
 *          [--raw FILE]   (every spawn: row,round,index,us,previous row)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clonexec.h"
#include "spawnbench.h"
#include "sys.h"

extern char **environ;

#define MAX_ROWS 32
#define USERPID ((unsigned long)(CLONE_NEWUSER | CLONE_NEWPID))

/* What a raw row does, one addition per bit, in ladder order. */
enum {
	R_TRAMPOLINE = 1 << 0, /* the raw clone trampoline, not glibc's clone() */
	R_CLONE3 = 1 << 1,     /* clone3 instead of clone */
	R_PIDFD = 1 << 2,      /* CLONE_PIDFD; the pidfd is closed after the reap */
	R_WAITID = 1 << 3,     /* reap by waitid(P_PIDFD) with rusage, not waitpid */
	R_SIGHAND = 1 << 4,    /* CLONE_CLEAR_SIGHAND */
	R_SIGMASK = 1 << 5,    /* block all around the clone; the child restores */
};

enum how { H_CX, H_POSIX, H_RAW };

struct row {
	const char *name;
	enum how how;
	unsigned long ns;       /* raw: namespace flags; cx: cloneflags */
	unsigned bits;          /* raw: R_* */
	int floor;              /* index of the row's floor, for x_floor */
	int prev;               /* ladder: the row with one thing less, or -1 */
	int on;
	double *lat;            /* every timed spawn, µs */
	size_t n, cap;
	double *batch_med;      /* per round: the median of this row's batch */
};

static struct row rows[MAX_ROWS];
static int nrows;
static const char *noop;
static char *child_argv[] = { "noop", NULL };
static char uid_map[32], gid_map[32];
static int uid_map_len, gid_map_len;
static char stack[SB_STACK_SIZE] __attribute__((aligned(64)));
static uint64_t child_mask;
static struct cx_id_map cx_uid_map, cx_gid_map;
static struct cx_attr cx_userpid_attr;

/* Sorts v. */
static double quantile(double *v, size_t n, double q)
{
	sb_sort(v, n);
	return sb_quantile(v, n, q);
}

/* ---- the child of the raw rows: raw system calls only (shared memory) ---- */

static int raw_child(void *arg)
{
	const struct row *r = arg;

	if ((r->ns & CLONE_NEWUSER) &&
	    sb_child_self_maps(uid_map, uid_map_len, gid_map, gid_map_len) < 0)
		cx_sys1(SYS_exit, 125);
	if (r->bits & R_SIGMASK)
		cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &child_mask, 0, CX_KSIGSET_SIZE);
	cx_sys3(SYS_execve, noop, child_argv, environ);
	cx_sys1(SYS_exit, 127);
	return 127;
}

static int check_exit(const char *who, int exited, int code)
{
	if (exited && code == 0)
		return 0;
	fprintf(stderr, "xcheck: %s: child ended badly (exited %d, code/signal %d)\n", who,
		exited, code);
	return -1;
}

static int raw_spawn(const struct row *r)
{
	unsigned long flags = CLONE_VM | CLONE_VFORK | r->ns;
	uint64_t all = ~0ULL, saved = 0;
	int pidfd = -1, status, rc;
	long pid;

	if (r->bits & R_SIGMASK) {
		cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &all, &saved, CX_KSIGSET_SIZE);
		child_mask = saved;
	}
	if (r->bits & R_CLONE3) {
		struct cx_clone_args a = { 0 };

		a.flags = flags | (r->bits & R_PIDFD ? CX_CLONE_PIDFD : 0) |
			  (r->bits & R_SIGHAND ? CX_CLONE_CLEAR_SIGHAND : 0);
		a.pidfd = (uintptr_t)&pidfd;
		a.exit_signal = SIGCHLD;
		a.stack = (uintptr_t)stack;
		a.stack_size = SB_STACK_SIZE;
		pid = cx_arch_clone3(&a, sizeof(a), raw_child, (void *)r);
	} else if (r->bits & R_TRAMPOLINE) {
		pid = cx_arch_clone(flags | (r->bits & R_PIDFD ? CX_CLONE_PIDFD : 0) | SIGCHLD,
				    stack + SB_STACK_SIZE, &pidfd, NULL, raw_child, (void *)r);
	} else {
		pid = clone(raw_child, stack + SB_STACK_SIZE, (int)(flags | SIGCHLD), (void *)r);
		if (pid < 0)
			pid = -errno;
	}
	if (r->bits & R_SIGMASK)
		cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &saved, NULL, CX_KSIGSET_SIZE);
	if (pid < 0) {
		fprintf(stderr, "xcheck: %s: clone: %s\n", r->name, strerror((int)-pid));
		return -1;
	}
	if (r->bits & R_WAITID) {
		siginfo_t si;
		struct rusage ru;

		memset(&si, 0, sizeof(si));
		rc = (int)cx_sys5(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, &ru);
		if (rc < 0) {
			fprintf(stderr, "xcheck: %s: waitid: %s\n", r->name, strerror(-rc));
			return -1;
		}
		rc = check_exit(r->name, si.si_code == CLD_EXITED, si.si_status);
	} else {
		if (waitpid((pid_t)pid, &status, 0) < 0) {
			perror("xcheck: waitpid");
			return -1;
		}
		rc = check_exit(r->name, WIFEXITED(status),
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	if (pidfd >= 0)
		close(pidfd);
	return rc;
}

static int cx_row(const struct row *r)
{
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;
	char msg[256];

	if (cx_spawn(noop, child_argv, environ, r->ns ? &cx_userpid_attr : NULL, &p, &err) < 0) {
		cx_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "xcheck: %s: %s\n", r->name, msg);
		return -1;
	}
	if (cx_process_wait(p, -1, &st) < 0)
		st.exited = 0;
	cx_process_release(p);
	return check_exit(r->name, st.exited, st.exited ? st.exit_code : st.signal);
}

static int posix_row(const struct row *r)
{
	int status, e;
	pid_t pid;

	e = posix_spawn(&pid, noop, NULL, NULL, child_argv, environ);
	if (e) {
		fprintf(stderr, "xcheck: posix_spawn: %s\n", strerror(e));
		return -1;
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("xcheck: waitpid");
		return -1;
	}
	return check_exit(r->name, WIFEXITED(status),
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static int spawn_once(const struct row *r)
{
	switch (r->how) {
	case H_CX:
		return cx_row(r);
	case H_POSIX:
		return posix_row(r);
	default:
		return raw_spawn(r);
	}
}

/* ---- the rows ---- */

static int add(const char *name, enum how how, unsigned long ns, unsigned bits, int floor,
	       int prev, int on)
{
	rows[nrows] = (struct row){ .name = name, .how = how, .ns = ns, .bits = bits,
				    .floor = floor < 0 ? nrows : floor, .prev = prev, .on = on };
	return nrows++;
}

/* One ladder: the floor, then one addition per step, then the library. */
static void add_ladder(const char *const names[8], unsigned long ns, int ladder)
{
	static const unsigned steps[] = {
		R_TRAMPOLINE, R_TRAMPOLINE | R_CLONE3, R_TRAMPOLINE | R_CLONE3 | R_PIDFD,
		R_TRAMPOLINE | R_CLONE3 | R_PIDFD | R_WAITID,
		R_TRAMPOLINE | R_CLONE3 | R_PIDFD | R_WAITID | R_SIGHAND,
		R_TRAMPOLINE | R_CLONE3 | R_PIDFD | R_WAITID | R_SIGHAND | R_SIGMASK,
	};
	int floor = add(names[0], H_RAW, ns, 0, -1, -1, 1), prev = floor;

	for (int i = 0; i < 6; i++)
		prev = add(names[i + 1], H_RAW, ns, steps[i], floor, prev, ladder);
	add(names[7], H_CX, ns, 0, floor, ladder ? prev : -1, 1);
}

static void setup_rows(int ladder)
{
	static const char *const plain[8] = { "floor", "f+trampoline", "f+clone3", "f+pidfd",
					      "f+waitid", "f+clear_sighand", "f+sigmask", "cx" };
	static const char *const userpid[8] = { "floor-userpid-sm", "u+trampoline", "u+clone3",
						"u+pidfd", "u+waitid", "u+clear_sighand",
						"u+sigmask", "cx-userpid" };

	add_ladder(plain, 0, ladder);
	add_ladder(userpid, USERPID, ladder);
	add("posix_spawn", H_POSIX, 0, 0, 0, -1, 1);
}

static int row_index(const char *name)
{
	for (int i = 0; i < nrows; i++)
		if (!strcmp(rows[i].name, name))
			return i;
	return -1;
}

static void select_only(char *list)
{
	for (int i = 0; i < nrows; i++)
		rows[i].on = 0;
	for (char *s = strtok(list, ","); s; s = strtok(NULL, ",")) {
		int i = row_index(s);

		if (i < 0) {
			fprintf(stderr, "xcheck: no row %s\n", s);
			exit(2);
		}
		rows[i].on = 1;
	}
}

static void setup_ids(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	uid_map_len = snprintf(uid_map, sizeof(uid_map), "0 %u 1\n", (unsigned)uid);
	gid_map_len = snprintf(gid_map, sizeof(gid_map), "0 %u 1\n", (unsigned)gid);
	cx_uid_map = (struct cx_id_map){ 0, (uint32_t)uid, 1 };
	cx_gid_map = (struct cx_id_map){ 0, (uint32_t)gid, 1 };
	cx_userpid_attr = (struct cx_attr){ .size = sizeof(struct cx_attr) };
	cx_userpid_attr.cloneflags = USERPID;
	cx_userpid_attr.uid_map = &cx_uid_map;
	cx_userpid_attr.nuid_map = 1;
	cx_userpid_attr.gid_map = &cx_gid_map;
	cx_userpid_attr.ngid_map = 1;
}

/* ---- the run and the report ---- */

struct options {
	int rounds, batch, extra_fds, drop_first, idle_threads;
	double settle_ms;
	unsigned seed;
	const char *csv, *raw;
};

static int run(const struct options *o)
{
	int order[MAX_ROWS], n = 0;
	double *batch = malloc((size_t)o->batch * sizeof(double));
	unsigned seed = o->seed;
	FILE *raw = o->raw ? fopen(o->raw, "we") : NULL;
	const char *before = "-";

	for (int i = 0; i < nrows; i++)
		if (rows[i].on) {
			order[n++] = i;
			rows[i].batch_med = calloc((size_t)o->rounds, sizeof(double));
		}
	/* Round 0 warms up and is not counted. */
	for (int round = -1; round < o->rounds; round++) {
		for (int i = n - 1; i > 0; i--) {
			int j = rand_r(&seed) % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (int k = 0; k < n; k++) {
			struct row *r = &rows[order[k]];
			int nb = 0;

			sb_settle(o->settle_ms);
			if (o->drop_first && spawn_once(r) < 0)
				return -1;
			for (int s = 0; s < o->batch; s++) {
				double t0 = sb_now_us(), t1;

				if (spawn_once(r) < 0)
					return -1;
				t1 = sb_now_us();
				if (round >= 0) {
					if (raw)
						fprintf(raw, "%s,%d,%d,%.2f,%s\n", r->name, round,
							s, t1 - t0, before);
					sb_push(&r->lat, &r->n, &r->cap, t1 - t0);
					batch[nb++] = t1 - t0;
				}
			}
			if (round >= 0)
				r->batch_med[round] = quantile(batch, (size_t)nb, 0.5);
			before = r->name;
		}
	}
	free(batch);
	if (raw)
		fclose(raw);
	return 0;
}

/* The spread of a ratio over rounds: per round, this row's batch median
 * over its reference's, then the quartiles of those ratios. */
static void round_ratios(const struct row *a, const struct row *b, int rounds, double q[3])
{
	double *v = malloc((size_t)rounds * sizeof(double));

	for (int i = 0; i < rounds; i++)
		v[i] = b->batch_med[i] > 0 ? a->batch_med[i] / b->batch_med[i] : 0;
	q[0] = quantile(v, (size_t)rounds, 0.25);
	q[1] = quantile(v, (size_t)rounds, 0.5);
	q[2] = quantile(v, (size_t)rounds, 0.75);
	free(v);
}

static void report(const struct options *o)
{
	int ps = row_index("posix_spawn");
	double med[MAX_ROWS];
	FILE *csv = o->csv ? fopen(o->csv, "we") : NULL;

	for (int i = 0; i < nrows; i++)
		if (rows[i].on)
			med[i] = quantile(rows[i].lat, rows[i].n, 0.5);
	printf("xcheck: %d rounds of %d spawns per row, rows in random order per round%s%s, "
	       "%d extra fds, %.1f ms settle\n",
	       o->rounds, o->batch, o->drop_first ? ", first of each batch dropped" : "",
	       "", o->extra_fds, o->settle_ms);
	printf("%-17s %6s %8s %8s %8s %8s %8s %8s  %s\n", "row", "n", "median", "p10", "p90",
	       "x_floor", "x_posix", "+prev_us", "x_floor per round (q1 median q3)");
	if (csv)
		fprintf(csv, "row,n,median_us,p10_us,p90_us,x_floor,x_posix,plus_prev_us,"
			     "round_q1,round_median,round_q3\n");
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		double q[3] = { 0, 0, 0 }, xf = 0, xp = 0, dp = 0;
		int f = r->floor;

		if (!r->on)
			continue;
		if (f != i && rows[f].on) {
			xf = med[i] / med[f];
			round_ratios(r, &rows[f], o->rounds, q);
		}
		if (ps >= 0 && rows[ps].on)
			xp = med[i] / med[ps];
		if (r->prev >= 0 && rows[r->prev].on)
			dp = med[i] - med[r->prev];
		printf("%-17s %6zu %8.1f %8.1f %8.1f %8.2f %8.2f %8.1f  %.2f %.2f %.2f\n", r->name,
		       r->n, med[i], quantile(r->lat, r->n, 0.1), quantile(r->lat, r->n, 0.9), xf,
		       xp, dp, q[0], q[1], q[2]);
		if (csv)
			fprintf(csv, "%s,%zu,%.2f,%.2f,%.2f,%.3f,%.3f,%.2f,%.3f,%.3f,%.3f\n",
				r->name, r->n, med[i], quantile(r->lat, r->n, 0.1),
				quantile(r->lat, r->n, 0.9), xf, xp, dp, q[0], q[1], q[2]);
	}
	if (csv)
		fclose(csv);
}

/* A thread that only waits: what spawnbench's level processes have. */
static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: xcheck [--rounds N] [--batch N] [--only NAME,...] [--ladder] "
			"[--extra-fds N] [--settle-ms MS] [--drop-first] [--idle-threads N] [--seed N] "
			"[--csv FILE] [--raw FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = { .rounds = 101, .batch = 50, .seed = 14 };
	char *only = NULL;
	int ladder = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--ladder")) {
			ladder = 1;
		} else if (!strcmp(a, "--drop-first")) {
			o.drop_first = 1;
		} else if (!v) {
			usage();
		} else {
			i++;
			if (!strcmp(a, "--rounds"))
				o.rounds = atoi(v);
			else if (!strcmp(a, "--batch"))
				o.batch = atoi(v);
			else if (!strcmp(a, "--only"))
				only = argv[i];
			else if (!strcmp(a, "--extra-fds"))
				o.extra_fds = atoi(v);
			else if (!strcmp(a, "--settle-ms"))
				o.settle_ms = atof(v);
			else if (!strcmp(a, "--idle-threads"))
				o.idle_threads = atoi(v);
			else if (!strcmp(a, "--seed"))
				o.seed = (unsigned)atoi(v);
			else if (!strcmp(a, "--csv"))
				o.csv = v;
			else if (!strcmp(a, "--raw"))
				o.raw = v;
			else
				usage();
		}
	}
	if (o.rounds < 1 || o.batch < 1)
		usage();
	noop = sb_beside_self("noop");
	setup_ids();
	setup_rows(ladder);
	if (only)
		select_only(only);
	/* Inheritable on purpose, like spawnbench's: the same fd table. */
	for (int i = 0; i < o.extra_fds; i++)
		if (open("/dev/null", O_RDONLY) < 0) {
			perror("xcheck: /dev/null");
			return 1;
		}
	for (int i = 0; i < o.idle_threads; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, idle_thread, NULL)) {
			fprintf(stderr, "xcheck: pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < nrows; i++)
		if (rows[i].on && spawn_once(&rows[i]) < 0) {
			fprintf(stderr, "xcheck: %s does not work here: left out\n", rows[i].name);
			rows[i].on = 0;
		}
	if (run(&o) < 0)
		return 1;
	report(&o);
	return 0;
}
