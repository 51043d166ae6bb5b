/* SPDX-License-Identifier: MIT */
/*
 * The child's main loop: run the plan's child ops in order; on the first
 * failure note {op index, errno} where the parent will read it and stop.
 * See child.h for what code here may and may not do.
 */
#include <errno.h> /* constants only: the child never reads errno */
#include <fcntl.h>
#include <sys/ptrace.h>

#include "child.h"

static long run_ptrace(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	(void)op;
	return cx_sys4(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
}

/* With candidates, execvp's rule (glibc's list of "not here" errors):
 * pass over the missing, remember EACCES, stop at anything else. The
 * candidate that decided rides in the result (see CX_RUN_DETAIL). */
static long run_execve(const struct cx_plan *plan, const struct cx_op *op)
{
	long seen = -ENOENT, r;
	unsigned int which = op->exec.nlist;

	if (!op->exec.nlist)
		return cx_sys3(SYS_execve, op->exec.path, op->exec.argv, plan->envp);
	for (unsigned int i = 0; i < op->exec.nlist; i++) {
		r = cx_sys3(SYS_execve, op->exec.list[i], op->exec.argv, plan->envp);
		switch (-r) {
		case EACCES:
			if (seen != -EACCES) {
				seen = r;
				which = i;
			}
			break;
		case ENOENT:
		case ENOTDIR:
		case ESTALE:
		case ENODEV:
		case ETIMEDOUT:
			break;
		default:
			return CX_RUN_DETAIL(r, i);
		}
	}
	return which < op->exec.nlist ? CX_RUN_DETAIL(seen, which) : seen;
}

/* Steps the child runs; the others are the parent's. */
static const cx_runner runners[CX_STEP_MAX_] = {
	[CX_STEP_WRITE_UID_MAP] = cx_run_write_file,
	[CX_STEP_WRITE_SETGROUPS] = cx_run_write_file,
	[CX_STEP_WRITE_GID_MAP] = cx_run_write_file,
	[CX_STEP_WAIT_MAPS] = cx_run_wait_maps,
	[CX_STEP_RESET_SIGNALS] = cx_run_reset_signals,
	[CX_STEP_KEEPCAPS] = cx_run_keepcaps,
	[CX_STEP_SETSID] = cx_run_setsid,
	[CX_STEP_SETPGID] = cx_run_setpgid,
	[CX_STEP_FOREGROUND] = cx_run_foreground,
	[CX_STEP_SIGMASK] = cx_run_sigmask,
	[CX_STEP_UNSHARE] = cx_run_unshare,
	[CX_STEP_MOUNT_PRIVATE] = cx_run_mount_private,
	[CX_STEP_CHROOT] = cx_run_chroot,
	[CX_STEP_SETRLIMIT] = cx_run_setrlimit,
	[CX_STEP_SETGROUPS] = cx_run_setgroups,
	[CX_STEP_SETGID] = cx_run_setgid,
	[CX_STEP_SETUID] = cx_run_setuid,
	[CX_STEP_CAPSET] = cx_run_capset,
	[CX_STEP_AMBIENT] = cx_run_ambient,
	[CX_STEP_CHDIR] = cx_run_chdir,
	[CX_STEP_PDEATHSIG] = cx_run_pdeathsig,
	[CX_STEP_NO_NEW_PRIVS] = cx_run_no_new_privs,
	[CX_STEP_UMASK] = cx_run_umask,
	[CX_STEP_DUP] = cx_run_dup,
	[CX_STEP_KEEP_FD] = cx_run_keep_fd,
	[CX_STEP_CLOSE_FD] = cx_run_close_fd,
	[CX_STEP_CLOSE_OTHERS] = cx_run_close_others,
	[CX_STEP_NOCTTY] = cx_run_noctty,
	[CX_STEP_SETCTTY] = cx_run_setctty,
	[CX_STEP_PTRACE] = run_ptrace,
	[CX_STEP_EXECVE] = run_execve,
	[CX_STEP_JOIN_CGROUP] = cx_run_join_cgroup,
	/* issue 10: join and confine */
	[CX_STEP_SETNS] = cx_run_setns,
	[CX_STEP_FORK_PROGRAM] = cx_run_fork_program,
	[CX_STEP_SECUREBITS] = cx_run_securebits,
	[CX_STEP_BOUNDING] = cx_run_bounding,
	[CX_STEP_CAP_SETS] = cx_run_cap_sets,
	[CX_STEP_TIME_OFFSETS] = cx_run_write_file,
	[CX_STEP_LANDLOCK] = cx_run_landlock,
	[CX_STEP_SECCOMP] = cx_run_seccomp,
	/* 0.2, issue 11 */
	[CX_STEP_NICE] = cx_run_nice,
	[CX_STEP_SCHED] = cx_run_sched,
	[CX_STEP_CPUS] = cx_run_cpus,
	[CX_STEP_IOPRIO] = cx_run_ioprio,
	[CX_STEP_OOM_SCORE_ADJ] = cx_run_oom_score_adj,
	/* 0.2, issue 9: filesystem view */
	[CX_STEP_OPEN_ROOT] = cx_run_open_root,
	[CX_STEP_NEW_ROOT] = cx_run_new_root,
	[CX_STEP_BIND] = cx_run_mount,
	[CX_STEP_RO_BIND] = cx_run_mount,
	[CX_STEP_DEV_BIND] = cx_run_mount,
	[CX_STEP_MOUNT_TMPFS] = cx_run_mount,
	[CX_STEP_MOUNT_PROC] = cx_run_mount,
	[CX_STEP_MOUNT_DEVPTS] = cx_run_mount,
	[CX_STEP_MOUNT_MQUEUE] = cx_run_mount,
	[CX_STEP_MKDIR] = cx_run_mount,
	[CX_STEP_SYMLINK] = cx_run_mount,
	[CX_STEP_REMOUNT_RO] = cx_run_mount,
	[CX_STEP_CHMOD] = cx_run_mount,
	[CX_STEP_PIVOT_ROOT] = cx_run_pivot_root,
	[CX_STEP_SETHOSTNAME] = cx_run_set_name,
	[CX_STEP_SETDOMAINNAME] = cx_run_set_name,
	[CX_STEP_INIT] = cx_run_init,
	[CX_STEP_UNSHARE_FILES] = cx_run_unshare_files,
};

static void report(struct cx_plan *plan, int index, long r)
{
	int32_t error = (int32_t)(-r & 0xffff), detail = (int32_t)(-r >> 16) - 1;

	if (plan->pipes) {
		struct cx_report rep;

		rep.index = index;
		rep.error = error;
		rep.detail = detail;
		cx_sys3(SYS_write, plan->report_fd, &rep, sizeof(rep));
	} else {
		plan->report.index = index;
		plan->report.error = error;
		plan->report.detail = detail;
	}
}

int cx_child_main(void *arg)
{
	struct cx_plan *plan = arg;

	/* Seen by the parent only if this is its memory (spawn.c, vm_check). */
	__atomic_store_n(&plan->child_seen, 1, __ATOMIC_RELEASE);
	if (plan->pipes) {
		/* Our own fd table (and perhaps our own copy of the plan): drop
		 * the parent's ends (else a parent that gives up closing its go
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
	return cx_child_run_from(plan, 0);
}

/* From op index from on (0, or after FORK_PROGRAM in the program). */
int cx_child_run_from(struct cx_plan *plan, int from)
{
	for (int i = from; i < plan->nops; i++) {
		const struct cx_op *op = &plan->ops[i];
		cx_runner run = runners[op->step];
		long r;

		if (op->who != CX_CHILD)
			continue;
		r = run ? run(plan, op) : -EINVAL;
		if (r < 0) {
			report(plan, i, r);
			return 127;
		}
	}
	return 127;
}
