/* SPDX-License-Identifier: MIT */
/* Signals in the child: no caller handler may ever run here. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>

#include "child.h"

/* Reset every handled signal (unless clone3 already did) and those asked
 * for, ignored ones included. */
long cx_run_reset_signals(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_ksigaction dfl, old;

	(void)op;
	dfl.handler = 0;
	dfl.flags = 0;
	dfl.restorer = 0;
	dfl.mask = 0;
	for (int sig = 1; sig <= 64; sig++) {
		int forced = (plan->child_sigdefault >> (sig - 1)) & 1;

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (!forced) {
			if (plan->sighand_cleared)
				continue;
			if (cx_sys4(SYS_rt_sigaction, sig, 0, &old, CX_KSIGSET_SIZE) < 0)
				continue;
			if (old.handler == (unsigned long)SIG_DFL || old.handler == (unsigned long)SIG_IGN)
				continue;
		}
		long r = cx_sys4(SYS_rt_sigaction, sig, &dfl, 0, CX_KSIGSET_SIZE);

		if (r < 0 && forced)
			return r;
	}
	return 0;
}

long cx_run_sigmask(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)op;
	return cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &plan->child_sigmask, 0, CX_KSIGSET_SIZE);
}

/* The caller might have died before PR_SET_PDEATHSIG took hold: getppid()
 * tells at once outside a new PID namespace (where it is 0); inside, the
 * caller's pidfd is readable once it is gone. */
long cx_run_pdeathsig(const struct cx_plan *plan, const struct cx_op *op)
{
	const struct cx_op_pdeathsig *pd = &op->pdeathsig;
	struct pollfd pfd;
	struct timespec zero;
	uint64_t mask;
	int gone = 0;
	long r;

	r = cx_sys2(SYS_prctl, PR_SET_PDEATHSIG, pd->sig);
	if (r < 0)
		return r;
	if (pd->check_ppid) {
		gone = cx_sys0(SYS_getppid) != plan->parent_pid;
	} else if (plan->parent_pidfd >= 0) {
		pfd.fd = plan->parent_pidfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		zero.tv_sec = 0;
		zero.tv_nsec = 0;
		gone = cx_sys5(SYS_ppoll, &pfd, 1, &zero, 0, 0) > 0;
	}
	if (!gone)
		return 0;
	/* Every signal is blocked until the last step: let this one in. */
	mask = 1ULL << (pd->sig - 1);
	cx_sys4(SYS_rt_sigprocmask, SIG_UNBLOCK, &mask, 0, CX_KSIGSET_SIZE);
	cx_sys2(SYS_kill, cx_sys0(SYS_getpid), pd->sig);
	/* Still here: the signal is ignored by default, or we are the init
	 * of a new PID namespace, which cannot signal itself to death. */
	if (pd->kills_by_default)
		cx_sys1(SYS_exit_group, 128 + pd->sig);
	return 0;
}
