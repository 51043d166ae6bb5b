/* SPDX-License-Identifier: MIT */
/*
 * livebench's methods (live.c says what is measured): the library's way and
 * the raw ones with pidfds in an epoll set, and posix_spawn with a SIGCHLD
 * signalfd and a waitpid loop.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clonexec.h"
#include "live.h"
#include "spawnbench.h"
#include "sys.h"

extern char **environ;

#define EVENTS 256
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE 2
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* A set of children known by their pidfds, in one epoll set: how to start,
 * end and reap child i. The library's way and the raw ones share the loop. */
struct pidfd_way {
	int (*spawn)(int i);    /* start child i: its pidfd, or -1 with errno set */
	int (*end)(int i);      /* SIGKILL it: 0, or -1 with errno set */
	int (*reap)(int i);     /* it has ended: collect, check SIGKILL, drop: 0 or -1 */
};

static struct cx_process **procs;       /* the library's handles */
static int *pidfds;
static const struct cx_attr *cx_attr_now;

static int cx_way_spawn(int i)
{
	struct cx_error err;
	char msg[256];
	int r = cx_spawn(sleeper, child_argv, environ, cx_attr_now, &procs[i], &err);

	if (r < 0) {
		cx_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "livebench: cx_spawn (child %d): %s\n", i, msg);
		errno = -r;
		return -1;
	}
	return cx_process_pidfd(procs[i]);
}

static int cx_way_end(int i)
{
	int r = cx_process_signal(procs[i], SIGKILL);

	errno = -r;
	return r < 0 ? -1 : 0;
}

static int cx_way_reap(int i)
{
	struct cx_status st;
	int r = cx_process_wait(procs[i], 0, &st);

	if (r < 0)
		return fail("cx_process_wait", -r);
	if (st.signal != SIGKILL)
		return fail("cx: child did not die of SIGKILL", EPROTO);
	/* Closing the pidfd takes it out of the epoll set. */
	cx_process_release(procs[i]);
	return 0;
}

/* The same pattern without the library: posix_spawn, then pidfd_open. */
static int posix_pidfd_spawn(int i)
{
	pid_t pid;
	int r = posix_spawn(&pid, sleeper, NULL, NULL, child_argv, environ);

	(void)i;
	if (r) {
		errno = r;
		return -1;
	}
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int raw_end(int i)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfds[i], SIGKILL, NULL, 0);
}

static int raw_reap(int i)
{
	siginfo_t si;

	if (waitid((idtype_t)P_PIDFD, (id_t)pidfds[i], &si, WEXITED | WNOHANG) < 0)
		return fail("waitid(P_PIDFD)", errno);
	if (si.si_code != CLD_KILLED)
		return fail("pidfd set: child did not die of SIGKILL", EPROTO);
	close(pidfds[i]);
	return 0;
}

/* What CLONE_FILES would give the library: the child shares the parent's fd
 * table and unshares it keeping only 0-2 (close_range(3, ~0,
 * CLOSE_RANGE_UNSHARE) copies only the fds below 3), so the parent's N
 * pidfds are not copied into every child and dropped again at exec. */
static char floor_stack[SB_STACK_SIZE] __attribute__((aligned(64)));

static int floor_unshare_child(void *arg)
{
	(void)arg;
	if (cx_sys3(SYS_close_range, 3, ~0U, CLOSE_RANGE_UNSHARE) < 0)
		cx_sys1(SYS_exit, 126);
	cx_sys3(SYS_execve, sleeper, child_argv, environ);
	cx_sys1(SYS_exit, 127);
	return 127;
}

static int floor_unshare_spawn(int i)
{
	struct cx_clone_args a = { 0 };
	int pidfd = -1;
	long pid;

	(void)i;
	a.flags = CLONE_VM | CLONE_VFORK | CLONE_FILES | CX_CLONE_PIDFD;
	a.pidfd = (uintptr_t)&pidfd;
	a.exit_signal = SIGCHLD;
	a.stack = (uintptr_t)floor_stack;
	a.stack_size = sizeof(floor_stack);
	pid = cx_arch_clone3(&a, sizeof(a), floor_unshare_child, NULL);
	if (pid < 0) {
		errno = (int)-pid;
		return -1;
	}
	return pidfd;
}

static const struct pidfd_way *way_now;
static int epoll_now;

/* Start child i the way of the run and put its pidfd in the epoll set. */
static int pidfd_one(int i)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

	pidfds[i] = way_now->spawn(i);
	if (pidfds[i] < 0 || epoll_ctl(epoll_now, EPOLL_CTL_ADD, pidfds[i], &ev) < 0)
		return fail("pidfd set: spawn/epoll_ctl", errno);
	return 0;
}

