/* SPDX-License-Identifier: MIT */
/*
 * Signals in the child: handlers reset, the mask it ends with, the
 * parent-death signal (set after the credential change, which clears it),
 * and their words.
 */
#include <signal.h>

#include "internal.h"

/* The kernel's names; libc has no portable table (sigabbrev_np is glibc's). */
static const char *const names[] = {
	[SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",     [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
	[SIGCHLD] = "CHLD", [SIGCONT] = "CONT",     [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGURG] = "URG",   [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGIO] = "IO",     [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
};

/* "TERM", or NULL for a real-time or unknown signal. */
static const char *abbrev(int sig)
{
	if (sig <= 0 || (size_t)sig >= CX_ARRAY_SIZE(names))
		return NULL;
	return names[sig];
}

const char *cx_signal_name(int sig)
{
	const char *name = abbrev(sig);

	return name ? name : "RT";
}

static int kills_by_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return 0;
	default:
		return 1;
	}
}

void cx_signals_add_pdeathsig(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (!a->pdeathsig)
		return;
	op = cx_plan_child(plan, CX_STEP_PDEATHSIG);
	op->pdeathsig.sig = a->pdeathsig;
	/* getppid() changes the moment the caller is gone, before its pidfd
	 * turns readable; in a new PID namespace it is always 0, and only the
	 * pidfd can tell. */
	op->pdeathsig.check_ppid = !(a->cloneflags & CX_NEWPID);
	op->pdeathsig.kills_by_default = kills_by_default(a->pdeathsig);
}

void cx_put_sigset(struct cx_buf *b, uint64_t set)
{
	const char *sep = "";

	if (!set)
		cx_put(b, "none");
	for (int sig = 1; sig <= 64; sig++) {
		if (set & (1ULL << (sig - 1))) {
			if (abbrev(sig))
				cx_put(b, "%sSIG%s", sep, abbrev(sig));
			else
				cx_put(b, "%s%d", sep, sig);
			sep = ",";
		}
	}
}

void cx_describe_signals(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			 int verbose)
{
	(void)op;
	if (verbose)
		cx_put(b, "of every handled signal%s", plan->child_sigdefault ? " and of " : "");
	if (plan->child_sigdefault)
		cx_put_sigset(b, plan->child_sigdefault);
}

void cx_describe_sigmask(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			 int verbose)
{
	(void)op;
	if (plan->attr.flags & CX_ATTR_SIGMASK)
		cx_put_sigset(b, plan->child_sigmask);
	else if (verbose)
		cx_put(b, "to the caller's");
}

void cx_describe_pdeathsig(struct cx_buf *b, const struct cx_plan *plan,
			   const struct cx_op *op, int verbose)
{
	(void)plan;
	cx_put(b, "SIG%s", cx_signal_name(op->pdeathsig.sig));
	if (verbose)
		cx_put(b, op->pdeathsig.check_ppid ? ", then getppid() tells whether the caller is gone"
						: ", then the caller's pidfd tells whether it is gone");
}
