/* SPDX-License-Identifier: MIT */
/*
 * What a supervisor needs around the wait (issue 11): a deadline, then the
 * signal asked for, a grace period, then SIGKILL, as timeout(1) does with
 * --signal and --kill-after. The signal goes to the child, its process
 * group or its cgroup; the status says which stage was reached.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "internal.h"
#include "process.h"

#define PIDFD_SIGNAL_PROCESS_GROUP_ (1U << 2) /* Linux 6.9 */

static int signal_group(struct cx_process *p, int sig)
{
	long r = -ENOSYS;
	pid_t pgid;

	/* (not under valgrind, which warns at each pidfd call it does not know) */
	if (p->pidfd >= 0 && cx_feature(CX_FEAT_PIDFD_OPEN))
		r = cx_sys4(SYS_pidfd_send_signal, p->pidfd, sig, NULL,
			    PIDFD_SIGNAL_PROCESS_GROUP_);
	if (r != -ENOSYS && r != -EINVAL)
		return (int)r;
	/* Older kernels: the child is not reaped yet, so its pid and the
	 * group it is in are still its own. */
	pgid = getpgid(p->pid);
	if (pgid < 0)
		return -errno;
	return kill(-pgid, sig) < 0 ? -errno : 0;
}

static void send(struct cx_process *p, int sig, unsigned int flags)
{
	if (flags & CX_WAIT_TREE)
		cx_process_kill_tree(p, sig);
	if (flags & CX_WAIT_PGROUP)
		signal_group(p, sig);
	/* Always the child itself too: it may have left its group or cgroup
	 * (a failure here is a child that has just ended). */
	cx_process_signal(p, sig);
}

int cx_process_wait_deadline(struct cx_process *p, int timeout_ms, int sig, int grace_ms,
			     unsigned int flags, struct cx_status *ret_status)
{
	uint32_t stage = 0;
	struct cx_status st;
	int r;

	if (!p || sig <= 0 || sig >= _NSIG || (flags & ~(unsigned int)(CX_WAIT_PGROUP | CX_WAIT_TREE)))
		return -EINVAL;
	if ((flags & CX_WAIT_TREE) && !p->cgroup)
		return -ENOMEDIUM;
	r = cx_process_wait(p, timeout_ms, &st);
	if (r == -ETIMEDOUT) {
		stage = CX_SUPERVISION_TIMED_OUT;
		send(p, sig, flags);
		r = sig == SIGKILL ? -ETIMEDOUT : cx_process_wait(p, grace_ms, &st);
		if (r == -ETIMEDOUT) {
			if (sig != SIGKILL)
				stage |= CX_SUPERVISION_KILLED;
			send(p, SIGKILL, flags);
			do
				r = cx_process_wait(p, -1, &st);
			while (r == -EINTR);
		}
	}
	if (r < 0)
		return r;
	st.supervision = stage;
	st.timeout_signal = stage ? sig : 0;
	if (ret_status)
		*ret_status = st;
	return 0;
}
