/* SPDX-License-Identifier: MIT */
/* The process handle: pid + pidfd; waiting, signalling, releasing. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "internal.h"
#include "process.h"

struct cx_process *cx_process_new(void)
{
	struct cx_process *p = calloc(1, sizeof(*p));

	if (p)
		p->pidfd = -1;
	return p;
}

pid_t cx_process_pid(const struct cx_process *p)
{
	return p ? p->pid : -1;
}

int cx_process_pidfd(const struct cx_process *p)
{
	return p ? p->pidfd : -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* waitid with the kernel's fifth argument, which libc hides: the rusage. */
static int collect(struct cx_process *p, int options, struct cx_status *ret_status)
{
	struct cx_status st;
	siginfo_t si;
	long r;

	memset(&si, 0, sizeof(si));
	memset(&st, 0, sizeof(st));
	r = -EINVAL;
	if (p->pidfd >= 0)
		r = cx_sys5(SYS_waitid, P_PIDFD, p->pidfd, &si, WEXITED | options, &st.rusage);
	/* Linux 5.2-5.3 give pidfds but know no P_PIDFD: the child is ours and
	 * unreaped, so its pid is still its own. */
	if (r == -EINVAL)
		r = cx_sys5(SYS_waitid, P_PID, p->pid, &si, WEXITED | options, &st.rusage);
	if (r < 0)
		return (int)r;
	if (si.si_pid == 0)
		return -ETIMEDOUT;
	p->reaped = 1;
	if (si.si_code == CLD_EXITED) {
		st.exited = 1;
		st.exit_code = si.si_status;
	} else {
		st.signal = si.si_status;
		st.core_dumped = si.si_code == CLD_DUMPED;
	}
	if (p->cgroup)
		cx_cgroup_status(p->cgroup, &st);
	if (ret_status)
		*ret_status = st;
	return 0;
}

/* Without a pidfd there is nothing to poll: back off from 1 to 50 ms. */
static int wait_pid_polling(struct cx_process *p, int timeout_ms, struct cx_status *ret_status)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct timespec nap = { 0, 1000000 };

	for (;;) {
		int r = collect(p, WNOHANG, ret_status);

		if (r != -ETIMEDOUT)
			return r;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
}

int cx_process_wait(struct cx_process *p, int timeout_ms, struct cx_status *ret_status)
{
	int64_t deadline;
	int r;

	if (!p)
		return -EINVAL;
	if (p->reaped)
		return -ECHILD;
	if (timeout_ms < 0) {
		do
			r = collect(p, 0, ret_status);
		while (r == -EINTR);
		return r;
	}
	if (p->pidfd < 0)
		return wait_pid_polling(p, timeout_ms, ret_status);
	deadline = now_ms() + timeout_ms;
	for (;;) {
		struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
		int64_t left = deadline - now_ms();

		r = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0) {
			r = collect(p, WNOHANG, ret_status);
			if (r != -ETIMEDOUT)
				return r;
			continue;
		}
		if (r == 0 && left <= 0)
			return -ETIMEDOUT;
	}
}

int cx_process_signal(struct cx_process *p, int sig)
{
	long r;

	if (!p || sig < 0 || sig >= _NSIG)
		return -EINVAL;
	if (p->reaped)
		return -ESRCH;
	if (p->pidfd >= 0) {
		r = cx_sys4(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0);
		if (r != -ENOSYS)
			return (int)r;
	}
	r = kill(p->pid, sig);
	return r < 0 ? -errno : 0;
}

void cx_process_release(struct cx_process *p)
{
	if (!p)
		return;
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->cgroup)
		cx_cgroup_release(p->cgroup);
	free(p);
}

int cx_process_release_mode(struct cx_process *p, unsigned int mode)
{
	int r = 0;

	if (mode & ~(unsigned int)(CX_RELEASE_KILL | CX_RELEASE_WAIT))
		return -EINVAL;
	if (!p)
		return 0;
	if ((mode & CX_RELEASE_KILL) && !p->reaped) {
		r = cx_process_signal(p, SIGKILL);
		if (r == -ESRCH)
			r = 0;
	}
	if ((mode & CX_RELEASE_WAIT) && !p->reaped) {
		int w = cx_process_wait(p, -1, NULL);

		if (r == 0)
			r = w;
	}
	cx_process_release(p);
	return r;
}

int cx_process_pidfd_take(struct cx_process *p)
{
	int fd;

	if (!p)
		return -EINVAL;
	if (p->pidfd < 0)
		return -EBADF;
	fd = p->pidfd;
	p->pidfd = -1;
	return fd;
}
