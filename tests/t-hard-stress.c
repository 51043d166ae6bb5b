/* SPDX-License-Identifier: MIT */
/*
 * Stress: spawner threads each start many children with varied attributes
 * (close-others always; fd plans with permutations and gaps; user
 * namespaces with maps the child or the parent writes; credential changes;
 * custom signal masks; some failing on purpose), while churn threads open
 * and close fds WITHOUT O_CLOEXEC, and two timers signal the process at a
 * high rate (one handler with SA_RESTART, one without, plus SIGCHLD).
 *
 * Each child is tests/helpers/hard-fdcheck, which exits non-zero unless it
 * has exactly the fds it was given, no caught signal and the expected
 * blocked set. A parent handler running in a CLONE_VM child before exec
 * would see another pid and count itself. Afterwards: the same fd count,
 * no zombie, RSS within a fixed bound of the warmed-up value. A watchdog
 * bails out if the run takes too long (a deadlock).
 *
 * Size: CX_STRESS_SPAWNS (per spawner thread, default 1000; 250 under
 * valgrind, where each spawn copies the whole valgrind'd process and one
 * thread runs at a time: 400 spawns took 76 s on a loaded 2-vCPU machine)
 * and CX_STRESS_THREADS (default 4), or argv[1] and argv[2]; `make stress`
 * runs a long one. The watchdog allows ten times as long under valgrind.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cxt.h"
#include "internal.h"
#include "lib-util.h"
#include "tap.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define MAX_THREADS 16
#define CHURN_THREADS 2
#define RSS_BOUND_KB (8 * 1024)
#define NOBODY 65534

static char helper[4096];
static int devnull;
static pid_t test_pid;
static atomic_int stop_churn;
static atomic_long sig_restart, sig_norestart, sig_chld, handler_in_child;
static atomic_long churn_opens;

struct tally {
	long spawned, ok, failed_on_purpose, bad;
	long by_kind[8];
	char first_bad[256];
};

static void handler(int sig)
{
	int saved = errno;

	if (syscall(SYS_getpid) != test_pid)
		atomic_fetch_add(&handler_in_child, 1);
	if (sig == SIGUSR1)
		atomic_fetch_add(&sig_restart, 1);
	else if (sig == SIGCHLD)
		atomic_fetch_add(&sig_chld, 1);
	else
		atomic_fetch_add(&sig_norestart, 1);
	errno = saved;
}

static long rss_kb(void)
{
	char text[4096], val[64];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return cxt_field(text, "VmRSS", val, sizeof(val)) ? atol(val) : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fds opened and closed without O_CLOEXEC: a child that inherited one
 * would see it (close-others must catch it). */
static void *churn(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop_churn)) {
		int a = open("/dev/null", O_RDONLY), p[2] = { -1, -1 };

		if (pipe(p) == 0) {
			int d = dup(p[0]);

			if (d >= 0)
				close(d);
			close(p[0]);
			close(p[1]);
		}
		if (a >= 0)
			close(a);
		atomic_fetch_add(&churn_opens, 3);
	}
	return NULL;
}

static struct cx_id_map own_map[] = { { 0, 0, 1 } };       /* the child writes it */
static struct cx_id_map other_map[] = { { 0, 1000, 1 } };  /* the parent writes it */

enum kind { K_PLAIN, K_PLAN, K_GAPS, K_USERNS_CHILD, K_USERNS_PARENT, K_CRED, K_MASK, K_FAIL,
	    K_COUNT };
static const char *const kind_names[K_COUNT] = {
	"close-others", "fd plan", "plan with gaps", "userns (child maps)",
	"userns (parent maps)", "credential", "sigmask", "failing on purpose",
};

static void hex_mask(uint64_t m, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx", (unsigned long long)m);
}