static int run_pidfd_set(int n, struct sample *s, const struct pidfd_way *w)
{
	struct epoll_event evs[EVENTS];
	int ep = epoll_create1(EPOLL_CLOEXEC), left = n;
	double t1, c0;

	procs = calloc((size_t)n, sizeof(*procs));
	pidfds = calloc((size_t)n, sizeof(*pidfds));
	if (!procs || !pidfds || ep < 0)
		return fail("pidfd set: setup", errno);
	way_now = w;
	epoll_now = ep;
	if (spawn_all(n, s, pidfd_one) < 0 || end_all_children(n, s, w->end) < 0)
		return -1;
	all_ended((idtype_t)P_PIDFD, (id_t)pidfds[n - 1], n);
	t1 = sb_now_us();
	c0 = cpu_us();
	while (left > 0) {
		int k = epoll_wait(ep, evs, EVENTS, 10000);

		if (k <= 0)
			return fail("pidfd set: epoll_wait", k < 0 ? errno : ETIMEDOUT);
		for (int i = 0; i < k; i++, left--)
			if (w->reap((int)evs[i].data.u32) < 0)
				return -1;
	}
	s->reap_wall += sb_now_us() - t1;
	s->reap_cpu += cpu_us() - c0;
	s->reaped += n;
	s->reps++;
	close(ep);
	free(procs);
	free(pidfds);
	return 0;
}

static const struct pidfd_way cx_way = { cx_way_spawn, cx_way_end, cx_way_reap };
static const struct pidfd_way posix_pidfd_way = { posix_pidfd_spawn, raw_end, raw_reap };
static const struct pidfd_way floor_unshare_way = { floor_unshare_spawn, raw_end, raw_reap };

/* The documented pattern (cx_process_pidfd(3), examples/pidfd-epoll.c):
 * the children close the fds they are not given, pidfds included, so the
 * library clones with CLONE_FILES and the child copies fds 0-2 only. */
int run_cx(int n, struct sample *s)
{
	static const struct cx_attr closefds = { .size = sizeof(struct cx_attr),
						 .flags = CX_ATTR_CLOSE_OTHER_FDS };

	cx_attr_now = &closefds;
	return run_pidfd_set(n, s, &cx_way);
}

/* No attributes: every child inherits (a copy of) the table of pidfds. */
int run_cx_inherit(int n, struct sample *s)
{
	cx_attr_now = NULL;
	return run_pidfd_set(n, s, &cx_way);
}

int run_posix_pidfd(int n, struct sample *s)
{
	return run_pidfd_set(n, s, &posix_pidfd_way);
}

int run_floor_unshare(int n, struct sample *s)
{
	return run_pidfd_set(n, s, &floor_unshare_way);
}

static pid_t *pids;
static posix_spawnattr_t posix_attr;

static int posix_one(int i)
{
	int r = posix_spawn(&pids[i], sleeper, NULL, &posix_attr, child_argv, environ);

	return r ? fail("posix_spawn", r) : 0;
}

static int posix_end(int i)
{
	return kill(pids[i], SIGKILL);
}

int run_posix(int n, struct sample *s)
{
	struct epoll_event ev, evs[EVENTS];
	sigset_t chld, old;
	int ep = epoll_create1(EPOLL_CLOEXEC), sfd, left = n;
	double t1, c0;

	pids = calloc((size_t)n, sizeof(*pids));
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	if (!pids || ep < 0 || sfd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) < 0)
		return fail("posix: setup", errno);
	/* The children get the caller's mask back, as a careful supervisor's do. */
	posix_spawnattr_init(&posix_attr);
	posix_spawnattr_setsigmask(&posix_attr, &old);
	posix_spawnattr_setflags(&posix_attr, POSIX_SPAWN_SETSIGMASK);
	if (spawn_all(n, s, posix_one) < 0 || end_all_children(n, s, posix_end) < 0)
		return -1;
	all_ended(P_PID, (id_t)pids[n - 1], n);
	t1 = sb_now_us();
	c0 = cpu_us();
	while (left > 0) {
		struct signalfd_siginfo si;
		int k = epoll_wait(ep, evs, EVENTS, 10000), status;
		pid_t pid;

		if (k <= 0)
			return fail("posix: epoll_wait", k < 0 ? errno : ETIMEDOUT);
		/* Signals merge: one SIGCHLD may stand for many children. */
		while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
				return fail("posix: child did not die of SIGKILL", EPROTO);
			left--;
		}
	}
	s->reap_wall += sb_now_us() - t1;
	s->reap_cpu += cpu_us() - c0;
	s->reaped += n;
	s->reps++;
	posix_spawnattr_destroy(&posix_attr);
	close(sfd);
	close(ep);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(pids);
	return 0;
}
