/* SPDX-License-Identifier: MIT */
/*
 * CX_ATTR_INIT: the child, pid 1 of its new pid namespace, forks the
 * program and stays behind as a minimal init (as tini and bubblewrap's pid
 * 1): every signal blocked and taken with sigtimedwait (a pid 1 ignores
 * what it has no handler for, but a blocked signal is queued), each one
 * forwarded to the program except those the kernel sent to the whole
 * process group (a terminal's ^C reached the program already), orphans
 * reaped, and the program's status as its own. It holds no fd (all
 * closed), is not dumpable (the program cannot ptrace it) and needs no
 * binary: it is a copy of the caller, so a new root need not contain it.
 */
#include <errno.h> /* constants only */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "child.h"

struct cx_ksiginfo {
	int signo;
	int errno_;
	int code;
	int pad[29];
};

#define CX_SI_KERNEL 0x80

static uint64_t sigbit(int sig)
{
	return 1ULL << (sig - 1);
}

static void reap(long program, int *status, int *done)
{
	for (;;) {
		int st = 0;
		long pid = cx_sys4(SYS_wait4, -1, &st, WNOHANG | __WALL, 0);

		if (pid <= 0)
			return;
		if (pid == program) {
			*status = st;
			*done = 1;
		}
	}
}

static __attribute__((noreturn)) void init_loop(long program)
{
	/* The faults are the init's own (they kill it); KILL and STOP cannot
	 * be waited for. */
	uint64_t wait = ~(sigbit(SIGKILL) | sigbit(SIGSTOP) | sigbit(SIGSEGV) | sigbit(SIGBUS) |
			  sigbit(SIGFPE) | sigbit(SIGILL) | sigbit(SIGTRAP) | sigbit(SIGSYS));
	struct cx_ksiginfo info;
	int status = 0, done = 0;

	cx_sys2(SYS_prctl, PR_SET_DUMPABLE, 0);
	if (cx_sys3(SYS_close_range, 0, ~0U, 0) < 0)
		for (int fd = 0; fd < 1024; fd++)
			cx_sys1(SYS_close, fd);
	while (!done) {
		long sig = cx_sys4(SYS_rt_sigtimedwait, &wait, &info, 0, CX_KSIGSET_SIZE);

		if (sig == SIGCHLD)
			reap(program, &status, &done);
		else if (sig > 0 && info.code != CX_SI_KERNEL)
			cx_sys2(SYS_kill, program, sig);
	}
	if (WIFEXITED(status))
		cx_sys1(SYS_exit_group, WEXITSTATUS(status));
	cx_sys1(SYS_exit_group, 128 + WTERMSIG(status));
	for (;;)
		;
}

long cx_run_init(const struct cx_plan *plan, const struct cx_op *op)
{
	uint64_t all = ~0ULL;
	long pid;

	(void)op;
	/* Blocked before the fork: nothing may reach the init unqueued. */
	cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &all, 0, CX_KSIGSET_SIZE);
	pid = cx_sys5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		/* The program: the mask the plan gave it, and on with the plan. */
		cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &plan->child_sigmask, 0, CX_KSIGSET_SIZE);
		return 0;
	}
	if (pid < 0) {
		cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &plan->child_sigmask, 0, CX_KSIGSET_SIZE);
		return pid;
	}
	init_loop(pid);
}