/* One spawn of kind k; returns 1 if everything was as expected. */
static int one(int k, int i, uint64_t thread_mask, int pipe_fd, struct tally *t)
{
	char mask[32], why[256] = "";
	const char *fds = "0,1,2";
	char *argv[] = { helper, (char *)fds, mask, NULL };
	int files[6] = { devnull, devnull, devnull, -1, -1, -1 };
	struct cx_process *p = NULL;
	struct cx_status st;
	struct cx_error err;
	const char *path = helper;
	CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .files = files, .nfiles = 3);
	uint64_t m = thread_mask;
	int r;

	switch (k) {
	case K_PLAN:
		files[3] = pipe_fd;
		a.nfiles = 4;
		fds = "0,1,2,3";
		break;
	case K_GAPS: /* a permutation with holes: 0 2 3 5 */
		files[1] = -1;
		files[2] = pipe_fd;
		files[0] = pipe_fd;
		files[3] = devnull;
		files[5] = devnull;
		a.nfiles = 6;
		fds = "0,2,3,5";
		break;
	case K_USERNS_CHILD:
	case K_USERNS_PARENT:
		a.cloneflags = CLONE_NEWUSER;
		a.uid_map = a.gid_map = k == K_USERNS_CHILD ? own_map : other_map;
		a.nuid_map = a.ngid_map = 1;
		break;
	case K_CRED:
		a.flags |= CX_ATTR_CREDENTIAL;
		a.uid = a.gid = NOBODY;
		break;
	case K_MASK:
		a.flags |= CX_ATTR_SIGMASK;
		sigemptyset(&a.sigmask);
		sigaddset(&a.sigmask, SIGWINCH);
		sigaddset(&a.sigmask, SIGTERM);
		memcpy(&m, &a.sigmask, sizeof(m));
		break;
	case K_FAIL:
		if (i & 1)
			a.dir = "/nonexistent-cx-stress";
		else
			path = "/nonexistent-cx-stress/prog";
		break;
	}
	argv[1] = (char *)fds;
	hex_mask(m, mask, sizeof(mask));
	t->spawned++;
	r = cx_spawn(path, argv, NULL, &a, &p, &err);
	if (k == K_FAIL) {
		int step = (i & 1) ? CX_STEP_CHDIR : CX_STEP_EXECVE;

		if (r == -ENOENT && err.step == step && err.error == ENOENT) {
			t->failed_on_purpose++;
			return 1;
		}
		snprintf(why, sizeof(why), "meant to fail at %s: r=%d step %s", cx_step_name(step), r,
			 cx_step_name(err.step));
		goto bad;
	}
	if (r < 0) {
		char line[512];

		cx_error_format(&err, line, sizeof(line));
		snprintf(why, sizeof(why), "%s: spawn: %.200s", kind_names[k], line);
		goto bad;
	}
	r = cx_process_wait(p, 60000, &st);
	cx_process_release(p);
	if (r < 0) {
		snprintf(why, sizeof(why), "%s: wait: %s", kind_names[k], strerror(-r));
		goto bad;
	}
	if (!st.exited || st.exit_code != 0) {
		snprintf(why, sizeof(why), "%s: child %s %d (10 fds, 11 SigCgt, 12 SigBlk)",
			 kind_names[k], st.exited ? "exited" : "killed by",
			 st.exited ? st.exit_code : st.signal);
		goto bad;
	}
	t->ok++;
	t->by_kind[k]++;
	return 1;
bad:
	if (!t->bad++)
		snprintf(t->first_bad, sizeof(t->first_bad), "%s", why);
	return 0;
}

struct spawner {
	pthread_t th;
	int index, count;
	struct tally t;
};

