/* SPDX-License-Identifier: MIT */
/*
 * The child, between clone and execve. It may share memory with the parent
 * (CLONE_VM) and runs on a borrowed stack, so: raw system calls only, no
 * errno, no TLS, no libc function, no allocation, no lock. It reads the plan
 * the parent compiled and writes only the report and, for the fd plan, the
 * plan's scratch array of parked fds. Built without sanitizers
 * or stack protector (see Makefile); `make check` verifies that this object
 * has no undefined symbols.
 */
#include <errno.h> /* constants only: the child never reads errno */
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <time.h>

#include "internal.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif

static long write_file(const char *path, const void *text, long len)
{
	long fd = cx_sys4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC, 0);
	long r;

	if (fd < 0)
		return fd;
	r = cx_sys3(SYS_write, fd, text, len);
	cx_sys1(SYS_close, fd);
	if (r >= 0 && r != len)
		return -EIO;
	return r < 0 ? r : 0;
}

/* Handlers of the caller must never run here nor in the program: reset
 * every handled signal (unless clone3 already did) and those asked for. */
static long reset_signals(const struct cx_plan *plan)
{
	struct cx_ksigaction dfl, old;

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

static long set_caps(const struct cx_op *op)
{
	uint64_t caps = *(const uint64_t *)op->p;
	struct cx_cap_header hdr;
	struct cx_cap_data data[2];
	long r;

	hdr.version = CX_CAP_V3;
	hdr.pid = 0;
	r = cx_sys2(SYS_capget, &hdr, data);
	if (r < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		uint32_t word = (uint32_t)(caps >> (32 * i));

		data[i].permitted |= word;
		data[i].inheritable |= word;
	}
	return cx_sys2(SYS_capset, &hdr, data);
}

static long wait_maps(const struct cx_plan *plan)
{
	char go = 0;

	if (plan->mode == CX_MODE_COPY) {
		if (cx_sys3(SYS_read, plan->go_fd, &go, 1) != 1 || go != 1)
			return -ECANCELED;
		return 0;
	}
	while (plan->go == 0)
		cx_sys4(SYS_futex, &plan->go, FUTEX_WAIT, 0, 0);
	return plan->go == 1 ? 0 : -ECANCELED;
}

/* The caller might have died before PR_SET_PDEATHSIG took hold; its pidfd
 * is readable once it is gone, which also works from a new PID namespace
 * where getppid() is 0. */
static long parent_death(const struct cx_plan *plan, const struct cx_op *op)
{
	struct pollfd pfd;
	struct timespec zero;
	int gone = 0;
	long r;

	r = cx_sys2(SYS_prctl, PR_SET_PDEATHSIG, op->a);
	if (r < 0)
		return r;
	if (plan->parent_pidfd >= 0) {
		pfd.fd = plan->parent_pidfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		zero.tv_sec = 0;
		zero.tv_nsec = 0;
		gone = cx_sys5(SYS_ppoll, &pfd, 1, &zero, 0, 0) > 0;
	} else if (op->b) {
		gone = cx_sys0(SYS_getppid) != plan->parent_pid;
	}
	if (!gone)
		return 0;
	cx_sys2(SYS_kill, cx_sys0(SYS_getpid), op->a);
	/* Still here: the signal is ignored by default, or we are the init
	 * of a new PID namespace, which cannot signal itself to death. */
	if (op->c)
		cx_sys1(SYS_exit_group, 128 + op->a);
	return 0;
}

static long close_others(const struct cx_plan *plan, int from)
{
	int keep = plan->mode == CX_MODE_COPY ? plan->report_fd : -1;
	struct cx_rlimit64 lim;
	long r;

	if (keep >= from) {
		if (keep > from) {
			r = cx_sys3(SYS_close_range, from, keep - 1, 0);
			if (r < 0 && r != -ENOSYS)
				return r;
		}
		from = keep + 1;
	}
	r = cx_sys3(SYS_close_range, from, ~0U, 0);
	if (r != -ENOSYS)
		return r;
	/* Before Linux 5.9: close one by one up to the fd limit. */
	if (cx_sys4(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &lim) < 0)
		lim.cur = 1024;
	for (uint64_t fd = (uint64_t)from; fd < lim.cur && fd < (1u << 20); fd++)
		if ((int)fd != keep)
			cx_sys1(SYS_close, fd);
	return 0;
}

/* Park a source on a free fd (b < 0), or place one on its target, reading
 * a parked source from where pass 1 noted it. */
static long dup_fd(const struct cx_op *op)
{
	long fd;

	if (op->b < 0) {
		fd = cx_sys3(SYS_fcntl, op->a, F_DUPFD_CLOEXEC, op->c);
		if (fd >= 0)
			*(int *)op->q = (int)fd;
		return fd;
	}
	fd = op->p ? *(const int *)op->p : op->a;
	return cx_sys3(SYS_dup3, fd, op->b, 0);
}

static long run_op(const struct cx_plan *plan, const struct cx_op *op)
{
	int pgrp;

	switch (op->step) {
	case CX_STEP_WAIT_MAPS:
		return wait_maps(plan);
	case CX_STEP_RESET_SIGNALS:
		return reset_signals(plan);
	case CX_STEP_KEEPCAPS:
		return cx_sys2(SYS_prctl, PR_SET_KEEPCAPS, 1);
	case CX_STEP_SETSID:
		return cx_sys0(SYS_setsid);
	case CX_STEP_SETPGID:
		return cx_sys2(SYS_setpgid, 0, op->a);
	case CX_STEP_FOREGROUND:
		pgrp = op->b ? op->b : (int)cx_sys0(SYS_getpid);
		return cx_sys3(SYS_ioctl, op->a, TIOCSPGRP, &pgrp);
	case CX_STEP_SIGMASK:
		return cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &plan->child_sigmask, 0,
			       CX_KSIGSET_SIZE);
	case CX_STEP_UNSHARE:
		return cx_sys1(SYS_unshare, op->c);
	case CX_STEP_WRITE_UID_MAP:
	case CX_STEP_WRITE_SETGROUPS:
	case CX_STEP_WRITE_GID_MAP:
		return write_file(op->p, op->q, op->a);
	case CX_STEP_MOUNT_PRIVATE:
		/* Source and type are ignored for a propagation change; valgrind
		 * wants them readable all the same. */
		return cx_sys5(SYS_mount, "none", "/", "none", MS_REC | MS_PRIVATE, 0);
	case CX_STEP_CHROOT:
		return cx_sys1(SYS_chroot, op->p);
	case CX_STEP_SETRLIMIT:
		return cx_sys4(SYS_prlimit64, 0, op->a, op->p, 0);
	case CX_STEP_SETGROUPS:
		return cx_sys2(SYS_setgroups, op->a, op->p);
	case CX_STEP_SETGID:
		return cx_sys1(SYS_setgid, op->a);
	case CX_STEP_SETUID:
		return cx_sys1(SYS_setuid, op->a);
	case CX_STEP_CAPSET:
		return set_caps(op);
	case CX_STEP_AMBIENT:
		return cx_sys5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, op->a, 0, 0);
	case CX_STEP_CHDIR:
		return cx_sys1(SYS_chdir, op->p);
	case CX_STEP_PDEATHSIG:
		return parent_death(plan, op);
	case CX_STEP_NO_NEW_PRIVS:
		return cx_sys5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	case CX_STEP_UMASK:
		cx_sys1(SYS_umask, op->a);
		return 0;
	case CX_STEP_DUP:
		return dup_fd(op);
	case CX_STEP_KEEP_FD:
		return cx_sys3(SYS_fcntl, op->a, F_SETFD, 0);
	case CX_STEP_CLOSE_FD:
		cx_sys1(SYS_close, op->a);
		return 0;
	case CX_STEP_CLOSE_OTHERS:
		return close_others(plan, op->a);
	case CX_STEP_NOCTTY:
		return cx_sys2(SYS_ioctl, op->a, TIOCNOTTY);
	case CX_STEP_SETCTTY:
		return cx_sys3(SYS_ioctl, op->a, TIOCSCTTY, 1);
	case CX_STEP_PTRACE:
		return cx_sys4(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	case CX_STEP_EXECVE:
		return cx_sys3(SYS_execve, op->p, op->q, plan->envp);
	default:
		return -EINVAL;
	}
}

