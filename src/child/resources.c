/* SPDX-License-Identifier: MIT */
/* Nice, scheduling, CPUs, I/O priority and OOM score, set on itself. */
#include <fcntl.h>
#include <sys/resource.h>

#include "child.h"

long cx_run_nice(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys3(SYS_setpriority, PRIO_PROCESS, 0, op->nice.nice);
}

long cx_run_sched(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_sched_attr sa;

	(void)plan;
	/* Field by field: a struct initializer may become a memset call. */
	sa.size = sizeof(sa);
	sa.sched_policy = (uint32_t)op->sched.policy;
	sa.sched_flags = op->sched.flags;
	sa.sched_nice = op->sched.nice;
	sa.sched_priority = (uint32_t)op->sched.priority;
	sa.sched_runtime = 0;
	sa.sched_deadline = 0;
	sa.sched_period = 0;
	return cx_sys3(SYS_sched_setattr, 0, &sa, 0);
}

long cx_run_cpus(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys3(SYS_sched_setaffinity, 0, op->cpus.size, op->cpus.mask);
}

long cx_run_ioprio(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys3(SYS_ioprio_set, CX_IOPRIO_WHO_PROCESS, 0, op->ioprio.value);
}

long cx_run_oom_score_adj(const struct cx_plan *plan, const struct cx_op *op)
{
	long fd, n;

	(void)plan;
	fd = cx_sys4(SYS_openat, AT_FDCWD, "/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	n = cx_sys3(SYS_write, fd, op->oom.text, op->oom.len);
	cx_sys1(SYS_close, fd);
	if (n >= 0 && n != op->oom.len)
		return -5; /* EIO: a short write of a dozen bytes */
	return n < 0 ? n : 0;
}