static void *spawn_loop(void *arg)
{
	struct spawner *s = arg;
	sigset_t set;
	uint64_t mask;
	int p[2];

	/* Each spawner blocks a signal of its own: the child must inherit
	 * exactly its spawning thread's mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 4 + s->index);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	mask = cxt_sigmask();
	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	for (int i = 0; i < s->count; i++)
		one((i + s->index) % K_COUNT, i / K_COUNT, mask, p[0], &s->t);
	close(p[0]);
	close(p[1]);
	return NULL;
}

static void *watchdog(void *arg)
{
	int seconds = *(int *)arg;
	struct timespec end;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL) == EINTR)
		;
	printf("Bail out! not finished after %d s: deadlock?\n", seconds);
	fflush(stdout);
	_exit(1);
}

static timer_t start_timer(int sig, long interval_ns)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = sig };
	struct itimerspec its = { .it_interval = { 0, interval_ns }, .it_value = { 0, interval_ns } };
	timer_t t;

	if (timer_create(CLOCK_MONOTONIC, &ev, &t) < 0 || timer_settime(t, 0, &its, NULL) < 0)
		tap_bail("timer: %m");
	return t;
}

static int arg_or_env(int argc, char **argv, int i, const char *env, int def)
{
	const char *v = argc > i ? argv[i] : getenv(env);

	return v && atoi(v) > 0 ? atoi(v) : def;
}

int main(int argc, char **argv)
{
	int slow = lt_on_valgrind() ? 10 : 1;
	int per_thread = arg_or_env(argc, argv, 1, "CX_STRESS_SPAWNS", slow > 1 ? 250 : 1000);
	int nthreads = arg_or_env(argc, argv, 2, "CX_STRESS_THREADS", 4);
	struct spawner sp[MAX_THREADS];
	pthread_t churners[CHURN_THREADS], dog;
	struct sigaction sa = { .sa_handler = handler };
	struct tally total = { 0 };
	int fds_before, limit;
	long rss_warm, rss_end;
	timer_t t1, t2;
	double t0, dt;

	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	test_pid = getpid();
	cxt_helper("hard-fdcheck", helper, sizeof(helper));
	if (access(helper, X_OK) < 0)
		tap_bail("%s: %m", helper);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	limit = (60 + nthreads * per_thread / 40) * slow;
	pthread_create(&dog, NULL, watchdog, &limit);

	/* Warm up (allocator arenas, lazy binding, the library's caches)
	 * before taking the reference RSS and fd count. */
	{
		struct spawner w = { .index = 0, .count = 2 * K_COUNT };

		spawn_loop(&w);
		ok(w.t.bad == 0, "warm-up: %ld spawns as expected%s%s", w.t.spawned,
		   w.t.bad ? ": " : "", w.t.first_bad);
	}
	fds_before = cxt_fd_count();
	rss_warm = rss_kb();

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_flags = 0;
	sigaction(SIGRTMIN + 1, &sa, NULL);
	for (int i = 0; i < CHURN_THREADS; i++)
		pthread_create(&churners[i], NULL, churn, NULL);
	t1 = start_timer(SIGUSR1, 200 * 1000);       /* 5000/s, SA_RESTART */
	t2 = start_timer(SIGRTMIN + 1, 300 * 1000);  /* 3333/s, no SA_RESTART */

	t0 = now();
	for (int i = 0; i < nthreads; i++) {
		sp[i] = (struct spawner){ .index = i, .count = per_thread };
		pthread_create(&sp[i].th, NULL, spawn_loop, &sp[i]);
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(sp[i].th, NULL);
		total.spawned += sp[i].t.spawned;
		total.ok += sp[i].t.ok;
		total.failed_on_purpose += sp[i].t.failed_on_purpose;
		total.bad += sp[i].t.bad;
		for (int k = 0; k < K_COUNT; k++)
			total.by_kind[k] += sp[i].t.by_kind[k];
		if (sp[i].t.bad && !total.first_bad[0])
			memcpy(total.first_bad, sp[i].t.first_bad, sizeof(total.first_bad));
	}
	dt = now() - t0;

	timer_delete(t1);
	timer_delete(t2);
	atomic_store(&stop_churn, 1);
	for (int i = 0; i < CHURN_THREADS; i++)
		pthread_join(churners[i], NULL);
	/* Let pending timer signals land before the handlers go. */
	usleep(10000);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGRTMIN + 1, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	rss_end = rss_kb();

	diag("%ld spawns by %d threads in %.2f s: %.0f spawns/s", total.spawned, nthreads, dt,
	     (double)total.spawned / dt);
	for (int k = 0; k < K_COUNT; k++)
		diag("  %-22s %ld", kind_names[k], k == K_FAIL ? total.failed_on_purpose : total.by_kind[k]);
	diag("signals handled: %ld SIGUSR1 (SA_RESTART), %ld SIGRTMIN+1 (no SA_RESTART), %ld SIGCHLD",
	     atomic_load(&sig_restart), atomic_load(&sig_norestart), atomic_load(&sig_chld));
	diag("fds opened without O_CLOEXEC meanwhile: %ld", atomic_load(&churn_opens));
	diag("RSS: %ld kB warmed up, %ld kB at the end", rss_warm, rss_end);

	is_int(total.spawned, (long long)nthreads * per_thread, "every spawn was attempted");
	ok(total.bad == 0, "every child saw exactly its fds, no handler, its mask; failures as meant "
	   "(%ld bad%s%s)", total.bad, total.bad ? "; first: " : "", total.first_bad);
	ok(total.failed_on_purpose > 0, "some spawns failed on purpose, at the right step");
	ok(atomic_load(&sig_restart) > 0 && atomic_load(&sig_norestart) > 0,
	   "the timers interrupted the spawns");
	is_int(atomic_load(&handler_in_child), 0, "no parent handler ran in a child");
	is_int(cxt_fd_count(), fds_before, "the parent has the same fd count");
	ok(!cxt_has_zombie(), "no zombie");
#ifdef UNDER_ASAN
	ok(1, "# SKIP RSS bound: ASan's quarantine keeps freed memory on purpose (grew %ld kB)",
	   rss_end - rss_warm);
#else
	if (!cx_feature(CX_FEAT_VM_SHARED))
		ok(1, "# SKIP RSS bound: the RSS is valgrind's (memcheck checks the leaks)");
	else
		ok(rss_end >= 0 && rss_end - rss_warm < RSS_BOUND_KB,
		   "RSS grew by %ld kB (bound %d kB)", rss_end - rss_warm, RSS_BOUND_KB);
#endif
	return tap_done();
}