int cx_child_main(void *arg)
{
	struct cx_plan *plan = arg;

	if (plan->mode == CX_MODE_COPY) {
		/* Our own copy of the plan and of the parent's fds: drop the
		 * parent's pipe ends (else a parent that gives up closing its go
		 * end is never seen), and keep the error pipe out of the fd
		 * plan's way. */
		long fd;

		for (int i = 0; i < 2; i++)
			if (plan->parent_ends[i] >= 0)
				cx_sys1(SYS_close, plan->parent_ends[i]);
		fd = cx_sys3(SYS_fcntl, plan->report_fd, F_DUPFD_CLOEXEC, plan->fd_free);
		if (fd >= 0)
			plan->report_fd = (int)fd;
	}
	for (int i = 0; i < plan->nops; i++) {
		const struct cx_op *op = &plan->ops[i];
		long r;

		if (op->who != CX_CHILD)
			continue;
		r = run_op(plan, op);
		if (r >= 0)
			continue;
		if (plan->mode == CX_MODE_COPY) {
			struct cx_report rep;

			rep.index = i;
			rep.error = (int32_t)-r;
			cx_sys3(SYS_write, plan->report_fd, &rep, sizeof(rep));
		} else {
			plan->report.index = i;
			plan->report.error = (int32_t)-r;
		}
		return 127;
	}
	return 127;
}
